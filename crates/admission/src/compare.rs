//! Two runs side by side: what a policy did (rural candidates in quality
//! schools, the spread of cutoffs between junior schools, first choices,
//! the quota cost of O8) and who moved between two runs.

use registry::SchoolCode;
use serde::{Deserialize, Serialize};

use crate::model::{CandidateId, Inputs};
use crate::outcome::{Outcome, Round};
use crate::policy::Policy;

/// One run's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub candidates: u32,
    pub placed: u32,
    pub placed_quota: u32,
    pub placed_open: u32,
    pub unplaced: u32,
    /// Placed at their first choice (quota list's first or open list's
    /// first, whichever round placed them).
    pub first_choice: u32,
    /// Candidates from rural junior schools, and those placed at quota
    /// (quality) schools in either round.
    pub rural_candidates: u32,
    pub rural_in_quality: u32,
    /// Same for all candidates (the rural share compares with it).
    pub in_quality: u32,
    /// Over quota schools: the mean, and the largest, difference between
    /// the highest and the lowest junior-school quota cutoff (in tenths of
    /// a point), among junior schools that admitted anyone there.
    pub junior_cutoff_spread_mean: Option<f64>,
    pub junior_cutoff_spread_max: Option<i32>,
    /// Candidates worse off for having listed a quota school (O8).
    pub quota_cost: u32,
}

/// A candidate worse off for having listed a quota school: without the
/// quota admission at `quota_school` they would have got `would_get`, a
/// school higher on their open list (algorithms.md A3 "quota cost").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaCost {
    pub candidate: u32,
    pub quota_school: u32,
    pub would_get: u32,
}

/// A candidate whose placement differs between two runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub candidate: CandidateId,
    pub before: Option<(SchoolCode, Round)>,
    pub after: Option<(SchoolCode, Round)>,
}

/// Two policies (or two runs) on the same candidates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub a: Summary,
    pub b: Summary,
    /// Candidates whose school (or round) differs, by examination number.
    pub changes: Vec<Change>,
    /// Per quota school (index): quota cutoff spread under a and b.
    pub spread_by_school: Vec<(u32, Option<i32>, Option<i32>)>,
}

pub fn summarize(inputs: &Inputs, policy: &Policy, outcome: &Outcome) -> Summary {
    unimplemented!("{} {} {}", inputs.year, policy.name, outcome.placements.len())
}

/// The candidates the quota round cost a better school (O8), by the rule of
/// A3, exact for one deviation.
pub fn quota_cost(inputs: &Inputs, policy: &Policy, outcome: &Outcome) -> Vec<QuotaCost> {
    unimplemented!("{} {} {}", inputs.year, policy.name, outcome.placements.len())
}

/// Every candidate whose placement changed between two runs, matched by
/// examination number (a candidate only in one run counts as changed from
/// or to nothing), in examination-number order.
pub fn changes(before: (&Inputs, &Outcome), after: (&Inputs, &Outcome)) -> Vec<Change> {
    unimplemented!("{} {}", before.0.year, after.0.year)
}

/// Two runs on the same inputs under two policies.
pub fn compare(inputs: &Inputs, a: (&Policy, &Outcome), b: (&Policy, &Outcome)) -> Comparison {
    unimplemented!("{} {} {}", inputs.year, a.0.name, b.0.name)
}
