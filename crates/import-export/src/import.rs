//! Import: read a file, validate every row, and — only if nothing is wrong —
//! write it all through one `Store::apply`, which is one transaction.
//!
//! A second thread parses the file into reused record batches while this
//! one validates, so that a city's students pass in seconds.

use std::path::Path;
use std::sync::mpsc;

use chrono::NaiveDate;
use registry::{AreaCode, SchoolCode};
use store::{ApplyCounts, ApplyOptions, ApplyOutcome, AuditAction, AuditLine, Store};

use crate::entity::Entity;
use crate::errors::{file_label, ImportError, RowError};
use crate::prepare::Preparer;
use crate::read::{self, Batch, Table};
use crate::validate::Validator;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Validate everything, including the checks that need the database,
    /// then write nothing.
    pub dry_run: bool,
    /// What the importing user may write (a county or school officer);
    /// `None` for the city. A row outside it is a row error, so nothing of
    /// the file is written.
    pub scope: Option<WriteScope>,
    /// Who imports. When given, a committed import writes its audit line
    /// (`import`, the file's name and its rows) in the store's own
    /// transaction, so the line exists if and only if the data was written
    /// (issue 10, point 10). A dry run writes none.
    pub audit_actor: Option<String>,
}

/// The part of the registry an officer may write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteScope {
    /// Schools of one county, and its townships' population and births.
    County(AreaCode),
    /// One school's rows, and the county it lies in (a school officer
    /// cannot move it); no population or births.
    School { school: SchoolCode, county: AreaCode },
}

impl WriteScope {
    pub fn allows_school(&self, school: &SchoolCode, county: &AreaCode) -> bool {
        match self {
            WriteScope::County(mine) => county == mine,
            WriteScope::School {
                school: mine,
                county: its,
            } => school == mine && county == its,
        }
    }

    pub fn allows_area(&self, area: &AreaCode) -> bool {
        match self {
            WriteScope::County(mine) => area.is_within(mine),
            WriteScope::School { .. } => false,
        }
    }

    pub(crate) fn refusal(&self, school: &SchoolCode) -> String {
        match self {
            WriteScope::County(mine) => format!("学校 {school} 不在您负责的区县 {mine}，无权导入"),
            WriteScope::School { school: mine, .. } => {
                format!("学校 {school} 不是您负责的学校 {mine}，无权导入")
            }
        }
    }

    /// Why a 学校 row may not be written, if it may not: the school must be
    /// in scope both where it is stored and where the row puts it, and only
    /// the city moves a school to another county.
    pub(crate) fn school_refusal(
        &self,
        school: &SchoolCode,
        county: &AreaCode,
        stored_county: Option<&AreaCode>,
    ) -> Option<String> {
        // Where the school lies now: as stored, or for a school officer's
        // own school not yet stored, the county of the officer's scope.
        let home = stored_county.or(match self {
            WriteScope::School {
                school: mine,
                county: its,
            } if mine == school => Some(its),
            _ => None,
        });
        let Some(home) = home else {
            return (!self.allows_school(school, county)).then(|| self.refusal(school));
        };
        if !self.allows_school(school, home) {
            return Some(self.refusal(school));
        }
        (home != county).then(|| {
            format!("学校 {school} 属于区县 {home}，所属区县只能由市级管理员更改（本行填写 {county}）")
        })
    }

    pub(crate) fn area_refusal(&self, area: &AreaCode) -> String {
        match self {
            WriteScope::County(mine) => format!("区域 {area} 不在您负责的区县 {mine}，无权导入"),
            WriteScope::School { .. } => format!("学校数据员无权导入区域 {area} 的人口或出生数据"),
        }
    }
}

/// What an import is doing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Reading,
    Validating,
    Writing,
}

impl Phase {
    pub fn label_zh(self) -> &'static str {
        match self {
            Phase::Reading => "读取",
            Phase::Validating => "校验",
            Phase::Writing => "写入",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportProgress {
    pub phase: Phase,
    /// Rows done in this phase.
    pub done: u64,
    /// Rows expected in this phase; 0 when not known yet.
    pub total: u64,
}

/// One table of the file, as recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSummary {
    pub file: String,
    pub sheet: Option<String>,
    pub entity: Entity,
    pub rows: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Data rows read (blank rows not counted).
    pub rows: u64,
    /// Every problem found; when not empty, nothing was written.
    pub errors: Vec<RowError>,
    /// What the store wrote (or, with `dry_run`, would write); `None` when
    /// there were errors.
    pub counts: Option<ApplyCounts>,
    pub dry_run: bool,
    pub tables: Vec<TableSummary>,
}

/// How often validation reports progress, in rows.
const PROGRESS_EVERY: u64 = 16_384;

/// Imports `path` (`.xlsx` or `.csv`) into `store`; see the crate docs.
/// `today` bounds birth dates in identity numbers.
pub fn import(
    store: &mut dyn Store,
    path: &Path,
    options: ImportOptions,
    today: NaiveDate,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportOutcome, ImportError> {
    let file = file_label(path);
    progress(ImportProgress {
        phase: Phase::Reading,
        done: 0,
        total: 0,
    });
    let tables = read::open(path)?;
    let store_error = |source| ImportError::Store {
        file: file.clone(),
        source,
    };
    let lookup = store.lookup().map_err(store_error)?;
    let total: u64 = tables.iter().map(|t| t.rows_hint).sum();
    let sources = tables
        .iter()
        .map(|t| (t.source.clone(), t.layout.clone()))
        .collect();
    let mut validator = Validator::new(&lookup, today, sources, options.scope.as_ref());
    if tables.iter().any(|t| t.layout.entity == Entity::Students) {
        for year in store.school_years().map_err(store_error)? {
            validator.know_class_stages(&store.classes(year).map_err(store_error)?);
        }
    }
    for table in &tables {
        // A hint a little over the truth costs little; under it, a regrowth.
        validator.reserve(table.layout.entity, usize::try_from(table.rows_hint).unwrap_or(0));
    }
    progress(ImportProgress {
        phase: Phase::Validating,
        done: 0,
        total,
    });
    let mut done = 0u64;
    let mut summaries = Vec::with_capacity(tables.len());
    for (index, table) in tables.iter().enumerate() {
        let before = done;
        let mut preparer = Preparer::new(today);
        validate_table(
            table,
            index,
            &mut preparer,
            &mut validator,
            &mut done,
            total,
            progress,
        )?;
        summaries.push(TableSummary {
            file: table.source.file.clone(),
            sheet: table.source.sheet.clone(),
            entity: table.layout.entity,
            rows: done - before,
        });
    }
    validator.finish_rows();
    validator.check_people(&*store).map_err(store_error)?;
    progress(ImportProgress {
        phase: Phase::Validating,
        done,
        total: done,
    });

    let mut outcome = ImportOutcome {
        rows: done,
        errors: Vec::new(),
        counts: None,
        dry_run: options.dry_run,
        tables: summaries,
    };
    if validator.has_errors() {
        outcome.errors = validator.into_errors();
        return Ok(outcome);
    }
    let rows_to_write = validator.changes().len() as u64;
    progress(ImportProgress {
        phase: Phase::Writing,
        done: 0,
        total: rows_to_write,
    });
    let detail = format!("{file}：{} 行", outcome.rows);
    let apply_options = ApplyOptions {
        dry_run: options.dry_run,
        check_class_sizes: true,
        audit: options.audit_actor.as_deref().map(|actor| AuditLine {
            actor,
            action: AuditAction::Import,
            detail: &detail,
        }),
    };
    let applied = store
        .apply(validator.changes(), apply_options, &mut |done, total| {
            progress(ImportProgress {
                phase: Phase::Writing,
                done,
                total,
            })
        })
        .map_err(|source| ImportError::Store {
            file: file.clone(),
            source,
        })?;
    match applied {
        ApplyOutcome::Committed(counts) => outcome.counts = Some(counts),
        ApplyOutcome::Rejected(mismatches) => outcome.errors = validator.class_size_errors(&mismatches),
    }
    Ok(outcome)
}

/// Validates one table while a second thread parses it.
fn validate_table(
    table: &Table,
    index: usize,
    preparer: &mut Preparer,
    validator: &mut Validator<'_>,
    done: &mut u64,
    total: u64,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<(), ImportError> {
    let (full_tx, full_rx) = mpsc::sync_channel::<Result<Batch, ImportError>>(4);
    let (empty_tx, empty_rx) = mpsc::channel::<Batch>();
    let mut until_report = PROGRESS_EVERY;
    std::thread::scope(|scope| {
        scope.spawn(move || table.produce(preparer, &full_tx, &empty_rx));
        // `full_rx` is dropped on return, which stops the reader if we stop early.
        for message in full_rx {
            let mut batch = message?;
            let rows = batch
                .records
                .iter()
                .zip(&batch.rows)
                .zip(batch.prepared.iter_mut())
                .take(batch.len);
            for ((record, row), prepared) in rows {
                validator.row(index, &table.layout, *row, record, std::mem::take(prepared));
                *done += 1;
                until_report -= 1;
                if until_report == 0 {
                    until_report = PROGRESS_EVERY;
                    progress(ImportProgress {
                        phase: Phase::Validating,
                        done: *done,
                        total: total.max(*done),
                    });
                }
            }
            batch.len = 0;
            // The reader may have finished; then the batch is simply dropped.
            let _ = empty_tx.send(batch);
        }
        Ok(())
    })
}
