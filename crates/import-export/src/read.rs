//! Files to rows: `.xlsx` workbooks (every sheet that is a table edugov
//! knows) and `.csv` text in UTF-8 (with or without BOM) or GBK, the code
//! page Chinese Excel saves CSV in.
//!
//! Each table's header row is found (a title row above it is allowed),
//! recognised as an entity, and its body handed out as batches of
//! `csv::StringRecord`s that are reused, so a second thread can parse while
//! the first validates.

use std::io::Cursor;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender};

use calamine::{Data, Reader};

use crate::entity::{self, Entity, HeaderProblem, Layout};
use crate::errors::{file_label, ImportError};
use crate::prepare::{Prepared, Preparer};

/// Where rows come from: the file and, in a workbook, the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Source {
    pub file: String,
    pub sheet: Option<String>,
}

/// One recognised table: a CSV file or one sheet of a workbook.
pub(crate) struct Table {
    pub source: Source,
    pub layout: Layout,
    pub body: Body,
    /// Data rows expected (for progress; blank rows make it an overestimate).
    pub rows_hint: u64,
}

pub(crate) enum Body {
    Csv {
        text: Vec<u8>,
        /// Byte offset of the first data record.
        start: usize,
        /// The line the first data record is on (1-based).
        first_line: u64,
        delimiter: u8,
    },
    Grid {
        range: calamine::Range<Data>,
        /// Index within the range of the first data row.
        first: usize,
        /// The Excel row number of that row.
        first_row: u64,
    },
}

/// Rows a reader thread hands to the validator; sent back empty for reuse.
pub(crate) struct Batch {
    pub records: Vec<csv::StringRecord>,
    pub rows: Vec<u64>,
    /// What the reader thread already checked of each row.
    pub prepared: Vec<Prepared>,
    pub len: usize,
}

const BATCH_ROWS: usize = 4096;

/// How many rows above the header may hold a title.
const HEADER_SEARCH_ROWS: usize = 10;

/// Reads a file into its tables, in the order they should be applied.
pub(crate) fn open(path: &Path) -> Result<Vec<Table>, ImportError> {
    let file = file_label(path);
    let bytes = std::fs::read(path).map_err(|source| match source.kind() {
        // The path as given: a bare file name would not say where we looked.
        std::io::ErrorKind::NotFound => ImportError::NotFound {
            file: path.display().to_string(),
        },
        _ => ImportError::Unreadable {
            file: file.clone(),
            source,
        },
    })?;
    if bytes.is_empty() {
        return Err(ImportError::Empty { file, sheet: None });
    }
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let is_ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let mut tables = if is_zip || is_ole {
        open_workbook(&file, path, bytes, is_ole)?
    } else if matches!(extension.as_str(), "xlsx" | "xlsm" | "xls") {
        return Err(ImportError::CorruptXlsx {
            file,
            detail: "not a zip or OLE container".into(),
        });
    } else if matches!(extension.as_str(), "csv" | "txt" | "tsv" | "") {
        vec![open_csv(&file, path, bytes)?]
    } else {
        return Err(ImportError::UnsupportedFormat { file });
    };
    // Schools before classes before students, whatever the sheet order.
    tables.sort_by_key(|t| t.layout.entity);
    Ok(tables)
}

fn name_hint(path: &Path) -> Option<Entity> {
    path.file_stem()
        .and_then(|s| Entity::from_name(&s.to_string_lossy()))
}

fn header_error(problem: HeaderProblem, source: &Source, headers: &[String]) -> ImportError {
    let file = source.file.clone();
    let sheet = source.sheet.clone();
    match problem {
        HeaderProblem::Unrecognised => ImportError::UnrecognisedHeaders {
            file,
            sheet,
            headers: headers
                .iter()
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
                .collect(),
        },
        HeaderProblem::Missing { entity, missing } => ImportError::MissingColumns {
            file,
            sheet,
            entity,
            missing,
        },
        HeaderProblem::Duplicate {
            header,
            first,
            second,
        } => ImportError::DuplicateColumns {
            file,
            sheet,
            column: header.to_owned(),
            first,
            second,
        },
    }
}

/// The header row among the first rows: the first with two or more known
/// headers, else the first non-blank row.
fn find_header<'a>(rows: impl Iterator<Item = (usize, Vec<String>)> + 'a) -> Option<(usize, Vec<String>)> {
    let mut first_non_blank = None;
    for (index, cells) in rows.take(HEADER_SEARCH_ROWS) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let known = cells
            .iter()
            .filter(|c| entity::is_known_header(&entity::normalise_header(c)))
            .count();
        if known >= 2 {
            return Some((index, cells));
        }
        if first_non_blank.is_none() {
            first_non_blank = Some((index, cells));
        }
    }
    first_non_blank
}

fn open_csv(file: &str, path: &Path, bytes: Vec<u8>) -> Result<Table, ImportError> {
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text.into_bytes(),
        Err(not_utf8) => {
            let bytes = not_utf8.into_bytes();
            // encoding_rs's GBK decoder reads all of GB 18030, a superset.
            let (decoded, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
            if had_errors {
                return Err(ImportError::Encoding {
                    file: file.to_owned(),
                });
            }
            decoded.into_owned().into_bytes()
        }
    };
    if text.starts_with("\u{feff}".as_bytes()) {
        text.drain(..3);
    }
    let source = Source {
        file: file.to_owned(),
        sheet: None,
    };
    let first_line = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |d: u8| first_line.iter().filter(|b| **b == d).count();
    let delimiter = if count(b'\t') > count(b',') { b'\t' } else { b',' };

    let mut reader = csv_reader(&text, delimiter);
    let mut record = csv::StringRecord::new();
    let mut seen = Vec::new();
    for _ in 0..HEADER_SEARCH_ROWS {
        match reader.read_record(&mut record) {
            Ok(true) => seen.push((
                record.iter().map(str::to_owned).collect::<Vec<_>>(),
                reader.position().clone(),
            )),
            Ok(false) => break,
            Err(e) => {
                return Err(ImportError::Malformed {
                    file: file.to_owned(),
                    detail: e.to_string(),
                })
            }
        }
    }
    let header = find_header(seen.iter().enumerate().map(|(i, (cells, _))| (i, cells.clone())));
    let Some((index, headers)) = header else {
        return Err(ImportError::Empty {
            file: file.to_owned(),
            sheet: None,
        });
    };
    let after = seen
        .get(index)
        .map(|(_, pos)| pos.clone())
        .unwrap_or_else(csv::Position::new);
    let layout =
        entity::recognise(&headers, name_hint(path)).map_err(|p| header_error(p, &source, &headers))?;
    let start = usize::try_from(after.byte()).unwrap_or(text.len());
    let rest = text.get(start..).unwrap_or_default();
    let rows_hint = rest.iter().filter(|b| **b == b'\n').count() as u64 + u64::from(!rest.ends_with(b"\n"));
    Ok(Table {
        source,
        layout,
        body: Body::Csv {
            start,
            first_line: after.line(),
            delimiter,
            text,
        },
        rows_hint,
    })
}

fn csv_reader(text: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text)
}

fn open_workbook(file: &str, path: &Path, bytes: Vec<u8>, is_ole: bool) -> Result<Vec<Table>, ImportError> {
    let corrupt = |detail: String| ImportError::CorruptXlsx {
        file: file.to_owned(),
        detail,
    };
    let mut workbook: calamine::Sheets<Cursor<Vec<u8>>> = if is_ole {
        calamine::Sheets::Xls(
            calamine::open_workbook_from_rs(Cursor::new(bytes))
                .map_err(|e: calamine::XlsError| corrupt(e.to_string()))?,
        )
    } else {
        calamine::Sheets::Xlsx(
            calamine::open_workbook_from_rs(Cursor::new(bytes))
                .map_err(|e: calamine::XlsxError| corrupt(e.to_string()))?,
        )
    };
    let names = workbook.sheet_names();
    let single = names.len() == 1;
    let mut tables = Vec::new();
    let mut unrecognised = None;
    for name in names {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| corrupt(e.to_string()))?;
        let source = Source {
            file: file.to_owned(),
            sheet: Some(name.clone()),
        };
        let start_row = u64::from(range.start().map(|(r, _)| r).unwrap_or(0));
        let rows = range
            .rows()
            .enumerate()
            .map(|(i, row)| (i, row.iter().map(cell_text).collect::<Vec<_>>()));
        let Some((index, headers)) = find_header(rows) else {
            continue;
        };
        let hint = Entity::from_name(&name).or_else(|| if single { name_hint(path) } else { None });
        match entity::recognise(&headers, hint) {
            Ok(layout) => {
                let rows_hint = (range.height().saturating_sub(index + 1)) as u64;
                let first_row = start_row + index as u64 + 2;
                tables.push(Table {
                    source,
                    layout,
                    body: Body::Grid {
                        range,
                        first: index + 1,
                        first_row,
                    },
                    rows_hint,
                });
            }
            // Workbooks carry instruction and summary sheets; skip them
            // as long as some sheet is a table.
            Err(HeaderProblem::Unrecognised) => {
                if unrecognised.is_none() {
                    unrecognised = Some(header_error(HeaderProblem::Unrecognised, &source, &headers));
                }
            }
            Err(problem) => return Err(header_error(problem, &source, &headers)),
        }
    }
    if tables.is_empty() {
        return Err(unrecognised.unwrap_or(ImportError::Empty {
            file: file.to_owned(),
            sheet: None,
        }));
    }
    Ok(tables)
}

/// A cell as the text a user would have typed. Dates become `2016-02-29`;
/// whole numbers lose their `.0`; numbers too long for a double (an identity
/// number typed as a number) keep Excel's scientific look so the validator
/// can say what happened.
pub(crate) fn cell_text(cell: &Data) -> String {
    let mut text = String::new();
    write_cell(cell, &mut text);
    text
}

fn write_cell(cell: &Data, out: &mut String) {
    use std::fmt::Write;
    let _ = match cell {
        Data::Empty => Ok(()),
        Data::String(s) => {
            out.push_str(s);
            Ok(())
        }
        Data::Int(i) => write!(out, "{i}"),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                write!(out, "{}", *f as i64)
            } else if f.abs() >= 1e15 {
                write!(out, "{f:E}")
            } else {
                write!(out, "{f}")
            }
        }
        Data::Bool(b) => write!(out, "{}", crate::cells::flag_label(*b)),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            write!(out, "{y:04}-{m:02}-{d:02}")
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => write!(out, "{s}"),
        Data::Error(e) => write!(out, "{e}"),
    };
}

impl Table {
    /// Parses the body into batches on the calling thread (run it on a
    /// second thread), with the checks `preparer` can make of a row alone;
    /// stops when the receiver hangs up.
    pub(crate) fn produce(
        &self,
        preparer: &mut Preparer,
        full: &SyncSender<Result<Batch, ImportError>>,
        empty: &Receiver<Batch>,
    ) {
        let prepares = Preparer::prepares(self.layout.entity);
        let mut batch = new_batch();
        let send = |batch: Batch| -> Option<Batch> {
            full.send(Ok(batch)).ok()?;
            // Reuse a returned batch when there is one; the validator may
            // still hold them all, then allocate.
            Some(empty.try_recv().unwrap_or_else(|_| new_batch()))
        };
        match &self.body {
            Body::Csv {
                text,
                start,
                first_line,
                delimiter,
            } => {
                let mut reader = csv_reader(text.get(*start..).unwrap_or_default(), *delimiter);
                loop {
                    let Some(slot) = slot(&mut batch) else {
                        match send(batch) {
                            Some(next) => {
                                batch = next;
                                continue;
                            }
                            None => return,
                        }
                    };
                    match reader.read_record(slot) {
                        Ok(true) => {
                            if slot.iter().all(|f| f.trim().is_empty()) {
                                continue;
                            }
                            // Lines of the body count from 1 at `first_line`.
                            let line = slot.position().map(|p| p.line()).unwrap_or(1);
                            let prepared = if prepares {
                                preparer.prepare(&self.layout, slot)
                            } else {
                                Prepared::None
                            };
                            push_row(&mut batch, first_line + line.saturating_sub(1), prepared);
                        }
                        Ok(false) => break,
                        Err(e) => {
                            let _ = full.send(Err(ImportError::Malformed {
                                file: self.source.file.clone(),
                                detail: e.to_string(),
                            }));
                            return;
                        }
                    }
                }
            }
            Body::Grid {
                range,
                first,
                first_row,
            } => {
                for (row_number, row) in (*first_row..).zip(range.rows().skip(*first)) {
                    if row.iter().all(|c| match c {
                        Data::Empty => true,
                        Data::String(s) => s.trim().is_empty(),
                        _ => false,
                    }) {
                        continue;
                    }
                    if batch.len == BATCH_ROWS {
                        match send(batch) {
                            Some(next) => batch = next,
                            None => return,
                        }
                    }
                    let Some(slot) = slot(&mut batch) else { return };
                    slot.clear();
                    let mut text = String::new();
                    for cell in row {
                        match cell {
                            Data::String(s) => slot.push_field(s),
                            other => {
                                text.clear();
                                write_cell(other, &mut text);
                                slot.push_field(&text);
                            }
                        }
                    }
                    let prepared = if prepares {
                        preparer.prepare(&self.layout, slot)
                    } else {
                        Prepared::None
                    };
                    push_row(&mut batch, row_number, prepared);
                }
            }
        }
        if batch.len > 0 {
            let _ = full.send(Ok(batch));
        }
    }
}

fn new_batch() -> Batch {
    Batch {
        records: Vec::with_capacity(BATCH_ROWS),
        rows: Vec::with_capacity(BATCH_ROWS),
        prepared: Vec::with_capacity(BATCH_ROWS),
        len: 0,
    }
}

/// The next record to fill, or `None` when the batch is full.
fn slot(batch: &mut Batch) -> Option<&mut csv::StringRecord> {
    if batch.len >= BATCH_ROWS {
        return None;
    }
    if batch.records.len() <= batch.len {
        batch.records.push(csv::StringRecord::new());
    }
    batch.records.get_mut(batch.len)
}

fn push_row(batch: &mut Batch, row: u64, prepared: Prepared) {
    if batch.rows.len() <= batch.len {
        batch.rows.push(row);
    } else if let Some(slot) = batch.rows.get_mut(batch.len) {
        *slot = row;
    }
    if batch.prepared.len() <= batch.len {
        batch.prepared.push(prepared);
    } else if let Some(slot) = batch.prepared.get_mut(batch.len) {
        *slot = prepared;
    }
    batch.len += 1;
}
