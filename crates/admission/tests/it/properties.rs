//! A3's properties on seeded random instances: feasibility, no justified
//! envy, no waste, strategy-proofness by brute force, order independence,
//! the quota property, respect for improvements, explanations that agree
//! with the run, and the quota-cost rule against a re-run.

use admission::engine::{deferred_acceptance, key_order};
use admission::{
    allocate_quotas, apportion, explain, quota_cost, quota_cost_within, run, Inputs, LastTie, Outcome,
    Policy, Ratio, Round, TieField, Verdict,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::common::*;

const INSTANCES: u64 = 300;

fn with_maths(mut policy: Policy) -> Policy {
    policy.tie_break.chain.push(TieField {
        field: "数学".to_owned(),
        higher_first: true,
    });
    policy
}

/// The policies every property runs under.
fn policies() -> Vec<Policy> {
    let half = Ratio { num: 1, den: 2 };
    let mut admit_all = with_maths(reserved(half));
    admit_all.tie_break.last = LastTie::AdmitAll;
    let mut lapse = with_maths(reserved(Ratio { num: 3, den: 5 }));
    lapse.unfilled_quota = admission::UnfilledQuota::Lapse;
    let mut minimum = with_maths(reserved(half));
    minimum.min_total = Some(admission::Score(620));
    vec![
        with_maths(open_only()),
        with_maths(reserved(half)),
        admit_all,
        lapse,
        minimum,
    ]
}

fn rank_of(inputs: &Inputs, policy: &Policy) -> Vec<u32> {
    let order = key_order(inputs, policy);
    let mut rank = vec![0u32; order.len()];
    for (pos, &c) in order.iter().enumerate() {
        rank[c as usize] = pos as u32;
    }
    rank
}

fn open_eligible(inputs: &Inputs, policy: &Policy, c: usize, x: usize) -> bool {
    let cand = &inputs.candidates[c];
    cand.eligible
        && policy.min_total.is_none_or(|m| cand.total() >= m)
        && inputs.senior_schools[x]
            .min_score
            .is_none_or(|m| cand.total() >= m)
}

/// Position of `x` on the open list (first occurrence).
fn open_pos(inputs: &Inputs, c: usize, x: usize) -> Option<usize> {
    inputs.candidates[c]
        .open_list
        .iter()
        .position(|s| *s == inputs.senior_schools[x].code)
}

#[test]
fn every_seat_used_at_most_once() {
    for seed in 0..INSTANCES {
        let inp = random_instance(seed, 30, 6);
        for policy in policies() {
            let out = run(&inp, &policy).unwrap();
            let admit_all = policy.tie_break.last == LastTie::AdmitAll;
            let mut counted = vec![0u32; inp.senior_schools.len()];
            for p in &out.placements {
                if let Some(x) = p.school {
                    counted[x as usize] += 1;
                }
            }
            for (x, s) in out.schools.iter().enumerate() {
                assert_eq!(counted[x], s.quota_admitted + s.open_admitted, "seed {seed}");
                if !admit_all {
                    assert_eq!(
                        s.quota_returned + s.quota_lapsed + s.quota_admitted,
                        s.quota_seats,
                        "seed {seed}"
                    );
                }
                assert_eq!(
                    s.open_seats,
                    s.seats - s.quota_seats + s.quota_returned,
                    "seed {seed}"
                );
                if !admit_all {
                    assert!(s.quota_admitted <= s.quota_seats, "seed {seed}");
                    assert!(s.open_admitted <= s.open_seats, "seed {seed}");
                    assert!(s.quota_admitted + s.open_admitted <= s.seats, "seed {seed}");
                    assert_eq!(
                        s.seats_left,
                        s.seats - s.quota_admitted - s.open_admitted,
                        "seed {seed}"
                    );
                }
            }
            for jc in &out.junior_cutoffs {
                if !admit_all {
                    assert!(jc.admitted <= jc.seats, "seed {seed}");
                }
                let placed = out
                    .placements
                    .iter()
                    .zip(&inp.candidates)
                    .filter(|(p, c)| {
                        p.round == Some(Round::Quota)
                            && p.school == Some(jc.senior)
                            && c.junior_school == inp.junior_schools[jc.junior as usize].code
                    })
                    .count() as u32;
                assert_eq!(placed, jc.admitted, "seed {seed}");
            }
        }
    }
}

#[test]
fn open_round_has_no_justified_envy_and_no_waste() {
    for seed in 0..INSTANCES {
        let inp = random_instance(seed, 30, 6);
        for policy in policies() {
            let out = run(&inp, &policy).unwrap();
            let rank = rank_of(&inp, &policy);
            let group = |c: usize| {
                // Under admit-all, equal chains are one group.
                let cand = &inp.candidates[c];
                (cand.scores[0], cand.scores[1])
            };
            for c in 0..inp.candidates.len() {
                let p = out.placements[c];
                if p.round == Some(Round::Quota) {
                    continue;
                }
                let got = p.school.map(|x| open_pos(&inp, c, x as usize).unwrap());
                for x in 0..inp.senior_schools.len() {
                    let Some(pos) = open_pos(&inp, c, x) else { continue };
                    if got.is_some_and(|g| g <= pos) || !open_eligible(&inp, &policy, c, x) {
                        continue;
                    }
                    // c prefers x: x is full, and everyone it holds ranks above c.
                    let s = &out.schools[x];
                    assert!(s.open_admitted >= s.open_seats, "waste: seed {seed} c {c} x {x}");
                    for d in 0..inp.candidates.len() {
                        let q = out.placements[d];
                        if q.school == Some(x as u32) && q.round == Some(Round::Open) {
                            assert!(rank[d] < rank[c], "envy: seed {seed} c {c} d {d} x {x}");
                            if policy.tie_break.last == LastTie::AdmitAll {
                                assert_ne!(group(d), group(c), "tie left out: seed {seed}");
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn open_round_is_strategy_proof_by_brute_force() {
    let lists = crate::oracles::all_lists(4, 4);
    let mut priority = with_maths(open_only());
    priority.school_priorities = true;
    let mut mtb = with_maths(open_only());
    mtb.tie_break.last = LastTie::SchoolLottery { seed: 11 };
    // Serial dictatorship, then deferred acceptance with a priority county
    // and with per-school lotteries.
    for policy in [with_maths(open_only()), priority, mtb] {
        for seed in 0..40 {
            let mut inp = random_instance(1000 + seed, 12, 4);
            inp.senior_schools[0].priority_counties = vec![county(1)];
            let truth = run(&inp, &policy).unwrap();
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            for _ in 0..3 {
                let c = rng.random_range(0..inp.candidates.len());
                let value = |school: Option<u32>| {
                    school
                        .and_then(|x| open_pos(&inp, c, x as usize))
                        .unwrap_or(usize::MAX)
                };
                let honest = value(truth.placements[c].school);
                for list in &lists {
                    if list.iter().any(|&x| x as usize >= inp.senior_schools.len()) {
                        continue;
                    }
                    let mut lie = inp.clone();
                    lie.candidates[c].open_list = list.iter().map(|&x| senior_code(x as usize)).collect();
                    let got = run(&lie, &policy).unwrap();
                    assert!(
                        value(got.placements[c].school) >= honest,
                        "seed {seed} candidate {c} gains with {list:?} ({:?})",
                        policy.tie_break.last
                    );
                }
            }
        }
    }
}

#[test]
fn result_does_not_depend_on_input_order() {
    let mut extra = policies();
    let mut mtb = with_maths(reserved(Ratio { num: 1, den: 2 }));
    mtb.tie_break.last = LastTie::SchoolLottery { seed: 3 };
    extra.push(mtb);
    let mut priority = with_maths(open_only());
    priority.school_priorities = true;
    extra.push(priority);
    for seed in 0..INSTANCES {
        let mut inp = random_instance(seed, 30, 6);
        if let Some(s) = inp.senior_schools.first_mut() {
            s.priority_counties = vec![county(1)];
        }
        for policy in &extra {
            let out = run(&inp, policy).unwrap();
            let mut shuffled = inp.clone();
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            shuffled.candidates.shuffle(&mut rng);
            shuffled.senior_schools.shuffle(&mut rng);
            shuffled.junior_schools.shuffle(&mut rng);
            let again = run(&shuffled, policy).unwrap();
            assert_eq!(
                placed_by_id(&inp, &out),
                placed_by_id(&shuffled, &again),
                "seed {seed} {}",
                policy.name
            );
        }
    }
}

#[test]
fn quota_allocation_sums_and_keeps_the_quota_property() {
    let mut rng = ChaCha8Rng::seed_from_u64(16);
    for _ in 0..500 {
        let k = rng.random_range(1..8);
        let seats = rng.random_range(0..200u32);
        let codes: Vec<String> = (0..k).map(|i| format!("J{i}")).collect();
        let weights: Vec<(Ratio, &str)> = codes
            .iter()
            .map(|c| {
                let den = [1u64, 2, 5, 10, 3][rng.random_range(0..5)];
                (Ratio::new(rng.random_range(0..500), den).unwrap(), c.as_str())
            })
            .collect();
        let got = apportion(seats, &weights);
        // Exact check over the common denominator 30.
        let w: Vec<u128> = weights
            .iter()
            .map(|(r, _)| u128::from(r.num) * 30 / u128::from(r.den))
            .collect();
        let total: u128 = w.iter().sum();
        if total == 0 {
            assert!(got.iter().all(|&s| s == 0));
            continue;
        }
        assert_eq!(got.iter().map(|&s| u64::from(s)).sum::<u64>(), u64::from(seats));
        for (i, &s) in got.iter().enumerate() {
            let num = u128::from(seats) * w[i];
            let floor = num / total;
            let ceil = num.div_ceil(total);
            assert!(
                u128::from(s) >= floor && u128::from(s) <= ceil,
                "{weights:?} {seats} {got:?}"
            );
        }
        // Deterministic and independent of the order of the list.
        let mut reversed = weights.clone();
        reversed.reverse();
        let mut back = apportion(seats, &reversed);
        back.reverse();
        assert_eq!(back, got);
    }
    for seed in 0..INSTANCES {
        let inp = random_instance(seed, 30, 6);
        let policy = reserved(Ratio { num: 3, den: 5 });
        for alloc in allocate_quotas(&inp, &policy) {
            let s = &inp.senior_schools[alloc.senior as usize];
            assert_eq!(alloc.seats, (s.seats * 3).div_ceil(5));
            let sum: u32 = alloc.shares.iter().map(|sh| sh.seats).sum();
            if alloc.shares.is_empty() {
                assert!(inp.junior_schools.iter().all(|j| j.graduates == 0));
            } else {
                assert_eq!(sum, alloc.seats, "seed {seed}");
            }
            for sh in &alloc.shares {
                let (num, den) = sh.exact;
                assert!(u128::from(sh.seats) >= num / den && u128::from(sh.seats) <= num.div_ceil(den));
            }
        }
    }
}

#[test]
fn open_round_respects_improvements() {
    for seed in 0..INSTANCES {
        let inp = random_instance(seed, 20, 5);
        let policy = with_maths(open_only());
        let out = run(&inp, &policy).unwrap();
        for c in 0..inp.candidates.len() {
            let before = out.placements[c]
                .school
                .and_then(|x| open_pos(&inp, c, x as usize))
                .unwrap_or(usize::MAX);
            let mut better = inp.clone();
            better.candidates[c].scores[0].0 += 10 * (1 + (seed as i32 % 5));
            let after = run(&better, &policy).unwrap();
            let now = after.placements[c]
                .school
                .and_then(|x| open_pos(&inp, c, x as usize))
                .unwrap_or(usize::MAX);
            assert!(now <= before, "seed {seed} candidate {c}");
        }
    }
}

#[test]
fn explanations_agree_with_the_run() {
    let mut all = policies();
    let mut priority = with_maths(open_only());
    priority.school_priorities = true;
    all.push(priority);
    for seed in 0..INSTANCES {
        let mut inp = random_instance(seed, 20, 5);
        if let Some(s) = inp.senior_schools.last_mut() {
            s.priority_counties = vec![county(0)];
        }
        for policy in &all {
            let out = run(&inp, policy).unwrap();
            let rank = rank_of(&inp, policy);
            for c in 0..inp.candidates.len() {
                for x in 0..inp.senior_schools.len() {
                    let why = explain(
                        &inp,
                        policy,
                        &out,
                        &inp.candidates[c].id.0,
                        inp.senior_schools[x].code.as_str(),
                    )
                    .unwrap();
                    assert!(!why.sentences.is_empty());
                    let text = why.sentences.join("");
                    assert!(!text.contains(&inp.candidates[c].name), "a name in {text}");
                    match why.verdict {
                        Verdict::Admitted { round } => {
                            assert_eq!(out.placements[c].school, Some(x as u32));
                            assert_eq!(out.placements[c].round, Some(round));
                        }
                        Verdict::Outranked { round, last_admitted } => {
                            let d = last_admitted as usize;
                            assert_ne!(out.placements[c].school, Some(x as u32));
                            assert_eq!(out.placements[d].school, Some(x as u32));
                            assert_eq!(out.placements[d].round, Some(round));
                            let outside = |e: usize| {
                                policy.school_priorities
                                    && !inp.senior_schools[x].priority_counties.is_empty()
                                    && !inp.senior_schools[x]
                                        .priority_counties
                                        .contains(&inp.candidates[e].residence)
                            };
                            // The last admitted beats the candidate: by
                            // priority group, then by key.
                            assert!(
                                (outside(d), rank[d]) < (outside(c), rank[c])
                                    || round == Round::Quota && rank[d] < rank[c],
                                "seed {seed} c {c} x {x} {text}"
                            );
                            assert!(
                                !text.contains(&inp.candidates[d].id.0)
                                    || inp.candidates[d].id.0 == inp.candidates[c].id.0
                            );
                        }
                        Verdict::NotListed => {
                            assert!(open_pos(&inp, c, x).is_none());
                        }
                        Verdict::PlacedHigher { school, .. } => {
                            assert_eq!(out.placements[c].school, Some(school));
                        }
                        Verdict::PlacedInQuotaRound { school } => {
                            assert_eq!(out.placements[c].school, Some(school));
                            assert_eq!(out.placements[c].round, Some(Round::Quota));
                        }
                        Verdict::NotEligible { .. } => {}
                    }
                }
            }
        }
    }
}

#[test]
fn quota_cost_agrees_with_a_rerun_without_the_quota_list() {
    let mut checked = 0;
    let mut costly = 0;
    for seed in 0..INSTANCES {
        let inp = random_instance(seed, 30, 6);
        for policy in policies().into_iter().skip(1) {
            if policy.tie_break.last == LastTie::AdmitAll {
                continue; // the rule is exact for strict keys
            }
            let out = run(&inp, &policy).unwrap();
            let costs = quota_cost(&inp, &policy, &out);
            for c in 0..inp.candidates.len() {
                let p = out.placements[c];
                if p.round != Some(Round::Quota) {
                    continue;
                }
                let q = p.school.unwrap() as usize;
                let mut without = inp.clone();
                without.candidates[c].quota_list.clear();
                let again: Outcome = run(&without, &policy).unwrap();
                let hurt = match (open_pos(&inp, c, q), again.placements[c].school) {
                    (Some(qpos), Some(y)) => open_pos(&inp, c, y as usize)
                        .is_some_and(|ypos| ypos < qpos)
                        .then_some(y),
                    _ => None,
                };
                let rule = costs
                    .iter()
                    .find(|k| k.candidate == c as u32)
                    .map(|k| k.would_get);
                assert_eq!(rule, hurt, "seed {seed} candidate {c} {}", policy.name);
                checked += 1;
                costly += usize::from(hurt.is_some());
            }
        }
    }
    assert!(checked > 500 && costly > 20, "{checked} {costly}");
}

#[test]
fn the_quota_cost_past_its_rerun_budget_says_it_is_approximate() {
    // A deferred-acceptance open round is re-run per quota admit only within
    // the budget; past it the figure is flagged, never silently exact.
    let mut flagged = 0;
    let mut per_school_lottery = with_maths(reserved(Ratio { num: 1, den: 2 }));
    per_school_lottery.tie_break.last = LastTie::SchoolLottery { seed: 7 };
    let mut all = policies();
    all.push(per_school_lottery);
    for seed in 0..40 {
        let inp = random_instance(seed, 30, 6);
        for policy in all.iter().skip(1) {
            let policy = policy.clone();
            let out = run(&inp, &policy).unwrap();
            let (within, exact) = quota_cost_within(&inp, &policy, &out, u64::MAX);
            assert!(exact, "seed {seed} {}", policy.name);
            assert_eq!(
                within,
                quota_cost(&inp, &policy, &out),
                "seed {seed} {}",
                policy.name
            );
            let (_, exact_at_zero) = quota_cost_within(&inp, &policy, &out, 0);
            let contenders = out.placements.iter().any(|p| p.round == Some(Round::Quota));
            if !exact_at_zero {
                flagged += 1;
                assert!(contenders, "seed {seed} {}", policy.name);
            }
        }
    }
    assert!(
        flagged > 0,
        "no deferred-acceptance instance exceeded a zero budget"
    );
}

#[test]
fn deferred_acceptance_is_stable_and_equals_serial_dictatorship_under_one_key() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..INSTANCES {
        let n = rng.random_range(1..30);
        let m = rng.random_range(1..6u32);
        let caps: Vec<u32> = (0..m).map(|_| rng.random_range(0..4)).collect();
        let prefs: Vec<Vec<u32>> = (0..n)
            .map(|_| {
                let mut l: Vec<u32> = (0..m).collect();
                l.shuffle(&mut rng);
                l.truncate(rng.random_range(0..=m as usize));
                l
            })
            .collect();
        // Own priorities: a random strict order per school.
        let orders: Vec<Vec<u32>> = (0..m)
            .map(|_| {
                let mut o: Vec<u32> = (0..n as u32).collect();
                o.shuffle(&mut rng);
                o
            })
            .collect();
        let prio: Vec<Vec<u32>> = prefs
            .iter()
            .enumerate()
            .map(|(s, l)| l.iter().map(|&x| orders[x as usize][s]).collect())
            .collect();
        let got = deferred_acceptance(&prefs, &prio, &caps);
        for s in 0..n {
            let held = got[s]
                .map(|x| prefs[s].iter().position(|&y| y == x).unwrap())
                .unwrap_or(usize::MAX);
            for &x in prefs[s].iter().take(held) {
                let members: Vec<usize> = (0..n).filter(|&t| got[t] == Some(x)).collect();
                assert!(members.len() == caps[x as usize] as usize, "waste");
                assert!(
                    members
                        .iter()
                        .all(|&t| orders[x as usize][t] < orders[x as usize][s]),
                    "blocking pair"
                );
            }
        }
        // One common key: DA equals serial dictatorship.
        let common: Vec<u32> = (0..n as u32).collect();
        let prio: Vec<Vec<u32>> = prefs
            .iter()
            .enumerate()
            .map(|(s, l)| vec![common[s]; l.len()])
            .collect();
        let da = deferred_acceptance(&prefs, &prio, &caps);
        let mut left = caps.clone();
        for s in 0..n {
            let sd = prefs[s].iter().copied().find(|&x| left[x as usize] > 0);
            if let Some(x) = sd {
                left[x as usize] -= 1;
            }
            assert_eq!(da[s], sd);
        }
    }
}
