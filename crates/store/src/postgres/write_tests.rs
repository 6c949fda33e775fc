//! Tests of the PostgreSQL write side, read back with plain SQL (the read
//! side is tested by the contract suite). Each test creates its own
//! database under `EDUGOV_TEST_PG` and drops it; without that variable they
//! are skipped with one line — unless `CI=true`, where they fail.

use chrono::{DateTime, NaiveDate, Utc};
use registry::*;

use super::PgStore;
use crate::prelude::*;
use crate::{
    ApplyOptions, ApplyOutcome, AuditAction, AuditLine, DecideOutcome, NewTransfer, StoreError,
    TransferDecision, TransferRow,
};

/// A database of its own for one test, dropped afterwards.
struct TestDb {
    admin: String,
    name: String,
    url: String,
}

impl TestDb {
    fn new(tag: &str) -> Option<TestDb> {
        let Ok(base) = std::env::var("EDUGOV_TEST_PG") else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but EDUGOV_TEST_PG is unset: the PostgreSQL tests would be skipped"
            );
            eprintln!("skipped {tag}: EDUGOV_TEST_PG is not set");
            return None;
        };
        let base = base.trim_end_matches('/').to_owned();
        let name = format!("pgwrite_{tag}_{}", std::process::id());
        let admin = format!("{base}/postgres");
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        // Two statements: neither may run inside a transaction block.
        client
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        Some(TestDb {
            admin,
            url: format!("{base}/{name}"),
            name,
        })
    }

    fn open(&self) -> PgStore {
        PgStore::open(&self.url).unwrap()
    }

    fn sql(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }

    fn count(&self, query: &str) -> i64 {
        self.sql().query_one(query, &[]).unwrap().get(0)
    }

    fn texts(&self, query: &str) -> Vec<String> {
        self.sql()
            .query(query, &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

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
    (
        Student {
            id_number: IdNumber::compose("370102", birth, seq, Sex::Female),
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

fn one_class_of_two() -> ChangeSet {
    ChangeSet {
        schools: vec![school("2370102001")],
        classes: vec![class("2370102001", "1班", 2)],
        students: vec![student(1, "2370102001", "1班"), student(3, "2370102001", "1班")],
        ..ChangeSet::default()
    }
}

fn apply(store: &mut PgStore, changes: &ChangeSet, options: ApplyOptions) -> ApplyOutcome {
    store.apply(changes, options, &mut |_, _| {}).unwrap()
}

fn checked() -> ApplyOptions<'static> {
    ApplyOptions {
        check_class_sizes: true,
        ..ApplyOptions::default()
    }
}

fn audited(dry_run: bool, update_class_sizes: bool) -> ApplyOptions<'static> {
    ApplyOptions {
        dry_run,
        check_class_sizes: true,
        update_class_sizes,
        audit: Some(AuditLine {
            actor: "admin",
            action: AuditAction::Import,
            detail: "学生.csv",
        }),
        mark_demo: false,
    }
}

#[test]
fn a_new_database_is_seeded_with_every_area_by_copy() {
    let Some(db) = TestDb::new("areas") else { return };
    let started = std::time::Instant::now();
    let areas = registry::divisions::all().len();
    let listed = started.elapsed();
    let started = std::time::Instant::now();
    drop(db.open());
    eprintln!(
        "opening a new PostgreSQL database: {:?} (listing its {areas} areas alone: {listed:?})",
        started.elapsed()
    );
    assert_eq!(
        db.count("SELECT count(*) FROM area") as usize,
        registry::divisions::all().len()
    );
    assert_eq!(
        db.texts("SELECT parent_code || ' ' || level || ' ' || kind FROM area WHERE code = '370102'"),
        ["3701 county regular"]
    );
}

#[test]
fn applying_twice_updates_in_place_and_a_person_is_one_row_across_years() {
    let Some(db) = TestDb::new("upsert") else { return };
    let mut store = db.open();
    let mut progress = Vec::new();
    let outcome = store
        .apply(&one_class_of_two(), checked(), &mut |done, total| {
            progress.push((done, total))
        })
        .unwrap();
    let ApplyOutcome::Committed(counts) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!((counts.schools, counts.classes, counts.students), (1, 1, 2));
    assert_eq!(progress.last(), Some(&(4, 4)));

    // Again, with a changed acuity and the same pupil in the next year too.
    let mut again = one_class_of_two();
    again.students[0].1.visual_acuity = Some(5.1);
    let (pupil, mut next) = student(1, "2370102001", "1班");
    next.school_year = SchoolYear(2025);
    next.class_name = None;
    again.students.push((pupil, next));
    apply(&mut store, &again, ApplyOptions::default());
    assert_eq!(db.count("SELECT count(*) FROM school"), 1);
    assert_eq!(db.count("SELECT count(*) FROM school_stage"), 1);
    assert_eq!(db.count("SELECT count(*) FROM class"), 1);
    assert_eq!(db.count("SELECT count(*) FROM student"), 2);
    assert_eq!(db.count("SELECT count(*) FROM enrolment"), 3);
    assert_eq!(
        db.texts(
            "SELECT e.school_year || ' ' || coalesce(e.visual_acuity::text, '-') FROM enrolment e
             JOIN student s ON s.id = e.student_id
             WHERE s.id_number = (SELECT min(id_number) FROM student) ORDER BY e.school_year"
        ),
        ["2024 5.099999904632568", "2025 4.900000095367432"]
    );
    // Every touched year is bumped, schools as year 0, once per write.
    assert_eq!(
        db.texts("SELECT school_year || ':' || revision FROM registry_revision ORDER BY school_year"),
        ["0:2", "2024:2", "2025:1"]
    );
}

#[test]
fn a_missing_class_is_an_unknown_reference_and_nothing_is_written() {
    let Some(db) = TestDb::new("unknown") else { return };
    let mut store = db.open();
    let mut changes = one_class_of_two();
    changes.students[1].1.class_name = Some("9班".into());
    let err = store.apply(&changes, checked(), &mut |_, _| {}).unwrap_err();
    assert!(
        matches!(&err, StoreError::UnknownReference(what) if what.contains("9班")),
        "{err:?}"
    );
    let changes = ChangeSet {
        classes: vec![class("2370102999", "1班", 1)],
        ..ChangeSet::default()
    };
    let err = store.apply(&changes, checked(), &mut |_, _| {}).unwrap_err();
    assert!(matches!(&err, StoreError::UnknownReference(what) if what.contains("2370102999")));
    assert_eq!(db.count("SELECT count(*) FROM school"), 0);
    assert_eq!(db.count("SELECT count(*) FROM registry_revision"), 0);
}

#[test]
fn class_sizes_reject_or_follow_and_the_audit_line_commits_with_the_change_only() {
    let Some(db) = TestDb::new("sizes") else { return };
    let mut store = db.open();
    apply(&mut store, &one_class_of_two(), checked());
    let mut three = ChangeSet {
        students: vec![student(5, "2370102001", "1班")],
        ..ChangeSet::default()
    };
    // Rejected: 1班 is declared two and would list three.
    let outcome = apply(&mut store, &three, audited(false, false));
    let ApplyOutcome::Rejected(mismatches) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!((mismatches[0].declared, mismatches[0].listed), (2, 3));
    // A dry run that would follow: valid, written nowhere.
    let outcome = apply(&mut store, &three, audited(true, true));
    assert!(matches!(outcome, ApplyOutcome::Committed(_)));
    assert_eq!(db.count("SELECT count(*) FROM enrolment"), 2);
    assert_eq!(db.count("SELECT count(*) FROM audit_log"), 0);
    // Follow: the size becomes three, and the audit line says so.
    let outcome = apply(&mut store, &three, audited(false, true));
    let ApplyOutcome::Committed(counts) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(counts.resized_classes.len(), 1);
    assert_eq!(db.count("SELECT size::bigint FROM class"), 3);
    assert_eq!(
        db.texts("SELECT action || ' ' || detail FROM audit_log"),
        ["import 学生.csv；班额随学生名单更新 1 个班：2370102001 2024 三年级1班 2→3"]
    );
    // A class list declaring the right size passes the check.
    three.students.clear();
    three.classes = vec![class("2370102001", "1班", 3)];
    assert!(matches!(
        apply(&mut store, &three, checked()),
        ApplyOutcome::Committed(_)
    ));
}

#[test]
fn the_demo_mark_commits_with_the_demo_and_clearing_removes_it_with_the_registry() {
    let Some(db) = TestDb::new("clear") else { return };
    let mut store = db.open();
    let mut options = ApplyOptions {
        mark_demo: true,
        dry_run: true,
        ..ApplyOptions::default()
    };
    apply(&mut store, &one_class_of_two(), options);
    assert_eq!(db.count("SELECT count(*) FROM demo_marker"), 0);
    options.dry_run = false;
    apply(&mut store, &one_class_of_two(), options);
    assert_eq!(db.count("SELECT count(*) FROM demo_marker"), 1);
    store.clear_registry().unwrap();
    for table in ["demo_marker", "school", "class", "student", "enrolment"] {
        assert_eq!(db.count(&format!("SELECT count(*) FROM {table}")), 0, "{table}");
    }
    assert_eq!(
        db.count("SELECT count(*) FROM area") as usize,
        registry::divisions::all().len()
    );
}

fn at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-09-01T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// 李小红 (seq 1) sits in school 001's 1班 with one classmate; school 002
/// (county 370112) has a 1班 of one, declared as two because its officer's
/// file listed her there and filed the request.
fn two_schools(db: &TestDb) -> (PgStore, NewTransfer) {
    let mut store = db.open();
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

fn sizes(db: &TestDb) -> Vec<String> {
    db.texts(
        "SELECT s.code || ' ' || c.size FROM class c JOIN school s ON s.id = c.school_id ORDER BY s.code",
    )
}

fn actions(db: &TestDb) -> Vec<String> {
    db.texts("SELECT action FROM audit_log ORDER BY id")
}

#[test]
fn an_approved_transfer_moves_the_pupil_and_both_class_sizes_follow() {
    let Some(db) = TestDb::new("approve") else { return };
    let (mut store, _) = two_schools(&db);
    assert_eq!(db.texts("SELECT status FROM transfer_request"), ["pending"]);
    // Filing changed nothing but the receiving class's declared size.
    assert_eq!(sizes(&db), ["2370102001 2", "2370112002 2"]);
    let revision = db.count("SELECT revision FROM registry_revision WHERE school_year = 2024");
    assert_eq!(
        store
            .decide_transfer(1, &TransferDecision::Approve, "lixia", at())
            .unwrap(),
        DecideOutcome::Decided
    );
    assert_eq!(
        db.texts(
            "SELECT sc.code || ' ' || s.name FROM enrolment e JOIN student s ON s.id = e.student_id
             JOIN school sc ON sc.id = e.school_id WHERE s.id_number = (SELECT min(id_number) FROM student)"
        ),
        ["2370112002 李晓红"]
    );
    assert_eq!(sizes(&db), ["2370102001 1", "2370112002 2"]);
    assert_eq!(actions(&db), ["transfer_request", "transfer_approve"]);
    assert_eq!(
        db.texts("SELECT status || ' ' || decided_by FROM transfer_request"),
        ["approved lixia"]
    );
    assert!(db.count("SELECT revision FROM registry_revision WHERE school_year = 2024") > revision);
    assert_eq!(
        store
            .decide_transfer(1, &TransferDecision::Approve, "lixia", at())
            .unwrap(),
        DecideOutcome::NotPending
    );
    assert_eq!(
        store
            .decide_transfer(99, &TransferDecision::Approve, "lixia", at())
            .unwrap(),
        DecideOutcome::NotPending
    );
    assert_eq!(actions(&db).len(), 2);
}

#[test]
fn a_refused_transfer_takes_the_pupil_out_of_the_receiving_class_and_a_refiled_one_supersedes() {
    let Some(db) = TestDb::new("refuse") else { return };
    let (mut store, request) = two_schools(&db);
    // The same school files again: the first request is withdrawn.
    store
        .apply_with_transfers(
            &ChangeSet::default(),
            checked(),
            std::slice::from_ref(&request),
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(
        db.texts("SELECT status FROM transfer_request ORDER BY id"),
        ["withdrawn", "pending"]
    );
    let refuse = TransferDecision::Refuse {
        reason: "家长未同意".into(),
    };
    assert_eq!(
        store.decide_transfer(2, &refuse, "lixia", at()).unwrap(),
        DecideOutcome::Decided
    );
    assert_eq!(sizes(&db), ["2370102001 2", "2370112002 1"]);
    assert_eq!(
        db.texts("SELECT status || ' ' || reason FROM transfer_request WHERE id = 2"),
        ["refused 家长未同意"]
    );
    assert_eq!(
        actions(&db),
        ["transfer_request", "transfer_request", "transfer_refuse"]
    );
}

#[test]
fn approving_one_request_withdraws_the_others_and_an_overtaken_one_is_stale() {
    let Some(db) = TestDb::new("stale") else { return };
    let (mut store, request) = two_schools(&db);
    // A third school asks for the same pupil.
    let mut third = school("2370102003");
    third.county = AreaCode::parse("370102").unwrap();
    let changes = ChangeSet {
        schools: vec![third],
        classes: vec![class("2370102003", "1班", 0)],
        ..ChangeSet::default()
    };
    apply(&mut store, &changes, ApplyOptions::default());
    let mut other = request.clone();
    if let TransferRow::Student(_, e) = &mut other.row {
        e.school = SchoolCode::parse("2370102003").unwrap();
    }
    store
        .apply_with_transfers(
            &ChangeSet::default(),
            ApplyOptions::default(),
            &[other],
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(
        store
            .decide_transfer(1, &TransferDecision::Approve, "lixia", at())
            .unwrap(),
        DecideOutcome::Decided
    );
    assert_eq!(
        db.texts("SELECT status FROM transfer_request ORDER BY id"),
        ["approved", "withdrawn"]
    );
    // Filed again against the placement she has left: stale.
    let mut late = request.clone();
    if let TransferRow::Student(_, e) = &mut late.row {
        e.school = SchoolCode::parse("2370102003").unwrap();
    }
    store
        .apply_with_transfers(
            &ChangeSet::default(),
            ApplyOptions::default(),
            &[late],
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(
        store
            .decide_transfer(3, &TransferDecision::Approve, "lixia", at())
            .unwrap(),
        DecideOutcome::Stale
    );
    assert_eq!(
        db.texts("SELECT status FROM transfer_request WHERE id = 3"),
        ["pending"]
    );
}

#[test]
fn two_writers_at_once_both_commit() {
    let Some(db) = TestDb::new("concurrent") else {
        return;
    };
    const ROUNDS: u16 = 15;
    const SCHOOLS: [&str; 2] = ["2370102001", "2370102002"];
    let mut setup = db.open();
    let classes = ChangeSet {
        schools: SCHOOLS.iter().map(|code| school(code)).collect(),
        classes: SCHOOLS.iter().map(|code| class(code, "1班", 0)).collect(),
        ..ChangeSet::default()
    };
    apply(&mut setup, &classes, ApplyOptions::default());
    let start = std::sync::Barrier::new(SCHOOLS.len());
    let failures: Vec<String> = std::thread::scope(|scope| {
        let writers: Vec<_> = SCHOOLS
            .iter()
            .enumerate()
            .map(|(w, _)| {
                let (db, start) = (&db, &start);
                scope.spawn(move || {
                    let mut store = db.open();
                    let mut failures = Vec::new();
                    for round in 0..ROUNDS {
                        // Both add pupils to one class, whose size follows
                        // its roster: a writer that counted the roster
                        // before the other committed would leave it short.
                        let seq = 100 * (w as u16 + 1) + 4 * round;
                        let changes = ChangeSet {
                            students: vec![
                                student(seq, SCHOOLS[0], "1班"),
                                student(seq + 2, SCHOOLS[0], "1班"),
                            ],
                            ..ChangeSet::default()
                        };
                        start.wait();
                        let options = ApplyOptions {
                            check_class_sizes: true,
                            update_class_sizes: true,
                            ..ApplyOptions::default()
                        };
                        match store.apply(&changes, options, &mut |_, _| {}) {
                            Ok(ApplyOutcome::Committed(_)) => {}
                            Ok(rejected) => failures.push(format!("writer {w}: {rejected:?}")),
                            Err(err) => failures.push(format!("writer {w}: {err}")),
                        }
                    }
                    failures
                })
            })
            .collect();
        writers.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(db.count("SELECT count(*) FROM enrolment"), 4 * i64::from(ROUNDS));
    assert_eq!(
        sizes(&db),
        [
            format!("{} {}", SCHOOLS[0], 4 * ROUNDS),
            format!("{} 0", SCHOOLS[1])
        ]
    );
    assert_eq!(
        db.count("SELECT revision FROM registry_revision WHERE school_year = 2024"),
        1 + 2 * i64::from(ROUNDS)
    );
}

/// The demo city written through both backends leaves the same rows.
#[test]
fn a_demo_city_leaves_the_same_rows_as_on_sqlite() {
    let Some(db) = TestDb::new("demo") else { return };
    let city = demo::DemoCity::generate(&demo::DemoConfig {
        scale: 0.005,
        first_year: SchoolYear(2023),
        last_year: SchoolYear(2024),
        ..demo::DemoConfig::default()
    })
    .unwrap();
    let mut pg = db.open();
    let mut lite = crate::open_in_memory().unwrap();
    for year in city.school_years() {
        let changes = city.school_year(year);
        let pg_outcome = apply(&mut pg, &changes, checked());
        let lite_outcome = lite.apply(&changes, checked(), &mut |_, _| {}).unwrap();
        assert_eq!(pg_outcome, lite_outcome);
        // Again: nothing is added.
        apply(&mut pg, &changes, checked());
    }
    let counts = |store: &dyn Maintenance| -> Vec<(String, u64)> {
        store
            .row_counts()
            .unwrap()
            .into_iter()
            .filter(|(table, _)| {
                !["audit_log", "app_user", "session", "login_failure"].contains(&table.as_str())
            })
            .collect()
    };
    assert_eq!(counts(&pg), counts(&*lite));
}

/// As on SQLite: a person listed twice is written from their first record,
/// a placement listed twice from its last.
#[test]
fn a_person_listed_twice_keeps_the_first_record_and_the_last_placement() {
    let Some(db) = TestDb::new("twice") else { return };
    let mut store = db.open();
    let mut changes = one_class_of_two();
    changes.classes.push(class("2370102001", "2班", 1));
    let (mut pupil, mut moved) = student(1, "2370102001", "2班");
    pupil.name = "李晓红".into();
    moved.visual_acuity = None;
    changes.students.push((pupil, moved));
    changes.classes[0].size = 1;
    assert!(matches!(
        apply(&mut store, &changes, checked()),
        ApplyOutcome::Committed(_)
    ));
    assert_eq!(
        db.texts(
            "SELECT s.name || ' ' || c.name || ' ' || coalesce(e.visual_acuity::text, '-')
             FROM enrolment e JOIN student s ON s.id = e.student_id JOIN class c ON c.id = e.class_id
             ORDER BY s.id_number"
        ),
        ["李小红 2班 -", "李小红 1班 4.900000095367432"]
    );
}

/// Ids follow the change set's order, as on SQLite: a school's pages list a
/// grade's classes by id, so 3班 comes before 13班 when the file says so.
#[test]
fn classes_and_persons_are_numbered_in_the_order_the_change_set_lists_them() {
    let Some(db) = TestDb::new("order") else { return };
    let mut store = db.open();
    let changes = ChangeSet {
        schools: vec![school("2370102001")],
        classes: vec![class("2370102001", "3班", 1), class("2370102001", "13班", 1)],
        students: vec![student(9, "2370102001", "3班"), student(1, "2370102001", "13班")],
        ..ChangeSet::default()
    };
    apply(&mut store, &changes, checked());
    assert_eq!(db.texts("SELECT name FROM class ORDER BY id"), ["3班", "13班"]);
    assert_eq!(
        db.texts("SELECT c.name FROM student s JOIN enrolment e ON e.student_id = s.id JOIN class c ON c.id = e.class_id ORDER BY s.id"),
        ["3班", "13班"]
    );
}
