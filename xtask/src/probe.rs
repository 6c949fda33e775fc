//! `cargo xtask probe …`: measurements against a running `edugov serve`
//! (issue 10, points 4 and 6). Plain HTTP/1.1 over `std::net`, one
//! connection per request, so the figures include connecting.
//!
//! - `cargo xtask probe idle --addr HOST:PORT [--connections 1100] [--samples 20]`:
//!   holds that many idle connections (nothing sent) and times `GET /healthz`
//!   on new ones while they are held.
//! - `cargo xtask probe login-flood --addr HOST:PORT [--seconds 10]
//!   [--flooders 8] [--spoof]`: signs in as the demo city administrator,
//!   times `GET /` for the signed-in user alone, then again while `flooders`
//!   threads post logins with random usernames as fast as they can. With
//!   `--spoof` each flood login claims another client in `X-Forwarded-For`
//!   (start the server with `--trusted-proxy 127.0.0.1`): a flood from many
//!   addresses, which the per-client delays do not slow, so only the bound on
//!   hashing protects the signed-in user.
//!
//! Start the server yourself, e.g. `edugov --db bench-out/probe.db serve
//! --demo --scale 0.02`. Nothing here is a test: the figures depend on the machine.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

const USERNAME: &str = "demo-admin";
const PASSWORD: &str = "demo-admin-2024!";

pub fn probe(args: &[&str]) -> anyhow::Result<()> {
    let (what, rest) = args.split_first().context("probe what? idle or login-flood")?;
    let mut addr = None;
    let mut connections = 1100usize;
    let mut samples = 20usize;
    let mut seconds = 10u64;
    let mut flooders = 8usize;
    let mut spoof = false;
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value"));
        match *arg {
            "--addr" => addr = Some(value()?.to_string()),
            "--connections" => connections = value()?.parse().context("--connections")?,
            "--samples" => samples = value()?.parse().context("--samples")?,
            "--seconds" => seconds = value()?.parse().context("--seconds")?,
            "--flooders" => flooders = value()?.parse().context("--flooders")?,
            "--spoof" => spoof = true,
            other => bail!("unknown option {other}"),
        }
    }
    let addr = addr.context("--addr HOST:PORT of a running edugov serve")?;
    let addr = addr
        .to_socket_addrs()?
        .next()
        .with_context(|| format!("{addr}: no address"))?;
    match *what {
        "idle" => idle(addr, connections, samples),
        "login-flood" => login_flood(addr, Duration::from_secs(seconds), flooders, spoof),
        other => bail!("unknown probe {other}: idle or login-flood"),
    }
}

/// One answer: status, headers (raw), body.
struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn cookie(&self, name: &str) -> Option<String> {
        self.head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| v.trim().split(';').next()?.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }
}

/// One request on a new connection (`Connection: close`), within `limit`.
fn request(addr: SocketAddr, raw: &str, limit: Duration) -> anyhow::Result<Answer> {
    let mut stream = TcpStream::connect_timeout(&addr, limit)?;
    stream.set_read_timeout(Some(limit))?;
    stream.set_write_timeout(Some(limit))?;
    stream.write_all(raw.as_bytes())?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no status in {:?}", head.lines().next()))?;
    Ok(Answer {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    })
}

fn get(addr: SocketAddr, path: &str, cookie: &str, limit: Duration) -> anyhow::Result<Answer> {
    request(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"),
        limit,
    )
}

fn post_form(
    addr: SocketAddr,
    path: &str,
    cookie: &str,
    extra: &str,
    form: &str,
    limit: Duration,
) -> anyhow::Result<Answer> {
    request(
        addr,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n{extra}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
            form.len()
        ),
        limit,
    )
}

/// The login form's double-submit token: (cookie value, form value).
fn login_csrf(addr: SocketAddr) -> anyhow::Result<(String, String)> {
    let page = get(addr, "/login", "", Duration::from_secs(10))?;
    let cookie = page
        .cookie("edugov_login_csrf")
        .context("GET /login set no edugov_login_csrf")?;
    let at = page.body.find("name=\"csrf\"").context("no csrf field")?;
    let tag = &page.body[at..];
    let value = tag.split("value=\"").nth(1).context("no csrf value")?;
    let value = value.split('"').next().unwrap_or_default().to_owned();
    Ok((cookie, value))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn summary(label: &str, mut times: Vec<Duration>, failed: usize) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: {} requests, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, {failed} failed",
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(times.last().copied().unwrap_or_default()),
    );
}

fn idle(addr: SocketAddr, connections: usize, samples: usize) -> anyhow::Result<()> {
    let before = Instant::now();
    let mut held = Vec::with_capacity(connections);
    let mut refused = 0;
    for _ in 0..connections {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
            Ok(stream) => held.push(stream),
            Err(_) => refused += 1,
        }
    }
    println!(
        "holding {} idle connections ({refused} could not connect within 2 s) after {:.1} s",
        held.len(),
        before.elapsed().as_secs_f64()
    );
    let mut times = Vec::new();
    let mut failed = 0;
    for _ in 0..samples {
        let start = Instant::now();
        match get(addr, "/healthz", "", Duration::from_secs(30)) {
            Ok(answer) if answer.status == 200 => times.push(start.elapsed()),
            _ => failed += 1,
        }
    }
    summary("GET /healthz while they are held (30 s timeout)", times, failed);
    let mut still_open = 0;
    for stream in &mut held {
        let _ = stream.set_nonblocking(true);
        if matches!(stream.read(&mut [0u8; 1]), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock) {
            still_open += 1;
        }
    }
    println!("of the idle connections, {still_open} are still open");
    Ok(())
}

fn login_flood(addr: SocketAddr, duration: Duration, flooders: usize, spoof: bool) -> anyhow::Result<()> {
    // The signed-in user first (before the flood makes this client wait).
    let (csrf_cookie, csrf) = login_csrf(addr)?;
    // Behind the trusted proxy the user has an address of its own.
    let own = if spoof {
        "X-Forwarded-For: 192.0.2.1\r\n"
    } else {
        ""
    };
    let answer = post_form(
        addr,
        "/login",
        &format!("edugov_login_csrf={csrf_cookie}"),
        own,
        &format!(
            "username={USERNAME}&password={}&csrf={csrf}",
            PASSWORD.replace('!', "%21")
        ),
        Duration::from_secs(30),
    )?;
    let session = answer
        .cookie("edugov_session")
        .with_context(|| format!("login as {USERNAME} answered {}", answer.status))?;
    let cookie = format!("edugov_session={session}");
    let page = |label: &str| -> anyhow::Result<()> {
        let end = Instant::now() + duration;
        let mut times = Vec::new();
        let mut failed = 0;
        while Instant::now() < end {
            let start = Instant::now();
            match get(addr, "/", &cookie, Duration::from_secs(30)) {
                Ok(answer) if answer.status == 200 => times.push(start.elapsed()),
                _ => failed += 1,
            }
        }
        summary(label, times, failed);
        Ok(())
    };
    page("GET / signed in, alone")?;

    let stop = Arc::new(AtomicBool::new(false));
    let statuses = Arc::new(Mutex::new(BTreeMap::<u16, u64>::new()));
    let sent = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..flooders)
        .map(|t| {
            let (stop, statuses, sent) = (stop.clone(), statuses.clone(), sent.clone());
            std::thread::spawn(move || -> anyhow::Result<()> {
                let (csrf_cookie, csrf) = login_csrf(addr)?;
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let extra = if spoof {
                        format!("X-Forwarded-For: 10.{}.{}.{}\r\n", t, (n >> 8) & 255, n & 255)
                    } else {
                        String::new()
                    };
                    let form = format!("username=flood-{t}-{n}&password=wrong-password-{n}&csrf={csrf}");
                    let status = post_form(
                        addr,
                        "/login",
                        &format!("edugov_login_csrf={csrf_cookie}"),
                        &extra,
                        &form,
                        Duration::from_secs(30),
                    )
                    .map_or(0, |a| a.status);
                    sent.fetch_add(1, Ordering::Relaxed);
                    if let Ok(mut s) = statuses.lock() {
                        *s.entry(status).or_default() += 1;
                    }
                }
                Ok(())
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let flood_start = Instant::now();
    let sent_before = sent.load(Ordering::Relaxed);
    page(&format!(
        "GET / signed in, during a flood of random-username logins from {flooders} threads{}",
        if spoof { " (each from another address)" } else { "" }
    ))?;
    let flood_rate =
        (sent.load(Ordering::Relaxed) - sent_before) as f64 / flood_start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for handle in handles {
        let _ = handle.join();
    }
    let statuses = statuses.lock().map(|s| s.clone()).unwrap_or_default();
    println!("flood: {flood_rate:.0} logins/s answered; by status (0 = no answer): {statuses:?}");
    Ok(())
}
