//! `cargo xtask bench indicators`: the whole indicator catalogue for the
//! demo city, computed by `edugov indicators` and — in the same run — by
//! DuckDB with SQL (`xtask/sql/indicators.sql`) over the same data exported
//! to CSV. Every numerator and denominator DuckDB computes must equal
//! edugov's; prints both times and the ratio.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context};

use crate::bench::{build_edugov, ensure_duckdb, remove_db, Options};

const LEVELS: [(&str, &str); 4] = [("city", "city"), ("county", "county"), ("township", "township"), ("school", "school")];

/// (indicator, stage, level, place, school year) → (numerator, denominator)
type Values = HashMap<(String, String, String, String, i64), (f64, Option<f64>)>;

pub fn indicators(options: &Options) -> anyhow::Result<()> {
    let root = crate::project_root();
    let out = root.join("bench-out");
    std::fs::create_dir_all(&out)?;
    let edugov = build_edugov(&root)?;
    let db = out.join("indicators.db");
    remove_db(&db);
    println!("== indicator benchmark (scale {}, seed {}) ==", options.scale, options.seed);
    run(Command::new(&edugov).arg("--db").arg(&db).args(["demo", "--scale", &options.scale, "--seed", &options.seed]))?;

    let years = school_years(&edugov, &db)?;
    let export = |entity: &str, year: Option<i64>, file: &Path| -> anyhow::Result<()> {
        let mut command = Command::new(&edugov);
        command.arg("--db").arg(&db).args(["export", entity, "--format", "csv", "--output"]).arg(file);
        if let Some(year) = year {
            command.args(["--year", &year.to_string()]);
        }
        run(&mut command)
    };
    export("schools", None, &out.join("ind-schools.csv"))?;
    for year in &years {
        for entity in ["classes", "students", "teachers"] {
            export(entity, Some(*year), &out.join(format!("ind-{entity}-{year}.csv")))?;
        }
    }

    // edugov: the first call builds the snapshot cache, the second uses it.
    let json = out.join("edugov-indicators.json");
    let mut edugov_times = Vec::new();
    for _ in 0..2 {
        let started = Instant::now();
        let mut command = Command::new(&edugov);
        command.arg("--db").arg(&db).args(["indicators", "--format", "json", "--output"]).arg(&json);
        for (level, _) in LEVELS {
            command.args(["--level", level]);
        }
        run(&mut command)?;
        edugov_times.push(started.elapsed().as_secs_f64());
    }
    let ours = read_edugov(&json)?;

    // DuckDB: load the CSVs (timed apart), then the catalogue in SQL.
    ensure_duckdb()?;
    let sql = std::fs::read_to_string(root.join("xtask/sql/indicators.sql"))?;
    let (setup, per_level) = sql.split_once("-- {LEVEL} and {PLACE}").context("marker missing in indicators.sql")?;
    let mut script = String::from("import duckdb, time, json\ncon = duckdb.connect()\n");
    script.push_str("con.execute('SET enable_progress_bar = false')\nstart = time.perf_counter()\n");
    let dir = out.display();
    script.push_str(&format!(
        "con.execute(\"CREATE TABLE schools AS SELECT * FROM read_csv('{dir}/ind-schools.csv', header=true, all_varchar=true)\")\n"
    ));
    for entity in ["classes", "students", "teachers"] {
        script.push_str(&format!(
            "con.execute(\"CREATE TABLE {entity} AS SELECT * FROM read_csv('{dir}/ind-{entity}-*.csv', header=true, union_by_name=true)\")\n"
        ));
    }
    script.push_str("loaded = time.perf_counter()\n");
    script.push_str(&format!("con.execute({:?})\n", setup));
    for (level, column) in LEVELS {
        let statements = per_level.replace("{LEVEL}", level).replace("{PLACE}", column);
        script.push_str(&format!("con.execute({:?})\n", statements));
    }
    script.push_str(
        "rows = con.execute('SELECT indicator, coalesce(stage, \\'\\'), level, CAST(place AS VARCHAR), school_year, numerator, denominator FROM result').fetchall()\n\
         done = time.perf_counter()\n\
         print(json.dumps({'load': loaded - start, 'compute': done - loaded, 'rows': rows}))\n",
    );
    let output = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
        .args(["-c", &script])
        .stderr(Stdio::inherit())
        .output()?;
    if !output.status.success() {
        bail!("duckdb script failed");
    }
    let duck: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let duck_compute = duck["compute"].as_f64().unwrap_or(f64::NAN);
    let duck_load = duck["load"].as_f64().unwrap_or(f64::NAN);

    let mut compared = 0u64;
    let mut mismatches = Vec::new();
    for row in duck["rows"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        let text = |i: usize| row[i].as_str().unwrap_or_default().to_owned();
        let key = (text(0), text(1), text(2), text(3), row[4].as_i64().unwrap_or_default());
        let numerator = row[5].as_f64().unwrap_or(f64::NAN);
        let denominator = row[6].as_f64();
        compared += 1;
        match ours.get(&key) {
            Some((n, d)) if same(*n, numerator) && denominator.is_none_or(|dd| d.is_some_and(|d| same(d, dd))) => {}
            other => mismatches.push(format!("{key:?}: duckdb {numerator}/{denominator:?}, edugov {other:?}")),
        }
    }
    println!("\nvalues compared: {compared}, mismatches: {}", mismatches.len());
    for m in mismatches.iter().take(10) {
        println!("  {m}");
    }
    println!(
        "edugov indicators: {:.3} s cold (builds the snapshot cache), {:.3} s warm (whole process, {} values)",
        edugov_times[0],
        edugov_times[1],
        ours.len()
    );
    println!("duckdb: {duck_load:.3} s loading CSV, {duck_compute:.3} s computing the same catalogue subset in SQL");
    println!("ratio edugov (warm, whole command) / duckdb (SQL only): {:.2}×", edugov_times[1] / duck_compute);
    if !mismatches.is_empty() {
        bail!("{} values differ between edugov and DuckDB", mismatches.len());
    }
    if compared == 0 {
        bail!("DuckDB computed nothing to compare");
    }
    Ok(())
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn read_edugov(path: &Path) -> anyhow::Result<Values> {
    let values: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(path)?)?;
    let mut out = Values::new();
    for v in values {
        let text = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
        if !v["grade"].is_null() {
            continue; // by-grade values have no SQL twin here
        }
        let level = text("level");
        let place = if level == "school" { text("school") } else { text("area") };
        let key = (text("indicator"), text("stage"), level, place, v["school_year"].as_i64().unwrap_or_default());
        out.insert(key, (v["numerator"].as_f64().unwrap_or(f64::NAN), v["denominator"].as_f64()));
    }
    Ok(out)
}

fn school_years(edugov: &Path, db: &Path) -> anyhow::Result<Vec<i64>> {
    let output = Command::new(edugov).arg("--db").arg(db).args(["indicators", "--list-years"]).output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let years: Vec<i64> = text.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    if years.is_empty() {
        bail!("no school years in {}", db.display());
    }
    Ok(years)
}

fn run(command: &mut Command) -> anyhow::Result<()> {
    let output = command.stdout(Stdio::null()).stderr(Stdio::piped()).output()?;
    if !output.status.success() {
        bail!("{:?} failed: {}", command, String::from_utf8_lossy(&output.stderr));
    }
    Ok(())
}
