//! The admission engine's tests: the worked oracles O1–O8 of
//! `../shared/design/algorithms.md` part A, the properties of A3 on seeded
//! random instances (brute force where needed), policy files, the input
//! check, and hostile sizes.
#![allow(clippy::expect_used, clippy::unwrap_used)]

/// The input check and the sign-off lists; bounded reports.
mod checks;
/// Builders for small instances and the seeded random generator.
mod common;
/// O1–O8, each with the figures the design note recomputed.
mod oracles;
/// Policy files: defaults, round trips, errors naming the field, the doc's example.
mod policy_files;
/// A3's properties on random instances (n ≤ 30, m ≤ 6).
mod properties;
