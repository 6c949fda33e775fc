//! City-wide tests: the properties a bureau officer would check, on small
//! cities (scale 0.01 and 0.05) built once and shared between tests.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use registry::{ChangeSet, IdNumber, Location, Ownership, SchoolYear, Stage};

use crate::{DemoCity, DemoConfig};

fn small_config(seed: u64) -> DemoConfig {
    DemoConfig {
        scale: 0.01,
        seed,
        ..DemoConfig::default()
    }
}

/// The small city (scale 0.01) and all its school years.
fn small() -> &'static (DemoCity, Vec<ChangeSet>) {
    static CITY: OnceLock<(DemoCity, Vec<ChangeSet>)> = OnceLock::new();
    CITY.get_or_init(|| {
        let city = DemoCity::generate(&small_config(42)).unwrap();
        let years = city
            .school_years()
            .into_iter()
            .map(|y| city.school_year(y))
            .collect();
        (city, years)
    })
}

/// A larger city (scale 0.05) for shares that need more schools; rows of 2019 and 2024 only.
fn medium() -> &'static (DemoCity, ChangeSet, ChangeSet) {
    static CITY: OnceLock<(DemoCity, ChangeSet, ChangeSet)> = OnceLock::new();
    CITY.get_or_init(|| {
        let city = DemoCity::generate(&DemoConfig {
            scale: 0.05,
            ..DemoConfig::default()
        })
        .unwrap();
        let (first, last) = (
            city.school_year(SchoolYear(2019)),
            city.school_year(SchoolYear(2024)),
        );
        (city, first, last)
    })
}

fn year(changes: &[ChangeSet], year: u16) -> &ChangeSet {
    changes
        .iter()
        .find(|c| c.facilities.first().is_some_and(|f| f.school_year.0 == year))
        .unwrap()
}

fn share(part: usize, whole: usize) -> f64 {
    part as f64 / whole.max(1) as f64
}

#[test]
fn the_same_seed_gives_the_same_city_and_another_seed_another() {
    let (_, years) = small();
    let again = DemoCity::generate(&small_config(42)).unwrap();
    for (index, school_year) in again.school_years().into_iter().enumerate() {
        let a = &years[index];
        let b = again.school_year(school_year);
        assert_eq!(a.schools, b.schools);
        assert_eq!(a.facilities, b.facilities);
        assert_eq!(a.classes, b.classes);
        assert_eq!(a.students, b.students);
        assert_eq!(a.teachers, b.teachers);
        assert_eq!(a.population, b.population);
        assert_eq!(a.births, b.births);
    }
    let other = DemoCity::generate(&small_config(43))
        .unwrap()
        .school_year(SchoolYear(2019));
    assert_ne!(years[0].students, other.students);
    assert_ne!(years[0].schools, other.schools);
}

#[test]
fn school_years_can_be_made_in_any_order() {
    let (city, years) = small();
    let late_first = city.school_year(SchoolYear(2024));
    assert_eq!(late_first.students, year(years, 2024).students);
    assert!(city.school_year(SchoolYear(2030)).is_empty());
}

#[test]
fn every_county_has_schools_of_each_stage_at_scale_one_hundredth() {
    let (_, years) = small();
    let counties = registry::divisions::counties_of("3701");
    for county in &counties {
        for stage in [Stage::Preschool, Stage::Primary, Stage::Junior, Stage::Senior] {
            let schools: Vec<_> = years[0]
                .schools
                .iter()
                .filter(|s| s.county == county.code && s.serves(stage))
                .collect();
            assert!(!schools.is_empty(), "{} has no {}", county.name, stage.label_zh());
            for changes in years {
                let enrolled = changes
                    .students
                    .iter()
                    .filter(|(_, e)| e.stage == stage && schools.iter().any(|s| s.code == e.school))
                    .count();
                assert!(
                    enrolled > 0,
                    "{} {} has no students",
                    county.name,
                    stage.label_zh()
                );
            }
        }
    }
}

#[test]
fn class_sizes_equal_the_students_placed_in_each_class() {
    let (_, years) = small();
    for changes in years {
        let mut counted: HashMap<(&str, i8, &str), u32> = HashMap::new();
        for (_, e) in &changes.students {
            let name = e.class_name.as_deref().expect("every student has a class");
            *counted.entry((e.school.as_str(), e.grade.0, name)).or_default() += 1;
        }
        let mut keys = HashSet::new();
        for class in &changes.classes {
            let key = (class.school.as_str(), class.grade.0, class.name.as_str());
            assert!(keys.insert(key), "duplicate class {key:?}");
            assert_eq!(counted.get(&key).copied(), Some(class.size), "{key:?}");
            assert!(class.stage.grades().contains(&class.grade.0) || class.stage == Stage::Junior);
        }
        assert_eq!(counted.len(), changes.classes.len());
    }
}

#[test]
fn identity_numbers_are_valid_and_unique_across_the_city_and_the_years() {
    let (_, years) = small();
    let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut persons: HashMap<String, (String, NaiveDate)> = HashMap::new();
    let mut teachers: HashMap<String, String> = HashMap::new();
    for changes in years {
        let mut this_year = HashSet::new();
        for (student, _) in &changes.students {
            let text = student.id_number.as_str();
            let parsed = IdNumber::parse(text, today).unwrap();
            assert_eq!(parsed.birth_date(), student.birth_date);
            assert_eq!(parsed.sex(), student.sex);
            assert!(this_year.insert(text.to_owned()), "{text} twice in a year");
            let seen = persons
                .entry(text.to_owned())
                .or_insert((student.name.clone(), student.birth_date));
            assert_eq!(
                seen,
                &(student.name.clone(), student.birth_date),
                "{text} changed"
            );
        }
        for (teacher, _) in &changes.teachers {
            let text = teacher.id_number.as_str();
            let parsed = IdNumber::parse(text, today).unwrap();
            assert_eq!(parsed.birth_date().year() as u16, teacher.birth_year);
            assert!(this_year.insert(text.to_owned()), "{text} twice in a year");
            let seen = teachers.entry(text.to_owned()).or_insert(teacher.name.clone());
            assert_eq!(seen, &teacher.name);
        }
    }
    assert!(persons.keys().all(|id| !teachers.contains_key(id)));
}

#[test]
fn a_student_in_grade_3_in_2019_is_in_grade_4_in_2020_and_moves_up_a_stage_after_grade_6() {
    let (_, years) = small();
    let (y2019, y2020) = (year(years, 2019), year(years, 2020));
    let next: HashMap<&str, &registry::Enrolment> = y2020
        .students
        .iter()
        .map(|(s, e)| (s.id_number.as_str(), e))
        .collect();
    let mut checked = 0;
    for (student, e) in &y2019.students {
        let Some(later) = next.get(student.id_number.as_str()) else {
            // Only graduates (and 普通高中 drop-outs to 中职) leave.
            assert!(
                matches!(e.grade.0, 9 | 12),
                "{} left in grade {}",
                student.name,
                e.grade.0
            );
            continue;
        };
        assert_eq!(later.grade.0, e.grade.0 + 1);
        match e.grade.0 {
            0 => assert_eq!(later.stage, Stage::Primary),
            6 => assert_eq!(later.stage, Stage::Junior),
            9 => assert_eq!(later.stage, Stage::Senior),
            g if (1..=5).contains(&g) || (7..=8).contains(&g) || (10..=11).contains(&g) => {
                assert_eq!(later.stage, e.stage);
                assert_eq!(later.school, e.school, "no transfers within a stage");
            }
            _ => {}
        }
        checked += usize::from(e.grade.0 == 3);
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn birth_dates_fit_the_grade_and_new_cohorts_enter_kindergarten() {
    let (_, years) = small();
    for changes in years {
        let school_year = changes.facilities[0].school_year.0;
        let august = NaiveDate::from_ymd_opt(i32::from(school_year), 8, 31).unwrap();
        for (student, e) in &changes.students {
            let age = august.years_since(student.birth_date).unwrap() as i32;
            assert_eq!(
                age,
                i32::from(e.grade.0) + 5,
                "{} grade {}",
                student.birth_date,
                e.grade.0
            );
        }
    }
    let first: HashSet<&str> = year(years, 2019)
        .students
        .iter()
        .map(|(s, _)| s.id_number.as_str())
        .collect();
    let entrants = year(years, 2020)
        .students
        .iter()
        .filter(|(s, e)| e.grade.0 == -2 && !first.contains(s.id_number.as_str()));
    assert!(entrants.count() > 50);
}

#[test]
fn births_fall_after_the_2017_peak() {
    let (_, years) = small();
    let births = &years[0].births;
    let total = |year: u16| {
        births
            .iter()
            .filter(|b| b.year == year)
            .map(|b| b.births)
            .sum::<u32>()
    };
    assert!((2005..=2024).all(|y| total(y) > 0));
    assert!(total(2017) > total(2016));
    for y in 2018..=2023 {
        assert!(total(y) < total(y - 1), "{y}");
    }
    assert!(f64::from(total(2023)) < 0.5 * f64::from(total(2017)));
    assert!(years[1..].iter().all(|c| c.births.is_empty()));
}

#[test]
fn kindergarten_intake_shrinks_while_junior_schools_fill() {
    let summary = medium().0.summary();
    let students = |year: u16, stage: Stage| {
        summary
            .year(SchoolYear(year))
            .unwrap()
            .stage(stage)
            .unwrap()
            .students
    };
    assert!(students(2024, Stage::Preschool) < students(2019, Stage::Preschool) * 9 / 10);
    assert!(students(2024, Stage::Junior) > students(2019, Stage::Junior));
    assert!(students(2024, Stage::Primary) > students(2019, Stage::Primary));
}

/// A city of a fifth of Jinan (scale 0.2), structure only: shares that
/// need many schools are counted from it without building rows.
fn large() -> &'static DemoCity {
    static CITY: OnceLock<DemoCity> = OnceLock::new();
    CITY.get_or_init(|| {
        DemoCity::generate(&DemoConfig {
            scale: 0.2,
            ..DemoConfig::default()
        })
        .unwrap()
    })
}

#[test]
fn large_classes_fall_over_the_years_but_remain_in_2024_in_urban_schools_and_growing_towns() {
    let city = large();
    let mut shares = Vec::new();
    let mut by_location: HashMap<Location, usize> = HashMap::new();
    for year in city.school_years() {
        let (mut large, mut classes) = (0, 0);
        for (index, plan) in city.plans.iter().enumerate() {
            for stage in [Stage::Primary, Stage::Junior] {
                let Some(roster) = city.cohorts.roster(index, stage) else {
                    continue;
                };
                if !plan.kind.serves(stage) {
                    continue;
                }
                for grade in crate::schools::grades(stage) {
                    let n = roster.cohort(i32::from(year.0) - i32::from(grade) + 1).len();
                    let (k, l, _) = crate::classes::class_counts(plan, stage, grade, year.0, n);
                    classes += k;
                    large += l;
                    *by_location.entry(plan.location()).or_default() += l;
                }
            }
        }
        shares.push(share(large, classes));
    }
    assert!(shares[0] > 0.04 && shares[0] < 0.15, "{shares:?}");
    assert!(shares[5] > 0.0 && shares[5] < shares[0] * 0.5, "{shares:?}");
    assert!(shares.windows(2).all(|w| w[1] <= w[0] + 0.002), "{shares:?}");
    let urban = by_location.get(&Location::Urban).copied().unwrap_or(0);
    let town = by_location.get(&Location::Town).copied().unwrap_or(0);
    assert!(urban > 2 * town, "{by_location:?}");
    assert_eq!(by_location.get(&Location::Rural).copied().unwrap_or(0), 0);

    // The summary counts the same classes.
    let summary = city.summary();
    let y2019 = summary.year(SchoolYear(2019)).unwrap();
    let large_2019 = y2019.stage(Stage::Primary).unwrap().large_classes
        + y2019.stage(Stage::Junior).unwrap().large_classes;
    let classes_2019 =
        y2019.stage(Stage::Primary).unwrap().classes + y2019.stage(Stage::Junior).unwrap().classes;
    assert_eq!(share(large_2019, classes_2019), shares[0]);
}

#[test]
fn public_kindergartens_hold_half_to_two_thirds_of_the_children() {
    let city = large();
    for year in city.school_years() {
        let (mut public, mut inclusive, mut all) = (0, 0, 0);
        for (index, plan) in city.plans.iter().enumerate() {
            let n = city.cohorts.enrolled(index, Stage::Preschool, year.0);
            all += n;
            if plan.record.ownership == Ownership::Public {
                public += n;
            } else if plan.record.inclusive {
                inclusive += n;
            }
        }
        let public_share = share(public, all);
        let coverage = share(public + inclusive, all);
        assert!((0.50..=0.65).contains(&public_share), "{year:?} {public_share}");
        assert!((0.85..=0.93).contains(&coverage), "{year:?} {coverage}");
        let population = crate::population::population_records(
            &city.places,
            &city.cohorts.townships,
            year.0,
            city.config.scale,
            city.config.seed,
        );
        let children: u32 = population
            .iter()
            .filter(|p| (3..=5).contains(&p.age))
            .map(|p| p.children)
            .sum();
        let ratio = share(all, children as usize);
        assert!((0.90..=0.97).contains(&ratio), "毛入园率 {ratio}");
    }
    let kindergartens: Vec<_> = city
        .plans
        .iter()
        .filter(|p| p.kind.serves(Stage::Preschool))
        .collect();
    let rated = kindergartens
        .iter()
        .filter(|p| p.record.quality_rating >= registry::QualityRating::City)
        .count();
    assert!((0.4..=0.8).contains(&share(rated, kindergartens.len())));
}

#[test]
fn myopia_rises_with_grade_and_some_students_are_not_screened() {
    let (_, y2019, y2024) = medium();
    let rates = |changes: &ChangeSet| {
        let mut by_grade = [(0usize, 0usize); 15];
        let mut unscreened = 0;
        for (_, e) in &changes.students {
            let slot = &mut by_grade[(e.grade.0 + 2) as usize];
            match (e.myopic, e.visual_acuity) {
                (Some(m), Some(acuity)) => {
                    assert_eq!(m, acuity < 5.0);
                    slot.0 += usize::from(m);
                    slot.1 += 1;
                }
                (None, None) => unscreened += 1,
                other => panic!("screening half filled: {other:?}"),
            }
        }
        assert!(unscreened > 0);
        by_grade.map(|(m, n)| share(m, n))
    };
    let (early, late) = (rates(y2019), rates(y2024));
    let grade = |rates: &[f64; 15], g: i8| rates[(g + 2) as usize];
    assert!((0.08..=0.18).contains(&grade(&early, 1)), "{early:?}");
    assert!((0.42..=0.58).contains(&grade(&early, 6)), "{early:?}");
    assert!((0.60..=0.80).contains(&grade(&early, 8)), "{early:?}");
    assert!((0.72..=0.90).contains(&grade(&early, 11)), "{early:?}");
    for g in 2..=12 {
        assert!(grade(&early, g) > grade(&early, g - 2), "grade {g}: {early:?}");
    }
    let mean = |r: &[f64; 15]| r[3..].iter().sum::<f64>() / 12.0;
    assert!(mean(&late) < mean(&early));
}

#[test]
fn migrant_children_come_from_elsewhere_in_shandong_and_cluster_in_the_suburbs() {
    let (_, _, y2024) = medium();
    let county_of: HashMap<&str, &str> = y2024
        .schools
        .iter()
        .map(|s| (s.code.as_str(), s.county.as_str()))
        .collect();
    let mut by_county: HashMap<&str, (usize, usize)> = HashMap::new();
    for (student, e) in &y2024.students {
        let household = student.household_area.as_str();
        assert_eq!(e.migrant_child, !household.starts_with("3701"), "{household}");
        assert!(household.starts_with("37"));
        // A development zone's code (fifth digit 7) is statistical, never
        // on an identity number: its residents carry 历城区's.
        let issued_by = if household.as_bytes()[4] == b'7' {
            "370112"
        } else {
            &household[..6]
        };
        assert_eq!(student.id_number.area_prefix(), issued_by, "{household}");
        let entry = by_county.entry(county_of[e.school.as_str()]).or_default();
        entry.0 += usize::from(e.migrant_child);
        entry.1 += 1;
    }
    let rate = |county: &str| share(by_county[county].0, by_county[county].1);
    for suburb in ["370112", "370105", "370104", "370176"] {
        for countryside in ["370124", "370126", "370117"] {
            assert!(
                rate(suburb) > 3.0 * rate(countryside),
                "{suburb} vs {countryside}"
            );
        }
    }
}

#[test]
fn rural_schools_board_and_senior_high_mostly_boards() {
    let (_, _, y2024) = medium();
    let location: HashMap<&str, Location> = y2024
        .schools
        .iter()
        .map(|s| (s.code.as_str(), s.location))
        .collect();
    let rate = |filter: &dyn Fn(&registry::Enrolment, Location) -> bool| {
        let chosen: Vec<bool> = y2024
            .students
            .iter()
            .filter(|(_, e)| filter(e, location[e.school.as_str()]))
            .map(|(_, e)| e.boarder)
            .collect();
        share(chosen.iter().filter(|b| **b).count(), chosen.len())
    };
    assert!(rate(&|e, l| e.stage == Stage::Junior && l == Location::Rural) > 0.5);
    assert!(rate(&|e, l| e.stage == Stage::Junior && l == Location::Urban) < 0.15);
    assert!(rate(&|e, _| e.stage == Stage::Senior) > 0.5);
    assert_eq!(rate(&|e, _| e.stage == Stage::Preschool), 0.0);
}

#[test]
fn teachers_give_plausible_ratios_and_varied_years_at_their_school() {
    let (_, _, y2024) = medium();
    let mut students: HashMap<Stage, usize> = HashMap::new();
    for (_, e) in &y2024.students {
        *students.entry(e.stage).or_default() += 1;
    }
    let mut teachers: HashMap<Stage, usize> = HashMap::new();
    for (_, post) in &y2024.teachers {
        *teachers.entry(post.stage).or_default() += 1;
    }
    let ratio = |stage| students[&stage] as f64 / teachers[&stage] as f64;
    assert!(
        (11.5..=15.5).contains(&ratio(Stage::Preschool)),
        "{}",
        ratio(Stage::Preschool)
    );
    assert!(
        (16.0..=18.0).contains(&ratio(Stage::Primary)),
        "{}",
        ratio(Stage::Primary)
    );
    assert!(
        (11.5..=13.5).contains(&ratio(Stage::Junior)),
        "{}",
        ratio(Stage::Junior)
    );
    assert!(
        (10.5..=12.5).contains(&ratio(Stage::Senior)),
        "{}",
        ratio(Stage::Senior)
    );

    let eligible = y2024
        .teachers
        .iter()
        .filter(|(_, p)| p.years_at_school() >= 6)
        .count();
    let eligible = share(eligible, y2024.teachers.len());
    assert!((0.3..=0.75).contains(&eligible), "{eligible}");
    let pe_arts = y2024
        .teachers
        .iter()
        .filter(|(_, p)| p.subject.is_pe_or_arts())
        .count();
    assert!(pe_arts > y2024.teachers.len() / 20);
    let key = y2024
        .teachers
        .iter()
        .filter(|(_, p)| p.key_teacher_level.is_county_or_above())
        .count();
    assert!((0.05..=0.3).contains(&share(key, y2024.teachers.len())));
}

#[test]
fn teachers_mostly_stay_at_their_school_and_some_move() {
    let (_, years) = small();
    let posts = |changes: &ChangeSet| -> HashMap<String, String> {
        changes
            .teachers
            .iter()
            .map(|(t, p)| (t.id_number.as_str().to_owned(), p.school.as_str().to_owned()))
            .collect()
    };
    let (before, after) = (posts(year(years, 2022)), posts(year(years, 2023)));
    let both: Vec<&String> = before.keys().filter(|id| after.contains_key(*id)).collect();
    let moved = both.iter().filter(|id| before[**id] != after[**id]).count();
    assert!(both.len() > before.len() * 8 / 10);
    assert!(moved > 0 && moved < both.len() / 5, "{moved} of {}", both.len());
}

#[test]
fn schools_have_unique_codes_and_names_and_lie_inside_jinan() {
    let (_, years) = small();
    let (_, y2019, _) = medium();
    for schools in [&years[0].schools, &y2019.schools] {
        let codes: HashSet<&str> = schools.iter().map(|s| s.code.as_str()).collect();
        let names: HashSet<&str> = schools.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(codes.len(), schools.len());
        assert_eq!(names.len(), schools.len());
        for s in schools {
            assert_eq!(&s.code.as_str()[1..7], s.county.as_str());
            assert!(s.township.as_ref().is_some_and(|t| t.is_within(&s.county)));
            let (lon, lat) = (s.longitude.unwrap(), s.latitude.unwrap());
            assert!(
                (116.2..=117.9).contains(&lon) && (36.0..=37.6).contains(&lat),
                "{lon} {lat}"
            );
            assert_eq!(s.seats.len(), s.stages.len());
            assert!(!s.inclusive || s.ownership == Ownership::Private);
        }
    }
}

#[test]
fn facilities_differ_between_counties() {
    let (_, _, y2024) = medium();
    let mut students: HashMap<&str, usize> = HashMap::new();
    for (_, e) in &y2024.students {
        *students.entry(e.school.as_str()).or_default() += 1;
    }
    let county_of: HashMap<&str, &str> = y2024
        .schools
        .iter()
        .map(|s| (s.code.as_str(), s.county.as_str()))
        .collect();
    let mut per_student: HashMap<&str, Vec<f64>> = HashMap::new();
    for f in &y2024.facilities {
        let school = y2024.schools.iter().find(|s| s.code == f.school).unwrap();
        if school.stages != vec![Stage::Primary] {
            continue;
        }
        let n = students.get(f.school.as_str()).copied().unwrap_or(0).max(1) as f64;
        per_student
            .entry(county_of[f.school.as_str()])
            .or_default()
            .push(f.teaching_floor_area / n);
    }
    let meeting: Vec<f64> = per_student
        .values()
        .map(|v| share(v.iter().filter(|a| **a >= 4.5).count(), v.len()))
        .collect();
    assert!(meeting.iter().any(|m| *m < 0.8), "{meeting:?}");
    assert!(meeting.iter().any(|m| *m > 0.9), "{meeting:?}");
}

#[test]
fn population_covers_every_township_and_age_each_year() {
    let (_, years) = small();
    let townships: usize = registry::divisions::counties_of("3701")
        .iter()
        .map(|c| {
            registry::divisions::townships_of(c.code.as_str())
                .iter()
                .filter(|t| t.code.as_str().as_bytes()[6] < b'4')
                .count()
        })
        .sum();
    for changes in years {
        assert_eq!(changes.population.len(), townships * 18);
        let six: u32 = changes
            .population
            .iter()
            .filter(|p| p.age == 6)
            .map(|p| p.children)
            .sum();
        let grade_one = changes.students.iter().filter(|(_, e)| e.grade.0 == 1).count() as u32;
        assert!(six >= grade_one && six < grade_one * 11 / 10, "{six} {grade_one}");
    }
}

#[test]
fn scale_one_hundredth_is_a_small_city_and_full_scale_is_counted_in_millions() {
    let (city, years) = small();
    let students = years.last().unwrap().students.len();
    assert!((10_000..=16_000).contains(&students), "{students}");
    assert!(city.summary().schools < 100);
    assert!(city.summary().to_string().contains("非官方统计"));
}
