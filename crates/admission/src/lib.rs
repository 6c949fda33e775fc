//! High-school admission (中考招生): 指标到校 quota allocation, the quota
//! round, the open round (平行志愿) and deferred acceptance, checked and
//! explained. Pure Rust, no I/O, no clock: the store, the CLI and the web
//! sit around it.
//!
//! The precise algorithms, properties and oracles O1–O8 are in
//! `../shared/design/algorithms.md` part A; `docs/admission.md` is the
//! user's side. One module each:
//! - [`model`] — the inputs: candidates, senior and junior schools, scores
//!   (tenths of a point, exact), the tie-break key.
//! - [`policy`] — one city's rules for one year (quota share, basis,
//!   weighting, minimum, unfilled seats, tie-break chain, last tie), parsed
//!   from TOML with errors that name the field.
//! - [`check`] — every input checked before a run, and each school's own
//!   list to sign off.
//! - [`quota`] — the largest-remainder apportionment of quota seats among
//!   junior schools (A2.1, O7), exact in integers.
//! - [`engine`] — the run: quota round per junior school, then the open
//!   round (serial dictatorship, or deferred acceptance where schools have
//!   their own priorities), unfilled quota seats flowing back; or the
//!   call-order alternative (Parcoursup's minimum share).
//! - [`outcome`] — what a run decided: placements, cutoffs per school,
//!   round and junior school.
//! - [`explain`] — "why not school X" for one candidate (O3).
//! - [`compare`] — two policies or two runs side by side: who moved, rural
//!   candidates in quality schools, cutoff spread, the quota cost (O8).

pub mod check;
pub mod compare;
pub mod engine;
pub mod explain;
pub mod model;
pub mod outcome;
pub mod policy;
pub mod quota;

pub use check::{check, sign_off_list, CheckReport, Problem, Severity, Sheet, SignOffList, SignOffRow};
pub use compare::{
    changes, compare, quota_cost, quota_cost_within, summarize, Change, Comparison, QuotaCost, Summary,
    QUOTA_COST_RERUN_BUDGET,
};
pub use engine::{deferred_acceptance, key_order, run};
pub use explain::{explain, Explanation, Verdict};
pub use model::*;
pub use outcome::{Cutoff, JuniorCutoff, Outcome, Placement, Round, SchoolResult};
pub use policy::{
    LastTie, Policy, PolicyError, QuotaArea, QuotaBasis, QuotaForm, QuotaMinimum, QuotaPolicy, Ratio,
    TieBreak, TieField, UnfilledQuota,
};
pub use quota::{allocate_quotas, apportion, QuotaAllocation, QuotaShare};

/// What stops a run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AdmissionError {
    /// The inputs or the policy failed [`check`]: the run does not start.
    #[error("录取数据有 {0} 处错误，请先更正再录取")]
    Invalid(usize),
    /// A candidate or school named in a request is not in the inputs.
    #[error("{0}")]
    NotFound(String),
}
