//! Hostile input: markup in names, forged or missing CSRF tokens, session
//! cookies replayed after logout, SQL-looking search strings, and password
//! guessing.

use store::prelude::*;

use crate::{fixture, heading_count, is_refusal, shared, Browser, Server, Who, FORBIDDEN, XSS_NAME};

const ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;";

#[test]
fn a_school_named_like_a_script_is_shown_as_text() {
    let f = fixture();
    let server = shared();
    for who in [Who::Admin, Who::County] {
        let browser = Browser::as_role(server, who);
        for path in [
            format!("/areas/{}?indicator=student_count", f.xss_township),
            format!("/areas/{}", f.xss_township),
            format!("/schools/{}", f.xss_school),
            format!("/indicators/student_count?area={}", f.xss_township),
        ] {
            let page = browser.get(&path);
            assert_eq!(page.status, 200, "{path}");
            let text = page.text();
            assert!(
                !text.contains(XSS_NAME),
                "{path} as {}: raw markup in the page",
                who.label()
            );
            assert!(!text.contains("<script>alert"), "{path}");
            if path.starts_with("/schools/") || path.contains("student_count") {
                assert!(
                    text.contains(ESCAPED),
                    "{path} as {}: the name is not shown",
                    who.label()
                );
            }
        }
        // The API gives the name as data, in JSON.
        let api = browser.get(&format!("/api/schools/{}", f.xss_school));
        assert_eq!(api.status, 200);
        assert!(api
            .header("content-type")
            .unwrap_or_default()
            .starts_with("application/json"));
        assert_eq!(api.json()["school"]["name"], XSS_NAME);
    }
    // No page allows inline scripts, whatever slips through.
    let page = Browser::new(server).get("/");
    let csp = page.header("content-security-policy").unwrap();
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap_or_else(|| panic!("no script-src in {csp}"));
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
}

/// The users as the database holds them: (username, active).
fn users(server: &Server) -> Vec<(String, bool)> {
    server
        .store()
        .users()
        .unwrap()
        .into_iter()
        .map(|u| (u.username, u.active))
        .collect()
}

#[test]
fn forged_or_missing_csrf_tokens_change_nothing() {
    let server = Server::fresh("csrf");
    let admin = Browser::as_role(&server, Who::Admin);
    let real = admin.csrf();
    // Another session's token is a forgery for this one.
    let county = Browser::as_role(&server, Who::County);
    let foreign = county.csrf();
    assert_ne!(real, foreign);
    let users_before = users(&server);
    let revision_before = server.store().registry_revision().unwrap();

    let forged: [Option<&str>; 5] = [
        Some("0000000000000000000000000000000000000000000"),
        Some(&foreign),
        Some(""),
        Some(&real[..real.len() - 1]),
        None,
    ];
    for token in forged {
        let label = format!("{token:?}");
        let with = |mut form: Vec<(&'static str, String)>| {
            if let Some(t) = token {
                form.push(("csrf", t.to_owned()));
            }
            form
        };
        let post = |path: &str, form: Vec<(&'static str, String)>| {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            admin.post_form(path, &pairs)
        };
        let refused = |status: u16| match token {
            // A form without the field is rejected before the handler: 422
            // from axum's form extractor (403 for the multipart upload).
            None => status == 422 || status == 403,
            Some(_) => status == 403,
        };

        let add = post(
            "/admin/users",
            with(vec![
                ("username", "mallory".into()),
                ("display_name", "Mallory".into()),
                ("role", "city_admin".into()),
                ("scope", "3701".into()),
                ("password", "mallory-password-1".into()),
            ]),
        );
        assert!(refused(add.status), "add user with {label}: {}", add.status);
        let disable = post(
            "/admin/users/active",
            with(vec![
                ("username", "demo-analyst".into()),
                ("active", "false".into()),
            ]),
        );
        assert!(
            refused(disable.status),
            "disable with {label}: {}",
            disable.status
        );
        let logout = post("/logout", with(vec![]));
        assert!(refused(logout.status), "logout with {label}: {}", logout.status);
        assert_eq!(admin.me(), (true, "demo-admin".to_owned()), "logout with {label}");

        let (file, _) = promote_a_teacher(|school| fixture().county_schools.iter().any(|s| s == school));
        let upload = admin.post_upload(token, "teachers.csv", &file, true);
        assert!(refused(upload.status), "import with {label}: {}", upload.status);

        assert_eq!(users(&server), users_before, "with {label}");
        assert_eq!(
            server.store().registry_revision().unwrap(),
            revision_before,
            "with {label}"
        );
    }
    // The login form's own token: the cookie and the field must agree.
    let browser = Browser::new(&server);
    browser.get("/login");
    let resp = browser.post_form(
        "/login",
        &[
            ("username", "demo-admin"),
            ("password", "demo-admin-2024!"),
            ("csrf", "forged"),
        ],
    );
    assert_eq!(resp.status, 403);
    assert_eq!(browser.cookie(accounts::SESSION_COOKIE), None);
    // And the real token still works.
    let logout = admin.post_form("/logout", &[("csrf", &real)]);
    assert_eq!(logout.status, 303);
    assert!(!admin.me().0);
}

/// A teachers CSV: the header and one row of the latest year, of a school
/// for which `pick(school code)` holds, with 骨干教师级别 无 changed to 省级.
/// Returns the file and the school's code.
pub fn promote_a_teacher(pick: impl Fn(&str) -> bool) -> (String, String) {
    let text = std::fs::read_to_string(&fixture().teachers_csv).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let position = |name: &str| {
        header
            .split(',')
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} in {header}"))
    };
    let (level, school) = (position("骨干教师级别"), position("学校标识码"));
    let cells: Vec<&str> = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|cells| pick(cells[school]) && cells[level] == "无")
        .unwrap_or_else(|| panic!("no teacher to promote in {}", fixture().teachers_csv.display()));
    let code = cells[school].to_owned();
    let row = cells
        .iter()
        .enumerate()
        .map(|(i, cell)| if i == level { "省级" } else { cell })
        .collect::<Vec<_>>()
        .join(",");
    (format!("{header}\n{row}\n"), code)
}

#[test]
fn a_session_cookie_replayed_after_logout_signs_nobody_in() {
    let server = Server::fresh("replay");
    let admin = Browser::as_role(&server, Who::Admin);
    let token = admin.cookie(accounts::SESSION_COOKIE).expect("a session cookie");
    let csrf = admin.csrf();
    assert_eq!(admin.me(), (true, "demo-admin".to_owned()));

    let logout = admin.post_form("/logout", &[("csrf", &csrf)]);
    assert_eq!(logout.status, 303);
    assert_eq!(logout.location().as_deref(), Some("/login"));

    // An attacker who kept the cookie sends it again.
    let replay = Browser::new(&server);
    let cookie = format!("{}={token}", accounts::SESSION_COOKIE);
    let send = |path: &str| {
        replay.send(
            replay
                .bare()
                .get(replay.url(path))
                .header(reqwest::header::COOKIE, &cookie),
        )
    };
    let me = send("/api/me").json();
    assert_eq!(me["signed_in"], false, "{me}");
    assert_eq!(me["principal"]["role"], "public", "{me}");
    let users = send("/admin/users");
    assert!(users.text().contains(FORBIDDEN), "{}", users.status);
    assert!(!users.text().contains("demo-analyst"));
    let school = send(&format!("/api/schools/{}", fixture().own_school));
    assert_eq!(school.status, 403);
    // Its old CSRF token is dead too.
    let add = replay.send(
        replay
            .bare()
            .post(replay.url("/admin/users"))
            .header(reqwest::header::COOKIE, &cookie)
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", "mallory"),
                ("display_name", "Mallory"),
                ("role", "city_admin"),
                ("scope", "3701"),
                ("password", "mallory-password-1"),
            ]),
    );
    assert_eq!(add.status, 403);
    assert!(server.store().user_by_name("mallory").unwrap().is_none());
}

#[test]
fn sql_looking_searches_match_only_themselves() {
    let f = fixture();
    let server = shared();
    let admin = Browser::as_role(server, Who::Admin);
    let school = |query: &str| {
        let path = format!("/schools/{}?q={}", f.own_school, crate::urlencode(query));
        let page = admin.get(&path);
        assert_eq!(page.status, 200, "{path}: {}", page.text());
        let api = admin.get(&format!(
            "/api/schools/{}?q={}",
            f.own_school,
            crate::urlencode(query)
        ));
        assert_eq!(api.status, 200, "{path}");
        let total = api.json()["students"]["total"].as_u64().unwrap();
        let shown = heading_count(&page.text(), "学生").unwrap_or_else(|| panic!("{path}: no student count"));
        assert_eq!(shown, total, "{path}: page and API disagree");
        total
    };
    let path = format!("/schools/{}", f.own_school);
    let all = heading_count(&admin.get(&path).text(), "学生").unwrap();
    assert!(all > 0, "the school has students");
    assert_eq!(school(""), all);
    let schools_before = server.store().schools().unwrap().len();
    for query in [
        "' OR 1=1 --",
        "' OR '1'='1",
        "%",
        "_",
        "%%",
        "\\",
        "\"; DROP TABLE student; --",
        "'; DELETE FROM enrolment; --",
        "1班' UNION SELECT * FROM users --",
    ] {
        let found = school(query);
        assert!(found < all, "{query:?} matched {found} of {all}");
        assert_eq!(found, 0, "{query:?} matched {found}");
    }
    // Other places a string reaches the database.
    let audit = admin.get("/admin/audit?actor=' OR 1=1 --");
    assert_eq!(audit.status, 200);
    assert!(
        !audit.text().contains("demo-admin</td>"),
        "the actor filter matched everyone"
    );
    let area = admin.get("/api/areas/3701' OR '1'='1");
    assert_eq!(area.status, 404);
    let indicator = admin.get("/api/indicators/large_class_count' OR 1=1 --");
    assert_eq!(indicator.status, 404);
    // The database is intact.
    assert_eq!(heading_count(&admin.get(&path).text(), "学生"), Some(all));
    assert_eq!(server.store().schools().unwrap().len(), schools_before);
    assert!(server.store().user_by_name("demo-admin").unwrap().is_some());
}

#[test]
fn a_disabled_account_loses_its_session_at_once() {
    let server = Server::fresh("disable");
    let admin = Browser::as_role(&server, Who::Admin);
    let analyst = Browser::as_role(&server, Who::Analyst);
    assert_eq!(analyst.me(), (true, "demo-analyst".to_owned()));
    let set = |active: &str| {
        admin.post_form(
            "/admin/users/active",
            &[
                ("csrf", &admin.csrf()),
                ("username", "demo-analyst"),
                ("active", active),
            ],
        )
    };
    assert_eq!(set("false").status, 303);
    assert!(!analyst.me().0);
    assert!(is_refusal(
        &analyst.get(&format!("/schools/{}", fixture().own_school)).text()
    ));
    let again = Browser::new(&server);
    let resp = again.login("demo-analyst", "demo-analyst-2024!");
    assert_eq!(resp.status, 401);
    assert!(resp.text().contains("该账号已停用"), "{}", resp.text());
    // Enabling the account does not revive the old session.
    assert_eq!(set("true").status, 303);
    assert!(!analyst.me().0);
}

#[test]
fn session_cookies_are_http_only_and_same_site() {
    let server = shared();
    let browser = Browser::new(server);
    // As a browser signs in, tried again while another test's login of
    // this address is being checked (429 "busy").
    let resp = browser.login("demo-analyst", "demo-analyst-2024!");
    assert_eq!(resp.status, 303);
    let cookies: Vec<String> = resp
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with(&format!("{}=", accounts::SESSION_COOKIE)))
        .unwrap_or_else(|| panic!("no session cookie in {cookies:?}"));
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(flag), "{session}");
    }
    // The token is long and random, not the username or a counter.
    let token = browser.cookie(accounts::SESSION_COOKIE).unwrap();
    assert!(token.len() >= 43, "{token}");
    assert!(!token.contains("demo"));
}

/// The language switch goes back to the page the browser came from, on
/// this site only: never to another host, however the Referer is written.
fn language_switch_stays_on_site(referers: &[&str]) {
    let browser = Browser::new(shared());
    for referer in referers {
        let resp = browser.send(
            browser
                .bare()
                .get(browser.url("/lang/en"))
                .header(reqwest::header::REFERER, *referer),
        );
        assert_eq!(resp.status, 303, "{referer}");
        let location = resp.location().unwrap();
        assert!(location.starts_with('/'), "{referer} → {location}");
        // Browsers read `\` as `/` in http(s) URLs: `/\host` is `//host`.
        assert!(
            !location.starts_with("//") && !location.starts_with("/\\"),
            "{referer} → {location}: another host"
        );
    }
}

#[test]
fn the_language_switch_redirects_only_within_the_site() {
    language_switch_stays_on_site(&[
        "http://evil.example/",
        "http://evil.example//evil.example/x",
        "http://evil.example/%2F%2Fevil.example",
        "javascript:alert(1)",
        "//evil.example/x",
    ]);
}

#[test]
fn the_language_switch_does_not_follow_a_backslash_to_another_host() {
    language_switch_stays_on_site(&["http://evil.example/\\evil.example/x"]);
}
