//! The county × stage summary of `RegistryRead::summary`, assembled from
//! counts the same way on every backend: each (county, stage) row named
//! after its county, and a county's total row (stage `""`) given the sums
//! over its stages of classes, students and teachers. The backends run the
//! counting queries.

use std::collections::{BTreeMap, HashMap};

use registry::Stage;

use crate::SummaryRow;

/// Which count of a [`SummaryRow`] a query's rows set.
pub(crate) type SetCount = fn(&mut SummaryRow, u64);

/// The summary being filled, keyed by (county, stage); stage `""` holds
/// the county total.
pub(crate) struct SummaryTable {
    table: BTreeMap<(String, String), SummaryRow>,
    /// County code → name.
    names: HashMap<String, String>,
}

impl SummaryTable {
    pub fn new(names: HashMap<String, String>) -> SummaryTable {
        SummaryTable {
            table: BTreeMap::new(),
            names,
        }
    }

    /// One counted row: `n` of what `set` sets, for a county and stage.
    pub fn add(&mut self, county: String, stage: String, n: u64, set: SetCount) {
        let names = &self.names;
        let row = self
            .table
            .entry((county.clone(), stage.clone()))
            .or_insert_with(|| SummaryRow {
                county_name: names.get(&county).cloned().unwrap_or_default(),
                county: county.clone(),
                stage: Stage::from_code(&stage),
                ..SummaryRow::default()
            });
        set(row, n);
    }

    /// The rows in (county, stage) order, each county's total row holding
    /// the sums over its stages of classes, students and teachers.
    pub fn finish(mut self) -> Vec<SummaryRow> {
        let mut totals: HashMap<String, (u64, u64, u64)> = HashMap::new();
        for ((county, stage), row) in &self.table {
            if !stage.is_empty() {
                let t = totals.entry(county.clone()).or_default();
                t.0 += row.classes;
                t.1 += row.students;
                t.2 += row.teachers;
            }
        }
        for ((county, stage), row) in self.table.iter_mut() {
            if stage.is_empty() {
                if let Some((classes, students, teachers)) = totals.get(county) {
                    row.classes = *classes;
                    row.students = *students;
                    row.teachers = *teachers;
                }
            }
        }
        self.table.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_countys_total_row_sums_its_stages_and_rows_are_named_after_the_county() {
        let names = HashMap::from([("370102".to_owned(), "历下区".to_owned())]);
        let mut table = SummaryTable::new(names);
        table.add("370102".into(), "".into(), 3, |row, n| row.schools = n);
        table.add("370102".into(), "primary".into(), 40, |row, n| row.students = n);
        table.add("370102".into(), "junior".into(), 2, |row, n| row.students = n);
        table.add("370102".into(), "junior".into(), 5, |row, n| row.teachers = n);
        table.add("370103".into(), "".into(), 1, |row, n| row.schools = n);
        let rows = table.finish();
        let total = &rows[0];
        assert_eq!((total.county_name.as_str(), total.schools), ("历下区", 3));
        assert_eq!((total.students, total.teachers), (42, 5));
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[3].county_name, "");
    }
}
