//! SQLite-specific tests: what only raw SQL or SQLite's own machinery shows
//! (the deferred unique index, cached statements, WAL and the write lock,
//! triggers, migrations of old files). Every behaviour of the traits is in
//! the contract suite, `tests/contract/`, run on both backends.

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
        let reapplied: bool = store
            .conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = 8)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(reapplied);
        assert_eq!(store.holds_demo_city().unwrap(), marked);
    }
}

/// A person's latest placement is found whatever else the database keeps
/// (a database written before revisions were recorded has none).
#[test]
fn a_persons_latest_placement_is_found_without_recorded_revisions() {
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

/// SQLite-specific: a year's snapshot is kept in `snapshot_cache` and the
/// next read serves it (the contract suite checks it stays fresh).
#[test]
fn a_snapshot_is_cached_in_the_database() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    apply(&mut store, &one_class_of_two(), checked());
    let first = store.year_snapshot(SchoolYear(2024)).unwrap();
    let cached: i64 = store
        .conn
        .query_row("SELECT count(*) FROM snapshot_cache", [], |r| r.get(0))
        .unwrap();
    assert_eq!(cached, 1);
    assert_eq!(store.year_snapshot(SchoolYear(2024)).unwrap(), first);
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
