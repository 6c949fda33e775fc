//! Tokens to a syntax tree, names still unresolved (the checker resolves
//! them). Hand-written recursive descent rather than a parser generator or
//! combinator crate: the grammar is a dozen rules, and every error must say
//! in Chinese what was expected at which character, which is easiest when
//! each rule is a plain function that knows what it is looking for.

use crate::error::{ExprError, Span};
use crate::lex::{CmpOp, Kw, Tok, Token};

/// Deepest nesting of parentheses, `not` and unary minus accepted.
pub(crate) const MAX_DEPTH: usize = 48;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Word {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl ArithOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }

    pub(crate) fn precedence(self) -> u8 {
        match self {
            ArithOp::Add | ArithOp::Sub => 1,
            ArithOp::Mul | ArithOp::Div => 2,
        }
    }
}

/// The four aggregate functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
    Count,
    Sum,
    Avg,
    Share,
}

impl Func {
    pub fn name(self) -> &'static str {
        match self {
            Func::Count => "count",
            Func::Sum => "sum",
            Func::Avg => "avg",
            Func::Share => "share",
        }
    }

    fn lookup(word: &str) -> Option<Func> {
        Some(match word.to_ascii_lowercase().as_str() {
            "count" | "计数" => Func::Count,
            "sum" | "求和" | "合计" => Func::Sum,
            "avg" | "average" | "mean" | "平均" => Func::Avg,
            "share" | "占比" | "比例" => Func::Share,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ast {
    Number(f64, Span),
    Neg(Box<Ast>, Span),
    Bin(ArithOp, Box<Ast>, Box<Ast>, Span),
    Agg(Box<AggAst>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AggAst {
    pub func: Func,
    pub entity: Word,
    /// `sum`/`avg`: the field after the dot.
    pub field: Option<Word>,
    pub filter: Option<CondAst>,
    /// `share`: the condition after the comma.
    pub part: Option<CondAst>,
    pub span: Span,
}

impl Ast {
    pub(crate) fn span(&self) -> Span {
        match self {
            Ast::Number(_, span) | Ast::Neg(_, span) | Ast::Bin(_, _, _, span) => *span,
            Ast::Agg(agg) => agg.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CondAst {
    And(Vec<CondAst>),
    Or(Vec<CondAst>),
    Not(Box<CondAst>),
    Flag(Word),
    Cmp {
        field: Word,
        op: CmpOp,
        op_span: Span,
        value: Value,
    },
    In {
        field: Word,
        negated: bool,
        values: Vec<Value>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ValueKind {
    Number(f64),
    Word(String),
    Quoted(String),
}

impl Value {
    pub(crate) fn text(&self) -> String {
        match &self.kind {
            ValueKind::Number(n) => n.to_string(),
            ValueKind::Word(w) | ValueKind::Quoted(w) => w.clone(),
        }
    }
}

pub(crate) fn parse(tokens: &[Token], text_chars: usize) -> Result<Ast, ExprError> {
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
        end: Span::new(text_chars, text_chars),
    };
    let ast = parser.expr()?;
    match parser.peek() {
        None => Ok(ast),
        Some(token) => Err(unexpected(token, "运算符（+ - * /）或表达式结尾")),
    }
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    depth: usize,
    end: Span,
}

fn unexpected(token: &Token, expected: &'static str) -> ExprError {
    ExprError::Unexpected {
        at: token.span,
        text: describe(&token.tok),
        expected,
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Number(n) => n.to_string(),
        Tok::Word(w) => w.clone(),
        Tok::Quoted(q) => format!("\"{q}\""),
        Tok::Keyword(kw) => match kw {
            Kw::Where => "where",
            Kw::And => "and",
            Kw::Or => "or",
            Kw::Not => "not",
            Kw::In => "in",
        }
        .to_owned(),
        Tok::LParen => "(".to_owned(),
        Tok::RParen => ")".to_owned(),
        Tok::Comma => ",".to_owned(),
        Tok::Dot => ".".to_owned(),
        Tok::Plus => "+".to_owned(),
        Tok::Minus => "-".to_owned(),
        Tok::Star => "*".to_owned(),
        Tok::Slash => "/".to_owned(),
        Tok::Cmp(op) => op.symbol().to_owned(),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_tok(&self) -> Option<&Tok> {
        self.peek().map(|t| &t.tok)
    }

    fn bump(&mut self) -> Option<&Token> {
        let token = self.tokens.get(self.pos);
        self.pos += 1;
        token
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek_tok() == Some(tok) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn end_error(&self, expected: &'static str) -> ExprError {
        ExprError::UnexpectedEnd {
            at: self.end,
            expected,
        }
    }

    /// Consumes `tok` or says that `expected` was wanted here.
    fn expect(&mut self, tok: &Tok, expected: &'static str) -> Result<Span, ExprError> {
        match self.peek() {
            Some(token) if token.tok == *tok => {
                let span = token.span;
                self.pos += 1;
                Ok(span)
            }
            Some(token) => Err(unexpected(token, expected)),
            None => Err(self.end_error(expected)),
        }
    }

    fn word(&mut self, expected: &'static str) -> Result<Word, ExprError> {
        match self.peek() {
            Some(Token {
                tok: Tok::Word(text),
                span,
            }) => {
                let word = Word {
                    text: text.clone(),
                    span: *span,
                };
                self.pos += 1;
                Ok(word)
            }
            Some(token) => Err(unexpected(token, expected)),
            None => Err(self.end_error(expected)),
        }
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let at = self.peek().map_or(self.end, |t| t.span);
            return Err(ExprError::TooDeep { at, max: MAX_DEPTH });
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // expr := term (('+' | '-') term)*
    fn expr(&mut self) -> Result<Ast, ExprError> {
        let mut left = self.term()?;
        loop {
            let op = match self.peek_tok() {
                Some(Tok::Plus) => ArithOp::Add,
                Some(Tok::Minus) => ArithOp::Sub,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.term()?;
            let span = left.span().to(right.span());
            left = Ast::Bin(op, Box::new(left), Box::new(right), span);
        }
    }

    // term := unary (('*' | '/') unary)*
    fn term(&mut self) -> Result<Ast, ExprError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek_tok() {
                Some(Tok::Star) => ArithOp::Mul,
                Some(Tok::Slash) => ArithOp::Div,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.unary()?;
            let span = left.span().to(right.span());
            left = Ast::Bin(op, Box::new(left), Box::new(right), span);
        }
    }

    // unary := '-' unary | primary
    fn unary(&mut self) -> Result<Ast, ExprError> {
        if let Some(Token {
            tok: Tok::Minus,
            span,
        }) = self.peek()
        {
            let start = *span;
            self.pos += 1;
            self.enter()?;
            let operand = self.unary()?;
            self.leave();
            let span = start.to(operand.span());
            return Ok(Ast::Neg(Box::new(operand), span));
        }
        self.primary()
    }

    // primary := NUMBER | '(' expr ')' | aggregate
    fn primary(&mut self) -> Result<Ast, ExprError> {
        const EXPECTED: &str = "数、括号或统计函数（count、sum、avg、share）";
        let Some(token) = self.peek().cloned() else {
            return Err(self.end_error(EXPECTED));
        };
        match token.tok {
            Tok::Number(n) => {
                self.pos += 1;
                Ok(Ast::Number(n, token.span))
            }
            Tok::LParen => {
                self.pos += 1;
                self.enter()?;
                let inner = self.expr()?;
                self.leave();
                self.expect(&Tok::RParen, "右括号“)”")?;
                Ok(inner)
            }
            Tok::Word(ref text) => {
                let followed_by_paren = self
                    .tokens
                    .get(self.pos + 1)
                    .is_some_and(|t| t.tok == Tok::LParen);
                match Func::lookup(text) {
                    Some(func) => {
                        self.pos += 1;
                        self.aggregate(func, token.span)
                    }
                    None if followed_by_paren => Err(ExprError::UnknownFunction {
                        at: token.span,
                        text: text.clone(),
                        suggestion: crate::schema::suggest(text, ["count", "sum", "avg", "share"])
                            .map(str::to_owned),
                    }),
                    None => Err(ExprError::BareWord {
                        at: token.span,
                        text: text.clone(),
                    }),
                }
            }
            _ => Err(unexpected(&token, EXPECTED)),
        }
    }

    // aggregate := count '(' ENTITY [where cond] ')'
    //            | (sum | avg) '(' ENTITY '.' FIELD [where cond] ')'
    //            | share '(' ENTITY [where cond] ',' cond ')'
    fn aggregate(&mut self, func: Func, start: Span) -> Result<Ast, ExprError> {
        self.expect(&Tok::LParen, "左括号“(”")?;
        let entity = self.word("统计对象（schools、classes、students、teachers 或 population）")?;
        let field = if matches!(func, Func::Sum | Func::Avg) {
            self.expect(&Tok::Dot, "“.”和数值字段，如 schools.seats")?;
            Some(self.word("字段名")?)
        } else {
            None
        };
        let filter = if self.eat(&Tok::Keyword(Kw::Where)) {
            Some(self.cond()?)
        } else {
            None
        };
        let part = if func == Func::Share {
            let expected = if filter.is_some() {
                "逗号“,”和占比的条件"
            } else {
                "where 或逗号“,”和占比的条件"
            };
            self.expect(&Tok::Comma, expected)?;
            Some(self.cond()?)
        } else {
            None
        };
        let expected = if filter.is_some() || func == Func::Share {
            "右括号“)”"
        } else {
            "where 或右括号“)”"
        };
        let end = self.expect(&Tok::RParen, expected)?;
        Ok(Ast::Agg(Box::new(AggAst {
            func,
            entity,
            field,
            filter,
            part,
            span: start.to(end),
        })))
    }

    // cond := and_c (or and_c)*
    fn cond(&mut self) -> Result<CondAst, ExprError> {
        let mut items = vec![self.and_cond()?];
        while self.eat(&Tok::Keyword(Kw::Or)) {
            items.push(self.and_cond()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            CondAst::Or(items)
        })
    }

    // and_c := not_c (and not_c)*
    fn and_cond(&mut self) -> Result<CondAst, ExprError> {
        let mut items = vec![self.not_cond()?];
        while self.eat(&Tok::Keyword(Kw::And)) {
            items.push(self.not_cond()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            CondAst::And(items)
        })
    }

    // not_c := not not_c | '(' cond ')' | FIELD [op value | [not] in '(' value (',' value)* ')']
    fn not_cond(&mut self) -> Result<CondAst, ExprError> {
        if self.eat(&Tok::Keyword(Kw::Not)) {
            self.enter()?;
            let inner = self.not_cond()?;
            self.leave();
            return Ok(CondAst::Not(Box::new(inner)));
        }
        if self.eat(&Tok::LParen) {
            self.enter()?;
            let inner = self.cond()?;
            self.leave();
            self.expect(&Tok::RParen, "右括号“)”")?;
            return Ok(inner);
        }
        let field = self.word("条件（字段名、not 或括号）")?;
        let negated_in = self.peek_tok() == Some(&Tok::Keyword(Kw::Not))
            && self.tokens.get(self.pos + 1).map(|t| &t.tok) == Some(&Tok::Keyword(Kw::In));
        if negated_in {
            self.pos += 1;
        }
        match self.peek().cloned() {
            Some(Token {
                tok: Tok::Cmp(op),
                span,
            }) => {
                self.pos += 1;
                let value = self.value()?;
                Ok(CondAst::Cmp {
                    field,
                    op,
                    op_span: span,
                    value,
                })
            }
            Some(Token {
                tok: Tok::Keyword(Kw::In),
                ..
            }) => {
                self.pos += 1;
                self.expect(&Tok::LParen, "in 后的左括号“(”")?;
                let mut values = vec![self.value()?];
                while self.eat(&Tok::Comma) {
                    values.push(self.value()?);
                }
                self.expect(&Tok::RParen, "逗号“,”或右括号“)”")?;
                Ok(CondAst::In {
                    field,
                    negated: negated_in,
                    values,
                })
            }
            _ => Ok(CondAst::Flag(field)),
        }
    }

    // value := ['-'] NUMBER | WORD | QUOTED
    fn value(&mut self) -> Result<Value, ExprError> {
        const EXPECTED: &str = "值（数、是/否或代码，如 50、true、初中）";
        let Some(token) = self.bump().cloned() else {
            return Err(self.end_error(EXPECTED));
        };
        let kind = match token.tok {
            Tok::Number(n) => ValueKind::Number(n),
            Tok::Word(w) => ValueKind::Word(w),
            Tok::Quoted(q) => ValueKind::Quoted(q),
            Tok::Minus => match self.bump().cloned() {
                Some(Token {
                    tok: Tok::Number(n),
                    span,
                }) => {
                    return Ok(Value {
                        kind: ValueKind::Number(-n),
                        span: token.span.to(span),
                    })
                }
                Some(other) => return Err(unexpected(&other, "负号后的数")),
                None => return Err(self.end_error("负号后的数")),
            },
            _ => {
                self.pos -= 1;
                return Err(unexpected(&token, EXPECTED));
            }
        };
        Ok(Value {
            kind,
            span: token.span,
        })
    }
}
