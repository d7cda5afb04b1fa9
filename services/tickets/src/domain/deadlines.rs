//! Deadlines per ticket type and urgency, in working time on the calendar.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shared::calendar::WorkCalendar;
use utoipa::ToSchema;

use super::TicketType;

/// How long each kind of ticket may take; defaults from the service guide.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadlineRules {
    /// The department must accept (签收) within this many working days.
    pub accept_days: u32,
    /// Urgent tickets are answered within this many working minutes.
    pub urgent_minutes: i64,
    pub consultation_days: u32,
    pub complaint_days: u32,
    pub suggestion_days: u32,
    /// Not fixed by the guide; a government office needs a few days to find the facts.
    pub no_info_days: u32,
}

impl Default for DeadlineRules {
    fn default() -> Self {
        DeadlineRules {
            accept_days: 1,
            urgent_minutes: 4 * 60,
            consultation_days: 3,
            complaint_days: 13,
            suggestion_days: 15,
            no_info_days: 5,
        }
    }
}

impl DeadlineRules {
    pub fn days_for(&self, t: TicketType) -> u32 {
        match t {
            TicketType::Complaint => self.complaint_days,
            TicketType::NoInfo => self.no_info_days,
            TicketType::Consultation => self.consultation_days,
            TicketType::Suggestion => self.suggestion_days,
        }
    }

    /// The reply deadline of a ticket taken at `from`.
    pub fn reply_due(
        &self,
        cal: &WorkCalendar,
        t: TicketType,
        urgent: bool,
        from: DateTime<Utc>,
    ) -> DateTime<Utc> {
        if urgent {
            cal.add_working_minutes(from, self.urgent_minutes)
        } else {
            cal.add_working_days(from, self.days_for(t))
        }
    }

    /// The acceptance deadline of a ticket dispatched at `from`: never after its reply deadline.
    pub fn accept_due(
        &self,
        cal: &WorkCalendar,
        from: DateTime<Utc>,
        reply_due: DateTime<Utc>,
    ) -> DateTime<Utc> {
        cal.add_working_days(from, self.accept_days).min(reply_due)
    }

    pub fn rule_text(&self, t: TicketType, urgent: bool) -> String {
        if urgent {
            format!("{} working hours", self.urgent_minutes / 60)
        } else {
            format!("{} working days", self.days_for(t))
        }
    }
}

/// The answer of `GET /api/v1/deadlines`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineAnswer {
    #[serde(rename = "type")]
    pub ticket_type: TicketType,
    pub urgent: bool,
    pub from: DateTime<Utc>,
    /// The department must accept by then.
    pub accept_due_at: DateTime<Utc>,
    /// The reply deadline the operator tells the caller.
    pub due_at: DateTime<Utc>,
    /// `due_at` in China time, `2026-10-23 17:30`.
    pub due_at_local: String,
    /// The rule applied, e.g. `13 working days`.
    pub rule: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::calendar::CalendarYear;

    fn cal() -> WorkCalendar {
        let year: CalendarYear =
            serde_json::from_str(include_str!("../../../../data/kb/calendar-2026.json")).unwrap();
        WorkCalendar::of_years([&year])
    }

    fn local(s: &str) -> DateTime<Utc> {
        shared::time::parse_cst_minute(s).unwrap()
    }

    fn show(t: DateTime<Utc>) -> String {
        shared::time::cst_minute(t)
    }

    #[test]
    fn complaint_across_national_day() {
        let r = DeadlineRules::default();
        let due = r.reply_due(
            &cal(),
            TicketType::Complaint,
            false,
            local("2026-09-30 16:00"),
        );
        assert_eq!(show(due), "2026-10-23 17:30");
        // Accepting within one working day skips the whole holiday.
        assert_eq!(
            show(r.accept_due(&cal(), local("2026-09-30 16:00"), due)),
            "2026-10-08 17:30"
        );
    }

    #[test]
    fn consultation_across_spring_festival() {
        let r = DeadlineRules::default();
        // Friday 02-13: 02-14 is a make-up Saturday, then 02-15..02-23 off.
        let due = r.reply_due(
            &cal(),
            TicketType::Consultation,
            false,
            local("2026-02-13 10:00"),
        );
        assert_eq!(show(due), "2026-02-25 17:30");
        let s = r.reply_due(
            &cal(),
            TicketType::Suggestion,
            false,
            local("2026-02-13 10:00"),
        );
        // 02-14, then 02-24 .. : 15 working days, 02-28 is a make-up Saturday.
        assert_eq!(show(s), "2026-03-12 17:30");
    }

    #[test]
    fn urgent_late_on_friday_is_due_monday_noon() {
        let r = DeadlineRules::default();
        let due = r.reply_due(
            &cal(),
            TicketType::Complaint,
            true,
            local("2026-11-27 16:30"),
        );
        assert_eq!(show(due), "2026-11-30 12:00");
        // The accept deadline is capped by the reply deadline.
        assert_eq!(
            show(r.accept_due(&cal(), local("2026-11-27 16:30"), due)),
            "2026-11-30 12:00"
        );
    }
}
