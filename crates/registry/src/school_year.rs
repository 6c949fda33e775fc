//! 学年 — a school year, September to August, named by its first year.

use std::fmt;

use crate::ParseError;

/// `SchoolYear(2024)` is "2024—2025学年".
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct SchoolYear(pub u16);

impl SchoolYear {
    pub const MIN: u16 = 1949;
    pub const MAX: u16 = 2100;

    /// Accepts `2024`, `2024-2025`, `2024—2025`, `2024—2025学年` and `2024学年`.
    pub fn parse(text: &str) -> Result<SchoolYear, ParseError> {
        let text = text.trim().trim_end_matches("学年").trim();
        let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
        let rest = text[digits.len()..].trim_start_matches(['-', '—', '–', '/', '至']);
        let first: u16 = digits
            .parse()
            .map_err(|_| ParseError::new(format!("学年“{text}”无法识别，应写作 2024 或 2024—2025")))?;
        if !rest.is_empty() {
            let second: u16 = rest
                .parse()
                .map_err(|_| ParseError::new(format!("学年“{text}”无法识别，应写作 2024 或 2024—2025")))?;
            if second != first + 1 {
                return Err(ParseError::new(format!("学年“{text}”前后年份不连续")));
            }
        }
        if !(Self::MIN..=Self::MAX).contains(&first) {
            return Err(ParseError::new(format!("学年 {first} 超出范围")));
        }
        Ok(SchoolYear(first))
    }

    pub fn label_zh(self) -> String {
        format!("{}—{}学年", self.0, self.0 + 1)
    }
}

impl fmt::Display for SchoolYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_year_accepts_the_ways_bureaus_write_it() {
        for text in ["2024", "2024-2025", "2024—2025学年", " 2024学年 ", "2024/2025"] {
            assert_eq!(SchoolYear::parse(text), Ok(SchoolYear(2024)), "{text}");
        }
        assert_eq!(SchoolYear(2024).label_zh(), "2024—2025学年");
    }

    #[test]
    fn school_year_rejects_gaps_and_garbage() {
        assert!(SchoolYear::parse("2024-2026").is_err());
        assert!(SchoolYear::parse("二〇二四").is_err());
        assert!(SchoolYear::parse("").is_err());
        assert!(SchoolYear::parse("1800").is_err());
    }
}
