//! Construction projects (新建、改建、扩建): each with its school (or the
//! planned school and its site), county, stage, seats, floor area,
//! investment and its planned and actual dates. Status is derived from the
//! dates, never typed; 开工率 and 完工率 are counted from the projects
//! (glossary: `start_rate`, `completion_rate`).

use chrono::{Datelike, NaiveDate};
use registry::{AreaCode, SchoolCode, Stage};
use serde::Serialize;

use crate::plan::ProjectId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectKind {
    /// 新建
    New,
    /// 改建
    Rebuild,
    /// 扩建
    Expand,
}

impl ProjectKind {
    pub const ALL: [ProjectKind; 3] = [ProjectKind::New, ProjectKind::Rebuild, ProjectKind::Expand];

    pub fn code(self) -> &'static str {
        match self {
            ProjectKind::New => "new",
            ProjectKind::Rebuild => "rebuild",
            ProjectKind::Expand => "expand",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ProjectKind::New => "新建",
            ProjectKind::Rebuild => "改建",
            ProjectKind::Expand => "扩建",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ProjectKind::New => "New",
            ProjectKind::Rebuild => "Rebuild",
            ProjectKind::Expand => "Expansion",
        }
    }

    /// The code or the Chinese label (改扩建 counts as 扩建).
    pub fn parse(text: &str) -> Option<ProjectKind> {
        let text = text.trim();
        if text == "改扩建" {
            return Some(ProjectKind::Expand);
        }
        ProjectKind::ALL
            .into_iter()
            .find(|k| k.code() == text || k.label_zh() == text)
    }
}

/// A project as imported or written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectSpec {
    /// 项目编号: the natural key a re-import matches on.
    pub code: String,
    pub name: String,
    pub kind: ProjectKind,
    /// The school it builds or enlarges, once registered.
    pub school: Option<SchoolCode>,
    /// A planned school's name, before it has a 学校标识码.
    pub planned_school: Option<String>,
    /// 建设地点.
    pub site: Option<String>,
    pub county: AreaCode,
    pub stage: Stage,
    /// 新增学位.
    pub seats: u32,
    /// 建筑面积, m².
    pub floor_area: f64,
    /// 总投资, 万元.
    pub investment: f64,
    pub planned_start: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub planned_completion: Option<NaiveDate>,
    pub actual_completion: Option<NaiveDate>,
    /// 投入使用: the day its seats are added to the school's capacity.
    pub in_use: Option<NaiveDate>,
}

/// A stored project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    pub id: ProjectId,
    #[serde(flatten)]
    pub spec: ProjectSpec,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    /// 未开工
    NotStarted,
    /// 在建
    UnderConstruction,
    /// 已完工
    Completed,
    /// 已投用
    InUse,
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 4] = [
        ProjectStatus::NotStarted,
        ProjectStatus::UnderConstruction,
        ProjectStatus::Completed,
        ProjectStatus::InUse,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ProjectStatus::NotStarted => "not_started",
            ProjectStatus::UnderConstruction => "under_construction",
            ProjectStatus::Completed => "completed",
            ProjectStatus::InUse => "in_use",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ProjectStatus::NotStarted => "未开工",
            ProjectStatus::UnderConstruction => "在建",
            ProjectStatus::Completed => "已完工",
            ProjectStatus::InUse => "已投用",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ProjectStatus::NotStarted => "Not started",
            ProjectStatus::UnderConstruction => "Under construction",
            ProjectStatus::Completed => "Completed",
            ProjectStatus::InUse => "In use",
        }
    }
}

fn on_or_before(date: Option<NaiveDate>, day: NaiveDate) -> bool {
    date.is_some_and(|d| d <= day)
}

impl ProjectSpec {
    /// The status on `day`, from the dates.
    pub fn status(&self, day: NaiveDate) -> ProjectStatus {
        if on_or_before(self.in_use, day) {
            ProjectStatus::InUse
        } else if on_or_before(self.actual_completion, day) {
            ProjectStatus::Completed
        } else if on_or_before(self.actual_start, day) {
            ProjectStatus::UnderConstruction
        } else {
            ProjectStatus::NotStarted
        }
    }

    pub fn started_by(&self, day: NaiveDate) -> bool {
        on_or_before(self.actual_start, day)
    }

    pub fn completed_by(&self, day: NaiveDate) -> bool {
        on_or_before(self.actual_completion, day)
    }

    /// Whether a start was planned in `year` but has not happened by `day`
    /// although its planned date passed.
    pub fn start_late(&self, day: NaiveDate) -> bool {
        self.planned_start.is_some_and(|p| p < day) && !self.started_by(day)
    }

    pub fn completion_late(&self, day: NaiveDate) -> bool {
        self.planned_completion.is_some_and(|p| p < day) && !self.completed_by(day)
    }

    /// The dates must follow each other; seats and money are not negative.
    pub fn check(&self) -> Result<(), ProjectError> {
        if self.code.trim().is_empty() {
            return Err(ProjectError::NoCode);
        }
        if self.name.trim().is_empty() {
            return Err(ProjectError::NoName);
        }
        if self.school.is_none() && self.planned_school.as_deref().is_none_or(|s| s.trim().is_empty()) {
            return Err(ProjectError::NoSchool);
        }
        if !(self.floor_area.is_finite() && self.floor_area >= 0.0) {
            return Err(ProjectError::Negative("建筑面积"));
        }
        if !(self.investment.is_finite() && self.investment >= 0.0) {
            return Err(ProjectError::Negative("总投资"));
        }
        let pairs = [
            (
                self.planned_start,
                self.planned_completion,
                "计划开工日期",
                "计划竣工日期",
            ),
            (
                self.actual_start,
                self.actual_completion,
                "实际开工日期",
                "实际竣工日期",
            ),
            (
                self.actual_completion,
                self.in_use,
                "实际竣工日期",
                "投入使用日期",
            ),
        ];
        for (a, b, first, then) in pairs {
            if let (Some(a), Some(b)) = (a, b) {
                if b < a {
                    return Err(ProjectError::Order { first, then });
                }
            }
        }
        if self.actual_completion.is_some() && self.actual_start.is_none() {
            return Err(ProjectError::Missing {
                needs: "实际竣工日期",
                missing: "实际开工日期",
            });
        }
        if self.in_use.is_some() && self.actual_completion.is_none() {
            return Err(ProjectError::Missing {
                needs: "投入使用日期",
                missing: "实际竣工日期",
            });
        }
        if self.in_use.is_some() && self.school.is_none() {
            return Err(ProjectError::InUseWithoutSchool);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    #[error("缺少项目编号")]
    NoCode,
    #[error("缺少项目名称")]
    NoName,
    #[error("请填写学校标识码，或尚未建成学校的拟建学校名称")]
    NoSchool,
    #[error("{0}不能为负数")]
    Negative(&'static str),
    #[error("{then}不能早于{first}")]
    Order { first: &'static str, then: &'static str },
    #[error("填写了{needs}，须先有{missing}")]
    Missing {
        needs: &'static str,
        missing: &'static str,
    },
    #[error("投入使用的项目须填写学校标识码（新学校请先在学校名录中登记），其学位才能计入学校")]
    InUseWithoutSchool,
    #[error("项目已于 {0} 投入使用，投入使用日期不能再改")]
    InUseFixed(NaiveDate),
}

/// 开工率, 完工率 and seats delivered over a set of projects, for a year and
/// as of a day — the figures of the 青岛 half-year summary ("今年计划开工
/// 新建改扩建40所…有33所已开工建设，开工率达到82.5%").
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Rates {
    pub year: i32,
    pub as_of: NaiveDate,
    /// Projects whose planned start is in `year`.
    pub planned_starts: u32,
    /// Of those, started by `as_of`.
    pub started: u32,
    /// Projects whose planned completion is in `year`.
    pub planned_completions: u32,
    /// Of those, completed by `as_of`.
    pub completed: u32,
    /// Projects put into use in `year` by `as_of`, and their seats.
    pub put_in_use: u32,
    pub seats_delivered: u64,
    /// Investment of the projects planned to start or complete in `year`, 万元.
    pub investment: f64,
}

impl Rates {
    pub fn compute<'a>(
        projects: impl IntoIterator<Item = &'a ProjectSpec>,
        year: i32,
        as_of: NaiveDate,
    ) -> Rates {
        let mut r = Rates {
            year,
            as_of,
            ..Rates::default()
        };
        let in_year = |d: Option<NaiveDate>| d.is_some_and(|d| d.year() == year);
        for p in projects {
            let planned_start = in_year(p.planned_start);
            let planned_completion = in_year(p.planned_completion);
            if planned_start {
                r.planned_starts += 1;
                r.started += u32::from(p.started_by(as_of));
            }
            if planned_completion {
                r.planned_completions += 1;
                r.completed += u32::from(p.completed_by(as_of));
            }
            if planned_start || planned_completion {
                r.investment += p.investment;
            }
            if in_year(p.in_use) && on_or_before(p.in_use, as_of) {
                r.put_in_use += 1;
                r.seats_delivered += u64::from(p.seats);
            }
        }
        r
    }

    /// 开工率, per cent; `None` when nothing was planned to start.
    pub fn start_rate(&self) -> Option<f64> {
        (self.planned_starts > 0).then(|| f64::from(self.started) / f64::from(self.planned_starts) * 100.0)
    }

    /// 完工率, per cent; `None` when nothing was planned to complete.
    pub fn completion_rate(&self) -> Option<f64> {
        (self.planned_completions > 0)
            .then(|| f64::from(self.completed) / f64::from(self.planned_completions) * 100.0)
    }
}

/// A rate as a bureau writes it: one decimal, trailing zero dropped
/// (82.5%, 50%).
pub fn percent(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if (rounded - rounded.round()).abs() < 1e-9 {
        format!("{}%", rounded.round() as i64)
    } else {
        format!("{rounded:.1}%")
    }
}

/// Starts and completions by month of `year` (index 0 = January), for the
/// projects chart.
pub fn by_month<'a>(projects: impl IntoIterator<Item = &'a ProjectSpec>, year: i32) -> [(u32, u32); 12] {
    let mut months = [(0u32, 0u32); 12];
    for p in projects {
        if let Some(d) = p.actual_start.filter(|d| d.year() == year) {
            months[d.month0() as usize].0 += 1;
        }
        if let Some(d) = p.actual_completion.filter(|d| d.year() == year) {
            months[d.month0() as usize].1 += 1;
        }
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    pub(crate) fn project(i: u32) -> ProjectSpec {
        ProjectSpec {
            code: format!("P{i:03}"),
            name: format!("项目{i}"),
            kind: ProjectKind::New,
            school: None,
            planned_school: Some(format!("拟建学校{i}")),
            site: None,
            county: AreaCode::parse("370212").expect("county"),
            stage: Stage::Primary,
            seats: 1000,
            floor_area: 10_000.0,
            investment: 5_000.0,
            planned_start: None,
            actual_start: None,
            planned_completion: None,
            actual_completion: None,
            in_use: None,
        }
    }

    /// 青岛: 40 planned to start, 33 started; 50 planned to complete, 25 done.
    pub(crate) fn qingdao() -> Vec<ProjectSpec> {
        let mut out = Vec::new();
        for i in 0..40 {
            let mut p = project(i);
            p.planned_start = Some(d(2026, 3, 1));
            p.planned_completion = Some(d(2027, 8, 31));
            if i < 33 {
                p.actual_start = Some(d(2026, 3 + i % 4, 10));
            }
            out.push(p);
        }
        for i in 40..90 {
            let mut p = project(i);
            p.planned_start = Some(d(2025, 3, 1));
            p.actual_start = Some(d(2025, 4, 1));
            p.planned_completion = Some(d(2026, 8, 31));
            if i < 65 {
                p.actual_completion = Some(d(2026, 5, 20));
            }
            out.push(p);
        }
        out
    }

    #[test]
    fn qingdao_half_year_gives_start_rate_82_5_and_completion_rate_50() {
        let r = Rates::compute(&qingdao(), 2026, d(2026, 6, 30));
        assert_eq!((r.planned_starts, r.started), (40, 33));
        assert_eq!((r.planned_completions, r.completed), (50, 25));
        assert_eq!(percent(r.start_rate().expect("rate")), "82.5%");
        assert_eq!(percent(r.completion_rate().expect("rate")), "50%");
    }

    #[test]
    fn what_happens_after_the_day_is_not_counted() {
        let r = Rates::compute(&qingdao(), 2026, d(2026, 3, 31));
        // Started on 10 March only (i % 4 == 0 of the first 33): 9 projects.
        assert_eq!(r.started, 9);
        assert_eq!(r.completed, 0);
        assert_eq!(Rates::compute(&[], 2026, d(2026, 6, 30)).start_rate(), None);
    }

    #[test]
    fn status_follows_the_dates() {
        let mut p = project(1);
        let day = d(2026, 6, 30);
        assert_eq!(p.status(day), ProjectStatus::NotStarted);
        p.actual_start = Some(d(2026, 3, 1));
        assert_eq!(p.status(day), ProjectStatus::UnderConstruction);
        p.actual_completion = Some(d(2026, 6, 1));
        assert_eq!(p.status(day), ProjectStatus::Completed);
        p.in_use = Some(d(2026, 9, 1));
        assert_eq!(p.status(day), ProjectStatus::Completed);
        assert_eq!(p.status(d(2026, 9, 1)), ProjectStatus::InUse);
    }

    #[test]
    fn dates_out_of_order_and_use_without_a_school_are_refused() {
        let mut p = project(1);
        p.actual_start = Some(d(2026, 5, 1));
        p.actual_completion = Some(d(2026, 4, 1));
        assert!(matches!(p.check(), Err(ProjectError::Order { .. })));
        p.actual_completion = Some(d(2026, 6, 1));
        p.in_use = Some(d(2026, 9, 1));
        assert_eq!(p.check(), Err(ProjectError::InUseWithoutSchool));
        p.school = Some(SchoolCode::parse("3702120001").expect("code"));
        assert_eq!(p.check(), Ok(()));
        p.floor_area = f64::NAN;
        assert_eq!(p.check(), Err(ProjectError::Negative("建筑面积")));
    }

    #[test]
    fn percent_is_written_as_a_bureau_writes_it() {
        assert_eq!(percent(82.5), "82.5%");
        assert_eq!(percent(50.0), "50%");
        assert_eq!(percent(66.666), "66.7%");
        assert_eq!(percent(99.96), "100%");
    }

    #[test]
    fn months_count_starts_and_completions() {
        let months = by_month(&qingdao(), 2026);
        let starts: u32 = months.iter().map(|m| m.0).sum();
        let completions: u32 = months.iter().map(|m| m.1).sum();
        assert_eq!((starts, completions), (33, 25));
        assert_eq!(months[4].1, 25);
    }
}
