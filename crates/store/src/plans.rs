//! Work plans and supervision (`plans`) in the store: plans and their tasks,
//! the append-only history of every task, progress reports with their
//! evidence documents, and construction projects.
//!
//! Every write is one transaction: a plan saved whole, a report with its
//! documents and its `Reported` event, a decision with its event, projects
//! with the seats of those newly put into use added to their schools'
//! capacity (and the registry's revision bumped, so the seat indicators
//! move at once).

use chrono::{DateTime, Utc};
use plans::{
    Decision, DocumentId, DocumentInfo, DocumentKind, Event, EventId, NewEvent, NewReport, Plan, PlanHeader,
    PlanId, PlanSpec, ProgressReport, Project, ProjectId, ProjectSpec, ReportId, Task, TaskId,
};
use registry::{SchoolCode, Stage};

use crate::Result;

/// What saving a plan did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanSaved {
    pub plan: PlanId,
    /// Tasks written for the first time (each with an `Assigned` event).
    pub inserted: usize,
    /// Tasks whose fields changed (each change an `Edited` event with the
    /// old and the new value).
    pub updated: usize,
    pub unchanged: usize,
    /// 序号 of stored tasks the saved plan no longer lists: kept, with
    /// their history — a plan is never shortened by an import.
    pub kept: Vec<String>,
}

/// A document uploaded with a report.
#[derive(Debug, Clone, Copy)]
pub struct NewDocument<'a> {
    pub name: &'a str,
    pub kind: DocumentKind,
    pub bytes: &'a [u8],
}

/// What saving projects did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectsSaved {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Projects put into use by this save: their seats were added to the
    /// school's seats of the stage.
    pub put_in_use: Vec<SeatsAdded>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatsAdded {
    pub project: String,
    pub school: SchoolCode,
    pub stage: Stage,
    pub seats: u32,
}

/// Plans, tasks, their history, reports and projects.
pub trait PlanStore {
    /// Writes a plan in one transaction: a new plan for its city and year,
    /// or the stored one updated — its title, and its tasks matched by 序号
    /// (a task keeps its id and history; each changed field is an `Edited`
    /// event by `actor` with the old and the new value; a new task gets an
    /// `Assigned` event). Stored tasks the plan no longer lists are kept.
    fn save_plan(&mut self, plan: &PlanSpec, actor: &str, at: DateTime<Utc>) -> Result<PlanSaved>;

    /// Every plan, newest year first.
    fn plans(&self) -> Result<Vec<PlanHeader>>;

    /// A plan with its tasks in order.
    fn plan(&self, id: PlanId) -> Result<Option<Plan>>;

    fn task(&self, id: TaskId) -> Result<Option<Task>>;

    /// A task's history, oldest first.
    fn events(&self, task: TaskId) -> Result<Vec<Event>>;

    /// The history of every task of a plan, oldest first.
    fn plan_events(&self, plan: PlanId) -> Result<Vec<Event>>;

    /// Appends `event` if the task's last event is still `after` (`None`:
    /// the task has none) — otherwise `StoreError::Conflict`, and nothing is
    /// written: someone acted in between, and the caller decides again on
    /// the fresh history. An unknown task is `UnknownReference`.
    fn append_event(&mut self, event: &NewEvent, after: Option<EventId>) -> Result<EventId>;

    /// Files a report — or corrects a returned one of the same task, county
    /// and period, keeping its id — with its new documents, and appends its
    /// `Reported` event, in one transaction. A report already awaiting review
    /// or accepted for that task, county and period is `Duplicate`.
    fn file_report(&mut self, report: &NewReport, documents: &[NewDocument<'_>]) -> Result<ReportId>;

    /// Accepts or returns a report awaiting review and appends the
    /// `Accepted` / `Returned` event (old value: the reporter), in one
    /// transaction; a report no longer awaiting review is `Conflict`.
    fn decide_report(
        &mut self,
        id: ReportId,
        decision: &Decision,
        reviewer: &str,
        at: DateTime<Utc>,
    ) -> Result<()>;

    fn report(&self, id: ReportId) -> Result<Option<ProgressReport>>;

    /// A task's reports, oldest first.
    fn reports(&self, task: TaskId) -> Result<Vec<ProgressReport>>;

    /// Every report of a plan, oldest first.
    fn plan_reports(&self, plan: PlanId) -> Result<Vec<ProgressReport>>;

    fn document_info(&self, id: DocumentId) -> Result<Option<DocumentInfo>>;

    /// A document and its bytes.
    fn document(&self, id: DocumentId) -> Result<Option<(DocumentInfo, Vec<u8>)>>;

    /// Writes projects by 项目编号 in one transaction. A project whose
    /// 投入使用 date is set by this save adds its seats to its school's seats
    /// of its stage (the school must serve the stage, else
    /// `UnknownReference`); a stored 投入使用 date never changes (`Conflict`).
    fn save_projects(
        &mut self,
        projects: &[ProjectSpec],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<ProjectsSaved>;

    /// Every project, by 项目编号.
    fn projects(&self) -> Result<Vec<Project>>;

    fn project(&self, id: ProjectId) -> Result<Option<Project>>;

    // For `edugov copy` only: these write records as another database holds
    // them, with their ids, times, actors and statuses, into an empty
    // database — no event is appended, no seat added, no rule checked.

    /// Every document's description, by id (for `edugov copy`).
    fn documents(&self) -> Result<Vec<DocumentInfo>>;

    /// Writes a plan and its tasks with their ids, without events (for
    /// `edugov copy`: the history is restored by [`PlanStore::restore_events`]).
    fn restore_plan(&mut self, plan: &Plan) -> Result<()>;

    /// Writes a document with its id (for `edugov copy`); bytes whose hash
    /// is not `info.sha256` are `Corrupt`.
    fn restore_document(&mut self, info: &DocumentInfo, bytes: &[u8]) -> Result<()>;

    /// Writes a report with its id, status and decision, and its documents'
    /// links (for `edugov copy`).
    fn restore_report(&mut self, report: &ProgressReport) -> Result<()>;

    /// Appends events with their ids, actors and times, in one transaction
    /// (for `edugov copy`).
    fn restore_events(&mut self, events: &[Event]) -> Result<()>;

    /// Writes projects with their ids, in one transaction, adding no seats
    /// (for `edugov copy`: the schools' seats are copied with the registry).
    fn restore_projects(&mut self, projects: &[Project]) -> Result<()>;
}

// ---------------------------------------------------------------------------
// Backend-neutral pieces of `PlanStore`, written once for both backends: the
// measure as columns and back, what saving a plan or projects must do given
// what is stored, the events a report's filing and decision append, the
// documents' limits and hash, and the codes read back.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use plans::{
    Assignment, Better, CountGoal, Counted, EventKind, IndicatorGoal, Measure, ProjectKind, ReportStatus,
    TaskSource, TaskSpec,
};
use registry::AreaCode;
use sha2::{Digest, Sha256};

use crate::StoreError;

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}“{value}”无法识别"))
}

pub(crate) fn stage(code: &str) -> Result<Stage> {
    Stage::from_code(code).ok_or_else(|| corrupt("学段", code))
}

pub(crate) fn area(code: &str) -> Result<AreaCode> {
    AreaCode::parse(code).map_err(|_| corrupt("区划代码", code))
}

pub(crate) fn school(code: &str) -> Result<SchoolCode> {
    SchoolCode::parse(code).map_err(|_| corrupt("学校标识码", code))
}

pub(crate) fn source(code: &str) -> Result<TaskSource> {
    TaskSource::ALL
        .into_iter()
        .find(|s| s.code() == code)
        .ok_or_else(|| corrupt("任务来源", code))
}

pub(crate) fn event_kind(code: &str) -> Result<EventKind> {
    EventKind::parse(code).ok_or_else(|| corrupt("督办事件", code))
}

pub(crate) fn report_status(code: &str) -> Result<ReportStatus> {
    ReportStatus::parse(code).ok_or_else(|| corrupt("报告状态", code))
}

pub(crate) fn document_kind(code: &str) -> Result<DocumentKind> {
    DocumentKind::parse(code).ok_or_else(|| corrupt("材料类型", code))
}

pub(crate) fn project_kind(code: &str) -> Result<ProjectKind> {
    ProjectKind::ALL
        .into_iter()
        .find(|k| k.code() == code)
        .ok_or_else(|| corrupt("项目类型", code))
}

/// 责任（协同）单位 in one column, one per line (a unit's name has no line break).
pub(crate) fn co_units_text(units: &[String]) -> String {
    units
        .iter()
        .map(|u| u.replace('\n', " "))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn co_units(text: &str) -> Vec<String> {
    if text.is_empty() {
        Vec::new()
    } else {
        text.split('\n').map(str::to_owned).collect()
    }
}

/// A task's measure as the columns of `task` (see migration 0009): the
/// kind, then the columns of that kind; the others stay NULL.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct MeasureColumns {
    pub kind: String,
    pub indicator: Option<String>,
    pub stage: Option<String>,
    pub baseline_year: Option<i32>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub target_year: Option<i32>,
    pub better: Option<String>,
    pub counted: Option<String>,
    pub counted_unit: Option<String>,
}

impl MeasureColumns {
    pub(crate) fn of(measure: &Measure) -> MeasureColumns {
        let kind = measure.code().to_owned();
        match measure {
            Measure::Indicator(g) => MeasureColumns {
                kind,
                indicator: Some(g.indicator.clone()),
                stage: g.stage.map(|s| s.code().to_owned()),
                baseline_year: Some(g.baseline_year),
                baseline: g.baseline,
                target: Some(g.target),
                target_year: Some(g.target_year),
                better: Some(g.better.code().to_owned()),
                ..MeasureColumns::default()
            },
            Measure::Count(g) => MeasureColumns {
                kind,
                stage: g.counted.stage().map(|s| s.code().to_owned()),
                target: Some(g.target),
                counted: Some(g.counted.code().to_owned()),
                counted_unit: match &g.counted {
                    Counted::Reported { unit } => Some(unit.clone()),
                    _ => None,
                },
                ..MeasureColumns::default()
            },
            Measure::Milestone => MeasureColumns {
                kind,
                ..MeasureColumns::default()
            },
        }
    }

    pub(crate) fn into_measure(self) -> Result<Measure> {
        let missing = |what: &str| StoreError::Corrupt(format!("任务的考核方式缺少{what}"));
        let stage = self.stage.as_deref().map(stage).transpose()?;
        match self.kind.as_str() {
            "indicator" => Ok(Measure::Indicator(IndicatorGoal {
                indicator: self.indicator.ok_or_else(|| missing("指标"))?,
                stage,
                baseline_year: self.baseline_year.ok_or_else(|| missing("基线年份"))?,
                baseline: self.baseline,
                target: self.target.ok_or_else(|| missing("目标值"))?,
                target_year: self.target_year.ok_or_else(|| missing("目标年份"))?,
                better: self
                    .better
                    .as_deref()
                    .map(|b| Better::parse(b).ok_or_else(|| corrupt("方向", b)))
                    .transpose()?
                    .ok_or_else(|| missing("方向"))?,
            })),
            "count" => {
                let counted = match self.counted.as_deref().ok_or_else(|| missing("计数对象"))? {
                    "projects_started" => Counted::ProjectsStarted { stage },
                    "projects_completed" => Counted::ProjectsCompleted { stage },
                    "seats_delivered" => Counted::SeatsDelivered { stage },
                    "reported" => Counted::Reported {
                        unit: self.counted_unit.ok_or_else(|| missing("单位"))?,
                    },
                    other => return Err(corrupt("计数对象", other)),
                };
                Ok(Measure::Count(CountGoal {
                    counted,
                    target: self.target.ok_or_else(|| missing("目标值"))?,
                }))
            }
            "milestone" => Ok(Measure::Milestone),
            other => Err(corrupt("考核方式", other)),
        }
    }
}

/// A number as a person writes it (90, 92.5).
fn number(value: f64) -> String {
    format!("{value}")
}

/// A measure in words, for an `Edited` event's old and new value.
pub(crate) fn measure_text(measure: &Measure) -> String {
    match measure {
        Measure::Indicator(g) => {
            let stage = g
                .stage
                .map(|s| format!("（{}）", s.label_zh()))
                .unwrap_or_default();
            let baseline = g.baseline.map(number).unwrap_or_else(|| "取登记数据".to_owned());
            let better = match g.better {
                Better::Higher => "越高越好",
                Better::Lower => "越低越好",
            };
            format!(
                "指标 {}{stage}：{} 年基线 {baseline}，{} 年目标 {}，{better}",
                g.indicator,
                g.baseline_year,
                g.target_year,
                number(g.target)
            )
        }
        Measure::Count(g) => format!("计数 {}：目标 {}", g.counted.label_zh(), number(g.target)),
        Measure::Milestone => "节点".to_owned(),
    }
}

/// The counties and their shares in words (`370112（12）、370113`).
pub(crate) fn counties_text(counties: &[Assignment]) -> String {
    counties
        .iter()
        .map(|a| match a.share {
            Some(share) => format!("{}（{}）", a.county, number(share)),
            None => a.county.as_str().to_owned(),
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// One changed field of a task: an `Edited` event (note: the field's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldChange {
    pub field: &'static str,
    pub old: String,
    pub new: String,
}

/// The fields that differ between a stored task and its new spec, in the
/// order of the 任务分解表. The order within the plan is not a field: moving
/// a task updates it without an event.
pub(crate) fn task_changes(
    old: &TaskSpec,
    old_section: &str,
    new: &TaskSpec,
    new_section: &str,
) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut field = |field: &'static str, old: String, new: String| {
        if old != new {
            out.push(FieldChange { field, old, new });
        }
    };
    field("所属部分", old_section.to_owned(), new_section.to_owned());
    field("目标与任务", old.text.clone(), new.text.clone());
    field(
        "来源",
        old.source.label_zh().to_owned(),
        new.source.label_zh().to_owned(),
    );
    field("分管领导", old.leader.clone(), new.leader.clone());
    field("牵头单位", old.lead_unit.clone(), new.lead_unit.clone());
    field("责任单位", old.co_units.join("、"), new.co_units.join("、"));
    field("完成时限", old.deadline.to_string(), new.deadline.to_string());
    if old.measure != new.measure {
        // Two measures may read alike (a baseline of 90 and 90.0): the
        // event is written whenever they differ.
        out.push(FieldChange {
            field: "考核方式",
            old: measure_text(&old.measure),
            new: measure_text(&new.measure),
        });
    }
    if old.counties != new.counties {
        out.push(FieldChange {
            field: "责任县区",
            old: counties_text(&old.counties),
            new: counties_text(&new.counties),
        });
    }
    out
}

/// How a task's or a project's row is written: a new row numbered by the
/// database, a stored row updated, or a row restored with its id (by
/// `edugov copy`, into an empty database: an id already taken fails, never
/// overwrites).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowWrite<I> {
    New,
    Update(I),
    Restore(I),
}

impl<I: Copy> RowWrite<I> {
    pub(crate) fn id(self) -> Option<I> {
        match self {
            RowWrite::New => None,
            RowWrite::Update(id) | RowWrite::Restore(id) => Some(id),
        }
    }

    /// The clause that turns the insert into an update of the stored row.
    pub(crate) fn upsert(self, set: &str) -> String {
        match self {
            RowWrite::Update(_) => format!(" ON CONFLICT (id) DO UPDATE SET {set}"),
            RowWrite::New | RowWrite::Restore(_) => String::new(),
        }
    }
}

/// The columns a task's update sets.
pub(crate) const TASK_UPDATE: &str = "position = excluded.position, section = excluded.section, \
     text = excluded.text, source = excluded.source, leader = excluded.leader, \
     lead_unit = excluded.lead_unit, co_units = excluded.co_units, deadline = excluded.deadline, \
     measure = excluded.measure, indicator = excluded.indicator, stage = excluded.stage, \
     baseline_year = excluded.baseline_year, baseline = excluded.baseline, target = excluded.target, \
     target_year = excluded.target_year, better = excluded.better, counted = excluded.counted, \
     counted_unit = excluded.counted_unit";

/// The columns a project's update sets.
pub(crate) const PROJECT_UPDATE: &str = "code = excluded.code, name = excluded.name, kind = excluded.kind, \
     school = excluded.school, planned_school = excluded.planned_school, site = excluded.site, \
     county = excluded.county, stage = excluded.stage, seats = excluded.seats, \
     floor_area = excluded.floor_area, investment = excluded.investment, \
     planned_start = excluded.planned_start, actual_start = excluded.actual_start, \
     planned_completion = excluded.planned_completion, actual_completion = excluded.actual_completion, \
     in_use = excluded.in_use";

/// What saving a plan writes, worked out from its stored tasks.
#[derive(Debug)]
pub(crate) enum TaskWrite<'a> {
    Insert {
        position: u32,
        section: &'a str,
        spec: &'a TaskSpec,
    },
    Update {
        id: TaskId,
        position: u32,
        section: &'a str,
        spec: &'a TaskSpec,
        changes: Vec<FieldChange>,
        /// Whether the counties changed (their rows are written again).
        counties: bool,
    },
}

/// What saving a plan writes: its tasks, the new positions of the stored
/// tasks it no longer lists, and the counts (its `plan` id is the caller's).
pub(crate) struct PlanWrites<'a> {
    pub tasks: Vec<TaskWrite<'a>>,
    pub kept: Vec<(TaskId, u32)>,
    pub saved: PlanSaved,
}

/// The writes of saving `plan` over its `stored` tasks (those of the same
/// city and year), and the stored tasks it no longer lists: those keep
/// their rows and history, after the listed ones. A 序号 twice in the plan
/// is `Duplicate`, before anything is written.
pub(crate) fn plan_writes<'a>(plan: &'a PlanSpec, stored: &[Task]) -> Result<PlanWrites<'a>> {
    let mut seen = HashSet::new();
    for (_, t) in plan.tasks() {
        if !seen.insert(t.seq.as_str()) {
            return Err(StoreError::Duplicate(format!("工作要点中的序号 {}", t.seq)));
        }
    }
    let by_seq: HashMap<&str, &Task> = stored.iter().map(|t| (t.spec.seq.as_str(), t)).collect();
    let mut saved = PlanSaved::default();
    let mut writes = Vec::new();
    let mut position = 0u32;
    for (section, spec) in plan.tasks() {
        match by_seq.get(spec.seq.as_str()) {
            None => {
                saved.inserted += 1;
                writes.push(TaskWrite::Insert {
                    position,
                    section,
                    spec,
                });
            }
            Some(old) => {
                let changes = task_changes(&old.spec, &old.section, spec, section);
                if changes.is_empty() {
                    saved.unchanged += 1;
                } else {
                    saved.updated += 1;
                }
                if !changes.is_empty() || old.position != position {
                    writes.push(TaskWrite::Update {
                        id: old.id,
                        position,
                        section,
                        spec,
                        counties: old.spec.counties != spec.counties,
                        changes,
                    });
                }
            }
        }
        position += 1;
    }
    let mut kept_positions = Vec::new();
    let mut kept: Vec<&Task> = stored
        .iter()
        .filter(|t| !seen.contains(t.spec.seq.as_str()))
        .collect();
    kept.sort_by_key(|t| (t.position, t.id));
    for t in kept {
        saved.kept.push(t.spec.seq.clone());
        if t.position != position {
            kept_positions.push((t.id, position));
        }
        position += 1;
    }
    Ok(PlanWrites {
        tasks: writes,
        kept: kept_positions,
        saved,
    })
}

/// The `Assigned` event of a task written for the first time.
pub(crate) fn assigned_event(task: TaskId, spec: &TaskSpec, actor: &str, at: DateTime<Utc>) -> NewEvent {
    NewEvent {
        task,
        county: None,
        kind: EventKind::Assigned,
        actor: actor.to_owned(),
        at,
        old_value: None,
        new_value: Some(spec.lead_unit.clone()),
        note: String::new(),
        due: Some(spec.deadline),
        report: None,
    }
}

/// The `Edited` event of one changed field.
pub(crate) fn edited_event(task: TaskId, change: &FieldChange, actor: &str, at: DateTime<Utc>) -> NewEvent {
    NewEvent {
        task,
        county: None,
        kind: EventKind::Edited,
        actor: actor.to_owned(),
        at,
        old_value: Some(change.old.clone()),
        new_value: Some(change.new.clone()),
        note: change.field.to_owned(),
        due: None,
        report: None,
    }
}

/// The audit detail of a saved plan (no personal data: counts and 序号).
pub(crate) fn plan_audit_detail(plan: &PlanSpec, saved: &PlanSaved) -> String {
    let mut detail = format!(
        "工作要点 {} {} 年（编号 {}）：新增任务 {}，修改 {}，未变 {}",
        plan.city, plan.year, saved.plan, saved.inserted, saved.updated, saved.unchanged
    );
    if !saved.kept.is_empty() {
        detail.push_str(&format!("，保留未列出的 {} 项", saved.kept.len()));
    }
    detail
}

/// How a report is filed, given the stored report of its task, county and
/// period (its id and status) if any: a new row, a returned one corrected
/// in place, or `Duplicate`.
pub(crate) fn filing(existing: Option<(ReportId, ReportStatus)>) -> Result<Option<ReportId>> {
    match existing {
        None => Ok(None),
        Some((id, ReportStatus::Returned)) => Ok(Some(id)),
        Some((_, status)) => Err(StoreError::Duplicate(format!(
            "该任务本期的进展报告（{}）",
            status.label_zh()
        ))),
    }
}

/// The `Reported` event of a report filed or corrected (new value: the period).
pub(crate) fn reported_event(report: &NewReport, id: ReportId) -> NewEvent {
    NewEvent {
        task: report.task,
        county: report.county.clone(),
        kind: EventKind::Reported,
        actor: report.reporter.clone(),
        at: report.at,
        old_value: None,
        new_value: Some(report.period.clone()),
        note: String::new(),
        due: None,
        report: Some(id),
    }
}

/// Checks a stored report is still awaiting review.
pub(crate) fn check_pending(status: ReportStatus) -> Result<()> {
    if status == ReportStatus::Submitted {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!(
            "该报告已{}，不能再审核",
            status.label_zh()
        )))
    }
}

/// The status, reason and event of a decision on a report (old value: the
/// reporter, so the supervision state knows who reported what was accepted).
pub(crate) fn decision_event(
    report: &ProgressReport,
    decision: &Decision,
    reviewer: &str,
    at: DateTime<Utc>,
) -> (ReportStatus, Option<String>, NewEvent) {
    let (status, kind, reason) = match decision {
        Decision::Accept => (ReportStatus::Accepted, EventKind::Accepted, None),
        Decision::Return { reason } => (ReportStatus::Returned, EventKind::Returned, Some(reason.clone())),
    };
    let event = NewEvent {
        task: report.report.task,
        county: report.report.county.clone(),
        kind,
        actor: reviewer.to_owned(),
        at,
        old_value: Some(report.report.reporter.clone()),
        new_value: None,
        note: reason.clone().unwrap_or_default(),
        due: None,
        report: Some(report.id),
    };
    (status, reason, event)
}

/// The error of a task's history having moved on.
pub(crate) fn history_moved() -> StoreError {
    StoreError::Conflict("该任务的办理记录已被他人更新，请刷新后重新办理".to_owned())
}

/// Refuses a document over [`plans::report::MAX_DOCUMENT_BYTES`], before
/// anything is written; gives its lowercase hex sha256.
pub(crate) fn check_document(document: &NewDocument<'_>) -> Result<String> {
    if document.bytes.len() > plans::report::MAX_DOCUMENT_BYTES {
        return Err(StoreError::DocumentTooLarge {
            name: document.name.to_owned(),
            size: document.bytes.len() as u64,
        });
    }
    Ok(sha256_hex(document.bytes))
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// What saving one project writes.
#[derive(Debug, PartialEq)]
pub(crate) enum ProjectWrite {
    Insert,
    Update(ProjectId),
    Unchanged,
}

/// How a project is written given the stored one of its 项目编号: a stored
/// 投入使用 date never changes (`Conflict`); the seats are added when the
/// date is set by this write (the second value).
pub(crate) fn project_write(spec: &ProjectSpec, stored: Option<&Project>) -> Result<(ProjectWrite, bool)> {
    match stored {
        None => Ok((ProjectWrite::Insert, spec.in_use.is_some())),
        Some(old) => {
            if let Some(in_use) = old.spec.in_use {
                if spec.in_use != Some(in_use) {
                    return Err(StoreError::Conflict(format!(
                        "项目 {}：{}",
                        spec.code,
                        plans::project::ProjectError::InUseFixed(in_use)
                    )));
                }
            }
            if &old.spec == spec {
                Ok((ProjectWrite::Unchanged, false))
            } else {
                Ok((
                    ProjectWrite::Update(old.id),
                    old.spec.in_use.is_none() && spec.in_use.is_some(),
                ))
            }
        }
    }
}

/// Projects must have distinct 项目编号 within one save.
pub(crate) fn check_project_codes(projects: &[ProjectSpec]) -> Result<()> {
    let mut seen = HashSet::new();
    for p in projects {
        if !seen.insert(p.code.as_str()) {
            return Err(StoreError::Duplicate(format!("项目编号 {}", p.code)));
        }
    }
    Ok(())
}

/// The error of a project put into use without a school serving its stage.
pub(crate) fn no_school_stage(project: &ProjectSpec) -> StoreError {
    match &project.school {
        None => StoreError::UnknownReference(format!(
            "项目 {} 投入使用，须填写学校标识码，其学位才能计入学校",
            project.code
        )),
        Some(school) => StoreError::UnknownReference(format!(
            "项目 {} 的学校 {school} 没有{}学段，学位无法计入",
            project.code,
            project.stage.label_zh()
        )),
    }
}

/// The audit detail of saved projects (codes and counts only).
pub(crate) fn projects_audit_detail(saved: &ProjectsSaved) -> String {
    let mut detail = format!(
        "建设项目：新增 {}，修改 {}，未变 {}",
        saved.inserted, saved.updated, saved.unchanged
    );
    if !saved.put_in_use.is_empty() {
        let seats: u64 = saved.put_in_use.iter().map(|s| u64::from(s.seats)).sum();
        let codes: Vec<&str> = saved
            .put_in_use
            .iter()
            .take(20)
            .map(|s| s.project.as_str())
            .collect();
        detail.push_str(&format!(
            "；投入使用 {} 个（{}），学位 {seats} 个计入学校",
            saved.put_in_use.len(),
            codes.join("、")
        ));
    }
    detail
}

/// A date column of SQLite (`YYYY-MM-DD`).
pub(crate) fn date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| corrupt("日期", text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plans::{ProjectKind, TaskSource};

    fn spec(seq: &str, measure: Measure) -> TaskSpec {
        TaskSpec {
            seq: seq.into(),
            text: "任务".into(),
            source: TaskSource::AnnualPriority,
            leader: "王".into(),
            lead_unit: "基教处".into(),
            co_units: vec![],
            deadline: NaiveDate::from_ymd_opt(2026, 12, 31).expect("date"),
            measure,
            counties: vec![],
        }
    }

    #[test]
    fn a_measure_read_back_from_inconsistent_columns_is_corrupt_not_a_panic() {
        let mut columns = MeasureColumns::of(&Measure::Count(CountGoal {
            counted: Counted::Reported { unit: "所".into() },
            target: 3.0,
        }));
        assert!(columns.clone().into_measure().is_ok());
        columns.counted_unit = None;
        assert!(matches!(columns.into_measure(), Err(StoreError::Corrupt(_))));
        let unknown = MeasureColumns {
            kind: "guess".into(),
            ..MeasureColumns::default()
        };
        assert!(matches!(unknown.into_measure(), Err(StoreError::Corrupt(_))));
        let bad_stage = MeasureColumns {
            stage: Some("nursery".into()),
            ..MeasureColumns::of(&Measure::Milestone)
        };
        assert!(matches!(bad_stage.into_measure(), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn co_units_round_trip_through_their_column_including_none() {
        for units in [vec![], vec!["财务处".to_owned()], vec!["a".into(), "b".into()]] {
            assert_eq!(co_units(&co_units_text(&units)), units);
        }
    }

    #[test]
    fn only_changed_fields_are_edits_and_moving_a_task_is_not_one() {
        let old = spec("1", Measure::Milestone);
        assert!(task_changes(&old, "一", &old, "一").is_empty());
        let mut new = old.clone();
        new.lead_unit = "发展规划处".into();
        new.co_units = vec!["财务处".into()];
        let changes = task_changes(&old, "一", &new, "二");
        let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["所属部分", "牵头单位", "责任单位"]);
        assert_eq!(
            (changes[1].old.as_str(), changes[1].new.as_str()),
            ("基教处", "发展规划处")
        );
    }

    #[test]
    fn a_seq_twice_in_a_plan_is_refused_before_anything_is_planned() {
        let plan = PlanSpec {
            city: AreaCode::parse("3701").expect("city"),
            year: 2026,
            title: "要点".into(),
            sections: vec![plans::SectionSpec {
                title: "一".into(),
                tasks: vec![spec("1", Measure::Milestone), spec("1", Measure::Milestone)],
            }],
        };
        assert!(matches!(plan_writes(&plan, &[]), Err(StoreError::Duplicate(_))));
    }

    #[test]
    fn a_project_adds_its_seats_only_when_its_in_use_date_is_first_set() {
        let day = NaiveDate::from_ymd_opt(2026, 9, 1).expect("date");
        let spec = ProjectSpec {
            code: "P1".into(),
            name: "项目".into(),
            kind: ProjectKind::New,
            school: None,
            planned_school: Some("新校".into()),
            site: None,
            county: AreaCode::parse("370102").expect("county"),
            stage: Stage::Primary,
            seats: 100,
            floor_area: 1.0,
            investment: 1.0,
            planned_start: None,
            actual_start: None,
            planned_completion: None,
            actual_completion: None,
            in_use: None,
        };
        let stored = Project {
            id: ProjectId(7),
            spec: spec.clone(),
        };
        assert_eq!(
            project_write(&spec, None).expect("new"),
            (ProjectWrite::Insert, false)
        );
        assert_eq!(
            project_write(&spec, Some(&stored)).expect("same"),
            (ProjectWrite::Unchanged, false)
        );
        let in_use = ProjectSpec {
            in_use: Some(day),
            ..spec.clone()
        };
        assert_eq!(
            project_write(&in_use, Some(&stored)).expect("put in use"),
            (ProjectWrite::Update(ProjectId(7)), true)
        );
        let used = Project {
            id: ProjectId(7),
            spec: in_use.clone(),
        };
        assert_eq!(
            project_write(&in_use, Some(&used)).expect("again"),
            (ProjectWrite::Unchanged, false)
        );
        assert!(matches!(
            project_write(&spec, Some(&used)),
            Err(StoreError::Conflict(_))
        ));
    }
}
