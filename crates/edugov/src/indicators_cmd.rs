//! `edugov indicators`: the catalogue's values for an area, its levels and
//! years, as a table, CSV, JSON or an `.xlsx` a bureau can forward as is.
//! The engine (`indicators`) computes; this module loads snapshots, asks,
//! and renders.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, Table};
use indicators::judge::Comparison;
use indicators::report::{self, Row};
use indicators::{Computed, CustomIndicator, Group, Indicator, Level, Query, Rules, CATALOGUE};
use registry::{AreaCode, AreaLevel, SchoolYear, Stage};
use store::Store;

#[derive(clap::Args)]
pub struct IndicatorsArgs {
    /// Area: code of the city (4 digits), a county (6) or a township (9), or a county's name; default: the whole city
    #[arg(long)]
    area: Option<String>,
    /// School year, e.g. 2024 (repeat for several, or `all`); default: the latest held
    #[arg(long = "year")]
    years: Vec<String>,
    /// Indicator code or group (repeat; see --list), e.g. large_class_count, balanced; default: the whole catalogue
    #[arg(long = "indicator", short = 'i')]
    indicators: Vec<String>,
    /// Level to report (repeat); default: the area itself and the level below it
    #[arg(long = "level", value_enum)]
    levels: Vec<LevelArg>,
    /// Only this stage (preschool, primary, junior, senior); values over all stages are left out
    #[arg(long)]
    stage: Option<String>,
    /// Also give values by grade (近视率, students)
    #[arg(long)]
    by_grade: bool,
    /// Judge against this target (a work plan's number) instead of the policy line; needs one --indicator
    #[arg(long)]
    target: Option<f64>,
    /// Only values that do not meet their policy line or target
    #[arg(long)]
    unmet: bool,
    /// A custom indicator: an expression over registry measures, e.g.
    /// "share(classes where stage = junior and location = rural, size > 50) * 100"
    #[arg(long)]
    custom: Option<String>,
    /// Name of the custom indicator (default: its Chinese reading)
    #[arg(long, requires = "custom")]
    name: Option<String>,
    /// Unit label of the custom indicator, e.g. % (default: none)
    #[arg(long, requires = "custom", default_value = "")]
    unit: String,
    /// For a custom indicator's --target: lower values are better
    #[arg(long, requires = "custom")]
    lower_is_better: bool,
    /// Policy numbers (TOML) overriding the defaults of rules.md
    #[arg(long)]
    rules: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    /// Output file (default: standard output; required for xlsx)
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Print the catalogue (codes, names, units, definitions) and exit
    #[arg(long)]
    list: bool,
    /// Print the school years held and exit
    #[arg(long)]
    list_years: bool,
    /// Print load and compute times to standard error
    #[arg(long)]
    timings: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LevelArg {
    City,
    County,
    Township,
    School,
    Group,
}

impl LevelArg {
    fn level(self) -> Level {
        match self {
            LevelArg::City => Level::City,
            LevelArg::County => Level::County,
            LevelArg::Township => Level::Township,
            LevelArg::School => Level::School,
            LevelArg::Group => Level::SchoolGroup,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    Table,
    Csv,
    Xlsx,
    Json,
}

pub fn run(db: &store::DatabaseUrl, args: IndicatorsArgs) -> anyhow::Result<ExitCode> {
    if args.list {
        print_catalogue();
        return Ok(ExitCode::SUCCESS);
    }
    let chosen = choose_indicators(&args.indicators)?;
    let custom = match &args.custom {
        Some(text) => Some(custom_indicator(text, args.name.as_deref(), &args.unit)?),
        None => None,
    };
    if args.target.is_some() && chosen.len() + usize::from(custom.is_some()) != 1 {
        bail!("--target 只能与一个 --indicator 一起使用（目标值对应一个指标）");
    }
    let stage = args.stage.as_deref().map(Stage::parse).transpose()?;
    let rules = load_rules(args.rules.as_deref())?;
    let store = crate::open_store(db)?;
    let held = store.school_years()?;
    if args.list_years {
        println!(
            "{}",
            held.iter().map(|y| y.0.to_string()).collect::<Vec<_>>().join(" ")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let Some(latest) = held.last().copied() else {
        bail!(
            "数据库 {} 中还没有学年数据：先运行 `edugov demo` 或 `edugov import`",
            db
        );
    };
    let years = choose_years(&args.years, &held, latest)?;
    let area = match &args.area {
        Some(text) => Some(resolve_area(&store, text)?),
        None => None,
    };

    // The years asked for and the year before each: the change and
    // 初中升高中比例 need it.
    let needed: Vec<SchoolYear> = held
        .iter()
        .copied()
        .filter(|y| years.contains(y) || years.contains(&SchoolYear(y.0 + 1)))
        .collect();
    let started = Instant::now();
    let snapshots = needed
        .iter()
        .map(|y| store.year_snapshot(*y))
        .collect::<Result<Vec<_>, _>>()
        .context("无法读取学年数据")?;
    let loaded = started.elapsed();
    let computed = Computed::new(&snapshots, rules);
    let tallied = started.elapsed() - loaded;
    let levels: Vec<Level> = if args.levels.is_empty() {
        default_levels(area.as_ref())
    } else {
        args.levels.iter().map(|l| l.level()).collect()
    };
    let query = Query {
        indicators: chosen,
        years,
        within: area,
        levels,
        by_grade: args.by_grade,
    };
    // A custom indicator alone reports only itself; with -i, both.
    let mut values = if custom.is_some() && query.indicators.is_empty() {
        Vec::new()
    } else {
        computed.values(&query)
    };
    if let Some(stage) = stage {
        values.retain(|v| v.stage == Some(stage));
    }
    let custom_values = match &custom {
        Some(custom) => computed.custom_values(&snapshots, custom, &query)?,
        None => Vec::new(),
    };
    // The engine's time ends here; rows are rendering.
    let queried = started.elapsed() - loaded - tallied;
    let mut rows = report::rows(&computed, &values, args.target.filter(|_| custom.is_none()));
    if let Some(custom) = &custom {
        let comparison = if args.lower_is_better {
            Comparison::AtMost
        } else {
            Comparison::AtLeast
        };
        rows.extend(report::custom_rows(
            &computed,
            custom,
            &custom_values,
            args.target.map(|t| (t, comparison)),
        ));
    }
    if args.unmet {
        rows.retain(|r| r.met == Some(false));
    }
    if args.timings {
        eprintln!(
            "载入 {} 个学年 {:.0} ms，计算 {:.0} ms，查询 {:.0} ms，{} 个指标值",
            snapshots.len(),
            loaded.as_secs_f64() * 1e3,
            tallied.as_secs_f64() * 1e3,
            queried.as_secs_f64() * 1e3,
            rows.len()
        );
    }
    match args.format {
        OutputFormat::Table => print_table(&rows),
        OutputFormat::Json => write_json(args.output.as_deref(), &rows)?,
        OutputFormat::Csv => write_out(args.output.as_deref(), &csv_bytes(&rows)?)?,
        OutputFormat::Xlsx => {
            let path = args.output.context("xlsx 格式需要 --output 文件名")?;
            let bytes = import_export::indicator_workbook(&rows, &query.indicators, custom.as_ref())
                .context("无法生成 xlsx")?;
            std::fs::write(&path, bytes).with_context(|| format!("无法写出 {}", path.display()))?;
            eprintln!("已写出 {} 个指标值到 {}", rows.len(), path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Checks a custom definition; a mistake is shown under the expression
/// with a caret at the place it was found.
fn custom_indicator(text: &str, name: Option<&str>, unit: &str) -> anyhow::Result<CustomIndicator> {
    match indicator_expr::Definition::parse(text) {
        Ok(definition) => Ok(CustomIndicator {
            code: "custom".to_owned(),
            name: name
                .map(str::to_owned)
                .unwrap_or_else(|| definition.describe_zh()),
            unit: unit.to_owned(),
            definition,
        }),
        Err(err) => {
            let mut message = format!("自定义指标有误：{err}\n  {text}");
            if let Some(span) = err.span() {
                let before: usize = text.chars().take(span.start).map(display_width).sum();
                let under: usize = text
                    .chars()
                    .skip(span.start)
                    .take(span.end.saturating_sub(span.start).max(1))
                    .map(display_width)
                    .sum();
                message.push_str(&format!("\n  {}{}", " ".repeat(before), "^".repeat(under.max(1))));
            }
            bail!(message)
        }
    }
}

/// Terminal columns of a character: CJK and full-width forms take two.
fn display_width(c: char) -> usize {
    if ('\u{1100}'..='\u{115F}').contains(&c)
        || ('\u{2E80}'..='\u{A4CF}').contains(&c)
        || ('\u{AC00}'..='\u{D7A3}').contains(&c)
        || ('\u{F900}'..='\u{FAFF}').contains(&c)
        || ('\u{FF00}'..='\u{FF60}').contains(&c)
        || ('\u{FFE0}'..='\u{FFE6}').contains(&c)
    {
        2
    } else {
        1
    }
}

/// Codes, Chinese names and group codes; unknown words get the list.
fn choose_indicators(words: &[String]) -> anyhow::Result<Vec<&'static Indicator>> {
    let mut chosen: Vec<&'static Indicator> = Vec::new();
    for word in words {
        let word = word.trim();
        let found: Vec<&'static Indicator> = if let Some(g) = Group::ALL
            .iter()
            .find(|g| g.code() == word || g.label_zh() == word)
        {
            indicators::catalogue::group(*g).collect()
        } else if let Some(i) = CATALOGUE.iter().find(|i| i.code == word || i.name_zh == word) {
            vec![i]
        } else {
            let near: Vec<&str> = CATALOGUE
                .iter()
                .filter(|i| i.code.contains(word) || i.name_zh.contains(word))
                .map(|i| i.code)
                .take(5)
                .collect();
            let hint = if near.is_empty() {
                String::new()
            } else {
                format!("；相近的有：{}", near.join("、"))
            };
            bail!("未知指标“{word}”{hint}。`edugov indicators --list` 列出全部指标");
        };
        for i in found {
            if !chosen.iter().any(|c| c.code == i.code) {
                chosen.push(i);
            }
        }
    }
    Ok(chosen)
}

fn choose_years(
    words: &[String],
    held: &[SchoolYear],
    latest: SchoolYear,
) -> anyhow::Result<Vec<SchoolYear>> {
    if words.is_empty() {
        return Ok(vec![latest]);
    }
    if words.iter().any(|w| w == "all" || w == "全部") {
        return Ok(held.to_vec());
    }
    let mut years = Vec::new();
    for word in words {
        let year = SchoolYear::parse(word)?;
        if !held.contains(&year) {
            let list: Vec<String> = held.iter().map(|y| y.0.to_string()).collect();
            bail!(
                "数据库中没有 {} 的数据（现有学年：{}）",
                year.label_zh(),
                list.join("、")
            );
        }
        years.push(year);
    }
    Ok(years)
}

/// An area code, or the exact name of a county or township of the city.
fn resolve_area(store: &impl Store, text: &str) -> anyhow::Result<AreaCode> {
    let text = text.trim();
    if text.chars().all(|c| c.is_ascii_digit()) {
        let code = AreaCode::parse(text)?;
        if store.area(code.as_str())?.is_none() {
            bail!("行政区划代码 {code} 不在登记的区域中");
        }
        return Ok(code);
    }
    let names = registry::divisions::county_and_township_names();
    let mut matches: Vec<&String> = names
        .iter()
        .filter(|(_, name)| name.as_str() == text)
        .map(|(code, _)| code)
        .collect();
    matches.sort();
    for code in matches {
        if store.area(code)?.is_some() {
            return Ok(AreaCode::parse(code)?);
        }
    }
    bail!("找不到名为“{text}”的区县或乡镇（街道）；可填行政区划代码，例如 370112")
}

fn default_levels(area: Option<&AreaCode>) -> Vec<Level> {
    match area.map(AreaCode::level) {
        None | Some(AreaLevel::Province) | Some(AreaLevel::City) => vec![Level::City, Level::County],
        Some(AreaLevel::County) => vec![Level::County, Level::Township],
        Some(_) => vec![Level::Township, Level::School],
    }
}

fn print_catalogue() {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(["代码", "指标", "单位", "学段", "定义", "依据"]);
    for i in CATALOGUE {
        let stages: Vec<&str> = i.stages.iter().map(|s| s.label_zh()).collect();
        table.add_row([
            i.code,
            i.name_zh,
            i.unit.label_zh(),
            &stages.join("、"),
            i.definition_zh,
            i.source,
        ]);
    }
    println!("{table}");
    let groups: Vec<String> = Group::ALL
        .iter()
        .map(|g| format!("{}（{}）", g.code(), g.label_zh()))
        .collect();
    println!("指标组（--indicator 也可填组名）：{}", groups.join("、"));
}

fn print_table(rows: &[Row]) {
    if rows.is_empty() {
        println!("没有符合条件的指标值。");
        return;
    }
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header([
        "学年",
        "区域/学校",
        "指标",
        "学段",
        "数值",
        "分子/分母",
        "较上年",
        "标准/目标",
        "达标",
    ]);
    for row in rows {
        let fraction = match (row.numerator, row.denominator) {
            (Some(n), Some(d)) => format!(
                "{} / {}",
                report::format_number(n, fraction_digits(n)),
                report::format_number(d, fraction_digits(d))
            ),
            _ => String::new(),
        };
        table.add_row([
            row.school_year.to_string(),
            row.place_name.clone(),
            row.indicator_name.to_string(),
            report::stage_label(row),
            report::format_row_value(row, row.value),
            fraction,
            report::format_row_change(row, row.change),
            row.line
                .map(|l| report::format_row_value(row, Some(l)))
                .unwrap_or_default(),
            match row.met {
                Some(true) => "✓".to_owned(),
                Some(false) => format!("✗ 差 {}", report::format_shortfall(row)),
                None if row.not_applicable => report::NOT_APPLICABLE.to_owned(),
                None => String::new(),
            },
        ]);
    }
    for column in [4, 5, 6, 7] {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    println!("{table}");
}

/// Counts print without decimals; areas and money with two.
fn fraction_digits(x: f64) -> usize {
    if x.fract() == 0.0 {
        0
    } else {
        2
    }
}

/// One record, every cell through `import_export::csv_safe` (names of places,
/// groups and custom indicators are user data; numbers pass unchanged).
fn write_csv_safe<const N: usize>(out: &mut csv::Writer<Vec<u8>>, fields: [String; N]) -> csv::Result<()> {
    for field in &fields {
        out.write_field(import_export::csv_safe(field).as_bytes())?;
    }
    out.write_record(None::<&[u8]>)
}

fn csv_bytes(rows: &[Row]) -> anyhow::Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "学年",
        "层级",
        "区域代码",
        "学校标识码",
        "教育集团",
        "名称",
        "指标代码",
        "指标",
        "学段",
        "年级",
        "数值",
        "单位",
        "分子",
        "分母",
        "较上年",
        "标准/目标",
        "是否达标",
        "差距",
    ])?;
    let num = |x: Option<f64>| x.map(|x| x.to_string()).unwrap_or_default();
    for row in rows {
        write_csv_safe(
            &mut out,
            [
                row.school_year.to_string(),
                Level::parse(row.level)
                    .map(|l| l.label_zh())
                    .unwrap_or_default()
                    .to_owned(),
                row.area.clone().unwrap_or_default(),
                row.school.clone().unwrap_or_default(),
                row.school_group.clone().unwrap_or_default(),
                row.place_name.clone(),
                row.indicator.to_string(),
                row.indicator_name.to_string(),
                if row.grade.is_some() {
                    String::new()
                } else {
                    report::stage_label(row)
                },
                row.grade
                    .map(|g| registry::Grade(g).label_zh())
                    .unwrap_or_default(),
                num(row.value),
                row.unit.to_string(),
                num(row.numerator),
                num(row.denominator),
                num(row.change),
                num(row.line),
                row.met
                    .map(|m| if m { "是" } else { "否" })
                    .unwrap_or_default()
                    .to_owned(),
                num(row.gap),
            ],
        )?;
    }
    let mut bytes = out.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    // A UTF-8 byte-order mark so that Excel opens the Chinese correctly.
    bytes.splice(0..0, [0xEF, 0xBB, 0xBF]);
    Ok(bytes)
}

/// Streams the array, so that a whole city's values never sit in memory twice.
fn write_json(path: Option<&Path>, rows: &[Row]) -> anyhow::Result<()> {
    let sink: Box<dyn Write> = match path {
        Some(path) => {
            Box::new(std::fs::File::create(path).with_context(|| format!("无法写出 {}", path.display()))?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 20, sink);
    serde_json::to_writer(&mut out, rows)?;
    out.write_all(b"\n")?;
    Ok(out.flush()?)
}

fn write_out(path: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match path {
        Some(path) => std::fs::write(path, bytes).with_context(|| format!("无法写出 {}", path.display())),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            Ok(out.flush()?)
        }
    }
}

/// The rules of a TOML file (`--rules`), or the defaults: shared by
/// `edugov indicators` and `edugov serve`.
pub fn load_rules(path: Option<&std::path::Path>) -> anyhow::Result<Rules> {
    Ok(match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("无法读取规则文件 {}", path.display()))?;
            toml::from_str::<Rules>(&text)
                .with_context(|| format!("规则文件 {} 有误", path.display()))?
                .keeping_default_lines()
        }
        None => Rules::default(),
    })
}
