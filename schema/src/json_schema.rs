//! The JSON Schema of the wire types, as committed in `docs/wire-schema.json`.

use schemars::{generate::SchemaSettings, JsonSchema, Schema};
use serde::Serialize;

use crate::{Envelope, Notice, NoticePage, Receipt};

/// The top-level wire messages, for the schema's `oneOf`.
#[derive(JsonSchema, Serialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum WireMessage {
    Envelope(Envelope),
    Receipt(Receipt),
    Notice(Notice),
    NoticePage(NoticePage),
}

/// The schema (draft 2020-12) of every message on the wire, pretty-printed with a final newline.
pub fn wire_schema_json() -> String {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let schema: Schema = generator.into_root_schema_for::<WireMessage>();
    let mut s = serde_json::to_string_pretty(&schema).expect("schema encodes");
    s.push('\n');
    s
}
