//! `edugov plan import|export`: the 任务分解表 bureaus keep in Excel, in and
//! out. `import_export` reads and writes the file, `store::PlanStore` saves
//! the plan; this module finds the city, prints what happened and sets the
//! exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use plans::{Plan, PlanHeader};
use registry::{Area, AreaCode, AreaLevel};
use store::prelude::*;
use store::PlanStore;

/// Row errors printed on screen.
const SHOWN_ERRORS: usize = 30;

#[derive(clap::Args)]
pub struct PlanArgs {
    #[command(subcommand)]
    command: PlanCommand,
}

#[derive(clap::Subcommand)]
enum PlanCommand {
    /// Import a 任务分解表 (.xlsx or .csv): 序号 · 目标与任务 · 分管领导 · 牵头单位 · 责任单位 · 完成时限,
    /// plus edugov's optional measure columns (docs/plans.md, "Files"); all or nothing
    Import(PlanImportArgs),
    /// Export a year's plan as a 任务分解表 .xlsx that imports back unchanged
    Export(PlanExportArgs),
}

#[derive(clap::Args)]
struct PlanImportArgs {
    /// The file: .xlsx or .csv (UTF-8 or GBK)
    file: PathBuf,
    /// The plan's year (default: the "2026年" of the title row above the header)
    #[arg(long)]
    year: Option<i32>,
    /// The plan's title (default: the title row above the header)
    #[arg(long)]
    title: Option<String>,
    /// Check every row, write nothing
    #[arg(long)]
    dry_run: bool,
}

#[derive(clap::Args)]
struct PlanExportArgs {
    #[arg(long)]
    year: i32,
    /// Output file (.xlsx)
    #[arg(long)]
    out: PathBuf,
}

pub fn run(settings: &crate::settings::Settings, args: PlanArgs) -> anyhow::Result<ExitCode> {
    let db = settings.database();
    match args.command {
        PlanCommand::Import(args) => {
            let mut store = crate::open_store(&db)?;
            let city = city(settings, &*store)?;
            let limits = settings.read_limits()?;
            import_export::with_read_limits(limits, || import(&mut *store, city, args))
        }
        PlanCommand::Export(args) => {
            let store = crate::open_existing_store(&db)?;
            let city = city(settings, &*store)?;
            export(&*store, &city, args)
        }
    }
}

/// The bureau's city: the setting (`city`, `EDUGOV_CITY`), else the city of
/// the stored schools.
pub(crate) fn city(
    settings: &crate::settings::Settings,
    store: &dyn store::Store,
) -> anyhow::Result<AreaCode> {
    if let Some(city) = settings.city()? {
        return Ok(city);
    }
    let schools = store.schools()?;
    match schools.first().and_then(|s| s.county.ancestor(AreaLevel::City)) {
        Some(city) => Ok(city),
        None => {
            bail!("数据库中还没有学校，无法确定本市：请设置 city（如 EDUGOV_CITY=3701，或配置文件中的 city）")
        }
    }
}

/// The counties under `city`, for names in files.
pub(crate) fn counties(store: &(impl RegistryRead + ?Sized), city: &AreaCode) -> anyhow::Result<Vec<Area>> {
    Ok(store
        .child_areas(city.as_str())?
        .into_iter()
        .filter(|a| a.level() == AreaLevel::County)
        .collect())
}

/// The city's stored plan of `year`.
pub(crate) fn find_plan(
    store: &(impl PlanStore + ?Sized),
    city: &AreaCode,
    year: i32,
) -> anyhow::Result<Plan> {
    let headers: Vec<PlanHeader> = store.plans()?;
    let Some(header) = headers.iter().find(|p| &p.city == city && p.year == year) else {
        let held: Vec<String> = headers
            .iter()
            .filter(|p| &p.city == city)
            .map(|p| p.year.to_string())
            .collect();
        if held.is_empty() {
            bail!("本市（{city}）还没有工作计划：先用 `edugov plan import 任务分解表.xlsx` 导入");
        }
        bail!(
            "本市（{city}）没有 {year} 年的工作计划；已有：{} 年",
            held.join("、")
        );
    };
    store
        .plan(header.id)?
        .with_context(|| format!("计划 {} 读取时已不存在", header.id))
}

fn import<S: PlanStore + RegistryRead + ?Sized>(
    store: &mut S,
    city: AreaCode,
    args: PlanImportArgs,
) -> anyhow::Result<ExitCode> {
    let context = import_export::PlanContext {
        counties: counties(store, &city)?,
        city,
        year: args.year,
        title: args.title,
    };
    let mut read = import_export::read_work_plan(&args.file, &context)?;
    let file = args.file.display();
    if !read.errors.is_empty() {
        eprint!("{}", import_export::errors_text(&read.errors, SHOWN_ERRORS));
        eprintln!(
            "{file}：{} 行任务中发现 {} 处错误，未导入任何数据",
            read.rows,
            read.errors.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    // A stored task keeps what the file has no column for.
    let stored = find_plan(store, &context.city, read.plan.year).ok();
    let kept_fields = stored.as_ref().map_or(0, |stored| read.keep_stored(stored));
    let plan = &read.plan;
    let tasks: usize = plan.sections.iter().map(|s| s.tasks.len()).sum();
    eprintln!(
        "{file}：{}（{} 年），{} 个板块，{tasks} 项任务",
        plan.title,
        plan.year,
        plan.sections.len()
    );
    if kept_fields > 0 {
        let fields: Vec<&str> = read.absent.iter().map(|a| a.label_zh()).collect();
        eprintln!(
            "文件中没有 {} 列：已有的 {kept_fields} 项任务（按序号）保留数据库中的这些内容",
            fields.join("、")
        );
    }
    if read.bureau_columns_only && kept_fields < tasks {
        eprintln!(
            "文件只有任务分解表的基本列：{} 项{}任务按节点任务导入（以审核通过、附佐证材料的进展报告为完成依据），来源为{}；需要指标或计数考核的任务，请加上 考核方式、指标、目标值 等列（见 docs/plans.md）",
            tasks - kept_fields,
            if kept_fields > 0 { "新" } else { "" },
            plans::TaskSource::AnnualPriority.label_zh()
        );
    }
    if args.dry_run {
        eprintln!("校验通过（未写入任何数据，--dry-run）");
        return Ok(ExitCode::SUCCESS);
    }
    let saved = store.save_plan(plan, &crate::files::actor(), chrono::Utc::now())?;
    println!(
        "已导入计划 {}：新增 {} 项，更新 {} 项，未变 {} 项",
        saved.plan, saved.inserted, saved.updated, saved.unchanged
    );
    if !saved.kept.is_empty() {
        println!(
            "数据库中另有 {} 项任务不在本文件中，已保留（连同其记录）：序号 {}",
            saved.kept.len(),
            saved.kept.join("、")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn export<S: PlanStore + RegistryRead + ?Sized>(
    store: &S,
    city: &AreaCode,
    args: PlanExportArgs,
) -> anyhow::Result<ExitCode> {
    let plan = find_plan(store, city, args.year)?;
    let spec = import_export::plan_spec(&plan);
    let bytes = import_export::work_plan_workbook(&spec, &counties(store, city)?)?;
    std::fs::write(&args.out, bytes).with_context(|| format!("无法写出 {}", args.out.display()))?;
    eprintln!(
        "已导出 {} 年计划（{} 项任务）到 {}",
        args.year,
        plan.tasks.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
