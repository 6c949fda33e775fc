//! Assembling a [`YearSnapshot`] from a backend's rows, the same on every
//! store: area codes and school groups numbered in order of first sight,
//! database ids of schools and classes mapped to snapshot indices, seats
//! set per stage, and the areas named at the end. The backends only run
//! their queries and read each row's columns.

use std::collections::HashMap;

use registry::snapshot::{AreaRef, ClassRow, SchoolRow, YearSnapshot, NONE};
use registry::{AreaCode, AreaLevel, SchoolYear};
use rustc_hash::FxHashMap;

use crate::{Result, StoreError};

/// A snapshot being filled row by row.
pub(crate) struct SnapshotAssembly {
    pub snapshot: YearSnapshot,
    counties: Interner,
    townships: Interner,
    groups: HashMap<String, u32>,
    // Looked up once per student and teacher: integer keys, a fast hash.
    school_index: FxHashMap<i64, u32>,
    class_index: FxHashMap<i64, u32>,
}

impl SnapshotAssembly {
    pub fn new(year: SchoolYear) -> SnapshotAssembly {
        SnapshotAssembly {
            snapshot: YearSnapshot {
                school_year: year,
                ..YearSnapshot::default()
            },
            counties: Interner::default(),
            townships: Interner::default(),
            groups: HashMap::new(),
            school_index: FxHashMap::default(),
            class_index: FxHashMap::default(),
        }
    }

    /// The index of a county code.
    pub fn county(&mut self, code: &str) -> u32 {
        self.counties.index(code)
    }

    /// The index of a township code, [`NONE`] without one.
    pub fn township(&mut self, code: Option<&str>) -> u32 {
        code.map_or(NONE, |code| self.townships.index(code))
    }

    /// The index of a school group's name, [`NONE`] without one.
    pub fn school_group(&mut self, name: Option<&str>) -> u32 {
        let Some(name) = name else { return NONE };
        let groups = &mut self.snapshot.school_groups;
        *self.groups.entry(name.to_owned()).or_insert_with(|| {
            groups.push(name.to_owned());
            (groups.len() - 1) as u32
        })
    }

    /// Adds a school read under database id `id`.
    pub fn push_school(&mut self, id: i64, row: SchoolRow) {
        self.school_index.insert(id, self.snapshot.schools.len() as u32);
        self.snapshot.schools.push(row);
    }

    /// Marks that the school of database id `school` serves the stage of
    /// index `stage`, with `seats` (read only when the school is known).
    pub fn school_stage(
        &mut self,
        school: i64,
        stage: usize,
        seats: impl FnOnce() -> Result<u32>,
    ) -> Result<()> {
        let school = self
            .school_index
            .get(&school)
            .and_then(|i| self.snapshot.schools.get_mut(*i as usize));
        if let Some(school) = school {
            if let (Some(serves), Some(slot)) = (school.serves.get_mut(stage), school.seats.get_mut(stage)) {
                *serves = true;
                *slot = seats()?;
            }
        }
        Ok(())
    }

    /// The snapshot index of the school of database id `id`, [`NONE`] if unknown.
    pub fn school_of(&self, id: i64) -> u32 {
        self.school_index.get(&id).copied().unwrap_or(NONE)
    }

    /// Adds a class read under database id `id`.
    pub fn push_class(&mut self, id: i64, row: ClassRow) {
        self.class_index.insert(id, self.snapshot.classes.len() as u32);
        self.snapshot.classes.push(row);
    }

    /// The snapshot index of the class of database id `id`, [`NONE`]
    /// without a class or when unknown.
    pub fn class_of(&self, id: Option<i64>) -> u32 {
        id.and_then(|id| self.class_index.get(&id).copied())
            .unwrap_or(NONE)
    }

    /// The index of a township code seen in a population row.
    pub fn population_township(&mut self, code: &str) -> u32 {
        self.townships.index(code)
    }

    /// The finished snapshot, its counties and townships named by
    /// `names` (given the codes, their names; a code it leaves out gets an
    /// empty name) and the city taken from the first county.
    pub fn finish(
        self,
        mut names: impl FnMut(&[String]) -> Result<HashMap<String, String>>,
    ) -> Result<YearSnapshot> {
        let mut snapshot = self.snapshot;
        snapshot.counties = area_refs(self.counties.codes, &mut names)?;
        snapshot.townships = area_refs(self.townships.codes, &mut names)?;
        snapshot.city = snapshot
            .counties
            .first()
            .and_then(|c| c.code.ancestor(AreaLevel::City));
        Ok(snapshot)
    }
}

/// The codes with their names, in the codes' order.
fn area_refs(
    codes: Vec<String>,
    names: &mut impl FnMut(&[String]) -> Result<HashMap<String, String>>,
) -> Result<Vec<AreaRef>> {
    let mut names = names(&codes)?;
    codes
        .into_iter()
        .map(|text| {
            let code = AreaCode::parse(&text).map_err(|e| StoreError::Corrupt(e.0))?;
            Ok(AreaRef {
                code,
                name: names.remove(&text).unwrap_or_default(),
            })
        })
        .collect()
}

/// Area codes numbered in order of first sight.
#[derive(Default)]
struct Interner {
    codes: Vec<String>,
    index: HashMap<String, u32>,
}

impl Interner {
    fn index(&mut self, code: &str) -> u32 {
        if let Some(i) = self.index.get(code) {
            return *i;
        }
        self.codes.push(code.to_owned());
        let i = (self.codes.len() - 1) as u32;
        self.index.insert(code.to_owned(), i);
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_groups_are_numbered_in_order_of_first_sight() {
        let mut a = SnapshotAssembly::new(SchoolYear(2024));
        assert_eq!(a.county("130102"), 0);
        assert_eq!(a.county("130104"), 1);
        assert_eq!(a.county("130102"), 0);
        assert_eq!(a.township(None), NONE);
        assert_eq!(a.school_group(Some("一集团")), 0);
        assert_eq!(a.school_group(Some("二集团")), 1);
        assert_eq!(a.school_group(Some("一集团")), 0);
        assert_eq!(a.school_group(None), NONE);
        assert_eq!(a.snapshot.school_groups, ["一集团", "二集团"]);
    }

    #[test]
    fn unknown_ids_map_to_none() {
        let mut a = SnapshotAssembly::new(SchoolYear(2024));
        assert_eq!(a.school_of(7), NONE);
        assert_eq!(a.class_of(Some(7)), NONE);
        assert_eq!(a.class_of(None), NONE);
        // Seats of an unknown school are not even read.
        a.school_stage(7, 0, || panic!("read")).unwrap();
    }

    #[test]
    fn areas_are_named_in_code_order_and_unnamed_codes_get_an_empty_name() {
        let mut a = SnapshotAssembly::new(SchoolYear(2024));
        a.county("130104");
        a.county("130102");
        let snapshot = a
            .finish(|codes| {
                Ok(codes
                    .iter()
                    .filter(|c| *c == "130102")
                    .map(|c| (c.clone(), "长安区".to_owned()))
                    .collect())
            })
            .unwrap();
        let names: Vec<_> = snapshot.counties.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["", "长安区"]);
        assert_eq!(
            snapshot.city,
            AreaCode::parse("130104").unwrap().ancestor(AreaLevel::City)
        );
        assert!(snapshot.city.is_some());
    }
}
