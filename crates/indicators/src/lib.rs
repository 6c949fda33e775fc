//! The official indicators, computed from the registry.
//!
//! - [`catalogue`]: what each indicator is — names, definition, unit,
//!   stages, direction, source.
//! - [`tally`]: the one pass over a school year's rows, counting per school.
//! - [`places`]: the city, counties, townships, schools and school groups,
//!   each with the sum of its schools' tallies, and the 差异系数 spreads.
//! - [`compute`]: a query over the computed years gives [`Value`]s, each
//!   with numerator, denominator and the change from the year before.
//! - [`custom`]: a bureau's own indicators (`indicator_expr` definitions),
//!   summed up the same levels.
//! - [`judge`]: a value against a policy line or a plan's target.
//! - [`report`]: values as rows with labels, lines and judgements, for every output.
//! - [`rules`]: the policy numbers, configurable, `rules.md` as default.
//!
//! Pure: no I/O. The store builds the [`registry::snapshot::YearSnapshot`]s.

pub mod catalogue;
pub mod compute;
pub mod custom;
pub mod judge;
pub mod places;
pub mod report;
pub mod rules;
pub mod tally;

pub use catalogue::{find, Direction, Group, Indicator, Measure, Scope, Unit, CATALOGUE};
pub use compute::{Computed, Query, Value};
pub use custom::{CustomIndicator, CustomValue};
pub use judge::{judge, Judgement, Line};
pub use places::{Level, Place, YearData};
pub use rules::Rules;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_balanced;
#[cfg(test)]
mod tests_judge;
