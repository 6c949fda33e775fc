//! The one way into a page or API answer about an area's figures: reads the
//! requested area, school year, indicator and stage, checks scope with
//! `access`, and brings the fresh computed indicators — so the overview,
//! the drill-down, the indicator page, their exports and the JSON API open
//! alike and none can forget a check.
//!
//! Routes name their parts `{area}` and `{indicator}` in the path; the rest
//! comes from the query (`?area=&year=&indicator=&stage=`). A page is
//! refused with the HTML refusal page ([`Page`]), the API with JSON
//! ([`Api`]); both refuse an area outside the principal's scope the same
//! whether it exists or not. The API's refusals are JSON ([`ApiError`],
//! documented in the OpenAPI document by `api.rs`).

use std::sync::Arc;

use axum::extract::{FromRequestParts, Query, RawPathParams};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use indicators::Indicator;
use registry::{AreaCode, SchoolYear, Stage};

use crate::auth::{request_lang, Ctx};
use crate::data;
use crate::error::WebError;
use crate::i18n::{t, Lang, Msg};
use crate::state::{AppState, Indicators};

/// The query every figure page shares. Unknown parameters are ignored
/// (a page may add its own, read by its own `Query`).
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct FocusQuery {
    pub area: Option<String>,
    pub year: Option<YearParam>,
    pub indicator: Option<String>,
    pub stage: Option<String>,
}

/// `?year=`: a school year (its first calendar year, `2024`) or `all`
/// (an export of every year held); anything else is a bad request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearParam {
    One(u16),
    All,
}

impl<'de> serde::Deserialize<'de> for YearParam {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<YearParam, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text == "all" {
            return Ok(YearParam::All);
        }
        text.parse().map(YearParam::One).map_err(|_| {
            serde::de::Error::custom(format!(
                "学年参数 year=“{text}”无效：应为学年的起始年份（如 2024），或 all（全部学年）"
            ))
        })
    }
}

/// What a request about an area's figures asks for, checked.
pub struct Focus {
    pub ctx: Ctx,
    /// The computed indicators, fresh for the registry's revision.
    pub ind: Arc<Indicators>,
    /// The area asked for (path, else `?area=`, else the principal's own),
    /// which the principal may see.
    pub area: AreaCode,
    /// The year asked for if held, else the latest.
    pub year: SchoolYear,
    /// `?year=all`: every year held (exports; `year` is then the latest).
    pub all_years: bool,
    /// The indicator named by the path or `?indicator=`, if any (an unknown
    /// code is refused as not found).
    pub indicator: Option<&'static Indicator>,
    /// The stage asked for if the indicator has it, else its headline stage.
    pub stage: Option<Stage>,
}

impl Focus {
    /// The indicator asked for, or `default` (a catalogue code) when none was.
    pub fn indicator_or(&self, default: &str) -> Result<&'static Indicator, WebError> {
        self.indicator
            .or_else(|| indicators::find(default))
            .ok_or(WebError::NotFound)
    }

    pub fn computed(&self) -> &indicators::Computed {
        &self.ind.computed
    }

    /// The school years a request covers: every year held for
    /// `?year=all`, else the one chosen.
    pub fn years(&self) -> Vec<SchoolYear> {
        if self.all_years {
            self.ind.computed.school_years()
        } else {
            vec![self.year]
        }
    }

    async fn read(parts: &mut Parts, state: &Arc<AppState>) -> Result<Focus, Refusal> {
        let ctx = Ctx::from_request_parts(parts, state)
            .await
            .map_err(Refusal::Error)?;
        let Query(q) = Query::<FocusQuery>::from_request_parts(parts, state)
            .await
            .map_err(|e| Refusal::Error(WebError::BadRequest(innermost(&e))))?;
        let (mut path_area, mut path_indicator) = (None, None);
        if let Ok(params) = RawPathParams::from_request_parts(parts, state).await {
            for (name, value) in &params {
                match name {
                    "area" => path_area = Some(value.to_owned()),
                    "indicator" => path_indicator = Some(value.to_owned()),
                    _ => {}
                }
            }
        }
        let asked_area = path_area.as_deref().or(q.area.as_deref());
        let area =
            data::requested_area(&ctx.principal, asked_area).ok_or(Refusal::Error(WebError::NotFound))?;
        let indicator = match path_indicator.as_deref().or(q.indicator.as_deref()) {
            // An export's path may end in `.xlsx`.
            Some(code) => Some(
                indicators::find(code.trim_end_matches(".xlsx")).ok_or(Refusal::Error(WebError::NotFound))?,
            ),
            None => None,
        };
        if !ctx.principal.can_view_area(&area) {
            return Err(Refusal::Forbidden(ctx));
        }
        let ind = state
            .indicators(ctx.revision)
            .await
            .map_err(|e| Refusal::Error(e.into()))?;
        let asked_year = match q.year {
            Some(YearParam::One(year)) => Some(year),
            _ => None,
        };
        let Some(year) = data::choose_year(&ind.computed, asked_year) else {
            return Err(Refusal::NoData(ctx));
        };
        let stage = indicator.and_then(|i| data::chosen_stage(i, q.stage.as_deref()));
        Ok(Focus {
            ctx,
            ind,
            area,
            year,
            all_years: q.year == Some(YearParam::All),
            indicator,
            stage,
        })
    }
}

/// The innermost cause of a rejected query: the parameter's own message
/// (YearParam's, in Chinese), without axum's English wrapping
/// ("Failed to deserialize query string: …").
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// Why a [`Focus`] could not be read.
enum Refusal {
    /// The area is outside the principal's scope (or not the principal's
    /// to know of): the same answer whether it exists or not.
    Forbidden(Ctx),
    /// The registry holds no school year yet.
    NoData(Ctx),
    Error(WebError),
}

/// A [`Focus`] for an HTML page: refused with the refusal page (403), an
/// empty registry shown as a page that says so.
pub struct Page(pub Focus);

impl FromRequestParts<Arc<AppState>> for Page {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Page, Response> {
        match Focus::read(parts, state).await {
            Ok(focus) => Ok(Page(focus)),
            Err(Refusal::Forbidden(ctx)) => Err(crate::layout::forbidden(&ctx).into_response()),
            Err(Refusal::NoData(ctx)) => Err(crate::layout::page(
                &ctx,
                t(ctx.lang, Msg::Overview),
                maud::html! { p #no-data { (t(ctx.lang, Msg::NoData)) } },
            )
            .into_response()),
            Err(Refusal::Error(error)) => Err(error.into_response()),
        }
    }
}

/// A [`Focus`] for the JSON API: refused with a JSON 403, an empty
/// registry is 404.
pub struct Api(pub Focus);

impl FromRequestParts<Arc<AppState>> for Api {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Api, Response> {
        match Focus::read(parts, state).await {
            Ok(focus) => Ok(Api(focus)),
            Err(Refusal::Forbidden(ctx)) => Err(api_refusal(ctx.lang)),
            Err(Refusal::NoData(ctx)) => Err(api_not_found(ctx.lang)),
            Err(Refusal::Error(WebError::NotFound)) => Err(api_not_found(request_lang(&parts.headers))),
            Err(Refusal::Error(error)) => Err(error.into_response()),
        }
    }
}

/// Why the API refused: the body of its 403 and 404 answers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ApiError {
    pub error: ApiErrorKind,
    /// What the refusal means, in the request's language.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiErrorKind {
    /// Outside the principal's scope, or not the principal's to know of (403).
    Forbidden,
    /// No such indicator or area code, or no school year held yet (404).
    NotFound,
}

impl ApiError {
    fn answer(status: StatusCode, error: ApiErrorKind, msg: Msg, lang: Lang) -> Response {
        let body = ApiError {
            error,
            message: t(lang, msg).to_owned(),
        };
        (status, Json(body)).into_response()
    }
}

/// The API's refusal: 403 with a JSON body in the request's language.
pub fn api_refusal(lang: Lang) -> Response {
    ApiError::answer(
        StatusCode::FORBIDDEN,
        ApiErrorKind::Forbidden,
        Msg::Forbidden,
        lang,
    )
}

/// The API's not found: 404 with a JSON body in the request's language (a
/// page's is text, rewritten by [`crate::auth::localise`]).
pub fn api_not_found(lang: Lang) -> Response {
    ApiError::answer(StatusCode::NOT_FOUND, ApiErrorKind::NotFound, Msg::NotFound, lang)
}
