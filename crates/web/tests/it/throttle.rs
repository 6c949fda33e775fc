//! No one can lock a user out (issue 10, point 6): failed logins slow down
//! the client that made them, never the account; password hashing is
//! bounded; weak passwords are refused; the last city administrator stays.

use std::time::{Duration, Instant};

use crate::{hidden_csrf, Browser, Resp, Server, Who};

/// A server behind a trusted proxy at 127.0.0.1, so the tests can speak for
/// several clients with `X-Forwarded-For`.
fn behind_proxy(name: &str, config: web::ServerConfig) -> Server {
    Server::fresh_with(
        name,
        web::ServerConfig {
            trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
            ..config
        },
    )
}

/// Signs in as a browser does, with `X-Forwarded-For: client`.
fn login_from(browser: &Browser, client: &str, username: &str, password: &str) -> Resp {
    let page = browser.get("/login");
    let csrf = hidden_csrf(&page.text()).unwrap();
    browser.send(
        browser
            .bare_with_cookies()
            .post(browser.url("/login"))
            .header("x-forwarded-for", client)
            .form(&[("username", username), ("password", password), ("csrf", &csrf)]),
    )
}

const ATTACKER: &str = "203.0.113.7";
const OFFICE: &str = "198.51.100.1";

#[test]
fn wrong_passwords_slow_the_client_down_but_never_lock_the_account() {
    let server = behind_proxy("throttle", web::ServerConfig::default());
    let attacker = Browser::new(&server);
    for attempt in 1..=3 {
        let resp = login_from(&attacker, ATTACKER, "demo-analyst", "wrong-password-123");
        assert_eq!(resp.status, 401, "attempt {attempt}");
        assert!(resp.text().contains("用户名或密码不正确"), "attempt {attempt}");
    }
    // The fourth waits a second; even the right password from there.
    let resp = login_from(&attacker, ATTACKER, "demo-analyst", "demo-analyst-2024!");
    assert_eq!(resp.status, 429, "{}", resp.text());
    assert!(
        resp.text().contains("登录失败次数过多，请在 1 秒后再试"),
        "{}",
        resp.text()
    );
    assert_eq!(resp.header("retry-after").as_deref(), Some("1"));
    assert_eq!(attacker.cookie(accounts::SESSION_COOKIE), None);
    // The user, at the office, signs in at once: the account is not locked.
    let user = Browser::new(&server);
    let resp = login_from(&user, OFFICE, " DEMO-ANALYST ", "demo-analyst-2024!");
    assert_eq!(resp.status, 303, "{}", resp.text());
    assert_eq!(user.me(), (true, "demo-analyst".to_owned()));
    // After the delay the attacker may try again, once, and then waits longer.
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(
        login_from(&attacker, ATTACKER, "demo-analyst", "wrong-password-123").status,
        401
    );
    let resp = login_from(&attacker, ATTACKER, "demo-analyst", "wrong-password-123");
    assert_eq!(resp.status, 429);
    assert_eq!(resp.header("retry-after").as_deref(), Some("2"));
    // In English too.
    let english = Browser::new(&server);
    english.get("/lang/en");
    let resp = login_from(&english, ATTACKER, "demo-analyst", "wrong-password-123");
    assert!(
        resp.text().contains("Too many failed sign-ins; try again in"),
        "{}",
        resp.text()
    );
}

#[test]
fn without_a_trusted_proxy_x_forwarded_for_is_ignored() {
    // A client cannot escape its delay by claiming another address.
    let server = Server::fresh("throttle-no-proxy");
    let attacker = Browser::new(&server);
    for i in 0..3 {
        let resp = login_from(
            &attacker,
            &format!("10.0.0.{i}"),
            "demo-analyst",
            "wrong-password-123",
        );
        assert_eq!(resp.status, 401);
    }
    let resp = login_from(&attacker, "10.0.0.99", "demo-analyst", "wrong-password-123");
    assert_eq!(resp.status, 429, "{}", resp.text());
}

#[test]
fn many_usernames_from_one_client_slow_that_client_only() {
    let server = behind_proxy("throttle-usernames", web::ServerConfig::default());
    let attacker = Browser::new(&server);
    for i in 0..10 {
        let resp = login_from(&attacker, ATTACKER, &format!("guess-{i}"), "wrong-password-123");
        assert_eq!(resp.status, 401, "{i}");
    }
    assert_eq!(login_from(&attacker, ATTACKER, "guess-new", "x").status, 429);
    let user = Browser::new(&server);
    assert_eq!(
        login_from(&user, OFFICE, "demo-admin", "demo-admin-2024!").status,
        303
    );
}

#[test]
fn password_hashing_is_bounded_and_excess_logins_are_refused_at_once() {
    let server = behind_proxy(
        "hash-slots",
        web::ServerConfig {
            hash_slots: 1,
            hash_queue: 1,
            ..web::ServerConfig::default()
        },
    );
    // Twelve clients at once, each with a random username.
    let browsers: Vec<Browser> = (0..12).map(|_| Browser::new(&server)).collect();
    let start = Instant::now();
    let answers: Vec<(u16, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = browsers
            .iter()
            .enumerate()
            .map(|(i, browser)| {
                scope.spawn(move || {
                    let resp = login_from(browser, &format!("192.0.2.{i}"), &format!("random-{i}"), "x");
                    (resp.status, resp.text())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let busy = answers
        .iter()
        .filter(|(status, text)| *status == 429 && text.contains("正在登录的人太多，请稍后再试"))
        .count();
    let checked = answers.iter().filter(|(status, _)| *status == 401).count();
    assert_eq!(busy + checked, answers.len(), "{answers:?}");
    assert!(busy >= 1 && checked >= 1, "{busy} refused, {checked} checked");
    // One slot and one waiting: nothing queued for long.
    assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
}

#[test]
fn weak_passwords_are_refused_when_an_administrator_adds_a_user() {
    let server = Server::fresh("weak-password");
    let admin = Browser::as_role(&server, Who::Admin);
    for weak in ["password12345678", "qwertyuiop123456", "short-but-ok"] {
        let resp = admin.post_form(
            "/admin/users",
            &[
                ("csrf", &admin.csrf()),
                ("username", "new.officer"),
                ("display_name", "新数据员"),
                ("role", "county_officer"),
                ("scope", crate::COUNTY),
                ("password", weak),
            ],
        );
        let text = resp.text();
        assert!(
            text.contains("密码太常见或太容易猜到") || text.contains("密码至少需要 15 个字符"),
            "{weak}: {text}"
        );
    }
    use store::AccountStore;
    assert!(server.store().user_by_name("new.officer").unwrap().is_none());
}

#[test]
fn the_last_city_administrator_cannot_be_disabled_in_the_web() {
    let server = Server::fresh("last-admin");
    let admin = Browser::as_role(&server, Who::Admin);
    let resp = admin.post_form(
        "/admin/users/active",
        &[
            ("csrf", &admin.csrf()),
            ("username", "demo-admin"),
            ("active", "false"),
        ],
    );
    assert_eq!(resp.status, 409, "{}", resp.text());
    assert!(
        resp.text()
            .contains("不能停用“demo-admin”：它是最后一个启用的市级管理员"),
        "{}",
        resp.text()
    );
    assert_eq!(admin.me(), (true, "demo-admin".to_owned()));
}

/// One client's logins are checked one at a time: parallel guesses cannot
/// all pass the throttle before the first failure is recorded (the client
/// gets three free failures for a username, not one per parallel request).
#[test]
fn parallel_guesses_from_one_client_are_checked_one_at_a_time() {
    let server = behind_proxy("parallel-guesses", web::ServerConfig::default());
    let browsers: Vec<Browser> = (0..10).map(|_| Browser::new(&server)).collect();
    let answers: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = browsers
            .iter()
            .map(|browser| {
                scope.spawn(move || login_from(browser, ATTACKER, "demo-admin", "wrong-password-1").status)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let checked = answers.iter().filter(|s| **s == 401).count();
    assert!(answers.iter().all(|s| *s == 401 || *s == 429), "{answers:?}");
    let store = server.store();
    let since = chrono::Utc::now() - chrono::Duration::hours(1);
    let recorded = store::AccountStore::login_failures(&*store, "demo-admin", ATTACKER, since)
        .unwrap()
        .pair
        .count as usize;
    assert_eq!(recorded, checked, "{answers:?}");
    assert!(checked <= 4, "{checked} guesses checked at once: {answers:?}");
}
