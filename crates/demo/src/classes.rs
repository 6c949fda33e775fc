//! Classes and students of one school year: how a grade is split into
//! classes (the class-size model), and each student's row — screening,
//! boarding, class — in that year.
//!
//! Class-size model: a school plans classes of the standard size (rules.md:
//! 小班 25, 中班 30, 大班 33 (ceilings of the 幼儿园工作规程 ranges), primary
//! 45, junior and senior 50), scaled by the school's own factor (small rural
//! schools run small classes). A crowded school plans larger classes by its
//! excess, which shrinks from 2019 as the city clears 大班额. A grade of `n`
//! is split into `⌈n / planned⌉` classes, children dealt in turn, so a child
//! keeps its class from year to year while the number of classes holds.

use registry::{Class, Enrolment, Grade, IdNumber, Location, SchoolYear, Sex, Stage, Student};

use crate::cohorts::{Cohorts, Person};
use crate::names::{Generation, Names};
use crate::places::Places;
use crate::rng::{hash, stream, unit};
use crate::schools::{grades, SchoolPlan};

/// The year the city starts clearing 大班额 (济南 2020 work plan: 56+ classes to zero).
const RELIEF_START: i32 = 2019;

/// Planned class size of a school's grade in a year.
pub(crate) fn planned_size(plan: &SchoolPlan, stage: Stage, grade: i8, year: u16) -> f64 {
    let standard = match (stage, grade) {
        (Stage::Preschool, -2) => 25.0,
        (Stage::Preschool, -1) => 30.0,
        (Stage::Preschool, _) => 33.0,
        (Stage::Primary, _) => 45.0,
        _ => 50.0,
    };
    let mut size = standard * plan.class_factor;
    if let (Some(crowding), false) = (plan.crowding, stage == Stage::Preschool) {
        let progress = (f64::from(i32::from(year) - RELIEF_START) / 5.0 * crowding.relief).clamp(-0.2, 1.0);
        size += crowding.excess * (1.0 - progress);
    }
    size.max(8.0)
}

/// Number of classes for `n` students of a school's grade.
pub(crate) fn class_count(plan: &SchoolPlan, stage: Stage, grade: i8, year: u16, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    (n as f64 / planned_size(plan, stage, grade, year))
        .ceil()
        .max(1.0) as usize
}

/// Sizes of the classes of a grade of `n` split into `k`, children dealt in turn.
pub(crate) fn class_sizes(n: usize, k: usize) -> impl Iterator<Item = usize> {
    (0..k).map(move |j| n / k + usize::from(j < n % k))
}

/// Interned class names "1班", "2班", …
#[derive(Debug, Clone)]
pub(crate) struct ClassNames(Vec<String>);

impl ClassNames {
    pub fn new() -> ClassNames {
        ClassNames((1..=80).map(|i| format!("{i}班")).collect())
    }

    pub fn get(&self, index: usize) -> String {
        self.0
            .get(index)
            .cloned()
            .unwrap_or_else(|| format!("{}班", index + 1))
    }
}

/// Share of screened students found myopic, by grade, in 2018 (docs/demo-city.md):
/// low in kindergarten, 15 % in grade 1, 57 % in grade 6, about 72 % in
/// junior and 82 % in senior high — the national pattern (NHC: primary
/// 36.0 %, junior 71.6 %, senior 81.0 % in 2018).
fn myopia_rate(grade: i8) -> f64 {
    match grade {
        -2 => 0.015,
        -1 => 0.025,
        0 => 0.05,
        1 => 0.15,
        2 => 0.23,
        3 => 0.32,
        4 => 0.41,
        5 => 0.50,
        6 => 0.57,
        7 => 0.66,
        8 => 0.73,
        9 => 0.77,
        10 => 0.78,
        11 => 0.81,
        12 => 0.84,
        _ => 0.5,
    }
}

/// The national rate of children and adolescents relative to 2018's
/// 53.6 % (NHC: 50.2 % 2019, 52.7 % 2020 — the home-schooling rise —,
/// 51.9 % 2022); 2021 between, 2023–2024 assumed to keep falling about
/// 0.7 points a year.
fn myopia_trend(year: u16) -> f64 {
    match year {
        ..=2018 => 1.0,
        2019 => 50.2 / 53.6,
        2020 => 52.7 / 53.6,
        2021 => 52.3 / 53.6,
        2022 => 51.9 / 53.6,
        2023 => 51.2 / 53.6,
        y => (51.2 - 0.7 * f64::from(y - 2023)) / 53.6,
    }
}

/// Myopia rate in a year: the national trend, a little higher in the city
/// and lower in villages.
fn myopia_rate_in(grade: i8, year: u16, location: Location) -> f64 {
    let trend = myopia_trend(year);
    let place = match location {
        Location::Urban => 1.04,
        Location::Town => 0.98,
        Location::Rural => 0.93,
    };
    (myopia_rate(grade) * trend * place).clamp(0.0, 0.95)
}

/// Share of students boarding, by stage, location and grade.
fn boarding_rate(plan: &SchoolPlan, stage: Stage, grade: i8) -> f64 {
    let private = !plan.is_public();
    match (stage, plan.location()) {
        (Stage::Preschool, _) => 0.0,
        (Stage::Primary, Location::Rural) => {
            if grade >= 4 {
                0.28
            } else {
                0.06
            }
        }
        (Stage::Primary, Location::Town) => {
            if grade >= 4 {
                0.08
            } else {
                0.0
            }
        }
        (Stage::Primary, Location::Urban) => {
            if private {
                0.15
            } else {
                0.0
            }
        }
        (Stage::Junior, Location::Rural) => 0.7,
        (Stage::Junior, Location::Town) => 0.4,
        (Stage::Junior, Location::Urban) => {
            if private {
                0.35
            } else {
                0.04
            }
        }
        (_, Location::Urban) => {
            if private {
                0.9
            } else {
                0.55
            }
        }
        (_, _) => 0.95,
    }
}

/// What one school year's rows are built from.
pub(crate) struct YearContext<'a> {
    pub places: &'a Places,
    pub plans: &'a [SchoolPlan],
    pub cohorts: &'a Cohorts,
    pub names: &'a Names,
    pub class_names: &'a ClassNames,
    pub seed: u64,
}

/// Every class and student of a school year, with class sizes equal to the
/// number of students placed in each class.
pub(crate) fn classes_and_students(
    context: &YearContext<'_>,
    year: u16,
    classes: &mut Vec<Class>,
    students: &mut Vec<(Student, Enrolment)>,
) {
    let school_year = SchoolYear(year);
    for (index, plan) in context.plans.iter().enumerate() {
        for stage in plan.kind.stages() {
            let Some(roster) = context.cohorts.roster(index, *stage, year) else {
                continue;
            };
            for grade in grades(*stage) {
                let cohort = i32::from(year) - i32::from(grade) + 1;
                let members = roster.cohort(cohort);
                let k = class_count(plan, *stage, grade, year, members.len());
                if k == 0 {
                    continue;
                }
                for (j, size) in class_sizes(members.len(), k).enumerate() {
                    classes.push(Class {
                        school_year,
                        school: plan.record.code.clone(),
                        stage: *stage,
                        grade: Grade(grade),
                        name: context.class_names.get(j),
                        size: size as u32,
                    });
                }
                let boarding = boarding_rate(plan, *stage, grade);
                let myopia = myopia_rate_in(grade, year, plan.location());
                for (i, person_index) in members.iter().enumerate() {
                    let Some(person) = context.cohorts.persons.get(*person_index as usize) else {
                        continue;
                    };
                    let student = student_row(context, person);
                    let (visual_acuity, myopic) =
                        screening(context.seed, *person_index, year, person, myopia);
                    students.push((
                        student,
                        Enrolment {
                            school_year,
                            school: plan.record.code.clone(),
                            stage: *stage,
                            grade: Grade(grade),
                            class_name: Some(context.class_names.get(i % k)),
                            migrant_child: person.migrant,
                            boarder: f64::from(person.boarding) < boarding * 256.0,
                            visual_acuity,
                            myopic,
                        },
                    ));
                }
            }
        }
    }
}

fn student_row(context: &YearContext<'_>, person: &Person) -> Student {
    let areas = &context.places.areas;
    let id_area = areas
        .get(usize::from(person.id_area))
        .unwrap_or(&context.places.fallback)
        .as_str();
    let sex = if person.male { Sex::Male } else { Sex::Female };
    Student {
        id_number: IdNumber::compose(id_area, person.birth, person.seq, sex),
        name: context
            .names
            .full(person.surname, person.given, person.male, Generation::Child),
        sex,
        birth_date: person.birth,
        household_area: areas
            .get(usize::from(person.household))
            .unwrap_or(&context.places.fallback)
            .clone(),
    }
}

/// This year's screening: about 4 % are not screened; a child is myopic
/// when its latent propensity is below the year's rate, so once myopic it
/// stays so as the rate rises with grade. Acuity worsens the further below.
fn screening(
    seed: u64,
    person_index: u32,
    year: u16,
    person: &Person,
    rate: f64,
) -> (Option<f32>, Option<bool>) {
    let h = hash(
        seed,
        &[stream::SCREENING, u64::from(person_index), u64::from(year)],
    );
    if unit(h) < 0.04 {
        return (None, None);
    }
    let latent = f64::from(person.myopia) / 65_536.0;
    if latent < rate {
        let depth = 1.0 - latent / rate.max(1e-9);
        let tenths = 49 - (depth * 8.5).floor() as i32; // 4.9 down to 4.1
        (Some(tenths.clamp(40, 49) as f32 / 10.0), Some(true))
    } else {
        let tenths = 50 + (h >> 60) as i32 % 4; // 5.0 to 5.3
        (Some(tenths as f32 / 10.0), Some(false))
    }
}

/// Counts for a summary without building rows: classes, large and oversize classes.
pub(crate) fn class_counts(
    plan: &SchoolPlan,
    stage: Stage,
    grade: i8,
    year: u16,
    n: usize,
) -> (usize, usize, usize) {
    let k = class_count(plan, stage, grade, year, n);
    let (mut large, mut oversize) = (0, 0);
    for size in class_sizes(n, k) {
        large += usize::from(size >= 56);
        oversize += usize::from(size >= 66);
    }
    (k, large, oversize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_sizes_add_up_and_differ_by_at_most_one() {
        for (n, k) in [(1, 1), (45, 1), (46, 2), (301, 6), (7, 3)] {
            let sizes: Vec<usize> = class_sizes(n, k).collect();
            assert_eq!(sizes.iter().sum::<usize>(), n);
            assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
        }
    }

    #[test]
    fn myopia_rises_through_the_grades_and_falls_over_the_years() {
        for grade in -1..=12 {
            assert!(myopia_rate(grade) > myopia_rate(grade - 1), "{grade}");
        }
        // The national series: down in 2019, up in 2020, down again after.
        let rate = |year| myopia_rate_in(6, year, Location::Urban);
        assert!(rate(2019) < rate(2018) && rate(2020) > rate(2019));
        assert!(rate(2024) < rate(2022) && rate(2022) < rate(2020));
    }
}
