//! Births and children: the assumed birth series of the city, its split
//! over counties, the size of each school cohort, and the population
//! records (children by single year of age per township).
//!
//! A *cohort* is named by the school year in which it enters grade 1: cohort
//! `c` is born between 1 September of `c − 7` and 31 August of `c − 6`
//! (age 6 on 31 August of `c`, rules.md). In school year `y` it is in grade
//! `y − c + 1` (小班 is grade −2) and aged `y − c + 6`.

use chrono::NaiveDate;
use registry::{Births, Population, SchoolYear};

use crate::places::Places;

/// Assumed births in the whole city (incl. 莱芜 and 钢城, merged in 2019),
/// full scale. Shape: the 2014 单独二孩 and 2016 全面二孩 rises, a peak in
/// 2017 of about 12万, then a fall to about 5.5万 in 2023 (docs/demo-city.md).
const CITY_BIRTHS: [(u16, f64); 25] = [
    (2000, 62_000.0),
    (2001, 61_000.0),
    (2002, 61_000.0),
    (2003, 62_000.0),
    (2004, 65_000.0),
    (2005, 68_000.0),
    (2006, 70_000.0),
    (2007, 74_000.0),
    (2008, 78_000.0),
    (2009, 80_000.0),
    (2010, 82_000.0),
    (2011, 84_000.0),
    (2012, 88_000.0),
    (2013, 86_000.0),
    (2014, 96_000.0),
    (2015, 92_000.0),
    (2016, 110_000.0),
    (2017, 120_000.0),
    (2018, 100_000.0),
    (2019, 90_000.0),
    (2020, 74_000.0),
    (2021, 66_000.0),
    (2022, 60_000.0),
    (2023, 55_000.0),
    (2024, 57_000.0),
];

/// Births in the whole city in a calendar year, full scale. Outside the
/// table the series is held flat before 2000 and eases down after 2024.
pub(crate) fn city_births(year: i32) -> f64 {
    let first = CITY_BIRTHS[0];
    let last = CITY_BIRTHS[CITY_BIRTHS.len() - 1];
    if year <= i32::from(first.0) {
        return first.1;
    }
    if year >= i32::from(last.0) {
        return last.1 * 0.98f64.powi(year - i32::from(last.0));
    }
    CITY_BIRTHS
        .iter()
        .find(|(y, _)| i32::from(*y) == year)
        .map(|(_, b)| *b)
        .unwrap_or(last.1)
}

/// Each county's share of the city's births in a year.
pub(crate) fn county_shares(places: &Places, year: i32) -> Vec<f64> {
    let raw: Vec<f64> = places
        .counties
        .iter()
        .map(|c| c.profile.birth_share * (1.0 + c.profile.share_trend).powi(year - 2010))
        .collect();
    let total: f64 = raw.iter().sum();
    raw.iter().map(|r| r / total.max(f64::MIN_POSITIVE)).collect()
}

/// Births in a county in a calendar year, full scale.
pub(crate) fn county_births(places: &Places, county: usize, year: i32) -> f64 {
    city_births(year) * county_shares(places, year).get(county).copied().unwrap_or(0.0)
}

/// Children of cohort `c` living in a county at full scale: its births
/// (a third from September–December of `c − 7`, two thirds from
/// January–August of `c − 6`) plus migrant children.
pub(crate) fn cohort_size(places: &Places, county: usize, cohort: i32) -> f64 {
    let births = county_births(places, county, cohort - 7) / 3.0
        + county_births(places, county, cohort - 6) * 2.0 / 3.0;
    let migrants = places
        .counties
        .get(county)
        .map(|c| c.profile.migrant_rate)
        .unwrap_or(0.0);
    births * (1.0 + migrants)
}

/// First and last birth date of cohort `c`.
pub(crate) fn cohort_birth_window(cohort: i32) -> (NaiveDate, NaiveDate) {
    let start = NaiveDate::from_ymd_opt(cohort - 7, 9, 1).unwrap_or_default();
    let end = NaiveDate::from_ymd_opt(cohort - 6, 8, 31).unwrap_or_default();
    (start, end)
}

/// The births records the first school year carries: every county, from
/// 2000 (or 19 years before the first school year) to 2024 (or the last).
pub(crate) fn births_records(places: &Places, first: u16, last: u16, scale: f64) -> Vec<Births> {
    let from = (i32::from(first) - 19).min(2000);
    let to = i32::from(last).max(2024);
    let mut records = Vec::new();
    for year in from..=to {
        let shares = county_shares(places, year);
        for (county, share) in places.counties.iter().zip(shares) {
            records.push(Births {
                year: year as u16,
                county: county.code.clone(),
                births: (city_births(year) * share * scale).round() as u32,
            });
        }
    }
    records
}

/// Children per school year, township and cohort, as counted by the
/// generator: the persons living there that year (after arrivals,
/// departures, deaths and moves) where the cohort has persons, otherwise
/// the county cohort spread by the townships' shares.
#[derive(Debug, Clone, Default)]
pub(crate) struct TownshipCohorts {
    /// First cohort with persons.
    pub first_cohort: i32,
    /// First generated school year.
    pub first_year: i32,
    /// counts[year − first_year][township][cohort − first_cohort]
    pub counts: Vec<Vec<Vec<u32>>>,
    /// Each township's share of its county's children (index: global township).
    pub shares: Vec<f64>,
}

impl TownshipCohorts {
    fn count(&self, year: u16, township: usize, cohort: i32) -> Option<u32> {
        let row = self
            .counts
            .get(usize::try_from(i32::from(year) - self.first_year).ok()?)?
            .get(township)?;
        let index = usize::try_from(cohort - self.first_cohort).ok()?;
        row.get(index).copied()
    }
}

/// Children aged 0–17 per township at the start of `year` (Population
/// records): everyone living there, enrolled or not — so the register
/// holds children no school has (not in kindergarten, not in senior high,
/// early leavers, never enrolled) and moves with migration and deaths.
pub(crate) fn population_records(
    places: &Places,
    cohorts: &TownshipCohorts,
    year: u16,
    scale: f64,
) -> Vec<Population> {
    let mut records = Vec::with_capacity(places.township_count() * 18);
    let mut global = 0usize;
    for (county_index, county) in places.counties.iter().enumerate() {
        for township in &county.townships {
            for age in 0u8..=17 {
                let cohort = i32::from(year) - i32::from(age) + 6;
                let living = match cohorts.count(year, global, cohort) {
                    Some(n) => f64::from(n),
                    None => {
                        cohort_size(places, county_index, cohort)
                            * scale
                            * cohorts.shares.get(global).copied().unwrap_or(0.0)
                    }
                };
                records.push(Population {
                    school_year: SchoolYear(year),
                    township: township.code.clone(),
                    age,
                    children: living.round() as u32,
                });
            }
            global += 1;
        }
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn births_peak_in_2017_and_fall_to_about_55_thousand_in_2023() {
        assert_eq!(city_births(2017), 120_000.0);
        assert!(city_births(2016) > 100_000.0);
        for year in 2018..=2023 {
            assert!(city_births(year) < city_births(year - 1), "{year}");
        }
        assert_eq!(city_births(2023), 55_000.0);
        assert!(city_births(1990) > 0.0 && city_births(2030) > 0.0);
    }

    #[test]
    fn cohort_2024_is_born_from_september_2017_to_august_2018() {
        let (start, end) = cohort_birth_window(2024);
        assert_eq!(start.to_string(), "2017-09-01");
        assert_eq!(end.to_string(), "2018-08-31");
    }

    #[test]
    fn county_shares_sum_to_one_and_suburbs_gain() {
        let places = Places::load("3701", 1).unwrap();
        for year in [2005, 2017, 2024] {
            let total: f64 = county_shares(&places, year).iter().sum();
            assert!((total - 1.0).abs() < 1e-9);
        }
        let licheng = places
            .counties
            .iter()
            .position(|c| c.code.as_str() == "370112")
            .unwrap();
        assert!(county_shares(&places, 2024)[licheng] > county_shares(&places, 2005)[licheng]);
    }
}
