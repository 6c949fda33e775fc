//! Errors of a request: a message to the user in the request's language,
//! the detail to the log (never personal data: store errors name tables
//! and codes, not people).
//!
//! A `WebError` is often raised where the language is not at hand (an
//! extractor, a helper), so its answer carries what it means
//! ([`ErrorText`]) and [`localise`], which has the request, writes the text
//! in the request's language.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::i18n::{t, Lang, Msg};
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

/// What an error answer says, before it is put in a language.
#[derive(Debug, Clone)]
pub struct ErrorText {
    pub msg: Msg,
    /// Said after the message (a bad request's reason).
    pub detail: Option<String>,
}

impl ErrorText {
    pub fn render(&self, lang: Lang) -> String {
        let sep = match lang {
            Lang::Zh => "：",
            Lang::En => ": ",
        };
        match &self.detail {
            Some(detail) => format!("{}{sep}{detail}", t(lang, self.msg)),
            None => t(lang, self.msg).to_owned(),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, msg, detail) = match self {
            WebError::NotFound => (StatusCode::NOT_FOUND, Msg::NotFound, None),
            WebError::BadRequest(detail) => (StatusCode::BAD_REQUEST, Msg::BadRequest, Some(detail)),
            WebError::Csrf => (StatusCode::FORBIDDEN, Msg::CsrfFailed, None),
            WebError::Forbidden(page) => {
                return (StatusCode::FORBIDDEN, axum::response::Html(page)).into_response();
            }
            error @ (WebError::State(_) | WebError::Internal(_)) => {
                tracing::error!(error = %error, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, Msg::ServerError, None)
            }
        };
        let text = ErrorText { msg, detail };
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            text.render(Lang::default()),
        )
            .into_response();
        response.extensions_mut().insert(text);
        response
    }
}

/// Writes an error answer in the request's language (the language cookie,
/// as [`crate::auth::Ctx`] reads it).
pub async fn localise(request: Request, next: Next) -> Response {
    let lang = crate::auth::request_lang(request.headers());
    let mut response = next.run(request).await;
    if let Some(text) = response.extensions_mut().remove::<ErrorText>() {
        if lang != Lang::default() {
            response.headers_mut().remove(header::CONTENT_LENGTH);
            *response.body_mut() = Body::from(text.render(lang));
        }
    }
    response
}
