//! `ForecastStore` on SQLite: the history's aggregates in one read
//! transaction (one consistent view, however long an import runs beside
//! it), and runs written with their audit line.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension};

use super::write::{begin_write, in_write_turn};
use super::SqliteStore;
use crate::forecast::{self as shared, Aggregates, ForecastRunId, ForecastRunSummary, STAGE_CODES_SQL};
use crate::{AuditAction, ForecastStore, PlanStore, Result, StoreError};

const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6f";

fn rows<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    mut map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(map(r)?);
    }
    Ok(out)
}

fn aggregates(conn: &Connection) -> Result<Aggregates> {
    let mut a = Aggregates {
        counties: rows(
            conn,
            "SELECT DISTINCT s.county_code, COALESCE(a.name, '')
             FROM school s LEFT JOIN area a ON a.code = s.county_code
             ORDER BY s.county_code",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?,
        ..Aggregates::default()
    };
    if let Some(city) = shared::city_of(&a.counties) {
        a.city_name = conn
            .prepare_cached("SELECT name FROM area WHERE code = ?1")?
            .query_row([city.as_str()], |r| r.get(0))
            .optional()?
            .unwrap_or_default();
    }
    a.schools = rows(
        conn,
        "SELECT id, code, county_code, ownership FROM school",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    a.school_stages = rows(
        conn,
        &format!("SELECT school_id, stage, seats FROM school_stage WHERE stage IN {STAGE_CODES_SQL}"),
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    a.enrolment = rows(
        conn,
        &format!(
            "SELECT school_year, school_id, stage, grade, count(*) FROM enrolment
             WHERE stage IN {STAGE_CODES_SQL}
             GROUP BY school_year, school_id, stage, grade"
        ),
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    a.classes = rows(
        conn,
        &format!(
            "SELECT school_year, school_id, stage, count(*) FROM class
             WHERE stage IN {STAGE_CODES_SQL}
             GROUP BY school_year, school_id, stage"
        ),
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    a.population = rows(
        conn,
        "SELECT school_year, substr(township_code, 1, 6), age, sum(children) FROM population
         WHERE age BETWEEN 0 AND 18
         GROUP BY school_year, substr(township_code, 1, 6), age",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    a.births = rows(conn, "SELECT year, county_code, births FROM births", [], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(a)
}

fn time(text: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, TIME_FORMAT)
        .map_err(|_| StoreError::Corrupt(format!("学位预测记录的时间“{text}”无法识别")))
}

impl ForecastStore for SqliteStore {
    fn forecast_history(&self, as_of: NaiveDate) -> Result<forecast::History> {
        // One read transaction: the aggregates and the projects are one view.
        let tx = self.conn.unchecked_transaction()?;
        let aggregates = aggregates(&tx)?;
        let projects = self.projects()?;
        tx.finish()?;
        shared::history_from(aggregates, &projects, as_of)
    }

    fn save_forecast_run(&mut self, run: &forecast::Run, actor: &str) -> Result<ForecastRunId> {
        let columns = shared::run_columns(run)?;
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            let id = ForecastRunId(insert_run(&tx, None, &columns)?);
            tx.prepare_cached("INSERT INTO audit_log (actor, action, detail) VALUES (?1, ?2, ?3)")?
                .execute(params![
                    actor,
                    AuditAction::ForecastSaved.code(),
                    shared::run_audit_detail(id, &columns)
                ])?;
            tx.commit()?;
            Ok(id)
        })
    }

    fn forecast_runs(&self) -> Result<Vec<ForecastRunSummary>> {
        // The time is read as text first and parsed after, into the store's error.
        let raw: Vec<(String, ForecastRunSummary)> = rows(
            &self.conn,
            "SELECT id, label, made_at, made_by, base_year, until, scenarios, bytes FROM forecast_run
             ORDER BY made_at DESC, id DESC",
            [],
            |r| {
                let scenarios: String = r.get(6)?;
                let bytes: i64 = r.get(7)?;
                Ok((
                    r.get(2)?,
                    ForecastRunSummary {
                        id: ForecastRunId(r.get(0)?),
                        label: r.get(1)?,
                        made_at: NaiveDateTime::default(),
                        made_by: r.get(3)?,
                        base_year: r.get(4)?,
                        until: r.get(5)?,
                        scenarios: shared::scenario_names(&scenarios),
                        bytes: bytes.max(0) as u64,
                    },
                ))
            },
        )?;
        raw.into_iter()
            .map(|(made_at, summary)| {
                Ok(ForecastRunSummary {
                    made_at: time(&made_at)?,
                    ..summary
                })
            })
            .collect()
    }

    fn forecast_run(&self, id: ForecastRunId) -> Result<Option<forecast::Run>> {
        let body: Option<String> = self
            .conn
            .prepare_cached("SELECT body FROM forecast_run WHERE id = ?1")?
            .query_row([id.0], |r| r.get(0))
            .optional()?;
        body.map(|body| shared::run_from_body(id.0, &body)).transpose()
    }

    fn restore_forecast_run(&mut self, id: ForecastRunId, run: &forecast::Run) -> Result<()> {
        let columns = shared::run_columns(run)?;
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            insert_run(&tx, Some(id.0), &columns)?;
            tx.commit()?;
            Ok(())
        })
    }
}

/// One run's row: its id given (a restore) or the next one (a save, NULL
/// into the INTEGER PRIMARY KEY). Returns the id.
fn insert_run(tx: &rusqlite::Transaction<'_>, id: Option<i64>, columns: &shared::RunColumns) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO forecast_run (id, label, made_at, made_by, base_year, until, scenarios, bytes, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        id,
        columns.label,
        shared::micros(columns.made_at).format(TIME_FORMAT).to_string(),
        columns.made_by,
        columns.base_year,
        columns.until,
        columns.scenarios,
        columns.body.len() as i64,
        columns.body,
    ])?;
    Ok(tx.last_insert_rowid())
}
