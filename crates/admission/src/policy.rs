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

use crate::model::{Score, TOTAL_FIELD};

/// An exact non-negative rational `num / den` (den > 0), reduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ratio {
    pub num: u64,
    pub den: u64,
}

impl Ratio {
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// The largest value [`Ratio::parse`] accepts: no share or factor in a
    /// policy comes near it, and it keeps every product in the quota
    /// allocation far inside 128 bits.
    pub const MAX_WHOLE: u64 = 1_000_000;
    /// The largest denominator accepted (a percentage with 6 decimals).
    pub const MAX_DEN: u64 = 100_000_000;

    /// `num / den` reduced; `None` when `den` is 0.
    pub fn new(num: u64, den: u64) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den);
        Some(Ratio {
            num: num / g,
            den: den / g,
        })
    }

    /// Parses `0.5`, `1.2`, `60%`, `3/5`; at most 6 decimals; refuses
    /// negatives and anything over [`Ratio::MAX_WHOLE`] (or a denominator
    /// over [`Ratio::MAX_DEN`]).
    pub fn parse(text: &str) -> Option<Ratio> {
        let text = text.trim();
        if text.is_empty() || text.len() > 32 {
            return None;
        }
        let ratio = if let Some(percent) = text.strip_suffix('%') {
            let (num, den) = parse_decimal(percent.trim())?;
            Ratio::new(num, den.checked_mul(100)?)?
        } else if let Some((num, den)) = text.split_once('/') {
            let num = parse_digits(num.trim())?;
            let den = parse_digits(den.trim())?;
            Ratio::new(num, den)?
        } else {
            let (num, den) = parse_decimal(text)?;
            Ratio::new(num, den)?
        };
        (ratio.den <= Ratio::MAX_DEN
            && ratio.num / ratio.den <= Ratio::MAX_WHOLE
            && !(ratio.num / ratio.den == Ratio::MAX_WHOLE && ratio.num % ratio.den != 0))
            .then_some(ratio)
    }

    /// `0.5`, `1.2`, `3` — or `2/3` when the value has no decimal form of
    /// at most 6 places, so that [`Ratio::parse`] reads every output back.
    pub fn to_decimal_string(self) -> String {
        match self.decimal_places(6) {
            Some(places) => decimal(u128::from(self.num), u128::from(self.den), places),
            None => format!("{}/{}", self.num, self.den),
        }
    }

    /// `50%`, `12.5%`, or the decimal form when the percentage would need
    /// more than 6 places — for messages and pages.
    pub fn to_percent_string(self) -> String {
        let hundred = Ratio {
            num: self.num.saturating_mul(100),
            den: self.den,
        };
        match hundred.decimal_places(6) {
            Some(places) if self.num <= u64::MAX / 100 => format!(
                "{}%",
                decimal(u128::from(hundred.num), u128::from(hundred.den), places)
            ),
            _ => self.to_decimal_string(),
        }
    }

    /// ⌈self · n⌉, exact.
    pub fn ceil_mul(self, n: u32) -> u128 {
        let product = u128::from(self.num) * u128::from(n);
        product.div_ceil(u128::from(self.den.max(1)))
    }

    /// `self · other`, reduced; `None` on overflow.
    pub fn checked_mul(self, other: Ratio) -> Option<Ratio> {
        let num = u128::from(self.num) * u128::from(other.num);
        let den = u128::from(self.den) * u128::from(other.den);
        let g = gcd_u128(num, den.max(1));
        Some(Ratio {
            num: u64::try_from(num / g).ok()?,
            den: u64::try_from(den.max(1) / g).ok()?,
        })
    }

    /// The fewest decimal places (≤ `max`) that write the value exactly.
    fn decimal_places(self, max: u32) -> Option<u32> {
        let den = u128::from(self.den.max(1));
        (0..=max).find(|&places| (u128::from(self.num) * 10u128.pow(places)) % den == 0)
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Ratio) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Ratio) -> std::cmp::Ordering {
        (u128::from(self.num) * u128::from(other.den)).cmp(&(u128::from(other.num) * u128::from(self.den)))
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// Stein's binary gcd: no 128-bit division (the quota allocation reduces
/// one fraction per junior school and quota school); gcd(0, 0) = 1.
pub(crate) fn gcd_u128(a: u128, b: u128) -> u128 {
    if a == 0 || b == 0 {
        return (a | b).max(1);
    }
    if let (Ok(a), Ok(b)) = (u64::try_from(a), u64::try_from(b)) {
        return u128::from(binary_gcd_u64(a, b));
    }
    let shift = (a | b).trailing_zeros();
    let (mut a, mut b) = (a >> a.trailing_zeros(), b);
    while b != 0 {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
    }
    a << shift
}

fn binary_gcd_u64(a: u64, b: u64) -> u64 {
    let shift = (a | b).trailing_zeros();
    let (mut a, mut b) = (a >> a.trailing_zeros(), b);
    while b != 0 {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
    }
    a << shift
}

/// At most 12 ASCII digits.
fn parse_digits(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `12.345` → (12345, 1000); at most 6 decimals.
fn parse_decimal(text: &str) -> Option<(u64, u64)> {
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) if !f.is_empty() && f.len() <= 6 => (w, f),
        Some(_) => return None,
        None => (text, ""),
    };
    let whole = if whole.is_empty() && !frac.is_empty() {
        0
    } else {
        parse_digits(whole)?
    };
    let frac_value = if frac.is_empty() { 0 } else { parse_digits(frac)? };
    let den = 10u64.pow(frac.len() as u32);
    Some((whole.checked_mul(den)?.checked_add(frac_value)?, den))
}

/// `num/den` written with `places` decimals (exact by the caller's check).
fn decimal(num: u128, den: u128, places: u32) -> String {
    let scaled = num * 10u128.pow(places) / den.max(1);
    let unit = 10u128.pow(places);
    if places == 0 {
        format!("{scaled}")
    } else {
        format!(
            "{}.{:0width$}",
            scaled / unit,
            scaled % unit,
            width = places as usize
        )
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
    /// Which junior schools share a quota school's reserved seats: the
    /// whole city's, or only those of the quota school's own county (a
    /// county's quality school serving its own county).
    #[serde(default)]
    pub area: QuotaArea,
}

/// The junior schools a quota school's reserved seats are split among.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaArea {
    /// Every junior school in the inputs.
    #[default]
    City,
    /// The junior schools in the quota school's county.
    County,
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

/// A policy file's size limit: a policy is a page of settings; anything
/// larger is refused before parsing.
pub const MAX_POLICY_BYTES: usize = 64 * 1024;

/// Per-school entries (shares, previous cutoffs) in one policy file.
const MAX_SCHOOL_ENTRIES: usize = 5_000;

impl Policy {
    /// Reads a policy file (TOML); every field named in errors. Omitted
    /// fields take the defaults of `docs/admission.md`: reserved seats by
    /// graduates, factors 1, no quota minimum, unfilled seats to the open
    /// round, the chain 总分, then a lottery with seed 0, no schools'
    /// own priorities.
    pub fn parse_toml(text: &str) -> Result<Policy, PolicyError> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(PolicyError::TooLarge(text.len(), MAX_POLICY_BYTES));
        }
        let raw: RawPolicy =
            toml::from_str(text).map_err(|e| PolicyError::Syntax(registry::text::toml_error_zh(&e, text)))?;
        raw.into_policy()
    }

    /// Writes the policy back as TOML that [`Policy::parse_toml`] reads
    /// (every field written, defaults included).
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        let line = |out: &mut String, key: &str, value: String| {
            out.push_str(key);
            out.push_str(" = ");
            out.push_str(&value);
            out.push('\n');
        };
        line(&mut out, "name", toml_string(&self.name));
        if let Some(score) = self.min_total {
            line(&mut out, "min_total", toml_string(&score.to_string()));
        }
        line(&mut out, "school_priorities", self.school_priorities.to_string());
        line(
            &mut out,
            "unfilled_quota",
            toml_string(match self.unfilled_quota {
                UnfilledQuota::OpenRound => "open_round",
                UnfilledQuota::Lapse => "lapse",
            }),
        );
        out.push_str("\n[quota]\n");
        let q = &self.quota;
        let form = match &q.form {
            QuotaForm::None => "none",
            QuotaForm::Reserved => "reserved",
            QuotaForm::CallOrder { .. } => "call_order",
        };
        line(&mut out, "form", toml_string(form));
        if let QuotaForm::CallOrder { min_rural } = &q.form {
            line(&mut out, "min_rural", toml_string(&min_rural.to_decimal_string()));
        }
        line(&mut out, "share", toml_string(&q.share.to_decimal_string()));
        line(
            &mut out,
            "basis",
            toml_string(match q.basis {
                QuotaBasis::Graduates => "graduates",
                QuotaBasis::EligibleCandidates => "eligible_candidates",
            }),
        );
        if q.area == QuotaArea::County {
            line(&mut out, "area", toml_string("county"));
        }
        line(
            &mut out,
            "rural_factor",
            toml_string(&q.rural_factor.to_decimal_string()),
        );
        line(
            &mut out,
            "weak_factor",
            toml_string(&q.weak_factor.to_decimal_string()),
        );
        if !q.school_shares.is_empty() {
            out.push_str("\n[quota.school_shares]\n");
            for (code, share) in &q.school_shares {
                line(
                    &mut out,
                    &toml_string(code.as_str()),
                    toml_string(&share.to_decimal_string()),
                );
            }
        }
        out.push_str("\n[quota.minimum]\n");
        match &q.minimum {
            QuotaMinimum::None => line(&mut out, "kind", toml_string("none")),
            QuotaMinimum::Absolute { score } => {
                line(&mut out, "kind", toml_string("absolute"));
                line(&mut out, "score", toml_string(&score.to_string()));
            }
            QuotaMinimum::BelowPreviousCutoff { below, cutoffs } => {
                line(&mut out, "kind", toml_string("below_previous_cutoff"));
                line(&mut out, "below", toml_string(&below.to_string()));
                out.push_str("\n[quota.minimum.cutoffs]\n");
                for (code, score) in cutoffs {
                    line(
                        &mut out,
                        &toml_string(code.as_str()),
                        toml_string(&score.to_string()),
                    );
                }
            }
        }
        out.push_str("\n[tie_break]\n");
        let chain: Vec<String> = self
            .tie_break
            .chain
            .iter()
            .map(|f| {
                if f.higher_first {
                    toml_string(&f.field)
                } else {
                    format!("{{ field = {}, higher_first = false }}", toml_string(&f.field))
                }
            })
            .collect();
        line(&mut out, "chain", format!("[{}]", chain.join(", ")));
        out.push_str("\n[tie_break.last]\n");
        match self.tie_break.last {
            LastTie::Lottery { seed } => {
                line(&mut out, "kind", toml_string("lottery"));
                line(&mut out, "seed", toml_string(&seed.to_string()));
            }
            LastTie::AdmitAll => line(&mut out, "kind", toml_string("admit_all")),
            LastTie::SchoolLottery { seed } => {
                line(&mut out, "kind", toml_string("school_lottery"));
                line(&mut out, "seed", toml_string(&seed.to_string()));
            }
        }
        out
    }

    /// The rules in plain Chinese sentences, for pages and the CLI
    /// ("指标到校比例 50%，按应届毕业生数分配，农村学校权重 1.2 …").
    pub fn describe_zh(&self) -> Vec<String> {
        let mut lines = vec![format!("政策：{}", self.name)];
        let q = &self.quota;
        let basis = match (q.basis, q.area) {
            (QuotaBasis::Graduates, QuotaArea::City) => "按全市各初中应届毕业生数",
            (QuotaBasis::EligibleCandidates, QuotaArea::City) => "按全市各初中具备指标生资格的考生数",
            (QuotaBasis::Graduates, QuotaArea::County) => "按本区县各初中应届毕业生数",
            (QuotaBasis::EligibleCandidates, QuotaArea::County) => "按本区县各初中具备指标生资格的考生数",
        };
        let mut weights = Vec::new();
        if q.rural_factor != Ratio::ONE {
            weights.push(format!("农村学校权重 {}", q.rural_factor.to_decimal_string()));
        }
        if q.weak_factor != Ratio::ONE {
            weights.push(format!("薄弱学校权重 {}", q.weak_factor.to_decimal_string()));
        }
        let weights = if weights.is_empty() {
            String::new()
        } else {
            format!("，{}", weights.join("，"))
        };
        match &q.form {
            QuotaForm::None => lines.push("不设指标到校：全部名额统招（平行志愿）".to_owned()),
            QuotaForm::Reserved => {
                lines.push(format!(
                    "指标到校比例 {}，{}以最大余数法分配到初中{}",
                    q.share.to_percent_string(),
                    basis,
                    weights
                ));
                for (code, share) in &q.school_shares {
                    lines.push(format!(
                        "学校 {code} 的指标到校比例为 {}",
                        share.to_percent_string()
                    ));
                }
                lines.push(match &q.minimum {
                    QuotaMinimum::None => "指标生不设限制性分数线".to_owned(),
                    QuotaMinimum::Absolute { score } => format!("指标生最低分数 {score} 分"),
                    QuotaMinimum::BelowPreviousCutoff { below, .. } => {
                        format!("指标生分数不低于该校上一年统招录取分数线以下 {below} 分")
                    }
                });
                lines.push(match self.unfilled_quota {
                    UnfilledQuota::OpenRound => "未录满的指标名额转入本校统招".to_owned(),
                    UnfilledQuota::Lapse => "未录满的指标名额当年不再使用".to_owned(),
                });
            }
            QuotaForm::CallOrder { min_rural } => lines.push(format!(
                "不预留指标名额：优质高中的录取顺序中，农村初中考生在任一前 k 名中至少占 {}（向上取整）",
                min_rural.to_percent_string()
            )),
        }
        lines.push(match self.min_total {
            Some(score) => format!("最低录取控制线 {score} 分"),
            None => "不设全市最低录取控制线".to_owned(),
        });
        let chain: Vec<String> = self
            .tie_break
            .chain
            .iter()
            .map(|f| {
                if f.higher_first {
                    f.field.clone()
                } else {
                    format!("{}（低者优先）", f.field)
                }
            })
            .collect();
        lines.push(format!("排位顺序：{}", chain.join(" → ")));
        lines.push(match self.tie_break.last {
            LastTie::Lottery { seed } => {
                format!("以上全部相同时，按统一随机号排位（随机种子 {seed}，由准考证号算出，与录入顺序无关）")
            }
            LastTie::AdmitAll => "以上全部相同且同在末位时，全部录取（可超计划）".to_owned(),
            LastTie::SchoolLottery { seed } => {
                format!("以上全部相同时，各校分别抽签（随机种子 {seed}），统招按延迟接受算法录取")
            }
        });
        if self.school_priorities {
            lines.push("学校可对本区县考生优先录取（延迟接受算法）".to_owned());
        }
        lines
    }

    /// The demo city's policy with the given quota share (50 %, 60 %):
    /// reserved seats by graduates, rural ×1.2, no quota minimum beyond
    /// `min_total`, unfilled seats to the open round, 总分 → 语文+数学 →
    /// 数学 → 语文 → 外语, then a lottery.
    pub fn demo(share: Ratio) -> Policy {
        let chain = [TOTAL_FIELD, "语文+数学", "数学", "语文", "外语"]
            .into_iter()
            .map(|field| TieField {
                field: field.to_owned(),
                higher_first: true,
            })
            .collect();
        Policy {
            name: format!("指标到校{}", share.to_percent_string()),
            quota: QuotaPolicy {
                form: QuotaForm::Reserved,
                share,
                school_shares: BTreeMap::new(),
                basis: QuotaBasis::Graduates,
                area: QuotaArea::City,
                rural_factor: Ratio { num: 6, den: 5 },
                weak_factor: Ratio::ONE,
                minimum: QuotaMinimum::None,
            },
            unfilled_quota: UnfilledQuota::OpenRound,
            min_total: None,
            tie_break: TieBreak {
                chain,
                last: LastTie::Lottery { seed: 0 },
            },
            school_priorities: false,
        }
    }

    /// The demo city's policy as `edugov demo` stores it: [`Policy::demo`]
    /// with a minimum for quota admission of 500 of the demo's 720 points
    /// (指标生最低控制线, about the 普通高中 line there: the open round's
    /// weakest schools fill near it), so a quality school's quota seats do
    /// not go to candidates far below every school's line.
    pub fn demo_city(share: Ratio) -> Policy {
        let mut policy = Policy::demo(share);
        policy.quota.minimum = QuotaMinimum::Absolute { score: Score(5_000) };
        policy
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number as written: `0.5`, `612`, or a string (`"50%"`, `"612.5"`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawNumber {
    Int(i64),
    Float(f64),
    Text(String),
}

impl RawNumber {
    fn text(&self) -> String {
        match self {
            RawNumber::Int(i) => i.to_string(),
            RawNumber::Float(f) => f.to_string(),
            RawNumber::Text(t) => t.trim().to_owned(),
        }
    }
}

/// A field of the chain: `"数学"` (higher first) or a table.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawTieField {
    Name(String),
    Table(RawTieTable),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTieTable {
    field: String,
    higher_first: Option<bool>,
}

/// The file as written: every field optional except the name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    name: String,
    min_total: Option<RawNumber>,
    school_priorities: Option<bool>,
    unfilled_quota: Option<String>,
    quota: Option<RawQuota>,
    tie_break: Option<RawTieBreak>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuota {
    form: Option<String>,
    min_rural: Option<RawNumber>,
    share: Option<RawNumber>,
    school_shares: Option<BTreeMap<String, RawNumber>>,
    basis: Option<String>,
    area: Option<String>,
    rural_factor: Option<RawNumber>,
    weak_factor: Option<RawNumber>,
    minimum: Option<RawMinimum>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMinimum {
    kind: String,
    score: Option<RawNumber>,
    below: Option<RawNumber>,
    cutoffs: Option<BTreeMap<String, RawNumber>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTieBreak {
    chain: Option<Vec<RawTieField>>,
    last: Option<RawLast>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLast {
    kind: String,
    seed: Option<RawNumber>,
}

fn field_error(field: &str, message: impl Into<String>) -> PolicyError {
    PolicyError::Field {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// A share: a ratio from 0 to 1.
fn share_value(field: &str, raw: &RawNumber) -> Result<Ratio, PolicyError> {
    let text = raw.text();
    let ratio = Ratio::parse(&text).ok_or_else(|| {
        field_error(
            field,
            format!("“{text}”不是有效比例，应写成 0.5、50% 或 1/2，最多 6 位小数"),
        )
    })?;
    if ratio > Ratio::ONE {
        return Err(field_error(field, format!("比例 {text} 超过 100%")));
    }
    Ok(ratio)
}

/// A weighting factor: from 0 to 10.
fn factor_value(field: &str, raw: &RawNumber) -> Result<Ratio, PolicyError> {
    let text = raw.text();
    let ratio = Ratio::parse(&text).ok_or_else(|| {
        field_error(
            field,
            format!("“{text}”不是有效权重，应写成 1.2 之类的非负数，最多 6 位小数"),
        )
    })?;
    if ratio > (Ratio { num: 10, den: 1 }) {
        return Err(field_error(field, format!("权重 {text} 超过上限 10")));
    }
    Ok(ratio)
}

fn score_value(field: &str, raw: &RawNumber) -> Result<Score, PolicyError> {
    let text = raw.text();
    Score::parse(&text)
        .ok_or_else(|| field_error(field, format!("“{text}”不是有效分数，应为 0–1000，最多 1 位小数")))
}

fn school_key(field: &str, code: &str) -> Result<SchoolCode, PolicyError> {
    SchoolCode::parse(code).map_err(|_| field_error(field, format!("“{code}”不是 10 位学校标识码")))
}

impl RawPolicy {
    fn into_policy(self) -> Result<Policy, PolicyError> {
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(field_error("name（政策名称）", "应为 1–100 个字"));
        }
        // The name becomes a run's default label: on pages, in workbooks,
        // terminals and the audit log, where control and bidi characters
        // could disguise it.
        if let Some(c) = name
            .chars()
            .find(|&c| c.is_control() || registry::text::is_bidi_control(c))
        {
            return Err(field_error(
                "name（政策名称）",
                format!("含控制字符 U+{:04X}，请删去", u32::from(c)),
            ));
        }
        let min_total = self
            .min_total
            .as_ref()
            .map(|raw| score_value("min_total（最低录取控制线）", raw))
            .transpose()?;
        let unfilled_quota = match self.unfilled_quota.as_deref().map(str::trim) {
            None | Some("open_round") => UnfilledQuota::OpenRound,
            Some("lapse") => UnfilledQuota::Lapse,
            Some(other) => {
                return Err(field_error(
                    "unfilled_quota（未录满指标名额）",
                    format!("“{other}”无法识别，应为 open_round（转统招）或 lapse（不再使用）"),
                ))
            }
        };
        let quota = match self.quota {
            Some(raw) => raw.into_quota()?,
            None => RawQuota::empty().into_quota()?,
        };
        let tie_break = match self.tie_break {
            Some(raw) => raw.into_tie_break()?,
            None => RawTieBreak {
                chain: None,
                last: None,
            }
            .into_tie_break()?,
        };
        Ok(Policy {
            name,
            quota,
            unfilled_quota,
            min_total,
            tie_break,
            school_priorities: self.school_priorities.unwrap_or(false),
        })
    }
}

impl RawQuota {
    fn empty() -> RawQuota {
        RawQuota {
            form: None,
            min_rural: None,
            share: None,
            school_shares: None,
            basis: None,
            area: None,
            rural_factor: None,
            weak_factor: None,
            minimum: None,
        }
    }

    fn into_quota(self) -> Result<QuotaPolicy, PolicyError> {
        let form = match self.form.as_deref().map(str::trim) {
            None | Some("reserved") => QuotaForm::Reserved,
            Some("none") => QuotaForm::None,
            Some("call_order") => {
                let raw = self.min_rural.as_ref().ok_or_else(|| {
                    field_error(
                        "quota.min_rural（农村考生最低比例）",
                        "录取顺序方式（call_order）必须给出",
                    )
                })?;
                QuotaForm::CallOrder {
                    min_rural: share_value("quota.min_rural（农村考生最低比例）", raw)?,
                }
            }
            Some(other) => {
                return Err(field_error(
                    "quota.form（指标方式）",
                    format!(
                        "“{other}”无法识别，应为 reserved（指标到校）、call_order（录取顺序最低比例）或 none"
                    ),
                ))
            }
        };
        if self.min_rural.is_some() && !matches!(form, QuotaForm::CallOrder { .. }) {
            return Err(field_error(
                "quota.min_rural（农村考生最低比例）",
                "只用于 form = \"call_order\"",
            ));
        }
        let share = match &self.share {
            Some(raw) => share_value("quota.share（指标到校比例）", raw)?,
            None if form == QuotaForm::Reserved => {
                return Err(field_error(
                    "quota.share（指标到校比例）",
                    "指标到校方式必须给出比例，如 \"50%\"",
                ))
            }
            None => Ratio::ZERO,
        };
        let mut school_shares = BTreeMap::new();
        let raw_shares = self.school_shares.unwrap_or_default();
        if raw_shares.len() > MAX_SCHOOL_ENTRIES {
            return Err(field_error(
                "quota.school_shares（分校指标比例）",
                format!("超过 {MAX_SCHOOL_ENTRIES} 所学校"),
            ));
        }
        for (code, raw) in &raw_shares {
            let field = format!("quota.school_shares.{code}（分校指标比例）");
            school_shares.insert(school_key(&field, code)?, share_value(&field, raw)?);
        }
        let basis = match self.basis.as_deref().map(str::trim) {
            None | Some("graduates") => QuotaBasis::Graduates,
            Some("eligible_candidates") => QuotaBasis::EligibleCandidates,
            Some(other) => {
                return Err(field_error(
                    "quota.basis（分配依据）",
                    format!("“{other}”无法识别，应为 graduates（应届毕业生数）或 eligible_candidates（指标生资格考生数）"),
                ))
            }
        };
        let area = match self.area.as_deref().map(str::trim) {
            None | Some("city") => QuotaArea::City,
            Some("county") => QuotaArea::County,
            Some(other) => {
                return Err(field_error(
                    "quota.area（分配范围）",
                    format!("“{other}”无法识别，应为 city（全市初中）或 county（本区县初中）"),
                ))
            }
        };
        let rural_factor = match &self.rural_factor {
            Some(raw) => factor_value("quota.rural_factor（农村学校权重）", raw)?,
            None => Ratio::ONE,
        };
        let weak_factor = match &self.weak_factor {
            Some(raw) => factor_value("quota.weak_factor（薄弱学校权重）", raw)?,
            None => Ratio::ONE,
        };
        let minimum = match self.minimum {
            None => QuotaMinimum::None,
            Some(raw) => raw.into_minimum()?,
        };
        Ok(QuotaPolicy {
            form,
            share,
            school_shares,
            basis,
            rural_factor,
            weak_factor,
            minimum,
            area,
        })
    }
}

impl RawMinimum {
    fn into_minimum(self) -> Result<QuotaMinimum, PolicyError> {
        let unused = |name: &str, present: bool| {
            if present {
                Err(field_error(
                    &format!("quota.minimum.{name}"),
                    format!("与 kind = \"{}\" 不符", self.kind.trim()),
                ))
            } else {
                Ok(())
            }
        };
        match self.kind.trim() {
            "none" => {
                unused("score", self.score.is_some())?;
                unused("below", self.below.is_some())?;
                unused("cutoffs", self.cutoffs.is_some())?;
                Ok(QuotaMinimum::None)
            }
            "absolute" => {
                unused("below", self.below.is_some())?;
                unused("cutoffs", self.cutoffs.is_some())?;
                let field = "quota.minimum.score（指标生最低分数）";
                let raw = self
                    .score
                    .as_ref()
                    .ok_or_else(|| field_error(field, "kind = \"absolute\" 时必须给出"))?;
                Ok(QuotaMinimum::Absolute {
                    score: score_value(field, raw)?,
                })
            }
            "below_previous_cutoff" => {
                unused("score", self.score.is_some())?;
                let field = "quota.minimum.below（低于上年分数线的分数）";
                let raw = self
                    .below
                    .as_ref()
                    .ok_or_else(|| field_error(field, "kind = \"below_previous_cutoff\" 时必须给出"))?;
                let below = score_value(field, raw)?;
                let raw_cutoffs = self.cutoffs.unwrap_or_default();
                if raw_cutoffs.len() > MAX_SCHOOL_ENTRIES {
                    return Err(field_error(
                        "quota.minimum.cutoffs（上年统招分数线）",
                        format!("超过 {MAX_SCHOOL_ENTRIES} 所学校"),
                    ));
                }
                let mut cutoffs = BTreeMap::new();
                for (code, raw) in &raw_cutoffs {
                    let field = format!("quota.minimum.cutoffs.{code}（上年统招分数线）");
                    cutoffs.insert(school_key(&field, code)?, score_value(&field, raw)?);
                }
                Ok(QuotaMinimum::BelowPreviousCutoff { below, cutoffs })
            }
            other => Err(field_error(
                "quota.minimum.kind（指标生最低分）",
                format!("“{other}”无法识别，应为 none、absolute 或 below_previous_cutoff"),
            )),
        }
    }
}

impl RawTieBreak {
    fn into_tie_break(self) -> Result<TieBreak, PolicyError> {
        let chain = match self.chain {
            None => vec![TieField {
                field: TOTAL_FIELD.to_owned(),
                higher_first: true,
            }],
            Some(raw) => {
                let field = "tie_break.chain（排位顺序）";
                if raw.is_empty() || raw.len() > crate::model::limits::MAX_FIELDS {
                    return Err(field_error(
                        field,
                        format!("应列出 1–{} 个成绩字段", crate::model::limits::MAX_FIELDS),
                    ));
                }
                let mut chain = Vec::with_capacity(raw.len());
                for (i, item) in raw.into_iter().enumerate() {
                    let (name, higher_first) = match item {
                        RawTieField::Name(name) => (name, true),
                        RawTieField::Table(t) => (t.field, t.higher_first.unwrap_or(true)),
                    };
                    let name = name.trim().to_owned();
                    if name.is_empty() || name.chars().count() > crate::model::limits::MAX_TEXT_CHARS {
                        return Err(field_error(field, format!("第 {} 项字段名为空或过长", i + 1)));
                    }
                    if chain.iter().any(|f: &TieField| f.field == name) {
                        return Err(field_error(field, format!("字段“{name}”重复")));
                    }
                    chain.push(TieField {
                        field: name,
                        higher_first,
                    });
                }
                chain
            }
        };
        let last = match self.last {
            None => LastTie::Lottery { seed: 0 },
            Some(raw) => {
                let seed = |raw: &RawLast| -> Result<u64, PolicyError> {
                    match &raw.seed {
                        None => Ok(0),
                        Some(value) => {
                            let text = value.text();
                            text.parse::<u64>().map_err(|_| {
                                field_error(
                                    "tie_break.last.seed（随机种子）",
                                    format!("“{text}”应为非负整数"),
                                )
                            })
                        }
                    }
                };
                match raw.kind.trim() {
                    "lottery" => LastTie::Lottery { seed: seed(&raw)? },
                    "school_lottery" => LastTie::SchoolLottery { seed: seed(&raw)? },
                    "admit_all" => {
                        if raw.seed.is_some() {
                            return Err(field_error("tie_break.last.seed（随机种子）", "admit_all 不用随机种子"));
                        }
                        LastTie::AdmitAll
                    }
                    other => {
                        return Err(field_error(
                            "tie_break.last.kind（同分末位规则）",
                            format!("“{other}”无法识别，应为 lottery（统一随机号）、admit_all（同分全录）或 school_lottery（各校抽签）"),
                        ))
                    }
                }
            }
        };
        Ok(TieBreak { chain, last })
    }
}
