//! Settings: the example files parse, environment overrides win, and errors name the file,
//! the key and (for overrides) the variable.

use std::path::{Path, PathBuf};

use config::settings::{AggregatorSettings, DatabaseUrl, NodeSettings, SettingsError};
use schema::{Classification, UnitId};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn no_env() -> Vec<(String, String)> {
    Vec::new()
}

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Writes `text` as `node.toml` in a fresh directory.
fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("node.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

const MINIMAL_NODE: &str = r#"
[unit]
id = "75.26041"
name = "Ủy ban nhân dân phường Trấn Biên"
[node]
data_dir = "data"
listen = "127.0.0.1:8080"
[tls]
cert_chain = "c.pem"
key = "k.pem"
trust_root = "r.pem"
[[upstream]]
name = "Tỉnh"
url = "https://pa03.example.vn/"
max_classification = "mat"
"#;

#[test]
fn node_example_parses() {
    let s = NodeSettings::load_from(example("node.example.toml"), no_env()).unwrap();
    assert_eq!(s.unit.id, UnitId::parse("75.26041").unwrap());
    assert_eq!(s.node.listen.port(), 8080);
    assert_eq!(s.upstream.len(), 1);
    assert_eq!(s.upstream[0].max_classification, Classification::Mat);
    assert_eq!(s.outbox.jitter.get(), 0.2);
}

#[test]
fn aggregator_example_parses() {
    let s = AggregatorSettings::load_from(example("aggregator.example.toml"), no_env()).unwrap();
    assert_eq!(s.unit.id, UnitId::parse("75").unwrap());
    assert_eq!(s.server.listen.port(), 8443);
    assert!(matches!(s.node.database_url(), DatabaseUrl::Postgres(_)));
    assert_eq!(s.reminders.schedule.as_str(), "0 0 8 * * Mon-Fri");
    assert_eq!(s.inspection.weights["incidents"], 5.0);
    assert_eq!(s.registry.roots, vec![UnitId::parse("75").unwrap()]);
    assert_eq!(
        s.mail.as_ref().unwrap().tls_mode(),
        config::settings::MailTls::Starttls
    );
    assert!(s.reminders.committee.is_some());
    assert_eq!(s.relay.forward, vec![schema::ReportKind::IncidentReport]);
    assert!(s.relay.send_consolidated);
    assert_eq!(s.relay.lead_working_days, 2);
}

#[test]
fn relay_refuses_to_forward_consolidated_reports() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(example("aggregator.example.toml"))
        .unwrap()
        .replace(
            "forward = [\"incident_report\"]",
            "forward = [\"consolidated_report\"]",
        );
    let path = dir.path().join("a.toml");
    std::fs::write(&path, text).unwrap();
    let err = AggregatorSettings::load_from(&path, no_env())
        .unwrap_err()
        .to_string();
    assert!(err.contains("relay.forward"), "{err}");
}

#[test]
fn env_override_wins_over_the_file() {
    let s = NodeSettings::load_from(
        example("node.example.toml"),
        env(&[
            ("BMNN__NODE__LISTEN", "127.0.0.1:0"),
            ("BMNN__OUTBOX__MAX_QUEUE", "7"),
            ("UNRELATED", "ignored"),
        ]),
    )
    .unwrap();
    assert_eq!(s.node.listen.to_string(), "127.0.0.1:0");
    assert_eq!(s.outbox.max_queue, 7);
}

#[test]
fn nested_env_key_sets_a_weight() {
    let s = AggregatorSettings::load_from(
        example("aggregator.example.toml"),
        env(&[("BMNN__INSPECTION__WEIGHTS__LATE_REPORTS", "2.5")]),
    )
    .unwrap();
    assert_eq!(s.inspection.weights["late_reports"], 2.5);
}

#[test]
fn numeric_looking_env_value_is_taken_as_text_where_text_is_wanted() {
    // `75.26041` parses as a TOML float, `75` as an integer; unit ids are text.
    for id in ["75.26041", "75"] {
        let s =
            NodeSettings::load_from(example("node.example.toml"), env(&[("BMNN__UNIT__ID", id)]))
                .unwrap();
        assert_eq!(s.unit.id.as_str(), id);
    }
}

#[test]
fn unknown_key_is_rejected_with_file_and_key() {
    let (_dir, path) = file(&MINIMAL_NODE.replace("[tls]", "[tls]\nkee = \"x.pem\""));
    let e = NodeSettings::load_from(&path, no_env()).unwrap_err();
    let msg = e.to_string();
    assert!(
        matches!(&e, SettingsError::Invalid { key, env_var: None, .. } if key == "tls.kee"),
        "{e:?}"
    );
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(
        msg.contains("tls.kee") && msg.contains("unknown field"),
        "{msg}"
    );
}

#[test]
fn bad_unit_id_from_env_names_the_variable() {
    let e = NodeSettings::load_from(
        example("node.example.toml"),
        env(&[("BMNN__UNIT__ID", "75.2604")]),
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(
        matches!(&e, SettingsError::Invalid { key, env_var: Some(v), .. }
            if key == "unit.id" && v == "BMNN__UNIT__ID"),
        "{e:?}"
    );
    assert!(
        msg.contains("BMNN__UNIT__ID")
            && msg.contains("invalid unit id `75.2604`")
            && msg.contains("node.example.toml"),
        "{msg}"
    );
}

#[test]
fn bad_listen_address_names_the_key() {
    let (_dir, path) = file(&MINIMAL_NODE.replace("127.0.0.1:8080", "localhost"));
    let e = NodeSettings::load_from(&path, no_env()).unwrap_err();
    assert!(
        matches!(&e, SettingsError::Invalid { key, .. } if key == "node.listen"),
        "{e:?}"
    );
}

#[test]
fn missing_key_names_the_key() {
    let (_dir, path) = file(&MINIMAL_NODE.replace("trust_root = \"r.pem\"", ""));
    let e = NodeSettings::load_from(&path, no_env()).unwrap_err();
    assert!(
        matches!(&e, SettingsError::Invalid { key, .. } if key == "tls.trust_root"),
        "{e:?}"
    );
}

#[test]
fn plain_http_upstream_is_rejected() {
    let (_dir, path) = file(&MINIMAL_NODE.replace("https://pa03", "http://pa03"));
    let e = NodeSettings::load_from(&path, no_env()).unwrap_err();
    assert!(
        matches!(&e, SettingsError::Invalid { key, .. } if key == "upstream[0].url"),
        "{e:?}"
    );
    assert!(e.to_string().contains("https://"), "{e}");
}

#[test]
fn unknown_classification_is_rejected() {
    let (_dir, path) = file(&MINIMAL_NODE.replace("\"mat\"", "\"secret\""));
    let e = NodeSettings::load_from(&path, no_env()).unwrap_err();
    assert!(
        matches!(&e, SettingsError::Invalid { key, .. } if key == "upstream[0].max_classification"),
        "{e:?}"
    );
}

#[test]
fn node_without_upstream_is_rejected() {
    let text = MINIMAL_NODE.split("[[upstream]]").next().unwrap();
    let (_dir, path) = file(text);
    let e = NodeSettings::load_from(&path, no_env()).unwrap_err();
    assert!(
        matches!(&e, SettingsError::Invalid { key, .. } if key == "upstream"),
        "{e:?}"
    );
}

#[test]
fn upstream_list_can_be_replaced_from_env_as_an_inline_array() {
    let s = NodeSettings::load_from(
        example("node.example.toml"),
        env(&[(
            "BMNN__UPSTREAM",
            r#"[{name = "A", url = "https://a.example.vn/", max_classification = "toi_mat"}]"#,
        )]),
    )
    .unwrap();
    assert_eq!(s.upstream.len(), 1);
    assert_eq!(s.upstream[0].max_classification, Classification::ToiMat);
}

#[test]
fn five_field_cron_is_rejected_with_a_seconds_hint() {
    let e = AggregatorSettings::load_from(
        example("aggregator.example.toml"),
        env(&[("BMNN__REMINDERS__SCHEDULE", "0 8 * * Mon-Fri")]),
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("reminders.schedule") && msg.contains("BMNN__REMINDERS__SCHEDULE"),
        "{msg}"
    );
    assert!(msg.contains("`0 0 8 * * Mon-Fri`"), "{msg}");
}

#[test]
fn database_url_defaults_to_sqlite_in_the_data_dir() {
    let (dir, path) = file(MINIMAL_NODE);
    let s = NodeSettings::load_from(&path, no_env()).unwrap();
    assert_eq!(
        s.node.database_url(),
        DatabaseUrl::sqlite(dir.path().join("data").join("node.db"))
    );
}

#[test]
fn relative_paths_resolve_against_the_settings_file() {
    let (dir, path) = file(MINIMAL_NODE);
    let s = NodeSettings::load_from(&path, no_env()).unwrap();
    assert_eq!(s.tls.key, dir.path().join("k.pem"));
    assert_eq!(s.node.data_dir, dir.path().join("data"));
}

#[test]
fn unsupported_database_scheme_is_rejected_without_leaking_the_password() {
    let e = NodeSettings::load_from(
        example("node.example.toml"),
        env(&[("BMNN__NODE__DATABASE_URL", "mysql://u:hunter2@db/x")]),
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("node.database_url") && !msg.contains("hunter2"),
        "{msg}"
    );
    let url = DatabaseUrl::parse("postgres://bmnn:hunter2@127.0.0.1/bmnn").unwrap();
    assert!(!format!("{url:?}").contains("hunter2"));
}

#[test]
fn jitter_outside_zero_to_one_is_rejected() {
    let e = NodeSettings::load_from(
        example("node.example.toml"),
        env(&[("BMNN__OUTBOX__JITTER", "1.5")]),
    )
    .unwrap_err();
    assert!(
        matches!(&e, SettingsError::Invalid { key, .. } if key == "outbox.jitter"),
        "{e:?}"
    );
}

#[test]
fn negative_weight_is_rejected() {
    let e = AggregatorSettings::load_from(
        example("aggregator.example.toml"),
        env(&[("BMNN__INSPECTION__WEIGHTS__INCIDENTS", "-1")]),
    )
    .unwrap_err();
    assert!(
        matches!(&e, SettingsError::Invalid { key, env_var: Some(_), .. } if key == "inspection.weights.incidents"),
        "{e:?}"
    );
}

#[test]
fn env_key_inside_a_plain_value_is_reported() {
    let e = NodeSettings::load_from(
        example("node.example.toml"),
        env(&[("BMNN__NODE__LISTEN__PORT", "1")]),
    )
    .unwrap_err();
    assert!(
        matches!(&e, SettingsError::Env { var, .. } if var == "BMNN__NODE__LISTEN__PORT"),
        "{e:?}"
    );
}

#[test]
fn only_the_national_aggregator_may_have_no_upstream() {
    let text = std::fs::read_to_string(example("aggregator.example.toml")).unwrap();
    let (head, tail) = text.split_once("\n[[upstream]]\n").unwrap();
    let tail = &tail[tail.find("[outbox]").unwrap()..];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aggregator.toml");
    std::fs::write(&path, format!("{head}\n{tail}")).unwrap();
    let e = AggregatorSettings::load_from(&path, no_env()).unwrap_err();
    assert!(
        matches!(&e, SettingsError::Invalid { key, .. } if key == "upstream"),
        "{e:?}"
    );
    let national = env(&[
        ("BMNN__UNIT__ID", "VN"),
        ("BMNN__REGISTRY__ROOTS", "[\"VN\"]"),
    ]);
    let s = AggregatorSettings::load_from(&path, national).unwrap();
    assert_eq!(s.unit.id, UnitId::national());
    assert_eq!(s.registry.roots, vec![UnitId::national()]);
}

#[test]
fn aggregator_without_optional_sections_gets_their_defaults() {
    let text = MINIMAL_NODE.replace("75.26041", "75") + "[server]\nlisten = \"127.0.0.1:8443\"\n";
    let (_dir, path) = file(&text);
    let s = AggregatorSettings::load_from(&path, no_env()).unwrap();
    assert_eq!(s.inspection.look_back_years, 2);
    assert_eq!(s.server.rate_per_second, 50);
    assert_eq!(s.server.rate_burst, 2000);
    assert_eq!(s.reminders.schedule.as_str(), "0 0 8 * * Mon-Fri");
    assert!(s.mail.is_none());
}
