//! Placeholder while the PostgreSQL backend is written (issue 13); replaced before it lands.
#![allow(unused_variables, unused_imports)]
use super::PgStore;
use crate::accounts::*;
use crate::*;
use chrono::{DateTime, Utc};
use registry::*;

fn not_yet(what: &str) -> StoreError {
    StoreError::Backend(format!("PostgreSQL: {what} not yet written"))
}

impl Snapshots for PgStore {
    fn year_snapshot(&self, year: SchoolYear) -> Result<registry::snapshot::YearSnapshot> {
        Err(not_yet("year_snapshot"))
    }

    fn registry_revision(&self) -> Result<i64> {
        Err(not_yet("registry_revision"))
    }
}
