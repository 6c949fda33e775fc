//! `cargo xtask bench plans [--tasks N] [--counties N] [--events N]
//! [--projects N] [--reports N] [--cases N] [--seed S] [--pg URL | --no-pg]`:
//! work plans and supervision (issue 14), in one run.
//!
//! 1. **The progress method against an oracle.** `--cases` seeded random
//!    cases (both directions, zero bases, zero targets, negative series,
//!    targets already met, sign changes, years that leave no ratio) go
//!    through `plans::progress::ratio` and through an independent Python
//!    implementation of open-sdg's published method (`xtask/py/
//!    open_sdg_progress.py`; open-sdg's own `sdg-build` is not on PyPI).
//!    Every status and every R is compared: a differing status, or R apart
//!    by more than 1e-9 (relative to max(1, |R|)), fails the run.
//! 2. **The progress summary.** A synthetic province-sized plan (tasks over
//!    `--counties` counties, `--events` supervision events, `--reports`
//!    progress reports, `--projects` construction projects): the time of
//!    `Ledger::build`, `summary::build` and `gongwen::to_docx`, against
//!    python-docx (what a bureau's Python-writing engineer would use)
//!    writing the same paragraphs, runs, figure marks and tables from the
//!    document's text exported as JSON.
//! 3. **The plan store** on SQLite (a fresh file) and, with `--pg` or
//!    `EDUGOV_TEST_PG`, on a fresh PostgreSQL database (`bench_<pid>_plans`,
//!    dropped at the end): `save_plan`, `append_event` one by one,
//!    `file_report` + `decide_report` pairs, `save_projects`, and the plan
//!    page's reads (plan, history, reports, projects) with the ledger built
//!    from them; the PostgreSQL / SQLite ratios.
//!
//! Files go to `bench-out/plans/` (removed at the end unless `--keep`).

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use gongwen::{Block, Document, Run};
use plans::progress::{self, NoRatio, Point};
use plans::supervision::{Event, EventKind, NewEvent};
use plans::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use registry::{AreaCode, Stage};
use serde_json::json;
use store::prelude::*;

use crate::bench::spawn_measured;
use crate::bench_store::{Pg, Table};

/// R may differ by float rounding only: relative to max(1, |R|).
const R_TOLERANCE: f64 = 1e-9;
const PLAN_YEAR: i32 = 2026;
const CITY: &str = "3701";

pub struct Options {
    tasks: usize,
    counties: usize,
    events: usize,
    projects: usize,
    reports: Option<usize>,
    cases: usize,
    seed: u64,
    pg: Option<String>,
    keep: bool,
}

impl Options {
    pub fn parse(args: &[&str]) -> anyhow::Result<Options> {
        let mut options = Options {
            tasks: 200,
            counties: 136,
            events: 50_000,
            projects: 2_000,
            reports: None,
            cases: 100_000,
            seed: 42,
            pg: std::env::var("EDUGOV_TEST_PG").ok().filter(|u| !u.is_empty()),
            keep: false,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = || it.next().copied().with_context(|| format!("{arg} needs a value"));
            let mut count = |max: usize| -> anyhow::Result<usize> {
                let v = value()?;
                v.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .with_context(|| format!("{arg} {v}: a whole number from 1 to {max}"))
            };
            match *arg {
                "--tasks" => options.tasks = count(100_000)?,
                "--counties" => options.counties = count(9_999)?,
                "--events" => options.events = count(10_000_000)?,
                "--projects" => options.projects = count(1_000_000)?,
                "--reports" => options.reports = Some(count(10_000_000)?),
                "--cases" => options.cases = count(100_000_000)?,
                "--seed" => {
                    let v = value()?;
                    options.seed = v.parse().with_context(|| format!("--seed {v}: a whole number"))?;
                }
                "--pg" => options.pg = Some(value()?.to_string()),
                "--no-pg" => options.pg = None,
                "--keep" => options.keep = true,
                other => bail!("unknown option {other}"),
            }
        }
        Ok(options)
    }

    /// Reports default to one for every five events, as the demo has them.
    fn reports(&self) -> usize {
        self.reports.unwrap_or((self.events / 5).max(1))
    }
}

pub fn plans(options: &Options) -> anyhow::Result<()> {
    let root = crate::project_root();
    let out = root.join("bench-out").join("plans");
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    std::fs::create_dir_all(&out)?;
    println!(
        "== plans benchmark: {} tasks, {} counties, {} events, {} reports, {} projects; {} progress cases (seed {}) ==",
        options.tasks,
        options.counties,
        options.events,
        options.reports(),
        options.projects,
        options.cases,
        options.seed
    );
    let load = format!(
        "{} cores, load average (1, 5, 15 min) at the start: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        crate::bench_web::load_average()
    );
    println!("{load}");

    let cross = cross_check(&out, options)?;
    let world = World::generate(options)?;
    let summary = summary(&out, &world)?;
    let mut stores = vec![(
        "SQLite",
        store_run(&store::DatabaseUrl::Sqlite(out.join("plans.db")), &world)?,
    )];
    let pg = match &options.pg {
        Some(url) => {
            let pg = Pg::new(url)?;
            pg.admin("SELECT 1").context("cannot reach PostgreSQL")?;
            Some(pg)
        }
        None => None,
    };
    if let Some(pg) = &pg {
        let db = pg.create("plans")?;
        stores.push((
            "PostgreSQL",
            store_run(&store::DatabaseUrl::Postgres(db.url().to_owned()), &world)?,
        ));
    }

    println!("\n==================== figures ====================");
    cross.print();
    summary.print(&world);
    print_stores(&stores);
    if pg.is_none() {
        println!("(PostgreSQL not measured: give --pg postgres://USER@HOST:PORT or EDUGOV_TEST_PG)");
    }
    println!("\n{load}");
    let json = json!({
        "options": {
            "tasks": options.tasks, "counties": options.counties, "events": options.events,
            "reports": options.reports(), "projects": options.projects, "cases": options.cases,
            "seed": options.seed,
        },
        "cross_check": cross.json(),
        "summary": summary.json(),
        "store": stores.iter().map(|(name, s)| (name.to_string(), s.json())).collect::<serde_json::Map<_, _>>(),
    });
    let bench_dir = root.join("target").join("bench");
    std::fs::create_dir_all(&bench_dir)?;
    std::fs::write(bench_dir.join("plans.json"), serde_json::to_string_pretty(&json)?)?;
    if !options.keep {
        let _ = std::fs::remove_dir_all(&out);
    }
    if cross.failures() > 0 {
        bail!(
            "the progress method differs from open-sdg's in {} of {} cases",
            cross.failures(),
            cross.cases
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 1. The progress method against open-sdg's, case by case.

/// One generated case: what kind of case it is (for the report), and the
/// inputs of `ratio`.
#[derive(Debug, Clone)]
struct Case {
    kind: &'static str,
    base: Point,
    current: Point,
    target: Point,
    better: Better,
}

/// A value of the grid of one decimal (ties with the target happen) or any
/// double (rounding shows); never in (0, 0.1), where open-sdg's 0.001
/// substitute would blur "zero".
fn value(rng: &mut ChaCha8Rng, low: f64, high: f64) -> f64 {
    let v = rng.random_range(low..high);
    let v = if rng.random_bool(0.5) {
        (v * 10.0).round() / 10.0
    } else {
        v
    };
    if v.abs() < 0.1 {
        0.1_f64.copysign(if v == 0.0 { 1.0 } else { v })
    } else {
        v
    }
}

fn cases(n: usize, seed: u64) -> Vec<Case> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let better = if rng.random_bool(0.5) {
                Better::Higher
            } else {
                Better::Lower
            };
            let base_year = rng.random_range(2010..2024);
            let mut current_year = base_year + rng.random_range(1..7);
            let mut target_year = current_year + rng.random_range(0..9);
            let base = value(&mut rng, 1.0, 100.0);
            // A target in the good direction, as plans set them.
            let mut target = match better {
                Better::Higher => base * rng.random_range(1.0..1.8),
                Better::Lower => base * rng.random_range(0.3..1.0),
            };
            // Somewhere from going backwards to past the target.
            let mut current = base + (target - base) * rng.random_range(-0.5..1.3);
            let mut base_value = base;
            let roll: u32 = rng.random_range(0..100);
            let kind = match roll {
                0..=49 => "ordinary",
                50..=57 => {
                    base_value = 0.0;
                    current = value(&mut rng, 0.1, 60.0);
                    target = value(&mut rng, 0.1, 80.0);
                    "zero base"
                }
                58..=65 => {
                    target = 0.0;
                    "zero target"
                }
                66..=75 => {
                    base_value = -base;
                    current = -current;
                    target = if rng.random_bool(0.9) { -target } else { target };
                    "negative series"
                }
                76..=84 => {
                    // At or beyond the target in the good direction.
                    let beyond = if rng.random_bool(0.2) {
                        0.0
                    } else {
                        rng.random_range(0.0..20.0)
                    };
                    current = match better {
                        Better::Higher => target + beyond,
                        Better::Lower => (target - beyond).max(0.0),
                    };
                    "target met"
                }
                85..=88 => {
                    current = -current;
                    "sign change"
                }
                89..=93 => {
                    if rng.random_bool(0.5) {
                        current_year = base_year - rng.random_range(0..3);
                    } else {
                        target_year = base_year - rng.random_range(0..3);
                    }
                    "no span"
                }
                _ => {
                    target = base;
                    "target = base"
                }
            };
            if rng.random_bool(0.5) && kind == "ordinary" {
                current = (current * 10.0).round() / 10.0;
                target = (target * 10.0).round() / 10.0;
            }
            Case {
                kind,
                base: Point {
                    year: base_year,
                    value: base_value,
                },
                current: Point {
                    year: current_year,
                    value: current,
                },
                target: Point {
                    year: target_year,
                    value: target,
                },
                better,
            }
        })
        .collect()
}

/// A status in edugov's words, and R when it rests on one.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    status: String,
    r: Option<f64>,
}

fn edugov_outcome(result: &Result<progress::Ratio, NoRatio>) -> Outcome {
    match result {
        Ok(ratio) => Outcome {
            status: ratio.progress.code().to_owned(),
            r: ratio.r.filter(|r| r.is_finite()),
        },
        Err(_) => Outcome {
            status: "unable_to_assess".into(),
            r: None,
        },
    }
}

/// open-sdg's category names in edugov's (progress.rs says which is which).
fn open_sdg_status(name: &str) -> anyhow::Result<&'static str> {
    Ok(match name {
        "target_achieved" => "target_achieved",
        "substantial_progress" => "on_track",
        "moderate_progress" => "acceleration_needed",
        "limited_progress" => "limited",
        "deterioration" => "deterioration",
        "unable_to_assess" => "unable_to_assess",
        other => bail!("the oracle printed an unknown status {other:?}"),
    })
}

struct CrossCheck {
    cases: usize,
    by_kind: Vec<(&'static str, usize, usize)>,
    status_differs: usize,
    r_presence_differs: usize,
    max_abs_dr: f64,
    max_rel_dr: f64,
    r_over_tolerance: usize,
    statuses: Vec<(String, usize)>,
    examples: Vec<String>,
    edugov_seconds: f64,
    python_seconds: f64,
}

impl CrossCheck {
    fn failures(&self) -> usize {
        self.status_differs + self.r_presence_differs + self.r_over_tolerance
    }

    fn print(&self) {
        println!(
            "\n1. progress method: {} cases through plans::progress::ratio and open-sdg's method in Python",
            self.cases
        );
        let mut t = Table::new(&["kind of case", "cases", "differing"]);
        for (kind, n, bad) in &self.by_kind {
            t.row(vec![kind.to_string(), n.to_string(), bad.to_string()]);
        }
        t.print();
        let statuses: Vec<String> = self.statuses.iter().map(|(s, n)| format!("{s} {n}")).collect();
        println!("  statuses (edugov): {}", statuses.join(", "));
        println!(
            "  differing statuses: {}; R given by one side only: {}; max |ΔR| {:.3e} (relative {:.3e}, tolerance {R_TOLERANCE:e}); R over tolerance: {}",
            self.status_differs, self.r_presence_differs, self.max_abs_dr, self.max_rel_dr, self.r_over_tolerance
        );
        for e in &self.examples {
            println!("  differs: {e}");
        }
        let mut t = Table::new(&["implementation", "seconds", "ns / case", "ratio"]);
        t.row(vec![
            "edugov plans::progress::ratio".into(),
            format!("{:.4}", self.edugov_seconds),
            format!("{:.0}", self.edugov_seconds * 1e9 / self.cases as f64),
            "1.00×".into(),
        ]);
        t.row(vec![
            "Python (open-sdg's formulas)".into(),
            format!("{:.4}", self.python_seconds),
            format!("{:.0}", self.python_seconds * 1e9 / self.cases as f64),
            format!("{:.1}×", self.python_seconds / self.edugov_seconds),
        ]);
        t.print();
        println!(
            "  verdict: {}",
            if self.failures() == 0 {
                "identical statuses, R within tolerance"
            } else {
                "DIFFERS (the run fails)"
            }
        );
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "cases": self.cases,
            "status_differs": self.status_differs,
            "r_presence_differs": self.r_presence_differs,
            "max_abs_dr": self.max_abs_dr,
            "max_rel_dr": self.max_rel_dr,
            "edugov_seconds": self.edugov_seconds,
            "python_seconds": self.python_seconds,
        })
    }
}

fn cross_check(out: &Path, options: &Options) -> anyhow::Result<CrossCheck> {
    let cases = cases(options.cases, options.seed);
    let cases_file = out.join("progress-cases.csv");
    let results_file = out.join("progress-open-sdg.csv");
    let mut csv = String::from("base_year,base,current_year,current,target_year,target,better\n");
    for c in &cases {
        // `{}` prints the shortest text that reads back as the same double.
        csv.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            c.base.year,
            c.base.value,
            c.current.year,
            c.current.value,
            c.target.year,
            c.target.value,
            c.better.code()
        ));
    }
    std::fs::write(&cases_file, csv)?;

    let started = Instant::now();
    let results: Vec<Result<progress::Ratio, NoRatio>> = cases
        .iter()
        .map(|c| black_box(progress::ratio(c.base, c.current, c.target, c.better)))
        .collect();
    let edugov_seconds = started.elapsed().as_secs_f64();

    let script = crate::project_root()
        .join("xtask")
        .join("py")
        .join("open_sdg_progress.py");
    let output = spawn_measured(
        Command::new(python())
            .arg(&script)
            .arg(&cases_file)
            .arg(&results_file),
    )?;
    let python_seconds = last_json(&output.stdout)?["seconds"]
        .as_f64()
        .with_context(|| format!("the oracle printed {:?}", output.stdout))?;
    let theirs = std::fs::read_to_string(&results_file)?;
    let theirs: Vec<&str> = theirs.lines().collect();
    if theirs.len() != cases.len() {
        bail!("the oracle answered {} of {} cases", theirs.len(), cases.len());
    }

    let mut check = CrossCheck {
        cases: cases.len(),
        by_kind: Vec::new(),
        status_differs: 0,
        r_presence_differs: 0,
        max_abs_dr: 0.0,
        max_rel_dr: 0.0,
        r_over_tolerance: 0,
        statuses: Vec::new(),
        examples: Vec::new(),
        edugov_seconds,
        python_seconds,
    };
    let mut statuses: HashMap<String, usize> = HashMap::new();
    for ((case, result), line) in cases.iter().zip(&results).zip(&theirs) {
        let ours = edugov_outcome(result);
        let (status, r) = line.split_once(',').unwrap_or((line, ""));
        let their = Outcome {
            status: open_sdg_status(status)?.to_owned(),
            r: if r.is_empty() {
                None
            } else {
                Some(
                    r.parse::<f64>()
                        .with_context(|| format!("the oracle's R {r:?}"))?,
                )
            },
        };
        *statuses.entry(ours.status.clone()).or_default() += 1;
        let mut differs = false;
        if ours.status != their.status {
            check.status_differs += 1;
            differs = true;
        }
        match (ours.r, their.r) {
            (Some(a), Some(b)) => {
                let abs = (a - b).abs();
                let rel = abs / a.abs().max(1.0);
                check.max_abs_dr = check.max_abs_dr.max(abs);
                check.max_rel_dr = check.max_rel_dr.max(rel);
                if rel > R_TOLERANCE {
                    check.r_over_tolerance += 1;
                    differs = true;
                }
            }
            (None, None) => {}
            _ => {
                check.r_presence_differs += 1;
                differs = true;
            }
        }
        match check.by_kind.iter_mut().find(|(k, _, _)| *k == case.kind) {
            Some(entry) => {
                entry.1 += 1;
                entry.2 += usize::from(differs);
            }
            None => check.by_kind.push((case.kind, 1, usize::from(differs))),
        }
        if differs && check.examples.len() < 8 {
            check.examples.push(format!(
                "{} {}: base {} = {}, current {} = {}, target {} = {} → edugov {} R {:?}; open-sdg {} R {:?}",
                case.kind,
                case.better.code(),
                case.base.year,
                case.base.value,
                case.current.year,
                case.current.value,
                case.target.year,
                case.target.value,
                ours.status,
                ours.r,
                their.status,
                their.r
            ));
        }
    }
    let mut statuses: Vec<(String, usize)> = statuses.into_iter().collect();
    statuses.sort();
    check.statuses = statuses;
    check.by_kind.sort_by_key(|(k, _, _)| *k);
    Ok(check)
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".into())
}

/// The last non-empty line of a script's output, as JSON.
fn last_json(stdout: &str) -> anyhow::Result<serde_json::Value> {
    let line = stdout.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    serde_json::from_str(line).with_context(|| format!("the script printed {stdout:?}"))
}

// ---------------------------------------------------------------------------
// The synthetic plan: a province-sized bureau's year.

const SECTIONS: [&str; 8] = [
    "学前教育普及普惠",
    "义务教育优质均衡",
    "普通高中多样化发展",
    "职业教育提质培优",
    "教师队伍建设",
    "学校建设与安全",
    "学生健康与体育美育",
    "教育治理与督导",
];

/// Indicator goals a plan sets (catalogue codes, direction, baseline and
/// target in the registry's units).
const GOALS: [(&str, Better, f64, f64); 5] = [
    ("inclusive_coverage", Better::Higher, 80.0, 90.0),
    ("public_preschool_share", Better::Higher, 42.0, 50.0),
    ("preschool_gross_enrolment_ratio", Better::Higher, 91.0, 95.5),
    ("large_class_count", Better::Lower, 120.0, 0.0),
    ("myopia_rate", Better::Lower, 55.0, 50.0),
];

/// The registry's values, made up but stable: each area's series of an
/// indicator from 2021 to 2025, drifting from the goal's baseline.
struct Synthetic;

impl plans::Readings for Synthetic {
    fn readings(&self, goal: &IndicatorGoal, area: &AreaCode) -> Vec<Point> {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in goal.indicator.bytes().chain(area.as_str().bytes()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        let base = GOALS.iter().find(|g| g.0 == goal.indicator).map_or(50.0, |g| g.2);
        let drift = ((h % 1000) as f64 / 1000.0 - 0.4) * 0.06;
        (2021..=2025)
            .map(|year| Point {
                year,
                value: base * (1.0 + drift).powi(year - 2021),
            })
            .collect()
    }
}

struct World {
    spec: PlanSpec,
    plan: Plan,
    /// The history: each task's `Assigned` first, then the rest in time order.
    events: Vec<Event>,
    /// Events appended after the plan is saved (the store's part).
    appended: Vec<NewEvent>,
    reports: Vec<ProgressReport>,
    /// Reports as filed, with the decision (`None`: left awaiting review).
    filed: Vec<(NewReport, Option<Decision>)>,
    projects: Vec<Project>,
    names: HashMap<AreaCode, String>,
    today: NaiveDate,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn area(code: &str) -> anyhow::Result<AreaCode> {
    AreaCode::parse(code).map_err(|e| anyhow::anyhow!("{code}: {e}"))
}

fn at(date: NaiveDate, seconds: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(8, 0, 0).unwrap_or_default())
        + Duration::seconds(i64::from(seconds))
}

impl World {
    fn generate(options: &Options) -> anyhow::Result<World> {
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed ^ 0x706c_616e);
        let today = day(PLAN_YEAR, 6, 30);
        // The province's counties (the store knows only real divisions).
        let all = registry::divisions::counties_of(registry::divisions::PROVINCE_CODE);
        if options.counties > all.len() {
            bail!(
                "--counties {}: {} has {} counties and districts",
                options.counties,
                registry::divisions::PROVINCE_NAME,
                all.len()
            );
        }
        let names: HashMap<AreaCode, String> = all
            .iter()
            .take(options.counties)
            .map(|a| (a.code.clone(), a.name.clone()))
            .collect();
        let counties: Vec<AreaCode> = all.into_iter().take(options.counties).map(|a| a.code).collect();

        let mut sections: Vec<SectionSpec> = SECTIONS
            .iter()
            .map(|s| SectionSpec {
                title: (*s).to_owned(),
                tasks: Vec::new(),
            })
            .collect();
        for i in 0..options.tasks {
            let section = i % SECTIONS.len();
            let n = if rng.random_bool(0.3) {
                counties.len()
            } else {
                rng.random_range(1..=counties.len().min(24))
            };
            let mut answerable: Vec<AreaCode> = Vec::new();
            let start = rng.random_range(0..counties.len());
            for k in 0..n {
                answerable.push(counties[(start + k) % counties.len()].clone());
            }
            let roll = rng.random_range(0..100);
            let (measure, text) = if roll < 40 {
                let (code, better, base, target) = GOALS[rng.random_range(0..GOALS.len())];
                let name = indicators::catalogue::find(code).map_or(code, |i| i.name_zh);
                (
                    Measure::Indicator(IndicatorGoal {
                        indicator: code.to_owned(),
                        stage: None,
                        baseline_year: 2021,
                        baseline: rng.random_bool(0.3).then_some(base),
                        target,
                        target_year: 2025 + rng.random_range(0..3),
                        better,
                    }),
                    format!(
                        "{name}{}到{}",
                        if better == Better::Higher {
                            "提高"
                        } else {
                            "降低"
                        },
                        target
                    ),
                )
            } else if roll < 75 {
                let (counted, target, text) = match rng.random_range(0..4) {
                    0 => (
                        Counted::ProjectsStarted {
                            stage: Some(Stage::Preschool),
                        },
                        40.0,
                        "开工新建改扩建幼儿园",
                    ),
                    1 => (
                        Counted::ProjectsCompleted { stage: None },
                        50.0,
                        "推动中小学建设项目完工",
                    ),
                    2 => (Counted::SeatsDelivered { stage: None }, 15_000.0, "新增学位"),
                    _ => (Counted::Reported { unit: "所".into() }, 1_000.0, "建设家长学校"),
                };
                (
                    Measure::Count(CountGoal { counted, target }),
                    format!("{text}{target}（第{}项）", i + 1),
                )
            } else {
                (
                    Measure::Milestone,
                    format!("出台{}实施方案（第{}项）", SECTIONS[section], i + 1),
                )
            };
            let share = match &measure {
                Measure::Count(goal) => Some((goal.target / n as f64).ceil()),
                _ => None,
            };
            let month = rng.random_range(3..=12);
            sections[section].tasks.push(TaskSpec {
                seq: format!("{}.{}", section + 1, i / SECTIONS.len() + 1),
                text,
                source: TaskSource::ALL[rng.random_range(0..TaskSource::ALL.len())],
                leader: "分管副局长".into(),
                lead_unit: format!("{}处", SECTIONS[section].chars().take(2).collect::<String>()),
                co_units: vec!["发展规划处".into(), "财务处".into()],
                deadline: day(PLAN_YEAR, month, if month == 6 { 30 } else { 28 }),
                measure,
                counties: answerable
                    .into_iter()
                    .map(|county| Assignment { county, share })
                    .collect(),
            });
        }
        let spec = PlanSpec {
            city: area(CITY)?,
            year: PLAN_YEAR,
            title: format!("{PLAN_YEAR}年全省教育工作要点"),
            sections,
        };
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

        // The history: Assigned for each task, then the rest spread over the
        // half year.
        let mut events = Vec::new();
        for t in &tasks {
            events.push(NewEvent {
                task: t.id,
                county: None,
                kind: EventKind::Assigned,
                actor: "admin".into(),
                at: at(day(PLAN_YEAR, 1, 5), 0),
                old_value: None,
                new_value: None,
                note: String::new(),
                due: None,
                report: None,
            });
        }
        let extra = options.events.saturating_sub(tasks.len());
        let mut appended = Vec::with_capacity(extra);
        for k in 0..extra {
            let task = &tasks[rng.random_range(0..tasks.len())];
            let county = (rng.random_bool(0.7)).then(|| {
                task.spec.counties[rng.random_range(0..task.spec.counties.len())]
                    .county
                    .clone()
            });
            // Spread over the half year (about 170 days).
            let when = at(
                day(PLAN_YEAR, 1, 6),
                (k as u64 * 14_000_000 / (extra as u64 + 1)) as u32,
            );
            // A red notice, a listing or an extension sets a date some weeks
            // after the step (so some have passed by the half year).
            let due = when.date_naive() + Duration::days(rng.random_range(15..75));
            let (kind, old_value, new_value, note, due) = match rng.random_range(0..100) {
                0..=29 => {
                    let colour = ["blue", "yellow", "red"][rng.random_range(0..3)];
                    (
                        EventKind::Escalated,
                        None,
                        Some(colour.to_owned()),
                        "进度滞后于序时进度，请加快推进".to_owned(),
                        (colour == "red").then_some(due),
                    )
                }
                30..=44 => (
                    EventKind::Listed,
                    None,
                    None,
                    "大班额化解进度明显滞后，实行挂牌督办".to_owned(),
                    Some(due),
                ),
                45..=52 => (EventKind::Unlisted, None, None, "已整改到位".to_owned(), None),
                53..=64 => (
                    EventKind::ExtensionRequested,
                    None,
                    Some(due.to_string()),
                    "受征地影响，申请延期".to_owned(),
                    Some(due),
                ),
                65..=72 => {
                    let due = task.spec.deadline + Duration::days(rng.random_range(15..90));
                    (
                        EventKind::ExtensionGranted,
                        None,
                        Some(due.to_string()),
                        String::new(),
                        Some(due),
                    )
                }
                73..=77 => (
                    EventKind::ExtensionRefused,
                    None,
                    None,
                    "理由不充分".to_owned(),
                    None,
                ),
                78..=89 => (
                    EventKind::Edited,
                    Some("牵头单位".to_owned()),
                    Some("基础教育处".to_owned()),
                    String::new(),
                    None,
                ),
                90..=97 => (EventKind::Verified, None, None, "经实地核验属实".to_owned(), None),
                // 销号 for one task in five; the others are still open.
                _ if task.id.0 % 5 == 0 => (
                    EventKind::ClosedOut,
                    None,
                    None,
                    "任务完成，予以销号".to_owned(),
                    None,
                ),
                _ => (EventKind::Verified, None, None, "经实地核验属实".to_owned(), None),
            };
            appended.push(NewEvent {
                task: task.id,
                county,
                kind,
                actor: format!("supervisor{}", rng.random_range(1..6)),
                at: when,
                old_value,
                new_value,
                note,
                due,
                report: None,
            });
        }
        events.extend(appended.iter().cloned());
        let events: Vec<Event> = events
            .into_iter()
            .enumerate()
            .map(|(i, event)| Event {
                id: EventId(i as i64 + 1),
                event,
            })
            .collect();

        // Reports: distinct (task, county, period), as the store requires.
        let periods = [
            "2026-01", "2026-02", "2026-03", "2026-Q1", "2026-04", "2026-05", "2026-06", "2026-Q2", "2026-H1",
        ];
        let capacity: usize = tasks
            .iter()
            .map(|t| (t.spec.counties.len() + 1) * periods.len())
            .sum();
        let wanted = options.reports().min(capacity);
        let mut seen = HashSet::new();
        let mut filed = Vec::with_capacity(wanted);
        let mut tries = 0usize;
        while filed.len() < wanted && tries < wanted * 50 {
            tries += 1;
            let task = &tasks[rng.random_range(0..tasks.len())];
            let pick = rng.random_range(0..=task.spec.counties.len());
            let county = task.spec.counties.get(pick).map(|a| a.county.clone());
            let period = periods[rng.random_range(0..periods.len())];
            if !seen.insert((task.id, county.clone(), period)) {
                continue;
            }
            let value = task
                .spec
                .measure
                .takes_reported_value()
                .then(|| f64::from(rng.random_range(0..60)));
            let who = county
                .as_ref()
                .map_or_else(|| "基础教育处".to_owned(), |c| format!("county{c}"));
            let report = NewReport {
                task: task.id,
                county,
                period: period.to_owned(),
                text: format!(
                    "{}：已召开专题推进会，完成年度任务的阶段目标；存在的困难是用地指标和资金到位偏慢，下一步将倒排工期、挂图作战。",
                    plans::report::period_label_zh(period)
                ),
                value,
                documents: Vec::new(),
                reporter: who,
                at: at(day(PLAN_YEAR, 6, 1), filed.len() as u32),
            };
            let decision = match rng.random_range(0..100) {
                0..=59 => Some(Decision::Accept),
                60..=74 => Some(Decision::Return {
                    reason: "佐证材料不全，请补充开工许可证".into(),
                }),
                _ => None,
            };
            filed.push((report, decision));
        }
        let reports = filed
            .iter()
            .enumerate()
            .map(|(i, (report, decision))| ProgressReport {
                id: ReportId(i as i64 + 1),
                report: report.clone(),
                status: match decision {
                    Some(Decision::Accept) => ReportStatus::Accepted,
                    Some(Decision::Return { .. }) => ReportStatus::Returned,
                    None => ReportStatus::Submitted,
                },
                reviewer: decision.as_ref().map(|_| "admin".to_owned()),
                reviewed_at: decision.as_ref().map(|_| at(day(PLAN_YEAR, 6, 20), i as u32)),
                reason: match decision {
                    Some(Decision::Return { reason }) => Some(reason.clone()),
                    _ => None,
                },
            })
            .collect();

        let projects = (0..options.projects)
            .map(|i| {
                let county = counties[rng.random_range(0..counties.len())].clone();
                let stage = [Stage::Preschool, Stage::Primary, Stage::Junior][rng.random_range(0..3)];
                let this_year = rng.random_bool(0.6);
                let planned_start = if this_year {
                    day(PLAN_YEAR, rng.random_range(2..=10), 1)
                } else {
                    day(PLAN_YEAR - 1, rng.random_range(2..=10), 1)
                };
                let started = planned_start <= today && rng.random_bool(0.8);
                let planned_completion = planned_start + Duration::days(rng.random_range(300..600));
                let completed =
                    started && planned_completion <= today + Duration::days(30) && rng.random_bool(0.7);
                let completion = planned_completion.min(today);
                Project {
                    id: ProjectId(i as i64 + 1),
                    spec: ProjectSpec {
                        code: format!("XM{PLAN_YEAR}{i:05}"),
                        name: format!("第{}号{}建设项目", i + 1, stage.label_zh()),
                        kind: [ProjectKind::New, ProjectKind::Rebuild, ProjectKind::Expand]
                            [rng.random_range(0..3)],
                        school: None,
                        planned_school: Some(format!("拟建{}{}", stage.label_zh(), i + 1)),
                        site: Some(format!("{}片区", county)),
                        county,
                        stage,
                        seats: rng.random_range(3..=30) * 90,
                        floor_area: f64::from(rng.random_range(6_000..30_000)),
                        investment: f64::from(rng.random_range(2_000..20_000)),
                        planned_start: Some(planned_start),
                        actual_start: started
                            .then(|| (planned_start + Duration::days(rng.random_range(0..40))).min(today)),
                        planned_completion: Some(planned_completion),
                        actual_completion: completed.then_some(completion),
                        // Put into use needs a registered school (its seats
                        // go to the school's capacity): the synthetic
                        // registry has none, so no project is in use.
                        in_use: None,
                    },
                }
            })
            .collect();

        let plan = Plan {
            header: PlanHeader {
                id: PlanId(1),
                city: spec.city.clone(),
                year: spec.year,
                title: spec.title.clone(),
            },
            tasks,
        };
        Ok(World {
            spec,
            plan,
            events,
            appended,
            reports,
            filed,
            projects,
            names,
            today,
        })
    }

    fn area_name(&self, code: &AreaCode) -> String {
        if code.as_str() == CITY {
            return "全省".to_owned();
        }
        self.names.get(code).cloned().unwrap_or_else(|| code.to_string())
    }
}

// ---------------------------------------------------------------------------
// 2. Ledger, summary and .docx, against python-docx.

struct SummaryRun {
    ledger_seconds: f64,
    build_seconds: f64,
    docx_seconds: f64,
    docx_bytes: usize,
    python_seconds: f64,
    python_bytes: u64,
    python_peak_mib: f64,
    paragraphs: usize,
    tables: usize,
    table_rows: usize,
    figures: usize,
    chars: usize,
    late: usize,
}

impl SummaryRun {
    fn print(&self, world: &World) {
        println!(
            "\n2. progress summary of the synthetic plan ({} tasks, {} events, {} reports, {} projects, as of {})",
            world.plan.tasks.len(),
            world.events.len(),
            world.reports.len(),
            world.projects.len(),
            world.today
        );
        println!(
            "  the document: {} paragraphs and headings, {} tables ({} rows), {} traced figures, {} characters; {} late tasks",
            self.paragraphs, self.tables, self.table_rows, self.figures, self.chars, self.late
        );
        let mut t = Table::new(&["step", "ms", "output", "ratio"]);
        t.row(vec![
            "Ledger::build".into(),
            ms(self.ledger_seconds),
            String::new(),
            String::new(),
        ]);
        t.row(vec![
            "summary::build (prose, figures)".into(),
            ms(self.build_seconds),
            String::new(),
            String::new(),
        ]);
        t.row(vec![
            "gongwen::to_docx".into(),
            ms(self.docx_seconds),
            kib(self.docx_bytes as u64),
            "1.00×".into(),
        ]);
        t.row(vec![
            "python-docx, same text".into(),
            ms(self.python_seconds),
            kib(self.python_bytes),
            format!("{:.1}×", self.python_seconds / self.docx_seconds),
        ]);
        t.print();
        println!(
            "  python-docx peak memory {:.0} MiB (the interpreter included); its time excludes start-up and reading the JSON",
            self.python_peak_mib
        );
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "ledger_seconds": self.ledger_seconds,
            "summary_build_seconds": self.build_seconds,
            "to_docx_seconds": self.docx_seconds,
            "docx_bytes": self.docx_bytes,
            "python_docx_seconds": self.python_seconds,
            "python_docx_bytes": self.python_bytes,
            "paragraphs": self.paragraphs,
            "tables": self.tables,
            "figures": self.figures,
        })
    }
}

fn ms(s: f64) -> String {
    format!("{:.1}", s * 1e3)
}

fn kib(bytes: u64) -> String {
    format!("{:.0} KiB", bytes as f64 / 1024.0)
}

fn summary(out: &Path, world: &World) -> anyhow::Result<SummaryRun> {
    let started = Instant::now();
    let ledger = Ledger::build(
        &world.plan,
        &world.events,
        &world.reports,
        &world.projects,
        &Synthetic,
        world.today,
    );
    let ledger_seconds = started.elapsed().as_secs_f64();
    let late = ledger.rows.iter().filter(|r| r.is_late()).count();

    let area_name = |c: &AreaCode| world.area_name(c);
    let ctx = plans::summary::Context {
        issuer: "山东省教育厅",
        area_name: &area_name,
    };
    let started = Instant::now();
    let doc = plans::summary::build(&ledger, &world.projects, &ctx);
    let build_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let docx = gongwen::to_docx(&doc).context("gongwen::to_docx")?;
    let docx_seconds = started.elapsed().as_secs_f64();
    std::fs::write(out.join("summary-edugov.docx"), &docx)?;

    let exported = export(&doc);
    let json_file = out.join("summary.json");
    std::fs::write(&json_file, serde_json::to_string(&exported.json)?)?;
    crate::bench::ensure_pip("docx", "python-docx")?;
    let python_docx = out.join("summary-python-docx.docx");
    let script = crate::project_root()
        .join("xtask")
        .join("py")
        .join("docx_summary.py");
    let output = spawn_measured(
        Command::new(python())
            .arg(&script)
            .arg(&json_file)
            .arg(&python_docx),
    )?;
    let python_seconds = last_json(&output.stdout)?["seconds"]
        .as_f64()
        .with_context(|| format!("docx_summary.py printed {:?}", output.stdout))?;
    Ok(SummaryRun {
        ledger_seconds,
        build_seconds,
        docx_seconds,
        docx_bytes: docx.len(),
        python_seconds,
        python_bytes: std::fs::metadata(&python_docx)?.len(),
        python_peak_mib: output.peak_mib,
        paragraphs: exported.paragraphs,
        tables: exported.tables,
        table_rows: exported.table_rows,
        figures: exported.figures,
        chars: exported.chars,
        late,
    })
}

struct Exported {
    json: serde_json::Value,
    paragraphs: usize,
    tables: usize,
    table_rows: usize,
    figures: usize,
    chars: usize,
}

/// The document's text as python-docx needs it to write the same thing:
/// title, blocks (runs with each figure's 数据说明 number), 落款, the
/// caller's attachments and the 数据说明 table the renderer adds — numbered
/// as the renderer numbers them (first appearance, each figure once).
fn export(doc: &Document) -> Exported {
    let mut numbers: HashMap<&gongwen::Figure, usize> = HashMap::new();
    let mut list: Vec<&gongwen::Figure> = Vec::new();
    for block in doc
        .blocks
        .iter()
        .chain(doc.attachments.iter().flat_map(|a| a.blocks.iter()))
    {
        if let Block::Paragraph(runs) = block {
            for run in runs {
                if let Run::Figure(f) = run {
                    if !numbers.contains_key(f) {
                        list.push(f);
                        numbers.insert(f, list.len());
                    }
                }
            }
        }
    }
    let mut e = Exported {
        json: serde_json::Value::Null,
        paragraphs: 0,
        tables: 0,
        table_rows: 0,
        figures: list.len(),
        chars: doc.title.chars().count(),
    };
    let blocks_json = |blocks: &[Block], e: &mut Exported| -> Vec<serde_json::Value> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Heading { level, text } => {
                    e.paragraphs += 1;
                    e.chars += text.chars().count();
                    json!({"heading": level, "text": text})
                }
                Block::Paragraph(runs) => {
                    e.paragraphs += 1;
                    let runs: Vec<serde_json::Value> = runs
                        .iter()
                        .map(|r| match r {
                            Run::Text(t) => {
                                e.chars += t.chars().count();
                                json!({"text": t})
                            }
                            Run::Figure(f) => {
                                e.chars += f.text.chars().count();
                                json!({"figure": f.text, "mark": numbers.get(f).copied().unwrap_or(0)})
                            }
                        })
                        .collect();
                    json!({"paragraph": runs})
                }
                Block::Table(t) => {
                    e.tables += 1;
                    e.table_rows += t.rows.len();
                    e.chars += t.rows.iter().flatten().map(|c| c.chars().count()).sum::<usize>();
                    json!({"caption": t.caption, "header": t.header, "rows": t.rows, "widths": t.widths})
                }
            })
            .collect()
    };
    let body = blocks_json(&doc.blocks, &mut e);
    let mut attachments: Vec<serde_json::Value> = doc
        .attachments
        .iter()
        .map(|a| json!({"title": a.title, "blocks": blocks_json(&a.blocks, &mut e)}))
        .collect();
    if !list.is_empty() {
        let rows: Vec<Vec<String>> = list
            .iter()
            .enumerate()
            .map(|(i, f)| {
                vec![
                    (i + 1).to_string(),
                    f.trace.label.clone(),
                    f.text.clone(),
                    f.trace.formula.clone(),
                    f.trace.source.clone(),
                ]
            })
            .collect();
        let note = vec![
            Block::paragraph(
                "正文中每个数据后的上标序号对应下表一行：该数据的指标、数值、计算方法和数据来源。",
            ),
            Block::Table(gongwen::Table {
                caption: String::new(),
                header: ["序号", "指标", "数值", "计算", "来源"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                rows,
                widths: Some(vec![3, 5, 4, 8, 9]),
            }),
        ];
        attachments.push(json!({"title": "数据说明", "blocks": blocks_json(&note, &mut e)}));
    }
    e.json = json!({
        "title": doc.title,
        "subtitle": doc.subtitle,
        "issuer": doc.issuer,
        "date": doc.date.map(|d| format!("{}年{}月{}日", d.year(), d.month(), d.day())),
        "blocks": body,
        "attachments": attachments,
    });
    e
}

// ---------------------------------------------------------------------------
// 3. The plan store.

#[derive(Default)]
struct StoreRun {
    save_plan: f64,
    tasks: usize,
    appends: usize,
    append_seconds: f64,
    pairs: usize,
    pair_seconds: f64,
    save_projects: f64,
    projects: usize,
    read_plan: f64,
    read_events: f64,
    read_reports: f64,
    read_projects: f64,
    ledger: f64,
    events_read: usize,
    reports_read: usize,
}

impl StoreRun {
    fn page(&self) -> f64 {
        self.read_plan + self.read_events + self.read_reports + self.read_projects + self.ledger
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "save_plan_seconds": self.save_plan,
            "tasks": self.tasks,
            "appends": self.appends,
            "append_seconds": self.append_seconds,
            "report_pairs": self.pairs,
            "report_pair_seconds": self.pair_seconds,
            "save_projects_seconds": self.save_projects,
            "projects": self.projects,
            "read_plan_seconds": self.read_plan,
            "read_events_seconds": self.read_events,
            "read_reports_seconds": self.read_reports,
            "read_projects_seconds": self.read_projects,
            "ledger_seconds": self.ledger,
            "plan_page_seconds": self.page(),
        })
    }
}

fn store_run(url: &store::DatabaseUrl, world: &World) -> anyhow::Result<StoreRun> {
    let name = match url {
        store::DatabaseUrl::Sqlite(_) => "SQLite",
        _ => "PostgreSQL",
    };
    println!("\n3. the plan store on {name}");
    let mut store = store::open(url).with_context(|| format!("opening {name}"))?;
    let mut run = StoreRun {
        tasks: world.plan.tasks.len(),
        projects: world.projects.len(),
        ..StoreRun::default()
    };
    let now = at(world.today, 0);

    let started = Instant::now();
    let saved = store.save_plan(&world.spec, "admin", at(day(PLAN_YEAR, 1, 5), 0))?;
    run.save_plan = started.elapsed().as_secs_f64();
    if saved.inserted != world.plan.tasks.len() {
        bail!(
            "{name}: save_plan wrote {} of {} tasks",
            saved.inserted,
            world.plan.tasks.len()
        );
    }
    let stored = store.plan(saved.plan)?.context("the saved plan")?;
    // Generated ids (1…n in plan order) to the store's.
    let ids: HashMap<TaskId, TaskId> = world
        .plan
        .tasks
        .iter()
        .zip(&stored.tasks)
        .map(|(ours, theirs)| (ours.id, theirs.id))
        .collect();
    let mut last: HashMap<TaskId, EventId> = HashMap::new();
    for e in store.plan_events(saved.plan)? {
        last.insert(e.event.task, e.id);
    }
    println!("  save_plan: {} tasks in {} ms", run.tasks, ms(run.save_plan));

    let started = Instant::now();
    for event in &world.appended {
        let mut event = event.clone();
        event.task = ids[&event.task];
        let id = store.append_event(&event, last.get(&event.task).copied())?;
        last.insert(event.task, id);
    }
    run.append_seconds = started.elapsed().as_secs_f64();
    run.appends = world.appended.len();
    println!(
        "  append_event: {} in {:.2} s ({:.0}/s)",
        run.appends,
        run.append_seconds,
        run.appends as f64 / run.append_seconds
    );

    let started = Instant::now();
    for (i, (report, decision)) in world.filed.iter().enumerate() {
        let mut report = report.clone();
        report.task = ids[&report.task];
        let id = store.file_report(&report, &[])?;
        if let Some(decision) = decision {
            store.decide_report(id, decision, "admin", at(world.today, i as u32))?;
        }
    }
    run.pair_seconds = started.elapsed().as_secs_f64();
    run.pairs = world.filed.len();
    println!(
        "  file_report + decide_report: {} in {:.2} s ({:.0}/s)",
        run.pairs,
        run.pair_seconds,
        run.pairs as f64 / run.pair_seconds
    );

    let specs: Vec<ProjectSpec> = world.projects.iter().map(|p| p.spec.clone()).collect();
    let started = Instant::now();
    store.save_projects(&specs, "admin", now)?;
    run.save_projects = started.elapsed().as_secs_f64();
    println!(
        "  save_projects: {} in {} ms",
        run.projects,
        ms(run.save_projects)
    );

    // The plan page: everything it reads, and the ledger — three times,
    // the quickest kept (the machine is shared; the work is the same).
    let mut best: Option<[f64; 5]> = None;
    let (mut events, mut reports, mut projects) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..3 {
        let mut t = [0.0; 5];
        let started = Instant::now();
        let plan = store.plan(saved.plan)?.context("the plan")?;
        t[0] = started.elapsed().as_secs_f64();
        let started = Instant::now();
        events = store.plan_events(saved.plan)?;
        t[1] = started.elapsed().as_secs_f64();
        let started = Instant::now();
        reports = store.plan_reports(saved.plan)?;
        t[2] = started.elapsed().as_secs_f64();
        let started = Instant::now();
        projects = store.projects()?;
        t[3] = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let ledger = Ledger::build(&plan, &events, &reports, &projects, &Synthetic, world.today);
        t[4] = started.elapsed().as_secs_f64();
        black_box(&ledger);
        if best.is_none_or(|b| t.iter().sum::<f64>() < b.iter().sum::<f64>()) {
            best = Some(t);
        }
    }
    let [read_plan, read_events, read_reports, read_projects, ledger] = best.unwrap_or_default();
    run.read_plan = read_plan;
    run.read_events = read_events;
    run.read_reports = read_reports;
    run.read_projects = read_projects;
    run.ledger = ledger;
    run.events_read = events.len();
    run.reports_read = reports.len();
    // Each filed report adds its Reported event, each decision one more.
    let decided = world.filed.iter().filter(|(_, d)| d.is_some()).count();
    let expected = world.plan.tasks.len() + world.appended.len() + world.filed.len() + decided;
    if events.len() != expected
        || reports.len() != world.filed.len()
        || projects.len() != world.projects.len()
    {
        bail!(
            "{name}: read back {} events (expected {expected}), {} reports ({}), {} projects ({})",
            events.len(),
            reports.len(),
            world.filed.len(),
            projects.len(),
            world.projects.len()
        );
    }
    println!(
        "  the plan page's reads and ledger (best of 3): {} ms ({} events, {} reports)",
        ms(run.page()),
        run.events_read,
        run.reports_read
    );
    Ok(run)
}

fn print_stores(stores: &[(&str, StoreRun)]) {
    let Some((_, first)) = stores.first() else {
        return;
    };
    println!(
        "\n3. plan store ({} tasks, {} events read on the page, {} reports, {} projects)",
        first.tasks, first.events_read, first.reports_read, first.projects
    );
    let mut header = vec!["operation".to_owned(), "count".to_owned()];
    for (name, _) in stores {
        header.push(format!("{name} ms"));
        header.push(format!("{name} /s"));
    }
    if stores.len() > 1 {
        header.push("PG / SQLite".into());
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = Table::new(&header);
    type Pick = fn(&StoreRun) -> (usize, f64);
    let rows: [(&str, Pick); 10] = [
        ("save_plan (whole plan)", |s| (s.tasks, s.save_plan)),
        ("append_event", |s| (s.appends, s.append_seconds)),
        ("file_report + decide_report", |s| (s.pairs, s.pair_seconds)),
        ("save_projects", |s| (s.projects, s.save_projects)),
        ("read plan", |s| (s.tasks, s.read_plan)),
        ("read plan_events", |s| (s.events_read, s.read_events)),
        ("read plan_reports", |s| (s.reports_read, s.read_reports)),
        ("read projects", |s| (s.projects, s.read_projects)),
        ("Ledger::build", |s| (s.tasks, s.ledger)),
        ("plan page (reads + ledger, best of 3)", |s| (1, s.page())),
    ];
    for (label, pick) in rows {
        let mut cells = vec![label.to_owned(), pick(first).0.to_string()];
        for (_, s) in stores {
            let (n, secs) = pick(s);
            cells.push(format!("{:.1}", secs * 1e3));
            cells.push(format!("{:.0}", n as f64 / secs));
        }
        if let [(_, a), (_, b), ..] = stores {
            cells.push(format!("{:.2}×", pick(b).1 / pick(a).1));
        }
        t.row(cells);
    }
    t.print();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_take_the_sizes_and_refuse_zero() {
        let o = Options::parse(&[
            "--tasks",
            "20",
            "--counties",
            "12",
            "--events",
            "2000",
            "--projects",
            "100",
        ])
        .expect("options");
        assert_eq!((o.tasks, o.counties, o.events, o.projects), (20, 12, 2000, 100));
        assert_eq!(o.reports(), 400);
        assert!(Options::parse(&["--tasks", "0"]).is_err());
        assert!(Options::parse(&["--events"]).is_err());
        assert!(Options::parse(&["--frobnicate"]).is_err());
    }

    #[test]
    fn cases_cover_every_kind_and_are_the_same_for_a_seed() {
        let a = cases(5_000, 7);
        let b = cases(5_000, 7);
        assert_eq!(
            a.iter()
                .map(|c| (c.base, c.current, c.target))
                .collect::<Vec<_>>(),
            b.iter()
                .map(|c| (c.base, c.current, c.target))
                .collect::<Vec<_>>()
        );
        for kind in [
            "ordinary",
            "zero base",
            "zero target",
            "negative series",
            "target met",
            "sign change",
            "no span",
            "target = base",
        ] {
            assert!(a.iter().any(|c| c.kind == kind), "{kind}");
        }
        assert!(a.iter().any(|c| c.better == Better::Lower) && a.iter().any(|c| c.better == Better::Higher));
    }

    #[test]
    fn the_synthetic_plan_has_the_sizes_asked_for_and_distinct_reports() {
        let o = Options::parse(&[
            "--tasks",
            "20",
            "--counties",
            "12",
            "--events",
            "2000",
            "--projects",
            "100",
        ])
        .expect("options");
        let w = World::generate(&o).expect("world");
        assert_eq!(w.plan.tasks.len(), 20);
        assert_eq!(w.events.len(), 2000);
        assert_eq!(w.projects.len(), 100);
        assert_eq!(w.filed.len(), 400);
        let distinct: HashSet<_> = w
            .filed
            .iter()
            .map(|(r, _)| (r.task, r.county.clone(), r.period.clone()))
            .collect();
        assert_eq!(distinct.len(), w.filed.len());
        let seqs: HashSet<_> = w.spec.tasks().map(|(_, t)| t.seq.clone()).collect();
        assert_eq!(seqs.len(), 20);
    }

    /// The oracle itself must give the anchors' worked cases
    /// (shared/design/anchors-planning.md A3), or agreeing with it means
    /// nothing.
    #[test]
    fn the_python_oracle_gives_the_worked_cases_of_the_anchors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cases = dir.path().join("cases.csv");
        let results = dir.path().join("results.csv");
        std::fs::write(
            &cases,
            "base_year,base,current_year,current,target_year,target,better\n\
             2019,80,2021,84,2025,90,higher\n\
             2019,80,2021,81,2025,90,higher\n\
             2019,80,2021,79,2025,90,higher\n\
             2019,55,2021,53,2025,50,lower\n\
             2019,55,2021,54.5,2025,50,lower\n\
             2019,55,2021,56,2025,50,lower\n\
             2019,80,2021,91,2025,90,higher\n\
             2021,80,2021,84,2025,90,higher\n\
             2019,-1,2021,2,2025,3,higher\n",
        )
        .expect("cases");
        let script = crate::project_root().join("xtask/py/open_sdg_progress.py");
        let status = Command::new(python())
            .arg(&script)
            .arg(&cases)
            .arg(&results)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("python3");
        assert!(status.success());
        let text = std::fs::read_to_string(&results).expect("results");
        let got: Vec<(String, Option<f64>)> = text
            .lines()
            .map(|l| {
                let (s, r) = l.split_once(',').expect("status,R");
                (s.to_owned(), r.parse().ok())
            })
            .collect();
        let expected = [
            ("substantial_progress", Some(1.2457)),
            ("limited_progress", Some(0.3143)),
            ("deterioration", Some(-0.3163)),
            ("substantial_progress", Some(1.1644)),
            ("limited_progress", Some(0.2891)),
            ("deterioration", Some(-0.5743)),
            ("target_achieved", None),
            ("unable_to_assess", None),
            ("unable_to_assess", None),
        ];
        assert_eq!(got.len(), expected.len());
        for ((status, r), (want, want_r)) in got.iter().zip(expected) {
            assert_eq!(status, want);
            match (r, want_r) {
                (Some(r), Some(w)) => assert!((r - w).abs() < 5e-5, "{status}: {r} vs {w}"),
                (None, None) => {}
                other => panic!("{status}: R {other:?}"),
            }
        }
    }

    #[test]
    fn open_sdg_names_map_to_edugovs_and_unknown_ones_are_refused() {
        assert_eq!(
            open_sdg_status("substantial_progress").expect("known"),
            "on_track"
        );
        assert_eq!(
            open_sdg_status("moderate_progress").expect("known"),
            "acceleration_needed"
        );
        assert!(open_sdg_status("not_available").is_err());
    }

    #[test]
    fn the_export_numbers_each_figure_once_in_order_of_appearance() {
        let fig = |t: &str| Run::Figure(gongwen::Figure::new(t, "开工率", "33 ÷ 40", "项目台账"));
        let doc = Document {
            title: "总结".into(),
            blocks: vec![
                Block::Paragraph(vec![Run::text("开工率"), fig("82.5%"), fig("50%")]),
                Block::Paragraph(vec![fig("82.5%")]),
            ],
            ..Document::default()
        };
        let e = export(&doc);
        assert_eq!(e.figures, 2);
        let marks: Vec<u64> = e.json["blocks"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|b| b["paragraph"].as_array().cloned().unwrap_or_default())
            .filter_map(|r| r["mark"].as_u64())
            .collect();
        assert_eq!(marks, vec![1, 2, 1]);
        assert_eq!(e.json["attachments"][0]["title"], "数据说明");
    }
}
