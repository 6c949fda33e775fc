//! One city's admission rules for one year, as the bureau writes them in a
//! TOML file (`docs/admission.md` shows every field). Parsing checks every
//! value and names the field in Chinese. Shares and factors are exact
//! rationals (`0.5`, `1.2`, `60%`), so the quota allocation never rounds a
//! float (algorithms.md A2.1: "use rationals, not floats").
//!
//! rules.md, Admission: quota share ≥ 50 % of quality schools' plans,
//! split by graduates, leaning rural (教育部 2016) — a share and factors
//! that change by city and year, hence data here, never constants.

use std::collections::BTreeMap;

use registry::SchoolCode;
use serde::{Deserialize, Serialize};

use crate::model::Score;

/// An exact non-negative rational `num / den` (den > 0), reduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ratio {
    pub num: u64,
    pub den: u64,
}

impl Ratio {
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// Parses `0.5`, `1.2`, `60%`, `3/5`; at most 6 decimals; refuses
    /// negatives and anything over `max`.
    pub fn parse(text: &str) -> Option<Ratio> {
        unimplemented!("{text}")
    }

    /// `50%`, `1.2` — for messages and pages.
    pub fn to_decimal_string(self) -> String {
        unimplemented!()
    }
}

/// A policy: one city's admission rules for one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// Shown beside the results (2025年 指标到校50%).
    pub name: String,
    pub quota: QuotaPolicy,
    /// What happens to quota seats no eligible candidate took.
    pub unfilled_quota: UnfilledQuota,
    /// The city-wide 最低录取控制线 below which nobody is admitted in any
    /// round; `None`: no such line.
    pub min_total: Option<Score>,
    pub tie_break: TieBreak,
    /// Honour schools' own priorities (`SeniorSchool::priority_counties`)
    /// in the open round (true deferred acceptance); `false`: the common
    /// key only (serial dictatorship).
    pub school_priorities: bool,
}

/// How quality schools' seats lean towards junior schools.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuotaPolicy {
    pub form: QuotaForm,
    /// Share of each quota school's seats reserved: `Q_x = ⌈share·q_x⌉`.
    pub share: Ratio,
    /// Per-school shares overriding `share`.
    pub school_shares: BTreeMap<SchoolCode, Ratio>,
    pub basis: QuotaBasis,
    /// Weight factor for rural junior schools (1 = none).
    pub rural_factor: Ratio,
    /// Weight factor for weak junior schools (1 = none); a school both
    /// rural and weak gets both factors multiplied.
    pub weak_factor: Ratio,
    pub minimum: QuotaMinimum,
}

/// The form the leaning takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuotaForm {
    /// No quota round: the open round only.
    None,
    /// 指标到校: seats reserved per junior school, a quota round first.
    Reserved,
    /// Parcoursup's way: no reserved seats; in each quota school's call
    /// order every prefix holds at least `min_rural` rural candidates
    /// (rounded up), so the school ranks by its own merged order and the
    /// open round is deferred acceptance.
    CallOrder { min_rural: Ratio },
}

/// What the quota seats are proportional to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaBasis {
    /// `JuniorSchool::graduates` (应届毕业生数), the usual rule.
    Graduates,
    /// The junior school's candidates eligible for the quota round.
    EligibleCandidates,
}

/// The minimum score for quota admission. Relative to a cutoff it must be
/// last year's: the quota round runs before this year's open round
/// (algorithms.md A2.2, the circularity hazard).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuotaMinimum {
    /// "原则上不得设限制性分数线": no minimum beyond `min_total`.
    None,
    /// An absolute score.
    Absolute { score: Score },
    /// At most `below` points under the school's open-round cutoff of the
    /// previous year, given per school.
    BelowPreviousCutoff {
        below: Score,
        cutoffs: BTreeMap<SchoolCode, Score>,
    },
}

/// What happens to quota seats left empty after the quota round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnfilledQuota {
    /// 转统招: added to the same school's open-round seats.
    OpenRound,
    /// Left empty this year.
    Lapse,
}

/// The tie-break chain: fields compared in order, then the last rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TieBreak {
    /// Fields of `Inputs::fields`, first the total; each higher-first unless
    /// `higher_first` is false.
    pub chain: Vec<TieField>,
    pub last: LastTie,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TieField {
    pub field: String,
    pub higher_first: bool,
}

/// Candidates still tied after the whole chain (algorithms.md A2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LastTie {
    /// One lottery number per candidate, used by every school (single
    /// tie-breaking, STB: the recommended rule), drawn from `seed` and the
    /// candidate's number — never from input order.
    Lottery { seed: u64 },
    /// Every candidate tied at a school's last seat is admitted, over the
    /// seats (PAT A1080, O6).
    AdmitAll,
    /// A lottery per school (MTB), for comparison; the open round then runs
    /// as deferred acceptance.
    SchoolLottery { seed: u64 },
}

/// A policy file that cannot be used, naming the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyError {
    #[error("录取政策文件无法读取：{0}")]
    Syntax(String),
    #[error("录取政策“{field}”：{message}")]
    Field { field: String, message: String },
    #[error("录取政策文件过大（{0} 字节），上限 {1} 字节")]
    TooLarge(usize, usize),
}

impl Policy {
    /// Reads a policy file (TOML); every field named in errors.
    pub fn parse_toml(text: &str) -> Result<Policy, PolicyError> {
        unimplemented!("{text}")
    }

    /// Writes the policy back as TOML that [`Policy::parse_toml`] reads.
    pub fn to_toml(&self) -> String {
        unimplemented!()
    }

    /// The rules in plain Chinese sentences, for pages and the CLI
    /// ("指标到校比例 50%，按应届毕业生数分配，农村学校权重 1.2 …").
    pub fn describe_zh(&self) -> Vec<String> {
        unimplemented!()
    }

    /// The demo city's policy with the given quota share (50 %, 60 %):
    /// reserved seats by graduates, rural ×1.2, no quota minimum beyond
    /// `min_total`, unfilled seats to the open round, 总分 → 语文+数学 →
    /// 数学 → 语文 → 外语, then a lottery.
    pub fn demo(share: Ratio) -> Policy {
        unimplemented!("{share:?}")
    }
}
