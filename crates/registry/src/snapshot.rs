//! One school year of the registry as compact rows: what the indicator
//! engine reads. The store builds it in one pass per year; engines never see
//! SQL. Areas, school groups and schools are referred to by index, so that
//! grouping by county or township is array indexing, not string hashing.

use crate::area::AreaCode;
use crate::codes::{
    Grade, KeyTeacherLevel, Location, Ownership, Qualification, QualityRating, Sex, Stage, Subject,
    Title,
};
use crate::records::SchoolCode;
use crate::school_year::SchoolYear;

/// "No such index": a school without township or group, a student without class.
pub const NONE: u32 = u32::MAX;

/// Number of stages, for per-stage arrays indexed by [`Stage::index`].
pub const STAGES: usize = 6;

impl Stage {
    /// Position in [`Stage::ALL`], for per-stage arrays.
    pub fn index(self) -> usize {
        match self {
            Stage::Preschool => 0,
            Stage::Primary => 1,
            Stage::Junior => 2,
            Stage::Senior => 3,
            Stage::Vocational => 4,
            Stage::Special => 5,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct YearSnapshot {
    pub school_year: SchoolYear,
    /// The city the registry covers (4-digit code), and its name.
    pub city: Option<AreaCode>,
    /// Counties and townships referred to by index, with their names.
    pub counties: Vec<AreaRef>,
    pub townships: Vec<AreaRef>,
    /// 教育集团 names, referred to by index.
    pub school_groups: Vec<String>,
    pub schools: Vec<SchoolRow>,
    pub classes: Vec<ClassRow>,
    pub students: Vec<StudentRow>,
    pub teachers: Vec<TeacherRow>,
    pub population: Vec<PopulationRow>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AreaRef {
    pub code: AreaCode,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SchoolRow {
    pub code: SchoolCode,
    pub name: String,
    /// Index into [`YearSnapshot::counties`].
    pub county: u32,
    /// Index into [`YearSnapshot::townships`], or [`NONE`].
    pub township: u32,
    /// Index into [`YearSnapshot::school_groups`], or [`NONE`].
    pub school_group: u32,
    pub ownership: Ownership,
    pub inclusive: bool,
    pub quality_rating: QualityRating,
    pub location: Location,
    /// Whether the school serves each stage, by [`Stage::index`].
    pub serves: [bool; STAGES],
    /// Seats per stage, by [`Stage::index`].
    pub seats: [u32; STAGES],
    /// This year's facility figures, when reported.
    pub facility: Option<FacilityRow>,
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FacilityRow {
    pub teaching_floor_area: f64,
    pub sports_ground_area: f64,
    pub equipment_value: f64,
    pub multimedia_classrooms: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClassRow {
    /// Index into [`YearSnapshot::schools`].
    pub school: u32,
    pub stage: Stage,
    pub grade: Grade,
    pub size: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StudentRow {
    /// Index into [`YearSnapshot::schools`].
    pub school: u32,
    /// Index into [`YearSnapshot::classes`], or [`NONE`].
    pub class: u32,
    pub stage: Stage,
    pub grade: Grade,
    pub sex: Sex,
    pub migrant_child: bool,
    pub boarder: bool,
    /// `None` when not screened this year.
    pub myopic: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TeacherRow {
    /// Index into [`YearSnapshot::schools`].
    pub school: u32,
    pub stage: Stage,
    pub subject: Subject,
    pub title: Title,
    pub key_teacher_level: KeyTeacherLevel,
    pub qualification: Qualification,
    pub sex: Sex,
    pub birth_year: u16,
    pub joined_school_year: SchoolYear,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PopulationRow {
    /// Index into [`YearSnapshot::townships`].
    pub township: u32,
    pub age: u8,
    pub children: u32,
}
