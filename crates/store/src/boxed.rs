//! A boxed store is a store: `Box<dyn Store>` (what [`crate::open`] returns)
//! passes wherever a domain trait is asked for, without `&*store` at every
//! call. Each method forwards to the box's content.

use chrono::{DateTime, Utc};
use registry::{
    Area, Births, Class, Enrolment, IdNumber, Population, School, SchoolCode, SchoolFacility, SchoolYear,
    Student, Teacher, TeachingPost,
};

use crate::accounts::*;
use crate::plans::{NewDocument, PlanSaved, ProjectsSaved};
use crate::*;

impl<T: RegistryWrite + ?Sized> RegistryWrite for Box<T> {
    fn apply(
        &mut self,
        changes: &ChangeSet,
        options: ApplyOptions<'_>,
        progress: Progress<'_>,
    ) -> Result<ApplyOutcome> {
        (**self).apply(changes, options, progress)
    }

    fn apply_with_transfers(
        &mut self,
        changes: &ChangeSet,
        options: ApplyOptions,
        transfers: &[NewTransfer],
        progress: Progress<'_>,
    ) -> Result<ApplyOutcome> {
        (**self).apply_with_transfers(changes, options, transfers, progress)
    }

    fn clear_registry(&mut self) -> Result<()> {
        (**self).clear_registry()
    }

    fn decide_transfer(
        &mut self,
        id: i64,
        decision: &TransferDecision,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<DecideOutcome> {
        (**self).decide_transfer(id, decision, actor, at)
    }

    fn restore_transfer(&mut self, request: &TransferRequest) -> Result<i64> {
        (**self).restore_transfer(request)
    }
}

impl<T: RegistryRead + ?Sized> RegistryRead for Box<T> {
    fn holds_demo_city(&self) -> Result<bool> {
        (**self).holds_demo_city()
    }

    fn lookup(&self) -> Result<Lookup> {
        (**self).lookup()
    }

    fn school_years(&self) -> Result<Vec<SchoolYear>> {
        (**self).school_years()
    }

    fn area(&self, code: &str) -> Result<Option<Area>> {
        (**self).area(code)
    }

    fn child_areas(&self, code: &str) -> Result<Vec<Area>> {
        (**self).child_areas(code)
    }

    fn schools(&self) -> Result<Vec<School>> {
        (**self).schools()
    }

    fn facilities(&self, year: SchoolYear) -> Result<Vec<SchoolFacility>> {
        (**self).facilities(year)
    }

    fn classes(&self, year: SchoolYear) -> Result<Vec<Class>> {
        (**self).classes(year)
    }

    fn for_each_student(&self, year: SchoolYear, visit: &mut dyn FnMut(Student, Enrolment)) -> Result<()> {
        (**self).for_each_student(year, visit)
    }

    fn teachers(&self, year: SchoolYear) -> Result<Vec<(Teacher, TeachingPost)>> {
        (**self).teachers(year)
    }

    fn population(&self, year: SchoolYear) -> Result<Vec<Population>> {
        (**self).population(year)
    }

    fn births(&self) -> Result<Vec<Births>> {
        (**self).births()
    }

    fn school(&self, code: &SchoolCode) -> Result<Option<School>> {
        (**self).school(code)
    }

    fn school_classes(&self, school: &SchoolCode, year: SchoolYear) -> Result<Vec<Class>> {
        (**self).school_classes(school, year)
    }

    fn school_teachers(&self, school: &SchoolCode, year: SchoolYear) -> Result<Vec<(Teacher, TeachingPost)>> {
        (**self).school_teachers(school, year)
    }

    fn school_students(
        &self,
        school: &SchoolCode,
        year: SchoolYear,
        search: Option<&str>,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<(Student, Enrolment)>> {
        (**self).school_students(school, year, search, offset, limit)
    }

    fn school_student_count(
        &self,
        school: &SchoolCode,
        year: SchoolYear,
        search: Option<&str>,
    ) -> Result<u64> {
        (**self).school_student_count(school, year, search)
    }

    fn latest_placements(&self, kind: PersonKind, people: &[&IdNumber]) -> Result<Vec<Option<Placement>>> {
        (**self).latest_placements(kind, people)
    }

    fn placements_in_year(
        &self,
        kind: PersonKind,
        people: &[(SchoolYear, &IdNumber)],
    ) -> Result<Vec<Option<Placement>>> {
        (**self).placements_in_year(kind, people)
    }

    fn transfers(&self, query: &TransferQuery) -> Result<Vec<TransferRequest>> {
        (**self).transfers(query)
    }

    fn transfer(&self, id: i64) -> Result<Option<TransferRequest>> {
        (**self).transfer(id)
    }

    fn pending_transfers_by(&self, username: &str) -> Result<u64> {
        (**self).pending_transfers_by(username)
    }

    fn summary(&self, year: SchoolYear) -> Result<Vec<SummaryRow>> {
        (**self).summary(year)
    }
}

impl<T: Snapshots + ?Sized> Snapshots for Box<T> {
    fn year_snapshot(&self, year: SchoolYear) -> Result<registry::snapshot::YearSnapshot> {
        (**self).year_snapshot(year)
    }

    fn registry_revision(&self) -> Result<i64> {
        (**self).registry_revision()
    }
}

impl<T: Maintenance + ?Sized> Maintenance for Box<T> {
    fn backend(&self) -> Backend {
        (**self).backend()
    }

    fn schema_version(&self) -> Result<i64> {
        (**self).schema_version()
    }

    fn row_counts(&self) -> Result<Vec<(String, u64)>> {
        (**self).row_counts()
    }

    fn backup(&mut self, to: &std::path::Path) -> Result<()> {
        (**self).backup(to)
    }
}

impl<T: AccountStore + ?Sized> AccountStore for Box<T> {
    fn create_user(&mut self, user: &NewUserRecord<'_>) -> Result<i64> {
        (**self).create_user(user)
    }

    fn restore_user(&mut self, user: &UserRecord) -> Result<i64> {
        (**self).restore_user(user)
    }

    fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>> {
        (**self).user_by_name(username)
    }

    fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>> {
        (**self).user_by_id(id)
    }

    fn users(&self) -> Result<Vec<UserRecord>> {
        (**self).users()
    }

    fn set_password_hash(&mut self, user_id: i64, password_hash: &str, at: DateTime<Utc>) -> Result<bool> {
        (**self).set_password_hash(user_id, password_hash, at)
    }

    fn set_active(&mut self, user_id: i64, active: bool, at: DateTime<Utc>) -> Result<bool> {
        (**self).set_active(user_id, active, at)
    }

    fn create_session(&mut self, session: &NewSession<'_>) -> Result<()> {
        (**self).create_session(session)
    }

    fn session(&self, token_hash: &TokenHash, now: DateTime<Utc>) -> Result<Option<SessionRecord>> {
        (**self).session(token_hash, now)
    }

    fn touch_session(&mut self, token_hash: &TokenHash, now: DateTime<Utc>) -> Result<()> {
        (**self).touch_session(token_hash, now)
    }

    fn delete_session(&mut self, token_hash: &TokenHash) -> Result<bool> {
        (**self).delete_session(token_hash)
    }

    fn delete_user_sessions(&mut self, user_id: i64) -> Result<u64> {
        (**self).delete_user_sessions(user_id)
    }

    fn delete_expired_sessions(
        &mut self,
        now: DateTime<Utc>,
        idle_since: Option<DateTime<Utc>>,
    ) -> Result<u64> {
        (**self).delete_expired_sessions(now, idle_since)
    }

    fn record_login_failure(&mut self, username: &str, client: &str, at: DateTime<Utc>) -> Result<()> {
        (**self).record_login_failure(username, client, at)
    }

    fn login_failures(&self, username: &str, client: &str, since: DateTime<Utc>) -> Result<LoginFailures> {
        (**self).login_failures(username, client, since)
    }

    fn clear_login_failures(&mut self, username: &str, client: &str) -> Result<()> {
        (**self).clear_login_failures(username, client)
    }

    fn prune_login_failures(&mut self, before: DateTime<Utc>) -> Result<u64> {
        (**self).prune_login_failures(before)
    }

    fn audit(&mut self, actor: &str, action: crate::AuditAction, detail: &str) -> Result<()> {
        (**self).audit(actor, action, detail)
    }

    fn record_audit(
        &mut self,
        at: DateTime<Utc>,
        actor: &str,
        action: crate::AuditAction,
        detail: &str,
    ) -> Result<()> {
        (**self).record_audit(at, actor, action, detail)
    }

    fn audit_log(&self, query: &AuditQuery<'_>) -> Result<AuditPage> {
        (**self).audit_log(query)
    }
}

impl<T: PlanStore + ?Sized> PlanStore for Box<T> {
    fn save_plan(&mut self, plan: &::plans::PlanSpec, actor: &str, at: DateTime<Utc>) -> Result<PlanSaved> {
        (**self).save_plan(plan, actor, at)
    }

    fn plans(&self) -> Result<Vec<::plans::PlanHeader>> {
        (**self).plans()
    }

    fn plan(&self, id: ::plans::PlanId) -> Result<Option<::plans::Plan>> {
        (**self).plan(id)
    }

    fn task(&self, id: ::plans::TaskId) -> Result<Option<::plans::Task>> {
        (**self).task(id)
    }

    fn events(&self, task: ::plans::TaskId) -> Result<Vec<::plans::Event>> {
        (**self).events(task)
    }

    fn plan_events(&self, plan: ::plans::PlanId) -> Result<Vec<::plans::Event>> {
        (**self).plan_events(plan)
    }

    fn append_event(
        &mut self,
        event: &::plans::NewEvent,
        after: Option<::plans::EventId>,
    ) -> Result<::plans::EventId> {
        (**self).append_event(event, after)
    }

    fn file_report(
        &mut self,
        report: &::plans::NewReport,
        documents: &[NewDocument<'_>],
    ) -> Result<::plans::ReportId> {
        (**self).file_report(report, documents)
    }

    fn decide_report(
        &mut self,
        id: ::plans::ReportId,
        decision: &::plans::Decision,
        reviewer: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        (**self).decide_report(id, decision, reviewer, at)
    }

    fn report(&self, id: ::plans::ReportId) -> Result<Option<::plans::ProgressReport>> {
        (**self).report(id)
    }

    fn reports(&self, task: ::plans::TaskId) -> Result<Vec<::plans::ProgressReport>> {
        (**self).reports(task)
    }

    fn plan_reports(&self, plan: ::plans::PlanId) -> Result<Vec<::plans::ProgressReport>> {
        (**self).plan_reports(plan)
    }

    fn document_info(&self, id: ::plans::DocumentId) -> Result<Option<::plans::DocumentInfo>> {
        (**self).document_info(id)
    }

    fn document(&self, id: ::plans::DocumentId) -> Result<Option<(::plans::DocumentInfo, Vec<u8>)>> {
        (**self).document(id)
    }

    fn save_projects(
        &mut self,
        projects: &[::plans::ProjectSpec],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<ProjectsSaved> {
        (**self).save_projects(projects, actor, at)
    }

    fn projects(&self) -> Result<Vec<::plans::Project>> {
        (**self).projects()
    }

    fn project(&self, id: ::plans::ProjectId) -> Result<Option<::plans::Project>> {
        (**self).project(id)
    }

    fn documents(&self) -> Result<Vec<::plans::DocumentInfo>> {
        (**self).documents()
    }

    fn restore_plan(&mut self, plan: &::plans::Plan) -> Result<()> {
        (**self).restore_plan(plan)
    }

    fn restore_document(&mut self, info: &::plans::DocumentInfo, bytes: &[u8]) -> Result<()> {
        (**self).restore_document(info, bytes)
    }

    fn restore_report(&mut self, report: &::plans::ProgressReport) -> Result<()> {
        (**self).restore_report(report)
    }

    fn restore_events(&mut self, events: &[::plans::Event]) -> Result<()> {
        (**self).restore_events(events)
    }

    fn restore_projects(&mut self, projects: &[::plans::Project]) -> Result<()> {
        (**self).restore_projects(projects)
    }
}

impl<T: ForecastStore + ?Sized> ForecastStore for Box<T> {
    fn forecast_history(&self, as_of: chrono::NaiveDate) -> Result<::forecast::History> {
        (**self).forecast_history(as_of)
    }

    fn save_forecast_run(&mut self, run: &::forecast::Run, actor: &str) -> Result<ForecastRunId> {
        (**self).save_forecast_run(run, actor)
    }

    fn forecast_runs(&self) -> Result<Vec<ForecastRunSummary>> {
        (**self).forecast_runs()
    }

    fn forecast_run(&self, id: ForecastRunId) -> Result<Option<::forecast::Run>> {
        (**self).forecast_run(id)
    }

    fn restore_forecast_run(&mut self, id: ForecastRunId, run: &::forecast::Run) -> Result<()> {
        (**self).restore_forecast_run(id, run)
    }
}

impl<T: AdmissionStore + ?Sized> AdmissionStore for Box<T> {
    fn save_admission_inputs(
        &mut self,
        inputs: &::admission::Inputs,
        label: &str,
        previous: Option<AdmissionInputsId>,
        actor: &str,
        at: chrono::NaiveDateTime,
    ) -> Result<AdmissionInputsId> {
        (**self).save_admission_inputs(inputs, label, previous, actor, at)
    }

    fn admission_inputs_list(&self) -> Result<Vec<crate::admission::AdmissionInputsSummary>> {
        (**self).admission_inputs_list()
    }

    fn admission_inputs(&self, id: AdmissionInputsId) -> Result<Option<::admission::Inputs>> {
        (**self).admission_inputs(id)
    }

    fn sign_off_admission(
        &mut self,
        inputs: AdmissionInputsId,
        school: &registry::SchoolCode,
        note: &str,
        actor: &str,
        at: chrono::NaiveDateTime,
    ) -> Result<()> {
        (**self).sign_off_admission(inputs, school, note, actor, at)
    }

    fn admission_sign_offs(
        &self,
        inputs: AdmissionInputsId,
    ) -> Result<Vec<crate::admission::AdmissionSignOff>> {
        (**self).admission_sign_offs(inputs)
    }

    fn save_admission_run(
        &mut self,
        inputs: AdmissionInputsId,
        label: &str,
        previous: Option<AdmissionRunId>,
        policy: &::admission::Policy,
        outcome: &::admission::Outcome,
        actor: &str,
        at: chrono::NaiveDateTime,
    ) -> Result<AdmissionRunId> {
        (**self).save_admission_run(inputs, label, previous, policy, outcome, actor, at)
    }

    fn admission_runs(&self) -> Result<Vec<crate::admission::AdmissionRunSummary>> {
        (**self).admission_runs()
    }

    fn admission_run(&self, id: AdmissionRunId) -> Result<Option<crate::admission::AdmissionRun>> {
        (**self).admission_run(id)
    }

    fn restore_admission_inputs(
        &mut self,
        summary: &crate::admission::AdmissionInputsSummary,
        inputs: &::admission::Inputs,
    ) -> Result<()> {
        (**self).restore_admission_inputs(summary, inputs)
    }

    fn restore_admission_sign_off(&mut self, sign_off: &crate::admission::AdmissionSignOff) -> Result<()> {
        (**self).restore_admission_sign_off(sign_off)
    }

    fn restore_admission_run(&mut self, run: &crate::admission::AdmissionRun) -> Result<()> {
        (**self).restore_admission_run(run)
    }
}
