//! Writes through `RegistryWrite::apply`: one change set, one transaction,
//! all or nothing, upserting by natural key; the audit line and the demo
//! mark are written in the change's own transaction.

use registry::*;
use store::prelude::*;
use store::{ApplyOptions, ApplyOutcome, AuditAction, AuditLine};

use crate::support::*;

contract!(
    fn applying_the_same_records_twice_updates_instead_of_duplicating(db) {
        let mut store = db.open();
        let mut changes = one_class_of_two();
        assert!(committed(&apply(&mut *store, &changes, checked())));
        changes.students[0].1.visual_acuity = Some(5.1);
        changes.schools[0].name = "改名小学".into();
        assert!(committed(&apply(&mut *store, &changes, checked())));
        let students = students_in(&*store);
        assert_eq!(students.len(), 2, "{students:?}");
        assert!(students.iter().any(|s| s.ends_with("Some(5.1)")), "{students:?}");
        assert_eq!(store.schools().unwrap()[0].name, "改名小学");
        assert_eq!(store.schools().unwrap()[0].seats, vec![(Stage::Primary, 900)]);
    }
);

contract!(
    /// Every record is keyed by what names it in the files (school code; year,
    /// school, grade and class name; identity number and year): the same keys
    /// again update the one row, whatever else changed.
    fn every_record_is_upserted_by_its_natural_key(db) {
        let mut store = db.open();
        let mut changes = one_class_of_two();
        changes.teachers.push(teacher(11, "2370102001", 2024));
        assert!(committed(&apply(&mut *store, &changes, checked())));
        let counts = |store: &dyn Store| {
            ["school", "class", "student", "enrolment", "teacher", "teaching_post"].map(|t| rows(store, t))
        };
        assert_eq!(counts(&*store), [1, 1, 2, 2, 1, 1]);

        changes.schools[0].seats = vec![(Stage::Primary, 1200)];
        changes.schools[0].location = Location::Rural;
        changes.classes[0].stage = Stage::Primary;
        changes.students[1].0.name = "李小兰".into();
        changes.students[1].1.boarder = true;
        changes.teachers[0].0.name = "王老师改".into();
        changes.teachers[0].1.title = Title::Senior;
        assert!(committed(&apply(&mut *store, &changes, checked())));
        assert_eq!(counts(&*store), [1, 1, 2, 2, 1, 1]);
        let stored = store.schools().unwrap();
        assert_eq!(stored[0].seats, vec![(Stage::Primary, 1200)]);
        assert_eq!(stored[0].location, Location::Rural);
        let mut names = Vec::new();
        store
            .for_each_student(SchoolYear(2024), &mut |s, e| names.push((s.name, e.boarder)))
            .unwrap();
        names.sort();
        assert_eq!(names, [("李小兰".to_owned(), true), ("李小红".to_owned(), false)]);
        let teachers = store.teachers(SchoolYear(2024)).unwrap();
        assert_eq!(teachers.len(), 1);
        assert_eq!((teachers[0].0.name.as_str(), teachers[0].1.title), ("王老师改", Title::Senior));
    }
);

contract!(
    fn a_class_size_that_disagrees_with_its_roster_rejects_the_whole_change(db) {
        let mut store = db.open();
        let changes = ChangeSet {
            schools: vec![school("2370102001")],
            classes: vec![class("2370102001", "1班", 3)],
            students: vec![student(1, "2370102001", "1班"), student(3, "2370102001", "1班")],
            ..ChangeSet::default()
        };
        match apply(&mut *store, &changes, checked()) {
            ApplyOutcome::Rejected(m) => {
                assert_eq!(m.len(), 1);
                assert_eq!((m[0].declared, m[0].listed), (3, 2));
                assert_eq!(m[0].class.name, "1班");
            }
            other => panic!("expected rejection, got {other:?}"),
        }
        assert!(store.schools().unwrap().is_empty(), "nothing may be half-written");
        assert!(students_in(&*store).is_empty());
    }
);

contract!(
    fn a_class_list_may_arrive_before_its_students(db) {
        let mut store = db.open();
        let classes_only = ChangeSet {
            schools: vec![school("2370102001")],
            classes: vec![class("2370102001", "1班", 2)],
            ..ChangeSet::default()
        };
        assert!(committed(&apply(&mut *store, &classes_only, checked())));
        let students = ChangeSet {
            students: vec![student(1, "2370102001", "1班"), student(3, "2370102001", "1班")],
            ..ChangeSet::default()
        };
        assert!(committed(&apply(&mut *store, &students, checked())));
        let one_short = ChangeSet {
            classes: vec![class("2370102001", "1班", 3)],
            ..ChangeSet::default()
        };
        assert!(matches!(
            apply(&mut *store, &one_short, checked()),
            ApplyOutcome::Rejected(_)
        ));
        assert_eq!(store.classes(SchoolYear(2024)).unwrap()[0].size, 2);
    }
);

contract!(
    fn a_dry_run_validates_and_writes_nothing(db) {
        let mut store = db.open();
        let changes = ChangeSet {
            schools: vec![school("2370102001")],
            ..ChangeSet::default()
        };
        let outcome = apply(
            &mut *store,
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
);

contract!(
    fn a_reference_to_a_missing_school_fails_and_rolls_back(db) {
        let mut store = db.open();
        let changes = ChangeSet {
            schools: vec![school("2370102001")],
            classes: vec![class("2370102999", "1班", 2)],
            ..ChangeSet::default()
        };
        let err = store.apply(&changes, checked(), &mut |_, _| {}).unwrap_err();
        assert_eq!(err.to_string(), "引用的对象不存在：学校标识码 2370102999");
        assert!(store.schools().unwrap().is_empty());
        // The failed write left nothing behind that blocks the next one.
        assert!(committed(&apply(&mut *store, &one_class_of_two(), checked())));
        assert_eq!(students_in(&*store).len(), 2);
    }
);

contract!(
    /// A change set failing at its very last row (a class of an unknown
    /// school after 30,000 students) leaves the registry exactly as it was.
    fn a_change_set_that_fails_at_its_last_row_leaves_the_previous_state(db) {
        let mut store = db.open();
        apply(&mut *store, &one_class_of_two(), audited(false));
        let before = registry_state(&*store);
        let revision = store.registry_revision().unwrap();
        let mut changes = many_students(30_000);
        changes.students.push(student(1, "2370102999", "1班"));
        assert!(store.apply(&changes, audited(false), &mut |_, _| {}).is_err());
        assert_eq!(registry_state(&*store), before);
        assert_eq!(store.registry_revision().unwrap(), revision);
        assert_eq!(rows(&*store, "student"), 2);
    }
);

contract!(
    /// A first import larger than SQLite's deferred-index threshold, then the
    /// same persons a year later: one person each, two enrolments each.
    fn a_large_first_import_and_its_persons_a_year_later_are_stored_once_each(db) {
        let mut store = db.open();
        let mut changes = many_students(30_000);
        assert!(committed(&apply(&mut *store, &changes, checked())));
        for (_, e) in &mut changes.students {
            e.school_year = SchoolYear(2025);
            e.grade = Grade(4);
        }
        assert!(committed(&apply(&mut *store, &changes, checked())));
        assert_eq!(
            (rows(&*store, "student"), rows(&*store, "enrolment")),
            (30_000, 60_000)
        );
        // Still unique: the same person again is not a second row.
        let again = ChangeSet {
            students: vec![changes.students[0].clone()],
            ..ChangeSet::default()
        };
        assert!(committed(&apply(&mut *store, &again, checked())));
        assert_eq!(rows(&*store, "student"), 30_000);
    }
);

contract!(
    fn one_person_in_two_school_years_of_one_change_set_is_stored_once(db) {
        let mut store = db.open();
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
        assert!(committed(&apply(&mut *store, &changes, checked())));
        assert_eq!(rows(&*store, "student"), 1);
        assert_eq!(store.school_years().unwrap(), vec![SchoolYear(2024)]);
    }
);

contract!(
    fn an_applied_change_writes_its_audit_line_with_it(db) {
        let mut store = db.open();
        let outcome = apply(&mut *store, &one_class_of_two(), audited(false));
        assert!(committed(&outcome));
        assert_eq!(students_in(&*store).len(), 2);
        assert_eq!(import_lines(&*store), ["zhang 学生.csv：2 行"]);
    }
);

contract!(
    fn a_rejected_change_or_a_dry_run_leaves_no_audit_line(db) {
        let mut store = db.open();
        let mut wrong = one_class_of_two();
        wrong.classes[0].size = 3;
        let outcome = apply(&mut *store, &wrong, audited(false));
        assert!(matches!(outcome, ApplyOutcome::Rejected(_)));
        let outcome = apply(&mut *store, &one_class_of_two(), audited(true));
        assert!(committed(&outcome));
        assert!(students_in(&*store).is_empty());
        assert!(import_lines(&*store).is_empty());
    }
);

contract!(
    /// Adding one pupil to a class that holds two: checked, the change is
    /// refused; with `update_class_sizes` the class's 班额 becomes three in the
    /// same transaction, the change says so, and so does its audit line.
    fn a_class_size_follows_its_roster_when_asked_and_only_then(db) {
        let mut store = db.open();
        let other = ChangeSet {
            classes: vec![class("2370102001", "2班", 1)],
            students: vec![student(5, "2370102001", "2班")],
            ..ChangeSet::default()
        };
        assert!(committed(&apply(&mut *store, &one_class_of_two(), checked())));
        assert!(committed(&apply(&mut *store, &other, checked())));
        let one_more = ChangeSet {
            students: vec![student(7, "2370102001", "1班")],
            ..ChangeSet::default()
        };
        assert!(matches!(
            apply(&mut *store, &one_more, checked()),
            ApplyOutcome::Rejected(ref m) if (m[0].declared, m[0].listed) == (2, 3)
        ));
        let sizes = |store: &dyn Store| -> Vec<(String, u32)> {
            let mut out: Vec<_> = store
                .classes(SchoolYear(2024))
                .unwrap()
                .into_iter()
                .map(|c| (c.name, c.size))
                .collect();
            out.sort();
            out
        };
        assert_eq!(sizes(&*store), [("1班".to_owned(), 2), ("2班".to_owned(), 1)]);

        let following = ApplyOptions {
            update_class_sizes: true,
            ..audited(false)
        };
        match apply(
            &mut *store,
            &one_more,
            ApplyOptions {
                dry_run: true,
                ..following
            },
        ) {
            ApplyOutcome::Committed(c) => assert_eq!(c.resized_classes.len(), 1),
            other => panic!("expected a valid dry run, got {other:?}"),
        }
        assert_eq!(sizes(&*store), [("1班".to_owned(), 2), ("2班".to_owned(), 1)]);
        match apply(&mut *store, &one_more, following) {
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
        assert_eq!(sizes(&*store), [("1班".to_owned(), 3), ("2班".to_owned(), 1)]);
        assert_eq!(students_in(&*store).len(), 4);
        assert_eq!(
            import_lines(&*store),
            ["zhang 学生.csv：2 行；班额随学生名单更新 1 个班：2370102001 2024 三年级1班 2→3"]
        );
        // In step now: the same file again changes no size and says none.
        match apply(&mut *store, &one_more, following) {
            ApplyOutcome::Committed(c) => assert!(c.resized_classes.is_empty()),
            other => panic!("expected the change to commit, got {other:?}"),
        }
    }
);

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

contract!(
    fn the_demo_mark_commits_with_the_demo_and_a_later_real_import_keeps_it(db) {
        let mut store = db.open();
        assert!(!store.holds_demo_city().unwrap());
        apply(&mut *store, &one_class_of_two(), demo(false));
        assert!(store.holds_demo_city().unwrap());
        // A real import into the demo: most of the data is still synthetic.
        apply(&mut *store, &one_class_of_two(), audited(false));
        assert!(store.holds_demo_city().unwrap());
        // Only clearing the registry takes the mark away.
        store.clear_registry().unwrap();
        assert!(!store.holds_demo_city().unwrap());
        assert!(store.schools().unwrap().is_empty());
        assert!(students_in(&*store).is_empty());
    }
);

contract!(
    fn a_rejected_or_dry_run_demo_leaves_no_mark(db) {
        let mut store = db.open();
        let mut wrong = one_class_of_two();
        wrong.classes[0].size = 3;
        assert!(matches!(
            apply(&mut *store, &wrong, demo(false)),
            ApplyOutcome::Rejected(_)
        ));
        assert!(!store.holds_demo_city().unwrap());
        assert!(committed(&apply(&mut *store, &one_class_of_two(), demo(true))));
        assert!(!store.holds_demo_city().unwrap());
    }
);

contract!(
    fn a_real_import_alone_does_not_mark_the_demo(db) {
        let mut store = db.open();
        apply(&mut *store, &one_class_of_two(), audited(false));
        assert!(!store.holds_demo_city().unwrap());
    }
);
