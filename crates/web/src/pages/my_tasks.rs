//! 我的任务 (`/my-tasks`): the parts a principal reports for — a county
//! officer's county's part of every task assigned to it, a city
//! administrator's lead-unit part of every task — unfinished first and
//! soonest due first, with the reports sent back to correct (and why).
//! Read from the latest plan's `plans::Ledger`.

use std::sync::Arc;

use axum::extract::State;
use maud::{html, Markup};
use plans::{Assessment, ReportStatus, TaskRow};
use registry::AreaCode;

use crate::auth::{area_name, Ctx};
use crate::error::WebError;
use crate::i18n::{t, Msg};
use crate::layout::{forbidden, page};
use crate::pages::plans::{deadline_cell, listing_text, load, report_status, status_badge};
use crate::state::AppState;

/// `GET /my-tasks`.
pub async fn my_tasks(State(state): State<Arc<AppState>>, ctx: Ctx) -> Result<Markup, WebError> {
    let p = &ctx.principal;
    // Whose part is reported here: the county's, or (the city) the lead unit's.
    let mine: Option<AreaCode> = match &p.scope {
        access::Scope::County { county } => Some(county.clone()),
        _ => None,
    };
    if !p.can_view_plans() || !(p.can_report(mine.as_ref(), mine.as_slice())) {
        return Err(forbidden(&ctx));
    }
    let lang = ctx.lang;
    let loaded = load(&state, &ctx, None).await?;
    let Some(ledger) = loaded.ledger else {
        let body = html! { h1 { (t(lang, Msg::MyTasks)) } p.muted #no-plan { (t(lang, Msg::NoPlan)) } };
        return Ok(page(&ctx, t(lang, Msg::MyTasks), body));
    };
    let mut items: Vec<(&TaskRow, &Assessment)> = ledger
        .rows
        .iter()
        .filter_map(|row| match &mine {
            Some(c) => row.county(c).map(|part| (row, &part.assessment)),
            None => Some((row, &row.whole)),
        })
        .collect();
    items.sort_by_key(|(row, a)| (a.deadline, row.task.position));
    // What is still to do first; achieved or closed out below it.
    let (done, due): (Vec<_>, Vec<_>) = items.into_iter().partition(|(_, a)| a.finished);
    let returned: Vec<&plans::ProgressReport> = loaded
        .reports
        .iter()
        .filter(|r| r.status == ReportStatus::Returned && r.report.county == mine)
        .collect();
    let body = html! {
        h1 { (t(lang, Msg::MyTasks)) " · " @match &mine { Some(c) => (area_name(c)), None => (t(lang, Msg::LeadUnitPart)) } }
        p.muted { (ledger.plan.title) }
        @if !returned.is_empty() {
            h2 #to-correct { (t(lang, Msg::ReportsToCorrect)) " (" (returned.len()) ")" }
            ul.returned { @for r in &returned {
                @if let Some(row) = ledger.row(r.report.task) {
                    li { a href={ "/tasks/" (row.task.id) "#report-form" } { (row.task.spec.seq) " " (row.task.spec.text) }
                        " · " (plans::report::period_label_zh(&r.report.period)) " · "
                        span.return-reason { (t(lang, Msg::Reason)) "：" (r.reason.clone().unwrap_or_default()) } }
                }
            } }
        }
        h2 { (t(lang, Msg::TasksDue)) " (" (due.len()) ")" }
        @if due.is_empty() { p.muted #nothing-due { (t(lang, Msg::NothingDue)) } } @else { (tasks_table(lang, "my-tasks", &due, mine.as_ref())) }
        @if !done.is_empty() {
            h2 { (t(lang, Msg::TasksDone)) " (" (done.len()) ")" }
            (tasks_table(lang, "my-tasks-done", &done, mine.as_ref()))
        }
    };
    Ok(page(&ctx, t(lang, Msg::MyTasks), body))
}

/// The tasks of one list: deadline, task, status, listing, latest report.
fn tasks_table(
    lang: crate::i18n::Lang,
    id: &str,
    items: &[(&TaskRow, &Assessment)],
    mine: Option<&AreaCode>,
) -> Markup {
    html! {
        div.table-wrap { table id=(id) {
            thead { tr {
                th { (t(lang, Msg::Deadline)) } th { (t(lang, Msg::Task)) } th { (t(lang, Msg::Status)) }
                th { (t(lang, Msg::Listing)) } th { (t(lang, Msg::LatestReport)) }
            } }
            tbody { @for (row, a) in items {
                @let part = mine.and_then(|c| row.county(c));
                tr data-task=(row.task.id) {
                    td { (deadline_cell(lang, a)) }
                    td { a href={ "/tasks/" (row.task.id) } { (row.task.spec.seq) " " (row.task.spec.text) } }
                    td { (status_badge(lang, a)) }
                    td { (listing_text(lang, part.and_then(|p| p.listing.as_ref()).or_else(|| row.state.listings.iter().find(|l| l.county.is_none())))) }
                    td { (report_status(lang, match part { Some(p) => p.latest_report, None => row.lead_report })) }
                }
            } }
        } }
    }
}
