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
//!
//! Reading one row of an entity is in that entity's module
//! (`entities/students.rs` …); this module holds the shared state and checks.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{DateTime, NaiveDate, Utc};
use registry::transfer::{self, Movement, Placement};
use registry::{AreaCode, ChangeSet, Class, Grade, IdNumber, SchoolCode, SchoolYear, Stage};
use store::{ClassSizeMismatch, Lookup, NewTransfer, PersonKind, RegistryRead, TransferRow};

use crate::cells::{self, grade_label};
use crate::entity::{Entity, Field, Layout};
use crate::errors::RowError;
use crate::prepare::{self, Cells, Prepared, Preparer, Problem};
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
pub(crate) fn retain_indexed<T>(records: &mut Vec<T>, locs: &mut Vec<Loc>, take: &[bool]) {
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
pub(crate) const MAX_CLASS_SIZE: u32 = 120;

pub(crate) struct Validator<'a> {
    pub(crate) lookup: &'a Lookup,
    /// What the importing user may write; `None` = everything.
    pub(crate) scope: Option<&'a WriteScope>,
    pub(crate) today: NaiveDate,
    /// Each table of the import: where it is and where its columns are.
    pub(crate) sources: Vec<(Source, Layout)>,
    /// Memos and context-free checks for tables not prepared elsewhere.
    pub(crate) preparer: Preparer,
    pub(crate) changes: ChangeSet,
    /// Errors with the column index they sit in, to sort left to right.
    pub(crate) errors: Vec<(Loc, usize, RowError)>,
    /// Where each of `changes.students` came from.
    pub(crate) student_locs: Vec<Loc>,
    /// Where each of `changes.teachers` came from.
    pub(crate) teacher_locs: Vec<Loc>,
    /// Schools known to the store or imported now: served stages as a bit set.
    pub(crate) schools: FastMap<[u8; 10], SchoolEntry>,
    /// Classes by (year, school, grade), then name.
    pub(crate) classes: FastMap<(u16, [u8; 10], i8), Vec<ClassEntry>>,
    pub(crate) student_ids: Vec<IdKey>,
    pub(crate) teacher_ids: Vec<IdKey>,
    pub(crate) seen_facilities: FastMap<(u16, [u8; 10]), Seen>,
    pub(crate) seen_population: FastMap<(u16, String, u8), Seen>,
    pub(crate) seen_births: FastMap<(u16, String), Seen>,
    /// Reused for each row's problems.
    pub(crate) problems: Vec<Problem>,
}

pub(crate) struct SchoolEntry {
    pub(crate) stages: u8,
    /// Whether the importing user may write this school's rows.
    pub(crate) in_scope: bool,
    /// The row of this import that defines the school, if any.
    pub(crate) row: Option<Loc>,
}

pub(crate) struct ClassEntry {
    pub(crate) name: Box<str>,
    /// Known for classes of this import, and for stored ones when loaded.
    pub(crate) stage: Option<Stage>,
    pub(crate) row: Option<Loc>,
}

/// First row a key was seen on; `reported` once that row got its own error.
pub(crate) struct Seen {
    pub(crate) loc: Loc,
    pub(crate) reported: bool,
}

/// An identity number in a school year, where it was seen. Sixteen bytes:
/// sorting 1.3 M of them takes a few tens of milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct IdKey {
    pub(crate) year: u16,
    pub(crate) body: u64,
    pub(crate) source: u16,
    pub(crate) row: u32,
}

impl IdKey {
    pub(crate) fn new(year: SchoolYear, body: u64, loc: Loc) -> IdKey {
        IdKey {
            year: year.0,
            body,
            source: u16::try_from(loc.source).unwrap_or(u16::MAX),
            row: u32::try_from(loc.row).unwrap_or(u32::MAX),
        }
    }

    pub(crate) fn loc(self) -> Loc {
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

    // ---- shared checks --------------------------------------------------

    pub(crate) fn error_at(&self, loc: Loc, field: Option<Field>, value: &str, message: String) -> RowError {
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
    pub(crate) fn school_ref(
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
    pub(crate) fn duplicate_rows(
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

    pub(crate) fn push_error(&mut self, loc: Loc, field: Field, value: &str, message: String) {
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
    pub(crate) fn place(&self, target: Loc, from: Loc) -> String {
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

pub(crate) fn stage_fits(cells: &mut Cells<'_>, field: Field, stage: Stage, served: u8) -> bool {
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

pub(crate) fn grade_fits(cells: &mut Cells<'_>, stage: Stage, grade: Grade) -> bool {
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
pub(crate) fn stage_for_grade(cells: &mut Cells<'_>, grade: Grade, served: u8) -> Option<Stage> {
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
pub(crate) fn note_seen<K: std::hash::Hash + Eq>(
    map: &mut FastMap<K, Seen>,
    key: K,
    loc: Loc,
) -> Option<(Loc, bool)> {
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

pub(crate) fn coordinate(text: &str, min: f64, max: f64, what: &str) -> Result<f64, String> {
    let v = cells::parse_decimal(text)?;
    if !(min..=max).contains(&v) {
        return Err(format!("{what} {text} 超出中国境内的范围（{min}–{max}）"));
    }
    Ok(v)
}

pub(crate) fn parse_stages(text: &str) -> Result<Vec<Stage>, String> {
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

pub(crate) fn stage_bit(stage: Stage) -> u8 {
    match stage {
        Stage::Preschool => 1,
        Stage::Primary => 2,
        Stage::Junior => 4,
        Stage::Senior => 8,
        Stage::Vocational => 16,
        Stage::Special => 32,
    }
}

pub(crate) fn stage_set(stages: &[Stage]) -> u8 {
    stages.iter().fold(0, |set, s| set | stage_bit(*s))
}

pub(crate) fn stage_list(set: u8) -> String {
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

pub(crate) fn grade_range(stage: Stage) -> String {
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

pub(crate) fn school_key(code: &SchoolCode) -> Option<[u8; 10]> {
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
