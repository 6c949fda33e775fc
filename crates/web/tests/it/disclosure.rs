//! The publication rule (issue 10, point 8): an area × stage made of fewer
//! than three schools shows no figures to a reader who may not see every
//! one of those schools — the public, another county's officer, a school
//! officer — and shows them to the city and to the county's own officer.

use registry::Stage;
use store::prelude::*;

use crate::{fixture, shared, Browser, Who, COUNTY, OTHER_COUNTY};

/// A stage of `myopia_rate` served by one or two schools of `county` (at
/// the test city's scale, senior high usually).
fn small_stage(county: &str) -> Stage {
    let store = fixture().base_store();
    let schools = store.schools().unwrap();
    let indicator = indicators::find("myopia_rate").unwrap();
    indicator
        .stages
        .iter()
        .copied()
        .find(|stage| {
            let n = schools
                .iter()
                .filter(|s| s.county.as_str() == county && s.stages.contains(stage))
                .count();
            (1..3).contains(&n)
        })
        .unwrap_or_else(|| panic!("no stage of {county} with fewer than three schools"))
}

/// The county's row of the city's drill-down, as `who` gets it from the API.
fn county_row(who: Who, county: &str, stage: Stage) -> serde_json::Value {
    let browser = Browser::as_role(shared(), who);
    let resp = browser.get(&format!(
        "/api/areas/3701?indicator=myopia_rate&stage={}",
        stage.code()
    ));
    assert_eq!(resp.status, 200, "{who:?}");
    let body = resp.json();
    body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["area"] == county)
        .cloned()
        .unwrap_or_else(|| panic!("{who:?}: no row of {county} in {body}"))
}

fn is_suppressed(row: &serde_json::Value) -> bool {
    row["suppressed"] == 3
        && row["value"].is_null()
        && row["numerator"].is_null()
        && row["denominator"].is_null()
        && row["change"].is_null()
}

#[test]
fn a_county_stage_of_one_or_two_schools_is_withheld_from_who_may_not_see_them_all() {
    // The county officer's own county.
    let stage = small_stage(COUNTY);
    for (who, withheld) in [
        (Who::Public, true),
        (Who::School, true),
        (Who::County, false),
        (Who::Analyst, false),
        (Who::Admin, false),
    ] {
        let row = county_row(who, COUNTY, stage);
        assert_eq!(is_suppressed(&row), withheld, "{who:?}: {row}");
        assert!(row["schools"].as_u64().unwrap() < 3, "{row}");
        if !withheld {
            assert!(
                row["value"].is_number() && row["numerator"].is_number(),
                "{who:?}: {row}"
            );
        }
    }
    // Another county's: its officer is not the demo county officer.
    let stage = small_stage(OTHER_COUNTY);
    for (who, withheld) in [(Who::County, true), (Who::Public, true), (Who::Admin, false)] {
        let row = county_row(who, OTHER_COUNTY, stage);
        assert_eq!(is_suppressed(&row), withheld, "{who:?}: {row}");
    }
}

#[test]
fn the_withheld_county_shows_dashes_and_the_note_on_every_page_and_the_api() {
    let stage = small_stage(OTHER_COUNTY).code();
    let public = Browser::new(shared());
    let note = "少于 3 所学校，不予公布";
    for path in [
        format!("/areas/3701?indicator=myopia_rate&stage={stage}"),
        format!("/areas/{OTHER_COUNTY}?indicator=myopia_rate&stage={stage}"),
        format!("/indicators/myopia_rate?area={OTHER_COUNTY}&stage={stage}"),
    ] {
        let resp = public.get(&path);
        assert_eq!(resp.status, 200, "{path}");
        assert!(resp.text().contains(note), "{path} without the note");
    }
    // The area's own value and its trend: no year gives the value away.
    let api = public
        .get(&format!(
            "/api/indicators/myopia_rate?area={OTHER_COUNTY}&stage={stage}"
        ))
        .json();
    assert!(is_suppressed(&api["value"]), "{}", api["value"]);
    assert!(
        api["trend"]["values"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v.is_null()),
        "{}",
        api["trend"]
    );
    // The city administrator sees the figures.
    let admin = Browser::as_role(shared(), Who::Admin)
        .get(&format!(
            "/api/indicators/myopia_rate?area={OTHER_COUNTY}&stage={stage}"
        ))
        .json();
    assert!(admin["value"]["value"].is_number(), "{}", admin["value"]);
    assert!(admin["value"].get("suppressed").is_none(), "{}", admin["value"]);
}

#[test]
fn the_indicator_workbook_withholds_the_same_rows() {
    let stage = small_stage(OTHER_COUNTY).code();
    let path = format!("/indicators/myopia_rate/export.xlsx?area=3701&stage={stage}");
    let public = Browser::new(shared()).get(&path);
    assert_eq!(public.status, 200);
    let admin = Browser::as_role(shared(), Who::Admin).get(&path);
    let cells = |bytes: &[u8]| -> String {
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let sheet = book.worksheet_range("指标值").unwrap();
        sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(cells(&public.bytes).contains("少于 3 所学校，不予公布"));
    assert!(!cells(&admin.bytes).contains("不予公布"));
}
