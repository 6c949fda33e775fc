//! The assumptions of one forecast, as a planner writes them in a TOML file
//! (`docs/forecast.md` shows every field). Parsing checks every value and
//! names the field in Chinese: a scenario with negative births, a missing
//! year or an unknown county is refused whole.

use std::collections::BTreeMap;

use registry::{AreaCode, Stage};
use serde::{Deserialize, Serialize};

/// One scenario: a name and every assumption, defaults filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Shown beside the numbers (基准方案, 出生每年 −5% …).
    pub name: String,
    /// The last school year projected (default 2035).
    pub until: i32,
    pub births: BirthAssumption,
    pub migration: MigrationAssumption,
    /// Where net migrants enter the cohort step (B1).
    pub timing: MigrationTiming,
    /// Survival by age: `survival[a]` = probability of living from age a to
    /// a + 1; `first_year` = s_b, births to age 0 on 31 August.
    pub survival: Survival,
    /// How grade progression ratios and entry rates are averaged over the
    /// history (B3).
    pub averaging: Averaging,
    /// History years averaged (the last n transitions); at least 1.
    pub averaging_years: u32,
    /// 普高 entrants over last year's grade 9; `None` = from the history.
    pub senior_transition: Option<f64>,
    /// Standard class sizes per forecast stage (rules.md: kindergarten 30,
    /// primary 45, junior 50, senior 50).
    pub class_size: [u32; 4],
    /// Seats taken away from a school year on.
    pub closures: Vec<Closure>,
    /// Projects to add to the registry's pipeline (a planned school not yet
    /// entered as a construction project).
    pub extra_projects: Vec<crate::PipelineProject>,
}

/// Future births.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BirthAssumption {
    /// Each county's last observed births every year.
    Constant,
    /// The last observed births changing by `rate` a year (−0.05 = −5 %/yr).
    Trend { rate: f64 },
    /// Given births per year: the city's (split by each county's last
    /// observed share) or a county's own; every year to `until − 1` given.
    Series {
        city: BTreeMap<i32, f64>,
        counties: BTreeMap<AreaCode, BTreeMap<i32, f64>>,
    },
}

/// Future net migration by age.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MigrationAssumption {
    /// The residual of the register's history, averaged over the last
    /// `years` transitions, times `factor` (1 = as observed; 1.5 = high, 0.5 = low).
    History { years: u32, factor: f64 },
    /// No migration (a closed population).
    None,
}

/// End of period (M added after survival) or half/half (Preston, UN CCMPP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationTiming {
    EndOfPeriod,
    HalfHalf,
}

/// Survival rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Survival {
    /// s_b: births surviving to age 0 on 31 August.
    pub first_year: f64,
    /// s_a for a = 0 … 17 (age a → a + 1).
    pub by_age: Vec<f64>,
    /// Where the rates come from (shown with the assumptions).
    pub source: String,
}

/// How ratios are averaged over the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Averaging {
    /// Plain mean of the last n ratios.
    Mean,
    /// Weighted, later years heavier (weights 1, 2, …, n).
    Weighted,
    /// The last ratio only.
    Last,
}

/// Seats leaving capacity from a school year on (a kindergarten closing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Closure {
    pub county: AreaCode,
    pub stage: Stage,
    pub seats: u32,
    pub from_year: i32,
    pub note: String,
}

/// A scenario file refused, naming the field (and line where TOML knows it).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    #[error("方案文件 {file}：{message}")]
    Invalid { file: String, message: String },
}

impl Scenario {
    /// The baseline: constant births, migration as observed over the last
    /// three years, the life-table default, mean of the last three ratios,
    /// until 2035.
    pub fn baseline() -> Scenario {
        unimplemented!("forecast engine")
    }

    /// The five standard scenarios compared side by side (issue 15 point 5):
    /// births −5 %/yr, constant, +2 %/yr; migration high (×1.5) and low (×0.5).
    pub fn standard_set() -> Vec<Scenario> {
        unimplemented!("forecast engine")
    }

    /// Parses a scenario file; `counties` are the codes the history knows
    /// (an unknown county is an error), `base_year` the last observed year
    /// (a series must cover every year after it up to `until`).
    pub fn parse_toml(
        file: &str,
        text: &str,
        counties: &[AreaCode],
        base_year: i32,
    ) -> Result<Scenario, ScenarioError> {
        let _ = (file, text, counties, base_year);
        unimplemented!("forecast engine")
    }

    /// The assumptions in Chinese, as (label, value) rows.
    pub fn describe_zh(&self) -> Vec<(String, String)> {
        unimplemented!("forecast engine")
    }
}
