//! How much of a file the importer will read: every spreadsheet is hostile
//! until read. A file past a limit is refused with a Chinese message naming
//! the file (and sheet, row and column where known) before it is expanded,
//! so no upload can exhaust memory or abort the process.
//!
//! Defaults fit a whole city's registry (1.3 million students in one CSV, a
//! full Excel sheet of 1,048,575 rows); each can be changed with an
//! environment variable (read by [`ReadLimits::from_env`], which
//! [`crate::import`] and so the web server use) or, for `edugov import`, a
//! flag. Documented in README.md ("Import limits").

/// Limits on one file read by the importer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Size of the file as uploaded (it is read into memory whole).
    pub max_file_bytes: u64,
    /// Decompressed size of one worksheet part of an `.xlsx` (streamed row by
    /// row, so this bounds time rather than memory).
    pub max_sheet_bytes: u64,
    /// Decompressed size of any other part of an `.xlsx` (shared strings,
    /// styles, the workbook: read whole, so this bounds memory).
    pub max_part_bytes: u64,
    /// Characters in one cell (Excel's own limit is 32,767).
    pub max_cell_chars: usize,
    /// Columns holding anything, counted from column A (or the CSV's first field).
    pub max_columns: usize,
    /// Data rows of one table (a CSV file or one sheet).
    pub max_rows: u64,
    /// Bytes of one line of a CSV file.
    pub max_line_bytes: usize,
}

const MIB: u64 = 1024 * 1024;

impl Default for ReadLimits {
    fn default() -> ReadLimits {
        ReadLimits {
            max_file_bytes: 256 * MIB,
            max_sheet_bytes: 1024 * MIB,
            max_part_bytes: 128 * MIB,
            max_cell_chars: 32_767,
            max_columns: 256,
            max_rows: 2_000_000,
            max_line_bytes: 1024 * 1024,
        }
    }
}

/// The environment variables of [`ReadLimits::from_env`], with what each sets.
pub const LIMIT_VARIABLES: [(&str, &str); 7] = [
    ("EDUGOV_IMPORT_MAX_FILE_MB", "文件大小（MB）"),
    ("EDUGOV_IMPORT_MAX_SHEET_MB", "单个工作表解压后大小（MB）"),
    ("EDUGOV_IMPORT_MAX_PART_MB", "工作簿其他部件解压后大小（MB）"),
    ("EDUGOV_IMPORT_MAX_CELL_CHARS", "单元格字符数"),
    ("EDUGOV_IMPORT_MAX_COLUMNS", "列数"),
    ("EDUGOV_IMPORT_MAX_ROWS", "每表数据行数"),
    ("EDUGOV_IMPORT_MAX_LINE_KB", "CSV 单行大小（KB）"),
];

impl ReadLimits {
    /// The defaults, changed by whichever of [`LIMIT_VARIABLES`] are set.
    /// A variable that is not a positive whole number is an error naming it.
    pub fn from_env() -> Result<ReadLimits, String> {
        ReadLimits::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`ReadLimits::from_env`], from any lookup (tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ReadLimits, String> {
        let mut limits = ReadLimits::default();
        for (name, what) in LIMIT_VARIABLES {
            let Some(text) = lookup(name) else { continue };
            let value = text
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|v| *v > 0)
                .ok_or_else(|| format!("环境变量 {name}（{what}）应为正整数，现为“{text}”"))?;
            let size = |unit: u64| value.saturating_mul(unit);
            let count = usize::try_from(value).unwrap_or(usize::MAX);
            match name {
                "EDUGOV_IMPORT_MAX_FILE_MB" => limits.max_file_bytes = size(MIB),
                "EDUGOV_IMPORT_MAX_SHEET_MB" => limits.max_sheet_bytes = size(MIB),
                "EDUGOV_IMPORT_MAX_PART_MB" => limits.max_part_bytes = size(MIB),
                "EDUGOV_IMPORT_MAX_CELL_CHARS" => limits.max_cell_chars = count,
                "EDUGOV_IMPORT_MAX_COLUMNS" => limits.max_columns = count,
                "EDUGOV_IMPORT_MAX_ROWS" => limits.max_rows = value,
                _ => limits.max_line_bytes = usize::try_from(size(1024)).unwrap_or(usize::MAX),
            }
        }
        Ok(limits)
    }

    /// The longest run of bytes between two XML delimiters (`<`, `>`) a part
    /// may hold: one cell's text at four bytes a character with room for
    /// escapes, or one tag. Checked while unzipping, before calamine reads
    /// the part, so that no single XML event can be large.
    pub(crate) fn max_xml_token_bytes(&self) -> u64 {
        (self.max_cell_chars as u64)
            .saturating_mul(8)
            .saturating_add(64 * 1024)
    }
}

/// `1.5 MB`, `300 KB`: a size as an officer reads it.
pub(crate) fn size_label(bytes: u64) -> String {
    if bytes >= MIB {
        format!("{:.1} MB", bytes as f64 / MIB as f64)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Excel's column letters: 0 → `A`, 26 → `AA`, 16383 → `XFD`.
pub(crate) fn column_letters(column: u32) -> String {
    let mut n = u64::from(column) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_come_from_the_environment_and_a_bad_value_names_its_variable() {
        let limits = ReadLimits::from_lookup(|name| match name {
            "EDUGOV_IMPORT_MAX_FILE_MB" => Some("10".into()),
            "EDUGOV_IMPORT_MAX_COLUMNS" => Some(" 64 ".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(limits.max_file_bytes, 10 * MIB);
        assert_eq!(limits.max_columns, 64);
        assert_eq!(limits.max_rows, ReadLimits::default().max_rows);
        let bad = ReadLimits::from_lookup(|name| (name == "EDUGOV_IMPORT_MAX_ROWS").then(|| "很多".into()));
        assert_eq!(
            bad.unwrap_err(),
            "环境变量 EDUGOV_IMPORT_MAX_ROWS（每表数据行数）应为正整数，现为“很多”"
        );
        assert!(ReadLimits::from_lookup(|_| Some("0".into())).is_err());
    }

    #[test]
    fn columns_are_named_as_excel_names_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(255), "IV");
        assert_eq!(column_letters(16_383), "XFD");
    }
}
