//! "Why not school X" for one candidate (algorithms.md A3 "explanation",
//! oracle O3): the school's cutoff at the candidate's turn, the candidate's
//! score, and the first tie-break field that differed — in Chinese, from
//! the run's own inputs, policy and outcome.

use serde::{Deserialize, Serialize};

use crate::model::Inputs;
use crate::outcome::{Outcome, Round};
use crate::policy::Policy;
use crate::AdmissionError;

/// The short answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// Admitted at this school.
    Admitted { round: Round },
    /// The school is on neither of the candidate's lists.
    NotListed,
    /// Not admissible (录取资格 no, under the city's or school's minimum,
    /// not eligible for the quota round …); `reason` in Chinese.
    NotEligible { reason: String },
    /// Admitted at a school they listed higher, so this one was never
    /// reached (one placement per round).
    PlacedHigher { school: u32, round: Round },
    /// The school (or the junior school's quota there) was full at the
    /// candidate's turn: its last admit ranks above the candidate.
    Outranked { round: Round, last_admitted: u32 },
}

impl Verdict {
    /// 已录取, 未填报, 不符合条件, 已被更高志愿录取, 分数不够.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Verdict::Admitted { .. } => "已录取",
            Verdict::NotListed => "未填报",
            Verdict::NotEligible { .. } => "不符合条件",
            Verdict::PlacedHigher { .. } => "已被更高志愿录取",
            Verdict::Outranked { .. } => "排位不够",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Index into `Inputs::candidates` and `Inputs::senior_schools`.
    pub candidate: u32,
    pub school: u32,
    pub verdict: Verdict,
    /// The whole answer in plain Chinese sentences, one per round
    /// considered, e.g. "统招：A 中学 第 2 志愿。轮到该生时 A 中学已满，
    /// 最后录取者总分 690，该生 685（总分低 5 分）。"; names the deciding
    /// tie-break field when totals are equal ("总分相同，数学 118 比 120").
    /// Refers to other candidates by rank, never by name or number.
    pub sentences: Vec<String>,
}

/// Explains why `candidate` (an examination number) was or was not
/// admitted at `school` (a 学校标识码).
pub fn explain(
    inputs: &Inputs,
    policy: &Policy,
    outcome: &Outcome,
    candidate: &str,
    school: &str,
) -> Result<Explanation, AdmissionError> {
    unimplemented!(
        "{} {} {} {candidate} {school}",
        inputs.year,
        policy.name,
        outcome.placements.len()
    )
}
