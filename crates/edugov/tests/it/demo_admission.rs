//! `edugov demo` stores the next year's admission: one inputs version and
//! two runs on it (指标到校 50 % and 60 %), so a run is one click and the
//! comparison is ready; a second `edugov demo` adds new versions beside the
//! old (nothing stored is changed).

use store::AdmissionStore;

use crate::{edugov, empty_db};

#[test]
fn the_demo_stores_the_admission_inputs_and_two_runs() {
    let (_dir, db) = empty_db("admission");
    let out = edugov(&db, &["demo", "--scale", "0.01", "--today", "2026-12-01"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("中考录取：考生 "), "{}", out.stderr);

    let url = db.to_str().unwrap();
    let store = store::open(&store::DatabaseUrl::parse(url)).unwrap();
    let versions = store.admission_inputs_list().unwrap();
    assert_eq!(versions.len(), 1, "{versions:?}");
    let version = &versions[0];
    assert_eq!(version.year, 2025);
    assert_eq!(version.label, "2025年中考录取（演示）");
    let inputs = store.admission_inputs(version.id).unwrap().unwrap();
    assert_eq!(inputs.candidates.len() as u32, version.candidates);
    assert!(version.candidates > 100);

    let runs = store.admission_runs().unwrap();
    assert_eq!(runs.len(), 2, "{runs:?}");
    let mut names: Vec<&str> = runs.iter().map(|r| r.policy_name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["指标到校50%", "指标到校60%"]);
    for summary in &runs {
        assert_eq!(summary.inputs, version.id);
        let run = store.admission_run(summary.id).unwrap().unwrap();
        // The stored outcome is the engine's on the stored inputs.
        let again = admission::run(&inputs, &run.policy).unwrap();
        assert_eq!(run.outcome, again);
        assert!(summary.placed > 0 && summary.placed <= summary.candidates);
    }
    // A 60 % policy reserves more: at least as many quota admissions.
    let quota = |name: &str| {
        let id = runs.iter().find(|r| r.policy_name == name).unwrap().id;
        let run = store.admission_run(id).unwrap().unwrap();
        run.outcome.schools.iter().map(|s| s.quota_seats).sum::<u32>()
    };
    assert!(quota("指标到校60%") > quota("指标到校50%"));
}
