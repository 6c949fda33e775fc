//! A bureau's work plan (年度工作要点) for a year: sections of tasks, each
//! with its source, its units, the counties answerable for it, a deadline
//! and a measure.

use chrono::NaiveDate;
use registry::{AreaCode, Stage};
use serde::Serialize;

use crate::progress::Better;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id!(
    /// A stored plan.
    PlanId
);
id!(
    /// A stored task.
    TaskId
);
id!(
    /// A stored progress report.
    ReportId
);
id!(
    /// A stored construction project.
    ProjectId
);
id!(
    /// An entry of a task's history.
    EventId
);
id!(
    /// An uploaded evidence document.
    DocumentId
);

/// Where a task comes from (督办事项来源, anchors-planning.md A1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskSource {
    /// 年度重点工作
    AnnualPriority,
    /// 会议确定事项
    MeetingDecision,
    /// 领导批示
    LeaderInstruction,
    /// 上级文件
    HigherDocument,
    /// 重大项目
    MajorProject,
    /// 人大建议、政协提案
    Proposal,
}

impl TaskSource {
    pub const ALL: [TaskSource; 6] = [
        TaskSource::AnnualPriority,
        TaskSource::MeetingDecision,
        TaskSource::LeaderInstruction,
        TaskSource::HigherDocument,
        TaskSource::MajorProject,
        TaskSource::Proposal,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TaskSource::AnnualPriority => "annual_priority",
            TaskSource::MeetingDecision => "meeting_decision",
            TaskSource::LeaderInstruction => "leader_instruction",
            TaskSource::HigherDocument => "higher_document",
            TaskSource::MajorProject => "major_project",
            TaskSource::Proposal => "proposal",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            TaskSource::AnnualPriority => "年度重点工作",
            TaskSource::MeetingDecision => "会议确定事项",
            TaskSource::LeaderInstruction => "领导批示",
            TaskSource::HigherDocument => "上级文件",
            TaskSource::MajorProject => "重大项目",
            TaskSource::Proposal => "建议提案",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            TaskSource::AnnualPriority => "Annual priority",
            TaskSource::MeetingDecision => "Meeting decision",
            TaskSource::LeaderInstruction => "Leader's instruction",
            TaskSource::HigherDocument => "Higher-level document",
            TaskSource::MajorProject => "Major project",
            TaskSource::Proposal => "Deputies' proposal",
        }
    }

    /// The code or the Chinese label (also 人大建议 / 政协提案).
    pub fn parse(text: &str) -> Option<TaskSource> {
        let text = text.trim();
        match text {
            "人大建议" | "政协提案" | "提案建议" => return Some(TaskSource::Proposal),
            "领导批示交办" => return Some(TaskSource::LeaderInstruction),
            _ => {}
        }
        TaskSource::ALL
            .into_iter()
            .find(|s| s.code() == text || s.label_zh() == text)
    }
}

/// What is counted from records for a count task — never typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Counted {
    /// Construction projects started (开工) in the plan's year.
    ProjectsStarted { stage: Option<Stage> },
    /// Construction projects completed (完工) in the plan's year.
    ProjectsCompleted { stage: Option<Stage> },
    /// Seats (学位) of projects put into use in the plan's year.
    SeatsDelivered { stage: Option<Stage> },
    /// A count no record in edugov holds (家长学校 set up …): the value of
    /// the latest accepted progress report — the only typed number.
    Reported { unit: String },
}

impl Counted {
    pub fn code(&self) -> &'static str {
        match self {
            Counted::ProjectsStarted { .. } => "projects_started",
            Counted::ProjectsCompleted { .. } => "projects_completed",
            Counted::SeatsDelivered { .. } => "seats_delivered",
            Counted::Reported { .. } => "reported",
        }
    }

    pub fn stage(&self) -> Option<Stage> {
        match self {
            Counted::ProjectsStarted { stage }
            | Counted::ProjectsCompleted { stage }
            | Counted::SeatsDelivered { stage } => *stage,
            Counted::Reported { .. } => None,
        }
    }

    /// The unit a count is written with (所, 个, or the reported unit).
    pub fn unit(&self) -> &str {
        match self {
            Counted::ProjectsStarted { .. } | Counted::ProjectsCompleted { .. } => "所",
            Counted::SeatsDelivered { .. } => "个",
            Counted::Reported { unit } => unit,
        }
    }

    pub fn label_zh(&self) -> String {
        let stage = self.stage().map(|s| s.label_zh()).unwrap_or("");
        match self {
            Counted::ProjectsStarted { .. } => format!("{stage}建设项目开工数"),
            Counted::ProjectsCompleted { .. } => format!("{stage}建设项目完工数"),
            Counted::SeatsDelivered { .. } => format!("{stage}新增学位数"),
            Counted::Reported { unit } => format!("报送数（{unit}）"),
        }
    }

    /// Whether a progress report may carry a value for it.
    pub fn is_reported(&self) -> bool {
        matches!(self, Counted::Reported { .. })
    }
}

/// An indicator from the catalogue with a baseline, a target and a target
/// year. Years are the years of the statistics: year Y is the school year
/// that starts in Y's autumn (the 2025 statistics = 2025–2026 school year).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct IndicatorGoal {
    /// The catalogue code (`inclusive_coverage`).
    pub indicator: String,
    pub stage: Option<Stage>,
    pub baseline_year: i32,
    /// The baseline the plan states; `None` = the registry's value in the
    /// baseline year.
    pub baseline: Option<f64>,
    pub target: f64,
    pub target_year: i32,
    pub better: Better,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct CountGoal {
    pub counted: Counted,
    /// The city's whole target (68 kindergartens); counties' shares are in
    /// their assignments.
    pub target: f64,
}

/// How a task is measured: one of three kinds.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measure {
    Indicator(IndicatorGoal),
    Count(CountGoal),
    /// Done or not, with a document as evidence.
    Milestone,
}

impl Measure {
    pub fn code(&self) -> &'static str {
        match self {
            Measure::Indicator(_) => "indicator",
            Measure::Count(_) => "count",
            Measure::Milestone => "milestone",
        }
    }

    pub fn label_zh(&self) -> &'static str {
        match self {
            Measure::Indicator(_) => "指标",
            Measure::Count(_) => "计数",
            Measure::Milestone => "节点",
        }
    }

    /// Whether a report's value is the task's figure: only for what no
    /// record holds (减负 2025: a number is never typed twice).
    pub fn takes_reported_value(&self) -> bool {
        matches!(self, Measure::Count(CountGoal { counted, .. }) if counted.is_reported())
    }
}

/// A county answerable for a task, with its own share: its part of a count
/// (its kindergartens of the 68) — for an indicator, the county's own value
/// is judged against the task's target, and `share` is not used.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Assignment {
    pub county: AreaCode,
    pub share: Option<f64>,
}

/// One line of the plan as the bureau writes it (任务分解表 columns plus
/// the measure).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct TaskSpec {
    /// 序号, unique within the plan ("1", "2.3").
    pub seq: String,
    /// 目标与任务.
    pub text: String,
    pub source: TaskSource,
    /// 分管领导.
    pub leader: String,
    /// 牵头单位.
    pub lead_unit: String,
    /// 责任（协同）单位.
    pub co_units: Vec<String>,
    /// 完成时限.
    pub deadline: NaiveDate,
    pub measure: Measure,
    pub counties: Vec<Assignment>,
}

impl TaskSpec {
    pub fn assignment(&self, county: &AreaCode) -> Option<&Assignment> {
        self.counties.iter().find(|a| &a.county == county)
    }
}

/// A plan as written or imported: what `PlanStore::save_plan` takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSpec {
    /// The bureau's city (4-digit code).
    pub city: AreaCode,
    /// The calendar year the plan is for.
    pub year: i32,
    pub title: String,
    /// Sections in order, each with its tasks in order.
    pub sections: Vec<SectionSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionSpec {
    pub title: String,
    pub tasks: Vec<TaskSpec>,
}

impl PlanSpec {
    pub fn tasks(&self) -> impl Iterator<Item = (&str, &TaskSpec)> {
        self.sections
            .iter()
            .flat_map(|s| s.tasks.iter().map(move |t| (s.title.as_str(), t)))
    }
}

/// A stored plan's heading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanHeader {
    pub id: PlanId,
    pub city: AreaCode,
    pub year: i32,
    pub title: String,
}

/// A stored task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Task {
    pub id: TaskId,
    pub plan: PlanId,
    pub section: String,
    /// Order within the plan.
    pub position: u32,
    #[serde(flatten)]
    pub spec: TaskSpec,
}

/// A stored plan with its tasks in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub header: PlanHeader,
    pub tasks: Vec<Task>,
}

impl Plan {
    /// Section titles in order, each once.
    pub fn sections(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for t in &self.tasks {
            if out.last() != Some(&t.section.as_str()) && !out.contains(&t.section.as_str()) {
                out.push(&t.section);
            }
        }
        out
    }

    pub fn task(&self, id: TaskId) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id == id)
    }
}
