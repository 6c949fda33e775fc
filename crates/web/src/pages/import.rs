//! Import in the browser: upload a file, see its row errors on the page
//! (the first thousand; the whole report is a download), import only a
//! clean file. Officers may write only the schools in their scope; the
//! importer checks every row for it.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::{t, tf, Msg};
use crate::layout::{forbidden, page};
use crate::state::AppState;

/// Row errors the page lists; the report has them all.
pub const SHOWN_ERRORS: usize = 1000;

/// Largest upload accepted (a county's students fit well within it).
pub const MAX_UPLOAD: usize = 200 * 1024 * 1024;

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
        form #upload method="post" action="/import" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(csrf);
            input type="file" name="file" accept=".xlsx,.csv" required;
            label { input type="checkbox" name="commit" value="1"; " " (t(lang, Msg::Commit)) }
            " "
            button.primary type="submit" { (t(lang, Msg::Upload)) }
        }
        (result)
        h2 { (t(lang, Msg::Templates)) }
        ul { @for e in import_export::Entity::ALL {
            li { a href={ "/templates/" (e.code()) ".xlsx" } { (crate::pages::vocab(lang, e.label_zh(), e.label_en())) } }
        } }
    };
    page(ctx, t(lang, Msg::Import), body)
}

pub async fn upload(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    if !ctx.principal.can_import() {
        return Err(forbidden(&ctx));
    }
    // Before the body is read: a file is held in memory until imported.
    let Some(_upload) = state.upload_permit() else {
        let waiting = state.config.import_queue + state.config.import_slots;
        return Ok(queue_full(&ctx, waiting));
    };
    let mut csrf = String::new();
    let mut commit = false;
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
        return Err(WebError::BadRequest(t(ctx.lang, Msg::NoFile).to_owned()));
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
        return Err(WebError::BadRequest(tf(ctx.lang, Msg::OnlyXlsxCsv, &[&base])));
    }
    let scope = ctx.principal.write_scope();
    let actor = ctx.principal.username.clone();
    let limits = import_export::TransferLimits::default();
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
            };
            let outcome =
                import_export::import(s, &path, options, chrono::Local::now().date_naive(), &mut |_| {});
            if let Ok(outcome) = &outcome {
                if outcome.held_for_city {
                    use store::Store;
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
    let lang = ctx.lang;
    let (outcome, waited) = match queued {
        Ok((outcome, waited)) => (outcome?, waited),
        Err(busy) => {
            let waiting = match busy {
                crate::state::Busy::QueueFull(n) => n,
                crate::state::Busy::TimedOut => state.config.import_queue,
            };
            return Ok(queue_full(&ctx, waiting));
        }
    };
    // Said when the import had to wait its turn, so a slow answer is explained.
    let queue_note = (waited >= state.config.import_wait_note).then(|| {
        html! { p.muted #import-queued { (tf(lang, Msg::ImportQueued, &[&waited.as_secs().max(1), &state.config.import_slots])) } }
    });
    let result = match outcome {
        // The database failed (busy behind another import, or worse): the
        // form again with the status and the user's words, never the raw
        // error, and nothing was written.
        Err(import_export::ImportError::Store { source, .. }) => {
            let failure = crate::error::StoreFailure::of(&source);
            let mut response =
                form_page(&ctx, html! { p.error #import-result { (t(lang, failure.msg)) } }).into_response();
            failure.apply(&mut response);
            return Ok(response);
        }
        // The file itself cannot be read: its message names the file.
        Err(error) => html! { p.error #import-result { (error) " " (t(lang, Msg::NothingImported)) } },
        Ok(outcome) if outcome.held_for_city => {
            html! { p.error #import-result { (t(lang, Msg::HeldForCity)) } }
        }
        Ok(outcome) if !outcome.errors.is_empty() => {
            let errors = Arc::new(outcome.errors);
            let id = crate::auth::random_token()?;
            state
                .reports
                .lock()
                .map_err(|_| WebError::Internal("reports lock poisoned".to_owned()))?
                .insert(id.clone(), ctx.principal.user_id, errors.clone(), Instant::now());
            let total = errors.len();
            html! {
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
            }
        }
        Ok(outcome) if outcome.dry_run => html! {
            p.ok #import-result { (t(lang, Msg::NoErrors)) " (" (outcome.rows) " " (t(lang, Msg::Rows)) ")" }
            @if ctx.principal.write_scope().is_some_and(|s| !s.moves_people_directly()) {
                p.muted { (t(lang, Msg::DryRunNoTransfers)) }
            }
        },
        Ok(outcome) => {
            let written = outcome.rows - outcome.transfers.len() as u64;
            html! {
                p.ok #import-result { (t(lang, Msg::Imported)) " " (written) " " (t(lang, Msg::Rows)) }
                @if !outcome.transfers.is_empty() {
                    p #transfers-filed { (tf(lang, Msg::TransfersFiled, &[&outcome.transfers.len()])) " " a href="/transfers" { (t(lang, Msg::Transfers)) } }
                    div.table-wrap { table #filed {
                        thead { tr { th { (t(lang, Msg::File)) } th { (t(lang, Msg::Row)) } th { (t(lang, Msg::IdNumber)) } th { (t(lang, Msg::SchoolYear)) } } }
                        tbody { @for n in &outcome.transfers {
                            tr { td { (n.file) @if let Some(sheet) = &n.sheet { "（" (sheet) "）" } } td { (n.row) } td { (n.id_number) } td { (n.school_year.label_zh()) } }
                        } }
                    } }
                }
            }
        }
    };
    let result = html! { @if let Some(note) = &queue_note { (note) } (result) };
    Ok(form_page(&ctx, result).into_response())
}

/// The form again with 503 and `Retry-After`: the import queue is full.
fn queue_full(ctx: &Ctx, waiting: usize) -> Response {
    let result = html! { p.error #import-result { (tf(ctx.lang, Msg::ImportQueueFull, &[&waiting])) } };
    let mut response = form_page(ctx, result).into_response();
    *response.status_mut() = axum::http::StatusCode::SERVICE_UNAVAILABLE;
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, axum::http::HeaderValue::from_static("30"));
    response
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
