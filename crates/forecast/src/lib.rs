//! The school-place forecast (学龄人口预测, 招生预测, 学位缺口, 入学高峰预警):
//! pure Rust, no I/O, no clock. The web, the CLI and the store sit around it.
//!
//! The pipeline, one module each (`../shared/design/algorithms.md` part B):
//! - [`history`] — what the registry observed, per county and school year:
//!   births, the population register by single year of age, enrolment by
//!   grade (public and private apart), seats and classes per stage, and the
//!   construction pipeline. Built from year snapshots by
//!   [`History::from_snapshots`] or aggregated by the store.
//! - [`scenario`] — the assumptions of one run (births, migration, survival,
//!   averaging, transition, closures), parsed from a TOML file with errors
//!   that name the field.
//! - [`population`] — the cohort-component projection by county and single
//!   year of age 0–18 (B1, B2: the 31 August cut-off).
//! - [`enrolment`] — entry rates, grade progression ratios, stage
//!   transitions (B3).
//! - [`seats`] — capacity with the pipeline and closures, gap or surplus,
//!   peak, classes needed (B4).
//! - [`backtest`] — forecasts from every earlier base year against what
//!   followed, with two naive baselines; signed bias and MAPE (B4, F6).
//! - [`run`] — one call: history + scenarios → [`Forecast`]s, and the
//!   [`Run`] record the store keeps.

pub mod backtest;
pub mod enrolment;
pub mod history;
pub mod model;
pub mod population;
pub mod run;
pub mod scenario;
pub mod seats;

pub use backtest::{Accuracy, Backtest, Method};
pub use history::{CountyHistory, History, PipelineProject};
pub use model::*;
pub use run::{project, project_from, Run};
pub use scenario::{Scenario, ScenarioError};
