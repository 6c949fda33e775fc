//! The forecast engine's tests: the worked oracles F1–F6 of
//! `../shared/design/algorithms.md` part B (each with its derivation), the
//! conservation of a closed population, scenario files refused with clear
//! errors, and the backtest on the demo city.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;
mod conservation;
mod demo_backtest;
mod extremes;
mod oracles;
mod scenario_files;
