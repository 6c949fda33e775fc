//! Status of tasks from readings, projects and reports.

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::plan::{Assignment, DocumentId, PlanId, ReportId, TaskId, TaskSource, TaskSpec};
use crate::progress::Better;
use crate::report::NewReport;
use crate::supervision::{Event, EventKind, NewEvent};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn city() -> AreaCode {
    AreaCode::parse("3701").expect("city")
}

fn county() -> AreaCode {
    AreaCode::parse("370112").expect("county")
}

fn task(measure: Measure) -> Task {
    Task {
        id: TaskId(7),
        plan: PlanId(1),
        section: "学前教育".into(),
        position: 0,
        spec: TaskSpec {
            seq: "1".into(),
            text: "普惠性幼儿园覆盖率达到90%".into(),
            source: TaskSource::AnnualPriority,
            leader: "张副局长".into(),
            lead_unit: "学前教育处".into(),
            co_units: vec![],
            deadline: d(2026, 12, 31),
            measure,
            counties: vec![Assignment {
                county: county(),
                share: Some(20.0),
            }],
        },
    }
}

struct Table(Vec<(AreaCode, Point)>);

impl Readings for Table {
    fn readings(&self, _goal: &IndicatorGoal, area: &AreaCode) -> Vec<Point> {
        self.0
            .iter()
            .filter(|(a, _)| a == area)
            .map(|(_, p)| *p)
            .collect()
    }
}

fn goal(indicator: &str, target: f64, better: Better) -> IndicatorGoal {
    IndicatorGoal {
        indicator: indicator.into(),
        stage: None,
        baseline_year: 2019,
        baseline: None,
        target,
        target_year: 2025,
        better,
    }
}

fn assess_with(task: &Task, readings: &Table, reports: &[ProgressReport], today: NaiveDate) -> Assessment {
    let city = city();
    let inputs = Inputs {
        today,
        plan_year: 2026,
        city: &city,
        readings,
        projects: &[],
        reports,
    };
    assess(task, &State::default(), &inputs, None)
}

fn pt(year: i32, value: f64) -> (AreaCode, Point) {
    (city(), Point { year, value })
}

#[test]
fn an_indicator_task_is_judged_by_open_sdg_on_the_registrys_values_with_the_rule_shown() {
    let t = task(Measure::Indicator(goal(
        "inclusive_coverage",
        90.0,
        Better::Higher,
    )));
    let a = assess_with(
        &t,
        &Table(vec![pt(2019, 80.0), pt(2020, 82.0), pt(2021, 84.0)]),
        &[],
        d(2026, 6, 30),
    );
    assert_eq!(a.progress, Progress::OnTrack);
    let text = a.rule.explain_zh();
    assert!(text.contains("R = 1.2457"), "{text}");
    assert!(text.contains("基线 2019年80%（登记数据）"), "{text}");
    assert!(text.contains("当前 2021年84%"), "{text}");

    let a = assess_with(
        &t,
        &Table(vec![pt(2019, 80.0), pt(2021, 81.0)]),
        &[],
        d(2026, 6, 30),
    );
    assert_eq!(a.progress, Progress::Limited);
    assert!(a.rule.explain_zh().contains("R = 0.3143"));
}

#[test]
fn myopia_rising_is_deterioration() {
    let t = task(Measure::Indicator(goal("myopia_rate", 50.0, Better::Lower)));
    let a = assess_with(
        &t,
        &Table(vec![pt(2019, 55.0), pt(2021, 56.0)]),
        &[],
        d(2026, 6, 30),
    );
    assert_eq!(a.progress, Progress::Deterioration);
    assert!(a.rule.explain_zh().contains("R = -0.5743"));
    assert_eq!(a.colour(), "red");
}

#[test]
fn a_task_whose_target_is_already_met_is_achieved_and_never_overdue() {
    let t = task(Measure::Indicator(goal(
        "inclusive_coverage",
        85.0,
        Better::Higher,
    )));
    let a = assess_with(
        &t,
        &Table(vec![pt(2019, 80.0), pt(2021, 86.5)]),
        &[],
        d(2027, 3, 1),
    );
    assert_eq!(a.progress, Progress::TargetAchieved);
    assert!(a.finished);
    assert_eq!(a.alert, None);
    assert!(a.rule.explain_zh().contains("已达成"));
}

#[test]
fn a_stated_baseline_wins_over_a_missing_registry_year_and_says_so() {
    let mut g = goal("inclusive_coverage", 90.0, Better::Higher);
    g.baseline = Some(80.0);
    let t = task(Measure::Indicator(g));
    let a = assess_with(&t, &Table(vec![pt(2021, 84.0)]), &[], d(2026, 6, 30));
    assert_eq!(a.progress, Progress::OnTrack);
    assert!(a.rule.explain_zh().contains("（计划所定）"));
}

#[test]
fn an_indicator_without_a_later_year_has_no_data_and_says_why() {
    let t = task(Measure::Indicator(goal(
        "inclusive_coverage",
        90.0,
        Better::Higher,
    )));
    let a = assess_with(&t, &Table(vec![pt(2019, 80.0)]), &[], d(2026, 6, 30));
    assert_eq!(a.progress, Progress::NoData);
    assert!(a.rule.explain_zh().contains("数据不足"));
}

#[test]
fn an_unfinished_task_past_its_deadline_is_overdue() {
    let t = task(Measure::Milestone);
    let a = assess_with(&t, &Table(vec![]), &[], d(2027, 1, 1));
    assert_eq!(a.progress, Progress::InProgress);
    assert!(a.is_overdue());
    assert_eq!(a.colour(), "red");
    let a = assess_with(&t, &Table(vec![]), &[], d(2026, 12, 29));
    assert_eq!(a.alert, Some(DeadlineAlert::DueSoon));
}

fn accepted(
    task: TaskId,
    county: Option<AreaCode>,
    value: Option<f64>,
    docs: Vec<DocumentId>,
) -> ProgressReport {
    ProgressReport {
        id: ReportId(1),
        report: NewReport {
            task,
            county,
            period: "2026-H1".into(),
            text: "完成".into(),
            value,
            documents: docs,
            reporter: "officer".into(),
            at: Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).single().expect("t"),
        },
        status: ReportStatus::Accepted,
        reviewer: Some("admin".into()),
        reviewed_at: None,
        reason: None,
    }
}

#[test]
fn a_milestone_is_done_once_a_report_with_a_document_is_accepted_for_every_county() {
    let t = task(Measure::Milestone);
    let without_document = [accepted(t.id, Some(county()), None, vec![])];
    let a = assess_with(&t, &Table(vec![]), &without_document, d(2026, 6, 30));
    assert_eq!(a.progress, Progress::InProgress);
    let with_document = [accepted(t.id, Some(county()), None, vec![DocumentId(3)])];
    let a = assess_with(&t, &Table(vec![]), &with_document, d(2026, 6, 30));
    assert_eq!(a.progress, Progress::TargetAchieved);
}

#[test]
fn a_reported_count_is_the_sum_of_the_counties_latest_accepted_values() {
    let t = task(Measure::Count(CountGoal {
        counted: Counted::Reported { unit: "所".into() },
        target: 40.0,
    }));
    let reports = [accepted(t.id, Some(county()), Some(20.0), vec![])];
    // Half the year gone: 20 of 40 is on pace.
    let a = assess_with(&t, &Table(vec![]), &reports, d(2026, 7, 2));
    assert_eq!(a.progress, Progress::OnTrack, "{}", a.rule.explain_zh());
    let a = assess_with(&t, &Table(vec![]), &[], d(2026, 7, 2));
    assert_eq!(a.progress, Progress::Limited);
}

#[test]
fn a_closed_out_task_is_finished_and_not_overdue() {
    let t = task(Measure::Milestone);
    let closed = State::of(&[Event {
        id: crate::plan::EventId(1),
        event: NewEvent {
            task: t.id,
            county: None,
            kind: EventKind::ClosedOut,
            actor: "admin".into(),
            at: DateTime::<Utc>::MIN_UTC,
            old_value: None,
            new_value: None,
            note: String::new(),
            due: None,
            report: None,
        },
    }]);
    let city = city();
    let inputs = Inputs {
        today: d(2027, 3, 1),
        plan_year: 2026,
        city: &city,
        readings: &Table(vec![]),
        projects: &[],
        reports: &[],
    };
    let a = assess(&t, &closed, &inputs, None);
    assert!(a.finished && a.closed);
    assert_eq!(a.alert, None);
    assert_eq!(a.colour(), "closed");
}

#[test]
fn numbers_drop_needless_decimals() {
    assert_eq!(number(68.0), "68");
    assert_eq!(number(82.5), "82.5");
    assert_eq!(number(84.366), "84.37");
}

#[test]
fn a_listing_sets_the_deadline_of_what_it_lists() {
    let t = task(Measure::Milestone);
    let listing = |county: Option<AreaCode>, due| Event {
        id: crate::plan::EventId(1),
        event: NewEvent {
            task: t.id,
            county,
            kind: EventKind::Listed,
            actor: "admin".into(),
            at: DateTime::<Utc>::MIN_UTC,
            old_value: None,
            new_value: None,
            note: "进度滞后".into(),
            due: Some(due),
            report: None,
        },
    };
    let city = city();
    let inputs = Inputs {
        today: d(2026, 5, 2),
        plan_year: 2026,
        city: &city,
        readings: &Table(vec![]),
        projects: &[],
        reports: &[],
    };
    // The county must answer by 30 April although the task runs to December.
    let state = State::of(&[listing(Some(county()), d(2026, 4, 30))]);
    assert!(assess(&t, &state, &inputs, Some(&county())).is_overdue());
    assert!(!assess(&t, &state, &inputs, None).is_overdue());
    let state = State::of(&[listing(None, d(2026, 5, 1))]);
    assert!(assess(&t, &state, &inputs, None).is_overdue());
}
