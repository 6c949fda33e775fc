//! Login, sessions, CSRF and throttling with controlled time.

use chrono::{Duration, TimeZone};
use registry::AreaCode;
use store::accounts::AuditQuery;
use store::SqliteStore;

use super::*;
use crate::{add_user, set_active, set_password, NewUser, Role, Scope};

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 9, 1, 0, 0, 0).unwrap() + Duration::minutes(minutes)
}

const PASSWORD: &str = "教育局-correct-horse";

fn store_with_admin() -> SqliteStore {
    let mut store = SqliteStore::open_in_memory().unwrap();
    add_user(
        &mut store,
        "cli",
        &NewUser {
            username: "admin",
            display_name: "王科长",
            role: Role::CityAdmin,
            scope: Scope::City {
                city: AreaCode::parse("3701").unwrap(),
            },
            password: PASSWORD,
        },
        t(0),
    )
    .unwrap();
    store
}

fn actions(store: &SqliteStore) -> Vec<String> {
    let page = store
        .audit_log(&AuditQuery {
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    page.entries
        .into_iter()
        .rev()
        .map(|e| format!("{} {}", e.actor, e.action))
        .collect()
}

#[test]
fn a_login_opens_a_session_that_the_cookie_finds() {
    let mut store = store_with_admin();
    let policy = Policy::default();
    let session = login(&mut store, &policy, " Admin ", PASSWORD, t(1)).unwrap();
    assert_eq!(session.token.len(), 43);
    assert_eq!(session.csrf_token.len(), 43);
    assert_eq!(session.principal.username, "admin");
    assert_eq!(session.principal.display_name, "王科长");
    assert_eq!(session.expires_at, t(1) + Duration::hours(24));
    let debug = format!("{session:?}");
    assert!(!debug.contains(&session.token) && !debug.contains(&session.csrf_token));

    let found = principal(&mut store, &policy, &session.token, t(2))
        .unwrap()
        .unwrap();
    assert_eq!(found.principal, session.principal);
    assert!(verify_csrf(&found.csrf_token, &session.csrf_token));
    assert!(!format!("{found:?}").contains(&found.csrf_token));
    assert_eq!(actions(&store), ["cli user_add", "admin user_login"]);
}

#[test]
fn the_store_never_sees_the_token_itself() {
    let mut store = store_with_admin();
    let session = login(&mut store, &Policy::default(), "admin", PASSWORD, t(1)).unwrap();
    let raw = URL_SAFE_NO_PAD.decode(&session.token).unwrap();
    let raw: [u8; 32] = raw.try_into().unwrap();
    assert!(store.session(&raw, t(2)).unwrap().is_none());
    assert!(store.session(&token_hash(&raw), t(2)).unwrap().is_some());
}

#[test]
fn garbage_and_unknown_tokens_find_nobody() {
    let mut store = store_with_admin();
    let policy = Policy::default();
    for token in [
        "",
        "x",
        "not base64 !!!",
        &URL_SAFE_NO_PAD.encode([7u8; 32]),
        &URL_SAFE_NO_PAD.encode([7u8; 31]),
    ] {
        assert!(
            principal(&mut store, &policy, token, t(1)).unwrap().is_none(),
            "{token}"
        );
    }
}

#[test]
fn wrong_passwords_and_unknown_users_get_the_same_answer() {
    let mut store = store_with_admin();
    let policy = Policy::default();
    let wrong = login(&mut store, &policy, "admin", "wrong-password", t(1)).unwrap_err();
    let unknown = login(&mut store, &policy, "nobody", PASSWORD, t(1)).unwrap_err();
    assert_eq!(wrong.to_string(), "用户名或密码不正确");
    assert_eq!(unknown.to_string(), wrong.to_string());
    assert_eq!(store.login_failures_since("nobody", t(0)).unwrap(), [t(1)]);
}

#[test]
fn five_failures_in_fifteen_minutes_lock_the_username_for_fifteen_minutes() {
    let mut store = store_with_admin();
    let policy = Policy::default();
    for minute in 0..4 {
        let err = login(&mut store, &policy, "admin", "wrong-password", t(10 + minute)).unwrap_err();
        assert!(matches!(err, LoginError::InvalidCredentials), "{err}");
    }
    // The fifth failure (at 10:14 UTC+8 = 08:14) locks until 08:29 Beijing time.
    let err = login(&mut store, &policy, "admin", "wrong-password", t(14)).unwrap_err();
    assert!(
        matches!(err, LoginError::Throttled { until, minutes: 15 } if until == t(29)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "登录失败次数过多，请在 08:29（北京时间）之后再试（约 15 分钟后）"
    );
    // Even the right password is refused while locked, and not counted.
    let err = login(&mut store, &policy, "admin", PASSWORD, t(28)).unwrap_err();
    assert!(matches!(err, LoginError::Throttled { minutes: 1, .. }), "{err:?}");
    assert_eq!(store.login_failures_since("admin", t(0)).unwrap().len(), 5);
    // Another username is not affected.
    assert!(matches!(
        login(&mut store, &policy, "someone", "x", t(15)).unwrap_err(),
        LoginError::InvalidCredentials
    ));
    // After the lockout the right password works and clears the count.
    login(&mut store, &policy, "admin", PASSWORD, t(29)).unwrap();
    assert!(store.login_failures_since("admin", t(0)).unwrap().is_empty());
    assert!(actions(&store).contains(&"admin user_login_locked".to_owned()));
}

#[test]
fn unknown_usernames_are_locked_too_so_they_cannot_be_told_apart() {
    let mut store = store_with_admin();
    let policy = Policy::default();
    let mut last = None;
    for minute in 0..5 {
        last = Some(login(&mut store, &policy, "ghost", "wrong-password", t(minute)).unwrap_err());
    }
    assert!(matches!(last, Some(LoginError::Throttled { .. })), "{last:?}");
}

#[test]
fn failures_spread_over_more_than_the_window_do_not_lock() {
    let mut store = store_with_admin();
    let policy = Policy::default();
    for minute in [0, 4, 8, 12, 16, 20, 24] {
        let err = login(&mut store, &policy, "admin", "wrong-password", t(minute)).unwrap_err();
        assert!(
            matches!(err, LoginError::InvalidCredentials),
            "at {minute}: {err}"
        );
    }
}

#[test]
fn the_locking_rule_is_configurable() {
    let policy = Policy {
        max_failures: 2,
        failure_window: Duration::minutes(1),
        lockout: Duration::minutes(5),
        ..Policy::default()
    };
    assert_eq!(locked_until(&[t(0)], &policy), None);
    assert_eq!(locked_until(&[t(0), t(2)], &policy), None);
    assert_eq!(locked_until(&[t(0), t(2), t(3)], &policy), Some(t(8)));
}

#[test]
fn sessions_end_when_idle_or_at_their_absolute_end() {
    let mut store = store_with_admin();
    let policy = Policy {
        idle_timeout: Duration::minutes(30),
        absolute_timeout: Duration::minutes(120),
        ..Policy::default()
    };
    let busy = login(&mut store, &policy, "admin", PASSWORD, t(0)).unwrap();
    let idle = login(&mut store, &policy, "admin", PASSWORD, t(0)).unwrap();
    // The busy one is used every 20 minutes: alive until its absolute end.
    for minute in (20..120).step_by(20) {
        assert!(
            principal(&mut store, &policy, &busy.token, t(minute))
                .unwrap()
                .is_some(),
            "{minute}"
        );
    }
    assert!(principal(&mut store, &policy, &busy.token, t(120))
        .unwrap()
        .is_none());
    // The idle one was never used after login.
    assert!(principal(&mut store, &policy, &idle.token, t(30))
        .unwrap()
        .is_none());
    assert!(
        principal(&mut store, &policy, &idle.token, t(10))
            .unwrap()
            .is_none(),
        "deleted for good"
    );
}

#[test]
fn logout_invalidates_the_cookie_for_good() {
    let mut store = store_with_admin();
    let policy = Policy::default();
    let session = login(&mut store, &policy, "admin", PASSWORD, t(0)).unwrap();
    let other = login(&mut store, &policy, "admin", PASSWORD, t(0)).unwrap();
    assert!(logout(&mut store, &session.token, t(1)).unwrap());
    assert!(principal(&mut store, &policy, &session.token, t(2))
        .unwrap()
        .is_none());
    assert!(!logout(&mut store, &session.token, t(3)).unwrap());
    assert!(!logout(&mut store, "garbage", t(3)).unwrap());
    assert!(principal(&mut store, &policy, &other.token, t(2))
        .unwrap()
        .is_some());
    assert!(actions(&store).contains(&"admin user_logout".to_owned()));
}

#[test]
fn disabling_or_a_new_password_ends_every_session() {
    let mut store = store_with_admin();
    let policy = Policy::default();
    let session = login(&mut store, &policy, "admin", PASSWORD, t(0)).unwrap();
    set_active(&mut store, "cli", "admin", false, t(1)).unwrap();
    assert!(principal(&mut store, &policy, &session.token, t(2))
        .unwrap()
        .is_none());
    let err = login(&mut store, &policy, "admin", PASSWORD, t(3)).unwrap_err();
    assert_eq!(err.to_string(), "该账号已停用，请联系市级管理员");
    // A disabled account with a wrong password looks like any wrong password.
    assert!(matches!(
        login(&mut store, &policy, "admin", "wrong-password", t(3)).unwrap_err(),
        LoginError::InvalidCredentials
    ));

    set_active(&mut store, "cli", "admin", true, t(4)).unwrap();
    let session = login(&mut store, &policy, "admin", PASSWORD, t(5)).unwrap();
    set_password(&mut store, "cli", "admin", "a-new-password-2024", t(6)).unwrap();
    assert!(principal(&mut store, &policy, &session.token, t(7))
        .unwrap()
        .is_none());
    login(&mut store, &policy, "admin", "a-new-password-2024", t(8)).unwrap();
}

#[test]
fn csrf_tokens_compare_exactly() {
    assert!(verify_csrf("abcDEF123", "abcDEF123"));
    assert!(!verify_csrf("abcDEF123", "abcDEF124"));
    assert!(!verify_csrf("abcDEF123", "abcDEF12"));
    assert!(!verify_csrf("abcDEF123", ""));
    assert!(!verify_csrf("", ""));
}

#[test]
fn last_seen_is_written_at_most_once_a_minute() {
    let mut store = store_with_admin();
    let policy = Policy::default();
    let session = login(&mut store, &policy, "admin", PASSWORD, t(0)).unwrap();
    let hash = parse_token(&session.token).unwrap();
    let at = t(0) + Duration::seconds(30);
    principal(&mut store, &policy, &session.token, at).unwrap();
    assert_eq!(store.session(&hash, at).unwrap().unwrap().last_seen, t(0));
    principal(&mut store, &policy, &session.token, t(2)).unwrap();
    assert_eq!(store.session(&hash, t(2)).unwrap().unwrap().last_seen, t(2));
}
