//! The schools of the demo city: how many of each kind per county, where
//! they are, what they are called, who runs them, how crowded they are and
//! how well equipped — everything about a school that does not change from
//! year to year. Seats are set later, from the enrolment the school gets.
//!
//! School codes are synthetic (docs/demo-city.md): one digit `2`–`9`, the
//! 6-digit county code, a 3-digit serial; the first digit goes up by one
//! for every thousand schools of a county, so `2370112001` is 历城区's
//! first school and `3370112001` its thousand-and-first.

use std::collections::{HashMap, HashSet};

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use registry::{Location, Ownership, QualityRating, School, SchoolCode, Stage};

use crate::places::{code_number, County, CountyKind, Places, Township};
use crate::population::cohort_size;
use crate::rng::{between, pick_weighted, rng_for, spread, stream};
use crate::school_names::{CityNames, Namer};
use crate::{DemoConfig, DemoError};

/// The four stages the demo city runs, in order; persons hold one school per stage.
pub(crate) const STAGES: [Stage; 4] = [Stage::Preschool, Stage::Primary, Stage::Junior, Stage::Senior];

pub(crate) fn stage_index(stage: Stage) -> usize {
    match stage {
        Stage::Preschool => 0,
        Stage::Primary => 1,
        Stage::Junior => 2,
        _ => 3,
    }
}

/// Grades of a stage as the demo city runs it (the 六三制 of 济南).
pub(crate) fn grades(stage: Stage) -> std::ops::RangeInclusive<i8> {
    match stage {
        Stage::Preschool => -2..=0,
        Stage::Primary => 1..=6,
        Stage::Junior => 7..=9,
        _ => 10..=12,
    }
}

/// What a school is, which sets the stages it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SchoolKind {
    Kindergarten,
    Primary,
    /// 九年一贯制: primary and junior.
    NineYear,
    Junior,
    /// 完全中学: junior and senior.
    FullSecondary,
    Senior,
}

impl SchoolKind {
    pub fn stages(self) -> &'static [Stage] {
        match self {
            SchoolKind::Kindergarten => &[Stage::Preschool],
            SchoolKind::Primary => &[Stage::Primary],
            SchoolKind::NineYear => &[Stage::Primary, Stage::Junior],
            SchoolKind::Junior => &[Stage::Junior],
            SchoolKind::FullSecondary => &[Stage::Junior, Stage::Senior],
            SchoolKind::Senior => &[Stage::Senior],
        }
    }

    pub fn serves(self, stage: Stage) -> bool {
        self.stages().contains(&stage)
    }
}

/// A crowded school (大班额): classes larger than the standard by `excess`
/// students in 2019, relieved by `relief` × the excess over five years.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Crowding {
    pub excess: f64,
    pub relief: f64,
}

/// Facilities relative to the standard (1.0 = at standard per seat).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FacilityFactors {
    pub floor: f64,
    pub sports: f64,
    pub equipment: f64,
    pub multimedia: f64,
}

/// A school and the hidden traits that drive its rows year by year.
#[derive(Debug, Clone)]
pub(crate) struct SchoolPlan {
    pub record: School,
    pub county: usize,
    /// Global township index (over all counties, in order).
    pub township: usize,
    pub kind: SchoolKind,
    /// Relative intake among the county's schools of the same stage.
    pub weight: f64,
    /// Yearly factor on that weight.
    pub growth: f64,
    pub crowding: Option<Crowding>,
    /// Chance of being crowded, and this school's draw (lower = more popular).
    crowding_chance: f64,
    crowding_draw: f64,
    /// Planned class size relative to the standard.
    pub class_factor: f64,
    /// Students per teacher relative to the stage's norm.
    pub ratio_factor: f64,
    /// PE and arts teachers relative to the stage's norm.
    pub pe_arts: f64,
    /// Chance of key teachers relative to the norm.
    pub quality: f64,
    pub facilities: FacilityFactors,
    /// First school year with students, for a school opened from a
    /// construction project during the generated years.
    pub opens: Option<u16>,
    /// First school year without students, for a kindergarten that closed
    /// (its children merged into others nearby).
    pub closes: Option<u16>,
}

impl SchoolPlan {
    pub fn location(&self) -> Location {
        self.record.location
    }

    pub fn is_public(&self) -> bool {
        self.record.ownership == Ownership::Public
    }

    /// Intake weight in `year` (clamped to the generated years by the
    /// caller); none while the school is not open.
    pub fn weight_in(&self, year: i32) -> f64 {
        if !self.operating(year) {
            return 0.0;
        }
        self.weight * self.growth.powi(year - 2019)
    }

    /// Whether the school has students in `year`: opened and not closed.
    pub fn operating(&self, year: i32) -> bool {
        self.opens.is_none_or(|o| year >= i32::from(o)) && self.closes.is_none_or(|c| year < i32::from(c))
    }
}

/// Typical students per school, by county kind and stage (full scale).
fn average_size(kind: CountyKind, stage: Stage) -> f64 {
    let [pre, pri, jun, sen] = match kind {
        CountyKind::Inner => [200.0, 1400.0, 1100.0, 1600.0],
        CountyKind::Growing => [190.0, 1250.0, 1050.0, 1900.0],
        CountyKind::Outer => [140.0, 800.0, 900.0, 2200.0],
        CountyKind::Rural => [110.0, 520.0, 750.0, 2400.0],
    };
    [pre, pri, jun, sen][stage_index(stage)]
}

/// Expected peak enrolment of a stage in a county over the generated years, full scale.
fn expected_peak(places: &Places, county: usize, stage: Stage, first: u16, last: u16) -> f64 {
    let profile = places.counties.get(county).map(|c| c.profile);
    let factor = match (stage, profile) {
        (Stage::Preschool, Some(p)) => p.preschool_attendance,
        (Stage::Senior, Some(p)) => p.senior_entry,
        _ => 1.0,
    };
    (first..=last)
        .map(|year| {
            grades(stage)
                .map(|g| cohort_size(places, county, i32::from(year) - i32::from(g) + 1))
                .sum::<f64>()
        })
        .fold(0.0, f64::max)
        * factor
}

/// Numbers of schools of each kind in a county, at the configured scale.
fn school_counts(places: &Places, county: usize, config: &DemoConfig) -> Vec<(SchoolKind, usize)> {
    let Some(profile) = places.counties.get(county).map(|c| c.profile) else {
        return Vec::new();
    };
    let (first, last) = (config.first_year.0, config.last_year.0);
    let count = |stage: Stage| {
        let n = expected_peak(places, county, stage, first, last) / average_size(profile.kind, stage)
            * config.scale;
        (n.round() as usize).max(1)
    };
    let (kindergartens, primary, junior, senior) = (
        count(Stage::Preschool),
        count(Stage::Primary),
        count(Stage::Junior),
        count(Stage::Senior),
    );
    // 九年一贯制 are common in the countryside, 完全中学 in the old city.
    let (nine_share, full_share) = match profile.kind {
        CountyKind::Inner => (0.15, 0.30),
        CountyKind::Growing => (0.25, 0.20),
        CountyKind::Outer => (0.35, 0.15),
        CountyKind::Rural => (0.30, 0.10),
    };
    let full = if senior > 1 {
        (senior as f64 * full_share).round() as usize
    } else {
        0
    };
    let nine = if junior > 1 {
        (junior as f64 * nine_share).round() as usize
    } else {
        0
    };
    let junior_only = junior.saturating_sub(nine + full).max(1);
    let primary_only = primary.saturating_sub(nine).max(1);
    vec![
        (SchoolKind::Senior, senior - full),
        (SchoolKind::FullSecondary, full),
        (SchoolKind::Junior, junior_only),
        (SchoolKind::NineYear, nine),
        (SchoolKind::Primary, primary_only),
        (SchoolKind::Kindergarten, kindergartens),
    ]
}

/// Shares of kindergartens (public, inclusive private, other private) by
/// location: township kindergartens are mostly public, the city's are
/// split three ways (docs/demo-city.md).
fn kindergarten_shares(location: Location) -> [f64; 3] {
    match location {
        Location::Urban => [0.40, 0.37, 0.23],
        Location::Town => [0.55, 0.31, 0.14],
        Location::Rural => [0.75, 0.18, 0.07],
    }
}

/// Hands out kindergarten ownership so that a county's counts follow the
/// shares closely however few kindergartens it has: the first of each
/// location is drawn by the shares, each later one goes to the class
/// furthest behind its share.
#[derive(Debug, Default)]
struct OwnershipQuota {
    seen: [f64; 3],
    given: [[f64; 3]; 3],
}

impl OwnershipQuota {
    fn assign(
        &mut self,
        rng: &mut ChaCha8Rng,
        location: Location,
        must_be_public: bool,
    ) -> (Ownership, bool) {
        let l = match location {
            Location::Urban => 0,
            Location::Town => 1,
            Location::Rural => 2,
        };
        let shares = kindergarten_shares(location);
        self.seen[l] += 1.0;
        let class = if must_be_public {
            0
        } else if self.seen[l] == 1.0 {
            pick_weighted(rng, &shares)
        } else {
            (0..3)
                .max_by(|a, b| {
                    let behind = |c: usize| shares[c] * self.seen[l] - self.given[l][c];
                    behind(*a).total_cmp(&behind(*b)).then(b.cmp(a))
                })
                .unwrap_or(0)
        };
        self.given[l][class] += 1.0;
        match class {
            0 => (Ownership::Public, false),
            1 => (Ownership::Private, true),
            _ => (Ownership::Private, false),
        }
    }
}

/// Builds every school of the city, county by county.
pub(crate) fn plan_schools(places: &Places, config: &DemoConfig) -> Result<Vec<SchoolPlan>, DemoError> {
    let mut plans = Vec::new();
    let mut city_names = CityNames::default();
    let mut township_offset = 0usize;
    for (county_index, county) in places.counties.iter().enumerate() {
        let mut rng = rng_for(config.seed, &[stream::SCHOOLS, code_number(county.code.as_str())]);
        let mut namer = Namer::new(county, &mut city_names);
        let mut serial = 0u32;
        let county_start = plans.len();
        let mut quota = OwnershipQuota::default();
        for (kind, count) in school_counts(places, county_index, config) {
            let townships = place_in_townships(&mut rng, county, kind, count);
            // Every township has its public 中心 school only when there are schools enough.
            let anchored = count >= county.townships.len();
            let mut first_in_township: HashSet<usize> = HashSet::new();
            for local in townships {
                serial += 1;
                let code = school_code(county.code.as_str(), serial)?;
                let Some(township) = county.townships.get(local) else {
                    continue;
                };
                let first = first_in_township.insert(local) && anchored;
                let plan = plan_school(
                    &mut rng,
                    &mut namer,
                    &mut quota,
                    county,
                    county_index,
                    township,
                    kind,
                    first,
                    code,
                );
                plans.push(SchoolPlan {
                    township: township_offset + local,
                    ..plan
                });
            }
        }
        township_offset += county.townships.len();
        if let Some(county_plans) = plans.get_mut(county_start..) {
            choose_crowded(county_plans, &mut rng);
        }
        form_groups(&mut plans, county_index, config.seed);
    }
    choose_slow_relief(&mut plans, &mut rng_for(config.seed, &[stream::SCHOOLS, 0]));
    schedule_openings(&mut plans, places, config);
    schedule_closures(&mut plans, config);
    Ok(plans)
}

/// Relative weight of each school year for openings and closures.
fn year_weight(year: u16, weights: &[(u16, f64)]) -> f64 {
    weights.iter().find(|(y, _)| *y == year).map_or(1.0, |(_, w)| *w)
}

/// Picks `max(1, round(Σ chance))` schools among the candidates, the lowest
/// draw ÷ chance first (as `choose_crowded`), and gives each a year of
/// `years` drawn by `weights`.
fn schedule(
    candidates: &[(usize, f64)],
    years: &[u16],
    weights: &[(u16, f64)],
    rng: &mut ChaCha8Rng,
) -> Vec<(usize, u16)> {
    if years.is_empty() || candidates.is_empty() {
        return Vec::new();
    }
    let expected: f64 = candidates.iter().map(|(_, c)| c).sum();
    let count = (expected.round() as usize).max(1);
    let mut keyed: Vec<(f64, usize)> = candidates
        .iter()
        .map(|(i, chance)| (rng.random::<f64>() / chance.max(1e-9), *i))
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let year_weights: Vec<f64> = years.iter().map(|y| year_weight(*y, weights)).collect();
    keyed
        .into_iter()
        .take(count)
        .map(|(_, i)| (i, years[pick_weighted(rng, &year_weights)]))
        .collect()
}

/// New public primary, junior and 九年一贯制 schools open where demand grows
/// (历城, 高新 and the growing townships of other counties) in the generated
/// years after the first, more of them late as the 2016–2017 births reach
/// primary school; a few 配套幼儿园 open early in new housing. Each opens
/// from a construction project (`plan.rs`, `history_projects`).
fn schedule_openings(plans: &mut [SchoolPlan], places: &Places, config: &DemoConfig) {
    let mut rng = rng_for(config.seed, &[stream::OPENINGS]);
    let years: Vec<u16> = (config.first_year.0 + 1..=config.last_year.0).collect();
    let growing = |plan: &SchoolPlan| {
        let county = places.counties.get(plan.county);
        let suburb = county.is_some_and(|c| c.profile.kind == CountyKind::Growing);
        (suburb, plan.growth > 1.02)
    };
    let mut schools = Vec::new();
    let mut kindergartens = Vec::new();
    // A county keeps schools of every stage open in every year: only
    // counties with at least three schools of a stage get a new one.
    let serving = |county: usize, stage: Stage| {
        plans
            .iter()
            .filter(|p| p.county == county && p.kind.serves(stage))
            .count()
    };
    for (i, plan) in plans.iter().enumerate() {
        if !plan.is_public() || plan.crowding.is_some() || plan.location() == Location::Rural {
            continue;
        }
        if plan.kind.stages().iter().any(|s| serving(plan.county, *s) < 3) {
            continue;
        }
        let (suburb, township) = growing(plan);
        match plan.kind {
            SchoolKind::Primary | SchoolKind::Junior | SchoolKind::NineYear => {
                let chance = if suburb {
                    0.16
                } else if township {
                    0.10
                } else {
                    0.0
                };
                if chance > 0.0 {
                    schools.push((i, chance));
                }
            }
            SchoolKind::Kindergarten if suburb || township => kindergartens.push((i, 0.04)),
            _ => {}
        }
    }
    let late = [(2020, 0.6), (2021, 0.8), (2022, 1.0), (2023, 1.4), (2024, 1.6)];
    let early = [(2020, 1.0), (2021, 1.0), (2022, 0.3), (2023, 0.1), (2024, 0.1)];
    for (i, year) in schedule(&schools, &years, &late, &mut rng)
        .into_iter()
        .chain(schedule(&kindergartens, &years, &early, &mut rng))
    {
        if let Some(plan) = plans.get_mut(i) {
            plan.opens = Some(year);
        }
    }
}

/// Kindergartens close as births fall, from 2021 (or the second generated
/// year, if later): small private and village ones first, never one that
/// opened in the generated years, and the township (or, in a small city,
/// the county) keeps one. Their
/// children move to kindergartens nearby (a merge, `cohorts.rs`).
fn schedule_closures(plans: &mut [SchoolPlan], config: &DemoConfig) {
    let mut rng = rng_for(config.seed, &[stream::CLOSURES]);
    let years: Vec<u16> = (config.first_year.0.max(2020) + 1..=config.last_year.0).collect();
    let mut per_township: HashMap<usize, usize> = HashMap::new();
    let mut per_county: HashMap<usize, usize> = HashMap::new();
    for plan in plans.iter().filter(|p| p.kind == SchoolKind::Kindergarten) {
        *per_township.entry(plan.township).or_default() += 1;
        *per_county.entry(plan.county).or_default() += 1;
    }
    // A township keeps a kindergarten; in a small city, where townships
    // have one at most, the county keeps two.
    let may_close = |township: usize,
                     county: usize,
                     per_township: &HashMap<usize, usize>,
                     per_county: &HashMap<usize, usize>| {
        per_township.get(&township).copied().unwrap_or(0) >= 2
            || per_county.get(&county).copied().unwrap_or(0) >= 3
    };
    // Median weight: the smaller half is likelier to close.
    let mut weights: Vec<f64> = plans
        .iter()
        .filter(|p| p.kind == SchoolKind::Kindergarten)
        .map(|p| p.weight)
        .collect();
    weights.sort_by(f64::total_cmp);
    let median = weights.get(weights.len() / 2).copied().unwrap_or(0.0);
    let candidates: Vec<(usize, f64)> = plans
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == SchoolKind::Kindergarten && p.opens.is_none())
        .filter(|(_, p)| may_close(p.township, p.county, &per_township, &per_county))
        .map(|(i, p)| {
            let base = match (p.is_public(), p.record.inclusive, p.location()) {
                (false, false, _) => 0.30,
                (false, true, _) => 0.12,
                (true, _, Location::Rural) => 0.10,
                (true, _, _) => 0.015,
            };
            (i, base * if p.weight < median { 1.5 } else { 0.5 })
        })
        .collect();
    let weights = [(2021, 1.0), (2022, 1.5), (2023, 2.0), (2024, 2.5)];
    let mut closing = schedule(&candidates, &years, &weights, &mut rng);
    closing.sort_by_key(|(i, y)| (*y, *i));
    for (i, year) in closing {
        let Some((township, county)) = plans.get(i).map(|p| (p.township, p.county)) else {
            continue;
        };
        if may_close(township, county, &per_township, &per_county) {
            *per_township.entry(township).or_default() -= 1;
            *per_county.entry(county).or_default() -= 1;
            if let Some(plan) = plans.get_mut(i) {
                plan.closes = Some(year);
            }
        }
    }
}

/// `2` + county + serial, the leading digit counting thousands.
fn school_code(county: &str, serial: u32) -> Result<SchoolCode, DemoError> {
    let lead = 2 + serial / 1000;
    if lead > 9 {
        return Err(DemoError::TooManySchools(county.to_owned()));
    }
    SchoolCode::parse(&format!("{lead}{county}{:03}", serial % 1000))
        .map_err(|_| DemoError::TooManySchools(county.to_owned()))
}

/// Township (local index) of each school of a kind: one per township first
/// when there are enough schools, then by the townships' weights.
fn place_in_townships(rng: &mut ChaCha8Rng, county: &County, kind: SchoolKind, count: usize) -> Vec<usize> {
    let n = county.townships.len();
    let weights: Vec<f64> = county
        .townships
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let core = i < county.profile.core_townships;
            match kind {
                // Senior high schools sit in the county seat and big towns.
                SchoolKind::Senior | SchoolKind::FullSecondary if core => t.weight * 3.0,
                SchoolKind::Senior | SchoolKind::FullSecondary if t.remote => t.weight * 0.2,
                _ => t.weight,
            }
        })
        .collect();
    let spread_first = matches!(kind, SchoolKind::Kindergarten | SchoolKind::Primary) && count >= n;
    let mut places = Vec::with_capacity(count);
    if spread_first {
        places.extend(0..n);
    }
    let mut taken = vec![false; n];
    while places.len() < count {
        // Without replacement while townships last, so small counts spread out.
        let free: Vec<f64> = weights
            .iter()
            .zip(&taken)
            .map(|(w, t)| if *t { 0.0 } else { *w })
            .collect();
        let index = if free.iter().any(|w| *w > 0.0) {
            pick_weighted(rng, &free)
        } else {
            pick_weighted(rng, &weights)
        };
        if let Some(t) = taken.get_mut(index) {
            *t = true;
        }
        places.push(index);
    }
    places
}

#[allow(clippy::too_many_arguments)]
fn plan_school(
    rng: &mut ChaCha8Rng,
    namer: &mut Namer<'_>,
    quota: &mut OwnershipQuota,
    county: &County,
    county_index: usize,
    township: &Township,
    kind: SchoolKind,
    first_in_township: bool,
    code: SchoolCode,
) -> SchoolPlan {
    let profile = county.profile;
    let mut location = township.draw_location(rng);
    if matches!(kind, SchoolKind::Senior | SchoolKind::FullSecondary) && location == Location::Rural {
        location = Location::Town; // senior high schools are not village schools
    }
    let ownership_draw: f64 = rng.random();
    let (ownership, inclusive) = match kind {
        SchoolKind::Kindergarten => {
            quota.assign(rng, location, first_in_township && location != Location::Urban)
        }
        _ => {
            let private = match (kind, location) {
                (_, Location::Rural) => 0.0,
                (SchoolKind::Senior | SchoolKind::FullSecondary, Location::Urban) => 0.14,
                (SchoolKind::Senior | SchoolKind::FullSecondary, _) => 0.06,
                (_, Location::Urban) => 0.07,
                (_, Location::Town) => 0.03,
            };
            let private = if first_in_township { 0.0 } else { private };
            (
                if ownership_draw < private {
                    Ownership::Private
                } else {
                    Ownership::Public
                },
                false,
            )
        }
    };
    let public = ownership == Ownership::Public;
    let kindergarten = kind == SchoolKind::Kindergarten;

    let location_weight = match location {
        Location::Urban => 1.3,
        Location::Town => 1.0,
        Location::Rural => 0.5,
    };
    let ownership_weight = match (kindergarten, public, inclusive) {
        (true, true, _) => 1.35,
        (true, false, true) => 1.0,
        (true, false, false) => 0.6,
        (false, true, _) => 1.0,
        (false, false, _) => 0.75,
    };
    let mut growth = township.growth * between(rng, 0.995, 1.005);
    if kindergarten {
        // Families move to public and inclusive kindergartens; private ones lose children.
        growth *= match (public, inclusive) {
            (true, _) => 1.04,
            (false, true) => 1.0,
            (false, false) => 0.94,
        };
    }

    let crowding_chance = match (kind, location) {
        (SchoolKind::Kindergarten, _) | (_, Location::Rural) => 0.0,
        _ if !public => 0.0,
        (SchoolKind::Senior | SchoolKind::FullSecondary, _) => profile.crowding * 0.3,
        (_, Location::Urban) => profile.crowding * 0.6,
        (_, Location::Town) if township.growth > 1.02 => profile.crowding * 0.6,
        (_, Location::Town) => profile.crowding * 0.3,
    };
    let crowding_draw: f64 = rng.random();
    let weight = spread(rng, if kindergarten { 0.3 } else { 0.35 }) * location_weight * ownership_weight;
    let class_factor = match (kind, location) {
        (SchoolKind::Kindergarten, _) if !public => between(rng, 0.80, 1.0),
        (SchoolKind::Kindergarten, _) => between(rng, 0.90, 1.04),
        (_, Location::Urban) => between(rng, 0.92, 1.0),
        (_, Location::Town) => between(rng, 0.85, 1.0),
        (_, Location::Rural) => between(rng, 0.65, 0.95),
    };
    let pe_arts = match location {
        Location::Urban => 1.1,
        Location::Town => 0.9,
        Location::Rural => 0.65,
    } * spread(rng, 0.2);
    let quality = match (public, location) {
        (false, _) => 0.8,
        (true, Location::Urban) => 1.2,
        (true, Location::Town) => 1.0,
        (true, Location::Rural) => 0.7,
    } * spread(rng, 0.2);

    let base = profile.resource_level * spread(rng, profile.resource_spread);
    let facilities = FacilityFactors {
        floor: base * spread(rng, 0.12) * if location == Location::Rural { 1.1 } else { 1.0 },
        sports: base
            * spread(rng, 0.15)
            * profile.sports_factor
            * match location {
                Location::Urban => 0.85,
                Location::Town => 1.0,
                Location::Rural => 1.2,
            },
        equipment: base
            * spread(rng, 0.15)
            * match (public, location) {
                (false, _) => 1.1,
                (true, Location::Rural) => 0.75,
                _ => 1.0,
            },
        multimedia: base * spread(rng, 0.15) * if location == Location::Rural { 0.8 } else { 1.0 },
    };

    let quality_rating = if kindergarten {
        let u: f64 = rng.random();
        let (province, city, county_level) = match (public, inclusive) {
            (true, _) => (0.50, 0.25, 0.13),
            (false, true) => (0.25, 0.28, 0.22),
            (false, false) => (0.06, 0.12, 0.15),
        };
        if u < province {
            QualityRating::Province
        } else if u < province + city {
            QualityRating::City
        } else if u < province + city + county_level {
            QualityRating::County
        } else {
            QualityRating::Unrated
        }
    } else {
        QualityRating::Unrated
    };

    let name = namer.name(
        rng,
        kind,
        township,
        location,
        ownership,
        inclusive,
        first_in_township,
    );
    let longitude = (township.lon + between(rng, -0.015, 0.015)).clamp(116.2, 117.9);
    let latitude = (township.lat + between(rng, -0.012, 0.012)).clamp(36.0, 37.6);
    SchoolPlan {
        record: School {
            code,
            name,
            county: county.code.clone(),
            township: Some(township.code.clone()),
            stages: kind.stages().to_vec(),
            ownership,
            inclusive,
            quality_rating,
            location,
            seats: Vec::new(),
            school_group: None,
            longitude: Some((longitude * 1e5).round() / 1e5),
            latitude: Some((latitude * 1e5).round() / 1e5),
        },
        county: county_index,
        township: 0,
        kind,
        weight,
        growth,
        crowding: None,
        crowding_chance,
        crowding_draw,
        class_factor,
        ratio_factor: between(rng, 0.9, 1.1),
        pe_arts,
        quality,
        facilities,
        opens: None,
        closes: None,
    }
}

/// Picks a county's crowded schools (大班额): as many as the chances add up
/// to (at least one where they add up to a third), the most popular first.
fn choose_crowded(plans: &mut [SchoolPlan], rng: &mut ChaCha8Rng) {
    let expected: f64 = plans.iter().map(|p| p.crowding_chance).sum();
    let count = if expected >= 1.0 / 3.0 {
        (expected.round() as usize).max(1)
    } else {
        0
    };
    let mut order: Vec<usize> = (0..plans.len())
        .filter(|i| plans[*i].crowding_chance > 0.0)
        .collect();
    order.sort_by(|a, b| {
        let key = |p: &SchoolPlan| p.crowding_draw / p.crowding_chance;
        key(&plans[*a]).total_cmp(&key(&plans[*b]))
    });
    for index in order.into_iter().take(count) {
        let plan = &mut plans[index];
        let (excess, relief) = if plan.kind == SchoolKind::Senior {
            (between(rng, 7.0, 15.0), between(rng, 0.9, 1.3))
        } else {
            (between(rng, 13.0, 27.0), between(rng, 0.95, 1.3))
        };
        plan.crowding = Some(Crowding { excess, relief });
        plan.weight *= 1.5; // crowded because popular
        plan.class_factor = 1.0;
        plan.quality *= 1.3;
    }
}

/// One of the city's crowded primary and junior schools is slow to relieve
/// — no land to build on — so a handful of large classes remain in 2024
/// while the city has cleared the rest.
fn choose_slow_relief(plans: &mut [SchoolPlan], rng: &mut ChaCha8Rng) {
    let mut crowded: Vec<usize> = (0..plans.len())
        .filter(|i| plans[*i].crowding.is_some() && plans[*i].kind != SchoolKind::Senior)
        .collect();
    crowded.shuffle(rng);
    for index in crowded.into_iter().take(1) {
        plans[index].crowding = Some(Crowding {
            excess: between(rng, 22.0, 24.0),
            relief: between(rng, 0.40, 0.45),
        });
    }
}

/// 教育集团 (and for kindergartens 发展共同体): a strong urban public school
/// leads two to four others of the same county and stage, mostly town and
/// rural ones (强校带弱校).
fn form_groups(plans: &mut [SchoolPlan], county: usize, seed: u64) {
    let mut rng = rng_for(seed, &[stream::GROUPS, county as u64]);
    let families: [&[SchoolKind]; 3] = [
        &[SchoolKind::Kindergarten],
        &[SchoolKind::Primary, SchoolKind::NineYear],
        &[SchoolKind::Junior, SchoolKind::FullSecondary],
    ];
    for family in families {
        let members: Vec<usize> = plans
            .iter()
            .enumerate()
            .filter(|(_, p)| p.county == county && p.is_public() && family.contains(&p.kind))
            .map(|(i, _)| i)
            .collect();
        if members.len() < 4 {
            continue;
        }
        let mut leads: Vec<usize> = members
            .iter()
            .copied()
            .filter(|i| plans[*i].location() == Location::Urban)
            .collect();
        leads.sort_by(|a, b| plans[*b].weight.total_cmp(&plans[*a].weight));
        let groups = ((members.len() as f64 * 0.08).round() as usize)
            .max(1)
            .min(leads.len());
        let mut free: Vec<usize> = members
            .iter()
            .copied()
            .filter(|i| !leads[..groups].contains(i))
            .collect();
        free.shuffle(&mut rng);
        // Town and rural schools first: groups exist to lift them.
        free.sort_by_key(|i| plans[*i].location() == Location::Urban);
        let mut next = 0usize;
        for lead in leads.into_iter().take(groups) {
            let suffix = if family[0] == SchoolKind::Kindergarten {
                "发展共同体"
            } else {
                "教育集团"
            };
            let group = format!("{}{suffix}", plans[lead].record.name);
            plans[lead].record.school_group = Some(group.clone());
            let size = rng.random_range(2..=4usize);
            for member in free.iter().skip(next).take(size) {
                plans[*member].record.school_group = Some(group.clone());
            }
            next += size;
        }
    }
}

/// Sets each school's seats per stage from the largest enrolment it has in
/// the generated years: crowded and growing schools are over capacity,
/// shrinking rural schools under it.
pub(crate) fn assign_seats(plans: &mut [SchoolPlan], seed: u64, peak: impl Fn(usize, Stage) -> u32) {
    for (index, plan) in plans.iter_mut().enumerate() {
        let mut rng = rng_for(seed, &[stream::SEATS, index as u64]);
        let mut seats = Vec::new();
        for stage in plan.kind.stages() {
            let max = f64::from(peak(index, *stage));
            let factor = if plan.crowding.is_some() {
                between(&mut rng, 0.78, 0.92)
            } else if *stage == Stage::Preschool {
                if plan.is_public() {
                    between(&mut rng, 1.0, 1.2)
                } else {
                    between(&mut rng, 1.05, 1.35)
                }
            } else {
                match plan.location() {
                    Location::Urban if plan.growth > 1.01 => between(&mut rng, 0.9, 1.02),
                    Location::Urban => between(&mut rng, 0.95, 1.1),
                    Location::Town => between(&mut rng, 0.95, 1.15),
                    Location::Rural => between(&mut rng, 1.1, 1.6),
                }
            };
            let step = if *stage == Stage::Preschool { 5.0 } else { 10.0 };
            let value = ((max * factor / step).round() * step).max(step);
            seats.push((*stage, value as u32));
        }
        plan.record.seats = seats;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_codes_count_thousands_in_the_first_digit() {
        assert_eq!(school_code("370112", 1).unwrap().as_str(), "2370112001");
        assert_eq!(school_code("370112", 1001).unwrap().as_str(), "3370112001");
        assert!(school_code("370112", 8000).is_err());
    }
}
