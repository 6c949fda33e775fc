//! 出生: births per county and calendar year (not school year).

use std::fmt::Write as _;

use registry::Births;

use super::req;
use crate::entity::Field;

column_table! {
    Year => req(Field::Year),
    County => req(Field::County),
    BirthCount => req(Field::BirthCount),
}

/// Writes one cell of the export.
pub(crate) fn write(b: &Births, col: Col, cell: &mut String) {
    let _ = match col {
        Col::Year => write!(cell, "{}", b.year),
        Col::County => write!(cell, "{}", b.county),
        Col::BirthCount => write!(cell, "{}", b.births),
    };
}
