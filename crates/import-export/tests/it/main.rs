//! The one integration-test binary of `import-export`: real files written to
//! a temporary directory, imported into a real SQLite store.

// Helpers outside `#[test]` functions panic on purpose: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

/// Fixtures and helpers: a small 历下区 with three schools.
mod support;

/// The admission inputs file: round trip, CSV folders, bad cells named.
mod admission;

/// Every column of every entity: exported filled, imported back unchanged.
mod columns;
/// Export → import round trips, masking, templates and error reports.
mod files_out;
/// Hostile files (sparse sheets, zip bombs, huge cells, endless lines):
/// refused quickly, in bounded memory, never an abort.
mod hostile;
/// Clean imports, re-imports, GBK, dry runs, multi-sheet workbooks.
mod imports;
/// The plan files: 任务分解表, 项目台账 and the 督办台账 workbook.
mod plan_files;
/// Files and rows that must be refused, leaving the store as it was.
mod refusals;
