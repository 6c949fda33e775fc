//! Full-time teachers (专任教师), simulated year by year per county and
//! stage: the first year's staff with ages, titles and years at their
//! school spread out; then each year teachers retire (women at 55, men at
//! 60), some leave (many more from private kindergartens), some are
//! promoted, those with six or more years at an urban school sometimes
//! rotate (交流轮岗), surplus teachers move to schools short of staff in the
//! same county (县管校聘), and the rest of the gap is filled by new hires.
//!
//! A school needs `max(students ÷ norm, classes × minimum)` teachers; the
//! norms (docs/demo-city.md) give about 14 children per kindergarten
//! teacher, 16–18 students in primary, 12–13 in junior and 11–12 in senior.

use chrono::{Datelike, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use registry::{
    IdNumber, KeyTeacherLevel, Location, Qualification, SchoolYear, Sex, Stage, Subject, Teacher,
    TeachingPost, Title,
};

use crate::classes::class_count;
use crate::cohorts::{Cohorts, Sequences};
use crate::names::{Generation, Names};
use crate::places::{code_number, Places};
use crate::rng::{normal, pick_weighted, rng_for, stream};
use crate::schools::{grades, stage_index, SchoolPlan, STAGES};
use crate::DemoError;

/// A teacher as a person (one per teacher, whatever school).
#[derive(Debug, Clone)]
pub(crate) struct TeacherPerson {
    pub birth: NaiveDate,
    pub seq: u16,
    pub id_area: u16,
    pub given: u16,
    pub surname: u8,
    pub male: bool,
}

/// A teacher's post in one year.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Post {
    pub teacher: u32,
    pub school: u32,
    pub stage: Stage,
    pub subject: Subject,
    pub title: Title,
    pub key: KeyTeacherLevel,
    pub joined: u16,
    pub qualification: Qualification,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Staff {
    pub people: Vec<TeacherPerson>,
    /// posts[year − first year], in school order.
    pub posts: Vec<Vec<Post>>,
}

/// Students per teacher by stage and location, before the school's own factor.
fn norm(stage: Stage, location: Location, public: bool) -> f64 {
    match (stage, location) {
        (Stage::Preschool, _) => {
            if public {
                15.0
            } else {
                16.0
            }
        }
        (Stage::Primary, Location::Urban) => 18.5,
        (Stage::Primary, Location::Town) => 16.0,
        (Stage::Primary, Location::Rural) => 13.0,
        (Stage::Junior, Location::Urban) => 13.2,
        (Stage::Junior, Location::Town) => 12.2,
        (Stage::Junior, Location::Rural) => 10.8,
        (_, Location::Urban) => 11.8,
        (_, _) => 11.2,
    }
}

/// Minimum teachers per class (small classes still need their subjects taught).
fn per_class(stage: Stage) -> f64 {
    match stage {
        Stage::Preschool => 1.3,
        Stage::Primary => 1.3,
        Stage::Junior => 2.0,
        _ => 2.3,
    }
}

/// Teachers a school needs for a stage in a year.
pub(crate) fn need(plan: &SchoolPlan, school: usize, stage: Stage, cohorts: &Cohorts, year: u16) -> usize {
    let Some(roster) = cohorts.roster(school, stage, year) else {
        return 0;
    };
    let mut students = 0usize;
    let mut classes = 0usize;
    for grade in grades(stage) {
        let n = roster.cohort(i32::from(year) - i32::from(grade) + 1).len();
        students += n;
        classes += class_count(plan, stage, grade, year, n);
    }
    if students == 0 {
        return 0;
    }
    let by_ratio = students as f64 / (norm(stage, plan.location(), plan.is_public()) * plan.ratio_factor);
    by_ratio
        .round()
        .max((classes as f64 * per_class(stage)).ceil())
        .max(1.0) as usize
}

const SUBJECTS_PRESCHOOL: [(Subject, f64); 4] = [
    (Subject::Preschool, 0.90),
    (Subject::Music, 0.04),
    (Subject::FineArts, 0.03),
    (Subject::PhysicalEducation, 0.03),
];
const SUBJECTS_PRIMARY: [(Subject, f64); 10] = [
    (Subject::Chinese, 0.30),
    (Subject::Mathematics, 0.24),
    (Subject::English, 0.09),
    (Subject::Science, 0.06),
    (Subject::PhysicalEducation, 0.08),
    (Subject::Music, 0.055),
    (Subject::FineArts, 0.055),
    (Subject::Politics, 0.04),
    (Subject::InformationTechnology, 0.03),
    (Subject::Other, 0.04),
];
const SUBJECTS_JUNIOR: [(Subject, f64); 14] = [
    (Subject::Chinese, 0.15),
    (Subject::Mathematics, 0.15),
    (Subject::English, 0.14),
    (Subject::Physics, 0.065),
    (Subject::Chemistry, 0.05),
    (Subject::Biology, 0.05),
    (Subject::Politics, 0.06),
    (Subject::History, 0.055),
    (Subject::Geography, 0.05),
    (Subject::PhysicalEducation, 0.08),
    (Subject::Music, 0.035),
    (Subject::FineArts, 0.035),
    (Subject::InformationTechnology, 0.03),
    (Subject::Other, 0.015),
];
const SUBJECTS_SENIOR: [(Subject, f64); 14] = [
    (Subject::Chinese, 0.13),
    (Subject::Mathematics, 0.13),
    (Subject::English, 0.13),
    (Subject::Physics, 0.09),
    (Subject::Chemistry, 0.08),
    (Subject::Biology, 0.075),
    (Subject::Politics, 0.07),
    (Subject::History, 0.065),
    (Subject::Geography, 0.065),
    (Subject::PhysicalEducation, 0.06),
    (Subject::Music, 0.025),
    (Subject::FineArts, 0.025),
    (Subject::InformationTechnology, 0.035),
    (Subject::Other, 0.015),
];

fn draw_subject(rng: &mut ChaCha8Rng, stage: Stage, pe_arts: f64) -> Subject {
    let table: &[(Subject, f64)] = match stage {
        Stage::Preschool => &SUBJECTS_PRESCHOOL,
        Stage::Primary => &SUBJECTS_PRIMARY,
        Stage::Junior => &SUBJECTS_JUNIOR,
        _ => &SUBJECTS_SENIOR,
    };
    let weights: Vec<f64> = table
        .iter()
        .map(|(s, w)| {
            if s.is_pe_or_arts() && stage != Stage::Preschool {
                w * pe_arts
            } else {
                *w
            }
        })
        .collect();
    table
        .get(pick_weighted(rng, &weights))
        .map(|(s, _)| *s)
        .unwrap_or(Subject::Other)
}

/// Title by age (the 2015 unified scale); private schools and kindergartens title fewer.
fn draw_title(rng: &mut ChaCha8Rng, age: i32, stage: Stage, public: bool) -> Title {
    let u: f64 = rng.random();
    if !public && u < 0.45 || stage == Stage::Preschool && u < 0.2 {
        return Title::Untitled;
    }
    let u: f64 = rng.random();
    let table: &[(Title, f64)] = match age {
        ..=24 => &[
            (Title::Untitled, 0.5),
            (Title::Third, 0.05),
            (Title::Second, 0.45),
        ],
        25..=30 => &[(Title::Untitled, 0.1), (Title::Second, 0.7), (Title::First, 0.2)],
        31..=40 => &[(Title::Second, 0.3), (Title::First, 0.6), (Title::Senior, 0.1)],
        41..=50 => &[(Title::Second, 0.05), (Title::First, 0.5), (Title::Senior, 0.45)],
        _ => &[(Title::First, 0.43), (Title::Senior, 0.55), (Title::Full, 0.02)],
    };
    let mut acc = 0.0;
    for (title, p) in table {
        acc += p;
        if u < acc {
            return *title;
        }
    }
    table.last().map(|(t, _)| *t).unwrap_or(Title::Untitled)
}

/// Key-teacher level by title, scaled by the school's quality.
fn draw_key(rng: &mut ChaCha8Rng, title: Title, quality: f64) -> KeyTeacherLevel {
    let (province, city, county, school) = match title {
        Title::Full => (0.40, 0.40, 0.15, 0.05),
        Title::Senior => (0.04, 0.12, 0.22, 0.20),
        Title::First => (0.005, 0.04, 0.12, 0.15),
        Title::Second => (0.0, 0.005, 0.035, 0.08),
        _ => (0.0, 0.0, 0.0, 0.03),
    };
    let u: f64 = rng.random::<f64>() / quality.max(0.1);
    if u < province {
        KeyTeacherLevel::Province
    } else if u < province + city {
        KeyTeacherLevel::City
    } else if u < province + city + county {
        KeyTeacherLevel::County
    } else if u < province + city + county + school {
        KeyTeacherLevel::School
    } else {
        KeyTeacherLevel::None
    }
}

/// Highest qualification by age, stage and location: younger and urban teachers hold more.
fn draw_qualification(rng: &mut ChaCha8Rng, age: i32, stage: Stage, location: Location) -> Qualification {
    use Qualification::{Associate, Bachelor, Doctor, Master, Secondary};
    let young = age < 35;
    let table: &[(Qualification, f64)] = match (stage, young) {
        (Stage::Preschool, true) => &[
            (Secondary, 0.02),
            (Associate, 0.30),
            (Bachelor, 0.65),
            (Master, 0.03),
        ],
        (Stage::Preschool, false) => &[(Secondary, 0.15), (Associate, 0.50), (Bachelor, 0.35)],
        (Stage::Primary, true) => &[(Associate, 0.08), (Bachelor, 0.80), (Master, 0.12)],
        (Stage::Primary, false) => &[(Secondary, 0.05), (Associate, 0.35), (Bachelor, 0.60)],
        (Stage::Junior, true) => &[(Associate, 0.02), (Bachelor, 0.78), (Master, 0.20)],
        (Stage::Junior, false) => &[(Associate, 0.15), (Bachelor, 0.80), (Master, 0.05)],
        (_, true) => &[(Bachelor, 0.54), (Master, 0.45), (Doctor, 0.01)],
        (_, false) => &[(Bachelor, 0.85), (Master, 0.15)],
    };
    // Rural schools recruit fewer graduates: shift part of the draw down one level.
    let u: f64 = rng.random::<f64>() * if location == Location::Rural { 0.85 } else { 1.0 };
    let mut acc = 0.0;
    for (q, p) in table {
        acc += p;
        if u < acc {
            return *q;
        }
    }
    table.last().map(|(q, _)| *q).unwrap_or(Bachelor)
}

fn retirement_age(male: bool) -> i32 {
    if male {
        60
    } else {
        55
    }
}

fn female_share(stage: Stage) -> f64 {
    match stage {
        Stage::Preschool => 0.97,
        Stage::Primary => 0.80,
        Stage::Junior => 0.65,
        _ => 0.55,
    }
}

struct Simulation<'a> {
    places: &'a Places,
    plans: &'a [SchoolPlan],
    names: &'a Names,
    people: Vec<TeacherPerson>,
}

impl Simulation<'_> {
    /// A new teacher at `school` in `year`: `initial` for the first year's
    /// staff (any age, any time at the school), otherwise a new hire.
    fn new_teacher(
        &mut self,
        rng: &mut ChaCha8Rng,
        school: usize,
        stage: Stage,
        year: u16,
        initial: bool,
    ) -> Post {
        let Some(plan) = self.plans.get(school) else {
            return self.placeholder(school, stage, year);
        };
        let male = rng.random::<f64>() >= female_share(stage);
        let retire = retirement_age(male);
        let age = if initial {
            let (mean, sd) = match (stage, plan.location(), plan.is_public()) {
                (Stage::Preschool, _, false) => (28.0, 5.0),
                (Stage::Preschool, _, true) => (33.0, 8.0),
                (_, Location::Urban, _) => (38.0, 8.5),
                (_, Location::Town, _) => (40.0, 8.5),
                (_, Location::Rural, _) => (44.0, 8.0),
            };
            ((mean + sd * normal(rng)).round() as i32).clamp(22, retire - 1)
        } else if rng.random::<f64>() < 0.85 {
            22 + (rng.random::<f64>().max(1e-9).ln() * -2.5) as i32 % 10
        } else {
            rng.random_range(30..=45).min(retire - 1)
        };
        let birth_year = i32::from(year) - age;
        let birth = NaiveDate::from_yo_opt(birth_year, rng.random_range(1..=365)).unwrap_or_default();
        let at_school = if initial {
            let mean = if plan.is_public() { 9.0 } else { 3.0 };
            (1 + (rng.random::<f64>().max(1e-9).ln() * -mean) as i32)
                .min(age - 21)
                .max(1)
        } else {
            1
        };
        let id_area = {
            let u: f64 = rng.random();
            let county_area = self
                .places
                .counties
                .get(plan.county)
                .map(|c| c.id_area)
                .unwrap_or(0);
            if u < 0.55 || self.places.other_counties.is_empty() {
                county_area
            } else if u < 0.65 {
                let c = rng.random_range(0..self.places.counties.len().max(1));
                self.places
                    .counties
                    .get(c)
                    .map(|c| c.id_area)
                    .unwrap_or(county_area)
            } else {
                let i = rng.random_range(0..self.places.other_counties.len());
                self.places.other_counties.get(i).copied().unwrap_or(county_area)
            }
        };
        let (surname, given) = self.names.draw(rng);
        let teacher = self.people.len() as u32;
        self.people.push(TeacherPerson {
            birth,
            seq: 0,
            id_area,
            given,
            surname,
            male,
        });
        let title = draw_title(rng, age, stage, plan.is_public());
        Post {
            teacher,
            school: school as u32,
            stage,
            subject: draw_subject(rng, stage, plan.pe_arts),
            title,
            key: draw_key(rng, title, plan.quality),
            joined: (i32::from(year) - at_school + 1).max(1949) as u16,
            qualification: draw_qualification(rng, age, stage, plan.location()),
        }
    }

    fn placeholder(&self, school: usize, stage: Stage, year: u16) -> Post {
        Post {
            teacher: 0,
            school: school as u32,
            stage,
            subject: Subject::Other,
            title: Title::Untitled,
            key: KeyTeacherLevel::None,
            joined: year,
            qualification: Qualification::Bachelor,
        }
    }

    fn age(&self, post: &Post, year: u16) -> i32 {
        self.people
            .get(post.teacher as usize)
            .map(|p| i32::from(year) - p.birth.year())
            .unwrap_or(40)
    }

    fn is_male(&self, post: &Post) -> bool {
        self.people.get(post.teacher as usize).is_some_and(|p| p.male)
    }
}

/// A year of promotions: titles rise with age, some become key teachers,
/// some finish an in-service degree.
fn promote(rng: &mut ChaCha8Rng, post: &mut Post, age: i32, quality: f64) {
    let u: f64 = rng.random();
    post.title = match post.title {
        Title::Untitled | Title::Third if u < 0.5 => Title::Second,
        Title::Second if age >= 28 && u < 0.12 => Title::First,
        Title::First if age >= 38 && u < 0.06 => Title::Senior,
        Title::Senior if age >= 48 && u < 0.004 => Title::Full,
        title => title,
    };
    if rng.random::<f64>() < 0.03 * quality {
        post.key = match post.key {
            KeyTeacherLevel::None => KeyTeacherLevel::School,
            KeyTeacherLevel::School if post.title >= Title::First => KeyTeacherLevel::County,
            KeyTeacherLevel::County if post.title >= Title::Senior => KeyTeacherLevel::City,
            level => level,
        };
    }
    if post.qualification == Qualification::Associate && age < 45 && rng.random::<f64>() < 0.04 {
        post.qualification = Qualification::Bachelor;
    }
}

/// Simulates every county's teachers over the generated years.
pub(crate) fn simulate(
    places: &Places,
    plans: &[SchoolPlan],
    cohorts: &Cohorts,
    names: &Names,
    first: u16,
    last: u16,
    seed: u64,
) -> Staff {
    let years = usize::from(last - first) + 1;
    let mut sim = Simulation {
        places,
        plans,
        names,
        people: Vec::new(),
    };
    // posts_by_school[year][school] so that the yearly lists come out in school order.
    let mut by_school: Vec<Vec<Vec<Post>>> = vec![vec![Vec::new(); plans.len()]; years];
    for (county_index, county) in places.counties.iter().enumerate() {
        for stage in STAGES {
            let units: Vec<usize> = plans
                .iter()
                .enumerate()
                .filter(|(_, p)| p.county == county_index && p.kind.serves(stage))
                .map(|(i, _)| i)
                .collect();
            if units.is_empty() {
                continue;
            }
            let mut rng = rng_for(
                seed,
                &[
                    stream::TEACHERS,
                    code_number(county.code.as_str()),
                    stage_index(stage) as u64,
                ],
            );
            let mut staff: Vec<Vec<Post>> = Vec::with_capacity(units.len());
            for school in &units {
                let needed = plans
                    .get(*school)
                    .map(|p| need(p, *school, stage, cohorts, first))
                    .unwrap_or(0);
                staff.push(
                    (0..needed)
                        .map(|_| sim.new_teacher(&mut rng, *school, stage, first, true))
                        .collect(),
                );
            }
            record(&mut by_school, 0, &staff);
            for year in first + 1..=last {
                next_year(&mut sim, &mut rng, &units, &mut staff, stage, cohorts, year);
                record(&mut by_school, usize::from(year - first), &staff);
            }
        }
    }
    let posts = by_school
        .into_iter()
        .map(|schools| schools.into_iter().flatten().collect())
        .collect();
    Staff {
        people: sim.people,
        posts,
    }
}

fn record(by_school: &mut [Vec<Vec<Post>>], year_index: usize, staff: &[Vec<Post>]) {
    let Some(year) = by_school.get_mut(year_index) else {
        return;
    };
    for posts in staff {
        for post in posts {
            if let Some(slot) = year.get_mut(post.school as usize) {
                slot.push(*post);
            }
        }
    }
}

fn next_year(
    sim: &mut Simulation<'_>,
    rng: &mut ChaCha8Rng,
    units: &[usize],
    staff: &mut [Vec<Post>],
    stage: Stage,
    cohorts: &Cohorts,
    year: u16,
) {
    let plans = sim.plans;
    let plan_of = |unit: usize| units.get(unit).and_then(|s| plans.get(*s));
    // Retirement, leaving, promotion; rotation candidates leave their school.
    let mut rotating: Vec<(usize, Post)> = Vec::new();
    for (unit, posts) in staff.iter_mut().enumerate() {
        let Some(plan) = plan_of(unit) else { continue };
        let leave = if plan.is_public() { 0.012 } else { 0.07 };
        let mut kept = Vec::with_capacity(posts.len());
        for mut post in posts.drain(..) {
            let age = sim.age(&post, year);
            if age >= retirement_age(sim.is_male(&post)) || rng.random::<f64>() < leave {
                continue;
            }
            promote(rng, &mut post, age, plan.quality);
            // Eligible after six consecutive years at the school (rules.md, teachers).
            let years_here = year.saturating_sub(post.joined) + 1;
            let rotates = plan.is_public()
                && plan.location() != Location::Rural
                && years_here >= 6
                && units.len() > 1
                && rng.random::<f64>() < 0.10; // rules.md: ≥ 10 % of eligible teachers a year
            if rotates {
                rotating.push((unit, post));
            } else {
                kept.push(post);
            }
        }
        *posts = kept;
    }

    let needs: Vec<usize> = units
        .iter()
        .map(|school| {
            plans
                .get(*school)
                .map(|p| need(p, *school, stage, cohorts, year))
                .unwrap_or(0)
        })
        .collect();
    let deficit = |staff: &[Vec<Post>], unit: usize| {
        needs
            .get(unit)
            .copied()
            .unwrap_or(0)
            .saturating_sub(staff.get(unit).map(Vec::len).unwrap_or(0))
    };

    // Rotating teachers go where they are missing, town and rural schools first.
    for (origin, mut post) in rotating {
        let mut targets: Vec<usize> = (0..units.len())
            .filter(|u| *u != origin && deficit(staff, *u) > 0)
            .collect();
        targets.sort_by_key(|u| {
            (
                plan_of(*u)
                    .map(|p| p.location() == Location::Urban)
                    .unwrap_or(true),
                usize::MAX - deficit(staff, *u),
            )
        });
        let target = match targets.first() {
            Some(t) => *t,
            None => {
                let others: Vec<usize> = (0..units.len()).filter(|u| *u != origin).collect();
                others
                    .get(rng.random_range(0..others.len().max(1)))
                    .copied()
                    .unwrap_or(origin)
            }
        };
        if target != origin {
            post.joined = year;
            post.school = units.get(target).copied().unwrap_or(0) as u32;
        }
        if let Some(posts) = staff.get_mut(target) {
            posts.push(post);
        }
    }

    // Surplus teachers move to schools short of staff (县管校聘);
    // kindergartens, many of whose teachers are on contracts, let theirs go.
    let mut movable: Vec<Post> = Vec::new();
    for unit in 0..units.len() {
        let need_here = needs.get(unit).copied().unwrap_or(0);
        let Some(posts) = staff.get_mut(unit) else {
            continue;
        };
        let keep = need_here + (need_here as f64 * 0.06).ceil() as usize;
        if posts.len() > keep.max(1) {
            posts.shuffle(rng);
            let surplus: Vec<Post> = posts.drain(need_here.max(1)..).collect();
            if stage != Stage::Preschool {
                movable.extend(surplus);
            }
        }
    }
    movable.shuffle(rng);
    for unit in 0..units.len() {
        while deficit(staff, unit) > 0 {
            let Some(mut post) = movable.pop() else { break };
            let school = units.get(unit).copied().unwrap_or(0) as u32;
            if post.school != school {
                post.joined = year;
                post.school = school;
            }
            if let Some(posts) = staff.get_mut(unit) {
                posts.push(post);
            }
        }
    }
    // Nobody needs them: they stay where they were.
    for post in movable {
        if let Some(unit) = units.iter().position(|s| *s as u32 == post.school) {
            if let Some(posts) = staff.get_mut(unit) {
                posts.push(post);
            }
        }
    }
    // The rest of the gap is filled by new hires.
    for unit in 0..units.len() {
        let missing = deficit(staff, unit);
        let school = units.get(unit).copied().unwrap_or(0);
        for _ in 0..missing {
            let post = sim.new_teacher(rng, school, stage, year, false);
            if let Some(posts) = staff.get_mut(unit) {
                posts.push(post);
            }
        }
    }
}

/// Gives every teacher a unique identity number sequence.
pub(crate) fn number_teachers(
    people: &mut [TeacherPerson],
    sequences: &mut Sequences,
) -> Result<(), DemoError> {
    for person in people.iter_mut() {
        let year = person.birth.year();
        let window = (
            NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(person.birth),
            NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(person.birth),
        );
        let (birth, seq) = sequences.assign(person.id_area, person.birth, person.male, window)?;
        person.birth = birth;
        person.seq = seq;
    }
    Ok(())
}

/// The (Teacher, TeachingPost) rows of a school year.
pub(crate) fn teacher_rows(
    staff: &Staff,
    places: &Places,
    plans: &[SchoolPlan],
    names: &Names,
    first: u16,
    year: u16,
) -> Vec<(Teacher, TeachingPost)> {
    let Some(posts) = year
        .checked_sub(first)
        .and_then(|i| staff.posts.get(usize::from(i)))
    else {
        return Vec::new();
    };
    let mut rows = Vec::with_capacity(posts.len());
    for post in posts {
        let (Some(person), Some(plan)) = (
            staff.people.get(post.teacher as usize),
            plans.get(post.school as usize),
        ) else {
            continue;
        };
        let sex = if person.male { Sex::Male } else { Sex::Female };
        let area = places
            .areas
            .get(usize::from(person.id_area))
            .unwrap_or(&places.fallback);
        rows.push((
            Teacher {
                id_number: IdNumber::compose(area.as_str(), person.birth, person.seq, sex),
                name: names.full(person.surname, person.given, person.male, Generation::Adult),
                sex,
                birth_year: person.birth.year() as u16,
            },
            TeachingPost {
                school_year: SchoolYear(year),
                school: plan.record.code.clone(),
                stage: post.stage,
                subject: post.subject,
                title: post.title,
                key_teacher_level: post.key,
                joined_school_year: SchoolYear(post.joined),
                qualification: post.qualification,
            },
        ));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn older_teachers_hold_higher_titles() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mean = |rng: &mut ChaCha8Rng, age| {
            (0..2000)
                .map(|_| draw_title(rng, age, Stage::Primary, true) as usize)
                .sum::<usize>() as f64
                / 2000.0
        };
        assert!(mean(&mut rng, 24) < mean(&mut rng, 35));
        assert!(mean(&mut rng, 35) < mean(&mut rng, 52));
    }

    #[test]
    fn women_retire_at_55_and_men_at_60() {
        assert_eq!(retirement_age(false), 55);
        assert_eq!(retirement_age(true), 60);
    }
}
