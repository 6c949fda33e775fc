//! `ForecastStore` on PostgreSQL, the semantics of SQLite's
//! `sqlite/forecast.rs`: the history's aggregates in one read-only
//! repeatable-read transaction, runs written with their audit line.

use chrono::{NaiveDate, NaiveDateTime};
use postgres::{GenericClient, IsolationLevel};

use super::PgStore;
use crate::forecast::{self as shared, Aggregates, ForecastRunId, ForecastRunSummary, STAGE_CODES_SQL};
use crate::{AuditAction, ForecastStore, Result};

fn aggregates(conn: &mut impl GenericClient) -> Result<Aggregates> {
    let mut a = Aggregates::default();
    for r in conn.query(
        "SELECT DISTINCT s.county_code, coalesce(a.name, '')
         FROM school s LEFT JOIN area a ON a.code = s.county_code",
        &[],
    )? {
        a.counties.push((r.try_get(0)?, r.try_get(1)?));
    }
    // Code order (bytes, as SQLite sorts): the first names the city.
    a.counties.sort();
    if let Some(city) = shared::city_of(&a.counties) {
        if let Some(r) = conn.query_opt("SELECT name FROM area WHERE code = $1", &[&city.as_str()])? {
            a.city_name = r.try_get(0)?;
        }
    }
    for r in conn.query("SELECT id, code, county_code, ownership FROM school", &[])? {
        a.schools
            .push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
    }
    for r in conn.query(
        &format!("SELECT school_id, stage, seats FROM school_stage WHERE stage IN {STAGE_CODES_SQL}"),
        &[],
    )? {
        let seats: i32 = r.try_get(2)?;
        a.school_stages
            .push((r.try_get(0)?, r.try_get(1)?, i64::from(seats)));
    }
    for r in conn.query(
        &format!(
            "SELECT school_year, school_id, stage, grade, count(*) FROM enrolment
             WHERE stage IN {STAGE_CODES_SQL}
             GROUP BY school_year, school_id, stage, grade"
        ),
        &[],
    )? {
        a.enrolment.push((
            r.try_get(0)?,
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get(3)?,
            r.try_get(4)?,
        ));
    }
    for r in conn.query(
        &format!(
            "SELECT school_year, school_id, stage, count(*) FROM class
             WHERE stage IN {STAGE_CODES_SQL}
             GROUP BY school_year, school_id, stage"
        ),
        &[],
    )? {
        a.classes
            .push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
    }
    for r in conn.query(
        "SELECT school_year, substr(township_code, 1, 6), age, sum(children)::bigint FROM population
         WHERE age BETWEEN 0 AND 18
         GROUP BY school_year, substr(township_code, 1, 6), age",
        &[],
    )? {
        a.population
            .push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
    }
    for r in conn.query("SELECT year, county_code, births FROM births", &[])? {
        let births: i32 = r.try_get(2)?;
        a.births.push((r.try_get(0)?, r.try_get(1)?, i64::from(births)));
    }
    Ok(a)
}

impl ForecastStore for PgStore {
    fn forecast_history(&self, as_of: NaiveDate) -> Result<forecast::History> {
        let (aggregates, projects) = {
            let mut conn = self.conn.borrow_mut();
            let mut tx = conn
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let aggregates = aggregates(&mut tx)?;
            let projects = super::plans::projects_where(&mut tx, "true", &[])?;
            tx.commit()?;
            (aggregates, projects)
        };
        shared::history_from(aggregates, &projects, as_of)
    }

    fn save_forecast_run(&mut self, run: &forecast::Run, actor: &str) -> Result<ForecastRunId> {
        let columns = shared::run_columns(run)?;
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        let id = ForecastRunId(insert_run(&mut tx, None, &columns)?);
        tx.execute(
            "INSERT INTO audit_log (actor, action, detail) VALUES ($1, $2, $3)",
            &[
                &actor,
                &AuditAction::ForecastSaved.code(),
                &shared::run_audit_detail(id, &columns),
            ],
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn forecast_runs(&self) -> Result<Vec<ForecastRunSummary>> {
        self.conn
            .borrow_mut()
            .query(
                "SELECT id, label, made_at, made_by, base_year, until, scenarios, bytes FROM forecast_run
                 ORDER BY made_at DESC, id DESC",
                &[],
            )?
            .iter()
            .map(|r| {
                let made_at: NaiveDateTime = r.try_get(2)?;
                let bytes: i64 = r.try_get(7)?;
                let scenarios: String = r.try_get(6)?;
                Ok(ForecastRunSummary {
                    id: ForecastRunId(r.try_get(0)?),
                    label: r.try_get(1)?,
                    made_at,
                    made_by: r.try_get(3)?,
                    base_year: r.try_get(4)?,
                    until: r.try_get(5)?,
                    scenarios: shared::scenario_names(&scenarios),
                    bytes: bytes.max(0) as u64,
                })
            })
            .collect()
    }

    fn forecast_run(&self, id: ForecastRunId) -> Result<Option<forecast::Run>> {
        let row = self
            .conn
            .borrow_mut()
            .query_opt("SELECT body FROM forecast_run WHERE id = $1", &[&id.0])?;
        match row {
            Some(r) => {
                let body: String = r.try_get(0)?;
                shared::run_from_body(id.0, &body).map(Some)
            }
            None => Ok(None),
        }
    }

    fn restore_forecast_run(&mut self, id: ForecastRunId, run: &forecast::Run) -> Result<()> {
        let columns = shared::run_columns(run)?;
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        insert_run(&mut tx, Some(id.0), &columns)?;
        super::plans::advance_identity(&mut tx, "forecast_run")?;
        tx.commit()?;
        Ok(())
    }
}

/// One run's row: its id given (a restore) or the identity's next (a save).
/// Returns the id.
fn insert_run(
    tx: &mut postgres::Transaction<'_>,
    id: Option<i64>,
    columns: &shared::RunColumns,
) -> Result<i64> {
    let row = tx.query_one(
        "INSERT INTO forecast_run (id, label, made_at, made_by, base_year, until, scenarios, bytes, body)
         VALUES (COALESCE($1, nextval(pg_get_serial_sequence('forecast_run', 'id'))), $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING id",
        &[
            &id,
            &columns.label,
            &shared::micros(columns.made_at),
            &columns.made_by,
            &columns.base_year,
            &columns.until,
            &columns.scenarios,
            &(columns.body.len() as i64),
            &columns.body,
        ],
    )?;
    Ok(row.try_get(0)?)
}
