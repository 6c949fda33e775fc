//! `edugov import` on bad input and under a crash: the database must hold
//! exactly what it held before, and the error must say what to fix.

use std::time::Instant;

use crate::{command, edugov, empty_db, run, small_city, snapshot};

/// A database holding the small city's schools and classes, ready for students.
fn city_without_students(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let city = small_city();
    let (dir, db) = empty_db(name);
    for entity in ["schools", "classes"] {
        let file = city.dir.join(format!("{entity}.csv"));
        let out = edugov(&db, &["import", file.to_str().unwrap()]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    (dir, db)
}

fn students_csv() -> String {
    std::fs::read_to_string(small_city().dir.join("students.csv")).unwrap()
}

#[test]
fn a_file_with_a_bad_row_changes_nothing_and_names_row_and_column() {
    let (dir, db) = city_without_students("bad-row");
    let before = snapshot(&db);
    let text = students_csv();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // Break the check digit of the identity number on data row 5 (file line 6).
    let id_column = lines[0]
        .trim_start_matches('\u{feff}')
        .split(',')
        .position(|h| h == "身份证号")
        .unwrap();
    let mut fields: Vec<String> = lines[5].split(',').map(str::to_owned).collect();
    let id = &mut fields[id_column];
    let last = id.pop().unwrap();
    id.push(if last == '0' { '1' } else { '0' });
    lines[5] = fields.join(",");
    let file = dir.path().join("学生.csv");
    std::fs::write(&file, lines.join("\n")).unwrap();

    let out = edugov(&db, &["import", file.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("学生.csv 第 6 行【身份证号】身份证号校验位错误"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("未导入任何数据"), "{}", out.stderr);
    assert!(dir.path().join("学生.errors.xlsx").exists());
    assert_eq!(before, snapshot(&db));
}

#[test]
fn a_dry_run_reports_success_and_writes_nothing() {
    let (dir, db) = city_without_students("dry-run");
    let before = snapshot(&db);
    let file = dir.path().join("students.csv");
    std::fs::write(&file, students_csv()).unwrap();
    let out = edugov(&db, &["import", "--dry-run", file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("--dry-run"), "{}", out.stderr);
    assert_eq!(before, snapshot(&db));
}

#[test]
fn a_gbk_csv_as_chinese_excel_writes_it_imports() {
    let (dir, db) = city_without_students("gbk");
    let utf8 = students_csv().replace('\u{feff}', "");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&utf8);
    assert!(!unmappable);
    let file = dir.path().join("学生-gbk.csv");
    std::fs::write(&file, &gbk).unwrap();
    let out = edugov(&db, &["import", file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let teachers = small_city().dir.join("teachers.csv");
    assert_eq!(edugov(&db, &["import", teachers.to_str().unwrap()]).code, 0);
    assert_eq!(
        edugov(&small_city().db, &["summary"]).stdout,
        edugov(&db, &["summary"]).stdout
    );
}

#[test]
fn a_missing_file_and_a_corrupt_workbook_are_named_in_the_error() {
    let (dir, db) = empty_db("corrupt");
    let missing = edugov(&db, &["import", "没有这个文件.xlsx"]);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("没有这个文件.xlsx"), "{}", missing.stderr);

    let workbook = dir.path().join("学校.xlsx");
    let template = edugov(&db, &["template", "学校", "--output", workbook.to_str().unwrap()]);
    assert_eq!(template.code, 0, "{}", template.stderr);
    let bytes = std::fs::read(&workbook).unwrap();
    std::fs::write(&workbook, &bytes[..bytes.len() / 2]).unwrap();
    let corrupt = edugov(&db, &["import", workbook.to_str().unwrap()]);
    assert_eq!(corrupt.code, 1);
    assert!(corrupt.stderr.contains("学校.xlsx"), "{}", corrupt.stderr);
}

/// `kill -9` in the middle of an import: the transaction never committed, so
/// the database must be exactly as before.
#[test]
fn a_crash_in_the_middle_of_an_import_leaves_the_database_as_it_was() {
    let (dir, db) = city_without_students("crash");
    let file = dir.path().join("students.csv");
    std::fs::write(&file, students_csv()).unwrap();

    // Calibrate: how long does the whole import take on this machine?
    let (_calibration_dir, calibration_db) = city_without_students("crash-calibration");
    let started = Instant::now();
    let full = edugov(&calibration_db, &["import", file.to_str().unwrap()]);
    assert_eq!(full.code, 0, "{}", full.stderr);
    let full_time = started.elapsed();
    // What a complete import gives: the only other state a kill may leave.
    let complete = snapshot(&calibration_db);

    let before = snapshot(&db);
    let mut killed_mid_import = 0;
    for fraction in [0.3, 0.6, 0.85] {
        let mut child = command(&db, &["import", file.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full_time.mul_f64(fraction));
        let still_running = child.try_wait().unwrap().is_none();
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        if still_running {
            killed_mid_import += 1;
            // All or nothing: a kill after the commit (while the process
            // still writes its audit line or exits) leaves the complete
            // import, never a part of it.
            let now = snapshot(&db);
            assert!(
                now == before || now == complete,
                "killed at {fraction} of {full_time:?}: neither the state before nor the complete import"
            );
        }
    }
    assert!(
        killed_mid_import > 0,
        "the import ({full_time:?}) finished before every kill"
    );
    // And afterwards the same file still imports cleanly.
    let after = run(command(&db, &["import", file.to_str().unwrap()]));
    assert_eq!(after.code, 0, "{}", after.stderr);
    assert_ne!(before, snapshot(&db));
}

/// GB 11643: the check character of the first 17 digits.
fn with_check_digit(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

/// Adding one pupil to a class is one file: refused with the way to do it,
/// then imported with `--update-class-sizes`, which lists the class's new 班额.
#[test]
fn one_more_pupil_is_imported_with_update_class_sizes() {
    let (dir, db) = city_without_students("one-more");
    let all = dir.path().join("students.csv");
    std::fs::write(&all, students_csv()).unwrap();
    assert_eq!(edugov(&db, &["import", all.to_str().unwrap()]).code, 0);

    let text = students_csv();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let id_column = header
        .trim_start_matches('\u{feff}')
        .split(',')
        .position(|h| h == "身份证号")
        .unwrap();
    let mut fields: Vec<String> = lines.next().unwrap().split(',').map(str::to_owned).collect();
    let id = &fields[id_column];
    // Another child born the same day: sequence 99, the same sex digit.
    let first17 = format!("{}99{}", &id[..14], &id[16..17]);
    fields[id_column] = with_check_digit(&first17);
    let file = dir.path().join("新生.csv");
    std::fs::write(&file, format!("{header}\n{}\n", fields.join(","))).unwrap();
    let before = snapshot(&db);

    let refused = edugov(&db, &["import", file.to_str().unwrap()]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("--update-class-sizes"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("未导入任何数据"), "{}", refused.stderr);
    assert_eq!(before, snapshot(&db));

    let out = edugov(&db, &["import", "--update-class-sizes", file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("班额随学生名单更新，已改变 1 个班"),
        "{}",
        out.stderr
    );
    assert_ne!(before, snapshot(&db));
}
