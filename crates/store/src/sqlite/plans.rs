//! `PlanStore` on SQLite: plans, tasks and their append-only history,
//! progress reports with their documents, construction projects. Every
//! write is one IMMEDIATE transaction (`write::begin_write`), so writers
//! queue: an optimistic append checks the task's last event under the write
//! lock, and a report is decided once. What to write is worked out by the
//! backend-neutral half in `crate::plans`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use plans::{
    Assignment, Decision, DocumentId, DocumentInfo, Event, EventId, NewEvent, NewReport, Plan, PlanHeader,
    PlanId, PlanSpec, ProgressReport, Project, ProjectId, ProjectSpec, ReportId, Task, TaskId, TaskSpec,
};
use registry::{AreaCode, SchoolYear};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::accounts::{parse_time, time_text};
use super::write::{begin_write, bump_year, in_write_turn};
use super::SqliteStore;
use crate::plans::{
    self as shared, MeasureColumns, NewDocument, PlanSaved, ProjectWrite, ProjectsSaved, RowWrite,
    SeatsAdded, TaskWrite,
};
use crate::{AuditAction, PlanStore, Result, StoreError};

const TASK_COLUMNS: &str = "id, plan, position, section, seq, text, source, leader, lead_unit, co_units, \
     deadline, measure, indicator, stage, baseline_year, baseline, target, target_year, better, counted, \
     counted_unit";

const EVENT_COLUMNS: &str = "id, task, county, kind, actor, at, old_value, new_value, note, due, report";

const REPORT_COLUMNS: &str =
    "id, task, county, period, text, value, reporter, filed_at, status, reviewer, reviewed_at, reason";

const DOCUMENT_COLUMNS: &str = "id, name, kind, size, sha256, uploaded_by, at";

const PROJECT_COLUMNS: &str = "id, code, name, kind, school, planned_school, site, county, stage, seats, \
     floor_area, investment, planned_start, actual_start, planned_completion, actual_completion, in_use";

fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn opt_date(r: &Row<'_>, i: usize) -> Result<Option<NaiveDate>> {
    r.get_ref(i)?.as_str_or_null()?.map(shared::date).transpose()
}

fn opt_area(r: &Row<'_>, i: usize) -> Result<Option<AreaCode>> {
    r.get_ref(i)?.as_str_or_null()?.map(shared::area).transpose()
}

/// A task's row, its counties still empty (see [`with_counties`]).
fn task_from_row(r: &Row<'_>) -> Result<Task> {
    let measure = MeasureColumns {
        kind: r.get(11)?,
        indicator: r.get(12)?,
        stage: r.get(13)?,
        baseline_year: r.get(14)?,
        baseline: r.get(15)?,
        target: r.get(16)?,
        target_year: r.get(17)?,
        better: r.get(18)?,
        counted: r.get(19)?,
        counted_unit: r.get(20)?,
    }
    .into_measure()?;
    Ok(Task {
        id: TaskId(r.get(0)?),
        plan: PlanId(r.get(1)?),
        position: r.get(2)?,
        section: r.get(3)?,
        spec: TaskSpec {
            seq: r.get(4)?,
            text: r.get(5)?,
            source: shared::source(r.get_ref(6)?.as_str()?)?,
            leader: r.get(7)?,
            lead_unit: r.get(8)?,
            co_units: shared::co_units(r.get_ref(9)?.as_str()?),
            deadline: shared::date(r.get_ref(10)?.as_str()?)?,
            measure,
            counties: Vec::new(),
        },
    })
}

/// Fills the tasks' counties (one statement for all of them).
fn with_counties(conn: &Connection, mut tasks: Vec<Task>, filter: &str, key: i64) -> Result<Vec<Task>> {
    let mut by_task: HashMap<i64, Vec<Assignment>> = HashMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT tc.task, tc.county, tc.share FROM task_county tc JOIN task t ON t.id = tc.task
         WHERE {filter} ORDER BY tc.task, tc.position"
    ))?;
    let mut rows = stmt.query([key])?;
    while let Some(r) = rows.next()? {
        by_task.entry(r.get(0)?).or_default().push(Assignment {
            county: shared::area(r.get_ref(1)?.as_str()?)?,
            share: r.get(2)?,
        });
    }
    for t in &mut tasks {
        t.spec.counties = by_task.remove(&t.id.0).unwrap_or_default();
    }
    Ok(tasks)
}

fn tasks_where(conn: &Connection, filter: &str, key: i64) -> Result<Vec<Task>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TASK_COLUMNS} FROM task t WHERE {filter} ORDER BY t.position, t.id"
    ))?;
    let mut rows = stmt.query([key])?;
    let mut tasks = Vec::new();
    while let Some(r) = rows.next()? {
        tasks.push(task_from_row(r)?);
    }
    with_counties(conn, tasks, filter, key)
}

fn event_from_row(r: &Row<'_>) -> Result<Event> {
    Ok(Event {
        id: EventId(r.get(0)?),
        event: NewEvent {
            task: TaskId(r.get(1)?),
            county: opt_area(r, 2)?,
            kind: shared::event_kind(r.get_ref(3)?.as_str()?)?,
            actor: r.get(4)?,
            at: parse_time(r.get_ref(5)?.as_str()?)?,
            old_value: r.get(6)?,
            new_value: r.get(7)?,
            note: r.get(8)?,
            due: opt_date(r, 9)?,
            report: r.get::<_, Option<i64>>(10)?.map(ReportId),
        },
    })
}

fn events_where(conn: &Connection, filter: &str, key: i64) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM task_event e WHERE {filter} ORDER BY e.id"
    ))?;
    let mut rows = stmt.query([key])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(event_from_row(r)?);
    }
    Ok(out)
}

fn reports_where(conn: &Connection, filter: &str, key: i64) -> Result<Vec<ProgressReport>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {REPORT_COLUMNS} FROM progress_report r WHERE {filter} ORDER BY r.id"
    ))?;
    let mut rows = stmt.query([key])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(ProgressReport {
            id: ReportId(r.get(0)?),
            report: NewReport {
                task: TaskId(r.get(1)?),
                county: opt_area(r, 2)?,
                period: r.get(3)?,
                text: r.get(4)?,
                value: r.get(5)?,
                documents: Vec::new(),
                reporter: r.get(6)?,
                at: parse_time(r.get_ref(7)?.as_str()?)?,
            },
            status: shared::report_status(r.get_ref(8)?.as_str()?)?,
            reviewer: r.get(9)?,
            reviewed_at: r.get_ref(10)?.as_str_or_null()?.map(parse_time).transpose()?,
            reason: r.get(11)?,
        });
    }
    drop(rows);
    let mut documents =
        conn.prepare_cached("SELECT document FROM report_document WHERE report = ?1 ORDER BY document")?;
    for report in &mut out {
        report.report.documents = documents
            .query_map([report.id.0], |r| r.get(0).map(DocumentId))?
            .collect::<std::result::Result<_, _>>()?;
    }
    Ok(out)
}

fn document_from_row(r: &Row<'_>) -> Result<DocumentInfo> {
    Ok(DocumentInfo {
        id: DocumentId(r.get(0)?),
        name: r.get(1)?,
        kind: shared::document_kind(r.get_ref(2)?.as_str()?)?,
        size: r.get::<_, i64>(3)? as u64,
        sha256: r.get(4)?,
        uploaded_by: r.get(5)?,
        at: parse_time(r.get_ref(6)?.as_str()?)?,
    })
}

fn project_from_row(r: &Row<'_>) -> Result<Project> {
    Ok(Project {
        id: ProjectId(r.get(0)?),
        spec: ProjectSpec {
            code: r.get(1)?,
            name: r.get(2)?,
            kind: shared::project_kind(r.get_ref(3)?.as_str()?)?,
            school: r.get_ref(4)?.as_str_or_null()?.map(shared::school).transpose()?,
            planned_school: r.get(5)?,
            site: r.get(6)?,
            county: shared::area(r.get_ref(7)?.as_str()?)?,
            stage: shared::stage(r.get_ref(8)?.as_str()?)?,
            seats: r.get(9)?,
            floor_area: r.get(10)?,
            investment: r.get(11)?,
            planned_start: opt_date(r, 12)?,
            actual_start: opt_date(r, 13)?,
            planned_completion: opt_date(r, 14)?,
            actual_completion: opt_date(r, 15)?,
            in_use: opt_date(r, 16)?,
        },
    })
}

fn projects_where(conn: &Connection, filter: &str, key: i64) -> Result<Vec<Project>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PROJECT_COLUMNS} FROM construction_project p WHERE {filter} ORDER BY p.code, p.id"
    ))?;
    let mut rows = stmt.query([key])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(project_from_row(r)?);
    }
    Ok(out)
}

/// A county (or city) the caller names must be a known area.
fn check_area(conn: &Connection, code: &AreaCode) -> Result<()> {
    let known: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM area WHERE code = ?1)")?
        .query_row([code.as_str()], |r| r.get(0))?;
    if known {
        Ok(())
    } else {
        Err(StoreError::UnknownReference(format!("区划代码 {code}")))
    }
}

fn check_task(conn: &Connection, task: TaskId) -> Result<()> {
    let known: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM task WHERE id = ?1)")?
        .query_row([task.0], |r| r.get(0))?;
    if known {
        Ok(())
    } else {
        Err(StoreError::UnknownReference(format!("任务 {task}")))
    }
}

/// Appends one event (with its id when restoring a copy).
fn insert_event(conn: &Connection, event: &NewEvent, id: Option<EventId>) -> Result<EventId> {
    if let Some(county) = &event.county {
        check_area(conn, county)?;
    }
    if let Some(report) = event.report {
        let known: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM progress_report WHERE id = ?1)")?
            .query_row([report.0], |r| r.get(0))?;
        if !known {
            return Err(StoreError::UnknownReference(format!("进展报告 {report}")));
        }
    }
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO task_event (id, task, county, kind, actor, at, old_value, new_value, note, due, report)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
        )?
        .query_row(
            params![
                id.map(|i| i.0),
                event.task.0,
                event.county.as_ref().map(AreaCode::as_str),
                event.kind.code(),
                event.actor,
                time_text(event.at),
                event.old_value,
                event.new_value,
                event.note,
                event.due.map(date_text),
                event.report.map(|r| r.0),
            ],
            |r| r.get(0),
        )?;
    Ok(EventId(id))
}

/// Writes a task's row (inserting with `id` None) and returns its id.
fn write_task(
    conn: &Connection,
    write: RowWrite<TaskId>,
    plan: PlanId,
    position: u32,
    section: &str,
    spec: &TaskSpec,
) -> Result<TaskId> {
    let m = MeasureColumns::of(&spec.measure);
    let values = params![
        write.id().map(|i| i.0),
        plan.0,
        position,
        section,
        spec.seq,
        spec.text,
        spec.source.code(),
        spec.leader,
        spec.lead_unit,
        shared::co_units_text(&spec.co_units),
        date_text(spec.deadline),
        m.kind,
        m.indicator,
        m.stage,
        m.baseline_year,
        m.baseline,
        m.target,
        m.target_year,
        m.better,
        m.counted,
        m.counted_unit,
    ];
    let id: i64 = conn
        .prepare_cached(&format!(
            "INSERT INTO task (id, plan, position, section, seq, text, source, leader, lead_unit, co_units,
                 deadline, measure, indicator, stage, baseline_year, baseline, target, target_year, better,
                 counted, counted_unit)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20, ?21)
             {} RETURNING id",
            write.upsert(shared::TASK_UPDATE)
        ))?
        .query_row(values, |r| r.get(0))?;
    Ok(TaskId(id))
}

/// Writes a task's counties in order, replacing those stored.
fn write_counties(conn: &Connection, task: TaskId, counties: &[Assignment]) -> Result<()> {
    conn.prepare_cached("DELETE FROM task_county WHERE task = ?1")?
        .execute([task.0])?;
    let mut insert = conn
        .prepare_cached("INSERT INTO task_county (task, position, county, share) VALUES (?1, ?2, ?3, ?4)")?;
    for (i, a) in counties.iter().enumerate() {
        check_area(conn, &a.county)?;
        insert
            .execute(params![task.0, i as i64, a.county.as_str(), a.share])
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    StoreError::Duplicate(format!("任务的责任县区 {}", a.county))
                }
                e => e.into(),
            })?;
    }
    Ok(())
}

fn insert_document(
    conn: &Connection,
    document: &NewDocument<'_>,
    sha256: &str,
    by: &str,
    at: DateTime<Utc>,
) -> Result<DocumentId> {
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO evidence_document (name, kind, size, sha256, bytes, uploaded_by, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        )?
        .query_row(
            params![
                document.name,
                document.kind.code(),
                document.bytes.len() as i64,
                sha256,
                document.bytes,
                by,
                time_text(at)
            ],
            |r| r.get(0),
        )?;
    Ok(DocumentId(id))
}

/// Links a report to its documents, each once; an unknown document is
/// `UnknownReference`.
fn link_documents(conn: &Connection, report: ReportId, documents: &[DocumentId]) -> Result<()> {
    let mut exists = conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM evidence_document WHERE id = ?1)")?;
    let mut link =
        conn.prepare_cached("INSERT OR IGNORE INTO report_document (report, document) VALUES (?1, ?2)")?;
    for d in documents {
        if !exists.query_row([d.0], |r| r.get::<_, bool>(0))? {
            return Err(StoreError::UnknownReference(format!("佐证材料 {d}")));
        }
        link.execute([report.0, d.0])?;
    }
    Ok(())
}

fn write_project(conn: &Connection, write: RowWrite<ProjectId>, p: &ProjectSpec) -> Result<()> {
    check_area(conn, &p.county)?;
    conn.prepare_cached(&format!(
        "INSERT INTO construction_project (id, code, name, kind, school, planned_school, site, county, stage,
             seats, floor_area, investment, planned_start, actual_start, planned_completion,
             actual_completion, in_use)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17){}",
        write.upsert(shared::PROJECT_UPDATE)
    ))?
    .execute(params![
        write.id().map(|i| i.0),
        p.code,
        p.name,
        p.kind.code(),
        p.school.as_ref().map(|s| s.as_str()),
        p.planned_school,
        p.site,
        p.county.as_str(),
        p.stage.code(),
        p.seats,
        p.floor_area,
        p.investment,
        p.planned_start.map(date_text),
        p.actual_start.map(date_text),
        p.planned_completion.map(date_text),
        p.actual_completion.map(date_text),
        p.in_use.map(date_text),
    ])?;
    Ok(())
}

/// The audit line of a plan or projects saved, at the save's time, in its
/// transaction (whole seconds, as the column's default).
fn insert_audit(
    conn: &Connection,
    at: DateTime<Utc>,
    actor: &str,
    action: AuditAction,
    detail: &str,
) -> Result<()> {
    conn.prepare_cached("INSERT INTO audit_log (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            actor,
            action.code(),
            detail
        ])?;
    Ok(())
}

impl SqliteStore {
    fn save_plan_in(&mut self, plan: &PlanSpec, actor: &str, at: DateTime<Utc>) -> Result<PlanSaved> {
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            check_area(&tx, &plan.city)?;
            let id: i64 = tx
                .prepare_cached(
                    "INSERT INTO work_plan (city, year, title) VALUES (?1, ?2, ?3)
                     ON CONFLICT (city, year) DO UPDATE SET title = excluded.title
                     RETURNING id",
                )?
                .query_row(params![plan.city.as_str(), plan.year, plan.title], |r| r.get(0))?;
            let plan_id = PlanId(id);
            let stored = tasks_where(&tx, "t.plan = ?1", id)?;
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
                        let task = write_task(&tx, RowWrite::New, plan_id, position, section, spec)?;
                        write_counties(&tx, task, &spec.counties)?;
                        insert_event(&tx, &shared::assigned_event(task, spec, actor, at), None)?;
                    }
                    TaskWrite::Update {
                        id,
                        position,
                        section,
                        spec,
                        changes,
                        counties,
                    } => {
                        write_task(&tx, RowWrite::Update(id), plan_id, position, section, spec)?;
                        if counties {
                            write_counties(&tx, id, &spec.counties)?;
                        }
                        for change in &changes {
                            insert_event(&tx, &shared::edited_event(id, change, actor, at), None)?;
                        }
                    }
                }
            }
            let mut move_task = tx.prepare_cached("UPDATE task SET position = ?2 WHERE id = ?1")?;
            for (task, position) in kept {
                move_task.execute(params![task.0, position])?;
            }
            drop(move_task);
            let detail = shared::plan_audit_detail(plan, &saved);
            insert_audit(&tx, at, actor, AuditAction::PlanSaved, &detail)?;
            tx.commit()?;
            Ok(saved)
        })
    }

    fn file_report_in(&mut self, report: &NewReport, documents: &[NewDocument<'_>]) -> Result<ReportId> {
        let hashes = documents
            .iter()
            .map(shared::check_document)
            .collect::<Result<Vec<_>>>()?;
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            check_task(&tx, report.task)?;
            if let Some(county) = &report.county {
                check_area(&tx, county)?;
            }
            let existing = tx
                .prepare_cached(
                    "SELECT id, status FROM progress_report
                     WHERE task = ?1 AND coalesce(county, '') = coalesce(?2, '') AND period = ?3",
                )?
                .query_row(
                    params![
                        report.task.0,
                        report.county.as_ref().map(AreaCode::as_str),
                        report.period
                    ],
                    |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
                )
                .optional()?
                .map(|(id, status)| Ok::<_, StoreError>((ReportId(id), shared::report_status(&status)?)))
                .transpose()?;
            let id = match shared::filing(existing)? {
                None => ReportId(
                    tx.prepare_cached(
                        "INSERT INTO progress_report (task, county, period, text, value, reporter, filed_at,
                             status)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'submitted') RETURNING id",
                    )?
                    .query_row(
                        params![
                            report.task.0,
                            report.county.as_ref().map(AreaCode::as_str),
                            report.period,
                            report.text,
                            report.value,
                            report.reporter,
                            time_text(report.at)
                        ],
                        |r| r.get(0),
                    )?,
                ),
                Some(id) => {
                    tx.prepare_cached(
                        "UPDATE progress_report SET text = ?2, value = ?3, reporter = ?4, filed_at = ?5,
                             status = 'submitted', reviewer = NULL, reviewed_at = NULL, reason = NULL
                         WHERE id = ?1",
                    )?
                    .execute(params![
                        id.0,
                        report.text,
                        report.value,
                        report.reporter,
                        time_text(report.at)
                    ])?;
                    tx.prepare_cached("DELETE FROM report_document WHERE report = ?1")?
                        .execute([id.0])?;
                    id
                }
            };
            let mut linked = report.documents.clone();
            for (document, sha256) in documents.iter().zip(&hashes) {
                linked.push(insert_document(
                    &tx,
                    document,
                    sha256,
                    &report.reporter,
                    report.at,
                )?);
            }
            link_documents(&tx, id, &linked)?;
            insert_event(&tx, &shared::reported_event(report, id), None)?;
            tx.commit()?;
            Ok(id)
        })
    }

    fn decide_report_in(
        &mut self,
        id: ReportId,
        decision: &Decision,
        reviewer: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        in_write_turn(&mut self.conn, |conn| {
            // IMMEDIATE: the status read below is the one the update sees.
            let tx = begin_write(conn)?;
            let report = reports_where(&tx, "r.id = ?1", id.0)?
                .pop()
                .ok_or_else(|| StoreError::UnknownReference(format!("进展报告 {id}")))?;
            shared::check_pending(report.status)?;
            let (status, reason, event) = shared::decision_event(&report, decision, reviewer, at);
            let decided = tx
                .prepare_cached(
                    "UPDATE progress_report SET status = ?2, reviewer = ?3, reviewed_at = ?4, reason = ?5
                     WHERE id = ?1 AND status = 'submitted'",
                )?
                .execute(params![id.0, status.code(), reviewer, time_text(at), reason])?;
            // Never reached under the write lock; kept so that a decision
            // can only ever change a report awaiting review.
            if decided != 1 {
                return Err(StoreError::Conflict(
                    "该报告已被他人审核，请刷新后查看".to_owned(),
                ));
            }
            insert_event(&tx, &event, None)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn save_projects_in(
        &mut self,
        projects: &[ProjectSpec],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<ProjectsSaved> {
        shared::check_project_codes(projects)?;
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            let stored: HashMap<String, Project> = projects_where(&tx, "1 = ?1", 1)?
                .into_iter()
                .map(|p| (p.spec.code.clone(), p))
                .collect();
            let mut saved = ProjectsSaved::default();
            for p in projects {
                if let Some(school) = &p.school {
                    let known: bool = tx
                        .prepare_cached("SELECT EXISTS (SELECT 1 FROM school WHERE code = ?1)")?
                        .query_row([school.as_str()], |r| r.get(0))?;
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
                        write_project(&tx, RowWrite::New, p)?;
                        saved.inserted += 1;
                    }
                    ProjectWrite::Update(id) => {
                        write_project(&tx, RowWrite::Update(id), p)?;
                        saved.updated += 1;
                    }
                    ProjectWrite::Unchanged => saved.unchanged += 1,
                }
                if put_in_use {
                    let school = p.school.as_ref().ok_or_else(|| shared::no_school_stage(p))?;
                    let added = tx
                        .prepare_cached(
                            "UPDATE school_stage SET seats = seats + ?3
                             WHERE school_id = (SELECT id FROM school WHERE code = ?1) AND stage = ?2",
                        )?
                        .execute(params![school.as_str(), p.stage.code(), p.seats])?;
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
                bump_year(&tx, SchoolYear(0))?;
            }
            let detail = shared::projects_audit_detail(&saved);
            insert_audit(&tx, at, actor, AuditAction::ProjectsSaved, &detail)?;
            tx.commit()?;
            Ok(saved)
        })
    }
}

impl PlanStore for SqliteStore {
    fn save_plan(&mut self, plan: &PlanSpec, actor: &str, at: DateTime<Utc>) -> Result<PlanSaved> {
        self.save_plan_in(plan, actor, at)
    }

    fn plans(&self) -> Result<Vec<PlanHeader>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, city, year, title FROM work_plan ORDER BY year DESC, city, id")?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(PlanHeader {
                id: PlanId(r.get(0)?),
                city: shared::area(r.get_ref(1)?.as_str()?)?,
                year: r.get(2)?,
                title: r.get(3)?,
            });
        }
        Ok(out)
    }

    fn plan(&self, id: PlanId) -> Result<Option<Plan>> {
        let header = self
            .conn
            .prepare_cached("SELECT id, city, year, title FROM work_plan WHERE id = ?1")?
            .query_row([id.0], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((id, city, year, title)) = header else {
            return Ok(None);
        };
        Ok(Some(Plan {
            header: PlanHeader {
                id: PlanId(id),
                city: shared::area(&city)?,
                year,
                title,
            },
            tasks: tasks_where(&self.conn, "t.plan = ?1", id)?,
        }))
    }

    fn task(&self, id: TaskId) -> Result<Option<Task>> {
        Ok(tasks_where(&self.conn, "t.id = ?1", id.0)?.pop())
    }

    fn events(&self, task: TaskId) -> Result<Vec<Event>> {
        events_where(&self.conn, "e.task = ?1", task.0)
    }

    fn plan_events(&self, plan: PlanId) -> Result<Vec<Event>> {
        events_where(
            &self.conn,
            "e.task IN (SELECT id FROM task WHERE plan = ?1)",
            plan.0,
        )
    }

    fn append_event(&mut self, event: &NewEvent, after: Option<EventId>) -> Result<EventId> {
        in_write_turn(&mut self.conn, |conn| {
            // IMMEDIATE: no one appends between the check and the insert.
            let tx = begin_write(conn)?;
            check_task(&tx, event.task)?;
            let last: Option<i64> = tx
                .prepare_cached("SELECT max(id) FROM task_event WHERE task = ?1")?
                .query_row([event.task.0], |r| r.get(0))?;
            if last != after.map(|a| a.0) {
                return Err(shared::history_moved());
            }
            let id = insert_event(&tx, event, None)?;
            tx.commit()?;
            Ok(id)
        })
    }

    fn file_report(&mut self, report: &NewReport, documents: &[NewDocument<'_>]) -> Result<ReportId> {
        self.file_report_in(report, documents)
    }

    fn decide_report(
        &mut self,
        id: ReportId,
        decision: &Decision,
        reviewer: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.decide_report_in(id, decision, reviewer, at)
    }

    fn report(&self, id: ReportId) -> Result<Option<ProgressReport>> {
        Ok(reports_where(&self.conn, "r.id = ?1", id.0)?.pop())
    }

    fn reports(&self, task: TaskId) -> Result<Vec<ProgressReport>> {
        reports_where(&self.conn, "r.task = ?1", task.0)
    }

    fn plan_reports(&self, plan: PlanId) -> Result<Vec<ProgressReport>> {
        reports_where(
            &self.conn,
            "r.task IN (SELECT id FROM task WHERE plan = ?1)",
            plan.0,
        )
    }

    fn document_info(&self, id: DocumentId) -> Result<Option<DocumentInfo>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM evidence_document WHERE id = ?1"
        ))?;
        let mut rows = stmt.query([id.0])?;
        rows.next()?.map(document_from_row).transpose()
    }

    fn document(&self, id: DocumentId) -> Result<Option<(DocumentInfo, Vec<u8>)>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DOCUMENT_COLUMNS}, bytes FROM evidence_document WHERE id = ?1"
        ))?;
        let mut rows = stmt.query([id.0])?;
        match rows.next()? {
            None => Ok(None),
            Some(r) => Ok(Some((document_from_row(r)?, r.get(7)?))),
        }
    }

    fn save_projects(
        &mut self,
        projects: &[ProjectSpec],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<ProjectsSaved> {
        self.save_projects_in(projects, actor, at)
    }

    fn projects(&self) -> Result<Vec<Project>> {
        projects_where(&self.conn, "1 = ?1", 1)
    }

    fn project(&self, id: ProjectId) -> Result<Option<Project>> {
        Ok(projects_where(&self.conn, "p.id = ?1", id.0)?.pop())
    }

    fn documents(&self) -> Result<Vec<DocumentInfo>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM evidence_document ORDER BY id"
        ))?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(document_from_row(r)?);
        }
        Ok(out)
    }

    fn restore_plan(&mut self, plan: &Plan) -> Result<()> {
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            let h = &plan.header;
            tx.execute(
                "INSERT INTO work_plan (id, city, year, title) VALUES (?1, ?2, ?3, ?4)",
                params![h.id.0, h.city.as_str(), h.year, h.title],
            )?;
            for t in &plan.tasks {
                write_task(
                    &tx,
                    RowWrite::Restore(t.id),
                    h.id,
                    t.position,
                    &t.section,
                    &t.spec,
                )?;
                write_counties(&tx, t.id, &t.spec.counties)?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn restore_document(&mut self, info: &DocumentInfo, bytes: &[u8]) -> Result<()> {
        if shared::sha256_hex(bytes) != info.sha256 {
            return Err(StoreError::Corrupt(format!(
                "佐证材料 {} 的内容与其校验值不符",
                info.id
            )));
        }
        self.conn.execute(
            "INSERT INTO evidence_document (id, name, kind, size, sha256, bytes, uploaded_by, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                info.id.0,
                info.name,
                info.kind.code(),
                bytes.len() as i64,
                info.sha256,
                bytes,
                info.uploaded_by,
                time_text(info.at)
            ],
        )?;
        Ok(())
    }

    fn restore_report(&mut self, report: &ProgressReport) -> Result<()> {
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            let r = &report.report;
            tx.execute(
                "INSERT INTO progress_report (id, task, county, period, text, value, reporter, filed_at,
                     status, reviewer, reviewed_at, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    report.id.0,
                    r.task.0,
                    r.county.as_ref().map(AreaCode::as_str),
                    r.period,
                    r.text,
                    r.value,
                    r.reporter,
                    time_text(r.at),
                    report.status.code(),
                    report.reviewer,
                    report.reviewed_at.map(time_text),
                    report.reason
                ],
            )?;
            link_documents(&tx, report.id, &r.documents)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn restore_events(&mut self, events: &[Event]) -> Result<()> {
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            for e in events {
                insert_event(&tx, &e.event, Some(e.id))?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn restore_projects(&mut self, projects: &[Project]) -> Result<()> {
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            for p in projects {
                write_project(&tx, RowWrite::Restore(p.id), &p.spec)?;
            }
            tx.commit()?;
            Ok(())
        })
    }
}
