//! The import page as an officer meets it (issue 11, point 7): a refused
//! file says first and plainly that nothing was imported; the form posts
//! with htmx and gets the outcome alone, so the chosen file stays chosen;
//! adding one pupil to a class is one students file with 班额随学生名单更新.

use std::time::Duration;

use registry::{IdNumber, SchoolYear};
use store::accounts::AccountStore;

use crate::{fixture, Browser, Resp, Server, Who};

const STUDENTS_HEADER: &str =
    "学年,学校标识码,学段,年级,班级,身份证号,姓名,性别,出生日期,户籍地代码,是否随迁子女,是否寄宿,视力,是否近视";

/// An upload as the page's form sends it, with or without htmx.
struct Upload<'a> {
    file_name: &'a str,
    content: &'a str,
    commit: bool,
    update_class_sizes: bool,
    htmx: bool,
}

impl Default for Upload<'_> {
    fn default() -> Self {
        Upload {
            file_name: "upload.csv",
            content: "",
            commit: false,
            update_class_sizes: false,
            htmx: false,
        }
    }
}

fn upload(browser: &Browser, csrf: &str, upload: Upload<'_>) -> Resp {
    let mut form = reqwest::multipart::Form::new().text("csrf", csrf.to_owned());
    if upload.commit {
        form = form.text("commit", "1");
    }
    if upload.update_class_sizes {
        form = form.text("update_class_sizes", "1");
    }
    let part = reqwest::multipart::Part::bytes(upload.content.as_bytes().to_vec())
        .file_name(upload.file_name.to_owned())
        .mime_str("text/csv")
        .unwrap();
    form = form.part("file", part);
    let mut request = browser
        .bare_with_cookies()
        .post(browser.url("/import"))
        .multipart(form);
    if upload.htmx {
        request = request.header("HX-Request", "true");
    }
    browser.send(request)
}

/// A classes file naming a school that does not exist: one row error.
const BAD_CLASSES: &str = "学年,学校标识码,学段,年级,班级,班额\n2024,2000000000,小学,一年级,1班,30\n";

/// Whether an answer is the outcome alone (what htmx swaps in), not a page.
fn is_fragment(text: &str) -> bool {
    !text.contains("<html") && !text.contains("id=\"upload\"")
}

#[test]
fn a_refused_file_says_first_that_nothing_was_imported_in_both_languages() {
    let server = Server::fresh("import-refused");
    let officer = Browser::as_role(&server, Who::County);
    let csrf = officer.csrf();
    let revision = server.store().registry_revision().unwrap();
    for commit in [false, true] {
        let bad = Upload {
            content: BAD_CLASSES,
            commit,
            ..Upload::default()
        };
        // Without JavaScript: the page again, the refusal above the errors.
        let page = upload(&officer, &csrf, Upload { ..bad });
        assert_eq!(page.status, 200);
        let text = page.text();
        let said = "文件未导入：发现 1 处错误，没有写入任何数据。请按下方列表修改后重新上传。";
        let at = text.find(said).unwrap_or_else(|| panic!("no {said:?} in {text}"));
        assert!(
            at < text.find("id=\"row-errors\"").unwrap(),
            "the refusal comes first"
        );
        assert!(text.contains("id=\"import-refused\""));
        assert!(text.contains("id=\"upload\""), "the form again");
        assert!(!text.contains("已导入"));
        // With htmx: the outcome alone, the same words, the same status.
        let swapped = upload(&officer, &csrf, Upload { htmx: true, ..bad });
        assert_eq!(swapped.status, 200);
        let fragment = swapped.text();
        assert!(is_fragment(&fragment), "{fragment}");
        assert!(fragment.contains(said), "{fragment}");
        assert!(fragment.contains("id=\"row-errors\""), "{fragment}");
    }
    // A file that cannot be read as a table at all.
    let unreadable = upload(
        &officer,
        &csrf,
        Upload {
            content: "序号,项目,金额\n1,a,2\n",
            commit: true,
            htmx: true,
            ..Upload::default()
        },
    );
    assert_eq!(unreadable.status, 200);
    assert!(
        unreadable.text().contains("文件未导入，没有写入任何数据。"),
        "{}",
        unreadable.text()
    );
    assert!(
        unreadable.text().contains("表头无法识别"),
        "{}",
        unreadable.text()
    );
    assert_eq!(server.store().registry_revision().unwrap(), revision);

    assert_eq!(officer.get("/lang/en").status, 303);
    let english = upload(
        &officer,
        &csrf,
        Upload {
            content: BAD_CLASSES,
            htmx: true,
            ..Upload::default()
        },
    );
    assert!(
        english
            .text()
            .contains("File not imported: 1 error(s) found, nothing was written."),
        "{}",
        english.text()
    );
}

#[test]
fn a_clean_check_says_it_wrote_nothing() {
    let server = Server::fresh("import-dry-run");
    let officer = Browser::as_role(&server, Who::County);
    let csrf = officer.csrf();
    let (file, _) =
        crate::hostile::promote_a_teacher(|school| fixture().county_schools.iter().any(|s| s == school));
    let revision = server.store().registry_revision().unwrap();
    let dry = upload(
        &officer,
        &csrf,
        Upload {
            content: &file,
            htmx: true,
            ..Upload::default()
        },
    );
    assert_eq!(dry.status, 200);
    let text = dry.text();
    assert!(is_fragment(&text), "{text}");
    assert!(text.contains("这只是校验，没有写入任何数据"), "{text}");
    assert!(!text.contains("文件未导入"), "{text}");
    assert_eq!(server.store().registry_revision().unwrap(), revision);
}

/// Error answers to htmx are the outcome too, escaped, with their status:
/// a wrong extension (400), a forged token (403) — never a page in a page.
#[test]
fn a_request_that_is_no_upload_is_answered_to_htmx_in_place() {
    let server = Server::fresh("import-htmx-errors");
    let officer = Browser::as_role(&server, Who::County);
    let csrf = officer.csrf();
    let wrong = upload(
        &officer,
        &csrf,
        Upload {
            file_name: "<b>x.txt",
            content: "a",
            htmx: true,
            ..Upload::default()
        },
    );
    assert_eq!(wrong.status, 400);
    let text = wrong.text();
    assert!(is_fragment(&text), "{text}");
    assert!(text.contains("文件未导入，没有写入任何数据。"), "{text}");
    assert!(text.contains("&lt;b&gt;x.txt"), "{text}");
    assert!(wrong.header("content-type").unwrap().starts_with("text/html"));
    let forged = upload(
        &officer,
        "forged",
        Upload {
            content: BAD_CLASSES,
            htmx: true,
            ..Upload::default()
        },
    );
    assert_eq!(forged.status, 403);
    assert!(forged.text().contains("表单已过期"), "{}", forged.text());
    assert!(is_fragment(&forged.text()));
    // Without htmx, as before: the plain refusal.
    let plain = upload(
        &officer,
        &csrf,
        Upload {
            file_name: "x.txt",
            content: "a",
            ..Upload::default()
        },
    );
    assert_eq!(plain.status, 400);
}

/// A full import queue is 503 with `Retry-After` to htmx as to the form,
/// and says nothing was imported (`app.js` swaps it in).
#[test]
fn a_full_queue_is_503_in_place_and_says_nothing_was_imported() {
    let server = Server::fresh_with(
        "import-queue-full",
        web::ServerConfig {
            import_slots: 1,
            import_queue: 1,
            ..web::ServerConfig::default()
        },
    );
    let county = Browser::as_role(&server, Who::County);
    let csrf = county.csrf();
    let slow = crate::hold_uploads(&server, &county, &csrf, 2);
    std::thread::sleep(Duration::from_millis(500));
    let full = upload(
        &county,
        &csrf,
        Upload {
            content: BAD_CLASSES,
            htmx: true,
            ..Upload::default()
        },
    );
    assert_eq!(full.status, 503, "{}", full.text());
    assert_eq!(full.header("retry-after").as_deref(), Some("30"));
    let text = full.text();
    assert!(is_fragment(&text), "{text}");
    assert!(text.contains("文件未导入，没有写入任何数据。"), "{text}");
    assert!(text.contains("导入排队已满"), "{text}");
    let page = upload(
        &county,
        &csrf,
        Upload {
            content: BAD_CLASSES,
            ..Upload::default()
        },
    );
    assert_eq!(page.status, 503);
    assert!(page.text().contains("id=\"upload\""), "the form again");
    drop(slow);
}

#[test]
fn the_form_posts_in_place_and_says_how_to_add_one_pupil() {
    let server = crate::shared();
    let officer = Browser::as_role(server, Who::School);
    let page = officer.get("/import");
    assert_eq!(page.status, 200);
    let text = page.text();
    for attribute in [
        "hx-post=\"/import\"",
        "hx-encoding=\"multipart/form-data\"",
        "hx-target=\"#import-outcome\"",
        "data-swap-errors",
        // The fallback without JavaScript.
        "method=\"post\" action=\"/import\" enctype=\"multipart/form-data\"",
        "id=\"import-outcome\"",
        "name=\"update_class_sizes\"",
    ] {
        assert!(text.contains(attribute), "no {attribute} in {text}");
    }
    assert!(text.contains(import_export::UPDATE_CLASS_SIZES_LABEL));
    assert!(
        text.contains("给某班新增一名学生：上传只含这名学生一行的学生表，勾选“班额随学生名单更新”"),
        "{text}"
    );
    assert!(!text.contains("<script>"), "no inline script (CSP)");
}

/// One class of the county officer's school with its pupils: the class and
/// a new pupil's row for it (a new identity number, the birth date, sex
/// and household of a classmate).
fn one_more_pupil(server: &Server, year: SchoolYear) -> (registry::Class, String) {
    let store = server.store();
    let school = &fixture().own_school;
    let mut pupils: Vec<(registry::Student, registry::Enrolment)> = Vec::new();
    let mut ids = std::collections::HashSet::new();
    store
        .for_each_student(year, &mut |s, e| {
            ids.insert(s.id_number.as_str().to_owned());
            if e.school.as_str() == school && e.class_name.is_some() {
                pupils.push((s, e));
            }
        })
        .unwrap();
    let (classmate, enrolment) = pupils.first().expect("a pupil of the officer's school").clone();
    let class = store
        .classes(year)
        .unwrap()
        .into_iter()
        .find(|c| {
            c.school == enrolment.school
                && c.grade == enrolment.grade
                && Some(&c.name) == enrolment.class_name.as_ref()
        })
        .unwrap();
    let area = &classmate.id_number.as_str()[..6];
    let id = (700..1000)
        .map(|seq| IdNumber::compose(area, classmate.birth_date, seq, classmate.sex))
        .find(|id| !ids.contains(id.as_str()))
        .unwrap();
    let row = format!(
        "{STUDENTS_HEADER}\n{},{},{},{},{},{},新同学,{},{},{},,,,\n",
        year.0,
        class.school,
        class.stage.label_zh(),
        class.grade.label_zh(),
        class.name,
        id.as_str(),
        classmate.sex.label_zh(),
        classmate.birth_date.format("%Y-%m-%d"),
        classmate.household_area,
    );
    (class, row)
}

/// Every class of the year with its size, and the pupils held.
fn registry_state(server: &Server, year: SchoolYear) -> (Vec<String>, usize) {
    let store = server.store();
    let mut classes: Vec<String> = store
        .classes(year)
        .unwrap()
        .iter()
        .map(|c| format!("{} {} {} {}", c.school, c.grade.0, c.name, c.size))
        .collect();
    classes.sort();
    let mut pupils = 0;
    store.for_each_student(year, &mut |_, _| pupils += 1).unwrap();
    (classes, pupils)
}

#[test]
fn one_more_pupil_is_one_students_file_with_the_class_size_option() {
    let server = Server::fresh("import-one-pupil");
    let year = *server.store().school_years().unwrap().last().unwrap();
    let (class, file) = one_more_pupil(&server, year);
    let officer = Browser::as_role(&server, Who::County);
    let csrf = officer.csrf();
    let before = registry_state(&server, year);

    // Without the option: refused, and the answer says how.
    let refused = upload(
        &officer,
        &csrf,
        Upload {
            file_name: "新生.csv",
            content: &file,
            commit: true,
            htmx: true,
            ..Upload::default()
        },
    );
    assert_eq!(refused.status, 200);
    let text = refused.text();
    assert!(
        text.contains("文件未导入：发现 1 处错误，没有写入任何数据。"),
        "{text}"
    );
    assert!(text.contains("id=\"class-size-hint\""), "{text}");
    let row_error = format!(
        "申报班额 {} 人，名单中有 {} 名学生。若名单正确（如新增学生），请勾选“班额随学生名单更新”后重新导入",
        class.size,
        class.size + 1
    );
    assert!(text.contains(&row_error), "no {row_error:?} in {text}");
    assert_eq!(registry_state(&server, year), before);

    // A check with the option: the size that would change, nothing written.
    let check = upload(
        &officer,
        &csrf,
        Upload {
            file_name: "新生.csv",
            content: &file,
            update_class_sizes: true,
            htmx: true,
            ..Upload::default()
        },
    );
    let text = check.text();
    assert!(text.contains("导入时班额将随学生名单更新：1 个班"), "{text}");
    assert_eq!(registry_state(&server, year), before);

    // With it: imported, the class one larger, its change listed.
    let done = upload(
        &officer,
        &csrf,
        Upload {
            file_name: "新生.csv",
            content: &file,
            commit: true,
            update_class_sizes: true,
            htmx: true,
        },
    );
    assert_eq!(done.status, 200);
    let text = done.text();
    assert!(text.contains("已导入 1 行"), "{text}");
    assert!(text.contains("班额已随学生名单更新：1 个班"), "{text}");
    let listed = format!("<td>{}</td><td>{}</td>", class.size, class.size + 1);
    assert!(text.contains(&listed), "no {listed:?} in {text}");

    // Nothing else changed: one class one larger, one pupil more.
    let (classes, pupils) = registry_state(&server, year);
    assert_eq!(pupils, before.1 + 1);
    let changed: Vec<(&String, &String)> = before.0.iter().zip(&classes).filter(|(b, a)| b != a).collect();
    let key = format!("{} {} {}", class.school, class.grade.0, class.name);
    assert_eq!(
        changed,
        [(
            &format!("{key} {}", class.size),
            &format!("{key} {}", class.size + 1)
        )]
    );
    let audit = server
        .store()
        .audit_log(&store::accounts::AuditQuery {
            actor: None,
            action: Some(store::AuditAction::Import),
            offset: 0,
            limit: 10,
        })
        .unwrap();
    let detail = &audit.entries[0].detail;
    assert!(
        detail.contains(&format!("班额随学生名单更新 1 个班：{}", class.school)),
        "{detail}"
    );
    assert!(
        detail.ends_with(&format!("{}→{}", class.size, class.size + 1)),
        "{detail}"
    );
}
