//! Shared helpers: the demo city as a forecast history, through
//! `History::from_snapshots` (what the store's aggregation is held equal to).

use demo::{DemoCity, DemoConfig};
use forecast::History;
use registry::snapshot::YearSnapshot;

/// The demo city at `scale` as a forecast history (no construction projects:
/// the demo's pipeline is its own change).
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
    let last = snapshots.last().expect("a year");
    let as_of = chrono::NaiveDate::from_ymd_opt(i32::from(last.school_year.0) + 1, 7, 31).expect("date");
    History::from_snapshots(
        last.city.clone(),
        city.city_name(),
        &last.counties.clone(),
        &snapshots,
        &births,
        &[],
        as_of,
    )
}
