//! Accuracy: forecasts from every earlier base year compared with what
//! followed, per stage, area and sector, for lead times 1–5, beside two
//! naive baselines (B4; metric as the DfE scorecards: (F − A) ÷ A × 100,
//! positive = over-forecast; MAPE as F6).

use registry::{AreaCode, Ownership, Stage};
use serde::{Deserialize, Serialize};

use crate::{Forecast, ForecastError, History, Scenario};

/// Which forecast is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The cohort-component method with migration (the engine).
    Cohort,
    /// Naive: the base year's enrolment carried forward.
    CarryForward,
    /// Naive: plain grade progression without migration (ratios of 1,
    /// entry from births at the base year's entry rates).
    GradeProgression,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::Cohort, Method::CarryForward, Method::GradeProgression];
    pub fn label_zh(self) -> &'static str {
        match self {
            Method::Cohort => "队列要素法",
            Method::CarryForward => "沿用上年",
            Method::GradeProgression => "简单升级（不计迁移）",
        }
    }
}

/// One accuracy cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accuracy {
    /// The city or a county.
    pub area: AreaCode,
    pub stage: Stage,
    /// `None` = public and private together.
    pub sector: Option<Ownership>,
    pub method: Method,
    /// Years between base year and the forecast year (1–5).
    pub lead: u32,
    /// Forecast/actual pairs averaged.
    pub pairs: u32,
    /// Mean of (F − A) ÷ A × 100.
    pub bias_pct: f64,
    /// Mean of |F − A| ÷ A × 100.
    pub mape_pct: f64,
}

/// A whole backtest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// Base years forecast from.
    pub base_years: Vec<i32>,
    pub rows: Vec<Accuracy>,
    /// Where the cohort method does not beat a baseline (area, stage, lead),
    /// in Chinese, for the report.
    pub shortfalls: Vec<String>,
}

/// Mean absolute percentage error of forecasts against actuals, in per cent
/// (F6). Pairs with a zero actual are skipped; `None` when none remain.
pub fn mape(forecast: &[f64], actual: &[f64]) -> Option<f64> {
    let _ = (forecast, actual);
    unimplemented!("forecast engine")
}

/// Mean signed percentage error (F − A) ÷ A × 100 (positive = over-forecast).
pub fn bias(forecast: &[f64], actual: &[f64]) -> Option<f64> {
    let _ = (forecast, actual);
    unimplemented!("forecast engine")
}

/// Backtests `scenario`'s method on `history` from every base year with at
/// least two years before it.
pub fn backtest(history: &History, scenario: &Scenario) -> Result<Backtest, ForecastError> {
    let _ = (history, scenario);
    unimplemented!("forecast engine")
}

/// The accuracy of a stored forecast against the history observed since.
pub fn accuracy_of(forecast: &Forecast, actual: &History) -> Vec<Accuracy> {
    let _ = (forecast, actual);
    unimplemented!("forecast engine")
}
