//! [`AccountStore`] for SQLite: the tables of migration 0003 (failed logins
//! keyed by client too since 0005) and reads of `audit_log`.

use access::{Role, Scope};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Row};

use super::SqliteStore;
use crate::accounts::{
    stored_scope, AccountStore, AuditEntry, AuditPage, AuditQuery, FailureCount, LoginFailures, NewSession,
    NewUserRecord, SessionRecord, TokenHash, UserRecord,
};
use crate::AuditAction;
use crate::{Result, StoreError};

/// A signed-in user's session, read on every request. The token's hash is
/// bound through CAST so the statement is planned once (see
/// [`super::read`]'s note on hot-path parameters).
pub(super) fn session_sql() -> String {
    format!(
        "SELECT {USER_COLUMNS}, s.csrf_token, s.created_at, s.expires_at, s.last_seen
         FROM session s JOIN app_user u ON u.id = s.user_id
         WHERE s.token_hash = CAST(?1 AS BLOB) AND s.expires_at > ?2 AND u.active = 1"
    )
}

/// Fixed width, so text order is time order (transfer requests use it too).
pub(super) fn time_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(super) fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("时间“{text}”无法识别")))
}

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.scope_kind, u.scope_area, \
     u.scope_school, u.password_hash, u.active, u.created_at, u.updated_at";

/// Reads [`USER_COLUMNS`] starting at column `at`.
fn user_from_row(r: &Row<'_>, at: usize) -> Result<UserRecord> {
    let role: String = r.get(at + 3)?;
    let role = Role::parse(&role).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let kind: String = r.get(at + 4)?;
    let area: String = r.get(at + 5)?;
    let school: Option<String> = r.get(at + 6)?;
    let scope = stored_scope(&kind, &area, school.as_deref())?;
    Ok(UserRecord {
        id: r.get(at)?,
        username: r.get(at + 1)?,
        display_name: r.get(at + 2)?,
        role,
        scope,
        password_hash: r.get(at + 7)?,
        active: r.get(at + 8)?,
        created_at: parse_time(r.get_ref(at + 9)?.as_str()?)?,
        updated_at: parse_time(r.get_ref(at + 10)?.as_str()?)?,
    })
}

/// (kind, area, school) columns of a scope.
fn scope_columns(scope: &Scope) -> (&'static str, &str, Option<&str>) {
    match scope {
        Scope::City { city } => ("city", city.as_str(), None),
        Scope::County { county } => ("county", county.as_str(), None),
        Scope::School { school, county } => ("school", county.as_str(), Some(school.as_str())),
    }
}

impl SqliteStore {
    /// One `INSERT` into `app_user`: a new user (`create_user`) or a copied one (`restore_user`).
    fn insert_user(
        &mut self,
        user: &NewUserRecord<'_>,
        active: bool,
        updated_at: DateTime<Utc>,
    ) -> Result<i64> {
        let (kind, area, school) = scope_columns(user.scope);
        let inserted = self.conn.execute(
            "INSERT INTO app_user (username, display_name, role, scope_kind, scope_area, scope_school,
                                   password_hash, active, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                user.username,
                user.display_name,
                user.role.code(),
                kind,
                area,
                school,
                user.password_hash,
                active,
                time_text(user.at),
                time_text(updated_at)
            ],
        );
        match inserted {
            Ok(_) => Ok(self.conn.last_insert_rowid()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
            {
                Err(StoreError::Duplicate(format!("用户名“{}”", user.username)))
            }
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
            {
                Err(StoreError::UnknownReference(format!("地区 {area}")))
            }
            Err(e) => Err(e.into()),
        }
    }
}

impl AccountStore for SqliteStore {
    fn audit(&mut self, actor: &str, action: AuditAction, detail: &str) -> Result<()> {
        // One statement: SQLite takes the write lock as it starts (and the
        // busy timeout waits for it), so it cannot fail as a transaction
        // that read first would (SQLITE_BUSY_SNAPSHOT).
        super::write::insert_audit(
            &self.conn,
            &crate::AuditLine {
                actor,
                action,
                detail,
            },
        )
    }

    fn create_user(&mut self, user: &NewUserRecord<'_>) -> Result<i64> {
        self.insert_user(user, true, user.at)
    }

    fn restore_user(&mut self, user: &UserRecord) -> Result<i64> {
        // One statement: the user exists whole, with its times, or not at all.
        self.insert_user(&user.as_created(), user.active, user.updated_at)
    }

    fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM app_user u WHERE u.username = ?1");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([username])?;
        match rows.next()? {
            Some(r) => Ok(Some(user_from_row(r, 0)?)),
            None => Ok(None),
        }
    }

    fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM app_user u WHERE u.id = ?1");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([id])?;
        match rows.next()? {
            Some(r) => Ok(Some(user_from_row(r, 0)?)),
            None => Ok(None),
        }
    }

    fn users(&self) -> Result<Vec<UserRecord>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM app_user u ORDER BY u.username");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(user_from_row(r, 0)?);
        }
        Ok(out)
    }

    fn set_password_hash(&mut self, user_id: i64, password_hash: &str, at: DateTime<Utc>) -> Result<bool> {
        let changed = self.conn.execute(
            "UPDATE app_user SET password_hash = ?2, updated_at = ?3 WHERE id = ?1",
            params![user_id, password_hash, time_text(at)],
        )?;
        Ok(changed > 0)
    }

    fn set_active(&mut self, user_id: i64, active: bool, at: DateTime<Utc>) -> Result<bool> {
        // One statement, so the count and the change cannot interleave with
        // another connection's: the last active city administrator stays.
        let changed = self.conn.execute(
            "UPDATE app_user SET active = ?2, updated_at = ?3
             WHERE id = ?1
               AND (?2 = 1 OR role <> 'city_admin'
                    OR (SELECT count(*) FROM app_user
                        WHERE role = 'city_admin' AND active = 1 AND id <> ?1) > 0)",
            params![user_id, active, time_text(at)],
        )?;
        Ok(changed > 0)
    }

    fn create_session(&mut self, session: &NewSession<'_>) -> Result<()> {
        let created = time_text(session.created_at);
        self.conn.execute(
            "INSERT INTO session (token_hash, user_id, csrf_token, created_at, expires_at, last_seen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
            params![
                &session.token_hash[..],
                session.user_id,
                session.csrf_token,
                created,
                time_text(session.expires_at)
            ],
        )?;
        Ok(())
    }

    fn session(&self, token_hash: &TokenHash, now: DateTime<Utc>) -> Result<Option<SessionRecord>> {
        let mut stmt = self.conn.prepare_cached(&session_sql())?;
        let mut rows = stmt.query(params![&token_hash[..], time_text(now)])?;
        let Some(r) = rows.next()? else {
            return Ok(None);
        };
        Ok(Some(SessionRecord {
            user: user_from_row(r, 0)?,
            csrf_token: r.get(11)?,
            created_at: parse_time(r.get_ref(12)?.as_str()?)?,
            expires_at: parse_time(r.get_ref(13)?.as_str()?)?,
            last_seen: parse_time(r.get_ref(14)?.as_str()?)?,
        }))
    }

    /// Skipped, not waited for, while another connection writes (an import
    /// commits for seconds): `last_seen` is only kept to the minute, and a
    /// page must not wait for an import (issue 10, point 4).
    fn touch_session(&mut self, token_hash: &TokenHash, now: DateTime<Utc>) -> Result<()> {
        self.conn.busy_timeout(std::time::Duration::ZERO)?;
        let touched = self
            .conn
            .prepare_cached("UPDATE session SET last_seen = ?2 WHERE token_hash = ?1")
            .and_then(|mut stmt| stmt.execute(params![&token_hash[..], time_text(now)]));
        self.conn.busy_timeout(super::BUSY_TIMEOUT)?;
        match touched {
            Ok(_) => Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::DatabaseBusy => {
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    fn delete_session(&mut self, token_hash: &TokenHash) -> Result<bool> {
        let deleted = self
            .conn
            .execute("DELETE FROM session WHERE token_hash = ?1", [&token_hash[..]])?;
        Ok(deleted > 0)
    }

    fn delete_user_sessions(&mut self, user_id: i64) -> Result<u64> {
        let deleted = self
            .conn
            .execute("DELETE FROM session WHERE user_id = ?1", [user_id])?;
        Ok(deleted as u64)
    }

    fn delete_expired_sessions(
        &mut self,
        now: DateTime<Utc>,
        idle_since: Option<DateTime<Utc>>,
    ) -> Result<u64> {
        let deleted = self.conn.execute(
            "DELETE FROM session WHERE expires_at <= ?1 OR (?2 IS NOT NULL AND last_seen < ?2)",
            params![time_text(now), idle_since.map(time_text)],
        )?;
        Ok(deleted as u64)
    }

    fn record_login_failure(&mut self, username: &str, client: &str, at: DateTime<Utc>) -> Result<()> {
        self.conn
            .prepare_cached("INSERT INTO login_failure (username, client, at) VALUES (?1, ?2, ?3)")?
            .execute(params![username, client, time_text(at)])?;
        Ok(())
    }

    fn login_failures(&self, username: &str, client: &str, since: DateTime<Utc>) -> Result<LoginFailures> {
        let since = time_text(since);
        let count = |sql: &str, params: &[&dyn rusqlite::ToSql]| -> Result<FailureCount> {
            let mut stmt = self.conn.prepare_cached(sql)?;
            let (count, last): (i64, Option<String>) =
                stmt.query_row(params, |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(FailureCount {
                count: u32::try_from(count).unwrap_or(u32::MAX),
                last: last.as_deref().map(parse_time).transpose()?,
            })
        };
        Ok(LoginFailures {
            pair: count(
                "SELECT count(*), max(at) FROM login_failure WHERE username = ?1 AND client = ?2 AND at >= ?3",
                &[&username, &client, &since],
            )?,
            client: count(
                "SELECT count(*), max(at) FROM login_failure WHERE client = ?1 AND at >= ?2",
                &[&client, &since],
            )?,
            username: count(
                "SELECT count(*), max(at) FROM login_failure WHERE username = ?1 AND at >= ?2",
                &[&username, &since],
            )?,
        })
    }

    fn clear_login_failures(&mut self, username: &str, client: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM login_failure WHERE username = ?1 AND client = ?2",
            [username, client],
        )?;
        Ok(())
    }

    fn prune_login_failures(&mut self, before: DateTime<Utc>) -> Result<u64> {
        let deleted = self
            .conn
            .execute("DELETE FROM login_failure WHERE at < ?1", [time_text(before)])?;
        Ok(deleted as u64)
    }

    fn record_audit(
        &mut self,
        at: DateTime<Utc>,
        actor: &str,
        action: crate::AuditAction,
        detail: &str,
    ) -> Result<()> {
        // The format of the column's default (0001): whole seconds.
        self.conn.execute(
            "INSERT INTO audit_log (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![
                at.to_rfc3339_opts(SecondsFormat::Secs, true),
                actor,
                action.code(),
                detail
            ],
        )?;
        Ok(())
    }

    fn audit_log(&self, query: &AuditQuery<'_>) -> Result<AuditPage> {
        let filter = "(?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR action = ?2)";
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM audit_log WHERE {filter}"),
            params![query.actor, query.action.map(|a| a.code())],
            |r| r.get(0),
        )?;
        let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, at, actor, action, detail FROM audit_log WHERE {filter}
             ORDER BY id DESC LIMIT ?3 OFFSET ?4"
        ))?;
        let mut rows = stmt.query(params![
            query.actor,
            query.action.map(|a| a.code()),
            limit,
            offset
        ])?;
        let mut entries = Vec::new();
        while let Some(r) = rows.next()? {
            entries.push(AuditEntry {
                id: r.get(0)?,
                at: parse_time(r.get_ref(1)?.as_str()?)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                detail: r.get(4)?,
            });
        }
        let total = u64::try_from(total).unwrap_or(0);
        Ok(AuditPage { entries, total })
    }
}
