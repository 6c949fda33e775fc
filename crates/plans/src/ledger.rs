//! The 督办台账: a plan with every task's computed status, for the whole
//! task and for each county answerable for it, its supervision state and
//! its reports — the one read model the plan page, the supervision board,
//! a county's "my tasks", the `.xlsx` ledger and the generated summary all
//! read, so they never disagree.

use std::collections::HashMap;

use chrono::NaiveDate;
use registry::AreaCode;
use serde::Serialize;

use crate::plan::{IndicatorGoal, Plan, Task, TaskId};
use crate::progress::{Point, Progress};
use crate::project::Project;
use crate::report::{ProgressReport, ReportStatus};
use crate::status::{assess, Assessment, Inputs, Readings};
use crate::supervision::{DeadlineAlert, Event, Listing, State};

/// One county's part of a task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountyPart {
    pub county: AreaCode,
    pub share: Option<f64>,
    pub assessment: Assessment,
    /// The county's open listing on the supervision board.
    pub listing: Option<Listing>,
    /// Its latest report's status.
    pub latest_report: Option<ReportStatus>,
}

/// One task of the ledger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskRow {
    pub task: Task,
    pub state: State,
    /// The task as a whole (the city's figures, the whole target).
    pub whole: Assessment,
    pub counties: Vec<CountyPart>,
    /// Reports awaiting review.
    pub pending_reports: usize,
    /// The latest report's text, for the ledger's 推进情况 column.
    pub latest_report: Option<ProgressReport>,
    /// The lead unit's latest report's status (a county's is in its part).
    pub lead_report: Option<ReportStatus>,
}

impl TaskRow {
    /// Late: the task or any county's part is overdue.
    pub fn is_late(&self) -> bool {
        self.whole.is_overdue() || self.counties.iter().any(|c| c.assessment.is_overdue())
    }

    pub fn late_counties(&self) -> impl Iterator<Item = &CountyPart> {
        self.counties.iter().filter(|c| c.assessment.is_overdue())
    }

    pub fn is_listed(&self) -> bool {
        self.state.is_listed()
    }

    pub fn county(&self, county: &AreaCode) -> Option<&CountyPart> {
        self.counties.iter().find(|c| &c.county == county)
    }
}

/// Which tasks a page lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only late tasks.
    pub late: bool,
    /// Only tasks under 挂牌督办.
    pub listed: bool,
    /// Only tasks this county answers for.
    pub county: Option<AreaCode>,
    pub progress: Option<Progress>,
}

/// Counts over the ledger, for the headline of a page or a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub tasks: usize,
    pub achieved: usize,
    pub on_track: usize,
    pub behind: usize,
    pub overdue: usize,
    pub due_soon: usize,
    pub listed: usize,
    pub closed: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ledger {
    pub plan: crate::plan::PlanHeader,
    pub today: NaiveDate,
    pub rows: Vec<TaskRow>,
}

impl Ledger {
    /// Computes every task's status. `events` and `reports` are the plan's
    /// (any order of tasks; each task's events in order).
    pub fn build(
        plan: &Plan,
        events: &[Event],
        reports: &[ProgressReport],
        projects: &[Project],
        readings: &dyn Readings,
        today: NaiveDate,
    ) -> Ledger {
        let mut by_task: HashMap<TaskId, Vec<Event>> = HashMap::new();
        for e in events {
            by_task.entry(e.event.task).or_default().push(e.clone());
        }
        let mut reports_by_task: HashMap<TaskId, Vec<ProgressReport>> = HashMap::new();
        for r in reports {
            reports_by_task.entry(r.report.task).or_default().push(r.clone());
        }
        let rows = plan
            .tasks
            .iter()
            .map(|task| {
                let state = State::of(by_task.get(&task.id).map_or(&[][..], Vec::as_slice));
                let reports = reports_by_task.get(&task.id).map_or(&[][..], Vec::as_slice);
                let inputs = Inputs {
                    today,
                    plan_year: plan.header.year,
                    city: &plan.header.city,
                    readings,
                    projects,
                    reports,
                };
                let whole = assess(task, &state, &inputs, None);
                let counties = task
                    .spec
                    .counties
                    .iter()
                    .map(|a| CountyPart {
                        county: a.county.clone(),
                        share: a.share,
                        assessment: assess(task, &state, &inputs, Some(&a.county)),
                        listing: state
                            .listings
                            .iter()
                            .find(|l| l.county.as_ref() == Some(&a.county))
                            .cloned(),
                        latest_report: reports
                            .iter()
                            .filter(|r| r.report.county.as_ref() == Some(&a.county))
                            .max_by_key(|r| (r.report.at, r.id))
                            .map(|r| r.status),
                    })
                    .collect();
                TaskRow {
                    task: task.clone(),
                    whole,
                    counties,
                    pending_reports: reports
                        .iter()
                        .filter(|r| r.status == ReportStatus::Submitted)
                        .count(),
                    latest_report: reports.iter().max_by_key(|r| (r.report.at, r.id)).cloned(),
                    lead_report: reports
                        .iter()
                        .filter(|r| r.report.county.is_none())
                        .max_by_key(|r| (r.report.at, r.id))
                        .map(|r| r.status),
                    state,
                }
            })
            .collect();
        Ledger {
            plan: plan.header.clone(),
            today,
            rows,
        }
    }

    pub fn rows<'a>(&'a self, filter: &'a Filter) -> impl Iterator<Item = &'a TaskRow> + 'a {
        self.rows.iter().filter(move |row| {
            (!filter.late || row.is_late())
                && (!filter.listed || row.is_listed())
                && filter.county.as_ref().is_none_or(|c| row.county(c).is_some())
                && filter.progress.is_none_or(|p| row.whole.progress == p)
        })
    }

    pub fn row(&self, task: TaskId) -> Option<&TaskRow> {
        self.rows.iter().find(|r| r.task.id == task)
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            tasks: self.rows.len(),
            ..Counts::default()
        };
        for row in &self.rows {
            let a = &row.whole;
            match a.progress {
                Progress::TargetAchieved => c.achieved += 1,
                Progress::OnTrack => c.on_track += 1,
                Progress::AccelerationNeeded | Progress::Limited | Progress::Deterioration => c.behind += 1,
                Progress::InProgress | Progress::NoData => {}
            }
            if row.is_late() {
                c.overdue += 1;
            }
            if a.alert == Some(DeadlineAlert::DueSoon) {
                c.due_soon += 1;
            }
            c.listed += usize::from(row.is_listed());
            c.closed += usize::from(a.closed);
        }
        c
    }

    /// Late tasks by county: each county with the tasks it is late on.
    pub fn late_by_county(&self) -> Vec<(AreaCode, Vec<&TaskRow>)> {
        let mut out: Vec<(AreaCode, Vec<&TaskRow>)> = Vec::new();
        for row in &self.rows {
            for part in row.late_counties() {
                match out.iter_mut().find(|(c, _)| c == &part.county) {
                    Some((_, rows)) => rows.push(row),
                    None => out.push((part.county.clone(), vec![row])),
                }
            }
        }
        out.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        out
    }
}

/// The registry's values, read from the computed indicators: an area's
/// value of the goal's indicator and stage in every school year (year Y is
/// the school year starting in Y).
impl Readings for indicators::Computed {
    fn readings(&self, goal: &IndicatorGoal, area: &AreaCode) -> Vec<Point> {
        use indicators::places::Level;
        use registry::AreaLevel;
        let Some(indicator) = indicators::catalogue::find(&goal.indicator) else {
            return Vec::new();
        };
        let level = match area.level() {
            AreaLevel::City | AreaLevel::Province => Level::City,
            AreaLevel::County => Level::County,
            _ => Level::Township,
        };
        let query = indicators::Query {
            indicators: vec![indicator],
            within: Some(area.clone()),
            levels: vec![level],
            ..indicators::Query::default()
        };
        self.values(&query)
            .into_iter()
            .filter(|v| v.stage == goal.stage && v.grade.is_none())
            .filter(|v| self.place(v).is_some_and(|p| p.code == area.as_str()))
            .filter_map(|v| {
                v.value.map(|value| Point {
                    year: i32::from(self.school_year(&v).0),
                    value,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::plan::{Assignment, EventId, Measure, PlanHeader, PlanId, TaskSource, TaskSpec};
    use crate::supervision::{EventKind, NewEvent};

    struct NoReadings;
    impl Readings for NoReadings {
        fn readings(&self, _: &IndicatorGoal, _: &AreaCode) -> Vec<Point> {
            Vec::new()
        }
    }

    fn code(text: &str) -> AreaCode {
        AreaCode::parse(text).expect("code")
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    fn task(id: i64, deadline: NaiveDate, counties: &[&str]) -> Task {
        Task {
            id: TaskId(id),
            plan: PlanId(1),
            section: "一、学前教育".into(),
            position: id as u32,
            spec: TaskSpec {
                seq: id.to_string(),
                text: format!("任务{id}"),
                source: TaskSource::AnnualPriority,
                leader: String::new(),
                lead_unit: "基础教育处".into(),
                co_units: vec![],
                deadline,
                measure: Measure::Milestone,
                counties: counties
                    .iter()
                    .map(|c| Assignment {
                        county: code(c),
                        share: None,
                    })
                    .collect(),
            },
        }
    }

    #[test]
    fn the_ledger_answers_which_tasks_are_late_in_which_counties_and_what_is_done() {
        let plan = Plan {
            header: PlanHeader {
                id: PlanId(1),
                city: code("3701"),
                year: 2026,
                title: "工作要点".into(),
            },
            tasks: vec![
                task(1, d(6, 30), &["370102", "370112"]),
                task(2, d(12, 31), &["370112"]),
                task(3, d(7, 1), &[]),
            ],
        };
        let listed = Event {
            id: EventId(1),
            event: NewEvent {
                task: TaskId(1),
                county: Some(code("370112")),
                kind: EventKind::Listed,
                actor: "admin".into(),
                at: Utc.with_ymd_and_hms(2026, 7, 2, 9, 0, 0).single().expect("t"),
                old_value: None,
                new_value: None,
                note: "逾期未完成".into(),
                due: Some(d(8, 31)),
                report: None,
            },
        };
        let ledger = Ledger::build(&plan, &[listed], &[], &[], &NoReadings, d(7, 10));
        let late: Vec<i64> = ledger
            .rows(&Filter {
                late: true,
                ..Filter::default()
            })
            .map(|r| r.task.id.0)
            .collect();
        assert_eq!(late, vec![1, 3]);
        // 370112 was given until 31 August when listed; 370102 is late.
        let by_county = ledger.late_by_county();
        assert_eq!(by_county.len(), 1);
        assert_eq!(by_county[0].0, code("370102"));
        let row = ledger.row(TaskId(1)).expect("row");
        assert!(row.is_listed());
        assert_eq!(
            row.county(&code("370112"))
                .and_then(|c| c.listing.as_ref())
                .map(|l| l.due),
            Some(d(8, 31))
        );
        let mine: Vec<i64> = ledger
            .rows(&Filter {
                county: Some(code("370112")),
                ..Filter::default()
            })
            .map(|r| r.task.id.0)
            .collect();
        assert_eq!(mine, vec![1, 2]);
        let counts = ledger.counts();
        assert_eq!((counts.tasks, counts.overdue, counts.listed), (3, 2, 1));
    }
}
