//! [`AccountStore`] on PostgreSQL: users, sessions, failed logins and the
//! audit log, as SQLite's `sqlite/accounts.rs` keeps them.
//!
//! Times are `timestamptz`. They are stored to the millisecond, as SQLite's
//! text keeps them (audit lines to the second, as SQLite's column default),
//! so a time read back equals the one written on both backends. What SQLite
//! gets from its single writer, PostgreSQL gets from row locks: disabling
//! the last active city administrator locks every active one first, and
//! touching a session skips a session another connection holds.

use access::{Role, Scope};
use chrono::{DateTime, SubsecRound, Utc};
use postgres::error::SqlState;
use postgres::Row;

use super::read::{count, text};
use super::PgStore;
use crate::accounts::{
    stored_scope, AccountStore, AuditEntry, AuditPage, AuditQuery, FailureCount, LoginFailures, NewSession,
    NewUserRecord, SessionRecord, TokenHash, UserRecord,
};
use crate::{AuditAction, Result, StoreError};

/// A time as stored: to the millisecond, like SQLite's text.
fn stored(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(3)
}

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.scope_kind, u.scope_area, \
     u.scope_school, u.password_hash, u.active, u.created_at, u.updated_at";

/// Reads [`USER_COLUMNS`] starting at column `at`.
fn user_from_row(r: &Row, at: usize) -> Result<UserRecord> {
    let role = Role::parse(text(r, at + 3)?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let scope = stored_scope(text(r, at + 4)?, text(r, at + 5)?, r.try_get(at + 6)?)?;
    Ok(UserRecord {
        id: r.try_get(at)?,
        username: r.try_get(at + 1)?,
        display_name: r.try_get(at + 2)?,
        role,
        scope,
        password_hash: r.try_get(at + 7)?,
        active: r.try_get(at + 8)?,
        created_at: r.try_get(at + 9)?,
        updated_at: r.try_get(at + 10)?,
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

/// Disables or enables a user (`$1`, `$2`, at `$3`). Disabling a city
/// administrator first locks every active one (in id order, so two such
/// statements cannot deadlock) and counts the others: of two
/// administrators disabling each other at once, the second waits for the
/// first, then finds no other active one and changes nothing. One
/// statement, as on SQLite.
pub(super) const SET_ACTIVE_SQL: &str = "WITH admins AS MATERIALIZED (
         SELECT id FROM app_user WHERE role = 'city_admin' AND active ORDER BY id FOR UPDATE)
     UPDATE app_user SET active = $2, updated_at = $3
     WHERE id = $1
       AND ($2 OR role <> 'city_admin' OR (SELECT count(*) FROM admins WHERE id <> $1) > 0)";

fn audit_entry(r: &Row) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.try_get(0)?,
        at: r.try_get(1)?,
        actor: r.try_get(2)?,
        action: r.try_get(3)?,
        detail: r.try_get(4)?,
    })
}

impl AccountStore for PgStore {
    fn create_user(&mut self, user: &NewUserRecord<'_>) -> Result<i64> {
        self.insert_user(user, true, user.at)
    }

    fn restore_user(&mut self, user: &UserRecord) -> Result<i64> {
        // One statement: the user exists whole, with its times, or not at all.
        self.insert_user(&user.as_created(), user.active, user.updated_at)
    }

    fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>> {
        self.row(
            &format!("SELECT {USER_COLUMNS} FROM app_user u WHERE u.username = $1"),
            &[&username],
        )?
        .map(|r| user_from_row(&r, 0))
        .transpose()
    }

    fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>> {
        self.row(
            &format!("SELECT {USER_COLUMNS} FROM app_user u WHERE u.id = $1"),
            &[&id],
        )?
        .map(|r| user_from_row(&r, 0))
        .transpose()
    }

    fn users(&self) -> Result<Vec<UserRecord>> {
        self.rows(
            &format!("SELECT {USER_COLUMNS} FROM app_user u ORDER BY u.username COLLATE \"C\""),
            &[],
        )?
        .iter()
        .map(|r| user_from_row(r, 0))
        .collect()
    }

    fn set_password_hash(&mut self, user_id: i64, password_hash: &str, at: DateTime<Utc>) -> Result<bool> {
        let changed = self.execute(
            "UPDATE app_user SET password_hash = $2, updated_at = $3 WHERE id = $1",
            &[&user_id, &password_hash, &stored(at)],
        )?;
        Ok(changed > 0)
    }

    fn set_active(&mut self, user_id: i64, active: bool, at: DateTime<Utc>) -> Result<bool> {
        let changed = self.execute(SET_ACTIVE_SQL, &[&user_id, &active, &stored(at)])?;
        Ok(changed > 0)
    }

    fn create_session(&mut self, session: &NewSession<'_>) -> Result<()> {
        self.execute(
            "INSERT INTO session (token_hash, user_id, csrf_token, created_at, expires_at, last_seen)
             VALUES ($1, $2, $3, $4, $5, $4)",
            &[
                &&session.token_hash[..],
                &session.user_id,
                &session.csrf_token,
                &stored(session.created_at),
                &stored(session.expires_at),
            ],
        )?;
        Ok(())
    }

    fn session(&self, token_hash: &TokenHash, now: DateTime<Utc>) -> Result<Option<SessionRecord>> {
        let Some(r) = self.row(
            &format!(
                "SELECT {USER_COLUMNS}, s.csrf_token, s.created_at, s.expires_at, s.last_seen
                 FROM session s JOIN app_user u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active"
            ),
            &[&&token_hash[..], &stored(now)],
        )?
        else {
            return Ok(None);
        };
        Ok(Some(SessionRecord {
            user: user_from_row(&r, 0)?,
            csrf_token: r.try_get(11)?,
            created_at: r.try_get(12)?,
            expires_at: r.try_get(13)?,
            last_seen: r.try_get(14)?,
        }))
    }

    /// Skipped, not waited for, while another connection holds the
    /// session's row (`SKIP LOCKED`): `last_seen` is only kept to the
    /// minute, and a page must not wait for a write (issue 10, point 4).
    fn touch_session(&mut self, token_hash: &TokenHash, now: DateTime<Utc>) -> Result<()> {
        self.execute(
            "UPDATE session SET last_seen = $2
             WHERE token_hash = (SELECT token_hash FROM session WHERE token_hash = $1
                                 FOR UPDATE SKIP LOCKED)",
            &[&&token_hash[..], &stored(now)],
        )?;
        Ok(())
    }

    fn delete_session(&mut self, token_hash: &TokenHash) -> Result<bool> {
        let deleted = self.execute("DELETE FROM session WHERE token_hash = $1", &[&&token_hash[..]])?;
        Ok(deleted > 0)
    }

    fn delete_user_sessions(&mut self, user_id: i64) -> Result<u64> {
        self.execute("DELETE FROM session WHERE user_id = $1", &[&user_id])
    }

    fn delete_expired_sessions(
        &mut self,
        now: DateTime<Utc>,
        idle_since: Option<DateTime<Utc>>,
    ) -> Result<u64> {
        self.execute(
            "DELETE FROM session
             WHERE expires_at <= $1 OR ($2::timestamptz IS NOT NULL AND last_seen < $2)",
            &[&stored(now), &idle_since.map(stored)],
        )
    }

    fn record_login_failure(&mut self, username: &str, client: &str, at: DateTime<Utc>) -> Result<()> {
        self.execute(
            "INSERT INTO login_failure (username, client, at) VALUES ($1, $2, $3)",
            &[&username, &client, &stored(at)],
        )?;
        Ok(())
    }

    fn login_failures(&self, username: &str, client: &str, since: DateTime<Utc>) -> Result<LoginFailures> {
        let since = stored(since);
        let failures = |r: Option<Row>| -> Result<FailureCount> {
            let Some(r) = r else {
                return Ok(FailureCount::default());
            };
            Ok(FailureCount {
                count: u32::try_from(count(&r, 0)?).unwrap_or(u32::MAX),
                last: r.try_get(1)?,
            })
        };
        Ok(LoginFailures {
            pair: failures(self.row(
                "SELECT count(*), max(at) FROM login_failure WHERE username = $1 AND client = $2 AND at >= $3",
                &[&username, &client, &since],
            )?)?,
            client: failures(self.row(
                "SELECT count(*), max(at) FROM login_failure WHERE client = $1 AND at >= $2",
                &[&client, &since],
            )?)?,
            username: failures(self.row(
                "SELECT count(*), max(at) FROM login_failure WHERE username = $1 AND at >= $2",
                &[&username, &since],
            )?)?,
        })
    }

    fn clear_login_failures(&mut self, username: &str, client: &str) -> Result<()> {
        self.execute(
            "DELETE FROM login_failure WHERE username = $1 AND client = $2",
            &[&username, &client],
        )?;
        Ok(())
    }

    fn prune_login_failures(&mut self, before: DateTime<Utc>) -> Result<u64> {
        self.execute("DELETE FROM login_failure WHERE at < $1", &[&stored(before)])
    }

    fn audit(&mut self, actor: &str, action: AuditAction, detail: &str) -> Result<()> {
        // The database's clock: the column's default (whole seconds).
        self.execute(
            "INSERT INTO audit_log (actor, action, detail) VALUES ($1, $2, $3)",
            &[&actor, &action.code(), &detail],
        )?;
        Ok(())
    }

    fn record_audit(
        &mut self,
        at: DateTime<Utc>,
        actor: &str,
        action: AuditAction,
        detail: &str,
    ) -> Result<()> {
        // Whole seconds, as `audit` and SQLite's column keep them.
        self.execute(
            "INSERT INTO audit_log (at, actor, action, detail) VALUES ($1, $2, $3, $4)",
            &[&at.trunc_subsecs(0), &actor, &action.code(), &detail],
        )?;
        Ok(())
    }

    fn audit_log(&self, query: &AuditQuery<'_>) -> Result<AuditPage> {
        let filter = "($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2)";
        let action = query.action.map(|a| a.code());
        let total = match self.row(
            &format!("SELECT count(*) FROM audit_log WHERE {filter}"),
            &[&query.actor, &action],
        )? {
            Some(r) => count(&r, 0)?,
            None => 0,
        };
        let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
        let entries = self
            .rows(
                &format!(
                    "SELECT id, at, actor, action, detail FROM audit_log WHERE {filter}
                     ORDER BY id DESC LIMIT $3 OFFSET $4"
                ),
                &[&query.actor, &action, &limit, &offset],
            )?
            .iter()
            .map(audit_entry)
            .collect::<Result<_>>()?;
        Ok(AuditPage { entries, total })
    }
}

impl PgStore {
    /// Inserts a user with its active flag and times (`create_user`: active,
    /// created now; `restore_user`: as stored elsewhere).
    fn insert_user(
        &mut self,
        user: &NewUserRecord<'_>,
        active: bool,
        updated_at: DateTime<Utc>,
    ) -> Result<i64> {
        let (kind, area, school) = scope_columns(user.scope);
        let created = stored(user.at);
        let updated = stored(updated_at);
        let mut conn = self.conn.borrow_mut();
        let statement = self.prepared(
            &mut conn,
            "INSERT INTO app_user (username, display_name, role, scope_kind, scope_area, scope_school,
                                   password_hash, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             RETURNING id",
        )?;
        let inserted = conn.query_one(
            &statement,
            &[
                &user.username,
                &user.display_name,
                &user.role.code(),
                &kind,
                &area,
                &school,
                &user.password_hash,
                &active,
                &created,
                &updated,
            ],
        );
        match inserted {
            Ok(r) => Ok(r.try_get(0)?),
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                Err(StoreError::Duplicate(format!("用户名“{}”", user.username)))
            }
            Err(e) if e.code() == Some(&SqlState::FOREIGN_KEY_VIOLATION) => {
                Err(StoreError::UnknownReference(format!("地区 {area}")))
            }
            Err(e) => Err(e.into()),
        }
    }
}
