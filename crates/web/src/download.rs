//! Files the pages send to be saved (workbooks): the `Content-Disposition`
//! that names them in Chinese — `filename*=UTF-8''…` (RFC 6266, RFC 5987)
//! with an ASCII `filename="…"` for clients that read only that — and the
//! answer itself. Every export (indicator, schools behind a figure, a
//! school's page) calls [`attachment`] or [`xlsx`], so file names never
//! differ in how they are written.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The media type of an `.xlsx` workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The `Content-Disposition` value that saves a download as `filename`
/// (any text, e.g. `历城区-大班额班级数-2019至2024学年.xlsx`): the name
/// percent-encoded as UTF-8 in `filename*`, and in `filename` the same
/// with every character outside printable ASCII (and `"`, `\`, `%`, `/`)
/// replaced by `_`, runs of them by one — `_-_-2019_.xlsx` at worst, but a
/// valid name.
pub fn attachment(filename: &str) -> String {
    attachment_with_fallback(filename, filename)
}

/// As [`attachment`], with a readable ASCII name for old clients
/// (`large_class_count-370112-2019-2024.xlsx`); it is made safe the same
/// way.
pub fn attachment_with_fallback(filename: &str, fallback: &str) -> String {
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_fallback(fallback),
        percent_encode(filename)
    )
}

/// A workbook answer saved as `filename`, `fallback` for old clients
/// ([`attachment_with_fallback`]).
pub fn xlsx(filename: &str, fallback: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                attachment_with_fallback(filename, fallback),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The names of a figure's workbook: (Chinese name, ASCII fallback), e.g.
/// (`历城区-大班额班级数-2019至2024学年.xlsx`,
/// `large_class_count-370112-2019-2024.xlsx`); `part` (学校明细 /
/// `schools`) names a part of the figure. `years` in order; one year is
/// named as the school year (`2024—2025学年`).
pub fn figure_filenames(
    area_name: &str,
    area_code: &str,
    indicator: &indicators::Indicator,
    part: Option<(&str, &str)>,
    years: &[registry::SchoolYear],
) -> (String, String) {
    let (first, last) = match (years.first(), years.last()) {
        (Some(first), Some(last)) => (*first, *last),
        _ => {
            return (
                format!("{area_name}-{}.xlsx", indicator.name_zh),
                format!("{}-{area_code}.xlsx", indicator.code),
            )
        }
    };
    let (years_zh, years_ascii) = if first == last {
        (first.label_zh(), first.0.to_string())
    } else {
        (
            format!("{}至{}学年", first.0, last.0),
            format!("{}-{}", first.0, last.0),
        )
    };
    let (part_zh, part_ascii) = match part {
        Some((zh, ascii)) => (format!("-{zh}"), format!("-{ascii}")),
        None => (String::new(), String::new()),
    };
    (
        format!("{area_name}-{}{part_zh}-{years_zh}.xlsx", indicator.name_zh),
        format!("{}-{area_code}{part_ascii}-{years_ascii}.xlsx", indicator.code),
    )
}

/// `filename` in printable ASCII without quote, backslash, percent or slash.
fn ascii_fallback(filename: &str) -> String {
    let mut out = String::with_capacity(filename.len());
    for c in filename.chars() {
        let plain = c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '%' | '/') || c == ' ';
        if plain {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out
}

/// RFC 5987 `value-chars`: `attr-char` as is, every other byte as `%XX`.
fn percent_encode(text: &str) -> String {
    const ATTR_CHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(text, ATTR_CHAR).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chinese_name_is_percent_encoded_with_an_ascii_fallback() {
        let value = attachment("历城区-大班额班级数-2019至2024学年.xlsx");
        assert_eq!(
            value,
            "attachment; filename=\"_-_-2019_2024_.xlsx\"; \
             filename*=UTF-8''%E5%8E%86%E5%9F%8E%E5%8C%BA-%E5%A4%A7%E7%8F%AD%E9%A2%9D%E7%8F%AD%E7%BA%A7%E6%95%B0-2019%E8%87%B32024%E5%AD%A6%E5%B9%B4.xlsx"
        );
    }

    #[test]
    fn quotes_and_separators_cannot_break_out_of_the_header() {
        let value = attachment("a\"b\\c/d%e;f\r\ng.xlsx");
        assert_eq!(
            value,
            "attachment; filename=\"a_b_c_d_e;f_g.xlsx\"; filename*=UTF-8''a%22b%5Cc%2Fd%25e%3Bf%0D%0Ag.xlsx"
        );
        assert!(axum::http::HeaderValue::from_str(&value).is_ok());
    }

    #[test]
    fn a_given_fallback_is_used_and_made_safe_too() {
        assert_eq!(
            attachment_with_fallback("历城区.xlsx", "370112 \"x\".xlsx"),
            "attachment; filename=\"370112 _x_.xlsx\"; filename*=UTF-8''%E5%8E%86%E5%9F%8E%E5%8C%BA.xlsx"
        );
    }

    #[test]
    fn a_figure_is_named_by_area_indicator_part_and_years() {
        let indicator = indicators::find("large_class_count").unwrap();
        let years = [
            registry::SchoolYear(2019),
            registry::SchoolYear(2020),
            registry::SchoolYear(2024),
        ];
        assert_eq!(
            figure_filenames("历城区", "370112", indicator, None, &years),
            (
                "历城区-大班额班级数-2019至2024学年.xlsx".to_owned(),
                "large_class_count-370112-2019-2024.xlsx".to_owned()
            )
        );
        assert_eq!(
            figure_filenames(
                "历城区",
                "370112",
                indicator,
                Some(("学校明细", "schools")),
                &years[2..]
            ),
            (
                "历城区-大班额班级数-学校明细-2024—2025学年.xlsx".to_owned(),
                "large_class_count-370112-schools-2024.xlsx".to_owned()
            )
        );
    }

    #[test]
    fn an_ascii_name_is_kept_whole_in_both_forms() {
        assert_eq!(
            attachment("large_class_count-3701-2024.xlsx"),
            "attachment; filename=\"large_class_count-3701-2024.xlsx\"; filename*=UTF-8''large_class_count-3701-2024.xlsx"
        );
    }
}
