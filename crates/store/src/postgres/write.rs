//! `RegistryWrite` on PostgreSQL: one change set, one transaction, upsert by
//! natural key — the semantics of SQLite's `apply` (`sqlite/write.rs`), with
//! the bulk rows sent by `COPY` into temporary staging tables and moved into
//! the registry by one `INSERT … SELECT … ON CONFLICT` per table.

pub(super) use crate::applying::SizeRule;
use crate::applying::{resolve_enrolments, Phase, Ticker};
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use postgres::{Client, Transaction};
use registry::{ChangeSet, ClassKey, Grade, SchoolCode, SchoolYear};
use rustc_hash::FxHashSet;

use super::PgStore;
use crate::{
    ApplyCounts, ApplyOptions, ApplyOutcome, AuditLine, ClassSizeMismatch, DecideOutcome, NewTransfer,
    Progress, RegistryWrite, Result, StoreError, TransferDecision, TransferRequest,
};

/// Every registry write takes this transaction-scoped advisory lock first,
/// so registry writers run one after the other, as on SQLite. Row locks
/// alone would not do: `apply` reads before it writes (the class-size check
/// counts pupils, pending requests are superseded, a decision checks the
/// person's placement), and two imports upserting overlapping keys in
/// different orders would deadlock one of them. Readers are never blocked
/// (MVCC); only a second writer waits, then sees the first one's rows.
const REGISTRY_WRITE_LOCK: i64 = 0x6564_7567_6f77; // "edugow"

/// How long a write waits for its turn behind another registry write before
/// it gives up with [`StoreError::Busy`] (a lock timeout): as on SQLite, an
/// import that has read and validated its file waits behind another import
/// (a city's students take minutes) rather than fail after all that work.
const WRITE_TURN_TIMEOUT: &str = "600s";

/// Begins a registry write: a transaction holding [`REGISTRY_WRITE_LOCK`].
pub(super) fn begin_write(conn: &mut Client) -> Result<Transaction<'_>> {
    let mut tx = conn.transaction()?;
    tx.batch_execute(&format!("SET LOCAL lock_timeout = '{WRITE_TURN_TIMEOUT}'"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&REGISTRY_WRITE_LOCK])?;
    Ok(tx)
}

/// Writes one audit line inside a write transaction.
pub(super) fn insert_audit(tx: &mut Transaction<'_>, line: &AuditLine<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (actor, action, detail) VALUES ($1, $2, $3)",
        &[&line.actor, &line.action.code(), &line.detail],
    )?;
    Ok(())
}

impl RegistryWrite for PgStore {
    fn apply(
        &mut self,
        changes: &ChangeSet,
        options: ApplyOptions<'_>,
        progress: Progress<'_>,
    ) -> Result<ApplyOutcome> {
        self.apply_changes(changes, options, &[], progress)
    }

    fn apply_with_transfers(
        &mut self,
        changes: &ChangeSet,
        options: ApplyOptions,
        transfers: &[NewTransfer],
        progress: Progress<'_>,
    ) -> Result<ApplyOutcome> {
        self.apply_changes(changes, options, transfers, progress)
    }

    fn clear_registry(&mut self) -> Result<()> {
        let mut tx = begin_write(self.conn.get_mut())?;
        // DELETE, not TRUNCATE: TRUNCATE's exclusive lock would stop every
        // reader (the web's pages) until the regenerated city commits.
        tx.batch_execute(
            "DELETE FROM enrolment; DELETE FROM student; DELETE FROM teaching_post;
             DELETE FROM teacher; DELETE FROM class; DELETE FROM school_facility;
             DELETE FROM school_stage; DELETE FROM school; DELETE FROM population;
             DELETE FROM births; DELETE FROM snapshot_cache; DELETE FROM demo_marker;
             UPDATE registry_revision SET revision = revision + 1;",
        )?;
        tx.commit()?;
        Ok(())
    }

    fn decide_transfer(
        &mut self,
        id: i64,
        decision: &TransferDecision,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<DecideOutcome> {
        super::transfer::decide(self.conn.get_mut(), id, decision, actor, at)
    }

    fn restore_transfer(&mut self, request: &TransferRequest) -> Result<i64> {
        super::transfer::restore(self.conn.get_mut(), request)
    }
}

impl PgStore {
    fn apply_changes(
        &mut self,
        changes: &ChangeSet,
        options: ApplyOptions<'_>,
        transfers: &[NewTransfer],
        progress: Progress<'_>,
    ) -> Result<ApplyOutcome> {
        let mut tx = begin_write(self.conn.get_mut())?;
        // The demo's mark commits with the demo's data, in its transaction.
        if options.mark_demo {
            tx.execute(
                "INSERT INTO demo_marker (id) VALUES (1) ON CONFLICT DO NOTHING",
                &[],
            )?;
        }
        // Filed before the class sizes are checked: a pupil asked for counts
        // in the class the file lists them in.
        super::transfer::file_transfers(&mut tx, transfers)?;
        let sizes = match (options.check_class_sizes, options.update_class_sizes) {
            (false, _) => SizeRule::Ignore,
            (true, false) => SizeRule::Reject,
            (true, true) => SizeRule::Follow,
        };
        match write_changes(&mut tx, changes, sizes, progress)? {
            Err(mismatches) => {
                tx.rollback()?;
                Ok(ApplyOutcome::Rejected(mismatches))
            }
            Ok(counts) => {
                // In the change's transaction: the line exists if and only
                // if the change commits.
                if let Some(line) = &options.audit {
                    let detail = crate::audit::with_resized_classes(line.detail, &counts.resized_classes);
                    insert_audit(
                        &mut tx,
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

/// Sends rows by binary `COPY` into a new temporary table, dropped with the
/// transaction. `columns` are `name type` pairs; `n` (the row's position in
/// the change set) is added first, so duplicates resolve as SQLite's
/// row-by-row upserts do (the last row wins, the first for persons).
fn stage<T>(
    tx: &mut Transaction<'_>,
    table: &str,
    columns: &[(&str, Type)],
    rows: impl IntoIterator<Item = T>,
    mut write: impl FnMut(&mut BinaryCopyInWriter<'_>, i32, T) -> std::result::Result<(), postgres::Error>,
) -> Result<()> {
    let definition: Vec<String> = columns
        .iter()
        .map(|(name, ty)| format!("{name} {}", ty.name()))
        .collect();
    tx.batch_execute(&format!(
        "CREATE TEMP TABLE {table} (n integer NOT NULL, {}) ON COMMIT DROP",
        definition.join(", ")
    ))?;
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let mut types = vec![Type::INT4];
    types.extend(columns.iter().map(|(_, ty)| ty.clone()));
    let sink = tx.copy_in(&format!(
        "COPY {table} (n, {}) FROM STDIN (FORMAT binary)",
        names.join(", ")
    ))?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    for (n, row) in rows.into_iter().enumerate() {
        write(&mut writer, n as i32, row)?;
    }
    writer.finish()?;
    Ok(())
}

/// `n` first, then the row's values: the slice `BinaryCopyInWriter::write` takes.
macro_rules! row {
    ($writer:expr, $n:expr, $($value:expr),+ $(,)?) => {
        $writer.write(&[&$n, $(&$value as &(dyn ToSql + Sync)),+])
    };
}

/// The writing of `apply` inside a transaction the caller opened and will
/// commit or roll back; with [`SizeRule::Reject`], `Err` lists the classes
/// that disagree with their pupils and the caller must roll back.
pub(super) fn write_changes(
    tx: &mut Transaction<'_>,
    changes: &ChangeSet,
    sizes: SizeRule,
    progress: Progress<'_>,
) -> Result<std::result::Result<ApplyCounts, Vec<ClassSizeMismatch>>> {
    let mut ticker = Ticker::new(changes.len() as u64);
    let mut counts = ApplyCounts::default();

    let mut phase = Phase::start("apply (PostgreSQL)");
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

    if !changes.facilities.is_empty() {
        let ids = changes
            .facilities
            .iter()
            .map(|f| school_id(&f.school))
            .collect::<Result<Vec<i64>>>()?;
        stage(
            tx,
            "stage_facility",
            &[
                ("school_year", Type::INT4),
                ("school_id", Type::INT8),
                ("teaching_floor_area", Type::FLOAT8),
                ("sports_ground_area", Type::FLOAT8),
                ("equipment_value", Type::FLOAT8),
                ("multimedia_classrooms", Type::INT4),
            ],
            changes.facilities.iter().zip(&ids),
            |w, n, (f, id)| {
                row!(
                    w,
                    n,
                    i32::from(f.school_year.0),
                    *id,
                    f.teaching_floor_area,
                    f.sports_ground_area,
                    f.equipment_value,
                    f.multimedia_classrooms as i32
                )
            },
        )?;
        tx.execute(
            "INSERT INTO school_facility (school_year, school_id, teaching_floor_area,
                     sports_ground_area, equipment_value, multimedia_classrooms)
             SELECT DISTINCT ON (school_year, school_id) school_year, school_id, teaching_floor_area,
                     sports_ground_area, equipment_value, multimedia_classrooms
             FROM stage_facility ORDER BY school_year, school_id, n DESC
             ON CONFLICT (school_year, school_id) DO UPDATE SET
                 teaching_floor_area = excluded.teaching_floor_area,
                 sports_ground_area = excluded.sports_ground_area,
                 equipment_value = excluded.equipment_value,
                 multimedia_classrooms = excluded.multimedia_classrooms",
            &[],
        )?;
        counts.facilities = changes.facilities.len() as u64;
        ticker.tick(counts.facilities, progress);
    }

    let mut touched_classes: HashSet<i64> = HashSet::new();
    if !changes.classes.is_empty() {
        let ids = changes
            .classes
            .iter()
            .map(|c| school_id(&c.school))
            .collect::<Result<Vec<i64>>>()?;
        stage(
            tx,
            "stage_class",
            &[
                ("school_year", Type::INT4),
                ("school_id", Type::INT8),
                ("stage", Type::TEXT),
                ("grade", Type::INT4),
                ("name", Type::TEXT),
                ("size", Type::INT4),
            ],
            changes.classes.iter().zip(&ids),
            |w, n, (c, id)| {
                row!(
                    w,
                    n,
                    i32::from(c.school_year.0),
                    *id,
                    c.stage.code(),
                    i32::from(c.grade.0),
                    c.name.as_str(),
                    c.size as i32
                )
            },
        )?;
        let rows = tx.query(
            // A class takes its last record's values and is numbered in
            // the order classes first appear, as on SQLite (pages list a
            // grade's classes by id: 3班 before 13班 when the file says so).
            "INSERT INTO class (school_year, school_id, stage, grade, name, size)
             SELECT school_year, school_id, stage, grade, name, size FROM (
                 SELECT DISTINCT ON (school_year, school_id, grade, name)
                        school_year, school_id, stage, grade, name, size,
                        min(n) OVER (PARTITION BY school_year, school_id, grade, name) AS first
                 FROM stage_class ORDER BY school_year, school_id, grade, name, n DESC) d
             ORDER BY first
             ON CONFLICT (school_year, school_id, grade, name) DO UPDATE SET
                 stage = excluded.stage, size = excluded.size
             RETURNING id",
            &[],
        )?;
        touched_classes.extend(rows.iter().map(|r| r.get::<_, i64>(0)));
        counts.classes = changes.classes.len() as u64;
        ticker.tick(counts.classes, progress);
    }
    phase.done("facilities and classes");

    if !changes.students.is_empty() {
        let years: HashSet<SchoolYear> = changes.students.iter().map(|(_, e)| e.school_year).collect();
        let classes = ClassIds::load(tx, &years)?;
        let resolved = resolve_enrolments(
            &changes.students,
            school_id,
            |year, school, grade, name| classes.get(year, school, grade, name),
            &mut touched_classes,
        )?;
        let mut copied = 0u64;
        stage(
            tx,
            "stage_student",
            &[
                ("id_number", Type::TEXT),
                ("name", Type::TEXT),
                ("sex", Type::TEXT),
                ("birth_date", Type::DATE),
                ("household_area", Type::TEXT),
                ("school_year", Type::INT4),
                ("school_id", Type::INT8),
                ("class_id", Type::INT8),
                ("stage", Type::TEXT),
                ("grade", Type::INT4),
                ("migrant_child", Type::BOOL),
                ("boarder", Type::BOOL),
                ("visual_acuity", Type::FLOAT8),
                ("myopic", Type::BOOL),
            ],
            changes.students.iter().zip(&resolved),
            |w, n, ((s, e), (school, class))| {
                copied += 1;
                if copied.is_multiple_of(1000) {
                    ticker.tick(1000, progress);
                }
                row!(
                    w,
                    n,
                    s.id_number.as_str(),
                    s.name.as_str(),
                    s.sex.code(),
                    s.birth_date,
                    s.household_area.as_str(),
                    i32::from(e.school_year.0),
                    *school,
                    *class,
                    e.stage.code(),
                    i32::from(e.grade.0),
                    e.migrant_child,
                    e.boarder,
                    e.visual_acuity.map(f64::from),
                    e.myopic
                )
            },
        )?;
        analyze_if_large(tx, "stage_student", changes.students.len())?;
        phase.done("copy students");
        let unique = unique_persons(changes.students.iter().map(|(s, _)| s.id_number.as_str()));
        // The person row is shared across years: one per identity number,
        // written from its first record (as SQLite does).
        let persons = if unique {
            "stage_student"
        } else {
            "(SELECT DISTINCT ON (id_number) * FROM stage_student ORDER BY id_number, n)"
        };
        upsert(
            tx,
            "student",
            &["id_number"],
            &["name", "sex", "birth_date", "household_area"],
            persons,
            None,
        )?;
        phase.done("write students");
        // Enrolments join their students by identity number here, in SQL;
        // the last record of a (year, person) wins.
        let placements = if unique {
            "stage_student"
        } else {
            "(SELECT DISTINCT ON (school_year, id_number) * FROM stage_student
              ORDER BY school_year, id_number, n DESC)"
        };
        upsert(
            tx,
            "enrolment",
            &["school_year", "student_id"],
            &[
                "school_id",
                "class_id",
                "stage",
                "grade",
                "migrant_child",
                "boarder",
                "visual_acuity",
                "myopic",
            ],
            &format!(
                "(SELECT d.*, s.id AS student_id FROM {placements} d
                  JOIN student s ON s.id_number = d.id_number)"
            ),
            Some(&years_in(changes.students.iter().map(|(_, e)| e.school_year))),
        )?;
        counts.students = changes.students.len() as u64;
        phase.done("write enrolments");
        ticker.tick(copied % 1000, progress);
    }

    if !changes.teachers.is_empty() {
        let schools = changes
            .teachers
            .iter()
            .map(|(_, p)| school_id(&p.school))
            .collect::<Result<Vec<i64>>>()?;
        stage(
            tx,
            "stage_teacher",
            &[
                ("id_number", Type::TEXT),
                ("name", Type::TEXT),
                ("sex", Type::TEXT),
                ("birth_year", Type::INT4),
                ("school_year", Type::INT4),
                ("school_id", Type::INT8),
                ("stage", Type::TEXT),
                ("subject", Type::TEXT),
                ("title", Type::TEXT),
                ("key_teacher_level", Type::TEXT),
                ("joined_school_year", Type::INT4),
                ("qualification", Type::TEXT),
            ],
            changes.teachers.iter().zip(&schools),
            |w, n, ((t, p), school)| {
                row!(
                    w,
                    n,
                    t.id_number.as_str(),
                    t.name.as_str(),
                    t.sex.code(),
                    i32::from(t.birth_year),
                    i32::from(p.school_year.0),
                    *school,
                    p.stage.code(),
                    p.subject.code(),
                    p.title.code(),
                    p.key_teacher_level.code(),
                    i32::from(p.joined_school_year.0),
                    p.qualification.code()
                )
            },
        )?;
        let unique = unique_persons(changes.teachers.iter().map(|(t, _)| t.id_number.as_str()));
        analyze_if_large(tx, "stage_teacher", changes.teachers.len())?;
        let persons = if unique {
            "stage_teacher"
        } else {
            "(SELECT DISTINCT ON (id_number) * FROM stage_teacher ORDER BY id_number, n)"
        };
        upsert(
            tx,
            "teacher",
            &["id_number"],
            &["name", "sex", "birth_year"],
            persons,
            None,
        )?;
        let placements = if unique {
            "stage_teacher"
        } else {
            "(SELECT DISTINCT ON (school_year, id_number) * FROM stage_teacher
              ORDER BY school_year, id_number, n DESC)"
        };
        upsert(
            tx,
            "teaching_post",
            &["school_year", "teacher_id"],
            &[
                "school_id",
                "stage",
                "subject",
                "title",
                "key_teacher_level",
                "joined_school_year",
                "qualification",
            ],
            &format!(
                "(SELECT d.*, t.id AS teacher_id FROM {placements} d
                  JOIN teacher t ON t.id_number = d.id_number)"
            ),
            Some(&years_in(changes.teachers.iter().map(|(_, p)| p.school_year))),
        )?;
        counts.teachers = changes.teachers.len() as u64;
        phase.done("teachers");
        ticker.tick(counts.teachers, progress);
    }

    if !changes.population.is_empty() {
        stage(
            tx,
            "stage_population",
            &[
                ("school_year", Type::INT4),
                ("township_code", Type::TEXT),
                ("age", Type::INT4),
                ("children", Type::INT4),
            ],
            &changes.population,
            |w, n, p| {
                row!(
                    w,
                    n,
                    i32::from(p.school_year.0),
                    p.township.as_str(),
                    i32::from(p.age),
                    p.children as i32
                )
            },
        )?;
        tx.execute(
            "INSERT INTO population (school_year, township_code, age, children)
             SELECT DISTINCT ON (school_year, township_code, age) school_year, township_code, age, children
             FROM stage_population ORDER BY school_year, township_code, age, n DESC
             ON CONFLICT (school_year, township_code, age) DO UPDATE SET children = excluded.children",
            &[],
        )?;
        counts.population = changes.population.len() as u64;
    }
    if !changes.births.is_empty() {
        stage(
            tx,
            "stage_births",
            &[
                ("year", Type::INT4),
                ("county_code", Type::TEXT),
                ("births", Type::INT4),
            ],
            &changes.births,
            |w, n, b| row!(w, n, i32::from(b.year), b.county.as_str(), b.births as i32),
        )?;
        tx.execute(
            "INSERT INTO births (year, county_code, births)
             SELECT DISTINCT ON (year, county_code) year, county_code, births
             FROM stage_births ORDER BY year, county_code, n DESC
             ON CONFLICT (year, county_code) DO UPDATE SET births = excluded.births",
            &[],
        )?;
        counts.births = changes.births.len() as u64;
    }
    ticker.tick(counts.population + counts.births, progress);
    phase.done("population and births");

    if sizes != SizeRule::Ignore && !touched_classes.is_empty() {
        let touched: Vec<i64> = touched_classes.into_iter().collect();
        let mismatches = class_size_mismatches(tx, &touched)?;
        if !mismatches.is_empty() {
            if sizes == SizeRule::Reject {
                return Ok(Err(mismatches.into_iter().map(|(_, m)| m).collect()));
            }
            let (ids, listed): (Vec<i64>, Vec<i32>) =
                mismatches.iter().map(|(id, m)| (*id, m.listed as i32)).unzip();
            tx.execute(
                "UPDATE class SET size = u.size FROM unnest($1::bigint[], $2::integer[]) AS u (id, size)
                 WHERE class.id = u.id",
                &[&ids, &listed],
            )?;
            counts.resized_classes = mismatches.into_iter().map(|(_, m)| m).collect();
        }
    }
    phase.done("class sizes");
    bump_revisions(tx, changes)?;
    Ok(Ok(counts))
}

/// Upserts the rows of `source` (a table or subquery with the `key` and
/// `columns` of `table`) by their natural key: changed rows are updated,
/// new ones inserted — numbered in the order of `source`'s `n`, as SQLite
/// numbers them — and unchanged ones not touched at all.
///
/// Two statements instead of one `INSERT … ON CONFLICT DO UPDATE … WHERE`:
/// that one locks every conflicting row, changed or not, and a city's
/// re-import (or a new year, whose pupils are mostly stored persons) spent
/// most of its time locking unchanged rows. Under [`REGISTRY_WRITE_LOCK`]
/// nobody else inserts meanwhile; the insert's `ON CONFLICT` stays as the
/// natural key's guard all the same.
///
/// `scope` narrows the stored rows compared (`t.school_year IN (…)`), so
/// that a year's import reads that year's placements, not every year's.
fn upsert(
    tx: &mut Transaction<'_>,
    table: &str,
    key: &[&str],
    columns: &[&str],
    source: &str,
    scope: Option<&str>,
) -> Result<()> {
    let mut on = key
        .iter()
        .map(|k| format!("t.{k} = d.{k}"))
        .collect::<Vec<_>>()
        .join(" AND ");
    if let Some(scope) = scope {
        on = format!("{on} AND {scope}");
    }
    let list = |prefix: &str, names: &[&str]| {
        names
            .iter()
            .map(|c| format!("{prefix}{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let set = columns
        .iter()
        .map(|c| format!("{c} = d.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let excluded = columns
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    // ROW(…): a single column compares as a row too.
    tx.execute(
        &format!(
            "UPDATE {table} t SET {set} FROM {source} d
             WHERE {on} AND ROW({}) IS DISTINCT FROM ROW({})",
            list("t.", columns),
            list("d.", columns)
        ),
        &[],
    )?;
    tx.execute(
        &format!(
            "INSERT INTO {table} ({keys}, {cols}) SELECT {dkeys}, {dcols} FROM {source} d
             WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {on})
             ORDER BY d.n
             ON CONFLICT ({keys}) DO UPDATE SET {excluded}",
            keys = list("", key),
            cols = list("", columns),
            dkeys = list("d.", key),
            dcols = list("d.", columns),
        ),
        &[],
    )?;
    Ok(())
}

/// `t.school_year IN (…)` for the years of a change set's placements
/// (numbers, so written into the statement: the planner then reads only
/// those years off the placement's primary key).
fn years_in(years: impl Iterator<Item = SchoolYear>) -> String {
    let mut years: Vec<u16> = years.map(|y| y.0).collect();
    years.sort_unstable();
    years.dedup();
    let list: Vec<String> = years.iter().map(u16::to_string).collect();
    format!("t.school_year IN ({})", list.join(", "))
}

/// Whether every identity number appears once (the usual file): the
/// statements then need no `DISTINCT ON`, which would sort every row.
fn unique_persons<'a>(id_numbers: impl ExactSizeIterator<Item = &'a str>) -> bool {
    let mut seen: FxHashSet<&str> = FxHashSet::with_capacity_and_hasher(id_numbers.len(), Default::default());
    id_numbers.into_iter().all(|id| seen.insert(id))
}

/// From this many rows on, a staging table is analysed before it is
/// joined. A temporary table has no statistics: the planner guesses a
/// filtered staging table at a few hundred rows and may pick a nested loop
/// over a scan of the placements — minutes for a city instead of a second.
/// Sampling caps ANALYZE's cost (30,000 rows at most).
const ANALYZE_FROM: usize = 1_000;

fn analyze_if_large(tx: &mut Transaction<'_>, table: &str, rows: usize) -> Result<()> {
    if rows >= ANALYZE_FROM {
        tx.batch_execute(&format!("ANALYZE {table}"))?;
    }
    Ok(())
}

/// Marks the school years this change set touched (0: the schools, which
/// every year's snapshot shows) as changed, in the change's transaction.
fn bump_revisions(tx: &mut Transaction<'_>, changes: &ChangeSet) -> Result<()> {
    let mut years: HashSet<u16> = HashSet::new();
    if !changes.schools.is_empty() {
        years.insert(0);
    }
    years.extend(changes.facilities.iter().map(|f| f.school_year.0));
    years.extend(changes.classes.iter().map(|c| c.school_year.0));
    years.extend(changes.students.iter().map(|(_, e)| e.school_year.0));
    years.extend(changes.teachers.iter().map(|(_, p)| p.school_year.0));
    years.extend(changes.population.iter().map(|p| p.school_year.0));
    let mut years: Vec<i32> = years.into_iter().map(i32::from).collect();
    // In one order, whoever bumps: two writers never wait on each other's rows crosswise.
    years.sort_unstable();
    tx.execute(
        "INSERT INTO registry_revision (school_year, revision) SELECT y, 1 FROM unnest($1::integer[]) AS y
         ON CONFLICT (school_year) DO UPDATE SET revision = registry_revision.revision + 1",
        &[&years],
    )?;
    Ok(())
}

/// Marks one school year as changed (see [`bump_revisions`]).
pub(super) fn bump_year(tx: &mut Transaction<'_>, year: SchoolYear) -> Result<()> {
    tx.execute(
        "INSERT INTO registry_revision (school_year, revision) VALUES ($1, 1)
         ON CONFLICT (school_year) DO UPDATE SET revision = registry_revision.revision + 1",
        &[&i32::from(year.0)],
    )?;
    Ok(())
}

/// Schools are few (thousands for a city): one upsert each, with their
/// stages, and the school officers' scope following a school that moved.
fn upsert_schools(tx: &mut Transaction<'_>, changes: &ChangeSet) -> Result<u64> {
    if changes.schools.is_empty() {
        return Ok(0);
    }
    let school = tx.prepare(
        "INSERT INTO school (code, name, county_code, township_code, ownership, inclusive,
             quality_rating, location, school_group, longitude, latitude)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (code) DO UPDATE SET
             name = excluded.name, county_code = excluded.county_code,
             township_code = excluded.township_code, ownership = excluded.ownership,
             inclusive = excluded.inclusive, quality_rating = excluded.quality_rating,
             location = excluded.location, school_group = excluded.school_group,
             longitude = excluded.longitude, latitude = excluded.latitude
         RETURNING id",
    )?;
    // A school officer's scope names the school's county; it follows the
    // school when the city moves it.
    let follow = tx.prepare(
        "UPDATE app_user SET scope_area = $2
         WHERE scope_kind = 'school' AND scope_school = $1 AND scope_area <> $2",
    )?;
    let mut n = 0;
    let mut ids = Vec::with_capacity(changes.schools.len());
    for s in &changes.schools {
        let id: i64 = tx
            .query_one(
                &school,
                &[
                    &s.code.as_str(),
                    &s.name,
                    &s.county.as_str(),
                    &s.township.as_ref().map(|t| t.as_str()),
                    &s.ownership.code(),
                    &s.inclusive,
                    &s.quality_rating.code(),
                    &s.location.code(),
                    &s.school_group,
                    &s.longitude,
                    &s.latitude,
                ],
            )?
            .get(0);
        tx.execute(&follow, &[&s.code.as_str(), &s.county.as_str()])?;
        ids.push(id);
        n += 1;
    }
    // Each school's stages are replaced by those of its (last) record.
    let (mut stage_school, mut stage_code, mut stage_seats) = (Vec::new(), Vec::new(), Vec::new());
    let mut latest: HashMap<i64, usize> = HashMap::new();
    for (index, id) in ids.iter().enumerate() {
        latest.insert(*id, index);
    }
    for (index, s) in changes.schools.iter().enumerate() {
        if latest.get(&ids[index]) != Some(&index) {
            continue;
        }
        for served in &s.stages {
            stage_school.push(ids[index]);
            stage_code.push(served.code());
            stage_seats.push(s.seats_for(*served) as i32);
        }
    }
    tx.execute("DELETE FROM school_stage WHERE school_id = ANY($1)", &[&ids])?;
    tx.execute(
        "INSERT INTO school_stage (school_id, stage, seats)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[])",
        &[&stage_school, &stage_code, &stage_seats],
    )?;
    Ok(n)
}

fn school_ids(tx: &mut Transaction<'_>) -> Result<HashMap<String, i64>> {
    Ok(tx
        .query("SELECT code, id FROM school", &[])?
        .iter()
        .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1)))
        .collect())
}

/// Class ids by (year, school, grade), then by name.
struct ClassIds(HashMap<(u16, i64, i8), Vec<(String, i64)>>);

impl ClassIds {
    fn load(tx: &mut Transaction<'_>, years: &HashSet<SchoolYear>) -> Result<ClassIds> {
        let years: Vec<i32> = years.iter().map(|y| i32::from(y.0)).collect();
        let mut map: HashMap<(u16, i64, i8), Vec<(String, i64)>> = HashMap::new();
        for r in tx.query(
            "SELECT id, school_year, school_id, grade, name FROM class WHERE school_year = ANY($1)",
            &[&years],
        )? {
            let year: i32 = r.get(1);
            let grade: i32 = r.get(3);
            map.entry((year as u16, r.get(2), grade as i8))
                .or_default()
                .push((r.get(4), r.get(0)));
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

/// Touched classes whose declared size differs from the pupils listed in
/// them (enrolled, and pending requests into them) — checked only where
/// the school's roster for that year has been imported. With their ids.
fn class_size_mismatches(tx: &mut Transaction<'_>, touched: &[i64]) -> Result<Vec<(i64, ClassSizeMismatch)>> {
    struct Row {
        id: i64,
        key: ClassKey,
        school_id: i64,
        declared: u32,
        listed: u32,
    }
    let found = tx.query(
        &format!(
            "SELECT c.id, c.school_year, s.code, c.grade, c.name, c.size, c.school_id,
                    coalesce(e.n, 0) + {}
             FROM class c JOIN school s ON s.id = c.school_id
             LEFT JOIN (SELECT class_id, count(*) AS n FROM enrolment
                        WHERE class_id = ANY($1) GROUP BY class_id) e ON e.class_id = c.id
             WHERE c.id = ANY($1)",
            super::transfer::PENDING_INTO_CLASS
        ),
        &[&touched],
    )?;
    let mut rows = Vec::with_capacity(found.len());
    for r in found {
        let code: String = r.get(2);
        let school = SchoolCode::parse(&code).map_err(|e| StoreError::Corrupt(e.0))?;
        rows.push(Row {
            id: r.get(0),
            key: ClassKey {
                school_year: SchoolYear(r.get::<_, i32>(1) as u16),
                school,
                grade: Grade(r.get::<_, i32>(3) as i8),
                name: r.get(4),
            },
            declared: r.get::<_, i32>(5) as u32,
            school_id: r.get(6),
            listed: r.get::<_, i64>(7) as u32,
        });
    }
    // A school-year whose touched classes list nobody may still have a
    // roster in its other classes; ask once per such school-year.
    let mut roster: HashMap<(u16, i64), bool> = HashMap::new();
    for r in &rows {
        *roster.entry((r.key.school_year.0, r.school_id)).or_insert(false) |= r.listed > 0;
    }
    for ((year, school_id), has_roster) in roster.iter_mut() {
        if !*has_roster {
            *has_roster = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM class c JOIN enrolment e ON e.class_id = c.id
                                    WHERE c.school_year = $1 AND c.school_id = $2)",
                    &[&i32::from(*year), school_id],
                )?
                .get(0);
        }
    }
    let mut out: Vec<(i64, ClassSizeMismatch)> = rows
        .into_iter()
        .filter(|r| {
            r.listed != r.declared
                && roster
                    .get(&(r.key.school_year.0, r.school_id))
                    .copied()
                    .unwrap_or(false)
        })
        .map(|r| {
            (
                r.id,
                ClassSizeMismatch {
                    class: r.key,
                    declared: r.declared,
                    listed: r.listed,
                },
            )
        })
        .collect();
    out.sort_by(|a, b| a.1.class.cmp(&b.1.class));
    Ok(out)
}
