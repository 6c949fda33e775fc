//! Read models: what a page or API answer shows, assembled from the
//! computed indicators or the store before scope filtering and language,
//! and cached with the indicators ([`crate::state::Indicators`]). They know
//! no request, no page and no state, so the state can keep them without
//! importing the pages (the pages and the API render them).

use std::sync::OnceLock;

use indicators::report::Row;
use indicators::{Computed, Indicator};
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
        OverviewData {
            name: data::area_name(computed, area),
            years: computed.school_years().iter().map(|y| y.0).collect(),
            cards,
            trends,
            ranking,
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
    /// The rendered tables by language ([`SchoolRecords::rendered`]).
    rendered: [OnceLock<String>; LANGS],
}

impl SchoolRecords {
    pub fn new(
        school: registry::School,
        classes: Vec<registry::Class>,
        teachers: Vec<(registry::Teacher, registry::TeachingPost)>,
        enrolled: u64,
    ) -> SchoolRecords {
        SchoolRecords {
            school,
            classes,
            teachers,
            enrolled,
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
