//! [`Snapshots`] on PostgreSQL: one school year read into compact indexed
//! rows, one streamed query per table, and kept in `snapshot_cache`
//! (postcard-encoded) while the year's revisions are current — as SQLite's
//! `sqlite/snapshot.rs` does.
//!
//! The revisions, the cache and the rows are read in one `REPEATABLE READ`
//! transaction, so a snapshot is exactly the data its revisions name, even
//! while another server writes. Rows are decoded as they arrive (the
//! client's `query_raw`), so a province's millions of enrolments never sit
//! in memory twice.

use std::collections::HashMap;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{IsolationLevel, Row, Transaction};
use registry::snapshot::{
    ClassRow, FacilityRow, PopulationRow, SchoolRow, StudentRow, TeacherRow, YearSnapshot, STAGES,
};
use registry::{
    Grade, KeyTeacherLevel, Location, Ownership, Qualification, QualityRating, SchoolCode, SchoolYear, Sex,
    Stage, Subject, Title,
};

use super::read::{int, text, vocab};
use super::PgStore;
use crate::assembly::SnapshotAssembly;
use crate::{Result, Snapshots, StoreError};

impl Snapshots for PgStore {
    fn year_snapshot(&self, year: SchoolYear) -> Result<YearSnapshot> {
        let y = i32::from(year.0);
        let (snapshot, key) = {
            let mut conn = self.conn.borrow_mut();
            let mut tx = conn
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let revisions = tx.query_one(
                "SELECT coalesce((SELECT revision FROM registry_revision WHERE school_year = $1), 0),
                        coalesce((SELECT revision FROM registry_revision WHERE school_year = 0), 0)",
                &[&y],
            )?;
            let (year_revision, school_revision): (i64, i64) = (revisions.try_get(0)?, revisions.try_get(1)?);
            let cached = tx.query_opt(
                "SELECT data FROM snapshot_cache
                 WHERE school_year = $1 AND year_revision = $2 AND school_revision = $3",
                &[&y, &year_revision, &school_revision],
            )?;
            if let Some(r) = cached {
                match postcard::from_bytes::<YearSnapshot>(r.try_get::<_, &[u8]>(0)?) {
                    Ok(snapshot) => return Ok(snapshot),
                    Err(err) => tracing::warn!(%err, year = year.0, "cached snapshot unreadable; rebuilding"),
                }
            }
            let snapshot = load_snapshot(&mut tx, year)?;
            tx.commit()?;
            (snapshot, (year_revision, school_revision))
        };
        if let Err(err) = self.store_snapshot(&snapshot, key) {
            tracing::warn!(%err, year = year.0, "snapshot not cached");
        }
        Ok(snapshot)
    }

    fn registry_revision(&self) -> Result<i64> {
        // Asked on every request: a prepared statement, read every time (no
        // copy kept here), so servers sharing the database see each other.
        match self.row(
            "SELECT coalesce(sum(revision), 0)::bigint FROM registry_revision",
            &[],
        )? {
            Some(r) => Ok(r.try_get(0)?),
            None => Ok(0),
        }
    }
}

impl PgStore {
    /// Keeps a built snapshot for the revisions it was read at. A cache
    /// that cannot be written only costs speed, so this never waits long
    /// for a lock (another connection's write holding the row): it gives
    /// up after a moment instead of holding up the reader.
    fn store_snapshot(
        &self,
        snapshot: &YearSnapshot,
        (year_revision, school_revision): (i64, i64),
    ) -> Result<()> {
        let data = postcard::to_allocvec(snapshot).map_err(|e| StoreError::Backend(e.to_string()))?;
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        tx.batch_execute("SET LOCAL lock_timeout = '50ms'")?;
        // A newer snapshot cached meanwhile by another server is kept.
        tx.execute(
            "INSERT INTO snapshot_cache (school_year, year_revision, school_revision, data)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (school_year) DO UPDATE SET year_revision = excluded.year_revision,
                 school_revision = excluded.school_revision, data = excluded.data
             WHERE snapshot_cache.year_revision <= excluded.year_revision
               AND snapshot_cache.school_revision <= excluded.school_revision",
            &[
                &i32::from(snapshot.school_year.0),
                &year_revision,
                &school_revision,
                &data,
            ],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Visits the rows of `sql` as they arrive.
fn each(
    tx: &mut Transaction<'_>,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    mut visit: impl FnMut(&Row) -> Result<()>,
) -> Result<()> {
    let mut rows = tx.query_raw(sql, params.iter().copied())?;
    while let Some(r) = rows.next()? {
        visit(&r)?;
    }
    Ok(())
}

fn load_snapshot(tx: &mut Transaction<'_>, year: SchoolYear) -> Result<YearSnapshot> {
    let y = i32::from(year.0);
    let mut a = SnapshotAssembly::new(year);

    each(
        tx,
        "SELECT s.id, s.code, s.name, s.county_code, s.township_code, s.school_group,
                s.ownership, s.inclusive, s.quality_rating, s.location,
                f.teaching_floor_area, f.sports_ground_area, f.equipment_value,
                f.multimedia_classrooms
         FROM school s
         LEFT JOIN school_facility f ON f.school_id = s.id AND f.school_year = $1
         ORDER BY s.code COLLATE \"C\"",
        &[&y],
        |r| {
            let county = a.county(text(r, 3)?);
            let township = a.township(r.try_get(4)?);
            let school_group = a.school_group(r.try_get(5)?);
            let facility = match r.try_get::<_, Option<f64>>(10)? {
                Some(teaching_floor_area) => Some(FacilityRow {
                    teaching_floor_area,
                    sports_ground_area: r.try_get(11)?,
                    equipment_value: r.try_get(12)?,
                    multimedia_classrooms: int(r, 13)?,
                }),
                None => None,
            };
            let row = SchoolRow {
                code: SchoolCode::parse(text(r, 1)?).map_err(|e| StoreError::Corrupt(e.0))?,
                name: r.try_get(2)?,
                county,
                township,
                school_group,
                ownership: vocab(r, 6, Ownership::from_code)?,
                inclusive: r.try_get(7)?,
                quality_rating: vocab(r, 8, QualityRating::from_code)?,
                location: vocab(r, 9, Location::from_code)?,
                serves: [false; STAGES],
                seats: [0; STAGES],
                facility,
            };
            a.push_school(r.try_get(0)?, row);
            Ok(())
        },
    )?;
    each(tx, "SELECT school_id, stage, seats FROM school_stage", &[], |r| {
        let stage = vocab(r, 1, Stage::from_code)?.index();
        a.school_stage(r.try_get(0)?, stage, || int(r, 2))
    })?;
    each(
        tx,
        "SELECT id, school_id, stage, grade, size FROM class WHERE school_year = $1",
        &[&y],
        |r| {
            let row = ClassRow {
                school: a.school_of(r.try_get(1)?),
                stage: vocab(r, 2, Stage::from_code)?,
                grade: Grade(int(r, 3)?),
                size: int(r, 4)?,
            };
            a.push_class(r.try_get(0)?, row);
            Ok(())
        },
    )?;
    each(
        tx,
        "SELECT e.school_id, e.class_id, e.stage, e.grade, st.sex, e.migrant_child, e.boarder, e.myopic
         FROM enrolment e JOIN student st ON st.id = e.student_id
         WHERE e.school_year = $1",
        &[&y],
        |r| {
            let row = StudentRow {
                school: a.school_of(r.try_get(0)?),
                class: a.class_of(r.try_get(1)?),
                stage: vocab(r, 2, Stage::from_code)?,
                grade: Grade(int(r, 3)?),
                sex: vocab(r, 4, Sex::from_code)?,
                migrant_child: r.try_get(5)?,
                boarder: r.try_get(6)?,
                myopic: r.try_get(7)?,
            };
            a.snapshot.students.push(row);
            Ok(())
        },
    )?;
    each(
        tx,
        "SELECT p.school_id, p.stage, p.subject, p.title, p.key_teacher_level, p.qualification,
                t.sex, t.birth_year, p.joined_school_year
         FROM teaching_post p JOIN teacher t ON t.id = p.teacher_id
         WHERE p.school_year = $1",
        &[&y],
        |r| {
            let row = TeacherRow {
                school: a.school_of(r.try_get(0)?),
                stage: vocab(r, 1, Stage::from_code)?,
                subject: vocab(r, 2, Subject::from_code)?,
                title: vocab(r, 3, Title::from_code)?,
                key_teacher_level: vocab(r, 4, KeyTeacherLevel::from_code)?,
                qualification: vocab(r, 5, Qualification::from_code)?,
                sex: vocab(r, 6, Sex::from_code)?,
                birth_year: int(r, 7)?,
                joined_school_year: SchoolYear(int(r, 8)?),
            };
            a.snapshot.teachers.push(row);
            Ok(())
        },
    )?;
    each(
        tx,
        "SELECT township_code, age, children FROM population WHERE school_year = $1",
        &[&y],
        |r| {
            let row = PopulationRow {
                township: a.population_township(text(r, 0)?),
                age: int(r, 1)?,
                children: int(r, 2)?,
            };
            a.snapshot.population.push(row);
            Ok(())
        },
    )?;

    // A code the area table does not hold gets an empty name, as on SQLite.
    a.finish(|codes| {
        let mut names = HashMap::new();
        for r in tx.query("SELECT code, name FROM area WHERE code = ANY($1)", &[&codes])? {
            names.insert(r.try_get(0)?, r.try_get(1)?);
        }
        Ok(names)
    })
}
