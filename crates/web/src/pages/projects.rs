//! 建设项目 (`/projects`): every construction project with its status on
//! today's date, 开工率 / 完工率 / seats delivered for the city and each
//! county (`plans::Rates`, the figures the generated summary prints), and a
//! chart of starts and completions by month (`plans::project::by_month`;
//! ECharts options in `data-chart`, drawn by `assets/app.js`). `?year=`
//! chooses the year (this year by default), `?county=` one county.

use std::sync::Arc;

use axum::extract::{Query, State};
use chrono::Datelike;
use maud::{html, Markup};
use plans::project::{by_month, percent};
use plans::{Project, Rates};
use registry::AreaCode;

use crate::auth::{area_name, Ctx};
use crate::error::WebError;
use crate::i18n::{t, tf, Msg};
use crate::layout::{chart, forbidden, page};
use crate::pages::plans::today;
use crate::pages::{stage_name, vocab};
use crate::state::AppState;

#[derive(serde::Deserialize, Default)]
pub struct ProjectParams {
    pub year: Option<i32>,
    pub county: Option<String>,
}

fn rate(r: Option<f64>) -> String {
    r.map(percent).unwrap_or_else(|| "—".to_owned())
}

/// `GET /projects`.
pub async fn projects(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Query(params): Query<ProjectParams>,
) -> Result<Markup, WebError> {
    if !ctx.principal.can_view_plans() {
        return Err(forbidden(&ctx));
    }
    let lang = ctx.lang;
    let today = today();
    let year = params
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(today.year());
    let county = params
        .county
        .as_deref()
        .filter(|c| !c.is_empty())
        .and_then(|c| AreaCode::parse(c).ok());
    let all: Vec<Project> = state.with_store(|s| s.projects()).await?;
    let mut counties: Vec<AreaCode> = all.iter().map(|p| p.spec.county.clone()).collect();
    counties.sort();
    counties.dedup();
    let shown: Vec<&Project> = all
        .iter()
        .filter(|p| county.as_ref().is_none_or(|c| &p.spec.county == c))
        .collect();
    let city = Rates::compute(all.iter().map(|p| &p.spec), year, today);
    let per_county: Vec<(AreaCode, Rates)> = counties
        .iter()
        .map(|c| {
            (
                c.clone(),
                Rates::compute(
                    all.iter().filter(|p| &p.spec.county == c).map(|p| &p.spec),
                    year,
                    today,
                ),
            )
        })
        .collect();
    let months = by_month(shown.iter().map(|p| &p.spec), year);
    let month_names: Vec<String> = (1..=12)
        .map(|m| match lang {
            crate::i18n::Lang::Zh => format!("{m}月"),
            crate::i18n::Lang::En => format!("{year}-{m:02}"),
        })
        .collect();
    let option = serde_json::json!({
        "title": { "text": tf(lang, Msg::StartsByMonth, &[&year]), "left": "center", "textStyle": { "fontSize": 14 } },
        // Drawn at once: a printed or captured page shows the final bars.
        "animation": false,
        "tooltip": { "trigger": "axis" },
        "legend": { "bottom": 0 },
        "grid": { "left": 50, "right": 30, "bottom": 50, "top": 50 },
        "xAxis": { "type": "category", "data": month_names },
        "yAxis": { "type": "value", "min": 0, "minInterval": 1, "name": t(lang, Msg::ProjectsUnit) },
        "series": [
            { "name": t(lang, Msg::Starts), "type": "bar", "data": months.iter().map(|m| m.0).collect::<Vec<_>>(), "itemStyle": { "color": "#1f5fa8" } },
            { "name": t(lang, Msg::Completions), "type": "bar", "data": months.iter().map(|m| m.1).collect::<Vec<_>>(), "itemStyle": { "color": "#2e7d32" } }
        ]
    });
    let rates_row = |name: String, r: &Rates, id: &str| {
        html! {
            tr data-area=(id) {
                th { (name) }
                td { (r.planned_starts) } td { (r.started) } td.start-rate { (rate(r.start_rate())) }
                td { (r.planned_completions) } td { (r.completed) } td.completion-rate { (rate(r.completion_rate())) }
                td { (r.put_in_use) } td { (r.seats_delivered) }
            }
        }
    };
    let body = html! {
        h1 { (t(lang, Msg::Projects)) }
        form.filters method="get" action="/projects" {
            label { (t(lang, Msg::Year)) " " input type="number" name="year" value=(year) min="2000" max="2100"; }
            label { (t(lang, Msg::County)) " "
                select name="county" {
                    option value="" { (t(lang, Msg::AllCounties)) }
                    @for c in &counties { option value=(c) selected[county.as_ref() == Some(c)] { (area_name(c)) } }
                }
            }
            button.primary type="submit" { (t(lang, Msg::Apply)) }
        }
        p.lead #project-rates {
            (tf(lang, Msg::RatesSentence, &[&year, &city.planned_starts, &city.started, &rate(city.start_rate()), &city.planned_completions, &city.completed, &rate(city.completion_rate()), &city.seats_delivered]))
        }
        p.muted { (tf(lang, Msg::RatesRule, &[&today])) }
        div.table-wrap { table #rates {
            thead { tr {
                th { (t(lang, Msg::Area)) }
                th { (t(lang, Msg::PlannedStarts)) } th { (t(lang, Msg::Started)) } th { (t(lang, Msg::StartRate)) }
                th { (t(lang, Msg::PlannedCompletions)) } th { (t(lang, Msg::Completed)) } th { (t(lang, Msg::CompletionRate)) }
                th { (t(lang, Msg::PutInUse)) } th { (t(lang, Msg::SeatsDelivered)) }
            } }
            tbody {
                (rates_row(crate::auth::area_name(&state.city), &city, state.city.as_str()))
                @for (c, r) in &per_county { (rates_row(area_name(c), r, c.as_str())) }
            }
        } }
        (chart("projects-by-month", &option))
        h2 { (t(lang, Msg::ProjectList)) " (" (shown.len()) ")" }
        div.table-wrap { table.sortable #projects {
            thead { tr {
                th { (t(lang, Msg::ProjectCode)) } th { (t(lang, Msg::ProjectName)) } th { (t(lang, Msg::Kind)) }
                th { (t(lang, Msg::County)) } th { (t(lang, Msg::Stage)) } th { (t(lang, Msg::Seats)) }
                th { (t(lang, Msg::Investment)) } th { (t(lang, Msg::PlannedStart)) } th { (t(lang, Msg::ActualStart)) }
                th { (t(lang, Msg::PlannedCompletion)) } th { (t(lang, Msg::ActualCompletion)) } th { (t(lang, Msg::InUse)) }
                th { (t(lang, Msg::Status)) }
            } }
            tbody { @for p in &shown {
                @let s = &p.spec;
                @let status = s.status(today);
                tr data-project=(s.code) {
                    td { (s.code) } td { (s.name) br; span.muted { (s.school.as_ref().map(|c| c.as_str().to_owned()).or_else(|| s.planned_school.clone()).unwrap_or_default()) } }
                    td { (vocab(lang, s.kind.label_zh(), s.kind.label_en())) }
                    td { (area_name(&s.county)) } td { (stage_name(lang, s.stage)) } td { (s.seats) }
                    td { (plans::status::number(s.investment)) }
                    td { (opt(s.planned_start)) } td class=[s.start_late(today).then_some("late")] { (opt(s.actual_start)) }
                    td { (opt(s.planned_completion)) } td class=[s.completion_late(today).then_some("late")] { (opt(s.actual_completion)) }
                    td { (opt(s.in_use)) }
                    td { span.badge.(match status { plans::ProjectStatus::NotStarted => "grey", plans::ProjectStatus::UnderConstruction => "blue", _ => "green" }) { (vocab(lang, status.label_zh(), status.label_en())) } }
                }
            } }
        } }
    };
    Ok(page(&ctx, t(lang, Msg::Projects), body))
}

fn opt(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}
