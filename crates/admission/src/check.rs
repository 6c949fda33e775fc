//! Every input checked before a run, and each school's own list to sign
//! off: a wrong eligibility flag or score is caught by the school that
//! knows it, before the run (anchors-planning D: the Czech 2024 re-run).

use registry::SchoolCode;
use serde::{Deserialize, Serialize};

use crate::engine::{key_order, Chain, Index, NONE, REPEAT};
use crate::model::{limits, CandidateId, Inputs, Score, TOTAL_FIELD};
use crate::policy::{Policy, QuotaBasis, QuotaForm, QuotaMinimum};
use crate::quota::allocate_quotas;

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
    check_indexed(inputs, policy, &Index::new(inputs))
}

/// [`check`] with the codes already interned (the run shares them).
pub(crate) fn check_indexed(inputs: &Inputs, policy: &Policy, index: &Index) -> CheckReport {
    let mut out = Collector::default();
    let nf = inputs.fields.len();
    if inputs.fields.first().map(String::as_str) != Some(TOTAL_FIELD) {
        out.error(
            Sheet::Candidates,
            None,
            "成绩字段",
            format!("第一个成绩字段应为“{TOTAL_FIELD}”"),
        );
    }
    if nf > limits::MAX_FIELDS {
        out.error(
            Sheet::Candidates,
            None,
            "成绩字段",
            format!("成绩字段 {nf} 个，超过上限 {}", limits::MAX_FIELDS),
        );
    }
    for (i, field) in inputs.fields.iter().enumerate() {
        if field.trim().is_empty() || field.contains('+') || inputs.fields[..i].contains(field) {
            out.error(
                Sheet::Candidates,
                None,
                "成绩字段",
                format!("第 {} 个成绩字段名为空、含“+”或重复", i + 1),
            );
        }
    }
    let sizes = [
        (Sheet::Candidates, inputs.candidates.len(), limits::MAX_CANDIDATES),
        (
            Sheet::SeniorSchools,
            inputs.senior_schools.len(),
            limits::MAX_SENIOR_SCHOOLS,
        ),
        (
            Sheet::JuniorSchools,
            inputs.junior_schools.len(),
            limits::MAX_JUNIOR_SCHOOLS,
        ),
    ];
    for (sheet, len, max) in sizes {
        if len > max {
            out.error(sheet, None, "行数", format!("共 {len} 行，超过上限 {max} 行"));
        }
    }
    if out.errors > 0 {
        // Too large or shapeless to look at row by row.
        return out.finish();
    }

    // Senior schools.
    let senior = &index.senior;
    for (i, s) in inputs.senior_schools.iter().enumerate() {
        let sheet = Sheet::SeniorSchools;
        if registry::SchoolCode::parse(s.code.as_str()).is_err() {
            out.error(sheet, Some(i), "学校标识码", "应为 10 位数字".to_owned());
        }
        if let Some(first) = senior.get(s.code.as_str()).filter(|&first| first as usize != i) {
            out.error(sheet, Some(i), "学校标识码", format!("与第 {} 行重复", first + 2));
        }
        if s.name.trim().is_empty() || s.name.chars().count() > limits::MAX_TEXT_CHARS {
            out.error(
                sheet,
                Some(i),
                "学校名称",
                format!("应为 1–{} 个字", limits::MAX_TEXT_CHARS),
            );
        }
        if s.seats == 0 {
            out.warning(
                sheet,
                Some(i),
                "招生计划",
                "招生计划为 0，该校不录取任何考生".to_owned(),
            );
        }
        if s.seats > 100_000 {
            out.error(
                sheet,
                Some(i),
                "招生计划",
                format!("{} 人超过上限 100000", s.seats),
            );
        }
        if s.min_score.is_some_and(|m| m > Score::MAX || m.0 < 0) {
            out.error(sheet, Some(i), "最低录取线", "应为 0–1000 分".to_owned());
        }
        if s.priority_counties.len() > 100 {
            out.error(sheet, Some(i), "优先区县", "超过 100 个区县".to_owned());
        }
        if !s.priority_counties.is_empty() && !policy.school_priorities {
            out.warning(
                sheet,
                Some(i),
                "优先区县",
                "录取政策未启用学校优先区县（school_priorities = false），此列不起作用".to_owned(),
            );
        }
    }
    // Junior schools.
    for (i, j) in inputs.junior_schools.iter().enumerate() {
        let sheet = Sheet::JuniorSchools;
        if registry::SchoolCode::parse(j.code.as_str()).is_err() {
            out.error(sheet, Some(i), "学校标识码", "应为 10 位数字".to_owned());
        }
        if let Some(first) = index
            .junior
            .get(j.code.as_str())
            .filter(|&first| first as usize != i)
        {
            out.error(sheet, Some(i), "学校标识码", format!("与第 {} 行重复", first + 2));
        }
        if j.name.trim().is_empty() || j.name.chars().count() > limits::MAX_TEXT_CHARS {
            out.error(
                sheet,
                Some(i),
                "学校名称",
                format!("应为 1–{} 个字", limits::MAX_TEXT_CHARS),
            );
        }
        if j.graduates > 100_000 {
            out.error(
                sheet,
                Some(i),
                "应届毕业生数",
                format!("{} 人超过上限 100000", j.graduates),
            );
        }
        if j.graduates == 0
            && policy.quota.form == QuotaForm::Reserved
            && policy.quota.basis == QuotaBasis::Graduates
        {
            out.warning(
                sheet,
                Some(i),
                "应届毕业生数",
                "毕业生数为 0，该校分不到指标名额".to_owned(),
            );
        }
    }
    // Candidates.
    duplicate_ids(inputs, &mut out);
    let mut graduates_seen = vec![0u32; inputs.junior_schools.len()];
    for (i, c) in inputs.candidates.iter().enumerate() {
        let sheet = Sheet::Candidates;
        // `len()` first: the text itself is only read when it could be long.
        if c.name.len() > limits::MAX_TEXT_CHARS && c.name.chars().count() > limits::MAX_TEXT_CHARS {
            out.error(
                sheet,
                Some(i),
                "姓名",
                format!("超过 {} 个字", limits::MAX_TEXT_CHARS),
            );
        }
        match index.cand_junior[i] {
            NONE => out.error(sheet, Some(i), "毕业学校", "不在初中学校表中".to_owned()),
            j => graduates_seen[j as usize] = graduates_seen[j as usize].saturating_add(1),
        }
        if c.scores.len() != nf {
            out.error(
                sheet,
                Some(i),
                "成绩",
                format!("有 {} 项成绩，应为 {nf} 项", c.scores.len()),
            );
        }
        for (k, score) in c.scores.iter().enumerate() {
            if score.0 < 0 || *score > Score::MAX {
                let field = inputs.fields.get(k).map_or("成绩", String::as_str);
                out.error(sheet, Some(i), field, "应为 0–1000 分".to_owned());
            }
        }
        for (round, list, lists, label) in [
            (0, &c.quota_list, &index.quota, "指标志愿"),
            (1, &c.open_list, &index.open, "统招志愿"),
        ] {
            if list.len() > limits::MAX_LIST {
                out.error(
                    sheet,
                    Some(i),
                    label,
                    format!("填报 {} 个，超过上限 {}", list.len(), limits::MAX_LIST),
                );
                continue;
            }
            for (k, &x) in lists.raw(i).iter().enumerate() {
                // The field's name is only built for a problem.
                let field = || format!("{label}{}", k + 1);
                match x {
                    NONE => out.error(sheet, Some(i), &field(), "不在高中学校表中".to_owned()),
                    REPEAT => out.warning(
                        sheet,
                        Some(i),
                        &field(),
                        "同一学校重复填报，按第一次计".to_owned(),
                    ),
                    x if round == 0 && !inputs.senior_schools[x as usize].quota_school => out.error(
                        sheet,
                        Some(i),
                        &field(),
                        "不是指标到校学校，不能填指标志愿".to_owned(),
                    ),
                    _ => {}
                }
            }
        }
        if !c.quota_list.is_empty() && policy.quota.form != QuotaForm::Reserved {
            out.warning(
                sheet,
                Some(i),
                "指标志愿1",
                "本政策不设指标生批次，指标志愿不起作用".to_owned(),
            );
        }
    }
    for (j, school) in inputs.junior_schools.iter().enumerate() {
        if graduates_seen[j] > school.graduates && policy.quota.basis == QuotaBasis::Graduates {
            out.warning(
                Sheet::JuniorSchools,
                Some(j),
                "应届毕业生数",
                format!(
                    "考生表中有 {} 名该校考生，多于毕业生数 {}",
                    graduates_seen[j], school.graduates
                ),
            );
        }
    }
    // The policy against the inputs.
    if let Err(field) = Chain::resolve(inputs, policy) {
        out.error(
            Sheet::Policy,
            None,
            "tie_break.chain（排位顺序）",
            format!("成绩字段“{field}”不在考生表中"),
        );
    }
    for code in policy.quota.school_shares.keys() {
        if !senior
            .get(code.as_str())
            .is_some_and(|x| inputs.senior_schools[x as usize].quota_school)
        {
            out.error(
                Sheet::Policy,
                None,
                "quota.school_shares（分校指标比例）",
                format!("学校 {code} 不是高中学校表中的指标到校学校"),
            );
        }
    }
    if let QuotaMinimum::BelowPreviousCutoff { cutoffs, .. } = &policy.quota.minimum {
        for code in cutoffs.keys() {
            if !senior
                .get(code.as_str())
                .is_some_and(|x| inputs.senior_schools[x as usize].quota_school)
            {
                out.error(
                    Sheet::Policy,
                    None,
                    "quota.minimum.cutoffs（上年统招分数线）",
                    format!("学校 {code} 不是高中学校表中的指标到校学校"),
                );
            }
        }
        for s in inputs.senior_schools.iter().filter(|s| s.quota_school) {
            if !cutoffs.contains_key(&s.code) {
                out.warning(
                    Sheet::Policy,
                    None,
                    "quota.minimum.cutoffs（上年统招分数线）",
                    format!("指标到校学校 {} 没有上年分数线，指标生不设最低分", s.code),
                );
            }
        }
    }
    if policy.quota.form == QuotaForm::Reserved && !inputs.senior_schools.iter().any(|s| s.quota_school) {
        out.warning(
            Sheet::Policy,
            None,
            "quota.form（指标方式）",
            "高中学校表中没有指标到校学校".to_owned(),
        );
    }
    out.finish()
}

/// Examination numbers empty, too long or given twice (one read of each):
/// sorted by hash rather than put in a hash map (700,000 inserts at random
/// places cost more than one sort).
fn duplicate_ids(inputs: &Inputs, out: &mut Collector) {
    use std::hash::Hasher;
    let cands = &inputs.candidates;
    let mut hashed: Vec<(u64, u32)> = Vec::with_capacity(cands.len());
    for (i, c) in cands.iter().enumerate() {
        let id = c.id.0.as_str();
        if id.trim().is_empty()
            || (id.len() > limits::MAX_TEXT_CHARS && id.chars().count() > limits::MAX_TEXT_CHARS)
        {
            out.error(
                Sheet::Candidates,
                Some(i),
                "准考证号",
                format!("应为 1–{} 个字符", limits::MAX_TEXT_CHARS),
            );
        }
        let mut hasher = rustc_hash::FxHasher::default();
        hasher.write(id.as_bytes());
        hashed.push((hasher.finish(), i as u32));
    }
    hashed.sort_unstable();
    let mut dupes: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    while start < hashed.len() {
        let mut end = start + 1;
        while end < hashed.len() && hashed[end].0 == hashed[start].0 {
            end += 1;
        }
        // Equal hashes: compare the numbers themselves, first row wins.
        for k in start + 1..end {
            let row = hashed[k].1 as usize;
            if let Some(first) = hashed[start..k]
                .iter()
                .map(|&(_, r)| r as usize)
                .find(|&r| cands[r].id == cands[row].id)
            {
                dupes.push((row, first));
            }
        }
        start = end;
    }
    dupes.sort_unstable();
    for (row, first) in dupes {
        out.error(
            Sheet::Candidates,
            Some(row),
            "准考证号",
            format!("与第 {} 行重复", first + 2),
        );
    }
}

/// Problems gathered with exact counts, at most `MAX_PROBLEMS` kept
/// (errors first, then warnings, each in the order found).
#[derive(Default)]
struct Collector {
    kept_errors: Vec<Problem>,
    kept_warnings: Vec<Problem>,
    errors: usize,
    warnings: usize,
}

impl Collector {
    fn error(&mut self, sheet: Sheet, index: Option<usize>, field: &str, message: String) {
        self.errors += 1;
        if self.kept_errors.len() < CheckReport::MAX_PROBLEMS {
            self.kept_errors
                .push(problem(Severity::Error, sheet, index, field, message));
        }
    }

    fn warning(&mut self, sheet: Sheet, index: Option<usize>, field: &str, message: String) {
        self.warnings += 1;
        if self.kept_warnings.len() < CheckReport::MAX_PROBLEMS {
            self.kept_warnings
                .push(problem(Severity::Warning, sheet, index, field, message));
        }
    }

    fn finish(self) -> CheckReport {
        let mut problems = self.kept_errors;
        problems.sort_by_key(|p| (p.sheet, p.index));
        let mut warnings = self.kept_warnings;
        warnings.sort_by_key(|p| (p.sheet, p.index));
        problems.extend(warnings);
        problems.truncate(CheckReport::MAX_PROBLEMS);
        CheckReport {
            problems,
            errors: self.errors,
            warnings: self.warnings,
        }
    }
}

fn problem(severity: Severity, sheet: Sheet, index: Option<usize>, field: &str, message: String) -> Problem {
    Problem {
        severity,
        sheet,
        index,
        field: field.to_owned(),
        message,
    }
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
    let senior = inputs.senior_schools.iter().position(|s| &s.code == school);
    let junior = inputs.junior_schools.iter().position(|j| &j.code == school);
    if senior.is_none() && junior.is_none() {
        return None;
    }
    let below_minimum = |c: &crate::model::Candidate, x: Option<usize>| -> bool {
        let total = c.total();
        let under = |min: Score| total < min;
        match &policy.quota.minimum {
            QuotaMinimum::None => false,
            QuotaMinimum::Absolute { score } => under(*score),
            QuotaMinimum::BelowPreviousCutoff { below, cutoffs } => {
                // A junior school's candidate: below at every listed school.
                let at =
                    |code: &SchoolCode| cutoffs.get(code).is_some_and(|cut| under(Score(cut.0 - below.0)));
                match x {
                    Some(x) => at(&inputs.senior_schools[x].code),
                    None => !c.quota_list.is_empty() && c.quota_list.iter().all(at),
                }
            }
        }
    };
    let quotas = allocate_quotas(inputs, policy);
    let mut rows = Vec::new();
    let (mut candidates, mut eligible, mut quota_eligible) = (0u32, 0u32, 0u32);
    for c in key_order(inputs, policy) {
        let cand = &inputs.candidates[c as usize];
        let belongs = match (senior, junior) {
            (Some(x), _) => {
                let code = &inputs.senior_schools[x].code;
                cand.open_list.contains(code) || cand.quota_list.contains(code)
            }
            (None, Some(_)) => &cand.junior_school == school,
            (None, None) => false,
        };
        if !belongs {
            continue;
        }
        candidates += 1;
        eligible += u32::from(cand.eligible);
        quota_eligible += u32::from(cand.quota_eligible);
        rows.push(SignOffRow {
            candidate: c,
            rank: candidates,
            id: cand.id.clone(),
            total: cand.total(),
            eligible: cand.eligible,
            quota_eligible: cand.quota_eligible,
            below_quota_minimum: below_minimum(cand, senior),
        });
    }
    let (quota_seats, seats, reserved) = match (senior, junior) {
        (Some(x), _) => {
            let alloc = quotas.iter().find(|a| a.senior as usize == x);
            (
                alloc.map_or_else(Vec::new, |a| {
                    a.shares.iter().map(|s| (s.junior, s.seats)).collect()
                }),
                inputs.senior_schools[x].seats,
                alloc.map_or(0, |a| a.seats),
            )
        }
        (None, Some(j)) => (
            quotas
                .iter()
                .filter_map(|a| {
                    a.shares
                        .iter()
                        .find(|s| s.junior as usize == j)
                        .map(|s| (a.senior, s.seats))
                })
                .collect(),
            0,
            0,
        ),
        (None, None) => (Vec::new(), 0, 0),
    };
    Some(SignOffList {
        school: school.clone(),
        rows,
        candidates,
        eligible,
        quota_eligible,
        quota_seats,
        seats,
        reserved,
    })
}
