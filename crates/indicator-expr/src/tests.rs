//! Tests at the crate's boundary: text in, error message or canonical text
//! and values out, on a small hand-built snapshot whose figures are
//! computed by hand in the comments.

use expect_test::{expect, Expect};
use registry::snapshot::{
    AreaRef, ClassRow, FacilityRow, PopulationRow, SchoolRow, StudentRow, TeacherRow, YearSnapshot, NONE,
};
use registry::{
    AreaCode, Grade, KeyTeacherLevel, Location, Ownership, Qualification, QualityRating, SchoolCode,
    SchoolYear, Sex, Stage, Subject, Title,
};

use crate::schema::{self, Field};
use crate::{Definition, Evaluated, ExprError, Rows, Span};

fn check_error(text: &str, expect: Expect) {
    match Definition::parse(text) {
        Ok(definition) => panic!("{text:?} was accepted as {definition}"),
        Err(err) => expect.assert_eq(&err.to_string()),
    }
}

fn check_canonical(text: &str, expect: Expect) {
    let definition = Definition::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    let canonical = definition.to_string();
    expect.assert_eq(&canonical);
    let again = Definition::parse(&canonical).unwrap_or_else(|e| panic!("{canonical:?}: {e}"));
    assert_eq!(
        again, definition,
        "canonical text parses back to the same definition"
    );
    assert_eq!(again.to_string(), canonical);
}

// ---------------------------------------------------------------- errors

#[test]
fn unknown_field_suggests_the_closest_name() {
    check_error(
        "count(classes where sise > 50)",
        expect![[r#"第 21 个字符处：班级没有字段“sise”，是否想写“size（班额）”？"#]],
    );
    check_error(
        "count(班级 where 班级额 > 50)",
        expect![[r#"第 16 个字符处：班级没有字段“班级额”，是否想写“size（班额）”？"#]],
    );
}

#[test]
fn a_field_of_another_entity_says_whose_it_is() {
    check_error(
        "count(students where size > 50)",
        expect![[r#"第 22 个字符处：学生没有字段“size”（这是班级的字段）"#]],
    );
    check_error(
        "sum(population.children where boarder)",
        expect!["第 31 个字符处：人口没有字段“boarder”（这是学生的字段）"],
    );
}

#[test]
fn unknown_vocabulary_value_lists_what_may_be_written() {
    check_error(
        "count(classes where stage = 高级)",
        expect![[r#"第 29 个字符处：学段“高级”无法识别，可填：学前、小学、初中、普通高中、中职、特殊教育"#]],
    );
    check_error(
        "count(classes where stage = junor)",
        expect![[
            r#"第 29 个字符处：学段“junor”无法识别，可填：学前、小学、初中、普通高中、中职、特殊教育；是否想写“junior”？"#
        ]],
    );
    check_error(
        "count(classes where grade = 13)",
        expect![[
            r#"第 29 个字符处：年级“13”无法识别，可填 小班/中班/大班、1–12 或 一年级…九年级、高一…高三"#
        ]],
    );
}

#[test]
fn type_errors_name_the_field_and_what_it_takes() {
    check_error(
        "count(classes where size = 初中)",
        expect![[r#"第 28 个字符处：班额应与数比较，“初中”不是"#]],
    );
    check_error(
        "count(classes where stage = 5)",
        expect!["第 29 个字符处：学段应与学段的代码或名称（如 小学、primary）比较，“5”不是"],
    );
    check_error(
        "count(students where myopic = 1)",
        expect![[r#"第 31 个字符处：近视应与是/否（true、false、是、否）比较，“1”不是"#]],
    );
    check_error(
        "sum(students.sex)",
        expect![[r#"第 14 个字符处：sum 只能用于数值字段，“sex”（性别）是性别字段"#]],
    );
    check_error(
        "avg(students.boarder)",
        expect!["第 14 个字符处：avg 只能用于数值字段，“boarder”（寄宿生）是是/否字段"],
    );
    check_error(
        "count(classes where stage > junior)",
        expect![[r#"第 27 个字符处：学段没有大小顺序，“>”只能换成 =、!= 或 in"#]],
    );
    check_error(
        "count(students where stage)",
        expect![[r#"第 22 个字符处：学段不是是/否字段，不能单独作条件；请写成“stage = …”或“stage in (…)”"#]],
    );
    check_error(
        "count(classes where size > grade)",
        expect![[r#"第 28 个字符处：“grade”是字段，比较的右边只能是常量（数、是/否或代码）"#]],
    );
}

#[test]
fn population_rows_are_not_people() {
    check_error(
        "count(population where age = 3)",
        expect![[
            r#"第 1 个字符处：人口表按乡镇街道和年龄分行，“count(population where age = 3)”没有意义；人口数请用 sum(population.children)，可加 where age …"#
        ]],
    );
    check_error(
        "sum(population.age)",
        expect![[
            r#"第 1 个字符处：人口表按乡镇街道和年龄分行，“sum(population.age)”没有意义；人口数请用 sum(population.children)，可加 where age …"#
        ]],
    );
}

#[test]
fn a_divisor_that_is_always_zero_is_refused() {
    check_error(
        "count(teachers) / 0",
        expect![[r#"第 19 个字符处：除数“0”恒为零"#]],
    );
    check_error(
        "count(teachers) / (2 - 2) * 100",
        expect![[r#"第 20 个字符处：除数“2 - 2”恒为零"#]],
    );
    check_error(
        "count(teachers) / (count(students) - count(students))",
        expect![[r#"第 20 个字符处：除数“count(students) - count(students)”恒为零"#]],
    );
    check_error(
        "count(teachers) / (0 * count(students))",
        expect![[r#"第 20 个字符处：除数“0 * count(students)”恒为零"#]],
    );
    // Not constant: only zero for some places, which evaluation handles.
    assert!(Definition::parse("count(teachers) / (count(students) - count(classes))").is_ok());
}

#[test]
fn syntax_errors_say_what_was_expected() {
    check_error("", expect![[r#"指标表达式为空"#]]);
    check_error(
        "count(classes where size >",
        expect![[r#"第 27 个字符处：表达式不完整，缺少值（数、是/否或代码，如 50、true、初中）"#]],
    );
    check_error(
        "count(classes where size > 50",
        expect![[r#"第 30 个字符处：表达式不完整，缺少右括号“)”"#]],
    );
    check_error(
        "count(classes) count(students)",
        expect![[r#"第 16 个字符处：此处应为运算符（+ - * /）或表达式结尾，却是“count”"#]],
    );
    check_error(
        "count(clases)",
        expect!["第 7 个字符处：未知的统计对象“clases”（是否想写“classes”？）；可用 schools（学校）、classes（班级）、students（学生）、teachers（教师）、population（人口）"],
    );
    check_error(
        "cout(classes)",
        expect!["第 1 个字符处：未知的统计函数“cout”（是否想写“count”？）；可用 count、sum、avg、share"],
    );
    check_error(
        "size / 2",
        expect![[r#"第 1 个字符处：“size”不能直接参与运算；字段须放在 count、sum、avg 或 share 中"#]],
    );
    check_error(
        "count(classes) # 2",
        expect![[r#"第 16 个字符处：无法识别的字符“#”"#]],
    );
    check_error(
        "count(classes where stage = \"初中)",
        expect![[r#"第 29 个字符处：引号“"”没有配对的结束引号"#]],
    );
    check_error(
        "share(classes where size > 50)",
        expect![[r#"第 30 个字符处：此处应为逗号“,”和占比的条件，却是“)”"#]],
    );
    check_error(
        "sum(schools)",
        expect!["第 12 个字符处：此处应为“.”和数值字段，如 schools.seats，却是“)”"],
    );
    check_error(
        "1 + 2 * 3",
        expect![[r#"表达式中没有统计项（count、sum、avg 或 share），结果是常数"#]],
    );
    let deep = format!("{}count(classes){}", "(".repeat(60), ")".repeat(60));
    check_error(
        &deep,
        expect!["第 50 个字符处：表达式嵌套过深（超过 48 层括号或运算）"],
    );
    let long = format!("count(classes){}", " + 1".repeat(600));
    check_error(&long, expect![[r#"指标表达式过长（2414 个字符，最多 2000 个）"#]]);
}

#[test]
fn errors_carry_the_span_of_the_offending_text_in_characters() {
    let text = "count(班级 where 学段 = 初中 and 班额 = 初中)";
    let Err(err) = Definition::parse(text) else {
        panic!("accepted")
    };
    let span = err.span().unwrap_or_default();
    assert_eq!(span, Span::new(32, 34));
    assert_eq!(span.slice(text), "初中");
    assert_eq!(&text[span.byte_range(text)], "初中");
    assert!(matches!(err, ExprError::TypeMismatch { ref text, .. } if text == "初中"));
}

// ---------------------------------------------------------------- canonical text

#[test]
fn canonical_text_uses_identifiers_and_codes() {
    check_canonical(
        "占比(班级 其中 学段=初中且城乡=农村, 班额>50)",
        expect![[r#"share(classes where stage = junior and location = rural, size > 50)"#]],
    );
    check_canonical(
        "count(teachers where key_teacher_level >= county) / count(students where stage in (primary, junior)) * 100",
        expect![[r#"count(teachers where key_teacher_level >= county) / count(students where stage in (primary, junior)) * 100"#]],
    );
    check_canonical(
        "COUNT（学生 WHERE 非 寄宿生 或 (随迁子女 且 年级≥七年级)）",
        expect![[r#"count(students where not boarder or migrant_child and grade >= 7)"#]],
    );
    check_canonical(
        "count(students where (boarder or migrant_child) and not (sex = 女 or grade <> 高一))",
        expect![[
            r#"count(students where (boarder or migrant_child) and not (sex = female or grade != 10))"#
        ]],
    );
    check_canonical(
        "-(count(schools) - 2) - -3 / (4 * 5)",
        expect![[r#"-(count(schools) - 2) - -3 / (4 * 5)"#]],
    );
    check_canonical(
        "count(schools) - (count(classes) - count(students))",
        expect![[r#"count(schools) - (count(classes) - count(students))"#]],
    );
    check_canonical(
        "avg(学校.教学及辅助用房面积 where 设初中 and 城乡 = \"城区\") + sum(人口.人数 where 年龄 >= 3)",
        expect![[
            r#"avg(schools.teaching_floor_area where serves_junior and location = urban) + sum(population.children where age >= 3)"#
        ]],
    );
    // Chinese keywords need no spaces around them.
    check_canonical(
        "计数(班级其中班额>50且学段属于(小学,初中)或非普惠)",
        expect!["count(classes where size > 50 and stage in (primary, junior) or not inclusive)"],
    );
    check_canonical(
        "count(teachers where title not in (一级教师, senior) and age > -1.5)",
        expect![[r#"count(teachers where title not in (first, senior) and age > -1.5)"#]],
    );
}

#[test]
fn describe_zh_reads_the_definition() {
    let describe = |text: &str| {
        Definition::parse(text)
            .map(|d| d.describe_zh())
            .unwrap_or_else(|e| e.to_string())
    };
    expect![[r#"学段为初中且城乡分类为乡村的班级中班额大于50的占比"#]].assert_eq(&describe(
        "share(classes where stage = junior and location = rural, size > 50)",
    ));
    expect![[r#"骨干教师级别不低于县级的教师数 ÷ 学段为小学、初中的学生数 × 100"#]].assert_eq(&describe(
        "count(teachers where key_teacher_level >= county) / count(students where stage in (primary, junior)) * 100",
    ));
    expect![[r#"（非寄宿生或随迁子女）且年级大于等于七年级的学生中近视的占比"#]].assert_eq(&describe(
        "share(students where (not boarder or migrant_child) and grade >= 7, myopic)",
    ));
    expect![[r#"学校学位数合计 − 教师平均年龄"#]]
        .assert_eq(&describe("sum(schools.seats) - avg(teachers.age)"));
}

#[test]
fn aggregates_are_distinct_and_avg_share_expand() {
    let definition = Definition::parse(
        "share(classes where stage = junior, size > 50) + count(classes where stage = junior) + avg(schools.equipment_value)",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let aggregates: Vec<String> = definition.aggregates().iter().map(ToString::to_string).collect();
    expect![[r#"
        [
            "count(classes where stage = junior and size > 50)",
            "count(classes where stage = junior)",
            "sum(schools.equipment_value)",
            "count(schools where facility_reported)",
        ]
    "#]]
    .assert_debug_eq(&aggregates);
    for text in &aggregates {
        assert!(Definition::parse(text).is_ok(), "{text} parses");
    }
}

// ---------------------------------------------------------------- evaluation

fn school(code: &str, county: u32, township: u32, location: Location) -> SchoolRow {
    SchoolRow {
        code: SchoolCode::parse(code).unwrap_or_else(|e| panic!("{e}")),
        name: code.to_owned(),
        county,
        township,
        school_group: NONE,
        ownership: Ownership::Public,
        inclusive: false,
        quality_rating: QualityRating::Unrated,
        location,
        serves: [false; 6],
        seats: [0; 6],
        facility: None,
    }
}

fn area(code: &str) -> AreaRef {
    AreaRef {
        code: AreaCode::parse(code).unwrap_or_else(|e| panic!("{e}")),
        name: String::new(),
    }
}

/// Three schools in two counties and three townships:
/// 0 rural public primary+junior school (facility reported), township 0, county 0;
/// 1 urban private junior school (no facility figures), township 1, county 0;
/// 2 rural public inclusive kindergarten (facility reported), township 2, county 1.
fn snapshot() -> YearSnapshot {
    let mut s0 = school("2370102001", 0, 0, Location::Rural);
    s0.serves[Stage::Primary.index()] = true;
    s0.serves[Stage::Junior.index()] = true;
    s0.seats[Stage::Primary.index()] = 300;
    s0.seats[Stage::Junior.index()] = 200;
    s0.facility = Some(FacilityRow {
        teaching_floor_area: 1000.0,
        sports_ground_area: 500.0,
        equipment_value: 200_000.0,
        multimedia_classrooms: 10,
    });
    let mut s1 = school("2370102002", 0, 1, Location::Urban);
    s1.ownership = Ownership::Private;
    s1.serves[Stage::Junior.index()] = true;
    s1.seats[Stage::Junior.index()] = 400;
    let mut s2 = school("2370103001", 1, 2, Location::Rural);
    s2.inclusive = true;
    s2.quality_rating = QualityRating::City;
    s2.serves[Stage::Preschool.index()] = true;
    s2.seats[Stage::Preschool.index()] = 90;
    s2.facility = Some(FacilityRow {
        teaching_floor_area: 300.0,
        sports_ground_area: 100.0,
        equipment_value: 50_000.0,
        multimedia_classrooms: 3,
    });
    let class = |school: u32, stage: Stage, grade: i8, size: u32| ClassRow {
        school,
        stage,
        grade: Grade(grade),
        size,
    };
    let student =
        |school: u32, class: u32, stage: Stage, grade: i8, sex: Sex, flags: (bool, bool), myopic| {
            StudentRow {
                school,
                class,
                stage,
                grade: Grade(grade),
                sex,
                migrant_child: flags.0,
                boarder: flags.1,
                myopic,
            }
        };
    let teacher = |school: u32,
                   stage: Stage,
                   subject: Subject,
                   title: Title,
                   key: KeyTeacherLevel,
                   qualification: Qualification,
                   sex: Sex,
                   birth_year: u16,
                   joined: u16| TeacherRow {
        school,
        stage,
        subject,
        title,
        key_teacher_level: key,
        qualification,
        sex,
        birth_year,
        joined_school_year: SchoolYear(joined),
    };
    YearSnapshot {
        school_year: SchoolYear(2024),
        city: None,
        counties: vec![area("370102"), area("370103")],
        townships: vec![area("370102001"), area("370102002"), area("370103001")],
        school_groups: Vec::new(),
        schools: vec![s0, s1, s2],
        classes: vec![
            class(0, Stage::Junior, 7, 55),
            class(0, Stage::Junior, 8, 45),
            class(0, Stage::Primary, 3, 52),
            class(1, Stage::Junior, 7, 60),
            class(1, Stage::Junior, 9, 51),
            class(2, Stage::Preschool, -1, 30),
        ],
        students: vec![
            // (migrant_child, boarder)
            student(0, 0, Stage::Junior, 7, Sex::Male, (false, true), Some(true)),
            student(0, 0, Stage::Junior, 7, Sex::Female, (true, false), Some(false)),
            student(0, 2, Stage::Primary, 3, Sex::Female, (false, false), None),
            student(1, 3, Stage::Junior, 7, Sex::Male, (true, true), Some(true)),
            student(2, NONE, Stage::Preschool, -1, Sex::Female, (false, false), None),
            student(2, NONE, Stage::Preschool, -1, Sex::Male, (false, false), None),
            // A row without a school is skipped by every tally.
            student(NONE, NONE, Stage::Junior, 7, Sex::Male, (true, true), Some(true)),
        ],
        teachers: vec![
            // ages in 2024: 44, 29, 49, 24; years at school: 14, 4, 24, 1
            teacher(
                0,
                Stage::Junior,
                Subject::Mathematics,
                Title::First,
                KeyTeacherLevel::County,
                Qualification::Bachelor,
                Sex::Male,
                1980,
                2010,
            ),
            teacher(
                0,
                Stage::Primary,
                Subject::Chinese,
                Title::Second,
                KeyTeacherLevel::None,
                Qualification::Associate,
                Sex::Female,
                1995,
                2020,
            ),
            teacher(
                1,
                Stage::Junior,
                Subject::English,
                Title::Senior,
                KeyTeacherLevel::City,
                Qualification::Master,
                Sex::Female,
                1975,
                2000,
            ),
            teacher(
                2,
                Stage::Preschool,
                Subject::Preschool,
                Title::Untitled,
                KeyTeacherLevel::None,
                Qualification::Associate,
                Sex::Female,
                2000,
                2023,
            ),
        ],
        population: vec![
            PopulationRow {
                township: 2,
                age: 3,
                children: 40,
            },
            PopulationRow {
                township: 2,
                age: 4,
                children: 35,
            },
            PopulationRow {
                township: 2,
                age: 5,
                children: 25,
            },
            PopulationRow {
                township: 0,
                age: 4,
                children: 50,
            },
            PopulationRow {
                township: 0,
                age: 7,
                children: 60,
            },
        ],
    }
}

fn city_value(text: &str) -> Evaluated {
    let definition = Definition::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let tally = definition.tally(&snapshot());
    definition.evaluate(&tally.totals())
}

fn value(text: &str) -> Option<f64> {
    city_value(text).value
}

#[test]
fn rural_junior_classes_over_fifty() {
    let text = "share(classes where stage = junior and location = rural, size > 50)";
    let definition = Definition::parse(text).unwrap_or_else(|e| panic!("{e}"));
    let tally = definition.tally(&snapshot());
    // Rural junior classes: school 0's two (55 and 45); one is over 50.
    assert_eq!(
        tally.rows(),
        [
            Rows::Schools(vec![1.0, 0.0, 0.0]),
            Rows::Schools(vec![2.0, 0.0, 0.0])
        ]
    );
    let school_0 = definition.evaluate(&tally.sums(|s| s == 0, |_| false));
    assert_eq!(
        school_0,
        Evaluated {
            value: Some(0.5),
            numerator: Some(1.0),
            denominator: Some(2.0)
        }
    );
    // School 1 is urban: no rural junior class, so no value — not NaN.
    let school_1 = definition.evaluate(&tally.sums(|s| s == 1, |_| false));
    assert_eq!(
        school_1,
        Evaluated {
            value: None,
            numerator: Some(0.0),
            denominator: Some(0.0)
        }
    );
    // The same in Chinese, as a percentage: numerator and denominator look through `* 100`.
    let percent = city_value("占比(班级 其中 学段 = 初中 且 城乡 = 农村, 班额 > 50) * 100");
    assert_eq!(
        percent,
        Evaluated {
            value: Some(50.0),
            numerator: Some(1.0),
            denominator: Some(2.0)
        }
    );
}

#[test]
fn counts_sums_and_averages_match_hand_computed_values() {
    // Key teachers at county level or above: t0 (county), t2 (city) = 2;
    // primary and junior students: s0–s3 = 4.
    assert_eq!(
        city_value(
            "count(teachers where key_teacher_level >= county) / count(students where stage in (primary, junior)) * 100"
        ),
        Evaluated {
            value: Some(50.0),
            numerator: Some(2.0),
            denominator: Some(4.0)
        }
    );
    assert_eq!(
        value("avg(teachers.age)"),
        Some((44.0 + 29.0 + 49.0 + 24.0) / 4.0)
    );
    assert_eq!(
        value("avg(教师.本校任教年限 where 性别 = 女)"),
        Some((4.0 + 24.0 + 1.0) / 3.0)
    );
    assert_eq!(value("sum(schools.seats)"), Some(990.0));
    assert_eq!(
        value("sum(schools.seats_junior where ownership = public)"),
        Some(200.0)
    );
    assert_eq!(value("count(schools where serves_junior)"), Some(2.0));
    assert_eq!(
        value("count(schools where inclusive and quality_rating >= county)"),
        Some(1.0)
    );
    // Classes of grade 7 and above: 55, 45, 60, 51.
    assert_eq!(value("count(classes where grade >= 七年级)"), Some(4.0));
    assert_eq!(
        value("avg(classes.size where stage = junior)"),
        Some((55.0 + 45.0 + 60.0 + 51.0) / 4.0)
    );
    // Students' school fields: s0 is the one rural boarder.
    assert_eq!(
        value("count(students where location = 农村 and boarder)"),
        Some(1.0)
    );
    assert_eq!(value("count(students where ownership = private)"), Some(1.0));
    assert_eq!(
        value("count(teachers where years_at_school >= 10 and sex = female)"),
        Some(1.0)
    );
    assert_eq!(
        value("count(teachers where qualification > associate)"),
        Some(2.0)
    );
    assert_eq!(
        value("count(teachers where title >= first or subject = preschool)"),
        Some(3.0)
    );
    assert_eq!(value("-count(classes) + 2 * 3"), Some(0.0));
}

#[test]
fn unknown_values_follow_three_valued_logic() {
    // Screened: s0 (myopic), s1 (not), s3 (myopic).
    assert_eq!(value("count(students where myopic)"), Some(2.0));
    assert_eq!(value("count(students where not myopic)"), Some(1.0));
    assert_eq!(value("count(students where myopic != true)"), Some(1.0));
    assert_eq!(value("count(students where myopic or boarder)"), Some(2.0));
    // Unknown and false is false: the three unscreened non-boarders count, with s1.
    assert_eq!(value("count(students where not (myopic and boarder))"), Some(4.0));
    assert_eq!(value("count(students where not screened)"), Some(3.0));
    assert_eq!(value("share(students where screened, myopic)"), Some(2.0 / 3.0));
    // School 1 reported no facility: left out of the average and of comparisons.
    assert_eq!(
        value("avg(schools.teaching_floor_area)"),
        Some((1000.0 + 300.0) / 2.0)
    );
    assert_eq!(
        value("count(schools where multimedia_classrooms < 100)"),
        Some(2.0)
    );
    assert_eq!(value("count(schools where not facility_reported)"), Some(1.0));
}

#[test]
fn population_is_tallied_per_township() {
    // Preschool children enrolled / resident children aged 3–5.
    let definition =
        Definition::parse("count(学生 where 学段 = 学前) / sum(人口.人数 where 年龄 in (3, 4, 5)) * 100")
            .unwrap_or_else(|e| panic!("{e}"));
    assert!(definition.uses_population());
    let tally = definition.tally(&snapshot());
    assert_eq!(
        tally.rows(),
        [
            Rows::Schools(vec![0.0, 0.0, 2.0]),
            Rows::Townships(vec![50.0, 0.0, 100.0])
        ]
    );
    // Township 2 holds school 2: 2 of 100 children.
    let township_2 = definition.evaluate(&tally.sums(|s| s == 2, |t| t == 2));
    assert_eq!(township_2.value, Some(2.0));
    // Township 1 has no children counted: no value.
    assert_eq!(
        definition.evaluate(&tally.sums(|s| s == 1, |t| t == 1)).value,
        None
    );
    let city = definition.evaluate(&tally.totals());
    assert_eq!((city.numerator, city.denominator), (Some(2.0), Some(150.0)));
}

#[test]
fn a_zero_divisor_at_evaluation_gives_no_value() {
    let definition = Definition::parse("avg(classes.size where stage = senior) / avg(classes.size)")
        .unwrap_or_else(|e| panic!("{e}"));
    let evaluated = definition.evaluate(&definition.tally(&snapshot()).totals());
    assert_eq!(evaluated.value, None);
    assert_eq!(evaluated.numerator, None, "the numerator is itself 0 / 0");
    assert!(evaluated.denominator.is_some_and(|d| d.is_finite()));
    // A wrong number of sums is no value either, not a panic.
    assert_eq!(definition.evaluate(&[1.0]).value, None);
    assert_eq!(
        Definition::parse("count(classes) / (count(students) - 6)")
            .map(|d| d.evaluate(&d.tally(&snapshot()).totals()).value),
        Ok(None)
    );
}

#[test]
fn definitions_deserialize_from_text_and_refuse_bad_text() {
    use serde::de::IntoDeserializer;
    type Error = serde::de::value::Error;
    let read = |text: &str| -> Result<Definition, Error> {
        serde::Deserialize::deserialize(IntoDeserializer::<Error>::into_deserializer(text))
    };
    let definition = read("share(班级 where 城乡 = 乡村, 班额 > 50)").unwrap_or_else(|e| panic!("{e}"));
    // Serialization writes `to_string()`, the canonical text.
    assert_eq!(
        definition.to_string(),
        "share(classes where location = rural, size > 50)"
    );
    let error = read("count(班级 where 班额 = 初中)").map(|d| d.to_string());
    assert!(error.is_err_and(|e| e.to_string().contains("班额应与数比较")));
}

// ---------------------------------------------------------------- schema

#[test]
fn vocabulary_discriminants_are_their_position_in_all() {
    fn check<T: Copy + PartialEq + std::fmt::Debug>(all: &[T], discriminant: impl Fn(T) -> u8) {
        for (i, v) in all.iter().enumerate() {
            assert_eq!(usize::from(discriminant(*v)), i, "{v:?}");
        }
    }
    check(Stage::ALL, |v| v as u8);
    check(Ownership::ALL, |v| v as u8);
    check(Location::ALL, |v| v as u8);
    check(Sex::ALL, |v| v as u8);
    check(QualityRating::ALL, |v| v as u8);
    check(KeyTeacherLevel::ALL, |v| v as u8);
    check(Subject::ALL, |v| v as u8);
    check(Title::ALL, |v| v as u8);
    check(Qualification::ALL, |v| v as u8);
}

#[test]
fn field_table_is_complete_and_unambiguous() {
    let fields = schema::fields();
    let mut spellings = std::collections::HashMap::new();
    for info in fields {
        for spelling in std::iter::once(&info.name).chain(&info.aliases_zh) {
            let previous = spellings.insert(spelling.clone(), info.field);
            assert!(previous.is_none(), "{spelling} names two fields");
            // A Chinese keyword inside a name would split it when lexed.
            for keyword in ["且", "或", "非", "其中", "属于"] {
                assert!(!spelling.contains(keyword), "{spelling} contains {keyword}");
            }
        }
    }
    let mut expected = vec![
        Field::Ownership,
        Field::Inclusive,
        Field::QualityRating,
        Field::Location,
        Field::Seats,
        Field::TeachingFloorArea,
        Field::SportsGroundArea,
        Field::EquipmentValue,
        Field::MultimediaClassrooms,
        Field::FacilityReported,
        Field::Stage,
        Field::Grade,
        Field::Size,
        Field::Sex,
        Field::MigrantChild,
        Field::Boarder,
        Field::Myopic,
        Field::Screened,
        Field::Subject,
        Field::Title,
        Field::KeyTeacherLevel,
        Field::Qualification,
        Field::Age,
        Field::YearsAtSchool,
        Field::Children,
    ];
    for stage in Stage::ALL {
        expected.push(Field::Serves(*stage));
        expected.push(Field::SeatsOf(*stage));
    }
    for field in expected {
        assert!(fields.iter().any(|f| f.field == field), "{field:?} has no entry");
    }
    // No vocabulary label contains a Chinese keyword either.
    for vocab in [
        schema::Vocab::Stage,
        schema::Vocab::Ownership,
        schema::Vocab::Location,
        schema::Vocab::Sex,
        schema::Vocab::QualityRating,
        schema::Vocab::KeyTeacherLevel,
        schema::Vocab::Subject,
        schema::Vocab::Title,
        schema::Vocab::Qualification,
    ] {
        for spelling in vocab.spellings() {
            for keyword in ["且", "或", "非", "其中", "属于"] {
                assert!(!spelling.contains(keyword), "{spelling} contains {keyword}");
            }
        }
    }
}

// ---------------------------------------------------------------- robustness

/// A small deterministic generator (xorshift64*), so the loop needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
}

const SEEDS: [&str; 8] = [
    "share(classes where stage = junior and location = rural, size > 50)",
    "count(teachers where key_teacher_level >= county) / count(students where stage in (primary, junior)) * 100",
    "avg(schools.teaching_floor_area where serves_junior) - sum(population.children where age in (3, 4, 5))",
    "占比(学生 其中 学段=初中且已筛查, 近视) * 100",
    "count(students where not (boarder or migrant_child) and grade >= 七年级) / -(2 + count(classes))",
    "avg(teachers.age where title not in (first, senior) or sex = 女)",
    "sum(schools.seats_junior where ownership = public) / count(classes where stage = \"初中\")",
    "count（班级 where 班额 ≥ 56）/ count（班级）",
];

const PIECES: [&str; 48] = [
    "count(",
    "sum(",
    "avg(",
    "share(",
    "schools",
    "classes",
    "students",
    "teachers",
    "population",
    "学生",
    ".",
    "size",
    "stage",
    "age",
    "myopic",
    "boarder",
    "where",
    " and ",
    " or ",
    "not ",
    " in ",
    "(",
    ")",
    ",",
    "=",
    ">=",
    "<",
    "!=",
    "/",
    "*",
    "-",
    "+",
    "0",
    "50",
    "1.5",
    "junior",
    "初中",
    "county",
    "true",
    "是",
    "且",
    "或",
    "非",
    "\"",
    "“",
    "）",
    " ",
    "grade",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + usize::from(rng.below(4) == 0) {
        let at = rng.below(chars.len() + 1);
        match rng.below(4) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 => {
                let piece: Vec<char> = rng.pick(&PIECES).chars().collect();
                chars.splice(at..at, piece);
            }
            2 if at < chars.len() => {
                let end = (at + rng.below(8)).min(chars.len());
                chars.drain(at..end);
            }
            _ => {
                let c = ['(', ')', ',', '.', '-', '0', 'x', '中', '≥', '，', '#', '9', ' ']
                    .get(rng.below(13))
                    .copied()
                    .unwrap_or(' ');
                chars.insert(at, c);
            }
        }
    }
    chars.into_iter().collect()
}

/// Conditions valid for each entity, to build random well-formed definitions.
const ATOMS: [(&str, &[&str]); 5] = [
    (
        "schools",
        &[
            "serves_junior",
            "location = rural",
            "seats > 100",
            "not facility_reported",
            "quality_rating >= county",
            "equipment_value < 1000000",
            "设初中",
        ],
    ),
    (
        "classes",
        &[
            "size > 50",
            "stage in (primary, junior)",
            "grade >= 七年级",
            "ownership = 公办",
            "班额 ≥ 56",
        ],
    ),
    (
        "students",
        &[
            "boarder",
            "not migrant_child",
            "myopic",
            "screened",
            "sex = 女",
            "grade in (1, 2, 3)",
            "location != urban",
        ],
    ),
    (
        "teachers",
        &[
            "key_teacher_level >= county",
            "title > second",
            "age >= 50",
            "subject = 体育",
            "years_at_school < 6",
            "qualification in (master, doctor)",
        ],
    ),
    ("population", &["age in (3, 4, 5)", "age >= 6", "age < 3"]),
];

fn random_cond(rng: &mut Rng, atoms: &[&str], depth: usize) -> String {
    let atom = rng.pick(atoms).to_owned();
    if depth == 0 {
        return atom;
    }
    match rng.below(5) {
        0 => format!(
            "{} and {}",
            random_cond(rng, atoms, depth - 1),
            random_cond(rng, atoms, depth - 1)
        ),
        1 => format!(
            "({} or {})",
            random_cond(rng, atoms, depth - 1),
            random_cond(rng, atoms, depth - 1)
        ),
        2 => format!("not ({})", random_cond(rng, atoms, depth - 1)),
        3 => format!("{} 或 非{}", random_cond(rng, atoms, depth - 1), atom),
        _ => atom,
    }
}

fn random_aggregate(rng: &mut Rng) -> String {
    let (entity, atoms) = ATOMS.get(rng.below(ATOMS.len())).copied().unwrap_or(ATOMS[0]);
    let filter = if rng.below(3) == 0 {
        String::new()
    } else {
        format!(" where {}", random_cond(rng, atoms, 2))
    };
    if entity == "population" {
        return format!("sum(population.children{filter})");
    }
    let field = match entity {
        "schools" => "seats",
        "classes" => "size",
        "teachers" => "age",
        _ => "",
    };
    match rng.below(4) {
        0 if !field.is_empty() => format!("sum({entity}.{field}{filter})"),
        1 if !field.is_empty() => format!("avg({entity}.{field}{filter})"),
        2 => format!("share({entity}{filter}, {})", random_cond(rng, atoms, 1)),
        _ => format!("count({entity}{filter})"),
    }
}

fn random_expr(rng: &mut Rng, depth: usize) -> String {
    if depth == 0 {
        return random_aggregate(rng);
    }
    let op = rng.pick(&[" + ", " - ", " * ", " / "]);
    match rng.below(6) {
        0 => format!(
            "{}{op}{}",
            random_expr(rng, depth - 1),
            random_expr(rng, depth - 1)
        ),
        1 => format!(
            "({}{op}{})",
            random_expr(rng, depth - 1),
            random_expr(rng, depth - 1)
        ),
        2 => format!("-{}", random_expr(rng, depth - 1)),
        3 => format!(
            "{}{op}{}",
            random_expr(rng, depth - 1),
            rng.pick(&["100", "2.5", "1000", "3"])
        ),
        _ => random_aggregate(rng),
    }
}

fn random_pieces(rng: &mut Rng) -> String {
    (0..rng.below(24)).map(|_| rng.pick(&PIECES)).collect()
}

#[test]
fn no_input_panics_and_accepted_ones_round_trip() {
    let snapshot = snapshot();
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let (mut accepted, mut refused) = (0, 0);
    for i in 0..6000 {
        let text = match i % 4 {
            0 => random_pieces(&mut rng),
            1 => random_expr(&mut rng, 3),
            2 => {
                let valid = random_expr(&mut rng, 2);
                mutate(&mut rng, &valid)
            }
            _ => {
                let seed = rng.pick(&SEEDS);
                mutate(&mut rng, seed)
            }
        };
        match Definition::parse(&text) {
            Ok(definition) => {
                accepted += 1;
                let canonical = definition.to_string();
                let again = Definition::parse(&canonical)
                    .unwrap_or_else(|e| panic!("{text:?} → {canonical:?} does not parse back: {e}"));
                assert_eq!(again.to_string(), canonical, "{text:?}");
                let _ = definition.describe_zh();
                let tally = definition.tally(&snapshot);
                assert_eq!(tally.rows().len(), definition.aggregates().len());
                let reference = crate::eval::tally_reference(definition.aggregates(), &snapshot);
                assert_eq!(
                    tally, reference,
                    "compiled and interpreted tallies differ for {text:?}"
                );
                for sums in [tally.totals(), tally.sums(|s| s == 1, |t| t == 1)] {
                    let evaluated = definition.evaluate(&sums);
                    for x in [evaluated.value, evaluated.numerator, evaluated.denominator]
                        .into_iter()
                        .flatten()
                    {
                        assert!(x.is_finite(), "{text:?} gave {x}");
                    }
                }
            }
            Err(err) => {
                refused += 1;
                assert!(!err.to_string().is_empty());
                if let Some(span) = err.span() {
                    let chars = text.chars().count();
                    assert!(span.start <= span.end && span.end <= chars, "{text:?}: {err:?}");
                }
            }
        }
    }
    // Both paths are exercised.
    assert!(
        accepted > 1200 && refused > 1200,
        "accepted {accepted}, refused {refused}"
    );
}
