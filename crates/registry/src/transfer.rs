//! 转学 and 升学: what a registry row means when the person it names was last
//! held by a school outside the importing officer's scope.
//!
//! The national 学籍 system moves a pupil between schools only when the
//! releasing side agrees (转学申请, approved by the 转出 school or its county);
//! a pupil who finishes a stage and is admitted to the next one (小升初,
//! 中考录取) is an admission, which the admitting school registers itself.
//! edugov follows it:
//! - a row for a person whose latest placement (the latest school year they
//!   were held in), or whose placement in the row's own year, lies outside
//!   the importer's scope is a **transfer**: it becomes a
//!   [`TransferStatus::Pending`] request and changes nothing until the
//!   releasing school's or county's officer, or the city, approves it;
//! - a student row of a stage's graduate (大班, primary 6 or 5, junior 9)
//!   for the next school year in the first grade of the next stage of 学前 →
//!   小学 → 初中 → 高中/中职 is an **admission**: written at once, and the
//!   admitting school holds the pupil from then on (a 初中 graduate entering
//!   a 高中 of another county). Nothing looser: an officer must not take a
//!   pupil by writing a later year.
//!
//! Teachers are never admitted this way: a post at a school outside the
//! releasing scope is always a transfer (调动). Pure: no I/O.

use crate::{Grade, SchoolCode, SchoolYear, Stage};

/// Where a person was placed in one school year: a student's enrolment or a
/// teacher's post (`grade` is `None` for teachers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub school_year: SchoolYear,
    pub school: SchoolCode,
    pub stage: Stage,
    pub grade: Option<Grade>,
}

/// What a row for a person held elsewhere is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    /// Needs the releasing side's approval.
    Transfer,
    /// Written at once by the admitting school.
    Admission,
}

/// The place of a stage in the progression a pupil moves through; `None`
/// for 特殊教育, which is not entered by admission from another stage.
fn progression(stage: Stage) -> Option<u8> {
    match stage {
        Stage::Preschool => Some(0),
        Stage::Primary => Some(1),
        Stage::Junior => Some(2),
        Stage::Senior | Stage::Vocational => Some(3),
        Stage::Special => None,
    }
}

/// Whether a pupil in `grade` finishes `stage` this year: the top class of
/// kindergarten, primary 6 (or 5 under the 五四制), junior 9.
fn leaves(stage: Stage, grade: Option<Grade>) -> bool {
    let Some(Grade(g)) = grade else {
        return false;
    };
    match stage {
        Stage::Preschool => g == 0,
        Stage::Primary => g == 5 || g == 6,
        Stage::Junior => g == 9,
        Stage::Senior | Stage::Vocational | Stage::Special => false,
    }
}

/// Whether `grade` is where a pupil enters `stage`: primary 1, junior 7 (or
/// 6 under the 五四制), senior or vocational 10.
fn enters(stage: Stage, grade: Grade) -> bool {
    match stage {
        Stage::Primary => grade.0 == 1,
        Stage::Junior => grade.0 == 6 || grade.0 == 7,
        Stage::Senior | Stage::Vocational => grade.0 == 10,
        Stage::Preschool | Stage::Special => false,
    }
}

/// Classifies a student row (`year`, `stage`, `grade`) for a person whose
/// latest placement is `latest`: an admission only when the pupil finished
/// a stage in the latest year held and the row enters the next stage's
/// first grade the year after — anything looser would let an officer take
/// any pupil by writing a later year.
pub fn student_movement(latest: &Placement, year: SchoolYear, stage: Stage, grade: Grade) -> Movement {
    let next_stage = match (progression(latest.stage), progression(stage)) {
        (Some(from), Some(to)) => to == from + 1,
        _ => false,
    };
    let next_year = year.0 == latest.school_year.0.saturating_add(1);
    if next_year && next_stage && leaves(latest.stage, latest.grade) && enters(stage, grade) {
        Movement::Admission
    } else {
        Movement::Transfer
    }
}

/// Whether a kind of person is a student or a teacher (the two registers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonKind {
    Student,
    Teacher,
}

impl PersonKind {
    pub fn code(self) -> &'static str {
        match self {
            PersonKind::Student => "student",
            PersonKind::Teacher => "teacher",
        }
    }

    pub fn from_code(code: &str) -> Option<PersonKind> {
        match code {
            "student" => Some(PersonKind::Student),
            "teacher" => Some(PersonKind::Teacher),
            _ => None,
        }
    }

    /// 学生 / 教师.
    pub fn label_zh(self) -> &'static str {
        match self {
            PersonKind::Student => "学生",
            PersonKind::Teacher => "教师",
        }
    }

    /// 转学申请 for a student, 调动申请 for a teacher.
    pub fn request_label_zh(self) -> &'static str {
        match self {
            PersonKind::Student => "转学申请",
            PersonKind::Teacher => "调动申请",
        }
    }
}

/// Where a transfer request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferStatus {
    /// Waiting for the releasing side.
    Pending,
    /// Approved: the row was written and the person moved.
    Approved,
    /// Refused, with a reason.
    Refused,
    /// Withdrawn without a decision: superseded by a newer request of the
    /// same school for the same person and year, or overtaken by another
    /// school's approved request.
    Withdrawn,
}

impl TransferStatus {
    pub const ALL: [TransferStatus; 4] = [
        TransferStatus::Pending,
        TransferStatus::Approved,
        TransferStatus::Refused,
        TransferStatus::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TransferStatus::Pending => "pending",
            TransferStatus::Approved => "approved",
            TransferStatus::Refused => "refused",
            TransferStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<TransferStatus> {
        TransferStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            TransferStatus::Pending => "待审批",
            TransferStatus::Approved => "已同意",
            TransferStatus::Refused => "已拒绝",
            TransferStatus::Withdrawn => "已撤回",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            TransferStatus::Pending => "Pending",
            TransferStatus::Approved => "Approved",
            TransferStatus::Refused => "Refused",
            TransferStatus::Withdrawn => "Withdrawn",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(year: u16, stage: Stage, grade: i8) -> Placement {
        Placement {
            school_year: SchoolYear(year),
            school: SchoolCode::parse("2370102001").unwrap(),
            stage,
            grade: Some(Grade(grade)),
        }
    }

    #[test]
    fn a_junior_graduate_entering_a_senior_school_next_year_is_an_admission() {
        let latest = placed(2024, Stage::Junior, 9);
        assert_eq!(
            student_movement(&latest, SchoolYear(2025), Stage::Senior, Grade(10)),
            Movement::Admission
        );
        assert_eq!(
            student_movement(&latest, SchoolYear(2025), Stage::Vocational, Grade(10)),
            Movement::Admission
        );
        // 五四制: primary ends at grade 5, junior starts at grade 6.
        let latest = placed(2024, Stage::Primary, 5);
        assert_eq!(
            student_movement(&latest, SchoolYear(2025), Stage::Junior, Grade(6)),
            Movement::Admission
        );
        let latest = placed(2024, Stage::Preschool, 0);
        assert_eq!(
            student_movement(&latest, SchoolYear(2025), Stage::Primary, Grade(1)),
            Movement::Admission
        );
    }

    #[test]
    fn a_move_within_a_stage_or_in_the_same_year_is_a_transfer() {
        // A first-grader is not admitted to junior school, in any year: an
        // officer cannot take a pupil by writing a later year.
        let latest = placed(2024, Stage::Primary, 1);
        for year in [2025, 2030, 2100] {
            assert_eq!(
                student_movement(&latest, SchoolYear(year), Stage::Junior, Grade(7)),
                Movement::Transfer
            );
        }
        // A graduate, but two years later, or into the wrong grade, or
        // skipping a stage.
        let graduate = placed(2024, Stage::Junior, 9);
        assert_eq!(
            student_movement(&graduate, SchoolYear(2026), Stage::Senior, Grade(10)),
            Movement::Transfer
        );
        assert_eq!(
            student_movement(&graduate, SchoolYear(2025), Stage::Senior, Grade(11)),
            Movement::Transfer
        );
        let primary = placed(2024, Stage::Primary, 6);
        assert_eq!(
            student_movement(&primary, SchoolYear(2025), Stage::Senior, Grade(10)),
            Movement::Transfer
        );
        let latest = placed(2024, Stage::Primary, 3);
        // Next year, same stage: a transfer.
        assert_eq!(
            student_movement(&latest, SchoolYear(2025), Stage::Primary, Grade(7)),
            Movement::Transfer
        );
        // Same year, even to a later stage: the pupil is still held there.
        assert_eq!(
            student_movement(&latest, SchoolYear(2024), Stage::Junior, Grade(7)),
            Movement::Transfer
        );
        // An earlier year: rewriting someone else's history.
        assert_eq!(
            student_movement(&latest, SchoolYear(2023), Stage::Junior, Grade(7)),
            Movement::Transfer
        );
        // Back to an earlier stage, or into or out of special education.
        let latest = placed(2024, Stage::Junior, 7);
        assert_eq!(
            student_movement(&latest, SchoolYear(2025), Stage::Primary, Grade(7)),
            Movement::Transfer
        );
        assert_eq!(
            student_movement(&latest, SchoolYear(2025), Stage::Special, Grade(7)),
            Movement::Transfer
        );
    }

    #[test]
    fn codes_round_trip() {
        for s in TransferStatus::ALL {
            assert_eq!(TransferStatus::from_code(s.code()), Some(s));
        }
        for k in [PersonKind::Student, PersonKind::Teacher] {
            assert_eq!(PersonKind::from_code(k.code()), Some(k));
        }
    }
}
