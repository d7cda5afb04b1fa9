//! Background work started by `Application`: the outbox relay, the calendar refresh, the
//! revocations list, the audit log's pruning, and what is sent to tickets for its reports
//! (search counts, topic words).

pub mod audit;
pub mod calendar;
pub mod relay;
pub mod revocations;
pub mod search_counts;
pub mod topic_words;
