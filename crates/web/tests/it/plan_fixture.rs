//! The work plan the plan pages' tests read, written into the demo database
//! through `store::PlanStore` when the fixture is built: a plan for this
//! year (dates relative to today, as the server reads the clock) with
//!
//! - task 1 (`late`): a milestone of 370112 and 370102, past its deadline —
//!   late in both counties; 370112's report (by the county officer, with a
//!   PDF) awaits review, 370102's (with a PDF) too;
//! - task 2 (`count`): 开工 of construction projects, 40 for the city;
//! - task 3 (`indicator`): 普惠性幼儿园覆盖率 from a stated 80 % to 90 %;
//! - task 4 (`foreign`): a milestone of 370102 alone, due in a month;
//!
//! and the 青岛 projects: 40 planned to start this year, 33 started; 50
//! planned to complete this year, 25 completed.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use plans::{
    Assignment, Better, CountGoal, Counted, IndicatorGoal, Measure, NewReport, PlanSpec, ProjectKind,
    ProjectSpec, SectionSpec, TaskSource, TaskSpec,
};
use registry::{AreaCode, SchoolYear, Stage};
use store::plans::NewDocument;
use store::prelude::*;

/// Ids of what the fixture wrote.
#[derive(Debug, Clone)]
pub struct PlanFixture {
    pub plan: i64,
    pub late_task: i64,
    pub count_task: i64,
    pub indicator_task: i64,
    pub foreign_task: i64,
    /// The county officer's report on the late task (awaiting review).
    pub county_report: i64,
    /// Its document, and 370102's report's.
    pub county_document: i64,
    pub foreign_document: i64,
    pub baseline_year: i32,
    pub target_year: i32,
}

/// A small valid PDF's first bytes: enough for `DocumentKind::recognise`.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

fn code(text: &str) -> AreaCode {
    AreaCode::parse(text).unwrap()
}

fn task(
    seq: &str,
    text: &str,
    deadline: NaiveDate,
    measure: Measure,
    counties: &[(&str, Option<f64>)],
) -> TaskSpec {
    TaskSpec {
        seq: seq.to_owned(),
        text: text.to_owned(),
        source: TaskSource::AnnualPriority,
        leader: "王副局长".to_owned(),
        lead_unit: "基础教育处".to_owned(),
        co_units: vec!["发展规划处".to_owned()],
        deadline,
        measure,
        counties: counties
            .iter()
            .map(|(c, share)| Assignment {
                county: code(c),
                share: *share,
            })
            .collect(),
    }
}

/// A date of this year on or before today: `days` before today, not
/// before 1 January.
fn this_year_before(today: NaiveDate, days: i64) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap();
    (today - Duration::days(days)).max(first)
}

/// The 青岛 projects of this year.
pub fn qingdao_projects(today: NaiveDate) -> Vec<ProjectSpec> {
    let year = today.year();
    let planned = NaiveDate::from_ymd_opt(year, 3, 1).unwrap();
    let planned_end = NaiveDate::from_ymd_opt(year, 8, 31).unwrap();
    let last_year = NaiveDate::from_ymd_opt(year - 1, 4, 1).unwrap();
    let base = |i: usize| ProjectSpec {
        code: format!("QD{i:03}"),
        name: format!("第{i}号幼儿园新建工程"),
        kind: ProjectKind::New,
        school: None,
        planned_school: Some(format!("拟建第{i}幼儿园")),
        site: None,
        county: code(if i.is_multiple_of(2) { "370112" } else { "370102" }),
        stage: Stage::Preschool,
        seats: 270,
        floor_area: 4_000.0,
        investment: 2_000.0,
        planned_start: None,
        actual_start: None,
        planned_completion: None,
        actual_completion: None,
        in_use: None,
    };
    let mut out = Vec::new();
    for i in 0..40 {
        let mut p = base(i);
        p.planned_start = Some(planned);
        p.planned_completion = Some(NaiveDate::from_ymd_opt(year + 1, 8, 31).unwrap());
        if i < 33 {
            p.actual_start = Some(this_year_before(today, 20));
        }
        out.push(p);
    }
    for i in 40..90 {
        let mut p = base(i);
        p.planned_start = Some(last_year);
        p.actual_start = Some(last_year);
        p.planned_completion = Some(planned_end);
        if i < 65 {
            p.actual_completion = Some(this_year_before(today, 10));
        }
        out.push(p);
    }
    out
}

/// Writes the plan, its reports and the projects.
pub fn write(store: &mut dyn Store, years: &[SchoolYear]) -> PlanFixture {
    let today = web::pages::plans::today();
    let now = Utc::now();
    let year = today.year();
    let baseline_year = i32::from(years.first().unwrap().0);
    let target_year = i32::from(years.last().unwrap().0) + 2;
    let spec = PlanSpec {
        city: code(crate::CITY),
        year,
        title: format!("{year}年全市教育工作要点"),
        sections: vec![
            SectionSpec {
                title: "一、学前教育".to_owned(),
                tasks: vec![
                    task(
                        "1",
                        "化解城镇中小学大班额",
                        today - Duration::days(10),
                        Measure::Milestone,
                        &[("370112", None), ("370102", None)],
                    ),
                    task(
                        "2",
                        "新建改扩建幼儿园开工40所",
                        NaiveDate::from_ymd_opt(year, 12, 31)
                            .unwrap()
                            .max(today + Duration::days(20)),
                        Measure::Count(CountGoal {
                            counted: Counted::ProjectsStarted { stage: None },
                            target: 40.0,
                        }),
                        &[("370112", Some(20.0)), ("370102", Some(20.0))],
                    ),
                    task(
                        "3",
                        "普惠性幼儿园覆盖率达到97%",
                        today + Duration::days(60),
                        Measure::Indicator(IndicatorGoal {
                            indicator: "inclusive_coverage".to_owned(),
                            stage: None,
                            baseline_year,
                            baseline: Some(80.0),
                            // Above the demo city's latest coverage (≈ 94 %), so R is computed.
                            target: 97.0,
                            target_year,
                            better: Better::Higher,
                        }),
                        &[("370112", None)],
                    ),
                ],
            },
            SectionSpec {
                title: "二、家校共育".to_owned(),
                tasks: vec![task(
                    "4",
                    "建成家长学校示范校",
                    today + Duration::days(30),
                    Measure::Milestone,
                    &[("370102", None)],
                )],
            },
        ],
    };
    let saved = store.save_plan(&spec, "demo-admin", now).unwrap();
    let plan = store.plan(saved.plan).unwrap().unwrap();
    let id = |seq: &str| plan.tasks.iter().find(|t| t.spec.seq == seq).unwrap().id;
    let (late, count, indicator, foreign) = (id("1"), id("2"), id("3"), id("4"));
    let report = |county: &str, reporter: &str| NewReport {
        task: late,
        county: Some(code(county)),
        period: format!("{year}-H2"),
        text: format!("{county} 已完成大班额摸排，正在分流"),
        value: None,
        documents: vec![],
        reporter: reporter.to_owned(),
        at: now,
    };
    let doc = NewDocument {
        name: "大班额化解方案.pdf",
        kind: plans::DocumentKind::Pdf,
        bytes: PDF,
    };
    let county_report = store
        .file_report(&report(crate::COUNTY, "demo-county"), &[doc])
        .unwrap();
    let foreign_report = store
        .file_report(&report(crate::OTHER_COUNTY, "officer-370102"), &[doc])
        .unwrap();
    let first_doc = |id| store.report(id).unwrap().unwrap().report.documents[0].0;
    let (county_document, foreign_document) = (first_doc(county_report), first_doc(foreign_report));
    store
        .save_projects(&qingdao_projects(today), "demo-admin", now)
        .unwrap();
    PlanFixture {
        plan: saved.plan.0,
        late_task: late.0,
        count_task: count.0,
        indicator_task: indicator.0,
        foreign_task: foreign.0,
        county_report: county_report.0,
        county_document,
        foreign_document,
        baseline_year,
        target_year,
    }
}
