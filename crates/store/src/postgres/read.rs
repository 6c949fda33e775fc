//! [`RegistryRead`] on PostgreSQL: the same reads, orders and search as
//! SQLite's `sqlite/read.rs` (and the transfer reads of `sqlite/transfer.rs`),
//! in PostgreSQL's types.
//!
//! Two differences of the engines are bridged here so that both backends
//! answer alike: text is ordered `COLLATE "C"` (SQLite compares bytes; a
//! database's default collation may not), and a NULL class sorts first
//! (`NULLS FIRST`, SQLite's order; `enrolment_school` is built that way).
//! A search folds ASCII letters on both sides of `LIKE`, which is what
//! SQLite's `LIKE` does, and nothing else.

use crate::search::{Letters, SearchParams};
use crate::summary::{SetCount, SummaryTable};
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, Row, Statement};
use registry::{
    Area, AreaCode, AreaKind, Births, Class, ClassKey, Enrolment, Grade, IdNumber, KeyTeacherLevel, Location,
    Ownership, Population, Qualification, QualityRating, School, SchoolCode, SchoolFacility, SchoolYear, Sex,
    Stage, Student, Subject, Teacher, TeachingPost, Title,
};

use super::PgStore;
use crate::{
    Lookup, NewTransfer, PersonKind, Placement, RegistryRead, Result, SchoolInfo, StoreError, SummaryRow,
    TransferQuery, TransferRequest, TransferRow, TransferStatus,
};

/// How many people one placement query asks about (bound as one array).
const PLACEMENT_BATCH: usize = 5_000;

/// A parameter list for the `postgres` client.
type Params<'a> = [&'a (dyn ToSql + Sync)];

impl PgStore {
    /// Runs `run` with `sql` prepared once per connection. A statement the
    /// server no longer holds, or whose result changed under it (a newer
    /// server migrated the schema; a pooler reset the session), is prepared
    /// again and run once more: that error comes before anything ran.
    fn with_prepared<T>(
        &self,
        sql: &str,
        run: &mut dyn FnMut(&mut Client, &Statement) -> Result<T, postgres::Error>,
    ) -> Result<T> {
        let mut conn = self.conn.borrow_mut();
        let statement = self.prepared(&mut conn, sql)?;
        match run(&mut conn, &statement) {
            Err(e) if stale(&e) => {
                self.statements.borrow_mut().remove(sql);
                let statement = self.prepared(&mut conn, sql)?;
                Ok(run(&mut conn, &statement)?)
            }
            result => Ok(result?),
        }
    }

    /// Rows of a constant statement.
    pub(super) fn rows(&self, sql: &str, params: &Params<'_>) -> Result<Vec<Row>> {
        self.with_prepared(sql, &mut |conn, statement| conn.query(statement, params))
    }

    /// At most one row of a constant statement.
    pub(super) fn row(&self, sql: &str, params: &Params<'_>) -> Result<Option<Row>> {
        self.with_prepared(sql, &mut |conn, statement| conn.query_opt(statement, params))
    }

    /// Runs a constant statement; returns the rows it changed.
    pub(super) fn execute(&self, sql: &str, params: &Params<'_>) -> Result<u64> {
        self.with_prepared(sql, &mut |conn, statement| conn.execute(statement, params))
    }

    /// Visits the rows of a constant statement as they arrive, never
    /// holding more than the client's buffer: for a whole year's students.
    pub(super) fn stream(
        &self,
        sql: &str,
        params: &Params<'_>,
        visit: &mut dyn FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        let mut conn = self.conn.borrow_mut();
        for retry in [false, true] {
            let statement = self.prepared(&mut conn, sql)?;
            match conn.query_raw(&statement, params.iter().copied()) {
                Err(e) if !retry && stale(&e) => {
                    self.statements.borrow_mut().remove(sql);
                }
                Err(e) => return Err(e.into()),
                Ok(mut rows) => {
                    while let Some(r) = rows.next()? {
                        visit(&r)?;
                    }
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}

/// Whether a prepared statement must be prepared again: the server does
/// not know it (26000), or its plan's result type changed (0A000, "cached
/// plan must not change result type").
fn stale(error: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    error.code().is_some_and(|code| {
        *code == SqlState::INVALID_SQL_STATEMENT_NAME
            || (*code == SqlState::FEATURE_NOT_SUPPORTED
                && error
                    .as_db_error()
                    .is_some_and(|db| db.message().contains("cached plan")))
    })
}

// Column readers: a value of the wrong type or out of range is a corrupt
// database, reported, never a panic.

pub(super) fn text(r: &Row, i: usize) -> Result<&str> {
    Ok(r.try_get(i)?)
}

/// An `integer` column as a narrower Rust integer.
pub(super) fn int<T: TryFrom<i32>>(r: &Row, i: usize) -> Result<T> {
    let value: i32 = r.try_get(i)?;
    T::try_from(value).map_err(|_| StoreError::Corrupt(format!("数值 {value} 超出范围")))
}

pub(super) fn opt_int<T: TryFrom<i32>>(r: &Row, i: usize) -> Result<Option<T>> {
    let value: Option<i32> = r.try_get(i)?;
    value
        .map(|v| T::try_from(v).map_err(|_| StoreError::Corrupt(format!("数值 {v} 超出范围"))))
        .transpose()
}

/// A `bigint` count as `u64`.
pub(super) fn count(r: &Row, i: usize) -> Result<u64> {
    let n: i64 = r.try_get(i)?;
    Ok(n.max(0) as u64)
}

pub(super) fn vocab<T>(r: &Row, i: usize, from_code: fn(&str) -> Option<T>) -> Result<T> {
    let code = text(r, i)?;
    from_code(code).ok_or_else(|| StoreError::Corrupt(format!("未知代码“{code}”")))
}

pub(super) fn area_code(text: &str) -> Result<AreaCode> {
    AreaCode::parse(text).map_err(|e| StoreError::Corrupt(e.0))
}

pub(super) fn school_code(text: &str) -> Result<SchoolCode> {
    SchoolCode::parse(text).map_err(|e| StoreError::Corrupt(e.0))
}

fn area(r: &Row) -> Result<Area> {
    let kind = match text(r, 2)? {
        "zone" => AreaKind::Zone,
        _ => AreaKind::Regular,
    };
    Ok(Area {
        code: area_code(text(r, 0)?)?,
        name: r.try_get(1)?,
        kind,
    })
}

impl RegistryRead for PgStore {
    fn holds_demo_city(&self) -> Result<bool> {
        let row = self.row("SELECT EXISTS (SELECT 1 FROM demo_marker)", &[])?;
        Ok(match row {
            Some(r) => r.try_get(0)?,
            None => false,
        })
    }

    fn lookup(&self) -> Result<Lookup> {
        let mut lookup = Lookup::default();
        self.stream("SELECT code FROM area", &[], &mut |r| {
            lookup.areas.insert(text(r, 0)?.to_owned());
            Ok(())
        })?;
        for school in self.schools()? {
            lookup.schools.insert(
                school.code,
                SchoolInfo {
                    county: school.county,
                    stages: school.stages,
                },
            );
        }
        let mut codes: HashMap<String, SchoolCode> = HashMap::new();
        self.stream(
            "SELECT c.school_year, s.code, c.grade, c.name FROM class c JOIN school s ON s.id = c.school_id",
            &[],
            &mut |r| {
                lookup.classes.insert(ClassKey {
                    school_year: SchoolYear(int(r, 0)?),
                    school: parsed_once(&mut codes, text(r, 1)?, school_code)?,
                    grade: Grade(int(r, 2)?),
                    name: r.try_get(3)?,
                });
                Ok(())
            },
        )?;
        Ok(lookup)
    }

    fn school_years(&self) -> Result<Vec<SchoolYear>> {
        self.rows(
            "SELECT school_year FROM class UNION SELECT school_year FROM teaching_post
             UNION SELECT school_year FROM school_facility ORDER BY 1",
            &[],
        )?
        .iter()
        .map(|r| Ok(SchoolYear(int(r, 0)?)))
        .collect()
    }

    fn area(&self, code: &str) -> Result<Option<Area>> {
        self.row("SELECT code, name, kind FROM area WHERE code = $1", &[&code])?
            .as_ref()
            .map(area)
            .transpose()
    }

    fn child_areas(&self, code: &str) -> Result<Vec<Area>> {
        self.rows(
            "SELECT code, name, kind FROM area WHERE parent_code = $1 ORDER BY code COLLATE \"C\"",
            &[&code],
        )?
        .iter()
        .map(area)
        .collect()
    }

    fn schools(&self) -> Result<Vec<School>> {
        self.load_schools(None)
    }

    fn facilities(&self, year: SchoolYear) -> Result<Vec<SchoolFacility>> {
        self.rows(
            "SELECT s.code, f.teaching_floor_area, f.sports_ground_area, f.equipment_value,
                    f.multimedia_classrooms
             FROM school_facility f JOIN school s ON s.id = f.school_id
             WHERE f.school_year = $1 ORDER BY s.code COLLATE \"C\"",
            &[&i32::from(year.0)],
        )?
        .iter()
        .map(|r| {
            Ok(SchoolFacility {
                school_year: year,
                school: school_code(text(r, 0)?)?,
                teaching_floor_area: r.try_get(1)?,
                sports_ground_area: r.try_get(2)?,
                equipment_value: r.try_get(3)?,
                multimedia_classrooms: int(r, 4)?,
            })
        })
        .collect()
    }

    fn classes(&self, year: SchoolYear) -> Result<Vec<Class>> {
        self.load_classes(year, None)
    }

    fn for_each_student(&self, year: SchoolYear, visit: &mut dyn FnMut(Student, Enrolment)) -> Result<()> {
        // Codes repeat for every student of a school: parse each once.
        let mut schools: HashMap<String, SchoolCode> = HashMap::new();
        let mut areas: HashMap<String, AreaCode> = HashMap::new();
        self.stream(
            &format!(
                "SELECT {STUDENT_COLUMNS}
                 FROM enrolment e
                 JOIN student st ON st.id = e.student_id
                 JOIN school sc ON sc.id = e.school_id
                 LEFT JOIN class c ON c.id = e.class_id
                 WHERE e.school_year = $1
                 ORDER BY e.school_id, e.grade, e.class_id NULLS FIRST, e.student_id"
            ),
            &[&i32::from(year.0)],
            &mut |r| {
                let household_area = parsed_once(&mut areas, text(r, 4)?, area_code)?;
                let school = parsed_once(&mut schools, text(r, 5)?, school_code)?;
                let (student, enrolment) = student_row(r, year, household_area, school)?;
                visit(student, enrolment);
                Ok(())
            },
        )
    }

    fn teachers(&self, year: SchoolYear) -> Result<Vec<(Teacher, TeachingPost)>> {
        self.load_teachers(year, None)
    }

    fn population(&self, year: SchoolYear) -> Result<Vec<Population>> {
        self.rows(
            "SELECT township_code, age, children FROM population WHERE school_year = $1
             ORDER BY township_code COLLATE \"C\", age",
            &[&i32::from(year.0)],
        )?
        .iter()
        .map(|r| {
            Ok(Population {
                school_year: year,
                township: area_code(text(r, 0)?)?,
                age: int(r, 1)?,
                children: int(r, 2)?,
            })
        })
        .collect()
    }

    fn births(&self) -> Result<Vec<Births>> {
        self.rows(
            "SELECT year, county_code, births FROM births ORDER BY year, county_code COLLATE \"C\"",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(Births {
                year: int(r, 0)?,
                county: area_code(text(r, 1)?)?,
                births: int(r, 2)?,
            })
        })
        .collect()
    }

    fn school(&self, code: &SchoolCode) -> Result<Option<School>> {
        Ok(self.load_schools(Some(code.as_str()))?.pop())
    }

    fn school_classes(&self, school: &SchoolCode, year: SchoolYear) -> Result<Vec<Class>> {
        self.load_classes(year, Some(school.as_str()))
    }

    fn school_teachers(&self, school: &SchoolCode, year: SchoolYear) -> Result<Vec<(Teacher, TeachingPost)>> {
        self.load_teachers(year, Some(school.as_str()))
    }

    fn school_students(
        &self,
        school: &SchoolCode,
        year: SchoolYear,
        search: Option<&str>,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<(Student, Enrolment)>> {
        let search = SearchParams::new(search, Letters::Folded);
        let year_param = i32::from(year.0);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let code = school.as_str();
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&code, &year_param];
        let searching = search.searching();
        if searching {
            params.extend([
                &search.grade as &(dyn ToSql + Sync),
                &search.name,
                &search.class,
                &search.whole,
            ]);
        }
        params.extend([&limit as &(dyn ToSql + Sync), &offset]);
        self.rows(&school_page_sql(searching), &params)?
            .iter()
            .map(|r| {
                let household_area = area_code(text(r, 4)?)?;
                student_row(r, year, household_area, school.clone())
            })
            .collect()
    }

    fn school_student_count(
        &self,
        school: &SchoolCode,
        year: SchoolYear,
        search: Option<&str>,
    ) -> Result<u64> {
        let search = SearchParams::new(search, Letters::Folded);
        let year_param = i32::from(year.0);
        let code = school.as_str();
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&code, &year_param];
        let searching = search.searching();
        if searching {
            params.extend([
                &search.grade as &(dyn ToSql + Sync),
                &search.name,
                &search.class,
                &search.whole,
            ]);
        }
        match self.row(&school_enrolments("count(*)", searching), &params)? {
            Some(r) => count(&r, 0),
            None => Ok(0),
        }
    }

    fn latest_placements(&self, kind: PersonKind, people: &[&IdNumber]) -> Result<Vec<Option<Placement>>> {
        let (person, placement, person_column, grade) = placement_tables(kind);
        let lateral_grade = match kind {
            PersonKind::Student => ", y.grade",
            PersonKind::Teacher => "",
        };
        // One statement per batch: the people as an array, each one's
        // latest placement a seek on its (person, school year) index.
        let sql = format!(
            "SELECT q.i, x.school_year, sc.code, x.stage, {grade}
             FROM unnest($1::text[]) WITH ORDINALITY AS q(id_number, i)
             JOIN {person} p ON p.id_number = q.id_number
             CROSS JOIN LATERAL (SELECT y.school_year, y.school_id, y.stage{lateral_grade} FROM {placement} y WHERE y.{person_column} = p.id
                                 ORDER BY y.school_year DESC LIMIT 1) x
             JOIN school sc ON sc.id = x.school_id"
        );
        let mut out = vec![None; people.len()];
        for (batch, chunk) in people.chunks(PLACEMENT_BATCH).enumerate() {
            let ids: Vec<&str> = chunk.iter().map(|id| id.as_str()).collect();
            for r in self.rows(&sql, &[&ids])? {
                place(&mut out, batch * PLACEMENT_BATCH, &r)?;
            }
        }
        Ok(out)
    }

    fn placements_in_year(
        &self,
        kind: PersonKind,
        people: &[(SchoolYear, &IdNumber)],
    ) -> Result<Vec<Option<Placement>>> {
        let (person, placement, person_column, grade) = placement_tables(kind);
        let sql = format!(
            "SELECT q.i, x.school_year, sc.code, x.stage, {grade}
             FROM unnest($1::text[], $2::integer[]) WITH ORDINALITY AS q(id_number, school_year, i)
             JOIN {person} p ON p.id_number = q.id_number
             JOIN {placement} x ON x.school_year = q.school_year AND x.{person_column} = p.id
             JOIN school sc ON sc.id = x.school_id"
        );
        let mut out = vec![None; people.len()];
        for (batch, chunk) in people.chunks(PLACEMENT_BATCH).enumerate() {
            let ids: Vec<&str> = chunk.iter().map(|(_, id)| id.as_str()).collect();
            let years: Vec<i32> = chunk.iter().map(|(year, _)| i32::from(year.0)).collect();
            for r in self.rows(&sql, &[&ids, &years])? {
                place(&mut out, batch * PLACEMENT_BATCH, &r)?;
            }
        }
        Ok(out)
    }

    fn transfers(&self, query: &TransferQuery) -> Result<Vec<TransferRequest>> {
        let county = query.county.as_ref().map(|c| c.as_str());
        let school = query.school.as_ref().map(|s| s.as_str());
        let status = query.status.map(|s| s.code());
        let limit = i64::from(query.limit);
        self.rows(
            &format!(
                "SELECT {TRANSFER_COLUMNS} FROM transfer_request
                 WHERE ($1::text IS NULL OR from_county = $1 OR to_county = $1)
                   AND ($2::text IS NULL OR from_school = $2 OR to_school = $2)
                   AND ($3::text IS NULL OR status = $3)
                 ORDER BY id DESC LIMIT $4"
            ),
            &[&county, &school, &status, &limit],
        )?
        .iter()
        .map(request_from_row)
        .collect()
    }

    fn transfer(&self, id: i64) -> Result<Option<TransferRequest>> {
        self.row(&transfer_by_id_sql(), &[&id])?
            .as_ref()
            .map(request_from_row)
            .transpose()
    }

    fn pending_transfers_by(&self, username: &str) -> Result<u64> {
        match self.row(
            "SELECT count(*) FROM transfer_request WHERE requested_by = $1 AND status = 'pending'",
            &[&username],
        )? {
            Some(r) => count(&r, 0),
            None => Ok(0),
        }
    }

    fn summary(&self, year: SchoolYear) -> Result<Vec<SummaryRow>> {
        let mut names: HashMap<String, String> = HashMap::new();
        for r in self.rows(
            "SELECT a.code, a.name FROM area a WHERE a.code IN (SELECT DISTINCT county_code FROM school)",
            &[],
        )? {
            names.insert(r.try_get(0)?, r.try_get(1)?);
        }
        let mut table = SummaryTable::new(names);
        let queries: [(&str, SetCount); 4] = [
            (
                "SELECT s.county_code, ss.stage, count(*) FROM school s
                 JOIN school_stage ss ON ss.school_id = s.id GROUP BY 1, 2
                 UNION ALL SELECT county_code, '', count(*) FROM school GROUP BY 1",
                |row, n| row.schools = n,
            ),
            (
                "SELECT s.county_code, c.stage, count(*) FROM class c JOIN school s ON s.id = c.school_id
                 WHERE c.school_year = $1 GROUP BY 1, 2",
                |row, n| row.classes = n,
            ),
            (
                "SELECT s.county_code, e.stage, count(*) FROM enrolment e JOIN school s ON s.id = e.school_id
                 WHERE e.school_year = $1 GROUP BY 1, 2",
                |row, n| row.students = n,
            ),
            (
                "SELECT s.county_code, p.stage, count(*) FROM teaching_post p JOIN school s ON s.id = p.school_id
                 WHERE p.school_year = $1 GROUP BY 1, 2",
                |row, n| row.teachers = n,
            ),
        ];
        let year = i32::from(year.0);
        for (sql, set) in queries {
            let rows = if sql.contains("$1") {
                self.rows(sql, &[&year])?
            } else {
                self.rows(sql, &[])?
            };
            for r in rows {
                let county: String = r.try_get(0)?;
                let stage: String = r.try_get(1)?;
                let n = count(&r, 2)?;
                table.add(county, stage, n, set);
            }
        }
        Ok(table.finish())
    }
}

/// `text` parsed by `parse`, once per distinct text.
fn parsed_once<T: Clone>(
    seen: &mut HashMap<String, T>,
    text: &str,
    parse: fn(&str) -> Result<T>,
) -> Result<T> {
    if let Some(value) = seen.get(text) {
        return Ok(value.clone());
    }
    let value = parse(text)?;
    seen.insert(text.to_owned(), value.clone());
    Ok(value)
}

/// Tables and columns of a person kind's placements: (person table,
/// placement table, its person column, the grade column or NULL).
fn placement_tables(kind: PersonKind) -> (&'static str, &'static str, &'static str, &'static str) {
    match kind {
        PersonKind::Student => ("student", "enrolment", "student_id", "x.grade"),
        PersonKind::Teacher => ("teacher", "teaching_post", "teacher_id", "NULL::integer"),
    }
}

/// Puts a placement row (ordinal in its batch, year, school, stage, grade)
/// at its person's place in `out`.
fn place(out: &mut [Option<Placement>], batch_start: usize, r: &Row) -> Result<()> {
    let ordinal: i64 = r.try_get(0)?;
    let placement = Placement {
        school_year: SchoolYear(int(r, 1)?),
        school: school_code(text(r, 2)?)?,
        stage: vocab(r, 3, Stage::from_code)?,
        grade: opt_int::<i8>(r, 4)?.map(Grade),
    };
    let slot = usize::try_from(ordinal - 1)
        .ok()
        .and_then(|i| out.get_mut(batch_start + i))
        .ok_or_else(|| StoreError::Corrupt(format!("序号 {ordinal} 超出范围")))?;
    *slot = Some(placement);
    Ok(())
}

/// One page of a school's students (parameters: those of
/// [`school_enrolments`], then limit and offset). The page is chosen from
/// the enrolment index alone (grade, class, student), and only its rows
/// are joined to names, as on SQLite.
fn school_page_sql(searching: bool) -> String {
    let (limit, offset) = if searching { ("$7", "$8") } else { ("$3", "$4") };
    format!(
        "WITH page AS ({} ORDER BY e.grade, e.class_id NULLS FIRST, e.student_id
                       LIMIT {limit} OFFSET {offset})
         SELECT {STUDENT_COLUMNS}
         FROM page p JOIN enrolment e ON e.school_year = p.school_year AND e.student_id = p.student_id
         JOIN student st ON st.id = e.student_id JOIN school sc ON sc.id = e.school_id
         LEFT JOIN class c ON c.id = e.class_id
         ORDER BY e.grade, e.class_id NULLS FIRST, e.student_id",
        school_enrolments("e.school_year, e.student_id, e.grade, e.class_id", searching)
    )
}

/// ASCII letters folded to lower case, as SQLite's `LIKE` compares them
/// (and no other letters): the column side of a search's `LIKE`.
fn folded(column: &str) -> String {
    format!("translate({column}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')")
}

/// `SELECT columns` over a school's enrolments of a year (parameters:
/// school code, school year and, when searching, [`SearchParams`]: grade,
/// name pattern, class pattern, whole-text class, each NULL when unused).
fn school_enrolments(columns: &str, searching: bool) -> String {
    if searching {
        format!(
            "SELECT {columns} FROM enrolment e
             JOIN student st ON st.id = e.student_id
             LEFT JOIN class c ON c.id = e.class_id
             WHERE e.school_id = (SELECT id FROM school WHERE code = $1)
               AND e.school_year = $2
               AND ($3::integer IS NULL OR e.grade = $3)
               AND ($4::text IS NULL
                    OR {name} LIKE $4 ESCAPE '\\'
                    OR {class} LIKE $5::text ESCAPE '\\'
                    OR {class} LIKE $6::text ESCAPE '\\')",
            name = folded("mask_name(st.name)"),
            class = folded("c.name"),
        )
    } else {
        format!(
            "SELECT {columns} FROM enrolment e
             WHERE e.school_id = (SELECT id FROM school WHERE code = $1)
               AND e.school_year = $2"
        )
    }
}

const STUDENT_COLUMNS: &str = "st.id_number, st.name, st.sex, st.birth_date, st.household_area, sc.code,
     e.stage, e.grade, c.name, e.migrant_child, e.boarder, e.visual_acuity, e.myopic";

/// A student and its enrolment from a row of `STUDENT_COLUMNS`.
fn student_row(
    r: &Row,
    year: SchoolYear,
    household_area: AreaCode,
    school: SchoolCode,
) -> Result<(Student, Enrolment)> {
    let id_number =
        IdNumber::from_stored(text(r, 0)?).map_err(|e| StoreError::Corrupt(format!("学生身份证号：{e}")))?;
    let birth_date: NaiveDate = r.try_get(3)?;
    Ok((
        Student {
            id_number,
            name: r.try_get(1)?,
            sex: vocab(r, 2, Sex::from_code)?,
            birth_date,
            household_area,
        },
        Enrolment {
            school_year: year,
            school,
            stage: vocab(r, 6, Stage::from_code)?,
            grade: Grade(int(r, 7)?),
            class_name: r.try_get(8)?,
            migrant_child: r.try_get(9)?,
            boarder: r.try_get(10)?,
            visual_acuity: r.try_get::<_, Option<f64>>(11)?.map(|v| v as f32),
            myopic: r.try_get(12)?,
        },
    ))
}

/// Reads shared by the whole-year and the one-school queries. Separate
/// statements for "all" and "one", as on SQLite, so each has its own plan.
impl PgStore {
    /// All schools, or the one with `code`.
    fn load_schools(&self, code: Option<&str>) -> Result<Vec<School>> {
        let mut stages: HashMap<i64, Vec<(Stage, u32)>> = HashMap::new();
        let stage_rows = match code {
            Some(code) => self.rows(
                "SELECT school_id, stage, seats FROM school_stage
                 WHERE school_id = (SELECT id FROM school WHERE code = $1)",
                &[&code],
            )?,
            None => self.rows("SELECT school_id, stage, seats FROM school_stage", &[])?,
        };
        for r in &stage_rows {
            stages
                .entry(r.try_get(0)?)
                .or_default()
                .push((vocab(r, 1, Stage::from_code)?, int(r, 2)?));
        }
        const COLUMNS: &str = "SELECT id, code, name, county_code, township_code, ownership, inclusive,
                    quality_rating, location, school_group, longitude, latitude FROM school";
        let rows = match code {
            Some(code) => self.rows(&format!("{COLUMNS} WHERE code = $1"), &[&code])?,
            None => self.rows(&format!("{COLUMNS} ORDER BY code COLLATE \"C\""), &[])?,
        };
        rows.iter()
            .map(|r| {
                let mut seats = stages.remove(&r.try_get::<_, i64>(0)?).unwrap_or_default();
                seats.sort_by_key(|(stage, _)| *stage);
                Ok(School {
                    code: school_code(text(r, 1)?)?,
                    name: r.try_get(2)?,
                    county: area_code(text(r, 3)?)?,
                    township: r.try_get::<_, Option<&str>>(4)?.map(area_code).transpose()?,
                    stages: seats.iter().map(|(stage, _)| *stage).collect(),
                    ownership: vocab(r, 5, Ownership::from_code)?,
                    inclusive: r.try_get(6)?,
                    quality_rating: vocab(r, 7, QualityRating::from_code)?,
                    location: vocab(r, 8, Location::from_code)?,
                    seats,
                    school_group: r.try_get(9)?,
                    longitude: r.try_get(10)?,
                    latitude: r.try_get(11)?,
                })
            })
            .collect()
    }

    /// A year's classes, of every school or of one.
    fn load_classes(&self, year: SchoolYear, school: Option<&str>) -> Result<Vec<Class>> {
        const SELECT: &str = "SELECT s.code, c.stage, c.grade, c.name, c.size
             FROM class c JOIN school s ON s.id = c.school_id WHERE c.school_year = $1";
        let year_param = i32::from(year.0);
        let rows = match school {
            Some(code) => self.rows(
                &format!("{SELECT} AND c.school_id = (SELECT id FROM school WHERE code = $2) ORDER BY c.grade, c.id"),
                &[&year_param, &code],
            )?,
            None => self.rows(
                &format!("{SELECT} ORDER BY s.code COLLATE \"C\", c.grade, c.id"),
                &[&year_param],
            )?,
        };
        rows.iter()
            .map(|r| {
                Ok(Class {
                    school_year: year,
                    school: school_code(text(r, 0)?)?,
                    stage: vocab(r, 1, Stage::from_code)?,
                    grade: Grade(int(r, 2)?),
                    name: r.try_get(3)?,
                    size: int(r, 4)?,
                })
            })
            .collect()
    }

    /// A year's teachers, of every school or of one.
    fn load_teachers(&self, year: SchoolYear, school: Option<&str>) -> Result<Vec<(Teacher, TeachingPost)>> {
        const SELECT: &str = "SELECT t.id_number, t.name, t.sex, t.birth_year, s.code, p.stage, p.subject,
                    p.title, p.key_teacher_level, p.joined_school_year, p.qualification
             FROM teaching_post p
             JOIN teacher t ON t.id = p.teacher_id
             JOIN school s ON s.id = p.school_id
             WHERE p.school_year = $1";
        let year_param = i32::from(year.0);
        let rows = match school {
            Some(code) => self.rows(
                &format!("{SELECT} AND p.school_id = (SELECT id FROM school WHERE code = $2) ORDER BY p.teacher_id"),
                &[&year_param, &code],
            )?,
            None => self.rows(
                &format!("{SELECT} ORDER BY s.code COLLATE \"C\", p.teacher_id"),
                &[&year_param],
            )?,
        };
        rows.iter()
            .map(|r| {
                let id_number = IdNumber::from_stored(text(r, 0)?)
                    .map_err(|e| StoreError::Corrupt(format!("教师身份证号：{e}")))?;
                Ok((
                    Teacher {
                        id_number,
                        name: r.try_get(1)?,
                        sex: vocab(r, 2, Sex::from_code)?,
                        birth_year: int(r, 3)?,
                    },
                    TeachingPost {
                        school_year: year,
                        school: school_code(text(r, 4)?)?,
                        stage: vocab(r, 5, Stage::from_code)?,
                        subject: vocab(r, 6, Subject::from_code)?,
                        title: vocab(r, 7, Title::from_code)?,
                        key_teacher_level: vocab(r, 8, KeyTeacherLevel::from_code)?,
                        joined_school_year: SchoolYear(int(r, 9)?),
                        qualification: vocab(r, 10, Qualification::from_code)?,
                    },
                ))
            })
            .collect()
    }
}

/// The columns [`request_from_row`] reads, in its order.
pub(super) const TRANSFER_COLUMNS: &str = "id, kind, id_number, school_year, to_school, to_county, from_year,
     from_school, from_county, name, sex, birth_date, household_area, birth_year, stage, grade, class_name,
     migrant_child, boarder, visual_acuity, myopic, subject, title, key_teacher_level,
     joined_school_year, qualification, source, requested_by, requested_at, status, decided_by,
     decided_at, reason, from_stage, from_grade";

/// One request by id (`$1`); a decision's transaction reads it with
/// `FOR UPDATE` appended.
pub(super) fn transfer_by_id_sql() -> String {
    format!("SELECT {TRANSFER_COLUMNS} FROM transfer_request WHERE id = $1")
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}“{value}”无法识别"))
}

/// A stored transfer request from a row of [`TRANSFER_COLUMNS`].
pub(super) fn request_from_row(r: &Row) -> Result<TransferRequest> {
    let kind = text(r, 1)?;
    let kind = PersonKind::from_code(kind).ok_or_else(|| corrupt("人员类别", kind))?;
    let id_number = IdNumber::from_stored(text(r, 2)?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let school_year = SchoolYear(int(r, 3)?);
    let school = school_code(text(r, 4)?)?;
    let area = |i: usize| -> Result<AreaCode> {
        let t = text(r, i)?;
        AreaCode::parse(t).map_err(|_| corrupt("区划代码", t))
    };
    let to_county = area(5)?;
    let from_school = school_code(text(r, 7)?)?;
    let from_county = area(8)?;
    let name: String = r.try_get(9)?;
    let sex = text(r, 10)?;
    let sex = Sex::from_code(sex).ok_or_else(|| corrupt("性别", sex))?;
    let stage = text(r, 14)?;
    let stage = Stage::from_code(stage).ok_or_else(|| corrupt("学段", stage))?;
    let row = match kind {
        PersonKind::Student => {
            let birth_date: Option<NaiveDate> = r.try_get(11)?;
            let household: Option<&str> = r.try_get(12)?;
            let grade: Option<i8> = opt_int(r, 15)?;
            TransferRow::Student(
                Student {
                    id_number,
                    name,
                    sex,
                    birth_date: birth_date.ok_or_else(|| corrupt("出生日期", ""))?,
                    household_area: area_code(household.ok_or_else(|| corrupt("区划代码", ""))?)?,
                },
                Enrolment {
                    school_year,
                    school,
                    stage,
                    grade: Grade(grade.ok_or_else(|| corrupt("年级", ""))?),
                    class_name: r.try_get(16)?,
                    migrant_child: r
                        .try_get::<_, Option<bool>>(17)?
                        .ok_or_else(|| corrupt("随迁子女", ""))?,
                    boarder: r
                        .try_get::<_, Option<bool>>(18)?
                        .ok_or_else(|| corrupt("寄宿", ""))?,
                    visual_acuity: r.try_get::<_, Option<f64>>(19)?.map(|v| v as f32),
                    myopic: r.try_get(20)?,
                },
            )
        }
        PersonKind::Teacher => {
            let code = |i: usize, what: &str| -> Result<&str> {
                let t: Option<&str> = r.try_get(i)?;
                t.ok_or_else(|| corrupt(what, ""))
            };
            let subject = code(21, "学科")?;
            let title = code(22, "职称")?;
            let key = code(23, "骨干教师")?;
            let qualification = code(25, "学历")?;
            let birth_year: Option<u16> = opt_int(r, 13)?;
            let joined: Option<u16> = opt_int(r, 24)?;
            TransferRow::Teacher(
                Teacher {
                    id_number,
                    name,
                    sex,
                    birth_year: birth_year.ok_or_else(|| corrupt("出生年份", ""))?,
                },
                TeachingPost {
                    school_year,
                    school,
                    stage,
                    subject: Subject::from_code(subject).ok_or_else(|| corrupt("学科", subject))?,
                    title: Title::from_code(title).ok_or_else(|| corrupt("职称", title))?,
                    key_teacher_level: KeyTeacherLevel::from_code(key)
                        .ok_or_else(|| corrupt("骨干教师", key))?,
                    joined_school_year: SchoolYear(joined.ok_or_else(|| corrupt("入校学年", ""))?),
                    qualification: Qualification::from_code(qualification)
                        .ok_or_else(|| corrupt("学历", qualification))?,
                },
            )
        }
    };
    let status = text(r, 29)?;
    let status = TransferStatus::from_code(status).ok_or_else(|| corrupt("申请状态", status))?;
    let from_stage = text(r, 33)?;
    let from_stage = Stage::from_code(from_stage).ok_or_else(|| corrupt("学段", from_stage))?;
    let requested_at: DateTime<Utc> = r.try_get(28)?;
    Ok(TransferRequest {
        id: r.try_get(0)?,
        request: NewTransfer {
            row,
            to_county,
            from: Placement {
                school_year: SchoolYear(int(r, 6)?),
                school: from_school,
                stage: from_stage,
                grade: opt_int::<i8>(r, 34)?.map(Grade),
            },
            from_county,
            source: r.try_get(26)?,
            requested_by: r.try_get(27)?,
            requested_at,
        },
        status,
        decided_by: r.try_get(30)?,
        decided_at: r.try_get(31)?,
        reason: r.try_get(32)?,
    })
}
