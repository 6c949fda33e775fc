//! Logging in and out, sessions and CSRF tokens, login throttling.

use std::fmt;

use access::Principal;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use store::accounts::{FailureCount, LoginFailures, NewSession, SessionRecord, TokenHash, UserRecord};
use store::{AccountStore, StoreError};
use subtle::ConstantTimeEq;

use crate::password::{dummy_hash, verify_password};
use crate::{AccountError, Backoff, Policy};

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
    /// Too many recent failures from this client (for this username, or
    /// for any): wait until `until`. Not a lock: another client is not held back.
    #[error("登录失败次数过多，请在 {seconds} 秒后再试")]
    Throttled { until: DateTime<Utc>, seconds: i64 },
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

/// The key a username is throttled and looked up by: trimmed, lower case.
pub(crate) fn normalize_username(username: &str) -> String {
    username
        .trim()
        .to_lowercase()
        .chars()
        .take(THROTTLE_KEY_CHARS)
        .collect()
}

/// A login past the throttle, waiting for its password check. Holds the
/// user's hash (or the dummy one), not a connection: [`LoginAttempt::verify`]
/// is pure CPU (~60 ms of argon2id), which a server may bound on its own.
pub struct LoginAttempt {
    key: String,
    client: String,
    user: Option<UserRecord>,
    failures: LoginFailures,
}

impl fmt::Debug for LoginAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginAttempt")
            .field("key", &self.key)
            .field("known", &self.user.is_some())
            .finish_non_exhaustive()
    }
}

impl LoginAttempt {
    /// Whether `password` is the user's (an unknown user's never is, after
    /// the same work).
    pub fn verify(&self, password: &str) -> bool {
        let hash = self
            .user
            .as_ref()
            .map_or(dummy_hash(), |u| u.password_hash.as_str());
        verify_password(hash, password) && self.user.is_some()
    }
}

/// Checks a username and password from `client` (the caller's key for the
/// client: its address) and opens a session: [`begin_login`],
/// [`LoginAttempt::verify`] and [`finish_login`] in one go.
pub fn login<S: AccountStore + ?Sized>(
    store: &mut S,
    policy: &Policy,
    username: &str,
    password: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<LoginSession, LoginError> {
    let attempt = begin_login(store, policy, username, client, now)?;
    let matches = attempt.verify(password);
    finish_login(store, policy, attempt, matches, now)
}

/// The first half of a login: refuses a client that must still wait
/// ([`LoginError::Throttled`], before any password is checked, so a flood
/// costs no hashing) and finds the user.
///
/// A client waits after its failures for this username ([`Policy::per_pair`])
/// and after its failures for any username ([`Policy::per_client`]); once it
/// has failed for this username itself, also after every client's failures
/// for it ([`Policy::per_username`]). A success elsewhere is never held back.
pub fn begin_login<S: AccountStore + ?Sized>(
    store: &mut S,
    policy: &Policy,
    username: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<LoginAttempt, LoginError> {
    let key = normalize_username(username);
    let failures = store.login_failures(&key, client, now - policy.failure_window)?;
    if let Some(until) = next_attempt(&failures, policy).filter(|until| now < *until) {
        return Err(throttled(until, now));
    }
    let user = store.user_by_name(&key)?;
    Ok(LoginAttempt {
        key,
        client: client.to_owned(),
        user,
        failures,
    })
}

/// The second half: records a failure (writing `user_login_throttled` to the
/// audit log when it makes this client wait for this username), or clears
/// this client's failures for the user, opens a session and writes
/// `user.login`. Expired sessions and forgotten failures are swept here too.
pub fn finish_login<S: AccountStore + ?Sized>(
    store: &mut S,
    policy: &Policy,
    attempt: LoginAttempt,
    matches: bool,
    now: DateTime<Utc>,
) -> Result<LoginSession, LoginError> {
    let LoginAttempt {
        key,
        client,
        user,
        failures,
    } = attempt;
    let Some(user) = user.filter(|_| matches) else {
        store.record_login_failure(&key, &client, now)?;
        store.prune_login_failures(now - policy.failure_window)?;
        if failures.pair.count + 1 == policy.per_pair.free {
            // The audit says who was guessed at, never from where (an address is personal data).
            store.record_audit(
                now,
                &key,
                store::AuditAction::UserLoginThrottled,
                &format!(
                    "同一客户端连续 {} 次登录失败，此后每次失败须等待更久",
                    policy.per_pair.free
                ),
            )?;
        }
        return Err(LoginError::InvalidCredentials);
    };
    if !user.active {
        return Err(LoginError::Disabled);
    }

    store.clear_login_failures(&key, &client)?;
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
    let millis = (until - now).num_milliseconds().max(0);
    LoginError::Throttled {
        until,
        seconds: (millis + 999) / 1000,
    }
}

/// When a client with these failures may try again (`None`: at once).
fn next_attempt(failures: &LoginFailures, policy: &Policy) -> Option<DateTime<Utc>> {
    let after = |count: FailureCount, backoff: &Backoff| Some(count.last? + backoff.delay(count.count)?);
    let mut rules = vec![
        after(failures.pair, &policy.per_pair),
        after(failures.client, &policy.per_client),
    ];
    if failures.pair.count > 0 {
        rules.push(after(failures.username, &policy.per_username));
    }
    rules.into_iter().flatten().max()
}

/// The signed-in user for a session cookie value, or `None` if the token is
/// malformed, unknown, expired (idle or absolute) or its user disabled.
/// Marks the session as seen (at most once a minute, to spare writes).
pub fn principal<S: AccountStore + ?Sized>(
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
pub fn logout<S: AccountStore + ?Sized>(
    store: &mut S,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, AccountError> {
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
