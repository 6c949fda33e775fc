//! The SQLite implementation of the store's traits: the embedded default.
//!
//! One file, WAL journal so readers never wait for a long import, and every
//! write in a single transaction so a crash (even `kill -9`) leaves the
//! database as it was before the write began.
//!
//! Concurrency: every connection sets a busy timeout ([`BUSY_TIMEOUT`]);
//! every multi-statement write transaction begins IMMEDIATE
//! (`write::begin_write`), so a second writer waits for the first instead
//! of failing with SQLITE_BUSY_SNAPSHOT; single-statement writes (sessions,
//! audit lines, the snapshot cache) take the write lock as they start and
//! are retried by the busy timeout.

mod accounts;
mod admission;
mod forecast;
mod plans;
mod read;
mod snapshot;
mod transfer;
mod write;

use std::path::Path;

use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

use crate::{Backend, Maintenance, Result, StoreError};

/// Driver errors become the store's own: a busy or locked database is
/// [`StoreError::Busy`], anything else keeps only its message.
impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> StoreError {
        match &error {
            rusqlite::Error::SqliteFailure(e, _)
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) =>
            {
                StoreError::Busy(error.to_string())
            }
            _ => StoreError::Backend(error.to_string()),
        }
    }
}

impl From<rusqlite::types::FromSqlError> for StoreError {
    fn from(error: rusqlite::types::FromSqlError) -> StoreError {
        StoreError::Corrupt(error.to_string())
    }
}

/// Versioned migrations, applied in order and recorded in `schema_migrations`.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_registry.sql")),
    (2, include_str!("../../migrations/sqlite/0002_snapshot_cache.sql")),
    (3, include_str!("../../migrations/sqlite/0003_accounts.sql")),
    (4, include_str!("../../migrations/sqlite/0004_school_pages.sql")),
    (5, include_str!("../../migrations/sqlite/0005_login_throttle.sql")),
    (
        6,
        include_str!("../../migrations/sqlite/0006_audit_action_codes.sql"),
    ),
    (7, include_str!("../../migrations/sqlite/0007_transfers.sql")),
    (8, include_str!("../../migrations/sqlite/0008_demo_marker.sql")),
    (9, include_str!("../../migrations/sqlite/0009_plans.sql")),
    (10, include_str!("../../migrations/sqlite/0010_forecast_runs.sql")),
    (
        11,
        include_str!("../../migrations/sqlite/0011_enrolment_forecast_index.sql"),
    ),
    (12, include_str!("../../migrations/sqlite/0012_admission.sql")),
];

/// How long a statement waits for another connection's lock (every
/// connection sets it when opened). A write transaction waits longer for its
/// turn (`write::begin_write`).
pub(crate) const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// One connection to the database file. `Send` (not `Sync`): share it
/// behind a mutex, or open one per thread or request (WAL lets them read
/// while another writes).
pub struct SqliteStore {
    conn: Connection,
}

// The web server moves stores between threads.
const _: fn() = || {
    fn assert_send<T: Send>() {}
    assert_send::<SqliteStore>();
};

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up
    /// to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let conn = Connection::open(path)?;
        // Before anything that may lock: switching to WAL waits for other
        // connections like any statement.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL lets the web server read while an import writes; NORMAL sync is
        // durable at every checkpoint and atomic at every commit in WAL mode.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Self::prepare(conn)
    }

    /// A private in-memory database (tests).
    pub fn open_in_memory() -> Result<SqliteStore> {
        Self::prepare(Connection::open_in_memory()?)
    }

    fn prepare(conn: Connection) -> Result<SqliteStore> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Lets SQLite's sorter use the second core when it builds an index.
        conn.pragma_update(None, "threads", 2)?;
        // 256 MiB page cache: a city's registry fits, so bulk upserts don't thrash.
        conn.pragma_update(None, "cache_size", -262_144)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // A search matches names as the reader sees them (`张*明`), so that
        // its hits cannot reveal the masked characters; one masking rule,
        // `registry::mask::name`, for pages and searches alike.
        conn.create_scalar_function(
            "mask_name",
            1,
            FunctionFlags::SQLITE_UTF8
                | FunctionFlags::SQLITE_DETERMINISTIC
                | FunctionFlags::SQLITE_INNOCUOUS,
            |ctx| Ok(registry::mask::name(ctx.get_raw(0).as_str().unwrap_or_default())),
        )?;
        let mut store = SqliteStore { conn };
        store.migrate()?;
        Ok(store)
    }

    fn current_version(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?)
    }

    fn migrate(&mut self) -> Result<()> {
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 applied_at TEXT NOT NULL DEFAULT (datetime('now'))
             )",
        )?;
        let current = self.current_version()?;
        let supported = MIGRATIONS.last().map(|(v, _)| *v).unwrap_or(0);
        if current > supported {
            return Err(StoreError::TooNew {
                found: current,
                supported,
            });
        }
        // Every migration not yet recorded, in order — not only those above the
        // highest: two branches may add migrations in either order.
        let applied: Vec<i64> = {
            let mut stmt = self.conn.prepare("SELECT version FROM schema_migrations")?;
            let versions = stmt
                .query_map([], |r| r.get(0))?
                .collect::<std::result::Result<_, _>>()?;
            versions
        };
        let pending: Vec<&(i64, &str)> = MIGRATIONS.iter().filter(|(v, _)| !applied.contains(v)).collect();
        write::in_write_turn(&mut self.conn, |conn| {
            for (version, sql) in pending {
                // IMMEDIATE, and checked again under the lock: connections
                // opened together (the web's pool, a CLI beside it) would
                // otherwise both run the same migration.
                let tx = write::begin_write(conn)?;
                let done: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
                    [version],
                    |r| r.get(0),
                )?;
                if done {
                    continue;
                }
                tx.execute_batch(sql)?;
                if *version == 1 {
                    seed_areas(&tx)?;
                }
                tx.execute("INSERT INTO schema_migrations (version) VALUES (?1)", [version])?;
                tx.commit()?;
            }
            Ok(())
        })
    }
}

/// Areas are reference data shipped in the binary (`registry::divisions`).
fn seed_areas(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    let mut insert =
        tx.prepare("INSERT INTO area (code, name, level, parent_code, kind) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for area in registry::divisions::all() {
        let parent = area.code.parent().map(|p| p.as_str().to_owned());
        let kind = match area.kind {
            registry::AreaKind::Regular => "regular",
            registry::AreaKind::Zone => "zone",
        };
        insert.execute(rusqlite::params![
            area.code.as_str(),
            area.name,
            area.level().as_str(),
            parent,
            kind
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod accounts_tests;

impl Maintenance for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn schema_version(&self) -> Result<i64> {
        self.current_version()
    }

    fn row_counts(&self) -> Result<Vec<(String, u64)>> {
        crate::COPIED_TABLES
            .iter()
            .map(|table| {
                let n: i64 = self
                    .conn
                    .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
                Ok(((*table).to_owned(), n as u64))
            })
            .collect()
    }

    fn backup(&mut self, to: &Path) -> Result<()> {
        // SQLite's online backup: a consistent copy page by page while other
        // connections go on reading and writing (WAL). The copy is written
        // beside its destination and renamed, so a failed backup never
        // leaves a half-written file under the requested name.
        let partial = to.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        let mut dest = Connection::open(&partial)?;
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut dest)?;
            backup.run_to_completion(1024, std::time::Duration::from_millis(0), None)?;
        }
        dest.pragma_update(None, "journal_mode", "DELETE")?;
        drop(dest);
        std::fs::rename(&partial, to).map_err(|e| StoreError::Backup(format!("{}：{e}", to.display())))
    }
}
