//! Health and the API's description.

use store::Store;

use crate::{shared, Browser, Who};

#[test]
fn healthz_answers_without_login() {
    let browser = Browser::new(shared());
    let resp = browser.get("/healthz");
    assert_eq!(resp.status, 200);
    assert_eq!(resp.text(), "ok");
    assert_eq!(browser.cookie(accounts::SESSION_COOKIE), None);
    // Every answer carries the security headers.
    for header in [
        "content-security-policy",
        "x-frame-options",
        "x-content-type-options",
        "referrer-policy",
    ] {
        assert!(resp.header(header).is_some(), "/healthz without {header}");
    }
}

/// The API routes of `web::router` (kept in step with `crates/web/src/lib.rs`).
const API_ROUTES: &[&str] = &[
    "/api/me",
    "/api/overview",
    "/api/areas/{area}",
    "/api/indicators",
    "/api/indicators/{indicator}",
    "/api/schools/{code}",
    "/healthz",
];

#[test]
fn openapi_lists_the_api_routes() {
    let browser = Browser::new(shared());
    let resp = browser.get("/api/openapi.json");
    assert_eq!(resp.status, 200);
    assert!(resp
        .header("content-type")
        .unwrap_or_default()
        .starts_with("application/json"));
    let doc = resp.json();
    let version = doc["openapi"].as_str().expect("an `openapi` version");
    assert!(version.starts_with("3."), "{version}");
    assert!(doc["info"]["title"].is_string(), "{doc}");
    let paths = doc["paths"].as_object().expect("`paths`");
    for route in API_ROUTES {
        let item = paths
            .get(*route)
            .unwrap_or_else(|| panic!("{route} missing from {:?}", paths.keys().collect::<Vec<_>>()));
        assert!(item.get("get").is_some(), "{route} has no GET");
    }
    // Every documented path answers (as the city administrator).
    let admin = Browser::as_role(shared(), Who::Admin);
    let school = &crate::fixture().own_school;
    for route in paths.keys() {
        let path = route
            .replace("/api/areas/{area}", "/api/areas/3701")
            .replace("/api/indicators/{indicator}", "/api/indicators/large_class_count")
            .replace("/api/schools/{code}", &format!("/api/schools/{school}"));
        let resp = admin.get(&path);
        assert_eq!(resp.status, 200, "{path}: {}", resp.text());
    }
}

#[test]
fn the_api_answers_json_shaped_as_documented() {
    let f = crate::fixture();
    let admin = Browser::as_role(shared(), Who::Admin);
    let me = admin.get("/api/me").json();
    assert_eq!(me["signed_in"], true);
    assert_eq!(me["principal"]["role"], "city_admin");
    let overview = admin.get("/api/overview?area=370112").json();
    assert_eq!(overview["area"], "370112");
    assert!(
        !overview["indicators"].as_array().unwrap().is_empty(),
        "{overview}"
    );
    let school = admin.get(&format!("/api/schools/{}", f.own_school)).json();
    let students = school["students"]["rows"].as_array().unwrap();
    assert!(!students.is_empty());
    for s in students {
        // Identity numbers are masked in the API too.
        let id = s["id_number"].as_str().unwrap();
        assert!(id.contains('*'), "unmasked identity number {id}");
    }
}

#[test]
fn a_schools_students_page_through_in_order_without_gaps() {
    let f = crate::fixture();
    let server = shared();
    let admin = Browser::as_role(server, Who::Admin);
    let code = registry::SchoolCode::parse(&f.own_school).unwrap();
    let year = *server.store().school_years().unwrap().last().unwrap();
    let masked = |rows: &[serde_json::Value]| -> Vec<String> {
        rows.iter()
            .map(|s| format!("{} {} {}", s["id_number"], s["grade"], s["class"]))
            .collect()
    };
    for search in [None, Some("1")] {
        let query = search.map(|q| format!("&q={q}")).unwrap_or_default();
        let first = admin
            .get(&format!("/api/schools/{}?year={}{query}", f.own_school, year.0))
            .json();
        let total = first["students"]["total"].as_u64().unwrap();
        let size = first["students"]["page_size"].as_u64().unwrap();
        let mut seen = Vec::new();
        for page in 0..total.div_ceil(size) {
            let resp = admin.get(&format!(
                "/api/schools/{}?year={}{query}&page={page}",
                f.own_school, year.0
            ));
            let rows = resp.json()["students"]["rows"].as_array().unwrap().clone();
            assert!(!rows.is_empty(), "page {page} of {total} ({search:?}) is empty");
            seen.extend(masked(&rows));
        }
        // The same students, in the same order, as the store gives in one read.
        let expected: Vec<String> = server
            .store()
            .school_students(&code, year, search, 0, total + 1)
            .unwrap()
            .iter()
            .map(|(s, e)| {
                format!(
                    "\"{}\" {} {}",
                    registry::mask::id_number(s.id_number.as_str()),
                    e.grade.0,
                    e.class_name
                        .as_ref()
                        .map_or("null".to_owned(), |c| format!("\"{c}\""))
                )
            })
            .collect();
        assert_eq!(expected.len() as u64, total, "{search:?}");
        assert_eq!(seen, expected, "{search:?}");
        let beyond = admin.get(&format!(
            "/api/schools/{}?year={}{query}&page={}",
            f.own_school,
            year.0,
            total.div_ceil(size)
        ));
        assert_eq!(beyond.json()["students"]["rows"].as_array().unwrap().len(), 0);
    }
}

/// `/api/overview` carries what the overview page shows: the cards, the
/// trends and the 大班额 ranking, in the page's order and for the same
/// reader; `/api/schools` flags each 大班额 class as the page highlights it.
#[test]
fn the_api_overview_and_school_carry_what_their_pages_show() {
    let f = crate::fixture();
    for who in [Who::Admin, Who::County] {
        let browser = Browser::as_role(shared(), who);
        for area in ["3701", crate::COUNTY] {
            let api = browser.get(&format!("/api/overview?area={area}")).json();
            let years = api["trends"]["years"].as_array().unwrap().len();
            assert!(years >= 2, "{api}");
            for series in api["trends"]["series"].as_array().unwrap() {
                assert_eq!(series["values"].as_array().unwrap().len(), years, "{series}");
            }
            let ranked: Vec<String> = api["large_class_ranking"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["place_name"].as_str().unwrap().to_owned())
                .collect();
            assert!(!ranked.is_empty(), "{who:?} {area}");
            let page = browser.get(&format!("/?area={area}")).text();
            let table = &page[page.find(r#"id="ranking""#).expect("the page's ranking")..];
            let table = &table[..table.find("</table>").unwrap()];
            let shown: Vec<String> = table
                .split("<a href=")
                .skip(1)
                .map(|cell| cell[cell.find('>').unwrap() + 1..cell.find("</a>").unwrap()].to_owned())
                .collect();
            assert_eq!(ranked, shown, "{who:?} {area}");
        }
    }
    let admin = Browser::as_role(shared(), Who::Admin);
    let school = admin.get(&format!("/api/schools/{}", f.own_school)).json();
    let line = school["large_class_min"].as_u64().unwrap();
    for class in school["classes"].as_array().unwrap() {
        assert_eq!(
            class["large"].as_bool().unwrap(),
            class["size"].as_u64().unwrap() >= line,
            "{class}"
        );
    }
}
