//! The database the web tests run on: SQLite files by default, PostgreSQL
//! databases with `EDUGOV_TEST_BACKEND=postgres` and the cluster's URL in
//! `EDUGOV_TEST_PG` (e.g. `postgres://postgres@127.0.0.1:55432`, a role
//! allowed to create databases).
//!
//! On PostgreSQL the demo city is written once per run into a base
//! database, and every server gets its own copy of it by
//! `CREATE DATABASE … TEMPLATE` (a file copy on the server, a fraction of a
//! second), dropped with the server. Databases are named
//! `edugov_webit_<pid>_<n>`; each carries a comment saying which host and
//! process made it and when, so a run removes what a killed earlier run of
//! this machine left behind (and anything older than a day), never a
//! database of a run still going.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

/// Which backend this run's servers use.
pub enum Backend {
    Sqlite,
    Postgres(Cluster),
}

/// The backend chosen by the environment. `EDUGOV_TEST_BACKEND=postgres`
/// without `EDUGOV_TEST_PG` fails every test that needs a database: a run
/// asked to test PostgreSQL must never pass on SQLite.
pub fn backend() -> &'static Backend {
    static BACKEND: OnceLock<Backend> = OnceLock::new();
    BACKEND.get_or_init(|| match std::env::var("EDUGOV_TEST_BACKEND").as_deref() {
        Ok("postgres") => match Cluster::from_env() {
            Some(cluster) => {
                cluster.remove_stale();
                Backend::Postgres(cluster)
            }
            None => panic!("EDUGOV_TEST_BACKEND=postgres needs EDUGOV_TEST_PG (e.g. postgres://postgres@127.0.0.1:55432)"),
        },
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("EDUGOV_TEST_BACKEND={other}: expected sqlite or postgres"),
    })
}

/// A PostgreSQL server the tests may create databases on.
pub struct Cluster {
    /// `postgres://user@host:port`, without a database.
    root: String,
    /// The URL's query (`?sslmode=…`), kept for every database.
    query: String,
}

const PREFIX: &str = "edugov_webit_";
/// A database of an earlier run older than this is removed whoever made it.
const STALE_AFTER: Duration = Duration::from_secs(24 * 3600);

impl Cluster {
    fn from_env() -> Option<Cluster> {
        let url = std::env::var("EDUGOV_TEST_PG")
            .ok()
            .filter(|u| !u.trim().is_empty())?;
        let url = url.trim();
        let (without_query, query) = match url.split_once('?') {
            Some((u, q)) => (u, format!("?{q}")),
            None => (url, String::new()),
        };
        let (scheme, rest) = without_query
            .split_once("://")
            .unwrap_or_else(|| panic!("EDUGOV_TEST_PG is not a postgres:// URL"));
        let authority = rest.split('/').next().unwrap_or_default();
        Some(Cluster {
            root: format!("{scheme}://{authority}"),
            query,
        })
    }

    /// The URL of database `name` on this cluster.
    pub fn url(&self, name: &str) -> String {
        format!("{}/{name}{}", self.root, self.query)
    }

    /// A connection to the maintenance database, for creating and dropping.
    fn admin(&self) -> postgres::Client {
        postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to EDUGOV_TEST_PG: {e}"))
    }

    /// A new, empty database (or a copy of `template`) owned by the caller.
    pub fn create(&'static self, template: Option<&str>) -> TestDb {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "{PREFIX}{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let mut admin = self.admin();
        let sql = match template {
            Some(template) => format!("CREATE DATABASE {name} TEMPLATE {template}"),
            None => format!("CREATE DATABASE {name}"),
        };
        // The template's last connection (the fixture's store, just
        // dropped) may take a moment to end: PostgreSQL copies no database
        // someone is connected to.
        let mut tries = 0;
        loop {
            match admin.batch_execute(&sql) {
                Ok(()) => break,
                Err(e) if tries < 100 && e.to_string().contains("being accessed by other users") => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("{sql}: {e}"),
            }
        }
        let made = format!(
            "edugov web tests host={} pid={} at={}",
            hostname(),
            std::process::id(),
            chrono::Utc::now().timestamp()
        );
        admin
            .batch_execute(&format!("COMMENT ON DATABASE {name} IS '{made}'"))
            .unwrap();
        TestDb::Postgres { cluster: self, name }
    }

    /// Drops the test databases a killed run of this machine left behind,
    /// and any older than [`STALE_AFTER`].
    fn remove_stale(&self) {
        let mut admin = self.admin();
        let rows = admin
            .query(
                "SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database
                 WHERE datname LIKE 'edugov\\_webit\\_%'",
                &[],
            )
            .unwrap();
        let now = chrono::Utc::now().timestamp();
        for row in rows {
            let (name, comment): (String, String) = (row.get(0), row.get(1));
            let field = |key: &str| {
                comment
                    .split_whitespace()
                    .find_map(|part| part.strip_prefix(key))
                    .map(str::to_owned)
            };
            let at: i64 = field("at=").and_then(|a| a.parse().ok()).unwrap_or(now);
            let pid: Option<u32> = field("pid=").and_then(|p| p.parse().ok());
            let ours = field("host=").as_deref() == Some(hostname().as_str());
            let dead = pid.is_some_and(|pid| pid != std::process::id() && !process_alive(pid));
            let old = now - at > STALE_AFTER.as_secs() as i64;
            if (ours && dead) || old {
                // Without FORCE: a database someone still uses stays.
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"));
            }
        }
    }

    fn drop_db(&self, name: &str) {
        // FORCE: the server's pool may still hold connections.
        if let Err(e) = self
            .admin()
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        {
            eprintln!("could not drop test database {name}: {e}");
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned())
}

fn process_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// One database a test (or the fixture) owns: a SQLite file, or a
/// PostgreSQL database dropped when this is dropped.
pub enum TestDb {
    Sqlite(PathBuf),
    Postgres { cluster: &'static Cluster, name: String },
}

impl TestDb {
    pub fn url(&self) -> store::DatabaseUrl {
        match self {
            TestDb::Sqlite(path) => store::DatabaseUrl::Sqlite(path.clone()),
            TestDb::Postgres { cluster, name } => store::DatabaseUrl::Postgres(cluster.url(name)),
        }
    }

    pub fn open(&self) -> Box<dyn store::Store> {
        store::open(&self.url()).unwrap()
    }

    /// A new database holding what this one holds.
    pub fn copy(&self, path_if_file: PathBuf) -> TestDb {
        match self {
            TestDb::Sqlite(path) => {
                std::fs::copy(path, &path_if_file).unwrap();
                TestDb::Sqlite(path_if_file)
            }
            TestDb::Postgres { cluster, name } => cluster.create(Some(name)),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // SQLite copies stay under target/tmp until the next run, to be
        // looked at after a failure.
        if let TestDb::Postgres { cluster, name } = self {
            cluster.drop_db(name);
        }
    }
}
