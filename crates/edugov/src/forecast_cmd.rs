//! `edugov forecast`: the school-place forecast (学位预测) on the configured
//! database — the registry's history read by `store::ForecastStore`
//! (aggregated in SQL), scenarios from TOML files or the standard set, the
//! engine (`forecast`) run, and its answer printed as tables per stage, or
//! written as an `.xlsx` a planner forwards or as JSON; `--save` keeps the
//! run whole in the database so next year's accuracy is computed from it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use chrono::NaiveDate;
use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, Table};
use forecast::{AreaForecast, Forecast, History, Method, Run, Scenario, StageForecast};
use registry::AreaCode;
use store::prelude::*;

#[derive(clap::Args)]
pub struct ForecastArgs {
    /// Only this county: its code (6 digits) or name, e.g. 370112 or 历城区
    #[arg(long)]
    county: Option<String>,
    /// The last school year projected (default: each scenario's own, 2035)
    #[arg(long)]
    until: Option<i32>,
    /// A scenario file (TOML, see docs/forecast.md); repeat for several side by side
    #[arg(long = "scenario", value_name = "FILE")]
    scenarios: Vec<PathBuf>,
    /// Add the five standard scenarios (births −5 %/yr, constant, +2 %/yr; migration high, low)
    #[arg(long)]
    standard: bool,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    /// Output file (default: standard output; required for xlsx)
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Store the run in the database under this label (e.g. 2026年学位预测)
    #[arg(long, value_name = "LABEL")]
    save: Option<String>,
    /// Also backtest the first scenario's method (forecasts from earlier years against what followed) and print its accuracy
    #[arg(long)]
    backtest: bool,
    /// The day the construction projects are judged on (in use or not), YYYY-MM-DD; default today
    #[arg(long)]
    as_of: Option<NaiveDate>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    Table,
    Xlsx,
    Json,
}

pub fn run(db: &store::DatabaseUrl, args: ForecastArgs) -> anyhow::Result<ExitCode> {
    if args.format == OutputFormat::Xlsx && args.out.is_none() {
        bail!("--format xlsx 需要 --out 文件名（如 --out 学位预测.xlsx）");
    }
    if let Some(out) = args.out.as_deref().filter(|o| o.is_dir()) {
        // Before the work and before --save: the answer would have nowhere to go.
        bail!("无法写入 {}：这是一个目录，请给出文件名", out.display());
    }
    let mut store = crate::open_existing_store(db)?;
    let now = chrono::Local::now().naive_local();
    let as_of = args.as_of.unwrap_or(now.date());
    let history = store
        .forecast_history(as_of)
        .context("无法读取预测所需的登记数据")?;
    let Some((_, base)) = history.span() else {
        bail!("数据库 {db} 中还没有在校生数据，无法预测：先运行 `edugov demo` 或 `edugov import`");
    };
    let county = match &args.county {
        Some(text) => Some(resolve_county(&history, text)?),
        None => None,
    };
    let mut scenarios = read_scenarios(&args.scenarios, &history, base)?;
    if args.standard {
        scenarios.extend(Scenario::standard_set());
    }
    if scenarios.is_empty() {
        scenarios.push(Scenario::baseline());
    }
    if let Some(until) = args.until {
        if until <= base || until > 2060 {
            bail!("--until {until} 应在基年 {base} 之后、不晚于 2060");
        }
        for s in &mut scenarios {
            s.until = until;
        }
    }

    // The backtest costs the most: run when shown, saved, or in the workbook.
    let with_backtest = args.backtest || args.save.is_some() || args.format == OutputFormat::Xlsx;
    let label = args
        .save
        .clone()
        .unwrap_or_else(|| format!("{}年学位预测", now.date().format("%Y")));
    let run = if with_backtest {
        Run::make(&label, now, &crate::files::actor(), history, scenarios)?
    } else {
        let forecasts = scenarios
            .iter()
            .map(|s| forecast::project(&history, s))
            .collect::<Result<Vec<_>, _>>()?;
        Run {
            label,
            made_at: now,
            made_by: crate::files::actor(),
            history,
            scenarios,
            forecasts,
            backtest: None,
        }
    };
    if args.save.is_some() {
        // The whole city's run is stored, whatever --county shows.
        let id = store
            .save_forecast_run(&run, &crate::files::actor())
            .context("无法保存预测")?;
        eprintln!("已保存预测“{}”，编号 {id}", run.label.trim());
    }
    let shown = match &county {
        Some(code) => run.for_county(code),
        None => run,
    };
    match args.format {
        OutputFormat::Table => {
            let text = tables(&shown, county.as_ref(), args.backtest);
            write_out(args.out.as_deref(), text.as_bytes())?;
        }
        OutputFormat::Json => {
            let mut text = serde_json::to_string_pretty(&shown)?;
            text.push('\n');
            write_out(args.out.as_deref(), text.as_bytes())?;
        }
        OutputFormat::Xlsx => {
            let bytes =
                import_export::write_forecast_xlsx(&shown, county.as_ref()).context("无法生成 .xlsx")?;
            write_out(args.out.as_deref(), &bytes)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A county by code or name, among those the history holds.
fn resolve_county(history: &History, text: &str) -> anyhow::Result<AreaCode> {
    let text = text.trim();
    if let Some(c) = history
        .counties
        .iter()
        .find(|c| c.code.as_str() == text || (!c.name.is_empty() && c.name == text))
    {
        return Ok(c.code.clone());
    }
    let known: Vec<String> = history
        .counties
        .iter()
        .map(|c| format!("{} {}", c.code, c.name))
        .collect();
    bail!("没有区县“{text}”的登记数据；可选：{}", known.join("、"))
}

/// Scenario files, each read within the engine's bound and parsed; the
/// first refusal is the error, shown as the engine words it.
fn read_scenarios(files: &[PathBuf], history: &History, base: i32) -> anyhow::Result<Vec<Scenario>> {
    let counties: Vec<AreaCode> = history.counties.iter().map(|c| c.code.clone()).collect();
    let mut out = Vec::new();
    for path in files {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).with_context(|| format!("无法打开方案文件 {name}"))?;
        // One byte past the bound is enough to refuse it.
        let mut bytes = Vec::new();
        file.take(forecast::scenario::MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("无法读取方案文件 {name}"))?;
        if bytes.len() > forecast::scenario::MAX_FILE_BYTES {
            bail!(
                "方案文件 {name}：超过 {} 字节，不是方案文件",
                forecast::scenario::MAX_FILE_BYTES
            );
        }
        let Ok(text) = String::from_utf8(bytes) else {
            bail!("方案文件 {name}：不是 UTF-8 文本");
        };
        let scenario =
            Scenario::parse_toml(&name, &text, &counties, base).map_err(|e| anyhow::anyhow!("{e}"))?;
        out.push(scenario);
    }
    Ok(out)
}

fn write_out(path: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            if path.is_dir() {
                bail!("无法写入 {}：这是一个目录，请给出文件名", path.display());
            }
            // Written beside and renamed: never a half-written file under the
            // name. The whole name gets the suffix (`学位预测.xlsx.partial`):
            // `with_extension` turned `/tmp` into `/tmp.partial` and
            // `a.json` and `a.xlsx` into the same `a.partial`.
            let mut partial = path.as_os_str().to_owned();
            partial.push(".partial");
            let partial = PathBuf::from(partial);
            let written = std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, path));
            if let Err(error) = written {
                // Nothing left behind: the partial file is ours to remove.
                let _ = std::fs::remove_file(&partial);
                return Err(error).with_context(|| format!("无法写入 {}", path.display()));
            }
        }
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|()| out.flush()) {
                // The reader stopped (`| head`): what it took is the answer,
                // not an error.
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
    }
    Ok(())
}

fn count(x: f64) -> String {
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if n < 0 {
        format!("−{grouped}")
    } else {
        grouped
    }
}

fn signed(x: f64) -> String {
    if x.round() > 0.0 {
        format!("+{}", count(x))
    } else {
        count(x)
    }
}

/// The text output: per scenario its assumptions, then per area shown and
/// stage a table of years; the backtest's accuracy when asked.
fn tables(run: &Run, county: Option<&AreaCode>, backtest: bool) -> String {
    let mut out = String::new();
    let scope = match county {
        Some(code) => run
            .history
            .counties
            .iter()
            .find(|c| &c.code == code)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| code.to_string()),
        None => run.history.city_name.clone(),
    };
    out.push_str(&format!("学位预测 · {scope}\n"));
    for forecast in &run.forecasts {
        out.push_str(&scenario_tables(forecast, county));
    }
    if backtest {
        out.push_str(&accuracy_table(run, county));
    }
    out
}

fn scenario_tables(forecast: &Forecast, county: Option<&AreaCode>) -> String {
    let mut out = format!(
        "\n方案：{}（基年 {}—{}学年，预测至 {}—{}学年）\n",
        forecast.scenario.name,
        forecast.base_year,
        forecast.base_year + 1,
        forecast.until,
        forecast.until + 1
    );
    for (label, value) in &forecast.assumptions {
        out.push_str(&format!("  {label}：{value}\n"));
    }
    // The whole city: the city's tables. One county: that county's.
    let area: Option<&AreaForecast> = match county {
        Some(code) => forecast.area(code),
        None => forecast.areas.first(),
    };
    if let Some(area) = area {
        for stage in &area.stages {
            out.push_str(&stage_table(&area.name, stage));
        }
    }
    out
}

fn stage_table(area: &str, stage: &StageForecast) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(vec![
        "学年",
        "",
        "需求",
        "其中民办",
        "学位",
        "新建项目",
        "缺口(+)/富余(−)",
        "需班数",
        "平均班额(按学位)",
        "",
    ]);
    for y in &stage.years {
        let peak = y.year == stage.peak.year;
        table.add_row(vec![
            format!("{}—{}", y.year, y.year + 1),
            if y.observed { "实际" } else { "预测" }.to_owned(),
            count(y.total()),
            count(y.demand[1]),
            count(y.capacity),
            if y.pipeline_seats > 0.0 {
                format!("+{}", count(y.pipeline_seats))
            } else {
                String::new()
            },
            signed(y.gap),
            y.classes_needed.to_string(),
            if y.classes_available > 0 {
                format!("{:.1}", y.mean_class_size)
            } else {
                "—".to_owned()
            },
            if peak && stage.peak_passed {
                "▲高峰（已过）".to_owned()
            } else if peak {
                "▲高峰".to_owned()
            } else {
                String::new()
            },
        ]);
    }
    for col in 2..9 {
        if let Some(column) = table.column_mut(col) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut head = format!(
        "\n{area} · {}（标准班额 {} 人）：入学高峰 {}—{}学年 {} 人{}",
        stage.stage.label_zh(),
        stage.class_size,
        stage.peak.year,
        stage.peak.year + 1,
        count(stage.peak.demand),
        if stage.peak_passed {
            "（已过，此后需求下降）"
        } else {
            ""
        }
    );
    match stage.worst_gap {
        Some(g) if g.gap > 0.0 => head.push_str(&format!(
            "；最大缺口 {}—{}学年 {} 个学位",
            g.year,
            g.year + 1,
            count(g.gap)
        )),
        _ => head.push_str("；预测期内无学位缺口"),
    }
    if let Some(s) = stage.largest_surplus.filter(|s| s.gap < 0.0) {
        head.push_str(&format!(
            "；最多富余 {} 个（{}—{}学年）",
            count(-s.gap),
            s.year,
            s.year + 1
        ));
    }
    format!("{head}\n{table}\n")
}

fn accuracy_table(run: &Run, county: Option<&AreaCode>) -> String {
    let Some(backtest) = &run.backtest else {
        return "\n回测：登记数据年数不足，未做回测\n".to_owned();
    };
    let area = county.cloned().or_else(|| run.history.city.clone());
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(vec![
        "学段",
        "提前年数",
        "队列要素法 MAPE",
        "平均偏差",
        "沿用上年 MAPE",
        "简单升级 MAPE",
        "样本数",
    ]);
    for stage in forecast::FORECAST_STAGES {
        for lead in 1..=5 {
            let cell = |method: Method| {
                area.as_ref()
                    .and_then(|a| backtest.row(a, stage, None, method, lead))
            };
            let Some(cohort) = cell(Method::Cohort) else {
                continue;
            };
            let mape = |m: Method| cell(m).map(|a| format!("{:.2}%", a.mape_pct)).unwrap_or_default();
            table.add_row(vec![
                stage.label_zh().to_owned(),
                lead.to_string(),
                format!("{:.2}%", cohort.mape_pct),
                format!("{:+.2}%", cohort.bias_pct),
                mape(Method::CarryForward),
                mape(Method::GradeProgression),
                cohort.pairs.to_string(),
            ]);
        }
    }
    let years: Vec<String> = backtest.base_years.iter().map(|y| y.to_string()).collect();
    let mut out = format!(
        "\n回测精度（{}，基年 {}；MAPE = 平均绝对百分比误差，偏差为正 = 预测偏高）\n{table}\n",
        run.forecasts
            .first()
            .map(|f| f.scenario.name.as_str())
            .unwrap_or_default(),
        years.join("、")
    );
    // The city's own shortfalls here; the counties' are many and go to
    // the workbook's 回测精度 sheet and the JSON.
    if county.is_none() {
        let city = run.history.city_name.as_str();
        let (own, others): (Vec<&String>, Vec<&String>) = backtest
            .shortfalls
            .iter()
            .partition(|s| !city.is_empty() && s.starts_with(city));
        for s in own {
            out.push_str(&format!("  未优于对照：{s}\n"));
        }
        if !others.is_empty() {
            out.push_str(&format!(
                "  区县级另有 {} 处未优于对照（见 --format xlsx 的“说明”或 --format json）\n",
                others.len()
            ));
        }
    }
    out
}
