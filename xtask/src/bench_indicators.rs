//! `cargo xtask bench indicators [--scale S] [--seed N] [--keep]`: the whole
//! indicator catalogue for the demo city, computed by `edugov indicators`
//! and — in the same run — by DuckDB in SQL (`xtask/sql/indicators.sql`)
//! over the same data exported to CSV, then compared value by value.
//!
//! What is compared: every row edugov gives for all school years, all
//! levels (city, county, township, school, school group), every stage, the
//! all-stages rows and the by-grade rows. Its key is (indicator, stage,
//! grade, level, place, school year), the place being the area code, the
//! school code or the group's name. The two key sets must be equal (rows
//! only one side has are reported as missing / extra); numerators and
//! denominators must be equal — exactly for counts, to 1e-9 relative for
//! sums of measured quantities (facility areas and values, and the 差异系数's
//! weighted mean and sd, the sd through its square relative to mean²); values
//! must be equal rounded to the digits reports show (0 for counts, 3 for
//! `*_cv`, 2 otherwise) and be null on the same rows; so must `change` (the
//! value minus the same place's value of the school year before). Lines and
//! judgements (rules applied to the value) are not compared. Any difference
//! fails the task.
//!
//! Times printed: edugov's own `--timings` (load from the snapshot cache,
//! 计算 = tallies and roll-ups, 查询 = all values) of a cold and a warm run,
//! their whole-command wall times; DuckDB's CSV load, and its SQL over the
//! loaded in-memory tables (best of two runs). The ratio set against the
//! issue's goal is edugov 计算 + 查询 ÷ DuckDB SQL.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context};

use crate::bench::{build_edugov, ensure_duckdb, remove_db, Options};

/// (indicator, stage or "", grade, level, place, school year)
type Key = (String, String, Option<i64>, String, String, i64);

#[derive(Debug, Clone, Copy)]
struct Figures {
    numerator: f64,
    denominator: Option<f64>,
    value: Option<f64>,
    /// The value minus last school year's value of the same place.
    change: Option<f64>,
}

impl Figures {
    /// The same four fields in edugov's JSON rows and DuckDB's result lines.
    fn from_json(v: &serde_json::Value) -> Figures {
        Figures {
            numerator: v["numerator"].as_f64().unwrap_or(f64::NAN),
            denominator: v["denominator"].as_f64(),
            value: v["value"].as_f64(),
            change: v["change"].as_f64(),
        }
    }
}

/// The entities exported per school year (schools are exported once).
const YEARLY: [&str; 5] = ["facilities", "classes", "students", "teachers", "population"];

/// Indicators whose numerator is a sum of measured (not counted) quantities.
const MEASURED: [&str; 4] = [
    "teaching_floor_area_per_student",
    "sports_ground_area_per_student",
    "equipment_value_per_student",
    "multimedia_classrooms_per_100",
];

/// The Python side: load (timed), the catalogue SQL twice (timed), the
/// result to JSON lines for the comparison (not timed).
const DUCKDB_SCRIPT: &str = r#"
import duckdb, json, sys, time
sql_path, csv_dir, out_path = sys.argv[1:4]
sql = open(sql_path, encoding='utf-8').read().replace('{DIR}', csv_dir)
load, compute = sql.split('-- @compute', 1)
con = duckdb.connect()
con.execute('SET enable_progress_bar = false')
start = time.perf_counter()
con.execute(load)
loaded = time.perf_counter() - start
runs = []
for _ in range(2):
    start = time.perf_counter()
    con.execute(compute)
    runs.append(time.perf_counter() - start)
rows = con.execute('SELECT count(*) FROM result').fetchone()[0]
con.execute("COPY result TO '" + out_path + "' (FORMAT json)")
threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
print(json.dumps({'load': loaded, 'compute': runs, 'rows': rows, 'threads': threads,
                  'version': duckdb.__version__}))
"#;

pub fn indicators(options: &Options) -> anyhow::Result<()> {
    let root = crate::project_root();
    let out = root.join("bench-out");
    let csv_dir = out.join("indicators");
    if csv_dir.exists() {
        std::fs::remove_dir_all(&csv_dir)?;
    }
    std::fs::create_dir_all(&csv_dir)?;
    let edugov = build_edugov(&root)?;
    let db = out.join("indicators.db");
    remove_db(&db);
    println!(
        "== indicator benchmark (scale {}, seed {}) ==",
        options.scale, options.seed
    );
    let started = Instant::now();
    run(Command::new(&edugov).arg("--db").arg(&db).args([
        "demo",
        "--scale",
        &options.scale,
        "--seed",
        &options.seed,
    ]))?;
    println!("demo city generated in {:.1} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let years = school_years(&edugov, &db)?;
    let export = |entity: &str, year: Option<i64>| -> anyhow::Result<()> {
        let file = match year {
            Some(year) => csv_dir.join(format!("{entity}-{year}.csv")),
            None => csv_dir.join(format!("{entity}.csv")),
        };
        let mut command = Command::new(&edugov);
        command
            .arg("--db")
            .arg(&db)
            .args(["export", entity, "--format", "csv", "--output"])
            .arg(file);
        if let Some(year) = year {
            command.args(["--year", &year.to_string()]);
        }
        run(&mut command).map(|_| ())
    };
    export("schools", None)?;
    for year in &years {
        for entity in YEARLY {
            export(entity, Some(*year))?;
        }
    }
    println!(
        "exported {} school years to CSV in {:.1} s ({})",
        years.len(),
        started.elapsed().as_secs_f64(),
        csv_dir.display()
    );

    // edugov: the first call builds the snapshot cache, the second uses it.
    let json = out.join("edugov-indicators.json");
    let mut edugov_runs = Vec::new();
    for _ in 0..2 {
        let started = Instant::now();
        let mut command = Command::new(&edugov);
        command.arg("--db").arg(&db).args([
            "indicators",
            "--year",
            "all",
            "--by-grade",
            "--timings",
            "--format",
            "json",
            "--output",
        ]);
        command.arg(&json);
        for level in ["city", "county", "township", "school", "group"] {
            command.args(["--level", level]);
        }
        let stderr = run(&mut command)?;
        let wall = started.elapsed().as_secs_f64();
        edugov_runs.push((wall, Timings::parse(&stderr)?));
    }
    let (ours, digits) = read_edugov(&json)?;

    // DuckDB: load the CSVs (timed apart), then the catalogue in SQL.
    ensure_duckdb()?;
    let duck_json = out.join("duckdb-indicators.json");
    let output = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
        .args(["-c", DUCKDB_SCRIPT])
        .arg(root.join("xtask/sql/indicators.sql"))
        .arg(&csv_dir)
        .arg(&duck_json)
        .stderr(Stdio::inherit())
        .output()?;
    if !output.status.success() {
        bail!("the DuckDB script failed");
    }
    let duck: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("the DuckDB script printed no timings")?;
    let duck_load = duck["load"].as_f64().unwrap_or(f64::NAN);
    let duck_runs: Vec<f64> = duck["compute"]
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default();
    let duck_compute = duck_runs.iter().copied().fold(f64::INFINITY, f64::min);
    let theirs = read_duckdb(&duck_json)?;

    let report = compare(&ours, &theirs, &digits);
    report.print(&ours, &theirs);

    println!();
    for (i, (wall, t)) in edugov_runs.iter().enumerate() {
        println!(
            "edugov indicators, {}: {:.3} s whole command; --timings: 载入 {} ms, 计算 {} ms, 查询 {} ms, {} values",
            if i == 0 { "cold (builds the snapshot cache)" } else { "warm" },
            wall,
            t.load_ms,
            t.tally_ms,
            t.query_ms,
            t.values
        );
    }
    println!(
        "duckdb {} ({} threads): {:.3} s loading the CSV files; the catalogue in SQL over the loaded tables: {}",
        duck["version"].as_str().unwrap_or("?"),
        duck["threads"],
        duck_load,
        duck_runs
            .iter()
            .map(|s| format!("{:.0} ms", s * 1e3))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (_, warm) = edugov_runs.last().context("edugov did not run")?;
    let edugov_compute = (warm.tally_ms + warm.query_ms) / 1e3;
    let ratio = edugov_compute / duck_compute;
    println!(
        "compute, data in memory: edugov {:.0} ms (计算 + 查询, warm run) vs DuckDB {:.0} ms (best SQL run): ratio {:.2}×",
        edugov_compute * 1e3,
        duck_compute * 1e3,
        ratio
    );
    println!(
        "goal (the issue): edugov ≤ 1.0× DuckDB — {}; whole catalogue under 300 ms — {}",
        if ratio <= 1.0 { "met" } else { "NOT met" },
        if edugov_compute < 0.3 { "met" } else { "NOT met" }
    );

    if !options.keep {
        let _ = std::fs::remove_dir_all(&csv_dir);
        let _ = std::fs::remove_file(&json);
        let _ = std::fs::remove_file(&duck_json);
        remove_db(&db);
    }
    if report.failures() > 0 {
        bail!(
            "edugov and DuckDB disagree: {} missing in DuckDB, {} extra in DuckDB, {} values differ",
            report.missing.len(),
            report.extra.len(),
            report.mismatches.len()
        );
    }
    if report.compared == 0 {
        bail!("nothing was compared");
    }
    Ok(())
}

/// The `--timings` line: `载入 6 个学年 439 ms，计算 88 ms，查询 148 ms，693216 个指标值`.
struct Timings {
    load_ms: f64,
    tally_ms: f64,
    query_ms: f64,
    values: u64,
}

impl Timings {
    fn parse(stderr: &str) -> anyhow::Result<Timings> {
        let line = stderr
            .lines()
            .find(|l| l.starts_with("载入"))
            .with_context(|| format!("no --timings line in {stderr:?}"))?;
        let number_before = |suffix: &str, part: &str| -> Option<f64> {
            part.trim()
                .strip_suffix(suffix)?
                .split_whitespace()
                .last()?
                .parse()
                .ok()
        };
        let parts: Vec<&str> = line.split('，').collect();
        let ms = |label: &str| -> anyhow::Result<f64> {
            parts
                .iter()
                .find(|p| p.trim().starts_with(label))
                .and_then(|p| number_before("ms", p))
                .with_context(|| format!("no “{label}” in {line:?}"))
        };
        Ok(Timings {
            load_ms: ms("载入")?,
            tally_ms: ms("计算")?,
            query_ms: ms("查询")?,
            values: parts
                .iter()
                .find_map(|p| number_before("个指标值", p))
                .unwrap_or(f64::NAN) as u64,
        })
    }
}

/// Rows as keys and figures, and the digits each indicator is reported with.
fn read_edugov(path: &Path) -> anyhow::Result<(HashMap<Key, Figures>, HashMap<String, usize>)> {
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(path)?)
        .with_context(|| format!("{} is not edugov's JSON", path.display()))?;
    let mut values = HashMap::with_capacity(rows.len());
    let mut digits = HashMap::new();
    for v in rows {
        let text = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
        let indicator = text("indicator");
        let level = text("level");
        let place = match level.as_str() {
            "school" => text("school"),
            "school_group" => text("school_group"),
            _ => text("area"),
        };
        digits.entry(indicator.clone()).or_insert_with(|| {
            if v["unit"] == "个" {
                0
            } else if indicator.ends_with("_cv") {
                3
            } else {
                2
            }
        });
        let key = (
            indicator,
            text("stage"),
            v["grade"].as_i64(),
            level,
            place,
            v["school_year"].as_i64().unwrap_or_default(),
        );
        let figures = Figures::from_json(&v);
        if values.insert(key.clone(), figures).is_some() {
            bail!("edugov gives {key:?} twice");
        }
    }
    Ok((values, digits))
}

/// DuckDB's `result`, as JSON lines.
fn read_duckdb(path: &Path) -> anyhow::Result<HashMap<Key, Figures>> {
    let text = std::fs::read_to_string(path)?;
    let mut values = HashMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let text = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
        let key = (
            text("indicator"),
            text("stage"),
            v["grade"].as_i64(),
            text("level"),
            text("place"),
            v["school_year"].as_i64().unwrap_or_default(),
        );
        let figures = Figures::from_json(&v);
        if values.insert(key.clone(), figures).is_some() {
            bail!("DuckDB gives {key:?} twice (a fault in indicators.sql)");
        }
    }
    Ok(values)
}

#[derive(Default)]
struct Report {
    compared: u64,
    /// Values that agree to 1e-9 but round to different digits (a tie at .5).
    rounding_ties: u64,
    missing: Vec<Key>,
    extra: Vec<Key>,
    mismatches: Vec<(Key, String)>,
    /// Per indicator: rows compared and rows wrong (missing, extra, differing).
    by_indicator: BTreeMap<String, (u64, u64)>,
}

impl Report {
    fn failures(&self) -> usize {
        self.missing.len() + self.extra.len() + self.mismatches.len()
    }

    fn print(&self, ours: &HashMap<Key, Figures>, theirs: &HashMap<Key, Figures>) {
        let mut by_level: BTreeMap<&str, u64> = BTreeMap::new();
        for key in ours.keys() {
            let level = if key.2.is_some() {
                "by grade"
            } else {
                key.3.as_str()
            };
            *by_level.entry(level).or_default() += 1;
        }
        let levels: Vec<String> = by_level.iter().map(|(l, n)| format!("{l} {n}")).collect();
        println!(
            "\nvalues compared: {} of edugov's {} and DuckDB's {} ({})",
            self.compared,
            ours.len(),
            theirs.len(),
            levels.join(", ")
        );
        let wrong: Vec<String> = self
            .by_indicator
            .iter()
            .filter(|(_, (_, bad))| *bad > 0)
            .map(|(code, (n, bad))| format!("{code} {bad}/{n}"))
            .collect();
        println!(
            "indicators: {} in edugov's output, {} in DuckDB's, {} with differences{}",
            ours.keys()
                .map(|k| &k.0)
                .collect::<std::collections::HashSet<_>>()
                .len(),
            theirs
                .keys()
                .map(|k| &k.0)
                .collect::<std::collections::HashSet<_>>()
                .len(),
            wrong.len(),
            if wrong.is_empty() {
                String::new()
            } else {
                format!(": {}", wrong.join(", "))
            }
        );
        println!(
            "missing in DuckDB: {}, extra in DuckDB: {}, values that differ: {}{}",
            self.missing.len(),
            self.extra.len(),
            self.mismatches.len(),
            if self.rounding_ties > 0 {
                format!(
                    " ({} equal to 1e-9 but on a rounding tie, not counted)",
                    self.rounding_ties
                )
            } else {
                String::new()
            }
        );
        let show = |key: &Key| {
            let grade = key.2.map(|g| format!(" grade {g}")).unwrap_or_default();
            let stage = if key.1.is_empty() {
                "all stages"
            } else {
                key.1.as_str()
            };
            format!("{} [{stage}{grade}] {} {} {}", key.0, key.3, key.4, key.5)
        };
        let mut missing = self.missing.clone();
        missing.sort();
        for key in missing.iter().take(10) {
            println!("  missing in DuckDB: {} = {:?}", show(key), ours.get(key));
        }
        let mut extra = self.extra.clone();
        extra.sort();
        for key in extra.iter().take(10) {
            println!("  extra in DuckDB: {} = {:?}", show(key), theirs.get(key));
        }
        let mut mismatches = self.mismatches.clone();
        mismatches.sort();
        for (key, detail) in mismatches.iter().take(10) {
            println!("  differs: {}: {detail}", show(key));
        }
    }
}

fn compare(
    ours: &HashMap<Key, Figures>,
    theirs: &HashMap<Key, Figures>,
    digits: &HashMap<String, usize>,
) -> Report {
    let mut report = Report::default();
    for (key, a) in ours {
        let entry = report.by_indicator.entry(key.0.clone()).or_default();
        entry.0 += 1;
        let Some(b) = theirs.get(key) else {
            entry.1 += 1;
            report.missing.push(key.clone());
            continue;
        };
        report.compared += 1;
        let code = key.0.as_str();
        let cv = code.ends_with("_cv");
        let measured = cv || MEASURED.contains(&code);
        let numerator_ok = if cv {
            // The sd, through the variance (sd²) to 1e-9 of mean²: the
            // one-pass variance E[x²] − mean² carries rounding noise of about
            // 1e-16 × mean², so a zero sd can come out as 1e-8 × mean on
            // either side, depending on the order of summation.
            let mean = a
                .denominator
                .unwrap_or(0.0)
                .abs()
                .max(b.denominator.unwrap_or(0.0).abs());
            close(a.numerator * a.numerator, b.numerator * b.numerator, mean * mean)
        } else if measured {
            close(a.numerator, b.numerator, 0.0)
        } else {
            a.numerator == b.numerator
        };
        let denominator_ok = match (a.denominator, b.denominator) {
            (None, None) => true,
            (Some(x), Some(y)) if cv => close(x, y, 0.0),
            (Some(x), Some(y)) => x == y,
            _ => false,
        };
        let places = digits.get(code).copied().unwrap_or(2);
        let mut same_shown = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (None, None) => true,
            (Some(x), Some(y)) => {
                if round(x, places) == round(y, places) {
                    true
                } else if close(x, y, 0.0) {
                    report.rounding_ties += 1;
                    true
                } else {
                    false
                }
            }
            _ => false,
        };
        let value_ok = same_shown(a.value, b.value);
        let change_ok = same_shown(a.change, b.change);
        if !(numerator_ok && denominator_ok && value_ok && change_ok) {
            entry.1 += 1;
            report.mismatches.push((
                key.clone(),
                format!(
                    "edugov {} / {} = {} (change {}), DuckDB {} / {} = {} (change {})",
                    a.numerator,
                    show_opt(a.denominator),
                    show_value(a.value, places),
                    show_value(a.change, places),
                    b.numerator,
                    show_opt(b.denominator),
                    show_value(b.value, places),
                    show_value(b.change, places)
                ),
            ));
        }
    }
    for key in theirs.keys() {
        if !ours.contains_key(key) {
            let entry = report.by_indicator.entry(key.0.clone()).or_default();
            entry.0 += 1;
            entry.1 += 1;
            report.extra.push(key.clone());
        }
    }
    report
}

/// Equal to 1e-9 relative (to the larger of both and `scale`).
fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(scale)
}

/// As reports round (`indicators::judge::round`).
fn round(value: f64, digits: usize) -> f64 {
    let factor = 10f64.powi(digits as i32);
    (value * factor).round() / factor
}

fn show_opt(x: Option<f64>) -> String {
    x.map_or("null".into(), |x| x.to_string())
}

fn show_value(x: Option<f64>, digits: usize) -> String {
    x.map_or("null".into(), |x| {
        format!("{x} ({:.*})", digits, round(x, digits))
    })
}

fn school_years(edugov: &Path, db: &Path) -> anyhow::Result<Vec<i64>> {
    let output = Command::new(edugov)
        .arg("--db")
        .arg(db)
        .args(["indicators", "--list-years"])
        .output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let years: Vec<i64> = text.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    if years.is_empty() {
        bail!("no school years in {}", db.display());
    }
    Ok(years)
}

/// Runs a command; returns its standard error (its standard output is dropped).
fn run(command: &mut Command) -> anyhow::Result<String> {
    let output = command.stdout(Stdio::null()).stderr(Stdio::piped()).output()?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        bail!("{:?} failed: {stderr}", command);
    }
    Ok(stderr)
}
