//! Departments' states and opening hours as an editor reads and writes them.

use crate::api::knowledge::*;

#[allow(unused_imports)]
use super::*;

// Departments.

pub fn dept_status_label(status: &str) -> &'static str {
    match status {
        "active" => "正常",
        "merged" => "已撤并",
        _ => "未知",
    }
}

/// The weekly schedules as the form shows them, one a line: `周一至周五 09:00-12:00、13:30-17:00`.
pub fn hours_lines(hours: Option<&Hours>) -> String {
    hours.map(shared::hours::form_lines).unwrap_or_default()
}

/// The hours as read out (the service's `hours_text`): schedules joined by `；`, the note after.
pub fn hours_text(hours: Option<&Hours>) -> String {
    hours.map(shared::hours::hours_text).unwrap_or_default()
}

/// Reads the form's hours: one schedule a line, and the note; both empty: no hours on record.
pub use shared::hours::parse_form as parse_hours;
