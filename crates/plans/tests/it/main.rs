//! The crate's integration tests, one binary: the generated summary
//! (`summary`), built from a ledger and opened by LibreOffice.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod summary;
