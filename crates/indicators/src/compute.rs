//! From tallies to values: one query ("these indicators, these areas, these
//! levels, these years") over the years computed once.

use registry::snapshot::{YearSnapshot, NONE};
use registry::{AreaCode, Grade, SchoolYear, Stage};

use crate::catalogue::{Indicator, Measure, Resource, Scope, CATALOGUE};
use crate::places::{Level, Place, YearData};
use crate::rules::Rules;
use crate::tally::{self, StageTally, Tally};

/// Every year's tallies, roll-ups and spreads: computed once (for a full
/// city, tens of milliseconds a year), then queried as often as needed.
#[derive(Debug, Clone)]
pub struct Computed {
    pub rules: Rules,
    /// In school-year order.
    pub years: Vec<YearData>,
}

/// What to report. Empty lists mean "all".
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Catalogue codes; empty = the whole catalogue.
    pub indicators: Vec<&'static Indicator>,
    pub years: Vec<SchoolYear>,
    /// Only places within this area (a city, county or township).
    pub within: Option<AreaCode>,
    pub levels: Vec<Level>,
    /// Also give each value by grade, where the indicator has grades.
    pub by_grade: bool,
}

/// One indicator value of one place, stage (or grade) and school year.
#[derive(Debug, Clone, Copy)]
pub struct Value {
    pub indicator: &'static Indicator,
    /// `None`: over all the indicator's stages (or it has none).
    pub stage: Option<Stage>,
    pub grade: Option<Grade>,
    pub level: Level,
    /// Index into `Computed::years`.
    pub year: u32,
    /// Index into that year's places of `level`.
    pub place: u32,
    pub numerator: f64,
    /// `None` for counts.
    pub denominator: Option<f64>,
    /// `None` when the denominator is zero, or when the value is not
    /// applicable (a 差异系数 of fewer than two schools or school parts).
    pub value: Option<f64>,
    /// The value is not applicable whatever the figures (a 差异系数 of
    /// fewer than two schools or school parts): shown as 不适用, not 0.
    pub not_applicable: bool,
    /// The value minus last year's value of the same place, when both exist.
    pub change: Option<f64>,
    /// The schools the value is made of: the place's schools serving the
    /// stage (any of the indicator's stages; with students in the grade).
    /// A publication rule suppresses aggregates of too few schools.
    pub schools: u32,
    /// The same count a year before, when there is a `change` (which
    /// reveals last year's value as much as this year's).
    pub previous_schools: Option<u32>,
}

/// A value before it is placed: numerator, optional denominator, scale.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Raw {
    numerator: f64,
    denominator: Option<f64>,
    scale: f64,
    /// `false`: the value is not applicable whatever the figures (a
    /// 差异系数 of fewer than two units); the row still says so.
    applicable: bool,
}

impl Raw {
    fn count(n: u64) -> Raw {
        Raw {
            numerator: n as f64,
            denominator: None,
            scale: 1.0,
            applicable: true,
        }
    }

    fn ratio(n: impl Into<Num>, d: impl Into<Num>, scale: f64) -> Option<Raw> {
        let (n, d) = (n.into().0, d.into().0);
        // Nothing to say about a place with neither numerator nor base.
        (n != 0.0 || d != 0.0).then_some(Raw {
            numerator: n,
            denominator: Some(d),
            scale,
            applicable: true,
        })
    }

    fn value(self) -> Option<f64> {
        if !self.applicable {
            return None;
        }
        match self.denominator {
            None => Some(self.numerator),
            Some(d) if d != 0.0 => Some(self.numerator / d * self.scale),
            Some(_) => None,
        }
    }
}

/// Lets `Raw::ratio` take counts (u64) and sums (f64) alike.
struct Num(f64);
impl From<u64> for Num {
    fn from(n: u64) -> Num {
        Num(n as f64)
    }
}
impl From<f64> for Num {
    fn from(x: f64) -> Num {
        Num(x)
    }
}

impl Computed {
    /// Tallies every year (each independently, so years could be built in
    /// parallel by the caller) and links each year to the one before.
    pub fn new(snapshots: &[YearSnapshot], rules: Rules) -> Computed {
        let years = parallel_map(snapshots, |s| YearData::build(s, &rules));
        Computed::from_years(years, rules)
    }

    /// Assembles already built years (see [`YearData::build`]).
    pub fn from_years(mut years: Vec<YearData>, rules: Rules) -> Computed {
        years.sort_by_key(|y| y.school_year);
        for i in 1..years.len() {
            let (before, after) = years.split_at_mut(i);
            if let (Some(prev), Some(now)) = (before.last(), after.first_mut()) {
                // Only a consecutive year counts as "the year before".
                if prev.school_year.0 + 1 == now.school_year.0 {
                    now.link_previous(prev);
                }
            }
        }
        Computed { rules, years }
    }

    /// An upper bound of the values a year gives, so that the output is
    /// allocated once (a whole city's catalogue is about a million values).
    fn estimate(&self, y: usize, indicators: &[&Indicator], levels: &[Level]) -> usize {
        let Some(year) = self.years.get(y) else { return 0 };
        let places: usize = levels.iter().map(|l| year.level(*l).places.len()).sum();
        let per_place: usize = indicators.iter().map(|i| i.stages.len() + 1).sum();
        places * per_place
    }

    pub fn school_years(&self) -> Vec<SchoolYear> {
        self.years.iter().map(|y| y.school_year).collect()
    }

    pub fn place(&self, value: &Value) -> Option<&Place> {
        self.years
            .get(value.year as usize)
            .and_then(|y| y.level(value.level).places.get(value.place as usize))
    }

    pub fn school_year(&self, value: &Value) -> SchoolYear {
        self.school_year_at(value.year)
    }

    /// The school year of a year index (`Value::year`, `CustomValue::year`).
    pub fn school_year_at(&self, year: u32) -> SchoolYear {
        self.years
            .get(year as usize)
            .map(|y| y.school_year)
            .unwrap_or_default()
    }

    /// The values a query asks for, in order of year, indicator, level,
    /// place, stage, grade.
    pub fn values(&self, query: &Query) -> Vec<Value> {
        let years: Vec<usize> = (0..self.years.len())
            .filter(|y| query.years.is_empty() || query.years.contains(&self.years[*y].school_year))
            .collect();
        let parts = parallel_map(&years, |y| self.values_of_year(*y, query));
        let mut all = Vec::with_capacity(parts.iter().map(Vec::len).sum());
        for part in parts {
            all.extend(part);
        }
        all
    }

    fn values_of_year(&self, y: usize, query: &Query) -> Vec<Value> {
        let indicators: Vec<&'static Indicator> = if query.indicators.is_empty() {
            CATALOGUE.iter().collect()
        } else {
            query.indicators.clone()
        };
        let levels: Vec<Level> = if query.levels.is_empty() {
            Level::ALL.to_vec()
        } else {
            query.levels.clone()
        };
        let mut out = Vec::with_capacity(self.estimate(y, &indicators, &levels) / 2);
        if let Some(year) = self.years.get(y) {
            let previous = y.checked_sub(1).and_then(|p| self.years.get(p));
            for indicator in &indicators {
                for level in &levels {
                    if !applies(indicator.scope, *level) {
                        continue;
                    }
                    let data = year.level(*level);
                    for (p, place) in data.places.iter().enumerate() {
                        if query.within.as_ref().is_some_and(|a| !place.is_within(a)) {
                            continue;
                        }
                        let here = At {
                            computed: self,
                            year: y,
                            level: *level,
                            place: p,
                        };
                        let before = data
                            .previous
                            .get(p)
                            .filter(|i| **i != NONE && previous.is_some())
                            .map(|i| At {
                                computed: self,
                                year: y - 1,
                                level: *level,
                                place: *i as usize,
                            });
                        let mut emit = |stage: Option<Stage>, grade: Option<Grade>| {
                            let Some(raw) = here.raw(indicator, stage, grade) else {
                                return;
                            };
                            let value = raw.value();
                            let change = before
                                .as_ref()
                                .and_then(|b| b.raw(indicator, stage, grade))
                                .and_then(Raw::value)
                                .zip(value)
                                .map(|(then, now)| now - then);
                            let previous_schools = change
                                .and(before.as_ref())
                                .map(|b| b.schools(indicator, stage, grade));
                            out.push(Value {
                                indicator,
                                stage,
                                grade,
                                level: *level,
                                year: y as u32,
                                place: p as u32,
                                numerator: raw.numerator,
                                denominator: raw.denominator,
                                value,
                                not_applicable: !raw.applicable,
                                change,
                                schools: here.schools(indicator, stage, grade),
                                previous_schools,
                            });
                        };
                        if indicator.stages.is_empty() {
                            emit(None, None);
                            continue;
                        }
                        for stage in indicator.stages {
                            emit(Some(*stage), None);
                        }
                        if indicator.all_stages {
                            emit(None, None);
                        }
                        if query.by_grade && indicator.by_grade {
                            for grade in grades_of(indicator.stages) {
                                emit(None, Some(Grade(grade)));
                            }
                        }
                    }
                }
            }
        }
        out
    }
}

/// `f` over `items` on the machine's cores, results in order. Years are
/// independent, so each thread takes a contiguous share of them.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    // Asking the system for its cores reads cgroup files each time: ask once.
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    if items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let threads = cores.min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

fn applies(scope: Scope, level: Level) -> bool {
    match scope {
        Scope::Everywhere => true,
        Scope::AreasOnly => matches!(level, Level::City | Level::County | Level::Township),
        Scope::Counties => level == Level::County,
    }
}

/// The grades of some stages, each once, in order (primary and junior share
/// grade 6 where the 五四制 runs).
fn grades_of(stages: &[Stage]) -> Vec<i8> {
    let mut grades: Vec<i8> = stages.iter().flat_map(|s| s.grades()).collect();
    grades.sort_unstable();
    grades.dedup();
    grades
}

/// A place in a year, to evaluate indicators at.
struct At<'a> {
    computed: &'a Computed,
    year: usize,
    level: Level,
    place: usize,
}

impl At<'_> {
    fn data(&self) -> Option<&YearData> {
        self.computed.years.get(self.year)
    }

    fn tally(&self) -> Option<&Tally> {
        self.data()?.level(self.level).tallies.get(self.place)
    }

    /// The same place a year earlier.
    fn previous(&self) -> Option<At<'_>> {
        let index = *self.data()?.level(self.level).previous.get(self.place)?;
        (index != NONE && self.year > 0).then(|| At {
            computed: self.computed,
            year: self.year - 1,
            level: self.level,
            place: index as usize,
        })
    }

    /// The schools a value here is made of (see [`Value::schools`]).
    fn schools(&self, indicator: &Indicator, stage: Option<Stage>, grade: Option<Grade>) -> u32 {
        let Some(t) = self.tally() else { return 0 };
        let n = match (grade, stage) {
            (Some(grade), _) => t.grade(grade.0).map_or(0, |g| g.schools),
            (None, Some(stage)) => t.stage(stage).schools,
            (None, None) => t.schools_serving(indicator.stages),
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The indicator's numerator and denominator here, or `None` when it has
    /// nothing to say about this place (no classes of the stage, a school
    /// for an area-only indicator …).
    fn raw(&self, indicator: &Indicator, stage: Option<Stage>, grade: Option<Grade>) -> Option<Raw> {
        let t = self.tally()?;
        if let Some(grade) = grade {
            let g = t.grade(grade.0)?;
            return match indicator.measure {
                Measure::StudentCount => (g.students > 0).then(|| Raw::count(g.students)),
                Measure::MyopiaRate => Raw::ratio(g.myopic, g.screened, 100.0),
                _ => None,
            };
        }
        let summed;
        let s: &StageTally = match stage {
            Some(stage) => t.stage(stage),
            None => {
                summed = t.stages_sum(indicator.stages);
                &summed
            }
        };
        let rules = &self.computed.rules;
        let pre = t.stage(Stage::Preschool);
        match indicator.measure {
            Measure::SchoolCount => {
                // A school serving several stages counts once in the total.
                let n = if stage.is_none() { t.schools } else { s.schools };
                (n > 0).then(|| Raw::count(n))
            }
            Measure::ClassCount => (s.classes > 0).then(|| Raw::count(s.classes)),
            Measure::StudentCount => (s.students > 0).then(|| Raw::count(s.students)),
            Measure::TeacherCount => (s.teachers > 0).then(|| Raw::count(s.teachers)),
            Measure::LargeClassCount => (s.classes > 0).then(|| Raw::count(s.large_classes)),
            Measure::OversizeClassCount => (s.classes > 0).then(|| Raw::count(s.oversize_classes)),
            Measure::LargeClassShare => Raw::ratio(s.large_classes, s.classes, 100.0),
            Measure::OversizeClassShare => Raw::ratio(s.oversize_classes, s.classes, 100.0),
            Measure::AverageClassSize => Raw::ratio(s.class_size_sum, s.classes, 1.0),
            Measure::PreschoolGrossEnrolment => Raw::ratio(pre.students, t.population_3_to_5, 100.0),
            Measure::InclusiveCoverage => Raw::ratio(pre.students_inclusive, pre.students, 100.0),
            Measure::PublicPreschoolShare => Raw::ratio(pre.students_in_public, pre.students, 100.0),
            Measure::QualityKindergartenShare => Raw::ratio(pre.students_quality, pre.students, 100.0),
            Measure::StudentTeacherRatio => Raw::ratio(s.students, s.teachers, 1.0),
            Measure::KeyTeacherShare => Raw::ratio(s.key_teachers, s.teachers, 100.0),
            Measure::SeniorTitleShare => Raw::ratio(s.senior_titles, s.teachers, 100.0),
            Measure::YoungTeacherShare => Raw::ratio(s.young_teachers, s.teachers, 100.0),
            Measure::OlderTeacherShare => Raw::ratio(s.older_teachers, s.teachers, 100.0),
            Measure::RotationEligibleShare => Raw::ratio(s.rotation_eligible, s.teachers, 100.0),
            Measure::Resource(r) => {
                let (n, d, scale) = tally::resource(s, r);
                Raw::ratio(n, d, scale)
            }
            Measure::ResourceCv(r) => {
                // A stage of one unit still gives its row, with no value:
                // the 差异系数 is not applicable there (rules.md), not 0.
                let spread = self.spread(stage?, r)?;
                Some(Raw {
                    numerator: spread.sd,
                    denominator: Some(spread.mean),
                    scale: 1.0,
                    applicable: spread.units >= 2,
                })
            }
            Measure::BalancedCvUnmetCount => {
                let stage = stage?;
                let max = rules.cv_max(stage)?;
                let mut any = false;
                let mut unmet = 0;
                for r in Resource::ALL {
                    if let Some(cv) = self.spread(stage, r).and_then(|s| s.cv()) {
                        any = true;
                        unmet += u64::from(cv > max);
                    }
                }
                any.then(|| Raw::count(unmet))
            }
            Measure::BalancedSchoolShare => Raw::ratio(s.balanced_passing, s.balanced_schools, 100.0),
            Measure::MyopiaRate => Raw::ratio(s.myopic, s.screened, 100.0),
            Measure::MigrantChildShare => Raw::ratio(s.migrant, s.students, 100.0),
            Measure::MigrantPublicShare => Raw::ratio(s.migrant_in_public, s.migrant, 100.0),
            Measure::BoarderShare => Raw::ratio(s.boarders, s.students, 100.0),
            Measure::SeatUtilisation => Raw::ratio(s.students, s.seats, 100.0),
            Measure::SeniorEntryRate => {
                let entrants = t.stage(Stage::Senior).first_grade;
                let before = self.previous()?;
                let cohort = before.tally()?.stage(Stage::Junior).last_grade;
                Raw::ratio(entrants, cohort, 100.0)
            }
        }
    }

    fn spread(&self, stage: Stage, resource: Resource) -> Option<crate::places::Spread> {
        if self.level != Level::County {
            return None;
        }
        let k = match stage {
            Stage::Primary => 0,
            Stage::Junior => 1,
            _ => return None,
        };
        let county = self.data()?.spreads.get(self.place)?;
        county.get(k)?.get(resource.index()).copied().flatten()
    }
}
