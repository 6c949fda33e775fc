//! What goes wrong with a file: [`ImportError`] when the file as a whole
//! cannot be read, [`RowError`] for each bad cell, and the error report
//! (`write_errors`) officers fix their file from.
//!
//! Reports and screens leak: no identity number ever appears in full here.
//! Values of the 身份证号 column are masked when the error is made, and
//! every message is scrubbed of long digit runs as a second guard.

use std::fmt;
use std::path::Path;

use crate::entity::{Entity, MissingColumn};

/// The file could not be imported at all. Always names the file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("找不到文件 {file}")]
    NotFound { file: String },
    #[error("无法读取文件 {file}：{source}")]
    Unreadable { file: String, source: std::io::Error },
    #[error("文件 {file} 不是有效的 Excel 文件（可能已损坏或未完整下载）；请用 Excel 打开确认后另存为 .xlsx 再导入")]
    CorruptXlsx { file: String, detail: String },
    #[error("文件 {file} 的格式无法识别：请使用 Excel 工作簿（.xlsx）或 CSV 文件（.csv）")]
    UnsupportedFormat { file: String },
    #[error("文件 {file} 既不是 UTF-8 也不是 GBK 编码的文本，无法读取；请用 Excel 另存为“CSV UTF-8（逗号分隔）”后再导入")]
    Encoding { file: String },
    #[error("文件 {file}{} 是空的：没有表头，也没有数据", sheet_suffix(sheet))]
    Empty { file: String, sheet: Option<String> },
    #[error(
        "文件 {file}{} 的表头无法识别为学校、办学条件、班级、学生、教师、人口或出生数据；请使用 edugov 模板（edugov template）。读到的表头：{}",
        sheet_suffix(sheet),
        headers.join("、")
    )]
    UnrecognisedHeaders {
        file: String,
        sheet: Option<String>,
        headers: Vec<String>,
    },
    #[error(
        "文件 {file}{} 按{entity}表导入，缺少必填列：{}",
        sheet_suffix(sheet),
        missing_list(missing)
    )]
    MissingColumns {
        file: String,
        sheet: Option<String>,
        entity: Entity,
        missing: Vec<MissingColumn>,
    },
    #[error(
        "文件 {file}{} 中【{column}】列出现了两次：{first}和{second}；请删去一列",
        sheet_suffix(sheet)
    )]
    DuplicateColumns {
        file: String,
        sheet: Option<String>,
        column: String,
        first: String,
        second: String,
    },
    #[error("文件 {file} 读取出错：{detail}")]
    Malformed { file: String, detail: String },
    #[error("文件 {file} 是旧版 Excel 97-2003 工作簿（.xls）或加密的工作簿，无法安全读取；请用 Excel 打开后另存为 .xlsx（Excel 工作簿）再导入")]
    LegacyXls { file: String },
    #[error("文件 {file} 大小为 {size}，超过导入上限 {limit}；请按区县或学校拆分后分别导入")]
    FileTooLarge {
        file: String,
        size: String,
        limit: String,
    },
    #[error("文件 {file} 中的部件 {part} 解压后超过 {limit}，不像正常的 Excel 工作簿（可能是恶意构造的压缩文件）；请用 Excel 打开后另存为 .xlsx，或拆分后分别导入")]
    PartTooLarge {
        file: String,
        part: String,
        limit: String,
    },
    #[error("文件 {file}{}的单元格超过 {limit} 个字符；请缩短该单元格的内容", place_suffix(sheet, *row, column))]
    CellTooLong {
        file: String,
        sheet: Option<String>,
        row: Option<u64>,
        column: Option<String>,
        limit: usize,
    },
    #[error("文件 {file} 的部件 {part} 中有一段超过 {limit} 的文本，超出单元格长度上限；请用 Excel 打开后另存为 .xlsx 再导入")]
    TokenTooLong {
        file: String,
        part: String,
        limit: String,
    },
    #[error("文件 {file}{}有内容，超过列数上限 {limit} 列；请删除表格右侧多余的列后再导入", place_suffix(sheet, Some(*row), column))]
    TooManyColumns {
        file: String,
        sheet: Option<String>,
        row: u64,
        column: Option<String>,
        limit: usize,
    },
    #[error("文件 {file}{} 的数据超过 {limit} 行；请拆分后分别导入", sheet_suffix(sheet))]
    TooManyRows {
        file: String,
        sheet: Option<String>,
        limit: u64,
    },
    #[error("文件 {file} 第 {line} 行超过 {limit}，不像正常的 CSV 表格；请检查文件后再导入")]
    LineTooLong { file: String, line: u64, limit: String },
    #[error("文件 {file}（工作表“{sheet}”）第 {row} 行出现在第 {previous} 行之后，行的顺序错乱；请用 Excel 打开后另存为 .xlsx 再导入")]
    RowsOutOfOrder {
        file: String,
        sheet: String,
        row: u64,
        previous: u64,
    },
    #[error(
        "文件 {file} 中找不到{what}：表头应有 {expected} 等列；读到的表头：{}",
        headers.join("、")
    )]
    NoTable {
        file: String,
        what: &'static str,
        expected: String,
        headers: Vec<String>,
    },
    #[error("文件 {file}{} 按{what}导入，缺少必填列：{}", sheet_suffix(sheet), missing.iter().map(|m| format!("【{m}】")).collect::<Vec<_>>().join("、"))]
    MissingTableColumns {
        file: String,
        sheet: Option<String>,
        what: &'static str,
        missing: Vec<&'static str>,
    },
    #[error("导入上限设置有误：{0}")]
    Limits(String),
    #[error("处理文件 {file} 时数据库出错：{source}")]
    Store { file: String, source: store::StoreError },
    #[error("无法写出文件 {file}：{detail}")]
    Write { file: String, detail: String },
}

fn sheet_suffix(sheet: &Option<String>) -> String {
    sheet
        .as_ref()
        .map(|s| format!("（工作表“{s}”）"))
        .unwrap_or_default()
}

/// `（工作表“学生”）第 12 行第 C 列`, ` 第 12 行第 C 列` (CSV), or less.
fn place_suffix(sheet: &Option<String>, row: Option<u64>, column: &Option<String>) -> String {
    let mut place = row.map(|r| format!("第 {r} 行")).unwrap_or_default();
    if let Some(column) = column {
        place.push_str(&format!("第 {column} 列"));
    }
    match sheet {
        Some(_) => format!("{}{place}", sheet_suffix(sheet)),
        None if place.is_empty() => place,
        None => format!(" {place}"),
    }
}

fn missing_list(missing: &[MissingColumn]) -> String {
    let items: Vec<String> = missing
        .iter()
        .map(|m| match &m.suggestion {
            Some(s) => format!(
                "【{}】（表中的“{s}”是否就是此列？请把列名改为“{}”）",
                m.header, m.header
            ),
            None => format!("【{}】", m.header),
        })
        .collect();
    items.join("、")
}

/// The name a user recognises a path by: its file name.
pub(crate) fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// One problem in one row (and usually one cell) of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// File name as the user sees it.
    pub file: String,
    /// Worksheet, for workbooks.
    pub sheet: Option<String>,
    /// The row number Excel shows (the header is usually row 1); 0 when the
    /// problem is not tied to one row.
    pub row: u64,
    /// The column's Chinese header.
    pub column: Option<String>,
    /// The cell as read (identity numbers masked).
    pub value: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl RowError {
    /// Builds an error, masking whatever could be an identity number.
    pub(crate) fn new(
        file: &str,
        sheet: Option<&str>,
        row: u64,
        column: Option<&str>,
        value: &str,
        message: String,
    ) -> RowError {
        let value = if column == Some(crate::entity::Field::IdNumber.header()) && !value.is_empty() {
            registry::mask::id_number(value)
        } else {
            scrub(value)
        };
        RowError {
            file: file.to_owned(),
            sheet: sheet.map(str::to_owned),
            row,
            column: column.map(str::to_owned),
            value,
            message: scrub(&message),
        }
    }
}

/// `学生.csv 第 12 行【身份证号】身份证号校验位错误：应为 X，实为 1`
impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(sheet) = &self.sheet {
            write!(f, "（工作表“{sheet}”）")?;
        } else if self.row > 0 {
            f.write_str(" ")?;
        }
        if self.row > 0 {
            write!(f, "第 {} 行", self.row)?;
        }
        match &self.column {
            Some(column) => write!(f, "【{column}】{}", self.message),
            None => write!(f, "：{}", self.message),
        }
    }
}

/// One line per error, for the screen; after `limit` lines, a count of the rest.
pub fn errors_text(errors: &[RowError], limit: usize) -> String {
    let mut text = String::new();
    for error in errors.iter().take(limit) {
        text.push_str(&error.to_string());
        text.push('\n');
    }
    if errors.len() > limit {
        text.push_str(&format!("…… 另有 {} 条错误\n", errors.len() - limit));
    }
    text
}

/// Masks every run of 15 or more digits (an identity number, old or new,
/// wherever it slipped in): keeps the first six and the last four.
fn scrub(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut run_start = None;
    let mut long_runs = Vec::new();
    for (i, b) in bytes.iter().chain(std::iter::once(&b' ')).enumerate() {
        let digitish = b.is_ascii_digit() || ((*b == b'X' || *b == b'x') && run_start.is_some());
        match (digitish, run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(start)) => {
                if i - start >= 15 {
                    long_runs.push((start, i));
                }
                run_start = None;
            }
            _ => {}
        }
    }
    if long_runs.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end) in long_runs {
        out.push_str(text.get(last..start).unwrap_or_default());
        let run = text.get(start..end).unwrap_or_default();
        out.push_str(run.get(..6).unwrap_or_default());
        out.push_str(&"*".repeat(run.len().saturating_sub(10)));
        out.push_str(run.get(run.len().saturating_sub(4)..).unwrap_or_default());
        last = end;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
}

/// The report's columns.
const REPORT_HEADERS: [&str; 6] = ["文件", "工作表", "行号", "列", "值", "问题"];

/// Writes the error report: `.xlsx`, or `.csv` (UTF-8 with BOM, so Excel
/// opens it as Chinese text). Other extensions are written as `.xlsx`.
pub fn write_errors(errors: &[RowError], path: &Path) -> Result<(), ImportError> {
    let is_csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let rows = errors.iter().map(|e| {
        [
            e.file.clone(),
            e.sheet.clone().unwrap_or_default(),
            if e.row > 0 {
                e.row.to_string()
            } else {
                String::new()
            },
            e.column.clone().unwrap_or_default(),
            e.value.clone(),
            e.message.clone(),
        ]
    });
    if is_csv {
        let mut writer = crate::export::CsvOut::create(path)?;
        writer.row(REPORT_HEADERS.iter().copied())?;
        for row in rows {
            writer.row(row.iter().map(String::as_str))?;
        }
        writer.finish()
    } else {
        let widths = [16.0, 12.0, 8.0, 14.0, 22.0, 60.0];
        let mut book =
            crate::export::XlsxOut::new(&file_label(path), "错误", &REPORT_HEADERS, &widths, &[false; 6]);
        for row in rows {
            book.row(row.iter().map(String::as_str))?;
        }
        book.save(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_numbers_never_reach_a_report() {
        let e = RowError::new(
            "学生.csv",
            None,
            12,
            Some("身份证号"),
            "370102201602291230",
            "坏".into(),
        );
        assert_eq!(e.value, "370102********1230");
        let e = RowError::new(
            "学生.csv",
            None,
            12,
            Some("姓名"),
            "张三370102201602291230",
            "见 37010220160229123X 行".into(),
        );
        assert_eq!(e.value, "张三370102********1230");
        assert_eq!(e.message, "见 370102********123X 行");
    }

    #[test]
    fn errors_read_as_one_line_each() {
        let e = RowError::new(
            "学生.csv",
            None,
            12,
            Some("身份证号"),
            "110105194912310021",
            "身份证号校验位错误：应为 X，实为 1".into(),
        );
        assert_eq!(
            e.to_string(),
            "学生.csv 第 12 行【身份证号】身份证号校验位错误：应为 X，实为 1"
        );
        let e = RowError::new("城市.xlsx", Some("班级"), 3, None, "", "与第 2 行重复".into());
        assert_eq!(e.to_string(), "城市.xlsx（工作表“班级”）第 3 行：与第 2 行重复");
    }
}
