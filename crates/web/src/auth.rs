//! Who is asking: the session cookie resolved to a `Principal` (or the
//! anonymous public), the language, and the CSRF token forms must send back.

use std::sync::Arc;
use store::Store;

use access::{Principal, Role, Scope};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;

pub const LANG_COOKIE: &str = "edugov_lang";
/// Before login there is no session: the login form is protected by a
/// double-submit token, a random cookie repeated in the form.
pub const PRE_CSRF_COOKIE: &str = "edugov_login_csrf";

/// The request's context, extracted for every page and API call.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub principal: Principal,
    pub lang: Lang,
    /// The session's CSRF token; `None` for the public.
    pub csrf: Option<String>,
    pub signed_in: bool,
    /// The registry's revision, read in the same trip to the database as
    /// the session (see [`crate::state::AppState::indicators`]); `None` when
    /// no session was looked up.
    pub revision: Option<i64>,
}

impl Ctx {
    /// Checks a form's CSRF token against the session's.
    pub fn check_csrf(&self, given: &str) -> Result<(), WebError> {
        match &self.csrf {
            Some(expected) if accounts::verify_csrf(expected, given) => Ok(()),
            _ => Err(WebError::Csrf),
        }
    }
}

/// The anonymous visitor: what the bureau publishes for the city.
pub fn public(city: &registry::AreaCode) -> Principal {
    Principal {
        user_id: 0,
        username: "public".to_owned(),
        display_name: "公众".to_owned(),
        role: Role::Public,
        scope: Scope::City { city: city.clone() },
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The language of a request: Chinese unless the user chose English with
/// the switch (not the browser's language: bureaus' machines vary, the
/// product is zh-CN first).
pub fn request_lang(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .unwrap_or_default()
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, whole site; `Secure` when
/// the server is told it sits behind HTTPS.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_seconds: i64) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}")
}

impl FromRequestParts<Arc<AppState>> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Ctx, WebError> {
        let lang = request_lang(&parts.headers);
        let token = cookie(&parts.headers, accounts::SESSION_COOKIE).map(str::to_owned);
        let (session, revision) = match token {
            Some(token) => {
                let (session, revision) = state
                    .blocking(move |s| {
                        let session =
                            accounts::principal(s, &accounts::Policy::default(), &token, chrono::Utc::now());
                        (session, s.registry_revision())
                    })
                    .await?;
                let session = session.unwrap_or_else(|err| {
                    tracing::warn!(error = %err, "session lookup failed");
                    None
                });
                (session, revision.ok())
            }
            None => (None, None),
        };
        Ok(match session {
            Some(info) => Ctx {
                principal: info.principal,
                lang,
                csrf: Some(info.csrf_token),
                signed_in: true,
                revision,
            },
            None => Ctx {
                principal: public(&state.city),
                lang,
                csrf: None,
                signed_in: false,
                revision,
            },
        })
    }
}

/// 32 random bytes as hex, for the login form's double-submit token.
pub fn random_token() -> Result<String, WebError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| WebError::BadRequest(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Writes an error answer in the request's language (the language cookie,
/// as [`crate::auth::Ctx`] reads it).
pub async fn localise(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let lang = request_lang(request.headers());
    let mut response = next.run(request).await;
    if let Some(text) = response.extensions_mut().remove::<crate::error::ErrorText>() {
        if lang != Lang::default() {
            response.headers_mut().remove(header::CONTENT_LENGTH);
            *response.body_mut() = axum::body::Body::from(text.render(lang));
        }
    }
    response
}
