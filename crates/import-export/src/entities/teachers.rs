//! 教师: one row per teacher and school year — the person and the post.

use std::fmt::Write as _;

use registry::{Teacher, TeachingPost};

use super::{opt, push_masked_id, push_masked_name, req};
use crate::entity::Field;

column_table! {
    SchoolYear => req(Field::SchoolYear),
    SchoolCode => req(Field::SchoolCode),
    IdNumber => req(Field::IdNumber),
    Name => req(Field::Name),
    Sex => opt(Field::Sex),
    BirthYear => opt(Field::BirthYear),
    TeachingStage => req(Field::TeachingStage),
    Subject => req(Field::Subject),
    Title => req(Field::Title),
    KeyTeacherLevel => opt(Field::KeyTeacherLevel),
    JoinedSchoolYear => req(Field::JoinedSchoolYear),
    Qualification => req(Field::Qualification),
}

/// Writes one cell of the export; `masked` hides the identity number and name.
pub(crate) fn write(teacher: &Teacher, post: &TeachingPost, masked: bool, col: Col, cell: &mut String) {
    let _ = match col {
        Col::SchoolYear => write!(cell, "{}", post.school_year.0),
        Col::SchoolCode => write!(cell, "{}", post.school),
        Col::IdNumber if masked => {
            push_masked_id(cell, teacher.id_number.as_str());
            Ok(())
        }
        Col::IdNumber => write!(cell, "{}", teacher.id_number.as_str()),
        Col::Name if masked => {
            push_masked_name(cell, &teacher.name);
            Ok(())
        }
        Col::Name => write!(cell, "{}", teacher.name),
        Col::Sex => write!(cell, "{}", teacher.sex.label_zh()),
        Col::BirthYear => write!(cell, "{}", teacher.birth_year),
        Col::TeachingStage => write!(cell, "{}", post.stage.label_zh()),
        Col::Subject => write!(cell, "{}", post.subject.label_zh()),
        Col::Title => write!(cell, "{}", post.title.label_zh()),
        Col::KeyTeacherLevel => write!(cell, "{}", post.key_teacher_level.label_zh()),
        Col::JoinedSchoolYear => write!(cell, "{}", post.joined_school_year.0),
        Col::Qualification => write!(cell, "{}", post.qualification.label_zh()),
    };
}
