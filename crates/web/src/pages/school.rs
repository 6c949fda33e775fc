//! A school's page: stages and seats, classes with sizes (大班额
//! highlighted), teachers, and its students paged and searchable — names
//! and identity numbers masked.

use std::sync::Arc;

use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, PreEscaped};
use registry::{SchoolCode, SchoolYear};
use store::Store;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::{t, Lang, Msg};
use crate::layout::{forbidden, page};
use crate::pages::{
    area_name, choose_year, grade_name, stage_name, urlencode, vocab, year_label, year_select,
};
use crate::state::{AppState, Indicators};
use crate::views::SchoolRecords;

pub const PAGE_SIZE: u64 = 50;

#[derive(Debug, Default, serde::Deserialize)]
pub struct SchoolQuery {
    pub year: Option<u16>,
    pub q: Option<String>,
    pub page: Option<u64>,
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

/// Reads a school's records if the principal may see the school; `None`
/// both when it does not exist and when it is out of scope, so a URL does
/// not reveal which.
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
    let Ok(code) = SchoolCode::parse(code) else {
        return Ok(None);
    };
    let key = (code.as_str().to_owned(), year.0);
    let records = match ind.schools.get(&key) {
        Some(found) => found,
        None => {
            let code = code.clone();
            let read = state
                .with_store(move |s| {
                    let Some(school) = s.school(&code)? else {
                        return Ok(None);
                    };
                    Ok(Some(SchoolRecords::new(
                        school,
                        s.school_classes(&code, year)?,
                        s.school_teachers(&code, year)?,
                        s.school_student_count(&code, year, None)?,
                    )))
                })
                .await?;
            // Unknown codes are not remembered: guessing URLs must not fill
            // the cache.
            let Some(read) = read else {
                return Ok(None);
            };
            let read = Arc::new(read);
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
    let search = q.q.clone().unwrap_or_default();
    let link = |p: u64| {
        format!(
            "/schools/{}?year={}&q={}&page={p}",
            s.code,
            year.0,
            urlencode(&search)
        )
    };
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
        (PreEscaped(tables(&data.records, lang, large_min)))
        h2 { (t(lang, Msg::Students)) " (" (data.students_total) ")" }
        form.filters method="get" action={ "/schools/" (s.code) } {
            input type="hidden" name="year" value=(year.0);
            input type="search" name="q" value=(search) placeholder=(t(lang, Msg::SearchMasked));
            button.primary type="submit" { (t(lang, Msg::Search)) }
        }
        @if shown == Shown::Unmasked {
            p.unmasked #unmasked-notice { (t(lang, Msg::UnmaskedNotice)) }
        } @else if ctx.principal.can_view_unmasked() {
            form.filters #unmask method="post" action={ "/schools/" (s.code) } {
                input type="hidden" name="csrf" value=(ctx.csrf.clone().unwrap_or_default());
                input type="hidden" name="year" value=(year.0);
                input type="hidden" name="q" value=(search);
                input type="hidden" name="page" value=(page_no);
                button type="submit" { (t(lang, Msg::ShowUnmasked)) }
            }
        }
        div.table-wrap { table #students {
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
        (crate::pages::pager(lang, page_no, pages, link))
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

/// The seats, classes and teachers tables in `lang`, rendered once per
/// language and kept with the records.
fn tables(data: &SchoolRecords, lang: Lang, large_min: u32) -> &str {
    data.rendered(lang, |d| render_tables(d, lang, large_min).into_string())
}

fn render_tables(data: &SchoolRecords, lang: Lang, large_min: u32) -> Markup {
    let s = &data.school;
    html! {
        h2 { (t(lang, Msg::Seats)) }
        div.table-wrap { table #seats {
            thead { tr { th { (t(lang, Msg::Stage)) } th.num { (t(lang, Msg::Seats)) } th.num { (t(lang, Msg::Students)) } } }
            tbody { @for (stage, seats) in &s.seats {
                tr { td { (stage_name(lang, *stage)) } td.num { (seats) }
                     td.num { (data.classes.iter().filter(|c| c.stage == *stage).map(|c| c.size).sum::<u32>()) } }
            } }
        } }
        h2 { (t(lang, Msg::Classes)) " (" (data.classes.len()) ")" }
        div.table-wrap { table.sortable #classes {
            thead { tr { th { (t(lang, Msg::Grade)) } th { (t(lang, Msg::Name)) } th { (t(lang, Msg::Stage)) } th.num { (t(lang, Msg::ClassSize)) } } }
            tbody { @for c in &data.classes {
                tr.large[c.size >= large_min] {
                    td data-sort=(c.grade.0) { (grade_name(lang, c.grade)) } td { (c.name) } td { (stage_name(lang, c.stage)) }
                    td.num { (c.size) @if c.size >= large_min { " · " (t(lang, Msg::LargeClassTag)) } }
                }
            } }
        } }
        h2 { (t(lang, Msg::Teachers)) " (" (data.teachers.len()) ")" }
        div.table-wrap { table.sortable #teachers {
            thead { tr { th { (t(lang, Msg::Name)) } th { (t(lang, Msg::Stage)) } th { (t(lang, Msg::Subject)) } th { (t(lang, Msg::Title)) } th { (t(lang, Msg::KeyTeacher)) } } }
            tbody { @for (teacher, post) in &data.teachers {
                tr { td { (registry::mask::name(&teacher.name)) } td { (stage_name(lang, post.stage)) }
                     td { (vocab(lang, post.subject.label_zh(), post.subject.label_en())) } td { (vocab(lang, post.title.label_zh(), post.title.label_en())) } td { (vocab(lang, post.key_teacher_level.label_zh(), post.key_teacher_level.label_en())) } }
            } }
        } }
    }
}

fn yes_no(ctx: &Ctx, flag: bool) -> &'static str {
    t(ctx.lang, if flag { Msg::Yes } else { Msg::No })
}
