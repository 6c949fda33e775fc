//! The cohort-component projection by single year of age (B1, B2): births
//! feed age 0 through the 31 August cut-off, cohorts age a year at a time
//! with survival, net migration by age joins them (end of period or
//! half/half), estimated as the residual of the register's history.

use std::collections::BTreeMap;

use crate::model::{ByAge, AGES};
use crate::scenario::{BirthAssumption, MigrationAssumption, MigrationTiming, Survival};
use crate::CountyHistory;

/// The life-table default: s_b (births to age 0 on 31 August) and s_a for
/// ages 0–17.
///
/// Source: 国家卫生健康委《2020年我国卫生健康事业发展统计公报》 — infant
/// mortality 5.4‰ and under-5 mortality 7.5‰ in 2020; the 2020 census (七普)
/// life table gives q0 ≈ 0.0056. Most infant deaths fall in the first months,
/// so s_b = 1 − ¾·q0 ≈ 0.996 and s_0 = 1 − (¼·q0 + ½·q1) ≈ 0.9983. Ages 1–4
/// share the rest of under-5 mortality, (7.5 − 5.4)‰ over four years ≈ 0.5‰ a
/// year; ages 5–17 are rounded to the order of the 七普 table's rates for
/// children (≈ 0.2‰ at 5–14, ≈ 0.35‰ at 15–17). These are rounded
/// approximations, not the table's digits: a scenario file may replace them.
pub fn life_table_default() -> Survival {
    let mut by_age = Vec::with_capacity(AGES - 1);
    for a in 0..AGES - 1 {
        let q = match a {
            0 => 0.0017,
            1..=4 => 0.0005,
            5..=14 => 0.0002,
            _ => 0.00035,
        };
        by_age.push(1.0 - q);
    }
    Survival {
        first_year: 0.996,
        by_age,
        source: "国家卫生健康委2020年统计公报（婴儿死亡率5.4‰、5岁以下儿童死亡率7.5‰）及第七次人口普查生命表（取整近似）"
            .to_owned(),
    }
}

/// Children aged 0 on 31 August of school year `year` from calendar-year
/// births (B2): born 1 September `year − 1` … 31 August `year`, months
/// spread evenly, so `(4/12)·B(year − 1) + (8/12)·B(year)` (before survival).
pub fn entry_cohort(births_before: f64, births_in: f64) -> f64 {
    (4.0 / 12.0) * births_before + (8.0 / 12.0) * births_in
}

/// The children entering a stage with entry age `age` in school year `year`:
/// the cohort born around `year − age` (F4: the cut-off moves the peak).
pub fn stage_entry(births: &BTreeMap<i32, f64>, year: i32, age: i32) -> Option<f64> {
    let born = year - age;
    Some(entry_cohort(*births.get(&(born - 1))?, *births.get(&born)?))
}

/// The survival rate of age `a` (a + 1 survivors per person aged a), 1
/// where the scenario gives none.
fn s(survival: &Survival, a: usize) -> f64 {
    survival.by_age.get(a).copied().unwrap_or(1.0)
}

/// One year of the projection: `pop` on 31 August of t to 31 August of t + 1.
/// `newborns` are the cut-off births of t + 1 before survival; `migration[a]`
/// are the net migrants by age (end of period: joining age a at t + 1;
/// half/half: moving at age a during the year, half before survival, half
/// after — Preston, Heuveline & Guillot 2001, UN CCMPP). Age 18 leaves.
pub fn step(
    pop: &ByAge,
    newborns: f64,
    survival: &Survival,
    migration: &ByAge,
    timing: MigrationTiming,
) -> ByAge {
    let mut next = [0.0; AGES];
    next[0] = survival.first_year * newborns + migration[0];
    for a in 0..AGES - 1 {
        next[a + 1] = match timing {
            MigrationTiming::EndOfPeriod => s(survival, a) * pop[a] + migration[a + 1],
            MigrationTiming::HalfHalf => {
                s(survival, a) * (pop[a] + 0.5 * migration[a]) + 0.5 * migration[a + 1]
            }
        };
    }
    next
}

/// The migration that makes `step` turn `from` into `to` exactly (the
/// residual of one observed transition); `newborns` as in [`step`].
pub fn residual(
    from: &ByAge,
    to: &ByAge,
    newborns: f64,
    survival: &Survival,
    timing: MigrationTiming,
) -> ByAge {
    let mut m = [0.0; AGES];
    m[0] = to[0] - survival.first_year * newborns;
    for a in 0..AGES - 1 {
        let r = to[a + 1] - s(survival, a) * from[a];
        m[a + 1] = match timing {
            MigrationTiming::EndOfPeriod => r,
            // r = s_a·½m_a + ½m_{a+1}, solved upwards from m_0.
            MigrationTiming::HalfHalf => 2.0 * (r - 0.5 * s(survival, a) * m[a]),
        };
    }
    m
}

/// Net migration by age from the county's register: the residuals of the
/// last `years` transitions up to `base_year`, averaged, times `factor`.
/// Ages the register does not fill (all zero, e.g. 18) get none.
pub fn migration_from_history(
    county: &CountyHistory,
    base_year: i32,
    assumption: &MigrationAssumption,
    survival: &Survival,
    timing: MigrationTiming,
) -> ByAge {
    let (years, factor) = match assumption {
        MigrationAssumption::None => return [0.0; AGES],
        MigrationAssumption::History { years, factor } => (*years as usize, *factor),
    };
    let mut residuals: Vec<ByAge> = Vec::new();
    for (year, to) in county.population.range(..=base_year).rev() {
        if residuals.len() >= years {
            break;
        }
        let Some(from) = county.population.get(&(year - 1)) else {
            continue;
        };
        let newborns = match (county.births.get(&(year - 1)), county.births.get(year)) {
            (Some(b0), Some(b1)) => Some(entry_cohort(*b0, *b1)),
            _ => None,
        };
        // Without births the age-0 residual is unknown: treat age 0 as closed.
        let mut m = residual(
            from,
            to,
            newborns.unwrap_or(to[0] / survival.first_year),
            survival,
            timing,
        );
        if newborns.is_none() {
            m[0] = 0.0;
        }
        residuals.push(m);
    }
    let mut mean = [0.0; AGES];
    if residuals.is_empty() {
        return mean;
    }
    let filled: Vec<bool> = (0..AGES)
        .map(|a| county.population.range(..=base_year).any(|(_, p)| p[a] != 0.0))
        .collect();
    for m in &residuals {
        for a in 0..AGES {
            mean[a] += m[a];
        }
    }
    for a in 0..AGES {
        mean[a] = if filled[a] {
            factor * mean[a] / residuals.len() as f64
        } else {
            0.0
        };
    }
    mean
}

/// Calendar-year births of one county up to `until`: observed ones kept, later ones from the assumption. `city_share` is the
/// county's share of the city's last observed births (for a city series).
pub fn future_births(
    county: &CountyHistory,
    base_year: i32,
    until: i32,
    assumption: &BirthAssumption,
    city_share: f64,
) -> BTreeMap<i32, f64> {
    let mut births: BTreeMap<i32, f64> = county.births.clone();
    let (last_year, last) = births
        .iter()
        .next_back()
        .map(|(y, b)| (*y, *b))
        .unwrap_or((base_year, 0.0));
    for year in last_year + 1..=until {
        let value = match assumption {
            BirthAssumption::Constant => last,
            BirthAssumption::Trend { rate } => last * (1.0 + rate).powi(year - last_year),
            BirthAssumption::Series { city, counties } => {
                let own = counties.get(&county.code);
                let given = match own {
                    Some(series) => series.get(&year).copied(),
                    None => city.get(&year).map(|b| b * city_share),
                };
                // Beyond the series' last year (the final year's births only
                // weigh 8/12 into the last projected age 0) hold it level.
                given.unwrap_or_else(|| births.get(&(year - 1)).copied().unwrap_or(last))
            }
        };
        births.insert(year, value.max(0.0));
    }
    births
}

/// Projects a county's population from `start` (the population on 31
/// August of `start_year`) to `until`, returning the projected years only.
pub fn project_population(
    start_year: i32,
    start: &ByAge,
    until: i32,
    births: &BTreeMap<i32, f64>,
    survival: &Survival,
    migration: &ByAge,
    timing: MigrationTiming,
) -> Vec<(i32, ByAge)> {
    let mut out = Vec::with_capacity((until - start_year).max(0) as usize);
    let mut pop = *start;
    for year in start_year + 1..=until {
        let b0 = births.get(&(year - 1)).copied().unwrap_or(0.0);
        let b1 = births.get(&year).copied().unwrap_or(b0);
        pop = step(&pop, entry_cohort(b0, b1), survival, migration, timing);
        for p in pop.iter_mut() {
            // More leaving than living is impossible: a cohort empties.
            if *p < 0.0 {
                *p = 0.0;
            }
        }
        out.push((year, pop));
    }
    out
}
