//! `edugov plan`, `edugov projects` and `edugov report summary`: a 任务分解表
//! imported, exported and re-imported unchanged; the 青岛 projects giving
//! 82.5 % and 50 % in the 督办台账 workbook and the summary; seats of a
//! project put into use added to its school.

use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};

use crate::{command, empty_db, run, small_city, Run};

/// Runs edugov on `db` for the city 3701 (a fresh database holds no school
/// to tell the city from).
fn edugov(db: &Path, args: &[&str]) -> Run {
    let mut c = command(db, args);
    c.env("EDUGOV_CITY", "3701").env("USER", "plansio-test");
    run(c)
}

fn xlsx(path: &Path, rows: &[Vec<String>]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if !text.is_empty() {
                sheet.write_string(r as u32, c as u16, text).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| (*s).to_owned()).collect()
}

/// A 任务分解表 as a bureau writes it, with edugov's measure columns.
fn work_plan(path: &Path) {
    xlsx(
        path,
        &[
            strings(&["济南市教育局2026年工作要点任务分解表"]),
            strings(&[
                "序号",
                "目标任务",
                "分管（县）领导",
                "牵头单位",
                "责任（协同配合）单位",
                "完成时间",
                "责任区县",
                "考核方式",
                "计数对象",
                "目标值",
                "学段",
            ]),
            strings(&["一、学前教育"]),
            strings(&[
                "1",
                "新建、改扩建幼儿园68处",
                "王局长",
                "基础教育处",
                "发展规划处、计划财务处",
                "2026年12月31日",
                "历下区 30；市中区 38",
                "计数",
                "完工",
                "68",
                "学前",
            ]),
            strings(&[
                "2",
                "出台学前教育条例实施意见",
                "王局长",
                "政策法规处",
                "",
                "6月底",
                "",
                "",
                "",
                "",
                "",
            ]),
            strings(&["二、义务教育"]),
            strings(&[
                "3",
                "开工建设中小学40所",
                "李局长",
                "发展规划处",
                "",
                "年底",
                "历下区；市中区",
                "计数",
                "开工",
                "40",
                "",
            ]),
        ],
    );
}

#[test]
fn a_work_plan_is_imported_exported_and_reimported_unchanged() {
    let (dir, db) = empty_db("plan");
    let file = dir.path().join("任务分解表.xlsx");
    work_plan(&file);
    let dry = edugov(&db, &["plan", "import", file.to_str().unwrap(), "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(dry.stderr.contains("3 项任务"), "{}", dry.stderr);
    let first = edugov(&db, &["plan", "import", file.to_str().unwrap()]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.contains("新增 3 项，更新 0 项，未变 0 项"),
        "{}",
        first.stdout
    );

    let out = dir.path().join("导出.xlsx");
    let export = edugov(
        &db,
        &["plan", "export", "--year", "2026", "--out", out.to_str().unwrap()],
    );
    assert_eq!(export.code, 0, "{}", export.stderr);
    let again = edugov(&db, &["plan", "import", out.to_str().unwrap()]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains("新增 0 项，更新 0 项，未变 3 项"),
        "{}",
        again.stdout
    );
}

#[test]
fn a_work_plan_of_the_bureaus_own_columns_is_said_to_be_milestones() {
    let (dir, db) = empty_db("plan");
    let file = dir.path().join("分解表.xlsx");
    xlsx(
        &file,
        &[
            strings(&[
                "序号",
                "目标与任务",
                "分管领导",
                "牵头单位",
                "责任单位",
                "完成时限",
            ]),
            strings(&["1", "召开全市教育大会", "王局长", "办公室", "", "2026-03-31"]),
        ],
    );
    let run = edugov(
        &db,
        &[
            "plan",
            "import",
            file.to_str().unwrap(),
            "--year",
            "2026",
            "--dry-run",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("节点任务") && run.stderr.contains("年度重点工作"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_work_plan_with_bad_rows_is_refused_naming_row_column_and_value() {
    let (dir, db) = empty_db("plan");
    let file = dir.path().join("坏表.xlsx");
    xlsx(
        &file,
        &[
            strings(&["2026年任务分解表"]),
            strings(&["序号", "目标与任务", "牵头单位", "完成时限", "责任区县"]),
            strings(&["1", "新建幼儿园", "基教处", "长期坚持", "历下区"]),
            strings(&["2", "大班额清零", "基教处", "年底", "天桥新区 3"]),
        ],
    );
    let run = edugov(&db, &["plan", "import", file.to_str().unwrap()]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("第 3 行【完成时限】"), "{}", run.stderr);
    assert!(run.stderr.contains("第 4 行【责任区县】"), "{}", run.stderr);
    assert!(run.stderr.contains("未导入任何数据"), "{}", run.stderr);
    // Nothing was written: there is no plan to export.
    let out = dir.path().join("x.xlsx");
    let export = edugov(
        &db,
        &["plan", "export", "--year", "2026", "--out", out.to_str().unwrap()],
    );
    assert_ne!(export.code, 0);
    assert!(export.stderr.contains("还没有工作计划"), "{}", export.stderr);
}

#[test]
fn exports_and_reports_refuse_a_database_that_does_not_exist() {
    let (dir, _) = empty_db("none");
    let missing = dir.path().join("typo.db");
    let out = dir.path().join("台账.xlsx");
    for args in [
        vec!["plan", "export", "--year", "2026", "--out", out.to_str().unwrap()],
        vec!["projects", "export", "--out", out.to_str().unwrap()],
        vec![
            "report",
            "summary",
            "--year",
            "2026",
            "--out",
            out.to_str().unwrap(),
        ],
    ] {
        let run = edugov(&missing, &args);
        assert_ne!(run.code, 0, "{args:?}");
        assert!(run.stderr.contains("不存在"), "{args:?}: {}", run.stderr);
    }
    assert!(!missing.exists());
    assert!(!out.exists());
}

const PROJECT_HEADER: [&str; 16] = [
    "项目编号",
    "项目名称",
    "建设类型",
    "学校标识码",
    "拟建学校名称",
    "建设地点",
    "区县",
    "学段",
    "新增学位",
    "建筑面积",
    "总投资（万元）",
    "计划开工日期",
    "实际开工日期",
    "计划竣工日期",
    "实际竣工日期",
    "投入使用日期",
];

/// 青岛's half-year: 40 planned to start in 2026 (33 started), 50 planned
/// to complete in 2026 (25 completed).
fn qingdao(path: &Path) {
    let mut rows = vec![strings(&PROJECT_HEADER)];
    for i in 0..90 {
        let county = if i % 2 == 0 { "历下区" } else { "370103" };
        let (planned_start, actual_start, planned_completion, actual_completion) = if i < 40 {
            (
                "2026-03-01",
                if i < 33 { "2026-04-10" } else { "" },
                "2027-08-31",
                "",
            )
        } else {
            (
                "2025-03-01",
                "2025-04-01",
                "2026-08-31",
                if i < 65 { "2026年5月20日" } else { "" },
            )
        };
        rows.push(vec![
            format!("QD{i:03}"),
            format!("第{i}学校新建工程"),
            "新建".into(),
            String::new(),
            format!("拟建第{i}学校"),
            "经十路".into(),
            county.into(),
            "小学".into(),
            "1080".into(),
            "12000".into(),
            "8000".into(),
            planned_start.into(),
            actual_start.into(),
            planned_completion.into(),
            actual_completion.into(),
            String::new(),
        ]);
    }
    xlsx(path, &rows);
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

#[test]
fn the_qingdao_projects_give_82_5_and_50_percent_in_the_ledger_and_the_summary() {
    let (dir, db) = empty_db("projects");
    let plan = dir.path().join("任务分解表.xlsx");
    work_plan(&plan);
    assert_eq!(edugov(&db, &["plan", "import", plan.to_str().unwrap()]).code, 0);
    let file = dir.path().join("项目台账.xlsx");
    qingdao(&file);
    let import = edugov(&db, &["projects", "import", file.to_str().unwrap()]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert!(import.stdout.contains("新增 90 个"), "{}", import.stdout);

    // Exported and imported again: nothing changes.
    let out = dir.path().join("导出项目.xlsx");
    let export = edugov(&db, &["projects", "export", "--out", out.to_str().unwrap()]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let again = edugov(&db, &["projects", "import", out.to_str().unwrap()]);
    assert!(again.stdout.contains("未变 90 个"), "{}", again.stdout);

    let ledger = dir.path().join("ledger.xlsx");
    let report = edugov(
        &db,
        &[
            "report",
            "summary",
            "--year",
            "2026",
            "--as-of",
            "2026-06-30",
            "--out",
            ledger.to_str().unwrap(),
        ],
    );
    assert_eq!(report.code, 0, "{}", report.stderr);
    let rows = sheet(&ledger, "建设项目");
    let city = rows
        .iter()
        .find(|r| r.first().map(Data::to_string).as_deref() == Some("全市"))
        .unwrap();
    assert_eq!(
        &city[1..7],
        &[
            Data::Float(40.0),
            Data::Float(33.0),
            Data::Float(0.825),
            Data::Float(50.0),
            Data::Float(25.0),
            Data::Float(0.5),
        ]
    );
    let tasks = sheet(&ledger, "督办台账");
    // Title, header, 3 tasks and 4 county parts.
    assert_eq!(tasks.len(), 2 + 3 + 4);

    let docx = dir.path().join("总结.docx");
    let report = edugov(
        &db,
        &[
            "report",
            "summary",
            "--year",
            "2026",
            "--as-of",
            "2026-06-30",
            "--out",
            docx.to_str().unwrap(),
        ],
    );
    assert_eq!(report.code, 0, "{}", report.stderr);
    let text = document_xml(&docx);
    assert!(
        text.contains("82.5%") && text.contains("50%"),
        "the summary lacks the rates"
    );
}

fn document_xml(path: &PathBuf) -> String {
    let mut zip = zip_archive(path);
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

fn zip_archive(path: &Path) -> zip::ZipArchive<std::fs::File> {
    zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap()
}

#[test]
fn a_project_put_into_use_adds_its_seats_to_its_school() {
    let city = small_city();
    let (dir, db) = city.copy("projects");
    let mut schools = csv::Reader::from_path(city.dir.join("schools.csv")).unwrap();
    let headers = schools.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (code, county, stages, seats) = (at("学校标识码"), at("所在区县代码"), at("学段"), at("小学学位"));
    let school = schools
        .records()
        .map(Result::unwrap)
        .find(|r| r[stages].contains("小学"))
        .unwrap();
    let before: u64 = school[seats].parse().unwrap_or(0);
    let file = dir.path().join("项目.xlsx");
    let mut row = strings(&PROJECT_HEADER)
        .iter()
        .map(|_| String::new())
        .collect::<Vec<_>>();
    for (c, value) in [
        (0, "KJ001"),
        (1, "扩建教学楼"),
        (2, "扩建"),
        (3, &school[code]),
        (6, &school[county]),
        (7, "小学"),
        (8, "500"),
        (12, "2025-03-01"),
        (14, "2025-12-20"),
        (15, "2026-02-20"),
    ] {
        row[c] = value.to_owned();
    }
    xlsx(&file, &[strings(&PROJECT_HEADER), row]);
    let dry = edugov(&db, &["projects", "import", file.to_str().unwrap(), "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout
            .contains(&format!("将为学校 {} 增加小学学位 500 个", &school[code])),
        "{}",
        dry.stdout
    );
    let import = edugov(&db, &["projects", "import", file.to_str().unwrap()]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert!(
        import
            .stdout
            .contains(&format!("已为学校 {} 增加小学学位 500 个", &school[code])),
        "{}",
        import.stdout
    );

    let out = dir.path().join("schools.csv");
    let export = edugov(
        &db,
        &[
            "export",
            "schools",
            "--format",
            "csv",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(export.code, 0, "{}", export.stderr);
    let mut after = csv::Reader::from_path(&out).unwrap();
    let now = after
        .records()
        .map(Result::unwrap)
        .find(|r| r[code] == school[code])
        .unwrap();
    assert_eq!(now[seats].parse::<u64>().unwrap_or(0), before + 500);

    // The date put into use cannot change afterwards.
    let mut rows = vec![strings(&PROJECT_HEADER)];
    let mut changed: Vec<String> = rows[0].iter().map(|_| String::new()).collect();
    changed[0] = "KJ001".into();
    changed[1] = "扩建教学楼".into();
    changed[2] = "扩建".into();
    changed[3] = school[code].to_owned();
    changed[6] = school[county].to_owned();
    changed[7] = "小学".into();
    changed[8] = "500".into();
    changed[12] = "2025-03-01".into();
    changed[14] = "2025-12-20".into();
    changed[15] = "2026-03-01".into();
    rows.push(changed);
    xlsx(&file, &rows);
    let refused = edugov(&db, &["projects", "import", file.to_str().unwrap()]);
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("【投入使用日期】"), "{}", refused.stderr);
}
