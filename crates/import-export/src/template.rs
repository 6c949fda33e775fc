//! Empty templates officers fill in: the entity's columns with bold, frozen
//! headers, a note on each header, drop-down lists for closed vocabularies,
//! codes formatted as text, and a 填写说明 sheet.

use std::path::Path;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, Note, Workbook, Worksheet, XlsxError,
};

use crate::entity::{Entity, Kind};
use crate::errors::{file_label, ImportError};

/// Name of the instructions sheet (skipped on import: its headers are no table).
pub const INSTRUCTIONS_SHEET: &str = "填写说明";

/// Rows a drop-down covers: the whole sheet below the header.
const LAST_ROW: u32 = 1_048_575;

/// Writes the empty `.xlsx` template for `entity`.
pub fn write_template(entity: Entity, path: &Path) -> Result<(), ImportError> {
    let mut workbook = Workbook::new();
    fill(&mut workbook, entity)
        .and_then(|_| workbook.save(path))
        .map_err(|e| ImportError::Write {
            file: file_label(path),
            detail: e.to_string(),
        })
}

fn fill(workbook: &mut Workbook, entity: Entity) -> Result<(), XlsxError> {
    let required_header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xFF_F2_CC));
    let optional_header = Format::new().set_bold();
    let text = Format::new().set_num_format("@");

    let sheet = workbook.add_worksheet();
    sheet.set_name(entity.label_zh())?;
    for (col, column) in (0u16..).zip(entity.columns()) {
        let spec = column.field.spec();
        let header_format = if column.required {
            &required_header
        } else {
            &optional_header
        };
        sheet.set_column_width(col, spec.width)?;
        if matches!(spec.kind, Kind::Code | Kind::Text) {
            // Keeps 身份证号 and codes as typed instead of 3.70102E+17.
            sheet.set_column_format(col, &text)?;
        }
        sheet.write_string_with_format(0, col, spec.header, header_format)?;
        let required = if column.required { "必填" } else { "选填" };
        let note = Note::new(format!("【{required}】{}", spec.note))
            .add_author_prefix(false)
            .set_width(260);
        sheet.insert_note(0, col, &note)?;
        add_validation(sheet, col, spec.kind)?;
    }
    sheet.set_freeze_panes(1, 0)?;

    let guide = workbook.add_worksheet();
    guide.set_name(INSTRUCTIONS_SHEET)?;
    write_guide(guide, entity, &optional_header)?;
    Ok(())
}

fn add_validation(sheet: &mut Worksheet, col: u16, kind: Kind) -> Result<(), XlsxError> {
    let validation = match kind {
        Kind::Choice(values) => DataValidation::new()
            .allow_list_strings(&values())?
            .set_error_title("请从下拉列表中选择")?
            .set_error_message("该列只能填写下拉列表中的值")?,
        // Several stages may be written (小学、初中): offer the list, accept more.
        Kind::MultiChoice(values) => DataValidation::new()
            .allow_list_strings(&values())?
            .set_error_style(DataValidationErrorStyle::Information)
            .set_input_title("可填多个学段")?
            .set_input_message("开设多个学段时用顿号分隔，如 小学、初中")?,
        Kind::Flag => DataValidation::new()
            .allow_list_strings(&["是", "否"])?
            .set_error_title("请填写“是”或“否”")?
            .set_error_message("该列只能填写“是”或“否”")?,
        Kind::Integer => DataValidation::new()
            .allow_whole_number(rust_xlsxwriter::DataValidationRule::GreaterThanOrEqualTo(0))
            .set_error_title("请填写非负整数")?
            .set_error_message("该列只能填写 0 或正整数")?,
        Kind::Text | Kind::Code | Kind::Decimal | Kind::Date => return Ok(()),
    };
    sheet.add_data_validation(1, col, LAST_ROW, col, &validation)?;
    Ok(())
}

fn write_guide(sheet: &mut Worksheet, entity: Entity, bold: &Format) -> Result<(), XlsxError> {
    let wrap = Format::new().set_text_wrap();
    let headers = ["列名", "是否必填", "说明", "可填的值", "也可使用的列名"];
    let widths = [18.0, 10.0, 60.0, 40.0, 36.0];
    for (col, (header, width)) in (0u16..).zip(headers.iter().zip(widths)) {
        sheet.set_column_width(col, width)?;
        sheet.write_string_with_format(0, col, *header, bold)?;
    }
    let mut row = 1u32;
    for column in entity.columns() {
        let spec = column.field.spec();
        let values = match spec.kind {
            Kind::Choice(values) | Kind::MultiChoice(values) => values().join("、"),
            Kind::Flag => "是、否".to_owned(),
            Kind::Integer => "非负整数".to_owned(),
            Kind::Decimal => "数字".to_owned(),
            Kind::Date => "日期".to_owned(),
            Kind::Code | Kind::Text => String::new(),
        };
        sheet.write_string(row, 0, spec.header)?;
        sheet.write_string(row, 1, if column.required { "必填" } else { "选填" })?;
        sheet.write_string_with_format(row, 2, spec.note, &wrap)?;
        sheet.write_string_with_format(row, 3, values, &wrap)?;
        sheet.write_string_with_format(row, 4, spec.aliases.join("、"), &wrap)?;
        row += 1;
    }
    row += 1;
    let general = [
        "1. 第一行是表头，请勿改动列名；选填列可以删除，多出的列导入时忽略。",
        "2. 身份证号、学校标识码、行政区划代码请按文本格式填写，以免 Excel 改成科学计数法或去掉前导零。",
        "3. 一个工作簿可以包含多个工作表（如 学校、班级、学生），导入时按表头自动识别；本“填写说明”工作表会被忽略。",
        "4. 导入前会逐行检查全部数据；只要发现错误就不写入任何数据，请按错误报告修改后重新导入。",
        "5. 同一学校、班级、学生再次导入时更新原有数据，不会重复。",
    ];
    for line in general {
        sheet.write_string(row, 0, line)?;
        row += 1;
    }
    let one_pupil = format!(
        "6. 给某班新增一名学生，只需导入只含这名学生一行的学生表，并勾选“{}”（命令行加 --update-class-sizes）：该班班额随名单自动加一，无需先改班级表。",
        crate::UPDATE_CLASS_SIZES_LABEL
    );
    sheet.write_string(row, 0, one_pupil)?;
    Ok(())
}
