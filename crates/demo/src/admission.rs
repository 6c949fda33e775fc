//! The demo city's 中考 admission (issue 16, point 9): the junior graduates
//! of the last generated school year as candidates for the next year's
//! senior high schools, with synthetic scores and preference lists, so a
//! run is one click. Pure and deterministic per seed; every figure is
//! synthetic (docs/demo-city.md, "中考录取").
//!
//! - Candidates: every grade-9 pupil of the last school year; 准考证号 =
//!   two digits of the admission year, the 6-digit county code of the junior
//!   school, a 6-digit sequence in junior-school and roster order.
//! - Scores on a synthetic 720-point scale (语文, 数学, 外语 150 each; 物理
//!   70; 化学, 道德与法治, 历史, 体育 50 each): one latent ability per pupil,
//!   made of the county's and the junior school's level and the pupil's own
//!   draw, then one draw per subject; 语文 and 外语 are marked in halves.
//! - Senior schools: the schools teaching grade 10 in the last school year,
//!   seats = a third of their senior seats; quality (quota) schools = the
//!   larger urban public ones, a third of all.
//! - Lists shaped by the candidate's standing in the city (ambition),
//!   the schools' standing and the distance from the junior school.

use std::collections::HashMap;

use admission::{Candidate, CandidateId, Inputs, JuniorSchool, Score, SeniorSchool};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use registry::{Location, Ownership, SchoolCode, Stage};

use crate::names::Generation;
use crate::places::CountyKind;
use crate::rng::{normal, rng_for, stream};
use crate::schools::SchoolPlan;
use crate::DemoCity;

/// The score fields, total first (the demo policy's chain names 总分,
/// 语文+数学, 数学, 语文, 外语).
pub const FIELDS: [&str; 9] = [
    "总分",
    "语文",
    "数学",
    "外语",
    "物理",
    "化学",
    "道德与法治",
    "历史",
    "体育",
];

/// The subjects: name, maximum (points), mean and spread as a share of the
/// maximum, marked in halves.
const SUBJECTS: [(&str, i32, f64, f64, bool); 8] = [
    ("语文", 150, 0.70, 0.11, true),
    ("数学", 150, 0.64, 0.17, false),
    ("外语", 150, 0.67, 0.16, true),
    ("物理", 70, 0.64, 0.17, false),
    ("化学", 50, 0.68, 0.16, false),
    ("道德与法治", 50, 0.74, 0.12, false),
    ("历史", 50, 0.72, 0.13, false),
    ("体育", 50, 0.86, 0.09, false),
];

/// The full mark of the total: Σ of the subjects' maxima.
pub const TOTAL_MAX: i32 = 720;

/// Open-round list length at most, and the quota list's.
pub const OPEN_LIST_MAX: usize = 6;
pub const QUOTA_LIST_MAX: usize = 3;

/// Minimum lines: the two largest quality schools' (600 points) and every
/// private school's (420 points) own line for the open round.
const QUALITY_LINE: i32 = 6000;
const PRIVATE_LINE: i32 = 4200;

/// Share of candidates without 录取资格 (e.g. 综合素质评价 not passed).
const NOT_ELIGIBLE: f64 = 0.003;

/// The county whose largest senior school gives its own residents
/// priority in the open round (县域高中 serving its county first).
const PRIORITY_COUNTY: &str = "370126";

impl DemoCity {
    /// The admission year of [`DemoCity::admission_inputs`]: the calendar
    /// year after the last school year began (its grade 9 sit the 中考 then).
    pub fn admission_year(&self) -> i32 {
        i32::from(self.config.last_year.0) + 1
    }

    /// A year's admission inputs from the city: its last school year's
    /// grade-9 pupils as candidates, its senior high schools and junior
    /// schools. Deterministic per seed.
    pub fn admission_inputs(&self) -> Inputs {
        build(self)
    }
}

/// A junior school's standing, which its pupils' scores follow.
struct JuniorLevel {
    plan: usize,
    /// In standard deviations of the ability: county + school.
    level: f64,
    weak: bool,
}

fn county_effect(kind: CountyKind) -> f64 {
    match kind {
        CountyKind::Inner => 0.30,
        CountyKind::Growing => 0.12,
        CountyKind::Outer => -0.08,
        CountyKind::Rural => -0.30,
    }
}

fn location_effect(location: Location) -> f64 {
    match location {
        Location::Urban => 0.10,
        Location::Town => 0.0,
        Location::Rural => -0.20,
    }
}

/// Distance in km between two points given in degrees (flat-earth, fine
/// within a city).
fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let dx = (a.0 - b.0) * 111.0 * 36.6_f64.to_radians().cos();
    let dy = (a.1 - b.1) * 111.0;
    (dx * dx + dy * dy).sqrt()
}

fn position(plan: &SchoolPlan) -> (f64, f64) {
    (
        plan.record.longitude.unwrap_or(117.0),
        plan.record.latitude.unwrap_or(36.65),
    )
}

/// One subject's score in tenths, for an ability `z` and the pupil's own
/// subject draw `e`.
fn subject_score(max: i32, mean: f64, sd: f64, halves: bool, z: f64, e: f64) -> i32 {
    let raw = mean + sd * (0.82 * z + 0.57 * e);
    // Near full marks every point is harder: the top approaches the maximum
    // without piling up on it.
    let share = if raw > 0.9 {
        0.9 + 0.1 * (1.0 - (-(raw - 0.9) / 0.1).exp())
    } else {
        raw
    }
    .clamp(0.04, 1.0);
    let points = f64::from(max) * share;
    let tenths = if halves {
        (points * 2.0).round() * 5.0
    } else {
        points.round() * 10.0
    };
    (tenths as i32).clamp(0, max * 10)
}

fn build(city: &DemoCity) -> Inputs {
    let seed = city.config.seed;
    let last = city.config.last_year.0;
    let first = city.config.first_year.0;
    let year = city.admission_year();
    let plans = &city.plans;
    let places = &city.places;

    // Township (global index) → county index.
    let county_of_township: Vec<usize> = places
        .counties
        .iter()
        .enumerate()
        .flat_map(|(c, county)| std::iter::repeat_n(c, county.townships.len()))
        .collect();

    // Junior schools with grade-9 pupils in the last school year.
    let cohort9 = i32::from(last) - 9 + 1;
    let mut juniors: Vec<(usize, &[u32])> = plans
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind.serves(Stage::Junior))
        .filter_map(|(i, _)| {
            let members = city.cohorts.roster(i, Stage::Junior, last)?.cohort(cohort9);
            (!members.is_empty()).then_some((i, members))
        })
        .collect();
    juniors.sort_by(|a, b| plans[a.0].record.code.cmp(&plans[b.0].record.code));

    // Weak schools (薄弱学校): the public, non-rural tenth with the lowest
    // quality (rural ones are weighted as rural already).
    let mut by_quality: Vec<usize> = juniors
        .iter()
        .map(|(i, _)| *i)
        .filter(|i| plans[*i].is_public() && plans[*i].location() != Location::Rural)
        .collect();
    by_quality.sort_by(|a, b| {
        plans[*a]
            .quality
            .total_cmp(&plans[*b].quality)
            .then(plans[*a].record.code.cmp(&plans[*b].record.code))
    });
    let weak_count = by_quality.len().div_ceil(10);
    let weak: std::collections::HashSet<usize> = by_quality.into_iter().take(weak_count).collect();

    let levels: Vec<JuniorLevel> = juniors
        .iter()
        .map(|(i, _)| {
            let plan = &plans[*i];
            let kind = places.counties.get(plan.county).map(|c| c.profile.kind);
            let is_weak = weak.contains(i);
            let level = kind.map_or(0.0, county_effect)
                + location_effect(plan.location())
                + 0.9 * plan.quality.max(0.05).ln()
                - if is_weak { 0.25 } else { 0.0 };
            JuniorLevel {
                plan: *i,
                level,
                weak: is_weak,
            }
        })
        .collect();

    let junior_schools: Vec<JuniorSchool> = juniors
        .iter()
        .zip(&levels)
        .map(|((i, members), level)| {
            let plan = &plans[*i];
            JuniorSchool {
                code: plan.record.code.clone(),
                name: plan.record.name.clone(),
                county: plan.record.county.clone(),
                rural: plan.location() == Location::Rural,
                weak: level.weak,
                graduates: members.len() as u32,
            }
        })
        .collect();

    let senior = senior_schools(city);

    // Candidates: scores first, then the lists (which need the city-wide rank).
    let mut candidates = Vec::new();
    let mut candidate_junior = Vec::new();
    let mut sequence: HashMap<&str, u32> = HashMap::new();
    for (j, ((plan_index, members), level)) in juniors.iter().zip(&levels).enumerate() {
        let plan = &plans[*plan_index];
        let county_code = plan.record.county.as_str();
        for person_index in members.iter() {
            let Some(person) = city.cohorts.persons.get(*person_index as usize) else {
                continue;
            };
            let mut rng = rng_for(seed, &[stream::ADMISSION, u64::from(*person_index)]);
            let z = level.level + 0.85 * normal(&mut rng) - if person.migrant { 0.08 } else { 0.0 };
            let subjects: Vec<i32> = SUBJECTS
                .iter()
                .map(|(_, max, mean, sd, halves)| {
                    subject_score(*max, *mean, *sd, *halves, z, normal(&mut rng))
                })
                .collect();
            let total: i32 = subjects.iter().sum();
            let mut scores = Vec::with_capacity(FIELDS.len());
            scores.push(Score(total));
            scores.extend(subjects.iter().map(|s| Score(*s)));

            let seq = sequence.entry(county_code).or_insert(0);
            *seq += 1;
            let id = CandidateId(format!("{:02}{county_code}{:06}", year.rem_euclid(100), *seq));
            let residence = county_of_township
                .get(usize::from(person.township))
                .and_then(|c| places.counties.get(*c))
                .map_or_else(|| plan.record.county.clone(), |c| c.code.clone());
            let eligible = rng.random::<f64>() >= NOT_ELIGIBLE;
            let quota_eligible = stayed(city, *plan_index, *person_index, first, last);
            candidates.push(Candidate {
                id,
                name: city
                    .names
                    .full(person.surname, person.given, person.male, Generation::Child),
                junior_school: plan.record.code.clone(),
                residence,
                scores,
                quota_eligible,
                eligible,
                quota_list: Vec::new(),
                open_list: Vec::new(),
            });
            candidate_junior.push((j, *person_index));
        }
    }

    // City-wide standing: the share of candidates with a lower total.
    let mut totals: Vec<i32> = candidates.iter().map(Candidate::total).map(|s| s.0).collect();
    totals.sort_unstable();
    let n = totals.len().max(1) as f64;
    let standing = |total: i32| totals.partition_point(|t| *t < total) as f64 / n;

    let prestige = prestige(&senior.schools, plans, &senior.plan_of);
    for (candidate, (j, person_index)) in candidates.iter_mut().zip(&candidate_junior) {
        let Some(level) = levels.get(*j) else {
            continue;
        };
        let home = position(&plans[level.plan]);
        let home_county = &plans[level.plan].record.county;
        let p = standing(candidate.total().0);
        let mut rng = rng_for(seed, &[stream::ADMISSION_LISTS, u64::from(*person_index)]);
        candidate.open_list = open_list(&mut rng, p, home, &senior, &prestige, plans);
        if candidate.quota_eligible {
            candidate.quota_list = quota_list(&mut rng, p, home, home_county, &senior, &prestige, plans);
        }
    }

    Inputs {
        year,
        fields: FIELDS.iter().map(|f| (*f).to_owned()).collect(),
        junior_schools,
        senior_schools: senior.schools,
        candidates,
    }
}

/// 指标生资格 as many cities set it: at the same junior school through
/// grades 7 and 8 (as far as the generated years show); pupils who
/// transferred in later are not.
fn stayed(city: &DemoCity, plan: usize, person: u32, first: u16, last: u16) -> bool {
    (1..=2u16).all(|back| {
        let Some(year) = last.checked_sub(back).filter(|y| *y >= first) else {
            return true;
        };
        // The same cohort key (year − grade + 1) a year or two earlier.
        let cohort = i32::from(last) - 9 + 1;
        city.cohorts
            .roster(plan, Stage::Junior, year)
            .is_some_and(|r| r.cohort(cohort).contains(&person))
    })
}

struct Seniors {
    schools: Vec<SeniorSchool>,
    /// Index into the city's plans, per senior school.
    plan_of: Vec<usize>,
}

/// The schools teaching grade 10 in the last school year, by code; seats
/// a third of their senior seats; a third of them quality schools.
fn senior_schools(city: &DemoCity) -> Seniors {
    let last = city.config.last_year.0;
    let plans = &city.plans;
    let cohort10 = i32::from(last) - 10 + 1;
    let mut chosen: Vec<usize> = plans
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind.serves(Stage::Senior) && p.operating(i32::from(last)))
        .filter(|(i, _)| {
            city.cohorts
                .roster(*i, Stage::Senior, last)
                .is_some_and(|r| !r.cohort(cohort10).is_empty())
        })
        .map(|(i, _)| i)
        .collect();
    chosen.sort_by(|a, b| plans[*a].record.code.cmp(&plans[*b].record.code));
    let seats_of = |i: usize| {
        let capacity = plans[i].record.seats_for(Stage::Senior);
        let seats = (f64::from(capacity) / 3.0).round() as u32;
        // Plans of a real size are set in tens.
        if seats >= 100 {
            (seats + 5) / 10 * 10
        } else {
            seats.max(1)
        }
    };
    // Quality schools: public ones, urban first, then by seats, then code;
    // a third of all senior schools (rounded up).
    let mut ranked: Vec<usize> = chosen.iter().copied().filter(|i| plans[*i].is_public()).collect();
    ranked.sort_by(|a, b| {
        let urban = |i: usize| plans[i].location() == Location::Urban;
        urban(*b)
            .cmp(&urban(*a))
            .then(seats_of(*b).cmp(&seats_of(*a)))
            .then(plans[*a].record.code.cmp(&plans[*b].record.code))
    });
    let quality: Vec<usize> = ranked.into_iter().take(chosen.len().div_ceil(3)).collect();
    // The two largest quality schools set their own line.
    let mut largest = quality.clone();
    largest.sort_by(|a, b| {
        seats_of(*b)
            .cmp(&seats_of(*a))
            .then(plans[*a].record.code.cmp(&plans[*b].record.code))
    });
    largest.truncate(2);
    // The largest school of the priority county serves its own county first.
    let priority_school = chosen
        .iter()
        .copied()
        .filter(|i| plans[*i].record.county.as_str() == PRIORITY_COUNTY)
        .max_by(|a, b| {
            seats_of(*a)
                .cmp(&seats_of(*b))
                .then(plans[*b].record.code.cmp(&plans[*a].record.code))
        });

    let schools = chosen
        .iter()
        .map(|i| {
            let plan = &plans[*i];
            let min_score = if largest.contains(i) {
                Some(Score(QUALITY_LINE))
            } else if plan.record.ownership == Ownership::Private {
                Some(Score(PRIVATE_LINE))
            } else {
                None
            };
            SeniorSchool {
                code: plan.record.code.clone(),
                name: plan.record.name.clone(),
                county: plan.record.county.clone(),
                seats: seats_of(*i),
                quota_school: quality.contains(i),
                min_score,
                priority_counties: if priority_school == Some(*i) {
                    vec![plan.record.county.clone()]
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    Seniors {
        schools,
        plan_of: chosen,
    }
}

/// Each senior school's standing in [0, 1]: quality schools from 1 down to
/// 0.6 by seats, other public schools 0.55 to 0.25, private 0.45 to 0.1,
/// nudged by the school's hidden quality.
fn prestige(schools: &[SeniorSchool], plans: &[SchoolPlan], plan_of: &[usize]) -> Vec<f64> {
    let group = |s: &SeniorSchool, plan: &SchoolPlan| {
        if s.quota_school {
            0
        } else if plan.record.ownership == Ownership::Public {
            1
        } else {
            2
        }
    };
    let mut out = vec![0.0; schools.len()];
    for (g, (top, bottom)) in [(1.0, 0.6), (0.55, 0.25), (0.45, 0.1)].into_iter().enumerate() {
        let mut members: Vec<usize> = (0..schools.len())
            .filter(|x| group(&schools[*x], &plans[plan_of[*x]]) == g)
            .collect();
        let key = |x: usize| f64::from(schools[x].seats) * plans[plan_of[x]].quality;
        members.sort_by(|a, b| key(*b).total_cmp(&key(*a)).then(a.cmp(b)));
        let k = members.len();
        for (rank, x) in members.into_iter().enumerate() {
            let t = if k > 1 { rank as f64 / (k - 1) as f64 } else { 0.0 };
            out[x] = top - (top - bottom) * t;
        }
    }
    out
}

/// The open list: schools within the candidate's reach (standing plus an
/// ambition of 0.1–0.3), ordered by standing, nearness and taste, up to six;
/// the last place kept for a safe school when none is on the list.
fn open_list(
    rng: &mut ChaCha8Rng,
    p: f64,
    home: (f64, f64),
    senior: &Seniors,
    prestige: &[f64],
    plans: &[SchoolPlan],
) -> Vec<SchoolCode> {
    let ambition = 0.1 + 0.2 * rng.random::<f64>();
    let length = match rng.random::<f64>() {
        u if u < 0.6 => 6,
        u if u < 0.8 => 5,
        u if u < 0.9 => 4,
        _ => 3,
    };
    let mut scored: Vec<(f64, usize)> = Vec::with_capacity(senior.schools.len());
    for (x, s) in prestige.iter().enumerate() {
        let d = distance_km(home, position(&plans[senior.plan_of[x]]));
        let taste = -(-(rng.random::<f64>().max(1e-12)).ln()).ln(); // Gumbel
                                                                    // The weakest schools are within everyone's reach.
        if *s > (p + ambition).max(0.3) {
            continue;
        }
        scored.push((4.0 * s - d / 12.0 + 0.5 * taste, x));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut list: Vec<usize> = scored.iter().take(length).map(|(_, x)| *x).collect();
    let safe = |x: usize| prestige[x] + 0.1 < p;
    if !list.iter().any(|x| safe(*x)) {
        let nearest_safe = scored
            .iter()
            .map(|(_, x)| *x)
            .filter(|x| safe(*x) && !list.contains(x))
            .min_by(|a, b| {
                let d = |x: usize| distance_km(home, position(&plans[senior.plan_of[x]]));
                d(*a).total_cmp(&d(*b)).then(a.cmp(b))
            });
        if let Some(x) = nearest_safe {
            if list.len() >= length {
                list.pop();
            }
            list.push(x);
        }
    }
    list.into_iter().map(|x| senior.schools[x].code.clone()).collect()
}

/// The quota list: one to three quality schools. Every quality school
/// allots seats to every junior school (by graduates), and the quota round
/// is a competition within the junior school, so a candidate aims higher
/// than in the open round: standing, nearness (the own county's schools
/// a little nearer in mind) and taste; only schools far above their
/// standing are played down.
fn quota_list(
    rng: &mut ChaCha8Rng,
    p: f64,
    home: (f64, f64),
    home_county: &registry::AreaCode,
    senior: &Seniors,
    prestige: &[f64],
    plans: &[SchoolPlan],
) -> Vec<SchoolCode> {
    let length = match rng.random::<f64>() {
        u if u < 0.15 => 1,
        u if u < 0.4 => 2,
        _ => QUOTA_LIST_MAX,
    };
    let mut scored: Vec<(f64, usize)> = Vec::new();
    for (x, s) in senior.schools.iter().enumerate() {
        if !s.quota_school {
            continue;
        }
        let d = distance_km(home, position(&plans[senior.plan_of[x]]));
        let own = if &s.county == home_county { 0.5 } else { 0.0 };
        let aim = prestige[x] - (prestige[x] - p - 0.3).max(0.0) * 1.5;
        let taste = -(-(rng.random::<f64>().max(1e-12)).ln()).ln();
        scored.push((3.0 * aim - d / 15.0 + own + 0.5 * taste, x));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(length)
        .map(|(_, x)| senior.schools[x].code.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};
    use std::sync::OnceLock;

    use admission::{Inputs, Policy, Ratio};

    use super::*;
    use crate::DemoConfig;

    /// The city at scale 0.05 (a few thousand candidates) and its inputs.
    fn inputs() -> &'static (DemoCity, Inputs) {
        static INPUTS: OnceLock<(DemoCity, Inputs)> = OnceLock::new();
        INPUTS.get_or_init(|| {
            let city = DemoCity::generate(&DemoConfig {
                scale: 0.05,
                ..DemoConfig::default()
            })
            .unwrap();
            let inputs = city.admission_inputs();
            (city, inputs)
        })
    }

    fn mean(values: impl Iterator<Item = f64>) -> f64 {
        let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
        sum / n.max(1) as f64
    }

    #[test]
    fn candidates_are_the_last_years_grade_nine() {
        let (city, inputs) = inputs();
        let year = city.school_year(city.config().last_year);
        let grade9 = year
            .students
            .iter()
            .filter(|(_, e)| e.stage == Stage::Junior && e.grade.0 == 9)
            .count();
        assert_eq!(inputs.candidates.len(), grade9);
        assert_eq!(inputs.year, 2025);
        let graduates: u32 = inputs.junior_schools.iter().map(|j| j.graduates).sum();
        assert_eq!(graduates as usize, inputs.candidates.len());
        let ids: HashSet<&str> = inputs.candidates.iter().map(|c| c.id.0.as_str()).collect();
        assert_eq!(
            ids.len(),
            inputs.candidates.len(),
            "examination numbers are unique"
        );
        for c in &inputs.candidates {
            assert_eq!(c.id.0.len(), 14);
            assert!(c.id.0.starts_with("25"));
            assert!(!c.name.is_empty());
        }
    }

    #[test]
    fn scores_add_up_lie_in_range_and_have_halves_and_ties() {
        let (_, inputs) = inputs();
        assert_eq!(inputs.fields.len(), FIELDS.len());
        let mut totals = HashMap::new();
        let mut halves = 0;
        for c in &inputs.candidates {
            assert_eq!(c.scores.len(), FIELDS.len());
            let subjects: i32 = c.scores[1..=SUBJECTS.len()].iter().map(|s| s.0).sum();
            assert_eq!(c.total().0, subjects);
            assert!((0..=TOTAL_MAX * 10).contains(&c.total().0));
            for (s, (_, max, ..)) in c.scores[1..].iter().zip(SUBJECTS) {
                assert!((0..=max * 10).contains(&s.0));
            }
            halves += usize::from(c.total().0 % 10 == 5);
            *totals.entry(c.total().0).or_insert(0) += 1;
        }
        let n = inputs.candidates.len();
        assert!(halves * 5 > n, "a good share of totals end in .5");
        let tied = totals
            .values()
            .filter(|k| **k > 1)
            .map(|k| *k as usize)
            .sum::<usize>();
        assert!(tied * 2 > n, "ties on the total are common ({tied} of {n})");
        let top = totals.keys().max().copied().unwrap_or(0);
        let bottom = totals.keys().min().copied().unwrap_or(0);
        assert!(top > 6500 && top <= 7200, "top {top}");
        assert!(bottom < 3000, "bottom {bottom}");
        let m = mean(inputs.candidates.iter().map(|c| f64::from(c.total().0) / 10.0));
        assert!((420.0..540.0).contains(&m), "mean total {m}");
    }

    #[test]
    fn scores_follow_the_county_and_the_junior_school() {
        let (_, inputs) = inputs();
        let junior: HashMap<&SchoolCode, &JuniorSchool> =
            inputs.junior_schools.iter().map(|j| (&j.code, j)).collect();
        let total_of = |pred: &dyn Fn(&JuniorSchool) -> bool| {
            mean(
                inputs
                    .candidates
                    .iter()
                    .filter(|c| pred(junior[&c.junior_school]))
                    .map(|c| f64::from(c.total().0) / 10.0),
            )
        };
        let rural = total_of(&|j| j.rural);
        let other = total_of(&|j| !j.rural);
        assert!(other - rural > 15.0, "rural {rural} other {other}");
        let weak = total_of(&|j| j.weak);
        assert!(other - weak > 15.0, "weak {weak} other {other}");
        let inner = total_of(&|j| ["370102", "370103"].contains(&j.county.as_str()));
        let shanghe = total_of(&|j| j.county.as_str() == "370126");
        assert!(inner - shanghe > 30.0, "inner {inner} 商河 {shanghe}");
        assert!(inputs.junior_schools.iter().any(|j| j.rural));
        assert!(inputs.junior_schools.iter().any(|j| j.weak));
    }

    #[test]
    fn schools_seats_and_flags_are_plausible() {
        let (_, inputs) = inputs();
        let m = inputs.senior_schools.len();
        let quality = inputs.senior_schools.iter().filter(|s| s.quota_school).count();
        assert_eq!(quality, m.div_ceil(3));
        let seats: u32 = inputs.senior_schools.iter().map(|s| s.seats).sum();
        let share = f64::from(seats) / inputs.candidates.len() as f64;
        assert!((0.45..0.75).contains(&share), "seats per candidate {share}");
        let lines = inputs
            .senior_schools
            .iter()
            .filter(|s| s.min_score.is_some())
            .count();
        assert!(lines >= 2 && lines < m / 2, "{lines} minimum lines of {m}");
        let priority = inputs
            .senior_schools
            .iter()
            .filter(|s| !s.priority_counties.is_empty())
            .count();
        assert!(priority <= 1);
        let quota_eligible = inputs.candidates.iter().filter(|c| c.quota_eligible).count();
        let eligible = inputs.candidates.iter().filter(|c| c.eligible).count();
        let n = inputs.candidates.len();
        assert!(
            quota_eligible * 100 > n * 85 && quota_eligible < n,
            "{quota_eligible} of {n}"
        );
        assert!(eligible * 1000 > n * 990 && eligible <= n, "{eligible} of {n}");
    }

    #[test]
    fn lists_are_valid_and_quality_schools_are_sought_by_the_best() {
        let (_, inputs) = inputs();
        let quota: HashSet<&SchoolCode> = inputs
            .senior_schools
            .iter()
            .filter(|s| s.quota_school)
            .map(|s| &s.code)
            .collect();
        let known: HashSet<&SchoolCode> = inputs.senior_schools.iter().map(|s| &s.code).collect();
        for c in &inputs.candidates {
            assert!(!c.open_list.is_empty() && c.open_list.len() <= OPEN_LIST_MAX);
            assert!(c.quota_list.len() <= QUOTA_LIST_MAX);
            assert_eq!(c.quota_list.is_empty(), !c.quota_eligible);
            let unique: HashSet<_> = c.open_list.iter().collect();
            assert_eq!(unique.len(), c.open_list.len());
            assert!(c.open_list.iter().all(|x| known.contains(x)));
            let unique: HashSet<_> = c.quota_list.iter().collect();
            assert_eq!(unique.len(), c.quota_list.len());
            assert!(c.quota_list.iter().all(|x| quota.contains(x)));
        }
        // The top tenth put a quality school first far more often than the bottom half.
        let mut by_total: Vec<_> = inputs.candidates.iter().collect();
        by_total.sort_by_key(|c| std::cmp::Reverse(c.total()));
        let first_quality = |cs: &[&Candidate]| {
            mean(
                cs.iter()
                    .map(|c| f64::from(u8::from(quota.contains(&c.open_list[0])))),
            )
        };
        let n = by_total.len();
        let top = first_quality(&by_total[..n / 10]);
        let bottom = first_quality(&by_total[n / 2..]);
        assert!(top > 0.8 && bottom < 0.2, "top {top} bottom {bottom}");
    }

    #[test]
    fn the_same_seed_gives_the_same_inputs_and_another_seed_others() {
        let config = DemoConfig {
            scale: 0.01,
            ..DemoConfig::default()
        };
        let a = DemoCity::generate(&config).unwrap().admission_inputs();
        let b = DemoCity::generate(&config).unwrap().admission_inputs();
        assert_eq!(a, b);
        let c = DemoCity::generate(&DemoConfig { seed: 7, ..config })
            .unwrap()
            .admission_inputs();
        assert_ne!(a.candidates, c.candidates);
    }

    #[test]
    fn the_inputs_pass_the_check_and_run_with_plausible_cutoffs() {
        let (_, inputs) = inputs();
        let policy = Policy::demo_city(Ratio { num: 1, den: 2 });
        let report = admission::check(inputs, &policy);
        assert_eq!(report.errors, 0, "{:?}", report.problems.first());
        let outcome = admission::run(inputs, &policy).unwrap();
        // Quality schools' open cutoffs are the highest.
        let cutoff = |quality: bool| {
            mean(
                outcome
                    .schools
                    .iter()
                    .filter(|r| inputs.senior_schools[r.school as usize].quota_school == quality)
                    .filter_map(|r| r.open_cutoff.as_ref())
                    .map(|c| f64::from(c.score.0)),
            )
        };
        assert!(
            cutoff(true) > cutoff(false) + 300.0,
            "{} {}",
            cutoff(true),
            cutoff(false)
        );
        let placed = outcome.placements.iter().filter(|p| p.school.is_some()).count();
        let seats: u32 = inputs.senior_schools.iter().map(|s| s.seats).sum();
        assert!(
            placed as f64 > 0.85 * f64::from(seats),
            "{placed} placed, {seats} seats"
        );
    }
}
