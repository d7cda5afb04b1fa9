//! Text messages: the number they go to and how many parts a text is sent in.
//!
//! Counting follows what Chinese carriers bill (and their gateways document): every character
//! counts one, Chinese or not (a character outside the Basic Multilingual Plane, such as an
//! emoji, counts two: it takes two UCS-2 units). A text of at most [`SINGLE`] characters is one
//! message; a longer one is sent as a concatenated message of parts of at most [`PART`]
//! characters each (three units of every part carry the concatenation header), so it costs
//! `ceil(length / 67)` messages. Notify refuses texts longer than [`MAX_CHARS`].

use shared::ApiError;

/// Characters of a text sent as one message.
pub const SINGLE: usize = 70;
/// Characters of each part of a longer (concatenated) text.
pub const PART: usize = 67;
/// The longest text notify sends (the limit of the common Chinese gateways), eight parts.
pub const MAX_CHARS: usize = 500;
/// The subject stored with a text message that was given none (SMS has no subject).
pub const DEFAULT_SUBJECT: &str = "短信";

/// The length of `text` as carriers count it (UCS-2 units).
pub fn length(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// How many messages `text` is sent as: 1 up to 70 characters, else one per 67.
pub fn segments(text: &str) -> usize {
    match length(text) {
        0..=SINGLE => 1,
        n => n.div_ceil(PART),
    }
}

/// The number a text goes to, as stored and given to the gateway (`13800138000`), or a 400.
pub fn recipient(to: &str) -> Result<String, ApiError> {
    shared::values::mobile_number(to).ok_or_else(|| {
        ApiError::bad_request(
            "`to` is not a mainland mobile number (11 digits from 13 to 19, +86 or 0086 in front allowed)",
        )
    })
}

/// A text that can be sent: not empty, at most [`MAX_CHARS`]; its number of messages.
pub fn check_text(text: &str) -> Result<usize, ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::bad_request("the text message is empty"));
    }
    let n = length(text);
    if n > MAX_CHARS {
        return Err(ApiError::bad_request(format!(
            "the text message has {n} characters; at most {MAX_CHARS} are sent"
        )));
    }
    Ok(segments(text))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_70_then_67() {
        assert_eq!(segments("您好"), 1);
        assert_eq!(segments(&"字".repeat(70)), 1);
        assert_eq!(segments(&"字".repeat(71)), 2);
        assert_eq!(segments(&"字".repeat(134)), 2);
        assert_eq!(segments(&"字".repeat(135)), 3);
        // Latin letters count one each too; an emoji two.
        assert_eq!(segments(&"a".repeat(70)), 1);
        assert_eq!(length("a😀"), 3);
        assert_eq!(segments(&format!("{}😀", "字".repeat(69))), 2);
    }

    #[test]
    fn texts_and_numbers_are_checked() {
        assert_eq!(check_text("工单已派发").unwrap(), 1);
        assert!(check_text("  ").is_err());
        assert_eq!(check_text(&"字".repeat(MAX_CHARS)).unwrap(), 8);
        assert!(check_text(&"字".repeat(MAX_CHARS + 1)).is_err());
        assert_eq!(recipient("+86 138 0013 8000").unwrap(), "13800138000");
        assert!(recipient("0871-64590534").is_err());
    }
}
