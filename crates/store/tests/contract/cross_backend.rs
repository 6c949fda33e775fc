//! A registry written through one backend and read through the other gives
//! the same indicator catalogue, value for value: a small demo city is
//! written into SQLite, read back through the traits and written into
//! PostgreSQL, then read back again into a second SQLite; the catalogue
//! computed from each store's snapshots is compared value by value.

use std::collections::BTreeMap;

use registry::ChangeSet;
use store::prelude::*;
use store::{ApplyOptions, DatabaseUrl};

use crate::harness::{pg_base, PgDatabase};
use crate::snapshots::canonical;
use crate::support::*;

/// The whole registry as one change set per school year, read through the
/// traits only (schools and births with the first year).
fn read_back(store: &dyn Store) -> Vec<ChangeSet> {
    let years = store.school_years().unwrap();
    years
        .iter()
        .enumerate()
        .map(|(i, year)| {
            let mut students = Vec::new();
            store
                .for_each_student(*year, &mut |s, e| students.push((s, e)))
                .unwrap();
            ChangeSet {
                schools: if i == 0 {
                    store.schools().unwrap()
                } else {
                    Vec::new()
                },
                facilities: store.facilities(*year).unwrap(),
                classes: store.classes(*year).unwrap(),
                students,
                teachers: store.teachers(*year).unwrap(),
                population: store.population(*year).unwrap(),
                births: if i == 0 {
                    store.births().unwrap()
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

fn write_all(store: &mut dyn Store, years: &[ChangeSet]) {
    for changes in years {
        assert!(committed(&apply(store, changes, checked())));
    }
}

/// Every value of the catalogue for every year, place, stage and grade,
/// keyed so that the order of places does not matter.
fn catalogue(store: &dyn Store) -> BTreeMap<String, [Option<f64>; 4]> {
    let years = store.school_years().unwrap();
    let snapshots: Vec<_> = years.iter().map(|y| store.year_snapshot(*y).unwrap()).collect();
    let computed = indicators::Computed::new(&snapshots, indicators::Rules::default());
    let values = computed.values(&indicators::Query {
        by_grade: true,
        ..indicators::Query::default()
    });
    let mut out = BTreeMap::new();
    for v in values {
        let place = computed.place(&v).map(|p| p.code.clone()).unwrap_or_default();
        let key = format!(
            "{:?} {} {:?} {} {:?} {:?} na={} schools={}",
            computed.school_year(&v),
            v.indicator.code,
            v.level,
            place,
            v.stage,
            v.grade,
            v.not_applicable,
            v.schools
        );
        let previous = out.insert(key.clone(), [Some(v.numerator), v.denominator, v.value, v.change]);
        assert!(previous.is_none(), "two values for {key}");
    }
    out
}

/// Equal up to the last bits of a sum taken in another order.
fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
        _ => false,
    }
}

fn assert_same_catalogue(a: &dyn Store, b: &dyn Store) -> usize {
    let (left, right) = (catalogue(a), catalogue(b));
    assert_eq!(
        left.keys().collect::<Vec<_>>(),
        right.keys().collect::<Vec<_>>(),
        "the same values are computed"
    );
    for (key, l) in &left {
        let r = &right[key];
        assert!(l.iter().zip(r).all(|(x, y)| same(*x, *y)), "{key}: {l:?} ≠ {r:?}");
    }
    left.len()
}

/// Needs PostgreSQL: named `…::postgres::…` so `cargo test postgres` runs it.
mod postgres {
    use super::*;

    #[test]
    fn a_registry_written_through_one_backend_and_read_through_the_other_gives_the_same_catalogue() {
        let Some(base) = pg_base() else {
            return;
        };
        let city = demo::DemoCity::generate(&demo::DemoConfig {
            scale: 0.005,
            ..demo::DemoConfig::default()
        })
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut sqlite = store::open(&DatabaseUrl::Sqlite(dir.path().join("a.db"))).unwrap();
        let years: Vec<ChangeSet> = city
            .school_years()
            .into_iter()
            .map(|y| city.school_year(y))
            .collect();
        let last = years.len() - 1;
        for (i, changes) in years.iter().enumerate() {
            let options = ApplyOptions {
                mark_demo: i == last,
                ..checked()
            };
            assert!(committed(&apply(&mut *sqlite, changes, options)));
        }

        let database = PgDatabase::create(&base);
        let mut pg = store::open(&DatabaseUrl::Postgres(database.url.clone())).unwrap();
        write_all(&mut *pg, &read_back(&*sqlite));
        let mut back = store::open(&DatabaseUrl::Sqlite(dir.path().join("b.db"))).unwrap();
        write_all(&mut *back, &read_back(&*pg));

        assert_eq!(pg.school_years().unwrap(), sqlite.school_years().unwrap());
        for year in sqlite.school_years().unwrap() {
            let expected = canonical(&sqlite.year_snapshot(year).unwrap());
            assert_eq!(
                canonical(&pg.year_snapshot(year).unwrap()),
                expected,
                "{year:?} on PostgreSQL"
            );
            assert_eq!(
                canonical(&back.year_snapshot(year).unwrap()),
                expected,
                "{year:?} back on SQLite"
            );
        }
        let values = assert_same_catalogue(&*sqlite, &*pg);
        assert!(values > 10_000, "{values} values");
        assert_same_catalogue(&*pg, &*back);
        eprintln!("{values} indicator values equal on SQLite and PostgreSQL");
    }
}
