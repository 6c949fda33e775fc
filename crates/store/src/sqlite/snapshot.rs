//! `Store::year_snapshot`: one school year read into compact indexed rows,
//! one query per table, codes mapped to indices on the way — and kept in
//! `snapshot_cache` (postcard-encoded) while the year's revisions are
//! current, so indicators over a whole city's years load in a blink and are
//! still fresh right after an import (see `migrations/sqlite/0002_*.sql`).

use std::collections::HashMap;

use registry::snapshot::{
    ClassRow, FacilityRow, PopulationRow, SchoolRow, StudentRow, TeacherRow, YearSnapshot, STAGES,
};
use registry::{
    Grade, KeyTeacherLevel, Location, Ownership, Qualification, QualityRating, SchoolCode, SchoolYear, Sex,
    Stage, Subject, Title,
};
use rusqlite::Row;

use super::SqliteStore;
use crate::assembly::SnapshotAssembly;
use crate::{Result, StoreError};

impl SqliteStore {
    pub(crate) fn cached_snapshot(&self, year: SchoolYear) -> Result<YearSnapshot> {
        let revision = |y: u16| -> Result<i64> {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT revision FROM registry_revision WHERE school_year = ?1")?;
            let mut rows = stmt.query([y])?;
            Ok(match rows.next()? {
                Some(r) => r.get(0)?,
                None => 0,
            })
        };
        // Read the revisions before the data: a write in between can only
        // make the cached data newer than its key, never older.
        let (year_revision, school_revision) = (revision(year.0)?, revision(0)?);
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT data FROM snapshot_cache
                 WHERE school_year = ?1 AND year_revision = ?2 AND school_revision = ?3",
            )?;
            let mut rows = stmt.query(rusqlite::params![year.0, year_revision, school_revision])?;
            if let Some(r) = rows.next()? {
                match postcard::from_bytes::<YearSnapshot>(r.get_ref(0)?.as_blob()?) {
                    Ok(snapshot) => return Ok(snapshot),
                    Err(err) => tracing::warn!(%err, year = year.0, "cached snapshot unreadable; rebuilding"),
                }
            }
        }
        let snapshot = self.load_snapshot(year)?;
        // A cache that cannot be written (read-only file, busy writer) only
        // costs speed; the answer is the same. So it does not wait for the
        // write lock: behind a long import it would hold up the reader (the
        // web's indicators) for the whole busy timeout.
        let _ = self.conn.busy_timeout(std::time::Duration::ZERO);
        let stored = postcard::to_allocvec(&snapshot)
            .map_err(|e| e.to_string())
            .and_then(|data| {
                self.conn
                    .execute(
                        "INSERT INTO snapshot_cache (school_year, year_revision, school_revision, data)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (school_year) DO UPDATE SET year_revision = excluded.year_revision,
                         school_revision = excluded.school_revision, data = excluded.data",
                        rusqlite::params![year.0, year_revision, school_revision, data],
                    )
                    .map_err(|e| e.to_string())
            });
        self.conn.busy_timeout(super::BUSY_TIMEOUT)?;
        if let Err(err) = stored {
            tracing::warn!(%err, year = year.0, "snapshot not cached");
        }
        Ok(snapshot)
    }

    pub(crate) fn load_snapshot(&self, year: SchoolYear) -> Result<YearSnapshot> {
        let mut a = SnapshotAssembly::new(year);
        {
            let mut stmt = self.conn.prepare(
                "SELECT s.id, s.code, s.name, s.county_code, s.township_code, s.school_group,
                        s.ownership, s.inclusive, s.quality_rating, s.location,
                        f.teaching_floor_area, f.sports_ground_area, f.equipment_value,
                        f.multimedia_classrooms
                 FROM school s
                 LEFT JOIN school_facility f ON f.school_id = s.id AND f.school_year = ?1
                 ORDER BY s.code",
            )?;
            let mut rows = stmt.query([year.0])?;
            while let Some(r) = rows.next()? {
                let county = a.county(r.get_ref(3)?.as_str()?);
                let township = a.township(r.get_ref(4)?.as_str_or_null()?);
                let school_group = a.school_group(r.get_ref(5)?.as_str_or_null()?);
                let facility = match r.get::<_, Option<f64>>(10)? {
                    Some(teaching_floor_area) => Some(FacilityRow {
                        teaching_floor_area,
                        sports_ground_area: r.get(11)?,
                        equipment_value: r.get(12)?,
                        multimedia_classrooms: r.get(13)?,
                    }),
                    None => None,
                };
                let row = SchoolRow {
                    code: SchoolCode::parse(r.get_ref(1)?.as_str()?).map_err(|e| StoreError::Corrupt(e.0))?,
                    name: r.get(2)?,
                    county,
                    township,
                    school_group,
                    ownership: code(r, 6, Ownership::from_code)?,
                    inclusive: r.get(7)?,
                    quality_rating: code(r, 8, QualityRating::from_code)?,
                    location: code(r, 9, Location::from_code)?,
                    serves: [false; STAGES],
                    seats: [0; STAGES],
                    facility,
                };
                a.push_school(r.get(0)?, row);
            }
            let mut stmt = self
                .conn
                .prepare("SELECT school_id, stage, seats FROM school_stage")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let stage = code(r, 1, Stage::from_code)?.index();
                a.school_stage(r.get(0)?, stage, || Ok(r.get(2)?))?;
            }
        }
        {
            let mut stmt = self
                .conn
                .prepare("SELECT id, school_id, stage, grade, size FROM class WHERE school_year = ?1")?;
            let mut rows = stmt.query([year.0])?;
            while let Some(r) = rows.next()? {
                let row = ClassRow {
                    school: a.school_of(r.get(1)?),
                    stage: code(r, 2, Stage::from_code)?,
                    grade: Grade(r.get(3)?),
                    size: r.get(4)?,
                };
                a.push_class(r.get(0)?, row);
            }
        }
        {
            let mut stmt = self.conn.prepare(
                "SELECT e.school_id, e.class_id, e.stage, e.grade, st.sex, e.migrant_child, e.boarder, e.myopic
                 FROM enrolment e JOIN student st ON st.id = e.student_id
                 WHERE e.school_year = ?1",
            )?;
            let mut rows = stmt.query([year.0])?;
            while let Some(r) = rows.next()? {
                let row = StudentRow {
                    school: a.school_of(r.get(0)?),
                    class: a.class_of(r.get(1)?),
                    stage: code(r, 2, Stage::from_code)?,
                    grade: Grade(r.get(3)?),
                    sex: code(r, 4, Sex::from_code)?,
                    migrant_child: r.get(5)?,
                    boarder: r.get(6)?,
                    myopic: r.get(7)?,
                };
                a.snapshot.students.push(row);
            }
        }
        {
            let mut stmt = self.conn.prepare(
                "SELECT p.school_id, p.stage, p.subject, p.title, p.key_teacher_level, p.qualification,
                        t.sex, t.birth_year, p.joined_school_year
                 FROM teaching_post p JOIN teacher t ON t.id = p.teacher_id
                 WHERE p.school_year = ?1",
            )?;
            let mut rows = stmt.query([year.0])?;
            while let Some(r) = rows.next()? {
                let row = TeacherRow {
                    school: a.school_of(r.get(0)?),
                    stage: code(r, 1, Stage::from_code)?,
                    subject: code(r, 2, Subject::from_code)?,
                    title: code(r, 3, Title::from_code)?,
                    key_teacher_level: code(r, 4, KeyTeacherLevel::from_code)?,
                    qualification: code(r, 5, Qualification::from_code)?,
                    sex: code(r, 6, Sex::from_code)?,
                    birth_year: r.get(7)?,
                    joined_school_year: SchoolYear(r.get(8)?),
                };
                a.snapshot.teachers.push(row);
            }
        }
        {
            let mut stmt = self
                .conn
                .prepare("SELECT township_code, age, children FROM population WHERE school_year = ?1")?;
            let mut rows = stmt.query([year.0])?;
            while let Some(r) = rows.next()? {
                let row = PopulationRow {
                    township: a.population_township(r.get_ref(0)?.as_str()?),
                    age: r.get(1)?,
                    children: r.get(2)?,
                };
                a.snapshot.population.push(row);
            }
        }

        let mut stmt = self
            .conn
            .prepare_cached("SELECT name FROM area WHERE code = ?1")?;
        a.finish(|codes| {
            let mut names = HashMap::new();
            for code in codes {
                // A code the area table does not hold gets an empty name.
                if let Ok(name) = stmt.query_row([code], |r| r.get::<_, String>(0)) {
                    names.insert(code.clone(), name);
                }
            }
            Ok(names)
        })
    }
}

fn code<T>(r: &Row<'_>, index: usize, from_code: fn(&str) -> Option<T>) -> Result<T> {
    let text = r.get_ref(index)?.as_str()?;
    from_code(text).ok_or_else(|| StoreError::Corrupt(format!("未知代码“{text}”")))
}
