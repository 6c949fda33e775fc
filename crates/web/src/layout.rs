//! The frame of every page (header, navigation, language switch) and the
//! small pieces pages share. maud escapes every interpolated value, so a
//! school named `<script>` is shown as text.

use access::Role;
use maud::{html, Markup, DOCTYPE};

use crate::auth::Ctx;
use crate::i18n::{t, tf, Msg};

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
                // Outside the header, so a print layout that drops the
                // header still prints it (app.css keeps it in print).
                @if ctx.demo {
                    div.demo-banner #demo-banner role="note" title=(t(lang, Msg::DemoBannerNote)) {
                        strong { (t(lang, Msg::DemoBanner)) }
                        span.demo-note { (t(lang, Msg::DemoBannerNote)) }
                    }
                }
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
                            span.scope-name title=(p.display_name) { (ctx.scope_name) " · " (role_label(ctx, p.role)) }
                            form method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(ctx.csrf.clone().unwrap_or_default());
                                button type="submit" { (t(lang, Msg::Logout)) }
                            }
                        } @else {
                            span.scope-name { (ctx.scope_name) " · " (t(lang, Msg::PublicView)) }
                            a href="/login" { (t(lang, Msg::Login)) }
                        }
                    }
                }
                main { (body) }
            }
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
/// tell whether the thing exists. It offers a way back: the user's own
/// overview (their scope's area; a school officer's school too) and the
/// page they came from when it is on this server (a plain link, no script;
/// the overview otherwise). Nothing on it depends on what was asked for.
pub fn forbidden(ctx: &Ctx) -> crate::error::WebError {
    let lang = ctx.lang;
    let area = ctx.principal.scope.area().as_str();
    let overview = if ctx.signed_in {
        format!("/?area={area}")
    } else {
        "/".to_owned()
    };
    let overview_name = match &ctx.principal.scope {
        access::Scope::School { county, .. } => crate::auth::area_name(county),
        _ => ctx.scope_name.clone(),
    };
    let back = ctx.back.clone().unwrap_or_else(|| overview.clone());
    let page = page(
        ctx,
        t(lang, Msg::Forbidden),
        html! {
            p.error { (t(lang, Msg::Forbidden)) }
            nav.way-back {
                a #back-overview href=(overview) { (tf(lang, Msg::BackToOverview, &[&overview_name])) }
                @if let access::Scope::School { school, .. } = &ctx.principal.scope {
                    a #back-school href={ "/schools/" (school.as_str()) } { (t(lang, Msg::BackToSchool)) }
                }
                a #back-previous href=(back) { (t(lang, Msg::BackToPrevious)) }
            }
        },
    );
    crate::error::WebError::Forbidden(page.into_string())
}
