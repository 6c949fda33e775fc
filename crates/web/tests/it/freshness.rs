//! Imports through the browser: what the city administrator commits shows
//! at once in the indicators; what an officer sends for a school outside
//! its scope is refused row by row, and nothing is written.

use store::{AccountStore, Store};

use crate::hostile::promote_a_teacher;
use crate::{fixture, Browser, Server, Who};

/// The number of key teachers (all stages) of an area, from the API.
fn key_teachers(browser: &Browser, area: &str) -> f64 {
    let resp = browser.get(&format!("/api/indicators/key_teacher_share?area={area}"));
    assert_eq!(resp.status, 200, "{}", resp.text());
    let json = resp.json();
    json["value"]["numerator"]
        .as_f64()
        .unwrap_or_else(|| panic!("no numerator in {json}"))
}

/// The number of a school's teachers at the provincial level, from its page's API.
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

fn import_lines(server: &Server) -> u64 {
    server
        .store()
        .audit_log(&store::accounts::AuditQuery {
            actor: None,
            action: Some("import"),
            offset: 0,
            limit: 100,
        })
        .unwrap()
        .total
}

#[test]
fn values_are_fresh_after_an_import_in_the_browser() {
    let server = Server::fresh("fresh");
    let admin = Browser::as_role(&server, Who::Admin);
    let before = key_teachers(&admin, "3701");
    let county_before = key_teachers(&admin, crate::COUNTY);
    let overview_before = admin.get("/api/overview").json();
    let (file, school) = promote_a_teacher(|school| fixture().county_schools.iter().any(|s| s == school));
    // Read once before, so the server holds the school's records: an import
    // must not leave the page showing them.
    let school_before = provincial_teachers(&admin, &school);
    let csrf = admin.csrf();

    // A dry run first: checked, nothing written.
    let dry = admin.post_upload(Some(&csrf), "teachers.csv", &file, false);
    assert_eq!(dry.status, 200);
    assert!(dry.text().contains("没有发现错误"), "{}", dry.text());
    assert_eq!(key_teachers(&admin, "3701"), before);

    let revision = server.store().registry_revision().unwrap();
    let commit = admin.post_upload(Some(&csrf), "teachers.csv", &file, true);
    assert_eq!(commit.status, 200);
    let text = commit.text();
    assert!(text.contains("id=\"import-result\""), "{text}");
    assert!(text.contains("已导入 1"), "{text}");
    assert!(!text.contains("row-errors"), "{text}");
    assert!(server.store().registry_revision().unwrap() > revision);
    assert_eq!(import_lines(&server), 1);

    assert_eq!(key_teachers(&admin, "3701"), before + 1.0, "school {school}");
    assert_eq!(key_teachers(&admin, crate::COUNTY), county_before + 1.0);
    assert_eq!(provincial_teachers(&admin, &school), school_before + 1);
    // Other readers, on other connections, see it too.
    let analyst = Browser::as_role(&server, Who::Analyst);
    assert_eq!(key_teachers(&analyst, "3701"), before + 1.0);
    let overview = admin.get("/api/overview").json();
    assert_eq!(overview["school_year"], overview_before["school_year"]);
}

#[test]
fn an_officer_cannot_import_another_countys_school() {
    let server = Server::fresh("scope-import");
    let county = Browser::as_role(&server, Who::County);
    let admin = Browser::as_role(&server, Who::Admin);
    let before = key_teachers(&admin, crate::OTHER_COUNTY);
    let revision = server.store().registry_revision().unwrap();
    let (file, school) = promote_a_teacher(|school| fixture().foreign_schools.iter().any(|s| s == school));
    let csrf = county.csrf();

    for commit in [false, true] {
        let resp = county.post_upload(Some(&csrf), "teachers.csv", &file, commit);
        assert_eq!(resp.status, 200, "commit={commit}");
        let text = resp.text();
        assert!(text.contains("id=\"row-errors\""), "commit={commit}: {text}");
        let message = format!("学校 {school} 不在您负责的区县 {}，无权导入", crate::COUNTY);
        assert!(
            text.contains(&message),
            "commit={commit}: no {message:?} in {text}"
        );
        assert!(!text.contains("已导入"), "commit={commit}");
    }
    assert_eq!(server.store().registry_revision().unwrap(), revision);
    assert_eq!(key_teachers(&admin, crate::OTHER_COUNTY), before);
    assert_eq!(import_lines(&server), 0);

    // The school officer may not write a sibling school either.
    let officer = Browser::as_role(&server, Who::School);
    let own = fixture().own_school.clone();
    let (file, sibling) =
        promote_a_teacher(|school| school != own && fixture().county_schools.iter().any(|s| s == school));
    let resp = officer.post_upload(Some(&officer.csrf()), "teachers.csv", &file, true);
    assert_eq!(resp.status, 200);
    let message = format!("学校 {sibling} 不是您负责的学校 {own}，无权导入");
    assert!(
        resp.text().contains(&message),
        "no {message:?} in {}",
        resp.text()
    );
    assert_eq!(server.store().registry_revision().unwrap(), revision);

    // The analyst reads only: the upload is refused before it is read.
    let analyst = Browser::as_role(&server, Who::Analyst);
    let resp = analyst.post_upload(Some(&analyst.csrf()), "teachers.csv", &file, true);
    assert!(resp.text().contains(crate::FORBIDDEN), "{}", resp.status);
    assert_eq!(server.store().registry_revision().unwrap(), revision);
}
