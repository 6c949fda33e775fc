//! Files in and out: the Excel and CSV files bureaus keep, read into the
//! registry and written back out.
//!
//! One module per [`Entity`] (`entities/`), with its columns as an enum,
//! drives all three directions, so a template, an import and an export never
//! disagree:
//!
//! - [`write_template`]: an empty `.xlsx` with notes, drop-downs and a 填写说明 sheet;
//! - [`import`]: `.xlsx` (every sheet that is a known table) or `.csv` (UTF-8
//!   or GBK) → every row validated, all errors collected ([`RowError`]) →
//!   written in one transaction only when clean;
//! - [`export`]: the store → the template's columns, personal data masked
//!   unless asked otherwise.
//!
//! The plan files of `crates/plans` are read and written here too:
//! [`read_work_plan`] / [`work_plan_workbook`] (任务分解表), [`read_projects`]
//! / [`projects_workbook`] (项目台账) and [`ledger_workbook`] (督办台账).
//!
//! Identity numbers never appear in full in an error, a report or a masked
//! export (`registry::mask`).

pub mod admission_workbook;
mod cells;
mod entities;
mod entity;
mod errors;
mod export;
pub mod forecast_workbook;
mod import;
mod indicator_workbook;
mod ledger;
mod limits;
mod prepare;
mod projects;
mod read;
mod tables;
mod template;
mod validate;
mod work_plan;

pub use admission_workbook::{
    read_admission_inputs, write_admission_comparison_xlsx, write_admission_inputs_xlsx,
    write_admission_result_xlsx, AdmissionRead,
};
pub use cells::csv_safe;
pub use entity::{Column, Entity, Field, FieldSpec, Kind, MissingColumn};
pub use errors::{errors_text, write_errors, ImportError, RowError};
pub use export::{export, Format, PersonalData};
pub use forecast_workbook::write_forecast_xlsx;
pub use import::{
    import, ImportOptions, ImportOutcome, ImportProgress, Phase, TableSummary, TransferLimits, WriteScope,
    UPDATE_CLASS_SIZES_LABEL,
};
pub use indicator_workbook::{indicator_workbook, schools_workbook, ClassLine};
pub use ledger::ledger_workbook;
pub use limits::{ReadLimits, LIMIT_VARIABLES};
pub use projects::{projects_workbook, read_projects, ProjectContext, ProjectsRead};
pub use read::{read_rows, with_read_limits};
pub use template::{write_template, INSTRUCTIONS_SHEET};
pub use validate::TransferNotice;
pub use work_plan::{
    plan_spec, read_work_plan, work_plan_workbook, Absent, PlanContext, PlanRead, DEFAULT_SECTION,
};
