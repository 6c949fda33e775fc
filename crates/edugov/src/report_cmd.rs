//! `edugov report summary`: the documents a bureau sends, for a year's plan
//! as of a day — the 督办台账 as `.xlsx` (`import_export::ledger_workbook`)
//! or the progress summary as a 公文 `.docx` (`plans::summary` rendered by
//! `gongwen::to_docx`). Both are built from one `plans::Ledger`, the read
//! model the web pages use.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use chrono::NaiveDate;
use plans::{Ledger, Plan};
use registry::{AreaCode, SchoolYear};
use store::prelude::*;
use store::PlanStore;

#[derive(clap::Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    command: ReportCommand,
}

#[derive(clap::Subcommand)]
enum ReportCommand {
    /// A year's plan as of a day: FILE.xlsx = the 督办台账 (tasks, counties, rules, 督办,
    /// 开工率/完工率); FILE.docx = the progress summary as a 公文
    Summary(SummaryArgs),
}

#[derive(clap::Args)]
struct SummaryArgs {
    /// The plan's year
    #[arg(long)]
    year: i32,
    /// The day the figures are for (default: today), e.g. 2026-06-30
    #[arg(long)]
    as_of: Option<NaiveDate>,
    /// Output: .xlsx (督办台账) or .docx (进展情况总结, 公文格式)
    #[arg(long)]
    out: PathBuf,
}

enum Kind {
    Ledger,
    Summary,
}

pub fn run(settings: &crate::settings::Settings, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let ReportCommand::Summary(args) = args.command;
    let extension = args
        .out
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let kind = match extension.as_str() {
        "xlsx" => Kind::Ledger,
        "docx" => Kind::Summary,
        _ => bail!(
            "输出文件 {} 应以 .xlsx（督办台账）或 .docx（进展情况总结）结尾",
            args.out.display()
        ),
    };
    let store = crate::open_existing_store(&settings.database())?;
    let city = crate::plan_cmd::city(settings, &*store)?;
    summary(&*store, &city, kind, args)
}

/// The registry's values the indicator tasks are judged on: the school
/// years from the earliest baseline on (none when no task is an indicator).
fn readings<S: Snapshots + RegistryRead + ?Sized>(
    store: &S,
    plan: &Plan,
) -> anyhow::Result<indicators::Computed> {
    let first = plan
        .tasks
        .iter()
        .filter_map(|t| match &t.spec.measure {
            plans::Measure::Indicator(goal) => Some(goal.baseline_year),
            _ => None,
        })
        .min();
    let years: Vec<SchoolYear> = match first {
        Some(first) => store
            .school_years()?
            .into_iter()
            .filter(|y| i32::from(y.0) >= first)
            .collect(),
        None => Vec::new(),
    };
    let snapshots = years
        .iter()
        .map(|y| store.year_snapshot(*y))
        .collect::<Result<Vec<_>, _>>()
        .context("无法读取学年数据")?;
    Ok(indicators::Computed::new(
        &snapshots,
        indicators::Rules::default(),
    ))
}

fn summary<S: PlanStore + Snapshots + RegistryRead + ?Sized>(
    store: &S,
    city: &AreaCode,
    kind: Kind,
    args: SummaryArgs,
) -> anyhow::Result<ExitCode> {
    let as_of = args.as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
    let plan = crate::plan_cmd::find_plan(store, city, args.year)?;
    let events = store.plan_events(plan.header.id)?;
    let reports = store.plan_reports(plan.header.id)?;
    let projects: Vec<plans::Project> = store
        .projects()?
        .into_iter()
        .filter(|p| p.spec.county.is_within(city))
        .collect();
    let computed = readings(store, &plan)?;
    let ledger = Ledger::build(&plan, &events, &reports, &projects, &computed, as_of);
    let counties = crate::plan_cmd::counties(store, city)?;
    let bytes = match kind {
        Kind::Ledger => {
            let specs: Vec<plans::ProjectSpec> = projects.iter().map(|p| p.spec.clone()).collect();
            import_export::ledger_workbook(&ledger, &specs, &counties)?
        }
        Kind::Summary => {
            let city_name = store
                .area(city.as_str())?
                .map(|a| a.name)
                .unwrap_or_else(|| city.to_string());
            let issuer = format!("{city_name}教育局");
            let area_name = |code: &AreaCode| -> String {
                if code == city {
                    return city_name.clone();
                }
                counties
                    .iter()
                    .find(|a| &a.code == code)
                    .map_or_else(|| code.to_string(), |a| a.name.clone())
            };
            let document = plans::summary::build(
                &ledger,
                &projects,
                &plans::summary::Context {
                    issuer: &issuer,
                    area_name: &area_name,
                },
            );
            gongwen::to_docx(&document)?
        }
    };
    std::fs::write(&args.out, bytes).with_context(|| format!("无法写出 {}", args.out.display()))?;
    let counts = ledger.counts();
    let what = match kind {
        Kind::Ledger => "督办台账",
        Kind::Summary => "进展情况总结",
    };
    eprintln!(
        "已写出 {} 年{what}（截至 {as_of}）：{} 项任务，逾期 {} 项，挂牌督办 {} 项，已销号 {} 项 → {}",
        args.year,
        counts.tasks,
        counts.overdue,
        counts.listed,
        counts.closed,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
