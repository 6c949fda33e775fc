//! 学校明细: the schools behind an area's figure — every school within the
//! area (a city's, a county's or a township's) that the principal may
//! open, with its value, numerator and denominator and whether it meets the
//! line, failing schools first and then worst first; for a class-size
//! indicator, the classes at or above the line, largest first. The same in
//! a workbook (`/areas/{code}/schools.xlsx`, `?year=all` for every year).
//!
//! Listing is `access::Principal::can_list_schools_in`: the public is told
//! the schools are not published (no school, no count); another county's
//! officer is refused as for an area that does not exist.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use import_export::ClassLine;
use indicators::report::Row;
use indicators::Indicator;
use maud::{html, Markup};
use registry::{AreaCode, SchoolCode, SchoolYear, Stage};

use crate::auth::Ctx;
use crate::data;
use crate::error::WebError;
use crate::extract::{Focus, Page};
use crate::i18n::{t, tf, Msg};
use crate::layout::{forbidden, page};
use crate::pages::areas::{breadcrumb, figure_filters, value_th, Keep};
use crate::pages::{
    area_name, grade_name, indicator_name, part_text, stage_name, suppressed_note, year_select,
};
use crate::state::{AppState, Indicators};

/// Rows a page shows of each table; the workbook holds them all.
pub const SHOWN: usize = 1000;

/// `GET /areas/{code}/schools?indicator=&stage=&year=`.
pub async fn schools(State(state): State<Arc<AppState>>, Page(focus): Page) -> Result<Response, WebError> {
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
    let keep = Keep {
        year,
        indicator: Some(indicator),
        stage,
    };
    let name = area_name(computed, &area);
    let title = format!(
        "{name} · {} · {}",
        indicator_name(lang, indicator),
        t(lang, Msg::SchoolsBehind)
    );
    let own = data::own_row_for(computed, &ctx.principal, indicator, stage, &area, year);
    let head = html! {
        (breadcrumb(computed, &ctx.principal, &area, &keep, Some(t(lang, Msg::SchoolsBehind))))
        h1 { (title) }
        (figure_filters(lang, &format!("/areas/{}/schools", area.as_str()), year, indicator, stage, false))
        (year_select(&ctx, computed, year, &[("indicator", indicator.code), ("stage", stage.map(|s| s.code()).unwrap_or(""))], &format!("/areas/{}/schools", area.as_str())))
        @if let Some(own) = &own {
            p #own-value { (t(lang, Msg::Value)) "（" (name) "）：" strong { (indicators::report::format_row_value(own, own.value)) }
                @match own.met { Some(true) => { " " span.met { "✓" } }, Some(false) => { " " span.unmet { "✗" } }, None => "" } }
            (suppressed_note(lang, [own]))
        }
    };
    if !ctx.principal.can_list_schools_in(&area) {
        if ctx.signed_in {
            // Another county's, or no area at all: the same refusal.
            return Ok(forbidden(&ctx).into_response());
        }
        // The public: the published value, and no school nor count.
        let body = html! { (head) p.muted #schools-not-published { (t(lang, Msg::SchoolsBehindPublic)) } };
        return Ok(page(&ctx, &title, body).into_response());
    }
    let rows = data::school_rows_for(computed, &ctx.principal, indicator, stage, &area, year);
    let line = data::class_line(computed, indicator);
    let classes = match line {
        Some(line) => Some(classes_behind(&state, &ind, &ctx, indicator, stage, &area, &[year], line).await?),
        None => None,
    };
    let query = keep.query();
    let export = format!("/areas/{}/schools.xlsx", area.as_str());
    let all_years = format!(
        "{export}?year=all&indicator={}{}",
        indicator.code,
        stage.map(|s| format!("&stage={}", s.code())).unwrap_or_default()
    );
    let school_keep = Keep {
        indicator: None,
        stage: None,
        ..keep
    };
    let body = html! {
        (head)
        p.exports {
            a.button #export-schools href={ (export) (query) } { (t(lang, Msg::ExportThisYear)) }
            " "
            a.button #export-schools-all href=(all_years) { (t(lang, Msg::ExportAllYears)) }
        }
        p.muted { (t(lang, Msg::SchoolsBehindOrder))
            @if !ctx.principal.sees_every_school_in(&area) { " " (t(lang, Msg::SchoolsBehindOwnOnly)) } }
        h2 #schools-heading { (t(lang, Msg::Schools)) " (" (rows.len()) ")" }
        @if rows.is_empty() {
            p.muted { (t(lang, Msg::NoData)) }
        } @else {
            (cut_note(lang, rows.len()))
            div.table-wrap { table.sortable #schools-behind {
                thead { tr {
                    th { (t(lang, Msg::School)) } th { (t(lang, Msg::Code)) } (value_th(lang, indicator))
                    th.num { (t(lang, Msg::Numerator)) } th.num { (t(lang, Msg::Denominator)) }
                    th.num { (t(lang, Msg::Line)) } th { (t(lang, Msg::Met)) }
                } }
                tbody { @for r in rows.iter().take(SHOWN) { (school_row(r, &school_keep)) } }
            } }
        }
        @if let (Some(classes), Some(line)) = (&classes, line) {
            h2 #classes-heading { (tf(lang, Msg::ClassesAtOrAbove, &[&line])) " (" (classes.len()) ")" }
            @if classes.is_empty() {
                p.ok #no-classes { (tf(lang, Msg::NoClassesAtOrAbove, &[&line])) }
            } @else {
                (cut_note(lang, classes.len()))
                div.table-wrap { table.sortable #classes-behind {
                    thead { tr {
                        th { (t(lang, Msg::School)) } th { (t(lang, Msg::Stage)) } th { (t(lang, Msg::Grade)) }
                        th { (t(lang, Msg::ClassName)) } th.num data-dir="desc" { (t(lang, Msg::ClassSize)) }
                    } }
                    tbody { @for c in classes.iter().take(SHOWN) {
                        tr {
                            td { a href={ "/schools/" (c.school) (school_keep.query()) } { (c.school_name) } }
                            td { (stage_name(lang, c.stage)) }
                            td data-sort=(c.grade.0) { (grade_name(lang, c.grade)) }
                            td { (c.class_name) }
                            td.num { (c.size) }
                        }
                    } }
                } }
            }
        }
    };
    Ok(page(&ctx, &title, body).into_response())
}

/// One school's row of the table.
fn school_row(r: &Row, keep: &Keep) -> Markup {
    let school = r.school.as_deref().unwrap_or_default();
    html! {
        tr {
            td { a href={ "/schools/" (school) (keep.query()) } { (r.place_name) } }
            td { (school) }
            td.num data-sort=(r.value.map(|v| v.to_string()).unwrap_or_default()) { (indicators::report::format_row_value(r, r.value)) }
            td.num { (part_text(r, r.numerator)) }
            td.num { (part_text(r, r.denominator)) }
            td.num { (indicators::report::format_row_value(r, r.line)) }
            td { @match r.met { Some(true) => span.met { "✓" }, Some(false) => span.unmet { "✗" }, None => "" } }
        }
    }
}

/// "Showing the first 1,000 of n rows" when a table is cut.
fn cut_note(lang: crate::i18n::Lang, rows: usize) -> Markup {
    html! {
        @if rows > SHOWN { p.muted.rows-cut { (tf(lang, Msg::RowsCut, &[&SHOWN, &rows])) } }
    }
}

/// `GET /areas/{code}/schools.xlsx?indicator=&stage=&year=` (`year=all`:
/// every year held): the schools (and classes) the page lists, one row per
/// school and year, saved under a Chinese name.
pub async fn export(State(state): State<Arc<AppState>>, Page(focus): Page) -> Result<Response, WebError> {
    let indicator = focus.indicator_or("large_class_count")?;
    let years = focus.years();
    let Focus {
        ctx,
        ind,
        area,
        stage,
        ..
    } = focus;
    if !ctx.principal.can_list_schools_in(&area) {
        return Ok(forbidden(&ctx).into_response());
    }
    let computed = &ind.computed;
    let rows: Vec<Row> = years
        .iter()
        .flat_map(|year| data::school_rows_for(computed, &ctx.principal, indicator, stage, &area, *year))
        .collect();
    let line = data::class_line(computed, indicator);
    let classes = match line {
        Some(line) => Some(classes_behind(&state, &ind, &ctx, indicator, stage, &area, &years, line).await?),
        None => None,
    };
    let bytes = import_export::schools_workbook(&rows, classes.as_deref().zip(line))
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    let (name, fallback) = crate::download::figure_filenames(
        &area_name(computed, &area),
        area.as_str(),
        indicator,
        Some((t(crate::i18n::Lang::Zh, Msg::SchoolsBehind), "schools")),
        &years,
    );
    Ok(crate::download::xlsx(&name, &fallback, bytes))
}

/// The classes of the indicator's stages with at least `line` students in
/// the schools within `area` the principal may open, in `years`: year by
/// year, largest first. The snapshot says which schools hold such a class
/// (no trip to the store for the others); their class names are read from
/// the store, one school at a time.
#[allow(clippy::too_many_arguments)]
async fn classes_behind(
    state: &AppState,
    ind: &Indicators,
    ctx: &Ctx,
    indicator: &'static Indicator,
    stage: Option<Stage>,
    area: &AreaCode,
    years: &[SchoolYear],
    line: u32,
) -> Result<Vec<ClassLine>, WebError> {
    let mut wanted: Vec<(SchoolYear, SchoolCode, String)> = Vec::new();
    for year in years {
        let Some(snapshot) = ind.snapshots.iter().find(|s| s.school_year == *year) else {
            continue;
        };
        for i in
            data::schools_with_classes_at_or_above(snapshot, &ctx.principal, indicator, stage, area, line)
        {
            if let Some(school) = snapshot.schools.get(i) {
                wanted.push((*year, school.code.clone(), school.name.clone()));
            }
        }
    }
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut classes = state
        .with_store(move |s| {
            let mut out = Vec::new();
            for (year, code, school_name) in wanted {
                for class in s.school_classes(&code, year)? {
                    if class.size >= line && data::class_counts(indicator, stage, class.stage) {
                        out.push(ClassLine {
                            school_year: year,
                            school: code.as_str().to_owned(),
                            school_name: school_name.clone(),
                            stage: class.stage,
                            grade: class.grade,
                            class_name: class.name,
                            size: class.size,
                        });
                    }
                }
            }
            Ok(out)
        })
        .await?;
    classes.sort_by(|a, b| {
        a.school_year
            .cmp(&b.school_year)
            .then(b.size.cmp(&a.size))
            .then_with(|| a.school_name.cmp(&b.school_name))
            .then(a.grade.cmp(&b.grade))
            .then_with(|| a.class_name.cmp(&b.class_name))
    });
    Ok(classes)
}
