//! The school page (issue 11, point 3) and its export (point 5): the
//! summary shows the school's own indicator rows (the numbers the indicator
//! pages show), a stage over its seats is flagged, teachers are paged,
//! pagers and the search land on their own section and keep each other's
//! page, the search reads `二年级3班`, and the export holds classes and
//! figures — no person — under the page's scope refusal.

use registry::{SchoolCode, SchoolYear};

use crate::{fixture, is_refusal, shared, urlencode, Browser, Server, Who, COUNTY};

/// A card of the summary: (indicator, stage or "all", the value shown).
#[derive(Debug, Clone, PartialEq)]
struct Card {
    indicator: String,
    stage: String,
    value: String,
    over_seats: bool,
}

/// The text between `start` (after it) and the next `end`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    Some(&text[from..from + text[from..].find(end)?])
}

/// The summary's cards, read from the page.
fn cards(html: &str) -> Vec<Card> {
    let summary = between(html, r#"id="summary""#, "</section>").expect("the page has a summary");
    summary
        .replace(r#"<div class="cards""#, "")
        .split(r#"<div class="card"#)
        .skip(1)
        .map(|card| {
            let attribute = |name: &str| {
                between(card, &format!("{name}=\""), "\"")
                    .unwrap_or("all")
                    .to_owned()
            };
            let value = between(card, r#"<div class="value"#, "</div>")
                .and_then(|v| v.split_once('>'))
                .map(|(_, text)| text.to_owned())
                .expect("a card has a value");
            Card {
                indicator: attribute("data-indicator"),
                stage: attribute("data-stage"),
                value,
                over_seats: card.contains("超出学位"),
            }
        })
        .collect()
}

/// The school's row of `indicator` (and stage) as the indicator page's API
/// gives it for the school's township: (numerator, denominator, value).
fn indicator_row(
    browser: &Browser,
    indicator: &str,
    stage: &str,
    township: &str,
    school: &str,
) -> serde_json::Value {
    let stage = if stage == "all" {
        String::new()
    } else {
        format!("&stage={stage}")
    };
    let answer = browser
        .get(&format!("/api/indicators/{indicator}?area={township}{stage}"))
        .json();
    answer["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["school"] == school)
        .unwrap_or_else(|| panic!("{indicator} {stage}: no row for {school}"))
        .clone()
}

fn shown(value: &serde_json::Value, unit: indicators::Unit) -> String {
    indicators::report::format_value(unit, value.as_f64())
}

#[test]
fn the_summary_shows_the_schools_own_rows_of_the_indicator_pages() {
    let f = fixture();
    let admin = Browser::as_role(shared(), Who::Admin);
    let page = admin.get(&format!("/schools/{}", f.own_school));
    assert_eq!(page.status, 200);
    let cards = cards(&page.text());
    let kinds: Vec<&str> = cards.iter().map(|c| c.indicator.as_str()).collect();
    for wanted in ["seat_utilisation", "student_teacher_ratio"] {
        assert!(kinds.contains(&wanted), "no {wanted} card: {cards:?}");
    }
    // A 大班额 card: the headline's (primary and junior) or senior high's own.
    assert!(
        kinds.contains(&"large_class_share") || kinds.contains(&"senior_large_class_share"),
        "no 大班额 card: {cards:?}"
    );
    for card in &cards {
        let row = indicator_row(&admin, &card.indicator, &card.stage, &f.township, &f.own_school);
        let expected = match card.indicator.as_str() {
            "large_class_share" | "senior_large_class_share" => format!(
                "{} / {} 班",
                shown(&row["numerator"], indicators::Unit::Count),
                shown(&row["denominator"], indicators::Unit::Count)
            ),
            "seat_utilisation" => shown(&row["value"], indicators::Unit::Percent),
            "student_teacher_ratio" => shown(&row["value"], indicators::Unit::PerTeacher),
            other => panic!("unexpected card {other}"),
        };
        assert_eq!(card.value, expected, "{card:?} against {row}");
    }
    // Each figure links to its indicator page, where the school is a row.
    assert!(page.text().contains(&format!(
        "/indicators/seat_utilisation?area={}&amp;year=",
        f.township
    )));
}

#[test]
fn a_stage_over_its_seats_is_flagged_and_one_within_them_is_not() {
    let f = fixture();
    let server = Server::fresh("school-seats");
    let admin = Browser::as_role(&server, Who::Admin);
    let code = SchoolCode::parse(&f.own_school).unwrap();
    let set_seats = |seats: u32| {
        let mut school = server.store().school(&code).unwrap().unwrap();
        for (_, n) in &mut school.seats {
            *n = seats;
        }
        let changes = registry::ChangeSet {
            schools: vec![school],
            ..registry::ChangeSet::default()
        };
        server
            .store()
            .apply(&changes, store::ApplyOptions::default(), &mut |_, _| {})
            .unwrap();
    };
    let path = format!("/schools/{}", f.own_school);

    set_seats(100_000);
    let roomy = cards(&admin.get(&path).text());
    let seats: Vec<&Card> = roomy
        .iter()
        .filter(|c| c.indicator == "seat_utilisation")
        .collect();
    assert!(!seats.is_empty(), "{roomy:?}");
    assert!(seats.iter().all(|c| !c.over_seats), "{roomy:?}");

    // One seat a stage: every stage with students is over 100 %.
    set_seats(1);
    let text = admin.get(&path).text();
    let full = cards(&text);
    let seats: Vec<&Card> = full
        .iter()
        .filter(|c| c.indicator == "seat_utilisation")
        .collect();
    assert!(!seats.is_empty(), "{full:?}");
    for card in seats {
        assert!(card.over_seats, "{card:?}");
        let value: f64 = card.value.trim_end_matches('%').replace(',', "").parse().unwrap();
        assert!(value > 100.0, "{card:?}");
    }
    assert!(text.contains("card seat-utilisation over-seats"));
    // The seats table says it too.
    let table = between(&text, r#"id="seats""#, "</section>").unwrap();
    assert!(table.contains("超出学位"), "{table}");
}

/// A school of 370112 with more than a page of teachers, and its teachers.
fn school_with_many_teachers(server: &Server) -> (String, Vec<String>) {
    let f = fixture();
    let store = server.store();
    let year = *store.school_years().unwrap().last().unwrap();
    f.county_schools
        .iter()
        .map(|code| {
            let teachers = store
                .school_teachers(&SchoolCode::parse(code).unwrap(), year)
                .unwrap()
                .iter()
                .map(|(t, _)| registry::mask::name(&t.name))
                .collect::<Vec<_>>();
            (code.clone(), teachers)
        })
        .max_by_key(|(_, teachers)| teachers.len())
        .unwrap()
}

/// The masked names in the teachers' table.
fn teacher_names(html: &str) -> Vec<String> {
    let table = between(html, r#"id="teacher-table""#, "</table>").unwrap();
    table
        .split("<tr><td>")
        .skip(1)
        .map(|row| row[..row.find("</td>").unwrap()].to_owned())
        .collect()
}

#[test]
fn teachers_are_paged_and_their_pager_lands_on_the_teachers() {
    let server = shared();
    let (code, teachers) = school_with_many_teachers(server);
    let size = web::pages::school::TEACHER_PAGE_SIZE as usize;
    assert!(
        teachers.len() > size,
        "a school with more than a page of teachers"
    );
    let admin = Browser::as_role(server, Who::Admin);
    let first = admin.get(&format!("/schools/{code}")).text();
    assert_eq!(teacher_names(&first), teachers[..size]);
    // The heading counts them all.
    assert!(first.contains(&format!("<h2>教师 ({})</h2>", teachers.len())));
    let next = between(&first, r#"id="teachers-pager""#, "</div></div>").unwrap();
    let href = between(next, r#"rel="next" href=""#, "\"")
        .unwrap()
        .replace("&amp;", "&");
    assert!(href.contains("tpage=1") && href.ends_with("#teachers"), "{href}");

    let second = admin.get(href.split('#').next().unwrap()).text();
    let shown = teacher_names(&second);
    assert_eq!(shown, teachers[size..(2 * size).min(teachers.len())]);
    // A page past the end shows the last one.
    let last = admin.get(&format!("/schools/{code}?tpage=999999")).text();
    let pages = teachers.len().div_ceil(size);
    assert_eq!(teacher_names(&last), teachers[(pages - 1) * size..]);
}

#[test]
fn the_pagers_and_the_search_keep_each_others_state_and_land_on_their_section() {
    let f = fixture();
    let admin = Browser::as_role(shared(), Who::Admin);
    let year = shared().store().school_years().unwrap().last().unwrap().0;
    let html = admin
        .get(&format!(
            "/schools/{}?year={year}&q=1&page=1&tpage=1",
            f.own_school
        ))
        .text()
        .replace("&amp;", "&");
    let students = between(&html, r#"id="students-pager""#, "</div></div>").unwrap();
    assert!(
        students.contains(&format!(
            "/schools/{}?year={year}&q=1&page=0&tpage=",
            f.own_school
        )),
        "{students}"
    );
    for href in students.split("href=\"").skip(1) {
        let href = &href[..href.find('"').unwrap()];
        assert!(href.ends_with("#students") && href.contains("&q=1&"), "{href}");
    }
    let teachers = between(&html, r#"id="teachers-pager""#, "</div></div>").unwrap();
    for href in teachers.split("href=\"").skip(1) {
        let href = &href[..href.find('"').unwrap()];
        assert!(
            href.ends_with("#teachers") && href.contains("&q=1&page=1&"),
            "{href}"
        );
    }
    // The search lands on the students and keeps the teachers' page and the year.
    let search = between(&html, r#"id="student-search""#, "</form>").unwrap();
    assert!(search.contains(&format!(r#"action="/schools/{}#students""#, f.own_school)));
    assert!(search.contains(&format!(r#"name="year" value="{year}""#)));
    assert!(search.contains(r#"name="tpage" value=""#));
    // The full view's form carries the same search and lands on the students.
    let unmask = between(&html, r#"id="unmask""#, "</form>").unwrap();
    assert!(unmask.contains(&format!(r#"action="/schools/{}#students""#, f.own_school)));
    assert!(unmask.contains(r#"name="q" value="1""#));
    // The section bar links every section, and every section is there.
    for section in ["summary", "seats", "classes", "teachers", "students"] {
        assert!(html.contains(&format!(r##"href="#{section}""##)), "{section}");
        assert!(
            html.contains(&format!(r#"<section class="school-section" id="{section}">"#)),
            "{section}"
        );
    }
}

/// The (grade, class) cells of the students' table.
fn student_classes(html: &str) -> Vec<(String, String)> {
    let table = between(html, r#"id="student-table""#, "</table>").unwrap();
    let body = between(table, "<tbody>", "</tbody>").unwrap();
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let cells: Vec<&str> = row
                .split("<td>")
                .skip(1)
                .map(|c| &c[..c.find("</td>").unwrap()])
                .collect();
            (cells[3].to_owned(), cells[4].to_owned())
        })
        .collect()
}

#[test]
fn the_search_accepts_a_grade_and_class_as_a_teacher_says_it() {
    let f = fixture();
    let server = Server::fresh("school-search");
    let code = SchoolCode::parse(&f.own_school).unwrap();
    let year: SchoolYear = *server.store().school_years().unwrap().last().unwrap();
    let classes = server.store().school_classes(&code, year).unwrap();
    // A grade 2 class if the school has one (`二年级3班`), else its last class.
    let class = classes
        .iter()
        .find(|c| c.grade.0 == 2 && c.size > 0)
        .or_else(|| classes.iter().rev().find(|c| c.size > 0))
        .unwrap();
    let grade = class.grade.label_zh();
    let admin = Browser::as_role(&server, Who::Admin);
    for search in [
        format!("{grade}{}", class.name),
        format!("{grade} {}", class.name),
        format!("{grade}{}", class.name.trim_end_matches('班')),
    ] {
        let page = admin.get(&format!("/schools/{}?q={}", f.own_school, urlencode(&search)));
        assert_eq!(page.status, 200, "{search}");
        let html = page.text();
        assert_eq!(
            crate::heading_count(&html, "学生"),
            Some(u64::from(class.size)),
            "{search}: the class's students"
        );
        let found = student_classes(&html);
        assert!(!found.is_empty(), "{search}");
        assert!(
            found.iter().all(|(g, c)| *g == grade && *c == class.name),
            "{search}: {found:?}"
        );
    }
    // A grade alone: that grade's students, of every class.
    let of_grade: u32 = classes
        .iter()
        .filter(|c| c.grade == class.grade)
        .map(|c| c.size)
        .sum();
    let html = admin
        .get(&format!("/schools/{}?q={}", f.own_school, urlencode(&grade)))
        .text();
    assert_eq!(crate::heading_count(&html, "学生"), Some(u64::from(of_grade)));

    // The full view carries the same search.
    let csrf = admin.csrf();
    let search = format!("{grade}{}", class.name);
    let year_text = year.0.to_string();
    let full = admin.post_form(
        &format!("/schools/{}", f.own_school),
        &[
            ("csrf", &csrf),
            ("year", &year_text),
            ("q", &search),
            ("page", "0"),
        ],
    );
    assert_eq!(full.status, 200);
    let found = student_classes(&full.text());
    assert_eq!(found.len() as u32, class.size.min(50));
    assert!(
        found.iter().all(|(g, c)| *g == grade && *c == class.name),
        "{found:?}"
    );
}

#[test]
fn the_export_refuses_an_unknown_school_as_it_refuses_one_out_of_scope() {
    let f = fixture();
    assert!(f.foreign_school[1..7] != *COUNTY);
    // One session, so the pages' CSRF fields are the same.
    let county = Browser::as_role(shared(), Who::County);
    let export = |code: &str| {
        let resp = county.get(&format!("/schools/{code}/export.xlsx"));
        (resp.status, resp.text())
    };
    let out_of_scope = export(&f.foreign_school);
    assert_eq!(out_of_scope.0, 403);
    assert!(is_refusal(&out_of_scope.1));
    let unknown_code = format!("2{COUNTY}999");
    for unknown in [unknown_code.as_str(), "9999999999", "not-a-code"] {
        assert_eq!(export(unknown), out_of_scope, "{unknown}");
    }
    // The page refuses the same way.
    let page = county.get(&format!("/schools/{}", f.foreign_school));
    assert_eq!((page.status, page.text()), out_of_scope);
    // The public may not export a school at all.
    let public = Browser::as_role(shared(), Who::Public);
    assert_eq!(
        public
            .get(&format!("/schools/{}/export.xlsx", f.own_school))
            .status,
        403
    );
}

#[test]
fn the_export_holds_the_classes_and_the_summary_and_no_person() {
    use calamine::Reader;

    let f = fixture();
    let server = shared();
    let school = Browser::as_role(server, Who::School);
    let code = SchoolCode::parse(&f.own_school).unwrap();
    let store = server.store();
    let year = *store.school_years().unwrap().last().unwrap();
    let resp = school.get(&format!("/schools/{}/export.xlsx?year={}", f.own_school, year.0));
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.header("content-type").as_deref(),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let disposition = resp.header("content-disposition").unwrap();
    let name = store.school(&code).unwrap().unwrap().name;
    let file = format!("{name}-{}-班级与概况.xlsx", year.label_zh());
    assert_eq!(
        disposition,
        format!(
            "attachment; filename=\"school-{}-{}.xlsx\"; filename*=UTF-8''{}",
            f.own_school,
            year.0,
            urlencode(&file)
        )
    );

    let mut book = calamine::Xlsx::new(std::io::Cursor::new(resp.bytes.clone())).unwrap();
    let classes = store.school_classes(&code, year).unwrap();
    let class_sheet = book.worksheet_range("班级").unwrap();
    let rows: Vec<Vec<String>> = class_sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0], ["年级", "班级", "学段", "班额", "大班额"]);
    assert_eq!(rows.len(), classes.len() + 1);
    let large_min = indicators::Rules::default().large_class_min;
    for (row, class) in rows[1..].iter().zip(&classes) {
        assert_eq!(row[0], class.grade.label_zh());
        assert_eq!(row[1], class.name);
        assert_eq!(row[3], class.size.to_string());
        assert_eq!(row[4], if class.size >= large_min { "是" } else { "否" });
    }
    let summary = book.worksheet_range("概况").unwrap();
    let cells: Vec<String> = summary
        .cells()
        .map(|(_, _, c)| c.to_string())
        .chain(rows.concat())
        .collect();
    assert!(cells.contains(&"学位使用率".to_owned()), "{cells:?}");
    assert!(
        cells.contains(&"大班额比例".to_owned()) || cells.contains(&"普通高中大班额比例".to_owned()),
        "{cells:?}"
    );
    assert!(
        cells.contains(&f.own_school),
        "the school code is text: {cells:?}"
    );

    // No person: no student's or teacher's name or number in any cell.
    let mut people = Vec::new();
    for (s, _) in store.school_students(&code, year, None, 0, 100_000).unwrap() {
        people.push(s.name);
        people.push(s.id_number.as_str().to_owned());
    }
    for (t, _) in store.school_teachers(&code, year).unwrap() {
        people.push(t.name);
        people.push(t.id_number.as_str().to_owned());
    }
    assert!(people.len() > 10);
    for cell in &cells {
        assert!(!people.contains(cell), "a person in the export: {cell}");
        // Nor anything shaped like an identity number (17 digits in a row).
        let longest_digits = cell
            .split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        assert!(longest_digits < 17, "{cell}");
    }
}
