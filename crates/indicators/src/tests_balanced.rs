//! 优质均衡 as the national method computes it (issue 12): schools serving
//! several stages split into parts, the 差异系数 over schools and parts, and
//! no 差异系数 for a stage of one unit. The figures are those worked out by
//! hand in `shared/domain/cv-multistage.md` §5 and the published 基本均衡
//! example of §4.

use registry::snapshot::*;
use registry::*;

use crate::catalogue::Resource;
use crate::places::Spread;
use crate::tally::split_shares;
use crate::*;

/// Schools of the worked example, all in one county: A 小学 (600 pupils),
/// B 九年一贯制 (400 primary + 300 junior), and, with `with_c`, C 初中 (500).
fn worked_example(with_c: bool) -> YearSnapshot {
    let county = AreaRef {
        code: AreaCode::parse("370102").unwrap(),
        name: "历下区".to_owned(),
    };
    let school = |code: &str, serves: &[Stage], facility: FacilityRow| {
        let mut row = SchoolRow {
            code: SchoolCode::parse(code).unwrap(),
            name: format!("学校{code}"),
            county: 0,
            township: NONE,
            school_group: NONE,
            ownership: Ownership::Public,
            inclusive: false,
            quality_rating: QualityRating::Unrated,
            location: Location::Urban,
            serves: [false; STAGES],
            seats: [0; STAGES],
            facility: Some(facility),
        };
        for s in serves {
            row.serves[s.index()] = true;
        }
        row
    };
    let facility = |floor: f64, sports: f64, equipment: f64, rooms: u32| FacilityRow {
        teaching_floor_area: floor,
        sports_ground_area: sports,
        equipment_value: equipment,
        multimedia_classrooms: rooms,
    };
    let mut schools = vec![
        school(
            "2000000001",
            &[Stage::Primary],
            facility(3_000.0, 4_800.0, 1_200_000.0, 15),
        ),
        school(
            "2000000002",
            &[Stage::Primary, Stage::Junior],
            facility(4_000.0, 7_700.0, 1_750_000.0, 18),
        ),
    ];
    if with_c {
        schools.push(school(
            "2000000003",
            &[Stage::Junior],
            facility(2_900.0, 5_000.0, 1_300_000.0, 12),
        ));
    }
    let mut s = YearSnapshot {
        school_year: SchoolYear(2024),
        city: Some(AreaCode::parse("3701").unwrap()),
        counties: vec![county],
        schools,
        ..YearSnapshot::default()
    };
    let pupils = |school: u32, stage: Stage, n: usize| {
        (0..n).map(move |_| StudentRow {
            school,
            class: NONE,
            stage,
            grade: Grade(*stage.grades().end()),
            sex: Sex::Male,
            migrant_child: false,
            boarder: false,
            myopic: None,
        })
    };
    s.students.extend(pupils(0, Stage::Primary, 600));
    s.students.extend(pupils(1, Stage::Primary, 400));
    s.students.extend(pupils(1, Stage::Junior, 300));
    // Teachers of a stage: `above` above the required qualification, of
    // whom the first `key` are county key teachers and the first `pe` teach music.
    let teachers = |school: u32, stage: Stage, above: usize, key: usize, pe: usize| {
        (0..above).map(move |i| TeacherRow {
            school,
            stage,
            subject: if i < pe {
                Subject::Music
            } else {
                Subject::Mathematics
            },
            title: Title::First,
            key_teacher_level: if i < key {
                KeyTeacherLevel::County
            } else {
                KeyTeacherLevel::None
            },
            qualification: Qualification::Bachelor,
            sex: Sex::Female,
            birth_year: 1985,
            joined_school_year: SchoolYear(2020),
        })
    };
    s.teachers.extend(teachers(0, Stage::Primary, 27, 6, 6));
    s.teachers.extend(teachers(1, Stage::Primary, 20, 5, 4));
    s.teachers.extend(teachers(1, Stage::Junior, 17, 3, 3));
    if with_c {
        s.students.extend(pupils(2, Stage::Junior, 500));
        s.teachers.extend(teachers(2, Stage::Junior, 27, 5, 5));
    }
    s
}

fn computed(with_c: bool) -> Computed {
    Computed::new(&[worked_example(with_c)], Rules::default())
}

/// The one value of an indicator at a place and stage.
fn value(c: &Computed, code: &str, place: &str, stage: Stage) -> Value {
    let query = Query {
        indicators: vec![find(code).unwrap()],
        ..Query::default()
    };
    let found: Vec<Value> = c
        .values(&query)
        .into_iter()
        .filter(|v| v.stage == Some(stage) && c.place(v).unwrap().code == place)
        .collect();
    assert_eq!(found.len(), 1, "{code} at {place} {stage:?}: {found:?}");
    found[0]
}

/// Equal to the worked example's printed digits (6 decimals).
fn close(actual: Option<f64>, expected: f64, what: &str) {
    let actual = actual.unwrap_or_else(|| panic!("{what}: no value"));
    assert!((actual - expected).abs() < 5e-7, "{what}: {actual} ≠ {expected}");
}

const COUNTY: &str = "370102";
const B: &str = "2000000002";

#[test]
fn the_primary_cvs_of_the_worked_example_count_the_nine_year_school_as_its_primary_part() {
    let c = computed(false);
    let expected = [
        ("teaching_floor_area_cv", 5.191781, 0.045241),
        ("sports_ground_area_cv", 9.019178, 0.138398),
        ("equipment_value_cv", 2_158.904110, 0.090146),
        ("multimedia_classrooms_cv", 2.486301, 0.006748),
        ("above_qualified_teachers_cv", 4.7, 0.052117),
        ("key_teachers_cv", 1.1, 0.111340),
        ("pe_arts_teachers_cv", 1.0, 0.0),
    ];
    for (code, mean, cv) in expected {
        let v = value(&c, code, COUNTY, Stage::Primary);
        close(v.denominator, mean, code);
        close(v.value, cv, code);
    }
}

#[test]
fn the_junior_cvs_of_the_worked_example_count_the_nine_year_school_as_its_junior_part() {
    let c = computed(true);
    let expected = [
        ("teaching_floor_area_cv", 0.018706),
        ("sports_ground_area_cv", 0.073193),
        ("equipment_value_cv", 0.006850),
        ("multimedia_classrooms_cv", 0.060071),
        ("above_qualified_teachers_cv", 0.023473),
        ("key_teachers_cv", 0.0),
        ("pe_arts_teachers_cv", 0.0),
    ];
    for (code, cv) in expected {
        close(value(&c, code, COUNTY, Stage::Junior).value, cv, code);
    }
    // Adding a junior school leaves the primary CVs as they were.
    close(
        value(&c, "teaching_floor_area_cv", COUNTY, Stage::Primary).value,
        0.045241,
        "primary area with C",
    );
}

#[test]
fn the_parts_of_a_nine_year_school_get_its_facilities_by_weighted_pupils() {
    let c = computed(false);
    // 400 + 1.1 × 300 = 730 weighted pupils: 400/730 to the 小学部, 330/730 to the 初中部.
    let primary = value(&c, "teaching_floor_area_per_student", B, Stage::Primary);
    close(Some(primary.numerator), 2_191.780822, "B-primary area");
    assert_eq!(primary.denominator, Some(400.0));
    close(primary.value, 5.479452, "B-primary area per pupil");
    let junior = value(&c, "teaching_floor_area_per_student", B, Stage::Junior);
    close(Some(junior.numerator), 1_808.219178, "B-junior area");
    assert_eq!(junior.denominator, Some(300.0));
    close(junior.value, 6.027397, "B-junior area per pupil");
    // The parts together hold the whole school, nothing lost or counted twice.
    assert!((primary.numerator + junior.numerator - 4_000.0).abs() < 1e-9);
    close(
        value(&c, "equipment_value_per_student", B, Stage::Junior).value,
        2_636.986301,
        "B-junior equipment",
    );
    close(
        value(&c, "multimedia_classrooms_per_100", B, Stage::Primary).value,
        2.465753,
        "B-primary rooms per 100",
    );
    // The county's value is still its ratio of sums: (3,000 + 2,191.78) ÷ 1,000 pupils.
    close(
        value(&c, "teaching_floor_area_per_student", COUNTY, Stage::Primary).value,
        5.191781,
        "county primary area",
    );
}

#[test]
fn each_part_is_judged_as_a_school_and_the_junior_part_meets_all_seven() {
    let c = computed(false);
    // B-junior: 6.03 ≥ 5.8, 11.60 ≥ 10.2, 2,636.99 ≥ 2,500, 2.71 ≥ 2.4, 5.67 ≥ 5.3, 1.00, 1.00.
    let junior = value(&c, "balanced_school_share", B, Stage::Junior);
    assert_eq!((junior.numerator, junior.denominator), (1.0, Some(1.0)));
    // The county's primary schools are A and B's 小学部: two units assessed.
    let primary = value(&c, "balanced_school_share", COUNTY, Stage::Primary);
    assert_eq!(primary.denominator, Some(2.0));
    // Whole-school figures would leave B-junior at 5.71 m² a pupil, under 5.8;
    // the split gives its part 6.03. A floor of 6.0 tells the two apart:
    // only the split meets it (and B-junior then meets 7 of 7 again).
    let mut rules = Rules::default();
    rules.balanced_junior[Resource::TeachingFloorArea.index()] = 6.0;
    rules.balanced_min_met = 7;
    let strict = Computed::new(&[worked_example(false)], rules);
    let junior = value(&strict, "balanced_school_share", B, Stage::Junior);
    assert_eq!(junior.numerator, 1.0, "6.03 m² meets a standard of 6.0");
}

#[test]
fn a_part_a_rounding_error_below_a_standard_is_on_it() {
    // B-junior's floor area a pupil, and a standard one part in 10¹² above
    // it (as 9 PE teachers for 1,000 pupils computes to 0.8999999999999999
    // against 0.9): the value is on the line, so it is met.
    let c = computed(false);
    let floor = value(&c, "teaching_floor_area_per_student", B, Stage::Junior)
        .value
        .expect("B-junior's floor area a pupil");
    let mut rules = Rules::default();
    rules.balanced_junior[Resource::TeachingFloorArea.index()] = floor * (1.0 + 1e-12);
    rules.balanced_min_met = 7;
    let strict = Computed::new(&[worked_example(false)], rules.clone());
    let junior = value(&strict, "balanced_school_share", B, Stage::Junior);
    assert_eq!(
        junior.numerator,
        1.0,
        "{floor} is on a standard of {}",
        floor * (1.0 + 1e-12)
    );
    // A real shortfall (0.0033 in 1) is not.
    rules.balanced_junior[Resource::TeachingFloorArea.index()] = floor * 1.0033;
    let short = Computed::new(&[worked_example(false)], rules);
    let junior = value(&short, "balanced_school_share", B, Stage::Junior);
    assert_eq!(junior.numerator, 0.0);
}

#[test]
fn a_stage_of_one_unit_has_no_cv_rather_than_zero() {
    let c = computed(false);
    // Without C the junior stage has one unit, B's 初中部.
    for code in [
        "teaching_floor_area_cv",
        "key_teachers_cv",
        "multimedia_classrooms_cv",
    ] {
        let v = value(&c, code, COUNTY, Stage::Junior);
        assert_eq!(v.value, None, "{code}: not applicable");
        assert_eq!(v.numerator, 0.0, "{code}: a spread of one unit is 0");
        assert!(v.denominator.is_some_and(|m| m > 0.0), "{code}: the mean is kept");
    }
    // A stage with no CV has no count of CVs over the line either …
    let query = Query {
        indicators: vec![find("balanced_cv_unmet_count").unwrap()],
        ..Query::default()
    };
    let counts: Vec<Value> = c.values(&query);
    assert!(
        counts.iter().all(|v| v.stage == Some(Stage::Primary)),
        "{counts:?}"
    );
    // … and a report judges nothing for it: not met is never said of n/a.
    let rows = report::rows(&c, &c.values(&Query::default()), None);
    let junior_cvs: Vec<_> = rows
        .iter()
        .filter(|r| r.indicator.ends_with("_cv") && r.stage == Some("junior"))
        .collect();
    assert_eq!(junior_cvs.len(), 7);
    assert!(junior_cvs.iter().all(|r| r.value.is_none() && r.met.is_none()));
    // It is said to be not applicable (不适用), in the table and in JSON.
    for r in &junior_cvs {
        assert!(r.not_applicable, "{}", r.indicator);
        assert_eq!(report::format_row_value(r, r.value), "不适用");
        let json = serde_json::to_value(r).unwrap();
        assert_eq!(json["not_applicable"], true);
    }
    // A value that merely lacks a denominator is not "not applicable".
    assert!(rows
        .iter()
        .filter(|r| r.indicator.ends_with("_cv") && r.stage == Some("primary"))
        .all(|r| !r.not_applicable && r.value.is_some()));
}

#[test]
fn a_full_secondary_school_counts_as_its_junior_part_only() {
    // 完全中学: 600 junior + 900 senior pupils, 9,000 m²: the 初中部 gets
    // 600 × 1.1 ÷ (600 × 1.1 + 900 × 1.32) = 660 ÷ 1,848 of it.
    let mut serves = [false; STAGES];
    serves[Stage::Junior.index()] = true;
    serves[Stage::Senior.index()] = true;
    let pupils = |s: Stage| match s {
        Stage::Junior => 600,
        Stage::Senior => 900,
        _ => 0,
    };
    let shares = split_shares(&serves, pupils, &Rules::default().split_weights);
    assert_eq!(shares.len(), 1, "no 高中部 in the compulsory units: {shares:?}");
    assert_eq!(shares[0].0, Stage::Junior);
    assert!((9_000.0 * shares[0].1 - 3_214.285714).abs() < 1e-6);
}

#[test]
fn a_twelve_year_school_splits_into_primary_and_junior_parts_by_one_to_1_1_to_1_32() {
    let mut serves = [false; STAGES];
    for s in [Stage::Primary, Stage::Junior, Stage::Senior] {
        serves[s.index()] = true;
    }
    let pupils = |s: Stage| match s {
        Stage::Primary => 500,
        Stage::Junior => 300,
        Stage::Senior => 200,
        _ => 0,
    };
    let shares = split_shares(&serves, pupils, &Rules::default().split_weights);
    let area: Vec<(Stage, f64)> = shares.iter().map(|(s, x)| (*s, 10_000.0 * x)).collect();
    assert_eq!(area.len(), 2);
    assert_eq!(area[0].0, Stage::Primary);
    assert!((area[0].1 - 4_570.383912).abs() < 1e-5, "{area:?}");
    assert_eq!(area[1].0, Stage::Junior);
    assert!((area[1].1 - 3_016.453382).abs() < 1e-5, "{area:?}");
}

#[test]
fn a_school_of_one_stage_keeps_its_whole_facilities_and_a_school_without_pupils_none() {
    let mut serves = [false; STAGES];
    serves[Stage::Primary.index()] = true;
    let weights = Rules::default().split_weights;
    assert_eq!(
        split_shares(&serves, |s| u64::from(s == Stage::Primary) * 37, &weights),
        vec![(Stage::Primary, 1.0)]
    );
    assert!(split_shares(&serves, |_| 0, &weights).is_empty());
}

#[test]
fn the_split_weights_come_from_the_rules() {
    // Equal weights would give B's 初中部 300 ÷ 700 of the area: 5.71 m² a pupil.
    let mut rules = Rules::default();
    rules.split_weights.junior = 1.0;
    let c = Computed::new(&[worked_example(false)], rules);
    close(
        value(&c, "teaching_floor_area_per_student", B, Stage::Junior).value,
        4_000.0 / 700.0,
        "equal weights",
    );
}

#[test]
fn the_weighted_cv_reproduces_the_published_basic_balance_example() {
    // 县域义务教育校际均衡指标计算方法（以生均图书册数为例）: students and books of five schools.
    let students = [45.0, 37.0, 89.0, 76.0, 55.0];
    let books = [279.0, 137.0, 935.0, 160.0, 402.0];
    let points: Vec<(f64, f64)> = students.iter().zip(&books).map(|(p, b)| (*p, b / p)).collect();
    let spread = Spread::weighted(&points).unwrap();
    assert!((spread.mean - 6.334).abs() < 5e-4, "{spread:?}");
    let cv = spread.cv().unwrap();
    assert!((cv - 0.5153).abs() < 5e-5, "{cv}");
    assert_eq!(format!("{cv:.2}"), "0.52");
}

#[test]
fn whole_school_values_give_the_old_cv_the_split_replaces() {
    // Before issue 12: B at 4,000 ÷ 700 m² a pupil, weighted by all 700 pupils.
    let old = Spread::weighted(&[(600.0, 5.0), (700.0, 4_000.0 / 700.0)]).unwrap();
    assert!((old.cv().unwrap() - 0.066130).abs() < 5e-7);
    let split = value(&computed(false), "teaching_floor_area_cv", COUNTY, Stage::Primary);
    assert!((split.value.unwrap() - old.cv().unwrap()).abs() > 0.02);
}

#[test]
fn one_unit_or_a_zero_mean_gives_no_cv() {
    let one = Spread::weighted(&[(10.0, 3.0)]).unwrap();
    assert_eq!((one.sd, one.units, one.cv()), (0.0, 1, None));
    let zero = Spread::weighted(&[(10.0, 0.0), (5.0, 0.0)]).unwrap();
    assert_eq!(zero.cv(), None);
    assert_eq!(Spread::weighted(&[]), None);
}
