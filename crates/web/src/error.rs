//! Errors of a request: a Chinese message to the user, the detail to the
//! log (never personal data: store errors name tables and codes, not people).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::state::StateError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("未找到")]
    NotFound,
    #[error("请求无效：{0}")]
    BadRequest(String),
    #[error("表单已过期，请刷新页面后重试")]
    Csrf,
    /// Outside the principal's scope: the refusal page, with 403.
    #[error("无权访问")]
    Forbidden(String),
    #[error(transparent)]
    State(#[from] StateError),
    /// A failure of ours (database, random source) met inside a domain call.
    #[error("{0}")]
    Internal(String),
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = match &self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::Forbidden(page) => {
                return (StatusCode::FORBIDDEN, axum::response::Html(page.clone())).into_response();
            }
            WebError::State(_) | WebError::Internal(_) => {
                tracing::error!(error = %self, "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let message = match &self {
            WebError::State(_) | WebError::Internal(_) => "服务器内部错误，请稍后重试".to_owned(),
            other => other.to_string(),
        };
        (status, [("content-type", "text/plain; charset=utf-8")], message).into_response()
    }
}
