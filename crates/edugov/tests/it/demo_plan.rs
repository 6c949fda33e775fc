//! `edugov demo` writes the demo work plan through `PlanStore`: the plan,
//! its projects, reports and supervision history, on SQLite and (with
//! `EDUGOV_TEST_PG`) on PostgreSQL; run again, it keeps the plan as it was.

use std::collections::HashMap;

use chrono::NaiveDate;
use plans::ledger::Ledger;
use plans::progress::Point;
use plans::{EventKind, IndicatorGoal, Progress, ReportStatus};
use registry::AreaCode;
use store::PlanStore;

use crate::{edugov, empty_db, pg_database};

const TODAY: &str = "2026-12-01";

/// Indicator tasks read nothing here: the plan's other statuses are what
/// this test checks (the demo crate checks the indicators on the registry).
struct NoReadings;
impl plans::Readings for NoReadings {
    fn readings(&self, _: &IndicatorGoal, _: &AreaCode) -> Vec<Point> {
        Vec::new()
    }
}

fn demo(db: &str) -> crate::Run {
    edugov(
        std::path::Path::new(db),
        &["demo", "--scale", "0.02", "--today", TODAY],
    )
}

/// What the database holds of the demo plan: (tasks, projects, reports by
/// status, events by kind).
fn written(
    url: &str,
) -> (
    usize,
    usize,
    HashMap<ReportStatus, usize>,
    HashMap<EventKind, usize>,
    Ledger,
) {
    let store = store::open(&store::DatabaseUrl::parse(url)).unwrap();
    let headers = store.plans().unwrap();
    assert_eq!(headers.len(), 1, "{headers:?}");
    assert_eq!(headers[0].year, 2026);
    assert_eq!(headers[0].title, "济南市教育局2026年工作要点（演示）");
    let plan = store.plan(headers[0].id).unwrap().unwrap();
    let reports = store.plan_reports(plan.header.id).unwrap();
    let events = store.plan_events(plan.header.id).unwrap();
    let projects = store.projects().unwrap();
    // The schools the demo opened in 2020–2024 carry the seats of their
    // completed 新建 projects (`DEMO-<year>-N…`) once, not twice — also
    // after a re-run that keeps the projects.
    let opening: Vec<_> = projects.iter().filter(|p| p.spec.code.contains("-N")).collect();
    assert!(!opening.is_empty());
    for p in &opening {
        let code = p.spec.school.as_ref().unwrap();
        let school = store.school(code).unwrap().unwrap();
        assert_eq!(school.seats_for(p.spec.stage), p.spec.seats, "{}", p.spec.code);
        assert!(p
            .spec
            .in_use
            .is_some_and(|d| d < NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()));
    }
    let projects: Vec<_> = projects
        .into_iter()
        .filter(|p| !p.spec.code.contains("-N"))
        .collect();
    let mut by_status = HashMap::new();
    for r in &reports {
        *by_status.entry(r.status).or_insert(0) += 1;
    }
    let mut by_kind = HashMap::new();
    for e in &events {
        *by_kind.entry(e.event.kind).or_insert(0) += 1;
    }
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let ledger = Ledger::build(&plan, &events, &reports, &projects, &NoReadings, today);
    (plan.tasks.len(), projects.len(), by_status, by_kind, ledger)
}

fn check(url: &str) {
    let (tasks, projects, reports, events, ledger) = written(url);
    assert_eq!(tasks, 26);
    assert_eq!(projects, 14, "8 kindergartens and 6 schools at scale 0.02");
    assert_eq!(reports.get(&ReportStatus::Accepted), Some(&5));
    assert_eq!(reports.get(&ReportStatus::Submitted), Some(&1));
    assert_eq!(
        reports.get(&ReportStatus::Returned),
        None,
        "both returned reports were corrected"
    );
    for (kind, n) in [
        (EventKind::Assigned, 26),
        (EventKind::Reported, 8),
        (EventKind::Returned, 2),
        (EventKind::Accepted, 5),
        (EventKind::Escalated, 5),
        (EventKind::Listed, 2),
        (EventKind::ExtensionRequested, 1),
        (EventKind::ExtensionGranted, 1),
        (EventKind::Verified, 2),
        (EventKind::ClosedOut, 2),
    ] {
        assert_eq!(events.get(&kind).copied().unwrap_or(0), n, "{kind:?}");
    }
    let row = |seq: &str| ledger.rows.iter().find(|r| r.task.spec.seq == seq).unwrap();
    assert!(row("1.7").whole.is_overdue() && row("1.7").is_listed());
    assert!(row("1.8").is_listed());
    assert!(row("4.2").whole.closed && row("1.4").whole.closed);
    assert_eq!(row("1.1").whole.progress, Progress::OnTrack);
    assert_eq!(row("4.1").state.extensions, 1);
    assert!(!row("4.1").whole.is_overdue());
}

fn rerun_keeps_the_plan(url: &str) {
    let before = written(url);
    let again = demo(url);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stderr.contains("保留原样"), "{}", again.stderr);
    let after = written(url);
    assert_eq!(
        (before.0, before.1, &before.2, &before.3),
        (after.0, after.1, &after.2, &after.3)
    );
}

#[test]
fn the_demo_writes_its_work_plan_with_projects_reports_and_history_on_sqlite() {
    let (_dir, db) = empty_db("plan");
    let url = db.to_str().unwrap();
    let out = demo(url);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("工作计划：济南市教育局2026年工作要点（演示），任务 26 项"),
        "{}",
        out.stderr
    );
    check(url);
    rerun_keeps_the_plan(url);
}

#[test]
fn the_demo_writes_the_same_work_plan_on_postgresql() {
    let Some(pg) = pg_database("demo_plan") else {
        return;
    };
    let out = demo(&pg.url);
    assert_eq!(out.code, 0, "{}", out.stderr);
    check(&pg.url);
    rerun_keeps_the_plan(&pg.url);
}
