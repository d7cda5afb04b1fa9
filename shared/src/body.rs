//! JSON request bodies: read within a limit and parsed so that a body that does not fit its type
//! is a 400 naming the field, as a JSON pointer (`/caller/phone`), rather than serde's "at line 1
//! column 20".

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::error::ApiError;

/// The largest JSON body [`Json`] reads, as app data (default [`crate::web::DEFAULT_JSON_LIMIT`]).
#[derive(Clone, Copy)]
pub struct JsonLimit(pub usize);

/// A JSON body extractor like actix's `web::Json`, whose errors are [`parse_json`]'s.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<JsonLimit>()
            .map_or(crate::web::DEFAULT_JSON_LIMIT, |l| l.0);
        let content_type = check_json_content_type(req);
        let payload = web::Payload::from_request(req, payload);
        Box::pin(async move {
            content_type?;
            let payload = payload
                .await
                .map_err(|e| ApiError::bad_request(format!("cannot read body: {e}")))?;
            let bytes = read_body(payload, limit).await?;
            parse_json(&bytes).map(Json)
        })
    }
}

/// Refuses a body that is not declared JSON (`application/json` or `…+json`).
pub fn check_json_content_type(req: &HttpRequest) -> Result<(), ApiError> {
    let ct = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime == "application/json" || mime.ends_with("+json") {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "expected Content-Type: application/json",
        ))
    }
}

/// The whole body, or a 413 past `limit` bytes.
pub async fn read_body(payload: web::Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(e)) => Err(ApiError::bad_request(format!("cannot read body: {e}"))),
        Err(_) => Err(ApiError::PayloadTooLarge(format!(
            "request body is larger than {limit} bytes"
        ))),
    }
}

/// Parses a JSON body into `T`. A body that is not JSON at all is a 400 saying where it breaks;
/// one that is JSON but does not fit `T` (a wrong type, a missing or unknown field, a bad value)
/// is a 400 whose `pointer` names the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(body_error)?;
    // Trailing characters after the document, which serde_json::from_slice refuses too.
    de.end().map_err(not_json)?;
    Ok(value)
}

fn not_json(err: serde_json::Error) -> ApiError {
    ApiError::bad_request(format!("the body is not valid JSON: {err}"))
}

fn body_error(err: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let inner = err.inner();
    if !matches!(inner.classify(), Category::Data) {
        return not_json(err.into_inner());
    }
    let message = without_position(&inner.to_string());
    let pointer = pointer(err.path(), &message);
    let detail = if pointer.is_empty() {
        format!("invalid body: {message}")
    } else {
        format!("`{pointer}`: {message}")
    };
    ApiError::InvalidField { pointer, detail }
}

/// serde_json's message without its " at line 1 column 20": the pointer says where.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i)
            if message[i + 9..]
                .split(" column ")
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) =>
        {
            message[..i].to_string()
        }
        _ => message.to_string(),
    }
}

/// The JSON pointer (RFC 6901) of the value that failed. For a missing field the path stops at
/// the object that should hold it; the field's name (from serde's message) is appended.
fn pointer(path: &serde_path_to_error::Path, message: &str) -> String {
    use serde_path_to_error::Segment;
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => out.push_str(&format!("/{}", escape(key))),
            Segment::Enum { variant } => out.push_str(&format!("/{}", escape(variant))),
            Segment::Unknown => {}
        }
    }
    if let Some(rest) = message.strip_prefix("missing field `")
        && let Some(end) = rest.find('`')
    {
        out.push_str(&format!("/{}", escape(&rest[..end])));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Caller {
        phone: String,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Ticket {
        #[serde(rename = "type")]
        kind: String,
        caller: Caller,
        #[serde(default)]
        tags: Vec<u8>,
    }

    fn problem(body: &str) -> crate::error::Problem {
        parse_json::<Ticket>(body.as_bytes()).unwrap_err().problem()
    }

    #[test]
    fn a_body_that_does_not_fit_names_the_field() {
        let cases = [
            (r#"{"type":"x","caller":{"phone":5}}"#, "/caller/phone"),
            (r#"{"type":"x","caller":{}}"#, "/caller/phone"),
            (r#"{"caller":{"phone":"1"}}"#, "/type"),
            (
                r#"{"type":"x","caller":{"phone":"1","fax":"2"}}"#,
                "/caller/fax",
            ),
            (
                r#"{"type":"x","caller":{"phone":"1"},"tags":[1,300]}"#,
                "/tags/1",
            ),
            (r#"{"type":1,"caller":{"phone":"1"}}"#, "/type"),
        ];
        for (body, pointer) in cases {
            let p = problem(body);
            assert_eq!(p.status, 400, "{body}");
            assert_eq!(p.pointer.as_deref(), Some(pointer), "{body}");
            let detail = p.detail.unwrap();
            assert!(detail.starts_with(&format!("`{pointer}`: ")), "{detail}");
            assert!(!detail.contains("line 1"), "{detail}");
        }
    }

    #[test]
    fn a_body_that_is_not_json_says_where_it_breaks() {
        for body in [
            r#"{"type":"#,
            r#"{"type":"x","caller":{"phone":"1"}} x"#,
            "nonsense",
        ] {
            let p = problem(body);
            assert_eq!((p.status, p.pointer), (400, None), "{body}");
            assert!(p.detail.unwrap().contains("not valid JSON"), "{body}");
        }
        assert!(parse_json::<Ticket>(br#" {"type":"x","caller":{"phone":"1"}} "#).is_ok());
    }
}
