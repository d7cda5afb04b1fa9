//! Test support shared by every service's tests and the end-to-end tests: a fresh database per
//! test, a real SMTP server with MIME decoding, waiting for a condition, free ports, tokens for
//! a role, and the check that each service's migrations build the tables its `schema.rs`
//! declares.
//!
//! Tests may unwrap: a failure here is a failed test, with the reason in the panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod database;
pub mod examples;
pub mod schema;
pub mod smtp;
pub mod tokens;
pub mod wait;

pub use database::{TempDir, TestDatabase, is_postgres};
pub use smtp::{Mail, SmtpBehaviour, SmtpServer};
pub use tokens::{SECRET, Tokens};
pub use wait::{Condition, eventually, try_eventually};

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    free_ports(1)[0]
}

/// `n` distinct free ports, none handed out before in this process. The listeners are held
/// until all are picked: a port given back at once can be handed out again by the next bind
/// (two services once got the same port). Tests of one binary run at once, and each stack's
/// services bind their ports only later: a port another test was given, and given back, could
/// be handed out again before its service bound it (a stack once found the other stack's
/// service where its knowledge should have been).
pub fn free_ports(n: usize) -> Vec<u16> {
    static HANDED_OUT: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut handed = HANDED_OUT.lock().unwrap_or_else(|e| e.into_inner());
    let mut held: Vec<std::net::TcpListener> = Vec::new();
    let mut ports: Vec<u16> = Vec::with_capacity(n);
    while ports.len() < n {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        if !handed.contains(&port) {
            handed.push(port);
            ports.push(port);
        }
        held.push(l);
    }
    ports
}
