//! Times `apply` of a demo city's school years through SQLite and through
//! PostgreSQL (issue 13: a PostgreSQL import within 2× of SQLite's).
//!
//! ```text
//! EDUGOV_TEST_PG=postgres://postgres@127.0.0.1:55432 \
//!     cargo run -p store --example import_timing -- 0.05 [database]
//! ```
//!
//! Creates (and drops) the database (`import_timing` unless named) under
//! that server and a temporary SQLite file; prints seconds per school year
//! and in all.

use std::time::{Duration, Instant};

use store::prelude::*;
use store::{ApplyOptions, DatabaseUrl};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scale: f64 = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(0.05);
    let base = std::env::var("EDUGOV_TEST_PG").map_err(|_| "EDUGOV_TEST_PG is not set")?;
    let base = base.trim_end_matches('/');
    let database = std::env::args().nth(2).unwrap_or_else(|| "import_timing".into());
    if !database.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err("the database name may hold only letters, digits and _".into());
    }
    let city = demo::DemoCity::generate(&demo::DemoConfig {
        scale,
        ..demo::DemoConfig::default()
    })?;
    let years: Vec<_> = city
        .school_years()
        .into_iter()
        .map(|y| (y, city.school_year(y)))
        .collect();
    let rows: usize = years.iter().map(|(_, c)| c.len()).sum();
    println!(
        "demo city at scale {scale}: {} school years, {rows} rows",
        years.len()
    );

    let dir = tempfile::tempdir()?;
    let sqlite_url = DatabaseUrl::parse(&dir.path().join("timing.db").display().to_string());
    let mut admin = postgres::Client::connect(&format!("{base}/postgres"), postgres::NoTls)?;
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))?;
    admin.batch_execute(&format!("CREATE DATABASE {database}"))?;
    let pg_url = DatabaseUrl::parse(&format!("{base}/{database}"));

    let options = ApplyOptions {
        check_class_sizes: true,
        ..ApplyOptions::default()
    };
    for (label, url) in [("SQLite", &sqlite_url), ("PostgreSQL", &pg_url)] {
        let started = Instant::now();
        let mut store = store::open(url)?;
        let opened = started.elapsed();
        let mut total = Duration::ZERO;
        let mut each = Vec::new();
        for (year, changes) in &years {
            let started = Instant::now();
            store.apply(changes, options, &mut |_, _| {})?;
            let took = started.elapsed();
            total += took;
            each.push(format!("{}: {:.2}s", year.0, took.as_secs_f64()));
        }
        // Again: every row already stored (a re-import).
        let started = Instant::now();
        for (_, changes) in &years {
            store.apply(changes, options, &mut |_, _| {})?;
        }
        let again = started.elapsed();
        println!(
            "{label:<10} open (new database) {:.2}s; import {:.2}s [{}]; re-import {:.2}s",
            opened.as_secs_f64(),
            total.as_secs_f64(),
            each.join(", "),
            again.as_secs_f64()
        );
    }
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))?;
    Ok(())
}
