//! Values as report rows: codes and Chinese labels, the policy line or
//! target and the judgement — what every output (table, CSV, xlsx, JSON,
//! the web) shows, so they never disagree.

use std::borrow::Cow;

use registry::Stage;

use crate::catalogue::Unit;
use crate::compute::{Computed, Value};
use crate::custom::{CustomIndicator, CustomValue};
use crate::judge::{self, judge, Comparison, Line};
use crate::places::Level;

/// One value of one indicator for one place and school year, as every
/// output shows it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Row {
    pub indicator: Cow<'static, str>,
    pub indicator_name: Cow<'static, str>,
    pub unit: Cow<'static, str>,
    /// Stage code, or `None` for the value over all the indicator's stages.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<registry::Stage>))]
    pub stage: Option<&'static str>,
    pub grade: Option<i8>,
    /// The place's level (`Level::code`).
    #[cfg_attr(feature = "openapi", schema(value_type = Level))]
    pub level: &'static str,
    /// The area's code; for a school, its county; for a school group, the city.
    pub area: Option<String>,
    pub school: Option<String>,
    pub school_group: Option<String>,
    pub place_name: String,
    pub school_year: u16,
    pub value: Option<f64>,
    /// No value because none applies (a 差异系数 of fewer than two schools or
    /// school parts, rules.md): shown as 不适用, never judged. Written to
    /// JSON only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_applicable: bool,
    /// `None` only for a custom indicator whose numerator is itself undefined.
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub change: Option<f64>,
    /// Digits the value is shown with.
    #[serde(skip)]
    pub digits: usize,
    /// The policy line (from the rules) or the target the value is judged against.
    pub line: Option<f64>,
    pub line_kind: Option<Line>,
    pub met: Option<bool>,
    pub gap: Option<f64>,
    /// The schools the value is made of ([`Value::schools`](crate::Value::schools)).
    pub schools: u64,
    /// The same a year before, when there is a `change`.
    #[serde(skip)]
    pub previous_schools: Option<u64>,
    /// Withheld by the publication rule (too few schools for this reader):
    /// `Some(n)`, the minimum number of schools, and the value, numerator,
    /// denominator, change and judgement are all `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<u32>,
}

impl Row {
    /// Withholds the figures of an aggregate of fewer than `min_schools`
    /// schools ([`Rules::min_published_schools`](crate::Rules)): nothing
    /// of it remains that could be read back (the change and the judgement
    /// reveal the value too). The policy line stays: it is not data.
    pub fn suppress(&mut self, min_schools: u32) {
        self.value = None;
        self.numerator = None;
        self.denominator = None;
        self.change = None;
        self.met = None;
        self.gap = None;
        self.suppressed = Some(min_schools);
    }

    /// Whether the row is an aggregate (an area or a school group), which
    /// the publication rule applies to, rather than one school.
    pub fn is_aggregate(&self) -> bool {
        self.school.is_none()
    }

    /// Whether the value is a count of schools (the group's size itself,
    /// which the suppression note tells anyway, and no school's figure).
    pub fn counts_schools(&self) -> bool {
        crate::find(&self.indicator).is_some_and(|i| i.measure == crate::Measure::SchoolCount)
    }
}

/// Rows for values; `target`, when given, replaces the policy line.
pub fn rows(computed: &Computed, values: &[Value], target: Option<f64>) -> Vec<Row> {
    let city = city_code(computed);
    values
        .iter()
        .filter_map(|v| {
            let place = computed.place(v)?;
            let (line, line_kind) = match target {
                Some(t) => (Some(t), Some(Line::Target)),
                None if v.grade.is_none() => {
                    let line = computed.rules.line(v.indicator.code, v.stage).map(|l| l.value);
                    (line, line.map(|_| Line::Threshold))
                }
                None => (None, None),
            };
            let judgement = v
                .value
                .zip(line)
                .zip(line_kind)
                .map(|((value, at), kind)| judge(v.indicator, value, at, kind));
            let (area, school, school_group) = place_codes(place, v.level, city.as_deref());
            Some(Row {
                indicator: Cow::Borrowed(v.indicator.code),
                indicator_name: Cow::Borrowed(v.indicator.name_zh),
                unit: Cow::Borrowed(v.indicator.unit.label_zh()),
                stage: v.stage.map(Stage::code),
                grade: v.grade.map(|g| g.0),
                level: v.level.code(),
                area,
                school,
                school_group,
                place_name: place.name.clone(),
                school_year: computed.school_year(v).0,
                value: v.value,
                not_applicable: v.not_applicable,
                numerator: Some(v.numerator),
                denominator: v.denominator,
                change: v.change,
                digits: v.indicator.unit.digits(),
                line,
                line_kind,
                met: judgement.map(|j| j.met),
                gap: judgement.map(|j| j.gap),
                schools: u64::from(v.schools),
                previous_schools: v.previous_schools.map(u64::from),
                suppressed: None,
            })
        })
        .collect()
}

/// The city's code: what a school group's rows give as their area.
fn city_code(computed: &Computed) -> Option<String> {
    computed
        .years
        .first()
        .and_then(|y| y.level(Level::City).places.first())
        .map(|p| p.code.clone())
}

/// A place's codes as rows carry them: (area, school, school group).
fn place_codes(
    place: &crate::places::Place,
    level: Level,
    city: Option<&str>,
) -> (Option<String>, Option<String>, Option<String>) {
    match level {
        Level::City | Level::County | Level::Township => (Some(place.code.clone()), None, None),
        Level::School => (
            place.county.as_ref().map(|c| c.as_str().to_owned()),
            Some(place.code.clone()),
            None,
        ),
        Level::SchoolGroup => (city.map(str::to_owned), None, Some(place.code.clone())),
    }
}

/// Rows for a custom indicator's values, shown with two decimals; a
/// `target` is judged with `comparison`.
pub fn custom_rows(
    computed: &Computed,
    custom: &CustomIndicator,
    values: &[CustomValue],
    target: Option<(f64, Comparison)>,
) -> Vec<Row> {
    let city = city_code(computed);
    values
        .iter()
        .filter_map(|v| {
            let level = computed.years.get(v.year as usize)?.level(v.level);
            let place = level.places.get(v.place as usize)?;
            // Every school of the place: an expression may filter some out,
            // so this is an upper bound (custom indicators are the
            // operator's, on the command line, never published by the web).
            let schools = level.tallies.get(v.place as usize).map_or(0, |t| t.schools);
            let (area, school, school_group) = place_codes(place, v.level, city.as_deref());
            let judgement = v
                .value
                .zip(target)
                .map(|(value, (at, comparison))| judge::judge_with(comparison, 2, value, at, Line::Target));
            Some(Row {
                indicator: Cow::Owned(custom.code.clone()),
                indicator_name: Cow::Owned(custom.name.clone()),
                unit: Cow::Owned(custom.unit.clone()),
                stage: None,
                grade: None,
                level: v.level.code(),
                area,
                school,
                school_group,
                place_name: place.name.clone(),
                school_year: computed.school_year_at(v.year).0,
                value: v.value,
                not_applicable: false,
                numerator: v.numerator,
                denominator: v.denominator,
                change: v.change,
                digits: 2,
                line: target.map(|t| t.0),
                line_kind: target.map(|_| Line::Target),
                met: judgement.map(|j| j.met),
                gap: judgement.map(|j| j.gap),
                schools,
                previous_schools: None,
                suppressed: None,
            })
        })
        .collect()
}

/// The stage column: a grade, a stage, 合计 for the value over an
/// indicator's stages, or nothing for indicators without stages.
pub fn stage_label(row: &Row) -> String {
    if let Some(grade) = row.grade {
        return registry::Grade(grade).label_zh();
    }
    match row.stage.and_then(Stage::from_code) {
        Some(stage) => stage.label_zh().to_owned(),
        None if crate::find(&row.indicator).is_some_and(|i| !i.stages.is_empty()) => "合计".to_owned(),
        None => String::new(),
    }
}

/// A row's value as a report prints it, by its digits and unit label.
pub fn format_row_value(row: &Row, value: Option<f64>) -> String {
    if value.is_none() && row.not_applicable {
        return NOT_APPLICABLE.to_owned();
    }
    format_with(row.digits, &row.unit, value)
}

/// What a value that does not apply reads as (rules.md: a stage of fewer
/// than two units has no 差异系数).
pub const NOT_APPLICABLE: &str = "不适用";

/// A value as a report prints it: `89.70%`, `13.52∶1`, `1,234`, `0.412`.
pub fn format_value(unit: Unit, value: Option<f64>) -> String {
    format_with(unit.digits(), unit.label_zh(), value)
}

/// The one formatting both share: the number to `digits`, then `%` and
/// `∶1` written onto it (other unit labels go in their own column).
fn format_with(digits: usize, unit_label: &str, value: Option<f64>) -> String {
    let Some(value) = value else {
        return "—".to_owned();
    };
    let number = format_number(value, digits);
    match unit_label {
        "%" | "∶1" => format!("{number}{unit_label}"),
        _ => number,
    }
}

/// What a change of a per cent is written with: the difference of two
/// rates is in percentage points (89 % → 90.2 % is "+1.20 个百分点"), never
/// "+1.20%", which would read as a relative change.
pub const PERCENTAGE_POINTS_ZH: &str = "个百分点";

/// A row's change as reports print it (Chinese): `+1.20 个百分点` for a
/// per cent, otherwise the signed number (`+3`, `−0.50`) as [`format_change`].
pub fn format_row_change(row: &Row, change: Option<f64>) -> String {
    format_change_in(row, change, PERCENTAGE_POINTS_ZH)
}

/// As [`format_row_change`], with `points` the page's word for percentage
/// points (`个百分点`, `pp`).
pub fn format_change_in(row: &Row, change: Option<f64>, points: &str) -> String {
    let number = format_change(row.digits, change);
    if number.is_empty() || !is_percent(row) {
        return number;
    }
    format!("{number} {points}")
}

/// Whether a row's values are per cents, so that its changes and gaps are
/// percentage points.
pub fn is_percent(row: &Row) -> bool {
    row.unit == Unit::Percent.label_zh()
}

/// A signed change with `digits` decimals: `+1.25`, `−3`, `0.00`. The bare
/// number: a row's change is printed by [`format_row_change`], which adds
/// the percentage points a change of a per cent is in.
pub fn format_change(digits: usize, change: Option<f64>) -> String {
    let Some(change) = change else {
        return String::new();
    };
    let rounded = judge::round(change, digits);
    let number = format_number(rounded.abs(), digits);
    if rounded > 0.0 {
        format!("+{number}")
    } else if rounded < 0.0 {
        format!("−{number}")
    } else {
        number
    }
}

/// The digits a row's gap is shown with: the value's, or more when the
/// gap would otherwise read as 0 beside a "not met" ([`judge::gap_digits`]).
pub fn gap_digits(row: &Row) -> usize {
    row.gap.map_or(row.digits, |g| judge::gap_digits(g, row.digits))
}

/// How far a row falls short of its line, as the reports print it beside
/// ✗: `0.0033` (never `0.00`), `12`, `1.80 个百分点` for a per cent;
/// empty when the line is met or there is none.
pub fn format_shortfall(row: &Row) -> String {
    let Some(gap) = row.gap.filter(|g| *g < 0.0 && row.met == Some(false)) else {
        return String::new();
    };
    let number = format_number(-gap, gap_digits(row));
    if is_percent(row) {
        format!("{number} {PERCENTAGE_POINTS_ZH}")
    } else {
        number
    }
}

/// Thousands separators on the integer part, as Chinese reports print them.
pub fn format_number(value: f64, digits: usize) -> String {
    let text = format!("{:.*}", digits, judge::round(value, digits));
    let (sign, text) = text.strip_prefix('-').map_or(("", text.as_str()), |t| ("-", t));
    let (int, frac) = text.split_once('.').map_or((text, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_reports_do() {
        assert_eq!(format_value(Unit::Percent, Some(89.7)), "89.70%");
        assert_eq!(format_value(Unit::Count, Some(1_234_567.0)), "1,234,567");
        assert_eq!(format_value(Unit::PerTeacher, Some(13.516)), "13.52∶1");
        assert_eq!(format_value(Unit::Coefficient, Some(0.41249)), "0.412");
        assert_eq!(format_value(Unit::Percent, None), "—");
        assert_eq!(format_number(-1234.5, 1), "-1,234.5");
        assert_eq!(format_change(2, Some(-0.004)), "0.00");
        assert_eq!(format_change(0, Some(-12.0)), "−12");
        assert_eq!(format_change(2, Some(1.256)), "+1.26");
    }

    fn row_in(unit: Unit) -> Row {
        Row {
            unit: Cow::Borrowed(unit.label_zh()),
            digits: unit.digits(),
            ..Row::default()
        }
    }

    #[test]
    fn a_change_of_a_per_cent_is_written_in_percentage_points() {
        let rate = row_in(Unit::Percent);
        assert_eq!(format_row_change(&rate, Some(1.204)), "+1.20 个百分点");
        assert_eq!(format_row_change(&rate, Some(-0.5)), "−0.50 个百分点");
        assert_eq!(format_change_in(&rate, Some(1.2), "pp"), "+1.20 pp");
        assert!(!format_row_change(&rate, Some(1.2)).contains('%'));
        // No change, nothing written (not a lone unit).
        assert_eq!(format_row_change(&rate, None), "");
    }

    #[test]
    fn a_change_of_other_units_stays_a_signed_number() {
        assert_eq!(format_row_change(&row_in(Unit::Count), Some(3.0)), "+3");
        assert_eq!(format_row_change(&row_in(Unit::PerTeacher), Some(-0.5)), "−0.50");
        assert_eq!(
            format_change_in(&row_in(Unit::Coefficient), Some(0.01), "pp"),
            "+0.010"
        );
    }
}
