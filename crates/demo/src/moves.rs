//! The years between: what happens to each child of the demo city from one
//! school year to the next, so that cohorts are not closed (issue 15).
//!
//! Every child first gets the school it would attend at each stage if
//! nothing happened (`cohorts::build`). This module then walks the
//! generated years child by child and draws, at the rates of
//! docs/demo-city.md ("Moves, deaths and the years between"):
//! - a late **arrival** for part of the migrant children (from other
//!   山东 counties and other provinces), at any age, more in 2019–2021;
//! - **departures** from the city (migrant children returning home, most
//!   before 中考; a few local families) and **deaths** at life-table rates;
//! - **moves** from 济南's rural and outer counties into its urban ones,
//!   between urban counties, and **transfers** within a county — the same
//!   child, identity number unchanged, in another school from that year;
//! - **repeaters**, **early leavers** and children **never enrolled**;
//! - **merges**: a kindergarten that closes sends its children to another
//!   kindergarten nearby.
//!
//! Each child's draws come from its own stream (the seed and the child's
//! index), so the result does not depend on the order of the walk.

use registry::Stage;

use crate::cohorts::{cohort_of, Person, Roster, StageChoosers, NONE};
use crate::places::{CountyKind, Places};
use crate::rng::{hash, mix64, stream, unit};
use crate::schools::{stage_index, SchoolPlan};

/// What the walk reads.
pub(crate) struct World<'a> {
    pub places: &'a Places,
    pub plans: &'a [SchoolPlan],
    pub choosers: &'a StageChoosers,
    /// County of each global township index.
    pub county_of: &'a [usize],
    pub persons: &'a [Person],
    /// The school of each stage each child would attend if nothing happened.
    pub base: &'a [[u32; 4]],
    pub first: i32,
    pub last: i32,
    pub first_cohort: i32,
    pub last_cohort: i32,
    pub seed: u64,
}

/// What the walk produced.
pub(crate) struct Simulated {
    /// rosters[year − first][school * 4 + stage_index]
    pub rosters: Vec<Vec<Roster>>,
    /// counts[year − first][township][cohort − first_cohort]: children living there.
    pub counts: Vec<Vec<Vec<u32>>>,
    pub counts_of_moves: MoveCounts,
}

/// How many children each kind of event touched in the generated years
/// after the first (the docs' figures; tests check they happen).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MoveCounts {
    /// Arrived in the city from elsewhere (other 山东 counties, other provinces).
    pub arrivals: u32,
    /// Of them, from another province.
    pub arrivals_other_province: u32,
    /// Left the city.
    pub departures: u32,
    pub deaths: u32,
    /// Moved to another county of the city (rural → urban and between urban ones).
    pub between_counties: u32,
    /// Changed school within their county.
    pub within_county: u32,
    /// Repeated a grade.
    pub repeaters: u32,
    /// Left school before finishing junior or senior high, still living in the city.
    pub early_leavers: u32,
    /// School-age (6–14) children living in the city and never enrolled, in the last year.
    pub never_enrolled: u32,
    /// Children moved by their kindergarten's closing, in its closing year.
    pub merged: u32,
}

/// Stronger migration in 2019–2021 (new housing in 历城 and 高新, the
/// 2020 户籍 reform), weaker later (docs/demo-city.md).
fn year_factor(year: i32) -> f64 {
    match year {
        ..=2018 => 1.0,
        2019 => 1.1,
        2020 => 1.3,
        2021 => 1.25,
        2022 => 0.9,
        2023 => 0.8,
        _ => 0.75,
    }
}

/// Chance of dying between age `age` and `age + 1` (China's life table
/// for children: infant mortality 5.4‰ in 2020, under-five 7.5‰; the rest
/// of childhood a few in ten thousand a year).
fn mortality(age: i32) -> f64 {
    match age {
        0 => 0.004,
        1..=4 => 0.0003,
        5..=14 => 0.0002,
        _ => 0.0003,
    }
}

/// Chance a year of leaving the city, by age: migrant children go home
/// more often than local families move away, most before 中考 (age 14,
/// entering grade 9), and those from other provinces more.
fn departure(migrant: bool, other_province: bool, age: i32) -> f64 {
    let base = match (migrant, other_province) {
        (false, _) => 0.002,
        (true, false) => 0.018,
        (true, true) => 0.026,
    };
    base * if migrant && age == 14 { 2.5 } else { 1.0 }
}

/// Share of migrant children who arrive after birth, by the county's kind.
fn late_arrival_share(kind: CountyKind) -> f64 {
    match kind {
        CountyKind::Growing => 0.8,
        CountyKind::Inner => 0.7,
        CountyKind::Outer => 0.5,
        CountyKind::Rural => 0.35,
    }
}

/// Chance a year that a local family moves to another county of the city:
/// out of the rural and outer counties into the urban ones, and a little
/// between urban counties.
fn county_move(kind: CountyKind) -> f64 {
    match kind {
        CountyKind::Rural => 0.015,
        CountyKind::Outer => 0.007,
        CountyKind::Inner | CountyKind::Growing => 0.004,
    }
}

/// Chance a year of changing school within the county: compulsory ages
/// more (a family moves house), kindergarten and senior high less.
fn transfer(age: i32) -> f64 {
    if (6..=14).contains(&age) {
        0.012
    } else {
        0.006
    }
}

/// Chance a year of repeating the grade just finished: compulsory a fifth
/// of a percent, senior high most of a percent.
fn repeat(grade: i32) -> f64 {
    match grade {
        1..=9 => 0.002,
        10..=12 => 0.008,
        _ => 0.0,
    }
}

/// Chance a year of leaving school early after the grade just finished:
/// junior grades 7–8 (so absent in 8–9) a fifth of a percent, senior more.
fn early_leave(grade: i32) -> f64 {
    match grade {
        7..=8 => 0.002,
        10..=11 => 0.010,
        _ => 0.0,
    }
}

/// Chance a child is never enrolled in compulsory school (控辍保学's
/// hardest cases): three in ten thousand.
const NEVER_ENROLLED: f64 = 0.0003;

/// A child's own stream of uniform draws.
struct Draws(u64);

impl Draws {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        unit(mix64(self.0))
    }
}

/// One child's life over the generated years.
struct Path {
    /// First school year present in the city.
    arrive: i32,
    /// First school year no longer present (left or died).
    leave: i32,
    /// First school year in the other county or school (`i32::MAX`: none).
    moved: i32,
    county: usize,
    township: usize,
    /// First school year one grade behind its cohort.
    repeat: i32,
    /// First school year out of school (early leaver).
    stop: i32,
    never: bool,
}

fn stage_of(grade: i32) -> Option<Stage> {
    match grade {
        -2..=0 => Some(Stage::Preschool),
        1..=6 => Some(Stage::Primary),
        7..=9 => Some(Stage::Junior),
        10..=12 => Some(Stage::Senior),
        _ => None,
    }
}

/// Grade of entry of a stage, relative to grade 1.
fn entry_offset(stage: Stage) -> i32 {
    match stage {
        Stage::Preschool => -3,
        Stage::Primary => 0,
        Stage::Junior => 6,
        _ => 9,
    }
}

impl World<'_> {
    /// Counties a mover from `from` may go to, with weights: the urban
    /// counties by their size, 历城 and 高新 (new housing) twice.
    fn destinations(&self, from: usize) -> Vec<(usize, f64)> {
        self.places
            .counties
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != from)
            .filter_map(|(i, c)| match c.profile.kind {
                CountyKind::Growing => Some((i, c.profile.birth_share * 2.0)),
                CountyKind::Inner => Some((i, c.profile.birth_share)),
                _ => None,
            })
            .collect()
    }

    fn path(
        &self,
        index: usize,
        person: &Person,
        cohort: i32,
        draws: &mut Draws,
        counts: &mut MoveCounts,
    ) -> Path {
        let township = usize::from(person.township);
        let county = self.county_of.get(township).copied().unwrap_or(0);
        let profile = self.places.counties.get(county).map(|c| c.profile);
        let kind = profile.map_or(CountyKind::Inner, |p| p.kind);
        let other_province = self
            .places
            .areas
            .get(usize::from(person.household))
            .is_some_and(|a| !a.as_str().starts_with("37"));
        let born = cohort - 6; // the school year in which the child is aged 0
        let mut path = Path {
            arrive: born,
            leave: i32::MAX,
            moved: i32::MAX,
            county,
            township,
            repeat: i32::MAX,
            stop: i32::MAX,
            never: draws.next() < NEVER_ENROLLED,
        };
        if person.migrant && draws.next() < late_arrival_share(kind) {
            let age = 1 + (draws.next() * 14.0) as i32;
            let year = born + age;
            if draws.next() < year_factor(year) / 1.3 {
                path.arrive = year;
                if (self.first + 1..=self.last).contains(&year) {
                    counts.arrivals += 1;
                    counts.arrivals_other_province += u32::from(other_province);
                }
            }
        }
        for year in (self.first + 1).max(path.arrive + 1)..=self.last {
            let age = year - 1 - born; // age in the year just finished
            if age < 0 {
                continue;
            }
            let factor = year_factor(year);
            if draws.next() < mortality(age) {
                path.leave = year;
                counts.deaths += 1;
                break;
            }
            if draws.next() < departure(person.migrant, other_province, age) * factor {
                path.leave = year;
                counts.departures += 1;
                break;
            }
            if path.moved == i32::MAX {
                if !person.migrant && draws.next() < county_move(kind) * factor {
                    let choices = self.destinations(county);
                    let total: f64 = choices.iter().map(|(_, w)| w).sum();
                    let mut target = draws.next() * total;
                    let mut chosen = None;
                    for (c, w) in &choices {
                        if target < *w {
                            chosen = Some(*c);
                            break;
                        }
                        target -= w;
                    }
                    if let Some(dest) = chosen.or_else(|| choices.last().map(|(c, _)| *c)) {
                        self.settle(&mut path, index, year, dest);
                        counts.between_counties += 1;
                    }
                } else if draws.next() < transfer(age) {
                    self.settle(&mut path, index, year, county);
                    counts.within_county += 1;
                }
            }
            let grade = year - 1 - cohort + 1 - i32::from(year > path.repeat);
            if path.repeat == i32::MAX && path.stop == i32::MAX && draws.next() < repeat(grade) {
                path.repeat = year;
                counts.repeaters += 1;
            }
            if path.stop == i32::MAX && path.repeat != year && draws.next() < early_leave(grade) {
                path.stop = year;
                counts.early_leavers += 1;
            }
        }
        path
    }

    /// Moves the child to `county` from `year`: a new home township, that
    /// of a primary school open there that year.
    fn settle(&self, path: &mut Path, index: usize, year: i32, county: usize) {
        let h = hash(self.seed, &[stream::MOVE_SCHOOL, index as u64, 99]);
        let school = self
            .choosers
            .pick(Stage::Primary, year, county, usize::MAX, 0.0, (0.0, unit(h)));
        let township = self
            .plans
            .get(school as usize)
            .map_or(path.township, |p| p.township);
        path.moved = year;
        path.county = county;
        path.township = township;
    }

    /// The school of `stage` the child attends in `year`, or `NONE`.
    fn school(
        &self,
        index: usize,
        cohort: i32,
        path: &Path,
        stage: Stage,
        year: i32,
        merged: &mut u32,
    ) -> u32 {
        let slot = stage_index(stage);
        let baseline = self.base.get(index).map_or(NONE, |b| b[slot]);
        if baseline == NONE {
            return NONE; // not in kindergarten, not entering senior high
        }
        let mut school = baseline;
        if year >= path.moved {
            let entry = (cohort + entry_offset(stage)).max(path.moved);
            let h = hash(self.seed, &[stream::MOVE_SCHOOL, index as u64, slot as u64]);
            let local = match stage {
                Stage::Preschool => 0.85,
                Stage::Primary => 1.0,
                Stage::Junior => 0.75,
                _ => 0.0,
            };
            // A transfer is to another school: a few draws until it differs.
            for k in 0..4u64 {
                let h = mix64(h.wrapping_add(k));
                school = self.choosers.pick(
                    stage,
                    entry,
                    path.county,
                    path.township,
                    local,
                    (unit(h), unit(mix64(h))),
                );
                if school != baseline {
                    break;
                }
            }
        }
        // A closed kindergarten's children go to another nearby (a merge).
        for _ in 0..4 {
            let Some(plan) = self.plans.get(school as usize) else {
                return NONE;
            };
            if plan.operating(year) {
                break;
            }
            let when = plan.closes.map_or(year, |c| i32::from(c).min(year));
            if plan.closes.is_some_and(|c| i32::from(c) == year) {
                *merged += 1;
            }
            let h = hash(self.seed, &[stream::MOVE_SCHOOL, index as u64, u64::from(school)]);
            school = self.choosers.pick(
                stage,
                when,
                plan.county,
                plan.township,
                0.9,
                (unit(h), unit(mix64(h))),
            );
        }
        school
    }
}

/// Walks every child through the generated years.
pub(crate) fn simulate(world: &World<'_>) -> Simulated {
    let years = (world.last - world.first + 1).max(0) as usize;
    let slots = world.plans.len() * 4;
    let townships = world.county_of.len();
    let span = (world.last_cohort - world.first_cohort + 1).max(0) as usize;
    let mut per_slot: Vec<Vec<Vec<(i32, u32)>>> = vec![vec![Vec::new(); slots]; years];
    let mut counts = vec![vec![vec![0u32; span]; townships]; years];
    let mut moves = MoveCounts::default();
    for (index, person) in world.persons.iter().enumerate() {
        let cohort = cohort_of(person.birth);
        let mut draws = Draws(hash(world.seed, &[stream::MOVES, index as u64]));
        let path = world.path(index, person, cohort, &mut draws, &mut moves);
        for year in world.first..=world.last {
            let age = year - cohort + 6;
            if age < 0 || year < path.arrive || year >= path.leave {
                continue;
            }
            let y = (year - world.first) as usize;
            let township = if year >= path.moved {
                path.township
            } else {
                usize::from(person.township)
            };
            if let Some(slot) = counts
                .get_mut(y)
                .and_then(|t| t.get_mut(township))
                .and_then(|row| row.get_mut((cohort - world.first_cohort) as usize))
            {
                *slot += 1;
            }
            let grade = year - cohort + 1 - i32::from(year >= path.repeat);
            let Some(stage) = stage_of(grade) else {
                continue;
            };
            if year >= path.stop || (path.never && grade >= 1) {
                if path.never && year == world.last && (6..=14).contains(&age) {
                    moves.never_enrolled += 1;
                }
                continue;
            }
            let school = world.school(index, cohort, &path, stage, year, &mut moves.merged);
            if school == NONE {
                continue;
            }
            if let Some(list) = per_slot
                .get_mut(y)
                .and_then(|s| s.get_mut(school as usize * 4 + stage_index(stage)))
            {
                list.push((year - grade + 1, index as u32));
            }
        }
    }
    let rosters = per_slot
        .into_iter()
        .map(|slots| {
            slots
                .into_iter()
                .map(|mut list| {
                    // Stable: within a grade, children stay in person order.
                    list.sort_by_key(|(key, _)| *key);
                    let mut roster = Roster::default();
                    for (key, person) in list {
                        roster.push(key, person);
                    }
                    roster
                })
                .collect()
        })
        .collect();
    Simulated {
        rosters,
        counts,
        counts_of_moves: moves,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_small_and_ordered_as_documented() {
        assert!(mortality(0) > mortality(5) && mortality(5) > 0.0);
        assert!(departure(true, true, 10) > departure(true, false, 10));
        assert!(departure(true, false, 14) > departure(true, false, 10));
        assert!(departure(false, false, 10) < departure(true, false, 10));
        assert!(county_move(CountyKind::Rural) > county_move(CountyKind::Outer));
        assert!(repeat(11) > repeat(3) && repeat(3) < 0.01);
        assert!(early_leave(10) > early_leave(7) && early_leave(5) == 0.0);
        assert!(year_factor(2020) > year_factor(2023));
    }

    #[test]
    fn a_child_draws_its_own_stream() {
        let mut a = Draws(hash(42, &[stream::MOVES, 7]));
        let mut b = Draws(hash(42, &[stream::MOVES, 7]));
        let mut c = Draws(hash(42, &[stream::MOVES, 8]));
        let (x, y, z) = (a.next(), b.next(), c.next());
        assert_eq!(x, y);
        assert_ne!(x, z);
        assert!((0.0..1.0).contains(&x));
    }
}
