//! The FAQ-knowledge service: regions, departments, FAQ entries, scripts, search and change
//! requests.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod db;
pub mod domain;
pub mod jobs;
pub mod routes;
pub mod search;
pub mod seed;
pub mod startup;

pub use app::import;
pub use seed::seed_demo_accounts;
pub use startup::Application;
