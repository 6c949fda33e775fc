//! Two writers at once, and a writer killed with `kill -9` in the middle of
//! its write: both commit (or the second waits), nothing is half-written.

use std::io::{BufRead, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use registry::*;
use store::prelude::*;
use store::{ApplyOptions, ApplyOutcome, DatabaseUrl};

use crate::support::*;

contract!(
    /// Two writers on one database, each with its own connection, started
    /// together many times: every change set commits (issue 10, point 5). A
    /// student file's change set starts with reads (school and class ids), and
    /// on SQLite as a deferred transaction the second writer then failed with
    /// SQLITE_BUSY_SNAPSHOT ("database is locked"), which the busy timeout
    /// does not retry.
    fn two_connections_writing_students_at_once_both_commit(db) {
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
        let mut setup = db.open();
        for round in 0..ROUNDS {
            let classes = ChangeSet {
                schools: SCHOOLS.iter().map(|code| school(code)).collect(),
                classes: SCHOOLS.iter().map(|code| class(code, "1班", 2)).collect(),
                ..ChangeSet::default()
            };
            apply(&mut *setup, &in_year(round, classes), ApplyOptions::default());
        }
        drop(setup);

        let start = std::sync::Barrier::new(SCHOOLS.len());
        let results: Vec<(u16, Vec<String>)> = std::thread::scope(|scope| {
            let writers: Vec<_> = SCHOOLS
                .iter()
                .enumerate()
                .map(|(w, code)| {
                    let start = &start;
                    scope.spawn(move || {
                        let mut store = db.open();
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
        // Nothing half-written: every class holds exactly its two pupils.
        let store = db.open();
        assert_eq!(rows(&*store, "enrolment"), 4 * ROUNDS as u64);
        for round in 0..ROUNDS {
            let year = SchoolYear(2000 + round);
            assert_eq!(students_of(&*store, year).len(), 4, "{year:?}");
        }
    }
);

contract!(
    /// Two city administrators disabling each other at the same moment, on two
    /// connections: never both, so one active administrator always remains.
    fn two_administrators_disabling_each_other_at_once_leave_one_active(db) {
        use access::{Role, Scope};
        use store::accounts::NewUserRecord;
        let at = Utc.with_ymd_and_hms(2024, 9, 1, 8, 0, 0).unwrap();
        let city = Scope::City {
            city: AreaCode::parse("3701").unwrap(),
        };
        let mut setup = db.open();
        let ids: Vec<i64> = ["a", "b"]
            .iter()
            .map(|name| {
                setup
                    .create_user(&NewUserRecord {
                        username: name,
                        display_name: "管理员",
                        role: Role::CityAdmin,
                        scope: &city,
                        password_hash: "x",
                        at,
                    })
                    .unwrap()
            })
            .collect();
        let start = std::sync::Barrier::new(2);
        for round in 0..20 {
            let done: Vec<bool> = std::thread::scope(|scope| {
                let handles: Vec<_> = ids
                    .iter()
                    .map(|id| {
                        let start = &start;
                        scope.spawn(move || {
                            let mut store = db.open();
                            start.wait();
                            store.set_active(*id, false, at).unwrap()
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            assert_eq!(done.iter().filter(|d| **d).count(), 1, "round {round}: {done:?}");
            let active = setup.users().unwrap().iter().filter(|u| u.active).count();
            assert_eq!(active, 1, "round {round}");
            for id in &ids {
                setup.set_active(*id, true, at).unwrap();
            }
        }
    }
);

/// Set in the child process of the kill test: the URL of the database it writes.
const KILL_CHILD: &str = "EDUGOV_CONTRACT_KILL_CHILD";
/// Students in the killed change set: enough that it is caught mid-write.
const KILLED_ROWS: usize = 150_000;

/// Not a case on its own: the writer that
/// `a_writer_killed_mid_write_leaves_the_previous_state` runs in a child
/// process (this test binary, `--exact` this name, with `KILL_CHILD` set)
/// and kills. Without `KILL_CHILD` it returns at once.
#[test]
fn a_kill_tests_child_writes_a_large_change_set_when_asked() {
    let Ok(url) = std::env::var(KILL_CHILD) else {
        return;
    };
    let mut store = store::open(&DatabaseUrl::parse(&url)).unwrap();
    let mut changes = many_students(KILLED_ROWS);
    changes.schools[0].name = "写了一半的小学".into();
    let mut out = std::io::stdout();
    let _ = writeln!(out, "edugov-child start");
    let _ = out.flush();
    let outcome = store.apply(&changes, audited(false), &mut |done, total| {
        let _ = writeln!(out, "edugov-child progress {done} {total}");
        let _ = out.flush();
    });
    let _ = writeln!(std::io::stdout(), "edugov-child finished {outcome:?}");
}

contract!(
    /// All or nothing even for `kill -9`: a child process writing a large
    /// change set is killed in the middle of it (on PostgreSQL while its
    /// `COPY`/`INSERT` runs, as `pg_stat_activity` shows; on SQLite once its
    /// progress shows rows written); the database then holds exactly the
    /// previous state, and the next write succeeds.
    fn a_writer_killed_mid_write_leaves_the_previous_state(db) {
        let mut store = db.open();
        apply(&mut *store, &one_class_of_two(), audited(false));
        let before = registry_state(&*store);
        let revision = store.registry_revision().unwrap();
        let counts = store.row_counts().unwrap();
        drop(store);

        let url = match db.url() {
            DatabaseUrl::Sqlite(path) => path.display().to_string(),
            DatabaseUrl::Postgres(url) => url.clone(),
        };
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["concurrency::a_kill_tests_child_writes_a_large_change_set_when_asked", "--exact", "--nocapture", "--test-threads=1"])
            .env(KILL_CHILD, &url)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (lines, seen) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut watcher = match db.url() {
            DatabaseUrl::Postgres(url) => Some(postgres::Client::connect(url, postgres::NoTls).unwrap()),
            DatabaseUrl::Sqlite(_) => None,
        };
        let started = Instant::now();
        let mut mid_progress: Option<Instant> = None;
        let killed_at = loop {
            assert!(
                started.elapsed() < Duration::from_secs(180),
                "the child never got to write"
            );
            while let Ok(line) = seen.try_recv() {
                if let Some(rest) = line.strip_prefix("edugov-child progress ") {
                    let mut n = rest.split(' ').map(|x| x.parse::<u64>().unwrap_or(0));
                    let (done, total) = (n.next().unwrap_or(0), n.next().unwrap_or(0));
                    if done > 1 && done < total && mid_progress.is_none() {
                        mid_progress = Some(Instant::now());
                    }
                }
                assert!(
                    !line.starts_with("edugov-child finished"),
                    "the write ended before it could be killed ({line}): make KILLED_ROWS larger"
                );
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!("the child exited before it was killed: {status}");
            }
            let point = match &mut watcher {
                Some(client) => {
                    let writing: i64 = client
                        .query_one(
                            "SELECT count(*) FROM pg_stat_activity
                             WHERE datname = current_database() AND pid <> pg_backend_pid()
                               AND state = 'active'
                               AND (query ILIKE 'copy%' OR query ILIKE 'insert%')",
                            &[],
                        )
                        .unwrap()
                        .get(0);
                    if writing > 0 {
                        Some("while its COPY/INSERT ran")
                    } else if mid_progress.is_some_and(|t| t.elapsed() > Duration::from_secs(10)) {
                        // Between statements, but inside the transaction.
                        Some("inside its transaction, rows written")
                    } else {
                        None
                    }
                }
                None => mid_progress.map(|_| "after its progress showed rows written"),
            };
            if let Some(point) = point {
                child.kill().unwrap(); // SIGKILL
                break point;
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        let status = child.wait().unwrap();
        assert!(!status.success(), "{status}");
        eprintln!("killed the writer {killed_at}, {:?} after it started", started.elapsed());
        drop(watcher);

        let mut store = db.open();
        assert_eq!(registry_state(&*store), before, "the previous state, exactly");
        assert_eq!(store.registry_revision().unwrap(), revision);
        assert_eq!(store.row_counts().unwrap(), counts);
        let one_more = ChangeSet {
            classes: vec![class("2370102001", "1班", 3)],
            students: vec![student(5, "2370102001", "1班")],
            ..ChangeSet::default()
        };
        assert!(committed(&apply(&mut *store, &one_more, checked())));
        assert_eq!(students_in(&*store).len(), 3);
        assert_eq!(rows(&*store, "student"), 3);
    }
);
