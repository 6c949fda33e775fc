//! The registry's vocabulary: areas, schools, classes, students, teachers and
//! population figures, by school year, as typed values.
//!
//! Everything here is pure: no files, no database, no clock. Values are
//! parsed once at the edge (`IdNumber::parse`, `SchoolCode::parse`, …) and
//! only typed values travel inside edugov. Names follow
//! `shared/domain/glossary.md`; policy numbers follow `shared/domain/rules.md`.

pub mod area;
pub mod codes;
pub mod divisions;
pub mod id_area_codes;
pub mod id_number;
pub mod mask;
pub mod records;
pub mod school_year;
pub mod snapshot;
pub mod text;
pub mod transfer;

pub use area::{Area, AreaCode, AreaKind, AreaLevel};
pub use codes::{
    Grade, KeyTeacherLevel, Location, Ownership, Qualification, QualityRating, Sex, Stage, Subject, Title,
};
pub use id_number::{IdNumber, IdNumberError};
pub use records::{
    Births, ChangeSet, Class, ClassKey, Enrolment, Population, School, SchoolCode, SchoolFacility, Student,
    Teacher, TeachingPost,
};
pub use school_year::SchoolYear;

/// A value could not be read from text. The message is Chinese because it is
/// shown to data officers as is; the importer adds file, row and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

impl ParseError {
    pub fn new(message: impl Into<String>) -> ParseError {
        ParseError(message.into())
    }
}
