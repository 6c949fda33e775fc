//! `edugov`: the command line. It parses arguments, opens the store and calls
//! the crates that do the work (`demo`, `import_export`, `indicators`, `registry`,
//! `plans`, `gongwen`, `forecast`, `admission`); it owns
//! no domain logic of its own.

mod admission_cmd;
mod backup_cmd;
mod check_id;
mod copy_cmd;
mod demo_cmd;
mod demo_plan;
mod files;
mod forecast_cmd;
mod indicators_cmd;
mod plan_cmd;
mod progress;
mod projects_cmd;
mod report_cmd;
mod serve_cmd;
mod settings;
mod summary;
mod user_cmd;

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "edugov",
    version,
    about = "教育治理平台 edugov — 学籍、指标、督办与规划（命令行）"
)]
struct Cli {
    /// Database: a SQLite file (the default, edugov.db) or a PostgreSQL URL
    /// (postgres://user@host/dbname); also EDUGOV_DB or `database` in the configuration file
    #[arg(long, global = true)]
    db: Option<String>,

    /// Configuration file (TOML): settings between the defaults and the
    /// environment (see `edugov settings`)
    #[arg(long, global = true, env = "EDUGOV_CONFIG")]
    config: Option<std::path::PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the synthetic demo city (济南市) into the database, replacing its registry
    Demo(demo_cmd::DemoArgs),
    /// Print counts by county and stage for a school year
    Summary(summary::SummaryArgs),
    /// Import registry files (.xlsx or .csv, UTF-8 or GBK); all or nothing
    Import(files::ImportArgs),
    /// Write an empty .xlsx template for an entity
    Template(files::TemplateArgs),
    /// Export an entity to .xlsx or .csv (identity numbers masked)
    Export(files::ExportArgs),
    /// Compute indicators (大班额, 普惠率, 生师比, 差异系数 …) by area, school and year
    Indicators(indicators_cmd::IndicatorsArgs),
    /// Check resident identity numbers (GB 11643), from arguments or standard input
    CheckId(check_id::CheckIdArgs),
    /// Accounts of the web application: add, list, passwd, disable, enable
    User(user_cmd::UserArgs),
    /// Start the web application (add --demo for the demo city and its demo accounts)
    Serve(serve_cmd::ServeArgs),
    /// Print the effective settings (database, city, pool, limits) and where each came from
    Settings,
    /// Copy a whole database into an empty one (SQLite ⇄ PostgreSQL), then check rows and indicators
    Copy(copy_cmd::CopyArgs),
    /// Check two databases hold the same rows and the same indicator values (e.g. after a restore)
    Compare(copy_cmd::CompareArgs),
    /// Back up the database while it is in use (SQLite file, or pg_dump's custom format)
    Backup(backup_cmd::BackupArgs),
    /// Work plans: import a 任务分解表 (.xlsx/.csv) or export a year's plan back to one
    Plan(plan_cmd::PlanArgs),
    /// Construction projects: import or export the 项目台账 (.xlsx/.csv)
    Projects(projects_cmd::ProjectsArgs),
    /// Generated reports: `report summary --year Y --out 台账.xlsx|总结.docx`
    Report(report_cmd::ReportArgs),
    /// School-place forecast (学位预测): demand against seats by stage and county to 2035, scenarios, backtest
    Forecast(forecast_cmd::ForecastArgs),
    /// High-school admission (中考招生): check, run, explain, compare policies, list stored runs
    Admission(admission_cmd::AdmissionArgs),
}

fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("错误：{err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // The flags that are settings; the rest of the settings come from the
    // defaults, the configuration file and the environment.
    let mut flags: settings::Flags = cli.db.iter().map(|db| ("database", db.clone())).collect();
    match &cli.command {
        Command::Serve(args) => flags.extend(args.flags()),
        Command::Import(args) => flags.extend(args.limits.flags()),
        _ => {}
    }
    let settings = settings::Settings::load(cli.config.as_deref(), flags)?;
    let db = settings.database();
    match cli.command {
        Command::Demo(args) => demo_cmd::run(&db, args),
        Command::Summary(args) => summary::run(&db, args),
        Command::Import(args) => files::import(&settings, args),
        Command::Template(args) => files::template(args),
        Command::Export(args) => files::export(&db, args),
        Command::Indicators(args) => indicators_cmd::run(&db, args),
        Command::CheckId(args) => check_id::run(args),
        Command::User(args) => user_cmd::run(&db, args),
        Command::Serve(args) => serve_cmd::run(&settings, args),
        Command::Settings => {
            settings.print();
            Ok(ExitCode::SUCCESS)
        }
        Command::Copy(args) => copy_cmd::copy(args),
        Command::Compare(args) => copy_cmd::compare(args),
        Command::Backup(args) => backup_cmd::run(&db, args),
        Command::Plan(args) => plan_cmd::run(&settings, args),
        Command::Projects(args) => projects_cmd::run(&settings, args),
        Command::Report(args) => report_cmd::run(&settings, args),
        Command::Forecast(args) => forecast_cmd::run(&db, args),
        Command::Admission(args) => admission_cmd::run(&db, args),
    }
}

/// Logs go to standard error, filtered by `EDUGOV_LOG` (default: warnings).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("EDUGOV_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

pub(crate) fn parse_db(text: &str) -> Result<store::DatabaseUrl, std::convert::Infallible> {
    Ok(store::DatabaseUrl::parse(text))
}

/// Opens a database that must exist already: the source of `copy`, both
/// sides of `compare`, what `backup` saves. SQLite would create a mistyped
/// file empty, and the command would then copy, compare or save nothing as
/// if all were well.
pub(crate) fn open_existing_store(db: &store::DatabaseUrl) -> anyhow::Result<Box<dyn store::Store>> {
    if let store::DatabaseUrl::Sqlite(path) = db {
        if !path.exists() {
            anyhow::bail!("数据库文件 {} 不存在（请检查路径）", path.display());
        }
    }
    open_store(db)
}

/// Opens the store `--db` names (SQLite or PostgreSQL); nothing else names a backend.
pub(crate) fn open_store(db: &store::DatabaseUrl) -> anyhow::Result<Box<dyn store::Store>> {
    match store::open(db) {
        Ok(store) => Ok(store),
        // Names the (redacted) URL itself.
        Err(error @ store::StoreError::Connect { .. }) => Err(error.into()),
        Err(error) => Err(error).with_context(|| format!("无法打开数据库 {db}")),
    }
}
