//! Counts of the generated city by school year and stage, computed from the
//! city's structure without building rows — for the CLI's report and for
//! checking the city's shape.

use std::fmt;

use registry::{SchoolYear, Stage};

use crate::classes::class_counts;
use crate::schools::{grades, STAGES};
use crate::DemoCity;

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub city: String,
    pub scale: f64,
    pub seed: u64,
    /// All schools (a 九年一贯制 or 完全中学 counts once here).
    pub schools: usize,
    pub years: Vec<YearSummary>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct YearSummary {
    pub school_year: SchoolYear,
    pub stages: Vec<StageSummary>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageSummary {
    pub stage: Stage,
    /// Schools serving the stage and open that year.
    pub schools: usize,
    pub classes: usize,
    /// Classes of 56 or more (大班额) and of 66 or more (超大班额).
    pub large_classes: usize,
    pub oversize_classes: usize,
    pub students: usize,
    pub teachers: usize,
}

impl YearSummary {
    pub fn students(&self) -> usize {
        self.stages.iter().map(|s| s.students).sum()
    }

    pub fn teachers(&self) -> usize {
        self.stages.iter().map(|s| s.teachers).sum()
    }

    pub fn classes(&self) -> usize {
        self.stages.iter().map(|s| s.classes).sum()
    }

    pub fn stage(&self, stage: Stage) -> Option<&StageSummary> {
        self.stages.iter().find(|s| s.stage == stage)
    }
}

impl Summary {
    pub fn year(&self, year: SchoolYear) -> Option<&YearSummary> {
        self.years.iter().find(|y| y.school_year == year)
    }
}

pub(crate) fn summarise(city: &DemoCity) -> Summary {
    let first = city.config.first_year.0;
    let mut years = Vec::new();
    for year in city.school_years() {
        let mut stages: Vec<StageSummary> = STAGES
            .iter()
            .map(|stage| StageSummary {
                stage: *stage,
                schools: 0,
                classes: 0,
                large_classes: 0,
                oversize_classes: 0,
                students: 0,
                teachers: 0,
            })
            .collect();
        for (index, plan) in city.plans.iter().enumerate() {
            for (slot, stage) in STAGES.iter().enumerate() {
                // Schools open that year (not yet opened or closed ones have no students).
                if !plan.kind.serves(*stage) || !plan.operating(i32::from(year.0)) {
                    continue;
                }
                let Some(summary) = stages.get_mut(slot) else {
                    continue;
                };
                summary.schools += 1;
                let Some(roster) = city.cohorts.roster(index, *stage, year.0) else {
                    continue;
                };
                for grade in grades(*stage) {
                    let n = roster.cohort(i32::from(year.0) - i32::from(grade) + 1).len();
                    let (classes, large, oversize) = class_counts(plan, *stage, grade, year.0, n);
                    summary.students += n;
                    summary.classes += classes;
                    // 大班额 is counted for primary and junior (and the 56 line for senior).
                    if *stage != Stage::Preschool {
                        summary.large_classes += large;
                        summary.oversize_classes += oversize;
                    }
                }
            }
        }
        if let Some(posts) = city.staff.posts.get(usize::from(year.0 - first)) {
            for post in posts {
                if let Some(summary) = stages.iter_mut().find(|s| s.stage == post.stage) {
                    summary.teachers += 1;
                }
            }
        }
        years.push(YearSummary {
            school_year: year,
            stages,
        });
    }
    Summary {
        city: city.places.city_name.clone(),
        scale: city.config.scale,
        seed: city.config.seed,
        schools: city.plans.len(),
        years,
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}（合成数据，非官方统计）规模 {}，种子 {}，学校 {} 所",
            self.city, self.scale, self.seed, self.schools
        )?;
        for year in &self.years {
            writeln!(
                f,
                "{}：学生 {}，教师 {}，班级 {}",
                year.school_year.label_zh(),
                year.students(),
                year.teachers(),
                year.classes()
            )?;
            for s in &year.stages {
                let ratio = if s.teachers > 0 {
                    s.students as f64 / s.teachers as f64
                } else {
                    0.0
                };
                writeln!(
                    f,
                    "  {}：学校 {}，班级 {}（大班额 {}，超大班额 {}），学生 {}，教师 {}，生师比 {:.1}",
                    s.stage.label_zh(),
                    s.schools,
                    s.classes,
                    s.large_classes,
                    s.oversize_classes,
                    s.students,
                    s.teachers,
                    ratio
                )?;
            }
        }
        Ok(())
    }
}
