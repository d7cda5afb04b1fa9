//! What the HTTP gateways (fax and SMS) have in common: how their answers are read.

use std::time::Duration;

use crate::send::SendError;

/// The HTTP client of a gateway: 5 s to connect, `timeout` for the whole request.
pub fn client(timeout: Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(timeout)
        .build()
        .map_err(|e| e.to_string())
}

/// A gateway that could not be reached: transient. The URL is left out of the text (it may
/// carry a key, and the error is shown to supervisors).
pub fn unreachable(what: &str, e: reqwest::Error) -> SendError {
    SendError::Transient(format!("{what} unreachable: {}", e.without_url()))
}

/// The body of a gateway's answer if it accepted the request (2xx). A 5xx, 429 (too many
/// requests) or 408 (timeout) may pass and is transient; any other status is the gateway's
/// final refusal (permanent).
pub async fn answer(what: &str, res: reqwest::Response) -> Result<String, SendError> {
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    let snippet: String = text.chars().take(300).collect();
    if status.is_server_error() || matches!(status.as_u16(), 408 | 429) {
        return Err(SendError::Transient(format!(
            "{what} answered {status}: {snippet}"
        )));
    }
    if !status.is_success() {
        return Err(SendError::Permanent(format!(
            "{what} refused it ({status}): {snippet}"
        )));
    }
    Ok(text)
}

/// Where a lookup URL names the notification.
pub const LOOKUP_PLACEHOLDER: &str = "{notification_id}";

/// Asks a gateway whether it already has the job of `notification_id` (an earlier attempt that
/// reached it, whose answer was lost to a crash or a timeout): `Some(its id)` on 2xx, `None` on
/// 404. Anything else is transient: sending while unsure could send twice, and waiting loses
/// nothing. `request` adds the gateway's credentials.
pub async fn lookup(
    what: &str,
    client: &reqwest::Client,
    url_template: &str,
    notification_id: &str,
    keys: &[&str],
    request: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
) -> Result<Option<String>, SendError> {
    let url = url_template.replace(LOOKUP_PLACEHOLDER, notification_id);
    let res = request(client.get(url))
        .send()
        .await
        .map_err(|e| unreachable(what, e))?;
    if res.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    let status = res.status();
    if !status.is_success() {
        return Err(SendError::Transient(format!(
            "{what} lookup answered {status}"
        )));
    }
    let text = res.text().await.unwrap_or_default();
    Ok(Some(
        answer_id(&text, keys).unwrap_or_else(|| format!("http:{notification_id}")),
    ))
}

/// The id in a gateway's JSON answer: the first of `keys` that holds a string (at most 200
/// characters) or a number, at the top level or in a `data` object.
pub fn answer_id(answer: &str, keys: &[&str]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(answer).ok()?;
    [&v, &v["data"]].into_iter().find_map(|level| {
        keys.iter().find_map(|k| match &level[*k] {
            serde_json::Value::String(s) if !s.is_empty() && s.chars().count() <= 200 => {
                Some(s.clone())
            }
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_gateway_answers() {
        let keys = ["message_id", "id"];
        assert_eq!(
            answer_id(r#"{"message_id":"M-1","id":"x"}"#, &keys).as_deref(),
            Some("M-1")
        );
        assert_eq!(answer_id(r#"{"id":42}"#, &keys).as_deref(), Some("42"));
        assert_eq!(
            answer_id(r#"{"code":0,"data":{"message_id":"D-7"}}"#, &keys).as_deref(),
            Some("D-7")
        );
        assert_eq!(answer_id("not json", &keys), None);
        assert_eq!(answer_id(r#"{"id":""}"#, &keys), None);
        assert_eq!(answer_id(r#"["id"]"#, &keys), None);
    }
}
