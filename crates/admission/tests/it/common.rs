//! Small instances by hand and random ones from a seed.

use admission::{
    Candidate, CandidateId, Inputs, JuniorSchool, LastTie, Policy, QuotaForm, Ratio, Score, SeniorSchool,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use registry::{AreaCode, SchoolCode};

pub fn senior_code(i: usize) -> SchoolCode {
    SchoolCode::parse(&format!("37011{i:05}")).unwrap()
}

pub fn junior_code(i: usize) -> SchoolCode {
    SchoolCode::parse(&format!("37012{i:05}")).unwrap()
}

pub fn county(i: usize) -> AreaCode {
    AreaCode::parse(&format!("3701{:02}", i + 1)).unwrap()
}

/// Empty inputs with these score fields (the total first).
pub fn inputs(fields: &[&str]) -> Inputs {
    Inputs {
        year: 2025,
        fields: fields.iter().map(|f| (*f).to_owned()).collect(),
        junior_schools: Vec::new(),
        senior_schools: Vec::new(),
        candidates: Vec::new(),
    }
}

pub fn add_senior(inputs: &mut Inputs, name: &str, seats: u32, quota_school: bool) -> usize {
    let i = inputs.senior_schools.len();
    inputs.senior_schools.push(SeniorSchool {
        code: senior_code(i),
        name: name.to_owned(),
        county: county(0),
        seats,
        quota_school,
        min_score: None,
        priority_counties: Vec::new(),
    });
    i
}

pub fn add_junior(inputs: &mut Inputs, name: &str, graduates: u32, rural: bool) -> usize {
    let i = inputs.junior_schools.len();
    inputs.junior_schools.push(JuniorSchool {
        code: junior_code(i),
        name: name.to_owned(),
        county: county(0),
        rural,
        weak: false,
        graduates,
    });
    i
}

/// A candidate with scores in whole points, lists by senior index.
pub fn add_candidate(
    inputs: &mut Inputs,
    id: &str,
    junior: usize,
    scores: &[i32],
    quota_list: &[usize],
    open_list: &[usize],
) -> usize {
    let i = inputs.candidates.len();
    inputs.candidates.push(Candidate {
        id: CandidateId(id.to_owned()),
        name: format!("考生{i}"),
        junior_school: junior_code(junior),
        residence: county(0),
        scores: scores.iter().map(|s| Score(s * 10)).collect(),
        quota_eligible: true,
        eligible: true,
        quota_list: quota_list.iter().map(|&x| senior_code(x)).collect(),
        open_list: open_list.iter().map(|&x| senior_code(x)).collect(),
    });
    i
}

/// The open round only (no quota seats), the chain 总分, a lottery.
pub fn open_only() -> Policy {
    let mut policy = Policy::demo(Ratio::ZERO);
    policy.name = "统招".to_owned();
    policy.quota.form = QuotaForm::None;
    policy.quota.rural_factor = Ratio::ONE;
    policy.tie_break.chain.truncate(1);
    policy.tie_break.last = LastTie::Lottery { seed: 7 };
    policy
}

/// Reserved quota seats at `share`, chain 总分 then 数学, a lottery.
pub fn reserved(share: Ratio) -> Policy {
    let mut policy = open_only();
    policy.name = "指标到校".to_owned();
    policy.quota.form = QuotaForm::Reserved;
    policy.quota.share = share;
    policy
}

/// A random instance: up to `n` candidates, `m` senior schools (the first
/// half quota schools), 3 junior schools; totals from a narrow range so
/// that ties on the total are common, a second field 数学.
pub fn random_instance(seed: u64, n: usize, m: usize) -> Inputs {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut inp = inputs(&["总分", "数学"]);
    let m = rng.random_range(1..=m);
    for x in 0..m {
        let seats = rng.random_range(0..=5);
        add_senior(&mut inp, &format!("高中{x}"), seats, x < m.div_ceil(2));
    }
    let juniors = rng.random_range(1..=3);
    for j in 0..juniors {
        let graduates = rng.random_range(0..=40);
        add_junior(&mut inp, &format!("初中{j}"), graduates, rng.random_bool(0.4));
    }
    let n = rng.random_range(1..=n);
    let quota_schools: Vec<usize> = (0..m).filter(|&x| inp.senior_schools[x].quota_school).collect();
    let all: Vec<usize> = (0..m).collect();
    for i in 0..n {
        let total = rng.random_range(60..=70);
        let math = rng.random_range(0..=3);
        let open_len = rng.random_range(0..=m);
        let mut open = all.clone();
        open.shuffle(&mut rng);
        open.truncate(open_len);
        let mut quota = quota_schools.clone();
        quota.shuffle(&mut rng);
        quota.truncate(rng.random_range(0..=quota.len()));
        let c = add_candidate(
            &mut inp,
            &format!("25{i:04}"),
            rng.random_range(0..juniors),
            &[total, math],
            &quota,
            &open,
        );
        inp.candidates[c].eligible = rng.random_bool(0.93);
        inp.candidates[c].quota_eligible = rng.random_bool(0.8);
        inp.candidates[c].residence = county(rng.random_range(0..2));
    }
    inp
}

/// A placement by school code, round and choice.
pub type Where = (String, String, u8);

/// The school each candidate got, by examination number.
pub fn placed_by_id(inputs: &Inputs, outcome: &admission::Outcome) -> Vec<(String, Option<Where>)> {
    let mut rows: Vec<_> = inputs
        .candidates
        .iter()
        .zip(&outcome.placements)
        .map(|(c, p)| {
            let at = p.school.map(|x| {
                (
                    inputs.senior_schools[x as usize].code.to_string(),
                    format!("{:?}", p.round),
                    p.choice.unwrap_or(0),
                )
            });
            (c.id.0.clone(), at)
        })
        .collect();
    rows.sort();
    rows
}
