//! `cargo xtask bench web [--scale S] [--duration SECS] [--connections N]`:
//! the web application under load. Starts `edugov serve` on the demo city
//! (`bench-out/web-<scale>.db`, reused when an earlier run finished making
//! it), logs in as the demo city administrator and drives three pages with
//! wrk on loopback, each for a bounded time: the overview `/`, the drill-down
//! of a county (`/areas/370112`) and the page of that county's largest school
//! (found through `/api/areas/…?indicator=student_count`). Delete
//! `bench-out/web-<scale>.db*` to have the demo city made afresh.
//!
//! Each route gets one warm-up request first (the first request of the
//! server computes the indicators; its time is printed apart). Printed per
//! route: requests per second, p50 and p99 latency, responses that were not
//! 2xx (counted by a wrk Lua script: wrk's own count leaves out 3xx, and a
//! lost session shows up as 303 to `/login`) and socket errors (connect,
//! read, write, timeout — wrk's timeout is 2 s). Then the server's resident
//! memory now and at its peak (`VmRSS`, `VmHWM` from `/proc/<pid>/status`).
//!
//! Goals (issue 5): p99 under 50 ms at 64 connections with zero errors, and
//! resident memory under 1 GiB; each is printed as met or not met. Only a
//! failure to set up or a non-2xx response fails the task: latency and
//! memory depend on the machine, wrong responses do not.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::bench::{build_edugov, remove_db};

const COUNTY: &str = "370112";
const USERNAME: &str = "demo-admin";
const PASSWORD: &str = "demo-admin-2024!";
const SEED: &str = "42";
const P99_GOAL_MS: f64 = 50.0;
const RSS_GOAL_MIB: f64 = 1024.0;

/// Counts responses that are not 2xx across wrk's threads and prints the
/// total as its last line (wrk's own "Non-2xx or 3xx" line counts ≥ 400 only).
const WRK_SCRIPT: &str = r#"
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  non2xx = 0
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do
    n = n + t:get("non2xx")
  end
  io.write(string.format("edugov-non2xx %d\n", n))
end
"#;

pub struct Options {
    scale: String,
    duration: u32,
    connections: u32,
}

impl Options {
    pub fn parse(args: &[&str]) -> anyhow::Result<Options> {
        let mut options = Options {
            scale: "1.0".into(),
            duration: 10,
            connections: 64,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = || it.next().with_context(|| format!("{arg} needs a value"));
            match *arg {
                "--scale" => {
                    let scale = value()?;
                    scale
                        .parse::<f64>()
                        .ok()
                        .filter(|s| *s > 0.0)
                        .with_context(|| format!("--scale {scale}: a positive number"))?;
                    options.scale = scale.to_string();
                }
                "--duration" => options.duration = positive(arg, value()?)?,
                "--connections" => options.connections = positive(arg, value()?)?,
                other => bail!("unknown option {other}"),
            }
        }
        Ok(options)
    }
}

fn positive(option: &str, value: &str) -> anyhow::Result<u32> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| *n > 0)
        .with_context(|| format!("{option} {value}: a positive whole number"))
}

pub fn web(options: &Options) -> anyhow::Result<()> {
    let root = crate::project_root();
    let out = root.join("bench-out");
    std::fs::create_dir_all(&out)?;
    let edugov = build_edugov(&root)?;
    println!(
        "== web benchmark (scale {}, {} connections, {} s per route) ==",
        options.scale, options.connections, options.duration
    );
    let db = demo_db(&edugov, &out, &options.scale)?;
    let run = drive(
        &edugov,
        db.as_os_str(),
        &out,
        options.connections,
        options.duration,
    )?;
    let goals = run.goals(options.connections);
    for line in &goals.lines {
        println!("{line}");
    }
    if options.connections != 64 {
        println!("(the goals are set for 64 connections)");
    }
    if goals.wrong > 0 {
        bail!("{} response(s) were not 2xx", goals.wrong);
    }
    Ok(())
}

/// One route's figures under wrk, and its warm-up request.
pub(crate) struct RouteRun {
    pub route: String,
    pub warm_ms: f64,
    pub result: WrkResult,
}

/// What [`drive`] measured.
pub(crate) struct WebRun {
    pub routes: Vec<RouteRun>,
    /// Resident memory after the warm-up requests.
    pub rss_warm_mib: f64,
    /// After the runs: now and the peak (`VmHWM`).
    pub memory: Memory,
}

/// The goals of issue 5, judged: printable lines and the count of non-2xx
/// responses (a wrong answer, not a slow one).
pub(crate) struct Goals {
    pub lines: Vec<String>,
    pub wrong: u64,
}

impl WebRun {
    pub(crate) fn goals(&self, connections: u32) -> Goals {
        let slow: Vec<String> = self
            .routes
            .iter()
            .filter(|r| r.result.p99_ms >= P99_GOAL_MS)
            .map(|r| format!("{} {:.1} ms", r.route, r.result.p99_ms))
            .collect();
        let failing: Vec<String> = self
            .routes
            .iter()
            .filter(|r| r.result.non_2xx + r.result.socket_errors > 0)
            .map(|r| {
                format!(
                    "{} {} non-2xx, {} socket",
                    r.route, r.result.non_2xx, r.result.socket_errors
                )
            })
            .collect();
        let lines = vec![
            format!(
                "goal p99 < {P99_GOAL_MS:.0} ms at {connections} connections: {}",
                verdict(&slow)
            ),
            format!("goal zero errors: {}", verdict(&failing)),
            format!(
                "goal resident memory < 1 GiB (peak VmHWM {:.0} MiB): {}",
                self.memory.hwm_mib,
                if self.memory.hwm_mib < RSS_GOAL_MIB {
                    "met"
                } else {
                    "NOT met"
                }
            ),
        ];
        Goals {
            lines,
            wrong: self.routes.iter().map(|r| r.result.non_2xx).sum(),
        }
    }
}

/// Starts `edugov serve --demo` on `db` (a SQLite path or a PostgreSQL URL
/// holding the demo city), logs in, warms and drives the three routes with
/// wrk, printing as it goes, and stops the server.
pub(crate) fn drive(
    edugov: &Path,
    db: &OsStr,
    out: &Path,
    connections: u32,
    duration: u32,
) -> anyhow::Result<WebRun> {
    let wrk = ensure_wrk()?;
    // The figures mean little on a busy machine: say how busy it was.
    println!(
        "{} cores, load average (1, 5, 15 min) before: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_average()
    );

    let port = free_port()?;
    let addr = format!("127.0.0.1:{port}");
    let base = format!("http://{addr}");
    let log = out.join("web-server.log");
    let started = Instant::now();
    let server = Server::start(edugov, db, &addr, &log)?;
    println!(
        "server pid {} ready on {base} in {:.1} s (log {})",
        server.pid(),
        started.elapsed().as_secs_f64(),
        log.display()
    );
    let cookie = format!("edugov_session={}", login(&base)?);

    // One request each first, timed on its own: the first read of a school
    // fills its cached records.
    let mut routes = vec!["/".to_string(), format!("/areas/{COUNTY}")];
    let mut warm = Vec::new();
    for route in &routes {
        warm.push(fetch_page(&base, route, &cookie)?);
    }
    let school = largest_school(&base, &cookie)?;
    routes.push(format!("/schools/{school}"));
    warm.push(fetch_page(&base, &routes[2], &cookie)?);
    let rss_warm = memory(server.pid())?;
    println!(
        "\nwarm-up (one request each; the server computed the indicators before listening), RSS after: {:.0} MiB",
        rss_warm.rss_mib
    );
    for (route, page) in routes.iter().zip(&warm) {
        println!(
            "  {:<24} {:>8.1} ms {:>8.1} KiB",
            route,
            page.seconds * 1000.0,
            page.bytes as f64 / 1024.0
        );
    }

    let script = out.join("web-wrk.lua");
    std::fs::write(&script, WRK_SCRIPT)?;
    println!(
        "\n{:<24} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8}",
        "route", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "non-2xx", "socket"
    );
    let mut results = Vec::new();
    for (route, page) in routes.iter().zip(&warm) {
        let result = run_wrk(
            &wrk,
            &script,
            connections,
            duration,
            &format!("{base}{route}"),
            &cookie,
        )?;
        println!(
            "{:<24} {:>9} {:>9.1} {:>9.2} {:>9.2} {:>9.2} {:>8} {:>8}",
            route,
            result.requests,
            result.requests_per_second,
            result.p50_ms,
            result.p99_ms,
            result.max_ms,
            result.non_2xx,
            result.socket_errors
        );
        results.push(RouteRun {
            route: route.clone(),
            warm_ms: page.seconds * 1000.0,
            result,
        });
    }
    for r in &results {
        if r.result.timeouts > 0 {
            println!(
                "  {}: {} timeout(s): wrk counts a response slower than 2 s as a timeout and leaves it out of the latencies, so p50/p99 describe only the faster ones",
                r.route, r.result.timeouts
            );
        }
    }
    println!("load average (1, 5, 15 min) after the runs: {}", load_average());
    // The session must still be good: otherwise the figures are of redirects.
    fetch_page(&base, "/", &cookie).context("the session no longer works after the runs")?;
    let memory = memory(server.pid())?;
    println!(
        "\nserver memory after the runs: VmRSS {:.0} MiB, VmHWM (peak) {:.0} MiB",
        memory.rss_mib, memory.hwm_mib
    );
    drop(server);
    Ok(WebRun {
        routes: results,
        rss_warm_mib: rss_warm.rss_mib,
        memory,
    })
}

fn verdict(misses: &[String]) -> String {
    if misses.is_empty() {
        "met".into()
    } else {
        format!("NOT met ({})", misses.join("; "))
    }
}

/// wrk from PATH, installed with apt-get (Debian package `wrk`) when missing.
fn ensure_wrk() -> anyhow::Result<PathBuf> {
    let found = |dir: &Path| {
        let wrk = dir.join("wrk");
        wrk.is_file().then_some(wrk)
    };
    let on_path = || std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).find_map(|d| found(&d)));
    if let Some(wrk) = on_path() {
        return Ok(wrk);
    }
    println!("(installing wrk with apt-get)");
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "-q", "wrk"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if !install() {
        let _ = Command::new("apt-get")
            .args(["update", "-q"])
            .stdout(Stdio::null())
            .status();
        if !install() {
            bail!("wrk is missing and `apt-get install wrk` failed (run it as root)");
        }
    }
    on_path().context("wrk installed but not on PATH")
}

/// The demo city at `scale` in `bench-out/web-<scale>.db`. A marker file
/// written only once `edugov demo` has finished tells a complete database
/// from one an interrupted run left behind.
fn demo_db(edugov: &Path, out: &Path, scale: &str) -> anyhow::Result<PathBuf> {
    let db = out.join(format!("web-{scale}.db"));
    let marker = out.join(format!("web-{scale}.db.done"));
    let made_by = format!("edugov demo --scale {scale} --seed {SEED}\n");
    if db.is_file() && std::fs::read_to_string(&marker).ok().as_deref() == Some(made_by.as_str()) {
        println!("demo city reused from {}", db.display());
        return Ok(db);
    }
    let _ = std::fs::remove_file(&marker);
    remove_db(&db);
    let started = Instant::now();
    let output = Command::new(edugov)
        .arg("--db")
        .arg(&db)
        .args(["demo", "--scale", scale, "--seed", SEED])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()?;
    if !output.status.success() {
        bail!("edugov demo failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    std::fs::write(&marker, made_by)?;
    println!(
        "demo city generated in {:.1} s into {}",
        started.elapsed().as_secs_f64(),
        db.display()
    );
    Ok(db)
}

/// A port nobody listens on now (the server binds it a moment later).
fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// The running server; killed when dropped, on success or error alike.
struct Server {
    child: Child,
}

impl Server {
    fn start(edugov: &Path, db: &OsStr, addr: &str, log: &Path) -> anyhow::Result<Server> {
        let child = Command::new(edugov)
            .arg("--db")
            .arg(db)
            .args(["serve", "--demo", "--addr", addr])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log)?)
            .spawn()
            .context("starting edugov serve")?;
        let mut server = Server { child };
        let stdout = server.child.stdout.take().context("no stdout")?;
        let (ready, wait) = mpsc::channel();
        // Reads standard output to its end, so the server never blocks on it.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.contains("edugov 已启动") {
                    let _ = ready.send(());
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(600);
        loop {
            match wait.recv_timeout(Duration::from_millis(100)) {
                Ok(()) => break,
                Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() < deadline => {
                    if let Some(status) = server.child.try_wait()? {
                        bail!(
                            "edugov serve exited ({status}) before it was ready; see {}",
                            log.display()
                        );
                    }
                }
                Err(_) => bail!("edugov serve did not start; see {}", log.display()),
            }
        }
        let health = curl(&[&format!("http://{addr}/healthz")])?;
        if health.status != 200 || health.body.trim() != "ok" {
            bail!("/healthz answered {} {:?}", health.status, health.body);
        }
        Ok(server)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    /// Header lines of the last response (after any interim 100).
    headers: Vec<String>,
    body: String,
}

impl Response {
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers.iter().find_map(|h| {
            let (key, value) = h.split_once(':')?;
            if !key.eq_ignore_ascii_case("set-cookie") {
                return None;
            }
            let pair = value.trim().split(';').next()?;
            let (n, v) = pair.split_once('=')?;
            (n == name).then(|| v.to_string())
        })
    }
}

/// curl with the response's headers in front of its body (`-i`).
fn curl(args: &[&str]) -> anyhow::Result<Response> {
    let output = Command::new("curl")
        .args(["-sS", "-i", "--max-time", "300"])
        .args(args)
        .output()
        .context("running curl")?;
    if !output.status.success() {
        bail!(
            "curl {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut rest = text.as_str();
    loop {
        let (head, body) = rest
            .split_once("\r\n\r\n")
            .with_context(|| format!("curl {args:?}: no header in the response"))?;
        let mut lines = head.lines();
        let status: u16 = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("curl {args:?}: no status line"))?;
        if (100..200).contains(&status) {
            rest = body;
            continue;
        }
        return Ok(Response {
            status,
            headers: lines.map(str::to_string).collect(),
            body: body.to_string(),
        });
    }
}

/// Logs in as the demo city administrator; returns the session cookie's value.
fn login(base: &str) -> anyhow::Result<String> {
    let page = curl(&[&format!("{base}/login")])?;
    let csrf_cookie = page
        .cookie("edugov_login_csrf")
        .context("GET /login set no edugov_login_csrf cookie")?;
    let marker = r#"name="csrf" value=""#;
    let token = page
        .body
        .split_once(marker)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(token, _)| token.to_string())
        .context("GET /login has no csrf field")?;
    let answer = curl(&[
        "-H",
        &format!("Cookie: edugov_login_csrf={csrf_cookie}"),
        "--data-urlencode",
        &format!("username={USERNAME}"),
        "--data-urlencode",
        &format!("password={PASSWORD}"),
        "--data-urlencode",
        &format!("csrf={token}"),
        &format!("{base}/login"),
    ])?;
    if answer.status != 303 {
        bail!("POST /login answered {} (303 expected)", answer.status);
    }
    answer
        .cookie("edugov_session")
        .filter(|v| !v.is_empty())
        .context("POST /login set no edugov_session cookie")
}

struct Page {
    seconds: f64,
    bytes: usize,
    body: String,
}

/// GET with the session; anything but 200 is an error (a redirect would mean
/// the session was refused).
fn fetch_page(base: &str, route: &str, cookie: &str) -> anyhow::Result<Page> {
    let started = Instant::now();
    let answer = curl(&["-H", &format!("Cookie: {cookie}"), &format!("{base}{route}")])?;
    let seconds = started.elapsed().as_secs_f64();
    if answer.status != 200 {
        bail!("GET {route} answered {} (200 expected)", answer.status);
    }
    Ok(Page {
        seconds,
        bytes: answer.body.len(),
        body: answer.body,
    })
}

/// The school of the county with the most students (the heaviest school
/// page), through the drill-down API: county → townships → schools.
fn largest_school(base: &str, cookie: &str) -> anyhow::Result<String> {
    let rows = |area: &str| -> anyhow::Result<Vec<serde_json::Value>> {
        let page = fetch_page(
            base,
            &format!("/api/areas/{area}?indicator=student_count"),
            cookie,
        )?;
        let json: serde_json::Value =
            serde_json::from_str(&page.body).with_context(|| format!("/api/areas/{area}: not JSON"))?;
        Ok(json["rows"].as_array().cloned().unwrap_or_default())
    };
    let mut best: Option<(f64, String)> = None;
    for township in rows(COUNTY)? {
        let Some(code) = township["area"].as_str() else {
            continue;
        };
        for school in rows(code)? {
            let (Some(code), Some(students)) = (school["school"].as_str(), school["value"].as_f64()) else {
                continue;
            };
            if best.as_ref().is_none_or(|(most, _)| students > *most) {
                best = Some((students, code.to_string()));
            }
        }
    }
    let (students, code) = best.with_context(|| format!("no school found in {COUNTY}"))?;
    println!("school page: {code}, the largest school of {COUNTY} ({students} students)");
    Ok(code)
}

pub(crate) struct WrkResult {
    /// Responses received (wrk's "N requests in …").
    pub requests: u64,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub non_2xx: u64,
    pub socket_errors: u64,
    pub timeouts: u64,
}

fn run_wrk(
    wrk: &Path,
    script: &Path,
    connections: u32,
    duration: u32,
    url: &str,
    cookie: &str,
) -> anyhow::Result<WrkResult> {
    let output = Command::new(wrk)
        // wrk wants at least one connection per thread.
        .arg(format!("-t{}", connections.min(2)))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{duration}s"))
        .arg("--latency")
        .arg("-s")
        .arg(script)
        .args(["-H", &format!("Cookie: {cookie}")])
        .arg(url)
        .output()
        .context("running wrk")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "wrk {url} failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    parse_wrk(&text).with_context(|| format!("wrk {url} printed:\n{text}"))
}

/// Reads wrk's `--latency` report and our script's last line.
fn parse_wrk(text: &str) -> anyhow::Result<WrkResult> {
    let field = |prefix: &str| -> Option<&str> {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(str::trim)
    };
    let requests = text
        .lines()
        .find_map(|l| l.trim().split_once(" requests in "))
        .and_then(|(n, _)| n.parse().ok())
        .context("no request count")?;
    let requests_per_second = field("Requests/sec:")
        .and_then(|v| v.parse().ok())
        .context("no Requests/sec")?;
    let p50_ms = field("50%").and_then(millis).context("no 50% latency")?;
    let p99_ms = field("99%").and_then(millis).context("no 99% latency")?;
    let max_ms = field("Latency")
        .and_then(|v| v.split_whitespace().nth(2))
        .and_then(millis)
        .context("no latency line")?;
    // "Socket errors: connect 0, read 0, write 0, timeout 0" (absent when all are 0)
    let socket: Vec<(&str, u64)> = field("Socket errors:")
        .map(|v| {
            v.split(',')
                .filter_map(|part| {
                    let mut words = part.split_whitespace();
                    Some((words.next()?, words.next()?.parse().ok()?))
                })
                .collect()
        })
        .unwrap_or_default();
    let socket_errors = socket.iter().map(|(_, n)| n).sum();
    let timeouts = socket
        .iter()
        .find(|(kind, _)| *kind == "timeout")
        .map_or(0, |(_, n)| *n);
    let non_2xx = field("edugov-non2xx")
        .and_then(|v| v.parse().ok())
        .context("no count from the wrk script")?;
    Ok(WrkResult {
        requests,
        requests_per_second,
        p50_ms,
        p99_ms,
        max_ms,
        non_2xx,
        socket_errors,
        timeouts,
    })
}

/// wrk's durations: `812.00us`, `12.34ms`, `1.20s`, `2.00m`.
fn millis(value: &str) -> Option<f64> {
    let value = value.trim();
    let split = value.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        _ => return None,
    };
    Some(number * factor)
}

/// The first three fields of `/proc/loadavg`.
pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

pub(crate) struct Memory {
    pub rss_mib: f64,
    pub hwm_mib: f64,
}

fn memory(pid: u32) -> anyhow::Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib = |key: &str| -> anyhow::Result<f64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .with_context(|| format!("no {key} in /proc/{pid}/status"))
    };
    Ok(Memory {
        rss_mib: kib("VmRSS:")? / 1024.0,
        hwm_mib: kib("VmHWM:")? / 1024.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_report() {
        let text = "Running 3s test @ http://127.0.0.1:1/\n  2 threads and 64 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency     7.10ms    3.20ms   1.02s    90.00%\n    Req/Sec     4.50k   300.00     5.00k    70.00%\n  Latency Distribution\n     50%  812.00us\n     75%    8.00ms\n     90%    9.00ms\n     99%   20.50ms\n  27000 requests in 3.00s, 100.00MB read\n  Socket errors: connect 0, read 2, write 0, timeout 5\nRequests/sec:   9000.10\nTransfer/sec:     33.33MB\nedugov-non2xx 3\n";
        let r = parse_wrk(text).unwrap();
        assert_eq!(r.requests_per_second, 9000.1);
        assert!((r.p50_ms - 0.812).abs() < 1e-9);
        assert_eq!(r.p99_ms, 20.5);
        assert_eq!(r.max_ms, 1020.0);
        assert_eq!(r.requests, 27000);
        assert_eq!(r.socket_errors, 7);
        assert_eq!(r.timeouts, 5);
        assert_eq!(r.non_2xx, 3);
    }
}
