//! Read models: what a page or API answer shows, assembled from the
//! computed indicators or the store before scope filtering and language,
//! and cached with the indicators ([`crate::state::Indicators`]). They know
//! no request, no page and no state, so the state can keep them without
//! importing the pages (the pages and the API render them).

use std::sync::OnceLock;

use indicators::report::Row;
use indicators::{Computed, Indicator, Level, Query};
use registry::{AreaCode, SchoolYear, Stage};

use crate::data;
use crate::i18n::{Lang, LANGS};

/// The indicators a bureau looks at first (code, stage shown).
pub const KEY_INDICATORS: &[(&str, Option<Stage>)] = &[
    ("large_class_count", None),
    ("oversize_class_count", None),
    ("inclusive_coverage", None),
    ("public_preschool_share", None),
    ("preschool_gross_enrolment_ratio", None),
    ("student_teacher_ratio", Some(Stage::Primary)),
    ("student_teacher_ratio", Some(Stage::Junior)),
    ("myopia_rate", None),
    ("balanced_school_share", Some(Stage::Junior)),
    ("seat_utilisation", None),
];

/// What an overview shows, before scope filtering and language: assembled
/// once per area and year and kept with the computed indicators
/// ([`crate::state::Indicators::overview`]).
pub struct OverviewData {
    pub name: String,
    pub years: Vec<u16>,
    pub cards: Vec<(&'static Indicator, Option<Stage>, Row)>,
    /// The trend of the first cards (raw rows, one a year held).
    pub trends: Vec<Vec<Option<Row>>>,
    /// The level below, most 大班额 first.
    pub ranking: Vec<Row>,
    /// The same places' 大班额比例, shown beside the count (raw).
    pub shares: Vec<Row>,
}

impl OverviewData {
    pub fn assemble(computed: &Computed, area: &AreaCode, year: SchoolYear) -> OverviewData {
        let mut cards = Vec::new();
        for (code, stage) in KEY_INDICATORS {
            let Some(indicator) = indicators::find(code) else {
                continue;
            };
            if let Some(row) = data::own_row(computed, indicator, *stage, area, year) {
                cards.push((indicator, *stage, row));
            }
        }
        let trends = cards
            .iter()
            .take(4)
            .map(|(i, stage, _)| data::trend_rows(computed, i, *stage, area))
            .collect();
        let child = data::child_level(area);
        let mut ranking = match indicators::find("large_class_count") {
            Some(i) => data::rows(computed, i, None, child, area, year),
            None => Vec::new(),
        };
        ranking.sort_by(|a, b| b.value.partial_cmp(&a.value).unwrap_or(std::cmp::Ordering::Equal));
        let shares = match indicators::find("large_class_share") {
            Some(i) => data::rows(computed, i, None, child, area, year),
            None => Vec::new(),
        };
        OverviewData {
            name: data::area_name(computed, area),
            years: computed.school_years().iter().map(|y| y.0).collect(),
            cards,
            trends,
            ranking,
            shares,
        }
    }
}

/// A school's records of a year that change only with the registry: kept
/// with the computed indicators, so a request reads one page of students,
/// not the whole staff list again.
pub struct SchoolRecords {
    pub school: registry::School,
    pub classes: Vec<registry::Class>,
    pub teachers: Vec<(registry::Teacher, registry::TeachingPost)>,
    /// Students enrolled that year.
    pub enrolled: u64,
    /// The school's own rows of the summary indicators.
    pub summary: SchoolSummary,
    /// The rendered tables by language ([`SchoolRecords::rendered`]).
    rendered: [OnceLock<String>; LANGS],
}

impl SchoolRecords {
    pub fn new(
        school: registry::School,
        classes: Vec<registry::Class>,
        teachers: Vec<(registry::Teacher, registry::TeachingPost)>,
        enrolled: u64,
        summary: SchoolSummary,
    ) -> SchoolRecords {
        SchoolRecords {
            school,
            classes,
            teachers,
            enrolled,
            summary,
            rendered: Default::default(),
        }
    }

    /// What `render` makes of these records in `lang`, rendered once per
    /// language: the tables are most of a large school's page and change
    /// only with the registry.
    pub fn rendered(&self, lang: Lang, render: impl FnOnce(&SchoolRecords) -> String) -> &str {
        self.rendered[lang as usize].get_or_init(|| render(self))
    }
}

/// The indicators a school's page sums up in its cards (issue 11, point 3).
pub const SCHOOL_SUMMARY: [&str; 4] = [
    "large_class_share",
    "senior_large_class_share",
    "seat_utilisation",
    "student_teacher_ratio",
];

/// A school's own rows of the summary indicators in a school year, taken
/// from the computed indicators — the rows the indicator pages show for
/// the school — so the page and the indicator pages never disagree.
#[derive(Debug, Clone, Default)]
pub struct SchoolSummary {
    /// 大班额比例 over primary and junior (the headline 大班额, issue 12): its
    /// numerator is the large classes (at or above `Rules::large_class_min`),
    /// its denominator all classes of those stages.
    pub large_classes: Option<Row>,
    /// The same of the school's senior-high classes (普通高中大班额比例), a
    /// figure of its own: not in the headline.
    pub senior_large_classes: Option<Row>,
    /// 学位使用率 (students ÷ seats): over all stages first (unless the
    /// school has one stage), then by stage; a stage without seats has no
    /// value.
    pub utilisation: Vec<Row>,
    /// 生师比 (students ÷ full-time teachers) by stage, where it has a value.
    pub ratios: Vec<Row>,
}

impl SchoolSummary {
    pub fn assemble(computed: &Computed, school: &registry::School, year: SchoolYear) -> SchoolSummary {
        let wanted: Vec<&'static Indicator> = SCHOOL_SUMMARY
            .iter()
            .filter_map(|c| indicators::find(c))
            .collect();
        let query = Query {
            indicators: wanted,
            years: vec![year],
            within: Some(school.county.clone()),
            levels: vec![Level::School],
            by_grade: false,
        };
        let values: Vec<_> = computed
            .values(&query)
            .into_iter()
            .filter(|v| {
                v.grade.is_none() && computed.place(v).is_some_and(|p| p.code == school.code.as_str())
            })
            .collect();
        let mut rows = indicators::report::rows(computed, &values, None);
        // The value over all stages first, then the stages in their order.
        rows.sort_by_key(|r| r.stage.and_then(Stage::from_code));
        let of = |code: &'static str| rows.iter().filter(move |r| r.indicator == code);
        let mut utilisation: Vec<Row> = of("seat_utilisation").cloned().collect();
        // A school of one stage: its all-stage value is that stage's.
        if utilisation.iter().filter(|r| r.stage.is_some()).count() == 1 {
            utilisation.retain(|r| r.stage.is_some());
        }
        SchoolSummary {
            large_classes: of("large_class_share").find(|r| r.stage.is_none()).cloned(),
            senior_large_classes: of("senior_large_class_share").next().cloned(),
            utilisation,
            ratios: of("student_teacher_ratio")
                .filter(|r| r.stage.is_some() && r.value.is_some())
                .cloned()
                .collect(),
        }
    }
}

/// Whether a 学位使用率 row is over 100 % as shown (so a value shown as
/// 100.00 % is not flagged).
pub fn over_seats(row: &Row) -> bool {
    row.value
        .is_some_and(|v| indicators::judge::round(v, row.digits) > 100.0)
}
