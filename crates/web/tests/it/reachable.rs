//! The server stays reachable (issue 10, point 4): slow and idle
//! connections are closed after the header timeout, connections beyond the
//! limit wait for a free one, and imports run on their own queue so pages
//! keep their database connections.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::{fixture, Browser, Server, Who};

fn config(header_timeout: Duration, max_connections: usize) -> web::ServerConfig {
    web::ServerConfig {
        header_timeout,
        max_connections,
        ..web::ServerConfig::default()
    }
}

/// How long until the server closes `stream` (reads end), at most `limit`.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return Some(start.elapsed()),
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::ConnectionReset) => {
                return Some(start.elapsed())
            }
            Err(_) => return None,
        }
    }
}

/// `GET /healthz` on a new connection: how long the answer took, or `None`
/// without an answer within `limit`.
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

#[test]
fn a_slowloris_connection_and_an_idle_keep_alive_connection_are_closed_after_the_header_timeout() {
    let server = Server::fresh_with("slowloris", config(Duration::from_secs(1), 4096));
    // Headers started and never finished.
    let mut slow = TcpStream::connect(server.addr).unwrap();
    slow.write_all(b"GET /indicators HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    let took = closed_within(&mut slow, Duration::from_secs(10));
    assert!(took.is_some_and(|t| t < Duration::from_secs(4)), "{took:?}");
    // Nothing sent at all.
    let mut silent = TcpStream::connect(server.addr).unwrap();
    let took = closed_within(&mut silent, Duration::from_secs(10));
    assert!(took.is_some_and(|t| t < Duration::from_secs(4)), "{took:?}");
    // One request answered, then idle on keep-alive.
    let mut idle = TcpStream::connect(server.addr).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut answer = [0u8; 512];
    let n = idle.read(&mut answer).unwrap();
    assert!(answer[..n].starts_with(b"HTTP/1.1 200"));
    let took = closed_within(&mut idle, Duration::from_secs(10));
    assert!(took.is_some_and(|t| t < Duration::from_secs(4)), "{took:?}");
}

#[test]
fn connections_beyond_the_limit_wait_until_an_idle_one_is_closed() {
    let server = Server::fresh_with("conn-limit", config(Duration::from_secs(2), 2));
    assert!(healthz(server.addr, Duration::from_secs(5)).is_some());
    let start = Instant::now();
    let idle: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(server.addr).unwrap()).collect();
    // Both slots are held: a third connection is not served at once …
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(healthz(server.addr, Duration::from_millis(800)), None);
    // … but as soon as the idle ones are closed by the header timeout.
    let took = healthz(server.addr, Duration::from_secs(10));
    assert!(took.is_some(), "no answer");
    let since_idle = start.elapsed();
    assert!(
        since_idle >= Duration::from_millis(1500) && since_idle < Duration::from_secs(6),
        "{since_idle:?}"
    );
    drop(idle);
}

/// A classes file of `rows` rows for one school (a dry run reads and checks
/// every row).
fn large_classes_file(school: &str, rows: usize) -> String {
    let mut file = String::from("学年,学校标识码,学段,年级,班级名称,班额\n");
    for row in 0..rows {
        file.push_str(&format!("2024,{school},小学,{},{row}班,30\n", row % 6 + 1));
    }
    file
}

#[test]
fn imports_in_progress_do_not_block_a_page_read() {
    // Any wait is said, so the test does not hang on how fast the machine
    // imports (the default says waits of a second or more).
    let server = Server::fresh_with(
        "import-queue",
        web::ServerConfig {
            import_wait_note: Duration::from_millis(50),
            ..web::ServerConfig::default()
        },
    );
    let f = fixture();
    let page = format!("/schools/{}", f.own_school);
    let reader = Browser::as_role(&server, Who::Admin);
    assert_eq!(reader.get(&page).status, 200, "warm-up");
    let file = std::sync::Arc::new(large_classes_file(&f.own_school, 120_000));
    // Four large files at once, as four officers would send them.
    let uploaders: Vec<Browser> = (0..4).map(|_| Browser::as_role(&server, Who::Admin)).collect();
    let started = Instant::now();
    let uploads: Vec<_> = uploaders
        .into_iter()
        .map(|browser| {
            let file = file.clone();
            std::thread::spawn(move || {
                let csrf = browser.csrf();
                let resp = browser.post_upload(Some(&csrf), "classes.csv", &file, false);
                (resp.status, resp.text(), Instant::now())
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let mut slowest = Duration::ZERO;
    for _ in 0..5 {
        let start = Instant::now();
        let resp = reader.get(&page);
        assert_eq!(resp.status, 200);
        slowest = slowest.max(start.elapsed());
        std::thread::sleep(Duration::from_millis(100));
    }
    let reads_done = Instant::now();
    let mut last_import = started;
    let mut queued = 0;
    for upload in uploads {
        let (status, text, done) = upload.join().unwrap();
        assert_eq!(status, 200, "{text}");
        assert!(text.contains("id=\"import-result\""), "{text}");
        queued += usize::from(text.contains("id=\"import-queued\""));
        last_import = last_import.max(done);
    }
    eprintln!(
        "imports took {:?}; slowest page read during them {slowest:?}",
        last_import - started
    );
    assert!(slowest < Duration::from_secs(1), "{slowest:?}");
    assert!(
        last_import > reads_done,
        "the imports ended before the reads: the file is too small to test anything"
    );
    // One import runs at a time; those that waited say so.
    assert!(queued >= 1, "no import said it waited in the queue");
}

/// An upload is held in memory until it is imported, so no more are read
/// than the import slots and queue take: with one slot and a queue of one,
/// a third upload is answered 503 while two are still being sent — before
/// its body is read (issue 10, point 1: bounded memory for any input).
#[test]
fn uploads_beyond_the_import_queue_are_refused_before_their_body_is_read() {
    let server = Server::fresh_with(
        "uploads",
        web::ServerConfig {
            import_slots: 1,
            import_queue: 1,
            ..web::ServerConfig::default()
        },
    );
    let county = Browser::as_role(&server, Who::County);
    let csrf = county.csrf();
    // Two uploads: headers and the start of a large body, then nothing.
    let slow = crate::hold_uploads(&server, &county, &csrf, 2);
    std::thread::sleep(Duration::from_millis(500));
    // The third is refused at once, asked to come back.
    let started = Instant::now();
    let third = county.post_upload(Some(&csrf), "classes.csv", "学年\n", false);
    assert_eq!(third.status, 503, "{}", third.text());
    assert!(third.header("retry-after").is_some());
    assert!(started.elapsed() < Duration::from_secs(5));
    // Once they are gone, uploads are read again.
    drop(slow);
    let deadline = Instant::now() + Duration::from_secs(10);
    let next = loop {
        let next = county.post_upload(Some(&csrf), "classes.csv", "学年\n", false);
        if next.status != 503 || Instant::now() > deadline {
            break next;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(next.status, 200, "{}", next.text());
}
