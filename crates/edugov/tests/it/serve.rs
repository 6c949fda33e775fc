//! `edugov serve` stays reachable under a thousand idle connections (issue
//! 10, point 4), run as a real process under the common open-files limit of
//! 1024. Before the fix its accept loop ran out of descriptors and `/healthz`
//! timed out for everyone.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::empty_db;

/// Connections held open without a byte sent: more than 1024.
const IDLE: usize = 1100;

/// `edugov serve` on a free port, started by `sh` after `ulimit` (`-Sn 1024`:
/// the soft limit only; `-n 1024`: soft and hard), with `extra` flags.
struct Served {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_under(ulimit: &str, extra: &[&str]) -> Served {
    let (dir, db) = empty_db("serve");
    let mut add = crate::command(
        &db,
        &[
            "user",
            "add",
            "--username",
            "admin",
            "--role",
            "city_admin",
            "--scope",
            "3701",
            "--password-stdin",
        ],
    );
    add.stdin(Stdio::piped());
    let mut adding = add.spawn().unwrap();
    adding
        .stdin
        .take()
        .unwrap()
        .write_all(b"violet-anchor-drizzle-2024\n")
        .unwrap();
    assert!(adding.wait().unwrap().success());
    // A free port: bind, read, release.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut args = vec![
        "--db".to_owned(),
        db.display().to_string(),
        "serve".to_owned(),
        "--addr".to_owned(),
        addr.to_string(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let child = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit {ulimit} 1024 && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_edugov"))
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let served = Served {
        child,
        addr,
        _dir: dir,
    };
    let start = Instant::now();
    while healthz(addr, Duration::from_secs(1)).is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    served
}

/// How long `GET /healthz` took on a new connection, or `None` if it got no
/// answer within `limit`.
fn healthz(addr: SocketAddr, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut stream = TcpStream::connect_timeout(&addr, limit).ok()?;
    stream.set_read_timeout(Some(limit)).ok()?;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    answer.starts_with(b"HTTP/1.1 200").then(|| start.elapsed())
}

/// Opens `n` connections and sends nothing on them.
fn hold_idle(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    (0..n)
        .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_secs(5)).ok())
        .collect()
}

#[test]
fn healthz_answers_at_once_while_1100_idle_connections_are_held_under_a_soft_limit_of_1024() {
    // The soft limit is raised to the hard one at start: every idle
    // connection is accepted, and a new one is served at once (not after
    // idle ones are closed: the header timeout is long here).
    let served = serve_under("-Sn", &["--header-timeout", "60"]);
    let start = Instant::now();
    let idle = hold_idle(served.addr, IDLE);
    assert_eq!(idle.len(), IDLE);
    let took = healthz(served.addr, Duration::from_secs(10));
    assert!(took.is_some_and(|t| t < Duration::from_secs(2)), "{took:?}");
    // Connecting did not wait either (a full accept queue makes connect wait).
    assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
    drop(idle);
}

#[test]
fn healthz_answers_within_the_header_timeout_when_the_hard_limit_is_1024() {
    // The limit cannot be raised: at most 1024 − 128 connections are served,
    // the rest wait, and idle ones are closed after the header timeout.
    let served = serve_under("-n", &["--header-timeout", "1"]);
    let idle = hold_idle(served.addr, IDLE);
    let took = healthz(served.addr, Duration::from_secs(15));
    assert!(took.is_some_and(|t| t < Duration::from_secs(5)), "{took:?}");
    // The idle connections were closed by the server.
    let mut first = &idle[0];
    first.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(first.read(&mut [0u8; 16]).ok(), Some(0));
}
