//! The school-place forecast as an `.xlsx` a planner forwards
//! (`edugov forecast --format xlsx`, the web's download): a 说明 sheet
//! (what was run, when, by whom, each scenario's assumptions and the
//! backtest's accuracy in brief), one sheet per scenario with every area,
//! stage and year (demand public/private/total, seats, the pipeline's and
//! the closures' share, the gap, classes needed, mean class size, the peak
//! marked), a 县区汇总 sheet (each county's worst primary and junior
//! shortage, its kindergarten surplus) and a 回测精度 sheet. Chinese
//! headers, widths, frozen header rows, numbers as numbers.
//!
//! `scope` cuts the workbook to one county (what a county officer may
//! see): its rows only, never the city's aggregate or another county.

use forecast::{AreaForecast, Forecast, Method, Run, StageForecast};
use registry::{AreaCode, Ownership, Stage};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// Headers of a scenario sheet, with widths.
pub const SCENARIO_HEADERS: [(&str, f64); 15] = [
    ("区域", 12.0),
    ("学段", 10.0),
    ("学年", 13.0),
    ("数据", 6.0),
    ("需求（公办）", 11.0),
    ("需求（民办）", 11.0),
    ("需求（合计）", 11.0),
    ("学位", 10.0),
    ("其中新建项目", 11.0),
    ("关停", 8.0),
    ("缺口(+)/富余(−)", 14.0),
    ("需班数", 8.0),
    ("可容班数", 9.0),
    ("平均班额(按学位)", 11.0),
    ("入学高峰", 9.0),
];

const SUMMARY_HEADERS: [(&str, f64); 10] = [
    ("方案", 16.0),
    ("区县", 12.0),
    ("小学最大缺口学年", 13.0),
    ("小学最大缺口（学位）", 13.0),
    ("初中最大缺口学年", 13.0),
    ("初中最大缺口（学位）", 13.0),
    ("幼儿园最大富余学年", 13.0),
    ("幼儿园富余学位", 13.0),
    ("新建项目新增学位", 13.0),
    ("小学入学高峰", 12.0),
];

const ACCURACY_HEADERS: [(&str, f64); 8] = [
    ("区域", 12.0),
    ("学段", 10.0),
    ("办学性质", 9.0),
    ("方法", 20.0),
    ("预测提前年数", 11.0),
    ("样本数", 8.0),
    ("平均偏差（%）", 12.0),
    ("平均绝对百分比误差 MAPE（%）", 16.0),
];

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
}

fn write_headers(
    sheet: &mut Worksheet,
    row: u32,
    headers: &[(&str, f64)],
    format: &Format,
) -> Result<(), XlsxError> {
    for (col, (title, width)) in headers.iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, *title, format)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    Ok(())
}

/// 2024 → "2024—2025学年".
fn school_year(year: i32) -> String {
    format!("{year}—{}学年", year + 1)
}

/// A sheet name Excel accepts: no `[]:*?/\`, at most 31 characters,
/// distinct from the names already used, and not `History` (in any case),
/// which Excel reserves: a workbook with it opens only after a repair.
fn sheet_name(wanted: &str, used: &mut Vec<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim().trim_matches('\'').to_owned();
    let base: String = if clean.is_empty() { "方案".into() } else { clean };
    let mut n = 1;
    loop {
        let suffix = if n == 1 { String::new() } else { format!("({n})") };
        let keep = 31 - suffix.chars().count();
        let name: String = base.chars().take(keep).collect::<String>() + &suffix;
        if !used.iter().any(|u| u.eq_ignore_ascii_case(&name))
            && !["说明", "县区汇总", "回测精度"].contains(&name.as_str())
            && !name.eq_ignore_ascii_case("history")
        {
            used.push(name.clone());
            return name;
        }
        n += 1;
    }
}

/// The areas a workbook shows: all (the city first), or the scoped county.
fn areas<'a>(
    forecast: &'a Forecast,
    scope: Option<&AreaCode>,
) -> impl Iterator<Item = &'a AreaForecast> + 'a {
    let scope = scope.cloned();
    forecast
        .areas
        .iter()
        .filter(move |a| scope.as_ref().is_none_or(|s| &a.code == s))
}

fn area_name(run: &Run, code: &AreaCode) -> String {
    if run.history.city.as_ref() == Some(code) {
        return if run.history.city_name.is_empty() {
            "全市".into()
        } else {
            run.history.city_name.clone()
        };
    }
    run.history
        .counties
        .iter()
        .find(|c| &c.code == code)
        .map(|c| c.name.clone())
        .or_else(|| {
            run.forecasts
                .iter()
                .flat_map(|f| &f.areas)
                .find(|a| &a.code == code)
                .map(|a| a.name.clone())
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| code.to_string())
}

/// The workbook of `run` (cut to the county `scope` if given), as bytes.
pub fn write_forecast_xlsx(run: &Run, scope: Option<&AreaCode>) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let header = header_format();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let count = Format::new().set_num_format("#,##0");
    let gap = Format::new().set_num_format("+#,##0;[Red]−#,##0;0");
    let mean = Format::new().set_num_format("0.0");
    let pct = Format::new().set_num_format("+0.00;−0.00;0.00");
    let mape = Format::new().set_num_format("0.00");
    let projected = Format::new().set_font_color("#1F4E79");

    // 说明.
    let sheet = book.add_worksheet();
    sheet.set_name("说明")?;
    sheet.set_column_width(0, 22.0)?;
    sheet.set_column_width(1, 70.0)?;
    sheet.write_string_with_format(0, 0, format!("学位预测：{}", run.label), &title)?;
    let scope_text = match scope {
        Some(code) => area_name(run, code),
        None => format!("{}及所辖区县", area_name_or_city(run)),
    };
    let base = run.forecasts.first().map(|f| f.base_year);
    let until = run.forecasts.iter().map(|f| f.until).max();
    let mut r = 2u32;
    for (label, value) in [
        ("预测名称", run.label.clone()),
        ("制作时间", run.made_at.format("%Y-%m-%d %H:%M").to_string()),
        ("制作人", run.made_by.clone()),
        ("范围", scope_text),
        ("基年（最后一个实际学年）", base.map(school_year).unwrap_or_default()),
        ("预测至", until.map(school_year).unwrap_or_default()),
        (
            "口径",
            "需求为在校生数（公办、民办分列）；学位为当年有该学段在校生的学校核定学位，含已投用及计划投用的新建项目，扣除关停；缺口 = 需求 − 学位，正数为缺口、负数为富余；需班数按标准班额计（小学 45 人，初中、高中 50 人，幼儿园按方案）；平均班额(按学位) = 需求 ÷ 学位可容班数（学位 ÷ 标准班额，历年同一口径），≥ 56 人为大班额风险；实际班额见指标。".to_owned(),
        ),
    ] {
        sheet.write_string_with_format(r, 0, label, &bold)?;
        sheet.write_string_with_format(r, 1, value, &wrap)?;
        r += 1;
    }
    r += 1;
    for forecast in &run.forecasts {
        sheet.write_string_with_format(r, 0, format!("方案：{}", forecast.scenario.name), &bold)?;
        r += 1;
        for (label, value) in &forecast.assumptions {
            sheet.write_string(r, 0, label)?;
            sheet.write_string_with_format(r, 1, value, &wrap)?;
            r += 1;
        }
        r += 1;
    }
    sheet.write_string_with_format(r, 0, "回测精度（摘要）", &bold)?;
    r += 1;
    match &run.backtest {
        None => {
            sheet.write_string(r, 0, "本次预测未做回测")?;
        }
        Some(backtest) => {
            let area = scope.cloned().or_else(|| run.history.city.clone());
            for stage in forecast::FORECAST_STAGES {
                for lead in [1, 3] {
                    let cell = |method: Method| {
                        area.as_ref()
                            .and_then(|a| backtest.row(a, stage, None, method, lead))
                    };
                    let Some(cohort) = cell(Method::Cohort) else {
                        continue;
                    };
                    let baselines: Vec<String> = [Method::CarryForward, Method::GradeProgression]
                        .into_iter()
                        .filter_map(|m| cell(m).map(|a| format!("{} {:.2}%", m.label_zh(), a.mape_pct)))
                        .collect();
                    sheet.write_string(r, 0, format!("{} 提前 {lead} 年", stage.label_zh()))?;
                    sheet.write_string_with_format(
                        r,
                        1,
                        format!(
                            "MAPE {:.2}%，平均偏差 {:+.2}%（{} 对）；对照：{}",
                            cohort.mape_pct,
                            cohort.bias_pct,
                            cohort.pairs,
                            if baselines.is_empty() {
                                "无".to_owned()
                            } else {
                                baselines.join("，")
                            }
                        ),
                        &wrap,
                    )?;
                    r += 1;
                }
            }
            let years: Vec<String> = backtest.base_years.iter().map(|y| y.to_string()).collect();
            sheet.write_string(r, 0, "回测基年")?;
            sheet.write_string(r, 1, years.join("、"))?;
            r += 1;
            // The shortfalls name any area: not shown in a county's workbook.
            for shortfall in backtest.shortfalls.iter().filter(|_| scope.is_none()) {
                sheet.write_string(r, 0, "未优于对照")?;
                sheet.write_string_with_format(r, 1, shortfall, &wrap)?;
                r += 1;
            }
        }
    }

    // One sheet per scenario.
    let mut used = Vec::new();
    for forecast in &run.forecasts {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&forecast.scenario.name, &mut used))?;
        write_headers(sheet, 0, &SCENARIO_HEADERS, &header)?;
        sheet.set_row_height(0, 30.0)?;
        let mut r = 1u32;
        for area in areas(forecast, scope) {
            for stage in &area.stages {
                for year in &stage.years {
                    let shown = if year.observed { None } else { Some(&projected) };
                    sheet.write_string(r, 0, &area.name)?;
                    sheet.write_string(r, 1, stage.stage.label_zh())?;
                    sheet.write_string(r, 2, school_year(year.year))?;
                    match shown {
                        Some(f) => sheet.write_string_with_format(r, 3, "预测", f)?,
                        None => sheet.write_string(r, 3, "实际")?,
                    };
                    sheet.write_number_with_format(r, 4, year.demand[0], &count)?;
                    sheet.write_number_with_format(r, 5, year.demand[1], &count)?;
                    sheet.write_number_with_format(r, 6, year.total(), &count)?;
                    sheet.write_number_with_format(r, 7, year.capacity, &count)?;
                    sheet.write_number_with_format(r, 8, year.pipeline_seats, &count)?;
                    sheet.write_number_with_format(r, 9, year.closed_seats, &count)?;
                    sheet.write_number_with_format(r, 10, year.gap, &gap)?;
                    sheet.write_number_with_format(r, 11, f64::from(year.classes_needed), &count)?;
                    sheet.write_number_with_format(r, 12, f64::from(year.classes_available), &count)?;
                    if year.classes_available > 0 {
                        sheet.write_number_with_format(r, 13, year.mean_class_size, &mean)?;
                    }
                    if stage.peak.year == year.year {
                        let mark = if stage.peak_passed {
                            "▲高峰（已过）"
                        } else {
                            "▲高峰"
                        };
                        sheet.write_string_with_format(r, 14, mark, &bold)?;
                    }
                    r += 1;
                }
            }
        }
        sheet.set_freeze_panes(1, 3)?;
        if r > 1 {
            sheet.autofilter(0, 0, r - 1, SCENARIO_HEADERS.len() as u16 - 1)?;
        }
    }

    // 县区汇总.
    let sheet = book.add_worksheet();
    sheet.set_name("县区汇总")?;
    write_headers(sheet, 0, &SUMMARY_HEADERS, &header)?;
    sheet.set_row_height(0, 30.0)?;
    let mut r = 1u32;
    for forecast in &run.forecasts {
        for area in areas(forecast, scope) {
            if run.history.city.as_ref() == Some(&area.code) {
                continue;
            }
            sheet.write_string(r, 0, &forecast.scenario.name)?;
            sheet.write_string(r, 1, &area.name)?;
            let stage = |s: Stage| area.stages.iter().find(|x| x.stage == s);
            for (col, s) in [(2u16, Stage::Primary), (4, Stage::Junior)] {
                match stage(s).and_then(|x| x.worst_gap) {
                    Some(worst) if worst.gap > 0.0 => {
                        sheet.write_string(r, col, school_year(worst.year))?;
                        sheet.write_number_with_format(r, col + 1, worst.gap, &count)?;
                    }
                    _ => {
                        sheet.write_string(r, col, "无缺口")?;
                    }
                }
            }
            match stage(Stage::Preschool).and_then(|x| x.largest_surplus) {
                Some(surplus) if surplus.gap < 0.0 => {
                    sheet.write_string(r, 6, school_year(surplus.year))?;
                    sheet.write_number_with_format(r, 7, -surplus.gap, &count)?;
                }
                _ => {
                    sheet.write_string(r, 6, "无富余")?;
                }
            }
            let pipeline: f64 = area.stages.iter().map(last_pipeline).sum();
            sheet.write_number_with_format(r, 8, pipeline, &count)?;
            if let Some(primary) = stage(Stage::Primary) {
                sheet.write_string(
                    r,
                    9,
                    format!(
                        "{}（{:.0} 人）{}",
                        school_year(primary.peak.year),
                        primary.peak.demand,
                        if primary.peak_passed { "，已过" } else { "" }
                    ),
                )?;
            }
            r += 1;
        }
    }
    sheet.set_freeze_panes(1, 2)?;

    // 回测精度.
    let sheet = book.add_worksheet();
    sheet.set_name("回测精度")?;
    write_headers(sheet, 0, &ACCURACY_HEADERS, &header)?;
    sheet.set_row_height(0, 30.0)?;
    let mut r = 1u32;
    if let Some(backtest) = &run.backtest {
        for a in backtest
            .rows
            .iter()
            .filter(|a| scope.is_none_or(|s| &a.area == s))
        {
            sheet.write_string(r, 0, area_name(run, &a.area))?;
            sheet.write_string(r, 1, a.stage.label_zh())?;
            sheet.write_string(r, 2, a.sector.map(Ownership::label_zh).unwrap_or("合计"))?;
            sheet.write_string(r, 3, a.method.label_zh())?;
            sheet.write_number(r, 4, f64::from(a.lead))?;
            sheet.write_number(r, 5, f64::from(a.pairs))?;
            sheet.write_number_with_format(r, 6, a.bias_pct, &pct)?;
            sheet.write_number_with_format(r, 7, a.mape_pct, &mape)?;
            r += 1;
        }
        if r > 1 {
            sheet.autofilter(0, 0, r - 1, ACCURACY_HEADERS.len() as u16 - 1)?;
        }
        if scope.is_none() {
            for shortfall in &backtest.shortfalls {
                r += 1;
                sheet.write_string(r, 0, "未优于对照")?;
                sheet.write_string(r, 1, shortfall)?;
            }
        }
    } else {
        sheet.write_string(r, 0, "本次预测未做回测")?;
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

fn area_name_or_city(run: &Run) -> String {
    if run.history.city_name.is_empty() {
        "全市".into()
    } else {
        run.history.city_name.clone()
    }
}

/// Seats the pipeline adds by the last projected year.
fn last_pipeline(stage: &StageForecast) -> f64 {
    stage.years.last().map(|y| y.pipeline_seats).unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader};
    use forecast::scenario::{Averaging, BirthAssumption, MigrationAssumption, MigrationTiming, Survival};
    use forecast::{Accuracy, Backtest, History, Peak, Scenario, StageYear, YearGap, FORECAST_STAGES};
    use registry::snapshot::AreaRef;

    use super::*;

    fn code(text: &str) -> AreaCode {
        AreaCode::parse(text).unwrap()
    }

    fn scenario(name: &str) -> Scenario {
        Scenario {
            name: name.into(),
            until: 2026,
            births: BirthAssumption::Constant,
            migration: MigrationAssumption::None,
            timing: MigrationTiming::EndOfPeriod,
            survival: Survival {
                first_year: 1.0,
                by_age: vec![1.0; 18],
                source: "测试".into(),
            },
            averaging: Averaging::Last,
            averaging_years: 1,
            senior_transition: None,
            class_size: [30, 45, 50, 50],
            closures: vec![],
            extra_projects: vec![],
        }
    }

    /// Demand grows by `step` a year from `start`; seats stay at 1,000 with
    /// 200 from the pipeline in 2026.
    fn stage(stage: Stage, start: f64, step: f64) -> StageForecast {
        let years: Vec<StageYear> = (2024..=2026)
            .map(|y| {
                let demand = start + step * f64::from(y - 2024);
                let pipeline = if y == 2026 { 200.0 } else { 0.0 };
                let capacity = 1000.0 + pipeline;
                StageYear {
                    year: y,
                    observed: y == 2024,
                    demand: [demand * 0.75, demand * 0.25],
                    capacity,
                    pipeline_seats: pipeline,
                    closed_seats: 0.0,
                    gap: demand - capacity,
                    classes_needed: (demand / 45.0).ceil() as u32,
                    classes_available: (capacity / 45.0).floor() as u32,
                    classes_in_use: (y == 2024).then_some(20),
                    mean_class_size: demand / (capacity / 45.0).floor(),
                }
            })
            .collect();
        let gaps: Vec<YearGap> = years
            .iter()
            .filter(|y| !y.observed)
            .map(|y| YearGap {
                year: y.year,
                gap: y.gap,
            })
            .collect();
        let peak = years
            .iter()
            .filter(|y| !y.observed)
            .fold(None::<&StageYear>, |best, y| match best {
                Some(b) if b.total() >= y.total() => Some(b),
                _ => Some(y),
            })
            .unwrap();
        StageForecast {
            stage,
            class_size: 45,
            peak: Peak {
                year: peak.year,
                demand: peak.total(),
            },
            peak_passed: false,
            worst_gap: gaps
                .iter()
                .copied()
                .filter(|g| g.gap > 0.0)
                .max_by(|a, b| a.gap.total_cmp(&b.gap)),
            largest_surplus: gaps
                .iter()
                .copied()
                .filter(|g| g.gap < 0.0)
                .min_by(|a, b| a.gap.total_cmp(&b.gap)),
            years,
        }
    }

    fn area(code_: &str, name: &str, primary_step: f64) -> AreaForecast {
        AreaForecast {
            code: code(code_),
            name: name.into(),
            population: vec![],
            stages: FORECAST_STAGES
                .iter()
                .map(|s| match s {
                    Stage::Primary => stage(*s, 1100.0, primary_step),
                    Stage::Preschool => stage(*s, 700.0, -50.0),
                    _ => stage(*s, 900.0, 10.0),
                })
                .collect(),
        }
    }

    fn run() -> Run {
        let history = History::empty(
            Some(code("3701")),
            "济南市",
            &[
                AreaRef {
                    code: code("370102"),
                    name: "历下区".into(),
                },
                AreaRef {
                    code: code("370112"),
                    name: "历城区".into(),
                },
            ],
        );
        let scenarios = vec![scenario("基准方案"), scenario("出生每年−5%：低方案/测试")];
        let forecasts = scenarios
            .iter()
            .map(|s| Forecast {
                scenario: s.clone(),
                base_year: 2024,
                until: 2026,
                areas: vec![
                    area("3701", "济南市", 100.0),
                    area("370102", "历下区", 60.0),
                    area("370112", "历城区", -150.0),
                ],
                assumptions: vec![("出生".into(), "保持不变".into()), ("迁移".into(), "不计".into())],
            })
            .collect();
        let accuracy = |area: &str, method: Method, lead: u32, mape: f64| Accuracy {
            area: code(area),
            stage: Stage::Primary,
            sector: None,
            method,
            lead,
            pairs: 3,
            bias_pct: -mape / 2.0,
            mape_pct: mape,
        };
        Run {
            label: "2026年学位预测".into(),
            made_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
                .unwrap()
                .and_hms_opt(9, 30, 0)
                .unwrap(),
            made_by: "analyst".into(),
            history,
            forecasts,
            scenarios,
            backtest: Some(Backtest {
                base_years: vec![2021, 2022, 2023],
                rows: vec![
                    accuracy("3701", Method::Cohort, 1, 0.84),
                    accuracy("3701", Method::CarryForward, 1, 3.1),
                    accuracy("3701", Method::GradeProgression, 1, 1.7),
                    accuracy("370102", Method::Cohort, 1, 1.25),
                ],
                shortfalls: vec!["历城区 初中 提前 3 年：队列要素法未优于沿用上年".into()],
            }),
        }
    }

    fn open(bytes: Vec<u8>) -> calamine::Xlsx<std::io::Cursor<Vec<u8>>> {
        calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap()
    }

    fn text(cell: Option<&Data>) -> String {
        match cell {
            Some(Data::String(s)) => s.clone(),
            Some(Data::Float(f)) => f.to_string(),
            Some(Data::Int(i)) => i.to_string(),
            _ => String::new(),
        }
    }

    fn number(cell: Option<&Data>) -> f64 {
        match cell {
            Some(Data::Float(f)) => *f,
            Some(Data::Int(i)) => *i as f64,
            other => panic!("not a number: {other:?}"),
        }
    }

    /// A scenario named `History` (Excel's reserved sheet name) made a
    /// workbook Excel opens only after a repair; every other rule kept.
    #[test]
    fn sheet_names_avoid_excels_reserved_history() {
        let mut used = Vec::new();
        let names: Vec<String> = ["History", "history", "a/b:c*?[x]", "说明"]
            .iter()
            .map(|w| sheet_name(w, &mut used))
            .collect();
        assert!(
            names.iter().all(|n| !n.eq_ignore_ascii_case("history")),
            "{names:?}"
        );
        assert_eq!(names[0], "History(2)");
        assert_eq!(names[1], "history(3)");
        assert_eq!(names[2], "a_b_c___x_");
        assert_eq!(names[3], "说明(2)");
    }

    #[test]
    fn the_workbook_reads_back_as_the_run() {
        let run = run();
        let mut book = open(write_forecast_xlsx(&run, None).unwrap());
        assert_eq!(
            book.sheet_names(),
            [
                "说明",
                "基准方案",
                "出生每年−5%：低方案_测试",
                "县区汇总",
                "回测精度"
            ],
            "a sheet name without the characters Excel refuses"
        );

        let notes = book.worksheet_range("说明").unwrap();
        let all: Vec<String> = notes
            .rows()
            .flat_map(|r| r.iter().map(|c| text(Some(c))))
            .collect();
        for expected in [
            "2026年学位预测",
            "analyst",
            "2026-11-30 09:30",
            "2024—2025学年",
            "保持不变",
        ] {
            assert!(all.iter().any(|c| c.contains(expected)), "{expected} in 说明");
        }
        assert!(all
            .iter()
            .any(|c| c.contains("MAPE 0.84%") && c.contains("沿用上年 3.10%")));
        assert!(
            all.iter().any(|c| c.contains("历城区 初中")),
            "shortfalls listed for the city"
        );

        // Every area, stage and year of the scenario, with its numbers.
        let sheet = book.worksheet_range("基准方案").unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        let headers: Vec<String> = rows[0].iter().map(|c| text(Some(c))).collect();
        assert_eq!(headers, SCENARIO_HEADERS.map(|(h, _)| h.to_owned()));
        assert_eq!(rows.len(), 1 + 3 * 4 * 3);
        let forecast = &run.forecasts[0];
        let mut i = 1;
        for area in &forecast.areas {
            for stage in &area.stages {
                for year in &stage.years {
                    let row = rows[i];
                    assert_eq!(text(row.first()), area.name);
                    assert_eq!(text(row.get(1)), stage.stage.label_zh());
                    assert_eq!(text(row.get(2)), format!("{}—{}学年", year.year, year.year + 1));
                    assert_eq!(text(row.get(3)), if year.observed { "实际" } else { "预测" });
                    assert_eq!(number(row.get(4)), year.demand[0]);
                    assert_eq!(number(row.get(5)), year.demand[1]);
                    assert_eq!(number(row.get(6)), year.total());
                    assert_eq!(number(row.get(7)), year.capacity);
                    assert_eq!(number(row.get(8)), year.pipeline_seats);
                    assert_eq!(number(row.get(10)), year.gap);
                    assert_eq!(number(row.get(11)), f64::from(year.classes_needed));
                    assert_eq!(number(row.get(13)), year.mean_class_size);
                    let peak = stage.peak.year == year.year;
                    assert_eq!(text(row.get(14)).starts_with("▲高峰"), peak);
                    i += 1;
                }
            }
        }

        // 县区汇总: counties only. 历下's primary demand is 1,160 in 2025
        // against 1,000 seats (160 short) and 1,220 in 2026 against 1,200
        // with the pipeline (20 short): the worst is 2025. 历城 has none.
        let summary = book.worksheet_range("县区汇总").unwrap();
        let rows: Vec<&[Data]> = summary.rows().collect();
        assert_eq!(rows.len(), 1 + 2 * 2);
        assert_eq!(text(rows[1].get(1)), "历下区");
        assert_eq!(text(rows[1].get(2)), "2025—2026学年");
        assert_eq!(number(rows[1].get(3)), 160.0);
        assert_eq!(text(rows[2].get(1)), "历城区");
        assert_eq!(text(rows[2].get(2)), "无缺口");
        // Kindergartens: 700 − 2·50 in 2026 against 1,200 seats: 600 empty
        // (2025: 650 against 1,000, 350).
        assert_eq!(text(rows[1].get(6)), "2026—2027学年");
        assert_eq!(number(rows[1].get(7)), 600.0);
        assert_eq!(number(rows[1].get(8)), 4.0 * 200.0);

        let accuracy = book.worksheet_range("回测精度").unwrap();
        let rows: Vec<&[Data]> = accuracy.rows().collect();
        assert_eq!(text(rows[1].first()), "济南市");
        assert_eq!(text(rows[1].get(2)), "合计");
        assert_eq!(text(rows[1].get(3)), "队列要素法");
        assert_eq!(number(rows[1].get(7)), 0.84);
        assert_eq!(text(rows[4].first()), "历下区");
    }

    #[test]
    fn a_county_workbook_shows_that_county_only() {
        let run = run();
        let mut book = open(write_forecast_xlsx(&run, Some(&code("370102"))).unwrap());
        for name in ["基准方案", "县区汇总", "回测精度"] {
            let range = book.worksheet_range(name).unwrap();
            let cells: Vec<String> = range
                .rows()
                .skip(1)
                .flat_map(|r| r.iter().map(|c| text(Some(c))))
                .collect();
            assert!(cells.iter().any(|c| c == "历下区"), "{name}");
            assert!(
                !cells.iter().any(|c| c == "济南市" || c == "历城区"),
                "{name}: {cells:?}"
            );
        }
        let notes = book.worksheet_range("说明").unwrap();
        let all: Vec<String> = notes
            .rows()
            .flat_map(|r| r.iter().map(|c| text(Some(c))))
            .collect();
        assert!(
            all.iter().any(|c| c.contains("MAPE 1.25%")),
            "the county's own accuracy"
        );
        assert!(!all.iter().any(|c| c.contains("历城区")), "no other county named");
    }
}
