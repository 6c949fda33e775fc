//! Text to tokens. Full-width punctuation from a Chinese input method
//! (`（）`, `，`, `、`, `＝`, `≥` …) reads as its ASCII twin. A word is a run of
//! letters, digits, `_` and Chinese characters; the Chinese keywords `且`,
//! `或`, `非`, `其中`, `属于` end a word, so `学段=初中且城乡=乡村` needs no spaces.

use crate::error::{ExprError, Span};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A number as written (digits, optional fraction).
    Number(f64),
    /// A name or value: `size`, `初中`, `county`.
    Word(String),
    /// A quoted value: `"初中"` or `“初中”`.
    Quoted(String),
    Keyword(Kw),
    LParen,
    RParen,
    Comma,
    Dot,
    Plus,
    Minus,
    Star,
    Slash,
    Cmp(CmpOp),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kw {
    Where,
    And,
    Or,
    Not,
    In,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    pub(crate) fn ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// Chinese keywords that end a word even without a space before them.
const CJK_KEYWORDS: [(&str, Kw); 5] = [
    ("其中", Kw::Where),
    ("属于", Kw::In),
    ("且", Kw::And),
    ("或", Kw::Or),
    ("非", Kw::Not),
];

fn keyword(word: &str) -> Option<Kw> {
    match word.to_ascii_lowercase().as_str() {
        "where" => Some(Kw::Where),
        "and" => Some(Kw::And),
        "or" => Some(Kw::Or),
        "not" => Some(Kw::Not),
        "in" => Some(Kw::In),
        _ => CJK_KEYWORDS.iter().find(|(k, _)| *k == word).map(|(_, kw)| *kw),
    }
}

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || is_cjk(c)
}

/// Full-width and typographic punctuation, as its ASCII twin.
fn normalise(c: char) -> char {
    match c {
        '（' => '(',
        '）' => ')',
        '，' | '、' => ',',
        '＝' => '=',
        '＜' => '<',
        '＞' => '>',
        '！' => '!',
        '＋' => '+',
        '－' | '−' => '-',
        '＊' | '×' => '*',
        '／' | '÷' => '/',
        '．' => '.',
        '\u{3000}' => ' ',
        other => other,
    }
}

pub(crate) fn lex(text: &str) -> Result<Vec<Token>, ExprError> {
    let chars: Vec<char> = text.chars().map(normalise).collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let start = i;
        let single = |tok: Tok| Token {
            tok,
            span: Span::new(start, start + 1),
        };
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let token = match c {
            '(' => single(Tok::LParen),
            ')' => single(Tok::RParen),
            ',' => single(Tok::Comma),
            '.' => single(Tok::Dot),
            '+' => single(Tok::Plus),
            '-' => single(Tok::Minus),
            '*' => single(Tok::Star),
            '/' => single(Tok::Slash),
            '≥' => single(Tok::Cmp(CmpOp::Ge)),
            '≤' => single(Tok::Cmp(CmpOp::Le)),
            '≠' => single(Tok::Cmp(CmpOp::Ne)),
            '=' | '!' | '<' | '>' => {
                let (op, len) = match (c, next) {
                    ('=', Some('=')) => (CmpOp::Eq, 2),
                    ('=', _) => (CmpOp::Eq, 1),
                    ('!', Some('=')) => (CmpOp::Ne, 2),
                    ('<', Some('=')) => (CmpOp::Le, 2),
                    ('<', Some('>')) => (CmpOp::Ne, 2),
                    ('<', _) => (CmpOp::Lt, 1),
                    ('>', Some('=')) => (CmpOp::Ge, 2),
                    ('>', _) => (CmpOp::Gt, 1),
                    _ => {
                        return Err(ExprError::UnexpectedChar {
                            at: Span::new(start, start + 1),
                            text: c.to_string(),
                        })
                    }
                };
                Token {
                    tok: Tok::Cmp(op),
                    span: Span::new(start, start + len),
                }
            }
            '"' | '“' | '\'' | '‘' | '「' => {
                let close = match c {
                    '“' => '”',
                    '‘' => '’',
                    '「' => '」',
                    other => other,
                };
                let Some(len) = chars[i + 1..].iter().position(|&d| d == close) else {
                    return Err(ExprError::UnclosedQuote {
                        at: Span::new(start, start + 1),
                        text: c.to_string(),
                    });
                };
                let inner: String = chars[i + 1..i + 1 + len].iter().collect();
                Token {
                    tok: Tok::Quoted(inner.trim().to_owned()),
                    span: Span::new(start, i + len + 2),
                }
            }
            d if d.is_ascii_digit() => {
                let mut end = i;
                while chars.get(end).is_some_and(char::is_ascii_digit) {
                    end += 1;
                }
                if chars.get(end) == Some(&'.') && chars.get(end + 1).is_some_and(char::is_ascii_digit) {
                    end += 1;
                    while chars.get(end).is_some_and(char::is_ascii_digit) {
                        end += 1;
                    }
                }
                let written: String = chars[i..end].iter().collect();
                let span = Span::new(start, end);
                match written.parse::<f64>() {
                    Ok(n) if n.is_finite() => Token {
                        tok: Tok::Number(n),
                        span,
                    },
                    _ => {
                        return Err(ExprError::BadNumber {
                            at: span,
                            text: written,
                        })
                    }
                }
            }
            w if is_word_char(w) => {
                let mut end = i;
                let mut keyword_len = 0;
                while let Some(&d) = chars.get(end) {
                    if !is_word_char(d) {
                        break;
                    }
                    if is_cjk(d) {
                        if let Some((k, _)) = CJK_KEYWORDS.iter().find(|(k, _)| starts_with(&chars[end..], k))
                        {
                            if end == i {
                                keyword_len = k.chars().count();
                            }
                            break;
                        }
                    }
                    end += 1;
                }
                let end = end.max(i + keyword_len);
                let word: String = chars[i..end].iter().collect();
                let span = Span::new(start, end);
                match keyword(&word) {
                    Some(kw) => Token {
                        tok: Tok::Keyword(kw),
                        span,
                    },
                    None => Token {
                        tok: Tok::Word(word),
                        span,
                    },
                }
            }
            other => {
                return Err(ExprError::UnexpectedChar {
                    at: Span::new(start, start + 1),
                    text: other.to_string(),
                })
            }
        };
        i = token.span.end;
        tokens.push(token);
    }
    Ok(tokens)
}

fn starts_with(chars: &[char], word: &str) -> bool {
    let mut rest = chars.iter();
    word.chars().all(|w| rest.next() == Some(&w))
}
