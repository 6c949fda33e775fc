//! The admission inputs file (考生 / 高中学校 / 初中学校): written and read
//! back equal, read from a folder of CSV files in any column order, and a
//! broken file refused with every bad cell named by file, sheet, row and
//! column in Chinese.

use std::path::Path;

use admission::check::{Problem, Sheet};
use admission::*;
use import_export::admission_workbook::{check_problems, read_admission_inputs, write_admission_inputs_xlsx};
use import_export::ImportError;
use registry::{AreaCode, SchoolCode};

fn code(text: &str) -> SchoolCode {
    SchoolCode::parse(text).unwrap()
}

fn area(text: &str) -> AreaCode {
    AreaCode::parse(text).unwrap()
}

/// A small year with everything a file can say: halves in scores, lists of
/// different lengths, a school's minimum line and priority counties, a
/// rural and a weak junior school.
fn year() -> Inputs {
    Inputs {
        year: 2025,
        fields: vec![
            TOTAL_FIELD.into(),
            "语文".into(),
            "数学".into(),
            "语数合计".into(),
        ],
        junior_schools: vec![
            JuniorSchool {
                code: code("3701020001"),
                name: "第一初级中学".into(),
                county: area("370102"),
                rural: false,
                weak: true,
                graduates: 420,
            },
            JuniorSchool {
                code: code("3701240002"),
                name: "平阴县乡村初中".into(),
                county: area("370124"),
                rural: true,
                weak: false,
                graduates: 95,
            },
        ],
        senior_schools: vec![
            SeniorSchool {
                code: code("3701020101"),
                name: "省实验中学".into(),
                county: area("370102"),
                seats: 600,
                quota_school: true,
                min_score: Some(Score(5505)),
                priority_counties: vec![area("370102"), area("370124")],
            },
            SeniorSchool {
                code: code("3701240102"),
                name: "平阴一中".into(),
                county: area("370124"),
                seats: 450,
                quota_school: false,
                min_score: None,
                priority_counties: vec![],
            },
        ],
        candidates: vec![
            Candidate {
                id: CandidateId("250102000001".into()),
                name: "王小明".into(),
                junior_school: code("3701020001"),
                residence: area("370102"),
                scores: vec![Score(6125), Score(1085), Score(1170), Score(2255)],
                quota_eligible: true,
                eligible: true,
                quota_list: vec![code("3701020101")],
                open_list: vec![code("3701020101"), code("3701240102")],
            },
            Candidate {
                id: CandidateId("250124000002".into()),
                name: "李四".into(),
                junior_school: code("3701240002"),
                residence: area("370124"),
                scores: vec![Score(5480), Score(990), Score(1015), Score(2005)],
                quota_eligible: false,
                eligible: true,
                quota_list: vec![],
                open_list: vec![code("3701240102")],
            },
            Candidate {
                id: CandidateId("250124000003".into()),
                name: "欧阳小红".into(),
                junior_school: code("3701240002"),
                residence: area("370102"),
                scores: vec![Score(7000), Score(1200), Score(1200), Score(2400)],
                quota_eligible: true,
                eligible: false,
                quota_list: vec![code("3701020101")],
                open_list: vec![],
            },
        ],
    }
}

#[test]
fn a_written_inputs_workbook_reads_back_equal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2025年中考录取数据.xlsx");
    let inputs = year();
    std::fs::write(&path, write_admission_inputs_xlsx(&inputs).unwrap()).unwrap();
    let read = read_admission_inputs(&path, 2025).unwrap();
    assert!(read.is_clean(), "{:?}", read.errors);
    assert_eq!(read.inputs, inputs);
    assert_eq!(read.candidates.sheet.as_deref(), Some("考生"));
    assert_eq!(read.candidates.rows, [2, 3, 4], "the rows Excel shows");
    assert_eq!(read.junior_schools.rows, [2, 3]);
    assert!(read.ignored_columns.is_empty());
}

/// Writes a UTF-8 CSV with a BOM, as Excel saves "CSV UTF-8".
fn csv(dir: &Path, name: &str, text: &str) {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(text.as_bytes());
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn a_folder_of_csv_files_reads_in_any_column_order() {
    let dir = tempfile::tempdir().unwrap();
    csv(
        dir.path(),
        "初中学校.csv",
        "应届毕业生数,学校名称,学校标识码,区县代码,农村学校,薄弱学校\n\
         420,第一初级中学,3701020001,370102,否,是\n\
         95,平阴县乡村初中,3701240002,370124,是,否\n",
    );
    csv(
        dir.path(),
        "高中学校.csv",
        "学校标识码,学校名称,区县代码,招生计划,指标校,最低录取线,优先区县\n\
         3701020101,省实验中学,370102,600,是,550.5,\"370102、370124\"\n\
         3701240102,平阴一中,370124,450,否,,\n",
    );
    // 序号 and 备注 are neither known nor scores: left out and said so. 居住区县代码
    // is blank for one: the junior school's county.
    csv(
        dir.path(),
        "考生.csv",
        "序号,姓名,准考证号,备注,总分,数学,语文,语数合计,初中学校标识码,居住区县代码,指标生资格,录取资格,平行志愿2,平行志愿1,指标志愿1\n\
         1,王小明,250102000001,,612.5,117,108.5,225.5,3701020001,370102,是,是,3701240102,3701020101,3701020101\n\
         2,李四,250124000002,转学,548,101.5,99,200.5,3701240002,,否,是,,3701240102,\n\
         3,欧阳小红,250124000003,,700,120,120,240,3701240002,370102,是,否,,,3701020101\n",
    );
    let read = read_admission_inputs(dir.path(), 2025).unwrap();
    assert!(read.is_clean(), "{:?}", read.errors);
    let mut expected = year();
    // The file's field order: 总分 first, then as the columns come.
    expected.fields = vec![
        TOTAL_FIELD.into(),
        "数学".into(),
        "语文".into(),
        "语数合计".into(),
    ];
    for c in &mut expected.candidates {
        c.scores.swap(1, 2);
    }
    assert_eq!(read.inputs, expected);
    // 序号 is all small numbers but never a score; 备注 is text.
    assert_eq!(read.ignored_columns, ["序号", "备注"]);
    assert_eq!(read.candidates.file, "考生.csv");
}

#[test]
fn a_crlf_csv_folder_as_excel_saves_it_names_the_same_rows() {
    // Excel's CSV has CRLF line ends; rows must be the ones Excel shows.
    let dir = tempfile::tempdir().unwrap();
    csv(
        dir.path(),
        "初中学校.csv",
        "学校标识码,学校名称,区县代码,农村学校,薄弱学校,应届毕业生数\r\n\
         3701020001,第一初级中学,370102,否,是,420\r\n",
    );
    csv(
        dir.path(),
        "高中学校.csv",
        "学校标识码,学校名称,区县代码,招生计划,指标校\r\n3701020101,省实验中学,370102,600,是\r\n",
    );
    csv(
        dir.path(),
        "考生.csv",
        "准考证号,姓名,总分,初中学校标识码,指标生资格,录取资格,平行志愿1\r\n\
         250102000001,王小明,612.5,3701020001,是,是,3701020101\r\n\
         250102000002,李四,548,3701020001,也许,是,3701020101\r\n\
         250102000003,张三,600,3701020001,是,是,3701020101\r\n",
    );
    let read = read_admission_inputs(dir.path(), 2025).unwrap();
    // Row 3's 指标生资格 is unreadable: the others are rows 2 and 4.
    assert_eq!(read.candidates.rows, [2, 4], "the rows Excel shows");
    let rows: Vec<u64> = read.errors.iter().map(|e| e.row).collect();
    assert_eq!(rows, [3], "{:?}", read.errors);
}

#[test]
fn bad_cells_are_all_named_by_file_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("录取数据.xlsx");
    let mut inputs = year();
    inputs.candidates[1].name = "李四".into();
    std::fs::write(&path, write_admission_inputs_xlsx(&inputs).unwrap()).unwrap();
    // Break three cells of the written file by rewriting it with rust_xlsxwriter.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("考生").unwrap();
    let headers = [
        "准考证号",
        "姓名",
        "初中学校标识码",
        "居住区县代码",
        "指标生资格",
        "录取资格",
        "总分",
        "平行志愿1",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        [
            "250102000001",
            "王小明",
            "3701020001",
            "370102",
            "是",
            "是",
            "612.5",
            "3701020101",
        ],
        [
            "250124000002",
            "李四",
            "37012400",
            "370124",
            "可能",
            "是",
            "六百",
            "3701240102",
        ],
        [
            "250124000003",
            "欧阳小红",
            "3701240002",
            "3701",
            "是",
            "是",
            "1000.5",
            "x",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    for (name, headers, row) in [
        (
            "高中学校",
            vec!["学校标识码", "学校名称", "区县代码", "招生计划", "指标校"],
            vec!["3701020101", "省实验中学", "370102", "-5", "是"],
        ),
        (
            "初中学校",
            vec![
                "学校标识码",
                "学校名称",
                "区县代码",
                "农村学校",
                "薄弱学校",
                "应届毕业生数",
            ],
            vec!["3701020001", "第一初级中学", "370102", "否", "", "420"],
        ),
    ] {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
            sheet.write_string(1, c as u16, row[c]).unwrap();
        }
    }
    book.save(&path).unwrap();

    let read = read_admission_inputs(&path, 2025).unwrap();
    let lines: Vec<String> = read.errors.iter().map(ToString::to_string).collect();
    let has = |text: &str| lines.iter().any(|l| l.contains(text));
    assert!(
        has("录取数据.xlsx（工作表“考生”）第 3 行【初中学校标识码】学校标识码“37012400”应为 10 位数字"),
        "{lines:#?}"
    );
    assert!(
        has("（工作表“考生”）第 3 行【指标生资格】“可能”应填“是”或“否”"),
        "{lines:#?}"
    );
    assert!(has("（工作表“考生”）第 3 行【总分】“六百”不是分数"), "{lines:#?}");
    assert!(
        has("（工作表“考生”）第 4 行【居住区县代码】“3701”不是区县代码"),
        "{lines:#?}"
    );
    assert!(
        has("（工作表“考生”）第 4 行【总分】“1000.5”不是分数"),
        "{lines:#?}"
    );
    assert!(has("（工作表“考生”）第 4 行【平行志愿1】"), "{lines:#?}");
    assert!(
        has("（工作表“高中学校”）第 2 行【招生计划】“-5”不能为负数"),
        "{lines:#?}"
    );
    assert!(
        has("（工作表“初中学校”）第 2 行【薄弱学校】应填“是”或“否”，不能为空"),
        "{lines:#?}"
    );
    assert_eq!(read.error_count, lines.len());
    assert_eq!(read.inputs.candidates.len(), 1, "only the clean row is kept");
    assert!(!read.is_clean());
}

#[test]
fn a_missing_sheet_or_column_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    csv(
        dir.path(),
        "高中学校.csv",
        "学校标识码,学校名称,区县代码,招生计划,指标校\n",
    );
    csv(
        dir.path(),
        "初中学校.csv",
        "学校标识码,学校名称,区县代码,农村学校,薄弱学校,应届毕业生数\n",
    );
    let missing = read_admission_inputs(dir.path(), 2025).unwrap_err();
    assert!(matches!(missing, ImportError::NotFound { .. }), "{missing}");
    assert!(missing.to_string().contains("考生.csv"), "{missing}");

    csv(
        dir.path(),
        "考生.csv",
        "准考证号,姓名,初中学校标识码,指标生资格,录取资格\n1,张三,3701020001,是,是\n",
    );
    let no_total = read_admission_inputs(dir.path(), 2025).unwrap_err().to_string();
    assert!(
        no_total.contains("考生.csv") && no_total.contains("【总分】"),
        "{no_total}"
    );
}

#[test]
fn the_checks_problems_point_at_the_files_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("录取数据.xlsx");
    std::fs::write(&path, write_admission_inputs_xlsx(&year()).unwrap()).unwrap();
    let read = read_admission_inputs(&path, 2025).unwrap();
    let report = CheckReport {
        problems: vec![
            Problem {
                severity: Severity::Error,
                sheet: Sheet::Candidates,
                index: Some(2),
                field: "指标志愿1".into(),
                message: "指标志愿只能填指标校".into(),
            },
            Problem {
                severity: Severity::Warning,
                sheet: Sheet::Policy,
                index: None,
                field: "指标到校比例".into(),
                message: "低于 50%".into(),
            },
        ],
        errors: 1,
        warnings: 1,
    };
    let lines: Vec<String> = check_problems(&read, &report, "policy.toml")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        [
            "录取数据.xlsx（工作表“考生”）第 4 行【指标志愿1】指标志愿只能填指标校",
            "policy.toml【指标到校比例】提示：低于 50%",
        ]
    );
}

#[test]
fn a_list_with_a_gap_is_refused_naming_the_column() {
    let dir = tempfile::tempdir().unwrap();
    csv(
        dir.path(),
        "初中学校.csv",
        "学校标识码,学校名称,区县代码,农村学校,薄弱学校,应届毕业生数\n3701020001,第一初级中学,370102,否,否,420\n",
    );
    csv(
        dir.path(),
        "高中学校.csv",
        "学校标识码,学校名称,区县代码,招生计划,指标校\n3701020101,省实验中学,370102,600,是\n",
    );
    csv(
        dir.path(),
        "考生.csv",
        "准考证号,姓名,初中学校标识码,指标生资格,录取资格,总分,平行志愿1,平行志愿2\n\
         250102000001,王小明,3701020001,是,是,612,,3701020101\n",
    );
    let read = read_admission_inputs(dir.path(), 2025).unwrap();
    let lines: Vec<String> = read.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        ["考生.csv 第 2 行【平行志愿2】平行志愿1为空而此列有学校：志愿须从第 1 个起连续填写"]
    );
}

/// A school year of the registry: a rural junior school with three grade-9
/// students (and one grade-8), an urban one with one, a senior school with
/// 普通高中 seats and a primary school that is neither.
fn registry_year() -> registry::snapshot::YearSnapshot {
    use registry::snapshot::*;
    use registry::{Grade, Location, Ownership, QualityRating, SchoolYear, Sex, Stage};
    let school =
        |code: &str, name: &str, county: u32, location: Location, stage: Stage, seats: u32| SchoolRow {
            code: SchoolCode::parse(code).unwrap(),
            name: name.into(),
            county,
            township: NONE,
            school_group: NONE,
            ownership: Ownership::Public,
            inclusive: false,
            quality_rating: QualityRating::Unrated,
            location,
            serves: std::array::from_fn(|i| i == stage.index()),
            seats: std::array::from_fn(|i| if i == stage.index() { seats } else { 0 }),
            facility: None,
        };
    let student = |school: u32, stage: Stage, grade: i8| StudentRow {
        school,
        class: NONE,
        stage,
        grade: Grade(grade),
        sex: Sex::Female,
        migrant_child: false,
        boarder: false,
        myopic: None,
    };
    YearSnapshot {
        school_year: SchoolYear(2024),
        city: Some(area("3701")),
        counties: vec![
            AreaRef {
                code: area("370102"),
                name: "历下区".into(),
            },
            AreaRef {
                code: area("370124"),
                name: "平阴县".into(),
            },
        ],
        townships: vec![],
        school_groups: vec![],
        schools: vec![
            school(
                "3701240002",
                "孔村镇初级中学",
                1,
                Location::Rural,
                Stage::Junior,
                600,
            ),
            school(
                "3701020001",
                "第一初级中学",
                0,
                Location::Urban,
                Stage::Junior,
                900,
            ),
            school(
                "3701020101",
                "省实验中学",
                0,
                Location::Urban,
                Stage::Senior,
                1200,
            ),
            school(
                "3701020201",
                "第一实验小学",
                0,
                Location::Urban,
                Stage::Primary,
                2000,
            ),
        ],
        classes: vec![],
        students: vec![
            student(0, Stage::Junior, 9),
            student(0, Stage::Junior, 9),
            student(0, Stage::Junior, 8),
            student(1, Stage::Junior, 9),
            student(0, Stage::Junior, 9),
            student(3, Stage::Primary, 6),
        ],
        teachers: vec![],
        population: vec![],
    }
}

#[test]
fn a_template_from_the_registry_lists_its_graduates_and_asks_for_what_it_cannot_know() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("录取数据模板.xlsx");
    let bytes = import_export::admission_workbook::admission_template_xlsx(&registry_year(), 2025).unwrap();
    std::fs::write(&path, bytes).unwrap();
    let read = read_admission_inputs(&path, 2025).unwrap();
    let juniors: Vec<(&str, bool, u32)> = read
        .inputs
        .junior_schools
        .iter()
        .map(|j| (j.code.as_str(), j.rural, j.graduates))
        .collect();
    assert_eq!(juniors, [("3701240002", true, 3), ("3701020001", false, 1)]);
    let seniors: Vec<(&str, u32, bool)> = read
        .inputs
        .senior_schools
        .iter()
        .map(|s| (s.code.as_str(), s.seats, s.quota_school))
        .collect();
    assert_eq!(seniors, [("3701020101", 1200, false)]);
    // Four candidate rows (the grade-9 students), each lacking its name
    // and its four scores (总分, 语文, 数学, 外语): twenty errors, on rows 2–5.
    assert_eq!(read.error_count, 20, "{:?}", read.errors);
    assert!(read.errors.iter().all(|e| (2..=5).contains(&e.row)));
    assert!(read
        .errors
        .iter()
        .any(|e| e.row == 5 && e.column.as_deref() == Some("姓名")));
    assert!(read
        .errors
        .iter()
        .any(|e| e.row == 2 && e.column.as_deref() == Some("总分")));
    assert!(read.inputs.candidates.is_empty());
}

#[test]
fn hostile_files_are_refused_within_the_importers_limits() {
    let dir = tempfile::tempdir().unwrap();
    csv(
        dir.path(),
        "初中学校.csv",
        "学校标识码,学校名称,区县代码,农村学校,薄弱学校,应届毕业生数\n3701020001,第一初级中学,370102,否,否,420\n",
    );
    csv(
        dir.path(),
        "高中学校.csv",
        "学校标识码,学校名称,区县代码,招生计划,指标校\n3701020101,省实验中学,370102,600,是\n",
    );
    let row = "250102000001,王小明,3701020001,是,是,612,3701020101\n";
    csv(
        dir.path(),
        "考生.csv",
        &format!(
            "准考证号,姓名,初中学校标识码,指标生资格,录取资格,总分,平行志愿1\n{}",
            row.repeat(3)
        ),
    );
    // More rows than the limit: refused whole, naming the file.
    let limits = import_export::ReadLimits {
        max_rows: 2,
        ..import_export::ReadLimits::default()
    };
    let refused =
        import_export::with_read_limits(limits, || read_admission_inputs(dir.path(), 2025)).unwrap_err();
    assert!(matches!(refused, ImportError::TooManyRows { .. }), "{refused}");
    assert!(refused.to_string().contains("考生.csv"), "{refused}");

    // A column given twice, and more list columns than a list may hold.
    csv(
        dir.path(),
        "考生.csv",
        "准考证号,姓名,初中学校标识码,指标生资格,录取资格,总分,总分\n1,张三,3701020001,是,是,600,600\n",
    );
    let twice = read_admission_inputs(dir.path(), 2025).unwrap_err();
    assert!(matches!(twice, ImportError::DuplicateColumns { .. }), "{twice}");
    let lists: Vec<String> = (1..=31).map(|n| format!("平行志愿{n}")).collect();
    csv(
        dir.path(),
        "考生.csv",
        &format!(
            "准考证号,姓名,初中学校标识码,指标生资格,录取资格,总分,{}\n",
            lists.join(",")
        ),
    );
    let long = read_admission_inputs(dir.path(), 2025).unwrap_err().to_string();
    assert!(long.contains("平行志愿有 31 列，至多 30 列"), "{long}");

    // A workbook that is not one.
    let fake = dir.path().join("录取数据.xlsx");
    std::fs::write(&fake, b"PK\x03\x04 not really a zip").unwrap();
    let corrupt = read_admission_inputs(&fake, 2025).unwrap_err();
    assert!(matches!(corrupt, ImportError::CorruptXlsx { .. }), "{corrupt}");
}
