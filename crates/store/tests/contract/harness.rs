//! One database per test on each backend: a SQLite file in a temporary
//! folder, or a PostgreSQL database cloned from a template and dropped by a
//! guard when the test ends, even when it fails.

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Condvar, Mutex, Once, OnceLock};

use store::prelude::*;
use store::DatabaseUrl;

/// Where the PostgreSQL tests find their cluster: a URL without (or with
/// any) database name, e.g. `postgres://postgres@127.0.0.1:55432`.
pub const PG_ENV: &str = "EDUGOV_TEST_PG";

/// Every database this suite creates starts so, followed by the process
/// id: a later run drops those whose process is gone (a run killed before
/// its guards ran, and the template of the run before).
const PREFIX: &str = "contract_";

/// Writes `contract!(fn name(db) { … })` once, runs it on both backends:
/// `name::sqlite` and `name::postgres`, each with a fresh, migrated
/// database (`db: &TestDb`; `db.open()` opens a connection to it).
macro_rules! contract {
    ($(#[$meta:meta])* fn $name:ident($db:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn case($db: &$crate::harness::TestDb) $body

            #[test]
            fn sqlite() {
                $crate::harness::on_sqlite(case)
            }

            #[test]
            fn postgres() {
                $crate::harness::on_postgres(case)
            }
        }
    };
}

/// A test's own database: open as many connections to it as the case needs.
pub struct TestDb {
    url: DatabaseUrl,
}

impl TestDb {
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A new connection (a new store) to this test's database.
    pub fn open(&self) -> Box<dyn Store> {
        store::open(&self.url).unwrap_or_else(|e| panic!("opening {}: {e}", self.url))
    }
}

/// Runs a case on a new SQLite file in a temporary folder.
pub fn on_sqlite(case: fn(&TestDb)) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb {
        url: DatabaseUrl::Sqlite(dir.path().join("edugov.db")),
    };
    case(&db);
}

/// Runs a case on a new PostgreSQL database, or skips it (see [`pg_base`]).
pub fn on_postgres(case: fn(&TestDb)) {
    let Some(base) = pg_base() else {
        return;
    };
    let _turn = Turn::take();
    let database = PgDatabase::create(&base);
    let db = TestDb {
        url: DatabaseUrl::Postgres(database.url.clone()),
    };
    case(&db);
    // `database` is dropped here, or while unwinding from a failed case.
}

/// At most this many PostgreSQL cases at once, whatever `--test-threads`
/// says: a case holds up to four connections (two writers, a reader, the
/// kill test's watcher) plus one briefly to create or drop its database,
/// so 16 cases need at most 80: under a default `max_connections` of 100
/// (less its reserved ones), even with `--test-threads=64`.
const PG_CASES_AT_ONCE: usize = 16;

/// A place among the [`PG_CASES_AT_ONCE`], given back when dropped (also
/// when the case fails).
struct Turn;

static RUNNING: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

impl Turn {
    fn take() -> Turn {
        let (count, freed) = &RUNNING;
        let mut running = count.lock().unwrap_or_else(|e| e.into_inner());
        while *running >= PG_CASES_AT_ONCE {
            running = freed.wait(running).unwrap_or_else(|e| e.into_inner());
        }
        *running += 1;
        Turn
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let (count, freed) = &RUNNING;
        *count.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        freed.notify_one();
    }
}

/// The cluster's URL from [`PG_ENV`]. Unset: `None` after one line on the
/// terminal (written past the test harness's capture, once per run) — but
/// a failure when `CI=true`, so CI never skips the PostgreSQL half.
pub fn pg_base() -> Option<String> {
    match std::env::var(PG_ENV) {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().to_owned()),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but {PG_ENV} is not set: the PostgreSQL contract tests may not be skipped in CI")
        }
        _ => {
            static SAID: Once = Once::new();
            SAID.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "store contract: PostgreSQL tests skipped ({PG_ENV} is not set, e.g. {PG_ENV}=postgres://postgres@127.0.0.1:5432)"
                );
            });
            None
        }
    }
}

/// `base` with its database name replaced by `name` (query kept).
pub fn with_database(base: &str, name: &str) -> String {
    let (scheme, rest) = base.split_once("://").unwrap_or(("postgres", base));
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, format!("?{query}")),
        None => (rest, String::new()),
    };
    let authority = rest.split('/').next().unwrap_or_default();
    format!("{scheme}://{authority}/{name}{query}")
}

fn admin(base: &str) -> postgres::Client {
    postgres::Client::connect(&with_database(base, "postgres"), postgres::NoTls)
        .unwrap_or_else(|e| panic!("connecting to the PostgreSQL cluster of {PG_ENV}: {e}"))
}

/// The template every test database is cloned from: migrated once per run
/// (its 64,000 areas seeded once), so a test's `CREATE DATABASE … TEMPLATE`
/// costs a file copy instead of a migration.
fn template(base: &str) -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        drop_stale(base);
        let name = format!("{PREFIX}tpl_{}", std::process::id());
        admin(base)
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("creating the template database {name}: {e}"));
        let url = DatabaseUrl::Postgres(with_database(base, &name));
        let migrated = store::open(&url).unwrap_or_else(|e| panic!("migrating the template {name}: {e}"));
        drop(migrated);
        name
    })
}

/// Drops the databases of this suite left by processes that are gone
/// (this machine's `/proc` says which are alive).
fn drop_stale(base: &str) {
    if !std::path::Path::new("/proc/self").exists() {
        return;
    }
    let mut client = admin(base);
    let names: Vec<String> = client
        .query(
            "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
            &[&PREFIX],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for name in names {
        let rest = &name[PREFIX.len()..];
        let pid = rest
            .strip_prefix("tpl_")
            .unwrap_or(rest)
            .split('_')
            .next()
            .unwrap_or_default();
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// A test's PostgreSQL database, dropped (with any connection left to it)
/// when the guard is.
pub struct PgDatabase {
    base: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub fn create(base: &str) -> PgDatabase {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let template = template(base);
        let name = format!(
            "{PREFIX}{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        admin(base)
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .unwrap_or_else(|e| panic!("creating the test database {name}: {e}"));
        PgDatabase {
            base: base.to_owned(),
            url: with_database(base, &name),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // FORCE: a connection the failed case left open (or a killed child's)
        // does not keep the database alive.
        let dropped = postgres::Client::connect(&with_database(&self.base, "postgres"), postgres::NoTls)
            .and_then(|mut c| {
                c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            });
        if let Err(e) = dropped {
            let _ = writeln!(
                std::io::stderr(),
                "store contract: could not drop {}: {e}",
                self.name
            );
        }
    }
}

#[test]
fn a_database_url_gets_the_test_database_name() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:55432", "x"),
        "postgres://postgres@127.0.0.1:55432/x"
    );
    assert_eq!(
        with_database("postgresql://u:p@h/old?sslmode=disable", "x"),
        "postgresql://u:p@h/x?sslmode=disable"
    );
}
