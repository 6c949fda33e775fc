//! The HTML pages. Each handler parses its request, asks the state and the
//! engines, checks scope with `access`, and renders with `layout`.

pub mod admin;
pub mod admission;
pub mod areas;
pub mod behind;
pub mod forecast;
pub mod import;
pub mod indicator;
pub mod login;
pub mod my_tasks;
pub mod overview;
pub mod plans;
pub mod projects;
pub mod school;
pub mod summary;
pub mod supervision;
pub mod task;
pub mod transfers;

use indicators::report::Row;
use indicators::{Computed, Indicator};
use maud::{html, Markup};
use registry::{SchoolYear, Stage};

use crate::auth::Ctx;
pub use crate::data::{area_name, choose_year, visible};
pub use crate::i18n::year_label;
use crate::i18n::{t, Lang, Msg};

/// A time as bureaus read it: Beijing time (UTC+8), whatever the server's zone.
pub fn beijing_time(at: chrono::DateTime<chrono::Utc>) -> String {
    chrono::FixedOffset::east_opt(8 * 3600)
        .map(|offset| at.with_timezone(&offset).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// A year chooser that reloads the page with the other parameters kept.
pub fn year_select(
    ctx: &Ctx,
    computed: &Computed,
    year: SchoolYear,
    keep: &[(&str, &str)],
    action: &str,
) -> Markup {
    html! {
        form.filters method="get" action=(action) data-school-year=(year.0) {
            @for (k, v) in keep { input type="hidden" name=(k) value=(v); }
            label { (t(ctx.lang, Msg::SchoolYear)) " "
                select.autosubmit name="year" {
                    @for y in computed.school_years().iter().rev() {
                        option value=(y.0) selected[*y == year] { (year_label(ctx.lang, *y)) }
                    }
                }
            }
            noscript { button.primary type="submit" { (t(ctx.lang, Msg::Apply)) } }
        }
    }
}

/// The page to show (counted from 0) and the number of pages: a page number
/// from the URL past the end, however large, shows the last page.
pub fn clamp_page(asked: Option<u64>, total: u64, page_size: u64) -> (u64, u64) {
    let pages = total.div_ceil(page_size).max(1);
    (asked.unwrap_or(0).min(pages - 1), pages)
}

/// The pager under a table: previous, "page / pages", next.
pub fn pager(lang: Lang, page_no: u64, pages: u64, link: impl Fn(u64) -> String) -> Markup {
    html! {
        div.pager {
            @if page_no > 0 { a rel="prev" href=(link(page_no - 1)) { (t(lang, Msg::Previous)) } }
            span { (page_no + 1) " / " (pages) }
            @if page_no + 1 < pages { a rel="next" href=(link(page_no + 1)) { (t(lang, Msg::Next)) } }
        }
    }
}

pub fn indicator_name(lang: Lang, indicator: &Indicator) -> String {
    match lang {
        Lang::Zh => indicator.name_zh.to_owned(),
        Lang::En => indicator.name_en.to_owned(),
    }
}

pub fn stage_name(lang: Lang, stage: Stage) -> &'static str {
    vocab(lang, stage.label_zh(), stage.label_en())
}

/// A vocabulary value's label in the page's language.
pub fn vocab(lang: Lang, label_zh: &'static str, label_en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => label_zh,
        Lang::En => label_en,
    }
}

/// A grade in the page's language: 小班 / Nursery 1 … 高三 / Grade 12.
pub fn grade_name(lang: Lang, grade: registry::Grade) -> String {
    match (lang, grade.0) {
        (Lang::Zh, _) => grade.label_zh(),
        (Lang::En, g) if g <= 0 => format!("Kindergarten {}", g + 3),
        (Lang::En, g) => format!("Grade {g}"),
    }
}

/// Where a row's place is shown: a school's page or an area's drill-down.
pub fn row_link(row: &Row, year: SchoolYear) -> String {
    match (&row.school, &row.area) {
        (Some(school), _) => format!("/schools/{school}?year={}", year.0),
        (None, Some(area)) => format!("/areas/{area}?year={}", year.0),
        _ => "#".to_owned(),
    }
}

/// A numerator or denominator as tables print it; "—" when withheld.
pub fn part_text(row: &Row, part: Option<f64>) -> String {
    match part {
        Some(n) => indicators::report::format_number(n, if n.fract() == 0.0 { 0 } else { 2 }),
        None if row.suppressed.is_some() => "—".to_owned(),
        None => String::new(),
    }
}

/// The note under a table (or beside a value) when the publication rule
/// withheld any of its rows: "少于 3 所学校，不予公布".
pub fn suppressed_note<'a>(lang: Lang, rows: impl IntoIterator<Item = &'a Row>) -> Markup {
    let min = rows.into_iter().find_map(|r| r.suppressed);
    html! {
        @if let Some(min) = min {
            p.muted.suppressed-note { "— " (crate::i18n::tf(lang, Msg::Suppressed, &[&min])) }
        }
    }
}

/// Percent-encodes a query value (the search box may hold anything):
/// every byte but RFC 3986's unreserved characters.
pub fn urlencode(text: &str) -> String {
    const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(text, UNRESERVED).to_string()
}

/// A row's change as pages print it: "+1.20 个百分点" ("+1.20 pp") for a
/// per cent, never "+1.20%"; the signed number for other units.
pub fn change_text(lang: Lang, row: &Row, change: Option<f64>) -> String {
    indicators::report::format_change_in(row, change, t(lang, Msg::PercentagePoints))
}
