//! The ticket service: call records, work orders and their lifecycle, working-day deadlines,
//! the calendar, escalation, and the outbox that carries notifications and change requests.

pub mod app;
pub mod db;
pub mod domain;
pub mod jobs;
pub mod routes;
pub mod startup;

pub use startup::Application;
