//! A boxed store is a store: `Box<dyn Store>` (what [`crate::open`] returns)
//! passes wherever a domain trait is asked for, without `&*store` at every
//! call. Each method forwards to the box's content.

use chrono::{DateTime, Utc};
use registry::{
    Area, Births, Class, Enrolment, IdNumber, Population, School, SchoolCode, SchoolFacility, SchoolYear,
    Student, Teacher, TeachingPost,
};

use crate::accounts::*;
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
