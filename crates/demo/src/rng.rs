//! Randomness derived from the configured seed.
//!
//! Structure (schools, cohorts, teachers) is drawn from `ChaCha8Rng` streams,
//! one per idea and county or school, so a stream never depends on how much
//! another one consumed. Per-row details of a school year (screening,
//! acuity) come from a stateless hash of the seed and the row's identity, so
//! `school_year` gives the same rows whatever order the years are asked in.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Stream tags: one per idea, so that two ideas never share a stream.
pub(crate) mod stream {
    pub const PLACES: u64 = 1;
    pub const NAMES: u64 = 2;
    pub const SCHOOLS: u64 = 3;
    pub const PERSONS: u64 = 4;
    pub const SEATS: u64 = 5;
    pub const TEACHERS: u64 = 6;
    pub const GROUPS: u64 = 7;
    pub const SCREENING: u64 = 8;
    // 9 was the population register's jitter, gone since the register counts the children living there.
    pub const OPENINGS: u64 = 10;
    pub const CLOSURES: u64 = 11;
    pub const MOVES: u64 = 12;
    pub const MOVE_SCHOOL: u64 = 13;
    pub const ADMISSION: u64 = 14;
    pub const ADMISSION_LISTS: u64 = 15;
}

/// SplitMix64's finaliser: a cheap, well-mixed 64-bit permutation.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of the seed and a path of identifiers.
pub(crate) fn hash(seed: u64, parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(mix64(seed), |acc, part| mix64(acc ^ mix64(*part)))
}

/// A generator for one stream, e.g. `rng_for(seed, &[stream::PERSONS, county, cohort])`.
pub(crate) fn rng_for(seed: u64, parts: &[u64]) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(hash(seed, parts))
}

/// A hash mapped to [0, 1).
pub(crate) fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// A standard normal draw (Box–Muller; rand 0.9 without `rand_distr`).
pub(crate) fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A log-normal factor with median 1 and the given spread (σ of the log).
pub(crate) fn spread(rng: &mut ChaCha8Rng, sigma: f64) -> f64 {
    (normal(rng) * sigma).exp()
}

/// Uniform in [low, high).
pub(crate) fn between(rng: &mut ChaCha8Rng, low: f64, high: f64) -> f64 {
    low + (high - low) * rng.random::<f64>()
}

/// Picks an index by weight; `weights` must not be empty (returns 0 if it is).
pub(crate) fn pick_weighted(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut target = rng.random::<f64>() * total;
    for (index, weight) in weights.iter().enumerate() {
        if target < *weight {
            return index;
        }
        target -= weight;
    }
    weights.len().saturating_sub(1)
}

/// Weighted choice over a fixed set, by binary search on cumulative weights.
#[derive(Debug, Clone, Default)]
pub(crate) struct Picker {
    items: Vec<u32>,
    cumulative: Vec<f64>,
}

impl Picker {
    pub fn new(entries: impl IntoIterator<Item = (u32, f64)>) -> Picker {
        let mut picker = Picker::default();
        let mut total = 0.0;
        for (item, weight) in entries {
            if weight > 0.0 {
                total += weight;
                picker.items.push(item);
                picker.cumulative.push(total);
            }
        }
        picker
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn total(&self) -> f64 {
        self.cumulative.last().copied().unwrap_or(0.0)
    }

    /// The item whose cumulative band holds `u` ∈ [0, 1); `None` when empty.
    pub fn pick(&self, u: f64) -> Option<u32> {
        let target = u * self.total();
        let index = self.cumulative.partition_point(|c| *c <= target);
        self.items
            .get(index.min(self.items.len().saturating_sub(1)))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_path_gives_the_same_stream_and_a_different_path_another() {
        let a: u64 = rng_for(42, &[stream::PERSONS, 3, 2019]).random();
        let b: u64 = rng_for(42, &[stream::PERSONS, 3, 2019]).random();
        let c: u64 = rng_for(42, &[stream::PERSONS, 3, 2020]).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn picker_follows_weights_and_skips_zero_weights() {
        let picker = Picker::new([(7, 1.0), (8, 0.0), (9, 3.0)]);
        assert_eq!(picker.pick(0.1), Some(7));
        assert_eq!(picker.pick(0.5), Some(9));
        assert_eq!(picker.pick(0.999), Some(9));
        assert_eq!(Picker::new([]).pick(0.5), None);
    }
}
