//! Static files, inside the binary: echarts and htmx from npm (copied by
//! `build.rs`), the stylesheet and the small script of the pages.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const ECHARTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/echarts.min.js"));
const HTMX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/htmx.min.js"));
const CSS: &str = include_str!("../assets/app.css");
const JS: &str = include_str!("../assets/app.js");

pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind): (&[u8], &str) = match name.as_str() {
        "echarts.min.js" => (ECHARTS, "text/javascript"),
        "htmx.min.js" => (HTMX, "text/javascript"),
        "app.css" => (CSS.as_bytes(), "text/css; charset=utf-8"),
        "app.js" => (JS.as_bytes(), "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}
