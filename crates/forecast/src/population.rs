//! The cohort-component projection by single year of age (B1, B2).
//!
//! Filled by the engine change: `step` (one year, end-of-period or
//! half/half migration), `entry_cohort` (births → age 0 on 31 August,
//! `(4/12)·B(Y−1) + (8/12)·B(Y)`), net migration residuals from the
//! register's history, the life-table default.
