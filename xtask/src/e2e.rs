//! `cargo xtask e2e`: the end-to-end tests in a real browser. Builds the
//! release binary, starts `edugov serve --demo --scale 0.02` on a fresh
//! database and a free loopback port, waits for `/healthz`, runs Playwright
//! (`tests/e2e`, Debian's Chromium) against it, stops the server, and fails
//! if any test failed. Screenshots are left in `tests/e2e/artifacts/`.
//!
//! `cargo xtask e2e --pg postgres://user@host:port` runs the same server on
//! PostgreSQL instead: a fresh database `edugov_e2e_<pid>` made on that
//! cluster with `psql` and dropped afterwards, and the tests tagged `@pg`
//! (sign-in, overview, drill-down, school page, imports, transfers,
//! administration) unless Playwright arguments choose others.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// The demo city's size: small enough to generate in seconds, large enough
/// for every level of the drill-down to have places.
const SCALE: &str = "0.02";

/// How long the server may take to answer `/healthz` (it generates the demo
/// city first).
const STARTUP: Duration = Duration::from_secs(180);

/// The tag of the tests run on PostgreSQL when no Playwright arguments are given.
const PG_TAG: &str = "@pg";

pub fn e2e(args: &[&str]) -> anyhow::Result<()> {
    const USAGE: &str = "usage: cargo xtask e2e [--pg postgres://user@host:port] [-- PLAYWRIGHT ARGS]";
    // Anything after `--` goes to `playwright test` (a spec file, `--grep`).
    let (cluster, extra): (Option<&str>, &[&str]) = match args {
        [] => (None, &[]),
        ["--", rest @ ..] => (None, rest),
        ["--pg", url] => (Some(url), &[]),
        ["--pg", url, "--", rest @ ..] => (Some(url), rest),
        _ => bail!(USAGE),
    };
    if let Some(url) = cluster {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            bail!("--pg {url}: expected a postgres:// URL of the cluster\n{USAGE}");
        }
    }
    let extra: Vec<&str> = match (cluster, extra) {
        (Some(_), []) => vec!["--grep", PG_TAG],
        (_, extra) => extra.to_vec(),
    };
    let root = crate::project_root();
    let dir = root.join("tests").join("e2e");
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        bail!(
            "{chromium} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does"
        );
    }
    let started = Instant::now();

    println!("e2e: building the release binary");
    let edugov = crate::bench::build_edugov(&root)?;
    println!("e2e: built ({:.1} s)", started.elapsed().as_secs_f64());

    let npm_started = Instant::now();
    if !dir.join("node_modules").join("@playwright").join("test").exists() {
        println!("e2e: npm ci (Playwright without its browsers)");
        let status = Command::new("npm")
            .current_dir(&dir)
            .args(["ci", "--no-audit", "--no-fund"])
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .status()
            .context("running npm")?;
        if !status.success() {
            bail!("npm ci in tests/e2e failed");
        }
        println!("e2e: npm ci done ({:.1} s)", npm_started.elapsed().as_secs_f64());
    }

    let work = std::env::temp_dir().join(format!("edugov-e2e-{}", std::process::id()));
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    std::fs::create_dir_all(&work)?;
    let artifacts = dir.join("artifacts");
    if artifacts.exists() {
        std::fs::remove_dir_all(&artifacts)?;
    }
    std::fs::create_dir_all(&artifacts)?;

    // Declared before the server, so dropped after it has stopped.
    let pg = match cluster {
        Some(url) => Some(PgDatabase::create(
            url,
            &format!("edugov_e2e_{}", std::process::id()),
        )?),
        None => None,
    };
    let db: std::ffi::OsString = match &pg {
        Some(pg) => pg.url.clone().into(),
        None => work.join("e2e.db").into(),
    };
    let backend = if pg.is_some() { "PostgreSQL" } else { "SQLite" };

    let serve_started = Instant::now();
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()?).parse()?;
    let log = work.join("server.log");
    let mut server = Server::start(&edugov, &db, addr, &log)?;
    if let Err(err) = wait_healthy(addr, &mut server, STARTUP) {
        drop(server);
        print_tail(&log);
        return Err(err);
    }
    println!(
        "e2e: server up at http://{addr}/ on {backend} ({:.1} s, demo city at scale {SCALE})",
        serve_started.elapsed().as_secs_f64()
    );

    let transfer_pupils = prepare_transfer(&edugov, &db, &work)?;

    let tests_started = Instant::now();
    // Written by the JSON reporter that playwright.config.js adds to the list one.
    let results = artifacts.join("results.json");
    let status = Command::new("npx")
        .current_dir(&dir)
        .args(["--no-install", "playwright", "test"])
        .args(&extra)
        .env("EDUGOV_BASE_URL", format!("http://{addr}"))
        .env("CHROMIUM_PATH", &chromium)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .env("EDUGOV_E2E_STUDENTS", &transfer_pupils)
        .env("EDUGOV_E2E_LIXIA", LIXIA_OFFICER.join(":"))
        .status()
        .context("running npx playwright test");
    let tests_time = tests_started.elapsed().as_secs_f64();
    drop(server);
    let status = status?;

    let counts = read_counts(&results);
    if !status.success() {
        print_tail(&log);
    } else {
        let _ = std::fs::remove_dir_all(&work);
    }
    println!(
        "e2e: browser tests {:.1} s, all {:.1} s; screenshots in {}",
        tests_time,
        started.elapsed().as_secs_f64(),
        artifacts.display()
    );
    match counts {
        Some(c) => println!(
            "e2e on {backend}: {} passed, {} failed{}",
            c.passed,
            c.failed,
            if c.skipped > 0 {
                format!(", {} skipped", c.skipped)
            } else {
                String::new()
            }
        ),
        None => println!("e2e: no results file at {}", results.display()),
    }
    if !status.success() {
        bail!("the browser tests failed (server log kept in {})", work.display());
    }
    match counts {
        Some(c) if c.passed > 0 && c.failed == 0 => Ok(()),
        _ => bail!("the browser tests ran no test"),
    }
}

#[derive(Clone, Copy)]
struct Counts {
    passed: u64,
    failed: u64,
    skipped: u64,
}

/// The totals of Playwright's JSON report (`stats`).
fn read_counts(path: &Path) -> Option<Counts> {
    let text = std::fs::read_to_string(path).ok()?;
    let report: serde_json::Value = serde_json::from_str(&text).ok()?;
    let stats = report.get("stats")?;
    let n = |key: &str| stats.get(key).and_then(serde_json::Value::as_u64).unwrap_or(0);
    Some(Counts {
        passed: n("expected") + n("flaky"),
        failed: n("unexpected"),
        skipped: n("skipped"),
    })
}

fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// The running server; killed when dropped, whatever happened.
/// The county officer of 历下区 the transfer test signs in as (the demo
/// accounts have none): username and password.
const LIXIA_OFFICER: [&str; 2] = ["e2e-lixia", "Lixia-e2e-transfer-7Kq"];

/// What the transfer test needs beside the demo accounts, made with the
/// product's own commands on the server's database, as an operator would:
/// 历下区's county officer, and the latest year's students exported in
/// clear (the receiving officer has a pupil's identity number from the
/// family). Returns the export's path.
fn prepare_transfer(edugov: &Path, db: &std::ffi::OsStr, work: &Path) -> anyhow::Result<PathBuf> {
    let mut add = Command::new(edugov)
        .arg("--db")
        .arg(db)
        .args([
            "user",
            "add",
            "--username",
            LIXIA_OFFICER[0],
            "--role",
            "county_officer",
        ])
        .args(["--scope", "370102", "--name", "历下区数据员", "--password-stdin"])
        .stdin(Stdio::piped())
        .spawn()
        .context("edugov user add")?;
    if let Some(mut stdin) = add.stdin.take() {
        writeln!(stdin, "{}", LIXIA_OFFICER[1])?;
    }
    if !add.wait()?.success() {
        bail!("edugov user add failed");
    }
    let students = work.join("students.csv");
    let status = Command::new(edugov)
        .arg("--db")
        .arg(db)
        .args(["export", "students", "--format", "csv", "--unmasked", "--output"])
        .arg(&students)
        .env("EDUGOV_ALLOW_UNMASKED", "1")
        .status()
        .context("edugov export students")?;
    if !status.success() {
        bail!("edugov export students failed");
    }
    Ok(students)
}

struct Server {
    child: Child,
}

impl Server {
    fn start(edugov: &Path, db: &std::ffi::OsStr, addr: SocketAddr, log: &Path) -> anyhow::Result<Server> {
        let out = std::fs::File::create(log)?;
        let err = out.try_clone()?;
        let child = Command::new(edugov)
            .arg("--db")
            .arg(db)
            .args(["serve", "--demo", "--scale", SCALE, "--addr"])
            .arg(addr.to_string())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .with_context(|| format!("starting {}", edugov.display()))?;
        Ok(Server { child })
    }

    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A database made for one run on a PostgreSQL cluster, with the cluster's
/// own client (`psql`, installed with PostgreSQL), dropped when this is
/// dropped: the xtask names no database driver (only the store does).
struct PgDatabase {
    /// The maintenance database's URL, for creating and dropping.
    admin: String,
    name: String,
    /// The new database's URL, for `edugov --db`.
    url: String,
}

impl PgDatabase {
    fn create(cluster: &str, name: &str) -> anyhow::Result<PgDatabase> {
        let db = PgDatabase {
            admin: database_url(cluster, "postgres")?,
            name: name.to_owned(),
            url: database_url(cluster, name)?,
        };
        db.psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
        db.psql(&format!("CREATE DATABASE {name}"))?;
        println!("e2e: database {name} created on {}", redacted(&db.admin));
        Ok(db)
    }

    fn psql(&self, sql: &str) -> anyhow::Result<()> {
        let output = Command::new("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d"])
            .arg(&self.admin)
            .args(["-c", sql])
            .output()
            .context("running psql (the PostgreSQL client)")?;
        if !output.status.success() {
            bail!("psql {sql}: {}", String::from_utf8_lossy(&output.stderr).trim());
        }
        Ok(())
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Err(err) = self.psql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)) {
            eprintln!("e2e: {err}");
        }
    }
}

/// The URL of database `name` on the cluster of `url` (whatever database
/// `url` names), its query (`?sslmode=…`) kept.
fn database_url(url: &str, name: &str) -> anyhow::Result<String> {
    let (without_query, query) = match url.split_once('?') {
        Some((url, query)) => (url, format!("?{query}")),
        None => (url, String::new()),
    };
    let (scheme, rest) = without_query
        .split_once("://")
        .with_context(|| format!("{}: not a URL", redacted(url)))?;
    let authority = rest.split('/').next().unwrap_or_default();
    Ok(format!("{scheme}://{authority}/{name}{query}"))
}

/// A URL as it may be printed: no password.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority = rest.split('/').next().unwrap_or_default();
    match authority.rsplit_once('@') {
        Some((user, _)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:***@{}", &rest[user.len() + 1..])
        }
        _ => url.to_owned(),
    }
}

/// Polls `GET /healthz` until it answers `ok`, the server exits, or `limit` passes.
fn wait_healthy(addr: SocketAddr, server: &mut Server, limit: Duration) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        if healthz(addr).unwrap_or(false) {
            return Ok(());
        }
        if let Some(status) = server.exited() {
            bail!("the server exited before it was ready ({status})");
        }
        if started.elapsed() > limit {
            bail!("the server did not answer /healthz within {} s", limit.as_secs());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn healthz(addr: SocketAddr) -> std::io::Result<bool> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response.starts_with("HTTP/1.1 200") && response.trim_end().ends_with("ok"))
}

fn print_tail(log: &Path) {
    if let Ok(text) = std::fs::read_to_string(log) {
        let lines: Vec<&str> = text.lines().collect();
        eprintln!("--- the server's last lines ({}):", log.display());
        for line in &lines[lines.len().saturating_sub(40)..] {
            eprintln!("{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{database_url, redacted};

    #[test]
    fn a_database_url_names_the_new_database_on_the_same_cluster() {
        assert_eq!(
            database_url("postgres://postgres@127.0.0.1:55432", "edugov_e2e_1").unwrap(),
            "postgres://postgres@127.0.0.1:55432/edugov_e2e_1"
        );
        assert_eq!(
            database_url("postgresql://u:p@db:5432/other?sslmode=disable", "postgres").unwrap(),
            "postgresql://u:p@db:5432/postgres?sslmode=disable"
        );
        assert!(database_url("db.example", "x").is_err());
    }

    #[test]
    fn a_printed_url_never_shows_the_password() {
        assert_eq!(
            redacted("postgres://edugov:s3cret@db:5432/postgres"),
            "postgres://edugov:***@db:5432/postgres"
        );
        assert_eq!(
            redacted("postgres://postgres@127.0.0.1:55432/postgres"),
            "postgres://postgres@127.0.0.1:55432/postgres"
        );
    }
}
