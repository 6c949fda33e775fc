//! The document model a caller builds: a 公文's title, body, 落款 and
//! attachments, in plain Rust values with no .docx type in sight, so a report
//! (the half-year progress summary in `crates/plans`) can be written without
//! knowing Word. Every number that comes from data is a [`Figure`] carrying
//! its [`Trace`] — what it is, how it was computed and from which records —
//! and the renderer lists them all in a 数据说明 attachment.

use chrono::NaiveDate;

/// A 公文 to render: title, optional 发文字号, body blocks, 落款 and
/// attachments. `Default` is an empty document (it still renders).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The title (标题), 2号小标宋, centred. A `\n` starts a new title line.
    pub title: String,
    /// A line under the title, e.g. the 发文字号 "济教发〔2026〕12号".
    pub subtitle: Option<String>,
    /// The issuing authority (发文机关署名, 落款), e.g. "济南市教育局".
    pub issuer: Option<String>,
    /// The 成文日期, written "2026年7月1日" (Arabic numerals, no padding zeros).
    pub date: Option<NaiveDate>,
    /// The body (正文), in order.
    pub blocks: Vec<Block>,
    /// The attachments (附件), each on its own page after the 落款, listed
    /// in the 附件说明 under the body. When the document holds figures the
    /// renderer adds one more attachment, 数据说明, after these.
    pub attachments: Vec<Attachment>,
}

/// One block of the body or of an attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading. `level` 1 to 4; the renderer numbers headings itself from
    /// their position — 一、 · （一） · 1. · （1） — restarting a level's count
    /// under each new heading of a higher level, so `text` carries no number
    /// ("工作进展", not "一、工作进展"). A level outside 1..=4 is taken as the
    /// nearest one (0 as 1, 7 as 4).
    Heading { level: u8, text: String },
    /// A paragraph of text and figures, first line indented two characters.
    Paragraph(Vec<Run>),
    /// A table with a caption above it.
    Table(Table),
}

/// A piece of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// Plain text (a `\n` breaks the line inside the paragraph).
    Text(String),
    /// A number computed from data, printed as `text` and traced.
    Figure(Figure),
}

/// A number as printed in the report, with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Figure {
    /// Exactly as printed, e.g. "82.5%" or "33所".
    pub text: String,
    pub trace: Trace,
}

/// How a [`Figure`] was obtained, listed in the 数据说明 table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Trace {
    /// What the number is (指标), e.g. "开工率".
    pub label: String,
    /// The computation (计算), e.g. "33 ÷ 40 = 82.5%".
    pub formula: String,
    /// The records it was counted from (来源), e.g.
    /// "建设项目台账：计划2026年开工的项目，截至2026-06-30".
    pub source: String,
}

/// A table: caption, one header row, data rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The caption (表题), centred above the table; empty for none.
    pub caption: String,
    /// The column titles; the number of columns is the longest of the header
    /// and the rows (short rows are padded with empty cells).
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Relative column widths (e.g. `[1, 3, 2]`); the table always spans the
    /// text width. `None`, or a list of the wrong length or all zeros, gives
    /// equal columns; a zero entry counts as 1.
    pub widths: Option<Vec<u32>>,
}

/// An attachment (附件): a title and its blocks, on pages of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachment {
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Figure {
    /// A figure printed as `text`, traced by label, formula and source.
    pub fn new(
        text: impl Into<String>,
        label: impl Into<String>,
        formula: impl Into<String>,
        source: impl Into<String>,
    ) -> Self {
        Figure {
            text: text.into(),
            trace: Trace {
                label: label.into(),
                formula: formula.into(),
                source: source.into(),
            },
        }
    }
}

impl Run {
    /// Plain text.
    pub fn text(text: impl Into<String>) -> Self {
        Run::Text(text.into())
    }
}

impl Block {
    /// A heading of `level` (1 to 4) without its number.
    pub fn heading(level: u8, text: impl Into<String>) -> Self {
        Block::Heading {
            level,
            text: text.into(),
        }
    }

    /// A paragraph of plain text.
    pub fn paragraph(text: impl Into<String>) -> Self {
        Block::Paragraph(vec![Run::Text(text.into())])
    }
}
