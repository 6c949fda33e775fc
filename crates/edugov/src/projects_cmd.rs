//! `edugov projects import|export`: the 项目台账 of construction projects.
//! `import_export` reads and checks the file against the registry and the
//! stored projects; `store::PlanStore::save_projects` writes them and adds
//! the seats of projects put into use to their schools.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use store::prelude::*;
use store::PlanStore;

const SHOWN_ERRORS: usize = 30;

#[derive(clap::Args)]
pub struct ProjectsArgs {
    #[command(subcommand)]
    command: ProjectsCommand,
}

#[derive(clap::Subcommand)]
enum ProjectsCommand {
    /// Import a 项目台账 (.xlsx or .csv) by 项目编号; all or nothing
    Import(ProjectsImportArgs),
    /// Export every project as a 项目台账 .xlsx that imports back unchanged
    Export(ProjectsExportArgs),
}

#[derive(clap::Args)]
struct ProjectsImportArgs {
    /// The file: .xlsx or .csv (UTF-8 or GBK)
    file: PathBuf,
    /// Check every row, write nothing
    #[arg(long)]
    dry_run: bool,
}

#[derive(clap::Args)]
struct ProjectsExportArgs {
    /// Output file (.xlsx)
    #[arg(long)]
    out: PathBuf,
}

pub fn run(settings: &crate::settings::Settings, args: ProjectsArgs) -> anyhow::Result<ExitCode> {
    let db = settings.database();
    match args.command {
        ProjectsCommand::Import(args) => {
            let mut store = crate::open_store(&db)?;
            let city = crate::plan_cmd::city(settings, &*store)?;
            let limits = settings.read_limits()?;
            import_export::with_read_limits(limits, || import(&mut *store, city, args))
        }
        ProjectsCommand::Export(args) => {
            let store = crate::open_existing_store(&db)?;
            let city = crate::plan_cmd::city(settings, &*store)?;
            export(&*store, &city, args)
        }
    }
}

fn import<S: PlanStore + RegistryRead + ?Sized>(
    store: &mut S,
    city: registry::AreaCode,
    args: ProjectsImportArgs,
) -> anyhow::Result<ExitCode> {
    let context = import_export::ProjectContext {
        counties: crate::plan_cmd::counties(store, &city)?,
        city,
        schools: store.lookup()?.schools,
        stored: store
            .projects()?
            .into_iter()
            .map(|p| (p.spec.code.clone(), p.spec))
            .collect(),
    };
    let read = import_export::read_projects(&args.file, &context)?;
    let file = args.file.display();
    if !read.errors.is_empty() {
        eprint!("{}", import_export::errors_text(&read.errors, SHOWN_ERRORS));
        eprintln!(
            "{file}：{} 个项目中发现 {} 处错误，未导入任何数据",
            read.rows,
            read.errors.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    let seats = if args.dry_run {
        eprintln!(
            "{file}：{} 个项目校验通过（未写入任何数据，--dry-run）",
            read.projects.len()
        );
        read.put_in_use
    } else {
        let saved = store.save_projects(&read.projects, &crate::files::actor(), chrono::Utc::now())?;
        println!(
            "已导入 {} 个项目：新增 {} 个，更新 {} 个，未变 {} 个",
            read.projects.len(),
            saved.inserted,
            saved.updated,
            saved.unchanged
        );
        saved.put_in_use
    };
    let would = if args.dry_run { "将" } else { "已" };
    for s in &seats {
        println!(
            "项目 {} 投入使用：{would}为学校 {} 增加{}学位 {} 个",
            s.project,
            s.school,
            s.stage.label_zh(),
            s.seats
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn export<S: PlanStore + RegistryRead + ?Sized>(
    store: &S,
    city: &registry::AreaCode,
    args: ProjectsExportArgs,
) -> anyhow::Result<ExitCode> {
    // This city's projects only: another city's would not import back here.
    let projects: Vec<plans::ProjectSpec> = store
        .projects()?
        .into_iter()
        .filter(|p| p.spec.county.is_within(city))
        .map(|p| p.spec)
        .collect();
    let bytes = import_export::projects_workbook(&projects, &crate::plan_cmd::counties(store, city)?)?;
    std::fs::write(&args.out, bytes).with_context(|| format!("无法写出 {}", args.out.display()))?;
    eprintln!("已导出 {} 个项目到 {}", projects.len(), args.out.display());
    Ok(ExitCode::SUCCESS)
}
