//! `edugov admission` on the committed sample (`docs/samples/admission-o3`:
//! oracle O3's seven candidates and three schools, plus a quota school
//! with five candidates from an urban and a rural junior school): the
//! result workbook reads back with O3's cutoffs, a broken file fails with
//! a Chinese error naming sheet, row and column, explain gives O3's
//! answer, a corrected input shows who moved, and compare prints both
//! policies' figures.

use std::path::Path;

use calamine::{Data, Reader};

use crate::edugov;

pub const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/samples/admission-o3");
pub const POLICY_50: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../docs/samples/admission-policy-50.toml"
);
const POLICY_NONE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../docs/samples/admission-policy-none.toml"
);

fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_run_writes_a_result_workbook_with_the_oracles_cutoffs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("录取结果.xlsx");
    let run = edugov(
        &dir.path().join("unused.db"),
        &[
            "admission",
            "run",
            SAMPLE,
            "--policy",
            POLICY_50,
            "--year",
            "2025",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("考生 12，录取 8"), "{}", run.stdout);
    assert!(
        !dir.path().join("unused.db").exists(),
        "no database without --save"
    );

    let cutoffs = sheet(&out, "各校分数线");
    let header = &cutoffs[0];
    let at = |title: &str| header.iter().position(|h| h == title).unwrap();
    let row = |name: &str| cutoffs.iter().find(|r| r[1] == name).unwrap().clone();
    // O3: A 690, B 680, C 670; the quota school's quota seats went to each
    // junior school's best (650, 630) and its one open seat at 645.
    assert_eq!(row("甲中学")[at("统招分数线")], "690");
    assert_eq!(row("乙中学")[at("统招分数线")], "680");
    assert_eq!(row("丙中学")[at("统招分数线")], "670");
    let quota = row("丁中学（指标校）");
    assert_eq!(quota[at("指标生计划")], "2");
    assert_eq!(quota[at("指标生最低分")], "630");
    assert_eq!(quota[at("统招分数线")], "645");

    let placed = sheet(&out, "录取结果");
    assert_eq!(placed.len(), 13, "a header and twelve candidates");
    // Masked by default: no name, no whole examination number.
    assert!(
        placed.iter().all(|r| r[1] != "赵一" && r[0] != "2025000001"),
        "{placed:?}"
    );
    assert!(placed
        .iter()
        .any(|r| r[0] == "2025****01" && r[1] == "赵*" && r[4] == "甲中学"));
    let shares = sheet(&out, "指标分配");
    assert_eq!(shares.len(), 3, "{shares:?}");
    assert!(shares.iter().skip(1).all(|r| r[6] == "1"), "{shares:?}");
    let policy = sheet(&out, "政策");
    assert!(policy.iter().flatten().any(|c| c.contains("50%")), "{policy:?}");
}

#[test]
fn a_broken_input_fails_with_a_chinese_error_naming_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("录取数据.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in [
        (
            "考生",
            vec![
                vec![
                    "准考证号",
                    "姓名",
                    "初中学校标识码",
                    "指标生资格",
                    "录取资格",
                    "总分",
                    "平行志愿1",
                ],
                vec![
                    "2025000001",
                    "赵一",
                    "3701020001",
                    "是",
                    "是",
                    "700",
                    "3701020101",
                ],
                vec![
                    "2025000002",
                    "钱二",
                    "3701020001",
                    "是",
                    "或许",
                    "六百九",
                    "3701020101",
                ],
            ],
        ),
        (
            "高中学校",
            vec![
                vec!["学校标识码", "学校名称", "区县代码", "招生计划", "指标校"],
                vec!["3701020101", "甲中学", "370102", "2", "否"],
            ],
        ),
        (
            "初中学校",
            vec![
                vec![
                    "学校标识码",
                    "学校名称",
                    "区县代码",
                    "农村学校",
                    "薄弱学校",
                    "应届毕业生数",
                ],
                vec!["3701020001", "第一初中", "370102", "否", "否", "300"],
            ],
        ),
    ] {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *value).unwrap();
            }
        }
    }
    book.save(&path).unwrap();
    let out = dir.path().join("结果.xlsx");
    let run = edugov(
        &dir.path().join("unused.db"),
        &[
            "admission",
            "run",
            path.to_str().unwrap(),
            "--policy",
            POLICY_50,
            "--year",
            "2025",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_ne!(run.code, 0);
    assert!(
        run.stderr
            .contains("录取数据.xlsx（工作表“考生”）第 3 行【录取资格】“或许”应填“是”或“否”"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("（工作表“考生”）第 3 行【总分】“六百九”不是分数"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("有 2 处错误"), "{}", run.stderr);
    assert!(!out.exists(), "nothing written");

    // A list naming an unknown school: the check's error, on the file's row.
    let folder = dir.path().join("csv");
    std::fs::create_dir(&folder).unwrap();
    for file in ["考生.csv", "高中学校.csv", "初中学校.csv"] {
        let text = std::fs::read_to_string(Path::new(SAMPLE).join(file)).unwrap();
        let text = if file == "考生.csv" {
            text.replace(
                "2025000004,李四,3701020001,370102,是,是,680,110,,3701020102",
                "2025000004,李四,3701020001,370102,是,是,680,110,,3701029999",
            )
        } else {
            text
        };
        std::fs::write(folder.join(file), text).unwrap();
    }
    let check = edugov(
        &dir.path().join("unused.db"),
        &[
            "admission",
            "check",
            folder.to_str().unwrap(),
            "--policy",
            POLICY_50,
            "--year",
            "2025",
        ],
    );
    assert_ne!(check.code, 0);
    assert!(
        check.stderr.contains("考生.csv 第 5 行【平行志愿1】"),
        "{}",
        check.stderr
    );
}

#[test]
fn explain_gives_the_oracles_answer() {
    let dir = tempfile::tempdir().unwrap();
    let run = edugov(
        &dir.path().join("unused.db"),
        &[
            "admission",
            "explain",
            SAMPLE,
            "--policy",
            POLICY_50,
            "--year",
            "2025",
            "--candidate",
            "2025000003",
            "--school",
            "3701020101",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // O3: "why not A for s3": A full after s2 (690 > 685).
    assert!(run.stdout.contains("排位不够"), "{}", run.stdout);
    assert!(
        run.stdout.contains("690") && run.stdout.contains("685"),
        "{}",
        run.stdout
    );
    let unknown = edugov(
        &dir.path().join("unused.db"),
        &[
            "admission",
            "explain",
            SAMPLE,
            "--policy",
            POLICY_50,
            "--year",
            "2025",
            "--candidate",
            "2025999999",
            "--school",
            "3701020101",
        ],
    );
    assert_ne!(unknown.code, 0);
    assert!(unknown.stderr.contains("2025999999"), "{}", unknown.stderr);
}

#[test]
fn a_corrected_input_is_a_new_stored_run_that_lists_who_moved() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("edugov.db");
    let out = dir.path().join("r.xlsx");
    let args = |input: &str, extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "admission",
            "run",
            input,
            "--policy",
            POLICY_50,
            "--year",
            "2025",
            "--out",
            out.to_str().unwrap(),
            "--save",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let first = args(SAMPLE, &["--label", "第一次录取"]);
    let run = edugov(&db, &first.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("录取结果编号 1"), "{}", run.stdout);

    // 卫十二's total was mistyped: 644 → 648, now ahead of 陈十 (645).
    let fixed = dir.path().join("fixed");
    std::fs::create_dir(&fixed).unwrap();
    for file in ["考生.csv", "高中学校.csv", "初中学校.csv"] {
        let text = std::fs::read_to_string(Path::new(SAMPLE).join(file)).unwrap();
        std::fs::write(
            fixed.join(file),
            text.replace(
                "卫十二,3701020001,370102,是,是,644",
                "卫十二,3701020001,370102,是,是,648",
            ),
        )
        .unwrap();
    }
    let second = args(fixed.to_str().unwrap(), &["--previous", "1"]);
    let run = edugov(&db, &second.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("2 名考生录取结果变化"), "{}", run.stdout);
    assert!(
        run.stdout.contains("2025****10") && run.stdout.contains("2025****12"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("2025000010"), "masked");

    let runs = edugov(&db, &["admission", "runs"]);
    assert_eq!(runs.code, 0, "{}", runs.stderr);
    assert!(runs.stdout.contains("第一次录取"), "{}", runs.stdout);
    let lines: Vec<&str> = runs.stdout.lines().filter(|l| l.contains("2025")).collect();
    assert!(
        lines[0].trim_start_matches('│').trim().starts_with('2'),
        "newest first: {lines:?}"
    );

    // Explained from the stored run: 陈十 now misses the open seat by 3 points.
    let explain = edugov(
        &db,
        &[
            "admission",
            "explain",
            "--run",
            "2",
            "--candidate",
            "2025000010",
            "--school",
            "3701020104",
        ],
    );
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    assert!(
        explain.stdout.contains("648") && explain.stdout.contains("645"),
        "{}",
        explain.stdout
    );
    let missing = edugov(
        &db,
        &[
            "admission",
            "explain",
            "--run",
            "9",
            "--candidate",
            "x",
            "--school",
            "y",
        ],
    );
    assert_ne!(missing.code, 0);
    assert!(missing.stderr.contains("录取结果 9 不存在"), "{}", missing.stderr);
}

#[test]
fn compare_prints_both_policies_and_writes_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("对比.xlsx");
    let run = edugov(
        &dir.path().join("unused.db"),
        &[
            "admission",
            "compare",
            SAMPLE,
            "--year",
            "2025",
            "--policy",
            POLICY_50,
            "--policy",
            POLICY_NONE,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("样例：指标到校50%") && run.stdout.contains("样例：全部统招"),
        "{}",
        run.stdout
    );
    // Without quota seats 冯九 (rural, 630) loses 丁中学 to 卫十二 (644); 王八 moves round.
    assert!(run.stdout.contains("录取结果变化 3 人"), "{}", run.stdout);
    let rural = run
        .stdout
        .lines()
        .find(|l| l.contains("农村考生进入优质高中"))
        .unwrap();
    assert!(
        rural.contains("1（20.0%）") && rural.contains("0（0.0%）"),
        "{rural}"
    );
    let changes = sheet(&out, "录取变化");
    assert_eq!(changes.len(), 4, "{changes:?}");
    assert!(
        changes.iter().any(|r| r[0] == "2025****09" && r[5] == "未录取"),
        "{changes:?}"
    );
}

#[test]
fn a_template_from_the_registry_lists_the_small_citys_graduates() {
    let (dir, db) = crate::small_city().copy("admission-template");
    let out = dir.path().join("模板.xlsx");
    // The small city's last school year is 2024—2025: the 2025 中考.
    let made = edugov(
        &db,
        &[
            "admission",
            "template",
            "--year",
            "2025",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let candidates = sheet(&out, "考生");
    let juniors = sheet(&out, "初中学校");
    let graduates: f64 = juniors.iter().skip(1).map(|r| r[5].parse::<f64>().unwrap()).sum();
    assert!(graduates > 10.0, "{juniors:?}");
    assert_eq!(candidates.len() - 1, graduates as usize, "one row per graduate");
    assert!(sheet(&out, "高中学校").len() > 1);
    // A year the registry does not hold is refused, naming it.
    let missing = edugov(
        &db,
        &[
            "admission",
            "template",
            "--year",
            "2031",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_ne!(missing.code, 0);
    assert!(missing.stderr.contains("2030—2031"), "{}", missing.stderr);
}

#[test]
fn an_unmasked_result_names_candidates_and_is_audited_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("edugov.db");
    let out = dir.path().join("录取结果.xlsx");
    let run = edugov(
        &db,
        &[
            "admission",
            "run",
            SAMPLE,
            "--policy",
            POLICY_50,
            "--year",
            "2025",
            "--out",
            out.to_str().unwrap(),
            "--unmasked",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let placed = sheet(&out, "录取结果");
    assert!(
        placed.iter().any(|r| r[0] == "2025000001" && r[1] == "赵一"),
        "{placed:?}"
    );
    use store::prelude::*;
    let store = store::open(&store::DatabaseUrl::Sqlite(db)).unwrap();
    let audit = store
        .audit_log(&store::accounts::AuditQuery {
            action: Some(store::AuditAction::ExportUnmasked),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(audit.entries.len(), 1);
    assert!(
        audit.entries[0].detail.contains("录取结果.xlsx"),
        "{:?}",
        audit.entries[0]
    );
    assert!(
        store.admission_runs().unwrap().is_empty(),
        "not saved without --save"
    );
}

#[test]
fn a_refused_label_leaves_nothing_behind() {
    // A label the store refuses (too long, or a bidi control) is caught
    // before anything is written: no inputs version (never deleted once
    // stored), no run, no workbook.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("edugov.db");
    let out = dir.path().join("r.xlsx");
    for label in ["长".repeat(201), "第一次\u{202E}录取".to_owned()] {
        let run = edugov(
            &db,
            &[
                "admission",
                "run",
                SAMPLE,
                "--policy",
                POLICY_50,
                "--year",
                "2025",
                "--out",
                out.to_str().unwrap(),
                "--save",
                "--label",
                &label,
            ],
        );
        assert_ne!(run.code, 0, "{}", run.stdout);
        assert!(run.stderr.contains("录取结果名称"), "{}", run.stderr);
        assert!(!out.exists(), "a workbook was written for a refused run");
        let runs = edugov(&db, &["admission", "runs"]);
        assert!(!runs.stdout.contains("录取数据"), "{}", runs.stdout);
    }
    // The database may not exist (nothing was ever written) or hold no version.
    if db.exists() {
        use store::prelude::*;
        let store = store::open(&store::DatabaseUrl::Sqlite(db.clone())).unwrap();
        assert!(
            store.admission_inputs_list().unwrap().is_empty(),
            "an inputs version was stored for a refused run"
        );
        assert!(store.admission_runs().unwrap().is_empty());
    }
}
