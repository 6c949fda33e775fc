//! 教师: one row per teacher and school year — the person and the post.

use std::fmt::Write as _;

use registry::{KeyTeacherLevel, Qualification, Subject, Teacher, TeachingPost, Title};

use super::{opt, push_masked_id, push_masked_name, req};
use crate::entity::Field;
use crate::prepare::{self, Cells, PrePerson};
use crate::validate::{stage_fits, IdKey, Loc, Validator};

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

// ---- import: one row into registry types ------------------------------------

impl Validator<'_> {
    /// Reads one 教师 row into the import's change set, or records every
    /// reason it cannot be (checked against the store and the rest of the import).
    pub(crate) fn teacher(&mut self, cells: &mut Cells<'_>, loc: Loc, pre: PrePerson) {
        cells.problems.extend(pre.problems);
        let year = self.preparer.school_year(cells);
        let code = self.preparer.school_code(cells);
        let school = self.school_ref(cells, code);
        let stage = self.preparer.stage(cells, Field::TeachingStage);
        let subject = cells.required(Field::Subject, |t| Subject::parse(t).map_err(|e| e.0));
        let title = cells.required(Field::Title, |t| Title::parse(t).map_err(|e| e.0));
        let key_level = cells.optional(Field::KeyTeacherLevel, |t| {
            KeyTeacherLevel::parse(t).map_err(|e| e.0)
        });
        let joined = self.preparer.joined_school_year(cells);
        let qualification =
            cells.required(Field::Qualification, |t| Qualification::parse(t).map_err(|e| e.0));
        if let (Some(year), Some(body)) = (year, pre.id_body) {
            self.teacher_ids.push(IdKey::new(year, body, loc));
        }
        let mut joined_ok = true;
        if let (Some(year), Some(joined)) = (year, joined) {
            if joined > year {
                let message = format!("入校学年 {} 晚于学年 {}", joined.0, year.0);
                cells.fail(Field::JoinedSchoolYear, message);
                joined_ok = false;
            }
        }
        let (Some(year), Some((school, _, served)), Some(stage)) = (year, school, stage) else {
            return;
        };
        if !stage_fits(cells, Field::TeachingStage, stage, served) {
            return;
        }
        let (
            Some((id, name)),
            Some(subject),
            Some(title),
            Ok(key_level),
            Some(joined),
            Some(qualification),
            true,
        ) = (
            pre.person,
            subject,
            title,
            key_level,
            joined,
            qualification,
            joined_ok,
        )
        else {
            return;
        };
        let birth_year =
            u16::try_from(chrono::Datelike::year(&prepare::birth_date_of(&id))).unwrap_or_default();
        let teacher = Teacher {
            sex: id.sex(),
            birth_year,
            id_number: id,
            name,
        };
        let post = TeachingPost {
            school_year: year,
            school,
            stage,
            subject,
            title,
            key_teacher_level: key_level.unwrap_or(KeyTeacherLevel::None),
            joined_school_year: joined,
            qualification,
        };
        self.changes.teachers.push((teacher, post));
        self.teacher_locs.push(loc);
    }
}
