//! The registry's records, keyed by natural keys (school code, identity
//! number, class name) so that an import can be re-applied: the store turns
//! them into rows with surrogate ids.

use std::fmt;

use chrono::NaiveDate;

use crate::area::AreaCode;
use crate::codes::{
    Grade, KeyTeacherLevel, Location, Ownership, Qualification, QualityRating, Sex, Stage, Subject, Title,
};
use crate::id_number::IdNumber;
use crate::school_year::SchoolYear;
use crate::ParseError;

/// 学校标识码 — the 10-digit code the ministry assigns to every school.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct SchoolCode(String);

impl SchoolCode {
    pub fn parse(text: &str) -> Result<SchoolCode, ParseError> {
        let text = text.trim();
        if text.len() != 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::new(format!("学校标识码“{text}”应为 10 位数字")));
        }
        Ok(SchoolCode(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SchoolCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A school or kindergarten. A school may serve several stages (九年一贯制,
/// 完全中学), with seats counted per stage.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    pub code: SchoolCode,
    pub name: String,
    pub county: AreaCode,
    pub township: Option<AreaCode>,
    pub stages: Vec<Stage>,
    pub ownership: Ownership,
    /// 普惠性: only meaningful for private kindergartens.
    pub inclusive: bool,
    pub quality_rating: QualityRating,
    pub location: Location,
    /// Seats (学位) per stage served.
    pub seats: Vec<(Stage, u32)>,
    pub school_group: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
}

impl School {
    pub fn serves(&self, stage: Stage) -> bool {
        self.stages.contains(&stage)
    }

    pub fn seats_for(&self, stage: Stage) -> u32 {
        self.seats
            .iter()
            .filter(|(s, _)| *s == stage)
            .map(|(_, n)| *n)
            .sum()
    }
}

/// The facility figures the 优质均衡 assessment counts, per school year
/// (rules.md, balanced compulsory education).
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolFacility {
    pub school_year: SchoolYear,
    pub school: SchoolCode,
    /// 教学及辅助用房面积, m².
    pub teaching_floor_area: f64,
    /// 体育运动场馆面积, m².
    pub sports_ground_area: f64,
    /// 教学仪器设备值, yuan.
    pub equipment_value: f64,
    /// 网络多媒体教室间数.
    pub multimedia_classrooms: u32,
}

/// The natural key of a class.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassKey {
    pub school_year: SchoolYear,
    pub school: SchoolCode,
    pub grade: Grade,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    pub school_year: SchoolYear,
    pub school: SchoolCode,
    pub stage: Stage,
    pub grade: Grade,
    /// The class's name within its grade, e.g. "3班".
    pub name: String,
    /// 班额: the number of students in the class.
    pub size: u32,
}

impl Class {
    pub fn key(&self) -> ClassKey {
        ClassKey {
            school_year: self.school_year,
            school: self.school.clone(),
            grade: self.grade,
            name: self.name.clone(),
        }
    }
}

/// A learner, identified by identity number at the edge and by a surrogate
/// id inside the store. Name and identity number are personal data.
#[derive(Debug, Clone, PartialEq)]
pub struct Student {
    pub id_number: IdNumber,
    pub name: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    /// 户籍 area (county or finer).
    pub household_area: AreaCode,
}

/// 学籍: a student's registration at a school in one school year.
#[derive(Debug, Clone, PartialEq)]
pub struct Enrolment {
    pub school_year: SchoolYear,
    pub school: SchoolCode,
    pub stage: Stage,
    pub grade: Grade,
    pub class_name: Option<String>,
    pub migrant_child: bool,
    pub boarder: bool,
    /// Uncorrected visual acuity of the worse eye, 5-point scale; `None` when
    /// not screened this year.
    pub visual_acuity: Option<f32>,
    /// Screening result; `None` when not screened.
    pub myopic: Option<bool>,
}

/// A full-time teacher (专任教师).
#[derive(Debug, Clone, PartialEq)]
pub struct Teacher {
    pub id_number: IdNumber,
    pub name: String,
    pub sex: Sex,
    pub birth_year: u16,
}

/// A teacher's post in one school year.
#[derive(Debug, Clone, PartialEq)]
pub struct TeachingPost {
    pub school_year: SchoolYear,
    pub school: SchoolCode,
    /// The stage the teacher mainly teaches (matters in 九年一贯制 schools).
    pub stage: Stage,
    pub subject: Subject,
    pub title: Title,
    pub key_teacher_level: KeyTeacherLevel,
    /// The school year the teacher joined the current school.
    pub joined_school_year: SchoolYear,
    pub qualification: Qualification,
}

impl TeachingPost {
    /// Consecutive years at the current school, counting this one.
    pub fn years_at_school(&self) -> u16 {
        self.school_year.0.saturating_sub(self.joined_school_year.0) + 1
    }
}

/// Children of one single year of age living in a township, counted at the
/// start of a school year (the input of the school-age population forecast).
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    pub school_year: SchoolYear,
    pub township: AreaCode,
    pub age: u8,
    pub children: u32,
}

/// Births in a county in a calendar year.
#[derive(Debug, Clone, PartialEq)]
pub struct Births {
    pub year: u16,
    pub county: AreaCode,
    pub births: u32,
}

/// Everything one import (or one demo school year) writes.
#[derive(Debug, Default, Clone)]
pub struct ChangeSet {
    pub schools: Vec<School>,
    pub facilities: Vec<SchoolFacility>,
    pub classes: Vec<Class>,
    pub students: Vec<(Student, Enrolment)>,
    pub teachers: Vec<(Teacher, TeachingPost)>,
    pub population: Vec<Population>,
    pub births: Vec<Births>,
}

impl ChangeSet {
    pub fn len(&self) -> usize {
        self.schools.len()
            + self.facilities.len()
            + self.classes.len()
            + self.students.len()
            + self.teachers.len()
            + self.population.len()
            + self.births.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_code_is_ten_digits() {
        assert!(SchoolCode::parse("2137010001").is_ok());
        assert_eq!(
            SchoolCode::parse("213701000").unwrap_err().0,
            "学校标识码“213701000”应为 10 位数字"
        );
    }

    #[test]
    fn years_at_school_counts_the_current_year() {
        let post = TeachingPost {
            school_year: SchoolYear(2024),
            school: SchoolCode::parse("2137010001").unwrap(),
            stage: Stage::Primary,
            subject: Subject::Music,
            title: Title::First,
            key_teacher_level: KeyTeacherLevel::None,
            joined_school_year: SchoolYear(2019),
            qualification: Qualification::Bachelor,
        };
        assert_eq!(post.years_at_school(), 6);
    }
}
