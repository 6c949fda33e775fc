//! The JSON API: what the pages show, under the same session and scope
//! rules, described by `GET /api/openapi.json`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa::OpenApi;

use crate::auth::Ctx;
use crate::data;
use crate::error::WebError;
use crate::extract::{api_refusal, Api, Focus};
use crate::pages::school::SchoolQuery;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "edugov API",
        description = "教育治理平台接口：登录后按账号范围返回数据（会话 Cookie `edugov_session`）。"
    ),
    paths(me, overview, area, indicator_list, indicator, school, healthz)
)]
pub struct ApiDoc;

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Liveness: answers without login.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "ok")))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// The signed-in principal (or the public).
#[utoipa::path(get, path = "/api/me", responses((status = 200, description = "role and scope")))]
pub async fn me(ctx: Ctx) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "signed_in": ctx.signed_in, "principal": ctx.principal, "lang": ctx.lang }))
}

/// What the overview page shows: the key indicators of an area and school
/// year against their lines, the trends of the first of them, and the
/// places one level below ranked by 大班额 (as far as you may see them).
#[utoipa::path(get, path = "/api/overview",
    params(("area" = Option<String>, Query, description = "area code; default: your scope"), ("year" = Option<u16>, Query, description = "school year, e.g. 2024")),
    responses((status = 200, description = "key indicator rows, trends and the 大班额 ranking"), (status = 403, description = "outside your scope")))]
pub async fn overview(Api(focus): Api) -> Result<Response, WebError> {
    let Focus {
        ctx, ind, area, year, ..
    } = focus;
    let overview = ind.overview(&area, year);
    let (computed, principal) = (&ind.computed, &ctx.principal);
    let rows: Vec<_> = overview
        .cards
        .iter()
        .map(|(_, _, row)| data::disclosed(computed, principal, row))
        .collect();
    let trends: Vec<_> = overview
        .cards
        .iter()
        .zip(&overview.trends)
        .map(|((indicator, stage, _), trend)| {
            let values = data::trend_values(computed, principal, trend);
            serde_json::json!({ "indicator": indicator.code, "stage": stage, "values": values })
        })
        .collect();
    let ranking: Vec<_> = overview
        .ranking
        .iter()
        .filter(|r| data::visible(principal, r))
        .map(|r| data::disclosed(computed, principal, r))
        .collect();
    Ok(Json(serde_json::json!({
        "area": area.as_str(),
        "school_year": year.0,
        "indicators": rows,
        "trends": { "years": overview.years, "series": trends },
        "large_class_ranking": ranking,
        "min_published_schools": computed.rules.min_published_schools,
    }))
    .into_response())
}

/// One indicator for the places one level below an area (drill-down).
#[utoipa::path(get, path = "/api/areas/{area}",
    params(("area" = String, Path, description = "area code"), ("year" = Option<u16>, Query), ("indicator" = Option<String>, Query), ("stage" = Option<String>, Query)),
    responses((status = 200, description = "rows of the level below"), (status = 403, description = "outside your scope")))]
pub async fn area(Api(focus): Api) -> Result<Response, WebError> {
    let indicator = focus.indicator_or("large_class_count")?;
    let Focus {
        ctx,
        ind,
        area,
        year,
        stage,
        ..
    } = focus;
    let child = data::child_level(&area);
    let rows = data::drill_rows(&ind.computed, &ctx.principal, indicator, stage, &area, year);
    let own = data::own_row_for(&ind.computed, &ctx.principal, indicator, stage, &area, year);
    Ok(Json(serde_json::json!({ "area": area.as_str(), "school_year": year.0, "indicator": indicator.code, "level": child.code(), "value": own, "rows": rows })).into_response())
}

/// The catalogue.
#[utoipa::path(get, path = "/api/indicators", responses((status = 200, description = "every indicator with its definition")))]
pub async fn indicator_list() -> Json<&'static [indicators::Indicator]> {
    Json(indicators::CATALOGUE)
}

/// One indicator of an area: its value, the trend and the level below.
#[utoipa::path(get, path = "/api/indicators/{indicator}",
    params(("indicator" = String, Path, description = "indicator code"), ("area" = Option<String>, Query), ("year" = Option<u16>, Query), ("stage" = Option<String>, Query)),
    responses((status = 200, description = "value, trend and rows"), (status = 403, description = "outside your scope"), (status = 404, description = "unknown indicator")))]
pub async fn indicator(Api(focus): Api) -> Result<Response, WebError> {
    let indicator = focus.indicator.ok_or(WebError::NotFound)?;
    let Focus {
        ctx,
        ind,
        area,
        year,
        stage,
        ..
    } = focus;
    let computed = &ind.computed;
    let rows = data::drill_rows(computed, &ctx.principal, indicator, stage, &area, year);
    let years: Vec<u16> = computed.school_years().iter().map(|y| y.0).collect();
    Ok(Json(serde_json::json!({
        "indicator": indicator,
        "area": area.as_str(),
        "school_year": year.0,
        "value": data::own_row_for(computed, &ctx.principal, indicator, stage, &area, year),
        "trend": { "years": years, "values": data::trend_for(computed, &ctx.principal, indicator, stage, &area) },
        "min_published_schools": computed.rules.min_published_schools,
        "rows": rows,
    }))
    .into_response())
}

/// A school: classes, teachers (names masked) and a page of students (names
/// and identity numbers masked).
#[utoipa::path(get, path = "/api/schools/{code}",
    params(("code" = String, Path, description = "school code"), ("year" = Option<u16>, Query), ("q" = Option<String>, Query, description = "search students by name or class"), ("page" = Option<u64>, Query)),
    responses((status = 200, description = "the school's records, masked"), (status = 403, description = "outside your scope or unknown")))]
pub async fn school(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<SchoolQuery>,
) -> Result<Response, WebError> {
    let ind = state.indicators(ctx.revision).await?;
    let year = data::choose_year(&ind.computed, q.year).ok_or(WebError::NotFound)?;
    let Some(d) = crate::pages::school::load(
        &state,
        &ind,
        &ctx,
        &code,
        year,
        crate::pages::school::StudentsAsked {
            search: q.q.clone(),
            page: q.page,
            past_end: crate::pages::school::PastEnd::Empty,
        },
    )
    .await?
    else {
        return Ok(api_refusal(ctx.lang));
    };
    let large_min = ind.computed.rules.large_class_min;
    let classes: Vec<_> = d
        .classes
        .iter()
        .map(|c| serde_json::json!({ "stage": c.stage, "grade": c.grade.0, "name": c.name, "size": c.size, "large": c.size >= large_min }))
        .collect();
    let teachers: Vec<_> = d
        .teachers
        .iter()
        .map(|(t, p)| serde_json::json!({ "name": registry::mask::name(&t.name), "stage": p.stage, "subject": p.subject, "title": p.title, "key_teacher_level": p.key_teacher_level }))
        .collect();
    let students: Vec<_> = d
        .students
        .iter()
        .map(|(s, e)| serde_json::json!({ "name": registry::mask::name(&s.name), "id_number": registry::mask::id_number(s.id_number.as_str()), "sex": s.sex, "grade": e.grade.0, "class": e.class_name, "migrant_child": e.migrant_child, "boarder": e.boarder }))
        .collect();
    let s = &d.school;
    Ok(Json(serde_json::json!({
        "school": { "code": s.code.as_str(), "name": s.name, "county": s.county.as_str(), "township": s.township.as_ref().map(|t| t.as_str()), "ownership": s.ownership, "location": s.location, "school_group": s.school_group, "seats": s.seats },
        "school_year": year.0,
        "large_class_min": large_min,
        "classes": classes,
        "teachers": teachers,
        "students": { "total": d.students_total, "page": d.page, "page_size": crate::pages::school::PAGE_SIZE, "rows": students },
    }))
    .into_response())
}
