//! Export: the registry back out as the files bureaus use, with the same
//! columns as the template so that an export imports again unchanged.
//!
//! Identity numbers and names are masked unless the caller asks for
//! [`PersonalData::Clear`] (and records that it did). Workbooks are written
//! in rust_xlsxwriter's constant-memory mode and split into `学生_1`,
//! `学生_2` … sheets past Excel's 1,048,576-row limit.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::Path;

use registry::SchoolYear;
use rust_xlsxwriter::{Format as CellFormat, Workbook};
use store::RegistryRead;

use crate::cells::csv_safe;
use crate::entities::{self, births, classes, facilities, population, schools, students, teachers};
use crate::entity::{Entity, Kind};
use crate::errors::{file_label, ImportError};

/// File format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    /// By extension: `.csv` is CSV, anything else a workbook.
    pub fn from_path(path: &Path) -> Format {
        match path.extension() {
            Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
            _ => Format::Xlsx,
        }
    }
}

/// Whether identity numbers and names leave the system in clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PersonalData {
    /// `370102********123X`, `张*明` — cannot be imported again.
    #[default]
    Masked,
    Clear,
}

/// Excel's limit is 1,048,576 rows including the header.
pub(crate) const MAX_SHEET_ROWS: u32 = 1_048_575;

/// Writes one entity's records of one school year (`None`: the latest year
/// held; births: every year unless one is given). Returns the rows written.
pub fn export(
    store: &dyn RegistryRead,
    entity: Entity,
    year: Option<SchoolYear>,
    format: Format,
    path: &Path,
    personal_data: PersonalData,
) -> Result<u64, ImportError> {
    export_with_sheet_rows(store, entity, year, format, path, personal_data, MAX_SHEET_ROWS)
}

pub(crate) fn export_with_sheet_rows(
    store: &dyn RegistryRead,
    entity: Entity,
    year: Option<SchoolYear>,
    format: Format,
    path: &Path,
    personal_data: PersonalData,
    sheet_rows: u32,
) -> Result<u64, ImportError> {
    let file = file_label(path);
    let store_error = |source| ImportError::Store {
        file: file.clone(),
        source,
    };
    let requested_year = year;
    let year = match year {
        Some(y) => Some(y),
        None => store.school_years().map_err(store_error)?.last().copied(),
    };
    let columns = entity.columns();
    let headers: Vec<&str> = columns.iter().map(|c| c.field.header()).collect();
    let mut out = match format {
        Format::Csv => Out::Csv(Box::new(CsvOut::create(path)?)),
        Format::Xlsx => {
            let widths: Vec<f64> = columns.iter().map(|c| c.field.spec().width).collect();
            let numeric: Vec<bool> = columns
                .iter()
                .map(|c| matches!(c.field.spec().kind, Kind::Integer | Kind::Decimal))
                .collect();
            // Codes and text stay text when an officer adds a row to the
            // export and imports it again (issue 11, point 7).
            let text: Vec<bool> = columns
                .iter()
                .map(|c| matches!(c.field.spec().kind, Kind::Code | Kind::Text))
                .collect();
            let mut book = XlsxOut::new(&file, entity.label_zh(), &headers, &widths, &numeric);
            book.text = text;
            book.sheet_rows = sheet_rows.max(1);
            Out::Xlsx(Box::new(book))
        }
    };
    if matches!(out, Out::Csv(_)) {
        out.row(headers.iter().copied())?;
    }
    let mut cells: Vec<String> = vec![String::new(); columns.len()];
    let mut rows = 0u64;
    let masked = personal_data == PersonalData::Masked;
    // Fills `cells` through one entity module's writer, then writes the row.
    let mut emit = |out: &mut Out, fill: &mut dyn FnMut(&mut [String])| -> Result<(), ImportError> {
        fill(&mut cells);
        rows += 1;
        out.row(cells.iter().map(String::as_str))
    };
    match entity {
        Entity::Schools => {
            for school in store.schools().map_err(store_error)? {
                emit(&mut out, &mut |cells| {
                    entities::fill(schools::Col::ALL, cells, |col, cell| {
                        schools::write(&school, col, cell)
                    })
                })?;
            }
        }
        Entity::Facilities => {
            if let Some(year) = year {
                for f in store.facilities(year).map_err(store_error)? {
                    emit(&mut out, &mut |cells| {
                        entities::fill(facilities::Col::ALL, cells, |col, cell| {
                            facilities::write(&f, col, cell)
                        })
                    })?;
                }
            }
        }
        Entity::Classes => {
            if let Some(year) = year {
                for c in store.classes(year).map_err(store_error)? {
                    emit(&mut out, &mut |cells| {
                        entities::fill(classes::Col::ALL, cells, |col, cell| {
                            classes::write(&c, col, cell)
                        })
                    })?;
                }
            }
        }
        Entity::Students => {
            if let Some(year) = year {
                let mut failure = None;
                store
                    .for_each_student(year, &mut |student, enrolment| {
                        if failure.is_some() {
                            return;
                        }
                        let result = emit(&mut out, &mut |cells| {
                            entities::fill(students::Col::ALL, cells, |col, cell| {
                                students::write(&student, &enrolment, masked, col, cell)
                            })
                        });
                        if let Err(e) = result {
                            failure = Some(e);
                        }
                    })
                    .map_err(store_error)?;
                if let Some(e) = failure {
                    return Err(e);
                }
            }
        }
        Entity::Teachers => {
            if let Some(year) = year {
                for (teacher, post) in store.teachers(year).map_err(store_error)? {
                    emit(&mut out, &mut |cells| {
                        entities::fill(teachers::Col::ALL, cells, |col, cell| {
                            teachers::write(&teacher, &post, masked, col, cell)
                        })
                    })?;
                }
            }
        }
        Entity::Population => {
            if let Some(year) = year {
                for p in store.population(year).map_err(store_error)? {
                    emit(&mut out, &mut |cells| {
                        entities::fill(population::Col::ALL, cells, |col, cell| {
                            population::write(&p, col, cell)
                        })
                    })?;
                }
            }
        }
        Entity::Births => {
            for b in store.births().map_err(store_error)? {
                // Births are by calendar year, and all of them by default.
                if requested_year.is_some_and(|y| y.0 != b.year) {
                    continue;
                }
                emit(&mut out, &mut |cells| {
                    entities::fill(births::Col::ALL, cells, |col, cell| births::write(&b, col, cell))
                })?;
            }
        }
    }
    match out {
        Out::Csv(csv) => csv.finish()?,
        Out::Xlsx(book) => book.save(path)?,
    }
    Ok(rows)
}

enum Out {
    Csv(Box<CsvOut>),
    Xlsx(Box<XlsxOut>),
}

impl Out {
    fn row<'a>(&mut self, cells: impl Iterator<Item = &'a str>) -> Result<(), ImportError> {
        match self {
            Out::Csv(csv) => csv.row(cells),
            Out::Xlsx(book) => book.row(cells),
        }
    }
}

/// A CSV file in UTF-8 with a byte-order mark: without it Excel reads the
/// Chinese as the local code page and shows garbage. The one writer of CSV
/// in this crate (exports and error reports).
pub(crate) struct CsvOut {
    file: String,
    writer: csv::Writer<BufWriter<File>>,
}

impl CsvOut {
    pub(crate) fn create(path: &Path) -> Result<CsvOut, ImportError> {
        let file = file_label(path);
        let write_error = |e: std::io::Error| ImportError::Write {
            file: file.clone(),
            detail: e.to_string(),
        };
        let mut out = BufWriter::with_capacity(1 << 20, File::create(path).map_err(write_error)?);
        out.write_all("\u{feff}".as_bytes()).map_err(write_error)?;
        Ok(CsvOut {
            file: file.clone(),
            writer: csv::Writer::from_writer(out),
        })
    }

    /// Every cell goes through [`csv_safe`]: no cell runs as a formula.
    pub(crate) fn row<'a>(&mut self, cells: impl Iterator<Item = &'a str>) -> Result<(), ImportError> {
        let result = (|| {
            for cell in cells {
                self.writer.write_field(csv_safe(cell).as_bytes())?;
            }
            // An empty record ends the one written field by field.
            self.writer.write_record(None::<&[u8]>)
        })();
        result.map_err(|e| ImportError::Write {
            file: self.file.clone(),
            detail: e.to_string(),
        })
    }

    pub(crate) fn finish(mut self) -> Result<(), ImportError> {
        self.writer.flush().map_err(|e| ImportError::Write {
            file: self.file.clone(),
            detail: e.to_string(),
        })
    }
}

/// A workbook of one table: bold frozen header, column widths, numbers as
/// numbers and codes as text, new sheets past the row limit.
pub(crate) struct XlsxOut {
    file: String,
    workbook: Workbook,
    name: String,
    headers: Vec<String>,
    widths: Vec<f64>,
    numeric: Vec<bool>,
    /// Columns formatted as text (`@`), so that a value typed into them in
    /// Excel keeps its digits (身份证号, codes); none unless set.
    pub(crate) text: Vec<bool>,
    bold: CellFormat,
    sheets: usize,
    row: u32,
    pub(crate) sheet_rows: u32,
}

impl XlsxOut {
    pub(crate) fn new(file: &str, name: &str, headers: &[&str], widths: &[f64], numeric: &[bool]) -> XlsxOut {
        XlsxOut {
            file: file.to_owned(),
            workbook: Workbook::new(),
            name: name.to_owned(),
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            widths: widths.to_vec(),
            numeric: numeric.to_vec(),
            text: Vec::new(),
            bold: CellFormat::new().set_bold(),
            sheets: 0,
            row: 0,
            sheet_rows: MAX_SHEET_ROWS,
        }
    }

    fn new_sheet(&mut self) -> Result<(), rust_xlsxwriter::XlsxError> {
        self.sheets += 1;
        if self.sheets == 2 {
            // The first sheet was named as if it were the only one.
            self.workbook
                .worksheet_from_index(0)?
                .set_name(format!("{}_1", self.name))?;
        }
        let name = if self.sheets == 1 {
            self.name.clone()
        } else {
            format!("{}_{}", self.name, self.sheets)
        };
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        let text = CellFormat::new().set_num_format("@");
        for (col, (header, width)) in (0u16..).zip(self.headers.iter().zip(&self.widths)) {
            sheet.set_column_width(col, *width)?;
            if self.text.get(usize::from(col)).copied().unwrap_or(false) {
                sheet.set_column_format(col, &text)?;
            }
            sheet.write_string_with_format(0, col, header, &self.bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        self.row = 0;
        Ok(())
    }

    pub(crate) fn row<'a>(&mut self, cells: impl Iterator<Item = &'a str>) -> Result<(), ImportError> {
        let result = (|| {
            if self.sheets == 0 || self.row >= self.sheet_rows {
                self.new_sheet()?;
            }
            self.row += 1;
            let row = self.row;
            let sheet = self.workbook.worksheet_from_index(self.sheets - 1)?;
            for ((col, text), numeric) in (0u16..).zip(cells).zip(&self.numeric) {
                if text.is_empty() {
                    continue;
                }
                match text.parse::<f64>() {
                    Ok(number) if *numeric => sheet.write_number(row, col, number)?,
                    _ => sheet.write_string(row, col, text)?,
                };
            }
            Ok::<(), rust_xlsxwriter::XlsxError>(())
        })();
        result.map_err(|e| ImportError::Write {
            file: self.file.clone(),
            detail: e.to_string(),
        })
    }

    pub(crate) fn save(mut self, path: &Path) -> Result<(), ImportError> {
        let file = self.file.clone();
        let write_error = |e: rust_xlsxwriter::XlsxError| ImportError::Write {
            file: file.clone(),
            detail: e.to_string(),
        };
        if self.sheets == 0 {
            self.new_sheet().map_err(write_error)?;
        }
        self.workbook.save(path).map_err(write_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Reader;
    use registry::{
        AreaCode, ChangeSet, Class, Enrolment, Grade, IdNumber, Location, Ownership, QualityRating, School,
        SchoolCode, Sex, Stage,
    };
    use store::{ApplyOptions, ApplyOutcome};

    fn school_and_class() -> ChangeSet {
        let code = SchoolCode::parse("3737010001").unwrap();
        ChangeSet {
            schools: vec![School {
                code: code.clone(),
                name: "历下实验小学".into(),
                county: AreaCode::parse("370102").unwrap(),
                township: None,
                stages: vec![Stage::Primary],
                ownership: Ownership::Public,
                inclusive: false,
                quality_rating: QualityRating::Unrated,
                location: Location::Urban,
                seats: vec![(Stage::Primary, 100)],
                school_group: None,
                longitude: None,
                latitude: None,
            }],
            classes: vec![Class {
                school_year: SchoolYear(2024),
                school: code,
                stage: Stage::Primary,
                grade: Grade(1),
                name: "1班".into(),
                size: 5,
            }],
            ..ChangeSet::default()
        }
    }

    fn apply(store: &mut dyn store::Store, changes: &ChangeSet) {
        let options = ApplyOptions {
            check_class_sizes: true,
            ..ApplyOptions::default()
        };
        let outcome = store.apply(changes, options, &mut |_, _| {}).unwrap();
        assert!(matches!(outcome, ApplyOutcome::Committed(_)), "{outcome:?}");
    }

    /// Excel stops at 1,048,576 rows; a city's students fill several sheets.
    /// The split is tested at two rows a sheet.
    #[test]
    fn students_past_the_row_limit_go_to_further_sheets_and_import_back() {
        let today = chrono::NaiveDate::from_ymd_opt(2025, 11, 1).unwrap();
        let mut changes = school_and_class();
        for i in 0..5u16 {
            let birth = chrono::NaiveDate::from_ymd_opt(2018, 3, 1 + u32::from(i)).unwrap();
            let student = registry::Student {
                id_number: IdNumber::compose("370102", birth, 10 + i, Sex::Female),
                name: format!("学生{i}"),
                sex: Sex::Female,
                birth_date: birth,
                household_area: AreaCode::parse("370102").unwrap(),
            };
            let enrolment = Enrolment {
                school_year: SchoolYear(2024),
                school: SchoolCode::parse("3737010001").unwrap(),
                stage: Stage::Primary,
                grade: Grade(1),
                class_name: Some("1班".into()),
                migrant_child: false,
                boarder: i % 2 == 0,
                visual_acuity: None,
                myopic: None,
            };
            changes.students.push((student, enrolment));
        }
        let mut source = store::open_in_memory().unwrap();
        apply(&mut *source, &changes);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("学生.xlsx");
        let rows = export_with_sheet_rows(
            &*source,
            Entity::Students,
            None,
            Format::Xlsx,
            &path,
            PersonalData::Clear,
            2,
        )
        .unwrap();
        assert_eq!(rows, 5);
        let book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
        assert_eq!(book.sheet_names(), ["学生_1", "学生_2", "学生_3"]);

        let mut target = store::open_in_memory().unwrap();
        apply(&mut *target, &school_and_class());
        let outcome = crate::import(&mut *target, &path, Default::default(), today, &mut |_| {}).unwrap();
        assert_eq!(crate::errors_text(&outcome.errors, 10), "");
        assert_eq!(
            outcome.tables.iter().map(|t| t.rows).collect::<Vec<_>>(),
            [2, 2, 1]
        );
        assert_eq!(outcome.counts.map(|c| c.students), Some(5));

        let csv = |store: &dyn store::Store, name: &str| {
            let out = dir.path().join(name);
            export(
                store,
                Entity::Students,
                None,
                Format::Csv,
                &out,
                PersonalData::Clear,
            )
            .unwrap();
            std::fs::read_to_string(out).unwrap()
        };
        assert_eq!(csv(&*target, "b.csv"), csv(&*source, "a.csv"));
    }
}
