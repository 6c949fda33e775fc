//! 人口: resident children per township, age and school year.

use std::fmt::Write as _;

use registry::Population;

use super::req;
use crate::entity::Field;

column_table! {
    SchoolYear => req(Field::SchoolYear),
    Township => req(Field::Township),
    Age => req(Field::Age),
    Children => req(Field::Children),
}

/// Writes one cell of the export.
pub(crate) fn write(p: &Population, col: Col, cell: &mut String) {
    let _ = match col {
        Col::SchoolYear => write!(cell, "{}", p.school_year.0),
        Col::Township => write!(cell, "{}", p.township),
        Col::Age => write!(cell, "{}", p.age),
        Col::Children => write!(cell, "{}", p.children),
    };
}
