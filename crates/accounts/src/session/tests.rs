//! Login, sessions, CSRF and throttling with controlled time.

use chrono::{Duration, TimeZone};
use registry::AreaCode;
use store::accounts::AuditQuery;
use store::Store;

use super::*;
use crate::{add_user, set_active, set_password, NewUser, Role, Scope};

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 9, 1, 0, 0, 0).unwrap() + Duration::minutes(minutes)
}

const PASSWORD: &str = "教育局-correct-horse";
/// The administrator's office and an attacker, as the web server keys clients.
const HOME: &str = "10.1.2.3";
const ATTACKER: &str = "203.0.113.7";

fn store_with_admin() -> Box<dyn Store> {
    let mut store = store::open_in_memory().unwrap();
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

fn actions(store: &dyn Store) -> Vec<String> {
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
    let session = login(&mut store, &policy, " Admin ", PASSWORD, HOME, t(1)).unwrap();
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
    let session = login(&mut store, &Policy::default(), "admin", PASSWORD, HOME, t(1)).unwrap();
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
    let wrong = login(&mut store, &policy, "admin", "wrong-password", HOME, t(1)).unwrap_err();
    let unknown = login(&mut store, &policy, "nobody", PASSWORD, HOME, t(1)).unwrap_err();
    assert_eq!(wrong.to_string(), "用户名或密码不正确");
    assert_eq!(unknown.to_string(), wrong.to_string());
    let counted = store.login_failures("nobody", HOME, t(0)).unwrap();
    assert_eq!((counted.pair.count, counted.pair.last), (1, Some(t(1))));
}

fn seconds(s: i64) -> DateTime<Utc> {
    t(10) + Duration::seconds(s)
}

#[test]
fn a_clients_delay_grows_with_its_failures_and_is_never_a_lock() {
    let mut store = store_with_admin();
    let policy = Policy::default();
    let wrong = |store: &mut dyn Store, at| login(store, &policy, "admin", "wrong-password", ATTACKER, at);
    // Three free failures, then 1 s, 2 s, 4 s … after the last one.
    for s in 0..3 {
        assert!(matches!(
            wrong(&mut store, seconds(s)).unwrap_err(),
            LoginError::InvalidCredentials
        ));
    }
    let mut at = 2;
    for expected in [1, 2, 4, 8, 16] {
        let err = wrong(&mut store, seconds(at)).unwrap_err();
        assert!(
            matches!(err, LoginError::Throttled { seconds: wait, until } if wait == expected && until == seconds(at + expected)),
            "after {at} s: {err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!("登录失败次数过多，请在 {expected} 秒后再试")
        );
        // Waiting out the delay gives one more try (which fails and doubles it).
        at += expected;
        assert!(matches!(
            wrong(&mut store, seconds(at)).unwrap_err(),
            LoginError::InvalidCredentials
        ));
    }
    // Capped: however many failures, the wait is at most five minutes.
    let capped = Policy::default().per_pair;
    assert_eq!(capped.delay(3), Some(Duration::seconds(1)));
    assert_eq!(capped.delay(40), Some(Duration::minutes(5)));
    assert_eq!(capped.delay(u32::MAX), Some(Duration::minutes(5)));
    // The right password from the attacker's address waits too, and is not counted.
    let err = login(&mut store, &policy, "admin", PASSWORD, ATTACKER, seconds(at)).unwrap_err();
    assert!(matches!(err, LoginError::Throttled { .. }), "{err:?}");
    assert_eq!(
        store.login_failures("admin", ATTACKER, t(0)).unwrap().pair.count,
        8
    );
    assert!(actions(&store).contains(&"admin user_login_throttled".to_owned()));
}

#[test]
fn a_flood_from_one_client_does_not_keep_the_user_out_at_another() {
    let mut store = store_with_admin();
    let policy = Policy::default();
    // Forty wrong passwords for the administrator, as fast as allowed, and
    // two hundred random usernames, all from the attacker's address.
    let mut at = seconds(0);
    for _ in 0..40 {
        match login(&mut store, &policy, "admin", "wrong-password", ATTACKER, at) {
            Err(LoginError::Throttled { until, .. }) => at = until,
            other => assert!(matches!(other, Err(LoginError::InvalidCredentials)), "{other:?}"),
        }
    }
    for i in 0..200 {
        let _ = login(&mut store, &policy, &format!("random-{i}"), "x", ATTACKER, at);
    }
    // The administrator signs in at once from the office.
    login(&mut store, &policy, "admin", PASSWORD, HOME, at).unwrap();
    // Even after a typo there: a second try after at most the per-username delay.
    let typo = login(&mut store, &policy, "admin", "typo-password", HOME, at).unwrap_err();
    assert!(matches!(typo, LoginError::InvalidCredentials), "{typo:?}");
    let next = match login(&mut store, &policy, "admin", PASSWORD, HOME, at) {
        Ok(_) => at,
        Err(LoginError::Throttled { until, .. }) => until,
        Err(other) => panic!("{other:?}"),
    };
    assert!(next - at <= policy.per_username.max_delay, "{:?}", next - at);
    login(&mut store, &policy, "admin", PASSWORD, HOME, next).unwrap();
    // Signing in clears the office's failures, not the attacker's.
    assert_eq!(store.login_failures("admin", HOME, t(0)).unwrap().pair.count, 0);
    assert!(store.login_failures("admin", ATTACKER, t(0)).unwrap().pair.count > 3);
}

#[test]
fn many_usernames_from_one_client_slow_that_client_down() {
    let mut store = store_with_admin();
    let policy = Policy::default();
    for i in 0..10 {
        let err = login(
            &mut store,
            &policy,
            &format!("guess-{i}"),
            "x",
            ATTACKER,
            seconds(0),
        )
        .unwrap_err();
        assert!(matches!(err, LoginError::InvalidCredentials), "{i}: {err:?}");
    }
    // The eleventh username, never tried before, waits: the client is throttled.
    let err = login(&mut store, &policy, "guess-new", "x", ATTACKER, seconds(0)).unwrap_err();
    assert!(matches!(err, LoginError::Throttled { seconds: 1, .. }), "{err:?}");
    // Unknown usernames are throttled like known ones, so they cannot be told apart.
    for s in 0..3 {
        let _ = login(&mut store, &policy, "ghost", "x", HOME, seconds(s));
    }
    let err = login(&mut store, &policy, "ghost", "x", HOME, seconds(2)).unwrap_err();
    assert!(matches!(err, LoginError::Throttled { .. }), "{err:?}");
}

#[test]
fn failures_older_than_the_window_are_forgotten() {
    let mut store = store_with_admin();
    let policy = Policy::default();
    for s in 0..6 {
        let _ = login(
            &mut store,
            &policy,
            "admin",
            "wrong-password",
            ATTACKER,
            seconds(s * 100),
        );
    }
    let later = seconds(500) + policy.failure_window;
    let err = login(&mut store, &policy, "admin", "wrong-password", ATTACKER, later).unwrap_err();
    assert!(matches!(err, LoginError::InvalidCredentials), "{err:?}");
}

#[test]
fn sessions_end_when_idle_or_at_their_absolute_end() {
    let mut store = store_with_admin();
    let policy = Policy {
        idle_timeout: Duration::minutes(30),
        absolute_timeout: Duration::minutes(120),
        ..Policy::default()
    };
    let busy = login(&mut store, &policy, "admin", PASSWORD, HOME, t(0)).unwrap();
    let idle = login(&mut store, &policy, "admin", PASSWORD, HOME, t(0)).unwrap();
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
    let session = login(&mut store, &policy, "admin", PASSWORD, HOME, t(0)).unwrap();
    let other = login(&mut store, &policy, "admin", PASSWORD, HOME, t(0)).unwrap();
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
    // A second administrator, so the first is not the last one active.
    add_user(
        &mut store,
        "cli",
        &NewUser {
            username: "deputy",
            display_name: "",
            role: Role::CityAdmin,
            scope: Scope::City {
                city: AreaCode::parse("3701").unwrap(),
            },
            password: PASSWORD,
        },
        t(0),
    )
    .unwrap();
    let session = login(&mut store, &policy, "admin", PASSWORD, HOME, t(0)).unwrap();
    set_active(&mut store, "cli", "admin", false, t(1)).unwrap();
    assert!(principal(&mut store, &policy, &session.token, t(2))
        .unwrap()
        .is_none());
    let err = login(&mut store, &policy, "admin", PASSWORD, HOME, t(3)).unwrap_err();
    assert_eq!(err.to_string(), "该账号已停用，请联系市级管理员");
    // A disabled account with a wrong password looks like any wrong password.
    assert!(matches!(
        login(&mut store, &policy, "admin", "wrong-password", HOME, t(3)).unwrap_err(),
        LoginError::InvalidCredentials
    ));

    set_active(&mut store, "cli", "admin", true, t(4)).unwrap();
    let session = login(&mut store, &policy, "admin", PASSWORD, HOME, t(5)).unwrap();
    set_password(&mut store, "cli", "admin", "copper-violin-harbor-82", t(6)).unwrap();
    assert!(principal(&mut store, &policy, &session.token, t(7))
        .unwrap()
        .is_none());
    login(
        &mut store,
        &policy,
        "admin",
        "copper-violin-harbor-82",
        HOME,
        t(8),
    )
    .unwrap();
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
    let session = login(&mut store, &policy, "admin", PASSWORD, HOME, t(0)).unwrap();
    let hash = parse_token(&session.token).unwrap();
    let at = t(0) + Duration::seconds(30);
    principal(&mut store, &policy, &session.token, at).unwrap();
    assert_eq!(store.session(&hash, at).unwrap().unwrap().last_seen, t(0));
    principal(&mut store, &policy, &session.token, t(2)).unwrap();
    assert_eq!(store.session(&hash, t(2)).unwrap().unwrap().last_seen, t(2));
}
