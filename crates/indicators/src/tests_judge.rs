//! Issue 12, points 3 and 4: a value is judged on itself, not on its
//! rounding, and the headline 大班额 counts the classes the policy targets
//! (primary and junior), senior high being its own indicator.

use registry::snapshot::*;
use registry::*;

use crate::judge::{self, judge, Line};
use crate::report::{self, Row};
use crate::*;

fn school(code: &str, serves: &[Stage]) -> SchoolRow {
    let mut row = SchoolRow {
        code: SchoolCode::parse(code).unwrap(),
        name: format!("学校{code}"),
        county: 0,
        township: 0,
        school_group: NONE,
        ownership: Ownership::Public,
        inclusive: false,
        quality_rating: QualityRating::Unrated,
        location: Location::Urban,
        serves: [false; STAGES],
        seats: [0; STAGES],
        facility: None,
    };
    for s in serves {
        row.serves[s.index()] = true;
        row.seats[s.index()] = 1000;
    }
    row
}

fn student(school: u32, stage: Stage) -> StudentRow {
    StudentRow {
        school,
        class: NONE,
        stage,
        grade: Grade(*stage.grades().start()),
        sex: Sex::Female,
        migrant_child: false,
        boarder: false,
        myopic: None,
    }
}

fn teacher(school: u32, stage: Stage, key: bool, subject: Subject) -> TeacherRow {
    TeacherRow {
        school,
        stage,
        subject,
        title: Title::First,
        key_teacher_level: if key {
            KeyTeacherLevel::County
        } else {
            KeyTeacherLevel::None
        },
        qualification: Qualification::Bachelor,
        sex: Sex::Female,
        birth_year: 1985,
        joined_school_year: SchoolYear(2020),
    }
}

fn class(school: u32, stage: Stage, size: u32) -> ClassRow {
    ClassRow {
        school,
        stage,
        grade: Grade(*stage.grades().start()),
        size,
    }
}

/// One county of 3701 with three schools: a primary school of 301 pupils
/// and 3 county key teachers (0.9967 per 100); a junior school of 1,000
/// pupils with 9 PE and arts teachers (0.9 per 100 exactly); a 十二年一贯制
/// school with classes of 60 (primary), 58 and 66 (junior), 57, 70 and
/// 40 (senior).
fn year() -> YearSnapshot {
    let mut s = YearSnapshot {
        school_year: SchoolYear(2024),
        city: Some(AreaCode::parse("3701").unwrap()),
        counties: vec![AreaRef {
            code: AreaCode::parse("370102").unwrap(),
            name: "历下区".to_owned(),
        }],
        townships: vec![AreaRef {
            code: AreaCode::parse("370102001").unwrap(),
            name: "解放路街道".to_owned(),
        }],
        school_groups: vec![],
        schools: vec![
            school("1000000000", &[Stage::Primary]),
            school("1000000001", &[Stage::Junior]),
            school("1000000002", &[Stage::Primary, Stage::Junior, Stage::Senior]),
        ],
        ..YearSnapshot::default()
    };
    s.students.extend((0..301).map(|_| student(0, Stage::Primary)));
    s.teachers
        .extend((0..3).map(|_| teacher(0, Stage::Primary, true, Subject::Mathematics)));
    s.students.extend((0..1000).map(|_| student(1, Stage::Junior)));
    s.teachers
        .extend((0..9).map(|_| teacher(1, Stage::Junior, false, Subject::PhysicalEducation)));
    s.classes.extend([
        class(2, Stage::Primary, 60),
        class(2, Stage::Junior, 58),
        class(2, Stage::Junior, 66),
        class(2, Stage::Senior, 57),
        class(2, Stage::Senior, 70),
        class(2, Stage::Senior, 40),
    ]);
    s
}

fn computed() -> Computed {
    Computed::new(&[year()], Rules::default())
}

/// The rows of one indicator for one place (area or school code).
fn rows_of(c: &Computed, code: &str, place: &str) -> Vec<Row> {
    let query = Query {
        indicators: vec![find(code).unwrap()],
        ..Query::default()
    };
    let values = c.values(&query);
    report::rows(c, &values, None)
        .into_iter()
        .filter(|r| {
            r.area.as_deref() == Some(place) && r.school.is_none() || r.school.as_deref() == Some(place)
        })
        .collect()
}

fn row_of(c: &Computed, code: &str, place: &str, stage: Option<Stage>) -> Row {
    rows_of(c, code, place)
        .into_iter()
        .find(|r| r.stage == stage.map(Stage::code))
        .unwrap_or_else(|| panic!("no {code} row for {place} at {stage:?}"))
}

#[test]
fn a_value_that_rounds_to_the_line_but_is_under_it_is_not_met() {
    let key = find("key_teachers_per_100").unwrap();
    let j = judge(key, 0.9967, 1.0, Line::Threshold);
    assert!(!j.met, "0.9967 shows as 1.00 but is under 1");
    assert_eq!(j.gap, -0.0033);
    // The same the other way: a CV of 0.4504 shows as 0.450 but is over 0.45.
    let cv = find("key_teachers_cv").unwrap();
    let j = judge(cv, 0.4504, 0.45, Line::Threshold);
    assert!(!j.met);
    assert_eq!(j.gap, -0.0004);
}

#[test]
fn a_value_exactly_at_the_line_is_met_even_a_float_hair_under_it() {
    let coverage = find("inclusive_coverage").unwrap();
    let j = judge(coverage, 85.0, 85.0, Line::Threshold);
    assert!(j.met);
    assert_eq!(j.gap, 0.0);
    // 9 PE and arts teachers for 1,000 pupils is 0.9 per 100; f64 says 0.8999999999999999.
    let pe = find("pe_arts_teachers_per_100").unwrap();
    let value = 9.0 / 1000.0 * 100.0;
    assert!(value < 0.9, "the float is under the line: {value}");
    let j = judge(pe, value, 0.9, Line::Threshold);
    assert!(j.met);
    assert_eq!(j.gap, 0.0);
    // At most: 0 large classes against a line of 0.
    let large = find("large_class_count").unwrap();
    assert!(judge(large, 0.0, 0.0, Line::Threshold).met);
}

#[test]
fn a_gap_that_would_show_as_zero_is_shown_with_two_significant_figures() {
    assert_eq!(judge::gap_digits(-0.0033, 2), 4);
    assert_eq!(judge::gap_digits(-0.0004, 3), 5);
    assert_eq!(judge::gap_digits(-1.8, 2), 2);
    assert_eq!(judge::gap_digits(-12.0, 0), 0);
    assert_eq!(judge::gap_digits(0.0, 2), 2);
    let row = |gap: f64, unit: Unit| Row {
        unit: std::borrow::Cow::Borrowed(unit.label_zh()),
        digits: unit.digits(),
        met: Some(false),
        gap: Some(gap),
        ..Row::default()
    };
    assert_eq!(
        report::format_shortfall(&row(-0.0033, Unit::Per100Students)),
        "0.0033"
    );
    assert_eq!(
        report::format_shortfall(&row(-0.004, Unit::Percent)),
        "0.0040 个百分点"
    );
    assert_eq!(
        report::format_shortfall(&row(-1.8, Unit::Percent)),
        "1.80 个百分点"
    );
    assert_eq!(report::format_shortfall(&row(-12.0, Unit::Count)), "12");
    let met = Row {
        met: Some(true),
        ..row(0.5, Unit::Percent)
    };
    assert_eq!(report::format_shortfall(&met), "");
}

#[test]
fn the_reports_judge_the_computed_value_not_the_value_shown() {
    let c = computed();
    // 3 key teachers for 301 pupils: 0.99668 per 100, shown as 1.00, against 1.
    let key = row_of(&c, "key_teachers_per_100", "1000000000", Some(Stage::Primary));
    assert_eq!(report::format_row_value(&key, key.value), "1.00");
    assert_eq!(key.line, Some(1.0));
    assert_eq!(key.met, Some(false));
    assert_eq!(key.gap, Some(-0.0033));
    assert_eq!(report::format_shortfall(&key), "0.0033");
    // 9 PE and arts teachers for 1,000 pupils: on the line of 0.9, met.
    let pe = row_of(&c, "pe_arts_teachers_per_100", "1000000001", Some(Stage::Junior));
    assert_eq!((pe.line, pe.met, pe.gap), (Some(0.9), Some(true), Some(0.0)));
}

#[test]
fn every_definition_of_a_value_with_decimals_says_it_is_judged_unrounded() {
    for i in CATALOGUE {
        let says = i.definition_zh.contains("未经舍入") && i.definition_en.contains("unrounded");
        assert_eq!(says, i.unit != Unit::Count, "{}: {}", i.code, i.definition_zh);
    }
    assert!(find("key_teachers_cv")
        .unwrap()
        .definition_zh
        .contains("三位小数"));
    assert!(find("key_teachers_per_100")
        .unwrap()
        .definition_zh
        .contains("两位小数"));
}

#[test]
fn the_headline_large_class_count_is_primary_and_junior_and_senior_is_its_own() {
    let c = computed();
    for place in ["3701", "370102", "370102001", "1000000002"] {
        // Primary 60, junior 58 and 66: three; the senior 57 and 70 are not in it.
        let total = row_of(&c, "large_class_count", place, None);
        assert_eq!(total.value, Some(3.0), "{place}");
        assert_eq!((total.line, total.met), (Some(0.0), Some(false)));
        assert_eq!(
            row_of(&c, "large_class_count", place, Some(Stage::Primary)).value,
            Some(1.0)
        );
        assert_eq!(
            row_of(&c, "large_class_count", place, Some(Stage::Junior)).value,
            Some(2.0)
        );
        assert!(
            rows_of(&c, "large_class_count", place)
                .iter()
                .all(|r| r.stage != Some(Stage::Senior.code())),
            "no senior row in the headline indicator"
        );
        let share = row_of(&c, "large_class_share", place, None);
        assert_eq!((share.numerator, share.denominator), (Some(3.0), Some(3.0)));
        assert_eq!(row_of(&c, "oversize_class_count", place, None).value, Some(1.0));

        // Senior high: its own indicators, one stage row, no line.
        let senior = rows_of(&c, "senior_large_class_count", place);
        assert_eq!(senior.len(), 1, "{place}: {senior:?}");
        assert_eq!(senior[0].stage, Some(Stage::Senior.code()));
        assert_eq!(
            (senior[0].value, senior[0].line, senior[0].met),
            (Some(2.0), None, None)
        );
        let share = row_of(&c, "senior_large_class_share", place, Some(Stage::Senior));
        assert_eq!((share.numerator, share.denominator), (Some(2.0), Some(3.0)));
        assert_eq!(
            row_of(&c, "senior_oversize_class_count", place, Some(Stage::Senior)).value,
            Some(1.0)
        );
        let oversize = row_of(&c, "senior_oversize_class_share", place, Some(Stage::Senior));
        assert_eq!((oversize.numerator, oversize.denominator), (Some(1.0), Some(3.0)));
    }
    // A school without senior classes has no senior row, not a 0 of nothing.
    assert!(rows_of(&c, "senior_large_class_count", "1000000000").is_empty());
}

#[test]
fn the_catalogue_says_what_each_large_class_figure_counts() {
    for code in [
        "large_class_count",
        "large_class_share",
        "oversize_class_count",
        "oversize_class_share",
    ] {
        let i = find(code).unwrap();
        assert_eq!(i.stages, &[Stage::Primary, Stage::Junior], "{code}");
        assert!(
            i.all_stages && i.definition_zh.starts_with("小学、初中"),
            "{code}"
        );
        let senior = find(&format!("senior_{code}")).unwrap();
        assert_eq!((senior.stages, senior.all_stages), (&[Stage::Senior][..], false));
        assert_eq!(senior.measure, i.measure);
        assert!(senior.name_zh.starts_with("普通高中"));
        // The policy line is the headline's, for its total and both stages; none for senior high.
        let rules = Rules::default();
        for stage in [None, Some(Stage::Primary), Some(Stage::Junior)] {
            assert_eq!(
                rules
                    .line(code, stage)
                    .map(|l| l.value)
                    .filter(|_| code.ends_with("count")),
                code.ends_with("count").then_some(0.0)
            );
        }
        assert!(
            rules.line(senior.code, Some(Stage::Senior)).is_none(),
            "{}",
            senior.code
        );
        assert!(rules.line(code, Some(Stage::Senior)).is_none(), "{code}");
    }
}
