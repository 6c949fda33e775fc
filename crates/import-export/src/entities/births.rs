//! 出生: births per county and calendar year (not school year).

use std::fmt::Write as _;

use registry::{AreaLevel, Births};

use super::req;
use crate::cells;
use crate::entity::Field;
use crate::prepare::{area, Cells};
use crate::validate::{note_seen, Loc, Validator};

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

// ---- import: one row into registry types ------------------------------------

impl Validator<'_> {
    /// Reads one 出生 row into the import's change set, or records every
    /// reason it cannot be (checked against the store and the rest of the import).
    pub(crate) fn births(&mut self, cells: &mut Cells<'_>, loc: Loc) {
        let this_year = chrono::Datelike::year(&self.today);
        let year = cells.required(Field::Year, |t| {
            let n = cells::parse_count(t)?;
            u16::try_from(n)
                .ok()
                .filter(|y| (1949..=this_year).contains(&i32::from(*y)))
                .ok_or_else(|| format!("年份 {n} 应在 1949 至 {this_year} 之间"))
        });
        let lookup = self.lookup;
        let scope = self.scope;
        let county = cells.required(Field::County, |t| {
            let code = area(lookup, t, AreaLevel::County)?;
            match scope {
                Some(sc) if !sc.allows_area(&code) => Err(sc.area_refusal(&code)),
                _ => Ok(code),
            }
        });
        let births = cells.required(Field::BirthCount, cells::parse_count);
        let (Some(year), Some(county), Some(births)) = (year, county, births) else {
            return;
        };
        let key = (year, county.as_str().to_owned());
        if let Some((first, report)) = note_seen(&mut self.seen_births, key, loc) {
            self.duplicate_rows(cells, loc, first, report, Field::County, "年份和区县");
            return;
        }
        self.changes.births.push(Births { year, county, births });
    }
}
