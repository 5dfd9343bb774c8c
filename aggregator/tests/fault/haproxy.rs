//! A real load balancer in front of two `serve` processes: Debian's haproxy (installed by the
//! README's test command), TCP mode for the mTLS ingest (TLS passes through to the
//! aggregators) and HTTP mode for the web UI, health checks every 100 ms, connections that
//! fail to connect retried and redispatched to the other process. When a process is restarted
//! on a new port, the test points haproxy at it through haproxy's own runtime API (the admin
//! socket), as an operator's tooling would.

use std::io::{Read as _, Write as _};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::procs::Proc;

/// Where haproxy is: on the PATH, or where Debian installs it.
pub fn binary() -> Option<PathBuf> {
    let candidates = [
        "/usr/sbin/haproxy",
        "/usr/bin/haproxy",
        "/usr/local/sbin/haproxy",
    ];
    std::env::var_os("BMNN_HAPROXY")
        .map(PathBuf::from)
        .into_iter()
        .chain(candidates.iter().map(PathBuf::from))
        .find(|p| p.is_file())
}

/// The two backends of one haproxy: `ingest` (TCP) and `ui` (HTTP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Ingest,
    Ui,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Ingest => "ingest",
            Backend::Ui => "ui",
        }
    }
}

/// A running haproxy, stopped (SIGKILL) when dropped.
pub struct Haproxy {
    _proc: Proc,
    socket: PathBuf,
    pub ingest_port: u16,
    pub ui_port: u16,
}

/// A loopback port free right now (haproxy binds it a moment later; a clash fails the start
/// loudly, it does not go unnoticed).
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn config(socket: &Path, ports: (u16, u16), ingest: [u16; 2], ui: [u16; 2]) -> String {
    format!(
        r#"global
    stats socket {socket} mode 600 level admin
    maxconn 4096

defaults
    timeout connect 1s
    timeout client 60s
    timeout server 60s
    retries 3
    option redispatch

frontend ingest
    mode tcp
    bind 127.0.0.1:{ingest_port}
    default_backend ingest

backend ingest
    mode tcp
    balance roundrobin
    server p1 127.0.0.1:{i0} check inter 100ms fall 1 rise 1
    server p2 127.0.0.1:{i1} check inter 100ms fall 1 rise 1

frontend ui
    mode http
    bind 127.0.0.1:{ui_port}
    default_backend ui

backend ui
    mode http
    balance roundrobin
    server p1 127.0.0.1:{u0} check inter 100ms fall 1 rise 1
    server p2 127.0.0.1:{u1} check inter 100ms fall 1 rise 1
"#,
        socket = socket.display(),
        ingest_port = ports.0,
        ui_port = ports.1,
        i0 = ingest[0],
        i1 = ingest[1],
        u0 = ui[0],
        u1 = ui[1],
    )
}

impl Haproxy {
    /// Starts haproxy in `dir` before two processes with these ingest and UI ports.
    pub fn start(bin: &Path, dir: &Path, ingest: [u16; 2], ui: [u16; 2]) -> Self {
        let socket = dir.join("haproxy.sock");
        let ports = (free_port(), free_port());
        let cfg = dir.join("haproxy.cfg");
        std::fs::write(&cfg, config(&socket, ports, ingest, ui)).unwrap();
        let log = dir.join("haproxy.log");
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(bin)
            .arg("-db") // foreground
            .arg("-f")
            .arg(&cfg)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        let mut me = Self {
            _proc: Proc::new(child, log.clone()),
            socket,
            ingest_port: ports.0,
            ui_port: ports.1,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !me.command("show info").is_some_and(|s| s.contains("Pid:")) {
            assert!(
                Instant::now() < deadline && me._proc.running(),
                "haproxy did not start; log {}:\n{}",
                log.display(),
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        me
    }

    /// One command on the admin socket; `None` while the socket is not there yet.
    fn command(&mut self, cmd: &str) -> Option<String> {
        let mut s = UnixStream::connect(&self.socket).ok()?;
        s.write_all(format!("{cmd}\n").as_bytes()).ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        Some(out)
    }

    /// Points server `index` (0 or 1) of `backend` at a new port (its process restarted).
    pub fn set_server(&mut self, backend: Backend, index: usize, port: u16) {
        let cmd = format!(
            "set server {}/p{} addr 127.0.0.1 port {port}",
            backend.name(),
            index + 1
        );
        let out = self.command(&cmd).expect("haproxy's admin socket answers");
        assert!(
            out.contains("changed") || out.trim().is_empty(),
            "haproxy refused `{cmd}`: {out}"
        );
    }

    /// Connections haproxy sent to server `index` of `backend` so far (its `stot`).
    pub fn sessions(&mut self, backend: Backend, index: usize) -> u64 {
        let out = self.command("show stat").unwrap_or_default();
        let prefix = format!("{},p{},", backend.name(), index + 1);
        out.lines()
            .find(|l| l.starts_with(&prefix))
            .and_then(|l| l.split(',').nth(7))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}
