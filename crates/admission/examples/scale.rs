//! Times the engine at city and province scale on generated instances
//! (`cargo run --release -p admission --example scale -- [N M LIST]`):
//! the check, the run, and both together. The instances are synthetic —
//! scores correlated with the junior school, popularity-skewed lists — and
//! only for timing; the demo city's candidates come from `crates/demo`.

use std::time::Instant;

use admission::{
    check, run, Candidate, CandidateId, Inputs, JuniorSchool, Policy, Ratio, Score, SeniorSchool,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use registry::{AreaCode, SchoolCode};

fn instance(n: usize, m: usize, list: usize, seed: u64) -> Inputs {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let county = AreaCode::parse("370102").unwrap_or_else(|e| panic!("{e}"));
    let code = |prefix: u32, i: usize| {
        SchoolCode::parse(&format!("{prefix}{i:06}")).unwrap_or_else(|e| panic!("{e}"))
    };
    let juniors = (n / 250).max(1);
    let junior_schools: Vec<JuniorSchool> = (0..juniors)
        .map(|j| JuniorSchool {
            code: code(3701, j),
            name: format!("初中{j}"),
            county: county.clone(),
            rural: j % 3 == 0,
            weak: j % 7 == 0,
            graduates: 250,
        })
        .collect();
    let quota_schools = m / 3;
    let senior_schools: Vec<SeniorSchool> = (0..m)
        .map(|x| SeniorSchool {
            code: code(3702, x),
            name: format!("高中{x}"),
            county: county.clone(),
            seats: (n as f64 * 0.8 / m as f64) as u32,
            quota_school: x < quota_schools,
            min_score: None,
            priority_counties: Vec::new(),
        })
        .collect();
    // Popularity: lower index, more popular (quadratic skew).
    let pick = |rng: &mut ChaCha8Rng| ((rng.random::<f64>().powi(2)) * m as f64) as usize;
    let candidates = (0..n)
        .map(|i| {
            let j = rng.random_range(0..juniors);
            let strength = (j % 10) as i32 * 10;
            let subject = |rng: &mut ChaCha8Rng| Score((rng.random_range(40..=150) + strength / 5) * 10);
            let (chinese, maths, english) = (subject(&mut rng), subject(&mut rng), subject(&mut rng));
            let other = Score(rng.random_range(100..=300) * 10);
            let total = Score(chinese.0 + maths.0 + english.0 + other.0);
            let mut open = Vec::with_capacity(list);
            while open.len() < list.min(m) {
                let x = pick(&mut rng);
                if !open.contains(&x) {
                    open.push(x);
                }
            }
            let mut quota: Vec<usize> = (0..quota_schools).collect();
            quota.shuffle(&mut rng);
            quota.truncate(2);
            Candidate {
                id: CandidateId(format!("25{i:08}")),
                name: String::new(),
                junior_school: code(3701, j),
                residence: county.clone(),
                scores: vec![total, chinese, maths, english],
                quota_eligible: rng.random_bool(0.9),
                eligible: rng.random_bool(0.98),
                quota_list: quota.into_iter().map(|x| code(3702, x)).collect(),
                open_list: open.into_iter().map(|x| code(3702, x)).collect(),
            }
        })
        .collect();
    Inputs {
        year: 2025,
        fields: ["总分", "语文", "数学", "外语"].map(String::from).to_vec(),
        junior_schools,
        senior_schools,
        candidates,
    }
}

/// Time this thread spent on a CPU (ns), from /proc: under a loaded
/// machine the wall clock also counts other processes' turns.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if args.len() == 3 {
        vec![(args[0], args[1], args[2])]
    } else {
        vec![(100_000, 60, 6), (700_000, 600, 12)]
    };
    let policy = Policy::demo(Ratio { num: 1, den: 2 });
    for (n, m, list) in sizes {
        let inputs = instance(n, m, list, 16);
        let mut best = (f64::MAX, f64::MAX, f64::MAX);
        for _ in 0..5 {
            let t = Instant::now();
            let report = check(&inputs, &policy);
            let checked = t.elapsed().as_secs_f64();
            assert!(report.is_ok(), "{:?}", report.problems.first());
            let cpu = cpu_ns();
            let t = Instant::now();
            let outcome = run(&inputs, &policy).unwrap_or_else(|e| panic!("{e}"));
            let ran = t.elapsed().as_secs_f64();
            let ran_cpu = match (cpu, cpu_ns()) {
                (Some(a), Some(b)) => (b - a) as f64 / 1e9,
                _ => f64::NAN,
            };
            if std::env::var_os("SCALE_PARTS").is_some() {
                let cpu = cpu_ns().unwrap_or(0);
                std::hint::black_box(admission::key_order(&inputs, &policy));
                let keys = cpu_ns().unwrap_or(0) - cpu;
                let cpu = cpu_ns().unwrap_or(0);
                std::hint::black_box(check(&inputs, &policy));
                let checked = cpu_ns().unwrap_or(0) - cpu;
                let cpu = cpu_ns().unwrap_or(0);
                std::hint::black_box(admission::allocate_quotas(&inputs, &policy));
                let quotas = cpu_ns().unwrap_or(0) - cpu;
                println!(
                    "  parts: key order {} ms, check (with interning) {} ms, quotas {} ms",
                    keys / 1_000_000,
                    checked / 1_000_000,
                    quotas / 1_000_000
                );
            }
            let placed = outcome.placements.iter().filter(|p| p.school.is_some()).count();
            std::hint::black_box(placed);
            best = (best.0.min(checked), best.1.min(ran), best.2.min(ran_cpu));
        }
        println!(
            "{n} candidates, {m} schools, lists of {list}: check {:.0} ms; run (check included) {:.0} ms wall, {:.0} ms on CPU (best of 5)",
            best.0 * 1e3,
            best.1 * 1e3,
            best.2 * 1e3
        );
    }
}
