//! The worked oracles F1–F6 (algorithms.md B5), each recomputed by hand in
//! its comment.

use std::collections::BTreeMap;

use forecast::backtest::{bias, mape};
use forecast::enrolment::{self, progress, progression_ratios, SectorRates};
use forecast::model::{AGES, GRADES};
use forecast::population::{entry_cohort, project_population, stage_entry, step};
use forecast::scenario::{Averaging, Closure, MigrationTiming, Survival};
use forecast::seats::{self, Seats};
use forecast::PipelineProject;
use registry::{AreaCode, Stage};

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

fn survival(first_year: f64, by_age: &[f64]) -> Survival {
    let mut all = vec![1.0; AGES - 1];
    all[..by_age.len()].copy_from_slice(by_age);
    Survival {
        first_year,
        by_age: all,
        source: "test".into(),
    }
}

/// F1: base 2024 ages 0–3 = 1000, 1100, 1200, 1300; s0 = 0.995, s1 = s2 =
/// 0.999; births 2025 = 950, s_b = 0.996; end-of-year migrants +10 (1),
/// −5 (2), +20 (3). By hand: age 0 = 950·0.996 = 946.2; age 1 =
/// 1000·0.995 + 10 = 1005.0; age 2 = 1100·0.999 − 5 = 1093.9; age 3 =
/// 1200·0.999 + 20 = 1218.8; 小班 entry 0.95·1218.8 = 1157.86.
#[test]
fn f1_cohort_arithmetic_by_hand() {
    let mut pop = [0.0; AGES];
    pop[..4].copy_from_slice(&[1000.0, 1100.0, 1200.0, 1300.0]);
    let mut m = [0.0; AGES];
    m[1] = 10.0;
    m[2] = -5.0;
    m[3] = 20.0;
    let s = survival(0.996, &[0.995, 0.999, 0.999]);
    let next = step(&pop, 950.0, &s, &m, MigrationTiming::EndOfPeriod);
    for (age, want) in [946.2, 1005.0, 1093.9, 1218.8].iter().enumerate() {
        assert!(close(next[age], *want, 1e-9), "age {age}: {} ≠ {want}", next[age]);
    }
    // Age 4 is age 3 surviving at the default s = 1 with no migrants.
    assert!(close(next[4], 1300.0, 1e-9));
    let rates = [
        SectorRates {
            gpr: [0.0; GRADES],
            entry_rate: [0.95, 0.0, 0.0],
            transition: 0.0,
        },
        SectorRates {
            gpr: [0.0; GRADES],
            entry_rate: [0.0; 3],
            transition: 0.0,
        },
    ];
    let enrol = enrolment::step(&[[0.0; GRADES]; 2], &next, &rates);
    assert!(close(enrol[0][0], 1157.86, 1e-9), "小班 {}", enrol[0][0]);
}

/// F2 (localopen/enrollcast vignette): K, 1, 2 = 100, 90, 80 (2021); 110,
/// 95, 88 (2022); 120, 99, 91 (2023). K→1: 95/100 = 0.95, 99/110 = 0.9,
/// mean 0.925; 1→2: 88/90 = 0.97778, 91/95 = 0.95789, mean 0.9678363.
/// 2024: 0.925·120 = 111.00, 0.9678363·99 = 95.81579; 2025 with entry 130:
/// 0.925·125 = 115.625, 0.9678363·111 = 107.42982; 2026 with 128: 0.925·130
/// = 120.25, 0.9678363·115.625 = 111.90607.
#[test]
fn f2_grade_progression_ratios() {
    let years: [&[f64]; 3] = [&[100.0, 90.0, 80.0], &[110.0, 95.0, 88.0], &[120.0, 99.0, 91.0]];
    let ratios: Vec<f64> = progression_ratios(&years, Averaging::Mean, 3)
        .into_iter()
        .map(Option::unwrap)
        .collect();
    assert!(close(ratios[0], 0.925, 1e-12));
    assert!(close(ratios[1], 0.9678363, 1e-7));
    let mut last = years[2].to_vec();
    let want = [
        [125.0, 111.00, 95.81579],
        [130.0, 115.625, 107.42982],
        [128.0, 120.25, 111.90607],
    ];
    for (entry, want) in [125.0, 130.0, 128.0].iter().zip(want) {
        last = progress(&last, &ratios, *entry);
        for g in 0..3 {
            assert!(
                close(last[g], want[g], 5e-6),
                "grade {g}: {} ≠ {}",
                last[g],
                want[g]
            );
        }
    }
    // Weighted (1, 2) and last-only averaging differ as they must.
    let weighted = progression_ratios(&years, Averaging::Weighted, 3);
    assert!(close(weighted[0].unwrap(), (0.95 + 2.0 * 0.9) / 3.0, 1e-12));
    let last_only = progression_ratios(&years, Averaging::Last, 3);
    assert!(close(last_only[0].unwrap(), 0.9, 1e-12));
}

/// F3 (Preston, Heuveline & Guillot 2001, Box 6.2, Sweden 1993→1998,
/// markalava/CCMPP's test): five-year groups, half of the migrants before
/// survival and half after. Migrants are proportion × population × 5 years:
/// 0–4: 0.00466265614615109·293395·5 = 6839.9; 5–9: 0.00334180191569801·
/// 248369·5 = 4150.0. 5–9 in 1998 = 0.999298474130982·(293395 + 3420.0) +
/// 2075.0 = 298,682. Every closed group 5–9 … 75–79 is checked against the
/// published vector (0–4 needs the fertility step, 80+ is open).
#[test]
fn f3_preston_half_half() {
    let surv = [
        0.999298474130982,
        0.999523271204374,
        0.999255384875458,
        0.998733211018043,
        0.998519868845054,
        0.998071361638878,
        0.997059972117285,
        0.995306031333712,
        0.992182641549444,
        0.987776734283712,
        0.981527675199983,
        0.970465422882409,
        0.952606955959568,
        0.923471809204568,
        0.86986034386444,
        0.774955902248557,
    ];
    let base = [
        293395.0, 248369.0, 240012.0, 261346.0, 285209.0, 314388.0, 281290.0, 286923.0, 304108.0, 324946.0,
        247613.0, 211351.0, 215140.0, 221764.0, 223506.0, 183654.0, 254414.0,
    ];
    let props = [
        0.00466265614615109,
        0.00334180191569801,
        0.0028040264653434,
        0.00403296778982651,
        0.00647945892310551,
        0.00523556878761276,
        0.00388922464360624,
        0.00219919630005263,
        0.00116406013653044,
        0.000686267872200304,
        0.000868290437093367,
        0.000799617697574178,
        0.000599609556567816,
        0.000477985606320232,
        0.000416096212182223,
        0.000326701297004149,
        0.000334101110787928,
    ];
    let expected = [
        298682.0, 252007.0, 244150.0, 268267.0, 293515.0, 320624.0, 284767.0, 288031.0, 303166.0, 322062.0,
        243989.0, 205841.0, 205516.0, 205270.0, 194771.0,
    ];
    let mut pop = [0.0; AGES];
    let mut m = [0.0; AGES];
    for g in 0..base.len() {
        pop[g] = base[g];
        m[g] = props[g] * base[g] * 5.0;
    }
    let s = survival(0.994974, &surv);
    let next = step(&pop, 0.0, &s, &m, MigrationTiming::HalfHalf);
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(
            next[i + 1].round(),
            *want,
            "group {}–{}",
            5 * (i + 1),
            5 * (i + 1) + 4
        );
    }
    // End-of-period timing gives a different 5–9 (migrants not surviving):
    // 0.9993·293395 + 4150.0 ≠ 298,682.
    let end = step(&pop, 0.0, &s, &m, MigrationTiming::EndOfPeriod);
    assert_ne!(end[1].round(), 298682.0);
}

/// F4 (NBS births, 万: 2015 1655, 2016 1786, 2017 1723, 2018 1523): entry to
/// grade 1 in Y = (4/12)·B(Y−7) + (8/12)·B(Y−6). 2022: 1655/3 + 2·1786/3 =
/// 1742.33; 2023: 1786/3 + 2·1723/3 = 1744.00; 2024: 1723/3 + 2·1523/3 =
/// 1589.67. Peak 2023, though B(Y−6) alone peaks in 2022 (1786).
#[test]
fn f4_birth_cut_off_moves_the_peak() {
    let births: BTreeMap<i32, f64> = [(2015, 1655.0), (2016, 1786.0), (2017, 1723.0), (2018, 1523.0)].into();
    assert!(close(entry_cohort(1655.0, 1786.0), 1742.0 + 1.0 / 3.0, 1e-9));
    let want = [(2022, 1742.33), (2023, 1744.00), (2024, 1589.67)];
    for (year, value) in want {
        assert!(
            close(stage_entry(&births, year, 6).unwrap(), value, 0.005),
            "{year}"
        );
    }
    // The same through the projection: births feed age 0 by the cut-off and
    // age 6 six years later (survival 1, no migrants, grade 1 entry rate 1).
    let s = survival(1.0, &[]);
    let projected = project_population(
        2015,
        &[0.0; AGES],
        2024,
        &births,
        &s,
        &[0.0; AGES],
        MigrationTiming::EndOfPeriod,
    );
    let population: BTreeMap<i32, [f64; AGES]> = projected.into_iter().collect();
    let mut years = Vec::new();
    for (year, value) in want {
        assert!(
            close(population[&year][6], value, 0.005),
            "{year}: {}",
            population[&year][6]
        );
        let demand = [population[&year][6], 0.0];
        years.push(seats::stage_year(year, false, demand, Seats::default(), 45, None));
    }
    let peak = seats::summarize(Stage::Primary, 45, years).peak;
    assert_eq!(peak.year, 2023);
    assert!(close(peak.demand, 1744.0, 1e-9));
    // B(Y − 6) alone would put it in 2022.
    let naive = (2022..=2024)
        .max_by(|a, b| births[&(a - 6)].total_cmp(&births[&(b - 6)]))
        .unwrap();
    assert_eq!(naive, 2022);
}

/// F5: primary demand 31,500; 650 classes × 45 = 29,250 seats + a pipeline
/// school of 24 classes (1,080 seats) in use from September 2026 → capacity
/// 30,330, gap 1,170 seats = 26 classes (⌈31500/45⌉ = 700 needed, 674
/// available); 31,500/674 = 46.7 per class — over 45, not 大班额 (56).
#[test]
fn f5_gap_and_classes() {
    let county = AreaCode::parse("370102").unwrap();
    let school = PipelineProject {
        code: "P1".into(),
        name: "新建小学".into(),
        county: county.clone(),
        stage: Stage::Primary,
        seats: 24 * 45,
        from_year: 2026,
        in_use: false,
    };
    let pipeline = vec![school.clone()];
    let base_seats = 650.0 * 45.0;
    let (added, closed) = seats::changes(&county, Stage::Primary, 2025, 2026, &pipeline, &[]);
    assert_eq!((added, closed), (1080.0, 0.0));
    let seats = Seats {
        capacity: base_seats + added - closed,
        pipeline: added,
        closed,
    };
    let year = seats::stage_year(2026, false, [31_500.0, 0.0], seats, 45, None);
    assert_eq!(year.capacity, 30_330.0);
    assert_eq!(year.gap, 1_170.0);
    assert_eq!(year.classes_needed, 700);
    assert_eq!(year.classes_available, 674);
    assert_eq!(year.classes_needed - year.classes_available, 26);
    assert_eq!((year.mean_class_size * 10.0).round() / 10.0, 46.7);
    assert!(!seats::large_class_risk(&year));
    // Not yet in use the year before; a project already in use at the base
    // year is in the observed seats and is not added twice; a closure from
    // 2026 takes its seats off.
    assert_eq!(
        seats::changes(&county, Stage::Primary, 2024, 2025, &pipeline, &[]).0,
        0.0
    );
    let in_use = vec![PipelineProject {
        in_use: true,
        from_year: 2024,
        ..school
    }];
    assert_eq!(
        seats::changes(&county, Stage::Primary, 2025, 2026, &in_use, &[]).0,
        0.0
    );
    let closure = Closure {
        county: county.clone(),
        stage: Stage::Primary,
        seats: 300,
        from_year: 2026,
        note: String::new(),
    };
    assert_eq!(
        seats::changes(&county, Stage::Primary, 2025, 2026, &pipeline, &[closure]),
        (1080.0, 300.0)
    );
}

/// F6: F = 100, 210, 290; A = 110, 200, 300 → MAPE = (10/110 + 10/200 +
/// 10/300)/3 × 100 = (9.091 + 5.000 + 3.333)/3 = 5.81 %; bias = (−9.091 +
/// 5.000 − 3.333)/3 = −2.47 % (under-forecast).
#[test]
fn f6_mape_and_bias() {
    let f = [100.0, 210.0, 290.0];
    let a = [110.0, 200.0, 300.0];
    assert!(close(mape(&f, &a).unwrap(), 5.81, 0.005));
    assert!(close(bias(&f, &a).unwrap(), -2.47, 0.005));
    // A zero actual is skipped; nothing left is None.
    assert!(close(
        mape(&[100.0, 5.0], &[110.0, 0.0]).unwrap(),
        100.0 / 11.0,
        1e-9
    ));
    assert_eq!(mape(&[1.0], &[0.0]), None);
}

/// F2 again, through the engine's own path (`enrolment::estimate` on a
/// county's history, then `project_enrolment`), not the helper above: the
/// vignette's K, 1, 2 become grades 1, 2, 3 (grade 1 is an entry grade here,
/// taken from the population aged 6, set equal to the entries so the entry
/// rate is exactly 1). Mean of the last 3 ratios: 2→ 0.925, 3→ 0.9678363;
/// 2024: 125, 111.00, 95.81579; 2025: 130, 115.625, 107.42982; 2026: 128,
/// 120.25, 111.90607.
#[test]
fn f2_through_the_engine_estimate_and_projection() {
    use forecast::enrolment::{estimate, project_enrolment};
    use forecast::model::grade_index;
    use std::collections::BTreeMap;
    let mut enrolment = BTreeMap::new();
    for (year, grades) in [
        (2021, [100.0, 90.0, 80.0]),
        (2022, [110.0, 95.0, 88.0]),
        (2023, [120.0, 99.0, 91.0]),
    ] {
        let mut public = [0.0; forecast::GRADES];
        for (k, n) in grades.iter().enumerate() {
            public[grade_index(k as i8 + 1)] = *n;
        }
        enrolment.insert(year, [public, [0.0; forecast::GRADES]]);
    }
    let mut population = BTreeMap::new();
    for (year, six) in [
        (2021, 100.0),
        (2022, 110.0),
        (2023, 120.0),
        (2024, 125.0),
        (2025, 130.0),
        (2026, 128.0),
    ] {
        let mut p = [0.0; forecast::AGES];
        p[6] = six;
        population.insert(year, p);
    }
    let county = forecast::CountyHistory {
        code: registry::AreaCode::parse("370102").unwrap(),
        name: "历下区".to_owned(),
        births: BTreeMap::new(),
        population: population.clone(),
        enrolment: enrolment.clone(),
        seats: BTreeMap::new(),
        classes: BTreeMap::new(),
    };
    let rates = estimate(&county, 2023, Averaging::Mean, 3);
    assert!(close(rates[0].gpr[grade_index(2)], 0.925, 1e-12));
    assert!(close(rates[0].gpr[grade_index(3)], 0.9678363, 1e-7));
    assert!(close(rates[0].entry_rate[1], 1.0, 1e-12));
    let projected: BTreeMap<i32, [forecast::ByGrade; 2]> =
        project_enrolment(2023, &enrolment[&2023], &population, &rates)
            .into_iter()
            .collect();
    let expect = [
        (2024, [125.0, 111.00, 95.81579]),
        (2025, [130.0, 115.625, 107.42982]),
        (2026, [128.0, 120.25, 111.90607]),
    ];
    for (year, grades) in expect {
        for (k, want) in grades.iter().enumerate() {
            let got = projected[&year][0][grade_index(k as i8 + 1)];
            assert!(close(got, *want, 1e-5), "{year} grade {}: {got} vs {want}", k + 1);
        }
    }
}
