//! Scenario files: the documented example parses into what it says; every
//! bad file is refused whole with a Chinese error naming the file and the
//! field (and the line where TOML knows it).

use forecast::scenario::{Averaging, BirthAssumption, MigrationAssumption, MigrationTiming};
use forecast::Scenario;
use registry::{AreaCode, Stage};

fn counties() -> Vec<AreaCode> {
    ["370102", "370103"]
        .iter()
        .map(|c| AreaCode::parse(c).unwrap())
        .collect()
}

fn parse(text: &str) -> Result<Scenario, String> {
    Scenario::parse_toml("方案.toml", text, &counties(), 2024).map_err(|e| e.to_string())
}

fn refused(text: &str, needles: &[&str]) {
    let error = parse(text).expect_err("must be refused");
    assert!(error.starts_with("方案文件 方案.toml："), "{error}");
    for needle in needles {
        assert!(error.contains(needle), "“{error}” lacks “{needle}”");
    }
}

/// The example of docs/forecast.md.
/// The example of docs/forecast.md, read from the page itself so the two
/// cannot drift apart: its first ```toml block.
fn documented_example() -> &'static str {
    const PAGE: &str = include_str!("../../../../docs/forecast.md");
    let start = PAGE
        .find("```toml\n")
        .expect("docs/forecast.md has a ```toml block")
        + "```toml\n".len();
    let len = PAGE[start..].find("```").expect("the block ends");
    &PAGE[start..start + len]
}

#[test]
fn the_documented_example_parses() {
    let s = parse(documented_example()).unwrap();
    assert_eq!(s.name, "出生回落、迁入减半");
    assert_eq!(s.until, 2030);
    assert_eq!(s.timing, MigrationTiming::HalfHalf);
    assert_eq!(s.averaging, Averaging::Weighted);
    assert_eq!(s.averaging_years, 4);
    assert_eq!(s.senior_transition, Some(0.62));
    assert_eq!(
        s.migration,
        MigrationAssumption::History {
            years: 3,
            factor: 0.5
        }
    );
    let BirthAssumption::Series { city, counties } = &s.births else {
        panic!("series expected")
    };
    assert_eq!(city.get(&2027), Some(&63000.0));
    assert_eq!(counties[&AreaCode::parse("370102").unwrap()][&2029], 8000.0);
    assert_eq!(s.class_size, [30, 45, 50, 50]);
    assert_eq!(s.closures[0].stage, Stage::Preschool);
    assert_eq!(s.closures[0].seats, 360);
    assert_eq!(s.extra_projects[0].seats, 1080);
    assert!(!s.describe_zh().is_empty());
}

#[test]
fn only_the_name_is_required_and_defaults_are_the_baseline() {
    let s = parse("name = \"基准\"").unwrap();
    assert_eq!(
        Scenario {
            name: Scenario::baseline().name,
            ..s
        },
        Scenario::baseline()
    );
    refused("until = 2030", &["缺少字段“name”"]);
}

#[test]
fn bad_files_get_clear_errors() {
    refused(
        "name = \"x\"\n[births]\nkind = \"series\"\n[births.city]\n2025 = -5\n",
        &["births.city.2025", "非负"],
    );
    refused(
        "name = \"x\"\n[births]\nkind = \"series\"\n[births.city]\n2025 = nan\n",
        &["births.city.2025"],
    );
    refused(
        "name = \"x\"\nuntil = 2028\n[births]\nkind = \"series\"\n[births.city]\n2025 = 1\n2027 = 1\n",
        &["births.city", "缺少 2026 年"],
    );
    refused(
        "name = \"x\"\nuntil = 2027\n[births]\nkind = \"series\"\n[births.counties.\"370199\"]\n2025 = 1\n2026 = 1\n",
        &["births.counties", "370199", "不在本市"],
    );
    refused(
        "name = \"x\"\n[[closures]]\ncounty = \"379999\"\nstage = \"小学\"\nseats = 1\nfrom_year = 2026\n",
        &["closures[1].county", "379999"],
    );
    refused("name = \"x\"\nuntil = 2020\n", &["until", "早于基年 2024"]);
    refused("name = \"x\"\nuntil = 2061\n", &["until", "2060"]);
    refused(
        "name = \"x\"\n[survival]\nfirst_year = 1.2\n",
        &["survival.first_year", "(0, 1]"],
    );
    refused(
        "name = \"x\"\n[survival]\nfirst_year = 0.0\n",
        &["survival.first_year"],
    );
    refused(
        "name = \"x\"\n[survival]\nby_age = [0.99]\n",
        &["survival.by_age", "18"],
    );
    refused("name = \"x\"\naveraging_years = 0\n", &["averaging_years"]);
    refused(
        "name = \"x\"\n[migration]\nkind = \"history\"\nyears = 0\n",
        &["migration.years"],
    );
    refused(
        "name = \"x\"\n[births]\nkind = \"trend\"\nrate = -1.5\n",
        &["births.rate"],
    );
    refused(
        "name = \"x\"\n[births]\nkind = \"trend\"\n",
        &["births.rate", "必填"],
    );
    refused(
        "name = \"x\"\n\n\ncolour = \"red\"\n",
        &["第 4 行", "未知字段“colour”"],
    );
    refused(
        "name = \"x\"\n[births]\nkind = \"guess\"\n",
        &["births.kind", "guess"],
    );
    refused("name = \"x\"\ntiming = \"later\"\n", &["timing"]);
    refused(
        "name = \"x\"\n[[closures]]\ncounty = \"370102\"\nstage = \"中职\"\nseats = 1\nfrom_year = 2026\n",
        &["closures[1].stage"],
    );
    refused("name = = \"x\"\n", &["第 1 行"]);
    let huge = format!("name = \"x\"\n#{}\n", "a".repeat(1024 * 1024));
    refused(&huge, &["超过上限 1 MB"]);
}

/// Numbers past any real city's and text that is not text: 1e300 births
/// overflowed the engine's sums, four billion seats its u32 sums, and a
/// name with an escape sequence or a bidi override reached pages,
/// workbooks and terminals as it was.
#[test]
fn hostile_numbers_and_text_are_refused() {
    refused(
        "name = \"x\"\nuntil = 2026\n[births]\nkind = \"series\"\n[births.city]\n2025 = 1e300\n",
        &["births.city.2025", "超过上限", "1e300"],
    );
    // Shown in exponent form: the refusal is a line, not 301 digits.
    let error = parse("name = \"x\"\n[migration]\nkind = \"history\"\nfactor = 1e300\n").unwrap_err();
    assert!(error.contains("1e300") && error.chars().count() < 80, "{error}");
    refused(
        "name = \"x\"\nuntil = 2026\n[births]\nkind = \"series\"\n[births.counties.\"370102\"]\n2025 = 20000000\n",
        &["births.counties", "370102", "2025", "超过上限"],
    );
    refused(
        "name = \"x\"\n[[closures]]\ncounty = \"370102\"\nstage = \"学前\"\nseats = 4000000000\nfrom_year = 2026\n",
        &["closures[1].seats", "超过上限"],
    );
    refused(
        "name = \"x\"\n[[projects]]\nname = \"p\"\ncounty = \"370102\"\nstage = \"小学\"\nseats = 4294967295\nfrom_year = 2026\n",
        &["projects[1].seats", "超过上限"],
    );
    refused("name = \"a\\u001b[31mb\"\n", &["name", "控制字符", "U+001B"]);
    refused("name = \"a\\u0000b\"\n", &["name", "U+0000"]);
    refused("name = \"abc\\u202Eexe.txt\"\n", &["name", "U+202E"]);
    refused(
        "name = \"x\"\n[[closures]]\ncounty = \"370102\"\nstage = \"学前\"\nseats = 1\nfrom_year = 2026\nnote = \"a\\u0007\"\n",
        &["closures[1].note", "U+0007"],
    );
    refused(
        "name = \"x\"\n[[projects]]\nname = \"p\\r\\nq\"\ncounty = \"370102\"\nstage = \"小学\"\nseats = 1\nfrom_year = 2026\n",
        &["projects[1].name", "U+000D"],
    );
    // The bounds themselves pass: a big city's births, a big school.
    let ok = parse(
        "name = \"大城市\"\nuntil = 2026\n[births]\nkind = \"series\"\n[births.city]\n2025 = 10000000\n[[projects]]\nname = \"新校\"\ncounty = \"370102\"\nstage = \"小学\"\nseats = 100000\nfrom_year = 2026\n",
    );
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn the_standard_set_has_five_named_scenarios() {
    let set = Scenario::standard_set();
    assert_eq!(set.len(), 5);
    assert_eq!(set[0].births, BirthAssumption::Trend { rate: -0.05 });
    assert_eq!(set[1], Scenario::baseline());
    assert_eq!(set[2].births, BirthAssumption::Trend { rate: 0.02 });
    assert_eq!(
        set[3].migration,
        MigrationAssumption::History {
            years: 3,
            factor: 1.5
        }
    );
    assert_eq!(
        set[4].migration,
        MigrationAssumption::History {
            years: 3,
            factor: 0.5
        }
    );
    let mut names: Vec<&str> = set.iter().map(|s| s.name.as_str()).collect();
    names.dedup();
    assert_eq!(names.len(), 5);
}
