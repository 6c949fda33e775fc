//! Administrators' pages: users (list, add, enable/disable) and the audit log.

use std::sync::Arc;

use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::{t, tf, Msg};
use crate::layout::{forbidden, page, role_label};
use crate::pages::urlencode;
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
    /// The search and page the form was on, to go back to them.
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: u64,
}

/// `?q=…&page=…` of the users page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct UsersQuery {
    pub q: Option<String>,
    pub page: Option<u64>,
}

/// Users a page lists: a city has a school officer per school, thousands.
pub const USERS_PAGE: u64 = 100;

pub async fn users(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Query(q): Query<UsersQuery>,
) -> Result<Markup, WebError> {
    users_page(&state, &ctx, &q, None).await
}

/// Whether a user matches a search: in its username, name or scope code,
/// ignoring case.
fn matches(user: &accounts::User, needle: &str) -> bool {
    [
        user.username.as_str(),
        user.display_name.as_str(),
        accounts::scope_code(&user.scope),
    ]
    .iter()
    .any(|field| field.to_lowercase().contains(needle))
}

async fn users_page(
    state: &AppState,
    ctx: &Ctx,
    q: &UsersQuery,
    message: Option<Result<String, String>>,
) -> Result<Markup, WebError> {
    if !ctx.principal.can_manage_users() {
        return Err(forbidden(ctx));
    }
    let list = state
        .blocking(|s| accounts::list_users(s))
        .await?
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    let search = q.q.clone().unwrap_or_default();
    let needle = search.trim().to_lowercase();
    let found: Vec<&accounts::User> = list.iter().filter(|u| matches(u, &needle)).collect();
    let (page_no, pages) = crate::pages::clamp_page(q.page, found.len() as u64, USERS_PAGE);
    let shown = found
        .iter()
        .skip((page_no * USERS_PAGE) as usize)
        .take(USERS_PAGE as usize);
    let link = |p: u64| format!("/admin/users?q={}&page={p}", urlencode(&search));
    let lang = ctx.lang;
    let csrf = ctx.csrf.clone().unwrap_or_default();
    let body = html! {
        h1 { (t(lang, Msg::Users)) }
        @match &message { Some(Ok(m)) => p.ok { (m) }, Some(Err(m)) => p.error { (m) }, None => "" }
        form.filters method="get" action="/admin/users" {
            input type="search" name="q" value=(search) placeholder=(t(lang, Msg::UserSearchHint));
            button.primary type="submit" { (t(lang, Msg::Search)) }
        }
        h2 { (t(lang, Msg::Users)) " (" (found.len()) ")" }
        div.table-wrap { table.sortable #users {
            thead { tr { th { (t(lang, Msg::Username)) } th { (t(lang, Msg::Name)) } th { (t(lang, Msg::Role)) } th { (t(lang, Msg::Scope)) } th { (t(lang, Msg::Active)) } th {} } }
            tbody { @for u in shown {
                tr { td { (u.username) } td { (u.display_name) } td { (role_label(ctx, u.role)) } td { (accounts::scope_code(&u.scope)) }
                     td { (t(lang, if u.active { Msg::Yes } else { Msg::No })) }
                     td { @if u.id != ctx.principal.user_id {
                         form method="post" action="/admin/users/active" {
                             input type="hidden" name="csrf" value=(csrf);
                             input type="hidden" name="username" value=(u.username);
                             input type="hidden" name="active" value=(!u.active);
                             input type="hidden" name="q" value=(search);
                             input type="hidden" name="page" value=(page_no);
                             button type="submit" { (t(lang, if u.active { Msg::Disable } else { Msg::Enable })) }
                         }
                     } } }
            } }
        } }
        (crate::pages::pager(lang, page_no, pages, link))
        h2 { (t(lang, Msg::AddUser)) }
        form.filters method="post" action="/admin/users" {
            input type="hidden" name="csrf" value=(csrf);
            input name="username" placeholder=(t(lang, Msg::Username)) required;
            input name="display_name" placeholder=(t(lang, Msg::Name)) required;
            select name="role" { @for r in access::Role::ALL { @if r != access::Role::Public { option value=(r.code()) { (role_label(ctx, r)) } } } }
            input name="scope" placeholder=(t(lang, Msg::ScopeHint)) required;
            input name="password" type="password" placeholder=(t(lang, Msg::Password)) required minlength=(accounts::MIN_PASSWORD_CHARS);
            button.primary type="submit" { (t(lang, Msg::AddUser)) }
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
    let lang = ctx.lang;
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
            Ok(tf(lang, Msg::UserAdded, &[&form.username.trim()]))
        })
        .await?;
    users_page(&state, &ctx, &UsersQuery::default(), Some(result)).await
}

/// Enables or disables a user and goes back to the list; a refusal (the
/// last active city administrator) is shown on the list, in Chinese as the
/// accounts crate words it.
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
    let back = format!("/admin/users?q={}&page={}", urlencode(&form.q), form.page);
    let (username, active) = (form.username.clone(), form.active);
    let changed = state
        .blocking(move |s| accounts::set_active(s, &actor, &username, active, chrono::Utc::now()))
        .await?;
    match changed {
        Ok(()) => Ok(Redirect::to(&back).into_response()),
        Err(err @ accounts::AccountError::LastCityAdmin(_)) => {
            let query = UsersQuery {
                q: Some(form.q),
                page: Some(form.page),
            };
            let page = users_page(&state, &ctx, &query, Some(Err(err.to_string()))).await?;
            Ok((axum::http::StatusCode::CONFLICT, page).into_response())
        }
        Err(err) => Err(WebError::BadRequest(err.to_string())),
    }
}

#[derive(serde::Deserialize)]
pub struct AuditParams {
    pub page: Option<u64>,
    pub actor: Option<String>,
    /// An action's code (`store::AuditAction::code`); empty or unknown: all.
    pub action: Option<String>,
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
    let actor = q.actor.clone().filter(|a| !a.trim().is_empty());
    let action = q.action.as_deref().and_then(store::AuditAction::from_code);
    let read = |page_no: u64| {
        let filter = actor.clone();
        state.with_store(move |s| {
            s.audit_log(&store::accounts::AuditQuery {
                actor: filter.as_deref(),
                action,
                offset: page_no.saturating_mul(PAGE),
                limit: PAGE,
            })
        })
    };
    let asked = q.page.unwrap_or(0);
    let mut log = read(asked).await?;
    let (page_no, pages) = crate::pages::clamp_page(Some(asked), log.total, PAGE);
    // Past the end (a stale or hand-written link): the last page instead.
    if page_no != asked {
        log = read(page_no).await?;
    }
    let lang = ctx.lang;
    let actor_text = actor.clone().unwrap_or_default();
    let action_code = action.map(|a| a.code()).unwrap_or_default();
    let link = |p: u64| {
        format!(
            "/admin/audit?actor={}&action={action_code}&page={p}",
            urlencode(&actor_text)
        )
    };
    let action_label = |a: store::AuditAction| crate::pages::vocab(lang, a.label_zh(), a.label_en());
    let body = html! {
        h1 { (t(lang, Msg::Audit)) }
        form.filters method="get" action="/admin/audit" {
            input name="actor" value=(actor_text) placeholder=(t(lang, Msg::Actor));
            select name="action" {
                option value="" { (t(lang, Msg::AllActions)) }
                @for &a in store::AuditAction::ALL { option value=(a.code()) selected[action == Some(a)] { (action_label(a)) } }
            }
            button.primary type="submit" { (t(lang, Msg::Search)) }
        }
        div.table-wrap { table #audit {
            thead { tr { th { (t(lang, Msg::Time)) } th { (t(lang, Msg::Actor)) } th { (t(lang, Msg::Action)) } th { (t(lang, Msg::Detail)) } } }
            tbody { @for e in &log.entries { tr { td { (e.at.format("%Y-%m-%d %H:%M:%S")) } td { (e.actor) } td { (store::AuditAction::from_code(&e.action).map_or(e.action.as_str(), action_label)) } td { (e.detail) } } } }
        } }
        (crate::pages::pager(lang, page_no, pages, link))
    };
    Ok(page(&ctx, t(lang, Msg::Audit), body))
}
