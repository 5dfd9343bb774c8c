//! A fault-injecting TCP proxy between two tiers. TLS passes through untouched (the proxy sees
//! only bytes); the test switches faults on and off while traffic flows:
//!
//! - **drop**: new connections are accepted and closed at once (the peer sees a reset or EOF
//!   before the TLS handshake completes), live ones are severed;
//! - **delay**: every chunk, either way, waits this long before it is forwarded;
//! - **cut**: the next chunk in the chosen direction, on any connection, is forwarded only up
//!   to N bytes, then both sides are closed (mid-request or mid-response);
//! - **cut after**: the next connection to send more than N bytes one way is closed after its
//!   N-th byte (deep inside a large upload);
//! - **partition**: a blackhole — nothing is forwarded and new connections are held unanswered
//!   until `heal`, when held data flows again (unless a side timed out meanwhile).
//!
//! The target port can change while running, for an aggregator restarted on a new port. With a
//! second target (`set_second`), new connections alternate between the two, and go to the other
//! when one refuses: a load balancer in TCP mode in front of two processes.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Which way a cut applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Client → server (the request).
    Up,
    /// Server → client (the answer).
    Down,
}

#[derive(Default)]
struct Faults {
    target: AtomicU16,
    /// A second process behind the same address (0: none).
    second: AtomicU16,
    turn: AtomicU64,
    /// Connections forwarded to the second target.
    to_second: AtomicUsize,
    dropping: AtomicBool,
    partitioned: AtomicBool,
    delay_ms: AtomicU64,
    cut_up: AtomicUsize,
    cut_down: AtomicUsize,
    /// Cut the first connection whose upward stream passes this many bytes.
    cut_up_after: AtomicUsize,
    cuts_done: AtomicUsize,
    stopping: AtomicBool,
    /// Both ends of every live connection, to sever them.
    live: Mutex<HashMap<u64, [TcpStream; 2]>>,
    next_id: AtomicU64,
}

/// The proxy; its threads stop and its connections close when it is dropped.
pub struct FaultProxy {
    pub port: u16,
    faults: Arc<Faults>,
}

impl FaultProxy {
    pub fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let faults = Arc::new(Faults::default());
        faults.target.store(target, Ordering::SeqCst);
        let f = faults.clone();
        std::thread::spawn(move || accept_loop(listener, f));
        Self { port, faults }
    }

    /// Forwards to `port` from now on (live connections keep their old target).
    pub fn retarget(&self, port: u16) {
        self.faults.target.store(port, Ordering::SeqCst);
    }

    /// Connections forwarded to the second target so far.
    pub fn to_second(&self) -> usize {
        self.faults.to_second.load(Ordering::SeqCst)
    }

    /// Balances new connections between the first target and `port` (restarted: call again).
    pub fn set_second(&self, port: u16) {
        self.faults.second.store(port, Ordering::SeqCst);
    }

    /// Refuses (accepts and closes) new connections while `on`; switching on severs live ones.
    pub fn set_drop(&self, on: bool) {
        self.faults.dropping.store(on, Ordering::SeqCst);
        if on {
            self.sever();
        }
    }

    /// Delays every forwarded chunk by `delay` (zero: none).
    pub fn set_delay(&self, delay: Duration) {
        self.faults
            .delay_ms
            .store(delay.as_millis() as u64, Ordering::SeqCst);
    }

    /// Arms a cut: the next chunk going `dir` is forwarded up to `bytes` bytes (at least 1),
    /// then the connection is closed both ways.
    pub fn cut(&self, dir: Direction, bytes: usize) {
        let slot = match dir {
            Direction::Up => &self.faults.cut_up,
            Direction::Down => &self.faults.cut_down,
        };
        slot.store(bytes.max(1), Ordering::SeqCst);
    }

    /// Closes the next connection whose upward stream passes `bytes` bytes, after that byte
    /// (used by the `it` suite's large-file test).
    #[allow(dead_code)]
    pub fn cut_up_after(&self, bytes: usize) {
        self.faults
            .cut_up_after
            .store(bytes.max(1), Ordering::SeqCst);
    }

    /// Cuts done so far.
    pub fn cuts_done(&self) -> usize {
        self.faults.cuts_done.load(Ordering::SeqCst)
    }

    /// Starts (`true`) or heals (`false`) a partition.
    pub fn set_partition(&self, on: bool) {
        self.faults.partitioned.store(on, Ordering::SeqCst);
    }

    /// Every fault off (armed cuts disarmed).
    pub fn clear(&self) {
        self.set_drop(false);
        self.set_delay(Duration::ZERO);
        self.set_partition(false);
        self.faults.cut_up.store(0, Ordering::SeqCst);
        self.faults.cut_down.store(0, Ordering::SeqCst);
    }

    /// Closes every live connection.
    pub fn sever(&self) {
        for (_, pair) in self.faults.live.lock().unwrap().drain() {
            for s in pair {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.faults.stopping.store(true, Ordering::SeqCst);
        self.faults.partitioned.store(false, Ordering::SeqCst);
        self.sever();
        // Wake the accept loop so it sees `stopping`.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn accept_loop(listener: TcpListener, f: Arc<Faults>) {
    for client in listener.incoming() {
        if f.stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(client) = client else { continue };
        if f.dropping.load(Ordering::SeqCst) {
            let _ = client.shutdown(Shutdown::Both);
            continue;
        }
        let f = f.clone();
        std::thread::spawn(move || connect(client, f));
    }
}

/// Waits out a partition (the blackhole holds whatever it has); false when stopping.
fn hold(f: &Faults) -> bool {
    while f.partitioned.load(Ordering::SeqCst) {
        if f.stopping.load(Ordering::SeqCst) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    !f.stopping.load(Ordering::SeqCst)
}

fn connect(client: TcpStream, f: Arc<Faults>) {
    if !hold(&f) {
        return;
    }
    let (first, second) = (
        f.target.load(Ordering::SeqCst),
        f.second.load(Ordering::SeqCst),
    );
    let mut targets = vec![first];
    if second != 0 {
        targets.push(second);
        if f.turn.fetch_add(1, Ordering::SeqCst) % 2 == 1 {
            targets.reverse();
        }
    }
    let Some((port, server)) = targets
        .iter()
        .find_map(|t| TcpStream::connect(("127.0.0.1", *t)).ok().map(|s| (*t, s)))
    else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    if port == second {
        f.to_second.fetch_add(1, Ordering::SeqCst);
    }
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let id = f.next_id.fetch_add(1, Ordering::SeqCst);
    f.live.lock().unwrap().insert(
        id,
        [client.try_clone().unwrap(), server.try_clone().unwrap()],
    );
    let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let f2 = f.clone();
    let up = std::thread::spawn(move || pump(c2, s2, Direction::Up, &f2));
    pump(server, client, Direction::Down, &f);
    let _ = up.join();
    f.live.lock().unwrap().remove(&id);
}

fn pump(mut from: TcpStream, mut to: TcpStream, dir: Direction, f: &Faults) {
    let mut buf = [0u8; 8192];
    let mut sent = 0usize;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let after = f.cut_up_after.load(Ordering::SeqCst);
        if dir == Direction::Up
            && after > 0
            && sent + n >= after
            && f.cut_up_after
                .compare_exchange(after, 0, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        {
            // Counted before the close, so whoever sees the failure sees the cut counted.
            f.cuts_done.fetch_add(1, Ordering::SeqCst);
            let _ = to.write_all(&buf[..after - sent]);
            let _ = to.shutdown(Shutdown::Both);
            let _ = from.shutdown(Shutdown::Both);
            return;
        }
        sent += n;
        if !hold(f) {
            break;
        }
        let delay = f.delay_ms.load(Ordering::SeqCst);
        if delay > 0 {
            std::thread::sleep(Duration::from_millis(delay));
        }
        let slot = match dir {
            Direction::Up => &f.cut_up,
            Direction::Down => &f.cut_down,
        };
        let cut = slot.swap(0, Ordering::SeqCst);
        if cut > 0 {
            f.cuts_done.fetch_add(1, Ordering::SeqCst);
            let _ = to.write_all(&buf[..cut.min(n)]);
            let _ = to.shutdown(Shutdown::Both);
            let _ = from.shutdown(Shutdown::Both);
            return;
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
