//! The inputs of an admission run: who applies where with what scores, and
//! the schools. Everything is keyed by codes (学校标识码, 准考证号) and kept
//! in the order given; the engine never lets that order decide anything
//! (a property test shuffles it).

use registry::{AreaCode, SchoolCode};
use serde::{Deserialize, Serialize};

/// A score in tenths of a point (中考 scores have halves; 612.5 → 6125):
/// exact comparison, no floating point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Score(pub i32);

impl Score {
    /// The highest score accepted anywhere (a total of 1,000 points).
    pub const MAX: Score = Score(10_000);

    /// Parses `612`, `612.5`, `612.0`; at most one decimal, 0 ≤ x ≤ 1000.
    pub fn parse(text: &str) -> Option<Score> {
        let text = text.trim();
        let (whole, tenth) = match text.split_once('.') {
            Some((w, t)) if t.len() == 1 => (w, t),
            Some((w, t)) if !t.is_empty() && t.bytes().all(|b| b == b'0') => (w, "0"),
            Some(_) => return None,
            None => (text, "0"),
        };
        if whole.is_empty() || whole.len() > 4 || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !tenth.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let value = whole.parse::<i32>().ok()? * 10 + tenth.parse::<i32>().ok()?;
        (value <= Score::MAX.0).then_some(Score(value))
    }
}

impl std::fmt::Display for Score {
    /// `612`, or `612.5` when there is a half.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 % 10 == 0 {
            write!(f, "{}", self.0 / 10)
        } else {
            write!(f, "{}.{}", self.0 / 10, (self.0 % 10).abs())
        }
    }
}

/// 准考证号: the candidate's examination number, unique in a year's inputs.
/// Personal data: masked on pages for roles that may not see it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CandidateId(pub String);

impl std::fmt::Display for CandidateId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A year's admission inputs, as imported and checked. Immutable once
/// stored: a correction is a new version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    /// The admission year (the calendar year of the 中考, e.g. 2025 for
    /// the school year 2025–26).
    pub year: i32,
    /// The score fields every candidate has, in column order; the first is
    /// always 总分 (the total). The tie-break chain names fields from here.
    pub fields: Vec<String>,
    pub junior_schools: Vec<JuniorSchool>,
    pub senior_schools: Vec<SeniorSchool>,
    pub candidates: Vec<Candidate>,
}

/// The name of the first score field: the total.
pub const TOTAL_FIELD: &str = "总分";

/// A junior school (初中) whose graduates apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JuniorSchool {
    pub code: SchoolCode,
    pub name: String,
    pub county: AreaCode,
    /// 农村学校: weighted up in the quota allocation by the policy's rural
    /// factor; the comparison counts its candidates in quality schools.
    pub rural: bool,
    /// 薄弱学校: weighted up by the policy's weak-school factor.
    pub weak: bool,
    /// 应届毕业生: the graduates the quota allocation is proportional to
    /// (when the policy's basis is graduates).
    pub graduates: u32,
}

/// A senior high school (普通高中) taking candidates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeniorSchool {
    pub code: SchoolCode,
    pub name: String,
    pub county: AreaCode,
    /// 招生计划: all seats this year, quota and open together.
    pub seats: u32,
    /// A quality school (优质高中) whose seats are partly allotted to junior
    /// schools (指标到校).
    pub quota_school: bool,
    /// The school's own minimum line (最低录取线) for the open round, if any.
    pub min_score: Option<Score>,
    /// Schools with their own priorities: candidates living in these
    /// counties come first in the open round, then by key (true deferred
    /// acceptance). Empty: the common key only.
    pub priority_counties: Vec<AreaCode>,
}

/// One candidate (考生).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: CandidateId,
    /// 姓名: personal data, masked by default.
    pub name: String,
    /// The junior school graduated from (must be in `Inputs::junior_schools`).
    pub junior_school: SchoolCode,
    /// The county of residence (户籍/居住区县), for schools' own priorities.
    pub residence: AreaCode,
    /// One score per `Inputs::fields`, the total first.
    pub scores: Vec<Score>,
    /// 指标生资格: may take part in the quota round (e.g. three years at
    /// the junior school).
    pub quota_eligible: bool,
    /// 录取资格: may be admitted at all (e.g. passed the 综合素质评价).
    pub eligible: bool,
    /// Schools listed for the quota round, in order (quota schools only).
    pub quota_list: Vec<SchoolCode>,
    /// Schools listed for the open round (平行志愿), in order.
    pub open_list: Vec<SchoolCode>,
}

impl Candidate {
    /// The total score (the first field).
    pub fn total(&self) -> Score {
        self.scores.first().copied().unwrap_or(Score(0))
    }
}

/// Bounds every input is held to before anything runs: a hostile or broken
/// file is refused with a named error, never allowed to exhaust memory.
pub mod limits {
    /// Candidates in one year's inputs (a province has ~700,000).
    pub const MAX_CANDIDATES: usize = 2_000_000;
    /// Senior schools (a province has ~600 taking candidates).
    pub const MAX_SENIOR_SCHOOLS: usize = 5_000;
    /// Junior schools.
    pub const MAX_JUNIOR_SCHOOLS: usize = 20_000;
    /// Schools on one list (quota or open).
    pub const MAX_LIST: usize = 30;
    /// Score fields (总分 and subjects).
    pub const MAX_FIELDS: usize = 20;
    /// Characters of a name or an examination number.
    pub const MAX_TEXT_CHARS: usize = 64;
}
