//! The assumptions of one forecast, as a planner writes them in a TOML file
//! (`docs/forecast.md` shows every field). Parsing checks every value and
//! names the field in Chinese: a scenario with negative births, a missing
//! year or an unknown county is refused whole.

use std::collections::BTreeMap;

use registry::{AreaCode, Stage};
use serde::{Deserialize, Serialize};

/// One scenario: a name and every assumption, defaults filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Shown beside the numbers (基准方案, 出生每年 −5% …).
    pub name: String,
    /// The last school year projected (default 2035).
    pub until: i32,
    pub births: BirthAssumption,
    pub migration: MigrationAssumption,
    /// Where net migrants enter the cohort step (B1).
    pub timing: MigrationTiming,
    /// Survival by age: `survival[a]` = probability of living from age a to
    /// a + 1; `first_year` = s_b, births to age 0 on 31 August.
    pub survival: Survival,
    /// How grade progression ratios and entry rates are averaged over the
    /// history (B3).
    pub averaging: Averaging,
    /// History years averaged (the last n transitions); at least 1.
    pub averaging_years: u32,
    /// 普高 entrants over last year's grade 9; `None` = from the history.
    pub senior_transition: Option<f64>,
    /// Standard class sizes per forecast stage (rules.md: kindergarten 30,
    /// primary 45, junior 50, senior 50).
    pub class_size: [u32; 4],
    /// Seats taken away from a school year on.
    pub closures: Vec<Closure>,
    /// Projects to add to the registry's pipeline (a planned school not yet
    /// entered as a construction project).
    pub extra_projects: Vec<crate::PipelineProject>,
}

/// Future births.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BirthAssumption {
    /// Each county's last observed births every year.
    Constant,
    /// The last observed births changing by `rate` a year (−0.05 = −5 %/yr).
    Trend { rate: f64 },
    /// Given births per year: the city's (split by each county's last
    /// observed share) or a county's own; every year to `until − 1` given.
    Series {
        city: BTreeMap<i32, f64>,
        counties: BTreeMap<AreaCode, BTreeMap<i32, f64>>,
    },
}

/// Future net migration by age.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MigrationAssumption {
    /// The residual of the register's history, averaged over the last
    /// `years` transitions, times `factor` (1 = as observed; 1.5 = high, 0.5 = low).
    History { years: u32, factor: f64 },
    /// No migration (a closed population).
    None,
}

/// End of period (M added after survival) or half/half (Preston, UN CCMPP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationTiming {
    EndOfPeriod,
    HalfHalf,
}

/// Survival rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Survival {
    /// s_b: births surviving to age 0 on 31 August.
    pub first_year: f64,
    /// s_a for a = 0 … 17 (age a → a + 1).
    pub by_age: Vec<f64>,
    /// Where the rates come from (shown with the assumptions).
    pub source: String,
}

/// How ratios are averaged over the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Averaging {
    /// Plain mean of the last n ratios.
    Mean,
    /// Weighted, later years heavier (weights 1, 2, …, n).
    Weighted,
    /// The last ratio only.
    Last,
}

/// Seats leaving capacity from a school year on (a kindergarten closing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Closure {
    pub county: AreaCode,
    pub stage: Stage,
    pub seats: u32,
    pub from_year: i32,
    pub note: String,
}

/// A scenario file refused, naming the field (and line where TOML knows it).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    #[error("方案文件 {file}：{message}")]
    Invalid { file: String, message: String },
}

/// The largest scenario file read (hostile input: bounded memory).
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// The furthest school year a scenario may project to.
pub const MAX_UNTIL: i32 = 2060;
/// The most births a year a series may give for the city or a county: all
/// of China had about 9 million in 2023; a larger figure is a typing error,
/// and 1e300 would overflow the engine's sums (hostile input).
pub const MAX_BIRTHS: f64 = 10_000_000.0;
/// The most seats one closure or project may carry: the largest schools hold
/// a few thousand; a bound keeps the sums of seats finite and exact.
pub const MAX_SEATS: u32 = 100_000;

impl Scenario {
    /// The baseline: constant births, migration as observed over the last
    /// three years, the life-table default, the last three ratios weighted 1, 2, 3,
    /// until 2035.
    pub fn baseline() -> Scenario {
        Scenario {
            name: "基准方案（出生持平）".to_owned(),
            until: 2035,
            births: BirthAssumption::Constant,
            migration: MigrationAssumption::History {
                years: 3,
                factor: 1.0,
            },
            timing: MigrationTiming::EndOfPeriod,
            survival: crate::population::life_table_default(),
            // Weighted (1, 2, 3): on the moving demo city it beat the plain
            // mean where ratios drift (学前 attendance rising, migration
            // weakening after 2021): city MAPE 学前 one year 0.26 % against
            // 0.32 % with the mean, 25 shortfalls against 31 (measured with
            // `cargo xtask bench forecast`, 1 December 2026). NCES smooths
            // its ratios exponentially for the same reason.
            averaging: Averaging::Weighted,
            averaging_years: 3,
            senior_transition: None,
            // rules.md 班额: kindergarten 30 (幼儿园工作规程 2016: 小班 20–25,
            // 中班 25–30, 大班 30–35 — the middle), primary 45, junior and
            // senior 50 (城市普通中小学校校舍建设标准 2002; 办学条件标准).
            class_size: [30, 45, 50, 50],
            closures: Vec::new(),
            extra_projects: Vec::new(),
        }
    }

    /// The five standard scenarios compared side by side (issue 15 point 5):
    /// births −5 %/yr, constant, +2 %/yr; migration high (×1.5) and low (×0.5).
    pub fn standard_set() -> Vec<Scenario> {
        let base = Scenario::baseline();
        let with = |name: &str, births: BirthAssumption, factor: f64| Scenario {
            name: name.to_owned(),
            births,
            migration: MigrationAssumption::History { years: 3, factor },
            ..base.clone()
        };
        vec![
            with("出生每年下降5%", BirthAssumption::Trend { rate: -0.05 }, 1.0),
            base.clone(),
            with("出生每年增长2%", BirthAssumption::Trend { rate: 0.02 }, 1.0),
            with("迁移偏高（×1.5）", BirthAssumption::Constant, 1.5),
            with("迁移偏低（×0.5）", BirthAssumption::Constant, 0.5),
        ]
    }

    /// Parses a scenario file; `counties` are the codes the history knows
    /// (an unknown county is an error), `base_year` the last observed year
    /// (a series must cover every year after it up to `until`).
    pub fn parse_toml(
        file: &str,
        text: &str,
        counties: &[AreaCode],
        base_year: i32,
    ) -> Result<Scenario, ScenarioError> {
        let fail = |message: String| ScenarioError::Invalid {
            file: file.to_owned(),
            message,
        };
        if text.len() > MAX_FILE_BYTES {
            return Err(fail(format!("文件大小 {} 字节，超过上限 1 MB", text.len())));
        }
        let raw: RawScenario =
            toml::from_str(text).map_err(|e| fail(registry::text::toml_error_zh(&e, text)))?;
        raw.into_scenario(counties, base_year).map_err(fail)
    }

    /// The assumptions in Chinese, as (label, value) rows.
    pub fn describe_zh(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = Vec::new();
        let mut row = |label: &str, value: String| rows.push((label.to_owned(), value));
        row("方案", self.name.clone());
        row("预测截止学年", format!("{}学年", self.until));
        row(
            "出生人口",
            match &self.births {
                BirthAssumption::Constant => "各区县保持最近一年出生数".to_owned(),
                BirthAssumption::Trend { rate } => format!(
                    "以最近一年出生数为基数，每年{}{:.1}%",
                    if *rate < 0.0 { "下降" } else { "增长" },
                    rate.abs() * 100.0
                ),
                BirthAssumption::Series { city, counties } => format!(
                    "给定序列（全市 {} 年{}）",
                    city.len(),
                    if counties.is_empty() {
                        String::new()
                    } else {
                        format!("，{} 个区县单列", counties.len())
                    }
                ),
            },
        );
        row(
            "净迁移",
            match &self.migration {
                MigrationAssumption::History { years, factor } => {
                    format!("按人口登记近 {years} 年分年龄净迁移残差平均 × {factor}")
                }
                MigrationAssumption::None => "不计迁移（封闭人口）".to_owned(),
            },
        );
        row(
            "迁移时点",
            match self.timing {
                MigrationTiming::EndOfPeriod => "期末（存活后加入）".to_owned(),
                MigrationTiming::HalfHalf => "年初年末各半（Preston/联合国 CCMPP）".to_owned(),
            },
        );
        let min = self.survival.by_age.iter().copied().fold(1.0_f64, f64::min);
        row(
            "存活率",
            format!(
                "出生至0岁 {:.4}；0–17岁最低 {:.4}（{}）",
                self.survival.first_year, min, self.survival.source
            ),
        );
        row(
            "升级比与入学率",
            format!(
                "{}，近 {} 年",
                match self.averaging {
                    Averaging::Mean => "简单平均",
                    Averaging::Weighted => "加权平均（近年权重大）",
                    Averaging::Last => "取最近一年",
                },
                self.averaging_years
            ),
        );
        row(
            "普高升学率",
            match self.senior_transition {
                Some(r) => format!("{:.1}%（初三到高一）", r * 100.0),
                None => "按历史初三到高一比率".to_owned(),
            },
        );
        row(
            "标准班额",
            format!(
                "幼儿园 {}、小学 {}、初中 {}、普通高中 {} 人",
                self.class_size[0], self.class_size[1], self.class_size[2], self.class_size[3]
            ),
        );
        if !self.closures.is_empty() {
            // u64: a scenario built in code is not bounded by MAX_SEATS.
            let seats: u64 = self.closures.iter().map(|c| u64::from(c.seats)).sum();
            row("关停", format!("{} 处，{} 个学位", self.closures.len(), seats));
        }
        if !self.extra_projects.is_empty() {
            let seats: u64 = self.extra_projects.iter().map(|p| u64::from(p.seats)).sum();
            row(
                "方案新增项目",
                format!("{} 个，{} 个学位", self.extra_projects.len(), seats),
            );
        }
        rows
    }
}

/// The file as written: every field optional except the name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    until: Option<i32>,
    births: Option<RawBirths>,
    migration: Option<RawMigration>,
    timing: Option<String>,
    survival: Option<RawSurvival>,
    averaging: Option<String>,
    averaging_years: Option<u32>,
    senior_transition: Option<f64>,
    class_size: Option<RawClassSize>,
    closures: Option<Vec<RawClosure>>,
    projects: Option<Vec<RawProject>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBirths {
    kind: String,
    rate: Option<f64>,
    city: Option<BTreeMap<String, f64>>,
    counties: Option<BTreeMap<String, BTreeMap<String, f64>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMigration {
    kind: String,
    years: Option<u32>,
    factor: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSurvival {
    first_year: Option<f64>,
    by_age: Option<Vec<f64>>,
    source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClassSize {
    preschool: Option<u32>,
    primary: Option<u32>,
    junior: Option<u32>,
    senior: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClosure {
    county: String,
    stage: String,
    seats: u32,
    from_year: i32,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    code: Option<String>,
    name: String,
    county: String,
    stage: String,
    seats: u32,
    from_year: i32,
}

impl RawScenario {
    fn into_scenario(self, counties: &[AreaCode], base_year: i32) -> Result<Scenario, String> {
        let base = Scenario::baseline();
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            return Err("字段 name（方案名称）应为 1–100 个字".to_owned());
        }
        plain_text("name（方案名称）", &name)?;
        let until = self.until.unwrap_or(base.until);
        if until < base_year {
            return Err(format!("字段 until（截止学年）{until} 早于基年 {base_year}"));
        }
        if until > MAX_UNTIL {
            return Err(format!("字段 until（截止学年）{until} 超过 {MAX_UNTIL}"));
        }
        let county = |field: &str, code: &str| -> Result<AreaCode, String> {
            counties
                .iter()
                .find(|c| c.as_str() == code.trim())
                .cloned()
                .ok_or_else(|| format!("字段 {field}：区县代码“{code}”不在本市登记数据中"))
        };
        let births = match self.births {
            None => base.births.clone(),
            Some(b) => parse_births(b, base_year, until, &county)?,
        };
        let migration = match self.migration {
            None => base.migration.clone(),
            Some(m) => match m.kind.trim() {
                "none" | "无" => MigrationAssumption::None,
                "history" | "历史" => {
                    let years = m.years.unwrap_or(3);
                    let factor = m.factor.unwrap_or(1.0);
                    if years == 0 {
                        return Err("字段 migration.years（迁移平均年数）至少为 1".to_owned());
                    }
                    if !factor.is_finite() || !(0.0..=10.0).contains(&factor) {
                        return Err(format!(
                            "字段 migration.factor（迁移倍数）{} 应在 0–10 之间",
                            shown(factor)
                        ));
                    }
                    MigrationAssumption::History { years, factor }
                }
                other => {
                    return Err(format!(
                        "字段 migration.kind：“{other}”无法识别，可填 history 或 none"
                    ))
                }
            },
        };
        let timing = match self.timing.as_deref().map(str::trim) {
            None => base.timing,
            Some("end_of_period" | "期末") => MigrationTiming::EndOfPeriod,
            Some("half_half" | "各半") => MigrationTiming::HalfHalf,
            Some(other) => {
                return Err(format!(
                    "字段 timing：“{other}”无法识别，可填 end_of_period 或 half_half"
                ))
            }
        };
        let survival = match self.survival {
            None => base.survival.clone(),
            Some(s) => {
                let first_year = s.first_year.unwrap_or(base.survival.first_year);
                check_rate("survival.first_year", first_year)?;
                let by_age = match s.by_age {
                    None => base.survival.by_age.clone(),
                    Some(v) => {
                        if v.len() != crate::model::AGES - 1 {
                            return Err(format!(
                                "字段 survival.by_age 应有 {} 个数（0–17 岁），现有 {} 个",
                                crate::model::AGES - 1,
                                v.len()
                            ));
                        }
                        for (a, r) in v.iter().enumerate() {
                            check_rate(&format!("survival.by_age[{a}]（{a} 岁）"), *r)?;
                        }
                        v
                    }
                };
                Survival {
                    first_year,
                    by_age,
                    source: s.source.unwrap_or_else(|| "方案文件".to_owned()),
                }
            }
        };
        let averaging = match self.averaging.as_deref().map(str::trim) {
            None => base.averaging,
            Some("mean" | "简单平均") => Averaging::Mean,
            Some("weighted" | "加权平均") => Averaging::Weighted,
            Some("last" | "最近一年") => Averaging::Last,
            Some(other) => {
                return Err(format!(
                    "字段 averaging：“{other}”无法识别，可填 mean、weighted 或 last"
                ))
            }
        };
        let averaging_years = self.averaging_years.unwrap_or(base.averaging_years);
        if averaging_years == 0 || averaging_years > 30 {
            return Err(format!(
                "字段 averaging_years（平均年数）{averaging_years} 应在 1–30 之间"
            ));
        }
        if let Some(r) = self.senior_transition {
            if !r.is_finite() || !(0.0..=2.0).contains(&r) {
                return Err(format!(
                    "字段 senior_transition（普高升学率）{} 应在 0–2 之间",
                    shown(r)
                ));
            }
        }
        let mut class_size = base.class_size;
        if let Some(c) = self.class_size {
            for (i, (field, value)) in [
                ("preschool", c.preschool),
                ("primary", c.primary),
                ("junior", c.junior),
                ("senior", c.senior),
            ]
            .into_iter()
            .enumerate()
            {
                if let Some(v) = value {
                    if !(1..=100).contains(&v) {
                        return Err(format!("字段 class_size.{field}（标准班额）{v} 应在 1–100 之间"));
                    }
                    class_size[i] = v;
                }
            }
        }
        let stage = |field: &str, text: &str| -> Result<Stage, String> {
            let stage = Stage::parse(text).map_err(|e| format!("字段 {field}：{}", e.0))?;
            if crate::model::stage_index(stage).is_none() {
                return Err(format!(
                    "字段 {field}：{} 不在预测学段内（学前、小学、初中、普通高中）",
                    stage.label_zh()
                ));
            }
            Ok(stage)
        };
        let year_in_range = |field: &str, year: i32| -> Result<(), String> {
            if !(1949..=MAX_UNTIL).contains(&year) {
                return Err(format!("字段 {field}：学年 {year} 不在 1949–{MAX_UNTIL} 之间"));
            }
            Ok(())
        };
        let mut closures = Vec::new();
        for (i, c) in self.closures.unwrap_or_default().into_iter().enumerate() {
            let field = format!("closures[{}]", i + 1);
            year_in_range(&format!("{field}.from_year"), c.from_year)?;
            seats_in_range(&format!("{field}.seats"), c.seats)?;
            let note = c.note.unwrap_or_default();
            plain_text(&format!("{field}.note（说明）"), &note)?;
            closures.push(Closure {
                county: county(&format!("{field}.county"), &c.county)?,
                stage: stage(&format!("{field}.stage"), &c.stage)?,
                seats: c.seats,
                from_year: c.from_year,
                note,
            });
        }
        let mut extra_projects = Vec::new();
        for (i, p) in self.projects.unwrap_or_default().into_iter().enumerate() {
            let field = format!("projects[{}]", i + 1);
            year_in_range(&format!("{field}.from_year"), p.from_year)?;
            seats_in_range(&format!("{field}.seats"), p.seats)?;
            plain_text(&format!("{field}.name（项目名称）"), &p.name)?;
            if let Some(code) = &p.code {
                plain_text(&format!("{field}.code（项目代码）"), code)?;
            }
            extra_projects.push(crate::PipelineProject {
                code: p.code.unwrap_or_else(|| format!("scenario-{}", i + 1)),
                name: p.name,
                county: county(&format!("{field}.county"), &p.county)?,
                stage: stage(&format!("{field}.stage"), &p.stage)?,
                seats: p.seats,
                from_year: p.from_year,
                in_use: false,
            });
        }
        Ok(Scenario {
            name,
            until,
            births,
            migration,
            timing,
            survival,
            averaging,
            averaging_years,
            senior_transition: self.senior_transition,
            class_size,
            closures,
            extra_projects,
        })
    }
}

/// Seats of one closure or project within [`MAX_SEATS`].
fn seats_in_range(field: &str, seats: u32) -> Result<(), String> {
    if seats > MAX_SEATS {
        return Err(format!("字段 {field}（学位数）{seats} 超过上限 {MAX_SEATS}"));
    }
    Ok(())
}

/// Text shown on pages, in workbooks and terminals: no control characters
/// (an escape sequence or a NUL, which PostgreSQL refuses) and no bidi
/// overrides (a name that reads backwards).
fn plain_text(field: &str, text: &str) -> Result<(), String> {
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() || registry::text::is_bidi_control(*c))
    {
        return Err(format!(
            "字段 {field} 含控制字符 U+{:04X}，只能填写可见文字",
            u32::from(c)
        ));
    }
    Ok(())
}

/// A number as an error shows it: 1e300 in exponent form, not 301 digits.
fn shown(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e15 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

fn check_rate(field: &str, rate: f64) -> Result<(), String> {
    if !rate.is_finite() || rate <= 0.0 || rate > 1.0 {
        return Err(format!("字段 {field}（存活率）{} 应在 (0, 1] 之内", shown(rate)));
    }
    Ok(())
}

fn parse_births(
    raw: RawBirths,
    base_year: i32,
    until: i32,
    county: &dyn Fn(&str, &str) -> Result<AreaCode, String>,
) -> Result<BirthAssumption, String> {
    match raw.kind.trim() {
        "constant" | "持平" => Ok(BirthAssumption::Constant),
        "trend" | "趋势" => {
            let rate = raw
                .rate
                .ok_or("字段 births.rate（出生年变化率）缺失：kind = \"trend\" 时必填")?;
            if !rate.is_finite() || rate <= -1.0 || rate > 1.0 {
                return Err(format!(
                    "字段 births.rate（出生年变化率）{} 应大于 −1 且不超过 1",
                    shown(rate)
                ));
            }
            Ok(BirthAssumption::Trend { rate })
        }
        "series" | "序列" => {
            let city = series("births.city", raw.city.unwrap_or_default())?;
            let mut counties = BTreeMap::new();
            for (code, values) in raw.counties.unwrap_or_default() {
                let field = format!("births.counties.\"{code}\"");
                let code = county("births.counties", &code)?;
                counties.insert(code, series(&field, values)?);
            }
            if city.is_empty() && counties.is_empty() {
                return Err(
                    "字段 births：kind = \"series\" 时须给出 city 或 counties 的逐年出生数".to_owned(),
                );
            }
            // Births of base_year + 1 … until − 1 feed the projected age 0.
            let needed = base_year + 1..until;
            if !city.is_empty() {
                if let Some(y) = needed.clone().find(|y| !city.contains_key(y)) {
                    return Err(format!(
                        "字段 births.city 缺少 {y} 年出生数（须覆盖 {}–{} 年）",
                        base_year + 1,
                        until - 1
                    ));
                }
            }
            for (code, values) in &counties {
                if let Some(y) = needed.clone().find(|y| !values.contains_key(y)) {
                    return Err(format!(
                        "字段 births.counties.\"{code}\" 缺少 {y} 年出生数（须覆盖 {}–{} 年）",
                        base_year + 1,
                        until - 1
                    ));
                }
            }
            Ok(BirthAssumption::Series { city, counties })
        }
        other => Err(format!(
            "字段 births.kind：“{other}”无法识别，可填 constant、trend 或 series"
        )),
    }
}

fn series(field: &str, values: BTreeMap<String, f64>) -> Result<BTreeMap<i32, f64>, String> {
    let mut out = BTreeMap::new();
    for (key, value) in values {
        let year: i32 = key
            .trim()
            .parse()
            .map_err(|_| format!("字段 {field}：年份“{key}”不是整数"))?;
        if !(1949..=MAX_UNTIL).contains(&year) {
            return Err(format!("字段 {field}：年份 {year} 不在 1949–{MAX_UNTIL} 之间"));
        }
        if !value.is_finite() || value < 0.0 {
            return Err(format!(
                "字段 {field}.{year}（出生数）{} 应为非负数",
                shown(value)
            ));
        }
        if value > MAX_BIRTHS {
            return Err(format!(
                "字段 {field}.{year}（出生数）{} 超过上限 {MAX_BIRTHS}（一千万）",
                shown(value)
            ));
        }
        out.insert(year, value);
    }
    Ok(out)
}
