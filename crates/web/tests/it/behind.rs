//! The schools behind a figure (issue 11, points 1, 2 and 5): the list of a
//! county's schools and 大班额 classes checked against the registry read
//! independently, scope (another county's officer refused, the public
//! shown no school), workbooks of every year under Chinese names, and the
//! context a drill-down keeps (indicator, breadcrumb, worst-first order).

use std::collections::{BTreeSet, HashMap};

use registry::{SchoolYear, Stage};
use store::prelude::*;

use crate::{fixture, is_refusal, shared, Browser, Server, Who, CITY, COUNTY, OTHER_COUNTY};

/// The stages the headline 大班额 counts (issue 12: the policy's, primary
/// and junior; senior high is `senior_large_class_count`).
const HEADLINE: &[Stage] = &[Stage::Primary, Stage::Junior];

/// One school of the county as the registry holds it in a year: classes of
/// the stages counted and those of 56 or more.
struct Counted {
    code: String,
    name: String,
    classes: u32,
    large: Vec<u32>,
}

/// The county's schools in `year`, counted from the store (not the engine):
/// their classes of the headline 大班额's stages.
fn counted(county: &str, year: SchoolYear) -> Vec<Counted> {
    counted_in(county, year, HEADLINE)
}

/// The same for the classes of `stages`.
fn counted_in(county: &str, year: SchoolYear, stages: &[Stage]) -> Vec<Counted> {
    let store = fixture().base_store();
    let schools = store.schools().unwrap();
    let mut by_code: HashMap<String, Counted> = schools
        .iter()
        .filter(|s| s.county.as_str() == county)
        .map(|s| {
            let code = s.code.as_str().to_owned();
            let counted = Counted {
                code: code.clone(),
                name: s.name.clone(),
                classes: 0,
                large: Vec::new(),
            };
            (code, counted)
        })
        .collect();
    for class in store.classes(year).unwrap() {
        if !stages.contains(&class.stage) {
            continue;
        }
        if let Some(school) = by_code.get_mut(class.school.as_str()) {
            school.classes += 1;
            if class.size >= 56 {
                school.large.push(class.size);
            }
        }
    }
    by_code.into_values().filter(|s| s.classes > 0).collect()
}

fn years() -> Vec<SchoolYear> {
    fixture().base_store().school_years().unwrap()
}

/// The year with the most 大班额 classes in the county (the test needs some).
fn crowded_year() -> SchoolYear {
    years()
        .into_iter()
        .max_by_key(|y| counted(COUNTY, *y).iter().map(|s| s.large.len()).sum::<usize>())
        .unwrap()
}

/// The part of a page from the element with `id` to the end of its table.
fn table<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let end = start + html[start..].find("</table>").unwrap();
    &html[start..end]
}

/// The school codes a table links to, in order.
fn linked_schools(part: &str) -> Vec<String> {
    part.match_indices("href=\"/schools/")
        .map(|(at, m)| {
            let rest = &part[at + m.len()..];
            rest[..rest.find(['?', '"']).unwrap()].to_owned()
        })
        .collect()
}

/// The stage column (the second cell) of each row of the classes table.
fn stage_cells(part: &str) -> Vec<String> {
    part.split("<tr>")
        .skip(2)
        .map(|row| {
            let second = row.find("</td>").unwrap() + "</td>".len();
            let cell = &row[second..];
            let open = cell.find('>').unwrap() + 1;
            cell[open..cell.find("</td>").unwrap()].to_owned()
        })
        .collect()
}

/// The number in a heading such as `<h2 id="x">学校 (12)</h2>`.
fn heading_number(html: &str, id: &str) -> usize {
    let start = html.find(&format!("id=\"{id}\"")).unwrap();
    let heading = &html[start..start + html[start..].find("</h2>").unwrap()];
    let open = heading.rfind('(').unwrap();
    heading[open + 1..heading.rfind(')').unwrap()].parse().unwrap()
}

/// Every row of a sheet as text cells.
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn a_countys_large_classes_list_exactly_its_schools_failing_first_and_worst_first() {
    let year = crowded_year();
    let admin = Browser::as_role(shared(), Who::Admin);
    let resp = admin.get(&format!(
        "/areas/{COUNTY}/schools?indicator=large_class_count&year={}",
        year.0
    ));
    assert_eq!(resp.status, 200);
    let html = resp.text();

    let mut expected = counted(COUNTY, year);
    // Failing (any 大班额 class) first, most large classes first, then by name.
    expected.sort_by(|a, b| {
        (a.large.is_empty(), std::cmp::Reverse(a.large.len()), &a.name).cmp(&(
            b.large.is_empty(),
            std::cmp::Reverse(b.large.len()),
            &b.name,
        ))
    });
    let failing = expected.iter().filter(|s| !s.large.is_empty()).count();
    assert!(failing > 0, "the fixture's county has 大班额 classes in {year:?}");
    let listed = linked_schools(table(&html, "schools-behind"));
    let codes: Vec<String> = expected.iter().map(|s| s.code.clone()).collect();
    assert_eq!(
        listed[..failing],
        codes[..failing],
        "failing schools, worst first"
    );
    assert_eq!(
        listed.iter().collect::<BTreeSet<_>>(),
        codes.iter().collect::<BTreeSet<_>>(),
        "exactly the county's schools with classes of those stages"
    );
    assert_eq!(heading_number(&html, "schools-heading"), expected.len());
    assert!(!listed.iter().any(|c| fixture().foreign_schools.contains(c)));

    // The classes behind the figure: every class of 56 or more, largest first.
    let mut sizes: Vec<u32> = expected.iter().flat_map(|s| s.large.clone()).collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(heading_number(&html, "classes-heading"), sizes.len());
    let classes = table(&html, "classes-behind");
    let shown: Vec<u32> = classes
        .split("<tr>")
        .skip(2)
        .map(|row| {
            let last = row.rfind("<td class=\"num\">").unwrap() + "<td class=\"num\">".len();
            row[last..last + row[last..].find('<').unwrap()].parse().unwrap()
        })
        .collect();
    assert_eq!(shown, sizes);
    // Only primary and junior classes: the headline counts no senior class.
    let stages = stage_cells(classes);
    assert_eq!(stages.len(), sizes.len());
    assert!(stages.iter().all(|s| s == "小学" || s == "初中"), "{stages:?}");
    // The value header says the table is sorted worst first (highest first).
    assert!(table(&html, "schools-behind").contains("data-dir=\"desc\""));
}

#[test]
fn the_headline_large_classes_leave_senior_high_out_and_senior_high_lists_its_own() {
    // A 十二年一贯制 school in the county with a 大班额 class in each stage.
    let server = Server::fresh("senior-large");
    let admin = Browser::as_role(&server, Who::Admin);
    let schools = "学校标识码,学校名称,所在区县代码,乡镇街道代码,学段,办学性质,是否普惠,优质园等级,城乡分类,学前学位,小学学位,初中学位,高中学位,中职学位,特教学位,教育集团,经度,纬度\n\
         2370112998,历城十二年一贯制学校,370112,,小学、初中、普通高中,公办,否,,城区,,600,500,400,,,,,\n";
    let year = server.store().school_years().unwrap().last().unwrap().0;
    let classes = format!(
        "学年,学校标识码,学段,年级,班级,班额\n\
         {year},2370112998,小学,一年级,1班,60\n\
         {year},2370112998,初中,七年级,1班,58\n\
         {year},2370112998,普通高中,高一,1班,57\n\
         {year},2370112998,普通高中,高一,2班,45\n"
    );
    let csrf = admin.csrf();
    for (name, file) in [("schools.csv", schools.to_owned()), ("classes.csv", classes)] {
        let commit = admin.post_upload(Some(&csrf), name, &file, true);
        assert!(commit.text().contains("已导入"), "{}", commit.text());
    }
    let behind = |indicator: &str| {
        admin
            .get(&format!(
                "/areas/{COUNTY}/schools?indicator={indicator}&year={year}"
            ))
            .text()
    };
    let stages_of = |html: &str| stage_cells(table(html, "classes-behind"));
    // The headline: the school's primary and junior classes (and whatever
    // the county had), never its senior one.
    // The base copy's large classes of the year (read from the registry), and the two added.
    let expected: usize = counted(COUNTY, SchoolYear(year))
        .iter()
        .map(|s| s.large.len())
        .sum::<usize>()
        + 2;
    let headline = behind("large_class_count");
    assert_eq!(heading_number(&headline, "classes-heading"), expected);
    let stages = stages_of(&headline);
    assert!(stages.iter().all(|s| s == "小学" || s == "初中"), "{stages:?}");
    assert!(stages.len() >= 2);
    // Senior high: its own indicator lists the one senior class of 56+.
    let senior = behind("senior_large_class_count");
    assert_eq!(heading_number(&senior, "classes-heading"), 1);
    assert_eq!(stages_of(&senior), ["普通高中"]);
    // The county's figures agree: the headline total is the classes listed
    // behind it, the senior one the senior class.
    let value = |indicator: &str, stage: &str| {
        let api = admin
            .get(&format!(
                "/api/indicators/{indicator}?area={COUNTY}&year={year}&stage={stage}"
            ))
            .json();
        let wanted = match stage {
            "" => serde_json::Value::Null,
            s => serde_json::Value::from(s),
        };
        assert_eq!(api["value"]["stage"], wanted, "{api}");
        api["value"]["value"].as_f64()
    };
    assert_eq!(value("large_class_count", ""), Some(expected as f64));
    assert_eq!(value("senior_large_class_count", "senior"), Some(1.0));
    // The school's page: the headline card counts its primary and junior
    // classes, a card of its own the senior ones.
    let page = admin.get(&format!("/schools/2370112998?year={year}")).text();
    let card = |id: &str| {
        let at = page
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no #{id}"));
        let value = &page[at..];
        let value = &value[value.find("class=\"value").unwrap()..];
        value[value.find('>').unwrap() + 1..value.find("</div>").unwrap()].to_owned()
    };
    assert_eq!(card("card-large-classes"), "2 / 2 班");
    assert_eq!(card("card-senior-large-classes"), "1 / 2 班");
}

#[test]
fn a_county_officer_cannot_list_another_countys_schools_as_if_it_did_not_exist() {
    let officer = Browser::as_role(shared(), Who::County);
    let other = officer.get(&format!(
        "/areas/{OTHER_COUNTY}/schools?indicator=large_class_count"
    ));
    let nowhere = officer.get("/areas/370199/schools?indicator=large_class_count");
    assert_eq!(other.status, 403);
    assert_eq!(nowhere.status, 403);
    assert!(is_refusal(&other.text()) && is_refusal(&nowhere.text()));
    assert_eq!(other.text(), nowhere.text(), "the same refusal either way");
    for path in [
        format!("/areas/{OTHER_COUNTY}/schools.xlsx?year=all"),
        "/areas/370199/schools.xlsx".to_owned(),
    ] {
        assert_eq!(officer.get(&path).status, 403, "{path}");
    }
    // The officer's own county lists its schools, and none of another's.
    let own = officer.get(&format!("/areas/{COUNTY}/schools?indicator=class_count"));
    assert_eq!(own.status, 200);
    let listed = linked_schools(table(&own.text(), "schools-behind"));
    assert!(listed.contains(&fixture().own_school), "{listed:?}");
    assert!(!listed.iter().any(|c| fixture().foreign_schools.contains(c)));
    // A school officer lists its own school only.
    let school = Browser::as_role(shared(), Who::School)
        .get(&format!("/areas/{COUNTY}/schools?indicator=class_count"));
    assert_eq!(school.status, 200);
    assert_eq!(
        linked_schools(table(&school.text(), "schools-behind")),
        vec![fixture().own_school.clone()]
    );
}

#[test]
fn the_public_is_told_the_schools_are_not_published_and_sees_no_school_nor_count() {
    let public = Browser::new(shared());
    let resp = public.get(&format!("/areas/{COUNTY}/schools?indicator=large_class_count"));
    assert_eq!(resp.status, 200);
    let html = resp.text();
    assert!(html.contains("id=\"schools-not-published\""), "{html}");
    assert!(!html.contains("href=\"/schools/"));
    assert!(!html.contains("schools-heading") && !html.contains("classes-heading"));
    for code in &fixture().county_schools {
        assert!(!html.contains(code.as_str()), "{code} shown to the public");
    }
    assert_eq!(public.get(&format!("/areas/{COUNTY}/schools.xlsx")).status, 403);
    // Nor is the way there offered to the public.
    let area = public
        .get(&format!("/areas/{COUNTY}?indicator=large_class_count"))
        .text();
    assert!(!area.contains("/schools?"), "no link to the schools behind");
}

#[test]
fn the_exports_of_every_year_hold_every_year_under_a_chinese_name() {
    let years = years();
    let (first, last) = (years[0].0, years[years.len() - 1].0);
    let admin = Browser::as_role(shared(), Who::Admin);

    let resp = admin.get(&format!(
        "/areas/{COUNTY}/schools.xlsx?indicator=large_class_count&year=all"
    ));
    assert_eq!(resp.status, 200);
    let disposition = resp.header("content-disposition").unwrap();
    let chinese = format!("历城区-大班额班级数-学校明细-{first}至{last}学年.xlsx");
    assert!(
        disposition.contains(&format!("filename*=UTF-8''{}", crate::urlencode(&chinese))),
        "{disposition}"
    );
    assert!(
        disposition.contains(&format!(
            "filename=\"large_class_count-{COUNTY}-schools-{first}-{last}.xlsx\""
        )),
        "{disposition}"
    );
    let schools = sheet(&resp.bytes, "学校明细");
    let held: BTreeSet<u16> = schools[1..].iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(
        held,
        years.iter().map(|y| y.0).collect(),
        "a row per school and year"
    );
    for year in &years {
        let rows = schools[1..].iter().filter(|r| r[0] == year.0.to_string()).count();
        assert_eq!(rows, counted(COUNTY, *year).len(), "{year:?}");
    }
    let classes = sheet(&resp.bytes, "班级明细");
    for year in &years {
        let rows = classes[1..].iter().filter(|r| r[0] == year.0.to_string()).count();
        let expected: usize = counted(COUNTY, *year).iter().map(|s| s.large.len()).sum();
        assert_eq!(rows, expected, "{year:?}");
    }

    let resp = admin.get(&format!(
        "/indicators/large_class_count/export.xlsx?area={COUNTY}&year=all"
    ));
    assert_eq!(resp.status, 200);
    let disposition = resp.header("content-disposition").unwrap();
    let chinese = format!("历城区-大班额班级数-{first}至{last}学年.xlsx");
    assert!(
        disposition.contains(&crate::urlencode(&chinese)) && disposition.contains("filename=\""),
        "{disposition}"
    );
    let values = sheet(&resp.bytes, "指标值");
    let held: BTreeSet<u16> = values[1..].iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(held, years.iter().map(|y| y.0).collect());
    // One year by default, named as the school year.
    let one = admin.get(&format!(
        "/indicators/large_class_count/export.xlsx?area={COUNTY}&year={last}"
    ));
    let held: BTreeSet<String> = sheet(&one.bytes, "指标值")[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(held, BTreeSet::from([last.to_string()]));
    assert!(one
        .header("content-disposition")
        .unwrap()
        .contains(&crate::urlencode(&format!("{last}—{}学年", last + 1))));
    // A year that is neither a number nor `all` is a bad request.
    let every = admin.get("/indicators/large_class_count/export.xlsx?year=every");
    assert_eq!(every.status, 400);
    // Said in Chinese, naming the parameter and the value.
    let text = every.text();
    assert!(text.contains("year=“every”") && text.contains("学年"), "{text}");
    assert!(!text.contains("Failed to deserialize"), "{text}");
}

#[test]
fn drill_links_keep_the_indicator_and_stage_chosen() {
    let admin = Browser::as_role(shared(), Who::Admin);
    let html = admin
        .get(&format!("/areas/{CITY}?indicator=myopia_rate&stage=primary"))
        .text();
    let drill = table(&html, "drill-table");
    let links: Vec<&str> = drill.split("href=\"").skip(1).collect();
    assert!(!links.is_empty());
    for link in links {
        assert!(
            link.starts_with("/areas/") && link.contains("indicator=myopia_rate&amp;stage=primary"),
            "{link}"
        );
    }
    let indicator = admin
        .get(&format!("/indicators/seat_utilisation?area={COUNTY}"))
        .text();
    for link in table(&indicator, "values").split("href=\"").skip(1) {
        assert!(link.contains("indicator=seat_utilisation"), "{link}");
    }
    // The overview's ranking opens a county's drill-down of 大班额, and
    // from there the schools behind it are one click.
    let overview = admin.get("/").text();
    let ranking = table(&overview, "ranking");
    assert!(ranking.contains(&format!("href=\"/areas/{COUNTY}?year=")));
    for link in ranking.split("href=\"").skip(1) {
        assert!(link.contains("indicator=large_class_count"), "{link}");
    }
    let by_share = admin.get("/?rank=share").text();
    assert!(table(&by_share, "ranking").contains("indicator=large_class_share"));
    let county = admin
        .get(&format!("/areas/{COUNTY}?indicator=large_class_count"))
        .text();
    assert!(
        county.contains(&format!("href=\"/areas/{COUNTY}/schools?year=")),
        "查看学校明细"
    );
    // A ratio to the population has no school behind it: no link.
    let ratio = admin
        .get(&format!(
            "/areas/{COUNTY}?indicator=preschool_gross_enrolment_ratio"
        ))
        .text();
    assert!(!ratio.contains("/schools?"));
}

#[test]
fn the_breadcrumb_runs_city_county_township_and_keeps_the_figure() {
    let f = fixture();
    let admin = Browser::as_role(shared(), Who::Admin);
    let html = admin
        .get(&format!(
            "/areas/{}?indicator=class_count&stage=primary",
            f.township
        ))
        .text();
    let start = html.find("id=\"breadcrumb\"").unwrap();
    let crumbs = &html[start..start + html[start..].find("</nav>").unwrap()];
    let city = crumbs.find(&format!("href=\"/areas/{CITY}?year=")).unwrap();
    let county = crumbs.find(&format!("href=\"/areas/{COUNTY}?year=")).unwrap();
    assert!(city < county, "{crumbs}");
    assert!(crumbs.contains("济南市") && crumbs.contains("历城区"), "{crumbs}");
    assert_eq!(
        crumbs.matches("indicator=class_count&amp;stage=primary").count(),
        2,
        "{crumbs}"
    );
    assert!(crumbs.contains("aria-current=\"page\""));
    // Behind the township's figure, the township is a link and 学校明细 follows.
    let behind = admin
        .get(&format!("/areas/{}/schools?indicator=class_count", f.township))
        .text();
    let start = behind.find("id=\"breadcrumb\"").unwrap();
    let crumbs = &behind[start..start + behind[start..].find("</nav>").unwrap()];
    assert!(
        crumbs.contains(&format!("href=\"/areas/{}?year=", f.township)),
        "{crumbs}"
    );
    assert!(
        crumbs.ends_with("<span aria-current=\"page\">学校明细</span>"),
        "{crumbs}"
    );
}

#[test]
fn tables_open_worst_first_and_say_so() {
    let admin = Browser::as_role(shared(), Who::Admin);
    // Lower is better: the most 大班额 first; higher is better: the lowest first.
    for (indicator, dir) in [("large_class_count", "desc"), ("inclusive_coverage", "asc")] {
        let html = admin.get(&format!("/areas/{CITY}?indicator={indicator}")).text();
        let drill = table(&html, "drill-table");
        assert!(drill.contains(&format!("data-dir=\"{dir}\"")), "{indicator}");
        let values: Vec<f64> = drill
            .split("data-sort=\"")
            .skip(1)
            .filter_map(|v| v[..v.find('"').unwrap()].parse().ok())
            .collect();
        let mut sorted = values.clone();
        sorted.sort_by(|a, b| {
            if dir == "desc" {
                b.total_cmp(a)
            } else {
                a.total_cmp(b)
            }
        });
        // Failing rows come first; within the counties here no line splits
        // the order of a count, and coverage fails from the lowest up.
        assert_eq!(values, sorted, "{indicator}");
    }
}

#[test]
fn a_printed_page_carries_its_title_time_scope_and_source() {
    let year = years().last().unwrap().0;
    let public = Browser::new(shared())
        .get(&format!("/areas/{COUNTY}?year={year}"))
        .text();
    assert!(public.contains("class=\"print-only print-heading\""));
    assert!(public.contains(&format!("数据来源：学籍与教师登记数据，{year}—{}学年", year + 1)));
    assert!(public.contains("数据范围：公开数据"));
    let county = Browser::as_role(shared(), Who::County).get("/").text();
    assert!(
        county.contains("数据范围：济南市 历城区 · 区县数据员"),
        "the officer's area and role"
    );
}
