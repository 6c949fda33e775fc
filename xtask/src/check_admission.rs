//! `cargo xtask check admission [--instances N] [--demo-scale S] [--seed N]`:
//! the independent checker of the admission engine (issue 16), as Parcoursup
//! publishes one. Three parts, each compared outside Rust:
//!
//! 1. **Random instances** (seeded; 20–300 candidates, 3–8 schools, lists of
//!    1–6, coarse scores so that many ties reach the lottery, a few
//!    candidates without 录取资格 and schools with their own line): the
//!    engine's open round against the Python `matching` package's
//!    HospitalResident resident-optimal matching (`xtask/py/admission_checker.py`),
//!    each school listing exactly the candidates who listed it, in key order,
//!    candidates not eligible for a school left off its list
//!    (algorithms.md A5). Identical, and `check_stability()` true.
//! 2. **The demo city's open round** at `--demo-scale` under the demo
//!    policy (50 % and 60 %): the candidates the quota round left, the open
//!    seats after returned quota. Identical.
//! 3. **Quota allocation**: `xtask/py/admission_quota.py`, a re-implementation
//!    with `fractions.Fraction`, on random instances and the demo's inputs:
//!    the same quotas as `admission::allocate_quotas`.
//!
//! The key order comes from the engine (its lottery is its own hash); the
//! checker verifies it follows the tie-break chain. Files go to a temporary
//! directory under `bench-out/`, removed at the end. Exits non-zero on any
//! difference, listing the first ones.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use admission::policy::{QuotaPolicy, TieBreak};
use admission::{
    Candidate, CandidateId, Inputs, JuniorSchool, LastTie, Outcome, Policy, QuotaArea, QuotaBasis, QuotaForm,
    QuotaMinimum, Ratio, Round, Score, SeniorSchool, TieField, UnfilledQuota,
};
use anyhow::{bail, Context};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use registry::{AreaCode, SchoolCode};
use serde_json::{json, Value};

pub struct Options {
    pub instances: usize,
    pub demo_scale: f64,
    pub seed: u64,
}

impl Options {
    pub fn parse(args: &[&str]) -> anyhow::Result<Options> {
        let mut o = Options {
            instances: 200,
            demo_scale: 0.05,
            seed: 16,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = || it.next().copied().with_context(|| format!("{arg} needs a value"));
            match *arg {
                "--instances" => o.instances = value()?.parse().context("--instances")?,
                "--demo-scale" => o.demo_scale = value()?.parse().context("--demo-scale")?,
                "--seed" => o.seed = value()?.parse().context("--seed")?,
                other => bail!("unknown option {other}"),
            }
        }
        if o.instances == 0 || o.instances > 100_000 || !(o.demo_scale > 0.0 && o.demo_scale <= 1.0) {
            bail!("--instances must be in 1–100000, --demo-scale in (0, 1]");
        }
        Ok(o)
    }
}

pub fn check(o: &Options) -> anyhow::Result<()> {
    let out = crate::project_root().join("bench-out").join("check-admission");
    std::fs::create_dir_all(&out)?;
    let result = run(o, &out);
    let _ = std::fs::remove_dir_all(&out);
    result
}

fn run(o: &Options, out: &Path) -> anyhow::Result<()> {
    let mut failed = Vec::new();

    // 1. Random instances against `matching`.
    let mut rng = ChaCha8Rng::seed_from_u64(o.seed);
    let mut instances = Vec::with_capacity(o.instances);
    let mut tied = 0usize;
    for i in 0..o.instances {
        let (inputs, policy) = random_open_instance(&mut rng, i)?;
        let outcome = admission::run(&inputs, &policy).map_err(|e| anyhow::anyhow!("instance {i}: {e}"))?;
        let order = engine_order(&inputs, &policy);
        tied += ties_at_last_seat(&inputs, &outcome);
        instances.push(open_round_instance(
            &format!("random-{i}"),
            &inputs,
            &policy,
            &outcome,
            &order,
        ));
    }
    println!(
        "random instances: {} (seed {}), {} with a tie on the total at some school's last seat",
        o.instances, o.seed, tied
    );
    if !python(
        "admission_checker.py",
        &json!({ "instances": instances }),
        out,
        "random.json",
    )? {
        failed.push("random instances vs matching");
    }

    // 2. The demo city's open round.
    let city = demo::DemoCity::generate(&demo::DemoConfig {
        scale: o.demo_scale,
        ..demo::DemoConfig::default()
    })?;
    let inputs = city.admission_inputs();
    let mut demo_instances = Vec::new();
    let mut quota_cases = Vec::new();
    for percent in [50u64, 60] {
        let policy = Policy::demo_city(Ratio {
            num: percent,
            den: 100,
        });
        let outcome =
            admission::run(&inputs, &policy).map_err(|e| anyhow::anyhow!("demo {percent}%: {e}"))?;
        let order = engine_order(&inputs, &policy);
        let quota_placed = outcome
            .placements
            .iter()
            .filter(|p| p.round == Some(Round::Quota))
            .count();
        println!(
            "demo city at scale {}: {} candidates, {} senior schools; policy {}: {} placed in the quota round",
            o.demo_scale,
            inputs.candidates.len(),
            inputs.senior_schools.len(),
            policy.name,
            quota_placed
        );
        demo_instances.push(open_round_instance(
            &format!("demo-{percent}%"),
            &inputs,
            &policy,
            &outcome,
            &order,
        ));
        quota_cases.push(quota_case(&format!("demo-{percent}%"), &inputs, &policy));
    }
    if !python(
        "admission_checker.py",
        &json!({ "instances": demo_instances }),
        out,
        "demo.json",
    )? {
        failed.push("demo open round vs matching");
    }

    // 3. Quota allocation against the Fraction re-implementation.
    for i in 0..o.instances {
        let (inputs, policy) = random_quota_instance(&mut rng, i)?;
        quota_cases.push(quota_case(&format!("quota-{i}"), &inputs, &policy));
    }
    if !python(
        "admission_quota.py",
        &json!({ "cases": quota_cases }),
        out,
        "quota.json",
    )? {
        failed.push("quota allocation vs admission_quota.py");
    }

    if failed.is_empty() {
        println!("admission checker: every comparison identical ✔");
        Ok(())
    } else {
        bail!("admission checker: differences in {}", failed.join(", "))
    }
}

/// The engine's strict key order (best first): the chain, then its lottery.
pub fn engine_order(inputs: &Inputs, policy: &Policy) -> Vec<u32> {
    admission::engine::key_order(inputs, policy)
}

/// Runs a checker script on a JSON file; prints its one-line report.
/// `Ok(false)` when it found differences.
pub fn python(script: &str, data: &Value, out: &Path, file: &str) -> anyhow::Result<bool> {
    let path = out.join(file);
    std::fs::write(&path, serde_json::to_vec(data)?)?;
    let script = crate::project_root().join("xtask").join("py").join(script);
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let output = Command::new(&python)
        .arg(&script)
        .arg(&path)
        .output()
        .with_context(|| format!("running {python} {}", script.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let Some(line) = stdout.lines().last() else {
        bail!(
            "{} printed nothing (matching missing? `python3 -m pip install matching==1.4.3`):\n{}",
            script.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let report: Value =
        serde_json::from_str(line).with_context(|| format!("{}: {line}", script.display()))?;
    println!(
        "  {}: {}",
        script.file_name().and_then(|f| f.to_str()).unwrap_or(""),
        report
    );
    Ok(output.status.success())
}

/// Whether a candidate may be admitted at a school in the open round:
/// 录取资格, the city's line and the school's own.
fn open_eligible(candidate: &Candidate, school: &SeniorSchool, policy: &Policy) -> bool {
    candidate.eligible
        && policy.min_total.is_none_or(|m| candidate.total() >= m)
        && school.min_score.is_none_or(|m| candidate.total() >= m)
}

/// The open round of a run as a `matching` instance: the candidates the
/// quota round did not place, their open lists without schools they are
/// not eligible for, each school listing exactly its applicants in key
/// order (its priority counties' residents first when the policy honours
/// them), capacities = open seats.
pub fn open_round_instance(
    name: &str,
    inputs: &Inputs,
    policy: &Policy,
    outcome: &Outcome,
    order: &[u32],
) -> Value {
    let code_index: BTreeMap<&SchoolCode, usize> = inputs
        .senior_schools
        .iter()
        .enumerate()
        .map(|(i, s)| (&s.code, i))
        .collect();
    // Each chain field is one column or a sum of columns (语文+数学).
    let chain: Vec<(Vec<usize>, bool)> = policy
        .tie_break
        .chain
        .iter()
        .filter_map(|f| {
            let columns: Option<Vec<usize>> = f
                .field
                .split('+')
                .map(|part| inputs.fields.iter().position(|x| x == part.trim()))
                .collect();
            columns.map(|c| (c, f.higher_first))
        })
        .collect();
    let in_open = |c: usize| {
        outcome
            .placements
            .get(c)
            .is_some_and(|p| p.round != Some(Round::Quota))
    };
    let mut residents = serde_json::Map::new();
    let mut keys = serde_json::Map::new();
    let mut engine = serde_json::Map::new();
    let mut hospitals: Vec<Vec<Value>> = vec![Vec::new(); inputs.senior_schools.len()];
    let mut first: Vec<Vec<Value>> = vec![Vec::new(); inputs.senior_schools.len()];
    let mut later: Vec<Vec<Value>> = vec![Vec::new(); inputs.senior_schools.len()];
    let priorities = policy.school_priorities;
    for c in order.iter().map(|c| *c as usize) {
        if !in_open(c) {
            continue;
        }
        let Some(candidate) = inputs.candidates.get(c) else {
            continue;
        };
        let id = candidate.id.0.clone();
        let mut list = Vec::new();
        for code in &candidate.open_list {
            let Some(&x) = code_index.get(code) else {
                continue;
            };
            let school = &inputs.senior_schools[x];
            if !open_eligible(candidate, school, policy) || list.contains(&json!(code.as_str())) {
                continue;
            }
            list.push(json!(code.as_str()));
            let prioritised = priorities && school.priority_counties.contains(&candidate.residence);
            if prioritised {
                first[x].push(json!(id));
            } else {
                later[x].push(json!(id));
            }
        }
        residents.insert(id.clone(), Value::Array(list));
        keys.insert(
            id.clone(),
            json!(chain
                .iter()
                .map(|(columns, higher)| {
                    let v: i32 = columns
                        .iter()
                        .map(|i| candidate.scores.get(*i).map_or(0, |s| s.0))
                        .sum();
                    if *higher {
                        v
                    } else {
                        -v
                    }
                })
                .collect::<Vec<i32>>()),
        );
        let placed = outcome
            .placements
            .get(c)
            .and_then(|p| p.school)
            .and_then(|x| inputs.senior_schools.get(x as usize))
            .map(|s| s.code.as_str());
        engine.insert(id, json!(placed));
    }
    let mut hospital_map = serde_json::Map::new();
    let mut priority_map = serde_json::Map::new();
    let mut capacities = serde_json::Map::new();
    for (x, school) in inputs.senior_schools.iter().enumerate() {
        let mut list = std::mem::take(&mut first[x]);
        if !list.is_empty() {
            priority_map.insert(school.code.as_str().to_owned(), Value::Array(list.clone()));
        }
        list.append(&mut later[x]);
        hospitals[x] = list;
        hospital_map.insert(
            school.code.as_str().to_owned(),
            Value::Array(std::mem::take(&mut hospitals[x])),
        );
        capacities.insert(
            school.code.as_str().to_owned(),
            json!(outcome.schools.get(x).map_or(0, |r| r.open_seats)),
        );
    }
    json!({
        "name": name,
        "residents": residents,
        "hospitals": hospital_map,
        "capacities": capacities,
        "keys": keys,
        "priority": priority_map,
        "engine": engine,
    })
}

/// Schools whose last open admit shares its total with a candidate who
/// listed the school and was not admitted there: the lottery decided.
fn ties_at_last_seat(inputs: &Inputs, outcome: &Outcome) -> usize {
    let mut count = 0;
    for r in &outcome.schools {
        let Some(cut) = &r.open_cutoff else { continue };
        let Some(code) = inputs.senior_schools.get(r.school as usize).map(|s| &s.code) else {
            continue;
        };
        // Someone with the same total who ranked the school above where they went.
        let lost = inputs.candidates.iter().zip(&outcome.placements).any(|(c, p)| {
            let Some(here) = c.open_list.iter().position(|x| x == code) else {
                return false;
            };
            let went = p
                .school
                .and_then(|x| inputs.senior_schools.get(x as usize))
                .and_then(|s| c.open_list.iter().position(|x| *x == s.code));
            c.eligible && c.total() == cut.score && went.is_none_or(|w| w > here)
        });
        count += usize::from(lost);
    }
    count.min(1)
}

/// A 10-digit school code: a 7-digit prefix and a 3-digit serial.
fn code(prefix: &str, i: usize) -> anyhow::Result<SchoolCode> {
    SchoolCode::parse(&format!("{prefix}{:03}", i % 1000)).map_err(|e| anyhow::anyhow!("{}", e.0))
}

fn area(text: &str) -> anyhow::Result<AreaCode> {
    AreaCode::parse(text).map_err(|e| anyhow::anyhow!("{}", e.0))
}

/// An open-round-only policy over `fields`: the chain given, then a
/// lottery.
fn open_policy(chain: &[&str], seed: u64) -> Policy {
    Policy {
        name: "随机实例".into(),
        quota: QuotaPolicy {
            form: QuotaForm::None,
            share: Ratio::ZERO,
            school_shares: BTreeMap::new(),
            basis: QuotaBasis::Graduates,
            rural_factor: Ratio::ONE,
            weak_factor: Ratio::ONE,
            minimum: QuotaMinimum::None,
            area: QuotaArea::City,
        },
        unfilled_quota: UnfilledQuota::OpenRound,
        min_total: None,
        tie_break: TieBreak {
            chain: chain
                .iter()
                .map(|f| TieField {
                    field: (*f).to_owned(),
                    higher_first: true,
                })
                .collect(),
            last: LastTie::Lottery { seed },
        },
        school_priorities: false,
    }
}

/// 20–300 candidates, 3–8 schools, lists of 1–6; totals on a coarse grid
/// (many ties), 数学 in three values, so the lottery decides often.
fn random_open_instance(rng: &mut ChaCha8Rng, i: usize) -> anyhow::Result<(Inputs, Policy)> {
    let n = rng.random_range(20..=300usize);
    let m = rng.random_range(3..=8usize);
    let county = area("370102")?;
    let junior = JuniorSchool {
        code: code("2370103", 1)?,
        name: "初中".into(),
        county: county.clone(),
        rural: false,
        weak: false,
        graduates: n as u32,
    };
    let popularity: Vec<f64> = (0..m).map(|_| rng.random_range(0.2..3.0)).collect();
    let seniors = (0..m)
        .map(|x| {
            Ok(SeniorSchool {
                code: code("2370102", x + 1)?,
                name: format!("高中{x}"),
                county: county.clone(),
                seats: rng.random_range(1..=(n * 12 / 10 / m).max(2)) as u32,
                quota_school: false,
                min_score: rng
                    .random_bool(0.2)
                    .then(|| Score(rng.random_range(40..=60) * 100)),
                priority_counties: Vec::new(),
            })
        })
        .collect::<anyhow::Result<Vec<SeniorSchool>>>()?;
    let candidates = (0..n)
        .map(|c| {
            let length = rng.random_range(1..=6usize.min(m));
            let mut list: Vec<usize> = Vec::with_capacity(length);
            while list.len() < length {
                let total: f64 = (0..m).filter(|x| !list.contains(x)).map(|x| popularity[x]).sum();
                let mut u = rng.random::<f64>() * total;
                for x in (0..m).filter(|x| !list.contains(x)) {
                    if u < popularity[x] {
                        list.push(x);
                        break;
                    }
                    u -= popularity[x];
                }
            }
            let total = rng.random_range(30..=70) * 100 + if rng.random_bool(0.3) { 50 } else { 0 };
            let maths = rng.random_range(10..=12) * 100;
            Candidate {
                id: CandidateId(format!("R{i:05}{c:04}")),
                name: format!("考生{c}"),
                junior_school: junior.code.clone(),
                residence: county.clone(),
                scores: vec![Score(total), Score(maths)],
                quota_eligible: true,
                eligible: !rng.random_bool(0.03),
                quota_list: Vec::new(),
                open_list: list.into_iter().map(|x| seniors[x].code.clone()).collect(),
            }
        })
        .collect::<Vec<_>>();
    let mut candidates = candidates;
    // Input order must not matter: shuffle it.
    candidates.shuffle(rng);
    let inputs = Inputs {
        year: 2025,
        fields: vec!["总分".into(), "数学".into()],
        junior_schools: vec![junior],
        senior_schools: seniors,
        candidates,
    };
    let policy = open_policy(&["总分", "数学"], rng.random());
    Ok((inputs, policy))
}

/// A quota-allocation instance: 2–40 junior schools (graduates on a coarse
/// grid, so remainders tie), 1–6 quota schools among 2–8, a share of
/// 30–100 %, per-school shares now and then, rural and weak factors.
fn random_quota_instance(rng: &mut ChaCha8Rng, i: usize) -> anyhow::Result<(Inputs, Policy)> {
    let county = area("370102")?;
    // A second county, for policies splitting quotas within each county.
    let other = area("370112")?;
    let j = rng.random_range(2..=40usize);
    let juniors = (0..j)
        .map(|k| {
            Ok(JuniorSchool {
                code: code("2370104", k + 1)?,
                name: format!("初中{k}"),
                county: if rng.random_bool(0.3) {
                    other.clone()
                } else {
                    county.clone()
                },
                rural: rng.random_bool(0.3),
                weak: rng.random_bool(0.15),
                graduates: if rng.random_bool(0.05) {
                    0
                } else {
                    rng.random_range(1..=12) * 25
                },
            })
        })
        .collect::<anyhow::Result<Vec<JuniorSchool>>>()?;
    let m = rng.random_range(2..=8usize);
    let seniors = (0..m)
        .map(|x| {
            Ok(SeniorSchool {
                code: code("2370102", x + 1)?,
                name: format!("高中{x}"),
                county: if rng.random_bool(0.3) {
                    other.clone()
                } else {
                    county.clone()
                },
                seats: rng.random_range(1..=60) * 10 + rng.random_range(0..10),
                quota_school: x == 0 || rng.random_bool(0.5),
                min_score: None,
                priority_counties: Vec::new(),
            })
        })
        .collect::<anyhow::Result<Vec<SeniorSchool>>>()?;
    // A few candidates per junior school, for the eligible-candidates basis.
    let mut candidates = Vec::new();
    for (k, school) in juniors.iter().enumerate() {
        for c in 0..rng.random_range(0..=6usize) {
            candidates.push(Candidate {
                id: CandidateId(format!("Q{i:05}{k:02}{c:02}")),
                name: "考生".into(),
                junior_school: school.code.clone(),
                residence: county.clone(),
                scores: vec![Score(5000)],
                quota_eligible: rng.random_bool(0.8),
                eligible: rng.random_bool(0.95),
                quota_list: Vec::new(),
                open_list: vec![seniors[0].code.clone()],
            });
        }
    }
    let ratio = |rng: &mut ChaCha8Rng, low: u64, high: u64| Ratio {
        num: rng.random_range(low..=high),
        den: 100,
    };
    let mut policy = open_policy(&["总分"], 0);
    policy.quota.form = QuotaForm::Reserved;
    policy.quota.share = ratio(rng, 30, 100);
    policy.quota.basis = if rng.random_bool(0.7) {
        QuotaBasis::Graduates
    } else {
        QuotaBasis::EligibleCandidates
    };
    policy.quota.area = if rng.random_bool(0.4) {
        QuotaArea::County
    } else {
        QuotaArea::City
    };
    policy.quota.rural_factor = [Ratio::ONE, ratio(rng, 110, 150)][usize::from(rng.random_bool(0.7))];
    policy.quota.weak_factor = [Ratio::ONE, ratio(rng, 105, 130)][usize::from(rng.random_bool(0.5))];
    for s in &seniors {
        if s.quota_school && rng.random_bool(0.2) {
            policy
                .quota
                .school_shares
                .insert(s.code.clone(), ratio(rng, 30, 100));
        }
    }
    let inputs = Inputs {
        year: 2025,
        fields: vec!["总分".into()],
        junior_schools: juniors,
        senior_schools: seniors,
        candidates,
    };
    Ok((inputs, policy))
}

fn ratio_json(r: Ratio) -> Value {
    json!([r.num, r.den])
}

/// A quota case for `admission_quota.py`: the inputs it needs, the policy,
/// and the engine's allocation.
fn quota_case(name: &str, inputs: &Inputs, policy: &Policy) -> Value {
    let mut eligible: BTreeMap<&SchoolCode, u32> = BTreeMap::new();
    for c in &inputs.candidates {
        if c.quota_eligible && c.eligible {
            *eligible.entry(&c.junior_school).or_default() += 1;
        }
    }
    let engine: Vec<Value> = admission::allocate_quotas(inputs, policy)
        .iter()
        .map(|a| {
            json!({
                "senior": inputs.senior_schools.get(a.senior as usize).map(|s| s.code.as_str()),
                "seats": a.seats,
                "shares": a.shares.iter().map(|s| json!([
                    inputs.junior_schools.get(s.junior as usize).map(|j| j.code.as_str()),
                    s.seats
                ])).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "name": name,
        "policy": {
            "form": match policy.quota.form {
                QuotaForm::Reserved => "reserved",
                QuotaForm::None => "none",
                QuotaForm::CallOrder { .. } => "call_order",
            },
            "share": ratio_json(policy.quota.share),
            "school_shares": policy.quota.school_shares.iter()
                .map(|(k, v)| (k.as_str().to_owned(), ratio_json(*v)))
                .collect::<serde_json::Map<String, Value>>(),
            "basis": match policy.quota.basis {
                QuotaBasis::Graduates => "graduates",
                QuotaBasis::EligibleCandidates => "eligible_candidates",
            },
            "area": match policy.quota.area {
                QuotaArea::City => "city",
                QuotaArea::County => "county",
            },
            "rural_factor": ratio_json(policy.quota.rural_factor),
            "weak_factor": ratio_json(policy.quota.weak_factor),
        },
        "junior": inputs.junior_schools.iter().map(|j| json!({
            "code": j.code.as_str(),
            "county": j.county.as_str(),
            "graduates": j.graduates,
            "eligible": eligible.get(&j.code).copied().unwrap_or(0),
            "rural": j.rural,
            "weak": j.weak,
        })).collect::<Vec<_>>(),
        "senior": inputs.senior_schools.iter().map(|s| json!({
            "code": s.code.as_str(),
            "county": s.county.as_str(),
            "seats": s.seats,
            "quota_school": s.quota_school,
        })).collect::<Vec<_>>(),
        "engine": engine,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Python with `matching` 1.4.3, or `None` (then the test is skipped,
    /// except under CI=true where it fails: CI installs it).
    fn python_ready() -> Option<()> {
        let ok = Command::new("python3")
            .args(["-c", "import matching"])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI: python3 with matching is required"
            );
            eprintln!("python3 with matching not found: skipped");
        }
        ok.then_some(())
    }

    /// The checker must be able to fail: one placement moved to another
    /// school, or one quota seat moved, is reported as a difference.
    #[test]
    fn the_checkers_report_a_planted_difference() {
        if python_ready().is_none() {
            return;
        }
        let out = tempfile::tempdir().unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (inputs, policy) = random_open_instance(&mut rng, 0).unwrap();
        let outcome = admission::run(&inputs, &policy).unwrap();
        let order = engine_order(&inputs, &policy);
        let good = open_round_instance("good", &inputs, &policy, &outcome, &order);
        assert!(python(
            "admission_checker.py",
            &json!({ "instances": [good.clone()] }),
            out.path(),
            "a.json"
        )
        .unwrap());
        let mut bad = good;
        let engine = bad["engine"].as_object_mut().unwrap();
        let (id, placed) = engine
            .iter()
            .find(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .unwrap();
        let other = inputs
            .senior_schools
            .iter()
            .map(|s| json!(s.code.as_str()))
            .find(|c| *c != placed)
            .unwrap();
        engine.insert(id, other);
        assert!(!python(
            "admission_checker.py",
            &json!({ "instances": [bad] }),
            out.path(),
            "b.json"
        )
        .unwrap());

        let (inputs, policy) = random_quota_instance(&mut rng, 0).unwrap();
        let case = quota_case("good", &inputs, &policy);
        assert!(python(
            "admission_quota.py",
            &json!({ "cases": [case.clone()] }),
            out.path(),
            "c.json"
        )
        .unwrap());
        let mut bad = case;
        let shares = bad["engine"][0]["shares"].as_array_mut().unwrap();
        assert!(shares.len() >= 2);
        let first = shares[0][1].as_u64().unwrap();
        let second = shares[1][1].as_u64().unwrap();
        // Move a seat from one junior school to another: Σ unchanged.
        if first > 0 {
            shares[0][1] = json!(first - 1);
            shares[1][1] = json!(second + 1);
        } else {
            shares[0][1] = json!(first + 1);
            shares[1][1] = json!(second.saturating_sub(1));
        }
        assert!(!python(
            "admission_quota.py",
            &json!({ "cases": [bad] }),
            out.path(),
            "d.json"
        )
        .unwrap());
    }
}
