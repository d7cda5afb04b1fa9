//! Which state changes notify whom. The answer is written to the outbox in the same
//! transaction as the change; the relay resolves the audience into addresses when it sends.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
pub use shared::contract::notify::Channel;

use super::record::TicketRecord;
use super::{Status, TicketType, government_office};
use shared::time::{cst_minute, from_ms};

/// Who receives a notification; resolved into addresses at relay time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Audience {
    /// The liaisons of a department (e-mail or fax from the knowledge service).
    Liaisons { department: String },
    /// `HOTLINE_SUPERVISOR_EMAIL` by e-mail, `HOTLINE_SUPERVISOR_MOBILE` by SMS
    /// (comma-separated).
    Supervisors,
    /// `HOTLINE_CENTRE_FAX` by fax, `HOTLINE_CENTRE_EMAIL` by e-mail.
    Centre,
    /// The caller's own e-mail address.
    Caller { email: String },
}

/// One notification request as stored in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyRequest {
    pub template: String,
    pub channel: Channel,
    pub audience: Audience,
    pub data: BTreeMap<String, String>,
}

/// The template data of a ticket (strings; notify renders missing keys as empty).
pub fn ticket_data(t: &TicketRecord) -> BTreeMap<String, String> {
    let mut d = BTreeMap::new();
    d.insert("ticket_id".into(), t.id.clone());
    d.insert("type".into(), t.ticket_type.as_str().into());
    d.insert("urgent".into(), t.urgent.to_string());
    d.insert("summary".into(), t.summary.clone());
    d.insert("details".into(), t.details.clone());
    d.insert("region".into(), t.region.clone());
    d.insert(
        "department".into(),
        t.department.clone().unwrap_or_default(),
    );
    d.insert("due_at".into(), cst_minute(from_ms(t.due_at)));
    if let Some(q) = &t.query {
        d.insert("query".into(), q.clone());
    }
    if let Some(r) = &t.reply {
        d.insert("reply".into(), r.clone());
    }
    if let Some(n) = &t.caller_name {
        d.insert("caller_name".into(), n.clone());
    }
    d
}

fn request(
    template: &str,
    channel: Channel,
    audience: Audience,
    t: &TicketRecord,
) -> NotifyRequest {
    NotifyRequest {
        template: template.into(),
        channel,
        audience,
        data: ticket_data(t),
    }
}

fn is_urgent_complaint(t: &TicketRecord) -> bool {
    t.urgent && t.ticket_type == TicketType::Complaint
}

/// The liaisons of the ticket's department (the region's government office without one).
fn liaisons(t: &TicketRecord) -> Audience {
    let department = t
        .department
        .clone()
        .unwrap_or_else(|| government_office(&t.region));
    Audience::Liaisons { department }
}

/// A ticket was taken. An urgent complaint that waits for a supervisor's dispatch alerts the
/// supervisors at once, by e-mail and SMS.
pub fn on_created(t: &TicketRecord) -> Vec<NotifyRequest> {
    if is_urgent_complaint(t) && t.status == Status::New {
        vec![
            request("urgent_alert", Channel::Email, Audience::Supervisors, t),
            request("sms_urgent_alert", Channel::Sms, Audience::Supervisors, t),
        ]
    } else {
        Vec::new()
    }
}

/// A ticket was dispatched (or a no-info ticket created, which is dispatched at once): the
/// department's liaisons get it by e-mail (and fax when urgent), and an SMS asking them to
/// sign for it, as 12345 hotlines do.
pub fn on_dispatch(t: &TicketRecord) -> Vec<NotifyRequest> {
    let liaisons = liaisons(t);
    let mut out = if t.ticket_type == TicketType::NoInfo {
        vec![request(
            "no_info_request",
            Channel::Email,
            liaisons.clone(),
            t,
        )]
    } else if is_urgent_complaint(t) {
        vec![
            request("urgent_complaint", Channel::Fax, liaisons.clone(), t),
            request("urgent_complaint", Channel::Email, liaisons.clone(), t),
        ]
    } else {
        vec![request("dispatch", Channel::Email, liaisons.clone(), t)]
    };
    out.push(request("sms_dispatch", Channel::Sms, liaisons, t));
    out
}

/// A ticket's reply deadline is near and its department has not replied: e-mail and SMS.
pub fn on_deadline_near(t: &TicketRecord) -> Vec<NotifyRequest> {
    vec![
        request("deadline_reminder", Channel::Email, liaisons(t), t),
        request("sms_deadline_reminder", Channel::Sms, liaisons(t), t),
    ]
}

/// The editor did not take a liaison's facts: they are told why.
pub fn on_facts_rejected(t: &TicketRecord, reason: &str) -> Vec<NotifyRequest> {
    let mut n = request("facts_rejected", Channel::Email, liaisons(t), t);
    n.data.insert("reason".into(), reason.to_string());
    vec![n]
}

/// A department replied. The reply to an urgent complaint goes to the centre by fax and by
/// e-mail (each channel that is configured).
pub fn on_reply(t: &TicketRecord) -> Vec<NotifyRequest> {
    let mut out = Vec::new();
    if is_urgent_complaint(t) {
        out.push(request("liaison_reply", Channel::Fax, Audience::Centre, t));
        out.push(request(
            "liaison_reply",
            Channel::Email,
            Audience::Centre,
            t,
        ));
    }
    if let Some(email) = t.caller_email.as_ref().filter(|e| !e.is_empty()) {
        out.push(request(
            "caller_reply",
            Channel::Email,
            Audience::Caller {
                email: email.clone(),
            },
            t,
        ));
    }
    out
}

/// A ticket passed its deadline.
pub fn on_overdue(t: &TicketRecord) -> Vec<NotifyRequest> {
    vec![request(
        "overdue_escalation",
        Channel::Email,
        Audience::Supervisors,
        t,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::intake::tests::sample;

    #[test]
    fn who_hears_of_what() {
        let mut t = sample(TicketType::Complaint, true);
        t.department = Some("530100-gaj".into());
        let n = on_dispatch(&t);
        assert_eq!(n.len(), 3);
        assert_eq!(n[2].template, "sms_dispatch");
        assert_eq!(n[2].channel, Channel::Sms);
        assert_eq!(n[0].channel, Channel::Fax);
        assert_eq!(n[0].template, "urgent_complaint");
        assert_eq!(
            n[1].audience,
            Audience::Liaisons {
                department: "530100-gaj".into()
            }
        );
        t.urgent = false;
        assert_eq!(on_dispatch(&t)[0].template, "dispatch");
        let ni = sample(TicketType::NoInfo, false);
        let n = on_dispatch(&ni);
        assert_eq!(n[0].template, "no_info_request");
        assert_eq!(
            n[0].audience,
            Audience::Liaisons {
                department: "530100-zfb".into()
            }
        );
        t.urgent = true;
        t.caller_email = Some("c@example.org".into());
        t.reply = Some("已处理".into());
        let n = on_reply(&t);
        assert_eq!(n[0].audience, Audience::Centre);
        assert_eq!(n[0].channel, Channel::Fax);
        assert_eq!(
            (n[1].audience.clone(), n[1].channel),
            (Audience::Centre, Channel::Email)
        );
        assert_eq!(n[2].template, "caller_reply");
        assert_eq!(n[2].data["reply"], "已处理");
        assert_eq!(on_overdue(&t)[0].audience, Audience::Supervisors);
        let rejected = on_facts_rejected(&ni, "号码有误");
        assert_eq!(rejected[0].data["reason"], "号码有误");
        assert_eq!(on_deadline_near(&t)[1].channel, Channel::Sms);
    }

    #[test]
    fn only_an_urgent_complaint_waiting_for_dispatch_alerts_the_supervisors() {
        let mut t = sample(TicketType::Complaint, true);
        t.status = Status::New;
        let n = on_created(&t);
        assert_eq!(n.len(), 2);
        assert!(n.iter().all(|n| n.audience == Audience::Supervisors));
        assert_eq!(n[1].template, "sms_urgent_alert");
        t.status = Status::Dispatched;
        assert!(on_created(&t).is_empty());
        t.status = Status::New;
        t.urgent = false;
        assert!(on_created(&t).is_empty());
    }
}
