//! Places a value belongs to — the city, its counties and townships, each
//! school and school group — and their tallies for one school year, summed
//! from the schools' tallies.

use std::collections::HashMap;

use registry::snapshot::{YearSnapshot, NONE};
use registry::{AreaCode, AreaLevel, SchoolYear, Stage};

use crate::catalogue::Resource;
use crate::rules::Rules;
use crate::tally::{self, Tally};

/// The levels of the drill-down: city → county → township → school, and
/// school groups (教育集团) beside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    City,
    County,
    Township,
    School,
    SchoolGroup,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::City,
        Level::County,
        Level::Township,
        Level::School,
        Level::SchoolGroup,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn code(self) -> &'static str {
        match self {
            Level::City => "city",
            Level::County => "county",
            Level::Township => "township",
            Level::School => "school",
            Level::SchoolGroup => "school_group",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Level::City => "市",
            Level::County => "区县",
            Level::Township => "乡镇（街道）",
            Level::School => "学校",
            Level::SchoolGroup => "教育集团",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| {
            l.code() == text || l.label_zh() == text || (text == "group" && *l == Level::SchoolGroup)
        })
    }

    /// The level one step down, for drilling.
    pub fn below(self) -> Option<Level> {
        match self {
            Level::City => Some(Level::County),
            Level::County => Some(Level::Township),
            Level::Township => Some(Level::School),
            Level::School | Level::SchoolGroup => None,
        }
    }
}

/// One place of one year.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub level: Level,
    /// Area code (city, county, township), school code, or the group's name.
    pub code: String,
    pub name: String,
    /// The county a township or school lies in (for a county, itself).
    pub county: Option<AreaCode>,
    /// The township a school lies in.
    pub township: Option<AreaCode>,
}

impl Place {
    /// Whether the place lies within an area (a city, county or township).
    pub fn is_within(&self, area: &AreaCode) -> bool {
        match self.level {
            Level::City | Level::County | Level::Township => self.code.starts_with(area.as_str()),
            Level::School => {
                self.township.as_ref().is_some_and(|t| t.is_within(area))
                    || self.county.as_ref().is_some_and(|c| c.is_within(area))
            }
            // Groups span counties: they are shown with the whole city only.
            Level::SchoolGroup => area.level() <= AreaLevel::City,
        }
    }
}

/// A level's places of one year, their tallies, and the place each was the
/// year before (for the change column).
#[derive(Debug, Clone, Default)]
pub struct LevelData {
    pub places: Vec<Place>,
    pub tallies: Vec<Tally>,
    /// Index of the same place in the previous year's level, or [`NONE`].
    pub previous: Vec<u32>,
}

/// The enrolment-weighted mean and standard deviation of one resource
/// across a county's units of a stage — its schools and school parts
/// (差异系数 = sd / mean, defined from two units on: [`Spread::cv`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Spread {
    pub mean: f64,
    pub sd: f64,
    /// Schools of the stage and parts (小学部, 初中部) of schools serving several.
    pub units: u32,
}

impl Spread {
    /// The weighted mean and population standard deviation of values `x`
    /// with weights `w` (`(w, x)` pairs), as rules.md 优质均衡 defines them:
    /// X̄ = Σwx ÷ Σw, S = √(Σ(w ÷ Σw)(x − X̄)²). Two passes (mean, then
    /// squared deviations), so that equal values give a spread of exactly
    /// zero. `None` when the weights sum to 0.
    pub fn weighted(points: &[(f64, f64)]) -> Option<Spread> {
        let w: f64 = points.iter().map(|(w, _)| w).sum();
        if w <= 0.0 {
            return None;
        }
        let mean = points.iter().map(|(w, x)| w * x).sum::<f64>() / w;
        let squares: f64 = points.iter().map(|(wi, x)| wi * (x - mean) * (x - mean)).sum();
        Some(Spread {
            mean,
            sd: (squares / w).sqrt(),
            units: u32::try_from(points.len()).unwrap_or(u32::MAX),
        })
    }

    /// The 差异系数: `None` when fewer than two units make it (a spread of
    /// one is not a measure of balance: not applicable, not 0) or when the
    /// mean is 0.
    pub fn cv(&self) -> Option<f64> {
        (self.units >= 2 && self.mean != 0.0).then(|| self.sd / self.mean)
    }
}

/// Everything computed for one school year, before any query.
#[derive(Debug, Clone)]
pub struct YearData {
    pub school_year: SchoolYear,
    pub levels: [LevelData; 5],
    /// Per county (index as in the county level): primary and junior × 7 resources.
    pub spreads: Vec<[[Option<Spread>; 7]; 2]>,
}

impl YearData {
    pub fn level(&self, level: Level) -> &LevelData {
        &self.levels[level.index()]
    }

    /// Tallies the year and sums them up every level.
    pub fn build(snapshot: &YearSnapshot, rules: &Rules) -> YearData {
        let schools = tally::schools(snapshot, rules);
        let population = tally::preschool_age_population(snapshot);

        let city_code = snapshot.city.clone();
        let city_name = city_code
            .as_ref()
            .and_then(|c| registry::divisions::city_name(c.as_str()))
            .unwrap_or_default()
            .to_owned();
        let mut city = LevelData {
            places: vec![Place {
                level: Level::City,
                code: city_code
                    .as_ref()
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or_default(),
                name: city_name,
                county: None,
                township: None,
            }],
            tallies: vec![Tally::default()],
            previous: Vec::new(),
        };
        let mut counties = LevelData {
            places: snapshot
                .counties
                .iter()
                .map(|c| Place {
                    level: Level::County,
                    code: c.code.as_str().to_owned(),
                    name: c.name.clone(),
                    county: Some(c.code.clone()),
                    township: None,
                })
                .collect(),
            tallies: vec![Tally::default(); snapshot.counties.len()],
            previous: Vec::new(),
        };
        let county_of_code: HashMap<&str, usize> = snapshot
            .counties
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.as_str(), i))
            .collect();
        let mut townships = LevelData {
            places: snapshot
                .townships
                .iter()
                .map(|t| Place {
                    level: Level::Township,
                    code: t.code.as_str().to_owned(),
                    name: t.name.clone(),
                    county: t.code.ancestor(AreaLevel::County),
                    township: Some(t.code.clone()),
                })
                .collect(),
            tallies: vec![Tally::default(); snapshot.townships.len()],
            previous: Vec::new(),
        };
        let mut groups = LevelData {
            places: snapshot
                .school_groups
                .iter()
                .map(|g| Place {
                    level: Level::SchoolGroup,
                    code: g.clone(),
                    name: g.clone(),
                    county: None,
                    township: None,
                })
                .collect(),
            tallies: vec![Tally::default(); snapshot.school_groups.len()],
            previous: Vec::new(),
        };
        let mut school_places = Vec::with_capacity(snapshot.schools.len());
        for (school, tally) in snapshot.schools.iter().zip(&schools) {
            city.tallies[0].add(tally);
            if let Some(t) = counties.tallies.get_mut(school.county as usize) {
                t.add(tally);
            }
            if school.township != NONE {
                if let Some(t) = townships.tallies.get_mut(school.township as usize) {
                    t.add(tally);
                }
            }
            if school.school_group != NONE {
                if let Some(t) = groups.tallies.get_mut(school.school_group as usize) {
                    t.add(tally);
                }
            }
            let township = (school.township != NONE)
                .then(|| {
                    snapshot
                        .townships
                        .get(school.township as usize)
                        .map(|t| t.code.clone())
                })
                .flatten();
            school_places.push(Place {
                level: Level::School,
                code: school.code.as_str().to_owned(),
                name: school.name.clone(),
                county: snapshot
                    .counties
                    .get(school.county as usize)
                    .map(|c| c.code.clone()),
                township,
            });
        }
        for ((place, tally), children) in townships
            .places
            .iter()
            .zip(&mut townships.tallies)
            .zip(&population)
        {
            tally.population_3_to_5 += children;
            city.tallies[0].population_3_to_5 += children;
            let county = place.county.as_ref().and_then(|c| county_of_code.get(c.as_str()));
            if let Some(t) = county.and_then(|i| counties.tallies.get_mut(*i)) {
                t.population_3_to_5 += children;
            }
        }
        let spreads = spreads(snapshot, &schools, counties.places.len());
        let school_level = LevelData {
            places: school_places,
            tallies: schools,
            previous: Vec::new(),
        };
        YearData {
            school_year: snapshot.school_year,
            levels: [city, counties, townships, school_level, groups],
            spreads,
        }
    }

    /// Links each place to the same place (by code) of the year before.
    pub fn link_previous(&mut self, previous: &YearData) {
        for (now, before) in self.levels.iter_mut().zip(&previous.levels) {
            let index: HashMap<&str, u32> = before
                .places
                .iter()
                .enumerate()
                .map(|(i, p)| (p.code.as_str(), i as u32))
                .collect();
            now.previous = now
                .places
                .iter()
                .map(|p| index.get(p.code.as_str()).copied().unwrap_or(NONE))
                .collect();
        }
    }
}

/// 差异系数 inputs per county: for each unit of the stage with a non-zero
/// base — a school of the stage, or the part (小学部, 初中部) of a school
/// serving several, its facilities split by weighted pupils in
/// [`tally::split_shares`] — its value x = n / d × scale, weighted by its
/// base d (the stage's students the value is per). The weighted mean is then
/// the county's own ratio of sums. rules.md 优质均衡: CV = S / X̄ with
/// S = √(Σ(Pᵢ/ΣPᵢ)(Xᵢ − X̄)²), the population form checked against the
/// published 基本均衡 example (0.5153, `cv-multistage.md` §4).
/// Two passes (mean, then squared deviations) so that equal school values
/// give a spread of exactly zero.
fn spreads(snapshot: &YearSnapshot, schools: &[Tally], counties: usize) -> Vec<[[Option<Spread>; 7]; 2]> {
    // Every unit's value with its weight, by (county, stage k, resource).
    let slot = |county: usize, k: usize, r: usize| (county * 2 + k) * 7 + r;
    let mut points: Vec<Vec<(f64, f64)>> = vec![Vec::new(); counties * 2 * 7];
    for (school, tally) in snapshot.schools.iter().zip(schools) {
        let county = school.county as usize;
        if county >= counties {
            continue;
        }
        for (k, stage) in [Stage::Primary, Stage::Junior].into_iter().enumerate() {
            if !school.serves[stage.index()] {
                continue;
            }
            let s = tally.stage(stage);
            for r in Resource::ALL {
                let (n, d, scale) = tally::resource(s, r);
                if d > 0.0 {
                    points[slot(county, k, r.index())].push((d, n / d * scale));
                }
            }
        }
    }
    (0..counties)
        .map(|c| std::array::from_fn(|k| std::array::from_fn(|r| Spread::weighted(&points[slot(c, k, r)]))))
        .collect()
}
