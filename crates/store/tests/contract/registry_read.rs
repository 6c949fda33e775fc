//! Reads through `RegistryRead`: areas, counts, school pages and the
//! student search (names matched as masked), placements, and people kept
//! across school years.

use chrono::NaiveDate;
use registry::*;
use store::prelude::*;
use store::PersonKind;

use crate::support::*;

contract!(
    fn a_new_database_holds_every_area_of_shandong(db) {
        let store = db.open();
        let jinan = store.child_areas("3701").unwrap();
        assert_eq!(jinan.len(), 13);
        assert_eq!(store.area("370176").unwrap().unwrap().kind, AreaKind::Zone);
        assert_eq!(store.area("370102").unwrap().unwrap().name, "历下区");
        assert!(store.area("370199").unwrap().is_none());
        assert!(store.lookup().unwrap().areas.contains("370102001002"));
        assert!(store.school_years().unwrap().is_empty());
        assert!(!store.holds_demo_city().unwrap());
    }
);

contract!(
    fn reopening_a_database_does_not_migrate_twice(db) {
        let first = db.open();
        let version = first.schema_version().unwrap();
        assert!(version >= 1);
        let areas = store::prelude::Maintenance::row_counts(&*first).unwrap();
        drop(first);
        let second = db.open();
        assert_eq!(second.schema_version().unwrap(), version);
        assert_eq!(second.child_areas("37").unwrap().len(), 16);
        assert_eq!(second.row_counts().unwrap(), areas, "no area seeded twice");
    }
);

contract!(
    fn summary_counts_by_county_and_stage(db) {
        let mut store = db.open();
        let changes = ChangeSet {
            schools: vec![school("2370102001"), school("2370102002")],
            classes: vec![class("2370102001", "1班", 2)],
            students: vec![student(1, "2370102001", "1班"), student(3, "2370102001", "1班")],
            ..ChangeSet::default()
        };
        apply(&mut *store, &changes, checked());
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
        let lookup = store.lookup().unwrap();
        assert_eq!(lookup.schools.len(), 2);
        assert_eq!(lookup.classes.len(), 1);
    }
);

contract!(
    /// A school page: the school, its classes and teachers of one year, its
    /// students paged in grade and class order.
    fn a_school_page_reads_one_schools_year_in_pages(db) {
        let mut store = db.open();
        let mut changes = one_class_of_two();
        changes.schools.push(school("2370102002"));
        changes.classes.push(class("2370102002", "1班", 1));
        changes.students.push(student(5, "2370102002", "1班"));
        changes.students[1].0.name = "李大红".into();
        apply(&mut *store, &changes, checked());
        let code = SchoolCode::parse("2370102001").unwrap();
        assert_eq!(store.school(&code).unwrap().unwrap(), changes.schools[0]);
        assert!(store.school(&SchoolCode::parse("2370102999").unwrap()).unwrap().is_none());
        assert_eq!(store.school_classes(&code, SchoolYear(2024)).unwrap(), [changes.classes[0].clone()]);
        assert!(store.school_classes(&code, SchoolYear(2023)).unwrap().is_empty());
        assert!(store.school_teachers(&code, SchoolYear(2024)).unwrap().is_empty());
        let page = |offset, limit| -> Vec<String> {
            store
                .school_students(&code, SchoolYear(2024), None, offset, limit)
                .unwrap()
                .into_iter()
                .map(|(s, _)| s.name)
                .collect()
        };
        let all = page(0, 50);
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(sorted, ["李大红", "李小红"]);
        assert_eq!(page(0, 1), all[..1]);
        assert_eq!(page(1, 1), all[1..]);
        assert!(page(2, 50).is_empty());
        assert_eq!(store.school_student_count(&code, SchoolYear(2024), None).unwrap(), 2);
        assert_eq!(store.school_student_count(&code, SchoolYear(2023), None).unwrap(), 0);
    }
);

contract!(
    /// Names are masked wherever they are shown, so a search matches the
    /// masked name: guessing the hidden characters finds nothing.
    fn a_student_search_matches_the_masked_name_or_the_class(db) {
        let mut store = db.open();
        let changes = one_class_of_two();
        apply(&mut *store, &changes, checked());
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
);

contract!(
    /// The database's masking (SQLite's registered function, PostgreSQL's
    /// `mask_name` of the migration) is `registry::mask::name`, on names of
    /// one to seven characters, characters outside the BMP (four UTF-8 bytes,
    /// two UTF-16 units) and the `·` of minority names: every search finds
    /// exactly the names whose Rust mask contains it (ASCII letters in
    /// either case), so no hidden character can be found.
    fn the_databases_name_mask_is_the_registrys_on_tricky_names(db) {
        let mut store = db.open();
        let names = [
            "张",
            "张明",
            "张小明",
            "欧阳小明",
            "𠀀𠀁",
            "𠮷野家",
            "𪚥a𪚥",
            "阿卜杜·热合曼",
            "买买提·艾力",
            "Li",
            "O'Neil",
        ];
        let code = "2370102001";
        let mut changes = ChangeSet {
            schools: vec![school(code)],
            classes: vec![class(code, "甲", names.len() as u32)],
            ..ChangeSet::default()
        };
        for (i, name) in names.iter().enumerate() {
            let (mut s, e) = student(2 * i as u16 + 1, code, "甲");
            s.name = (*name).to_owned();
            changes.students.push((s, e));
        }
        assert!(committed(&apply(&mut *store, &changes, checked())));
        let masks: Vec<String> = names.iter().map(|n| registry::mask::name(n)).collect();
        let mut searches: Vec<String> = masks.clone();
        for name in names {
            searches.extend(name.chars().map(String::from));
        }
        searches.extend(["*", "**", "***", "·", "小明", "阳小", "a", "'", "l", "LI", "o'"].map(String::from));
        let code = SchoolCode::parse(code).unwrap();
        for search in &searches {
            let mut expected: Vec<&str> = names
                .iter()
                .zip(&masks)
                // ASCII letters match in either case (the visible ones only).
                .filter(|(_, mask)| mask.to_ascii_lowercase().contains(&search.to_ascii_lowercase()))
                .map(|(name, _)| *name)
                .collect();
            expected.sort();
            let mut found: Vec<String> = store
                .school_students(&code, SchoolYear(2024), Some(search), 0, 50)
                .unwrap()
                .into_iter()
                .map(|(s, _)| s.name)
                .collect();
            found.sort();
            assert_eq!(found, expected, "search {search:?}");
            assert_eq!(
                store.school_student_count(&code, SchoolYear(2024), Some(search)).unwrap(),
                expected.len() as u64,
                "search {search:?}"
            );
        }
    }
);

contract!(
    /// A school page's search box names a grade and a class as a teacher says
    /// them: `二年级3班` is the 3rd class of grade 2, not grade 3's, nor `13班`.
    fn a_student_search_by_grade_and_class_finds_that_class_of_that_grade(db) {
        let mut store = db.open();
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
        apply(&mut *store, &changes, checked());
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
);

contract!(
    /// A person's latest placement, and their placement in a given year.
    fn a_persons_latest_placement_and_placement_in_a_year_are_found(db) {
        let mut store = db.open();
        let mut changes = one_class_of_two();
        for (_, e) in &mut changes.students {
            e.school_year = SchoolYear(2023);
        }
        for c in &mut changes.classes {
            c.school_year = SchoolYear(2023);
        }
        apply(&mut *store, &changes, checked());
        apply(&mut *store, &one_class_of_two(), checked());

        let id = &changes.students[0].0.id_number;
        let unknown = IdNumber::compose(
            "370102",
            NaiveDate::from_ymd_opt(2016, 3, 1).unwrap(),
            9,
            Sex::Female,
        );
        let placed = |year| registry::transfer::Placement {
            school_year: SchoolYear(year),
            school: SchoolCode::parse("2370102001").unwrap(),
            stage: Stage::Primary,
            grade: Some(Grade(3)),
        };
        let found = store
            .latest_placements(PersonKind::Student, &[id, &unknown])
            .unwrap();
        assert_eq!(found, [Some(placed(2024)), None]);
        // Teachers: none stored.
        assert_eq!(
            store.latest_placements(PersonKind::Teacher, &[id]).unwrap(),
            [None]
        );
        let in_year = store
            .placements_in_year(
                PersonKind::Student,
                &[(SchoolYear(2023), id), (SchoolYear(2022), id), (SchoolYear(2024), &unknown)],
            )
            .unwrap();
        assert_eq!(in_year, [Some(placed(2023)), None, None]);
    }
);

contract!(
    /// A child (and a teacher) keeps one record across school years:
    /// imported in 2023 and again in 2024 (a grade up, another class), the
    /// person is stored once, each year reads its own enrolment or post, and
    /// the shared record (the name) is the latest import's in every year.
    fn a_person_is_stored_once_across_school_years(db) {
        let mut store = db.open();
        let mut earlier = one_class_of_two();
        for (_, e) in &mut earlier.students {
            e.school_year = SchoolYear(2023);
            e.grade = Grade(2);
        }
        for c in &mut earlier.classes {
            c.school_year = SchoolYear(2023);
            c.grade = Grade(2);
        }
        earlier.teachers.push(teacher(11, "2370102001", 2023));
        apply(&mut *store, &earlier, checked());
        let mut later = one_class_of_two();
        let (mut moved, post) = teacher(11, "2370102001", 2024);
        moved.name = "王新老师".into();
        later.teachers.push((moved, post));
        later.classes[0].name = "2班".into();
        for (s, e) in &mut later.students {
            s.name = "李晓红".into();
            e.class_name = Some("2班".into());
        }
        apply(&mut *store, &later, checked());
        assert_eq!((rows(&*store, "student"), rows(&*store, "enrolment")), (2, 4));
        assert_eq!((rows(&*store, "teacher"), rows(&*store, "teaching_post")), (1, 2));
        for year in [2023, 2024] {
            let teachers = store.teachers(SchoolYear(year)).unwrap();
            assert_eq!(teachers.len(), 1, "{year}");
            assert_eq!(teachers[0].0.name, "王新老师", "{year}");
            assert_eq!(teachers[0].1.school_year, SchoolYear(year));
        }
        assert_eq!(store.school_years().unwrap(), [SchoolYear(2023), SchoolYear(2024)]);
        for (year, grade, class) in [(2023, 2, "1班"), (2024, 3, "2班")] {
            let mut seen = Vec::new();
            store
                .for_each_student(SchoolYear(year), &mut |s, e| {
                    seen.push((s.name, e.grade.0, e.class_name.unwrap_or_default()))
                })
                .unwrap();
            assert_eq!(
                seen,
                vec![("李晓红".to_owned(), grade, class.to_owned()); 2],
                "{year}"
            );
        }
    }
);

/// PostgreSQL's masking is an SQL function of its migration: asked
/// directly, it answers as `registry::mask::name` for every length and for
/// characters of every width (SQLite's is that Rust function itself).
mod postgres {
    use crate::harness::{pg_base, PgDatabase};

    #[test]
    fn the_sql_mask_name_function_is_the_registrys_mask() {
        let Some(base) = pg_base() else {
            return;
        };
        let database = PgDatabase::create(&base);
        drop(store::open(&store::DatabaseUrl::Postgres(database.url.clone())).unwrap());
        let mut client = ::postgres::Client::connect(&database.url, ::postgres::NoTls).unwrap();
        let names = [
            "",
            "张",
            "张明",
            "张小明",
            "欧阳小明",
            "欧阳晓明明",
            "𠀀",
            "𠀀𠀁",
            "𠮷野家",
            "𪚥𪚥𪚥𪚥",
            "阿卜杜·热合曼",
            "买买提·艾力·吐尔逊",
            "é́x",
            "O'Neil",
            "%_\\",
        ];
        for name in names {
            let masked: String = client.query_one("SELECT mask_name($1)", &[&name]).unwrap().get(0);
            assert_eq!(masked, registry::mask::name(name), "{name:?}");
        }
        let null: Option<String> = client.query_one("SELECT mask_name(NULL)", &[]).unwrap().get(0);
        assert_eq!(null, None);
    }
}
