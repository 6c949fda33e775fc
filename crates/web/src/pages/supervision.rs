//! 督办公示栏 (`/supervision`): everything under 挂牌督办 in a plan (the
//! latest by default, `?plan=`), each listing with who listed it, why, by
//! when, the task's colour and status and the listed part's latest report —
//! public within the bureau (every role that sees plans), read from the
//! same `plans::Ledger` as the plan page.

use std::sync::Arc;

use axum::extract::{Query, State};
use maud::{html, Markup};
use plans::PlanId;

use crate::auth::{area_name, Ctx};
use crate::error::WebError;
use crate::i18n::{t, Msg};
use crate::layout::{forbidden, page};
use crate::pages::beijing_time;
use crate::pages::plans::{alert_badge, colour_badge, load, report_status, status_badge};
use crate::state::AppState;

#[derive(serde::Deserialize, Default)]
pub struct BoardParams {
    pub plan: Option<i64>,
}

/// `GET /supervision`.
pub async fn board(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Query(params): Query<BoardParams>,
) -> Result<Markup, WebError> {
    if !ctx.principal.can_view_plans() {
        return Err(forbidden(&ctx));
    }
    let lang = ctx.lang;
    let loaded = load(&state, &ctx, params.plan.map(PlanId)).await?;
    let Some(ledger) = loaded.ledger else {
        if params.plan.is_some() {
            return Err(WebError::NotFound);
        }
        let body = html! { h1 { (t(lang, Msg::Board)) } p.muted #no-plan { (t(lang, Msg::NoPlan)) } };
        return Ok(page(&ctx, t(lang, Msg::Board), body));
    };
    let mut listings: Vec<(&plans::TaskRow, &plans::supervision::Listing)> = ledger
        .rows
        .iter()
        .flat_map(|row| row.state.listings.iter().map(move |l| (row, l)))
        .collect();
    listings.sort_by(|a, b| {
        a.1.due
            .cmp(&b.1.due)
            .then(a.0.task.position.cmp(&b.0.task.position))
    });
    let body = html! {
        h1 { (t(lang, Msg::Board)) }
        p.muted { (ledger.plan.title) " · " (t(lang, Msg::BoardHint)) }
        @if listings.is_empty() { p.muted #board-empty { (t(lang, Msg::BoardEmpty)) } } @else {
            div.table-wrap { table #board {
                thead { tr {
                    th { (t(lang, Msg::Task)) } th { (t(lang, Msg::County)) } th { (t(lang, Msg::Status)) }
                    th { (t(lang, Msg::ListDue)) } th { (t(lang, Msg::Escalation)) } th { (t(lang, Msg::ListedByWhom)) }
                    th { (t(lang, Msg::ListReason)) } th { (t(lang, Msg::LatestReport)) }
                } }
                tbody { @for (row, l) in &listings {
                    @let part = l.county.as_ref().and_then(|c| row.county(c));
                    @let assessment = part.map_or(&row.whole, |p| &p.assessment);
                    tr data-task=(row.task.id) {
                        td { a href={ "/tasks/" (row.task.id) } { (row.task.spec.seq) " " (row.task.spec.text) } }
                        td { @match &l.county { Some(c) => (area_name(c)), None => (t(lang, Msg::WholeTask)) } }
                        td { (status_badge(lang, assessment)) }
                        td { (l.due) @if let Some(alert) = assessment.alert { " " (alert_badge(lang, alert)) } }
                        td { @if let Some(c) = row.state.colour { (colour_badge(lang, c)) } @else { span.muted { (t(lang, Msg::NoneYet)) } } }
                        td { (l.by) br; span.muted { (beijing_time(l.at)) } }
                        td { (l.reason) }
                        td { (report_status(lang, match part { Some(p) => p.latest_report.filter(|_| ctx.principal.can_view_part(Some(&p.county))), None => row.lead_report.filter(|_| ctx.principal.can_view_part(None)) })) }
                    }
                } }
            } }
        }
    };
    Ok(page(&ctx, t(lang, Msg::Board), body))
}
