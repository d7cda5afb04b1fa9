//! Integration tests of the knowledge service over real HTTP, one module per resource.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod accounts;
mod audit;
mod auth;
mod change_requests;
mod concurrency;
mod departments;
mod examples;
mod faqs;
mod health;
mod import;
mod kb_health;
mod liaisons;
mod login;
mod migrations;
mod openapi;
mod regions;
mod scripts;
mod text_edge;
mod topic_words;
