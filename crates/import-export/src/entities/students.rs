//! 学生: one row per pupil and school year — the person (身份证号, 姓名 …)
//! and the enrolment (school, grade, class, and the year's flags).

use std::fmt::Write as _;

use registry::{Enrolment, Student};

use super::{opt, push_masked_id, push_masked_name, req};
use crate::cells::{self, flag_label, grade_label, push_date};
use crate::entity::Field;
use crate::prepare::{self, flag, household_area, text_field, Cells, PrePerson};
use crate::validate::{class_label, grade_fits, stage_fits, stage_for_grade, IdKey, Loc, Validator};

column_table! {
    SchoolYear => req(Field::SchoolYear),
    SchoolCode => req(Field::SchoolCode),
    Stage => opt(Field::Stage),
    Grade => req(Field::Grade),
    ClassName => opt(Field::ClassName),
    IdNumber => req(Field::IdNumber),
    Name => req(Field::Name),
    Sex => opt(Field::Sex),
    BirthDate => opt(Field::BirthDate),
    HouseholdArea => req(Field::HouseholdArea),
    MigrantChild => opt(Field::MigrantChild),
    Boarder => opt(Field::Boarder),
    VisualAcuity => opt(Field::VisualAcuity),
    Myopic => opt(Field::Myopic),
}

/// Writes one cell of the export; `masked` hides the identity number and name.
pub(crate) fn write(student: &Student, e: &Enrolment, masked: bool, col: Col, cell: &mut String) {
    let _ = match col {
        Col::SchoolYear => write!(cell, "{}", e.school_year.0),
        Col::SchoolCode => write!(cell, "{}", e.school),
        Col::Stage => write!(cell, "{}", e.stage.label_zh()),
        Col::Grade => match e.grade.name_zh() {
            Some(name) => write!(cell, "{name}"),
            None => write!(cell, "{}", grade_label(e.grade)),
        },
        Col::ClassName => write!(cell, "{}", e.class_name.as_deref().unwrap_or_default()),
        Col::IdNumber if masked => {
            push_masked_id(cell, student.id_number.as_str());
            Ok(())
        }
        Col::IdNumber => write!(cell, "{}", student.id_number.as_str()),
        Col::Name if masked => {
            push_masked_name(cell, &student.name);
            Ok(())
        }
        Col::Name => write!(cell, "{}", student.name),
        Col::Sex => write!(cell, "{}", student.sex.label_zh()),
        Col::BirthDate => {
            push_date(cell, student.birth_date);
            Ok(())
        }
        Col::HouseholdArea => write!(cell, "{}", student.household_area),
        Col::MigrantChild => write!(cell, "{}", flag_label(e.migrant_child)),
        Col::Boarder => write!(cell, "{}", flag_label(e.boarder)),
        Col::VisualAcuity => match e.visual_acuity {
            Some(v) => write!(cell, "{v}"),
            None => Ok(()),
        },
        Col::Myopic => write!(cell, "{}", e.myopic.map(flag_label).unwrap_or_default()),
    };
}

// ---- import: one row into registry types ------------------------------------

impl Validator<'_> {
    /// Reads one 学生 row into the import's change set, or records every
    /// reason it cannot be (checked against the store and the rest of the import).
    pub(crate) fn student(&mut self, cells: &mut Cells<'_>, loc: Loc, pre: PrePerson) {
        cells.problems.extend(pre.problems);
        let year = self.preparer.school_year(cells);
        let code = self.preparer.school_code(cells);
        let school = self.school_ref(cells, code);
        let grade = self.preparer.grade(cells);
        let stage_given = self.preparer.optional_stage(cells, Field::Stage);
        let class_name = cells.optional(Field::ClassName, |t| text_field(t, 30));
        let lookup = self.lookup;
        let household = cells.required(Field::HouseholdArea, |t| household_area(lookup, t));
        let migrant = cells.optional(Field::MigrantChild, flag);
        let boarder = cells.optional(Field::Boarder, flag);
        let acuity = cells.optional(Field::VisualAcuity, |t| {
            let v = cells::parse_decimal(t)?;
            if !(3.0..=5.3).contains(&v) {
                return Err(format!("视力 {t} 超出五分记录 3.0–5.3 的范围"));
            }
            Ok(v as f32)
        });
        let myopic = cells.optional(Field::Myopic, flag);
        if let (Some(year), Some(body)) = (year, pre.id_body) {
            self.student_ids.push(IdKey::new(year, body, loc));
        }
        let (Some(year), Some((school, key, served)), Some(grade), Ok(stage_given), Ok(class_name)) =
            (year, school, grade, stage_given, class_name)
        else {
            return;
        };
        // The class (from this import or the store) must exist; its stage,
        // when known, settles the student's stage.
        let mut class_stage = None;
        if let Some(class) = &class_name {
            let found = self
                .classes
                .get(&(year.0, key, grade.0))
                .and_then(|l| l.iter().find(|c| *c.name == **class));
            match found {
                Some(entry) => class_stage = entry.stage,
                None => {
                    cells.fail(
                        Field::ClassName,
                        format!(
                            "班级 {} 不存在：数据库中没有，本次导入的班级表中也没有；请先导入班级",
                            class_label(grade, class)
                        ),
                    );
                    return;
                }
            }
        }
        let stage = match stage_given.or(class_stage) {
            Some(stage) => {
                if !stage_fits(cells, Field::Stage, stage, served) || !grade_fits(cells, stage, grade) {
                    return;
                }
                stage
            }
            None => match stage_for_grade(cells, grade, served) {
                Some(stage) => stage,
                None => return,
            },
        };
        let (Some((id, name)), Some(household_area), Ok(migrant), Ok(boarder), Ok(visual_acuity), Ok(myopic)) =
            (pre.person, household, migrant, boarder, acuity, myopic)
        else {
            return;
        };
        let student = Student {
            sex: id.sex(),
            birth_date: prepare::birth_date_of(&id),
            id_number: id,
            name,
            household_area,
        };
        let enrolment = Enrolment {
            school_year: year,
            school,
            stage,
            grade,
            class_name,
            migrant_child: migrant.unwrap_or(false),
            boarder: boarder.unwrap_or(false),
            visual_acuity,
            myopic,
        };
        self.changes.students.push((student, enrolment));
        self.student_locs.push(loc);
    }
}
