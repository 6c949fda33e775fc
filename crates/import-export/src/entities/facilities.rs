//! 办学条件: one row per school and school year (areas, equipment, rooms).

use std::fmt::Write as _;

use registry::SchoolFacility;

use super::req;
use crate::entity::Field;

column_table! {
    SchoolYear => req(Field::SchoolYear),
    SchoolCode => req(Field::SchoolCode),
    TeachingFloorArea => req(Field::TeachingFloorArea),
    SportsGroundArea => req(Field::SportsGroundArea),
    EquipmentValue => req(Field::EquipmentValue),
    MultimediaClassrooms => req(Field::MultimediaClassrooms),
}

/// Writes one cell of the export.
pub(crate) fn write(f: &SchoolFacility, col: Col, cell: &mut String) {
    let _ = match col {
        Col::SchoolYear => write!(cell, "{}", f.school_year.0),
        Col::SchoolCode => write!(cell, "{}", f.school),
        Col::TeachingFloorArea => write!(cell, "{}", f.teaching_floor_area),
        Col::SportsGroundArea => write!(cell, "{}", f.sports_ground_area),
        Col::EquipmentValue => write!(cell, "{}", f.equipment_value),
        Col::MultimediaClassrooms => write!(cell, "{}", f.multimedia_classrooms),
    };
}
