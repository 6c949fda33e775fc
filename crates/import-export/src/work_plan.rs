//! The 任务分解表: a bureau's work plan as it keeps it in Excel — 序号 ·
//! 目标与任务 · 分管领导 · 牵头单位 · 责任单位 · 完成时限, with section
//! heading rows ("一、学前教育") — plus edugov's optional columns for the
//! measure (板块, 任务来源, 责任区县 with shares, 考核方式, 指标, 学段, 基线年份,
//! 基线值, 目标值, 目标年份, 方向, 计数对象, 单位). Read into a
//! `plans::PlanSpec` with every row error collected ([`read_work_plan`]);
//! written back with the same columns ([`work_plan_workbook`]), so an
//! export imports unchanged.

use std::collections::HashSet;
use std::path::Path;

use plans::{
    Assignment, CountGoal, Counted, IndicatorGoal, Measure, Plan, PlanSpec, SectionSpec, TaskSource, TaskSpec,
};
use registry::{Area, AreaCode, Stage};
use rust_xlsxwriter::{Format, Workbook};

use crate::errors::{ImportError, RowError};
use crate::tables::{self, cell, col, ColumnSpec};

/// The section of tasks a file without headings or 板块 puts them in.
pub const DEFAULT_SECTION: &str = "年度重点工作";

/// Most rows of a 任务分解表 (a city's plan has a few hundred).
const MAX_PLAN_ROWS: u64 = 20_000;

const SEQ: usize = 0;
const TEXT: usize = 1;
const LEADER: usize = 2;
const LEAD_UNIT: usize = 3;
const CO_UNITS: usize = 4;
const DEADLINE: usize = 5;
const SECTION: usize = 6;
const SOURCE: usize = 7;
const COUNTIES: usize = 8;
const METHOD: usize = 9;
const INDICATOR: usize = 10;
const STAGE: usize = 11;
const BASELINE_YEAR: usize = 12;
const BASELINE: usize = 13;
const TARGET: usize = 14;
const TARGET_YEAR: usize = 15;
const DIRECTION: usize = 16;
const COUNTED: usize = 17;
const UNIT: usize = 18;

/// The columns in the order edugov writes them; the first six are the
/// bureau's own.
pub(crate) const COLUMNS: [ColumnSpec; 19] = [
    col("序号", &["编号"], true),
    col(
        "目标与任务",
        &[
            "目标任务",
            "工作任务",
            "重点任务",
            "任务内容",
            "工作内容",
            "主要任务",
            "具体任务",
        ],
        true,
    ),
    col(
        "分管领导",
        &[
            "分管(县)领导",
            "分管县领导",
            "分管市领导",
            "分管区领导",
            "分管局领导",
            "责任领导",
            "牵头领导",
        ],
        false,
    ),
    col(
        "牵头单位",
        &["牵头责任单位", "牵头处室", "牵头部门", "责任处室", "牵头科室"],
        true,
    ),
    col(
        "责任单位",
        &[
            "责任(协同配合)单位",
            "责任(协同)单位",
            "协同配合单位",
            "配合单位",
            "协同单位",
            "参与单位",
        ],
        false,
    ),
    col(
        "完成时限",
        &["完成时间", "时间节点", "完成时间节点", "时限要求", "完成期限"],
        true,
    ),
    col("板块", &["工作板块", "类别", "所属板块"], false),
    col("任务来源", &["来源", "事项来源"], false),
    col("责任区县", &["区县", "责任县区", "承担区县", "区县任务"], false),
    col("考核方式", &["考核类型", "评价方式"], false),
    col("指标", &["指标名称", "指标代码"], false),
    col("学段", &[], false),
    col("基线年份", &[], false),
    col("基线值", &["基期值", "基线"], false),
    col("目标值", &["目标"], false),
    col("目标年份", &[], false),
    col("方向", &["目标方向"], false),
    col("计数对象", &["计数"], false),
    col("单位", &["计量单位"], false),
];

/// Column widths of the written file.
const WIDTHS: [f64; 19] = [
    7.0, 48.0, 10.0, 16.0, 22.0, 14.0, 14.0, 12.0, 26.0, 9.0, 20.0, 7.0, 9.0, 8.0, 8.0, 9.0, 9.0, 9.0, 7.0,
];

/// What a plan file is read against.
#[derive(Debug, Clone)]
pub struct PlanContext {
    /// The bureau's city (4-digit code).
    pub city: AreaCode,
    /// The plan's year; `None`: from a title row above the header ("2026年…").
    pub year: Option<i32>,
    /// The plan's title; `None`: the title row, else "{year}年工作任务分解表".
    pub title: Option<String>,
    /// The counties under the city, for 责任区县 written by name.
    pub counties: Vec<Area>,
}

/// A 任务分解表 read: the plan, and every row error (the plan is only to be
/// saved when there is none).
#[derive(Debug, Clone)]
pub struct PlanRead {
    pub plan: PlanSpec,
    /// Task rows read (headings not counted).
    pub rows: usize,
    pub errors: Vec<RowError>,
    /// The file has only the bureau's columns: every task is a milestone
    /// (节点) of 年度重点工作.
    pub bureau_columns_only: bool,
    /// edugov's fields the file has no column for: a stored task keeps its
    /// own ([`PlanRead::keep_stored`]) rather than being reset by a file
    /// that never said.
    pub absent: Vec<Absent>,
}

/// A field a 任务分解表 may leave out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absent {
    /// 分管领导
    Leader,
    /// 责任单位
    CoUnits,
    /// 任务来源
    Source,
    /// 责任区县
    Counties,
    /// 考核方式 and every measure column
    Measure,
}

impl Absent {
    pub fn label_zh(self) -> &'static str {
        match self {
            Absent::Leader => "分管领导",
            Absent::CoUnits => "责任单位",
            Absent::Source => "任务来源",
            Absent::Counties => "责任区县",
            Absent::Measure => "考核方式与指标、目标",
        }
    }

    fn of(layout: &[Option<usize>]) -> Vec<Absent> {
        let missing = |c: usize| layout.get(c).copied().flatten().is_none();
        let mut out = Vec::new();
        if missing(LEADER) {
            out.push(Absent::Leader);
        }
        if missing(CO_UNITS) {
            out.push(Absent::CoUnits);
        }
        if missing(SOURCE) {
            out.push(Absent::Source);
        }
        if missing(COUNTIES) {
            out.push(Absent::Counties);
        }
        if (METHOD..=UNIT).all(missing) {
            out.push(Absent::Measure);
        }
        out
    }
}

impl PlanRead {
    /// For every task `stored` already holds (same 序号), takes the stored
    /// value of each field the file has no column for — so a bureau's
    /// six-column file re-imported does not turn indicator tasks into
    /// milestones or drop their counties. Returns the tasks so kept.
    pub fn keep_stored(&mut self, stored: &Plan) -> usize {
        if self.absent.is_empty() {
            return 0;
        }
        let mut kept = 0;
        for task in self.plan.sections.iter_mut().flat_map(|s| s.tasks.iter_mut()) {
            let Some(old) = stored.tasks.iter().find(|t| t.spec.seq == task.seq) else {
                continue;
            };
            kept += 1;
            for absent in &self.absent {
                match absent {
                    Absent::Leader => task.leader.clone_from(&old.spec.leader),
                    Absent::CoUnits => task.co_units.clone_from(&old.spec.co_units),
                    Absent::Source => task.source = old.spec.source,
                    Absent::Counties => task.counties.clone_from(&old.spec.counties),
                    Absent::Measure => task.measure.clone_from(&old.spec.measure),
                }
            }
        }
        kept
    }
}

/// Reads a 任务分解表 (`.xlsx` or `.csv`) within the thread's `ReadLimits`.
pub fn read_work_plan(path: &Path, context: &PlanContext) -> Result<PlanRead, ImportError> {
    let (table, layout) = tables::read(path, "任务分解表", &COLUMNS, MAX_PLAN_ROWS)?;
    let file = table.source.file.as_str();
    let sheet = table.source.sheet.as_deref();
    let bureau_columns_only = layout.iter().skip(SECTION).all(Option::is_none);
    let mut errors = Vec::new();
    let title_line = table
        .title
        .iter()
        .find(|t| !t.trim().is_empty())
        .map(|t| t.trim().to_owned());
    let year = context.year.or_else(|| title_line.as_deref().and_then(year_in));
    let Some(year) = year else {
        errors.push(RowError::new(
            file,
            sheet,
            0,
            None,
            "",
            "无法确定计划年份：表格上方的标题中没有“2026年”这样的年份；请指定年份（edugov plan import --year 2026）".into(),
        ));
        return Ok(PlanRead {
            plan: PlanSpec {
                city: context.city.clone(),
                year: 0,
                title: String::new(),
                sections: Vec::new(),
            },
            rows: 0,
            errors,
            bureau_columns_only,
            absent: Absent::of(&layout),
        });
    };
    let title = context
        .title
        .clone()
        .or(title_line)
        .unwrap_or_else(|| format!("{year}年工作任务分解表"));
    let mut reader = RowReader {
        file,
        sheet,
        year,
        context,
        errors: &mut errors,
    };
    let mut sections: Vec<SectionSpec> = Vec::new();
    let mut heading: Option<String> = None;
    let mut seen: HashSet<String> = HashSet::new();
    let mut rows = 0usize;
    for (row, cells) in &table.rows {
        let get = |c: usize| cell(cells, &layout, c);
        if let Some(title) = section_heading(&get) {
            heading = Some(title);
            continue;
        }
        // Cells outside the recognised columns (notes, 备注) are not read.
        if (0..COLUMNS.len()).all(|c| get(c).is_empty()) {
            continue;
        }
        rows += 1;
        let Some(task) = reader.task(*row, &get) else {
            continue;
        };
        if !seen.insert(task.seq.clone()) {
            reader.error(
                *row,
                SEQ,
                &task.seq,
                "序号重复：同一计划中每项任务的序号须唯一".into(),
            );
            continue;
        }
        let section = match get(SECTION) {
            "" => heading.clone().unwrap_or_else(|| DEFAULT_SECTION.to_owned()),
            s => s.to_owned(),
        };
        match sections.iter_mut().find(|s| s.title == section) {
            Some(s) => s.tasks.push(task),
            None => sections.push(SectionSpec {
                title: section,
                tasks: vec![task],
            }),
        }
    }
    if rows == 0 && errors.is_empty() {
        errors.push(RowError::new(file, sheet, 0, None, "", "表中没有任务行".into()));
    }
    Ok(PlanRead {
        plan: PlanSpec {
            city: context.city.clone(),
            year,
            title,
            sections,
        },
        rows,
        errors,
        bureau_columns_only,
        absent: Absent::of(&layout),
    })
}

/// The first "2026年" of a title.
fn year_in(title: &str) -> Option<i32> {
    let chars: Vec<char> = title.chars().collect();
    chars.windows(5).find_map(|w| {
        (w[4] == '年' && w[..4].iter().all(char::is_ascii_digit) && (w[0] == '1' || w[0] == '2'))
            .then(|| w[..4].iter().collect::<String>().parse().ok())
            .flatten()
    })
}

/// A heading row: only 序号 and/or 目标与任务 (and 板块) filled, written as
/// bureaus write a heading ("一、学前教育", "（二）", "第三部分"), or equal to
/// its own 板块 (how edugov writes one). Returns the section's title.
fn section_heading<'c>(get: &dyn Fn(usize) -> &'c str) -> Option<String> {
    let others_empty = (0..COLUMNS.len())
        .filter(|c| ![SEQ, TEXT, SECTION].contains(c))
        .all(|c| get(c).is_empty());
    if !others_empty {
        return None;
    }
    let (seq, text, section) = (get(SEQ), get(TEXT), get(SECTION));
    let chinese_numeral = |s: &str| !s.is_empty() && s.chars().all(|c| "一二三四五六七八九十".contains(c));
    match (seq, text) {
        ("", "") => None,
        (s, "") | ("", s) if !section.is_empty() && s == section => Some(s.to_owned()),
        (s, "") | ("", s) if looks_like_heading(s) => Some(s.to_owned()),
        (n, t) if chinese_numeral(n.trim_end_matches(['、', '.', '．'])) => {
            Some(format!("{}、{t}", n.trim_end_matches(['、', '.', '．'])))
        }
        _ => None,
    }
}

fn looks_like_heading(text: &str) -> bool {
    let numerals = "一二三四五六七八九十";
    let inner = text
        .trim_start_matches(['（', '('])
        .trim_start_matches(|c| numerals.contains(c));
    let had_numeral = inner.len() < text.trim_start_matches(['（', '(']).len();
    (had_numeral && (inner.starts_with('、') || inner.starts_with('）') || inner.starts_with(')')))
        || (text.starts_with('第') && (text.contains("部分") || text.contains("板块")))
}

struct RowReader<'a> {
    file: &'a str,
    sheet: Option<&'a str>,
    year: i32,
    context: &'a PlanContext,
    errors: &'a mut Vec<RowError>,
}

impl RowReader<'_> {
    fn error(&mut self, row: u64, column: usize, value: &str, message: String) {
        let header = COLUMNS.get(column).map(|c| c.header);
        self.errors
            .push(RowError::new(self.file, self.sheet, row, header, value, message));
    }

    /// A required text cell.
    fn required<'v>(&mut self, row: u64, column: usize, value: &'v str) -> Option<&'v str> {
        if value.is_empty() {
            let header = COLUMNS.get(column).map(|c| c.header).unwrap_or_default();
            self.error(row, column, value, format!("缺少{header}"));
            None
        } else {
            Some(value)
        }
    }

    fn number(&mut self, row: u64, column: usize, value: &str) -> Option<Option<f64>> {
        match tables::parse_number(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(row, column, value, e);
                None
            }
        }
    }

    fn year_cell(&mut self, row: u64, column: usize, value: &str) -> Option<Option<i32>> {
        match self.number(row, column, value)? {
            None => Some(None),
            Some(v) if v.fract() == 0.0 && (1990.0..=2100.0).contains(&v) => Some(Some(v as i32)),
            Some(_) => {
                self.error(row, column, value, "年份应为四位数字，如 2025".into());
                None
            }
        }
    }

    fn task<'c>(&mut self, row: u64, get: &dyn Fn(usize) -> &'c str) -> Option<TaskSpec> {
        let before = self.errors.len();
        let seq = self.required(row, SEQ, get(SEQ)).map(str::to_owned);
        let text = self.required(row, TEXT, get(TEXT)).map(str::to_owned);
        let lead_unit = self.required(row, LEAD_UNIT, get(LEAD_UNIT)).map(str::to_owned);
        let deadline = match get(DEADLINE) {
            "" => {
                self.error(
                    row,
                    DEADLINE,
                    "",
                    format!("缺少完成时限；可写作 {}", tables::DATE_FORMS),
                );
                None
            }
            value => match tables::parse_date(value, Some(self.year)) {
                Ok(d) => Some(d),
                Err(e) => {
                    self.error(row, DEADLINE, value, e);
                    None
                }
            },
        };
        let source = match get(SOURCE) {
            "" => Some(TaskSource::AnnualPriority),
            value => {
                let source = TaskSource::parse(value);
                if source.is_none() {
                    let known: Vec<&str> = TaskSource::ALL.iter().map(|s| s.label_zh()).collect();
                    self.error(
                        row,
                        SOURCE,
                        value,
                        format!("无法识别的任务来源；可填 {}", known.join("、")),
                    );
                }
                source
            }
        };
        let counties = self.counties(row, get(COUNTIES));
        let measure = self.measure(row, get);
        if self.errors.len() > before {
            return None;
        }
        Some(TaskSpec {
            seq: seq?,
            text: text?,
            source: source?,
            leader: get(LEADER).to_owned(),
            lead_unit: lead_unit?,
            co_units: split_units(get(CO_UNITS)),
            deadline: deadline?,
            measure: measure?,
            counties: counties?,
        })
    }

    /// 责任区县: "历下区 5；市中区 8", "370102:5", or names alone.
    fn counties(&mut self, row: u64, value: &str) -> Option<Vec<Assignment>> {
        let mut out: Vec<Assignment> = Vec::new();
        let mut ok = true;
        for item in value
            .split(['；', ';', '、', '，', ',', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let split = if item.starts_with(|c: char| c.is_ascii_digit()) {
                item.find(|c: char| !c.is_ascii_digit()).unwrap_or(item.len())
            } else {
                item.find(|c: char| c.is_ascii_digit() || " ：:（(".contains(c))
                    .unwrap_or(item.len())
            };
            let (place, rest) = item.split_at(split);
            let share_text = rest.trim_matches(|c: char| !(c.is_ascii_digit() || c == '.'));
            let share = if share_text.is_empty() {
                if rest.trim().is_empty() {
                    None
                } else {
                    self.error(
                        row,
                        COUNTIES,
                        item,
                        format!("“{item}”中的任务量不是数字；请写作“历下区 5”"),
                    );
                    ok = false;
                    continue;
                }
            } else {
                match share_text.parse::<f64>() {
                    Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
                    _ => {
                        self.error(
                            row,
                            COUNTIES,
                            item,
                            format!("“{item}”中的任务量不是数字；请写作“历下区 5”"),
                        );
                        ok = false;
                        continue;
                    }
                }
            };
            match self.county(place.trim()) {
                Ok(county) => {
                    if out.iter().any(|a| a.county == county) {
                        self.error(row, COUNTIES, item, format!("区县“{}”出现了两次", place.trim()));
                        ok = false;
                    } else {
                        out.push(Assignment { county, share });
                    }
                }
                Err(message) => {
                    self.error(row, COUNTIES, item, message);
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// A county under the plan's city, by code or name (历下区, or 历下).
    fn county(&self, place: &str) -> Result<AreaCode, String> {
        let counties = &self.context.counties;
        let city = &self.context.city;
        if place.bytes().all(|b| b.is_ascii_digit()) {
            return counties
                .iter()
                .find(|a| a.code.as_str() == place)
                .map(|a| a.code.clone())
                .ok_or_else(|| format!("区县代码 {place} 不是本市（{city}）的区县"));
        }
        let exact: Vec<&Area> = counties.iter().filter(|a| a.name == place).collect();
        let found: Vec<&Area> = if exact.is_empty() {
            counties
                .iter()
                .filter(|a| place.chars().count() >= 2 && a.name.starts_with(place))
                .collect()
        } else {
            exact
        };
        match found.as_slice() {
            [one] => Ok(one.code.clone()),
            [] => {
                let names: Vec<&str> = counties.iter().map(|a| a.name.as_str()).collect();
                Err(if names.is_empty() {
                    format!("区县“{place}”不是本市（{city}）的区县：数据库中还没有本市的区县")
                } else {
                    format!(
                        "区县“{place}”不是本市（{city}）的区县；本市区县：{}",
                        names.join("、")
                    )
                })
            }
            many => Err(format!(
                "区县“{place}”可指 {}；请写全称",
                many.iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            )),
        }
    }

    fn measure<'c>(&mut self, row: u64, get: &dyn Fn(usize) -> &'c str) -> Option<Measure> {
        let method = match get(METHOD) {
            "" if !get(INDICATOR).is_empty() => "指标",
            "" if !get(COUNTED).is_empty() => "计数",
            "" => "节点",
            m => m,
        };
        let stage = match get(STAGE) {
            "" => Some(None),
            value => match Stage::parse(value) {
                Ok(s) => Some(Some(s)),
                Err(e) => {
                    self.error(row, STAGE, value, e.to_string());
                    None
                }
            },
        };
        let misplaced = |reader: &mut Self, columns: &[usize], kind: &str| {
            let mut ok = true;
            for &c in columns {
                if !get(c).is_empty() {
                    let header = COLUMNS.get(c).map(|s| s.header).unwrap_or_default();
                    reader.error(row, c, get(c), format!("{kind}任务不填{header}"));
                    ok = false;
                }
            }
            ok
        };
        match method {
            "指标" | "indicator" => {
                let ok = misplaced(self, &[COUNTED], "指标");
                let indicator = match get(INDICATOR) {
                    "" => {
                        self.error(
                            row,
                            INDICATOR,
                            "",
                            "指标任务须填写指标（指标代码或名称，见 edugov indicators --list）".into(),
                        );
                        None
                    }
                    value => {
                        let found = indicators::CATALOGUE
                            .iter()
                            .find(|i| i.code == value || i.name_zh == value);
                        if found.is_none() {
                            self.error(
                                row,
                                INDICATOR,
                                value,
                                "指标目录中没有这个指标（填指标代码或中文名称，如“普惠性幼儿园覆盖率”）"
                                    .into(),
                            );
                        }
                        found
                    }
                };
                let baseline_year = match self.year_cell(row, BASELINE_YEAR, get(BASELINE_YEAR)) {
                    Some(None) => {
                        self.error(row, BASELINE_YEAR, "", "指标任务须填写基线年份".into());
                        None
                    }
                    other => other.flatten(),
                };
                let baseline = self.number(row, BASELINE, get(BASELINE));
                let target = match self.number(row, TARGET, get(TARGET)) {
                    Some(None) => {
                        self.error(row, TARGET, "", "指标任务须填写目标值".into());
                        None
                    }
                    other => other.flatten(),
                };
                let target_year = self
                    .year_cell(row, TARGET_YEAR, get(TARGET_YEAR))
                    .map(|y| y.unwrap_or(self.year));
                if let (Some(b), Some(t)) = (baseline_year, target_year) {
                    if t <= b {
                        self.error(
                            row,
                            TARGET_YEAR,
                            get(TARGET_YEAR),
                            format!("目标年份应晚于基线年份 {b}"),
                        );
                        return None;
                    }
                }
                let better = match get(DIRECTION) {
                    "" => match indicator.map(|i| i.direction) {
                        Some(indicators::Direction::HigherIsBetter) => Some(plans::Better::Higher),
                        Some(indicators::Direction::LowerIsBetter) => Some(plans::Better::Lower),
                        Some(indicators::Direction::Neutral) => {
                            self.error(
                                row,
                                DIRECTION,
                                "",
                                "这个指标没有公认的好坏方向；请填写方向（越高越好 / 越低越好）".into(),
                            );
                            None
                        }
                        None => None,
                    },
                    value => {
                        let better = plans::Better::parse(value);
                        if better.is_none() {
                            self.error(row, DIRECTION, value, "方向应为“越高越好”或“越低越好”".into());
                        }
                        better
                    }
                };
                if !ok {
                    return None;
                }
                Some(Measure::Indicator(IndicatorGoal {
                    indicator: indicator?.code.to_owned(),
                    stage: stage?,
                    baseline_year: baseline_year?,
                    baseline: baseline?,
                    target: target?,
                    target_year: target_year?,
                    better: better?,
                }))
            }
            "计数" | "count" => {
                let ok = misplaced(
                    self,
                    &[INDICATOR, BASELINE_YEAR, BASELINE, TARGET_YEAR, DIRECTION],
                    "计数",
                );
                let target = match self.number(row, TARGET, get(TARGET)) {
                    Some(None) => {
                        self.error(row, TARGET, "", "计数任务须填写目标值（全市目标数）".into());
                        None
                    }
                    Some(Some(v)) if v < 0.0 => {
                        self.error(row, TARGET, get(TARGET), "目标值不能为负数".into());
                        None
                    }
                    other => other.flatten(),
                };
                let stage = stage?;
                let counted = match get(COUNTED) {
                    "开工" | "开工数" | "projects_started" => Some(Counted::ProjectsStarted { stage }),
                    "完工" | "完工数" | "projects_completed" => {
                        Some(Counted::ProjectsCompleted { stage })
                    }
                    "新增学位" | "学位" | "seats_delivered" => Some(Counted::SeatsDelivered { stage }),
                    "报送" | "reported" => match get(UNIT) {
                        "" => {
                            self.error(
                                row,
                                UNIT,
                                "",
                                "计数对象为“报送”时须填写单位（如 所、个、家）".into(),
                            );
                            None
                        }
                        unit => Some(Counted::Reported {
                            unit: unit.to_owned(),
                        }),
                    },
                    value => {
                        self.error(
                            row,
                            COUNTED,
                            value,
                            "计数对象应为 开工、完工、新增学位 或 报送".into(),
                        );
                        None
                    }
                };
                if !ok {
                    return None;
                }
                Some(Measure::Count(CountGoal {
                    counted: counted?,
                    target: target?,
                }))
            }
            "节点" | "milestone" => {
                let ok = misplaced(
                    self,
                    &[
                        INDICATOR,
                        BASELINE_YEAR,
                        BASELINE,
                        TARGET,
                        TARGET_YEAR,
                        DIRECTION,
                        COUNTED,
                    ],
                    "节点",
                );
                ok.then_some(Measure::Milestone)
            }
            other => {
                self.error(row, METHOD, other, "考核方式应为 指标、计数 或 节点".into());
                None
            }
        }
    }
}

/// 责任单位 written as a list: 、 ， ； or line breaks between units.
fn split_units(text: &str) -> Vec<String> {
    text.split(['、', '，', ',', '；', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A stored plan as written: its tasks grouped by section, in order.
pub fn plan_spec(plan: &Plan) -> PlanSpec {
    let mut sections: Vec<SectionSpec> = Vec::new();
    for task in &plan.tasks {
        match sections.iter_mut().find(|s| s.title == task.section) {
            Some(s) => s.tasks.push(task.spec.clone()),
            None => sections.push(SectionSpec {
                title: task.section.clone(),
                tasks: vec![task.spec.clone()],
            }),
        }
    }
    PlanSpec {
        city: plan.header.city.clone(),
        year: plan.header.year,
        title: plan.header.title.clone(),
        sections,
    }
}

fn county_name<'a>(counties: &'a [Area], code: &'a AreaCode) -> &'a str {
    counties
        .iter()
        .find(|a| &a.code == code)
        .map(|a| a.name.as_str())
        .unwrap_or(code.as_str())
}

/// The plan as a 任务分解表 `.xlsx` (title row, header, a heading row per
/// section, a row per task) that [`read_work_plan`] reads back unchanged.
/// Every text cell is written as text, never as a formula.
pub fn work_plan_workbook(plan: &PlanSpec, counties: &[Area]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("任务分解表")?;
    let title_format = Format::new().set_bold().set_font_size(14);
    let header = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_text_wrap();
    let heading = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    sheet.write_string_with_format(0, 0, &plan.title, &title_format)?;
    for (c, (spec, width)) in COLUMNS.iter().zip(WIDTHS).enumerate() {
        sheet.write_string_with_format(1, c as u16, spec.header, &header)?;
        sheet.set_column_width(c as u16, width)?;
    }
    let mut r = 2u32;
    for section in &plan.sections {
        sheet.write_string_with_format(r, TEXT as u16, &section.title, &heading)?;
        sheet.write_string_with_format(r, SECTION as u16, &section.title, &heading)?;
        r += 1;
        for task in &section.tasks {
            let text = |c: usize, value: &str| (c, value.to_owned());
            let mut cells = vec![
                text(SEQ, &task.seq),
                text(LEADER, &task.leader),
                text(LEAD_UNIT, &task.lead_unit),
                text(CO_UNITS, &task.co_units.join("、")),
                text(DEADLINE, &tables::date_text(task.deadline)),
                text(SECTION, &section.title),
                text(SOURCE, task.source.label_zh()),
                text(METHOD, task.measure.label_zh()),
            ];
            let counties_text: Vec<String> = task
                .counties
                .iter()
                .map(|a| match a.share {
                    Some(share) => format!("{} {share}", county_name(counties, &a.county)),
                    None => county_name(counties, &a.county).to_owned(),
                })
                .collect();
            cells.push((COUNTIES, counties_text.join("；")));
            let mut numbers: Vec<(usize, f64)> = Vec::new();
            match &task.measure {
                Measure::Indicator(goal) => {
                    let name =
                        indicators::find(&goal.indicator).map_or(goal.indicator.as_str(), |i| i.name_zh);
                    cells.push(text(INDICATOR, name));
                    if let Some(stage) = goal.stage {
                        cells.push(text(STAGE, stage.label_zh()));
                    }
                    numbers.push((BASELINE_YEAR, f64::from(goal.baseline_year)));
                    if let Some(b) = goal.baseline {
                        numbers.push((BASELINE, b));
                    }
                    numbers.push((TARGET, goal.target));
                    numbers.push((TARGET_YEAR, f64::from(goal.target_year)));
                    cells.push(text(
                        DIRECTION,
                        match goal.better {
                            plans::Better::Higher => "越高越好",
                            plans::Better::Lower => "越低越好",
                        },
                    ));
                }
                Measure::Count(goal) => {
                    let (what, unit) = match &goal.counted {
                        Counted::ProjectsStarted { .. } => ("开工", None),
                        Counted::ProjectsCompleted { .. } => ("完工", None),
                        Counted::SeatsDelivered { .. } => ("新增学位", None),
                        Counted::Reported { unit } => ("报送", Some(unit.as_str())),
                    };
                    cells.push(text(COUNTED, what));
                    if let Some(unit) = unit {
                        cells.push(text(UNIT, unit));
                    }
                    if let Some(stage) = goal.counted.stage() {
                        cells.push(text(STAGE, stage.label_zh()));
                    }
                    numbers.push((TARGET, goal.target));
                }
                Measure::Milestone => {}
            }
            sheet.write_string_with_format(r, TEXT as u16, &task.text, &wrap)?;
            for (c, value) in cells {
                if !value.is_empty() {
                    sheet.write_string(r, c as u16, &value)?;
                }
            }
            for (c, value) in numbers {
                sheet.write_number(r, c as u16, value)?;
            }
            r += 1;
        }
    }
    sheet.set_freeze_panes(2, 0)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_told_from_tasks() {
        let row = |seq: &'static str, text: &'static str| {
            move |c: usize| match c {
                SEQ => seq,
                TEXT => text,
                _ => "",
            }
        };
        assert_eq!(
            section_heading(&row("一、学前教育", "")),
            Some("一、学前教育".into())
        );
        assert_eq!(
            section_heading(&row("", "（二）义务教育")),
            Some("（二）义务教育".into())
        );
        assert_eq!(
            section_heading(&row("三", "队伍建设")),
            Some("三、队伍建设".into())
        );
        assert_eq!(section_heading(&row("1", "新建幼儿园")), None);
        assert_eq!(section_heading(&row("", "新建幼儿园")), None);
        assert_eq!(section_heading(&row("", "一是扩充学位")), None);
    }

    #[test]
    fn the_year_is_found_in_a_title() {
        assert_eq!(year_in("济南市教育局2026年工作要点任务分解表"), Some(2026));
        assert_eq!(year_in("工作要点任务分解表"), None);
    }
}
