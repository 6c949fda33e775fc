//! Two runs side by side: what a policy did (rural candidates in quality
//! schools, the spread of cutoffs between junior schools, first choices,
//! the quota cost of O8) and who moved between two runs.

use std::collections::BTreeMap;

use registry::SchoolCode;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::engine::Prepared;
use crate::model::{CandidateId, Inputs};
use crate::outcome::{Outcome, Round};
use crate::policy::{Policy, QuotaForm, UnfilledQuota};

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
    /// `false` when an open round run as deferred acceptance was too large
    /// to re-run per quota admit and the serial-dictatorship rule stood in
    /// ([`QUOTA_COST_RERUN_BUDGET`]): the figure is then approximate.
    #[serde(default = "exact_by_default")]
    pub quota_cost_exact: bool,
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

/// One run's figures (the quota cost by [`quota_cost`]).
impl Summary {
    /// The quota cost as the CLI and workbooks print it: "约" before it
    /// when it is the approximate rule ([`QUOTA_COST_RERUN_BUDGET`]).
    pub fn quota_cost_text(&self) -> String {
        if self.quota_cost_exact {
            self.quota_cost.to_string()
        } else {
            format!("约 {}", self.quota_cost)
        }
    }
}

fn exact_by_default() -> bool {
    true
}

pub fn summarize(inputs: &Inputs, policy: &Policy, outcome: &Outcome) -> Summary {
    let mut summary = Summary {
        candidates: inputs.candidates.len() as u32,
        placed: 0,
        placed_quota: 0,
        placed_open: 0,
        unplaced: 0,
        first_choice: 0,
        rural_candidates: 0,
        rural_in_quality: 0,
        in_quality: 0,
        junior_cutoff_spread_mean: None,
        junior_cutoff_spread_max: None,
        quota_cost: 0,
        quota_cost_exact: true,
    };
    let (costs, exact) = quota_cost_within(inputs, policy, outcome, QUOTA_COST_RERUN_BUDGET);
    summary.quota_cost = costs.len() as u32;
    summary.quota_cost_exact = exact;
    let rural: FxHashMap<&str, bool> = inputs
        .junior_schools
        .iter()
        .map(|j| (j.code.as_str(), j.rural))
        .collect();
    for (cand, placement) in inputs.candidates.iter().zip(&outcome.placements) {
        let is_rural = rural.get(cand.junior_school.as_str()).copied().unwrap_or(false);
        summary.rural_candidates += u32::from(is_rural);
        match placement.round {
            Some(Round::Quota) => summary.placed_quota += 1,
            Some(Round::Open) => summary.placed_open += 1,
            None => {}
        }
        let Some(x) = placement.school else {
            summary.unplaced += 1;
            continue;
        };
        summary.placed += 1;
        summary.first_choice += u32::from(placement.choice == Some(1));
        if inputs
            .senior_schools
            .get(x as usize)
            .is_some_and(|s| s.quota_school)
        {
            summary.in_quality += 1;
            summary.rural_in_quality += u32::from(is_rural);
        }
    }
    let spreads: Vec<i32> = spreads(inputs, outcome)
        .into_iter()
        .filter_map(|(_, s)| s)
        .collect();
    if !spreads.is_empty() {
        summary.junior_cutoff_spread_mean =
            Some(spreads.iter().map(|&s| f64::from(s)).sum::<f64>() / spreads.len() as f64);
        summary.junior_cutoff_spread_max = spreads.iter().copied().max();
    }
    summary
}

/// Per quota school: the highest minus the lowest junior-school quota
/// cutoff (tenths of a point) among junior schools that admitted anyone.
fn spreads(inputs: &Inputs, outcome: &Outcome) -> Vec<(u32, Option<i32>)> {
    let mut range: BTreeMap<u32, (i32, i32)> = BTreeMap::new();
    for jc in &outcome.junior_cutoffs {
        if let Some(cut) = &jc.cutoff {
            let entry = range.entry(jc.senior).or_insert((cut.score.0, cut.score.0));
            entry.0 = entry.0.min(cut.score.0);
            entry.1 = entry.1.max(cut.score.0);
        }
    }
    inputs
        .senior_schools
        .iter()
        .enumerate()
        .filter(|(_, s)| s.quota_school)
        .map(|(x, _)| (x as u32, range.get(&(x as u32)).map(|(lo, hi)| hi - lo)))
        .collect()
}

/// The candidates the quota round cost a better school (O8), by the rule of
/// A3, exact for one deviation: a candidate admitted in the quota round at
/// `Q`, with `Q` on their open list, is hurt when some school above `Q` on
/// that list had, in the actual run, fewer open admits ranked above them
/// than open seats (in serial dictatorship those never depend on lower
/// keys). When the freed quota seat ends up unfilled and flows back to the
/// open round, the extra seat is followed along its vacancy chain among the
/// higher-ranked candidates. Open rounds run as deferred acceptance are
/// re-run once per quota admit instead. A quota school not on the open
/// list gives no comparison and counts as no cost.
pub fn quota_cost(inputs: &Inputs, policy: &Policy, outcome: &Outcome) -> Vec<QuotaCost> {
    quota_cost_within(inputs, policy, outcome, QUOTA_COST_RERUN_BUDGET).0
}

/// Work the deferred-acceptance form of [`quota_cost`] may spend: re-runs
/// × candidates. One re-run per quota admit is exact but quadratic; past
/// this budget (about 50 re-runs of a 100,000-candidate city, a few
/// seconds) the serial-dictatorship rule stands in and the figure is
/// marked approximate, so a page or a command never stalls on it.
pub const QUOTA_COST_RERUN_BUDGET: u64 = 5_000_000;

/// [`quota_cost`] with a budget for deferred-acceptance re-runs; the flag
/// says whether the result is exact (always, when the open round is serial
/// dictatorship).
pub fn quota_cost_within(
    inputs: &Inputs,
    policy: &Policy,
    outcome: &Outcome,
    budget: u64,
) -> (Vec<QuotaCost>, bool) {
    if policy.quota.form != QuotaForm::Reserved
        || outcome.placements.len() != inputs.candidates.len()
        || outcome.schools.len() != inputs.senior_schools.len()
    {
        return (Vec::new(), true);
    }
    let p = Prepared::new(inputs, policy);
    let quota_placed: Vec<(u32, u32)> = (0..inputs.candidates.len() as u32)
        .filter_map(|c| {
            let pl = outcome.placements[c as usize];
            (pl.round == Some(Round::Quota)).then_some((c, pl.school?))
        })
        .collect();
    let above = |c: u32, q: u32| -> Option<Vec<u32>> {
        let mut schools = Vec::new();
        for (_, y) in p.open.of(c) {
            if y == q {
                return Some(schools);
            }
            schools.push(y);
        }
        None
    };
    // Only a candidate with a school above their quota school can be hurt.
    let contenders = quota_placed
        .iter()
        .filter(|&&(c, q)| above(c, q).is_some_and(|h| !h.is_empty()))
        .count() as u64;
    let exact = !p.open_is_da() || contenders.saturating_mul(inputs.candidates.len() as u64) <= budget;
    if p.open_is_da() && exact {
        let costs = quota_placed
            .into_iter()
            .filter_map(|(c, q)| {
                let higher = above(c, q)?;
                if higher.is_empty() {
                    return None;
                }
                let again = p.run(Some(c));
                let got = again.placements[c as usize].school?;
                higher.contains(&got).then_some(QuotaCost {
                    candidate: c,
                    quota_school: q,
                    would_get: got,
                })
            })
            .collect();
        return (costs, true);
    }
    let rank = &p.keys.rank;
    let m = inputs.senior_schools.len();
    // Open admits per school by rank.
    let mut admits: Vec<Vec<u32>> = vec![Vec::new(); m];
    for (c, pl) in outcome.placements.iter().enumerate() {
        if let (Some(x), Some(Round::Open)) = (pl.school, pl.round) {
            admits[x as usize].push(rank[c]);
        }
    }
    admits.iter_mut().for_each(|a| a.sort_unstable());
    let mut chains: Option<VacancyChains> = None;
    // Each junior school's quota-eligible candidates in key order, once:
    // re-doing one junior school's quota round then reads only its own.
    let mut by_junior: Vec<Vec<u32>> = vec![Vec::new(); inputs.junior_schools.len()];
    if policy.unfilled_quota == UnfilledQuota::OpenRound {
        for &d in &p.keys.order {
            if p.inputs.candidates[d as usize].quota_eligible {
                if let Some(list) = by_junior.get_mut(p.cand_junior[d as usize] as usize) {
                    list.push(d);
                }
            }
        }
    }
    let mut costs = Vec::new();
    for (c, q) in quota_placed {
        let Some(higher) = above(c, q) else { continue };
        if higher.is_empty() {
            continue;
        }
        let rc = rank[c as usize];
        let extra = if policy.unfilled_quota == UnfilledQuota::OpenRound {
            quota_round_without(&p, outcome, &by_junior, c).and_then(|start| {
                let chains = chains.get_or_insert_with(|| VacancyChains::new(&p, outcome));
                chains.follow(&p, outcome, start, rc)
            })
        } else {
            None
        };
        let would_get = higher.into_iter().find(|&y| {
            p.open_eligible(c, y)
                && (Some(y) == extra
                    || (admits[y as usize].partition_point(|&r| r < rc) as u32)
                        < outcome.schools[y as usize].open_seats)
        });
        if let Some(would_get) = would_get {
            costs.push(QuotaCost {
                candidate: c,
                quota_school: q,
                would_get,
            });
        }
    }
    (costs, exact)
}

/// The junior school's quota round again without `c`'s quota list: the
/// school whose quota seat is left unfilled by it (and flows back), if any.
fn quota_round_without(p: &Prepared, outcome: &Outcome, by_junior: &[Vec<u32>], c: u32) -> Option<u32> {
    let j = p.cand_junior[c as usize];
    let slots: Vec<(u32, u32, u32)> = outcome
        .junior_cutoffs
        .iter()
        .filter(|jc| jc.junior == j)
        .map(|jc| (jc.senior, jc.seats, jc.admitted))
        .collect();
    let mut left: Vec<u32> = slots.iter().map(|&(_, seats, _)| seats).collect();
    let mut admitted = vec![0u32; slots.len()];
    for &d in by_junior.get(j as usize).map_or(&[][..], |v| v.as_slice()) {
        if d == c {
            continue;
        }
        for (_, x) in p.quota.of(d) {
            if !p.quota_eligible(d, x) {
                continue;
            }
            if let Some(k) = slots.iter().position(|&(s, _, _)| s == x) {
                if left[k] > 0 {
                    left[k] -= 1;
                    admitted[k] += 1;
                    break;
                }
            }
        }
    }
    slots
        .iter()
        .zip(&admitted)
        .find(|&(&(_, seats, before), &after)| after < before.min(seats))
        .map(|(&(x, _, _), _)| x)
}

/// For each school, the ranks of the open-round candidates who wanted it
/// more than what they got (eligible, listed above their school or
/// unplaced): where an extra seat there goes first.
struct VacancyChains {
    blocked: Vec<Vec<u32>>,
}

impl VacancyChains {
    fn new(p: &Prepared, outcome: &Outcome) -> VacancyChains {
        let mut blocked = vec![Vec::new(); p.inputs.senior_schools.len()];
        for &d in &p.keys.order {
            let pl = outcome.placements[d as usize];
            if pl.round == Some(Round::Quota) || !p.admissible(d) {
                continue;
            }
            for (pos, x) in p.open.of(d) {
                if pl.choice.is_some_and(|choice| pos >= choice) {
                    break;
                }
                if p.open_eligible(d, x) {
                    blocked[x as usize].push(p.keys.rank[d as usize]);
                }
            }
        }
        VacancyChains { blocked }
    }

    /// An extra open seat at `school`: each time it goes to the first
    /// ranked candidate who wanted it, whose own seat becomes the extra
    /// one. Returns where the extra seat is when the candidate of rank
    /// `until` comes (`None`: it went to someone who had no seat).
    fn follow(&self, p: &Prepared, outcome: &Outcome, mut school: u32, until: u32) -> Option<u32> {
        let mut after: Option<u32> = None;
        loop {
            let list = &self.blocked[school as usize];
            let start = after.map_or(0, |r| list.partition_point(|&x| x <= r));
            match list.get(start) {
                Some(&r) if r < until => {
                    let d = p.keys.order[r as usize];
                    school = outcome.placements[d as usize].school?;
                    after = Some(r);
                }
                _ => return Some(school),
            }
        }
    }
}

/// Every candidate whose placement changed between two runs, matched by
/// examination number (a candidate only in one run counts as changed from
/// or to nothing), in examination-number order.
pub fn changes(before: (&Inputs, &Outcome), after: (&Inputs, &Outcome)) -> Vec<Change> {
    fn placed<'a>(
        (inputs, outcome): (&'a Inputs, &Outcome),
    ) -> BTreeMap<&'a str, Option<(SchoolCode, Round)>> {
        inputs
            .candidates
            .iter()
            .zip(&outcome.placements)
            .map(|(c, pl)| {
                let at = match (pl.school, pl.round) {
                    (Some(x), Some(round)) => inputs
                        .senior_schools
                        .get(x as usize)
                        .map(|s| (s.code.clone(), round)),
                    _ => None,
                };
                (c.id.0.as_str(), at)
            })
            .collect()
    }
    let a = placed(before);
    let b = placed(after);
    let mut ids: Vec<&str> = a.keys().chain(b.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| {
            let was = a.get(id).cloned().flatten();
            let now = b.get(id).cloned().flatten();
            (was != now || a.contains_key(id) != b.contains_key(id)).then(|| Change {
                candidate: CandidateId(id.to_owned()),
                before: was,
                after: now,
            })
        })
        .collect()
}

/// Two runs on the same inputs under two policies.
pub fn compare(inputs: &Inputs, a: (&Policy, &Outcome), b: (&Policy, &Outcome)) -> Comparison {
    let spread_a = spreads(inputs, a.1);
    let spread_b = spreads(inputs, b.1);
    Comparison {
        a: summarize(inputs, a.0, a.1),
        b: summarize(inputs, b.0, b.1),
        changes: changes((inputs, a.1), (inputs, b.1)),
        spread_by_school: spread_a
            .into_iter()
            .zip(spread_b)
            .map(|((x, sa), (_, sb))| (x, sa, sb))
            .collect(),
    }
}
