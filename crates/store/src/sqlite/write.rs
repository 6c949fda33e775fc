//! `Store::apply`: one change set, one transaction, upsert by natural key.

use std::collections::{HashMap, HashSet};

use registry::{ChangeSet, ClassKey, Grade, SchoolCode, SchoolYear};
use rusqlite::{params, Transaction};

use super::SqliteStore;
use crate::{ApplyCounts, ApplyOptions, ApplyOutcome, ClassSizeMismatch, Progress, Result, StoreError};

/// How often the progress callback is called, in rows.
const PROGRESS_EVERY: u64 = 20_000;

impl SqliteStore {
    pub(crate) fn apply_changes(
        &mut self,
        changes: &ChangeSet,
        options: ApplyOptions,
        progress: Progress<'_>,
    ) -> Result<ApplyOutcome> {
        let total = changes.len() as u64;
        let mut done = 0u64;
        let mut tick = |n: u64, progress: &mut dyn FnMut(u64, u64)| {
            let before = done / PROGRESS_EVERY;
            done += n;
            if done / PROGRESS_EVERY != before || done == total {
                progress(done, total);
            }
        };
        let tx = self.conn.transaction()?;
        let mut counts = ApplyCounts::default();

        counts.schools = upsert_schools(&tx, changes)?;
        tick(counts.schools, progress);
        let school_ids = school_ids(&tx)?;
        let school_id = |code: &SchoolCode| -> Result<i64> {
            school_ids
                .get(code.as_str())
                .copied()
                .ok_or_else(|| StoreError::UnknownReference(format!("学校标识码 {code}")))
        };

        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO school_facility (school_year, school_id, teaching_floor_area,
                     sports_ground_area, equipment_value, multimedia_classrooms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (school_year, school_id) DO UPDATE SET
                     teaching_floor_area = excluded.teaching_floor_area,
                     sports_ground_area = excluded.sports_ground_area,
                     equipment_value = excluded.equipment_value,
                     multimedia_classrooms = excluded.multimedia_classrooms",
            )?;
            for f in &changes.facilities {
                stmt.execute(params![
                    f.school_year.0,
                    school_id(&f.school)?,
                    f.teaching_floor_area,
                    f.sports_ground_area,
                    f.equipment_value,
                    f.multimedia_classrooms
                ])?;
                counts.facilities += 1;
                tick(1, progress);
            }
        }

        let mut touched_classes: HashSet<i64> = HashSet::new();
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO class (school_year, school_id, stage, grade, name, size)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (school_year, school_id, grade, name) DO UPDATE SET
                     stage = excluded.stage, size = excluded.size
                 RETURNING id",
            )?;
            for c in &changes.classes {
                let id: i64 = stmt.query_row(
                    params![c.school_year.0, school_id(&c.school)?, c.stage.code(), c.grade.0, c.name, c.size],
                    |r| r.get(0),
                )?;
                touched_classes.insert(id);
                counts.classes += 1;
                tick(1, progress);
            }
        }

        if !changes.students.is_empty() {
            let years: HashSet<SchoolYear> = changes.students.iter().map(|(_, e)| e.school_year).collect();
            let classes = ClassIds::load(&tx, &years)?;
            let mut person = tx.prepare_cached(
                "INSERT INTO student (id_number, name, sex, birth_date, household_area)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id_number) DO UPDATE SET
                     name = excluded.name, sex = excluded.sex,
                     birth_date = excluded.birth_date, household_area = excluded.household_area
                 RETURNING id",
            )?;
            let mut enrolment = tx.prepare_cached(
                "INSERT INTO enrolment (school_year, student_id, school_id, class_id, stage, grade,
                     migrant_child, boarder, visual_acuity, myopic)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (school_year, student_id) DO UPDATE SET
                     school_id = excluded.school_id, class_id = excluded.class_id,
                     stage = excluded.stage, grade = excluded.grade,
                     migrant_child = excluded.migrant_child, boarder = excluded.boarder,
                     visual_acuity = excluded.visual_acuity, myopic = excluded.myopic",
            )?;
            let mut birth_date = String::with_capacity(10);
            let mut batch = 0u64;
            for (student, e) in &changes.students {
                use std::fmt::Write;
                birth_date.clear();
                let _ = write!(birth_date, "{}", student.birth_date.format("%Y-%m-%d"));
                let student_id: i64 = person.query_row(
                    params![
                        student.id_number.as_str(),
                        student.name,
                        student.sex.code(),
                        birth_date,
                        student.household_area.as_str()
                    ],
                    |r| r.get(0),
                )?;
                let school = school_id(&e.school)?;
                let class_id = match &e.class_name {
                    Some(name) => {
                        let id = classes.get(e.school_year, school, e.grade, name).ok_or_else(|| {
                            StoreError::UnknownReference(format!(
                                "班级 {} {} {}",
                                e.school,
                                e.grade.label_zh(),
                                name
                            ))
                        })?;
                        touched_classes.insert(id);
                        Some(id)
                    }
                    None => None,
                };
                enrolment.execute(params![
                    e.school_year.0,
                    student_id,
                    school,
                    class_id,
                    e.stage.code(),
                    e.grade.0,
                    e.migrant_child,
                    e.boarder,
                    e.visual_acuity.map(f64::from),
                    e.myopic
                ])?;
                counts.students += 1;
                batch += 1;
                if batch == 1000 {
                    tick(batch, progress);
                    batch = 0;
                }
            }
            tick(batch, progress);
        }

        if !changes.teachers.is_empty() {
            let mut person = tx.prepare_cached(
                "INSERT INTO teacher (id_number, name, sex, birth_year) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id_number) DO UPDATE SET
                     name = excluded.name, sex = excluded.sex, birth_year = excluded.birth_year
                 RETURNING id",
            )?;
            let mut post = tx.prepare_cached(
                "INSERT INTO teaching_post (school_year, teacher_id, school_id, stage, subject, title,
                     key_teacher_level, joined_school_year, qualification)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (school_year, teacher_id) DO UPDATE SET
                     school_id = excluded.school_id, stage = excluded.stage,
                     subject = excluded.subject, title = excluded.title,
                     key_teacher_level = excluded.key_teacher_level,
                     joined_school_year = excluded.joined_school_year,
                     qualification = excluded.qualification",
            )?;
            for (teacher, p) in &changes.teachers {
                let teacher_id: i64 = person.query_row(
                    params![teacher.id_number.as_str(), teacher.name, teacher.sex.code(), teacher.birth_year],
                    |r| r.get(0),
                )?;
                post.execute(params![
                    p.school_year.0,
                    teacher_id,
                    school_id(&p.school)?,
                    p.stage.code(),
                    p.subject.code(),
                    p.title.code(),
                    p.key_teacher_level.code(),
                    p.joined_school_year.0,
                    p.qualification.code()
                ])?;
                counts.teachers += 1;
                tick(1, progress);
            }
        }

        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO population (school_year, township_code, age, children) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (school_year, township_code, age) DO UPDATE SET children = excluded.children",
            )?;
            for p in &changes.population {
                stmt.execute(params![p.school_year.0, p.township.as_str(), p.age, p.children])?;
                counts.population += 1;
            }
            let mut stmt = tx.prepare_cached(
                "INSERT INTO births (year, county_code, births) VALUES (?1, ?2, ?3)
                 ON CONFLICT (year, county_code) DO UPDATE SET births = excluded.births",
            )?;
            for b in &changes.births {
                stmt.execute(params![b.year, b.county.as_str(), b.births])?;
                counts.births += 1;
            }
            tick(counts.population + counts.births, progress);
        }

        if options.check_class_sizes && !touched_classes.is_empty() {
            let mismatches = class_size_mismatches(&tx, &touched_classes)?;
            if !mismatches.is_empty() {
                tx.rollback()?;
                return Ok(ApplyOutcome::Rejected(mismatches));
            }
        }
        if options.dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok(ApplyOutcome::Committed(counts))
    }

    pub(crate) fn clear(&mut self) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute_batch(
            "DELETE FROM enrolment; DELETE FROM student; DELETE FROM teaching_post;
             DELETE FROM teacher; DELETE FROM class; DELETE FROM school_facility;
             DELETE FROM school_stage; DELETE FROM school; DELETE FROM population;
             DELETE FROM births;",
        )?;
        tx.commit()?;
        Ok(())
    }
}

fn upsert_schools(tx: &Transaction<'_>, changes: &ChangeSet) -> Result<u64> {
    let mut school = tx.prepare_cached(
        "INSERT INTO school (code, name, county_code, township_code, ownership, inclusive,
             quality_rating, location, school_group, longitude, latitude)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (code) DO UPDATE SET
             name = excluded.name, county_code = excluded.county_code,
             township_code = excluded.township_code, ownership = excluded.ownership,
             inclusive = excluded.inclusive, quality_rating = excluded.quality_rating,
             location = excluded.location, school_group = excluded.school_group,
             longitude = excluded.longitude, latitude = excluded.latitude
         RETURNING id",
    )?;
    let mut clear_stages = tx.prepare_cached("DELETE FROM school_stage WHERE school_id = ?1")?;
    let mut stage = tx.prepare_cached("INSERT INTO school_stage (school_id, stage, seats) VALUES (?1, ?2, ?3)")?;
    let mut n = 0;
    for s in &changes.schools {
        let id: i64 = school.query_row(
            params![
                s.code.as_str(),
                s.name,
                s.county.as_str(),
                s.township.as_ref().map(|t| t.as_str()),
                s.ownership.code(),
                s.inclusive,
                s.quality_rating.code(),
                s.location.code(),
                s.school_group,
                s.longitude,
                s.latitude
            ],
            |r| r.get(0),
        )?;
        clear_stages.execute([id])?;
        for served in &s.stages {
            stage.execute(params![id, served.code(), s.seats_for(*served)])?;
        }
        n += 1;
    }
    Ok(n)
}

fn school_ids(tx: &Transaction<'_>) -> Result<HashMap<String, i64>> {
    let mut stmt = tx.prepare("SELECT code, id FROM school")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Class ids by (year, school, grade), then by name: looked up without
/// allocating a key per student.
struct ClassIds(HashMap<(u16, i64, i8), Vec<(String, i64)>>);

impl ClassIds {
    fn load(tx: &Transaction<'_>, years: &HashSet<SchoolYear>) -> Result<ClassIds> {
        let mut map: HashMap<(u16, i64, i8), Vec<(String, i64)>> = HashMap::new();
        let mut stmt = tx.prepare("SELECT id, school_id, grade, name FROM class WHERE school_year = ?1")?;
        for year in years {
            let mut rows = stmt.query([year.0])?;
            while let Some(r) = rows.next()? {
                map.entry((year.0, r.get(1)?, r.get(2)?)).or_default().push((r.get(3)?, r.get(0)?));
            }
        }
        Ok(ClassIds(map))
    }

    fn get(&self, year: SchoolYear, school: i64, grade: Grade, name: &str) -> Option<i64> {
        self.0.get(&(year.0, school, grade.0))?.iter().find(|(n, _)| n == name).map(|(_, id)| *id)
    }
}

/// Touched classes whose declared size differs from the students enrolled in
/// them — checked only where the school's roster for that year has been
/// imported (a class list may arrive before the student list).
fn class_size_mismatches(tx: &Transaction<'_>, touched: &HashSet<i64>) -> Result<Vec<ClassSizeMismatch>> {
    struct Row {
        key: ClassKey,
        school_id: i64,
        declared: u32,
        listed: u32,
    }
    let mut class = tx.prepare_cached(
        "SELECT c.school_year, s.code, c.grade, c.name, c.size, c.school_id,
                (SELECT count(*) FROM enrolment e WHERE e.class_id = c.id)
         FROM class c JOIN school s ON s.id = c.school_id
         WHERE c.id = ?1",
    )?;
    let mut rows = Vec::with_capacity(touched.len());
    for id in touched {
        let row = class.query_row([id], |r| {
            Ok((r.get::<_, u16>(0)?, r.get::<_, String>(1)?, r.get::<_, i8>(2)?, r.get::<_, String>(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
        })?;
        let (year, code, grade, name, declared, school_id, listed) = row;
        let school = SchoolCode::parse(&code).map_err(|e| StoreError::Corrupt(e.0))?;
        rows.push(Row { key: ClassKey { school_year: SchoolYear(year), school, grade: Grade(grade), name }, school_id, declared, listed });
    }
    // A school-year whose touched classes list nobody may still have a roster
    // in its other classes; ask once per such school-year.
    let mut roster: HashMap<(u16, i64), bool> = HashMap::new();
    for r in &rows {
        *roster.entry((r.key.school_year.0, r.school_id)).or_insert(false) |= r.listed > 0;
    }
    let mut any_listed = tx.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM class c JOIN enrolment e ON e.class_id = c.id
                        WHERE c.school_year = ?1 AND c.school_id = ?2)",
    )?;
    for ((year, school_id), has_roster) in roster.iter_mut() {
        if !*has_roster {
            *has_roster = any_listed.query_row(params![year, school_id], |r| r.get(0))?;
        }
    }
    let mut out: Vec<ClassSizeMismatch> = rows
        .into_iter()
        .filter(|r| r.listed != r.declared && roster.get(&(r.key.school_year.0, r.school_id)).copied().unwrap_or(false))
        .map(|r| ClassSizeMismatch { class: r.key, declared: r.declared, listed: r.listed })
        .collect();
    out.sort_by(|a, b| a.class.cmp(&b.class));
    Ok(out)
}
