//! Looks at the demo city the way a bureau officer would, from the rows
//! `school_year` returns: `cargo run --release --example inspect -p demo -- [scale] [seed]`.
//! Prints preschool shares, migrant and boarding shares, myopia by grade,
//! 大班额 by location, teacher ratios, rotation eligibility and the
//! 优质均衡 facility checks by county.

use std::collections::{BTreeMap, HashMap};

use registry::{Location, Ownership, SchoolYear, Stage};

fn main() {
    let mut args = std::env::args().skip(1);
    let scale: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0.2);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let config = demo::DemoConfig {
        scale,
        seed,
        ..demo::DemoConfig::default()
    };
    let Ok(city) = demo::DemoCity::generate(&config) else {
        eprintln!("bad config");
        return;
    };
    println!("moves after the first year: {:?}", city.moves());
    let projects = city.opening_projects();
    println!(
        "schools opened from projects: {} projects, {} seats",
        projects.len(),
        projects.iter().map(|p| u64::from(p.seats)).sum::<u64>()
    );
    let mut previous: Option<HashMap<(String, i8), usize>> = None;
    let counties: HashMap<String, String> = registry::divisions::counties_of("3701")
        .into_iter()
        .map(|a| (a.code.as_str().to_owned(), a.name))
        .collect();
    for year in city.school_years() {
        let changes = city.school_year(year);
        let schools: HashMap<&str, &registry::School> =
            changes.schools.iter().map(|s| (s.code.as_str(), s)).collect();
        println!("== {}", year.label_zh());

        // Grade progression ratios by county (grades 1–5 to 2–6, 7–8 to 8–9),
        // kindergartens open, and school-age children enrolled nowhere.
        let county_of: HashMap<&str, &str> = changes
            .schools
            .iter()
            .map(|s| (s.code.as_str(), s.county.as_str()))
            .collect();
        let mut grades: HashMap<(String, i8), usize> = HashMap::new();
        for (_, e) in &changes.students {
            *grades
                .entry((county_of[e.school.as_str()].to_owned(), e.grade.0))
                .or_default() += 1;
        }
        let open_kindergartens: std::collections::HashSet<&str> = changes
            .students
            .iter()
            .filter(|(_, e)| e.stage == Stage::Preschool)
            .map(|(_, e)| e.school.as_str())
            .collect();
        let august = chrono::NaiveDate::from_ymd_opt(i32::from(year.0), 8, 31).unwrap_or_default();
        let enrolled_6_14 = changes
            .students
            .iter()
            .filter(|(s, _)| (6..=14).contains(&august.years_since(s.birth_date).unwrap_or(0)))
            .count();
        let living_6_14: u32 = changes
            .population
            .iter()
            .filter(|p| (6..=14).contains(&p.age))
            .map(|p| p.children)
            .sum();
        println!(
            "kindergartens with children {}; aged 6–14 living {} enrolled {} (not enrolled {})",
            open_kindergartens.len(),
            living_6_14,
            enrolled_6_14,
            i64::from(living_6_14) - enrolled_6_14 as i64
        );
        if let Some(before) = &previous {
            let mut line = String::from("progression ratios (primary; junior):");
            let mut codes: Vec<&String> = counties.keys().collect();
            codes.sort();
            for code in codes {
                let ratio = |from: std::ops::RangeInclusive<i8>| {
                    let (mut a, mut b) = (0usize, 0usize);
                    for g in from {
                        a += grades.get(&(code.clone(), g + 1)).copied().unwrap_or(0);
                        b += before.get(&(code.clone(), g)).copied().unwrap_or(0);
                    }
                    a as f64 / b.max(1) as f64
                };
                line.push_str(&format!(
                    " {} {:.3};{:.3}",
                    &counties[code.as_str()],
                    ratio(1..=5),
                    ratio(7..=8)
                ));
            }
            println!("{line}");
        }
        previous = Some(grades);

        // Preschool shares and gross enrolment ratio.
        let (mut public, mut inclusive, mut all) = (0usize, 0usize, 0usize);
        for (_, e) in changes
            .students
            .iter()
            .filter(|(_, e)| e.stage == Stage::Preschool)
        {
            all += 1;
            if let Some(s) = schools.get(e.school.as_str()) {
                if s.ownership == Ownership::Public {
                    public += 1;
                } else if s.inclusive {
                    inclusive += 1;
                }
            }
        }
        let population_3_5: u32 = changes
            .population
            .iter()
            .filter(|p| (3..=5).contains(&p.age))
            .map(|p| p.children)
            .sum();
        println!(
            "preschool: public {:.1} %, public+inclusive {:.1} %, gross enrolment {:.1} %",
            pct(public, all),
            pct(public + inclusive, all),
            pct(all, population_3_5 as usize)
        );
        let rated = changes
            .schools
            .iter()
            .filter(|s| s.serves(Stage::Preschool))
            .filter(|s| {
                matches!(
                    s.quality_rating,
                    registry::QualityRating::Province | registry::QualityRating::City
                )
            })
            .count();
        let kindergartens = changes
            .schools
            .iter()
            .filter(|s| s.serves(Stage::Preschool))
            .count();
        println!(
            "kindergartens rated 省级/市级: {:.1} %",
            pct(rated, kindergartens)
        );

        // Migrants by county, boarders by stage.
        let mut migrants: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let mut boarders: BTreeMap<Stage, (usize, usize)> = BTreeMap::new();
        for (_, e) in &changes.students {
            if let Some(s) = schools.get(e.school.as_str()) {
                let m = migrants.entry(s.county.as_str()).or_default();
                m.0 += usize::from(e.migrant_child);
                m.1 += 1;
            }
            let b = boarders.entry(e.stage).or_default();
            b.0 += usize::from(e.boarder);
            b.1 += 1;
        }
        let line: Vec<String> = migrants
            .iter()
            .map(|(c, (m, n))| {
                format!(
                    "{} {:.1}",
                    counties.get(*c).map(String::as_str).unwrap_or(c),
                    pct(*m, *n)
                )
            })
            .collect();
        println!("migrant %: {}", line.join(", "));
        let line: Vec<String> = boarders
            .iter()
            .map(|(s, (b, n))| format!("{} {:.1}", s.label_zh(), pct(*b, *n)))
            .collect();
        println!("boarders %: {}", line.join(", "));

        // Myopia by grade.
        let mut myopia: BTreeMap<i8, (usize, usize, usize)> = BTreeMap::new();
        for (_, e) in &changes.students {
            let m = myopia.entry(e.grade.0).or_default();
            m.2 += 1;
            if let Some(myopic) = e.myopic {
                m.1 += 1;
                m.0 += usize::from(myopic);
            }
        }
        let line: Vec<String> = myopia
            .iter()
            .map(|(g, (m, s, _))| format!("{g}:{:.0}", pct(*m, *s)))
            .collect();
        println!("myopia % by grade: {}", line.join(" "));

        // Large classes by location (primary and junior).
        let mut large: BTreeMap<Location, (usize, usize, usize)> = BTreeMap::new();
        for c in changes
            .classes
            .iter()
            .filter(|c| matches!(c.stage, Stage::Primary | Stage::Junior))
        {
            if let Some(s) = schools.get(c.school.as_str()) {
                let l = large.entry(s.location).or_default();
                l.0 += usize::from(c.size >= 56);
                l.1 += usize::from(c.size >= 66);
                l.2 += 1;
            }
        }
        let line: Vec<String> = large
            .iter()
            .map(|(l, (a, b, n))| format!("{} {a} ({:.1} %) / {b} of {n}", l.label_zh(), pct(*a, *n)))
            .collect();
        println!("大班额/超大班额: {}", line.join("; "));

        // Teachers.
        let mut students_by_stage: BTreeMap<Stage, usize> = BTreeMap::new();
        for (_, e) in &changes.students {
            *students_by_stage.entry(e.stage).or_default() += 1;
        }
        let mut teachers_by_stage: BTreeMap<Stage, usize> = BTreeMap::new();
        let mut eligible = 0usize;
        let mut subjects: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, p) in &changes.teachers {
            *teachers_by_stage.entry(p.stage).or_default() += 1;
            eligible += usize::from(p.years_at_school() >= 6);
            *subjects.entry(p.subject.label_zh()).or_default() += 1;
        }
        let line: Vec<String> = teachers_by_stage
            .iter()
            .map(|(s, t)| {
                format!(
                    "{} {:.1}",
                    s.label_zh(),
                    *students_by_stage.get(s).unwrap_or(&0) as f64 / *t as f64
                )
            })
            .collect();
        println!(
            "teachers {}: ratio {}; 6+ years at school {:.1} %",
            changes.teachers.len(),
            line.join(", "),
            pct(eligible, changes.teachers.len())
        );
        if year == SchoolYear(2024) {
            println!("subjects: {subjects:?}");
            let key = changes
                .teachers
                .iter()
                .filter(|(_, p)| p.key_teacher_level.is_county_or_above())
                .count();
            println!(
                "key teachers (county or above): {:.1} %",
                pct(key, changes.teachers.len())
            );
            let mut titles: BTreeMap<&str, usize> = BTreeMap::new();
            let mut qualifications: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, p) in &changes.teachers {
                *titles.entry(p.title.label_zh()).or_default() += 1;
                *qualifications.entry(p.qualification.label_zh()).or_default() += 1;
            }
            println!("titles: {titles:?}\nqualifications: {qualifications:?}");
            let ages: Vec<u16> = changes
                .teachers
                .iter()
                .map(|(t, _)| 2024 - t.birth_year)
                .collect();
            let mut hist = BTreeMap::new();
            for a in ages {
                *hist.entry(a / 5 * 5).or_insert(0usize) += 1;
            }
            println!("teacher ages (5-year bands): {hist:?}");
            balance(&changes, &counties);
            let names: std::collections::HashSet<&str> =
                changes.schools.iter().map(|s| s.name.as_str()).collect();
            println!(
                "distinct school names: {} of {}",
                names.len(),
                changes.schools.len()
            );
            let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
            for school in &changes.schools {
                let stages: Vec<&str> = school.stages.iter().map(|s| s.label_zh()).collect();
                *kinds.entry(stages.join("+")).or_default() += 1;
            }
            println!("schools by stages: {kinds:?}");
            for s in changes.schools.iter().step_by(changes.schools.len() / 25 + 1) {
                println!(
                    "  {} {} {} {:?} {} {:?} {:?} seats {:?} group {:?}",
                    s.code,
                    s.name,
                    s.location.label_zh(),
                    s.stages,
                    s.ownership.label_zh(),
                    s.inclusive,
                    s.quality_rating,
                    s.seats,
                    s.school_group
                );
            }
            for (student, e) in changes.students.iter().step_by(changes.students.len() / 8 + 1) {
                println!(
                    "  {} {} {:?} {} {} {} {:?} {:?} {:?}",
                    student.id_number.as_str(),
                    student.name,
                    student.sex,
                    student.birth_date,
                    student.household_area,
                    e.grade.label_zh(),
                    e.class_name,
                    e.visual_acuity,
                    e.migrant_child
                );
            }
        }
    }
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 * 100.0 / b as f64
    }
}

/// 优质均衡 per county: schools (primary and junior) meeting the four facility
/// thresholds, and the coefficient of variation of floor area per student.
fn balance(changes: &registry::ChangeSet, counties: &HashMap<String, String>) {
    let mut enrolled: HashMap<(&str, Stage), usize> = HashMap::new();
    for (_, e) in &changes.students {
        *enrolled.entry((e.school.as_str(), e.stage)).or_default() += 1;
    }
    let facilities: HashMap<&str, &registry::SchoolFacility> = changes
        .facilities
        .iter()
        .map(|f| (f.school.as_str(), f))
        .collect();
    for (stage, thresholds) in [
        (Stage::Primary, [4.5, 7.5, 2000.0, 2.3]),
        (Stage::Junior, [5.8, 10.2, 2500.0, 2.4]),
    ] {
        println!("优质均衡 facilities, {} (share of schools meeting floor/sports/equipment/multimedia; CV floor, sports):", stage.label_zh());
        let mut by_county: BTreeMap<&str, Vec<[f64; 4]>> = BTreeMap::new();
        for s in changes.schools.iter().filter(|s| s.stages == vec![stage]) {
            let (Some(f), Some(n)) = (
                facilities.get(s.code.as_str()),
                enrolled.get(&(s.code.as_str(), stage)),
            ) else {
                continue;
            };
            let n = *n as f64;
            by_county.entry(s.county.as_str()).or_default().push([
                f.teaching_floor_area / n,
                f.sports_ground_area / n,
                f.equipment_value / n,
                f64::from(f.multimedia_classrooms) * 100.0 / n,
            ]);
        }
        for (county, rows) in by_county {
            let share = |i: usize| pct(rows.iter().filter(|r| r[i] >= thresholds[i]).count(), rows.len());
            let cv = |i: usize| {
                let mean = rows.iter().map(|r| r[i]).sum::<f64>() / rows.len() as f64;
                let var = rows.iter().map(|r| (r[i] - mean).powi(2)).sum::<f64>() / rows.len() as f64;
                var.sqrt() / mean
            };
            println!(
                "  {:<8} n={:<4} {:>5.0} {:>5.0} {:>5.0} {:>5.0}  CV {:.2} {:.2}",
                counties.get(county).map(String::as_str).unwrap_or(county),
                rows.len(),
                share(0),
                share(1),
                share(2),
                share(3),
                cv(0),
                cv(1)
            );
        }
    }
}
