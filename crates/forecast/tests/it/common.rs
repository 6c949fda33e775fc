//! Shared helpers: a history built from the demo city's year snapshots
//! (what `History::from_snapshots` does in the store helper's change; this
//! keeps the backtest test independent of it).

use std::collections::BTreeMap;

use demo::{DemoCity, DemoConfig};
use forecast::model::{grade_index, stage_index, GRADES};
use forecast::{CountyHistory, History};
use registry::snapshot::YearSnapshot;
use registry::{Ownership, Stage};

/// The demo city at `scale` as a forecast history.
pub fn demo_history(scale: f64) -> History {
    let city = DemoCity::generate(&DemoConfig {
        scale,
        ..DemoConfig::default()
    })
    .expect("demo city");
    let mut snapshots = Vec::new();
    let mut births = Vec::new();
    for year in city.school_years() {
        let changes = city.school_year(year);
        births.extend(changes.births.iter().cloned());
        snapshots.push(YearSnapshot::from_changes(&changes));
    }
    history_from(city.city_name(), &snapshots, &births)
}

/// Aggregates snapshots by county: population by age, students by grade and
/// sector, seats and classes per forecast stage; births by calendar year.
pub fn history_from(city_name: &str, snapshots: &[YearSnapshot], births: &[registry::Births]) -> History {
    let mut counties: BTreeMap<String, CountyHistory> = BTreeMap::new();
    let mut city = None;
    for snap in snapshots {
        city = city.or(snap.city.clone());
        let year = i32::from(snap.school_year.0);
        for c in &snap.counties {
            counties
                .entry(c.code.as_str().to_owned())
                .or_insert_with(|| CountyHistory {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    births: BTreeMap::new(),
                    population: BTreeMap::new(),
                    enrolment: BTreeMap::new(),
                    seats: BTreeMap::new(),
                    classes: BTreeMap::new(),
                });
        }
        for c in counties.values_mut() {
            c.population.insert(year, [0.0; forecast::AGES]);
            c.enrolment.insert(year, [[0.0; GRADES]; 2]);
            c.seats.insert(year, [[0.0; 2]; 4]);
            c.classes.insert(year, [0.0; 4]);
        }
        let county_of = |index: u32| {
            snap.counties
                .get(index as usize)
                .map(|c| c.code.as_str().to_owned())
        };
        for row in &snap.population {
            let Some(township) = snap.townships.get(row.township as usize) else {
                continue;
            };
            let code = &township.code.as_str()[..6];
            if let Some(c) = counties.get_mut(code) {
                if (row.age as usize) < forecast::AGES {
                    c.population.get_mut(&year).unwrap()[row.age as usize] += f64::from(row.children);
                }
            }
        }
        for s in &snap.students {
            let school = &snap.schools[s.school as usize];
            let Some(c) = county_of(school.county).and_then(|code| counties.get_mut(&code)) else {
                continue;
            };
            if stage_index(s.stage).is_none() {
                continue;
            }
            let sector = if school.ownership == Ownership::Public {
                0
            } else {
                1
            };
            c.enrolment.get_mut(&year).unwrap()[sector][grade_index(s.grade.0)] += 1.0;
        }
        for school in &snap.schools {
            let Some(c) = county_of(school.county).and_then(|code| counties.get_mut(&code)) else {
                continue;
            };
            let sector = if school.ownership == Ownership::Public {
                0
            } else {
                1
            };
            for stage in [Stage::Preschool, Stage::Primary, Stage::Junior, Stage::Senior] {
                let i = stage_index(stage).unwrap();
                c.seats.get_mut(&year).unwrap()[i][sector] += f64::from(school.seats[stage.index()]);
            }
        }
        for class in &snap.classes {
            let school = &snap.schools[class.school as usize];
            let Some(c) = county_of(school.county).and_then(|code| counties.get_mut(&code)) else {
                continue;
            };
            if let Some(i) = stage_index(class.stage) {
                c.classes.get_mut(&year).unwrap()[i] += 1.0;
            }
        }
    }
    for b in births {
        if let Some(c) = counties.get_mut(b.county.as_str()) {
            c.births.insert(i32::from(b.year), f64::from(b.births));
        }
    }
    History {
        city,
        city_name: city_name.to_owned(),
        counties: counties.into_values().collect(),
        pipeline: Vec::new(),
    }
}
