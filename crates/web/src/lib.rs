//! The web application: server-rendered pages (maud, ECharts, htmx) and a
//! JSON API over the registry and the indicators, with accounts scoped by
//! area. Handlers are thin: parse, ask `access` and the engines, render.
//!
//! - [`router`]: every route, with request timeouts; [`serve`]: bind and run.
//! - `server.rs`: the connection loop (header-read and idle timeouts, a
//!   connection limit, the open-files limit raised).
//! - `client.rs`: the client address logins are throttled by (trusted proxies).
//! - `auth.rs`: session cookie → `Principal`, language, CSRF.
//! - `state.rs`: connection pool, computed indicators (fresh by revision).
//! - `pages/`: one module per page; `api.rs`: the JSON API and OpenAPI.
//! - `download.rs`: workbook answers and their Chinese file names.
//! - `i18n.rs`: every label in Chinese and English.
//! - `reports.rs`: recent imports' error reports, for their uploaders.

pub mod api;
pub mod assets;
pub mod auth;
pub mod client;
pub mod data;
pub mod download;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod layout;
pub mod pages;
pub mod reports;
pub mod server;
pub mod state;
pub mod views;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use tower_http::timeout::TimeoutLayer;

pub use state::{AppState, ServerConfig};

/// Largest body of any request but an upload: a login or a user form is a
/// few hundred bytes, and an anonymous client must not make the server
/// buffer megabytes.
pub const MAX_FORM: usize = 64 * 1024;

/// Every route of the application. Every request must be read and answered
/// within [`ServerConfig::request_timeout`] (408 after it), an upload to
/// `/import` within [`ServerConfig::import_timeout`].
pub fn router(state: Arc<AppState>) -> Router {
    let timeout = |limit| TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limit);
    let (request_timeout, import_timeout) = (state.config.request_timeout, state.config.import_timeout);
    Router::new()
        .route("/", get(pages::overview::overview))
        .route("/login", get(pages::login::login_page).post(pages::login::login))
        .route("/logout", post(pages::login::logout))
        .route("/lang/{code}", get(pages::login::switch_language))
        .route("/areas/{area}", get(pages::areas::area))
        .route("/areas/{area}/schools", get(pages::behind::schools))
        .route("/areas/{area}/schools.xlsx", get(pages::behind::export))
        .route(
            "/schools/{code}",
            get(pages::school::school).post(pages::school::school_unmasked),
        )
        .route("/schools/{code}/export.xlsx", get(pages::school::export))
        .route("/indicators", get(pages::indicator::catalogue))
        .route("/indicators/{indicator}", get(pages::indicator::indicator))
        .route(
            "/indicators/{indicator}/export.xlsx",
            get(pages::indicator::export),
        )
        .route("/import/report/{file}", get(pages::import::report))
        .route("/templates/{name}", get(pages::import::template))
        .route("/transfers", get(pages::transfers::transfers))
        .route("/transfers/{id}", post(pages::transfers::decide))
        .route(
            "/admin/users",
            get(pages::admin::users).post(pages::admin::add_user),
        )
        .route("/admin/users/active", post(pages::admin::set_active))
        .route("/admin/audit", get(pages::admin::audit))
        .route("/plans", get(pages::plans::latest))
        .route("/plans/{id}", get(pages::plans::plan))
        .route("/plans/{id}/summary", get(pages::summary::summary))
        .route("/plans/{id}/summary.docx", get(pages::summary::docx))
        .route("/plans/{id}/ledger.xlsx", get(pages::summary::ledger))
        .route("/tasks/{id}", get(pages::task::task))
        .route("/tasks/{id}/steps", post(pages::task::step))
        .route("/reports/{id}/decision", post(pages::task::decide_report))
        .route("/documents/{id}", get(pages::task::document))
        .route("/supervision", get(pages::supervision::board))
        .route("/projects", get(pages::projects::projects))
        .route("/my-tasks", get(pages::my_tasks::my_tasks))
        .route("/forecast", get(pages::forecast::forecast_page))
        .route("/forecast.xlsx", get(pages::forecast::export))
        .route("/forecast/county/{code}", get(pages::forecast::county_page))
        .route("/forecast/runs", post(pages::forecast::save))
        // `{id}` or `{id}.xlsx`: a path segment is captured whole.
        .route("/forecast/runs/{id}", get(pages::forecast::saved_run))
        .route("/admission", get(pages::admission::index))
        .route("/admission/runs", post(pages::admission::run))
        .route("/admission/compare", get(pages::admission::compare))
        .route("/admission/inputs/{id}", get(pages::admission::inputs_page))
        .route(
            "/admission/inputs/{id}/correct",
            get(pages::admission::correct_page).post(pages::admission::correct),
        )
        .route(
            "/admission/inputs/{id}/schools/{code}",
            get(pages::admission::school_list).post(pages::admission::sign_off),
        )
        // `{id}` or `{id}.xlsx` (POST: the workbook in full, audited).
        .route(
            "/admission/runs/{id}",
            get(pages::admission::run_page).post(pages::admission::export_unmasked),
        )
        .route(
            "/admission/runs/{id}/schools/{code}",
            get(pages::admission::run_school),
        )
        .route(
            "/admission/runs/{id}/candidates",
            get(pages::admission::candidates).post(pages::admission::candidates_unmasked),
        )
        .route("/admission/runs/{id}/explain", get(pages::admission::explain))
        .route("/admission/runs/{id}/changes", get(pages::admission::changes))
        .route("/assets/{name}", get(assets::asset))
        .route("/healthz", get(api::healthz))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/me", get(api::me))
        .route("/api/overview", get(api::overview))
        .route("/api/areas/{area}", get(api::area))
        .route("/api/indicators", get(api::indicator_list))
        .route("/api/indicators/{indicator}", get(api::indicator))
        .route("/api/schools/{code}", get(api::school))
        // Every route so far; the import's is longer.
        .route_layer(timeout(request_timeout))
        // Only an upload may be large; every other body is a small form.
        .route(
            "/import",
            get(pages::import::import_page)
                .post(pages::import::upload)
                .layer::<_, Infallible>(DefaultBodyLimit::max(pages::import::MAX_UPLOAD))
                .layer::<_, Infallible>(timeout(import_timeout)),
        )
        // A year's admission inputs: a workbook of a city's candidates.
        .route(
            "/admission/inputs",
            post(pages::admission::upload_inputs)
                .layer::<_, Infallible>(DefaultBodyLimit::max(pages::import::MAX_UPLOAD))
                .layer::<_, Infallible>(timeout(import_timeout)),
        )
        // A progress report carries its documents.
        .route(
            "/tasks/{id}/reports",
            post(pages::task::file_report)
                .layer::<_, Infallible>(DefaultBodyLimit::max(pages::task::MAX_REPORT_UPLOAD))
                .layer::<_, Infallible>(timeout(import_timeout)),
        )
        .fallback(|| async { error::WebError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_FORM))
        .layer(axum::middleware::from_fn(auth::localise))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::demo_header,
        ))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// Headers every response carries: no framing, no sniffing, scripts only
/// from this server (pages have no inline script).
async fn security_headers(mut response: axum::response::Response) -> axum::response::Response {
    let headers = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: header::HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
    );
    response
}

/// Binds `addr` and serves until Ctrl-C. `ready` is told the bound address
/// (port 0 picks a free one, as the tests do). Raises the open-files limit
/// first and serves at most [`server::connection_limit`] connections at once
/// (both logged).
pub async fn serve(
    state: Arc<AppState>,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let open_files = server::raise_open_files_limit();
    let max_connections = server::connection_limit(state.config.max_connections, open_files);
    tracing::info!(
        open_files = open_files.map_or_else(|| "unknown".to_owned(), |n| n.to_string()),
        max_connections,
        "connection limits"
    );
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    server::run(state, listener, max_connections, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}
