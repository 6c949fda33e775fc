//! `edugov forecast` on the small demo city: the table shows each stage's
//! peak and the backtest, the workbook opens with its sheets, JSON parses
//! and a county's JSON holds that county only, `--save` stores the run, and
//! a bad scenario file or an unknown county is a clear error.

use calamine::Reader;
use serde_json::Value as Json;
use store::prelude::*;

use crate::{command, edugov, small_city};

#[test]
fn the_table_shows_each_stages_peak_and_the_backtest() {
    let run = edugov(&small_city().db, &["forecast", "--backtest", "--until", "2032"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert!(out.starts_with("学位预测 · 济南市"), "{out}");
    for stage in ["学前", "小学", "初中", "普通高中"] {
        assert!(out.contains(&format!("济南市 · {stage}（标准班额")), "{stage}");
    }
    assert_eq!(out.matches("入学高峰 20").count(), 4, "one peak per stage");
    assert_eq!(out.matches("▲高峰").count(), 4, "each peak marked in its table");
    assert!(out.contains("预测至 2032—2033学年"));
    assert!(out.contains("2032—2033 ┆ 预测"), "--until is the last year");
    assert!(!out.contains("2033—2034 ┆"));
    assert!(out.contains("出生人口："), "assumptions above the tables");
    assert!(out.contains("回测精度") && out.contains("队列要素法 MAPE"));
}

#[test]
fn the_workbook_opens_with_its_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("学位预测.xlsx");
    let run = edugov(
        &small_city().db,
        &[
            "forecast",
            "--standard",
            "--format",
            "xlsx",
            "--out",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.first().map(String::as_str), Some("说明"));
    assert!(names.len() >= 3 + 5, "five standard scenarios: {names:?}");
    for sheet in ["县区汇总", "回测精度"] {
        assert!(names.iter().any(|n| n == sheet), "{sheet}");
    }
    let first = book.worksheet_range(&names[1]).unwrap();
    assert!(first.height() > 13 * 4 * 10, "{}", first.height());
    let accuracy = book.worksheet_range("回测精度").unwrap();
    assert!(accuracy.height() > 10, "the backtest is in the workbook");
}

#[test]
fn json_parses_and_a_county_sees_its_county_only() {
    let run = edugov(&small_city().db, &["forecast", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all: Json = serde_json::from_str(&run.stdout).unwrap();
    let areas = all["forecasts"][0]["areas"].as_array().unwrap();
    assert!(areas.len() > 5, "the city and its counties");
    assert_eq!(areas[0]["code"], "3701");

    let run = edugov(
        &small_city().db,
        &["forecast", "--format", "json", "--county", "370112"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let one: Json = serde_json::from_str(&run.stdout).unwrap();
    let codes: Vec<&str> = one["forecasts"][0]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["370112"]);
    let counties = one["history"]["counties"].as_array().unwrap();
    assert_eq!(counties.len(), 1);
    // By name too.
    let run = edugov(&small_city().db, &["forecast", "--county", "历城区"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("学位预测 · 历城区"));
}

#[test]
fn a_saved_run_is_stored_whole() {
    let (_dir, db) = small_city().copy("forecast-save");
    let run = edugov(&db, &["forecast", "--save", "2026年学位预测", "--until", "2030"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("已保存预测“2026年学位预测”"),
        "{}",
        run.stderr
    );
    let store = store::open(&store::DatabaseUrl::Sqlite(db.clone())).unwrap();
    let runs = store.forecast_runs().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].label, "2026年学位预测");
    assert_eq!((runs[0].base_year, runs[0].until), (2024, 2030));
    let stored = store.forecast_run(runs[0].id).unwrap().unwrap();
    assert!(stored.backtest.is_some(), "a stored run carries its backtest");
    assert_eq!(stored.forecasts.len(), 1);
}

#[test]
fn a_bad_scenario_file_is_an_error_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("负出生.toml");
    std::fs::write(
        &path,
        "name = \"负出生\"\nuntil = 2028\n[births]\nkind = \"series\"\n[births.city]\n2025 = -5\n2026 = 1\n2027 = 1\n",
    )
    .unwrap();
    let run = edugov(
        &small_city().db,
        &["forecast", "--scenario", path.to_str().unwrap()],
    );
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("负出生.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("births.city.2025"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "nothing printed on a refusal");

    let missing = edugov(
        &small_city().db,
        &["forecast", "--scenario", "/nonexistent/方案.toml"],
    );
    assert_ne!(missing.code, 0);
    assert!(missing.stderr.contains("无法打开方案文件"), "{}", missing.stderr);
}

#[test]
fn an_unknown_county_is_an_error() {
    let run = edugov(&small_city().db, &["forecast", "--county", "370199"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("没有区县“370199”的登记数据"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("370112 历城区"),
        "the choices are listed: {}",
        run.stderr
    );
}

/// `--out` naming a directory, or a file in a directory that does not
/// exist: an error naming the path, nothing left behind. (The partial file
/// was `with_extension("partial")`: `--out DIR` wrote `DIR.partial` beside
/// the directory and left it there.)
#[test]
fn an_unwritable_out_is_an_error_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("目录");
    std::fs::create_dir(&target).unwrap();
    let run = edugov(
        &small_city().db,
        &["forecast", "--format", "json", "--out", target.to_str().unwrap()],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("目录"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let missing = dir.path().join("无此目录").join("a.json");
    let run = edugov(
        &small_city().db,
        &["forecast", "--format", "json", "--out", missing.to_str().unwrap()],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("a.json"),
        "the path asked for: {}",
        run.stderr
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("目录")], "nothing beside");
    // A good file is written whole, and only it.
    let good = dir.path().join("a.json");
    let run = edugov(
        &small_city().db,
        &[
            "forecast",
            "--format",
            "json",
            "--until",
            "2026",
            "--out",
            good.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&good).unwrap();
    assert!(serde_json::from_str::<Json>(&text).is_ok());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

/// Output piped to a reader that stops early (`| head`): the command ends
/// quietly and successfully, as `head` expects, not with “错误：Broken pipe”.
#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::Read;
    let mut child = command(&small_city().db, &["forecast", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here (the stdout handle dropped); the run's JSON
    // is megabytes, far past what the pipe buffers.
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert!(first.starts_with(b"{"));
}
