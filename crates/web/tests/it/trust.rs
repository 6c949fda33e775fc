//! Trust (issue 11, point 6): while the demo city is served every page and
//! answer says so; the header names the user's county or school; the
//! refusal page offers a way back, and is the same whether the thing asked
//! for exists or not.

use store::{ApplyOptions, ApplyOutcome};

use crate::{fixture, shared, Browser, Resp, Server, Who, COUNTY};

const BANNER: &str = "演示数据，非官方统计";
const BANNER_EN: &str = "Demo data — not official statistics";
const DEMO_HEADER: &str = "x-edugov-demo";

/// A server on a copy of the test city, marked as the demo the way
/// `edugov demo` marks it (an empty change set here).
fn demo_server(name: &str) -> Server {
    let server = Server::fresh(name);
    let outcome = server
        .store()
        .apply(
            &registry::ChangeSet::default(),
            ApplyOptions {
                mark_demo: true,
                ..ApplyOptions::default()
            },
            &mut |_, _| {},
        )
        .unwrap();
    assert!(matches!(outcome, ApplyOutcome::Committed(_)));
    server
}

/// Pages of every kind a user meets: public pages, the login form, a
/// refusal, signed-in pages, the import form and the administrator's.
fn pages(who: Who) -> Vec<String> {
    let f = fixture();
    let mut pages = vec![
        "/".to_owned(),
        "/indicators".to_owned(),
        "/indicators/large_class_count".to_owned(),
        format!("/schools/{}", f.foreign_school),
    ];
    match who {
        Who::Public => pages.push("/login".to_owned()),
        Who::Admin => {
            pages.extend(["/import", "/admin/users", "/admin/audit", "/transfers"].map(str::to_owned))
        }
        _ => {}
    }
    pages
}

fn shows_banner(resp: &Resp) -> bool {
    let text = resp.text();
    text.contains("class=\"demo-banner\"") && (text.contains(BANNER) || text.contains(BANNER_EN))
}

#[test]
fn while_the_demo_city_is_served_every_page_and_api_answer_says_so() {
    let server = demo_server("trust-demo");
    for who in [Who::Public, Who::Admin, Who::School] {
        let browser = Browser::as_role(&server, who);
        for path in pages(who) {
            let resp = browser.get(&path);
            assert!(shows_banner(&resp), "{who:?} {path}: no banner ({})", resp.status);
            assert!(resp.text().contains(BANNER), "{who:?} {path}");
            assert_eq!(resp.header(DEMO_HEADER).as_deref(), Some("1"), "{who:?} {path}");
        }
        for path in ["/api/me", "/api/overview", "/api/indicators", "/api/openapi.json"] {
            let resp = browser.get(path);
            assert_eq!(resp.status, 200, "{who:?} {path}");
            assert_eq!(resp.header(DEMO_HEADER).as_deref(), Some("1"), "{who:?} {path}");
        }
        // Not found, refused by the API: still the demo.
        let missing = browser.get("/no/such/page");
        assert_eq!(missing.status, 404);
        assert_eq!(missing.header(DEMO_HEADER).as_deref(), Some("1"));
    }
    // In English too.
    let browser = Browser::as_role(&server, Who::County);
    assert_eq!(browser.get("/lang/en").status, 303);
    let page = browser.get("/");
    assert!(page.text().contains(BANNER_EN), "{}", page.text());
    assert!(!page.text().contains(BANNER));
}

#[test]
fn a_real_registry_shows_no_demo_banner_and_no_demo_header() {
    for who in [Who::Public, Who::Admin, Who::School] {
        let browser = Browser::as_role(shared(), who);
        for path in pages(who)
            .iter()
            .map(String::as_str)
            .chain(["/api/me", "/api/overview"])
        {
            let resp = browser.get(path);
            assert!(!shows_banner(&resp), "{who:?} {path}");
            assert!(!resp.text().contains(BANNER), "{who:?} {path}");
            assert_eq!(resp.header(DEMO_HEADER), None, "{who:?} {path}");
        }
    }
}

/// The header's `who` block, tags stripped.
fn header_names(page: &str) -> String {
    let start = page
        .find("class=\"scope-name\"")
        .expect("a scope name in the header");
    let open = start + page[start..].find('>').unwrap() + 1;
    let close = open + page[open..].find("</span>").unwrap();
    page[open..close].to_owned()
}

#[test]
fn the_header_names_the_users_county_or_school() {
    let f = fixture();
    let store = shared().store();
    let own = store
        .school(&registry::SchoolCode::parse(&f.own_school).unwrap())
        .unwrap()
        .unwrap();
    let expected = [
        (Who::County, "历城区 · 区县数据员".to_owned()),
        (
            Who::School,
            format!("{}（{}） · 学校数据员", own.name, f.own_school),
        ),
        (Who::Admin, "济南市 · 市级管理员".to_owned()),
        (Who::Public, "济南市 · 公开数据".to_owned()),
    ];
    for (who, expected) in expected {
        let browser = Browser::as_role(shared(), who);
        for path in ["/", "/indicators"] {
            let page = browser.get(path).text();
            assert_eq!(header_names(&page), expected, "{who:?} {path}");
        }
    }
    // In English the role is English; the names are the places' own.
    let county = Browser::as_role(shared(), Who::County);
    assert_eq!(county.get("/lang/en").status, 303);
    let page = county.get("/").text();
    assert!(
        header_names(&page).starts_with("历城区 · "),
        "{}",
        header_names(&page)
    );
    assert!(!header_names(&page).contains("区县数据员"));
}

/// The `href` of the link with this id.
fn link(page: &str, id: &str) -> Option<String> {
    let at = page.find(&format!("id=\"{id}\""))?;
    let tag_start = page[..at].rfind('<')?;
    let tag = &page[tag_start..at + page[at..].find('>')?];
    let href = tag.split("href=\"").nth(1)?;
    Some(href[..href.find('"')?].replace("&amp;", "&"))
}

fn get_with_referer(browser: &Browser, path: &str, referer: Option<&str>) -> Resp {
    let mut request = browser.bare_with_cookies().get(browser.url(path));
    if let Some(referer) = referer {
        request = request.header("referer", referer);
    }
    browser.send(request)
}

#[test]
fn the_refusal_page_offers_the_users_overview_and_the_page_they_came_from() {
    let f = fixture();
    let county = Browser::as_role(shared(), Who::County);
    let refused = format!("/schools/{}", f.foreign_school);
    let came_from = format!("{}/areas/{COUNTY}?indicator=large_class_count", county.base);

    let resp = get_with_referer(&county, &refused, Some(&came_from));
    assert_eq!(resp.status, 403);
    let page = resp.text();
    assert_eq!(link(&page, "back-overview").as_deref(), Some("/?area=370112"));
    assert!(page.contains("返回历城区概览"), "{page}");
    assert_eq!(
        link(&page, "back-previous").as_deref(),
        Some("/areas/370112?indicator=large_class_count")
    );
    assert!(page.contains("返回上一页"));
    // No inline script: the way back is plain links.
    assert!(!page.contains("<script>") && !page.contains("javascript:") && !page.contains("onclick"));

    // Another site, a look-alike host, no Referer, or a Referer that is the
    // refused page itself: back to the overview.
    let host = county.base.trim_start_matches("http://").to_owned();
    for referer in [
        Some("http://elsewhere.example/areas/370112".to_owned()),
        Some(format!("http://{host}.elsewhere.example/areas/370112")),
        Some(format!("http://{host}//elsewhere.example/x")),
        Some(format!("http://{host}/\\elsewhere.example/x")),
        Some(format!("javascript://{host}/%0aalert(1)")),
        Some(format!("{}{refused}", county.base)),
        None,
    ] {
        let page = get_with_referer(&county, &refused, referer.as_deref()).text();
        assert_eq!(
            link(&page, "back-previous").as_deref(),
            Some("/?area=370112"),
            "{referer:?}"
        );
    }

    // A school officer is offered its school as well; the public the city.
    let school = Browser::as_role(shared(), Who::School);
    let page = school.get(&refused).text();
    assert_eq!(link(&page, "back-overview").as_deref(), Some("/?area=370112"));
    assert_eq!(
        link(&page, "back-school"),
        Some(format!("/schools/{}", f.own_school))
    );
    let public = Browser::as_role(shared(), Who::Public);
    let page = public.get(&refused).text();
    assert_eq!(link(&page, "back-overview").as_deref(), Some("/"));
    assert!(page.contains("返回济南市概览"));
    assert_eq!(link(&page, "back-school"), None);
}

#[test]
fn the_refusal_is_the_same_for_a_school_out_of_scope_and_one_that_does_not_exist() {
    let f = fixture();
    for who in [Who::County, Who::School, Who::Public] {
        let browser = Browser::as_role(shared(), who);
        let referer = format!("{}/indicators", browser.base);
        for referer in [Some(referer.as_str()), None] {
            let existing = get_with_referer(&browser, &format!("/schools/{}", f.foreign_school), referer);
            let missing = get_with_referer(&browser, "/schools/2999999999", referer);
            assert_eq!(existing.status, 403, "{who:?}");
            assert_eq!(missing.status, existing.status, "{who:?}");
            assert_eq!(missing.text(), existing.text(), "{who:?} {referer:?}");
            assert!(!existing.text().contains(&f.foreign_name));
        }
    }
}
