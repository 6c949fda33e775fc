//! Charts read as the tables do (issue 11, point 4): tooltips rounded with
//! the indicator's unit, school years labelled as school years, the policy
//! line drawn, y axes from 0, and changes of rates in 个百分点 — checked on
//! the options each page carries in `data-chart`, and on the tables' text.

use serde_json::Value;

use crate::{shared, Browser, Who, COUNTY};

/// Every chart of a page: its element id and its options.
fn charts(html: &str) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("class=\"chart\"") {
        rest = &rest[at..];
        let id = attr(rest, "id").unwrap_or_default();
        let json = attr(rest, "data-chart").expect("a chart carries its options");
        let option: Value = serde_json::from_str(&json).expect("the options are JSON");
        found.push((id, option));
        rest = &rest[1..];
    }
    found
}

/// An attribute of the element `html` starts in, unescaped.
fn attr(html: &str, name: &str) -> Option<String> {
    let tag = &html[..html.find('>')?];
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = start + tag[start..].find('"')?;
    Some(
        tag[start..end]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    )
}

/// The page's text outside the chart options (what a reader sees in tables and cards).
fn without_charts(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("data-chart=\"") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "data-chart=\"".len()..];
        rest = after.find('"').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// A signed change followed directly by a per cent sign: "+1.20%", "−0.5%".
fn has_change_in_percent(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().any(|(i, c)| {
        if *c != '+' && *c != '−' {
            return false;
        }
        let digits: String = chars[i + 1..]
            .iter()
            .take_while(|d| d.is_ascii_digit() || **d == '.' || **d == ',')
            .collect();
        !digits.is_empty() && chars.get(i + 1 + digits.chars().count()) == Some(&'%')
    })
}

fn chart<'a>(all: &'a [(String, Value)], title: &str) -> &'a Value {
    &all.iter()
        .find(|(_, o)| o["title"]["text"].as_str().is_some_and(|t| t.starts_with(title)))
        .unwrap_or_else(|| {
            panic!(
                "a chart titled {title}: {:?}",
                all.iter().map(|(i, _)| i).collect::<Vec<_>>()
            )
        })
        .1
}

fn assert_y_from_zero(option: &Value) {
    assert_eq!(option["yAxis"]["min"], 0, "{option}");
    assert_eq!(option["yAxis"].get("scale"), None, "{option}");
}

#[test]
fn the_overview_trends_are_labelled_by_school_year_with_units_and_the_policy_line() {
    let admin = Browser::as_role(shared(), Who::Admin);
    let page = admin.get("/").text();
    let all = charts(&page);
    let trends: Vec<&Value> = all
        .iter()
        .filter(|(id, _)| id.starts_with("trend-"))
        .map(|(_, o)| o)
        .collect();
    assert!(!trends.is_empty(), "the overview draws trends");
    for trend in &trends {
        let years = trend["xAxis"]["data"].as_array().expect("years");
        assert!(!years.is_empty());
        assert!(
            years
                .iter()
                .all(|y| y.as_str().is_some_and(|y| y.ends_with("学年") && y.contains('—'))),
            "{years:?}"
        );
        assert_y_from_zero(trend);
        assert!(trend["edugov"]["digits"].is_u64(), "{trend}");
    }
    let coverage = chart(&all, "普惠性幼儿园覆盖率");
    assert_eq!(coverage["edugov"]["suffix"], "%");
    assert_eq!(coverage["edugov"]["change_suffix"], " 个百分点");
    assert_eq!(
        coverage["series"][0]["markLine"]["label"]["formatter"],
        "标准线 85.00%"
    );
    let large = chart(&all, "大班额班级数");
    assert_eq!(large["edugov"]["suffix"], " 个");
    assert_eq!(large["edugov"]["digits"], 0);
}

#[test]
fn the_overview_cards_give_changes_of_rates_in_percentage_points() {
    let admin = Browser::as_role(shared(), Who::Admin);
    let page = admin.get("/").text();
    let text = without_charts(&page);
    assert!(text.contains("个百分点"), "a rate's change on a card");
    assert!(!has_change_in_percent(&text), "a change written as a per cent");

    let en = Browser::as_role(shared(), Who::Admin);
    assert_eq!(en.get("/lang/en").status, 303);
    let page = en.get("/").text();
    let text = without_charts(&page);
    assert!(text.contains(" pp"), "a rate's change in English");
    assert!(!text.contains("个百分点"));
    let all = charts(&page);
    let coverage = chart(&all, "Inclusive kindergarten coverage");
    assert_eq!(coverage["edugov"]["change_suffix"], " pp");
    assert_eq!(
        coverage["series"][0]["markLine"]["label"]["formatter"],
        "Policy line 85.00%"
    );
    let years = coverage["xAxis"]["data"].as_array().expect("years");
    assert!(
        years
            .iter()
            .all(|y| y.as_str().is_some_and(|y| y.contains('–') && !y.contains('学'))),
        "{years:?}"
    );
}

#[test]
fn an_indicator_page_marks_its_line_on_the_trend_and_the_bars() {
    let county = Browser::as_role(shared(), Who::County);
    let page = county
        .get(&format!("/indicators/inclusive_coverage?area={COUNTY}"))
        .text();
    let all = charts(&page);
    for id in ["trend", "by-area"] {
        let (_, option) = all
            .iter()
            .find(|(i, _)| i == id)
            .unwrap_or_else(|| panic!("chart {id}"));
        let series = &option["series"][0];
        assert_eq!(series["markLine"]["data"][0]["yAxis"], 85.0, "{id}");
        assert_eq!(series["markLine"]["label"]["formatter"], "标准线 85.00%", "{id}");
        assert_eq!(option["edugov"]["suffix"], "%", "{id}");
        assert_y_from_zero(option);
    }
    let text = without_charts(&page);
    assert!(text.contains("个百分点"), "the table's changes");
    assert!(!has_change_in_percent(&text));
}

#[test]
fn a_drill_down_of_a_rate_gives_changes_in_percentage_points_and_a_marked_chart() {
    let admin = Browser::as_role(shared(), Who::Admin);
    let page = admin.get("/areas/3701?indicator=inclusive_coverage").text();
    let all = charts(&page);
    let (_, drill) = all
        .iter()
        .find(|(i, _)| i == "drill")
        .expect("the drill-down chart");
    assert_eq!(
        drill["series"][0]["markLine"]["label"]["formatter"],
        "标准线 85.00%"
    );
    assert_y_from_zero(drill);
    let text = without_charts(&page);
    assert!(text.contains("个百分点"));
    assert!(!has_change_in_percent(&text));
    // A count's change stays a bare signed number.
    let counts = admin.get("/areas/3701?indicator=large_class_count").text();
    assert!(!without_charts(&counts).contains("个百分点"));
}

#[test]
fn a_change_written_as_a_per_cent_is_recognised() {
    assert!(has_change_in_percent("较上年 +1.20%"));
    assert!(has_change_in_percent("<td>−0.5%</td>"));
    assert!(!has_change_in_percent("较上年 +1.20 个百分点"));
    assert!(!has_change_in_percent("89.70%"));
}
