//! Work plans and supervision (`PlanStore`): a plan saved and saved again,
//! measures of every kind, the append-only history with optimistic
//! appends, progress reports with their documents and decisions,
//! construction projects adding their seats once when put into use, every
//! write all or nothing, and the records restored as `edugov copy` does.

use chrono::{DateTime, NaiveDate, Utc};
use plans::{
    Assignment, Better, CountGoal, Counted, Decision, DocumentKind, EventKind, IndicatorGoal, Measure,
    NewEvent, NewReport, PlanSpec, ProjectKind, ProjectSpec, ReportStatus, SectionSpec, TaskSource, TaskSpec,
};
use registry::*;
use store::plans::NewDocument;
use store::prelude::*;
use store::{AuditAction, StoreError};

use crate::support::*;

fn at(hour: u32) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("2026-03-01T{hour:02}:00:00Z"))
        .unwrap()
        .with_timezone(&Utc)
}

fn d(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).unwrap()
}

fn area(code: &str) -> AreaCode {
    AreaCode::parse(code).unwrap()
}

fn task(seq: &str, measure: Measure) -> TaskSpec {
    TaskSpec {
        seq: seq.into(),
        text: format!("任务{seq}"),
        source: TaskSource::AnnualPriority,
        leader: "王局长".into(),
        lead_unit: "基础教育处".into(),
        co_units: vec!["发展规划处".into(), "财务处".into()],
        deadline: d(12, 31),
        measure,
        counties: vec![],
    }
}

fn coverage() -> Measure {
    Measure::Indicator(IndicatorGoal {
        indicator: "inclusive_coverage".into(),
        stage: Some(Stage::Preschool),
        baseline_year: 2024,
        baseline: Some(85.5),
        target: 90.0,
        target_year: 2026,
        better: Better::Higher,
    })
}

fn kindergartens() -> Measure {
    Measure::Count(CountGoal {
        counted: Counted::ProjectsCompleted {
            stage: Some(Stage::Preschool),
        },
        target: 20.0,
    })
}

/// 济南's plan: an indicator, a count shared by two counties, a milestone.
fn the_plan() -> PlanSpec {
    let mut count = task("2", kindergartens());
    count.counties = vec![
        Assignment {
            county: area("370112"),
            share: Some(12.0),
        },
        Assignment {
            county: area("370102"),
            share: Some(8.0),
        },
    ];
    PlanSpec {
        city: area("3701"),
        year: 2026,
        title: "2026年全市教育工作要点".into(),
        sections: vec![
            SectionSpec {
                title: "一、学前教育".into(),
                tasks: vec![task("1", coverage()), count],
            },
            SectionSpec {
                title: "二、制度建设".into(),
                tasks: vec![task("3", Measure::Milestone)],
            },
        ],
    }
}

fn specs(store: &dyn Store, plan: plans::PlanId) -> Vec<(String, TaskSpec)> {
    store
        .plan(plan)
        .unwrap()
        .unwrap()
        .tasks
        .into_iter()
        .map(|t| (t.section, t.spec))
        .collect()
}

fn saved_plan(store: &mut dyn Store) -> plans::Plan {
    let saved = store.save_plan(&the_plan(), "admin", at(8)).unwrap();
    store.plan(saved.plan).unwrap().unwrap()
}

contract!(
    fn a_plan_is_stored_with_its_sections_tasks_measures_and_counties_in_order(db) {
        let mut store = db.open();
        let saved = store.save_plan(&the_plan(), "admin", at(8)).unwrap();
        assert_eq!((saved.inserted, saved.updated, saved.unchanged), (3, 0, 0));
        let plan = store.plan(saved.plan).unwrap().unwrap();
        assert_eq!(plan.header.title, "2026年全市教育工作要点");
        assert_eq!((plan.header.city.as_str(), plan.header.year), ("3701", 2026));
        assert_eq!(plan.sections(), ["一、学前教育", "二、制度建设"]);
        let expected: Vec<(String, TaskSpec)> = the_plan()
            .tasks()
            .map(|(s, t)| (s.to_owned(), t.clone()))
            .collect();
        assert_eq!(specs(&*store, saved.plan), expected);
        assert_eq!(
            plan.tasks.iter().map(|t| t.position).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(store.task(plan.tasks[1].id).unwrap().unwrap(), plan.tasks[1]);
        assert_eq!(store.plans().unwrap(), vec![plan.header.clone()]);
        // Every new task is assigned in its history.
        let events = store.plan_events(saved.plan).unwrap();
        assert_eq!(events.len(), 3);
        assert!(events.iter().all(|e| e.event.kind == EventKind::Assigned
            && e.event.actor == "admin"
            && e.event.at == at(8)));
        assert_eq!(
            audit_lines(&*store, Some(AuditAction::PlanSaved)).len(),
            1,
            "the save's audit line"
        );
    }
);

contract!(
    fn measures_of_all_three_kinds_round_trip_with_every_column(db) {
        let mut store = db.open();
        let measures = vec![
            coverage(),
            Measure::Indicator(IndicatorGoal {
                indicator: "large_class_share".into(),
                stage: None,
                baseline_year: 2025,
                baseline: None,
                target: 0.0,
                target_year: 2027,
                better: Better::Lower,
            }),
            kindergartens(),
            Measure::Count(CountGoal {
                counted: Counted::SeatsDelivered { stage: None },
                target: 12_000.0,
            }),
            Measure::Count(CountGoal {
                counted: Counted::ProjectsStarted {
                    stage: Some(Stage::Junior),
                },
                target: 4.0,
            }),
            Measure::Count(CountGoal {
                counted: Counted::Reported { unit: "所".into() },
                target: 1000.0,
            }),
            Measure::Milestone,
        ];
        let plan = PlanSpec {
            sections: vec![SectionSpec {
                title: "一".into(),
                tasks: measures
                    .iter()
                    .enumerate()
                    .map(|(i, m)| task(&format!("{}", i + 1), m.clone()))
                    .collect(),
            }],
            ..the_plan()
        };
        let saved = store.save_plan(&plan, "admin", at(8)).unwrap();
        let stored: Vec<Measure> = specs(&*store, saved.plan)
            .into_iter()
            .map(|(_, t)| t.measure)
            .collect();
        assert_eq!(stored, measures);
    }
);

contract!(
    fn a_plan_saved_again_keeps_its_tasks_ids_and_writes_each_change_as_an_edited_event(db) {
        let mut store = db.open();
        let first = saved_plan(&mut *store);
        let mut again = the_plan();
        again.title = "2026年全市教育工作要点（修订）".into();
        // Task 1: a later deadline and a new target; task 2: one county
        // less; task 3 no longer listed; task 4 new.
        let t1 = &mut again.sections[0].tasks[0];
        t1.deadline = d(11, 30);
        if let Measure::Indicator(g) = &mut t1.measure {
            g.target = 92.0;
        }
        again.sections[0].tasks[1].counties.pop();
        again.sections[1].tasks = vec![task("4", Measure::Milestone)];
        let saved = store.save_plan(&again, "lixia", at(9)).unwrap();
        assert_eq!(saved.plan, first.header.id);
        assert_eq!((saved.inserted, saved.updated, saved.unchanged), (1, 2, 0));
        assert_eq!(saved.kept, ["3"]);
        let plan = store.plan(saved.plan).unwrap().unwrap();
        assert_eq!(plan.header.title, "2026年全市教育工作要点（修订）");
        let seqs: Vec<(&str, plans::TaskId)> = plan.tasks.iter().map(|t| (t.spec.seq.as_str(), t.id)).collect();
        // Tasks keep their ids; the one no longer listed stays, after the others.
        assert_eq!(
            seqs,
            [
                ("1", first.tasks[0].id),
                ("2", first.tasks[1].id),
                ("4", seqs[2].1),
                ("3", first.tasks[2].id)
            ]
        );
        assert_eq!(plan.tasks[0].spec, again.sections[0].tasks[0]);
        assert_eq!(plan.tasks[1].spec.counties.len(), 1);
        let edits: Vec<(String, Option<String>, Option<String>)> = store
            .events(first.tasks[0].id)
            .unwrap()
            .into_iter()
            .filter(|e| e.event.kind == EventKind::Edited)
            .map(|e| {
                assert_eq!((e.event.actor.as_str(), e.event.at), ("lixia", at(9)));
                (e.event.note, e.event.old_value, e.event.new_value)
            })
            .collect();
        assert_eq!(edits.len(), 2, "{edits:?}");
        assert_eq!(
            edits[0],
            (
                "完成时限".to_owned(),
                Some("2026-12-31".to_owned()),
                Some("2026-11-30".to_owned())
            )
        );
        assert_eq!(edits[1].0, "考核方式");
        assert!(edits[1].1.as_deref().is_some_and(|v| v.contains("目标 90")));
        assert!(edits[1].2.as_deref().is_some_and(|v| v.contains("目标 92")));
        let county_edit = store.events(first.tasks[1].id).unwrap().pop().unwrap();
        assert_eq!(county_edit.event.note, "责任县区");
        assert_eq!(county_edit.event.new_value.as_deref(), Some("370112（12）"));
        // The same plan a third time changes nothing and appends nothing.
        let events = store.plan_events(saved.plan).unwrap().len();
        let third = store.save_plan(&again, "lixia", at(10)).unwrap();
        assert_eq!((third.inserted, third.updated, third.unchanged), (0, 0, 3));
        assert_eq!(store.plan_events(saved.plan).unwrap().len(), events);
    }
);

contract!(
    fn a_failing_plan_save_leaves_nothing_written(db) {
        let mut store = db.open();
        let mut plan = the_plan();
        plan.sections[1].tasks[0].counties = vec![Assignment {
            county: area("379999"),
            share: None,
        }];
        let error = store.save_plan(&plan, "admin", at(8)).unwrap_err();
        assert!(matches!(error, StoreError::UnknownReference(_)), "{error}");
        let mut twice = the_plan();
        twice.sections[1].tasks[0].seq = "1".into();
        let error = store.save_plan(&twice, "admin", at(8)).unwrap_err();
        assert!(matches!(error, StoreError::Duplicate(_)), "{error}");
        assert!(store.plans().unwrap().is_empty());
        for table in ["work_plan", "task", "task_county", "task_event"] {
            assert_eq!(rows(&*store, table), 0, "{table}");
        }
        assert!(audit_lines(&*store, Some(AuditAction::PlanSaved)).is_empty());
    }
);

fn escalation(task: plans::TaskId, actor: &str, hour: u32) -> NewEvent {
    NewEvent {
        task,
        county: Some(area("370112")),
        kind: EventKind::Escalated,
        actor: actor.into(),
        at: at(hour),
        old_value: None,
        new_value: Some("yellow".into()),
        note: "进度滞后".into(),
        due: Some(d(6, 30)),
        report: None,
    }
}

contract!(
    fn an_event_is_appended_only_after_the_last_event_its_caller_saw(db) {
        let mut store = db.open();
        let plan = saved_plan(&mut *store);
        let id = plan.tasks[0].id;
        let assigned = store.events(id).unwrap()[0].id;
        let first = store.append_event(&escalation(id, "admin", 9), Some(assigned)).unwrap();
        // A second decider who read the history before the first appended.
        let stale = store.append_event(&escalation(id, "lixia", 10), Some(assigned));
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
        let none = store.append_event(&escalation(id, "lixia", 10), None);
        assert!(matches!(none, Err(StoreError::Conflict(_))), "{none:?}");
        let events = store.events(id).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].id, first);
        assert_eq!(events[1].event, escalation(id, "admin", 9));
        // On the fresh history it goes through.
        store.append_event(&escalation(id, "lixia", 10), Some(first)).unwrap();
        let unknown = store.append_event(&escalation(plans::TaskId(9_999), "admin", 9), None);
        assert!(matches!(unknown, Err(StoreError::UnknownReference(_))), "{unknown:?}");
        let last = store.events(id).unwrap().pop().map(|e| e.id);
        let mut about = escalation(id, "admin", 11);
        about.report = Some(plans::ReportId(4_040));
        let unknown = store.append_event(&about, last);
        assert!(matches!(unknown, Err(StoreError::UnknownReference(_))), "{unknown:?}");
        about.report = None;
        about.county = Some(area("379999"));
        let unknown = store.append_event(&about, last);
        assert!(matches!(unknown, Err(StoreError::UnknownReference(_))), "{unknown:?}");
        assert_eq!(store.events(id).unwrap().len(), 3);
    }
);

contract!(
    fn histories_read_oldest_first_per_task_and_per_plan(db) {
        let mut store = db.open();
        let plan = saved_plan(&mut *store);
        let (a, b) = (plan.tasks[0].id, plan.tasks[2].id);
        let mut last_a = store.events(a).unwrap().last().map(|e| e.id);
        let mut last_b = store.events(b).unwrap().last().map(|e| e.id);
        for hour in 9..13 {
            last_a = Some(store.append_event(&escalation(a, "admin", hour), last_a).unwrap());
            last_b = Some(store.append_event(&escalation(b, "admin", hour), last_b).unwrap());
        }
        let of_a = store.events(a).unwrap();
        assert_eq!(of_a.len(), 5);
        assert!(of_a.iter().all(|e| e.event.task == a));
        assert!(of_a.windows(2).all(|w| w[0].id < w[1].id && w[0].event.at <= w[1].event.at));
        let all = store.plan_events(plan.header.id).unwrap();
        assert_eq!(all.len(), 3 + 8);
        assert!(all.windows(2).all(|w| w[0].id < w[1].id));
    }
);

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n{text}\n%%EOF").into_bytes()
}

fn report(task: plans::TaskId, county: Option<&str>, reporter: &str, hour: u32) -> NewReport {
    NewReport {
        task,
        county: county.map(area),
        period: "2026-H1".into(),
        text: "已完成年度目标的一半".into(),
        value: None,
        documents: vec![],
        reporter: reporter.into(),
        at: at(hour),
    }
}

contract!(
    fn a_report_is_filed_once_with_its_documents_byte_for_byte_and_its_reported_event(db) {
        let mut store = db.open();
        let plan = saved_plan(&mut *store);
        let task = plan.tasks[1].id;
        let bytes = pdf("验收报告");
        let sheet = b"PK\x03\x04\x00\x01\x02\xff".to_vec();
        let id = store
            .file_report(
                &report(task, Some("370112"), "lixia", 9),
                &[
                    NewDocument {
                        name: "验收报告.pdf",
                        kind: DocumentKind::Pdf,
                        bytes: &bytes,
                    },
                    NewDocument {
                        name: "台账.xlsx",
                        kind: DocumentKind::Xlsx,
                        bytes: &sheet,
                    },
                ],
            )
            .unwrap();
        let stored = store.report(id).unwrap().unwrap();
        assert_eq!(stored.status, ReportStatus::Submitted);
        assert_eq!(stored.report.reporter, "lixia");
        assert_eq!(stored.report.county, Some(area("370112")));
        assert_eq!(stored.report.documents.len(), 2);
        let (info, read) = store.document(stored.report.documents[0]).unwrap().unwrap();
        assert_eq!(read, bytes);
        assert_eq!((info.name.as_str(), info.kind), ("验收报告.pdf", DocumentKind::Pdf));
        assert_eq!(info.size, bytes.len() as u64);
        // sha256 of the bytes, computed by the store (checked here apart).
        use sha2::Digest;
        let hex: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(info.sha256, hex);
        assert_eq!((info.uploaded_by.as_str(), info.at), ("lixia", at(9)));
        assert_eq!(store.document_info(info.id).unwrap(), Some(info.clone()));
        assert_eq!(store.document(stored.report.documents[1]).unwrap().unwrap().1, sheet);
        let last = store.events(task).unwrap().pop().unwrap();
        assert_eq!(last.event.kind, EventKind::Reported);
        assert_eq!(last.event.report, Some(id));
        assert_eq!(last.event.actor, "lixia");
        // Once per task, county and period — the lead unit's too.
        let again = store.file_report(&report(task, Some("370112"), "lixia", 10), &[]);
        assert!(matches!(again, Err(StoreError::Duplicate(_))), "{again:?}");
        let lead = store.file_report(&report(task, None, "chen", 10), &[]).unwrap();
        let lead_again = store.file_report(&report(task, None, "chen", 11), &[]);
        assert!(matches!(lead_again, Err(StoreError::Duplicate(_))), "{lead_again:?}");
        assert_eq!(
            store.reports(task).unwrap().iter().map(|r| r.id).collect::<Vec<_>>(),
            [id, lead]
        );
        assert_eq!(store.plan_reports(plan.header.id).unwrap().len(), 2);
        assert_eq!(rows(&*store, "progress_report"), 2);
    }
);

contract!(
    fn a_document_over_the_limit_is_refused_and_nothing_is_written(db) {
        let mut store = db.open();
        let plan = saved_plan(&mut *store);
        let events = store.plan_events(plan.header.id).unwrap().len();
        let big = vec![b'%'; plans::report::MAX_DOCUMENT_BYTES + 1];
        let small = pdf("附件");
        let error = store
            .file_report(
                &report(plan.tasks[0].id, None, "lixia", 9),
                &[
                    NewDocument {
                        name: "附件.pdf",
                        kind: DocumentKind::Pdf,
                        bytes: &small,
                    },
                    NewDocument {
                        name: "扫描件.pdf",
                        kind: DocumentKind::Pdf,
                        bytes: &big,
                    },
                ],
            )
            .unwrap_err();
        assert!(
            matches!(&error, StoreError::DocumentTooLarge { name, .. } if name == "扫描件.pdf"),
            "{error}"
        );
        assert!(error.to_string().contains("20 MB"), "{error}");
        assert_eq!(rows(&*store, "evidence_document"), 0);
        assert_eq!(rows(&*store, "progress_report"), 0);
        assert_eq!(store.plan_events(plan.header.id).unwrap().len(), events);
        // An unknown document listed by id fails the filing whole too.
        let mut listed = report(plan.tasks[0].id, None, "lixia", 9);
        listed.documents = vec![plans::DocumentId(4_242)];
        let error = store.file_report(&listed, &[]).unwrap_err();
        assert!(matches!(error, StoreError::UnknownReference(_)), "{error}");
        assert_eq!(rows(&*store, "progress_report"), 0);
    }
);

contract!(
    fn a_report_is_decided_once_and_a_returned_one_is_corrected_under_its_id(db) {
        let mut store = db.open();
        let plan = saved_plan(&mut *store);
        let task = plan.tasks[2].id;
        let first = pdf("初稿");
        let id = store
            .file_report(
                &report(task, Some("370102"), "lixia", 9),
                &[NewDocument {
                    name: "初稿.pdf",
                    kind: DocumentKind::Pdf,
                    bytes: &first,
                }],
            )
            .unwrap();
        let reason = "缺少验收意见".to_owned();
        store
            .decide_report(id, &Decision::Return { reason: reason.clone() }, "admin", at(10))
            .unwrap();
        let returned = store.report(id).unwrap().unwrap();
        assert_eq!(returned.status, ReportStatus::Returned);
        assert_eq!(returned.reason.as_deref(), Some(reason.as_str()));
        assert_eq!((returned.reviewer.as_deref(), returned.reviewed_at), (Some("admin"), Some(at(10))));
        let event = store.events(task).unwrap().pop().unwrap();
        assert_eq!(event.event.kind, EventKind::Returned);
        assert_eq!(event.event.old_value.as_deref(), Some("lixia"));
        assert_eq!(event.event.note, reason);
        // A returned report cannot be decided again …
        let again = store.decide_report(id, &Decision::Accept, "admin", at(11));
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        // … it is corrected: the same report, awaiting review again, with
        // the document it kept and a new one.
        let second = pdf("修改稿");
        let mut corrected = report(task, Some("370102"), "lixia", 12);
        corrected.text = "补充了验收意见".into();
        corrected.documents = returned.report.documents.clone();
        let same = store
            .file_report(
                &corrected,
                &[NewDocument {
                    name: "验收意见.pdf",
                    kind: DocumentKind::Pdf,
                    bytes: &second,
                }],
            )
            .unwrap();
        assert_eq!(same, id);
        let refiled = store.report(id).unwrap().unwrap();
        assert_eq!(refiled.status, ReportStatus::Submitted);
        assert_eq!((refiled.reviewer, refiled.reviewed_at, refiled.reason), (None, None, None));
        assert_eq!(refiled.report.text, "补充了验收意见");
        assert_eq!(refiled.report.at, at(12));
        assert_eq!(refiled.report.documents.len(), 2);
        assert_eq!(store.document(refiled.report.documents[1]).unwrap().unwrap().1, second);
        store.decide_report(id, &Decision::Accept, "admin", at(13)).unwrap();
        assert_eq!(store.report(id).unwrap().unwrap().status, ReportStatus::Accepted);
        let kinds: Vec<EventKind> = store.events(task).unwrap().iter().map(|e| e.event.kind).collect();
        assert_eq!(
            kinds,
            [
                EventKind::Assigned,
                EventKind::Reported,
                EventKind::Returned,
                EventKind::Reported,
                EventKind::Accepted
            ]
        );
        // An accepted report is neither decided again nor filed again.
        let twice = store.decide_report(id, &Decision::Accept, "chen", at(14));
        assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
        let refile = store.file_report(&report(task, Some("370102"), "lixia", 14), &[]);
        assert!(matches!(refile, Err(StoreError::Duplicate(_))), "{refile:?}");
        assert_eq!(store.events(task).unwrap().len(), 5);
        let unknown = store.decide_report(plans::ReportId(777), &Decision::Accept, "admin", at(14));
        assert!(matches!(unknown, Err(StoreError::UnknownReference(_))), "{unknown:?}");
    }
);

fn project(code: &str, school: Option<&str>) -> ProjectSpec {
    ProjectSpec {
        code: code.into(),
        name: format!("项目{code}"),
        kind: ProjectKind::Expand,
        school: school.map(|s| SchoolCode::parse(s).unwrap()),
        planned_school: None,
        site: Some("历下区文化东路".into()),
        county: area("370102"),
        stage: Stage::Primary,
        seats: 270,
        floor_area: 8_500.5,
        investment: 4_200.0,
        planned_start: Some(d(3, 1)),
        actual_start: Some(d(3, 15)),
        planned_completion: Some(d(8, 31)),
        actual_completion: None,
        in_use: None,
    }
}

fn primary_seats(store: &dyn Store, year: SchoolYear) -> u32 {
    let snapshot = store.year_snapshot(year).unwrap();
    snapshot.schools[0].seats[Stage::Primary.index()]
}

contract!(
    fn projects_are_upserted_by_code(db) {
        let mut store = db.open();
        apply(&mut *store, &one_class_of_two(), checked());
        let mut planned = project("JN-2026-001", None);
        planned.planned_school = Some("新建小学".into());
        let saved = store
            .save_projects(&[project("JN-2026-002", Some("2370102001")), planned.clone()], "admin", at(8))
            .unwrap();
        assert_eq!((saved.inserted, saved.updated, saved.unchanged), (2, 0, 0));
        let stored = store.projects().unwrap();
        assert_eq!(
            stored.iter().map(|p| p.spec.code.as_str()).collect::<Vec<_>>(),
            ["JN-2026-001", "JN-2026-002"]
        );
        assert_eq!(stored[0].spec, planned);
        assert_eq!(store.project(stored[0].id).unwrap().as_ref(), Some(&stored[0]));
        planned.actual_completion = Some(d(8, 20));
        let saved = store
            .save_projects(&[project("JN-2026-002", Some("2370102001")), planned.clone()], "admin", at(9))
            .unwrap();
        assert_eq!((saved.inserted, saved.updated, saved.unchanged), (0, 1, 1));
        assert!(saved.put_in_use.is_empty());
        let again = store.projects().unwrap();
        assert_eq!(again[0].id, stored[0].id);
        assert_eq!(again[0].spec, planned);
        assert_eq!(audit_lines(&*store, Some(AuditAction::ProjectsSaved)).len(), 2);
        let unknown = store.save_projects(&[project("JN-9", Some("2370102999"))], "admin", at(9));
        assert!(matches!(unknown, Err(StoreError::UnknownReference(_))), "{unknown:?}");
        let twice = store.save_projects(&[planned.clone(), planned], "admin", at(9));
        assert!(matches!(twice, Err(StoreError::Duplicate(_))), "{twice:?}");
    }
);

contract!(
    fn a_project_put_into_use_adds_its_seats_once_and_moves_the_registry_revision(db) {
        let mut store = db.open();
        apply(&mut *store, &one_class_of_two(), checked());
        let year = SchoolYear(2024);
        // A reader whose snapshot is cached before the save.
        let reader = db.open();
        assert_eq!(primary_seats(&*reader, year), 900);
        let before = store.registry_revision().unwrap();
        let mut built = project("JN-2026-002", Some("2370102001"));
        store.save_projects(&[built.clone()], "admin", at(8)).unwrap();
        assert_eq!(store.registry_revision().unwrap(), before, "no seats, no revision");
        built.actual_completion = Some(d(8, 20));
        built.in_use = Some(d(9, 1));
        let saved = store.save_projects(&[built.clone()], "admin", at(9)).unwrap();
        assert_eq!(
            saved.put_in_use,
            [store::plans::SeatsAdded {
                project: "JN-2026-002".into(),
                school: SchoolCode::parse("2370102001").unwrap(),
                stage: Stage::Primary,
                seats: 270,
            }]
        );
        assert!(reader.registry_revision().unwrap() > before);
        assert_eq!(primary_seats(&*reader, year), 1170);
        assert_eq!(
            store.school(&SchoolCode::parse("2370102001").unwrap()).unwrap().unwrap().seats,
            [(Stage::Primary, 1170)]
        );
        // Saved again (the same file imported twice): the seats stay.
        let revision = store.registry_revision().unwrap();
        let again = store.save_projects(&[built.clone()], "admin", at(10)).unwrap();
        assert_eq!((again.unchanged, again.put_in_use.len()), (1, 0));
        built.name = "改名的项目".into();
        let renamed = store.save_projects(&[built.clone()], "admin", at(10)).unwrap();
        assert_eq!((renamed.updated, renamed.put_in_use.len()), (1, 0));
        assert_eq!(primary_seats(&*reader, year), 1170);
        assert_eq!(store.registry_revision().unwrap(), revision);
        let lines = audit_lines(&*store, Some(AuditAction::ProjectsSaved));
        assert_eq!(lines.iter().filter(|l| l.contains("学位 270 个计入学校")).count(), 1, "{lines:?}");
    }
);

contract!(
    fn a_stored_in_use_date_never_changes_and_a_failing_save_writes_nothing(db) {
        let mut store = db.open();
        apply(&mut *store, &one_class_of_two(), checked());
        let mut built = project("JN-2026-002", Some("2370102001"));
        built.actual_completion = Some(d(8, 20));
        built.in_use = Some(d(9, 1));
        store.save_projects(&[built.clone()], "admin", at(8)).unwrap();
        let revision = store.registry_revision().unwrap();
        let fresh = project("JN-2026-003", Some("2370102001"));
        for in_use in [Some(d(9, 2)), None] {
            let moved = ProjectSpec {
                in_use,
                ..built.clone()
            };
            let error = store.save_projects(&[fresh.clone(), moved], "admin", at(9)).unwrap_err();
            assert!(matches!(&error, StoreError::Conflict(m) if m.contains("2026-09-01")), "{error}");
        }
        // A school that does not serve the project's stage: refused whole,
        // with the new project before it.
        let mut junior = project("JN-2026-004", Some("2370102001"));
        junior.stage = Stage::Junior;
        junior.actual_completion = Some(d(8, 20));
        junior.in_use = Some(d(9, 1));
        let error = store.save_projects(&[fresh, junior], "admin", at(9)).unwrap_err();
        assert!(matches!(error, StoreError::UnknownReference(_)), "{error}");
        assert_eq!(store.projects().unwrap().len(), 1);
        assert_eq!(store.projects().unwrap()[0].spec, built);
        assert_eq!(primary_seats(&*store, SchoolYear(2024)), 1170);
        assert_eq!(store.registry_revision().unwrap(), revision);
        assert_eq!(audit_lines(&*store, Some(AuditAction::ProjectsSaved)).len(), 1);
    }
);

/// Everything a plan can hold: a plan with history, reports decided and
/// returned with documents, projects.
fn fill(store: &mut dyn Store) {
    apply(store, &one_class_of_two(), checked());
    let plan = saved_plan(store);
    let task = plan.tasks[1].id;
    let last = store.events(task).unwrap().pop().map(|e| e.id);
    store.append_event(&escalation(task, "admin", 9), last).unwrap();
    let bytes = pdf("证明");
    let a = store
        .file_report(
            &report(task, Some("370112"), "lixia", 10),
            &[NewDocument {
                name: "证明.pdf",
                kind: DocumentKind::Pdf,
                bytes: &bytes,
            }],
        )
        .unwrap();
    store
        .decide_report(a, &Decision::Accept, "admin", at(11))
        .unwrap();
    let b = store.file_report(&report(task, None, "chen", 10), &[]).unwrap();
    store
        .decide_report(
            b,
            &Decision::Return {
                reason: "不完整".into(),
            },
            "admin",
            at(11),
        )
        .unwrap();
    let mut built = project("JN-2026-002", Some("2370102001"));
    built.actual_completion = Some(d(8, 20));
    built.in_use = Some(d(9, 1));
    store
        .save_projects(
            &[built, project("JN-2026-001", Some("2370102001"))],
            "admin",
            at(12),
        )
        .unwrap();
}

/// Copies the plans' records as `edugov copy` does (registry apart).
fn copy_plans(from: &dyn Store, to: &mut dyn Store) {
    for header in from.plans().unwrap() {
        to.restore_plan(&from.plan(header.id).unwrap().unwrap()).unwrap();
    }
    for info in from.documents().unwrap() {
        let (_, bytes) = from.document(info.id).unwrap().unwrap();
        to.restore_document(&info, &bytes).unwrap();
    }
    for header in from.plans().unwrap() {
        for report in from.plan_reports(header.id).unwrap() {
            to.restore_report(&report).unwrap();
        }
        to.restore_events(&from.plan_events(header.id).unwrap()).unwrap();
    }
    to.restore_projects(&from.projects().unwrap()).unwrap();
}

fn everything(store: &dyn Store) -> String {
    let mut out = format!("{:?}\n{:?}\n", store.plans().unwrap(), store.projects().unwrap());
    for header in store.plans().unwrap() {
        out.push_str(&format!(
            "{:?}\n{:?}\n{:?}\n",
            store.plan(header.id).unwrap(),
            store.plan_events(header.id).unwrap(),
            store.plan_reports(header.id).unwrap()
        ));
    }
    for info in store.documents().unwrap() {
        out.push_str(&format!("{:?}\n", store.document(info.id).unwrap()));
    }
    out
}

contract!(
    fn plans_reports_documents_events_and_projects_are_restored_as_stored(db) {
        // Into this backend from SQLite, and back out of it: ids, times,
        // actors and statuses kept, no seat added twice.
        let mut source = store::open_in_memory().unwrap();
        fill(&mut *source);
        let mut store = db.open();
        apply(&mut *store, &one_class_of_two(), checked());
        copy_plans(&*source, &mut *store);
        assert_eq!(everything(&*store), everything(&*source));
        assert_eq!(primary_seats(&*store, SchoolYear(2024)), 900, "restoring adds no seats");
        let mut back = store::open_in_memory().unwrap();
        copy_plans(&*store, &mut *back);
        assert_eq!(everything(&*back), everything(&*source));
        // The restored database goes on numbering after the copied ids.
        let plan = store.plans().unwrap()[0].id;
        let task = store.plan(plan).unwrap().unwrap().tasks[0].id;
        let last = store.events(task).unwrap().pop().map(|e| e.id);
        let next = store.append_event(&escalation(task, "admin", 13), last).unwrap();
        assert!(store.plan_events(plan).unwrap().iter().all(|e| e.id <= next));
        let mut spec = the_plan();
        spec.year = 2027;
        store.save_plan(&spec, "admin", at(14)).unwrap();
        // A restore never overwrites: an id already taken fails, whole.
        let stored = everything(&*store);
        let mut renamed = source.projects().unwrap();
        renamed[1].spec.name = "改写".into();
        assert!(store.restore_projects(&renamed).is_err());
        let mut moved = source.plan(source.plans().unwrap()[0].id).unwrap().unwrap();
        moved.header.id = plans::PlanId(50);
        moved.header.year = 2030;
        assert!(store.restore_plan(&moved).is_err());
        assert_eq!(everything(&*store), stored);
        let (info, bytes) = source.document(source.documents().unwrap()[0].id).unwrap().unwrap();
        let mut wrong = info.clone();
        wrong.id = plans::DocumentId(99);
        wrong.sha256 = "0".repeat(64);
        let corrupt = store.restore_document(&wrong, &bytes);
        assert!(matches!(corrupt, Err(StoreError::Corrupt(_))), "{corrupt:?}");
    }
);

/// Runs raw SQL on the test's database, past the store: `Err` with the
/// database's message.
fn raw_sql(db: &crate::harness::TestDb, sql: &str) -> Result<(), String> {
    match db.url() {
        store::DatabaseUrl::Sqlite(path) => rusqlite::Connection::open(path)
            .unwrap()
            .execute_batch(sql)
            .map_err(|e| e.to_string()),
        store::DatabaseUrl::Postgres(url) => ::postgres::Client::connect(url, ::postgres::NoTls)
            .unwrap()
            .batch_execute(sql)
            .map_err(|e| {
                e.as_db_error()
                    .map_or_else(|| e.to_string(), |d| d.message().to_owned())
            }),
    }
}

contract!(
    fn the_database_itself_refuses_to_change_or_remove_a_task_event(db) {
        let mut store = db.open();
        let plan = saved_plan(&mut *store);
        let before = store.plan_events(plan.header.id).unwrap();
        let mut statements = vec![
            "UPDATE task_event SET actor = 'someone'",
            "UPDATE task_event SET note = '改过' WHERE kind = 'assigned'",
            "DELETE FROM task_event",
        ];
        if matches!(db.url(), store::DatabaseUrl::Postgres(_)) {
            statements.push("TRUNCATE task_event CASCADE");
        }
        for sql in statements {
            let refused = raw_sql(db, sql);
            assert!(
                refused.as_ref().is_err_and(|m| m.contains("append-only")),
                "{sql}: {refused:?}"
            );
        }
        assert_eq!(store.plan_events(plan.header.id).unwrap(), before);
        // Appending stays open to the database too.
        let task = plan.tasks[0].id;
        raw_sql(
            db,
            &format!(
                "INSERT INTO task_event (task, kind, actor, at, note)
                 VALUES ({task}, 'verified', 'chen', '2026-03-02T08:00:00Z', '')"
            ),
        )
        .unwrap();
        assert_eq!(store.events(task).unwrap().len(), 2);
    }
);

contract!(
    fn of_two_appenders_after_the_same_event_exactly_one_succeeds(db) {
        let mut store = db.open();
        let plan = saved_plan(&mut *store);
        let task = plan.tasks[0].id;
        for round in 0..5 {
            let barrier = std::sync::Barrier::new(2);
            let outcomes: Vec<Result<plans::EventId, StoreError>> = std::thread::scope(|s| {
                let handles: Vec<_> = ["admin", "lixia"]
                    .into_iter()
                    .map(|actor| {
                        let barrier = &barrier;
                        s.spawn(move || {
                            let mut mine = db.open();
                            let after = mine.events(task).unwrap().pop().map(|e| e.id);
                            barrier.wait();
                            mine.append_event(&escalation(task, actor, 9 + round), after)
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            // Both read the history before either appended: one appends,
            // the other is told the history moved.
            assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
            assert!(
                outcomes.iter().any(|o| matches!(o, Err(StoreError::Conflict(_)))),
                "{outcomes:?}"
            );
            assert_eq!(store.events(task).unwrap().len(), 2 + round as usize);
        }
    }
);

contract!(
    fn of_two_reviewers_deciding_one_report_at_once_exactly_one_decides(db) {
        let mut store = db.open();
        let plan = saved_plan(&mut *store);
        let task = plan.tasks[0].id;
        for (round, county) in ["370102", "370112", "370103"].into_iter().enumerate() {
            let id = store
                .file_report(&report(task, Some(county), "lixia", 9), &[])
                .unwrap();
            let barrier = std::sync::Barrier::new(2);
            let outcomes: Vec<Result<(), StoreError>> = std::thread::scope(|s| {
                let handles: Vec<_> = [Decision::Accept, Decision::Return { reason: "不完整".into() }]
                    .into_iter()
                    .map(|decision| {
                        let barrier = &barrier;
                        s.spawn(move || {
                            let mut mine = db.open();
                            barrier.wait();
                            mine.decide_report(id, &decision, "admin", at(10 + round as u32))
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
            assert!(
                outcomes.iter().any(|o| matches!(o, Err(StoreError::Conflict(_)))),
                "{outcomes:?}"
            );
            let decided = store
                .events(task)
                .unwrap()
                .into_iter()
                .filter(|e| e.event.report == Some(id) && e.event.kind != EventKind::Reported)
                .count();
            assert_eq!(decided, 1, "one decision event for report {id}");
        }
    }
);

contract!(
    fn times_are_kept_to_the_millisecond_on_every_backend(db) {
        let mut store = db.open();
        let plan = saved_plan(&mut *store);
        let task = plan.tasks[0].id;
        let precise = at(9) + chrono::Duration::milliseconds(345) + chrono::Duration::microseconds(678);
        let kept = at(9) + chrono::Duration::milliseconds(345);
        let last = store.events(task).unwrap().pop().map(|e| e.id);
        let mut event = escalation(task, "admin", 9);
        event.at = precise;
        store.append_event(&event, last).unwrap();
        let mut filed = report(task, None, "lixia", 9);
        filed.at = precise;
        let bytes = pdf("x");
        let id = store
            .file_report(
                &filed,
                &[NewDocument {
                    name: "x.pdf",
                    kind: DocumentKind::Pdf,
                    bytes: &bytes,
                }],
            )
            .unwrap();
        store.decide_report(id, &Decision::Accept, "admin", precise).unwrap();
        let stored = store.report(id).unwrap().unwrap();
        assert_eq!((stored.report.at, stored.reviewed_at), (kept, Some(kept)));
        let info = store.document_info(stored.report.documents[0]).unwrap().unwrap();
        assert_eq!(info.at, kept);
        let events = store.events(task).unwrap();
        assert!(events[1..].iter().all(|e| e.event.at == kept), "{events:?}");
    }
);
