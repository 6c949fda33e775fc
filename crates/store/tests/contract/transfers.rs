//! Transfer requests: filed with an import, decided by the releasing side
//! in one transaction with the move and the audit line.

use chrono::{DateTime, Utc};
use registry::*;
use store::prelude::*;
use store::{
    ApplyOutcome, DecideOutcome, NewTransfer, PersonKind, TransferDecision, TransferQuery, TransferRow,
    TransferStatus,
};

use crate::support::*;

fn at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-09-01T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// 李小红 (seq 1) sits in school 001's 1班 with one classmate; school 002
/// (another county, 370112) has a 1班 of one, declared as two because
/// its officer's file listed her there.
fn two_schools(store: &mut dyn Store) -> NewTransfer {
    let mut changes = one_class_of_two();
    let mut other = school("2370112002");
    other.county = AreaCode::parse("370112").unwrap();
    other.township = None;
    changes.schools.push(other);
    changes.classes.push(class("2370112002", "1班", 1));
    changes.students.push(student(5, "2370112002", "1班"));
    apply(store, &changes, checked());
    let request = the_request();
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
    request
}

/// The officer of 历城区 (370112) asks for 李小红 of school 001 (历下区)
/// into school 002's 1班, with her record as its file has it.
fn the_request() -> NewTransfer {
    let (mut pupil, mut enrolment) = student(1, "2370112002", "1班");
    pupil.name = "李晓红".into();
    pupil.household_area = AreaCode::parse("370112").unwrap();
    enrolment.visual_acuity = Some(5.0);
    NewTransfer {
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
    }
}

/// The ids of every request, oldest first.
fn request_ids(store: &dyn Store) -> Vec<i64> {
    let mut ids: Vec<i64> = store
        .transfers(&TransferQuery {
            limit: 100,
            ..TransferQuery::default()
        })
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    ids.sort();
    ids
}

fn sizes(store: &dyn Store) -> Vec<(String, u32)> {
    let mut sizes: Vec<(String, u32)> = store
        .classes(SchoolYear(2024))
        .unwrap()
        .into_iter()
        .map(|c| (c.school.to_string(), c.size))
        .collect();
    sizes.sort();
    sizes
}

contract!(
    fn a_filed_request_changes_nothing_until_approved_then_moves_the_pupil(db) {
        let mut store = db.open();
        let request = two_schools(&mut *store);
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
            sizes(&*store),
            [("2370102001".to_owned(), 1), ("2370112002".to_owned(), 2)]
        );
        assert_eq!(audit_actions(&*store), ["transfer_request", "transfer_approve"]);
        let decided = store.transfer(pending[0].id).unwrap().unwrap();
        assert_eq!(decided.status, TransferStatus::Approved);
        assert_eq!(decided.decided_by.as_deref(), Some("lixia"));
        assert_eq!(decided.decided_at, Some(at()));
        // Twice: nothing more happens.
        assert_eq!(
            store
                .decide_transfer(pending[0].id, &TransferDecision::Approve, "lixia", at())
                .unwrap(),
            DecideOutcome::NotPending
        );
        assert_eq!(audit_actions(&*store).len(), 2);
    }
);

contract!(
    fn a_refusal_keeps_the_pupil_and_takes_them_out_of_the_receiving_class(db) {
        let mut store = db.open();
        two_schools(&mut *store);
        let first = request_ids(&*store)[0];
        let refuse = TransferDecision::Refuse {
            reason: "家长未同意".into(),
        };
        assert_eq!(
            store.decide_transfer(first, &refuse, "lixia", at()).unwrap(),
            DecideOutcome::Decided
        );
        let r = store.transfer(first).unwrap().unwrap();
        assert_eq!(r.status, TransferStatus::Refused);
        assert_eq!(r.reason.as_deref(), Some("家长未同意"));
        assert_eq!(
            sizes(&*store),
            [("2370102001".to_owned(), 2), ("2370112002".to_owned(), 1)]
        );
        assert_eq!(audit_actions(&*store), ["transfer_request", "transfer_refuse"]);
        assert_eq!(store.pending_transfers_by("licheng").unwrap(), 0);
    }
);

contract!(
    fn a_request_filed_again_replaces_the_pending_one_and_a_refusal_refreshes_the_indicators(db) {
        let mut store = db.open();
        let request = two_schools(&mut *store);
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
        let ids = request_ids(&*store);
        assert_eq!(ids.len(), 2);
        assert_eq!(
            store.transfer(ids[0]).unwrap().unwrap().status,
            TransferStatus::Withdrawn
        );
        let before = store.registry_revision().unwrap();
        let refuse = TransferDecision::Refuse {
            reason: "重复".into(),
        };
        assert_eq!(
            store.decide_transfer(ids[1], &refuse, "lixia", at()).unwrap(),
            DecideOutcome::Decided
        );
        // The receiving class's size changed: cached figures are rebuilt.
        assert_eq!(
            sizes(&*store),
            [("2370102001".to_owned(), 2), ("2370112002".to_owned(), 1)]
        );
        assert!(store.registry_revision().unwrap() > before);
    }
);

contract!(
    fn approving_one_schools_request_withdraws_the_others_for_the_same_pupil(db) {
        let mut store = db.open();
        let request = two_schools(&mut *store);
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
        let ids = request_ids(&*store);
        assert_eq!(
            store
                .decide_transfer(ids[0], &TransferDecision::Approve, "lixia", at())
                .unwrap(),
            DecideOutcome::Decided
        );
        let other = store.transfer(ids[1]).unwrap().unwrap();
        assert_eq!(other.status, TransferStatus::Withdrawn);
        assert_eq!(store.pending_transfers_by("licheng").unwrap(), 0);
    }
);

contract!(
    fn a_request_overtaken_by_another_move_is_not_approved(db) {
        let mut store = db.open();
        two_schools(&mut *store);
        let first = request_ids(&*store)[0];
        // The city moves the pupil to a third school meanwhile.
        let mut third = school("2370102003");
        third.township = None;
        let changes = ChangeSet {
            schools: vec![third],
            classes: vec![class("2370102003", "1班", 1), class("2370102001", "1班", 1)],
            students: vec![student(1, "2370102003", "1班")],
            ..ChangeSet::default()
        };
        apply(&mut *store, &changes, checked());
        assert_eq!(
            store
                .decide_transfer(first, &TransferDecision::Approve, "lixia", at())
                .unwrap(),
            DecideOutcome::Stale
        );
        assert_eq!(
            store.transfer(first).unwrap().unwrap().status,
            TransferStatus::Pending
        );
        assert_eq!(audit_actions(&*store), ["transfer_request"]);
    }
);

contract!(
    fn an_import_rejected_for_class_sizes_files_no_request(db) {
        let mut store = db.open();
        apply(&mut *store, &one_class_of_two(), checked());
        let request = the_request();
        let wrong = ChangeSet {
            classes: vec![class("2370102001", "1班", 5)],
            ..ChangeSet::default()
        };
        let outcome = store
            .apply_with_transfers(&wrong, checked(), std::slice::from_ref(&request), &mut |_, _| {})
            .unwrap();
        assert!(matches!(outcome, ApplyOutcome::Rejected(_)));
        assert_eq!(store.pending_transfers_by("licheng").unwrap(), 0);
        assert!(request_ids(&*store).is_empty());
        assert!(
            audit_actions(&*store).is_empty(),
            "the filing's audit line went with it"
        );
    }
);

contract!(
    /// `edugov copy` writes a request as it was stored elsewhere: decided
    /// requests keep their decision, and a fresh id is returned.
    fn a_restored_request_reads_back_as_it_was_stored(db) {
        let mut store = db.open();
        two_schools(&mut *store);
        let first = request_ids(&*store)[0];
        let refuse = TransferDecision::Refuse {
            reason: "家长未同意".into(),
        };
        store.decide_transfer(first, &refuse, "lixia", at()).unwrap();
        let stored = store.transfer(first).unwrap().unwrap();

        let id = store.restore_transfer(&stored).unwrap();
        assert_ne!(id, first);
        let restored = store.transfer(id).unwrap().unwrap();
        assert_eq!(TransferRequestView::of(&restored), TransferRequestView::of(&stored));
        assert_eq!(request_ids(&*store), [first, id]);
    }
);

/// A request without its id, for comparing a copy with its original.
#[derive(Debug, PartialEq)]
struct TransferRequestView {
    request: NewTransfer,
    status: TransferStatus,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    reason: Option<String>,
}

impl TransferRequestView {
    fn of(r: &store::TransferRequest) -> TransferRequestView {
        TransferRequestView {
            request: r.request.clone(),
            status: r.status,
            decided_by: r.decided_by.clone(),
            decided_at: r.decided_at,
            reason: r.reason.clone(),
        }
    }
}
