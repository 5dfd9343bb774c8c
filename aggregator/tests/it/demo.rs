//! `bmnn-aggregator demo` as a newcomer runs it: it must start on a fresh directory, answer on
//! the aggregators (mutual TLS), on their web UIs and on the nodes' (health and login page),
//! carry what the banner tells one to try (the officer drafts the annual report, the head
//! approves, the province receives it, `status` shows it), and start again on the same
//! directory without touching the keys, the passwords or the seeded history. The helpers here
//! are shared with `e2e`.

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use config::settings::NodeSettings;

use crate::support::browser;
use crate::support::federation::client;
use crate::support::{runtime, wait_until};

/// Ports the demo uses from `--port-base` (see `aggregator/src/cli/demo/setup.rs`).
pub const PORTS: u16 = 13;
/// Offsets from the port base.
pub const NATION_UI: u16 = 1;
pub const DONG_NAI: u16 = 2;
pub const DONG_NAI_UI: u16 = 3;
pub const HA_TINH_UI: u16 = 5;
/// Phường Trấn Biên (75.26041), the first node.
pub const TRAN_BIEN_UI: u16 = 6;

/// The demo process, killed when the test ends however it ends.
pub struct Demo {
    pub child: Child,
    pub dir: PathBuf,
    pub base: u16,
    pub log: PathBuf,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Demo {
    /// Starts `bmnn-aggregator demo --dir dir` on free ports, its output going to `log`.
    pub fn start(dir: &Path, log: &Path) -> Self {
        let base = free_port_base();
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
        Self {
            child,
            dir: dir.to_path_buf(),
            base,
            log: log.to_path_buf(),
        }
    }

    /// `http://127.0.0.1:<base + offset>`.
    pub fn ui(&self, offset: u16) -> String {
        format!("http://127.0.0.1:{}", self.base + offset)
    }

    /// Panics with the log if the demo has exited.
    fn alive(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!(
                "the demo exited ({status}): {}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
        }
    }

    /// Waits until Đồng Nai's aggregator answers `/health` to the first node's certificate
    /// and every web UI answers its own.
    pub fn wait_ready(&mut self) {
        let node_config = self.dir.join("node-75.26041").join("node.toml");
        let mut settings = None;
        wait_until(Duration::from_secs(120), "the demo's node settings", || {
            self.alive();
            settings = NodeSettings::load_from(&node_config, std::iter::empty()).ok();
            settings.is_some()
        });
        let rt = runtime();
        let c = client(&settings.unwrap().tls, true);
        let url = format!("https://127.0.0.1:{}/health", self.base + DONG_NAI);
        wait_until(Duration::from_secs(120), "Đồng Nai's /health", || {
            self.alive();
            rt.block_on(async {
                match c.get(&url).send().await {
                    Ok(r) => {
                        r.status().as_u16() == 200 && r.text().await.unwrap_or_default() == "ok"
                    }
                    Err(_) => false,
                }
            })
        });
        for offset in [NATION_UI, DONG_NAI_UI, HA_TINH_UI]
            .into_iter()
            .chain(TRAN_BIEN_UI..PORTS)
        {
            let port = self.base + offset;
            wait_until(Duration::from_secs(30), "a web UI", || {
                self.alive();
                http_get(port, "/health").is_some_and(|(s, b)| s == 200 && b == "ok")
            });
            let (status, page) = http_get(port, node::web::routes::LOGIN).unwrap();
            assert_eq!(status, 200, "the login page on {port}: {page}");
            assert!(page.contains("Đăng nhập"), "{page}");
        }
    }

    /// The password `logins.txt` gives `user` of `unit` (`aggregator-75` for an aggregator).
    pub fn password(&self, unit: &str, user: &str) -> String {
        let logins = std::fs::read_to_string(self.dir.join("logins.txt")).unwrap();
        let prefix = format!("{unit}\t{user}\t");
        logins
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no password for {unit} {user}"))
            .to_string()
    }

    /// The store of the aggregator of `unit` (`VN`, `75`, `42`).
    pub fn store(&self, unit: &str) -> aggregator::store::DbPool {
        aggregator::store::open(
            &self
                .dir
                .join(format!("aggregator-{unit}/data/aggregator.db")),
        )
        .unwrap()
    }

    /// Submissions in the relay store of aggregator `unit` (what it queued for the nation).
    pub fn relayed(&self, unit: &str) -> i64 {
        let pool =
            node::db::open(&self.dir.join(format!("aggregator-{unit}/data/relay.db"))).unwrap();
        node::db::submissions::count(&mut pool.get().unwrap()).unwrap()
    }

    /// What the log says so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// A port such that it and the next `PORTS - 1` are free right now, below Linux's ephemeral
/// range (32768–60999): the demo binds them only after seeding for several seconds, and in the
/// meantime the other tests' outgoing connections take ephemeral ports (a base chosen there
/// was once taken first: "Address already in use").
fn free_port_base() -> u16 {
    loop {
        let p: u16 = rand::random_range(20_000..32_000 - PORTS);
        let all_free = (p..p + PORTS).all(|q| TcpListener::bind(("127.0.0.1", q)).is_ok());
        if all_free {
            return p;
        }
    }
}

/// `GET path` over plain HTTP/1.0: the status code and the body, if anything answered.
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}

/// Canbo drafts the annual report at Phường Trấn Biên and lanhdao approves it; returns the
/// report id.
pub fn officer_and_head_send_the_annual_report(demo: &Demo) -> String {
    const UNIT: &str = "75.26041";
    let ui = demo.ui(TRAN_BIEN_UI);
    runtime().block_on(async {
        let fields = browser::annual_report_fields();
        let officer = browser::logged_in(&ui, "canbo", &demo.password(UNIT, "canbo")).await;
        let id = browser::fill_annual_report(&officer, &ui, &fields).await;
        let head = browser::logged_in(&ui, "lanhdao", &demo.password(UNIT, "lanhdao")).await;
        browser::approve(&head, &ui, &id, &fields).await;
        id
    })
}

/// Waits until Đồng Nai's store holds report `id`.
pub fn wait_at_province(demo: &Demo, id: &str) {
    let pool = demo.store("75");
    wait_until(
        Duration::from_secs(30),
        "the report at the province",
        || {
            let mut c = pool.get().unwrap();
            !aggregator::store::received::versions(&mut c, id)
                .unwrap()
                .is_empty()
        },
    );
}

/// Waits until the store of aggregator `agg` holds an incident report of `unit`.
pub fn wait_incident(demo: &Demo, agg: &str, unit: &str) {
    let pool = demo.store(agg);
    wait_until(
        Duration::from_secs(60),
        &format!("{unit}'s incident report at {agg}"),
        || {
            let mut c = pool.get().unwrap();
            aggregator::store::received::counts_by_kind_and_unit(&mut c)
                .unwrap()
                .iter()
                .any(|n| n.kind == "incident_report" && n.unit == unit)
        },
    );
}

#[test]
fn demo_starts_serves_and_restarts_on_the_same_directory() {
    node::tls::install_crypto_provider();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo-data");
    let log = tmp.path().join("demo.log");

    let mut demo = Demo::start(&dir, &log);
    demo.wait_ready();
    // The seeded incident queued at Xã Long Phước arrives by itself.
    wait_incident(&demo, "75", "75.26413");
    let seeded = aggregator::store::received::count(&mut demo.store("75").get().unwrap()).unwrap();
    assert!(seeded > 300, "Đồng Nai's history: {seeded} reports");
    // In flight: Đồng Nai's request to its communes, the nation's directive to every commune.
    let in_flight = |unit: &str| {
        aggregator::store::requests::all(&mut demo.store(unit).get().unwrap())
            .unwrap()
            .into_iter()
            .map(|r| r.answer_kind)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        in_flight("VN"),
        ["acknowledgment"],
        "the nation's directive"
    );
    assert!(
        in_flight("75").contains(&"document".to_string()),
        "Đồng Nai's request"
    );
    let id = officer_and_head_send_the_annual_report(&demo);
    wait_at_province(&demo, &id);
    let out = Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args(["status", "--config"])
        .arg(dir.join("aggregator-75.toml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains(&format!("reports received: {}", seeded + 1)),
        "{stdout}"
    );
    assert!(
        stdout.contains("75.26041") && stdout.contains("annual_report"),
        "{stdout}"
    );
    // Five consolidated reports (2021–2025) and Xã Long Phước's incident, for the nation.
    wait_until(
        Duration::from_secs(30),
        "six reports for the nation",
        || demo.relayed("75") == 6,
    );
    let relayed = demo.relayed("75");
    crate::picture::the_nation_counts_once_everywhere(&demo);
    let (base, banner) = (demo.base, demo.output());
    drop(demo);
    for offset in [NATION_UI, DONG_NAI_UI, HA_TINH_UI, TRAN_BIEN_UI] {
        let url = format!("http://127.0.0.1:{}/", base + offset);
        assert!(banner.contains(&url), "{url}: {banner}");
    }
    for name in [
        "Toàn quốc",
        "Tỉnh Đồng Nai",
        "Tỉnh Hà Tĩnh",
        "Phường Trấn Biên",
        "Xã Long Phước",
        "Phường Đồng Xoài",
        "Sở Nội vụ tỉnh Hà Tĩnh",
    ] {
        assert!(banner.contains(name), "{name}: {banner}");
    }
    assert!(banner.contains("canbo") && banner.contains("lanhdao"));
    assert!(banner.contains("consolidate --period 2026 --approve-as"));
    let key = dir.join("pki/certs/node-75.26041.key.pem");
    let key_before = std::fs::read(&key).unwrap();

    let mut demo = Demo::start(&dir, &log);
    demo.wait_ready();
    let canbo = demo.password("75.26041", "canbo");
    let lanhdao_75 = demo.password("aggregator-75", "lanhdao");
    runtime().block_on(async {
        browser::logged_in(&demo.ui(TRAN_BIEN_UI), "canbo", &canbo).await;
        browser::logged_in(&demo.ui(DONG_NAI_UI), "lanhdao", &lanhdao_75).await;
    });
    let again = aggregator::store::received::count(&mut demo.store("75").get().unwrap()).unwrap();
    assert_eq!(again, seeded + 1, "the history was seeded again");
    assert_eq!(demo.relayed("75"), relayed, "queued for the nation again");
    let banner = demo.output();
    drop(demo);
    assert!(
        !banner.contains("Đã tạo dữ liệu mẫu"),
        "seeded twice: {banner}"
    );
    assert_eq!(
        std::fs::read(&key).unwrap(),
        key_before,
        "the key was replaced"
    );
    assert!(
        banner.contains(&canbo) && banner.contains(&lanhdao_75),
        "the passwords were not shown again: {banner}"
    );
}
