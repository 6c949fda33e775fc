//! The engine on a tiny city whose every value was worked out by hand, and
//! on the demo city for the invariants that must hold at any size.

use registry::snapshot::*;
use registry::*;

use crate::*;

fn area(code: &str, name: &str) -> AreaRef {
    AreaRef {
        code: AreaCode::parse(code).unwrap(),
        name: name.to_owned(),
    }
}

fn school(code: &str, county: u32, township: u32, ownership: Ownership, serves: &[Stage]) -> SchoolRow {
    let mut row = SchoolRow {
        code: SchoolCode::parse(code).unwrap(),
        name: format!("学校{code}"),
        county,
        township,
        school_group: NONE,
        ownership,
        inclusive: false,
        quality_rating: QualityRating::Unrated,
        location: Location::Urban,
        serves: [false; STAGES],
        seats: [0; STAGES],
        facility: None,
    };
    for s in serves {
        row.serves[s.index()] = true;
        row.seats[s.index()] = 100;
    }
    row
}

fn student(school: u32, stage: Stage, grade: i8) -> StudentRow {
    StudentRow {
        school,
        class: NONE,
        stage,
        grade: Grade(grade),
        sex: Sex::Female,
        migrant_child: false,
        boarder: false,
        myopic: None,
    }
}

fn teacher(school: u32, birth_year: u16, joined: u16) -> TeacherRow {
    TeacherRow {
        school,
        stage: Stage::Primary,
        subject: Subject::Mathematics,
        title: Title::First,
        key_teacher_level: KeyTeacherLevel::None,
        qualification: Qualification::Secondary,
        sex: Sex::Female,
        birth_year,
        joined_school_year: SchoolYear(joined),
    }
}

fn class(school: u32, stage: Stage, size: u32) -> ClassRow {
    ClassRow {
        school,
        stage,
        grade: Grade(1),
        size,
    }
}

/// 2024: two counties of 3701. In 历下 (370102): public kindergarten K0 (30
/// children), inclusive private K1 (10), public primary P3 (classes of 56, 40
/// and 66; 10 pupils: 4 migrants, 2 boarders, 3 myopic of 8 screened; 2
/// teachers; facilities reported), private primary P4 (5 migrant pupils, no
/// teachers), senior S6 (3 grade-10 students). In 历城 (370112): private
/// kindergarten K2 (20 children). 40 children aged 3–5 live in 历下's first
/// township.
fn year_2024() -> YearSnapshot {
    let mut k1 = school("1000000001", 0, 0, Ownership::Private, &[Stage::Preschool]);
    k1.inclusive = true;
    let mut p3 = school("1000000003", 0, 0, Ownership::Public, &[Stage::Primary]);
    p3.facility = Some(FacilityRow {
        teaching_floor_area: 450.0,
        sports_ground_area: 750.0,
        equipment_value: 20_000.0,
        multimedia_classrooms: 1,
    });
    let mut s = YearSnapshot {
        school_year: SchoolYear(2024),
        city: Some(AreaCode::parse("3701").unwrap()),
        counties: vec![area("370102", "历下区"), area("370112", "历城区")],
        townships: vec![area("370102001", "解放路街道"), area("370112001", "山大路街道")],
        school_groups: vec![],
        schools: vec![
            school("1000000000", 0, 0, Ownership::Public, &[Stage::Preschool]),
            k1,
            school("1000000002", 1, 1, Ownership::Private, &[Stage::Preschool]),
            p3,
            school("1000000004", 0, 0, Ownership::Private, &[Stage::Primary]),
            school("1000000006", 0, NONE, Ownership::Public, &[Stage::Senior]),
        ],
        ..YearSnapshot::default()
    };
    let kids = [(0, 30), (1, 10), (2, 20)];
    for (school, n) in kids {
        s.students
            .extend((0..n).map(|_| student(school, Stage::Preschool, -1)));
    }
    for i in 0..10 {
        let mut st = student(3, Stage::Primary, 1);
        st.migrant_child = i < 4;
        st.boarder = i >= 8;
        st.myopic = match i {
            0..3 => Some(true),
            3..8 => Some(false),
            _ => None,
        };
        s.students.push(st);
    }
    for _ in 0..5 {
        let mut st = student(4, Stage::Primary, 2);
        st.migrant_child = true;
        s.students.push(st);
    }
    s.students.extend((0..3).map(|_| student(5, Stage::Senior, 10)));
    s.classes = vec![
        class(3, Stage::Primary, 56),
        class(3, Stage::Primary, 40),
        class(3, Stage::Primary, 66),
    ];
    let mut musician = teacher(3, 1980, 2016);
    musician.key_teacher_level = KeyTeacherLevel::County;
    musician.qualification = Qualification::Bachelor;
    musician.subject = Subject::Music;
    s.teachers = vec![musician, teacher(3, 1995, 2022)];
    s.population = vec![
        PopulationRow {
            township: 0,
            age: 3,
            children: 15,
        },
        PopulationRow {
            township: 0,
            age: 5,
            children: 25,
        },
        PopulationRow {
            township: 0,
            age: 6,
            children: 99,
        },
    ];
    s
}

/// 2023: P3 had two classes of 56; a junior school J5 had 4 grade-9 pupils.
fn year_2023() -> YearSnapshot {
    let mut s = year_2024();
    s.school_year = SchoolYear(2023);
    s.classes = vec![class(3, Stage::Primary, 56), class(3, Stage::Primary, 56)];
    s.schools[5] = school("1000000005", 0, NONE, Ownership::Public, &[Stage::Junior]);
    s.students.retain(|st| st.stage != Stage::Senior);
    s.students.extend((0..4).map(|_| student(5, Stage::Junior, 9)));
    s
}

fn computed() -> Computed {
    Computed::new(&[year_2024(), year_2023()], Rules::default())
}

/// The one value of an indicator at a place (area or school code) and stage.
fn value(c: &Computed, code: &str, place: &str, stage: Option<Stage>, year: u16) -> Value {
    let query = Query {
        indicators: vec![find(code).unwrap()],
        years: vec![SchoolYear(year)],
        ..Query::default()
    };
    let found: Vec<Value> = c
        .values(&query)
        .into_iter()
        .filter(|v| v.stage == stage && v.grade.is_none() && c.place(v).unwrap().code == place)
        .collect();
    assert_eq!(found.len(), 1, "{code} at {place} {stage:?}: {found:?}");
    found[0]
}

fn approx(actual: Option<f64>, expected: f64) {
    let actual = actual.expect("a value");
    assert!((actual - expected).abs() < 1e-9, "{actual} ≠ {expected}");
}

#[test]
fn preschool_shares_are_ratios_of_sums() {
    let c = computed();
    approx(
        value(&c, "inclusive_coverage", "3701", None, 2024).value,
        40.0 / 60.0 * 100.0,
    );
    approx(value(&c, "inclusive_coverage", "370102", None, 2024).value, 100.0);
    approx(value(&c, "inclusive_coverage", "370112", None, 2024).value, 0.0);
    approx(
        value(&c, "public_preschool_share", "3701", None, 2024).value,
        50.0,
    );
    approx(
        value(&c, "inclusive_coverage", "1000000001", None, 2024).value,
        100.0,
    );
    // 60 children in kindergarten, 40 aged 3–5 (the six-year-olds do not count).
    let gross = value(&c, "preschool_gross_enrolment_ratio", "3701", None, 2024);
    assert_eq!((gross.numerator, gross.denominator), (60.0, Some(40.0)));
    approx(gross.value, 150.0);
    approx(
        value(&c, "preschool_gross_enrolment_ratio", "370102", None, 2024).value,
        100.0,
    );
    // 历城 has children in kindergarten but no population rows: no value, not infinity.
    let no_base = value(&c, "preschool_gross_enrolment_ratio", "370112", None, 2024);
    assert_eq!(
        (no_base.numerator, no_base.denominator, no_base.value),
        (20.0, Some(0.0), None)
    );
}

#[test]
fn class_sizes_against_the_configured_lines() {
    let c = computed();
    let large = value(&c, "large_class_count", "1000000003", Some(Stage::Primary), 2024);
    assert_eq!((large.numerator, large.denominator), (2.0, None));
    assert_eq!(large.change, Some(0.0));
    approx(
        value(&c, "oversize_class_count", "370102", Some(Stage::Primary), 2024).value,
        1.0,
    );
    let share = value(&c, "large_class_share", "3701", Some(Stage::Primary), 2024);
    approx(share.value, 200.0 / 3.0);
    approx(share.change, 200.0 / 3.0 - 100.0);
    approx(
        value(&c, "average_class_size", "3701", Some(Stage::Primary), 2024).value,
        54.0,
    );
    // The all-stages value sums the stages: only primary has classes here.
    approx(value(&c, "large_class_count", "3701", None, 2024).value, 2.0);

    let strict = Rules {
        large_class_min: 46,
        ..Rules::default()
    };
    let c = Computed::new(&[year_2024()], strict);
    approx(
        value(&c, "large_class_count", "3701", Some(Stage::Primary), 2024).value,
        2.0,
    );
    let c = Computed::new(
        &[year_2024()],
        Rules {
            large_class_min: 40,
            ..Rules::default()
        },
    );
    approx(
        value(&c, "large_class_count", "3701", Some(Stage::Primary), 2024).value,
        3.0,
    );
}

#[test]
fn students_and_teachers() {
    let c = computed();
    approx(
        value(&c, "myopia_rate", "3701", Some(Stage::Primary), 2024).value,
        37.5,
    );
    approx(
        value(&c, "migrant_child_share", "3701", Some(Stage::Primary), 2024).value,
        60.0,
    );
    approx(
        value(&c, "migrant_public_share", "3701", Some(Stage::Primary), 2024).value,
        400.0 / 9.0,
    );
    approx(
        value(&c, "boarder_share", "1000000003", Some(Stage::Primary), 2024).value,
        20.0,
    );
    approx(
        value(
            &c,
            "student_teacher_ratio",
            "1000000003",
            Some(Stage::Primary),
            2024,
        )
        .value,
        5.0,
    );
    approx(
        value(&c, "student_teacher_ratio", "3701", Some(Stage::Primary), 2024).value,
        7.5,
    );
    // P4 has pupils and no teachers: a ratio without a value, never infinity.
    let p4 = value(
        &c,
        "student_teacher_ratio",
        "1000000004",
        Some(Stage::Primary),
        2024,
    );
    assert_eq!(p4.value, None);
    approx(
        value(&c, "rotation_eligible_share", "3701", Some(Stage::Primary), 2024).value,
        50.0,
    );
    approx(
        value(&c, "young_teacher_share", "3701", Some(Stage::Primary), 2024).value,
        50.0,
    );
    approx(
        value(
            &c,
            "key_teachers_per_100",
            "1000000003",
            Some(Stage::Primary),
            2024,
        )
        .value,
        10.0,
    );
    approx(
        value(
            &c,
            "pe_arts_teachers_per_100",
            "370102",
            Some(Stage::Primary),
            2024,
        )
        .value,
        100.0 / 15.0,
    );
    approx(
        value(
            &c,
            "teaching_floor_area_per_student",
            "1000000003",
            Some(Stage::Primary),
            2024,
        )
        .value,
        45.0,
    );
    // P4 reported no facilities: it is left out of the facility base, not counted as zero.
    approx(
        value(
            &c,
            "teaching_floor_area_per_student",
            "370102",
            Some(Stage::Primary),
            2024,
        )
        .value,
        45.0,
    );
}

#[test]
fn coefficient_of_variation_is_weighted_by_enrolment() {
    let c = computed();
    // Key teachers per 100 pupils: P3 10 (10 pupils), P4 0 (5 pupils).
    let cv = value(&c, "key_teachers_cv", "370102", Some(Stage::Primary), 2024);
    let mean = 100.0 / 15.0;
    let sd = ((10.0 * (10.0 - mean) * (10.0 - mean) + 5.0 * mean * mean) / 15.0f64).sqrt();
    approx(cv.denominator, mean);
    approx(cv.value, sd / mean);
    approx(Some(cv.value.unwrap()), 0.5f64.sqrt());
    // Only P3 reported facilities: one unit, so the CV is not applicable
    // (the row says so with no value), not 0.
    let alone = value(&c, "teaching_floor_area_cv", "370102", Some(Stage::Primary), 2024);
    assert_eq!(
        (alone.numerator, alone.denominator, alone.value),
        (0.0, Some(45.0), None)
    );
    // P4 at the same 45 m² a pupil as P3: a spread of exactly zero, not 1e-7.
    let mut same = year_2024();
    same.schools[4].facility = Some(FacilityRow {
        teaching_floor_area: 225.0,
        sports_ground_area: 0.0,
        equipment_value: 0.0,
        multimedia_classrooms: 0,
    });
    let c2 = Computed::new(&[same], Rules::default());
    let floor = value(
        &c2,
        "teaching_floor_area_cv",
        "370102",
        Some(Stage::Primary),
        2024,
    );
    assert_eq!(
        (floor.numerator, floor.denominator, floor.value),
        (0.0, Some(45.0), Some(0.0))
    );
    // CV is a county measure only.
    let q = Query {
        indicators: vec![find("key_teachers_cv").unwrap()],
        ..Query::default()
    };
    assert!(c.values(&q).iter().all(|v| v.level == Level::County));
    // Over the line (0.50): one of the CVs with a value.
    approx(
        value(
            &c,
            "balanced_cv_unmet_count",
            "370102",
            Some(Stage::Primary),
            2024,
        )
        .value,
        3.0,
    );
}

#[test]
fn senior_entry_needs_last_years_cohort() {
    let c = computed();
    let rate = value(&c, "senior_entry_ratio", "370102", None, 2024);
    assert_eq!((rate.numerator, rate.denominator), (3.0, Some(4.0)));
    approx(rate.value, 75.0);
    let q = Query {
        indicators: vec![find("senior_entry_ratio").unwrap()],
        years: vec![SchoolYear(2023)],
        ..Query::default()
    };
    assert!(c.values(&q).is_empty(), "2023 has no year before it");
    // A gap in the years held is not "the year before".
    let gap = Computed::new(
        &[year_2024(), {
            let mut y = year_2023();
            y.school_year = SchoolYear(2022);
            y
        }],
        Rules::default(),
    );
    let q = Query {
        indicators: vec![find("senior_entry_ratio").unwrap()],
        ..Query::default()
    };
    assert!(gap.values(&q).is_empty());
}

#[test]
fn a_query_narrows_to_an_area_and_levels() {
    let c = computed();
    let q = Query {
        indicators: vec![find("student_count").unwrap()],
        years: vec![SchoolYear(2024)],
        within: Some(AreaCode::parse("370112").unwrap()),
        levels: vec![Level::County, Level::School],
        by_grade: false,
    };
    let values = c.values(&q);
    let places: Vec<&str> = values.iter().map(|v| c.place(v).unwrap().code.as_str()).collect();
    assert!(
        places.iter().all(|p| *p == "370112" || *p == "1000000002"),
        "{places:?}"
    );
    assert!(places.contains(&"1000000002"));
}

#[test]
fn by_grade_values_come_when_asked() {
    let c = computed();
    let q = Query {
        indicators: vec![find("myopia_rate").unwrap()],
        years: vec![SchoolYear(2024)],
        levels: vec![Level::City],
        by_grade: true,
        ..Query::default()
    };
    let grade1: Vec<Value> = c
        .values(&q)
        .into_iter()
        .filter(|v| v.grade == Some(Grade(1)))
        .collect();
    assert_eq!(grade1.len(), 1);
    approx(grade1[0].value, 37.5);
}

/// The demo city at scale 0.02, its last two school years (latest first).
pub(crate) fn small_demo_city_last_two_years() -> Vec<YearSnapshot> {
    let config = demo::DemoConfig {
        scale: 0.02,
        ..demo::DemoConfig::default()
    };
    let city = demo::DemoCity::generate(&config).unwrap();
    let years: Vec<SchoolYear> = city.school_years().into_iter().rev().take(2).collect();
    years
        .iter()
        .map(|y| YearSnapshot::from_changes(&city.school_year(*y)))
        .collect()
}

/// On the demo city: counts add up across levels, and every area value
/// equals the ratio of its schools' summed numerators and denominators.
#[test]
fn demo_city_values_add_up_across_levels() {
    let snapshots = small_demo_city_last_two_years();
    let c = Computed::new(&snapshots, Rules::default());
    let all = c.values(&Query::default());
    assert!(all.len() > 1000);
    for v in &all {
        if let (Some(value), Some(d)) = (v.value, v.denominator) {
            assert!(value.is_finite() && d != 0.0);
        }
    }
    let sum_at = |level: Level, code: &str, stage: Option<Stage>| -> (f64, f64) {
        all.iter()
            .filter(|v| v.level == level && v.indicator.code == code && v.stage == stage && v.year == 1)
            .fold((0.0, 0.0), |(n, d), v| {
                (n + v.numerator, d + v.denominator.unwrap_or(0.0))
            })
    };
    for (code, stage) in [
        ("student_count", Some(Stage::Primary)),
        ("class_count", None),
        ("inclusive_coverage", None),
        ("myopia_rate", Some(Stage::Junior)),
        ("student_teacher_ratio", Some(Stage::Senior)),
        ("teaching_floor_area_per_student", Some(Stage::Primary)),
    ] {
        let city = sum_at(Level::City, code, stage);
        assert!(city.0 > 0.0, "{code}");
        for level in [Level::County, Level::School] {
            let sum = sum_at(level, code, stage);
            assert!(
                (sum.0 - city.0).abs() < 1e-6 * city.0,
                "{code} {level:?} numerator"
            );
            assert!(
                (sum.1 - city.1).abs() < 1e-6 * city.1.max(1.0),
                "{code} {level:?} denominator"
            );
        }
    }
    // The change is this year's value minus last year's, place by place.
    let q = Query {
        indicators: vec![find("inclusive_coverage").unwrap()],
        levels: vec![Level::County],
        ..Query::default()
    };
    let values = c.values(&q);
    for now in values.iter().filter(|v| v.year == 1) {
        let code = &c.place(now).unwrap().code;
        let then = values
            .iter()
            .find(|v| v.year == 0 && &c.place(v).unwrap().code == code)
            .unwrap();
        approx(now.change, now.value.unwrap() - then.value.unwrap());
    }
}

/// The publication rule needs to know how many schools an aggregate is
/// made of: per stage, over an indicator's stages (a school serving two
/// counts once), and last year's for the change.
#[test]
fn every_value_knows_how_many_schools_it_is_made_of() {
    let c = computed();
    let senior = value(&c, "student_count", "370102", Some(Stage::Senior), 2024);
    assert_eq!((senior.schools, senior.previous_schools), (1, None));
    let primary = value(&c, "myopia_rate", "370102", Some(Stage::Primary), 2024);
    assert_eq!((primary.schools, primary.previous_schools), (2, Some(2)));
    // P3, P4 and S6 serve a stage of the indicator (not the kindergartens).
    assert_eq!(value(&c, "myopia_rate", "370102", None, 2024).schools, 3);
    // A school is its own single school.
    assert_eq!(
        value(&c, "myopia_rate", "1000000003", Some(Stage::Primary), 2024).schools,
        1
    );

    let mut year = year_2024();
    year.schools[5].serves[Stage::Junior.index()] = true;
    let data = YearData::build(&year, &Rules::default());
    let county = &data.level(Level::County).tallies[0];
    assert_eq!(
        county.stage(Stage::Junior).schools + county.stage(Stage::Senior).schools,
        2
    );
    assert_eq!(county.schools_serving(&[Stage::Junior, Stage::Senior]), 1);
    assert_eq!(county.schools_serving(&[]), county.schools);
}
