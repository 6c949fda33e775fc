//! 转学申请: the requests an officer's import filed for people held by
//! schools outside its scope (`registry::transfer`). Both sides see their
//! requests; the releasing side (its school, county or the city) approves or
//! refuses with a reason. Every decision is written with its audit line in
//! one transaction (`Store::decide_transfer`); who may see or decide is
//! asked of `access`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use store::{DecideOutcome, TransferDecision, TransferQuery, TransferRequest, TransferStatus};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::{t, tf, Lang, Msg};
use crate::layout::{forbidden, page};
use crate::state::AppState;

/// Requests listed in each section (newest first).
const LISTED: u32 = 200;

/// Longest refusal reason kept.
const MAX_REASON: usize = 500;

#[derive(serde::Deserialize, Default)]
pub struct TransfersParams {
    /// The request just decided, and how (`done`, `not_pending`, `stale`).
    pub decided: Option<i64>,
    pub outcome: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct DecisionForm {
    pub csrf: String,
    /// `approve` or `refuse`.
    pub decision: String,
    #[serde(default)]
    pub reason: String,
}

/// The principal's area filter for the store: the city sees all, a county
/// officer its county's, a school officer its school's; each row is asked
/// of `access` again before it is shown.
fn query_for(ctx: &Ctx, status: Option<TransferStatus>) -> TransferQuery {
    let (county, school) = match &ctx.principal.scope {
        access::Scope::City { .. } => (None, None),
        access::Scope::County { county } => (Some(county.clone()), None),
        access::Scope::School { school, .. } => (None, Some(school.clone())),
    };
    TransferQuery {
        county,
        school,
        status,
        limit: LISTED,
    }
}

fn visible(ctx: &Ctx, r: &TransferRequest) -> bool {
    let req = &r.request;
    ctx.principal.can_view_transfer(
        (&req.from.school, &req.from_county),
        (req.row.school(), &req.to_county),
    )
}

pub async fn transfers(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Query(params): Query<TransfersParams>,
) -> Result<Markup, WebError> {
    if !ctx.principal.can_view_transfers() {
        return Err(forbidden(&ctx));
    }
    let pending_query = query_for(&ctx, Some(TransferStatus::Pending));
    let all_query = query_for(&ctx, None);
    let (pending, recent, names) = state
        .with_store(move |s| {
            let pending = s.transfers(&pending_query)?;
            let recent = s.transfers(&all_query)?;
            let mut names = std::collections::HashMap::new();
            for r in pending.iter().chain(&recent) {
                for code in [&r.request.from.school, r.request.row.school()] {
                    if !names.contains_key(code) {
                        let name = s.school(code)?.map(|school| school.name).unwrap_or_default();
                        names.insert(code.clone(), name);
                    }
                }
            }
            Ok((pending, recent, names))
        })
        .await?;
    let lang = ctx.lang;
    let p = &ctx.principal;
    let (to_decide, asked): (Vec<_>, Vec<_>) = pending
        .into_iter()
        .filter(|r| visible(&ctx, r))
        .partition(|r| p.can_decide_transfer(&r.request.from.school, &r.request.from_county));
    let decided: Vec<_> = recent
        .into_iter()
        .filter(|r| r.status != TransferStatus::Pending && visible(&ctx, r))
        .take(50)
        .collect();
    let school = |code: &registry::SchoolCode| -> String {
        match names.get(code).filter(|n| !n.is_empty()) {
            Some(name) => format!("{name}（{code}）"),
            None => code.to_string(),
        }
    };
    let notice = params.decided.map(|id| {
        let (class, text) = match params.outcome.as_deref() {
            Some("not_pending") => ("error", tf(lang, Msg::TransferNotPending, &[&id])),
            Some("stale") => ("error", tf(lang, Msg::TransferStale, &[&id])),
            Some(done) => (
                "ok",
                tf(lang, Msg::TransferDecided, &[&id, &status_label(lang, done)]),
            ),
            None => ("ok", tf(lang, Msg::TransferDecided, &[&id, &""])),
        };
        html! { p #decision-result class=(class) { (text) } }
    });
    let csrf = ctx.csrf.clone().unwrap_or_default();
    let head = |decide: bool| {
        html! { thead { tr {
            th { "#" } th { (t(lang, Msg::TransferKind)) } th { (t(lang, Msg::IdNumber)) } th { (t(lang, Msg::PersonName)) }
            th { (t(lang, Msg::SchoolYear)) } th { (t(lang, Msg::FromSchool)) } th { (t(lang, Msg::ToSchool)) }
            th { (t(lang, Msg::FiledFrom)) } th { (t(lang, Msg::RequestedBy)) } th { (t(lang, Msg::Time)) }
            @if decide { th { (t(lang, Msg::Action)) } } @else { th { (t(lang, Msg::Status)) } }
        } } }
    };
    let cells = |r: &TransferRequest| {
        let req = &r.request;
        html! {
            td { (r.id) }
            td { (kind_label(lang, req.row.kind())) }
            td { (req.row.id_number().masked()) }
            td { (registry::mask::name(req.row.name())) }
            td { (req.row.school_year().label_zh()) }
            // The asking side learns that a number is held elsewhere (that
            // is the request), never where: the releasing school is named
            // only to those who may see it.
            td { @if p.can_view_school(&req.from.school, &req.from_county) { (school(&req.from.school)) } @else { span.muted { (t(lang, Msg::OutsideScopeSchool)) } } }
            td { (school(req.row.school())) }
            td { (req.source) }
            td { (req.requested_by) }
            td { (crate::pages::beijing_time(req.requested_at)) }
        }
    };
    let body = html! {
        h1 { (t(lang, Msg::Transfers)) }
        p.muted { (t(lang, Msg::TransfersHint)) }
        @if let Some(notice) = notice { (notice) }
        h2 { (t(lang, Msg::TransfersToDecide)) " (" (to_decide.len()) ")" }
        @if to_decide.is_empty() { p.muted { (t(lang, Msg::NoTransfers)) } } @else {
            div.table-wrap { table #to-decide {
                (head(true))
                tbody { @for r in &to_decide { tr data-request=(r.id) {
                    (cells(r))
                    td {
                        form.inline method="post" action={ "/transfers/" (r.id) } {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="decision" value="approve";
                            button.primary type="submit" { (t(lang, Msg::Approve)) }
                        }
                        form.inline method="post" action={ "/transfers/" (r.id) } {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="decision" value="refuse";
                            input name="reason" required maxlength=(MAX_REASON) placeholder=(t(lang, Msg::RefuseReason));
                            button type="submit" { (t(lang, Msg::Refuse)) }
                        }
                    }
                } } }
            } }
        }
        h2 { (t(lang, Msg::TransfersAsked)) " (" (asked.len()) ")" }
        @if asked.is_empty() { p.muted { (t(lang, Msg::NoTransfers)) } } @else {
            div.table-wrap { table #asked {
                (head(false))
                tbody { @for r in &asked { tr data-request=(r.id) {
                    (cells(r))
                    td { (status_label(lang, r.status.code())) }
                } } }
            } }
        }
        h2 { (t(lang, Msg::TransfersDecided)) }
        @if decided.is_empty() { p.muted { (t(lang, Msg::NoTransfers)) } } @else {
            div.table-wrap { table #decided {
                (head(false))
                tbody { @for r in &decided { tr data-request=(r.id) {
                    (cells(r))
                    td {
                        (status_label(lang, r.status.code()))
                        @if let Some(by) = &r.decided_by { " · " (by) }
                        @if let Some(reason) = &r.reason { br; span.muted { (t(lang, Msg::Reason)) "：" (reason) } }
                    }
                } } }
            } }
        }
    };
    Ok(page(&ctx, t(lang, Msg::Transfers), body))
}

/// `POST /transfers/{id}`: the releasing side's decision. A request the
/// principal may not decide — or that does not exist — gets the same
/// refusal, so an id reveals nothing.
pub async fn decide(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, WebError> {
    ctx.check_csrf(&form.csrf)?;
    if !ctx.principal.can_view_transfers() {
        return Err(forbidden(&ctx));
    }
    let request = state.with_store(move |s| s.transfer(id)).await?;
    let allowed = request.as_ref().is_some_and(|r| {
        ctx.principal
            .can_decide_transfer(&r.request.from.school, &r.request.from_county)
    });
    if !allowed {
        return Err(forbidden(&ctx));
    }
    let decision = match form.decision.as_str() {
        "approve" => TransferDecision::Approve,
        "refuse" => {
            let reason = form.reason.trim();
            if reason.is_empty() || reason.chars().count() > MAX_REASON {
                return Err(WebError::BadRequest(t(ctx.lang, Msg::ReasonRequired).to_owned()));
            }
            TransferDecision::Refuse {
                reason: reason.to_owned(),
            }
        }
        _ => return Err(WebError::BadRequest(t(ctx.lang, Msg::BadRequest).to_owned())),
    };
    let actor = ctx.principal.username.clone();
    let approve = decision == TransferDecision::Approve;
    let outcome = state
        .with_store(move |s| s.decide_transfer(id, &decision, &actor, chrono::Utc::now()))
        .await?;
    let outcome = match outcome {
        DecideOutcome::Decided if approve => TransferStatus::Approved.code(),
        DecideOutcome::Decided => TransferStatus::Refused.code(),
        DecideOutcome::NotPending => "not_pending",
        DecideOutcome::Stale => "stale",
    };
    Ok(Redirect::to(&format!("/transfers?decided={id}&outcome={outcome}")).into_response())
}

fn status_label(lang: Lang, code: &str) -> &'static str {
    match (TransferStatus::from_code(code), lang) {
        (Some(s), Lang::Zh) => s.label_zh(),
        (Some(s), Lang::En) => s.label_en(),
        (None, _) => "",
    }
}

fn kind_label(lang: Lang, kind: store::PersonKind) -> &'static str {
    match (kind, lang) {
        (kind, Lang::Zh) => kind.request_label_zh(),
        (store::PersonKind::Student, Lang::En) => "Student transfer",
        (store::PersonKind::Teacher, Lang::En) => "Teacher transfer",
    }
}
