//! One call from history and scenarios to forecasts, and the record of a
//! run the store keeps (inputs, scenarios and results together, so next
//! year's accuracy is computed from it, not estimated).

use std::collections::BTreeMap;

use registry::AreaCode;
use serde::{Deserialize, Serialize};

use crate::enrolment::{self, stage_total};
use crate::model::{
    stage_index, AreaForecast, ByAge, ByGrade, PopulationYear, StageForecast, FORECAST_STAGES,
};
use crate::population;
use crate::scenario::MigrationAssumption;
use crate::seats::{self, Seats};
use crate::{Backtest, CountyHistory, Forecast, ForecastError, History, Scenario};

/// Observed years a forecast needs (one transition for the ratios).
pub const MIN_YEARS: usize = 2;

/// Projects from the last observed year of `history` to `scenario.until`.
pub fn project(history: &History, scenario: &Scenario) -> Result<Forecast, ForecastError> {
    let years = history.years();
    let Some(&base) = years.last() else {
        return Err(ForecastError::TooLittleHistory {
            needed: MIN_YEARS,
            found: 0,
        });
    };
    forecast_at(history, base, scenario.until, scenario)
}

/// Projects from `base_year` using only what was known then
/// (`history.truncated(base_year)`), to `until`.
pub fn project_from(
    history: &History,
    base_year: i32,
    until: i32,
    scenario: &Scenario,
) -> Result<Forecast, ForecastError> {
    let known = history.truncated(base_year);
    let base = known.years().last().copied().unwrap_or(base_year);
    forecast_at(&known, base, until, scenario)
}

/// How a county is projected: the engine, or the naive grade progression
/// baseline of the backtest (survival only, ratios 1, base-year entry rates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Cohort,
    Naive,
}

/// One county's population and enrolment, observed years then projected.
pub(crate) struct CountyProjection {
    pub population: BTreeMap<i32, ByAge>,
    /// The first population year not observed.
    pub first_projected: i32,
    pub enrolment: BTreeMap<i32, [ByGrade; 2]>,
}

/// Each county's share of the city's last observed births (for a city
/// birth series).
pub(crate) fn birth_shares(history: &History) -> Vec<f64> {
    let last: Vec<f64> = history
        .counties
        .iter()
        .map(|c| c.births.values().next_back().copied().unwrap_or(0.0))
        .collect();
    let total: f64 = last.iter().sum();
    let n = last.len().max(1) as f64;
    last.iter()
        .map(|b| if total > 0.0 { b / total } else { 1.0 / n })
        .collect()
}

/// Projects one county of a history already cut at `base` to `until`.
pub(crate) fn project_county(
    county: &CountyHistory,
    base: i32,
    until: i32,
    scenario: &Scenario,
    city_share: f64,
    mode: Mode,
) -> Result<CountyProjection, ForecastError> {
    // A county with no register or no pupils at the base year (a district
    // whose first schools open later) projects from zero rather than failing
    // the whole city's forecast and backtest: nothing is known of it yet.
    const NOBODY: ByAge = [0.0; crate::AGES];
    const NO_PUPILS: [ByGrade; 2] = [[0.0; crate::GRADES]; 2];
    let (start_year, start) = county
        .population
        .range(..=base)
        .next_back()
        .map_or((base, &NOBODY), |(y, p)| (*y, p));
    let base_enrolment = county.enrolment.get(&base).unwrap_or(&NO_PUPILS);
    let births = population::future_births(county, base, until, &scenario.births, city_share);
    let migration = match mode {
        Mode::Cohort => population::migration_from_history(
            county,
            base,
            &scenario.migration,
            &scenario.survival,
            scenario.timing,
        ),
        Mode::Naive => population::migration_from_history(
            county,
            base,
            &MigrationAssumption::None,
            &scenario.survival,
            scenario.timing,
        ),
    };
    let mut pop: BTreeMap<i32, ByAge> = county.population.range(..=base).map(|(y, p)| (*y, *p)).collect();
    pop.extend(population::project_population(
        start_year,
        start,
        until,
        &births,
        &scenario.survival,
        &migration,
        scenario.timing,
    ));
    let rates = match mode {
        Mode::Cohort => {
            let mut rates = enrolment::estimate(
                county,
                base,
                scenario.averaging,
                scenario.averaging_years.max(1) as usize,
            );
            if let Some(total) = scenario.senior_transition {
                enrolment::set_transition(&mut rates, total);
            }
            match scenario.migration {
                MigrationAssumption::History { factor, .. } if factor != 1.0 => {
                    enrolment::scale_migration(&mut rates, factor);
                }
                // A closed population: no migration inside the cohorts either.
                MigrationAssumption::None => enrolment::scale_migration(&mut rates, 0.0),
                MigrationAssumption::History { .. } => {}
            }
            rates
        }
        Mode::Naive => naive_rates(county, base),
    };
    let mut enrol: BTreeMap<i32, [ByGrade; 2]> =
        county.enrolment.range(..=base).map(|(y, e)| (*y, *e)).collect();
    let projected = match mode {
        Mode::Cohort => enrolment::project_enrolment(base, base_enrolment, &pop, &rates),
        Mode::Naive => naive_enrolment(base, base_enrolment, &pop, &rates),
    };
    enrol.extend(projected);
    Ok(CountyProjection {
        population: pop,
        first_projected: start_year + 1,
        enrolment: enrol,
    })
}

/// The naive baseline's rates: every ratio 1, entry rates (小班, grade 1,
/// grade 7 and — from the population aged 15 — grade 10) of the base year.
fn naive_rates(county: &CountyHistory, base: i32) -> [enrolment::SectorRates; 2] {
    let enrol = county
        .enrolment
        .get(&base)
        .copied()
        .unwrap_or([[0.0; crate::GRADES]; 2]);
    let pop = county
        .population
        .range(..=base)
        .next_back()
        .map(|(_, p)| *p)
        .unwrap_or([0.0; crate::AGES]);
    std::array::from_fn(|sector| {
        let rate = |index: usize, age: usize| {
            if pop[age] > 0.0 {
                enrol[sector][index] / pop[age]
            } else {
                0.0
            }
        };
        enrolment::SectorRates {
            gpr: [1.0; crate::GRADES],
            entry_rate: enrolment::AGE_ENTRIES.map(|(index, age)| rate(index, age)),
            // Grade 10 from the population aged 15, like the other entries.
            transition: rate(enrolment::SENIOR_ENTRY, 15),
        }
    })
}

fn naive_enrolment(
    base: i32,
    start: &[ByGrade; 2],
    pop: &BTreeMap<i32, ByAge>,
    rates: &[enrolment::SectorRates; 2],
) -> Vec<(i32, [ByGrade; 2])> {
    let mut out = Vec::new();
    let mut last = *start;
    for (year, p) in pop.range(base + 1..) {
        let mut next = enrolment::step(&last, p, rates);
        for (sector, grades) in next.iter_mut().enumerate() {
            grades[enrolment::SENIOR_ENTRY] = rates[sector].transition * p[15];
        }
        last = next;
        out.push((*year, last));
    }
    out
}

/// The city's code: the history's, else the prefecture of its first county.
pub(crate) fn city_code(history: &History) -> Option<AreaCode> {
    if let Some(code) = &history.city {
        return Some(code.clone());
    }
    history
        .counties
        .first()
        .and_then(|c| c.code.as_str().get(..4))
        .and_then(|p| AreaCode::parse(&format!("{p}00")).ok())
        .or_else(|| history.counties.first().map(|c| c.code.clone()))
}

/// The forecast of a history already cut at `base`.
fn forecast_at(
    history: &History,
    base: i32,
    until: i32,
    scenario: &Scenario,
) -> Result<Forecast, ForecastError> {
    let years = history.years();
    if years.len() < MIN_YEARS {
        return Err(ForecastError::TooLittleHistory {
            needed: MIN_YEARS,
            found: years.len(),
        });
    }
    if until < base {
        return Err(ForecastError::UntilBeforeBase { until, base });
    }
    let shares = birth_shares(history);
    let mut pipeline = history.pipeline.clone();
    pipeline.extend(scenario.extra_projects.iter().cloned());
    let mut counties = Vec::with_capacity(history.counties.len());
    for (county, share) in history.counties.iter().zip(&shares) {
        let projection = project_county(county, base, until, scenario, *share, Mode::Cohort)?;
        counties.push(county_forecast(
            county,
            &projection,
            &years,
            base,
            until,
            scenario,
            &pipeline,
        ));
    }
    let mut areas = Vec::with_capacity(counties.len() + 1);
    if let Some(code) = city_code(history) {
        areas.push(city_forecast(history, code, &counties, scenario));
    }
    areas.extend(counties);
    let mut used = scenario.clone();
    used.until = until;
    let mut assumptions = vec![("基年".to_owned(), format!("{base}学年（最后一个登记学年）"))];
    assumptions.extend(used.describe_zh());
    Ok(Forecast {
        scenario: used,
        base_year: base,
        until,
        areas,
        assumptions,
    })
}

fn county_forecast(
    county: &CountyHistory,
    projection: &CountyProjection,
    observed: &[i32],
    base: i32,
    until: i32,
    scenario: &Scenario,
    pipeline: &[crate::PipelineProject],
) -> AreaForecast {
    let population = projection
        .population
        .range(..=until)
        .map(|(y, p)| PopulationYear {
            year: *y,
            observed: *y < projection.first_projected,
            by_age: *p,
        })
        .collect();
    let base_seats = county.seats.range(..=base).next_back().map(|(_, s)| *s);
    let stages = FORECAST_STAGES
        .iter()
        .map(|&stage| {
            let i = stage_index(stage).unwrap_or(0);
            let size = scenario.class_size[i];
            let mut years = Vec::new();
            for (&year, e) in projection.enrolment.range(..=until) {
                let demand = [stage_total(&e[0], stage), stage_total(&e[1], stage)];
                let is_observed = year <= base;
                if is_observed && !observed.contains(&year) {
                    continue;
                }
                let sy = if is_observed {
                    let s = county.seats.get(&year).map_or(0.0, |s| s[i][0] + s[i][1]);
                    let classes = county.classes.get(&year).map(|c| c[i]);
                    seats::stage_year(
                        year,
                        true,
                        demand,
                        Seats {
                            capacity: s,
                            ..Seats::default()
                        },
                        size,
                        classes,
                    )
                } else {
                    let s = base_seats.map_or(0.0, |s| s[i][0] + s[i][1]);
                    let (added, closed) =
                        seats::changes(&county.code, stage, base, year, pipeline, &scenario.closures);
                    let seats = Seats {
                        capacity: (s + added - closed).max(0.0),
                        pipeline: added,
                        closed,
                    };
                    seats::stage_year(year, false, demand, seats, size, None)
                };
                years.push(sy);
            }
            seats::summarize(stage, size, years)
        })
        .collect();
    AreaForecast {
        code: county.code.clone(),
        name: county.name.clone(),
        population,
        stages,
    }
}

fn city_forecast(
    history: &History,
    code: AreaCode,
    counties: &[AreaForecast],
    scenario: &Scenario,
) -> AreaForecast {
    let mut population: Vec<PopulationYear> = Vec::new();
    if let Some(first) = counties.first() {
        for (i, y) in first.population.iter().enumerate() {
            let mut by_age = [0.0; crate::AGES];
            let mut observed = true;
            for c in counties {
                if let Some(py) = c.population.get(i) {
                    observed &= py.observed;
                    for (sum, v) in by_age.iter_mut().zip(&py.by_age) {
                        *sum += v;
                    }
                }
            }
            population.push(PopulationYear {
                year: y.year,
                observed,
                by_age,
            });
        }
    }
    let stages = FORECAST_STAGES
        .iter()
        .enumerate()
        .map(|(i, &stage)| {
            let parts: Vec<&StageForecast> = counties.iter().filter_map(|c| c.stages.get(i)).collect();
            seats::aggregate(stage, scenario.class_size[i], &parts)
        })
        .collect();
    let name = if history.city_name.is_empty() {
        "全市".to_owned()
    } else {
        history.city_name.clone()
    };
    AreaForecast {
        code,
        name,
        population,
        stages,
    }
}

/// A stored forecast run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// What the planner called it (2026年学位预测 …).
    pub label: String,
    /// When it was made (the caller's clock) and by whom (user name).
    pub made_at: chrono::NaiveDateTime,
    pub made_by: String,
    /// The inputs exactly as used.
    pub history: History,
    pub scenarios: Vec<Scenario>,
    /// One forecast per scenario, same order.
    pub forecasts: Vec<Forecast>,
    /// The backtest of the method on this history, with the first scenario
    /// whose births are held constant (else the first): the backtest
    /// measures the method, and a birth trend chosen for the future would
    /// colour it.
    pub backtest: Option<Backtest>,
}

impl Run {
    /// Runs every scenario and the backtest.
    pub fn make(
        label: &str,
        made_at: chrono::NaiveDateTime,
        made_by: &str,
        history: History,
        scenarios: Vec<Scenario>,
    ) -> Result<Run, ForecastError> {
        let forecasts = scenarios
            .iter()
            .map(|s| project(&history, s))
            .collect::<Result<Vec<_>, _>>()?;
        // Too short a history for any base year leaves no backtest, not an error.
        let measured = scenarios
            .iter()
            .find(|s| matches!(s.births, crate::scenario::BirthAssumption::Constant))
            .or(scenarios.first());
        let backtest = match measured {
            Some(first) => match crate::backtest::backtest(&history, first) {
                Ok(b) if !b.base_years.is_empty() => Some(b),
                _ => None,
            },
            None => None,
        };
        Ok(Run {
            label: label.to_owned(),
            made_at,
            made_by: made_by.to_owned(),
            history,
            scenarios,
            forecasts,
            backtest,
        })
    }

    /// The run cut to one county (what a county officer may see): the
    /// county's history and forecasts only, the city aggregate dropped.
    pub fn for_county(&self, county: &AreaCode) -> Run {
        let history = History {
            city: self.history.city.clone(),
            city_name: self.history.city_name.clone(),
            counties: self
                .history
                .counties
                .iter()
                .filter(|c| &c.code == county)
                .cloned()
                .collect(),
            pipeline: self
                .history
                .pipeline
                .iter()
                .filter(|p| &p.county == county)
                .cloned()
                .collect(),
        };
        let scenarios: Vec<Scenario> = self
            .scenarios
            .iter()
            .map(|s| scenario_for_county(s, county))
            .collect();
        let forecasts = self
            .forecasts
            .iter()
            .map(|f| {
                let scenario = scenario_for_county(&f.scenario, county);
                // Described again: the whole scenario's rows count other
                // counties' closures and projects.
                let mut assumptions: Vec<(String, String)> = f.assumptions.iter().take(1).cloned().collect();
                assumptions.extend(scenario.describe_zh());
                Forecast {
                    scenario,
                    areas: f.areas.iter().filter(|a| &a.code == county).cloned().collect(),
                    assumptions,
                    ..f.clone()
                }
            })
            .collect();
        let backtest = self.backtest.as_ref().map(|b| {
            let rows: Vec<_> = b.rows.iter().filter(|r| &r.area == county).cloned().collect();
            let names: BTreeMap<AreaCode, String> = history
                .counties
                .iter()
                .map(|c| (c.code.clone(), c.name.clone()))
                .collect();
            Backtest {
                base_years: b.base_years.clone(),
                shortfalls: crate::backtest::shortfalls(&rows, &names),
                rows,
            }
        });
        Run {
            label: self.label.clone(),
            made_at: self.made_at,
            made_by: self.made_by.clone(),
            history,
            scenarios,
            forecasts,
            backtest,
        }
    }
}

/// A scenario with only one county's own entries (births, closures,
/// projects): another county's assumptions are not the officer's to see.
fn scenario_for_county(scenario: &Scenario, county: &AreaCode) -> Scenario {
    let mut s = scenario.clone();
    if let crate::scenario::BirthAssumption::Series { counties, .. } = &mut s.births {
        counties.retain(|c, _| c == county);
    }
    s.closures.retain(|c| &c.county == county);
    s.extra_projects.retain(|p| &p.county == county);
    s
}
