//! One call from history and scenarios to forecasts, and the record of a
//! run the store keeps (inputs, scenarios and results together, so next
//! year's accuracy is computed from it, not estimated).

use registry::AreaCode;
use serde::{Deserialize, Serialize};

use crate::{Backtest, Forecast, ForecastError, History, Scenario};

/// Projects from the last observed year of `history` to `scenario.until`.
pub fn project(history: &History, scenario: &Scenario) -> Result<Forecast, ForecastError> {
    let _ = (history, scenario);
    unimplemented!("forecast engine")
}

/// Projects from `base_year` using only what was known then
/// (`history.truncated(base_year)`), to `until`.
pub fn project_from(
    history: &History,
    base_year: i32,
    until: i32,
    scenario: &Scenario,
) -> Result<Forecast, ForecastError> {
    let _ = (history, base_year, until, scenario);
    unimplemented!("forecast engine")
}

/// A stored forecast run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// What the planner called it (2026年学位预测 …).
    pub label: String,
    /// When it was made (the caller's clock) and by whom (user name).
    pub made_at: chrono::NaiveDateTime,
    pub made_by: String,
    /// The inputs exactly as used.
    pub history: History,
    pub scenarios: Vec<Scenario>,
    /// One forecast per scenario, same order.
    pub forecasts: Vec<Forecast>,
    /// The backtest of the first scenario's method on this history.
    pub backtest: Option<Backtest>,
}

impl Run {
    /// Runs every scenario and the backtest.
    pub fn make(
        label: &str,
        made_at: chrono::NaiveDateTime,
        made_by: &str,
        history: History,
        scenarios: Vec<Scenario>,
    ) -> Result<Run, ForecastError> {
        let _ = (label, made_at, made_by, history, scenarios);
        unimplemented!("forecast engine")
    }

    /// The run cut to one county (what a county officer may see): the
    /// county's history and forecasts only, the city aggregate dropped.
    pub fn for_county(&self, county: &AreaCode) -> Run {
        let _ = county;
        unimplemented!("forecast engine")
    }
}
