//! The JSON API: what the pages show, under the same session and scope
//! rules, described by `GET /api/openapi.json`.
//!
//! Every answer is a type of its own here (`*Answer`), deriving both
//! `serde::Serialize` and `utoipa::ToSchema`: the document's response
//! schemas are made from the very types the handlers serialise, so the two
//! cannot drift apart. The indicator rows, the catalogue, the principal and
//! the registry's vocabularies are the domain crates' own types, which
//! derive their schemas behind those crates' optional `openapi` feature
//! (enabled by this crate) rather than being mirrored here: a mirror would
//! need a test to keep it in step, a derive cannot fall out of step.
//! `tests/it/api.rs` validates real answers against the document.

use std::sync::Arc;

use access::Principal;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use indicators::report::Row;
use indicators::{Indicator, Level};
use registry::{KeyTeacherLevel, Location, Ownership, Sex, Stage, Subject, Title};
use utoipa::{OpenApi, ToSchema};

use crate::auth::Ctx;
use crate::data;
use crate::error::WebError;
use crate::extract::{api_not_found, api_refusal, Api, ApiError, Focus};
use crate::i18n::Lang;
use crate::pages::school::SchoolQuery;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "edugov API",
        description = "教育治理平台接口：登录后按账号范围返回数据（会话 Cookie `edugov_session`）。超出范围的请求返回 403，未知的指标、区划代码或尚无学年数据返回 404，二者的正文均为 `ApiError`。"
    ),
    paths(me, overview, area, indicator_list, indicator, school, healthz),
    // Also collected from the paths' bodies; named here so that every
    // answer is a component even if a path stops naming it.
    components(schemas(
        MeAnswer,
        OverviewAnswer,
        AreaAnswer,
        IndicatorAnswer,
        SchoolAnswer,
        ApiError,
        Row,
        Indicator
    ))
)]
pub struct ApiDoc;

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Liveness: answers without login.
#[utoipa::path(get, path = "/healthz",
    responses((status = 200, description = "ok", body = String, content_type = "text/plain")))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /api/me`: who is asking.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct MeAnswer {
    /// Whether a session was found (else the principal is the public).
    pub signed_in: bool,
    pub principal: Principal,
    /// The language the answers' messages are in.
    pub lang: Lang,
}

/// The signed-in principal (or the public).
#[utoipa::path(get, path = "/api/me",
    responses((status = 200, description = "role and scope", body = MeAnswer)))]
pub async fn me(ctx: Ctx) -> Json<MeAnswer> {
    Json(MeAnswer {
        signed_in: ctx.signed_in,
        principal: ctx.principal,
        lang: ctx.lang,
    })
}

/// `GET /api/overview`: what the overview page shows.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct OverviewAnswer {
    /// The area's code.
    pub area: String,
    pub school_year: u16,
    /// The key indicators' rows of the area, in the page's order.
    pub indicators: Vec<Row>,
    pub trends: OverviewTrends,
    /// The places one level below, most 大班额 first (those you may see).
    pub large_class_ranking: Vec<Row>,
    /// An area's figure made of fewer schools is withheld from a reader
    /// who may not see all of them (the row's `suppressed`).
    pub min_published_schools: u32,
}

/// The trends of the first key indicators over every school year held.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct OverviewTrends {
    /// The school years, oldest first (2024 = 2024–2025).
    pub years: Vec<u16>,
    pub series: Vec<TrendSeries>,
}

/// One indicator's values, one a year of `years`; `null` where there is
/// none or it is withheld.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct TrendSeries {
    /// The indicator's code.
    pub indicator: &'static str,
    pub stage: Option<Stage>,
    pub values: Vec<Option<f64>>,
}

/// What the overview page shows: the key indicators of an area and school
/// year against their lines, the trends of the first of them, and the
/// places one level below ranked by 大班额 (as far as you may see them).
#[utoipa::path(get, path = "/api/overview",
    params(("area" = Option<String>, Query, description = "area code; default: your scope"), ("year" = Option<u16>, Query, description = "school year, e.g. 2024")),
    responses(
        (status = 200, description = "key indicator rows, trends and the 大班额 ranking", body = OverviewAnswer),
        (status = 403, description = "outside your scope", body = ApiError),
        (status = 404, description = "not an area code, or no school year held yet", body = ApiError)))]
pub async fn overview(Api(focus): Api) -> Json<OverviewAnswer> {
    let Focus {
        ctx, ind, area, year, ..
    } = focus;
    let overview = ind.overview(&area, year);
    let (computed, principal) = (&ind.computed, &ctx.principal);
    let indicators = overview
        .cards
        .iter()
        .map(|(_, _, row)| data::disclosed(computed, principal, row))
        .collect();
    let series = overview
        .cards
        .iter()
        .zip(&overview.trends)
        .map(|((indicator, stage, _), trend)| TrendSeries {
            indicator: indicator.code,
            stage: *stage,
            values: data::trend_values(computed, principal, trend),
        })
        .collect();
    let large_class_ranking = overview
        .ranking
        .iter()
        .filter(|r| data::visible(principal, r))
        .map(|r| data::disclosed(computed, principal, r))
        .collect();
    Json(OverviewAnswer {
        area: area.as_str().to_owned(),
        school_year: year.0,
        indicators,
        trends: OverviewTrends {
            years: overview.years.clone(),
            series,
        },
        large_class_ranking,
        min_published_schools: computed.rules.min_published_schools,
    })
}

/// `GET /api/areas/{area}`: one indicator one level below an area.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct AreaAnswer {
    pub area: String,
    pub school_year: u16,
    /// The indicator's code.
    pub indicator: &'static str,
    /// The level of `rows`.
    pub level: Level,
    /// The area's own row (absent where the indicator has no value for it).
    pub value: Option<Row>,
    /// The places one level below, as far as you may see them.
    pub rows: Vec<Row>,
}

/// One indicator for the places one level below an area (drill-down).
#[utoipa::path(get, path = "/api/areas/{area}",
    params(("area" = String, Path, description = "area code"), ("year" = Option<u16>, Query), ("indicator" = Option<String>, Query), ("stage" = Option<String>, Query)),
    responses(
        (status = 200, description = "rows of the level below", body = AreaAnswer),
        (status = 403, description = "outside your scope", body = ApiError),
        (status = 404, description = "unknown indicator or area code, or no school year held yet", body = ApiError)))]
pub async fn area(Api(focus): Api) -> Result<Json<AreaAnswer>, Response> {
    let Ok(indicator) = focus.indicator_or("large_class_count") else {
        return Err(api_not_found(focus.ctx.lang));
    };
    let Focus {
        ctx,
        ind,
        area,
        year,
        stage,
        ..
    } = focus;
    let computed = &ind.computed;
    Ok(Json(AreaAnswer {
        area: area.as_str().to_owned(),
        school_year: year.0,
        indicator: indicator.code,
        level: data::child_level(&area),
        value: data::own_row_for(computed, &ctx.principal, indicator, stage, &area, year),
        rows: data::drill_rows(computed, &ctx.principal, indicator, stage, &area, year),
    }))
}

/// The catalogue.
#[utoipa::path(get, path = "/api/indicators",
    responses((status = 200, description = "every indicator with its definition", body = [Indicator])))]
pub async fn indicator_list() -> Json<&'static [Indicator]> {
    Json(indicators::CATALOGUE)
}

/// `GET /api/indicators/{indicator}`: one indicator of an area.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct IndicatorAnswer {
    pub indicator: &'static Indicator,
    pub area: String,
    pub school_year: u16,
    /// The area's own row (absent where the indicator has no value for it).
    pub value: Option<Row>,
    pub trend: IndicatorTrend,
    /// An area's figure made of fewer schools is withheld from a reader
    /// who may not see all of them (the row's `suppressed`).
    pub min_published_schools: u32,
    /// The places one level below, as far as you may see them.
    pub rows: Vec<Row>,
}

/// The area's value in every school year held; `null` where there is none
/// or it is withheld.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct IndicatorTrend {
    pub years: Vec<u16>,
    pub values: Vec<Option<f64>>,
}

/// One indicator of an area: its value, the trend and the level below.
#[utoipa::path(get, path = "/api/indicators/{indicator}",
    params(("indicator" = String, Path, description = "indicator code"), ("area" = Option<String>, Query), ("year" = Option<u16>, Query), ("stage" = Option<String>, Query)),
    responses(
        (status = 200, description = "value, trend and rows", body = IndicatorAnswer),
        (status = 403, description = "outside your scope", body = ApiError),
        (status = 404, description = "unknown indicator or area code, or no school year held yet", body = ApiError)))]
pub async fn indicator(Api(focus): Api) -> Result<Json<IndicatorAnswer>, Response> {
    // The path names one: the extractor has refused an unknown code.
    let Some(indicator) = focus.indicator else {
        return Err(api_not_found(focus.ctx.lang));
    };
    let Focus {
        ctx,
        ind,
        area,
        year,
        stage,
        ..
    } = focus;
    let computed = &ind.computed;
    let principal = &ctx.principal;
    Ok(Json(IndicatorAnswer {
        indicator,
        area: area.as_str().to_owned(),
        school_year: year.0,
        value: data::own_row_for(computed, principal, indicator, stage, &area, year),
        trend: IndicatorTrend {
            years: computed.school_years().iter().map(|y| y.0).collect(),
            values: data::trend_for(computed, principal, indicator, stage, &area),
        },
        min_published_schools: computed.rules.min_published_schools,
        rows: data::drill_rows(computed, principal, indicator, stage, &area, year),
    }))
}

/// `GET /api/schools/{code}`: a school's records of a year, masked.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct SchoolAnswer {
    pub school: SchoolInfo,
    pub school_year: u16,
    /// A class of this size or more is a 大班额 class.
    pub large_class_min: u32,
    pub classes: Vec<ClassRow>,
    pub teachers: Vec<TeacherRow>,
    pub students: StudentsPage,
}

/// The school itself.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct SchoolInfo {
    /// 学校标识码 (10 digits).
    pub code: String,
    pub name: String,
    /// The county's code.
    pub county: String,
    /// The township's code, where the school names one.
    pub township: Option<String>,
    pub ownership: Ownership,
    pub location: Location,
    /// 教育集团.
    pub school_group: Option<String>,
    /// Seats (学位) per stage served: `[stage, seats]` pairs.
    #[schema(schema_with = seats_schema)]
    pub seats: Vec<(Stage, u32)>,
}

/// `[stage, seats]` pairs, each of exactly two items (utoipa's own schema
/// of a tuple names the items but lets a pair of one pass).
fn seats_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ArrayItems, ObjectBuilder, Type};
    let stage = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(Stage::ALL.iter().map(|s| s.code())));
    let seats = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0));
    let pair = ArrayBuilder::new()
        .prefix_items([stage, seats])
        .items(ArrayItems::False)
        .min_items(Some(2))
        .max_items(Some(2));
    ArrayBuilder::new()
        .items(pair)
        .description(Some("Seats (学位) per stage served: `[stage, seats]` pairs."))
        .build()
}

/// A class of the year.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct ClassRow {
    pub stage: Stage,
    /// −2, −1, 0 are 小班, 中班, 大班; 1–12 primary to senior grades.
    pub grade: i8,
    pub name: String,
    pub size: u32,
    /// Whether the class is a 大班额 class (`size` ≥ `large_class_min`).
    pub large: bool,
}

/// A teacher's post of the year; the name masked.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct TeacherRow {
    /// Masked (张*).
    pub name: String,
    pub stage: Stage,
    pub subject: Subject,
    pub title: Title,
    pub key_teacher_level: KeyTeacherLevel,
}

/// One page of the year's students.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct StudentsPage {
    /// Students the search matches (all of them without one).
    pub total: u64,
    /// The page given, counted from 0 (past the end: no rows).
    pub page: u64,
    pub page_size: u64,
    pub rows: Vec<StudentRow>,
}

/// A student of the year; name and identity number masked.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct StudentRow {
    /// Masked (张*).
    pub name: String,
    /// Masked: the birth date and the check digit hidden.
    pub id_number: String,
    pub sex: Sex,
    pub grade: i8,
    /// The class's name, where the enrolment names one.
    pub class: Option<String>,
    pub migrant_child: bool,
    pub boarder: bool,
}

/// A school: classes, teachers (names masked) and a page of students (names
/// and identity numbers masked).
#[utoipa::path(get, path = "/api/schools/{code}",
    params(("code" = String, Path, description = "school code"), ("year" = Option<u16>, Query), ("q" = Option<String>, Query, description = "search students by name or class"), ("page" = Option<u64>, Query)),
    responses(
        (status = 200, description = "the school's records, masked", body = SchoolAnswer),
        (status = 403, description = "outside your scope or unknown", body = ApiError),
        (status = 404, description = "no school year held yet", body = ApiError)))]
pub async fn school(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<SchoolQuery>,
) -> Result<Response, WebError> {
    let ind = state.indicators(ctx.revision).await?;
    let Some(year) = data::choose_year(&ind.computed, q.year) else {
        return Ok(api_not_found(ctx.lang));
    };
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
    let large_class_min = ind.computed.rules.large_class_min;
    let classes = d
        .classes
        .iter()
        .map(|c| ClassRow {
            stage: c.stage,
            grade: c.grade.0,
            name: c.name.clone(),
            size: c.size,
            large: c.size >= large_class_min,
        })
        .collect();
    let teachers = d
        .teachers
        .iter()
        .map(|(t, p)| TeacherRow {
            name: registry::mask::name(&t.name),
            stage: p.stage,
            subject: p.subject,
            title: p.title,
            key_teacher_level: p.key_teacher_level,
        })
        .collect();
    let rows = d
        .students
        .iter()
        .map(|(s, e)| StudentRow {
            name: registry::mask::name(&s.name),
            id_number: registry::mask::id_number(s.id_number.as_str()),
            sex: s.sex,
            grade: e.grade.0,
            class: e.class_name.clone(),
            migrant_child: e.migrant_child,
            boarder: e.boarder,
        })
        .collect();
    let s = &d.school;
    let school = SchoolInfo {
        code: s.code.as_str().to_owned(),
        name: s.name.clone(),
        county: s.county.as_str().to_owned(),
        township: s.township.as_ref().map(|t| t.as_str().to_owned()),
        ownership: s.ownership,
        location: s.location,
        school_group: s.school_group.clone(),
        seats: s.seats.clone(),
    };
    Ok(Json(SchoolAnswer {
        school,
        school_year: year.0,
        large_class_min,
        classes,
        teachers,
        students: StudentsPage {
            total: d.students_total,
            page: d.page,
            page_size: crate::pages::school::PAGE_SIZE,
            rows,
        },
    })
    .into_response())
}
