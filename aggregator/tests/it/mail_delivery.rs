//! The mail queue against real SMTP servers (aiosmtpd): an outage delays reminders without
//! losing them (the queue holds them; the next run, or the service on start, sends each
//! once); without SMTP they are `.eml` files; STARTTLS to a relay whose certificate comes from
//! a private CA (issued with `config::pki`) works with `[mail] ca` and fails clearly without
//! it; implicit TLS with a login whose password sits in a 0600 file, never printed.

use std::os::unix::fs::PermissionsExt as _;
use std::time::Duration;

use config::pki::{LeafRequest, Overwrite};
use config::settings::AggregatorSettings;

use crate::mail_support::{self as ms, free_port, remind, remind_ok, Security, Smtp};
use crate::support::federation::{Aggregator, Federation};
use crate::support::{runtime, wait_until};

/// Runs `remind` until every queued mail is sent (retries wait 1 s), then checks the relay
/// got `n`.
fn remind_until_sent(agg: &Aggregator, smtp: &Smtp, n: usize) {
    wait_until(
        Duration::from_secs(20),
        "the queued mail to be sent",
        || {
            let r = remind(agg, "2026-12-03", &[]);
            r.ok && ms::queue(agg).iter().all(|m| m.status == "sent")
        },
    );
    assert_eq!(smtp.files().len(), n);
}

/// A leaf for the relay, `localhost`, from Đồng Nai's CA: (chain, key readable by OpenSSL).
fn relay_cert(fed: &Federation) -> (std::path::PathBuf, std::path::PathBuf) {
    let leaf = fed
        .ca75
        .issue_leaf(
            &LeafRequest::aggregator(schema::UnitId::parse("75").unwrap()).with_dns("localhost"),
            &fed.dir.path().join("smtp-pki"),
            "smtp",
            Overwrite::Refuse,
        )
        .unwrap();
    // The product's key file as it is: PKCS#8 v1, which Python's ssl (OpenSSL 3.0) reads.
    let key = leaf.key.clone();
    (leaf.chain, key)
}

fn set_mail(agg: &Aggregator, mail: &str) {
    let text = std::fs::read_to_string(&agg.config).unwrap();
    let head = text.split("\n[mail]\n").next().unwrap();
    std::fs::write(&agg.config, format!("{head}{mail}")).unwrap();
}

#[test]
fn an_smtp_outage_delays_the_reminders_but_loses_none_and_sends_each_once() {
    let fed = Federation::new();
    let port = free_port(); // Nobody listens there yet.
    let agg = ms::aggregator(&fed, &ms::plain_mail(port));
    let r = remind(&agg, "2026-12-03", &[]);
    assert!(!r.ok, "a failed send is reported: {}", r.text);
    assert!(
        r.text.contains("stay in the queue") && r.text.contains("is it running"),
        "{}",
        r.text
    );
    let rows = ms::queue(&agg);
    assert_eq!(rows.len(), 2, "one mail per agency");
    for row in &rows {
        assert_eq!((row.status.as_str(), row.attempts), ("pending", 1));
        assert!(row.last_error.is_some());
    }
    let smtp = Smtp::start(fed.dir.path(), port, Security::Plain);
    remind_until_sent(&agg, &smtp, 2);
    remind_ok(&agg, "2026-12-03");
    assert_eq!(smtp.files().len(), 2, "sent once");
    assert!(ms::queue(&agg).iter().all(|m| m.attempts == 2));
    let subjects: Vec<String> = smtp.messages().into_iter().map(|m| m.subject).collect();
    assert!(
        subjects.iter().all(|s| s.starts_with("[BMNN] Nhắc hạn")),
        "{subjects:?}"
    );
}

#[test]
fn the_service_resumes_the_queue_when_it_starts() {
    let fed = Federation::new();
    let port = free_port();
    let agg = ms::aggregator(&fed, &ms::plain_mail(port));
    assert!(!remind(&agg, "2026-12-03", &[]).ok);
    assert_eq!(ms::queue(&agg).len(), 2);
    let smtp = Smtp::start(fed.dir.path(), port, Security::Plain);
    // The reminder schedule of a (re)started service, on the same store.
    let settings = AggregatorSettings::load(&agg.config).unwrap();
    let rules = std::sync::Arc::new(node::rulebook::LiveRules::fixed(
        config::rules::RuleBook::embedded().unwrap(),
    ));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let rt = runtime();
    let task = rt.spawn(aggregator::reminders::run_schedule(
        settings,
        agg.pool.clone(),
        rules,
        None,
        Default::default(),
        async {
            let _ = stopped.await;
        },
    ));
    wait_until(
        Duration::from_secs(20),
        "the service to send the queue",
        || smtp.files().len() == 2,
    );
    stop.send(()).unwrap();
    rt.block_on(task).unwrap();
    assert!(ms::queue(&agg).iter().all(|m| m.status == "sent"));
    remind_ok(&agg, "2026-12-03");
    assert_eq!(smtp.files().len(), 2, "nothing twice after the restart");
}

#[test]
fn without_smtp_the_mails_are_eml_files_that_parse() {
    let fed = Federation::new();
    let agg = ms::aggregator(&fed, "");
    let out = remind_ok(&agg, "2026-12-03");
    assert!(
        out.contains(".eml files") && out.contains("2 sent now"),
        "{out}"
    );
    remind_ok(&agg, "2026-12-03");
    let dir = agg.config.parent().unwrap().join("data/mail");
    let files = ms::list(&dir, ".eml");
    assert_eq!(files.len(), 2, "{files:?}");
    assert_eq!(ms::list(&dir, ".tmp"), Vec::<std::path::PathBuf>::new());
    let mut to: Vec<String> = Vec::new();
    for f in &files {
        let m = ms::parse(f);
        assert!(
            m.subject.starts_with("[BMNN] Nhắc hạn: Báo cáo sơ kết"),
            "{}",
            m.subject
        );
        assert!(m.plain.unwrap().contains("còn 7 ngày"));
        assert!(m.html.unwrap().contains("còn 7 ngày"));
        assert!(m.message_id.ends_with("@localhost>"), "{}", m.message_id);
        to.extend(m.to);
    }
    to.sort();
    assert_eq!(
        to,
        [
            "Sở Nội vụ tỉnh Đồng Nai <vanthu@snv.dongnai.example.vn>",
            "Sở Tài chính tỉnh Đồng Nai <vanthu@stc.dongnai.example.vn>"
        ]
    );
}

#[test]
fn starttls_to_a_private_ca_works_with_the_ca_and_fails_clearly_without_it() {
    let fed = Federation::new();
    let port = free_port();
    let (chain, key) = relay_cert(&fed);
    let smtp = Smtp::start(fed.dir.path(), port, Security::Starttls { chain, key });
    let mail = |ca: &str| {
        format!(
            "\n[mail]\nhost = \"localhost\"\nport = {port}\ntls = \"starttls\"\n{ca}\
             from = \"PA03 <pa03@congan.dongnai.example.vn>\"\nretry_initial_secs = 1\n\
             retry_max_secs = 1\ntimeout_secs = 5\n"
        )
    };
    let agg = ms::aggregator(&fed, &mail(""));
    let r = remind(&agg, "2026-12-03", &[]);
    assert!(!r.ok, "{}", r.text);
    assert!(
        r.text.contains("TLS handshake failed") && r.text.contains("set [mail] ca"),
        "{}",
        r.text
    );
    assert!(ms::queue(&agg).iter().all(|m| m.status == "pending"));
    assert!(smtp.files().is_empty());
    set_mail(
        &agg,
        &mail(&format!("ca = \"{}\"\n", fed.root.cert_path().display())),
    );
    remind_until_sent(&agg, &smtp, 2);
    let m = &smtp.messages()[0];
    assert!(m.subject.contains("hạn 10/12/2026"), "{}", m.subject);
}

#[test]
fn implicit_tls_with_a_login_whose_password_file_must_be_private_and_is_never_printed() {
    let fed = Federation::new();
    let port = free_port();
    let (chain, key) = relay_cert(&fed);
    let password = "Mật-khẩu-SMTP-7f3a";
    let smtp = Smtp::start(
        fed.dir.path(),
        port,
        Security::ImplicitWithLogin {
            chain,
            key,
            user: "bmnn-dongnai".into(),
            password: password.into(),
        },
    );
    let pw_file = fed.dir.path().join("smtp-password");
    std::fs::write(&pw_file, "sai-mat-khau\n").unwrap();
    std::fs::set_permissions(&pw_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let agg = ms::aggregator(
        &fed,
        &format!(
            "\n[mail]\nhost = \"localhost\"\nport = {port}\ntls = \"implicit\"\nca = \"{}\"\n\
             username = \"bmnn-dongnai\"\npassword_file = \"{}\"\n\
             from = \"PA03 <pa03@congan.dongnai.example.vn>\"\nretry_initial_secs = 1\n\
             retry_max_secs = 1\ntimeout_secs = 5\n",
            fed.root.cert_path().display(),
            pw_file.display()
        ),
    );
    // Readable by others: refused before any attempt, the mail stays queued.
    let r = remind(&agg, "2026-12-03", &[]);
    assert!(!r.ok && r.text.contains("chmod 600"), "{}", r.text);
    assert!(ms::queue(&agg)
        .iter()
        .all(|m| m.attempts == 0 && m.status == "pending"));
    // Private but wrong: the relay refuses the login; retried later, nothing printed.
    std::fs::set_permissions(&pw_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let r = remind(&agg, "2026-12-03", &[]);
    assert!(!r.ok && r.text.contains("refused it"), "{}", r.text);
    assert!(!r.text.contains("sai-mat-khau"), "{}", r.text);
    assert!(ms::queue(&agg).iter().all(|m| m.status == "pending"));
    // The right password: sent, once.
    std::fs::write(&pw_file, format!("{password}\n")).unwrap();
    remind_until_sent(&agg, &smtp, 2);
    let r = remind(&agg, "2026-12-03", &[]);
    assert!(r.ok && !r.text.contains(password), "{}", r.text);
    assert_eq!(smtp.files().len(), 2);
}
