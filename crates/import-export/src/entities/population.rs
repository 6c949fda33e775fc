//! 人口: resident children per township, age and school year.

use std::fmt::Write as _;

use registry::{AreaLevel, Population};

use super::req;
use crate::cells;
use crate::entity::Field;
use crate::prepare::{area, Cells};
use crate::validate::{note_seen, Loc, Validator};

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

// ---- import: one row into registry types ------------------------------------

impl Validator<'_> {
    /// Reads one 人口 row into the import's change set, or records every
    /// reason it cannot be (checked against the store and the rest of the import).
    pub(crate) fn population(&mut self, cells: &mut Cells<'_>, loc: Loc) {
        let year = self.preparer.school_year(cells);
        let lookup = self.lookup;
        let scope = self.scope;
        let township = cells.required(Field::Township, |t| {
            let code = area(lookup, t, AreaLevel::Township)?;
            match scope {
                Some(sc) if !sc.allows_area(&code) => Err(sc.area_refusal(&code)),
                _ => Ok(code),
            }
        });
        let age = cells.required(Field::Age, |t| {
            let n = cells::parse_count(t)?;
            u8::try_from(n)
                .ok()
                .filter(|a| *a <= 25)
                .ok_or_else(|| format!("年龄 {n} 超出 0–25 的范围"))
        });
        let children = cells.required(Field::Children, cells::parse_count);
        let (Some(year), Some(township), Some(age), Some(children)) = (year, township, age, children) else {
            return;
        };
        let key = (year.0, township.as_str().to_owned(), age);
        if let Some((first, report)) = note_seen(&mut self.seen_population, key, loc) {
            self.duplicate_rows(cells, loc, first, report, Field::Age, "学年、乡镇街道和年龄");
            return;
        }
        self.changes.population.push(Population {
            school_year: year,
            township,
            age,
            children,
        });
    }
}
