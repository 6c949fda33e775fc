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
    let resp = browser.post_form(
        "/login",
        &[
            ("username", "demo-admin"),
            ("password", &padding),
            ("csrf", &csrf),
        ],
    );
    assert_eq!(resp.status, 413, "{}", resp.text());
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
