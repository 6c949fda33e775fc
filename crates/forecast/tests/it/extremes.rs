//! The engine at the edges a hostile or odd input reaches: a steep scenario
//! to the furthest horizon, a county with nothing in it, one observed year,
//! a gap in the years, negative counts. Each answers (or refuses with
//! `ForecastError`) without a panic and with finite figures.

use forecast::scenario::{BirthAssumption, Closure, MigrationAssumption, MAX_UNTIL};
use forecast::{project, Forecast, History, Run, Scenario};
use registry::{AreaCode, Stage};

use crate::common::demo_history;

fn code(text: &str) -> AreaCode {
    AreaCode::parse(text).unwrap()
}

/// Every figure of every area, stage and year is finite.
fn all_finite(forecast: &Forecast) -> bool {
    forecast.areas.iter().all(|a| {
        a.stages.iter().all(|s| {
            s.years.iter().all(|y| {
                y.demand.iter().all(|d| d.is_finite())
                    && y.capacity.is_finite()
                    && y.gap.is_finite()
                    && y.mean_class_size.is_finite()
            })
        })
    })
}

/// The steepest scenario a file may state (births doubling every year,
/// migration ×10, to 2060): a county's classes needed pass u32::MAX and
/// the city's sum of them overflowed (a panic in debug builds).
#[test]
fn the_steepest_allowed_scenario_projects_without_overflow() {
    let history = demo_history(0.01);
    let scenario = Scenario {
        name: "极端".to_owned(),
        until: MAX_UNTIL,
        births: BirthAssumption::Trend { rate: 1.0 },
        migration: MigrationAssumption::History {
            years: 3,
            factor: 10.0,
        },
        ..Scenario::baseline()
    };
    let forecast = project(&history, &scenario).expect("projects");
    let city = &forecast.areas[0];
    let primary = city.stages.iter().find(|s| s.stage == Stage::Primary).unwrap();
    let last = primary.years.last().unwrap();
    assert_eq!(last.year, MAX_UNTIL);
    assert!(last.classes_needed > 0);
    assert!(all_finite(&forecast));
}

/// Assumptions of a scenario built in code (not bounded as a file is):
/// two closures of four billion seats summed in u32 overflowed.
#[test]
fn describing_huge_closures_does_not_overflow() {
    let closure = |year| Closure {
        county: code("370102"),
        stage: Stage::Preschool,
        seats: 4_000_000_000,
        from_year: year,
        note: String::new(),
    };
    let scenario = Scenario {
        closures: vec![closure(2026), closure(2027)],
        ..Scenario::baseline()
    };
    let rows = scenario.describe_zh();
    let (_, closures) = rows.iter().find(|(label, _)| label == "关停").unwrap();
    assert!(closures.contains("8000000000"), "{closures}");
}

/// A county with no population, no seats and no students beside a real
/// one; negative counts in another; a gap in the years: the run is made,
/// every figure finite.
#[test]
fn empty_negative_and_gapped_histories_answer() {
    let mut history: History = demo_history(0.01);
    let years = history.years();
    assert!(years.len() >= 3);
    // Zero population, seats and students in the first county.
    let zero = &mut history.counties[0];
    for v in zero.population.values_mut() {
        *v = [0.0; forecast::AGES];
    }
    for v in zero.seats.values_mut() {
        *v = [[0.0; 2]; 4];
    }
    for v in zero.enrolment.values_mut() {
        *v = [[0.0; forecast::GRADES]; 2];
    }
    for v in zero.births.values_mut() {
        *v = 0.0;
    }
    // Negative counts in the second (a corrupt import).
    let negative = &mut history.counties[1];
    for v in negative.population.values_mut() {
        v[3] = -50.0;
    }
    for v in negative.enrolment.values_mut() {
        v[0][5] = -10.0;
    }
    let run = Run::make(
        "边界",
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap(),
        "test",
        history.clone(),
        Scenario::standard_set(),
    )
    .expect("a run");
    assert!(run.forecasts.iter().all(all_finite));

    // A year missing in the middle of one county's history.
    let middle = years[years.len() / 2];
    history.counties[2].enrolment.remove(&middle);
    history.counties[2].population.remove(&middle);
    let forecast = project(&history, &Scenario::baseline()).expect("gapped history projects");
    assert!(all_finite(&forecast));

    // One observed year only: refused with the reason, not a panic.
    let last = *years.last().unwrap();
    for c in &mut history.counties {
        c.enrolment.retain(|y, _| *y == last);
        c.population.retain(|y, _| *y == last);
    }
    let error = project(&history, &Scenario::baseline()).expect_err("one year is too little");
    assert!(error.to_string().contains("登记数据不足"), "{error}");
}
