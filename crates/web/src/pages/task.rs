//! A task's page (`/tasks/{id}`): its measure, its status with the rule
//! that computed it (`Rule::explain_zh`) beside it, every county's part,
//! the supervision state, the history (append-only events: who, when, old
//! and new value, note), the reports with their documents — and the forms
//! the principal may use: file or correct a report with documents, accept
//! or send back a report, escalate 蓝/黄/红, 挂牌督办 a county or the task,
//! ask for / grant / refuse an extension, verify, 销号.
//!
//! Every POST checks the CSRF token, asks `access` (refused: 403, nothing
//! written), checks the step with the domain (`plans::supervision::decide`,
//! `plans::report::check`, `check_decision`: refused with its Chinese
//! message, 400) and writes through `store::PlanStore` — a step appended
//! only if the task's history has not moved since it was read (its `last`
//! event), otherwise 409 and a message to look again. Success redirects
//! back to the task with what was done.
//!
//! `/documents/{id}`: an evidence document, to whoever may see the report
//! it belongs to, as an attachment (never rendered: `nosniff` is on every
//! answer).

use std::sync::Arc;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{Datelike, NaiveDate};
use maud::{html, Markup};
use plans::report::{self as report_rules, ReportError, MAX_DOCUMENTS, MAX_DOCUMENT_BYTES};
use plans::supervision::{decide, SupervisionError};
use plans::{
    Colour, Decision, DocumentId, DocumentInfo, DocumentKind, Event, EventKind, Measure, NewReport,
    ProgressReport, ReportId, ReportStatus, State as Supervision, Step, Task, TaskId,
};
use registry::AreaCode;
use store::plans::NewDocument;
use store::StoreError;

use crate::auth::{area_name, Ctx};
use crate::error::WebError;
use crate::i18n::{t, tf, Lang, Msg};
use crate::layout::{forbidden, page};
use crate::pages::plans::{
    colour_badge, deadline_cell, listing_text, load, measure_en, report_status, status_badge, today,
};
use crate::pages::{beijing_time, vocab};
use crate::state::{AppState, StateError};

/// Largest body of a report's form: its text and a couple of documents
/// (each at most `plans::report::MAX_DOCUMENT_BYTES`).
pub const MAX_REPORT_UPLOAD: usize = 48 * 1024 * 1024;

/// Longest reason or note kept.
const MAX_NOTE: usize = 1_000;

#[derive(serde::Deserialize, Default)]
pub struct TaskParams {
    /// What was just done (an event kind's code), said at the top.
    pub done: Option<String>,
}

/// What the principal may see of a task: the reports of its visible parts,
/// and the steps that are not about another part's reports.
fn visible_report(ctx: &Ctx, r: &ProgressReport) -> bool {
    ctx.principal.can_view_part(r.report.county.as_ref())
}

fn visible_event(ctx: &Ctx, e: &Event, reports: &[ProgressReport]) -> bool {
    let ev = &e.event;
    let part_ok = match &ev.county {
        Some(c) => ctx.principal.can_view_part(Some(c)),
        None => true,
    };
    let report_ok = ev.report.is_none_or(|id| {
        reports
            .iter()
            .find(|r| r.id == id)
            .is_some_and(|r| visible_report(ctx, r))
    });
    // A county's steps (its listing, its extension) are shown to all who see
    // the board; its reports' steps only to who sees its reports.
    (part_ok || ev.report.is_none()) && report_ok
}

/// The parts a principal may report (or ask an extension) for.
fn own_parts(ctx: &Ctx, task: &Task) -> Vec<Option<AreaCode>> {
    let assigned: Vec<AreaCode> = task.spec.counties.iter().map(|a| a.county.clone()).collect();
    let mut parts: Vec<Option<AreaCode>> = vec![None];
    parts.extend(assigned.iter().cloned().map(Some));
    parts
        .into_iter()
        .filter(|p| ctx.principal.can_report(p.as_ref(), &assigned))
        .collect()
}

fn part_name(lang: Lang, county: Option<&AreaCode>) -> String {
    match county {
        Some(c) => area_name(c),
        None => t(lang, Msg::LeadUnitPart).to_owned(),
    }
}

/// The period a report form proposes: this half-year.
fn current_period(today: NaiveDate) -> String {
    let half = if today.month() <= 6 { "H1" } else { "H2" };
    format!("{}-{half}", today.year())
}

/// `GET /tasks/{id}`.
pub async fn task(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(params): Query<TaskParams>,
) -> Result<Markup, WebError> {
    if !ctx.principal.can_view_plans() {
        return Err(forbidden(&ctx));
    }
    let lang = ctx.lang;
    let task_id = TaskId(id);
    let found = state
        .with_store(move |s| {
            let Some(task) = s.task(task_id)? else {
                return Ok(None);
            };
            let events = s.events(task_id)?;
            let reports = s.reports(task_id)?;
            Ok(Some((task, events, reports)))
        })
        .await?;
    let Some((task, events, reports)) = found else {
        return Err(WebError::NotFound);
    };
    let loaded = load(&state, &ctx, Some(task.plan)).await?;
    let ledger = loaded.ledger.ok_or(WebError::NotFound)?;
    let row = ledger.row(task_id).ok_or(WebError::NotFound)?;
    let reports: Vec<ProgressReport> = reports.into_iter().filter(|r| visible_report(&ctx, r)).collect();
    let doc_ids: Vec<DocumentId> = reports
        .iter()
        .flat_map(|r| r.report.documents.iter().copied())
        .collect();
    let documents: Vec<DocumentInfo> = state
        .with_store(move |s| {
            let mut out = Vec::new();
            for id in doc_ids {
                if let Some(info) = s.document_info(id)? {
                    out.push(info);
                }
            }
            Ok(out)
        })
        .await?;
    let all_reports = loaded.reports;
    let history: Vec<&Event> = events
        .iter()
        .filter(|e| visible_event(&ctx, e, &all_reports))
        .collect();
    let p = &ctx.principal;
    let spec = &task.spec;
    let sup = &row.state;
    let csrf = ctx.csrf.clone().unwrap_or_default();
    let parts = own_parts(&ctx, &task);
    let closed = sup.is_closed();
    let today = today();
    let notice = params.done.as_deref().and_then(EventKind::parse).map(|k| {
        html! { p.ok #step-done { (tf(lang, Msg::StepDone, &[&vocab(lang, k.label_zh(), k.label_en())])) } }
    });
    let measure_text = match &spec.measure {
        Measure::Indicator(goal) => {
            let name = indicators::catalogue::find(&goal.indicator)
                .map(|i| vocab(lang, i.name_zh, i.name_en).to_owned())
                .unwrap_or_else(|| goal.indicator.clone());
            let stage = goal
                .stage
                .map(|s| format!("（{}）", s.label_zh()))
                .unwrap_or_default();
            format!(
                "{name}{stage}：{} {}年 → {}年 {}",
                goal.baseline
                    .map(plans::status::number)
                    .unwrap_or_else(|| t(lang, Msg::FromRegistry).to_owned()),
                goal.baseline_year,
                goal.target_year,
                plans::status::number(goal.target),
            )
        }
        Measure::Count(goal) => format!(
            "{}：{} {}",
            goal.counted.label_zh(),
            plans::status::number(goal.target),
            goal.counted.unit()
        ),
        Measure::Milestone => t(lang, Msg::MilestoneMeasure).to_owned(),
    };
    let body = html! {
        p.crumbs { a href={ "/plans/" (task.plan) } { (ledger.plan.title) } " › " (task.section) }
        h1 #task-title { (spec.seq) " " (spec.text) }
        @if let Some(n) = notice { (n) }
        div.task-status #task-status {
            (status_badge(lang, &row.whole))
            @if row.is_listed() { " " span.badge.listed { (t(lang, Msg::Listed)) } }
            @if let Some(c) = sup.colour { " " (colour_badge(lang, c)) }
            @if let Some(at) = sup.closed {
                p.closed-note #closed-note { (tf(lang, Msg::ClosedNote, &[&beijing_time(at), &sup.verified_by.clone().unwrap_or_default()])) }
            }
            p.rule #rule { (row.whole.rule.explain_zh()) }
        }
        dl.task-facts {
            dt { (t(lang, Msg::Measure)) } dd { (vocab(lang, spec.measure.label_zh(), measure_en(&spec.measure))) " · " (measure_text) }
            dt { (t(lang, Msg::Deadline)) } dd { (deadline_cell(lang, &row.whole)) @if row.whole.deadline != spec.deadline { " " span.muted { (tf(lang, Msg::PlannedDeadline, &[&spec.deadline])) } } }
            dt { (t(lang, Msg::TaskSourceLabel)) } dd { (vocab(lang, spec.source.label_zh(), spec.source.label_en())) }
            dt { (t(lang, Msg::LeadUnit)) } dd { (spec.lead_unit) @if !spec.co_units.is_empty() { " · " (t(lang, Msg::CoUnits)) "：" (spec.co_units.join("、")) } }
            @if !spec.leader.is_empty() { dt { (t(lang, Msg::Leader)) } dd { (spec.leader) } }
        }
        @if !row.counties.is_empty() {
            h2 { (t(lang, Msg::CountyParts)) }
            div.table-wrap { table #county-parts {
                thead { tr {
                    th { (t(lang, Msg::County)) } th { (t(lang, Msg::Share)) } th { (t(lang, Msg::Status)) }
                    th { (t(lang, Msg::Deadline)) } th { (t(lang, Msg::Listing)) } th { (t(lang, Msg::LatestReport)) }
                } }
                tbody { @for part in &row.counties {
                    tr data-county=(part.county) {
                        td { (area_name(&part.county)) }
                        td { (part.share.map(plans::status::number).unwrap_or_default()) }
                        td { (status_badge(lang, &part.assessment)) br; span.muted.rule { (part.assessment.rule.explain_zh()) } }
                        td { (deadline_cell(lang, &part.assessment)) }
                        td { (listing_text(lang, part.listing.as_ref())) }
                        td { (report_status(lang, part.latest_report.filter(|_| ctx.principal.can_view_part(Some(&part.county))))) }
                    }
                } }
            } }
        }
        h2 { (t(lang, Msg::Supervision)) }
        ul #supervision-state {
            @for l in &sup.listings {
                li { (part_name(lang, l.county.as_ref())) "：" (listing_text(lang, Some(l))) }
            }
            @if let Some((who, until)) = &sup.pending_extension { li #pending-extension { (tf(lang, Msg::PendingExtension, &[who, until])) } }
            @if sup.extensions > 0 { li { (tf(lang, Msg::Extensions, &[&sup.extensions])) } }
            @if let Some(v) = &sup.verified_by { li #verified { (tf(lang, Msg::VerifiedBy, &[v])) } }
            @if let Some(at) = sup.closed { li { (t(lang, Msg::ClosedOut)) " · " (beijing_time(at)) } }
            @if sup.listings.is_empty() && sup.pending_extension.is_none() && sup.verified_by.is_none() && sup.closed.is_none() && sup.colour.is_none() {
                li.muted { (t(lang, Msg::NoSupervision)) }
            }
        }
        h2 { (t(lang, Msg::Reports)) " (" (reports.len()) ")" }
        @if reports.is_empty() { p.muted { (t(lang, Msg::NoReport)) } } @else {
            div.table-wrap { table #reports {
                thead { tr {
                    th { (t(lang, Msg::Period)) } th { (t(lang, Msg::County)) } th { (t(lang, Msg::Reporter)) }
                    th { (t(lang, Msg::ReportText)) } th { (t(lang, Msg::Documents)) } th { (t(lang, Msg::Status)) }
                    @if p.can_review_reports() { th { (t(lang, Msg::Action)) } }
                } }
                tbody { @for r in &reports {
                    tr data-report=(r.id) data-status=(r.status.code()) {
                        td { (plans::report::period_label_zh(&r.report.period)) }
                        td { (part_name(lang, r.report.county.as_ref())) }
                        td { (r.report.reporter) br; span.muted { (beijing_time(r.report.at)) } }
                        td.report-text {
                            (r.report.text)
                            @if let Some(v) = r.report.value { br; strong { (t(lang, Msg::ReportedValue)) "：" (plans::status::number(v)) } }
                        }
                        td { @for d in r.report.documents.iter().filter_map(|id| documents.iter().find(|x| x.id == *id)) {
                            a.document href={ "/documents/" (d.id) } { (d.name) } " " span.muted { "(" (size_text(d.size)) ")" } br;
                        } }
                        td {
                            (report_status(lang, Some(r.status)))
                            @if let Some(by) = &r.reviewer { br; span.muted { (by) } }
                            @if let Some(reason) = &r.reason { br; span.return-reason { (t(lang, Msg::Reason)) "：" (reason) } }
                        }
                        @if p.can_review_reports() {
                            td { @if r.status == ReportStatus::Submitted && !closed {
                                @if r.report.reporter == p.username { span.muted { (t(lang, Msg::OwnReport)) } } @else {
                                    form.inline method="post" action={ "/reports/" (r.id) "/decision" } {
                                        input type="hidden" name="csrf" value=(csrf);
                                        input type="hidden" name="decision" value="accept";
                                        button.primary type="submit" { (t(lang, Msg::AcceptReport)) }
                                    }
                                    form.inline method="post" action={ "/reports/" (r.id) "/decision" } {
                                        input type="hidden" name="csrf" value=(csrf);
                                        input type="hidden" name="decision" value="return";
                                        input name="reason" required maxlength=(MAX_NOTE) placeholder=(t(lang, Msg::ReturnReason));
                                        button type="submit" { (t(lang, Msg::ReturnReport)) }
                                    }
                                }
                            } }
                        }
                    }
                } }
            } }
        }
        @if !closed {
            @for part in &parts {
                (report_form(lang, &csrf, &task, part.as_ref(), &reports, today))
            }
            @if p.can_supervise() { (supervise_forms(lang, &csrf, &task, sup, today)) }
            @for part in &parts {
                @if p.can_request_extension(part.as_ref(), &task.spec.counties.iter().map(|a| a.county.clone()).collect::<Vec<_>>()) && sup.pending_extension.is_none() {
                    section.action #extension-form {
                        h3 { (t(lang, Msg::RequestExtension)) " · " (part_name(lang, part.as_ref())) }
                        form method="post" action={ "/tasks/" (task.id) "/steps" } {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="step" value="extend";
                            input type="hidden" name="county" value=(part.as_ref().map(|c| c.as_str()).unwrap_or(""));
                            label { (t(lang, Msg::ExtendUntil)) " " input type="date" name="until" required; }
                            " " input name="reason" required maxlength=(MAX_NOTE) placeholder=(t(lang, Msg::Reason));
                            " " button type="submit" { (t(lang, Msg::RequestExtension)) }
                        }
                    }
                }
            }
        }
        h2 { (t(lang, Msg::History)) }
        div.table-wrap { table #history {
            thead { tr {
                th { (t(lang, Msg::Time)) } th { (t(lang, Msg::Actor)) } th { (t(lang, Msg::Step)) } th { (t(lang, Msg::County)) }
                th { (t(lang, Msg::OldValue)) } th { (t(lang, Msg::NewValue)) } th { (t(lang, Msg::Deadline)) } th { (t(lang, Msg::Note)) }
            } }
            tbody { @for e in history.iter().rev() {
                tr data-kind=(e.event.kind.code()) {
                    td { (beijing_time(e.event.at)) }
                    td { (e.event.actor) }
                    td { (vocab(lang, e.event.kind.label_zh(), e.event.kind.label_en())) }
                    td { @if let Some(c) = &e.event.county { (area_name(c)) } }
                    td { (value_text(lang, e.event.kind, e.event.old_value.as_deref())) }
                    td { (value_text(lang, e.event.kind, e.event.new_value.as_deref())) }
                    td { @if let Some(d) = e.event.due { (d) } }
                    td { (e.event.note) }
                }
            } }
        } }
    };
    Ok(page(&ctx, &format!("{} {}", spec.seq, spec.text), body))
}

/// An event's value as a reader understands it: colours and dates named.
fn value_text(lang: Lang, kind: EventKind, value: Option<&str>) -> String {
    let Some(value) = value else {
        return String::new();
    };
    match kind {
        EventKind::Escalated => Colour::parse(value)
            .map(|c| vocab(lang, c.label_zh(), c.label_en()).to_owned())
            .unwrap_or_else(|| value.to_owned()),
        EventKind::Reported => plans::report::period_label_zh(value),
        // The old value of a decision is the report's reporter.
        EventKind::Accepted | EventKind::Returned => format!("{}：{value}", t(lang, Msg::Reporter)),
        _ => value.to_owned(),
    }
}

fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// The report form of one part: a new report, or the correction of the
/// one sent back (its period and text filled in, the reason shown).
fn report_form(
    lang: Lang,
    csrf: &str,
    task: &Task,
    county: Option<&AreaCode>,
    reports: &[ProgressReport],
    today: NaiveDate,
) -> Markup {
    let returned = reports
        .iter()
        .filter(|r| r.report.county.as_ref() == county && r.status == ReportStatus::Returned)
        .max_by_key(|r| (r.report.at, r.id));
    let period = returned
        .map(|r| r.report.period.clone())
        .unwrap_or_else(|| current_period(today));
    let text = returned.map(|r| r.report.text.clone()).unwrap_or_default();
    html! {
        section.action #report-form {
            h3 {
                @if returned.is_some() { (t(lang, Msg::CorrectReport)) } @else { (t(lang, Msg::FileReport)) }
                " · " (part_name(lang, county))
            }
            @if let Some(r) = returned {
                p.error #returned-reason { (t(lang, Msg::ReturnedBecause)) "：" (r.reason.clone().unwrap_or_default()) }
            }
            form method="post" action={ "/tasks/" (task.id) "/reports" } enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="county" value=(county.map(|c| c.as_str()).unwrap_or(""));
                label { (t(lang, Msg::Period)) " " input name="period" value=(period) required size="10" pattern="[0-9]{4}(-(H[12]|Q[1-4]|[01][0-9]))?"; }
                span.muted { " " (t(lang, Msg::PeriodHint)) }
                br;
                label { (t(lang, Msg::ReportText)) br;
                    textarea name="text" rows="4" cols="80" required maxlength=(plans::report::MAX_TEXT_CHARS) { (text) }
                }
                @if task.spec.measure.takes_reported_value() {
                    br; label { (t(lang, Msg::ReportedValue)) " " input type="number" name="value" min="0" step="any" required; }
                }
                br;
                label { (t(lang, Msg::Documents)) " " input type="file" name="documents" multiple accept=".pdf,.docx,.xlsx,.ofd"; }
                span.muted { " " (tf(lang, Msg::DocumentsHint, &[&MAX_DOCUMENTS])) }
                @if let Some(r) = returned { @if !r.report.documents.is_empty() { br; span.muted { (tf(lang, Msg::DocumentsKept, &[&r.report.documents.len()])) } } }
                br;
                button.primary type="submit" { @if returned.is_some() { (t(lang, Msg::SubmitCorrection)) } @else { (t(lang, Msg::SubmitReport)) } }
            }
        }
    }
}

fn supervise_forms(lang: Lang, csrf: &str, task: &Task, sup: &Supervision, today: NaiveDate) -> Markup {
    let action = format!("/tasks/{}/steps", task.id);
    let hidden = |step: &str| {
        html! {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="step" value=(step);
        }
    };
    let county_select = |name: &str, only_listed: bool| {
        html! {
            select name=(name) {
                @if !only_listed || sup.listings.iter().any(|l| l.county.is_none()) {
                    option value="" { (t(lang, Msg::WholeTask)) }
                }
                @for a in &task.spec.counties {
                    @if !only_listed || sup.listings.iter().any(|l| l.county.as_ref() == Some(&a.county)) {
                        option value=(a.county) { (area_name(&a.county)) }
                    }
                }
            }
        }
    };
    let min = today.to_string();
    html! {
        section.action #supervise {
            h3 { (t(lang, Msg::SuperviseActions)) }
            form #escalate-form method="post" action=(action) {
                (hidden("escalate"))
                strong { (t(lang, Msg::Escalate)) } " "
                select name="colour" { @for c in Colour::ALL { option value=(c.code()) { (vocab(lang, c.label_zh(), c.label_en())) } } }
                " " input name="reason" required maxlength=(MAX_NOTE) placeholder=(t(lang, Msg::Reason));
                " " label { (t(lang, Msg::NewDeadline)) " " input type="date" name="due" min=(min); }
                " " button type="submit" { (t(lang, Msg::Escalate)) }
            }
            form #list-form method="post" action=(action) {
                (hidden("list"))
                strong { (t(lang, Msg::ListTask)) } " " (county_select("county", false))
                " " input name="reason" required maxlength=(MAX_NOTE) placeholder=(t(lang, Msg::ListReason));
                " " label { (t(lang, Msg::ListDue)) " " input type="date" name="due" required min=(min); }
                " " button type="submit" { (t(lang, Msg::ListTask)) }
            }
            @if sup.is_listed() {
                form #unlist-form method="post" action=(action) {
                    (hidden("unlist"))
                    strong { (t(lang, Msg::Unlist)) } " " (county_select("county", true))
                    " " input name="reason" required maxlength=(MAX_NOTE) placeholder=(t(lang, Msg::Reason));
                    " " button type="submit" { (t(lang, Msg::Unlist)) }
                }
            }
            @if sup.pending_extension.is_some() {
                form.inline method="post" action=(action) { (hidden("grant")) button.primary type="submit" { (t(lang, Msg::GrantExtension)) } }
                form.inline method="post" action=(action) {
                    (hidden("refuse"))
                    input name="reason" required maxlength=(MAX_NOTE) placeholder=(t(lang, Msg::Reason));
                    " " button type="submit" { (t(lang, Msg::RefuseExtension)) }
                }
            }
            form #verify-form method="post" action=(action) {
                (hidden("verify"))
                strong { (t(lang, Msg::Verify)) } " "
                input name="note" maxlength=(MAX_NOTE) placeholder=(t(lang, Msg::VerifyNote));
                " " button type="submit" { (t(lang, Msg::Verify)) }
                " " span.muted { (t(lang, Msg::VerifyHint)) }
            }
            form #close-out-form method="post" action=(action) {
                (hidden("close_out"))
                strong { (t(lang, Msg::CloseOut)) } " "
                input name="note" maxlength=(MAX_NOTE) placeholder=(t(lang, Msg::Note));
                " " button.primary type="submit" disabled[sup.verified_by.is_none()] { (t(lang, Msg::CloseOut)) }
                " " span.muted { (t(lang, Msg::CloseOutHint)) }
            }
        }
    }
}

/// A refused step: the domain's (or the store's) message on the task's
/// page frame, with the way back; nothing was written.
fn refused(ctx: &Ctx, task: TaskId, status: StatusCode, message: &str) -> Response {
    let lang = ctx.lang;
    let body = html! {
        h1 { (t(lang, Msg::StepRefused)) }
        p.error #step-error { (message) }
        p { a.button href={ "/tasks/" (task) } { (t(lang, Msg::BackToTask)) } }
    };
    (status, page(ctx, t(lang, Msg::StepRefused), body)).into_response()
}

/// The answer to a store failure on a write: someone acted first (409,
/// look again), a report already filed (409), else the usual error.
fn store_refusal(ctx: &Ctx, task: TaskId, error: StateError) -> Response {
    match error {
        StateError::Store(StoreError::Conflict(_)) => {
            refused(ctx, task, StatusCode::CONFLICT, t(ctx.lang, Msg::StepConflict))
        }
        StateError::Store(StoreError::Duplicate(what)) => refused(
            ctx,
            task,
            StatusCode::CONFLICT,
            &tf(ctx.lang, Msg::ReportDuplicate, &[&what]),
        ),
        other => WebError::State(other).into_response(),
    }
}

fn parse_county(task: &Task, text: &str) -> Result<Option<AreaCode>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let code = AreaCode::parse(text).map_err(|_| ())?;
    task.spec.assignment(&code).map(|_| Some(code)).ok_or(())
}

async fn read_task(state: &Arc<AppState>, id: TaskId) -> Result<Option<(Task, Vec<Event>)>, WebError> {
    Ok(state
        .with_store(move |s| {
            let Some(task) = s.task(id)? else {
                return Ok(None);
            };
            Ok(Some((task, s.events(id)?)))
        })
        .await?)
}

#[derive(serde::Deserialize)]
pub struct StepForm {
    pub csrf: String,
    pub step: String,
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub colour: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub due: String,
    #[serde(default)]
    pub until: String,
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// `POST /tasks/{id}/steps`: a supervision step.
pub async fn step(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<StepForm>,
) -> Result<Response, WebError> {
    ctx.check_csrf(&form.csrf)?;
    let p = &ctx.principal;
    if !p.can_view_plans() {
        return Err(forbidden(&ctx));
    }
    let task_id = TaskId(id);
    let Some((task, events)) = read_task(&state, task_id).await? else {
        return Err(forbidden(&ctx));
    };
    let assigned: Vec<AreaCode> = task.spec.counties.iter().map(|a| a.county.clone()).collect();
    // Who may take this kind of step at all is asked before any field is
    // read: one who may not gets 403 whatever the form holds (the exact
    // check, with the county, follows below).
    let may_at_all = match form.step.as_str() {
        "extend" => {
            p.can_request_extension(None, &assigned)
                || assigned
                    .iter()
                    .any(|c| p.can_request_extension(Some(c), &assigned))
        }
        "escalate" | "list" | "unlist" | "grant" | "refuse" | "verify" | "close_out" => p.can_supervise(),
        _ => true,
    };
    if !may_at_all {
        return Err(forbidden(&ctx));
    }
    let lang = ctx.lang;
    let bad = |msg: Msg| Ok(refused(&ctx, task_id, StatusCode::BAD_REQUEST, t(lang, msg)));
    let Ok(county) = parse_county(&task, &form.county) else {
        return bad(Msg::BadRequest);
    };
    if [&form.reason, &form.note]
        .iter()
        .any(|s| s.chars().count() > MAX_NOTE)
    {
        return bad(Msg::NoteTooLong);
    }
    let (step, allowed) = match form.step.as_str() {
        "escalate" => {
            let Some(colour) = Colour::parse(&form.colour) else {
                return bad(Msg::BadRequest);
            };
            let due = if form.due.trim().is_empty() {
                None
            } else {
                match date(&form.due) {
                    Some(d) => Some(d),
                    None => return bad(Msg::BadDate),
                }
            };
            (
                Step::Escalate {
                    colour,
                    reason: form.reason.clone(),
                    due,
                },
                p.can_supervise(),
            )
        }
        "list" => {
            let Some(due) = date(&form.due) else {
                return bad(Msg::BadDate);
            };
            (
                Step::List {
                    county: county.clone(),
                    reason: form.reason.clone(),
                    due,
                },
                p.can_supervise(),
            )
        }
        "unlist" => (
            Step::Unlist {
                county: county.clone(),
                reason: form.reason.clone(),
            },
            p.can_supervise(),
        ),
        "extend" => {
            let allowed = p.can_request_extension(county.as_ref(), &assigned);
            let Some(until) = date(&form.until) else {
                return if allowed {
                    bad(Msg::BadDate)
                } else {
                    Err(forbidden(&ctx))
                };
            };
            (
                Step::RequestExtension {
                    until,
                    reason: form.reason.clone(),
                },
                allowed,
            )
        }
        "grant" => (Step::GrantExtension, p.can_supervise()),
        "refuse" => (
            Step::RefuseExtension {
                reason: form.reason.clone(),
            },
            p.can_supervise(),
        ),
        "verify" => (
            Step::Verify {
                note: form.note.clone(),
            },
            p.can_supervise(),
        ),
        "close_out" => (
            Step::CloseOut {
                note: form.note.clone(),
            },
            p.can_supervise(),
        ),
        _ => return bad(Msg::BadRequest),
    };
    if !allowed {
        return Err(forbidden(&ctx));
    }
    let extension = matches!(step, Step::RequestExtension { .. });
    let supervision = Supervision::of(&events);
    let mut event = match decide(
        task_id,
        task.spec.deadline,
        &supervision,
        &p.username,
        step,
        chrono::Utc::now(),
    ) {
        Ok(event) => event,
        Err(e) => {
            return Ok(refused(
                &ctx,
                task_id,
                StatusCode::BAD_REQUEST,
                &supervision_message(&e),
            ))
        }
    };
    if extension {
        // Whose extension it is: the county's part, or the whole task.
        event.county = county;
    }
    let kind = event.kind;
    let after = supervision.last;
    match state.with_store(move |s| s.append_event(&event, after)).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}?done={}", kind.code())).into_response()),
        Err(e) => Ok(store_refusal(&ctx, task_id, e)),
    }
}

fn supervision_message(e: &SupervisionError) -> String {
    e.to_string()
}

#[derive(serde::Deserialize)]
pub struct DecisionForm {
    pub csrf: String,
    /// `accept` or `return`.
    pub decision: String,
    #[serde(default)]
    pub reason: String,
}

/// `POST /reports/{id}/decision`: accept a report or send it back with a
/// reason. A reviewer never decides its own report (the domain refuses).
pub async fn decide_report(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, WebError> {
    ctx.check_csrf(&form.csrf)?;
    let p = &ctx.principal;
    if !p.can_review_reports() {
        return Err(forbidden(&ctx));
    }
    let report_id = ReportId(id);
    let Some(report) = state.with_store(move |s| s.report(report_id)).await? else {
        return Err(forbidden(&ctx));
    };
    let task_id = report.report.task;
    let lang = ctx.lang;
    let decision = match form.decision.as_str() {
        "accept" => Decision::Accept,
        "return" => {
            if form.reason.chars().count() > MAX_NOTE {
                return Ok(refused(
                    &ctx,
                    task_id,
                    StatusCode::BAD_REQUEST,
                    t(lang, Msg::NoteTooLong),
                ));
            }
            Decision::Return {
                reason: form.reason.trim().to_owned(),
            }
        }
        _ => {
            return Ok(refused(
                &ctx,
                task_id,
                StatusCode::BAD_REQUEST,
                t(lang, Msg::BadRequest),
            ))
        }
    };
    // A closed task takes no more decisions.
    let events = state.with_store(move |s| s.events(task_id)).await?;
    if Supervision::of(&events).is_closed() {
        return Ok(refused(
            &ctx,
            task_id,
            StatusCode::BAD_REQUEST,
            &SupervisionError::Closed.to_string(),
        ));
    }
    if let Err(e) = report_rules::check_decision(&report, &p.username, &decision) {
        return Ok(refused(&ctx, task_id, StatusCode::BAD_REQUEST, &e.to_string()));
    }
    let kind = match decision {
        Decision::Accept => EventKind::Accepted,
        Decision::Return { .. } => EventKind::Returned,
    };
    let reviewer = p.username.clone();
    match state
        .with_store(move |s| s.decide_report(report_id, &decision, &reviewer, chrono::Utc::now()))
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/tasks/{task_id}?done={}", kind.code())).into_response()),
        Err(e) => Ok(store_refusal(&ctx, task_id, e)),
    }
}

/// `POST /tasks/{id}/reports` (multipart): file a report, or correct the
/// one sent back, with its documents — photos refused with the domain's
/// message, each document at most 20 MB.
pub async fn file_report(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let mut csrf = String::new();
    let mut county = String::new();
    let mut period = String::new();
    let mut text = String::new();
    let mut value = String::new();
    let mut files: Vec<(String, axum::body::Bytes)> = Vec::new();
    let lang = ctx.lang;
    let task_id = TaskId(id);
    let field_error = |e: axum::extract::multipart::MultipartError| WebError::BadRequest(e.to_string());
    // Before the body is read (documents are held in memory until filed): a
    // visitor without a session, or one with no plan pages, sends nothing
    // the server keeps; uploads share the imports' bound (as pages/import.rs).
    if ctx.csrf.is_none() {
        return Err(WebError::Csrf);
    }
    if !ctx.principal.can_view_plans() {
        return Err(forbidden(&ctx));
    }
    let Some(_upload) = state.upload_permit() else {
        return Err(WebError::Store(store::StoreError::Busy(
            "too many uploads at once".into(),
        )));
    };
    while let Some(field) = multipart.next_field().await.map_err(field_error)? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(field_error)?,
            Some("county") => county = field.text().await.map_err(field_error)?,
            Some("period") => period = field.text().await.map_err(field_error)?,
            Some("text") => text = field.text().await.map_err(field_error)?,
            Some("value") => value = field.text().await.map_err(field_error)?,
            Some("documents") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(field_error)?;
                // A file input left empty still sends an empty part.
                if !(name.is_empty() && bytes.is_empty()) {
                    files.push((name, bytes));
                }
            }
            _ => {}
        }
    }
    ctx.check_csrf(&csrf)?;
    let p = &ctx.principal;
    if !p.can_view_plans() {
        return Err(forbidden(&ctx));
    }
    let found = state
        .with_store(move |s| {
            let Some(task) = s.task(task_id)? else {
                return Ok(None);
            };
            Ok(Some((task, s.events(task_id)?, s.reports(task_id)?)))
        })
        .await?;
    let Some((task, events, reports)) = found else {
        return Err(forbidden(&ctx));
    };
    let assigned: Vec<AreaCode> = task.spec.counties.iter().map(|a| a.county.clone()).collect();
    let county = match county.trim() {
        "" => None,
        text => match AreaCode::parse(text) {
            Ok(code) => Some(code),
            Err(_) => return Err(forbidden(&ctx)),
        },
    };
    if !p.can_report(county.as_ref(), &assigned) {
        return Err(forbidden(&ctx));
    }
    let bad = |message: String| Ok(refused(&ctx, task_id, StatusCode::BAD_REQUEST, &message));
    if Supervision::of(&events).is_closed() {
        return bad(SupervisionError::Closed.to_string());
    }
    let value = match value.trim() {
        "" => None,
        v => match v.parse::<f64>() {
            Ok(v) => Some(v),
            Err(_) => return bad(ReportError::ValueInvalid.to_string()),
        },
    };
    let period = period.trim().to_owned();
    // A correction keeps the documents of the report sent back.
    let kept: Vec<DocumentId> = reports
        .iter()
        .find(|r| {
            r.report.county == county && r.report.period == period && r.status == ReportStatus::Returned
        })
        .map(|r| r.report.documents.clone())
        .unwrap_or_default();
    if kept.len() + files.len() > MAX_DOCUMENTS {
        return bad(ReportError::TooManyDocuments.to_string());
    }
    let mut kinds: Vec<DocumentKind> = Vec::new();
    for (name, bytes) in &files {
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return bad(ReportError::DocumentTooLarge(name.clone()).to_string());
        }
        match DocumentKind::recognise(name, bytes) {
            Ok(kind) => kinds.push(kind),
            Err(e) => return bad(e.to_string()),
        }
    }
    let new_report = NewReport {
        task: task_id,
        county,
        period,
        text: text.trim().to_owned(),
        value,
        documents: kept,
        reporter: p.username.clone(),
        at: chrono::Utc::now(),
    };
    if let Err(e) = report_rules::check(&new_report, &task.spec.measure) {
        return bad(e.to_string());
    }
    let _ = lang;
    let names: Vec<String> = files.iter().map(|(n, _)| base_name(n)).collect();
    let result = state
        .with_store(move |s| {
            let documents: Vec<NewDocument<'_>> = files
                .iter()
                .zip(&kinds)
                .zip(&names)
                .map(|(((_, bytes), kind), name)| NewDocument {
                    name,
                    kind: *kind,
                    bytes,
                })
                .collect();
            s.file_report(&new_report, &documents)
        })
        .await;
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("/tasks/{id}?done={}", EventKind::Reported.code())).into_response())
        }
        Err(e) => Ok(store_refusal(&ctx, task_id, e)),
    }
}

/// A file's own name, without any path a browser sent.
fn base_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.is_empty() {
        "document".to_owned()
    } else {
        clean
    }
}

/// `GET /documents/{id}`: the document, to whoever may see the report it
/// belongs to (found among the plans' reports; a document of no report,
/// or of another county's, is refused alike).
pub async fn document(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    if !ctx.principal.can_view_plans() {
        return Err(forbidden(&ctx));
    }
    let doc = DocumentId(id);
    let owner = state
        .with_store(move |s| {
            for plan in s.plans()? {
                if let Some(r) = s
                    .plan_reports(plan.id)?
                    .into_iter()
                    .find(|r| r.report.documents.contains(&doc))
                {
                    return Ok(Some(r));
                }
            }
            Ok(None)
        })
        .await?;
    let allowed = owner
        .as_ref()
        .is_some_and(|r| ctx.principal.can_view_part(r.report.county.as_ref()));
    if !allowed {
        return Err(forbidden(&ctx));
    }
    let Some((info, bytes)) = state.with_store(move |s| s.document(doc)).await? else {
        return Err(forbidden(&ctx));
    };
    Ok((
        [
            (header::CONTENT_TYPE, info.kind.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                crate::download::attachment(&info.name),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        let city = AreaCode::parse("3701").expect("code");
        Ctx {
            principal: crate::auth::public(&city),
            lang: Lang::Zh,
            csrf: None,
            signed_in: true,
            revision: None,
            demo: false,
            scope_name: "济南市".into(),
            back: None,
        }
    }

    async fn body(response: Response) -> (StatusCode, String) {
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("body");
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    #[tokio::test]
    async fn a_step_whose_history_moved_on_is_refused_with_409_and_a_message_to_look_again() {
        let conflict = store_refusal(
            &ctx(),
            TaskId(7),
            StateError::Store(StoreError::Conflict("task 7".into())),
        );
        let (status, text) = body(conflict).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(text.contains("他人刚刚办理了该任务，本次操作未写入"), "{text}");
        assert!(text.contains("href=\"/tasks/7\""), "the way back to the task");
        let duplicate = store_refusal(
            &ctx(),
            TaskId(7),
            StateError::Store(StoreError::Duplicate("该任务本期的进展报告（待审核）".into())),
        );
        let (status, text) = body(duplicate).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(text.contains("不能重复报送"), "{text}");
        // Any other failure is the usual error answer, not a refusal page.
        let other = store_refusal(
            &ctx(),
            TaskId(7),
            StateError::Store(StoreError::Backend("x".into())),
        );
        assert_eq!(other.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
