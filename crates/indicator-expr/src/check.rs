//! The checker: resolves names against `schema`, types every comparison,
//! refuses what cannot be computed (constant zero divisors, counts of
//! population rows) and lowers the tree to aggregates plus arithmetic.

use registry::Grade;

use crate::error::{ExprError, Span};
use crate::expr::{Aggregate, Calc, Cond, Literal, Measure, Node};
use crate::parse::{AggAst, ArithOp, Ast, CondAst, Func, Value, ValueKind, Word};
use crate::schema::{self, lookup_field, Entity, Field, FieldInfo, Type, Vocab};

/// The checked expression, lowered.
pub(crate) struct Checked {
    pub node: Node,
    pub calc: Calc,
    pub aggregates: Vec<Aggregate>,
}

pub(crate) fn check(ast: &Ast, text: &str) -> Result<Checked, ExprError> {
    let mut checker = Checker {
        text,
        aggregates: Vec::new(),
    };
    let (node, calc) = checker.expr(ast)?;
    if checker.aggregates.is_empty() {
        return Err(ExprError::NoAggregate);
    }
    Ok(Checked {
        node,
        calc,
        aggregates: checker.aggregates,
    })
}

struct Checker<'a> {
    text: &'a str,
    aggregates: Vec<Aggregate>,
}

impl Checker<'_> {
    fn slice(&self, span: Span) -> String {
        span.slice(self.text).to_owned()
    }

    /// The index of an aggregate, adding it when new.
    fn intern(&mut self, aggregate: Aggregate) -> Calc {
        let index = match self.aggregates.iter().position(|a| *a == aggregate) {
            Some(i) => i,
            None => {
                self.aggregates.push(aggregate);
                self.aggregates.len() - 1
            }
        };
        Calc::Agg(index)
    }

    fn expr(&mut self, ast: &Ast) -> Result<(Node, Calc), ExprError> {
        match ast {
            Ast::Number(n, _) => Ok((Node::Number(*n), Calc::Number(*n))),
            Ast::Neg(inner, _) => {
                let (node, calc) = self.expr(inner)?;
                Ok((Node::Neg(Box::new(node)), Calc::Neg(Box::new(calc))))
            }
            Ast::Bin(op, left, right, _) => {
                let (left_node, left_calc) = self.expr(left)?;
                let (right_node, right_calc) = self.expr(right)?;
                if *op == ArithOp::Div && right_calc.always_zero() {
                    return Err(ExprError::ZeroDivisor {
                        at: right.span(),
                        text: self.slice(right.span()),
                    });
                }
                Ok((
                    Node::Bin(*op, Box::new(left_node), Box::new(right_node)),
                    Calc::Bin(*op, Box::new(left_calc), Box::new(right_calc)),
                ))
            }
            Ast::Agg(agg) => self.aggregate(agg),
        }
    }

    fn aggregate(&mut self, agg: &AggAst) -> Result<(Node, Calc), ExprError> {
        let AggAst {
            func,
            entity: entity_word,
            field: field_word,
            filter,
            part,
            span,
        } = agg;
        let (func, span) = (*func, *span);
        let entity = resolve_entity(entity_word)?;
        if entity == Entity::Population && func != Func::Sum {
            return Err(ExprError::PopulationRows {
                at: span,
                text: self.slice(span),
            });
        }
        let field = match field_word.as_ref() {
            Some(word) => {
                let info = resolve_field(word, entity)?;
                let summable = match entity {
                    Entity::Population => info.field == Field::Children,
                    _ => info.ty == Type::Number,
                };
                if !summable {
                    return Err(if entity == Entity::Population && info.ty == Type::Number {
                        ExprError::PopulationRows {
                            at: span,
                            text: self.slice(span),
                        }
                    } else {
                        ExprError::NotNumeric {
                            at: word.span,
                            text: word.text.clone(),
                            function: func.name(),
                            field: info.label_zh().to_owned(),
                            kind: info.ty.name_zh(),
                        }
                    });
                }
                Some(info)
            }
            None => None,
        };
        let filter = filter.as_ref().map(|c| self.cond(c, entity)).transpose()?;
        let part = part.as_ref().map(|c| self.cond(c, entity)).transpose()?;
        let count = |filter: Option<Cond>| Aggregate {
            entity,
            measure: Measure::Count,
            filter,
        };
        let calc = match (func, field, &part) {
            (Func::Count, _, _) => self.intern(count(filter.clone())),
            (Func::Sum, Some(info), _) => self.intern(Aggregate {
                entity,
                measure: Measure::Sum(info.field),
                filter: filter.clone(),
            }),
            (Func::Avg, Some(info), _) => {
                let sum = self.intern(Aggregate {
                    entity,
                    measure: Measure::Sum(info.field),
                    filter: filter.clone(),
                });
                // Rows whose value is unknown add nothing to the sum, so they
                // are left out of the count as well.
                let known = match (info.known_by, filter.clone()) {
                    (Some(flag), Some(f)) => Some(Cond::and(f, Cond::Flag(flag))),
                    (Some(flag), None) => Some(Cond::Flag(flag)),
                    (None, f) => f,
                };
                let rows = self.intern(count(known));
                Calc::Bin(ArithOp::Div, Box::new(sum), Box::new(rows))
            }
            (Func::Share, _, Some(part)) => {
                let base = filter.clone();
                let matching = match base.clone() {
                    Some(b) => Cond::and(b, part.clone()),
                    None => part.clone(),
                };
                let numerator = self.intern(count(Some(matching)));
                let denominator = self.intern(count(base));
                Calc::Bin(ArithOp::Div, Box::new(numerator), Box::new(denominator))
            }
            // The parser gives sum/avg a field and share a part.
            _ => {
                return Err(ExprError::Unexpected {
                    at: span,
                    text: self.slice(span),
                    expected: "完整的统计函数",
                })
            }
        };
        let node = Node::Agg {
            func,
            entity,
            field: field.map(|info| info.field),
            filter,
            part,
        };
        Ok((node, calc))
    }

    fn cond(&self, cond: &CondAst, entity: Entity) -> Result<Cond, ExprError> {
        match cond {
            CondAst::And(items) | CondAst::Or(items) => {
                let mut checked = Vec::with_capacity(items.len());
                let is_and = matches!(cond, CondAst::And(_));
                for item in items {
                    match (self.cond(item, entity)?, is_and) {
                        (Cond::And(inner), true) | (Cond::Or(inner), false) => checked.extend(inner),
                        (other, _) => checked.push(other),
                    }
                }
                Ok(if is_and {
                    Cond::And(checked)
                } else {
                    Cond::Or(checked)
                })
            }
            CondAst::Not(inner) => Ok(Cond::Not(Box::new(self.cond(inner, entity)?))),
            CondAst::Flag(word) => {
                let info = resolve_field(word, entity)?;
                if info.ty != Type::Flag {
                    return Err(ExprError::NotAFlag {
                        at: word.span,
                        text: word.text.clone(),
                        field: info.label_zh().to_owned(),
                    });
                }
                Ok(Cond::Flag(info.field))
            }
            CondAst::Cmp {
                field,
                op,
                op_span,
                value,
            } => {
                let info = resolve_field(field, entity)?;
                if op.ordering() && !info.ty.ordered() {
                    return Err(ExprError::NotOrdered {
                        at: *op_span,
                        text: op.symbol().to_owned(),
                        field: info.label_zh().to_owned(),
                    });
                }
                let literal = literal(info, value)?;
                Ok(Cond::Cmp {
                    field: info.field,
                    op: *op,
                    literal,
                    value: literal.as_f64(),
                })
            }
            CondAst::In {
                field,
                negated,
                values,
            } => {
                let info = resolve_field(field, entity)?;
                let literals = values
                    .iter()
                    .map(|v| literal(info, v))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Cond::In {
                    field: info.field,
                    negated: *negated,
                    values: literals.iter().map(|l| l.as_f64()).collect(),
                    literals,
                })
            }
        }
    }
}

fn resolve_entity(word: &Word) -> Result<Entity, ExprError> {
    Entity::lookup(&word.text).ok_or_else(|| {
        let candidates = Entity::ALL.iter().flat_map(|e| [e.name(), e.name_zh()]);
        ExprError::UnknownEntity {
            at: word.span,
            text: word.text.clone(),
            suggestion: schema::suggest(&word.text, candidates).map(str::to_owned),
        }
    })
}

fn resolve_field(word: &Word, entity: Entity) -> Result<&'static FieldInfo, ExprError> {
    if let Some(info) = lookup_field(&word.text) {
        if info.belongs_to(entity) {
            return Ok(info);
        }
        return Err(ExprError::UnknownField {
            at: word.span,
            text: word.text.clone(),
            entity: entity.name_zh(),
            suggestion: None,
            other_entities: info.entities().iter().map(|e| e.name_zh()).collect(),
        });
    }
    let candidates = schema::fields()
        .iter()
        .filter(|f| f.belongs_to(entity))
        .flat_map(|f| std::iter::once(f.name.as_str()).chain(f.aliases_zh.iter().map(String::as_str)));
    let suggestion = schema::suggest(&word.text, candidates).map(|s| {
        // Name the English identifier with its Chinese label, whichever was matched.
        match lookup_field(s) {
            Some(info) => format!("{}（{}）", info.name, info.label_zh()),
            None => s.to_owned(),
        }
    });
    Err(ExprError::UnknownField {
        at: word.span,
        text: word.text.clone(),
        entity: entity.name_zh(),
        suggestion,
        other_entities: Vec::new(),
    })
}

/// What a field of type `ty` may be compared with, for messages.
fn expected_zh(ty: Type) -> String {
    match ty {
        Type::Number => "数".to_owned(),
        Type::Flag => "是/否（true、false、是、否）".to_owned(),
        Type::Grade => "年级（如 7、七年级、高一）".to_owned(),
        Type::Vocab(vocab) => {
            let example = vocab.len().saturating_sub(1).min(1) as u32;
            format!(
                "{}的代码或名称（如 {}、{}）",
                vocab.name_zh(),
                vocab.label_zh(example),
                vocab.code(example)
            )
        }
    }
}

fn literal(info: &FieldInfo, value: &Value) -> Result<Literal, ExprError> {
    let mismatch = || {
        let text = value.text();
        if let ValueKind::Word(w) = &value.kind {
            if lookup_field(w).is_some() && !matches!(info.ty, Type::Vocab(_)) {
                return ExprError::FieldOnRight { at: value.span, text };
            }
        }
        ExprError::TypeMismatch {
            at: value.span,
            text,
            field: info.label_zh().to_owned(),
            expected: expected_zh(info.ty),
        }
    };
    let unknown = |message: String| ExprError::UnknownValue {
        at: value.span,
        text: value.text(),
        message,
    };
    match (&value.kind, info.ty) {
        (ValueKind::Number(n), Type::Number) => Ok(Literal::Number(*n)),
        (_, Type::Number) => Err(mismatch()),
        (ValueKind::Word(w) | ValueKind::Quoted(w), Type::Flag) => match w.to_ascii_lowercase().as_str() {
            "true" | "是" => Ok(Literal::Flag(true)),
            "false" | "否" => Ok(Literal::Flag(false)),
            _ => Err(mismatch()),
        },
        (ValueKind::Number(_), Type::Flag) => Err(mismatch()),
        (ValueKind::Number(n), Type::Grade) => {
            let grade = (n.fract() == 0.0 && (-2.0..=12.0).contains(n)).then_some(*n as i8);
            match grade {
                Some(g) => Ok(Literal::Grade(g)),
                None => Err(unknown(grade_error(&value.text()))),
            }
        }
        (ValueKind::Word(w) | ValueKind::Quoted(w), Type::Grade) => match Grade::parse(w) {
            Ok(g) => Ok(Literal::Grade(g.0)),
            Err(_) if lookup_field(w).is_some() => Err(ExprError::FieldOnRight {
                at: value.span,
                text: w.clone(),
            }),
            Err(err) => Err(unknown(err.0)),
        },
        (ValueKind::Number(_), Type::Vocab(_)) => Err(mismatch()),
        (ValueKind::Word(w) | ValueKind::Quoted(w), Type::Vocab(vocab)) => match vocab.parse(w) {
            Ok(ordinal) => Ok(Literal::Vocab(vocab, ordinal)),
            Err(_) if lookup_field(w).is_some() => Err(ExprError::FieldOnRight {
                at: value.span,
                text: w.clone(),
            }),
            Err(err) => Err(unknown(with_suggestion(err.0, w, vocab))),
        },
    }
}

fn grade_error(text: &str) -> String {
    match Grade::parse(text) {
        Err(err) => err.0,
        Ok(_) => format!("年级“{text}”无法识别"),
    }
}

fn with_suggestion(message: String, written: &str, vocab: Vocab) -> String {
    match schema::suggest(written, vocab.spellings()) {
        Some(s) => format!("{message}；是否想写“{s}”？"),
        None => message,
    }
}
