//! The checked expression: typed conditions, aggregates and arithmetic, and
//! their canonical text (`Display`), which parses back to the same thing.

use std::fmt;

use crate::lex::CmpOp;
use crate::parse::{ArithOp, Func};
use crate::schema::{field_info, Entity, Field, Vocab};

/// A constant in a condition, typed by the field it is compared with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal {
    Number(f64),
    Flag(bool),
    Grade(i8),
    /// A vocabulary value, by its position in `T::ALL`.
    Vocab(Vocab, u32),
}

impl Literal {
    /// The number a row's field value is compared with.
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Literal::Number(n) => n,
            Literal::Flag(b) => f64::from(u8::from(b)),
            Literal::Grade(g) => f64::from(g),
            Literal::Vocab(_, ordinal) => f64::from(ordinal),
        }
    }

    pub(crate) fn label_zh(self) -> String {
        match self {
            Literal::Number(n) => n.to_string(),
            Literal::Flag(b) => if b { "是" } else { "否" }.to_owned(),
            Literal::Grade(g) => registry::Grade(g).label_zh(),
            Literal::Vocab(vocab, ordinal) => vocab.label_zh(ordinal).to_owned(),
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Literal::Number(n) => write!(f, "{n}"),
            Literal::Flag(b) => write!(f, "{b}"),
            Literal::Grade(g) => write!(f, "{g}"),
            Literal::Vocab(vocab, ordinal) => f.write_str(vocab.code(ordinal)),
        }
    }
}

/// A `where` condition, checked. Rows whose value is unknown (an unscreened
/// student's `myopic`, a school without facility figures) make a comparison
/// unknown; `and`/`or`/`not` follow three-valued logic and a row counts only
/// when its condition is true — as in SQL.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    /// A yes/no field alone: `boarder`.
    Flag(Field),
    Cmp {
        field: Field,
        op: CmpOp,
        literal: Literal,
        /// `literal` as the number row values are compared with.
        value: f64,
    },
    In {
        field: Field,
        negated: bool,
        literals: Vec<Literal>,
        values: Vec<f64>,
    },
}

impl Cond {
    /// `a and b`, flattening nested `and`s.
    pub(crate) fn and(a: Cond, b: Cond) -> Cond {
        let mut items = Vec::new();
        for c in [a, b] {
            match c {
                Cond::And(inner) => items.extend(inner),
                other => items.push(other),
            }
        }
        Cond::And(items)
    }

    fn precedence(&self) -> u8 {
        match self {
            Cond::Or(_) => 1,
            Cond::And(_) => 2,
            Cond::Not(_) => 3,
            _ => 4,
        }
    }

    fn fmt_child(&self, child: &Cond, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if child.precedence() <= self.precedence() && child.precedence() < 4 {
            write!(f, "({child})")
        } else {
            write!(f, "{child}")
        }
    }
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cond::And(items) | Cond::Or(items) => {
                let joiner = if matches!(self, Cond::And(_)) {
                    " and "
                } else {
                    " or "
                };
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(joiner)?;
                    }
                    self.fmt_child(item, f)?;
                }
                Ok(())
            }
            Cond::Not(inner) => {
                f.write_str("not ")?;
                if inner.precedence() < 3 {
                    write!(f, "({inner})")
                } else {
                    write!(f, "{inner}")
                }
            }
            Cond::Flag(field) => f.write_str(&field_info(*field).name),
            Cond::Cmp {
                field, op, literal, ..
            } => {
                write!(f, "{} {} {literal}", field_info(*field).name, op.symbol())
            }
            Cond::In {
                field,
                negated,
                literals,
                ..
            } => {
                let not = if *negated { "not " } else { "" };
                write!(f, "{} {not}in (", field_info(*field).name)?;
                for (i, literal) in literals.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{literal}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// What an aggregate adds up per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// 1 per row.
    Count,
    /// The field's value per row (unknown values add nothing).
    Sum(Field),
}

/// One term tallied per school (or per township): `count(E where C)` or
/// `sum(E.field where C)`. `avg` and `share` are made of two of these.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    pub entity: Entity,
    pub measure: Measure,
    pub filter: Option<Cond>,
}

impl fmt::Display for Aggregate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.measure {
            Measure::Count => write!(f, "count({}", self.entity.name())?,
            Measure::Sum(field) => write!(f, "sum({}.{}", self.entity.name(), field_info(field).name)?,
        }
        if let Some(filter) = &self.filter {
            write!(f, " where {filter}")?;
        }
        f.write_str(")")
    }
}

/// The checked expression as written (for display), functions unexpanded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Number(f64),
    Neg(Box<Node>),
    Bin(ArithOp, Box<Node>, Box<Node>),
    Agg {
        func: Func,
        entity: Entity,
        field: Option<Field>,
        filter: Option<Cond>,
        part: Option<Cond>,
    },
}

impl Node {
    pub(crate) fn precedence(&self) -> u8 {
        match self {
            Node::Bin(op, ..) => op.precedence(),
            Node::Neg(_) => 3,
            Node::Number(_) | Node::Agg { .. } => 4,
        }
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Number(n) => write!(f, "{n}"),
            Node::Neg(inner) => {
                if inner.precedence() < 3 {
                    write!(f, "-({inner})")
                } else {
                    write!(f, "-{inner}")
                }
            }
            Node::Bin(op, left, right) => {
                let p = op.precedence();
                if left.precedence() < p {
                    write!(f, "({left})")?;
                } else {
                    write!(f, "{left}")?;
                }
                write!(f, " {} ", op.symbol())?;
                if right.precedence() <= p {
                    write!(f, "({right})")
                } else {
                    write!(f, "{right}")
                }
            }
            Node::Agg {
                func,
                entity,
                field,
                filter,
                part,
            } => {
                write!(f, "{}({}", func.name(), entity.name())?;
                if let Some(field) = field {
                    write!(f, ".{}", field_info(*field).name)?;
                }
                if let Some(filter) = filter {
                    write!(f, " where {filter}")?;
                }
                if let Some(part) = part {
                    write!(f, ", {part}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// Arithmetic over aggregate values, `avg` and `share` expanded to divisions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Calc {
    Number(f64),
    /// Index into `Definition::aggregates`.
    Agg(usize),
    Neg(Box<Calc>),
    Bin(ArithOp, Box<Calc>, Box<Calc>),
}

impl Calc {
    /// The value, or `None` when a divisor is zero, an aggregate is missing
    /// or the result is not finite.
    pub(crate) fn eval(&self, sums: &[f64]) -> Option<f64> {
        let value = match self {
            Calc::Number(n) => *n,
            Calc::Agg(i) => *sums.get(*i)?,
            Calc::Neg(inner) => -inner.eval(sums)?,
            Calc::Bin(op, left, right) => {
                let (a, b) = (left.eval(sums)?, right.eval(sums)?);
                match op {
                    ArithOp::Add => a + b,
                    ArithOp::Sub => a - b,
                    ArithOp::Mul => a * b,
                    ArithOp::Div if b == 0.0 => return None,
                    ArithOp::Div => a / b,
                }
            }
        };
        value.is_finite().then_some(value)
    }

    /// The value when it involves no aggregate.
    pub(crate) fn constant(&self) -> Option<f64> {
        match self {
            Calc::Agg(_) => None,
            other => other.eval(&[]),
        }
    }

    /// Whether the value is zero whatever the data: a constant zero, a
    /// product with such a factor, or a difference of two equal terms.
    pub(crate) fn always_zero(&self) -> bool {
        match self {
            Calc::Number(n) => *n == 0.0,
            Calc::Agg(_) => false,
            Calc::Neg(inner) => inner.always_zero(),
            Calc::Bin(op, left, right) => match op {
                ArithOp::Mul => left.always_zero() || right.always_zero(),
                ArithOp::Div => left.always_zero(),
                ArithOp::Add => left.always_zero() && right.always_zero(),
                ArithOp::Sub => left == right || (left.always_zero() && right.always_zero()),
            },
        }
    }

    /// Splits `scale × (numerator ÷ denominator)`, looking through constant
    /// factors on either side (`count(a) * 100 / count(b)`,
    /// `share(…) * 100`, `100 * avg(…)`).
    pub(crate) fn ratio(&self) -> Option<(Calc, Calc)> {
        match strip_scale(self) {
            Calc::Bin(ArithOp::Div, numerator, denominator) => {
                Some((strip_scale(numerator).clone(), strip_scale(denominator).clone()))
            }
            _ => None,
        }
    }
}

fn strip_scale(calc: &Calc) -> &Calc {
    let mut calc = calc;
    loop {
        calc = match calc {
            Calc::Bin(ArithOp::Mul, a, b) if b.constant().is_some() => a,
            Calc::Bin(ArithOp::Mul, a, b) if a.constant().is_some() => b,
            Calc::Bin(ArithOp::Div, a, b) if b.constant().is_some() => a,
            other => return other,
        };
    }
}
