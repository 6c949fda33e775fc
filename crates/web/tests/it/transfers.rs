//! A transfer through the browser: the county officer of 370112 imports a
//! row for a pupil whom 370102 holds; the row becomes a request, not a move;
//! the receiving side cannot approve it; 370102's officer approves it and the
//! pupil is moved, each step in the audit log.

use registry::transfer::Placement;
use registry::{IdNumber, SchoolCode};
use store::{PersonKind, TransferQuery, TransferStatus};

use crate::{fixture, hidden_csrf, Browser, Server, Who, OTHER_COUNTY};

/// A 370102 pupil of the latest year whose stage the officer's school
/// serves, as a 学生 CSV row for that school.
fn pupil_for_own_school(server: &Server) -> (IdNumber, String) {
    let store = server.store();
    let own = SchoolCode::parse(&fixture().own_school).unwrap();
    let stages = store.school(&own).unwrap().unwrap().stages;
    let year = *store.school_years().unwrap().last().unwrap();
    let mut found = None;
    store
        .for_each_student(year, &mut |s, e| {
            let foreign = fixture().foreign_schools.contains(&e.school.as_str().to_owned());
            if found.is_none() && foreign && stages.contains(&e.stage) {
                found = Some((s, e));
            }
        })
        .unwrap();
    let (s, e) = found.expect("a 370102 pupil of a stage the officer's school serves");
    let csv = format!(
        "学年,学校标识码,学段,年级,班级,身份证号,姓名,性别,出生日期,户籍地代码,是否随迁子女,是否寄宿,视力,是否近视\n\
         {},{},{},{},,{},{},{},{},{},否,否,,\n",
        year.0,
        own,
        e.stage.label_zh(),
        e.grade.0,
        s.id_number.as_str(),
        // Whatever name the row gives: the answer must not depend on it.
        "某某",
        s.sex.label_zh(),
        s.birth_date.format("%Y-%m-%d"),
        s.household_area,
    );
    (s.id_number, csv)
}

fn latest(server: &Server, id: &IdNumber) -> Placement {
    server
        .store()
        .latest_placements(PersonKind::Student, &[id])
        .unwrap()[0]
        .clone()
        .unwrap()
}

fn audit_actions(server: &Server) -> Vec<String> {
    let store = server.store();
    let page = store::AccountStore::audit_log(
        &*store,
        &store::accounts::AuditQuery {
            actor: None,
            action: None,
            offset: 0,
            limit: 1000,
        },
    )
    .unwrap();
    page.entries.into_iter().map(|e| e.action).collect()
}

#[test]
fn an_officers_row_for_another_countys_pupil_is_a_request_until_the_releasing_officer_approves() {
    let server = Server::fresh("transfers");
    // 370102's county officer.
    {
        let mut store = server.store();
        accounts::add_user(
            &mut *store,
            "test",
            &accounts::NewUser {
                username: "lixia-officer",
                display_name: "历下区数据员",
                role: access::Role::CountyOfficer,
                scope: access::Scope::County {
                    county: registry::AreaCode::parse(OTHER_COUNTY).unwrap(),
                },
                password: "lixia-officer-2024!",
            },
            chrono::Utc::now(),
        )
        .unwrap();
    }
    let (id, csv) = pupil_for_own_school(&server);
    let before = latest(&server, &id);

    let county = Browser::as_role(&server, Who::County);
    let csrf = county.csrf();
    // A check (dry run) answers as for a new pupil: it looks nothing up.
    let check = county.post_upload(Some(&csrf), "学生.csv", &csv, false);
    assert_eq!(check.status, 200);
    assert!(
        !check.text().contains("已生成转学（调动）申请"),
        "{}",
        check.text()
    );
    let upload = county.post_upload(Some(&csrf), "学生.csv", &csv, true);
    let text = upload.text();
    assert_eq!(upload.status, 200);
    assert!(text.contains("已生成转学（调动）申请"), "{text}");
    assert!(text.contains(&id.masked()) && !text.contains(id.as_str()));
    assert_eq!(latest(&server, &id), before, "a request moves nobody");

    let request = server
        .store()
        .transfers(&TransferQuery {
            status: Some(TransferStatus::Pending),
            limit: 10,
            ..TransferQuery::default()
        })
        .unwrap()
        .into_iter()
        .find(|r| r.request.row.id_number() == &id)
        .unwrap();
    let path = format!("/transfers/{}", request.id);

    // The receiving officer sees it among its requests and cannot approve it.
    let page = county.get("/transfers");
    assert_eq!(page.status, 200);
    let asked = page.text();
    let asked = &asked[asked.find("id=\"asked\"").expect("our requests")..];
    assert!(asked.contains(&format!("data-request=\"{}\"", request.id)));
    // The asking side is not told which school holds the pupil.
    assert!(!asked.contains(request.request.from.school.as_str()), "{asked}");
    assert!(asked.contains("辖区以外的学校"));
    let refused = county.post_form(&path, &[("csrf", &csrf), ("decision", "approve")]);
    assert!(refused.status == 403 || crate::is_refusal(&refused.text()));
    assert_eq!(latest(&server, &id), before);

    // The releasing officer approves it.
    let lixia = Browser::new(&server);
    assert_eq!(lixia.login("lixia-officer", "lixia-officer-2024!").status, 303);
    let page = lixia.get("/transfers");
    let html = page.text();
    let to_decide = &html[html.find("id=\"to-decide\"").expect("requests to decide")..];
    assert!(to_decide.contains(&format!("data-request=\"{}\"", request.id)));
    assert!(!html.contains(id.as_str()), "numbers are masked");
    let csrf = hidden_csrf(&html).unwrap();
    // A refusal needs a reason.
    let no_reason = lixia.post_form(&path, &[("csrf", &csrf), ("decision", "refuse"), ("reason", " ")]);
    assert_eq!(no_reason.status, 400);
    let approved = lixia.post_form(&path, &[("csrf", &csrf), ("decision", "approve")]);
    assert_eq!(approved.status, 303, "{}", approved.text());
    let moved = latest(&server, &id);
    assert_eq!(moved.school.as_str(), fixture().own_school);
    assert_eq!(moved.school_year, before.school_year);
    let decided = server.store().transfer(request.id).unwrap().unwrap();
    assert_eq!(decided.status, TransferStatus::Approved);
    assert_eq!(decided.decided_by.as_deref(), Some("lixia-officer"));
    // Approving again changes nothing.
    let again = lixia.post_form(&path, &[("csrf", &csrf), ("decision", "approve")]);
    assert!(again.location().unwrap_or_default().contains("not_pending"));
    let actions = audit_actions(&server);
    assert_eq!(
        actions.iter().filter(|a| *a == "transfer_approve").count(),
        1,
        "{actions:?}"
    );
    assert!(actions.iter().any(|a| a == "import"), "{actions:?}");
    assert!(actions.iter().any(|a| a == "transfer_request"), "{actions:?}");
}
