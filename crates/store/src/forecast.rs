//! The school-place forecast (`forecast`) in the store: the observed
//! history the engine reads, aggregated in SQL, and the forecast runs kept
//! whole so that next year's accuracy is computed from them, not estimated.
//!
//! [`ForecastStore::forecast_history`] answers what
//! `forecast::History::from_snapshots` builds from year snapshots (the
//! contract tests hold the two equal), but each backend groups the
//! enrolment by school year, school, stage and grade in SQL: a few
//! thousand rows come back for a city's 1.3 million students a year, never
//! the students themselves. The rest — seats of the schools open that year,
//! classes, the population register by county and age, births, the
//! pipeline — is written once here for both backends.
//!
//! Runs are immutable: saved with an audit line, listed, read; no update or
//! delete (the tables' triggers refuse both).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use forecast::history::{pipeline, CountyHistory};
use forecast::{grade_index, sector_index, stage_index, History, AGES, FORECAST_STAGES, GRADES};
use registry::snapshot::AreaRef;
use registry::{AreaCode, AreaLevel, Ownership, SchoolCode, Stage};

use crate::{Result, StoreError};

/// A stored forecast run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct ForecastRunId(pub i64);

impl std::fmt::Display for ForecastRunId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A stored run as listed: what it is, without its body.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ForecastRunSummary {
    pub id: ForecastRunId,
    pub label: String,
    pub made_at: NaiveDateTime,
    pub made_by: String,
    /// The last observed school year the run projected from.
    pub base_year: i32,
    /// The last school year projected.
    pub until: i32,
    /// Its scenarios' names, in order.
    pub scenarios: Vec<String>,
    /// The stored body's size in bytes.
    pub bytes: u64,
}

/// A run's body (the whole `forecast::Run` as JSON) at most: a city's run
/// with five scenarios and its backtest is a few MB, a province's some
/// tens; a bound keeps a hostile or runaway one out of the database.
pub const MAX_RUN_BYTES: usize = 64 * 1024 * 1024;

/// A run's label at most, in characters.
pub const MAX_LABEL_CHARS: usize = 200;

/// The forecast's reads and its runs.
pub trait ForecastStore {
    /// The registry's history as the forecast reads it, for the day
    /// `as_of` (which projects are in use): every stored school year,
    /// births and construction projects, aggregated in SQL. Equal to
    /// `History::from_snapshots` over the same data.
    fn forecast_history(&self, as_of: NaiveDate) -> Result<History>;

    /// Stores a run whole (label, when and by whom it was made, its base
    /// year, horizon and scenarios beside the body) with an audit line by
    /// `actor`, in one transaction. A label empty or over
    /// [`MAX_LABEL_CHARS`], or a body over [`MAX_RUN_BYTES`], is refused
    /// before anything is written.
    fn save_forecast_run(&mut self, run: &forecast::Run, actor: &str) -> Result<ForecastRunId>;

    /// Every stored run, newest first (by when it was made), without bodies.
    fn forecast_runs(&self) -> Result<Vec<ForecastRunSummary>>;

    /// A stored run, as it was saved.
    fn forecast_run(&self, id: ForecastRunId) -> Result<Option<forecast::Run>>;

    /// Writes a run with its id as another database holds it, without an
    /// audit line (for `edugov copy`: the audit log is copied on its own).
    fn restore_forecast_run(&mut self, id: ForecastRunId, run: &forecast::Run) -> Result<()>;
}

// ---------------------------------------------------------------------------
// Backend-neutral halves: the rows each backend's SQL returns, the history
// built from them, and a run's columns.

/// The stage codes the forecast reads, for the backends' `IN (…)` lists.
pub(crate) const STAGE_CODES_SQL: &str = "('preschool', 'primary', 'junior', 'senior')";

/// What a backend's aggregate queries return.
#[derive(Debug, Default)]
pub(crate) struct Aggregates {
    /// Counties of the registered schools, code and name (empty when the
    /// area table lacks it), and the city's name.
    pub counties: Vec<(String, String)>,
    pub city_name: String,
    /// Every school: id, code, county code, ownership code.
    pub schools: Vec<(i64, String, String, String)>,
    /// Stages served, forecast stages only: school id, stage code, seats.
    pub school_stages: Vec<(i64, String, i64)>,
    /// Students: school year, school id, stage code, grade, count.
    pub enrolment: Vec<(i32, i64, String, i32, i64)>,
    /// Classes: school year, school id, stage code, count.
    pub classes: Vec<(i32, i64, String, i64)>,
    /// Population register: school year, county code (the township's
    /// first six digits), age (≤ 18), children.
    pub population: Vec<(i32, String, i32, i64)>,
    /// Births: calendar year, county code, births.
    pub births: Vec<(i32, String, i64)>,
}

/// The city of a registry: the first school's county's city (as the
/// snapshots say it).
pub(crate) fn city_of(counties: &[(String, String)]) -> Option<AreaCode> {
    counties
        .first()
        .and_then(|(code, _)| AreaCode::parse(code).ok())
        .and_then(|c| c.ancestor(AreaLevel::City))
}

fn stage(code: &str) -> Result<Stage> {
    Stage::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("学段“{code}”无法识别")))
}

fn count(n: i64) -> f64 {
    // Counts of rows: far below 2^53, exact in f64.
    n as f64
}

/// Builds the history from the aggregates and the projects, as
/// `History::from_snapshots` does from snapshots.
pub(crate) fn history_from(
    aggregates: Aggregates,
    projects: &[plans::Project],
    as_of: NaiveDate,
) -> Result<History> {
    let counties: Vec<AreaRef> = aggregates
        .counties
        .iter()
        .map(|(code, name)| {
            Ok(AreaRef {
                code: crate::plans::area(code)?,
                name: name.clone(),
            })
        })
        .collect::<Result<_>>()?;
    let mut history = History::empty(city_of(&aggregates.counties), &aggregates.city_name, &counties);
    let index: HashMap<String, usize> = history
        .counties
        .iter()
        .enumerate()
        .map(|(i, c)| (c.code.as_str().to_owned(), i))
        .collect();

    struct SchoolInfo {
        code: String,
        county: Option<usize>,
        sector: usize,
        /// Seats per forecast stage, `None` where the school does not serve it.
        seats: [Option<i64>; 4],
    }
    let mut schools: HashMap<i64, SchoolInfo> = HashMap::new();
    for (id, code, county, ownership) in aggregates.schools {
        let ownership = Ownership::from_code(&ownership)
            .ok_or_else(|| StoreError::Corrupt(format!("办学性质“{ownership}”无法识别")))?;
        schools.insert(
            id,
            SchoolInfo {
                code,
                county: index.get(&county).copied(),
                sector: sector_index(ownership),
                seats: [None; 4],
            },
        );
    }
    for (id, code, seats) in &aggregates.school_stages {
        if let (Some(school), Some(at)) = (schools.get_mut(id), stage_index(stage(code)?)) {
            school.seats[at] = Some(*seats);
        }
    }

    // Students by county and year; which schools are open for which stage.
    let mut enrolment: BTreeMap<(usize, i32), [forecast::ByGrade; 2]> = BTreeMap::new();
    let mut open: BTreeSet<(i32, i64, usize)> = BTreeSet::new();
    for (year, school_id, stage_code, grade, n) in &aggregates.enrolment {
        let Some(at) = stage_index(stage(stage_code)?) else {
            continue;
        };
        let Some(school) = schools.get(school_id) else {
            continue;
        };
        let Some(county) = school.county else {
            continue;
        };
        open.insert((*year, *school_id, at));
        let grade = (*grade).clamp(-2, 12) as i8;
        enrolment.entry((county, *year)).or_insert([[0.0; GRADES]; 2])[school.sector][grade_index(grade)] +=
            count(*n);
    }
    let mut seats: BTreeMap<(usize, i32), [[f64; 2]; 4]> = BTreeMap::new();
    for (year, school_id, at) in &open {
        let Some(school) = schools.get(school_id) else {
            continue;
        };
        if let (Some(county), Some(n)) = (school.county, school.seats[*at]) {
            seats.entry((county, *year)).or_insert([[0.0; 2]; 4])[*at][school.sector] += count(n);
        }
    }
    let mut classes: BTreeMap<(usize, i32), [f64; 4]> = BTreeMap::new();
    for (year, school_id, stage_code, n) in &aggregates.classes {
        let (Some(at), Some(county)) = (
            stage_index(stage(stage_code)?),
            schools.get(school_id).and_then(|s| s.county),
        ) else {
            continue;
        };
        classes.entry((county, *year)).or_insert([0.0; 4])[at] += count(*n);
    }
    for ((county, year), grades) in enrolment {
        let target: &mut CountyHistory = &mut history.counties[county];
        target.enrolment.insert(year, grades);
        target
            .seats
            .insert(year, seats.get(&(county, year)).copied().unwrap_or([[0.0; 2]; 4]));
        target
            .classes
            .insert(year, classes.get(&(county, year)).copied().unwrap_or([0.0; 4]));
    }
    for (year, county, age, children) in &aggregates.population {
        let (Some(&county), Ok(age)) = (index.get(county), usize::try_from(*age)) else {
            continue;
        };
        if age < AGES {
            history.counties[county]
                .population
                .entry(*year)
                .or_insert([0.0; AGES])[age] += count(*children);
        }
    }
    for (year, county, births) in &aggregates.births {
        if let Some(&county) = index.get(county) {
            *history.counties[county].births.entry(*year).or_default() += count(*births);
        }
    }

    let last_year = history.years().last().copied();
    let operating: BTreeSet<(SchoolCode, Stage)> = open
        .iter()
        .filter(|(year, _, _)| Some(*year) == last_year)
        .filter_map(|(_, id, at)| {
            let school = schools.get(id)?;
            school.seats[*at]?;
            Some((SchoolCode::parse(&school.code).ok()?, FORECAST_STAGES[*at]))
        })
        .collect();
    history.pipeline = pipeline(&history.counties, projects, as_of, last_year, |school, stage| {
        operating.contains(&(school.clone(), stage))
    });
    Ok(history)
}

/// A run's columns beside its body.
pub(crate) struct RunColumns {
    pub label: String,
    pub made_at: NaiveDateTime,
    pub made_by: String,
    pub base_year: i32,
    pub until: i32,
    /// The scenarios' names, one per line.
    pub scenarios: String,
    pub body: String,
}

/// Checks a run and lays out its columns: the label trimmed and bounded,
/// the body within [`MAX_RUN_BYTES`].
pub(crate) fn run_columns(run: &forecast::Run) -> Result<RunColumns> {
    let label = run.label.trim();
    if label.is_empty() {
        return Err(StoreError::InvalidForecastRun("预测记录须有名称".into()));
    }
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(StoreError::InvalidForecastRun(format!(
            "名称超过 {MAX_LABEL_CHARS} 个字"
        )));
    }
    // Shown on pages, in workbooks, the audit log and terminals: no control
    // characters (escape sequences; NUL, which PostgreSQL refuses) and no
    // bidi overrides (a label that reads backwards).
    if let Some(c) = label.chars().find(|c| label_refuses(*c)) {
        return Err(StoreError::InvalidForecastRun(format!(
            "名称含控制字符 U+{:04X}",
            u32::from(c)
        )));
    }
    let body = serde_json::to_string(run).map_err(|e| StoreError::InvalidForecastRun(e.to_string()))?;
    if body.len() > MAX_RUN_BYTES {
        return Err(StoreError::InvalidForecastRun(format!(
            "内容 {} 字节，超过上限 {MAX_RUN_BYTES} 字节",
            body.len()
        )));
    }
    let base_year = run
        .forecasts
        .first()
        .map(|f| f.base_year)
        .or_else(|| run.history.span().map(|(_, last)| last))
        .unwrap_or(0);
    let until = run
        .forecasts
        .iter()
        .map(|f| f.until)
        .max()
        .or_else(|| run.scenarios.iter().map(|s| s.until).max())
        .unwrap_or(base_year);
    Ok(RunColumns {
        label: label.to_owned(),
        made_at: run.made_at,
        made_by: run.made_by.clone(),
        base_year,
        until,
        scenarios: run
            .scenarios
            .iter()
            .map(|s| s.name.replace('\n', " "))
            .collect::<Vec<_>>()
            .join("\n"),
        body,
    })
}

/// A character a run's label may not hold: a control character or one of
/// Unicode's explicit bidirectional formatting characters.
pub fn label_refuses(c: char) -> bool {
    c.is_control() || registry::text::is_bidi_control(c)
}

/// The audit line of a saved run (no personal data: a label and figures).
pub(crate) fn run_audit_detail(id: ForecastRunId, columns: &RunColumns) -> String {
    format!(
        "学位预测“{}”（编号 {id}，基年 {}，预测至 {}，{} 个方案）",
        columns.label,
        columns.base_year,
        columns.until,
        columns.scenarios.lines().count()
    )
}

/// A stored body read back.
pub(crate) fn run_from_body(id: i64, body: &str) -> Result<forecast::Run> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("学位预测记录 {id}：{e}")))
}

pub(crate) fn scenario_names(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

/// A run's time as both backends keep it: to the microsecond.
pub(crate) fn micros(at: NaiveDateTime) -> NaiveDateTime {
    use chrono::SubsecRound;
    at.trunc_subsecs(6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(label: &str) -> forecast::Run {
        forecast::Run {
            label: label.to_owned(),
            made_at: NaiveDate::from_ymd_opt(2026, 12, 1)
                .and_then(|d| d.and_hms_opt(8, 0, 0))
                .unwrap_or_default(),
            made_by: "test".to_owned(),
            history: History::empty(None, "", &[]),
            scenarios: Vec::new(),
            forecasts: Vec::new(),
            backtest: None,
        }
    }

    /// A label with an escape sequence, a NUL (PostgreSQL refuses it: a
    /// server error instead of a refusal) or a bidi override reached the
    /// runs' list, the audit log and the workbook as it was.
    #[test]
    fn labels_with_control_or_bidi_characters_are_refused() {
        for label in [
            "a\u{1b}[31mb",
            "a\u{0}b",
            "abc\u{202e}exe.txt",
            "a\r\nb",
            "a\u{7f}",
        ] {
            let refused = run_columns(&run(label)).err().map(|e| e.to_string());
            assert!(
                refused.as_deref().is_some_and(|e| e.contains("控制字符")),
                "{label:?}: {refused:?}"
            );
        }
        assert!(run_columns(&run(" 2026年学位预测（含新城区） ")).is_ok());
    }
}
