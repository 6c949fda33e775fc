//! One school year of the registry as compact rows: what the indicator
//! engine reads. The store builds it in one pass per year; engines never see
//! SQL. Areas, school groups and schools are referred to by index, so that
//! grouping by county or township is array indexing, not string hashing.

use crate::area::AreaCode;
use crate::codes::{
    Grade, KeyTeacherLevel, Location, Ownership, Qualification, QualityRating, Sex, Stage, Subject, Title,
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

impl YearSnapshot {
    /// Builds the snapshot of the school year a change set holds (as the
    /// demo makes one per year); area names come from the shipped division
    /// codes. The store builds the same shape from its tables.
    pub fn from_changes(changes: &crate::ChangeSet) -> YearSnapshot {
        use std::collections::HashMap;

        let school_year = changes
            .classes
            .first()
            .map(|c| c.school_year)
            .or_else(|| changes.students.first().map(|(_, e)| e.school_year))
            .or_else(|| changes.teachers.first().map(|(_, p)| p.school_year))
            .or_else(|| changes.population.first().map(|p| p.school_year))
            .unwrap_or_default();
        let names = crate::divisions::county_and_township_names();
        let mut snapshot = YearSnapshot {
            school_year,
            ..YearSnapshot::default()
        };
        let mut counties: HashMap<AreaCode, u32> = HashMap::new();
        let mut townships: HashMap<AreaCode, u32> = HashMap::new();
        let mut groups: HashMap<String, u32> = HashMap::new();
        let intern = |code: &AreaCode, index: &mut HashMap<AreaCode, u32>, list: &mut Vec<AreaRef>| -> u32 {
            *index.entry(code.clone()).or_insert_with(|| {
                list.push(AreaRef {
                    code: code.clone(),
                    name: names.get(code.as_str()).cloned().unwrap_or_default(),
                });
                (list.len() - 1) as u32
            })
        };
        let facilities: HashMap<&SchoolCode, FacilityRow> = changes
            .facilities
            .iter()
            .filter(|f| f.school_year == school_year)
            .map(|f| {
                let row = FacilityRow {
                    teaching_floor_area: f.teaching_floor_area,
                    sports_ground_area: f.sports_ground_area,
                    equipment_value: f.equipment_value,
                    multimedia_classrooms: f.multimedia_classrooms,
                };
                (&f.school, row)
            })
            .collect();
        let mut school_index: HashMap<&SchoolCode, u32> = HashMap::new();
        for school in &changes.schools {
            let county = intern(&school.county, &mut counties, &mut snapshot.counties);
            let township = match &school.township {
                Some(t) => intern(t, &mut townships, &mut snapshot.townships),
                None => NONE,
            };
            let school_group = match &school.school_group {
                Some(name) => *groups.entry(name.clone()).or_insert_with(|| {
                    snapshot.school_groups.push(name.clone());
                    (snapshot.school_groups.len() - 1) as u32
                }),
                None => NONE,
            };
            let mut serves = [false; STAGES];
            let mut seats = [0; STAGES];
            for stage in &school.stages {
                if let Some(s) = serves.get_mut(stage.index()) {
                    *s = true;
                }
            }
            for (stage, n) in &school.seats {
                if let Some(s) = seats.get_mut(stage.index()) {
                    *s += n;
                }
            }
            school_index.insert(&school.code, snapshot.schools.len() as u32);
            snapshot.schools.push(SchoolRow {
                code: school.code.clone(),
                name: school.name.clone(),
                county,
                township,
                school_group,
                ownership: school.ownership,
                inclusive: school.inclusive,
                quality_rating: school.quality_rating,
                location: school.location,
                serves,
                seats,
                facility: facilities.get(&school.code).copied(),
            });
        }
        snapshot.city = snapshot
            .counties
            .first()
            .and_then(|c| c.code.ancestor(crate::AreaLevel::City));
        let school_of = |code: &SchoolCode| school_index.get(code).copied().unwrap_or(NONE);
        let mut class_index: HashMap<(u32, Grade, &str), u32> = HashMap::new();
        for class in changes.classes.iter().filter(|c| c.school_year == school_year) {
            let school = school_of(&class.school);
            class_index.insert(
                (school, class.grade, class.name.as_str()),
                snapshot.classes.len() as u32,
            );
            snapshot.classes.push(ClassRow {
                school,
                stage: class.stage,
                grade: class.grade,
                size: class.size,
            });
        }
        for (student, e) in changes
            .students
            .iter()
            .filter(|(_, e)| e.school_year == school_year)
        {
            let school = school_of(&e.school);
            let class = e
                .class_name
                .as_deref()
                .and_then(|name| class_index.get(&(school, e.grade, name)).copied())
                .unwrap_or(NONE);
            snapshot.students.push(StudentRow {
                school,
                class,
                stage: e.stage,
                grade: e.grade,
                sex: student.sex,
                migrant_child: e.migrant_child,
                boarder: e.boarder,
                myopic: e.myopic,
            });
        }
        for (teacher, p) in changes
            .teachers
            .iter()
            .filter(|(_, p)| p.school_year == school_year)
        {
            snapshot.teachers.push(TeacherRow {
                school: school_of(&p.school),
                stage: p.stage,
                subject: p.subject,
                title: p.title,
                key_teacher_level: p.key_teacher_level,
                qualification: p.qualification,
                sex: teacher.sex,
                birth_year: teacher.birth_year,
                joined_school_year: p.joined_school_year,
            });
        }
        for p in changes.population.iter().filter(|p| p.school_year == school_year) {
            let township = intern(&p.township, &mut townships, &mut snapshot.townships);
            snapshot.population.push(PopulationRow {
                township,
                age: p.age,
                children: p.children,
            });
        }
        snapshot
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::*;

    #[test]
    fn a_change_set_becomes_indexed_rows_with_area_names() {
        let school = School {
            code: SchoolCode::parse("2370102001").unwrap(),
            name: "历下区第一实验小学".into(),
            county: AreaCode::parse("370102").unwrap(),
            township: Some(AreaCode::parse("370102001").unwrap()),
            stages: vec![Stage::Primary, Stage::Junior],
            ownership: Ownership::Public,
            inclusive: false,
            quality_rating: QualityRating::Unrated,
            location: Location::Urban,
            seats: vec![(Stage::Primary, 900), (Stage::Junior, 300)],
            school_group: Some("历下实验教育集团".into()),
            longitude: None,
            latitude: None,
        };
        let class = Class {
            school_year: SchoolYear(2024),
            school: school.code.clone(),
            stage: Stage::Primary,
            grade: Grade(3),
            name: "1班".into(),
            size: 1,
        };
        let birth = NaiveDate::from_ymd_opt(2016, 3, 1).unwrap();
        let student = Student {
            id_number: IdNumber::compose("370102", birth, 1, Sex::Male),
            name: "王小明".into(),
            sex: Sex::Male,
            birth_date: birth,
            household_area: AreaCode::parse("370102").unwrap(),
        };
        let enrolment = Enrolment {
            school_year: SchoolYear(2024),
            school: school.code.clone(),
            stage: Stage::Primary,
            grade: Grade(3),
            class_name: Some("1班".into()),
            migrant_child: true,
            boarder: false,
            visual_acuity: Some(4.8),
            myopic: Some(true),
        };
        let changes = ChangeSet {
            schools: vec![school],
            classes: vec![class],
            students: vec![(student, enrolment)],
            population: vec![Population {
                school_year: SchoolYear(2024),
                township: AreaCode::parse("370102002").unwrap(),
                age: 4,
                children: 120,
            }],
            ..ChangeSet::default()
        };
        let snapshot = YearSnapshot::from_changes(&changes);
        assert_eq!(snapshot.school_year, SchoolYear(2024));
        assert_eq!(snapshot.city.as_ref().map(AreaCode::as_str), Some("3701"));
        assert_eq!(snapshot.counties[0].name, "历下区");
        assert_eq!(
            snapshot.townships.len(),
            2,
            "the school's township and the population's"
        );
        assert_eq!(snapshot.townships[0].name, "解放路街道");
        let row = &snapshot.schools[0];
        assert_eq!(
            (
                row.serves[Stage::Junior.index()],
                row.seats[Stage::Junior.index()]
            ),
            (true, 300)
        );
        assert_eq!(snapshot.school_groups, ["历下实验教育集团"]);
        assert_eq!(snapshot.students[0].class, 0);
        assert_eq!(snapshot.students[0].myopic, Some(true));
        assert_eq!(snapshot.population[0].township, 1);
    }
}
