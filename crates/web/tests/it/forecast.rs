//! 学位预测 over HTTP: the city's forecast for the city's roles (four stage
//! charts, the assumptions, the county table coloured by the worst gap, the
//! backtest), a county officer's own county only (another county's page and
//! workbook are 404, and nothing of another county or the city aggregate
//! is on its pages or in its workbook), a run saved and read back as it was
//! stored, and the workbook an `.xlsx` a planner can open.

use store::prelude::*;

use crate::{is_refusal, shared, Browser, Server, Who, COUNTY, OTHER_COUNTY};

/// The `data-stage` sections that carry a chart.
fn charted_stages(html: &str) -> Vec<String> {
    html.split("<section class=\"stage-forecast\" data-stage=\"")
        .skip(1)
        .filter(|rest| {
            rest.split("</section>")
                .next()
                .is_some_and(|s| s.contains("data-chart="))
        })
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

/// Every cell of every sheet of a workbook, one line a row.
fn workbook_text(bytes: &[u8]) -> (Vec<String>, String) {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    let names = book.sheet_names().to_vec();
    let mut text = String::new();
    for name in &names {
        let range = book.worksheet_range(name).expect("a sheet");
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
            text.push_str(&cells.join("|"));
            text.push('\n');
        }
    }
    (names, text)
}

fn name_of(code: &str) -> String {
    web::auth::area_name(&registry::AreaCode::parse(code).unwrap())
}

#[test]
fn city_roles_see_every_stage_charted_with_the_assumptions_the_counties_and_the_backtest() {
    for who in [Who::Admin, Who::Analyst] {
        let browser = Browser::as_role(shared(), who);
        let page = browser.get("/forecast");
        assert_eq!(page.status, 200, "{who:?}");
        let html = page.text();
        assert!(!is_refusal(&html));
        assert_eq!(
            charted_stages(&html),
            ["preschool", "primary", "junior", "senior"],
            "one chart per forecast stage, in order ({who:?})"
        );
        assert!(
            html.contains("id=\"assumptions\""),
            "assumptions beside the charts"
        );
        assert!(html.contains("id=\"accuracy\""), "the backtest beside them");
        assert!(html.contains("县区边界数据未随软件提供，以表格显示"));
        for county in [COUNTY, OTHER_COUNTY] {
            assert!(
                html.contains(&format!("data-county=\"{county}\"")),
                "{county} in the county table"
            );
            assert!(html.contains(&format!("href=\"/forecast/county/{county}?scenario=")));
        }
        assert!(html.contains("id=\"save-run\""), "city planners may save a run");
        assert!(html.contains("href=\"/forecast.xlsx\""));
        // Every scenario of the standard set can be switched to.
        let scenarios = html.matches("class=\"button scenario").count();
        assert_eq!(scenarios, forecast::Scenario::standard_set().len());
        let other = browser.get("/forecast?scenario=0");
        assert_eq!(other.status, 200);
        assert!(other.text().contains("data-scenario=\"0\" aria-current=\"true\""));
        let county = browser.get(&format!("/forecast/county/{OTHER_COUNTY}"));
        assert_eq!(county.status, 200);
        assert_eq!(charted_stages(&county.text()).len(), 4);
    }
}

#[test]
fn a_county_officer_sees_its_county_alone_and_another_county_is_not_found() {
    let browser = Browser::as_role(shared(), Who::County);
    let page = browser.get("/forecast");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(!is_refusal(&html));
    assert_eq!(charted_stages(&html).len(), 4);
    let title = html
        .split("id=\"forecast-title\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    assert!(title.contains(&name_of(COUNTY)), "its county's forecast: {title}");
    assert!(!html.contains("id=\"county-gaps\""), "no other county beside it");
    assert!(!html.contains(&format!("data-county=\"{OTHER_COUNTY}\"")));
    assert!(
        !html.contains(&name_of(OTHER_COUNTY)),
        "another county's name nowhere"
    );
    assert!(
        !html.contains("id=\"save-run\""),
        "a county officer does not save runs"
    );
    assert_eq!(browser.get(&format!("/forecast/county/{COUNTY}")).status, 200);
    for path in [
        format!("/forecast/county/{OTHER_COUNTY}"),
        "/forecast/county/3701".to_owned(),
        format!("/forecast.xlsx?county={OTHER_COUNTY}"),
        "/forecast.xlsx?county=3701".to_owned(),
    ] {
        let resp = browser.get(&path);
        assert_eq!(resp.status, 404, "{path}");
        assert!(
            !is_refusal(&resp.text()),
            "{path}: not found, as if there were none"
        );
    }
    // Its workbook holds its county and nothing of another or of the city.
    let book = browser.get("/forecast.xlsx");
    assert_eq!(book.status, 200);
    let (_, text) = workbook_text(&book.bytes);
    assert!(text.contains(&name_of(COUNTY)));
    assert!(
        !text.contains(&name_of(OTHER_COUNTY)),
        "another county in its workbook"
    );
}

#[test]
fn school_officers_and_the_public_have_no_forecast() {
    for who in [Who::School, Who::Public] {
        let browser = Browser::as_role(shared(), who);
        for path in [
            "/forecast",
            "/forecast.xlsx",
            &format!("/forecast/county/{COUNTY}"),
        ] {
            let resp = browser.get(path);
            assert_eq!(resp.status, 403, "{who:?} {path}");
            assert!(is_refusal(&resp.text()), "{who:?} {path}");
        }
        assert!(
            !browser.get("/").text().contains("href=\"/forecast\""),
            "no menu entry"
        );
    }
}

#[test]
fn the_workbook_is_an_xlsx_with_the_forecast() {
    let browser = Browser::as_role(shared(), Who::Analyst);
    let resp = browser.get("/forecast.xlsx");
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.header("content-type").as_deref(),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(resp.header("content-disposition").unwrap().contains(".xlsx"));
    assert_eq!(&resp.bytes[..2], b"PK", "a zip container");
    let (sheets, text) = workbook_text(&resp.bytes);
    assert!(sheets.len() >= 3, "{sheets:?}");
    for county in [COUNTY, OTHER_COUNTY] {
        assert!(text.contains(&name_of(county)), "{county} in the city's workbook");
    }
}

#[test]
fn a_saved_run_is_stored_whole_listed_and_shown_within_scope() {
    let server = Server::fresh("forecast-save");
    let analyst = Browser::as_role(&server, Who::Analyst);
    assert_eq!(analyst.get("/forecast").status, 200);
    let csrf = analyst.csrf();
    // A label that is empty or too long saves nothing.
    assert_eq!(
        analyst
            .post_form("/forecast/runs", &[("csrf", &csrf), ("label", " ")])
            .status,
        400
    );
    let long = "长".repeat(101);
    assert_eq!(
        analyst
            .post_form("/forecast/runs", &[("csrf", &csrf), ("label", &long)])
            .status,
        400
    );
    // Control and bidi characters (an escape sequence, a NUL PostgreSQL
    // refuses, a label that reads backwards) save nothing either.
    for label in ["a\u{1b}[31mb", "a\u{0}b", "abc\u{202e}exe.txt"] {
        assert_eq!(
            analyst
                .post_form("/forecast/runs", &[("csrf", &csrf), ("label", label)])
                .status,
            400,
            "{label:?}"
        );
    }
    assert_eq!(
        analyst
            .post_form("/forecast/runs", &[("csrf", "forged"), ("label", "x")])
            .status,
        403
    );
    assert!(server.store().forecast_runs().unwrap().is_empty());

    let saved = analyst.post_form(
        "/forecast/runs",
        &[("csrf", &csrf), ("label", "2026年秋季学位预测")],
    );
    assert_eq!(saved.status, 303);
    let location = saved.location().unwrap();
    let id: i64 = location.strip_prefix("/forecast/runs/").unwrap().parse().unwrap();

    // Stored whole: every scenario, the backtest, the inputs; by whom.
    let runs = server.store().forecast_runs().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].label, "2026年秋季学位预测");
    assert_eq!(runs[0].made_by, "demo-analyst");
    let stored = server
        .store()
        .forecast_run(store::ForecastRunId(id))
        .unwrap()
        .unwrap();
    assert_eq!(stored.label, "2026年秋季学位预测");
    assert_eq!(stored.forecasts.len(), forecast::Scenario::standard_set().len());
    assert!(stored.backtest.is_some());
    assert!(!stored.history.counties.is_empty());

    // Shown as stored, and listed on the forecast page.
    let page = analyst.get(&location);
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("2026年秋季学位预测"));
    assert_eq!(charted_stages(&html).len(), 4);
    assert!(
        html.contains("id=\"accuracy-since\""),
        "its accuracy against the years since"
    );
    assert!(analyst
        .get("/forecast")
        .text()
        .contains(&format!("href=\"/forecast/runs/{id}\"")));
    let book = analyst.get(&format!("{location}.xlsx"));
    assert_eq!(book.status, 200);
    assert_eq!(&book.bytes[..2], b"PK");

    // A county officer opens it cut to its county.
    let officer = Browser::as_role(&server, Who::County);
    let html = officer.get(&location).text();
    assert!(!is_refusal(&html));
    assert!(!html.contains(&name_of(OTHER_COUNTY)));
    assert!(!html.contains("id=\"county-gaps\""));
    // The bureau's staff names stay in the bureau: not on the county
    // officer's run page, list or workbook.
    assert!(
        !html.contains("demo-analyst"),
        "staff name on a county's run page"
    );
    assert!(!officer.get("/forecast").text().contains("demo-analyst"));
    let book = officer.get(&format!("{location}.xlsx"));
    assert_eq!(book.status, 200);
    assert!(!xlsx_text(&book.bytes).contains("demo-analyst"));
    assert!(analyst.get(&location).text().contains("demo-analyst"));
    // A scenario that is no number is our 400, in Chinese.
    let bad = analyst.get("/forecast?scenario=-1");
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("方案参数"), "{}", bad.text());
    // Unknown and malformed ids are not found; school officers are refused.
    assert_eq!(analyst.get("/forecast/runs/999999999").status, 404);
    assert_eq!(analyst.get("/forecast/runs/abc").status, 404);
    assert_eq!(Browser::as_role(&server, Who::School).get(&location).status, 403);
}

/// Every cell of every sheet of a workbook, as text.
fn xlsx_text(bytes: &[u8]) -> String {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for cell in row {
                out.push_str(&cell.to_string());
                out.push('\t');
            }
        }
    }
    out
}
