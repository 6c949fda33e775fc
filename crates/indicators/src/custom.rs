//! A bureau's own indicators: a checked `indicator_expr::Definition`, tallied
//! per school (or township, for population) and summed up the same levels
//! as the catalogue, so its area values are ratios of sums too.

use indicator_expr::{Definition, Rows};
use registry::snapshot::{YearSnapshot, NONE};

use crate::compute::{Computed, Query};
use crate::places::Level;

/// A defined custom indicator.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CustomIndicator {
    /// Short identifier, used as `indicator` in outputs.
    pub code: String,
    pub name: String,
    /// Unit label shown after values (`%`, `人`, …); may be empty.
    pub unit: String,
    pub definition: Definition,
}

/// One value of a custom indicator; places index as in [`Computed`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CustomValue {
    pub level: Level,
    pub year: u32,
    pub place: u32,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    pub change: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomError {
    #[error("没有 {0} 的登记数据快照，无法计算自定义指标")]
    MissingSnapshot(String),
}

/// Per level, per place: the sums of each aggregate (`None` where the
/// definition says nothing about that level, e.g. population at a school).
type LevelSums = Vec<Option<Vec<f64>>>;

impl Computed {
    /// The values of a custom indicator for a query (its `indicators` are
    /// ignored). `snapshots` must hold the years computed.
    pub fn custom_values(
        &self,
        snapshots: &[YearSnapshot],
        custom: &CustomIndicator,
        query: &Query,
    ) -> Result<Vec<CustomValue>, CustomError> {
        let levels: Vec<Level> = if query.levels.is_empty() {
            Level::ALL.to_vec()
        } else {
            query.levels.clone()
        };
        // Sums for every year, since a value's change needs the year before.
        let mut sums: Vec<[LevelSums; 5]> = Vec::with_capacity(self.years.len());
        for year in &self.years {
            let snapshot = snapshots
                .iter()
                .find(|s| s.school_year == year.school_year)
                .ok_or_else(|| CustomError::MissingSnapshot(year.school_year.label_zh()))?;
            sums.push(level_sums(snapshot, &custom.definition));
        }
        let mut out = Vec::new();
        for (y, year) in self.years.iter().enumerate() {
            if !query.years.is_empty() && !query.years.contains(&year.school_year) {
                continue;
            }
            for level in &levels {
                let data = year.level(*level);
                for (p, place) in data.places.iter().enumerate() {
                    if query.within.as_ref().is_some_and(|a| !place.is_within(a)) {
                        continue;
                    }
                    let Some(Some(here)) = sums[y][level.index()].get(p) else {
                        continue;
                    };
                    let now = custom.definition.evaluate(here);
                    if now.value.is_none()
                        && now.numerator.unwrap_or(0.0) == 0.0
                        && now.denominator.unwrap_or(0.0) == 0.0
                    {
                        continue;
                    }
                    let before = data
                        .previous
                        .get(p)
                        .filter(|i| **i != NONE && y > 0)
                        .and_then(|i| sums[y - 1][level.index()].get(*i as usize))
                        .and_then(Option::as_ref)
                        .and_then(|s| custom.definition.evaluate(s).value);
                    out.push(CustomValue {
                        level: *level,
                        year: y as u32,
                        place: p as u32,
                        numerator: now.numerator,
                        denominator: now.denominator,
                        value: now.value,
                        change: now.value.zip(before).map(|(n, b)| n - b),
                    });
                }
            }
        }
        Ok(out)
    }
}

/// Sums each aggregate over every place of every level, in the place order
/// of [`crate::places::YearData::build`].
fn level_sums(snapshot: &YearSnapshot, definition: &Definition) -> [LevelSums; 5] {
    let tally = definition.tally(snapshot);
    let rows = tally.rows();
    let k = rows.len();
    let population = rows.iter().any(|r| matches!(r, Rows::Townships(_)));
    let counties = snapshot.counties.len();
    let townships = snapshot.townships.len();
    let groups = snapshot.school_groups.len();
    let mut city = vec![0.0; k];
    let mut county = vec![vec![0.0; k]; counties];
    let mut township = vec![vec![0.0; k]; townships];
    let mut group = vec![vec![0.0; k]; groups];
    let mut school = vec![vec![0.0; k]; snapshot.schools.len()];
    // A township's county, by code, for population rows.
    let county_of_township: Vec<Option<usize>> = snapshot
        .townships
        .iter()
        .map(|t| {
            let code = t.code.ancestor(registry::AreaLevel::County)?;
            snapshot.counties.iter().position(|c| c.code == code)
        })
        .collect();
    for (a, row) in rows.iter().enumerate() {
        match row {
            Rows::Schools(values) => {
                for (s, (value, info)) in values.iter().zip(&snapshot.schools).enumerate() {
                    city[a] += value;
                    school[s][a] = *value;
                    if let Some(c) = county.get_mut(info.county as usize) {
                        c[a] += value;
                    }
                    if info.township != NONE {
                        if let Some(t) = township.get_mut(info.township as usize) {
                            t[a] += value;
                        }
                    }
                    if info.school_group != NONE {
                        if let Some(g) = group.get_mut(info.school_group as usize) {
                            g[a] += value;
                        }
                    }
                }
            }
            Rows::Townships(values) => {
                for (t, value) in values.iter().enumerate() {
                    city[a] += value;
                    if let Some(sums) = township.get_mut(t) {
                        sums[a] += value;
                    }
                    if let Some(c) = county_of_township
                        .get(t)
                        .copied()
                        .flatten()
                        .and_then(|c| county.get_mut(c))
                    {
                        c[a] += value;
                    }
                }
            }
        }
    }
    let some = |v: Vec<Vec<f64>>| v.into_iter().map(Some).collect::<LevelSums>();
    let none_if_population = |v: Vec<Vec<f64>>| {
        if population {
            vec![None; v.len()]
        } else {
            some(v)
        }
    };
    [
        vec![Some(city)],
        some(county),
        some(township),
        none_if_population(school),
        none_if_population(group),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rules;

    #[test]
    fn rural_junior_classes_over_50_sum_up_the_levels() {
        let snapshots = crate::tests::small_demo_city_last_two_years();
        let computed = Computed::new(&snapshots, Rules::default());
        let custom = CustomIndicator {
            code: "rural_junior_over_50".into(),
            name: "农村初中50人以上班级占比".into(),
            unit: "%".into(),
            definition: Definition::parse(
                "share(classes where stage = junior and location = 农村, size > 50) * 100",
            )
            .unwrap(),
        };
        let values = computed
            .custom_values(&snapshots, &custom, &Query::default())
            .unwrap();
        // The city value is the ratio of the summed counts, checked by hand from the rows.
        let latest = snapshots.iter().max_by_key(|s| s.school_year).unwrap();
        let rural_junior: Vec<u32> = latest
            .classes
            .iter()
            .filter(|c| {
                c.stage == registry::Stage::Junior
                    && latest.schools[c.school as usize].location == registry::Location::Rural
            })
            .map(|c| c.size)
            .collect();
        let over = rural_junior.iter().filter(|s| **s > 50).count() as f64;
        let city_value = values
            .iter()
            .find(|v| v.level == Level::City && v.year == 1)
            .unwrap();
        assert_eq!(city_value.denominator, Some(rural_junior.len() as f64));
        assert_eq!(city_value.numerator, Some(over));
        let expected = over / rural_junior.len() as f64 * 100.0;
        assert!((city_value.value.unwrap() - expected).abs() < 1e-9);
        // Counties add up to the city.
        let county_denominators: f64 = values
            .iter()
            .filter(|v| v.level == Level::County && v.year == 1)
            .filter_map(|v| v.denominator)
            .sum();
        assert_eq!(county_denominators, rural_junior.len() as f64);
        // A population measure has no school values.
        let gross = CustomIndicator {
            definition: Definition::parse(
                "count(students where stage = preschool) / sum(population.children where age in (3, 4, 5)) * 100",
            )
            .unwrap(),
            ..custom
        };
        let values = computed
            .custom_values(&snapshots, &gross, &Query::default())
            .unwrap();
        assert!(values
            .iter()
            .all(|v| !matches!(v.level, Level::School | Level::SchoolGroup)));
        // It agrees with the catalogue's 学前三年毛入园率.
        let catalogue = computed.values(&Query {
            indicators: vec![crate::find("preschool_gross_enrolment_ratio").unwrap()],
            levels: vec![Level::County],
            ..Query::default()
        });
        for c in catalogue {
            let mine = values
                .iter()
                .find(|v| v.level == Level::County && v.year == c.year && v.place == c.place);
            let (a, b) = (mine.and_then(|m| m.value).unwrap(), c.value.unwrap());
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }
}
