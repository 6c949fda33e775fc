//! The overview of an area and school year: key indicators against their
//! lines, their trends, and the counties (or townships) with the most
//! 大班额 classes.

use std::sync::Arc;

use axum::extract::{Query, State};
use maud::{html, Markup};
use registry::{AreaCode, Stage};

use crate::auth::Ctx;
use crate::data;
use crate::error::WebError;
use crate::i18n::{t, tf, Msg};
use crate::layout::{forbidden, page, Chart};
use crate::pages::{area_name, choose_year, indicator_name, year_select, AreaYear};
use crate::state::AppState;

/// The indicators a bureau looks at first (code, stage shown).
pub const KEY_INDICATORS: &[(&str, Option<Stage>)] = &[
    ("large_class_count", None),
    ("oversize_class_count", None),
    ("inclusive_coverage", None),
    ("public_preschool_share", None),
    ("preschool_gross_enrolment_ratio", None),
    ("student_teacher_ratio", Some(Stage::Primary)),
    ("student_teacher_ratio", Some(Stage::Junior)),
    ("myopia_rate", None),
    ("balanced_school_share", Some(Stage::Junior)),
    ("seat_utilisation", None),
];

pub async fn overview(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Query(q): Query<AreaYear>,
) -> Result<Markup, WebError> {
    let area = data::requested_area(&ctx.principal, q.area.as_deref())?;
    if !ctx.principal.can_view_area(&area) {
        return Err(forbidden(&ctx));
    }
    let ind = state.indicators(ctx.revision).await?;
    let computed = &ind.computed;
    let Some(year) = choose_year(computed, q.year) else {
        return Ok(page(
            &ctx,
            t(ctx.lang, Msg::Overview),
            html! { p { (t(ctx.lang, Msg::NoData)) } },
        ));
    };
    let lang = ctx.lang;
    let data = OverviewData::cached(&ind, &area, year);
    let OverviewData {
        name,
        years,
        cards,
        trends,
        ranking,
    } = &*data;
    // Cached rows are raw: the ranking is shown only as far as the
    // principal may see, and every figure under the publication rule.
    let principal = &ctx.principal;
    let ranking: Vec<indicators::report::Row> = ranking
        .iter()
        .filter(|r| crate::pages::visible(principal, r))
        .map(|r| data::disclosed(computed, principal, r))
        .collect();
    let cards: Vec<_> = cards
        .iter()
        .map(|(indicator, stage, row)| (*indicator, *stage, data::disclosed(computed, principal, row)))
        .collect();
    let trends: Vec<Vec<Option<f64>>> = trends
        .iter()
        .map(|trend| data::trend_values(computed, principal, trend))
        .collect();
    let names: Vec<String> = ranking.iter().map(|r| r.place_name.clone()).collect();
    let values: Vec<Option<f64>> = ranking.iter().map(|r| r.value).collect();
    let name = name.clone();

    let body = html! {
        h1 { (name) " · " (t(lang, Msg::Overview)) }
        (year_select(&ctx, computed, year, &[("area", area.as_str())], "/"))
        h2 { (t(lang, Msg::KeyIndicators)) }
        div.cards {
            @for (indicator, stage, row) in cards.iter() {
                div.card {
                    div.label {
                        a href={ "/indicators/" (indicator.code) "?area=" (area.as_str()) "&year=" (year.0) } {
                            (indicator_name(lang, indicator))
                        }
                        @if let Some(s) = stage { " · " (crate::pages::stage_name(lang, *s)) }
                    }
                    div.value { (indicators::report::format_row_value(row, row.value)) }
                    @if let Some(min) = row.suppressed {
                        div.muted.suppressed-note { (tf(lang, Msg::Suppressed, &[&min])) }
                    }
                    div.line {
                        @if let Some(change) = row.change {
                            (t(lang, Msg::Change)) " " (crate::pages::change_text(lang, row, Some(change))) " "
                        }
                        @match row.met {
                            Some(true) => span.met { "✓ " (tf(lang, Msg::MetAgainst, &[&indicators::report::format_row_value(row, row.line)])) },
                            Some(false) => span.unmet { "✗ " (tf(lang, Msg::NotMetAgainst, &[&indicators::report::format_row_value(row, row.line)])) },
                            None => "",
                        }
                    }
                }
            }
        }
        h2 { (t(lang, Msg::Trend)) }
        @for (i, ((indicator, _, row), trend)) in cards.iter().zip(&trends).enumerate() {
            (Chart::new(&format!("trend-{i}"), indicator_name(lang, indicator), lang, indicator)
                .line_of(Some(row))
                .trend(&years.iter().map(|y| registry::SchoolYear(*y)).collect::<Vec<_>>(), &[(name.clone(), trend.clone())]))
        }
        @if !ranking.is_empty() {
            h2 #most-large-classes { (t(lang, Msg::MostLargeClasses)) }
            @if ranking.iter().all(|r| r.value.unwrap_or(0.0) == 0.0) {
                p.ok #no-large-classes { (t(lang, Msg::NoLargeClasses)) }
            } @else {
                @if let Some(large) = indicators::find("large_class_count") {
                    (Chart::new("large-classes", t(lang, Msg::LargeClass), lang, large).line_of(ranking.first()).bars(&names, &values))
                }
            }
            div.table-wrap {
                table.sortable #ranking {
                    thead { tr { th { (t(lang, Msg::Name)) } th.num { (t(lang, Msg::LargeClass)) } th.num { (t(lang, Msg::Change)) } } }
                    tbody {
                        @for r in ranking.iter() {
                            tr {
                                td { a href=(crate::pages::row_link(r, year)) { (r.place_name) } }
                                td.num { (indicators::report::format_row_value(r, r.value)) }
                                td.num { (crate::pages::change_text(lang, r, r.change)) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&ctx, &name, body))
}

/// What an overview shows, before scope filtering and language: assembled
/// once per area and year and kept with the computed indicators.
pub struct OverviewData {
    pub name: String,
    pub years: Vec<u16>,
    pub cards: Vec<(
        &'static indicators::Indicator,
        Option<Stage>,
        indicators::report::Row,
    )>,
    /// The trend of the first cards (raw rows, one a year held).
    pub trends: Vec<Vec<Option<indicators::report::Row>>>,
    /// The level below, most 大班额 first.
    pub ranking: Vec<indicators::report::Row>,
}

impl OverviewData {
    /// The overview of an area and year, assembled on first use and kept
    /// with the computed indicators (pages and `/api/overview` share it).
    pub fn cached(
        ind: &crate::state::Indicators,
        area: &AreaCode,
        year: registry::SchoolYear,
    ) -> Arc<OverviewData> {
        let key = (area.as_str().to_owned(), year.0);
        if let Some(found) = ind.overviews.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return found;
        }
        let assembled = Arc::new(OverviewData::assemble(&ind.computed, area, year));
        if let Ok(mut m) = ind.overviews.lock() {
            m.insert(key, assembled.clone());
        }
        assembled
    }

    pub fn assemble(
        computed: &indicators::Computed,
        area: &AreaCode,
        year: registry::SchoolYear,
    ) -> OverviewData {
        let mut cards = Vec::new();
        for (code, stage) in KEY_INDICATORS {
            let Some(indicator) = indicators::find(code) else {
                continue;
            };
            if let Some(row) = data::own_row(computed, indicator, *stage, area, year) {
                cards.push((indicator, *stage, row));
            }
        }
        let trends = cards
            .iter()
            .take(4)
            .map(|(i, stage, _)| data::trend_rows(computed, i, *stage, area))
            .collect();
        let child = data::child_level(area);
        let mut ranking = match indicators::find("large_class_count") {
            Some(i) => data::rows(computed, i, None, child, area, year),
            None => Vec::new(),
        };
        ranking.sort_by(|a, b| b.value.partial_cmp(&a.value).unwrap_or(std::cmp::Ordering::Equal));
        OverviewData {
            name: area_name(computed, area),
            years: computed.school_years().iter().map(|y| y.0).collect(),
            cards,
            trends,
            ranking,
        }
    }
}
