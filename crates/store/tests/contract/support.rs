//! Fixtures shared by the contract cases: a primary school of 历下区 with
//! one class of two pupils (李小红, shown as 李*红), and helpers that read
//! the store only through its traits.

use chrono::NaiveDate;
use registry::*;
use store::prelude::*;
use store::{ApplyOptions, ApplyOutcome, AuditAction, AuditLine};

pub fn school(code: &str) -> School {
    School {
        code: SchoolCode::parse(code).unwrap(),
        name: format!("测试小学{code}"),
        county: AreaCode::parse("370102").unwrap(),
        township: Some(AreaCode::parse("370102001").unwrap()),
        stages: vec![Stage::Primary],
        ownership: Ownership::Public,
        inclusive: false,
        quality_rating: QualityRating::Unrated,
        location: Location::Urban,
        seats: vec![(Stage::Primary, 900)],
        school_group: None,
        longitude: Some(117.02),
        latitude: Some(36.66),
    }
}

pub fn class(school: &str, name: &str, size: u32) -> Class {
    Class {
        school_year: SchoolYear(2024),
        school: SchoolCode::parse(school).unwrap(),
        stage: Stage::Primary,
        grade: Grade(3),
        name: name.into(),
        size,
    }
}

pub fn student(seq: u16, school: &str, class_name: &str) -> (Student, Enrolment) {
    let birth = NaiveDate::from_ymd_opt(2016, 3, 1).unwrap();
    let id_number = IdNumber::compose("370102", birth, seq, Sex::Female);
    (
        Student {
            id_number,
            name: "李小红".into(),
            sex: Sex::Female,
            birth_date: birth,
            household_area: AreaCode::parse("370102").unwrap(),
        },
        Enrolment {
            school_year: SchoolYear(2024),
            school: SchoolCode::parse(school).unwrap(),
            stage: Stage::Primary,
            grade: Grade(3),
            class_name: Some(class_name.into()),
            migrant_child: false,
            boarder: false,
            visual_acuity: Some(4.9),
            myopic: Some(true),
        },
    )
}

/// 王老师, a mathematics teacher of school `school` in `year`.
pub fn teacher(seq: u16, school: &str, year: u16) -> (Teacher, TeachingPost) {
    let birth = NaiveDate::from_ymd_opt(1985, 6, 1).unwrap();
    (
        Teacher {
            id_number: IdNumber::compose("370102", birth, seq, Sex::Male),
            name: "王老师".into(),
            sex: Sex::Male,
            birth_year: 1985,
        },
        TeachingPost {
            school_year: SchoolYear(year),
            school: SchoolCode::parse(school).unwrap(),
            stage: Stage::Primary,
            subject: Subject::Mathematics,
            title: Title::First,
            key_teacher_level: KeyTeacherLevel::None,
            joined_school_year: SchoolYear(2020),
            qualification: Qualification::Bachelor,
        },
    )
}

/// A school with one class of two students (李小红, shown as 李*红).
pub fn one_class_of_two() -> ChangeSet {
    ChangeSet {
        schools: vec![school("2370102001")],
        classes: vec![class("2370102001", "1班", 2)],
        students: vec![student(1, "2370102001", "1班"), student(3, "2370102001", "1班")],
        ..ChangeSet::default()
    }
}

/// `count` students without a class in school 2370102001, 2024: a change
/// set large enough to be caught mid-write.
pub fn many_students(count: usize) -> ChangeSet {
    let mut changes = ChangeSet {
        schools: vec![school("2370102001")],
        ..ChangeSet::default()
    };
    'days: for day in 0..366u64 {
        for seq in 0..500u16 {
            if changes.students.len() == count {
                break 'days;
            }
            let (mut s, mut e) = student(seq * 2, "2370102001", "");
            s.birth_date = NaiveDate::from_ymd_opt(2016, 1, 1).unwrap() + chrono::Days::new(day);
            s.id_number = IdNumber::compose("370102", s.birth_date, seq * 2, Sex::Female);
            e.class_name = None;
            changes.students.push((s, e));
        }
    }
    changes
}

pub fn apply(store: &mut dyn Store, changes: &ChangeSet, options: ApplyOptions) -> ApplyOutcome {
    store
        .apply(changes, options, &mut |_, _| {})
        .unwrap_or_else(|e| panic!("apply: {e}"))
}

pub fn committed(outcome: &ApplyOutcome) -> bool {
    matches!(outcome, ApplyOutcome::Committed(_))
}

pub fn checked() -> ApplyOptions<'static> {
    ApplyOptions {
        check_class_sizes: true,
        ..ApplyOptions::default()
    }
}

/// Checked and audited as an officer's import of `学生.csv`.
pub fn audited(dry_run: bool) -> ApplyOptions<'static> {
    ApplyOptions {
        dry_run,
        check_class_sizes: true,
        update_class_sizes: false,
        audit: Some(AuditLine {
            actor: "zhang",
            action: AuditAction::Import,
            detail: "学生.csv：2 行",
        }),
        ..ApplyOptions::default()
    }
}

/// The 2024 students as `id(masked) class acuity`, in the store's order.
pub fn students_in(store: &dyn Store) -> Vec<String> {
    students_of(store, SchoolYear(2024))
}

pub fn students_of(store: &dyn Store, year: SchoolYear) -> Vec<String> {
    let mut out = Vec::new();
    store
        .for_each_student(year, &mut |s, e| {
            out.push(format!(
                "{} {} {:?}",
                s.id_number.masked(),
                e.class_name.unwrap_or_default(),
                e.visual_acuity
            ))
        })
        .unwrap();
    out
}

/// How many rows a table holds, as `Maintenance::row_counts` says.
pub fn rows(store: &dyn Store, table: &str) -> u64 {
    store
        .row_counts()
        .unwrap()
        .into_iter()
        .find(|(t, _)| t == table)
        .unwrap_or_else(|| panic!("no table {table} in row_counts"))
        .1
}

/// The import lines of the audit log, newest first, as `actor detail`.
pub fn import_lines(store: &dyn Store) -> Vec<String> {
    audit_lines(store, Some(AuditAction::Import))
}

/// Audit lines (of one action, or all), newest first, as `actor detail`.
pub fn audit_lines(store: &dyn Store, action: Option<AuditAction>) -> Vec<String> {
    store
        .audit_log(&store::accounts::AuditQuery {
            action,
            limit: 100,
            ..Default::default()
        })
        .unwrap()
        .entries
        .into_iter()
        .map(|e| format!("{} {}", e.actor, e.detail))
        .collect()
}

/// Audit actions, oldest first.
pub fn audit_actions(store: &dyn Store) -> Vec<String> {
    let mut actions: Vec<String> = store
        .audit_log(&store::accounts::AuditQuery {
            limit: 100,
            ..Default::default()
        })
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.action)
        .collect();
    actions.reverse();
    actions
}

/// Everything a reader can see of the registry, as text: two stores that
/// hold the same registry give the same lines.
pub fn registry_state(store: &dyn Store) -> Vec<String> {
    let mut lines: Vec<String> = store
        .schools()
        .unwrap()
        .iter()
        .map(|s| format!("{s:?}"))
        .collect();
    lines.push(format!("years {:?}", store.school_years().unwrap()));
    for year in store.school_years().unwrap() {
        let mut classes: Vec<String> = store
            .classes(year)
            .unwrap()
            .iter()
            .map(|c| format!("{c:?}"))
            .collect();
        classes.sort();
        lines.extend(classes);
        lines.extend(students_of(store, year));
        lines.push(format!("teachers {}", store.teachers(year).unwrap().len()));
    }
    lines.push(format!("demo {}", store.holds_demo_city().unwrap()));
    lines.extend(audit_lines(store, None));
    lines
}
