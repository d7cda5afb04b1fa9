//! Opening hours: the one form every service shares (`shared::hours`), read out as Chinese
//! text and checked against the working-day calendar.

pub use shared::hours::{from_text, hours_text, open_at, validate};
