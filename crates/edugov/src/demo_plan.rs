//! The demo city's work plan written through `store::PlanStore` only, as a
//! user's steps would be: the plan, its projects, then every step of the
//! script — reports filed and decided, supervision steps decided by
//! `plans::supervision::decide` on the task's fresh history, so the demo
//! obeys the same rules as the web.
//!
//! Re-running: a plan for the demo's city and year that already has
//! reports is kept as it is (its history is append-only; a second script
//! would duplicate it) — `save_plan` and `save_projects` are not even
//! called then. A plan without reports (a run stopped half-way) is written
//! again: both upsert by 序号 and 项目编号.

use anyhow::{anyhow, Context};
use demo::plan::{Action, DemoPlan, Evidence, ScriptStep};
use plans::report::{check, check_decision};
use plans::{supervision, DocumentKind, NewReport, Plan, PlanId, ReportStatus, State, Task};
use store::plans::NewDocument;
use store::PlanStore;

/// What writing the demo plan did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// Written: the plan, how many projects, reports and supervision steps.
    Written {
        plan: PlanId,
        tasks: usize,
        projects: usize,
        reports: usize,
        steps: usize,
    },
    /// The plan already had reports: left as it was.
    Kept { plan: PlanId },
}

pub fn write<S: PlanStore + ?Sized>(store: &mut S, demo: &DemoPlan) -> anyhow::Result<Written> {
    let existing = store
        .plans()?
        .into_iter()
        .find(|p| p.city == demo.spec.city && p.year == demo.spec.year);
    if let Some(header) = existing {
        if !store.plan_reports(header.id)?.is_empty() {
            return Ok(Written::Kept { plan: header.id });
        }
    }
    let actor = demo::plan::ADMIN;
    let saved = store
        .save_plan(&demo.spec, actor, demo.written)
        .context("写入演示工作计划失败")?;
    let plan = store
        .plan(saved.plan)?
        .ok_or_else(|| anyhow!("演示工作计划写入后读不到（编号 {}）", saved.plan))?;
    store
        .save_projects(&demo.projects, actor, demo.projects_entered)
        .context("写入演示建设项目失败")?;
    let (mut reports, mut steps) = (0, 0);
    for step in &demo.script {
        let task = task(&plan, step)?;
        match &step.action {
            Action::File { .. } => reports += 1,
            Action::Supervise { .. } => steps += 1,
            Action::Decide { .. } => {}
        }
        play(store, task, step)
            .with_context(|| format!("演示工作计划第 {} 项任务的进展写入失败", task.spec.seq))?;
    }
    Ok(Written::Written {
        plan: plan.header.id,
        tasks: plan.tasks.len(),
        projects: demo.projects.len(),
        reports,
        steps,
    })
}

fn task<'a>(plan: &'a Plan, step: &ScriptStep) -> anyhow::Result<&'a Task> {
    plan.tasks
        .iter()
        .find(|t| t.spec.seq == step.seq)
        .ok_or_else(|| anyhow!("演示工作计划没有序号为 {} 的任务", step.seq))
}

fn play<S: PlanStore + ?Sized>(store: &mut S, task: &Task, step: &ScriptStep) -> anyhow::Result<()> {
    match &step.action {
        Action::File {
            county,
            period,
            text,
            value,
            reporter,
            evidence,
        } => {
            let report = NewReport {
                task: task.id,
                county: county.clone(),
                period: period.clone(),
                text: text.clone(),
                value: *value,
                documents: Vec::new(),
                reporter: reporter.clone(),
                at: step.at,
            };
            check(&report, &task.spec.measure)?;
            let documents: Vec<NewDocument<'_>> = evidence.iter().map(document).collect();
            store.file_report(&report, &documents)?;
        }
        Action::Decide {
            county,
            period,
            reviewer,
            decision,
        } => {
            let report = store
                .reports(task.id)?
                .into_iter()
                .rev()
                .find(|r| {
                    &r.report.county == county
                        && &r.report.period == period
                        && r.status == ReportStatus::Submitted
                })
                .ok_or_else(|| anyhow!("没有待审核的 {period} 进展报告"))?;
            check_decision(&report, reviewer, decision)?;
            store.decide_report(report.id, decision, reviewer, step.at)?;
        }
        Action::Supervise { actor, step: s } => {
            let state = State::of(&store.events(task.id)?);
            let event = supervision::decide(task.id, task.spec.deadline, &state, actor, s.clone(), step.at)?;
            store.append_event(&event, state.last)?;
        }
    }
    Ok(())
}

fn document(e: &Evidence) -> NewDocument<'_> {
    NewDocument {
        name: &e.name,
        kind: DocumentKind::Pdf,
        bytes: &e.bytes,
    }
}
