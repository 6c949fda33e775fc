//! The engine alone on the demo city, best of several runs:
//! `cargo run --release -p indicators --example engine_speed -- [scale]`.

use std::time::Instant;

use indicators::{Computed, Level, Query, Rules};
use registry::snapshot::YearSnapshot;

fn main() {
    let scale: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let city = demo::DemoCity::generate(&demo::DemoConfig {
        scale,
        ..demo::DemoConfig::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let snapshots: Vec<YearSnapshot> = city
        .school_years()
        .into_iter()
        .map(|y| YearSnapshot::from_changes(&city.school_year(y)))
        .collect();
    let query = Query {
        levels: Level::ALL.to_vec(),
        by_grade: true,
        ..Query::default()
    };
    let (mut build, mut query_best, mut values) = (f64::MAX, f64::MAX, 0);
    for _ in 0..7 {
        let started = Instant::now();
        let computed = Computed::new(&snapshots, Rules::default());
        let built = started.elapsed().as_secs_f64();
        let v = computed.values(&query);
        let queried = started.elapsed().as_secs_f64() - built;
        build = build.min(built);
        query_best = query_best.min(queried);
        values = v.len();
    }
    println!(
        "{} years: tally and roll-up {:.1} ms, all values {:.1} ms ({values} values), best of 7",
        snapshots.len(),
        build * 1e3,
        query_best * 1e3
    );
}
