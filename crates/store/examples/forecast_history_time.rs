//! Times `ForecastStore::forecast_history` on a database (e.g. the full demo
//! city): `cargo run --release -p store --example forecast_history_time -- DB [RUNS]`.
//! Prints each run's time and the history's size.

use std::time::Instant;

use store::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let db = args.next().ok_or("usage: forecast_history_time DB [RUNS]")?;
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(3);
    let store = store::open(&store::DatabaseUrl::parse(&db))?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).ok_or("date")?;
    for i in 1..=runs {
        let started = Instant::now();
        let history = store.forecast_history(today)?;
        let took = started.elapsed();
        let students: f64 = history
            .counties
            .iter()
            .flat_map(|c| c.enrolment.values())
            .flatten()
            .flatten()
            .sum();
        println!(
            "run {i}: {:.3} s — {} counties, school years {:?}, {students} student-years, {} pipeline projects",
            took.as_secs_f64(),
            history.counties.len(),
            history.span(),
            history.pipeline.len()
        );
    }
    Ok(())
}
