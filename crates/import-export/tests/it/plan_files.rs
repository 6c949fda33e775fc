//! The plan files: the 任务分解表 (read, errors, round trip), the 项目台账
//! (checks, round trip), the 督办台账 workbook (the 青岛 rates), and hostile
//! plan files.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use chrono::NaiveDate;
use import_export::{
    ledger_workbook, projects_workbook, read_projects, read_work_plan, work_plan_workbook, ImportError,
    PlanContext, ProjectContext, ReadLimits,
};
use plans::{
    Assignment, CountGoal, Counted, IndicatorGoal, Ledger, Measure, Plan, PlanHeader, PlanId, PlanSpec,
    Project, ProjectId, ProjectKind, ProjectSpec, SectionSpec, Task, TaskId, TaskSource, TaskSpec,
};
use registry::{Area, AreaCode, AreaKind, SchoolCode, Stage};
use rust_xlsxwriter::Workbook;

fn code(text: &str) -> AreaCode {
    AreaCode::parse(text).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn counties() -> Vec<Area> {
    [("370102", "历下区"), ("370103", "市中区"), ("370112", "历城区")]
        .into_iter()
        .map(|(c, n)| Area {
            code: code(c),
            name: n.into(),
            kind: AreaKind::Regular,
        })
        .collect()
}

fn context(year: Option<i32>) -> PlanContext {
    PlanContext {
        city: code("3701"),
        year,
        title: None,
        counties: counties(),
    }
}

/// Writes rows (the first is the header) as an `.xlsx`, every cell a string.
fn xlsx(dir: &Path, name: &str, rows: &[Vec<&str>]) -> PathBuf {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if !text.is_empty() {
                sheet.write_string(r as u32, c as u16, *text).unwrap();
            }
        }
    }
    let path = dir.join(name);
    book.save(&path).unwrap();
    path
}

fn task(seq: &str, text: &str, deadline: NaiveDate, measure: Measure, counties: Vec<Assignment>) -> TaskSpec {
    TaskSpec {
        seq: seq.into(),
        text: text.into(),
        source: TaskSource::AnnualPriority,
        leader: "王局长".into(),
        lead_unit: "基础教育处".into(),
        co_units: vec!["发展规划处".into(), "各区县教育局".into()],
        deadline,
        measure,
        counties,
    }
}

/// A plan with every kind of measure, shares and a second section.
fn full_plan() -> PlanSpec {
    let share = |c: &str, s: Option<f64>| Assignment {
        county: code(c),
        share: s,
    };
    PlanSpec {
        city: code("3701"),
        year: 2026,
        title: "济南市教育局2026年工作要点任务分解表".into(),
        sections: vec![
            SectionSpec {
                title: "一、学前教育".into(),
                tasks: vec![
                    task(
                        "1",
                        "新建、改扩建幼儿园68处，新增学位1.5万个",
                        d(2026, 12, 31),
                        Measure::Count(CountGoal {
                            counted: Counted::ProjectsCompleted {
                                stage: Some(Stage::Preschool),
                            },
                            target: 68.0,
                        }),
                        vec![share("370102", Some(5.0)), share("370103", Some(8.5))],
                    ),
                    task(
                        "2",
                        "普惠性幼儿园覆盖率达到85%",
                        d(2026, 6, 30),
                        Measure::Indicator(IndicatorGoal {
                            indicator: "inclusive_coverage".into(),
                            stage: None,
                            baseline_year: 2024,
                            baseline: Some(80.25),
                            target: 85.0,
                            target_year: 2026,
                            better: plans::Better::Higher,
                        }),
                        vec![share("370112", None)],
                    ),
                ],
            },
            SectionSpec {
                title: "家庭教育".into(),
                tasks: vec![
                    TaskSpec {
                        source: TaskSource::LeaderInstruction,
                        co_units: vec![],
                        leader: String::new(),
                        ..task(
                            "3.1",
                            "建设家长学校1000家",
                            d(2026, 9, 30),
                            Measure::Count(CountGoal {
                                counted: Counted::Reported { unit: "家".into() },
                                target: 1000.0,
                            }),
                            vec![],
                        )
                    },
                    task(
                        "3.2",
                        "=出台家庭教育指导意见",
                        d(2026, 11, 30),
                        Measure::Milestone,
                        vec![],
                    ),
                ],
            },
        ],
    }
}

#[test]
fn an_exported_work_plan_imports_back_as_the_same_plan() {
    let dir = tempfile::tempdir().unwrap();
    let plan = full_plan();
    let bytes = work_plan_workbook(&plan, &counties()).unwrap();
    let path = dir.path().join("任务分解表.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    // The year and title come from the title row above the header.
    let read = read_work_plan(&path, &context(None)).unwrap();
    assert_eq!(read.errors, vec![]);
    assert!(!read.bureau_columns_only);
    assert_eq!(read.rows, 4);
    assert_eq!(read.plan, plan);
}

#[test]
fn a_file_of_the_bureaus_six_columns_imports_as_milestones_under_its_headings() {
    let dir = tempfile::tempdir().unwrap();
    let path = xlsx(
        dir.path(),
        "分解表.xlsx",
        &[
            vec!["2026年全市教育工作要点任务分解表"],
            vec![
                "序号",
                "目标任务",
                "分管(县)领导",
                "牵头责任单位",
                "责任(协同配合)单位",
                "完成时间",
            ],
            vec!["一、学前教育"],
            vec![
                "1",
                "新建幼儿园",
                "张三",
                "基教处",
                "规划处、财务处",
                "2026年6月底",
            ],
            vec!["2", "普惠率达标", "", "基教处", "", "年底"],
            vec!["", "（二）义务教育"],
            vec!["3", "大班额清零", "李四", "基教处", "各区县", "46203"],
        ],
    );
    let read = read_work_plan(&path, &context(None)).unwrap();
    assert_eq!(read.errors, vec![]);
    assert!(read.bureau_columns_only);
    assert_eq!(read.plan.year, 2026);
    assert_eq!(read.plan.title, "2026年全市教育工作要点任务分解表");
    let sections: Vec<(&str, usize)> = read
        .plan
        .sections
        .iter()
        .map(|s| (s.title.as_str(), s.tasks.len()))
        .collect();
    assert_eq!(sections, vec![("一、学前教育", 2), ("（二）义务教育", 1)]);
    let first = &read.plan.sections[0].tasks[0];
    assert_eq!(first.measure, Measure::Milestone);
    assert_eq!(first.source, TaskSource::AnnualPriority);
    assert_eq!(first.co_units, vec!["规划处".to_owned(), "财务处".to_owned()]);
    assert_eq!(first.deadline, d(2026, 6, 30));
    assert_eq!(read.plan.sections[0].tasks[1].deadline, d(2026, 12, 31));
    assert_eq!(read.plan.sections[1].tasks[0].deadline, d(2026, 6, 30));
}

#[test]
fn tasks_without_a_heading_go_to_the_annual_priorities_section() {
    let dir = tempfile::tempdir().unwrap();
    let path = xlsx(
        dir.path(),
        "分解表.xlsx",
        &[
            vec!["序号", "目标与任务", "牵头单位", "完成时限"],
            vec!["1", "新建幼儿园", "基教处", "2026-06-30"],
        ],
    );
    let read = read_work_plan(&path, &context(Some(2026))).unwrap();
    assert_eq!(read.errors, vec![]);
    assert_eq!(read.plan.sections[0].title, import_export::DEFAULT_SECTION);
    assert_eq!(read.plan.title, "2026年工作任务分解表");
}

#[test]
fn every_bad_cell_is_named_by_file_row_column_and_value_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let path = xlsx(
        dir.path(),
        "坏表.xlsx",
        &[
            vec![
                "序号",
                "目标与任务",
                "牵头单位",
                "完成时限",
                "责任区县",
                "考核方式",
                "指标",
                "目标值",
                "基线年份",
                "计数对象",
            ],
            vec![
                "1",
                "新建幼儿园",
                "基教处",
                "长期坚持",
                "历下区 5；天桥区 3",
                "计数",
                "",
                "68",
                "",
                "开工",
            ],
            vec![
                "2",
                "普惠率",
                "基教处",
                "6月底",
                "",
                "指标",
                "幸福指数",
                "85",
                "2024",
                "",
            ],
            vec!["2", "重复序号", "", "6月底", "", "", "", "", "", ""],
            vec!["4", "节点任务", "基教处", "年底", "", "节点", "", "3", "", ""],
        ],
    );
    let read = read_work_plan(&path, &context(Some(2026))).unwrap();
    let found: Vec<(u64, Option<&str>, &str)> = read
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_deref(), e.value.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (2, Some("完成时限"), "长期坚持"),
            (2, Some("责任区县"), "天桥区 3"),
            (3, Some("指标"), "幸福指数"),
            (4, Some("牵头单位"), ""),
            (5, Some("目标值"), "3"),
        ]
    );
    assert!(read.errors.iter().all(|e| e.file == "坏表.xlsx"));
    let county = &read.errors[1];
    assert!(county.message.contains("天桥区") && county.message.contains("历下区、市中区、历城区"));
    assert!(read.errors[0]
        .to_string()
        .starts_with("坏表.xlsx（工作表“Sheet1”）第 2 行【完成时限】"));
}

#[test]
fn a_repeated_seq_is_an_error_on_the_second_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = xlsx(
        dir.path(),
        "分解表.xlsx",
        &[
            vec!["序号", "目标与任务", "牵头单位", "完成时限"],
            vec!["1", "甲", "基教处", "年底"],
            vec!["1", "乙", "基教处", "年底"],
        ],
    );
    let read = read_work_plan(&path, &context(Some(2026))).unwrap();
    assert_eq!(read.errors.len(), 1);
    assert_eq!(
        (read.errors[0].row, read.errors[0].column.as_deref()),
        (3, Some("序号"))
    );
}

#[test]
fn a_plan_without_a_year_asks_for_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = xlsx(
        dir.path(),
        "分解表.xlsx",
        &[
            vec!["序号", "目标与任务", "牵头单位", "完成时限"],
            vec!["1", "甲", "基教处", "6月底"],
        ],
    );
    let read = read_work_plan(&path, &context(None)).unwrap();
    assert_eq!(read.errors.len(), 1);
    assert!(read.errors[0].message.contains("--year"));
}

#[test]
fn a_file_that_is_no_plan_names_the_columns_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    let path = xlsx(
        dir.path(),
        "学生.xlsx",
        &[vec!["姓名", "身份证号"], vec!["张三", "x"]],
    );
    let err = read_work_plan(&path, &context(Some(2026))).unwrap_err();
    assert!(matches!(err, ImportError::NoTable { .. }), "{err}");
    assert!(err.to_string().contains("目标与任务"), "{err}");
    let path = xlsx(
        dir.path(),
        "缺列.xlsx",
        &[vec!["序号", "目标与任务", "牵头单位"], vec!["1", "甲", "基教处"]],
    );
    let err = read_work_plan(&path, &context(Some(2026))).unwrap_err();
    assert!(err.to_string().contains("【完成时限】"), "{err}");
}

fn project(i: u32) -> ProjectSpec {
    ProjectSpec {
        code: format!("QD{i:03}"),
        name: format!("第{i}中学扩建工程"),
        kind: ProjectKind::New,
        school: None,
        planned_school: Some(format!("拟建学校{i}")),
        site: Some("经十路".into()),
        county: code("370102"),
        stage: Stage::Primary,
        seats: 1080,
        floor_area: 12_500.5,
        investment: 8_000.0,
        planned_start: Some(d(2026, 3, 1)),
        actual_start: None,
        planned_completion: None,
        actual_completion: None,
        in_use: None,
    }
}

/// 青岛: 40 planned to start in 2026, 33 started; 50 planned to complete, 25 done.
fn qingdao() -> Vec<ProjectSpec> {
    let mut out = Vec::new();
    for i in 0..40 {
        let mut p = project(i);
        p.county = code(if i % 2 == 0 { "370102" } else { "370103" });
        p.planned_completion = Some(d(2027, 8, 31));
        if i < 33 {
            p.actual_start = Some(d(2026, 4, 10));
        }
        out.push(p);
    }
    for i in 40..90 {
        let mut p = project(i);
        p.planned_start = Some(d(2025, 3, 1));
        p.actual_start = Some(d(2025, 4, 1));
        p.planned_completion = Some(d(2026, 8, 31));
        if i < 65 {
            p.actual_completion = Some(d(2026, 5, 20));
        }
        out.push(p);
    }
    out
}

fn project_context(stored: Vec<ProjectSpec>) -> ProjectContext {
    let mut schools = HashMap::new();
    schools.insert(
        SchoolCode::parse("3701020001").unwrap(),
        store::SchoolInfo {
            county: code("370102"),
            stages: vec![Stage::Primary],
        },
    );
    ProjectContext {
        city: code("3701"),
        counties: counties(),
        schools,
        stored: stored.into_iter().map(|p| (p.code.clone(), p)).collect(),
    }
}

#[test]
fn exported_projects_import_back_unchanged_and_name_the_seats_they_add() {
    let dir = tempfile::tempdir().unwrap();
    let mut projects = qingdao();
    let done = &mut projects[45];
    done.school = Some(SchoolCode::parse("3701020001").unwrap());
    done.kind = ProjectKind::Expand;
    done.in_use = Some(d(2026, 9, 1));
    let path = dir.path().join("项目.xlsx");
    std::fs::write(&path, projects_workbook(&projects, &counties()).unwrap()).unwrap();
    let read = read_projects(&path, &project_context(vec![])).unwrap();
    assert_eq!(read.errors, vec![]);
    assert_eq!(read.projects, projects);
    assert_eq!(read.put_in_use.len(), 1);
    assert_eq!(read.put_in_use[0].seats, 1080);
    // Stored with that date already: nothing is added again.
    let again = read_projects(&path, &project_context(projects.clone())).unwrap();
    assert_eq!(again.errors, vec![]);
    assert!(again.put_in_use.is_empty());
}

#[test]
fn project_rows_are_checked_against_the_registry_and_the_stored_projects() {
    let dir = tempfile::tempdir().unwrap();
    let header = vec![
        "项目编号",
        "项目名称",
        "建设类型",
        "学校标识码",
        "拟建学校名称",
        "区县",
        "学段",
        "新增学位",
        "实际开工日期",
        "实际竣工日期",
        "投入使用日期",
    ];
    let path = xlsx(
        dir.path(),
        "项目.xlsx",
        &[
            header,
            // A school that does not exist.
            vec![
                "P1",
                "甲",
                "新建",
                "3701029999",
                "",
                "历下区",
                "小学",
                "900",
                "",
                "",
                "",
            ],
            // A school that does not serve the stage.
            vec![
                "P2",
                "乙",
                "扩建",
                "3701020001",
                "",
                "历下区",
                "初中",
                "900",
                "",
                "",
                "",
            ],
            // A county of another city.
            vec![
                "P3",
                "丙",
                "改扩建",
                "",
                "新校",
                "370202",
                "小学",
                "900",
                "",
                "",
                "",
            ],
            // Completed before it started.
            vec![
                "P4",
                "丁",
                "新建",
                "",
                "新校",
                "历下区",
                "小学",
                "900",
                "2026-05-01",
                "2026-04-01",
                "",
            ],
            // The stored 投入使用 date changed.
            vec![
                "P5",
                "戊",
                "扩建",
                "3701020001",
                "",
                "历下区",
                "小学",
                "900",
                "2025-03-01",
                "2026-03-01",
                "2026-09-01",
            ],
            vec![
                "P6",
                "己",
                "拆除",
                "",
                "新校",
                "历下区",
                "小学",
                "很多",
                "",
                "",
                "",
            ],
        ],
    );
    let mut stored = project(5);
    stored.code = "P5".into();
    stored.school = Some(SchoolCode::parse("3701020001").unwrap());
    stored.actual_start = Some(d(2025, 3, 1));
    stored.actual_completion = Some(d(2026, 3, 1));
    stored.in_use = Some(d(2026, 8, 20));
    let read = read_projects(&path, &project_context(vec![stored])).unwrap();
    let found: Vec<(u64, Option<&str>)> = read.errors.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(
        found,
        vec![
            (2, Some("学校标识码")),
            (3, Some("学段")),
            (4, Some("区县")),
            (5, Some("实际竣工日期")),
            (6, Some("投入使用日期")),
            (7, Some("建设类型")),
            (7, Some("新增学位")),
        ]
    );
    assert!(
        read.errors[4].message.contains("2026-08-20"),
        "{}",
        read.errors[4].message
    );
    assert!(read.projects.is_empty());
}

struct NoReadings;
impl plans::Readings for NoReadings {
    fn readings(&self, _: &IndicatorGoal, _: &AreaCode) -> Vec<plans::progress::Point> {
        Vec::new()
    }
}

fn sheet_rows(bytes: Vec<u8>, sheet: &str) -> Vec<Vec<Data>> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

#[test]
fn the_ledger_workbook_holds_every_task_and_county_and_the_qingdao_rates() {
    let spec = full_plan();
    let tasks: Vec<Task> = spec
        .tasks()
        .enumerate()
        .map(|(i, (section, t))| Task {
            id: TaskId(i as i64 + 1),
            plan: PlanId(1),
            section: section.to_owned(),
            position: i as u32,
            spec: t.clone(),
        })
        .collect();
    let plan = Plan {
        header: PlanHeader {
            id: PlanId(1),
            city: code("3701"),
            year: 2026,
            title: spec.title.clone(),
        },
        tasks,
    };
    let projects: Vec<Project> = qingdao()
        .into_iter()
        .enumerate()
        .map(|(i, spec)| Project {
            id: ProjectId(i as i64),
            spec,
        })
        .collect();
    let ledger = Ledger::build(&plan, &[], &[], &projects, &NoReadings, d(2026, 7, 10));
    let specs: Vec<ProjectSpec> = projects.iter().map(|p| p.spec.clone()).collect();
    let bytes = ledger_workbook(&ledger, &specs, &counties()).unwrap();

    let rows = sheet_rows(bytes.clone(), "督办台账");
    let text = |r: &[Data], c: usize| r.get(c).map(|d| d.to_string()).unwrap_or_default();
    // Title, header, 4 tasks and 3 county parts.
    assert_eq!(rows.len(), 2 + 4 + 3);
    assert_eq!(text(&rows[1], 6), "判定规则");
    let task2 = rows
        .iter()
        .find(|r| text(r, 0) == "2" && text(r, 3) == "全市")
        .unwrap();
    assert_eq!(text(task2, 7), "逾期");
    assert_eq!(text(task2, 6), ledger.rows[1].whole.rule.explain_zh());
    let lixia = rows.iter().find(|r| text(r, 3) == "历下区（5）").unwrap();
    assert_eq!(text(lixia, 0), "1");
    // A text that looks like a formula stays text.
    assert!(rows.iter().any(|r| text(r, 1) == "=出台家庭教育指导意见"));

    let rows = sheet_rows(bytes, "建设项目");
    let city = rows.iter().find(|r| text(r, 0) == "全市").unwrap();
    assert_eq!(city[1], Data::Float(40.0));
    assert_eq!(city[2], Data::Float(33.0));
    assert_eq!(city[3], Data::Float(0.825));
    assert_eq!(city[4], Data::Float(50.0));
    assert_eq!(city[5], Data::Float(25.0));
    assert_eq!(city[6], Data::Float(0.5));
    let shizhong = rows.iter().find(|r| text(r, 0) == "市中区").unwrap();
    // Odd projects of the first 40 are in 市中区: 20 planned, 16 started.
    assert_eq!(
        (shizhong[1].clone(), shizhong[2].clone()),
        (Data::Float(20.0), Data::Float(16.0))
    );
}

/// The parts of an `.xlsx` that hold formulas: none may.
fn formulas(bytes: &[u8]) -> usize {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut found = 0;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        if part.name().unwrap().starts_with("xl/worksheets/") {
            let mut xml = String::new();
            part.read_to_string(&mut xml).unwrap();
            found += xml.matches("<f>").count() + xml.matches("<f ").count();
        }
    }
    found
}

#[test]
fn formula_looking_cells_are_read_as_text_and_written_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("分解表.csv");
    std::fs::write(
        &path,
        "序号,目标与任务,牵头单位,完成时限\n1,\"=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",+基教处,2026-06-30\n",
    )
    .unwrap();
    let read = read_work_plan(&path, &context(Some(2026))).unwrap();
    assert_eq!(read.errors, vec![]);
    let t = &read.plan.sections[0].tasks[0];
    assert_eq!(t.text, "=HYPERLINK(\"http://x\",\"点我\")");
    let bytes = work_plan_workbook(&read.plan, &counties()).unwrap();
    assert_eq!(formulas(&bytes), 0);
    let mut project = project(1);
    project.name = "=1+1".into();
    assert_eq!(formulas(&projects_workbook(&[project], &counties()).unwrap()), 0);
}

#[test]
fn a_broken_workbook_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("分解表.xlsx");
    std::fs::write(&path, b"PK\x03\x04 not really a zip").unwrap();
    let err = read_work_plan(&path, &context(Some(2026))).unwrap_err();
    assert!(matches!(err, ImportError::CorruptXlsx { .. }), "{err}");
    assert!(err.to_string().contains("分解表.xlsx"));
    let err = read_projects(&path, &project_context(vec![])).unwrap_err();
    assert!(matches!(err, ImportError::CorruptXlsx { .. }), "{err}");
}

#[test]
fn plan_files_past_the_row_limit_are_refused_not_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("分解表.csv");
    let mut text = String::from("序号,目标与任务,牵头单位,完成时限\n");
    for i in 0..500 {
        text.push_str(&format!("{i},任务,基教处,年底\n"));
    }
    std::fs::write(&path, text).unwrap();
    let limits = ReadLimits {
        max_rows: 100,
        ..ReadLimits::default()
    };
    let err =
        import_export::with_read_limits(limits, || read_work_plan(&path, &context(Some(2026)))).unwrap_err();
    assert!(
        matches!(err, ImportError::TooManyRows { limit: 100, .. }),
        "{err}"
    );
    let limits = ReadLimits {
        max_cell_chars: 10,
        ..ReadLimits::default()
    };
    let long = xlsx(
        dir.path(),
        "长.xlsx",
        &[
            vec!["序号", "目标与任务", "牵头单位", "完成时限"],
            vec!["1", "一项写得非常非常非常非常长的任务", "基教处", "年底"],
        ],
    );
    let err =
        import_export::with_read_limits(limits, || read_work_plan(&long, &context(Some(2026)))).unwrap_err();
    assert!(err.to_string().contains("第 2 行第 B 列"), "{err}");
}
