//! 指标到校: each quota school's reserved seats split among junior schools
//! by the largest-remainder (Hamilton) method, exact in integers
//! (algorithms.md A2.1, oracle O7).

use serde::{Deserialize, Serialize};

use rustc_hash::FxHashMap;

use crate::model::Inputs;
use crate::policy::{gcd_u128, Policy, QuotaArea, QuotaBasis, QuotaForm, Ratio};

/// One quota school's reserved seats and their split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuotaAllocation {
    /// Index into `Inputs::senior_schools`.
    pub senior: u32,
    /// `Q_x = ⌈share·q_x⌉`.
    pub seats: u32,
    /// One per junior school with a positive weight, in junior-school order.
    pub shares: Vec<QuotaShare>,
}

/// A junior school's part of one quota school's reserved seats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuotaShare {
    /// Index into `Inputs::junior_schools`.
    pub junior: u32,
    /// `w_j` = basis × factors, exact.
    pub weight: Ratio,
    /// `e_j = Q_x·w_j/Σw` as an exact fraction (numerator, denominator).
    pub exact: (u128, u128),
    /// Seats allotted: `⌊e_j⌋` or `⌈e_j⌉`.
    pub seats: u32,
}

/// Largest remainder: `seats` split in proportion to `weights`, exact.
/// Leftover seats go one each to the largest remainders; ties to the larger
/// weight, then to the smaller code. Σ result = `seats` when any weight is
/// positive (all zero: all zero); each result is ⌊e⌋ or ⌈e⌉.
pub fn apportion(seats: u32, weights: &[(Ratio, &str)]) -> Vec<u32> {
    let ratios: Vec<Ratio> = weights.iter().map(|&(w, _)| w).collect();
    let codes: Vec<&str> = weights.iter().map(|&(_, code)| code).collect();
    largest_remainder(seats, &integer_weights(&ratios), &codes)
}

/// The weights over one common denominator, as integers in the same
/// proportion. Exact when the common denominator and the sums fit (always
/// for weights from a parsed policy: denominators ≤ 10⁸, factors ≤ 10);
/// otherwise each weight is scaled to 52 significant bits of the largest,
/// deterministic but no longer exact.
fn integer_weights(weights: &[Ratio]) -> Vec<u128> {
    let exact = || -> Option<Vec<u128>> {
        let mut lcm: u128 = 1;
        for w in weights.iter().filter(|w| w.num > 0) {
            let den = u128::from(w.den.max(1));
            lcm = lcm.checked_mul(den / gcd_u128(lcm, den))?;
            if lcm > 1 << 60 {
                return None;
            }
        }
        let values: Vec<u128> = weights
            .iter()
            .map(|w| u128::from(w.num) * (lcm / u128::from(w.den.max(1))))
            .collect();
        // Room for Σw and seats·w in u128.
        let sum = values.iter().try_fold(0u128, |acc, &v| acc.checked_add(v))?;
        (sum < 1 << 90).then_some(values)
    };
    exact().unwrap_or_else(|| {
        let as_f64 = |w: &Ratio| w.num as f64 / w.den.max(1) as f64;
        let max = weights.iter().map(as_f64).fold(0.0, f64::max);
        weights
            .iter()
            .map(|w| {
                if max > 0.0 {
                    (as_f64(w) / max * (1u64 << 52) as f64) as u128
                } else {
                    0
                }
            })
            .collect()
    })
}

/// Hamilton's method on integer weights (A2.1): ⌊Q·w/Σw⌋ each, then the
/// leftover seats to the largest remainders (ties: larger weight, then
/// smaller code).
fn largest_remainder(seats: u32, weights: &[u128], codes: &[&str]) -> Vec<u32> {
    let total: u128 = weights.iter().sum();
    if total == 0 {
        return vec![0; weights.len()];
    }
    let q = u128::from(seats);
    let mut result: Vec<u32> = weights.iter().map(|&w| (q * w / total) as u32).collect();
    let given: u128 = result.iter().map(|&s| u128::from(s)).sum();
    let leftover = (q - given) as usize;
    if leftover == 0 {
        return result;
    }
    // (remainder, weight, index): one division each, not one per comparison.
    let mut by_remainder: Vec<(u128, u128, usize)> = (0..weights.len())
        .filter(|&i| weights[i] > 0)
        .map(|i| (q * weights[i] - u128::from(result[i]) * total, weights[i], i))
        .collect();
    let order = |a: &(u128, u128, usize), b: &(u128, u128, usize)| {
        b.0.cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(codes.get(a.2).cmp(&codes.get(b.2)))
    };
    if leftover < by_remainder.len() {
        by_remainder.select_nth_unstable_by(leftover - 1, order);
    }
    for &(_, _, i) in by_remainder.iter().take(leftover) {
        result[i] += 1;
    }
    result
}

/// Every quota school's allocation under the policy (empty unless the
/// policy's form is `Reserved`). `Q_x = ⌈share·q_x⌉` with the school's own
/// share if the policy gives one; weights are graduates (or the junior
/// school's candidates eligible for the quota round) times the rural and
/// weak factors; junior schools with weight 0 get no share.
pub fn allocate_quotas(inputs: &Inputs, policy: &Policy) -> Vec<QuotaAllocation> {
    if policy.quota.form != QuotaForm::Reserved {
        return Vec::new();
    }
    let q = &policy.quota;
    let basis: Vec<u32> = match q.basis {
        QuotaBasis::Graduates => inputs.junior_schools.iter().map(|j| j.graduates).collect(),
        QuotaBasis::EligibleCandidates => {
            let index: FxHashMap<&str, usize> = inputs
                .junior_schools
                .iter()
                .enumerate()
                .map(|(i, j)| (j.code.as_str(), i))
                .collect();
            let mut counts = vec![0u32; inputs.junior_schools.len()];
            for c in inputs
                .candidates
                .iter()
                .filter(|c| c.quota_eligible && c.eligible)
            {
                if let Some(&j) = index.get(c.junior_school.as_str()) {
                    counts[j] += 1;
                }
            }
            counts
        }
    };
    let weights: Vec<Ratio> = inputs
        .junior_schools
        .iter()
        .zip(&basis)
        .map(|(j, &b)| {
            let mut w = Ratio {
                num: u64::from(b),
                den: 1,
            };
            if j.rural {
                w = w.checked_mul(q.rural_factor).unwrap_or(Ratio::ZERO);
            }
            if j.weak {
                w = w.checked_mul(q.weak_factor).unwrap_or(Ratio::ZERO);
            }
            w
        })
        .collect();
    let positive: Vec<usize> = (0..weights.len()).filter(|&j| weights[j].num > 0).collect();
    let ratios: Vec<Ratio> = positive.iter().map(|&j| weights[j]).collect();
    let codes: Vec<&str> = positive
        .iter()
        .map(|&j| inputs.junior_schools[j].code.as_str())
        .collect();
    let ints = integer_weights(&ratios);
    inputs
        .senior_schools
        .iter()
        .enumerate()
        .filter(|(_, s)| s.quota_school)
        .map(|(x, s)| {
            let share = q.school_shares.get(&s.code).copied().unwrap_or(q.share);
            let seats = share.ceil_mul(s.seats).min(u128::from(s.seats)) as u32;
            // The junior schools taking part: all, or the quota school's
            // county's (QuotaArea::County).
            let taking: Vec<usize> = (0..positive.len())
                .filter(|&k| {
                    q.area == QuotaArea::City || inputs.junior_schools[positive[k]].county == s.county
                })
                .collect();
            let part_ints: Vec<u128> = taking.iter().map(|&k| ints[k]).collect();
            let part_codes: Vec<&str> = taking.iter().map(|&k| codes[k]).collect();
            let total: u128 = part_ints.iter().sum();
            let split = largest_remainder(seats, &part_ints, &part_codes);
            let shares = taking
                .iter()
                .enumerate()
                .map(|(i, &k)| {
                    let j = positive[k];
                    let num = u128::from(seats) * ints[k];
                    let g = gcd_u128(num, total.max(1));
                    QuotaShare {
                        junior: j as u32,
                        weight: weights[j],
                        exact: (num / g, total.max(1) / g),
                        seats: split[i],
                    }
                })
                .collect();
            QuotaAllocation {
                senior: x as u32,
                seats,
                shares,
            }
        })
        .collect()
}
