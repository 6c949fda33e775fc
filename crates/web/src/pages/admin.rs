//! Administrators' pages: users (list, add, enable/disable) and the audit log.

use std::sync::Arc;

use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use store::AccountStore;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::{t, Msg};
use crate::layout::{forbidden, page, role_label};
use crate::state::AppState;

#[derive(serde::Deserialize)]
pub struct NewUserForm {
    /// Missing counts as wrong: refused with 403, not a parse error.
    #[serde(default)]
    pub csrf: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub scope: String,
    pub password: String,
}

#[derive(serde::Deserialize)]
pub struct ActiveForm {
    /// Missing counts as wrong: refused with 403, not a parse error.
    #[serde(default)]
    pub csrf: String,
    pub username: String,
    pub active: bool,
}

pub async fn users(State(state): State<Arc<AppState>>, ctx: Ctx) -> Result<Markup, WebError> {
    users_page(&state, &ctx, None).await
}

async fn users_page(
    state: &AppState,
    ctx: &Ctx,
    message: Option<Result<String, String>>,
) -> Result<Markup, WebError> {
    if !ctx.principal.can_manage_users() {
        return Err(forbidden(ctx));
    }
    let list = state
        .blocking(|s| accounts::list_users(s))
        .await?
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    let lang = ctx.lang;
    let csrf = ctx.csrf.clone().unwrap_or_default();
    let body = html! {
        h1 { (t(lang, Msg::Users)) }
        @match &message { Some(Ok(m)) => p.ok { (m) }, Some(Err(m)) => p.error { (m) }, None => "" }
        div.table-wrap { table.sortable #users {
            thead { tr { th { (t(lang, Msg::Username)) } th { (t(lang, Msg::Name)) } th { (t(lang, Msg::Role)) } th { (t(lang, Msg::Scope)) } th { (t(lang, Msg::Active)) } th {} } }
            tbody { @for u in &list {
                tr { td { (u.username) } td { (u.display_name) } td { (role_label(ctx, u.role)) } td { (accounts::scope_code(&u.scope)) }
                     td { (t(lang, if u.active { Msg::Yes } else { Msg::No })) }
                     td { @if u.id != ctx.principal.user_id {
                         form method="post" action="/admin/users/active" {
                             input type="hidden" name="csrf" value=(csrf);
                             input type="hidden" name="username" value=(u.username);
                             input type="hidden" name="active" value=(!u.active);
                             button type="submit" { (if u.active { "停用 / Disable" } else { "启用 / Enable" }) }
                         }
                     } } }
            } }
        } }
        h2 { "+ " (t(lang, Msg::Users)) }
        form.filters method="post" action="/admin/users" {
            input type="hidden" name="csrf" value=(csrf);
            input name="username" placeholder=(t(lang, Msg::Username)) required;
            input name="display_name" placeholder=(t(lang, Msg::Name)) required;
            select name="role" { @for r in access::Role::ALL { @if r != access::Role::Public { option value=(r.code()) { (role_label(ctx, r)) } } } }
            input name="scope" placeholder="3701 / 370112 / 2370112001" required;
            input name="password" type="password" placeholder=(t(lang, Msg::Password)) required minlength="10";
            button.primary type="submit" { "+" }
        }
    };
    Ok(page(ctx, t(lang, Msg::Users), body))
}

pub async fn add_user(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Form(form): Form<NewUserForm>,
) -> Result<Markup, WebError> {
    ctx.check_csrf(&form.csrf)?;
    if !ctx.principal.can_manage_users() {
        return Err(forbidden(&ctx));
    }
    let actor = ctx.principal.username.clone();
    let result = state
        .blocking(move |s| -> Result<String, String> {
            let role = access::Role::parse(&form.role).map_err(|e| e.to_string())?;
            let scope = accounts::resolve_scope(s, role, &form.scope).map_err(|e| e.to_string())?;
            accounts::add_user(
                s,
                &actor,
                &accounts::NewUser {
                    username: &form.username,
                    display_name: &form.display_name,
                    role,
                    scope,
                    password: &form.password,
                },
                chrono::Utc::now(),
            )
            .map_err(|e| e.to_string())?;
            Ok(format!("已添加用户 {}", form.username.trim()))
        })
        .await?;
    users_page(&state, &ctx, Some(result)).await
}

pub async fn set_active(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Form(form): Form<ActiveForm>,
) -> Result<Response, WebError> {
    ctx.check_csrf(&form.csrf)?;
    if !ctx.principal.can_manage_users() {
        return Err(forbidden(&ctx));
    }
    let actor = ctx.principal.username.clone();
    state
        .blocking(move |s| accounts::set_active(s, &actor, &form.username, form.active, chrono::Utc::now()))
        .await?
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(serde::Deserialize)]
pub struct AuditParams {
    pub page: Option<u64>,
    pub actor: Option<String>,
}

pub async fn audit(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Query(q): Query<AuditParams>,
) -> Result<Markup, WebError> {
    if !ctx.principal.can_read_audit() {
        return Err(forbidden(&ctx));
    }
    const PAGE: u64 = 100;
    let page_no = q.page.unwrap_or(0);
    let actor = q.actor.clone().filter(|a| !a.trim().is_empty());
    let filter = actor.clone();
    let log = state
        .with_store(move |s| {
            s.audit_log(&store::accounts::AuditQuery {
                actor: filter.as_deref(),
                action: None,
                offset: page_no * PAGE,
                limit: PAGE,
            })
        })
        .await?;
    let lang = ctx.lang;
    let pages = log.total.div_ceil(PAGE).max(1);
    let body = html! {
        h1 { (t(lang, Msg::Audit)) }
        form.filters method="get" action="/admin/audit" {
            input name="actor" value=(actor.clone().unwrap_or_default()) placeholder=(t(lang, Msg::Actor));
            button.primary type="submit" { (t(lang, Msg::Search)) }
        }
        div.table-wrap { table #audit {
            thead { tr { th { (t(lang, Msg::Time)) } th { (t(lang, Msg::Actor)) } th { (t(lang, Msg::Action)) } th { (t(lang, Msg::Detail)) } } }
            tbody { @for e in &log.entries { tr { td { (e.at.format("%Y-%m-%d %H:%M:%S")) } td { (e.actor) } td { (e.action) } td { (e.detail) } } } }
        } }
        div.pager {
            @if page_no > 0 { a href={ "/admin/audit?page=" (page_no - 1) } { (t(lang, Msg::Previous)) } }
            span { (page_no + 1) " / " (pages) }
            @if page_no + 1 < pages { a href={ "/admin/audit?page=" (page_no + 1) } { (t(lang, Msg::Next)) } }
        }
    };
    Ok(page(&ctx, t(lang, Msg::Audit), body))
}
