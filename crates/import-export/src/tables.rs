//! What the plan files (`work_plan.rs`, `projects.rs`) share: their columns
//! declared as a table of Chinese headers with the variants bureaus write,
//! a header row recognised against it, cells read by column, and the date
//! forms of a 完成时限.

use chrono::{Datelike, NaiveDate};

use crate::errors::ImportError;
use crate::read::RawTable;

/// One column of a plan file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ColumnSpec {
    /// The header edugov writes.
    pub header: &'static str,
    /// Other headers bureaus write for it (compared after [`normalise`]).
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// A column of a file's table, as the modules declare them.
pub(crate) const fn col(
    header: &'static str,
    aliases: &'static [&'static str],
    required: bool,
) -> ColumnSpec {
    ColumnSpec {
        header,
        aliases,
        required,
    }
}

/// A header as compared: no blanks, brackets, required marks or line breaks,
/// so 分管（县）领导, 分管(县)领导 and `*分管县领导` are one.
pub(crate) fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '（' | '）' | '*' | '＊' | '：' | ':'))
        .collect()
}

fn matches(spec: &ColumnSpec, header: &str) -> bool {
    let header = normalise(header);
    !header.is_empty()
        && (normalise(spec.header) == header || spec.aliases.iter().any(|a| normalise(a) == header))
}

/// How many cells of a row are headers of `specs`.
pub(crate) fn score(specs: &[ColumnSpec], cells: &[String]) -> usize {
    cells
        .iter()
        .filter(|c| specs.iter().any(|s| matches(s, c)))
        .count()
}

/// Reads the table of `what` (项目台账, 任务分解表) from `path` within the
/// thread's `ReadLimits` and at most `max_rows` rows: the header row is the
/// one matching `specs` best, then [`layout`] places the columns.
pub(crate) fn read(
    path: &std::path::Path,
    what: &'static str,
    specs: &[ColumnSpec],
    max_rows: u64,
) -> Result<(RawTable, Vec<Option<usize>>), ImportError> {
    let expected = specs
        .iter()
        .filter(|c| c.required)
        .map(|c| c.header)
        .collect::<Vec<_>>()
        .join("、");
    let table = crate::read::read_raw(path, what, &expected, max_rows, &|cells| score(specs, cells))?;
    let layout = layout(specs, &table, what)?;
    Ok((table, layout))
}

/// Where each column of `specs` is in the table (`None`: absent); refuses a
/// column given twice or a required one missing.
pub(crate) fn layout(
    specs: &[ColumnSpec],
    table: &RawTable,
    what: &'static str,
) -> Result<Vec<Option<usize>>, ImportError> {
    let mut at: Vec<Option<usize>> = vec![None; specs.len()];
    for (index, cell) in table.headers.iter().enumerate() {
        let Some(which) = specs.iter().position(|s| matches(s, cell)) else {
            continue;
        };
        if let Some(first) = at.get(which).copied().flatten() {
            return Err(ImportError::DuplicateColumns {
                file: table.source.file.clone(),
                sheet: table.source.sheet.clone(),
                column: specs.get(which).map(|s| s.header).unwrap_or_default().to_owned(),
                first: format!(
                    "第 {} 列“{}”",
                    crate::limits::column_letters(first as u32),
                    table.headers.get(first).map(String::as_str).unwrap_or_default()
                ),
                second: format!("第 {} 列“{cell}”", crate::limits::column_letters(index as u32)),
            });
        }
        if let Some(slot) = at.get_mut(which) {
            *slot = Some(index);
        }
    }
    let missing: Vec<&'static str> = specs
        .iter()
        .zip(&at)
        .filter(|(s, a)| s.required && a.is_none())
        .map(|(s, _)| s.header)
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingTableColumns {
            file: table.source.file.clone(),
            sheet: table.source.sheet.clone(),
            what,
            missing,
        });
    }
    Ok(at)
}

/// A row's cell of a column, trimmed; empty when the column is absent.
pub(crate) fn cell<'a>(cells: &'a [String], layout: &[Option<usize>], column: usize) -> &'a str {
    layout
        .get(column)
        .copied()
        .flatten()
        .and_then(|i| cells.get(i))
        .map(|c| c.trim())
        .unwrap_or_default()
}

/// The date forms accepted, for messages and docs/plans.md.
pub(crate) const DATE_FORMS: &str =
    "2026-06-30、2026/6/30、2026年6月30日、2026年6月底、2026年6月、6月底（按计划年份）、年底、上半年、第三季度，或 Excel 日期";

/// A date as bureaus write a deadline. `year` fills forms without one
/// (6月底, 年底); without it they are refused.
pub(crate) fn parse_date(text: &str, year: Option<i32>) -> Result<NaiveDate, String> {
    let refuse = || format!("无法识别的日期“{text}”；可写作 {DATE_FORMS}");
    let mut t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    // "6月底前完成": 完成 is the outer word, so it goes first.
    for suffix in ["完成", "之前", "以前", "前"] {
        if let Some(rest) = t.strip_suffix(suffix) {
            t = rest.to_owned();
        }
    }
    if t.is_empty() {
        return Err("缺少日期".into());
    }
    let need_year = || year.ok_or_else(|| format!("日期“{text}”没有年份；请写完整日期，如 2026年6月30日"));
    let end_of_month = |y: i32, m: u32| -> Option<NaiveDate> {
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt())
    };
    // An Excel serial day number (a date cell formatted as a number).
    if t.bytes().all(|b| b.is_ascii_digit()) && t.len() == 5 {
        let serial: i64 = t.parse().map_err(|_| refuse())?;
        let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or_else(refuse)?;
        return base
            .checked_add_signed(chrono::Duration::days(serial))
            .filter(|d| (1990..=2100).contains(&d.year()))
            .ok_or_else(refuse);
    }
    // 2026-06-30, 2026/6/30, 2026.6.30
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    if parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        let y = parts[0].parse::<i32>().ok();
        let m = parts[1].parse::<u32>().ok();
        let d = parts[2].parse::<u32>().ok();
        return match (y, m, d) {
            (Some(y), Some(m), Some(d)) if parts[0].len() == 4 => {
                NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("日期“{text}”不存在"))
            }
            _ => Err(refuse()),
        };
    }
    // Chinese forms: an optional 2026年, then 6月30日 / 6月底 / 6月 / 年底 …
    let (y, rest) = match t.split_once('年') {
        Some((y, rest)) if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) => {
            (y.parse::<i32>().map_err(|_| refuse())?, rest.to_owned())
        }
        _ => (
            need_year().map_err(|e| {
                if t.contains('月') || t.contains('年') || t.contains('季') {
                    e
                } else {
                    refuse()
                }
            })?,
            t.clone(),
        ),
    };
    let rest = rest.trim_start_matches('年');
    match rest {
        "" | "底" | "年底" | "年末" | "末" | "内" | "年内" | "全年" | "下半年" | "12月底" | "四季度"
        | "第四季度" => return NaiveDate::from_ymd_opt(y, 12, 31).ok_or_else(refuse),
        "上半年" | "二季度" | "第二季度" => {
            return NaiveDate::from_ymd_opt(y, 6, 30).ok_or_else(refuse)
        }
        "一季度" | "第一季度" => return NaiveDate::from_ymd_opt(y, 3, 31).ok_or_else(refuse),
        "三季度" | "第三季度" => return NaiveDate::from_ymd_opt(y, 9, 30).ok_or_else(refuse),
        _ => {}
    }
    let Some((m, day)) = rest.split_once('月') else {
        return Err(refuse());
    };
    let m: u32 = m.parse().map_err(|_| refuse())?;
    if !(1..=12).contains(&m) {
        return Err(format!("日期“{text}”的月份不存在"));
    }
    match day {
        "" | "底" | "末" | "内" => end_of_month(y, m).ok_or_else(refuse),
        "初" => NaiveDate::from_ymd_opt(y, m, 10).ok_or_else(refuse),
        "中旬" => NaiveDate::from_ymd_opt(y, m, 20).ok_or_else(refuse),
        _ => {
            let d: u32 = day
                .strip_suffix('日')
                .or_else(|| day.strip_suffix('号'))
                .unwrap_or(day)
                .parse()
                .map_err(|_| refuse())?;
            NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("日期“{text}”不存在"))
        }
    }
}

/// A date as the plan files write it: 2026年6月30日.
pub(crate) fn date_text(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// A number cell: blank is `None`; 1,200 and ５ are read; anything else is
/// an error naming the text.
pub(crate) fn parse_number(text: &str) -> Result<Option<f64>, String> {
    let t: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            _ => c,
        })
        .collect();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| format!("“{text}”不是数字"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn deadlines_are_read_in_the_forms_bureaus_write() {
        let y = Some(2026);
        assert_eq!(parse_date("2026-06-30", None), Ok(d(2026, 6, 30)));
        assert_eq!(parse_date("2026/6/30", None), Ok(d(2026, 6, 30)));
        assert_eq!(parse_date("2026年6月30日", None), Ok(d(2026, 6, 30)));
        assert_eq!(parse_date("2026年6月底前", None), Ok(d(2026, 6, 30)));
        assert_eq!(parse_date("2026年2月", None), Ok(d(2026, 2, 28)));
        assert_eq!(parse_date("6月底", y), Ok(d(2026, 6, 30)));
        assert_eq!(parse_date("9月", y), Ok(d(2026, 9, 30)));
        assert_eq!(parse_date("年底", y), Ok(d(2026, 12, 31)));
        assert_eq!(parse_date("2027年底", y), Ok(d(2027, 12, 31)));
        // The usual wording of a 完成时限 cell.
        assert_eq!(parse_date("2026年6月底前完成", None), Ok(d(2026, 6, 30)));
        assert_eq!(parse_date("年底前完成", y), Ok(d(2026, 12, 31)));
        assert_eq!(parse_date("上半年", y), Ok(d(2026, 6, 30)));
        assert_eq!(parse_date("第三季度", y), Ok(d(2026, 9, 30)));
        // Excel's serial day of 2026-06-30.
        assert_eq!(parse_date("46203", None), Ok(d(2026, 6, 30)));
    }

    #[test]
    fn a_date_that_is_no_date_is_refused_with_the_forms_accepted() {
        assert!(parse_date("长期坚持", Some(2026))
            .unwrap_err()
            .contains("2026年6月30日"));
        assert!(parse_date("2026年2月30日", None).unwrap_err().contains("不存在"));
        assert!(parse_date("6月底", None).unwrap_err().contains("没有年份"));
        assert!(parse_date("2026年13月", None).unwrap_err().contains("月份"));
        assert!(parse_date("99999", None).is_err());
    }

    #[test]
    fn headers_are_one_whatever_their_brackets() {
        assert_eq!(normalise("分管（县）领导"), normalise("分管(县)领导"));
        assert_eq!(normalise("*责任(协同配合)单位\n"), "责任协同配合单位");
    }

    #[test]
    fn numbers_with_separators_are_read_and_words_are_not() {
        assert_eq!(parse_number("1,200"), Ok(Some(1200.0)));
        assert_eq!(parse_number("８５.５"), Ok(Some(85.5)));
        assert_eq!(parse_number(""), Ok(None));
        assert!(parse_number("约80").is_err());
        assert!(parse_number("NaN").is_err());
    }
}
