//! 居民身份证号码 — the 18-character resident identity number (GB 11643-1999).
//!
//! Rule (rules.md, "Resident identity number", verified): 6-digit area code,
//! 8-digit birth date, 3-digit sequence (odd = male), 1 check character
//! `"10X98765432"[Σ aᵢ·Wᵢ mod 11]`. Registries also reject birth dates in
//! the future, before 1900, or that do not exist, and area codes that never
//! named a county-level unit (GB/T 2260 since 1980, current or abolished:
//! `crate::id_area_codes`). Residence permits of Hong Kong, Macao and
//! Taiwan residents open with exactly `810000`, `820000` or `830000`.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::codes::Sex;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// GB/T 2260 province-level codes, plus 81–83 used by residence permits of
/// Hong Kong, Macao and Taiwan residents (whose area code is the province's
/// own, `810000` …).
const PROVINCES: [&str; 35] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
    "83",
];

/// Province codes of residence permits (港澳台居民居住证).
const RESIDENCE_PERMITS: [&str; 3] = ["81", "82", "83"];

/// A valid identity number, canonical form (upper-case `X`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IdNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("身份证号应为 18 位（现为 {0} 位）")]
    Length(usize),
    #[error("身份证号前 17 位应为数字，末位为数字或 X")]
    Characters,
    #[error("身份证号地区码“{0}”不是有效的省级代码")]
    Area(String),
    #[error("身份证号前 6 位 {0} 不是有效的县级行政区划代码")]
    County(String),
    #[error("身份证号中的出生日期“{0}”不存在")]
    BirthDateInvalid(String),
    #[error("身份证号中的出生日期“{0}”不在 1900 年至今之间")]
    BirthDateOutOfRange(String),
    #[error("身份证号校验位错误：应为 {expected}，实为 {actual}")]
    CheckDigit { expected: char, actual: char },
}

/// Eighteen characters, seventeen digits and a digit or X: the body and the
/// last character (upper case).
fn shape(text: &str) -> Result<(&[u8], u8), IdNumberError> {
    let len = text.chars().count();
    if len != 18 {
        return Err(IdNumberError::Length(len));
    }
    let (body, last) = text.as_bytes().split_at(17);
    let last = last.first().map(|b| b.to_ascii_uppercase()).unwrap_or(b'?');
    if !body.iter().all(u8::is_ascii_digit) || !(last.is_ascii_digit() || last == b'X') {
        return Err(IdNumberError::Characters);
    }
    Ok((body, last))
}

/// The number, upper case, if its check digit is right (GB 11643).
fn checked(text: &str, body: &[u8], last: u8) -> Result<IdNumber, IdNumberError> {
    let expected = check_char(body);
    if expected != last {
        return Err(IdNumberError::CheckDigit {
            expected: expected as char,
            actual: last as char,
        });
    }
    let mut canonical = text.to_owned();
    canonical.make_ascii_uppercase();
    Ok(IdNumber(canonical))
}

impl IdNumber {
    /// Validates `text` as of `today` (birth dates after it are impossible).
    pub fn parse(text: &str, today: NaiveDate) -> Result<IdNumber, IdNumberError> {
        let text = text.trim();
        let (body, last) = shape(text)?;
        let (province, area) = (&text[..2], &text[..6]);
        if !PROVINCES.contains(&province) {
            return Err(IdNumberError::Area(area.to_owned()));
        }
        let residence_permit = RESIDENCE_PERMITS.contains(&province);
        let issued = if residence_permit {
            &area[2..] == "0000"
        } else {
            crate::id_area_codes::is_issuing_area(area)
        };
        if !issued {
            return Err(IdNumberError::County(area.to_owned()));
        }
        let birth = &text[6..14];
        let date = NaiveDate::parse_from_str(birth, "%Y%m%d")
            .map_err(|_| IdNumberError::BirthDateInvalid(birth.to_owned()))?;
        if date.year() < 1900 || date > today {
            return Err(IdNumberError::BirthDateOutOfRange(birth.to_owned()));
        }
        checked(text, body, last)
    }

    /// A number as the store kept it: validated when it was imported, under
    /// the rules of that version. Read back, only its shape and check digit
    /// are checked — a later, stricter rule (the county-code list) must not
    /// make a stored registry unreadable.
    pub fn from_stored(text: &str) -> Result<IdNumber, IdNumberError> {
        let text = text.trim();
        let (body, last) = shape(text)?;
        let birth = &text[6..14];
        NaiveDate::parse_from_str(birth, "%Y%m%d")
            .map_err(|_| IdNumberError::BirthDateInvalid(birth.to_owned()))?;
        checked(text, body, last)
    }

    /// Builds a valid number from its parts; used by the demo generator.
    /// `sequence` is 0–999; its parity is forced to agree with `sex`.
    pub fn compose(area: &str, birth_date: NaiveDate, sequence: u16, sex: Sex) -> IdNumber {
        let mut seq = sequence % 1000;
        let odd = seq % 2 == 1;
        if odd != (sex == Sex::Male) {
            seq = if seq == 999 { 998 } else { seq + 1 };
        }
        let body = format!("{:0>6.6}{}{:03}", area, birth_date.format("%Y%m%d"), seq);
        let check = check_char(body.as_bytes()) as char;
        IdNumber(format!("{body}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit area code of first registration.
    pub fn area_prefix(&self) -> &str {
        &self.0[..6]
    }

    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").unwrap_or_default()
    }

    pub fn sex(&self) -> Sex {
        let digit = self.0.as_bytes().get(16).copied().unwrap_or(b'0');
        if (digit - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// `370102********123X`: area code and last four shown, birth date hidden.
    pub fn masked(&self) -> String {
        crate::mask::id_number(&self.0)
    }
}

/// Debug never prints the number: it would end up in logs.
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

fn check_char(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn check(text: &str) -> String {
        match IdNumber::parse(text, today()) {
            Ok(id) => format!("valid {} {} {:?}", id.masked(), id.birth_date(), id.sex()),
            Err(e) => format!("invalid {e}"),
        }
    }

    #[test]
    fn gb11643_examples() {
        // The worked example of GB 11643-1999 appendix (11010519491231002X).
        assert_eq!(
            check("11010519491231002X"),
            "valid 110105********002X 1949-12-31 Female"
        );
        assert_eq!(
            check("11010519491231002x"),
            "valid 110105********002X 1949-12-31 Female"
        );
        assert_eq!(
            check("110105194912310021"),
            "invalid 身份证号校验位错误：应为 X，实为 1"
        );
        assert_eq!(
            check("44052418800101001"),
            "invalid 身份证号应为 18 位（现为 17 位）"
        );
        assert_eq!(
            check("4405241880010100A1"),
            "invalid 身份证号前 17 位应为数字，末位为数字或 X"
        );
        assert_eq!(
            check("990524198001010011"),
            "invalid 身份证号地区码“990524”不是有效的省级代码"
        );
        assert_eq!(
            check("370102201702300010"),
            "invalid 身份证号中的出生日期“20170230”不存在"
        );
        assert_eq!(
            check("370102203001010010"),
            "invalid 身份证号中的出生日期“20300101”不在 1900 年至今之间"
        );
    }

    #[test]
    fn a_county_code_that_never_existed_is_refused() {
        // Checksum and birth date right; 济南 (3701) never had a county 99.
        assert_eq!(
            check("370199201503041237"),
            "invalid 身份证号前 6 位 370199 不是有效的县级行政区划代码"
        );
        // City- and province-level codes are not where a number is issued.
        let birth = NaiveDate::from_ymd_opt(2015, 3, 4).unwrap();
        for area in ["370100", "370000", "371799", "710000", "810100"] {
            let id = IdNumber::compose(area, birth, 123, Sex::Male);
            assert_eq!(
                check(id.as_str()),
                format!("invalid 身份证号前 6 位 {area} 不是有效的县级行政区划代码"),
            );
        }
    }

    #[test]
    fn current_historical_and_residence_permit_codes_are_accepted() {
        let birth = NaiveDate::from_ymd_opt(1980, 5, 17).unwrap();
        // 370102 历下区 (current); 370121 历城县, which became 历城区 (370112)
        // in 1987 — its people kept their numbers; 441900 东莞, a city without
        // counties; 810000 a Hong Kong resident's residence permit.
        for area in ["370102", "370121", "441900", "810000"] {
            let id = IdNumber::compose(area, birth, 123, Sex::Male);
            assert!(
                check(id.as_str()).starts_with("valid"),
                "{area}: {}",
                check(id.as_str())
            );
        }
    }

    #[test]
    fn composed_numbers_are_valid_and_carry_their_parts() {
        let birth = NaiveDate::from_ymd_opt(2016, 2, 29).unwrap();
        for seq in [0, 1, 998, 999] {
            for sex in [Sex::Male, Sex::Female] {
                let id = IdNumber::compose("370102", birth, seq, sex);
                let parsed = IdNumber::parse(id.as_str(), today()).unwrap();
                assert_eq!(parsed.birth_date(), birth);
                assert_eq!(parsed.sex(), sex);
                assert_eq!(parsed.area_prefix(), "370102");
            }
        }
    }

    #[test]
    fn debug_output_is_masked() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert_eq!(format!("{id:?}"), "IdNumber(110105********002X)");
    }
}
