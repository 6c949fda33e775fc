//! 指标到校: each quota school's reserved seats split among junior schools
//! by the largest-remainder (Hamilton) method, exact in integers
//! (algorithms.md A2.1, oracle O7).

use serde::{Deserialize, Serialize};

use crate::model::Inputs;
use crate::policy::{Policy, Ratio};

/// One quota school's reserved seats and their split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuotaAllocation {
    /// Index into `Inputs::senior_schools`.
    pub senior: u32,
    /// `Q_x = ⌈share·q_x⌉`.
    pub seats: u32,
    /// One per junior school with a positive weight, in junior-school order.
    pub shares: Vec<QuotaShare>,
}

/// A junior school's part of one quota school's reserved seats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuotaShare {
    /// Index into `Inputs::junior_schools`.
    pub junior: u32,
    /// `w_j` = basis × factors, exact.
    pub weight: Ratio,
    /// `e_j = Q_x·w_j/Σw` as an exact fraction (numerator, denominator).
    pub exact: (u128, u128),
    /// Seats allotted: `⌊e_j⌋` or `⌈e_j⌉`.
    pub seats: u32,
}

/// Largest remainder: `seats` split in proportion to `weights`, exact.
/// Leftover seats go one each to the largest remainders; ties to the larger
/// weight, then to the smaller code. Σ result = `seats` when any weight is
/// positive (all zero: all zero); each result is ⌊e⌋ or ⌈e⌉.
pub fn apportion(seats: u32, weights: &[(Ratio, &str)]) -> Vec<u32> {
    unimplemented!("{seats} {weights:?}")
}

/// Every quota school's allocation under the policy (empty unless the
/// policy's form is `Reserved`).
pub fn allocate_quotas(inputs: &Inputs, policy: &Policy) -> Vec<QuotaAllocation> {
    unimplemented!("{} {}", inputs.year, policy.name)
}
