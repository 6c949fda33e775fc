//! Row validation with context: every row checked against the stored data
//! ([`store::Lookup`]) and against the rest of the import, with every
//! problem collected — never only the first.
//!
//! Rows of the whole import are checked together: a 学生 sheet may name a
//! school from the 学校 sheet of the same workbook, and a student listed in
//! two sheets of a split export is a duplicate. Checks that need no context
//! ran on the reader thread already (`prepare.rs`); here are the ones that
//! do. Identity numbers repeated within a year are found at the end by
//! sorting eight-byte keys, which beats a hash map of 1.3 M entries.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{DateTime, NaiveDate, Utc};
use registry::transfer::{self, Movement, Placement};
use registry::{
    AreaCode, AreaLevel, Births, ChangeSet, Class, Enrolment, Grade, IdNumber, KeyTeacherLevel, Location,
    Ownership, Population, Qualification, QualityRating, School, SchoolCode, SchoolFacility, SchoolYear,
    Stage, Student, Subject, Teacher, TeachingPost, Title,
};
use store::{ClassSizeMismatch, Lookup, NewTransfer, PersonKind, RegistryRead, TransferRow};

use crate::cells::{self, grade_label};
use crate::entity::{Entity, Field, Layout};
use crate::errors::RowError;
use crate::prepare::{
    self, area, flag, household_area, text_field, Cells, PrePerson, Prepared, Preparer, Problem,
};
use crate::read::Source;
use access::WriteScope;

/// A row that became a transfer request, as the importer is told of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferNotice {
    pub file: String,
    pub sheet: Option<String>,
    pub row: u64,
    pub kind: PersonKind,
    /// Masked.
    pub id_number: String,
    pub school_year: SchoolYear,
}

impl TransferNotice {
    /// Where the row is, as a row error names it: `学生.csv 第 2 行`,
    /// `学生.xlsx（工作表“初一”）第 2 行`.
    pub fn place(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("{}（工作表“{sheet}”）第 {} 行", self.file, self.row),
            None => format!("{} 第 {} 行", self.file, self.row),
        }
    }
}

/// Keeps the records (and their locations) whose `take` is false.
fn retain_indexed<T>(records: &mut Vec<T>, locs: &mut Vec<Loc>, take: &[bool]) {
    let mut index = 0;
    records.retain(|_| {
        index += 1;
        !take.get(index - 1).copied().unwrap_or(false)
    });
    let mut index = 0;
    locs.retain(|_| {
        index += 1;
        !take.get(index - 1).copied().unwrap_or(false)
    });
}

/// A row of the import: which table, which Excel row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Loc {
    pub source: usize,
    pub row: u64,
}

/// The largest class the importer believes in; beyond it a typo is likelier.
const MAX_CLASS_SIZE: u32 = 120;

pub(crate) struct Validator<'a> {
    lookup: &'a Lookup,
    /// What the importing user may write; `None` = everything.
    scope: Option<&'a WriteScope>,
    today: NaiveDate,
    /// Each table of the import: where it is and where its columns are.
    sources: Vec<(Source, Layout)>,
    /// Memos and context-free checks for tables not prepared elsewhere.
    preparer: Preparer,
    changes: ChangeSet,
    /// Errors with the column index they sit in, to sort left to right.
    errors: Vec<(Loc, usize, RowError)>,
    /// Where each of `changes.students` came from.
    student_locs: Vec<Loc>,
    /// Where each of `changes.teachers` came from.
    teacher_locs: Vec<Loc>,
    /// Schools known to the store or imported now: served stages as a bit set.
    schools: FastMap<[u8; 10], SchoolEntry>,
    /// Classes by (year, school, grade), then name.
    classes: FastMap<(u16, [u8; 10], i8), Vec<ClassEntry>>,
    student_ids: Vec<IdKey>,
    teacher_ids: Vec<IdKey>,
    seen_facilities: FastMap<(u16, [u8; 10]), Seen>,
    seen_population: FastMap<(u16, String, u8), Seen>,
    seen_births: FastMap<(u16, String), Seen>,
    /// Reused for each row's problems.
    problems: Vec<Problem>,
}

struct SchoolEntry {
    stages: u8,
    /// Whether the importing user may write this school's rows.
    in_scope: bool,
    /// The row of this import that defines the school, if any.
    row: Option<Loc>,
}

struct ClassEntry {
    name: Box<str>,
    /// Known for classes of this import, and for stored ones when loaded.
    stage: Option<Stage>,
    row: Option<Loc>,
}

/// First row a key was seen on; `reported` once that row got its own error.
struct Seen {
    loc: Loc,
    reported: bool,
}

/// An identity number in a school year, where it was seen. Sixteen bytes:
/// sorting 1.3 M of them takes a few tens of milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct IdKey {
    year: u16,
    body: u64,
    source: u16,
    row: u32,
}

impl IdKey {
    fn new(year: SchoolYear, body: u64, loc: Loc) -> IdKey {
        IdKey {
            year: year.0,
            body,
            source: u16::try_from(loc.source).unwrap_or(u16::MAX),
            row: u32::try_from(loc.row).unwrap_or(u32::MAX),
        }
    }

    fn loc(self) -> Loc {
        Loc {
            source: usize::from(self.source),
            row: u64::from(self.row),
        }
    }
}

impl<'a> Validator<'a> {
    pub(crate) fn new(
        lookup: &'a Lookup,
        today: NaiveDate,
        sources: Vec<(Source, Layout)>,
        scope: Option<&'a WriteScope>,
    ) -> Validator<'a> {
        let mut schools = FastMap::default();
        for (code, info) in &lookup.schools {
            if let Some(key) = school_key(code) {
                schools.insert(
                    key,
                    SchoolEntry {
                        stages: stage_set(&info.stages),
                        in_scope: scope.is_none_or(|s| s.allows_school(code, &info.county)),
                        row: None,
                    },
                );
            }
        }
        let mut classes: FastMap<(u16, [u8; 10], i8), Vec<ClassEntry>> = FastMap::default();
        for class in &lookup.classes {
            if let Some(key) = school_key(&class.school) {
                classes
                    .entry((class.school_year.0, key, class.grade.0))
                    .or_default()
                    .push(ClassEntry {
                        name: class.name.as_str().into(),
                        stage: None,
                        row: None,
                    });
            }
        }
        Validator {
            lookup,
            scope,
            today,
            sources,
            preparer: Preparer::new(today),
            changes: ChangeSet::default(),
            errors: Vec::new(),
            student_locs: Vec::new(),
            teacher_locs: Vec::new(),
            schools,
            classes,
            student_ids: Vec::new(),
            teacher_ids: Vec::new(),
            seen_facilities: FastMap::default(),
            seen_population: FastMap::default(),
            seen_births: FastMap::default(),
            problems: Vec::new(),
        }
    }

    /// Stages of stored classes (the lookup has their keys only): a student
    /// row without 学段 in grade 6 of a 九年一贯制 school takes its class's.
    pub(crate) fn know_class_stages(&mut self, classes: &[Class]) {
        for class in classes {
            let Some(school) = school_key(&class.school) else {
                continue;
            };
            let Some(list) = self
                .classes
                .get_mut(&(class.school_year.0, school, class.grade.0))
            else {
                continue;
            };
            if let Some(entry) = list.iter_mut().find(|c| *c.name == *class.name) {
                entry.stage.get_or_insert(class.stage);
            }
        }
    }

    /// Room for the rows a table is expected to hold, so that a city's
    /// students do not grow the vectors by doubling.
    pub(crate) fn reserve(&mut self, entity: Entity, rows: usize) {
        match entity {
            Entity::Students => {
                self.changes.students.reserve(rows);
                self.student_locs.reserve(rows);
                self.student_ids.reserve(rows);
            }
            Entity::Teachers => {
                self.changes.teachers.reserve(rows);
                self.teacher_locs.reserve(rows);
                self.teacher_ids.reserve(rows);
            }
            Entity::Classes => self.changes.classes.reserve(rows),
            Entity::Schools => self.changes.schools.reserve(rows),
            Entity::Facilities | Entity::Population | Entity::Births => {}
        }
    }

    pub(crate) fn changes(&self) -> &ChangeSet {
        &self.changes
    }

    /// Checks one row of table `source`, laid out as `layout`; `prepared` is
    /// what the reader thread already made of it.
    pub(crate) fn row(
        &mut self,
        source: usize,
        layout: &Layout,
        row: u64,
        record: &csv::StringRecord,
        prepared: Prepared,
    ) {
        let loc = Loc { source, row };
        let mut problems = std::mem::take(&mut self.problems);
        problems.clear();
        {
            let mut cells = Cells::new(record, layout, &mut problems);
            match (layout.entity, prepared) {
                (Entity::Students | Entity::Teachers, prepared) => {
                    // Unprepared rows (no reader thread) are prepared here.
                    let prepared = match prepared {
                        Prepared::None => self.preparer.prepare(layout, record),
                        prepared => prepared,
                    };
                    if let Prepared::Person(pre) = prepared {
                        if layout.entity == Entity::Students {
                            self.student(&mut cells, loc, pre);
                        } else {
                            self.teacher(&mut cells, loc, pre);
                        }
                    }
                }
                (Entity::Schools, _) => self.school(&mut cells, loc),
                (Entity::Facilities, _) => self.facility(&mut cells, loc),
                (Entity::Classes, _) => self.class(&mut cells, loc),
                (Entity::Population, _) => self.population(&mut cells, loc),
                (Entity::Births, _) => self.births(&mut cells, loc),
            }
        }
        for problem in problems.drain(..) {
            let column = layout.position(problem.field);
            let value = column.and_then(|i| record.get(i)).map(str::trim).unwrap_or("");
            let error = self.error_at(loc, Some(problem.field), value, problem.message);
            self.errors.push((loc, column.unwrap_or(usize::MAX), error));
        }
        self.problems = problems;
    }

    /// Checks that need every row: the same identity number twice in a year.
    pub(crate) fn finish_rows(&mut self) {
        let mut students = std::mem::take(&mut self.student_ids);
        self.report_repeated_ids(&mut students);
        let mut teachers = std::mem::take(&mut self.teacher_ids);
        self.report_repeated_ids(&mut teachers);
    }

    /// Finds the rows of an officer's import whose person a school outside
    /// the officer's scope held — in the latest year they were held, or in
    /// the row's own school year — and takes them out of the change set:
    /// each becomes a transfer request for the releasing side
    /// (`registry::transfer`), unless it is a student's admission to the next
    /// stage, which is written at once. An identity number alone must not
    /// let an officer take over or rewrite another county's records. The
    /// city's imports move people directly and skip this.
    ///
    /// Only identity numbers are looked up, never names, so no answer depends
    /// on the name given; and a dry run does not look at all (it answers
    /// every row as if the person were new or the officer's), so it cannot be
    /// used to learn where a number is registered.
    pub(crate) fn take_transfers(
        &mut self,
        store: &(impl RegistryRead + ?Sized),
        dry_run: bool,
        requested_by: &str,
        requested_at: DateTime<Utc>,
    ) -> store::Result<Vec<(TransferNotice, NewTransfer)>> {
        let Some(scope) = self.scope else {
            return Ok(Vec::new());
        };
        if dry_run || scope.moves_people_directly() {
            return Ok(Vec::new());
        }
        let county_of = |school: &SchoolCode| self.lookup.schools.get(school).map(|info| info.county.clone());
        let mut found: Vec<(PersonKind, usize, Placement, AreaCode)> = Vec::new();
        for kind in [PersonKind::Student, PersonKind::Teacher] {
            let rows: Vec<(SchoolYear, &IdNumber)> = match kind {
                PersonKind::Student => self
                    .changes
                    .students
                    .iter()
                    .map(|(p, e)| (e.school_year, &p.id_number))
                    .collect(),
                PersonKind::Teacher => self
                    .changes
                    .teachers
                    .iter()
                    .map(|(p, t)| (t.school_year, &p.id_number))
                    .collect(),
            };
            if rows.is_empty() {
                continue;
            }
            let ids: Vec<&IdNumber> = rows.iter().map(|(_, id)| *id).collect();
            let latest = store.latest_placements(kind, &ids)?;
            let same_year = store.placements_in_year(kind, &rows)?;
            // A school the lookup does not know holds nobody the officer may
            // not write (validation refuses rows naming unknown schools).
            let outside = |p: &Placement| -> Option<AreaCode> {
                let county = county_of(&p.school)?;
                (!scope.holds_person(&p.school, &county)).then_some(county)
            };
            for (index, (latest, same_year)) in latest.into_iter().zip(same_year).enumerate() {
                // The row's own year, held elsewhere: rewriting another
                // school's record of that year needs its approval.
                if let Some((from, county)) = same_year.and_then(|p| outside(&p).map(|c| (p, c))) {
                    found.push((kind, index, from, county));
                    continue;
                }
                let Some((latest, county)) = latest.and_then(|p| outside(&p).map(|c| (p, c))) else {
                    continue;
                };
                if let Some((_, e)) = self
                    .changes
                    .students
                    .get(index)
                    .filter(|_| kind == PersonKind::Student)
                {
                    if transfer::student_movement(&latest, e.school_year, e.stage, e.grade)
                        == Movement::Admission
                    {
                        continue;
                    }
                }
                found.push((kind, index, latest, county));
            }
        }
        let mut out = Vec::with_capacity(found.len());
        let mut take_students = vec![false; self.changes.students.len()];
        let mut take_teachers = vec![false; self.changes.teachers.len()];
        for (kind, index, from, from_county) in found {
            let row = match kind {
                PersonKind::Student => self
                    .changes
                    .students
                    .get(index)
                    .map(|(s, e)| TransferRow::Student(s.clone(), e.clone())),
                PersonKind::Teacher => self
                    .changes
                    .teachers
                    .get(index)
                    .map(|(t, p)| TransferRow::Teacher(t.clone(), p.clone())),
            };
            let loc = match kind {
                PersonKind::Student => self.student_locs.get(index),
                PersonKind::Teacher => self.teacher_locs.get(index),
            };
            // Validation refused rows naming unknown schools, so both are
            // known; a row that is not stays in the change set.
            let (Some(row), Some(&loc)) = (row, loc) else {
                continue;
            };
            let Some(to_county) = county_of(row.school()).or_else(|| self.imported_county(row.school()))
            else {
                continue;
            };
            match kind {
                PersonKind::Student => take_students[index] = true,
                PersonKind::Teacher => take_teachers[index] = true,
            }
            let source = self.sources.get(loc.source).map(|(s, _)| s);
            let notice = TransferNotice {
                file: source.map(|s| s.file.clone()).unwrap_or_default(),
                sheet: source.and_then(|s| s.sheet.clone()),
                row: loc.row,
                kind,
                id_number: row.id_number().masked(),
                school_year: row.school_year(),
            };
            let place = notice.place();
            out.push((
                notice,
                NewTransfer {
                    row,
                    to_county,
                    from,
                    from_county,
                    source: place,
                    requested_by: requested_by.to_owned(),
                    requested_at,
                },
            ));
        }
        retain_indexed(&mut self.changes.students, &mut self.student_locs, &take_students);
        retain_indexed(&mut self.changes.teachers, &mut self.teacher_locs, &take_teachers);
        out.sort_by(|a, b| (&a.0.file, &a.0.sheet, a.0.row).cmp(&(&b.0.file, &b.0.sheet, b.0.row)));
        Ok(out)
    }

    /// The county of a school defined by this import's 学校 rows.
    fn imported_county(&self, school: &SchoolCode) -> Option<AreaCode> {
        self.changes
            .schools
            .iter()
            .find(|s| s.code == *school)
            .map(|s| s.county.clone())
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The errors, in file order and, within a row, left to right.
    pub(crate) fn into_errors(mut self) -> Vec<RowError> {
        self.errors.sort_by_key(|(loc, column, _)| (*loc, *column));
        self.errors.into_iter().map(|(_, _, e)| e).collect()
    }

    /// Turns the store's class-size rejections into errors on the class's
    /// row, or on the first student row of the class when the class is not
    /// in this import.
    pub(crate) fn class_size_errors(&self, mismatches: &[ClassSizeMismatch]) -> Vec<RowError> {
        let mut out = Vec::with_capacity(mismatches.len());
        for m in mismatches {
            let key = &m.class;
            let label = class_label(key.grade, &key.name);
            let base = format!(
                "学校 {} 班级 {label} 申报班额 {} 人，名单中有 {} 名学生",
                key.school, m.declared, m.listed
            );
            let class_row = school_key(&key.school)
                .and_then(|school| self.classes.get(&(key.school_year.0, school, key.grade.0)))
                .and_then(|list| list.iter().find(|c| *c.name == *key.name))
                .and_then(|c| c.row);
            // Says how to do it in one file (issue 11, point 7): adding a
            // pupil to a class is a students file with the option ticked.
            let option = crate::UPDATE_CLASS_SIZES_LABEL;
            let message = match class_row {
                Some(_) => format!(
                    "{base}。请改正班额，或勾选“{option}”（命令行加 --update-class-sizes）让班额取名单人数 {}",
                    m.listed
                ),
                None => format!(
                    "{base}。若名单正确（如新增学生），请勾选“{option}”后重新导入（命令行加 --update-class-sizes），班额将改为 {} 人；否则请改正学生名单",
                    m.listed
                ),
            };
            let (loc, field, value) = match class_row {
                Some(loc) => (Some(loc), Field::ClassSize, m.declared.to_string()),
                None => {
                    let first = self
                        .changes
                        .students
                        .iter()
                        .zip(&self.student_locs)
                        .find(|((_, e), _)| {
                            e.school_year == key.school_year
                                && e.grade == key.grade
                                && e.school == key.school
                                && e.class_name.as_deref() == Some(key.name.as_str())
                        });
                    (first.map(|(_, loc)| *loc), Field::ClassName, key.name.clone())
                }
            };
            let loc = loc.unwrap_or(Loc { source: 0, row: 0 });
            out.push(self.error_at(loc, Some(field), &value, message));
        }
        out
    }

    // ---- entities -------------------------------------------------------

    fn school(&mut self, cells: &mut Cells<'_>, loc: Loc) {
        let code = cells.required(Field::SchoolCode, |t| SchoolCode::parse(t).map_err(|e| e.0));
        let name = cells.required(Field::SchoolName, |t| text_field(t, 100));
        let lookup = self.lookup;
        let county = cells.required(Field::County, |t| area(lookup, t, AreaLevel::County));
        let township = cells.optional(Field::Township, |t| area(lookup, t, AreaLevel::Township));
        let stages = cells.required(Field::Stages, parse_stages);
        let ownership = cells.required(Field::Ownership, |t| Ownership::parse(t).map_err(|e| e.0));
        let inclusive = cells.optional(Field::Inclusive, flag);
        let rating = cells.optional(Field::QualityRating, |t| QualityRating::parse(t).map_err(|e| e.0));
        let location = cells.required(Field::Location, |t| Location::parse(t).map_err(|e| e.0));
        let school_group = cells.optional(Field::SchoolGroup, |t| text_field(t, 100));
        let longitude = cells.optional(Field::Longitude, |t| coordinate(t, 73.0, 136.0, "经度"));
        let latitude = cells.optional(Field::Latitude, |t| coordinate(t, 3.0, 54.0, "纬度"));
        let seat_fields = [
            (Stage::Preschool, Field::SeatsPreschool),
            (Stage::Primary, Field::SeatsPrimary),
            (Stage::Junior, Field::SeatsJunior),
            (Stage::Senior, Field::SeatsSenior),
            (Stage::Vocational, Field::SeatsVocational),
            (Stage::Special, Field::SeatsSpecial),
        ];
        let mut seats = Vec::new();
        let mut seats_ok = true;
        for (stage, field) in seat_fields {
            match cells.optional(field, cells::parse_count) {
                Ok(Some(n)) => match &stages {
                    Some(served) if served.contains(&stage) => seats.push((stage, n)),
                    Some(_) if n > 0 => {
                        cells.fail(field, format!("学校未开设{}学段，不应填写学位", stage.label_zh()));
                        seats_ok = false;
                    }
                    _ => {}
                },
                Ok(None) => {}
                Err(()) => seats_ok = false,
            }
        }
        if let (Some(county), Ok(Some(township))) = (&county, &township) {
            if !township.is_within(county) {
                cells.fail(
                    Field::Township,
                    format!("乡镇街道 {township} 不属于所在区县 {county}"),
                );
            }
        }
        let Some(code) = code else { return };
        let Some(key) = school_key(&code) else { return };
        if let Some(first) = self.schools.get(&key).and_then(|entry| entry.row) {
            self.duplicate_rows(cells, loc, first, true, Field::SchoolCode, "学校标识码");
            return;
        }
        let (
            Some(name),
            Some(county),
            Ok(township),
            Some(stages),
            Some(ownership),
            Ok(inclusive),
            Ok(rating),
        ) = (name, county, township, stages, ownership, inclusive, rating)
        else {
            return;
        };
        let (Some(location), Ok(school_group), Ok(longitude), Ok(latitude), true) =
            (location, school_group, longitude, latitude, seats_ok)
        else {
            return;
        };
        if let Some(scope) = self.scope {
            let stored = self.lookup.schools.get(&code).map(|info| &info.county);
            if let Some(message) = scope.school_refusal(&code, &county, stored) {
                cells.fail(Field::SchoolCode, message);
                return;
            }
        }
        for stage in &stages {
            if !seats.iter().any(|(s, _)| s == stage) {
                seats.push((*stage, 0));
            }
        }
        self.schools.insert(
            key,
            SchoolEntry {
                stages: stage_set(&stages),
                in_scope: true,
                row: Some(loc),
            },
        );
        self.changes.schools.push(School {
            code,
            name,
            county,
            township,
            stages,
            ownership,
            inclusive: inclusive.unwrap_or(false),
            quality_rating: rating.unwrap_or(QualityRating::Unrated),
            location,
            seats,
            school_group,
            longitude,
            latitude,
        });
    }

    fn facility(&mut self, cells: &mut Cells<'_>, loc: Loc) {
        let year = self.preparer.school_year(cells);
        let code = self.preparer.school_code(cells);
        let school = self.school_ref(cells, code);
        let floor = cells.required(Field::TeachingFloorArea, cells::parse_amount);
        let sports = cells.required(Field::SportsGroundArea, cells::parse_amount);
        let equipment = cells.required(Field::EquipmentValue, cells::parse_amount);
        let rooms = cells.required(Field::MultimediaClassrooms, cells::parse_count);
        let (Some(year), Some((school, key, _))) = (year, school) else {
            return;
        };
        if let Some((first, report)) = note_seen(&mut self.seen_facilities, (year.0, key), loc) {
            self.duplicate_rows(cells, loc, first, report, Field::SchoolCode, "学年和学校");
            return;
        }
        let (
            Some(teaching_floor_area),
            Some(sports_ground_area),
            Some(equipment_value),
            Some(multimedia_classrooms),
        ) = (floor, sports, equipment, rooms)
        else {
            return;
        };
        self.changes.facilities.push(SchoolFacility {
            school_year: year,
            school,
            teaching_floor_area,
            sports_ground_area,
            equipment_value,
            multimedia_classrooms,
        });
    }

    fn class(&mut self, cells: &mut Cells<'_>, loc: Loc) {
        let year = self.preparer.school_year(cells);
        let code = self.preparer.school_code(cells);
        let school = self.school_ref(cells, code);
        let stage = self.preparer.stage(cells, Field::Stage);
        let grade = self.preparer.grade(cells);
        let name = cells.required(Field::ClassName, |t| text_field(t, 30));
        let size = cells.required(Field::ClassSize, |t| {
            let n = cells::parse_count(t)?;
            if n > MAX_CLASS_SIZE {
                return Err(format!("班额 {n} 超出 0–{MAX_CLASS_SIZE} 的范围"));
            }
            Ok(n)
        });
        let (Some(year), Some((school, key, served)), Some(stage), Some(grade), Some(name), Some(size)) =
            (year, school, stage, grade, name, size)
        else {
            return;
        };
        if !stage_fits(cells, Field::Stage, stage, served) || !grade_fits(cells, stage, grade) {
            return;
        }
        let list = self.classes.entry((year.0, key, grade.0)).or_default();
        let earlier = match list.iter_mut().find(|c| *c.name == *name) {
            Some(ClassEntry { row: Some(first), .. }) => Some(*first),
            Some(stored) => {
                stored.stage = Some(stage);
                stored.row = Some(loc);
                None
            }
            None => {
                list.push(ClassEntry {
                    name: name.as_str().into(),
                    stage: Some(stage),
                    row: Some(loc),
                });
                None
            }
        };
        if let Some(first) = earlier {
            self.duplicate_rows(
                cells,
                loc,
                first,
                true,
                Field::ClassName,
                "学年、学校、年级和班级",
            );
            return;
        }
        self.changes.classes.push(Class {
            school_year: year,
            school,
            stage,
            grade,
            name,
            size,
        });
    }

    fn student(&mut self, cells: &mut Cells<'_>, loc: Loc, pre: PrePerson) {
        cells.problems.extend(pre.problems);
        let year = self.preparer.school_year(cells);
        let code = self.preparer.school_code(cells);
        let school = self.school_ref(cells, code);
        let grade = self.preparer.grade(cells);
        let stage_given = self.preparer.optional_stage(cells, Field::Stage);
        let class_name = cells.optional(Field::ClassName, |t| text_field(t, 30));
        let lookup = self.lookup;
        let household = cells.required(Field::HouseholdArea, |t| household_area(lookup, t));
        let migrant = cells.optional(Field::MigrantChild, flag);
        let boarder = cells.optional(Field::Boarder, flag);
        let acuity = cells.optional(Field::VisualAcuity, |t| {
            let v = cells::parse_decimal(t)?;
            if !(3.0..=5.3).contains(&v) {
                return Err(format!("视力 {t} 超出五分记录 3.0–5.3 的范围"));
            }
            Ok(v as f32)
        });
        let myopic = cells.optional(Field::Myopic, flag);
        if let (Some(year), Some(body)) = (year, pre.id_body) {
            self.student_ids.push(IdKey::new(year, body, loc));
        }
        let (Some(year), Some((school, key, served)), Some(grade), Ok(stage_given), Ok(class_name)) =
            (year, school, grade, stage_given, class_name)
        else {
            return;
        };
        // The class (from this import or the store) must exist; its stage,
        // when known, settles the student's stage.
        let mut class_stage = None;
        if let Some(class) = &class_name {
            let found = self
                .classes
                .get(&(year.0, key, grade.0))
                .and_then(|l| l.iter().find(|c| *c.name == **class));
            match found {
                Some(entry) => class_stage = entry.stage,
                None => {
                    cells.fail(
                        Field::ClassName,
                        format!(
                            "班级 {} 不存在：数据库中没有，本次导入的班级表中也没有；请先导入班级",
                            class_label(grade, class)
                        ),
                    );
                    return;
                }
            }
        }
        let stage = match stage_given.or(class_stage) {
            Some(stage) => {
                if !stage_fits(cells, Field::Stage, stage, served) || !grade_fits(cells, stage, grade) {
                    return;
                }
                stage
            }
            None => match stage_for_grade(cells, grade, served) {
                Some(stage) => stage,
                None => return,
            },
        };
        let (Some((id, name)), Some(household_area), Ok(migrant), Ok(boarder), Ok(visual_acuity), Ok(myopic)) =
            (pre.person, household, migrant, boarder, acuity, myopic)
        else {
            return;
        };
        let student = Student {
            sex: id.sex(),
            birth_date: prepare::birth_date_of(&id),
            id_number: id,
            name,
            household_area,
        };
        let enrolment = Enrolment {
            school_year: year,
            school,
            stage,
            grade,
            class_name,
            migrant_child: migrant.unwrap_or(false),
            boarder: boarder.unwrap_or(false),
            visual_acuity,
            myopic,
        };
        self.changes.students.push((student, enrolment));
        self.student_locs.push(loc);
    }

    fn teacher(&mut self, cells: &mut Cells<'_>, loc: Loc, pre: PrePerson) {
        cells.problems.extend(pre.problems);
        let year = self.preparer.school_year(cells);
        let code = self.preparer.school_code(cells);
        let school = self.school_ref(cells, code);
        let stage = self.preparer.stage(cells, Field::TeachingStage);
        let subject = cells.required(Field::Subject, |t| Subject::parse(t).map_err(|e| e.0));
        let title = cells.required(Field::Title, |t| Title::parse(t).map_err(|e| e.0));
        let key_level = cells.optional(Field::KeyTeacherLevel, |t| {
            KeyTeacherLevel::parse(t).map_err(|e| e.0)
        });
        let joined = self.preparer.joined_school_year(cells);
        let qualification =
            cells.required(Field::Qualification, |t| Qualification::parse(t).map_err(|e| e.0));
        if let (Some(year), Some(body)) = (year, pre.id_body) {
            self.teacher_ids.push(IdKey::new(year, body, loc));
        }
        let mut joined_ok = true;
        if let (Some(year), Some(joined)) = (year, joined) {
            if joined > year {
                let message = format!("入校学年 {} 晚于学年 {}", joined.0, year.0);
                cells.fail(Field::JoinedSchoolYear, message);
                joined_ok = false;
            }
        }
        let (Some(year), Some((school, _, served)), Some(stage)) = (year, school, stage) else {
            return;
        };
        if !stage_fits(cells, Field::TeachingStage, stage, served) {
            return;
        }
        let (
            Some((id, name)),
            Some(subject),
            Some(title),
            Ok(key_level),
            Some(joined),
            Some(qualification),
            true,
        ) = (
            pre.person,
            subject,
            title,
            key_level,
            joined,
            qualification,
            joined_ok,
        )
        else {
            return;
        };
        let birth_year =
            u16::try_from(chrono::Datelike::year(&prepare::birth_date_of(&id))).unwrap_or_default();
        let teacher = Teacher {
            sex: id.sex(),
            birth_year,
            id_number: id,
            name,
        };
        let post = TeachingPost {
            school_year: year,
            school,
            stage,
            subject,
            title,
            key_teacher_level: key_level.unwrap_or(KeyTeacherLevel::None),
            joined_school_year: joined,
            qualification,
        };
        self.changes.teachers.push((teacher, post));
        self.teacher_locs.push(loc);
    }

    fn population(&mut self, cells: &mut Cells<'_>, loc: Loc) {
        let year = self.preparer.school_year(cells);
        let lookup = self.lookup;
        let scope = self.scope;
        let township = cells.required(Field::Township, |t| {
            let code = area(lookup, t, AreaLevel::Township)?;
            match scope {
                Some(sc) if !sc.allows_area(&code) => Err(sc.area_refusal(&code)),
                _ => Ok(code),
            }
        });
        let age = cells.required(Field::Age, |t| {
            let n = cells::parse_count(t)?;
            u8::try_from(n)
                .ok()
                .filter(|a| *a <= 25)
                .ok_or_else(|| format!("年龄 {n} 超出 0–25 的范围"))
        });
        let children = cells.required(Field::Children, cells::parse_count);
        let (Some(year), Some(township), Some(age), Some(children)) = (year, township, age, children) else {
            return;
        };
        let key = (year.0, township.as_str().to_owned(), age);
        if let Some((first, report)) = note_seen(&mut self.seen_population, key, loc) {
            self.duplicate_rows(cells, loc, first, report, Field::Age, "学年、乡镇街道和年龄");
            return;
        }
        self.changes.population.push(Population {
            school_year: year,
            township,
            age,
            children,
        });
    }

    fn births(&mut self, cells: &mut Cells<'_>, loc: Loc) {
        let this_year = chrono::Datelike::year(&self.today);
        let year = cells.required(Field::Year, |t| {
            let n = cells::parse_count(t)?;
            u16::try_from(n)
                .ok()
                .filter(|y| (1949..=this_year).contains(&i32::from(*y)))
                .ok_or_else(|| format!("年份 {n} 应在 1949 至 {this_year} 之间"))
        });
        let lookup = self.lookup;
        let scope = self.scope;
        let county = cells.required(Field::County, |t| {
            let code = area(lookup, t, AreaLevel::County)?;
            match scope {
                Some(sc) if !sc.allows_area(&code) => Err(sc.area_refusal(&code)),
                _ => Ok(code),
            }
        });
        let births = cells.required(Field::BirthCount, cells::parse_count);
        let (Some(year), Some(county), Some(births)) = (year, county, births) else {
            return;
        };
        let key = (year, county.as_str().to_owned());
        if let Some((first, report)) = note_seen(&mut self.seen_births, key, loc) {
            self.duplicate_rows(cells, loc, first, report, Field::County, "年份和区县");
            return;
        }
        self.changes.births.push(Births { year, county, births });
    }

    // ---- shared checks --------------------------------------------------

    fn error_at(&self, loc: Loc, field: Option<Field>, value: &str, message: String) -> RowError {
        let source = self.sources.get(loc.source).map(|(s, _)| s);
        RowError::new(
            source.map(|s| s.file.as_str()).unwrap_or_default(),
            source.and_then(|s| s.sheet.as_deref()),
            loc.row,
            field.map(Field::header),
            value,
            message,
        )
    }

    /// The school a row names: it must be stored or in this import.
    fn school_ref(
        &self,
        cells: &mut Cells<'_>,
        code: Option<SchoolCode>,
    ) -> Option<(SchoolCode, [u8; 10], u8)> {
        let code = code?;
        let key = school_key(&code)?;
        match self.schools.get(&key) {
            Some(entry) if !entry.in_scope => {
                let message = self.scope.map(|sc| sc.refusal(&code)).unwrap_or_default();
                cells.fail(Field::SchoolCode, message);
                None
            }
            Some(entry) => Some((code, key, entry.stages)),
            None => {
                cells.fail(
                    Field::SchoolCode,
                    format!("学校 {code} 不存在：数据库中没有，本次导入的学校表中也没有；请先导入学校"),
                );
                None
            }
        }
    }

    /// Reports a repeat on this row and, unless done before, on the first.
    fn duplicate_rows(
        &mut self,
        cells: &mut Cells<'_>,
        here: Loc,
        first: Loc,
        report_first: bool,
        field: Field,
        what: &str,
    ) {
        cells.fail(field, format!("{what}与{}重复", self.place(first, here)));
        if report_first {
            let message = format!("{what}与{}重复", self.place(here, first));
            self.push_error(first, field, cells.get(field), message);
        }
    }

    fn push_error(&mut self, loc: Loc, field: Field, value: &str, message: String) {
        let column = self
            .sources
            .get(loc.source)
            .and_then(|(_, l)| l.position(field))
            .unwrap_or(usize::MAX);
        let error = self.error_at(loc, Some(field), value, message);
        self.errors.push((loc, column, error));
    }

    /// Sorts the keys; every run of equal (year, number) is a repeat.
    fn report_repeated_ids(&mut self, keys: &mut [IdKey]) {
        keys.sort_unstable();
        let mut start = 0;
        while start < keys.len() {
            let first = keys.get(start).copied();
            let run = keys
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|k| Some((k.year, k.body)) == first.map(|f| (f.year, f.body)))
                .count();
            if let (Some(first), true) = (first, run > 1) {
                let value = prepare::id_from_body(first.body);
                let what = "学年和身份证号";
                let second = keys.get(start + 1).map(|k| k.loc()).unwrap_or(first.loc());
                let message = format!("{what}与{}重复", self.place(second, first.loc()));
                self.push_error(first.loc(), Field::IdNumber, &value, message);
                for later in keys.get(start + 1..start + run).unwrap_or_default() {
                    let message = format!("{what}与{}重复", self.place(first.loc(), later.loc()));
                    self.push_error(later.loc(), Field::IdNumber, &value, message);
                }
            }
            start += run.max(1);
        }
    }

    /// `第 3 行`, or `工作表“学生_1”第 3 行` when it is on another sheet.
    fn place(&self, target: Loc, from: Loc) -> String {
        match self
            .sources
            .get(target.source)
            .and_then(|(s, _)| s.sheet.as_deref())
        {
            Some(sheet) if target.source != from.source => format!("工作表“{sheet}”第 {} 行", target.row),
            _ => format!("第 {} 行", target.row),
        }
    }
}

fn stage_fits(cells: &mut Cells<'_>, field: Field, stage: Stage, served: u8) -> bool {
    if served & stage_bit(stage) != 0 {
        return true;
    }
    cells.fail(
        field,
        format!(
            "学校未开设{}学段（开设：{}）",
            stage.label_zh(),
            stage_list(served)
        ),
    );
    false
}

fn grade_fits(cells: &mut Cells<'_>, stage: Stage, grade: Grade) -> bool {
    if stage.grades().contains(&grade.0) {
        return true;
    }
    cells.fail(
        Field::Grade,
        format!(
            "{}不属于{}（{}为{}）",
            grade_label(grade),
            stage.label_zh(),
            stage.label_zh(),
            grade_range(stage)
        ),
    );
    false
}

/// The one stage of the school that has `grade`.
fn stage_for_grade(cells: &mut Cells<'_>, grade: Grade, served: u8) -> Option<Stage> {
    let mut fitting = Stage::ALL
        .iter()
        .copied()
        .filter(|s| served & stage_bit(*s) != 0 && s.grades().contains(&grade.0));
    let first = fitting.next();
    let second = fitting.next();
    match (first, second) {
        (Some(only), None) => Some(only),
        (None, _) => {
            cells.fail(
                Field::Grade,
                format!(
                    "学校开设的学段（{}）中没有{}",
                    stage_list(served),
                    grade_label(grade)
                ),
            );
            None
        }
        (Some(a), Some(b)) => {
            let mut names = vec![a.label_zh(), b.label_zh()];
            names.extend(fitting.map(Stage::label_zh));
            cells.fail(
                Field::Grade,
                format!(
                    "无法确定学段：学校的{}都有{}，请填写【学段】",
                    names.join("、"),
                    grade_label(grade)
                ),
            );
            None
        }
    }
}

/// Records `key` as first seen at `loc`; on a repeat, the first row and
/// whether it still needs its own error.
fn note_seen<K: std::hash::Hash + Eq>(map: &mut FastMap<K, Seen>, key: K, loc: Loc) -> Option<(Loc, bool)> {
    match map.entry(key) {
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(Seen { loc, reported: false });
            None
        }
        std::collections::hash_map::Entry::Occupied(mut slot) => {
            let seen = slot.get_mut();
            let report_first = !seen.reported;
            seen.reported = true;
            Some((seen.loc, report_first))
        }
    }
}

fn coordinate(text: &str, min: f64, max: f64, what: &str) -> Result<f64, String> {
    let v = cells::parse_decimal(text)?;
    if !(min..=max).contains(&v) {
        return Err(format!("{what} {text} 超出中国境内的范围（{min}–{max}）"));
    }
    Ok(v)
}

fn parse_stages(text: &str) -> Result<Vec<Stage>, String> {
    let mut stages = Vec::new();
    for part in text
        .split(['、', ',', '，', '/', ';', '；', ' ', '+'])
        .filter(|p| !p.is_empty())
    {
        let stage = Stage::parse(part).map_err(|e| e.0)?;
        if !stages.contains(&stage) {
            stages.push(stage);
        }
    }
    if stages.is_empty() {
        return Err("不能为空".to_owned());
    }
    Ok(stages)
}

fn stage_bit(stage: Stage) -> u8 {
    match stage {
        Stage::Preschool => 1,
        Stage::Primary => 2,
        Stage::Junior => 4,
        Stage::Senior => 8,
        Stage::Vocational => 16,
        Stage::Special => 32,
    }
}

fn stage_set(stages: &[Stage]) -> u8 {
    stages.iter().fold(0, |set, s| set | stage_bit(*s))
}

fn stage_list(set: u8) -> String {
    let names: Vec<&str> = Stage::ALL
        .iter()
        .filter(|s| set & stage_bit(**s) != 0)
        .map(|s| s.label_zh())
        .collect();
    if names.is_empty() {
        "无".to_owned()
    } else {
        names.join("、")
    }
}

fn grade_range(stage: Stage) -> String {
    let grades = stage.grades();
    format!(
        "{}至{}",
        grade_label(Grade(*grades.start())),
        grade_label(Grade(*grades.end()))
    )
}

/// `七年级3班`; a name that already says its grade is left alone.
pub(crate) fn class_label(grade: Grade, name: &str) -> String {
    let grade = grade_label(grade);
    if name.starts_with(&grade) {
        name.to_owned()
    } else {
        format!("{grade}{name}")
    }
}

fn school_key(code: &SchoolCode) -> Option<[u8; 10]> {
    code.as_str().as_bytes().try_into().ok()
}

/// Fx hashing (as in rustc): keys here are short byte arrays from files we
/// validate, not attacker-chosen, so SipHash's protection buys nothing.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        for b in chunks.remainder() {
            self.add(u64::from(*b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_split_on_the_usual_separators() {
        assert_eq!(
            parse_stages("小学、初中"),
            Ok(vec![Stage::Primary, Stage::Junior])
        );
        assert_eq!(
            parse_stages("初中,普通高中"),
            Ok(vec![Stage::Junior, Stage::Senior])
        );
        assert_eq!(parse_stages("小学，小学"), Ok(vec![Stage::Primary]));
        assert!(parse_stages("大学").is_err());
    }

    #[test]
    fn class_labels_name_the_grade_once() {
        assert_eq!(class_label(Grade(7), "3班"), "七年级3班");
        assert_eq!(class_label(Grade(7), "七年级3班"), "七年级3班");
    }
}
