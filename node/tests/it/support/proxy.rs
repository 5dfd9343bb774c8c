//! A TCP relay between the node and the receiver. TLS passes through untouched; when `cut`
//! is armed, the next connection is closed after that many bytes from the client, in the
//! middle of the request.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub struct Proxy {
    pub port: u16,
    pub cut: Arc<AtomicUsize>,
    pub cuts_done: Arc<AtomicUsize>,
}

impl Proxy {
    pub fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicUsize::new(0));
        let cuts_done = Arc::new(AtomicUsize::new(0));
        let (c, d) = (cut.clone(), cuts_done.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                let limit = c.swap(0, Ordering::SeqCst);
                let d = d.clone();
                let (c_read, s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || relay(c_read, s_write, limit, Some(d)));
                std::thread::spawn(move || relay(server, client, 0, None));
            }
        });
        Self {
            port,
            cut,
            cuts_done,
        }
    }
}

fn relay(mut from: TcpStream, mut to: TcpStream, limit: usize, cuts: Option<Arc<AtomicUsize>>) {
    let mut buf = [0u8; 4096];
    let mut sent = 0usize;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if limit > 0 && sent + n >= limit {
            let _ = to.write_all(&buf[..limit - sent]);
            let _ = to.shutdown(Shutdown::Both);
            let _ = from.shutdown(Shutdown::Both);
            if let Some(c) = cuts {
                c.fetch_add(1, Ordering::SeqCst);
            }
            return;
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        sent += n;
    }
    let _ = to.shutdown(Shutdown::Write);
}
