//! The worked oracles of algorithms.md A4, each recomputed there with
//! Python `matching` 1.4.3 or by hand.

use admission::engine::deferred_acceptance;
use admission::{
    apportion, explain, quota_cost, run, LastTie, Policy, QuotaForm, Ratio, Round, TieField, Verdict,
};

use crate::common::*;

/// Student `s`'s priority at each school of its list: its position on the
/// school's own list (schools' lists as in the oracle).
fn priorities(prefs: &[Vec<u32>], school_lists: &[Vec<u32>]) -> Vec<Vec<u32>> {
    prefs
        .iter()
        .enumerate()
        .map(|(s, list)| {
            list.iter()
                .map(|&x| {
                    school_lists[x as usize]
                        .iter()
                        .position(|&t| t == s as u32)
                        .unwrap() as u32
                })
                .collect()
        })
        .collect()
}

fn members(result: &[Option<u32>], school: u32) -> Vec<u32> {
    (0..result.len() as u32)
        .filter(|&s| result[s as usize] == Some(school))
        .collect()
}

#[test]
fn o1_the_matching_readme_example() {
    // Residents A S D J L = 0..4; hospitals M C G = 0..2.
    let (a, s, d, j, l) = (0, 1, 2, 3, 4);
    let (m, c, g) = (0, 1, 2);
    let prefs = vec![vec![c], vec![c, m], vec![c, m, g], vec![c, g, m], vec![m, c, g]];
    let hospitals = vec![vec![d, l, s, j], vec![d, a, s, l, j], vec![d, j, l]];
    let result = deferred_acceptance(&prefs, &priorities(&prefs, &hospitals), &[2, 2, 2]);
    assert_eq!(members(&result, m), vec![s, l]);
    assert_eq!(members(&result, c), vec![a, d]);
    assert_eq!(members(&result, g), vec![j]);
}

#[test]
fn o2_the_student_allocation_example_as_hospitals() {
    // Students A–E; projects X1 X2 Y1 Y2 ranking by their supervisor.
    let (a, b, c, d, e) = (0, 1, 2, 3, 4);
    let (x1, x2, y1, y2) = (0, 1, 2, 3);
    let prefs = vec![
        vec![x1, x2],
        vec![y2, x2, y1],
        vec![x1, y1, x2],
        vec![y2, x1, y1],
        vec![x1, y2, x2, y1],
    ];
    let sup_x = vec![b, c, a, e, d];
    let sup_y = vec![b, c, e, d];
    let projects = vec![sup_x.clone(), sup_x, sup_y.clone(), sup_y];
    let result = deferred_acceptance(&prefs, &priorities(&prefs, &projects), &[2, 2, 2, 2]);
    assert_eq!(members(&result, x1), vec![a, c]);
    assert_eq!(members(&result, x2), Vec::<u32>::new());
    assert_eq!(members(&result, y1), vec![d]);
    assert_eq!(members(&result, y2), vec![b, e]);
}

/// O3's seven candidates and three schools.
fn o3() -> admission::Inputs {
    let mut inp = inputs(&["总分"]);
    let a = add_senior(&mut inp, "A中学", 2, false);
    let b = add_senior(&mut inp, "B中学", 2, false);
    let c = add_senior(&mut inp, "C中学", 1, false);
    add_junior(&mut inp, "初中", 100, false);
    for (id, score, list) in [
        ("s1", 700, vec![a, b]),
        ("s2", 690, vec![a, c]),
        ("s3", 685, vec![a, b, c]),
        ("s4", 680, vec![b, a]),
        ("s5", 675, vec![a, b]),
        ("s6", 670, vec![c]),
        ("s7", 660, vec![b, c]),
    ] {
        add_candidate(&mut inp, id, 0, &[score], &[], &list);
    }
    inp
}

#[test]
fn o3_parallel_preferences_and_why_not_a() {
    let inp = o3();
    let policy = open_only();
    let out = run(&inp, &policy).unwrap();
    let school: Vec<Option<u32>> = out.placements.iter().map(|p| p.school).collect();
    assert_eq!(
        school,
        vec![Some(0), Some(0), Some(1), Some(1), None, Some(2), None]
    );
    let cutoffs: Vec<i32> = out
        .schools
        .iter()
        .map(|s| s.open_cutoff.as_ref().unwrap().score.0)
        .collect();
    assert_eq!(cutoffs, vec![6900, 6800, 6700]);
    assert_eq!(out.placements[2].choice, Some(2));

    let why = explain(&inp, &policy, &out, "s3", inp.senior_schools[0].code.as_str()).unwrap();
    assert_eq!(
        why.verdict,
        Verdict::Outranked {
            round: Round::Open,
            last_admitted: 1
        }
    );
    let text = why.sentences.join("");
    assert!(text.contains("A中学"), "{text}");
    assert!(text.contains("已满"), "{text}");
    assert!(text.contains("最后录取者总分 690，该生 685"), "{text}");
    assert!(text.contains("低 5 分"), "{text}");
    // Never another candidate's number or name.
    assert!(!text.contains("s2") && !text.contains("考生1"), "{text}");

    let why_b = explain(&inp, &policy, &out, "s3", inp.senior_schools[1].code.as_str()).unwrap();
    assert_eq!(why_b.verdict, Verdict::Admitted { round: Round::Open });
    let why_c = explain(&inp, &policy, &out, "s1", inp.senior_schools[1].code.as_str()).unwrap();
    assert_eq!(
        why_c.verdict,
        Verdict::PlacedHigher {
            school: 0,
            round: Round::Open
        }
    );
    let not_listed = explain(&inp, &policy, &out, "s6", inp.senior_schools[0].code.as_str()).unwrap();
    assert_eq!(not_listed.verdict, Verdict::NotListed);
}

#[test]
fn o3_the_deciding_field_when_totals_tie() {
    let mut inp = o3();
    inp.fields.push("数学".to_owned());
    let maths = [120, 118, 110, 100, 100, 100, 100];
    for (c, m) in inp.candidates.iter_mut().zip(maths) {
        c.scores.push(admission::Score(m * 10));
    }
    inp.candidates[2].scores[0] = admission::Score(6900); // s3 ties s2 on the total
    let mut policy = open_only();
    policy.tie_break.chain.push(TieField {
        field: "数学".to_owned(),
        higher_first: true,
    });
    let out = run(&inp, &policy).unwrap();
    let why = explain(&inp, &policy, &out, "s3", inp.senior_schools[0].code.as_str()).unwrap();
    let text = why.sentences.join("");
    assert!(
        text.contains("总分相同，数学：该生 110，最后录取者 118"),
        "{text}"
    );
}

#[test]
fn o4_deferred_acceptance_not_boston_not_ttc() {
    let (a, b, c) = (0, 1, 2);
    let prefs = vec![vec![a, b, c], vec![b, a, c], vec![b, a, c]];
    let schools = vec![vec![1, 0, 2], vec![0, 2, 1], vec![2, 0, 1]];
    let result = deferred_acceptance(&prefs, &priorities(&prefs, &schools), &[1, 1, 1]);
    assert_eq!(result, vec![Some(b), Some(a), Some(c)]);
    // Brute force: no student gains by any other list (permutations and
    // truncations of the three schools).
    let lists = all_lists(3, 3);
    for s in 0..3 {
        let truth = &prefs[s];
        let value = |x: Option<u32>| {
            x.and_then(|x| truth.iter().position(|&t| t == x))
                .unwrap_or(usize::MAX)
        };
        for list in &lists {
            let mut lie = prefs.clone();
            lie[s] = list.clone();
            let got = deferred_acceptance(&lie, &priorities(&lie, &schools), &[1, 1, 1]);
            assert!(
                value(got[s]) >= value(result[s]),
                "student {s} gains with {list:?}"
            );
        }
    }
}

/// Every ordered list of distinct schools from `0..m`, length 0..=`max`.
pub fn all_lists(m: u32, max: usize) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new()];
    let mut frontier = vec![Vec::new()];
    for _ in 0..max {
        let mut next = Vec::new();
        for list in &frontier {
            for x in 0..m {
                if !list.contains(&x) {
                    let mut longer = list.clone();
                    longer.push(x);
                    next.push(longer);
                }
            }
        }
        out.extend(next.iter().cloned());
        frontier = next;
    }
    out
}

#[test]
fn o5_the_student_optimal_of_two_stable_matchings() {
    // X: A>B, Y: B>A; A: Y>X, B: X>Y.
    let (x, y) = (0, 1);
    let prefs = vec![vec![y, x], vec![x, y]];
    let schools = vec![vec![0, 1], vec![1, 0]];
    let result = deferred_acceptance(&prefs, &priorities(&prefs, &schools), &[1, 1]);
    assert_eq!(result, vec![Some(y), Some(x)]);
}

#[test]
fn o6_pat_a1080_ties_admitted_together() {
    // 11 applicants, 6 schools, 3 choices; rank by GE+GI, then GE.
    let quotas = [2, 1, 2, 2, 2, 3];
    let applicants: [(i32, i32, [usize; 3]); 11] = [
        (100, 100, [0, 1, 2]),
        (60, 60, [2, 3, 5]),
        (100, 90, [0, 3, 4]),
        (90, 100, [1, 2, 0]),
        (90, 90, [5, 1, 3]),
        (80, 90, [1, 0, 2]),
        (80, 80, [0, 1, 2]),
        (80, 80, [0, 1, 2]),
        (80, 70, [1, 3, 2]),
        (70, 80, [1, 2, 3]),
        (100, 100, [0, 2, 4]),
    ];
    let mut inp = inputs(&["总分", "GE"]);
    for (x, q) in quotas.iter().enumerate() {
        add_senior(&mut inp, &format!("学校{x}"), *q, false);
    }
    add_junior(&mut inp, "初中", 11, false);
    for (i, (ge, gi, list)) in applicants.iter().enumerate() {
        add_candidate(&mut inp, &format!("{i:02}"), 0, &[ge + gi, *ge], &[], list);
    }
    let mut policy = open_only();
    policy.tie_break.chain.push(TieField {
        field: "GE".to_owned(),
        higher_first: true,
    });
    policy.tie_break.last = LastTie::AdmitAll;
    let out = run(&inp, &policy).unwrap();
    let per_school: Vec<Vec<u32>> = (0..6)
        .map(|x| members(&out.placements.iter().map(|p| p.school).collect::<Vec<_>>(), x))
        .collect();
    assert_eq!(
        per_school,
        vec![
            vec![0, 10],
            vec![3],
            vec![5, 6, 7],
            vec![2, 8],
            vec![],
            vec![1, 4]
        ]
    );
    // School 2 (2 seats) took three: shown as admitted over its seats.
    assert_eq!(out.schools[2].open_admitted, 3);
    assert_eq!(out.schools[2].seats_left, 0);
}

#[test]
fn o7_apportionment_and_the_alabama_paradox() {
    let w = |n: u64| Ratio { num: n, den: 1 };
    let codes = ["J1", "J2", "J3", "J4"];
    let plain: Vec<(Ratio, &str)> = [300, 200, 100, 50]
        .iter()
        .zip(codes)
        .map(|(&n, c)| (w(n), c))
        .collect();
    assert_eq!(apportion(10, &plain), vec![5, 3, 1, 1]);
    // Rural ×1.2 on J2, J3: weights 300, 240, 120, 50.
    let six_fifths = Ratio { num: 6, den: 5 };
    let rural: Vec<(Ratio, &str)> = vec![
        (w(300), "J1"),
        (Ratio { num: 200 * 6, den: 5 }, "J2"),
        (Ratio { num: 100 * 6, den: 5 }, "J3"),
        (w(50), "J4"),
    ];
    assert_eq!(six_fifths.num * 200 / six_fifths.den, 240);
    assert_eq!(apportion(10, &rural), vec![4, 3, 2, 1]);
    let alabama: Vec<(Ratio, &str)> = vec![(w(6), "A"), (w(6), "B"), (w(2), "C")];
    assert_eq!(apportion(10, &alabama), vec![4, 4, 2]);
    assert_eq!(apportion(11, &alabama), vec![5, 5, 1]);
    // Ties on the remainder: the larger weight, then the smaller code.
    assert_eq!(apportion(1, &[(w(1), "B"), (w(1), "A")]), vec![0, 1]);
    assert_eq!(
        apportion(2, &[(w(1), "C"), (w(2), "B"), (w(1), "A")]),
        vec![0, 1, 1]
    );
    assert_eq!(apportion(2, &[(w(1), "A"), (w(3), "B")]), vec![0, 2]);
    assert_eq!(apportion(5, &[(w(0), "A"), (w(0), "B")]), vec![0, 0]);
}

#[test]
fn o7_through_the_policy_with_the_rural_factor() {
    let mut inp = inputs(&["总分"]);
    add_senior(&mut inp, "优质高中", 20, true);
    for (g, rural) in [(300, false), (200, true), (100, true), (50, false)] {
        add_junior(&mut inp, "初中", g, rural);
    }
    let mut policy = reserved(Ratio { num: 1, den: 2 });
    policy.quota.rural_factor = Ratio { num: 6, den: 5 };
    let quotas = admission::allocate_quotas(&inp, &policy);
    assert_eq!(quotas.len(), 1);
    assert_eq!(quotas[0].seats, 10);
    let seats: Vec<u32> = quotas[0].shares.iter().map(|s| s.seats).collect();
    assert_eq!(seats, vec![4, 3, 2, 1]);
    // e_J1 = 10·300/710 exactly.
    assert_eq!(quotas[0].shares[0].exact, (300, 71));
    policy.quota.form = QuotaForm::CallOrder {
        min_rural: Ratio { num: 1, den: 2 },
    };
    assert!(admission::allocate_quotas(&inp, &policy).is_empty());
}

#[test]
fn o7_within_the_quota_schools_own_county() {
    // Two quota schools in two counties; J3 and J4 sit in the second county.
    // City-wide both split among all four (5, 3, 1, 1 of 10); by county each
    // splits among its own county's junior schools only.
    let mut inp = inputs(&["总分"]);
    add_senior(&mut inp, "一中", 20, true);
    add_senior(&mut inp, "二中", 20, true);
    inp.senior_schools[1].county = county(1);
    for (g, second) in [(300, false), (200, false), (100, true), (50, true)] {
        let j = add_junior(&mut inp, "初中", g, false);
        if second {
            inp.junior_schools[j].county = county(1);
        }
    }
    let mut policy = reserved(Ratio { num: 1, den: 2 });
    let seats = |policy: &Policy| -> Vec<Vec<(u32, u32)>> {
        admission::allocate_quotas(&inp, policy)
            .iter()
            .map(|a| a.shares.iter().map(|s| (s.junior, s.seats)).collect())
            .collect()
    };
    assert_eq!(seats(&policy), vec![vec![(0, 5), (1, 3), (2, 1), (3, 1)]; 2]);
    policy.quota.area = admission::QuotaArea::County;
    // 10·300/500 = 6, 10·200/500 = 4; 10·100/150 = 6.67 → 7, 10·50/150 = 3.33 → 3.
    assert_eq!(seats(&policy), vec![vec![(0, 6), (1, 4)], vec![(2, 7), (3, 3)]]);
    let text = policy.to_toml();
    assert!(text.contains("area = \"county\""), "{text}");
    assert_eq!(Policy::parse_toml(&text).unwrap(), policy);
    let err = Policy::parse_toml(&text.replace("\"county\"", "\"province\"")).unwrap_err();
    assert!(err.to_string().contains("quota.area（分配范围）"), "{err}");
}

/// O8: B open 1 seat; A open 1 + 1 quota seat for J1.
fn o8(s1_lists_a: bool) -> (admission::Inputs, Policy) {
    let mut inp = inputs(&["总分"]);
    let a = add_senior(&mut inp, "A中学", 2, true);
    let b = add_senior(&mut inp, "B中学", 1, false);
    add_junior(&mut inp, "J1", 10, false);
    add_junior(&mut inp, "J2", 0, false);
    let quota: &[usize] = if s1_lists_a { &[a] } else { &[] };
    add_candidate(&mut inp, "s1", 0, &[700], quota, &[b, a]);
    add_candidate(&mut inp, "s2", 1, &[690], &[], &[b, a]);
    add_candidate(&mut inp, "s3", 0, &[650], &[a], &[a]);
    (inp, reserved(Ratio { num: 1, den: 2 }))
}

#[test]
fn o8_the_quota_cost() {
    let (inp, policy) = o8(true);
    let out = run(&inp, &policy).unwrap();
    let got: Vec<(Option<u32>, Option<Round>)> = out.placements.iter().map(|p| (p.school, p.round)).collect();
    assert_eq!(
        got,
        vec![
            (Some(0), Some(Round::Quota)),
            (Some(1), Some(Round::Open)),
            (Some(0), Some(Round::Open))
        ]
    );
    let (inp2, _) = o8(false);
    let out2 = run(&inp2, &policy).unwrap();
    let got2: Vec<(Option<u32>, Option<Round>)> =
        out2.placements.iter().map(|p| (p.school, p.round)).collect();
    assert_eq!(
        got2,
        vec![
            (Some(1), Some(Round::Open)),
            (Some(0), Some(Round::Open)),
            (Some(0), Some(Round::Quota))
        ]
    );
    let cost = quota_cost(&inp, &policy, &out);
    assert_eq!(cost.len(), 1);
    assert_eq!(
        (cost[0].candidate, cost[0].quota_school, cost[0].would_get),
        (0, 0, 1)
    );
    assert!(quota_cost(&inp2, &policy, &out2).is_empty());
    let summary = admission::summarize(&inp, &policy, &out);
    assert_eq!(summary.quota_cost, 1);
    // "Why not B" for s1: B is their first open choice, lost because the
    // quota round placed them at A — said as such, not as a higher choice.
    let why = explain(
        &inp,
        &policy,
        &out,
        &inp.candidates[0].id.0,
        inp.senior_schools[1].code.as_str(),
    )
    .unwrap();
    assert_eq!(why.verdict, Verdict::PlacedInQuotaRound { school: 0 });
    assert_eq!(why.verdict.label_zh(), "已在指标生批次录取");
    assert!(
        why.sentences.iter().any(|t| t.contains("指标生批次")),
        "{:?}",
        why.sentences
    );
}
