//! Import in the browser: upload a file, see its row errors on the page
//! (the first thousand; the whole report is a download), import only a
//! clean file. Officers may write only the schools in their scope; the
//! importer checks every row for it.
//!
//! The form posts with htmx (`hx-post`, multipart) and the answer replaces
//! only `#import-outcome`, so the chosen file stays chosen after a refusal
//! and the user can press upload again (issue 11, point 7); without
//! JavaScript the same form posts normally and gets the whole page. An
//! htmx request (`HX-Request`) is answered with the outcome alone, with the
//! same status as the page: 200 for any outcome of the file, refused or
//! not (the answer says which at the top), 503 with `Retry-After` for a
//! full queue or a busy database, 4xx for a request that is no upload —
//! `app.js` swaps these error answers into the outcome too, for forms
//! marked `data-swap-errors`.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::{t, tf, Lang, Msg};
use crate::layout::{forbidden, page};
use crate::state::AppState;

/// Row errors the page lists; the report has them all.
pub const SHOWN_ERRORS: usize = 1000;

/// Largest upload accepted (a county's students fit well within it).
pub const MAX_UPLOAD: usize = 200 * 1024 * 1024;

/// Classes whose new 班额 the page lists; the audit line names the first 20.
const SHOWN_RESIZES: usize = 200;

pub async fn import_page(ctx: Ctx) -> Result<Markup, WebError> {
    if !ctx.principal.can_import() {
        return Err(forbidden(&ctx));
    }
    Ok(form_page(&ctx, html! {}))
}

fn form_page(ctx: &Ctx, result: Markup) -> Markup {
    let lang = ctx.lang;
    let csrf = ctx.csrf.clone().unwrap_or_default();
    let body = html! {
        h1 { (t(lang, Msg::Import)) }
        p.muted { (t(lang, Msg::ImportHint)) }
        form #upload method="post" action="/import" enctype="multipart/form-data"
            hx-post="/import" hx-encoding="multipart/form-data" hx-target="#import-outcome"
            hx-swap="innerHTML" hx-indicator="#import-busy" hx-disabled-elt="find button[type=submit]"
            data-swap-errors="1" data-send-failed=(t(lang, Msg::ImportSendFailed)) {
            input type="hidden" name="csrf" value=(csrf);
            p { input #import-file type="file" name="file" accept=".xlsx,.csv" required; }
            p { label { input #import-commit type="checkbox" name="commit" value="1"; " " (t(lang, Msg::Commit)) } }
            p {
                label { input #update-class-sizes type="checkbox" name="update_class_sizes" value="1"; " " (t(lang, Msg::UpdateClassSizes)) }
                br;
                span.muted #one-pupil-help { (t(lang, Msg::OnePupilHelp)) }
            }
            p {
                button.primary type="submit" { (t(lang, Msg::Upload)) }
                " "
                span.muted.htmx-indicator #import-busy { (t(lang, Msg::ImportBusy)) }
            }
        }
        div #import-outcome aria-live="polite" { (result) }
        h2 { (t(lang, Msg::Templates)) }
        ul { @for e in import_export::Entity::ALL {
            li { a href={ "/templates/" (e.code()) ".xlsx" } { (crate::pages::vocab(lang, e.label_zh(), e.label_en())) } }
        } }
    };
    page(ctx, t(lang, Msg::Import), body)
}

/// What an upload is answered with: the outcome (the whole page around it,
/// or alone for htmx), its status, and when to retry.
struct Answer {
    result: Markup,
    status: StatusCode,
    retry_after: Option<HeaderValue>,
}

impl Answer {
    fn ok(result: Markup) -> Answer {
        Answer {
            result,
            status: StatusCode::OK,
            retry_after: None,
        }
    }

    fn respond(self, ctx: &Ctx, htmx: bool) -> Response {
        let mut response = if htmx {
            self.result.into_response()
        } else {
            form_page(ctx, self.result).into_response()
        };
        *response.status_mut() = self.status;
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, seconds);
        }
        response
    }
}

/// Whether the request comes from htmx (the form with JavaScript).
fn is_htmx(headers: &HeaderMap) -> bool {
    headers.get("hx-request").is_some_and(|v| v == "true")
}

pub async fn upload(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let htmx = is_htmx(&headers);
    match answer(&state, &ctx, multipart).await {
        Ok(answer) => answer.respond(&ctx, htmx),
        Err(error) if htmx => error_fragment(ctx.lang, error),
        Err(error) => error.into_response(),
    }
}

/// An error answer as htmx swaps it in: the same status and `Retry-After`,
/// the message escaped in HTML, and that nothing was imported.
fn error_fragment(lang: Lang, error: WebError) -> Response {
    let answer = error.into_response();
    let text = answer
        .extensions()
        .get::<crate::error::ErrorText>()
        .map(|text| text.render(lang))
        .unwrap_or_else(|| t(lang, Msg::Forbidden).to_owned());
    let mut response = html! {
        p.error #import-refused { strong { (t(lang, Msg::ImportNotWritten)) } " " (text) }
    }
    .into_response();
    *response.status_mut() = answer.status();
    if let Some(seconds) = answer.headers().get(header::RETRY_AFTER) {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, seconds.clone());
    }
    response
}

/// A refusal: the file was not imported, said first and plainly.
fn refused(headline: &str, detail: Markup) -> Markup {
    html! {
        div.error #import-refused {
            p { strong { (headline) } }
            (detail)
        }
    }
}

async fn answer(state: &Arc<AppState>, ctx: &Ctx, mut multipart: Multipart) -> Result<Answer, WebError> {
    if !ctx.principal.can_import() {
        return Err(forbidden(ctx));
    }
    let lang = ctx.lang;
    // Before the body is read: a file is held in memory until imported.
    let Some(_upload) = state.upload_permit() else {
        let waiting = state.config.import_queue + state.config.import_slots;
        return Ok(queue_full(lang, waiting));
    };
    let mut csrf = String::new();
    let mut commit = false;
    let mut update_class_sizes = false;
    let mut file: Option<(String, axum::body::Bytes)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| WebError::BadRequest(e.to_string()))?
    {
        match field.name() {
            Some("csrf") => {
                csrf = field
                    .text()
                    .await
                    .map_err(|e| WebError::BadRequest(e.to_string()))?
            }
            Some("commit") => commit = true,
            Some("update_class_sizes") => update_class_sizes = true,
            Some("file") => {
                let name = field.file_name().unwrap_or("upload.csv").to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| WebError::BadRequest(e.to_string()))?;
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    ctx.check_csrf(&csrf)?;
    let Some((name, bytes)) = file else {
        return Err(WebError::BadRequest(t(lang, Msg::NoFile).to_owned()));
    };
    // Only the base name, and only .xlsx/.csv: the importer reads by extension.
    let base: String = std::path::Path::new(&name)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("upload.csv")
        .chars()
        .filter(|c| !matches!(c, '/' | '\\' | '\0'))
        .collect();
    let lower = base.to_lowercase();
    if !(lower.ends_with(".xlsx") || lower.ends_with(".csv")) {
        return Err(WebError::BadRequest(tf(lang, Msg::OnlyXlsxCsv, &[&base])));
    }
    let scope = ctx.principal.write_scope();
    let actor = ctx.principal.username.clone();
    let (limits, read_limits) = (state.config.transfer_limits, state.config.read_limits);
    // On the imports' own queue and connections: a queue of large files
    // never takes the connections pages read with (issue 10, point 4).
    let queued = state
        .import(move |s| {
            let dir = tempfile::tempdir().map_err(|e| WebError::Internal(e.to_string()))?;
            let path = dir.path().join(&base);
            std::fs::write(&path, &bytes).map_err(|e| WebError::Internal(e.to_string()))?;
            let options = import_export::ImportOptions {
                dry_run: !commit,
                scope,
                user: actor.clone(),
                // Written by the store with the data, in one transaction.
                audit: true,
                now: chrono::Utc::now(),
                transfer_limits: limits,
                update_class_sizes,
            };
            let outcome = import_export::with_read_limits(read_limits, || {
                import_export::import(s, &path, options, chrono::Local::now().date_naive(), &mut |_| {})
            });
            if let Ok(outcome) = &outcome {
                if outcome.held_for_city {
                    // Nothing was written: this line is the only trace, and
                    // the city's cue that an officer probed the registry.
                    s.audit(
                        &actor,
                        store::AuditAction::ImportHeldForCity,
                        &format!("{base}：{} 行", outcome.rows),
                    )
                    .map_err(|e| WebError::Internal(e.to_string()))?;
                }
            }
            Ok::<_, WebError>(outcome)
        })
        .await?;
    let (outcome, waited) = match queued {
        Ok((outcome, waited)) => (outcome?, waited),
        Err(busy) => {
            let waiting = match busy {
                crate::state::Busy::QueueFull(n) => n,
                crate::state::Busy::TimedOut => state.config.import_queue,
            };
            return Ok(queue_full(lang, waiting));
        }
    };
    // Said when the import had to wait its turn, so a slow answer is explained.
    let queue_note = (waited >= state.config.import_wait_note).then(|| {
        html! { p.muted #import-queued { (tf(lang, Msg::ImportQueued, &[&waited.as_secs().max(1), &state.config.import_slots])) } }
    });
    let answer = match outcome {
        // The database failed (busy behind another import, or worse): the
        // status and the user's words, never the raw error, and nothing
        // was written.
        Err(import_export::ImportError::Store { source, .. }) => {
            let failure = crate::error::StoreFailure::of(&source);
            let result = refused(
                t(lang, Msg::ImportNotWritten),
                html! { p #import-result { (t(lang, failure.msg)) } },
            );
            return Ok(Answer {
                result,
                status: failure.status,
                retry_after: failure.retry_after.map(HeaderValue::from),
            });
        }
        // The file itself cannot be read (wrong columns, a limit, not a
        // workbook): its message names the file.
        Err(error) => Answer::ok(refused(
            t(lang, Msg::ImportNotWritten),
            html! { p #import-result { (error) } },
        )),
        Ok(outcome) if outcome.held_for_city => Answer::ok(refused(
            t(lang, Msg::ImportNotWritten),
            html! { p #import-result { (t(lang, Msg::HeldForCity)) } },
        )),
        Ok(outcome) if !outcome.errors.is_empty() => {
            let errors = Arc::new(outcome.errors);
            let id = crate::auth::random_token()?;
            state
                .reports
                .lock()
                .map_err(|_| WebError::Internal("reports lock poisoned".to_owned()))?
                .insert(id.clone(), ctx.principal.user_id, errors.clone(), Instant::now());
            let total = errors.len();
            let headline = tf(lang, Msg::ImportRefused, &[&grouped(total)]);
            // A class whose 班额 disagrees with its pupils: the way to do it
            // in one file, beside the errors.
            let class_sizes = !update_class_sizes
                && errors
                    .iter()
                    .any(|e| e.message.contains(import_export::UPDATE_CLASS_SIZES_LABEL));
            Answer::ok(html! {
                (refused(&headline, html! {
                    @if class_sizes { p #class-size-hint { (t(lang, Msg::ClassSizeHint)) } }
                    p.muted #choose-again { (t(lang, Msg::ChooseAgainHint)) }
                }))
                h2 #import-result { (t(lang, Msg::RowErrors)) " (" (total) ")" }
                @if total > SHOWN_ERRORS {
                    p.muted #errors-cut { (tf(lang, Msg::ErrorsCut, &[&grouped(SHOWN_ERRORS), &grouped(total)])) }
                }
                @if total > crate::reports::MAX_REPORT_ROWS {
                    p.muted #report-cut { (tf(lang, Msg::ReportCut, &[&grouped(crate::reports::MAX_REPORT_ROWS)])) }
                }
                div.table-wrap { table.sortable #row-errors {
                    thead { tr { th { (t(lang, Msg::File)) } th { (t(lang, Msg::Row)) } th { (t(lang, Msg::Column)) } th { (t(lang, Msg::Message)) } } }
                    tbody { @for e in errors.iter().take(SHOWN_ERRORS) {
                        tr { td { (e.file) } td { (e.row) } td { (e.column.clone().unwrap_or_default()) } td { (e.message) } }
                    } }
                } }
                p {
                    a #download-errors href={ "/import/report/" (id) ".xlsx" } download { (t(lang, Msg::DownloadErrors)) " (.xlsx)" }
                    " · "
                    a #download-errors-csv href={ "/import/report/" (id) ".csv" } download { ".csv" }
                }
            })
        }
        Ok(outcome) if outcome.dry_run => {
            let resized = outcome.counts.map(|c| c.resized_classes).unwrap_or_default();
            Answer::ok(html! {
                p.ok #import-result {
                    strong { (tf(lang, Msg::DryRunClean, &[&grouped(outcome.rows as usize)])) }
                }
                @if ctx.principal.write_scope().is_some_and(|s| !s.moves_people_directly()) {
                    p.muted { (t(lang, Msg::DryRunNoTransfers)) }
                }
                @if !resized.is_empty() {
                    (resized_table(lang, &tf(lang, Msg::ClassSizesWouldChange, &[&resized.len()]), &resized))
                }
            })
        }
        Ok(outcome) => {
            let written = outcome.rows - outcome.transfers.len() as u64;
            let resized = outcome.counts.map(|c| c.resized_classes).unwrap_or_default();
            Answer::ok(html! {
                p.ok #import-result { (t(lang, Msg::Imported)) " " (written) " " (t(lang, Msg::Rows)) }
                @if !resized.is_empty() {
                    (resized_table(lang, &tf(lang, Msg::ClassSizesChanged, &[&resized.len()]), &resized))
                }
                @if !outcome.transfers.is_empty() {
                    p #transfers-filed { (tf(lang, Msg::TransfersFiled, &[&outcome.transfers.len()])) " " a href="/transfers" { (t(lang, Msg::Transfers)) } }
                    div.table-wrap { table #filed {
                        thead { tr { th { (t(lang, Msg::File)) } th { (t(lang, Msg::Row)) } th { (t(lang, Msg::IdNumber)) } th { (t(lang, Msg::SchoolYear)) } } }
                        tbody { @for n in &outcome.transfers {
                            tr { td { (n.file) @if let Some(sheet) = &n.sheet { "（" (sheet) "）" } } td { (n.row) } td { (n.id_number) } td { (n.school_year.label_zh()) } }
                        } }
                    } }
                }
            })
        }
    };
    Ok(Answer {
        result: html! { @if let Some(note) = &queue_note { (note) } (answer.result) },
        ..answer
    })
}

/// The classes whose 班额 followed (or, in a check, would follow) the
/// pupils listed: school, year, class, old → new.
fn resized_table(lang: Lang, heading: &str, resized: &[store::ClassSizeMismatch]) -> Markup {
    html! {
        h2 #class-sizes-changed { (heading) }
        div.table-wrap { table #resized-classes {
            thead { tr {
                th { (t(lang, Msg::School)) } th { (t(lang, Msg::SchoolYear)) } th { (t(lang, Msg::Class)) }
                th { (t(lang, Msg::OldClassSize)) } th { (t(lang, Msg::NewClassSize)) }
            } }
            tbody { @for r in resized.iter().take(SHOWN_RESIZES) {
                tr {
                    td { (r.class.school) }
                    td { (r.class.school_year.label_zh()) }
                    td { (class_label(lang, r.class.grade, &r.class.name)) }
                    td { (r.declared) }
                    td { (r.listed) }
                }
            } }
        } }
        @if resized.len() > SHOWN_RESIZES {
            p.muted { (tf(lang, Msg::ErrorsCut, &[&SHOWN_RESIZES, &resized.len()])) }
        }
    }
}

/// 高一1班 (the grade named once, as the row errors name it) or Grade 10 1班.
fn class_label(lang: Lang, grade: registry::Grade, name: &str) -> String {
    let grade = crate::pages::grade_name(lang, grade);
    match lang {
        Lang::Zh if name.starts_with(&grade) => name.to_owned(),
        Lang::Zh => format!("{grade}{name}"),
        Lang::En => format!("{grade} {name}"),
    }
}

/// 503 with `Retry-After`: the import queue is full, nothing was read.
fn queue_full(lang: Lang, waiting: usize) -> Answer {
    Answer {
        result: refused(
            t(lang, Msg::ImportNotWritten),
            html! { p #import-result { (tf(lang, Msg::ImportQueueFull, &[&waiting])) } },
        ),
        status: StatusCode::SERVICE_UNAVAILABLE,
        retry_after: Some(HeaderValue::from_static("30")),
    }
}

/// A count with thousands grouped: 12,345.
fn grouped(n: usize) -> String {
    indicators::report::format_number(n as f64, 0)
}

/// `/import/report/{id}.xlsx` or `.csv`: the whole error report of an
/// upload, for the user who uploaded it, while it is kept
/// ([`crate::reports`]). Anyone else's, or an expired one, is not found.
pub async fn report(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    if !ctx.principal.can_import() {
        return Err(forbidden(&ctx));
    }
    let (id, csv) = match (file.strip_suffix(".csv"), file.strip_suffix(".xlsx")) {
        (Some(id), _) => (id, true),
        (None, Some(id)) => (id, false),
        (None, None) => return Err(WebError::NotFound),
    };
    let errors = state
        .reports
        .lock()
        .map_err(|_| WebError::Internal("reports lock poisoned".to_owned()))?
        .get(id, ctx.principal.user_id, Instant::now())
        .ok_or(WebError::NotFound)?;
    let extension = if csv { "csv" } else { "xlsx" };
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path().join(format!("errors.{extension}"));
        import_export::write_errors(&errors, &path).map_err(|e| e.to_string())?;
        std::fs::read(&path).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?
    .map_err(WebError::Internal)?;
    let content_type = if csv {
        "text/csv; charset=utf-8"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"import-errors.{extension}\""),
            ),
            // Rows may hold names: no cache keeps a copy.
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// An empty template, as the CLI's `edugov template` writes it.
pub async fn template(ctx: Ctx, Path(name): Path<String>) -> Result<Response, WebError> {
    if !ctx.principal.can_import() {
        return Err(forbidden(&ctx));
    }
    let entity =
        import_export::Entity::parse(name.trim_end_matches(".xlsx")).map_err(|_| WebError::NotFound)?;
    let dir = tempfile::tempdir().map_err(|e| WebError::BadRequest(e.to_string()))?;
    let path = dir.path().join(format!("{}.xlsx", entity.code()));
    import_export::write_template(entity, &path).map_err(|e| WebError::BadRequest(e.to_string()))?;
    let bytes = std::fs::read(&path).map_err(|e| WebError::BadRequest(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.xlsx\"", entity.code()),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checkbox, the row errors and the template's guide name the
    /// option alike, so an officer told to tick it finds it.
    #[test]
    fn the_class_size_option_has_one_chinese_name() {
        assert_eq!(
            t(Lang::Zh, Msg::UpdateClassSizes),
            import_export::UPDATE_CLASS_SIZES_LABEL
        );
        for msg in [Msg::OnePupilHelp, Msg::ClassSizeHint] {
            assert!(
                t(Lang::Zh, msg).contains(import_export::UPDATE_CLASS_SIZES_LABEL),
                "{msg:?}"
            );
            assert!(
                t(Lang::En, msg).contains(t(Lang::En, Msg::UpdateClassSizes)),
                "{msg:?}"
            );
        }
    }
}
