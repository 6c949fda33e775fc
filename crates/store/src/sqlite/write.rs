//! `Store::apply`: one change set, one transaction, upsert by natural key.

pub(super) use crate::applying::SizeRule;
use crate::applying::{resolve_enrolments, Phase, Ticker};
use std::collections::{HashMap, HashSet};

use registry::{ChangeSet, ClassKey, Grade, SchoolCode, SchoolYear};
use rusqlite::{params, Connection, Transaction, TransactionBehavior};
use rustc_hash::FxHashMap;

use super::SqliteStore;
use crate::{
    ApplyCounts, ApplyOptions, ApplyOutcome, AuditLine, ClassSizeMismatch, NewTransfer, Progress, Result,
    StoreError,
};

/// How long a write waits for another connection's write to end before it
/// gives up with "database is locked". Longer than the connection's busy
/// timeout ([`super::BUSY_TIMEOUT`]): an import that has read and validated
/// its file waits its turn behind another import (a city's students take
/// minutes to write) rather than fail after all that work.
const WRITE_TURN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// Begins a write transaction IMMEDIATE: it takes the write lock first,
/// waiting for it as long as the connection's busy timeout allows (run it
/// within [`in_write_turn`] to wait [`WRITE_TURN_TIMEOUT`]). A DEFERRED
/// transaction reads under a snapshot, then asks for the lock; when another
/// connection holds it or has committed meanwhile, SQLite answers
/// SQLITE_BUSY / SQLITE_BUSY_SNAPSHOT (517) at once, which no busy timeout
/// retries — two imports started together failed one side with "database
/// is locked". Issue 10, point 5.
pub(super) fn begin_write(conn: &mut Connection) -> Result<Transaction<'_>> {
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

/// Runs a write unit (which begins its transaction with [`begin_write`])
/// with the long wait for its turn, and puts the connection's usual busy
/// timeout back afterwards, whatever the outcome.
pub(super) fn in_write_turn<T>(
    conn: &mut Connection,
    unit: impl FnOnce(&mut Connection) -> Result<T>,
) -> Result<T> {
    conn.busy_timeout(WRITE_TURN_TIMEOUT)?;
    let result = unit(conn);
    conn.busy_timeout(super::BUSY_TIMEOUT)?;
    result
}

/// Writes one audit line (its own statement, or inside a write transaction).
pub(super) fn insert_audit(conn: &Connection, line: &AuditLine<'_>) -> Result<()> {
    conn.prepare_cached("INSERT INTO audit_log (actor, action, detail) VALUES (?1, ?2, ?3)")?
        .execute(params![line.actor, line.action.code(), line.detail])?;
    Ok(())
}

impl SqliteStore {
    pub(crate) fn apply_changes(
        &mut self,
        changes: &ChangeSet,
        options: ApplyOptions<'_>,
        transfers: &[NewTransfer],
        progress: Progress<'_>,
    ) -> Result<ApplyOutcome> {
        // `apply` resolves every reference itself, inside its transaction
        // (school and class ids from the tables, person ids numbered here),
        // so SQLite's per-row foreign-key lookups would only repeat that
        // work — measured at half the write time of a city's students. They
        // stay on for every other statement.
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        // The long wait for the write's turn (`in_write_turn`), then the
        // usual timeout again, whatever the outcome.
        // Foreign keys are turned back on whatever fails.
        let outcome = match self.conn.busy_timeout(WRITE_TURN_TIMEOUT) {
            Ok(()) => self.apply_in_transaction(changes, options, transfers, progress),
            Err(e) => Err(e.into()),
        };
        let restored = self.conn.busy_timeout(super::BUSY_TIMEOUT);
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        restored?;
        outcome
    }

    fn apply_in_transaction(
        &mut self,
        changes: &ChangeSet,
        options: ApplyOptions<'_>,
        transfers: &[NewTransfer],
        progress: Progress<'_>,
    ) -> Result<ApplyOutcome> {
        let tx = begin_write(&mut self.conn)?;
        // The demo's mark commits with the demo's data, in its transaction.
        if options.mark_demo {
            tx.prepare_cached("INSERT OR IGNORE INTO demo_marker (id) VALUES (1)")?
                .execute([])?;
        }
        // Filed before the class sizes are checked: a pupil asked for counts
        // in the class the file lists them in (see `declared_and_listed`).
        super::transfer::file_transfers(&tx, transfers)?;
        let sizes = match (options.check_class_sizes, options.update_class_sizes) {
            (false, _) => SizeRule::Ignore,
            (true, false) => SizeRule::Reject,
            (true, true) => SizeRule::Follow,
        };
        match write_changes(&tx, changes, sizes, progress)? {
            Err(mismatches) => {
                tx.rollback()?;
                Ok(ApplyOutcome::Rejected(mismatches))
            }
            Ok(counts) => {
                // With the change, in its transaction: the line exists if
                // and only if the change commits (issue 10, point 10), and
                // names the classes whose 班额 followed the file.
                if let Some(line) = &options.audit {
                    let detail = crate::audit::with_resized_classes(line.detail, &counts.resized_classes);
                    insert_audit(
                        &tx,
                        &AuditLine {
                            detail: &detail,
                            ..*line
                        },
                    )?;
                }
                if options.dry_run {
                    tx.rollback()?;
                } else {
                    tx.commit()?;
                }
                Ok(ApplyOutcome::Committed(counts))
            }
        }
    }
}

/// The writing of `apply` inside a transaction the caller opened and will
/// commit or roll back: every row of `changes`, then the touched classes'
/// sizes as `sizes` says — with [`SizeRule::Reject`], `Err` lists those that
/// disagree with their pupils, and the caller must roll back; with
/// [`SizeRule::Follow`] they are updated and listed in
/// `ApplyCounts::resized_classes`.
pub(super) fn write_changes(
    tx: &Transaction<'_>,
    changes: &ChangeSet,
    sizes: SizeRule,
    progress: Progress<'_>,
) -> Result<std::result::Result<ApplyCounts, Vec<ClassSizeMismatch>>> {
    let mut ticker = Ticker::new(changes.len() as u64);
    let mut counts = ApplyCounts::default();

    let mut phase = Phase::start("apply");
    counts.schools = upsert_schools(tx, changes)?;
    phase.done("schools");
    ticker.tick(counts.schools, progress);
    let school_ids = school_ids(tx)?;
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
            ticker.tick(1, progress);
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
                params![
                    c.school_year.0,
                    school_id(&c.school)?,
                    c.stage.code(),
                    c.grade.0,
                    c.name,
                    c.size
                ],
                |r| r.get(0),
            )?;
            touched_classes.insert(id);
            counts.classes += 1;
            ticker.tick(1, progress);
        }
    }

    if !changes.students.is_empty() {
        let years: HashSet<SchoolYear> = changes.students.iter().map(|(_, e)| e.school_year).collect();
        phase.done("facilities and classes");
        let classes = ClassIds::load(tx, &years)?;
        let persons = PersonIds::resolve(
            tx,
            "student",
            "name, sex, birth_date, household_area",
            changes.students.iter().map(|(s, _)| s.id_number.as_str()),
            |index, r| {
                let (s, _) = &changes.students[index];
                Ok(r.get_ref(2)?.as_str()? == s.name
                    && r.get_ref(3)?.as_str()? == s.sex.code()
                    && r.get_ref(4)?.as_bytes()? == date_text(s.birth_date)
                    && r.get_ref(5)?.as_str()? == s.household_area.as_str())
            },
        )?;
        phase.done("resolve students");
        persons.write(
            tx,
            "INSERT INTO student (id, id_number, name, sex, birth_date, household_area) VALUES ",
            6,
            "UPDATE student SET id_number = ?2, name = ?3, sex = ?4, birth_date = ?5,
                     household_area = ?6 WHERE id = ?1",
            |stmt, at, index| {
                let (student, _) = &changes.students[index];
                let birth_date = date_text(student.birth_date);
                stmt.raw_bind_parameter(at, persons.id(index))?;
                stmt.raw_bind_parameter(at + 1, student.id_number.as_str())?;
                stmt.raw_bind_parameter(at + 2, &student.name)?;
                stmt.raw_bind_parameter(at + 3, student.sex.code())?;
                stmt.raw_bind_parameter(at + 4, std::str::from_utf8(&birth_date).unwrap_or_default())?;
                stmt.raw_bind_parameter(at + 5, student.household_area.as_str())
            },
        )?;
        phase.done("write students");
        let resolved = resolve_enrolments(
            &changes.students,
            school_id,
            |year, school, grade, name| classes.get(year, school, grade, name),
            &mut touched_classes,
        )?;
        let mut written = 0u64;
        insert_rows(
            tx,
            "INSERT INTO enrolment (school_year, student_id, school_id, class_id, stage, grade,
                     migrant_child, boarder, visual_acuity, myopic) VALUES ",
            10,
            " ON CONFLICT (school_year, student_id) DO UPDATE SET
                     school_id = excluded.school_id, class_id = excluded.class_id,
                     stage = excluded.stage, grade = excluded.grade,
                     migrant_child = excluded.migrant_child, boarder = excluded.boarder,
                     visual_acuity = excluded.visual_acuity, myopic = excluded.myopic",
            0..changes.students.len(),
            |stmt, at, index| {
                let (_, e) = &changes.students[index];
                let (school, class_id) = resolved[index];
                stmt.raw_bind_parameter(at, e.school_year.0)?;
                stmt.raw_bind_parameter(at + 1, persons.id(index))?;
                stmt.raw_bind_parameter(at + 2, school)?;
                stmt.raw_bind_parameter(at + 3, class_id)?;
                stmt.raw_bind_parameter(at + 4, e.stage.code())?;
                stmt.raw_bind_parameter(at + 5, e.grade.0)?;
                stmt.raw_bind_parameter(at + 6, e.migrant_child)?;
                stmt.raw_bind_parameter(at + 7, e.boarder)?;
                stmt.raw_bind_parameter(at + 8, e.visual_acuity.map(f64::from))?;
                stmt.raw_bind_parameter(at + 9, e.myopic)?;
                written += 1;
                if written.is_multiple_of(1000) {
                    ticker.tick(1000, progress);
                }
                Ok(())
            },
        )?;
        counts.students = written;
        phase.done("write enrolments");
        ticker.tick(written % 1000, progress);
    }

    if !changes.teachers.is_empty() {
        let persons = PersonIds::resolve(
            tx,
            "teacher",
            "name, sex, birth_year",
            changes.teachers.iter().map(|(t, _)| t.id_number.as_str()),
            |index, r| {
                let (t, _) = &changes.teachers[index];
                Ok(r.get_ref(2)?.as_str()? == t.name
                    && r.get_ref(3)?.as_str()? == t.sex.code()
                    && r.get::<_, u16>(4)? == t.birth_year)
            },
        )?;
        persons.write(
            tx,
            "INSERT INTO teacher (id, id_number, name, sex, birth_year) VALUES ",
            5,
            "UPDATE teacher SET id_number = ?2, name = ?3, sex = ?4, birth_year = ?5 WHERE id = ?1",
            |stmt, at, index| {
                let (teacher, _) = &changes.teachers[index];
                stmt.raw_bind_parameter(at, persons.id(index))?;
                stmt.raw_bind_parameter(at + 1, teacher.id_number.as_str())?;
                stmt.raw_bind_parameter(at + 2, &teacher.name)?;
                stmt.raw_bind_parameter(at + 3, teacher.sex.code())?;
                stmt.raw_bind_parameter(at + 4, teacher.birth_year)
            },
        )?;
        let mut schools = Vec::with_capacity(changes.teachers.len());
        for (_, p) in &changes.teachers {
            schools.push(school_id(&p.school)?);
        }
        insert_rows(
            tx,
            "INSERT INTO teaching_post (school_year, teacher_id, school_id, stage, subject, title,
                     key_teacher_level, joined_school_year, qualification) VALUES ",
            9,
            " ON CONFLICT (school_year, teacher_id) DO UPDATE SET
                     school_id = excluded.school_id, stage = excluded.stage,
                     subject = excluded.subject, title = excluded.title,
                     key_teacher_level = excluded.key_teacher_level,
                     joined_school_year = excluded.joined_school_year,
                     qualification = excluded.qualification",
            0..changes.teachers.len(),
            |stmt, at, index| {
                let (_, p) = &changes.teachers[index];
                stmt.raw_bind_parameter(at, p.school_year.0)?;
                stmt.raw_bind_parameter(at + 1, persons.id(index))?;
                stmt.raw_bind_parameter(at + 2, schools[index])?;
                stmt.raw_bind_parameter(at + 3, p.stage.code())?;
                stmt.raw_bind_parameter(at + 4, p.subject.code())?;
                stmt.raw_bind_parameter(at + 5, p.title.code())?;
                stmt.raw_bind_parameter(at + 6, p.key_teacher_level.code())?;
                stmt.raw_bind_parameter(at + 7, p.joined_school_year.0)?;
                stmt.raw_bind_parameter(at + 8, p.qualification.code())
            },
        )?;
        counts.teachers = changes.teachers.len() as u64;
        phase.done("teachers");
        ticker.tick(counts.teachers, progress);
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
        ticker.tick(counts.population + counts.births, progress);
    }

    phase.done("population and births");
    if sizes != SizeRule::Ignore && !touched_classes.is_empty() {
        let mismatches = class_size_mismatches(tx, &touched_classes)?;
        if !mismatches.is_empty() {
            if sizes == SizeRule::Reject {
                return Ok(Err(mismatches));
            }
            let mut resize = tx.prepare_cached(
                "UPDATE class SET size = ?5
                 WHERE school_year = ?1 AND grade = ?3 AND name = ?4
                   AND school_id = (SELECT id FROM school WHERE code = ?2)",
            )?;
            for m in &mismatches {
                let c = &m.class;
                resize.execute(params![
                    c.school_year.0,
                    c.school.as_str(),
                    c.grade.0,
                    c.name,
                    m.listed
                ])?;
            }
            counts.resized_classes = mismatches;
        }
    }
    phase.done("class sizes");
    bump_revisions(tx, changes)?;
    Ok(Ok(counts))
}

impl SqliteStore {
    pub(crate) fn clear(&mut self) -> Result<()> {
        in_write_turn(&mut self.conn, |conn| {
            let tx = begin_write(conn)?;
            tx.execute_batch(
                "DELETE FROM enrolment; DELETE FROM student; DELETE FROM teaching_post;
                 DELETE FROM teacher; DELETE FROM class; DELETE FROM school_facility;
                 DELETE FROM school_stage; DELETE FROM school; DELETE FROM population;
                 DELETE FROM births; DELETE FROM snapshot_cache; DELETE FROM demo_marker;
                 UPDATE registry_revision SET revision = revision + 1;",
            )?;
            tx.commit()?;
            Ok(())
        })
    }
}

/// Marks the school years this change set touched (0: the schools, which
/// every year's snapshot shows) as changed, so cached snapshots of them are
/// rebuilt on next use.
fn bump_revisions(tx: &Transaction<'_>, changes: &ChangeSet) -> Result<()> {
    let mut years: HashSet<u16> = HashSet::new();
    if !changes.schools.is_empty() {
        years.insert(0);
    }
    years.extend(changes.facilities.iter().map(|f| f.school_year.0));
    years.extend(changes.classes.iter().map(|c| c.school_year.0));
    years.extend(changes.students.iter().map(|(_, e)| e.school_year.0));
    years.extend(changes.teachers.iter().map(|(_, p)| p.school_year.0));
    years.extend(changes.population.iter().map(|p| p.school_year.0));
    for year in years {
        bump_year(tx, SchoolYear(year))?;
    }
    Ok(())
}

/// Marks one school year as changed (see [`bump_revisions`]).
pub(super) fn bump_year(tx: &Transaction<'_>, year: SchoolYear) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO registry_revision (school_year, revision) VALUES (?1, 1)
         ON CONFLICT (school_year) DO UPDATE SET revision = revision + 1",
    )?
    .execute([year.0])?;
    Ok(())
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
    // A school officer's scope names the school's county (for its county's
    // aggregates); it follows the school when the city moves it.
    let mut follow = tx.prepare_cached(
        "UPDATE app_user SET scope_area = ?2
         WHERE scope_kind = 'school' AND scope_school = ?1 AND scope_area <> ?2",
    )?;
    let mut clear_stages = tx.prepare_cached("DELETE FROM school_stage WHERE school_id = ?1")?;
    let mut stage =
        tx.prepare_cached("INSERT INTO school_stage (school_id, stage, seats) VALUES (?1, ?2, ?3)")?;
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
        follow.execute(params![s.code.as_str(), s.county.as_str()])?;
        clear_stages.execute([id])?;
        for served in &s.stages {
            stage.execute(params![id, served.code(), s.seats_for(*served)])?;
        }
        n += 1;
    }
    Ok(n)
}

/// Rows per multi-row INSERT: amortises SQLite's per-statement cost while
/// staying far below its limit of 32,766 bound parameters.
const ROWS_PER_STATEMENT: usize = 128;

/// Writes `rows` (indices into the caller's records) with multi-row
/// `INSERT … VALUES (…), (…) … <tail>` statements; `bind` binds one row's
/// `width` parameters starting at the 1-based position it is given.
fn insert_rows(
    tx: &Transaction<'_>,
    head: &str,
    width: usize,
    tail: &str,
    rows: impl IntoIterator<Item = usize>,
    mut bind: impl FnMut(&mut rusqlite::Statement<'_>, usize, usize) -> rusqlite::Result<()>,
) -> Result<()> {
    let placeholders = format!("({})", vec!["?"; width].join(", "));
    let sql_for = |n: usize| format!("{head}{}{tail}", vec![placeholders.as_str(); n].join(", "));
    let mut full = tx.prepare_cached(&sql_for(ROWS_PER_STATEMENT))?;
    let mut chunk: Vec<usize> = Vec::with_capacity(ROWS_PER_STATEMENT);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        chunk.clear();
        chunk.extend(rows.by_ref().take(ROWS_PER_STATEMENT));
        if chunk.len() == ROWS_PER_STATEMENT {
            for (i, index) in chunk.iter().enumerate() {
                bind(&mut full, i * width + 1, *index)?;
            }
            full.raw_execute()?;
        } else {
            let mut last = tx.prepare_cached(&sql_for(chunk.len()))?;
            for (i, index) in chunk.iter().enumerate() {
                bind(&mut last, i * width + 1, *index)?;
            }
            last.raw_execute()?;
        }
    }
    Ok(())
}

/// Surrogate ids of persons (students or teachers) by identity number:
/// stored ones looked up and compared, new ones numbered after the current
/// maximum in order of first appearance, so that their yearly rows can be
/// written with multi-row inserts.
///
/// Kept by the change set's index, not by identity number: writing a
/// city's students asked a hash map of a million identity numbers twice per
/// row, and each ask missed the CPU's caches (a fifth of the write's time);
/// read by index, the ids stream in the order the rows are written.
struct PersonIds {
    table: &'static str,
    /// The person's surrogate id, for every record of the change set.
    ids: Vec<i64>,
    /// What writing does with each record: its person's first record is
    /// the one written (`New`, `Changed`) or skipped (`Same`); a later one
    /// of the same person is `Repeat`.
    stored: Vec<Stored>,
    /// Nobody of this kind was stored before this change set.
    table_was_empty: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stored {
    New,
    Same,
    Changed,
    Repeat,
}

/// From this many new persons into an empty table on, the identity-number
/// index is built after the rows are in (one sort) instead of row by row at
/// random places: a city's first import is 2–3× faster.
pub(super) const BUILD_INDEX_AFTER: usize = 20_000;

impl PersonIds {
    /// `columns` are the person's columns after `id, id_number`; `same`
    /// tells whether a stored row (read with those columns) equals the
    /// change set's record at an index, so unchanged persons are not rewritten.
    fn resolve<'a>(
        tx: &Transaction<'_>,
        table: &'static str,
        columns: &str,
        id_numbers: impl Iterator<Item = &'a str>,
        same: impl Fn(usize, &rusqlite::Row<'_>) -> Result<bool>,
    ) -> Result<Self> {
        let (lower, _) = id_numbers.size_hint();
        // Each identity number's first record, and each record's first.
        let mut firsts: FxHashMap<&'a str, usize> =
            FxHashMap::with_capacity_and_hasher(lower, Default::default());
        let mut first_of: Vec<usize> = Vec::with_capacity(lower);
        for (index, id_number) in id_numbers.enumerate() {
            first_of.push(*firsts.entry(id_number).or_insert(index));
        }
        let mut ids = vec![0i64; first_of.len()];
        let mut stored: Vec<Stored> = first_of
            .iter()
            .enumerate()
            .map(|(index, first)| {
                if *first == index {
                    Stored::New
                } else {
                    Stored::Repeat
                }
            })
            .collect();
        let max_id: Option<i64> = tx.query_row(&format!("SELECT max(id) FROM {table}"), [], |r| r.get(0))?;
        let mut mark = |first: usize, r: &rusqlite::Row<'_>| -> Result<()> {
            ids[first] = r.get(0)?;
            stored[first] = if same(first, r)? {
                Stored::Same
            } else {
                Stored::Changed
            };
            Ok(())
        };
        match max_id {
            // Ids are dense, so max(id) estimates the table's size: when the
            // change set covers a good part of it, one scan beats a lookup each.
            Some(stored) if firsts.len() as i64 * 4 >= stored => {
                let mut stmt = tx.prepare(&format!("SELECT id, id_number, {columns} FROM {table}"))?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    if let Some(first) = firsts.get(r.get_ref(1)?.as_str()?) {
                        mark(*first, r)?;
                    }
                }
            }
            Some(_) => {
                let mut stmt = tx.prepare_cached(&format!(
                    "SELECT id, id_number, {columns} FROM {table} WHERE id_number = ?1"
                ))?;
                for (id_number, first) in &firsts {
                    let mut rows = stmt.query([id_number])?;
                    if let Some(r) = rows.next()? {
                        mark(*first, r)?;
                    }
                }
            }
            None => {}
        }
        drop(firsts);
        let mut next = max_id.unwrap_or(0) + 1;
        for (index, first) in first_of.into_iter().enumerate() {
            if first != index {
                // A repeat: its first record, earlier, has its id already.
                ids[index] = ids[first];
            } else if stored[index] == Stored::New {
                ids[index] = next;
                next += 1;
            }
        }
        Ok(PersonIds {
            table,
            ids,
            stored,
            table_was_empty: max_id.is_none(),
        })
    }

    /// The surrogate id of the change set's record at `index`.
    fn id(&self, index: usize) -> i64 {
        // `resolve` gave every record an id.
        self.ids.get(index).copied().unwrap_or_default()
    }

    /// Writes each person once (their first record): new ones inserted,
    /// changed ones updated, unchanged ones left alone. `insert_head` is
    /// `INSERT INTO t (…) VALUES ` for `width` columns; `update` binds the
    /// same values as `?1…?width`. `bind` binds one record from a 1-based
    /// position.
    ///
    /// Into an indexed table rows go one per statement: the identity-number
    /// index is hit at random places, and a multi-row statement would copy
    /// each touched page into its statement journal. When the index is
    /// rebuilt afterwards, rows only append, so multi-row statements win.
    fn write(
        &self,
        tx: &Transaction<'_>,
        insert_head: &str,
        width: usize,
        update: &str,
        mut bind: impl FnMut(&mut rusqlite::Statement<'_>, usize, usize) -> rusqlite::Result<()>,
    ) -> Result<()> {
        let mut new = Vec::new();
        let mut changed = Vec::new();
        for (index, stored) in self.stored.iter().enumerate() {
            match stored {
                Stored::New => new.push(index),
                Stored::Changed => changed.push(index),
                Stored::Same | Stored::Repeat => {}
            }
        }
        let rebuild_index = self.table_was_empty && new.len() >= BUILD_INDEX_AFTER;
        if rebuild_index {
            let index = format!("{}_id_number", self.table);
            tx.execute_batch(&format!("DROP INDEX {index}"))?;
            insert_rows(tx, insert_head, width, "", new, &mut bind)?;
            tx.execute_batch(&format!(
                "CREATE UNIQUE INDEX {index} ON {} (id_number)",
                self.table
            ))?;
        } else {
            let single = format!("{insert_head}({})", vec!["?"; width].join(", "));
            let mut insert = tx.prepare_cached(&single)?;
            for index in new {
                bind(&mut insert, 1, index)?;
                insert.raw_execute()?;
            }
        }
        let mut update = tx.prepare_cached(update)?;
        for index in changed {
            bind(&mut update, 1, index)?;
            update.raw_execute()?;
        }
        Ok(())
    }
}

/// `YYYY-MM-DD` without chrono's format machinery or an allocation: this
/// runs for every student written or compared.
fn date_text(date: chrono::NaiveDate) -> [u8; 10] {
    use chrono::Datelike;
    let year = date.year().clamp(0, 9999) as u32;
    let (month, day) = (date.month(), date.day());
    let digit = |n: u32| b'0' + (n % 10) as u8;
    [
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
    ]
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
                map.entry((year.0, r.get(1)?, r.get(2)?))
                    .or_default()
                    .push((r.get(3)?, r.get(0)?));
            }
        }
        Ok(ClassIds(map))
    }

    fn get(&self, year: SchoolYear, school: i64, grade: Grade, name: &str) -> Option<i64> {
        self.0
            .get(&(year.0, school, grade.0))?
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
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
    let mut class = tx.prepare_cached(&format!(
        "SELECT c.school_year, s.code, c.grade, c.name, c.size, c.school_id,
                (SELECT count(*) FROM enrolment e WHERE e.class_id = c.id) + {}
         FROM class c JOIN school s ON s.id = c.school_id
         WHERE c.id = ?1",
        super::transfer::PENDING_INTO_CLASS
    ))?;
    let mut rows = Vec::with_capacity(touched.len());
    for id in touched {
        let row = class.query_row([id], |r| {
            Ok((
                r.get::<_, u16>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i8>(2)?,
                r.get::<_, String>(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
        let (year, code, grade, name, declared, school_id, listed) = row;
        let school = SchoolCode::parse(&code).map_err(|e| StoreError::Corrupt(e.0))?;
        rows.push(Row {
            key: ClassKey {
                school_year: SchoolYear(year),
                school,
                grade: Grade(grade),
                name,
            },
            school_id,
            declared,
            listed,
        });
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
        .filter(|r| {
            r.listed != r.declared
                && roster
                    .get(&(r.key.school_year.0, r.school_id))
                    .copied()
                    .unwrap_or(false)
        })
        .map(|r| ClassSizeMismatch {
            class: r.key,
            declared: r.declared,
            listed: r.listed,
        })
        .collect();
    out.sort_by(|a, b| a.class.cmp(&b.class));
    Ok(out)
}
