//! Admission inputs, sign-offs and runs in sqlite: placeholder, replaced by
//! the store's implementation in this issue.

use chrono::NaiveDateTime;
use registry::SchoolCode;

use super::SqliteStore;
use crate::admission::{AdmissionInputsSummary, AdmissionRun, AdmissionRunSummary, AdmissionSignOff};
use crate::{AdmissionInputsId, AdmissionRunId, AdmissionStore, Result};

impl AdmissionStore for SqliteStore {
    fn save_admission_inputs(
        &mut self,
        _inputs: &admission::Inputs,
        _label: &str,
        _previous: Option<AdmissionInputsId>,
        _actor: &str,
        _at: NaiveDateTime,
    ) -> Result<AdmissionInputsId> {
        unimplemented!()
    }

    fn admission_inputs_list(&self) -> Result<Vec<AdmissionInputsSummary>> {
        unimplemented!()
    }

    fn admission_inputs(&self, _id: AdmissionInputsId) -> Result<Option<admission::Inputs>> {
        unimplemented!()
    }

    fn sign_off_admission(
        &mut self,
        _inputs: AdmissionInputsId,
        _school: &SchoolCode,
        _note: &str,
        _actor: &str,
        _at: NaiveDateTime,
    ) -> Result<()> {
        unimplemented!()
    }

    fn admission_sign_offs(&self, _inputs: AdmissionInputsId) -> Result<Vec<AdmissionSignOff>> {
        unimplemented!()
    }

    fn save_admission_run(
        &mut self,
        _inputs: AdmissionInputsId,
        _label: &str,
        _previous: Option<AdmissionRunId>,
        _policy: &admission::Policy,
        _outcome: &admission::Outcome,
        _actor: &str,
        _at: NaiveDateTime,
    ) -> Result<AdmissionRunId> {
        unimplemented!()
    }

    fn admission_runs(&self) -> Result<Vec<AdmissionRunSummary>> {
        unimplemented!()
    }

    fn admission_run(&self, _id: AdmissionRunId) -> Result<Option<AdmissionRun>> {
        unimplemented!()
    }
}
