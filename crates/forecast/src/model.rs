//! The shapes every module shares: ages, grades, sectors, the forecast of one
//! area and stage, and the errors.

use registry::{AreaCode, Ownership, Stage};
use serde::{Deserialize, Serialize};

/// Single years of age 0–18 (age on 31 August, rules.md).
pub const AGES: usize = 19;
/// Children by single year of age 0–18.
pub type ByAge = [f64; AGES];

/// Grades −2 (小班) … 12 (高三), indexed 0–14 by [`grade_index`].
pub const GRADES: usize = 15;
/// Students by grade −2 … 12.
pub type ByGrade = [f64; GRADES];

/// Index of a grade (−2 … 12) in a [`ByGrade`].
pub fn grade_index(grade: i8) -> usize {
    (grade + 2).clamp(0, GRADES as i8 - 1) as usize
}

/// The stages the forecast covers, in order. 中职 is not forecast from the
/// registry (it holds no vocational schools yet); 普高 entry uses the
/// transition ratio (B3).
pub const FORECAST_STAGES: [Stage; 4] = [Stage::Preschool, Stage::Primary, Stage::Junior, Stage::Senior];

/// Index of a forecast stage in per-stage arrays (`[_; 4]`).
pub fn stage_index(stage: Stage) -> Option<usize> {
    FORECAST_STAGES.iter().position(|s| *s == stage)
}

/// Public (公办) and private (民办) apart: index 0 and 1 of `[_; 2]`.
pub const SECTORS: [Ownership; 2] = [Ownership::Public, Ownership::Private];

/// Index of a sector in `[_; 2]` arrays.
pub fn sector_index(sector: Ownership) -> usize {
    match sector {
        Ownership::Public => 0,
        Ownership::Private => 1,
    }
}

/// One area's forecast (the city or a county) under one scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaForecast {
    pub code: AreaCode,
    pub name: String,
    /// Children by age, observed years then projected ones.
    pub population: Vec<PopulationYear>,
    /// One entry per [`FORECAST_STAGES`] stage, in that order.
    pub stages: Vec<StageForecast>,
}

/// The population by age in one school year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationYear {
    pub year: i32,
    pub observed: bool,
    pub by_age: ByAge,
}

/// One stage of one area over the years: demand against capacity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageForecast {
    pub stage: Stage,
    /// Standard class size used for classes needed (rules.md: 45 primary,
    /// 50 junior and senior; kindergarten from the scenario).
    pub class_size: u32,
    pub years: Vec<StageYear>,
    /// 入学高峰: the year of highest demand (earliest on ties) over the
    /// observed and projected years, and that demand.
    pub peak: Peak,
    /// The peak is an observed year: demand is below it in every projected
    /// year (高峰已过).
    #[serde(default)]
    pub peak_passed: bool,
    /// The year with the largest shortage (positive gap), if any.
    pub worst_gap: Option<YearGap>,
    /// The year with the largest surplus (negative gap), if any.
    pub largest_surplus: Option<YearGap>,
}

/// One year of one stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageYear {
    pub year: i32,
    /// True for a year read from the registry, false for a projected one.
    pub observed: bool,
    /// Students, public and private (`[public, private]`).
    pub demand: [f64; 2],
    /// Seats in schools in use that year (public and private together),
    /// pipeline included and closures taken off.
    pub capacity: f64,
    /// Seats the pipeline added since the base year (included in `capacity`).
    pub pipeline_seats: f64,
    /// Seats closed since the base year (taken off `capacity`).
    pub closed_seats: f64,
    /// Demand minus capacity: positive is a shortage (学位缺口), negative a
    /// surplus.
    pub gap: f64,
    /// ⌈demand ÷ standard class size⌉.
    pub classes_needed: u32,
    /// ⌊capacity ÷ standard class size⌋ (the classes the seats hold).
    pub classes_available: u32,
    /// The registry's classes that year (observed years only).
    #[serde(default)]
    pub classes_in_use: Option<u32>,
    /// Demand ÷ classes available, every year alike: ≥ 56 flags 大班额
    /// risk (B4).
    pub mean_class_size: f64,
}

impl StageYear {
    pub fn total(&self) -> f64 {
        self.demand[0] + self.demand[1]
    }
}

/// 入学高峰.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Peak {
    pub year: i32,
    pub demand: f64,
}

/// A year and its gap.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct YearGap {
    pub year: i32,
    pub gap: f64,
}

/// One scenario's forecast for the city and every county.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    pub scenario: crate::Scenario,
    /// The last observed school year the projection starts from.
    pub base_year: i32,
    pub until: i32,
    /// The city first, then its counties in code order.
    pub areas: Vec<AreaForecast>,
    /// The assumptions as a planner reads them (label, value), in Chinese,
    /// shown beside the numbers.
    pub assumptions: Vec<(String, String)>,
}

impl Forecast {
    pub fn area(&self, code: &AreaCode) -> Option<&AreaForecast> {
        self.areas.iter().find(|a| &a.code == code)
    }
}

/// Errors of the engine (the scenario's own are [`crate::ScenarioError`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForecastError {
    #[error("登记数据不足：预测至少需要 {needed} 个学年的在校生和人口数据，现有 {found} 个")]
    TooLittleHistory { needed: usize, found: usize },
    #[error("预测截止学年 {until} 早于基年 {base}")]
    UntilBeforeBase { until: i32, base: i32 },
    #[error("没有区县 {0} 的登记数据")]
    UnknownCounty(String),
    #[error(transparent)]
    Scenario(#[from] crate::ScenarioError),
}
