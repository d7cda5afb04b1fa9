//! Taking a ticket: the creation request, its checks, and the record of a new ticket.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::ApiError;
use shared::calendar::WorkCalendar;
use shared::time::to_ms;
use shared::values::{Email, Phone, TicketId, looks_like_markup};
use shared::web::{check_len, check_required};
use utoipa::ToSchema;

use super::deadlines::DeadlineRules;
use super::record::{TicketRecord, current_deadline};
use super::{
    AttitudeOf, Cause, Status, TicketType, government_office, valid_department, valid_region,
};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallerInput {
    #[serde(default)]
    pub name: Option<String>,
    pub phone: String,
    #[serde(default)]
    pub email: Option<String>,
}

/// `POST /api/v1/tickets`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "complaint", "urgent": false, "summary": "办事窗口推诿，多次前往未办理",
    "details": "来电人反映在市公安局出入境窗口办理签注被要求反复补材料。", "region": "530100",
    "department": "530100-gaj",
    "caller": {"name": "张先生", "phone": "13800001111", "email": "caller@example.org"}
}))]
#[serde(deny_unknown_fields)]
pub struct NewTicket {
    #[serde(rename = "type")]
    pub ticket_type: TicketType,
    #[serde(default)]
    pub urgent: bool,
    /// Complaints only; optional at intake.
    #[serde(default)]
    pub cause: Option<Cause>,
    /// With cause `attitude` (C): whose attitude it was, `operator:<account>` or
    /// `liaison:<department>`; else given when the complaint is closed.
    #[serde(default)]
    pub attitude_of: Option<AttitudeOf>,
    pub summary: String,
    #[serde(default)]
    pub details: String,
    /// Region code, e.g. `530100`.
    pub region: String,
    /// The responsible department if known; checked when dispatching.
    #[serde(default)]
    pub department: Option<String>,
    /// What the caller asked (required for no-info tickets).
    #[serde(default)]
    pub query: Option<String>,
    pub caller: CallerInput,
    #[serde(default)]
    pub call_id: Option<i64>,
}

pub const MAX_SUMMARY: usize = 200;
pub const MAX_TEXT: usize = 4000;
pub const MAX_NOTE: usize = 2000;

impl NewTicket {
    /// Checks the request and puts the caller's phone into its stored form (digits and `+`).
    pub fn validate(&mut self) -> Result<(), ApiError> {
        check_required("summary", &self.summary, MAX_SUMMARY)?;
        check_len("details", &self.details, MAX_TEXT)?;
        let texts = [
            ("summary", Some(&self.summary)),
            ("details", Some(&self.details)),
            ("query", self.query.as_ref()),
            ("caller.name", self.caller.name.as_ref()),
        ];
        if let Some((field, _)) = texts
            .iter()
            .find(|(_, v)| v.is_some_and(|v| looks_like_markup(v)))
        {
            return Err(ApiError::bad_request(format!(
                "`{field}` must be plain text, without HTML tags"
            )));
        }
        if !valid_region(&self.region) {
            return Err(ApiError::bad_request(
                "`region` must be a six-digit region code such as 530100",
            ));
        }
        if let Some(d) = &self.department
            && !valid_department(d)
        {
            return Err(ApiError::bad_request(
                "`department` is not a department code",
            ));
        }
        if self.cause.is_some() && self.ticket_type != TicketType::Complaint {
            return Err(ApiError::bad_request("`cause` is only for complaints"));
        }
        if self.attitude_of.is_some() && self.cause != Some(Cause::Attitude) {
            return Err(ApiError::bad_request(
                "`attitude_of` is only for a cause-C (attitude) complaint",
            ));
        }
        match (&self.query, self.ticket_type) {
            (Some(q), _) => check_required("query", q, 500)?,
            (None, TicketType::NoInfo) => {
                return Err(ApiError::bad_request(
                    "`query` (what the caller asked) is required for a no-info ticket",
                ));
            }
            (None, _) => {}
        }
        let Some(phone) = Phone::parse(&self.caller.phone) else {
            return Err(ApiError::bad_request(
                "`caller.phone` is not a phone number",
            ));
        };
        if let Some(n) = &self.caller.name {
            check_len("caller.name", n, 100)?;
        }
        if let Some(e) = &self.caller.email
            && !e.is_empty()
            && Email::parse(e).is_none()
        {
            return Err(ApiError::bad_request(
                "`caller.email` is not an e-mail address",
            ));
        }
        if self.call_id.is_some_and(|c| c < 1) {
            return Err(ApiError::bad_request("`call_id` must be positive"));
        }
        self.caller.phone = phone.into_string();
        Ok(())
    }
}

/// The record of a new ticket taken at `now`: a no-info ticket is dispatched at once to
/// `no_info_to` (the routing rules' choice), else to its region's government office.
pub fn new_record(
    id: TicketId,
    input: &NewTicket,
    created_by: &str,
    now: DateTime<Utc>,
    cal: &WorkCalendar,
    rules: &DeadlineRules,
    no_info_to: Option<&str>,
) -> TicketRecord {
    let due = rules.reply_due(cal, input.ticket_type, input.urgent, now);
    let no_info = input.ticket_type == TicketType::NoInfo;
    let (status, department, accept_due) = if no_info {
        (
            Status::Dispatched,
            Some(no_info_to.map_or_else(|| government_office(&input.region), String::from)),
            Some(to_ms(rules.accept_due(cal, now, due))),
        )
    } else {
        (Status::New, input.department.clone(), None)
    };
    let due_ms = to_ms(due);
    TicketRecord {
        id: id.into_string(),
        ticket_type: input.ticket_type,
        status,
        urgent: input.urgent,
        cause: input.cause,
        summary: input.summary.trim().into(),
        details: input.details.clone(),
        region: input.region.clone(),
        department,
        query: input.query.clone(),
        caller_name: input.caller.name.clone().filter(|n| !n.is_empty()),
        caller_phone: input.caller.phone.trim().into(),
        caller_email: input.caller.email.clone().filter(|e| !e.is_empty()),
        call_id: input.call_id,
        created_by: created_by.into(),
        created_at: to_ms(now),
        updated_at: to_ms(now),
        accept_due_at: accept_due,
        due_at: due_ms,
        next_due_at: current_deadline(status, accept_due, due_ms),
        escalated_due_at: None,
        closed_at: None,
        answered_at: None,
        reply: None,
        returned_from: None,
        extension_until: None,
        extension_reason: None,
        satisfaction: None,
        entry_code: None,
        version: 0,
        escalation: None,
        attitude_of: input.attitude_of.clone(),
        cohandlers: Vec::new(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    pub(crate) fn sample(t: TicketType, urgent: bool) -> TicketRecord {
        let input = NewTicket {
            ticket_type: t,
            urgent,
            cause: None,
            attitude_of: None,
            summary: "s".into(),
            details: "d".into(),
            region: "530100".into(),
            department: None,
            query: Some("q".into()),
            caller: CallerInput {
                name: None,
                phone: "13912341234".into(),
                email: None,
            },
            call_id: None,
        };
        new_record(
            TicketId::new("20261127", 1),
            &input,
            "op",
            Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap(),
            &WorkCalendar::default(),
            &DeadlineRules::default(),
            None,
        )
    }

    #[test]
    fn no_info_is_dispatched_to_the_government_office() {
        let t = sample(TicketType::NoInfo, false);
        assert_eq!(t.status, Status::Dispatched);
        assert_eq!(t.department.as_deref(), Some("530100-zfb"));
        assert_eq!(t.next_due_at, t.accept_due_at);
        let c = sample(TicketType::Complaint, false);
        assert_eq!(c.status, Status::New);
        assert_eq!(c.next_due_at, Some(c.due_at));
    }
}
