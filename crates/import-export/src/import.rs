//! Import: read a file, validate every row, and — only if nothing is wrong —
//! write it all through one `Store::apply`, which is one transaction.
//!
//! A second thread parses the file into reused record batches while this
//! one validates, so that a city's students pass in seconds.

use std::path::Path;
use std::sync::mpsc;

pub use access::WriteScope;
use chrono::{DateTime, NaiveDate, Utc};
use store::{ApplyCounts, ApplyOptions, ApplyOutcome, AuditAction, AuditLine, RegistryRead, RegistryWrite};

use crate::entity::Entity;
use crate::errors::{file_label, ImportError, RowError};
use crate::prepare::Preparer;
use crate::read::{self, Batch, Table};
use crate::validate::{TransferNotice, Validator};

/// The name of [`ImportOptions::update_class_sizes`] wherever an officer
/// sees it: the import form's checkbox, row errors, the template's guide.
pub const UPDATE_CLASS_SIZES_LABEL: &str = "班额随学生名单更新";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// Validate everything, including the checks that need the database,
    /// then write nothing.
    pub dry_run: bool,
    /// What the importing user may write (`access::Principal::write_scope`);
    /// `None` for the server's operator (the CLI). A row outside it is a row
    /// error, so nothing of the file is written; a row for a person held
    /// outside it becomes a transfer request.
    pub scope: Option<WriteScope>,
    /// Who imports: transfer requests are filed in this name, and with
    /// `audit` the import's audit line.
    pub user: String,
    /// Write the import's audit line (`import`: the file, its rows, the
    /// requests filed) in the store's own transaction, so that it exists if
    /// and only if the data was written (issue 10, point 10). A dry run
    /// writes none.
    pub audit: bool,
    /// When: transfer requests are stamped with it.
    pub now: DateTime<Utc>,
    /// Bounds on transfer requests (probing a registry by importing other
    /// schools' people).
    pub transfer_limits: TransferLimits,
    /// 班额随学生名单更新: a class whose declared size differs from the
    /// students listed in it after the import takes their count (written in
    /// the same transaction, listed in `ApplyCounts::resized_classes`),
    /// instead of refusing the file. Off by default: then such a class is a
    /// row error saying how to do it in one file.
    pub update_class_sizes: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            dry_run: false,
            scope: None,
            user: String::new(),
            audit: false,
            now: DateTime::<Utc>::UNIX_EPOCH,
            transfer_limits: TransferLimits::default(),
            update_class_sizes: false,
        }
    }
}

/// How many transfer requests one officer's import may file.
///
/// Each request tells the importer that an identity number is registered
/// outside its scope, so a file of guessed numbers would be an oracle.
/// Beyond these bounds the file is not answered row by row: nothing is
/// written, the importer is told to hand the file to the city, and the
/// attempt is written to the audit log (`import_held_for_city`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferLimits {
    /// Requests one file may file (a school's real transfers in one go are
    /// a handful; a whole class moving is the city's import).
    pub per_file: usize,
    /// Pending requests one user may have open at once.
    pub pending_per_user: u64,
}

impl Default for TransferLimits {
    fn default() -> Self {
        TransferLimits {
            per_file: 20,
            pending_per_user: 100,
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
    /// Rows that became transfer requests (filed only when the import
    /// committed), in file order.
    pub transfers: Vec<TransferNotice>,
    /// More transfer requests than [`TransferLimits`] allow: nothing was
    /// written or filed, and no row is answered; the file is for the city.
    pub held_for_city: bool,
}

/// How often validation reports progress, in rows.
const PROGRESS_EVERY: u64 = 16_384;

/// Imports `path` (`.xlsx` or `.csv`) into `store`; see the crate docs.
/// `today` bounds birth dates in identity numbers.
///
/// Only the registry's two traits are needed: it reads (lookups, classes,
/// placements, pending transfers) and writes in one `apply_with_transfers`;
/// accounts, snapshots and maintenance are none of its business. `?Sized`
/// keeps `&mut dyn Store` and `&mut Box<dyn Store>` callers working.
pub fn import<S: RegistryRead + RegistryWrite + ?Sized>(
    store: &mut S,
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
    let transfers = if validator.has_errors() {
        Vec::new()
    } else {
        validator
            .take_transfers(&*store, options.dry_run, &options.user, options.now)
            .map_err(store_error)?
    };
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
        transfers: Vec::new(),
        held_for_city: false,
    };
    if validator.has_errors() {
        outcome.errors = validator.into_errors();
        return Ok(outcome);
    }
    if !transfers.is_empty() {
        let limits = options.transfer_limits;
        let pending = store.pending_transfers_by(&options.user).map_err(store_error)?;
        if transfers.len() > limits.per_file || pending + transfers.len() as u64 > limits.pending_per_user {
            outcome.held_for_city = true;
            return Ok(outcome);
        }
    }
    let (notices, transfers): (Vec<_>, Vec<_>) = transfers.into_iter().unzip();
    let rows_to_write = validator.changes().len() as u64;
    progress(ImportProgress {
        phase: Phase::Writing,
        done: 0,
        total: rows_to_write,
    });
    let detail = match transfers.len() {
        0 => format!("{file}：{} 行", outcome.rows),
        n => format!("{file}：{} 行，其中 {n} 行转为转学申请", outcome.rows),
    };
    let apply_options = ApplyOptions {
        dry_run: options.dry_run,
        check_class_sizes: true,
        update_class_sizes: options.update_class_sizes,
        audit: options.audit.then(|| AuditLine {
            actor: &options.user,
            action: AuditAction::Import,
            detail: &detail,
        }),
        ..ApplyOptions::default()
    };
    let applied = store
        .apply_with_transfers(
            validator.changes(),
            apply_options,
            &transfers,
            &mut |done, total| {
                progress(ImportProgress {
                    phase: Phase::Writing,
                    done,
                    total,
                })
            },
        )
        .map_err(|source| ImportError::Store {
            file: file.clone(),
            source,
        })?;
    match applied {
        ApplyOutcome::Committed(counts) => {
            outcome.counts = Some(counts);
            outcome.transfers = notices;
        }
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
