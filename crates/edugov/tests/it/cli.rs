//! check-id, demo, summary, template and export.

use crate::{command, edugov, empty_db, run, small_city};

#[test]
fn check_id_prints_one_verdict_per_number() {
    let (_dir, db) = empty_db("check");
    let out = edugov(
        &db,
        &[
            "check-id",
            "11010519491231002X",
            "110105194912310021",
            "37010220170230001X",
            "370199201503041237",
        ],
    );
    assert_eq!(
        out.stdout,
        "11010519491231002X\tvalid\n\
         110105194912310021\tinvalid\t身份证号校验位错误：应为 X，实为 1\n\
         37010220170230001X\tinvalid\t身份证号中的出生日期“20170230”不存在\n\
         370199201503041237\tinvalid\t身份证号前 6 位 370199 不是有效的县级行政区划代码\n"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn check_id_reads_standard_input_when_given_no_numbers() {
    use std::io::Write;
    let (_dir, db) = empty_db("check");
    let mut child = command(&db, &["check-id"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"11010519491231002X\n\n  11010519491231002x \n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "11010519491231002X\tvalid\n11010519491231002x\tvalid\n"
    );
    assert!(out.status.success());
}

#[test]
fn the_demo_city_is_summarised_by_county_and_stage() {
    let city = small_city();
    let out = edugov(&city.db, &["summary"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("2024—2025学年"), "{}", out.stdout);
    for county in [
        "历下区",
        "市中区",
        "章丘区",
        "商河县",
        "济南高新技术产业开发区",
        "合计",
    ] {
        assert!(
            out.stdout.contains(county),
            "{county} missing from\n{}",
            out.stdout
        );
    }
    let earlier = edugov(&city.db, &["summary", "--year", "2019"]);
    assert!(earlier.stdout.contains("2019—2020学年"), "{}", earlier.stdout);
}

/// The web's banner (演示数据，非官方统计) reads this mark.
#[test]
fn the_demo_city_marks_its_database_as_the_demo() {
    use store::RegistryRead;
    let open = |db: &std::path::Path| store::open(&store::DatabaseUrl::Sqlite(db.to_owned())).unwrap();
    let city = small_city();
    let store = open(&city.db);
    assert!(store.holds_demo_city().unwrap());
    let (_dir, db) = empty_db("real");
    assert!(!open(&db).holds_demo_city().unwrap());
}

#[test]
fn summary_of_an_empty_database_says_what_to_do() {
    let (_dir, db) = empty_db("empty");
    let out = edugov(&db, &["summary"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("先运行 `edugov demo` 或 `edugov import`"),
        "{}",
        out.stderr
    );
}

#[test]
fn exports_mask_identity_numbers_and_names_by_default() {
    let city = small_city();
    let out_file = city.dir.join("masked-students.csv");
    let out = edugov(
        &city.db,
        &[
            "export",
            "学生",
            "--format",
            "csv",
            "--output",
            out_file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&out_file).unwrap();
    let data_lines: Vec<&str> = text.lines().skip(1).collect();
    assert!(data_lines.len() > 1000, "{}", data_lines.len());
    for line in &data_lines {
        assert!(line.contains("********"), "unmasked line: {line}");
        assert!(
            !line
                .split(',')
                .any(|f| f.len() == 18 && f.bytes().all(|b| b.is_ascii_digit())),
            "{line}"
        );
    }
}

#[test]
fn unmasked_export_needs_the_administrators_permission() {
    let city = small_city();
    let out_file = city.dir.join("refused.csv");
    let out = edugov(
        &city.db,
        &[
            "export",
            "students",
            "--format",
            "csv",
            "--unmasked",
            "--output",
            out_file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("EDUGOV_ALLOW_UNMASKED=1"), "{}", out.stderr);
    assert!(!out_file.exists());
}

#[test]
fn a_template_is_an_xlsx_workbook() {
    let (dir, db) = empty_db("template");
    let path = dir.path().join("学生-模板.xlsx");
    let out = edugov(&db, &["template", "学生", "--output", path.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip file");
    let unknown = edugov(&db, &["template", "宿舍"]);
    assert_eq!(unknown.code, 1);
}

#[test]
fn exported_files_import_into_a_fresh_database_with_the_same_summary() {
    let city = small_city();
    let (_dir, db) = empty_db("roundtrip");
    for entity in ["schools", "facilities", "classes", "students", "teachers"] {
        let file = city.dir.join(format!("{entity}.csv"));
        let out = run(command(&db, &["import", file.to_str().unwrap()]));
        assert_eq!(out.code, 0, "{entity}: {}", out.stderr);
    }
    let original = edugov(&city.db, &["summary"]).stdout;
    let imported = edugov(&db, &["summary"]).stdout;
    assert_eq!(original, imported);
}
