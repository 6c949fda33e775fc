//! The overview of an area and school year: key indicators against their
//! lines, their trends, and the counties (or townships) with the most
//! 大班额 classes.

use maud::{html, Markup};

use crate::data;
use crate::error::WebError;
use crate::extract::{Focus, Page};
use crate::i18n::{t, tf, Msg};
use crate::layout::{page, Chart};
use crate::pages::{indicator_name, year_select};
use crate::views::OverviewData;

pub async fn overview(Page(focus): Page) -> Result<Markup, WebError> {
    let Focus {
        ctx, ind, area, year, ..
    } = focus;
    let computed = &ind.computed;
    let lang = ctx.lang;
    let data = ind.overview(&area, year);
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
