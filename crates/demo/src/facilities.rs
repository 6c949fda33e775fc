//! School facilities per year, the figures the 优质均衡 assessment counts
//! (rules.md): teaching floor area, sports grounds, equipment value and
//! networked multimedia classrooms.
//!
//! Buildings are sized for a school's seats at a design standard per seat
//! set a little above the assessment's thresholds, times the county's level
//! and the school's own factor (spread differently by county). Crowded
//! schools, with more students than seats, fall below the thresholds per
//! student; so do schools of poorly equipped counties. Equipment is bought
//! every year; growing schools extend their buildings.

use registry::{SchoolFacility, SchoolYear, Stage};

use crate::classes::class_count;
use crate::cohorts::Cohorts;
use crate::schools::{grades, stage_index, SchoolPlan};

/// Design standard per seat: (floor m², sports m², equipment yuan).
/// 优质均衡 thresholds per student are primary 4.5 / 7.5 / 2,000 and junior
/// 5.8 / 10.2 / 2,500; kindergarten and senior figures are assumptions.
const PER_SEAT: [(f64, f64, f64); 4] = [
    (7.0, 4.0, 900.0),    // preschool
    (5.4, 8.6, 2_400.0),  // primary
    (6.8, 11.6, 3_000.0), // junior
    (8.0, 12.5, 4_200.0), // senior
];

/// The facility rows of a school year, one per school open that year (a
/// school not yet opened or closed reports none).
pub(crate) fn facility_rows(
    plans: &[SchoolPlan],
    cohorts: &Cohorts,
    first: u16,
    year: u16,
) -> Vec<SchoolFacility> {
    let since = f64::from(year.saturating_sub(first));
    plans
        .iter()
        .enumerate()
        .filter(|(_, plan)| plan.operating(i32::from(year)))
        .map(|(index, plan)| {
            let (mut floor, mut sports, mut equipment) = (0.0, 0.0, 0.0);
            let mut classes = 0usize;
            for (stage, seats) in &plan.record.seats {
                let (f, s, e) = PER_SEAT.get(stage_index(*stage)).copied().unwrap_or(PER_SEAT[1]);
                let seats = f64::from(*seats);
                floor += seats * f;
                sports += seats * s;
                equipment += seats * e;
                classes += classes_in(plan, index, *stage, cohorts, year);
            }
            let factors = plan.facilities;
            let extension = if plan.growth > 1.02 {
                1.0 + 0.04 * since
            } else {
                1.0
            };
            SchoolFacility {
                school_year: SchoolYear(year),
                school: plan.record.code.clone(),
                teaching_floor_area: (floor * factors.floor * extension).round(),
                sports_ground_area: (sports * factors.sports).round(),
                equipment_value: (equipment * factors.equipment * 1.05f64.powf(since) / 100.0).round()
                    * 100.0,
                multimedia_classrooms: (classes as f64 * 1.05 * factors.multimedia * (1.0 + 0.04 * since))
                    .round() as u32,
            }
        })
        .collect()
}

fn classes_in(plan: &SchoolPlan, index: usize, stage: Stage, cohorts: &Cohorts, year: u16) -> usize {
    let Some(roster) = cohorts.roster(index, stage, year) else {
        return 0;
    };
    grades(stage)
        .map(|g| {
            class_count(
                plan,
                stage,
                g,
                year,
                roster.cohort(i32::from(year) - i32::from(g) + 1).len(),
            )
        })
        .sum()
}
