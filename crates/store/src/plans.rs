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
}
