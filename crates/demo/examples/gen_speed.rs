//! Times the demo city: `cargo run --release --example gen_speed -p demo -- [scale] [seed] [--no-rows]`.
//! Prints the time to build the city and to make each school year's rows
//! (skipped with `--no-rows`), and the summary.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let scale: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1.0);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let rows = args.next().as_deref() != Some("--no-rows");
    let config = demo::DemoConfig {
        scale,
        seed,
        ..demo::DemoConfig::default()
    };
    let started = Instant::now();
    let city = match demo::DemoCity::generate(&config) {
        Ok(city) => city,
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(1);
        }
    };
    println!("generate: {:.3} s", started.elapsed().as_secs_f64());
    let mut total = 0.0;
    for year in city.school_years().into_iter().filter(|_| rows) {
        let t = Instant::now();
        let changes = city.school_year(year);
        let seconds = t.elapsed().as_secs_f64();
        total += seconds;
        println!(
            "school_year {}: {:.3} s — schools {}, facilities {}, classes {}, students {}, teachers {}, population {}, births {}",
            year.0,
            seconds,
            changes.schools.len(),
            changes.facilities.len(),
            changes.classes.len(),
            changes.students.len(),
            changes.teachers.len(),
            changes.population.len(),
            changes.births.len()
        );
        let t = Instant::now();
        drop(changes);
        total += t.elapsed().as_secs_f64();
    }
    println!(
        "all school years: {total:.3} s; total {:.3} s",
        started.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let summary = city.summary();
    println!("summary: {:.3} s", t.elapsed().as_secs_f64());
    print!("{summary}");
}
