//! High-school admission (`admission`) in the store: the year's inputs as
//! immutable versions (a correction is a new version pointing at the one it
//! corrects), the schools' sign-offs of a version, and runs (policy and
//! outcome, pointing at the inputs version they ran on). Nothing is updated
//! or deleted; every write has an audit line.

use chrono::NaiveDateTime;
use registry::SchoolCode;

use crate::Result;

/// A stored version of a year's admission inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct AdmissionInputsId(pub i64);

/// A stored admission run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct AdmissionRunId(pub i64);

impl std::fmt::Display for AdmissionInputsId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::fmt::Display for AdmissionRunId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An inputs version as listed, without its body.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AdmissionInputsSummary {
    pub id: AdmissionInputsId,
    pub year: i32,
    pub label: String,
    /// The version this one corrects, if any.
    pub previous: Option<AdmissionInputsId>,
    pub made_at: NaiveDateTime,
    pub made_by: String,
    pub candidates: u32,
    pub senior_schools: u32,
    pub junior_schools: u32,
    pub bytes: u64,
}

/// A school's sign-off of its list in one inputs version.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AdmissionSignOff {
    pub inputs: AdmissionInputsId,
    pub school: SchoolCode,
    pub signed_by: String,
    pub signed_at: NaiveDateTime,
    /// What the school confirmed or flagged, as typed (bounded).
    pub note: String,
}

/// A run as listed, without its body.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AdmissionRunSummary {
    pub id: AdmissionRunId,
    pub inputs: AdmissionInputsId,
    pub year: i32,
    pub label: String,
    pub policy_name: String,
    /// The run this one re-does on corrected inputs (its changed-placement
    /// list is computed against it).
    pub previous: Option<AdmissionRunId>,
    pub made_at: NaiveDateTime,
    pub made_by: String,
    pub candidates: u32,
    pub placed: u32,
}

/// A stored run whole.
#[derive(Debug, Clone, PartialEq)]
pub struct AdmissionRun {
    pub summary: AdmissionRunSummary,
    pub policy: admission::Policy,
    pub outcome: admission::Outcome,
}

/// A body (inputs or outcome, JSON) at most: a province's 700,000
/// candidates with lists of 12 are some 150 MB; a bound keeps a hostile
/// or runaway one out of the database.
pub const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;

/// A label or sign-off note at most, in characters.
pub const MAX_LABEL_CHARS: usize = 200;

/// Admission inputs, sign-offs and runs.
pub trait AdmissionStore {
    /// Stores an inputs version with an audit line by `actor`, in one
    /// transaction. `previous` (if any) must exist and be of the same year.
    fn save_admission_inputs(
        &mut self,
        inputs: &admission::Inputs,
        label: &str,
        previous: Option<AdmissionInputsId>,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<AdmissionInputsId>;

    /// Every inputs version, newest first.
    fn admission_inputs_list(&self) -> Result<Vec<AdmissionInputsSummary>>;

    /// One inputs version, as saved.
    fn admission_inputs(&self, id: AdmissionInputsId) -> Result<Option<admission::Inputs>>;

    /// Records a school's sign-off of its list in a version, audited. A
    /// second sign-off of the same school and version is refused
    /// (`StoreError::Conflict`).
    fn sign_off_admission(
        &mut self,
        inputs: AdmissionInputsId,
        school: &SchoolCode,
        note: &str,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<()>;

    /// The sign-offs of a version, by school code.
    fn admission_sign_offs(&self, inputs: AdmissionInputsId) -> Result<Vec<AdmissionSignOff>>;

    /// Stores a run (its policy and outcome) on an inputs version, audited.
    /// `previous` (if any) must exist.
    #[allow(clippy::too_many_arguments)]
    fn save_admission_run(
        &mut self,
        inputs: AdmissionInputsId,
        label: &str,
        previous: Option<AdmissionRunId>,
        policy: &admission::Policy,
        outcome: &admission::Outcome,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<AdmissionRunId>;

    /// Every run, newest first, without bodies.
    fn admission_runs(&self) -> Result<Vec<AdmissionRunSummary>>;

    /// One run whole.
    fn admission_run(&self, id: AdmissionRunId) -> Result<Option<AdmissionRun>>;
}
