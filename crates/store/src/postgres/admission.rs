//! `AdmissionStore` on PostgreSQL, the semantics of SQLite's
//! `sqlite/admission.rs`: each write one transaction with its audit line;
//! the tables' triggers refuse any update, delete or truncate.

use chrono::NaiveDateTime;
use postgres::Transaction;
use registry::SchoolCode;

use super::PgStore;
use crate::admission::{
    self as shared, AdmissionInputsSummary, AdmissionRun, AdmissionRunSummary, AdmissionSignOff,
};
use crate::{AdmissionInputsId, AdmissionRunId, AdmissionStore, AuditAction, Result, StoreError};

fn audit(tx: &mut Transaction<'_>, actor: &str, action: AuditAction, detail: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (actor, action, detail) VALUES ($1, $2, $3)",
        &[&actor, &action.code(), &detail],
    )?;
    Ok(())
}

fn insert_inputs(tx: &mut Transaction<'_>, id: Option<i64>, c: &shared::InputsColumns) -> Result<i64> {
    if let Some(previous) = c.previous {
        let found = tx.query_opt("SELECT year FROM admission_inputs WHERE id = $1", &[&previous])?;
        let found: i32 = found
            .ok_or_else(|| shared::unknown_inputs(AdmissionInputsId(previous)))?
            .try_get(0)?;
        shared::check_previous_year(AdmissionInputsId(previous), found, c.year)?;
    }
    let row = tx.query_one(
        "INSERT INTO admission_inputs (id, year, label, previous, made_at, made_by, candidates,
             senior_schools, junior_schools, schools, bytes, body)
         VALUES (COALESCE($1, nextval(pg_get_serial_sequence('admission_inputs', 'id'))),
             $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         RETURNING id",
        &[
            &id,
            &c.year,
            &c.label,
            &c.previous,
            &c.made_at,
            &c.made_by,
            &(c.candidates as i32),
            &(c.senior_schools as i32),
            &(c.junior_schools as i32),
            &c.schools,
            &(c.body.len() as i64),
            &c.body,
        ],
    )?;
    Ok(row.try_get(0)?)
}

#[allow(clippy::too_many_arguments)]
fn insert_run(
    tx: &mut Transaction<'_>,
    id: Option<i64>,
    inputs: AdmissionInputsId,
    label: &str,
    previous: Option<AdmissionRunId>,
    policy: &admission::Policy,
    outcome: &admission::Outcome,
    actor: &str,
    at: NaiveDateTime,
) -> Result<(i64, shared::RunColumns)> {
    let stored = tx
        .query_opt(
            "SELECT year, candidates, senior_schools FROM admission_inputs WHERE id = $1",
            &[&inputs.0],
        )?
        .ok_or_else(|| shared::unknown_inputs(inputs))?;
    let year: i32 = stored.try_get(0)?;
    let candidates: i32 = stored.try_get(1)?;
    let seniors: i32 = stored.try_get(2)?;
    let c = shared::run_columns(
        inputs,
        (year, i64::from(candidates), i64::from(seniors)),
        label,
        previous,
        policy,
        outcome,
        actor,
        at,
    )?;
    if let Some(previous) = previous {
        tx.query_opt("SELECT id FROM admission_run WHERE id = $1", &[&previous.0])?
            .ok_or_else(|| shared::unknown_run(previous))?;
    }
    let row = tx.query_one(
        "INSERT INTO admission_run (id, inputs, year, label, policy_name, previous, made_at, made_by,
             candidates, placed, bytes, policy, body)
         VALUES (COALESCE($1, nextval(pg_get_serial_sequence('admission_run', 'id'))),
             $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         RETURNING id",
        &[
            &id,
            &c.inputs,
            &year,
            &c.label,
            &c.policy_name,
            &c.previous,
            &c.made_at,
            &c.made_by,
            &(c.candidates as i32),
            &(c.placed as i32),
            &((c.policy.len() + c.body.len()) as i64),
            &c.policy,
            &c.body,
        ],
    )?;
    Ok((row.try_get(0)?, c))
}

/// Inserts a sign-off; false when the school signed off this version already.
fn insert_sign_off(
    tx: &mut Transaction<'_>,
    inputs: AdmissionInputsId,
    school: &SchoolCode,
    note: &str,
    actor: &str,
    at: NaiveDateTime,
) -> Result<bool> {
    let schools: String = tx
        .query_opt("SELECT schools FROM admission_inputs WHERE id = $1", &[&inputs.0])?
        .ok_or_else(|| shared::unknown_inputs(inputs))?
        .try_get(0)?;
    if !shared::lists_school(&schools, school) {
        return Err(StoreError::UnknownReference(format!(
            "录取数据 {inputs} 中的学校 {school}"
        )));
    }
    let written = tx.execute(
        "INSERT INTO admission_sign_off (inputs, school, signed_by, signed_at, note)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (inputs, school) DO NOTHING",
        &[
            &inputs.0,
            &school.as_str(),
            &actor,
            &crate::forecast::micros(at),
            &note,
        ],
    )?;
    Ok(written == 1)
}

fn already_signed(inputs: AdmissionInputsId, school: &SchoolCode) -> StoreError {
    StoreError::Conflict(format!("学校 {school} 已确认过录取数据 {inputs} 中的名单"))
}

fn run_summary(r: &postgres::Row) -> Result<AdmissionRunSummary> {
    let candidates: i32 = r.try_get(8)?;
    let placed: i32 = r.try_get(9)?;
    Ok(AdmissionRunSummary {
        id: AdmissionRunId(r.try_get(0)?),
        inputs: AdmissionInputsId(r.try_get(1)?),
        year: r.try_get(2)?,
        label: r.try_get(3)?,
        policy_name: r.try_get(4)?,
        previous: r.try_get::<_, Option<i64>>(5)?.map(AdmissionRunId),
        made_at: r.try_get(6)?,
        made_by: r.try_get(7)?,
        candidates: shared::unsigned(i64::from(candidates)),
        placed: shared::unsigned(i64::from(placed)),
    })
}

impl AdmissionStore for PgStore {
    fn save_admission_inputs(
        &mut self,
        inputs: &admission::Inputs,
        label: &str,
        previous: Option<AdmissionInputsId>,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<AdmissionInputsId> {
        let columns = shared::inputs_columns(inputs, label, previous, actor, at)?;
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        let id = AdmissionInputsId(insert_inputs(&mut tx, None, &columns)?);
        audit(
            &mut tx,
            &columns.made_by,
            AuditAction::AdmissionInputsSaved,
            &shared::inputs_audit_detail(id, &columns),
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn admission_inputs_list(&self) -> Result<Vec<AdmissionInputsSummary>> {
        self.conn
            .borrow_mut()
            .query(
                "SELECT id, year, label, previous, made_at, made_by, candidates, senior_schools,
                     junior_schools, bytes
                 FROM admission_inputs ORDER BY made_at DESC, id DESC",
                &[],
            )?
            .iter()
            .map(|r| {
                let candidates: i32 = r.try_get(6)?;
                let seniors: i32 = r.try_get(7)?;
                let juniors: i32 = r.try_get(8)?;
                let bytes: i64 = r.try_get(9)?;
                Ok(AdmissionInputsSummary {
                    id: AdmissionInputsId(r.try_get(0)?),
                    year: r.try_get(1)?,
                    label: r.try_get(2)?,
                    previous: r.try_get::<_, Option<i64>>(3)?.map(AdmissionInputsId),
                    made_at: r.try_get(4)?,
                    made_by: r.try_get(5)?,
                    candidates: shared::unsigned(i64::from(candidates)),
                    senior_schools: shared::unsigned(i64::from(seniors)),
                    junior_schools: shared::unsigned(i64::from(juniors)),
                    bytes: bytes.max(0) as u64,
                })
            })
            .collect()
    }

    fn admission_inputs(&self, id: AdmissionInputsId) -> Result<Option<admission::Inputs>> {
        let row = self
            .conn
            .borrow_mut()
            .query_opt("SELECT body FROM admission_inputs WHERE id = $1", &[&id.0])?;
        match row {
            Some(r) => {
                let body: String = r.try_get(0)?;
                shared::inputs_from_body(id.0, &body).map(Some)
            }
            None => Ok(None),
        }
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
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        if !insert_sign_off(&mut tx, inputs, school, &note, &actor, at)? {
            return Err(already_signed(inputs, school));
        }
        audit(
            &mut tx,
            &actor,
            AuditAction::AdmissionSignedOff,
            &shared::sign_off_audit_detail(inputs, school),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn admission_sign_offs(&self, inputs: AdmissionInputsId) -> Result<Vec<AdmissionSignOff>> {
        self.conn
            .borrow_mut()
            .query(
                // Byte order, as SQLite sorts text.
                "SELECT school, signed_by, signed_at, note FROM admission_sign_off
                 WHERE inputs = $1 ORDER BY school COLLATE \"C\"",
                &[&inputs.0],
            )?
            .iter()
            .map(|r| {
                let school: String = r.try_get(0)?;
                Ok(AdmissionSignOff {
                    inputs,
                    school: shared::school_code(&school)?,
                    signed_by: r.try_get(1)?,
                    signed_at: r.try_get(2)?,
                    note: r.try_get(3)?,
                })
            })
            .collect()
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
        shared::label(label, "录取结果")?;
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        let (id, columns) = insert_run(&mut tx, None, inputs, label, previous, policy, outcome, actor, at)?;
        let id = AdmissionRunId(id);
        audit(
            &mut tx,
            &columns.made_by,
            AuditAction::AdmissionRunSaved,
            &shared::run_audit_detail(id, &columns),
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn admission_runs(&self) -> Result<Vec<AdmissionRunSummary>> {
        self.conn
            .borrow_mut()
            .query(
                "SELECT id, inputs, year, label, policy_name, previous, made_at, made_by, candidates, placed
                 FROM admission_run ORDER BY made_at DESC, id DESC",
                &[],
            )?
            .iter()
            .map(run_summary)
            .collect()
    }

    fn admission_run(&self, id: AdmissionRunId) -> Result<Option<AdmissionRun>> {
        let row = self.conn.borrow_mut().query_opt(
            "SELECT id, inputs, year, label, policy_name, previous, made_at, made_by, candidates, placed,
                 policy, body
             FROM admission_run WHERE id = $1",
            &[&id.0],
        )?;
        let Some(r) = row else {
            return Ok(None);
        };
        let policy: String = r.try_get(10)?;
        let body: String = r.try_get(11)?;
        Ok(Some(AdmissionRun {
            summary: run_summary(&r)?,
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
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        insert_inputs(&mut tx, Some(summary.id.0), &columns)?;
        super::plans::advance_identity(&mut tx, "admission_inputs")?;
        tx.commit()?;
        Ok(())
    }

    fn restore_admission_sign_off(&mut self, s: &AdmissionSignOff) -> Result<()> {
        let note = shared::note(&s.note)?;
        let actor = shared::label(&s.signed_by, "操作人")?;
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        if !insert_sign_off(&mut tx, s.inputs, &s.school, &note, &actor, s.signed_at)? {
            return Err(already_signed(s.inputs, &s.school));
        }
        tx.commit()?;
        Ok(())
    }

    fn restore_admission_run(&mut self, run: &AdmissionRun) -> Result<()> {
        let s = &run.summary;
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        insert_run(
            &mut tx,
            Some(s.id.0),
            s.inputs,
            &s.label,
            s.previous,
            &run.policy,
            &run.outcome,
            &s.made_by,
            s.made_at,
        )?;
        super::plans::advance_identity(&mut tx, "admission_run")?;
        tx.commit()?;
        Ok(())
    }
}
