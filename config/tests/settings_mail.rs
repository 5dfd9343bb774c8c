//! `[mail]` and `[reminders]` settings: the TLS modes (and the older `starttls` flag), the
//! login whose password never sits in the file, paths resolved against the settings file,
//! the `.eml` fallback, retry delays and the committee's mailbox.

use std::path::PathBuf;
use std::time::Duration;

use config::settings::{AggregatorSettings, MailTls, SettingsError};

const MINIMAL: &str = r#"
[unit]
id = "75"
name = "Ban Chỉ đạo công tác bảo vệ bí mật nhà nước tỉnh Đồng Nai"
[node]
data_dir = "data"
listen = "127.0.0.1:8080"
[tls]
cert_chain = "c.pem"
key = "k.pem"
trust_root = "r.pem"
[[upstream]]
name = "Bộ Công an"
url = "https://a03.example.vn/"
max_classification = "toi_mat"
[server]
listen = "127.0.0.1:8443"
"#;

/// Loads the minimal aggregator settings plus `extra` from a fresh directory.
fn load(extra: &str) -> (tempfile::TempDir, Result<AggregatorSettings, SettingsError>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aggregator.toml");
    std::fs::write(&path, format!("{MINIMAL}{extra}")).unwrap();
    let s = AggregatorSettings::load_from(&path, Vec::new());
    (dir, s)
}

fn refused(extra: &str, key: &str) -> String {
    let (_dir, s) = load(extra);
    let e = s.unwrap_err();
    assert!(
        matches!(&e, SettingsError::Invalid { key: k, .. } if k == key),
        "expected {key}: {e:?}"
    );
    e.to_string()
}

const MAIL: &str =
    "\n[mail]\nhost = \"mail.dongnai.example.vn\"\nfrom = \"BMNN <bmnn@dongnai.example.vn>\"\n";

#[test]
fn tls_modes_choose_their_usual_ports() {
    for (line, mode, port) in [
        ("", MailTls::Starttls, 587),
        ("tls = \"starttls\"", MailTls::Starttls, 587),
        ("tls = \"implicit\"", MailTls::Implicit, 465),
        ("tls = \"none\"", MailTls::None, 25),
        ("starttls = true", MailTls::Starttls, 587),
        ("starttls = false", MailTls::None, 25),
        ("tls = \"implicit\"\nport = 2465", MailTls::Implicit, 2465),
    ] {
        let (_dir, s) = load(&format!("{MAIL}{line}\n"));
        let mail = s.unwrap().mail.unwrap();
        assert_eq!((mail.tls_mode(), mail.port()), (mode, port), "{line}");
    }
}

#[test]
fn tls_and_the_older_starttls_flag_together_are_refused() {
    let msg = refused(
        &format!("{MAIL}tls = \"none\"\nstarttls = true\n"),
        "mail.starttls",
    );
    assert!(msg.contains("set only `tls`"), "{msg}");
}

#[test]
fn an_unknown_tls_mode_is_refused() {
    refused(&format!("{MAIL}tls = \"ssl\"\n"), "mail.tls");
}

#[test]
fn a_password_cannot_be_written_in_the_file() {
    let msg = refused(
        &format!("{MAIL}username = \"bmnn\"\npassword = \"hunter2\"\n"),
        "mail.password",
    );
    assert!(msg.contains("unknown field"), "{msg}");
    assert!(!msg.contains("hunter2"), "the secret is not echoed: {msg}");
}

#[test]
fn a_login_needs_a_password_source_and_tls() {
    let msg = refused(&format!("{MAIL}username = \"bmnn\"\n"), "mail.username");
    assert!(
        msg.contains("password_env") && msg.contains("0600"),
        "{msg}"
    );
    refused(
        &format!("{MAIL}password_env = \"BMNN_SMTP_PASSWORD\"\n"),
        "mail.username",
    );
    refused(
        &format!("{MAIL}username = \"bmnn\"\npassword_env = \"P\"\npassword_file = \"p.txt\"\n"),
        "mail.password_file",
    );
    let msg = refused(
        &format!("{MAIL}tls = \"none\"\nusername = \"bmnn\"\npassword_env = \"P\"\n"),
        "mail.tls",
    );
    assert!(msg.contains("in clear"), "{msg}");
    let (_dir, s) = load(&format!(
        "{MAIL}username = \"bmnn\"\npassword_env = \"BMNN_SMTP_PASSWORD\"\n"
    ));
    let mail = s.unwrap().mail.unwrap();
    assert_eq!(mail.username.as_deref(), Some("bmnn"));
    assert_eq!(mail.password_env.as_deref(), Some("BMNN_SMTP_PASSWORD"));
}

#[test]
fn mail_paths_resolve_against_the_settings_directory() {
    let (dir, s) = load(&format!(
        "{MAIL}ca = \"pki/mail-ca.pem\"\nusername = \"u\"\npassword_file = \"secrets/pw\"\n"
    ));
    let mail = s.unwrap().mail.unwrap();
    assert_eq!(mail.ca, Some(dir.path().join("pki/mail-ca.pem")));
    assert_eq!(mail.password_file, Some(dir.path().join("secrets/pw")));
    let (dir, s) = load("\n[mail]\nfrom = \"a@b.vn\"\ndir = \"outbox-mail\"\n");
    let mail = s.unwrap().mail.unwrap();
    assert_eq!(mail.host, None, "no host: .eml files");
    assert_eq!(mail.dir, Some(dir.path().join("outbox-mail")));
}

#[test]
fn smtp_keys_without_a_host_are_refused() {
    let msg = refused("\n[mail]\nfrom = \"a@b.vn\"\nca = \"ca.pem\"\n", "mail.ca");
    assert!(msg.contains("set `host`"), "{msg}");
    refused("\n[mail]\nfrom = \"a@b.vn\"\nhost = \" \"\n", "mail.host");
}

#[test]
fn retry_delays_double_up_to_the_ceiling() {
    let (_dir, s) = load(&format!(
        "{MAIL}retry_initial_secs = 10\nretry_max_secs = 45\n"
    ));
    let mail = s.unwrap().mail.unwrap();
    let delays: Vec<u64> = (1..=5).map(|n| mail.retry_delay(n).as_secs()).collect();
    assert_eq!(delays, [10, 20, 40, 45, 45]);
    assert_eq!(mail.retry_delay(1_000), Duration::from_secs(45));
    assert_eq!(mail.timeout(), Duration::from_secs(30));
    refused(
        &format!("{MAIL}retry_initial_secs = 10\nretry_max_secs = 5\n"),
        "mail.retry_max_secs",
    );
    refused(
        &format!("{MAIL}retry_initial_secs = 0\n"),
        "mail.retry_initial_secs",
    );
}

#[test]
fn reminders_take_the_committee_mailbox_and_a_catch_up() {
    let (_dir, s) = load(
        "\n[reminders]\ncommittee = \"Ban Chỉ đạo <bcd@dongnai.example.vn>\"\ncatch_up_working_days = 0\n",
    );
    let r = s.unwrap().reminders;
    assert_eq!(
        r.committee.unwrap().as_str(),
        "Ban Chỉ đạo <bcd@dongnai.example.vn>"
    );
    assert_eq!(r.catch_up_working_days, 0);
    let (_dir, s) = load("");
    let s = s.unwrap();
    assert_eq!(s.reminders.committee, None);
    assert_eq!(s.reminders.catch_up_working_days, 2);
    assert!(s.mail.is_none(), "no [mail]: .eml files in the data folder");
    refused(
        "\n[reminders]\ncommittee = \"Ban Chỉ đạo\"\n",
        "reminders.committee",
    );
    refused(
        "\n[reminders]\ncatch_up_working_days = 99\n",
        "reminders.catch_up_working_days",
    );
}

#[test]
fn a_password_file_path_is_never_read_at_load() {
    // Loading only checks the shape; the file is read (and its mode checked) when sending.
    let (_dir, s) = load(&format!(
        "{MAIL}username = \"u\"\npassword_file = \"/nonexistent/pw\"\n"
    ));
    assert_eq!(
        s.unwrap().mail.unwrap().password_file,
        Some(PathBuf::from("/nonexistent/pw"))
    );
}
