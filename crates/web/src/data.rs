//! Reading values out of the computed indicators for pages and the API:
//! one place, its children, its trend, and the choices a request makes
//! (area, stage). Pages and API share these, so they answer alike; whether
//! the area itself may be seen is checked by the callers (a page refuses
//! with HTML, the API with JSON).
//!
//! Publication rule (issue 10, point 8): every row shown to a principal
//! passes [`disclose`], which withholds an aggregate of fewer schools than
//! `Rules::min_published_schools` from a principal who may not see all of
//! them (`access::Principal::can_view_aggregate`). The `*_for` functions
//! and [`drill_rows`] apply it; [`own_row`], [`rows`] and [`trend_rows`]
//! give raw rows, for caches shared by every principal.

use access::Principal;
use indicators::report::{self, Row};
use indicators::{Computed, Indicator, Level, Place, Query};
use registry::{AreaCode, AreaLevel, SchoolCode, SchoolYear, Stage};

/// The level an area's code names.
pub fn level_of(area: &AreaCode) -> Level {
    match area.level() {
        AreaLevel::Province | AreaLevel::City => Level::City,
        AreaLevel::County => Level::County,
        _ => Level::Township,
    }
}

/// One step down from an area.
pub fn child_level(area: &AreaCode) -> Level {
    level_of(area).below().unwrap_or(Level::School)
}

/// Rows of one indicator for `level` places within `area` in `year`
/// (stage `None` = the all-stage value or the indicator without stages).
pub fn rows(
    computed: &Computed,
    indicator: &'static Indicator,
    stage: Option<Stage>,
    level: Level,
    area: &AreaCode,
    year: SchoolYear,
) -> Vec<Row> {
    rows_where(computed, indicator, stage, level, area, year, |_| true)
}

/// [`rows`] of the places `keep` accepts.
fn rows_where(
    computed: &Computed,
    indicator: &'static Indicator,
    stage: Option<Stage>,
    level: Level,
    area: &AreaCode,
    year: SchoolYear,
    keep: impl Fn(&Place) -> bool,
) -> Vec<Row> {
    let query = Query {
        indicators: vec![indicator],
        years: vec![year],
        within: Some(area.clone()),
        levels: vec![level],
        by_grade: false,
    };
    let values: Vec<_> = computed
        .values(&query)
        .into_iter()
        .filter(|v| v.stage == stage && computed.place(v).is_some_and(&keep))
        .collect();
    report::rows(computed, &values, None)
}

/// The row of the area itself.
pub fn own_row(
    computed: &Computed,
    indicator: &'static Indicator,
    stage: Option<Stage>,
    area: &AreaCode,
    year: SchoolYear,
) -> Option<Row> {
    rows(computed, indicator, stage, level_of(area), area, year)
        .into_iter()
        .find(|r| r.area.as_deref() == Some(area.as_str()))
}

/// [`own_row`] as `principal` may see it.
pub fn own_row_for(
    computed: &Computed,
    principal: &Principal,
    indicator: &'static Indicator,
    stage: Option<Stage>,
    area: &AreaCode,
    year: SchoolYear,
) -> Option<Row> {
    own_row(computed, indicator, stage, area, year).map(|r| disclosed(computed, principal, &r))
}

/// The area's row in every school year held (raw: see [`trend_values`]).
pub fn trend_rows(
    computed: &Computed,
    indicator: &'static Indicator,
    stage: Option<Stage>,
    area: &AreaCode,
) -> Vec<Option<Row>> {
    computed
        .school_years()
        .into_iter()
        .map(|y| own_row(computed, indicator, stage, area, y))
        .collect()
}

/// The values of a trend as `principal` may see them: a year whose
/// aggregate is too small for the principal is a gap.
pub fn trend_values(computed: &Computed, principal: &Principal, rows: &[Option<Row>]) -> Vec<Option<f64>> {
    rows.iter()
        .map(|r| r.as_ref().and_then(|r| disclosed(computed, principal, r).value))
        .collect()
}

/// The area's value in every school year held, as `principal` may see it.
pub fn trend_for(
    computed: &Computed,
    principal: &Principal,
    indicator: &'static Indicator,
    stage: Option<Stage>,
    area: &AreaCode,
) -> Vec<Option<f64>> {
    trend_values(computed, principal, &trend_rows(computed, indicator, stage, area))
}

/// Applies the publication rule to a row shown to `principal`: an
/// aggregate (an area or a school group) of fewer schools than
/// `Rules::min_published_schools` is suppressed unless the principal may
/// see every one of its schools, and a change is dropped when last year's
/// aggregate was too small (the change would give last year's value back).
/// One school's own row is left to `pages::visible`; a count of schools is
/// no school's figure. `access` decides; this only reads the row.
pub fn disclose(computed: &Computed, principal: &Principal, row: &mut Row) {
    let min_schools = computed.rules.min_published_schools;
    if !row.is_aggregate() || row.counts_schools() {
        return;
    }
    let Some(area) = row.area.as_deref().and_then(|a| AreaCode::parse(a).ok()) else {
        row.suppress(min_schools);
        return;
    };
    if !principal.can_view_aggregate(&area, row.schools, min_schools) {
        row.suppress(min_schools);
    } else if row
        .previous_schools
        .is_some_and(|before| !principal.can_view_aggregate(&area, before, min_schools))
    {
        row.change = None;
    }
}

/// A copy of `row` with [`disclose`] applied.
pub fn disclosed(computed: &Computed, principal: &Principal, row: &Row) -> Row {
    let mut row = row.clone();
    disclose(computed, principal, &mut row);
    row
}

/// The name of an area in the computed years (the latest that has it).
pub fn area_name(computed: &Computed, area: &AreaCode) -> String {
    let level = level_of(area);
    computed
        .years
        .iter()
        .rev()
        .find_map(|y| {
            y.level(level)
                .places
                .iter()
                .find(|p| p.code == area.as_str())
                .map(|p| p.name.clone())
        })
        .or_else(|| registry::divisions::city_name(area.as_str()))
        .unwrap_or_else(|| area.as_str().to_owned())
}

/// Whether a row may be shown to the principal.
pub fn visible(principal: &Principal, row: &Row) -> bool {
    match (&row.school, &row.area) {
        (Some(school), Some(county)) => match (SchoolCode::parse(school), AreaCode::parse(county)) {
            (Ok(s), Ok(c)) => principal.can_view_school(&s, &c),
            _ => false,
        },
        (None, Some(area)) => AreaCode::parse(area).is_ok_and(|a| principal.can_view_area(&a)),
        _ => {
            row.level == Level::SchoolGroup.code()
                && principal.role != access::Role::Public
                && matches!(principal.scope, access::Scope::City { .. })
        }
    }
}

/// The year asked for if held, else the latest.
pub fn choose_year(computed: &Computed, asked: Option<u16>) -> Option<SchoolYear> {
    let years = computed.school_years();
    asked
        .map(SchoolYear)
        .filter(|y| years.contains(y))
        .or_else(|| years.last().copied())
}

/// The stage an indicator is shown with on summary pages: its all-stage
/// value when it has one, else its first stage, else none.
pub fn headline_stage(indicator: &Indicator) -> Option<Stage> {
    if indicator.stages.is_empty() || indicator.all_stages {
        None
    } else {
        indicator.stages.first().copied()
    }
}

/// The area a request names (`?area=`), or the principal's own; `None`
/// when the text is not an area code.
pub fn requested_area(principal: &Principal, asked: Option<&str>) -> Option<AreaCode> {
    match asked {
        Some(text) => AreaCode::parse(text).ok(),
        None => Some(principal.scope.area().clone()),
    }
}

/// The stage a request names if the indicator has it, else its headline stage.
pub fn chosen_stage(indicator: &Indicator, asked: Option<&str>) -> Option<Stage> {
    match asked.map(Stage::parse) {
        Some(Ok(s)) if indicator.stages.contains(&s) => Some(s),
        _ => headline_stage(indicator),
    }
}

/// The drill-down: one indicator for the places one level below `area`,
/// as far as the principal may see them (`access` decides each row, so the
/// public gets counties but no townships or schools). Below a county come
/// its townships and then the schools that name no township (乡镇街道 is
/// optional in the 学校 file): every school is reachable, and the rows add
/// up to the county.
pub fn drill_rows(
    computed: &Computed,
    principal: &Principal,
    indicator: &'static Indicator,
    stage: Option<Stage>,
    area: &AreaCode,
    year: SchoolYear,
) -> Vec<Row> {
    let mut rows = below(computed, indicator, stage, area, year);
    rows.retain(|r| visible(principal, r));
    for row in &mut rows {
        disclose(computed, principal, row);
    }
    rows
}

/// Every row of the drill-down, before scope: whether anything lies below
/// an area at all.
pub fn below(
    computed: &Computed,
    indicator: &'static Indicator,
    stage: Option<Stage>,
    area: &AreaCode,
    year: SchoolYear,
) -> Vec<Row> {
    let level = child_level(area);
    let mut rows = rows(computed, indicator, stage, level, area, year);
    if level == Level::Township {
        rows.extend(schools_without_township(computed, indicator, stage, area, year));
    }
    rows
}

/// A county's schools that name no township.
fn schools_without_township(
    computed: &Computed,
    indicator: &'static Indicator,
    stage: Option<Stage>,
    county: &AreaCode,
    year: SchoolYear,
) -> Vec<Row> {
    // Usually there are none: a look at the places spares computing every
    // school of the county on each drill-down (a third of its time).
    let any = computed.years.iter().filter(|y| y.school_year == year).any(|y| {
        y.level(Level::School)
            .places
            .iter()
            .any(|p| p.township.is_none() && p.county.as_ref() == Some(county))
    });
    if !any {
        return Vec::new();
    }
    rows_where(computed, indicator, stage, Level::School, county, year, |p| {
        p.township.is_none()
    })
}

// issue 11: drill — the schools and classes behind a figure.

/// Sorts rows worst first: rows that fail their line first, then by value
/// in the indicator's bad direction (highest first when lower is better or
/// for a neutral figure, lowest first when higher is better), rows without
/// a value (withheld, or nothing to count) last, then by name.
pub fn worst_first(indicator: &Indicator, rows: &mut [Row]) {
    rows.sort_by(|a, b| {
        let passing = |r: &Row| r.met != Some(false);
        passing(a)
            .cmp(&passing(b))
            .then_with(|| worse_value(indicator, a.value, b.value))
            .then_with(|| a.place_name.cmp(&b.place_name))
    });
}

/// The order of two values, the worse first; no value last.
fn worse_value(indicator: &Indicator, a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(x), Some(y)) => match indicator.direction {
            indicators::Direction::HigherIsBetter => x.partial_cmp(&y),
            _ => y.partial_cmp(&x),
        }
        .unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// How [`worst_first`] orders values, as a sortable table's header says
/// it (`data-dir`, read by `assets/app.js`): `asc` when higher is better.
pub fn worst_first_dir(indicator: &Indicator) -> &'static str {
    match indicator.direction {
        indicators::Direction::HigherIsBetter => "asc",
        _ => "desc",
    }
}

/// The schools within `area` that make up its value of the indicator in
/// `year` (those with a value of their own), as far as `principal` may see
/// them, worst first. Whether the principal may list schools there at all
/// is `access::Principal::can_list_schools_in`, asked by the caller.
pub fn school_rows_for(
    computed: &Computed,
    principal: &Principal,
    indicator: &'static Indicator,
    stage: Option<Stage>,
    area: &AreaCode,
    year: SchoolYear,
) -> Vec<Row> {
    let mut rows = rows(computed, indicator, stage, Level::School, area, year);
    rows.retain(|r| r.value.is_some() && visible(principal, r));
    worst_first(indicator, &mut rows);
    rows
}

/// The class size at or above which a class is listed behind a class-size
/// indicator: the 超大班额 line for the oversize counts and shares
/// (`oversize_class_*`, `senior_oversize_class_*`), the 大班额 line for the
/// large ones and `average_class_size`; `None` for other indicators. The
/// classes listed are those of the indicator's stages ([`class_counts`]):
/// primary and junior behind the headline 大班额, senior behind the senior one.
pub fn class_line(computed: &Computed, indicator: &Indicator) -> Option<u32> {
    use indicators::Measure;
    let rules = &computed.rules;
    match indicator.measure {
        Measure::OversizeClassCount | Measure::OversizeClassShare => Some(rules.oversize_class_min),
        Measure::LargeClassCount | Measure::LargeClassShare | Measure::AverageClassSize => {
            Some(rules.large_class_min)
        }
        _ => None,
    }
}

/// The schools of a school year's snapshot that hold a class of the
/// indicator's stages (`stage`, or all of them) of at least `min`
/// students, within `area` and visible to `principal`: indices into
/// `snapshot.schools`, in order.
pub fn schools_with_classes_at_or_above(
    snapshot: &registry::snapshot::YearSnapshot,
    principal: &Principal,
    indicator: &Indicator,
    stage: Option<Stage>,
    area: &AreaCode,
    min: u32,
) -> Vec<usize> {
    let county_of = |i: u32| snapshot.counties.get(i as usize).map(|c| &c.code);
    let township_of = |i: u32| snapshot.townships.get(i as usize).map(|t| &t.code);
    let mut listed = vec![false; snapshot.schools.len()];
    for class in &snapshot.classes {
        if class.size >= min && class_counts(indicator, stage, class.stage) {
            if let Some(flag) = listed.get_mut(class.school as usize) {
                *flag = true;
            }
        }
    }
    snapshot
        .schools
        .iter()
        .enumerate()
        .filter(|(i, _)| listed[*i])
        .filter(|(_, s)| {
            let county = county_of(s.county);
            let within = township_of(s.township).is_some_and(|t| t.is_within(area))
                || county.is_some_and(|c| c.is_within(area));
            within && county.is_some_and(|c| principal.can_view_school(&s.code, c))
        })
        .map(|(i, _)| i)
        .collect()
}

/// Whether a class of `class_stage` counts towards the indicator shown
/// for `stage` (`None`: the value over all the indicator's stages).
pub fn class_counts(indicator: &Indicator, stage: Option<Stage>, class_stage: Stage) -> bool {
    match stage {
        Some(s) => s == class_stage,
        None => indicator.stages.is_empty() || indicator.stages.contains(&class_stage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classes_behind_a_class_size_figure_are_those_of_its_stages_at_its_line() {
        let computed = Computed::from_years(Vec::new(), indicators::Rules::default());
        let find = |code| indicators::find(code).unwrap();
        // The headline 大班额 and 超大班额: primary and junior classes only (issue 12).
        for code in ["large_class_count", "large_class_share", "oversize_class_count"] {
            assert!(class_counts(find(code), None, Stage::Primary), "{code}");
            assert!(class_counts(find(code), None, Stage::Junior), "{code}");
            assert!(!class_counts(find(code), None, Stage::Senior), "{code}");
        }
        for code in ["senior_large_class_count", "senior_oversize_class_share"] {
            assert!(class_counts(find(code), Some(Stage::Senior), Stage::Senior));
            assert!(!class_counts(find(code), None, Stage::Junior), "{code}");
        }
        assert_eq!(class_line(&computed, find("large_class_count")), Some(56));
        assert_eq!(class_line(&computed, find("senior_large_class_share")), Some(56));
        assert_eq!(class_line(&computed, find("oversize_class_share")), Some(66));
        assert_eq!(
            class_line(&computed, find("senior_oversize_class_count")),
            Some(66)
        );
        assert_eq!(class_line(&computed, find("average_class_size")), Some(56));
        assert_eq!(class_line(&computed, find("myopia_rate")), None);
    }
}
