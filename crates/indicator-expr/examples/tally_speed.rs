//! Times `Definition::tally` on one demo year:
//! `cargo run --release --example tally_speed -p indicator-expr -- [scale] [year]`.
//! Prints the row counts, then per definition the number of aggregates, the
//! best of five tally times and the city value.

use std::time::Instant;

use indicator_expr::Definition;
use registry::snapshot::YearSnapshot;
use registry::SchoolYear;

const DEFINITIONS: [&str; 6] = [
    "share(classes where stage = junior and location = rural, size > 50)",
    "count(teachers where key_teacher_level >= county) / count(students where stage in (primary, junior)) * 100",
    "share(students where stage in (primary, junior) and screened, myopic) * 100",
    "count(students where migrant_child and location != urban and not boarder) / count(students) * 100",
    "avg(teachers.age where stage = junior and title >= senior) - avg(teachers.years_at_school)",
    "count(students where stage = preschool) / sum(population.children where age in (3, 4, 5)) * 100",
];

fn main() {
    let mut args = std::env::args().skip(1);
    let scale: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1.0);
    let year: u16 = args.next().and_then(|a| a.parse().ok()).unwrap_or(2024);
    let config = demo::DemoConfig {
        scale,
        first_year: SchoolYear(year),
        last_year: SchoolYear(year),
        ..demo::DemoConfig::default()
    };
    let city = match demo::DemoCity::generate(&config) {
        Ok(city) => city,
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(1);
        }
    };
    let snapshot = YearSnapshot::from_changes(&city.school_year(SchoolYear(year)));
    println!(
        "{}: {} schools, {} classes, {} students, {} teachers, {} population rows",
        snapshot.school_year.label_zh(),
        snapshot.schools.len(),
        snapshot.classes.len(),
        snapshot.students.len(),
        snapshot.teachers.len(),
        snapshot.population.len()
    );
    // The floor: a hand-written loop over the students, one test and one add per row.
    let mut best = f64::INFINITY;
    let mut per_school = vec![0.0; snapshot.schools.len()];
    for _ in 0..5 {
        let started = Instant::now();
        per_school.iter_mut().for_each(|v| *v = 0.0);
        for row in &snapshot.students {
            if matches!(row.stage, registry::Stage::Primary | registry::Stage::Junior) {
                if let Some(v) = per_school.get_mut(row.school as usize) {
                    *v += 1.0;
                }
            }
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "{:>7.2} ms  hand-written loop: primary and junior students ({})",
        best * 1000.0,
        per_school.iter().sum::<f64>()
    );
    for text in DEFINITIONS {
        let definition = match Definition::parse(text) {
            Ok(d) => d,
            Err(err) => {
                eprintln!("{text}: {err}");
                continue;
            }
        };
        let mut best = f64::INFINITY;
        let mut tally = definition.tally(&snapshot);
        for _ in 0..5 {
            let started = Instant::now();
            tally = definition.tally(&snapshot);
            best = best.min(started.elapsed().as_secs_f64());
        }
        let value = definition.evaluate(&tally.totals());
        println!(
            "{:>7.2} ms  {} aggregates  value {:?}  {}",
            best * 1000.0,
            definition.aggregates().len(),
            value.value,
            definition.describe_zh()
        );
    }
}
