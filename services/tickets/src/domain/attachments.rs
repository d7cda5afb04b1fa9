//! A ticket's attachments (issue 18): which files it keeps, told by their first bytes, never
//! by the name or type a sender claims; and the names they are served under.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The kinds of file a ticket keeps: scans and faxes (PDF, TIFF) and photos (PNG, JPEG).
pub const KINDS: &str = "PDF, TIFF, PNG or JPEG";

/// The content type of `bytes` by their magic number, when it is a kind a ticket keeps.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    const KNOWN: [(&[u8], &str); 5] = [
        (b"%PDF-", "application/pdf"),
        (b"II*\0", "image/tiff"),
        (b"MM\0*", "image/tiff"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
    ];
    KNOWN
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, kind)| *kind)
}

/// The usual extension of a kind, for a file that came without a name.
fn extension(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "pdf",
        "image/tiff" => "tif",
        "image/png" => "png",
        _ => "jpg",
    }
}

/// A file name safe to store and to serve: the last path segment, without control characters
/// or quotes, at most 120 characters; `附件.<ext>` when nothing is left.
pub fn clean_filename(name: &str, content_type: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';' | '<' | '>'))
        .take(120)
        .collect();
    let kept = kept.trim().trim_start_matches('.').to_string();
    if kept.is_empty() {
        format!("附件.{}", extension(content_type))
    } else {
        kept
    }
}

/// The `Content-Disposition` of a served attachment: shown in the browser (a PDF or an image
/// opens in place), under its name in RFC 5987 form and an ASCII fallback.
pub fn disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Where an attachment came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Uploaded by a person (a scan, a photo).
    Upload,
    /// A file of a received e-mail.
    Mail,
    /// A received fax.
    Fax,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Upload => "upload",
            Source::Mail => "mail",
            Source::Fax => "fax",
        }
    }
}

/// An attachment named by an event (a 代回复's scan or fax, a received mail's files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttachmentRef {
    pub id: i64,
    pub filename: String,
}

/// An attachment as the API lists it (without its bytes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub ticket_id: String,
    pub filename: String,
    /// `application/pdf`, `image/tiff`, `image/png` or `image/jpeg`, by the file's first bytes.
    pub content_type: String,
    pub size: i64,
    /// `upload`, `mail` or `fax`.
    pub source: String,
    /// A received fax: the sender's number as the fax gateway gave it.
    pub fax_number: Option<String>,
    /// A received fax: `awaiting` confirmation as the department's reply, or `confirmed`.
    pub fax_status: Option<String>,
    /// Who added it: an account, or `mail:<sender>` / `fax:<number>` for received ones.
    pub added_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A received fax awaiting confirmation, with what the list needs of its ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReceivedFax {
    #[serde(flatten)]
    pub attachment: Attachment,
    pub summary: String,
    pub department: Option<String>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_by_their_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), Some("image/tiff"));
        assert_eq!(sniff(b"MM\0*\0\0\0\x08"), Some("image/tiff"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), Some("image/png"));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some("image/jpeg"));
        // A file that only says it is a PDF, a Word document, an executable, nothing.
        assert_eq!(sniff(b"<html>%PDF-"), None);
        assert_eq!(sniff(b"PK\x03\x04word/"), None);
        assert_eq!(sniff(b"MZ\x90\0"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"%PD"), None);
    }

    #[test]
    fn names_are_cleaned_for_storing_and_serving() {
        assert_eq!(
            clean_filename("扫描件.pdf", "application/pdf"),
            "扫描件.pdf"
        );
        assert_eq!(
            clean_filename("C:\\fax\\..\\回复\"1\".tif", "image/tiff"),
            "回复1.tif"
        );
        assert_eq!(clean_filename("../../etc/passwd", "image/png"), "passwd");
        assert_eq!(clean_filename("  ", "image/tiff"), "附件.tif");
        assert_eq!(clean_filename(".hidden", "image/png"), "hidden");
        assert_eq!(
            clean_filename(&"长".repeat(300), "image/png")
                .chars()
                .count(),
            120
        );
        assert_eq!(
            disposition("回复 1.pdf"),
            "inline; filename=\"__ 1.pdf\"; filename*=UTF-8''%E5%9B%9E%E5%A4%8D%201.pdf"
        );
    }
}
