//! The input check catches each kind of broken input, names the field in
//! Chinese without personal data, keeps counts exact while bounding the
//! list; a run refuses broken inputs; the sign-off lists.

use admission::{check, run, sign_off_list, AdmissionError, Ratio, Score, Severity, Sheet};

use crate::common::*;

fn sound() -> admission::Inputs {
    let mut inp = inputs(&["总分", "数学"]);
    add_senior(&mut inp, "一中", 3, true);
    add_senior(&mut inp, "二中", 3, false);
    add_junior(&mut inp, "实验初中", 10, false);
    add_junior(&mut inp, "乡镇初中", 5, true);
    add_candidate(&mut inp, "250001", 0, &[650, 110], &[0], &[0, 1]);
    add_candidate(&mut inp, "250002", 1, &[640, 100], &[0], &[0, 1]);
    add_candidate(&mut inp, "250003", 1, &[630, 120], &[], &[1]);
    inp
}

fn errors_at(inp: &admission::Inputs, policy: &admission::Policy) -> Vec<(Sheet, Option<usize>, String)> {
    let report = check(inp, policy);
    for p in &report.problems {
        for c in &inp.candidates {
            assert!(
                c.name.is_empty() || !p.message.contains(&c.name),
                "a name in {}",
                p.message
            );
        }
    }
    report
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.sheet, p.index, p.field.clone()))
        .collect()
}

#[test]
fn sound_inputs_pass_and_run() {
    let inp = sound();
    let policy = reserved(Ratio { num: 1, den: 2 });
    let report = check(&inp, &policy);
    assert!(report.is_ok(), "{:?}", report.problems);
    assert!(run(&inp, &policy).is_ok());
}

#[test]
fn each_kind_of_broken_input_is_caught() {
    let policy = reserved(Ratio { num: 1, den: 2 });
    type Breaker = Box<dyn Fn(&mut admission::Inputs)>;
    let cases: Vec<(&str, Breaker, Sheet, &str)> = vec![
        (
            "duplicate number",
            Box::new(|i| i.candidates[1].id = i.candidates[0].id.clone()),
            Sheet::Candidates,
            "准考证号",
        ),
        (
            "unknown junior",
            Box::new(|i| i.candidates[0].junior_school = junior_code(9)),
            Sheet::Candidates,
            "毕业学校",
        ),
        (
            "unknown school",
            Box::new(|i| i.candidates[0].open_list.push(senior_code(9))),
            Sheet::Candidates,
            "统招志愿3",
        ),
        (
            "quota list names open school",
            Box::new(|i| i.candidates[0].quota_list.push(senior_code(1))),
            Sheet::Candidates,
            "指标志愿2",
        ),
        (
            "missing score",
            Box::new(|i| {
                i.candidates[2].scores.pop();
            }),
            Sheet::Candidates,
            "成绩",
        ),
        (
            "score out of range",
            Box::new(|i| i.candidates[2].scores[1] = Score(20_000)),
            Sheet::Candidates,
            "数学",
        ),
        (
            "list too long",
            Box::new(|i| i.candidates[0].open_list = vec![senior_code(1); 31]),
            Sheet::Candidates,
            "统招志愿",
        ),
        (
            "duplicate senior",
            Box::new(|i| i.senior_schools[1].code = senior_code(0)),
            Sheet::SeniorSchools,
            "学校标识码",
        ),
        (
            "duplicate junior",
            Box::new(|i| i.junior_schools[1].code = junior_code(0)),
            Sheet::JuniorSchools,
            "学校标识码",
        ),
        (
            "empty school name",
            Box::new(|i| i.senior_schools[0].name = " ".to_owned()),
            Sheet::SeniorSchools,
            "学校名称",
        ),
        (
            "huge plan",
            Box::new(|i| i.senior_schools[0].seats = 1_000_000),
            Sheet::SeniorSchools,
            "招生计划",
        ),
        (
            "first field not total",
            Box::new(|i| i.fields[0] = "语文".to_owned()),
            Sheet::Candidates,
            "成绩字段",
        ),
        (
            "chain names unknown field",
            Box::new(|i| i.fields[1] = "物理".to_owned()),
            Sheet::Policy,
            "tie_break.chain（排位顺序）",
        ),
    ];
    for (what, breaker, sheet, field) in cases {
        let mut inp = sound();
        breaker(&mut inp);
        let mut policy = policy.clone();
        policy.tie_break.chain.push(admission::TieField {
            field: "数学".to_owned(),
            higher_first: true,
        });
        let errors = errors_at(&inp, &policy);
        assert!(
            errors.iter().any(|(s, _, f)| *s == sheet && f == field),
            "{what}: {errors:?}"
        );
        assert_eq!(
            run(&inp, &policy),
            Err(AdmissionError::Invalid(check(&inp, &policy).errors)),
            "{what}"
        );
    }
}

#[test]
fn policy_entries_must_name_known_quota_schools() {
    let inp = sound();
    let mut policy = reserved(Ratio { num: 1, den: 2 });
    policy.quota.school_shares.insert(senior_code(1), Ratio::ONE);
    let errors = errors_at(&inp, &policy);
    assert!(errors
        .iter()
        .any(|(s, _, f)| *s == Sheet::Policy && f.starts_with("quota.school_shares")));
    let mut policy = reserved(Ratio { num: 1, den: 2 });
    policy.quota.minimum = admission::QuotaMinimum::BelowPreviousCutoff {
        below: Score(100),
        cutoffs: [(senior_code(7), Score(6000))].into_iter().collect(),
    };
    let errors = errors_at(&inp, &policy);
    assert!(errors
        .iter()
        .any(|(s, _, f)| *s == Sheet::Policy && f.starts_with("quota.minimum.cutoffs")));
}

#[test]
fn a_school_twice_on_a_list_is_a_warning_read_once() {
    let mut inp = sound();
    inp.candidates[2].open_list = vec![senior_code(1), senior_code(1)];
    let policy = reserved(Ratio { num: 1, den: 2 });
    let report = check(&inp, &policy);
    assert!(report.is_ok());
    assert_eq!(report.warnings, 1);
    assert_eq!(
        report.problems[0].to_string(),
        "考生 第 4 行“统招志愿2”：同一学校重复填报，按第一次计"
    );
    let out = run(&inp, &policy).unwrap();
    assert_eq!(out.placements[2].choice, Some(1));
}

#[test]
fn reports_are_bounded_and_counts_exact() {
    let mut inp = sound();
    for i in 0..1_500 {
        add_candidate(&mut inp, &format!("9{i:05}"), 7, &[600, 100], &[], &[]);
    }
    let report = check(&inp, &reserved(Ratio { num: 1, den: 2 }));
    assert_eq!(report.errors, 1_500);
    assert_eq!(report.problems.len(), admission::CheckReport::MAX_PROBLEMS);
    // Errors first, in row order.
    assert_eq!(report.problems[0].index, Some(3));
}

#[test]
fn each_school_sees_its_own_list() {
    let inp = sound();
    let policy = reserved(Ratio { num: 1, den: 2 });
    let junior = sign_off_list(&inp, &policy, &junior_code(1)).unwrap();
    assert_eq!(junior.candidates, 2);
    let ranks: Vec<(u32, u32)> = junior.rows.iter().map(|r| (r.candidate, r.rank)).collect();
    assert_eq!(ranks, vec![(1, 1), (2, 2)]);
    assert_eq!(junior.quota_seats.len(), 1);
    let senior = sign_off_list(&inp, &policy, &senior_code(0)).unwrap();
    assert_eq!((senior.candidates, senior.seats, senior.reserved), (2, 3, 2));
    let split: u32 = senior.quota_seats.iter().map(|&(_, s)| s).sum();
    assert_eq!(split, 2);
    assert!(sign_off_list(&inp, &policy, &senior_code(8)).is_none());
    let mut minimum = policy.clone();
    minimum.quota.minimum = admission::QuotaMinimum::Absolute { score: Score(6450) };
    let senior = sign_off_list(&inp, &minimum, &senior_code(0)).unwrap();
    let below: Vec<bool> = senior.rows.iter().map(|r| r.below_quota_minimum).collect();
    assert_eq!(below, vec![false, true]);
}
