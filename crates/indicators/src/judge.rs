//! A value against a line: the policy line from the rules (大班额 0, 普惠
//! 85 %, CV ≤ 0.50) or a work plan's target. Gives met / not met and how far.

use crate::catalogue::{Direction, Indicator};

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

/// Judges `value` as reports show it (rounded to the unit's digits), so that
/// a value printed as 85.00 % never reads "not met" against 85 %.
pub fn judge(indicator: &Indicator, value: f64, at: f64, line: Line) -> Judgement {
    judge_with(
        Comparison::of(indicator.direction),
        indicator.unit.digits(),
        value,
        at,
        line,
    )
}

/// As [`judge`], for a value shown with `digits` decimals (custom indicators).
pub fn judge_with(comparison: Comparison, digits: usize, value: f64, at: f64, line: Line) -> Judgement {
    let shown = round(value, digits);
    let gap = match comparison {
        Comparison::AtLeast => shown - at,
        Comparison::AtMost => at - shown,
    };
    Judgement {
        line,
        comparison,
        at,
        met: gap >= 0.0,
        gap: round(gap, digits),
    }
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
        let j = judge(coverage, 84.996, 85.0, Line::Threshold);
        assert!(j.met, "84.996 shows as 85.00");
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
