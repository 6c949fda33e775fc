//! The engine on the demo city: a forecast per scenario with the observed
//! years first, the backtest from every base year, a stored forecast's
//! accuracy equal to the backtest's for the same base year and lead, and a
//! county officer's cut of a run.

use forecast::backtest::{accuracy_of, backtest};
use forecast::{project, project_from, ForecastError, Method, Run, Scenario};
use registry::Stage;

use crate::common::demo_history;

#[test]
fn the_demo_city_forecasts_and_backtests() {
    let history = demo_history(0.02);
    let years = history.years();
    assert!(years.len() >= 4, "demo years {years:?}");
    let last = *years.last().unwrap();
    let scenario = Scenario::baseline();

    let forecast = project(&history, &scenario).unwrap();
    assert_eq!(forecast.base_year, last);
    assert_eq!(forecast.areas.len(), history.counties.len() + 1);
    let city = &forecast.areas[0];
    for stage in &city.stages {
        let observed: Vec<i32> = stage
            .years
            .iter()
            .filter(|y| y.observed)
            .map(|y| y.year)
            .collect();
        assert_eq!(observed, years, "{:?}", stage.stage);
        assert_eq!(stage.years.last().unwrap().year, 2035);
        assert!(stage
            .years
            .iter()
            .all(|y| y.total().is_finite() && y.total() >= 0.0));
        // The city is the sum of its counties.
        let i = forecast::model::stage_index(stage.stage).unwrap();
        for (k, y) in stage.years.iter().enumerate() {
            let sum: f64 = forecast.areas[1..]
                .iter()
                .map(|a| a.stages[i].years[k].total())
                .sum();
            assert!((y.total() - sum).abs() < 1e-6);
        }
        // The peak is the highest demand of every year, observed or not;
        // it is "passed" exactly when it lies in the observed years.
        let max = stage.years.iter().map(|y| y.total()).fold(f64::MIN, f64::max);
        assert_eq!(stage.peak.demand, max, "{:?}", stage.stage);
        assert_eq!(stage.peak_passed, stage.peak.year <= last, "{:?}", stage.stage);
    }

    let bt = backtest(&history, &scenario).unwrap();
    assert_eq!(bt.base_years, years[1..years.len() - 1].to_vec());
    let city_code = &city.code;
    for stage in forecast::FORECAST_STAGES {
        for method in Method::ALL {
            let row = bt
                .rows
                .iter()
                .find(|r| {
                    &r.area == city_code
                        && r.stage == stage
                        && r.sector.is_none()
                        && r.method == method
                        && r.lead == 1
                })
                .unwrap_or_else(|| panic!("no lead-1 row for {stage:?} {method:?}"));
            assert_eq!(row.pairs as usize, bt.base_years.len());
            assert!(row.mape_pct.is_finite() && row.mape_pct >= row.bias_pct.abs() - 1e-9);
        }
    }
    // Public and private rows and every county are there.
    assert!(bt
        .rows
        .iter()
        .any(|r| r.sector == Some(registry::Ownership::Private)));
    for county in &history.counties {
        assert!(bt.rows.iter().any(|r| r.area == county.code));
    }

    // A stored forecast from the first base year, measured against the
    // history observed since, matches the backtest's single pair at the
    // longest lead (only that base year reaches it).
    let base = bt.base_years[0];
    let lead = (last - base) as u32;
    let stored = project_from(&history, base, 2035, &scenario).unwrap();
    let measured = accuracy_of(&stored, &history);
    for stage in [Stage::Primary, Stage::Junior] {
        let pick = |rows: &[forecast::Accuracy]| {
            rows.iter()
                .find(|r| {
                    &r.area == city_code
                        && r.stage == stage
                        && r.sector.is_none()
                        && r.method == Method::Cohort
                        && r.lead == lead
                })
                .cloned()
                .unwrap()
        };
        let (a, b) = (pick(&measured), pick(&bt.rows));
        assert_eq!(a.pairs, 1);
        assert!((a.mape_pct - b.mape_pct).abs() < 1e-9 && (a.bias_pct - b.bias_pct).abs() < 1e-9);
    }
}

#[test]
fn a_run_cut_to_one_county_shows_that_county_only() {
    let history = demo_history(0.02);
    let county = history.counties[1].code.clone();
    let run = Run::make(
        "2024年学位预测",
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap(),
        "planner",
        history,
        Scenario::standard_set(),
    )
    .unwrap();
    assert_eq!(run.forecasts.len(), 5);
    assert!(run.backtest.is_some());
    // Births −5 %/yr project fewer kindergarten children in 2035 than +2 %/yr.
    let kg = |f: &forecast::Forecast| f.areas[0].stages[0].years.last().unwrap().total();
    assert!(kg(&run.forecasts[0]) < kg(&run.forecasts[2]));
    let cut = run.for_county(&county);
    assert_eq!(cut.history.counties.len(), 1);
    for f in &cut.forecasts {
        assert_eq!(f.areas.len(), 1);
        assert_eq!(f.areas[0].code, county);
    }
    assert!(cut.backtest.unwrap().rows.iter().all(|r| r.area == county));
}

#[test]
fn too_little_history_or_a_horizon_before_the_base_is_an_error() {
    let history = demo_history(0.02);
    let first = history.years()[0];
    let scenario = Scenario::baseline();
    // One observed year leaves no transition for the ratios.
    assert_eq!(
        project_from(&history, first, 2035, &scenario).unwrap_err(),
        ForecastError::TooLittleHistory { needed: 2, found: 1 }
    );
    let last = *history.years().last().unwrap();
    assert_eq!(
        project_from(&history, last, last - 1, &scenario).unwrap_err(),
        ForecastError::UntilBeforeBase {
            until: last - 1,
            base: last
        }
    );
    // Two years give a forecast but nothing after a base year to compare.
    assert!(forecast::backtest::backtest(&history.truncated(first + 1), &scenario).is_err());
    assert!(ForecastError::TooLittleHistory { needed: 2, found: 1 }
        .to_string()
        .contains("登记数据不足"));
}

#[test]
fn a_county_with_no_pupils_yet_forecasts_from_zero_and_does_not_stop_the_city() {
    // A new district whose first schools open after the base year: no
    // register, no pupils. It used to fail the whole forecast and backtest.
    let mut history = demo_history(0.02);
    let mut empty = history.counties[0].clone();
    empty.code = registry::AreaCode::parse("370199").unwrap();
    empty.name = "新区".to_owned();
    empty.population.clear();
    empty.enrolment.clear();
    empty.seats.clear();
    empty.classes.clear();
    history.counties.push(empty);
    let scenario = Scenario::baseline();
    let forecast = project(&history, &scenario).unwrap();
    let new = forecast
        .area(&registry::AreaCode::parse("370199").unwrap())
        .unwrap();
    assert!(new
        .stages
        .iter()
        .all(|s| s.years.iter().all(|y| y.total() == 0.0)));
    let bt = backtest(&history, &scenario).unwrap();
    assert!(!bt.base_years.is_empty());
    assert!(Run::make(
        "t",
        chrono::NaiveDateTime::default(),
        "u",
        history,
        vec![scenario]
    )
    .unwrap()
    .backtest
    .is_some());
}

#[test]
fn high_and_low_migration_move_every_grade_not_only_the_entry_grades() {
    // In the first projected year 普通高中 holds grade 10 (the transition
    // from last year's observed grade 9, no migration in it) and grades
    // 11–12 moved up by progression ratios. So only the ratios can make ×1.5
    // and ×0.5 migration differ there from the baseline — and they must, in
    // opposite directions, since a ratio's distance from 1 is scaled.
    let history = demo_history(0.05);
    let licheng = registry::AreaCode::parse("370112").unwrap();
    let with = |factor: f64| {
        let mut s = Scenario::baseline();
        s.migration = forecast::scenario::MigrationAssumption::History { years: 3, factor };
        project(&history, &s).unwrap()
    };
    let (base, high, low) = (with(1.0), with(1.5), with(0.5));
    let last = *history.years().last().unwrap();
    let senior = |f: &forecast::Forecast| {
        let area = f.area(&licheng).unwrap();
        let stage = area.stages.iter().find(|s| s.stage == Stage::Senior).unwrap();
        stage.years.iter().find(|y| y.year == last + 1).unwrap().total()
    };
    let (up, down) = (senior(&high) - senior(&base), senior(&low) - senior(&base));
    assert!(up.abs() > 1e-6 && down.abs() > 1e-6, "{up} {down}");
    assert!(up * down < 0.0, "{up} {down}");
    assert!((up + down).abs() < 1e-6 * senior(&base), "symmetric: {up} {down}");
}

#[test]
fn a_forecast_from_a_base_year_uses_nothing_observed_after_it() {
    // Leakage guard for the backtest: double every figure after the base
    // year (births, register, pupils, seats, classes) and the forecast from
    // that base year, and the backtest's cohort and naive rows for it, must
    // not move by a single bit.
    let history = demo_history(0.02);
    let base = history.years()[2];
    let mut changed = history.clone();
    for county in &mut changed.counties {
        for (year, b) in county.births.iter_mut() {
            if *year > base {
                *b *= 2.0;
            }
        }
        for (_, p) in county.population.range_mut(base + 1..) {
            p.iter_mut().for_each(|x| *x *= 2.0);
        }
        for (_, e) in county.enrolment.range_mut(base + 1..) {
            e.iter_mut().flatten().for_each(|x| *x *= 2.0);
        }
        for (_, s) in county.seats.range_mut(base + 1..) {
            s.iter_mut().flatten().for_each(|x| *x *= 2.0);
        }
    }
    let scenario = Scenario::baseline();
    let demand = |f: &forecast::Forecast| -> Vec<f64> {
        f.areas
            .iter()
            .flat_map(|a| a.stages.iter())
            .flat_map(|s| s.years.iter())
            .filter(|y| y.year > base)
            .map(|y| y.total())
            .collect()
    };
    let before = project_from(&history, base, 2030, &scenario).unwrap();
    let after = project_from(&changed, base, 2030, &scenario).unwrap();
    assert_eq!(demand(&before), demand(&after));
}
