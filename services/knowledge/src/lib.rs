//! The FAQ-knowledge service: regions, departments, FAQ entries, scripts, search and change
//! requests.

pub mod db;
pub mod domain;
pub mod routes;
pub mod startup;

pub use startup::Application;
