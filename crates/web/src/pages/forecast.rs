//! 学位预测: `/forecast` (the city's forecast, or a county officer's own
//! county's), `/forecast/county/{code}` (one county), the workbook
//! (`/forecast.xlsx`), saving a run (`POST /forecast/runs`, city planners)
//! and the saved runs (`/forecast/runs/{id}`) with their accuracy against
//! the school years registered since.
//!
//! The forecast itself is made in `forecast` (`Run::make` over the store's
//! `forecast_history` with `Scenario::standard_set`) and cached by
//! `AppState::forecast`; this module picks what the principal may see
//! (`access::Principal::forecast_scope`: a county officer gets
//! `Run::for_county`, never the city aggregate) and renders it. Who may see
//! and save is `access`'s; today's date is read here, at the edge.

use std::borrow::Cow;
use std::sync::Arc;

use access::ForecastScope;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use forecast::backtest::accuracy_of;
use forecast::{
    Accuracy, AreaForecast, Forecast, Method, PipelineProject, Run, StageForecast, FORECAST_STAGES,
};
use maud::{html, Markup};
use registry::{AreaCode, Stage};
use serde_json::{json, Value};

use crate::auth::{area_name, Ctx};
use crate::error::WebError;
use crate::i18n::{t, tf, Lang, Msg};
use crate::layout::{chart, forbidden, page};
use crate::pages::plans::today;
use crate::pages::{beijing_time, stage_name};
use crate::state::{AppState, CurrentForecast};

/// `?scenario=` (the index of a scenario in the run) on every forecast page.
#[derive(serde::Deserialize, Default)]
pub struct ForecastParams {
    /// Read as text so a bad value is our Chinese 400, not the extractor's
    /// English one ([`ForecastParams::scenario`]).
    #[serde(rename = "scenario")]
    pub scenario_text: Option<String>,
    /// The workbook of one county (`/forecast.xlsx?county=`).
    pub county: Option<String>,
}

impl ForecastParams {
    /// The scenario asked for: none, or an index (one past the run's
    /// scenarios falls back to the baseline, as before).
    fn scenario(&self, lang: Lang) -> Result<Option<usize>, WebError> {
        match self.scenario_text.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => text
                .parse::<usize>()
                .map(Some)
                .map_err(|_| WebError::BadRequest(t(lang, Msg::BadScenario).to_owned())),
        }
    }
}

/// The save form.
#[derive(serde::Deserialize)]
pub struct SaveForm {
    pub csrf: String,
    #[serde(default)]
    pub label: String,
}

/// Longest label of a saved run, in characters.
const MAX_LABEL: usize = 100;

/// A fifth of a stage's seats standing empty colours a county yellow in the
/// county table (a kindergarten to merge or repurpose, not yet a crisis).
const EMPTY_SHARE_FLAGGED: f64 = 0.2;

/// The principal's forecast scope, or the refusal page (school officers and
/// the public, as the plan pages).
fn scope_of(ctx: &Ctx) -> Result<ForecastScope, WebError> {
    ctx.principal.forecast_scope().ok_or_else(|| forbidden(ctx))
}

/// What the principal may see of `run`: the whole run for the city's
/// roles, the county's cut for a county officer.
fn scoped<'a>(run: &'a Run, scope: &ForecastScope) -> Cow<'a, Run> {
    match scope {
        ForecastScope::City(_) => Cow::Borrowed(run),
        ForecastScope::County(county) => Cow::Owned(run.for_county(county)),
    }
}

/// The area a scope's own page shows: the city (the run's first area) or
/// the county.
fn home_area(run: &Run, scope: &ForecastScope) -> Option<AreaCode> {
    match scope {
        ForecastScope::City(city) => run
            .history
            .city
            .clone()
            .or_else(|| {
                run.forecasts
                    .first()
                    .and_then(|f| f.areas.first())
                    .map(|a| a.code.clone())
            })
            .or_else(|| Some(city.clone())),
        ForecastScope::County(county) => Some(county.clone()),
    }
}

/// The scenario shown: `?scenario=` when it names one, else the baseline
/// (constant births), else the first.
fn chosen_scenario(run: &Run, asked: Option<usize>) -> usize {
    asked.filter(|i| *i < run.forecasts.len()).unwrap_or_else(|| {
        let baseline = forecast::Scenario::baseline().name;
        run.forecasts
            .iter()
            .position(|f| f.scenario.name == baseline)
            .unwrap_or(0)
    })
}

/// The current forecast and the principal's scope, or the page that says
/// why there is none.
async fn current(
    state: &Arc<AppState>,
    ctx: &Ctx,
) -> Result<Result<(Arc<CurrentForecast>, ForecastScope), Markup>, WebError> {
    let scope = scope_of(ctx)?;
    let current = state.forecast(ctx.revision, today()).await?;
    match &current.run {
        Ok(_) => Ok(Ok((current, scope))),
        Err(error) => {
            let lang = ctx.lang;
            let body = html! {
                h1 { (t(lang, Msg::Forecast)) }
                p.error #forecast-unavailable { (tf(lang, Msg::ForecastUnavailable, &[error])) }
            };
            Ok(Err(page(ctx, t(lang, Msg::Forecast), body)))
        }
    }
}

/// The run of a [`CurrentForecast`] that [`current`] found made.
fn made(current: &CurrentForecast) -> Result<&Run, WebError> {
    current
        .run
        .as_ref()
        .map_err(|e| WebError::BadRequest(e.to_string()))
}

/// `GET /forecast`: the city's forecast (a county officer: its county's).
pub async fn forecast_page(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Query(params): Query<ForecastParams>,
) -> Result<Markup, WebError> {
    let (current, scope) = match current(&state, &ctx).await? {
        Ok(found) => found,
        Err(unavailable) => return Ok(unavailable),
    };
    let run = scoped(made(&current)?, &scope);
    let area = home_area(&run, &scope).ok_or(WebError::NotFound)?;
    let runs = saved_runs(&state, &ctx).await?;
    Ok(render(
        &ctx,
        &run,
        &area,
        params.scenario(ctx.lang)?,
        "/forecast",
        Some(runs),
        None,
    ))
}

/// `GET /forecast/county/{code}`: one county. A county officer may open
/// its own county only; another county, or one the forecast does not
/// hold, is 404 (the same answer, so the URL tells nothing).
pub async fn county_page(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(params): Query<ForecastParams>,
) -> Result<Markup, WebError> {
    scope_of(&ctx)?;
    let county = AreaCode::parse(&code).map_err(|_| WebError::NotFound)?;
    if !ctx.principal.can_view_forecast_of(&county) {
        return Err(WebError::NotFound);
    }
    let (current, _) = match current(&state, &ctx).await? {
        Ok(found) => found,
        Err(unavailable) => return Ok(unavailable),
    };
    // Whoever asks, the county's cut: its page shows nothing else.
    let run = made(&current)?.for_county(&county);
    if !run.forecasts.iter().any(|f| f.area(&county).is_some()) {
        return Err(WebError::NotFound);
    }
    Ok(render(
        &ctx,
        &run,
        &county,
        params.scenario(ctx.lang)?,
        &format!("/forecast/county/{}", county.as_str()),
        None,
        None,
    ))
}

/// `GET /forecast.xlsx` (`?county=` one county): the workbook of the
/// current forecast, cut to what the principal may see.
pub async fn export(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Query(params): Query<ForecastParams>,
) -> Result<Response, WebError> {
    let scope = scope_of(&ctx)?;
    let current = state.forecast(ctx.revision, today()).await?;
    workbook(&ctx, made(&current)?, &scope, params.county.as_deref(), None).await
}

/// `GET /forecast/runs/{id}.xlsx`: a saved run's workbook.
pub async fn saved_export(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<ForecastParams>,
) -> Result<Response, WebError> {
    let scope = scope_of(&ctx)?;
    let id = id.strip_suffix(".xlsx").ok_or(WebError::NotFound)?;
    let run = load_run(&state, id).await?;
    workbook(&ctx, &run, &scope, params.county.as_deref(), Some(id)).await
}

/// The workbook of `run` as `scope` may see it; `county` narrows a city
/// planner's to one county (another county for a county officer is 404).
async fn workbook(
    ctx: &Ctx,
    run: &Run,
    scope: &ForecastScope,
    county: Option<&str>,
    saved: Option<&str>,
) -> Result<Response, WebError> {
    let county = match county.filter(|c| !c.is_empty()) {
        Some(code) => {
            let code = AreaCode::parse(code).map_err(|_| WebError::NotFound)?;
            if !ctx.principal.can_view_forecast_of(&code) {
                return Err(WebError::NotFound);
            }
            Some(code)
        }
        None => match scope {
            ForecastScope::County(county) => Some(county.clone()),
            ForecastScope::City(_) => None,
        },
    };
    let (mut run, area) = match &county {
        Some(c) => (run.for_county(c), c.clone()),
        None => (run.clone(), home_area(run, scope).ok_or(WebError::NotFound)?),
    };
    run.made_by = made_by(ctx, &run.made_by);
    // Nothing of the county in the run (an unknown code): as another's.
    if county.is_some() && run.forecasts.iter().all(|f| f.areas.is_empty()) {
        return Err(WebError::NotFound);
    }
    let base = run.forecasts.first().map(|f| f.base_year).unwrap_or_default();
    let bytes =
        tokio::task::spawn_blocking(move || import_export::write_forecast_xlsx(&run, county.as_ref()))
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?
            .map_err(|e| WebError::Internal(format!("预测表：{e}")))?;
    let saved_zh = saved.map(|id| format!("-{id}号")).unwrap_or_default();
    let saved_ascii = saved.map(|id| format!("-run{id}")).unwrap_or_default();
    Ok(crate::download::xlsx(
        &format!("{}-学位预测{saved_zh}-{base}学年.xlsx", area_name(&area)),
        &format!("forecast-{}{saved_ascii}-{base}.xlsx", area.as_str()),
        bytes,
    ))
}

/// `POST /forecast/runs`: stores the current forecast as a run (the city's
/// whole run, whoever saves it: a run is the city planners' record), then
/// shows it.
pub async fn save(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Form(form): Form<SaveForm>,
) -> Result<Response, WebError> {
    ctx.check_csrf(&form.csrf)?;
    if !ctx.principal.can_save_forecast() {
        return Err(forbidden(&ctx));
    }
    let label = form.label.trim().to_owned();
    if label.is_empty()
        || label.chars().count() > MAX_LABEL
        || label.chars().any(store::forecast::label_refuses)
    {
        return Err(WebError::BadRequest(t(ctx.lang, Msg::BadRunLabel).to_owned()));
    }
    let current = state.forecast(ctx.revision, today()).await?;
    let mut run = made(&current)?.clone();
    run.label = label;
    run.made_at = (chrono::Utc::now() + chrono::Duration::hours(8)).naive_utc();
    run.made_by = ctx.principal.username.clone();
    let actor = ctx.principal.username.clone();
    let id = state
        .with_store(move |s| s.save_forecast_run(&run, &actor))
        .await?;
    Ok(Redirect::to(&format!("/forecast/runs/{id}")).into_response())
}

/// `GET /forecast/runs/{id}`: a saved run as it was made, and its accuracy
/// against the school years registered since.
pub async fn saved_run(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<ForecastParams>,
) -> Result<Response, WebError> {
    if id.ends_with(".xlsx") {
        return saved_export(State(state), ctx, Path(id), Query(params)).await;
    }
    let scope = scope_of(&ctx)?;
    let stored = load_run(&state, &id).await?;
    let run = scoped(&stored, &scope);
    let area = home_area(&run, &scope).ok_or(WebError::NotFound)?;
    // The registry now: the years observed since the run was made.
    let current = state.forecast(ctx.revision, today()).await?;
    let scenario = chosen_scenario(&run, params.scenario(ctx.lang)?);
    let since = match (&current.run, run.forecasts.get(scenario)) {
        (Ok(now), Some(forecast)) => {
            let now = scoped(now, &scope);
            Some(accuracy_of(forecast, &now.history))
        }
        _ => None,
    };
    let lang = ctx.lang;
    let head = html! {
        p.lead #saved-run-lead {
            (tf(lang, Msg::SavedRunLead, &[&run.made_at.format("%Y-%m-%d %H:%M"), &made_by(&ctx, &run.made_by),
                &run.forecasts.first().map(|f| f.base_year).unwrap_or_default(),
                &run.forecasts.first().map(|f| f.until).unwrap_or_default()]))
        }
        h2 { (t(lang, Msg::AccuracySince)) }
        (accuracy_since(lang, since.as_deref(), &area))
    };
    Ok(render(
        &ctx,
        &run,
        &area,
        params.scenario(ctx.lang)?,
        &format!("/forecast/runs/{id}"),
        None,
        Some((id.as_str(), head)),
    )
    .into_response())
}

/// A stored run by its id in the path; a malformed or unknown id is 404.
async fn load_run(state: &Arc<AppState>, id: &str) -> Result<Run, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    state
        .with_store(move |s| s.forecast_run(store::ForecastRunId(id)))
        .await?
        .ok_or(WebError::NotFound)
}

/// Saved runs listed on the forecast page, newest first (the rest stay
/// reachable by their address).
const RUNS_LISTED: usize = 20;

/// Who made a run, as the viewer may see it: the bureau's staff names only
/// for the city's own roles, "市教育局" for a county officer.
fn made_by(ctx: &Ctx, user: &str) -> String {
    if ctx.principal.can_save_forecast() {
        user.to_owned()
    } else {
        t(ctx.lang, Msg::CityBureau).to_owned()
    }
}

/// The saved runs' list, for the forecast page.
async fn saved_runs(state: &Arc<AppState>, ctx: &Ctx) -> Result<Markup, WebError> {
    let lang = ctx.lang;
    let runs = state.with_store(|s| s.forecast_runs()).await?;
    let total = runs.len();
    Ok(html! {
        h2 { (t(lang, Msg::SavedRuns)) }
        @if runs.is_empty() {
            p.muted #no-saved-runs { (t(lang, Msg::NoSavedRuns)) }
        } @else {
            @if total > RUNS_LISTED {
                p.muted #runs-shown { (tf(lang, Msg::RunsShown, &[&total, &RUNS_LISTED])) }
            }
            div.table-wrap { table #saved-runs {
                thead { tr {
                    th { (t(lang, Msg::RunLabel)) } th { (t(lang, Msg::MadeAt)) } th { (t(lang, Msg::MadeBy)) }
                    th { (t(lang, Msg::BaseYear)) }
                } }
                tbody { @for r in runs.iter().take(RUNS_LISTED) {
                    tr data-run=(r.id) {
                        td { a href={ "/forecast/runs/" (r.id) } { (r.label) } }
                        td { (r.made_at.format("%Y-%m-%d %H:%M")) }
                        td { (made_by(ctx, &r.made_by)) }
                        td { (r.base_year) }
                    }
                } }
            } }
        }
    })
}

/// One forecast page: the scenario switch and assumptions, the four stage
/// charts with their figures, the county table (when the run holds
/// counties beside `area`), the backtest's accuracy, the download, the save
/// form (`runs` given: the current forecast's page) and the saved runs.
fn render(
    ctx: &Ctx,
    run: &Run,
    area: &AreaCode,
    scenario: Option<usize>,
    path: &str,
    runs: Option<Markup>,
    saved: Option<(&str, Markup)>,
) -> Markup {
    let lang = ctx.lang;
    let chosen = chosen_scenario(run, scenario);
    let Some(forecast) = run.forecasts.get(chosen) else {
        return page(
            ctx,
            t(lang, Msg::Forecast),
            html! { h1 { (t(lang, Msg::Forecast)) } },
        );
    };
    let Some(shown) = forecast.area(area) else {
        return page(
            ctx,
            t(lang, Msg::Forecast),
            html! { h1 { (t(lang, Msg::Forecast)) } },
        );
    };
    let title = match &saved {
        Some(_) => tf(lang, Msg::SavedRun, &[&run.label]),
        None => tf(
            lang,
            Msg::ForecastOf,
            &[&shown.name, &forecast.base_year, &forecast.until],
        ),
    };
    let pipeline: Vec<&PipelineProject> = run
        .history
        .pipeline
        .iter()
        .filter(|p| p.county.is_within(area) && !p.in_use)
        .collect();
    let counties: Vec<&AreaForecast> = forecast
        .areas
        .iter()
        .filter(|a| &a.code != area && a.code.is_within(area))
        .collect();
    let download = match &saved {
        Some((id, _)) => format!("/forecast/runs/{id}.xlsx"),
        None if path == "/forecast" => "/forecast.xlsx".to_owned(),
        None => format!("/forecast.xlsx?county={}", area.as_str()),
    };
    let body = html! {
        h1 #forecast-title { (title) }
        @if let Some((_, head)) = &saved { (head) }
        p.lead { (tf(lang, Msg::ForecastLead, &[&forecast.base_year, &forecast.until])) }
        nav.scenarios #scenario-switch aria-label=(t(lang, Msg::Scenario)) {
            span { (t(lang, Msg::Scenario)) "：" }
            @for (i, f) in run.forecasts.iter().enumerate() {
                a.button.scenario.primary[i == chosen] href={ (path) "?scenario=" (i) } data-scenario=(i)
                    aria-current=[(i == chosen).then_some("true")] { (f.scenario.name) }
            }
            " "
            a.button #forecast-download href=(download) { (t(lang, Msg::DownloadForecast)) }
        }
        div.forecast-grid {
            div.forecast-charts {
                @for stage in &shown.stages {
                    section.stage-forecast data-stage=(stage.stage.code()) {
                        h2 { (stage_name(lang, stage.stage)) }
                        (chart(&format!("forecast-{}", stage.stage.code()), &stage_chart(lang, stage, &pipeline, forecast.base_year)))
                        p.stage-summary { (stage_summary(lang, stage)) }
                    }
                }
            }
            aside.assumptions #assumptions {
                h2 { (t(lang, Msg::Assumptions)) " · " (forecast.scenario.name) }
                table { tbody { @for (label, value) in assumptions(forecast) {
                    tr { th { (label) } td { (value) } }
                } } }
                h2 { (t(lang, Msg::Accuracy)) }
                (accuracy_table(lang, run, area))
            }
        }
        @if !counties.is_empty() {
            h2 { (t(lang, Msg::CountyGaps)) }
            p.muted #no-map { (t(lang, Msg::NoMapLine)) }
            p.muted { (t(lang, Msg::CountyGapsNote)) }
            (county_table(lang, &counties, chosen))
        }
        @if saved.is_none() && ctx.principal.can_save_forecast() {
            form.save-run #save-run method="post" action="/forecast/runs" {
                input type="hidden" name="csrf" value=(ctx.csrf.clone().unwrap_or_default());
                label { (t(lang, Msg::RunLabel)) " "
                    input type="text" name="label" required maxlength=(MAX_LABEL)
                        value=(format!("{}年学位预测（{}）", today().format("%Y"), beijing_time(chrono::Utc::now()))); }
                button.primary type="submit" { (t(lang, Msg::SaveRun)) }
            }
        }
        @if let Some(runs) = runs { (runs) }
        @if saved.is_some() {
            p { a href="/forecast" { (t(lang, Msg::CurrentForecast)) } }
        }
    };
    page(ctx, &title, body)
}

/// The scenario's assumptions as the engine states them (`describe_zh`, the
/// same rows the workbook prints), else the forecast's own copy.
fn assumptions(forecast: &Forecast) -> Vec<(String, String)> {
    if forecast.assumptions.is_empty() {
        forecast.scenario.describe_zh()
    } else {
        forecast.assumptions.clone()
    }
}

fn whole(x: f64) -> i64 {
    x.round() as i64
}

/// A whole count for text, thousands grouped (323,286).
fn grouped(x: f64) -> String {
    indicators::report::format_number(x.round(), 0)
}

/// The stage's figures under its chart: peak, largest shortage and surplus,
/// the pipeline's seats by the horizon.
fn stage_summary(lang: Lang, stage: &StageForecast) -> String {
    let gap = |g: Option<forecast::YearGap>, sign: f64| {
        g.filter(|g| g.gap * sign > 0.5)
            .map(|g| tf(lang, Msg::GapIn, &[&g.year, &grouped(g.gap.abs())]))
            .unwrap_or_else(|| t(lang, Msg::NoShortage).to_owned())
    };
    let pipeline = stage
        .years
        .last()
        .map_or_else(|| grouped(0.0), |y| grouped(y.pipeline_seats));
    tf(
        lang,
        Msg::StageSummary,
        &[
            &stage.peak.year,
            &grouped(stage.peak.demand),
            &if stage.peak_passed {
                t(lang, Msg::PeakPassed)
            } else {
                ""
            },
            &gap(stage.worst_gap, 1.0),
            &gap(stage.largest_surplus, -1.0),
            &pipeline,
        ],
    )
}

/// ECharts options of one stage: students observed (solid) and projected
/// (dashed, joined at the base year), seats as a step line, the pipeline's
/// openings and the peak marked. Drawn without animation, so a printed or
/// captured page shows the final lines.
fn stage_chart(lang: Lang, stage: &StageForecast, pipeline: &[&PipelineProject], base_year: i32) -> Value {
    let years: Vec<String> = stage.years.iter().map(|y| y.year.to_string()).collect();
    let observed: Vec<Value> = stage
        .years
        .iter()
        .map(|y| {
            if y.observed {
                json!(whole(y.total()))
            } else {
                Value::Null
            }
        })
        .collect();
    let projected: Vec<Value> = stage
        .years
        .iter()
        .map(|y| {
            if !y.observed || y.year == base_year {
                json!(whole(y.total()))
            } else {
                Value::Null
            }
        })
        .collect();
    let capacity: Vec<i64> = stage.years.iter().map(|y| whole(y.capacity)).collect();
    // One mark per school year a project opens in (several projects of a
    // year share it), at that year's seats.
    let mut openings: Vec<Value> = Vec::new();
    for y in &stage.years {
        let opening: Vec<&&PipelineProject> = pipeline
            .iter()
            .filter(|p| p.stage == stage.stage && p.from_year == y.year)
            .collect();
        if opening.is_empty() {
            continue;
        }
        // u64: registered projects' seats are u32 each, their sum need not be.
        let seats: u64 = opening.iter().map(|p| u64::from(p.seats)).sum();
        let names: Vec<&str> = opening.iter().map(|p| p.name.as_str()).collect();
        openings.push(json!({
            "value": [y.year.to_string(), whole(y.capacity)],
            "name": format!("{}（+{}）", names.join("、"), seats),
        }));
    }
    let peak = json!({
        "coord": [stage.peak.year.to_string(), whole(stage.peak.demand)],
        "value": whole(stage.peak.demand),
        "name": t(lang, Msg::PeakMark),
    });
    json!({
        "animation": false,
        "tooltip": { "trigger": "axis" },
        // The legend above the plot: below, its two rows would cover the years.
        "legend": { "top": 0, "itemWidth": 18, "textStyle": { "fontSize": 11 } },
        "grid": { "left": 60, "right": 20, "bottom": 30, "top": 60 },
        "xAxis": { "type": "category", "data": years, "boundaryGap": false },
        "yAxis": { "type": "value", "min": 0 },
        "series": [
            { "name": t(lang, Msg::DemandObserved), "type": "line", "data": observed, "itemStyle": { "color": "#1f5fa8" }, "lineStyle": { "type": "solid", "width": 2 } },
            { "name": t(lang, Msg::DemandProjected), "type": "line", "data": projected, "itemStyle": { "color": "#1f5fa8" }, "lineStyle": { "type": "dashed", "width": 2 },
              "markPoint": { "symbol": "pin", "symbolSize": 44, "itemStyle": { "color": "#c62828" }, "label": { "fontSize": 10 }, "data": [peak] } },
            { "name": t(lang, Msg::SeatsCapacity), "type": "line", "step": "end", "data": capacity, "symbol": "none", "itemStyle": { "color": "#2e7d32" }, "lineStyle": { "width": 2 } },
            { "name": t(lang, Msg::PipelineOpening), "type": "scatter", "data": openings, "symbol": "triangle", "symbolSize": 12, "itemStyle": { "color": "#ef6c00" } }
        ]
    })
}

/// A stage's forecast of an area, by the stage.
fn stage_of(area: &AreaForecast, stage: Stage) -> Option<&StageForecast> {
    area.stages.iter().find(|s| s.stage == stage)
}

/// The first projected year with a shortage, and the largest shortage.
fn shortage(stage: Option<&StageForecast>) -> Option<(i32, forecast::YearGap)> {
    let stage = stage?;
    let first = stage.years.iter().find(|y| !y.observed && y.gap > 0.5)?;
    let worst = stage.worst_gap.filter(|g| g.gap > 0.5)?;
    Some((first.year, worst))
}

/// The counties, worst first, coloured by their worst gap: red where
/// primary or junior seats run short, yellow where a fifth of kindergarten
/// seats stand empty, green otherwise; each links to its own page.
fn county_table(lang: Lang, counties: &[&AreaForecast], scenario: usize) -> Markup {
    struct Row<'a> {
        area: &'a AreaForecast,
        primary: Option<(i32, forecast::YearGap)>,
        junior: Option<(i32, forecast::YearGap)>,
        pipeline: i64,
        empty: Option<(i32, f64, f64)>,
    }
    let mut rows: Vec<Row> = counties
        .iter()
        .map(|a| {
            let pipeline = [Stage::Primary, Stage::Junior]
                .iter()
                .filter_map(|s| stage_of(a, *s))
                .map(|s| s.years.last().map_or(0.0, |y| y.pipeline_seats))
                .sum::<f64>();
            // The kindergarten's emptiest projected year: seats and share.
            let empty = stage_of(a, Stage::Preschool).and_then(|s| {
                s.years
                    .iter()
                    .filter(|y| !y.observed && y.gap < -0.5)
                    .min_by(|x, y| x.gap.total_cmp(&y.gap))
                    .map(|y| {
                        (
                            y.year,
                            -y.gap,
                            if y.capacity > 0.0 {
                                -y.gap / y.capacity
                            } else {
                                0.0
                            },
                        )
                    })
            });
            Row {
                area: a,
                primary: shortage(stage_of(a, Stage::Primary)),
                junior: shortage(stage_of(a, Stage::Junior)),
                pipeline: whole(pipeline),
                empty,
            }
        })
        .collect();
    let short = |r: &Row| r.primary.map_or(0.0, |p| p.1.gap) + r.junior.map_or(0.0, |j| j.1.gap);
    rows.sort_by(|a, b| {
        short(b)
            .total_cmp(&short(a))
            .then_with(|| a.area.code.cmp(&b.area.code))
    });
    let cell = |s: Option<(i32, forecast::YearGap)>| match s {
        Some((first, worst)) => format!(
            "{first} / {}",
            tf(lang, Msg::GapIn, &[&worst.year, &grouped(worst.gap)])
        ),
        None => t(lang, Msg::NoShortage).to_owned(),
    };
    html! {
        div.table-wrap { table #county-gaps {
            thead { tr {
                th { (t(lang, Msg::County)) }
                th { (t(lang, Msg::PrimaryShort)) } th { (t(lang, Msg::JuniorShort)) }
                th { (t(lang, Msg::PipelineCovers)) } th { (t(lang, Msg::KindergartenEmpty)) }
            } }
            tbody { @for r in &rows {
                @let colour = if r.primary.is_some() || r.junior.is_some() { "red" }
                    else if r.empty.is_some_and(|e| e.2 >= EMPTY_SHARE_FLAGGED) { "yellow" } else { "green" };
                tr.(format!("gap-{colour}")) data-county=(r.area.code.as_str()) data-colour=(colour) {
                    th { a href={ "/forecast/county/" (r.area.code.as_str()) "?scenario=" (scenario) } { (r.area.name) } }
                    td.primary { (cell(r.primary)) }
                    td.junior { (cell(r.junior)) }
                    td { (grouped(r.pipeline as f64)) }
                    td { @match r.empty {
                        Some((year, seats, share)) => { (tf(lang, Msg::GapIn, &[&year, &grouped(seats)])) " (" (format!("{:.0}%", share * 100.0)) ")" }
                        None => { "—" }
                    } }
                }
            } }
        } }
    }
}

/// The backtest's accuracy for `area`, all students: per stage, lead 1 and
/// 3, the cohort method's MAPE (bias) beside the two baselines'; a cohort
/// figure that does not beat both is marked.
fn accuracy_table(lang: Lang, run: &Run, area: &AreaCode) -> Markup {
    let Some(backtest) = &run.backtest else {
        return html! { p.muted { (t(lang, Msg::NoBacktest)) } };
    };
    let find = |stage: Stage, lead: u32, method: Method| backtest.row(area, stage, None, method, lead);
    let shortfalls: Vec<&String> = backtest
        .shortfalls
        .iter()
        .filter(|s| s.contains(&area_name(area)) || s.contains(area.as_str()))
        .collect();
    html! {
        p.muted { (tf(lang, Msg::AccuracyNote, &[&backtest.base_years.len()])) }
        div.table-wrap { table #accuracy {
            thead { tr {
                th { (t(lang, Msg::Stage)) } th { (t(lang, Msg::Lead)) }
                @for m in Method::ALL { th { (method_label(lang, m)) } }
            } }
            tbody { @for stage in FORECAST_STAGES { @for lead in [1u32, 3] {
                @let cohort = find(stage, lead, Method::Cohort);
                @let beaten = cohort.is_some_and(|c| Method::ALL[1..].iter().filter_map(|m| find(stage, lead, *m)).any(|b| b.mape_pct <= c.mape_pct));
                tr data-stage=(stage.code()) data-lead=(lead) {
                    th { (stage_name(lang, stage)) } td { (lead) }
                    @for m in Method::ALL {
                        td class=[(m == Method::Cohort && beaten).then_some("late")] { (accuracy_cell(find(stage, lead, m))) }
                    }
                }
            } } }
        } }
        @if !shortfalls.is_empty() {
            details { summary { (t(lang, Msg::Shortfalls)) } ul { @for s in &shortfalls { li { (s) } } } }
        }
    }
}

fn method_label(lang: Lang, method: Method) -> &'static str {
    match (lang, method) {
        (Lang::Zh, m) => m.label_zh(),
        (Lang::En, Method::Cohort) => "Cohort-component",
        (Lang::En, Method::CarryForward) => "Carried forward",
        (Lang::En, Method::GradeProgression) => "Grade progression (no migration)",
    }
}

/// MAPE, and under it the signed bias (small): two short lines keep the
/// table within the column beside the charts.
fn accuracy_cell(cell: Option<&Accuracy>) -> Markup {
    match cell {
        Some(c) => {
            html! { (format!("{:.1}%", c.mape_pct)) br; small.muted { (format!("{:+.1}%", c.bias_pct)) } }
        }
        None => html! { "—" },
    }
}

/// A saved run's accuracy against the years registered since (all
/// students, `area` only): per stage and lead.
fn accuracy_since(lang: Lang, rows: Option<&[Accuracy]>, area: &AreaCode) -> Markup {
    let rows: Vec<&Accuracy> = rows
        .unwrap_or_default()
        .iter()
        .filter(|r| &r.area == area && r.sector.is_none() && r.method == Method::Cohort)
        .collect();
    html! {
        @if rows.is_empty() {
            p.muted #accuracy-since { (t(lang, Msg::NoYearsSince)) }
        } @else {
            p.muted { (t(lang, Msg::AccuracySinceNote)) }
            table #accuracy-since {
                thead { tr { th { (t(lang, Msg::Stage)) } th { (t(lang, Msg::Lead)) } th { (t(lang, Msg::Mape)) } th { (t(lang, Msg::Bias)) } } }
                tbody { @for r in &rows {
                    tr { th { (stage_name(lang, r.stage)) } td { (r.lead) } td { (format!("{:.1}%", r.mape_pct)) } td { (format!("{:+.1}%", r.bias_pct)) } }
                } }
            }
        }
    }
}
