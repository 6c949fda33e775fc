//! `cargo xtask bench forecast [--scale S] [--counties N] [--seed N]
//! [--repeats N] [--no-python] [--no-demo] [--smoke]`: the school-place
//! forecast (issue 15), in three parts.
//!
//! 1. **A province-sized input**: `--counties` (150) synthetic counties,
//!    ages 0–18, six observed years (2019–2024), projected to 2035 under the
//!    five standard scenarios; `forecast::project` timed for all five
//!    (best of `--repeats`), goal < 200 ms.
//! 2. **The backtest of the demo city** at `--scale` (1 = the full city):
//!    generating it and building the history from its snapshots are timed
//!    apart; then `forecast::backtest::backtest`, goal < 5 s. The city-wide
//!    accuracy per stage at leads 1 and 3 is printed for the three methods.
//! 3. **The peer**: the same cohort-component + grade-progression
//!    arithmetic in Python with numpy (`xtask/py/forecast_peer.py`) on the
//!    input of part 1; every projected demand (county × stage × year ×
//!    sector × scenario) is compared, the largest relative difference
//!    printed (must be < 1e-9), and the speed ratio.
//!
//! `--smoke` is the CI size: 20 counties, scale 0.02, one repeat.
//! Files go to `bench-out/forecast/` (removed at the end).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use forecast::model::{grade_index, ByAge, ByGrade, AGES, FORECAST_STAGES, GRADES};
use forecast::scenario::{BirthAssumption, MigrationAssumption};
use forecast::{CountyHistory, History, Method, Scenario};
use registry::snapshot::YearSnapshot;
use registry::AreaCode;
use serde_json::json;

pub struct Options {
    scale: f64,
    counties: usize,
    seed: u64,
    repeats: usize,
    python: bool,
    demo: bool,
}

impl Options {
    pub fn parse(args: &[&str]) -> anyhow::Result<Options> {
        let mut o = Options {
            scale: 1.0,
            counties: 150,
            seed: 42,
            repeats: 20,
            python: true,
            demo: true,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = || it.next().copied().with_context(|| format!("{arg} needs a value"));
            match *arg {
                "--scale" => o.scale = value()?.parse().context("--scale")?,
                "--counties" => o.counties = value()?.parse().context("--counties")?,
                "--seed" => o.seed = value()?.parse().context("--seed")?,
                "--repeats" => o.repeats = value()?.parse::<usize>().context("--repeats")?.max(1),
                "--no-python" => o.python = false,
                "--no-demo" => o.demo = false,
                "--smoke" => {
                    o.scale = 0.02;
                    o.counties = 20;
                    o.repeats = 1;
                }
                other => bail!("unknown option {other}"),
            }
        }
        if !(o.scale > 0.0 && o.scale <= 10.0) || o.counties == 0 || o.counties > 2000 {
            bail!("--scale must be in (0, 10], --counties in 1–2000");
        }
        Ok(o)
    }
}

pub fn forecast(o: &Options) -> anyhow::Result<()> {
    let out = crate::project_root().join("bench-out").join("forecast");
    std::fs::create_dir_all(&out)?;
    let result = run(o, &out);
    let _ = std::fs::remove_dir_all(&out);
    result
}

fn run(o: &Options, out: &std::path::Path) -> anyhow::Result<()> {
    // 1. The province-sized input.
    let history = province(o.counties, o.seed)?;
    let scenarios = Scenario::standard_set();
    let mut best = Duration::MAX;
    let mut forecasts = Vec::new();
    for _ in 0..o.repeats {
        let start = Instant::now();
        forecasts = scenarios
            .iter()
            .map(|s| forecast::project(black_box(&history), s))
            .collect::<Result<Vec<_>, _>>()?;
        best = best.min(start.elapsed());
    }
    let cells: usize = o.counties * AGES * (2035 - 2024) * scenarios.len();
    println!(
        "province input: {} counties × ages 0–18 × 6 observed years → 2035 × {} scenarios ({} cell-years)",
        o.counties,
        scenarios.len(),
        cells
    );
    println!(
        "  project, all five scenarios: {:.2} ms (best of {}; goal < 200 ms) {}",
        best.as_secs_f64() * 1e3,
        o.repeats,
        if best < Duration::from_millis(200) {
            "✔"
        } else {
            "✘"
        }
    );

    // 3. The Python peer on the same input.
    if o.python {
        peer(o, &history, &scenarios, &forecasts, best, out)?;
    }

    // 2. The demo city's backtest.
    if o.demo {
        demo_backtest(o)?;
    }
    Ok(())
}

/// A deterministic generator (Knuth's MMIX LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// National births relative to 2016 (NBS, rounded): the shape every
/// synthetic county follows, with its own size and noise.
fn birth_shape(year: i32) -> f64 {
    match year {
        ..=2013 => 0.92,
        2014 => 0.94,
        2015 => 0.93,
        2016 => 1.0,
        2017 => 0.96,
        2018 => 0.85,
        2019 => 0.82,
        2020 => 0.67,
        2021 => 0.60,
        2022 => 0.54,
        2023 => 0.505,
        _ => 0.53,
    }
}

/// A province of `n` counties: births 2000–2024, the register ages 0–17
/// (18 left empty as the register stops at 17), enrolment by grade and
/// sector 2019–2024 at plausible rates, seats 10 % above the base year's
/// enrolment.
fn province(n: usize, seed: u64) -> anyhow::Result<History> {
    let mut rng = Lcg(seed ^ 0x5eed_f0ca);
    let years = 2019..=2024;
    let counties = (0..n)
        .map(|c| {
            let code = AreaCode::parse(&format!("37{:02}{:02}", 1 + c / 90, 1 + c % 90))
                .map_err(|e| anyhow::anyhow!("county code: {}", e.0))?;
            let size = 2000.0 + 8000.0 * rng.next();
            let births: BTreeMap<i32, f64> = (2000..=2024)
                .map(|y| (y, (size * birth_shape(y) * (0.97 + 0.06 * rng.next())).round()))
                .collect();
            let inflow = 0.02 * rng.next() - 0.005;
            let private_share = 0.05 + 0.3 * rng.next();
            let mut population = BTreeMap::new();
            let mut enrolment = BTreeMap::new();
            let mut seats = BTreeMap::new();
            let mut classes = BTreeMap::new();
            for y in years.clone() {
                let mut p: ByAge = [0.0; AGES];
                for (a, slot) in p.iter_mut().enumerate().take(18) {
                    let born = y - a as i32;
                    let b = (4.0 / 12.0) * births.get(&(born - 1)).copied().unwrap_or(size)
                        + (8.0 / 12.0) * births.get(&born).copied().unwrap_or(size);
                    *slot = (b * (1.0 + inflow * a as f64) * (0.99 + 0.02 * rng.next())).round();
                }
                let mut e: [ByGrade; 2] = [[0.0; GRADES]; 2];
                for grade in -2i8..=12 {
                    let age = (grade + 5) as usize;
                    let rate = match grade {
                        -2..=0 => 0.88,
                        1..=9 => 0.995,
                        _ => 0.6,
                    };
                    let private = if grade <= 0 {
                        private_share + 0.2
                    } else {
                        private_share
                    };
                    let total = p[age] * rate * (0.99 + 0.02 * rng.next());
                    e[1][grade_index(grade)] = (total * private).round();
                    e[0][grade_index(grade)] = (total * (1.0 - private)).round();
                }
                let mut s = [[0.0; 2]; 4];
                let mut k = [0.0; 4];
                for (i, stage) in FORECAST_STAGES.iter().enumerate() {
                    for sector in 0..2 {
                        s[i][sector] = (1.1 * forecast::enrolment::stage_total(&e[sector], *stage)).round();
                    }
                    k[i] = ((s[i][0] + s[i][1]) / [30.0, 45.0, 50.0, 50.0][i]).floor();
                }
                population.insert(y, p);
                enrolment.insert(y, e);
                seats.insert(y, s);
                classes.insert(y, k);
            }
            Ok(CountyHistory {
                code,
                name: format!("县{}", c + 1),
                births,
                population,
                enrolment,
                seats,
                classes,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(History {
        city: AreaCode::parse("3700").ok(),
        city_name: "合成省".into(),
        counties,
        pipeline: Vec::new(),
    })
}

fn peer(
    o: &Options,
    history: &History,
    scenarios: &[Scenario],
    forecasts: &[forecast::Forecast],
    rust_best: Duration,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let years = history.years();
    let base = *years.last().context("no years")?;
    let survival = &scenarios[0].survival;
    let birth_years: Vec<i32> = history.counties[0].births.keys().copied().collect();
    let input = json!({
        "years": years,
        "base": base,
        "until": scenarios[0].until,
        "birth_years": birth_years,
        "births": history.counties.iter().map(|c| c.births.values().copied().collect::<Vec<f64>>()).collect::<Vec<_>>(),
        "population": history.counties.iter().map(|c| c.population.values().map(|p| p.to_vec()).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "enrolment": history.counties.iter().map(|c| c.enrolment.values().map(|e| e.iter().map(|g| g.to_vec()).collect::<Vec<_>>()).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "survival": survival.by_age,
        "first_year": survival.first_year,
        "averaging_years": scenarios[0].averaging_years,
        "averaging": match scenarios[0].averaging {
            forecast::scenario::Averaging::Mean => "mean",
            forecast::scenario::Averaging::Weighted => "weighted",
            forecast::scenario::Averaging::Last => "last",
        },
        "repeats": o.repeats.min(5),
        "scenarios": scenarios.iter().map(|s| {
            let rate = match s.births { BirthAssumption::Trend { rate } => Some(rate), _ => None };
            let (years, factor) = match s.migration { MigrationAssumption::History { years, factor } => (years, factor), MigrationAssumption::None => (0, 0.0) };
            json!({"rate": rate, "factor": factor, "migration_years": years})
        }).collect::<Vec<_>>(),
    });
    let path = out.join("province.json");
    std::fs::write(&path, serde_json::to_vec(&input)?)?;
    let script = crate::project_root()
        .join("xtask")
        .join("py")
        .join("forecast_peer.py");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let start = Instant::now();
    let output = Command::new(&python)
        .arg(&script)
        .arg(&path)
        .output()
        .with_context(|| format!("running {python} {}", script.display()))?;
    let wall = start.elapsed();
    if !output.status.success() {
        bail!(
            "the Python peer failed (numpy missing? `python3 -m pip install numpy pandas`):\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    let result: serde_json::Value = serde_json::from_str(line).context("the peer's output")?;
    let seconds = result["seconds"].as_f64().context("seconds")?;
    let load = result["load_seconds"].as_f64().unwrap_or(0.0);
    // demand[s][c][t][stage][sector] against the engine's projected years.
    let mut max_rel: f64 = 0.0;
    let mut compared = 0usize;
    for (s, f) in forecasts.iter().enumerate() {
        for (c, area) in f.areas.iter().skip(1).enumerate() {
            for (k, stage) in area.stages.iter().enumerate() {
                for (t, y) in stage.years.iter().filter(|y| !y.observed).enumerate() {
                    for sector in 0..2 {
                        let theirs = result["demand"][s][c][t][k][sector]
                            .as_f64()
                            .context("peer demand cell")?;
                        let ours = y.demand[sector];
                        max_rel = max_rel.max((ours - theirs).abs() / ours.abs().max(1.0));
                        compared += 1;
                    }
                }
            }
        }
    }
    println!("python peer (numpy, vectorised over counties; xtask/py/forecast_peer.py):");
    println!(
        "  compute, all five scenarios: {:.2} ms (best of {}); reading its input {:.0} ms; process wall {:.0} ms",
        seconds * 1e3,
        o.repeats.min(5),
        load * 1e3,
        wall.as_secs_f64() * 1e3
    );
    println!(
        "  {compared} projected demands compared: max relative difference {max_rel:.2e} {}",
        if max_rel < 1e-9 { "✔ (< 1e-9)" } else { "✘" }
    );
    let ratio = seconds / rust_best.as_secs_f64().max(1e-9);
    // The peer computes demand arrays only, vectorised over all counties at
    // once; `project` also builds every county's population, seats, gaps,
    // peaks and the city aggregate, one county at a time.
    println!(
        "  speed: peer time ÷ Rust time = {ratio:.2} ({}; the peer computes demand only, Rust the whole forecast)",
        if ratio >= 1.0 { "Rust faster" } else { "numpy faster" }
    );
    if max_rel >= 1e-9 {
        bail!("the engine and the Python peer disagree (max relative difference {max_rel:e})");
    }
    Ok(())
}

fn demo_backtest(o: &Options) -> anyhow::Result<()> {
    let start = Instant::now();
    let city = demo::DemoCity::generate(&demo::DemoConfig {
        scale: o.scale,
        seed: o.seed,
        ..Default::default()
    })?;
    let mut snapshots = Vec::new();
    let mut births = Vec::new();
    for year in city.school_years() {
        let changes = city.school_year(year);
        births.extend(changes.births.iter().cloned());
        snapshots.push(YearSnapshot::from_changes(&changes));
    }
    let generated = start.elapsed();
    let last = snapshots.last().context("no demo year")?;
    let as_of = chrono::NaiveDate::from_ymd_opt(i32::from(last.school_year.0) + 1, 7, 31).context("date")?;
    let start = Instant::now();
    let history = History::from_snapshots(
        last.city.clone(),
        city.city_name(),
        &last.counties,
        &snapshots,
        &births,
        &[],
        as_of,
    );
    let built = start.elapsed();
    let scenario = Scenario::baseline();
    let start = Instant::now();
    let bt = forecast::backtest::backtest(&history, &scenario)?;
    let took = start.elapsed();
    println!(
        "demo city backtest (scale {}, {} counties, years {:?}):",
        o.scale,
        history.counties.len(),
        history.years()
    );
    println!(
        "  generating the city and its snapshots {:.1} s; History::from_snapshots {:.0} ms (not the backtest)",
        generated.as_secs_f64(),
        built.as_secs_f64() * 1e3
    );
    println!(
        "  backtest from base years {:?}: {:.1} ms, {} accuracy rows (goal < 5 s) {}",
        bt.base_years,
        took.as_secs_f64() * 1e3,
        bt.rows.len(),
        if took < Duration::from_secs(5) {
            "✔"
        } else {
            "✘"
        }
    );
    let city_code = forecast::project(&history, &scenario)?
        .areas
        .first()
        .map(|a| a.code.clone());
    println!("  city-wide accuracy, public and private together (bias % / MAPE %, pairs):");
    println!(
        "  {:<8} {:>4} {:>22} {:>22} {:>22}",
        "stage", "lead", "队列要素法", "沿用上年", "简单升级"
    );
    for stage in FORECAST_STAGES {
        for lead in [1, 3] {
            let cell = |method: Method| {
                city_code
                    .as_ref()
                    .and_then(|c| bt.row(c, stage, None, method, lead))
                    .map_or("—".to_owned(), |r| {
                        format!("{:+.2} / {:.2} ({})", r.bias_pct, r.mape_pct, r.pairs)
                    })
            };
            println!(
                "  {:<8} {:>4} {:>22} {:>22} {:>22}",
                stage.label_zh(),
                lead,
                cell(Method::Cohort),
                cell(Method::CarryForward),
                cell(Method::GradeProgression)
            );
        }
    }
    // County level (the issue asks it reported): each stage's cohort MAPE
    // across the counties, median and worst, and public and private apart
    // city-wide (private forecasts are the harder ones, NCES 3.5 % vs 0.3 %).
    println!(
        "  county level, 队列要素法 MAPE % (median / worst of the counties), and city-wide 公办 / 民办:"
    );
    for stage in FORECAST_STAGES {
        let mut line = format!("  {:<8}", stage.label_zh());
        for lead in [1, 3] {
            let mut mapes: Vec<f64> = bt
                .rows
                .iter()
                .filter(|r| {
                    Some(&r.area) != city_code.as_ref()
                        && r.stage == stage
                        && r.sector.is_none()
                        && r.method == Method::Cohort
                        && r.lead == lead
                })
                .map(|r| r.mape_pct)
                .collect();
            mapes.sort_by(f64::total_cmp);
            let sector = |sector: registry::Ownership| {
                city_code
                    .as_ref()
                    .and_then(|c| bt.row(c, stage, Some(sector), Method::Cohort, lead))
                    .map_or("—".to_owned(), |r| format!("{:.2}", r.mape_pct))
            };
            line.push_str(&format!(
                "  lead {lead}: {:.2} / {:.2}, 公办 {} 民办 {}",
                mapes.get(mapes.len() / 2).copied().unwrap_or(f64::NAN),
                mapes.last().copied().unwrap_or(f64::NAN),
                sector(registry::Ownership::Public),
                sector(registry::Ownership::Private),
            ));
        }
        println!("{line}");
    }
    let city_short: Vec<&String> = bt
        .shortfalls
        .iter()
        .filter(|s| s.starts_with(city.city_name()))
        .collect();
    println!(
        "  shortfalls (cohort MAPE not below both baselines): {} in all, {} city-wide",
        bt.shortfalls.len(),
        city_short.len()
    );
    for s in city_short {
        println!("    {s}");
    }
    Ok(())
}
