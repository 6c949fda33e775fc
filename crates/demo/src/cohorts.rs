//! The children of the demo city, cohort by cohort, and the schools they go
//! through. Each child is made once — birth date, sex, name, household
//! registration, the school of every stage — so the same child appears
//! year after year, one grade higher, with the same identity number.
//!
//! A child's home township is that of its primary school; kindergarten and
//! junior school are mostly in the same township, senior high anywhere in
//! the county. Identity numbers are made unique by numbering children who
//! share a household area and birth date (docs/demo-city.md).

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use registry::Stage;

use crate::names::Names;
use crate::places::{code_number, CountyKind, Places};
use crate::population::{cohort_birth_window, cohort_size, TownshipCohorts};
use crate::rng::{rng_for, stream, Picker};
use crate::schools::{grades, stage_index, SchoolKind, SchoolPlan, STAGES};
use crate::DemoError;

/// No school for this stage (not attending, or outside the generated years).
pub(crate) const NONE: u32 = u32::MAX;

/// One child, compactly: indices into the city's tables.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub birth: NaiveDate,
    /// Sequence part of the identity number (odd for boys).
    pub seq: u16,
    /// Area code of the identity number (index into `Places::areas`).
    pub id_area: u16,
    /// 户籍 area (index into `Places::areas`): a township of the city, or a county elsewhere.
    pub household: u16,
    pub given: u16,
    pub surname: u8,
    pub male: bool,
    pub migrant: bool,
    /// Home township (global index) at birth or arrival: its primary school's.
    pub township: u16,
    /// Latent myopia propensity: lower means myopic earlier.
    pub myopia: u16,
    /// Latent boarding propensity.
    pub boarding: u8,
}

/// The children of one school and stage, in person order, with the range of each cohort.
#[derive(Debug, Clone, Default)]
pub(crate) struct Roster {
    pub members: Vec<u32>,
    /// (cohort, start, end) into `members`, ascending cohorts.
    pub cohorts: Vec<(i32, u32, u32)>,
}

impl Roster {
    pub fn cohort(&self, cohort: i32) -> &[u32] {
        match self.cohorts.iter().find(|(c, _, _)| *c == cohort) {
            Some((_, start, end)) => self.members.get(*start as usize..*end as usize).unwrap_or(&[]),
            None => &[],
        }
    }

    pub(crate) fn push(&mut self, cohort: i32, person: u32) {
        let index = self.members.len() as u32;
        self.members.push(person);
        match self.cohorts.last_mut() {
            Some((c, _, end)) if *c == cohort => *end = index + 1,
            _ => self.cohorts.push((cohort, index, index + 1)),
        }
    }
}

/// Every child of the cohorts at school in some generated year, and each
/// year's rosters.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cohorts {
    pub persons: Vec<Person>,
    pub first_year: u16,
    /// years[year − first_year][school * 4 + stage_index]: the students of
    /// that year, keyed by `year − grade + 1` (a repeater is keyed with the
    /// grade it is in, not its birth cohort).
    pub years: Vec<Vec<Roster>>,
    pub townships: TownshipCohorts,
    /// What the year-to-year moves did (for tests and the docs' figures).
    pub moves: crate::moves::MoveCounts,
}

impl Cohorts {
    pub fn roster(&self, school: usize, stage: Stage, year: u16) -> Option<&Roster> {
        self.years
            .get(usize::from(year.checked_sub(self.first_year)?))?
            .get(school * 4 + stage_index(stage))
    }

    /// Students of a school and stage in a school year.
    pub fn enrolled(&self, school: usize, stage: Stage, year: u16) -> usize {
        let Some(roster) = self.roster(school, stage, year) else {
            return 0;
        };
        grades(stage)
            .map(|g| roster.cohort(i32::from(year) - i32::from(g) + 1).len())
            .sum()
    }
}

/// Weighted choice of a stage's schools, per county and per township, for
/// one intake year.
struct Choosers {
    county: Vec<Picker>,
    township: Vec<Picker>,
}

impl Choosers {
    fn build(plans: &[SchoolPlan], counties: usize, townships: usize, stage: Stage, year: i32) -> Choosers {
        let entries = |filter: &dyn Fn(&SchoolPlan) -> bool| {
            Picker::new(
                plans
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.kind.serves(stage) && filter(p))
                    .map(|(i, p)| (i as u32, p.weight_in(year))),
            )
        };
        Choosers {
            county: (0..counties).map(|c| entries(&|p| p.county == c)).collect(),
            township: (0..townships).map(|t| entries(&|p| p.township == t)).collect(),
        }
    }

    /// A school in the township with probability `local` (if it has one), else in
    /// the county. A township with fewer than `enough` schools keeps
    /// proportionally fewer of its children: families travel further.
    fn choose(&self, rng: &mut ChaCha8Rng, county: usize, township: usize, local: f64, enough: usize) -> u32 {
        let u: f64 = rng.random();
        if let Some(picker) = self.township.get(township).filter(|p| !p.is_empty()) {
            if u < local * (picker.len() as f64 / enough.max(1) as f64).min(1.0) {
                return picker.pick(rng.random()).unwrap_or(NONE);
            }
        }
        self.county
            .get(county)
            .and_then(|p| p.pick(rng.random()))
            .unwrap_or(NONE)
    }
}

/// Choosers per stage and generated year (`first..=last`), shared by the
/// first assignment and the year-to-year moves.
pub(crate) struct StageChoosers {
    first: i32,
    last: i32,
    by_stage: Vec<Vec<Choosers>>,
}

impl StageChoosers {
    fn build(
        plans: &[SchoolPlan],
        counties: usize,
        townships: usize,
        first: i32,
        last: i32,
    ) -> StageChoosers {
        StageChoosers {
            first,
            last,
            by_stage: STAGES
                .iter()
                .map(|stage| {
                    (first..=last)
                        .map(|y| Choosers::build(plans, counties, townships, *stage, y))
                        .collect()
                })
                .collect(),
        }
    }

    fn get(&self, stage: Stage, year: i32) -> Option<&Choosers> {
        self.by_stage
            .get(stage_index(stage))?
            .get(usize::try_from(year.clamp(self.first, self.last) - self.first).ok()?)
    }

    /// A school of `stage` open in `year` (clamped): in `township` if it has
    /// one and the first draw falls in the local share, else in `county`;
    /// the second draw picks the school.
    pub fn pick(
        &self,
        stage: Stage,
        year: i32,
        county: usize,
        township: usize,
        local: f64,
        (u, v): (f64, f64),
    ) -> u32 {
        let Some(choosers) = self.get(stage, year) else {
            return NONE;
        };
        if let Some(picker) = choosers.township.get(township).filter(|p| !p.is_empty()) {
            if u < local {
                return picker.pick(v).unwrap_or(NONE);
            }
        }
        choosers
            .county
            .get(county)
            .and_then(|p| p.pick(v))
            .unwrap_or(NONE)
    }
}

/// Makes every cohort that is at school in `first..=last` (from grade 12 in
/// the first year to 小班 in the last), county by county: each child with
/// the school it would attend at each stage if nothing happened; then
/// `moves::simulate` walks the years (arrivals, departures, deaths,
/// transfers, repeaters, early leavers, closures) into each year's rosters.
pub(crate) fn build(
    places: &Places,
    plans: &[SchoolPlan],
    names: &Names,
    first: u16,
    last: u16,
    scale: f64,
    seed: u64,
) -> Cohorts {
    let (first, last) = (i32::from(first), i32::from(last));
    let first_cohort = first - 11;
    let last_cohort = last + 3;
    let counties = places.counties.len();
    let townships = places.township_count();
    let choosers = StageChoosers::build(plans, counties, townships, first, last);
    let chooser = |stage: Stage, year: i32| choosers.get(stage, year);
    // Township of each global township index, and the other city townships for movers.
    let mut township_area = Vec::with_capacity(townships);
    let mut county_of = Vec::with_capacity(townships);
    for (c, county) in places.counties.iter().enumerate() {
        for t in &county.townships {
            township_area.push(t.area);
            county_of.push(c);
        }
    }
    let outer_townships: Vec<(u16, u16)> = places
        .counties
        .iter()
        .filter(|c| matches!(c.profile.kind, CountyKind::Outer | CountyKind::Rural))
        .flat_map(|c| c.townships.iter().map(move |t| (t.area, c.id_area)))
        .collect();
    let origins = Picker::new(places.migrant_origins.iter().map(|(a, w)| (u32::from(*a), *w)));

    let mut persons = Vec::new();
    let mut base: Vec<[u32; 4]> = Vec::new();

    for (county_index, county) in places.counties.iter().enumerate() {
        let profile = county.profile;
        let migrant_share = profile.migrant_rate / (1.0 + profile.migrant_rate);
        // Children of the old city and suburbs whose 户籍 stayed in an outer county.
        let mover_share = if matches!(profile.kind, CountyKind::Inner | CountyKind::Growing) {
            0.05
        } else {
            0.0
        };
        for cohort in first_cohort..=last_cohort {
            let mut rng = rng_for(
                seed,
                &[stream::PERSONS, code_number(county.code.as_str()), cohort as u64],
            );
            let n = (cohort_size(places, county_index, cohort) * scale).round() as usize;
            let (window_start, window_end) = cohort_birth_window(cohort);
            let days = (window_end - window_start).num_days().max(0) as u64 + 1;
            // 学前三年毛入园率 rises over the years (docs/demo-city.md): the
            // cohort entering 小班 in year e attends a little more than the one before.
            let rising = (1.0 + PRESCHOOL_RISE * f64::from(cohort - 3 - 2021)).max(0.5);
            for _ in 0..n {
                let male = rng.random::<f64>() < 0.515;
                let birth = window_start
                    .checked_add_days(Days::new(rng.random_range(0..days)))
                    .unwrap_or(window_start);
                let migrant = rng.random::<f64>() < migrant_share;
                let primary = chooser(Stage::Primary, cohort)
                    .map(|c| c.choose(&mut rng, county_index, usize::MAX, 0.0, 1))
                    .unwrap_or(NONE);
                let Some(plan) = plans.get(primary as usize) else {
                    continue;
                };
                let township = plan.township;
                let (id_area, household) = if migrant {
                    let area = origins.pick(rng.random()).unwrap_or(u32::from(county.id_area)) as u16;
                    (area, area)
                } else if rng.random::<f64>() < mover_share && !outer_townships.is_empty() {
                    let (t, c) = outer_townships[rng.random_range(0..outer_townships.len())];
                    (c, t)
                } else {
                    (
                        county.id_area,
                        township_area.get(township).copied().unwrap_or(county.area),
                    )
                };

                // Every stage's school is chosen, in or out of the window: a
                // repeater or a mover may reach a stage the cohort does not.
                let mut schools = [NONE; 4];
                schools[1] = primary;
                let attendance =
                    (profile.preschool_attendance * rising).min(0.995) * if migrant { 0.95 } else { 1.0 };
                if rng.random::<f64>() < attendance {
                    schools[0] = chooser(Stage::Preschool, cohort - 3)
                        .map(|c| c.choose(&mut rng, county_index, township, 0.85, 3))
                        .unwrap_or(NONE);
                }
                let junior = if plan.kind == SchoolKind::NineYear && rng.random::<f64>() < 0.92 {
                    primary
                } else {
                    chooser(Stage::Junior, cohort + 6)
                        .map(|c| c.choose(&mut rng, county_index, township, 0.75, 1))
                        .unwrap_or(NONE)
                };
                schools[2] = junior;
                // Fewer migrant children stay for 普通高中 (中考 rules on 户籍 and 学籍).
                let entry = profile.senior_entry * if migrant { 0.55 } else { 1.0 };
                if rng.random::<f64>() < entry {
                    let own = plans
                        .get(junior as usize)
                        .is_some_and(|p| p.kind == SchoolKind::FullSecondary);
                    schools[3] = if own && rng.random::<f64>() < 0.6 {
                        junior
                    } else {
                        chooser(Stage::Senior, cohort + 9)
                            .map(|c| c.choose(&mut rng, county_index, township, 0.0, 1))
                            .unwrap_or(NONE)
                    };
                }
                let (surname, given) = names.draw(&mut rng);
                persons.push(Person {
                    birth,
                    seq: 0,
                    id_area,
                    household,
                    given,
                    surname,
                    male,
                    migrant,
                    township: township as u16,
                    myopia: rng.random(),
                    boarding: rng.random(),
                });
                base.push(schools);
            }
        }
    }

    // Each township's share of its county's children, from the primary intake weights.
    let mut shares = vec![0.0; townships];
    let mut totals = vec![0.0; counties];
    for plan in plans.iter().filter(|p| p.kind.serves(Stage::Primary)) {
        let w = plan.weight_in(last);
        if let Some(s) = shares.get_mut(plan.township) {
            *s += w;
        }
        if let Some(t) = totals.get_mut(plan.county) {
            *t += w;
        }
    }
    for (t, share) in shares.iter_mut().enumerate() {
        let total = county_of
            .get(t)
            .and_then(|c| totals.get(*c))
            .copied()
            .unwrap_or(0.0);
        *share = if total > 0.0 { *share / total } else { 0.0 };
    }

    let simulated = crate::moves::simulate(&crate::moves::World {
        places,
        plans,
        choosers: &choosers,
        county_of: &county_of,
        persons: &persons,
        base: &base,
        first,
        last,
        first_cohort,
        last_cohort,
        seed,
    });

    Cohorts {
        persons,
        first_year: first as u16,
        years: simulated.rosters,
        townships: TownshipCohorts {
            first_cohort,
            first_year: first,
            counts: simulated.counts,
            shares,
        },
        moves: simulated.counts_of_moves,
    }
}

/// Relative rise a year in kindergarten attendance, per cohort entering
/// 小班 (0 for the cohort entering in 2021): puts 学前三年毛入园率 from about
/// 90 % in 2019 to about 95 % in 2024.
const PRESCHOOL_RISE: f64 = 0.008;

/// Numbers of the identity numbers: per (area, birth date) boys take odd
/// sequences 1, 3, …, 999 and girls even ones 2, 4, …, 998. When a day is
/// full the birth date moves to the next free day of the same window, so
/// numbers never collide.
#[derive(Debug, Default)]
pub(crate) struct Sequences {
    used: HashMap<(u16, NaiveDate), (u16, u16)>,
}

impl Sequences {
    /// Assigns a free (birth date, sequence) within `[window_start, window_end]`.
    pub fn assign(
        &mut self,
        area: u16,
        birth: NaiveDate,
        male: bool,
        window: (NaiveDate, NaiveDate),
    ) -> Result<(NaiveDate, u16), DemoError> {
        let mut date = birth;
        for _ in 0..=366 {
            let slot = self.used.entry((area, date)).or_insert((0, 0));
            let taken = if male { &mut slot.0 } else { &mut slot.1 };
            if *taken < 499 {
                *taken += 1;
                let seq = if male { *taken * 2 - 1 } else { *taken * 2 };
                return Ok((date, seq));
            }
            date = date.succ_opt().filter(|d| *d <= window.1).unwrap_or(window.0);
        }
        Err(DemoError::IdentityNumbersExhausted)
    }
}

/// Gives every child a unique identity number sequence, in person order.
pub(crate) fn number_persons(persons: &mut [Person], sequences: &mut Sequences) -> Result<(), DemoError> {
    for person in persons.iter_mut() {
        let cohort = cohort_of(person.birth);
        let (birth, seq) = sequences.assign(
            person.id_area,
            person.birth,
            person.male,
            cohort_birth_window(cohort),
        )?;
        person.birth = birth;
        person.seq = seq;
    }
    Ok(())
}

/// The cohort a birth date belongs to.
pub(crate) fn cohort_of(birth: NaiveDate) -> i32 {
    use chrono::Datelike;
    if birth.month() >= 9 {
        birth.year() + 7
    } else {
        birth.year() + 6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cohort_of_a_birth_date_matches_its_window() {
        for cohort in [2008, 2019, 2027] {
            let (start, end) = cohort_birth_window(cohort);
            assert_eq!(cohort_of(start), cohort);
            assert_eq!(cohort_of(end), cohort);
        }
    }

    #[test]
    fn sequences_never_repeat_and_spill_to_the_next_day() {
        let mut sequences = Sequences::default();
        let window = cohort_birth_window(2024);
        let day = window.0;
        let mut seen = std::collections::HashSet::new();
        for i in 0..1200 {
            let (date, seq) = sequences.assign(3, day, i % 2 == 0, window).unwrap();
            assert!(seen.insert((date, seq)));
            assert_eq!(seq % 2 == 1, i % 2 == 0);
            assert!((1..=999).contains(&seq));
        }
        assert!(seen.iter().any(|(d, _)| *d != day));
    }
}
