//! The work-plan pages over HTTP: the plan tree and its filters, the "late
//! by county" table, a task's rule, the projects' 开工率 and 完工率, a
//! report sent back, corrected and accepted, 挂牌督办 on the board, 销号
//! only after verification — and a county officer who cannot report for
//! another county, review its own report or close a task out (403, nothing
//! written). The plan is `plan_fixture`'s.

use plans::{EventKind, ReportId, ReportStatus, TaskId};
use store::prelude::*;

use crate::{fixture, is_refusal, shared, Browser, Resp, Server, Who};

/// The `data-task` ids of the plan tree's rows (`tr data-task=… data-colour`).
fn tree_tasks(html: &str) -> Vec<i64> {
    let mut out: Vec<i64> = html
        .split("<tr data-task=\"")
        .skip(1)
        .filter(|rest| {
            rest.split('>')
                .next()
                .is_some_and(|tag| tag.contains("data-colour"))
        })
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect();
    out.dedup();
    out
}

/// A report form as the task page sends it (multipart).
fn post_report(browser: &Browser, task: i64, county: &str, text: &str, files: &[(&str, &[u8])]) -> Resp {
    let csrf = browser.csrf();
    let year = web::pages::plans::today().format("%Y").to_string();
    let mut form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("county", county.to_owned())
        .text("period", format!("{year}-H2"))
        .text("text", text.to_owned());
    for (name, bytes) in files {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name((*name).to_owned());
        form = form.part("documents", part);
    }
    browser.send(
        browser
            .bare_with_cookies()
            .post(browser.url(&format!("/tasks/{task}/reports")))
            .multipart(form),
    )
}

fn step(browser: &Browser, task: i64, fields: &[(&str, &str)]) -> Resp {
    let csrf = browser.csrf();
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    browser.post_form(&format!("/tasks/{task}/steps"), &form)
}

fn decide(browser: &Browser, report: i64, decision: &str, reason: &str) -> Resp {
    let csrf = browser.csrf();
    browser.post_form(
        &format!("/reports/{report}/decision"),
        &[("csrf", &csrf), ("decision", decision), ("reason", reason)],
    )
}

fn events(server: &Server, task: i64) -> Vec<plans::Event> {
    server.store().events(TaskId(task)).unwrap()
}

fn report_status(server: &Server, report: i64) -> ReportStatus {
    server.store().report(ReportId(report)).unwrap().unwrap().status
}

#[test]
fn the_plan_page_answers_which_tasks_are_late_in_which_counties_and_what_is_done() {
    let f = &fixture().plan;
    let admin = Browser::as_role(shared(), Who::Admin);
    let page = admin.get("/plans");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("全市教育工作要点"), "the latest plan opens");
    assert_eq!(
        tree_tasks(&html),
        [f.late_task, f.count_task, f.indicator_task, f.foreign_task]
    );
    // The late task, in both its counties, with what is done about it.
    let late = html
        .split("id=\"late-table\"")
        .nth(1)
        .expect("the late-by-county table");
    let late = late.split("</table>").next().unwrap();
    for county in [crate::COUNTY, crate::OTHER_COUNTY] {
        assert!(
            late.contains(&format!("data-county=\"{county}\" data-task=\"{}\"", f.late_task)),
            "{county} late on task 1: {late}"
        );
    }
    assert!(late.contains("化解城镇中小学大班额") && late.contains("逾期"));
    assert!(late.contains("待审核"), "the latest report's status is shown");
    assert!(
        late.contains("未挂牌"),
        "the listing column says nothing is listed yet"
    );
    assert!(!late.contains(&format!("data-task=\"{}\"", f.foreign_task)));

    // The filters.
    let only = |query: &str| tree_tasks(&admin.get(&format!("/plans/{}?{query}", f.plan)).text());
    assert_eq!(only("late=1"), [f.late_task]);
    assert_eq!(only("county=370102"), [f.late_task, f.count_task, f.foreign_task]);
    assert_eq!(
        only(&format!("county={}", crate::COUNTY)),
        [f.late_task, f.count_task, f.indicator_task]
    );
    assert_eq!(only("listed=1"), Vec::<i64>::new());
    assert_eq!(only("late=1&county=370102"), [f.late_task]);
}

#[test]
fn a_task_page_shows_the_open_sdg_rule_and_the_count_rule_beside_the_status() {
    let f = &fixture().plan;
    let analyst = Browser::as_role(shared(), Who::Analyst);
    let page = analyst.get(&format!("/tasks/{}", f.indicator_task));
    assert_eq!(page.status, 200);
    let html = page.text();
    let rule = html
        .split("id=\"rule\"")
        .nth(1)
        .expect("the rule")
        .split("</p>")
        .next()
        .unwrap();
    assert!(rule.contains("open-sdg 进度法"), "{rule}");
    assert!(
        rule.contains(&format!("基线 {}年80%（计划所定）", f.baseline_year)),
        "{rule}"
    );
    assert!(rule.contains(&format!("目标 {}年97%", f.target_year)), "{rule}");
    // R from the registry's latest city value, computed here apart from the server.
    let store = fixture().base_store();
    let snapshots: Vec<_> = store
        .school_years()
        .unwrap()
        .into_iter()
        .map(|y| store.year_snapshot(y).unwrap())
        .collect();
    let computed = indicators::Computed::new(&snapshots, indicators::Rules::default());
    let goal = plans::IndicatorGoal {
        indicator: "inclusive_coverage".into(),
        stage: None,
        baseline_year: f.baseline_year,
        baseline: Some(80.0),
        target: 97.0,
        target_year: f.target_year,
        better: plans::Better::Higher,
    };
    let city = registry::AreaCode::parse(crate::CITY).unwrap();
    let current = plans::Readings::readings(&computed, &goal, &city)
        .into_iter()
        .max_by_key(|p| p.year)
        .expect("the registry has the city's coverage");
    let point = |year, value| plans::progress::Point { year, value };
    let ratio = plans::progress::ratio(
        point(f.baseline_year, 80.0),
        current,
        point(f.target_year, 97.0),
        plans::Better::Higher,
    )
    .unwrap();
    let r = ratio.r.expect("below the target, R is computed");
    assert!(rule.contains(&format!("R = {r:.4}")), "R = {r:.4}: {rule}");
    assert!(
        rule.contains(&format!("→ {}", ratio.progress.label_zh())),
        "{rule}"
    );
    // The count task: counted from the projects (33 started this year).
    let html = analyst.get(&format!("/tasks/{}", f.count_task)).text();
    let rule = html
        .split("id=\"rule\"")
        .nth(1)
        .expect("the rule")
        .split("</p>")
        .next()
        .unwrap();
    assert!(
        rule.contains("按时间进度：建设项目开工数 33所 / 目标 40所"),
        "{rule}"
    );
    // An analyst files the lead unit's report (and may ask for the whole
    // task's extension), but never supervises: no escalation, no 销号.
    assert!(html.contains("/reports\""), "the lead unit's report form");
    assert!(!html.contains("value=\"escalate\"") && !html.contains("value=\"close_out\""));
}

#[test]
fn the_projects_page_shows_the_qingdao_start_and_completion_rates() {
    let admin = Browser::as_role(shared(), Who::Admin);
    let page = admin.get("/projects");
    assert_eq!(page.status, 200);
    let html = page.text();
    let city = html
        .split(&format!("data-area=\"{}\"", crate::CITY))
        .nth(1)
        .expect("the city's row")
        .split("</tr>")
        .next()
        .unwrap();
    assert!(city.contains("<td class=\"start-rate\">82.5%</td>"), "{city}");
    assert!(city.contains("<td class=\"completion-rate\">50%</td>"), "{city}");
    assert!(html.contains("计划开工新建改扩建项目 40 所，已开工 33 所，开工率 82.5%"));
    assert!(html.contains("计划完工 50 所，已完工 25 所，完工率 50%"));
    // The chart: starts and completions by month, as data for app.js.
    assert!(html.contains("id=\"projects-by-month\" data-chart="));
    assert!(!html.contains("<script>"), "no inline script");
}

#[test]
fn a_county_officer_cannot_report_for_another_county_review_its_own_report_or_close_out() {
    let f = fixture().plan.clone();
    let server = Server::fresh("plan-scope");
    let county = Browser::as_role(&server, Who::County);
    let before = (
        events(&server, f.late_task).len(),
        events(&server, f.foreign_task).len(),
    );
    // Another county's part, and a task not assigned to it.
    let resp = post_report(&county, f.late_task, crate::OTHER_COUNTY, "代报", &[]);
    assert_eq!(resp.status, 403);
    let resp = post_report(&county, f.foreign_task, crate::OTHER_COUNTY, "代报", &[]);
    assert_eq!(resp.status, 403);
    let resp = post_report(&county, f.foreign_task, crate::COUNTY, "代报", &[]);
    assert_eq!(resp.status, 403);
    // The lead unit's report is the city's.
    let resp = post_report(&county, f.late_task, "", "代报", &[]);
    assert_eq!(resp.status, 403);
    assert!(server.store().reports(TaskId(f.foreign_task)).unwrap().is_empty());
    // Its own report: never accepted by itself.
    assert_eq!(decide(&county, f.county_report, "accept", "").status, 403);
    assert_eq!(report_status(&server, f.county_report), ReportStatus::Submitted);
    // No supervision step, no 销号.
    for fields in [
        vec![("step", "verify"), ("note", "")],
        vec![("step", "close_out"), ("note", "")],
        vec![
            ("step", "escalate"),
            ("colour", "red"),
            ("reason", "x"),
            ("due", "2099-01-01"),
        ],
        vec![
            ("step", "list"),
            ("county", crate::COUNTY),
            ("reason", "x"),
            ("due", "2099-01-01"),
        ],
    ] {
        let resp = step(&county, f.late_task, &fields);
        assert_eq!(resp.status, 403, "{fields:?}");
        assert!(is_refusal(&resp.text()));
    }
    assert_eq!(
        (
            events(&server, f.late_task).len(),
            events(&server, f.foreign_task).len()
        ),
        before,
        "nothing written"
    );
    // Its page shows its county's report, never 370102's text or document.
    let html = county.get(&format!("/tasks/{}", f.late_task)).text();
    assert!(html.contains("370112 已完成大班额摸排"));
    assert!(!html.contains("370102 已完成大班额摸排"));
    assert!(!html.contains(&format!("/documents/{}", f.foreign_document)));
    assert!(html.contains(&format!("/documents/{}", f.county_document)));
    // Its own document downloads, as an attachment.
    let doc = county.get(&format!("/documents/{}", f.county_document));
    assert_eq!(doc.status, 200);
    assert_eq!(doc.bytes, crate::plan_fixture::PDF);
    assert!(doc
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(doc.header("x-content-type-options").as_deref(), Some("nosniff"));
}

#[test]
fn a_report_sent_back_is_corrected_by_the_county_and_then_accepted() {
    let f = fixture().plan.clone();
    let server = Server::fresh("plan-report");
    let admin = Browser::as_role(&server, Who::Admin);
    let county = Browser::as_role(&server, Who::County);
    // Sent back with a reason (a return without one is refused).
    assert_eq!(decide(&admin, f.county_report, "return", " ").status, 400);
    assert_eq!(report_status(&server, f.county_report), ReportStatus::Submitted);
    let resp = decide(&admin, f.county_report, "return", "缺少分流学生名单");
    assert_eq!(resp.status, 303, "{}", resp.text());
    assert_eq!(report_status(&server, f.county_report), ReportStatus::Returned);
    // The county sees it to correct, with the reason.
    let mine = county.get("/my-tasks").text();
    assert!(
        mine.contains("被退回待修改的报告") && mine.contains("缺少分流学生名单"),
        "{mine}"
    );
    // The late task is still to do: in the list of tasks due, not in the done.
    let due = mine.split("id=\"my-tasks\"").nth(1).expect("the tasks due");
    let due = due.split("</table>").next().unwrap();
    assert!(due.contains(&format!("data-task=\"{}\"", f.late_task)));
    let page = county.get(&format!("/tasks/{}", f.late_task)).text();
    assert!(page.contains("修改后重新报送") && page.contains("缺少分流学生名单"));
    // A photo is not evidence.
    let jpeg: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
    let resp = post_report(
        &county,
        f.late_task,
        crate::COUNTY,
        "已补充名单",
        &[("现场.pdf", jpeg)],
    );
    assert_eq!(resp.status, 400);
    assert!(resp.text().contains("照片不作为佐证材料"), "{}", resp.text());
    assert_eq!(report_status(&server, f.county_report), ReportStatus::Returned);
    // Corrected: the same report, awaiting review again, its document kept.
    let resp = post_report(
        &county,
        f.late_task,
        crate::COUNTY,
        "已补充分流学生名单",
        &[("名单.pdf", crate::plan_fixture::PDF)],
    );
    assert_eq!(resp.status, 303, "{}", resp.text());
    let report = server.store().report(ReportId(f.county_report)).unwrap().unwrap();
    assert_eq!(report.status, ReportStatus::Submitted);
    assert_eq!(report.report.text, "已补充分流学生名单");
    assert_eq!(report.report.documents.len(), 2);
    let resp = decide(&admin, f.county_report, "accept", "");
    assert_eq!(resp.status, 303);
    assert_eq!(report_status(&server, f.county_report), ReportStatus::Accepted);
    let kinds: Vec<EventKind> = events(&server, f.late_task)
        .iter()
        .map(|e| e.event.kind)
        .collect();
    assert!(
        kinds.ends_with(&[EventKind::Returned, EventKind::Reported, EventKind::Accepted]),
        "{kinds:?}"
    );
    // The history shows who did what.
    let html = admin.get(&format!("/tasks/{}", f.late_task)).text();
    let history = html.split("id=\"history\"").nth(1).unwrap();
    assert!(
        history.contains("退回") && history.contains("缺少分流学生名单") && history.contains("demo-county")
    );
}

#[test]
fn a_task_is_closed_out_only_after_verification_and_a_listing_shows_on_the_board() {
    let f = fixture().plan.clone();
    let server = Server::fresh("plan-close");
    let admin = Browser::as_role(&server, Who::Admin);
    let before = events(&server, f.late_task).len();
    let resp = step(&admin, f.late_task, &[("step", "close_out"), ("note", "")]);
    assert_eq!(resp.status, 400);
    assert!(
        resp.text().contains("销号前须由报告人以外的人核验结果"),
        "{}",
        resp.text()
    );
    let resp = step(&admin, f.late_task, &[("step", "verify"), ("note", "")]);
    assert_eq!(resp.status, 400);
    assert!(resp.text().contains("还没有审核通过的进展报告"));
    assert_eq!(events(&server, f.late_task).len(), before, "nothing written");

    // 挂牌督办 370112 on the late task: on the board, and in the filters.
    let due = (web::pages::plans::today() + chrono::Duration::days(30)).to_string();
    let resp = step(
        &admin,
        f.late_task,
        &[
            ("step", "list"),
            ("county", crate::COUNTY),
            ("reason", "大班额化解进度滞后"),
            ("due", &due),
        ],
    );
    assert_eq!(resp.status, 303, "{}", resp.text());
    let board = admin.get("/supervision").text();
    assert!(board.contains("大班额化解进度滞后") && board.contains("demo-admin") && board.contains(&due));
    let county = Browser::as_role(&server, Who::County);
    assert!(
        county.get("/supervision").text().contains("大班额化解进度滞后"),
        "public within the bureau"
    );
    assert_eq!(
        tree_tasks(&admin.get(&format!("/plans/{}?listed=1", f.plan)).text()),
        [f.late_task]
    );

    // Accepted, verified by another person than the reporter, closed out.
    assert_eq!(decide(&admin, f.county_report, "accept", "").status, 303);
    assert_eq!(
        step(&admin, f.late_task, &[("step", "verify"), ("note", "现场核实")]).status,
        303
    );
    let resp = step(&admin, f.late_task, &[("step", "close_out"), ("note", "")]);
    assert_eq!(resp.status, 303, "{}", resp.text());
    let html = admin.get(&format!("/tasks/{}", f.late_task)).text();
    assert!(html.contains("已销号"));
    assert!(
        !html.contains("id=\"supervise\""),
        "no more steps on a closed task"
    );
    // Closed out: off the board.
    assert!(!admin.get("/supervision").text().contains("大班额化解进度滞后"));
}

#[test]
fn the_summary_carries_the_qingdao_figures_as_a_page_and_a_word_file() {
    let f = &fixture().plan;
    let analyst = Browser::as_role(shared(), Who::Analyst);
    let page = analyst.get(&format!("/plans/{}/summary", f.plan));
    assert_eq!(page.status, 200);
    let html = page.text();
    let summary = html.split("id=\"summary\"").nth(1).expect("the summary");
    for figure in ["82.5%", "50%"] {
        // A traced figure: a span with its trace as the title.
        assert!(
            summary.contains(&format!("\">{figure}</span>")),
            "{figure} in the summary"
        );
    }
    // Every figure is traced in the 数据说明 table.
    let traced = summary
        .split("id=\"figures\"")
        .nth(1)
        .expect("the figures' table");
    assert!(traced.contains("开工率") && traced.contains("82.5%"));
    let docx = analyst.get(&format!("/plans/{}/summary.docx", f.plan));
    assert_eq!(docx.status, 200);
    assert!(docx.bytes.starts_with(b"PK\x03\x04"), "a .docx is a zip");
    assert!(docx
        .header("content-disposition")
        .unwrap()
        .contains("filename*=UTF-8''%E8%BF%9B%E5%B1%95"));
    // The 督办台账 workbook: the late task and the projects' rates in it.
    let xlsx = analyst.get(&format!("/plans/{}/ledger.xlsx", f.plan));
    assert_eq!(xlsx.status, 200);
    use calamine::DataType as _;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.bytes.clone())).unwrap();
    let mut text = String::new();
    let mut city_rates = None;
    for name in calamine::Reader::sheet_names(&book) {
        let range = calamine::Reader::worksheet_range(&mut book, &name).unwrap();
        for row in range.rows() {
            if row.first().is_some_and(|c| c.get_string() == Some("全市")) {
                let number = |i: usize| row.get(i).and_then(|c| c.get_float());
                city_rates = Some((number(3), number(6)));
            }
            for cell in row {
                text.push_str(&cell.to_string());
                text.push('|');
            }
        }
    }
    assert!(
        text.contains("化解城镇中小学大班额"),
        "the tasks are in the ledger"
    );
    // 开工率 and 完工率 as numbers shown as per cents.
    assert_eq!(city_rates, Some((Some(0.825), Some(0.5))), "the city's rates");
}

#[test]
fn a_county_asks_an_extension_of_its_part_and_only_the_city_answers_it() {
    let f = fixture().plan.clone();
    let server = Server::fresh("plan-extension");
    let county = Browser::as_role(&server, Who::County);
    let admin = Browser::as_role(&server, Who::Admin);
    let until = (web::pages::plans::today() + chrono::Duration::days(120)).to_string();
    // Not for another county's part.
    let resp = step(
        &county,
        f.count_task,
        &[
            ("step", "extend"),
            ("county", crate::OTHER_COUNTY),
            ("until", &until),
            ("reason", "征地延后"),
        ],
    );
    assert_eq!(resp.status, 403);
    let resp = step(
        &county,
        f.count_task,
        &[
            ("step", "extend"),
            ("county", crate::COUNTY),
            ("until", &until),
            ("reason", "征地延后"),
        ],
    );
    assert_eq!(resp.status, 303, "{}", resp.text());
    let asked = events(&server, f.count_task).pop().unwrap().event;
    assert_eq!(asked.kind, EventKind::ExtensionRequested);
    assert_eq!(asked.county.as_ref().map(|c| c.as_str()), Some(crate::COUNTY));
    // The county cannot grant it; the city does, and the deadline moves.
    assert_eq!(step(&county, f.count_task, &[("step", "grant")]).status, 403);
    assert_eq!(step(&admin, f.count_task, &[("step", "grant")]).status, 303);
    let html = admin.get(&format!("/tasks/{}", f.count_task)).text();
    assert!(
        html.contains(&until) && html.contains("已延期 1 次"),
        "the deadline moved"
    );
}

/// A county officer sees another county's part of a task, but not the
/// status of that county's report (only its own, and the city sees all).
#[test]
fn a_county_officer_sees_no_other_countys_report_status() {
    let f = fixture().plan.clone();
    let server = Server::fresh("plan-report-status");
    let part_row = |html: &str, county: &str| -> String {
        html.split(&format!("data-county=\"{county}\""))
            .nth(1)
            .expect("the county's row")
            .split("</tr>")
            .next()
            .unwrap()
            .to_owned()
    };
    let shows_status = |row: &str| ["待审核", "已通过", "已退回"].iter().any(|s| row.contains(s));
    let county = Browser::as_role(&server, Who::County).get(&format!("/tasks/{}", f.late_task));
    assert_eq!(county.status, 200);
    let html = county.text();
    assert!(
        shows_status(&part_row(&html, crate::COUNTY)),
        "its own report's status"
    );
    assert!(
        !shows_status(&part_row(&html, crate::OTHER_COUNTY)),
        "370102's report status leaked"
    );
    let admin = Browser::as_role(&server, Who::Admin).get(&format!("/tasks/{}", f.late_task));
    assert!(shows_status(&part_row(&admin.text(), crate::OTHER_COUNTY)));
}
