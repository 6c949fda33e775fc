//! Logging in and out, sessions and CSRF tokens, login throttling.

use std::fmt;

use access::Principal;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, FixedOffset, Offset, Utc};
use sha2::{Digest, Sha256};
use store::accounts::{NewSession, SessionRecord, TokenHash, UserRecord};
use store::{AccountStore, StoreError};
use subtle::ConstantTimeEq;

use crate::password::{dummy_hash, verify_password};
use crate::{AccountError, Policy};

/// A suggested name for the session cookie. Its value is the token of
/// [`LoginSession::token`], as is.
pub const SESSION_COOKIE: &str = "edugov_session";

/// Longest username kept for throttling; longer input is cut to this.
const THROTTLE_KEY_CHARS: usize = 64;

/// A new session: set `token` as the cookie, put `csrf_token` in every form.
pub struct LoginSession {
    /// The cookie value: 32 random bytes, base64url without padding.
    pub token: String,
    /// The session's CSRF token, 32 random bytes, base64url without padding.
    pub csrf_token: String,
    pub principal: Principal,
    /// The absolute end (for the cookie's `Max-Age`/`Expires`).
    pub expires_at: DateTime<Utc>,
}

impl fmt::Debug for LoginSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginSession")
            .field("token", &"<redacted>")
            .field("csrf_token", &"<redacted>")
            .field("principal", &self.principal)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The signed-in user behind a session cookie.
#[derive(Clone)]
pub struct SessionInfo {
    pub principal: Principal,
    /// What forms of this session must send back; check with [`verify_csrf`].
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

impl fmt::Debug for SessionInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionInfo")
            .field("principal", &self.principal)
            .field("csrf_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Why a login was refused. Shown to the person logging in as is.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Deliberately the same for an unknown user and a wrong password.
    #[error("用户名或密码不正确")]
    InvalidCredentials,
    #[error("登录失败次数过多，请在 {}之后再试（约 {minutes} 分钟后）", beijing_time(.until))]
    Throttled { until: DateTime<Utc>, minutes: i64 },
    #[error("该账号已停用，请联系市级管理员")]
    Disabled,
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<StoreError> for LoginError {
    fn from(err: StoreError) -> LoginError {
        LoginError::Account(AccountError::Store(err))
    }
}

/// `HH:MM`, Beijing time (UTC+8), for messages.
fn beijing_time(at: &DateTime<Utc>) -> String {
    let offset = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix());
    at.with_timezone(&offset).format("%H:%M（北京时间）").to_string()
}

/// The key a username is throttled and looked up by: trimmed, lower case.
pub(crate) fn normalize_username(username: &str) -> String {
    username
        .trim()
        .to_lowercase()
        .chars()
        .take(THROTTLE_KEY_CHARS)
        .collect()
}

/// Checks a username and password and opens a session.
///
/// Order: a throttled username is refused before its password is checked;
/// otherwise the password is verified (against a dummy hash for an unknown
/// user, so both take the same time); a failure is recorded, and the one
/// that reaches the limit already answers [`LoginError::Throttled`]. A
/// success clears the failures, opens a session and writes `user.login` to
/// the audit log. Expired sessions are swept here too.
pub fn login<S: AccountStore>(
    store: &mut S,
    policy: &Policy,
    username: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<LoginSession, LoginError> {
    let key = normalize_username(username);
    let horizon = policy.failure_window + policy.lockout;
    let failures = store.login_failures_since(&key, now - horizon)?;
    if let Some(until) = locked_until(&failures, policy).filter(|until| now < *until) {
        return Err(throttled(until, now));
    }

    let user = store.user_by_name(&key)?;
    let hash = user.as_ref().map_or(dummy_hash(), |u| u.password_hash.as_str());
    let matches = verify_password(hash, password);
    let Some(user) = user.filter(|_| matches) else {
        store.record_login_failure(&key, now)?;
        store.prune_login_failures(now - horizon - horizon)?;
        let mut failures = failures;
        failures.push(now);
        if let Some(until) = locked_until(&failures, policy).filter(|until| now < *until) {
            store.record_audit(
                now,
                &key,
                store::AuditAction::UserLoginLocked,
                &format!("连续 {} 次登录失败", policy.max_failures),
            )?;
            return Err(throttled(until, now));
        }
        return Err(LoginError::InvalidCredentials);
    };
    if !user.active {
        return Err(LoginError::Disabled);
    }

    store.clear_login_failures(&key)?;
    store.delete_expired_sessions(now, Some(now - policy.idle_timeout))?;
    let token: [u8; 32] = crate::random_bytes()?;
    let csrf_token = URL_SAFE_NO_PAD.encode(crate::random_bytes::<32>()?);
    let expires_at = now + policy.absolute_timeout;
    store.create_session(&NewSession {
        token_hash: &token_hash(&token),
        user_id: user.id,
        csrf_token: &csrf_token,
        created_at: now,
        expires_at,
    })?;
    store.record_audit(now, &user.username, store::AuditAction::UserLogin, "")?;
    Ok(LoginSession {
        token: URL_SAFE_NO_PAD.encode(token),
        csrf_token,
        principal: principal_of(user),
        expires_at,
    })
}

fn throttled(until: DateTime<Utc>, now: DateTime<Utc>) -> LoginError {
    let seconds = (until - now).num_seconds().max(0);
    LoginError::Throttled {
        until,
        minutes: (seconds + 59) / 60,
    }
}

/// When a username with these failures (oldest first) may try again: after
/// `max_failures` of them within `failure_window`, `lockout` after the last
/// of those. `None` if they never reached the limit.
fn locked_until(failures: &[DateTime<Utc>], policy: &Policy) -> Option<DateTime<Utc>> {
    let n = usize::try_from(policy.max_failures).ok()?.max(1);
    failures
        .windows(n)
        .filter_map(|w| match (w.first(), w.last()) {
            (Some(first), Some(last)) if *last - *first <= policy.failure_window => {
                Some(*last + policy.lockout)
            }
            _ => None,
        })
        .max()
}

/// The signed-in user for a session cookie value, or `None` if the token is
/// malformed, unknown, expired (idle or absolute) or its user disabled.
/// Marks the session as seen (at most once a minute, to spare writes).
pub fn principal<S: AccountStore>(
    store: &mut S,
    policy: &Policy,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<SessionInfo>, AccountError> {
    let Some(hash) = parse_token(token) else {
        return Ok(None);
    };
    let Some(session) = store.session(&hash, now)? else {
        return Ok(None);
    };
    if session.last_seen + policy.idle_timeout <= now {
        store.delete_session(&hash)?;
        return Ok(None);
    }
    if now - session.last_seen >= Duration::minutes(1) {
        store.touch_session(&hash, now)?;
    }
    let SessionRecord {
        user,
        csrf_token,
        expires_at,
        ..
    } = session;
    Ok(Some(SessionInfo {
        principal: principal_of(user),
        csrf_token,
        expires_at,
    }))
}

/// Ends the session of a cookie value (nothing happens for an unknown or
/// malformed one). Returns whether a session ended; writes `user.logout`.
pub fn logout<S: AccountStore>(store: &mut S, token: &str, now: DateTime<Utc>) -> Result<bool, AccountError> {
    let Some(hash) = parse_token(token) else {
        return Ok(false);
    };
    let user = store.session(&hash, now)?.map(|s| s.user.username);
    let ended = store.delete_session(&hash)?;
    if let (true, Some(username)) = (ended, user) {
        store.record_audit(now, &username, store::AuditAction::UserLogout, "")?;
    }
    Ok(ended)
}

/// Whether a form's CSRF token is the session's, compared in constant time.
pub fn verify_csrf(expected: &str, given: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

fn parse_token(token: &str) -> Option<TokenHash> {
    let bytes = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
    let bytes: [u8; 32] = bytes.try_into().ok()?;
    Some(token_hash(&bytes))
}

fn token_hash(token: &[u8; 32]) -> TokenHash {
    Sha256::digest(token).into()
}

pub(crate) fn principal_of(user: UserRecord) -> Principal {
    Principal {
        user_id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        scope: user.scope,
    }
}

#[cfg(test)]
mod tests;
