//! Every input checked before a run, and each school's own list to sign
//! off: a wrong eligibility flag or score is caught by the school that
//! knows it, before the run (anchors-planning D: the Czech 2024 re-run).

use registry::SchoolCode;
use serde::{Deserialize, Serialize};

use crate::model::{CandidateId, Inputs, Score};
use crate::policy::Policy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The run does not start.
    Error,
    /// Shown; the run may go ahead (e.g. a list naming a school twice is
    /// read once).
    Warning,
}

/// Where a problem is: the sheet and the data row as the import file has
/// them (row 2 is the first data row under the header), the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sheet {
    Candidates,
    SeniorSchools,
    JuniorSchools,
    Policy,
}

impl Sheet {
    /// The sheet's name in the input workbook (考生, 高中学校, 初中学校) or
    /// 录取政策.
    pub fn label_zh(self) -> &'static str {
        match self {
            Sheet::Candidates => "考生",
            Sheet::SeniorSchools => "高中学校",
            Sheet::JuniorSchools => "初中学校",
            Sheet::Policy => "录取政策",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub severity: Severity,
    pub sheet: Sheet,
    /// Index in the sheet's list (0-based); the file row is `index + 2`.
    pub index: Option<usize>,
    /// The column or policy field, in Chinese (指标志愿2, 总分, 指标到校比例).
    pub field: String,
    /// What is wrong and what to do, in Chinese; never a personal datum
    /// beyond the examination number.
    pub message: String,
}

impl std::fmt::Display for Problem {
    /// `考生 第 12 行“指标志愿2”：……`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.index {
            Some(i) => write!(
                f,
                "{} 第 {} 行“{}”：{}",
                self.sheet.label_zh(),
                i + 2,
                self.field,
                self.message
            ),
            None => write!(f, "{}“{}”：{}", self.sheet.label_zh(), self.field, self.message),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    /// Errors first, then warnings, each in sheet and row order; at most
    /// [`CheckReport::MAX_PROBLEMS`] kept (the count is in `total`).
    pub problems: Vec<Problem>,
    pub errors: usize,
    pub warnings: usize,
}

impl CheckReport {
    pub const MAX_PROBLEMS: usize = 1_000;

    pub fn is_ok(&self) -> bool {
        self.errors == 0
    }
}

/// Checks inputs against themselves and the policy: unique codes and
/// examination numbers, known schools on every list (quota lists name
/// quota schools only), no school twice on a list, list lengths, scores in
/// range and one per field, the tie-break chain naming known fields,
/// seats and graduates positive where they must be, the policy's
/// per-school shares and previous cutoffs naming known quota schools.
pub fn check(inputs: &Inputs, policy: &Policy) -> CheckReport {
    unimplemented!("{} {}", inputs.year, policy.name)
}

/// One school's list to sign off before the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignOffList {
    pub school: SchoolCode,
    /// A junior school's own candidates, or a senior school's applicants
    /// (who listed it in either round), in key order.
    pub rows: Vec<SignOffRow>,
    /// Counts the school checks at a glance.
    pub candidates: u32,
    pub eligible: u32,
    pub quota_eligible: u32,
    /// Junior school: quota seats allotted to it, per quota school (index
    /// into `senior_schools`, seats). Senior school: its seats, quota seats
    /// and their split (index into `junior_schools`, seats).
    pub quota_seats: Vec<(u32, u32)>,
    /// Senior school: total seats and reserved seats; junior: 0.
    pub seats: u32,
    pub reserved: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignOffRow {
    /// Index into `Inputs::candidates`.
    pub candidate: u32,
    /// 1-based rank by key within the list.
    pub rank: u32,
    pub id: CandidateId,
    pub total: Score,
    pub eligible: bool,
    pub quota_eligible: bool,
    /// Below the policy's minimum for quota admission (known before the
    /// run only when the minimum is absolute or last year's).
    pub below_quota_minimum: bool,
}

/// The list a school signs off: a junior school sees its candidates, a
/// senior school its applicants. `None` when the code is not in the inputs.
pub fn sign_off_list(inputs: &Inputs, policy: &Policy, school: &SchoolCode) -> Option<SignOffList> {
    unimplemented!("{} {} {school}", inputs.year, policy.name)
}
