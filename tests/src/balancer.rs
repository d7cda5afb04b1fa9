//! A round-robin TCP load balancer for the scale-out test: each new connection goes to the
//! next replica, as any L4 balancer in front of stateless services would do. Std threads, so
//! it keeps forwarding whatever the test's own runtime is doing.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub struct Balancer {
    pub port: u16,
    /// Connections handed to each backend, in the order of `backends`.
    pub counts: Arc<Vec<AtomicUsize>>,
}

impl Balancer {
    pub fn start(backends: Vec<u16>) -> Balancer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let counts: Arc<Vec<AtomicUsize>> =
            Arc::new(backends.iter().map(|_| AtomicUsize::new(0)).collect());
        let c = counts.clone();
        std::thread::spawn(move || {
            let next = AtomicUsize::new(0);
            for client in listener.incoming().flatten() {
                // Try each backend once, starting with the next in turn (a killed replica is
                // skipped, as a balancer's health check would).
                let first = next.fetch_add(1, Ordering::Relaxed);
                let upstream = (0..backends.len()).find_map(|i| {
                    let b = (first + i) % backends.len();
                    TcpStream::connect_timeout(
                        &([127, 0, 0, 1], backends[b]).into(),
                        Duration::from_secs(1),
                    )
                    .ok()
                    .map(|s| (b, s))
                });
                let Some((b, upstream)) = upstream else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                c[b].fetch_add(1, Ordering::Relaxed);
                pipe(client, upstream);
            }
        });
        Balancer { port, counts }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn counts(&self) -> Vec<usize> {
        self.counts
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect()
    }
}

fn pipe(a: TcpStream, b: TcpStream) {
    let (a2, b2) = (a.try_clone().unwrap(), b.try_clone().unwrap());
    std::thread::spawn(move || copy(a, b));
    std::thread::spawn(move || copy(b2, a2));
}

fn copy(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
