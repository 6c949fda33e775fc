//! 班级: one row per class of a school year, with its declared size (班额).

use std::fmt::Write as _;

use registry::Class;

use super::req;
use crate::cells::{self, grade_label};
use crate::entity::Field;
use crate::prepare::{text_field, Cells};
use crate::validate::{grade_fits, stage_fits, ClassEntry, Loc, Validator, MAX_CLASS_SIZE};

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

// ---- import: one row into registry types ------------------------------------

impl Validator<'_> {
    /// Reads one 班级 row into the import's change set, or records every
    /// reason it cannot be (checked against the store and the rest of the import).
    pub(crate) fn class(&mut self, cells: &mut Cells<'_>, loc: Loc) {
        let year = self.preparer.school_year(cells);
        let code = self.preparer.school_code(cells);
        let school = self.school_ref(cells, code);
        let stage = self.preparer.stage(cells, Field::Stage);
        let grade = self.preparer.grade(cells);
        let name = cells.required(Field::ClassName, |t| text_field(t, 30));
        let size = cells.required(Field::ClassSize, |t| {
            let n = cells::parse_count(t)?;
            if n > MAX_CLASS_SIZE {
                return Err(format!("班额 {n} 超出 0–{MAX_CLASS_SIZE} 的范围"));
            }
            Ok(n)
        });
        let (Some(year), Some((school, key, served)), Some(stage), Some(grade), Some(name), Some(size)) =
            (year, school, stage, grade, name, size)
        else {
            return;
        };
        if !stage_fits(cells, Field::Stage, stage, served) || !grade_fits(cells, stage, grade) {
            return;
        }
        let list = self.classes.entry((year.0, key, grade.0)).or_default();
        let earlier = match list.iter_mut().find(|c| *c.name == *name) {
            Some(ClassEntry { row: Some(first), .. }) => Some(*first),
            Some(stored) => {
                stored.stage = Some(stage);
                stored.row = Some(loc);
                None
            }
            None => {
                list.push(ClassEntry {
                    name: name.as_str().into(),
                    stage: Some(stage),
                    row: Some(loc),
                });
                None
            }
        };
        if let Some(first) = earlier {
            self.duplicate_rows(
                cells,
                loc,
                first,
                true,
                Field::ClassName,
                "学年、学校、年级和班级",
            );
            return;
        }
        self.changes.classes.push(Class {
            school_year: year,
            school,
            stage,
            grade,
            name,
            size,
        });
    }
}
