//! The admission store (`AdmissionStore`): inputs versions, sign-offs and
//! runs kept whole and equal, listed newest first, audited, bounded,
//! immutable (the tables' triggers refuse update and delete), a second
//! sign-off refused, `previous` checked, and everything carried to another
//! database with its ids by the restore methods (`edugov copy`).

use std::collections::BTreeMap;

use admission::policy::{QuotaPolicy, TieBreak};
use admission::*;
use chrono::NaiveDateTime;
use registry::{AreaCode, SchoolCode};
use store::admission::{AdmissionRun, MAX_LABEL_CHARS};
use store::prelude::*;
use store::{AdmissionInputsId, AdmissionRunId, AuditAction, DatabaseUrl, StoreError};

use crate::harness::{pg_base, PgDatabase, TestDb};
use crate::support::*;

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").unwrap()
}

fn code(text: &str) -> SchoolCode {
    SchoolCode::parse(text).unwrap()
}

fn area(text: &str) -> AreaCode {
    AreaCode::parse(text).unwrap()
}

/// A small year written by hand: two junior schools, two senior schools
/// (one a quota school with priorities and a minimum line), `n` candidates
/// with halves in their scores and both lists.
fn inputs(year: i32, n: usize) -> Inputs {
    let juniors = ["3701020001", "3701020002"];
    Inputs {
        year,
        fields: vec![TOTAL_FIELD.into(), "数学".into()],
        junior_schools: juniors
            .iter()
            .enumerate()
            .map(|(i, c)| JuniorSchool {
                code: code(c),
                name: format!("第{}初中", i + 1),
                county: area("370102"),
                rural: i == 1,
                weak: false,
                graduates: 300 + i as u32,
            })
            .collect(),
        senior_schools: vec![
            SeniorSchool {
                code: code("3701020101"),
                name: "甲高中".into(),
                county: area("370102"),
                seats: 200,
                quota_school: true,
                min_score: Some(Score(5005)),
                priority_counties: vec![area("370102"), area("370103")],
            },
            SeniorSchool {
                code: code("3701020102"),
                name: "乙高中".into(),
                county: area("370103"),
                seats: 400,
                quota_school: false,
                min_score: None,
                priority_counties: vec![],
            },
        ],
        candidates: (0..n)
            .map(|i| Candidate {
                id: CandidateId(format!("2025{i:06}")),
                name: format!("考生{i}"),
                junior_school: code(juniors[i % 2]),
                residence: area("370102"),
                scores: vec![Score(6000 - i as i32 * 5), Score(1180 - (i % 7) as i32 * 10)],
                quota_eligible: i % 3 != 0,
                eligible: i % 11 != 5,
                quota_list: vec![code("3701020101")],
                open_list: vec![code("3701020101"), code("3701020102")],
            })
            .collect(),
    }
}

fn ratio(num: u64, den: u64) -> Ratio {
    Ratio { num, den }
}

fn policy(name: &str) -> Policy {
    Policy {
        name: name.into(),
        quota: QuotaPolicy {
            form: QuotaForm::Reserved,
            share: ratio(1, 2),
            school_shares: BTreeMap::from([(code("3701020101"), ratio(3, 5))]),
            basis: QuotaBasis::Graduates,
            rural_factor: ratio(6, 5),
            weak_factor: Ratio::ONE,
            minimum: QuotaMinimum::BelowPreviousCutoff {
                below: Score(300),
                cutoffs: BTreeMap::from([(code("3701020101"), Score(6105))]),
            },
            area: QuotaArea::County,
        },
        unfilled_quota: UnfilledQuota::OpenRound,
        min_total: Some(Score(4000)),
        tie_break: TieBreak {
            chain: vec![
                TieField {
                    field: TOTAL_FIELD.into(),
                    higher_first: true,
                },
                TieField {
                    field: "数学".into(),
                    higher_first: true,
                },
            ],
            last: LastTie::Lottery { seed: 2025 },
        },
        school_priorities: true,
    }
}

/// An outcome of the right shape for `inputs` (the engine's arithmetic is
/// not what is tested here): every other candidate placed, cutoffs named.
fn outcome(inputs: &Inputs) -> Outcome {
    let placements: Vec<Placement> = (0..inputs.candidates.len())
        .map(|i| match i % 4 {
            0 => Placement {
                school: Some(0),
                round: Some(Round::Quota),
                choice: Some(1),
            },
            1 => Placement {
                school: Some(1),
                round: Some(Round::Open),
                choice: Some(2),
            },
            _ => Placement::NONE,
        })
        .collect();
    Outcome {
        quotas: vec![QuotaAllocation {
            senior: 0,
            seats: 120,
            shares: vec![
                QuotaShare {
                    junior: 0,
                    weight: ratio(300, 1),
                    exact: (36_000, 660),
                    seats: 55,
                },
                QuotaShare {
                    junior: 1,
                    weight: ratio(1806, 5),
                    exact: (43_344, 660),
                    seats: 65,
                },
            ],
        }],
        placements,
        schools: vec![
            SchoolResult {
                school: 0,
                seats: 200,
                quota_seats: 120,
                quota_admitted: 3,
                quota_returned: 117,
                quota_lapsed: 0,
                open_seats: 197,
                open_admitted: 0,
                seats_left: 197,
                quota_cutoff: Some(Cutoff {
                    candidate: 8,
                    score: Score(5960),
                }),
                open_cutoff: None,
            },
            SchoolResult {
                school: 1,
                seats: 400,
                quota_seats: 0,
                quota_admitted: 0,
                quota_returned: 0,
                quota_lapsed: 0,
                open_seats: 400,
                open_admitted: 3,
                seats_left: 397,
                quota_cutoff: None,
                open_cutoff: Some(Cutoff {
                    candidate: 9,
                    score: Score(5955),
                }),
            },
        ],
        junior_cutoffs: vec![JuniorCutoff {
            senior: 0,
            junior: 0,
            seats: 55,
            admitted: 3,
            cutoff: Some(Cutoff {
                candidate: 8,
                score: Score(5960),
            }),
        }],
    }
}

contract!(
    fn admission_inputs_and_runs_are_kept_whole_listed_newest_first_and_audited(db) {
        let mut store = db.open();
        assert!(store.admission_inputs_list().unwrap().is_empty());
        assert!(store.admission_runs().unwrap().is_empty());

        let first = inputs(2025, 12);
        let mut corrected = inputs(2025, 12);
        corrected.candidates[3].eligible = !corrected.candidates[3].eligible;
        let v1 = store
            .save_admission_inputs(&first, " 2025年中考录取数据 ", None, "city_admin", at("2025-07-01 09:00:00"))
            .unwrap();
        let v2 = store
            .save_admission_inputs(&corrected, "更正第4名考生资格", Some(v1), "city_admin", at("2025-07-02 10:30:00.654321"))
            .unwrap();
        assert_ne!(v1, v2);

        let listed = store.admission_inputs_list().unwrap();
        assert_eq!(listed.iter().map(|s| s.id).collect::<Vec<_>>(), [v2, v1], "newest first");
        assert_eq!(listed[1].label, "2025年中考录取数据", "label trimmed");
        assert_eq!(listed[0].previous, Some(v1));
        assert_eq!(listed[0].made_at, at("2025-07-02 10:30:00.654321"));
        assert_eq!(listed[0].made_by, "city_admin");
        assert_eq!(
            (listed[0].year, listed[0].candidates, listed[0].senior_schools, listed[0].junior_schools),
            (2025, 12, 2, 2)
        );
        assert!(listed[0].bytes > 1000, "{}", listed[0].bytes);

        // Read back equal, on another connection too.
        assert_eq!(store.admission_inputs(v1).unwrap().as_ref(), Some(&first));
        assert_eq!(db.open().admission_inputs(v2).unwrap().as_ref(), Some(&corrected));
        assert_eq!(store.admission_inputs(AdmissionInputsId(999_999)).unwrap(), None);

        let pol = policy("2025年 指标到校60%");
        let out = outcome(&first);
        let r1 = store
            .save_admission_run(v1, "第一次录取", None, &pol, &out, "city_admin", at("2025-07-03 08:00:00"))
            .unwrap();
        let out2 = outcome(&corrected);
        let r2 = store
            .save_admission_run(v2, "更正后重新录取", Some(r1), &pol, &out2, "officer", at("2025-07-04 08:00:00"))
            .unwrap();
        let runs = store.admission_runs().unwrap();
        assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), [r2, r1]);
        assert_eq!(runs[0].inputs, v2);
        assert_eq!(runs[0].previous, Some(r1));
        assert_eq!(runs[0].policy_name, "2025年 指标到校60%");
        assert_eq!((runs[0].year, runs[0].candidates, runs[0].placed), (2025, 12, 6));
        let whole = db.open().admission_run(r1).unwrap().unwrap();
        assert_eq!(whole.policy, pol);
        assert_eq!(whole.outcome, out);
        assert_eq!(whole.summary, runs[1]);
        assert_eq!(store.admission_run(AdmissionRunId(999_999)).unwrap(), None);

        let saved = audit_lines(&*store, Some(AuditAction::AdmissionInputsSaved));
        assert_eq!(saved.len(), 2);
        assert!(
            saved.iter().any(|l| l.contains("更正第4名考生资格") && l.contains(&format!("更正编号 {v1}"))),
            "{saved:?}"
        );
        let ran = audit_lines(&*store, Some(AuditAction::AdmissionRunSaved));
        assert_eq!(ran.len(), 2);
        assert!(ran.iter().any(|l| l.starts_with("officer ") && l.contains("录取 6/12 人")), "{ran:?}");
        // No personal data in the audit log: names and numbers stay out.
        let all = audit_lines(&*store, None).join("\n");
        assert!(!all.contains("考生3") && !all.contains("2025000003"), "{all}");
    }
);

contract!(
    fn a_second_sign_off_of_the_same_school_and_version_is_a_conflict(db) {
        let mut store = db.open();
        let v1 = store
            .save_admission_inputs(&inputs(2025, 4), "录取数据", None, "city_admin", at("2025-07-01 09:00:00"))
            .unwrap();
        let v2 = store
            .save_admission_inputs(&inputs(2025, 4), "录取数据（更正）", Some(v1), "city_admin", at("2025-07-02 09:00:00"))
            .unwrap();
        let junior = code("3701020002");
        store
            .sign_off_admission(v1, &junior, "名单无误\n共 2 人", "school_2", at("2025-07-01 15:00:00.5"))
            .unwrap();
        let again = store
            .sign_off_admission(v1, &junior, "再次确认", "school_2", at("2025-07-01 16:00:00"))
            .unwrap_err();
        assert!(matches!(again, StoreError::Conflict(_)), "{again}");
        // The same school signs off the corrected version on its own.
        store
            .sign_off_admission(v2, &junior, "", "school_2", at("2025-07-02 15:00:00"))
            .unwrap();
        store
            .sign_off_admission(v1, &code("3701020101"), "", "senior_1", at("2025-07-01 17:00:00"))
            .unwrap();
        let signed = store.admission_sign_offs(v1).unwrap();
        assert_eq!(
            signed.iter().map(|s| s.school.as_str()).collect::<Vec<_>>(),
            ["3701020002", "3701020101"],
            "by school code"
        );
        assert_eq!(signed[0].note, "名单无误\n共 2 人");
        assert_eq!(signed[0].signed_by, "school_2");
        assert_eq!(signed[0].signed_at, at("2025-07-01 15:00:00.5"));
        assert_eq!(store.admission_sign_offs(v2).unwrap().len(), 1);

        // A school not in the version, or a version that does not exist.
        let stranger = store
            .sign_off_admission(v1, &code("3701029999"), "", "x", at("2025-07-01 17:00:00"))
            .unwrap_err();
        assert!(matches!(stranger, StoreError::UnknownReference(_)), "{stranger}");
        let missing = store
            .sign_off_admission(AdmissionInputsId(999), &junior, "", "x", at("2025-07-01 17:00:00"))
            .unwrap_err();
        assert!(matches!(missing, StoreError::UnknownReference(_)), "{missing}");
        let note = "意".repeat(MAX_LABEL_CHARS + 1);
        let long = store
            .sign_off_admission(v2, &code("3701020101"), &note, "x", at("2025-07-01 17:00:00"))
            .unwrap_err();
        assert!(matches!(long, StoreError::InvalidAdmission(_)), "{long}");
        assert_eq!(audit_lines(&*store, Some(AuditAction::AdmissionSignedOff)).len(), 3);
    }
);

contract!(
    fn labels_bodies_and_previous_are_checked_before_anything_is_written(db) {
        let mut store = db.open();
        let year = inputs(2025, 6);
        let when = at("2025-07-01 09:00:00");
        for label in ["  ", "a\u{1b}[31mb", "abc\u{202e}txt"] {
            let e = store.save_admission_inputs(&year, label, None, "a", when).unwrap_err();
            assert!(matches!(e, StoreError::InvalidAdmission(_)), "{label:?}: {e}");
        }
        let long = "录".repeat(MAX_LABEL_CHARS + 1);
        assert!(store.save_admission_inputs(&year, &long, None, "a", when).is_err());
        let ok_long = "录".repeat(MAX_LABEL_CHARS);
        let v1 = store.save_admission_inputs(&year, &ok_long, None, "a", when).unwrap();

        // (A body over MAX_BODY_BYTES: the unit test of store::admission,
        // with a small bound, not 256 MB per backend here.)

        // previous: must exist and be of the same year.
        let e = store
            .save_admission_inputs(&year, "更正", Some(AdmissionInputsId(999)), "a", when)
            .unwrap_err();
        assert!(matches!(e, StoreError::UnknownReference(_)), "{e}");
        let e = store
            .save_admission_inputs(&inputs(2026, 6), "次年", Some(v1), "a", when)
            .unwrap_err();
        assert!(e.to_string().contains("2025 年"), "{e}");

        // A run: on stored inputs, of their shape, after an existing run.
        let pol = policy("政策");
        let out = outcome(&year);
        let e = store
            .save_admission_run(AdmissionInputsId(999), "录取", None, &pol, &out, "a", when)
            .unwrap_err();
        assert!(matches!(e, StoreError::UnknownReference(_)), "{e}");
        let e = store
            .save_admission_run(v1, "录取", None, &pol, &outcome(&inputs(2025, 7)), "a", when)
            .unwrap_err();
        assert!(matches!(e, StoreError::InvalidAdmission(_)), "{e}");
        let e = store
            .save_admission_run(v1, "录取", Some(AdmissionRunId(42)), &pol, &out, "a", when)
            .unwrap_err();
        assert!(matches!(e, StoreError::UnknownReference(_)), "{e}");
        let e = store.save_admission_run(v1, " ", None, &pol, &out, "a", when).unwrap_err();
        assert!(matches!(e, StoreError::InvalidAdmission(_)), "{e}");

        // Nothing of the refused writes is stored or audited.
        assert_eq!(store.admission_inputs_list().unwrap().len(), 1);
        assert!(store.admission_runs().unwrap().is_empty());
        assert_eq!(audit_lines(&*store, Some(AuditAction::AdmissionInputsSaved)).len(), 1);
        assert!(audit_lines(&*store, Some(AuditAction::AdmissionRunSaved)).is_empty());
    }
);

/// Runs one statement on the test's database directly, past the store.
fn raw(db: &TestDb, sql: &str) -> Result<(), String> {
    match db.url() {
        DatabaseUrl::Sqlite(path) => rusqlite::Connection::open(path)
            .and_then(|c| c.execute_batch(sql))
            .map_err(|e| e.to_string()),
        DatabaseUrl::Postgres(url) => postgres::Client::connect(url, postgres::NoTls)
            .and_then(|mut c| c.batch_execute(sql))
            // The server's message, not the client's "db error".
            .map_err(|e| {
                e.as_db_error()
                    .map_or_else(|| e.to_string(), |d| d.message().to_owned())
            }),
    }
}

contract!(
    fn the_tables_refuse_update_and_delete(db) {
        let mut store = db.open();
        let year = inputs(2025, 4);
        let when = at("2025-07-01 09:00:00");
        let v1 = store.save_admission_inputs(&year, "录取数据", None, "a", when).unwrap();
        store.sign_off_admission(v1, &code("3701020001"), "", "a", when).unwrap();
        let r1 = store
            .save_admission_run(v1, "录取", None, &policy("政策"), &outcome(&year), "a", when)
            .unwrap();
        for sql in [
            format!("UPDATE admission_inputs SET label = 'x' WHERE id = {v1}"),
            format!("DELETE FROM admission_inputs WHERE id = {v1}"),
            "UPDATE admission_sign_off SET note = 'x'".to_owned(),
            "DELETE FROM admission_sign_off".to_owned(),
            format!("UPDATE admission_run SET placed = 0 WHERE id = {r1}"),
            format!("DELETE FROM admission_run WHERE id = {r1}"),
        ] {
            let refused = raw(db, &sql).unwrap_err();
            assert!(refused.contains("immutable"), "{sql}: {refused}");
        }
        if matches!(db.url(), DatabaseUrl::Postgres(_)) {
            let refused = raw(db, "TRUNCATE admission_run").unwrap_err();
            assert!(refused.contains("immutable"), "{refused}");
        }
        assert_eq!(store.admission_inputs(v1).unwrap().as_ref(), Some(&year));
        assert_eq!(store.admission_sign_offs(v1).unwrap().len(), 1);
        assert_eq!(store.admission_run(r1).unwrap().unwrap().summary.placed, 2);
    }
);

/// Copies every inputs version, sign-off and run as `edugov copy` does.
fn copy_admission(from: &dyn Store, to: &mut dyn Store) {
    let mut versions = from.admission_inputs_list().unwrap();
    versions.sort_by_key(|v| v.id);
    for v in &versions {
        to.restore_admission_inputs(v, &from.admission_inputs(v.id).unwrap().unwrap())
            .unwrap();
        for s in from.admission_sign_offs(v.id).unwrap() {
            to.restore_admission_sign_off(&s).unwrap();
        }
    }
    let mut runs = from.admission_runs().unwrap();
    runs.sort_by_key(|r| r.id);
    for r in &runs {
        to.restore_admission_run(&from.admission_run(r.id).unwrap().unwrap())
            .unwrap();
    }
}

fn assert_same_admission(a: &dyn Store, b: &dyn Store) {
    let versions = a.admission_inputs_list().unwrap();
    assert_eq!(b.admission_inputs_list().unwrap(), versions);
    for v in &versions {
        assert_eq!(
            b.admission_inputs(v.id).unwrap(),
            a.admission_inputs(v.id).unwrap()
        );
        assert_eq!(
            b.admission_sign_offs(v.id).unwrap(),
            a.admission_sign_offs(v.id).unwrap()
        );
    }
    let runs = a.admission_runs().unwrap();
    assert_eq!(b.admission_runs().unwrap(), runs);
    for r in &runs {
        let whole: Option<AdmissionRun> = a.admission_run(r.id).unwrap();
        assert_eq!(b.admission_run(r.id).unwrap(), whole);
    }
}

contract!(
    fn restored_admission_keeps_its_ids_on_the_other_backend_without_audit_lines(db) {
        let mut store = db.open();
        let year = inputs(2025, 8);
        // Ids with gaps (a refused write costs PostgreSQL an id): restored as they are.
        let v1 = store
            .save_admission_inputs(&year, "录取数据", None, "a", at("2025-07-01 09:00:00"))
            .unwrap();
        let _ = store.save_admission_inputs(&year, "过长".repeat(MAX_LABEL_CHARS).as_str(), None, "a", at("2025-07-01 09:00:00"));
        let v2 = store
            .save_admission_inputs(&year, "更正", Some(v1), "b", at("2025-07-02 09:00:00.25"))
            .unwrap();
        store.sign_off_admission(v2, &code("3701020001"), "无误", "school_1", at("2025-07-02 11:00:00")).unwrap();
        let r1 = store
            .save_admission_run(v1, "录取", None, &policy("甲"), &outcome(&year), "a", at("2025-07-03 09:00:00"))
            .unwrap();
        store
            .save_admission_run(v2, "重录", Some(r1), &policy("乙"), &outcome(&year), "b", at("2025-07-04 09:00:00"))
            .unwrap();

        // The other backend when PostgreSQL is at hand, else another SQLite file.
        let dir = tempfile::tempdir().unwrap();
        let other_pg = match db.url() {
            DatabaseUrl::Sqlite(_) => pg_base().map(|base| PgDatabase::create(&base)),
            DatabaseUrl::Postgres(_) => None,
        };
        let other_url = match &other_pg {
            Some(pg) => DatabaseUrl::Postgres(pg.url.clone()),
            None => DatabaseUrl::Sqlite(dir.path().join("copy.db")),
        };
        let mut other = store::open(&other_url).unwrap();
        copy_admission(&*store, &mut *other);
        assert_same_admission(&*store, &*other);
        for action in [
            AuditAction::AdmissionInputsSaved,
            AuditAction::AdmissionSignedOff,
            AuditAction::AdmissionRunSaved,
        ] {
            assert!(audit_lines(&*other, Some(action)).is_empty(), "{action}");
        }
        // Later saves go on after the restored ids; an id is never reused.
        let next = other
            .save_admission_inputs(&year, "再更正", Some(v2), "a", at("2025-07-05 09:00:00"))
            .unwrap();
        assert!(next > v2, "{next}");
        let summary = &store.admission_inputs_list().unwrap()[0];
        assert!(other.restore_admission_inputs(summary, &year).is_err());
        let signed = &store.admission_sign_offs(v2).unwrap()[0];
        assert!(matches!(
            other.restore_admission_sign_off(signed),
            Err(StoreError::Conflict(_))
        ));
        // And back again.
        let mut back = store::open(&DatabaseUrl::Sqlite(dir.path().join("back.db"))).unwrap();
        copy_admission(&*other, &mut *back);
        assert_same_admission(&*other, &*back);
    }
);

/// A city's year at full size: 100,000 candidates, 200 junior and 60
/// senior schools, lists of 6, five score fields — synthetic (the store
/// keeps any inputs whole; plausibility is the demo's business).
fn city_year() -> Inputs {
    let juniors: Vec<JuniorSchool> = (0..200u32)
        .map(|j| JuniorSchool {
            code: code(&format!("37010{:05}", j)),
            name: format!("第{j}初级中学"),
            county: area(if j % 3 == 0 { "370124" } else { "370102" }),
            rural: j % 3 == 0,
            weak: j % 7 == 0,
            graduates: 400 + j,
        })
        .collect();
    let seniors: Vec<SeniorSchool> = (0..60u32)
        .map(|s| SeniorSchool {
            code: code(&format!("37019{:05}", s)),
            name: format!("第{s}高级中学"),
            county: area("370102"),
            seats: 1_400,
            quota_school: s < 12,
            min_score: (s % 5 == 0).then_some(Score(4500)),
            priority_counties: vec![],
        })
        .collect();
    let candidates = (0..100_000u32)
        .map(|i| {
            let mix = i.wrapping_mul(2_654_435_761);
            let total = 3000 + (mix % 4001) as i32;
            let pick = |k: u32| seniors[((mix >> (k * 3)) % 60) as usize].code.clone();
            Candidate {
                id: CandidateId(format!("2025{i:08}")),
                name: format!("考生{i}"),
                junior_school: juniors[(i % 200) as usize].code.clone(),
                residence: juniors[(i % 200) as usize].county.clone(),
                scores: vec![
                    Score(total),
                    Score(total / 6),
                    Score(total / 5),
                    Score(total / 7),
                    Score(total / 6 + total / 5),
                ],
                quota_eligible: i % 10 != 0,
                eligible: i % 50 != 0,
                quota_list: vec![seniors[(mix % 12) as usize].code.clone()],
                open_list: (0..6).map(pick).collect(),
            }
        })
        .collect();
    Inputs {
        year: 2025,
        fields: ["总分", "语文", "数学", "外语", "语数合计"]
            .map(String::from)
            .to_vec(),
        junior_schools: juniors,
        senior_schools: seniors,
        candidates,
    }
}

contract!(
    fn a_city_year_of_100k_candidates_is_saved_and_read_back_whole(db) {
        let mut store = db.open();
        let year = city_year();
        let started = std::time::Instant::now();
        let id = store
            .save_admission_inputs(&year, "全市 2025 年", None, "city_admin", at("2025-07-01 09:00:00"))
            .unwrap();
        let saved = started.elapsed();
        let started = std::time::Instant::now();
        let listed = store.admission_inputs_list().unwrap();
        let list = started.elapsed();
        let started = std::time::Instant::now();
        let back = store.admission_inputs(id).unwrap().unwrap();
        let loaded = started.elapsed();
        assert_eq!(listed[0].candidates, 100_000);
        assert!(back == year, "read back equal");
        // How much of it is JSON alone (the rest is the database).
        let started = std::time::Instant::now();
        let json = serde_json::to_string(&year).unwrap();
        let encode = started.elapsed();
        let started = std::time::Instant::now();
        let _: Inputs = serde_json::from_str(&json).unwrap();
        let decode = started.elapsed();
        // The figures of docs/admission-cli.md ("Storage").
        eprintln!(
            "admission inputs, 100,000 candidates on {:?}: {} bytes; save {:.0} ms, list {:.1} ms, load {:.0} ms (JSON alone: encode {:.0} ms, decode {:.0} ms)",
            db.url(),
            listed[0].bytes,
            saved.as_secs_f64() * 1e3,
            list.as_secs_f64() * 1e3,
            loaded.as_secs_f64() * 1e3,
            encode.as_secs_f64() * 1e3,
            decode.as_secs_f64() * 1e3
        );
        // Far under any bound that matters, and far over a body of nothing.
        assert!(listed[0].bytes > 10_000_000 && listed[0].bytes < 64 * 1024 * 1024, "{}", listed[0].bytes);
    }
);
