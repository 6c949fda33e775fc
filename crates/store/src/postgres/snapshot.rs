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
    AreaRef, ClassRow, FacilityRow, PopulationRow, SchoolRow, StudentRow, TeacherRow, YearSnapshot, NONE,
    STAGES,
};
use registry::{
    AreaCode, AreaLevel, Grade, KeyTeacherLevel, Location, Ownership, Qualification, QualityRating,
    SchoolCode, SchoolYear, Sex, Stage, Subject, Title,
};
use rustc_hash::FxHashMap;

use super::read::{int, text, vocab};
use super::PgStore;
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
    let mut snapshot = YearSnapshot {
        school_year: year,
        ..YearSnapshot::default()
    };
    let mut counties = Interner::default();
    let mut townships = Interner::default();
    let mut groups: HashMap<String, u32> = HashMap::new();

    // Schools, by database id → snapshot index.
    // Looked up once per student and teacher: integer keys, a fast hash.
    let mut school_index: FxHashMap<i64, u32> = FxHashMap::default();
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
            let county = counties.index(text(r, 3)?);
            let township = match r.try_get::<_, Option<&str>>(4)? {
                Some(code) => townships.index(code),
                None => NONE,
            };
            let school_group = match r.try_get::<_, Option<&str>>(5)? {
                Some(name) => *groups.entry(name.to_owned()).or_insert_with(|| {
                    snapshot.school_groups.push(name.to_owned());
                    (snapshot.school_groups.len() - 1) as u32
                }),
                None => NONE,
            };
            let facility = match r.try_get::<_, Option<f64>>(10)? {
                Some(teaching_floor_area) => Some(FacilityRow {
                    teaching_floor_area,
                    sports_ground_area: r.try_get(11)?,
                    equipment_value: r.try_get(12)?,
                    multimedia_classrooms: int(r, 13)?,
                }),
                None => None,
            };
            school_index.insert(r.try_get(0)?, snapshot.schools.len() as u32);
            snapshot.schools.push(SchoolRow {
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
            });
            Ok(())
        },
    )?;
    each(tx, "SELECT school_id, stage, seats FROM school_stage", &[], |r| {
        let stage = vocab(r, 1, Stage::from_code)?.index();
        let school = school_index
            .get(&r.try_get(0)?)
            .and_then(|i| snapshot.schools.get_mut(*i as usize));
        if let Some(school) = school {
            if let (Some(serves), Some(seats)) = (school.serves.get_mut(stage), school.seats.get_mut(stage)) {
                *serves = true;
                *seats = int(r, 2)?;
            }
        }
        Ok(())
    })?;
    let school_of = |id: i64| school_index.get(&id).copied().unwrap_or(NONE);

    let mut class_index: FxHashMap<i64, u32> = FxHashMap::default();
    each(
        tx,
        "SELECT id, school_id, stage, grade, size FROM class WHERE school_year = $1",
        &[&y],
        |r| {
            class_index.insert(r.try_get(0)?, snapshot.classes.len() as u32);
            snapshot.classes.push(ClassRow {
                school: school_of(r.try_get(1)?),
                stage: vocab(r, 2, Stage::from_code)?,
                grade: Grade(int(r, 3)?),
                size: int(r, 4)?,
            });
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
            let class = match r.try_get::<_, Option<i64>>(1)? {
                Some(id) => class_index.get(&id).copied().unwrap_or(NONE),
                None => NONE,
            };
            snapshot.students.push(StudentRow {
                school: school_of(r.try_get(0)?),
                class,
                stage: vocab(r, 2, Stage::from_code)?,
                grade: Grade(int(r, 3)?),
                sex: vocab(r, 4, Sex::from_code)?,
                migrant_child: r.try_get(5)?,
                boarder: r.try_get(6)?,
                myopic: r.try_get(7)?,
            });
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
            snapshot.teachers.push(TeacherRow {
                school: school_of(r.try_get(0)?),
                stage: vocab(r, 1, Stage::from_code)?,
                subject: vocab(r, 2, Subject::from_code)?,
                title: vocab(r, 3, Title::from_code)?,
                key_teacher_level: vocab(r, 4, KeyTeacherLevel::from_code)?,
                qualification: vocab(r, 5, Qualification::from_code)?,
                sex: vocab(r, 6, Sex::from_code)?,
                birth_year: int(r, 7)?,
                joined_school_year: SchoolYear(int(r, 8)?),
            });
            Ok(())
        },
    )?;
    each(
        tx,
        "SELECT township_code, age, children FROM population WHERE school_year = $1",
        &[&y],
        |r| {
            snapshot.population.push(PopulationRow {
                township: townships.index(text(r, 0)?),
                age: int(r, 1)?,
                children: int(r, 2)?,
            });
            Ok(())
        },
    )?;

    snapshot.counties = area_refs(tx, counties.codes)?;
    snapshot.townships = area_refs(tx, townships.codes)?;
    snapshot.city = snapshot
        .counties
        .first()
        .and_then(|c| c.code.ancestor(AreaLevel::City));
    Ok(snapshot)
}

/// The codes with their names, in the codes' order (a code the area table
/// does not hold gets an empty name, as on SQLite).
fn area_refs(tx: &mut Transaction<'_>, codes: Vec<String>) -> Result<Vec<AreaRef>> {
    let mut names: HashMap<String, String> = HashMap::new();
    for r in tx.query("SELECT code, name FROM area WHERE code = ANY($1)", &[&codes])? {
        names.insert(r.try_get(0)?, r.try_get(1)?);
    }
    codes
        .into_iter()
        .map(|text| {
            let code = AreaCode::parse(&text).map_err(|e| StoreError::Corrupt(e.0))?;
            Ok(AreaRef {
                code,
                name: names.remove(&text).unwrap_or_default(),
            })
        })
        .collect()
}

/// Area codes numbered in order of first sight.
#[derive(Default)]
struct Interner {
    codes: Vec<String>,
    index: HashMap<String, u32>,
}

impl Interner {
    fn index(&mut self, code: &str) -> u32 {
        if let Some(i) = self.index.get(code) {
            return *i;
        }
        self.codes.push(code.to_owned());
        let i = (self.codes.len() - 1) as u32;
        self.index.insert(code.to_owned(), i);
        i
    }
}
