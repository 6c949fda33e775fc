//! A task's status, computed — never typed — with the rule and its inputs,
//! so a page can show them beside the status (the OpenProject lesson,
//! anchors A4: never silently recompute a number; show the rule).
//!
//! - An indicator task: the open-sdg ratio on the registry's values
//!   ([`progress::ratio`]).
//! - A count task: what the records count (projects, or the one reported
//!   figure) against an even pace from the plan year's start to the
//!   deadline ([`progress::pace`]).
//! - A milestone: done once a report with a document as evidence was
//!   accepted.
//!
//! Overdue when the deadline in force passed unfinished; due soon three days
//! before ([`DeadlineAlert`]). A task closed out (销号) is finished.

use chrono::{Datelike, NaiveDate};
use registry::AreaCode;
use serde::Serialize;

use crate::plan::{CountGoal, Counted, IndicatorGoal, Measure, Task};
use crate::progress::{self, NoRatio, Pace, Point, Progress, Ratio};
use crate::project::{Project, ProjectSpec};
use crate::report::{ProgressReport, ReportStatus};
use crate::supervision::{DeadlineAlert, State};

/// What the rule read to judge a task.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Rule {
    /// open-sdg's ratio; `baseline_from_plan` says the baseline is the
    /// plan's stated value rather than the registry's.
    Ratio {
        ratio: Ratio,
        baseline_from_plan: bool,
        unit: String,
    },
    /// An indicator task the ratio cannot judge yet.
    NoRatio { reason: NoRatio, latest: Option<Point> },
    /// Counted from records, against an even pace.
    Pace {
        pace: Pace,
        counted: String,
        unit: String,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// Done once an accepted report carries a document.
    Milestone { done: bool },
}

impl Rule {
    /// The rule and its inputs in a sentence a bureau officer reads.
    pub fn explain_zh(&self) -> String {
        match self {
            Rule::Ratio {
                ratio,
                baseline_from_plan,
                unit,
            } => {
                let v = |p: &Point| format!("{}年{}{}", p.year, number(p.value), unit);
                let source = if *baseline_from_plan {
                    "（计划所定）"
                } else {
                    "（登记数据）"
                };
                let mut s = format!(
                    "open-sdg 进度法：基线 {}{source}，当前 {}，目标 {}（{}）。",
                    v(&ratio.base),
                    v(&ratio.current),
                    v(&ratio.target),
                    if ratio.better == progress::Better::Higher {
                        "越高越好"
                    } else {
                        "越低越好"
                    },
                );
                if ratio.progress == Progress::TargetAchieved {
                    s.push_str("当前值已达到目标 → 已达成。");
                } else if let Some(r) = ratio.r {
                    s.push_str(&format!(
                        "已实现年均增长率 {:.2}%，达到目标所需年均增长率 {:.2}%，R = {:.4}（≥0.95 进度正常，0.60–0.95 需加快，0–0.60 进展有限，<0 退步）→ {}。",
                        ratio.actual_growth * 100.0,
                        ratio.needed_growth * 100.0,
                        r,
                        ratio.progress.label_zh()
                    ));
                } else {
                    s.push_str(&format!(
                        "基线已在目标一侧而当前偏离 → {}。",
                        ratio.progress.label_zh()
                    ));
                }
                if ratio.zero_base {
                    s.push_str("基线为 0，按 open-sdg 以 0.001 代替。");
                }
                s
            }
            Rule::NoRatio { reason, latest } => match latest {
                Some(p) => format!(
                    "open-sdg 进度法：{reason}（最新 {}年 {}）→ 数据不足。",
                    p.year,
                    number(p.value)
                ),
                None => format!("open-sdg 进度法：{reason} → 数据不足。"),
            },
            Rule::Pace {
                pace,
                counted,
                unit,
                from,
                to,
            } => {
                let mut s = format!(
                    "按时间进度：{counted} {}{unit} / 目标 {}{unit}；{from} 至 {to} 已过 {:.0}%，应完成 {}{unit}",
                    number(pace.done),
                    number(pace.target),
                    pace.elapsed * 100.0,
                    number(pace.expected),
                );
                match pace.r {
                    _ if pace.progress == Progress::TargetAchieved => s.push_str("；已完成目标 → 已达成。"),
                    Some(r) => s.push_str(&format!(
                        "；完成 ÷ 应完成 = {r:.2}（≥0.95 进度正常，0.60–0.95 需加快，<0.60 进展有限）→ {}。",
                        pace.progress.label_zh()
                    )),
                    None => s.push_str(&format!("；尚无应完成量 → {}。", pace.progress.label_zh())),
                }
                s
            }
            Rule::Milestone { done } => {
                if *done {
                    "节点任务：已有审核通过、附佐证材料的进展报告 → 已达成。".to_owned()
                } else {
                    "节点任务：以审核通过、附佐证材料的进展报告为准；尚无 → 进行中。".to_owned()
                }
            }
        }
    }
}

/// A number without needless decimals: 68, 82.5, 84.37.
pub fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 && v.abs() < 1e15 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// A task's (or one county's part of a task's) status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub progress: Progress,
    pub rule: Rule,
    /// The deadline in force (extended or set by a red notice).
    pub deadline: NaiveDate,
    pub alert: Option<DeadlineAlert>,
    /// Achieved or closed out.
    pub finished: bool,
    pub closed: bool,
}

impl Assessment {
    pub fn is_overdue(&self) -> bool {
        self.alert == Some(DeadlineAlert::Overdue)
    }

    /// The colour a page shows: red when overdue, else the progress colour.
    pub fn colour(&self) -> &'static str {
        if self.closed {
            "closed"
        } else if self.is_overdue() {
            "red"
        } else {
            self.progress.colour()
        }
    }
}

/// Where an indicator's values come from: the registry's values of an area
/// over the years (the web and CLI read them from the computed indicators).
pub trait Readings {
    /// `area`'s values of `goal`'s indicator and stage, one per year, any order.
    fn readings(&self, goal: &IndicatorGoal, area: &AreaCode) -> Vec<Point>;
}

/// Everything a status is computed from.
pub struct Inputs<'a> {
    pub today: NaiveDate,
    /// The plan's year (counts are counted in it).
    pub plan_year: i32,
    /// The plan's city: the area of a task's whole status.
    pub city: &'a AreaCode,
    pub readings: &'a dyn Readings,
    pub projects: &'a [Project],
    /// The task's reports (any status).
    pub reports: &'a [ProgressReport],
}

/// The status of `task` as a whole (`county: None`, the city's figures and
/// the whole target) or of one county's part.
pub fn assess(task: &Task, state: &State, inputs: &Inputs<'_>, county: Option<&AreaCode>) -> Assessment {
    let spec = &task.spec;
    let (progress, rule) = match &spec.measure {
        Measure::Indicator(goal) => indicator(goal, inputs.readings, county.unwrap_or(inputs.city)),
        Measure::Count(goal) => {
            let target = match county {
                Some(c) => spec.assignment(c).and_then(|a| a.share).unwrap_or(0.0),
                None => goal.target,
            };
            count(goal, target, task, inputs, county)
        }
        Measure::Milestone => {
            let done = milestone_done(task, inputs.reports, county);
            let progress = if done {
                Progress::TargetAchieved
            } else {
                Progress::InProgress
            };
            (progress, Rule::Milestone { done })
        }
    };
    // A listing (挂牌督办) sets its own "by when" for what it lists — the
    // county's part, or the task as a whole — earlier or later than the plan's.
    let deadline = state
        .listings
        .iter()
        .find(|l| l.county.as_ref() == county)
        .map_or_else(|| state.deadline(spec.deadline), |l| l.due);
    let closed = state.is_closed();
    let finished = closed || progress.is_achieved();
    Assessment {
        progress,
        rule,
        deadline,
        alert: DeadlineAlert::of(deadline, inputs.today, finished),
        finished,
        closed,
    }
}

fn indicator(goal: &IndicatorGoal, readings: &dyn Readings, area: &AreaCode) -> (Progress, Rule) {
    let mut points = readings.readings(goal, area);
    points.retain(|p| p.value.is_finite());
    points.sort_by_key(|p| p.year);
    let unit = indicators::catalogue::find(&goal.indicator)
        .map(|i| unit_text(i.unit))
        .unwrap_or_default()
        .to_owned();
    let registry_base = points.iter().find(|p| p.year == goal.baseline_year).copied();
    let (base, from_plan) = match (goal.baseline, registry_base) {
        (Some(value), _) => (
            Some(Point {
                year: goal.baseline_year,
                value,
            }),
            true,
        ),
        (None, found) => (found, false),
    };
    let latest = points.last().copied();
    let no = |reason| (Progress::NoData, Rule::NoRatio { reason, latest });
    let Some(base) = base else {
        return no(NoRatio::NoCurrentYear);
    };
    let Some(current) = points.iter().rev().find(|p| p.year > base.year).copied() else {
        return no(NoRatio::NoCurrentYear);
    };
    let target = Point {
        year: goal.target_year,
        value: goal.target,
    };
    match progress::ratio(base, current, target, goal.better) {
        Ok(ratio) => (
            ratio.progress,
            Rule::Ratio {
                ratio,
                baseline_from_plan: from_plan,
                unit,
            },
        ),
        Err(reason) => no(reason),
    }
}

fn unit_text(unit: indicators::catalogue::Unit) -> &'static str {
    use indicators::catalogue::Unit;
    match unit {
        Unit::Percent => "%",
        _ => "",
    }
}

fn count(
    goal: &CountGoal,
    target: f64,
    task: &Task,
    inputs: &Inputs<'_>,
    county: Option<&AreaCode>,
) -> (Progress, Rule) {
    let year = inputs.plan_year;
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(task.spec.deadline);
    let to = task.spec.deadline.max(from);
    let span = (to - from).num_days().max(1) as f64;
    let elapsed = (inputs.today - from).num_days() as f64 / span;
    let done = counted(&goal.counted, inputs, task, county);
    let pace = progress::pace(done, target, elapsed);
    (
        pace.progress,
        Rule::Pace {
            counted: goal.counted.label_zh(),
            unit: goal.counted.unit().to_owned(),
            pace,
            from,
            to,
        },
    )
}

/// What the records count for a count goal in the plan year up to today.
pub fn counted(what: &Counted, inputs: &Inputs<'_>, task: &Task, county: Option<&AreaCode>) -> f64 {
    let year = inputs.plan_year;
    let today = inputs.today;
    let in_year = |d: Option<NaiveDate>| d.is_some_and(|d| d.year() == year && d <= today);
    let projects = inputs
        .projects
        .iter()
        .map(|p| &p.spec)
        .filter(|p: &&ProjectSpec| {
            county.is_none_or(|c| &p.county == c) && what.stage().is_none_or(|s| p.stage == s)
        });
    match what {
        Counted::ProjectsStarted { .. } => projects.filter(|p| in_year(p.actual_start)).count() as f64,
        Counted::ProjectsCompleted { .. } => projects.filter(|p| in_year(p.actual_completion)).count() as f64,
        Counted::SeatsDelivered { .. } => projects
            .filter(|p| in_year(p.in_use))
            .map(|p| f64::from(p.seats))
            .sum(),
        Counted::Reported { .. } => {
            let latest = |c: Option<&AreaCode>| {
                inputs
                    .reports
                    .iter()
                    .filter(|r| r.report.task == task.id && r.status == ReportStatus::Accepted)
                    .filter(|r| r.report.county.as_ref() == c)
                    .max_by_key(|r| (r.report.at, r.id))
                    .and_then(|r| r.report.value)
                    .unwrap_or(0.0)
            };
            match county {
                Some(c) => latest(Some(c)),
                None if task.spec.counties.is_empty() => latest(None),
                None => task.spec.counties.iter().map(|a| latest(Some(&a.county))).sum(),
            }
        }
    }
}

fn milestone_done(task: &Task, reports: &[ProgressReport], county: Option<&AreaCode>) -> bool {
    let done = |c: Option<&AreaCode>| {
        reports.iter().any(|r| {
            r.report.task == task.id
                && r.status == ReportStatus::Accepted
                && !r.report.documents.is_empty()
                && r.report.county.as_ref() == c
        })
    };
    match county {
        Some(c) => done(Some(c)),
        None if task.spec.counties.is_empty() => done(None),
        None => task.spec.counties.iter().all(|a| done(Some(&a.county))),
    }
}

#[cfg(test)]
mod tests;
