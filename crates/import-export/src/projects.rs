//! The 项目台账: construction projects (新建、改建、扩建) as bureaus list
//! them in Excel — 项目编号 · 项目名称 · 建设类型 · 学校标识码 · 拟建学校名称 ·
//! 建设地点 · 区县 · 学段 · 新增学位 · 建筑面积 · 总投资（万元） · the planned
//! and actual dates · 投入使用日期. Read into `plans::ProjectSpec`s, each
//! checked ([`read_projects`]); written back with the same columns
//! ([`projects_workbook`]).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use plans::project::ProjectError;
use plans::{ProjectKind, ProjectSpec};
use registry::{Area, AreaCode, SchoolCode, Stage};
use rust_xlsxwriter::{Format, Workbook};
use store::plans::SeatsAdded;
use store::SchoolInfo;

use crate::errors::{ImportError, RowError};
use crate::tables::{self, cell, col, ColumnSpec};

/// Most rows of a 项目台账.
const MAX_PROJECT_ROWS: u64 = 100_000;

const CODE: usize = 0;
const NAME: usize = 1;
const KIND: usize = 2;
const SCHOOL: usize = 3;
const PLANNED_SCHOOL: usize = 4;
const SITE: usize = 5;
const COUNTY: usize = 6;
const STAGE: usize = 7;
const SEATS: usize = 8;
const FLOOR_AREA: usize = 9;
const INVESTMENT: usize = 10;
const PLANNED_START: usize = 11;
const ACTUAL_START: usize = 12;
const PLANNED_COMPLETION: usize = 13;
const ACTUAL_COMPLETION: usize = 14;
const IN_USE: usize = 15;

pub(crate) const COLUMNS: [ColumnSpec; 16] = [
    col("项目编号", &["项目代码", "编号"], true),
    col("项目名称", &[], true),
    col("建设类型", &["建设性质", "项目类型"], true),
    col("学校标识码", &[], false),
    col("拟建学校名称", &["学校名称"], false),
    col("建设地点", &["项目地址", "建设地址"], false),
    col("区县", &["所在区县", "区县代码"], true),
    col("学段", &[], true),
    col("新增学位", &["新增学位数", "学位数"], false),
    col(
        "建筑面积",
        &["建筑面积（平方米）", "建筑面积(㎡)", "建筑面积（㎡）"],
        false,
    ),
    col("总投资（万元）", &["总投资", "投资额", "总投资万元"], false),
    col("计划开工日期", &["计划开工时间"], false),
    col("实际开工日期", &["实际开工时间", "开工日期"], false),
    col("计划竣工日期", &["计划竣工时间", "计划完工日期"], false),
    col(
        "实际竣工日期",
        &["实际竣工时间", "竣工日期", "实际完工日期"],
        false,
    ),
    col("投入使用日期", &["投用日期", "投入使用时间"], false),
];

const WIDTHS: [f64; 16] = [
    12.0, 30.0, 9.0, 13.0, 20.0, 22.0, 10.0, 7.0, 9.0, 10.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0,
];

/// What a projects file is checked against.
#[derive(Debug, Clone)]
pub struct ProjectContext {
    pub city: AreaCode,
    /// The counties under the city (区县 by code or name).
    pub counties: Vec<Area>,
    /// The registry's schools (`store::Lookup::schools`).
    pub schools: HashMap<SchoolCode, SchoolInfo>,
    /// Stored projects by 项目编号: a stored 投入使用 date cannot change.
    pub stored: HashMap<String, ProjectSpec>,
}

#[derive(Debug, Clone)]
pub struct ProjectsRead {
    pub projects: Vec<ProjectSpec>,
    pub rows: usize,
    pub errors: Vec<RowError>,
    /// Projects this import puts into use: their seats go to their schools.
    pub put_in_use: Vec<SeatsAdded>,
}

/// The column a project's own check blames.
fn blamed(error: &ProjectError) -> usize {
    match error {
        ProjectError::NoCode => CODE,
        ProjectError::NoName => NAME,
        ProjectError::NoSchool | ProjectError::InUseWithoutSchool => SCHOOL,
        ProjectError::Negative("建筑面积") => FLOOR_AREA,
        ProjectError::Negative(_) => INVESTMENT,
        ProjectError::Order { then, .. } => header_column(then),
        ProjectError::Missing { needs, .. } => header_column(needs),
        ProjectError::InUseFixed(_) => IN_USE,
    }
}

fn header_column(header: &str) -> usize {
    COLUMNS.iter().position(|c| c.header == header).unwrap_or(CODE)
}

/// Reads a 项目台账 (`.xlsx` or `.csv`) within the thread's `ReadLimits`.
pub fn read_projects(path: &Path, context: &ProjectContext) -> Result<ProjectsRead, ImportError> {
    let (table, layout) = tables::read(path, "项目台账", &COLUMNS, MAX_PROJECT_ROWS)?;
    let file = table.source.file.as_str();
    let sheet = table.source.sheet.as_deref();
    let mut errors = Vec::new();
    let mut projects = Vec::new();
    let mut put_in_use = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut rows = 0usize;
    for (row, cells) in &table.rows {
        let get = |c: usize| cell(cells, &layout, c);
        if (0..COLUMNS.len()).all(|c| get(c).is_empty()) {
            continue;
        }
        rows += 1;
        let mut err = |column: usize, value: &str, message: String| {
            let header = COLUMNS.get(column).map(|c| c.header);
            errors.push(RowError::new(file, sheet, *row, header, value, message));
        };
        let Some(project) = read_row(&get, context, &mut err) else {
            continue;
        };
        if !seen.insert(project.code.clone()) {
            err(CODE, &project.code, "项目编号重复：每个项目一行".into());
            continue;
        }
        let stored_in_use = context.stored.get(&project.code).and_then(|p| p.in_use);
        if let Some(day) = stored_in_use {
            if project.in_use != Some(day) {
                let value = project.in_use.map(tables::date_text).unwrap_or_default();
                err(IN_USE, &value, ProjectError::InUseFixed(day).to_string());
                continue;
            }
        } else if let (Some(_), Some(school)) = (project.in_use, project.school.clone()) {
            put_in_use.push(SeatsAdded {
                project: project.code.clone(),
                school,
                stage: project.stage,
                seats: project.seats,
            });
        }
        projects.push(project);
    }
    Ok(ProjectsRead {
        projects,
        rows,
        errors,
        put_in_use,
    })
}

fn read_row<'c>(
    get: &dyn Fn(usize) -> &'c str,
    context: &ProjectContext,
    err: &mut dyn FnMut(usize, &str, String),
) -> Option<ProjectSpec> {
    let mut ok = true;
    let mut fail = |column: usize, value: &str, message: String| {
        err(column, value, message);
        false
    };
    let kind = match ProjectKind::parse(get(KIND)) {
        Some(k) => Some(k),
        None => {
            ok &= fail(KIND, get(KIND), "建设类型应为 新建、改建、扩建 或 改扩建".into());
            None
        }
    };
    let stage = match Stage::parse(get(STAGE)) {
        Ok(s) => Some(s),
        Err(e) => {
            ok &= fail(STAGE, get(STAGE), e.to_string());
            None
        }
    };
    let county = match county(get(COUNTY), context) {
        Ok(c) => Some(c),
        Err(message) => {
            ok &= fail(COUNTY, get(COUNTY), message);
            None
        }
    };
    let school = match get(SCHOOL) {
        "" => None,
        text => match SchoolCode::parse(text) {
            Ok(code) => Some(code),
            Err(e) => {
                ok &= fail(SCHOOL, text, e.to_string());
                None
            }
        },
    };
    let mut number = |column: usize| -> Option<f64> {
        match tables::parse_number(get(column)) {
            Ok(v) => Some(v.unwrap_or(0.0)),
            Err(e) => {
                ok &= fail(column, get(column), e);
                None
            }
        }
    };
    let seats = number(SEATS);
    let floor_area = number(FLOOR_AREA);
    let investment = number(INVESTMENT);
    let seats = match seats {
        Some(v) if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) => Some(v as u32),
        Some(_) => {
            ok &= fail(SEATS, get(SEATS), "新增学位应为不小于 0 的整数".into());
            None
        }
        None => None,
    };
    let mut date = |column: usize| -> Option<Option<NaiveDate>> {
        match get(column) {
            "" => Some(None),
            text => match tables::parse_date(text, None) {
                Ok(d) => Some(Some(d)),
                Err(e) => {
                    ok &= fail(column, text, e);
                    None
                }
            },
        }
    };
    let dates = [
        date(PLANNED_START),
        date(ACTUAL_START),
        date(PLANNED_COMPLETION),
        date(ACTUAL_COMPLETION),
        date(IN_USE),
    ];
    if !ok {
        return None;
    }
    let [planned_start, actual_start, planned_completion, actual_completion, in_use] = dates;
    let optional = |c: usize| Some(get(c).to_owned()).filter(|s| !s.is_empty());
    let project = ProjectSpec {
        code: get(CODE).to_owned(),
        name: get(NAME).to_owned(),
        kind: kind?,
        school,
        planned_school: optional(PLANNED_SCHOOL),
        site: optional(SITE),
        county: county?,
        stage: stage?,
        seats: seats?,
        floor_area: floor_area?,
        investment: investment?,
        planned_start: planned_start?,
        actual_start: actual_start?,
        planned_completion: planned_completion?,
        actual_completion: actual_completion?,
        in_use: in_use?,
    };
    if let Err(e) = project.check() {
        let column = blamed(&e);
        err(column, get(column), e.to_string());
        return None;
    }
    if let Some(code) = &project.school {
        match context.schools.get(code) {
            None => {
                err(
                    SCHOOL,
                    code.as_str(),
                    "学校名录中没有这个学校标识码；新学校请填拟建学校名称，建成登记后再补学校标识码".into(),
                );
                return None;
            }
            Some(info) if !info.stages.contains(&project.stage) => {
                let stages: Vec<&str> = info.stages.iter().map(|s| s.label_zh()).collect();
                err(
                    STAGE,
                    get(STAGE),
                    format!(
                        "学校 {code} 不设{}（所设学段：{}）",
                        project.stage.label_zh(),
                        stages.join("、")
                    ),
                );
                return None;
            }
            Some(info) if info.county != project.county => {
                err(
                    COUNTY,
                    get(COUNTY),
                    format!("学校 {code} 属于区县 {}，与本行区县不符", info.county),
                );
                return None;
            }
            Some(_) => {}
        }
    }
    Some(project)
}

/// A county under the city, by code or name.
fn county(text: &str, context: &ProjectContext) -> Result<AreaCode, String> {
    let city = &context.city;
    if text.is_empty() {
        return Err("缺少区县".into());
    }
    let found: Vec<&Area> = if text.bytes().all(|b| b.is_ascii_digit()) {
        context
            .counties
            .iter()
            .filter(|a| a.code.as_str() == text)
            .collect()
    } else {
        let exact: Vec<&Area> = context.counties.iter().filter(|a| a.name == text).collect();
        if exact.is_empty() {
            context
                .counties
                .iter()
                .filter(|a| text.chars().count() >= 2 && a.name.starts_with(text))
                .collect()
        } else {
            exact
        }
    };
    match found.as_slice() {
        [one] => Ok(one.code.clone()),
        [] => Err(format!("“{text}”不是本市（{city}）的区县")),
        _ => Err(format!("区县“{text}”不唯一；请写全称或区县代码")),
    }
}

/// The projects as a 项目台账 `.xlsx` that [`read_projects`] reads back
/// unchanged; text cells are written as text, never as formulas.
pub fn projects_workbook(
    projects: &[ProjectSpec],
    counties: &[Area],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("建设项目")?;
    let header = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_text_wrap();
    for (c, (spec, width)) in COLUMNS.iter().zip(WIDTHS).enumerate() {
        sheet.write_string_with_format(0, c as u16, spec.header, &header)?;
        sheet.set_column_width(c as u16, width)?;
    }
    for (i, p) in projects.iter().enumerate() {
        let r = i as u32 + 1;
        let county = counties
            .iter()
            .find(|a| a.code == p.county)
            .map_or(p.county.as_str(), |a| a.name.as_str());
        let texts = [
            (CODE, p.code.as_str()),
            (NAME, p.name.as_str()),
            (KIND, p.kind.label_zh()),
            (SCHOOL, p.school.as_ref().map_or("", |s| s.as_str())),
            (PLANNED_SCHOOL, p.planned_school.as_deref().unwrap_or_default()),
            (SITE, p.site.as_deref().unwrap_or_default()),
            (COUNTY, county),
            (STAGE, p.stage.label_zh()),
        ];
        for (c, text) in texts {
            if !text.is_empty() {
                sheet.write_string(r, c as u16, text)?;
            }
        }
        sheet.write_number(r, SEATS as u16, f64::from(p.seats))?;
        sheet.write_number(r, FLOOR_AREA as u16, p.floor_area)?;
        sheet.write_number(r, INVESTMENT as u16, p.investment)?;
        let dates = [
            (PLANNED_START, p.planned_start),
            (ACTUAL_START, p.actual_start),
            (PLANNED_COMPLETION, p.planned_completion),
            (ACTUAL_COMPLETION, p.actual_completion),
            (IN_USE, p.in_use),
        ];
        for (c, date) in dates {
            if let Some(date) = date {
                sheet.write_string(r, c as u16, date.format("%Y-%m-%d").to_string())?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}
