//! The notify service: e-mail, fax and SMS delivery that never loses a message. Requests are
//! stored before they are answered, then sent by workers that lease jobs from the database.
//! Replies come back by e-mail: fetched over IMAP, matched to their tickets (`app::inbound`).

pub mod app;
pub mod config;
pub mod db;
pub mod domain;
pub mod fax;
pub mod gateway;
pub mod imap;
pub mod jobs;
pub mod mail;
pub mod routes;
pub mod send;
pub mod sms;
pub mod startup;

pub use startup::Application;
