//! `demo`: a deterministic synthetic 济南市 (city code 3701) for trying
//! edugov without real data. Pure: no I/O, no clock, no database.
//!
//! [`DemoCity::generate`] builds the city's structure once — its real
//! counties and townships, schools (some opening from construction
//! projects, kindergartens closing as births fall), every child of every
//! cohort at school in the configured years and what happens to it from
//! year to year (arrivals, departures, deaths, moves, transfers, repeating,
//! leaving early: `moves.rs`), and the teachers' careers — from the seed.
//! [`DemoCity::school_year`] then turns one school year into a
//! [`registry::ChangeSet`]; it only reads the city, so years can be made in
//! any order, on any thread, while another year is written.
//!
//! Every figure is synthetic, **not official statistics**; the assumptions
//! are listed in `docs/demo-city.md`.
//!
//! ```ignore
//! let city = demo::DemoCity::generate(&demo::DemoConfig::default())?;
//! for year in city.school_years() {
//!     let changes = city.school_year(year);
//!     store.apply(&changes, …)?;
//! }
//! ```

mod admission;
mod classes;
mod cohorts;
mod facilities;
mod moves;
mod names;
mod places;
pub mod plan;
mod population;
mod rng;
mod school_names;
mod schools;
mod summary;
mod teachers;

#[cfg(test)]
mod tests;

use registry::{ChangeSet, SchoolYear};

pub use crate::admission::{
    FIELDS as ADMISSION_FIELDS, OPEN_LIST_MAX, QUOTA_LIST_MAX, TOTAL_MAX as ADMISSION_TOTAL_MAX,
};
pub use moves::MoveCounts;
pub use summary::{StageSummary, Summary, YearSummary};

/// What to generate. `Default` is the full city, seed 42, school years 2019–2024.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoConfig {
    /// Size relative to the real city: multiplies children, schools and
    /// teachers (1.0 ≈ 1.3 million students). Must be in (0, 10].
    pub scale: f64,
    /// The same seed gives the same city.
    pub seed: u64,
    pub first_year: SchoolYear,
    pub last_year: SchoolYear,
    /// City division code; only "3701" (济南市) has a profile.
    pub city: String,
}

impl Default for DemoConfig {
    fn default() -> DemoConfig {
        DemoConfig {
            scale: 1.0,
            seed: 42,
            first_year: SchoolYear(2019),
            last_year: SchoolYear(2024),
            city: "3701".into(),
        }
    }
}

/// Earliest and latest school years the birth series supports: children
/// born after the last series year would have identity numbers dated in
/// the future.
pub const EARLIEST_YEAR: u16 = 2005;
pub const LATEST_YEAR: u16 = 2026;

/// A configuration the generator cannot honour.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DemoError {
    #[error("规模 {0} 无效：应大于 0 且不超过 10")]
    Scale(f64),
    #[error("演示城市只支持济南市（3701），不支持“{0}”")]
    UnknownCity(String),
    #[error(
        "学年范围 {first}—{last} 无效：起始学年不能晚于结束学年，且须在 {EARLIEST_YEAR}—{LATEST_YEAR} 之间"
    )]
    Years { first: u16, last: u16 },
    #[error("区县 {0} 的学校超过 8000 所，学校标识码不够用")]
    TooManySchools(String),
    #[error("身份证号顺序码不够用（规模过大）")]
    IdentityNumbersExhausted,
}

impl DemoConfig {
    /// Checks the configuration without generating anything.
    pub fn validate(&self) -> Result<(), DemoError> {
        if !(self.scale > 0.0 && self.scale <= 10.0) {
            return Err(DemoError::Scale(self.scale));
        }
        let (first, last) = (self.first_year.0, self.last_year.0);
        if first > last || first < EARLIEST_YEAR || last > LATEST_YEAR {
            return Err(DemoError::Years { first, last });
        }
        if self.city != "3701" {
            return Err(DemoError::UnknownCity(self.city.clone()));
        }
        Ok(())
    }
}

/// The generated city: immutable once built, so `school_year` can run on
/// several threads at once.
#[derive(Debug)]
pub struct DemoCity {
    config: DemoConfig,
    places: places::Places,
    names: names::Names,
    plans: Vec<schools::SchoolPlan>,
    cohorts: cohorts::Cohorts,
    staff: teachers::Staff,
    class_names: classes::ClassNames,
}

impl DemoCity {
    /// Builds the city: places, schools, children, seats and teachers.
    pub fn generate(config: &DemoConfig) -> Result<DemoCity, DemoError> {
        config.validate()?;
        let (first, last, seed, scale) = (config.first_year.0, config.last_year.0, config.seed, config.scale);
        let places = places::Places::load(&config.city, seed)?;
        let names = names::Names::build(seed);
        let mut plans = schools::plan_schools(&places, config)?;
        let mut cohorts = cohorts::build(&places, &plans, &names, first, last, scale, seed);
        schools::assign_seats(&mut plans, seed, |school, stage| {
            (first..=last)
                .map(|year| cohorts.enrolled(school, stage, year))
                .max()
                .unwrap_or(0) as u32
        });
        let mut staff = teachers::simulate(&places, &plans, &cohorts, &names, first, last, seed);
        let mut sequences = cohorts::Sequences::default();
        cohorts::number_persons(&mut cohorts.persons, &mut sequences)?;
        teachers::number_teachers(&mut staff.people, &mut sequences)?;
        Ok(DemoCity {
            config: config.clone(),
            places,
            names,
            plans,
            cohorts,
            staff,
            class_names: classes::ClassNames::new(),
        })
    }

    pub fn config(&self) -> &DemoConfig {
        &self.config
    }

    /// "济南市".
    pub fn city_name(&self) -> &str {
        &self.places.city_name
    }

    /// The generated school years, first to last.
    pub fn school_years(&self) -> Vec<SchoolYear> {
        (self.config.first_year.0..=self.config.last_year.0)
            .map(SchoolYear)
            .collect()
    }

    /// Everything of one school year: every year's set carries the schools
    /// (they are upserted by code, so each set stands on its own), that
    /// year's facilities, classes, students with enrolments, teachers with
    /// posts and population; the first year's set also carries the births
    /// of every county and calendar year. A year outside the generated
    /// range gives an empty set.
    pub fn school_year(&self, year: SchoolYear) -> ChangeSet {
        let (first, last) = (self.config.first_year.0, self.config.last_year.0);
        if !(first..=last).contains(&year.0) {
            return ChangeSet::default();
        }
        let context = classes::YearContext {
            places: &self.places,
            plans: &self.plans,
            cohorts: &self.cohorts,
            names: &self.names,
            class_names: &self.class_names,
            seed: self.config.seed,
        };
        let expected = self.plans.iter().enumerate().fold(0usize, |acc, (i, p)| {
            acc + p
                .kind
                .stages()
                .iter()
                .map(|s| self.cohorts.enrolled(i, *s, year.0))
                .sum::<usize>()
        });
        let mut changes = ChangeSet {
            schools: self.plans.iter().map(|p| p.record.clone()).collect(),
            facilities: facilities::facility_rows(&self.plans, &self.cohorts, first, year.0),
            classes: Vec::with_capacity(expected / 30 + 16),
            students: Vec::with_capacity(expected),
            teachers: teachers::teacher_rows(
                &self.staff,
                &self.places,
                &self.plans,
                &self.names,
                first,
                year.0,
            ),
            population: population::population_records(
                &self.places,
                &self.cohorts.townships,
                year.0,
                self.config.scale,
            ),
            births: Vec::new(),
        };
        classes::classes_and_students(&context, year.0, &mut changes.classes, &mut changes.students);
        if year.0 == first {
            changes.births = population::births_records(&self.places, first, last, self.config.scale);
        }
        changes
    }

    /// The records of the schools opened from construction projects in the
    /// generated years, with their seats. Putting a project into use adds
    /// its seats to its school, and these schools' seats are already all
    /// their projects': `edugov demo` writes these records again after the
    /// work plan, so each seat counts once whether the projects were just
    /// put into use or kept from an earlier run.
    pub fn opened_schools(&self) -> Vec<registry::School> {
        self.plans
            .iter()
            .filter(|p| self.opened_in_generated_years(p))
            .map(|p| p.record.clone())
            .collect()
    }

    /// How many children arrived, left, died, moved, repeated, left school
    /// early or were never enrolled in the generated years after the first.
    pub fn moves(&self) -> &MoveCounts {
        &self.cohorts.moves
    }

    /// Counts by school year and stage (schools, classes, 大班额, students,
    /// teachers), without building any rows.
    pub fn summary(&self) -> Summary {
        summary::summarise(self)
    }
}

#[cfg(test)]
mod api_tests {
    use super::*;

    #[test]
    fn bad_configurations_are_refused_with_a_reason() {
        let bad = [
            DemoConfig {
                scale: 0.0,
                ..DemoConfig::default()
            },
            DemoConfig {
                scale: -1.0,
                ..DemoConfig::default()
            },
            DemoConfig {
                scale: 10.5,
                ..DemoConfig::default()
            },
            DemoConfig {
                scale: f64::NAN,
                ..DemoConfig::default()
            },
            DemoConfig {
                city: "3702".into(),
                ..DemoConfig::default()
            },
            DemoConfig {
                city: "".into(),
                ..DemoConfig::default()
            },
            DemoConfig {
                first_year: SchoolYear(2024),
                last_year: SchoolYear(2019),
                ..DemoConfig::default()
            },
            DemoConfig {
                first_year: SchoolYear(1990),
                ..DemoConfig::default()
            },
            DemoConfig {
                last_year: SchoolYear(2040),
                ..DemoConfig::default()
            },
        ];
        for config in bad {
            let err = DemoCity::generate(&config).unwrap_err();
            assert!(!err.to_string().is_empty());
        }
    }

    #[test]
    fn the_default_is_full_scale_jinan_2019_to_2024() {
        let config = DemoConfig::default();
        assert_eq!(config.scale, 1.0);
        assert_eq!(config.seed, 42);
        assert_eq!(
            (config.first_year, config.last_year),
            (SchoolYear(2019), SchoolYear(2024))
        );
        assert_eq!(config.city, "3701");
    }

    #[test]
    fn the_city_can_be_shared_between_threads() {
        fn is_sync<T: Sync + Send>() {}
        is_sync::<DemoCity>();
    }
}
