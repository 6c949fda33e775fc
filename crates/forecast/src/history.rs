//! What the registry observed, per county and school year — the only input
//! of the engine besides the scenario. The store aggregates it in SQL
//! (`store::ForecastStore::forecast_history`); [`History::from_snapshots`]
//! builds the same from year snapshots (tests, demo) and the contract tests
//! hold the two equal.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use registry::snapshot::{AreaRef, YearSnapshot};
use registry::{AreaCode, Births, SchoolCode, Stage};
use serde::{Deserialize, Serialize};

use crate::model::{grade_index, sector_index, stage_index, ByAge, ByGrade, AGES, FORECAST_STAGES, GRADES};

/// Observed history of a city: its counties and the construction pipeline.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct History {
    pub city: Option<AreaCode>,
    pub city_name: String,
    /// Counties in code order.
    pub counties: Vec<CountyHistory>,
    /// Construction projects whose seats are not yet counted in the last
    /// observed year's capacity ([`pipeline`]): the engine adds each from
    /// its `from_year`, in use or not.
    pub pipeline: Vec<PipelineProject>,
}

/// One county's observed years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountyHistory {
    pub code: AreaCode,
    pub name: String,
    /// Births by calendar year (registry `births`).
    pub births: BTreeMap<i32, f64>,
    /// The population register: children by age on 31 August of the school
    /// year's first calendar year (age 18 is 0 where the register stops at 17).
    pub population: BTreeMap<i32, ByAge>,
    /// Students by grade per school year, `[public, private]`.
    pub enrolment: BTreeMap<i32, [ByGrade; 2]>,
    /// Seats per forecast stage (`FORECAST_STAGES` order) per school year,
    /// `[public, private]`.
    pub seats: BTreeMap<i32, [[f64; 2]; 4]>,
    /// Classes per forecast stage per school year.
    pub classes: BTreeMap<i32, [f64; 4]>,
}

/// A construction project whose seats join a county's capacity from a
/// school year on (its `in_use` date, else its planned completion: seats in
/// use by 1 September count that school year, later ones the next).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineProject {
    pub code: String,
    pub name: String,
    pub county: AreaCode,
    pub stage: Stage,
    pub seats: u32,
    /// The first school year the seats are in use.
    pub from_year: i32,
    /// True once the project is in use on the history's day. Its seats are
    /// still not in the last observed year's capacity (those are left out
    /// of the pipeline, see [`pipeline`]): it is a school opened since.
    pub in_use: bool,
}

impl History {
    /// School years observed in every county's enrolment, ascending (a
    /// county with no enrolment at all — schools registered, none open yet —
    /// does not empty the list).
    pub fn years(&self) -> Vec<i32> {
        let mut observed = self.counties.iter().filter(|c| !c.enrolment.is_empty());
        let Some(first) = observed.next() else {
            return Vec::new();
        };
        let mut years: Vec<i32> = first.enrolment.keys().copied().collect();
        for county in observed {
            years.retain(|y| county.enrolment.contains_key(y));
        }
        years
    }

    /// The first and last observed school year.
    pub fn span(&self) -> Option<(i32, i32)> {
        let years = self.years();
        Some((*years.first()?, *years.last()?))
    }

    /// The history as it was known at the end of `base_year`: later school
    /// years and births after `base_year` dropped (the backtest's input).
    /// The pipeline stays: its projects join after the last observed year,
    /// so after any earlier base year too.
    pub fn truncated(&self, base_year: i32) -> History {
        let mut history = self.clone();
        for county in &mut history.counties {
            county.births.retain(|year, _| *year <= base_year);
            county.population.retain(|year, _| *year <= base_year);
            county.enrolment.retain(|year, _| *year <= base_year);
            county.seats.retain(|year, _| *year <= base_year);
            county.classes.retain(|year, _| *year <= base_year);
        }
        history
    }

    /// Builds the history from year snapshots (any order), the births table
    /// and the construction projects as of `as_of`.
    ///
    /// What is counted, per county (the school's county; the population's
    /// through its township's code) and school year:
    /// - enrolment: students of the four forecast stages by grade and by
    ///   their school's ownership (中职 and 特殊教育 are not forecast);
    /// - seats: a school's seats of a stage count in a year only when it
    ///   serves the stage and has students of that stage that year — the
    ///   registry keeps a school's seats without a year, so a closed
    ///   kindergarten or a school not yet open must not count;
    /// - classes per stage, the population register by age (0–18; older
    ///   rows ignored) and births by calendar year.
    ///
    /// A county gets enrolment, seats and classes entries for the years it
    /// has students of a forecast stage. Counties come in code order.
    pub fn from_snapshots(
        city: Option<AreaCode>,
        city_name: &str,
        counties: &[AreaRef],
        snapshots: &[YearSnapshot],
        births: &[Births],
        projects: &[plans::Project],
        as_of: chrono::NaiveDate,
    ) -> History {
        let mut history = History::empty(city, city_name, counties);
        let index: BTreeMap<AreaCode, usize> = history
            .counties
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        let mut last: Option<&YearSnapshot> = None;
        for snapshot in snapshots {
            let year = i32::from(snapshot.school_year.0);
            // One snapshot per school year; a repeated year counts once.
            if !seen.insert(year) {
                continue;
            }
            history.add_snapshot(snapshot, &index);
            if last.is_none_or(|l| l.school_year < snapshot.school_year) {
                last = Some(snapshot);
            }
        }
        for b in births {
            if let Some(&i) = index.get(&b.county) {
                *history.counties[i].births.entry(i32::from(b.year)).or_default() += f64::from(b.births);
            }
        }
        // The pipeline is judged against the last year every county observed.
        let last_year = history.years().last().copied();
        let operating = last
            .filter(|l| Some(i32::from(l.school_year.0)) == last_year)
            .map(operating_schools)
            .unwrap_or_default();
        history.pipeline = pipeline(&history.counties, projects, as_of, last_year, |school, stage| {
            operating.contains(&(school.clone(), stage))
        });
        history
    }

    /// A history with the given counties (deduplicated, in code order) and
    /// nothing observed yet: the store fills it from its aggregates.
    pub fn empty(city: Option<AreaCode>, city_name: &str, counties: &[AreaRef]) -> History {
        let mut list: Vec<CountyHistory> = counties
            .iter()
            .map(|c| CountyHistory {
                code: c.code.clone(),
                name: c.name.clone(),
                births: BTreeMap::new(),
                population: BTreeMap::new(),
                enrolment: BTreeMap::new(),
                seats: BTreeMap::new(),
                classes: BTreeMap::new(),
            })
            .collect();
        list.sort_by(|a, b| a.code.cmp(&b.code));
        list.dedup_by(|a, b| a.code == b.code);
        History {
            city,
            city_name: city_name.to_owned(),
            counties: list,
            pipeline: Vec::new(),
        }
    }

    fn add_snapshot(&mut self, snapshot: &YearSnapshot, index: &BTreeMap<AreaCode, usize>) {
        let year = i32::from(snapshot.school_year.0);
        let county_of = |i: u32| -> Option<usize> {
            let area = snapshot.counties.get(i as usize)?;
            index.get(&area.code).copied()
        };
        let school_county: Vec<Option<usize>> =
            snapshot.schools.iter().map(|s| county_of(s.county)).collect();
        let mut enrolment: BTreeMap<usize, [ByGrade; 2]> = BTreeMap::new();
        // Which schools have students of which forecast stage this year.
        let mut open = vec![[false; 4]; snapshot.schools.len()];
        for student in &snapshot.students {
            let Some(stage) = stage_index(student.stage) else {
                continue;
            };
            let Some(school) = snapshot.schools.get(student.school as usize) else {
                continue;
            };
            let Some(county) = school_county[student.school as usize] else {
                continue;
            };
            open[student.school as usize][stage] = true;
            let cell = enrolment.entry(county).or_insert([[0.0; GRADES]; 2]);
            cell[sector_index(school.ownership)][grade_index(student.grade.0)] += 1.0;
        }
        for (&county, grades) in &enrolment {
            let mut seats = [[0.0; 2]; 4];
            for (s, school) in snapshot.schools.iter().enumerate() {
                if school_county[s] != Some(county) {
                    continue;
                }
                for (stage_at, stage) in FORECAST_STAGES.iter().enumerate() {
                    if open[s][stage_at] && school.serves[stage.index()] {
                        seats[stage_at][sector_index(school.ownership)] +=
                            f64::from(school.seats[stage.index()]);
                    }
                }
            }
            let mut classes = [0.0; 4];
            for class in &snapshot.classes {
                let (Some(stage), Some(Some(c))) =
                    (stage_index(class.stage), school_county.get(class.school as usize))
                else {
                    continue;
                };
                if *c == county {
                    classes[stage] += 1.0;
                }
            }
            let target = &mut self.counties[county];
            target.enrolment.insert(year, *grades);
            target.seats.insert(year, seats);
            target.classes.insert(year, classes);
        }
        for row in &snapshot.population {
            let Some(township) = snapshot.townships.get(row.township as usize) else {
                continue;
            };
            let Some(&county) = township
                .code
                .ancestor(registry::AreaLevel::County)
                .and_then(|c| index.get(&c))
            else {
                continue;
            };
            let by_age = self.counties[county]
                .population
                .entry(year)
                .or_insert([0.0; AGES]);
            if let Some(cell) = by_age.get_mut(usize::from(row.age)) {
                *cell += f64::from(row.children);
            }
        }
    }
}

/// (school, stage) pairs with students of a forecast stage in a snapshot.
fn operating_schools(snapshot: &YearSnapshot) -> BTreeSet<(SchoolCode, Stage)> {
    snapshot
        .students
        .iter()
        .filter(|s| stage_index(s.stage).is_some())
        .filter_map(|s| {
            let school = snapshot.schools.get(s.school as usize)?;
            school.serves[s.stage.index()].then(|| (school.code.clone(), s.stage))
        })
        .collect()
}

/// The construction pipeline of `counties`: each project with seats of a
/// forecast stage and a date ([`PipelineProject::from_project`]), in a
/// listed county, whose seats are not already in `last_year`'s capacity —
/// by county, first year and code.
///
/// A project put into use has its seats added to its school's seats by the
/// store (`PlanStore::save_projects`), and those seats count in every year
/// its school is open. So a project in use is left out when it was in use
/// by an observed year (counted then, or its school has closed since), or
/// when its school has students of its stage in `last_year` (an extension
/// of an open school: its seats are in that year's capacity already). What
/// stays is a project not yet in use, or in use after `last_year` at a
/// school that had not opened by then: the engine adds each from its
/// `from_year`. `operating(school, stage)` tells whether a school had
/// students of a stage in `last_year`.
pub fn pipeline(
    counties: &[CountyHistory],
    projects: &[plans::Project],
    as_of: chrono::NaiveDate,
    last_year: Option<i32>,
    operating: impl Fn(&SchoolCode, Stage) -> bool,
) -> Vec<PipelineProject> {
    let mut out: Vec<PipelineProject> = projects
        .iter()
        .filter(|p| counties.iter().any(|c| c.code == p.spec.county))
        .filter_map(|p| {
            let entry = PipelineProject::from_project(p, as_of)?;
            let counted = p.spec.in_use.is_some()
                && last_year.is_some_and(|last| {
                    entry.from_year <= last
                        || p.spec.school.as_ref().is_some_and(|s| operating(s, entry.stage))
                });
            (!counted).then_some(entry)
        })
        .collect();
    out.sort_by(|a, b| (&a.county, a.from_year, &a.code).cmp(&(&b.county, b.from_year, &b.code)));
    out
}

/// The school year seats put in use on `day` first count in: on or before
/// 1 September of year Y → Y, after → Y + 1 (the school year's census day
/// is the start of term).
pub fn first_school_year(day: chrono::NaiveDate) -> i32 {
    let year = day.year();
    match chrono::NaiveDate::from_ymd_opt(year, 9, 1) {
        Some(first_of_september) if day <= first_of_september => year,
        _ => year + 1,
    }
}

impl PipelineProject {
    /// The pipeline entry of a project, or `None` for one without seats, of
    /// a stage the forecast does not cover (中职, 特殊教育), or without any
    /// date to put it in use. `from_year` comes from its 投入使用 date if
    /// set, else its actual completion, else its planned completion
    /// ([`first_school_year`]); `in_use` is whether it was put in use on or
    /// before `as_of`.
    pub fn from_project(project: &plans::Project, as_of: chrono::NaiveDate) -> Option<PipelineProject> {
        let spec = &project.spec;
        if spec.seats == 0 || stage_index(spec.stage).is_none() {
            return None;
        }
        let day = spec
            .in_use
            .or(spec.actual_completion)
            .or(spec.planned_completion)?;
        Some(PipelineProject {
            code: spec.code.clone(),
            name: spec.name.clone(),
            county: spec.county.clone(),
            stage: spec.stage,
            seats: spec.seats,
            from_year: first_school_year(day),
            in_use: spec.in_use.is_some_and(|d| d <= as_of),
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use registry::snapshot::{ClassRow, PopulationRow, SchoolRow, StudentRow, NONE, STAGES};
    use registry::{Grade, Location, Ownership, QualityRating, SchoolYear, Sex};

    use super::*;

    fn code(text: &str) -> AreaCode {
        AreaCode::parse(text).unwrap()
    }

    fn school(code_: &str, county: u32, ownership: Ownership, stage: Stage, seats: u32) -> SchoolRow {
        let mut serves = [false; STAGES];
        serves[stage.index()] = true;
        let mut by_stage = [0; STAGES];
        by_stage[stage.index()] = seats;
        SchoolRow {
            code: SchoolCode::parse(code_).unwrap(),
            name: format!("学校{code_}"),
            county,
            township: NONE,
            school_group: NONE,
            ownership,
            inclusive: false,
            quality_rating: QualityRating::Unrated,
            location: Location::Urban,
            serves,
            seats: by_stage,
            facility: None,
        }
    }

    fn students(school: u32, stage: Stage, grade: i8, n: usize) -> Vec<StudentRow> {
        vec![
            StudentRow {
                school,
                class: NONE,
                stage,
                grade: Grade(grade),
                sex: Sex::Female,
                migrant_child: false,
                boarder: false,
                myopic: None,
            };
            n
        ]
    }

    fn counties() -> Vec<AreaRef> {
        vec![
            AreaRef {
                code: code("370112"),
                name: "历城区".into(),
            },
            AreaRef {
                code: code("370102"),
                name: "历下区".into(),
            },
        ]
    }

    /// Two counties: 历下 (index 1 in the snapshot) with a public primary
    /// school, a private kindergarten and a kindergarten with no pupils
    /// (closed); 历城 (index 0) with a public primary school, which has no
    /// students in `open_in_licheng = false` years.
    fn snapshot(year: u16, lixia_grade1: usize, open_in_licheng: bool) -> YearSnapshot {
        let mut s = YearSnapshot {
            school_year: SchoolYear(year),
            city: Some(code("3701")),
            counties: counties(),
            townships: vec![
                AreaRef {
                    code: code("370102001"),
                    name: "解放路街道".into(),
                },
                AreaRef {
                    code: code("370112002"),
                    name: "洪家楼街道".into(),
                },
                AreaRef {
                    code: code("370199001"),
                    name: "别处".into(),
                },
            ],
            schools: vec![
                school("3701020001", 1, Ownership::Public, Stage::Primary, 900),
                school("3701020002", 1, Ownership::Private, Stage::Preschool, 300),
                school("3701020003", 1, Ownership::Public, Stage::Preschool, 200),
                school("3701120001", 0, Ownership::Public, Stage::Primary, 1200),
            ],
            ..YearSnapshot::default()
        };
        s.students.extend(students(0, Stage::Primary, 1, lixia_grade1));
        s.students.extend(students(0, Stage::Primary, 2, 5));
        s.students.extend(students(1, Stage::Preschool, -2, 7));
        // 特殊教育 is not forecast: not counted anywhere.
        s.students.extend(students(0, Stage::Special, 3, 4));
        if open_in_licheng {
            s.students.extend(students(3, Stage::Primary, 1, 11));
        }
        s.classes.push(ClassRow {
            school: 0,
            stage: Stage::Primary,
            grade: Grade(1),
            size: 40,
        });
        s.classes.push(ClassRow {
            school: 1,
            stage: Stage::Preschool,
            grade: Grade(-2),
            size: 7,
        });
        for (township, age, children) in [
            (0u32, 6u8, 100u32),
            (0, 17, 50),
            (0, 19, 999),
            (1, 6, 30),
            (2, 6, 77),
        ] {
            s.population.push(PopulationRow {
                township,
                age,
                children,
            });
        }
        s
    }

    fn project(
        code_: &str,
        school: Option<&str>,
        stage: Stage,
        seats: u32,
        in_use: Option<NaiveDate>,
    ) -> plans::Project {
        plans::Project {
            id: plans::ProjectId(1),
            spec: plans::ProjectSpec {
                code: code_.into(),
                name: format!("项目{code_}"),
                kind: plans::ProjectKind::New,
                school: school.map(|s| SchoolCode::parse(s).unwrap()),
                planned_school: None,
                site: None,
                county: code(&format!("3701{}", &school.unwrap_or("3701120000")[4..6])),
                stage,
                seats,
                floor_area: 0.0,
                investment: 0.0,
                planned_start: None,
                actual_start: None,
                planned_completion: NaiveDate::from_ymd_opt(2026, 8, 1),
                actual_completion: None,
                in_use,
            },
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn built(projects: &[plans::Project]) -> History {
        let births = vec![
            Births {
                year: 2020,
                county: code("370102"),
                births: 120,
            },
            Births {
                year: 2023,
                county: code("370112"),
                births: 80,
            },
            Births {
                year: 2023,
                county: code("370199"),
                births: 5,
            },
        ];
        // Any order; 历城's school opens in 2024 only.
        let snapshots = [snapshot(2024, 20, true), snapshot(2023, 18, false)];
        History::from_snapshots(
            Some(code("3701")),
            "济南市",
            &counties(),
            &snapshots,
            &births,
            projects,
            day(2025, 12, 1),
        )
    }

    #[test]
    fn counties_years_students_seats_and_population_are_aggregated() {
        let h = built(&[]);
        let codes: Vec<&str> = h.counties.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["370102", "370112"], "code order");
        let lixia = &h.counties[0];
        let public = &lixia.enrolment[&2024][0];
        let private = &lixia.enrolment[&2024][1];
        assert_eq!(public[grade_index(1)], 20.0);
        assert_eq!(public[grade_index(2)], 5.0);
        assert_eq!(public[grade_index(3)], 0.0, "special education left out");
        assert_eq!(private[grade_index(-2)], 7.0);
        assert_eq!(lixia.enrolment[&2023][0][grade_index(1)], 18.0);
        // The closed public kindergarten's 200 seats do not count.
        assert_eq!(
            lixia.seats[&2024],
            [[0.0, 300.0], [900.0, 0.0], [0.0; 2], [0.0; 2]]
        );
        assert_eq!(lixia.classes[&2024], [1.0, 1.0, 0.0, 0.0]);
        let mut ages = [0.0; AGES];
        ages[6] = 100.0;
        ages[17] = 50.0;
        assert_eq!(lixia.population[&2024], ages, "age 19 ignored, 18 left 0");
        assert_eq!(lixia.births, BTreeMap::from([(2020, 120.0)]));

        // 历城 had no students in 2023: no year entry, its seats not counted.
        let licheng = &h.counties[1];
        assert_eq!(licheng.enrolment.keys().copied().collect::<Vec<_>>(), [2024]);
        assert_eq!(licheng.seats[&2024][1], [1200.0, 0.0]);
        assert_eq!(
            licheng.population[&2023][6], 30.0,
            "population kept without enrolment"
        );
        // Years are those every county observed.
        assert_eq!(h.years(), [2024]);
        assert_eq!(h.span(), Some((2024, 2024)));
    }

    #[test]
    fn truncation_drops_later_years_and_births() {
        let h = built(&[]);
        let t = h.truncated(2023);
        assert_eq!(
            t.counties[0].enrolment.keys().copied().collect::<Vec<_>>(),
            [2023]
        );
        assert!(t.counties[0].seats.keys().all(|y| *y <= 2023));
        assert!(t.counties[1].enrolment.is_empty());
        assert_eq!(
            t.counties[1].births.len(),
            1,
            "births of the base year itself are known"
        );
        assert!(h.truncated(2022).counties[1].births.is_empty());
        assert_eq!(h.truncated(2022).counties[0].births.len(), 1);
        assert_eq!(
            t.years(),
            [2023],
            "a county without enrolment does not empty the years"
        );
    }

    #[test]
    fn seats_first_count_in_the_school_year_they_are_in_use_by_1_september() {
        assert_eq!(first_school_year(day(2025, 9, 1)), 2025);
        assert_eq!(first_school_year(day(2025, 9, 2)), 2026);
        assert_eq!(first_school_year(day(2025, 1, 15)), 2025);
        let p = project("P1", None, Stage::Primary, 500, None);
        let entry = PipelineProject::from_project(&p, day(2025, 1, 1)).unwrap();
        assert_eq!(
            (entry.from_year, entry.in_use),
            (2026, false),
            "planned completion 2026-08-01"
        );
        let mut later = p.clone();
        later.spec.actual_completion = Some(day(2026, 10, 8));
        assert_eq!(
            PipelineProject::from_project(&later, day(2025, 1, 1))
                .unwrap()
                .from_year,
            2027
        );
        later.spec.in_use = Some(day(2026, 8, 30));
        let entry = PipelineProject::from_project(&later, day(2026, 9, 1)).unwrap();
        assert_eq!((entry.from_year, entry.in_use), (2026, true), "in use date wins");
        assert!(PipelineProject::from_project(&later, day(2026, 8, 29)).is_some_and(|e| !e.in_use));
        assert!(PipelineProject::from_project(
            &project("V", None, Stage::Vocational, 500, None),
            day(2025, 1, 1)
        )
        .is_none());
        assert!(
            PipelineProject::from_project(&project("Z", None, Stage::Primary, 0, None), day(2025, 1, 1))
                .is_none()
        );
        let mut undated = p;
        undated.spec.planned_completion = None;
        assert!(PipelineProject::from_project(&undated, day(2025, 1, 1)).is_none());
    }

    #[test]
    fn the_pipeline_keeps_only_seats_not_in_the_last_years_capacity() {
        let projects = [
            // In use in 2023, an observed year: counted (or closed since).
            project(
                "A",
                Some("3701020001"),
                Stage::Primary,
                300,
                Some(day(2023, 8, 20)),
            ),
            // An extension of a school open in 2024, put in use in 2025: the
            // store added its seats to the school, counted in 2024 already.
            project(
                "B",
                Some("3701020001"),
                Stage::Primary,
                200,
                Some(day(2025, 8, 20)),
            ),
            // The closed kindergarten reopened by a project in 2025: not counted.
            project(
                "C",
                Some("3701020003"),
                Stage::Preschool,
                150,
                Some(day(2025, 8, 20)),
            ),
            // Not in use yet (planned 2026-08-01): kept.
            project("D", Some("3701120001"), Stage::Primary, 400, None),
            // Outside the city's counties: left out.
            project("E", Some("3701990001"), Stage::Primary, 400, None),
        ];
        let h = built(&projects);
        let kept: Vec<(&str, i32, bool)> = h
            .pipeline
            .iter()
            .map(|p| (p.code.as_str(), p.from_year, p.in_use))
            .collect();
        assert_eq!(kept, [("C", 2025, true), ("D", 2026, false)]);
        assert_eq!(h.pipeline[1].county.as_str(), "370112");
        assert_eq!(h.truncated(2023).pipeline, h.pipeline);
    }
}
