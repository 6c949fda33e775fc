//! `AdmissionStore` on SQLite: inputs versions, sign-offs and runs, each
//! write one IMMEDIATE transaction with its audit line; the tables'
//! triggers refuse any update or delete.

use chrono::NaiveDateTime;
use registry::SchoolCode;
use rusqlite::{params, OptionalExtension, Transaction};

use super::write::{begin_write, in_write_turn};
use super::SqliteStore;
use crate::admission::{
    self as shared, AdmissionInputsSummary, AdmissionRun, AdmissionRunSummary, AdmissionSignOff,
};
use crate::{AdmissionInputsId, AdmissionRunId, AdmissionStore, AuditAction, Result, StoreError};

const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6f";

fn text_time(at: NaiveDateTime) -> String {
    at.format(TIME_FORMAT).to_string()
}

fn time(text: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, TIME_FORMAT)
        .map_err(|_| StoreError::Corrupt(format!("录取数据的时间“{text}”无法识别")))
}

fn audit(tx: &Transaction<'_>, actor: &str, action: AuditAction, detail: &str) -> Result<()> {
    tx.prepare_cached("INSERT INTO audit_log (actor, action, detail) VALUES (?1, ?2, ?3)")?
        .execute(params![actor, action.code(), detail])?;
    Ok(())
}

/// Checks `previous` (exists, same year) inside the write transaction.
fn check_previous_inputs(tx: &Transaction<'_>, previous: Option<i64>, year: i32) -> Result<()> {
    if let Some(previous) = previous {
        let found: Option<i32> = tx
            .prepare_cached("SELECT year FROM admission_inputs WHERE id = ?1")?
            .query_row([previous], |r| r.get(0))
            .optional()?;
        let found = found.ok_or_else(|| shared::unknown_inputs(AdmissionInputsId(previous)))?;
        shared::check_previous_year(AdmissionInputsId(previous), found, year)?;
    }
    Ok(())
}

fn insert_inputs(tx: &Transaction<'_>, id: Option<i64>, c: &shared::InputsColumns) -> Result<i64> {
    check_previous_inputs(tx, c.previous, c.year)?;
    tx.prepare_cached(
        "INSERT INTO admission_inputs (id, year, label, previous, made_at, made_by, candidates,
             senior_schools, junior_schools, schools, bytes, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        id,
        c.year,
        c.label,
        c.previous,
        text_time(c.made_at),
        c.made_by,
        c.candidates,
        c.senior_schools,
        c.junior_schools,
        c.schools,
        c.body.len() as i64,
        c.body,
    ])?;
    Ok(tx.last_insert_rowid())
}

/// The listed columns of an inputs version a run refers to: year,
/// candidates, senior schools.
fn stored_inputs(tx: &Transaction<'_>, inputs: AdmissionInputsId) -> Result<(i32, i64, i64)> {
    tx.prepare_cached("SELECT year, candidates, senior_schools FROM admission_inputs WHERE id = ?1")?
        .query_row([inputs.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or_else(|| shared::unknown_inputs(inputs))
}

#[allow(clippy::too_many_arguments)]
fn insert_run(
    tx: &Transaction<'_>,
    id: Option<i64>,
    inputs: AdmissionInputsId,
    label: &str,
    previous: Option<AdmissionRunId>,
    policy: &admission::Policy,
    outcome: &admission::Outcome,
    actor: &str,
    at: NaiveDateTime,
) -> Result<(i64, shared::RunColumns)> {
    let stored = stored_inputs(tx, inputs)?;
    let c = shared::run_columns(inputs, stored, label, previous, policy, outcome, actor, at)?;
    if let Some(previous) = previous {
        let found: Option<i64> = tx
            .prepare_cached("SELECT id FROM admission_run WHERE id = ?1")?
            .query_row([previous.0], |r| r.get(0))
            .optional()?;
        found.ok_or_else(|| shared::unknown_run(previous))?;
    }
    tx.prepare_cached(
        "INSERT INTO admission_run (id, inputs, year, label, policy_name, previous, made_at, made_by,
             candidates, placed, bytes, policy, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        id,
        c.inputs,
        stored.0,
        c.label,
        c.policy_name,
        c.previous,
        text_time(c.made_at),
        c.made_by,
        c.candidates,
        c.placed,
        (c.policy.len() + c.body.len()) as i64,
        c.policy,
        c.body,
    ])?;
    Ok((tx.last_insert_rowid(), c))
}

/// Inserts a sign-off; false when the school signed off this version already.
fn insert_sign_off(
    tx: &Transaction<'_>,
    inputs: AdmissionInputsId,
    school: &SchoolCode,
    note: &str,
    actor: &str,
    at: NaiveDateTime,
) -> Result<bool> {
    let schools: Option<String> = tx
        .prepare_cached("SELECT schools FROM admission_inputs WHERE id = ?1")?
        .query_row([inputs.0], |r| r.get(0))
        .optional()?;
    let schools = schools.ok_or_else(|| shared::unknown_inputs(inputs))?;
    if !shared::lists_school(&schools, school) {
        return Err(StoreError::UnknownReference(format!(
            "录取数据 {inputs} 中的学校 {school}"
        )));
    }
    let written = tx
        .prepare_cached(
            "INSERT INTO admission_sign_off (inputs, school, signed_by, signed_at, note)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (inputs, school) DO NOTHING",
        )?
        .execute(params![
            inputs.0,
            school.as_str(),
            actor,
            text_time(crate::forecast::micros(at)),
            note
        ])?;
    Ok(written == 1)
}

fn already_signed(inputs: AdmissionInputsId, school: &SchoolCode) -> StoreError {
    StoreError::Conflict(format!("学校 {school} 已确认过录取数据 {inputs} 中的名单"))
}

impl AdmissionStore for SqliteStore {
    fn save_admission_inputs(
        &mut self,
        inputs: &admission::Inputs,
        label: &str,
        previous: Option<AdmissionInputsId>,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<AdmissionInputsId> {
        let columns = shared::inputs_columns(inputs, label, previous, actor, at)?;
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            let id = AdmissionInputsId(insert_inputs(&tx, None, &columns)?);
            audit(
                &tx,
                &columns.made_by,
                AuditAction::AdmissionInputsSaved,
                &shared::inputs_audit_detail(id, &columns),
            )?;
            tx.commit()?;
            Ok(id)
        })
    }

    fn admission_inputs_list(&self) -> Result<Vec<AdmissionInputsSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, year, label, previous, made_at, made_by, candidates, senior_schools,
                 junior_schools, bytes
             FROM admission_inputs ORDER BY made_at DESC, id DESC",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let made_at: String = r.get(4)?;
            out.push(AdmissionInputsSummary {
                id: AdmissionInputsId(r.get(0)?),
                year: r.get(1)?,
                label: r.get(2)?,
                previous: r.get::<_, Option<i64>>(3)?.map(AdmissionInputsId),
                made_at: time(&made_at)?,
                made_by: r.get(5)?,
                candidates: shared::unsigned(r.get(6)?),
                senior_schools: shared::unsigned(r.get(7)?),
                junior_schools: shared::unsigned(r.get(8)?),
                bytes: r.get::<_, i64>(9)?.max(0) as u64,
            });
        }
        Ok(out)
    }

    fn admission_inputs(&self, id: AdmissionInputsId) -> Result<Option<admission::Inputs>> {
        let body: Option<String> = self
            .conn
            .prepare_cached("SELECT body FROM admission_inputs WHERE id = ?1")?
            .query_row([id.0], |r| r.get(0))
            .optional()?;
        body.map(|b| shared::inputs_from_body(id.0, &b)).transpose()
    }

    fn sign_off_admission(
        &mut self,
        inputs: AdmissionInputsId,
        school: &SchoolCode,
        note: &str,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<()> {
        let note = shared::note(note)?;
        let actor = shared::label(actor, "操作人")?;
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            if !insert_sign_off(&tx, inputs, school, &note, &actor, at)? {
                return Err(already_signed(inputs, school));
            }
            audit(
                &tx,
                &actor,
                AuditAction::AdmissionSignedOff,
                &shared::sign_off_audit_detail(inputs, school),
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn admission_sign_offs(&self, inputs: AdmissionInputsId) -> Result<Vec<AdmissionSignOff>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT school, signed_by, signed_at, note FROM admission_sign_off
             WHERE inputs = ?1 ORDER BY school",
        )?;
        let mut rows = stmt.query([inputs.0])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let school: String = r.get(0)?;
            let signed_at: String = r.get(2)?;
            out.push(AdmissionSignOff {
                inputs,
                school: shared::school_code(&school)?,
                signed_by: r.get(1)?,
                signed_at: time(&signed_at)?,
                note: r.get(3)?,
            });
        }
        Ok(out)
    }

    fn save_admission_run(
        &mut self,
        inputs: AdmissionInputsId,
        label: &str,
        previous: Option<AdmissionRunId>,
        policy: &admission::Policy,
        outcome: &admission::Outcome,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<AdmissionRunId> {
        // The label and bodies are checked before the transaction too, so a
        // refusal costs no write lock.
        shared::label(label, "录取结果")?;
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            let (id, columns) = insert_run(&tx, None, inputs, label, previous, policy, outcome, actor, at)?;
            let id = AdmissionRunId(id);
            audit(
                &tx,
                &columns.made_by,
                AuditAction::AdmissionRunSaved,
                &shared::run_audit_detail(id, &columns),
            )?;
            tx.commit()?;
            Ok(id)
        })
    }

    fn admission_runs(&self) -> Result<Vec<AdmissionRunSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, inputs, year, label, policy_name, previous, made_at, made_by, candidates, placed
             FROM admission_run ORDER BY made_at DESC, id DESC",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(run_summary(r)?);
        }
        Ok(out)
    }

    fn admission_run(&self, id: AdmissionRunId) -> Result<Option<AdmissionRun>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, inputs, year, label, policy_name, previous, made_at, made_by, candidates, placed,
                 policy, body
             FROM admission_run WHERE id = ?1",
        )?;
        let mut rows = stmt.query([id.0])?;
        let Some(r) = rows.next()? else {
            return Ok(None);
        };
        let summary = run_summary(r)?;
        let policy: String = r.get(10)?;
        let body: String = r.get(11)?;
        Ok(Some(AdmissionRun {
            summary,
            policy: shared::policy_from_body(id.0, &policy)?,
            outcome: shared::outcome_from_body(id.0, &body)?,
        }))
    }

    fn restore_admission_inputs(
        &mut self,
        summary: &AdmissionInputsSummary,
        inputs: &admission::Inputs,
    ) -> Result<()> {
        let columns = shared::inputs_columns(
            inputs,
            &summary.label,
            summary.previous,
            &summary.made_by,
            summary.made_at,
        )?;
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            insert_inputs(&tx, Some(summary.id.0), &columns)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn restore_admission_sign_off(&mut self, s: &AdmissionSignOff) -> Result<()> {
        let note = shared::note(&s.note)?;
        let actor = shared::label(&s.signed_by, "操作人")?;
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            if !insert_sign_off(&tx, s.inputs, &s.school, &note, &actor, s.signed_at)? {
                return Err(already_signed(s.inputs, &s.school));
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn restore_admission_run(&mut self, run: &AdmissionRun) -> Result<()> {
        let s = &run.summary;
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            insert_run(
                &tx,
                Some(s.id.0),
                s.inputs,
                &s.label,
                s.previous,
                &run.policy,
                &run.outcome,
                &s.made_by,
                s.made_at,
            )?;
            tx.commit()?;
            Ok(())
        })
    }
}

fn run_summary(r: &rusqlite::Row<'_>) -> Result<AdmissionRunSummary> {
    let made_at: String = r.get(6)?;
    Ok(AdmissionRunSummary {
        id: AdmissionRunId(r.get(0)?),
        inputs: AdmissionInputsId(r.get(1)?),
        year: r.get(2)?,
        label: r.get(3)?,
        policy_name: r.get(4)?,
        previous: r.get::<_, Option<i64>>(5)?.map(AdmissionRunId),
        made_at: time(&made_at)?,
        made_by: r.get(7)?,
        candidates: shared::unsigned(r.get(8)?),
        placed: shared::unsigned(r.get(9)?),
    })
}
