//! Capacity with the pipeline and closures; gap, peak, classes needed (B4,
//! F5). A county's capacity in a projected year is its last observed seats,
//! plus the construction projects in use by then (those already in use at
//! the base year are in the observed seats), minus the closures.

use registry::{AreaCode, Stage};

use crate::model::{Peak, StageForecast, StageYear, YearGap};
use crate::scenario::Closure;
use crate::PipelineProject;

/// 大班额: 56 or more students in a class (rules.md, 国办 2016–2018
/// 城乡义务教育一体化 documents).
pub const LARGE_CLASS: f64 = 56.0;

/// Seats added by the pipeline and taken by closures in `year`, for one
/// county and stage, projecting from `base_year`.
pub fn changes(
    county: &AreaCode,
    stage: Stage,
    base_year: i32,
    year: i32,
    pipeline: &[PipelineProject],
    closures: &[Closure],
) -> (f64, f64) {
    let added = pipeline
        .iter()
        .filter(|p| &p.county == county && p.stage == stage && p.from_year <= year)
        // In use by the base year: already in the observed seats.
        .filter(|p| !(p.in_use && p.from_year <= base_year))
        .map(|p| f64::from(p.seats))
        .sum();
    let closed = closures
        .iter()
        .filter(|c| &c.county == county && c.stage == stage && c.from_year <= year && c.from_year > base_year)
        .map(|c| f64::from(c.seats))
        .sum();
    (added, closed)
}

/// A year's capacity and what the pipeline and closures did to it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Seats {
    pub capacity: f64,
    pub pipeline: f64,
    pub closed: f64,
}

/// One year of one stage. `classes` are the registry's classes (observed
/// years only), kept beside the figures; the mean class size is always
/// demand over the classes the seats hold at the standard size, observed
/// and projected years alike, so the series has no break at the base year
/// (the registry's own mean class size is the indicators' business).
pub fn stage_year(
    year: i32,
    observed: bool,
    demand: [f64; 2],
    seats: Seats,
    class_size: u32,
    classes: Option<f64>,
) -> StageYear {
    let Seats {
        capacity,
        pipeline: pipeline_seats,
        closed: closed_seats,
    } = seats;
    let size = f64::from(class_size.max(1));
    let total = demand[0] + demand[1];
    let classes_available = (capacity.max(0.0) / size).floor() as u32;
    StageYear {
        year,
        observed,
        demand,
        capacity,
        pipeline_seats,
        closed_seats,
        gap: total - capacity,
        classes_needed: (total.max(0.0) / size).ceil() as u32,
        classes_available,
        classes_in_use: classes.filter(|c| *c > 0.0).map(|c| c.round() as u32),
        mean_class_size: if classes_available > 0 {
            total / f64::from(classes_available)
        } else {
            0.0
        },
    }
}

/// The stage over its years: the peak (入学高峰) over every year, observed
/// and projected — a stage whose demand only falls from now on has its peak
/// behind it, and saying "next year" would be false —, the worst gap and the
/// largest surplus among the projected years (the observed ones when none is).
pub fn summarize(stage: Stage, class_size: u32, years: Vec<StageYear>) -> StageForecast {
    let projected: Vec<&StageYear> = {
        let p: Vec<&StageYear> = years.iter().filter(|y| !y.observed).collect();
        if p.is_empty() {
            years.iter().collect()
        } else {
            p
        }
    };
    let mut peak = Peak {
        year: years.first().map_or(0, |y| y.year),
        demand: f64::NEG_INFINITY,
    };
    let mut peak_observed = false;
    for y in &years {
        // Strictly greater: the earliest year wins a tie.
        if y.total() > peak.demand {
            peak = Peak {
                year: y.year,
                demand: y.total(),
            };
            peak_observed = y.observed;
        }
    }
    let mut worst_gap: Option<YearGap> = None;
    let mut largest_surplus: Option<YearGap> = None;
    for y in &projected {
        if y.gap > 0.0 && worst_gap.is_none_or(|w| y.gap > w.gap) {
            worst_gap = Some(YearGap {
                year: y.year,
                gap: y.gap,
            });
        }
        if y.gap < 0.0 && largest_surplus.is_none_or(|w| y.gap < w.gap) {
            largest_surplus = Some(YearGap {
                year: y.year,
                gap: y.gap,
            });
        }
    }
    if !peak.demand.is_finite() {
        peak.demand = 0.0;
    }
    let peak_passed = peak_observed && projected.iter().any(|y| !y.observed);
    StageForecast {
        stage,
        class_size,
        years,
        peak,
        peak_passed,
        worst_gap,
        largest_surplus,
    }
}

/// The city's stage from its counties': demand, capacity, pipeline,
/// closures and classes summed year by year (each county needs its own
/// classes), mean class size recomputed.
pub fn aggregate(stage: Stage, class_size: u32, counties: &[&StageForecast]) -> StageForecast {
    let mut years: Vec<StageYear> = Vec::new();
    if let Some(first) = counties.first() {
        for (i, y) in first.years.iter().enumerate() {
            let mut sum = StageYear {
                classes_needed: 0,
                classes_available: 0,
                classes_in_use: None,
                mean_class_size: 0.0,
                ..y.clone()
            };
            sum.demand = [0.0, 0.0];
            sum.capacity = 0.0;
            sum.pipeline_seats = 0.0;
            sum.closed_seats = 0.0;
            sum.gap = 0.0;
            for c in counties {
                let Some(cy) = c.years.get(i) else { continue };
                sum.demand[0] += cy.demand[0];
                sum.demand[1] += cy.demand[1];
                sum.capacity += cy.capacity;
                sum.pipeline_seats += cy.pipeline_seats;
                sum.closed_seats += cy.closed_seats;
                sum.gap += cy.gap;
                // Saturating: a steep trend to 2060 can leave a county's
                // classes at u32::MAX (the f64 → u32 cast saturates); the
                // city's sum must not overflow.
                sum.classes_needed = sum.classes_needed.saturating_add(cy.classes_needed);
                sum.classes_available = sum.classes_available.saturating_add(cy.classes_available);
                if let Some(c) = cy.classes_in_use {
                    sum.classes_in_use = Some(sum.classes_in_use.unwrap_or(0).saturating_add(c));
                }
            }
            if sum.classes_available > 0 {
                sum.mean_class_size = sum.total() / f64::from(sum.classes_available);
            }
            years.push(sum);
        }
    }
    summarize(stage, class_size, years)
}

/// True when a year's mean class size reaches 大班额 (≥ 56).
pub fn large_class_risk(year: &StageYear) -> bool {
    year.mean_class_size >= LARGE_CLASS
}
