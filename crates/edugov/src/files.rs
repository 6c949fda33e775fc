//! `edugov import`, `template` and `export`: the files bureaus already use,
//! in and out. The work is done by `import_export`; this module draws
//! progress, prints errors and sets the exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use import_export::{Entity, Format, ImportOptions, PersonalData};
use registry::SchoolYear;
use store::AuditAction;

/// Errors printed on screen; the rest are in the error file.
const SHOWN_ERRORS: usize = 30;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The file: .xlsx (every sheet that matches a template) or .csv (UTF-8 or GBK)
    file: PathBuf,
    /// Validate everything, write nothing
    #[arg(long)]
    dry_run: bool,
    /// Where to write the error report (.xlsx or .csv); default: beside the file
    #[arg(long)]
    errors: Option<PathBuf>,
    /// 班额随学生名单更新: a class whose 班额 differs from the students listed
    /// in it takes their count (to add one pupil, import a students file of
    /// that pupil alone); without it such a file is refused
    #[arg(long)]
    update_class_sizes: bool,
    #[command(flatten)]
    pub(crate) limits: LimitArgs,
}

/// What the importer will read (README, "Import limits"): flags over the
/// settings (`crate::settings`: file, then `EDUGOV_IMPORT_*`), which
/// `edugov serve` uses too.
#[derive(clap::Args)]
pub struct LimitArgs {
    /// Largest file, in MB
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_file_mb: Option<u64>,
    /// Largest worksheet of an .xlsx once unzipped, in MB
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_sheet_mb: Option<u64>,
    /// Largest other part of an .xlsx once unzipped (shared strings, styles), in MB
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_part_mb: Option<u64>,
    /// Most characters in one cell
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_cell_chars: Option<u64>,
    /// Most columns holding anything
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_columns: Option<u64>,
    /// Most data rows in one table (a CSV file or a sheet)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_rows: Option<u64>,
    /// Longest CSV line, in KB
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_line_kb: Option<u64>,
}

impl LimitArgs {
    /// The flags given, as settings (`import.max_file_mb` …).
    pub fn flags(&self) -> crate::settings::Flags {
        [
            ("import.max_file_mb", self.max_file_mb),
            ("import.max_sheet_mb", self.max_sheet_mb),
            ("import.max_part_mb", self.max_part_mb),
            ("import.max_cell_chars", self.max_cell_chars),
            ("import.max_columns", self.max_columns),
            ("import.max_rows", self.max_rows),
            ("import.max_line_kb", self.max_line_kb),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v.to_string())))
        .collect()
    }
}

#[derive(clap::Args)]
pub struct TemplateArgs {
    /// schools | facilities | classes | students | teachers | population | births (or 学校, 班级, 学生 …)
    entity: String,
    /// Output file (default: <entity>-模板.xlsx)
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// schools | facilities | classes | students | teachers | population | births (or 学校, 班级, 学生 …)
    entity: String,
    #[arg(long, value_enum, default_value = "xlsx")]
    format: FormatArg,
    /// School year (default: the latest held)
    #[arg(long)]
    year: Option<String>,
    /// Output file (default: <entity>-<year>.<format>)
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Write identity numbers and names in clear; needs EDUGOV_ALLOW_UNMASKED=1
    /// on this machine and is recorded in the audit log
    #[arg(long)]
    unmasked: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Xlsx,
    Csv,
}

pub fn import(settings: &crate::settings::Settings, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut store = crate::open_store(&settings.database())?;
    let today = chrono::Local::now().date_naive();
    let limits = settings.read_limits()?;
    let transfer_limits = settings.transfer_limits()?;
    let bar = crate::progress::bar(0, "读取");
    let outcome = import_export::with_read_limits(limits, || {
        import_export::import(
            &mut store,
            &args.file,
            // The command line is the server's operator: the whole city.
            ImportOptions {
                dry_run: args.dry_run,
                scope: None,
                user: actor(),
                audit: true,
                now: chrono::Utc::now(),
                update_class_sizes: args.update_class_sizes,
                transfer_limits,
            },
            today,
            &mut |p| {
                bar.set_message(p.phase.label_zh());
                bar.set_length(p.total.max(p.done));
                bar.set_position(p.done);
            },
        )
    });
    bar.finish_and_clear();
    let outcome = outcome?;
    let file = args.file.display();
    if !outcome.errors.is_empty() {
        for err in outcome.errors.iter().take(SHOWN_ERRORS) {
            eprintln!("{err}");
        }
        if outcome.errors.len() > SHOWN_ERRORS {
            eprintln!("…… 另有 {} 条错误", outcome.errors.len() - SHOWN_ERRORS);
        }
        let report = args.errors.unwrap_or_else(|| error_report_path(&args.file));
        import_export::write_errors(&outcome.errors, &report)
            .with_context(|| format!("无法写出错误报告 {}", report.display()))?;
        eprintln!(
            "{file}：{} 行中发现 {} 处错误，未导入任何数据。错误报告：{}",
            outcome.rows,
            outcome.errors.len(),
            report.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    let verb = if args.dry_run {
        "校验通过（未写入任何数据，--dry-run）"
    } else {
        "已导入"
    };
    eprintln!(
        "{file}：{} 行{verb}，用时 {:.1} 秒",
        outcome.rows,
        started.elapsed().as_secs_f64()
    );
    let resized = outcome.counts.map(|c| c.resized_classes).unwrap_or_default();
    if !resized.is_empty() {
        let would = if args.dry_run { "将" } else { "已" };
        eprintln!("班额随学生名单更新，{would}改变 {} 个班：", resized.len());
        for r in resized.iter().take(SHOWN_ERRORS) {
            let c = &r.class;
            let grade = c.grade.label_zh();
            let grade = if c.name.starts_with(&grade) { "" } else { &grade };
            eprintln!(
                "  {} {} {grade}{}：{} → {} 人",
                c.school,
                c.school_year.label_zh(),
                c.name,
                r.declared,
                r.listed
            );
        }
        if resized.len() > SHOWN_ERRORS {
            eprintln!("  …… 另有 {} 个班", resized.len() - SHOWN_ERRORS);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn template(args: TemplateArgs) -> anyhow::Result<ExitCode> {
    let entity = Entity::parse(&args.entity)?;
    let path = args
        .output
        .unwrap_or_else(|| PathBuf::from(format!("{}-模板.xlsx", entity.label_zh())));
    import_export::write_template(entity, &path)?;
    eprintln!("已写出{}模板：{}", entity.label_zh(), path.display());
    Ok(ExitCode::SUCCESS)
}

pub fn export(db: &store::DatabaseUrl, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let entity = Entity::parse(&args.entity)?;
    let personal_data = if args.unmasked {
        if std::env::var("EDUGOV_ALLOW_UNMASKED").as_deref() != Ok("1") {
            bail!(
                "导出未脱敏的身份证号和姓名需要授权：由系统管理员在本机设置 EDUGOV_ALLOW_UNMASKED=1 后再执行"
            );
        }
        PersonalData::Clear
    } else {
        PersonalData::Masked
    };
    let mut store = crate::open_store(db)?;
    let year = args.year.as_deref().map(SchoolYear::parse).transpose()?;
    let (format, extension) = match args.format {
        FormatArg::Xlsx => (Format::Xlsx, "xlsx"),
        FormatArg::Csv => (Format::Csv, "csv"),
    };
    let shown_year = year.or_else(|| store.school_years().ok().and_then(|y| y.last().copied()));
    let path = args.output.unwrap_or_else(|| {
        let suffix = shown_year.map(|y| format!("-{y}")).unwrap_or_default();
        PathBuf::from(format!("{}{suffix}.{extension}", entity.label_zh()))
    });
    let started = Instant::now();
    // Recorded before the file is written: an unmasked export that then
    // fails half-way has still put personal data on this disk.
    if matches!(personal_data, PersonalData::Clear) {
        let year = shown_year.map(|y| y.0.to_string()).unwrap_or_default();
        store.audit(
            &actor(),
            AuditAction::ExportUnmasked,
            &format!("{} {year} → {}", entity.code(), path.display()),
        )?;
    }
    let rows = import_export::export(&store, entity, year, format, &path, personal_data)?;
    eprintln!(
        "已导出 {rows} 行{}到 {}（{:.1} 秒）",
        entity.label_zh(),
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// `学生.csv` → `学生.errors.xlsx` beside it.
fn error_report_path(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.with_file_name(format!("{stem}.errors.xlsx"))
}

/// Who runs the command, for the audit log.
pub fn actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}
