//! The authorization matrix: every route of `web::router` × every role,
//! each cell asserted; on failure the whole table is printed with the
//! cells that differ marked.
//!
//! Cells:
//! - `ok`   200, and not the refusal page;
//! - `303`  a redirect (the language switch, a form that redirects);
//! - `403`  refused with status 403 (the API, exports, forged CSRF);
//! - `deny` refused with the refusal page (无权访问): today HTML pages
//!   answer it with status 200, so 200 or 403 is accepted here; the
//!   `html_refusals_answer_403` test asks for 403;
//! - `404`  not found (an import's error report that is not the user's own,
//!   as if there were none: see `reports.rs` for one's own);
//! - `400`  allowed, and the form refused as invalid (a transfer refused
//!   without a reason: the cell changes nothing).
//!
//! Routes name places by role, filled in from the fixture: `{own}` the
//! school officer's school, `{sibling}` another school of 370112, `{foreign}`
//! a school of 370102, `{township}` a township of 370112, `{foreign_township}`
//! a township of 370102, `{transfer}` a pending transfer request of a 370102
//! pupil, asked for by the county officer for `{own}`.

use std::fmt::Write as _;

use crate::{fixture, is_refusal, shared, Browser, Resp, Who};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Ok,
    Redirect,
    Refused,
    Deny,
    NotFound,
    Invalid,
}

use Expect::{Deny as D, Invalid as I, NotFound as N, Ok as O, Redirect as R, Refused as F};

impl Expect {
    fn label(self) -> &'static str {
        match self {
            Expect::Ok => "ok",
            Expect::Redirect => "303",
            Expect::Refused => "403",
            Expect::Deny => "deny",
            Expect::NotFound => "404",
            Expect::Invalid => "400",
        }
    }
}

/// How the server answered one cell.
fn observe(resp: &Resp) -> String {
    let refused_page = is_refusal(&resp.text());
    match (resp.status, refused_page) {
        (200, false) => "ok".to_owned(),
        (200, true) => "deny".to_owned(),
        (403, true) => "403+page".to_owned(),
        (status, _) => status.to_string(),
    }
}

fn matches(expect: Expect, resp: &Resp) -> bool {
    let refused_page = is_refusal(&resp.text());
    match expect {
        Expect::Ok => resp.status == 200 && !refused_page,
        Expect::Redirect => resp.status == 303,
        Expect::Refused => resp.status == 403,
        Expect::Deny => (resp.status == 200 && refused_page) || resp.status == 403,
        Expect::NotFound => resp.status == 404 && !refused_page,
        Expect::Invalid => resp.status == 400 && !refused_page,
    }
}

/// Method, route, and the expected answer for
/// city_admin, city_analyst, county_officer (370112), school_officer ({own}), public.
pub const MATRIX: &[(&str, &str, [Expect; 5])] = &[
    // Pages.                                                    admin analyst county school public
    ("GET", "/", [O, O, O, O, O]),
    ("GET", "/?area=3701", [O, O, O, O, O]),
    ("GET", "/?area=370112", [O, O, O, O, O]),
    ("GET", "/?area=370102", [O, O, O, O, O]),
    ("GET", "/?area={township}", [O, O, O, O, D]),
    ("GET", "/login", [O, O, O, O, O]),
    ("GET", "/lang/zh-CN", [R, R, R, R, R]),
    ("GET", "/areas/3701", [O, O, O, O, O]),
    ("GET", "/areas/370112", [O, O, O, O, O]),
    ("GET", "/areas/370102", [O, O, O, O, O]),
    ("GET", "/areas/3702", [D, D, D, D, D]),
    ("GET", "/areas/{township}", [O, O, O, O, D]),
    ("GET", "/areas/{foreign_township}", [O, O, D, D, D]),
    // The public: the published total, with a note that the schools are the area's officers'.
    ("GET", "/areas/370112/schools", [O, O, O, O, O]),
    ("GET", "/areas/370102/schools", [O, O, D, D, O]),
    ("GET", "/areas/370112/schools.xlsx", [O, O, O, O, D]),
    ("GET", "/areas/370102/schools.xlsx", [O, O, D, D, D]),
    ("GET", "/schools/{own}", [O, O, O, O, D]),
    ("GET", "/schools/{sibling}", [O, O, O, D, D]),
    ("GET", "/schools/{foreign}", [O, O, D, D, D]),
    ("GET", "/schools/2999999999", [D, D, D, D, D]),
    ("GET", "/schools/{own}/export.xlsx", [O, O, O, O, D]),
    ("GET", "/schools/{sibling}/export.xlsx", [O, O, O, D, D]),
    ("GET", "/schools/{foreign}/export.xlsx", [O, O, D, D, D]),
    ("GET", "/schools/2999999999/export.xlsx", [D, D, D, D, D]),
    ("GET", "/indicators", [O, O, O, O, O]),
    ("GET", "/indicators/large_class_count", [O, O, O, O, O]),
    (
        "GET",
        "/indicators/large_class_count?area=370112",
        [O, O, O, O, O],
    ),
    (
        "GET",
        "/indicators/large_class_count?area=370102",
        [O, O, O, O, O],
    ),
    (
        "GET",
        "/indicators/large_class_count?area={township}",
        [O, O, O, O, D],
    ),
    (
        "GET",
        "/indicators/large_class_count?area={foreign_township}",
        [O, O, D, D, D],
    ),
    // Exports.
    (
        "GET",
        "/indicators/large_class_count/export.xlsx",
        [O, O, O, O, O],
    ),
    (
        "GET",
        "/indicators/large_class_count/export.xlsx?area=370102",
        [O, O, O, O, O],
    ),
    (
        "GET",
        "/indicators/large_class_count/export.xlsx?area={township}",
        [O, O, O, O, F],
    ),
    (
        "GET",
        "/indicators/large_class_count/export.xlsx?area={foreign_township}",
        [O, O, F, F, F],
    ),
    // Import, templates, administration.
    ("GET", "/import", [O, D, O, O, D]),
    ("GET", "/templates/students.xlsx", [O, D, O, O, D]),
    ("GET", "/templates/teachers.xlsx", [O, D, O, O, D]),
    ("GET", "/admin/users", [O, D, D, D, D]),
    ("GET", "/admin/audit", [O, D, D, D, D]),
    ("POST", "/import", [O, D, O, O, D]),
    ("GET", "/import/report/{no_report}.xlsx", [N, D, N, N, D]),
    ("GET", "/import/report/{no_report}.csv", [N, D, N, N, D]),
    ("POST", "/schools/{own}", [O, D, D, D, F]),
    ("POST", "/schools/{foreign}", [O, D, D, D, F]),
    ("POST", "/schools/2999999999", [D, D, D, D, F]),
    ("POST", "/admin/users", [O, D, D, D, D]),
    ("POST", "/admin/users/active", [R, D, D, D, D]),
    // Transfers: both sides see them; only the releasing side (here the
    // city, for 370102) decides; an unknown request is refused alike.
    ("GET", "/transfers", [O, D, O, O, D]),
    ("POST", "/transfers/{transfer}", [I, D, D, D, F]),
    ("POST", "/transfers/999999999", [D, D, D, D, F]),
    // Work plans: city roles and county officers; a county officer never
    // another county's documents, never reviews, supervises or reports for
    // the lead unit; the school officer and the public have no plan pages.
    ("GET", "/plans", [O, O, O, D, D]),
    ("GET", "/plans/{plan}", [O, O, O, D, D]),
    ("GET", "/plans/999999999", [N, N, N, D, D]),
    (
        "GET",
        "/plans/{plan}?late=1&county=370112&listed=1&progress=on_track",
        [O, O, O, D, D],
    ),
    // The generated summary: the city's roles.
    ("GET", "/plans/{plan}/summary", [O, O, D, D, D]),
    ("GET", "/plans/{plan}/summary.docx", [O, O, D, D, D]),
    ("GET", "/plans/{plan}/ledger.xlsx", [O, O, D, D, D]),
    ("GET", "/plans/999999999/summary", [N, N, D, D, D]),
    ("GET", "/tasks/{late_task}", [O, O, O, D, D]),
    ("GET", "/tasks/{foreign_task}", [O, O, O, D, D]),
    ("GET", "/tasks/999999999", [N, N, N, D, D]),
    ("GET", "/documents/{county_document}", [O, O, O, D, D]),
    ("GET", "/documents/{foreign_document}", [O, O, D, D, D]),
    ("GET", "/documents/999999999", [D, D, D, D, D]),
    ("GET", "/supervision", [O, O, O, D, D]),
    ("GET", "/projects", [O, O, O, D, D]),
    ("GET", "/my-tasks", [O, O, O, D, D]),
    // 学位预测: the city's roles the city and every county, a county officer
    // its own county alone (another is not found); the city's planners save
    // (an empty label: refused as invalid, nothing saved).
    ("GET", "/forecast", [O, O, O, D, D]),
    ("GET", "/forecast?scenario=0", [O, O, O, D, D]),
    ("GET", "/forecast.xlsx", [O, O, O, D, D]),
    ("GET", "/forecast.xlsx?county=370102", [O, O, N, D, D]),
    ("GET", "/forecast/county/370112", [O, O, O, D, D]),
    ("GET", "/forecast/county/370102", [O, O, N, D, D]),
    ("GET", "/forecast/county/370199", [N, N, N, D, D]),
    ("POST", "/forecast/runs", [I, I, D, D, F]),
    ("GET", "/forecast/runs/999999999", [N, N, N, D, D]),
    // 中考招生: no inputs or runs in the shared database; a run without
    // inputs is refused as invalid.
    ("GET", "/admission", [O, O, O, O, D]),
    ("POST", "/admission/runs", [I, D, D, D, F]),
    (
        "GET",
        "/admission/compare?a=999999999&b=999999998",
        [N, N, N, N, D],
    ),
    // An upload without a file: refused as invalid; only the administrator's.
    ("POST", "/admission/inputs", [I, D, D, D, D]),
    ("GET", "/admission/inputs/999999999", [N, N, N, N, D]),
    ("GET", "/admission/inputs/999999999/correct", [N, D, D, D, D]),
    ("POST", "/admission/inputs/999999999/correct", [N, D, D, D, F]),
    (
        "GET",
        "/admission/inputs/999999999/schools/{own}",
        [N, N, N, N, D],
    ),
    (
        "POST",
        "/admission/inputs/999999999/schools/{own}",
        [N, N, N, N, F],
    ),
    ("GET", "/admission/runs/999999999", [N, N, N, N, D]),
    ("GET", "/admission/runs/999999999.xlsx", [N, N, N, N, D]),
    ("POST", "/admission/runs/999999999.xlsx", [N, D, D, D, F]),
    ("GET", "/admission/runs/999999999/schools/{own}", [N, N, N, N, D]),
    ("GET", "/admission/runs/999999999/candidates", [N, N, N, N, D]),
    ("POST", "/admission/runs/999999999/candidates", [N, D, D, D, F]),
    ("GET", "/admission/runs/999999999/explain", [N, N, N, N, D]),
    ("GET", "/admission/runs/999999999/changes", [N, N, N, N, D]),
    // Forms that change nothing: an escalation without a reason (refused by
    // the domain for who may escalate), a report without text for 370112
    // (the county officer's own part; the city reports only for the lead
    // unit), a return without a reason.
    ("POST", "/tasks/{late_task}/steps", [I, D, D, D, F]),
    ("POST", "/tasks/999999999/steps", [D, D, D, D, F]),
    ("POST", "/tasks/{late_task}/reports", [D, D, I, D, F]),
    ("POST", "/tasks/{foreign_task}/reports", [D, D, D, D, F]),
    ("POST", "/reports/{county_report}/decision", [I, D, D, D, F]),
    ("POST", "/reports/999999999/decision", [D, D, D, D, F]),
    // Assets and health.
    ("GET", "/assets/app.css", [O, O, O, O, O]),
    ("GET", "/assets/app.js", [O, O, O, O, O]),
    ("GET", "/healthz", [O, O, O, O, O]),
    // The API.
    ("GET", "/api/openapi.json", [O, O, O, O, O]),
    ("GET", "/api/me", [O, O, O, O, O]),
    ("GET", "/api/overview", [O, O, O, O, O]),
    ("GET", "/api/overview?area=370112", [O, O, O, O, O]),
    ("GET", "/api/overview?area=370102", [O, O, O, O, O]),
    ("GET", "/api/overview?area={township}", [O, O, O, O, F]),
    ("GET", "/api/areas/3701", [O, O, O, O, O]),
    ("GET", "/api/areas/370112", [O, O, O, O, O]),
    ("GET", "/api/areas/370102", [O, O, O, O, O]),
    ("GET", "/api/areas/{township}", [O, O, O, O, F]),
    ("GET", "/api/areas/{foreign_township}", [O, O, F, F, F]),
    ("GET", "/api/indicators", [O, O, O, O, O]),
    ("GET", "/api/indicators/large_class_count", [O, O, O, O, O]),
    (
        "GET",
        "/api/indicators/large_class_count?area=370102",
        [O, O, O, O, O],
    ),
    (
        "GET",
        "/api/indicators/large_class_count?area={township}",
        [O, O, O, O, F],
    ),
    ("GET", "/api/schools/{own}", [O, O, O, O, F]),
    ("GET", "/api/schools/{sibling}", [O, O, O, F, F]),
    ("GET", "/api/schools/{foreign}", [O, O, F, F, F]),
    ("GET", "/api/schools/2999999999", [F, F, F, F, F]),
];

pub fn fill(route: &str) -> String {
    let f = fixture();
    route
        .replace("{own}", &f.own_school)
        .replace("{sibling}", &f.sibling_school)
        .replace("{foreign_township}", &f.foreign_township)
        .replace("{foreign}", &f.foreign_school)
        .replace("{township}", &f.township)
        .replace("{no_report}", &"0a".repeat(32))
        .replace("{transfer}", &f.pending_transfer.to_string())
        .replace("{plan}", &f.plan.plan.to_string())
        .replace("{late_task}", &f.plan.late_task.to_string())
        .replace("{foreign_task}", &f.plan.foreign_task.to_string())
        .replace("{county_report}", &f.plan.county_report.to_string())
        .replace("{county_document}", &f.plan.county_document.to_string())
        .replace("{foreign_document}", &f.plan.foreign_document.to_string())
}

/// A small CSV for the import cell: one row that fails validation (an
/// unknown school), so a dry run shows row errors and writes nothing.
const DRY_RUN_CSV: &str = "学年,学校标识码,学段,年级,班级名称,班额\n2024,2000000000,小学,1,1班,30\n";

/// Sends one cell's request. POSTs carry the session's CSRF token (empty for
/// the public) and a form that changes nothing lasting.
pub fn request(browser: &Browser, csrf: &str, method: &str, route: &str) -> Resp {
    match (method, route) {
        ("GET", _) => browser.get(route),
        ("POST", "/admission/inputs") => browser.send(
            browser
                .bare_with_cookies()
                .post(browser.url(route))
                .multipart(reqwest::multipart::Form::new().text("csrf", csrf.to_owned())),
        ),
        // Admission forms on nothing: refused or not found, nothing written.
        ("POST", r) if r.starts_with("/admission/") => browser.post_form(route, &[("csrf", csrf)]),
        ("POST", "/import") => browser.post_upload(Some(csrf), "classes.csv", DRY_RUN_CSV, false),
        // An invalid username: the form is handled (and refused) without adding anyone.
        ("POST", "/admin/users") => browser.post_form(
            route,
            &[
                ("csrf", csrf),
                ("username", "X"),
                ("display_name", "x"),
                ("role", "city_analyst"),
                ("scope", "3701"),
                ("password", "matrix-password-1"),
            ],
        ),
        // A school's students in full: a view, audited, that changes nothing.
        ("POST", r) if r.starts_with("/schools/") => browser.post_form(route, &[("csrf", csrf)]),
        // A refusal without a reason: refused as invalid, nothing decided.
        ("POST", r) if r.starts_with("/transfers/") => {
            browser.post_form(route, &[("csrf", csrf), ("decision", "refuse"), ("reason", "")])
        }
        // An escalation without a reason: refused, nothing appended.
        ("POST", r) if r.ends_with("/steps") => browser.post_form(
            route,
            &[
                ("csrf", csrf),
                ("step", "escalate"),
                ("colour", "blue"),
                ("reason", ""),
            ],
        ),
        // A report without text for 370112: refused, nothing filed.
        ("POST", r) if r.ends_with("/reports") => {
            let form = reqwest::multipart::Form::new()
                .text("csrf", csrf.to_owned())
                .text("county", crate::COUNTY)
                .text("period", "2026-H2")
                .text("text", "");
            browser.send(
                browser
                    .bare_with_cookies()
                    .post(browser.url(route))
                    .multipart(form),
            )
        }
        // A return without a reason: refused, nothing decided.
        ("POST", r) if r.ends_with("/decision") => {
            browser.post_form(route, &[("csrf", csrf), ("decision", "return"), ("reason", "")])
        }
        // Enabling an account that is already enabled.
        ("POST", "/admin/users/active") => browser.post_form(
            route,
            &[("csrf", csrf), ("username", "demo-analyst"), ("active", "true")],
        ),
        // Saving a forecast without a label: refused, nothing saved.
        ("POST", "/forecast/runs") => browser.post_form(route, &[("csrf", csrf), ("label", "")]),
        _ => panic!("no request for {method} {route}"),
    }
}

/// Every cell: (route index, role, observed, as expected).
fn run_matrix() -> Vec<Vec<(String, bool)>> {
    let server = shared();
    let browsers: Vec<(Browser, String)> = Who::ALL
        .iter()
        .map(|who| {
            let browser = Browser::as_role(server, *who);
            let csrf = if *who == Who::Public {
                String::new()
            } else {
                browser.csrf()
            };
            (browser, csrf)
        })
        .collect();
    MATRIX
        .iter()
        .map(|(method, route, expected)| {
            let route = fill(route);
            browsers
                .iter()
                .zip(expected)
                .map(|((browser, csrf), expect)| {
                    let resp = request(browser, csrf, method, &route);
                    (observe(&resp), matches(*expect, &resp))
                })
                .collect()
        })
        .collect()
}

fn table(results: &[Vec<(String, bool)>]) -> String {
    let mut out = String::new();
    let width = MATRIX
        .iter()
        .map(|(m, r, _)| m.len() + 1 + fill(r).len())
        .max()
        .unwrap_or(10);
    let _ = write!(out, "{:width$}", "route");
    for who in Who::ALL {
        let _ = write!(out, " | {:<20}", who.label());
    }
    out.push('\n');
    for ((method, route, expected), row) in MATRIX.iter().zip(results) {
        let _ = write!(out, "{:width$}", format!("{method} {}", fill(route)));
        for (expect, (seen, ok)) in expected.iter().zip(row) {
            let cell = if *ok {
                expect.label().to_owned()
            } else {
                format!("✗ want {} got {seen}", expect.label())
            };
            let _ = write!(out, " | {cell:<20}");
        }
        out.push('\n');
    }
    out
}

#[test]
fn every_route_for_every_role() {
    let results = run_matrix();
    let failures = results.iter().flatten().filter(|(_, ok)| !ok).count();
    assert_eq!(
        failures,
        0,
        "{failures} of {} cells differ from the matrix:\n{}",
        MATRIX.len() * Who::ALL.len(),
        table(&results)
    );
}

/// Every route `web::router` declares (crates/web/src/lib.rs), with each of
/// its methods, has at least one row in the matrix: a new route without
/// its access cells fails here.
#[test]
fn the_matrix_covers_every_route_of_the_router() {
    let source = include_str!("../../src/lib.rs");
    let mut missing = Vec::new();
    // Signing in and out are the session's own, tested in `throttle` and
    // `hostile` (a failed sign-in here would slow every later one).
    const OWN_TESTS: &[&str] = &["POST /login", "POST /logout"];
    let chunks: Vec<&str> = source.split(".route(").skip(1).collect();
    assert!(chunks.len() > 20, "routes not found in lib.rs");
    for chunk in chunks {
        let Some(path) = chunk.split('"').nth(1) else {
            continue;
        };
        for method in ["GET", "POST"] {
            let call = format!("{}(", method.to_lowercase());
            if !chunk.contains(&call) {
                continue;
            }
            let covered = MATRIX
                .iter()
                .any(|(m, route, _)| *m == method && route_matches(path, route));
            if !covered && !OWN_TESTS.contains(&format!("{method} {path}").as_str()) {
                missing.push(format!("{method} {path}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes without a row in the matrix: {missing:?}"
    );
}

/// Whether a matrix route (placeholders of the fixture, a query) is an
/// instance of a router path (`{param}` segments).
fn route_matches(pattern: &str, route: &str) -> bool {
    let route = route.split('?').next().unwrap_or(route);
    let (p, r): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), route.split('/').collect());
    p.len() == r.len()
        && p.iter()
            .zip(&r)
            .all(|(p, r)| (p.starts_with('{') && p.ends_with('}')) || p == r)
}

/// A refused HTML page should say so in its status too, as the API and the
/// exports do: a 200 tells caches, crawlers and monitoring that the page
/// exists and was served.
#[test]
fn html_refusals_answer_403() {
    let server = shared();
    let mut wrong = Vec::new();
    for (i, who) in Who::ALL.iter().enumerate() {
        let browser = Browser::as_role(server, *who);
        let csrf = if *who == Who::Public {
            String::new()
        } else {
            browser.csrf()
        };
        for (method, route, expected) in MATRIX {
            if expected[i] != Expect::Deny {
                continue;
            }
            let route = fill(route);
            let resp = request(&browser, &csrf, method, &route);
            if resp.status != 403 {
                wrong.push(format!("{method} {route} as {}: {}", who.label(), resp.status));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} refusals without 403:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Pages a role may open show only what lies in its scope: no other
/// school's name in a school officer's township, no other county's
/// townships or schools for a county officer (its total is published), no
/// township or school for the public.
#[test]
fn allowed_pages_show_only_what_is_in_scope() {
    let f = fixture();
    let server = shared();

    let school = Browser::as_role(server, Who::School);
    let rows = school
        .get(&format!("/api/areas/{}?indicator=student_count", f.township))
        .json();
    let codes: Vec<&str> = rows["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["school"].as_str())
        .collect();
    assert_eq!(codes, [f.own_school.as_str()], "{rows}");
    let rows = school
        .get(&format!("/api/indicators/student_count?area={}", f.township))
        .json();
    let codes: Vec<&str> = rows["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["school"].as_str())
        .collect();
    assert_eq!(codes, [f.own_school.as_str()], "{rows}");
    // The city administrator sees the three schools of that township.
    let admin = Browser::as_role(server, Who::Admin);
    let rows = admin
        .get(&format!("/api/areas/{}?indicator=student_count", f.township))
        .json();
    assert_eq!(rows["rows"].as_array().unwrap().len(), 3, "{rows}");
    let page = school.get(&format!("/areas/{}?indicator=student_count", f.township));
    assert_eq!(page.status, 200);
    assert!(
        !page.text().contains(&f.sibling_name),
        "sibling school shown to the school officer"
    );

    // A county officer sees the city's counties as the public does
    // (published figures), and the townships of its own county only.
    let county = Browser::as_role(server, Who::County);
    let public = Browser::new(server);
    let area_rows = |browser: &Browser, path: &str| -> Vec<String> {
        let rows = browser.get(path).json();
        rows["rows"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: {rows}"))
            .iter()
            .filter_map(|r| r["area"].as_str().map(str::to_owned))
            .collect()
    };
    let counties = area_rows(&county, "/api/areas/3701");
    assert!(counties.iter().any(|a| a == crate::OTHER_COUNTY), "{counties:?}");
    assert_eq!(counties, area_rows(&public, "/api/areas/3701"));
    let export = county.get("/indicators/large_class_count/export.xlsx?area=3701");
    assert_eq!(export.status, 200);
    let rows = county
        .get(&format!("/api/areas/{}?indicator=student_count", f.township))
        .json();
    assert!(rows["rows"].as_array().unwrap().len() > 1, "{rows}");
    // Another county: its total, but none of its townships or schools.
    let foreign = county.get(&format!(
        "/api/indicators/student_count?area={}",
        crate::OTHER_COUNTY
    ));
    assert_eq!(foreign.status, 200);
    assert!(!foreign.text().contains(&f.foreign_name));
    let foreign = area_rows(&county, &format!("/api/areas/{}", crate::OTHER_COUNTY));
    assert!(
        foreign.is_empty(),
        "another county's townships shown: {foreign:?}"
    );
    let page = county.get(&format!("/areas/{}", crate::OTHER_COUNTY));
    assert!(!page.text().contains(&f.foreign_township));
    assert!(!page.text().contains(&f.foreign_name));

    for path in [
        "/api/areas/370112",
        "/api/indicators/large_class_count?area=370112",
    ] {
        let rows = public.get(path).json();
        assert_eq!(rows["rows"], serde_json::json!([]), "{path}: {rows}");
    }
    let rows = public.get("/api/areas/3701").json();
    assert!(!rows["rows"].as_array().unwrap().is_empty(), "{rows}");
    let page = public.get(&format!("/schools/{}", f.own_school));
    assert!(is_refusal(&page.text()));
    assert!(!page.text().contains("<table"), "the refusal page holds no data");
}
