//! Drill-down: an area's places one level below (counties, townships or
//! schools) for a chosen indicator — a sortable table and a chart.

use maud::{html, Markup};

use crate::data;
use crate::error::WebError;
use crate::extract::{Focus, Page};
use crate::i18n::{t, Msg};
use crate::layout::{page, Chart};
use crate::pages::{
    area_name, indicator_name, part_text, row_link, stage_name, suppressed_note, year_select,
};

pub async fn area(Page(focus): Page) -> Result<Markup, WebError> {
    let indicator = focus.indicator_or("large_class_count")?;
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
    let child = data::child_level(&area);
    let rows = data::drill_rows(computed, &ctx.principal, indicator, stage, &area, year);
    let own = data::own_row_for(computed, &ctx.principal, indicator, stage, &area, year);
    let name = area_name(computed, &area);
    let names: Vec<String> = rows.iter().map(|r| r.place_name.clone()).collect();
    let values: Vec<Option<f64>> = rows.iter().map(|r| r.value).collect();
    let parent = area
        .parent()
        .filter(|p| p.as_str().len() >= 4 && ctx.principal.can_view_area(p));
    let stage_code = stage.map(|s| s.code()).unwrap_or("");
    let body = html! {
        div.crumbs {
            @if let Some(p) = &parent {
                a href={ "/areas/" (p.as_str()) "?year=" (year.0) "&indicator=" (indicator.code) } { (area_name(computed, p)) }
                " › "
            }
            (name)
        }
        h1 { (name) " · " (indicator_name(lang, indicator)) }
        form.filters method="get" action={ "/areas/" (area.as_str()) } {
            input type="hidden" name="year" value=(year.0);
            select.autosubmit name="indicator" {
                @for i in indicators::CATALOGUE.iter().filter(|i| i.scope != indicators::Scope::Counties || child == indicators::Level::County) {
                    option value=(i.code) selected[i.code == indicator.code] { (indicator_name(lang, i)) }
                }
            }
            @if !indicator.stages.is_empty() {
                select.autosubmit name="stage" {
                    @if indicator.all_stages { option value="" selected[stage.is_none()] { (t(lang, Msg::AllStages)) } }
                    @for s in indicator.stages {
                        option value=(s.code()) selected[stage == Some(*s)] { (stage_name(lang, *s)) }
                    }
                }
            }
            noscript { button.primary type="submit" { (t(lang, Msg::Apply)) } }
        }
        (year_select(&ctx, computed, year, &[("indicator", indicator.code), ("stage", stage_code)], &format!("/areas/{}", area.as_str())))
        @if let Some(own) = &own {
            p #own-value { (t(lang, Msg::Value)) "：" strong { (indicators::report::format_row_value(own, own.value)) }
                @if let Some(c) = own.change { "（" (t(lang, Msg::Change)) " " (crate::pages::change_text(lang, own, Some(c))) "）" } }
            (suppressed_note(lang, [own]))
        }
        @if rows.is_empty() {
            // Empty because the places below are out of scope, or truly empty.
            @if data::below(computed, indicator, stage, &area, year).is_empty() {
                p.muted { (t(lang, Msg::NoData)) }
            } @else {
                p.muted #published-only { (t(lang, Msg::PublishedTotalOnly)) }
            }
        } @else {
            (Chart::new("drill", indicator_name(lang, indicator), lang, indicator).line_of(own.as_ref().or(rows.first())).bars(&names, &values))
            div.table-wrap {
                table.sortable #drill-table {
                    thead { tr {
                        th { (t(lang, Msg::Name)) } th { (t(lang, Msg::Code)) } th.num { (t(lang, Msg::Value)) }
                        th.num { (t(lang, Msg::Numerator)) } th.num { (t(lang, Msg::Denominator)) }
                        th.num { (t(lang, Msg::Change)) } th { (t(lang, Msg::Met)) }
                    } }
                    tbody {
                        @for r in &rows {
                            tr {
                                td { a href={ (row_link(r, year)) "&indicator=" (indicator.code) } { (r.place_name) } }
                                td { (r.school.as_deref().or(r.area.as_deref()).unwrap_or_default()) }
                                td.num data-sort=(r.value.map(|v| v.to_string()).unwrap_or_default()) { (indicators::report::format_row_value(r, r.value)) }
                                td.num { (part_text(r, r.numerator)) }
                                td.num { (part_text(r, r.denominator)) }
                                td.num { (crate::pages::change_text(lang, r, r.change)) }
                                td { @match r.met { Some(true) => span.met { "✓" }, Some(false) => span.unmet { "✗" }, None => "" } }
                            }
                        }
                    }
                }
            }
            (suppressed_note(lang, &rows))
        }
    };
    Ok(page(&ctx, &name, body))
}
