//! Accounts of the web application: users, passwords, sessions, login
//! throttling and the audit of every change to a user.
//!
//! The policy lives here; the rows live behind [`store::AccountStore`]. Every
//! function takes the store and the current time as arguments (no clock
//! inside), so the web server, the `edugov user` command and the tests call
//! the same code.
//!
//! - **Passwords** ([`password`]): argon2id (OWASP parameters: 19 MiB, 2
//!   passes, 1 lane), stored as a PHC string. A new password has at least
//!   [`MIN_PASSWORD_CHARS`] characters and is not common or guessable
//!   ([`check_password_rule`]: NIST SP 800-63B length and blocklist, no
//!   composition rules). Verification is constant-time.
//! - **Sessions** ([`session`]): [`login`] makes a 32-byte random token, sent
//!   to the browser base64url-encoded (43 characters, no padding) as the
//!   cookie value; the store keeps only its SHA-256 hash. Each session has
//!   its own CSRF token (also 43 base64url characters), compared with
//!   [`verify_csrf`] in constant time. A session ends after
//!   [`Policy::idle_timeout`] without a request or [`Policy::absolute_timeout`]
//!   after login, whichever comes first, when its user is disabled, and at
//!   [`logout`]. [`principal`] finds the signed-in user for a cookie.
//! - **Throttling** (issue 10, point 6: no one can lock a user out): failed
//!   logins are counted per username *and client*, per client and per
//!   username ([`Policy`]); past a few free failures each adds a growing
//!   delay ([`Backoff`]) before that client may try again — never a lock of
//!   the account, so failures from one address do not keep the user out at
//!   another. Unknown usernames are counted and timed exactly like known ones
//!   (their password is checked against a dummy hash). [`begin_login`] and
//!   [`finish_login`] hold the database only for the throttle and the
//!   session, so a server can hash ([`LoginAttempt::verify`]) without a
//!   connection and bound how many hash at once.
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
    begin_login, finish_login, login, logout, principal, verify_csrf, LoginAttempt, LoginError, LoginSession,
    SessionInfo, SESSION_COOKIE,
};
pub use users::{
    add_user, check_username, list_users, resolve_scope, scope_code, set_active, set_password, NewUser, User,
};

/// How long sessions last and how failed logins are slowed down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// A session ends after this long without a request.
    pub idle_timeout: Duration,
    /// A session ends this long after login, however busy.
    pub absolute_timeout: Duration,
    /// Failed logins older than this are forgotten.
    pub failure_window: Duration,
    /// Failures of one username from one client.
    pub per_pair: Backoff,
    /// Failures from one client, whatever the username (guessing many accounts).
    pub per_client: Backoff,
    /// Failures of one username from every client (guessing one account from
    /// many addresses). Looser, and applied only to a client that has itself
    /// failed for that username: a client's first attempt is never held back
    /// by other clients' failures.
    pub per_username: Backoff,
}

impl Default for Policy {
    /// 8 hours idle, 24 hours in all. Within an hour: one username from one
    /// client has 3 free failures, then waits 1 s, 2 s, 4 s … at most 5
    /// minutes after each; one client has 10 (then up to 15 minutes); one
    /// username from everywhere 30 (then up to 1 minute).
    fn default() -> Policy {
        Policy {
            idle_timeout: Duration::hours(8),
            absolute_timeout: Duration::hours(24),
            failure_window: Duration::hours(1),
            per_pair: Backoff {
                free: 3,
                first_delay: Duration::seconds(1),
                max_delay: Duration::minutes(5),
            },
            per_client: Backoff {
                free: 10,
                first_delay: Duration::seconds(1),
                max_delay: Duration::minutes(15),
            },
            per_username: Backoff {
                free: 30,
                first_delay: Duration::seconds(1),
                max_delay: Duration::minutes(1),
            },
        }
    }
}

/// Growing delays (OWASP's "exponential back-off", never a lock): after
/// `free` failures, the next attempt must wait `first_delay` after the last
/// failure, doubling with each further failure up to `max_delay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub free: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
}

impl Backoff {
    /// How long after the last of `failures` failures the next attempt waits.
    pub fn delay(&self, failures: u32) -> Option<Duration> {
        let over = failures.checked_sub(self.free)?;
        // 2^over, saturating well before chrono's range ends.
        let factor = 1i32 << over.min(30);
        Some(
            self.first_delay
                .checked_mul(factor)
                .map_or(self.max_delay, |d| d.min(self.max_delay)),
        )
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
    #[error("密码太常见或太容易猜到（常用密码、键盘顺序、重复字符、年份或用户名的组合），请换一个更长、不常见的密码，例如几个不相关的词")]
    PasswordTooWeak,
    #[error("不能停用“{0}”：它是最后一个启用的市级管理员，请先启用或添加另一个市级管理员")]
    LastCityAdmin(String),
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
