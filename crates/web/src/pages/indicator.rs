//! The catalogue and one indicator's page: definition, values by area
//! (worst first, each row keeping the indicator), trend, the schools behind
//! the area's value, and the workbook export (one year, or `?year=all`).

use axum::response::Response;
use maud::{html, Markup};

use crate::auth::Ctx;
use crate::data;
use crate::error::WebError;
use crate::extract::{Focus, Page};
use crate::i18n::{t, Lang, Msg};
use crate::layout::{page, Chart};
use crate::pages::areas::{behind_link, drill_link, export_links, value_th, Keep};
use crate::pages::{area_name, indicator_name, stage_name, suppressed_note, visible, year_select};

pub async fn catalogue(ctx: Ctx) -> Markup {
    let lang = ctx.lang;
    let body = html! {
        h1 { (t(lang, Msg::Indicators)) }
        div.table-wrap { table.sortable #catalogue {
            thead { tr { th { (t(lang, Msg::Code)) } th { (t(lang, Msg::Name)) } th { (t(lang, Msg::Unit)) } th { (t(lang, Msg::Definition)) } } }
            tbody { @for i in indicators::CATALOGUE {
                tr { td { a href={ "/indicators/" (i.code) } { (i.code) } } td { (indicator_name(lang, i)) }
                     td { (unit(lang, i)) } td { (definition(lang, i)) } }
            } }
        } }
    };
    page(&ctx, t(lang, Msg::Indicators), body)
}

fn unit(lang: Lang, i: &indicators::Indicator) -> &'static str {
    match lang {
        Lang::Zh => i.unit.label_zh(),
        Lang::En => i.unit.label_en(),
    }
}

fn definition(lang: Lang, i: &indicators::Indicator) -> &'static str {
    match lang {
        Lang::Zh => i.definition_zh,
        Lang::En => i.definition_en,
    }
}

pub async fn indicator(Page(focus): Page) -> Result<Markup, WebError> {
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
    let lang = ctx.lang;
    let mut rows = data::drill_rows(computed, &ctx.principal, indicator, stage, &area, year);
    data::worst_first(indicator, &mut rows);
    let keep = Keep {
        year,
        indicator: Some(indicator),
        stage,
    };
    let years: Vec<u16> = computed.school_years().iter().map(|y| y.0).collect();
    let name = area_name(computed, &area);
    let own = data::own_row_for(computed, &ctx.principal, indicator, stage, &area, year);
    let trend = data::trend_for(computed, &ctx.principal, indicator, stage, &area);
    let title = indicator_name(lang, indicator);
    let stage_code = stage.map(|s| s.code()).unwrap_or("");
    let body = html! {
        div.crumbs { a href="/indicators" { (t(lang, Msg::Indicators)) } " › " (title) }
        h1 { (title) " · " (name) }
        dl {
            dt { (t(lang, Msg::Definition)) } dd #definition { (definition(lang, indicator)) }
            dt { (t(lang, Msg::Unit)) } dd { (unit(lang, indicator)) }
            dt { (t(lang, Msg::Source)) } dd { (indicator.source) }
        }
        (year_select(&ctx, computed, year, &[("area", area.as_str()), ("stage", stage_code)], &format!("/indicators/{}", indicator.code)))
        (export_links(lang, indicator, &area, &keep))
        @if let Some(own) = &own {
            p #own-value { (t(lang, Msg::Value)) "：" strong { (indicators::report::format_row_value(own, own.value)) }
                (behind_link(lang, &ctx.principal, &area, &keep)) }
            (suppressed_note(lang, [own]))
        }
        (Chart::new("trend", format!("{title} · {name}"), lang, indicator).line_of(own.as_ref().or(rows.first()))
            .trend(&years.iter().map(|y| registry::SchoolYear(*y)).collect::<Vec<_>>(), &[(name.clone(), trend)]))
        @if !rows.is_empty() {
            @let names: Vec<String> = rows.iter().map(|r| r.place_name.clone()).collect();
            @let values: Vec<Option<f64>> = rows.iter().map(|r| r.value).collect();
            (Chart::new("by-area", title.clone(), lang, indicator).line_of(own.as_ref().or(rows.first())).bars(&names, &values))
            div.table-wrap { table.sortable #values {
                thead { tr { th { (t(lang, Msg::Name)) } th { (t(lang, Msg::Stage)) } (value_th(lang, indicator)) th.num { (t(lang, Msg::Change)) } th.num { (t(lang, Msg::Line)) } th { (t(lang, Msg::Met)) } } }
                tbody { @for r in &rows {
                    tr { td { a href=(drill_link(r, &keep)) { (r.place_name) } }
                         td { (stage.map(|s| stage_name(lang, s)).unwrap_or_default()) }
                         td.num data-sort=(r.value.map(|v| v.to_string()).unwrap_or_default()) { (indicators::report::format_row_value(r, r.value)) }
                         td.num { (crate::pages::change_text(lang, r, r.change)) }
                         td.num { (indicators::report::format_row_value(r, r.line)) }
                         td { @match r.met { Some(true) => span.met { "✓" }, Some(false) => span.unmet { "✗" }, None => "" } } }
                } }
            } }
            (suppressed_note(lang, &rows))
        }
    };
    Ok(page(&ctx, &title, body))
}

/// The workbook of an indicator: the area and the level below, every stage,
/// the year chosen or every year held (`?year=all`, one row per place and
/// year) — only what the principal may see; saved under a Chinese name
/// (`历城区-大班额班级数-2019至2024学年.xlsx`).
pub async fn export(Page(focus): Page) -> Result<Response, WebError> {
    let indicator = focus.indicator.ok_or(WebError::NotFound)?;
    let years = focus.years();
    let Focus { ctx, ind, area, .. } = focus;
    let computed = &ind.computed;
    let query = indicators::Query {
        indicators: vec![indicator],
        years: years.clone(),
        within: Some(area.clone()),
        levels: vec![data::level_of(&area), data::child_level(&area)],
        by_grade: false,
    };
    let values = computed.values(&query);
    let mut rows = indicators::report::rows(computed, &values, None);
    rows.retain(|r| visible(&ctx.principal, r));
    for row in &mut rows {
        data::disclose(computed, &ctx.principal, row);
    }
    // Year by year, each year's place as the page lists them.
    rows.sort_by_key(|r| r.school_year);
    let bytes = import_export::indicator_workbook(&rows, &[indicator], None)
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    let (name, fallback) = crate::download::figure_filenames(
        &area_name(computed, &area),
        area.as_str(),
        indicator,
        None,
        &years,
    );
    Ok(crate::download::xlsx(&name, &fallback, bytes))
}
