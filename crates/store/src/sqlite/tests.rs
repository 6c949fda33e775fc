//! Contract tests of the SQLite store. They use only the `Store` trait so the
//! PostgreSQL implementation can run the same cases later.

use chrono::NaiveDate;
use registry::*;

use crate::accounts::{AccountStore, AuditQuery};
use crate::prelude::*;
use crate::{ApplyOptions, ApplyOutcome, AuditAction, AuditLine};

use super::SqliteStore;

fn school(code: &str) -> School {
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

fn class(school: &str, name: &str, size: u32) -> Class {
    Class {
        school_year: SchoolYear(2024),
        school: SchoolCode::parse(school).unwrap(),
        stage: Stage::Primary,
        grade: Grade(3),
        name: name.into(),
        size,
    }
}

fn student(seq: u16, school: &str, class_name: &str) -> (Student, Enrolment) {
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

/// A school with one class of two students (李小红, shown as 李*红).
fn one_class_of_two() -> ChangeSet {
    ChangeSet {
        schools: vec![school("2370102001")],
        classes: vec![class("2370102001", "1班", 2)],
        students: vec![student(1, "2370102001", "1班"), student(3, "2370102001", "1班")],
        ..ChangeSet::default()
    }
}

fn apply(store: &mut dyn Store, changes: &ChangeSet, options: ApplyOptions) -> ApplyOutcome {
    store.apply(changes, options, &mut |_, _| {}).unwrap()
}

fn checked() -> ApplyOptions<'static> {
    ApplyOptions {
        check_class_sizes: true,
        ..ApplyOptions::default()
    }
}

fn students_in(store: &dyn Store) -> Vec<String> {
    let mut out = Vec::new();
    store
        .for_each_student(SchoolYear(2024), &mut |s, e| {
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

#[test]
fn a_new_database_holds_every_area_of_shandong() {
    let store = SqliteStore::open_in_memory().unwrap();
    let jinan = store.child_areas("3701").unwrap();
    assert_eq!(jinan.len(), 13);
    assert_eq!(store.area("370176").unwrap().unwrap().kind, AreaKind::Zone);
    assert!(store.lookup().unwrap().areas.contains("370102001002"));
}

#[test]
fn reopening_a_database_does_not_migrate_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edugov.db");
    let latest = super::MIGRATIONS.last().unwrap().0;
    let first = SqliteStore::open(&path).unwrap();
    assert_eq!(first.schema_version().unwrap(), latest);
    drop(first);
    let second = SqliteStore::open(&path).unwrap();
    assert_eq!(second.schema_version().unwrap(), latest);
    assert_eq!(second.child_areas("37").unwrap().len(), 16);
}

#[test]
fn applying_the_same_records_twice_updates_instead_of_duplicating() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut changes = one_class_of_two();
    assert!(matches!(
        apply(&mut store, &changes, checked()),
        ApplyOutcome::Committed(_)
    ));
    changes.students[0].1.visual_acuity = Some(5.1);
    changes.schools[0].name = "改名小学".into();
    assert!(matches!(
        apply(&mut store, &changes, checked()),
        ApplyOutcome::Committed(_)
    ));
    let students = students_in(&store);
    assert_eq!(students.len(), 2, "{students:?}");
    assert!(students.iter().any(|s| s.ends_with("Some(5.1)")), "{students:?}");
    assert_eq!(store.schools().unwrap()[0].name, "改名小学");
    assert_eq!(store.schools().unwrap()[0].seats, vec![(Stage::Primary, 900)]);
}

#[test]
fn a_class_size_that_disagrees_with_its_roster_rejects_the_whole_change() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let changes = ChangeSet {
        schools: vec![school("2370102001")],
        classes: vec![class("2370102001", "1班", 3)],
        students: vec![student(1, "2370102001", "1班"), student(3, "2370102001", "1班")],
        ..ChangeSet::default()
    };
    match apply(&mut store, &changes, checked()) {
        ApplyOutcome::Rejected(m) => {
            assert_eq!(m.len(), 1);
            assert_eq!((m[0].declared, m[0].listed), (3, 2));
            assert_eq!(m[0].class.name, "1班");
        }
        other => panic!("expected rejection, got {other:?}"),
    }
    assert!(store.schools().unwrap().is_empty(), "nothing may be half-written");
    assert!(students_in(&store).is_empty());
}

#[test]
fn a_class_list_may_arrive_before_its_students() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let classes_only = ChangeSet {
        schools: vec![school("2370102001")],
        classes: vec![class("2370102001", "1班", 2)],
        ..ChangeSet::default()
    };
    assert!(matches!(
        apply(&mut store, &classes_only, checked()),
        ApplyOutcome::Committed(_)
    ));
    let students = ChangeSet {
        students: vec![student(1, "2370102001", "1班"), student(3, "2370102001", "1班")],
        ..ChangeSet::default()
    };
    assert!(matches!(
        apply(&mut store, &students, checked()),
        ApplyOutcome::Committed(_)
    ));
    let one_short = ChangeSet {
        classes: vec![class("2370102001", "1班", 3)],
        ..ChangeSet::default()
    };
    assert!(matches!(
        apply(&mut store, &one_short, checked()),
        ApplyOutcome::Rejected(_)
    ));
    assert_eq!(store.classes(SchoolYear(2024)).unwrap()[0].size, 2);
}

#[test]
fn a_dry_run_validates_and_writes_nothing() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let changes = ChangeSet {
        schools: vec![school("2370102001")],
        ..ChangeSet::default()
    };
    let outcome = apply(
        &mut store,
        &changes,
        ApplyOptions {
            dry_run: true,
            check_class_sizes: true,
            ..ApplyOptions::default()
        },
    );
    assert!(matches!(outcome, ApplyOutcome::Committed(ref c) if c.schools == 1));
    assert!(store.schools().unwrap().is_empty());
}

#[test]
fn a_reference_to_a_missing_school_fails_and_rolls_back() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let changes = ChangeSet {
        schools: vec![school("2370102001")],
        classes: vec![class("2370102999", "1班", 2)],
        ..ChangeSet::default()
    };
    let err = store.apply(&changes, checked(), &mut |_, _| {}).unwrap_err();
    assert_eq!(err.to_string(), "引用的对象不存在：学校标识码 2370102999");
    assert!(store.schools().unwrap().is_empty());
}

#[test]
fn summary_counts_by_county_and_stage() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let changes = ChangeSet {
        schools: vec![school("2370102001"), school("2370102002")],
        classes: vec![class("2370102001", "1班", 2)],
        students: vec![student(1, "2370102001", "1班"), student(3, "2370102001", "1班")],
        ..ChangeSet::default()
    };
    apply(&mut store, &changes, checked());
    let rows = store.summary(SchoolYear(2024)).unwrap();
    let lines: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {} {:?} schools={} classes={} students={}",
                r.county, r.county_name, r.stage, r.schools, r.classes, r.students
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            "370102 历下区 None schools=2 classes=1 students=2",
            "370102 历下区 Some(Primary) schools=2 classes=1 students=2"
        ]
    );
    assert_eq!(store.school_years().unwrap(), vec![SchoolYear(2024)]);
}

#[test]
fn a_first_bulk_import_still_ends_with_a_unique_identity_number_index() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut changes = ChangeSet {
        schools: vec![school("2370102001")],
        ..ChangeSet::default()
    };
    // 60 birth dates × 500 sequence numbers: more persons than the threshold.
    for day in 0..60u64 {
        for seq in 0..500u16 {
            let (mut s, mut e) = student(seq * 2, "2370102001", "");
            s.birth_date = NaiveDate::from_ymd_opt(2016, 1, 1).unwrap() + chrono::Days::new(day);
            s.id_number = IdNumber::compose("370102", s.birth_date, seq * 2, Sex::Female);
            e.class_name = None;
            changes.students.push((s, e));
        }
    }
    assert!(changes.students.len() > super::write::BUILD_INDEX_AFTER);
    assert!(matches!(
        apply(&mut store, &changes, checked()),
        ApplyOutcome::Committed(_)
    ));
    let unique: String = store
        .conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'student_id_number'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        unique,
        "CREATE UNIQUE INDEX student_id_number ON student (id_number)"
    );
    // The same persons again, a year later: updated, not duplicated.
    for (_, e) in &mut changes.students {
        e.school_year = SchoolYear(2025);
        e.grade = Grade(4);
    }
    assert!(matches!(
        apply(&mut store, &changes, checked()),
        ApplyOutcome::Committed(_)
    ));
    let persons: i64 = store
        .conn
        .query_row("SELECT count(*) FROM student", [], |r| r.get(0))
        .unwrap();
    let enrolments: i64 = store
        .conn
        .query_row("SELECT count(*) FROM enrolment", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        (persons as usize, enrolments as usize),
        (changes.students.len(), 2 * changes.students.len())
    );
}

#[test]
fn one_person_in_two_school_years_of_one_change_set_is_stored_once() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let (s, e) = student(1, "2370102001", "1班");
    let mut later = e.clone();
    later.school_year = SchoolYear(2025);
    later.class_name = None;
    let changes = ChangeSet {
        schools: vec![school("2370102001")],
        classes: vec![class("2370102001", "1班", 1)],
        students: vec![(s.clone(), e), (s, later)],
        ..ChangeSet::default()
    };
    assert!(matches!(
        apply(&mut store, &changes, checked()),
        ApplyOutcome::Committed(_)
    ));
    let persons: i64 = store
        .conn
        .query_row("SELECT count(*) FROM student", [], |r| r.get(0))
        .unwrap();
    assert_eq!(persons, 1);
    assert_eq!(store.school_years().unwrap(), vec![SchoolYear(2024)]);
}

#[test]
fn persons_listed_again_in_one_change_set_keep_the_id_of_their_first_record() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let (stored, e) = student(1, "2370102001", "1班");
    let first = ChangeSet {
        schools: vec![school("2370102001")],
        classes: vec![class("2370102001", "1班", 1)],
        students: vec![(stored.clone(), e)],
        ..ChangeSet::default()
    };
    assert!(matches!(
        apply(&mut store, &first, ApplyOptions::default()),
        ApplyOutcome::Committed(_)
    ));
    let id_of = |store: &SqliteStore, seq: u16| -> i64 {
        let (s, _) = student(seq, "2370102001", "1班");
        store
            .conn
            .query_row(
                "SELECT id FROM student WHERE id_number = ?1",
                [s.id_number.as_str()],
                |r| r.get(0),
            )
            .unwrap()
    };
    let stored_id = id_of(&store, 1);

    // A new person between two records of a stored one whose name changed,
    // each listed in two later years: the new person is numbered once, and
    // every year's row points at the right person.
    let mut renamed = stored.clone();
    renamed.name = "李晓红".into();
    let (new, _) = student(4, "2370102001", "1班");
    let in_year = |year: u16| {
        let (_, mut e) = student(1, "2370102001", "1班");
        e.school_year = SchoolYear(year);
        e.class_name = None;
        e
    };
    let later = ChangeSet {
        students: vec![
            (renamed.clone(), in_year(2025)),
            (new.clone(), in_year(2025)),
            (renamed, in_year(2026)),
            (new, in_year(2026)),
        ],
        ..ChangeSet::default()
    };
    assert!(matches!(
        apply(&mut store, &later, ApplyOptions::default()),
        ApplyOutcome::Committed(_)
    ));
    assert_eq!(id_of(&store, 1), stored_id);
    let new_id = id_of(&store, 4);
    assert_ne!(new_id, stored_id);
    let rows: Vec<(u16, i64, String)> = store
        .conn
        .prepare(
            "SELECT e.school_year, e.student_id, s.name FROM enrolment e
             JOIN student s ON s.id = e.student_id ORDER BY e.school_year, e.student_id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let (low, high) = (stored_id.min(new_id), stored_id.max(new_id));
    let name = |id: i64| if id == stored_id { "李晓红" } else { "李小红" };
    let expected: Vec<(u16, i64, String)> = [(2024, stored_id)]
        .into_iter()
        .chain([2025, 2026].into_iter().flat_map(|y| [(y, low), (y, high)]))
        .map(|(y, id)| (y, id, name(id).to_owned()))
        .collect();
    assert_eq!(rows, expected);
}

/// Every row of a snapshot as text with indices resolved to codes, sorted:
/// two snapshots of the same data compare equal whatever their order.
fn canonical(s: &registry::snapshot::YearSnapshot) -> Vec<String> {
    let area = |list: &[registry::snapshot::AreaRef], i: u32| {
        list.get(i as usize)
            .map(|a| format!("{}{}", a.code, a.name))
            .unwrap_or_default()
    };
    let school = |i: u32| {
        s.schools
            .get(i as usize)
            .map(|x| x.code.to_string())
            .unwrap_or_default()
    };
    let group = |i: u32| s.school_groups.get(i as usize).cloned().unwrap_or_default();
    let class = |i: u32| {
        s.classes
            .get(i as usize)
            .map(|c| format!("{}/{:?}", school(c.school), c))
            .unwrap_or_default()
    };
    let mut lines = vec![format!("year {:?} city {:?}", s.school_year, s.city)];
    for x in &s.schools {
        lines.push(format!(
            "school {} {} {} {} {} {:?} {} {:?} {:?} {:?} {:?} {:?}",
            x.code,
            x.name,
            area(&s.counties, x.county),
            area(&s.townships, x.township),
            group(x.school_group),
            x.ownership,
            x.inclusive,
            x.quality_rating,
            x.location,
            x.serves,
            x.seats,
            x.facility
        ));
    }
    for c in &s.classes {
        lines.push(format!("class {} {:?}", school(c.school), c));
    }
    for st in &s.students {
        lines.push(format!(
            "student {} {} {:?} {:?} {:?} {} {} {:?}",
            school(st.school),
            class(st.class),
            st.stage,
            st.grade,
            st.sex,
            st.migrant_child,
            st.boarder,
            st.myopic
        ));
    }
    for t in &s.teachers {
        lines.push(format!(
            "teacher {} {:?}",
            school(t.school),
            TeacherRow { school: 0, ..*t }
        ));
    }
    for p in &s.population {
        lines.push(format!(
            "population {} {} {}",
            area(&s.townships, p.township),
            p.age,
            p.children
        ));
    }
    lines.sort();
    lines
}

use registry::snapshot::TeacherRow;

#[test]
fn the_stored_snapshot_of_a_year_equals_the_one_built_from_its_change_set() {
    let city = demo::DemoCity::generate(&demo::DemoConfig {
        scale: 0.01,
        ..demo::DemoConfig::default()
    })
    .unwrap();
    let mut store = SqliteStore::open_in_memory().unwrap();
    for year in [SchoolYear(2023), SchoolYear(2024)] {
        apply(&mut store, &city.school_year(year), checked());
    }
    let changes = city.school_year(SchoolYear(2024));
    let expected = canonical(&registry::snapshot::YearSnapshot::from_changes(&changes));
    let stored = canonical(&store.year_snapshot(SchoolYear(2024)).unwrap());
    assert!(expected.len() > 10_000, "{}", expected.len());
    assert_eq!(stored.len(), expected.len());
    for (a, b) in stored.iter().zip(&expected) {
        assert_eq!(a, b);
    }
}

#[test]
fn a_cached_snapshot_is_reused_and_refreshed_by_the_next_write() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut changes = one_class_of_two();
    apply(&mut store, &changes, checked());
    let first = store.year_snapshot(SchoolYear(2024)).unwrap();
    let cached: i64 = store
        .conn
        .query_row("SELECT count(*) FROM snapshot_cache", [], |r| r.get(0))
        .unwrap();
    assert_eq!(cached, 1);
    assert_eq!(store.year_snapshot(SchoolYear(2024)).unwrap(), first);

    // A student's screening changes: the next snapshot must show it.
    changes.students[0].1.myopic = Some(false);
    apply(&mut store, &changes, checked());
    let after_student = store.year_snapshot(SchoolYear(2024)).unwrap();
    assert_ne!(after_student, first);
    assert_eq!(
        after_student
            .students
            .iter()
            .filter(|s| s.myopic == Some(false))
            .count(),
        1
    );

    // A school-only change (no year named) must refresh every year too.
    let renamed = ChangeSet {
        schools: vec![School {
            name: "改名小学".into(),
            ..school("2370102001")
        }],
        ..ChangeSet::default()
    };
    apply(&mut store, &renamed, checked());
    assert_eq!(
        store.year_snapshot(SchoolYear(2024)).unwrap().schools[0].name,
        "改名小学"
    );

    // A dry run changes nothing, so the cache stays valid.
    let before = store.year_snapshot(SchoolYear(2024)).unwrap();
    changes.students[0].1.myopic = Some(true);
    apply(
        &mut store,
        &changes,
        ApplyOptions {
            dry_run: true,
            check_class_sizes: true,
            ..ApplyOptions::default()
        },
    );
    assert_eq!(store.year_snapshot(SchoolYear(2024)).unwrap(), before);
}

/// SQLite-specific: the statements every page request runs are parsed and
/// planned once per connection, not at each execution (see
/// `school_enrolments` in `read.rs` for why a bare `?` would not be).
#[test]
fn hot_statements_are_planned_once() {
    use chrono::{TimeZone, Utc};
    use rusqlite::StatementStatus;

    use crate::accounts::{AccountStore, NewSession, NewUserRecord};

    let mut store = SqliteStore::open_in_memory().unwrap();
    let changes = one_class_of_two();
    apply(&mut store, &changes, checked());
    let now = Utc.with_ymd_and_hms(2024, 9, 1, 8, 0, 0).unwrap();
    let user_id = store
        .create_user(&NewUserRecord {
            username: "zhang",
            display_name: "张老师",
            role: access::Role::CityAdmin,
            scope: &access::Scope::City {
                city: AreaCode::parse("3701").unwrap(),
            },
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            at: now,
        })
        .unwrap();
    let token_hash = [7u8; 32];
    store
        .create_session(&NewSession {
            token_hash: &token_hash,
            user_id,
            csrf_token: "csrf-secret",
            created_at: now,
            expires_at: now + chrono::Duration::hours(8),
        })
        .unwrap();

    let code = SchoolCode::parse("2370102001").unwrap();
    for offset in 0..3u64 {
        assert!(store.session(&token_hash, now).unwrap().is_some());
        for search in [None, Some("李")] {
            let students = store
                .school_students(&code, SchoolYear(2024), search, offset, 50)
                .unwrap();
            assert_eq!(students.len() as u64, 2 - offset);
            assert_eq!(
                store
                    .school_student_count(&code, SchoolYear(2024), search)
                    .unwrap(),
                2
            );
        }
    }

    let hot = [
        super::accounts::session_sql(),
        super::read::school_page_sql(false),
        super::read::school_page_sql(true),
        super::read::school_enrolments("count(*)", false),
        super::read::school_enrolments("count(*)", true),
    ];
    for sql in hot {
        let stmt = store.conn.prepare_cached(&sql).unwrap();
        // Ran three times: this is the cached statement, not a new one.
        assert_eq!(stmt.get_status(StatementStatus::Run), 3, "{sql}");
        assert_eq!(stmt.get_status(StatementStatus::RePrepare), 0, "{sql}");
    }
}

/// Names are masked wherever they are shown, so a search matches the
/// masked name: guessing the hidden characters finds nothing.
#[test]
fn a_student_search_matches_the_masked_name_or_the_class() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let changes = one_class_of_two();
    apply(&mut store, &changes, checked());
    let code = SchoolCode::parse("2370102001").unwrap();
    let found = |search: &str| {
        let count = store
            .school_student_count(&code, SchoolYear(2024), Some(search))
            .unwrap();
        let page = store
            .school_students(&code, SchoolYear(2024), Some(search), 0, 50)
            .unwrap();
        assert_eq!(page.len() as u64, count, "{search}");
        count
    };
    // 李小红 is shown as 李*红.
    assert_eq!(found("李"), 2);
    assert_eq!(found("红"), 2);
    assert_eq!(found("李*红"), 2);
    assert_eq!(found("1班"), 2);
    assert_eq!(found("小"), 0);
    assert_eq!(found("李小红"), 0);
    assert_eq!(found("%"), 0);
}

/// A school page's search box names a grade and a class as a teacher says
/// them: `二年级3班` is the 3rd class of grade 2, not grade 3's, nor `13班`.
#[test]
fn a_student_search_by_grade_and_class_finds_that_class_of_that_grade() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let code = "2370102001";
    let in_grade = |(mut s, mut e): (Student, Enrolment), grade: i8| {
        e.grade = Grade(grade);
        s.name = "王小明".into();
        (s, e)
    };
    let mut classes = Vec::new();
    let mut students = Vec::new();
    let mut seq = 1;
    // Grade 2: 3班 (2), 13班 (1); grade 3: 3班 (1); grade 8 (初二): 3班 (1).
    for (grade, name, size) in [(2, "3班", 2), (2, "13班", 1), (3, "3班", 1), (8, "3班", 1)] {
        let mut c = class(code, name, size);
        c.grade = Grade(grade);
        if grade == 8 {
            c.stage = Stage::Junior;
        }
        classes.push(c);
        for _ in 0..size {
            let mut row = in_grade(student(seq, code, name), grade);
            if grade == 8 {
                row.1.stage = Stage::Junior;
            }
            students.push(row);
            seq += 2;
        }
    }
    let changes = ChangeSet {
        schools: vec![school(code)],
        classes,
        students,
        ..ChangeSet::default()
    };
    apply(&mut store, &changes, checked());
    let code = SchoolCode::parse(code).unwrap();
    let found = |search: &str| -> Vec<String> {
        let count = store
            .school_student_count(&code, SchoolYear(2024), Some(search))
            .unwrap();
        let page = store
            .school_students(&code, SchoolYear(2024), Some(search), 0, 50)
            .unwrap();
        assert_eq!(page.len() as u64, count, "{search}");
        page.iter()
            .map(|(_, e)| format!("{}/{}", e.grade.0, e.class_name.clone().unwrap_or_default()))
            .collect()
    };
    for search in ["二年级3班", "二年级 3班", "二年级（3）班", "二年级3", "2年级3班"] {
        assert_eq!(found(search), ["2/3班", "2/3班"], "{search}");
    }
    assert_eq!(found("二年级"), ["2/3班", "2/3班", "2/13班"]);
    assert_eq!(found("二年级13班"), ["2/13班"]);
    assert_eq!(found("三年级3班"), ["3/3班"]);
    assert_eq!(found("初二3班"), ["8/3班"]);
    assert_eq!(found("八年级3班"), ["8/3班"]);
    // Without a grade, as before: class names and masked names anywhere.
    assert_eq!(found("3班").len(), 5);
    assert_eq!(found("13班"), ["2/13班"]);
    assert_eq!(found("王*明").len(), 5);
    assert_eq!(found("二年级王*明").len(), 3);
    // Nothing of the text is SQL or a wildcard.
    assert!(found("二年级%").is_empty());
    assert!(found("二年级_班").is_empty());
    assert!(found("一年级3班").is_empty());
    assert!(found("二年级3班' OR 1=1 --").is_empty());
}

/// A person's latest placement is found whatever else the database keeps
/// (a database written before revisions were recorded has none).
#[test]
fn a_persons_latest_placement_is_found() {
    use crate::PersonKind;

    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut changes = one_class_of_two();
    for (_, e) in &mut changes.students {
        e.school_year = SchoolYear(2023);
    }
    for c in &mut changes.classes {
        c.school_year = SchoolYear(2023);
    }
    apply(&mut store, &changes, checked());
    apply(&mut store, &one_class_of_two(), checked());
    store.conn.execute("DELETE FROM registry_revision", []).unwrap();

    let id = &changes.students[0].0.id_number;
    let unknown = IdNumber::compose(
        "370102",
        NaiveDate::from_ymd_opt(2016, 3, 1).unwrap(),
        9,
        Sex::Female,
    );
    let found = store
        .latest_placements(PersonKind::Student, &[id, &unknown])
        .unwrap();
    assert_eq!(
        found,
        [
            Some(registry::transfer::Placement {
                school_year: SchoolYear(2024),
                school: SchoolCode::parse("2370102001").unwrap(),
                stage: Stage::Primary,
                grade: Some(Grade(3)),
            }),
            None
        ]
    );
    // Teachers: none stored.
    assert_eq!(
        store.latest_placements(PersonKind::Teacher, &[id]).unwrap(),
        [None]
    );
}

mod transfers {
    //! Transfer requests: filed with an import, decided by the releasing
    //! side in one transaction with the move and the audit line.

    use chrono::{DateTime, Utc};

    use super::*;
    use crate::{
        DecideOutcome, NewTransfer, PersonKind, TransferDecision, TransferQuery, TransferRow, TransferStatus,
    };

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-09-01T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    /// 李小红 (seq 1) sits in school 001's 1班 with one classmate; school 002
    /// (another county, 370112) has a 1班 of one, declared as two because
    /// its officer's file listed her there.
    fn two_schools() -> (SqliteStore, NewTransfer) {
        let mut store = SqliteStore::open_in_memory().unwrap();
        let mut changes = one_class_of_two();
        let mut other = school("2370112002");
        other.county = AreaCode::parse("370112").unwrap();
        other.township = None;
        changes.schools.push(other);
        changes.classes.push(class("2370112002", "1班", 1));
        changes.students.push(student(5, "2370112002", "1班"));
        apply(&mut store, &changes, checked());
        let (mut pupil, mut enrolment) = student(1, "2370112002", "1班");
        pupil.name = "李晓红".into();
        pupil.household_area = AreaCode::parse("370112").unwrap();
        enrolment.visual_acuity = Some(5.0);
        let request = NewTransfer {
            row: TransferRow::Student(pupil, enrolment),
            to_county: AreaCode::parse("370112").unwrap(),
            from: registry::transfer::Placement {
                school_year: SchoolYear(2024),
                school: SchoolCode::parse("2370102001").unwrap(),
                stage: Stage::Primary,
                grade: Some(Grade(3)),
            },
            from_county: AreaCode::parse("370102").unwrap(),
            source: "学生.csv 第 2 行".into(),
            requested_by: "licheng".into(),
            requested_at: at(),
        };
        // The receiving officer's file declares 1班 as two: the pending
        // pupil counts among its listed pupils, so the check passes.
        let declared = ChangeSet {
            classes: vec![class("2370112002", "1班", 2)],
            ..ChangeSet::default()
        };
        let outcome = store
            .apply_with_transfers(
                &declared,
                checked(),
                std::slice::from_ref(&request),
                &mut |_, _| {},
            )
            .unwrap();
        assert!(matches!(outcome, ApplyOutcome::Committed(_)), "{outcome:?}");
        (store, request)
    }

    fn sizes(store: &SqliteStore) -> Vec<(String, u32)> {
        store
            .classes(SchoolYear(2024))
            .unwrap()
            .into_iter()
            .map(|c| (c.school.to_string(), c.size))
            .collect()
    }

    fn audit_actions(store: &SqliteStore) -> Vec<String> {
        let mut stmt = store
            .conn
            .prepare("SELECT action FROM audit_log ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn a_filed_request_changes_nothing_until_approved_then_moves_the_pupil() {
        let (mut store, request) = two_schools();
        let id = request.row.id_number().clone();
        let pending = store
            .transfers(&TransferQuery {
                county: Some(AreaCode::parse("370102").unwrap()),
                status: Some(TransferStatus::Pending),
                limit: 10,
                ..TransferQuery::default()
            })
            .unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].request, request);
        let before = store.latest_placements(PersonKind::Student, &[&id]).unwrap();
        assert_eq!(before[0].as_ref().unwrap().school.as_str(), "2370102001");

        let outcome = store
            .decide_transfer(pending[0].id, &TransferDecision::Approve, "lixia", at())
            .unwrap();
        assert_eq!(outcome, DecideOutcome::Decided);
        let after = store.latest_placements(PersonKind::Student, &[&id]).unwrap();
        assert_eq!(after[0].as_ref().unwrap().school.as_str(), "2370112002");
        // The shared record took the row's values.
        let mut name = String::new();
        store
            .for_each_student(SchoolYear(2024), &mut |s, _| {
                if s.id_number == id {
                    name = s.name;
                }
            })
            .unwrap();
        assert_eq!(name, "李晓红");
        // 班额 follows: the class left has one pupil, the one joined two.
        assert_eq!(
            sizes(&store),
            [("2370102001".to_owned(), 1), ("2370112002".to_owned(), 2)]
        );
        assert_eq!(audit_actions(&store), ["transfer_request", "transfer_approve"]);
        let decided = store.transfer(pending[0].id).unwrap().unwrap();
        assert_eq!(decided.status, TransferStatus::Approved);
        assert_eq!(decided.decided_by.as_deref(), Some("lixia"));
        // Twice: nothing more happens.
        assert_eq!(
            store
                .decide_transfer(pending[0].id, &TransferDecision::Approve, "lixia", at())
                .unwrap(),
            DecideOutcome::NotPending
        );
        assert_eq!(audit_actions(&store).len(), 2);
    }

    #[test]
    fn a_refusal_keeps_the_pupil_and_takes_them_out_of_the_receiving_class() {
        let (mut store, _) = two_schools();
        let refuse = TransferDecision::Refuse {
            reason: "家长未同意".into(),
        };
        assert_eq!(
            store.decide_transfer(1, &refuse, "lixia", at()).unwrap(),
            DecideOutcome::Decided
        );
        let r = store.transfer(1).unwrap().unwrap();
        assert_eq!(r.status, TransferStatus::Refused);
        assert_eq!(r.reason.as_deref(), Some("家长未同意"));
        assert_eq!(
            sizes(&store),
            [("2370102001".to_owned(), 2), ("2370112002".to_owned(), 1)]
        );
        assert_eq!(audit_actions(&store), ["transfer_request", "transfer_refuse"]);
        assert_eq!(store.pending_transfers_by("licheng").unwrap(), 0);
    }

    #[test]
    fn a_request_filed_again_replaces_the_pending_one_and_a_refusal_refreshes_the_indicators() {
        let (mut store, request) = two_schools();
        // The officer corrects its file and imports it again: one pending
        // request, and the class still counts the pupil once.
        let declared = ChangeSet {
            classes: vec![class("2370112002", "1班", 2)],
            ..ChangeSet::default()
        };
        let outcome = store
            .apply_with_transfers(
                &declared,
                checked(),
                std::slice::from_ref(&request),
                &mut |_, _| {},
            )
            .unwrap();
        assert!(matches!(outcome, ApplyOutcome::Committed(_)), "{outcome:?}");
        assert_eq!(store.pending_transfers_by("licheng").unwrap(), 1);
        assert_eq!(
            store.transfer(1).unwrap().unwrap().status,
            TransferStatus::Withdrawn
        );
        let before = store.registry_revision().unwrap();
        let refuse = TransferDecision::Refuse {
            reason: "重复".into(),
        };
        assert_eq!(
            store.decide_transfer(2, &refuse, "lixia", at()).unwrap(),
            DecideOutcome::Decided
        );
        // The receiving class's size changed: cached figures are rebuilt.
        assert_eq!(
            sizes(&store),
            [("2370102001".to_owned(), 2), ("2370112002".to_owned(), 1)]
        );
        assert!(store.registry_revision().unwrap() > before);
    }

    #[test]
    fn approving_one_schools_request_withdraws_the_others_for_the_same_pupil() {
        let (mut store, request) = two_schools();
        // A third school of 370112 asked for the same pupil too.
        let mut third = school("2370112003");
        third.county = AreaCode::parse("370112").unwrap();
        third.township = None;
        let mut second = request.clone();
        if let TransferRow::Student(_, e) = &mut second.row {
            e.school = third.code.clone();
            e.class_name = None;
        }
        let changes = ChangeSet {
            schools: vec![third],
            ..ChangeSet::default()
        };
        store
            .apply_with_transfers(&changes, checked(), &[second], &mut |_, _| {})
            .unwrap();
        assert_eq!(store.pending_transfers_by("licheng").unwrap(), 2);
        assert_eq!(
            store
                .decide_transfer(1, &TransferDecision::Approve, "lixia", at())
                .unwrap(),
            DecideOutcome::Decided
        );
        let other = store.transfer(2).unwrap().unwrap();
        assert_eq!(other.status, TransferStatus::Withdrawn);
        assert_eq!(store.pending_transfers_by("licheng").unwrap(), 0);
    }

    #[test]
    fn a_request_overtaken_by_another_move_is_not_approved() {
        let (mut store, _) = two_schools();
        // The city moves the pupil to a third school meanwhile.
        let mut third = school("2370102003");
        third.township = None;
        let changes = ChangeSet {
            schools: vec![third],
            classes: vec![class("2370102003", "1班", 1), class("2370102001", "1班", 1)],
            students: vec![student(1, "2370102003", "1班")],
            ..ChangeSet::default()
        };
        apply(&mut store, &changes, checked());
        assert_eq!(
            store
                .decide_transfer(1, &TransferDecision::Approve, "lixia", at())
                .unwrap(),
            DecideOutcome::Stale
        );
        assert_eq!(
            store.transfer(1).unwrap().unwrap().status,
            TransferStatus::Pending
        );
        assert_eq!(audit_actions(&store), ["transfer_request"]);
    }

    #[test]
    fn an_import_rejected_for_class_sizes_files_no_request() {
        let mut store = SqliteStore::open_in_memory().unwrap();
        apply(&mut store, &one_class_of_two(), checked());
        let (_, request) = two_schools();
        let wrong = ChangeSet {
            classes: vec![class("2370102001", "1班", 5)],
            ..ChangeSet::default()
        };
        let outcome = store
            .apply_with_transfers(&wrong, checked(), std::slice::from_ref(&request), &mut |_, _| {})
            .unwrap();
        assert!(matches!(outcome, ApplyOutcome::Rejected(_)));
        assert_eq!(store.pending_transfers_by("licheng").unwrap(), 0);
        assert!(
            audit_actions(&store).is_empty(),
            "the filing's audit line went with it"
        );
    }
}

fn import_lines(store: &SqliteStore) -> Vec<String> {
    store
        .audit_log(&AuditQuery {
            action: Some(AuditAction::Import),
            limit: 10,
            ..AuditQuery::default()
        })
        .unwrap()
        .entries
        .into_iter()
        .map(|e| format!("{} {}", e.actor, e.detail))
        .collect()
}

fn audited(dry_run: bool) -> ApplyOptions<'static> {
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

#[test]
fn an_applied_change_writes_its_audit_line_with_it() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let outcome = apply(&mut store, &one_class_of_two(), audited(false));
    assert!(matches!(outcome, ApplyOutcome::Committed(_)));
    assert_eq!(students_in(&store).len(), 2);
    assert_eq!(import_lines(&store), ["zhang 学生.csv：2 行"]);
}

#[test]
fn a_rejected_change_or_a_dry_run_leaves_no_audit_line() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut wrong = one_class_of_two();
    wrong.classes[0].size = 3;
    let outcome = apply(&mut store, &wrong, audited(false));
    assert!(matches!(outcome, ApplyOutcome::Rejected(_)));
    let outcome = apply(&mut store, &one_class_of_two(), audited(true));
    assert!(matches!(outcome, ApplyOutcome::Committed(_)));
    assert!(students_in(&store).is_empty());
    assert!(import_lines(&store).is_empty());
}

/// Adding one pupil to a class that holds two: checked, the change is
/// refused; with `update_class_sizes` the class's 班额 becomes three in the
/// same transaction, the change says so, and so does its audit line.
#[test]
fn a_class_size_follows_its_roster_when_asked_and_only_then() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let other = ChangeSet {
        classes: vec![class("2370102001", "2班", 1)],
        students: vec![student(5, "2370102001", "2班")],
        ..ChangeSet::default()
    };
    assert!(matches!(
        apply(&mut store, &one_class_of_two(), checked()),
        ApplyOutcome::Committed(_)
    ));
    assert!(matches!(
        apply(&mut store, &other, checked()),
        ApplyOutcome::Committed(_)
    ));
    let one_more = ChangeSet {
        students: vec![student(7, "2370102001", "1班")],
        ..ChangeSet::default()
    };
    assert!(matches!(
        apply(&mut store, &one_more, checked()),
        ApplyOutcome::Rejected(ref m) if (m[0].declared, m[0].listed) == (2, 3)
    ));
    let sizes = |store: &SqliteStore| -> Vec<(String, u32)> {
        let mut out: Vec<_> = store
            .classes(SchoolYear(2024))
            .unwrap()
            .into_iter()
            .map(|c| (c.name, c.size))
            .collect();
        out.sort();
        out
    };
    assert_eq!(sizes(&store), [("1班".to_owned(), 2), ("2班".to_owned(), 1)]);

    let following = ApplyOptions {
        update_class_sizes: true,
        ..audited(false)
    };
    match apply(
        &mut store,
        &one_more,
        ApplyOptions {
            dry_run: true,
            ..following
        },
    ) {
        ApplyOutcome::Committed(c) => assert_eq!(c.resized_classes.len(), 1),
        other => panic!("expected a valid dry run, got {other:?}"),
    }
    assert_eq!(sizes(&store), [("1班".to_owned(), 2), ("2班".to_owned(), 1)]);
    match apply(&mut store, &one_more, following) {
        ApplyOutcome::Committed(c) => {
            let resized: Vec<_> = c
                .resized_classes
                .iter()
                .map(|r| (r.class.name.as_str(), r.declared, r.listed))
                .collect();
            assert_eq!(resized, [("1班", 2, 3)]);
        }
        other => panic!("expected the change to commit, got {other:?}"),
    }
    assert_eq!(sizes(&store), [("1班".to_owned(), 3), ("2班".to_owned(), 1)]);
    assert_eq!(students_in(&store).len(), 4);
    assert_eq!(
        import_lines(&store),
        ["zhang 学生.csv：2 行；班额随学生名单更新 1 个班：2370102001 2024 三年级1班 2→3"]
    );
    // In step now: the same file again changes no size and says none.
    match apply(&mut store, &one_more, following) {
        ApplyOutcome::Committed(c) => assert!(c.resized_classes.is_empty()),
        other => panic!("expected the change to commit, got {other:?}"),
    }
}

/// The audit line cannot be written (forced here by a trigger): the change
/// fails and nothing of it is kept. When the line was written after the
/// commit, the data stayed while the user was told the import failed.
#[test]
fn a_change_whose_audit_line_fails_is_not_written_at_all() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    store
        .conn
        .execute_batch(
            "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log
             BEGIN SELECT RAISE(ABORT, 'forced failure'); END;",
        )
        .unwrap();
    let failed = store.apply(&one_class_of_two(), audited(false), &mut |_, _| {});
    assert!(failed.is_err());
    // The long wait for a write's turn ends with the write, failed or not.
    let timeout: i64 = store
        .conn
        .pragma_query_value(None, "busy_timeout", |r| r.get(0))
        .unwrap();
    assert_eq!(timeout, 30_000);
    assert!(students_in(&store).is_empty());
    assert!(store.schools().unwrap().is_empty());
    store.conn.execute_batch("DROP TRIGGER audit_fails").unwrap();
    assert!(import_lines(&store).is_empty());
}

/// Two writers on one database file, each with its own connection, started
/// together many times: every change set commits (issue 10, point 5). A
/// student file's change set starts with reads (school and class ids), and
/// as a deferred transaction the second writer then failed with
/// SQLITE_BUSY_SNAPSHOT ("database is locked"), which the busy timeout does
/// not retry.
#[test]
fn two_connections_writing_students_at_once_both_commit() {
    const ROUNDS: u16 = 40;
    const SCHOOLS: [&str; 2] = ["2370102001", "2370102002"];
    let in_year = |round: u16, mut changes: ChangeSet| {
        let year = SchoolYear(2000 + round);
        changes.classes.iter_mut().for_each(|c| c.school_year = year);
        changes
            .students
            .iter_mut()
            .for_each(|(_, e)| e.school_year = year);
        changes
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("concurrent.db");
    let mut setup = SqliteStore::open(&path).unwrap();
    for round in 0..ROUNDS {
        let classes = ChangeSet {
            schools: SCHOOLS.iter().map(|code| school(code)).collect(),
            classes: SCHOOLS.iter().map(|code| class(code, "1班", 2)).collect(),
            ..ChangeSet::default()
        };
        apply(&mut setup, &in_year(round, classes), ApplyOptions::default());
    }
    drop(setup);

    let start = std::sync::Barrier::new(SCHOOLS.len());
    let results: Vec<(u16, Vec<String>)> = std::thread::scope(|scope| {
        let writers: Vec<_> = SCHOOLS
            .iter()
            .enumerate()
            .map(|(w, code)| {
                let (path, start) = (&path, &start);
                scope.spawn(move || {
                    let mut store = SqliteStore::open(path).unwrap();
                    let (mut committed, mut failures) = (0, Vec::new());
                    for round in 0..ROUNDS {
                        let seq = 100 * (w as u16 + 1) + 2 * round;
                        let students = ChangeSet {
                            students: vec![student(seq, code, "1班"), student(seq + 1, code, "1班")],
                            ..ChangeSet::default()
                        };
                        let changes = in_year(round, students);
                        start.wait();
                        match store.apply(&changes, checked(), &mut |_, _| {}) {
                            Ok(ApplyOutcome::Committed(_)) => committed += 1,
                            Ok(rejected) => failures.push(format!("{rejected:?}")),
                            Err(err) => failures.push(err.to_string()),
                        }
                    }
                    (committed, failures)
                })
            })
            .collect();
        writers.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let committed: u16 = results.iter().map(|r| r.0).sum();
    eprintln!(
        "concurrent student change sets committed: {committed} of {}",
        ROUNDS * SCHOOLS.len() as u16
    );
    let failures: Vec<&String> = results.iter().flat_map(|r| &r.1).collect();
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(committed, ROUNDS * SCHOOLS.len() as u16);
}

/// The snapshot cache is only speed: behind another connection's long write
/// a reader builds the snapshot and goes on, rather than wait the whole busy
/// timeout (30 s) to cache it — the web's indicators waited so behind an
/// import.
#[test]
fn a_snapshot_is_not_held_up_by_another_connections_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let mut store = SqliteStore::open(&path).unwrap();
    apply(&mut store, &one_class_of_two(), checked());
    let mut writer = SqliteStore::open(&path).unwrap();
    let tx = super::write::begin_write(&mut writer.conn).unwrap();
    let started = std::time::Instant::now();
    let snapshot = store.year_snapshot(SchoolYear(2024)).unwrap();
    assert_eq!(snapshot.students.len(), 2);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    drop(tx);
}

/// A number stored by an earlier version, under looser rules (the demo once
/// gave 高新区's children its statistical code 370176, which no identity
/// number carries), still reads: the registry stays usable.
#[test]
fn a_number_stored_under_earlier_rules_still_reads() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let changes = one_class_of_two();
    apply(&mut store, &changes, checked());
    let old = IdNumber::compose(
        "370176",
        NaiveDate::from_ymd_opt(2016, 3, 1).unwrap(),
        1,
        Sex::Female,
    );
    assert!(IdNumber::parse(old.as_str(), NaiveDate::MAX).is_err());
    store
        .conn
        .execute(
            "UPDATE student SET id_number = ?1 WHERE id_number = ?2",
            [old.as_str(), changes.students[0].0.id_number.as_str()],
        )
        .unwrap();
    let listed = students_in(&store);
    assert!(listed.iter().any(|s| s.starts_with("370176")), "{listed:?}");
}

fn demo(dry_run: bool) -> ApplyOptions<'static> {
    ApplyOptions {
        dry_run,
        check_class_sizes: true,
        audit: Some(AuditLine {
            actor: "edugov",
            action: AuditAction::Demo,
            detail: "scale=0.01 seed=42",
        }),
        mark_demo: true,
        update_class_sizes: false,
    }
}

#[test]
fn the_demo_mark_commits_with_the_demo_and_a_later_real_import_keeps_it() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    assert!(!store.holds_demo_city().unwrap());
    apply(&mut store, &one_class_of_two(), demo(false));
    assert!(store.holds_demo_city().unwrap());
    // A real import into the demo: most of the data is still synthetic.
    apply(&mut store, &one_class_of_two(), audited(false));
    assert!(store.holds_demo_city().unwrap());
    // Only clearing the registry takes the mark away.
    store.clear_registry().unwrap();
    assert!(!store.holds_demo_city().unwrap());
}

#[test]
fn a_rejected_or_dry_run_demo_leaves_no_mark() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut wrong = one_class_of_two();
    wrong.classes[0].size = 3;
    assert!(matches!(
        apply(&mut store, &wrong, demo(false)),
        ApplyOutcome::Rejected(_)
    ));
    assert!(!store.holds_demo_city().unwrap());
    assert!(matches!(
        apply(&mut store, &one_class_of_two(), demo(true)),
        ApplyOutcome::Committed(_)
    ));
    assert!(!store.holds_demo_city().unwrap());
}

#[test]
fn a_real_import_alone_does_not_mark_the_demo() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    apply(&mut store, &one_class_of_two(), audited(false));
    assert!(!store.holds_demo_city().unwrap());
}

/// SQLite-specific: a database filled with the demo city before migration
/// 0008 is marked when it is opened by this version (its audit log says the
/// demo was generated and schools are stored); a real one is not.
#[test]
fn a_demo_database_from_before_the_mark_is_marked_by_its_migration() {
    let dir = tempfile::tempdir().unwrap();
    for (options, marked) in [(demo(false), true), (audited(false), false)] {
        let path = dir.path().join(format!("{marked}.db"));
        let mut store = SqliteStore::open(&path).unwrap();
        apply(&mut store, &one_class_of_two(), options);
        store
            .conn
            .execute_batch("DROP TABLE demo_marker; DELETE FROM schema_migrations WHERE version = 8;")
            .unwrap();
        drop(store);
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), 8);
        assert_eq!(store.holds_demo_city().unwrap(), marked);
    }
}
