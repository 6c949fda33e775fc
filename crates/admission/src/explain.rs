//! "Why not school X" for one candidate (algorithms.md A3 "explanation",
//! oracle O3): the school's cutoff at the candidate's turn, the candidate's
//! score, and the first tie-break field that differed — in Chinese, from
//! the run's own inputs, policy and outcome.

use serde::{Deserialize, Serialize};

use crate::engine::{Chain, Prepared};
use crate::model::{Candidate, Inputs, Score};
use crate::outcome::{Outcome, Round};
use crate::policy::{LastTie, Policy, QuotaForm};
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
    /// Admitted in the quota round (at `school`), so the candidate took no
    /// part in the open round, where this school stood higher on their list
    /// (the quota cost of O8, when it was a better school).
    PlacedInQuotaRound { school: u32 },
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
            Verdict::PlacedInQuotaRound { .. } => "已在指标生批次录取",
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
    let c = inputs
        .candidates
        .iter()
        .position(|cand| cand.id.0 == candidate.trim())
        .ok_or_else(|| AdmissionError::NotFound(format!("没有准考证号为“{}”的考生", candidate.trim())))?
        as u32;
    let x = inputs
        .senior_schools
        .iter()
        .position(|s| s.code.as_str() == school.trim())
        .ok_or_else(|| AdmissionError::NotFound(format!("没有学校标识码为“{}”的高中学校", school.trim())))?
        as u32;
    let n = inputs.candidates.len() as u32;
    let cutoffs_fit = outcome
        .schools
        .iter()
        .flat_map(|s| [&s.quota_cutoff, &s.open_cutoff])
        .chain(outcome.junior_cutoffs.iter().map(|j| &j.cutoff))
        .all(|cut| cut.as_ref().is_none_or(|cut| cut.candidate < n));
    let m = inputs.senior_schools.len() as u32;
    let schools_fit = outcome.placements.iter().all(|p| p.school.is_none_or(|x| x < m))
        && outcome.junior_cutoffs.iter().all(|j| j.senior < m);
    // An outcome stored for other inputs answers nothing.
    if !cutoffs_fit
        || !schools_fit
        || outcome.placements.len() != inputs.candidates.len()
        || outcome.schools.len() != inputs.senior_schools.len()
    {
        return Err(AdmissionError::NotFound("录取结果与录取数据不对应".to_owned()));
    }
    let prepared = Prepared::new(inputs, policy);
    let ctx = Context {
        p: &prepared,
        outcome,
        c,
        x,
    };
    let placement = outcome.placements[c as usize];
    let mut sentences = Vec::new();
    let quota_verdict = ctx.quota_round(&mut sentences);
    let open_verdict = ctx.open_round(&mut sentences);
    let verdict = if placement.school == Some(x) {
        Verdict::Admitted {
            round: placement.round.unwrap_or(Round::Open),
        }
    } else {
        match (quota_verdict, open_verdict) {
            (_, Some(v)) => v,
            (Some(v), None) => v,
            (None, None) => {
                sentences.push(format!("该生的指标志愿和统招志愿都没有填报{}。", ctx.name(x)));
                Verdict::NotListed
            }
        }
    };
    Ok(Explanation {
        candidate: c,
        school: x,
        verdict,
        sentences,
    })
}

struct Context<'a> {
    p: &'a Prepared<'a>,
    outcome: &'a Outcome,
    c: u32,
    x: u32,
}

impl Context<'_> {
    fn name(&self, x: u32) -> &str {
        &self.p.inputs.senior_schools[x as usize].name
    }

    fn cand(&self, c: u32) -> &Candidate {
        &self.p.inputs.candidates[c as usize]
    }

    /// Why the candidate may not be admitted at all, if so.
    fn not_admissible(&self) -> Option<String> {
        let cand = self.cand(self.c);
        if !cand.eligible {
            return Some("该生没有录取资格（录取资格为“否”）".to_owned());
        }
        match self.p.policy.min_total {
            Some(min) if cand.total() < min => {
                Some(format!("总分 {} 低于最低录取控制线 {min}", cand.total()))
            }
            _ => None,
        }
    }

    /// The quota round at `x`, if the candidate listed it there.
    fn quota_round(&self, sentences: &mut Vec<String>) -> Option<Verdict> {
        let (c, x) = (self.c, self.x);
        let pos = self.p.quota.of(c).find(|&(_, s)| s == x).map(|(pos, _)| pos)?;
        if self.p.policy.quota.form != QuotaForm::Reserved {
            sentences.push(format!(
                "指标生：本政策不设指标生批次，第 {pos} 指标志愿{}不起作用。",
                self.name(x)
            ));
            return Some(Verdict::NotEligible {
                reason: "本政策不设指标生批次".to_owned(),
            });
        }
        let head = format!("指标生：{}为第 {pos} 指标志愿。", self.name(x));
        let placement = self.outcome.placements[c as usize];
        if placement.round == Some(Round::Quota) {
            if placement.school == Some(x) {
                sentences.push(format!("{head}该生以指标生录取。"));
                return Some(Verdict::Admitted { round: Round::Quota });
            }
            if let (Some(school), Some(choice)) = (placement.school, placement.choice) {
                if choice < pos {
                    sentences.push(format!(
                        "{head}该生已被第 {choice} 指标志愿{}录取。",
                        self.name(school)
                    ));
                    return Some(Verdict::PlacedHigher {
                        school,
                        round: Round::Quota,
                    });
                }
            }
        }
        let cand = self.cand(c);
        let reason = self.not_admissible().or_else(|| {
            if !cand.quota_eligible {
                return Some("该生没有指标生资格".to_owned());
            }
            match self.p.quota_minimum(x) {
                Some(min) if cand.total() < min => {
                    Some(format!("总分 {} 低于该校指标生最低分 {min}", cand.total()))
                }
                _ => None,
            }
        });
        if let Some(reason) = reason {
            sentences.push(format!("{head}{reason}。"));
            return Some(Verdict::NotEligible { reason });
        }
        let j = self.p.cand_junior[c as usize];
        let Some(junior) = self.p.inputs.junior_schools.get(j as usize).map(|s| &s.name) else {
            let reason = "毕业学校不在初中学校表中".to_owned();
            sentences.push(format!("{head}{reason}。"));
            return Some(Verdict::NotEligible { reason });
        };
        let slot = self
            .outcome
            .junior_cutoffs
            .iter()
            .find(|jc| jc.senior == x && jc.junior == j);
        let Some(slot) = slot.filter(|s| s.seats > 0) else {
            let reason = format!("{junior}在{}没有分到指标名额", self.name(x));
            sentences.push(format!("{head}{reason}。"));
            return Some(Verdict::NotEligible { reason });
        };
        // Ranks among the junior school's candidates in the quota round.
        let mut peers: Vec<u32> = (0..self.p.inputs.candidates.len() as u32)
            .filter(|&d| {
                self.p.cand_junior[d as usize] == j && self.cand(d).quota_eligible && self.p.admissible(d)
            })
            .collect();
        peers.sort_unstable_by_key(|&d| self.p.keys.rank[d as usize]);
        let rank_of = |d: u32| peers.iter().position(|&e| e == d).map_or(0, |i| i + 1);
        let takers: Vec<String> = peers
            .iter()
            .filter(|&&d| {
                let pl = self.outcome.placements[d as usize];
                pl.round == Some(Round::Quota) && pl.school == Some(x)
            })
            .map(|&d| rank_of(d).to_string())
            .collect();
        let Some(cut) = &slot.cutoff else {
            let reason = format!("{junior}在该校的指标无人录取");
            sentences.push(format!("{head}{reason}。"));
            return Some(Verdict::NotEligible { reason });
        };
        sentences.push(format!(
            "{head}{junior}在该校的指标 {} 个，由本校指标生排名第 {} 名的考生录取；该生排名第 {} 名。{}",
            slot.seats,
            takers.join("、"),
            rank_of(c),
            self.compare_sentence(cut.candidate, false)
        ));
        Some(Verdict::Outranked {
            round: Round::Quota,
            last_admitted: cut.candidate,
        })
    }

    /// The open round at `x`, if the candidate listed it there.
    fn open_round(&self, sentences: &mut Vec<String>) -> Option<Verdict> {
        let (c, x) = (self.c, self.x);
        let pos = self.p.open.of(c).find(|&(_, s)| s == x).map(|(pos, _)| pos)?;
        let head = format!("统招：{}为第 {pos} 志愿。", self.name(x));
        let placement = self.outcome.placements[c as usize];
        match (placement.school, placement.round, placement.choice) {
            (Some(school), Some(Round::Open), _) if school == x => {
                sentences.push(format!("{head}该生在统招录取。"));
                return Some(Verdict::Admitted { round: Round::Open });
            }
            (Some(school), Some(Round::Quota), _) => {
                sentences.push(format!(
                    "{head}该生已在指标生批次被{}录取，不再参加统招。",
                    self.name(school)
                ));
                return Some(Verdict::PlacedInQuotaRound { school });
            }
            (Some(school), Some(Round::Open), Some(choice)) if choice < pos => {
                sentences.push(format!(
                    "{head}该生已被第 {choice} 志愿{}录取。",
                    self.name(school)
                ));
                return Some(Verdict::PlacedHigher {
                    school,
                    round: Round::Open,
                });
            }
            _ => {}
        }
        let cand = self.cand(c);
        let reason =
            self.not_admissible()
                .or_else(|| match self.p.inputs.senior_schools[x as usize].min_score {
                    Some(min) if cand.total() < min => {
                        Some(format!("总分 {} 低于该校最低录取线 {min}", cand.total()))
                    }
                    _ => None,
                });
        if let Some(reason) = reason {
            sentences.push(format!("{head}{reason}。"));
            return Some(Verdict::NotEligible { reason });
        }
        let result = &self.outcome.schools[x as usize];
        let Some(cut) = &result.open_cutoff else {
            let reason = "该校统招没有名额".to_owned();
            sentences.push(format!("{head}{reason}。"));
            return Some(Verdict::NotEligible { reason });
        };
        sentences.push(format!(
            "{head}轮到该生时该校统招 {} 个名额已满。{}",
            result.open_seats,
            self.compare_sentence(cut.candidate, self.p.open_is_da())
        ));
        Some(Verdict::Outranked {
            round: Round::Open,
            last_admitted: cut.candidate,
        })
    }

    /// The candidate against the last admitted: totals, then the first
    /// chain field that differs, or the lottery; for schools with their own
    /// order, the priority group or the call order.
    fn compare_sentence(&self, d: u32, school_order: bool) -> String {
        let (cand, last) = (self.cand(self.c), self.cand(d));
        let mut out = format!("该校最后录取者总分 {}，该生 {}", last.total(), cand.total());
        let gap = last.total().0 - cand.total().0;
        if gap > 0 {
            out.push_str(&format!("（总分低 {} 分）", Score(gap)));
        }
        out.push('。');
        if school_order {
            if self.p.outside_priority(self.c, self.x) && !self.p.outside_priority(d, self.x) {
                out.push_str("该校优先录取其优先区县的考生，该生不在优先区县。");
                return out;
            }
            if matches!(self.p.policy.quota.form, QuotaForm::CallOrder { .. })
                && self.p.inputs.senior_schools[self.x as usize].quota_school
            {
                out.push_str("该校按农村考生最低比例排出录取顺序，该生在顺序中位于最后录取者之后。");
                return out;
            }
        }
        let Ok(chain) = Chain::resolve(self.p.inputs, self.p.policy) else {
            return out;
        };
        match chain.first_difference(cand, last) {
            Some((i, _)) if gap == 0 || i > 0 => {
                let field = &chain.fields[i];
                let prefix = if i == 0 {
                    String::new()
                } else {
                    format!(
                        "{}相同，",
                        chain.fields[..i]
                            .iter()
                            .map(|f| f.name.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    )
                };
                let direction = if field.higher_first {
                    ""
                } else {
                    "（低者优先）"
                };
                out.push_str(&format!(
                    "{prefix}{}{direction}：该生 {}，最后录取者 {}。",
                    field.name,
                    Score(chain.value(cand, i) as i32),
                    Score(chain.value(last, i) as i32)
                ));
            }
            Some(_) => {}
            None => out.push_str(match self.p.policy.tie_break.last {
                LastTie::Lottery { .. } => "排位字段全部相同，按统一随机号排在最后录取者之后。",
                LastTie::SchoolLottery { .. } => "排位字段全部相同，按该校抽签排在最后录取者之后。",
                LastTie::AdmitAll => "排位字段全部相同。",
            }),
        }
        out
    }
}
