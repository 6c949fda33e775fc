//! Files and rows that must be refused — with messages an officer can act
//! on — and the store left exactly as it was before each of them.

use expect_test::{expect, Expect};
use import_export::ImportError;
use registry::Sex;
use rust_xlsxwriter::Workbook;

use crate::support::*;

/// Imports `text` as `name` into the loaded fixture store; checks the
/// errors shown on screen and that nothing changed.
fn check_rows(name: &str, text: &str, expected: Expect) {
    let (mut store, dir) = loaded_store();
    let before = snapshot(&store);
    let outcome = import(&mut store, &write(dir.path(), name, text));
    assert!(outcome.counts.is_none());
    expected.assert_eq(&errors(&outcome));
    assert_eq!(snapshot(&store), before, "a refused import changed the store");
}

/// Same, for a file refused as a whole.
fn check_file(name: &str, bytes: &[u8], expected: Expect) {
    let (mut store, dir) = loaded_store();
    let before = snapshot(&store);
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let result = import_export::import(&mut *store, &path, Default::default(), today(), &mut |_| {});
    match result {
        Err(e) => expected.assert_eq(&e.to_string()),
        Ok(outcome) => panic!("imported: {outcome:?}"),
    }
    assert_eq!(snapshot(&store), before, "a refused import changed the store");
}

const STUDENT_HEADER: &str =
    "学年,学校标识码,学段,年级,班级,身份证号,姓名,性别,出生日期,户籍地代码,是否随迁子女,是否寄宿,视力,是否近视\n";

fn student_row(school: &str, grade: &str, class: &str, id: &str, sex: &str, birth: &str) -> String {
    format!("2024,{school},,{grade},{class},{id},某学生,{sex},{birth},370102001,否,否,,\n")
}

#[test]
fn identity_numbers_with_a_wrong_check_digit_or_an_impossible_birth_date_are_refused() {
    let good = id((2018, 3, 1), 11, Sex::Male);
    let mut wrong_check = good.clone();
    let last = if wrong_check.ends_with('0') { "1" } else { "0" };
    wrong_check.replace_range(17.., last);
    let mut text = STUDENT_HEADER.to_owned();
    text += &student_row("3737010001", "一年级", "1班", &wrong_check, "男", "");
    text += &student_row("3737010001", "一年级", "1班", "370102201702300010", "男", "");
    text += &student_row("3737010001", "一年级", "1班", "37010220180301011", "男", "");
    text += &student_row("3737010001", "一年级", "1班", "3.70102201803011E+17", "男", "");
    check_rows(
        "学生.csv",
        &text,
        expect![[r#"
            学生.csv 第 2 行【身份证号】身份证号校验位错误：应为 8，实为 0
            学生.csv 第 3 行【身份证号】身份证号中的出生日期“20170230”不存在
            学生.csv 第 4 行【身份证号】身份证号应为 18 位（现为 17 位）
            学生.csv 第 5 行【身份证号】身份证号被 Excel 存成了数字（科学计数法），后几位已经丢失；请把该列设为文本格式后重新填写
        "#]],
    );
}

#[test]
fn birth_date_and_sex_must_agree_with_the_identity_number() {
    let mut text = STUDENT_HEADER.to_owned();
    text += &student_row(
        "3737010001",
        "一年级",
        "1班",
        &id((2018, 3, 1), 11, Sex::Male),
        "女",
        "2018-03-02",
    );
    check_rows(
        "学生.csv",
        &text,
        expect![[r#"
            学生.csv 第 2 行【性别】性别“女”与身份证号不符（身份证号第 17 位表示男）
            学生.csv 第 2 行【出生日期】出生日期 2018-03-02 与身份证号中的出生日期 2018-03-01 不一致
        "#]],
    );
}

#[test]
fn a_student_of_a_school_that_does_not_exist_is_refused() {
    let mut text = STUDENT_HEADER.to_owned();
    text += &student_row(
        "3737019999",
        "一年级",
        "1班",
        &id((2018, 3, 1), 11, Sex::Male),
        "",
        "",
    );
    text += &student_row(
        "3737010001",
        "一年级",
        "9班",
        &id((2018, 3, 2), 11, Sex::Male),
        "",
        "",
    );
    text += &student_row(
        "3737010001",
        "七年级",
        "",
        &id((2012, 3, 2), 11, Sex::Male),
        "",
        "",
    );
    check_rows(
        "学生.csv",
        &text,
        expect![[r#"
            学生.csv 第 2 行【学校标识码】学校 3737019999 不存在：数据库中没有，本次导入的学校表中也没有；请先导入学校
            学生.csv 第 3 行【班级】班级 一年级9班 不存在：数据库中没有，本次导入的班级表中也没有；请先导入班级
            学生.csv 第 4 行【年级】学校开设的学段（小学）中没有七年级
        "#]],
    );
}

#[test]
fn the_same_student_twice_is_reported_on_both_rows() {
    let twice = id((2018, 3, 1), 11, Sex::Male);
    let mut text = STUDENT_HEADER.to_owned();
    text += &student_row("3737010001", "一年级", "1班", &twice, "", "");
    text += &student_row(
        "3737010001",
        "一年级",
        "1班",
        &id((2018, 5, 20), 12, Sex::Female),
        "",
        "",
    );
    text += &student_row("3737010002", "七年级", "3班", &twice, "", "");
    check_rows(
        "学生.csv",
        &text,
        expect![[r#"
            学生.csv 第 2 行【身份证号】学年和身份证号与第 4 行重复
            学生.csv 第 4 行【身份证号】学年和身份证号与第 2 行重复
        "#]],
    );
    let (_, dir) = loaded_store();
    let errors = import(&mut store(), &write(dir.path(), "x.csv", &text)).errors;
    assert!(
        errors.iter().all(|e| !e.value.contains(&twice)),
        "full identity number in {errors:?}"
    );
}

#[test]
fn a_class_whose_declared_size_differs_from_its_roster_is_refused() {
    let classes = CLASSES_CSV.replace("一年级,1班,2", "一年级,1班,3");
    check_rows(
        "班级.csv",
        &classes,
        expect![[r#"
            班级.csv 第 2 行【班额】学校 3737010001 班级 一年级1班 申报班额 3 人，名单中有 2 名学生。请改正班额，或勾选“班额随学生名单更新”（命令行加 --update-class-sizes）让班额取名单人数 2
        "#]],
    );
    // The roster changes instead: the error points at the first student of the class.
    let mut students = STUDENT_HEADER.to_owned();
    students += &student_row(
        "3737010002",
        "七年级",
        "3班",
        &id((2012, 4, 4), 51, Sex::Male),
        "",
        "",
    );
    check_rows(
        "学生.csv",
        &students,
        expect![[r#"
            学生.csv 第 2 行【班级】学校 3737010002 班级 七年级3班 申报班额 2 人，名单中有 3 名学生。若名单正确（如新增学生），请勾选“班额随学生名单更新”后重新导入（命令行加 --update-class-sizes），班额将改为 3 人；否则请改正学生名单
        "#]],
    );
}

#[test]
fn bad_cells_are_all_reported_not_only_the_first() {
    let text = "\
学校标识码,学校名称,所在区县代码,乡镇街道代码,学段,办学性质,城乡分类,小学学位,经度
37370100,甲校,370102,370103002,小学,公办,城区,-5,117
3737010010,,379999,,大学,合资,城里,,200
3737010011,乙校,370102,,初中,公办,城区,100,
";
    check_rows(
        "学校.csv",
        text,
        expect![[r#"
            学校.csv 第 2 行【学校标识码】学校标识码“37370100”应为 10 位数字
            学校.csv 第 2 行【乡镇街道代码】乡镇街道 370103002 不属于所在区县 370102
            学校.csv 第 2 行【小学学位】“-5”不能为负数
            学校.csv 第 3 行【学校名称】不能为空
            学校.csv 第 3 行【所在区县代码】行政区划代码 379999 不存在（不是现行的统计用区划代码）
            学校.csv 第 3 行【学段】学段“大学”无法识别，可填：学前、小学、初中、普通高中、中职、特殊教育
            学校.csv 第 3 行【办学性质】办学性质“合资”无法识别，可填：公办、民办
            学校.csv 第 3 行【城乡分类】城乡分类“城里”无法识别，可填：城区、镇区、乡村
            学校.csv 第 3 行【经度】经度 200 超出中国境内的范围（73–136）
            学校.csv 第 4 行【小学学位】学校未开设小学学段，不应填写学位
        "#]],
    );
}

#[test]
fn missing_and_renamed_columns_are_named() {
    let text = "学年,学校标识码,年级,班级,身份证编号,姓名\n2024,3737010001,一年级,1班,x,张三\n";
    check_file(
        "学生.csv",
        text.as_bytes(),
        expect!["文件 学生.csv 按学生表导入，缺少必填列：【身份证号】（表中的“身份证编号”是否就是此列？请把列名改为“身份证号”）、【户籍地代码】"],
    );
}

#[test]
fn unrecognised_headers_and_duplicate_columns_are_refused() {
    check_file(
        "data.csv",
        "序号,项目,金额\n1,桌椅,300\n".as_bytes(),
        expect!["文件 data.csv 的表头无法识别为学校、办学条件、班级、学生、教师、人口或出生数据；请使用 edugov 模板（edugov template）。读到的表头：序号、项目、金额"],
    );
    check_file(
        "班级.csv",
        "学年,学校代码,学段,年级,班级,班额,学校标识码\n".as_bytes(),
        expect![
            "文件 班级.csv 中【学校标识码】列出现了两次：第 2 列“学校代码”和第 7 列“学校标识码”；请删去一列"
        ],
    );
    check_file("空.csv", b"", expect!["文件 空.csv 是空的：没有表头，也没有数据"]);
}

#[test]
fn a_truncated_workbook_is_refused_as_corrupt() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in (0u32..).zip(students_csv().lines()) {
        for (c, cell) in (0u16..).zip(line.split(',')) {
            sheet.write_string(r, c, cell).unwrap();
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    check_file(
        "学生.xlsx",
        &bytes[..bytes.len() / 2],
        expect!["文件 学生.xlsx 不是有效的 Excel 文件（可能已损坏或未完整下载）；请用 Excel 打开确认后另存为 .xlsx 再导入"],
    );
    check_file(
        "学生.xlsx",
        b"<html>not a workbook</html>",
        expect!["文件 学生.xlsx 不是有效的 Excel 文件（可能已损坏或未完整下载）；请用 Excel 打开确认后另存为 .xlsx 再导入"],
    );
}

#[test]
fn a_missing_file_is_named() {
    let mut store = store();
    let err = import_export::import(
        &mut *store,
        std::path::Path::new("/nonexistent/学生.csv"),
        Default::default(),
        today(),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::NotFound { .. }));
    assert_eq!(err.to_string(), "找不到文件 /nonexistent/学生.csv");
}

#[test]
fn the_same_student_on_two_sheets_of_a_split_export_is_reported_with_the_sheet() {
    let (mut store, dir) = loaded_store();
    let before = snapshot(&store);
    let twice = id((2018, 3, 1), 11, Sex::Male);
    let path = dir.path().join("学生.xlsx");
    let mut book = Workbook::new();
    for (name, student) in [
        ("学生_1", &twice),
        ("学生_2", &id((2018, 5, 20), 12, Sex::Female)),
        ("学生_3", &twice),
    ] {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        let text = format!(
            "{STUDENT_HEADER}{}",
            student_row("3737010001", "一年级", "1班", student, "", "")
        );
        for (r, line) in (0u32..).zip(text.lines()) {
            for (c, cell) in (0u16..).zip(line.split(',')) {
                sheet.write_string(r, c, cell).unwrap();
            }
        }
    }
    book.save(&path).unwrap();
    let outcome = import(&mut store, &path);
    expect![[r#"
        学生.xlsx（工作表“学生_1”）第 2 行【身份证号】学年和身份证号与工作表“学生_3”第 2 行重复
        学生.xlsx（工作表“学生_3”）第 2 行【身份证号】学年和身份证号与工作表“学生_1”第 2 行重复
    "#]]
    .assert_eq(&errors(&outcome));
    assert_eq!(outcome.errors[0].value, registry::mask::id_number(&twice));
    assert_eq!(snapshot(&store), before);
}

#[test]
fn teacher_rows_are_checked_against_the_number_the_school_and_each_other() {
    let twice = id((1985, 4, 12), 31, Sex::Female);
    let text = format!(
        "学年,学校标识码,身份证号,姓名,性别,出生年份,任教学段,任教学科,职称,骨干教师级别,入校学年,学历\n\
         2024,3737010001,{twice},孙老师,女,1986,小学,语文,一级教师,,2015,本科\n\
         2024,3737010001,{twice},孙老师,女,,初中,语文,一级教师,,2025,本科\n\
         2024,3737010001,{},李老师,男,,小学,书法,特级教师,,2015,大专\n",
        id((1990, 1, 1), 51, Sex::Male)
    );
    check_rows(
        "教师.csv",
        &text,
        expect![[r#"
            教师.csv 第 2 行【身份证号】学年和身份证号与第 3 行重复
            教师.csv 第 2 行【出生年份】出生年份 1986 与身份证号中的出生年份 1985 不一致
            教师.csv 第 3 行【身份证号】学年和身份证号与第 2 行重复
            教师.csv 第 3 行【任教学段】学校未开设初中学段（开设：小学）
            教师.csv 第 3 行【入校学年】入校学年 2025 晚于学年 2024
            教师.csv 第 4 行【任教学科】任教学科“书法”无法识别，可填：语文、数学、英语、科学、物理、化学、生物、道德与法治、历史、地理、体育、音乐、美术、信息技术、幼儿教育、其他
            教师.csv 第 4 行【职称】职称“特级教师”无法识别，可填：未定职级、三级教师、二级教师、一级教师、高级教师、正高级教师
        "#]],
    );
}
