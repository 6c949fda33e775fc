//! What the registry observed, per county and school year — the only input
//! of the engine besides the scenario. The store aggregates it in SQL
//! (`store::ForecastStore::forecast_history`); [`History::from_snapshots`]
//! builds the same from year snapshots (tests, demo) and the contract tests
//! hold the two equal.

use std::collections::BTreeMap;

use registry::snapshot::{AreaRef, YearSnapshot};
use registry::{AreaCode, Births, Stage};
use serde::{Deserialize, Serialize};

use crate::model::{ByAge, ByGrade};

/// Observed history of a city: its counties and the construction pipeline.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct History {
    pub city: Option<AreaCode>,
    pub city_name: String,
    /// Counties in code order.
    pub counties: Vec<CountyHistory>,
    /// Construction projects whose seats are not yet counted in the last
    /// observed year's capacity.
    pub pipeline: Vec<PipelineProject>,
}

/// One county's observed years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountyHistory {
    pub code: AreaCode,
    pub name: String,
    /// Births by calendar year (registry `births`).
    pub births: BTreeMap<i32, f64>,
    /// The population register: children by age on 31 August of the school
    /// year's first calendar year (age 18 is 0 where the register stops at 17).
    pub population: BTreeMap<i32, ByAge>,
    /// Students by grade per school year, `[public, private]`.
    pub enrolment: BTreeMap<i32, [ByGrade; 2]>,
    /// Seats per forecast stage (`FORECAST_STAGES` order) per school year,
    /// `[public, private]`.
    pub seats: BTreeMap<i32, [[f64; 2]; 4]>,
    /// Classes per forecast stage per school year.
    pub classes: BTreeMap<i32, [f64; 4]>,
}

/// A construction project whose seats join a county's capacity from a
/// school year on (its `in_use` date, else its planned completion: seats in
/// use by 1 September count that school year, later ones the next).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineProject {
    pub code: String,
    pub name: String,
    pub county: AreaCode,
    pub stage: Stage,
    pub seats: u32,
    /// The first school year the seats are in use.
    pub from_year: i32,
    /// True once the project is in use (its seats are in the registry's
    /// capacity from `from_year` on and must not be added twice).
    pub in_use: bool,
}

impl History {
    /// School years observed in every county's enrolment, ascending.
    pub fn years(&self) -> Vec<i32> {
        let mut counties = self.counties.iter();
        let Some(first) = counties.next() else {
            return Vec::new();
        };
        let mut years: Vec<i32> = first.enrolment.keys().copied().collect();
        for county in counties {
            years.retain(|y| county.enrolment.contains_key(y));
        }
        years
    }

    /// The first and last observed school year.
    pub fn span(&self) -> Option<(i32, i32)> {
        let years = self.years();
        Some((*years.first()?, *years.last()?))
    }

    /// The history as it was known at the end of `base_year`: later school
    /// years and births after `base_year` dropped (the backtest's input).
    pub fn truncated(&self, base_year: i32) -> History {
        let counties = self
            .counties
            .iter()
            .map(|c| CountyHistory {
                code: c.code.clone(),
                name: c.name.clone(),
                births: c.births.range(..=base_year).map(|(y, b)| (*y, *b)).collect(),
                population: c.population.range(..=base_year).map(|(y, p)| (*y, *p)).collect(),
                enrolment: c.enrolment.range(..=base_year).map(|(y, e)| (*y, *e)).collect(),
                seats: c.seats.range(..=base_year).map(|(y, s)| (*y, *s)).collect(),
                classes: c.classes.range(..=base_year).map(|(y, s)| (*y, *s)).collect(),
            })
            .collect();
        // A project in use after the base year was still in the pipeline then.
        let pipeline = self
            .pipeline
            .iter()
            .map(|p| PipelineProject {
                in_use: p.in_use && p.from_year <= base_year,
                ..p.clone()
            })
            .collect();
        History {
            city: self.city.clone(),
            city_name: self.city_name.clone(),
            counties,
            pipeline,
        }
    }

    /// Builds the history from year snapshots (any order), the births table
    /// and the construction projects as of `as_of`.
    pub fn from_snapshots(
        city: Option<AreaCode>,
        city_name: &str,
        counties: &[AreaRef],
        snapshots: &[YearSnapshot],
        births: &[Births],
        projects: &[plans::Project],
        as_of: chrono::NaiveDate,
    ) -> History {
        let _ = (city, city_name, counties, snapshots, births, projects, as_of);
        unimplemented!("forecast engine")
    }
}

impl PipelineProject {
    /// The pipeline entry of a project, or `None` for one without seats or
    /// without any date to put it in use.
    pub fn from_project(project: &plans::Project, as_of: chrono::NaiveDate) -> Option<PipelineProject> {
        let _ = (project, as_of);
        unimplemented!("forecast engine")
    }
}
