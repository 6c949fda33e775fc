//! What a run decided: each candidate's placement, each school's seats and
//! cutoffs per round, and per junior school in the quota round. Indices
//! point into the run's `Inputs` (candidates, senior and junior schools).

use serde::{Deserialize, Serialize};

use crate::model::Score;
use crate::quota::QuotaAllocation;

/// The round a candidate was admitted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Round {
    /// 指标生录取.
    Quota,
    /// 统招 (平行志愿).
    Open,
}

impl Round {
    pub fn label_zh(self) -> &'static str {
        match self {
            Round::Quota => "指标生",
            Round::Open => "统招",
        }
    }
}

/// One candidate's placement (same order as `Inputs::candidates`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// Index into `Inputs::senior_schools`; `None`: not admitted.
    pub school: Option<u32>,
    pub round: Option<Round>,
    /// 1-based position of the school on the list of that round.
    pub choice: Option<u8>,
}

impl Placement {
    pub const NONE: Placement = Placement {
        school: None,
        round: None,
        choice: None,
    };
}

/// The last admitted candidate at a school in a round (录取分数线): their
/// total and whole key, so "why not" can name the deciding field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cutoff {
    /// Index of the last admitted candidate.
    pub candidate: u32,
    /// Their total (the 录取分数线 as published).
    pub score: Score,
}

/// One senior school's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolResult {
    /// Index into `Inputs::senior_schools`.
    pub school: u32,
    pub seats: u32,
    /// Reserved for the quota round (0 for schools without quota).
    pub quota_seats: u32,
    pub quota_admitted: u32,
    /// Quota seats unfilled and added to the open round (policy
    /// `UnfilledQuota::OpenRound`), or lapsed.
    pub quota_returned: u32,
    pub quota_lapsed: u32,
    /// Seats in the open round (seats − quota seats + returned).
    pub open_seats: u32,
    pub open_admitted: u32,
    /// Seats nobody took (negative never; over-admission under
    /// `LastTie::AdmitAll` shows as `admitted > seats`).
    pub seats_left: u32,
    /// The lowest quota admit across junior schools, if any.
    pub quota_cutoff: Option<Cutoff>,
    pub open_cutoff: Option<Cutoff>,
}

/// A quota school's quota round at one junior school.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JuniorCutoff {
    pub senior: u32,
    pub junior: u32,
    /// Seats allotted (`q_{x,j}`).
    pub seats: u32,
    pub admitted: u32,
    pub cutoff: Option<Cutoff>,
}

/// A whole run's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub quotas: Vec<QuotaAllocation>,
    /// One per candidate, in `Inputs::candidates` order.
    pub placements: Vec<Placement>,
    /// One per senior school, in `Inputs::senior_schools` order.
    pub schools: Vec<SchoolResult>,
    /// One per (quota school, junior school) with allotted seats, by senior
    /// then junior index.
    pub junior_cutoffs: Vec<JuniorCutoff>,
}
