//! High-school admission (`admission`) in the store: the year's inputs as
//! immutable versions (a correction is a new version pointing at the one it
//! corrects), the schools' sign-offs of a version, and runs (policy and
//! outcome, pointing at the inputs version they ran on). Nothing is updated
//! or deleted; every write has an audit line.

use chrono::NaiveDateTime;
use registry::SchoolCode;

use crate::{Result, StoreError};

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

    /// Writes an inputs version with the id, label, time and maker another
    /// database holds (`summary`; its counts and size are recomputed from
    /// the body), without an audit line (for `edugov copy`: the audit log is
    /// copied on its own). The same checks as a save.
    fn restore_admission_inputs(
        &mut self,
        summary: &AdmissionInputsSummary,
        inputs: &admission::Inputs,
    ) -> Result<()>;

    /// Writes a sign-off as another database holds it, without an audit line.
    fn restore_admission_sign_off(&mut self, sign_off: &AdmissionSignOff) -> Result<()>;

    /// Writes a run with its id as another database holds it, without an
    /// audit line. The same checks as a save.
    fn restore_admission_run(&mut self, run: &AdmissionRun) -> Result<()>;
}

// ---------------------------------------------------------------------------
// Backend-neutral halves: the checks before a write and the columns written.

/// An inputs version's columns beside its body.
pub(crate) struct InputsColumns {
    pub year: i32,
    pub label: String,
    pub previous: Option<i64>,
    pub made_at: NaiveDateTime,
    pub made_by: String,
    pub candidates: i64,
    pub senior_schools: i64,
    pub junior_schools: i64,
    /// Every school code of the version, one per line.
    pub schools: String,
    pub body: String,
}

/// A run's columns beside its bodies.
pub(crate) struct RunColumns {
    pub inputs: i64,
    pub label: String,
    pub policy_name: String,
    pub previous: Option<i64>,
    pub made_at: NaiveDateTime,
    pub made_by: String,
    pub candidates: i64,
    pub placed: i64,
    pub policy: String,
    pub body: String,
}

fn invalid(message: String) -> StoreError {
    StoreError::InvalidAdmission(message)
}

/// A label trimmed and checked: not empty, at most [`MAX_LABEL_CHARS`], no
/// control or bidi characters (it reaches pages, workbooks, terminals and
/// the audit log). Public so that a command or a form checks a label with
/// the store's own rule before it writes anything.
pub fn label(text: &str, what: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid(format!("{what}须有名称")));
    }
    bounded_text(text, what).map(str::to_owned)
}

/// A sign-off's note: may be empty; bounded, no control characters but
/// line breaks.
pub(crate) fn note(text: &str) -> Result<String> {
    let text = text.trim();
    if text.chars().count() > MAX_LABEL_CHARS {
        return Err(invalid(format!("确认意见超过 {MAX_LABEL_CHARS} 个字")));
    }
    if let Some(c) = text
        .chars()
        .find(|c| *c != '\n' && crate::forecast::label_refuses(*c))
    {
        return Err(invalid(format!("确认意见含控制字符 U+{:04X}", u32::from(c))));
    }
    Ok(text.to_owned())
}

fn bounded_text<'a>(text: &'a str, what: &str) -> Result<&'a str> {
    if text.chars().count() > MAX_LABEL_CHARS {
        return Err(invalid(format!("{what}名称超过 {MAX_LABEL_CHARS} 个字")));
    }
    if let Some(c) = text.chars().find(|c| crate::forecast::label_refuses(*c)) {
        return Err(invalid(format!("{what}名称含控制字符 U+{:04X}", u32::from(c))));
    }
    Ok(text)
}

/// Who made it: the account name, as the audit log keeps it.
fn actor(text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid("须注明操作人".into()));
    }
    bounded_text(text, "操作人").map(str::to_owned)
}

fn body(value: &impl serde::Serialize, what: &str) -> Result<String> {
    body_within(value, what, MAX_BODY_BYTES)
}

/// The JSON body, refused over `limit` bytes.
fn body_within(value: &impl serde::Serialize, what: &str, limit: usize) -> Result<String> {
    let body = serde_json::to_string(value).map_err(|e| invalid(format!("{what}：{e}")))?;
    if body.len() > limit {
        return Err(invalid(format!(
            "{what}有 {} 字节，超过上限 {limit} 字节",
            body.len()
        )));
    }
    Ok(body)
}

fn count(n: usize, what: &str) -> Result<i64> {
    // The admission crate's limits keep these far below; a body that
    // passed MAX_BODY_BYTES cannot hold more than i32::MAX of anything.
    i32::try_from(n)
        .map(i64::from)
        .map_err(|_| invalid(format!("{what}数量 {n} 超出范围")))
}

/// Checks an inputs version and lays out its columns (before any write).
pub(crate) fn inputs_columns(
    inputs: &admission::Inputs,
    label_text: &str,
    previous: Option<AdmissionInputsId>,
    made_by: &str,
    made_at: NaiveDateTime,
) -> Result<InputsColumns> {
    let label = label(label_text, "录取数据")?;
    let made_by = actor(made_by)?;
    let mut schools = String::new();
    for code in inputs
        .junior_schools
        .iter()
        .map(|s| &s.code)
        .chain(inputs.senior_schools.iter().map(|s| &s.code))
    {
        schools.push_str(code.as_str());
        schools.push('\n');
    }
    Ok(InputsColumns {
        year: inputs.year,
        label,
        previous: previous.map(|p| p.0),
        made_at: crate::forecast::micros(made_at),
        made_by,
        candidates: count(inputs.candidates.len(), "考生")?,
        senior_schools: count(inputs.senior_schools.len(), "高中学校")?,
        junior_schools: count(inputs.junior_schools.len(), "初中学校")?,
        schools,
        body: body(inputs, "录取数据")?,
    })
}

/// Checks a run against the listed columns of its inputs version
/// (`year`, candidates, senior schools: read by the backend first) and lays
/// out its columns.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_columns(
    inputs: AdmissionInputsId,
    stored: (i32, i64, i64),
    label_text: &str,
    previous: Option<AdmissionRunId>,
    policy: &admission::Policy,
    outcome: &admission::Outcome,
    made_by: &str,
    made_at: NaiveDateTime,
) -> Result<RunColumns> {
    let label = label(label_text, "录取结果")?;
    let made_by = actor(made_by)?;
    let policy_name = bounded_text(policy.name.trim(), "录取政策")?.to_owned();
    let (_, candidates, seniors) = stored;
    if outcome.placements.len() as i64 != candidates {
        return Err(invalid(format!(
            "录取结果有 {} 名考生，录取数据 {inputs} 有 {candidates} 名：结果不属于这份数据",
            outcome.placements.len()
        )));
    }
    if outcome.schools.len() as i64 != seniors {
        return Err(invalid(format!(
            "录取结果有 {} 所高中，录取数据 {inputs} 有 {seniors} 所：结果不属于这份数据",
            outcome.schools.len()
        )));
    }
    if let Some(bad) = outcome
        .placements
        .iter()
        .filter_map(|p| p.school)
        .find(|s| i64::from(*s) >= seniors)
    {
        return Err(invalid(format!("录取结果指向不存在的高中（序号 {bad}）")));
    }
    let placed = outcome.placements.iter().filter(|p| p.school.is_some()).count();
    let policy_body = body(policy, "录取政策")?;
    let outcome_body = body(outcome, "录取结果")?;
    if policy_body.len() + outcome_body.len() > MAX_BODY_BYTES {
        return Err(invalid(format!(
            "录取结果有 {} 字节，超过上限 {MAX_BODY_BYTES} 字节",
            policy_body.len() + outcome_body.len()
        )));
    }
    Ok(RunColumns {
        inputs: inputs.0,
        label,
        policy_name,
        previous: previous.map(|p| p.0),
        made_at: crate::forecast::micros(made_at),
        made_by,
        candidates: count(outcome.placements.len(), "考生")?,
        placed: count(placed, "录取")?,
        policy: policy_body,
        body: outcome_body,
    })
}

/// Whether a version's school list (one code per line) holds `school`.
pub(crate) fn lists_school(schools: &str, school: &SchoolCode) -> bool {
    schools.lines().any(|line| line == school.as_str())
}

/// The refusal when `previous` names no stored inputs version.
pub(crate) fn unknown_inputs(id: AdmissionInputsId) -> StoreError {
    StoreError::UnknownReference(format!("录取数据 {id}"))
}

pub(crate) fn unknown_run(id: AdmissionRunId) -> StoreError {
    StoreError::UnknownReference(format!("录取结果 {id}"))
}

/// A corrected version must be of its predecessor's year.
pub(crate) fn check_previous_year(previous: AdmissionInputsId, previous_year: i32, year: i32) -> Result<()> {
    if previous_year != year {
        return Err(invalid(format!(
            "录取数据 {previous} 是 {previous_year} 年的，不能作为 {year} 年数据的上一版"
        )));
    }
    Ok(())
}

/// The audit line of a saved inputs version: a label and counts, no
/// personal data.
pub(crate) fn inputs_audit_detail(id: AdmissionInputsId, c: &InputsColumns) -> String {
    let corrects = c.previous.map(|p| format!("，更正编号 {p}")).unwrap_or_default();
    format!(
        "录取数据“{}”（编号 {id}，{} 年，考生 {} 人，高中 {} 所，初中 {} 所{corrects}）",
        c.label, c.year, c.candidates, c.senior_schools, c.junior_schools
    )
}

/// The audit line of a sign-off (the note stays out: it is free text).
pub(crate) fn sign_off_audit_detail(inputs: AdmissionInputsId, school: &SchoolCode) -> String {
    format!("学校 {school} 确认录取数据 {inputs} 中的名单")
}

pub(crate) fn run_audit_detail(id: AdmissionRunId, c: &RunColumns) -> String {
    let redo = c.previous.map(|p| format!("，重做结果 {p}")).unwrap_or_default();
    format!(
        "录取结果“{}”（编号 {id}，录取数据 {}，政策“{}”，录取 {}/{} 人{redo}）",
        c.label, c.inputs, c.policy_name, c.placed, c.candidates
    )
}

pub(crate) fn inputs_from_body(id: i64, body: &str) -> Result<admission::Inputs> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("录取数据 {id}：{e}")))
}

pub(crate) fn policy_from_body(id: i64, body: &str) -> Result<admission::Policy> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("录取结果 {id} 的政策：{e}")))
}

pub(crate) fn outcome_from_body(id: i64, body: &str) -> Result<admission::Outcome> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("录取结果 {id}：{e}")))
}

pub(crate) fn school_code(text: &str) -> Result<SchoolCode> {
    SchoolCode::parse(text).map_err(|_| StoreError::Corrupt(format!("学校标识码“{text}”无法识别")))
}

pub(crate) fn unsigned(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bound is checked on the body as it would be written; a body of
    /// the bound's size is kept, one byte more refused (tested with a small
    /// bound: the real one is 256 MB).
    #[test]
    fn a_body_over_the_bound_is_refused_before_writing() {
        let value = vec!["考生"; 10];
        let exact = serde_json::to_string(&value).map(|b| b.len()).unwrap_or(0);
        assert!(body_within(&value, "录取数据", exact).is_ok());
        let refused = body_within(&value, "录取数据", exact - 1)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            refused.as_deref(),
            Some(
                format!(
                    "录取数据无法保存：录取数据有 {exact} 字节，超过上限 {} 字节",
                    exact - 1
                )
                .as_str()
            )
        );
    }

    #[test]
    fn notes_keep_line_breaks_and_refuse_other_control_characters() {
        assert_eq!(
            note(" 名单无误\n共 2 人 ").ok().as_deref(),
            Some("名单无误\n共 2 人")
        );
        assert!(note("a\u{1b}[31m").is_err());
        assert!(note(&"意".repeat(MAX_LABEL_CHARS + 1)).is_err());
        assert!(label("  ", "录取数据").is_err());
    }
}
