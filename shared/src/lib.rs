//! The common crate: what all three services share.

pub mod auth;
pub mod body;
pub mod calendar;
pub mod clients;
pub mod clock;
pub mod codes;
pub mod config;
pub mod contract;
pub mod db;
pub mod error;
pub mod hours;
pub mod http;
pub mod metrics;
pub mod pagination;
pub mod pdf;
pub mod server;
pub mod settings;
pub mod telemetry;
pub mod text_enum;
pub mod time;
pub mod values;
pub mod web;

pub use error::{ApiError, ApiResult};
