//! Every column of every entity survives export → import: a column the
//! export leaves blank, or the import does not read back, fails here by
//! entity and header.

use chrono::NaiveDate;
use import_export::{Entity, Format, PersonalData};
use registry::{
    AreaCode, Births, ChangeSet, Class, Enrolment, Grade, IdNumber, KeyTeacherLevel, Location, Ownership,
    Population, Qualification, QualityRating, School, SchoolCode, SchoolFacility, SchoolYear, Sex, Stage,
    Student, Subject, Teacher, TeachingPost, Title,
};
use store::{ApplyOptions, ApplyOutcome};

use crate::support::{import_clean, store, TestStore};

/// A store written directly (not through the importer, whose gaps would
/// then be on both sides), where every column of every entity holds a value
/// other than its blank or default, so that a column lost on either way shows.
fn full_store() -> TestStore {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let area = |code: &str| AreaCode::parse(code).unwrap();
    let kindergarten = SchoolCode::parse("3737010003").unwrap();
    let school = SchoolCode::parse("3737010004").unwrap();
    let year = SchoolYear(2024);
    let changes = ChangeSet {
        schools: vec![
            School {
                code: kindergarten.clone(),
                name: "趵突泉幼儿园".into(),
                county: area("370102"),
                township: Some(area("370102003")),
                stages: vec![Stage::Preschool],
                ownership: Ownership::Private,
                inclusive: true,
                quality_rating: QualityRating::Province,
                location: Location::Urban,
                seats: vec![(Stage::Preschool, 360)],
                school_group: Some("历下学前教育集团".into()),
                longitude: Some(117.0421),
                latitude: Some(36.6702),
            },
            School {
                code: school.clone(),
                name: "历下综合学校".into(),
                county: area("370102"),
                township: None,
                stages: vec![
                    Stage::Primary,
                    Stage::Junior,
                    Stage::Senior,
                    Stage::Vocational,
                    Stage::Special,
                ],
                ownership: Ownership::Public,
                inclusive: false,
                quality_rating: QualityRating::Unrated,
                location: Location::Rural,
                seats: vec![
                    (Stage::Primary, 1350),
                    (Stage::Junior, 900),
                    (Stage::Senior, 1200),
                    (Stage::Vocational, 300),
                    (Stage::Special, 80),
                ],
                school_group: None,
                longitude: None,
                latitude: None,
            },
        ],
        facilities: vec![SchoolFacility {
            school_year: year,
            school: school.clone(),
            teaching_floor_area: 8650.5,
            sports_ground_area: 6200.25,
            equipment_value: 1_250_000.0,
            multimedia_classrooms: 24,
        }],
        classes: vec![Class {
            school_year: year,
            school: school.clone(),
            stage: Stage::Primary,
            grade: Grade(1),
            name: "1班".into(),
            size: 1,
        }],
        students: vec![(
            Student {
                id_number: IdNumber::compose("370102", date(2018, 3, 1), 12, Sex::Female),
                name: "李小红".into(),
                sex: Sex::Female,
                birth_date: date(2018, 3, 1),
                household_area: area("410105"),
            },
            Enrolment {
                school_year: year,
                school: school.clone(),
                stage: Stage::Primary,
                grade: Grade(1),
                class_name: Some("1班".into()),
                migrant_child: true,
                boarder: true,
                visual_acuity: Some(4.8),
                myopic: Some(true),
            },
        )],
        teachers: vec![(
            Teacher {
                id_number: IdNumber::compose("370102", date(1985, 4, 12), 31, Sex::Female),
                name: "赵老师".into(),
                sex: Sex::Female,
                birth_year: 1985,
            },
            TeachingPost {
                school_year: year,
                school,
                stage: Stage::Junior,
                subject: Subject::ALL.last().copied().unwrap(),
                title: Title::ALL.last().copied().unwrap(),
                key_teacher_level: KeyTeacherLevel::City,
                joined_school_year: SchoolYear(2015),
                qualification: Qualification::ALL.last().copied().unwrap(),
            },
        )],
        population: vec![Population {
            school_year: year,
            township: area("370102001"),
            age: 6,
            children: 812,
        }],
        births: vec![
            Births {
                year: 2023,
                county: area("370102"),
                births: 5120,
            },
            Births {
                year: 2024,
                county: area("370102"),
                births: 4890,
            },
        ],
    };
    let mut source = store();
    let options = ApplyOptions {
        check_class_sizes: true,
        ..ApplyOptions::default()
    };
    let outcome = source.apply(&changes, options, &mut |_, _| {}).unwrap();
    assert!(matches!(outcome, ApplyOutcome::Committed(_)), "{outcome:?}");
    source
}

/// One entity's export as rows of cells (header first), personal data clear.
fn exported(store: &TestStore, entity: Entity, format: Format, path: &std::path::Path) -> Vec<Vec<String>> {
    // Births are by calendar year: all of them, not only the school year's.
    let year = (entity != Entity::Births).then(crate::support::year);
    import_export::export(&**store, entity, year, format, path, PersonalData::Clear).unwrap();
    let csv = path.with_extension("check.csv");
    import_export::export(&**store, entity, year, Format::Csv, &csv, PersonalData::Clear).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn every_column_round_trips(format: Format) {
    let source = full_store();
    let dir = tempfile::tempdir().unwrap();
    let extension = match format {
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
    };
    let mut before = Vec::new();
    for entity in Entity::ALL {
        let path = dir.path().join(format!("out-{}.{extension}", entity.label_zh()));
        let rows = exported(&source, *entity, format, &path);
        let headers: Vec<&str> = entity.columns().iter().map(|c| c.field.header()).collect();
        assert_eq!(
            rows.first()
                .map(|h| h.iter().map(String::as_str).collect::<Vec<_>>()),
            Some(headers.clone())
        );
        for (index, header) in headers.iter().enumerate() {
            let filled = rows
                .iter()
                .skip(1)
                .any(|row| row.get(index).is_some_and(|c| !c.is_empty()));
            assert!(
                filled,
                "{entity:?}: column {header} is exported blank in every row"
            );
        }
        before.push((*entity, path, rows));
    }

    let mut target = store();
    for (_, path, _) in &before {
        import_clean(&mut target, path);
    }
    for (entity, _, rows) in &before {
        let again = exported(
            &target,
            *entity,
            Format::Csv,
            &dir.path().join(format!("again-{}.csv", entity.code())),
        );
        assert_eq!(again.len(), rows.len(), "{entity:?}: rows");
        for (index, column) in entity.columns().iter().enumerate() {
            let values = |rows: &[Vec<String>]| -> Vec<String> {
                rows.iter()
                    .skip(1)
                    .map(|r| r.get(index).cloned().unwrap_or_default())
                    .collect()
            };
            assert_eq!(
                values(&again),
                values(rows),
                "{entity:?}: column {} changed on the way back in",
                column.field.header()
            );
        }
    }
}

#[test]
fn every_column_of_every_entity_is_exported_filled_and_imported_back_unchanged_from_csv() {
    every_column_round_trips(Format::Csv);
}

#[test]
fn every_column_of_every_entity_is_exported_filled_and_imported_back_unchanged_from_xlsx() {
    every_column_round_trips(Format::Xlsx);
}
