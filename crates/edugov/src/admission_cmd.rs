//! `edugov admission`: high-school admission (中考招生, issue 16) from the
//! command line — `check` an inputs file against a policy, `run` it (the
//! summary and each school's cutoffs printed, the result written as an
//! `.xlsx`, optionally stored as a versioned run with the list of who
//! moved since a previous one), `explain` why a candidate did or did not
//! get a school, `compare` two policies on the same candidates, and list
//! the stored `runs`. The work is the `admission` crate's; the files are
//! `import_export::admission_workbook`'s; this module reads arguments and
//! prints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use admission::{Change, Explanation, Inputs, Outcome, Policy, Summary};
use anyhow::{anyhow, bail, Context};
use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, Table};
use import_export::admission_workbook::{
    self as workbook, check_problems, comparison_rows, mask_candidate_id, read_admission_inputs,
};
use store::admission::AdmissionRun;
use store::prelude::*;
use store::{AdmissionRunId, AuditAction, DatabaseUrl};

#[derive(clap::Args)]
pub struct AdmissionArgs {
    #[command(subcommand)]
    command: AdmissionCommand,
}

#[derive(clap::Subcommand)]
enum AdmissionCommand {
    /// Check an inputs file (.xlsx with sheets 考生/高中学校/初中学校, or a folder of their .csv) against a policy
    Check(InputArgs),
    /// Run the admission: print the summary and cutoffs, write the result workbook, optionally store the run
    Run(RunArgs),
    /// Why a candidate was or was not admitted at a school (from a file, or a stored run)
    Explain(ExplainArgs),
    /// Two policies on the same candidates side by side: placements, rural candidates, cutoff spread, quota cost
    Compare(CompareArgs),
    /// List the stored admission runs (newest first)
    Runs,
    /// An inputs workbook to fill, from the registry (--db): junior schools with their grade-9 students, senior seats
    Template(TemplateArgs),
}

#[derive(clap::Args)]
struct TemplateArgs {
    /// The admission year; the registry's school year before it gives the graduates (2025: school year 2024—2025)
    #[arg(long)]
    year: i32,
    /// The workbook to write
    #[arg(long, short, value_name = "FILE.xlsx")]
    out: PathBuf,
}

#[derive(clap::Args)]
struct InputArgs {
    /// The inputs: an .xlsx with sheets 考生, 高中学校, 初中学校, or a folder with 考生.csv, 高中学校.csv, 初中学校.csv
    input: PathBuf,
    /// The policy file (TOML, see docs/admission.md)
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// The admission year (the year of the 中考, e.g. 2025)
    #[arg(long)]
    year: i32,
}

#[derive(clap::Args)]
struct RunArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The result workbook to write (录取结果, 各校分数线, 指标分配, 政策)
    #[arg(long, short, value_name = "RESULT.xlsx")]
    out: PathBuf,
    /// Write names and examination numbers in clear (recorded in the audit log)
    #[arg(long)]
    unmasked: bool,
    /// Store the inputs and the run in the database (--db)
    #[arg(long)]
    save: bool,
    /// The stored run's label (default: the policy's name)
    #[arg(long, value_name = "LABEL")]
    label: Option<String>,
    /// A stored run this one re-does (on corrected inputs): prints every candidate whose placement changed
    #[arg(long, value_name = "RUN")]
    previous: Option<i64>,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// The inputs file or folder (with --policy and --year); or use --run
    input: Option<PathBuf>,
    #[arg(long, value_name = "FILE", requires = "input", conflicts_with = "run")]
    policy: Option<PathBuf>,
    #[arg(long, requires = "input", conflicts_with = "run")]
    year: Option<i32>,
    /// A stored run (its inputs, policy and outcome) instead of a file
    #[arg(long, value_name = "N", conflicts_with = "input")]
    run: Option<i64>,
    /// The candidate's examination number (准考证号)
    #[arg(long)]
    candidate: String,
    /// The senior school's code (学校标识码)
    #[arg(long)]
    school: String,
}

#[derive(clap::Args)]
struct CompareArgs {
    /// The inputs file or folder
    input: PathBuf,
    /// The admission year
    #[arg(long)]
    year: i32,
    /// Two policy files: the first, then the second
    #[arg(long = "policy", value_name = "FILE", num_args = 1, required = true)]
    policies: Vec<PathBuf>,
    /// Write the comparison workbook (对比概要, 录取变化, 指标线差)
    #[arg(long, short, value_name = "CMP.xlsx")]
    out: Option<PathBuf>,
    /// Write names and examination numbers in clear (recorded in the audit log)
    #[arg(long)]
    unmasked: bool,
}

pub fn run(db: &DatabaseUrl, args: AdmissionArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        AdmissionCommand::Check(args) => check(&args),
        AdmissionCommand::Run(args) => run_admission(db, args),
        AdmissionCommand::Explain(args) => explain(db, &args),
        AdmissionCommand::Compare(args) => compare(db, &args),
        AdmissionCommand::Runs => runs(db),
        AdmissionCommand::Template(args) => template(db, &args),
    }
}

/// Reads a policy file within the policy's size bound.
fn read_policy(path: &Path) -> anyhow::Result<Policy> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("无法读取录取政策文件 {}", path.display()))?
        .len();
    if size > admission::policy::MAX_POLICY_BYTES as u64 {
        bail!(
            "录取政策文件 {} 有 {size} 字节，超过上限 {} 字节",
            path.display(),
            admission::policy::MAX_POLICY_BYTES
        );
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取录取政策文件 {}（应为 UTF-8 文本）", path.display()))?;
    Policy::parse_toml(&text).with_context(|| format!("录取政策文件 {}", path.display()))
}

/// Reads the inputs and checks them against each policy; prints every
/// problem (errors and warnings) and refuses when there is an error.
fn load(input: &Path, year: i32, policies: &[&Path]) -> anyhow::Result<(Inputs, Vec<Policy>)> {
    let started = Instant::now();
    let read = read_admission_inputs(input, year)
        .map_err(|e| anyhow!("{e}"))
        .with_context(|| format!("无法读取录取数据 {}", input.display()))?;
    if !read.ignored_columns.is_empty() {
        eprintln!(
            "提示：考生表中以下列既非已知列也非分数，未读取：{}",
            read.ignored_columns.join("、")
        );
    }
    if !read.is_clean() {
        // The first 50 on screen; the count is of all, not only those kept.
        eprint!(
            "{}",
            import_export::errors_text(&read.errors[..read.errors.len().min(50)], 50)
        );
        if read.error_count > 50 {
            eprintln!("…… 另有 {} 处错误", read.error_count - 50);
        }
        bail!(
            "录取数据 {} 有 {} 处错误，请更正后再试",
            input.display(),
            read.error_count
        );
    }
    let mut loaded = Vec::new();
    let mut errors = 0;
    for path in policies {
        let policy = read_policy(path)?;
        let report = admission::check(&read.inputs, &policy);
        let lines = check_problems(&read, &report, &workbook::file_name(path));
        if !lines.is_empty() {
            eprintln!("按录取政策 {}（{}）检查：", path.display(), policy.name);
            eprint!("{}", import_export::errors_text(&lines, 50));
        }
        errors += report.errors;
        loaded.push(policy);
    }
    if errors > 0 {
        bail!("录取数据有 {errors} 处错误（见上），请更正后再录取");
    }
    eprintln!(
        "已读取 {}：考生 {} 人，高中 {} 所，初中 {} 所（{:.2} 秒）",
        input.display(),
        read.inputs.candidates.len(),
        read.inputs.senior_schools.len(),
        read.inputs.junior_schools.len(),
        started.elapsed().as_secs_f64()
    );
    Ok((read.inputs, loaded))
}

fn check(args: &InputArgs) -> anyhow::Result<ExitCode> {
    let (inputs, _) = load(&args.input, args.year, &[&args.policy])?;
    println!(
        "检查通过：{} 年考生 {} 人，高中 {} 所，初中 {} 所，可以录取。",
        inputs.year,
        inputs.candidates.len(),
        inputs.senior_schools.len(),
        inputs.junior_schools.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn run_admission(db: &DatabaseUrl, args: RunArgs) -> anyhow::Result<ExitCode> {
    if args.out.is_dir() {
        bail!("无法写入 {}：这是一个目录，请给出文件名", args.out.display());
    }
    if args.label.is_some() && !args.save {
        bail!("--label 只在 --save 时使用（给保存的录取结果命名）");
    }
    let input = &args.input;
    let (inputs, mut policies) = load(&input.input, input.year, &[&input.policy])?;
    let policy = policies.pop().ok_or_else(|| anyhow!("没有录取政策"))?;
    // The previous run first: a wrong number fails before any work.
    // A database only when something is read from or written to it (an
    // unmasked result is recorded in its audit log).
    let mut store = if args.save || args.unmasked {
        Some(crate::open_store(db)?)
    } else if args.previous.is_some() {
        Some(crate::open_existing_store(db)?)
    } else {
        None
    };
    let previous = match (args.previous, store.as_ref()) {
        (Some(id), Some(store)) => Some(load_run(&**store, AdmissionRunId(id))?),
        _ => None,
    };

    let started = Instant::now();
    let outcome = admission::run(&inputs, &policy).context("录取未能进行")?;
    let elapsed = started.elapsed();
    let summary = admission::summarize(&inputs, &policy, &outcome);
    println!("{}", policy.name);
    print!("{}", summary_text(&summary));
    println!("（录取计算 {:.1} 毫秒）", elapsed.as_secs_f64() * 1000.0);
    print!("{}", cutoff_table(&inputs, &outcome));

    if let Some((prev_inputs, prev)) = &previous {
        let changes = admission::changes((prev_inputs, &prev.outcome), (&inputs, &outcome));
        println!(
            "与录取结果 {}（{}）相比，{} 名考生录取结果变化：",
            prev.summary.id,
            prev.summary.label,
            changes.len()
        );
        print!(
            "{}",
            changes_table(&inputs, prev_inputs, &changes, !args.unmasked)
        );
    }

    if args.unmasked {
        if let Some(store) = store.as_mut() {
            // Before the file: a write that fails half-way has still put
            // personal data on this disk.
            store.audit(
                &crate::files::actor(),
                AuditAction::ExportUnmasked,
                &format!("录取结果 {} 年 → {}", inputs.year, args.out.display()),
            )?;
        }
    }
    let bytes = workbook::write_admission_result_xlsx(&inputs, &policy, &outcome, !args.unmasked)
        .context("无法生成录取结果工作簿")?;
    // Saving first, its label checked by the store's own rule before
    // anything is written: a refused label leaves no inputs version (those
    // are never deleted) and no workbook behind.
    if args.save {
        let label = args.label.clone().unwrap_or_else(|| policy.name.clone());
        store::admission::label(&label, "录取结果").context("无法保存录取结果")?;
        let store = store.as_mut().ok_or_else(|| anyhow!("保存需要数据库"))?;
        let now = chrono::Local::now().naive_local();
        let actor = crate::files::actor();
        // The same inputs as the previous run's: its version; otherwise a
        // new version, correcting the previous run's when of the same year.
        let inputs_id = match &previous {
            Some((prev_inputs, prev)) if *prev_inputs == inputs => prev.summary.inputs,
            _ => {
                let corrects = previous
                    .as_ref()
                    .filter(|(prev_inputs, _)| prev_inputs.year == inputs.year)
                    .map(|(_, prev)| prev.summary.inputs);
                let label = match corrects {
                    Some(id) => format!("{} 年录取数据（更正版本 {id}）", inputs.year),
                    None => format!("{} 年录取数据", inputs.year),
                };
                store
                    .save_admission_inputs(&inputs, &label, corrects, &actor, now)
                    .context("无法保存录取数据")?
            }
        };
        let run_id = store
            .save_admission_run(
                inputs_id,
                &label,
                previous.as_ref().map(|(_, prev)| prev.summary.id),
                &policy,
                &outcome,
                &actor,
                now,
            )
            .context("无法保存录取结果")?;
        println!("已保存：录取数据版本 {inputs_id}，录取结果编号 {run_id}（{label}）");
    }
    write_file(&args.out, &bytes)?;
    eprintln!(
        "已写出 {}{}",
        args.out.display(),
        if args.unmasked {
            "（含考生姓名与准考证号，请妥善保管）"
        } else {
            "（姓名、准考证号已脱敏）"
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// A stored run and its inputs.
fn load_run(store: &dyn Store, id: AdmissionRunId) -> anyhow::Result<(Inputs, AdmissionRun)> {
    let run = store
        .admission_run(id)?
        .ok_or_else(|| anyhow!("录取结果 {id} 不存在（edugov admission runs 列出已保存的录取结果）"))?;
    let inputs = store
        .admission_inputs(run.summary.inputs)?
        .ok_or_else(|| anyhow!("录取结果 {id} 的录取数据 {} 不存在", run.summary.inputs))?;
    Ok((inputs, run))
}

fn explain(db: &DatabaseUrl, args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let (inputs, policy, outcome) = match (&args.input, args.run) {
        (Some(input), None) => {
            let (Some(policy), Some(year)) = (&args.policy, args.year) else {
                bail!("从文件解释需要 --policy 与 --year（或改用 --run 已保存的录取结果）");
            };
            let (inputs, mut policies) = load(input, year, &[policy])?;
            let policy = policies.pop().ok_or_else(|| anyhow!("没有录取政策"))?;
            let outcome = admission::run(&inputs, &policy).context("录取未能进行")?;
            (inputs, policy, outcome)
        }
        (None, Some(id)) => {
            let store = crate::open_existing_store(db)?;
            let (inputs, run) = load_run(&*store, AdmissionRunId(id))?;
            (inputs, run.policy, run.outcome)
        }
        _ => bail!("请给出录取数据文件（与 --policy、--year）或 --run 已保存的录取结果编号"),
    };
    let explanation =
        admission::explain(&inputs, &policy, &outcome, &args.candidate, &args.school).context("无法解释")?;
    print!("{}", explanation_text(&inputs, &explanation));
    Ok(ExitCode::SUCCESS)
}

fn explanation_text(inputs: &Inputs, e: &Explanation) -> String {
    let school = inputs
        .senior_schools
        .get(e.school as usize)
        .map(|s| format!("{}（{}）", s.name, s.code))
        .unwrap_or_default();
    let candidate = inputs
        .candidates
        .get(e.candidate as usize)
        .map(|c| c.id.0.clone())
        .unwrap_or_default();
    let mut out = format!("考生 {candidate} · {school}：{}\n", e.verdict.label_zh());
    for sentence in &e.sentences {
        out.push_str("  ");
        out.push_str(sentence);
        out.push('\n');
    }
    out
}

fn compare(db: &DatabaseUrl, args: &CompareArgs) -> anyhow::Result<ExitCode> {
    let [a, b] = args.policies.as_slice() else {
        bail!(
            "compare 需要两个 --policy（先后各一个），现有 {} 个",
            args.policies.len()
        );
    };
    let (inputs, policies) = load(&args.input, args.year, &[a, b])?;
    let [pa, pb] = policies.as_slice() else {
        bail!("没有读到两个录取政策");
    };
    let started = Instant::now();
    let oa = admission::run(&inputs, pa).with_context(|| format!("按“{}”录取未能进行", pa.name))?;
    let ob = admission::run(&inputs, pb).with_context(|| format!("按“{}”录取未能进行", pb.name))?;
    let comparison = admission::compare(&inputs, (pa, &oa), (pb, &ob));
    let elapsed = started.elapsed();
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(vec![
        "项目".to_owned(),
        format!("方案一：{}", pa.name),
        format!("方案二：{}", pb.name),
    ]);
    for (label, x, y) in comparison_rows(&comparison) {
        table.add_row(vec![label.to_owned(), x, y]);
    }
    println!("{table}");
    println!(
        "录取结果变化 {} 人；指标代价（填报指标校反而失去更好学校）方案一 {} 人，方案二 {} 人（两次录取 {:.1} 毫秒）",
        comparison.changes.len(),
        comparison.a.quota_cost_text(),
        comparison.b.quota_cost_text(),
        elapsed.as_secs_f64() * 1000.0
    );
    if let Some(out) = &args.out {
        if args.unmasked {
            let mut store = crate::open_store(db)?;
            store.audit(
                &crate::files::actor(),
                AuditAction::ExportUnmasked,
                &format!("录取方案对比 {} 年 → {}", inputs.year, out.display()),
            )?;
        }
        let bytes = workbook::write_admission_comparison_xlsx(&inputs, (pa, pb), &comparison, !args.unmasked)
            .context("无法生成对比工作簿")?;
        write_file(out, &bytes)?;
        eprintln!("已写出 {}", out.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn template(db: &DatabaseUrl, args: &TemplateArgs) -> anyhow::Result<ExitCode> {
    let store = crate::open_existing_store(db)?;
    let school_year = u16::try_from(args.year - 1)
        .ok()
        .filter(|y| (1990..=2100).contains(y))
        .map(registry::SchoolYear)
        .ok_or_else(|| anyhow!("年份 {} 不合理", args.year))?;
    if !store.school_years()?.contains(&school_year) {
        bail!(
            "数据库 {db} 中没有 {}—{} 学年的登记数据，无法列出 {} 年的初中毕业生",
            school_year.0,
            school_year.0 + 1,
            args.year
        );
    }
    let snapshot = store.year_snapshot(school_year)?;
    let bytes = workbook::admission_template_xlsx(&snapshot, args.year).context("无法生成录取数据模板")?;
    write_file(&args.out, &bytes)?;
    println!(
        "已写出 {}：按 {}—{} 学年登记数据列出初中毕业生与高中学位；请填写考生姓名、成绩、志愿，并标出指标校",
        args.out.display(),
        school_year.0,
        school_year.0 + 1
    );
    Ok(ExitCode::SUCCESS)
}

/// Written beside (`…xlsx.partial`) and renamed: never a half-written
/// workbook under the name asked for.
fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if path.is_dir() {
        bail!("无法写入 {}：这是一个目录，请给出文件名", path.display());
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let written = std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(error).with_context(|| format!("无法写入 {}", path.display()));
    }
    Ok(())
}

fn runs(db: &DatabaseUrl) -> anyhow::Result<ExitCode> {
    let store = crate::open_existing_store(db)?;
    let runs = store.admission_runs()?;
    if runs.is_empty() {
        println!("数据库 {db} 中还没有保存的录取结果（edugov admission run … --save）");
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(vec![
        "编号",
        "年份",
        "名称",
        "政策",
        "录取数据",
        "重做自",
        "时间",
        "制作人",
        "考生",
        "录取",
    ]);
    for r in &runs {
        table.add_row(vec![
            r.id.to_string(),
            r.year.to_string(),
            r.label.clone(),
            r.policy_name.clone(),
            r.inputs.to_string(),
            r.previous.map(|p| p.to_string()).unwrap_or_default(),
            r.made_at.format("%Y-%m-%d %H:%M").to_string(),
            r.made_by.clone(),
            r.candidates.to_string(),
            r.placed.to_string(),
        ]);
    }
    right_align(&mut table, &[0, 1, 4, 5, 8, 9]);
    println!("{table}");
    Ok(ExitCode::SUCCESS)
}

fn right_align(table: &mut Table, columns: &[usize]) {
    for c in columns {
        if let Some(column) = table.column_mut(*c) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
}

fn percent(n: u32, of: u32) -> String {
    if of == 0 {
        "—".into()
    } else {
        format!("{:.1}%", f64::from(n) * 100.0 / f64::from(of))
    }
}

fn summary_text(s: &Summary) -> String {
    format!(
        "考生 {}，录取 {}（{}；指标生 {}，统招 {}），未录取 {}；第一志愿录取 {}；\n农村考生 {} 人，进入优质高中 {}（{}；全体 {}）；指标代价 {} 人\n",
        s.candidates,
        s.placed,
        percent(s.placed, s.candidates),
        s.placed_quota,
        s.placed_open,
        s.unplaced,
        s.first_choice,
        s.rural_candidates,
        s.rural_in_quality,
        percent(s.rural_in_quality, s.rural_candidates),
        percent(s.in_quality, s.candidates),
        s.quota_cost_text()
    )
}

/// Each school's seats and cutoffs (the 各校分数线 sheet's main columns).
fn cutoff_table(inputs: &Inputs, outcome: &Outcome) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(vec![
        "学校标识码",
        "学校名称",
        "招生计划",
        "指标生计划",
        "指标生录取",
        "指标转统招",
        "统招计划",
        "统招录取",
        "剩余",
        "指标生最低分",
        "统招分数线",
    ]);
    for s in &outcome.schools {
        let Some(school) = inputs.senior_schools.get(s.school as usize) else {
            continue;
        };
        let cut = |c: &Option<admission::Cutoff>| c.as_ref().map(|c| c.score.to_string()).unwrap_or_default();
        table.add_row(vec![
            school.code.to_string(),
            school.name.clone(),
            s.seats.to_string(),
            s.quota_seats.to_string(),
            s.quota_admitted.to_string(),
            s.quota_returned.to_string(),
            s.open_seats.to_string(),
            s.open_admitted.to_string(),
            s.seats_left.to_string(),
            cut(&s.quota_cutoff),
            cut(&s.open_cutoff),
        ]);
    }
    right_align(&mut table, &[2, 3, 4, 5, 6, 7, 8, 9, 10]);
    format!("{table}\n")
}

/// Who moved between two runs (examination numbers masked unless asked);
/// the first 200 rows, then a count.
fn changes_table(inputs: &Inputs, before: &Inputs, changes: &[Change], masked: bool) -> String {
    const SHOWN: usize = 200;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(vec!["准考证号", "原录取", "现录取"]);
    // The school's name as the newer inputs (or else the older) call it.
    let name = |code: &registry::SchoolCode| {
        inputs
            .senior_schools
            .iter()
            .chain(&before.senior_schools)
            .find(|s| &s.code == code)
            .map_or_else(|| code.to_string(), |s| s.name.clone())
    };
    let placed = |p: &Option<(registry::SchoolCode, admission::Round)>| match p {
        Some((code, round)) => format!("{}（{}）", name(code), round.label_zh()),
        None => "未录取".to_owned(),
    };
    for c in changes.iter().take(SHOWN) {
        table.add_row(vec![
            if masked {
                mask_candidate_id(&c.candidate.0)
            } else {
                c.candidate.0.clone()
            },
            placed(&c.before),
            placed(&c.after),
        ]);
    }
    let mut out = format!("{table}\n");
    if changes.len() > SHOWN {
        out.push_str(&format!("…… 另有 {} 人\n", changes.len() - SHOWN));
    }
    out
}
