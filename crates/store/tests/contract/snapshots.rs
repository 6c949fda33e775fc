//! Snapshots and revisions: a year's snapshot equals the one built from its
//! change set; a cached one is served only while it is current, for every
//! connection at once.

use registry::snapshot::{TeacherRow, YearSnapshot};
use registry::*;
use store::prelude::*;
use store::ApplyOptions;

use crate::support::*;

/// Every row of a snapshot as text with indices resolved to codes, sorted:
/// two snapshots of the same data compare equal whatever their order.
pub fn canonical(s: &YearSnapshot) -> Vec<String> {
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

contract!(
    fn the_stored_snapshot_of_a_year_equals_the_one_built_from_its_change_set(db) {
        let city = demo::DemoCity::generate(&demo::DemoConfig {
            scale: 0.01,
            ..demo::DemoConfig::default()
        })
        .unwrap();
        let mut store = db.open();
        for year in [SchoolYear(2023), SchoolYear(2024)] {
            assert!(committed(&apply(&mut *store, &city.school_year(year), checked())));
        }
        let changes = city.school_year(SchoolYear(2024));
        let expected = canonical(&YearSnapshot::from_changes(&changes));
        let stored = canonical(&store.year_snapshot(SchoolYear(2024)).unwrap());
        assert!(expected.len() > 10_000, "{}", expected.len());
        assert_eq!(stored.len(), expected.len());
        for (a, b) in stored.iter().zip(&expected) {
            assert_eq!(a, b);
        }
    }
);

contract!(
    fn a_cached_snapshot_is_reused_and_refreshed_by_the_next_write(db) {
        let mut store = db.open();
        let mut changes = one_class_of_two();
        apply(&mut *store, &changes, checked());
        let first = store.year_snapshot(SchoolYear(2024)).unwrap();
        assert_eq!(store.year_snapshot(SchoolYear(2024)).unwrap(), first);

        // A student's screening changes: the next snapshot must show it.
        changes.students[0].1.myopic = Some(false);
        apply(&mut *store, &changes, checked());
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
        apply(&mut *store, &renamed, checked());
        assert_eq!(
            store.year_snapshot(SchoolYear(2024)).unwrap().schools[0].name,
            "改名小学"
        );

        // A dry run changes nothing, so the cache stays valid.
        let before = store.year_snapshot(SchoolYear(2024)).unwrap();
        changes.students[0].1.myopic = Some(true);
        apply(
            &mut *store,
            &changes,
            ApplyOptions {
                dry_run: true,
                check_class_sizes: true,
                ..ApplyOptions::default()
            },
        );
        assert_eq!(store.year_snapshot(SchoolYear(2024)).unwrap(), before);
    }
);

contract!(
    /// The revision grows with every committed write and only then: a rejected
    /// change, a failed one and a dry run leave it.
    fn the_registry_revision_grows_with_every_committed_write_only(db) {
        let mut store = db.open();
        let start = store.registry_revision().unwrap();
        apply(&mut *store, &one_class_of_two(), checked());
        let first = store.registry_revision().unwrap();
        assert!(first > start, "{start} → {first}");
        let mut wrong = one_class_of_two();
        wrong.classes[0].size = 5;
        apply(&mut *store, &wrong, checked());
        apply(&mut *store, &one_class_of_two(), ApplyOptions { dry_run: true, ..checked() });
        let mut failing = one_class_of_two();
        failing.classes.push(class("2370102999", "1班", 1));
        assert!(store.apply(&failing, checked(), &mut |_, _| {}).is_err());
        assert_eq!(store.registry_revision().unwrap(), first);
        let renamed = ChangeSet {
            schools: vec![School {
                name: "改名小学".into(),
                ..school("2370102001")
            }],
            ..ChangeSet::default()
        };
        apply(&mut *store, &renamed, checked());
        assert!(store.registry_revision().unwrap() > first);
    }
);

contract!(
    /// Two servers on one database: a write through one connection is seen at
    /// once by another connection's revision and snapshot, even when that
    /// connection had the year's snapshot cached just before.
    fn a_write_through_one_connection_is_seen_by_another_at_once(db) {
        let mut writer = db.open();
        let reader = db.open();
        apply(&mut *writer, &one_class_of_two(), checked());
        let revision = reader.registry_revision().unwrap();
        let cached = reader.year_snapshot(SchoolYear(2024)).unwrap();
        assert_eq!(cached.students.len(), 2);
        assert_eq!(reader.year_snapshot(SchoolYear(2024)).unwrap(), cached);

        let one_more = ChangeSet {
            classes: vec![class("2370102001", "1班", 3)],
            students: vec![student(5, "2370102001", "1班")],
            ..ChangeSet::default()
        };
        assert!(committed(&apply(&mut *writer, &one_more, checked())));
        assert!(reader.registry_revision().unwrap() > revision);
        let fresh = reader.year_snapshot(SchoolYear(2024)).unwrap();
        assert_eq!(fresh.students.len(), 3);
        assert_eq!(fresh.classes[0].size, 3);
        // And the writer's own cache, filled by the reader's build, agrees.
        assert_eq!(writer.year_snapshot(SchoolYear(2024)).unwrap(), fresh);

        // A school-only change through the writer refreshes the reader's years.
        let renamed = ChangeSet {
            schools: vec![School {
                name: "改名小学".into(),
                ..school("2370102001")
            }],
            ..ChangeSet::default()
        };
        apply(&mut *writer, &renamed, checked());
        assert_eq!(
            reader.year_snapshot(SchoolYear(2024)).unwrap().schools[0].name,
            "改名小学"
        );
    }
);
