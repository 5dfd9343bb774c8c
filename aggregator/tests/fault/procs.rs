//! Real processes the test can kill -9: `bmnn-aggregator serve --config …`, and a node's
//! pusher. The `bmnn-node` binary belongs to another package, so cargo does not build it for
//! the aggregator's tests; the pusher runs instead in a child process of this very test
//! binary, re-executed in pusher mode (the `pusher_process` test with `BMNN_FAULT_PUSHER` set),
//! which runs the node's own outbox code (`node::app::Node::open`, `Pusher::push_once`) in a
//! loop against the node's SQLite store, like `bmnn-node serve` does beside its UI.
//!
//! Every process is killed and waited for when its handle drops, on failure too. Output goes
//! to a log file beside the process's configuration (named in failure messages).

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The variable that puts this test binary in pusher mode, with the node's config path.
pub const PUSHER_ENV: &str = "BMNN_FAULT_PUSHER";

/// A child process, killed (SIGKILL) and reaped when dropped.
pub struct Proc {
    child: Option<Child>,
    pub log: PathBuf,
    /// Times it was killed with SIGKILL.
    pub kills: usize,
}

impl Proc {
    pub fn new(child: Child, log: PathBuf) -> Self {
        Self {
            child: Some(child),
            log,
            kills: 0,
        }
    }

    /// kill -9 and wait for it.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill(); // SIGKILL on Unix
            let _ = c.wait();
            self.kills += 1;
        }
    }

    /// Whether it is still running (it should be, until killed).
    pub fn running(&mut self) -> bool {
        matches!(self.child.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn log_file(path: &Path) -> File {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap()
}

/// The ports a `serve` process printed: its mTLS ingest and its web UI.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ports {
    pub ingest: u16,
    pub ui: u16,
}

/// `bmnn-aggregator serve --config <config>`: the process and the ports it printed.
pub fn serve_aggregator(config: &Path) -> (Proc, Ports) {
    let log = config.with_extension("log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args(["serve", "--config"])
        .arg(config)
        .env("BMNN_LOG", "warn")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file(&log))
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let mut sink = log_file(&log);
    // Reads the two lines that name the ports (ingest, then the web UI), then copies the rest
    // to the log until EOF.
    std::thread::spawn(move || {
        let mut found = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(port) = line
                .rsplit_once("127.0.0.1:")
                .and_then(|(_, rest)| rest.split('/').next())
                .and_then(|p| p.parse::<u16>().ok())
            {
                found.push(port);
                if found.len() == 2 {
                    let _ = tx.send(Ports {
                        ingest: found[0],
                        ui: found[1],
                    });
                }
            }
            let _ = writeln!(sink, "{line}");
        }
    });
    let mut proc = Proc::new(child, log.clone());
    let ports = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(p) => p,
        Err(_) => {
            proc.kill9();
            panic!(
                "bmnn-aggregator did not start; log {}:\n{}",
                log.display(),
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
    };
    (proc, ports)
}

/// A node's pusher in a child process (this test binary in pusher mode).
pub fn spawn_pusher(node_config: &Path) -> Proc {
    let log = node_config.with_extension("pusher.log");
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "pusher_process",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(PUSHER_ENV, node_config)
        .env("BMNN_LOG", "warn")
        .env("NO_COLOR", "1")
        // The child exits when this pipe closes, so it never outlives the test.
        .stdin(Stdio::piped())
        .stdout(log_file(&log))
        .stderr(log_file(&log))
        .spawn()
        .unwrap();
    Proc::new(child, log)
}

/// The body of pusher mode: sends what is due and pulls the notices, forever; exits when
/// stdin closes.
pub fn run_pusher(config: &Path) -> ! {
    std::thread::spawn(|| {
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
        std::process::exit(0);
    });
    node::cli::init_logging("warn");
    let settings = config::settings::NodeSettings::load(config).unwrap();
    let node = node::app::Node::open(settings).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut last_pull = std::time::Instant::now();
    loop {
        let busy = match rt.block_on(node.pusher.push_once()) {
            Ok(r) => r.delivered + r.retried + r.rejected > 0,
            Err(e) => {
                eprintln!("pusher: {e:#}");
                false
            }
        };
        // The downlink on the same link, a few times a second.
        if last_pull.elapsed() >= Duration::from_millis(200) {
            rt.block_on(node.pusher.pull_once());
            last_pull = std::time::Instant::now();
        }
        if !busy {
            // Nothing was due: new rows come from another process, so look again shortly.
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
