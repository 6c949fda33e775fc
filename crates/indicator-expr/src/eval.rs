//! Tallying a snapshot: one pass per entity, every aggregate of that entity
//! updated per row, into one value per school (or per township).
//!
//! A field reads as a number (vocabulary ordinal, grade, 0/1 flag or the
//! figure itself), `None` when unknown; conditions follow three-valued logic.
//! Before the pass, each condition is compiled for the entity's row type
//! (`Compiled`, a tree of closures): a part that reads only school fields becomes a per-school
//! lookup table, computed once over the schools; every other leaf becomes a
//! closure reading its field straight from the row. The top-level `and`
//! terms of all aggregates of an entity are shared and evaluated at most
//! once per row, so `share(E where B, C)` tests `B` once.
//!
//! [`Cond::eval`] over a [`Record`] is the plain interpreter: it computes the
//! school tables, and the tests check the compiled pass against it.

use registry::snapshot::{ClassRow, PopulationRow, SchoolRow, StudentRow, TeacherRow, YearSnapshot};

use crate::expr::{Aggregate, Cond, Measure};
use crate::lex::CmpOp;
use crate::schema::{Entity, Field, Places};

/// Per aggregate (in the order of `Definition::aggregates`), its value per place.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    rows: Vec<Rows>,
}

/// One aggregate's values, indexed like `YearSnapshot::schools` or `YearSnapshot::townships`.
#[derive(Debug, Clone, PartialEq)]
pub enum Rows {
    Schools(Vec<f64>),
    Townships(Vec<f64>),
}

impl Rows {
    pub fn values(&self) -> &[f64] {
        match self {
            Rows::Schools(v) | Rows::Townships(v) => v,
        }
    }

    pub fn places(&self) -> Places {
        match self {
            Rows::Schools(_) => Places::Schools,
            Rows::Townships(_) => Places::Townships,
        }
    }
}

impl Tally {
    /// One entry per aggregate.
    pub fn rows(&self) -> &[Rows] {
        &self.rows
    }

    /// The sums over the schools and townships a place is made of, ready for
    /// `Definition::evaluate`. For a school, pass that school and no township.
    pub fn sums(
        &self,
        include_school: impl Fn(usize) -> bool,
        include_township: impl Fn(usize) -> bool,
    ) -> Vec<f64> {
        self.rows
            .iter()
            .map(|rows| {
                let include: &dyn Fn(usize) -> bool = match rows {
                    Rows::Schools(_) => &include_school,
                    Rows::Townships(_) => &include_township,
                };
                rows.values()
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| include(*i))
                    .map(|(_, v)| v)
                    .sum()
            })
            .collect()
    }

    /// The sums over the whole snapshot (the city).
    pub fn totals(&self) -> Vec<f64> {
        self.rows.iter().map(|rows| rows.values().iter().sum()).collect()
    }
}

/// A row as conditions see it.
pub(crate) trait Record {
    fn value(&self, field: Field) -> Option<f64>;
}

impl Cond {
    /// `Some(true)` when the row matches, `None` when it depends on an unknown value.
    pub(crate) fn eval<R: Record>(&self, row: &R) -> Option<bool> {
        match self {
            Cond::Flag(field) => row.value(*field).map(|v| v != 0.0),
            Cond::Cmp { field, op, value, .. } => {
                let x = row.value(*field)?;
                Some(match op {
                    CmpOp::Eq => x == *value,
                    CmpOp::Ne => x != *value,
                    CmpOp::Lt => x < *value,
                    CmpOp::Le => x <= *value,
                    CmpOp::Gt => x > *value,
                    CmpOp::Ge => x >= *value,
                })
            }
            Cond::In {
                field,
                negated,
                values,
                ..
            } => {
                let x = row.value(*field)?;
                Some(values.contains(&x) != *negated)
            }
            Cond::Not(inner) => inner.eval(row).map(|b| !b),
            Cond::And(items) => {
                let mut unknown = false;
                for item in items {
                    match item.eval(row) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                (!unknown).then_some(true)
            }
            Cond::Or(items) => {
                let mut unknown = false;
                for item in items {
                    match item.eval(row) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                (!unknown).then_some(false)
            }
        }
    }
}

fn flag(b: bool) -> Option<f64> {
    Some(f64::from(u8::from(b)))
}

/// Fields every school-attached row reads from its school.
fn school_value(field: Field, school: Option<&SchoolRow>) -> Option<f64> {
    let school = school?;
    let facility = school.facility.as_ref();
    match field {
        // Vocabulary enums are declared in the order of their `ALL`, so the
        // discriminant is the ordinal (checked by a test).
        Field::Ownership => Some(f64::from(school.ownership as u8)),
        Field::Inclusive => flag(school.inclusive),
        Field::QualityRating => Some(f64::from(school.quality_rating as u8)),
        Field::Location => Some(f64::from(school.location as u8)),
        Field::Serves(stage) => flag(school.serves.get(stage.index()).copied().unwrap_or(false)),
        Field::Seats => Some(school.seats.iter().map(|s| f64::from(*s)).sum()),
        Field::SeatsOf(stage) => school.seats.get(stage.index()).map(|s| f64::from(*s)),
        Field::FacilityReported => flag(facility.is_some()),
        Field::TeachingFloorArea => facility.map(|f| f.teaching_floor_area),
        Field::SportsGroundArea => facility.map(|f| f.sports_ground_area),
        Field::EquipmentValue => facility.map(|f| f.equipment_value),
        Field::MultimediaClassrooms => facility.map(|f| f64::from(f.multimedia_classrooms)),
        _ => None,
    }
}

struct SchoolRecord<'a>(&'a SchoolRow);

impl Record for SchoolRecord<'_> {
    fn value(&self, field: Field) -> Option<f64> {
        school_value(field, Some(self.0))
    }
}

#[cfg(test)]
struct ClassRecord<'a> {
    row: &'a ClassRow,
    school: Option<&'a SchoolRow>,
}

#[cfg(test)]
impl Record for ClassRecord<'_> {
    fn value(&self, field: Field) -> Option<f64> {
        match field {
            Field::Stage => Some(f64::from(self.row.stage as u8)),
            Field::Grade => Some(f64::from(self.row.grade.0)),
            Field::Size => Some(f64::from(self.row.size)),
            other => school_value(other, self.school),
        }
    }
}

#[cfg(test)]
struct StudentRecord<'a> {
    row: &'a StudentRow,
    school: Option<&'a SchoolRow>,
}

#[cfg(test)]
impl Record for StudentRecord<'_> {
    fn value(&self, field: Field) -> Option<f64> {
        let row = self.row;
        match field {
            Field::Stage => Some(f64::from(row.stage as u8)),
            Field::Grade => Some(f64::from(row.grade.0)),
            Field::Sex => Some(f64::from(row.sex as u8)),
            Field::MigrantChild => flag(row.migrant_child),
            Field::Boarder => flag(row.boarder),
            Field::Myopic => row.myopic.and_then(flag),
            Field::Screened => flag(row.myopic.is_some()),
            other => school_value(other, self.school),
        }
    }
}

#[cfg(test)]
struct TeacherRecord<'a> {
    row: &'a TeacherRow,
    school: Option<&'a SchoolRow>,
    year: u16,
}

#[cfg(test)]
impl Record for TeacherRecord<'_> {
    fn value(&self, field: Field) -> Option<f64> {
        let row = self.row;
        match field {
            Field::Stage => Some(f64::from(row.stage as u8)),
            Field::Subject => Some(f64::from(row.subject as u8)),
            Field::Title => Some(f64::from(row.title as u8)),
            Field::KeyTeacherLevel => Some(f64::from(row.key_teacher_level as u8)),
            Field::Qualification => Some(f64::from(row.qualification as u8)),
            Field::Sex => Some(f64::from(row.sex as u8)),
            Field::Age => Some(f64::from(self.year) - f64::from(row.birth_year)),
            Field::YearsAtSchool => Some(f64::from(self.year) - f64::from(row.joined_school_year.0)),
            other => school_value(other, self.school),
        }
    }
}

#[cfg(test)]
struct PopulationRecord<'a>(&'a PopulationRow);

#[cfg(test)]
impl Record for PopulationRecord<'_> {
    fn value(&self, field: Field) -> Option<f64> {
        match field {
            Field::Age => Some(f64::from(self.0.age)),
            Field::Children => Some(f64::from(self.0.children)),
            _ => None,
        }
    }
}

/// The plain interpreter's tally, for checking the compiled one.
#[cfg(test)]
pub(crate) fn tally_reference(aggregates: &[Aggregate], snapshot: &YearSnapshot) -> Tally {
    let mut out = empty_outputs(aggregates, snapshot);
    let schools = &snapshot.schools;
    let school_of = |index: u32| schools.get(index as usize);
    let year = snapshot.school_year.0;
    for entity in Entity::ALL {
        let jobs: Vec<(usize, &Aggregate)> = aggregates
            .iter()
            .enumerate()
            .filter(|(_, a)| a.entity == entity)
            .collect();
        if jobs.is_empty() {
            continue;
        }
        match entity {
            Entity::Schools => run(
                &jobs,
                &mut out,
                schools.iter().enumerate().map(|(i, s)| (i, SchoolRecord(s))),
            ),
            Entity::Classes => run(
                &jobs,
                &mut out,
                snapshot.classes.iter().map(|row| {
                    let record = ClassRecord {
                        row,
                        school: school_of(row.school),
                    };
                    (row.school as usize, record)
                }),
            ),
            Entity::Students => run(
                &jobs,
                &mut out,
                snapshot.students.iter().map(|row| {
                    let record = StudentRecord {
                        row,
                        school: school_of(row.school),
                    };
                    (row.school as usize, record)
                }),
            ),
            Entity::Teachers => run(
                &jobs,
                &mut out,
                snapshot.teachers.iter().map(|row| {
                    let record = TeacherRecord {
                        row,
                        school: school_of(row.school),
                        year,
                    };
                    (row.school as usize, record)
                }),
            ),
            Entity::Population => run(
                &jobs,
                &mut out,
                snapshot
                    .population
                    .iter()
                    .map(|row| (row.township as usize, PopulationRecord(row))),
            ),
        }
    }
    into_tally(aggregates, out)
}

#[cfg(test)]
fn run<R: Record>(
    jobs: &[(usize, &Aggregate)],
    out: &mut [Vec<f64>],
    rows: impl Iterator<Item = (usize, R)>,
) {
    for (place, record) in rows {
        for (k, aggregate) in jobs {
            let matches = match &aggregate.filter {
                Some(filter) => filter.eval(&record) == Some(true),
                None => true,
            };
            if !matches {
                continue;
            }
            let add = match aggregate.measure {
                Measure::Count => 1.0,
                Measure::Sum(field) => record.value(field).unwrap_or(0.0),
            };
            if let Some(slot) = out.get_mut(*k).and_then(|values| values.get_mut(place)) {
                *slot += add;
            }
        }
    }
}

// ------------------------------------------------------------------ compiled pass

/// A leaf test compiled for row type `T`: field read and comparison in one
/// closure, with the signature of [`Compiled`].
type Test<T> = Box<dyn Fn(&T, u32) -> Option<bool>>;
/// A field read compiled for row type `T`, for `sum`.
type Get<T> = Box<dyn Fn(&T) -> Option<f64>>;

/// A row type of the snapshot, with its own (not school) fields.
trait RowKind: Sized + 'static {
    /// `pred` applied to the field's value; `None` when the field is not the row's own.
    fn test<P: Fn(f64) -> bool + 'static>(field: Field, year: u16, pred: P) -> Option<Test<Self>>;
    fn get(field: Field, year: u16) -> Option<Get<Self>>;
}

/// One arm per field: the same expression serves `test` and `get`, so the
/// two cannot disagree.
macro_rules! row_kind {
    ($row:ty, $year:ident, { $( $field:pat => |$r:ident| $value:expr ),* $(,)? }) => {
        impl RowKind for $row {
            #[allow(unused_variables)]
            fn test<P: Fn(f64) -> bool + 'static>(field: Field, $year: u16, pred: P) -> Option<Test<Self>> {
                match field {
                    $( $field => Some(Box::new(move |$r: &$row, _school: u32| {
                        let value: Option<f64> = $value;
                        value.map(&pred)
                    })), )*
                    _ => None,
                }
            }

            #[allow(unused_variables)]
            fn get(field: Field, $year: u16) -> Option<Get<Self>> {
                match field {
                    $( $field => Some(Box::new(move |$r: &$row| $value)), )*
                    _ => None,
                }
            }
        }
    };
}

row_kind!(SchoolRow, year, {
    field @ (Field::Ownership
    | Field::Inclusive
    | Field::QualityRating
    | Field::Location
    | Field::Serves(_)
    | Field::Seats
    | Field::SeatsOf(_)
    | Field::FacilityReported
    | Field::TeachingFloorArea
    | Field::SportsGroundArea
    | Field::EquipmentValue
    | Field::MultimediaClassrooms) => |r| school_value(field, Some(r)),
});

row_kind!(ClassRow, year, {
    Field::Stage => |r| Some(f64::from(r.stage as u8)),
    Field::Grade => |r| Some(f64::from(r.grade.0)),
    Field::Size => |r| Some(f64::from(r.size)),
});

row_kind!(StudentRow, year, {
    Field::Stage => |r| Some(f64::from(r.stage as u8)),
    Field::Grade => |r| Some(f64::from(r.grade.0)),
    Field::Sex => |r| Some(f64::from(r.sex as u8)),
    Field::MigrantChild => |r| flag(r.migrant_child),
    Field::Boarder => |r| flag(r.boarder),
    Field::Myopic => |r| r.myopic.and_then(flag),
    Field::Screened => |r| flag(r.myopic.is_some()),
});

row_kind!(TeacherRow, year, {
    Field::Stage => |r| Some(f64::from(r.stage as u8)),
    Field::Subject => |r| Some(f64::from(r.subject as u8)),
    Field::Title => |r| Some(f64::from(r.title as u8)),
    Field::KeyTeacherLevel => |r| Some(f64::from(r.key_teacher_level as u8)),
    Field::Qualification => |r| Some(f64::from(r.qualification as u8)),
    Field::Sex => |r| Some(f64::from(r.sex as u8)),
    Field::Age => |r| Some(f64::from(year) - f64::from(r.birth_year)),
    Field::YearsAtSchool => |r| Some(f64::from(year) - f64::from(r.joined_school_year.0)),
});

row_kind!(PopulationRow, year, {
    Field::Age => |r| Some(f64::from(r.age)),
    Field::Children => |r| Some(f64::from(r.children)),
});

/// A condition compiled for row type `T`: a tree of closures, called with
/// the row and its school index.
type Compiled<T> = Box<dyn Fn(&T, u32) -> Option<bool>>;

fn school_only(cond: &Cond) -> bool {
    match cond {
        Cond::And(items) | Cond::Or(items) => items.iter().all(school_only),
        Cond::Not(inner) => school_only(inner),
        Cond::Flag(field) | Cond::Cmp { field, .. } | Cond::In { field, .. } => field.is_school_level(),
    }
}

fn compile<T: RowKind>(cond: &Cond, schools: &[SchoolRow], year: u16) -> Compiled<T> {
    if school_only(cond) {
        let values: Vec<Option<bool>> = schools.iter().map(|s| cond.eval(&SchoolRecord(s))).collect();
        return Box::new(move |_, school| values.get(school as usize).copied().flatten());
    }
    let test = match cond {
        Cond::And(items) => {
            let items: Vec<Compiled<T>> = items.iter().map(|c| compile(c, schools, year)).collect();
            return Box::new(move |row, school| {
                let mut unknown = false;
                for item in &items {
                    match item(row, school) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                (!unknown).then_some(true)
            });
        }
        Cond::Or(items) => {
            let items: Vec<Compiled<T>> = items.iter().map(|c| compile(c, schools, year)).collect();
            return Box::new(move |row, school| {
                let mut unknown = false;
                for item in &items {
                    match item(row, school) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                (!unknown).then_some(false)
            });
        }
        Cond::Not(inner) => {
            let inner = compile::<T>(inner, schools, year);
            return Box::new(move |row, school| inner(row, school).map(|b| !b));
        }
        Cond::Flag(field) => T::test(*field, year, |x| x != 0.0),
        Cond::Cmp { field, op, value, .. } => {
            let v = *value;
            match op {
                CmpOp::Eq => T::test(*field, year, move |x| x == v),
                CmpOp::Ne => T::test(*field, year, move |x| x != v),
                CmpOp::Lt => T::test(*field, year, move |x| x < v),
                CmpOp::Le => T::test(*field, year, move |x| x <= v),
                CmpOp::Gt => T::test(*field, year, move |x| x > v),
                CmpOp::Ge => T::test(*field, year, move |x| x >= v),
            }
        }
        Cond::In {
            field,
            negated,
            values,
            ..
        } => {
            // Codes, grades and flags are small integers: test a bit mask
            // (offset by 2 so grades from −2 fit) instead of scanning a list.
            let small = |v: &f64| v.fract() == 0.0 && (-2.0..62.0).contains(v);
            if values.iter().all(small) {
                let mask = values.iter().fold(0u64, |m, v| m | 1u64 << ((*v + 2.0) as u32));
                let negated = *negated;
                T::test(*field, year, move |x| {
                    let bit = x + 2.0;
                    let member = small(&x) && mask >> (bit as u32) & 1 == 1;
                    member != negated
                })
            } else {
                let (values, negated) = (values.clone(), *negated);
                T::test(*field, year, move |x| values.contains(&x) != negated)
            }
        }
    };
    // The checker only lets an entity name its own fields; a field the row
    // type cannot read is unknown rather than a panic.
    test.unwrap_or_else(|| Box::new(|_, _| None))
}

/// One aggregate of the entity being tallied.
struct Job<T> {
    /// Index into the tally's outputs.
    out: usize,
    /// Indices of the shared top-level `and` terms that must all be true,
    /// school-table terms first (cheapest).
    terms: Vec<usize>,
    /// `None` counts the row.
    measure: Option<Get<T>>,
}

fn plan<T: RowKind>(
    jobs: &[(usize, &Aggregate)],
    schools: &[SchoolRow],
    year: u16,
) -> (Vec<Compiled<T>>, Vec<Job<T>>) {
    let mut terms: Vec<&Cond> = Vec::new();
    let mut compiled: Vec<Compiled<T>> = Vec::new();
    let mut planned = Vec::new();
    for (out, aggregate) in jobs {
        let conjuncts: Vec<&Cond> = match &aggregate.filter {
            Some(Cond::And(items)) => items.iter().collect(),
            Some(other) => vec![other],
            None => Vec::new(),
        };
        let mut needs = Vec::new();
        for conjunct in conjuncts {
            let index = match terms.iter().position(|t| *t == conjunct) {
                Some(i) => i,
                None => {
                    terms.push(conjunct);
                    compiled.push(compile(conjunct, schools, year));
                    terms.len() - 1
                }
            };
            if !needs.contains(&index) {
                needs.push(index);
            }
        }
        needs.sort_by_key(|i| !terms.get(*i).is_some_and(|t| school_only(t)));
        let measure = match aggregate.measure {
            Measure::Count => None,
            Measure::Sum(field) => Some(T::get(field, year).unwrap_or_else(|| Box::new(|_| None))),
        };
        planned.push(Job {
            out: *out,
            terms: needs,
            measure,
        });
    }
    (compiled, planned)
}

/// Tallies one entity: `rows` gives each row with its place and school index.
fn pass<'a, T: RowKind>(
    jobs: &[(usize, &Aggregate)],
    schools: &[SchoolRow],
    year: u16,
    out: &mut [Vec<f64>],
    rows: impl Iterator<Item = (usize, u32, &'a T)>,
) {
    let (terms, planned) = plan::<T>(jobs, schools, year);
    for (place, school, row) in rows {
        // Which of the first 64 terms are evaluated for this row, and which hold.
        let (mut seen, mut holds) = (0u64, 0u64);
        for job in &planned {
            let all_true = job.terms.iter().all(|&t| {
                let bit = 1u64.checked_shl(t as u32).unwrap_or(0);
                if seen & bit != 0 {
                    return holds & bit != 0;
                }
                let value = terms.get(t).is_some_and(|term| term(row, school) == Some(true));
                seen |= bit;
                if value {
                    holds |= bit;
                }
                value
            });
            if !all_true {
                continue;
            }
            let add = match &job.measure {
                None => 1.0,
                Some(get) => get(row).unwrap_or(0.0),
            };
            // Rows without a school or township (index out of range) are skipped.
            if let Some(slot) = out.get_mut(job.out).and_then(|values| values.get_mut(place)) {
                *slot += add;
            }
        }
    }
}

pub(crate) fn tally(aggregates: &[Aggregate], snapshot: &YearSnapshot) -> Tally {
    let mut out = empty_outputs(aggregates, snapshot);
    let schools = &snapshot.schools;
    let year = snapshot.school_year.0;
    for entity in Entity::ALL {
        let jobs: Vec<(usize, &Aggregate)> = aggregates
            .iter()
            .enumerate()
            .filter(|(_, a)| a.entity == entity)
            .collect();
        if jobs.is_empty() {
            continue;
        }
        match entity {
            Entity::Schools => pass(
                &jobs,
                schools,
                year,
                &mut out,
                schools.iter().enumerate().map(|(i, row)| (i, i as u32, row)),
            ),
            Entity::Classes => pass(
                &jobs,
                schools,
                year,
                &mut out,
                snapshot
                    .classes
                    .iter()
                    .map(|row| (row.school as usize, row.school, row)),
            ),
            Entity::Students => pass(
                &jobs,
                schools,
                year,
                &mut out,
                snapshot
                    .students
                    .iter()
                    .map(|row| (row.school as usize, row.school, row)),
            ),
            Entity::Teachers => pass(
                &jobs,
                schools,
                year,
                &mut out,
                snapshot
                    .teachers
                    .iter()
                    .map(|row| (row.school as usize, row.school, row)),
            ),
            Entity::Population => pass(
                &jobs,
                schools,
                year,
                &mut out,
                snapshot
                    .population
                    .iter()
                    .map(|row| (row.township as usize, registry::snapshot::NONE, row)),
            ),
        }
    }
    into_tally(aggregates, out)
}

fn empty_outputs(aggregates: &[Aggregate], snapshot: &YearSnapshot) -> Vec<Vec<f64>> {
    aggregates
        .iter()
        .map(|a| match a.entity.places() {
            Places::Schools => vec![0.0; snapshot.schools.len()],
            Places::Townships => vec![0.0; snapshot.townships.len()],
        })
        .collect()
}

fn into_tally(aggregates: &[Aggregate], out: Vec<Vec<f64>>) -> Tally {
    let rows = aggregates
        .iter()
        .zip(out)
        .map(|(a, values)| match a.entity.places() {
            Places::Schools => Rows::Schools(values),
            Places::Townships => Rows::Townships(values),
        })
        .collect();
    Tally { rows }
}
