//! Files to rows: `.xlsx` workbooks (every sheet that is a table edugov
//! knows) and `.csv` text in UTF-8 (with or without BOM) or GBK, the code
//! page Chinese Excel saves CSV in.
//!
//! Each table's header row is found (a title row above it is allowed),
//! recognised as an entity, and its body handed out as batches of
//! `csv::StringRecord`s that are reused, so a second thread can parse while
//! the first validates.
//!
//! Every file is hostile until read, and reading stays within
//! [`ReadLimits`] (`limits.rs`): the file's size is checked before it is
//! read; every part of a workbook is unzipped once, counting its real bytes
//! (a zip header can lie) and the longest run between XML delimiters, before
//! calamine parses it; sheets are streamed cell by cell
//! (`Xlsx::worksheet_cells_reader`), never laid out as a grid over their
//! used range, so a sheet holding `A1` and `XFD1048576` costs two cells, not
//! seventeen billion; columns, rows, cells and CSV lines past a limit are
//! refused with the file, sheet, row and column named. `.xls` (BIFF) is
//! refused: calamine lays its sheets out as grids sized by the file's own
//! claim, which no limit can check beforehand.

use std::cell::Cell;
use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use calamine::{DataRef, Reader, SheetType};

use crate::entity::{self, Entity, HeaderProblem, Layout};
use crate::errors::{file_label, ImportError};
use crate::limits::{column_letters, size_label, ReadLimits};
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
    /// Data rows expected (for progress and reserving room; blank rows make
    /// it an overestimate). Never more than `limits.max_rows`.
    pub rows_hint: u64,
    pub limits: ReadLimits,
}

type Workbook = calamine::Xlsx<Cursor<Vec<u8>>>;

pub(crate) enum Body {
    Csv {
        text: Vec<u8>,
        /// Byte offset of the first data record.
        start: usize,
        /// The line the first data record is on (1-based).
        first_line: u64,
        delimiter: u8,
    },
    Sheet {
        /// Shared by the tables of one workbook; read by one at a time.
        book: Arc<Mutex<Workbook>>,
        sheet: String,
        /// The header's row (0-based): data rows come after it.
        header_row: u32,
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

thread_local! {
    static LIMITS: Cell<Option<ReadLimits>> = const { Cell::new(None) };
}

/// Runs `work` (an import on this thread) with `limits` instead of the
/// environment's ([`ReadLimits::from_env`]): how `edugov import` passes its
/// flags without changing [`crate::ImportOptions`].
pub fn with_read_limits<T>(limits: ReadLimits, work: impl FnOnce() -> T) -> T {
    let before = LIMITS.with(|l| l.replace(Some(limits)));
    let result = work();
    LIMITS.with(|l| l.set(before));
    result
}

/// The limits in force on this thread.
fn current_limits() -> Result<ReadLimits, ImportError> {
    match LIMITS.with(Cell::get) {
        Some(limits) => Ok(limits),
        None => ReadLimits::from_env().map_err(ImportError::Limits),
    }
}

/// Reads a file into its tables, in the order they should be applied.
pub(crate) fn open(path: &Path) -> Result<Vec<Table>, ImportError> {
    let limits = current_limits()?;
    let file = file_label(path);
    let bytes = read_bounded(path, &file, &limits)?;
    open_bytes(&file, path, bytes, &limits)
}

/// The file's bytes, refused unread when it is larger than the limit (and
/// checked again while reading, in case it grows).
fn read_bounded(path: &Path, file: &str, limits: &ReadLimits) -> Result<Vec<u8>, ImportError> {
    let unreadable = |source: std::io::Error| match source.kind() {
        // The path as given: a bare file name would not say where we looked.
        std::io::ErrorKind::NotFound => ImportError::NotFound {
            file: path.display().to_string(),
        },
        _ => ImportError::Unreadable {
            file: file.to_owned(),
            source,
        },
    };
    let handle = std::fs::File::open(path).map_err(unreadable)?;
    let size = handle.metadata().map_err(unreadable)?.len();
    let too_large = |size: u64| ImportError::FileTooLarge {
        file: file.to_owned(),
        size: size_label(size),
        limit: size_label(limits.max_file_bytes),
    };
    if size > limits.max_file_bytes {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    handle
        .take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads a file already in memory; `path` gives its name and extension.
pub(crate) fn open_bytes(
    file: &str,
    path: &Path,
    bytes: Vec<u8>,
    limits: &ReadLimits,
) -> Result<Vec<Table>, ImportError> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(ImportError::FileTooLarge {
            file: file.to_owned(),
            size: size_label(bytes.len() as u64),
            limit: size_label(limits.max_file_bytes),
        });
    }
    if bytes.is_empty() {
        return Err(ImportError::Empty {
            file: file.to_owned(),
            sheet: None,
        });
    }
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let is_ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let mut tables = if is_ole {
        return Err(ImportError::LegacyXls {
            file: file.to_owned(),
        });
    } else if is_zip {
        open_workbook(file, path, bytes, limits)?
    } else if matches!(extension.as_str(), "xlsx" | "xlsm" | "xls") {
        return Err(ImportError::CorruptXlsx {
            file: file.to_owned(),
            detail: "not a zip or OLE container".into(),
        });
    } else if matches!(extension.as_str(), "csv" | "txt" | "tsv" | "") {
        vec![open_csv(file, path, bytes, limits)?]
    } else {
        return Err(ImportError::UnsupportedFormat {
            file: file.to_owned(),
        });
    };
    // Schools before classes before students, whatever the sheet order.
    tables.sort_by_key(|t| t.layout.entity);
    Ok(tables)
}

/// Reads every row of every table of `path` as an import would, checking
/// each row on its own (identity number, cells), without a store: the fuzz
/// harness (`cargo xtask fuzz`) drives the readers through this. Returns the
/// data rows read.
pub fn read_rows(path: &Path, today: chrono::NaiveDate) -> Result<u64, ImportError> {
    let tables = open(path)?;
    let mut rows = 0u64;
    for table in &tables {
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Result<Batch, ImportError>>(4);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Batch>();
        let mut preparer = Preparer::new(today);
        let preparer = &mut preparer;
        std::thread::scope(|scope| {
            scope.spawn(move || table.produce(preparer, &full_tx, &empty_rx));
            for message in full_rx.iter() {
                let mut batch = message?;
                rows += batch.len as u64;
                batch.len = 0;
                let _ = empty_tx.send(batch);
            }
            Ok::<(), ImportError>(())
        })?;
    }
    Ok(rows)
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

/// Refuses a CSV line longer than the limit before the CSV parser copies it.
fn check_lines(file: &str, text: &[u8], limits: &ReadLimits) -> Result<(), ImportError> {
    let mut line = 1u64;
    let mut start = 0usize;
    loop {
        let end = memchr::memchr(b'\n', text.get(start..).unwrap_or_default()).map(|i| start + i);
        let stop = end.unwrap_or(text.len());
        if stop - start > limits.max_line_bytes {
            return Err(ImportError::LineTooLong {
                file: file.to_owned(),
                line,
                limit: size_label(limits.max_line_bytes as u64),
            });
        }
        match end {
            Some(end) => {
                start = end + 1;
                line += 1;
            }
            None => return Ok(()),
        }
    }
}

/// Refuses a CSV record with too many fields or too long a field.
fn check_record(
    file: &str,
    record: &csv::StringRecord,
    line: u64,
    limits: &ReadLimits,
) -> Result<(), ImportError> {
    if record.len() > limits.max_columns {
        return Err(ImportError::TooManyColumns {
            file: file.to_owned(),
            sheet: None,
            row: line,
            column: Some(column_letters(limits.max_columns as u32)),
            limit: limits.max_columns,
        });
    }
    for (index, field) in record.iter().enumerate() {
        // A byte count under the limit needs no character count.
        if field.len() > limits.max_cell_chars && field.chars().count() > limits.max_cell_chars {
            return Err(ImportError::CellTooLong {
                file: file.to_owned(),
                sheet: None,
                row: Some(line),
                column: Some(column_letters(index as u32)),
                limit: limits.max_cell_chars,
            });
        }
    }
    Ok(())
}

/// Lines holding anything but separators and blanks: the rows to expect.
fn non_blank_lines(text: &[u8], delimiter: u8) -> u64 {
    text.split(|b| *b == b'\n')
        .filter(|line| {
            line.iter()
                .any(|b| !matches!(*b, b' ' | b'\r' | b'\t' | b'"') && *b != delimiter)
        })
        .count() as u64
}

/// CSV bytes as UTF-8 text (GBK decoded, BOM dropped).
fn csv_text(file: &str, bytes: Vec<u8>) -> Result<Vec<u8>, ImportError> {
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
    Ok(text)
}

fn open_csv(file: &str, path: &Path, bytes: Vec<u8>, limits: &ReadLimits) -> Result<Table, ImportError> {
    let text = csv_text(file, bytes)?;
    check_lines(file, &text, limits)?;
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
    let mut lines = Lines::new(1);
    for _ in 0..HEADER_SEARCH_ROWS {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let line = lines.of(&text, record.position().map_or(0, |p| p.byte()));
                check_record(file, &record, line, limits)?;
                seen.push((
                    record.iter().map(str::to_owned).collect::<Vec<_>>(),
                    reader.position().clone(),
                ))
            }
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
    let mut start = usize::try_from(after.byte())
        .unwrap_or(text.len())
        .min(text.len());
    // Past the header's line end (after CRLF the reader stops on its `\n`),
    // so the body's lines count from its first record.
    while text.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
        start += 1;
    }
    let rest = text.get(start..).unwrap_or_default();
    let rows_hint = non_blank_lines(rest, delimiter).min(limits.max_rows);
    let first_line = Lines::new(1).of(&text, start as u64);
    Ok(Table {
        source,
        layout,
        body: Body::Csv {
            start,
            first_line,
            delimiter,
            text,
        },
        rows_hint,
        limits: *limits,
    })
}

/// A record's line number from its byte offset, counted on from the last
/// record's (records come in order, so the whole file is scanned once).
/// The csv crate's own `Position::line` runs one short after CRLF line
/// ends, which Excel writes (BurntSushi/rust-csv#395), and a row error
/// would name the wrong row.
struct Lines {
    at: usize,
    line: u64,
}

impl Lines {
    /// Counting from `line` at the text's first byte.
    fn new(line: u64) -> Lines {
        Lines { at: 0, line }
    }

    fn of(&mut self, text: &[u8], byte: u64) -> u64 {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
        // After CRLF the reported start is the line end's `\n`; the record
        // itself starts past the line ends.
        while text.get(byte).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            byte += 1;
        }
        if byte > self.at {
            self.line += text[self.at..byte].iter().filter(|b| **b == b'\n').count() as u64;
            self.at = byte;
        }
        self.line
    }
}

fn csv_reader(text: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text)
}

/// Parts never parsed as XML (pictures, printer settings, VBA): their bytes
/// are counted, not scanned for long runs.
const BINARY_PARTS: [&str; 11] = [
    ".bin", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".emf", ".wmf", ".tif", ".tiff", ".wdp",
];

/// Unzips every part once, without keeping it: refuses a part whose
/// decompressed size (declared, then actually read) passes its limit, or
/// whose XML holds a run between delimiters longer than a cell may be.
/// Returns the decompressed bytes of all worksheets.
fn guard_zip(file: &str, bytes: &[u8], limits: &ReadLimits) -> Result<u64, ImportError> {
    let corrupt = |detail: String| ImportError::CorruptXlsx {
        file: file.to_owned(),
        detail,
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    let token_limit = limits.max_xml_token_bytes();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut sheets = 0u64;
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).map_err(|e| corrupt(e.to_string()))?;
        let name = part
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(part.name_raw()).into_owned());
        let lower = name.to_ascii_lowercase();
        let is_sheet = lower.starts_with("xl/worksheets/");
        let limit = if is_sheet {
            limits.max_sheet_bytes
        } else {
            limits.max_part_bytes
        };
        let too_large = || ImportError::PartTooLarge {
            file: file.to_owned(),
            part: name.clone(),
            limit: size_label(limit),
        };
        if part.size() > limit {
            return Err(too_large());
        }
        let scan = !BINARY_PARTS.iter().any(|b| lower.ends_with(b));
        let mut total = 0u64;
        let mut run = 0u64;
        loop {
            let read = match part.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => read,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(corrupt(format!("{name}: {e}"))),
            };
            total += read as u64;
            if total > limit {
                return Err(too_large());
            }
            if !scan {
                continue;
            }
            let mut chunk = buffer.get(..read).unwrap_or_default();
            while let Some(at) = memchr::memchr2(b'<', b'>', chunk) {
                if run + at as u64 > token_limit {
                    break;
                }
                run = 0;
                chunk = chunk.get(at + 1..).unwrap_or_default();
            }
            run += chunk.len() as u64;
            if run > token_limit {
                return Err(ImportError::TokenTooLong {
                    file: file.to_owned(),
                    part: name,
                    limit: size_label(token_limit),
                });
            }
        }
        if is_sheet {
            sheets += total;
        }
    }
    Ok(sheets)
}

fn open_workbook(
    file: &str,
    path: &Path,
    bytes: Vec<u8>,
    limits: &ReadLimits,
) -> Result<Vec<Table>, ImportError> {
    let corrupt = |detail: String| ImportError::CorruptXlsx {
        file: file.to_owned(),
        detail,
    };
    let sheet_bytes = guard_zip(file, &bytes, limits)?;
    let mut book: Workbook = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| corrupt(e.to_string()))?;
    let names: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    let single = names.len() == 1;
    let mut found = Vec::new();
    let mut unrecognised = None;
    for name in names {
        let source = Source {
            file: file.to_owned(),
            sheet: Some(name.clone()),
        };
        let (header, declared_rows) = {
            let mut rows = SheetRows::new(&mut book, file, &name, limits)?;
            let declared = rows.declared_rows();
            let mut seen = Vec::new();
            let mut first = None;
            while let Some((row, cells)) = rows.next_row()? {
                let first = *first.get_or_insert(u64::from(row));
                if u64::from(row) >= first + HEADER_SEARCH_ROWS as u64 {
                    break;
                }
                seen.push((row as usize, cells.to_vec()));
            }
            (find_header(seen.into_iter()), declared)
        };
        let Some((index, headers)) = header else {
            continue;
        };
        let hint = Entity::from_name(&name).or_else(|| if single { name_hint(path) } else { None });
        match entity::recognise(&headers, hint) {
            Ok(layout) => {
                // The sheet's own <dimension> may lie; a row costs at least
                // some bytes of XML, so the sheets' size bounds the hint too.
                let rows_hint = declared_rows
                    .saturating_sub(index as u64 + 1)
                    .min(sheet_bytes / 128)
                    .min(limits.max_rows);
                found.push((source, layout, name, index as u32, rows_hint));
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
    if found.is_empty() {
        return Err(unrecognised.unwrap_or(ImportError::Empty {
            file: file.to_owned(),
            sheet: None,
        }));
    }
    let book = Arc::new(Mutex::new(book));
    Ok(found
        .into_iter()
        .map(|(source, layout, sheet, header_row, rows_hint)| Table {
            source,
            layout,
            body: Body::Sheet {
                book: Arc::clone(&book),
                sheet,
                header_row,
            },
            rows_hint,
            limits: *limits,
        })
        .collect())
}

/// A worksheet's rows as they stream out of calamine: only the cells that
/// hold something, checked against the limits before they are kept.
struct SheetRows<'a> {
    cells: calamine::XlsxCellReader<'a, Cursor<Vec<u8>>>,
    file: &'a str,
    sheet: &'a str,
    limits: &'a ReadLimits,
    /// The current row's cells by column (0 = A); `width` of them in use.
    fields: Vec<String>,
    width: usize,
    /// The first cell of the next row, read ahead.
    pending: Option<(u32, u32, String)>,
    /// The last row handed out.
    last: Option<u32>,
    /// The sheet's cells are all read.
    done: bool,
}

impl<'a> SheetRows<'a> {
    fn new(
        book: &'a mut Workbook,
        file: &'a str,
        sheet: &'a str,
        limits: &'a ReadLimits,
    ) -> Result<SheetRows<'a>, ImportError> {
        let cells = book
            .worksheet_cells_reader(sheet)
            .map_err(|e| ImportError::CorruptXlsx {
                file: file.to_owned(),
                detail: format!("{sheet}: {e}"),
            })?;
        Ok(SheetRows {
            cells,
            file,
            sheet,
            limits,
            fields: Vec::new(),
            width: 0,
            pending: None,
            last: None,
            done: false,
        })
    }

    /// Rows the sheet says it spans (its `<dimension>`, which may lie).
    fn declared_rows(&self) -> u64 {
        let d = self.cells.dimensions();
        u64::from(d.end.0.saturating_sub(d.start.0)) + 1
    }

    /// The next row holding anything but blanks: its 0-based number and its
    /// cells from column A; `None` after the last.
    fn next_row(&mut self) -> Result<Option<(u32, &[String])>, ImportError> {
        loop {
            for field in self.fields.iter_mut().take(self.width) {
                field.clear();
            }
            self.width = 0;
            let mut row = None;
            let mut blank = true;
            if let Some((r, c, text)) = self.pending.take() {
                row = Some(r);
                blank &= text.trim().is_empty();
                self.put(c, text);
            }
            while !self.done {
                let cell = self.cells.next_cell().map_err(|e| ImportError::CorruptXlsx {
                    file: self.file.to_owned(),
                    detail: format!("{}: {e}", self.sheet),
                })?;
                let Some(cell) = cell else {
                    self.done = true;
                    break;
                };
                let value = cell.get_value();
                if matches!(value, DataRef::Empty) {
                    continue;
                }
                let (r, c) = cell.get_position();
                if c as usize >= self.limits.max_columns {
                    return Err(ImportError::TooManyColumns {
                        file: self.file.to_owned(),
                        sheet: Some(self.sheet.to_owned()),
                        row: u64::from(r) + 1,
                        column: Some(column_letters(c)),
                        limit: self.limits.max_columns,
                    });
                }
                let mut text = String::new();
                write_cell_ref(value, &mut text);
                if text.len() > self.limits.max_cell_chars
                    && text.chars().count() > self.limits.max_cell_chars
                {
                    return Err(ImportError::CellTooLong {
                        file: self.file.to_owned(),
                        sheet: Some(self.sheet.to_owned()),
                        row: Some(u64::from(r) + 1),
                        column: Some(column_letters(c)),
                        limit: self.limits.max_cell_chars,
                    });
                }
                let is_blank = text.trim().is_empty();
                match row {
                    Some(current) if r == current => {}
                    Some(current) if r > current => {
                        self.pending = Some((r, c, text));
                        break;
                    }
                    None if self.last.is_none_or(|last| r > last) => row = Some(r),
                    _ => {
                        return Err(ImportError::RowsOutOfOrder {
                            file: self.file.to_owned(),
                            sheet: self.sheet.to_owned(),
                            row: u64::from(r) + 1,
                            previous: u64::from(row.or(self.last).unwrap_or(0)) + 1,
                        })
                    }
                }
                blank &= is_blank;
                self.put(c, text);
            }
            let Some(row) = row else { return Ok(None) };
            self.last = Some(row);
            if !blank {
                return Ok(Some((row, self.fields.get(..self.width).unwrap_or_default())));
            }
        }
    }

    fn put(&mut self, column: u32, text: String) {
        let column = column as usize;
        if self.fields.len() <= column {
            self.fields.resize_with(column + 1, String::new);
        }
        if let Some(field) = self.fields.get_mut(column) {
            *field = text;
        }
        self.width = self.width.max(column + 1);
    }
}

/// A cell as the text a user would have typed. Dates become `2016-02-29`;
/// whole numbers lose their `.0`; numbers too long for a double (an identity
/// number typed as a number) keep Excel's scientific look so the validator
/// can say what happened.
fn write_cell_ref(cell: &DataRef<'_>, out: &mut String) {
    use std::fmt::Write;
    let _ = match cell {
        DataRef::Empty => Ok(()),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            out.push_str(s);
            Ok(())
        }
        DataRef::SharedString(s) => {
            out.push_str(s);
            Ok(())
        }
        DataRef::Int(i) => write!(out, "{i}"),
        DataRef::Float(f) => write_float(*f, out),
        DataRef::Bool(b) => write!(out, "{}", crate::cells::flag_label(*b)),
        DataRef::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            write!(out, "{y:04}-{m:02}-{d:02}")
        }
        DataRef::Error(e) => write!(out, "{e}"),
    };
}

fn write_float(f: f64, out: &mut String) -> std::fmt::Result {
    use std::fmt::Write;
    if f.fract() == 0.0 && f.abs() < 1e15 {
        write!(out, "{}", f as i64)
    } else if f.abs() >= 1e15 {
        write!(out, "{f:E}")
    } else {
        write!(out, "{f}")
    }
}

impl Table {
    /// Parses the body into batches on the calling thread (run it on a
    /// second thread), with the checks `preparer` can make of a row alone;
    /// stops when the receiver hangs up. A file past a limit, or broken,
    /// is sent as an error.
    pub(crate) fn produce(
        &self,
        preparer: &mut Preparer,
        full: &SyncSender<Result<Batch, ImportError>>,
        empty: &Receiver<Batch>,
    ) {
        let mut batch = new_batch();
        match self.produce_into(preparer, full, empty, &mut batch) {
            Ok(()) => {
                if batch.len > 0 {
                    let _ = full.send(Ok(batch));
                }
            }
            Err(Some(error)) => {
                let _ = full.send(Err(error));
            }
            // The receiver hung up.
            Err(None) => {}
        }
    }

    fn too_many_rows(&self) -> ImportError {
        ImportError::TooManyRows {
            file: self.source.file.clone(),
            sheet: self.source.sheet.clone(),
            limit: self.limits.max_rows,
        }
    }

    /// `Err(None)`: the receiver hung up.
    fn produce_into(
        &self,
        preparer: &mut Preparer,
        full: &SyncSender<Result<Batch, ImportError>>,
        empty: &Receiver<Batch>,
        batch: &mut Batch,
    ) -> Result<(), Option<ImportError>> {
        let prepares = Preparer::prepares(self.layout.entity);
        let limits = &self.limits;
        let file = self.source.file.as_str();
        let mut rows = 0u64;
        // Hands a full batch over and takes an empty one back.
        let next = |batch: &mut Batch| -> Result<(), Option<ImportError>> {
            // Reuse a returned batch when there is one; the validator may
            // still hold them all, then allocate.
            let fresh = empty.try_recv().unwrap_or_else(|_| new_batch());
            let full_batch = std::mem::replace(batch, fresh);
            full.send(Ok(full_batch)).map_err(|_| None)
        };
        match &self.body {
            Body::Csv {
                text,
                start,
                first_line,
                delimiter,
            } => {
                let body = text.get(*start..).unwrap_or_default();
                let mut reader = csv_reader(body, *delimiter);
                let mut lines = Lines::new(*first_line);
                loop {
                    if batch.len >= BATCH_ROWS {
                        next(batch)?;
                    }
                    let Some(slot) = slot(batch) else { return Ok(()) };
                    match reader.read_record(slot) {
                        Ok(true) => {
                            // Lines of the body count on from `first_line`.
                            let line = lines.of(body, slot.position().map_or(0, |p| p.byte()));
                            check_record(file, slot, line, limits)?;
                            if slot.iter().all(|f| f.trim().is_empty()) {
                                continue;
                            }
                            rows += 1;
                            if rows > limits.max_rows {
                                return Err(Some(self.too_many_rows()));
                            }
                            let prepared = if prepares {
                                preparer.prepare(&self.layout, slot)
                            } else {
                                Prepared::None
                            };
                            push_row(batch, line, prepared);
                        }
                        Ok(false) => return Ok(()),
                        Err(e) => {
                            return Err(Some(ImportError::Malformed {
                                file: file.to_owned(),
                                detail: e.to_string(),
                            }))
                        }
                    }
                }
            }
            Body::Sheet {
                book,
                sheet,
                header_row,
            } => {
                // A panic elsewhere while the lock was held leaves the
                // workbook as readable as before.
                let mut book = book.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let mut sheet_rows = SheetRows::new(&mut book, file, sheet, limits)?;
                while let Some((row, cells)) = sheet_rows.next_row()? {
                    if row <= *header_row {
                        continue;
                    }
                    rows += 1;
                    if rows > limits.max_rows {
                        return Err(Some(self.too_many_rows()));
                    }
                    if batch.len >= BATCH_ROWS {
                        next(batch)?;
                    }
                    let Some(slot) = slot(batch) else { return Ok(()) };
                    slot.clear();
                    for cell in cells {
                        slot.push_field(cell);
                    }
                    let prepared = if prepares {
                        preparer.prepare(&self.layout, slot)
                    } else {
                        Prepared::None
                    };
                    // Excel numbers rows from 1.
                    push_row(batch, u64::from(row) + 1, prepared);
                }
                Ok(())
            }
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

/// A table of a file that is not a registry entity (a 任务分解表, a 项目台账):
/// its header, the rows above it (a title) and its non-blank rows, each
/// with the row number Excel (or the CSV line) shows. Read within the same
/// [`ReadLimits`] as an import, with at most `max_rows` rows and
/// [`RAW_TABLE_CHARS`] characters kept in all.
pub(crate) struct RawTable {
    pub source: Source,
    /// What the table is (任务分解表), for messages.
    pub what: &'static str,
    /// Non-blank rows above the header, their cells joined.
    pub title: Vec<String>,
    pub headers: Vec<String>,
    pub rows: Vec<(u64, Vec<String>)>,
}

/// Bytes of text a [`RawTable`] keeps: a sheet's shared strings can repeat one
/// long text in every cell, so the rows' total is bounded too.
pub(crate) const RAW_TABLE_CHARS: usize = 64 * 1024 * 1024;

/// Reads the first table of `path` whose header row `score`s 2 or more
/// (recognised columns) among its first rows; `what` names the table in
/// the error when none does.
pub(crate) fn read_raw(
    path: &Path,
    what: &'static str,
    expected: &str,
    max_rows: u64,
    score: &dyn Fn(&[String]) -> usize,
) -> Result<RawTable, ImportError> {
    let limits = current_limits()?;
    let limits = ReadLimits {
        max_rows: limits.max_rows.min(max_rows),
        ..limits
    };
    let file = file_label(path);
    let bytes = read_bounded(path, &file, &limits)?;
    if bytes.is_empty() {
        return Err(ImportError::Empty { file, sheet: None });
    }
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut seen_headers = Vec::new();
    let found = if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ImportError::LegacyXls { file });
    } else if bytes.starts_with(b"PK\x03\x04") {
        raw_workbook(&file, what, bytes, &limits, score, &mut seen_headers)?
    } else if matches!(extension.as_str(), "xlsx" | "xlsm" | "xls") {
        return Err(ImportError::CorruptXlsx {
            file,
            detail: "not a zip or OLE container".into(),
        });
    } else if matches!(extension.as_str(), "csv" | "txt" | "tsv" | "") {
        raw_csv(&file, what, bytes, &limits, score, &mut seen_headers)?
    } else {
        return Err(ImportError::UnsupportedFormat { file });
    };
    found.ok_or_else(|| ImportError::NoTable {
        file,
        what,
        expected: expected.to_owned(),
        headers: seen_headers
            .iter()
            .map(|h: &String| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .take(30)
            .collect(),
    })
}

/// Adds a row to `table`, counting it against the limits.
fn keep_row(
    table: &mut RawTable,
    kept: &mut usize,
    row: u64,
    cells: Vec<String>,
    limits: &ReadLimits,
) -> Result<(), ImportError> {
    if table.rows.len() as u64 >= limits.max_rows {
        return Err(ImportError::TooManyRows {
            file: table.source.file.clone(),
            sheet: table.source.sheet.clone(),
            limit: limits.max_rows,
        });
    }
    *kept += cells.iter().map(String::len).sum::<usize>();
    if *kept > RAW_TABLE_CHARS {
        return Err(ImportError::TableTooLarge {
            file: table.source.file.clone(),
            sheet: table.source.sheet.clone(),
            what: table.what,
            limit: size_label(RAW_TABLE_CHARS as u64),
        });
    }
    table.rows.push((row, cells));
    Ok(())
}

fn raw_workbook(
    file: &str,
    what: &'static str,
    bytes: Vec<u8>,
    limits: &ReadLimits,
    score: &dyn Fn(&[String]) -> usize,
    seen_headers: &mut Vec<String>,
) -> Result<Option<RawTable>, ImportError> {
    guard_zip(file, &bytes, limits)?;
    let mut book: Workbook =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e: calamine::XlsxError| {
            ImportError::CorruptXlsx {
                file: file.to_owned(),
                detail: e.to_string(),
            }
        })?;
    let names: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    for name in names {
        let mut rows = SheetRows::new(&mut book, file, &name, limits)?;
        let mut table: Option<RawTable> = None;
        let mut title = Vec::new();
        let mut kept = 0usize;
        let mut first = None;
        while let Some((row, cells)) = rows.next_row()? {
            match table.as_mut() {
                Some(table) => keep_row(table, &mut kept, u64::from(row) + 1, cells.to_vec(), limits)?,
                None => {
                    let first = *first.get_or_insert(row);
                    if row >= first + HEADER_SEARCH_ROWS as u32 {
                        break;
                    }
                    if score(cells) >= 2 {
                        table = Some(RawTable {
                            what,
                            source: Source {
                                file: file.to_owned(),
                                sheet: Some(name.clone()),
                            },
                            title: std::mem::take(&mut title),
                            headers: cells.to_vec(),
                            rows: Vec::new(),
                        });
                    } else {
                        if seen_headers.is_empty() {
                            *seen_headers = cells.to_vec();
                        }
                        title.push(cells.iter().map(|c| c.trim()).collect::<Vec<_>>().join(" "));
                    }
                }
            }
        }
        if table.is_some() {
            return Ok(table);
        }
    }
    Ok(None)
}

fn raw_csv(
    file: &str,
    what: &'static str,
    bytes: Vec<u8>,
    limits: &ReadLimits,
    score: &dyn Fn(&[String]) -> usize,
    seen_headers: &mut Vec<String>,
) -> Result<Option<RawTable>, ImportError> {
    let text = csv_text(file, bytes)?;
    check_lines(file, &text, limits)?;
    let first_line = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |d: u8| first_line.iter().filter(|b| **b == d).count();
    let delimiter = if count(b'\t') > count(b',') { b'\t' } else { b',' };
    let mut reader = csv_reader(&text, delimiter);
    let mut record = csv::StringRecord::new();
    let mut table: Option<RawTable> = None;
    let mut title = Vec::new();
    let mut kept = 0usize;
    let mut searched = 0usize;
    let mut lines = Lines::new(1);
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(ImportError::Malformed {
                    file: file.to_owned(),
                    detail: e.to_string(),
                })
            }
        }
        let line = lines.of(&text, record.position().map_or(0, |p| p.byte()));
        check_record(file, &record, line, limits)?;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        match table.as_mut() {
            Some(table) => keep_row(table, &mut kept, line, cells, limits)?,
            None => {
                searched += 1;
                if searched > HEADER_SEARCH_ROWS {
                    break;
                }
                if score(&cells) >= 2 {
                    table = Some(RawTable {
                        what,
                        source: Source {
                            file: file.to_owned(),
                            sheet: None,
                        },
                        title: std::mem::take(&mut title),
                        headers: cells,
                        rows: Vec::new(),
                    });
                } else {
                    title.push(cells.iter().map(|c| c.trim()).collect::<Vec<_>>().join(" "));
                    if seen_headers.is_empty() {
                        *seen_headers = cells;
                    }
                }
            }
        }
    }
    Ok(table)
}
