//! The statistical division codes of 山东 (NBS 2023), shipped inside the
//! binary so that edugov never reads `shared/` at run time.
//! Source and licence: `data/divisions-shandong/SOURCE.md`.

use crate::area::{kind_of, Area, AreaCode};

const CITIES: &str = include_str!("../data/divisions-shandong/cities.csv");
const COUNTIES: &str = include_str!("../data/divisions-shandong/counties.csv");
const TOWNSHIPS: &str = include_str!("../data/divisions-shandong/townships.csv");
const VILLAGES: &str = include_str!("../data/divisions-shandong/villages.csv");

pub const PROVINCE_CODE: &str = "37";
pub const PROVINCE_NAME: &str = "山东省";

/// Every area of the province, parents before children.
pub fn all() -> Vec<Area> {
    let mut areas = Vec::with_capacity(64_200);
    if let Ok(code) = AreaCode::parse(PROVINCE_CODE) {
        areas.push(Area {
            kind: kind_of(&code),
            code,
            name: PROVINCE_NAME.to_owned(),
        });
    }
    for table in [CITIES, COUNTIES, TOWNSHIPS, VILLAGES] {
        areas.extend(read(table));
    }
    areas
}

/// The counties (and zones) of one city, in code order.
pub fn counties_of(city: &str) -> Vec<Area> {
    read(COUNTIES)
        .filter(|a| a.code.as_str().starts_with(city))
        .collect()
}

/// The townships of one county, in code order.
pub fn townships_of(county: &str) -> Vec<Area> {
    read(TOWNSHIPS)
        .filter(|a| a.code.as_str().starts_with(county))
        .collect()
}

/// Names of all counties and townships of the province, by code: one read
/// of the shipped tables for callers that name many areas.
pub fn county_and_township_names() -> std::collections::HashMap<String, String> {
    read(COUNTIES)
        .chain(read(TOWNSHIPS))
        .map(|a| (a.code.as_str().to_owned(), a.name))
        .collect()
}

pub fn city_name(city: &str) -> Option<String> {
    read(CITIES).find(|a| a.code.as_str() == city).map(|a| a.name)
}

fn read(table: &'static str) -> impl Iterator<Item = Area> {
    csv::Reader::from_reader(table.as_bytes())
        .into_records()
        .filter_map(Result::ok)
        .filter_map(|record| {
            let code = AreaCode::parse(record.get(0)?).ok()?;
            let name = record.get(1)?.to_owned();
            Some(Area {
                kind: kind_of(&code),
                code,
                name,
            })
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn jinan_has_its_twelve_counties_and_the_high_tech_zone() {
        let counties = super::counties_of("3701");
        assert_eq!(counties.len(), 13);
        assert_eq!(counties[0].name, "历下区");
        assert!(counties.iter().any(|c| c.code.as_str() == "370176"));
        assert_eq!(super::city_name("3701").as_deref(), Some("济南市"));
    }

    #[test]
    fn all_areas_of_shandong_are_shipped() {
        let all = super::all();
        assert!(all.len() > 64_000, "{}", all.len());
        assert_eq!(all[0].code.as_str(), "37");
    }
}
