//! Personal data in full: only the city administrator, only by a deliberate
//! POST with the session's CSRF token, each view in the audit log, never
//! cached — and the ordinary page stays masked.

use store::accounts::{AccountStore, AuditQuery};

use crate::{fixture, is_refusal, Browser, Server, Who};

fn unmasked_views(server: &Server) -> Vec<String> {
    server
        .store()
        .audit_log(&AuditQuery {
            actor: None,
            action: Some(store::AuditAction::ViewUnmasked),
            offset: 0,
            limit: 100,
        })
        .unwrap()
        .entries
        .into_iter()
        .map(|e| format!("{} {}", e.actor, e.detail))
        .collect()
}

#[test]
fn the_administrator_sees_a_page_of_students_in_full_and_it_is_audited() {
    let f = fixture();
    let server = Server::fresh("unmasked");
    let code = registry::SchoolCode::parse(&f.own_school).unwrap();
    let year = *server.store().school_years().unwrap().last().unwrap();
    let first = server.store().school_students(&code, year, None, 0, 1).unwrap();
    let (student, _) = &first[0];
    let full_id = student.id_number.as_str().to_owned();
    let path = format!("/schools/{}", f.own_school);

    let admin = Browser::as_role(&server, Who::Admin);
    let page = admin.get(&format!("{path}?year={}", year.0)).text();
    assert!(!page.contains(&full_id) && !page.contains(&student.name));
    assert!(
        page.contains(r#"id="unmask""#),
        "the administrator is offered the full view"
    );

    let csrf = admin.csrf();
    let year_text = year.0.to_string();
    let resp = admin.post_form(&path, &[("csrf", &csrf), ("year", &year_text), ("page", "0")]);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("cache-control").as_deref(), Some("no-store"));
    let text = resp.text();
    assert!(text.contains(&full_id) && text.contains(&student.name));
    assert!(text.contains(r#"id="unmasked-notice""#));
    let views = unmasked_views(&server);
    assert_eq!(views.len(), 1, "{views:?}");
    assert!(views[0].starts_with("demo-admin 学校 "), "{views:?}");
    assert!(
        views[0].contains(&format!("{} 学年，学生第 1 页", year.0)),
        "{views:?}"
    );
    // The audit line says what was seen, not the data itself.
    assert!(!views[0].contains(&full_id) && !views[0].contains(&student.name));

    // Without the token nothing is shown and nothing is logged.
    let forged = admin.post_form(&path, &[("csrf", "forged"), ("year", &year_text)]);
    assert_eq!(forged.status, 403);
    assert!(!forged.text().contains(&full_id));
    assert_eq!(unmasked_views(&server).len(), 1);

    // The ordinary page is masked again.
    assert!(!admin.get(&path).text().contains(&full_id));

    // Other roles: refused, and offered nothing.
    for who in [Who::Analyst, Who::County, Who::School] {
        let browser = Browser::as_role(&server, who);
        assert!(!browser.get(&path).text().contains(r#"id="unmask""#), "{who:?}");
        let csrf = browser.csrf();
        let resp = browser.post_form(&path, &[("csrf", &csrf), ("year", &year_text)]);
        assert!(is_refusal(&resp.text()), "{who:?}: {}", resp.status);
        assert!(!resp.text().contains(&full_id), "{who:?}");
    }
    assert_eq!(unmasked_views(&server).len(), 1);
}
