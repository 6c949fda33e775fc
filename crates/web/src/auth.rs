//! Who is asking: the session cookie resolved to a `Principal` (or the
//! anonymous public), the language, and the CSRF token forms must send back.

use std::sync::Arc;

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
    /// it could not be read.
    pub revision: Option<i64>,
    /// Whether the registry holds the synthetic demo city
    /// ([`store::Store::holds_demo_city`]): every page then says
    /// 演示数据，非官方统计.
    pub demo: bool,
    /// What the header calls the user's scope: the city or county's name, or
    /// the school's name and code (`山东省实验小学（2370112001）`); the
    /// city's name for the public.
    pub scope_name: String,
    /// The page the user came from, as a path on this server, when the
    /// `Referer` is of the same origin (the refusal page's "返回上一页").
    pub back: Option<String>,
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

    /// One trip to a blocking thread per request, signed in or not: the
    /// session, the registry's revision, the demo mark and, for a school
    /// officer, the school's name — each one cached statement.
    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Ctx, WebError> {
        let lang = request_lang(&parts.headers);
        let back = same_origin_referer(&parts.headers, &parts.uri);
        let token = cookie(&parts.headers, accounts::SESSION_COOKIE).map(str::to_owned);
        let found = state
            .blocking(move |s| {
                let session = match token {
                    Some(token) => {
                        accounts::principal(s, &accounts::Policy::default(), &token, chrono::Utc::now())
                    }
                    None => Ok(None),
                };
                let school_name = match &session {
                    Ok(Some(info)) => match &info.principal.scope {
                        Scope::School { school, .. } => s.school(school).map(|found| found.map(|f| f.name)),
                        _ => Ok(None),
                    },
                    _ => Ok(None),
                };
                Found {
                    session,
                    revision: s.registry_revision(),
                    demo: s.holds_demo_city(),
                    school_name,
                }
            })
            .await?;
        let session = found.session.unwrap_or_else(|err| {
            tracing::warn!(error = %err, "session lookup failed");
            None
        });
        let demo = match found.demo {
            Ok(demo) => {
                state.demo.set(demo);
                demo
            }
            Err(err) => {
                tracing::warn!(error = %err, "reading the demo mark failed");
                state.demo.get().unwrap_or(false)
            }
        };
        let school_name = found.school_name.unwrap_or_else(|err| {
            tracing::warn!(error = %err, "reading the school's name failed");
            None
        });
        let (principal, csrf, signed_in) = match session {
            Some(info) => (info.principal, Some(info.csrf_token), true),
            None => (public(&state.city), None, false),
        };
        Ok(Ctx {
            scope_name: scope_name(&principal.scope, school_name.as_deref()),
            principal,
            lang,
            csrf,
            signed_in,
            revision: found.revision.ok(),
            demo,
            back,
        })
    }
}

/// What one trip to the database found for a request's context.
struct Found {
    session: Result<Option<accounts::SessionInfo>, accounts::AccountError>,
    revision: Result<i64, store::StoreError>,
    demo: Result<bool, store::StoreError>,
    school_name: Result<Option<String>, store::StoreError>,
}

/// The name of a scope as the header shows it: `济南市`, `历城区`, or
/// `山东省实验小学（2370112001）` (the code alone if the school is not
/// stored). Area names come from the real division codes.
pub fn scope_name(scope: &Scope, school_name: Option<&str>) -> String {
    match scope {
        Scope::City { city } => area_name(city),
        Scope::County { county } => area_name(county),
        Scope::School { school, .. } => match school_name {
            Some(name) => format!("{name}（{}）", school.as_str()),
            None => school.as_str().to_owned(),
        },
    }
}

/// A city's or county's name from `registry::divisions`, read once; the
/// code itself for a code the tables do not hold.
pub fn area_name(code: &registry::AreaCode) -> String {
    static NAMES: std::sync::OnceLock<std::collections::HashMap<String, String>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let mut names = registry::divisions::county_and_township_names();
        let cities: std::collections::BTreeSet<String> = names
            .keys()
            .filter_map(|code| code.get(..4))
            .map(str::to_owned)
            .collect();
        for city in cities {
            if let Some(name) = registry::divisions::city_name(&city) {
                names.insert(city, name);
            }
        }
        names
    });
    names
        .get(code.as_str())
        .cloned()
        .unwrap_or_else(|| code.as_str().to_owned())
}

/// Longest `Referer` path kept for the refusal page's link back.
const MAX_BACK: usize = 2048;

/// The path (and query) of the `Referer`, when it names this server (its
/// host and port equal the request's `Host`) and is not the page asked for
/// now; `None` otherwise, so the refusal page never links elsewhere.
pub fn same_origin_referer(headers: &HeaderMap, uri: &axum::http::Uri) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if !authority.eq_ignore_ascii_case(host) {
        return None;
    }
    let path = path.split('#').next().unwrap_or_default();
    let path = if path.is_empty() { "/" } else { path };
    let current = uri.path_and_query().map_or("/", |p| p.as_str());
    let plain = path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= MAX_BACK
        && !path.chars().any(|c| c.is_control() || c == '\\');
    (plain && path != current).then(|| path.to_owned())
}

/// The header every answer carries while the demo city is served.
pub const DEMO_HEADER: &str = "x-edugov-demo";

/// Marks every answer `X-Edugov-Demo: 1` while the registry holds the demo
/// city, so an API client is told too. The mark is the one the request's
/// context just read; an answer given before any request read it reads it.
pub async fn demo_header(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut response = next.run(request).await;
    let demo = match state.demo.get() {
        Some(demo) => demo,
        None => match state.blocking(|s| s.holds_demo_city()).await {
            Ok(Ok(demo)) => {
                state.demo.set(demo);
                demo
            }
            _ => false,
        },
    };
    if demo {
        response
            .headers_mut()
            .insert(DEMO_HEADER, axum::http::HeaderValue::from_static("1"));
    }
    response
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
