//! High-school admission files (中考招生, issue 16): the year's inputs read
//! from a workbook with the sheets 考生 / 高中学校 / 初中学校, or from a
//! folder holding 考生.csv, 高中学校.csv and 初中学校.csv
//! ([`read_admission_inputs`]); written back in the same layout
//! ([`write_admission_inputs_xlsx`], read back equal); a run's result
//! ([`write_admission_result_xlsx`]: 录取结果, 各校分数线, 指标分配, 政策) and
//! a comparison of two policies ([`write_admission_comparison_xlsx`]).
//!
//! Reading goes through the importer's readers (`read::read_raw`) and so
//! its limits (file size, rows, cell length, the zip guard); every row
//! error names file, sheet, row and column in Chinese and is collected (at
//! most [`MAX_ROW_ERRORS`] kept) rather than stopping at the first. What
//! only the whole year shows (a list naming an unknown school, a duplicate
//! 准考证号) is `admission::check`'s, mapped back to the file's rows by
//! [`check_problems`].
//!
//! Personal data: the result and comparison workbooks mask names and
//! examination numbers unless asked otherwise (`registry::mask::name`,
//! [`mask_candidate_id`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use admission::{
    limits, Candidate, CandidateId, CheckReport, Comparison, Inputs, JuniorSchool, Outcome, Policy, Round,
    Score, SeniorSchool, TOTAL_FIELD,
};
use registry::{AreaCode, AreaLevel, SchoolCode};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::cells::{flag_label, parse_count, parse_flag};
use crate::errors::{file_label, ImportError, RowError};
use crate::read::RawTable;
use crate::tables::normalise;

/// Row errors kept at most (the count of all is in [`AdmissionRead::error_count`]).
pub const MAX_ROW_ERRORS: usize = 1_000;

/// The three sheets (and CSV files) of an admission inputs file.
pub const CANDIDATES_SHEET: &str = "考生";
pub const SENIOR_SHEET: &str = "高中学校";
pub const JUNIOR_SHEET: &str = "初中学校";

// 考生 columns (besides the score fields and the numbered lists).
const ID: &str = "准考证号";
const NAME: &str = "姓名";
const JUNIOR: &str = "初中学校标识码";
const RESIDENCE: &str = "居住区县代码";
const QUOTA_ELIGIBLE: &str = "指标生资格";
const ELIGIBLE: &str = "录取资格";
const QUOTA_LIST: &str = "指标志愿";
const OPEN_LIST: &str = "平行志愿";

// School columns.
const CODE: &str = "学校标识码";
const SCHOOL_NAME: &str = "学校名称";
const COUNTY: &str = "区县代码";
const SEATS: &str = "招生计划";
const QUOTA_SCHOOL: &str = "指标校";
const MIN_SCORE: &str = "最低录取线";
const PRIORITY: &str = "优先区县";
const RURAL: &str = "农村学校";
const WEAK: &str = "薄弱学校";
const GRADUATES: &str = "应届毕业生数";

/// Score columns recognised by name whatever their cells hold (a word in
/// one of them is an error, not a reason to drop the column). Any other
/// unknown column is a score field when every cell is a score.
const SUBJECTS: [&str; 20] = [
    "语文",
    "数学",
    "外语",
    "英语",
    "物理",
    "化学",
    "生物",
    "道德与法治",
    "政治",
    "历史",
    "地理",
    "体育",
    "体育与健康",
    "信息技术",
    "实验操作",
    "音乐",
    "美术",
    "语数合计",
    "语数外合计",
    "理化合计",
];

/// Columns a 考生 sheet often carries that are never scores, even when
/// every cell is a small number (序号 1, 2, 3 …): left out by name.
const NOT_SCORES: [&str; 10] = [
    "序号",
    "编号",
    "性别",
    "备注",
    "身份证号",
    "联系电话",
    "班级",
    "出生日期",
    "民族",
    "家庭住址",
];

/// One sheet's origin: the file (and sheet) and each record's row number
/// as Excel (or the CSV line) shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SheetRows {
    pub file: String,
    pub sheet: Option<String>,
    /// One per record kept, in the order of the inputs' list.
    pub rows: Vec<u64>,
}

/// An admission inputs file read.
#[derive(Debug, Clone, PartialEq)]
pub struct AdmissionRead {
    /// The records that read cleanly (use them only when `errors` is empty).
    pub inputs: Inputs,
    pub candidates: SheetRows,
    pub senior_schools: SheetRows,
    pub junior_schools: SheetRows,
    /// Row errors, at most [`MAX_ROW_ERRORS`].
    pub errors: Vec<RowError>,
    pub error_count: usize,
    /// Columns of the 考生 sheet that were neither known nor scores (备注 …).
    pub ignored_columns: Vec<String>,
}

impl AdmissionRead {
    pub fn is_clean(&self) -> bool {
        self.error_count == 0
    }
}

/// Errors collected up to [`MAX_ROW_ERRORS`].
struct Errors {
    kept: Vec<RowError>,
    count: usize,
}

impl Errors {
    fn push(&mut self, error: RowError) {
        self.count += 1;
        if self.kept.len() < MAX_ROW_ERRORS {
            self.kept.push(error);
        }
    }
}

/// Where a table's cells are: by exact (normalised) header.
struct Columns<'a> {
    table: &'a RawTable,
    at: BTreeMap<String, usize>,
}

impl<'a> Columns<'a> {
    fn new(table: &'a RawTable) -> Result<Columns<'a>, ImportError> {
        let mut at = BTreeMap::new();
        for (index, header) in table.headers.iter().enumerate() {
            let key = normalise(header);
            if key.is_empty() {
                continue;
            }
            if let Some(first) = at.insert(key.clone(), index) {
                return Err(ImportError::DuplicateColumns {
                    file: table.source.file.clone(),
                    sheet: table.source.sheet.clone(),
                    column: key,
                    first: format!("第 {} 列", crate::limits::column_letters(first as u32)),
                    second: format!("第 {} 列", crate::limits::column_letters(index as u32)),
                });
            }
        }
        Ok(Columns { table, at })
    }

    fn require(&self, headers: &[&'static str]) -> Result<(), ImportError> {
        let missing: Vec<&'static str> = headers
            .iter()
            .copied()
            .filter(|h| !self.at.contains_key(*h))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(ImportError::MissingTableColumns {
            file: self.table.source.file.clone(),
            sheet: self.table.source.sheet.clone(),
            what: self.table.what,
            missing,
        })
    }

    fn index(&self, header: &str) -> Option<usize> {
        self.at.get(header).copied()
    }
}

fn cell(cells: &[String], index: Option<usize>) -> &str {
    index
        .and_then(|i| cells.get(i))
        .map(|c| c.trim())
        .unwrap_or_default()
}

/// A whole table read: the cell reader and the error sink of one row.
struct RowReader<'a> {
    table: &'a RawTable,
    columns: &'a Columns<'a>,
    errors: &'a mut Errors,
}

impl RowReader<'_> {
    fn error(&mut self, row: u64, column: &str, value: &str, message: String) {
        self.errors.push(RowError::new(
            &self.table.source.file,
            self.table.source.sheet.as_deref(),
            row,
            Some(column),
            value,
            message,
        ));
    }

    fn text(&mut self, row: u64, cells: &[String], column: &str, required: bool) -> Option<String> {
        let value = cell(cells, self.columns.index(column));
        if value.is_empty() {
            if required {
                self.error(row, column, value, "不能为空".into());
            }
            return None;
        }
        if value.chars().count() > limits::MAX_TEXT_CHARS {
            self.error(row, column, "", format!("超过 {} 个字", limits::MAX_TEXT_CHARS));
            return None;
        }
        if let Some(c) = value.chars().find(|c| store::forecast::label_refuses(*c)) {
            self.error(row, column, "", format!("含控制字符 U+{:04X}", u32::from(c)));
            return None;
        }
        Some(value.to_owned())
    }

    /// A school sheet's 学校标识码 (required), 学校名称 and 区县代码.
    fn school_columns(
        &mut self,
        row: u64,
        cells: &[String],
    ) -> (Option<SchoolCode>, Option<String>, Option<AreaCode>) {
        let code = cell(cells, self.columns.index(CODE));
        let code = if code.is_empty() {
            self.error(row, CODE, code, "不能为空".into());
            None
        } else {
            self.school(row, CODE, code)
        };
        let name = self.text(row, cells, SCHOOL_NAME, true);
        let county = cell(cells, self.columns.index(COUNTY));
        let county = self.county(row, COUNTY, county);
        (code, name, county)
    }

    fn school(&mut self, row: u64, column: &str, value: &str) -> Option<SchoolCode> {
        match SchoolCode::parse(value) {
            Ok(code) => Some(code),
            Err(e) => {
                self.error(row, column, value, e.to_string());
                None
            }
        }
    }

    fn county(&mut self, row: u64, column: &str, value: &str) -> Option<AreaCode> {
        match AreaCode::parse(value) {
            Ok(code) if code.level() == AreaLevel::County => Some(code),
            Ok(_) => {
                self.error(row, column, value, format!("“{value}”不是区县代码（应为 6 位）"));
                None
            }
            Err(e) => {
                self.error(row, column, value, e.to_string());
                None
            }
        }
    }

    fn flag(&mut self, row: u64, cells: &[String], column: &str) -> Option<bool> {
        let value = cell(cells, self.columns.index(column));
        match parse_flag(value) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                self.error(row, column, value, "应填“是”或“否”，不能为空".into());
                None
            }
            Err(e) => {
                self.error(row, column, value, e);
                None
            }
        }
    }

    fn count(&mut self, row: u64, cells: &[String], column: &str) -> Option<u32> {
        let value = cell(cells, self.columns.index(column));
        if value.is_empty() {
            self.error(row, column, value, "不能为空".into());
            return None;
        }
        match parse_count(value) {
            Ok(n) => Some(n),
            Err(e) => {
                self.error(row, column, value, e);
                None
            }
        }
    }

    fn score(&mut self, row: u64, column: &str, value: &str) -> Option<Score> {
        if value.is_empty() {
            self.error(row, column, value, "缺少分数".into());
            return None;
        }
        let parsed = Score::parse(value);
        if parsed.is_none() {
            self.error(
                row,
                column,
                value,
                format!("“{value}”不是分数：应为 0 到 1000 之间、至多一位小数的数"),
            );
        }
        parsed
    }
}

/// Reads a year's admission inputs from a workbook (sheets 考生, 高中学校,
/// 初中学校, found by their columns) or a folder holding 考生.csv,
/// 高中学校.csv and 初中学校.csv (UTF-8 with or without BOM, or GBK), within
/// the thread's `ReadLimits`. A file that cannot be read at all (missing
/// sheet or column, over a limit) is an `ImportError`; bad cells are
/// collected as row errors.
pub fn read_admission_inputs(path: &Path, year: i32) -> Result<AdmissionRead, ImportError> {
    let [candidates, seniors, juniors] = if path.is_dir() {
        let file = |name: &str| -> PathBuf { path.join(format!("{name}.csv")) };
        [
            read_table(&file(CANDIDATES_SHEET), CANDIDATES_SHEET, ID)?,
            read_table(&file(SENIOR_SHEET), SENIOR_SHEET, SEATS)?,
            read_table(&file(JUNIOR_SHEET), JUNIOR_SHEET, GRADUATES)?,
        ]
    } else {
        [
            read_table(path, CANDIDATES_SHEET, ID)?,
            read_table(path, SENIOR_SHEET, SEATS)?,
            read_table(path, JUNIOR_SHEET, GRADUATES)?,
        ]
    };
    let mut errors = Errors {
        kept: Vec::new(),
        count: 0,
    };
    let (junior_schools, junior_rows) = read_juniors(&juniors, &mut errors)?;
    let (senior_schools, senior_rows) = read_seniors(&seniors, &mut errors)?;
    let county_of: BTreeMap<&SchoolCode, &AreaCode> =
        junior_schools.iter().map(|j| (&j.code, &j.county)).collect();
    let (fields, list, ignored_columns) = read_candidates(&candidates, &county_of, &mut errors)?;
    Ok(AdmissionRead {
        inputs: Inputs {
            year,
            fields,
            junior_schools,
            senior_schools,
            candidates: list.0,
        },
        candidates: SheetRows {
            file: candidates.source.file.clone(),
            sheet: candidates.source.sheet.clone(),
            rows: list.1,
        },
        senior_schools: senior_rows,
        junior_schools: junior_rows,
        errors: errors.kept,
        error_count: errors.count,
        ignored_columns,
    })
}

/// The table of `what` in `path`: the first whose header row holds
/// `marker` (the column only that table has) and one more known column.
fn read_table(path: &Path, what: &'static str, marker: &'static str) -> Result<RawTable, ImportError> {
    let score = move |cells: &[String]| -> usize {
        let headers: Vec<String> = cells.iter().map(|c| normalise(c)).collect();
        if !headers.iter().any(|h| h == marker) {
            return 0;
        }
        headers.iter().filter(|h| is_known(h)).count()
    };
    let expected = match what {
        CANDIDATES_SHEET => format!("{ID}、{NAME}、{JUNIOR}、{TOTAL_FIELD}"),
        SENIOR_SHEET => format!("{CODE}、{SCHOOL_NAME}、{SEATS}"),
        _ => format!("{CODE}、{SCHOOL_NAME}、{GRADUATES}"),
    };
    crate::read::read_raw(path, what, &expected, limits::MAX_CANDIDATES as u64, &score)
}

fn is_known(header: &str) -> bool {
    [
        ID,
        NAME,
        JUNIOR,
        RESIDENCE,
        QUOTA_ELIGIBLE,
        ELIGIBLE,
        TOTAL_FIELD,
        CODE,
        SCHOOL_NAME,
        COUNTY,
        SEATS,
        QUOTA_SCHOOL,
        MIN_SCORE,
        PRIORITY,
        RURAL,
        WEAK,
        GRADUATES,
    ]
    .contains(&header)
        || list_number(header, QUOTA_LIST).is_some()
        || list_number(header, OPEN_LIST).is_some()
}

/// `指标志愿3` → 3.
fn list_number(header: &str, prefix: &str) -> Option<usize> {
    header
        .strip_prefix(prefix)
        .filter(|n| !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse().ok())
        .filter(|n| *n >= 1)
}

fn too_many(table: &RawTable, detail: String) -> ImportError {
    ImportError::Malformed {
        file: match &table.source.sheet {
            Some(sheet) => format!("{}（工作表“{sheet}”）", table.source.file),
            None => table.source.file.clone(),
        },
        detail,
    }
}

fn read_juniors(
    table: &RawTable,
    errors: &mut Errors,
) -> Result<(Vec<JuniorSchool>, SheetRows), ImportError> {
    let columns = Columns::new(table)?;
    columns.require(&[CODE, SCHOOL_NAME, COUNTY, RURAL, WEAK, GRADUATES])?;
    if table.rows.len() > limits::MAX_JUNIOR_SCHOOLS {
        return Err(too_many(
            table,
            format!("初中学校超过 {} 所", limits::MAX_JUNIOR_SCHOOLS),
        ));
    }
    let mut r = RowReader {
        table,
        columns: &columns,
        errors,
    };
    let mut schools = Vec::new();
    let mut rows = Vec::new();
    for (row, cells) in &table.rows {
        let row = *row;
        let (code, name, county) = r.school_columns(row, cells);
        let rural = r.flag(row, cells, RURAL);
        let weak = r.flag(row, cells, WEAK);
        let graduates = r.count(row, cells, GRADUATES);
        if let (Some(code), Some(name), Some(county), Some(rural), Some(weak), Some(graduates)) =
            (code, name, county, rural, weak, graduates)
        {
            schools.push(JuniorSchool {
                code,
                name,
                county,
                rural,
                weak,
                graduates,
            });
            rows.push(row);
        }
    }
    Ok((
        schools,
        SheetRows {
            file: table.source.file.clone(),
            sheet: table.source.sheet.clone(),
            rows,
        },
    ))
}

fn read_seniors(
    table: &RawTable,
    errors: &mut Errors,
) -> Result<(Vec<SeniorSchool>, SheetRows), ImportError> {
    let columns = Columns::new(table)?;
    columns.require(&[CODE, SCHOOL_NAME, COUNTY, SEATS, QUOTA_SCHOOL])?;
    if table.rows.len() > limits::MAX_SENIOR_SCHOOLS {
        return Err(too_many(
            table,
            format!("高中学校超过 {} 所", limits::MAX_SENIOR_SCHOOLS),
        ));
    }
    let mut r = RowReader {
        table,
        columns: &columns,
        errors,
    };
    let mut schools = Vec::new();
    let mut rows = Vec::new();
    for (row, cells) in &table.rows {
        let row = *row;
        let (code, name, county) = r.school_columns(row, cells);
        let seats = r.count(row, cells, SEATS);
        let quota_school = r.flag(row, cells, QUOTA_SCHOOL);
        let min_text = cell(cells, columns.index(MIN_SCORE));
        let mut ok = true;
        let min_score = if min_text.is_empty() {
            None
        } else {
            let score = r.score(row, MIN_SCORE, min_text);
            ok &= score.is_some();
            score
        };
        let mut priority_counties = Vec::new();
        let priority = cell(cells, columns.index(PRIORITY));
        for part in priority
            .split(['、', ',', '，', ';', '；', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match r.county(row, PRIORITY, part) {
                Some(c) if !priority_counties.contains(&c) => priority_counties.push(c),
                Some(_) => {}
                None => ok = false,
            }
        }
        if let (true, Some(code), Some(name), Some(county), Some(seats), Some(quota_school)) =
            (ok, code, name, county, seats, quota_school)
        {
            schools.push(SeniorSchool {
                code,
                name,
                county,
                seats,
                quota_school,
                min_score,
                priority_counties,
            });
            rows.push(row);
        }
    }
    Ok((
        schools,
        SheetRows {
            file: table.source.file.clone(),
            sheet: table.source.sheet.clone(),
            rows,
        },
    ))
}

type CandidateList = (Vec<Candidate>, Vec<u64>);

fn read_candidates(
    table: &RawTable,
    county_of: &BTreeMap<&SchoolCode, &AreaCode>,
    errors: &mut Errors,
) -> Result<(Vec<String>, CandidateList, Vec<String>), ImportError> {
    let columns = Columns::new(table)?;
    columns.require(&[ID, NAME, JUNIOR, QUOTA_ELIGIBLE, ELIGIBLE, TOTAL_FIELD])?;
    if table.rows.len() > limits::MAX_CANDIDATES {
        return Err(too_many(table, format!("考生超过 {} 人", limits::MAX_CANDIDATES)));
    }
    // The numbered lists, in number order, and the score fields: 总分
    // first, then the others in column order.
    let mut quota_columns: Vec<(usize, usize)> = Vec::new();
    let mut open_columns: Vec<(usize, usize)> = Vec::new();
    let mut score_columns: Vec<(String, usize)> = Vec::new();
    let mut ignored = Vec::new();
    for (index, header) in table.headers.iter().enumerate() {
        let key = normalise(header);
        if key.is_empty() {
            continue;
        }
        if let Some(n) = list_number(&key, QUOTA_LIST) {
            quota_columns.push((n, index));
        } else if let Some(n) = list_number(&key, OPEN_LIST) {
            open_columns.push((n, index));
        } else if key == TOTAL_FIELD {
            score_columns.insert(0, (key, index));
        } else if is_known(&key) {
            continue;
        } else if NOT_SCORES.contains(&key.as_str()) {
            ignored.push(header.trim().to_owned());
        } else if SUBJECTS.contains(&key.as_str())
            || key.ends_with("合计")
            || key.ends_with("成绩")
            || table.rows.iter().all(|(_, cells)| {
                let v = cell(cells, Some(index));
                !v.is_empty() && Score::parse(v).is_some()
            }) && !table.rows.is_empty()
        {
            score_columns.push((key, index));
        } else {
            ignored.push(header.trim().to_owned());
        }
    }
    quota_columns.sort_unstable();
    open_columns.sort_unstable();
    for (columns, what) in [(&quota_columns, QUOTA_LIST), (&open_columns, OPEN_LIST)] {
        if columns.len() > limits::MAX_LIST {
            return Err(too_many(
                table,
                format!("{what}有 {} 列，至多 {} 列", columns.len(), limits::MAX_LIST),
            ));
        }
    }
    if score_columns.len() > limits::MAX_FIELDS {
        return Err(too_many(
            table,
            format!(
                "分数列有 {} 列（{}），至多 {} 列",
                score_columns.len(),
                score_columns
                    .iter()
                    .map(|(h, _)| h.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
                limits::MAX_FIELDS
            ),
        ));
    }
    let fields: Vec<String> = score_columns.iter().map(|(h, _)| h.clone()).collect();
    let header_of =
        |index: usize| -> String { table.headers.get(index).map(|h| normalise(h)).unwrap_or_default() };

    let mut r = RowReader {
        table,
        columns: &columns,
        errors,
    };
    let mut candidates = Vec::with_capacity(table.rows.len());
    let mut rows = Vec::with_capacity(table.rows.len());
    for (row, cells) in &table.rows {
        let row = *row;
        let id = r.text(row, cells, ID, true);
        let name = r.text(row, cells, NAME, true);
        let junior_text = cell(cells, columns.index(JUNIOR));
        let junior = if junior_text.is_empty() {
            r.error(row, JUNIOR, junior_text, "不能为空".into());
            None
        } else {
            r.school(row, JUNIOR, junior_text)
        };
        let residence_text = cell(cells, columns.index(RESIDENCE));
        let residence = if residence_text.is_empty() {
            // Unsaid: the junior school's county.
            match junior.as_ref().and_then(|j| county_of.get(j)) {
                Some(county) => Some((*county).clone()),
                None => {
                    if junior.is_some() {
                        r.error(
                            row,
                            RESIDENCE,
                            residence_text,
                            "为空，且初中学校不在初中学校表中，无法代填".into(),
                        );
                    }
                    None
                }
            }
        } else {
            r.county(row, RESIDENCE, residence_text)
        };
        let quota_eligible = r.flag(row, cells, QUOTA_ELIGIBLE);
        let eligible = r.flag(row, cells, ELIGIBLE);
        let mut ok = true;
        let mut scores = Vec::with_capacity(score_columns.len());
        for (header, index) in &score_columns {
            match r.score(row, header, cell(cells, Some(*index))) {
                Some(s) => scores.push(s),
                None => ok = false,
            }
        }
        let mut lists = [Vec::new(), Vec::new()];
        for (list, columns) in lists.iter_mut().zip([&quota_columns, &open_columns]) {
            // Filled from 1 without gaps, so that the n-th school listed is
            // the column numbered n (the check's messages name it so).
            let mut blank: Option<usize> = None;
            for (_, index) in columns {
                let value = cell(cells, Some(*index));
                if value.is_empty() {
                    blank = blank.or(Some(*index));
                    continue;
                }
                if let Some(gap) = blank {
                    r.error(
                        row,
                        &header_of(*index),
                        value,
                        format!("{}为空而此列有学校：志愿须从第 1 个起连续填写", header_of(gap)),
                    );
                    ok = false;
                    continue;
                }
                match r.school(row, &header_of(*index), value) {
                    Some(code) => list.push(code),
                    None => ok = false,
                }
            }
        }
        let [quota_list, open_list] = lists;
        if let (
            true,
            Some(id),
            Some(name),
            Some(junior),
            Some(residence),
            Some(quota_eligible),
            Some(eligible),
        ) = (ok, id, name, junior, residence, quota_eligible, eligible)
        {
            candidates.push(Candidate {
                id: CandidateId(id),
                name,
                junior_school: junior,
                residence,
                scores,
                quota_eligible,
                eligible,
                quota_list,
                open_list,
            });
            rows.push(row);
        }
    }
    Ok((fields, (candidates, rows), ignored))
}

/// `admission::check`'s problems as row errors naming the file, sheet, row
/// and column they are in (`policy_file` names the policy's). Errors first,
/// then warnings (their message starts with 提示).
pub fn check_problems(read: &AdmissionRead, report: &CheckReport, policy_file: &str) -> Vec<RowError> {
    report
        .problems
        .iter()
        .map(|p| {
            let (sheet, rows) = match p.sheet {
                admission::check::Sheet::Candidates => (Some(&read.candidates), true),
                admission::check::Sheet::SeniorSchools => (Some(&read.senior_schools), true),
                admission::check::Sheet::JuniorSchools => (Some(&read.junior_schools), true),
                admission::check::Sheet::Policy => (None, false),
            };
            let row = match (sheet, p.index) {
                (Some(s), Some(i)) if rows => s.rows.get(i).copied().unwrap_or(0),
                _ => 0,
            };
            let (file, sheet_name) = match sheet {
                Some(s) => (s.file.as_str(), s.sheet.as_deref()),
                None => (policy_file, None),
            };
            let message = match p.severity {
                admission::Severity::Error => p.message.clone(),
                admission::Severity::Warning => format!("提示：{}", p.message),
            };
            RowError::new(file, sheet_name, row, Some(&column_of(p)), "", message)
        })
        .collect()
}

/// The file's column a problem names: the check's own words for a
/// candidate's columns (毕业学校, 统招志愿N) are this file's headers
/// (初中学校标识码, 平行志愿N).
fn column_of(p: &admission::Problem) -> String {
    if p.sheet != admission::check::Sheet::Candidates {
        return p.field.clone();
    }
    if p.field == "毕业学校" {
        return JUNIOR.to_owned();
    }
    match p.field.strip_prefix("统招志愿") {
        Some(n) => format!("{OPEN_LIST}{n}"),
        None => p.field.clone(),
    }
}

// ---------------------------------------------------------------------------
// Writing.

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
}

fn headers(sheet: &mut Worksheet, titles: &[(&str, f64)]) -> Result<(), XlsxError> {
    let format = header_format();
    for (col, (title, width)) in titles.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &format)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A score as a number cell (612.5).
fn score_value(score: Score) -> f64 {
    f64::from(score.0) / 10.0
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn row_of(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

/// The inputs in the layout [`read_admission_inputs`] reads: 考生 (scores
/// as numbers, codes as text), 高中学校, 初中学校. Read back, the file gives
/// the same inputs.
pub fn write_admission_inputs_xlsx(inputs: &Inputs) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let one = Format::new().set_num_format("0.0");

    let quota_n = inputs
        .candidates
        .iter()
        .map(|c| c.quota_list.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let open_n = inputs
        .candidates
        .iter()
        .map(|c| c.open_list.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let sheet = book.add_worksheet();
    sheet.set_name(CANDIDATES_SHEET)?;
    let mut titles: Vec<(String, f64)> = vec![
        (ID.into(), 14.0),
        (NAME.into(), 10.0),
        (JUNIOR.into(), 14.0),
        (RESIDENCE.into(), 12.0),
        (QUOTA_ELIGIBLE.into(), 9.0),
        (ELIGIBLE.into(), 9.0),
    ];
    titles.extend(inputs.fields.iter().map(|f| (f.clone(), 8.0)));
    titles.extend((1..=quota_n).map(|n| (format!("{QUOTA_LIST}{n}"), 13.0)));
    titles.extend((1..=open_n).map(|n| (format!("{OPEN_LIST}{n}"), 13.0)));
    let refs: Vec<(&str, f64)> = titles.iter().map(|(t, w)| (t.as_str(), *w)).collect();
    headers(sheet, &refs)?;
    let fields = inputs.fields.len();
    for (i, c) in inputs.candidates.iter().enumerate() {
        let r = row_of(i + 1);
        sheet.write_string(r, 0, &c.id.0)?;
        sheet.write_string(r, 1, &c.name)?;
        sheet.write_string(r, 2, c.junior_school.as_str())?;
        sheet.write_string(r, 3, c.residence.as_str())?;
        sheet.write_string(r, 4, flag_label(c.quota_eligible))?;
        sheet.write_string(r, 5, flag_label(c.eligible))?;
        for (f, s) in c.scores.iter().enumerate() {
            if s.0 % 10 == 0 {
                sheet.write_number(r, col(6 + f), score_value(*s))?;
            } else {
                sheet.write_number_with_format(r, col(6 + f), score_value(*s), &one)?;
            }
        }
        for (k, code) in c.quota_list.iter().enumerate() {
            sheet.write_string(r, col(6 + fields + k), code.as_str())?;
        }
        for (k, code) in c.open_list.iter().enumerate() {
            sheet.write_string(r, col(6 + fields + quota_n + k), code.as_str())?;
        }
    }

    let sheet = book.add_worksheet();
    sheet.set_name(SENIOR_SHEET)?;
    headers(
        sheet,
        &[
            (CODE, 14.0),
            (SCHOOL_NAME, 24.0),
            (COUNTY, 10.0),
            (SEATS, 9.0),
            (QUOTA_SCHOOL, 8.0),
            (MIN_SCORE, 10.0),
            (PRIORITY, 20.0),
        ],
    )?;
    for (i, s) in inputs.senior_schools.iter().enumerate() {
        let r = row_of(i + 1);
        sheet.write_string(r, 0, s.code.as_str())?;
        sheet.write_string(r, 1, &s.name)?;
        sheet.write_string(r, 2, s.county.as_str())?;
        sheet.write_number(r, 3, f64::from(s.seats))?;
        sheet.write_string(r, 4, flag_label(s.quota_school))?;
        if let Some(min) = s.min_score {
            sheet.write_number(r, 5, score_value(min))?;
        }
        let priority: Vec<&str> = s.priority_counties.iter().map(AreaCode::as_str).collect();
        if !priority.is_empty() {
            sheet.write_string(r, 6, priority.join("、"))?;
        }
    }

    let sheet = book.add_worksheet();
    sheet.set_name(JUNIOR_SHEET)?;
    headers(
        sheet,
        &[
            (CODE, 14.0),
            (SCHOOL_NAME, 24.0),
            (COUNTY, 10.0),
            (RURAL, 9.0),
            (WEAK, 9.0),
            (GRADUATES, 12.0),
        ],
    )?;
    for (i, j) in inputs.junior_schools.iter().enumerate() {
        let r = row_of(i + 1);
        sheet.write_string(r, 0, j.code.as_str())?;
        sheet.write_string(r, 1, &j.name)?;
        sheet.write_string(r, 2, j.county.as_str())?;
        sheet.write_string(r, 3, flag_label(j.rural))?;
        sheet.write_string(r, 4, flag_label(j.weak))?;
        sheet.write_number(r, 5, f64::from(j.graduates))?;
    }
    book.save_to_buffer()
}

/// A year's inputs workbook to fill, from the registry's snapshot of the
/// school year the candidates finish junior school in: 初中学校 with each
/// school's graduates (its grade-9 students), 高中学校 with each school's
/// 普通高中 seats (指标校 written 否: the bureau marks its quality schools),
/// and one 考生 row per grade-9 student with a generated 准考证号
/// (`{year}` and six digits, in school order), the junior school, the
/// school's county as residence and both eligibility flags 是 — name,
/// scores and lists left to fill (the snapshot carries no names). Read
/// back as it is, every empty required cell is named.
pub fn admission_template_xlsx(
    snapshot: &registry::snapshot::YearSnapshot,
    year: i32,
) -> Result<Vec<u8>, XlsxError> {
    use registry::Stage;
    let county = |index: u32| {
        snapshot
            .counties
            .get(index as usize)
            .map(|c| c.code.as_str().to_owned())
            .unwrap_or_default()
    };
    let mut graduates = vec![0u32; snapshot.schools.len()];
    for s in &snapshot.students {
        if s.stage == Stage::Junior && s.grade.0 == 9 {
            if let Some(n) = graduates.get_mut(s.school as usize) {
                *n += 1;
            }
        }
    }
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(CANDIDATES_SHEET)?;
    headers(
        sheet,
        &[
            (ID, 14.0),
            (NAME, 10.0),
            (JUNIOR, 14.0),
            (RESIDENCE, 12.0),
            (QUOTA_ELIGIBLE, 9.0),
            (ELIGIBLE, 9.0),
            (TOTAL_FIELD, 8.0),
            ("语文", 8.0),
            ("数学", 8.0),
            ("外语", 8.0),
            ("指标志愿1", 13.0),
            ("平行志愿1", 13.0),
            ("平行志愿2", 13.0),
            ("平行志愿3", 13.0),
        ],
    )?;
    let mut r = 1u32;
    for (index, school) in snapshot.schools.iter().enumerate() {
        for _ in 0..graduates[index] {
            sheet.write_string(r, 0, format!("{year}{r:06}"))?;
            sheet.write_string(r, 2, school.code.as_str())?;
            sheet.write_string(r, 3, county(school.county))?;
            sheet.write_string(r, 4, flag_label(true))?;
            sheet.write_string(r, 5, flag_label(true))?;
            r += 1;
        }
    }
    let sheet = book.add_worksheet();
    sheet.set_name(SENIOR_SHEET)?;
    headers(
        sheet,
        &[
            (CODE, 14.0),
            (SCHOOL_NAME, 24.0),
            (COUNTY, 10.0),
            (SEATS, 9.0),
            (QUOTA_SCHOOL, 8.0),
            (MIN_SCORE, 10.0),
            (PRIORITY, 20.0),
        ],
    )?;
    let senior = Stage::Senior.index();
    for (i, school) in snapshot
        .schools
        .iter()
        .filter(|s| s.serves[senior] && s.seats[senior] > 0)
        .enumerate()
    {
        let r = row_of(i + 1);
        sheet.write_string(r, 0, school.code.as_str())?;
        sheet.write_string(r, 1, &school.name)?;
        sheet.write_string(r, 2, county(school.county))?;
        sheet.write_number(r, 3, f64::from(school.seats[senior]))?;
        sheet.write_string(r, 4, flag_label(false))?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name(JUNIOR_SHEET)?;
    headers(
        sheet,
        &[
            (CODE, 14.0),
            (SCHOOL_NAME, 24.0),
            (COUNTY, 10.0),
            (RURAL, 9.0),
            (WEAK, 9.0),
            (GRADUATES, 12.0),
        ],
    )?;
    let mut r = 1u32;
    for (index, school) in snapshot.schools.iter().enumerate() {
        if graduates[index] == 0 {
            continue;
        }
        sheet.write_string(r, 0, school.code.as_str())?;
        sheet.write_string(r, 1, &school.name)?;
        sheet.write_string(r, 2, county(school.county))?;
        sheet.write_string(r, 3, flag_label(school.location == registry::Location::Rural))?;
        sheet.write_string(r, 4, flag_label(false))?;
        sheet.write_number(r, 5, f64::from(graduates[index]))?;
        r += 1;
    }
    book.save_to_buffer()
}

/// `2025****03`: an examination number with its middle hidden (the first
/// four and last two characters kept; eight or fewer: all hidden).
pub fn mask_candidate_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len().max(1));
    }
    let head: String = chars.iter().take(4).collect();
    let tail: String = chars.iter().skip(chars.len() - 2).collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 6))
}

fn shown_id(c: &Candidate, masked: bool) -> String {
    if masked {
        mask_candidate_id(&c.id.0)
    } else {
        c.id.0.clone()
    }
}

fn shown_name(c: &Candidate, masked: bool) -> String {
    if masked {
        registry::mask::name(&c.name)
    } else {
        c.name.clone()
    }
}

fn senior(inputs: &Inputs, index: u32) -> Option<&SeniorSchool> {
    inputs.senior_schools.get(index as usize)
}

fn junior(inputs: &Inputs, index: u32) -> Option<&JuniorSchool> {
    inputs.junior_schools.get(index as usize)
}

/// The headers of the result's 各校分数线 sheet (also the CLI's table).
pub const CUTOFF_HEADERS: [(&str, f64); 14] = [
    ("学校标识码", 13.0),
    ("学校名称", 22.0),
    ("招生计划", 9.0),
    ("指标生计划", 9.0),
    ("指标生录取", 9.0),
    ("指标转统招", 9.0),
    ("指标作废", 8.0),
    ("统招计划", 9.0),
    ("统招录取", 9.0),
    ("录取合计", 9.0),
    ("剩余计划", 9.0),
    ("指标生最低分", 10.0),
    ("统招分数线", 10.0),
    ("统招线考生位次", 10.0),
];

/// A run's result: 录取结果 (every candidate; names and numbers masked when
/// `masked`), 各校分数线, 指标分配 (per quota school and junior school: the
/// exact share, seats, admitted, lowest admitted total) and 政策 (the rules
/// in words).
pub fn write_admission_result_xlsx(
    inputs: &Inputs,
    policy: &Policy,
    outcome: &Outcome,
    masked: bool,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let one = Format::new().set_num_format("0.0#");
    let exact = Format::new().set_num_format("0.0000");

    let sheet = book.add_worksheet();
    sheet.set_name("录取结果")?;
    headers(
        sheet,
        &[
            ("准考证号", 14.0),
            ("姓名", 10.0),
            ("初中学校", 22.0),
            ("总分", 8.0),
            ("录取学校", 22.0),
            ("录取学校标识码", 14.0),
            ("批次", 8.0),
            ("志愿序号", 8.0),
        ],
    )?;
    for (i, (c, p)) in inputs.candidates.iter().zip(&outcome.placements).enumerate() {
        let r = row_of(i + 1);
        sheet.write_string(r, 0, shown_id(c, masked))?;
        sheet.write_string(r, 1, shown_name(c, masked))?;
        let junior_name = inputs
            .junior_schools
            .iter()
            .find(|j| j.code == c.junior_school)
            .map_or(c.junior_school.as_str(), |j| j.name.as_str());
        sheet.write_string(r, 2, junior_name)?;
        sheet.write_number_with_format(r, 3, score_value(c.total()), &one)?;
        match p.school.and_then(|s| senior(inputs, s)) {
            Some(school) => {
                sheet.write_string(r, 4, &school.name)?;
                sheet.write_string(r, 5, school.code.as_str())?;
            }
            None => {
                sheet.write_string(r, 4, "未录取")?;
            }
        }
        if let Some(round) = p.round {
            sheet.write_string(r, 6, round.label_zh())?;
        }
        if let Some(choice) = p.choice {
            sheet.write_number(r, 7, f64::from(choice))?;
        }
    }

    let sheet = book.add_worksheet();
    sheet.set_name("各校分数线")?;
    headers(sheet, &CUTOFF_HEADERS)?;
    for (i, s) in outcome.schools.iter().enumerate() {
        let r = row_of(i + 1);
        let Some(school) = senior(inputs, s.school) else {
            continue;
        };
        sheet.write_string(r, 0, school.code.as_str())?;
        sheet.write_string(r, 1, &school.name)?;
        let admitted = s.quota_admitted + s.open_admitted;
        for (c, n) in [
            s.seats,
            s.quota_seats,
            s.quota_admitted,
            s.quota_returned,
            s.quota_lapsed,
            s.open_seats,
            s.open_admitted,
            admitted,
            s.seats_left,
        ]
        .into_iter()
        .enumerate()
        {
            sheet.write_number(r, col(2 + c), f64::from(n))?;
        }
        if let Some(cut) = &s.quota_cutoff {
            sheet.write_number_with_format(r, 11, score_value(cut.score), &one)?;
        }
        if let Some(cut) = &s.open_cutoff {
            sheet.write_number_with_format(r, 12, score_value(cut.score), &one)?;
            // The rank of the last admitted candidate among all by total,
            // as the published 位次 reads (never their number or name).
            let rank = inputs.candidates.iter().filter(|c| c.total() > cut.score).count() + 1;
            sheet.write_number(r, 13, rank as f64)?;
        }
    }

    let sheet = book.add_worksheet();
    sheet.set_name("指标分配")?;
    headers(
        sheet,
        &[
            ("高中学校标识码", 13.0),
            ("高中学校", 22.0),
            ("初中学校标识码", 13.0),
            ("初中学校", 22.0),
            ("权重", 9.0),
            ("精确份额", 11.0),
            ("分配名额", 9.0),
            ("录取", 8.0),
            ("最低录取分", 10.0),
        ],
    )?;
    let cutoffs: BTreeMap<(u32, u32), &admission::JuniorCutoff> = outcome
        .junior_cutoffs
        .iter()
        .map(|j| ((j.senior, j.junior), j))
        .collect();
    let mut r = 1u32;
    for quota in &outcome.quotas {
        let Some(school) = senior(inputs, quota.senior) else {
            continue;
        };
        for share in &quota.shares {
            let Some(j) = junior(inputs, share.junior) else {
                continue;
            };
            sheet.write_string(r, 0, school.code.as_str())?;
            sheet.write_string(r, 1, &school.name)?;
            sheet.write_string(r, 2, j.code.as_str())?;
            sheet.write_string(r, 3, &j.name)?;
            if share.weight.den > 0 {
                sheet.write_number_with_format(
                    r,
                    4,
                    share.weight.num as f64 / share.weight.den as f64,
                    &exact,
                )?;
            }
            if share.exact.1 > 0 {
                sheet.write_number_with_format(r, 5, share.exact.0 as f64 / share.exact.1 as f64, &exact)?;
            }
            sheet.write_number(r, 6, f64::from(share.seats))?;
            let at = cutoffs.get(&(quota.senior, share.junior));
            sheet.write_number(r, 7, f64::from(at.map_or(0, |c| c.admitted)))?;
            if let Some(cut) = at.and_then(|c| c.cutoff.as_ref()) {
                sheet.write_number_with_format(r, 8, score_value(cut.score), &one)?;
            }
            r += 1;
        }
    }

    let sheet = book.add_worksheet();
    sheet.set_name("政策")?;
    sheet.set_column_width(0, 100.0)?;
    sheet.write_string_with_format(
        0,
        0,
        format!("录取政策：{}", policy.name),
        &Format::new().set_bold(),
    )?;
    for (i, line) in policy.describe_zh().iter().enumerate() {
        sheet.write_string(row_of(i + 2), 0, line)?;
    }
    book.save_to_buffer()
}

/// Where a candidate went, as a cell: `甲高中（统招）` or 未录取.
fn placed_text(inputs: &Inputs, placed: &Option<(SchoolCode, Round)>) -> String {
    match placed {
        Some((code, round)) => {
            let name = inputs
                .senior_schools
                .iter()
                .find(|s| &s.code == code)
                .map_or(code.as_str(), |s| s.name.as_str());
            format!("{name}（{}）", round.label_zh())
        }
        None => "未录取".into(),
    }
}

/// The lines of a comparison's summary: label, policy a, policy b.
pub fn comparison_rows(c: &Comparison) -> Vec<(&'static str, String, String)> {
    let pct = |n: u32, of: u32| {
        if of == 0 {
            "—".to_owned()
        } else {
            format!("{n}（{:.1}%）", f64::from(n) * 100.0 / f64::from(of))
        }
    };
    let spread = |s: Option<f64>| s.map_or("—".into(), |v| format!("{:.1} 分", v / 10.0));
    let spread_max = |s: Option<i32>| s.map_or("—".into(), |v| Score(v).to_string() + " 分");
    let (a, b) = (&c.a, &c.b);
    vec![
        ("考生", a.candidates.to_string(), b.candidates.to_string()),
        ("录取", pct(a.placed, a.candidates), pct(b.placed, b.candidates)),
        (
            "其中指标生",
            a.placed_quota.to_string(),
            b.placed_quota.to_string(),
        ),
        ("其中统招", a.placed_open.to_string(), b.placed_open.to_string()),
        ("未录取", a.unplaced.to_string(), b.unplaced.to_string()),
        (
            "第一志愿录取",
            pct(a.first_choice, a.placed),
            pct(b.first_choice, b.placed),
        ),
        (
            "农村考生进入优质高中",
            pct(a.rural_in_quality, a.rural_candidates),
            pct(b.rural_in_quality, b.rural_candidates),
        ),
        (
            "全体考生进入优质高中",
            pct(a.in_quality, a.candidates),
            pct(b.in_quality, b.candidates),
        ),
        (
            "各初中指标线差（平均）",
            spread(a.junior_cutoff_spread_mean),
            spread(b.junior_cutoff_spread_mean),
        ),
        (
            "各初中指标线差（最大）",
            spread_max(a.junior_cutoff_spread_max),
            spread_max(b.junior_cutoff_spread_max),
        ),
        (
            "指标代价（因填报指标校反而吃亏）",
            a.quota_cost_text(),
            b.quota_cost_text(),
        ),
        ("录取结果变化的考生", String::new(), c.changes.len().to_string()),
    ]
}

/// Two policies on the same candidates: 对比概要 (both summaries side by
/// side), 录取变化 (every candidate whose placement differs; masked when
/// `masked`) and 指标线差 (per quota school, the spread of junior-school
/// quota cutoffs under each).
pub fn write_admission_comparison_xlsx(
    inputs: &Inputs,
    policies: (&Policy, &Policy),
    comparison: &Comparison,
    masked: bool,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("对比概要")?;
    let a_title = format!("方案一：{}", policies.0.name);
    let b_title = format!("方案二：{}", policies.1.name);
    headers(sheet, &[("项目", 30.0), (&a_title, 26.0), (&b_title, 26.0)])?;
    for (i, (label, a, b)) in comparison_rows(comparison).into_iter().enumerate() {
        let r = row_of(i + 1);
        sheet.write_string(r, 0, label)?;
        sheet.write_string(r, 1, a)?;
        sheet.write_string(r, 2, b)?;
    }

    let sheet = book.add_worksheet();
    sheet.set_name("录取变化")?;
    headers(
        sheet,
        &[
            ("准考证号", 14.0),
            ("姓名", 10.0),
            ("初中学校", 22.0),
            ("总分", 8.0),
            ("方案一录取", 26.0),
            ("方案二录取", 26.0),
        ],
    )?;
    let by_id: BTreeMap<&CandidateId, &Candidate> = inputs.candidates.iter().map(|c| (&c.id, c)).collect();
    for (i, change) in comparison.changes.iter().enumerate() {
        let r = row_of(i + 1);
        let candidate = by_id.get(&change.candidate);
        match candidate {
            Some(c) => {
                sheet.write_string(r, 0, shown_id(c, masked))?;
                sheet.write_string(r, 1, shown_name(c, masked))?;
                let junior_name = inputs
                    .junior_schools
                    .iter()
                    .find(|j| j.code == c.junior_school)
                    .map_or(c.junior_school.as_str(), |j| j.name.as_str());
                sheet.write_string(r, 2, junior_name)?;
                sheet.write_number(r, 3, score_value(c.total()))?;
            }
            None => {
                let id = if masked {
                    mask_candidate_id(&change.candidate.0)
                } else {
                    change.candidate.0.clone()
                };
                sheet.write_string(r, 0, id)?;
            }
        }
        sheet.write_string(r, 4, placed_text(inputs, &change.before))?;
        sheet.write_string(r, 5, placed_text(inputs, &change.after))?;
    }

    let sheet = book.add_worksheet();
    sheet.set_name("指标线差")?;
    headers(
        sheet,
        &[
            ("学校标识码", 13.0),
            ("学校名称", 22.0),
            ("方案一线差（分）", 14.0),
            ("方案二线差（分）", 14.0),
        ],
    )?;
    for (i, (school, a, b)) in comparison.spread_by_school.iter().enumerate() {
        let r = row_of(i + 1);
        if let Some(s) = senior(inputs, *school) {
            sheet.write_string(r, 0, s.code.as_str())?;
            sheet.write_string(r, 1, &s.name)?;
        }
        if let Some(a) = a {
            sheet.write_number(r, 2, f64::from(*a) / 10.0)?;
        }
        if let Some(b) = b {
            sheet.write_number(r, 3, f64::from(*b) / 10.0)?;
        }
    }
    book.save_to_buffer()
}

/// The file name a read error names for `path` (for callers that report
/// on the policy beside it).
pub fn file_name(path: &Path) -> String {
    file_label(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examination_numbers_are_masked_in_the_middle() {
        assert_eq!(mask_candidate_id("2025000003"), "2025****03");
        assert_eq!(mask_candidate_id("12345678"), "********");
        assert_eq!(mask_candidate_id(""), "*");
    }

    #[test]
    fn numbered_list_columns_are_recognised_and_others_are_not() {
        assert_eq!(list_number("指标志愿12", QUOTA_LIST), Some(12));
        assert_eq!(list_number("平行志愿1", OPEN_LIST), Some(1));
        assert_eq!(list_number("平行志愿0", OPEN_LIST), None);
        assert_eq!(list_number("平行志愿", OPEN_LIST), None);
        assert_eq!(list_number("平行志愿一", OPEN_LIST), None);
        assert_eq!(list_number("平行志愿1234", OPEN_LIST), None);
    }
}
