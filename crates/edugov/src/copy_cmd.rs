//! `edugov copy --from SRC --to DST`: a whole database moved between
//! backends (SQLite → PostgreSQL and back, or file to file) through the
//! store's traits only, then checked; and `edugov compare A B`, the same
//! check alone (after a restore, say).
//!
//! What is carried: schools, each school year's facilities, classes,
//! students with their enrolments, teachers with their posts and
//! population, births, the demo mark (one `apply` per school year, each one
//! transaction), users with their password hashes (`restore_user`),
//! transfer requests with their decisions (`restore_transfer`), the audit
//! log at its original times (`record_audit`), and work plans with their
//! tasks, evidence documents, progress reports, the tasks' append-only
//! history and construction projects, with their ids, times and statuses
//! (`PlanStore::restore_*`; a project's seats are already in its school's
//! copied seats, and none is added again), and stored forecast runs with
//! their ids (`ForecastStore::restore_forecast_run`), and admission inputs
//! versions, their sign-offs and runs with their ids
//! (`AdmissionStore::restore_admission_*`). Areas are seeded by
//! each backend's migrations. Not carried: sessions (everyone signs in
//! again) and failed logins (throttling starts afresh), nor the snapshot
//! cache (rebuilt on demand).
//!
//! The check: the rows of every carried table (`Maintenance::row_counts`)
//! and the whole indicator catalogue, every value of every place, stage,
//! grade and year, computed from each side.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{anyhow, bail, Context};
use registry::{ChangeSet, SchoolYear};
use store::accounts::AuditQuery;
use store::prelude::*;
use store::{ApplyOptions, ApplyOutcome, AuditAction, DatabaseUrl, TransferQuery};

#[derive(clap::Args)]
pub struct CopyArgs {
    /// The database to copy: a SQLite file or a postgres:// URL
    #[arg(long, value_parser = crate::parse_db)]
    from: DatabaseUrl,
    /// The database to fill; it must be empty (a new file, or a new PostgreSQL database)
    #[arg(long, value_parser = crate::parse_db)]
    to: DatabaseUrl,
}

#[derive(clap::Args)]
pub struct CompareArgs {
    /// One database (a SQLite file or a postgres:// URL)
    #[arg(value_parser = crate::parse_db)]
    first: DatabaseUrl,
    /// The other
    #[arg(value_parser = crate::parse_db)]
    second: DatabaseUrl,
}

pub fn copy(args: CopyArgs) -> anyhow::Result<ExitCode> {
    if args.from == args.to {
        bail!("来源和目标是同一个数据库（{}）", args.from);
    }
    let started = Instant::now();
    let mut from = crate::open_existing_store(&args.from)?;
    let mut to = crate::open_store(&args.to)?;
    refuse_unless_empty(&*to, &args.to)?;
    eprintln!(
        "复制 {}（{}）→ {}（{}）",
        args.from,
        from.backend().name(),
        args.to,
        to.backend().name()
    );
    copy_registry(&mut *from, &mut *to)?;
    let users = copy_accounts(&*from, &mut *to)?;
    eprintln!(
        "  账号 {}，转学申请 {}，审计记录 {}（不复制：登录会话、登录失败记录）",
        users.0, users.1, users.2
    );
    let plans = copy_plans(&*from, &mut *to)?;
    eprintln!(
        "  工作要点 {}，督办记录 {}，进展报告 {}，佐证材料 {}，建设项目 {}",
        plans.plans, plans.events, plans.reports, plans.documents, plans.projects
    );
    let runs = copy_forecast_runs(&*from, &mut *to)?;
    eprintln!("  学位预测记录 {runs}");
    let admission = copy_admission(&*from, &mut *to)?;
    eprintln!(
        "  招生录取数据 {} 版，学校确认 {}，录取结果 {}",
        admission.0, admission.1, admission.2
    );
    eprintln!("写入完成：{:.1} 秒；核对中……", started.elapsed().as_secs_f64());
    let same = check(&mut *from, &mut *to, &args.from, &args.to)?;
    eprintln!("共 {:.1} 秒", started.elapsed().as_secs_f64());
    Ok(if same {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub fn compare(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let mut first = crate::open_existing_store(&args.first)?;
    let mut second = crate::open_existing_store(&args.second)?;
    let same = check(&mut *first, &mut *second, &args.first, &args.second)?;
    Ok(if same {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A copy goes only into an empty database: merging two registries is an
/// import's work, and the check afterwards compares whole databases.
fn refuse_unless_empty(to: &dyn Store, url: &DatabaseUrl) -> anyhow::Result<()> {
    let filled: Vec<String> = to
        .row_counts()?
        .into_iter()
        // Areas are seeded by the migrations of every new database.
        .filter(|(table, n)| *n > 0 && table != "area")
        .map(|(table, n)| format!("{table} {n} 行"))
        .collect();
    if !filled.is_empty() {
        bail!(
            "目标数据库 {url} 不是空的（{}）：只能复制到新建的空数据库，以免两份数据混在一起",
            filled.join("，")
        );
    }
    Ok(())
}

/// Schools and births with the first school year, then one change set a
/// year: each `apply` is one transaction. The demo mark goes with the last.
fn copy_registry(from: &mut dyn Store, to: &mut dyn Store) -> anyhow::Result<()> {
    let years = from.school_years()?;
    let demo = from.holds_demo_city()?;
    let mut first = ChangeSet {
        schools: from.schools()?,
        births: from.births()?,
        ..ChangeSet::default()
    };
    if years.is_empty() {
        let options = ApplyOptions {
            mark_demo: demo,
            ..ApplyOptions::default()
        };
        write(to, &first, options, "学校")?;
        return Ok(());
    }
    for (i, year) in years.iter().enumerate() {
        let mut changes = std::mem::take(&mut first);
        read_year(&*from, *year, &mut changes).with_context(|| format!("读取 {} 失败", year.label_zh()))?;
        let options = ApplyOptions {
            mark_demo: demo && i + 1 == years.len(),
            ..ApplyOptions::default()
        };
        let counts = write(to, &changes, options, &year.to_string())
            .with_context(|| format!("写入 {} 失败", year.label_zh()))?;
        eprintln!(
            "  {}：学校 {}，班级 {}，学生 {}，教师 {}",
            year.label_zh(),
            counts.schools,
            counts.classes,
            counts.students,
            counts.teachers
        );
    }
    Ok(())
}

fn read_year(from: &dyn Store, year: SchoolYear, changes: &mut ChangeSet) -> store::Result<()> {
    changes.facilities = from.facilities(year)?;
    changes.classes = from.classes(year)?;
    from.for_each_student(year, &mut |student, enrolment| {
        changes.students.push((student, enrolment))
    })?;
    changes.teachers = from.teachers(year)?;
    changes.population = from.population(year)?;
    Ok(())
}

fn write(
    to: &mut dyn Store,
    changes: &ChangeSet,
    options: ApplyOptions<'_>,
    label: &str,
) -> anyhow::Result<store::ApplyCounts> {
    let bar = crate::progress::bar(changes.len() as u64, label);
    let outcome = to.apply(changes, options, &mut |done, _| bar.set_position(done))?;
    bar.finish_and_clear();
    match outcome {
        ApplyOutcome::Committed(counts) => Ok(counts),
        // Class sizes are not checked on a copy, so this cannot come back.
        ApplyOutcome::Rejected(m) => Err(anyhow!("目标数据库拒绝了 {} 个班的班额", m.len())),
    }
}

/// Users (active first: the last active city administrator cannot be
/// disabled), transfer requests and the audit log, oldest first so that
/// their order is kept. Returns how many of each.
fn copy_accounts(from: &dyn Store, to: &mut dyn Store) -> anyhow::Result<(usize, usize, usize)> {
    let mut users = from.users()?;
    users.sort_by_key(|u| !u.active);
    for user in &users {
        to.restore_user(user)
            .with_context(|| format!("写入账号“{}”失败", user.username))?;
    }
    let mut transfers = from.transfers(&TransferQuery {
        limit: u32::MAX,
        ..TransferQuery::default()
    })?;
    transfers.reverse();
    let bar = crate::progress::bar(transfers.len() as u64, "转学申请");
    for request in &transfers {
        to.restore_transfer(request)
            .with_context(|| format!("写入转学申请 {} 失败", request.id))?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mut audit = from
        .audit_log(&AuditQuery {
            limit: u64::MAX,
            ..AuditQuery::default()
        })?
        .entries;
    audit.reverse();
    let bar = crate::progress::bar(audit.len() as u64, "审计记录");
    for entry in &audit {
        let action = AuditAction::from_code(&entry.action).ok_or_else(|| {
            anyhow!(
                "审计记录 {} 的操作“{}”本程序不认识，请先升级 edugov",
                entry.id,
                entry.action
            )
        })?;
        to.record_audit(entry.at, &entry.actor, action, &entry.detail)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok((users.len(), transfers.len(), audit.len()))
}

/// How many of each plan record a copy wrote.
struct PlansCopied {
    plans: usize,
    events: usize,
    reports: usize,
    documents: usize,
    projects: usize,
}

/// Plans with their tasks, then documents (one at a time: each holds up to
/// 20 MB), reports and each plan's history (events refer to reports),
/// then projects — all with their ids, so the references between them hold.
fn copy_plans(from: &dyn Store, to: &mut dyn Store) -> anyhow::Result<PlansCopied> {
    let headers = from.plans()?;
    for header in &headers {
        let plan = from
            .plan(header.id)?
            .ok_or_else(|| anyhow!("工作要点 {} 在复制中消失了", header.id))?;
        to.restore_plan(&plan)
            .with_context(|| format!("写入工作要点“{}”失败", header.title))?;
    }
    let documents = from.documents()?;
    let bar = crate::progress::bar(documents.len() as u64, "佐证材料");
    for info in &documents {
        let (_, bytes) = from
            .document(info.id)?
            .ok_or_else(|| anyhow!("佐证材料 {} 在复制中消失了", info.id))?;
        to.restore_document(info, &bytes)
            .with_context(|| format!("写入佐证材料“{}”失败", info.name))?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let (mut reports, mut events) = (0, 0);
    for header in &headers {
        for report in from.plan_reports(header.id)? {
            to.restore_report(&report)
                .with_context(|| format!("写入进展报告 {} 失败", report.id))?;
            reports += 1;
        }
        let history = from.plan_events(header.id)?;
        to.restore_events(&history)
            .with_context(|| format!("写入工作要点“{}”的督办记录失败", header.title))?;
        events += history.len();
    }
    let projects = from.projects()?;
    to.restore_projects(&projects).context("写入建设项目失败")?;
    Ok(PlansCopied {
        plans: headers.len(),
        events,
        reports,
        documents: documents.len(),
        projects: projects.len(),
    })
}

/// Stored forecast runs with their ids, oldest first, one at a time (each
/// may be some MB).
fn copy_forecast_runs(from: &dyn Store, to: &mut dyn Store) -> anyhow::Result<usize> {
    let mut runs = from.forecast_runs()?;
    runs.reverse();
    for summary in &runs {
        let run = from
            .forecast_run(summary.id)?
            .ok_or_else(|| anyhow!("学位预测记录 {} 读取时已不存在", summary.id))?;
        to.restore_forecast_run(summary.id, &run)
            .with_context(|| format!("写入学位预测记录 {} 失败", summary.id))?;
    }
    Ok(runs.len())
}

/// Admission inputs versions (each with its sign-offs) and runs with their
/// ids, oldest first, one body at a time (a province's is some 100 MB); a
/// version before the one that corrects it, a run after its inputs and the
/// run it re-does. Returns (versions, sign-offs, runs).
fn copy_admission(from: &dyn Store, to: &mut dyn Store) -> anyhow::Result<(usize, usize, usize)> {
    let mut versions = from.admission_inputs_list()?;
    versions.sort_by_key(|v| v.id);
    let mut sign_offs = 0;
    for version in &versions {
        let inputs = from
            .admission_inputs(version.id)?
            .ok_or_else(|| anyhow!("招生录取数据 {} 读取时已不存在", version.id))?;
        to.restore_admission_inputs(version, &inputs)
            .with_context(|| format!("写入招生录取数据 {} 失败", version.id))?;
        for sign_off in from.admission_sign_offs(version.id)? {
            to.restore_admission_sign_off(&sign_off).with_context(|| {
                format!(
                    "写入学校 {} 对录取数据 {} 的确认失败",
                    sign_off.school, version.id
                )
            })?;
            sign_offs += 1;
        }
    }
    let mut runs = from.admission_runs()?;
    runs.sort_by_key(|r| r.id);
    for summary in &runs {
        let run = from
            .admission_run(summary.id)?
            .ok_or_else(|| anyhow!("录取结果 {} 读取时已不存在", summary.id))?;
        to.restore_admission_run(&run)
            .with_context(|| format!("写入录取结果 {} 失败", summary.id))?;
    }
    Ok((versions.len(), sign_offs, runs.len()))
}

/// Prints the row counts of both databases side by side and whether the
/// indicator catalogues agree; true when everything does.
fn check(
    first: &mut dyn Store,
    second: &mut dyn Store,
    first_url: &DatabaseUrl,
    second_url: &DatabaseUrl,
) -> anyhow::Result<bool> {
    let a: BTreeMap<String, u64> = first.row_counts()?.into_iter().collect();
    let b: BTreeMap<String, u64> = second.row_counts()?.into_iter().collect();
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(vec![
        "表".to_owned(),
        format!("{}（{}）", first_url, first.backend().name()),
        format!("{}（{}）", second_url, second.backend().name()),
        "结果".to_owned(),
    ]);
    let mut same = true;
    let tables: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let order = first
        .row_counts()?
        .into_iter()
        .map(|(t, _)| t)
        .collect::<Vec<_>>();
    let mut names: Vec<&String> = tables.into_iter().collect();
    names.sort_by_key(|t| order.iter().position(|o| o == *t).unwrap_or(usize::MAX));
    for name in names {
        let (x, y) = (a.get(name), b.get(name));
        let equal = x == y;
        same &= equal;
        let show = |n: Option<&u64>| n.map_or_else(|| "—".to_owned(), u64::to_string);
        table.add_row(vec![
            name.clone(),
            show(x),
            show(y),
            if equal { "相同" } else { "不同" }.to_owned(),
        ]);
    }
    println!("{table}");
    println!("（登录会话和登录失败记录不复制，不在此列）");

    let started = Instant::now();
    let catalogue_a = catalogue(first).context("无法计算来源的指标")?;
    let catalogue_b = catalogue(second).context("无法计算目标的指标")?;
    let differences = catalogue_differences(&catalogue_a, &catalogue_b);
    if differences.is_empty() {
        println!(
            "指标目录：{} 个值全部相同（{:.1} 秒）",
            catalogue_a.len(),
            started.elapsed().as_secs_f64()
        );
    } else {
        same = false;
        println!("指标目录：{} 个值不同，例如：", differences.len());
        for key in differences.iter().take(10) {
            println!("  {key}：{:?} ≠ {:?}", catalogue_a.get(key), catalogue_b.get(key));
        }
    }
    println!(
        "{}",
        if same {
            "核对通过：两个数据库一致"
        } else {
            "核对未通过"
        }
    );
    Ok(same)
}

/// One indicator value: numerator, denominator, value, not applicable,
/// schools behind it.
type Figure = (f64, Option<f64>, Option<f64>, bool, u32);

/// The whole catalogue (every level, by grade too) for every school year,
/// keyed by indicator, stage, grade, level, year and place.
fn catalogue(store: &dyn Store) -> anyhow::Result<BTreeMap<String, Figure>> {
    let snapshots = store
        .school_years()?
        .into_iter()
        .map(|year| store.year_snapshot(year))
        .collect::<Result<Vec<_>, _>>()?;
    let computed = indicators::Computed::new(&snapshots, indicators::Rules::default());
    let values = computed.values(&indicators::Query {
        by_grade: true,
        ..indicators::Query::default()
    });
    Ok(values
        .iter()
        .map(|v| {
            let place = computed.place(v).map_or("?", |p| p.code.as_str());
            let key = format!(
                "{} {:?} {:?} {:?} {} {}",
                v.indicator.code,
                v.stage,
                v.grade,
                v.level,
                computed.school_year(v),
                place
            );
            (
                key,
                (v.numerator, v.denominator, v.value, v.not_applicable, v.schools),
            )
        })
        .collect())
}

/// Keys whose figures differ (or exist on one side only). Sums of the same
/// rows read in another order may differ in the last bit, so numbers agree
/// within a relative 1e-9.
fn catalogue_differences(a: &BTreeMap<String, Figure>, b: &BTreeMap<String, Figure>) -> Vec<String> {
    let close = |x: f64, y: f64| x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs());
    let close_opt = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => close(x, y),
        (None, None) => true,
        _ => false,
    };
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|key| match (a.get(*key), b.get(*key)) {
            (Some(x), Some(y)) => {
                !(close(x.0, y.0) && close_opt(x.1, y.1) && close_opt(x.2, y.2) && x.3 == y.3 && x.4 == y.4)
            }
            _ => true,
        })
        .cloned()
        .collect()
}
