//! Accuracy: forecasts from every earlier base year compared with what
//! followed, per stage, area and sector, for lead times 1–5, beside two
//! naive baselines (B4; metric as the DfE scorecards: (F − A) ÷ A × 100,
//! positive = over-forecast; MAPE as F6).

use std::collections::BTreeMap;

use registry::{AreaCode, Ownership, Stage};
use serde::{Deserialize, Serialize};

use crate::enrolment::stage_total;
use crate::model::{ByGrade, FORECAST_STAGES, SECTORS};
use crate::run::{birth_shares, project_county, Mode, MIN_YEARS};
use crate::{Forecast, ForecastError, History, Scenario};

/// Lead times measured (DfE forecasts 5 years ahead for primary).
pub const MAX_LEAD: i32 = 5;

/// Which forecast is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The cohort-component method with migration (the engine).
    Cohort,
    /// Naive: the base year's enrolment carried forward.
    CarryForward,
    /// Naive: plain grade progression without migration (ratios of 1,
    /// entry from births at the base year's entry rates).
    GradeProgression,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::Cohort, Method::CarryForward, Method::GradeProgression];
    pub fn label_zh(self) -> &'static str {
        match self {
            Method::Cohort => "队列要素法",
            Method::CarryForward => "沿用上年",
            Method::GradeProgression => "简单升级（不计迁移）",
        }
    }
}

/// One accuracy cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accuracy {
    /// The city or a county.
    pub area: AreaCode,
    pub stage: Stage,
    /// `None` = public and private together.
    pub sector: Option<Ownership>,
    pub method: Method,
    /// Years between base year and the forecast year (1–5).
    pub lead: u32,
    /// Forecast/actual pairs averaged.
    pub pairs: u32,
    /// Mean of (F − A) ÷ A × 100.
    pub bias_pct: f64,
    /// Mean of |F − A| ÷ A × 100.
    pub mape_pct: f64,
}

/// A whole backtest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// Base years forecast from.
    pub base_years: Vec<i32>,
    pub rows: Vec<Accuracy>,
    /// Where the cohort method does not beat a baseline (area, stage, lead),
    /// in Chinese, for the report.
    pub shortfalls: Vec<String>,
}

impl Backtest {
    /// The cell of `area`, `stage`, `sector` (`None` = both together),
    /// `method` and `lead`, if the backtest had a pair for it.
    pub fn row(
        &self,
        area: &AreaCode,
        stage: Stage,
        sector: Option<Ownership>,
        method: Method,
        lead: u32,
    ) -> Option<&Accuracy> {
        self.rows.iter().find(|r| {
            &r.area == area && r.stage == stage && r.sector == sector && r.method == method && r.lead == lead
        })
    }
}

/// Mean absolute percentage error of forecasts against actuals, in per cent
/// (F6). Pairs with a zero actual are skipped; `None` when none remain.
pub fn mape(forecast: &[f64], actual: &[f64]) -> Option<f64> {
    mean_pct(forecast, actual, |f, a| (f - a).abs() / a)
}

/// Mean signed percentage error (F − A) ÷ A × 100 (positive = over-forecast).
pub fn bias(forecast: &[f64], actual: &[f64]) -> Option<f64> {
    mean_pct(forecast, actual, |f, a| (f - a) / a)
}

fn mean_pct(forecast: &[f64], actual: &[f64], error: impl Fn(f64, f64) -> f64) -> Option<f64> {
    let (mut sum, mut n) = (0.0, 0usize);
    for (f, a) in forecast.iter().zip(actual) {
        if *a != 0.0 && a.is_finite() && f.is_finite() {
            sum += error(*f, *a);
            n += 1;
        }
    }
    (n > 0).then(|| 100.0 * sum / n as f64)
}

/// Forecast/actual pairs collected per cell.
type Cells = BTreeMap<(AreaCode, usize, Option<Ownership>, Method, u32), (Vec<f64>, Vec<f64>)>;

/// Stage totals `[public, private]` per forecast stage.
type StageSums = [[f64; 2]; 4];

fn stage_sums(e: &[ByGrade; 2]) -> StageSums {
    FORECAST_STAGES.map(|stage| [stage_total(&e[0], stage), stage_total(&e[1], stage)])
}

fn add(cells: &mut Cells, area: &AreaCode, method: Method, lead: u32, f: &[[f64; 2]; 4], a: &[[f64; 2]; 4]) {
    for stage in 0..FORECAST_STAGES.len() {
        let mut push = |sector: Option<Ownership>, fv: f64, av: f64| {
            let cell = cells
                .entry((area.clone(), stage, sector, method, lead))
                .or_default();
            cell.0.push(fv);
            cell.1.push(av);
        };
        push(None, f[stage][0] + f[stage][1], a[stage][0] + a[stage][1]);
        for sector in SECTORS {
            let i = crate::model::sector_index(sector);
            push(Some(sector), f[stage][i], a[stage][i]);
        }
    }
}

fn rows_of(cells: Cells) -> Vec<Accuracy> {
    cells
        .into_iter()
        .filter_map(|((area, stage, sector, method, lead), (f, a))| {
            Some(Accuracy {
                area,
                stage: FORECAST_STAGES[stage],
                sector,
                method,
                lead,
                pairs: f.iter().zip(&a).filter(|(_, a)| **a != 0.0).count() as u32,
                bias_pct: bias(&f, &a)?,
                mape_pct: mape(&f, &a)?,
            })
        })
        .collect()
}

/// Backtests `scenario`'s method on `history` from every base year with at
/// least two observed years up to it (one transition for the ratios) and at
/// least one observed year after it.
pub fn backtest(history: &History, scenario: &Scenario) -> Result<Backtest, ForecastError> {
    let years = history.years();
    if years.len() < MIN_YEARS + 1 {
        return Err(ForecastError::TooLittleHistory {
            needed: MIN_YEARS + 1,
            found: years.len(),
        });
    }
    let last = *years.last().unwrap_or(&0);
    let city = crate::run::city_code(history);
    let mut cells = Cells::new();
    let mut base_years = Vec::new();
    for &base in &years[MIN_YEARS - 1..years.len() - 1] {
        let known = history.truncated(base);
        let until = (base + MAX_LEAD).min(last);
        let shares = birth_shares(&known);
        let mut city_sums: BTreeMap<(Method, i32), (StageSums, StageSums)> = BTreeMap::new();
        for ((county, known_county), share) in history.counties.iter().zip(&known.counties).zip(&shares) {
            let cohort = project_county(known_county, base, until, scenario, *share, Mode::Cohort)?;
            let naive = project_county(known_county, base, until, scenario, *share, Mode::Naive)?;
            let Some(base_enrol) = known_county.enrolment.get(&base) else {
                continue;
            };
            let carried = stage_sums(base_enrol);
            for year in base + 1..=until {
                let Some(actual) = county.enrolment.get(&year) else {
                    continue;
                };
                let actual = stage_sums(actual);
                let lead = (year - base) as u32;
                for (method, f) in [
                    (Method::Cohort, cohort.enrolment.get(&year).map(stage_sums)),
                    (Method::CarryForward, Some(carried)),
                    (
                        Method::GradeProgression,
                        naive.enrolment.get(&year).map(stage_sums),
                    ),
                ] {
                    let Some(f) = f else { continue };
                    add(&mut cells, &county.code, method, lead, &f, &actual);
                    let sums = city_sums
                        .entry((method, year))
                        .or_insert(([[0.0; 2]; 4], [[0.0; 2]; 4]));
                    for s in 0..4 {
                        for k in 0..2 {
                            sums.0[s][k] += f[s][k];
                            sums.1[s][k] += actual[s][k];
                        }
                    }
                }
            }
        }
        if let Some(city) = &city {
            for ((method, year), (f, a)) in city_sums {
                add(&mut cells, city, method, (year - base) as u32, &f, &a);
            }
        }
        base_years.push(base);
    }
    let rows = rows_of(cells);
    let mut names: BTreeMap<AreaCode, String> = history
        .counties
        .iter()
        .map(|c| (c.code.clone(), c.name.clone()))
        .collect();
    if let Some(city) = city {
        names.insert(
            city,
            if history.city_name.is_empty() {
                "全市".to_owned()
            } else {
                history.city_name.clone()
            },
        );
    }
    let shortfalls = shortfalls(&rows, &names);
    Ok(Backtest {
        base_years,
        rows,
        shortfalls,
    })
}

/// Where the cohort method's MAPE (public and private together) is not below
/// both baselines', per area, stage and lead, in Chinese.
pub fn shortfalls(rows: &[Accuracy], names: &BTreeMap<AreaCode, String>) -> Vec<String> {
    let mut out = Vec::new();
    let find = |r: &Accuracy, method: Method| {
        rows.iter().find(|o| {
            o.method == method
                && o.area == r.area
                && o.stage == r.stage
                && o.sector.is_none()
                && o.lead == r.lead
        })
    };
    for r in rows
        .iter()
        .filter(|r| r.method == Method::Cohort && r.sector.is_none())
    {
        let mut beaten_by = Vec::new();
        for method in [Method::CarryForward, Method::GradeProgression] {
            if let Some(other) = find(r, method) {
                if r.mape_pct >= other.mape_pct {
                    beaten_by.push(format!("{} {:.2}%", method.label_zh(), other.mape_pct));
                }
            }
        }
        if !beaten_by.is_empty() {
            let name = names.get(&r.area).map_or(r.area.as_str(), |n| n.as_str());
            out.push(format!(
                "{name} {} 提前{}年：队列要素法 MAPE {:.2}%，不低于 {}",
                r.stage.label_zh(),
                r.lead,
                r.mape_pct,
                beaten_by.join("、")
            ));
        }
    }
    out
}

/// The accuracy of a stored forecast against the history observed since:
/// every area, stage and sector, for the forecast's projected years that
/// `actual` has observed (method [`Method::Cohort`]).
pub fn accuracy_of(forecast: &Forecast, actual: &History) -> Vec<Accuracy> {
    let mut cells = Cells::new();
    let years = actual.years();
    let counties: Vec<&crate::CountyHistory> = actual
        .counties
        .iter()
        .filter(|c| forecast.areas.iter().any(|a| a.code == c.code))
        .collect();
    for area in &forecast.areas {
        let city = is_city(forecast, area);
        let members: Vec<&&crate::CountyHistory> =
            counties.iter().filter(|c| city || c.code == area.code).collect();
        for (stage, sf) in area.stages.iter().enumerate() {
            for sy in sf
                .years
                .iter()
                .filter(|y| !y.observed && y.year > forecast.base_year)
            {
                if !years.contains(&sy.year) || members.is_empty() {
                    continue;
                }
                let mut a = [0.0; 2];
                for c in &members {
                    if let Some(e) = c.enrolment.get(&sy.year) {
                        let sums = stage_sums(e);
                        a[0] += sums[stage][0];
                        a[1] += sums[stage][1];
                    }
                }
                let lead = (sy.year - forecast.base_year) as u32;
                let mut f = [[0.0; 2]; 4];
                let mut av = [[0.0; 2]; 4];
                f[stage] = sy.demand;
                av[stage] = a;
                // Only this stage's cell is meant; the others are dropped below.
                let mut one = Cells::new();
                add(&mut one, &area.code, Method::Cohort, lead, &f, &av);
                for (key, (fv, avv)) in one.into_iter().filter(|(k, _)| k.1 == stage) {
                    let cell = cells.entry(key).or_default();
                    cell.0.extend(fv);
                    cell.1.extend(avv);
                }
            }
        }
    }
    rows_of(cells)
}

/// The city area of a forecast is its first, when there are counties after it.
fn is_city(forecast: &Forecast, area: &crate::AreaForecast) -> bool {
    forecast.areas.len() > 1 && forecast.areas.first().is_some_and(|a| a.code == area.code)
}
