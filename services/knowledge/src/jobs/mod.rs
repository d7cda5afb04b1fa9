//! Background work started by `Application`: the outbox relay, the calendar refresh, the
//! revocations list and the audit log's pruning.

pub mod audit;
pub mod calendar;
pub mod relay;
pub mod revocations;
pub mod search_counts;
