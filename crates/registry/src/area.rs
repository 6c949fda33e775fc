//! 行政区划 — areas identified by their statistical division code.

use std::fmt;

use crate::ParseError;

/// Province, city, county, township, village: codes of 2, 4, 6, 9 and 12 digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    Province,
    City,
    County,
    Township,
    Village,
}

impl AreaLevel {
    pub fn code_len(self) -> usize {
        match self {
            AreaLevel::Province => 2,
            AreaLevel::City => 4,
            AreaLevel::County => 6,
            AreaLevel::Township => 9,
            AreaLevel::Village => 12,
        }
    }

    pub fn from_code_len(len: usize) -> Option<AreaLevel> {
        Some(match len {
            2 => AreaLevel::Province,
            4 => AreaLevel::City,
            6 => AreaLevel::County,
            9 => AreaLevel::Township,
            12 => AreaLevel::Village,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AreaLevel::Province => "province",
            AreaLevel::City => "city",
            AreaLevel::County => "county",
            AreaLevel::Township => "township",
            AreaLevel::Village => "village",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            AreaLevel::Province => "省",
            AreaLevel::City => "市",
            AreaLevel::County => "区县",
            AreaLevel::Township => "乡镇街道",
            AreaLevel::Village => "村居",
        }
    }
}

/// A statistical division code (统计用区划代码), digits only, 2–12 long.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct AreaCode(String);

impl AreaCode {
    pub fn parse(text: &str) -> Result<AreaCode, ParseError> {
        let text = text.trim();
        if !text.bytes().all(|b| b.is_ascii_digit()) || AreaLevel::from_code_len(text.len()).is_none() {
            return Err(ParseError::new(format!(
                "行政区划代码“{text}”应为 2、4、6、9 或 12 位数字"
            )));
        }
        Ok(AreaCode(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> AreaLevel {
        // Parsing guarantees a valid length.
        AreaLevel::from_code_len(self.0.len()).unwrap_or(AreaLevel::Village)
    }

    /// The enclosing area one level up, or `None` for a province.
    pub fn parent(&self) -> Option<AreaCode> {
        let len = match self.level() {
            AreaLevel::Province => return None,
            AreaLevel::City => 2,
            AreaLevel::County => 4,
            AreaLevel::Township => 6,
            AreaLevel::Village => 9,
        };
        Some(AreaCode(self.0[..len].to_owned()))
    }

    /// The enclosing area at `level` (itself if already there).
    pub fn ancestor(&self, level: AreaLevel) -> Option<AreaCode> {
        let len = level.code_len();
        (len <= self.0.len()).then(|| AreaCode(self.0[..len].to_owned()))
    }

    /// True when `self` is `other` or lies inside it.
    pub fn is_within(&self, other: &AreaCode) -> bool {
        self.0.starts_with(other.as_str())
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Ordinary divisions, or the county-level development zones (开发区、高新区)
/// that bureaus treat as districts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    Regular,
    Zone,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Area {
    pub code: AreaCode,
    pub name: String,
    pub kind: AreaKind,
}

impl Area {
    pub fn level(&self) -> AreaLevel {
        self.code.level()
    }
}

/// County-level codes 71–79 are the statistical code block for development
/// zones (e.g. 370176 济南高新技术产业开发区).
pub fn kind_of(code: &AreaCode) -> AreaKind {
    let s = code.as_str();
    if code.level() == AreaLevel::County && s.as_bytes().get(4) == Some(&b'7') {
        AreaKind::Zone
    } else {
        AreaKind::Regular
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_code_knows_its_level_and_parents() {
        let village = AreaCode::parse("370102001002").unwrap();
        assert_eq!(village.level(), AreaLevel::Village);
        assert_eq!(village.parent().unwrap().as_str(), "370102001");
        assert_eq!(village.ancestor(AreaLevel::City).unwrap().as_str(), "3701");
        assert!(village.is_within(&AreaCode::parse("370102").unwrap()));
        assert!(!village.is_within(&AreaCode::parse("370103").unwrap()));
    }

    #[test]
    fn area_code_rejects_odd_lengths_and_letters() {
        assert!(AreaCode::parse("37010").is_err());
        assert!(AreaCode::parse("37a1").is_err());
    }

    #[test]
    fn development_zones_are_recognised_by_code_block() {
        assert_eq!(kind_of(&AreaCode::parse("370176").unwrap()), AreaKind::Zone);
        assert_eq!(kind_of(&AreaCode::parse("370102").unwrap()), AreaKind::Regular);
    }
}
