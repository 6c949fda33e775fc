//! End-to-end tests of the `edugov` command line: each runs the real binary
//! on a temporary database, as a user would.
//!
//! Modules: `admission` (check, run, explain, compare, runs on the committed
//! O3 sample), `cli` (check-id, template, export, summary), `copy` (copy, compare,
//! backup and restore, on PostgreSQL too with `EDUGOV_TEST_PG`), `demo_plan` (the demo's work
//! plan written through `PlanStore`, on both backends), `indicators`, `forecast` (the school-place forecast), `import` (bad input
//! and crash safety), `users` (the `user` command), `plan_files` (plan, projects, report summary), `serve` (reachable under idle connections). Put new CLI tests in one of them: one test binary keeps
//! link time down.

// Test helpers panic on purpose: a failed setup is a failed test.
#![allow(clippy::unwrap_used)]

mod admission;
mod cli;
mod copy;
mod demo_admission;
mod demo_plan;
mod forecast;
mod import;
mod indicators;
mod plan_files;
mod serve;
mod settings;
mod users;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn edugov(db: &Path, args: &[&str]) -> Run {
    run(command(db, args))
}

pub fn command(db: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_edugov"));
    command
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("EDUGOV_ALLOW_UNMASKED")
        .env_remove("EDUGOV_DB");
    command
}

pub fn run(mut command: Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// A small demo city (scale 0.01), generated once per test run and copied
/// for each test that needs one; plus its files exported unmasked as CSV.
pub struct Fixture {
    pub dir: PathBuf,
    /// Shared by the tests that only read (a read may still write the
    /// snapshot cache, so this file is never copied).
    pub db: PathBuf,
    /// Never opened once the fixture is made: what [`Fixture::copy`] copies,
    /// so no copy catches a file half-written by another test's process.
    base: PathBuf,
}

impl Fixture {
    /// A private copy of the small city for a test that writes.
    pub fn copy(&self, name: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join(format!("{name}.db"));
        std::fs::copy(&self.base, &db).unwrap();
        (dir, db)
    }
}

pub fn small_city() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        // Under target/tmp, replaced on every run, so nothing piles up in /tmp.
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("small-city");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let base = dir.join("base.db");
        let demo = edugov(&base, &["demo", "--scale", "0.01"]);
        assert_eq!(demo.code, 0, "{}", demo.stderr);
        for entity in ["schools", "facilities", "classes", "students", "teachers"] {
            let out = dir.join(format!("{entity}.csv"));
            let mut export = command(
                &base,
                &[
                    "export",
                    entity,
                    "--format",
                    "csv",
                    "--unmasked",
                    "--output",
                    out.to_str().unwrap(),
                ],
            );
            export.env("EDUGOV_ALLOW_UNMASKED", "1");
            let export = run(export);
            assert_eq!(export.code, 0, "{}", export.stderr);
        }
        // Every process on `base` has ended (its WAL checkpointed and gone):
        // a plain copy is the whole database.
        let db = dir.join("demo.db");
        std::fs::copy(&base, &db).unwrap();
        Fixture { dir, db, base }
    })
}

/// A fresh empty database in its own directory.
pub fn empty_db(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(format!("{name}.db"));
    (dir, db)
}

/// The whole registry of a database as text (summary and every student,
/// masked), for before/after comparisons.
pub fn snapshot(db: &Path) -> String {
    let summary = edugov(db, &["summary"]);
    let export = db.with_extension("snapshot.csv");
    let students = edugov(
        db,
        &[
            "export",
            "students",
            "--format",
            "csv",
            "--output",
            export.to_str().unwrap(),
        ],
    );
    let rows = std::fs::read_to_string(&export).unwrap_or_default();
    let _ = std::fs::remove_file(&export);
    format!(
        "{}\n{}\n{}{}",
        summary.stdout, summary.stderr, students.code, rows
    )
}

/// A PostgreSQL database of its own for one test, dropped when the value
/// is; `None` (after one printed line) when `EDUGOV_TEST_PG` is not set —
/// except under CI (`CI=true`), where PostgreSQL must be there.
pub struct PgDb {
    server: String,
    pub name: String,
    pub url: String,
}

pub fn pg_database(name: &str) -> Option<PgDb> {
    let Some(server) = std::env::var("EDUGOV_TEST_PG").ok().filter(|s| !s.is_empty()) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but EDUGOV_TEST_PG is not set: the PostgreSQL half of the tests must run in CI"
        );
        eprintln!(
            "skipped the PostgreSQL part of {name}: set EDUGOV_TEST_PG=postgres://user@host:port to run it"
        );
        return None;
    };
    let server = server.trim_end_matches('/').to_owned();
    let name = format!("cli_{name}_{}", std::process::id());
    let db = PgDb {
        url: format!("{server}/{name}"),
        server,
        name,
    };
    db.admin(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", db.name))
        .unwrap();
    db.admin(&format!("CREATE DATABASE {}", db.name)).unwrap();
    Some(db)
}

impl PgDb {
    /// One statement on the server's `postgres` database (CREATE and DROP
    /// DATABASE run outside a transaction, so one at a time).
    fn admin(&self, sql: &str) -> Result<(), postgres::Error> {
        let mut client = postgres::Client::connect(&format!("{}/postgres", self.server), postgres::NoTls)?;
        client.batch_execute(sql)
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        // Never a panic in a drop (it may run while a test fails).
        if let Err(e) = self.admin(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)) {
            eprintln!("could not drop the test database {}: {e}", self.name);
        }
    }
}
