//! An import's error report: the page lists the first thousand errors and
//! says so; the whole report is downloaded from the server, by its
//! uploader only.

use crate::{is_refusal, Browser, Server, Who};

/// A classes CSV of `rows` rows, each naming a school that does not exist.
fn bad_classes(rows: usize) -> String {
    let mut file = String::from("学年,学校标识码,学段,年级,班级名称,班额\n");
    for row in 1..=rows {
        file.push_str(&format!("2024,2000000000,小学,1,{row}班,30\n"));
    }
    file
}

/// The `href` of the element with `id`.
fn href(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let tag = &html[html[..at].rfind('<').unwrap()..at + html[at..].find('>').unwrap()];
    let start = tag.find("href=\"").unwrap() + 6;
    tag[start..start + tag[start..].find('"').unwrap()].to_owned()
}

#[test]
fn the_error_report_is_served_whole_to_its_uploader_only() {
    let server = Server::fresh("reports");
    let officer = Browser::as_role(&server, Who::County);
    let resp = officer.post_upload(Some(&officer.csrf()), "classes.csv", &bad_classes(1200), false);
    assert_eq!(resp.status, 200);
    let page = resp.text();
    let count = &page[page.find("行错误 (").expect("a count of row errors") + "行错误 (".len()..];
    let total: u64 = count[..count.find(')').unwrap()].parse().unwrap();
    assert!(total >= 1200, "{total}");
    // The page lists a thousand, says so, and embeds no report.
    let rows = page.matches("<tr>").count() - 1;
    assert_eq!(rows, 1000);
    let said = format!(
        "仅列出前 1,000 条错误（共 {} 条）",
        indicators::report::format_number(total as f64, 0)
    );
    assert!(page.contains(&said), "no {said:?}");
    assert!(!page.contains("data:"), "the report is embedded in the page");

    let xlsx = href(&page, "download-errors");
    let csv = href(&page, "download-errors-csv");
    assert!(
        xlsx.starts_with("/import/report/") && xlsx.ends_with(".xlsx"),
        "{xlsx}"
    );
    assert!(
        csv.starts_with("/import/report/") && csv.ends_with(".csv"),
        "{csv}"
    );

    let got = officer.get(&csv);
    assert_eq!(got.status, 200);
    assert!(got.header("content-type").unwrap().starts_with("text/csv"));
    assert!(got.header("content-disposition").unwrap().contains("attachment"));
    assert_eq!(got.header("cache-control").as_deref(), Some("private, no-store"));
    let text = got.text();
    assert!(text.starts_with('\u{feff}'), "a BOM, for Excel");
    assert_eq!(text.lines().count() as u64, total + 1, "a header and every error");
    assert!(text.contains("2000000000"));
    let got = officer.get(&xlsx);
    assert_eq!(got.status, 200);
    assert!(got.bytes.starts_with(b"PK"), "an .xlsx is a zip");

    // Nobody else: other importers as if there were no such report, the
    // others refused as from every import route.
    for who in [Who::Admin, Who::School] {
        let other = Browser::as_role(&server, who);
        for path in [&csv, &xlsx] {
            let resp = other.get(path);
            assert_eq!(resp.status, 404, "{path} as {}", who.label());
            assert!(!resp.text().contains("2000000000"));
        }
    }
    for who in [Who::Analyst, Who::Public] {
        let resp = Browser::as_role(&server, who).get(&csv);
        assert_eq!(resp.status, 403, "{}", who.label());
        assert!(is_refusal(&resp.text()));
    }
    // The report is the user's, not the session's.
    let again = Browser::as_role(&server, Who::County);
    assert_eq!(again.get(&csv).status, 200);
}

#[test]
fn the_cut_is_said_in_english_too() {
    let server = Server::fresh("reports-en");
    let admin = Browser::as_role(&server, Who::Admin);
    assert_eq!(admin.get("/lang/en").status, 303);
    let resp = admin.post_upload(Some(&admin.csrf()), "classes.csv", &bad_classes(1001), false);
    let page = resp.text();
    assert!(page.contains("Showing the first 1,000 of "), "{page}");
    // Under the cut, nothing is said.
    let resp = admin.post_upload(Some(&admin.csrf()), "classes.csv", &bad_classes(3), false);
    assert!(resp.text().contains("id=\"row-errors\""));
    assert!(!resp.text().contains("errors-cut"));
}
