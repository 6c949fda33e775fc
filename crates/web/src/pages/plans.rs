//! 工作计划: `/plans` (the latest plan) and `/plans/{id}` — the plan as a
//! tree of sections and tasks with their computed status (colour, progress,
//! the deadline in force, 临期/逾期, 挂牌督办, the counties answerable),
//! filters (late, county, listed, progress) as a GET form, the headline
//! counts, and the table that answers "which tasks are late, in which
//! counties, and what is being done about them". Everything is read from
//! `plans::Ledger`, the one read model the board, "my tasks" and the
//! generated reports read too. Who may see it is `access`'s
//! (`can_view_plans`); today's date is read here, at the edge, and passed in.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use chrono::NaiveDate;
use maud::{html, Markup};
use plans::ledger::CountyPart;
use plans::{Assessment, Filter, Ledger, PlanHeader, PlanId, Progress, TaskRow};
use registry::AreaCode;

use crate::auth::{area_name, Ctx};
use crate::error::WebError;
use crate::i18n::{t, tf, Lang, Msg};
use crate::layout::{forbidden, page};
use crate::pages::vocab;
use crate::state::AppState;

/// Today in Beijing (UTC+8), whatever the server's zone: the date the
/// bureau's deadlines are counted in.
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// A plan's ledger and every plan's heading (for the plan chooser).
pub struct Loaded {
    pub plans: Vec<PlanHeader>,
    pub ledger: Option<Ledger>,
    pub projects: Vec<plans::Project>,
    pub reports: Vec<plans::ProgressReport>,
}

/// Reads the plan (`None`: the latest) with its history, reports and the
/// projects, and computes its ledger on the registry's fresh values.
pub async fn load(state: &Arc<AppState>, ctx: &Ctx, plan: Option<PlanId>) -> Result<Loaded, WebError> {
    let indicators = state.indicators(ctx.revision).await?;
    let stored = state
        .with_store(move |s| {
            let plans = s.plans()?;
            let Some(id) = plan.or_else(|| plans.first().map(|p| p.id)) else {
                return Ok((plans, None));
            };
            let Some(plan) = s.plan(id)? else {
                return Ok((plans, None));
            };
            let events = s.plan_events(id)?;
            let reports = s.plan_reports(id)?;
            // The plan's city's projects only.
            let city = plan.header.city.clone();
            let projects: Vec<plans::Project> = s
                .projects()?
                .into_iter()
                .filter(|p| p.spec.county.is_within(&city))
                .collect();
            Ok((plans, Some((plan, events, reports, projects))))
        })
        .await?;
    let (plans, found) = stored;
    let Some((plan, events, reports, projects)) = found else {
        return Ok(Loaded {
            plans,
            ledger: None,
            projects: Vec::new(),
            reports: Vec::new(),
        });
    };
    let ledger = Ledger::build(&plan, &events, &reports, &projects, &indicators.computed, today());
    Ok(Loaded {
        plans,
        ledger: Some(ledger),
        projects,
        reports,
    })
}

/// The filters of the plan page, as the GET form sends them.
#[derive(serde::Deserialize, Default)]
pub struct PlanParams {
    pub late: Option<String>,
    pub listed: Option<String>,
    pub county: Option<String>,
    pub progress: Option<String>,
}

impl PlanParams {
    fn filter(&self) -> Filter {
        let on = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
        Filter {
            late: on(&self.late),
            listed: on(&self.listed),
            county: self
                .county
                .as_deref()
                .filter(|c| !c.is_empty())
                .and_then(|c| AreaCode::parse(c).ok()),
            progress: self
                .progress
                .as_deref()
                .and_then(|p| Progress::ALL.into_iter().find(|x| x.code() == p)),
        }
    }
}

/// `GET /plans`: the latest plan.
pub async fn latest(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Query(params): Query<PlanParams>,
) -> Result<Markup, WebError> {
    plan_page(&state, &ctx, None, &params).await
}

/// `GET /plans/{id}`.
pub async fn plan(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(params): Query<PlanParams>,
) -> Result<Markup, WebError> {
    plan_page(&state, &ctx, Some(PlanId(id)), &params).await
}

async fn plan_page(
    state: &Arc<AppState>,
    ctx: &Ctx,
    id: Option<PlanId>,
    params: &PlanParams,
) -> Result<Markup, WebError> {
    if !ctx.principal.can_view_plans() {
        return Err(forbidden(ctx));
    }
    let lang = ctx.lang;
    let loaded = load(state, ctx, id).await?;
    let Some(ledger) = loaded.ledger else {
        if id.is_some() {
            return Err(WebError::NotFound);
        }
        let body = html! {
            h1 { (t(lang, Msg::Plans)) }
            p.muted #no-plan { (t(lang, Msg::NoPlan)) }
        };
        return Ok(page(ctx, t(lang, Msg::Plans), body));
    };
    let filter = params.filter();
    let counts = ledger.counts();
    let rows: Vec<&TaskRow> = ledger.rows(&filter).collect();
    let counties = counties_of(&ledger);
    let plan_id = ledger.plan.id;
    let p = &ctx.principal;
    let body = html! {
        h1 { (ledger.plan.title) }
        p.muted {
            (tf(lang, Msg::PlanAsOf, &[&ledger.today]))
            @if loaded.plans.len() > 1 {
                " · " (t(lang, Msg::OtherPlans)) "："
                @for other in &loaded.plans {
                    @if other.id != plan_id { a href={ "/plans/" (other.id) } { (other.title) } " " }
                }
            }
        }
        @if p.can_download_plan_reports() {
            nav.plan-links {
                a.button #summary-link href={ "/plans/" (plan_id) "/summary" } { (t(lang, Msg::PlanSummary)) }
                a.button href={ "/plans/" (plan_id) "/summary.docx" } { (t(lang, Msg::PlanSummaryDocx)) }
                a.button href={ "/plans/" (plan_id) "/ledger.xlsx" } { (t(lang, Msg::PlanLedgerXlsx)) }
                a.button href="/supervision" { (t(lang, Msg::Board)) }
            }
        }
        div.cards #plan-counts {
            (count_card(t(lang, Msg::CountTasks), counts.tasks, "", None))
            (count_card(t(lang, Msg::CountOverdue), counts.overdue, "red", Some(format!("/plans/{plan_id}?late=1"))))
            (count_card(t(lang, Msg::CountDueSoon), counts.due_soon, "yellow", None))
            (count_card(t(lang, Msg::CountListed), counts.listed, "listed", Some(format!("/plans/{plan_id}?listed=1"))))
            (count_card(t(lang, Msg::CountBehind), counts.behind, "orange", None))
            (count_card(t(lang, Msg::CountOnTrack), counts.on_track, "green", None))
            (count_card(t(lang, Msg::CountAchieved), counts.achieved, "green", None))
            (count_card(t(lang, Msg::CountClosed), counts.closed, "closed", None))
        }
        h2 #late-by-county { (t(lang, Msg::LateByCounty)) }
        (late_by_county(lang, &ctx.principal, &ledger))
        h2 { (t(lang, Msg::PlanTree)) }
        form.filters #plan-filters method="get" action={ "/plans/" (plan_id) } {
            label { input type="checkbox" name="late" value="1" checked[filter.late]; " " (t(lang, Msg::FilterLate)) }
            label { input type="checkbox" name="listed" value="1" checked[filter.listed]; " " (t(lang, Msg::FilterListed)) }
            label { (t(lang, Msg::County)) " "
                select name="county" {
                    option value="" { (t(lang, Msg::AllCounties)) }
                    @for (code, name) in &counties {
                        option value=(code) selected[filter.county.as_ref() == Some(code)] { (name) }
                    }
                }
            }
            label { (t(lang, Msg::Status)) " "
                select name="progress" {
                    option value="" { (t(lang, Msg::AllStatuses)) }
                    @for pr in Progress::ALL {
                        option value=(pr.code()) selected[filter.progress == Some(pr)] { (vocab(lang, pr.label_zh(), pr.label_en())) }
                    }
                }
            }
            button.primary type="submit" { (t(lang, Msg::Apply)) }
            " " a href={ "/plans/" (plan_id) } { (t(lang, Msg::ClearFilters)) }
        }
        p.muted #shown-count { (tf(lang, Msg::TasksShown, &[&rows.len(), &counts.tasks])) }
        p.legend {
            (t(lang, Msg::Legend)) "："
            span.badge.green { (t(lang, Msg::LegendGreen)) } " "
            span.badge.yellow { (t(lang, Msg::LegendYellow)) } " "
            span.badge.orange { (t(lang, Msg::LegendOrange)) } " "
            span.badge.red { (t(lang, Msg::LegendRed)) } " "
            span.badge.grey { (t(lang, Msg::LegendGrey)) } " "
            span.badge.closed { (t(lang, Msg::ClosedOut)) } " "
            span.muted { (t(lang, Msg::LegendHint)) }
        }
        @for section in sections(&rows) {
            h3.section { (section) }
            div.table-wrap { table.plan-tree {
                thead { tr {
                    th { (t(lang, Msg::Seq)) } th { (t(lang, Msg::Task)) } th { (t(lang, Msg::Status)) }
                    th { (t(lang, Msg::Deadline)) } th { (t(lang, Msg::Supervision)) } th { (t(lang, Msg::Counties)) }
                } }
                tbody {
                    @for row in rows.iter().filter(|r| r.task.section == section) {
                        tr data-task=(row.task.id) data-colour=(row.whole.colour()) {
                            td { (row.task.spec.seq) }
                            td {
                                a href={ "/tasks/" (row.task.id) } { (row.task.spec.text) }
                                br; span.muted { (row.task.spec.lead_unit) " · " (vocab(lang, row.task.spec.measure.label_zh(), measure_en(&row.task.spec.measure))) }
                            }
                            td { (status_badge(lang, &row.whole)) }
                            td { (deadline_cell(lang, &row.whole)) }
                            td { (supervision_cell(lang, row)) }
                            td.counties { @for part in &row.counties { (county_chip(lang, part)) " " } }
                        }
                    }
                }
            } }
        }
    };
    Ok(page(ctx, &ledger.plan.title, body))
}

/// The counties named by any task, by code, with their names.
pub fn counties_of(ledger: &Ledger) -> Vec<(AreaCode, String)> {
    let mut out: Vec<(AreaCode, String)> = Vec::new();
    for row in &ledger.rows {
        for part in &row.counties {
            if !out.iter().any(|(c, _)| c == &part.county) {
                out.push((part.county.clone(), area_name(&part.county)));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Section titles of `rows`, in order, each once.
fn sections<'a>(rows: &[&'a TaskRow]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for r in rows {
        if !out.contains(&r.task.section.as_str()) {
            out.push(&r.task.section);
        }
    }
    out
}

fn count_card(label: &str, n: usize, colour: &str, link: Option<String>) -> Markup {
    html! {
        div.card.count-card.(colour) {
            div.label { (label) }
            div.value { @if let Some(link) = link { a href=(link) { (n) } } @else { (n) } }
        }
    }
}

pub fn measure_en(m: &plans::Measure) -> &'static str {
    match m {
        plans::Measure::Indicator(_) => "Indicator",
        plans::Measure::Count(_) => "Count",
        plans::Measure::Milestone => "Milestone",
    }
}

/// The status as a coloured badge: 已销号 once closed, else the progress.
pub fn status_badge(lang: Lang, a: &Assessment) -> Markup {
    let label = if a.closed {
        t(lang, Msg::ClosedOut).to_owned()
    } else {
        vocab(lang, a.progress.label_zh(), a.progress.label_en()).to_owned()
    };
    html! { span.badge.(a.colour()) title=(a.rule.explain_zh()) { (label) } }
}

/// The deadline in force, with 临期/逾期.
pub fn deadline_cell(lang: Lang, a: &Assessment) -> Markup {
    html! {
        (a.deadline)
        @if let Some(alert) = a.alert { " " (alert_badge(lang, alert)) }
    }
}

/// 临期 (yellow) or 逾期 (red).
pub fn alert_badge(lang: Lang, alert: plans::DeadlineAlert) -> Markup {
    let class = match alert {
        plans::DeadlineAlert::Overdue => "red",
        plans::DeadlineAlert::DueSoon => "yellow",
    };
    html! { span.badge.(class) { (vocab(lang, alert.label_zh(), alert.label_en())) } }
}

/// 挂牌督办 and the escalation colour of a task.
pub fn supervision_cell(lang: Lang, row: &TaskRow) -> Markup {
    html! {
        @if row.is_listed() {
            span.badge.listed title=(row.state.listings.iter().map(|l| l.reason.as_str()).collect::<Vec<_>>().join("；")) {
                (t(lang, Msg::Listed))
                @if row.state.listings.len() > 1 { " ×" (row.state.listings.len()) }
            }
            " "
        }
        @if let Some(colour) = row.state.colour {
            (colour_badge(lang, colour)) " "
        }
        @if row.pending_reports > 0 {
            span.muted { (tf(lang, Msg::PendingReports, &[&row.pending_reports])) }
        }
    }
}

pub fn colour_badge(lang: Lang, colour: plans::Colour) -> Markup {
    let class = match colour {
        plans::Colour::Blue => "blue",
        plans::Colour::Yellow => "yellow",
        plans::Colour::Red => "red",
    };
    html! { span.badge.(class) { (vocab(lang, colour.label_zh(), colour.label_en())) } }
}

/// A county's part: its name in its status colour, 挂牌 marked.
fn county_chip(lang: Lang, part: &CountyPart) -> Markup {
    let title = format!(
        "{}：{}",
        vocab(
            lang,
            part.assessment.progress.label_zh(),
            part.assessment.progress.label_en()
        ),
        part.assessment.rule.explain_zh()
    );
    html! {
        span.chip.(part.assessment.colour()) title=(title) {
            (area_name(&part.county))
            @if part.assessment.is_overdue() { " · " (vocab(lang, "逾期", "overdue")) }
            @if part.listing.is_some() { " · " (t(lang, Msg::Listed)) }
        }
    }
}

/// Which tasks are late in which counties, and what is being done: the
/// colour given, the listing (who, why, until when), the deadline in force
/// and the county's latest report.
/// A report's status is shown only where its part may be seen
/// (`access::Principal::can_view_part`): another county's is not.
fn late_by_county(lang: Lang, principal: &access::Principal, ledger: &Ledger) -> Markup {
    let groups = ledger.late_by_county();
    let whole_late: Vec<&TaskRow> = ledger
        .rows
        .iter()
        .filter(|r| r.whole.is_overdue() && r.counties.is_empty())
        .collect();
    html! {
        @if groups.is_empty() && whole_late.is_empty() {
            p.ok #no-late { (t(lang, Msg::NoLateTasks)) }
        } @else {
            div.table-wrap { table #late-table {
                thead { tr {
                    th { (t(lang, Msg::County)) } th { (t(lang, Msg::Task)) } th { (t(lang, Msg::Status)) }
                    th { (t(lang, Msg::Deadline)) } th { (t(lang, Msg::Escalation)) } th { (t(lang, Msg::Listing)) }
                    th { (t(lang, Msg::LatestReport)) }
                } }
                tbody {
                    @for (county, rows) in &groups {
                        @for (i, row) in rows.iter().enumerate() {
                            @if let Some(part) = row.county(county) {
                                tr data-county=(county) data-task=(row.task.id) {
                                    @if i == 0 { th rowspan=(rows.len()) { (area_name(county)) br; span.muted { (tf(lang, Msg::LateCount, &[&rows.len()])) } } }
                                    td { a href={ "/tasks/" (row.task.id) } { (row.task.spec.seq) " " (row.task.spec.text) } }
                                    td { (status_badge(lang, &part.assessment)) }
                                    td { (deadline_cell(lang, &part.assessment)) }
                                    td { @if let Some(c) = row.state.colour { (colour_badge(lang, c)) } @else { span.muted { (t(lang, Msg::NoneYet)) } } }
                                    td { (listing_text(lang, part.listing.as_ref().or_else(|| row.state.listings.iter().find(|l| l.county.is_none())))) }
                                    td { (report_status(lang, part.latest_report.filter(|_| principal.can_view_part(Some(&part.county))))) }
                                }
                            }
                        }
                    }
                    @for row in &whole_late {
                        tr data-task=(row.task.id) {
                            th { (t(lang, Msg::WholeTask)) }
                            td { a href={ "/tasks/" (row.task.id) } { (row.task.spec.seq) " " (row.task.spec.text) } }
                            td { (status_badge(lang, &row.whole)) }
                            td { (deadline_cell(lang, &row.whole)) }
                            td { @if let Some(c) = row.state.colour { (colour_badge(lang, c)) } @else { span.muted { (t(lang, Msg::NoneYet)) } } }
                            td { (listing_text(lang, row.state.listings.iter().find(|l| l.county.is_none()))) }
                            td { (report_status(lang, row.lead_report.filter(|_| principal.can_view_part(None)))) }
                        }
                    }
                }
            } }
        }
    }
}

pub fn listing_text(lang: Lang, listing: Option<&plans::supervision::Listing>) -> Markup {
    html! {
        @if let Some(l) = listing {
            span.badge.listed { (t(lang, Msg::Listed)) } " "
            (tf(lang, Msg::ListedBy, &[&l.by, &l.due])) br;
            span.muted { (l.reason) }
        } @else {
            span.muted { (t(lang, Msg::NotListed)) }
        }
    }
}

pub fn report_status(lang: Lang, status: Option<plans::ReportStatus>) -> Markup {
    html! {
        @match status {
            Some(s) => span.badge.(match s { plans::ReportStatus::Accepted => "green", plans::ReportStatus::Submitted => "blue", plans::ReportStatus::Returned => "orange" }) {
                (vocab(lang, s.label_zh(), s.label_en()))
            },
            None => span.muted { (t(lang, Msg::NoReport)) },
        }
    }
}
