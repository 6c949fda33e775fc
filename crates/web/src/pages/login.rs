//! Sign in, sign out, and the language switch.

use std::sync::Arc;

use axum::extract::{Form, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use maud::html;

use crate::auth::{cookie, random_token, set_cookie, Ctx, LANG_COOKIE, PRE_CSRF_COOKIE};
use crate::client::ClientKey;
use crate::error::WebError;
use crate::i18n::{t, tf, Lang, Msg};
use crate::layout::page;
use crate::state::AppState;

#[derive(serde::Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    /// Missing counts as wrong: refused with 403, not a parse error.
    #[serde(default)]
    pub csrf: String,
}

#[derive(serde::Deserialize)]
pub struct CsrfForm {
    /// Missing counts as wrong: refused with 403, not a parse error.
    #[serde(default)]
    pub csrf: String,
}

pub async fn login_page(State(state): State<Arc<AppState>>, ctx: Ctx) -> Result<Response, WebError> {
    login_form(&state, &ctx, None, StatusCode::OK)
}

fn login_form(
    state: &AppState,
    ctx: &Ctx,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let token = random_token()?;
    let lang = ctx.lang;
    let body = html! {
        form.login method="post" action="/login" {
            h1 { (t(lang, Msg::Login)) }
            @if let Some(e) = &error { p.error #login-error { (e) } }
            input type="hidden" name="csrf" value=(token);
            label for="username" { (t(lang, Msg::Username)) }
            input #username name="username" autocomplete="username" required;
            label for="password" { (t(lang, Msg::Password)) }
            input #password name="password" type="password" autocomplete="current-password" required;
            p { button.primary type="submit" { (t(lang, Msg::Login)) } }
        }
    };
    let cookie = set_cookie(state, PRE_CSRF_COOKIE, &token, 3600);
    Ok((
        status,
        [(header::SET_COOKIE, cookie)],
        page(ctx, t(lang, Msg::Login), body),
    )
        .into_response())
}

/// A login: the throttle and the user read on a pooled connection, the
/// password checked on a hashing slot without one ([`AppState::hash`]), the
/// outcome written on a pooled connection again. So a flood of logins holds
/// neither the connections nor more cores than the hashing slots, and
/// signed-in users keep their speed (issue 10, point 6).
pub async fn login(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    ClientKey(client): ClientKey,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let expected = cookie(&headers, PRE_CSRF_COOKIE).unwrap_or_default().to_owned();
    if expected.is_empty() || !accounts::verify_csrf(&expected, &form.csrf) {
        return Err(WebError::Csrf);
    }
    let LoginForm {
        username, password, ..
    } = form;
    let Some(_turn) = state.login_turn(&client) else {
        return busy(&state, &ctx);
    };
    let policy = state.config.login_policy;
    let begun = state
        .blocking(move |s| accounts::begin_login(s, &policy, &username, &client, chrono::Utc::now()))
        .await?;
    let result = match begun {
        Err(err) => Err(err),
        Ok(attempt) => match state
            .hash(move || {
                let matches = attempt.verify(&password);
                (attempt, matches)
            })
            .await?
        {
            Err(_busy) => return busy(&state, &ctx),
            Ok((attempt, matches)) => {
                state
                    .blocking(move |s| {
                        accounts::finish_login(s, &policy, attempt, matches, chrono::Utc::now())
                    })
                    .await?
            }
        },
    };
    match result {
        Ok(session) => {
            let max_age = (session.expires_at - chrono::Utc::now()).num_seconds().max(0);
            let cookie = set_cookie(&state, accounts::SESSION_COOKIE, &session.token, max_age);
            let clear = set_cookie(&state, PRE_CSRF_COOKIE, "", 0);
            // Two cookies: `AppendHeaders`, since a plain header array replaces.
            Ok((
                AppendHeaders([(header::SET_COOKIE, cookie), (header::SET_COOKIE, clear)]),
                Redirect::to("/"),
            )
                .into_response())
        }
        Err(err) => {
            let lang = ctx.lang;
            let (message, status, retry) = match err {
                accounts::LoginError::InvalidCredentials => (
                    t(lang, Msg::LoginFailed).to_owned(),
                    StatusCode::UNAUTHORIZED,
                    None,
                ),
                accounts::LoginError::Throttled { seconds, .. } => (
                    tf(lang, Msg::LoginThrottled, &[&seconds]),
                    StatusCode::TOO_MANY_REQUESTS,
                    Some(seconds.max(1)),
                ),
                accounts::LoginError::Disabled => (
                    t(lang, Msg::AccountDisabled).to_owned(),
                    StatusCode::UNAUTHORIZED,
                    None,
                ),
                accounts::LoginError::Account(err) => return Err(WebError::Internal(err.to_string())),
            };
            let mut response = login_form(&state, &ctx, Some(message), status)?;
            if let Some(seconds) = retry {
                response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
            }
            Ok(response)
        }
    }
}

/// Every hashing slot is taken and the queue is full: 429, try again shortly.
fn busy(state: &AppState, ctx: &Ctx) -> Result<Response, WebError> {
    let message = t(ctx.lang, Msg::LoginBusy).to_owned();
    let mut response = login_form(state, ctx, Some(message), StatusCode::TOO_MANY_REQUESTS)?;
    response.headers_mut().insert(header::RETRY_AFTER, 1.into());
    Ok(response)
}

pub async fn logout(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    ctx.check_csrf(&form.csrf)?;
    if let Some(token) = cookie(&headers, accounts::SESSION_COOKIE).map(str::to_owned) {
        state
            .blocking(move |s| accounts::logout(s, &token, chrono::Utc::now()))
            .await?
            .map_err(|e| WebError::BadRequest(e.to_string()))?;
    }
    let clear = set_cookie(&state, accounts::SESSION_COOKIE, "", 0);
    Ok(([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response())
}

/// `/lang/en` or `/lang/zh-CN`: remembers the choice and goes back.
pub async fn switch_language(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            r.find("//")
                .and_then(|i| r[i + 2..].find('/').map(|j| r[i + 2 + j..].to_owned()))
        })
        .filter(|path| path.starts_with('/') && !path.starts_with("//") && !path.contains('\\'))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = set_cookie(&state, LANG_COOKIE, lang.code(), 365 * 24 * 3600);
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}
