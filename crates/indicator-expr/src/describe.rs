//! A short Chinese reading of a definition, for the definitions sheet of a
//! report: `share(classes where stage = junior and location = rural, size > 50)`
//! reads 学段为初中且城乡分类为乡村的班级中，班额大于50的占比.

use crate::expr::{Cond, Literal, Node};
use crate::lex::CmpOp;
use crate::parse::{ArithOp, Func};
use crate::schema::{field_info, Type};

pub(crate) fn node(node: &Node) -> String {
    match node {
        Node::Number(n) => n.to_string(),
        Node::Neg(inner) => {
            if inner.precedence() < 3 {
                format!("−（{}）", self::node(inner))
            } else {
                format!("−{}", self::node(inner))
            }
        }
        Node::Bin(op, left, right) => {
            let p = op.precedence();
            let side = |child: &Node, paren: bool| {
                if paren {
                    format!("（{}）", self::node(child))
                } else {
                    self::node(child)
                }
            };
            let symbol = match op {
                ArithOp::Add => "＋",
                ArithOp::Sub => "−",
                ArithOp::Mul => "×",
                ArithOp::Div => "÷",
            };
            format!(
                "{} {symbol} {}",
                side(left, left.precedence() < p),
                side(right, right.precedence() <= p)
            )
        }
        Node::Agg {
            func,
            entity,
            field,
            filter,
            part,
        } => {
            let of = match filter {
                Some(filter) => format!("{}的{}", cond(filter, 0), entity.name_zh()),
                None => entity.name_zh().to_owned(),
            };
            let field = field.map_or("", |f| field_info(f).label_zh());
            match func {
                Func::Count => match filter {
                    Some(filter) => format!("{}的{}", cond(filter, 0), entity.counter_zh()),
                    None => entity.counter_zh().to_owned(),
                },
                Func::Sum => format!("{of}{field}合计"),
                Func::Avg => format!("{of}平均{field}"),
                Func::Share => {
                    let part = part.as_ref().map(|p| cond(p, 0)).unwrap_or_default();
                    format!("{of}中{part}的占比")
                }
            }
        }
    }
}

/// `outer` is the precedence of the enclosing operator (0 at the top,
/// 1 inside `or`, 2 inside `and`, 3 under `not`).
fn cond(c: &Cond, outer: u8) -> String {
    let (text, precedence) = match c {
        Cond::Or(items) => (join(items, "或", 1), 1),
        Cond::And(items) => (join(items, "且", 2), 2),
        Cond::Not(inner) => match inner.as_ref() {
            Cond::Flag(field) => (format!("非{}", field_info(*field).label_zh()), 4),
            other => (format!("非（{}）", cond(other, 0)), 4),
        },
        Cond::Flag(field) => (field_info(*field).label_zh().to_owned(), 4),
        Cond::Cmp {
            field, op, literal, ..
        } => {
            let info = field_info(*field);
            let words = if matches!(info.ty, Type::Number | Type::Grade) {
                ["为", "不为", "小于", "小于等于", "大于", "大于等于"]
            } else {
                ["为", "不为", "低于", "不高于", "高于", "不低于"]
            };
            let index = match op {
                CmpOp::Eq => 0,
                CmpOp::Ne => 1,
                CmpOp::Lt => 2,
                CmpOp::Le => 3,
                CmpOp::Gt => 4,
                CmpOp::Ge => 5,
            };
            let word = words.get(index).copied().unwrap_or("");
            (format!("{}{word}{}", info.label_zh(), literal.label_zh()), 4)
        }
        Cond::In {
            field,
            negated,
            literals,
            ..
        } => {
            let values: Vec<String> = literals.iter().map(|l: &Literal| l.label_zh()).collect();
            let word = if *negated { "不为" } else { "为" };
            (
                format!("{}{word}{}", field_info(*field).label_zh(), values.join("、")),
                4,
            )
        }
    };
    if precedence <= outer && precedence < 4 {
        format!("（{text}）")
    } else {
        text
    }
}

fn join(items: &[Cond], word: &str, precedence: u8) -> String {
    items
        .iter()
        .map(|item| cond(item, precedence))
        .collect::<Vec<_>>()
        .join(word)
}
