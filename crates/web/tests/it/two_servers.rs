//! Two servers on one database, as behind a load balancer (issue 13,
//! point 4): each has its own pools and caches, and they share what the
//! database holds — sessions, the failed logins the throttle counts, and
//! the registry, whose revision tells each one when its computed
//! indicators, overviews and school records are stale. Run on PostgreSQL
//! (`EDUGOV_TEST_BACKEND=postgres`) this is the multi-server deployment; on
//! SQLite, two processes on one file.

use crate::hostile::promote_a_teacher;
use crate::{fixture, hidden_csrf, Browser, Resp, Server, Who};

/// The number of key teachers (all stages) of an area, from the API.
fn key_teachers(browser: &Browser, area: &str) -> f64 {
    let resp = browser.get(&format!("/api/indicators/key_teacher_share?area={area}"));
    assert_eq!(resp.status, 200, "{}", resp.text());
    resp.json()["value"]["numerator"].as_f64().unwrap()
}

/// The school's teachers at the provincial level, from its page's API.
fn provincial_teachers(browser: &Browser, school: &str) -> usize {
    let resp = browser.get(&format!("/api/schools/{school}"));
    assert_eq!(resp.status, 200, "{}", resp.text());
    resp.json()["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["key_teacher_level"] == "province")
        .count()
}

/// A browser on `server` holding the session `token` (made elsewhere).
fn with_session(server: &Server, token: &str) -> Browser {
    let browser = Browser::new(server);
    browser.set_cookie(accounts::SESSION_COOKIE, token);
    browser
}

/// A schools file adding one primary school to the county.
const NEW_SCHOOL: &str = "学校标识码,学校名称,所在区县代码,乡镇街道代码,学段,办学性质,是否普惠,优质园等级,城乡分类,学前学位,小学学位,初中学位,高中学位,中职学位,特教学位,教育集团,经度,纬度\n\
     2370112998,历城新建小学,370112,,小学,公办,否,,城区,,600,,,,,,,\n";

#[test]
fn a_session_made_on_one_server_is_accepted_and_ended_on_the_other() {
    let a = Server::fresh("twins-session");
    let b = a.twin(web::ServerConfig::default());
    let on_a = Browser::as_role(&a, Who::County);
    let token = on_a.cookie(accounts::SESSION_COOKIE).unwrap();
    let on_b = with_session(&b, &token);
    assert_eq!(on_b.me(), (true, "demo-county".to_owned()));
    // A page that needs the session: the county officer's import form,
    // and its CSRF token is the session's, whichever server rendered it.
    let form = on_b.get("/import");
    assert_eq!(form.status, 200, "{}", form.text());
    assert_eq!(hidden_csrf(&form.text()), Some(on_a.csrf()));

    // Signed out through B: A no longer knows the session either.
    let logout = on_b.post_form("/logout", &[("csrf", &on_a.csrf())]);
    assert_eq!(logout.status, 303, "{}", logout.text());
    assert!(!on_a.me().0, "A still accepts a session ended on B");
}

#[test]
fn failed_logins_through_one_server_throttle_the_same_client_on_the_other() {
    let proxy = web::ServerConfig {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..web::ServerConfig::default()
    };
    let a = Server::fresh_with("twins-throttle", proxy.clone());
    let b = a.twin(proxy);
    let attacker = "203.0.113.9";
    let login = |browser: &Browser, password: &str| -> Resp {
        let page = browser.get("/login");
        let csrf = hidden_csrf(&page.text()).unwrap();
        browser.send(
            browser
                .bare_with_cookies()
                .post(browser.url("/login"))
                .header("x-forwarded-for", attacker)
                .form(&[
                    ("username", "demo-analyst"),
                    ("password", password),
                    ("csrf", &csrf),
                ]),
        )
    };
    let through_a = Browser::new(&a);
    for attempt in 1..=3 {
        let resp = login(&through_a, "wrong-password-123");
        assert_eq!(resp.status, 401, "attempt {attempt}: {}", resp.text());
    }
    // The next guess goes to B, which has seen none of them itself.
    let through_b = Browser::new(&b);
    let resp = login(&through_b, "demo-analyst-2024!");
    assert_eq!(resp.status, 429, "B did not count A's failures: {}", resp.text());
    assert!(resp.text().contains("登录失败次数过多"), "{}", resp.text());
    assert_eq!(through_b.cookie(accounts::SESSION_COOKIE), None);
}

#[test]
fn an_import_through_one_server_moves_what_the_other_serves_at_once() {
    let a = Server::fresh("twins-import");
    let b = a.twin(web::ServerConfig::default());
    let admin_a = Browser::as_role(&a, Who::Admin);
    let admin_b = Browser::as_role(&b, Who::Admin);
    let (file, school) = promote_a_teacher(|school| fixture().county_schools.iter().any(|s| s == school));
    // B computes and caches everything first: its indicators, the
    // overview, the school's records.
    let city = key_teachers(&admin_b, "3701");
    let county = key_teachers(&admin_b, crate::COUNTY);
    let school_before = provincial_teachers(&admin_b, &school);
    let overview_before = admin_b.get("/api/overview").json();

    let commit = admin_a.post_upload(Some(&admin_a.csrf()), "teachers.csv", &file, true);
    assert_eq!(commit.status, 200);
    assert!(commit.text().contains("已导入 1"), "{}", commit.text());

    // B's very next answers have it, without a restart or a wait.
    assert_eq!(key_teachers(&admin_b, "3701"), city + 1.0);
    assert_eq!(key_teachers(&admin_b, crate::COUNTY), county + 1.0);
    assert_eq!(provincial_teachers(&admin_b, &school), school_before + 1);
    assert_eq!(key_teachers(&admin_a, "3701"), city + 1.0);

    // A new school with one class of 60 through A: the city's 大班额 on
    // B's overview (cached with its indicators) moves.
    let year = overview_before["school_year"].as_u64().unwrap();
    let classes = format!("学年,学校标识码,学段,年级,班级,班额\n{year},2370112998,小学,一年级,1班,60\n");
    for (name, file) in [("schools.csv", NEW_SCHOOL.to_owned()), ("classes.csv", classes)] {
        let commit = admin_a.post_upload(Some(&admin_a.csrf()), name, &file, true);
        assert!(commit.text().contains("已导入 1"), "{name}: {}", commit.text());
    }
    let overview_after = admin_b.get("/api/overview").json();
    assert_eq!(overview_after["school_year"], overview_before["school_year"]);
    assert_ne!(
        overview_after["indicators"], overview_before["indicators"],
        "B's overview is the one cached before the import"
    );
    let found = admin_b.get("/api/schools/2370112998");
    assert_eq!(
        found.status,
        200,
        "B does not know the new school: {}",
        found.text()
    );
}
