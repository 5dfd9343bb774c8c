//! `docs/wire-schema.json` is generated from the types; this fails when it is stale.
//! Regenerate with `BMNN_REGENERATE=1 cargo test -p schema --test it wire_schema`.

use std::path::PathBuf;

#[test]
fn committed_json_schema_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/wire-schema.json");
    let fresh = schema::json_schema::wire_schema_json();
    if std::env::var_os("BMNN_REGENERATE").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/wire-schema.json is stale: run `BMNN_REGENERATE=1 cargo test -p schema --test it wire_schema` and commit it"
    );
}
