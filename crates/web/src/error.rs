//! Errors of a request: a message to the user in the request's language,
//! the detail to the log (never personal data: store errors name tables
//! and codes, not people).
//!
//! A `WebError` is often raised where the language is not at hand (an
//! extractor, a helper), so its answer carries what it means
//! ([`ErrorText`]) and [`crate::auth::localise`], which has the request, writes the text
//! in the request's language.
//!
//! A database error never reaches the user as its raw text: a busy
//! database (another write held the lock past the wait) is 503 with
//! `Retry-After` — the same request can succeed later — and anything else
//! 500 ([`StoreFailure`]).

use axum::http::{header, StatusCode};
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
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// A failure of ours (database, random source) met inside a domain call.
    #[error("{0}")]
    Internal(String),
}

/// How a failure of the store is answered: its status, what the user is
/// told, and when to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreFailure {
    pub status: StatusCode,
    pub msg: Msg,
    /// Seconds, for `Retry-After`.
    pub retry_after: Option<u32>,
}

/// Seconds a client is told to wait when the database is busy: a write
/// waits for another up to minutes ([`store`] takes the lock IMMEDIATE), so
/// busy means a long write is running.
const BUSY_RETRY_AFTER: u32 = 30;

impl StoreFailure {
    /// Logs the error (store errors name tables and codes, never people)
    /// and says how to answer it.
    pub fn of(error: &store::StoreError) -> StoreFailure {
        if error.is_busy() {
            tracing::warn!(error = %error, "database busy");
            StoreFailure {
                status: StatusCode::SERVICE_UNAVAILABLE,
                msg: Msg::DatabaseBusy,
                retry_after: Some(BUSY_RETRY_AFTER),
            }
        } else {
            tracing::error!(error = %error, "request failed in the store");
            StoreFailure {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                msg: Msg::ServerError,
                retry_after: None,
            }
        }
    }

    /// Sets the status and `Retry-After` on an answer (a page that shows
    /// the failure in place, such as the import form).
    pub fn apply(&self, response: &mut Response) {
        *response.status_mut() = self.status;
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
        }
    }
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
            // What the store refuses to write (a label with a bidi
            // character, a run that does not fit its inputs) is the
            // request's fault, said in Chinese: 400, not a server error.
            WebError::State(StateError::Store(store::StoreError::InvalidAdmission(detail)))
            | WebError::Store(store::StoreError::InvalidAdmission(detail)) => {
                tracing::info!(reason = %detail, "admission write refused by the store");
                (StatusCode::BAD_REQUEST, Msg::BadRequest, Some(detail))
            }
            WebError::State(StateError::Store(error)) | WebError::Store(error) => {
                let failure = StoreFailure::of(&error);
                let mut response = text_answer(
                    failure.status,
                    ErrorText {
                        msg: failure.msg,
                        detail: None,
                    },
                );
                failure.apply(&mut response);
                return response;
            }
            error @ (WebError::State(_) | WebError::Internal(_)) => {
                tracing::error!(error = %error, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, Msg::ServerError, None)
            }
        };
        text_answer(status, ErrorText { msg, detail })
    }
}

/// A plain-text error answer, in the default language until [`crate::auth::localise`]
/// rewrites it.
fn text_answer(status: StatusCode, text: ErrorText) -> Response {
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text.render(Lang::default()),
    )
        .into_response();
    response.extensions_mut().insert(text);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_database_is_503_with_retry_after_and_no_raw_message() {
        // What each backend's driver errors become when another connection
        // held the lock (the store's own tests check the conversions).
        {
            let response =
                WebError::Store(store::StoreError::Busy("database is locked".into())).into_response();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(response.headers()[header::RETRY_AFTER], "30");
            let text = response
                .extensions()
                .get::<ErrorText>()
                .map(|t| t.render(Lang::En));
            assert_eq!(text.as_deref(), Some(t(Lang::En, Msg::DatabaseBusy)));
        }
    }

    #[test]
    fn an_admission_write_the_store_refuses_is_400_with_its_chinese_reason() {
        let refused = "录取数据名称含控制字符 U+202E".to_owned();
        for error in [
            WebError::Store(store::StoreError::InvalidAdmission(refused.clone())),
            WebError::State(StateError::Store(store::StoreError::InvalidAdmission(
                refused.clone(),
            ))),
        ] {
            let response = error.into_response();
            assert_eq!(response.status(), StatusCode::BAD_REQUEST);
            let text = response
                .extensions()
                .get::<ErrorText>()
                .map(|t| t.render(Lang::Zh))
                .unwrap_or_default();
            assert!(text.contains(&refused), "{text}");
        }
    }

    #[test]
    fn any_other_store_error_is_500_in_the_users_words() {
        let error = StateError::Store(store::StoreError::Backend(
            "database disk image is malformed".into(),
        ));
        let response = WebError::State(error).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().get(header::RETRY_AFTER).is_none());
        let text = response
            .extensions()
            .get::<ErrorText>()
            .map(|t| t.render(Lang::Zh));
        assert_eq!(text.as_deref(), Some(t(Lang::Zh, Msg::ServerError)));
    }
}
