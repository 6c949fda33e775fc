//! 班级: one row per class of a school year, with its declared size (班额).

use std::fmt::Write as _;

use registry::Class;

use super::req;
use crate::cells::grade_label;
use crate::entity::Field;

column_table! {
    SchoolYear => req(Field::SchoolYear),
    SchoolCode => req(Field::SchoolCode),
    Stage => req(Field::Stage),
    Grade => req(Field::Grade),
    ClassName => req(Field::ClassName),
    ClassSize => req(Field::ClassSize),
}

/// Writes one cell of the export.
pub(crate) fn write(c: &Class, col: Col, cell: &mut String) {
    let _ = match col {
        Col::SchoolYear => write!(cell, "{}", c.school_year.0),
        Col::SchoolCode => write!(cell, "{}", c.school),
        Col::Stage => write!(cell, "{}", c.stage.label_zh()),
        Col::Grade => write!(cell, "{}", grade_label(c.grade)),
        Col::ClassName => write!(cell, "{}", c.name),
        Col::ClassSize => write!(cell, "{}", c.size),
    };
}
