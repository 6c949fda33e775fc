//! The forecast's store (`ForecastStore`): the history aggregated in SQL
//! equals the one built from year snapshots, and runs are kept whole,
//! listed newest first, audited and refused when unnamed.

use chrono::{NaiveDate, NaiveDateTime};
use forecast::scenario::{Averaging, BirthAssumption, MigrationAssumption, MigrationTiming, Survival};
use forecast::{
    AreaForecast, Forecast, History, Peak, Run, Scenario, StageForecast, StageYear, FORECAST_STAGES,
};
use registry::snapshot::AreaRef;
use registry::*;
use store::prelude::*;
use store::{AuditAction, ForecastRunId, StoreError};

use crate::support::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

contract!(
    fn the_history_aggregated_in_sql_equals_the_one_built_from_snapshots(db) {
        let city = demo::DemoCity::generate(&demo::DemoConfig {
            scale: 0.01,
            ..demo::DemoConfig::default()
        })
        .unwrap();
        let mut store = db.open();
        for year in city.school_years() {
            assert!(committed(&apply(&mut *store, &city.school_year(year), checked())));
        }
        // The demo plan's projects: some put in use (their seats added to
        // their schools), some still building — the pipeline.
        let today = day(2026, 12, 1);
        let plan = city.work_plan(today);
        store
            .save_projects(&plan.projects, "规划科", plan.projects_entered)
            .unwrap();

        let stored = store.forecast_history(today).unwrap();

        let snapshots: Vec<_> = store
            .school_years()
            .unwrap()
            .into_iter()
            .map(|y| store.year_snapshot(y).unwrap())
            .collect();
        let mut counties: Vec<AreaRef> = snapshots.iter().flat_map(|s| s.counties.clone()).collect();
        counties.sort_by(|a, b| a.code.cmp(&b.code));
        counties.dedup();
        let built = History::from_snapshots(
            snapshots[0].city.clone(),
            city.city_name(),
            &counties,
            &snapshots,
            &store.births().unwrap(),
            &store.projects().unwrap(),
            today,
        );
        assert_eq!(stored.city_name, "济南市");
        assert_eq!(stored.city.as_ref().map(|c| c.as_str()), Some("3701"));
        assert_eq!(stored.years(), (2019..=2024).collect::<Vec<_>>());
        assert_eq!(stored.counties.len(), built.counties.len());
        for (a, b) in stored.counties.iter().zip(&built.counties) {
            assert_eq!(a, b, "county {}", b.code);
        }
        assert_eq!(stored.pipeline, built.pipeline);
        assert_eq!(stored, built);

        // Not equal by being empty: the 2024 students of the forecast
        // stages are all there, and counted seats and births exist.
        let changes = city.school_year(SchoolYear(2024));
        let students = changes
            .students
            .iter()
            .filter(|(_, e)| forecast::stage_index(e.stage).is_some())
            .count() as f64;
        let counted: f64 = stored
            .counties
            .iter()
            .map(|c| c.enrolment[&2024].iter().flatten().sum::<f64>())
            .sum();
        assert_eq!(counted, students);
        let seats: f64 = stored
            .counties
            .iter()
            .map(|c| c.seats[&2024].iter().flatten().sum::<f64>())
            .sum();
        assert!(seats > students * 0.8, "{seats} seats for {students} students");
        assert!(stored.counties.iter().all(|c| !c.births.is_empty()));
        assert!(stored.counties.iter().all(|c| c.population.contains_key(&2024)));
        assert!(!stored.pipeline.is_empty(), "the plan's projects still building");
        assert!(stored.pipeline.len() < plan.projects.len(), "those in use are counted already");
    }
);

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").unwrap()
}

fn scenario(name: &str) -> Scenario {
    Scenario {
        name: name.into(),
        until: 2035,
        births: BirthAssumption::Trend { rate: -0.05 },
        migration: MigrationAssumption::History {
            years: 3,
            factor: 1.0,
        },
        timing: MigrationTiming::EndOfPeriod,
        survival: Survival {
            first_year: 0.9946,
            by_age: vec![0.9997; 18],
            source: "测试".into(),
        },
        averaging: Averaging::Mean,
        averaging_years: 3,
        senior_transition: None,
        class_size: [30, 45, 50, 50],
        closures: vec![],
        extra_projects: vec![],
    }
}

/// A small run written out by hand (the store keeps any run whole; the
/// engine's arithmetic is not what is tested here).
fn a_run(label: &str, made_at: &str) -> Run {
    let mut history = History::empty(
        Some(AreaCode::parse("3701").unwrap()),
        "济南市",
        &[AreaRef {
            code: AreaCode::parse("370102").unwrap(),
            name: "历下区".into(),
        }],
    );
    history.counties[0].births.insert(2023, 4321.0);
    history.counties[0]
        .enrolment
        .insert(2024, [[1.5; 15], [0.25; 15]]);
    let year = |y: i32, observed: bool| StageYear {
        year: y,
        observed,
        demand: [1000.25, 120.0],
        capacity: 1300.0,
        pipeline_seats: if observed { 0.0 } else { 180.0 },
        closed_seats: 0.0,
        gap: -179.75,
        classes_needed: 25,
        classes_available: 28,
        classes_in_use: observed.then_some(27),
        // Numbers no decimal text writes exactly: read back bit for bit.
        mean_class_size: 1120.25 / 28.0 + 0.1 + 0.2,
    };
    let stages: Vec<StageForecast> = FORECAST_STAGES
        .iter()
        .map(|stage| StageForecast {
            stage: *stage,
            class_size: 45,
            years: vec![year(2024, true), year(2025, false)],
            peak: Peak {
                year: 2025,
                demand: 1120.25,
            },
            peak_passed: false,
            worst_gap: None,
            largest_surplus: Some(forecast::YearGap {
                year: 2025,
                gap: -179.75,
            }),
        })
        .collect();
    let scenarios = vec![scenario("基准方案"), scenario("出生每年−5%")];
    Run {
        label: label.into(),
        made_at: at(made_at),
        made_by: "analyst".into(),
        forecasts: scenarios
            .iter()
            .map(|s| Forecast {
                scenario: s.clone(),
                base_year: 2024,
                until: 2035,
                areas: vec![AreaForecast {
                    code: AreaCode::parse("370102").unwrap(),
                    name: "历下区".into(),
                    population: vec![],
                    stages: stages.clone(),
                }],
                assumptions: vec![("出生".into(), "每年 −5%".into())],
            })
            .collect(),
        history,
        scenarios,
        backtest: None,
    }
}

contract!(
    fn forecast_runs_are_kept_whole_listed_newest_first_and_audited(db) {
        let mut store = db.open();
        assert!(store.forecast_runs().unwrap().is_empty());
        let older = a_run("2025年学位预测", "2025-11-30 09:15:00");
        let newer = a_run(" 2026年学位预测 ", "2026-11-30 16:45:30.123456");
        let first = store.save_forecast_run(&older, "city_admin").unwrap();
        let second = store.save_forecast_run(&newer, "analyst").unwrap();
        assert_ne!(first, second);

        let listed = store.forecast_runs().unwrap();
        let labels: Vec<&str> = listed.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["2026年学位预测", "2025年学位预测"], "newest first, label trimmed");
        assert_eq!(listed[0].id, second);
        assert_eq!(listed[0].made_at, newer.made_at);
        assert_eq!(listed[0].made_by, "analyst");
        assert_eq!((listed[0].base_year, listed[0].until), (2024, 2035));
        assert_eq!(listed[0].scenarios, ["基准方案", "出生每年−5%"]);
        assert!(listed[0].bytes > 1000, "{}", listed[0].bytes);

        // Read back equal, on another connection too.
        assert_eq!(store.forecast_run(first).unwrap().as_ref(), Some(&older));
        assert_eq!(db.open().forecast_run(second).unwrap().as_ref(), Some(&newer));
        assert_eq!(store.forecast_run(ForecastRunId(999_999)).unwrap(), None);

        let lines = audit_lines(&*store, Some(AuditAction::ForecastSaved));
        assert_eq!(lines.len(), 2);
        assert!(
            lines.iter().any(|l| l.starts_with("analyst ") && l.contains("2026年学位预测") && l.contains("2 个方案")),
            "{lines:?}"
        );

        // An unnamed run is refused and nothing is written.
        let error = store.save_forecast_run(&a_run("  ", "2026-12-01 08:00:00"), "analyst").unwrap_err();
        assert!(matches!(error, StoreError::InvalidForecastRun(_)), "{error}");
        let long = "预".repeat(store::forecast::MAX_LABEL_CHARS + 1);
        assert!(store.save_forecast_run(&a_run(&long, "2026-12-01 08:00:00"), "analyst").is_err());
        assert_eq!(store.forecast_runs().unwrap().len(), 2);
        assert_eq!(audit_lines(&*store, Some(AuditAction::ForecastSaved)).len(), 2);
    }
);

contract!(
    fn a_restored_run_keeps_its_id_and_writes_no_audit_line(db) {
        let mut store = db.open();
        let run = a_run("2025年学位预测", "2025-11-30 09:15:00");
        store.restore_forecast_run(ForecastRunId(7), &run).unwrap();
        assert_eq!(store.forecast_run(ForecastRunId(7)).unwrap().as_ref(), Some(&run));
        assert!(audit_lines(&*store, Some(AuditAction::ForecastSaved)).is_empty());
        // Later saves go on after the restored id.
        let next = store
            .save_forecast_run(&a_run("2026年学位预测", "2026-11-30 09:15:00"), "analyst")
            .unwrap();
        assert!(next.0 > 7, "{next}");
        assert!(store.restore_forecast_run(ForecastRunId(7), &run).is_err(), "an id is never reused");
    }
);
