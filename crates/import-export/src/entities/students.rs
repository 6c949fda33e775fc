//! 学生: one row per pupil and school year — the person (身份证号, 姓名 …)
//! and the enrolment (school, grade, class, and the year's flags).

use std::fmt::Write as _;

use registry::{Enrolment, Student};

use super::{opt, push_masked_id, push_masked_name, req};
use crate::cells::{flag_label, grade_label, push_date};
use crate::entity::Field;

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
