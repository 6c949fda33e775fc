//! Hostile files, built here: each must be refused with a Chinese message
//! naming the file (and sheet, row and column where known), quickly and in
//! bounded memory — never an abort. Peak memory of the same files through
//! `edugov import --dry-run` is measured by hand (`/usr/bin/time -v`); the
//! figures are in README.md, "Import limits".

use std::io::Write;
use std::time::{Duration, Instant};

use import_export::{ImportError, ReadLimits};

use crate::support::*;

/// Slower than any of these reads should ever be, even unoptimised.
const QUICK: Duration = Duration::from_secs(20);

/// Imports `bytes` as `name` (dry run) with `limits`, expecting a refusal of
/// the whole file; returns its message.
fn refusal(name: &str, bytes: &[u8], limits: ReadLimits) -> String {
    let mut store = store();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let started = Instant::now();
    let options = import_export::ImportOptions {
        dry_run: true,
        ..import_export::ImportOptions::default()
    };
    let result = import_export::with_read_limits(limits, || {
        import_export::import(&mut *store, &path, options, today(), &mut |_| {})
    });
    assert!(started.elapsed() < QUICK, "{name} took {:?}", started.elapsed());
    match result {
        Err(e) => e.to_string(),
        Ok(outcome) => panic!(
            "{name} was read: {} rows, {:?}",
            outcome.rows,
            outcome.errors.first()
        ),
    }
}

pub(crate) const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// A minimal workbook of one sheet named 学生: `sheet_data` is the inside of
/// `<sheetData>`; `extra` parts (such as shared strings) are added as given.
pub(crate) fn xlsx(dimension: &str, sheet_data: &[u8], extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut part = |name: &str, body: &[&[u8]]| {
        zip.start_file(name, options).unwrap();
        for chunk in body {
            zip.write_all(chunk).unwrap();
        }
    };
    let shared = extra.iter().any(|(n, _)| *n == "xl/sharedStrings.xml");
    part(
        "[Content_Types].xml",
        &[br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#],
    );
    part(
        "_rels/.rels",
        &[br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#],
    );
    part(
        "xl/workbook.xml",
        &[format!(r#"<workbook xmlns="{NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="学生" sheetId="1" r:id="rId1"/></sheets></workbook>"#).as_bytes()],
    );
    let strings_rel = if shared {
        r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
    } else {
        ""
    };
    part(
        "xl/_rels/workbook.xml.rels",
        &[format!(r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{strings_rel}</Relationships>"#).as_bytes()],
    );
    part(
        "xl/worksheets/sheet1.xml",
        &[
            format!(r#"<worksheet xmlns="{NS}"><dimension ref="{dimension}"/><sheetData>"#).as_bytes(),
            sheet_data,
            b"</sheetData></worksheet>",
        ],
    );
    for (name, body) in extra {
        part(name, &[body]);
    }
    zip.finish().unwrap().into_inner()
}

pub(crate) fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

#[test]
fn a_sheet_holding_a1_and_xfd1048576_is_refused_at_its_far_cell_not_laid_out_as_a_grid() {
    let data = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        inline("A1", "学年"),
        inline("XFD1048576", "x")
    );
    let bytes = xlsx("A1:XFD1048576", data.as_bytes(), &[]);
    assert!(bytes.len() < 4096, "{} bytes", bytes.len());
    assert_eq!(
        refusal("稀疏.xlsx", &bytes, ReadLimits::default()),
        "文件 稀疏.xlsx（工作表“学生”）第 1048576 行第 XFD 列有内容，超过列数上限 256 列；请删除表格右侧多余的列后再导入"
    );
}

#[test]
fn a_sheet_whose_rows_are_a_million_apart_is_read_row_by_row() {
    // Within the column limit, a sheet spanning every row of Excel costs
    // only its two rows.
    let header = ["学年", "学校标识码", "班级", "班额", "学段", "年级"];
    let mut data = String::from(r#"<row r="1">"#);
    for (i, h) in header.iter().enumerate() {
        data.push_str(&inline(&format!("{}1", (b'A' + i as u8) as char), h));
    }
    data.push_str(r#"</row><row r="1048576">"#);
    data.push_str(&inline("A1048576", "2024"));
    data.push_str("</row>");
    let mut store = store();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("班级.xlsx");
    std::fs::write(&path, xlsx("A1:F1048576", data.as_bytes(), &[])).unwrap();
    let started = Instant::now();
    let outcome = import(&mut store, &path);
    assert!(started.elapsed() < QUICK);
    assert_eq!(outcome.rows, 1);
    assert!(
        outcome.errors.iter().all(|e| e.row == 1_048_576),
        "{}",
        errors(&outcome)
    );
}

#[test]
fn a_huge_cell_in_a_small_workbook_is_refused_while_unzipping() {
    // 40 MB of one letter deflates to some 40 KB: a zip bomb of one cell.
    let cell = vec![b'a'; 40 << 20];
    let data = [
        br#"<row r="1"><c r="A1" t="inlineStr"><is><t>"#.as_slice(),
        &cell,
        b"</t></is></c></row>",
    ]
    .concat();
    let bytes = xlsx("A1", &data, &[]);
    assert!(bytes.len() < 200 << 10, "{} bytes", bytes.len());
    assert_eq!(
        refusal("炸弹.xlsx", &bytes, ReadLimits::default()),
        "文件 炸弹.xlsx 的部件 xl/worksheets/sheet1.xml 中有一段超过 320 KB 的文本，超出单元格长度上限；请用 Excel 打开后另存为 .xlsx 再导入"
    );
}

#[test]
fn a_huge_shared_strings_part_is_refused_by_its_size() {
    let mut strings = format!(r#"<sst xmlns="{NS}">"#).into_bytes();
    for _ in 0..200_000 {
        strings.extend_from_slice(b"<si><t>abcdefgh</t></si>");
    }
    strings.extend_from_slice(b"</sst>");
    let data = br#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    let bytes = xlsx("A1", data, &[("xl/sharedStrings.xml", &strings)]);
    let limits = ReadLimits {
        max_part_bytes: 1 << 20,
        ..ReadLimits::default()
    };
    assert_eq!(
        refusal("字符串.xlsx", &bytes, limits),
        "文件 字符串.xlsx 中的部件 xl/sharedStrings.xml 解压后超过 1.0 MB，不像正常的 Excel 工作簿（可能是恶意构造的压缩文件）；请用 Excel 打开后另存为 .xlsx，或拆分后分别导入"
    );
}

#[test]
fn a_zip_whose_headers_understate_a_part_is_refused_by_the_bytes_actually_read() {
    let mut strings = format!(r#"<sst xmlns="{NS}">"#).into_bytes();
    for _ in 0..200_000 {
        strings.extend_from_slice(b"<si><t>abcdefgh</t></si>");
    }
    strings.extend_from_slice(b"</sst>");
    let real = strings.len() as u32;
    let data = br#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    let mut bytes = xlsx("A1", data, &[("xl/sharedStrings.xml", &strings)]);
    // Every header (local and central) now claims 100 bytes.
    let claimed = 100u32.to_le_bytes();
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(4) {
        if bytes[at..at + 4] == real.to_le_bytes() {
            bytes[at..at + 4].copy_from_slice(&claimed);
            patched += 1;
        }
    }
    assert!(patched >= 2, "{patched}");
    let limits = ReadLimits {
        max_part_bytes: 1 << 20,
        ..ReadLimits::default()
    };
    let message = refusal("说谎.xlsx", &bytes, limits);
    assert!(message.starts_with("文件 说谎.xlsx "), "{message}");
}

#[test]
fn a_csv_header_of_a_million_columns_is_refused_by_its_line_length() {
    let header = "学年,".repeat(1_000_000);
    assert_eq!(
        refusal("宽.csv", header.as_bytes(), ReadLimits::default()),
        "文件 宽.csv 第 1 行超过 1.0 MB，不像正常的 CSV 表格；请检查文件后再导入"
    );
}

#[test]
fn a_csv_header_of_three_hundred_columns_is_refused_by_the_column_limit() {
    let header = "学年,学校标识码,".repeat(150);
    assert_eq!(
        refusal("宽.csv", header.as_bytes(), ReadLimits::default()),
        "文件 宽.csv 第 1 行第 IW 列有内容，超过列数上限 256 列；请删除表格右侧多余的列后再导入"
    );
}

#[test]
fn a_very_long_csv_line_is_refused_before_it_is_parsed() {
    let text = format!("{}{}\n", STUDENTS_HEADER, "长".repeat(2_000_000));
    assert_eq!(
        refusal("长.csv", text.as_bytes(), ReadLimits::default()),
        "文件 长.csv 第 2 行超过 1.0 MB，不像正常的 CSV 表格；请检查文件后再导入"
    );
}

#[test]
fn a_csv_cell_past_the_character_limit_is_refused_naming_its_row_and_column() {
    let text = format!(
        "{}2024,3737010001,,一年级,1班,x,{}\n",
        STUDENTS_HEADER,
        "名".repeat(40_000)
    );
    assert_eq!(
        refusal("学生.csv", text.as_bytes(), ReadLimits::default()),
        "文件 学生.csv 第 2 行第 G 列的单元格超过 32767 个字符；请缩短该单元格的内容"
    );
}

#[test]
fn an_xlsx_cell_past_the_character_limit_is_refused_naming_sheet_row_and_column() {
    let data = format!(r#"<row r="3">{}</row>"#, inline("C3", &"名".repeat(300)));
    let limits = ReadLimits {
        max_cell_chars: 100,
        ..ReadLimits::default()
    };
    assert_eq!(
        refusal("学生.xlsx", &xlsx("C3", data.as_bytes(), &[]), limits),
        "文件 学生.xlsx（工作表“学生”）第 3 行第 C 列的单元格超过 100 个字符；请缩短该单元格的内容"
    );
}

#[test]
fn rows_past_the_limit_are_refused_for_csv_and_xlsx() {
    let limits = ReadLimits {
        max_rows: 3,
        ..ReadLimits::default()
    };
    let mut text = String::from("学年,学校标识码,班级,班额,学段,年级\n");
    for i in 0..5 {
        text.push_str(&format!("2024,3737010001,{i}班,30,小学,一年级\n"));
    }
    assert_eq!(
        refusal("班级.csv", text.as_bytes(), limits),
        "文件 班级.csv 的数据超过 3 行；请拆分后分别导入"
    );
    let mut data = String::new();
    for (r, row) in text.lines().enumerate() {
        data.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.split(',').enumerate() {
            data.push_str(&inline(&format!("{}{}", (b'A' + c as u8) as char, r + 1), cell));
        }
        data.push_str("</row>");
    }
    assert_eq!(
        refusal("班级.xlsx", &xlsx("A1:F6", data.as_bytes(), &[]), limits),
        "文件 班级.xlsx（工作表“学生”） 的数据超过 3 行；请拆分后分别导入"
    );
}

#[test]
fn a_file_past_the_size_limit_is_refused_unread() {
    let limits = ReadLimits {
        max_file_bytes: 1 << 20,
        ..ReadLimits::default()
    };
    let text = format!("{STUDENTS_HEADER}{}", "\n".repeat(2 << 20));
    assert_eq!(
        refusal("大.csv", text.as_bytes(), limits),
        "文件 大.csv 大小为 2.0 MB，超过导入上限 1.0 MB；请按区县或学校拆分后分别导入"
    );
}

#[test]
fn an_old_xls_workbook_is_refused_with_a_way_out() {
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(4096, 0);
    assert_eq!(
        refusal("旧.xls", &bytes, ReadLimits::default()),
        "文件 旧.xls 是旧版 Excel 97-2003 工作簿（.xls）或加密的工作簿，无法安全读取；请用 Excel 打开后另存为 .xlsx（Excel 工作簿）再导入"
    );
}

#[test]
fn a_limit_set_wrong_in_the_environment_is_named() {
    // The variable is read only when no limits are passed: checked through
    // the library's own lookup so that tests never set the environment.
    let error = ImportError::Limits(
        ReadLimits::from_lookup(|n| (n == "EDUGOV_IMPORT_MAX_COLUMNS").then(|| "-1".into())).unwrap_err(),
    );
    assert_eq!(
        error.to_string(),
        "导入上限设置有误：环境变量 EDUGOV_IMPORT_MAX_COLUMNS（列数）应为正整数，现为“-1”"
    );
}

const STUDENTS_HEADER: &str =
    "学年,学校标识码,学段,年级,班级,身份证号,姓名,性别,出生日期,户籍地代码,是否随迁子女,是否寄宿,视力,是否近视\n";
