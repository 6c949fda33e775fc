//! Cell checks that need no context, and their running on the reader thread.
//!
//! [`Cells`] reads one row and collects its problems. [`Preparer`] holds the
//! memos of the cells files repeat (学年, 学校, 年级), and checks the person
//! on a student or teacher row — identity number, name, sex, birth date —
//! on the thread that parses the file. That is the costliest part of a row
//! and about what it takes to even the reader thread with the validating
//! one, so a city's 1.3 M students take markedly less wall time.

use chrono::{Datelike, NaiveDate};
use registry::{AreaCode, AreaLevel, Grade, IdNumber, SchoolCode, SchoolYear, Sex, Stage};
use store::Lookup;

use crate::cells;
use crate::entity::{Entity, Field, Layout};

/// One problem with one cell of the row being checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub field: Field,
    pub message: String,
}

/// The cells of one row, and the problems found in them so far.
pub(crate) struct Cells<'r> {
    record: &'r csv::StringRecord,
    layout: &'r Layout,
    pub problems: &'r mut Vec<Problem>,
}

impl<'r> Cells<'r> {
    pub fn new(
        record: &'r csv::StringRecord,
        layout: &'r Layout,
        problems: &'r mut Vec<Problem>,
    ) -> Cells<'r> {
        Cells {
            record,
            layout,
            problems,
        }
    }

    pub fn get(&self, field: Field) -> &'r str {
        self.layout
            .position(field)
            .and_then(|i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    pub fn fail(&mut self, field: Field, message: String) {
        self.problems.push(Problem { field, message });
    }

    /// A required cell, parsed; `None` (problem recorded) when empty or wrong.
    pub fn required<T>(&mut self, field: Field, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let text = self.get(field);
        if text.is_empty() {
            self.fail(field, "不能为空".to_owned());
            return None;
        }
        match parse(text) {
            Ok(value) => Some(value),
            Err(message) => {
                self.fail(field, message);
                None
            }
        }
    }

    /// An optional cell: `Ok(None)` when empty, `Err` (recorded) when wrong.
    pub fn optional<T>(
        &mut self,
        field: Field,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, ()> {
        let text = self.get(field);
        if text.is_empty() {
            return Ok(None);
        }
        match parse(text) {
            Ok(value) => Ok(Some(value)),
            Err(message) => {
                self.fail(field, message);
                Err(())
            }
        }
    }
}

/// What the reader thread made of a row; `None` for tables checked whole
/// on the validating thread.
#[derive(Debug, Default)]
pub(crate) enum Prepared {
    #[default]
    None,
    Person(PrePerson),
}

/// The person on a student or teacher row: identity number, name, and the
/// sex, birth date or birth year that must agree with the number.
#[derive(Debug)]
pub(crate) struct PrePerson {
    /// The identity number's first 17 digits (they decide the 18th), for
    /// finding the same person twice.
    pub id_body: Option<u64>,
    /// Present when every personal cell is valid and agrees with the number.
    pub person: Option<(IdNumber, String)>,
    pub problems: Vec<Problem>,
}

/// Context-free checks, with memos for the cells most files repeat row
/// after row (学年, 学校, 年级).
pub(crate) struct Preparer {
    today: NaiveDate,
    pub year_memo: Memo<SchoolYear>,
    pub joined_memo: Memo<SchoolYear>,
    pub school_memo: Memo<SchoolCode>,
    pub grade_memo: Memo<Grade>,
    pub stage_memo: Memo<Stage>,
}

impl Preparer {
    pub fn new(today: NaiveDate) -> Preparer {
        Preparer {
            today,
            year_memo: Memo::default(),
            joined_memo: Memo::default(),
            school_memo: Memo::default(),
            grade_memo: Memo::default(),
            stage_memo: Memo::default(),
        }
    }

    /// Whether rows of `entity` are prepared on the reader thread.
    pub fn prepares(entity: Entity) -> bool {
        matches!(entity, Entity::Students | Entity::Teachers)
    }

    /// The reader thread's share of a row: the person (identity number
    /// checks are the most expensive of a row). The rest needs the memos and
    /// runs on the validating thread, which keeps the two threads even.
    pub fn prepare(&mut self, layout: &Layout, record: &csv::StringRecord) -> Prepared {
        if !Preparer::prepares(layout.entity) {
            return Prepared::None;
        }
        let mut problems = Vec::new();
        let mut cells = Cells::new(record, layout, &mut problems);
        let (id_body, person) = person(&mut cells, self.today);
        Prepared::Person(PrePerson {
            id_body,
            person,
            problems,
        })
    }

    pub fn school_year(&mut self, cells: &mut Cells<'_>) -> Option<SchoolYear> {
        let memo = &mut self.year_memo;
        cells.required(Field::SchoolYear, |t| {
            memo.get(t, |t| SchoolYear::parse(t).map_err(|e| e.0))
        })
    }

    pub fn school_code(&mut self, cells: &mut Cells<'_>) -> Option<SchoolCode> {
        let memo = &mut self.school_memo;
        cells.required(Field::SchoolCode, |t| {
            memo.get(t, |t| SchoolCode::parse(t).map_err(|e| e.0))
        })
    }

    pub fn grade(&mut self, cells: &mut Cells<'_>) -> Option<Grade> {
        let memo = &mut self.grade_memo;
        cells.required(Field::Grade, |t| {
            memo.get(t, |t| Grade::parse(t).map_err(|e| e.0))
        })
    }

    pub fn stage(&mut self, cells: &mut Cells<'_>, field: Field) -> Option<Stage> {
        let memo = &mut self.stage_memo;
        cells.required(field, |t| memo.get(t, |t| Stage::parse(t).map_err(|e| e.0)))
    }

    pub fn optional_stage(&mut self, cells: &mut Cells<'_>, field: Field) -> Result<Option<Stage>, ()> {
        if cells.get(field).is_empty() {
            return Ok(None);
        }
        self.stage(cells, field).map(Some).ok_or(())
    }

    pub fn joined_school_year(&mut self, cells: &mut Cells<'_>) -> Option<SchoolYear> {
        let memo = &mut self.joined_memo;
        cells.required(Field::JoinedSchoolYear, |t| {
            memo.get(t, |t| SchoolYear::parse(t).map_err(|e| e.0))
        })
    }
}

/// Identity number, name, sex, birth date (students) or birth year
/// (teachers): valid and in agreement, or problems.
fn person(cells: &mut Cells<'_>, today: NaiveDate) -> (Option<u64>, Option<(IdNumber, String)>) {
    let id = id_number(cells, today);
    let name = cells.required(Field::Name, |t| text_field(t, 50));
    let sex = cells.optional(Field::Sex, |t| Sex::parse(t).map_err(|e| e.0));
    let birth = cells.optional(Field::BirthDate, cells::parse_date);
    let birth_year = cells.optional(Field::BirthYear, cells::parse_count);
    let Some(id) = id else { return (None, None) };
    let body = id_body(&id);
    let mut consistent = agrees_with_id(cells, &id, sex.ok().flatten(), birth.ok().flatten());
    if let Ok(Some(given)) = birth_year {
        let actual = birth_date_of(&id).year();
        if i64::from(given) != i64::from(actual) {
            cells.fail(
                Field::BirthYear,
                format!("出生年份 {given} 与身份证号中的出生年份 {actual} 不一致"),
            );
            consistent = false;
        }
    }
    match (name, sex, birth, birth_year, consistent) {
        (Some(name), Ok(_), Ok(_), Ok(_), true) => (body, Some((id, name))),
        _ => (body, None),
    }
}

fn id_number(cells: &mut Cells<'_>, today: NaiveDate) -> Option<IdNumber> {
    cells.required(Field::IdNumber, |t| {
        if t.contains('*') {
            return Err("身份证号已脱敏，无法导入；请使用未脱敏的导出文件".to_owned());
        }
        if cells::looks_scientific(t) {
            return Err(
                "身份证号被 Excel 存成了数字（科学计数法），后几位已经丢失；请把该列设为文本格式后重新填写"
                    .to_owned(),
            );
        }
        IdNumber::parse(t, today).map_err(|e| e.to_string())
    })
}

/// Sex and birth date, when given, must agree with the identity number.
fn agrees_with_id(cells: &mut Cells<'_>, id: &IdNumber, sex: Option<Sex>, birth: Option<NaiveDate>) -> bool {
    let mut ok = true;
    if let Some(sex) = sex {
        if sex != id.sex() {
            cells.fail(
                Field::Sex,
                format!(
                    "性别“{}”与身份证号不符（身份证号第 17 位表示{}）",
                    sex.label_zh(),
                    id.sex().label_zh()
                ),
            );
            ok = false;
        }
    }
    if let Some(birth) = birth {
        let from_id = birth_date_of(id);
        if birth != from_id {
            cells.fail(
                Field::BirthDate,
                format!(
                    "出生日期 {} 与身份证号中的出生日期 {} 不一致",
                    cells::date_text(birth),
                    cells::date_text(from_id)
                ),
            );
            ok = false;
        }
    }
    ok
}

pub(crate) fn flag(text: &str) -> Result<bool, String> {
    cells::parse_flag(text).map(|v| v.unwrap_or(false))
}

pub(crate) fn text_field(text: &str, max_chars: usize) -> Result<String, String> {
    // Byte length bounds the character count: skip counting short text.
    if text.len() > max_chars && text.chars().count() > max_chars {
        return Err(format!("内容过长（超过 {max_chars} 个字）"));
    }
    Ok(text.to_owned())
}

/// An area code of `level` that exists in the province's divisions.
pub(crate) fn area(lookup: &Lookup, text: &str, level: AreaLevel) -> Result<AreaCode, String> {
    let code = AreaCode::parse(text).map_err(|e| e.0)?;
    if code.level() != level {
        return Err(format!(
            "应为{}的 {} 位代码，“{text}”是{}代码",
            level.label_zh(),
            level.code_len(),
            code.level().label_zh()
        ));
    }
    if !lookup.areas.contains(code.as_str()) {
        return Err(format!("行政区划代码 {code} 不存在（不是现行的统计用区划代码）"));
    }
    Ok(code)
}

/// 户籍 may lie outside the province (随迁子女); inside it, the code must exist.
pub(crate) fn household_area(lookup: &Lookup, text: &str) -> Result<AreaCode, String> {
    let code = AreaCode::parse(text).map_err(|e| e.0)?;
    if code.level() < AreaLevel::County {
        return Err(format!("户籍地代码“{text}”应为区县（6 位）或更细的区划代码"));
    }
    if code.as_str().starts_with(registry::divisions::PROVINCE_CODE) && !lookup.areas.contains(code.as_str())
    {
        return Err(format!("行政区划代码 {code} 不存在（不是现行的统计用区划代码）"));
    }
    Ok(code)
}

/// `IdNumber::birth_date` without chrono's format parser, which costs more
/// than the rest of a row's checks (the number is valid, so the digits are).
pub(crate) fn birth_date_of(id: &IdNumber) -> NaiveDate {
    let digits = id.as_str().as_bytes().get(6..14).unwrap_or_default();
    i32::try_from(decimal(digits.get(0..4).unwrap_or_default()))
        .ok()
        .and_then(|year| {
            let month = u32::try_from(decimal(digits.get(4..6).unwrap_or_default())).ok()?;
            let day = u32::try_from(decimal(digits.get(6..8).unwrap_or_default())).ok()?;
            NaiveDate::from_ymd_opt(year, month, day)
        })
        .unwrap_or_else(|| id.birth_date())
}

fn decimal(digits: &[u8]) -> u64 {
    digits
        .iter()
        .fold(0u64, |n, d| n * 10 + u64::from(d.wrapping_sub(b'0')))
}

/// The first 17 digits as a number: with the check character they decide,
/// a valid identity number in eight bytes.
pub(crate) fn id_body(id: &IdNumber) -> Option<u64> {
    id.as_str().as_bytes().get(..17).map(decimal)
}

/// The identity number a body stands for (for masked error values).
pub(crate) fn id_from_body(body: u64) -> String {
    const WEIGHTS: [u64; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let digits = format!("{body:017}");
    let sum: u64 = digits
        .bytes()
        .zip(WEIGHTS)
        .map(|(d, w)| u64::from(d.wrapping_sub(b'0')) * w)
        .sum();
    let check = usize::try_from(sum % 11)
        .ok()
        .and_then(|i| CHECK.get(i))
        .copied()
        .unwrap_or(b'?');
    format!("{digits}{}", char::from(check))
}

/// The last text parsed for a column and its result: most files repeat the
/// same 学年, 学校 and 年级 row after row.
pub(crate) struct Memo<T> {
    text: String,
    value: Option<Result<T, String>>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            text: String::new(),
            value: None,
        }
    }
}

impl<T: Clone> Memo<T> {
    pub fn get(&mut self, text: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Result<T, String> {
        match &self.value {
            Some(value) if self.text == text => value.clone(),
            _ => {
                let value = parse(text);
                self.text.clear();
                self.text.push_str(text);
                self.value = Some(value.clone());
                value
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_and_bodies_are_read_from_the_digits() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        for text in ["11010519491231002X", "370102201602290010"] {
            let id = IdNumber::parse(text, today).unwrap();
            assert_eq!(birth_date_of(&id), id.birth_date());
            assert_eq!(id_from_body(id_body(&id).unwrap()), text);
        }
    }

    #[test]
    fn long_text_is_refused_by_characters_not_bytes() {
        assert_eq!(text_field("欧阳小明", 4), Ok("欧阳小明".to_owned()));
        assert!(text_field("欧阳小明明", 4).is_err());
    }
}
