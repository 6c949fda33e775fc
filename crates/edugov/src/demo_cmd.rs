//! `edugov demo`: fills the database with the synthetic demo city. The next
//! school year is generated on a second thread while the current one is
//! written, so the two cores both work. Last, the next year's 中考 admission:
//! its inputs and two runs (指标到校 50 % and 60 %), so a run is one click and
//! the comparison is ready.

use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Instant;

use anyhow::{anyhow, Context};
use registry::{ChangeSet, SchoolYear};
use store::{ApplyOptions, ApplyOutcome, AuditAction, AuditLine};

#[derive(clap::Args)]
pub struct DemoArgs {
    /// Size relative to the real city (1.0 ≈ 1.3 million students; 0.01 for a quick look)
    #[arg(long, default_value_t = 1.0)]
    pub(crate) scale: f64,
    /// Random seed: the same seed gives the same city
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// The day the demo work plan's deadlines and steps are placed from
    /// (YYYY-MM-DD; default today): its plan year is this day's year minus six months
    #[arg(long)]
    pub(crate) today: Option<chrono::NaiveDate>,
}

pub fn run(db: &store::DatabaseUrl, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let config = demo::DemoConfig {
        scale: args.scale,
        seed: args.seed,
        ..demo::DemoConfig::default()
    };
    let city = demo::DemoCity::generate(&config)?;
    let years: Vec<SchoolYear> = city.school_years().into_iter().collect();
    let mut store = crate::open_store(db)?;
    store.clear_registry()?;
    eprintln!(
        "生成演示城市（合成数据，非官方统计）：济南市，规模 {}，种子 {}，学年 {}—{} → {}",
        args.scale,
        args.seed,
        years.first().map(|y| y.0).unwrap_or_default(),
        years.last().map(|y| y.0).unwrap_or_default(),
        db
    );

    // The audit line and the demo's mark (the web's banner 演示数据，非官方统计)
    // go with the last year's write: they exist if and only if the whole
    // city was written. `clear_registry` above took any earlier mark away.
    let (actor, detail) = (
        crate::files::actor(),
        format!("scale={} seed={}", args.scale, args.seed),
    );
    let options = |year: SchoolYear| {
        let last = Some(&year) == years.last();
        ApplyOptions {
            audit: last.then(|| AuditLine {
                actor: &actor,
                action: AuditAction::Demo,
                detail: &detail,
            }),
            mark_demo: last,
            ..ApplyOptions::default()
        }
    };
    let (sender, receiver) = mpsc::sync_channel::<(SchoolYear, ChangeSet)>(1);
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let city = &city;
        let years = &years;
        scope.spawn(move || {
            for year in years {
                if sender.send((*year, city.school_year(*year))).is_err() {
                    break; // the writer stopped on an error
                }
            }
        });
        for (year, changes) in receiver {
            let bar = crate::progress::bar(changes.len() as u64, &year.to_string());
            let outcome = store
                .apply(&changes, options(year), &mut |done, _| bar.set_position(done))
                .with_context(|| format!("写入 {} 失败", year.label_zh()))?;
            bar.finish_and_clear();
            match outcome {
                ApplyOutcome::Committed(c) => eprintln!(
                    "  {}：学校 {}，班级 {}，学生 {}，教师 {}（累计 {:.1} 秒）",
                    year.label_zh(),
                    c.schools,
                    c.classes,
                    c.students,
                    c.teachers,
                    started.elapsed().as_secs_f64()
                ),
                ApplyOutcome::Rejected(m) => return Err(anyhow!("演示数据班额不一致（{} 个班）", m.len())),
            }
        }
        Ok(())
    })?;
    // The work plan after the registry: its projects name the city's
    // schools, and putting one into use adds seats to its school.
    let today = args.today.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let plan = city.work_plan(today);
    match crate::demo_plan::write(&mut *store, &plan)? {
        crate::demo_plan::Written::Written {
            tasks,
            projects,
            reports,
            steps,
            ..
        } => eprintln!(
            "  工作计划：{}，任务 {tasks} 项，建设项目 {projects} 个，进展报告 {reports} 份，督办步骤 {steps} 步（以 {today} 为今天）",
            plan.spec.title
        ),
        crate::demo_plan::Written::Kept { .. } => eprintln!(
            "  工作计划：{} 已有进展报告，保留原样未重写（督办记录只增不改）",
            plan.spec.title
        ),
    }
    // The schools opened from projects in 2020–2024: putting their projects
    // into use added their seats once more (or, when the projects were kept
    // from an earlier run, not at all); writing their records again makes
    // their seats the generator's, each seat counted once.
    let opened = ChangeSet {
        schools: city.opened_schools(),
        ..ChangeSet::default()
    };
    if !opened.schools.is_empty() {
        store
            .apply(&opened, ApplyOptions::default(), &mut |_, _| {})
            .context("写入新开办学校的学位失败")?;
    }
    write_admission(&mut *store, &city, &actor)?;
    eprintln!("完成：{:.1} 秒", started.elapsed().as_secs_f64());
    if let Some(latest) = years.last() {
        crate::summary::print_summary(&store, *latest)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The demo's admission: the inputs version of the year after the last
/// school year and two runs on it, under the demo policy at 50 % and 60 %.
/// Inputs and runs are immutable versions: a second `edugov demo` adds new
/// ones beside the old.
fn write_admission(store: &mut dyn store::Store, city: &demo::DemoCity, actor: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    let inputs = city.admission_inputs();
    let at = chrono::Utc::now().naive_utc();
    let label = format!("{}年中考录取（演示）", inputs.year);
    let id = store
        .save_admission_inputs(&inputs, &label, None, actor, at)
        .context("保存演示录取数据失败")?;
    let mut placed = Vec::new();
    let mut outcomes = Vec::new();
    for percent in [50u64, 60] {
        let policy = admission::Policy::demo_city(admission::Ratio {
            num: percent,
            den: 100,
        });
        let outcome =
            admission::run(&inputs, &policy).with_context(|| format!("演示录取（{}）失败", policy.name))?;
        store
            .save_admission_run(
                id,
                &format!("{label} {}", policy.name),
                None,
                &policy,
                &outcome,
                actor,
                at,
            )
            .with_context(|| format!("保存演示录取结果（{}）失败", policy.name))?;
        let summary = admission::summarize(&inputs, &policy, &outcome);
        placed.push(format!(
            "{}：录取 {}（指标生 {}），农村考生进优质高中 {}，指标代价 {} 人",
            policy.name, summary.placed, summary.placed_quota, summary.rural_in_quality, summary.quota_cost
        ));
        outcomes.push(outcome);
    }
    // Who moves between the two policies: the comparison a bureau opens first.
    let moved = match outcomes.as_slice() {
        [a, b] => admission::changes((&inputs, a), (&inputs, b)).len(),
        _ => 0,
    };
    eprintln!(
        "  中考录取：考生 {}，高中 {}，初中 {}；{}；两种政策间录取结果不同 {} 人（{:.1} 秒）",
        inputs.candidates.len(),
        inputs.senior_schools.len(),
        inputs.junior_schools.len(),
        placed.join("；"),
        moved,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
