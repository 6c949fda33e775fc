//! Why a definition was refused: one variant per kind of mistake, each
//! carrying where it is (a [`Span`] in characters) and the offending text.
//! `Display` is the Chinese message shown to the officer who typed it.

use std::ops::Range;

/// A stretch of the definition text, in characters (not bytes) from 0:
/// what an officer counts, whatever the mix of Chinese and ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    pub(crate) fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The same stretch in bytes of `text` (the text the span was found in),
    /// for slicing or highlighting.
    pub fn byte_range(self, text: &str) -> Range<usize> {
        let byte_at = |chars: usize| text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i);
        byte_at(self.start)..byte_at(self.end)
    }

    /// The text of the span, as the officer wrote it.
    pub fn slice(self, text: &str) -> &str {
        text.get(self.byte_range(text)).unwrap_or("")
    }

    /// 1-based column for messages.
    fn column(self) -> usize {
        self.start + 1
    }
}

/// A definition that cannot be used, and why (in Chinese).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExprError {
    #[error("指标表达式为空")]
    Empty,

    #[error("指标表达式过长（{chars} 个字符，最多 {max} 个）")]
    TooLong { chars: usize, max: usize },

    #[error("第 {} 个字符处：表达式嵌套过深（超过 {max} 层括号或运算）", at.column())]
    TooDeep { at: Span, max: usize },

    #[error("第 {} 个字符处：无法识别的字符“{text}”", at.column())]
    UnexpectedChar { at: Span, text: String },

    #[error("第 {} 个字符处：引号“{text}”没有配对的结束引号", at.column())]
    UnclosedQuote { at: Span, text: String },

    #[error("第 {} 个字符处：数字“{text}”无法识别或过大", at.column())]
    BadNumber { at: Span, text: String },

    #[error("第 {} 个字符处：此处应为{expected}，却是“{text}”", at.column())]
    Unexpected {
        at: Span,
        text: String,
        expected: &'static str,
    },

    #[error("第 {} 个字符处：表达式不完整，缺少{expected}", at.column())]
    UnexpectedEnd { at: Span, expected: &'static str },

    #[error("第 {} 个字符处：未知的统计函数“{text}”{}；可用 count、sum、avg、share", at.column(), did_you_mean_aside(suggestion))]
    UnknownFunction {
        at: Span,
        text: String,
        suggestion: Option<String>,
    },

    #[error("第 {} 个字符处：“{text}”不能直接参与运算；字段须放在 count、sum、avg 或 share 中", at.column())]
    BareWord { at: Span, text: String },

    #[error("第 {} 个字符处：未知的统计对象“{text}”{}；可用 schools（学校）、classes（班级）、students（学生）、teachers（教师）、population（人口）", at.column(), did_you_mean_aside(suggestion))]
    UnknownEntity {
        at: Span,
        text: String,
        suggestion: Option<String>,
    },

    #[error("第 {} 个字符处：{entity}没有字段“{text}”{}{}", at.column(), did_you_mean(suggestion), elsewhere(other_entities))]
    UnknownField {
        at: Span,
        text: String,
        entity: &'static str,
        suggestion: Option<String>,
        /// Entities (Chinese names) that do have a field of this name.
        other_entities: Vec<&'static str>,
    },

    #[error("第 {} 个字符处：{message}", at.column())]
    UnknownValue {
        at: Span,
        text: String,
        /// The vocabulary's own message, listing what may be written.
        message: String,
    },

    #[error("第 {} 个字符处：{field}应与{expected}比较，“{text}”不是", at.column())]
    TypeMismatch {
        at: Span,
        text: String,
        field: String,
        expected: String,
    },

    #[error("第 {} 个字符处：“{text}”是字段，比较的右边只能是常量（数、是/否或代码）", at.column())]
    FieldOnRight { at: Span, text: String },

    #[error("第 {} 个字符处：{field}没有大小顺序，“{text}”只能换成 =、!= 或 in", at.column())]
    NotOrdered { at: Span, text: String, field: String },

    #[error("第 {} 个字符处：{field}不是是/否字段，不能单独作条件；请写成“{text} = …”或“{text} in (…)”", at.column())]
    NotAFlag { at: Span, text: String, field: String },

    #[error("第 {} 个字符处：{function} 只能用于数值字段，“{text}”（{field}）是{kind}字段", at.column())]
    NotNumeric {
        at: Span,
        text: String,
        function: &'static str,
        field: String,
        kind: &'static str,
    },

    #[error("第 {} 个字符处：人口表按乡镇街道和年龄分行，“{text}”没有意义；人口数请用 sum(population.children)，可加 where age …", at.column())]
    PopulationRows { at: Span, text: String },

    #[error("第 {} 个字符处：除数“{text}”恒为零", at.column())]
    ZeroDivisor { at: Span, text: String },

    #[error("表达式中没有统计项（count、sum、avg 或 share），结果是常数")]
    NoAggregate,
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!("，是否想写“{s}”？"),
        None => String::new(),
    }
}

fn did_you_mean_aside(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!("（是否想写“{s}”？）"),
        None => String::new(),
    }
}

fn elsewhere(entities: &[&'static str]) -> String {
    if entities.is_empty() {
        String::new()
    } else {
        format!("（这是{}的字段）", entities.join("、"))
    }
}

impl ExprError {
    /// Where the mistake is, when it is at one place.
    pub fn span(&self) -> Option<Span> {
        use ExprError::*;
        match self {
            Empty | TooLong { .. } | NoAggregate => None,
            TooDeep { at, .. }
            | UnexpectedChar { at, .. }
            | UnclosedQuote { at, .. }
            | BadNumber { at, .. }
            | Unexpected { at, .. }
            | UnexpectedEnd { at, .. }
            | UnknownFunction { at, .. }
            | BareWord { at, .. }
            | UnknownEntity { at, .. }
            | UnknownField { at, .. }
            | UnknownValue { at, .. }
            | TypeMismatch { at, .. }
            | FieldOnRight { at, .. }
            | NotOrdered { at, .. }
            | NotAFlag { at, .. }
            | NotNumeric { at, .. }
            | PopulationRows { at, .. }
            | ZeroDivisor { at, .. } => Some(*at),
        }
    }
}
