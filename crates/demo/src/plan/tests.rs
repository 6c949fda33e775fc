//! The demo plan: deterministic, its measures and projects valid, its script
//! obeying the same rules as users, and on two different days the statuses
//! it means to show — computed by `plans::ledger` over the demo registry.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use indicators::{Computed, Rules};
use plans::ledger::{Ledger, TaskRow};
use plans::report::{check, check_decision};
use plans::{
    supervision, Decision, DocumentId, Event, EventId, EventKind, Measure, NewEvent, NewReport, Plan,
    PlanHeader, PlanId, Progress, ProgressReport, Project, ProjectId, ReportId, ReportStatus, State, Task,
    TaskId,
};
use registry::snapshot::YearSnapshot;

use super::*;
use crate::{DemoCity, DemoConfig};

fn city() -> &'static (DemoCity, Computed) {
    static CITY: OnceLock<(DemoCity, Computed)> = OnceLock::new();
    CITY.get_or_init(|| {
        let city = DemoCity::generate(&DemoConfig {
            scale: 0.02,
            ..DemoConfig::default()
        })
        .unwrap();
        let snapshots: Vec<YearSnapshot> = city
            .school_years()
            .into_iter()
            .map(|y| YearSnapshot::from_changes(&city.school_year(y)))
            .collect();
        let computed = Computed::new(&snapshots, Rules::default());
        (city, computed)
    })
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// What the store would hold after the demo wrote `plan`: the same steps
/// as `edugov demo` takes through `PlanStore`, each checked by the domain's
/// own rules (`report::check`, `check_decision`, `supervision::decide`).
struct Replayed {
    plan: Plan,
    events: Vec<Event>,
    reports: Vec<ProgressReport>,
    projects: Vec<Project>,
}

fn replay(demo: &DemoPlan) -> Replayed {
    let tasks: Vec<Task> = demo
        .spec
        .tasks()
        .enumerate()
        .map(|(i, (section, spec))| Task {
            id: TaskId(i as i64 + 1),
            plan: PlanId(1),
            section: section.to_owned(),
            position: i as u32,
            spec: spec.clone(),
        })
        .collect();
    let plan = Plan {
        header: PlanHeader {
            id: PlanId(1),
            city: demo.spec.city.clone(),
            year: demo.spec.year,
            title: demo.spec.title.clone(),
        },
        tasks,
    };
    let mut events: Vec<Event> = Vec::new();
    let push = |events: &mut Vec<Event>, e: NewEvent| {
        let id = EventId(events.len() as i64 + 1);
        events.push(Event { id, event: e });
    };
    for task in &plan.tasks {
        push(
            &mut events,
            NewEvent {
                task: task.id,
                county: None,
                kind: EventKind::Assigned,
                actor: ADMIN.into(),
                at: demo.written,
                old_value: None,
                new_value: None,
                note: String::new(),
                due: None,
                report: None,
            },
        );
    }
    let mut reports: Vec<ProgressReport> = Vec::new();
    let mut documents = 0;
    for step in &demo.script {
        let task = plan
            .tasks
            .iter()
            .find(|t| t.spec.seq == step.seq)
            .unwrap_or_else(|| panic!("the script names task {} the plan has", step.seq));
        let base = NewEvent {
            task: task.id,
            county: None,
            kind: EventKind::Reported,
            actor: String::new(),
            at: step.at,
            old_value: None,
            new_value: None,
            note: String::new(),
            due: None,
            report: None,
        };
        match &step.action {
            Action::File {
                county,
                period,
                text,
                value,
                reporter,
                evidence,
            } => {
                let mut report = NewReport {
                    task: task.id,
                    county: county.clone(),
                    period: period.clone(),
                    text: text.clone(),
                    value: *value,
                    documents: Vec::new(),
                    reporter: reporter.clone(),
                    at: step.at,
                };
                check(&report, &task.spec.measure).unwrap_or_else(|e| panic!("{}: {e}", step.seq));
                if let Some(ev) = evidence {
                    assert!(ev.bytes.starts_with(b"%PDF-") && ev.name.ends_with(".pdf"));
                    documents += 1;
                    report.documents.push(DocumentId(documents));
                }
                let same = |r: &ProgressReport| {
                    r.report.task == task.id && r.report.county == *county && r.report.period == *period
                };
                let id = match reports.iter_mut().find(|r| same(r)) {
                    Some(r) => {
                        assert_eq!(r.status, ReportStatus::Returned, "{}: filed twice", step.seq);
                        r.report = report;
                        r.status = ReportStatus::Submitted;
                        r.id
                    }
                    None => {
                        let id = ReportId(reports.len() as i64 + 1);
                        reports.push(ProgressReport {
                            id,
                            report,
                            status: ReportStatus::Submitted,
                            reviewer: None,
                            reviewed_at: None,
                            reason: None,
                        });
                        id
                    }
                };
                push(
                    &mut events,
                    NewEvent {
                        county: county.clone(),
                        actor: reporter.clone(),
                        report: Some(id),
                        ..base
                    },
                );
            }
            Action::Decide {
                county,
                period,
                reviewer,
                decision,
            } => {
                let r = reports
                    .iter_mut()
                    .find(|r| {
                        r.report.task == task.id
                            && r.report.county == *county
                            && r.report.period == *period
                            && r.status == ReportStatus::Submitted
                    })
                    .unwrap_or_else(|| panic!("{}: no report awaits review", step.seq));
                check_decision(r, reviewer, decision).unwrap_or_else(|e| panic!("{}: {e}", step.seq));
                let (status, kind, note) = match decision {
                    Decision::Accept => (ReportStatus::Accepted, EventKind::Accepted, String::new()),
                    Decision::Return { reason } => {
                        (ReportStatus::Returned, EventKind::Returned, reason.clone())
                    }
                };
                r.status = status;
                r.reviewer = Some(reviewer.clone());
                r.reviewed_at = Some(step.at);
                push(
                    &mut events,
                    NewEvent {
                        county: county.clone(),
                        kind,
                        actor: reviewer.clone(),
                        old_value: Some(r.report.reporter.clone()),
                        note,
                        report: Some(r.id),
                        ..base
                    },
                );
            }
            Action::Supervise { actor, step: s } => {
                let history: Vec<Event> = events
                    .iter()
                    .filter(|e| e.event.task == task.id)
                    .cloned()
                    .collect();
                let state = State::of(&history);
                let event =
                    supervision::decide(task.id, task.spec.deadline, &state, actor, s.clone(), step.at)
                        .unwrap_or_else(|e| panic!("{}: {s:?} refused: {e}", step.seq));
                push(&mut events, event);
            }
        }
    }
    let projects = demo
        .projects
        .iter()
        .enumerate()
        .map(|(i, p)| Project {
            id: ProjectId(i as i64 + 1),
            spec: p.clone(),
        })
        .collect();
    Replayed {
        plan,
        events,
        reports,
        projects,
    }
}

fn ledger(today: NaiveDate) -> (DemoPlan, Ledger) {
    let (city, computed) = city();
    let demo = city.work_plan(today);
    let r = replay(&demo);
    let ledger = Ledger::build(&r.plan, &r.events, &r.reports, &r.projects, computed, today);
    (demo, ledger)
}

fn meets(row: &TaskRow, expected: Expected) -> bool {
    let w = &row.whole;
    let behind = matches!(
        w.progress,
        Progress::AccelerationNeeded | Progress::Limited | Progress::Deterioration
    );
    match expected {
        Expected::Achieved => w.progress == Progress::TargetAchieved && !w.closed,
        Expected::OnTrack => w.progress == Progress::OnTrack && w.alert.is_none(),
        Expected::Behind => behind && w.alert.is_none(),
        Expected::InProgress => w.progress == Progress::InProgress && w.alert.is_none(),
        Expected::Overdue => w.is_overdue(),
        Expected::DueSoon => w.alert == Some(supervision::DeadlineAlert::DueSoon),
        Expected::ClosedOut => w.closed,
        Expected::Registry => true,
    }
}

#[test]
fn the_plan_is_the_same_for_the_same_city_and_day_and_moves_with_the_day() {
    let (city, _) = city();
    let today = d(2026, 12, 1);
    assert_eq!(city.work_plan(today), city.work_plan(today));
    let later = city.work_plan(d(2027, 3, 15));
    let now = city.work_plan(today);
    assert_eq!((now.spec.year, later.spec.year), (2026, 2026));
    assert_ne!(now.script, later.script);
    assert_eq!(city.work_plan(d(2027, 7, 1)).spec.year, 2027);
    assert_eq!(plan_year(d(2026, 6, 30)), 2025);
}

#[test]
fn the_plan_quotes_the_jinan_report_in_its_six_sections() {
    let (city, _) = city();
    let demo = city.work_plan(d(2026, 12, 1));
    assert_eq!(demo.spec.title, "济南市教育局2026年工作要点（演示）");
    assert_eq!(demo.spec.sections.len(), 6);
    let tasks: Vec<_> = demo.spec.tasks().collect();
    assert!((20..=30).contains(&tasks.len()), "{}", tasks.len());
    for quote in [
        "大班额“清零”",
        "控辍保学“清零”",
        "毛入园率达到95.5%",
        "普惠性幼儿园覆盖率超过85%",
        "近视率每年下降不低于1个百分点",
        "标准化家长学校",
    ] {
        assert!(tasks.iter().any(|(_, t)| t.text.contains(quote)), "{quote}");
    }
    let mut seqs: Vec<&str> = tasks.iter().map(|(_, t)| t.seq.as_str()).collect();
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), tasks.len(), "序号 are unique");
}

#[test]
fn every_indicator_goal_names_a_catalogue_code_with_years_after_its_baseline() {
    let (city, _) = city();
    let demo = city.work_plan(d(2026, 12, 1));
    let mut indicators = 0;
    for (_, task) in demo.spec.tasks() {
        if let Measure::Indicator(goal) = &task.measure {
            indicators += 1;
            let found = indicators::find(&goal.indicator).unwrap_or_else(|| panic!("{}", goal.indicator));
            assert!(goal.stage.is_none() || found.stages.contains(&goal.stage.unwrap()));
            assert!(goal.target_year > goal.baseline_year);
            assert!(goal.baseline_year >= 2019 && goal.baseline_year <= 2024);
        }
    }
    assert!(indicators >= 5);
}

#[test]
fn every_count_task_shares_its_target_among_its_counties() {
    let (city, _) = city();
    for today in [d(2026, 12, 1), d(2027, 3, 15)] {
        let demo = city.work_plan(today);
        for (_, task) in demo.spec.tasks() {
            if let Measure::Count(goal) = &task.measure {
                if task.counties.is_empty() {
                    continue;
                }
                let sum: f64 = task.counties.iter().map(|a| a.share.unwrap_or(0.0)).sum();
                assert!(
                    (sum - goal.target).abs() < 1e-9,
                    "{}: {sum} ≠ {}",
                    task.seq,
                    goal.target
                );
            }
        }
    }
}

#[test]
fn every_project_is_valid_and_one_put_into_use_serves_its_stage() {
    let (city, _) = city();
    let demo = city.work_plan(d(2026, 12, 1));
    let mut codes: Vec<&str> = demo.projects.iter().map(|p| p.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), demo.projects.len());
    let today = d(2026, 12, 1);
    for p in &demo.projects {
        p.check().unwrap_or_else(|e| panic!("{}: {e}", p.code));
        for date in [p.actual_start, p.actual_completion, p.in_use]
            .into_iter()
            .flatten()
        {
            assert!(date < today, "{}: {date} is not in the past", p.code);
        }
        if let Some(school) = &p.school {
            let record = &city
                .plans
                .iter()
                .find(|s| &s.record.code == school)
                .unwrap()
                .record;
            assert!(record.serves(p.stage) && record.county == p.county, "{}", p.code);
        }
    }
    assert!(demo.projects.iter().any(|p| p.in_use.is_some()));
    assert!(demo.projects.iter().any(|p| p.planned_school.is_some()));
    let rates = plans::Rates::compute(demo.projects.iter(), 2026, today);
    let start = rates.start_rate().unwrap();
    assert!((60.0..100.0).contains(&start), "开工率 {start}");
}

#[test]
fn the_script_is_in_the_past_and_in_order() {
    let (city, _) = city();
    let today = d(2026, 12, 1);
    let demo = city.work_plan(today);
    assert!(demo.script.windows(2).all(|w| w[0].at <= w[1].at));
    assert!(demo.script.iter().all(|s| s.at.date_naive() < today));
    assert!(demo.written < demo.projects_entered && demo.projects_entered < demo.script[0].at);
    // Reports come from the demo accounts: the county officer only for 历城区.
    for step in &demo.script {
        if let Action::File { county, reporter, .. } = &step.action {
            match reporter.as_str() {
                COUNTY_OFFICER => assert_eq!(county.as_ref().map(|c| c.as_str()), Some(DEMO_COUNTY)),
                LEAD_UNIT => assert!(county.is_none()),
                other => panic!("unexpected reporter {other}"),
            }
        }
    }
}

fn check_mix(today: NaiveDate) {
    let (demo, ledger) = ledger(today);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for row in &ledger.rows {
        let want = expected(&row.task.spec.seq);
        assert!(
            meets(row, want),
            "{today}: task {} {} expected {want:?}, got {:?} {:?} closed={} — {}",
            row.task.spec.seq,
            row.task.spec.text,
            row.whole.progress,
            row.whole.alert,
            row.whole.closed,
            row.whole.rule.explain_zh()
        );
        *seen.entry(format!("{want:?}").leak()).or_default() += 1;
    }
    for kind in [
        "OnTrack",
        "Behind",
        "Overdue",
        "DueSoon",
        "ClosedOut",
        "Achieved",
        "InProgress",
    ] {
        assert!(
            seen.get(kind).copied().unwrap_or(0) >= 1,
            "{today}: no task {kind}"
        );
    }
    let counts = ledger.counts();
    assert!(
        counts.listed >= 2 && counts.closed == 2 && counts.overdue >= 2,
        "{counts:?}"
    );
    // 挂牌督办: 历城区 for 大班额, and a county for the projects not started.
    let listed: Vec<&str> = ledger
        .rows
        .iter()
        .filter(|r| r.is_listed())
        .map(|r| r.task.spec.seq.as_str())
        .collect();
    assert_eq!(listed, [seq::STARTS, seq::LARGE_CLASSES]);
    assert!(!ledger.late_by_county().is_empty());
    // One report awaits review, one was sent back and corrected.
    assert_eq!(ledger.rows.iter().map(|r| r.pending_reports).sum::<usize>(), 1);
    let corrected = demo
        .script
        .iter()
        .filter(|s| {
            matches!(
                &s.action,
                Action::Decide {
                    decision: Decision::Return { .. },
                    ..
                }
            )
        })
        .count();
    assert_eq!(corrected, 2);
    // The registry-read indicator tasks: a deterioration and an achieved.
    let progress = |seq: &str| {
        ledger
            .rows
            .iter()
            .find(|r| r.task.spec.seq == seq)
            .unwrap()
            .whole
            .progress
    };
    assert_eq!(progress(seq::KEY_TEACHERS), Progress::Deterioration);
    assert_eq!(progress(seq::PUBLIC_SHARE), Progress::TargetAchieved);
    assert_eq!(progress(seq::MYOPIA), Progress::OnTrack);
    assert_eq!(progress(seq::GROSS_ENROLMENT), Progress::OnTrack);
}

#[test]
fn on_the_first_of_december_the_mix_of_statuses_is_there() {
    check_mix(d(2026, 12, 1));
}

#[test]
fn in_the_next_march_the_same_mix_holds() {
    check_mix(d(2027, 3, 15));
}

#[test]
fn on_the_first_day_of_the_plan_s_second_half_the_mix_holds() {
    check_mix(d(2026, 7, 1));
}

#[test]
fn the_evidence_is_a_pdf_with_a_correct_cross_reference_table() {
    let e = evidence("test (1)");
    let text = String::from_utf8(e.bytes.clone()).unwrap();
    assert!(text.starts_with("%PDF-1.4") && text.ends_with("%%EOF\n"));
    let startxref: usize = text
        .rsplit("startxref\n")
        .next()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(text[startxref..].starts_with("xref"));
    for (i, line) in text[startxref..].lines().skip(3).take(5).enumerate() {
        let offset: usize = line[..10].parse().unwrap();
        assert!(
            text[offset..].starts_with(&format!("{} 0 obj", i + 1)),
            "object {}",
            i + 1
        );
    }
    assert_eq!(e.name, "test--1.pdf");
}

#[test]
fn the_mix_holds_on_every_fifth_day_of_two_years() {
    let mut today = d(2026, 1, 1);
    while today < d(2028, 1, 1) {
        check_mix(today);
        today = today + chrono::Days::new(5);
    }
}
