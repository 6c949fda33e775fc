//! The frame of every page (header, navigation, language switch) and the
//! small pieces pages share. maud escapes every interpolated value, so a
//! school named `<script>` is shown as text.

use access::Role;
use maud::{html, Markup, DOCTYPE};

use crate::auth::Ctx;
use crate::i18n::{t, tf, Lang, Msg};
use registry::SchoolYear;

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
                        @if p.can_view_plans() {
                            a href="/plans" { (t(lang, Msg::Plans)) }
                            a href="/supervision" { (t(lang, Msg::Board)) }
                            a href="/projects" { (t(lang, Msg::Projects)) }
                        }
                        @if p.can_view_forecasts() { a #nav-forecast href="/forecast" { (t(lang, Msg::Forecast)) } }
                        @if p.can_view_admission() { a #nav-admission href="/admission" { (t(lang, Msg::Admission)) } }
                        @if p.can_view_plans() && matches!(p.scope, access::Scope::County { .. }) { a href="/my-tasks" { (t(lang, Msg::MyTasks)) } }
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

/// A chart of one indicator, described once and drawn as bars (places) or
/// as a trend (school years). It carries what the numbers are — the
/// indicator's unit in the page's language and its digits — and the policy
/// line or target, so that every chart reads as the tables do: tooltips
/// rounded with their unit ("89.70%", "45 个", "16.20∶1"), a change in
/// 个百分点 for a per cent, the line drawn and labelled, and a y axis from 0.
///
/// ECharts formatters are functions, which JSON cannot hold and the CSP
/// forbids inline: the options carry an `edugov` key (suffix, digits, the
/// change's suffix) that `assets/app.js` turns into formatters before
/// drawing.
#[derive(Debug, Clone)]
pub struct Chart<'a> {
    id: &'a str,
    title: String,
    lang: Lang,
    unit: indicators::Unit,
    digits: usize,
    line: Option<(f64, String)>,
}

impl<'a> Chart<'a> {
    /// A chart of `indicator`'s values, in `lang`.
    pub fn new(
        id: &'a str,
        title: impl Into<String>,
        lang: Lang,
        indicator: &indicators::Indicator,
    ) -> Chart<'a> {
        Chart {
            id,
            title: title.into(),
            lang,
            unit: indicator.unit,
            digits: indicator.unit.digits(),
            line: None,
        }
    }

    /// Draws the row's policy line or target ("标准线 85.00%", "目标 90.00%"),
    /// if it has one.
    pub fn line_of(mut self, row: Option<&indicators::report::Row>) -> Chart<'a> {
        self.line = row.and_then(|r| {
            let at = r.line?;
            let msg = match r.line_kind {
                Some(indicators::Line::Target) => Msg::ChartTarget,
                _ => Msg::ChartPolicyLine,
            };
            Some((at, tf(self.lang, msg, &[&self.value_text(at)])))
        });
        self
    }

    /// The unit as written after a number: `%` and `∶1` onto it, as
    /// reports print them; a word after a space (" 个", " 人/班").
    fn suffix(&self) -> String {
        let label = match self.lang {
            Lang::Zh => self.unit.label_zh(),
            Lang::En => self.unit.label_en(),
        };
        match label {
            "" => String::new(),
            "%" | "∶1" | ":1" => label.to_owned(),
            word => format!(" {word}"),
        }
    }

    /// What a change is written with: percentage points for a per cent
    /// (a difference of two rates is not a per cent), otherwise the unit.
    fn change_suffix(&self) -> String {
        match self.unit {
            indicators::Unit::Percent => format!(" {}", t(self.lang, Msg::PercentagePoints)),
            // "+0.50∶1" reads as a ratio, not a change of one.
            indicators::Unit::PerTeacher => String::new(),
            _ => self.suffix(),
        }
    }

    fn value_text(&self, value: f64) -> String {
        format!(
            "{}{}",
            indicators::report::format_number(value, self.digits),
            self.suffix()
        )
    }

    /// The y axis. It starts at 0 for every unit: all of them are counts,
    /// rates, ratios, amounts per pupil or a coefficient of variation — each
    /// has a true zero (for the CV, 0 is perfect balance), so a bar's or a
    /// line's height is its value and a 0.3-point change is not stretched
    /// to the chart's full height (no `scale: true`). The axis reaches the
    /// line, which ECharts would otherwise leave out of its range and not
    /// draw.
    fn y_axis(&self, values: impl Iterator<Item = f64>) -> serde_json::Value {
        let mut axis = serde_json::json!({ "type": "value", "min": 0 });
        let label = match self.lang {
            Lang::Zh => self.unit.label_zh(),
            Lang::En => self.unit.label_en(),
        };
        if !label.is_empty() {
            axis["name"] = label.into();
        }
        if let Some((line, _)) = &self.line {
            let top = values.fold(0.0_f64, f64::max);
            if *line > top {
                axis["max"] = nice_above(*line * 1.05).into();
            }
        }
        axis
    }

    fn mark_line(&self) -> Option<serde_json::Value> {
        let (at, label) = self.line.as_ref()?;
        Some(serde_json::json!({
            "silent": true,
            "symbol": "none",
            "data": [{ "yAxis": at, "name": label }],
            // On a white ground: the label may sit over a bar.
            "label": {
                "formatter": label, "position": "insideEndTop", "color": "#c62828",
                "backgroundColor": "rgba(255,255,255,0.9)", "padding": [2, 4]
            },
            "lineStyle": { "color": "#c62828", "type": "dashed", "width": 2 }
        }))
    }

    fn extension(&self) -> serde_json::Value {
        serde_json::json!({
            "suffix": self.suffix(),
            "digits": self.digits,
            "change_suffix": self.change_suffix(),
            "change_label": t(self.lang, Msg::Change),
        })
    }

    /// The options of a bar chart of named places.
    pub fn bar_option(&self, names: &[String], values: &[Option<f64>]) -> serde_json::Value {
        let mut series =
            serde_json::json!({ "type": "bar", "data": values, "itemStyle": { "color": "#1f5fa8" } });
        if let Some(mark) = self.mark_line() {
            series["markLine"] = mark;
        }
        serde_json::json!({
            "edugov": self.extension(),
            "title": { "text": self.title, "left": "center", "textStyle": { "fontSize": 14 } },
            "tooltip": { "trigger": "axis" },
            "grid": { "left": 60, "right": 30, "bottom": 90, "top": 50 },
            "xAxis": { "type": "category", "data": names, "axisLabel": { "rotate": 35, "interval": 0 } },
            "yAxis": self.y_axis(values.iter().flatten().copied()),
            "series": [series]
        })
    }

    /// The options of a line chart over school years, one series per name,
    /// the years labelled as school years ("2023—2024学年").
    pub fn trend_option(
        &self,
        years: &[SchoolYear],
        series: &[(String, Vec<Option<f64>>)],
    ) -> serde_json::Value {
        let mut list: Vec<serde_json::Value> = series
            .iter()
            .map(|(name, data)| serde_json::json!({ "name": name, "type": "line", "data": data, "connectNulls": true }))
            .collect();
        if let (Some(mark), Some(first)) = (self.mark_line(), list.first_mut()) {
            first["markLine"] = mark;
        }
        let labels: Vec<String> = years
            .iter()
            .map(|y| crate::i18n::year_label(self.lang, *y))
            .collect();
        serde_json::json!({
            "edugov": self.extension(),
            "title": { "text": self.title, "left": "center", "textStyle": { "fontSize": 14 } },
            "tooltip": { "trigger": "axis" },
            "legend": { "bottom": 0 },
            "grid": { "left": 60, "right": 30, "bottom": 50, "top": 50, "containLabel": true },
            "xAxis": { "type": "category", "data": labels, "axisLabel": { "hideOverlap": true } },
            "yAxis": self.y_axis(series.iter().flat_map(|(_, d)| d.iter().flatten().copied())),
            "series": list
        })
    }

    /// A bar chart of named places.
    pub fn bars(&self, names: &[String], values: &[Option<f64>]) -> Markup {
        chart(self.id, &self.bar_option(names, values))
    }

    /// A line chart over school years.
    pub fn trend(&self, years: &[SchoolYear], series: &[(String, Vec<Option<f64>>)]) -> Markup {
        chart(self.id, &self.trend_option(years, series))
    }
}

/// A round number at or above `value`, so that an axis stretched to a line
/// ends on a tick: 89.25 → 90, 0.5 → 0.5, 17.6 → 20 (steps of half a power of ten).
fn nice_above(value: f64) -> f64 {
    if value <= 0.0 || !value.is_finite() {
        return value.max(0.0);
    }
    let step = 10f64.powf(value.log10().floor()) / 2.0;
    (value / step).ceil() * step
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

#[cfg(test)]
mod tests {
    use super::*;
    use indicators::report::Row;
    use serde_json::{json, Value};

    fn indicator(code: &str) -> &'static indicators::Indicator {
        indicators::find(code).expect("in the catalogue")
    }

    fn row_with_line(code: &str, line: f64, kind: indicators::Line) -> Row {
        let i = indicator(code);
        Row {
            unit: i.unit.label_zh().into(),
            digits: i.unit.digits(),
            line: Some(line),
            line_kind: Some(kind),
            ..Row::default()
        }
    }

    fn years() -> Vec<SchoolYear> {
        vec![SchoolYear(2022), SchoolYear(2023), SchoolYear(2024)]
    }

    #[test]
    fn a_rate_chart_carries_its_unit_digits_and_percentage_points() {
        let coverage = indicator("inclusive_coverage");
        let zh = Chart::new("t", "普惠", Lang::Zh, coverage).trend_option(&years(), &[]);
        assert_eq!(
            zh["edugov"],
            json!({ "suffix": "%", "digits": 2, "change_suffix": " 个百分点", "change_label": "较上年" })
        );
        let en = Chart::new("t", "Coverage", Lang::En, coverage).trend_option(&years(), &[]);
        assert_eq!(en["edugov"]["change_suffix"], " pp");
        assert_eq!(en["edugov"]["change_label"], "Change");
    }

    #[test]
    fn counts_and_ratios_carry_their_own_unit_words() {
        let count = Chart::new("c", "大班额", Lang::Zh, indicator("large_class_count")).bar_option(&[], &[]);
        assert_eq!(count["edugov"]["suffix"], " 个");
        assert_eq!(count["edugov"]["digits"], 0);
        assert_eq!(count["edugov"]["change_suffix"], " 个");
        assert_eq!(count["yAxis"]["name"], "个");
        let ratio =
            Chart::new("r", "生师比", Lang::Zh, indicator("student_teacher_ratio")).bar_option(&[], &[]);
        assert_eq!(ratio["edugov"]["suffix"], "∶1");
        // A change of a ratio is a number, not "+0.50∶1".
        assert_eq!(ratio["edugov"]["change_suffix"], "");
        let en = Chart::new("r", "Ratio", Lang::En, indicator("student_teacher_ratio")).bar_option(&[], &[]);
        assert_eq!(en["edugov"]["suffix"], ":1");
    }

    #[test]
    fn a_trend_is_labelled_by_school_years_in_the_page_language() {
        let i = indicator("inclusive_coverage");
        let series = [("历城区".to_owned(), vec![Some(80.0), None, Some(86.5)])];
        let zh = Chart::new("t", "普惠", Lang::Zh, i).trend_option(&years(), &series);
        assert_eq!(
            zh["xAxis"]["data"],
            json!(["2022—2023学年", "2023—2024学年", "2024—2025学年"])
        );
        let en = Chart::new("t", "Coverage", Lang::En, i).trend_option(&years(), &series);
        assert_eq!(en["xAxis"]["data"][2], "2024–2025");
        assert_eq!(en["series"][0]["data"], json!([80.0, null, 86.5]));
    }

    #[test]
    fn the_policy_line_is_drawn_and_labelled_on_trends_and_bars() {
        let i = indicator("inclusive_coverage");
        let row = row_with_line("inclusive_coverage", 85.0, indicators::Line::Threshold);
        let chart = Chart::new("t", "普惠", Lang::Zh, i).line_of(Some(&row));
        let trend = chart.trend_option(
            &years(),
            &[("历城区".to_owned(), vec![Some(80.0), Some(90.0), Some(91.0)])],
        );
        let mark = &trend["series"][0]["markLine"];
        assert_eq!(mark["data"][0]["yAxis"], 85.0);
        assert_eq!(mark["label"]["formatter"], "标准线 85.00%");
        let bars = chart.bar_option(&["甲".to_owned()], &[Some(90.0)]);
        assert_eq!(
            bars["series"][0]["markLine"]["label"]["formatter"],
            "标准线 85.00%"
        );

        let target = row_with_line("inclusive_coverage", 90.0, indicators::Line::Target);
        let en = Chart::new("t", "Coverage", Lang::En, i).line_of(Some(&target));
        let bars = en.bar_option(&["A".to_owned()], &[Some(95.0)]);
        assert_eq!(
            bars["series"][0]["markLine"]["label"]["formatter"],
            "Target 90.00%"
        );
    }

    #[test]
    fn without_a_line_nothing_is_marked() {
        let i = indicator("inclusive_coverage");
        let row = Row::default();
        for chart in [
            Chart::new("t", "x", Lang::Zh, i),
            Chart::new("t", "x", Lang::Zh, i).line_of(Some(&row)),
        ] {
            let trend = chart.trend_option(&years(), &[("a".to_owned(), vec![Some(1.0)])]);
            assert_eq!(trend["series"][0].get("markLine"), None);
            assert_eq!(chart.bar_option(&[], &[])["series"][0].get("markLine"), None);
        }
    }

    #[test]
    fn the_y_axis_starts_at_zero_and_never_zooms_on_small_changes() {
        for code in [
            "inclusive_coverage",
            "large_class_count",
            "student_teacher_ratio",
            "seat_utilisation",
        ] {
            let chart = Chart::new("t", "x", Lang::Zh, indicator(code));
            // A 0.3-point change: the axis still starts at 0.
            let trend = chart.trend_option(&years(), &[("a".to_owned(), vec![Some(91.2), Some(91.5), None])]);
            let bars = chart.bar_option(&["a".to_owned()], &[Some(91.5)]);
            for axis in [&trend["yAxis"], &bars["yAxis"]] {
                assert_eq!(axis["min"], 0, "{code}");
                assert_eq!(axis.get("scale"), None, "{code}");
            }
        }
    }

    #[test]
    fn the_y_axis_reaches_a_line_above_every_value() {
        let i = indicator("inclusive_coverage");
        let row = row_with_line("inclusive_coverage", 85.0, indicators::Line::Threshold);
        let chart = Chart::new("t", "x", Lang::Zh, i).line_of(Some(&row));
        let low = chart.bar_option(&["a".to_owned()], &[Some(60.0)]);
        assert_eq!(low["yAxis"]["max"], 90.0);
        // Values above the line: ECharts' own range already holds it.
        let high = chart.bar_option(&["a".to_owned()], &[Some(96.0)]);
        assert_eq!(high["yAxis"].get("max"), None);
    }

    #[test]
    fn a_round_top_is_just_above_the_line() {
        assert_eq!(nice_above(89.25), 90.0);
        assert_eq!(nice_above(17.6), 20.0);
        assert!((nice_above(0.525) - 0.55).abs() < 1e-9);
        assert_eq!(nice_above(0.0), 0.0);
        assert_eq!(nice_above(f64::NAN), 0.0);
    }

    #[test]
    fn the_chart_options_travel_escaped_in_a_data_attribute() {
        let i = indicator("inclusive_coverage");
        let html = Chart::new("t", "<script>", Lang::Zh, i)
            .bars(&["\"a\"".to_owned()], &[Some(1.0)])
            .into_string();
        assert!(html.contains("data-chart=\""));
        assert!(!html.contains("<script>"));
        let _: Value = serde_json::from_str(&html_attr(&html)).expect("JSON");
    }

    fn html_attr(html: &str) -> String {
        let start = html
            .find("data-chart=\"")
            .map(|i| i + "data-chart=\"".len())
            .unwrap_or(0);
        let end = html[start..].find('"').map(|e| start + e).unwrap_or(html.len());
        html[start..end]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }
}
