//! `PlanStore` on PostgreSQL, the semantics of SQLite's `sqlite/plans.rs`;
//! what to write is worked out by the backend-neutral half in
//! `crate::plans`.
//!
//! Writers queue on row locks where SQLite's IMMEDIATE transactions queue
//! on the file: an append (`append_event`, a report's filing or decision)
//! locks its task's row `FOR UPDATE` before it reads the last event, and a
//! decision locks its report's row, so two deciders cannot both pass
//! (always the task before the report: no deadlock). A plan's save locks
//! its `work_plan` row by its upsert and each changed task by its update,
//! so it queues with appends to those tasks. Projects add seats to the
//! registry, so `save_projects` is a registry write (`write::begin_write`:
//! the registry's advisory lock), queued with imports.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use plans::{
    Assignment, Decision, DocumentId, DocumentInfo, Event, EventId, NewEvent, NewReport, Plan, PlanHeader,
    PlanId, PlanSpec, ProgressReport, Project, ProjectId, ProjectSpec, ReportId, Task, TaskId, TaskSpec,
};
use postgres::types::ToSql;
use postgres::{GenericClient, Row, Transaction};
use registry::{AreaCode, SchoolYear};

use super::write::{begin_write, bump_year};
use super::PgStore;
use crate::plans::{
    self as shared, MeasureColumns, NewDocument, PlanSaved, ProjectWrite, ProjectsSaved, RowWrite,
    SeatsAdded, TaskWrite,
};
use crate::{AuditAction, PlanStore, Result, StoreError};

const TASK_COLUMNS: &str = "t.id, t.plan, t.position, t.section, t.seq, t.text, t.source, t.leader, \
     t.lead_unit, t.co_units, t.deadline, t.measure, t.indicator, t.stage, t.baseline_year, t.baseline, \
     t.target, t.target_year, t.better, t.counted, t.counted_unit";

const EVENT_COLUMNS: &str =
    "e.id, e.task, e.county, e.kind, e.actor, e.at, e.old_value, e.new_value, e.note, e.due, e.report";

const REPORT_COLUMNS: &str = "r.id, r.task, r.county, r.period, r.text, r.value, r.reporter, r.filed_at, \
     r.status, r.reviewer, r.reviewed_at, r.reason";

const DOCUMENT_COLUMNS: &str = "id, name, kind, size, sha256, uploaded_by, at";

const PROJECT_COLUMNS: &str = "p.id, p.code, p.name, p.kind, p.school, p.planned_school, p.site, p.county, \
     p.stage, p.seats, p.floor_area, p.investment, p.planned_start, p.actual_start, p.planned_completion, \
     p.actual_completion, p.in_use";

/// A time as stored: to the millisecond, like SQLite's text (and the
/// accounts' times), so both backends read back the same.
fn ms(at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    at.trunc_subsecs(3)
}

fn text(r: &Row, i: usize) -> Result<String> {
    Ok(r.try_get(i)?)
}

fn opt_area(r: &Row, i: usize) -> Result<Option<AreaCode>> {
    r.try_get::<_, Option<&str>>(i)?.map(shared::area).transpose()
}

fn u32_of(r: &Row, i: usize) -> Result<u32> {
    let n: i32 = r.try_get(i)?;
    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("数值 {n} 不应为负")))
}

/// A task's row, its counties still empty (see [`tasks_where`]).
fn task_from_row(r: &Row) -> Result<Task> {
    let measure = MeasureColumns {
        kind: text(r, 11)?,
        indicator: r.try_get(12)?,
        stage: r.try_get(13)?,
        baseline_year: r.try_get(14)?,
        baseline: r.try_get(15)?,
        target: r.try_get(16)?,
        target_year: r.try_get(17)?,
        better: r.try_get(18)?,
        counted: r.try_get(19)?,
        counted_unit: r.try_get(20)?,
    }
    .into_measure()?;
    Ok(Task {
        id: TaskId(r.try_get(0)?),
        plan: PlanId(r.try_get(1)?),
        position: u32_of(r, 2)?,
        section: text(r, 3)?,
        spec: TaskSpec {
            seq: text(r, 4)?,
            text: text(r, 5)?,
            source: shared::source(r.try_get(6)?)?,
            leader: text(r, 7)?,
            lead_unit: text(r, 8)?,
            co_units: shared::co_units(r.try_get(9)?),
            deadline: r.try_get(10)?,
            measure,
            counties: Vec::new(),
        },
    })
}

/// Tasks (`t`) matching `filter` on `$1`, in plan order, with their counties.
fn tasks_where(conn: &mut impl GenericClient, filter: &str, key: i64) -> Result<Vec<Task>> {
    let mut tasks = conn
        .query(
            &format!("SELECT {TASK_COLUMNS} FROM task t WHERE {filter} ORDER BY t.position, t.id"),
            &[&key],
        )?
        .iter()
        .map(task_from_row)
        .collect::<Result<Vec<_>>>()?;
    let mut by_task: HashMap<i64, Vec<Assignment>> = HashMap::new();
    for r in conn.query(
        &format!(
            "SELECT tc.task, tc.county, tc.share FROM task_county tc JOIN task t ON t.id = tc.task
             WHERE {filter} ORDER BY tc.task, tc.position"
        ),
        &[&key],
    )? {
        by_task.entry(r.try_get(0)?).or_default().push(Assignment {
            county: shared::area(r.try_get(1)?)?,
            share: r.try_get(2)?,
        });
    }
    for t in &mut tasks {
        t.spec.counties = by_task.remove(&t.id.0).unwrap_or_default();
    }
    Ok(tasks)
}

fn event_from_row(r: &Row) -> Result<Event> {
    Ok(Event {
        id: EventId(r.try_get(0)?),
        event: NewEvent {
            task: TaskId(r.try_get(1)?),
            county: opt_area(r, 2)?,
            kind: shared::event_kind(r.try_get(3)?)?,
            actor: text(r, 4)?,
            at: r.try_get(5)?,
            old_value: r.try_get(6)?,
            new_value: r.try_get(7)?,
            note: text(r, 8)?,
            due: r.try_get(9)?,
            report: r.try_get::<_, Option<i64>>(10)?.map(ReportId),
        },
    })
}

fn events_where(conn: &mut impl GenericClient, filter: &str, key: i64) -> Result<Vec<Event>> {
    conn.query(
        &format!("SELECT {EVENT_COLUMNS} FROM task_event e WHERE {filter} ORDER BY e.id"),
        &[&key],
    )?
    .iter()
    .map(event_from_row)
    .collect()
}

fn reports_where(conn: &mut impl GenericClient, filter: &str, key: i64) -> Result<Vec<ProgressReport>> {
    let mut out = Vec::new();
    for r in conn.query(
        &format!("SELECT {REPORT_COLUMNS} FROM progress_report r WHERE {filter} ORDER BY r.id"),
        &[&key],
    )? {
        out.push(ProgressReport {
            id: ReportId(r.try_get(0)?),
            report: NewReport {
                task: TaskId(r.try_get(1)?),
                county: opt_area(&r, 2)?,
                period: text(&r, 3)?,
                text: text(&r, 4)?,
                value: r.try_get(5)?,
                documents: Vec::new(),
                reporter: text(&r, 6)?,
                at: r.try_get(7)?,
            },
            status: shared::report_status(r.try_get(8)?)?,
            reviewer: r.try_get(9)?,
            reviewed_at: r.try_get(10)?,
            reason: r.try_get(11)?,
        });
    }
    let mut documents: HashMap<i64, Vec<DocumentId>> = HashMap::new();
    for r in conn.query(
        &format!(
            "SELECT d.report, d.document FROM report_document d JOIN progress_report r ON r.id = d.report
             WHERE {filter} ORDER BY d.report, d.document"
        ),
        &[&key],
    )? {
        documents
            .entry(r.try_get(0)?)
            .or_default()
            .push(DocumentId(r.try_get(1)?));
    }
    for report in &mut out {
        report.report.documents = documents.remove(&report.id.0).unwrap_or_default();
    }
    Ok(out)
}

fn document_from_row(r: &Row) -> Result<DocumentInfo> {
    let size: i64 = r.try_get(3)?;
    Ok(DocumentInfo {
        id: DocumentId(r.try_get(0)?),
        name: text(r, 1)?,
        kind: shared::document_kind(r.try_get(2)?)?,
        size: size as u64,
        sha256: text(r, 4)?,
        uploaded_by: text(r, 5)?,
        at: r.try_get(6)?,
    })
}

fn project_from_row(r: &Row) -> Result<Project> {
    Ok(Project {
        id: ProjectId(r.try_get(0)?),
        spec: ProjectSpec {
            code: text(r, 1)?,
            name: text(r, 2)?,
            kind: shared::project_kind(r.try_get(3)?)?,
            school: r.try_get::<_, Option<&str>>(4)?.map(shared::school).transpose()?,
            planned_school: r.try_get(5)?,
            site: r.try_get(6)?,
            county: shared::area(r.try_get(7)?)?,
            stage: shared::stage(r.try_get(8)?)?,
            seats: u32_of(r, 9)?,
            floor_area: r.try_get(10)?,
            investment: r.try_get(11)?,
            planned_start: r.try_get(12)?,
            actual_start: r.try_get(13)?,
            planned_completion: r.try_get(14)?,
            actual_completion: r.try_get(15)?,
            in_use: r.try_get(16)?,
        },
    })
}

pub(super) fn projects_where(
    conn: &mut impl GenericClient,
    filter: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Project>> {
    conn.query(
        &format!("SELECT {PROJECT_COLUMNS} FROM construction_project p WHERE {filter} ORDER BY p.code COLLATE \"C\", p.id"),
        params,
    )?
    .iter()
    .map(project_from_row)
    .collect()
}

/// A county (or city) the caller names must be a known area.
fn check_area(tx: &mut Transaction<'_>, code: &AreaCode) -> Result<()> {
    let known: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM area WHERE code = $1)",
            &[&code.as_str()],
        )?
        .try_get(0)?;
    if known {
        Ok(())
    } else {
        Err(StoreError::UnknownReference(format!("区划代码 {code}")))
    }
}

/// Locks a task's row for an append (`UnknownReference` if there is none).
fn lock_task(tx: &mut Transaction<'_>, task: TaskId) -> Result<()> {
    match tx.query_opt("SELECT id FROM task WHERE id = $1 FOR UPDATE", &[&task.0])? {
        Some(_) => Ok(()),
        None => Err(StoreError::UnknownReference(format!("任务 {task}"))),
    }
}

/// Appends one event (with its id when restoring a copy).
fn insert_event(tx: &mut Transaction<'_>, event: &NewEvent, id: Option<EventId>) -> Result<EventId> {
    if let Some(county) = &event.county {
        check_area(tx, county)?;
    }
    if let Some(report) = event.report {
        let known: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM progress_report WHERE id = $1)",
                &[&report.0],
            )?
            .try_get(0)?;
        if !known {
            return Err(StoreError::UnknownReference(format!("进展报告 {report}")));
        }
    }
    let row = tx.query_one(
        "INSERT INTO task_event (id, task, county, kind, actor, at, old_value, new_value, note, due, report)
         VALUES (coalesce($1, nextval(pg_get_serial_sequence('task_event', 'id'))), $2, $3, $4, $5, $6, $7,
                 $8, $9, $10, $11)
         RETURNING id",
        &[
            &id.map(|i| i.0),
            &event.task.0,
            &event.county.as_ref().map(AreaCode::as_str),
            &event.kind.code(),
            &event.actor,
            &ms(event.at),
            &event.old_value,
            &event.new_value,
            &event.note,
            &event.due,
            &event.report.map(|r| r.0),
        ],
    )?;
    Ok(EventId(row.try_get(0)?))
}

fn i32_of(n: u32) -> Result<i32> {
    i32::try_from(n).map_err(|_| StoreError::Backend(format!("数值 {n} 超出范围")))
}

/// Writes a task's row (inserting with `id` None) and returns its id.
fn write_task(
    tx: &mut Transaction<'_>,
    write: RowWrite<TaskId>,
    plan: PlanId,
    position: u32,
    section: &str,
    spec: &TaskSpec,
) -> Result<TaskId> {
    let m = MeasureColumns::of(&spec.measure);
    let row = tx.query_one(
        &format!(
            "INSERT INTO task (id, plan, position, section, seq, text, source, leader, lead_unit, co_units,
             deadline, measure, indicator, stage, baseline_year, baseline, target, target_year, better,
             counted, counted_unit)
         VALUES (coalesce($1, nextval(pg_get_serial_sequence('task', 'id'))), $2, $3, $4, $5, $6, $7, $8,
             $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
         {} RETURNING id",
            write.upsert(shared::TASK_UPDATE)
        ),
        &[
            &write.id().map(|i| i.0),
            &plan.0,
            &i32_of(position)?,
            &section,
            &spec.seq,
            &spec.text,
            &spec.source.code(),
            &spec.leader,
            &spec.lead_unit,
            &shared::co_units_text(&spec.co_units),
            &spec.deadline,
            &m.kind,
            &m.indicator,
            &m.stage,
            &m.baseline_year,
            &m.baseline,
            &m.target,
            &m.target_year,
            &m.better,
            &m.counted,
            &m.counted_unit,
        ],
    )?;
    Ok(TaskId(row.try_get(0)?))
}

/// Writes a task's counties in order, replacing those stored.
fn write_counties(tx: &mut Transaction<'_>, task: TaskId, counties: &[Assignment]) -> Result<()> {
    tx.execute("DELETE FROM task_county WHERE task = $1", &[&task.0])?;
    for (i, a) in counties.iter().enumerate() {
        check_area(tx, &a.county)?;
        if counties[..i].iter().any(|b| b.county == a.county) {
            return Err(StoreError::Duplicate(format!("任务的责任县区 {}", a.county)));
        }
        tx.execute(
            "INSERT INTO task_county (task, position, county, share) VALUES ($1, $2, $3, $4)",
            &[&task.0, &(i as i32), &a.county.as_str(), &a.share],
        )?;
    }
    Ok(())
}

fn insert_document(
    tx: &mut Transaction<'_>,
    document: &NewDocument<'_>,
    sha256: &str,
    by: &str,
    at: DateTime<Utc>,
) -> Result<DocumentId> {
    let row = tx.query_one(
        "INSERT INTO evidence_document (name, kind, size, sha256, bytes, uploaded_by, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        &[
            &document.name,
            &document.kind.code(),
            &(document.bytes.len() as i64),
            &sha256,
            &document.bytes,
            &by,
            &ms(at),
        ],
    )?;
    Ok(DocumentId(row.try_get(0)?))
}

/// Links a report to its documents, each once; an unknown document is
/// `UnknownReference`.
fn link_documents(tx: &mut Transaction<'_>, report: ReportId, documents: &[DocumentId]) -> Result<()> {
    for d in documents {
        let known: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM evidence_document WHERE id = $1)",
                &[&d.0],
            )?
            .try_get(0)?;
        if !known {
            return Err(StoreError::UnknownReference(format!("佐证材料 {d}")));
        }
        tx.execute(
            "INSERT INTO report_document (report, document) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&report.0, &d.0],
        )?;
    }
    Ok(())
}

fn write_project(tx: &mut Transaction<'_>, write: RowWrite<ProjectId>, p: &ProjectSpec) -> Result<()> {
    check_area(tx, &p.county)?;
    tx.execute(
        &format!(
            "INSERT INTO construction_project (id, code, name, kind, school, planned_school, site, county, stage,
             seats, floor_area, investment, planned_start, actual_start, planned_completion,
             actual_completion, in_use)
         VALUES (coalesce($1, nextval(pg_get_serial_sequence('construction_project', 'id'))), $2, $3, $4,
             $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17){}",
            write.upsert(shared::PROJECT_UPDATE)
        ),
        &[
            &write.id().map(|i| i.0),
            &p.code,
            &p.name,
            &p.kind.code(),
            &p.school.as_ref().map(|s| s.as_str()),
            &p.planned_school,
            &p.site,
            &p.county.as_str(),
            &p.stage.code(),
            &i32_of(p.seats)?,
            &p.floor_area,
            &p.investment,
            &p.planned_start,
            &p.actual_start,
            &p.planned_completion,
            &p.actual_completion,
            &p.in_use,
        ],
    )?;
    Ok(())
}

/// The audit line of a plan or projects saved, at the save's time, in its
/// transaction.
fn insert_audit(
    tx: &mut Transaction<'_>,
    at: DateTime<Utc>,
    actor: &str,
    action: AuditAction,
    detail: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, detail) VALUES (date_trunc('second', $1::timestamptz), $2, $3, $4)",
        &[&at, &actor, &action.code(), &detail],
    )?;
    Ok(())
}

/// After rows were written with their ids (a restore), the table's identity
/// goes on after the largest, so later inserts do not collide with them.
fn advance_identity(tx: &mut Transaction<'_>, table: &'static str) -> Result<()> {
    tx.execute(
        &format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table} HAVING max(id) IS NOT NULL"),
        &[],
    )?;
    Ok(())
}

impl PlanStore for PgStore {
    fn save_plan(&mut self, plan: &PlanSpec, actor: &str, at: DateTime<Utc>) -> Result<PlanSaved> {
        let mut tx = self.conn.get_mut().transaction()?;
        check_area(&mut tx, &plan.city)?;
        // The upsert locks the plan's row: a second save of the same plan
        // waits here, then reads the tasks the first one wrote.
        let id: i64 = tx
            .query_one(
                "INSERT INTO work_plan (city, year, title) VALUES ($1, $2, $3)
                 ON CONFLICT (city, year) DO UPDATE SET title = excluded.title
                 RETURNING id",
                &[&plan.city.as_str(), &plan.year, &plan.title],
            )?
            .try_get(0)?;
        let plan_id = PlanId(id);
        let stored = tasks_where(&mut tx, "t.plan = $1", id)?;
        let shared::PlanWrites {
            tasks,
            kept,
            mut saved,
        } = shared::plan_writes(plan, &stored)?;
        saved.plan = plan_id;
        for write in tasks {
            match write {
                TaskWrite::Insert {
                    position,
                    section,
                    spec,
                } => {
                    let task = write_task(&mut tx, RowWrite::New, plan_id, position, section, spec)?;
                    write_counties(&mut tx, task, &spec.counties)?;
                    insert_event(&mut tx, &shared::assigned_event(task, spec, actor, at), None)?;
                }
                TaskWrite::Update {
                    id,
                    position,
                    section,
                    spec,
                    changes,
                    counties,
                } => {
                    write_task(&mut tx, RowWrite::Update(id), plan_id, position, section, spec)?;
                    if counties {
                        write_counties(&mut tx, id, &spec.counties)?;
                    }
                    for change in &changes {
                        insert_event(&mut tx, &shared::edited_event(id, change, actor, at), None)?;
                    }
                }
            }
        }
        for (task, position) in kept {
            tx.execute(
                "UPDATE task SET position = $2 WHERE id = $1",
                &[&task.0, &i32_of(position)?],
            )?;
        }
        let detail = shared::plan_audit_detail(plan, &saved);
        insert_audit(&mut tx, at, actor, AuditAction::PlanSaved, &detail)?;
        tx.commit()?;
        Ok(saved)
    }

    fn plans(&self) -> Result<Vec<PlanHeader>> {
        let mut conn = self.conn.borrow_mut();
        let stmt = self.prepared(
            &mut conn,
            "SELECT id, city, year, title FROM work_plan ORDER BY year DESC, city COLLATE \"C\", id",
        )?;
        conn.query(&stmt, &[])?
            .iter()
            .map(|r| {
                Ok(PlanHeader {
                    id: PlanId(r.try_get(0)?),
                    city: shared::area(r.try_get(1)?)?,
                    year: r.try_get(2)?,
                    title: text(r, 3)?,
                })
            })
            .collect()
    }

    fn plan(&self, id: PlanId) -> Result<Option<Plan>> {
        let mut conn = self.conn.borrow_mut();
        // One snapshot for the heading and the tasks.
        let mut tx = conn
            .build_transaction()
            .read_only(true)
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .start()?;
        let Some(r) = tx.query_opt(
            "SELECT id, city, year, title FROM work_plan WHERE id = $1",
            &[&id.0],
        )?
        else {
            return Ok(None);
        };
        let header = PlanHeader {
            id: PlanId(r.try_get(0)?),
            city: shared::area(r.try_get(1)?)?,
            year: r.try_get(2)?,
            title: text(&r, 3)?,
        };
        let tasks = tasks_where(&mut tx, "t.plan = $1", id.0)?;
        tx.commit()?;
        Ok(Some(Plan { header, tasks }))
    }

    fn task(&self, id: TaskId) -> Result<Option<Task>> {
        Ok(tasks_where(&mut *self.conn.borrow_mut(), "t.id = $1", id.0)?.pop())
    }

    fn events(&self, task: TaskId) -> Result<Vec<Event>> {
        events_where(&mut *self.conn.borrow_mut(), "e.task = $1", task.0)
    }

    fn plan_events(&self, plan: PlanId) -> Result<Vec<Event>> {
        events_where(
            &mut *self.conn.borrow_mut(),
            "e.task IN (SELECT id FROM task WHERE plan = $1)",
            plan.0,
        )
    }

    fn append_event(&mut self, event: &NewEvent, after: Option<EventId>) -> Result<EventId> {
        let mut tx = self.conn.get_mut().transaction()?;
        // Locked: a second append to the task waits, then sees this one.
        lock_task(&mut tx, event.task)?;
        let last: Option<i64> = tx
            .query_one("SELECT max(id) FROM task_event WHERE task = $1", &[&event.task.0])?
            .try_get(0)?;
        if last != after.map(|a| a.0) {
            return Err(shared::history_moved());
        }
        let id = insert_event(&mut tx, event, None)?;
        tx.commit()?;
        Ok(id)
    }

    fn file_report(&mut self, report: &NewReport, documents: &[NewDocument<'_>]) -> Result<ReportId> {
        let hashes = documents
            .iter()
            .map(shared::check_document)
            .collect::<Result<Vec<_>>>()?;
        let mut tx = self.conn.get_mut().transaction()?;
        // Locked: two filings for the task queue, so the second finds the first.
        lock_task(&mut tx, report.task)?;
        if let Some(county) = &report.county {
            check_area(&mut tx, county)?;
        }
        let county = report.county.as_ref().map(AreaCode::as_str);
        let existing = tx
            .query_opt(
                "SELECT id, status FROM progress_report
                 WHERE task = $1 AND coalesce(county, '') = coalesce($2, '') AND period = $3",
                &[&report.task.0, &county, &report.period],
            )?
            .map(|r| Ok::<_, StoreError>((ReportId(r.try_get(0)?), shared::report_status(r.try_get(1)?)?)))
            .transpose()?;
        let id = match shared::filing(existing)? {
            None => ReportId(
                tx.query_one(
                    "INSERT INTO progress_report (task, county, period, text, value, reporter, filed_at, status)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'submitted') RETURNING id",
                    &[
                        &report.task.0,
                        &county,
                        &report.period,
                        &report.text,
                        &report.value,
                        &report.reporter,
                        &ms(report.at),
                    ],
                )?
                .try_get(0)?,
            ),
            Some(id) => {
                tx.execute(
                    "UPDATE progress_report SET text = $2, value = $3, reporter = $4, filed_at = $5,
                         status = 'submitted', reviewer = NULL, reviewed_at = NULL, reason = NULL
                     WHERE id = $1",
                    &[&id.0, &report.text, &report.value, &report.reporter, &ms(report.at)],
                )?;
                tx.execute("DELETE FROM report_document WHERE report = $1", &[&id.0])?;
                id
            }
        };
        let mut linked = report.documents.clone();
        for (document, sha256) in documents.iter().zip(&hashes) {
            linked.push(insert_document(
                &mut tx,
                document,
                sha256,
                &report.reporter,
                report.at,
            )?);
        }
        link_documents(&mut tx, id, &linked)?;
        insert_event(&mut tx, &shared::reported_event(report, id), None)?;
        tx.commit()?;
        Ok(id)
    }

    fn decide_report(
        &mut self,
        id: ReportId,
        decision: &Decision,
        reviewer: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.conn.get_mut().transaction()?;
        let task: i64 = tx
            .query_opt("SELECT task FROM progress_report WHERE id = $1", &[&id.0])?
            .ok_or_else(|| StoreError::UnknownReference(format!("进展报告 {id}")))?
            .try_get(0)?;
        // The task, then the report (as a filing does): a second decider
        // waits here and then finds the report decided.
        lock_task(&mut tx, TaskId(task))?;
        tx.execute("SELECT 1 FROM progress_report WHERE id = $1 FOR UPDATE", &[&id.0])?;
        let report = reports_where(&mut tx, "r.id = $1", id.0)?
            .pop()
            .ok_or_else(|| StoreError::UnknownReference(format!("进展报告 {id}")))?;
        shared::check_pending(report.status)?;
        let (status, reason, event) = shared::decision_event(&report, decision, reviewer, at);
        let decided = tx.execute(
            "UPDATE progress_report SET status = $2, reviewer = $3, reviewed_at = $4, reason = $5
             WHERE id = $1 AND status = 'submitted'",
            &[&id.0, &status.code(), &reviewer, &ms(at), &reason],
        )?;
        // Never reached while the row is locked above; kept so that a
        // decision can only ever change a report awaiting review.
        if decided != 1 {
            return Err(StoreError::Conflict(
                "该报告已被他人审核，请刷新后查看".to_owned(),
            ));
        }
        insert_event(&mut tx, &event, None)?;
        tx.commit()?;
        Ok(())
    }

    fn report(&self, id: ReportId) -> Result<Option<ProgressReport>> {
        Ok(reports_where(&mut *self.conn.borrow_mut(), "r.id = $1", id.0)?.pop())
    }

    fn reports(&self, task: TaskId) -> Result<Vec<ProgressReport>> {
        reports_where(&mut *self.conn.borrow_mut(), "r.task = $1", task.0)
    }

    fn plan_reports(&self, plan: PlanId) -> Result<Vec<ProgressReport>> {
        reports_where(
            &mut *self.conn.borrow_mut(),
            "r.task IN (SELECT id FROM task WHERE plan = $1)",
            plan.0,
        )
    }

    fn document_info(&self, id: DocumentId) -> Result<Option<DocumentInfo>> {
        self.conn
            .borrow_mut()
            .query_opt(
                &format!("SELECT {DOCUMENT_COLUMNS} FROM evidence_document WHERE id = $1"),
                &[&id.0],
            )?
            .map(|r| document_from_row(&r))
            .transpose()
    }

    fn document(&self, id: DocumentId) -> Result<Option<(DocumentInfo, Vec<u8>)>> {
        match self.conn.borrow_mut().query_opt(
            &format!("SELECT {DOCUMENT_COLUMNS}, bytes FROM evidence_document WHERE id = $1"),
            &[&id.0],
        )? {
            None => Ok(None),
            Some(r) => Ok(Some((document_from_row(&r)?, r.try_get(7)?))),
        }
    }

    fn save_projects(
        &mut self,
        projects: &[ProjectSpec],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<ProjectsSaved> {
        shared::check_project_codes(projects)?;
        // A registry write: seats change, queued with imports.
        let mut tx = begin_write(self.conn.get_mut())?;
        let stored: HashMap<String, Project> = projects_where(&mut tx, "true", &[])?
            .into_iter()
            .map(|p| (p.spec.code.clone(), p))
            .collect();
        let mut saved = ProjectsSaved::default();
        for p in projects {
            if let Some(school) = &p.school {
                let known: bool = tx
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM school WHERE code = $1)",
                        &[&school.as_str()],
                    )?
                    .try_get(0)?;
                if !known {
                    return Err(StoreError::UnknownReference(format!(
                        "项目 {} 的学校标识码 {school}",
                        p.code
                    )));
                }
            }
            let (write, put_in_use) = shared::project_write(p, stored.get(&p.code))?;
            match write {
                ProjectWrite::Insert => {
                    write_project(&mut tx, RowWrite::New, p)?;
                    saved.inserted += 1;
                }
                ProjectWrite::Update(id) => {
                    write_project(&mut tx, RowWrite::Update(id), p)?;
                    saved.updated += 1;
                }
                ProjectWrite::Unchanged => saved.unchanged += 1,
            }
            if put_in_use {
                let school = p.school.as_ref().ok_or_else(|| shared::no_school_stage(p))?;
                let added = tx.execute(
                    "UPDATE school_stage SET seats = seats + $3
                     WHERE school_id = (SELECT id FROM school WHERE code = $1) AND stage = $2",
                    &[&school.as_str(), &p.stage.code(), &i32_of(p.seats)?],
                )?;
                if added != 1 {
                    return Err(shared::no_school_stage(p));
                }
                saved.put_in_use.push(SeatsAdded {
                    project: p.code.clone(),
                    school: school.clone(),
                    stage: p.stage,
                    seats: p.seats,
                });
            }
        }
        if !saved.put_in_use.is_empty() {
            // The schools' seats changed: every year's snapshot shows them.
            bump_year(&mut tx, SchoolYear(0))?;
        }
        let detail = shared::projects_audit_detail(&saved);
        insert_audit(&mut tx, at, actor, AuditAction::ProjectsSaved, &detail)?;
        tx.commit()?;
        Ok(saved)
    }

    fn projects(&self) -> Result<Vec<Project>> {
        projects_where(&mut *self.conn.borrow_mut(), "true", &[])
    }

    fn project(&self, id: ProjectId) -> Result<Option<Project>> {
        Ok(projects_where(&mut *self.conn.borrow_mut(), "p.id = $1", &[&id.0])?.pop())
    }

    fn documents(&self) -> Result<Vec<DocumentInfo>> {
        self.conn
            .borrow_mut()
            .query(
                &format!("SELECT {DOCUMENT_COLUMNS} FROM evidence_document ORDER BY id"),
                &[],
            )?
            .iter()
            .map(document_from_row)
            .collect()
    }

    fn restore_plan(&mut self, plan: &Plan) -> Result<()> {
        let mut tx = self.conn.get_mut().transaction()?;
        let h = &plan.header;
        tx.execute(
            "INSERT INTO work_plan (id, city, year, title) VALUES ($1, $2, $3, $4)",
            &[&h.id.0, &h.city.as_str(), &h.year, &h.title],
        )?;
        for t in &plan.tasks {
            write_task(
                &mut tx,
                RowWrite::Restore(t.id),
                h.id,
                t.position,
                &t.section,
                &t.spec,
            )?;
            write_counties(&mut tx, t.id, &t.spec.counties)?;
        }
        advance_identity(&mut tx, "work_plan")?;
        advance_identity(&mut tx, "task")?;
        tx.commit()?;
        Ok(())
    }

    fn restore_document(&mut self, info: &DocumentInfo, bytes: &[u8]) -> Result<()> {
        if shared::sha256_hex(bytes) != info.sha256 {
            return Err(StoreError::Corrupt(format!(
                "佐证材料 {} 的内容与其校验值不符",
                info.id
            )));
        }
        let mut tx = self.conn.get_mut().transaction()?;
        tx.execute(
            "INSERT INTO evidence_document (id, name, kind, size, sha256, bytes, uploaded_by, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &info.id.0,
                &info.name,
                &info.kind.code(),
                &(bytes.len() as i64),
                &info.sha256,
                &bytes,
                &info.uploaded_by,
                &ms(info.at),
            ],
        )?;
        advance_identity(&mut tx, "evidence_document")?;
        tx.commit()?;
        Ok(())
    }

    fn restore_report(&mut self, report: &ProgressReport) -> Result<()> {
        let mut tx = self.conn.get_mut().transaction()?;
        let r = &report.report;
        tx.execute(
            "INSERT INTO progress_report (id, task, county, period, text, value, reporter, filed_at,
                 status, reviewer, reviewed_at, reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            &[
                &report.id.0,
                &r.task.0,
                &r.county.as_ref().map(AreaCode::as_str),
                &r.period,
                &r.text,
                &r.value,
                &r.reporter,
                &ms(r.at),
                &report.status.code(),
                &report.reviewer,
                &report.reviewed_at.map(ms),
                &report.reason,
            ],
        )?;
        link_documents(&mut tx, report.id, &r.documents)?;
        advance_identity(&mut tx, "progress_report")?;
        tx.commit()?;
        Ok(())
    }

    fn restore_events(&mut self, events: &[Event]) -> Result<()> {
        let mut tx = self.conn.get_mut().transaction()?;
        for e in events {
            insert_event(&mut tx, &e.event, Some(e.id))?;
        }
        advance_identity(&mut tx, "task_event")?;
        tx.commit()?;
        Ok(())
    }

    fn restore_projects(&mut self, projects: &[Project]) -> Result<()> {
        let mut tx = self.conn.get_mut().transaction()?;
        for p in projects {
            write_project(&mut tx, RowWrite::Restore(p.id), &p.spec)?;
        }
        advance_identity(&mut tx, "construction_project")?;
        tx.commit()?;
        Ok(())
    }
}
