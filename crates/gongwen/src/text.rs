//! The 公文's text rules that do not depend on Word: heading numbers
//! (一、 · （一） · 1. · （1）), the 成文日期 in Arabic numerals, Chinese
//! numerals, and the characters XML 1.0 cannot carry.

use chrono::{Datelike, NaiveDate};

/// Counts headings by level and gives each its number. A heading resets the
/// counts of every level below it.
#[derive(Debug, Default, Clone)]
pub(crate) struct HeadingCounter {
    counts: [u32; 4],
}

impl HeadingCounter {
    /// The number of the next heading of `level` (taken into 1..=4), e.g.
    /// "一、", "（二）", "3.", "（4）".
    pub(crate) fn next(&mut self, level: u8) -> String {
        let index = usize::from(level.clamp(1, 4)) - 1;
        self.counts[index] = self.counts[index].saturating_add(1);
        for lower in &mut self.counts[index + 1..] {
            *lower = 0;
        }
        let n = self.counts[index];
        match index {
            0 => format!("{}、", chinese_numeral(n)),
            1 => format!("（{}）", chinese_numeral(n)),
            2 => format!("{n}."),
            _ => format!("（{n}）"),
        }
    }
}

/// A positive number in Chinese numerals as headings write it: 一, 十, 十一,
/// 二十, 一百零五. Any `u32` works (0 is 〇).
pub(crate) fn chinese_numeral(n: u32) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    const UNITS: [&str; 4] = ["", "十", "百", "千"];
    const GROUPS: [&str; 3] = ["", "万", "亿"];
    if n == 0 {
        return "〇".to_string();
    }
    // Groups of four digits, lowest first: 1_2345_6789 → [6789, 2345, 1].
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 10_000);
        rest /= 10_000;
    }
    let mut out = String::new();
    let mut pending_zero = false;
    for (g, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            pending_zero = !out.is_empty();
            continue;
        }
        if !out.is_empty() && (pending_zero || group < 1000) {
            out.push('零');
        }
        pending_zero = false;
        let digits = [group / 1000, group / 100 % 10, group / 10 % 10, group % 10];
        let mut zero = false;
        let mut started = false;
        for (i, &d) in digits.iter().enumerate() {
            let unit = UNITS[3 - i];
            if d == 0 {
                zero = started;
                continue;
            }
            if zero {
                out.push('零');
                zero = false;
            }
            // 十一, not 一十一, when the whole number starts with a ten.
            let leading_ten = d == 1 && unit == "十" && out.is_empty() && !started;
            if !leading_ten {
                out.push(DIGITS[d as usize]);
            }
            out.push_str(unit);
            started = true;
        }
        out.push_str(GROUPS[g]);
    }
    out
}

/// The 成文日期 as GB/T 9704-2012 writes it: Arabic numerals, no padding
/// zeros — "2026年7月1日".
pub fn chinese_date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// `text` without the characters XML 1.0 forbids (C0 controls other than
/// tab, line feed and carriage return; U+FFFE and U+FFFF), which Word refuses
/// to open. Carriage returns go too: a line break is `\n`.
pub(crate) fn xml_safe(text: &str) -> String {
    text.chars()
        .filter(|&c| match c {
            '\t' | '\n' => true,
            '\u{FFFE}' | '\u{FFFF}' => false,
            c => c >= '\u{20}',
        })
        .collect()
}

/// The width of `text` in Chinese characters: a full-width character counts
/// 1, an ASCII one ½ (digits of a date are half-width).
pub(crate) fn width_in_chars(text: &str) -> f64 {
    text.chars().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_read_as_headings_write_them() {
        let cases = [
            (1, "一"),
            (9, "九"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (21, "二十一"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
            (1001, "一千零一"),
            (10_000, "一万"),
            (10_005, "一万零五"),
            (20_300, "二万零三百"),
            (1_0000_0000, "一亿"),
        ];
        for (n, expected) in cases {
            assert_eq!(chinese_numeral(n), expected, "{n}");
        }
        // Any u32 gives something, never a panic.
        assert!(!chinese_numeral(u32::MAX).is_empty());
    }

    #[test]
    fn headings_are_numbered_by_level_and_a_higher_heading_restarts_the_lower_counts() {
        let mut c = HeadingCounter::default();
        assert_eq!(c.next(1), "一、");
        assert_eq!(c.next(2), "（一）");
        assert_eq!(c.next(2), "（二）");
        assert_eq!(c.next(3), "1.");
        assert_eq!(c.next(4), "（1）");
        assert_eq!(c.next(4), "（2）");
        assert_eq!(c.next(3), "2.");
        assert_eq!(c.next(4), "（1）");
        assert_eq!(c.next(1), "二、");
        assert_eq!(c.next(2), "（一）");
        // Out-of-range levels are the nearest level.
        assert_eq!(c.next(0), "三、");
        assert_eq!(c.next(9), "（1）");
    }

    #[test]
    fn the_date_has_arabic_numerals_without_padding_zeros() {
        let date = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or_default();
        assert_eq!(chinese_date(date), "2026年7月1日");
    }

    #[test]
    fn characters_xml_forbids_are_dropped_and_line_breaks_kept() {
        assert_eq!(
            xml_safe("开工\u{0}率\u{7}82.5%\r\n\t\u{FFFF}完"),
            "开工率82.5%\n\t完"
        );
    }
}
