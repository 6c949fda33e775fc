//! A school's page: a summary of its figures (大班额, 学位使用率, 生师比 —
//! the school's own rows of the computed indicators), stages and seats,
//! classes with sizes (大班额 highlighted), teachers paged, and its students
//! paged and searchable (`二年级3班`, `张*明`) — names and identity numbers
//! masked. Sections are plain anchors (`#summary`, `#seats`, `#classes`,
//! `#teachers`, `#students`) behind a bar of links, and each pager or
//! search lands on its own section, keeping the other's page and the year.
//! The export (`/schools/{code}/export.xlsx`) holds the classes and the
//! summary, no person.

use std::sync::Arc;

use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use indicators::report::{format_number, format_row_value, Row};
use maud::{html, Markup, PreEscaped};
use registry::{SchoolCode, SchoolYear, Stage};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::{t, tf, Lang, Msg};
use crate::layout::{forbidden, page};
use crate::pages::{
    area_name, choose_year, grade_name, indicator_name, stage_name, urlencode, vocab, year_label, year_select,
};
use crate::state::{AppState, Indicators};
use crate::views::{over_seats, SchoolRecords, SchoolSummary};

/// Students a page shows.
pub const PAGE_SIZE: u64 = 50;
/// Teachers a page shows (paged in memory: the list is cached with the
/// records). Fewer than students: the teachers' section sits above the
/// students', which stays a short scroll away.
pub const TEACHER_PAGE_SIZE: u64 = 25;

#[derive(Debug, Default, serde::Deserialize)]
pub struct SchoolQuery {
    pub year: Option<u16>,
    pub q: Option<String>,
    /// The page of students (counted from 0).
    pub page: Option<u64>,
    /// The page of teachers (counted from 0).
    pub tpage: Option<u64>,
}

/// What a school's page shows.
pub struct SchoolData {
    pub records: Arc<SchoolRecords>,
    /// Students the search matches (all of them without one).
    pub students_total: u64,
    /// The page of students shown (counted from 0): the one asked for, or
    /// the last one when that lies past the end.
    pub page: u64,
    pub students: Vec<(registry::Student, registry::Enrolment)>,
}

impl std::ops::Deref for SchoolData {
    type Target = SchoolRecords;
    fn deref(&self) -> &SchoolRecords {
        &self.records
    }
}

/// What a page of students past the end shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PastEnd {
    /// The last page (a person following a stale or hand-written link).
    Last,
    /// No rows (an API client reading pages until an empty one).
    Empty,
}

/// The page of students a request asks for.
pub struct StudentsAsked {
    pub search: Option<String>,
    /// Counted from 0; none is the first.
    pub page: Option<u64>,
    pub past_end: PastEnd,
}

/// A school's records of a year if the principal may see the school;
/// `None` both when it does not exist and when it is out of scope, so a URL
/// does not reveal which.
pub async fn records(
    state: &AppState,
    ind: &Indicators,
    ctx: &Ctx,
    code: &str,
    year: SchoolYear,
) -> Result<Option<Arc<SchoolRecords>>, WebError> {
    let Ok(code) = SchoolCode::parse(code) else {
        return Ok(None);
    };
    let key = (code.as_str().to_owned(), year.0);
    let records = match ind.schools.get(&key) {
        Some(found) => found,
        None => {
            let read = state
                .with_store(move |s| {
                    let Some(school) = s.school(&code)? else {
                        return Ok(None);
                    };
                    let classes = s.school_classes(&code, year)?;
                    let teachers = s.school_teachers(&code, year)?;
                    let enrolled = s.school_student_count(&code, year, None)?;
                    Ok(Some((school, classes, teachers, enrolled)))
                })
                .await?;
            // Unknown codes are not remembered: guessing URLs must not fill
            // the cache.
            let Some((school, classes, teachers, enrolled)) = read else {
                return Ok(None);
            };
            let summary = SchoolSummary::assemble(&ind.computed, &school, year);
            let read = Arc::new(SchoolRecords::new(school, classes, teachers, enrolled, summary));
            ind.schools.insert(key, read.clone());
            read
        }
    };
    if !ctx
        .principal
        .can_view_school(&records.school.code, &records.school.county)
    {
        return Ok(None);
    }
    Ok(Some(records))
}

/// Reads a school's records and a page of its students if the principal
/// may see the school; `None` as for [`records`].
pub async fn load(
    state: &AppState,
    ind: &Indicators,
    ctx: &Ctx,
    code: &str,
    year: SchoolYear,
    asked: StudentsAsked,
) -> Result<Option<SchoolData>, WebError> {
    let StudentsAsked {
        search,
        page,
        past_end,
    } = asked;
    let Some(records) = records(state, ind, ctx, code, year).await? else {
        return Ok(None);
    };
    let code = records.school.code.clone();
    let search = search.filter(|q| !q.trim().is_empty());
    let enrolled = records.enrolled;
    let (students_total, page, students) = state
        .with_store(move |s| {
            let total = match &search {
                None => enrolled,
                Some(q) => s.school_student_count(&code, year, Some(q))?,
            };
            // A page number from the URL may be anything: no overflow, no
            // offset past the end.
            let (page, offset) = match past_end {
                PastEnd::Last => {
                    let (page, _) = crate::pages::clamp_page(page, total, PAGE_SIZE);
                    (page, page * PAGE_SIZE)
                }
                PastEnd::Empty => {
                    let page = page.unwrap_or(0);
                    (page, page.saturating_mul(PAGE_SIZE).min(total))
                }
            };
            let rows = s.school_students(&code, year, search.as_deref(), offset, PAGE_SIZE)?;
            Ok((total, page, rows))
        })
        .await?;
    Ok(Some(SchoolData {
        students_total,
        page,
        records,
        students,
    }))
}

pub async fn school(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<SchoolQuery>,
) -> Result<Response, WebError> {
    Ok(show(&state, &ctx, &code, q, Shown::Masked)
        .await?
        .0
        .into_response())
}

/// The form behind "show in full" on a school's page.
#[derive(Debug, serde::Deserialize)]
pub struct UnmaskForm {
    pub csrf: String,
    pub year: Option<u16>,
    #[serde(default)]
    pub q: Option<String>,
    pub page: Option<u64>,
    pub tpage: Option<u64>,
}

/// One page of a school's students with names and identity numbers in full:
/// for the roles allowed to see personal data (`can_view_unmasked`), asked
/// for by a deliberate POST (never a link a browser could prefetch), each
/// view written to the audit log, and never cached.
pub async fn school_unmasked(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(form): Form<UnmaskForm>,
) -> Result<Response, WebError> {
    ctx.check_csrf(&form.csrf)?;
    if !ctx.principal.can_view_unmasked() {
        return Err(forbidden(&ctx));
    }
    let query = SchoolQuery {
        year: form.year,
        q: form.q,
        page: form.page,
        tpage: form.tpage,
    };
    let searching = query.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    let (markup, shown) = show(&state, &ctx, &code, query, Shown::Unmasked).await?;
    let actor = ctx.principal.username.clone();
    // What was seen, never who: no name, number or search text here.
    let detail = format!(
        "学校 {}，{} 学年，学生第 {} 页（{} 人{}）",
        shown.school,
        shown.year.0,
        shown.page + 1,
        shown.rows,
        if searching { "，含搜索" } else { "" }
    );
    state
        .with_store(move |s| s.audit(&actor, store::AuditAction::ViewUnmasked, &detail))
        .await?;
    let mut response = markup.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Whether the students' names and identity numbers are shown masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Masked,
    Unmasked,
}

/// What a page showed, for the audit log.
struct PageShown {
    school: SchoolCode,
    year: SchoolYear,
    page: u64,
    rows: usize,
}

async fn show(
    state: &AppState,
    ctx: &Ctx,
    code: &str,
    q: SchoolQuery,
    shown: Shown,
) -> Result<(Markup, PageShown), WebError> {
    let ind = state.indicators(ctx.revision).await?;
    let computed = &ind.computed;
    let year = choose_year(computed, q.year).ok_or(WebError::NotFound)?;
    let Some(data) = load(
        state,
        &ind,
        ctx,
        code,
        year,
        StudentsAsked {
            search: q.q.clone(),
            page: q.page,
            past_end: PastEnd::Last,
        },
    )
    .await?
    else {
        return Err(forbidden(ctx));
    };
    let page_no = data.page;
    let lang = ctx.lang;
    let large_min = computed.rules.large_class_min;
    let s = &data.school;
    let pages = data.students_total.div_ceil(PAGE_SIZE).max(1);
    let (tpage, tpages) = crate::pages::clamp_page(q.tpage, data.teachers.len() as u64, TEACHER_PAGE_SIZE);
    let search = q.q.clone().unwrap_or_default();
    let links = Links {
        code: s.code.as_str(),
        year: year.0,
        search: urlencode(&search),
        page: page_no,
        tpage,
    };
    // Figures link to the indicator page of the nearest area the principal
    // may see, where the school is one of the rows.
    let area = s
        .township
        .as_ref()
        .filter(|t| ctx.principal.can_view_area(t))
        .unwrap_or(&s.county);
    let teachers = data
        .teachers
        .iter()
        .skip((tpage * TEACHER_PAGE_SIZE) as usize)
        .take(TEACHER_PAGE_SIZE as usize);
    let body = html! {
        div.crumbs {
            @if ctx.principal.can_view_area(&s.county) {
                a href={ "/areas/" (s.county.as_str()) "?year=" (year.0) } { (area_name(computed, &s.county)) } " › "
            }
            (s.name)
        }
        h1 { (s.name) }
        (year_select(ctx, computed, year, &[], &format!("/schools/{}", s.code)))
        p.muted {
            (t(lang, Msg::Code)) " " (s.code) " · " (vocab(lang, s.ownership.label_zh(), s.ownership.label_en())) " · " (vocab(lang, s.location.label_zh(), s.location.label_en()))
            @if let Some(g) = &s.school_group { " · " (g) }
        }
        nav.school-tabs #school-tabs aria-label=(t(lang, Msg::OnThisPage)) {
            a href="#summary" { (t(lang, Msg::SchoolSummary)) }
            a href="#seats" { (t(lang, Msg::Seats)) }
            a href="#classes" { (t(lang, Msg::Classes)) }
            a href="#teachers" { (t(lang, Msg::Teachers)) }
            a href="#students" { (t(lang, Msg::Students)) }
            a.export #school-export href={ "/schools/" (s.code) "/export.xlsx?year=" (year.0) } { (t(lang, Msg::ExportSchool)) }
        }
        (summary_cards(lang, &data.summary, large_min, area.as_str(), year))
        (PreEscaped(tables(&data.records, lang, large_min)))
        section.school-section #teachers {
            h2 { (t(lang, Msg::Teachers)) " (" (data.teachers.len()) ")" }
            div.table-wrap { table.sortable #teacher-table {
                thead { tr { th { (t(lang, Msg::Name)) } th { (t(lang, Msg::Stage)) } th { (t(lang, Msg::Subject)) } th { (t(lang, Msg::Title)) } th { (t(lang, Msg::KeyTeacher)) } } }
                tbody { @for (teacher, post) in teachers {
                    tr { td { (registry::mask::name(&teacher.name)) } td { (stage_name(lang, post.stage)) }
                         td { (vocab(lang, post.subject.label_zh(), post.subject.label_en())) } td { (vocab(lang, post.title.label_zh(), post.title.label_en())) } td { (vocab(lang, post.key_teacher_level.label_zh(), post.key_teacher_level.label_en())) } }
                } }
            } }
            div #teachers-pager { (crate::pages::pager(lang, tpage, tpages, |p| links.teachers(p))) }
        }
        section.school-section #students {
            h2 { (t(lang, Msg::Students)) " (" (data.students_total) ")" }
            form.filters #student-search method="get" action={ "/schools/" (s.code) "#students" } {
                input type="hidden" name="year" value=(year.0);
                input type="hidden" name="tpage" value=(tpage);
                input type="search" name="q" value=(search) placeholder=(t(lang, Msg::SearchStudents)) aria-label=(t(lang, Msg::SearchStudents));
                button.primary type="submit" { (t(lang, Msg::Search)) }
            }
            @if shown == Shown::Unmasked {
                p.unmasked #unmasked-notice { (t(lang, Msg::UnmaskedNotice)) }
            } @else if ctx.principal.can_view_unmasked() {
                form.filters #unmask method="post" action={ "/schools/" (s.code) "#students" } {
                    input type="hidden" name="csrf" value=(ctx.csrf.clone().unwrap_or_default());
                    input type="hidden" name="year" value=(year.0);
                    input type="hidden" name="q" value=(search);
                    input type="hidden" name="page" value=(page_no);
                    input type="hidden" name="tpage" value=(tpage);
                    button type="submit" { (t(lang, Msg::ShowUnmasked)) }
                }
            }
            div.table-wrap { table #student-table {
                thead { tr { th { (t(lang, Msg::Name)) } th { (t(lang, Msg::IdNumber)) } th { (t(lang, Msg::Sex)) } th { (t(lang, Msg::Grade)) } th { (t(lang, Msg::Classes)) } th { (t(lang, Msg::Migrant)) } th { (t(lang, Msg::Boarder)) } } }
                tbody { @for (student, e) in &data.students {
                    tr { @if shown == Shown::Unmasked {
                             td { (student.name) } td { (student.id_number.as_str()) }
                         } @else {
                             td { (registry::mask::name(&student.name)) } td { (registry::mask::id_number(student.id_number.as_str())) }
                         }
                         td { (vocab(lang, student.sex.label_zh(), student.sex.label_en())) } td { (grade_name(lang, e.grade)) } td { (e.class_name.clone().unwrap_or_default()) }
                         td { (yes_no(ctx, e.migrant_child)) } td { (yes_no(ctx, e.boarder)) } }
                } }
            } }
            div #students-pager { (crate::pages::pager(lang, page_no, pages, |p| links.students(p))) }
        }
        p.muted { (year_label(lang, year)) " · " (t(lang, if shown == Shown::Unmasked { Msg::UnmaskedNotice } else { Msg::Masked })) }
    };
    let shown = PageShown {
        school: s.code.clone(),
        year,
        page: page_no,
        rows: data.students.len(),
    };
    Ok((page(ctx, &s.name, body), shown))
}

/// The links of a school page's two pagers: each keeps the other's page,
/// the search and the year, and lands on its own section.
struct Links<'a> {
    code: &'a str,
    year: u16,
    /// The search, percent-encoded.
    search: String,
    page: u64,
    tpage: u64,
}

impl Links<'_> {
    fn students(&self, page: u64) -> String {
        self.link(page, self.tpage, "students")
    }

    fn teachers(&self, tpage: u64) -> String {
        self.link(self.page, tpage, "teachers")
    }

    fn link(&self, page: u64, tpage: u64, section: &str) -> String {
        format!(
            "/schools/{}?year={}&q={}&page={page}&tpage={tpage}#{section}",
            self.code, self.year, self.search
        )
    }
}

/// The cards at the top: 大班额 x / y 班, 学位使用率 (over 100 % flagged) and
/// 生师比 by stage — the school's own indicator rows, each linking to its
/// indicator page for `area`.
fn summary_cards(
    lang: Lang,
    summary: &SchoolSummary,
    large_min: u32,
    area: &str,
    year: SchoolYear,
) -> Markup {
    let link = |row: &Row| {
        let stage = row.stage.map(|s| format!("&stage={s}")).unwrap_or_default();
        format!("/indicators/{}?area={area}&year={}{stage}", row.indicator, year.0)
    };
    let label = |row: &Row| {
        let name = indicators::find(&row.indicator)
            .map_or_else(|| row.indicator_name.to_string(), |i| indicator_name(lang, i));
        match row.stage.and_then(Stage::from_code) {
            Some(stage) => format!("{name} · {}", stage_name(lang, stage)),
            None => name,
        }
    };
    let utilisation = summary.utilisation.iter().filter(|r| r.value.is_some());
    let count = |n: Option<f64>| n.map_or_else(|| "—".to_owned(), |n| format_number(n, 0));
    html! {
        section.school-section #summary {
            h2 { (t(lang, Msg::SchoolSummary)) }
            div.cards {
                // The headline 大班额 (primary and junior) and senior high's own.
                @for (row, id, label) in summary.large_classes.iter().map(|r| (r, "card-large-classes", Msg::LargeClass))
                    .chain(summary.senior_large_classes.iter().map(|r| (r, "card-senior-large-classes", Msg::SeniorLargeClass))) {
                    div.card id=(id) data-indicator=(row.indicator) data-stage=[row.stage] {
                        div.label { a href=(link(row)) { (t(lang, label)) } }
                        div.value.unmet[row.numerator.unwrap_or(0.0) > 0.0] {
                            (tf(lang, Msg::LargeClassesOf, &[&count(row.numerator), &count(row.denominator)]))
                        }
                        div.line { (format_row_value(row, row.value)) " · " (tf(lang, Msg::LargeClassLineNote, &[&large_min])) }
                    }
                }
                @for row in utilisation {
                    div.card.seat-utilisation.over-seats[over_seats(row)] data-indicator=(row.indicator) data-stage=(row.stage.unwrap_or("all")) {
                        div.label { a href=(link(row)) { (label(row)) } }
                        div.value.unmet[over_seats(row)] { (format_row_value(row, row.value)) }
                        div.line {
                            (count(row.numerator)) " / " (count(row.denominator))
                            @if over_seats(row) { " " span.unmet.over-seats-flag { (t(lang, Msg::OverSeats)) } }
                        }
                    }
                }
                @for row in &summary.ratios {
                    div.card.student-teacher-ratio data-indicator=(row.indicator) data-stage=(row.stage.unwrap_or("all")) {
                        div.label { a href=(link(row)) { (label(row)) } }
                        div.value { (format_row_value(row, row.value)) }
                        div.line {
                            @match row.met {
                                Some(true) => span.met { "✓ " (tf(lang, Msg::MetAgainst, &[&format_row_value(row, row.line)])) },
                                Some(false) => span.unmet { "✗ " (tf(lang, Msg::NotMetAgainst, &[&format_row_value(row, row.line)])) },
                                None => { (count(row.numerator)) " / " (count(row.denominator)) },
                            }
                        }
                    }
                }
            }
            @if summary.large_classes.is_none() && summary.senior_large_classes.is_none() && summary.utilisation.iter().all(|r| r.value.is_none()) && summary.ratios.is_empty() {
                p.muted { (t(lang, Msg::NoSummary)) }
            }
        }
    }
}

/// The seats and classes tables in `lang`, rendered once per language and
/// kept with the records.
fn tables(data: &SchoolRecords, lang: Lang, large_min: u32) -> &str {
    data.rendered(lang, |d| render_tables(d, lang, large_min).into_string())
}

fn render_tables(data: &SchoolRecords, lang: Lang, large_min: u32) -> Markup {
    let s = &data.school;
    // Students by stage as the indicators count them (enrolments), so the
    // table and the 学位使用率 cards agree; the classes' sizes otherwise.
    let students = |stage: Stage| -> String {
        match data
            .summary
            .utilisation
            .iter()
            .find(|r| r.stage == Some(stage.code()))
        {
            Some(row) => row.numerator.map_or_else(String::new, |n| format_number(n, 0)),
            None => data
                .classes
                .iter()
                .filter(|c| c.stage == stage)
                .map(|c| c.size)
                .sum::<u32>()
                .to_string(),
        }
    };
    let utilisation = |stage: Stage| {
        data.summary
            .utilisation
            .iter()
            .find(|r| r.stage == Some(stage.code()))
    };
    html! {
        section.school-section #seats {
            h2 { (t(lang, Msg::Seats)) }
            div.table-wrap { table #seat-table {
                thead { tr { th { (t(lang, Msg::Stage)) } th.num { (t(lang, Msg::Seats)) } th.num { (t(lang, Msg::Students)) } th.num { (t(lang, Msg::SeatUtilisation)) } } }
                tbody { @for (stage, seats) in &s.seats {
                    tr.large[utilisation(*stage).is_some_and(over_seats)] {
                        td { (stage_name(lang, *stage)) } td.num { (seats) } td.num { (students(*stage)) }
                        td.num { @if let Some(row) = utilisation(*stage) {
                            (format_row_value(row, row.value))
                            @if over_seats(row) { " · " (t(lang, Msg::OverSeats)) }
                        } }
                    }
                } }
            } }
        }
        section.school-section #classes {
            h2 { (t(lang, Msg::Classes)) " (" (data.classes.len()) ")" }
            div.table-wrap { table.sortable #class-table {
                thead { tr { th { (t(lang, Msg::Grade)) } th { (t(lang, Msg::Name)) } th { (t(lang, Msg::Stage)) } th.num { (t(lang, Msg::ClassSize)) } } }
                tbody { @for c in &data.classes {
                    tr.large[c.size >= large_min] {
                        td data-sort=(c.grade.0) { (grade_name(lang, c.grade)) } td { (c.name) } td { (stage_name(lang, c.stage)) }
                        td.num { (c.size) @if c.size >= large_min { " · " (t(lang, Msg::LargeClassTag)) } }
                    }
                } }
            } }
        }
    }
}

fn yes_no(ctx: &Ctx, flag: bool) -> &'static str {
    t(ctx.lang, if flag { Msg::Yes } else { Msg::No })
}

/// The query of a school's export.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportQuery {
    pub year: Option<u16>,
}

/// `GET /schools/{code}/export.xlsx?year=`: the school's classes (grade,
/// class, stage, size, 大班额) and its summary figures as a workbook — no
/// person's name or number. Refused as the page is: an unknown school and
/// one outside the principal's scope get the same 403.
pub async fn export(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let ind = state.indicators(ctx.revision).await?;
    let computed = &ind.computed;
    let year = choose_year(computed, q.year).ok_or(WebError::NotFound)?;
    let Some(records) = records(&state, &ind, &ctx, &code, year).await? else {
        return Err(forbidden(&ctx));
    };
    let bytes = workbook(&records, computed.rules.large_class_min, year)
        .map_err(|e| WebError::Internal(format!("学校导出失败：{e}")))?;
    let s = &records.school;
    let name = format!("{}-{}-班级与概况.xlsx", file_safe(&s.name), year.label_zh());
    let ascii = format!("school-{}-{}.xlsx", s.code, year.0);
    Ok(crate::download::xlsx(&name, &ascii, bytes))
}

/// A school's name as part of a file name: characters a file system or a
/// header would refuse become `_`.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_control() || r#"/\:*?"<>|"#.contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// The school's workbook: sheet 概况 (the school, the year, the summary
/// rows) and sheet 班级 (one row a class). Text goes in with
/// `write_string`, so a name that looks like a formula stays text.
fn workbook(
    records: &SchoolRecords,
    large_min: u32,
    year: SchoolYear,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};

    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let s = &records.school;
    let summary = &records.summary;

    let sheet = book.add_worksheet().set_name("概况")?;
    let head = [
        ("学校", s.name.clone()),
        ("学校代码", s.code.as_str().to_owned()),
        ("学年", year.label_zh()),
        ("大班额标准", format!("班额 ≥ {large_min} 人")),
        (
            "数据来源",
            "教育治理平台登记数据（学校、班级、学生、教师），与指标页面同一计算".to_owned(),
        ),
    ];
    let mut r = 0u32;
    for (label, value) in &head {
        sheet.write_string_with_format(r, 0, *label, &bold)?;
        sheet.write_string(r, 1, value)?;
        r += 1;
    }
    r += 1;
    for (c, title) in ["指标", "学段", "分子", "分母", "数值", "说明"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(r, c as u16, *title, &bold)?;
    }
    r += 1;
    let rows = summary
        .large_classes
        .iter()
        .chain(&summary.senior_large_classes)
        .chain(summary.utilisation.iter().filter(|r| r.value.is_some()))
        .chain(&summary.ratios);
    for row in rows {
        let stage = row
            .stage
            .and_then(Stage::from_code)
            .map_or("合计", |s| s.label_zh());
        sheet.write_string(r, 0, row.indicator_name.as_ref())?;
        sheet.write_string(r, 1, stage)?;
        if let Some(n) = row.numerator {
            sheet.write_number(r, 2, n)?;
        }
        if let Some(d) = row.denominator {
            sheet.write_number(r, 3, d)?;
        }
        sheet.write_string(r, 4, format_row_value(row, row.value))?;
        let note = if row.indicator == "large_class_share" || row.indicator == "senior_large_class_share" {
            format!(
                "{} {} / {} 班",
                if row.indicator == "large_class_share" {
                    "大班额"
                } else {
                    "普通高中大班额"
                },
                format_number(row.numerator.unwrap_or(0.0), 0),
                format_number(row.denominator.unwrap_or(0.0), 0)
            )
        } else if over_seats(row) {
            "超出学位".to_owned()
        } else {
            String::new()
        };
        sheet.write_string(r, 5, note)?;
        r += 1;
    }
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 40)?;

    let sheet = book.add_worksheet().set_name("班级")?;
    for (c, title) in ["年级", "班级", "学段", "班额", "大班额"].iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *title, &bold)?;
    }
    for (i, class) in records.classes.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, class.grade.label_zh())?;
        sheet.write_string(r, 1, &class.name)?;
        sheet.write_string(r, 2, class.stage.label_zh())?;
        sheet.write_number(r, 3, f64::from(class.size))?;
        sheet.write_string(r, 4, if class.size >= large_min { "是" } else { "否" })?;
    }
    book.save_to_buffer()
}
