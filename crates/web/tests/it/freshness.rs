//! Imports through the browser: what the city administrator commits shows
//! at once in the indicators; what an officer sends for a school outside
//! its scope is refused row by row, and nothing is written.

use store::prelude::*;

use crate::db::TestDb;
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
            action: Some(store::AuditAction::Import),
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

/// 乡镇街道 is optional in the 学校 file: a school that names none is listed
/// under its county after the townships, so the drill-down reaches it.
#[test]
fn a_school_without_a_township_is_reached_from_its_county() {
    let server = Server::fresh("no-township");
    let admin = Browser::as_role(&server, Who::Admin);
    let schools = "学校标识码,学校名称,所在区县代码,乡镇街道代码,学段,办学性质,是否普惠,优质园等级,城乡分类,学前学位,小学学位,初中学位,高中学位,中职学位,特教学位,教育集团,经度,纬度\n\
         2370112999,历城无街道小学,370112,,小学,公办,否,,城区,,600,,,,,,,\n";
    let csrf = admin.csrf();
    let year = server.store().school_years().unwrap().last().unwrap().0;
    // One class of 60: the school has a value, and it is a 大班额.
    let classes = format!("学年,学校标识码,学段,年级,班级,班额\n{year},2370112999,小学,一年级,1班,60\n");
    for (name, file) in [("schools.csv", schools.to_owned()), ("classes.csv", classes)] {
        let commit = admin.post_upload(Some(&csrf), name, &file, true);
        assert!(commit.text().contains("已导入 1"), "{}", commit.text());
    }

    let drill = admin.get(&format!("/api/areas/{}", crate::COUNTY)).json();
    let rows = drill["rows"].as_array().unwrap();
    let levels: Vec<&str> = rows.iter().map(|r| r["level"].as_str().unwrap()).collect();
    let first_school = levels
        .iter()
        .position(|l| *l == "school")
        .expect("the school is listed");
    assert!(
        levels[..first_school].iter().all(|l| *l == "township"),
        "{levels:?}"
    );
    let school = rows
        .iter()
        .find(|r| r["school"] == "2370112999")
        .expect("the school's row");
    assert_eq!(school["value"].as_f64(), Some(1.0), "{school}");
    // The rows still add up to the county.
    let sum: f64 = rows.iter().map(|r| r["numerator"].as_f64().unwrap_or(0.0)).sum();
    assert_eq!(Some(sum), drill["value"]["numerator"].as_f64());

    let page = admin.get(&format!("/areas/{}", crate::COUNTY)).text();
    assert!(page.contains("/schools/2370112999?"), "the page links the school");
    // Out of the county's scope, another county's officer still sees no school.
    let other = Browser::as_role(&server, Who::County);
    let foreign = other.get(&format!("/api/areas/{}", crate::OTHER_COUNTY)).json();
    assert!(foreign["rows"].as_array().unwrap().is_empty(), "{foreign}");
}

/// An import the database fails (here: its audit line cannot be written, by
/// a trigger) answers the form again with 500 and the user's words — never
/// 200 with the raw database error — and writes nothing at all, audit line
/// included (issue 10, points 5 and 10).
#[test]
fn an_import_the_database_fails_answers_500_in_the_users_words_and_writes_nothing() {
    let server = Server::fresh("store-failure");
    server
        .store()
        .audit("setup", store::AuditAction::Demo, "")
        .unwrap();
    match &*server.db {
        TestDb::Sqlite(path) => rusqlite::Connection::open(path)
            .unwrap()
            .execute_batch(
                "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log WHEN NEW.action = 'import'
                 BEGIN SELECT RAISE(ABORT, 'forced failure'); END;",
            )
            .unwrap(),
        TestDb::Postgres { cluster, name } => postgres::Client::connect(&cluster.url(name), postgres::NoTls)
            .unwrap()
            .batch_execute(
                "CREATE FUNCTION audit_fails() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN RAISE EXCEPTION 'forced failure'; END $$;
                 CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log
                 FOR EACH ROW WHEN (NEW.action = 'import') EXECUTE FUNCTION audit_fails();",
            )
            .unwrap(),
    }
    let admin = Browser::as_role(&server, Who::Admin);
    let (file, _) = promote_a_teacher(|school| fixture().county_schools.iter().any(|s| s == school));
    let revision = server.store().registry_revision().unwrap();
    let commit = admin.post_upload(Some(&admin.csrf()), "teachers.csv", &file, true);
    assert_eq!(commit.status, 500, "{}", commit.text());
    let text = commit.text();
    assert!(text.contains("服务器内部错误"), "{text}");
    assert!(text.contains("id=\"upload\""), "the form again: {text}");
    assert!(
        !text.contains("forced failure") && !text.contains("数据库出错"),
        "{text}"
    );
    assert_eq!(server.store().registry_revision().unwrap(), revision);
    assert_eq!(import_lines(&server), 0);
}
