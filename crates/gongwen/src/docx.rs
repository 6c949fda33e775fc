//! Renders a [`Document`] to .docx bytes in the GB/T 9704-2012 layout with
//! `docx-rs`: A4, the standard margins, a 22-line grid of 3号仿宋, the title
//! in 2号小标宋, heading fonts by level, "— N —" page numbers (odd pages
//! right, even pages left), the 附件说明, the 落款 and 成文日期, the
//! attachments, and a 数据说明 attachment tracing every figure.
//!
//! Every run is formatted directly (fonts in all four slots, size) rather
//! than through styles, so Word, WPS and LibreOffice show the same thing and
//! the tests can read the fonts off `word/document.xml`.
//!
//! Cost: one pass over the model; time and memory are linear in its text
//! (docx-rs holds the XML in memory and writes the package's parts stored,
//! uncompressed; [`repack`] deflates them, so the file is about a 28th of
//! that — the peak is a few times the text's size plus the output). No
//! input makes it panic.

use std::collections::HashMap;
use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrPAGE, InstrText,
    LineSpacing, LineSpacingType, PageMargin, Paragraph, Run as DocxRun, RunFonts, SpecialIndentType,
    Table as DocxTable, TableCell, TableLayoutType, TableRow, VertAlignType, WidthType,
};

use crate::model::{Attachment, Block, Document, Figure, Run, Table};
use crate::text::{chinese_date, width_in_chars, xml_safe, HeadingCounter};

/// A4 in twips (1/1440 inch): 210 × 297 mm.
pub const PAGE_WIDTH: u32 = 11906;
pub const PAGE_HEIGHT: u32 = 16838;
/// 天头 37 mm, 订口 28 mm, and what a 156 × 225 mm 版心 leaves: right 26 mm,
/// bottom 35 mm.
pub const MARGIN_TOP: i32 = 2098;
pub const MARGIN_LEFT: i32 = 1587;
pub const MARGIN_RIGHT: i32 = 1474;
pub const MARGIN_BOTTOM: i32 = 1984;
/// The 版心's width, which every table spans.
pub const TEXT_WIDTH: u32 = PAGE_WIDTH - MARGIN_LEFT as u32 - MARGIN_RIGHT as u32;
/// 225 mm ÷ 22 lines = 10.23 mm ≈ 28.99 pt ≈ 580 twips: the docGrid line
/// pitch and the body's exact line height.
pub const LINE_PITCH: u32 = 580;
/// 156 mm ÷ 28 characters = 15.79 pt, 0.21 pt under a 16 pt character, so
/// 3号 text is set 0.25 pt tighter (in twentieths of a point) to get 28
/// characters a line. Word's own 公文 templates get there with a
/// `linesAndChars` grid (charSpace −849) instead, but LibreOffice gives each
/// character two grid cells when a cell is narrower than the character — 17
/// characters a line — so the grid here is `lines` only.
pub const CHAR_SPACING: i32 = -5;
/// The footer's distance from the page's bottom edge: the page number's line
/// sits about 7 mm under the 版心 (whose bottom is 35 mm up).
pub const FOOTER_DISTANCE: i32 = 1440;

/// Font sizes in half-points: 2号 22 pt, 3号 16 pt, 4号 14 pt.
const SIZE_2: usize = 44;
const SIZE_3: usize = 32;
const SIZE_4: usize = 28;
/// One 3号 character in twips (16 pt), the unit of 空二字 and 右空四字.
const CHAR_3: i32 = 320;
/// One 4号 character in twips (14 pt), the page number's 空一字.
const CHAR_4: i32 = 280;

/// Font names written into the .docx. Word and WPS use the name if the
/// machine has it; LibreOffice on Linux substitutes through fontconfig (with
/// `fonts-noto-cjk`: Noto Serif/Sans CJK), so a report prints Chinese
/// everywhere and in the 公文 fonts where they are installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fonts {
    /// Body and levels 3–4 (仿宋).
    pub fangsong: String,
    /// Level-2 headings (楷体).
    pub kaiti: String,
    /// Level-1 headings, "附件N", table headers (黑体).
    pub heiti: String,
    /// The title (小标宋).
    pub title: String,
    /// Page numbers (宋体).
    pub songti: String,
    /// Latin letters and digits in every run (ascii, hAnsi, cs slots).
    pub latin: String,
}

impl Default for Fonts {
    /// The names government machines carry with the 公文 font pack
    /// (仿宋_GB2312, 楷体_GB2312, 方正小标宋简体); see [`Fonts::windows`] for
    /// the ones every Windows has.
    fn default() -> Self {
        Fonts {
            fangsong: "仿宋_GB2312".into(),
            kaiti: "楷体_GB2312".into(),
            heiti: "黑体".into(),
            title: "方正小标宋简体".into(),
            songti: "宋体".into(),
            latin: "Times New Roman".into(),
        }
    }
}

impl Fonts {
    /// The fonts every Windows since Vista ships (仿宋, 楷体, 黑体, 宋体 for the
    /// title), for bureaus without the 公文 font pack.
    pub fn windows() -> Self {
        Fonts {
            fangsong: "仿宋".into(),
            kaiti: "楷体".into(),
            title: "宋体".into(),
            ..Fonts::default()
        }
    }
}

/// How to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub fonts: Fonts,
    /// Put each figure's 数据说明 number after it as a superscript "[n]".
    pub figure_marks: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            fonts: Fonts::default(),
            figure_marks: true,
        }
    }
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum GongwenError {
    /// Writing the .docx package (the zip archive in memory) failed.
    #[error("无法生成 Word 文件（打包 .docx 时出错）：{0}")]
    Pack(String),
}

/// The document as .docx bytes, with [`Options::default`].
pub fn to_docx(doc: &Document) -> Result<Vec<u8>, GongwenError> {
    to_docx_with(doc, &Options::default())
}

/// The document as .docx bytes.
pub fn to_docx_with(doc: &Document, options: &Options) -> Result<Vec<u8>, GongwenError> {
    let docx = build(doc, options);
    let mut out = Cursor::new(Vec::new());
    docx.pack(&mut out)
        .map_err(|e| GongwenError::Pack(e.to_string()))?;
    repack(&out.into_inner())
}

/// Deflates every part of a package docx-rs wrote stored (uncompressed):
/// a summary of a province-sized plan goes from 2.9 MB to about 100 KiB
/// (docs/plans-benchmark.md). docx-rs has no option for it.
fn repack(stored: &[u8]) -> Result<Vec<u8>, GongwenError> {
    use std::io::{Read, Write};
    use zip::write::SimpleFileOptions;
    let err = |e: &dyn std::fmt::Display| GongwenError::Pack(e.to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(stored)).map_err(|e| err(&e))?;
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(stored.len() / 8)));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut buffer = Vec::new();
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|e| err(&e))?;
        if part.is_dir() {
            continue;
        }
        let name = part.name().map_err(|e| err(&e))?.into_owned();
        buffer.clear();
        part.read_to_end(&mut buffer).map_err(|e| err(&e))?;
        writer.start_file(name, options).map_err(|e| err(&e))?;
        writer.write_all(&buffer).map_err(|e| err(&e))?;
    }
    let out = writer.finish().map_err(|e| err(&e))?;
    Ok(out.into_inner())
}

/// Every distinct figure of a document, numbered in order of first
/// appearance (body, then attachments). The same figure printed twice (same
/// text and trace) keeps one number.
struct FigureBook<'a> {
    numbers: HashMap<&'a Figure, usize>,
    list: Vec<&'a Figure>,
}

impl<'a> FigureBook<'a> {
    fn of(doc: &'a Document) -> Self {
        let mut book = FigureBook {
            numbers: HashMap::new(),
            list: Vec::new(),
        };
        let blocks = doc
            .blocks
            .iter()
            .chain(doc.attachments.iter().flat_map(|a| a.blocks.iter()));
        for block in blocks {
            if let Block::Paragraph(runs) = block {
                for run in runs {
                    if let Run::Figure(figure) = run {
                        if !book.numbers.contains_key(figure) {
                            book.list.push(figure);
                            book.numbers.insert(figure, book.list.len());
                        }
                    }
                }
            }
        }
        book
    }
}

struct Renderer<'a> {
    fonts: &'a Fonts,
    figure_marks: bool,
    figures: FigureBook<'a>,
}

fn build(doc: &Document, options: &Options) -> Docx {
    let r = Renderer {
        fonts: &options.fonts,
        figure_marks: options.figure_marks,
        figures: FigureBook::of(doc),
    };
    let mut docx = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .bottom(MARGIN_BOTTOM)
                .header(851)
                .footer(FOOTER_DISTANCE)
                .gutter(0),
        )
        .default_fonts(r.run_fonts(&r.fonts.fangsong))
        .default_size(SIZE_3)
        .footer(r.page_number_footer(AlignmentType::Right))
        .even_footer(r.page_number_footer(AlignmentType::Left));
    docx.document = docx.document.doc_grid(
        DocGrid::new()
            .grid_type(DocGridType::Lines)
            .line_pitch(LINE_PITCH as usize),
    );
    if let Some(date) = doc.date {
        let stamp = format!("{}T00:00:00Z", date.format("%Y-%m-%d"));
        docx = docx.created_at(&stamp).updated_at(&stamp);
    }

    let mut paragraphs: Vec<Item> = Vec::new();
    r.title(&doc.title, doc.subtitle.as_deref(), &mut paragraphs);
    r.blocks(&doc.blocks, &mut paragraphs);

    // The attachments as the 附件说明 lists them: the caller's, then 数据说明.
    let data_note = r.data_note();
    let attachments: Vec<&Attachment> = doc.attachments.iter().chain(data_note.iter()).collect();
    r.attachment_list(&attachments, &mut paragraphs);
    r.signature(doc, &mut paragraphs);
    for (i, attachment) in attachments.iter().enumerate() {
        let label = if attachments.len() == 1 {
            "附件".to_string()
        } else {
            format!("附件{}", i + 1)
        };
        r.attachment(&label, attachment, &mut paragraphs);
    }

    for item in paragraphs {
        docx = match item {
            Item::Paragraph(p) => docx.add_paragraph(*p),
            Item::Table(t) => docx.add_table(*t),
        };
    }
    docx
}

fn para(p: Paragraph) -> Item {
    Item::Paragraph(Box::new(p))
}

/// A body element in order; boxed because a docx-rs paragraph is ~2 kB.
enum Item {
    Paragraph(Box<Paragraph>),
    Table(Box<DocxTable>),
}

impl Renderer<'_> {
    /// All four font slots, East Asian first (B2: eastAsia alone carries the
    /// Chinese font; ascii/hAnsi alone "do nothing" for Chinese).
    fn run_fonts(&self, east_asia: &str) -> RunFonts {
        RunFonts::new()
            .east_asia(east_asia)
            .ascii(&self.fonts.latin)
            .hi_ansi(&self.fonts.latin)
            .cs(&self.fonts.latin)
            .hint("eastAsia")
    }

    fn run(&self, text: &str, font: &str, size: usize) -> DocxRun {
        let mut run = DocxRun::new().fonts(self.run_fonts(font)).size(size);
        if size == SIZE_3 {
            run = run.character_spacing(CHAR_SPACING);
        }
        // `\n` is a line break and `\t` a tab inside the paragraph; what XML
        // forbids is gone.
        let clean = xml_safe(text);
        for (i, line) in clean.split('\n').enumerate() {
            if i > 0 {
                run = run.add_break(BreakType::TextWrapping);
            }
            for (j, piece) in line.split('\t').enumerate() {
                if j > 0 {
                    run = run.add_tab();
                }
                if !piece.is_empty() {
                    run = run.add_text(piece);
                }
            }
        }
        run
    }

    /// A body paragraph's frame: exact 580-twip lines, justified, first line
    /// indented two characters.
    fn body_paragraph(&self) -> Paragraph {
        Paragraph::new()
            .line_spacing(exact_lines())
            .align(AlignmentType::Both)
            .indent(None, Some(SpecialIndentType::FirstLine(2 * CHAR_3)), None, None)
            .first_line_chars(200)
    }

    fn empty_line(&self) -> Paragraph {
        Paragraph::new()
            .line_spacing(exact_lines())
            .add_run(self.run("", &self.fonts.fangsong, SIZE_3))
    }

    fn title(&self, title: &str, subtitle: Option<&str>, out: &mut Vec<Item>) {
        out.push(para(
            Paragraph::new()
                .line_spacing(exact_lines())
                .align(AlignmentType::Center)
                .outline_lvl(0)
                .add_run(self.run(title, &self.fonts.title, SIZE_2)),
        ));
        if let Some(subtitle) = subtitle {
            out.push(para(
                Paragraph::new()
                    .line_spacing(exact_lines())
                    .align(AlignmentType::Center)
                    .add_run(self.run(subtitle, &self.fonts.fangsong, SIZE_3)),
            ));
        }
        // 标题下空一行 before the body.
        out.push(para(self.empty_line()));
    }

    fn blocks(&self, blocks: &[Block], out: &mut Vec<Item>) {
        let mut headings = HeadingCounter::default();
        for block in blocks {
            match block {
                Block::Heading { level, text } => {
                    let level = (*level).clamp(1, 4);
                    let font = match level {
                        1 => &self.fonts.heiti,
                        2 => &self.fonts.kaiti,
                        _ => &self.fonts.fangsong,
                    };
                    let number = headings.next(level);
                    out.push(para(
                        self.body_paragraph()
                            .keep_next(true)
                            .outline_lvl(usize::from(level))
                            .add_run(self.run(&format!("{number}{text}"), font, SIZE_3)),
                    ));
                }
                Block::Paragraph(runs) => {
                    let mut p = self.body_paragraph();
                    for run in runs {
                        match run {
                            Run::Text(text) => {
                                p = p.add_run(self.run(text, &self.fonts.fangsong, SIZE_3));
                            }
                            Run::Figure(figure) => {
                                p = p.add_run(self.run(&figure.text, &self.fonts.fangsong, SIZE_3));
                                if let (true, Some(n)) = (self.figure_marks, self.figures.numbers.get(figure))
                                {
                                    let mut mark = self.run(&format!("[{n}]"), &self.fonts.fangsong, SIZE_3);
                                    mark.run_property =
                                        mark.run_property.vert_align(VertAlignType::SuperScript);
                                    p = p.add_run(mark);
                                }
                            }
                        }
                    }
                    out.push(para(p));
                }
                Block::Table(table) => self.table(table, out),
            }
        }
    }

    fn table(&self, table: &Table, out: &mut Vec<Item>) {
        if !table.caption.trim().is_empty() {
            out.push(para(
                Paragraph::new()
                    .line_spacing(exact_lines())
                    .align(AlignmentType::Center)
                    .keep_next(true)
                    .add_run(self.run(&table.caption, &self.fonts.heiti, SIZE_3)),
            ));
        }
        let columns = table
            .rows
            .iter()
            .map(Vec::len)
            .chain([table.header.len()])
            .max()
            .unwrap_or(0);
        if columns == 0 {
            return;
        }
        let widths = column_widths(columns, table.widths.as_deref());
        let mut rows = Vec::with_capacity(table.rows.len() + 1);
        if !table.header.is_empty() {
            rows.push(self.table_row(&table.header, &widths, &self.fonts.heiti, AlignmentType::Center));
        }
        for row in &table.rows {
            rows.push(self.table_row(row, &widths, &self.fonts.fangsong, AlignmentType::Left));
        }
        // tblGrid plus fixed layout: without both LibreOffice ignores the
        // cell widths (B2).
        out.push(Item::Table(Box::new(
            DocxTable::new(rows)
                .set_grid(widths.iter().map(|&w| w as usize).collect())
                .layout(TableLayoutType::Fixed)
                .width(TEXT_WIDTH as usize, WidthType::Dxa)
                .align(docx_rs::TableAlignmentType::Center),
        )));
    }

    fn table_row(&self, cells: &[String], widths: &[u32], font: &str, align: AlignmentType) -> TableRow {
        let cells = widths
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                let text = cells.get(i).map(String::as_str).unwrap_or("");
                TableCell::new()
                    .width(w as usize, WidthType::Dxa)
                    .vertical_align(docx_rs::VAlignType::Center)
                    .add_paragraph(
                        // Off the page grid: 4号 lines in a cell at their
                        // own height, not 580 twips each.
                        Paragraph::new()
                            .align(align)
                            .snap_to_grid(false)
                            .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240))
                            .add_run(self.run(text, font, SIZE_4)),
                    )
            })
            .collect();
        TableRow::new(cells).cant_split()
    }

    /// The 附件说明: 正文下空一行左空二字 "附件：1. …", later names aligned
    /// under the first one's number.
    fn attachment_list(&self, attachments: &[&Attachment], out: &mut Vec<Item>) {
        if attachments.is_empty() {
            return;
        }
        out.push(para(self.empty_line()));
        let hanging = 3 * CHAR_3; // "附件：" is three characters wide
        for (i, attachment) in attachments.iter().enumerate() {
            let name = if attachments.len() == 1 {
                attachment.title.clone()
            } else {
                format!("{}. {}", i + 1, attachment.title)
            };
            let (lead, indent) = if i == 0 {
                ("附件：", Some(SpecialIndentType::Hanging(hanging)))
            } else {
                ("", None)
            };
            out.push(para(
                Paragraph::new()
                    .line_spacing(exact_lines())
                    .indent(Some(2 * CHAR_3 + hanging), indent, None, None)
                    .add_run(self.run(&format!("{lead}{name}"), &self.fonts.fangsong, SIZE_3)),
            ));
        }
    }

    /// The 落款: 发文机关署名 and 成文日期 right-aligned, the date 右空四字
    /// and the name centred over it (GB/T 9704 7.3.5.1).
    fn signature(&self, doc: &Document, out: &mut Vec<Item>) {
        let date = doc.date.map(chinese_date);
        let issuer = doc.issuer.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if issuer.is_none() && date.is_none() {
            return;
        }
        // 正文（或附件说明）下空二行.
        out.push(para(self.empty_line()));
        out.push(para(self.empty_line()));
        let date_width = date.as_deref().map(width_in_chars).unwrap_or(0.0);
        if let Some(issuer) = issuer {
            let issuer = xml_safe(issuer);
            let right = if date.is_some() {
                (4.0 + (date_width - width_in_chars(&issuer)) / 2.0).max(0.0)
            } else {
                2.0
            };
            out.push(para(self.right_aligned(&issuer, right)));
        }
        if let Some(date) = date {
            out.push(para(self.right_aligned(&date, 4.0)));
        }
    }

    fn right_aligned(&self, text: &str, right_chars: f64) -> Paragraph {
        // A name of a million characters gives a huge indent, not an
        // overflow: the float saturates into i32.
        let end = (right_chars * f64::from(CHAR_3)) as i32;
        Paragraph::new()
            .line_spacing(exact_lines())
            .align(AlignmentType::Right)
            .indent(None, None, Some(end), None)
            .add_run(self.run(text, &self.fonts.fangsong, SIZE_3))
    }

    /// An attachment on a new page: "附件N" 3号黑体 顶格 on the first line,
    /// the title centred on the third, then its blocks.
    fn attachment(&self, label: &str, attachment: &Attachment, out: &mut Vec<Item>) {
        out.push(para(
            Paragraph::new()
                .line_spacing(exact_lines())
                .page_break_before(true)
                .add_run(self.run(label, &self.fonts.heiti, SIZE_3)),
        ));
        out.push(para(self.empty_line()));
        out.push(para(
            Paragraph::new()
                .line_spacing(exact_lines())
                .align(AlignmentType::Center)
                .add_run(self.run(&attachment.title, &self.fonts.title, SIZE_2)),
        ));
        out.push(para(self.empty_line()));
        self.blocks(&attachment.blocks, out);
    }

    /// The 数据说明 attachment: one row per figure — number · 指标 · 数值 ·
    /// 计算 · 来源 — or none when the document has no figures.
    fn data_note(&self) -> Option<Attachment> {
        if self.figures.list.is_empty() {
            return None;
        }
        let rows = self
            .figures
            .list
            .iter()
            .enumerate()
            .map(|(i, f)| {
                vec![
                    (i + 1).to_string(),
                    f.trace.label.clone(),
                    f.text.clone(),
                    f.trace.formula.clone(),
                    f.trace.source.clone(),
                ]
            })
            .collect();
        Some(Attachment {
            title: DATA_NOTE_TITLE.to_string(),
            blocks: vec![
                Block::paragraph(
                    "正文中每个数据后的上标序号对应下表一行：该数据的指标、数值、计算方法和数据来源。",
                ),
                Block::Table(Table {
                    caption: String::new(),
                    header: DATA_NOTE_HEADER.iter().map(|s| s.to_string()).collect(),
                    rows,
                    widths: Some(vec![3, 5, 4, 8, 9]),
                }),
            ],
        })
    }
}

/// The title of the attachment that traces the figures.
pub const DATA_NOTE_TITLE: &str = "数据说明";
/// Its table's columns.
pub const DATA_NOTE_HEADER: [&str; 5] = ["序号", "指标", "数值", "计算", "来源"];

fn exact_lines() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(LINE_PITCH as i32)
}

/// Column widths in twips summing to [`TEXT_WIDTH`] (give or take rounding),
/// from relative weights; each at least 1 twip.
fn column_widths(columns: usize, weights: Option<&[u32]>) -> Vec<u32> {
    let weights: Vec<u64> = match weights {
        Some(w) if w.len() == columns && w.iter().any(|&x| x > 0) => {
            w.iter().map(|&x| u64::from(x.max(1))).collect()
        }
        _ => vec![1; columns],
    };
    let total: u64 = weights.iter().sum::<u64>().max(1);
    weights
        .iter()
        .map(|&w| ((u64::from(TEXT_WIDTH) * w / total) as u32).max(1))
        .collect()
}

impl Renderer<'_> {
    /// "— N —" in 4号宋体 with a PAGE field, 空一字 from the outer edge.
    fn page_number_footer(&self, side: AlignmentType) -> Footer {
        let font = &self.fonts.songti;
        let field = DocxRun::new()
            .fonts(self.run_fonts(font))
            .size(SIZE_4)
            .add_field_char(FieldCharType::Begin, false)
            .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
            .add_field_char(FieldCharType::Separate, false)
            .add_text("1")
            .add_field_char(FieldCharType::End, false);
        let (left, right) = match side {
            AlignmentType::Left => (Some(CHAR_4), None),
            _ => (None, Some(CHAR_4)),
        };
        Footer::new().add_paragraph(
            Paragraph::new()
                .align(side)
                .snap_to_grid(false)
                .indent(left, None, right, None)
                .add_run(self.run("— ", font, SIZE_4))
                .add_run(field)
                .add_run(self.run(" —", font, SIZE_4)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_widths_follow_the_weights_and_span_the_text_width() {
        let w = column_widths(3, Some(&[1, 2, 1]));
        assert_eq!(w, vec![TEXT_WIDTH / 4, TEXT_WIDTH / 2, TEXT_WIDTH / 4]);
        // Wrong length, all zeros or none: equal columns.
        for weights in [Some(&[1u32, 2][..]), Some(&[0, 0, 0][..]), None] {
            assert_eq!(column_widths(3, weights), vec![TEXT_WIDTH / 3; 3]);
        }
        // Thousands of columns still give positive widths.
        assert!(column_widths(20_000, None).iter().all(|&w| w >= 1));
    }
}
