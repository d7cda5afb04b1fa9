//! The payloads the services send each other, defined once. The sending service builds them
//! and the receiving service parses them from these same types; the typed clients in
//! [`crate::clients`] carry them. Who checks what: the receiver validates (its rules stay in
//! its own crate); these are plain data.
//!
//! | from → to | payload | module |
//! |---|---|---|
//! | tickets → notify | a notification to send | [`notify::NotificationRequest`] |
//! | notify → tickets | how a notification about a ticket ended | [`tickets::Delivery`] |
//! | tickets → knowledge | a liaison's facts for a no-info ticket | [`knowledge::ChangeRequestInput`] |
//! | knowledge → tickets | the editor applied or rejected them | [`tickets::KnowledgeResult`] |
//! | tickets → knowledge | who a department's liaisons are; is it merged | [`knowledge::DepartmentLookup`] |
//! | knowledge → tickets | the working-day calendar | [`tickets::CalendarAnswer`] |
//! | knowledge → tickets | its searches per day, region (and topic) | [`tickets::SearchCounts`] |
//! | knowledge → tickets | its FAQ topics and their words | [`tickets::TopicWords`] |
//! | tickets → knowledge | its health now (for the report) | [`tickets::KbHealthNow`] |
//! | tickets, notify → knowledge | an event for the audit log | [`audit::AuditEvent`] |
//! | notify → tickets | a received e-mail for a ticket | [`inbound::InboundMail`] |

pub mod audit;
pub mod inbound;
pub mod knowledge;
pub mod notify;
pub mod tickets;
