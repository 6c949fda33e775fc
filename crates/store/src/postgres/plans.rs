//! `PlanStore` on PostgreSQL — not yet written in this commit: every
//! method answers that it is not implemented (the SQLite backend is).

use chrono::{DateTime, Utc};
use plans::{
    Decision, DocumentId, DocumentInfo, Event, EventId, NewEvent, NewReport, Plan, PlanHeader, PlanId,
    PlanSpec, ProgressReport, Project, ProjectId, ProjectSpec, ReportId, Task, TaskId,
};

use super::PgStore;
use crate::plans::{NewDocument, PlanSaved, ProjectsSaved};
use crate::{PlanStore, Result, StoreError};

fn not_yet() -> StoreError {
    StoreError::Backend("尚未实现".to_owned())
}

impl PlanStore for PgStore {
    fn save_plan(&mut self, _plan: &PlanSpec, _actor: &str, _at: DateTime<Utc>) -> Result<PlanSaved> {
        Err(not_yet())
    }

    fn plans(&self) -> Result<Vec<PlanHeader>> {
        Err(not_yet())
    }

    fn plan(&self, _id: PlanId) -> Result<Option<Plan>> {
        Err(not_yet())
    }

    fn task(&self, _id: TaskId) -> Result<Option<Task>> {
        Err(not_yet())
    }

    fn events(&self, _task: TaskId) -> Result<Vec<Event>> {
        Err(not_yet())
    }

    fn plan_events(&self, _plan: PlanId) -> Result<Vec<Event>> {
        Err(not_yet())
    }

    fn append_event(&mut self, _event: &NewEvent, _after: Option<EventId>) -> Result<EventId> {
        Err(not_yet())
    }

    fn file_report(&mut self, _report: &NewReport, _documents: &[NewDocument<'_>]) -> Result<ReportId> {
        Err(not_yet())
    }

    fn decide_report(
        &mut self,
        _id: ReportId,
        _decision: &Decision,
        _reviewer: &str,
        _at: DateTime<Utc>,
    ) -> Result<()> {
        Err(not_yet())
    }

    fn report(&self, _id: ReportId) -> Result<Option<ProgressReport>> {
        Err(not_yet())
    }

    fn reports(&self, _task: TaskId) -> Result<Vec<ProgressReport>> {
        Err(not_yet())
    }

    fn plan_reports(&self, _plan: PlanId) -> Result<Vec<ProgressReport>> {
        Err(not_yet())
    }

    fn document_info(&self, _id: DocumentId) -> Result<Option<DocumentInfo>> {
        Err(not_yet())
    }

    fn document(&self, _id: DocumentId) -> Result<Option<(DocumentInfo, Vec<u8>)>> {
        Err(not_yet())
    }

    fn save_projects(
        &mut self,
        _projects: &[ProjectSpec],
        _actor: &str,
        _at: DateTime<Utc>,
    ) -> Result<ProjectsSaved> {
        Err(not_yet())
    }

    fn projects(&self) -> Result<Vec<Project>> {
        Err(not_yet())
    }

    fn project(&self, _id: ProjectId) -> Result<Option<Project>> {
        Err(not_yet())
    }

    fn documents(&self) -> Result<Vec<DocumentInfo>> {
        Err(not_yet())
    }

    fn restore_plan(&mut self, _plan: &Plan) -> Result<()> {
        Err(not_yet())
    }

    fn restore_document(&mut self, _info: &DocumentInfo, _bytes: &[u8]) -> Result<()> {
        Err(not_yet())
    }

    fn restore_report(&mut self, _report: &ProgressReport) -> Result<()> {
        Err(not_yet())
    }

    fn restore_events(&mut self, _events: &[Event]) -> Result<()> {
        Err(not_yet())
    }

    fn restore_projects(&mut self, _projects: &[Project]) -> Result<()> {
        Err(not_yet())
    }
}
