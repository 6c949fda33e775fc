//! One module per [`Entity`], holding all of it: its columns (an enum, so
//! that a `match` on them is exhaustive), how a record is written out
//! (`write`), and how a row is read into registry types (an
//! `impl Validator` method, checked against the store and the import).
//!
//! Each module declares its columns once with `column_table!`: that gives the
//! `Col` enum (column identities, in template order), `Col::ALL`, and the
//! `COLUMNS` table ([`Column`]: the [`Field`] carried and whether it is
//! required) that templates, header recognition and import read. The
//! module's `write` matches every `Col` without a wildcard arm, so a new
//! column does not compile until the export fills it; the round-trip test
//! (`tests/it/columns.rs`) fails until the import reads it back.
//!
//! The fields themselves (header, aliases, template note, kind, width) are
//! in `entity.rs` (`Field::spec`, also an exhaustive match), because most
//! fields (学年, 学校标识码, 身份证号 …) are shared by several entities.

use crate::entity::{Column, Entity, Field};

/// Declares an entity's columns in template order:
/// `Variant => req(Field::X)` (required) or `opt(Field::X)` (optional).
macro_rules! column_table {
    ($($variant:ident => $column:expr,)+) => {
        /// This entity's columns, in template order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Col {
            $($variant,)+
        }

        impl Col {
            /// Every column, in template order (the order of `COLUMNS`).
            pub(crate) const ALL: &'static [Col] = &[$(Col::$variant,)+];
        }

        /// The column table: `COLUMNS[i]` describes `Col::ALL[i]`.
        pub(crate) const COLUMNS: &[$crate::entity::Column] = &[$($column,)+];
    };
}

pub(crate) mod births;
pub(crate) mod classes;
pub(crate) mod facilities;
pub(crate) mod population;
pub(crate) mod schools;
pub(crate) mod students;
pub(crate) mod teachers;

pub(crate) const fn req(field: Field) -> Column {
    Column {
        field,
        required: true,
    }
}

pub(crate) const fn opt(field: Field) -> Column {
    Column {
        field,
        required: false,
    }
}

/// The column table of `entity`, in template order.
pub(crate) fn columns(entity: Entity) -> &'static [Column] {
    match entity {
        Entity::Schools => schools::COLUMNS,
        Entity::Facilities => facilities::COLUMNS,
        Entity::Classes => classes::COLUMNS,
        Entity::Students => students::COLUMNS,
        Entity::Teachers => teachers::COLUMNS,
        Entity::Population => population::COLUMNS,
        Entity::Births => births::COLUMNS,
    }
}

/// Clears `cells` (one per column) and fills each through `write`, in
/// template order; buffers are reused from row to row.
pub(crate) fn fill<C: Copy>(all: &[C], cells: &mut [String], mut write: impl FnMut(C, &mut String)) {
    for (cell, col) in cells.iter_mut().zip(all) {
        cell.clear();
        write(*col, cell);
    }
}

/// `registry::mask::id_number`, written in place: a valid number is ASCII,
/// so the common case needs no character vector (a test holds them equal).
pub(crate) fn push_masked_id(out: &mut String, id: &str) {
    match (id.len(), id.get(..6), id.get(14..)) {
        (18, Some(head), Some(tail)) => {
            out.push_str(head);
            out.push_str("********");
            out.push_str(tail);
        }
        _ => out.push_str(&registry::mask::id_number(id)),
    }
}

/// `registry::mask::name`, written in place.
pub(crate) fn push_masked_name(out: &mut String, name: &str) {
    let count = name.chars().count();
    let mut chars = name.chars();
    match (count, chars.next(), chars.next_back()) {
        (0, ..) => {}
        (1, Some(only), _) => out.push(only),
        (_, Some(first), Some(last)) => {
            out.push(first);
            for _ in 0..count.saturating_sub(2).max(1) {
                out.push('*');
            }
            if count > 2 {
                out.push(last);
            }
        }
        _ => out.push_str(&registry::mask::name(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_written_in_place_equal_the_registry_masks() {
        for id in [
            "37010220160229123X",
            "3701022016022912",
            "",
            "３７０１０２２０１６０２２９１２３X",
        ] {
            let mut out = String::new();
            push_masked_id(&mut out, id);
            assert_eq!(out, registry::mask::id_number(id), "{id}");
        }
        for name in ["", "张", "张明", "张小明", "欧阳小明", "Ana María"] {
            let mut out = String::new();
            push_masked_name(&mut out, name);
            assert_eq!(out, registry::mask::name(name), "{name}");
        }
    }
}
