//! 公文 (gongwen): official documents in the Chinese format of GB/T
//! 9704-2012, rendered to .docx. A caller builds a [`Document`] — title,
//! headings, paragraphs of text and [`Figure`]s, tables, 落款, attachments —
//! and [`to_docx`] returns the Word file's bytes. Every figure carries a
//! [`Trace`] (指标, 计算, 来源) and is listed in a 数据说明 attachment, so each
//! number in a generated report leads back to its data.
//!
//! Pure: no I/O, no clock (the 成文日期 is part of the model); no input
//! makes it panic. Checking the output in LibreOffice is the job of the
//! dev-only `office-check` crate.

mod docx;
mod model;
mod text;

pub use docx::{
    to_docx, to_docx_with, Fonts, GongwenError, Options, CHAR_SPACING, DATA_NOTE_HEADER, DATA_NOTE_TITLE,
    FOOTER_DISTANCE, LINE_PITCH, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, PAGE_HEIGHT,
    PAGE_WIDTH, TEXT_WIDTH,
};
pub use model::{Attachment, Block, Document, Figure, Run, Table, Trace};
pub use text::chinese_date;
