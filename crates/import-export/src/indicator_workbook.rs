//! The indicator workbook (`edugov indicators --format xlsx`, the web's
//! export): a values sheet with Chinese headers, numbers as numbers
//! (formatted to the unit's digits), and a second sheet with every
//! indicator's definition and source — forwardable as is. Rows of several
//! school years are one sheet, told apart by the 学年 column.
//!
//! [`schools_workbook`]: the schools behind an area's figure (the web's
//! `/areas/{code}/schools.xlsx`), one row per school and year, and for a
//! class-size indicator the classes at or above the line.

use indicators::report::Row;
use indicators::{CustomIndicator, Indicator, Level, CATALOGUE};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};

/// The header row's format of every figure workbook.
fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_text_wrap()
}

/// The header row (title, column width) of a sheet.
fn write_headers(
    sheet: &mut rust_xlsxwriter::Worksheet,
    headers: &[(&str, f64)],
    format: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (col, (title, width)) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, format)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    Ok(())
}

/// Number formats by the digits a value is shown with (0, 1, 2, 3).
fn number_formats() -> [Format; 4] {
    [
        Format::new().set_num_format("#,##0"),
        Format::new().set_num_format("#,##0.0"),
        Format::new().set_num_format("#,##0.00"),
        Format::new().set_num_format("0.000"),
    ]
}

/// A gap that would read as 0 with the value's digits (0.9967 against 1,
/// a gap of −0.0033) gets the digits that show it (issue 12): its own
/// format, for the rare row that needs one.
fn wide_gap_format(row: &Row) -> Option<Format> {
    let digits = indicators::report::gap_digits(row);
    (digits > row.digits).then(|| {
        let unit = if indicators::report::is_percent(row) {
            "\" 个百分点\""
        } else {
            ""
        };
        Format::new().set_num_format(format!("0.{}{unit}", "0".repeat(digits)))
    })
}

/// The workbook as bytes: the CLI writes them to a file, the web sends them.
pub fn indicator_workbook(
    rows: &[Row],
    chosen: &[&'static Indicator],
    custom: Option<&CustomIndicator>,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let header = header_format();
    let formats = number_formats();
    let by_digits = |digits: usize| &formats[digits.min(3)];
    let count = by_digits(0);
    // A change (or gap) of a per cent is in percentage points: the cell
    // stays a number (sums and filters work), its format says the unit.
    let points: [Format; 4] = [
        Format::new().set_num_format("#,##0\" 个百分点\""),
        Format::new().set_num_format("#,##0.0\" 个百分点\""),
        Format::new().set_num_format("#,##0.00\" 个百分点\""),
        Format::new().set_num_format("0.000\" 个百分点\""),
    ];

    let sheet = book.add_worksheet();
    sheet.set_name("指标值")?;
    let headers = [
        ("学年", 8.0),
        ("层级", 8.0),
        ("区域代码", 12.0),
        ("学校标识码", 13.0),
        ("名称", 24.0),
        ("指标", 30.0),
        ("学段", 9.0),
        ("数值", 11.0),
        ("单位", 10.0),
        ("分子", 12.0),
        ("分母", 12.0),
        ("较上年", 10.0),
        ("标准/目标", 10.0),
        ("是否达标", 8.0),
        ("差距", 10.0),
        // The publication rule's note, on rows the web withheld.
        ("说明", 24.0),
    ];
    write_headers(sheet, &headers, &header)?;
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let digits = by_digits(row.digits);
        let difference = if indicators::report::is_percent(row) {
            &points[row.digits.min(3)]
        } else {
            digits
        };
        sheet.write_number(r, 0, f64::from(row.school_year))?;
        sheet.write_string(
            r,
            1,
            Level::parse(row.level).map(|l| l.label_zh()).unwrap_or_default(),
        )?;
        sheet.write_string(r, 2, row.area.as_deref().unwrap_or_default())?;
        sheet.write_string(r, 3, row.school.as_deref().unwrap_or_default())?;
        sheet.write_string(r, 4, &row.place_name)?;
        sheet.write_string(r, 5, row.indicator_name.as_ref())?;
        let stage = indicators::report::stage_label(row);
        sheet.write_string(r, 6, &stage)?;
        match row.value {
            Some(v) => sheet.write_number_with_format(r, 7, v, digits)?,
            None if row.not_applicable => sheet.write_string(r, 7, indicators::report::NOT_APPLICABLE)?,
            None => sheet.write_string(r, 7, "—")?,
        };
        sheet.write_string(r, 8, row.unit.as_ref())?;
        let fraction_format = |x: f64| if x.fract() == 0.0 { count } else { by_digits(2) };
        if let Some(n) = row.numerator {
            sheet.write_number_with_format(r, 9, n, fraction_format(n))?;
        }
        if let Some(d) = row.denominator {
            sheet.write_number_with_format(r, 10, d, fraction_format(d))?;
        }
        if let Some(min) = row.suppressed {
            sheet.write_string(r, 9, "—")?;
            sheet.write_string(r, 10, "—")?;
            sheet.write_string(r, 15, format!("少于 {min} 所学校，不予公布"))?;
        }
        if let Some(c) = row.change {
            sheet.write_number_with_format(r, 11, c, difference)?;
        }
        if let Some(l) = row.line {
            sheet.write_number_with_format(r, 12, l, digits)?;
        }
        if let Some(met) = row.met {
            sheet.write_string(r, 13, if met { "是" } else { "否" })?;
        }
        if let Some(g) = row.gap {
            match wide_gap_format(row) {
                Some(wide) => sheet.write_number_with_format(r, 14, g, &wide)?,
                None => sheet.write_number_with_format(r, 14, g, difference)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, headers.len() as u16 - 1)?;

    let notes = book.add_worksheet();
    notes.set_name("指标说明")?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let note_headers = [
        ("指标代码", 28.0),
        ("指标", 30.0),
        ("英文名称", 30.0),
        ("单位", 10.0),
        ("学段", 18.0),
        ("方向", 10.0),
        ("定义", 60.0),
        ("依据", 50.0),
    ];
    for (col, (title, width)) in note_headers.iter().enumerate() {
        notes.write_string_with_format(0, col as u16, *title, &header)?;
        notes.set_column_width(col as u16, *width)?;
    }
    let listed: Vec<&Indicator> = if chosen.is_empty() {
        CATALOGUE.iter().collect()
    } else {
        chosen.to_vec()
    };
    for (i, ind) in listed.iter().enumerate() {
        let r = i as u32 + 1;
        let stages: Vec<&str> = ind.stages.iter().map(|s| s.label_zh()).collect();
        let direction = match ind.direction {
            indicators::Direction::HigherIsBetter => "越高越好",
            indicators::Direction::LowerIsBetter => "越低越好",
            indicators::Direction::Neutral => "参考",
        };
        for (col, text) in [
            ind.code,
            ind.name_zh,
            ind.name_en,
            ind.unit.label_zh(),
            &stages.join("、"),
            direction,
            ind.definition_zh,
            ind.source,
        ]
        .iter()
        .enumerate()
        {
            notes.write_string_with_format(r, col as u16, *text, &wrap)?;
        }
    }
    let mut last = listed.len() as u32;
    if let Some(custom) = custom {
        last += 1;
        let definition = format!("{}\n（{}）", custom.definition, custom.definition.describe_zh());
        for (col, text) in [
            custom.code.as_str(),
            &custom.name,
            "",
            &custom.unit,
            "",
            "",
            &definition,
            "自定义指标",
        ]
        .iter()
        .enumerate()
        {
            notes.write_string_with_format(last, col as u16, *text, &wrap)?;
        }
    }
    notes.write_string(
        last + 2,
        0,
        "说明：区域值为各校分子、分母分别汇总后相除（比值之和，非比值平均）；“较上年”为本学年数值减上一学年数值。",
    )?;
    book.save_to_buffer()
}

/// A class listed behind a class-size figure ([`schools_workbook`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ClassLine {
    pub school_year: registry::SchoolYear,
    pub school: String,
    pub school_name: String,
    pub stage: registry::Stage,
    pub grade: registry::Grade,
    pub class_name: String,
    pub size: u32,
}

/// The schools behind a figure: a sheet 学校明细 of school rows (any number
/// of school years, in the order given), and when `classes` is given a
/// sheet 班级明细 of the classes at or above `class_line` students. Every
/// code and name is a text cell.
pub fn schools_workbook(
    rows: &[Row],
    classes: Option<(&[ClassLine], u32)>,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let header = header_format();
    let formats = number_formats();
    let by_digits = |digits: usize| &formats[digits.min(3)];
    let sheet = book.add_worksheet();
    sheet.set_name("学校明细")?;
    let headers = [
        ("学年", 8.0),
        ("区县代码", 10.0),
        ("学校标识码", 13.0),
        ("学校名称", 26.0),
        ("指标", 22.0),
        ("学段", 9.0),
        ("数值", 10.0),
        ("单位", 8.0),
        ("分子", 10.0),
        ("分母", 10.0),
        ("标准/目标", 10.0),
        ("是否达标", 8.0),
        ("差距", 10.0),
    ];
    write_headers(sheet, &headers, &header)?;
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let digits = by_digits(row.digits);
        sheet.write_number(r, 0, f64::from(row.school_year))?;
        sheet.write_string(r, 1, row.area.as_deref().unwrap_or_default())?;
        sheet.write_string(r, 2, row.school.as_deref().unwrap_or_default())?;
        sheet.write_string(r, 3, &row.place_name)?;
        sheet.write_string(r, 4, row.indicator_name.as_ref())?;
        sheet.write_string(r, 5, indicators::report::stage_label(row))?;
        if let Some(v) = row.value {
            sheet.write_number_with_format(r, 6, v, digits)?;
        }
        sheet.write_string(r, 7, row.unit.as_ref())?;
        let part = |x: f64| {
            if x.fract() == 0.0 {
                by_digits(0)
            } else {
                by_digits(2)
            }
        };
        if let Some(n) = row.numerator {
            sheet.write_number_with_format(r, 8, n, part(n))?;
        }
        if let Some(d) = row.denominator {
            sheet.write_number_with_format(r, 9, d, part(d))?;
        }
        if let Some(l) = row.line {
            sheet.write_number_with_format(r, 10, l, digits)?;
        }
        if let Some(met) = row.met {
            sheet.write_string(r, 11, if met { "是" } else { "否" })?;
        }
        if let Some(g) = row.gap {
            match wide_gap_format(row) {
                Some(wide) => sheet.write_number_with_format(r, 12, g, &wide)?,
                None => sheet.write_number_with_format(r, 12, g, digits)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, headers.len() as u16 - 1)?;

    if let Some((classes, line)) = classes {
        let sheet = book.add_worksheet();
        sheet.set_name("班级明细")?;
        let headers = [
            ("学年", 8.0),
            ("学校标识码", 13.0),
            ("学校名称", 26.0),
            ("学段", 9.0),
            ("年级", 8.0),
            ("班级", 10.0),
            ("班额", 8.0),
        ];
        write_headers(sheet, &headers, &header)?;
        for (i, class) in classes.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_number(r, 0, f64::from(class.school_year.0))?;
            sheet.write_string(r, 1, &class.school)?;
            sheet.write_string(r, 2, &class.school_name)?;
            sheet.write_string(r, 3, class.stage.label_zh())?;
            sheet.write_string(r, 4, class.grade.label_zh())?;
            sheet.write_string(r, 5, &class.class_name)?;
            sheet.write_number(r, 6, f64::from(class.size))?;
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(0, 0, classes.len() as u32, headers.len() as u16 - 1)?;
        sheet.write_string(
            classes.len() as u32 + 2,
            0,
            format!("说明：列出班额达到 {line} 人及以上的班级，按班额从大到小排列。"),
        )?;
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader};
    use indicators::report::Row;
    use registry::{Grade, SchoolYear, Stage};
    use std::io::Read;

    use super::*;

    fn row(unit: indicators::Unit, change: f64) -> Row {
        Row {
            indicator: "inclusive_coverage".into(),
            indicator_name: "普惠性幼儿园覆盖率".into(),
            unit: unit.label_zh().into(),
            level: "county",
            school_year: 2024,
            value: Some(87.3),
            change: Some(change),
            digits: unit.digits(),
            ..Row::default()
        }
    }

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a workbook");
        let mut text = String::new();
        zip.by_name(name)
            .expect("the part")
            .read_to_string(&mut text)
            .expect("UTF-8");
        text
    }

    #[test]
    fn a_change_of_a_per_cent_is_a_number_formatted_in_percentage_points() {
        let bytes = indicator_workbook(&[row(indicators::Unit::Percent, 1.2)], &[], None).expect("written");
        let styles = part(&bytes, "xl/styles.xml");
        assert!(styles.contains("个百分点"), "{styles}");
        // The cell itself is the number, not a text "+1.20 个百分点".
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains("<v>1.2</v>"), "{sheet}");
        assert!(!sheet.contains("个百分点"));
    }

    #[test]
    fn a_gap_that_would_read_zero_gets_the_digits_that_show_it() {
        // 0.9967 per 100 against 1 (issue 12): the gap −0.0033, never "−0.00".
        let small = Row {
            met: Some(false),
            gap: Some(-0.0033),
            ..row(indicators::Unit::Per100Students, 0.0)
        };
        let bytes = indicator_workbook(std::slice::from_ref(&small), &[], None).expect("written");
        assert!(part(&bytes, "xl/styles.xml").contains("formatCode=\"0.0000\""));
        let cells = sheet(&bytes, "指标值");
        assert_eq!(cells[1][14], Data::Float(-0.0033));
        let schools = schools_workbook(&[small], None).expect("written");
        assert!(part(&schools, "xl/styles.xml").contains("formatCode=\"0.0000\""));
        // A gap the unit's digits show keeps the usual format.
        let wide = Row {
            met: Some(false),
            gap: Some(-1.8),
            ..row(indicators::Unit::Percent, 0.0)
        };
        assert!(wide_gap_format(&wide).is_none());
        let bytes = indicator_workbook(&[wide], &[], None).expect("written");
        assert!(!part(&bytes, "xl/styles.xml").contains("0.0000"));
    }

    #[test]
    fn a_change_of_a_count_has_no_percentage_points() {
        let bytes = indicator_workbook(&[row(indicators::Unit::Count, 3.0)], &[], None).expect("written");
        assert!(!part(&bytes, "xl/styles.xml").contains("个百分点"));
    }

    fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        book.worksheet_range(name)
            .unwrap()
            .rows()
            .map(<[Data]>::to_vec)
            .collect()
    }

    #[test]
    fn the_classes_sheet_lists_codes_and_names_as_text_with_the_line_said() {
        let class = |year: u16, size: u32| ClassLine {
            school_year: SchoolYear(year),
            school: "0370112001".to_owned(),
            school_name: "=HYPERLINK(\"x\")".to_owned(),
            stage: Stage::Junior,
            grade: Grade(7),
            class_name: "1班".to_owned(),
            size,
        };
        let classes = [class(2019, 66), class(2020, 58)];
        let bytes = schools_workbook(&[], Some((&classes, 56))).unwrap();
        assert_eq!(sheet(&bytes, "学校明细").len(), 1, "the header only");
        let rows = sheet(&bytes, "班级明细");
        assert_eq!(rows[1][0], Data::Float(2019.0));
        assert_eq!(
            rows[1][1],
            Data::String("0370112001".to_owned()),
            "a code keeps its zero"
        );
        assert_eq!(
            rows[1][2],
            Data::String("=HYPERLINK(\"x\")".to_owned()),
            "never a formula"
        );
        assert_eq!(rows[1][4], Data::String("七年级".to_owned()));
        assert_eq!(rows[2][6], Data::Float(58.0));
        assert!(rows
            .iter()
            .flatten()
            .any(|c| c.to_string().contains("56 人及以上")));
    }

    #[test]
    fn without_classes_there_is_no_classes_sheet() {
        let bytes = schools_workbook(&[], None).unwrap();
        let book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), vec!["学校明细".to_owned()]);
    }
}
