//! Tallying a snapshot: one pass per entity, every aggregate of that entity
//! updated per row, into one value per school (or per township).
//!
//! Rows are read through [`Record`], which turns a field into a number
//! (vocabulary ordinal, grade, 0/1 flag, or the figure itself), `None` when
//! unknown; conditions are trees evaluated per row in three-valued logic.

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

struct ClassRecord<'a> {
    row: &'a ClassRow,
    school: Option<&'a SchoolRow>,
}

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

struct StudentRecord<'a> {
    row: &'a StudentRow,
    school: Option<&'a SchoolRow>,
}

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

struct TeacherRecord<'a> {
    row: &'a TeacherRow,
    school: Option<&'a SchoolRow>,
    year: u16,
}

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

struct PopulationRecord<'a>(&'a PopulationRow);

impl Record for PopulationRecord<'_> {
    fn value(&self, field: Field) -> Option<f64> {
        match field {
            Field::Age => Some(f64::from(self.0.age)),
            Field::Children => Some(f64::from(self.0.children)),
            _ => None,
        }
    }
}

pub(crate) fn tally(aggregates: &[Aggregate], snapshot: &YearSnapshot) -> Tally {
    let mut out: Vec<Vec<f64>> = aggregates
        .iter()
        .map(|a| match a.entity.places() {
            Places::Schools => vec![0.0; snapshot.schools.len()],
            Places::Townships => vec![0.0; snapshot.townships.len()],
        })
        .collect();
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

/// Rows whose place index is out of range (no school, no township) are skipped.
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
