//! Sizes a client chooses: request bodies and page numbers from the URL.

use crate::{hidden_csrf, shared, Browser, Who};

#[test]
fn only_an_upload_may_send_a_large_body() {
    let server = shared();
    let browser = Browser::new(server);
    let page = browser.get("/login");
    let csrf = hidden_csrf(&page.text()).unwrap();
    // Anonymous, and far more than any form needs.
    let padding = "x".repeat(1024 * 1024);
    let status = browser.try_post_form(
        "/login",
        &[
            ("username", "demo-admin"),
            ("password", &padding),
            ("csrf", &csrf),
        ],
    );
    // 413, or the connection cut mid-body after the 413 was sent (which
    // side of that race the client sees depends on the machine's timing).
    assert!(matches!(status, Some(413) | None), "{status:?}");
    assert_eq!(browser.cookie(accounts::SESSION_COOKIE), None);

    // An upload larger than any form is read whole: a dry run with its row errors.
    let admin = Browser::as_role(server, Who::Admin);
    let mut file = String::from("学年,学校标识码,学段,年级,班级名称,班额\n");
    let mut row = 0;
    while file.len() < 256 * 1024 {
        row += 1;
        file.push_str(&format!("2024,2000000000,小学,1,{row}班,30\n"));
    }
    let resp = admin.post_upload(Some(&admin.csrf()), "classes.csv", &file, false);
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert!(resp.text().contains("id=\"row-errors\""));
}

#[test]
fn a_huge_page_number_shows_the_last_page() {
    let f = crate::fixture();
    let admin = Browser::as_role(shared(), Who::Admin);
    const HUGE: &str = "18446744073709551615";
    for path in [
        format!("/schools/{}?page={HUGE}", f.own_school),
        format!("/schools/{}?q=1&page={HUGE}", f.own_school),
        format!("/admin/audit?page={HUGE}"),
        format!("/admin/audit?actor=demo-admin&page={HUGE}"),
        format!("/admin/users?page={HUGE}"),
        format!("/admin/users?q=demo&page={HUGE}"),
    ] {
        let page = admin.get(&path);
        assert_eq!(page.status, 200, "{path}: {}", page.text());
        let text = page.text();
        // "n / n": the last page, with a link back and none onwards (on a
        // school's page, the students' pager; the teachers' has its own).
        let text = text
            .find("id=\"students-pager\"")
            .map_or(text.as_str(), |at| &text[at..]);
        let pager = &text[text
            .find("class=\"pager\"")
            .unwrap_or_else(|| panic!("{path}: no pager"))..];
        let shown = &pager[pager.find("<span>").unwrap() + 6..pager.find("</span>").unwrap()];
        let (at, of) = shown.split_once(" / ").unwrap();
        assert_eq!(at, of, "{path}");
        assert!(
            !pager[..pager.find("</div>").unwrap()].contains("rel=\"next\""),
            "{path}"
        );
    }
    // The API answers a page past the end with no rows, so a client that
    // reads pages until an empty one stops.
    let api = admin
        .get(&format!("/api/schools/{}?page={HUGE}", f.own_school))
        .json();
    assert_eq!(api["students"]["rows"], serde_json::json!([]), "{api}");
    assert!(api["students"]["total"].as_u64().unwrap() > 0, "{api}");
}
