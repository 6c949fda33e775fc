//! The overview of an area and school year: key indicators against their
//! lines, their trends, and the counties (or townships) with the most
//! 大班额 classes — ranked by count or by share (大班额比例, `?rank=share`),
//! each row opening that place's drill-down of the figure it is ranked by.

use axum::extract::Query;
use maud::{html, Markup};

use crate::data;
use crate::error::WebError;
use crate::extract::{Focus, Page};
use crate::i18n::{t, tf, Msg};
use crate::layout::{page, Chart};
use crate::pages::areas::{drill_link, Keep};
use crate::pages::{indicator_name, year_select};
use crate::views::OverviewData;

/// The overview's own parameter: how the 大班额 ranking is ordered.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RankQuery {
    /// `share`: by 大班额比例; anything else: by the number of classes.
    pub rank: Option<String>,
}

pub async fn overview(Page(focus): Page, Query(rank): Query<RankQuery>) -> Result<Markup, WebError> {
    let by_share = rank.rank.as_deref() == Some("share");
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
        shares,
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
    // The share beside each count (大班额比例), as the principal may see it.
    let share_indicator = indicators::find("large_class_share").ok_or(WebError::NotFound)?;
    let count_indicator = indicators::find("large_class_count").ok_or(WebError::NotFound)?;
    let shares: Vec<indicators::report::Row> = shares
        .iter()
        .filter(|r| crate::pages::visible(principal, r))
        .map(|r| data::disclosed(computed, principal, r))
        .collect();
    let mut ranking: Vec<(indicators::report::Row, Option<indicators::report::Row>)> = ranking
        .into_iter()
        .map(|r| {
            let share = shares.iter().find(|s| s.area == r.area).cloned();
            (r, share)
        })
        .collect();
    if by_share {
        ranking.sort_by(|(_, a), (_, b)| {
            let value = |r: &Option<indicators::report::Row>| r.as_ref().and_then(|r| r.value);
            value(b)
                .partial_cmp(&value(a))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
    let ranked_by = if by_share {
        share_indicator
    } else {
        count_indicator
    };
    let keep = Keep {
        year,
        indicator: Some(ranked_by),
        stage: None,
    };
    let ranked_value = |(count, share): &(indicators::report::Row, Option<indicators::report::Row>)| {
        if by_share {
            share.as_ref().and_then(|s| s.value)
        } else {
            count.value
        }
    };
    let names: Vec<String> = ranking.iter().map(|(r, _)| r.place_name.clone()).collect();
    let values: Vec<Option<f64>> = ranking.iter().map(ranked_value).collect();
    // A row of the ranked indicator, for the chart's policy line.
    let ranked_row = ranking
        .first()
        .and_then(|(count, share)| if by_share { share.as_ref() } else { Some(count) });
    let rank_link = |share: bool| {
        format!(
            "/?area={}&year={}{}#most-large-classes",
            area.as_str(),
            year.0,
            if share { "&rank=share" } else { "" }
        )
    };
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
            p.rank-by { (t(lang, Msg::RankBy)) "："
                @if by_share { a #rank-count href=(rank_link(false)) { (t(lang, Msg::RankByCount)) } } @else { strong { (t(lang, Msg::RankByCount)) } }
                " · "
                @if by_share { strong { (t(lang, Msg::RankByShare)) } } @else { a #rank-share href=(rank_link(true)) { (t(lang, Msg::RankByShare)) } }
            }
            @if ranking.iter().all(|(r, _)| r.value.unwrap_or(0.0) == 0.0) {
                p.ok #no-large-classes { (t(lang, Msg::NoLargeClasses)) }
            } @else {
                (Chart::new("large-classes", indicator_name(lang, ranked_by), lang, ranked_by).line_of(ranked_row).bars(&names, &values))
            }
            div.table-wrap {
                table.sortable #ranking {
                    thead { tr {
                        th { (t(lang, Msg::Name)) }
                        th.num data-dir=[(!by_share).then_some("desc")] { (indicator_name(lang, count_indicator)) }
                        th.num data-dir=[by_share.then_some("desc")] { (indicator_name(lang, share_indicator)) }
                        th.num { (t(lang, Msg::Change)) }
                    } }
                    tbody {
                        @for (r, share) in ranking.iter() {
                            tr {
                                td { a href=(drill_link(r, &keep)) { (r.place_name) } }
                                td.num data-sort=(r.value.map(|v| v.to_string()).unwrap_or_default()) { (indicators::report::format_row_value(r, r.value)) }
                                @if let Some(s) = share {
                                    td.num.share data-sort=(s.value.map(|v| v.to_string()).unwrap_or_default()) { (indicators::report::format_row_value(s, s.value)) }
                                } @else { td.num.share {} }
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
