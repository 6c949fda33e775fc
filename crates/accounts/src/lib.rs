//! Accounts of the web application: users, passwords, sessions, login
//! throttling and the audit of every change to a user.
//!
//! The policy lives here; the rows live behind [`store::AccountStore`]. Every
//! function takes the store and the current time as arguments (no clock
//! inside), so the web server, the `edugov user` command and the tests call
//! the same code.
//!
//! - **Passwords** ([`password`]): argon2id (OWASP parameters: 19 MiB, 2
//!   passes, 1 lane), stored as a PHC string; at least
//!   [`MIN_PASSWORD_CHARS`] characters. Verification is constant-time.
//! - **Sessions** ([`session`]): [`login`] makes a 32-byte random token, sent
//!   to the browser base64url-encoded (43 characters, no padding) as the
//!   cookie value; the store keeps only its SHA-256 hash. Each session has
//!   its own CSRF token (also 43 base64url characters), compared with
//!   [`verify_csrf`] in constant time. A session ends after
//!   [`Policy::idle_timeout`] without a request or [`Policy::absolute_timeout`]
//!   after login, whichever comes first, when its user is disabled, and at
//!   [`logout`]. [`principal`] finds the signed-in user for a cookie.
//! - **Throttling**: after [`Policy::max_failures`] failed logins for one
//!   username within [`Policy::failure_window`], that username is refused for
//!   [`Policy::lockout`]. Unknown usernames are counted and timed exactly like
//!   known ones (their password is checked against a dummy hash).
//! - **Users** ([`users`]): [`add_user`], [`set_password`], [`set_active`],
//!   [`list_users`], [`resolve_scope`] (a 4/6/10-digit code checked against
//!   the role and the registry). Each change writes one audit line (actor,
//!   action, detail) — never a password, hash or token.
//! - **Demo** ([`demo`]): the printed accounts of the demo city only.
//!
//! Passwords and tokens never appear in `Debug` output or in logs.

pub mod demo;
pub mod password;
pub mod session;
pub mod users;

use chrono::Duration;

pub use access::{Principal, Role, Scope};
pub use demo::{demo_accounts, install_demo_accounts, DemoAccount};
pub use password::{check_password_rule, hash_password, verify_password, MIN_PASSWORD_CHARS};
pub use session::{
    login, logout, principal, verify_csrf, LoginError, LoginSession, SessionInfo, SESSION_COOKIE,
};
pub use users::{
    add_user, check_username, list_users, resolve_scope, scope_code, set_active, set_password, NewUser, User,
};

/// How long sessions last and when logins are throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// A session ends after this long without a request.
    pub idle_timeout: Duration,
    /// A session ends this long after login, however busy.
    pub absolute_timeout: Duration,
    /// Failed logins for one username within `failure_window` …
    pub max_failures: u32,
    pub failure_window: Duration,
    /// … refuse that username for this long after the last of them.
    pub lockout: Duration,
}

impl Default for Policy {
    /// 8 hours idle, 24 hours in all; 5 failures in 15 minutes lock for 15 minutes.
    fn default() -> Policy {
        Policy {
            idle_timeout: Duration::hours(8),
            absolute_timeout: Duration::hours(24),
            max_failures: 5,
            failure_window: Duration::minutes(15),
            lockout: Duration::minutes(15),
        }
    }
}

/// Why a change to an account was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Access(#[from] access::AccessError),
    #[error("用户名“{0}”不符合要求：只能包含小写字母、数字、点（.）、下划线（_）和连字符（-），以字母或数字开头，长度 3–32 个字符")]
    InvalidUsername(String),
    #[error("用户名“{0}”已存在")]
    DuplicateUsername(String),
    #[error("用户“{0}”不存在")]
    UnknownUser(String),
    #[error("显示名不能超过 64 个字符")]
    DisplayNameTooLong,
    #[error("密码至少需要 {MIN_PASSWORD_CHARS} 个字符")]
    PasswordTooShort,
    #[error("密码不能超过 {} 个字符", password::MAX_PASSWORD_CHARS)]
    PasswordTooLong,
    #[error("范围“{0}”应为 4 位市代码、6 位区县代码或 10 位学校标识码")]
    ScopeFormat(String),
    #[error("地区代码“{0}”不在本系统的行政区划中")]
    UnknownArea(String),
    #[error("学校标识码“{0}”不在学籍库中，请先导入该学校")]
    UnknownSchool(String),
    #[error("密码散列失败：{0}")]
    Hash(String),
    #[error("无法取得系统随机数：{0}")]
    Random(String),
}

/// Fills a buffer from the operating system's random source.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], AccountError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| AccountError::Random(e.to_string()))?;
    Ok(bytes)
}
