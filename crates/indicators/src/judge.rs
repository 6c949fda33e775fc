//! A value against a line: the policy line from the rules (大班额 0, 普惠
//! 85 %, CV ≤ 0.50) or a work plan's target. Gives met / not met and how far.
//!
//! Judged on the value itself, not on its rounding (issue 12): 0.9967 key
//! teachers per 100 pupils is *not* met against a line of 1, though a report
//! shows it as 1.00. No rule edugov follows says the official method rounds
//! first — `shared/domain/rules.md` (优质均衡, rounding) gives the digits values
//! are *published* with (school values 2, CV 3) and leaves open whether the
//! test compares the rounded CV, so the unrounded one is compared. Each
//! definition in the catalogue says so. The gap is shown with enough digits
//! that a "not met" never reads as a gap of 0 ([`gap_digits`]).

use crate::catalogue::{Direction, Indicator};

/// Floating-point noise allowed when a value is compared with its line: a
/// value that is mathematically on the line (7 ÷ 700 × 100 against 1) may
/// come out a few units in the last place under it. Relative to the line
/// (at least 1), far below any difference counts and areas can make.
pub const TOLERANCE: f64 = 1e-9;

/// Digits a gap may be shown with at most (beyond [`TOLERANCE`] it is 0).
pub const MAX_GAP_DIGITS: usize = 9;

/// Which side of the line is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    AtLeast,
    AtMost,
}

impl Comparison {
    /// Neutral indicators (utilisation, shares of context) are judged as
    /// "at least" when a plan sets a target for them.
    pub fn of(direction: Direction) -> Comparison {
        match direction {
            Direction::LowerIsBetter => Comparison::AtMost,
            Direction::HigherIsBetter | Direction::Neutral => Comparison::AtLeast,
        }
    }
}

/// Where a line comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Line {
    /// A policy line from the rules.
    Threshold,
    /// A number from a work plan.
    Target,
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Judgement {
    pub line: Line,
    pub comparison: Comparison,
    pub at: f64,
    pub met: bool,
    /// Signed distance to the line, positive on the good side
    /// (value − line for "at least", line − value for "at most").
    pub gap: f64,
}

/// Judges `value` itself against `at` (not the value as shown: see the
/// module note); the gap is rounded to the digits it is shown with.
pub fn judge(indicator: &Indicator, value: f64, at: f64, line: Line) -> Judgement {
    judge_with(
        Comparison::of(indicator.direction),
        indicator.unit.digits(),
        value,
        at,
        line,
    )
}

/// As [`judge`], for a value shown with `digits` decimals (custom
/// indicators): the digits only decide how the gap is rounded.
pub fn judge_with(comparison: Comparison, digits: usize, value: f64, at: f64, line: Line) -> Judgement {
    let exact = match comparison {
        Comparison::AtLeast => value - at,
        Comparison::AtMost => at - value,
    };
    let gap = if on_the_line(value, at) { 0.0 } else { exact };
    Judgement {
        line,
        comparison,
        at,
        met: gap >= 0.0,
        gap: round(gap, gap_digits(gap, digits)),
    }
}

/// Whether `value` is on the line `at` but for floating-point noise
/// ([`TOLERANCE`]): 9 PE teachers for 1,000 pupils is 0.8999999999999999
/// per 100 in `f64`, and meets a standard of 0.9. For any other engine
/// comparing a value with a standard (a school's 优质均衡 standards).
pub fn on_the_line(value: f64, at: f64) -> bool {
    (value - at).abs() <= TOLERANCE * at.abs().max(1.0)
}

/// The digits a gap is shown with: the value's `digits`, or — when that
/// would show a gap that is not 0 as 0 (−0.0033 as "−0.00") — as many as
/// give it two significant figures (−0.0033), at most [`MAX_GAP_DIGITS`].
pub fn gap_digits(gap: f64, digits: usize) -> usize {
    if gap == 0.0 || !gap.is_finite() || round(gap, digits) != 0.0 {
        return digits;
    }
    // The first significant digit of |gap| < 1 is at 10^-(k+1) for k zeros after the point.
    let first = (-gap.abs().log10()).ceil().max(0.0) as usize;
    (first + 1).clamp(digits, MAX_GAP_DIGITS)
}

/// Half away from zero, as bureaus round (and as DuckDB's `round` does).
pub fn round(value: f64, digits: usize) -> f64 {
    let factor = 10f64.powi(digits as i32);
    (value * factor).round() / factor
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::find;

    #[test]
    fn higher_is_better_meets_at_the_line() {
        let coverage = find("inclusive_coverage").unwrap();
        let j = judge(coverage, 85.0, 85.0, Line::Threshold);
        assert!(j.met);
        assert_eq!(j.gap, 0.0);
        let j = judge(coverage, 83.2, 85.0, Line::Target);
        assert!(!j.met);
        assert_eq!(j.gap, -1.8);
        assert_eq!(j.comparison, Comparison::AtLeast);
    }

    #[test]
    fn lower_is_better_counts_distance_the_other_way() {
        let large = find("large_class_count").unwrap();
        let j = judge(large, 12.0, 0.0, Line::Threshold);
        assert!(!j.met);
        assert_eq!(j.gap, -12.0);
        let cv = find("sports_ground_area_cv").unwrap();
        let j = judge(cv, 0.4123, 0.45, Line::Threshold);
        assert!(j.met);
        assert_eq!(j.gap, 0.038);
    }
}
