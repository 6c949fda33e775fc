//! Drill-down: an area's places one level below (counties, townships or
//! schools) for a chosen indicator — a sortable table opened worst first,
//! and a chart. Every link keeps the year, indicator and stage
//! ([`Keep`]); the breadcrumb ([`breadcrumb`]) runs 市 › 区县 › 街道, and
//! the own value links to the schools behind it (`pages::behind`).

use indicators::report::Row;
use indicators::Indicator;
use maud::{html, Markup};
use registry::{AreaCode, SchoolYear, Stage};

use crate::data;
use crate::error::WebError;
use crate::extract::{Focus, Page};
use crate::i18n::{t, Lang, Msg};
use crate::layout::{page, Chart};
use crate::pages::{area_name, indicator_name, part_text, stage_name, suppressed_note, year_select};

/// What a link from a figure keeps: the school year, and the indicator and
/// stage when there is one — so a click down (or back up the breadcrumb)
/// shows the same figure.
#[derive(Debug, Clone, Copy)]
pub struct Keep<'a> {
    pub year: SchoolYear,
    pub indicator: Option<&'a Indicator>,
    pub stage: Option<Stage>,
}

impl Keep<'_> {
    /// `?year=2024&indicator=…&stage=…`.
    pub fn query(&self) -> String {
        let mut q = format!("?year={}", self.year.0);
        if let Some(i) = self.indicator {
            q.push_str("&indicator=");
            q.push_str(i.code);
        }
        if let Some(s) = self.stage {
            q.push_str("&stage=");
            q.push_str(s.code());
        }
        q
    }
}

/// Where a row's place is shown — a school's page or an area's
/// drill-down — keeping year, indicator and stage.
pub fn drill_link(row: &Row, keep: &Keep) -> String {
    match (&row.school, &row.area) {
        (Some(school), _) => format!("/schools/{school}{}", keep.query()),
        (None, Some(area)) => format!("/areas/{area}{}", keep.query()),
        _ => "#".to_owned(),
    }
}

/// The breadcrumb 济南市 › 历城区 › 洪家楼街道 [› `tail`]: every area from
/// the city down to `area` the principal may open, each a link keeping
/// year, indicator and stage; `area` itself is a link only when a `tail`
/// (a school, 学校明细) follows. A school's page passes its township (or
/// county) and its own name as `tail`.
pub fn breadcrumb(
    computed: &indicators::Computed,
    principal: &access::Principal,
    area: &AreaCode,
    keep: &Keep,
    tail: Option<&str>,
) -> Markup {
    let mut chain = vec![area.clone()];
    while let Some(parent) = chain.last().and_then(AreaCode::parent) {
        if parent.as_str().len() < 4 {
            break;
        }
        chain.push(parent);
    }
    chain.reverse();
    chain.retain(|a| a == area || principal.can_view_area(a));
    html! {
        nav.crumbs #breadcrumb aria-label="breadcrumb" {
            @for (i, a) in chain.iter().enumerate() {
                @if i > 0 { " › " }
                @if a != area || tail.is_some() {
                    a href={ "/areas/" (a.as_str()) (keep.query()) } { (area_name(computed, a)) }
                } @else {
                    span aria-current="page" { (area_name(computed, a)) }
                }
            }
            @if let Some(tail) = tail {
                " › " span aria-current="page" { (tail) }
            }
        }
    }
}

/// The header cell of a table's value column, marked as sorted worst first
/// (`data-dir`, which `assets/app.js` toggles on a click).
pub fn value_th(lang: Lang, indicator: &Indicator) -> Markup {
    html! { th.num data-dir=(data::worst_first_dir(indicator)) { (t(lang, Msg::Value)) } }
}

/// The export buttons of a figure: the indicator's workbook for this year
/// and for every year, for `area`.
pub fn export_links(lang: Lang, indicator: &Indicator, area: &AreaCode, keep: &Keep) -> Markup {
    let base = format!(
        "/indicators/{}/export.xlsx?area={}",
        indicator.code,
        area.as_str()
    );
    let stage = keep
        .stage
        .map(|s| format!("&stage={}", s.code()))
        .unwrap_or_default();
    html! {
        p.exports {
            a.button #export href={ (base) "&year=" (keep.year.0) (stage) } { (t(lang, Msg::ExportThisYear)) }
            " "
            a.button #export-all href={ (base) "&year=all" (stage) } { (t(lang, Msg::ExportAllYears)) }
        }
    }
}

/// The chooser of a figure's indicator and stage (reloading `action` with
/// the year kept); indicators given for counties only are offered when
/// `counties` (the level shown is counties).
pub fn figure_filters(
    lang: Lang,
    action: &str,
    year: SchoolYear,
    indicator: &Indicator,
    stage: Option<Stage>,
    counties: bool,
) -> Markup {
    html! {
        form.filters method="get" action=(action) {
            input type="hidden" name="year" value=(year.0);
            select.autosubmit name="indicator" {
                @for i in indicators::CATALOGUE.iter().filter(|i| i.scope != indicators::Scope::Counties || counties) {
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
    }
}

/// The link to the schools behind an area's figure, for whoever may list
/// them, when the indicator has schools' values (not a population ratio).
pub fn behind_link(lang: Lang, principal: &access::Principal, area: &AreaCode, keep: &Keep) -> Markup {
    let per_school = keep
        .indicator
        .is_some_and(|i| i.scope == indicators::Scope::Everywhere);
    html! {
        @if per_school && principal.can_list_schools_in(area) {
            " " a.behind href={ "/areas/" (area.as_str()) "/schools" (keep.query()) } { (t(lang, Msg::ViewSchoolsBehind)) }
        }
    }
}

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
    let mut rows = data::drill_rows(computed, &ctx.principal, indicator, stage, &area, year);
    data::worst_first(indicator, &mut rows);
    let own = data::own_row_for(computed, &ctx.principal, indicator, stage, &area, year);
    let name = area_name(computed, &area);
    let names: Vec<String> = rows.iter().map(|r| r.place_name.clone()).collect();
    let values: Vec<Option<f64>> = rows.iter().map(|r| r.value).collect();
    let keep = Keep {
        year,
        indicator: Some(indicator),
        stage,
    };
    let stage_code = stage.map(|s| s.code()).unwrap_or("");
    let body = html! {
        (breadcrumb(computed, &ctx.principal, &area, &keep, None))
        h1 { (name) " · " (indicator_name(lang, indicator)) }
        (figure_filters(lang, &format!("/areas/{}", area.as_str()), year, indicator, stage, child == indicators::Level::County))
        (year_select(&ctx, computed, year, &[("indicator", indicator.code), ("stage", stage_code)], &format!("/areas/{}", area.as_str())))
        @if let Some(own) = &own {
            p #own-value { (t(lang, Msg::Value)) "：" strong { (indicators::report::format_row_value(own, own.value)) }
                @if let Some(c) = own.change { "（" (t(lang, Msg::Change)) " " (crate::pages::change_text(lang, own, Some(c))) "）" }
                (behind_link(lang, &ctx.principal, &area, &keep)) }
            (suppressed_note(lang, [own]))
        }
        (export_links(lang, indicator, &area, &keep))
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
                        th { (t(lang, Msg::Name)) } th { (t(lang, Msg::Code)) } (value_th(lang, indicator))
                        th.num { (t(lang, Msg::Numerator)) } th.num { (t(lang, Msg::Denominator)) }
                        th.num { (t(lang, Msg::Change)) } th { (t(lang, Msg::Met)) }
                    } }
                    tbody {
                        @for r in &rows {
                            tr {
                                td { a href=(drill_link(r, &keep)) { (r.place_name) } }
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
