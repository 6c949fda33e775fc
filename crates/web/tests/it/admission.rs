//! 中考招生 over HTTP, on the demo city's admission inputs (scale 0.01)
//! stored with a 50 % and a 60 % run: a county officer sees only the
//! candidates its county sent or admitted — in the list, an explanation,
//! the changed placements and the workbook — and a candidate outside its
//! scope is answered exactly as an unknown one; numbers and names masked,
//! each unmasked view or download audited; the run form (presets, a TOML
//! policy, its Chinese error, CSRF, who may); a school's list signed off
//! once only; a correction into a new version, the re-run and who moved.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use admission::{Inputs, Outcome, Policy, Ratio};
use store::accounts::{AccountStore, AuditQuery};
use store::admission::{AdmissionInputsId, AdmissionRunId};
use store::prelude::*;

use crate::{fixture, hidden_csrf, is_refusal, Browser, Resp, Server, Who, COUNTY, OTHER_COUNTY};

/// The demo city's admission inputs, made once (the same city the fixture
/// was built from: same seed and scale).
fn demo_inputs() -> &'static Inputs {
    static INPUTS: OnceLock<Inputs> = OnceLock::new();
    INPUTS.get_or_init(|| {
        demo::DemoCity::generate(&demo::DemoConfig {
            scale: 0.01,
            ..demo::DemoConfig::default()
        })
        .unwrap()
        .admission_inputs()
    })
}

fn half() -> Policy {
    Policy::demo_city(Ratio { num: 1, den: 2 })
}

fn sixty() -> Policy {
    Policy::demo_city(Ratio { num: 3, den: 5 })
}

/// A server whose database holds the demo inputs and a 50 % and a 60 % run.
struct Setup {
    server: Server,
    inputs: AdmissionInputsId,
    run50: AdmissionRunId,
    run60: AdmissionRunId,
    outcome50: Outcome,
}

fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

fn setup(name: &str) -> Setup {
    let server = Server::fresh(name);
    let inputs = demo_inputs();
    let mut store = server.store();
    let id = store
        .save_admission_inputs(inputs, "2025年 演示城市", None, "demo-admin", now())
        .unwrap();
    let mut runs = Vec::new();
    let mut outcome50 = None;
    for policy in [half(), sixty()] {
        let outcome = admission::run(inputs, &policy).unwrap();
        let run = store
            .save_admission_run(id, &policy.name, None, &policy, &outcome, "demo-admin", now())
            .unwrap();
        outcome50.get_or_insert(outcome);
        runs.push(run);
    }
    drop(store);
    Setup {
        server,
        inputs: id,
        run50: runs[0],
        run60: runs[1],
        outcome50: outcome50.unwrap(),
    }
}

/// Whether the county officer of [`COUNTY`] may see candidate `i` placed as
/// in `outcome`: its junior school or its admitting school lies in the county.
fn in_county(inputs: &Inputs, outcome: &Outcome, i: usize) -> bool {
    let c = &inputs.candidates[i];
    let junior = inputs
        .junior_schools
        .iter()
        .find(|j| j.code == c.junior_school)
        .map(|j| j.county.as_str() == COUNTY)
        .unwrap_or(false);
    let admitted = outcome.placements[i]
        .school
        .map(|s| inputs.senior_schools[s as usize].county.as_str() == COUNTY)
        .unwrap_or(false);
    junior || admitted
}

/// A candidate of the other county, placed outside [`COUNTY`] (at a school,
/// so a correction of their eligibility moves them).
fn far_candidate(inputs: &Inputs, outcome: &Outcome) -> usize {
    (0..inputs.candidates.len())
        .find(|&i| {
            let c = &inputs.candidates[i];
            let other = inputs
                .junior_schools
                .iter()
                .any(|j| j.code == c.junior_school && j.county.as_str() == OTHER_COUNTY);
            other && outcome.placements[i].school.is_some() && !in_county(inputs, outcome, i)
        })
        .expect("a placed candidate of the other county")
}

/// A candidate of [`COUNTY`]'s own junior schools.
fn own_candidate(inputs: &Inputs) -> usize {
    (0..inputs.candidates.len())
        .find(|&i| {
            inputs
                .junior_schools
                .iter()
                .any(|j| j.code == inputs.candidates[i].junior_school && j.county.as_str() == COUNTY)
        })
        .expect("a candidate of the county")
}

/// Every `data-row="N"` of the rows of a table on the page.
fn rows(html: &str) -> BTreeSet<usize> {
    html.split("data-row=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

/// Every row index of a paged list, following its pages.
fn all_rows(browser: &Browser, path: &str) -> BTreeSet<usize> {
    let mut seen = BTreeSet::new();
    let sep = if path.contains('?') { '&' } else { '?' };
    for page in 0..1000 {
        let resp = browser.get(&format!("{path}{sep}page={page}"));
        assert_eq!(resp.status, 200, "{path} page {page}");
        let found = rows(&resp.text());
        let before = seen.len();
        seen.extend(found);
        if !resp.text().contains("rel=\"next\"") || seen.len() == before {
            break;
        }
    }
    seen
}

/// The `<main>` of a page: what differs between two answers, without the
/// header's time of printing.
fn main_of(html: &str) -> String {
    html.split("<main>")
        .nth(1)
        .and_then(|m| m.split("</main>").next())
        .unwrap_or_default()
        .to_owned()
}

fn audit(server: &Server, action: store::AuditAction) -> Vec<String> {
    server
        .store()
        .audit_log(&AuditQuery {
            actor: None,
            action: Some(action),
            offset: 0,
            limit: 100,
        })
        .unwrap()
        .entries
        .into_iter()
        .map(|e| format!("{} {}", e.actor, e.detail))
        .collect()
}

/// The 录取结果 sheet of a workbook: one line per row, cells joined by `|`.
fn result_rows(resp: &Resp) -> Vec<String> {
    use calamine::Reader;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(resp.bytes.clone())).expect("an xlsx");
    let range = book.worksheet_range("录取结果").expect("the result sheet");
    range
        .rows()
        .skip(1)
        .map(|row| row.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|"))
        .collect()
}

#[test]
fn a_county_officer_sees_only_its_candidates_in_the_list_an_explanation_the_changes_and_the_workbook() {
    let s = setup("admission-scope");
    let inputs = demo_inputs();
    let far = far_candidate(inputs, &s.outcome50);
    let own = own_candidate(inputs);
    let far_id = inputs.candidates[far].id.0.clone();

    // A correction that moves the far candidate (no 录取资格 any more), and
    // the re-run against the 50 % run.
    let admin = Browser::as_role(&s.server, Who::Admin);
    let csrf = admin.csrf();
    let resp = admin.post_form(
        &format!("/admission/inputs/{}/correct", s.inputs),
        &[
            ("csrf", &csrf),
            ("candidate", &far_id),
            ("field", "录取资格"),
            ("value", "否"),
            ("reason", "综合素质评价未通过"),
        ],
    );
    assert_eq!(resp.status, 303, "{}", resp.text());
    let corrected = resp.location().unwrap();
    let new_inputs: i64 = corrected
        .trim_start_matches("/admission/inputs/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let resp = admin.post_form(
        "/admission/runs",
        &[
            ("csrf", &csrf),
            ("inputs", &new_inputs.to_string()),
            ("policy", "rerun"),
            ("rerun_of", &s.run50.to_string()),
        ],
    );
    assert_eq!(resp.status, 303, "{}", resp.text());
    let rerun = resp.location().unwrap();

    // The city administrator sees the far candidate among the changes.
    let admin_changes = all_rows(&admin, &format!("{rerun}/changes"));
    assert!(admin_changes.contains(&far), "the corrected candidate moved");

    let county = Browser::as_role(&s.server, Who::County);
    // The list: exactly the county's candidates.
    let expected: BTreeSet<usize> = (0..inputs.candidates.len())
        .filter(|&i| in_county(inputs, &s.outcome50, i))
        .collect();
    assert!(!expected.is_empty() && expected.len() < inputs.candidates.len());
    let listed = all_rows(&county, &format!("/admission/runs/{}/candidates", s.run50));
    assert_eq!(listed, expected, "the county officer's list is its county's");
    let far_junior = inputs.candidates[far].junior_school.as_str().to_owned();
    // Filtered by the far candidate's junior school: only those of its
    // graduates the county admitted, never the far candidate.
    let of_far_school = all_rows(
        &county,
        &format!("/admission/runs/{}/candidates?junior={far_junior}", s.run50),
    );
    assert!(!of_far_school.contains(&far));
    let expected_there: BTreeSet<usize> = expected
        .iter()
        .copied()
        .filter(|&i| inputs.candidates[i].junior_school.as_str() == far_junior)
        .collect();
    assert_eq!(of_far_school, expected_there);

    // An explanation: the far candidate is answered as an unknown one.
    let explain =
        |browser: &Browser, query: &str| browser.get(&format!("/admission/runs/{}/explain?{query}", s.run50));
    let unknown = explain(&county, "candidate=99999999999999");
    let outside = explain(&county, &format!("candidate={far_id}"));
    let outside_row = explain(&county, &format!("row={far}"));
    assert_eq!(unknown.status, 404);
    assert_eq!(outside.status, 404);
    assert_eq!(outside_row.status, 404);
    assert_eq!(main_of(&outside.text()), main_of(&unknown.text()));
    assert_eq!(main_of(&outside_row.text()), main_of(&unknown.text()));
    assert!(!main_of(&unknown.text()).is_empty());
    let mine = explain(&county, &format!("row={own}"));
    assert_eq!(mine.status, 200);
    let mine = mine.text();
    assert!(mine.contains("id=\"explanation\""), "an answer in sentences");
    assert!(
        !mine.contains(&inputs.candidates[own].id.0),
        "masked for the officer"
    );
    let admin_far = explain(&admin, &format!("candidate={far_id}"));
    assert_eq!(admin_far.status, 200, "the city sees every candidate");

    // The changes: the far candidate is not the county's.
    let county_changes = all_rows(&county, &format!("{rerun}/changes"));
    assert!(!county_changes.contains(&far));
    assert!(county_changes.is_subset(&admin_changes));

    // The workbook: the county's rows only, masked.
    let book = result_rows(&county.get(&format!("/admission/runs/{}.xlsx", s.run50)));
    assert_eq!(book.len(), expected.len());
    assert!(!book.iter().any(|row| row.contains(&far_id)));
    let own_id = &inputs.candidates[own].id.0;
    assert!(!book.iter().any(|row| row.contains(own_id.as_str())), "masked");
    let whole = result_rows(&admin.get(&format!("/admission/runs/{}.xlsx", s.run50)));
    assert_eq!(whole.len(), inputs.candidates.len());

    // A school officer: its own graduates and admits only.
    let school = Browser::as_role(&s.server, Who::School);
    let own_school = &fixture().own_school;
    let theirs: BTreeSet<usize> = (0..inputs.candidates.len())
        .filter(|&i| {
            inputs.candidates[i].junior_school.as_str() == own_school
                || s.outcome50.placements[i]
                    .school
                    .is_some_and(|x| inputs.senior_schools[x as usize].code.as_str() == own_school)
        })
        .collect();
    assert_eq!(
        all_rows(&school, &format!("/admission/runs/{}/candidates", s.run50)),
        theirs
    );
}

#[test]
fn numbers_and_names_are_masked_and_each_view_in_full_is_audited() {
    let s = setup("admission-unmasked");
    let inputs = demo_inputs();
    let path = format!("/admission/runs/{}/candidates", s.run50);
    let admin = Browser::as_role(&s.server, Who::Admin);
    let page = admin.get(&path).text();
    let shown = rows(&page);
    let first = *shown.iter().next().unwrap();
    let c = &inputs.candidates[first];
    assert!(!page.contains(&c.id.0), "the number masked");
    assert!(page.contains(&import_export::admission_workbook::mask_candidate_id(&c.id.0)));
    assert!(
        page.contains("id=\"unmask\""),
        "the administrator is offered the full view"
    );

    let csrf = admin.csrf();
    let resp = admin.post_form(&path, &[("csrf", &csrf), ("page", "0")]);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("cache-control").as_deref(), Some("no-store"));
    let full = resp.text();
    assert!(full.contains(&c.id.0) && full.contains(&c.name));
    let views = audit(&s.server, store::AuditAction::ViewUnmasked);
    assert_eq!(views.len(), 1, "{views:?}");
    assert!(views[0].starts_with("demo-admin 中考录取"), "{views:?}");
    assert!(!views[0].contains(&c.id.0) && !views[0].contains(&c.name));

    // Forged: nothing shown, nothing logged.
    let forged = admin.post_form(&path, &[("csrf", "forged")]);
    assert_eq!(forged.status, 403);
    assert!(!forged.text().contains(&c.id.0));
    assert_eq!(audit(&s.server, store::AuditAction::ViewUnmasked).len(), 1);

    // The workbook in full: by POST, audited.
    let book = admin.send(
        admin
            .bare_with_cookies()
            .post(admin.url(&format!("/admission/runs/{}.xlsx", s.run50)))
            .form(&[("csrf", csrf.as_str())]),
    );
    let book = result_rows(&book);
    assert!(book.iter().any(|row| row.contains(c.id.0.as_str())));
    let exports = audit(&s.server, store::AuditAction::ExportUnmasked);
    assert_eq!(exports.len(), 1, "{exports:?}");

    // Other roles: no offer, refused, nothing logged.
    for who in [Who::Analyst, Who::County, Who::School] {
        let browser = Browser::as_role(&s.server, who);
        assert!(!browser.get(&path).text().contains("id=\"unmask\""), "{who:?}");
        let csrf = browser.csrf();
        let resp = browser.post_form(&path, &[("csrf", &csrf)]);
        assert!(is_refusal(&resp.text()), "{who:?}");
        assert!(!resp.text().contains(&c.id.0));
        let resp = browser.post_form(&format!("/admission/runs/{}.xlsx", s.run50), &[("csrf", &csrf)]);
        assert!(is_refusal(&resp.text()), "{who:?}");
    }
    assert_eq!(audit(&s.server, store::AuditAction::ViewUnmasked).len(), 1);
    assert_eq!(audit(&s.server, store::AuditAction::ExportUnmasked).len(), 1);
}

#[test]
fn the_run_form_runs_a_preset_or_a_toml_policy_and_refuses_a_bad_one_in_chinese() {
    let s = setup("admission-run");
    let admin = Browser::as_role(&s.server, Who::Admin);
    let index = admin.get("/admission");
    assert_eq!(index.status, 200);
    let html = index.text();
    assert!(html.contains("id=\"run-form\""));
    assert!(html.contains(&format!("href=\"/admission/runs/{}\"", s.run60)));
    let csrf = admin.csrf();
    let inputs = s.inputs.to_string();
    let runs_before = s.server.store().admission_runs().unwrap().len();

    let resp = admin.post_form(
        "/admission/runs",
        &[
            ("csrf", &csrf),
            ("inputs", &inputs),
            ("policy", "demo60"),
            ("label", "六成"),
        ],
    );
    assert_eq!(resp.status, 303, "{}", resp.text());
    let run = admin.get(&resp.location().unwrap());
    assert_eq!(run.status, 200);
    let html = run.text();
    assert!(html.contains("六成"));
    assert!(html.contains("id=\"policy-words\""));
    assert!(html.contains("id=\"school-results\""));
    assert!(
        html.contains("class=\"quota-school\""),
        "quota schools link to their split"
    );

    // A TOML policy: the demo's written out, read back.
    let toml = sixty().to_toml();
    let resp = admin.post_form(
        "/admission/runs",
        &[
            ("csrf", &csrf),
            ("inputs", &inputs),
            ("policy", "toml"),
            ("toml", &toml),
        ],
    );
    assert_eq!(resp.status, 303, "{}", resp.text());

    // A broken one: 400, the reason in Chinese, nothing stored.
    let resp = admin.post_form(
        "/admission/runs",
        &[
            ("csrf", &csrf),
            ("inputs", &inputs),
            ("policy", "toml"),
            ("toml", "name = ["),
        ],
    );
    assert_eq!(resp.status, 400);
    assert!(resp.text().contains("录取政策"), "{}", resp.text());
    assert_eq!(s.server.store().admission_runs().unwrap().len(), runs_before + 2);

    // Forged, or not the administrator's: refused, nothing stored.
    let forged = admin.post_form(
        "/admission/runs",
        &[("csrf", "x"), ("inputs", &inputs), ("policy", "demo50")],
    );
    assert_eq!(forged.status, 403);
    for who in [Who::Analyst, Who::County, Who::School] {
        let browser = Browser::as_role(&s.server, who);
        assert!(
            !browser.get("/admission").text().contains("id=\"run-form\""),
            "{who:?}"
        );
        let csrf = browser.csrf();
        let resp = browser.post_form(
            "/admission/runs",
            &[("csrf", &csrf), ("inputs", &inputs), ("policy", "demo50")],
        );
        assert!(is_refusal(&resp.text()), "{who:?}");
    }
    assert_eq!(s.server.store().admission_runs().unwrap().len(), runs_before + 2);
}

#[test]
fn a_schools_list_is_signed_off_once_by_who_may_and_forged_forms_change_nothing() {
    let s = setup("admission-sign-off");
    let f = fixture();
    let inputs = demo_inputs();
    let foreign_junior = inputs
        .junior_schools
        .iter()
        .find(|j| j.county.as_str() == OTHER_COUNTY)
        .unwrap()
        .code
        .as_str()
        .to_owned();
    let own_is_junior = inputs
        .junior_schools
        .iter()
        .any(|j| j.code.as_str() == f.own_school);
    let own = if own_is_junior {
        f.own_school.clone()
    } else {
        // The officer's school is not a junior school: its county officer
        // signs for one of the county's.
        inputs
            .junior_schools
            .iter()
            .find(|j| j.county.as_str() == COUNTY)
            .unwrap()
            .code
            .as_str()
            .to_owned()
    };
    let signer = if own_is_junior { Who::School } else { Who::County };
    let browser = Browser::as_role(&s.server, signer);
    let path = format!("/admission/inputs/{}/schools/{own}", s.inputs);
    let page = browser.get(&path);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("id=\"sign-off-form\""));
    assert!(page.text().contains("id=\"sign-off-list\""));
    let csrf = hidden_csrf(&page.text()).unwrap();

    let forged = browser.post_form(&path, &[("csrf", "forged"), ("note", "无误")]);
    assert_eq!(forged.status, 403);
    assert!(s.server.store().admission_sign_offs(s.inputs).unwrap().is_empty());

    let resp = browser.post_form(&path, &[("csrf", &csrf), ("note", "名单无误")]);
    assert_eq!(resp.status, 303, "{}", resp.text());
    let again = browser.post_form(&path, &[("csrf", &csrf), ("note", "再次")]);
    assert_eq!(again.status, 409);
    assert!(again.text().contains("不能重复确认"));
    let signed = s.server.store().admission_sign_offs(s.inputs).unwrap();
    assert_eq!(signed.len(), 1);
    assert_eq!(signed[0].note, "名单无误");
    let page = browser.get(&path).text();
    assert!(page.contains("id=\"signed-off\"") && !page.contains("id=\"sign-off-form\""));
    let index = browser.get("/admission").text();
    assert!(index.contains("1 / "), "progress on the index");

    // Another county's school: refused to the county officer, as to the school's.
    for who in [Who::County, Who::School] {
        let other = Browser::as_role(&s.server, who);
        let path = format!("/admission/inputs/{}/schools/{foreign_junior}", s.inputs);
        assert!(is_refusal(&other.get(&path).text()), "{who:?}");
        let csrf = other.csrf();
        assert!(
            is_refusal(&other.post_form(&path, &[("csrf", &csrf)]).text()),
            "{who:?}"
        );
    }
    // The analyst reads the list but signs nothing.
    let analyst = Browser::as_role(&s.server, Who::Analyst);
    let path = format!("/admission/inputs/{}/schools/{foreign_junior}", s.inputs);
    let page = analyst.get(&path).text();
    assert!(page.contains("id=\"sign-off-list\"") && !page.contains("id=\"sign-off-form\""));
    assert_eq!(s.server.store().admission_sign_offs(s.inputs).unwrap().len(), 1);
}

#[test]
fn the_pages_of_a_run_show_cutoffs_per_school_and_per_junior_school_and_compare_two_runs() {
    let s = setup("admission-pages");
    let inputs = demo_inputs();
    let analyst = Browser::as_role(&s.server, Who::Analyst);
    let run = analyst.get(&format!("/admission/runs/{}", s.run50)).text();
    assert!(run.contains("id=\"run-summary\""));
    for school in &inputs.senior_schools {
        assert!(run.contains(&format!("data-school=\"{}\"", school.code.as_str())));
    }
    let quota = inputs.senior_schools.iter().find(|x| x.quota_school).unwrap();
    let split = analyst.get(&format!(
        "/admission/runs/{}/schools/{}",
        s.run50,
        quota.code.as_str()
    ));
    assert_eq!(split.status, 200);
    assert!(split.text().contains("id=\"junior-cutoffs\""));
    let compare = analyst.get(&format!("/admission/compare?a={}&b={}", s.run50, s.run60));
    assert_eq!(compare.status, 200);
    let html = compare.text();
    assert!(html.contains("id=\"compare-summary\"") && html.contains("id=\"spread-by-school\""));
    assert!(html.contains("id=\"moved-count\""));
    // Unknown runs: 404.
    assert_eq!(analyst.get("/admission/compare?a=1&b=999999").status, 404);
    assert_eq!(analyst.get("/admission/runs/999999").status, 404);
    // Thousands grouped in the summary at any scale: the count as shown.
    let candidates = inputs.candidates.len();
    let grouped = indicators::report::format_number(candidates as f64, 0);
    assert!(run.contains(&grouped));
}

/// An upload as the index's form sends it.
fn upload(browser: &Browser, csrf: &str, year: &str, name: &str, bytes: Vec<u8>) -> Resp {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_owned())
        .text("year", year.to_owned())
        .text("label", "导入的录取数据")
        .part("file", part);
    browser.send(
        browser
            .bare_with_cookies()
            .post(browser.url("/admission/inputs"))
            .multipart(form),
    )
}

#[test]
fn the_administrator_imports_a_years_inputs_from_a_workbook_and_a_broken_one_stores_nothing() {
    let server = Server::fresh("admission-upload");
    let inputs = demo_inputs();
    let book = import_export::write_admission_inputs_xlsx(inputs).unwrap();
    let year = inputs.year.to_string();
    let admin = Browser::as_role(&server, Who::Admin);
    assert!(admin.get("/admission").text().contains("id=\"upload-form\""));
    let csrf = admin.csrf();

    // Not a workbook: refused, named, nothing stored.
    let resp = upload(&admin, &csrf, &year, "录取数据.xlsx", b"not a workbook".to_vec());
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(resp.text().contains("id=\"upload-refused\""));
    let resp = upload(&admin, &csrf, &year, "录取数据.csv", book.clone());
    assert_eq!(resp.status, 400);
    assert!(server.store().admission_inputs_list().unwrap().is_empty());
    // Forged: refused.
    assert_eq!(
        upload(&admin, "forged", &year, "录取数据.xlsx", book.clone()).status,
        403
    );

    let resp = upload(&admin, &csrf, &year, "录取数据.xlsx", book.clone());
    assert_eq!(resp.status, 303, "{}", resp.text());
    let versions = server.store().admission_inputs_list().unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].candidates as usize, inputs.candidates.len());
    assert_eq!(
        resp.location().unwrap(),
        format!("/admission/inputs/{}", versions[0].id)
    );
    let page = admin.get(&resp.location().unwrap());
    assert_eq!(page.status, 200);
    assert!(page.text().contains("id=\"check-summary\""));

    // Nobody else imports.
    for who in [Who::Analyst, Who::County, Who::School] {
        let browser = Browser::as_role(&server, who);
        assert!(
            !browser.get("/admission").text().contains("id=\"upload-form\""),
            "{who:?}"
        );
        let csrf = browser.csrf();
        // A small file: the refusal comes before the body is read, and a
        // large body still being written when the server answers and
        // closes is a broken pipe on the client, not an answer.
        let resp = upload(&browser, &csrf, &year, "录取数据.xlsx", book[..64].to_vec());
        assert!(is_refusal(&resp.text()), "{who:?}");
    }
    assert_eq!(server.store().admission_inputs_list().unwrap().len(), 1);
}

#[test]
fn a_correction_that_does_not_read_is_refused_naming_the_field_and_stores_nothing() {
    let s = setup("admission-correct");
    let inputs = demo_inputs();
    let id = inputs.candidates[0].id.0.clone();
    let admin = Browser::as_role(&s.server, Who::Admin);
    let csrf = admin.csrf();
    let path = format!("/admission/inputs/{}/correct", s.inputs);
    for (candidate, field, value, says) in [
        (id.as_str(), "总分", "1200", "“总分”应为 0 到 1000 的分数"),
        (id.as_str(), "录取资格", "也许", "“录取资格”应填“是”或“否”"),
        (
            id.as_str(),
            "统招志愿",
            "2370112001 abc",
            "“统招志愿”中“abc”不是学校标识码",
        ),
        (id.as_str(), "身高", "170", "没有“身高”这一项"),
        ("00000000000000", "总分", "600", "不在这一版数据中"),
    ] {
        let resp = admin.post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("candidate", candidate),
                ("field", field),
                ("value", value),
            ],
        );
        assert_eq!(resp.status, 400, "{field} {value}");
        let text = resp.text();
        assert!(text.contains(says), "{field} {value}: {text}");
        assert!(text.contains("id=\"correct-form\""), "the form again");
        // The refusal never echoes the full examination number.
        assert!(!text.contains(&format!("“{candidate}”")) || candidate.starts_with("000"));
    }
    assert_eq!(s.server.store().admission_inputs_list().unwrap().len(), 1);
    // Others may not correct.
    for who in [Who::Analyst, Who::County, Who::School] {
        let browser = Browser::as_role(&s.server, who);
        assert!(is_refusal(&browser.get(&path).text()), "{who:?}");
        let csrf = browser.csrf();
        let resp = browser.post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("candidate", &id),
                ("field", "总分"),
                ("value", "600"),
            ],
        );
        assert!(is_refusal(&resp.text()), "{who:?}");
    }
    assert_eq!(s.server.store().admission_inputs_list().unwrap().len(), 1);
}

#[test]
fn a_bidi_character_in_any_admission_form_is_400_naming_the_field_and_stores_nothing() {
    // U+202E turns the rest of a label around on screen and in the audit
    // log; the store refuses it, so the pages must refuse it first.
    let s = setup("admission-bidi");
    let inputs = demo_inputs();
    let admin = Browser::as_role(&s.server, Who::Admin);
    let csrf = admin.csrf();
    let id = s.inputs.to_string();
    let runs_before = s.server.store().admission_runs().unwrap().len();

    let resp = admin.post_form(
        "/admission/runs",
        &[
            ("csrf", &csrf),
            ("inputs", &id),
            ("policy", "demo50"),
            ("label", "五成\u{202E}"),
        ],
    );
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(
        resp.text().contains("录取结果名称") && resp.text().contains("U+202E"),
        "{}",
        resp.text()
    );

    // A pasted policy named with one: its name is stored and is the default label.
    let mut named = sixty();
    named.name = "六成\u{202E}政策".to_owned();
    let toml = named.to_toml();
    for label in ["", "六成"] {
        let resp = admin.post_form(
            "/admission/runs",
            &[
                ("csrf", &csrf),
                ("inputs", &id),
                ("policy", "toml"),
                ("toml", &toml),
                ("label", label),
            ],
        );
        assert_eq!(resp.status, 400, "label {label:?}: {}", resp.text());
        // The policy file's own check refuses it first, naming its field.
        assert!(resp.text().contains("政策名称"), "{}", resp.text());
    }
    assert_eq!(s.server.store().admission_runs().unwrap().len(), runs_before);

    // The correction's reason.
    let path = format!("/admission/inputs/{}/correct", s.inputs);
    let candidate = inputs.candidates[0].id.0.clone();
    let resp = admin.post_form(
        &path,
        &[
            ("csrf", &csrf),
            ("candidate", &candidate),
            ("field", "总分"),
            ("value", "600"),
            ("reason", "核实\u{202E}有误"),
        ],
    );
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(resp.text().contains("更正原因") && resp.text().contains("id=\"correct-error\""));
    assert_eq!(s.server.store().admission_inputs_list().unwrap().len(), 1);

    // The sign-off note (the city administrator signs for any school).
    let school = inputs.junior_schools[0].code.as_str();
    let path = format!("/admission/inputs/{}/schools/{school}", s.inputs);
    let resp = admin.post_form(&path, &[("csrf", &csrf), ("note", "无误\u{202E}")]);
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(resp.text().contains("确认意见"), "{}", resp.text());
    assert!(s.server.store().admission_sign_offs(s.inputs).unwrap().is_empty());
    // The same forms without it go through.
    let resp = admin.post_form(&path, &[("csrf", &csrf), ("note", "无误")]);
    assert_eq!(resp.status, 303, "{}", resp.text());
    let resp = admin.post_form(
        "/admission/runs",
        &[
            ("csrf", &csrf),
            ("inputs", &id),
            ("policy", "demo50"),
            ("label", "五成"),
        ],
    );
    assert_eq!(resp.status, 303, "{}", resp.text());
}

/// The ranks in the first column of the sign-off list's rows.
fn list_ranks(html: &str) -> Vec<u32> {
    let table = html
        .split("id=\"sign-off-list\"")
        .nth(1)
        .and_then(|t| t.split("<tbody>").nth(1))
        .and_then(|t| t.split("</tbody>").next())
        .unwrap_or_default();
    table
        .split("<tr>")
        .skip(1)
        .filter_map(|row| {
            let cell = row.split("<td class=\"num\">").nth(1)?;
            cell.split('<').next()?.trim().parse().ok()
        })
        .collect()
}

#[test]
fn a_schools_sign_off_list_is_paged_like_the_candidate_list() {
    let s = setup("admission-list-pages");
    let inputs = demo_inputs();
    // The junior school with the most candidates (its list is its own
    // candidates, whatever the policy).
    let (code, n) = inputs
        .junior_schools
        .iter()
        .map(|j| {
            let list = admission::sign_off_list(inputs, &half(), &j.code).unwrap();
            (j.code.as_str().to_owned(), list.rows.len())
        })
        .max_by_key(|(_, n)| *n)
        .unwrap();
    assert!(n > 50, "a list longer than a page ({n})");
    let analyst = Browser::as_role(&s.server, Who::Analyst);
    let path = format!("/admission/inputs/{}/schools/{code}", s.inputs);
    let first = analyst.get(&path);
    assert_eq!(first.status, 200);
    let ranks = list_ranks(&first.text());
    assert_eq!(ranks.len(), 50, "one page");
    assert!(first.text().contains("rel=\"next\""));
    // The counts above the list are over every row.
    let count = indicators::report::format_number(n as f64, 0);
    assert!(main_of(&first.text()).contains(&count), "{count}");
    let mut all = ranks.clone();
    for page in 1..n.div_ceil(50) {
        let resp = analyst.get(&format!("{path}?page={page}"));
        assert_eq!(resp.status, 200);
        let more = list_ranks(&resp.text());
        assert!(more.len() <= 50 && !more.is_empty(), "page {page}");
        assert!(more[0] >= *all.last().unwrap(), "page {page} continues");
        all.extend(more);
    }
    assert_eq!(all.len(), n, "every row on some page, once");
}

#[test]
fn comparing_runs_on_unrelated_inputs_says_so_above_the_table() {
    let s = setup("admission-compare-lineage");
    let inputs = demo_inputs();
    let mut store = s.server.store();
    // The same data stored again from scratch: not a correction of the first.
    let other = store
        .save_admission_inputs(inputs, "2025年 另一份", None, "demo-admin", now())
        .unwrap();
    let outcome = admission::run(inputs, &half()).unwrap();
    let unrelated = store
        .save_admission_run(other, "另一份", None, &half(), &outcome, "demo-admin", now())
        .unwrap();
    // A correction of the first: one lineage, twice removed.
    let corrected = store
        .save_admission_inputs(inputs, "更正", Some(s.inputs), "demo-admin", now())
        .unwrap();
    let again = store
        .save_admission_inputs(inputs, "再更正", Some(corrected), "demo-admin", now())
        .unwrap();
    let related = store
        .save_admission_run(again, "更正后", None, &half(), &outcome, "demo-admin", now())
        .unwrap();
    drop(store);
    let analyst = Browser::as_role(&s.server, Who::Analyst);
    let warned = |a: AdmissionRunId, b: AdmissionRunId| {
        let resp = analyst.get(&format!("/admission/compare?a={a}&b={b}"));
        assert_eq!(resp.status, 200);
        let html = resp.text();
        let warned = html.contains("id=\"unrelated-inputs\"");
        assert_eq!(warned, html.contains("两次录取基于不相关的录取数据"));
        if warned {
            assert!(
                html.find("id=\"unrelated-inputs\"") < html.find("id=\"compare-summary\""),
                "above the table"
            );
        }
        warned
    };
    assert!(warned(s.run50, unrelated));
    assert!(warned(unrelated, s.run60));
    assert!(!warned(s.run50, s.run60), "one version");
    assert!(!warned(s.run50, related), "a correction's correction");
    assert!(!warned(related, s.run60));
}

#[test]
fn a_correction_that_breaks_the_check_is_refused_naming_the_problem_and_stores_nothing() {
    let s = setup("admission-correct-check");
    let inputs = demo_inputs();
    let c = &inputs.candidates[0];
    let admin = Browser::as_role(&s.server, Who::Admin);
    let csrf = admin.csrf();
    let path = format!("/admission/inputs/{}/correct", s.inputs);
    // A school code that reads but names no senior school of the inputs.
    let unknown = "9999999999";
    assert!(inputs.senior_schools.iter().all(|x| x.code.as_str() != unknown));
    let resp = admin.post_form(
        &path,
        &[
            ("csrf", &csrf),
            ("candidate", &c.id.0),
            ("field", "统招志愿"),
            ("value", unknown),
        ],
    );
    assert_eq!(resp.status, 400, "{}", resp.text());
    let text = resp.text();
    assert!(text.contains("更正后的数据核查有错误"), "{text}");
    assert!(text.contains("不在高中学校表中"), "the problem named: {text}");
    assert!(!text.contains(&c.id.0), "the number masked");
    assert_eq!(s.server.store().admission_inputs_list().unwrap().len(), 1);
    // A correction that keeps the inputs clean is stored.
    let resp = admin.post_form(
        &path,
        &[
            ("csrf", &csrf),
            ("candidate", &c.id.0),
            ("field", "总分"),
            ("value", "600"),
        ],
    );
    assert_eq!(resp.status, 303, "{}", resp.text());
    assert_eq!(s.server.store().admission_inputs_list().unwrap().len(), 2);
}
