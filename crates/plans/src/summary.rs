//! The progress summary a bureau sends — in the manner of the 青岛 half-year
//! summary ("今年计划开工新建改扩建40所，推动完工50所……有33所已开工建设，开工率
//! 达到82.5%；有25所已经完工，完工率达到50%") — as a `gongwen::Document`:
//! Chinese prose whose every figure is computed from the ledger and the
//! projects and carries its trace (what, how, from which records), listed by
//! the renderer in the 数据说明 attachment. The web page, the `.docx` and the
//! CLI all build it here.

use chrono::{Datelike, NaiveDate};
use gongwen::{Attachment, Block, Document, Figure, Run, Table};
use registry::AreaCode;

use crate::ledger::{Ledger, TaskRow};
use crate::plan::{Counted, Measure};
use crate::progress::Progress;
use crate::project::{percent, Project, Rates};
use crate::status::{number, Rule};

/// Who sends the summary, and the names it needs.
pub struct Context<'a> {
    /// The bureau (落款), e.g. 济南市教育局.
    pub issuer: &'a str,
    /// The area's name by code (counties, the city).
    pub area_name: &'a dyn Fn(&AreaCode) -> String,
}

/// The period a summary of the plan year `year` covers, in words: 上半年 up
/// to July, 前三季度 up to October, 全年 from 20 December (the year-end
/// report) or any day after the year, and in between the months completed
/// ("1至11月" on 1 December).
pub fn period_words(as_of: NaiveDate, year: i32) -> String {
    if as_of.year() > year {
        return "全年".to_owned();
    }
    match as_of.month() {
        1..=7 => "上半年".to_owned(),
        8..=10 => "前三季度".to_owned(),
        12 if as_of.day() >= 20 => "全年".to_owned(),
        m => format!("1至{}月", m - 1),
    }
}

fn fig(text: String, label: &str, formula: String, source: String) -> Run {
    Run::Figure(Figure::new(text, label, formula, source))
}

fn t(text: impl Into<String>) -> Run {
    Run::Text(text.into())
}

/// Builds the summary of `ledger` (computed for `ledger.today`, the "as of"
/// day) with the city's `projects`.
pub fn build(ledger: &Ledger, projects: &[Project], ctx: &Context<'_>) -> Document {
    let as_of = ledger.today;
    let year = ledger.plan.year;
    let day = format!("{}年{}月{}日", as_of.year(), as_of.month(), as_of.day());
    let ledger_source = format!("《{}》督办台账，截至{day}", ledger.plan.title);
    let counts = ledger.counts();
    let mut blocks = Vec::new();

    // Opening: the plan as a whole.
    let count_fig = |n: usize, label: &str, what: &str| {
        fig(
            format!("{n}项"),
            label,
            format!("{what}的任务数 = {n}"),
            ledger_source.clone(),
        )
    };
    let mut opening = vec![
        t(format!(
            "今年以来，{}围绕《{}》确定的",
            ctx.issuer, ledger.plan.title
        )),
        count_fig(counts.tasks, "重点任务数", "计划所列"),
        t(format!(
            "重点任务，逐项明确牵头单位、责任区县和完成时限，挂图作战、跟踪问效。截至{day}，"
        )),
    ];
    // Only the classes that hold tasks: "0项已销号" is not how a bureau writes.
    let clauses = [
        (
            counts.achieved,
            "已完成目标的任务",
            "进度状态为“已达成”",
            "已完成目标",
        ),
        (
            counts.on_track,
            "进度正常的任务",
            "进度状态为“进度正常”",
            "进度正常",
        ),
        (
            counts.behind,
            "需加快推进的任务",
            "进度状态为“需加快”“进展有限”或“退步”",
            "需加快推进",
        ),
        (
            counts.overdue,
            "逾期任务",
            "任务或其责任区县已过完成时限而未完成",
            "逾期未完成",
        ),
        (counts.listed, "挂牌督办任务", "处于挂牌督办中", "实行挂牌督办"),
        (counts.closed, "已销号任务", "经核验后销号", "已核验销号"),
    ];
    let present: Vec<_> = clauses.iter().filter(|c| c.0 > 0).collect();
    for (i, (n, label, what, words)) in present.iter().enumerate() {
        opening.push(count_fig(*n, label, what));
        let end = if i + 1 == present.len() { "。" } else { "，" };
        opening.push(t(format!("{words}{end}")));
    }
    if present.is_empty() {
        opening.push(t("各项任务正在推进。"));
    }
    blocks.push(Block::Paragraph(opening));

    // Construction, the 青岛 paragraph.
    let rates = Rates::compute(projects.iter().map(|p| &p.spec), year, as_of);
    if rates.planned_starts > 0 || rates.planned_completions > 0 || rates.put_in_use > 0 {
        blocks.push(Block::heading(1, "加快学校建设，扩大学位供给"));
        blocks.push(Block::Paragraph(construction(&rates, projects, &day)));
    }

    // Each section of the plan.
    for section in sections(ledger) {
        let rows: Vec<&TaskRow> = ledger.rows.iter().filter(|r| r.task.section == section).collect();
        blocks.push(Block::heading(1, strip_number(&section)));
        for row in rows {
            blocks.push(Block::Paragraph(task_paragraph(
                row,
                ledger,
                ctx,
                &day,
                &ledger_source,
            )));
        }
    }

    // Problems and next steps: the late tasks by county.
    blocks.push(Block::heading(1, "存在的问题和下步打算"));
    let late = ledger.late_by_county();
    if late.is_empty() {
        blocks.push(Block::paragraph(
            "目前各项任务均在完成时限内推进。下一步，将继续按月调度、按季通报，确保全年目标任务如期完成。",
        ));
    } else {
        let mut runs = vec![t("从调度情况看，部分任务推进滞后：")];
        for (i, (county, rows)) in late.iter().enumerate() {
            if i > 0 {
                runs.push(t("；"));
            }
            runs.push(t((ctx.area_name)(county)));
            runs.push(fig(
                format!("{}项", rows.len()),
                &format!("{}逾期任务数", (ctx.area_name)(county)),
                format!(
                    "该区县已过完成时限而未完成的任务：{}",
                    rows.iter()
                        .map(|r| r.task.spec.seq.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
                ledger_source.clone(),
            ));
            runs.push(t("逾期（任务"));
            runs.push(t(rows
                .iter()
                .map(|r| r.task.spec.seq.clone())
                .collect::<Vec<_>>()
                .join("、")));
            runs.push(t("）"));
        }
        runs.push(t(
            "。下一步，对逾期任务逐项下发督办单，实行“蓝、黄、红”三色督查和挂牌督办、销号管理，",
        ));
        runs.push(t("“解决一个、销号一个、巩固一个”，确保全年目标任务如期完成。"));
        blocks.push(Block::Paragraph(runs));
    }

    Document {
        // Two lines, words kept whole (GB/T 9704 §7.3.1: 梯形 titles).
        title: format!(
            "{}关于{}年{}\n重点工作推进情况的报告",
            ctx.issuer,
            year,
            period_words(as_of, year)
        ),
        subtitle: None,
        issuer: Some(ctx.issuer.to_owned()),
        date: Some(as_of),
        blocks,
        attachments: vec![task_table(ledger, ctx)],
    }
}

fn construction(rates: &Rates, projects: &[Project], day: &str) -> Vec<Run> {
    let year = rates.year;
    let source = |what: &str| format!("建设项目台账：{what}，截至{day}");
    let planned: Vec<&Project> = projects
        .iter()
        .filter(|p| {
            let y = |d: Option<NaiveDate>| d.is_some_and(|d| d.year() == year);
            y(p.spec.planned_start) || y(p.spec.planned_completion)
        })
        .collect();
    let area: f64 = planned.iter().map(|p| p.spec.floor_area).sum();
    let seats: u64 = planned.iter().map(|p| u64::from(p.spec.seats)).sum();
    let mut runs = vec![
        t("积极应对入学（园）高峰挑战，加快推进中小学幼儿园新建改扩建工作，今年计划开工新建改扩建"),
        fig(
            format!("{}所", rates.planned_starts),
            "计划开工项目数",
            format!("计划开工日期在{year}年的项目 = {}", rates.planned_starts),
            source(&format!("计划{year}年开工的项目")),
        ),
        t("，推动完工"),
        fig(
            format!("{}所", rates.planned_completions),
            "计划完工项目数",
            format!("计划竣工日期在{year}年的项目 = {}", rates.planned_completions),
            source(&format!("计划{year}年竣工的项目")),
        ),
    ];
    if area > 0.0 {
        runs.push(t("，总建筑面积约"));
        runs.push(fig(
            format!("{}万平方米", number((area / 10_000.0 * 100.0).round() / 100.0)),
            "总建筑面积",
            format!(
                "计划{year}年开工或竣工项目的建筑面积之和 = {} 平方米",
                number(area)
            ),
            source("计划当年开工或竣工的项目"),
        ));
    }
    if seats > 0 {
        runs.push(t("，建成后可提供学位约"));
        runs.push(fig(
            if seats >= 10_000 {
                format!(
                    "{}万个",
                    number((seats as f64 / 10_000.0 * 100.0).round() / 100.0)
                )
            } else {
                format!("{seats}个")
            },
            "建成后可提供学位",
            format!("计划{year}年开工或竣工项目的新增学位之和 = {seats}"),
            source("计划当年开工或竣工的项目"),
        ));
    }
    runs.push(t(format!("。截至{day}，有")));
    runs.push(fig(
        format!("{}所", rates.started),
        "已开工项目数",
        format!(
            "计划{year}年开工且实际开工日期不晚于{day}的项目 = {}",
            rates.started
        ),
        source("实际开工日期"),
    ));
    runs.push(t("已开工建设"));
    if let Some(rate) = rates.start_rate() {
        runs.push(t("，开工率达到"));
        runs.push(fig(
            percent(rate),
            "开工率",
            format!("{} ÷ {} = {}", rates.started, rates.planned_starts, percent(rate)),
            source(&format!("计划{year}年开工的{}个项目", rates.planned_starts)),
        ));
    }
    runs.push(t("；有"));
    runs.push(fig(
        format!("{}所", rates.completed),
        "已完工项目数",
        format!(
            "计划{year}年竣工且实际竣工日期不晚于{day}的项目 = {}",
            rates.completed
        ),
        source("实际竣工日期"),
    ));
    runs.push(t("已经完工"));
    if let Some(rate) = rates.completion_rate() {
        runs.push(t("，完工率达到"));
        runs.push(fig(
            percent(rate),
            "完工率",
            format!(
                "{} ÷ {} = {}",
                rates.completed,
                rates.planned_completions,
                percent(rate)
            ),
            source(&format!("计划{year}年竣工的{}个项目", rates.planned_completions)),
        ));
    }
    if rates.put_in_use > 0 {
        runs.push(t("；"));
        runs.push(fig(
            format!("{}所", rates.put_in_use),
            "投入使用项目数",
            format!("投入使用日期在{year}年且不晚于{day}的项目 = {}", rates.put_in_use),
            source("投入使用日期"),
        ));
        runs.push(t("投入使用，新增学位"));
        runs.push(fig(
            format!("{}个", rates.seats_delivered),
            "新增学位",
            format!("当年投入使用项目的新增学位之和 = {}", rates.seats_delivered),
            source("投入使用项目的新增学位"),
        ));
    }
    runs.push(t("，保障学生在家门口上学。"));
    runs
}

fn sections(ledger: &Ledger) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for row in &ledger.rows {
        if !out.contains(&row.task.section) {
            out.push(row.task.section.clone());
        }
    }
    out
}

/// "一、学前教育" → "学前教育": the renderer numbers headings itself.
fn strip_number(title: &str) -> String {
    let trimmed = title.trim();
    let numeral = |text: &str| {
        !text.is_empty()
            && text
                .chars()
                .all(|c| "一二三四五六七八九十百0123456789".contains(c))
    };
    // "（二）义务教育", "(3)队伍建设"
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(rest) = trimmed.strip_prefix(open) {
            if let Some((head, tail)) = rest.split_once(close) {
                if numeral(head) && !tail.trim().is_empty() {
                    return tail.trim().to_owned();
                }
            }
        }
    }
    for sep in ['、', '.', '．'] {
        if let Some((head, rest)) = trimmed.split_once(sep) {
            let numeral = head
                .chars()
                .all(|c| "一二三四五六七八九十百0123456789（）()".contains(c));
            if numeral && !head.is_empty() && !rest.trim().is_empty() {
                return rest.trim().to_owned();
            }
        }
    }
    trimmed.to_owned()
}

/// One task in prose: its wording, then what the records say.
fn task_paragraph(
    row: &TaskRow,
    ledger: &Ledger,
    ctx: &Context<'_>,
    day: &str,
    ledger_source: &str,
) -> Vec<Run> {
    let task = &row.task.spec;
    let mut text = task.text.trim().trim_end_matches(['。', '；', ';']).to_owned();
    text.push('。');
    let mut runs = vec![t(text)];
    let a = &row.whole;
    match (&task.measure, &a.rule) {
        (Measure::Indicator(goal), Rule::Ratio { ratio, unit, .. }) => {
            let name =
                indicators::catalogue::find(&goal.indicator).map_or(goal.indicator.as_str(), |i| i.name_zh);
            let source = format!("登记数据：{name}（{}）", (ctx.area_name)(&ledger.plan.city));
            runs.push(t(format!("{name}由{}年的", ratio.base.year)));
            runs.push(fig(
                format!("{}{unit}", number(ratio.base.value)),
                &format!("{name}（基线）"),
                format!("{}年值", ratio.base.year),
                source.clone(),
            ));
            runs.push(t(format!("变为{}年的", ratio.current.year)));
            runs.push(fig(
                format!("{}{unit}", number(ratio.current.value)),
                &format!("{name}（当前）"),
                format!("{}年值", ratio.current.year),
                source.clone(),
            ));
            runs.push(t(format!(
                "（目标{}年{}{unit}），",
                goal.target_year,
                number(goal.target)
            )));
            match ratio.r {
                Some(r) => {
                    runs.push(t("按进度测算"));
                    runs.push(fig(
                        format!("R＝{r:.2}"),
                        &format!("{name}进度比"),
                        format!(
                            "open-sdg 进度法：已实现年均增长率 {:.2}% ÷ 所需年均增长率 {:.2}% = {r:.4}",
                            ratio.actual_growth * 100.0,
                            ratio.needed_growth.abs() * 100.0
                        ),
                        source,
                    ));
                    runs.push(t(format!("，{}。", a.progress.label_zh())));
                }
                None => runs.push(t(format!("{}。", a.progress.label_zh()))),
            }
        }
        (
            Measure::Count(goal),
            Rule::Pace {
                pace, unit, counted, ..
            },
        ) => {
            let source = match &goal.counted {
                Counted::Reported { .. } => format!("审核通过的进展报告，截至{day}"),
                _ => format!("建设项目台账，截至{day}"),
            };
            runs.push(t("已完成"));
            runs.push(fig(
                format!("{}{unit}", number(pace.done)),
                counted,
                format!(
                    "{counted}（{}年内，截至{day}）= {}",
                    ledger.plan.year,
                    number(pace.done)
                ),
                source,
            ));
            runs.push(t(format!("，目标{}{unit}", number(pace.target))));
            if pace.target > 0.0 {
                runs.push(t("，完成"));
                runs.push(fig(
                    percent(pace.done / pace.target * 100.0),
                    &format!("{counted}完成比例"),
                    format!(
                        "{} ÷ {} = {}",
                        number(pace.done),
                        number(pace.target),
                        percent(pace.done / pace.target * 100.0)
                    ),
                    ledger_source.to_owned(),
                ));
            }
            runs.push(t(format!("，{}。", a.progress.label_zh())));
        }
        (Measure::Milestone, Rule::Milestone { done }) => {
            runs.push(t(if *done {
                "已按期完成，佐证材料已审核。"
            } else {
                "正在推进。"
            }));
        }
        (_, Rule::NoRatio { .. }) => runs.push(t("相关数据尚待下一学年统计。")),
        _ => {}
    }
    if a.is_overdue() {
        runs.push(t(format!(
            "该任务完成时限为{}年{}月{}日，目前逾期未完成。",
            a.deadline.year(),
            a.deadline.month(),
            a.deadline.day()
        )));
    } else if a.closed {
        runs.push(t("经核验已销号。"));
    }
    let late: Vec<String> = row.late_counties().map(|c| (ctx.area_name)(&c.county)).collect();
    if !late.is_empty() && !a.is_overdue() {
        runs.push(t(format!("{}进度滞后，已逾期。", late.join("、"))));
    }
    for listing in &row.state.listings {
        let who = listing
            .county
            .as_ref()
            .map_or_else(|| "该任务".to_owned(), |c| (ctx.area_name)(c));
        runs.push(t(format!(
            "对{who}实行挂牌督办（{}），限{}年{}月{}日前办结。",
            listing.reason,
            listing.due.year(),
            listing.due.month(),
            listing.due.day()
        )));
    }
    runs
}

/// 附件: every task in one table — 序号, task, lead unit, deadline, status,
/// supervision.
fn task_table(ledger: &Ledger, ctx: &Context<'_>) -> Attachment {
    let rows = ledger
        .rows
        .iter()
        .map(|row| {
            let a = &row.whole;
            let mut supervision = Vec::new();
            if let Some(colour) = row.state.colour {
                supervision.push(colour.label_zh().to_owned());
            }
            for l in &row.state.listings {
                let who = l
                    .county
                    .as_ref()
                    .map_or_else(|| "任务".to_owned(), |c| (ctx.area_name)(c));
                supervision.push(format!("挂牌督办：{who}（限{}）", l.due));
            }
            if a.closed {
                supervision.push("已销号".to_owned());
            }
            let status = match a.alert {
                Some(alert) if !a.finished => format!("{}（{}）", a.progress.label_zh(), alert.label_zh()),
                _ => a.progress.label_zh().to_owned(),
            };
            vec![
                row.task.spec.seq.clone(),
                row.task.spec.text.clone(),
                row.task.spec.lead_unit.clone(),
                a.deadline.to_string(),
                status,
                supervision.join("；"),
            ]
        })
        .collect();
    Attachment {
        title: "重点任务推进情况表".to_owned(),
        blocks: vec![Block::Table(Table {
            caption: format!("截至{}", ledger.today),
            header: ["序号", "目标与任务", "牵头单位", "完成时限", "进度", "督办"]
                .map(str::to_owned)
                .to_vec(),
            rows,
            widths: Some(vec![1, 6, 2, 2, 2, 3]),
        })],
    }
}

/// Whether a progress counts as behind (for callers that list them).
pub fn is_behind(p: Progress) -> bool {
    matches!(
        p,
        Progress::AccelerationNeeded | Progress::Limited | Progress::Deterioration
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    #[test]
    fn the_period_is_named_as_a_bureau_names_it() {
        assert_eq!(period_words(d(6, 30), 2026), "上半年");
        assert_eq!(period_words(d(7, 20), 2026), "上半年");
        assert_eq!(period_words(d(9, 30), 2026), "前三季度");
        assert_eq!(period_words(d(11, 15), 2026), "1至10月");
        assert_eq!(period_words(d(12, 1), 2026), "1至11月");
        assert_eq!(period_words(d(12, 25), 2026), "全年");
        // A report on last year's plan, written in March.
        assert_eq!(period_words(d(3, 10), 2025), "全年");
    }

    #[test]
    fn section_numbers_are_left_to_the_renderer() {
        assert_eq!(strip_number("一、学前教育"), "学前教育");
        assert_eq!(strip_number("（二）义务教育"), "义务教育");
        assert_eq!(strip_number("3. 队伍建设"), "队伍建设");
        assert_eq!(strip_number("学前教育、托育"), "学前教育、托育");
    }
}
