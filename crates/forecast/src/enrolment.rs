//! Enrolment by stage and grade (B3): entry rates by age (小班 at 3, grade 1
//! at 6, grade 7 at 12), 普高 entry by the transition ratio from last
//! year's grade 9, every other grade by its grade progression ratio
//! `GPR_g = E(g+1,t+1)/E(g,t)` averaged over the history — public and private
//! apart.

use std::collections::BTreeMap;

use crate::model::{grade_index, ByAge, ByGrade, GRADES};
use crate::scenario::Averaging;
use crate::CountyHistory;

/// Entry grades filled from the population: (grade index, age on 31 August).
/// 小班 at 3, grade 1 at 6, grade 7 at 12 (rules.md: the 31 August cut-off).
pub const AGE_ENTRIES: [(usize, usize); 3] = [(0, 3), (3, 6), (9, 12)];

/// Grade 10 (高一), entered from last year's grade 9 by the transition ratio.
pub const SENIOR_ENTRY: usize = 12;
/// Grade 9 (初三).
pub const JUNIOR_LAST: usize = 11;

/// True for a grade index that is not moved up from the grade below.
pub fn is_entry(index: usize) -> bool {
    index == SENIOR_ENTRY || AGE_ENTRIES.iter().any(|(i, _)| *i == index)
}

/// The average of `values` (oldest first) over the last `n` of them:
/// plain mean, weighted 1, 2, …, n (latest heaviest), or the last one.
pub fn average(values: &[f64], averaging: Averaging, n: usize) -> Option<f64> {
    let take = n.max(1).min(values.len());
    let recent = &values[values.len() - take..];
    match averaging {
        _ if recent.is_empty() => None,
        Averaging::Mean => Some(recent.iter().sum::<f64>() / recent.len() as f64),
        Averaging::Weighted => {
            let (mut sum, mut weights) = (0.0, 0.0);
            for (i, v) in recent.iter().enumerate() {
                let w = (i + 1) as f64;
                sum += w * v;
                weights += w;
            }
            Some(sum / weights)
        }
        Averaging::Last => recent.last().copied(),
    }
}

/// Grade progression ratios from consecutive years of enrolment (oldest
/// first, each the grades in order): `result[g]` is the averaged
/// `E(g+1,t+1)/E(g,t)`, `None` where no year had students in grade g.
pub fn progression_ratios(years: &[&[f64]], averaging: Averaging, n: usize) -> Vec<Option<f64>> {
    let grades = years.first().map_or(0, |y| y.len());
    (0..grades.saturating_sub(1))
        .map(|g| {
            let ratios: Vec<f64> = years
                .windows(2)
                .filter(|w| w[0][g] > 0.0)
                .map(|w| w[1][g + 1] / w[0][g])
                .collect();
            average(&ratios, averaging, n)
        })
        .collect()
}

/// Next year's grades: `entry` in the first, every other grade its ratio
/// times last year's grade below (`E(g+1,t+1) = GPR_g·E(g,t)`).
pub fn progress(last: &[f64], ratios: &[f64], entry: f64) -> Vec<f64> {
    let mut next = Vec::with_capacity(last.len());
    next.push(entry);
    for g in 1..last.len() {
        next.push(ratios.get(g - 1).copied().unwrap_or(0.0) * last[g - 1]);
    }
    next
}

/// The rates of one county and sector, estimated from its history.
#[derive(Debug, Clone, PartialEq)]
pub struct SectorRates {
    /// `gpr[i]` moves grade index i − 1 to i (unused at entry grades).
    pub gpr: ByGrade,
    /// Entry rates for [`AGE_ENTRIES`], students ÷ population of that age.
    pub entry_rate: [f64; 3],
    /// This sector's grade 10 ÷ last year's grade 9 of both sectors.
    pub transition: f64,
}

/// Scales the migration in the grade progression ratios by `factor` (the
/// scenario's 迁移偏高/偏低): a ratio's distance from 1 is what children
/// arriving or leaving (and the few repeating or leaving school) did to a
/// cohort, so `1 + factor·(GPR − 1)`. Entry grades come from the population,
/// whose migration the scenario scales already; the senior transition is
/// policy, not migration, and is left alone.
pub fn scale_migration(rates: &mut [SectorRates; 2], factor: f64) {
    for sector in rates.iter_mut() {
        for (index, gpr) in sector.gpr.iter_mut().enumerate() {
            if !is_entry(index) && *gpr > 0.0 {
                *gpr = (1.0 + factor * (*gpr - 1.0)).max(0.0);
            }
        }
    }
}

/// Estimates each sector's rates from the county's history up to
/// `base_year`: the last `n` transitions or years, averaged.
pub fn estimate(county: &CountyHistory, base_year: i32, averaging: Averaging, n: usize) -> [SectorRates; 2] {
    let years: Vec<(i32, &[ByGrade; 2])> = county
        .enrolment
        .range(..=base_year)
        .map(|(y, e)| (*y, e))
        .collect();
    std::array::from_fn(|sector| {
        let mut gpr = [0.0; GRADES];
        for (i, slot) in gpr.iter_mut().enumerate().skip(1) {
            let ratios: Vec<f64> = years
                .windows(2)
                .filter(|w| w[1].0 == w[0].0 + 1 && w[0].1[sector][i - 1] > 0.0)
                .map(|w| w[1].1[sector][i] / w[0].1[sector][i - 1])
                .collect();
            *slot = average(&ratios, averaging, n).unwrap_or(0.0);
        }
        let entry_rate = AGE_ENTRIES.map(|(index, age)| {
            let rates: Vec<f64> = years
                .iter()
                .filter_map(|(y, e)| {
                    let p = county.population.get(y)?[age];
                    (p > 0.0).then(|| e[sector][index] / p)
                })
                .collect();
            average(&rates, averaging, n).unwrap_or(0.0)
        });
        let transitions: Vec<f64> = years
            .windows(2)
            .filter_map(|w| {
                let nine = w[0].1[0][JUNIOR_LAST] + w[0].1[1][JUNIOR_LAST];
                (w[1].0 == w[0].0 + 1 && nine > 0.0).then(|| w[1].1[sector][SENIOR_ENTRY] / nine)
            })
            .collect();
        let transition = average(&transitions, averaging, n).unwrap_or(0.0);
        SectorRates {
            gpr,
            entry_rate,
            transition,
        }
    })
}

/// Replaces the estimated 普高 transition (both sectors together) by
/// `total`, split between the sectors as estimated (all public when the
/// history had none).
pub fn set_transition(rates: &mut [SectorRates; 2], total: f64) {
    let sum = rates[0].transition + rates[1].transition;
    if sum > 0.0 {
        let share = rates[0].transition / sum;
        rates[0].transition = total * share;
        rates[1].transition = total * (1.0 - share);
    } else {
        rates[0].transition = total;
        rates[1].transition = 0.0;
    }
}

/// One year on: both sectors' grades from last year's and this year's
/// population.
pub fn step(last: &[ByGrade; 2], population: &ByAge, rates: &[SectorRates; 2]) -> [ByGrade; 2] {
    let nine = last[0][JUNIOR_LAST] + last[1][JUNIOR_LAST];
    std::array::from_fn(|sector| {
        let r = &rates[sector];
        let mut next = [0.0; GRADES];
        for i in 1..GRADES {
            next[i] = r.gpr[i] * last[sector][i - 1];
        }
        for (k, (index, age)) in AGE_ENTRIES.iter().enumerate() {
            next[*index] = r.entry_rate[k] * population[*age];
        }
        next[SENIOR_ENTRY] = r.transition * nine;
        next
    })
}

/// Projects from `base` (enrolment of `base_year`) through the years of
/// `population` after it.
pub fn project_enrolment(
    base_year: i32,
    base: &[ByGrade; 2],
    population: &BTreeMap<i32, ByAge>,
    rates: &[SectorRates; 2],
) -> Vec<(i32, [ByGrade; 2])> {
    let mut out = Vec::new();
    let mut last = *base;
    for (year, pop) in population.range(base_year + 1..) {
        last = step(&last, pop, rates);
        out.push((*year, last));
    }
    out
}

/// Students of a stage (grade range) in a [`ByGrade`].
pub fn stage_total(grades: &ByGrade, stage: registry::Stage) -> f64 {
    let range = stage_grades(stage);
    grades[range].iter().sum()
}

/// The grade indices of a forecast stage: grade 6 counts as primary (六三制;
/// the registry's 五四制 junior grade 6 is folded into primary here).
pub fn stage_grades(stage: registry::Stage) -> std::ops::Range<usize> {
    use registry::Stage;
    match stage {
        Stage::Preschool => grade_index(-2)..grade_index(1),
        Stage::Primary => grade_index(1)..grade_index(7),
        Stage::Junior => grade_index(7)..grade_index(10),
        _ => grade_index(10)..GRADES,
    }
}
