//! The one pass: every count the catalogue needs, per school, in a single
//! walk over a year's classes, students and teachers. Areas and school
//! groups are sums of their schools' tallies (plus population), so every
//! area value is a ratio of sums, never an average of ratios.

use registry::snapshot::{YearSnapshot, NONE, STAGES};
use registry::{Ownership, QualityRating, Stage, Title};

use crate::catalogue::Resource;
use crate::rules::{Rules, SplitWeights};

/// Grades −2 (小班) to 12 (高三).
pub const GRADES: usize = 15;

pub fn grade_index(grade: i8) -> Option<usize> {
    usize::try_from(i16::from(grade) + 2).ok().filter(|i| *i < GRADES)
}

/// Declares the counters of a stage once, so that adding one cannot be
/// forgotten in [`StageTally::add`].
macro_rules! counters {
    ($(#[$meta:meta])* $name:ident { $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq)]
        pub struct $name { $( $(#[$fmeta])* pub $field: $ty ),* }

        impl $name {
            pub fn add(&mut self, other: &$name) {
                $( self.$field += other.$field; )*
            }
        }
    };
}

counters! {
    /// Everything counted for one stage of one place.
    StageTally {
        /// Schools serving the stage.
        schools: u64,
        /// Seats the schools offer in the stage.
        seats: u64,
        classes: u64,
        class_size_sum: u64,
        large_classes: u64,
        oversize_classes: u64,
        students: u64,
        /// Students in the stage's first and last grade (高一 entrants, 九年级 leavers).
        first_grade: u64,
        last_grade: u64,
        students_in_public: u64,
        /// In public or inclusive private schools (普惠).
        students_inclusive: u64,
        /// In city- or province-rated quality kindergartens.
        students_quality: u64,
        migrant: u64,
        migrant_in_public: u64,
        boarders: u64,
        screened: u64,
        myopic: u64,
        teachers: u64,
        key_teachers: u64,
        senior_titles: u64,
        young_teachers: u64,
        older_teachers: u64,
        rotation_eligible: u64,
        above_qualified: u64,
        pe_arts: u64,
        /// The stage's share of the facilities of the schools serving it that
        /// reported them (the whole figures for a school of one stage, the
        /// part's share for one serving several — [`split_shares`]), and
        /// those schools' students of the stage (the per-student base).
        teaching_floor_area: f64,
        sports_ground_area: f64,
        equipment_value: f64,
        multimedia_classrooms: f64,
        facility_students: u64,
        /// Schools assessed against the 优质均衡 standards, and those passing.
        balanced_schools: u64,
        balanced_passing: u64,
    }
}

counters! {
    GradeTally {
        /// Schools with students in the grade.
        schools: u64,
        students: u64,
        screened: u64,
        myopic: u64,
    }
}

/// All counts of one place in one school year.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub stages: [StageTally; STAGES],
    pub grades: [GradeTally; GRADES],
    /// Schools, each once however many stages it serves.
    pub schools: u64,
    /// Schools by the set of stages they serve (bit `Stage::index`), so
    /// that the schools of any set of stages are counted once each
    /// ([`Tally::schools_serving`]).
    pub stage_sets: [u64; 1 << STAGES],
    /// Resident children aged 3–5 (preschool age); areas only.
    pub population_3_to_5: u64,
}

impl Default for Tally {
    fn default() -> Tally {
        Tally {
            stages: [StageTally::default(); STAGES],
            grades: [GradeTally::default(); GRADES],
            schools: 0,
            stage_sets: [0; 1 << STAGES],
            population_3_to_5: 0,
        }
    }
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        for (a, b) in self.stages.iter_mut().zip(&other.stages) {
            a.add(b);
        }
        for (a, b) in self.grades.iter_mut().zip(&other.grades) {
            a.add(b);
        }
        self.schools += other.schools;
        for (a, b) in self.stage_sets.iter_mut().zip(&other.stage_sets) {
            *a += b;
        }
        self.population_3_to_5 += other.population_3_to_5;
    }

    pub fn stage(&self, stage: Stage) -> &StageTally {
        &self.stages[stage.index()]
    }

    /// The sum over several stages (the "all stages" value of an indicator).
    pub fn stages_sum(&self, stages: &[Stage]) -> StageTally {
        let mut sum = StageTally::default();
        for stage in stages {
            sum.add(self.stage(*stage));
        }
        sum
    }

    /// Schools serving at least one of `stages` (each school once); all
    /// schools for no stages.
    pub fn schools_serving(&self, stages: &[Stage]) -> u64 {
        if stages.is_empty() {
            return self.schools;
        }
        let wanted = stages.iter().fold(0usize, |m, s| m | 1 << s.index());
        self.stage_sets
            .iter()
            .enumerate()
            .filter(|(set, _)| set & wanted != 0)
            .map(|(_, n)| n)
            .sum()
    }

    pub fn grade(&self, grade: i8) -> Option<&GradeTally> {
        grade_index(grade).and_then(|i| self.grades.get(i))
    }
}

/// The tallies of every school of a year (index = `snapshot.schools`), in one
/// pass over each kind of row. The 优质均衡 pass/fail of each school is
/// decided here, from its own tally, so that areas can count passing schools.
pub fn schools(snapshot: &YearSnapshot, rules: &Rules) -> Vec<Tally> {
    let year = snapshot.school_year.0;
    let mut tallies = vec![Tally::default(); snapshot.schools.len()];
    for (tally, school) in tallies.iter_mut().zip(&snapshot.schools) {
        tally.schools = 1;
        let mut set = 0;
        for stage in Stage::ALL {
            let i = stage.index();
            if school.serves[i] {
                tally.stages[i].schools = 1;
                tally.stages[i].seats = u64::from(school.seats[i]);
                set |= 1 << i;
            }
        }
        tally.stage_sets[set] = 1;
    }
    for class in &snapshot.classes {
        let Some(tally) = tallies.get_mut(class.school as usize) else {
            continue;
        };
        let s = &mut tally.stages[class.stage.index()];
        let size = u64::from(class.size);
        s.classes += 1;
        s.class_size_sum += size;
        // rules.md 班额: 大班额 56+, 超大班额 66+ (configurable).
        s.large_classes += u64::from(class.size >= rules.large_class_min);
        s.oversize_classes += u64::from(class.size >= rules.oversize_class_min);
    }
    // What a student's school contributes, looked up once per school.
    let school_flags: Vec<(bool, bool, bool)> = snapshot
        .schools
        .iter()
        .map(|s| {
            let public = s.ownership == Ownership::Public;
            let quality = matches!(s.quality_rating, QualityRating::City | QualityRating::Province);
            (public, public || s.inclusive, quality)
        })
        .collect();
    for student in &snapshot.students {
        let school = student.school as usize;
        let (Some(tally), Some(&(public, inclusive, quality))) =
            (tallies.get_mut(school), school_flags.get(school))
        else {
            continue;
        };
        let s = &mut tally.stages[student.stage.index()];
        s.students += 1;
        let grades = student.stage.grades();
        s.first_grade += u64::from(student.grade.0 == *grades.start());
        s.last_grade += u64::from(student.grade.0 == *grades.end());
        s.students_in_public += u64::from(public);
        s.students_inclusive += u64::from(inclusive);
        s.students_quality += u64::from(quality);
        s.migrant += u64::from(student.migrant_child);
        s.migrant_in_public += u64::from(student.migrant_child && public);
        s.boarders += u64::from(student.boarder);
        let screened = u64::from(student.myopic.is_some());
        let myopic = u64::from(student.myopic == Some(true));
        s.screened += screened;
        s.myopic += myopic;
        // By-grade rows cover the general stages, as the stage rows of the
        // indicators that have grades do: a 中职 高一 is not a 普高 高一.
        let general = matches!(
            student.stage,
            Stage::Preschool | Stage::Primary | Stage::Junior | Stage::Senior
        );
        if let Some(g) = grade_index(student.grade.0)
            .filter(|_| general)
            .and_then(|i| tally.grades.get_mut(i))
        {
            g.students += 1;
            g.schools = 1;
            g.screened += screened;
            g.myopic += myopic;
        }
    }
    for teacher in &snapshot.teachers {
        let Some(tally) = tallies.get_mut(teacher.school as usize) else {
            continue;
        };
        let s = &mut tally.stages[teacher.stage.index()];
        let age = year.saturating_sub(teacher.birth_year);
        s.teachers += 1;
        s.key_teachers += u64::from(teacher.key_teacher_level.is_county_or_above());
        s.senior_titles += u64::from(teacher.title >= Title::Senior);
        s.young_teachers += u64::from(age <= rules.young_teacher_max_age);
        s.older_teachers += u64::from(age >= rules.older_teacher_min_age);
        // rules.md 教师: due to rotate after 6 consecutive years at the same school.
        s.rotation_eligible +=
            u64::from(year.saturating_sub(teacher.joined_school_year.0) >= rules.rotation_min_years);
        s.above_qualified += u64::from(teacher.qualification.is_above_required(teacher.stage));
        s.pe_arts += u64::from(teacher.subject.is_pe_or_arts());
    }
    for (tally, school) in tallies.iter_mut().zip(&snapshot.schools) {
        let Some(facility) = school.facility else { continue };
        let students = |stage: Stage| tally.stages[stage.index()].students;
        for (stage, share) in split_shares(&school.serves, students, &rules.split_weights) {
            let s = &mut tally.stages[stage.index()];
            s.teaching_floor_area = facility.teaching_floor_area * share;
            s.sports_ground_area = facility.sports_ground_area * share;
            s.equipment_value = facility.equipment_value * share;
            s.multimedia_classrooms = f64::from(facility.multimedia_classrooms) * share;
            s.facility_students = s.students;
        }
    }
    for tally in &mut tallies {
        for stage in [Stage::Primary, Stage::Junior] {
            if let Some(pass) = balanced_pass(tally, stage, rules) {
                let s = &mut tally.stages[stage.index()];
                s.balanced_schools = 1;
                s.balanced_passing = u64::from(pass);
            }
        }
    }
    tallies
}

/// rules.md 优质均衡, units: a school serving several stages is split as the
/// 申报表 does — a 九年一贯制 into a 小学部 and an 初中部, a 完全中学 into its
/// 初中部 (the 高中部 is not assessed), a 十二年一贯制 into 小学部 and 初中部 — and
/// its four facility figures are divided by weighted pupils
/// ([`SplitWeights`]): the share of a part is wₛnₛ ÷ Σ wₖnₖ over the school's
/// primary, junior and senior pupils. The kind of school is known by the
/// stages it serves (the registry has no 学校类型 column).
///
/// Gives the compulsory stages the school serves with their shares; none
/// when it has no weighted pupils (nothing to divide by). A school of one
/// stage gets the share 1 exactly.
pub fn split_shares(
    serves: &[bool; STAGES],
    students: impl Fn(Stage) -> u64,
    weights: &SplitWeights,
) -> Vec<(Stage, f64)> {
    let weighted = |stage: Stage| weights.of(stage) * students(stage) as f64;
    let total: f64 = [Stage::Primary, Stage::Junior, Stage::Senior]
        .into_iter()
        .map(weighted)
        .sum();
    if total <= 0.0 {
        return Vec::new();
    }
    [Stage::Primary, Stage::Junior]
        .into_iter()
        .filter(|stage| serves[stage.index()])
        .map(|stage| (stage, weighted(stage) / total))
        .collect()
}

/// Children aged 3–5 per township (index = `snapshot.townships`).
pub fn preschool_age_population(snapshot: &YearSnapshot) -> Vec<u64> {
    let mut by_township = vec![0u64; snapshot.townships.len()];
    for row in &snapshot.population {
        if (3..=5).contains(&row.age) && row.township != NONE {
            if let Some(n) = by_township.get_mut(row.township as usize) {
                *n += u64::from(row.children);
            }
        }
    }
    by_township
}

/// A resource value of one place at a stage: (numerator, denominator), the
/// value being `numerator / denominator × scale`.
pub fn resource(s: &StageTally, resource: Resource) -> (f64, f64, f64) {
    let students = s.students as f64;
    let facility_students = s.facility_students as f64;
    match resource {
        Resource::AboveQualifiedTeachers => (s.above_qualified as f64, students, 100.0),
        Resource::KeyTeachers => (s.key_teachers as f64, students, 100.0),
        Resource::PeArtsTeachers => (s.pe_arts as f64, students, 100.0),
        Resource::TeachingFloorArea => (s.teaching_floor_area, facility_students, 1.0),
        Resource::SportsGroundArea => (s.sports_ground_area, facility_students, 1.0),
        Resource::EquipmentValue => (s.equipment_value, facility_students, 1.0),
        Resource::MultimediaClassrooms => (s.multimedia_classrooms, facility_students, 100.0),
    }
}

/// rules.md 义务教育优质均衡: a school passes when it meets at least six of
/// the seven standards and the other at no less than 85 % of its standard.
/// `None` when the school has no students of the stage or no facility report.
fn balanced_pass(tally: &Tally, stage: Stage, rules: &Rules) -> Option<bool> {
    let s = tally.stage(stage);
    if s.students == 0 || s.facility_students == 0 {
        return None;
    }
    let mut met = 0;
    let mut above_floor = 0;
    for r in Resource::ALL {
        let standard = rules.balanced_standard(stage, r)?;
        let (n, d, scale) = resource(s, r);
        let value = n / d * scale;
        // Judged on the exact value, a value a rounding error below the
        // standard being on it (9 PE teachers for 1,000 pupils meets 0.9).
        let reaches = |line: f64| value >= line || crate::judge::on_the_line(value, line);
        met += usize::from(reaches(standard));
        above_floor += usize::from(reaches(standard * rules.balanced_floor_share));
    }
    Some(met >= rules.balanced_min_met && above_floor == Resource::ALL.len())
}
