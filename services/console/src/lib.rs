//! The workbench (热线工作平台): the web console where operators, liaisons, knowledge editors,
//! supervisors and admins do their day's work.
//!
//! A backend-for-frontend: it renders pages on the server (maud), keeps the signed-in person's
//! session (an in-memory store keyed by an HttpOnly cookie), and calls the three services'
//! public APIs over HTTP with that person's own token. It has no database and no powers of its
//! own, so a liaison's console can do exactly what a liaison's token can. See
//! `docs/workbench.md` for how it fits together.

pub mod api;
pub mod error;
pub mod routes;
pub mod session;
pub mod settings;
pub mod startup;
pub mod views;

pub use settings::ConsoleSettings;
pub use startup::Application;
