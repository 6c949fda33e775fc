//! Tests of the PostgreSQL read side, accounts and snapshots, each on a
//! database of its own on the server `EDUGOV_TEST_PG` names (e.g.
//! `postgres://postgres@127.0.0.1:55432`), dropped afterwards. Without it
//! they say they were skipped; with `CI=true` they fail instead, so CI
//! cannot skip them silently.
//!
//! Registry rows are written here with plain SQL (`COPY`), independent of
//! the store's write side, and every read is compared with what the SQLite
//! store answers for the same change sets.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};

use access::{Role, Scope};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use postgres::{Client, NoTls};
use registry::*;

use super::PgStore;
use crate::accounts::{AccountStore, AuditQuery, NewSession, NewUserRecord};
use crate::prelude::*;
use crate::{AuditAction, PersonKind, StoreError, TransferQuery};

/// A database of one test, dropped when it ends.
struct TestDb {
    base: String,
    name: String,
}

impl TestDb {
    /// A fresh database, or `None` (the test skips) without a server.
    fn new(test: &str) -> Option<TestDb> {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let Ok(base) = std::env::var("EDUGOV_TEST_PG") else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "EDUGOV_TEST_PG is not set: CI must run the PostgreSQL tests"
            );
            // Past the test harness's capture, so the skip is seen.
            let _ = writeln!(std::io::stderr(), "skipped {test}: EDUGOV_TEST_PG is not set");
            return None;
        };
        let base = base.trim_end_matches('/').to_owned();
        let name = format!(
            "pgread_{}_{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = Client::connect(&format!("{base}/postgres"), NoTls).unwrap();
        // One statement each: together they would run as one transaction.
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .unwrap();
        // A collation that orders text unlike bytes (`admin` < `Bob`), where
        // the server has ICU: an order that depends on the database's
        // collation then fails here instead of on a customer's server.
        if admin
            .batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
            ))
            .is_err()
        {
            admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        }
        Some(TestDb { base, name })
    }

    fn url(&self) -> String {
        format!("{}/{}", self.base, self.name)
    }

    fn open(&self) -> PgStore {
        PgStore::open(&self.url()).unwrap()
    }

    fn client(&self) -> Client {
        Client::connect(&self.url(), NoTls).unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = Client::connect(&format!("{}/postgres", self.base), NoTls) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

// ---------------------------------------------------------------------------
// Writing change sets with plain SQL, as SQLite's `apply` would store them
// (the latest record of a key wins).

/// One `COPY … FROM STDIN` in text format.
fn copy(client: &mut Client, target: &str, rows: impl IntoIterator<Item = Vec<Option<String>>>) {
    let mut data = Vec::new();
    for row in rows {
        let fields: Vec<String> = row
            .into_iter()
            .map(|field| match field {
                None => "\\N".to_owned(),
                Some(text) => text
                    .replace('\\', "\\\\")
                    .replace('\t', "\\t")
                    .replace('\n', "\\n")
                    .replace('\r', "\\r"),
            })
            .collect();
        data.extend_from_slice(fields.join("\t").as_bytes());
        data.push(b'\n');
    }
    let mut writer = client.copy_in(&format!("COPY {target} FROM STDIN")).unwrap();
    writer.write_all(&data).unwrap();
    writer.finish().unwrap();
}

fn s(value: impl ToString) -> Option<String> {
    Some(value.to_string())
}

fn b(value: bool) -> Option<String> {
    s(if value { "t" } else { "f" })
}

/// Writes the change sets, in order, into an empty registry.
fn write_plain(client: &mut Client, sets: &[ChangeSet]) {
    let mut schools: Vec<School> = Vec::new();
    let mut school_at: HashMap<SchoolCode, usize> = HashMap::new();
    let mut facilities: HashMap<(SchoolYear, SchoolCode), SchoolFacility> = HashMap::new();
    let mut classes: Vec<Class> = Vec::new();
    let mut class_at: HashMap<ClassKey, usize> = HashMap::new();
    let mut students: Vec<Student> = Vec::new();
    let mut student_at: HashMap<String, usize> = HashMap::new();
    let mut enrolments: HashMap<(SchoolYear, usize), Enrolment> = HashMap::new();
    let mut teachers: Vec<Teacher> = Vec::new();
    let mut teacher_at: HashMap<String, usize> = HashMap::new();
    let mut posts: HashMap<(SchoolYear, usize), TeachingPost> = HashMap::new();
    let mut population: HashMap<(SchoolYear, String, u8), u32> = HashMap::new();
    let mut births: HashMap<(u16, String), u32> = HashMap::new();
    let mut years: Vec<SchoolYear> = Vec::new();
    for set in sets {
        for school in &set.schools {
            match school_at.get(&school.code) {
                Some(&i) => schools[i] = school.clone(),
                None => {
                    school_at.insert(school.code.clone(), schools.len());
                    schools.push(school.clone());
                }
            }
        }
        for f in &set.facilities {
            facilities.insert((f.school_year, f.school.clone()), f.clone());
            years.push(f.school_year);
        }
        for c in &set.classes {
            match class_at.get(&c.key()) {
                Some(&i) => classes[i] = c.clone(),
                None => {
                    class_at.insert(c.key(), classes.len());
                    classes.push(c.clone());
                }
            }
            years.push(c.school_year);
        }
        for (st, e) in &set.students {
            let i = match student_at.get(st.id_number.as_str()) {
                Some(&i) => {
                    students[i] = st.clone();
                    i
                }
                None => {
                    student_at.insert(st.id_number.as_str().to_owned(), students.len());
                    students.push(st.clone());
                    students.len() - 1
                }
            };
            enrolments.insert((e.school_year, i), e.clone());
            years.push(e.school_year);
        }
        for (t, p) in &set.teachers {
            let i = match teacher_at.get(t.id_number.as_str()) {
                Some(&i) => {
                    teachers[i] = t.clone();
                    i
                }
                None => {
                    teacher_at.insert(t.id_number.as_str().to_owned(), teachers.len());
                    teachers.push(t.clone());
                    teachers.len() - 1
                }
            };
            posts.insert((p.school_year, i), p.clone());
            years.push(p.school_year);
        }
        for p in &set.population {
            population.insert((p.school_year, p.township.to_string(), p.age), p.children);
            years.push(p.school_year);
        }
        for x in &set.births {
            births.insert((x.year, x.county.to_string()), x.births);
        }
    }
    let school_id = |code: &SchoolCode| school_at[code] as i64 + 1;
    copy(
        client,
        "school (id, code, name, county_code, township_code, ownership, inclusive, quality_rating, \
         location, school_group, longitude, latitude)",
        schools.iter().map(|x| {
            vec![
                s(school_id(&x.code)),
                s(&x.code),
                s(&x.name),
                s(&x.county),
                x.township.as_ref().map(|t| t.to_string()),
                s(x.ownership.code()),
                b(x.inclusive),
                s(x.quality_rating.code()),
                s(x.location.code()),
                x.school_group.clone(),
                x.longitude.map(|v| v.to_string()),
                x.latitude.map(|v| v.to_string()),
            ]
        }),
    );
    copy(
        client,
        "school_stage (school_id, stage, seats)",
        schools.iter().flat_map(|x| {
            x.seats
                .iter()
                .map(|(stage, seats)| vec![s(school_id(&x.code)), s(stage.code()), s(seats)])
                .collect::<Vec<_>>()
        }),
    );
    copy(
        client,
        "school_facility (school_year, school_id, teaching_floor_area, sports_ground_area, \
         equipment_value, multimedia_classrooms)",
        facilities.values().map(|f| {
            vec![
                s(f.school_year.0),
                s(school_id(&f.school)),
                s(f.teaching_floor_area),
                s(f.sports_ground_area),
                s(f.equipment_value),
                s(f.multimedia_classrooms),
            ]
        }),
    );
    copy(
        client,
        "class (id, school_year, school_id, stage, grade, name, size)",
        classes.iter().enumerate().map(|(i, c)| {
            vec![
                s(i + 1),
                s(c.school_year.0),
                s(school_id(&c.school)),
                s(c.stage.code()),
                s(c.grade.0),
                s(&c.name),
                s(c.size),
            ]
        }),
    );
    copy(
        client,
        "student (id, id_number, name, sex, birth_date, household_area)",
        students.iter().enumerate().map(|(i, st)| {
            vec![
                s(i + 1),
                s(st.id_number.as_str()),
                s(&st.name),
                s(st.sex.code()),
                s(st.birth_date.format("%Y-%m-%d")),
                s(&st.household_area),
            ]
        }),
    );
    copy(
        client,
        "enrolment (school_year, student_id, school_id, class_id, stage, grade, migrant_child, \
         boarder, visual_acuity, myopic)",
        enrolments.iter().map(|((year, i), e)| {
            let class = e.class_name.as_ref().and_then(|name| {
                class_at.get(&ClassKey {
                    school_year: *year,
                    school: e.school.clone(),
                    grade: e.grade,
                    name: name.clone(),
                })
            });
            vec![
                s(year.0),
                s(i + 1),
                s(school_id(&e.school)),
                class.map(|c| (c + 1).to_string()),
                s(e.stage.code()),
                s(e.grade.0),
                b(e.migrant_child),
                b(e.boarder),
                e.visual_acuity.map(|v| f64::from(v).to_string()),
                e.myopic.and_then(b),
            ]
        }),
    );
    copy(
        client,
        "teacher (id, id_number, name, sex, birth_year)",
        teachers.iter().enumerate().map(|(i, t)| {
            vec![
                s(i + 1),
                s(t.id_number.as_str()),
                s(&t.name),
                s(t.sex.code()),
                s(t.birth_year),
            ]
        }),
    );
    copy(
        client,
        "teaching_post (school_year, teacher_id, school_id, stage, subject, title, \
         key_teacher_level, joined_school_year, qualification)",
        posts.iter().map(|((year, i), p)| {
            vec![
                s(year.0),
                s(i + 1),
                s(school_id(&p.school)),
                s(p.stage.code()),
                s(p.subject.code()),
                s(p.title.code()),
                s(p.key_teacher_level.code()),
                s(p.joined_school_year.0),
                s(p.qualification.code()),
            ]
        }),
    );
    copy(
        client,
        "population (school_year, township_code, age, children)",
        population
            .iter()
            .map(|((year, township, age), children)| vec![s(year.0), s(township), s(age), s(children)]),
    );
    copy(
        client,
        "births (year, county_code, births)",
        births
            .iter()
            .map(|((year, county), n)| vec![s(year), s(county), s(n)]),
    );
    // Identity columns go on after the ids given here.
    client
        .batch_execute(
            "SELECT setval(pg_get_serial_sequence('school', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM school), false);
             SELECT setval(pg_get_serial_sequence('class', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM class), false);
             SELECT setval(pg_get_serial_sequence('student', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM student), false);
             SELECT setval(pg_get_serial_sequence('teacher', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM teacher), false);",
        )
        .unwrap();
    years.sort_unstable();
    years.dedup();
    bump(client, &years);
}

/// What a committed write does to the revisions: its years' and the
/// schools' (year 0) go up by one.
fn bump(client: &mut Client, years: &[SchoolYear]) {
    for year in std::iter::once(0).chain(years.iter().map(|y| i32::from(y.0))) {
        client
            .execute(
                "INSERT INTO registry_revision (school_year, revision) VALUES ($1, 1)
                 ON CONFLICT (school_year) DO UPDATE SET revision = registry_revision.revision + 1",
                &[&year],
            )
            .unwrap();
    }
}

/// The same change sets in a SQLite store (its own `apply`) and, by plain
/// SQL, in the test's PostgreSQL database.
fn both(db: &TestDb, sets: &[ChangeSet]) -> (Box<dyn Store>, PgStore) {
    let mut sqlite = crate::open_in_memory().unwrap();
    for set in sets {
        sqlite
            .apply(set, crate::ApplyOptions::default(), &mut |_, _| {})
            .unwrap();
    }
    let pg = db.open();
    write_plain(&mut db.client(), sets);
    (sqlite, pg)
}

// ---------------------------------------------------------------------------
// Fixtures (as SQLite's tests build them).

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

fn class(school: &str, name: &str, grade: i8, size: u32) -> Class {
    Class {
        school_year: SchoolYear(2024),
        school: SchoolCode::parse(school).unwrap(),
        stage: if grade > 6 { Stage::Junior } else { Stage::Primary },
        grade: Grade(grade),
        name: name.into(),
        size,
    }
}

fn student(seq: u16, school: &str, class_name: Option<&str>, grade: i8) -> (Student, Enrolment) {
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
            stage: if grade > 6 { Stage::Junior } else { Stage::Primary },
            grade: Grade(grade),
            class_name: class_name.map(str::to_owned),
            migrant_child: false,
            boarder: false,
            visual_acuity: Some(4.9),
            myopic: Some(true),
        },
    )
}

const SCHOOL: &str = "2370102001";

/// One school's classes of several grades, names that differ only in ASCII
/// case, wildcard characters and a pupil without a class.
fn searchable_school() -> ChangeSet {
    let mut classes = Vec::new();
    let mut students = Vec::new();
    let mut seq = 1;
    for (grade, name, size, pupil) in [
        (2, "3班", 2, "王小明"),
        (2, "13班", 1, "王小明"),
        (3, "3班", 1, "李小红"),
        (8, "3班", 1, "李小红"),
        (3, "A班", 2, "Anna"),
        (3, "50%班", 1, "欧阳明月"),
        (3, "a_b班", 1, "张三"),
    ] {
        classes.push(class(SCHOOL, name, grade, size));
        for _ in 0..size {
            let mut row = student(seq, SCHOOL, Some(name), grade);
            row.0.name = pupil.into();
            students.push(row);
            seq += 2;
        }
    }
    let mut classless = student(seq, SCHOOL, None, 3);
    classless.0.name = "赵四".into();
    students.push(classless);
    ChangeSet {
        schools: vec![school(SCHOOL)],
        classes,
        students,
        ..ChangeSet::default()
    }
}

fn page(store: &dyn Store, search: Option<&str>, offset: u64, limit: u64) -> Vec<String> {
    let code = SchoolCode::parse(SCHOOL).unwrap();
    store
        .school_students(&code, SchoolYear(2024), search, offset, limit)
        .unwrap()
        .into_iter()
        .map(|(st, e)| {
            format!(
                "{} {} {}/{:?}",
                st.id_number.as_str(),
                st.name,
                e.grade.0,
                e.class_name
            )
        })
        .collect()
}

fn page_count(store: &dyn Store, search: Option<&str>) -> u64 {
    let code = SchoolCode::parse(SCHOOL).unwrap();
    store
        .school_student_count(&code, SchoolYear(2024), search)
        .unwrap()
}

// ---------------------------------------------------------------------------
// The registry's reads.

#[test]
fn a_school_page_and_its_search_answer_as_on_sqlite() {
    let Some(db) = TestDb::new("a_school_page_and_its_search_answer_as_on_sqlite") else {
        return;
    };
    let (sqlite, pg) = both(&db, &[searchable_school()]);
    let searches = [
        None,
        Some(""),
        Some("二年级3班"),
        Some("二年级 3班"),
        Some("二年级（3）班"),
        Some("2年级3班"),
        Some("二年级"),
        Some("二年级13班"),
        Some("三年级3班"),
        Some("初二3班"),
        Some("3班"),
        Some("13班"),
        Some("王*明"),
        Some("二年级王*明"),
        Some("王小明"),
        Some("李"),
        Some("欧**月"),
        Some("a班"),
        Some("A班"),
        Some("an"),
        Some("A*A"),
        Some("%"),
        Some("_"),
        Some("50%"),
        Some("a_b"),
        Some("ab"),
        Some("\\"),
        Some("二年级%"),
        Some("二年级_班"),
        Some("二年级3班' OR 1=1 --"),
    ];
    for search in searches {
        let expected = page(&*sqlite, search, 0, 100);
        assert_eq!(page(&pg, search, 0, 100), expected, "{search:?}");
        assert_eq!(
            page_count(&pg, search),
            page_count(&*sqlite, search),
            "{search:?}"
        );
    }
    // The searches find what they should, not only the same as SQLite.
    assert_eq!(page(&pg, Some("二年级3班"), 0, 100).len(), 2);
    assert_eq!(page(&pg, Some("a班"), 0, 100).len(), 2);
    assert_eq!(page(&pg, Some("50%"), 0, 100).len(), 1);
    assert!(page(&pg, Some("%"), 0, 100).len() == 1);
    assert!(page(&pg, Some("王小明"), 0, 100).is_empty());
    // Pages: the pupil without a class first in its grade, as on SQLite.
    let all = page(&pg, None, 0, 100);
    assert_eq!(all.len(), 10);
    assert!(all[3].ends_with("3/None"), "{all:?}");
    for (offset, limit) in [(0, 3), (3, 3), (9, 5), (11, 5), (100, 5)] {
        assert_eq!(
            page(&pg, None, offset, limit),
            page(&*sqlite, None, offset, limit),
            "{offset}+{limit}"
        );
        assert_eq!(
            page(&pg, Some("3班"), offset, limit),
            page(&*sqlite, Some("3班"), offset, limit)
        );
    }
}

/// Every read of a demo city's two school years equals SQLite's for the
/// same change sets, and the snapshot equals the one built from the change
/// set.
#[test]
fn every_read_of_a_demo_city_answers_as_on_sqlite() {
    let Some(db) = TestDb::new("every_read_of_a_demo_city_answers_as_on_sqlite") else {
        return;
    };
    let city = demo::DemoCity::generate(&demo::DemoConfig {
        scale: 0.01,
        first_year: SchoolYear(2023),
        last_year: SchoolYear(2024),
        ..demo::DemoConfig::default()
    })
    .unwrap();
    let sets: Vec<ChangeSet> = city
        .school_years()
        .into_iter()
        .map(|y| city.school_year(y))
        .collect();
    let (sqlite, pg) = both(&db, &sets);
    let sqlite = &*sqlite;

    assert!(!pg.holds_demo_city().unwrap());
    assert_eq!(pg.school_years().unwrap(), sqlite.school_years().unwrap());
    assert_eq!(pg.schools().unwrap(), sqlite.schools().unwrap());
    assert_eq!(pg.births().unwrap(), sqlite.births().unwrap());
    assert_eq!(pg.area("370102").unwrap(), sqlite.area("370102").unwrap());
    assert_eq!(pg.area("999999").unwrap(), None);
    assert_eq!(
        pg.child_areas("3701").unwrap(),
        sqlite.child_areas("3701").unwrap()
    );
    let (a, b) = (pg.lookup().unwrap(), sqlite.lookup().unwrap());
    assert_eq!((a.areas, a.schools, a.classes), (b.areas, b.schools, b.classes));

    let students = |store: &dyn Store, year| {
        let mut out = Vec::new();
        store
            .for_each_student(year, &mut |st, e| out.push((st, e)))
            .unwrap();
        out
    };
    let schools = sqlite.schools().unwrap();
    let mut searched = 0;
    for year in [SchoolYear(2023), SchoolYear(2024)] {
        assert_eq!(pg.facilities(year).unwrap(), sqlite.facilities(year).unwrap());
        assert_eq!(pg.classes(year).unwrap(), sqlite.classes(year).unwrap());
        assert_eq!(pg.teachers(year).unwrap(), sqlite.teachers(year).unwrap());
        assert_eq!(pg.population(year).unwrap(), sqlite.population(year).unwrap());
        assert_eq!(pg.summary(year).unwrap(), sqlite.summary(year).unwrap());
        let all = students(sqlite, year);
        assert!(all.len() > 1_000, "{}", all.len());
        assert_eq!(students(&pg, year), all);
        for school in schools.iter().step_by(7) {
            assert_eq!(
                pg.school(&school.code).unwrap(),
                sqlite.school(&school.code).unwrap()
            );
            assert_eq!(
                pg.school_classes(&school.code, year).unwrap(),
                sqlite.school_classes(&school.code, year).unwrap()
            );
            assert_eq!(
                pg.school_teachers(&school.code, year).unwrap(),
                sqlite.school_teachers(&school.code, year).unwrap()
            );
            for search in [None, Some("一年级1班"), Some("2班"), Some("王*"), Some("初一")] {
                let read = |store: &dyn Store, offset| {
                    store
                        .school_students(&school.code, year, search, offset, 20)
                        .unwrap()
                };
                assert_eq!(read(&pg, 0), read(sqlite, 0));
                assert_eq!(read(&pg, 20), read(sqlite, 20));
                let n = pg.school_student_count(&school.code, year, search).unwrap();
                assert_eq!(
                    n,
                    sqlite.school_student_count(&school.code, year, search).unwrap()
                );
                searched += n;
            }
        }
        let expected = canonical(&registry::snapshot::YearSnapshot::from_changes(
            &city.school_year(year),
        ));
        let stored = canonical(&pg.year_snapshot(year).unwrap());
        assert_eq!(stored.len(), expected.len());
        for (a, b) in stored.iter().zip(&expected) {
            assert_eq!(a, b);
        }
        assert_eq!(
            canonical(&pg.year_snapshot(year).unwrap()),
            canonical(&sqlite.year_snapshot(year).unwrap())
        );
    }
    assert!(searched > 0);
    assert_eq!(
        pg.school(&SchoolCode::parse("2370102999").unwrap()).unwrap(),
        None
    );

    // Placements: latest and in a given year, with people not stored.
    let people: Vec<IdNumber> = students(sqlite, SchoolYear(2023))
        .into_iter()
        .step_by(5)
        .map(|(st, _)| st.id_number)
        .chain([IdNumber::compose(
            "370102",
            NaiveDate::from_ymd_opt(2016, 3, 1).unwrap(),
            999,
            Sex::Male,
        )])
        .collect();
    let refs: Vec<&IdNumber> = people.iter().collect();
    let latest = pg.latest_placements(PersonKind::Student, &refs).unwrap();
    assert_eq!(
        latest,
        sqlite.latest_placements(PersonKind::Student, &refs).unwrap()
    );
    assert!(latest
        .iter()
        .any(|p| p.as_ref().is_some_and(|p| p.school_year == SchoolYear(2024))));
    assert_eq!(latest.last(), Some(&None));
    let in_year: Vec<(SchoolYear, &IdNumber)> = people
        .iter()
        .enumerate()
        .map(|(i, id)| (SchoolYear(2023 + (i % 2) as u16), id))
        .collect();
    assert_eq!(
        pg.placements_in_year(PersonKind::Student, &in_year).unwrap(),
        sqlite.placements_in_year(PersonKind::Student, &in_year).unwrap()
    );
    let teachers: Vec<IdNumber> = sqlite
        .teachers(SchoolYear(2024))
        .unwrap()
        .into_iter()
        .step_by(3)
        .map(|(t, _)| t.id_number)
        .collect();
    let refs: Vec<&IdNumber> = teachers.iter().chain(people.iter().take(2)).collect();
    let latest = pg.latest_placements(PersonKind::Teacher, &refs).unwrap();
    assert_eq!(
        latest,
        sqlite.latest_placements(PersonKind::Teacher, &refs).unwrap()
    );
    assert!(latest[0].as_ref().is_some_and(|p| p.grade.is_none()));
}

#[test]
fn an_empty_registry_reads_as_empty() {
    let Some(db) = TestDb::new("an_empty_registry_reads_as_empty") else {
        return;
    };
    let pg = db.open();
    assert_eq!(pg.school_years().unwrap(), []);
    assert_eq!(pg.schools().unwrap(), []);
    assert_eq!(pg.summary(SchoolYear(2024)).unwrap(), []);
    assert_eq!(pg.registry_revision().unwrap(), 0);
    let id = IdNumber::compose(
        "370102",
        NaiveDate::from_ymd_opt(2016, 3, 1).unwrap(),
        1,
        Sex::Male,
    );
    assert_eq!(pg.latest_placements(PersonKind::Student, &[&id]).unwrap(), [None]);
    assert_eq!(pg.latest_placements(PersonKind::Student, &[]).unwrap(), []);
    let snapshot = pg.year_snapshot(SchoolYear(2024)).unwrap();
    assert!(snapshot.schools.is_empty() && snapshot.city.is_none());
    // Areas are seeded with the schema.
    assert_eq!(pg.area("3701").unwrap().unwrap().name, "济南市");
}

/// Every row of a snapshot as text with indices resolved to codes, sorted
/// (as SQLite's tests compare them).
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
            registry::snapshot::TeacherRow { school: 0, ..*t }
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

#[test]
fn a_cached_snapshot_is_reused_until_a_write_bumps_its_revision_seen_by_every_connection() {
    let Some(db) = TestDb::new("a_cached_snapshot_is_reused") else {
        return;
    };
    let (_, pg) = both(&db, &[searchable_school()]);
    let other = db.open();
    let mut client = db.client();
    let before = pg.registry_revision().unwrap();
    let first = pg.year_snapshot(SchoolYear(2024)).unwrap();
    let cached: i64 = client
        .query_one("SELECT count(*) FROM snapshot_cache", &[])
        .unwrap()
        .get(0);
    assert_eq!(cached, 1);
    // Reused: the cache is what is read (a marker put into it shows).
    let mut marked = first.clone();
    marked.school_groups.push("缓存".into());
    client
        .execute(
            "UPDATE snapshot_cache SET data = $1",
            &[&postcard::to_allocvec(&marked).unwrap()],
        )
        .unwrap();
    assert_eq!(other.year_snapshot(SchoolYear(2024)).unwrap(), marked);
    // Unreadable: rebuilt.
    client
        .execute("UPDATE snapshot_cache SET data = '\\x01'", &[])
        .unwrap();
    assert_eq!(pg.year_snapshot(SchoolYear(2024)).unwrap(), first);

    // Another connection writes (a screening changes) and bumps the year.
    client
        .batch_execute("UPDATE enrolment SET myopic = false WHERE student_id = 1")
        .unwrap();
    bump(&mut client, &[SchoolYear(2024)]);
    assert!(other.registry_revision().unwrap() > before);
    assert_eq!(
        pg.registry_revision().unwrap(),
        other.registry_revision().unwrap()
    );
    let after = pg.year_snapshot(SchoolYear(2024)).unwrap();
    assert_ne!(after, first);
    assert_eq!(
        after.students.iter().filter(|s| s.myopic == Some(false)).count(),
        1
    );
    // A school-only change (revision of year 0) refreshes every year.
    client
        .batch_execute("UPDATE school SET name = '改名小学'")
        .unwrap();
    bump(&mut client, &[]);
    assert_eq!(
        other.year_snapshot(SchoolYear(2024)).unwrap().schools[0].name,
        "改名小学"
    );
}

#[test]
fn a_snapshot_is_not_held_up_by_another_connections_lock_on_its_cache() {
    let Some(db) = TestDb::new("a_snapshot_is_not_held_up") else {
        return;
    };
    let (_, pg) = both(&db, &[searchable_school()]);
    let first = pg.year_snapshot(SchoolYear(2024)).unwrap();
    let mut client = db.client();
    bump(&mut client, &[SchoolYear(2024)]);
    // A long write holds the cached row.
    let mut tx = client.transaction().unwrap();
    tx.execute("SELECT 1 FROM snapshot_cache FOR UPDATE", &[])
        .unwrap();
    let start = std::time::Instant::now();
    assert_eq!(pg.year_snapshot(SchoolYear(2024)).unwrap(), first);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    tx.rollback().unwrap();
}

#[test]
fn transfer_requests_read_back_as_sqlite_stores_them() {
    use crate::{NewTransfer, TransferRequest, TransferRow, TransferStatus};

    let Some(db) = TestDb::new("transfer_requests_read_back") else {
        return;
    };
    let at = Utc.with_ymd_and_hms(2025, 9, 1, 8, 0, 0).unwrap();
    let (pupil, enrolment) = student(1, "2370112002", Some("1班"), 3);
    let from = registry::transfer::Placement {
        school_year: SchoolYear(2024),
        school: SchoolCode::parse(SCHOOL).unwrap(),
        stage: Stage::Primary,
        grade: Some(Grade(3)),
    };
    let student_request = NewTransfer {
        row: TransferRow::Student(pupil, enrolment),
        to_county: AreaCode::parse("370112").unwrap(),
        from: from.clone(),
        from_county: AreaCode::parse("370102").unwrap(),
        source: "学生.csv 第 2 行".into(),
        requested_by: "licheng".into(),
        requested_at: at,
    };
    let teacher = Teacher {
        id_number: IdNumber::compose(
            "370102",
            NaiveDate::from_ymd_opt(1985, 5, 1).unwrap(),
            7,
            Sex::Male,
        ),
        name: "王老师".into(),
        sex: Sex::Male,
        birth_year: 1985,
    };
    let post = TeachingPost {
        school_year: SchoolYear(2024),
        school: SchoolCode::parse("2370112002").unwrap(),
        stage: Stage::Primary,
        subject: Subject::from_code("math")
            .or_else(|| Subject::ALL.first().copied())
            .unwrap(),
        title: Title::ALL[0],
        key_teacher_level: KeyTeacherLevel::ALL[0],
        joined_school_year: SchoolYear(2020),
        qualification: Qualification::ALL[0],
    };
    let teacher_request = NewTransfer {
        row: TransferRow::Teacher(teacher, post),
        from: registry::transfer::Placement { grade: None, ..from },
        requested_by: "other".into(),
        requested_at: at + Duration::minutes(1),
        ..student_request.clone()
    };
    let decided = TransferRequest {
        id: 0,
        request: teacher_request,
        status: TransferStatus::Refused,
        decided_by: Some("lixia".into()),
        decided_at: Some(at + Duration::hours(2)),
        reason: Some("编制已满".into()),
    };
    let pending = TransferRequest {
        id: 0,
        request: student_request,
        status: TransferStatus::Pending,
        decided_by: None,
        decided_at: None,
        reason: None,
    };
    // SQLite stores them with its own write side; PostgreSQL gets the same
    // rows by plain SQL.
    let mut sqlite = crate::open_in_memory().unwrap();
    let mut client = db.client();
    let pg = db.open();
    for request in [&pending, &decided] {
        sqlite.restore_transfer(request).unwrap();
        insert_request(&mut client, request);
    }
    for query in [
        TransferQuery {
            limit: 10,
            ..TransferQuery::default()
        },
        TransferQuery {
            county: Some(AreaCode::parse("370112").unwrap()),
            status: Some(TransferStatus::Pending),
            limit: 10,
            ..TransferQuery::default()
        },
        TransferQuery {
            school: Some(SchoolCode::parse(SCHOOL).unwrap()),
            limit: 1,
            ..TransferQuery::default()
        },
        TransferQuery {
            county: Some(AreaCode::parse("370103").unwrap()),
            limit: 10,
            ..TransferQuery::default()
        },
    ] {
        assert_eq!(
            pg.transfers(&query).unwrap(),
            sqlite.transfers(&query).unwrap(),
            "{query:?}"
        );
    }
    let listed = pg
        .transfers(&TransferQuery {
            limit: 10,
            ..TransferQuery::default()
        })
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].request, decided.request);
    assert_eq!(listed[1].request, pending.request);
    assert_eq!(
        pg.transfer(listed[0].id).unwrap(),
        sqlite.transfer(listed[0].id).unwrap()
    );
    assert_eq!(pg.transfer(9999).unwrap(), None);
    assert_eq!(pg.pending_transfers_by("licheng").unwrap(), 1);
    assert_eq!(pg.pending_transfers_by("other").unwrap(), 0);
}

/// A request as a plain INSERT, every column of the schema.
fn insert_request(client: &mut Client, t: &crate::TransferRequest) {
    use crate::TransferRow;
    let r = &t.request;
    let (student, teacher) = match &r.row {
        TransferRow::Student(s, e) => (Some((s, e)), None),
        TransferRow::Teacher(p, post) => (None, Some((p, post))),
    };
    let stage = match &r.row {
        TransferRow::Student(_, e) => e.stage,
        TransferRow::Teacher(_, p) => p.stage,
    };
    let sex = match &r.row {
        TransferRow::Student(s, _) => s.sex,
        TransferRow::Teacher(p, _) => p.sex,
    };
    client
        .execute(
            "INSERT INTO transfer_request (kind, id_number, school_year, to_school, to_county,
                 from_year, from_school, from_county, from_stage, from_grade, name, sex, birth_date,
                 household_area, birth_year, stage, grade, class_name, migrant_child, boarder,
                 visual_acuity, myopic, subject, title, key_teacher_level, joined_school_year,
                 qualification, source, requested_by, requested_at, status, decided_by, decided_at, reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                     $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34)",
            &[
                &r.row.kind().code(),
                &r.row.id_number().as_str(),
                &i32::from(r.row.school_year().0),
                &r.row.school().as_str(),
                &r.to_county.as_str(),
                &i32::from(r.from.school_year.0),
                &r.from.school.as_str(),
                &r.from_county.as_str(),
                &r.from.stage.code(),
                &r.from.grade.map(|g| i32::from(g.0)),
                &r.row.name(),
                &sex.code(),
                &student.map(|(s, _)| s.birth_date),
                &student.map(|(s, _)| s.household_area.as_str()),
                &teacher.map(|(p, _)| i32::from(p.birth_year)),
                &stage.code(),
                &student.map(|(_, e)| i32::from(e.grade.0)),
                &student.and_then(|(_, e)| e.class_name.as_deref()),
                &student.map(|(_, e)| e.migrant_child),
                &student.map(|(_, e)| e.boarder),
                &student.and_then(|(_, e)| e.visual_acuity.map(f64::from)),
                &student.and_then(|(_, e)| e.myopic),
                &teacher.map(|(_, p)| p.subject.code()),
                &teacher.map(|(_, p)| p.title.code()),
                &teacher.map(|(_, p)| p.key_teacher_level.code()),
                &teacher.map(|(_, p)| i32::from(p.joined_school_year.0)),
                &teacher.map(|(_, p)| p.qualification.code()),
                &r.source,
                &r.requested_by,
                &r.requested_at,
                &t.status.code(),
                &t.decided_by,
                &t.decided_at,
                &t.reason,
            ],
        )
        .unwrap();
}

// ---------------------------------------------------------------------------
// Accounts (SQLite's `accounts_tests.rs`, on PostgreSQL).

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 9, 1, 8, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn city() -> Scope {
    Scope::City {
        city: AreaCode::parse("3701").unwrap(),
    }
}

fn add(store: &mut dyn Store, username: &str, role: Role, scope: &Scope) -> i64 {
    store
        .create_user(&NewUserRecord {
            username,
            display_name: "张老师",
            role,
            scope,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            at: t(0),
        })
        .unwrap()
}

fn session(store: &mut dyn Store, hash: u8, user_id: i64, created: i64, expires: i64) -> [u8; 32] {
    let token_hash = [hash; 32];
    store
        .create_session(&NewSession {
            token_hash: &token_hash,
            user_id,
            csrf_token: "csrf-secret",
            created_at: t(created),
            expires_at: t(expires),
        })
        .unwrap();
    token_hash
}

#[test]
fn users_are_created_found_listed_and_refused_as_on_sqlite() {
    let Some(db) = TestDb::new("users_are_created") else {
        return;
    };
    let mut pg = db.open();
    let county = Scope::County {
        county: AreaCode::parse("370102").unwrap(),
    };
    let school = Scope::School {
        school: SchoolCode::parse(SCHOOL).unwrap(),
        county: AreaCode::parse("370102").unwrap(),
    };
    let zhang = add(&mut pg, "Zhang", Role::CountyOfficer, &county);
    let admin = add(&mut pg, "admin", Role::CityAdmin, &city());
    add(&mut pg, "xiao", Role::SchoolOfficer, &school);
    let found = pg.user_by_name("Zhang").unwrap().unwrap();
    assert_eq!(found.id, zhang);
    assert_eq!(found.scope, county);
    assert!(found.active);
    assert_eq!((found.created_at, found.updated_at), (t(0), t(0)));
    assert_eq!(pg.user_by_id(admin).unwrap().unwrap().role, Role::CityAdmin);
    assert_eq!(pg.user_by_name("xiao").unwrap().unwrap().scope, school);
    assert_eq!(pg.user_by_name("nobody").unwrap(), None);
    assert_eq!(pg.user_by_id(9999).unwrap(), None);
    // By username in byte order, as SQLite sorts text: capitals first
    // (the test database orders text as en-US would: `admin` < `Zhang`).
    let names: Vec<String> = pg.users().unwrap().into_iter().map(|u| u.username).collect();
    assert_eq!(names, ["Zhang", "admin", "xiao"]);

    let again = pg.create_user(&NewUserRecord {
        username: "Zhang",
        display_name: "另一个",
        role: Role::CountyOfficer,
        scope: &county,
        password_hash: "x",
        at: t(1),
    });
    assert!(
        matches!(again, Err(StoreError::Duplicate(ref m)) if m.contains("Zhang")),
        "{again:?}"
    );
    let unknown = pg.create_user(&NewUserRecord {
        username: "wang",
        display_name: "王",
        role: Role::CountyOfficer,
        scope: &Scope::County {
            county: AreaCode::parse("379999").unwrap(),
        },
        password_hash: "x",
        at: t(1),
    });
    assert!(
        matches!(unknown, Err(StoreError::UnknownReference(_))),
        "{unknown:?}"
    );

    assert!(pg.set_password_hash(zhang, "new", t(5)).unwrap());
    assert!(!pg.set_password_hash(9999, "new", t(5)).unwrap());
    let changed = pg.user_by_id(zhang).unwrap().unwrap();
    assert_eq!(
        (changed.password_hash.as_str(), changed.updated_at),
        ("new", t(5))
    );
    assert!(pg.set_active(zhang, false, t(6)).unwrap());
    assert!(!pg.user_by_id(zhang).unwrap().unwrap().active);
    assert!(pg.set_active(zhang, true, t(7)).unwrap());
    assert!(!pg.set_active(9999, false, t(7)).unwrap());
}

#[test]
fn the_last_active_city_administrator_cannot_be_disabled_even_by_two_at_once() {
    let Some(db) = TestDb::new("the_last_active_city_administrator") else {
        return;
    };
    let mut pg = db.open();
    let a = add(&mut pg, "a", Role::CityAdmin, &city());
    assert!(!pg.set_active(a, false, t(1)).unwrap());
    let b = add(&mut pg, "b", Role::CityAdmin, &city());
    let officer = add(&mut pg, "o", Role::CountyOfficer, &city());
    assert!(pg.set_active(officer, false, t(1)).unwrap());

    // Another connection disables `a` in a transaction still open; `b`'s
    // disabling waits for it, then finds no other active administrator.
    let mut client = db.client();
    let mut tx = client.transaction().unwrap();
    let changed = tx
        .execute(super::accounts::SET_ACTIVE_SQL, &[&a, &false, &t(2)])
        .unwrap();
    assert_eq!(changed, 1);
    let url = db.url();
    let second = std::thread::spawn(move || {
        let mut other = PgStore::open(&url).unwrap();
        other.set_active(b, false, t(3)).unwrap()
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    tx.commit().unwrap();
    assert!(!second.join().unwrap());
    assert!(pg.user_by_id(b).unwrap().unwrap().active);
    assert!(!pg.user_by_id(a).unwrap().unwrap().active);
    assert!(pg.set_active(a, true, t(4)).unwrap());
    assert!(pg.set_active(b, false, t(5)).unwrap());
}

#[test]
fn a_session_is_found_before_it_expires_while_its_user_is_active_and_ends_as_asked() {
    let Some(db) = TestDb::new("a_session_is_found") else {
        return;
    };
    let mut pg = db.open();
    let id = add(&mut pg, "admin", Role::CityAdmin, &city());
    let other = add(&mut pg, "li", Role::CountyOfficer, &city());
    let hash = session(&mut pg, 1, id, 0, 60);
    let found = pg.session(&hash, t(30)).unwrap().unwrap();
    assert_eq!(found.user.id, id);
    assert_eq!(found.csrf_token, "csrf-secret");
    assert_eq!(
        (found.created_at, found.expires_at, found.last_seen),
        (t(0), t(60), t(0))
    );
    assert!(pg.session(&hash, t(60)).unwrap().is_none());
    assert!(pg.session(&[9; 32], t(1)).unwrap().is_none());
    pg.touch_session(&hash, t(10)).unwrap();
    assert_eq!(pg.session(&hash, t(11)).unwrap().unwrap().last_seen, t(10));
    // Milliseconds are kept, as SQLite's text keeps them.
    let precise = t(12) + Duration::milliseconds(345) + Duration::microseconds(678);
    pg.touch_session(&hash, precise).unwrap();
    assert_eq!(
        pg.session(&hash, t(13)).unwrap().unwrap().last_seen,
        t(12) + Duration::milliseconds(345)
    );

    let li = session(&mut pg, 2, other, 0, 600);
    assert!(pg.set_active(other, false, t(1)).unwrap());
    assert!(pg.session(&li, t(2)).unwrap().is_none());
    assert!(pg.set_active(other, true, t(3)).unwrap());
    assert!(pg.session(&li, t(4)).unwrap().is_some());

    session(&mut pg, 3, other, 0, 600);
    session(&mut pg, 4, id, 0, 30);
    assert_eq!(pg.delete_user_sessions(other).unwrap(), 2);
    assert!(pg.delete_session(&hash).unwrap());
    assert!(!pg.delete_session(&hash).unwrap());
    session(&mut pg, 5, id, 0, 600);
    session(&mut pg, 6, id, 0, 600);
    pg.touch_session(&[6; 32], t(100)).unwrap();
    // Expired at 30 (the 4th) and idle since before 50 (the 5th).
    assert_eq!(pg.delete_expired_sessions(t(30), Some(t(50))).unwrap(), 2);
    assert_eq!(pg.delete_expired_sessions(t(30), None).unwrap(), 0);
    assert!(pg.session(&[6; 32], t(101)).unwrap().is_some());
}

#[test]
fn touching_a_session_does_not_wait_for_another_connection_holding_it() {
    let Some(db) = TestDb::new("touching_a_session") else {
        return;
    };
    let mut pg = db.open();
    let id = add(&mut pg, "admin", Role::CityAdmin, &city());
    let hash = session(&mut pg, 1, id, 0, 600);
    let mut client = db.client();
    let mut tx = client.transaction().unwrap();
    tx.execute(
        "UPDATE session SET csrf_token = csrf_token WHERE token_hash = $1",
        &[&&hash[..]],
    )
    .unwrap();
    let start = std::time::Instant::now();
    pg.touch_session(&hash, t(5)).unwrap();
    assert!(
        start.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    // Skipped, and the session still found.
    assert_eq!(pg.session(&hash, t(6)).unwrap().unwrap().last_seen, t(0));
    tx.rollback().unwrap();
    pg.touch_session(&hash, t(7)).unwrap();
    assert_eq!(pg.session(&hash, t(8)).unwrap().unwrap().last_seen, t(7));
}

#[test]
fn the_audit_log_reads_newest_first_paged_and_filtered() {
    let Some(db) = TestDb::new("the_audit_log") else {
        return;
    };
    let mut pg = db.open();
    for (minute, actor, action) in [
        (0, "admin", AuditAction::UserAdd),
        (1, "admin", AuditAction::UserDisable),
        (2, "zhang", AuditAction::Import),
        (3, "admin", AuditAction::UserAdd),
    ] {
        pg.record_audit(t(minute), actor, action, &format!("第 {minute} 条"))
            .unwrap();
    }
    let before = Utc::now() - Duration::seconds(1);
    pg.audit("li", AuditAction::ViewUnmasked, "学校 2370112001")
        .unwrap();

    let all = pg
        .audit_log(&AuditQuery {
            limit: 2,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all.total, 5);
    let actors: Vec<_> = all.entries.iter().map(|e| e.actor.as_str()).collect();
    assert_eq!(actors, ["li", "admin"]);
    assert!(all.entries[0].at >= before && all.entries[0].at <= Utc::now());
    assert_eq!(all.entries[0].at.timestamp_subsec_nanos(), 0);
    assert_eq!(all.entries[1].at, t(3));
    assert_eq!(all.entries[1].detail, "第 3 条");

    let page = pg
        .audit_log(&AuditQuery {
            actor: Some("admin"),
            offset: 1,
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.total, 3);
    let details: Vec<_> = page.entries.iter().map(|e| e.detail.as_str()).collect();
    assert_eq!(details, ["第 1 条", "第 0 条"]);

    let adds = pg
        .audit_log(&AuditQuery {
            actor: Some("admin"),
            action: Some(AuditAction::UserAdd),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(adds.total, 2);
    assert!(adds.entries.iter().all(|e| e.action == "user_add"));
    // A code this build does not know reads as stored.
    let mut client = db.client();
    client
        .execute(
            "INSERT INTO audit_log (actor, action, detail) VALUES ('x', 'from_a_newer_build', '')",
            &[],
        )
        .unwrap();
    let newest = pg
        .audit_log(&AuditQuery {
            limit: 1,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(newest.entries[0].action, "from_a_newer_build");
}

/// The masking function of the schema agrees with the Rust one.
#[test]
fn the_schemas_mask_name_masks_as_registry_does() {
    let Some(db) = TestDb::new("the_schemas_mask_name") else {
        return;
    };
    db.open();
    let mut client = db.client();
    for name in ["", "张", "张三", "李小红", "欧阳明月", "Anna", "a_b%"] {
        let masked: String = client
            .query_one("SELECT mask_name($1::text)", &[&name])
            .unwrap()
            .get(0);
        assert_eq!(masked, registry::mask::name(name), "{name}");
    }
}

/// A statement kept prepared by a connection still runs after the schema
/// changed under it (a newer server migrated the database).
#[test]
fn a_prepared_statement_is_prepared_again_when_the_schema_changed_under_it() {
    let Some(db) = TestDb::new("a_prepared_statement_is_prepared_again") else {
        return;
    };
    let mut pg = db.open();
    add(&mut pg, "admin", Role::CityAdmin, &city());
    assert_eq!(pg.users().unwrap().len(), 1);
    db.client()
        .batch_execute("ALTER TABLE app_user ALTER COLUMN display_name TYPE varchar(100)")
        .unwrap();
    assert_eq!(pg.users().unwrap()[0].display_name, "张老师");
    assert_eq!(pg.user_by_name("admin").unwrap().unwrap().display_name, "张老师");
}
