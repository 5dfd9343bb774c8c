//! Enrolment with one-time codes and automatic renewal, as a province rolls out its communes:
//! PA03 creates a code with the real `bmnn-aggregator enrol create`; the commune's machine
//! runs what `bmnn-node init --enrol` runs (`node::cli::enrol::run`: key, CA certificates
//! checked against the slip's fingerprint, CSR with the code, chain checked and installed)
//! and submits; a wrong fingerprint spends nothing; a reused, expired, revoked, foreign or
//! other unit's code is refused by name. A node whose certificate lives 30 seconds renews
//! itself over mutual TLS and keeps submitting past its first certificate's expiry, to an
//! aggregator whose own 30-second certificate renews itself meanwhile.

use std::path::Path;

use config::settings::TlsSection;
use diesel::prelude::*;

use crate::support::federation::{Aggregator, Federation, Installation};
use crate::support::report::annual;
use crate::support::{run_aggregator, runtime};

/// Đồng Nai's aggregator signing certificates of `lifetime`; its own certificate lives as
/// long when `own_too`.
fn enrolling_province(fed: &Federation, lifetime: &str, own_too: bool) -> Aggregator {
    let extra = format!(
        "\n[enrolment]\nlisten = \"127.0.0.1:0\"\nca = \"{}\"\ncertificate_lifetime = \"{lifetime}\"\n",
        fed.ca75.dir().display()
    );
    let own =
        own_too.then(|| {
            chrono::Duration::seconds(
                config::settings::Lifetime::parse(lifetime).unwrap().secs() as i64
            )
        });
    let agg = fed.aggregator_living("75", "https://a03.bca.example.vn/", 1 << 20, &extra, own);
    let unit = schema::UnitId::parse("75").unwrap();
    let mut conn = agg.pool.get().unwrap();
    aggregator::registry::import_admin_units(&mut conn, &unit, false).unwrap();
    agg
}

/// A commune installation with no certificate yet (its `[tls]` files do not exist).
fn bare_node(fed: &Federation, unit: &str, machine: &str, port: u16) -> Installation {
    let dir = fed
        .dir
        .path()
        .join(format!("{machine}-{}", unit.replace('.', "_")));
    let pki = dir.join("pki");
    let tls = TlsSection::new(
        pki.join("node.chain.pem"),
        pki.join("node.key.pem"),
        pki.join("root.crt.pem"),
        None,
    );
    Installation::write(&dir, unit, &tls, port)
}

/// One slip from the CSV `enrol create --out` wrote: (unit, code, fingerprint).
fn slips(path: &Path) -> Vec<(String, String, String)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[0].trim_start_matches('\u{feff}').to_string(),
                rec[2].to_string(),
                rec[5].to_string(),
            )
        })
        .collect()
}

fn create_code(agg: &Aggregator, unit: &str, out: &Path) -> (String, String) {
    let stdout = run_aggregator([
        "enrol".as_ref(),
        "create".as_ref(),
        "--config".as_ref(),
        agg.config.as_os_str(),
        "--unit".as_ref(),
        unit.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert!(stdout.contains("1 mã đăng ký"), "{stdout}");
    let s = slips(out);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].0, unit);
    (s[0].1.clone(), s[0].2.clone())
}

fn enrol(inst: &Installation, agg: &Aggregator, code: &str, fp: &str) -> anyhow::Result<()> {
    let url = format!("https://127.0.0.1:{}", agg.enrol_port.unwrap());
    node::cli::enrol::run(&inst.settings(), &url, code, fp)
}

fn refused(inst: &Installation, agg: &Aggregator, code: &str, fp: &str) -> String {
    format!("{:#}", enrol(inst, agg, code, fp).unwrap_err())
}

#[test]
fn a_commune_enrols_with_its_code_and_submits_and_bad_codes_are_refused_by_name() {
    let fed = Federation::new();
    let agg = enrolling_province(&fed, "730d", false);
    let dir = fed.dir.path().to_path_buf();
    let (code, fp) = create_code(&agg, "75.26041", &dir.join("slips.csv"));
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(dir.join("slips.csv"))
            .unwrap()
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600, "the slips hold usable codes");

    // A wrong fingerprint stops before the code is sent: the code stays usable.
    let inst = bare_node(&fed, "75.26041", "pc", agg.port);
    let wrong = "ab".repeat(32);
    let e = refused(&inst, &agg, &code, &wrong);
    assert!(e.contains("không khớp vân tay"), "{e}");
    assert!(!inst.tls.cert_chain.exists() && !inst.tls.key.exists());

    // The code of 75.26041 does not enrol 75.26017.
    let other = bare_node(&fed, "75.26017", "pc", agg.port);
    let e = refused(&other, &agg, &code, &fp);
    assert!(e.contains("bad_csr") && e.contains("75.26017"), "{e}");

    enrol(&inst, &agg, &code, &fp).unwrap();
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&inst.tls.key).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    openssl_reads(&inst.tls.key);
    let node = inst.open();
    inst.queue(&node, annual("75.26041"));
    let rt = runtime();
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 1);

    // Used, foreign, revoked, expired: each refused by name.
    let e = refused(
        &bare_node(&fed, "75.26041", "second-laptop", agg.port),
        &agg,
        &code,
        &fp,
    );
    assert!(e.contains("code_used") && e.contains("đã được dùng"), "{e}");
    let foreign = aggregator::enrol::Code::random().display();
    let e = refused(&other, &agg, &foreign, &fp);
    assert!(e.contains("code_unknown"), "{e}");
    let (code17, _) = create_code(&agg, "75.26017", &dir.join("slips-17.csv"));
    let id = aggregator::enrol::Code::parse(&code17).unwrap().id();
    run_aggregator([
        "enrol",
        "revoke",
        "--config",
        agg.config.to_str().unwrap(),
        "--id",
        &id,
    ]);
    let e = refused(&other, &agg, &code17, &fp);
    assert!(e.contains("code_revoked"), "{e}");
    let (code17b, _) = create_code(&agg, "75.26017", &dir.join("slips-17b.csv"));
    expire(&agg, &code17b);
    let e = refused(&other, &agg, &code17b, &fp);
    assert!(e.contains("code_expired") && e.contains("hết hạn"), "{e}");

    // The inventory lists the enrolled certificate by name, issued with a code.
    let inv = inventory(&agg);
    let line = inv
        .lines()
        .find(|l| l.contains("75.26041"))
        .expect("the commune in the inventory");
    assert!(
        line.contains("Mã đăng ký") && line.contains("Còn hiệu lực"),
        "{line}"
    );
    let list = run_aggregator(["enrol", "list", "--config", agg.config.to_str().unwrap()]);
    assert!(
        list.contains("used") && list.contains("revoked") && list.contains("expired"),
        "{list}"
    );
}

/// `enrol inventory --csv`, run as an operator would.
fn inventory(agg: &Aggregator) -> String {
    run_aggregator([
        "enrol",
        "inventory",
        "--config",
        agg.config.to_str().unwrap(),
        "--csv",
    ])
}

/// OpenSSL 3 reads the key file (PKCS#8 v1), as curl and an administrator's tools will.
fn openssl_reads(key: &Path) {
    let out = std::process::Command::new("openssl")
        .args(["pkey", "-noout", "-in"])
        .arg(key)
        .output()
        .expect("openssl is installed (apt-get install openssl)");
    assert!(
        out.status.success(),
        "openssl pkey {}: {}",
        key.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn expire(agg: &Aggregator, code: &str) {
    use aggregator::store::schema::enrolment_codes as t;
    let hash = aggregator::enrol::Code::parse(code).unwrap().hash();
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::days(1);
    let mut conn = agg.pool.get().unwrap();
    node::dispatch!(&mut *conn, |c| diesel::update(
        t::table.filter(t::code_hash.eq(&hash))
    )
    .set(t::expires_at.eq(past))
    .execute(c))
    .unwrap();
}

/// The serial and expiry of the certificate a node signs with now.
fn current(node: &node::app::Node) -> (String, chrono::DateTime<chrono::Utc>) {
    let info = config::pki::inspect(&node.signer.leaf()).unwrap();
    (info.serial.to_string(), info.not_after)
}

#[test]
fn a_node_renews_its_short_lived_certificate_and_keeps_submitting_past_its_expiry() {
    let fed = Federation::new();
    let agg = enrolling_province(&fed, "30s", true);
    let agg_chain = fed
        .dir
        .path()
        .join("aggregator-75/pki/aggregator.chain.pem");
    let agg_first = config::pki::inspect_file(&agg_chain)
        .unwrap()
        .serial
        .to_string();
    let (code, fp) = create_code(&agg, "75.26041", &fed.dir.path().join("slips.csv"));
    let inst = bare_node(&fed, "75.26041", "pc", agg.port);
    enrol(&inst, &agg, &code, &fp).unwrap();
    let node = inst.open();
    let (first, first_expiry) = current(&node);
    let rt = runtime();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let renewal = rt.spawn(node::renew::run(node.clone(), async move {
        let _ = stop_rx.await;
    }));
    // Submit one report after another until well past the first certificate's expiry: each
    // is delivered, whichever certificate signs it.
    let mut sent = 0;
    while chrono::Utc::now() < first_expiry + chrono::Duration::seconds(3) {
        inst.queue(&node, annual("75.26041"));
        sent += 1;
        let report = rt.block_on(node.pusher.push_once()).unwrap();
        assert_eq!(
            report.delivered,
            1,
            "submission {sent} at {} was not delivered",
            chrono::Utc::now()
        );
        // Pacing, not synchronisation: a unit sends a few reports a second at most, and the
        // aggregator's rate limit would refuse a tight loop.
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let (now_serial, now_expiry) = current(&node);
    assert_ne!(now_serial, first, "the node renewed");
    assert!(now_expiry > first_expiry);
    // The files on disk are the renewed ones (a restart keeps them).
    let on_disk = config::pki::inspect_file(&inst.tls.cert_chain)
        .unwrap()
        .serial
        .to_string();
    assert!(on_disk != first, "the renewed chain is installed");
    openssl_reads(&inst.tls.key);
    let inv = inventory(&agg);
    // The aggregator renewed its own certificate with its CA too, while the node kept sending.
    let agg_now = config::pki::inspect_file(&agg_chain)
        .unwrap()
        .serial
        .to_string();
    assert_ne!(
        agg_now, agg_first,
        "the aggregator renewed its own certificate"
    );
    let renewed: Vec<&str> = inv.lines().filter(|l| l.contains("Tự gia hạn")).collect();
    assert!(renewed.iter().any(|l| l.starts_with("75.26041,")), "{inv}");
    assert!(renewed.iter().any(|l| l.starts_with("75,")), "{inv}");
    let _ = stop_tx.send(());
    rt.block_on(renewal).unwrap();
}

/// A page of the committee's UI as `c` sees it.
fn page(rt: &tokio::runtime::Runtime, c: &reqwest::Client, url: &str) -> (u16, String) {
    rt.block_on(async {
        let r = c.get(url).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    })
}

#[test]
fn the_committee_creates_lists_and_revokes_codes_and_reads_the_inventory_by_name() {
    use node::db::users::Role;
    const PASSWORD: &str = "Mật-khẩu-đủ-dài-2026";
    let fed = Federation::new();
    let agg = enrolling_province(&fed, "730d", false);
    fed.node("75.26041", agg.port);
    agg.add_user("lanhdao", Role::Head, PASSWORD);
    agg.add_user("canbo", Role::Officer, PASSWORD);
    let rt = runtime();
    let base = agg.ui();
    let officer = rt.block_on(crate::support::browser::logged_in(&base, "canbo", PASSWORD));
    assert_eq!(page(&rt, &officer, &format!("{base}/chung-thu")).0, 403);
    let head = rt.block_on(crate::support::browser::logged_in(
        &base, "lanhdao", PASSWORD,
    ));

    // The inventory names the commune, and finds it typed without diacritics.
    let (status, inv) = page(&rt, &head, &format!("{base}/chung-thu?q=tran+bien"));
    assert_eq!(status, 200, "{inv}");
    assert!(
        inv.contains("Phường Trấn Biên") && inv.contains("Còn hiệu lực"),
        "{inv}"
    );
    let (_, csv) = page(&rt, &head, &format!("{base}/chung-thu?dang=csv"));
    assert!(
        csv.starts_with('\u{feff}')
            && csv.contains("Tên đơn vị")
            && csv.contains("Phường Trấn Biên")
    );

    // Codes for two units, shown once; the list has them unused; one revoked.
    let (_, form) = page(&rt, &head, &format!("{base}/chung-thu/ma-dang-ky"));
    let created = rt.block_on(async {
        let r = head
            .post(format!("{base}/chung-thu/ma-dang-ky"))
            .form(&[
                ("_csrf", crate::support::browser::csrf(&form).as_str()),
                ("units", "75.26017, 75.25195"),
                ("dang", "html"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        r.text().await.unwrap()
    });
    assert!(
        created.contains("Đã tạo 2 mã đăng ký") && created.contains("Phường Tam Hiệp"),
        "{created}"
    );
    assert!(created.contains("Chưa dùng"));
    let revoke = created.find("/thu-hoi").expect("a revoke button");
    let action_start = created[..revoke].rfind("action=\"").unwrap() + 8;
    let action = &created[action_start..revoke + "/thu-hoi".len()];
    let r = rt.block_on(async {
        head.post(format!("{base}{action}"))
            .form(&[("_csrf", crate::support::browser::csrf(&created).as_str())])
            .send()
            .await
            .unwrap()
    });
    assert_eq!(r.status().as_u16(), 303);
    let (_, list) = page(&rt, &head, &format!("{base}/chung-thu/ma-dang-ky"));
    assert!(
        list.contains("Đã thu hồi") && list.contains("Chưa dùng"),
        "{list}"
    );

    // Units that hold a valid certificate get no code unless asked for.
    let (_, form) = page(&rt, &head, &format!("{base}/chung-thu/ma-dang-ky"));
    let refused = rt.block_on(async {
        let r = head
            .post(format!("{base}/chung-thu/ma-dang-ky"))
            .form(&[
                ("_csrf", crate::support::browser::csrf(&form).as_str()),
                ("units", "75.26041"),
                ("missing", "1"),
            ])
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    });
    assert_eq!(refused.0, 422, "{}", refused.1);
    assert!(
        refused.1.contains("không có đơn vị nào cần mã"),
        "{}",
        refused.1
    );
}
