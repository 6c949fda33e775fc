//! `Store::year_snapshot`: one school year read into compact indexed rows,
//! one query per table, codes mapped to indices on the way — and kept in
//! `snapshot_cache` (postcard-encoded) while the year's revisions are
//! current, so indicators over a whole city's years load in a blink and are
//! still fresh right after an import (see `migrations/sqlite/0002_*.sql`).

use std::collections::HashMap;

use registry::snapshot::{
    AreaRef, ClassRow, FacilityRow, PopulationRow, SchoolRow, StudentRow, TeacherRow, YearSnapshot, NONE,
    STAGES,
};
use registry::{
    AreaCode, AreaLevel, Grade, KeyTeacherLevel, Location, Ownership, Qualification, QualityRating,
    SchoolCode, SchoolYear, Sex, Stage, Subject, Title,
};
use rusqlite::Row;

use super::SqliteStore;
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
        let mut snapshot = YearSnapshot {
            school_year: year,
            ..YearSnapshot::default()
        };
        let mut counties = Interner::default();
        let mut townships = Interner::default();
        let mut groups: HashMap<String, u32> = HashMap::new();

        // Schools, by database id → snapshot index.
        let mut school_index: HashMap<i64, u32> = HashMap::new();
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
                let county = counties.index(r.get_ref(3)?.as_str()?);
                let township = match r.get_ref(4)?.as_str_or_null()? {
                    Some(code) => townships.index(code),
                    None => NONE,
                };
                let school_group = match r.get_ref(5)?.as_str_or_null()? {
                    Some(name) => *groups.entry(name.to_owned()).or_insert_with(|| {
                        snapshot.school_groups.push(name.to_owned());
                        (snapshot.school_groups.len() - 1) as u32
                    }),
                    None => NONE,
                };
                let facility = match r.get::<_, Option<f64>>(10)? {
                    Some(teaching_floor_area) => Some(FacilityRow {
                        teaching_floor_area,
                        sports_ground_area: r.get(11)?,
                        equipment_value: r.get(12)?,
                        multimedia_classrooms: r.get(13)?,
                    }),
                    None => None,
                };
                school_index.insert(r.get(0)?, snapshot.schools.len() as u32);
                snapshot.schools.push(SchoolRow {
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
                });
            }
            let mut stmt = self
                .conn
                .prepare("SELECT school_id, stage, seats FROM school_stage")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let stage = code(r, 1, Stage::from_code)?.index();
                let school = school_index
                    .get(&r.get(0)?)
                    .and_then(|i| snapshot.schools.get_mut(*i as usize));
                if let Some(school) = school {
                    if let (Some(serves), Some(seats)) =
                        (school.serves.get_mut(stage), school.seats.get_mut(stage))
                    {
                        *serves = true;
                        *seats = r.get(2)?;
                    }
                }
            }
        }
        let school_of = |id: i64| school_index.get(&id).copied().unwrap_or(NONE);

        let mut class_index: HashMap<i64, u32> = HashMap::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT id, school_id, stage, grade, size FROM class WHERE school_year = ?1")?;
            let mut rows = stmt.query([year.0])?;
            while let Some(r) = rows.next()? {
                class_index.insert(r.get(0)?, snapshot.classes.len() as u32);
                snapshot.classes.push(ClassRow {
                    school: school_of(r.get(1)?),
                    stage: code(r, 2, Stage::from_code)?,
                    grade: Grade(r.get(3)?),
                    size: r.get(4)?,
                });
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
                let class = match r.get::<_, Option<i64>>(1)? {
                    Some(id) => class_index.get(&id).copied().unwrap_or(NONE),
                    None => NONE,
                };
                snapshot.students.push(StudentRow {
                    school: school_of(r.get(0)?),
                    class,
                    stage: code(r, 2, Stage::from_code)?,
                    grade: Grade(r.get(3)?),
                    sex: code(r, 4, Sex::from_code)?,
                    migrant_child: r.get(5)?,
                    boarder: r.get(6)?,
                    myopic: r.get(7)?,
                });
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
                snapshot.teachers.push(TeacherRow {
                    school: school_of(r.get(0)?),
                    stage: code(r, 1, Stage::from_code)?,
                    subject: code(r, 2, Subject::from_code)?,
                    title: code(r, 3, Title::from_code)?,
                    key_teacher_level: code(r, 4, KeyTeacherLevel::from_code)?,
                    qualification: code(r, 5, Qualification::from_code)?,
                    sex: code(r, 6, Sex::from_code)?,
                    birth_year: r.get(7)?,
                    joined_school_year: SchoolYear(r.get(8)?),
                });
            }
        }
        {
            let mut stmt = self
                .conn
                .prepare("SELECT township_code, age, children FROM population WHERE school_year = ?1")?;
            let mut rows = stmt.query([year.0])?;
            while let Some(r) = rows.next()? {
                snapshot.population.push(PopulationRow {
                    township: townships.index(r.get_ref(0)?.as_str()?),
                    age: r.get(1)?,
                    children: r.get(2)?,
                });
            }
        }

        snapshot.counties = self.area_refs(counties.codes)?;
        snapshot.townships = self.area_refs(townships.codes)?;
        snapshot.city = snapshot
            .counties
            .first()
            .and_then(|c| c.code.ancestor(AreaLevel::City));
        Ok(snapshot)
    }

    fn area_refs(&self, codes: Vec<String>) -> Result<Vec<AreaRef>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name FROM area WHERE code = ?1")?;
        codes
            .into_iter()
            .map(|text| {
                let name: Option<String> = stmt.query_row([&text], |r| r.get(0)).ok();
                let code = AreaCode::parse(&text).map_err(|e| StoreError::Corrupt(e.0))?;
                Ok(AreaRef {
                    code,
                    name: name.unwrap_or_default(),
                })
            })
            .collect()
    }
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

fn code<T>(r: &Row<'_>, index: usize, from_code: fn(&str) -> Option<T>) -> Result<T> {
    let text = r.get_ref(index)?.as_str()?;
    from_code(text).ok_or_else(|| StoreError::Corrupt(format!("未知代码“{text}”")))
}
