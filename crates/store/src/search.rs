//! What a school page's student search box means: `二年级3班`, `二年级 3班`,
//! `初一2班`, a grade alone (`二年级`), a class alone (`3班`), or a name as
//! it is shown masked (`张*明`).
//!
//! A leading grade label (小班/中班/大班, 一年级…九年级, 初一…初三, 高一…高三,
//! or `2年级`) is read as the grade; what follows it is a class of that grade
//! (`3班`, `3`, `（3）班`, matched whole) or part of a masked name. Text
//! without a grade label is matched, as before, against class names and
//! masked names anywhere in them. [`StudentSearch`] is parsed here once, so
//! every store implementation reads the box alike; its texts are values to
//! bind, never SQL.

use registry::Grade;

/// Spellings of a grade that are not [`Grade::name_zh`]: 初中 years and
/// the numbered form.
const GRADE_ALIASES: &[(&str, i8)] = &[("初一", 7), ("初二", 8), ("初三", 9)];

/// A parsed search of a school's students.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentSearch {
    /// The grade named at the start of the text, if any.
    pub grade: Option<Grade>,
    /// The rest of the text (whitespace removed, full-width digits and
    /// brackets made plain); `None` when only a grade was named.
    pub text: Option<String>,
    /// With a grade, the class the rest names (`3班` for `3`, `3班` or
    /// `（3）班`); `None` without a grade, or when the rest is no class.
    pub class: Option<String>,
    /// With a grade, the whole text as one class name (`二年级3班`), for
    /// schools whose class names carry their grade.
    pub whole: Option<String>,
}

impl StudentSearch {
    /// Reads a search box; `None` when it holds nothing to search for.
    pub fn parse(input: &str) -> Option<StudentSearch> {
        let plain = normalise(input);
        if plain.is_empty() {
            return None;
        }
        let Some((grade, rest)) = leading_grade(&plain) else {
            return Some(StudentSearch {
                grade: None,
                text: Some(plain),
                class: None,
                whole: None,
            });
        };
        let class = class_name(rest);
        Some(StudentSearch {
            grade: Some(grade),
            text: (!rest.is_empty()).then(|| rest.to_owned()),
            whole: class.is_some().then(|| plain.clone()),
            class,
        })
    }
}

/// The text without whitespace, with full-width digits, letters and
/// brackets made half-width (`（３）` → `(3)`).
fn normalise(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
            }
            '（' => '(',
            '）' => ')',
            _ => c,
        })
        .collect()
}

/// A grade label at the start of `text` and what follows it.
fn leading_grade(text: &str) -> Option<(Grade, &str)> {
    for g in -2..=12i8 {
        let grade = Grade(g);
        if let Some(rest) = grade.name_zh().and_then(|name| text.strip_prefix(name)) {
            return Some((grade, rest));
        }
    }
    for (label, g) in GRADE_ALIASES {
        if let Some(rest) = text.strip_prefix(label) {
            return Some((Grade(*g), rest));
        }
    }
    // `2年级`, `12年级`.
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let rest = text[digits..].strip_prefix("年级")?;
    match text[..digits].parse::<i8>() {
        Ok(g) if (1..=12).contains(&g) => Some((Grade(g), rest)),
        _ => None,
    }
}

/// The class name `rest` names after a grade: `3班`, `3` and `(3)班` are
/// all `3班`; other text is kept as written; nothing names no class.
fn class_name(rest: &str) -> Option<String> {
    if rest.is_empty() {
        return None;
    }
    let bare = rest.strip_suffix('班').unwrap_or(rest);
    let bare = bare
        .strip_prefix('(')
        .and_then(|b| b.strip_suffix(')'))
        .unwrap_or(bare);
    if !bare.is_empty() && bare.chars().all(|c| c.is_ascii_digit()) {
        // `03班` is the 3rd class as well.
        let number = bare.trim_start_matches('0');
        let number = if number.is_empty() { "0" } else { number };
        return Some(format!("{number}班"));
    }
    Some(rest.to_owned())
}

/// How a backend's `LIKE` compares ASCII letters, and so how the patterns
/// of [`SearchParams`] spell them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Letters {
    /// The backend folds ASCII case itself (SQLite's `LIKE`): patterns as typed.
    AsTyped,
    /// The column side is folded to lower case (PostgreSQL's `translate`):
    /// patterns in lower case too.
    Folded,
}

/// A search box as the values a backend's statements bind after the school
/// code and year: the grade, a LIKE pattern over masked names, one over
/// class names, and the whole text as a class name. The texts are bound
/// parameters, never SQL, and `%`, `_` and `\` in them are escaped so they
/// match themselves (`ESCAPE '\'`). Shared by every store backend, so
/// the box is read alike by all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SearchParams {
    pub grade: Option<i32>,
    /// `%text%`, over the masked name; `None`: no text, only a grade.
    pub name: Option<String>,
    /// Without a grade `%text%`; with one, the class it names, matched whole.
    pub class: Option<String>,
    /// With a grade, the whole text matched whole (`二年级3班`).
    pub whole: Option<String>,
}

impl SearchParams {
    pub fn new(search: Option<&str>, letters: Letters) -> SearchParams {
        let Some(search) = search.and_then(StudentSearch::parse) else {
            return SearchParams {
                grade: None,
                name: None,
                class: None,
                whole: None,
            };
        };
        let exactly = |text: &str| like_escaped(text, letters);
        let anywhere = |text: &str| format!("%{}%", exactly(text));
        let name = search.text.as_deref().map(anywhere);
        let class = match search.grade {
            None => name.clone(),
            Some(_) => search.class.as_deref().map(exactly),
        };
        SearchParams {
            grade: search.grade.map(|g| i32::from(g.0)),
            name,
            class,
            whole: search.whole.as_deref().map(exactly),
        }
    }

    /// Whether the statement needs the search's conditions at all.
    pub fn searching(&self) -> bool {
        self.grade.is_some() || self.name.is_some()
    }
}

/// `text` as a LIKE pattern that matches exactly itself.
fn like_escaped(text: &str, letters: Letters) -> String {
    let text = match letters {
        Letters::AsTyped => text.to_owned(),
        Letters::Folded => text.to_ascii_lowercase(),
    };
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> (Option<i8>, Option<String>, Option<String>) {
        let s = StudentSearch::parse(text).unwrap();
        (s.grade.map(|g| g.0), s.text, s.class)
    }

    fn some(text: &str) -> Option<String> {
        Some(text.to_owned())
    }

    #[test]
    fn a_grade_and_a_class_written_together_or_apart_name_that_class() {
        for text in [
            "二年级3班",
            "二年级 3班",
            " 二年级　3 班 ",
            "二年级3",
            "二年级（3）班",
            "二年级(３)班",
            "2年级3班",
            "二年级03班",
        ] {
            let (grade, _, class) = parsed(text);
            assert_eq!((grade, class), (Some(2), some("3班")), "{text}");
        }
        assert_eq!(
            StudentSearch::parse("二年级3班").unwrap().whole,
            some("二年级3班")
        );
    }

    #[test]
    fn every_grade_label_is_read_including_the_junior_aliases() {
        for g in -2..=12i8 {
            let label = Grade(g).name_zh().unwrap();
            assert_eq!(parsed(&format!("{label}1班")).0, Some(g), "{label}");
        }
        assert_eq!(parsed("初一2班").0, Some(7));
        assert_eq!(parsed("初二").0, Some(8));
        assert_eq!(parsed("初三1班").0, Some(9));
        assert_eq!(parsed("高三").0, Some(12));
    }

    #[test]
    fn a_grade_alone_names_no_class() {
        assert_eq!(parsed("二年级"), (Some(2), None, None));
        assert_eq!(StudentSearch::parse("二年级").unwrap().whole, None);
    }

    #[test]
    fn text_without_a_grade_is_searched_as_before() {
        assert_eq!(parsed("3班"), (None, some("3班"), None));
        assert_eq!(parsed("张*明"), (None, some("张*明"), None));
        assert_eq!(parsed("%_"), (None, some("%_"), None));
        // Not a grade: a number of years out of range, or no 年级.
        assert_eq!(parsed("13年级").0, None);
        assert_eq!(parsed("2班").0, None);
    }

    #[test]
    fn after_a_grade_other_text_is_kept_for_the_name_and_class() {
        assert_eq!(parsed("二年级张*明"), (Some(2), some("张*明"), some("张*明")));
    }

    #[test]
    fn an_empty_box_is_no_search() {
        assert_eq!(StudentSearch::parse(""), None);
        assert_eq!(StudentSearch::parse("  　"), None);
    }

    #[test]
    fn like_patterns_escape_wildcards_and_fold_letters_only_when_asked() {
        let typed = SearchParams::new(Some("A%_\\b"), Letters::AsTyped);
        assert_eq!(typed.name.as_deref(), Some("%A\\%\\_\\\\b%"));
        assert_eq!(typed.class, typed.name);
        let folded = SearchParams::new(Some("A%_\\b"), Letters::Folded);
        assert_eq!(folded.name.as_deref(), Some("%a\\%\\_\\\\b%"));
        assert!(typed.searching());
    }

    #[test]
    fn with_a_grade_the_class_and_whole_text_are_matched_whole() {
        let p = SearchParams::new(Some("二年级3班"), Letters::AsTyped);
        assert_eq!(p.grade, Some(2));
        assert_eq!(p.class.as_deref(), Some("3班"));
        assert_eq!(p.whole.as_deref(), Some("二年级3班"));
        assert!(!SearchParams::new(None, Letters::Folded).searching());
    }
}
