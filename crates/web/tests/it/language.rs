//! Every label and message in the chosen language: errors too, wherever
//! they are raised.

use crate::{fixture, shared, Browser, Server, Who};

/// Chinese characters in a text: what an English page must not show
/// outside the data (names of places and schools) and the language switch.
fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A request of a browser with its session's CSRF token.
type Call = Box<dyn Fn(&Browser, &str) -> crate::Resp>;

fn in_english(browser: &Browser) {
    assert_eq!(browser.get("/lang/en").status, 303);
}

#[test]
fn error_answers_follow_the_chosen_language() {
    let server = shared();
    let zh = Browser::as_role(server, Who::Admin);
    let en = Browser::as_role(server, Who::Admin);
    in_english(&en);
    let en_csrf = en.csrf();
    let cases: [(&str, Call, u16, &str, &str); 4] = [
        (
            "unknown route",
            Box::new(|b, _| b.get("/no/such/page")),
            404,
            "未找到",
            "Not found",
        ),
        (
            "unknown template",
            Box::new(|b, _| b.get("/templates/nothing.xlsx")),
            404,
            "未找到",
            "Not found",
        ),
        (
            "forged csrf",
            Box::new(|b, _| {
                b.post_form(
                    "/admin/users/active",
                    &[
                        ("csrf", "forged"),
                        ("username", "demo-analyst"),
                        ("active", "true"),
                    ],
                )
            }),
            403,
            "表单已过期，请刷新页面后重试",
            "The form has expired; reload the page and try again",
        ),
        (
            "upload without a file",
            Box::new(|b, csrf| {
                let form = reqwest::multipart::Form::new().text("csrf", csrf.to_owned());
                b.send(b.bare_with_cookies().post(b.url("/import")).multipart(form))
            }),
            400,
            "没有上传文件",
            "No file was uploaded",
        ),
    ];
    let zh_csrf = zh.csrf();
    for (label, request, status, zh_text, en_text) in &cases {
        let resp = request(&zh, &zh_csrf);
        assert_eq!(resp.status, *status, "{label}: {}", resp.text());
        assert!(resp.text().contains(zh_text), "{label}: {}", resp.text());
        let resp = request(&en, &en_csrf);
        assert_eq!(resp.status, *status, "{label}: {}", resp.text());
        assert!(resp.text().contains(en_text), "{label}: {}", resp.text());
        assert!(!has_chinese(&resp.text()), "{label}: {}", resp.text());
    }

    // The API's refusal.
    let code = &fixture().foreign_school;
    let county = Browser::as_role(server, Who::County);
    let message = |b: &Browser| b.get(&format!("/api/schools/{code}")).json()["message"].clone();
    assert_eq!(message(&county), "无权访问：该内容不在您的权限范围内");
    in_english(&county);
    assert_eq!(message(&county), "Forbidden: this is outside your scope");
}

#[test]
fn login_errors_follow_the_chosen_language() {
    let server = Server::fresh("login-language");
    let browser = Browser::new(&server);
    in_english(&browser);
    for _ in 1..=3 {
        let resp = browser.login("demo-analyst", "wrong-password-123");
        assert_eq!(resp.status, 401);
        assert!(
            resp.text().contains("Wrong username or password"),
            "{}",
            resp.text()
        );
    }
    // The client now waits a second: said in Chinese, as the accounts crate words it …
    let zh = Browser::new(&server);
    let resp = zh.login("demo-analyst", "demo-analyst-2024!");
    assert_eq!(resp.status, 429);
    assert!(
        resp.text().contains("登录失败次数过多，请在 1 秒后再试"),
        "{}",
        resp.text()
    );
    // … and in English.
    let resp = browser.login("demo-analyst", "demo-analyst-2024!");
    assert_eq!(resp.status, 429);
    let text = resp.text();
    assert!(
        text.contains("Too many failed sign-ins; try again in 1 seconds"),
        "{text}"
    );
}

#[test]
fn the_admin_pages_have_no_chinese_label_in_english() {
    let admin = Browser::as_role(shared(), Who::Admin);
    in_english(&admin);
    let page = admin.get("/admin/users").text();
    for label in ["Disable", "Add a user", "Scope code (city 3701"] {
        assert!(page.contains(label), "no {label:?}");
    }
    let main = &page[page.find("<main>").unwrap()..];
    // The demo users' display names are data, in Chinese; the table aside,
    // nothing is.
    let without_table = format!(
        "{}{}",
        &main[..main.find("<table").unwrap()],
        &main[main.find("</table>").unwrap()..]
    );
    assert!(!has_chinese(&without_table), "{without_table}");
    let area = admin.get("/areas/3701").text();
    assert!(area.contains(">OK</button>"));
    let zh = Browser::as_role(shared(), Who::Admin);
    let area = zh.get("/areas/3701").text();
    assert!(area.contains(">确定</button>"));
}
