//! B1's invariant over random inputs (a small deterministic generator):
//! with s = 1, M = 0, B = 0 the total is conserved except the oldest age
//! leaving; with M = 0 the total never rises except through births; and the
//! migration residual of a transition reproduces it exactly.

use forecast::model::AGES;
use forecast::population::{residual, step};
use forecast::scenario::{MigrationTiming, Survival};

/// A linear congruential generator (Knuth's MMIX constants): deterministic,
/// no dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn population(&mut self) -> [f64; AGES] {
        std::array::from_fn(|_| (self.next() * 5000.0).floor())
    }
}

const TIMINGS: [MigrationTiming; 2] = [MigrationTiming::EndOfPeriod, MigrationTiming::HalfHalf];

#[test]
fn closed_population_without_births_keeps_everyone_but_the_oldest() {
    let mut rng = Lcg(15);
    let s = Survival {
        first_year: 1.0,
        by_age: vec![1.0; AGES - 1],
        source: String::new(),
    };
    for _ in 0..500 {
        let pop = rng.population();
        for timing in TIMINGS {
            let next = step(&pop, 0.0, &s, &[0.0; AGES], timing);
            let before: f64 = pop.iter().sum();
            let after: f64 = next.iter().sum();
            assert!(
                (after - (before - pop[AGES - 1])).abs() < 1e-6,
                "{before} → {after}"
            );
            // Every cohort moved up one age unchanged.
            for a in 0..AGES - 1 {
                assert_eq!(next[a + 1], pop[a]);
            }
        }
    }
}

#[test]
fn without_migration_only_births_add_people() {
    let mut rng = Lcg(2026);
    for _ in 0..500 {
        let by_age: Vec<f64> = (0..AGES - 1).map(|_| 0.9 + 0.1 * rng.next()).collect();
        let s = Survival {
            first_year: 0.9 + 0.1 * rng.next(),
            by_age,
            source: String::new(),
        };
        let mut pop = rng.population();
        let births = rng.next() * 3000.0;
        for timing in TIMINGS {
            for _ in 0..20 {
                let next = step(&pop, births, &s, &[0.0; AGES], timing);
                let rise = next.iter().sum::<f64>() - pop.iter().sum::<f64>();
                assert!(
                    rise <= s.first_year * births + 1e-6,
                    "rose by {rise} with births {births}"
                );
                pop = next;
            }
        }
    }
}

#[test]
fn residual_migration_reproduces_the_observed_year() {
    let mut rng = Lcg(7);
    for _ in 0..300 {
        let by_age: Vec<f64> = (0..AGES - 1).map(|_| 0.99 + 0.01 * rng.next()).collect();
        let s = Survival {
            first_year: 0.995,
            by_age,
            source: String::new(),
        };
        let (from, to) = (rng.population(), rng.population());
        let newborns = rng.next() * 4000.0;
        for timing in TIMINGS {
            let m = residual(&from, &to, newborns, &s, timing);
            let again = step(&from, newborns, &s, &m, timing);
            for a in 0..AGES {
                assert!(
                    (again[a] - to[a]).abs() < 1e-6,
                    "{timing:?} age {a}: {} ≠ {}",
                    again[a],
                    to[a]
                );
            }
        }
    }
}
