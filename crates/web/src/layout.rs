//! The frame of every page (header, navigation, language switch) and the
//! small pieces pages share. maud escapes every interpolated value, so a
//! school named `<script>` is shown as text.

use access::Role;
use maud::{html, Markup, DOCTYPE};

use crate::auth::Ctx;
use crate::i18n::{t, Msg};

pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let lang = ctx.lang;
    let p = &ctx.principal;
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · edugov" }
                link rel="stylesheet" href="/assets/app.css";
                script src="/assets/echarts.min.js" defer {}
                script src="/assets/htmx.min.js" defer {}
                script src="/assets/app.js" defer {}
            }
            body {
                header {
                    a.brand href="/" { "edugov · " (t(lang, Msg::AppName)) }
                    nav {
                        a href="/" { (t(lang, Msg::Overview)) }
                        a href={ "/areas/" (p.scope.area().as_str()) } { (t(lang, Msg::Areas)) }
                        a href="/indicators" { (t(lang, Msg::Indicators)) }
                        @if p.can_import() { a href="/import" { (t(lang, Msg::Import)) } }
                        @if p.can_view_transfers() { a href="/transfers" { (t(lang, Msg::Transfers)) } }
                        @if p.can_manage_users() { a href="/admin/users" { (t(lang, Msg::Users)) } }
                        @if p.can_read_audit() { a href="/admin/audit" { (t(lang, Msg::Audit)) } }
                    }
                    div.who {
                        a #lang-switch href={ "/lang/" (lang.other().code()) } { (t(lang, Msg::SwitchLanguage)) }
                        @if ctx.signed_in {
                            span { (p.display_name) " · " (role_label(ctx, p.role)) }
                            form method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(ctx.csrf.clone().unwrap_or_default());
                                button type="submit" { (t(lang, Msg::Logout)) }
                            }
                        } @else {
                            span { (t(lang, Msg::PublicView)) }
                            a href="/login" { (t(lang, Msg::Login)) }
                        }
                    }
                }
                (print_heading(ctx, title, &body))
                main { (body) }
            }
        }
    }
}

/// The heading only a printed page shows (`@media print` in
/// `assets/app.css`): the page's title; when it was printed, in Beijing time
/// (UTC+8, as `pages::beijing_time`); whose view it is — the user's area and
/// role, or 公开数据 for the public; and the data source with the school
/// year shown. The year is the one the page's year chooser carries
/// (`data-school-year` on `pages::year_select`'s form); a page without a
/// chooser names no year.
pub fn print_heading(ctx: &Ctx, title: &str, body: &Markup) -> Markup {
    let lang = ctx.lang;
    let p = &ctx.principal;
    let printed = chrono::FixedOffset::east_opt(8 * 3600)
        .map(|beijing| {
            chrono::Utc::now()
                .with_timezone(&beijing)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    let scope = if ctx.signed_in && p.role != Role::Public {
        let area = p.scope.area().as_str();
        let city = registry::divisions::city_name(area.get(..4).unwrap_or(area));
        let county = (area.len() > 4)
            .then(|| registry::divisions::counties_of(area.get(..4).unwrap_or(area)))
            .and_then(|counties| counties.into_iter().find(|c| c.code.as_str() == area))
            .map(|c| c.name);
        let mut place: Vec<String> = city.into_iter().chain(county).collect();
        if let access::Scope::School { school, .. } = &p.scope {
            place.push(school.as_str().to_owned());
        }
        format!("{} · {}", place.join(" "), role_label(ctx, p.role))
    } else {
        t(lang, Msg::PublicView).to_owned()
    };
    // The year chooser's `data-school-year="2024"`, if the page has one.
    let year = body
        .0
        .split_once("data-school-year=\"")
        .and_then(|(_, rest)| rest.get(..4))
        .and_then(|y| y.parse::<u16>().ok())
        .map(|y| match lang {
            crate::i18n::Lang::Zh => format!("，{}", registry::SchoolYear(y).label_zh()),
            crate::i18n::Lang::En => format!(", {}–{}", y, y + 1),
        });
    html! {
        div.print-only.print-heading {
            div.print-title { (title) }
            div { (t(lang, Msg::PrintedAt)) "：" (printed) " · " (t(lang, Msg::PrintScope)) "：" (scope) }
            div { (t(lang, Msg::PrintSource)) (year.unwrap_or_default()) }
        }
    }
}

pub fn role_label(ctx: &Ctx, role: Role) -> &'static str {
    match ctx.lang {
        crate::i18n::Lang::Zh => role.label_zh(),
        crate::i18n::Lang::En => role.label_en(),
    }
}

/// A chart: ECharts options as JSON in a data attribute (`assets/app.js`
/// draws it), so pages carry no inline script.
pub fn chart(id: &str, option: &serde_json::Value) -> Markup {
    html! { div.chart id=(id) data-chart=(option.to_string()) {} }
}

/// A bar chart of named values.
pub fn bar_chart(id: &str, title: &str, names: &[String], values: &[Option<f64>]) -> Markup {
    let option = serde_json::json!({
        "title": { "text": title, "left": "center", "textStyle": { "fontSize": 14 } },
        "tooltip": { "trigger": "axis" },
        "grid": { "left": 50, "right": 20, "bottom": 90, "top": 40 },
        "xAxis": { "type": "category", "data": names, "axisLabel": { "rotate": 35, "interval": 0 } },
        "yAxis": { "type": "value" },
        "series": [{ "type": "bar", "data": values, "itemStyle": { "color": "#1f5fa8" } }]
    });
    chart(id, &option)
}

/// A line chart over school years, one series per name, with an optional policy line.
pub fn trend_chart(
    id: &str,
    title: &str,
    years: &[u16],
    series: &[(String, Vec<Option<f64>>)],
    line: Option<f64>,
) -> Markup {
    let mut list: Vec<serde_json::Value> = series
        .iter()
        .map(|(name, data)| serde_json::json!({ "name": name, "type": "line", "data": data, "connectNulls": true }))
        .collect();
    if let (Some(line), Some(first)) = (line, list.first_mut()) {
        first["markLine"] =
            serde_json::json!({ "data": [{ "yAxis": line }], "lineStyle": { "color": "#c62828" } });
    }
    let option = serde_json::json!({
        "title": { "text": title, "left": "center", "textStyle": { "fontSize": 14 } },
        "tooltip": { "trigger": "axis" },
        "legend": { "bottom": 0 },
        "grid": { "left": 50, "right": 30, "bottom": 50, "top": 40 },
        "xAxis": { "type": "category", "data": years },
        "yAxis": { "type": "value", "scale": true },
        "series": list
    });
    chart(id, &option)
}

/// Refused: the same page for every kind of "not yours", so a URL does not
/// tell whether the thing exists.
pub fn forbidden(ctx: &Ctx) -> crate::error::WebError {
    let page = page(
        ctx,
        t(ctx.lang, Msg::Forbidden),
        html! { p.error { (t(ctx.lang, Msg::Forbidden)) } },
    );
    crate::error::WebError::Forbidden(page.into_string())
}
