//! Background work started by `Application`: the outbox relay and the calendar refresh.

pub mod calendar;
pub mod relay;
pub mod revocations;
