//! The store's contract suite: every behaviour of the domain traits, run on
//! both backends through the public API only (`store::open`, the traits).
//!
//! Each case is written once with [`contract!`] and becomes two tests,
//! `<case>::sqlite` (a database file in a temporary folder) and
//! `<case>::postgres` (a fresh database on the cluster named by
//! `EDUGOV_TEST_PG`, cloned from a template migrated once per run and
//! dropped when the test ends, passed or failed). Without `EDUGOV_TEST_PG`
//! the PostgreSQL tests print one line and pass — unless `CI=true`, where
//! they fail, so CI can never skip them silently. Filter with
//! `cargo test -p store --test contract postgres` (or `sqlite`).
//!
//! Tests run in parallel threads, each on its own database; a test holds
//! at most a handful of connections, so `--test-threads` bounds them far
//! below a cluster's `max_connections`.

// Helpers outside `#[test]` functions panic on purpose: a failed fixture is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// Databases per test on each backend, and the `contract!` macro.
#[macro_use]
mod harness;
/// Fixtures: a 历下区 school with one class of two, change-set helpers.
mod support;

/// Accounts, sessions, login throttling and the audit log.
mod accounts;
/// Admission inputs versions, sign-offs and runs: whole, immutable,
/// audited, bounded, copied with their ids.
mod admission;
/// Two writers at once, and a writer killed (`kill -9`) mid-write.
mod concurrency;
/// A registry written through one backend and read through the other gives
/// the same indicator catalogue.
mod cross_backend;
/// The forecast's history aggregated in SQL, and stored forecast runs.
mod forecast;
/// Work plans, their append-only history, progress reports with their
/// documents, construction projects and their seats.
mod plans;
/// Reads: areas, summaries, school pages and the student search (masked
/// names), placements, stored people across years.
mod registry_read;
/// Writes: upsert by natural key, all or nothing, class sizes, dry runs,
/// audit lines and the demo mark written with the change.
mod registry_write;
/// Snapshots and revisions: equal to the change set, cached, fresh at once
/// for every connection.
mod snapshots;
/// Transfer requests: filed with an import, decided in one transaction.
mod transfers;
