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

impl RegistryWrite for PgStore {
    fn apply(
        &mut self,
        changes: &ChangeSet,
        options: ApplyOptions<'_>,
        progress: Progress<'_>,
    ) -> Result<ApplyOutcome> {
        Err(not_yet("apply"))
    }

    fn apply_with_transfers(
        &mut self,
        changes: &ChangeSet,
        options: ApplyOptions,
        transfers: &[NewTransfer],
        progress: Progress<'_>,
    ) -> Result<ApplyOutcome> {
        Err(not_yet("apply_with_transfers"))
    }

    fn clear_registry(&mut self) -> Result<()> {
        Err(not_yet("clear_registry"))
    }

    fn decide_transfer(
        &mut self,
        id: i64,
        decision: &TransferDecision,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<DecideOutcome> {
        Err(not_yet("decide_transfer"))
    }

    fn restore_transfer(&mut self, request: &TransferRequest) -> Result<i64> {
        Err(not_yet("restore_transfer"))
    }
}
