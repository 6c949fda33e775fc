//! Storage behind one trait per domain, implemented by each backend.
//!
//! Only this crate writes SQL. A caller opens a store with [`open`] (a file
//! path → SQLite, the embedded default; `postgres://…` → PostgreSQL) and
//! gets a `Box<dyn Store>`; it calls the store through the domain traits
//! ([`RegistryWrite`], [`RegistryRead`], [`Snapshots`], [`AccountStore`],
//! [`PlanStore`], [`Maintenance`]) and never names a backend. Each backend lives in its
//! own module (`sqlite/`, `postgres/`) with its own migrations
//! (`migrations/sqlite/`, `migrations/postgres/`), and both run the same
//! contract suite (`tests/contract/`).
//!
//! Writes go through [`RegistryWrite::apply`]: one [`ChangeSet`], one
//! transaction, all or nothing, upserting by natural key (school code,
//! identity number, class name), so a corrected file can be imported again.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use chrono::{DateTime, Utc};

pub use registry::ChangeSet;
use registry::{
    Area, AreaCode, Births, Class, ClassKey, Enrolment, IdNumber, Population, School, SchoolCode,
    SchoolFacility, SchoolYear, Stage, Student, Teacher, TeachingPost,
};

pub mod accounts;
pub mod admission;
mod applying;
mod assembly;
pub mod audit;
mod boxed;
mod decision;
pub mod forecast;
pub mod plans;
mod postgres;
pub mod search;
mod sqlite;
mod summary;

pub use accounts::AccountStore;
pub use admission::{AdmissionInputsId, AdmissionRunId, AdmissionStore};
pub use audit::{AuditAction, AuditLine};
pub use forecast::{ForecastRunId, ForecastRunSummary, ForecastStore};
pub use plans::PlanStore;
pub use search::StudentSearch;

/// Errors of every backend, in the user's language. Backend errors are kept
/// as their message only, so no caller depends on a driver's types.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库错误：{0}")]
    Backend(String),
    /// Another connection held a lock past the wait: the same request can
    /// succeed later, so the web answers 503 with `Retry-After` rather than 500.
    #[error("数据库正忙：{0}")]
    Busy(String),
    #[error("无法连接数据库 {url}：{message}")]
    Connect { url: String, message: String },
    #[error("数据库版本 {found} 比本程序支持的 {supported} 新，请升级 edugov")]
    TooNew { found: i64, supported: i64 },
    /// A record names a school or class the database does not hold; the
    /// importer checks references first, so this means a caller skipped it.
    #[error("引用的对象不存在：{0}")]
    UnknownReference(String),
    #[error("数据库中的数据无法读取：{0}")]
    Corrupt(String),
    /// A row with this unique key exists already (e.g. a username).
    #[error("{0}已存在")]
    Duplicate(String),
    /// Someone changed the same thing first (a task's history moved on, a
    /// report was already decided, a project's 投入使用 date is fixed): the
    /// caller reads again and decides on the fresh state.
    #[error("{0}")]
    Conflict(String),
    /// An evidence document over [`plans::report::MAX_DOCUMENT_BYTES`]:
    /// refused before anything is written.
    #[error("佐证材料“{name}”有 {size} 字节，超过上限 20 MB，请压缩或拆分后再上传")]
    DocumentTooLarge { name: String, size: u64 },
    /// Backup or restore could not run (a missing `pg_dump`, an unwritable file).
    #[error("备份失败：{0}")]
    Backup(String),
    /// A forecast run that may not be stored (no label, a body over
    /// [`forecast::MAX_RUN_BYTES`]): refused before anything is written.
    #[error("学位预测记录无法保存：{0}")]
    InvalidForecastRun(String),
    /// Admission inputs, a run or a sign-off that may not be stored (a label
    /// empty or too long, a body over [`admission::MAX_BODY_BYTES`], a run
    /// that does not fit its inputs): refused before anything is written.
    #[error("录取数据无法保存：{0}")]
    InvalidAdmission(String),
}

impl StoreError {
    /// Whether the database was busy: see [`StoreError::Busy`].
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy(_))
    }
}

/// Where a store lives, as `--db` / `EDUGOV_DB` say it: `postgres://…` or
/// `postgresql://…` is a PostgreSQL database, anything else a SQLite file.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(text: &str) -> DatabaseUrl {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            DatabaseUrl::Postgres(text.to_owned())
        } else {
            DatabaseUrl::Sqlite(PathBuf::from(text))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Shown in messages and logs: a PostgreSQL URL without its password.
impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "{}", path.display()),
            DatabaseUrl::Postgres(url) => f.write_str(&postgres::redacted(url)),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// Opens (creating a SQLite file if needed) the database and brings its
/// schema up to date.
pub fn open(url: &DatabaseUrl) -> Result<Box<dyn Store>> {
    Ok(match url {
        DatabaseUrl::Sqlite(path) => Box::new(sqlite::SqliteStore::open(path)?),
        DatabaseUrl::Postgres(url) => Box::new(postgres::PgStore::open(url)?),
    })
}

/// A private in-memory SQLite database, for tests.
pub fn open_in_memory() -> Result<Box<dyn Store>> {
    Ok(Box::new(sqlite::SqliteStore::open_in_memory()?))
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, Default)]
pub struct ApplyOptions<'a> {
    /// Validate everything, including checks that need the stored data, then
    /// roll back.
    pub dry_run: bool,
    /// Compare each touched class's declared size with the students enrolled
    /// in it after the change; any difference rejects the whole change.
    pub check_class_sizes: bool,
    /// With `check_class_sizes`: instead of rejecting the change, set each
    /// differing class's declared size (班额) to the students listed in it,
    /// in the same transaction, and list those classes in
    /// [`ApplyCounts::resized_classes`] (and in the audit line). The option
    /// an officer ticks to add one pupil to a class with one students file
    /// (issue 11, point 7).
    pub update_class_sizes: bool,
    /// An audit line written in the change's own transaction: it exists if
    /// and only if the change committed (a rejected change, a failure and a
    /// dry run, which rolls back, leave none).
    pub audit: Option<AuditLine<'a>>,
    /// Marks the registry as holding the synthetic demo city
    /// ([`Store::holds_demo_city`]), in the change's own transaction: the
    /// demo writes it with its last school year, so the mark exists if and
    /// only if the whole city was written.
    pub mark_demo: bool,
}

/// A class whose declared size differs from the students listed in it —
/// with [`ApplyOptions::update_class_sizes`], a class whose size went from
/// `declared` to `listed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassSizeMismatch {
    pub class: ClassKey,
    pub declared: u32,
    pub listed: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyCounts {
    pub schools: u64,
    pub facilities: u64,
    pub classes: u64,
    pub students: u64,
    pub teachers: u64,
    pub population: u64,
    pub births: u64,
    /// Classes whose 班额 followed their listed students
    /// ([`ApplyOptions::update_class_sizes`]): old size `declared`, new
    /// size `listed`, sorted by class.
    pub resized_classes: Vec<ClassSizeMismatch>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyOutcome {
    /// Written and committed (or, with `dry_run`, valid and rolled back).
    Committed(ApplyCounts),
    /// Rolled back: nothing was changed.
    Rejected(Vec<ClassSizeMismatch>),
}

/// What validation needs to know about stored data, loaded once per import.
#[derive(Debug, Default, Clone)]
pub struct Lookup {
    /// Every known area code (province to village).
    pub areas: HashSet<String>,
    pub schools: HashMap<SchoolCode, SchoolInfo>,
    pub classes: HashSet<ClassKey>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolInfo {
    pub county: AreaCode,
    pub stages: Vec<Stage>,
}

/// Counts for one county and stage in one school year.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SummaryRow {
    pub county: String,
    pub county_name: String,
    pub stage: Option<Stage>,
    pub schools: u64,
    pub classes: u64,
    pub students: u64,
    pub teachers: u64,
}

pub use registry::transfer::PersonKind;

pub use registry::transfer::{Placement, TransferStatus};

/// The row a transfer request carries: what the importing officer asked to
/// write, as the importer parsed it.
#[derive(Debug, Clone, PartialEq)]
pub enum TransferRow {
    Student(Student, Enrolment),
    Teacher(Teacher, TeachingPost),
}

impl TransferRow {
    pub fn kind(&self) -> PersonKind {
        match self {
            TransferRow::Student(..) => PersonKind::Student,
            TransferRow::Teacher(..) => PersonKind::Teacher,
        }
    }

    pub fn id_number(&self) -> &IdNumber {
        match self {
            TransferRow::Student(s, _) => &s.id_number,
            TransferRow::Teacher(t, _) => &t.id_number,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            TransferRow::Student(s, _) => &s.name,
            TransferRow::Teacher(t, _) => &t.name,
        }
    }

    pub fn school_year(&self) -> SchoolYear {
        match self {
            TransferRow::Student(_, e) => e.school_year,
            TransferRow::Teacher(_, p) => p.school_year,
        }
    }

    /// The receiving school.
    pub fn school(&self) -> &SchoolCode {
        match self {
            TransferRow::Student(_, e) => &e.school,
            TransferRow::Teacher(_, p) => &p.school,
        }
    }

    /// The row as a change set of one person, as the city would import it.
    pub fn to_changes(&self) -> ChangeSet {
        let mut changes = ChangeSet::default();
        match self {
            TransferRow::Student(s, e) => changes.students.push((s.clone(), e.clone())),
            TransferRow::Teacher(t, p) => changes.teachers.push((t.clone(), p.clone())),
        }
        changes
    }
}

/// A transfer request as an officer's import files it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTransfer {
    pub row: TransferRow,
    /// The county of the receiving school.
    pub to_county: AreaCode,
    /// The person's latest placement: the releasing side.
    pub from: Placement,
    pub from_county: AreaCode,
    /// File and row it came from (never personal data).
    pub source: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
}

/// A stored transfer request.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferRequest {
    pub id: i64,
    pub request: NewTransfer,
    pub status: TransferStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was refused.
    pub reason: Option<String>,
}

/// Which transfer requests to list: those whose releasing or receiving side
/// lies in `county` (or is `school`), newest first.
#[derive(Debug, Clone, Default)]
pub struct TransferQuery {
    pub county: Option<AreaCode>,
    pub school: Option<SchoolCode>,
    pub status: Option<TransferStatus>,
    pub limit: u32,
}

/// The releasing side's answer to a transfer request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferDecision {
    /// Write the row: the person moves and their record changes.
    Approve,
    /// Write nothing; the reason is shown to both sides.
    Refuse { reason: String },
}

/// What became of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecideOutcome {
    Decided,
    /// Decided already (by someone else, or twice by the same form).
    NotPending,
    /// The person's latest placement is no longer the one the request was
    /// filed against (another move was approved meanwhile): refuse it, and
    /// the receiving side may import the row again.
    Stale,
}

/// Called with (rows done, rows in all) while a long write runs.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// Registry writes: change sets, transfer decisions, clearing. Every method
/// is one transaction, all or nothing.
pub trait RegistryWrite {
    /// Writes a change set in one transaction; see [`ApplyOptions`].
    fn apply(
        &mut self,
        changes: &ChangeSet,
        options: ApplyOptions<'_>,
        progress: Progress<'_>,
    ) -> Result<ApplyOutcome>;

    /// Writes a change set like [`RegistryWrite::apply`] and, in the same
    /// transaction, files `transfers` (rows the import turned into
    /// requests) — all or nothing.
    fn apply_with_transfers(
        &mut self,
        changes: &ChangeSet,
        options: ApplyOptions,
        transfers: &[NewTransfer],
        progress: Progress<'_>,
    ) -> Result<ApplyOutcome>;

    /// Removes every registry row (not areas), and the demo mark with them
    /// — used before generating a demo city.
    fn clear_registry(&mut self) -> Result<()>;

    /// Approves or refuses a pending request, in one transaction with its
    /// audit line: an approval writes the row as the city would import it
    /// (the person moves, their shared record takes the row's values) and
    /// keeps the two classes' declared sizes in step with their pupils where
    /// they agreed before. The caller has checked the actor may decide.
    fn decide_transfer(
        &mut self,
        id: i64,
        decision: &TransferDecision,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<DecideOutcome>;

    /// Writes a transfer request as it was stored elsewhere (status,
    /// decision and all), for `edugov copy`; returns its new id.
    fn restore_transfer(&mut self, request: &TransferRequest) -> Result<i64>;
}

/// Registry reads: areas, schools, a year's records, school pages, transfer
/// requests and counts.
pub trait RegistryRead {
    /// Whether the registry holds the synthetic demo city (written with
    /// [`ApplyOptions::mark_demo`]). A real import into it leaves the mark:
    /// most of the data is still synthetic until the registry is cleared.
    /// Asked on every request of the web application: one cached statement.
    fn holds_demo_city(&self) -> Result<bool>;

    fn lookup(&self) -> Result<Lookup>;

    fn school_years(&self) -> Result<Vec<SchoolYear>>;

    fn area(&self, code: &str) -> Result<Option<Area>>;
    /// Direct children of an area, in code order.
    fn child_areas(&self, code: &str) -> Result<Vec<Area>>;

    fn schools(&self) -> Result<Vec<School>>;
    fn facilities(&self, year: SchoolYear) -> Result<Vec<SchoolFacility>>;
    fn classes(&self, year: SchoolYear) -> Result<Vec<Class>>;
    /// Streams a year's students with their enrolment, in school and class order.
    fn for_each_student(&self, year: SchoolYear, visit: &mut dyn FnMut(Student, Enrolment)) -> Result<()>;
    fn teachers(&self, year: SchoolYear) -> Result<Vec<(Teacher, TeachingPost)>>;
    fn population(&self, year: SchoolYear) -> Result<Vec<Population>>;
    fn births(&self) -> Result<Vec<Births>>;

    /// One school, by code.
    fn school(&self, code: &SchoolCode) -> Result<Option<School>>;

    /// A school's classes of a school year, by grade and name.
    fn school_classes(&self, school: &SchoolCode, year: SchoolYear) -> Result<Vec<Class>>;

    /// A school's teachers of a school year.
    fn school_teachers(&self, school: &SchoolCode, year: SchoolYear) -> Result<Vec<(Teacher, TeachingPost)>>;

    /// A page of a school's students of a school year, by grade, class and
    /// name. `search` is read by [`StudentSearch::parse`]: a leading grade
    /// (`二年级3班`, `二年级 3班`, `初一`) keeps that grade's students, of the
    /// class named after it; other text matches a class name or a name as
    /// masked (`张*明`: a search cannot reveal the hidden characters) — as
    /// text, never as SQL.
    fn school_students(
        &self,
        school: &SchoolCode,
        year: SchoolYear,
        search: Option<&str>,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<(Student, Enrolment)>>;

    /// How many of a school's students of a school year `search` matches
    /// (all of them without one): the pager's length.
    fn school_student_count(
        &self,
        school: &SchoolCode,
        year: SchoolYear,
        search: Option<&str>,
    ) -> Result<u64>;

    /// Each person's latest placement (the latest school year they are
    /// enrolled or posted in), `None` for a person not stored or never
    /// placed. An officer's import asks it to find the rows that are
    /// transfers (`registry::transfer`); the name is never asked, so no
    /// answer depends on it.
    fn latest_placements(&self, kind: PersonKind, people: &[&IdNumber]) -> Result<Vec<Option<Placement>>>;

    /// Each person's placement in the given school year, `None` where not
    /// placed that year (or not stored). An officer's row for a year in
    /// which a school outside its scope held the person is a transfer too,
    /// even if the officer holds the person now.
    fn placements_in_year(
        &self,
        kind: PersonKind,
        people: &[(SchoolYear, &IdNumber)],
    ) -> Result<Vec<Option<Placement>>>;

    /// Transfer requests, newest first, as `query` says.
    fn transfers(&self, query: &TransferQuery) -> Result<Vec<TransferRequest>>;

    /// One transfer request.
    fn transfer(&self, id: i64) -> Result<Option<TransferRequest>>;

    /// Pending requests filed by `username` (a bound on probing).
    fn pending_transfers_by(&self, username: &str) -> Result<u64>;

    /// Counts by county and stage (`stage: None` rows are county totals).
    fn summary(&self, year: SchoolYear) -> Result<Vec<SummaryRow>>;
}

/// Snapshots: one school year as the indicator engine reads it, cached and
/// kept fresh by revision.
pub trait Snapshots {
    /// One school year as compact rows, for the indicator engine.
    fn year_snapshot(&self, year: SchoolYear) -> Result<registry::snapshot::YearSnapshot>;

    /// A number that grows with every committed write to the registry: a
    /// server keeps computed indicators while it stays the same. Read from
    /// the database every time, so several servers on one database see each
    /// other's writes.
    fn registry_revision(&self) -> Result<i64>;
}

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// The tables `edugov copy` carries (both backends hold them under these
/// names), in an order that respects their
/// foreign keys, and whose rows it checks by count. Left out: the snapshot
/// cache (rebuilt on demand), sessions (everyone signs in again on the new
/// database) and failed logins (throttling starts afresh).
pub(crate) const COPIED_TABLES: &[&str] = &[
    "area",
    "school",
    "school_stage",
    "school_facility",
    "class",
    "student",
    "enrolment",
    "teacher",
    "teaching_post",
    "population",
    "births",
    "app_user",
    "transfer_request",
    "audit_log",
    "demo_marker",
    "work_plan",
    "task",
    "task_county",
    "evidence_document",
    "progress_report",
    "report_document",
    "task_event",
    "construction_project",
    "forecast_run",
    "admission_inputs",
    "admission_sign_off",
    "admission_run",
];

/// What is not a domain: which backend, the schema's version, the rows each
/// table holds (checked after `edugov copy`) and a backup.
pub trait Maintenance {
    fn backend(&self) -> Backend;

    /// The schema version this database is at (its last migration).
    fn schema_version(&self) -> Result<i64>;

    /// Rows per table, for every table `edugov copy` carries, by table name.
    fn row_counts(&self) -> Result<Vec<(String, u64)>>;

    /// A consistent copy of the whole database in `to`, taken while others
    /// read and write: SQLite's online backup (a database file), or
    /// PostgreSQL's `pg_dump` in its custom format (restored by
    /// `pg_restore`). See docs/deploy.md.
    fn backup(&mut self, to: &std::path::Path) -> Result<()>;
}

/// The whole store: every domain's trait, as one connection implements them.
/// Callers that need one domain take that trait; the web's pool and the
/// command line hold a `Box<dyn Store>` from [`open`].
pub trait Store:
    RegistryWrite
    + RegistryRead
    + Snapshots
    + AccountStore
    + PlanStore
    + ForecastStore
    + AdmissionStore
    + Maintenance
    + Send
{
}

impl<
        T: RegistryWrite
            + RegistryRead
            + Snapshots
            + AccountStore
            + PlanStore
            + ForecastStore
            + AdmissionStore
            + Maintenance
            + Send,
    > Store for T
{
}

/// The store's traits, for `use store::prelude::*`: a `dyn Store`'s methods
/// are called through them.
pub mod prelude {
    pub use crate::{
        AccountStore, AdmissionStore, ForecastStore, Maintenance, PlanStore, RegistryRead, RegistryWrite,
        Snapshots, Store,
    };
}
