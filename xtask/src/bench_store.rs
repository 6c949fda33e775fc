//! `cargo xtask bench store [--scale S] [--seed N] [--pg URL]
//! [--province-scale P | --no-province] [--no-city] [--duration SECS]`:
//! the two store backends side by side, in one run (issue 13).
//!
//! The city (`--scale`, default 1 = the full demo city):
//! 1. `edugov demo` writes every school year into a fresh SQLite file and
//!    into a fresh PostgreSQL database (timed, peak memory of the process).
//! 2. The latest year is exported to CSV (identity numbers in clear) and
//!    imported with `edugov import`, file by file, into a second fresh
//!    SQLite file and PostgreSQL database; DuckDB loads the same files into
//!    plain tables in the same run. Rows per second, peak memory (the
//!    `edugov` or Python process's `VmHWM`; PostgreSQL's own server
//!    processes are not counted), database size, and the ratios.
//! 3. Every year's snapshot is built from each backend's demo database (the
//!    first `year_snapshot` builds it from the tables, the second reads the
//!    cache), and the whole catalogue is computed from them (`Computed::new`
//!    and every value, by grade), in this process (a release build).
//! 4. The web benchmark's three routes (`bench_web.rs`) on the PostgreSQL
//!    demo database: `edugov serve --demo --db postgres://…`, 64 connections.
//!
//! The province (`--province-scale`, default 10 ≈ 13 million students):
//! the demo's latest school year alone is generated in this process, written
//! to a scratch SQLite file only to export it to CSV the way a bureau would
//! hand it over, and the CSV files are imported into a fresh PostgreSQL
//! database with `edugov import`; then its size, and one year's snapshot
//! and whole catalogue. Only one school year is imported (six would take
//! six times the disk and the time): the catalogue for all years is that
//! year's time times the years, printed as an estimate and called one.
//!
//! PostgreSQL: the server of `--pg` or `EDUGOV_TEST_PG` (its database name,
//! if any, is ignored); each database is created as `bench_<pid>_<what>`
//! and dropped when the run ends, on failure too. Files go to
//! `bench-out/store/` (removed at the end); the figures are printed as one
//! table and written to `target/bench/store.json`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context};
use serde_json::json;
use store::prelude::*;

use crate::bench::{build_edugov, count_rows, duckdb_load, remove_db, run_measured, Run, ENTITIES};
use crate::bench_web;

/// The goals.
const SQLITE_IMPORT_GOAL_S: f64 = 15.0;
const SQLITE_VS_DUCKDB_GOAL: f64 = 3.0;
const PG_VS_SQLITE_GOAL: f64 = 2.0;
const PROVINCE_IMPORT_GOAL_S: f64 = 300.0;
const PROVINCE_CATALOGUE_GOAL_S: f64 = 3.0;
const CONNECTIONS: u32 = 64;

pub struct Options {
    scale: String,
    seed: String,
    pg: Option<String>,
    province_scale: Option<String>,
    city: bool,
    duration: u32,
}

impl Options {
    pub fn parse(args: &[&str]) -> anyhow::Result<Options> {
        let mut options = Options {
            scale: "1.0".into(),
            seed: "42".into(),
            pg: std::env::var("EDUGOV_TEST_PG").ok().filter(|u| !u.is_empty()),
            province_scale: Some("10".into()),
            city: true,
            duration: 10,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = || it.next().copied().with_context(|| format!("{arg} needs a value"));
            match *arg {
                "--scale" => options.scale = scale(arg, value()?)?,
                "--seed" => options.seed = value()?.to_string(),
                "--pg" => options.pg = Some(value()?.to_string()),
                "--province-scale" => options.province_scale = Some(scale(arg, value()?)?),
                "--no-province" => options.province_scale = None,
                "--no-city" => options.city = false,
                "--duration" => {
                    let v = value()?;
                    options.duration = v
                        .parse()
                        .ok()
                        .filter(|d| *d > 0)
                        .with_context(|| format!("--duration {v}: a positive whole number of seconds"))?;
                }
                other => bail!("unknown option {other}"),
            }
        }
        if !options.city && options.province_scale.is_none() {
            bail!("--no-city with --no-province leaves nothing to measure");
        }
        Ok(options)
    }
}

/// A demo scale as `edugov demo` takes it: in (0, 10].
fn scale(option: &str, value: &str) -> anyhow::Result<String> {
    value
        .parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0 && *s <= 10.0)
        .with_context(|| format!("{option} {value}: a number in (0, 10]"))?;
    Ok(value.to_string())
}

pub fn store(options: &Options) -> anyhow::Result<()> {
    let root = crate::project_root();
    let pg = Pg::new(options.pg.as_deref().context(
        "PostgreSQL is needed: --pg postgres://user@host:port or EDUGOV_TEST_PG (e.g. postgres://postgres@127.0.0.1:55432)",
    )?)?;
    pg.admin("SELECT 1").context("cannot reach PostgreSQL")?;
    let out = root.join("bench-out").join("store");
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    std::fs::create_dir_all(&out)?;
    let edugov = build_edugov(&root)?;
    println!(
        "== store benchmark: SQLite, PostgreSQL ({}) and DuckDB ==",
        pg.shown()
    );
    println!(
        "{} cores, load average {}, {} free on the disk of {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        bench_web::load_average(),
        mib_text(free_bytes(&out)?),
        out.display()
    );

    let mut report = Report::default();
    report.notes.push(format!(
        "{} cores; load average (1, 5, 15 min) at the start: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        bench_web::load_average()
    ));
    let result = (|| -> anyhow::Result<()> {
        if options.city {
            city(&edugov, &pg, &out, options, &mut report)?;
        }
        if let Some(scale) = &options.province_scale {
            province(&edugov, &pg, &out, scale, &mut report)?;
        }
        Ok(())
    })();
    report
        .notes
        .push(format!("load average at the end: {}", bench_web::load_average()));
    report.json.insert("notes".into(), json!(report.notes));
    // What was measured is worth keeping even when a later step failed.
    report.print();
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"))
        .join("bench");
    std::fs::create_dir_all(&target)?;
    let json_path = target.join("store.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&report.json)?)?;
    println!("\nfigures written to {}", json_path.display());
    let _ = std::fs::remove_dir_all(&out);
    result
}

/// What a run measured: lines of the final table, the goals and the JSON.
#[derive(Default)]
struct Report {
    tables: Vec<(String, Table)>,
    goals: Vec<String>,
    /// The machine's load while it ran: the figures mean little without it.
    notes: Vec<String>,
    json: serde_json::Map<String, serde_json::Value>,
}

impl Report {
    fn print(&self) {
        println!("\n==================== figures ====================");
        for (title, table) in &self.tables {
            println!("\n{title}");
            table.print();
        }
        if !self.notes.is_empty() {
            println!();
            for note in &self.notes {
                println!("{note}");
            }
        }
        if !self.goals.is_empty() {
            println!("\ngoals (issue 13):");
            for goal in &self.goals {
                println!("  {goal}");
            }
        }
    }
}

/// A plain text table: the first column left-aligned, the rest right.
pub(crate) struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub(crate) fn print(&self) {
        let width = |s: &str| s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>();
        let mut widths: Vec<usize> = self.header.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if i < widths.len() {
                    widths[i] = widths[i].max(width(cell));
                }
            }
        }
        let line = |cells: &[String]| {
            let mut text = String::new();
            for (i, cell) in cells.iter().enumerate() {
                let pad = " ".repeat(widths.get(i).copied().unwrap_or(0).saturating_sub(width(cell)));
                if i == 0 {
                    text.push_str(&format!("  {cell}{pad}"));
                } else {
                    text.push_str(&format!("  {pad}{cell}"));
                }
            }
            println!("{}", text.trim_end());
        };
        line(&self.header);
        for row in &self.rows {
            line(row);
        }
    }
}

fn secs(s: f64) -> String {
    format!("{s:.2}")
}

fn ms(s: f64) -> String {
    format!("{:.0}", s * 1e3)
}

fn per_second(rows: u64, s: f64) -> String {
    format!("{:.0}", rows as f64 / s)
}

fn ratio(a: f64, b: f64) -> String {
    format!("{:.2}×", a / b)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn mib_text(bytes: u64) -> String {
    if bytes >= 1 << 30 {
        format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
    } else {
        format!("{:.0} MiB", mib(bytes))
    }
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}

/// One file's import into one backend.
struct Import {
    seconds: f64,
    peak_mib: f64,
    cpu_seconds: f64,
}

/// `edugov import` of each file into `db`, in dependency order. With
/// `raise_limits`, each file's size and rows are let through with the
/// documented settings (`EDUGOV_IMPORT_MAX_FILE_MB`, `…_MAX_ROWS`), as a
/// province's operator would for its own files; the city's files are
/// within the defaults.
fn import_files(
    edugov: &Path,
    db: &OsStr,
    files: &[(&str, PathBuf, u64)],
    raise_limits: bool,
) -> anyhow::Result<Vec<Import>> {
    let mut runs = Vec::new();
    for (entity, file, rows) in files {
        let mut command = Command::new(edugov);
        command.arg("--db").arg(db).arg("import").arg(file);
        if raise_limits {
            let mb = std::fs::metadata(file)?.len() / (1024 * 1024) + 1;
            command
                .env("EDUGOV_IMPORT_MAX_FILE_MB", mb.to_string())
                .env("EDUGOV_IMPORT_MAX_ROWS", (rows + 1).to_string());
        }
        let Run {
            seconds,
            peak_mib,
            cpu_seconds,
        } = run_measured(&mut command).with_context(|| format!("edugov import {entity}"))?;
        println!(
            "  {entity:<12} {rows:>9} rows {seconds:>8.2} s {:>10.0} rows/s {peak_mib:>7.0} MiB {cpu_seconds:>7.2} s CPU",
            *rows as f64 / seconds
        );
        runs.push(Import {
            seconds,
            peak_mib,
            cpu_seconds,
        });
    }
    Ok(runs)
}

/// Exports `year` (the latest when `None`) of every entity to CSV with the
/// binary, identity numbers in clear (as the importer needs them).
fn export_csv(
    edugov: &Path,
    db: &Path,
    dir: &Path,
    year: Option<&str>,
) -> anyhow::Result<Vec<(&'static str, PathBuf, u64)>> {
    std::fs::create_dir_all(dir)?;
    let mut files = Vec::new();
    for (entity, _) in ENTITIES {
        let file = dir.join(format!("{entity}.csv"));
        let mut command = Command::new(edugov);
        command
            .arg("--db")
            .arg(db)
            .args(["export", entity, "--format", "csv", "--unmasked", "--output"])
            .arg(&file)
            .env("EDUGOV_ALLOW_UNMASKED", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(year) = year {
            command.args(["--year", year]);
        }
        let output = command.output()?;
        if !output.status.success() {
            bail!(
                "export of {entity} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let rows = count_rows(&file)?;
        files.push((entity, file, rows));
    }
    Ok(files)
}

fn city(edugov: &Path, pg: &Pg, out: &Path, options: &Options, report: &mut Report) -> anyhow::Result<()> {
    let scale = &options.scale;
    println!("\n== the city: scale {scale}, seed {} ==", options.seed);

    // 1. Every school year, into each backend.
    let demo_sqlite = out.join("demo.db");
    let demo_pg = pg.create("demo")?;
    let demo_args = ["demo", "--scale", scale.as_str(), "--seed", options.seed.as_str()];
    println!("\nedugov demo (every school year):");
    let demo_s = run_measured(Command::new(edugov).arg("--db").arg(&demo_sqlite).args(demo_args))?;
    println!(
        "  SQLite     {:>8.1} s, peak {:.0} MiB",
        demo_s.seconds, demo_s.peak_mib
    );
    let demo_p = run_measured(
        Command::new(edugov)
            .arg("--db")
            .arg(demo_pg.url())
            .args(demo_args),
    )?;
    println!(
        "  PostgreSQL {:>8.1} s, peak {:.0} MiB",
        demo_p.seconds, demo_p.peak_mib
    );
    let demo_sqlite_size = sqlite_size(&demo_sqlite);
    let demo_pg_size = demo_pg.size()?;

    // 2. The latest year's CSV export, imported into each backend and loaded by DuckDB.
    let files = export_csv(edugov, &demo_sqlite, &out.join("csv"), None)?;
    let rows_total: u64 = files.iter().map(|(_, _, rows)| rows).sum();
    let csv_bytes: u64 = files
        .iter()
        .map(|(_, f, _)| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    println!(
        "\nthe latest school year exported to CSV: {rows_total} rows, {}",
        mib_text(csv_bytes)
    );
    report.notes.push(format!(
        "load average before the city's imports: {}",
        bench_web::load_average()
    ));
    let import_sqlite = out.join("import.db");
    let import_pg = pg.create("import")?;
    // The schemas first, untimed: a bureau imports into a database that
    // exists (PostgreSQL's migration takes a second, SQLite's a blink).
    store::open(&store::DatabaseUrl::Sqlite(import_sqlite.clone()))?;
    store::open(&store::DatabaseUrl::Postgres(import_pg.url().to_owned()))?;
    println!("edugov import into SQLite:");
    let sqlite_runs = import_files(edugov, import_sqlite.as_os_str(), &files, false)?;
    println!("edugov import into PostgreSQL:");
    let pg_runs = import_files(edugov, OsStr::new(import_pg.url()), &files, false)?;
    let duck_db = out.join("duck.duckdb");
    println!("DuckDB load:");
    let duck = duckdb_load(&crate::project_root(), &files, &duck_db)?;
    println!("  {:.2} s, peak {:.0} MiB", duck.seconds, duck.peak_mib);
    let import_sqlite_size = sqlite_size(&import_sqlite);
    let import_pg_size = import_pg.size()?;
    let duck_size = std::fs::metadata(&duck_db).map_or(0, |m| m.len());
    drop(import_pg);
    remove_db(&import_sqlite);
    remove_db(&duck_db);

    let sqlite_total: f64 = sqlite_runs.iter().map(|r| r.seconds).sum();
    let pg_total: f64 = pg_runs.iter().map(|r| r.seconds).sum();
    let sqlite_cpu: f64 = sqlite_runs.iter().map(|r| r.cpu_seconds).sum();
    let pg_cpu: f64 = pg_runs.iter().map(|r| r.cpu_seconds).sum();
    let sqlite_peak = sqlite_runs.iter().map(|r| r.peak_mib).fold(0.0, f64::max);
    let pg_peak = pg_runs.iter().map(|r| r.peak_mib).fold(0.0, f64::max);

    let mut table = Table::new(&[
        "file",
        "rows",
        "SQLite s",
        "PostgreSQL s",
        "DuckDB s",
        "SQLite/DuckDB",
        "PG/SQLite",
    ]);
    for (i, (entity, _, rows)) in files.iter().enumerate() {
        let d = duck.tables.get(i).copied().unwrap_or(f64::NAN);
        table.row(vec![
            entity.to_string(),
            rows.to_string(),
            secs(sqlite_runs[i].seconds),
            secs(pg_runs[i].seconds),
            secs(d),
            ratio(sqlite_runs[i].seconds, d),
            ratio(pg_runs[i].seconds, sqlite_runs[i].seconds),
        ]);
    }
    table.row(vec![
        "all (DuckDB: + checkpoint)".into(),
        rows_total.to_string(),
        secs(sqlite_total),
        secs(pg_total),
        secs(duck.seconds),
        ratio(sqlite_total, duck.seconds),
        ratio(pg_total, sqlite_total),
    ]);
    table.row(vec![
        "rows/s".into(),
        String::new(),
        per_second(rows_total, sqlite_total),
        per_second(rows_total, pg_total),
        per_second(rows_total, duck.seconds),
        String::new(),
        String::new(),
    ]);
    table.row(vec![
        "CPU s (client process)".into(),
        String::new(),
        secs(sqlite_cpu),
        secs(pg_cpu),
        secs(duck.cpu_seconds),
        ratio(sqlite_cpu, duck.cpu_seconds),
        String::new(),
    ]);
    table.row(vec![
        "peak MiB (client process)".into(),
        String::new(),
        format!("{sqlite_peak:.0}"),
        format!("{pg_peak:.0}"),
        format!("{:.0}", duck.peak_mib),
        String::new(),
        String::new(),
    ]);
    table.row(vec![
        "database size MiB".into(),
        String::new(),
        format!("{:.0}", mib(import_sqlite_size)),
        format!("{:.0}", mib(import_pg_size)),
        format!("{:.0}", mib(duck_size)),
        String::new(),
        String::new(),
    ]);
    report.tables.push((
        format!(
            "city (scale {scale}): import of the latest school year's CSV export ({} of CSV), file by file",
            mib_text(csv_bytes)
        ),
        table,
    ));
    let mut table = Table::new(&[
        "edugov demo, every school year",
        "SQLite",
        "PostgreSQL",
        "PG/SQLite",
    ]);
    table.row(vec![
        "seconds".into(),
        secs(demo_s.seconds),
        secs(demo_p.seconds),
        ratio(demo_p.seconds, demo_s.seconds),
    ]);
    table.row(vec![
        "peak MiB (edugov)".into(),
        format!("{:.0}", demo_s.peak_mib),
        format!("{:.0}", demo_p.peak_mib),
        String::new(),
    ]);
    table.row(vec![
        "database size MiB".into(),
        format!("{:.0}", mib(demo_sqlite_size)),
        format!("{:.0}", mib(demo_pg_size)),
        ratio(demo_pg_size as f64, demo_sqlite_size as f64),
    ]);
    report.tables.push((
        format!("city (scale {scale}): the demo written by each backend"),
        table,
    ));

    let sqlite_goal = sqlite_total < SQLITE_IMPORT_GOAL_S;
    let duck_goal = sqlite_total / duck.seconds <= SQLITE_VS_DUCKDB_GOAL;
    let pg_goal = pg_total / sqlite_total <= PG_VS_SQLITE_GOAL;
    report.goals.push(format!(
        "city SQLite import under {SQLITE_IMPORT_GOAL_S:.0} s: {:.2} s — {}",
        sqlite_total,
        verdict(sqlite_goal)
    ));
    report.goals.push(format!(
        "city SQLite import within {SQLITE_VS_DUCKDB_GOAL:.0}× DuckDB's load: {:.2}× — {}",
        sqlite_total / duck.seconds,
        verdict(duck_goal)
    ));
    report.goals.push(format!(
        "city PostgreSQL import within {PG_VS_SQLITE_GOAL:.0}× SQLite's: {:.2}× — {}",
        pg_total / sqlite_total,
        verdict(pg_goal)
    ));
    let file_json = |runs: &[Import]| -> Vec<serde_json::Value> {
        files
            .iter()
            .zip(runs)
            .map(|((entity, _, rows), r)| json!({"file": entity, "rows": rows, "seconds": r.seconds, "peak_mib": r.peak_mib, "cpu_s": r.cpu_seconds}))
            .collect()
    };
    let mut city_json = json!({
        "scale": scale,
        "seed": options.seed,
        "rows": rows_total,
        "csv_bytes": csv_bytes,
        "import": {
            "sqlite": {"seconds": sqlite_total, "cpu_s": sqlite_cpu, "peak_mib": sqlite_peak, "bytes": import_sqlite_size, "files": file_json(&sqlite_runs)},
            "postgres": {"seconds": pg_total, "cpu_s": pg_cpu, "peak_mib": pg_peak, "bytes": import_pg_size, "files": file_json(&pg_runs)},
            "duckdb": {"seconds": duck.seconds, "cpu_s": duck.cpu_seconds, "peak_mib": duck.peak_mib, "bytes": duck_size, "tables": duck.tables},
            "sqlite_over_duckdb": sqlite_total / duck.seconds,
            "postgres_over_sqlite": pg_total / sqlite_total,
        },
        "demo": {
            "sqlite": {"seconds": demo_s.seconds, "peak_mib": demo_s.peak_mib, "bytes": demo_sqlite_size},
            "postgres": {"seconds": demo_p.seconds, "peak_mib": demo_p.peak_mib, "bytes": demo_pg_size},
        },
    });

    // 3. Every year's snapshot from each backend, and the catalogue over them.
    println!("\nsnapshots, built from the tables then read from the cache:");
    let from_sqlite = snapshots(&store::DatabaseUrl::Sqlite(demo_sqlite.clone()), "SQLite")?;
    let from_pg = snapshots(
        &store::DatabaseUrl::Postgres(demo_pg.url().to_owned()),
        "PostgreSQL",
    )?;
    if from_sqlite.values != from_pg.values {
        bail!(
            "the catalogue differs between the backends: {} values from SQLite, {} from PostgreSQL",
            from_sqlite.values,
            from_pg.values
        );
    }
    let mut table = Table::new(&[
        "school year",
        "SQLite build ms",
        "cached ms",
        "PostgreSQL build ms",
        "cached ms",
        "PG/SQLite build",
    ]);
    for (s, p) in from_sqlite.years.iter().zip(&from_pg.years) {
        table.row(vec![
            s.year.to_string(),
            ms(s.build),
            ms(s.cached),
            ms(p.build),
            ms(p.cached),
            ratio(p.build, s.build),
        ]);
    }
    let sum = |y: &[YearSnapshotTime], f: fn(&YearSnapshotTime) -> f64| y.iter().map(f).sum::<f64>();
    let (sb, sc) = (
        sum(&from_sqlite.years, |y| y.build),
        sum(&from_sqlite.years, |y| y.cached),
    );
    let (pb, pc) = (
        sum(&from_pg.years, |y| y.build),
        sum(&from_pg.years, |y| y.cached),
    );
    table.row(vec![
        "all years".into(),
        ms(sb),
        ms(sc),
        ms(pb),
        ms(pc),
        ratio(pb, sb),
    ]);
    table.row(vec![
        format!("catalogue, all years ({} values)", from_sqlite.values),
        ms(from_sqlite.compute),
        String::new(),
        ms(from_pg.compute),
        String::new(),
        String::new(),
    ]);
    report.tables.push((
        format!("city (scale {scale}): year snapshots from each backend's demo database"),
        table,
    ));
    city_json["snapshots"] = json!({"sqlite": from_sqlite.json(), "postgres": from_pg.json()});

    // 4. The web on PostgreSQL.
    println!(
        "\nweb on PostgreSQL ({CONNECTIONS} connections, {} s per route):",
        options.duration
    );
    let web = bench_web::drive(
        edugov,
        OsStr::new(demo_pg.url()),
        out,
        CONNECTIONS,
        options.duration,
    )?;
    let table = web_table(&web);
    report.tables.push((
        format!(
            "city (scale {scale}): web on PostgreSQL, {CONNECTIONS} connections, {} s per route; server RSS after warm-up {:.0} MiB, after the runs {:.0} MiB, peak {:.0} MiB",
            options.duration, web.rss_warm_mib, web.memory.rss_mib, web.memory.hwm_mib
        ),
        table,
    ));
    let goals = web.goals(CONNECTIONS);
    for line in &goals.lines {
        report.goals.push(format!("web on PostgreSQL: {line}"));
    }
    // The same routes on SQLite, on the same machine at the same time:
    // what the backend costs apart from the machine's load.
    println!("\nthe same on SQLite, for comparison:");
    let web_sqlite = bench_web::drive(
        edugov,
        demo_sqlite.as_os_str(),
        out,
        CONNECTIONS,
        options.duration,
    )?;
    let table = web_table(&web_sqlite);
    report.tables.push((
        format!(
            "city (scale {scale}): the same web routes on SQLite, for comparison; server RSS peak {:.0} MiB",
            web_sqlite.memory.hwm_mib
        ),
        table,
    ));
    city_json["web_postgres"] = web_json(&web, options.duration);
    city_json["web_sqlite"] = web_json(&web_sqlite, options.duration);
    report.json.insert("city".into(), city_json);
    drop(demo_pg);
    remove_db(&demo_sqlite);
    if goals.wrong > 0 {
        bail!("{} web response(s) were not 2xx", goals.wrong);
    }
    Ok(())
}

fn web_table(web: &bench_web::WebRun) -> Table {
    let mut table = Table::new(&[
        "route",
        "req/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "non-2xx",
        "socket errors",
        "first ms",
    ]);
    for r in &web.routes {
        table.row(vec![
            r.route.clone(),
            format!("{:.0}", r.result.requests_per_second),
            format!("{:.2}", r.result.p50_ms),
            format!("{:.2}", r.result.p99_ms),
            format!("{:.1}", r.result.max_ms),
            r.result.non_2xx.to_string(),
            r.result.socket_errors.to_string(),
            format!("{:.1}", r.warm_ms),
        ]);
    }
    table
}

fn web_json(web: &bench_web::WebRun, duration: u32) -> serde_json::Value {
    json!({
        "connections": CONNECTIONS,
        "duration_s": duration,
        "rss_warm_mib": web.rss_warm_mib,
        "rss_mib": web.memory.rss_mib,
        "rss_peak_mib": web.memory.hwm_mib,
        "routes": web.routes.iter().map(|r| json!({
            "route": r.route,
            "requests": r.result.requests,
            "requests_per_second": r.result.requests_per_second,
            "p50_ms": r.result.p50_ms,
            "p99_ms": r.result.p99_ms,
            "max_ms": r.result.max_ms,
            "non_2xx": r.result.non_2xx,
            "socket_errors": r.result.socket_errors,
            "first_ms": r.warm_ms,
        })).collect::<Vec<_>>(),
    })
}

struct YearSnapshotTime {
    year: u16,
    build: f64,
    cached: f64,
}

struct SnapshotRun {
    years: Vec<YearSnapshotTime>,
    /// `Computed::new` over every year and every value of the catalogue.
    compute: f64,
    values: usize,
}

impl SnapshotRun {
    fn json(&self) -> serde_json::Value {
        json!({
            "years": self.years.iter().map(|y| json!({"year": y.year, "build_s": y.build, "cached_s": y.cached})).collect::<Vec<_>>(),
            "compute_s": self.compute,
            "values": self.values,
        })
    }
}

/// Every year's snapshot twice (built, then from the cache), then the whole
/// catalogue over them.
fn snapshots(url: &store::DatabaseUrl, name: &str) -> anyhow::Result<SnapshotRun> {
    let store = store::open(url).with_context(|| format!("opening {url}"))?;
    let mut years = Vec::new();
    let mut held = Vec::new();
    for year in store.school_years()? {
        let started = Instant::now();
        let snapshot = store.year_snapshot(year)?;
        let build = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let again = store.year_snapshot(year)?;
        let cached = started.elapsed().as_secs_f64();
        if again.students.len() != snapshot.students.len() {
            bail!(
                "{name}: the cached snapshot of {} differs from the built one",
                year.0
            );
        }
        println!(
            "  {name:<10} {}: {} students, built in {:.0} ms, cached {:.0} ms",
            year.0,
            snapshot.students.len(),
            build * 1e3,
            cached * 1e3
        );
        years.push(YearSnapshotTime {
            year: year.0,
            build,
            cached,
        });
        held.push(snapshot);
    }
    let (compute, values) = catalogue(&held);
    println!(
        "  {name:<10} the whole catalogue over {} years: {:.0} ms, {values} values",
        held.len(),
        compute * 1e3
    );
    Ok(SnapshotRun {
        years,
        compute,
        values,
    })
}

/// `Computed::new` and every value (all indicators, levels, stages and
/// grades): seconds and the number of values.
fn catalogue(snapshots: &[registry::snapshot::YearSnapshot]) -> (f64, usize) {
    let started = Instant::now();
    let computed = indicators::Computed::new(snapshots, indicators::Rules::default());
    let values = computed.values(&indicators::Query {
        indicators: Vec::new(),
        years: Vec::new(),
        within: None,
        levels: Vec::new(),
        by_grade: true,
    });
    (started.elapsed().as_secs_f64(), values.len())
}

fn province(edugov: &Path, pg: &Pg, out: &Path, scale: &str, report: &mut Report) -> anyhow::Result<()> {
    println!("\n== the province: scale {scale}, the latest school year ==");
    let scale_f: f64 = scale.parse()?;
    let free_before = free_bytes(out)?;

    // The latest school year alone, generated here and exported as a bureau
    // would hand it over (the scratch database only feeds the export).
    let started = Instant::now();
    let config = demo::DemoConfig {
        scale: scale_f,
        ..demo::DemoConfig::default()
    };
    let city = demo::DemoCity::generate(&config)?;
    let years_in_demo = city.school_years().len();
    let year = *city
        .school_years()
        .last()
        .context("the demo has no school year")?;
    let changes = city.school_year(year);
    drop(city);
    let generated = started.elapsed().as_secs_f64();
    let students = changes.students.len();
    println!(
        "generated {} ({students} students, {} records) in {generated:.1} s",
        year.0,
        changes.len()
    );
    let scratch = out.join("province-source.db");
    let started = Instant::now();
    {
        let mut source = store::open(&store::DatabaseUrl::Sqlite(scratch.clone()))?;
        match source.apply(&changes, store::ApplyOptions::default(), &mut |_, _| {})? {
            store::ApplyOutcome::Committed(_) => {}
            store::ApplyOutcome::Rejected(m) => {
                bail!("the demo's class sizes disagree ({} classes)", m.len())
            }
        }
    }
    drop(changes);
    let scratch_write = started.elapsed().as_secs_f64();
    println!("written to a scratch SQLite file in {scratch_write:.1} s (not the import measured)");
    let started = Instant::now();
    let files = export_csv(
        edugov,
        &scratch,
        &out.join("province-csv"),
        Some(&year.0.to_string()),
    )?;
    let exported = started.elapsed().as_secs_f64();
    remove_db(&scratch);
    let rows_total: u64 = files.iter().map(|(_, _, rows)| rows).sum();
    let csv_bytes: u64 = files
        .iter()
        .map(|(_, f, _)| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    println!(
        "exported to CSV in {exported:.1} s: {rows_total} rows, {}",
        mib_text(csv_bytes)
    );

    let db = pg.create("province")?;
    store::open(&store::DatabaseUrl::Postgres(db.url().to_owned()))?;
    report.notes.push(format!(
        "load average before the province's import: {}",
        bench_web::load_average()
    ));
    println!("edugov import into PostgreSQL (import limits raised to the files' size and rows):");
    let runs = import_files(edugov, OsStr::new(db.url()), &files, true)?;
    for (_, file, _) in &files {
        let _ = std::fs::remove_file(file);
    }
    let import_total: f64 = runs.iter().map(|r| r.seconds).sum();
    let peak = runs.iter().map(|r| r.peak_mib).fold(0.0, f64::max);
    let size = db.size()?;
    let free_after = free_bytes(out)?;
    println!(
        "database size {}; disk free before {} and after {}",
        mib_text(size),
        mib_text(free_before),
        mib_text(free_after)
    );

    // One province-sized year's catalogue: the snapshot from the tables
    // (and from the cache), then the engine.
    let store = store::open(&store::DatabaseUrl::Postgres(db.url().to_owned()))?;
    let started = Instant::now();
    let snapshot = store.year_snapshot(year)?;
    let build = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let snapshot_again = store.year_snapshot(year)?;
    let cached = started.elapsed().as_secs_f64();
    drop(snapshot_again);
    drop(store);
    let (compute, values) = catalogue(std::slice::from_ref(&snapshot));
    drop(snapshot);
    println!(
        "snapshot built in {:.0} ms (cached {:.0} ms); the whole catalogue {:.0} ms, {values} values",
        build * 1e3,
        cached * 1e3,
        compute * 1e3
    );
    drop(db);

    let mut table = Table::new(&[
        "file",
        "rows",
        "PostgreSQL s",
        "rows/s",
        "peak MiB",
        "client CPU s",
    ]);
    for ((entity, _, rows), r) in files.iter().zip(&runs) {
        table.row(vec![
            entity.to_string(),
            rows.to_string(),
            secs(r.seconds),
            per_second(*rows, r.seconds),
            format!("{:.0}", r.peak_mib),
            secs(r.cpu_seconds),
        ]);
    }
    table.row(vec![
        "all".into(),
        rows_total.to_string(),
        secs(import_total),
        per_second(rows_total, import_total),
        format!("{peak:.0}"),
        secs(runs.iter().map(|r| r.cpu_seconds).sum()),
    ]);
    report.tables.push((
        format!(
            "province (scale {scale}, {} with {students} students, {} of CSV): import into PostgreSQL; database size {}",
            year.0,
            mib_text(csv_bytes),
            mib_text(size)
        ),
        table,
    ));
    let mut table = Table::new(&["one province-sized year", "ms"]);
    table.row(vec!["snapshot built from PostgreSQL's tables".into(), ms(build)]);
    table.row(vec!["snapshot read from the cache".into(), ms(cached)]);
    table.row(vec![
        format!("catalogue: Computed::new + {values} values"),
        ms(compute),
    ]);
    table.row(vec![
        "whole catalogue, snapshot built".into(),
        ms(build + compute),
    ]);
    table.row(vec![
        "whole catalogue, snapshot cached".into(),
        ms(cached + compute),
    ]);
    table.row(vec![
        format!("all {years_in_demo} years, snapshots built, estimated (one year × {years_in_demo})"),
        ms((build + compute) * years_in_demo as f64),
    ]);
    table.row(vec![
        format!("all {years_in_demo} years, snapshots cached, estimated (one year × {years_in_demo})"),
        ms((cached + compute) * years_in_demo as f64),
    ]);
    report.tables.push((
        format!("province (scale {scale}): the indicator catalogue"),
        table,
    ));
    report.goals.push(format!(
        "province (scale {scale}) imported in under {:.0} min: {:.1} s — {}",
        PROVINCE_IMPORT_GOAL_S / 60.0,
        import_total,
        verdict(import_total < PROVINCE_IMPORT_GOAL_S)
    ));
    report.goals.push(format!(
        "whole catalogue for one province-sized year (scale {scale}) under {PROVINCE_CATALOGUE_GOAL_S:.0} s: {:.2} s with the snapshot built from the tables, {:.2} s from the cache — {}",
        build + compute,
        cached + compute,
        verdict(build + compute < PROVINCE_CATALOGUE_GOAL_S)
    ));
    report.json.insert(
        "province".into(),
        json!({
            "scale": scale,
            "school_year": year.0,
            "students": students,
            "rows": rows_total,
            "csv_bytes": csv_bytes,
            "generate_s": generated,
            "scratch_sqlite_write_s": scratch_write,
            "export_s": exported,
            "import_postgres": {
                "seconds": import_total,
                "peak_mib": peak,
                "files": files.iter().zip(&runs).map(|((entity, _, rows), r)| json!({"file": entity, "rows": rows, "seconds": r.seconds, "peak_mib": r.peak_mib, "cpu_s": r.cpu_seconds})).collect::<Vec<_>>(),
            },
            "postgres_bytes": size,
            "disk_free_before": free_before,
            "disk_free_after": free_after,
            "snapshot_build_s": build,
            "snapshot_cached_s": cached,
            "compute_s": compute,
            "values": values,
            "all_years_estimated_s": (build + compute) * years_in_demo as f64,
            "all_years_cached_estimated_s": (cached + compute) * years_in_demo as f64,
            "years_in_demo": years_in_demo,
        }),
    );
    Ok(())
}

/// A SQLite database's size on disk, with its WAL.
fn sqlite_size(path: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .map(|suffix| std::fs::metadata(format!("{}{suffix}", path.display())).map_or(0, |m| m.len()))
        .sum()
}

/// Free bytes on the file system of `path` (`df`, POSIX output).
fn free_bytes(path: &Path) -> anyhow::Result<u64> {
    let output = Command::new("df").arg("-Pk").arg(path).output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|kib| kib.parse::<u64>().ok())
        .map(|kib| kib * 1024)
        .with_context(|| format!("df printed {text:?}"))
}

/// A PostgreSQL server, reached with `psql` for what the store does not
/// do: creating, measuring and dropping databases.
pub(crate) struct Pg {
    /// `postgres://user@host:port`, without a database name.
    base: String,
    /// `?…` of the URL given, kept on every database's URL.
    query: String,
}

impl Pg {
    pub(crate) fn new(url: &str) -> anyhow::Result<Pg> {
        let (url, query) = match url.split_once('?') {
            Some((u, q)) => (u, format!("?{q}")),
            None => (url, String::new()),
        };
        let Some((scheme, rest)) = url.split_once("://") else {
            bail!("{url}: not a postgres:// URL");
        };
        if scheme != "postgres" && scheme != "postgresql" {
            bail!("{url}: not a postgres:// URL");
        }
        let authority = rest.split('/').next().unwrap_or(rest);
        Ok(Pg {
            base: format!("{scheme}://{authority}"),
            query,
        })
    }

    fn url(&self, database: &str) -> String {
        format!("{}/{database}{}", self.base, self.query)
    }

    /// The server as it may be printed (no password).
    fn shown(&self) -> String {
        match self.base.split_once("://") {
            Some((scheme, rest)) => match rest.rsplit_once('@') {
                Some((user, host)) => format!("{scheme}://{}@{host}", user.split(':').next().unwrap_or(user)),
                None => self.base.clone(),
            },
            None => self.base.clone(),
        }
    }

    /// One statement on the `postgres` database; its output, unaligned.
    pub(crate) fn admin(&self, sql: &str) -> anyhow::Result<String> {
        let output = Command::new("psql")
            .arg(self.url("postgres"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .context("running psql")?;
        if !output.status.success() {
            bail!("psql {sql:?}: {}", String::from_utf8_lossy(&output.stderr).trim());
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    }

    /// A fresh database `bench_<pid>_<what>`, dropped with the guard.
    pub(crate) fn create(&self, what: &str) -> anyhow::Result<PgDatabase<'_>> {
        let name = format!("bench_{}_{what}", std::process::id());
        self.admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
        self.admin(&format!("CREATE DATABASE {name}"))?;
        let url = self.url(&name);
        Ok(PgDatabase { pg: self, name, url })
    }
}

pub(crate) struct PgDatabase<'a> {
    pg: &'a Pg,
    name: String,
    url: String,
}

impl PgDatabase<'_> {
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    fn size(&self) -> anyhow::Result<u64> {
        let text = self
            .pg
            .admin(&format!("SELECT pg_database_size('{}')", self.name))?;
        text.parse()
            .with_context(|| format!("pg_database_size gave {text:?}"))
    }
}

impl Drop for PgDatabase<'_> {
    fn drop(&mut self) {
        // FORCE: a server the run started may still hold a connection.
        if let Err(err) = self
            .pg
            .admin(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
        {
            eprintln!("could not drop the database {}: {err:#}", self.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_loses_its_database_name_and_keeps_its_parameters() {
        let pg = Pg::new("postgres://u:secret@db.example:5433/edugov?sslmode=require").unwrap();
        assert_eq!(
            pg.url("bench_1_demo"),
            "postgres://u:secret@db.example:5433/bench_1_demo?sslmode=require"
        );
        assert_eq!(pg.shown(), "postgres://u@db.example:5433");
        let pg = Pg::new("postgres://postgres@127.0.0.1:55432").unwrap();
        assert_eq!(pg.url("postgres"), "postgres://postgres@127.0.0.1:55432/postgres");
    }

    #[test]
    fn a_url_that_is_not_postgres_is_refused() {
        assert!(Pg::new("mysql://x@y/z").is_err());
        assert!(Pg::new("edugov.db").is_err());
    }

    #[test]
    fn options_take_the_province_off_and_refuse_an_empty_run() {
        let o = Options::parse(&["--no-province", "--scale", "0.02", "--pg", "postgres://p@h:1"]).unwrap();
        assert!(o.province_scale.is_none());
        assert_eq!(o.scale, "0.02");
        let o = Options::parse(&["--province-scale", "2", "--no-city"]).unwrap();
        assert_eq!(o.province_scale.as_deref(), Some("2"));
        assert!(!o.city);
        assert!(Options::parse(&["--no-city", "--no-province"]).is_err());
        assert!(Options::parse(&["--scale", "11"]).is_err());
        assert!(Options::parse(&["--scale", "0"]).is_err());
    }
}
