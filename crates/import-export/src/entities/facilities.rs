//! 办学条件: one row per school and school year (areas, equipment, rooms).

use std::fmt::Write as _;

use registry::SchoolFacility;

use super::req;
use crate::cells;
use crate::entity::Field;
use crate::prepare::Cells;
use crate::validate::{note_seen, Loc, Validator};

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

// ---- import: one row into registry types ------------------------------------

impl Validator<'_> {
    /// Reads one 办学条件 row into the import's change set, or records every
    /// reason it cannot be (checked against the store and the rest of the import).
    pub(crate) fn facility(&mut self, cells: &mut Cells<'_>, loc: Loc) {
        let year = self.preparer.school_year(cells);
        let code = self.preparer.school_code(cells);
        let school = self.school_ref(cells, code);
        let floor = cells.required(Field::TeachingFloorArea, cells::parse_amount);
        let sports = cells.required(Field::SportsGroundArea, cells::parse_amount);
        let equipment = cells.required(Field::EquipmentValue, cells::parse_amount);
        let rooms = cells.required(Field::MultimediaClassrooms, cells::parse_count);
        let (Some(year), Some((school, key, _))) = (year, school) else {
            return;
        };
        if let Some((first, report)) = note_seen(&mut self.seen_facilities, (year.0, key), loc) {
            self.duplicate_rows(cells, loc, first, report, Field::SchoolCode, "学年和学校");
            return;
        }
        let (
            Some(teaching_floor_area),
            Some(sports_ground_area),
            Some(equipment_value),
            Some(multimedia_classrooms),
        ) = (floor, sports, equipment, rooms)
        else {
            return;
        };
        self.changes.facilities.push(SchoolFacility {
            school_year: year,
            school,
            teaching_floor_area,
            sports_ground_area,
            equipment_value,
            multimedia_classrooms,
        });
    }
}
