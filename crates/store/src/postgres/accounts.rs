//! Placeholder while the PostgreSQL backend is written (issue 13); replaced before it lands.
#![allow(unused_variables, unused_imports)]
use super::PgStore;
use crate::accounts::*;
use crate::*;
use chrono::{DateTime, Utc};
use registry::*;

fn not_yet(what: &str) -> StoreError {
    StoreError::Backend(format!("PostgreSQL: {what} not yet written"))
}

impl AccountStore for PgStore {
    fn create_user(&mut self, user: &NewUserRecord<'_>) -> Result<i64> {
        Err(not_yet("create_user"))
    }

    fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>> {
        Err(not_yet("user_by_name"))
    }

    fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>> {
        Err(not_yet("user_by_id"))
    }

    fn users(&self) -> Result<Vec<UserRecord>> {
        Err(not_yet("users"))
    }

    fn set_password_hash(&mut self, user_id: i64, password_hash: &str, at: DateTime<Utc>) -> Result<bool> {
        Err(not_yet("set_password_hash"))
    }

    fn set_active(&mut self, user_id: i64, active: bool, at: DateTime<Utc>) -> Result<bool> {
        Err(not_yet("set_active"))
    }

    fn create_session(&mut self, session: &NewSession<'_>) -> Result<()> {
        Err(not_yet("create_session"))
    }

    fn session(&self, token_hash: &TokenHash, now: DateTime<Utc>) -> Result<Option<SessionRecord>> {
        Err(not_yet("session"))
    }

    fn touch_session(&mut self, token_hash: &TokenHash, now: DateTime<Utc>) -> Result<()> {
        Err(not_yet("touch_session"))
    }

    fn delete_session(&mut self, token_hash: &TokenHash) -> Result<bool> {
        Err(not_yet("delete_session"))
    }

    fn delete_user_sessions(&mut self, user_id: i64) -> Result<u64> {
        Err(not_yet("delete_user_sessions"))
    }

    fn delete_expired_sessions(
        &mut self,
        now: DateTime<Utc>,
        idle_since: Option<DateTime<Utc>>,
    ) -> Result<u64> {
        Err(not_yet("delete_expired_sessions"))
    }

    fn record_login_failure(&mut self, username: &str, client: &str, at: DateTime<Utc>) -> Result<()> {
        Err(not_yet("record_login_failure"))
    }

    fn login_failures(&self, username: &str, client: &str, since: DateTime<Utc>) -> Result<LoginFailures> {
        Err(not_yet("login_failures"))
    }

    fn clear_login_failures(&mut self, username: &str, client: &str) -> Result<()> {
        Err(not_yet("clear_login_failures"))
    }

    fn prune_login_failures(&mut self, before: DateTime<Utc>) -> Result<u64> {
        Err(not_yet("prune_login_failures"))
    }

    fn audit(&mut self, actor: &str, action: crate::AuditAction, detail: &str) -> Result<()> {
        Err(not_yet("audit"))
    }

    fn record_audit(
        &mut self,
        at: DateTime<Utc>,
        actor: &str,
        action: crate::AuditAction,
        detail: &str,
    ) -> Result<()> {
        Err(not_yet("record_audit"))
    }

    fn audit_log(&self, query: &AuditQuery<'_>) -> Result<AuditPage> {
        Err(not_yet("audit_log"))
    }
}
