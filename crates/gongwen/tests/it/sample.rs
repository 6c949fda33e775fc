//! The sample 公文 both test files render: a half-year progress summary in
//! the manner of the 青岛 one (seed 004), its figures built as `Figure`s
//! from the construction ledger's counts, and a helper that reads a part
//! back out of the .docx.

use std::io::Read;

use chrono::NaiveDate;
use gongwen::{Attachment, Block, Document, Figure, Run, Table};

/// A percentage as the summary prints it: one decimal, none when whole
/// (33 of 40 → "82.5%", 25 of 50 → "50%").
pub fn percent(part: u32, whole: u32) -> String {
    let tenths = (u64::from(part) * 1000 + u64::from(whole) / 2) / u64::from(whole.max(1));
    if tenths % 10 == 0 {
        format!("{}%", tenths / 10)
    } else {
        format!("{}.{}%", tenths / 10, tenths % 10)
    }
}

pub const SOURCE_START: &str = "建设项目台账：计划2026年开工的项目，截至2026-06-30";
pub const SOURCE_FINISH: &str = "建设项目台账：计划2026年完工的项目，截至2026-06-30";

pub fn sample() -> Document {
    let (planned_start, started) = (40, 33);
    let (planned_finish, finished) = (50, 25);
    let start_rate = percent(started, planned_start);
    let completion_rate = percent(finished, planned_finish);
    let count = |n: u32, label: &str, source: &str| {
        Figure::new(
            format!("{n}所"),
            label,
            format!("台账中符合条件的项目计数 = {n}"),
            source,
        )
    };
    Document {
        title: "济南市教育局2026年上半年工作总结".into(),
        subtitle: Some("济教发〔2026〕12号".into()),
        issuer: Some("济南市教育局".into()),
        date: NaiveDate::from_ymd_opt(2026, 7, 1),
        blocks: vec![
            Block::paragraph(
                "今年以来，市教育局坚持人民满意标准，加压奋进、狠抓落实，各项工作取得新进展。现将上半年工作总结如下。",
            ),
            Block::heading(1, "聚焦办好每所学校，扩大优质教育资源供给"),
            Block::heading(2, "加快中小学幼儿园建设"),
            Block::Paragraph(vec![
                Run::text("今年计划开工新建改扩建"),
                Run::Figure(count(planned_start, "计划开工学校数", SOURCE_START)),
                Run::text("，推动完工"),
                Run::Figure(count(planned_finish, "计划完工学校数", SOURCE_FINISH)),
                Run::text("。截至6月底，有"),
                Run::Figure(count(started, "已开工学校数", SOURCE_START)),
                Run::text("已开工建设，开工率达到"),
                Run::Figure(Figure::new(
                    start_rate.clone(),
                    "开工率",
                    format!("{started} ÷ {planned_start} = {start_rate}"),
                    SOURCE_START,
                )),
                Run::text("；有"),
                Run::Figure(count(finished, "已完工学校数", SOURCE_FINISH)),
                Run::text("已经完工，完工率达到"),
                Run::Figure(Figure::new(
                    completion_rate.clone(),
                    "完工率",
                    format!("{finished} ÷ {planned_finish} = {completion_rate}"),
                    SOURCE_FINISH,
                )),
                Run::text("。"),
            ]),
            Block::heading(3, "分区县进展"),
            Block::Table(Table {
                caption: "表1  各区县学校建设进展".into(),
                header: vec!["区县".into(), "计划开工".into(), "已开工".into(), "开工率".into()],
                rows: vec![
                    vec!["历下区".into(), "8".into(), "7".into(), percent(7, 8)],
                    vec!["市中区".into(), "12".into(), "10".into(), percent(10, 12)],
                    vec!["槐荫区".into(), "20".into(), "16".into(), percent(16, 20)],
                ],
                widths: Some(vec![3, 2, 2, 2]),
            }),
            Block::heading(4, "下一步安排"),
            Block::paragraph("对进度滞后的项目实行挂牌督办、销号管理，确保年底前全部完工。"),
            Block::heading(1, "下半年工作打算"),
            Block::paragraph("持续推进城镇中小学大班额清零，巩固学前教育普及普惠成果。"),
        ],
        attachments: vec![Attachment {
            title: "2026年学校建设项目清单".into(),
            blocks: vec![Block::paragraph("（项目清单略）")],
        }],
    }
}

/// A part of the .docx (e.g. "word/document.xml") as text.
pub fn part(docx: &[u8], name: &str) -> String {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(docx)) else {
        panic!("the .docx is not a zip archive");
    };
    let Ok(mut file) = archive.by_name(name) else {
        panic!("the .docx has no {name}");
    };
    let mut text = String::new();
    if let Err(e) = file.read_to_string(&mut text) {
        panic!("{name} is not UTF-8 text: {e}");
    }
    text
}
