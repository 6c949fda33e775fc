//! Work plans and supervision: a bureau's plan for a year (sections of
//! tasks, each with a measure), progress reports, supervision (督办) as an
//! append-only history, construction projects, and the status of every task
//! computed from the registry and the records — with its rule shown.
//!
//! - [`plan`]: `PlanSpec` / `Plan`, `TaskSpec` / `Task`, `Measure` (an
//!   indicator goal, a count of records, a milestone), ids.
//! - [`progress`]: open-sdg's progress ratio and the linear pace.
//! - [`status`]: a task's `Assessment` (progress, rule, deadline alert).
//! - [`supervision`]: events, the state they fold into, and [`supervision::decide`].
//! - [`report`]: progress reports and evidence documents.
//! - [`project`]: construction projects, 开工率 and 完工率.
//!
//! Pure: no I/O, no clock (today is passed in); storage is
//! `store::PlanStore`.

pub mod ledger;
pub mod plan;
pub mod progress;
pub mod project;
pub mod report;
pub mod status;
pub mod summary;
pub mod supervision;

pub use ledger::{Filter, Ledger, TaskRow};
pub use plan::{
    Assignment, CountGoal, Counted, DocumentId, EventId, IndicatorGoal, Measure, Plan, PlanHeader, PlanId,
    PlanSpec, ProjectId, ReportId, SectionSpec, Task, TaskId, TaskSource, TaskSpec,
};
pub use progress::{Better, Progress};
pub use project::{Project, ProjectKind, ProjectSpec, ProjectStatus, Rates};
pub use report::{Decision, DocumentInfo, DocumentKind, NewReport, ProgressReport, ReportStatus};
pub use status::{assess, Assessment, Inputs, Readings, Rule};
pub use supervision::{Colour, DeadlineAlert, Event, EventKind, NewEvent, State, Step};
