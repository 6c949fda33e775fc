//! Custom indicators: a bureau writes an indicator as an expression over
//! registry measures, it is checked when defined, and evaluated per place
//! from one pass over a [`YearSnapshot`].
//!
//! ```text
//! share(classes where stage = junior and location = rural, size > 50)
//! count(teachers where key_teacher_level >= county) / count(students where stage in (primary, junior)) * 100
//! avg(teachers.age where stage = primary)
//! count(学生 where 学段 = 学前) / sum(人口.人数 where 年龄 in (3, 4, 5)) * 100
//! 占比(学生 其中 学段=初中且已筛查, 近视)
//! ```
//!
//! # Grammar
//!
//! ```text
//! expr      := term (('+' | '-') term)*
//! term      := unary (('*' | '/') unary)*
//! unary     := '-' unary | primary
//! primary   := NUMBER | '(' expr ')' | aggregate
//! aggregate := count '(' ENTITY [where cond] ')'
//!            | sum   '(' ENTITY '.' FIELD [where cond] ')'
//!            | avg   '(' ENTITY '.' FIELD [where cond] ')'
//!            | share '(' ENTITY [where cond] ',' cond ')'
//! cond      := and_cond (or and_cond)*
//! and_cond  := not_cond (and not_cond)*
//! not_cond  := not not_cond | '(' cond ')' | comparison
//! comparison:= FIELD                                 -- a yes/no field alone
//!            | FIELD ('=' | '!=' | '<' | '<=' | '>' | '>=') value
//!            | FIELD [not] in '(' value (',' value)* ')'
//! value     := ['-'] NUMBER | WORD | "quoted"
//! ```
//!
//! - **Functions**: `count` (计数), `sum` (求和, 合计), `avg` (平均) = sum ÷ count,
//!   `share` (占比) — `share(E where BASE, C)` = `count(E where BASE and C) / count(E where BASE)`.
//! - **Entities**: `schools` 学校, `classes` 班级, `students` 学生, `teachers` 教师,
//!   `population` 人口.
//! - **Keywords**: `where` (其中), `and` (且), `or` (或), `not` (非), `in` (属于);
//!   the Chinese ones need no spaces around them (`学段=初中且城乡=乡村`).
//!   Full-width punctuation (`（）`, `，`, `、`, `＝`, `≥`, `≤`, `≠`) is read as ASCII;
//!   `==` is `=`, `<>` is `!=`.
//! - **Values**: vocabulary codes or Chinese labels and aliases as `registry`
//!   reads them (`junior`, `初中`; `农村` is also read as 乡村); numbers; yes/no
//!   as `true`/`false`/`是`/`否`; grades as `7`, `七年级`, `高一`, `小班`.
//!
//! # Fields
//!
//! Every field has an English identifier (used in canonical text) and
//! Chinese aliases. School fields may also be used on classes, students and
//! teachers (they are read from the row's school).
//!
//! | entity | field | type |
//! |---|---|---|
//! | schools, classes, students, teachers | `ownership` 办学性质, `location` 城乡分类/城乡 | vocabulary |
//! | 〃 | `quality_rating` 优质园等级 | ordered vocabulary |
//! | 〃 | `inclusive` 普惠 | yes/no |
//! | schools | `serves_<stage>` 设<学段> (e.g. `serves_junior` 设初中), `facility_reported` 已报办学条件 | yes/no |
//! | schools | `seats` 学位数 (all stages), `seats_<stage>` <学段>学位数 | number |
//! | schools | `teaching_floor_area`, `sports_ground_area`, `equipment_value`, `multimedia_classrooms` | number, unknown when the facility is not reported |
//! | classes, students, teachers | `stage` 学段 | vocabulary |
//! | classes, students | `grade` 年级 | grade (ordered) |
//! | classes | `size` 班额 | number |
//! | students, teachers | `sex` 性别 | vocabulary |
//! | students | `migrant_child` 随迁子女, `boarder` 寄宿生, `screened` 已筛查 | yes/no |
//! | students | `myopic` 近视 | yes/no, unknown when not screened |
//! | teachers | `subject` 任教学科 | vocabulary |
//! | teachers | `title` 职称, `key_teacher_level` 骨干教师级别, `qualification` 学历 | ordered vocabulary |
//! | teachers | `age` 年龄 (school year minus birth year), `years_at_school` 本校任教年限 (school year minus the year joined) | number |
//! | population | `age` 年龄, `children` 人数 | number |
//!
//! # Rules the checker enforces
//!
//! - `=`, `!=` and `in` work for every type; `<`, `<=`, `>`, `>=` only for
//!   numbers, grades and ordered vocabularies, by their declared order
//!   (`none < school < county < city < province`;
//!   `untitled < third < second < first < senior < full`;
//!   `secondary < associate < bachelor < master < doctor`;
//!   `unrated < county < city < province`).
//! - `sum` and `avg` take a number field.
//! - Population is one row per township and age: only
//!   `sum(population.children [where age …])` (the headcount) is allowed;
//!   `count`, `avg` and `share` of population rows would count rows, not
//!   people, and are refused.
//! - A divisor that is zero whatever the data (`/ 0`, `/ (1 - 1)`,
//!   `/ (count(x) - count(x))`) is refused; there must be at least one aggregate.
//!
//! # Unknown values
//!
//! An unscreened student's `myopic` and a school's facility figures when it
//! did not report them are unknown. Conditions follow SQL's three-valued
//! logic: a comparison with an unknown value is unknown, `not` keeps it
//! unknown, and a row is counted only when its condition is true — so
//! `count(students where not myopic)` counts screened students who are not
//! myopic. `sum` adds nothing for an unknown value and `avg` divides by the
//! rows whose value is known (`facility_reported`, `screened`).
//!
//! # Evaluation
//!
//! [`Definition::tally`] makes one pass per entity over the snapshot and
//! gives each aggregate per school (population aggregates per township).
//! The caller sums them over a place (a school, a township, a county) and
//! calls [`Definition::evaluate`], so a value at any level is a ratio of
//! sums. A division by a sum that is zero for the place gives no value
//! (`None`), never NaN or infinity. An expression that mixes school and
//! population aggregates (gross enrolment ratios) is meaningful from the
//! township up, not per school.
//!
//! The text is parsed by hand (recursive descent, `parse.rs`): the grammar
//! is small, and every error must name in Chinese what was expected at which
//! character.

mod check;
mod describe;
mod error;
mod eval;
mod expr;
mod lex;
mod parse;
mod schema;

#[cfg(test)]
mod tests;

use std::fmt;

use registry::snapshot::YearSnapshot;

pub use error::{ExprError, Span};
pub use eval::{Rows, Tally};
pub use expr::{Aggregate, Cond, Literal, Measure};
pub use lex::CmpOp;
pub use parse::{ArithOp, Func};
pub use schema::{fields, Entity, Field, FieldInfo, Places, Type, Vocab};

use expr::{Calc, Node};

/// Longest definition accepted, in characters.
pub const MAX_CHARS: usize = 2000;

/// A checked custom indicator.
#[derive(Debug, Clone)]
pub struct Definition {
    node: Node,
    calc: Calc,
    aggregates: Vec<Aggregate>,
    ratio: Option<(Calc, Calc)>,
}

/// The value of a definition for one place.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluated {
    /// `None` when a divisor is zero for this place.
    pub value: Option<f64>,
    /// The numerator when the expression is a division (looking through
    /// constant factors such as `* 100`), otherwise the value itself.
    /// `None` only when it involves a division by zero of its own.
    pub numerator: Option<f64>,
    /// The denominator when the expression is a division.
    pub denominator: Option<f64>,
}

impl Definition {
    /// Parses and checks a definition.
    pub fn parse(text: &str) -> Result<Definition, ExprError> {
        let chars = text.chars().count();
        if chars > MAX_CHARS {
            return Err(ExprError::TooLong {
                chars,
                max: MAX_CHARS,
            });
        }
        if text.trim().is_empty() {
            return Err(ExprError::Empty);
        }
        let tokens = lex::lex(text)?;
        let ast = parse::parse(&tokens, chars)?;
        let checked = check::check(&ast, text)?;
        let ratio = checked.calc.ratio();
        Ok(Definition {
            node: checked.node,
            calc: checked.calc,
            aggregates: checked.aggregates,
            ratio,
        })
    }

    /// The distinct aggregate terms, in the order `tally` and `evaluate` use.
    pub fn aggregates(&self) -> &[Aggregate] {
        &self.aggregates
    }

    /// Whether any aggregate is tallied per township (population).
    pub fn uses_population(&self) -> bool {
        self.aggregates
            .iter()
            .any(|a| a.entity.places() == Places::Townships)
    }

    /// One pass per entity over the snapshot: for each aggregate, its value
    /// per school (index = `YearSnapshot::schools` index), or per township
    /// for population aggregates.
    pub fn tally(&self, snapshot: &YearSnapshot) -> Tally {
        eval::tally(&self.aggregates, snapshot)
    }

    /// The value from the aggregates summed over a place, in the order of
    /// [`Definition::aggregates`]. A missing sum gives no value.
    pub fn evaluate(&self, sums: &[f64]) -> Evaluated {
        let value = self.calc.eval(sums);
        match &self.ratio {
            Some((numerator, denominator)) => Evaluated {
                value,
                numerator: numerator.eval(sums),
                denominator: denominator.eval(sums),
            },
            None => Evaluated {
                value,
                numerator: value,
                denominator: None,
            },
        }
    }

    /// A short Chinese reading, e.g.
    /// 学段为初中且城乡分类为乡村的班级中班额大于50的占比.
    pub fn describe_zh(&self) -> String {
        describe::node(&self.node)
    }
}

/// The canonical text: English identifiers and codes, single spaces,
/// minimal parentheses. It parses back to the same definition.
impl fmt::Display for Definition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.node)
    }
}

impl PartialEq for Definition {
    fn eq(&self, other: &Definition) -> bool {
        self.node == other.node
    }
}

impl std::str::FromStr for Definition {
    type Err = ExprError;

    fn from_str(text: &str) -> Result<Definition, ExprError> {
        Definition::parse(text)
    }
}

/// Stored as its canonical text.
impl serde::Serialize for Definition {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Definition {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Definition, D::Error> {
        let text = String::deserialize(deserializer)?;
        Definition::parse(&text).map_err(serde::de::Error::custom)
    }
}
