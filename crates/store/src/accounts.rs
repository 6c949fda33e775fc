//! Storage of accounts behind [`AccountStore`]: users, sessions, failed
//! logins and the audit log.
//!
//! Kept apart from the registry's traits so each stays
//! focused. The policy (password hashing, session tokens, throttling) lives
//! in the `accounts` crate; this trait only keeps rows. Every time is passed
//! in by the caller, never read from a clock here, so tests control it.
//! Secrets never reach this layer in the clear: users carry an argon2id PHC
//! string, sessions are found by the SHA-256 hash of their token.

use std::fmt;

use access::{Role, Scope};
use chrono::{DateTime, Utc};
use registry::{AreaCode, SchoolCode};

use crate::{Result, StoreError};

/// A user to create.
pub struct NewUserRecord<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub scope: &'a Scope,
    /// argon2id PHC string.
    pub password_hash: &'a str,
    pub at: DateTime<Utc>,
}

/// A stored user. `Debug` leaves the password hash out.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    /// argon2id PHC string.
    pub password_hash: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user's scope from its stored columns (`scope_kind`, `scope_area`,
/// `scope_school`), as both backends store it.
pub(crate) fn stored_scope(kind: &str, area: &str, school: Option<&str>) -> Result<Scope> {
    let area = AreaCode::parse(area).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(match (kind, school) {
        ("city", None) => Scope::City { city: area },
        ("county", None) => Scope::County { county: area },
        ("school", Some(school)) => Scope::School {
            school: SchoolCode::parse(school).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            county: area,
        },
        (kind, _) => return Err(StoreError::Corrupt(format!("用户范围“{kind}”无法识别"))),
    })
}

impl UserRecord {
    /// The user as created, at its creation time: what a restore inserts
    /// (then with its own `active` and `updated_at`).
    pub(crate) fn as_created(&self) -> NewUserRecord<'_> {
        NewUserRecord {
            username: &self.username,
            display_name: &self.display_name,
            role: self.role,
            scope: &self.scope,
            password_hash: &self.password_hash,
            at: self.created_at,
        }
    }
}

impl fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("scope", &self.scope)
            .field("password_hash", &"<redacted>")
            .field("active", &self.active)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// The SHA-256 hash of a session token: the only form in which the store
/// sees a token.
pub type TokenHash = [u8; 32];

/// A session to create.
pub struct NewSession<'a> {
    pub token_hash: &'a TokenHash,
    pub user_id: i64,
    pub csrf_token: &'a str,
    pub created_at: DateTime<Utc>,
    /// The absolute end of the session.
    pub expires_at: DateTime<Utc>,
}

/// A live session with its (active) user. `Debug` leaves the CSRF token out.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: UserRecord,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

impl fmt::Debug for SessionRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionRecord")
            .field("user", &self.user)
            .field("csrf_token", &"<redacted>")
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("last_seen", &self.last_seen)
            .finish()
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    /// The stored code: an [`AuditAction`](crate::AuditAction) code
    /// ([`AuditAction::from_code`](crate::AuditAction::from_code)), or one this
    /// build does not know, kept as stored.
    pub action: String,
    pub detail: String,
}

/// Which audit lines to read: newest first, `limit` of them after skipping
/// `offset`, optionally only one actor's or one action's.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuditQuery<'a> {
    pub actor: Option<&'a str>,
    pub action: Option<crate::AuditAction>,
    pub offset: u64,
    pub limit: u64,
}

/// A page of the audit log and how many lines match in all.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: u64,
}

/// Failed logins counted for throttling: how many, and the latest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FailureCount {
    pub count: u32,
    pub last: Option<DateTime<Utc>>,
}

/// A login attempt's failures since a time, counted three ways.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginFailures {
    /// This username from this client.
    pub pair: FailureCount,
    /// This client, any username.
    pub client: FailureCount,
    /// This username, any client.
    pub username: FailureCount,
}

/// The storage of accounts. Reads take `&self`, writes `&mut self`.
pub trait AccountStore {
    /// Creates a user, active. A taken username is [`StoreError::Duplicate`](crate::StoreError::Duplicate).
    fn create_user(&mut self, user: &NewUserRecord<'_>) -> Result<i64>;
    fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>>;
    fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>>;
    /// Every user, by username.
    fn users(&self) -> Result<Vec<UserRecord>>;
    /// Returns false if there is no such user.
    fn set_password_hash(&mut self, user_id: i64, password_hash: &str, at: DateTime<Utc>) -> Result<bool>;
    /// Returns false if there is no such user, or if it would disable the
    /// last active city administrator (checked in the same statement, so two
    /// administrators disabling each other at once cannot both succeed).
    fn set_active(&mut self, user_id: i64, active: bool, at: DateTime<Utc>) -> Result<bool>;

    /// Writes a user as another database stored it — password hash, role,
    /// scope, active flag, creation and change times — for `edugov copy`;
    /// returns its id here (`user.id` is not kept). A taken username is
    /// [`StoreError::Duplicate`](crate::StoreError::Duplicate). One statement:
    /// the user exists whole or not at all.
    fn restore_user(&mut self, user: &UserRecord) -> Result<i64>;

    fn create_session(&mut self, session: &NewSession<'_>) -> Result<()>;
    /// The session with this token hash, only if it has not reached its
    /// `expires_at` at `now` and its user is active.
    fn session(&self, token_hash: &TokenHash, now: DateTime<Utc>) -> Result<Option<SessionRecord>>;
    /// Sets the session's `last_seen`.
    fn touch_session(&mut self, token_hash: &TokenHash, now: DateTime<Utc>) -> Result<()>;
    /// Returns whether there was such a session.
    fn delete_session(&mut self, token_hash: &TokenHash) -> Result<bool>;
    /// Ends every session of a user; returns how many there were.
    fn delete_user_sessions(&mut self, user_id: i64) -> Result<u64>;
    /// Removes sessions whose `expires_at` is at or before `now`, or (with
    /// `idle_since`) last seen before it; returns how many.
    fn delete_expired_sessions(
        &mut self,
        now: DateTime<Utc>,
        idle_since: Option<DateTime<Utc>>,
    ) -> Result<u64>;

    /// Records a failed login for the username typed (known or not) from a
    /// client (its address, as the web server keys it).
    fn record_login_failure(&mut self, username: &str, client: &str, at: DateTime<Utc>) -> Result<()>;
    /// A login's failures at or after `since`: of this username from this
    /// client, of this client (any username) and of this username (any client).
    fn login_failures(&self, username: &str, client: &str, since: DateTime<Utc>) -> Result<LoginFailures>;
    /// Forgets the failures of this username from this client (after it
    /// signed in); other clients' stay.
    fn clear_login_failures(&mut self, username: &str, client: &str) -> Result<()>;
    /// Forgets every failure before `before`; returns how many.
    fn prune_login_failures(&mut self, before: DateTime<Utc>) -> Result<u64>;

    /// Records who did what: every change and every view of unmasked personal
    /// data, at the database's clock. `detail` must never hold personal data itself.
    /// A change to the registry audits itself with [`ApplyOptions::audit`](crate::ApplyOptions::audit),
    /// in its own transaction; this is for what is not such a change.
    fn audit(&mut self, actor: &str, action: crate::AuditAction, detail: &str) -> Result<()>;

    /// Writes an audit line at a given time (what [`AccountStore::audit`]
    /// does with the database's clock). `detail` never holds a secret or personal data.
    fn record_audit(
        &mut self,
        at: DateTime<Utc>,
        actor: &str,
        action: crate::AuditAction,
        detail: &str,
    ) -> Result<()>;
    /// Reads the audit log, newest first.
    fn audit_log(&self, query: &AuditQuery<'_>) -> Result<AuditPage>;
}
