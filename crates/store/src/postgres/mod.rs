//! The PostgreSQL implementation of the store's traits: the multi-user and
//! province backend.
//!
//! Why the `postgres` crate: the store's traits are synchronous (the
//! engines are pure and the command line has no runtime), and the
//! `postgres` crate is the synchronous face of `tokio-postgres`, the most
//! used PostgreSQL client in Rust, with `COPY … FROM STDIN` as a writer
//! (bulk imports) and binary parameters for every type we store. sqlx's
//! checked queries need a live database at build time, and diesel's query
//! builder would give us a second SQL dialect to keep in step with SQLite's
//! hand-written one.
//!
//! The `postgres` client runs its own small tokio runtime inside each call,
//! so it must never be called from a thread that is driving a tokio runtime
//! (it panics: "Cannot start a runtime from within a runtime"). The web
//! reaches every store only through `spawn_blocking` (`web::state`), and a
//! test of the web on PostgreSQL calls it from inside a runtime.
//!
//! One `PgStore` is one connection; the web keeps a pool of them
//! (`deadpool`, sized by the settings' `pool_size`). Every write is one
//! transaction; bulk writes go through `COPY` inside it.

mod accounts;
mod admission;
mod forecast;
mod plans;
mod read;
mod snapshot;
#[cfg(test)]
mod tests;
mod tls;
#[cfg(test)]
mod tls_tests;
mod transfer;
mod write;
#[cfg(test)]
mod write_tests;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use postgres::{Client, Statement};

use crate::{Backend, Maintenance, Result, StoreError};

/// Versioned migrations, applied in order and recorded in `schema_migrations`.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/postgres/0001_schema.sql")),
    (2, include_str!("../../migrations/postgres/0002_plans.sql")),
    (
        3,
        include_str!("../../migrations/postgres/0003_forecast_runs.sql"),
    ),
    (4, include_str!("../../migrations/postgres/0004_admission.sql")),
];

/// Serialises migrations between processes that open one database at once
/// (two servers behind a load balancer): `pg_advisory_xact_lock` on this key.
const MIGRATION_LOCK: i64 = 0x6564_7567_6f76; // "edugov"

/// One connection to a PostgreSQL database. `Send` (not `Sync`): the web
/// keeps a pool of them and lends one to a blocking thread per request.
pub struct PgStore {
    /// The client's methods take `&mut self`; the traits' reads take
    /// `&self`. A store is used by one thread at a time, so a `RefCell`
    /// never finds it borrowed.
    conn: RefCell<Client>,
    /// The URL it was opened with (for `pg_dump`), password included.
    url: String,
    /// Statements prepared on this connection, by their SQL (the `postgres`
    /// crate has no statement cache): a hot read is then one round trip,
    /// not a parse and a round trip more. See [`PgStore::prepared`].
    statements: RefCell<HashMap<String, Statement>>,
}

const _: fn() = || {
    fn assert_send<T: Send>() {}
    assert_send::<PgStore>();
};

/// Driver errors become the store's own: a lock or serialization failure is
/// [`StoreError::Busy`], anything else keeps only its message.
impl From<postgres::Error> for StoreError {
    fn from(error: postgres::Error) -> StoreError {
        use postgres::error::SqlState;
        let busy = error.code().is_some_and(|code| {
            [
                SqlState::LOCK_NOT_AVAILABLE,
                SqlState::T_R_SERIALIZATION_FAILURE,
                SqlState::T_R_DEADLOCK_DETECTED,
                SqlState::TOO_MANY_CONNECTIONS,
                SqlState::QUERY_CANCELED,
            ]
            .contains(code)
        });
        let message = match error.as_db_error() {
            Some(db) => db.message().to_owned(),
            None => error.to_string(),
        };
        if busy {
            StoreError::Busy(message)
        } else {
            StoreError::Backend(message)
        }
    }
}

/// A PostgreSQL URL as it may be shown: the password replaced by `***`.
pub(crate) fn redacted(url: &str) -> String {
    // postgres://user:password@host/… — the password is between the first
    // ':' after the scheme and the last '@' before the path.
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

impl PgStore {
    /// Connects (with the TLS the URL's `sslmode` asks for, see [`tls`]) and
    /// brings the schema up to date.
    pub fn open(url: &str) -> Result<PgStore> {
        let client = tls::connect(url)?;
        let store = PgStore {
            conn: RefCell::new(client),
            url: url.to_owned(),
            statements: RefCell::default(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// `sql` prepared once per connection and kept. Only for statements
    /// built from constant text (never from user input), so the cache stays
    /// small.
    pub(super) fn prepared(&self, conn: &mut Client, sql: &str) -> Result<Statement> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let statement = conn.prepare(sql)?;
        self.statements
            .borrow_mut()
            .insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    fn current_version(&self) -> Result<i64> {
        let row = self.conn.borrow_mut().query_one(
            "SELECT coalesce(max(version), 0)::bigint FROM schema_migrations",
            &[],
        )?;
        Ok(row.get(0))
    }

    fn migrate(&self) -> Result<()> {
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        // Two processes opening a new database at once: the second waits
        // here, then finds the migrations recorded.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        // Asked first, not `CREATE TABLE IF NOT EXISTS`: PostgreSQL checks
        // the right to create in the schema even when the table exists, and
        // the servers run as a role with DML rights only (docs/deploy.md).
        let created: bool = tx
            .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])?
            .get(0);
        if !created {
            tx.batch_execute(
                "CREATE TABLE schema_migrations (
                     version    bigint PRIMARY KEY,
                     applied_at timestamptz NOT NULL DEFAULT now()
                 )",
            )?;
        }
        let applied: Vec<i64> = tx
            .query("SELECT version FROM schema_migrations", &[])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let supported = MIGRATIONS.last().map(|(v, _)| *v).unwrap_or(0);
        if let Some(found) = applied.iter().copied().max().filter(|v| *v > supported) {
            return Err(StoreError::TooNew { found, supported });
        }
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| !applied.contains(v)) {
            tx.batch_execute(sql)?;
            if *version == 1 {
                seed_areas(&mut tx)?;
            }
            tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[version])?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// Areas are reference data shipped in the binary (`registry::divisions`):
/// about 64,000 rows, sent in one binary `COPY` instead of an INSERT each
/// (one round trip each made opening a new database take seconds).
fn seed_areas(tx: &mut postgres::Transaction<'_>) -> Result<()> {
    use postgres::types::Type;
    let sink = tx.copy_in("COPY area (code, name, level, parent_code, kind) FROM STDIN (FORMAT binary)")?;
    let mut writer = postgres::binary_copy::BinaryCopyInWriter::new(
        sink,
        &[Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT],
    );
    for area in registry::divisions::all() {
        let parent = area.code.parent().map(|p| p.as_str().to_owned());
        let kind = match area.kind {
            registry::AreaKind::Regular => "regular",
            registry::AreaKind::Zone => "zone",
        };
        writer.write(&[
            &area.code.as_str(),
            &area.name,
            &area.level().as_str(),
            &parent,
            &kind,
        ])?;
    }
    writer.finish()?;
    Ok(())
}

impl Maintenance for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn schema_version(&self) -> Result<i64> {
        self.current_version()
    }

    fn row_counts(&self) -> Result<Vec<(String, u64)>> {
        let mut conn = self.conn.borrow_mut();
        crate::COPIED_TABLES
            .iter()
            .map(|table| {
                let n: i64 = conn
                    .query_one(&format!("SELECT count(*) FROM {table}"), &[])?
                    .get(0);
                Ok(((*table).to_owned(), n as u64))
            })
            .collect()
    }

    fn backup(&mut self, to: &Path) -> Result<()> {
        // pg_dump takes a consistent snapshot while others read and write;
        // the custom format is restored by pg_restore (docs/deploy.md). The
        // URL is passed as the database name, the password through the
        // environment, so it never shows in the process list.
        let partial = to.with_extension("partial");
        let (url, password) = split_password(&self.url);
        let mut command = std::process::Command::new("pg_dump");
        command
            .arg("--format=custom")
            .arg("--no-owner")
            .arg("--file")
            .arg(&partial)
            .arg("--dbname")
            .arg(&url);
        if let Some(password) = password {
            command.env("PGPASSWORD", password);
        }
        let output = command.output().map_err(|e| {
            StoreError::Backup(format!("无法运行 pg_dump（需要 PostgreSQL 客户端程序）：{e}"))
        })?;
        if !output.status.success() {
            let _ = std::fs::remove_file(&partial);
            return Err(StoreError::Backup(format!(
                "pg_dump 失败：{}",
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        std::fs::rename(&partial, to).map_err(|e| StoreError::Backup(format!("{}：{e}", to.display())))
    }
}

/// The URL without its password, and the password decoded (for `PGPASSWORD`).
fn split_password(url: &str) -> (String, Option<String>) {
    let redacted = redacted(url);
    if redacted == url {
        return (url.to_owned(), None);
    }
    let Some((_, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let userinfo = authority.rsplit_once('@').map(|(u, _)| u).unwrap_or_default();
    // In a URL the password is percent-encoded (`p%40ss` for `p@ss`);
    // PGPASSWORD takes it as typed.
    let password = userinfo.split_once(':').map(|(_, p)| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    (redacted.replacen(":***@", "@", 1), password)
}

#[cfg(test)]
mod url_tests {
    #[test]
    fn a_url_is_shown_without_its_password() {
        assert_eq!(
            super::redacted("postgres://edugov:s3cret@db.example:5432/edugov"),
            "postgres://edugov:***@db.example:5432/edugov"
        );
        assert_eq!(
            super::redacted("postgres://edugov@localhost/edugov"),
            "postgres://edugov@localhost/edugov"
        );
        assert_eq!(
            super::split_password("postgresql://a:p%40ss@h/d"),
            ("postgresql://a@h/d".to_owned(), Some("p@ss".to_owned()))
        );
    }
}
