//! The read side of the SQLite store, and the `Store` impl that ties it to
//! `write.rs`.

use crate::search::{Letters, SearchParams};
use crate::summary::{SetCount, SummaryTable};
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use registry::{
    Area, AreaCode, AreaKind, Births, Class, ClassKey, Enrolment, Grade, IdNumber, KeyTeacherLevel, Location,
    Ownership, Population, Qualification, QualityRating, School, SchoolCode, SchoolFacility, SchoolYear, Sex,
    Stage, Student, Subject, Teacher, TeachingPost, Title,
};
use rusqlite::{params, Row};

use super::SqliteStore;
use crate::{
    ApplyOptions, ApplyOutcome, ChangeSet, DecideOutcome, Lookup, NewTransfer, PersonKind, Placement,
    Progress, RegistryRead, RegistryWrite, Result, SchoolInfo, Snapshots, StoreError, SummaryRow,
    TransferDecision, TransferQuery, TransferRequest,
};

impl RegistryRead for SqliteStore {
    fn holds_demo_city(&self) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM demo_marker)")?
            .query_row([], |r| r.get(0))?)
    }

    fn lookup(&self) -> Result<Lookup> {
        let mut lookup = Lookup::default();
        let mut stmt = self.conn.prepare("SELECT code FROM area")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            lookup.areas.insert(r.get(0)?);
        }
        for school in self.schools()? {
            lookup.schools.insert(
                school.code,
                SchoolInfo {
                    county: school.county,
                    stages: school.stages,
                },
            );
        }
        let mut stmt = self.conn.prepare(
            "SELECT c.school_year, s.code, c.grade, c.name FROM class c JOIN school s ON s.id = c.school_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            lookup.classes.insert(ClassKey {
                school_year: SchoolYear(r.get(0)?),
                school: school_code(r.get_ref(1)?.as_str()?)?,
                grade: Grade(r.get(2)?),
                name: r.get(3)?,
            });
        }
        Ok(lookup)
    }

    fn school_years(&self) -> Result<Vec<SchoolYear>> {
        let mut stmt = self.conn.prepare(
            "SELECT school_year FROM class UNION SELECT school_year FROM teaching_post
             UNION SELECT school_year FROM school_facility ORDER BY 1",
        )?;
        let years = stmt.query_map([], |r| Ok(SchoolYear(r.get(0)?)))?;
        Ok(years.collect::<Result<_, _>>()?)
    }

    fn area(&self, code: &str) -> Result<Option<Area>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT code, name, kind FROM area WHERE code = ?1")?;
        let mut rows = stmt.query([code])?;
        match rows.next()? {
            Some(r) => Ok(Some(area(r)?)),
            None => Ok(None),
        }
    }

    fn child_areas(&self, code: &str) -> Result<Vec<Area>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT code, name, kind FROM area WHERE parent_code = ?1 ORDER BY code")?;
        let mut rows = stmt.query([code])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(area(r)?);
        }
        Ok(out)
    }

    fn schools(&self) -> Result<Vec<School>> {
        self.load_schools(None)
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
        let search = SearchParams::new(search, Letters::AsTyped);
        let mut stmt = self.conn.prepare_cached(&school_page_sql(search.searching()))?;
        let mut rows = stmt.query(params![
            school.as_str(),
            year.0,
            search.grade,
            search.name,
            search.class,
            search.whole,
            limit as i64,
            offset as i64
        ])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let household_area = area_code(r.get_ref(4)?.as_str()?)?;
            out.push(student_row(r, year, household_area, school.clone())?);
        }
        Ok(out)
    }

    fn school_student_count(
        &self,
        school: &SchoolCode,
        year: SchoolYear,
        search: Option<&str>,
    ) -> Result<u64> {
        let search = SearchParams::new(search, Letters::AsTyped);
        // Counting needs only the index: `count(*)` over the same rows.
        let total: i64 = self
            .conn
            .prepare_cached(&school_enrolments("count(*)", search.searching()))?
            .query_row(
                params![
                    school.as_str(),
                    year.0,
                    search.grade,
                    search.name,
                    search.class,
                    search.whole
                ],
                |r| r.get(0),
            )?;
        Ok(total.max(0) as u64)
    }

    fn latest_placements(&self, kind: PersonKind, people: &[&IdNumber]) -> Result<Vec<Option<Placement>>> {
        super::transfer::latest_placements(&self.conn, kind, people)
    }

    fn placements_in_year(
        &self,
        kind: PersonKind,
        people: &[(SchoolYear, &IdNumber)],
    ) -> Result<Vec<Option<Placement>>> {
        super::transfer::placements_in_year(&self.conn, kind, people)
    }

    fn transfers(&self, query: &TransferQuery) -> Result<Vec<TransferRequest>> {
        self.list_transfers(query)
    }

    fn transfer(&self, id: i64) -> Result<Option<TransferRequest>> {
        self.one_transfer(id)
    }

    fn pending_transfers_by(&self, username: &str) -> Result<u64> {
        self.pending_by(username)
    }

    fn facilities(&self, year: SchoolYear) -> Result<Vec<SchoolFacility>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.code, f.teaching_floor_area, f.sports_ground_area, f.equipment_value, f.multimedia_classrooms
             FROM school_facility f JOIN school s ON s.id = f.school_id
             WHERE f.school_year = ?1 ORDER BY s.code",
        )?;
        let mut rows = stmt.query([year.0])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(SchoolFacility {
                school_year: year,
                school: school_code(r.get_ref(0)?.as_str()?)?,
                teaching_floor_area: r.get(1)?,
                sports_ground_area: r.get(2)?,
                equipment_value: r.get(3)?,
                multimedia_classrooms: r.get(4)?,
            });
        }
        Ok(out)
    }

    fn classes(&self, year: SchoolYear) -> Result<Vec<Class>> {
        self.load_classes(year, None)
    }

    fn for_each_student(&self, year: SchoolYear, visit: &mut dyn FnMut(Student, Enrolment)) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {STUDENT_COLUMNS}
             FROM enrolment e
             JOIN student st ON st.id = e.student_id
             JOIN school sc ON sc.id = e.school_id
             LEFT JOIN class c ON c.id = e.class_id
             WHERE e.school_year = ?1
             ORDER BY e.school_id, e.grade, e.class_id, e.student_id"
        ))?;
        let mut rows = stmt.query([year.0])?;
        // Codes repeat for every student of a school: parse each once.
        let mut schools: HashMap<String, SchoolCode> = HashMap::new();
        let mut areas: HashMap<String, AreaCode> = HashMap::new();
        while let Some(r) = rows.next()? {
            let household_text = r.get_ref(4)?.as_str()?;
            let household_area = match areas.get(household_text) {
                Some(code) => code.clone(),
                None => {
                    let code = area_code(household_text)?;
                    areas.insert(household_text.to_owned(), code.clone());
                    code
                }
            };
            let school_text = r.get_ref(5)?.as_str()?;
            let school = match schools.get(school_text) {
                Some(code) => code.clone(),
                None => {
                    let code = school_code(school_text)?;
                    schools.insert(school_text.to_owned(), code.clone());
                    code
                }
            };
            let (student, enrolment) = student_row(r, year, household_area, school)?;
            visit(student, enrolment);
        }
        Ok(())
    }

    fn teachers(&self, year: SchoolYear) -> Result<Vec<(Teacher, TeachingPost)>> {
        self.load_teachers(year, None)
    }

    fn population(&self, year: SchoolYear) -> Result<Vec<Population>> {
        let mut stmt = self.conn.prepare(
            "SELECT township_code, age, children FROM population WHERE school_year = ?1
             ORDER BY township_code, age",
        )?;
        let mut rows = stmt.query([year.0])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(Population {
                school_year: year,
                township: area_code(r.get_ref(0)?.as_str()?)?,
                age: r.get(1)?,
                children: r.get(2)?,
            });
        }
        Ok(out)
    }

    fn births(&self) -> Result<Vec<Births>> {
        let mut stmt = self
            .conn
            .prepare("SELECT year, county_code, births FROM births ORDER BY year, county_code")?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(Births {
                year: r.get(0)?,
                county: area_code(r.get_ref(1)?.as_str()?)?,
                births: r.get(2)?,
            });
        }
        Ok(out)
    }

    fn summary(&self, year: SchoolYear) -> Result<Vec<SummaryRow>> {
        let mut names: HashMap<String, String> = HashMap::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT a.code, a.name FROM area a WHERE a.code IN (SELECT DISTINCT county_code FROM school)",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                names.insert(r.get(0)?, r.get(1)?);
            }
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
                 WHERE c.school_year = ?1 GROUP BY 1, 2",
                |row, n| row.classes = n,
            ),
            (
                "SELECT s.county_code, e.stage, count(*) FROM enrolment e JOIN school s ON s.id = e.school_id
                 WHERE e.school_year = ?1 GROUP BY 1, 2",
                |row, n| row.students = n,
            ),
            (
                "SELECT s.county_code, p.stage, count(*) FROM teaching_post p JOIN school s ON s.id = p.school_id
                 WHERE p.school_year = ?1 GROUP BY 1, 2",
                |row, n| row.teachers = n,
            ),
        ];
        for (sql, set) in queries {
            let mut stmt = self.conn.prepare(sql)?;
            let mut rows = if stmt.parameter_count() == 1 {
                stmt.query(params![year.0])?
            } else {
                stmt.query([])?
            };
            while let Some(r) = rows.next()? {
                let county: String = r.get(0)?;
                let stage: String = r.get(1)?;
                let n = r.get::<_, i64>(2)?.max(0) as u64;
                table.add(county, stage, n, set);
            }
        }
        Ok(table.finish())
    }
}

impl RegistryWrite for SqliteStore {
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
        self.clear()
    }

    fn decide_transfer(
        &mut self,
        id: i64,
        decision: &TransferDecision,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<DecideOutcome> {
        self.decide(id, decision, actor, at)
    }

    fn restore_transfer(&mut self, request: &TransferRequest) -> Result<i64> {
        self.restore_transfer_request(request)
    }
}

impl Snapshots for SqliteStore {
    fn year_snapshot(&self, year: SchoolYear) -> Result<registry::snapshot::YearSnapshot> {
        self.cached_snapshot(year)
    }

    fn registry_revision(&self) -> Result<i64> {
        // Asked on every request: a cached statement, not a fresh parse.
        Ok(self
            .conn
            .prepare_cached("SELECT coalesce(sum(revision), 0) FROM registry_revision")?
            .query_row([], |r| r.get(0))?)
    }
}

fn area(r: &Row<'_>) -> Result<Area> {
    let kind = match r.get_ref(2)?.as_str()? {
        "zone" => AreaKind::Zone,
        _ => AreaKind::Regular,
    };
    Ok(Area {
        code: area_code(r.get_ref(0)?.as_str()?)?,
        name: r.get(1)?,
        kind,
    })
}

fn area_code(text: &str) -> Result<AreaCode> {
    AreaCode::parse(text).map_err(|e| StoreError::Corrupt(e.0))
}

fn school_code(text: &str) -> Result<SchoolCode> {
    SchoolCode::parse(text).map_err(|e| StoreError::Corrupt(e.0))
}

fn vocab<T>(r: &Row<'_>, index: usize, from_code: fn(&str) -> Option<T>) -> Result<T> {
    let text = r.get_ref(index)?.as_str()?;
    from_code(text).ok_or_else(|| StoreError::Corrupt(format!("未知代码“{text}”")))
}

/// The columns `student_row` reads, in its order.
/// One page of a school's students (parameters: those of
/// [`school_enrolments`], then limit and offset). The page is chosen from
/// the enrolment index alone (grade, class, student), and only its rows are
/// joined to names: a large school's page costs fifty lookups, not five
/// thousand.
pub(super) fn school_page_sql(searching: bool) -> String {
    format!(
        "WITH page AS ({} ORDER BY e.grade, e.class_id, e.student_id
                       LIMIT CAST(?7 AS INTEGER) OFFSET CAST(?8 AS INTEGER))
         SELECT {STUDENT_COLUMNS}
         FROM page p JOIN enrolment e ON e.school_year = p.school_year AND e.student_id = p.student_id
         JOIN student st ON st.id = e.student_id JOIN school sc ON sc.id = e.school_id
         LEFT JOIN class c ON c.id = e.class_id
         ORDER BY e.grade, e.class_id, e.student_id",
        // Only the index's own columns before the LIMIT: skipping to a
        // late page then reads the index alone, not every skipped row.
        school_enrolments("e.school_year, e.student_id, e.grade, e.class_id", searching)
    )
}

/// `SELECT columns` over a school's enrolments of a year (parameters: school
/// code, school year, then [`SearchParams`]: grade, name pattern, class
/// pattern, whole-text class, each NULL when unused). INDEXED BY: without
/// statistics SQLite prefers the primary key (school year first) and would
/// read the whole year's enrolments.
///
/// Statements run on every request bind their parameters through `CAST`.
/// SQLite (3.54) treats a bare `?` in a LIMIT, a LIKE, or a `col = ?` of a
/// join or ordered query as a value the plan may depend on, and rusqlite's
/// statement cache clears the bindings of a statement it takes back: a bare
/// `?` there makes every execution parse and plan the statement again (a
/// third of a school page's CPU). A CAST is an expression, so the plan is
/// made once; it is the same plan (EXPLAIN QUERY PLAN). Checked by
/// `hot_statements_are_planned_once` in `tests.rs`.
pub(super) fn school_enrolments(columns: &str, searching: bool) -> String {
    if searching {
        format!(
            "SELECT {columns} FROM enrolment e INDEXED BY enrolment_school
             JOIN student st ON st.id = e.student_id
             LEFT JOIN class c ON c.id = e.class_id
             WHERE e.school_id = (SELECT id FROM school WHERE code = CAST(?1 AS TEXT))
               AND e.school_year = CAST(?2 AS INTEGER)
               AND (CAST(?3 AS INTEGER) IS NULL OR e.grade = CAST(?3 AS INTEGER))
               AND (CAST(?4 AS TEXT) IS NULL
                    OR mask_name(st.name) LIKE CAST(?4 AS TEXT) ESCAPE '\\'
                    OR c.name LIKE CAST(?5 AS TEXT) ESCAPE '\\'
                    OR c.name LIKE CAST(?6 AS TEXT) ESCAPE '\\')"
        )
    } else {
        format!(
            "SELECT {columns} FROM enrolment e INDEXED BY enrolment_school
             WHERE e.school_id = (SELECT id FROM school WHERE code = CAST(?1 AS TEXT))
               AND e.school_year = CAST(?2 AS INTEGER)
               AND coalesce(?3, ?4, ?5, ?6) IS NULL"
        )
    }
}

const STUDENT_COLUMNS: &str = "st.id_number, st.name, st.sex, st.birth_date, st.household_area, sc.code,
     e.stage, e.grade, c.name, e.migrant_child, e.boarder, e.visual_acuity, e.myopic";

/// A student and its enrolment from a row of `STUDENT_COLUMNS`; the
/// household area and school are passed in, parsed once by callers that
/// meet the same codes on many rows.
fn student_row(
    r: &Row<'_>,
    year: SchoolYear,
    household_area: AreaCode,
    school: SchoolCode,
) -> Result<(Student, Enrolment)> {
    let id_text = r.get_ref(0)?.as_str()?;
    let id_number =
        IdNumber::from_stored(id_text).map_err(|e| StoreError::Corrupt(format!("学生身份证号：{e}")))?;
    let birth_text = r.get_ref(3)?.as_str()?;
    // FromStr reads exactly `%Y-%m-%d` without interpreting a format string.
    let birth_date = birth_text
        .parse::<NaiveDate>()
        .map_err(|_| StoreError::Corrupt(format!("出生日期 {birth_text}")))?;
    Ok((
        Student {
            id_number,
            name: r.get(1)?,
            sex: vocab(r, 2, Sex::from_code)?,
            birth_date,
            household_area,
        },
        Enrolment {
            school_year: year,
            school,
            stage: vocab(r, 6, Stage::from_code)?,
            grade: Grade(r.get(7)?),
            class_name: r.get(8)?,
            migrant_child: r.get(9)?,
            boarder: r.get(10)?,
            visual_acuity: r.get::<_, Option<f64>>(11)?.map(|v| v as f32),
            myopic: r.get(12)?,
        },
    ))
}

/// The condition for "one school or all": a separate statement per case, so
/// that SQLite uses the school index for one school (an `?2 IS NULL OR`
/// would hide it from the planner). `?2` stays bound either way.
fn one_school(table: &str, school: Option<&str>) -> String {
    match school {
        Some(_) => format!("{table}.school_id = (SELECT id FROM school WHERE code = ?2)"),
        None => "?2 IS NULL".to_owned(),
    }
}

/// Reads shared by the whole-year and the one-school queries.
impl SqliteStore {
    /// All schools, or the one with `code`.
    fn load_schools(&self, code: Option<&str>) -> Result<Vec<School>> {
        let mut stages: HashMap<i64, Vec<(Stage, u32)>> = HashMap::new();
        // Separate statements for "all" and "one", so that one school is a
        // seek by its code, not a scan (see `one_school`); cached, since a
        // school's page asks on every request.
        let mut stmt = self.conn.prepare_cached(if code.is_some() {
            "SELECT school_id, stage, seats FROM school_stage
             WHERE school_id = (SELECT id FROM school WHERE code = ?1) ORDER BY school_id, stage"
        } else {
            "SELECT school_id, stage, seats FROM school_stage WHERE ?1 IS NULL ORDER BY school_id, stage"
        })?;
        let mut rows = stmt.query([code])?;
        while let Some(r) = rows.next()? {
            stages
                .entry(r.get(0)?)
                .or_default()
                .push((vocab(r, 1, Stage::from_code)?, r.get(2)?));
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, code, name, county_code, township_code, ownership, inclusive, quality_rating,
                    location, school_group, longitude, latitude
             FROM school WHERE {} ORDER BY code",
            if code.is_some() { "code = ?1" } else { "?1 IS NULL" }
        ))?;
        let mut rows = stmt.query([code])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut seats = stages.remove(&r.get::<_, i64>(0)?).unwrap_or_default();
            seats.sort_by_key(|(stage, _)| *stage);
            out.push(School {
                code: school_code(r.get_ref(1)?.as_str()?)?,
                name: r.get(2)?,
                county: area_code(r.get_ref(3)?.as_str()?)?,
                township: r
                    .get::<_, Option<String>>(4)?
                    .map(|t| area_code(&t))
                    .transpose()?,
                stages: seats.iter().map(|(stage, _)| *stage).collect(),
                ownership: vocab(r, 5, Ownership::from_code)?,
                inclusive: r.get(6)?,
                quality_rating: vocab(r, 7, QualityRating::from_code)?,
                location: vocab(r, 8, Location::from_code)?,
                seats,
                school_group: r.get(9)?,
                longitude: r.get(10)?,
                latitude: r.get(11)?,
            });
        }
        Ok(out)
    }

    /// A year's classes, of every school or of one.
    fn load_classes(&self, year: SchoolYear, school: Option<&str>) -> Result<Vec<Class>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT s.code, c.stage, c.grade, c.name, c.size
             FROM class c JOIN school s ON s.id = c.school_id
             WHERE c.school_year = ?1 AND {}
             ORDER BY s.code, c.grade, c.id",
            one_school("c", school)
        ))?;
        let mut rows = stmt.query(params![year.0, school])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(Class {
                school_year: year,
                school: school_code(r.get_ref(0)?.as_str()?)?,
                stage: vocab(r, 1, Stage::from_code)?,
                grade: Grade(r.get(2)?),
                name: r.get(3)?,
                size: r.get(4)?,
            });
        }
        Ok(out)
    }

    /// A year's teachers, of every school or of one.
    fn load_teachers(&self, year: SchoolYear, school: Option<&str>) -> Result<Vec<(Teacher, TeachingPost)>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT t.id_number, t.name, t.sex, t.birth_year, s.code, p.stage, p.subject, p.title,
                    p.key_teacher_level, p.joined_school_year, p.qualification
             FROM teaching_post p {}
             JOIN teacher t ON t.id = p.teacher_id
             JOIN school s ON s.id = p.school_id
             WHERE p.school_year = ?1 AND {}
             ORDER BY s.code, p.teacher_id",
            // As for students: without statistics SQLite may read the year by
            // its primary key instead of the school's index.
            if school.is_some() {
                "INDEXED BY teaching_post_school"
            } else {
                ""
            },
            one_school("p", school)
        ))?;
        let mut rows = stmt.query(params![year.0, school])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id_text = r.get_ref(0)?.as_str()?;
            let id_number = IdNumber::from_stored(id_text)
                .map_err(|e| StoreError::Corrupt(format!("教师身份证号：{e}")))?;
            out.push((
                Teacher {
                    id_number,
                    name: r.get(1)?,
                    sex: vocab(r, 2, Sex::from_code)?,
                    birth_year: r.get(3)?,
                },
                TeachingPost {
                    school_year: year,
                    school: school_code(r.get_ref(4)?.as_str()?)?,
                    stage: vocab(r, 5, Stage::from_code)?,
                    subject: vocab(r, 6, Subject::from_code)?,
                    title: vocab(r, 7, Title::from_code)?,
                    key_teacher_level: vocab(r, 8, KeyTeacherLevel::from_code)?,
                    joined_school_year: SchoolYear(r.get(9)?),
                    qualification: vocab(r, 10, Qualification::from_code)?,
                },
            ));
        }
        Ok(out)
    }
}
