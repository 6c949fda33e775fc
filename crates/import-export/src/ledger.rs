//! The 督办台账 as `.xlsx` (`edugov report summary --out 台账.xlsx`): built
//! from `plans::Ledger` — the read model the plan page reads — so the
//! workbook and the page never disagree. Sheet 督办台账: one row per task and
//! one per county answerable for it, with the status, the rule that gave
//! it (`Rule::explain_zh`), the deadline alert, supervision (colour,
//! 挂牌督办 with its due date), the latest report and 销号. Sheet 建设项目:
//! 开工率, 完工率 and seats delivered per county and for the city
//! (`plans::Rates`). Every cell from user data is written as text.

use plans::ledger::{CountyPart, TaskRow};
use plans::project::percent;
use plans::{Assessment, Ledger, ProjectSpec, Rates};
use registry::{Area, AreaCode};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::tables::date_text;

const LEDGER_HEADERS: [(&str, f64); 11] = [
    ("序号", 7.0),
    ("目标与任务", 40.0),
    ("牵头单位", 14.0),
    ("责任区县", 14.0),
    ("完成时限", 14.0),
    ("进度状态", 10.0),
    ("判定规则", 60.0),
    ("预警", 7.0),
    ("督办", 30.0),
    ("最新报送（推进情况）", 40.0),
    ("销号", 22.0),
];

const PROJECT_HEADERS: [(&str, f64); 11] = [
    ("区县", 12.0),
    ("计划开工（所）", 10.0),
    ("已开工（所）", 10.0),
    ("开工率", 9.0),
    ("计划完工（所）", 10.0),
    ("已完工（所）", 10.0),
    ("完工率", 9.0),
    ("投入使用（所）", 10.0),
    ("新增学位（个）", 11.0),
    ("总投资（万元）", 12.0),
    ("截至", 14.0),
];

fn fill(colour: &str) -> Format {
    let background = match colour {
        "red" => "#F8CBAD",
        "orange" => "#FCE4D6",
        "yellow" => "#FFF2CC",
        "green" => "#E2EFDA",
        _ => "#EDEDED",
    };
    Format::new().set_background_color(background)
}

fn write_headers(sheet: &mut Worksheet, row: u32, headers: &[(&str, f64)]) -> Result<(), XlsxError> {
    let format = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_text_wrap()
        .set_align(FormatAlign::Center);
    for (c, (title, width)) in headers.iter().enumerate() {
        sheet.write_string_with_format(row, c as u16, *title, &format)?;
        sheet.set_column_width(c as u16, *width)?;
    }
    Ok(())
}

fn county_name<'a>(counties: &'a [Area], code: &'a AreaCode) -> &'a str {
    counties
        .iter()
        .find(|a| &a.code == code)
        .map_or(code.as_str(), |a| a.name.as_str())
}

/// The status text: 已销号 over the progress once closed.
fn status_text(a: &Assessment) -> &'static str {
    if a.closed {
        "已销号"
    } else {
        a.progress.label_zh()
    }
}

/// 督办 of the task as a whole: its colour and its listings without a county.
fn task_supervision(row: &TaskRow) -> String {
    let mut parts = Vec::new();
    if let Some(colour) = row.state.colour {
        match row.state.colour_due {
            Some(due) => parts.push(format!("{}（限 {}）", colour.label_zh(), date_text(due))),
            None => parts.push(colour.label_zh().to_owned()),
        }
    }
    for l in row.state.listings.iter().filter(|l| l.county.is_none()) {
        parts.push(format!(
            "挂牌督办：{}（限 {}，{}）",
            l.reason,
            date_text(l.due),
            l.by
        ));
    }
    parts.join("；")
}

fn county_supervision(part: &CountyPart) -> String {
    part.listing
        .as_ref()
        .map(|l| format!("挂牌督办：{}（限 {}，{}）", l.reason, date_text(l.due), l.by))
        .unwrap_or_default()
}

/// The 督办台账 workbook of `ledger`, with the construction projects'
/// rates for its year as of its day.
pub fn ledger_workbook(
    ledger: &Ledger,
    projects: &[ProjectSpec],
    counties: &[Area],
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let wrap = Format::new().set_text_wrap();
    let title = Format::new().set_bold().set_font_size(14);

    let sheet = book.add_worksheet();
    sheet.set_name("督办台账")?;
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "{} 督办台账（截至 {}）",
            ledger.plan.title,
            date_text(ledger.today)
        ),
        &title,
    )?;
    write_headers(sheet, 1, &LEDGER_HEADERS)?;
    let mut r = 2u32;
    for row in &ledger.rows {
        let spec = &row.task.spec;
        let whole = &row.whole;
        sheet.write_string(r, 0, &spec.seq)?;
        sheet.write_string_with_format(r, 1, &spec.text, &wrap)?;
        sheet.write_string(r, 2, &spec.lead_unit)?;
        sheet.write_string(r, 3, "全市")?;
        sheet.write_string(r, 4, date_text(whole.deadline))?;
        sheet.write_string_with_format(r, 5, status_text(whole), &fill(whole.colour()))?;
        sheet.write_string_with_format(r, 6, whole.rule.explain_zh(), &wrap)?;
        sheet.write_string(r, 7, whole.alert.map(|a| a.label_zh()).unwrap_or_default())?;
        sheet.write_string_with_format(r, 8, task_supervision(row), &wrap)?;
        let latest = row
            .latest_report
            .as_ref()
            .map(|rep| format!("【{}】{}", rep.status.label_zh(), rep.report.text))
            .unwrap_or_default();
        sheet.write_string_with_format(r, 9, latest, &wrap)?;
        let closed = match (row.state.closed, &row.state.verified_by) {
            (Some(at), Some(by)) => format!("已销号（{}，核验人 {by}）", date_text(at.date_naive())),
            (Some(at), None) => format!("已销号（{}）", date_text(at.date_naive())),
            (None, _) => String::new(),
        };
        sheet.write_string(r, 10, closed)?;
        r += 1;
        for part in &row.counties {
            let a = &part.assessment;
            let name = county_name(counties, &part.county);
            let county = match part.share {
                Some(share) => format!("{name}（{share}）"),
                None => name.to_owned(),
            };
            sheet.write_string(r, 0, &spec.seq)?;
            sheet.write_string(r, 3, county)?;
            sheet.write_string(r, 4, date_text(a.deadline))?;
            sheet.write_string_with_format(r, 5, status_text(a), &fill(a.colour()))?;
            sheet.write_string_with_format(r, 6, a.rule.explain_zh(), &wrap)?;
            sheet.write_string(r, 7, a.alert.map(|a| a.label_zh()).unwrap_or_default())?;
            sheet.write_string_with_format(r, 8, county_supervision(part), &wrap)?;
            sheet.write_string(r, 9, part.latest_report.map(|s| s.label_zh()).unwrap_or_default())?;
            if a.closed {
                sheet.write_string(r, 10, "已销号")?;
            }
            r += 1;
        }
    }
    sheet.set_freeze_panes(2, 2)?;

    let sheet = book.add_worksheet();
    sheet.set_name("建设项目")?;
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "{}年建设项目开工率、完工率（截至 {}）",
            ledger.plan.year,
            date_text(ledger.today)
        ),
        &title,
    )?;
    write_headers(sheet, 1, &PROJECT_HEADERS)?;
    let mut r = 2u32;
    let mut project_counties: Vec<&AreaCode> = Vec::new();
    for p in projects {
        if !project_counties.contains(&&p.county) {
            project_counties.push(&p.county);
        }
    }
    project_counties.sort();
    let bold = Format::new().set_bold();
    for county in &project_counties {
        let rates = Rates::compute(
            projects.iter().filter(|p| &&p.county == county),
            ledger.plan.year,
            ledger.today,
        );
        write_rates(sheet, r, county_name(counties, county), &rates, None)?;
        r += 1;
    }
    let city = Rates::compute(projects, ledger.plan.year, ledger.today);
    write_rates(sheet, r, "全市", &city, Some(&bold))?;
    sheet.set_freeze_panes(2, 1)?;
    book.save_to_buffer()
}

/// A rate cell: the number (0.825) shown as a bureau writes it (82.5%, 50%).
fn write_rate(sheet: &mut Worksheet, r: u32, c: u16, rate: Option<f64>) -> Result<(), XlsxError> {
    match rate {
        Some(rate) => {
            let shown = percent(rate);
            let format = if shown.contains('.') { "0.0%" } else { "0%" };
            sheet.write_number_with_format(r, c, rate / 100.0, &Format::new().set_num_format(format))?;
        }
        None => {
            sheet.write_string(r, c, "—")?;
        }
    }
    Ok(())
}

fn write_rates(
    sheet: &mut Worksheet,
    r: u32,
    name: &str,
    rates: &Rates,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    match format {
        Some(f) => sheet.write_string_with_format(r, 0, name, f)?,
        None => sheet.write_string(r, 0, name)?,
    };
    sheet.write_number(r, 1, f64::from(rates.planned_starts))?;
    sheet.write_number(r, 2, f64::from(rates.started))?;
    write_rate(sheet, r, 3, rates.start_rate())?;
    sheet.write_number(r, 4, f64::from(rates.planned_completions))?;
    sheet.write_number(r, 5, f64::from(rates.completed))?;
    write_rate(sheet, r, 6, rates.completion_rate())?;
    sheet.write_number(r, 7, f64::from(rates.put_in_use))?;
    sheet.write_number(r, 8, rates.seats_delivered as f64)?;
    sheet.write_number_with_format(r, 9, rates.investment, &Format::new().set_num_format("#,##0.00"))?;
    sheet.write_string(r, 10, date_text(rates.as_of))?;
    Ok(())
}
