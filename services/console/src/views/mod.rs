//! Page templates (maud): plain functions from data to HTML, unit-tested without a server.

pub mod admin;
pub mod attachments;
pub mod audit;
pub mod calls;
pub mod format;
pub mod inbound;
pub mod knowledge;
pub mod layout;
pub mod login;
pub mod operator;
pub mod picker;
pub mod reports;
pub mod reports_health;
pub mod reports_topics;
pub mod routing;
pub mod supervisor;
pub mod tickets;
