//! One error type for every service, rendered as `application/problem+json` (RFC 9457).
//!
//! Database "not found" becomes 404, a unique violation 409, a busy database 503, and anything
//! unexpected a logged 500 whose body says nothing about the cause.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// The problem document every error answer carries.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For a body that does not fit its type: the JSON pointer (RFC 6901) of the field at
    /// fault, e.g. `/caller/phone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Stable machine-readable code, e.g. `not_found`, `invalid_transition`.
    pub code: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    /// A body that does not fit its type, at the field `pointer` names.
    #[error("{detail}")]
    InvalidField { pointer: String, detail: String },
    #[error("authentication required: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The path is served, but not with this method; `allow` lists the methods it takes.
    #[error("{method} is not allowed here; this path takes {allow}")]
    MethodNotAllowed { method: String, allow: String },
    /// A lifecycle action not allowed in the current state.
    #[error("{0}")]
    InvalidTransition(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    /// A body of a kind the route does not take (an attachment that is not PDF, TIFF, PNG or
    /// JPEG by its first bytes).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The request's body did not arrive in time.
    #[error("{0}")]
    RequestTimeout(String),
    #[error("{0}")]
    UriTooLong(String),
    #[error("{0}")]
    HeadersTooLarge(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("{0}")]
    ServiceUnavailable(String),
    /// Something went wrong that the client cannot fix; logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(msg: impl Into<String>) -> Self {
        Self::BadRequest(msg.into())
    }
    pub fn not_found(msg: impl Into<String>) -> Self {
        Self::NotFound(msg.into())
    }
    pub fn conflict(msg: impl Into<String>) -> Self {
        Self::Conflict(msg.into())
    }
    pub fn forbidden(msg: impl Into<String>) -> Self {
        Self::Forbidden(msg.into())
    }
    pub fn internal(msg: impl std::fmt::Display) -> Self {
        Self::Internal(msg.to_string())
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) | Self::InvalidField { .. } => "bad_request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Conflict(_) => "conflict",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::InvalidTransition(_) => "invalid_transition",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::RequestTimeout(_) => "request_timeout",
            Self::UriTooLong(_) => "uri_too_long",
            Self::HeadersTooLarge(_) => "headers_too_large",
            Self::TooManyRequests(_) => "too_many_requests",
            Self::ServiceUnavailable(_) => "service_unavailable",
            Self::Internal(_) => "internal",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::BadRequest(_) | Self::InvalidField { .. } => "Bad request",
            Self::Unauthorized(_) => "Unauthorized",
            Self::Forbidden(_) => "Forbidden",
            Self::NotFound(_) => "Not found",
            Self::Conflict(_) => "Conflict",
            Self::MethodNotAllowed { .. } => "Method not allowed",
            Self::InvalidTransition(_) => "Action not allowed in the current state",
            Self::PayloadTooLarge(_) => "Payload too large",
            Self::UnsupportedMediaType(_) => "Unsupported media type",
            Self::RequestTimeout(_) => "Request timeout",
            Self::UriTooLong(_) => "URI too long",
            Self::HeadersTooLarge(_) => "Request header fields too large",
            Self::TooManyRequests(_) => "Too many requests",
            Self::ServiceUnavailable(_) => "Service unavailable",
            Self::Internal(_) => "Internal server error",
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code().as_u16();
        let detail = match self {
            Self::Internal(_) => None,
            Self::Unauthorized(m) | Self::Forbidden(m) => Some(m.clone()),
            other => Some(other.to_string()),
        };
        Problem {
            kind: format!("https://hotline.example/problems/{}", self.code()),
            title: self.title().to_string(),
            status,
            detail,
            pointer: match self {
                Self::InvalidField { pointer, .. } => Some(pointer.clone()),
                _ => None,
            },
            code: self.code().to_string(),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) | Self::InvalidField { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) | Self::InvalidTransition(_) => StatusCode::CONFLICT,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Self::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            Self::HeadersTooLarge(_) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::ServiceUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            tracing::error!(error = %cause, "internal error");
        }
        let mut builder = HttpResponse::build(self.status_code());
        match self {
            Self::Unauthorized(_) => {
                builder.insert_header(("www-authenticate", "Bearer"));
            }
            Self::MethodNotAllowed { allow, .. } => {
                builder.insert_header(("allow", allow.as_str()));
            }
            _ => {}
        }
        builder
            .content_type("application/problem+json")
            .json(self.problem())
    }
}

impl From<crate::db::DbError> for ApiError {
    /// A database's own message never reaches a client: it names tables and constraints.
    fn from(err: crate::db::DbError) -> Self {
        use crate::db::DbError;
        match err {
            DbError::NotFound => Self::NotFound("not found".into()),
            DbError::Unique { .. } => Self::Conflict("already exists".into()),
            DbError::ForeignKey => {
                Self::BadRequest("refers to something that does not exist".into())
            }
            DbError::Busy => Self::ServiceUnavailable("the database is busy; try again".into()),
            DbError::Other(m) => Self::Internal(m),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        crate::db::DbError::from(err).into()
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        Self::ServiceUnavailable(format!("database unavailable: {err}"))
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::Internal(format!("blocking task: {err}"))
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(err: serde_json::Error) -> Self {
        Self::Internal(format!("json: {err}"))
    }
}

/// Extractor failures (bad JSON, unknown fields, bad path or query, too large) as problems.
pub fn json_error(
    err: actix_web::error::JsonPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    let api = match &err {
        E::Overflow { .. } | E::OverflowKnownLength { .. } => {
            ApiError::PayloadTooLarge("request body is too large".into())
        }
        E::ContentType => ApiError::BadRequest("expected Content-Type: application/json".into()),
        E::Deserialize(e) => ApiError::BadRequest(format!("invalid JSON body: {e}")),
        other => ApiError::BadRequest(format!("invalid JSON body: {other}")),
    };
    api.into()
}

pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::BadRequest(format!("invalid query string: {err}")).into()
}

pub fn path_error(
    err: actix_web::error::PathError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::NotFound(format!("invalid path: {err}")).into()
}
