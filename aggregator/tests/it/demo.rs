//! `bmnn-aggregator demo` as a newcomer runs it: it must start on a fresh directory, answer on
//! the aggregator (mutual TLS) and on both nodes' web UIs (health and login page), carry what
//! the banner tells one to try (the officer drafts the annual report, the head approves, the
//! province receives it, `status` shows it), and start again on the same directory without
//! touching the keys or passwords it made.

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use config::settings::NodeSettings;

use crate::support::browser;
use crate::support::federation::client;
use crate::support::{runtime, wait_until};

/// Kills the demo when the test ends, however it ends.
struct Demo(Child);

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port such that it and the next three are free right now.
fn free_port_base() -> u16 {
    loop {
        let p = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if p > 65_000 {
            continue;
        }
        let all_free = (p..p + 4).all(|q| TcpListener::bind(("127.0.0.1", q)).is_ok());
        if all_free {
            return p;
        }
    }
}

/// `GET path` over plain HTTP/1.0: the status code and the body, if anything answered.
fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}

fn start(dir: &Path, base: u16, log: &Path) -> Demo {
    let out = File::create(log).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args(["demo", "--dir"])
        .arg(dir)
        .args(["--port-base", &base.to_string()])
        .env_remove("BMNN_DEMO_PASSWORD")
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .unwrap();
    Demo(child)
}

/// Waits until the aggregator answers `/health` to the first node's certificate and both
/// nodes answer theirs.
fn wait_ready(demo: &mut Demo, dir: &Path, base: u16, log: &Path) {
    let node_config = dir.join("node-75.26041").join("node.toml");
    let exited = |demo: &mut Demo| {
        if let Some(status) = demo.0.try_wait().unwrap() {
            panic!(
                "the demo exited ({status}): {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
    };
    let mut settings = None;
    wait_until(Duration::from_secs(60), "the demo's node settings", || {
        exited(demo);
        settings = NodeSettings::load_from(&node_config, std::iter::empty()).ok();
        settings.is_some()
    });
    let rt = runtime();
    let c = client(&settings.unwrap().tls, true);
    let url = format!("https://127.0.0.1:{base}/health");
    wait_until(Duration::from_secs(60), "the aggregator's /health", || {
        exited(demo);
        rt.block_on(async {
            match c.get(&url).send().await {
                Ok(r) => r.status().as_u16() == 200 && r.text().await.unwrap_or_default() == "ok",
                Err(_) => false,
            }
        })
    });
    for port in [base + 1, base + 2] {
        wait_until(Duration::from_secs(30), "a node's web UI", || {
            exited(demo);
            http_get(port, "/health").is_some_and(|(s, b)| s == 200 && b == "ok")
        });
        let (status, page) = http_get(port, node::web::routes::LOGIN).unwrap();
        assert_eq!(status, 200, "the login page on {port}: {page}");
        assert!(page.contains("Đăng nhập"), "{page}");
    }
}

/// The password `logins.txt` gives `user` of `unit`.
fn password(dir: &Path, unit: &str, user: &str) -> String {
    let logins = std::fs::read_to_string(dir.join("logins.txt")).unwrap();
    let prefix = format!("{unit}\t{user}\t");
    logins
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap()
        .to_string()
}

/// What the banner says to try: canbo drafts, lanhdao approves, the province receives it.
fn officer_and_head_send_the_annual_report(dir: &Path, base: u16) {
    const UNIT: &str = "75.26041";
    let ui = format!("http://127.0.0.1:{}", base + 1);
    let rt = runtime();
    rt.block_on(async {
        let fields = browser::annual_report_fields();
        let officer = browser::logged_in(&ui, "canbo", &password(dir, UNIT, "canbo")).await;
        let id = browser::fill_annual_report(&officer, &ui, &fields).await;
        let head = browser::logged_in(&ui, "lanhdao", &password(dir, UNIT, "lanhdao")).await;
        browser::approve(&head, &ui, &id, &fields).await;
    });
    let pool = aggregator::store::open(&dir.join("aggregator/data/aggregator.db")).unwrap();
    wait_until(
        Duration::from_secs(30),
        "the report at the province",
        || {
            let mut c = pool.get().unwrap();
            aggregator::store::received::count(&mut c).unwrap() == 1
        },
    );
    let out = Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args(["status", "--config"])
        .arg(dir.join("aggregator.toml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("reports received: 1"), "{stdout}");
    assert!(
        stdout.contains(UNIT) && stdout.contains("annual_report"),
        "{stdout}"
    );
}

#[test]
fn demo_starts_serves_and_restarts_on_the_same_directory() {
    node::tls::install_crypto_provider();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo-data");
    let log = tmp.path().join("demo.log");

    let base = free_port_base();
    let mut demo = start(&dir, base, &log);
    wait_ready(&mut demo, &dir, base, &log);
    officer_and_head_send_the_annual_report(&dir, base);
    drop(demo);
    let banner = std::fs::read_to_string(&log).unwrap();
    assert!(
        banner.contains(&format!("http://127.0.0.1:{}/", base + 1)),
        "{banner}"
    );
    assert!(banner.contains("Phường Trấn Biên") && banner.contains("Xã Long Phước"));
    assert!(
        banner.contains("canbo") && banner.contains("lanhdao"),
        "{banner}"
    );
    assert!(banner.contains("status --config"), "{banner}");
    let key = dir.join("pki/certs/node-75.26041.key.pem");
    let key_before = std::fs::read(&key).unwrap();
    let canbo = password(&dir, "75.26041", "canbo");
    assert!(banner.contains(&canbo));

    let base = free_port_base();
    let mut demo = start(&dir, base, &log);
    wait_ready(&mut demo, &dir, base, &log);
    let ui = format!("http://127.0.0.1:{}", base + 1);
    runtime().block_on(browser::logged_in(&ui, "canbo", &canbo));
    drop(demo);
    assert_eq!(
        std::fs::read(&key).unwrap(),
        key_before,
        "the key was replaced"
    );
    let banner = std::fs::read_to_string(&log).unwrap();
    assert!(
        banner.contains(&canbo),
        "the password was not shown again: {banner}"
    );
}
