//! When the hotline chases a ticket by itself: an urgent complaint nobody dispatched is
//! dispatched to the department the operator named after a while, and a department that has
//! not replied is reminded before its deadline (by default one working day and two working
//! hours before). Pure rules; `jobs::alerts` finds the tickets and writes what these decide.

use chrono::{DateTime, Duration, Utc};
use shared::calendar::WorkCalendar;

use super::record::TicketRecord;
use super::{Status, TicketType};

/// A reminder's lead time before the deadline, in working time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lead {
    /// This many working days (a day is the calendar's working hours).
    Days(u32),
    /// This many working hours.
    Hours(u32),
}

impl Lead {
    /// The lead in working minutes, with `day_minutes` of work in a day.
    pub fn minutes(self, day_minutes: i64) -> i64 {
        match self {
            Lead::Days(d) => i64::from(d) * day_minutes,
            Lead::Hours(h) => i64::from(h) * 60,
        }
    }

    /// `1d`, `2h`: how the setting and the event name it.
    pub fn label(self) -> String {
        match self {
            Lead::Days(d) => format!("{d}d"),
            Lead::Hours(h) => format!("{h}h"),
        }
    }
}

/// The reminders setting (`1d,2h`): leads in working days (`d`) or hours (`h`), longest first;
/// empty for none.
pub fn parse_leads(text: &str) -> Result<Vec<Lead>, String> {
    let mut leads = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (n, unit) = part.split_at(part.len() - 1);
        let n: u32 = n
            .trim()
            .parse()
            .ok()
            .filter(|n| (1..=30).contains(n))
            .ok_or_else(|| format!("`{part}`: a number of 1 to 30, then d or h"))?;
        leads.push(match unit {
            "d" => Lead::Days(n),
            "h" => Lead::Hours(n),
            _ => return Err(format!("`{part}`: working days (d) or hours (h)")),
        });
    }
    leads.sort_by_key(|l| std::cmp::Reverse(l.minutes(8 * 60)));
    Ok(leads)
}

/// Whether the ticket waits for its department's reply (the state reminders are about).
pub fn awaits_department(t: &TicketRecord) -> bool {
    matches!(t.status, Status::Dispatched | Status::Accepted) && t.department.is_some()
}

/// The reminder due for `t` at `now`, if any: the shortest lead whose moment has come (a
/// ticket found late gets only the nearer reminder, not both at once). A lead as long as the
/// ticket's whole time is left out: an urgent complaint due the same day is not "reminded" a
/// day ahead the moment it arrives. The caller sends each (ticket, deadline, lead) once.
pub fn reminder_due(
    t: &TicketRecord,
    now: DateTime<Utc>,
    leads: &[Lead],
    cal: &WorkCalendar,
    day_minutes: i64,
) -> Option<Lead> {
    if !awaits_department(t) {
        return None;
    }
    let due = shared::time::from_ms(t.due_at);
    if due <= now {
        // Overdue is the escalation's business.
        return None;
    }
    let created = shared::time::from_ms(t.created_at);
    leads
        .iter()
        .rev()
        .copied()
        .filter(|l| cal.add_working_minutes(created, l.minutes(day_minutes)) < due)
        .find(|l| cal.add_working_minutes(now, l.minutes(day_minutes)) >= due)
}

/// Whether an urgent complaint still waiting at `now` is to be dispatched automatically to
/// the department the operator named, `after` from its creation.
pub fn dispatch_automatically(t: &TicketRecord, now: DateTime<Utc>, after: Duration) -> bool {
    t.urgent
        && t.ticket_type == TicketType::Complaint
        && t.status == Status::New
        && t.department.is_some()
        && shared::time::from_ms(t.created_at) + after <= now
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::intake::tests::sample;
    use chrono::TimeZone;
    use shared::time::to_ms;

    fn cal() -> WorkCalendar {
        WorkCalendar::default()
    }

    #[test]
    fn leads_parse_longest_first_and_refuse_nonsense() {
        assert_eq!(
            parse_leads("2h, 1d").unwrap(),
            vec![Lead::Days(1), Lead::Hours(2)]
        );
        assert_eq!(parse_leads("").unwrap(), vec![]);
        for bad in ["1w", "d", "0h", "31d", "x2h"] {
            assert!(parse_leads(bad).is_err(), "{bad}");
        }
        assert_eq!(Lead::Days(1).minutes(420), 420);
        assert_eq!(Lead::Hours(2).label(), "2h");
    }

    #[test]
    fn reminders_come_a_working_day_and_two_working_hours_before() {
        let cal = cal();
        let day = cal.hours.minutes_per_day();
        let leads = [Lead::Days(1), Lead::Hours(2)];
        let mut t = sample(TicketType::Complaint, false);
        t.status = Status::Accepted;
        t.department = Some("530100-rsj".into());
        // Due Friday 2026-12-11 17:30 China time (09:30 UTC).
        t.due_at = to_ms(Utc.with_ymd_and_hms(2026, 12, 11, 9, 30, 0).unwrap());
        let at = |d, h, m| Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap();
        // Wednesday 17:00 China time: more than a working day left.
        assert_eq!(reminder_due(&t, at(9, 9, 0), &leads, &cal, day), None);
        // Thursday 17:30: exactly one working day left.
        assert_eq!(
            reminder_due(&t, at(10, 9, 30), &leads, &cal, day),
            Some(Lead::Days(1))
        );
        // Friday 15:30: two working hours left.
        assert_eq!(
            reminder_due(&t, at(11, 7, 30), &leads, &cal, day),
            Some(Lead::Hours(2))
        );
        // Past the deadline, or replied: none.
        assert_eq!(reminder_due(&t, at(11, 10, 0), &leads, &cal, day), None);
        t.status = Status::Replied;
        assert_eq!(reminder_due(&t, at(11, 7, 30), &leads, &cal, day), None);
        // Taken Friday 12:00 and due the same afternoon: no day-ahead reminder, only the
        // two-hour one.
        t.status = Status::Dispatched;
        t.created_at = to_ms(at(11, 4, 0));
        assert_eq!(reminder_due(&t, at(11, 4, 1), &leads, &cal, day), None);
        assert_eq!(
            reminder_due(&t, at(11, 7, 30), &leads, &cal, day),
            Some(Lead::Hours(2))
        );
    }

    #[test]
    fn only_a_waiting_urgent_complaint_with_a_department_is_dispatched_automatically() {
        let mut t = sample(TicketType::Complaint, true);
        t.status = Status::New;
        t.department = Some("530100-rsj".into());
        let created = shared::time::from_ms(t.created_at);
        let wait = Duration::minutes(15);
        assert!(!dispatch_automatically(
            &t,
            created + Duration::minutes(14),
            wait
        ));
        assert!(dispatch_automatically(&t, created + wait, wait));
        t.department = None;
        assert!(!dispatch_automatically(&t, created + wait, wait));
        t.department = Some("530100-rsj".into());
        t.status = Status::Dispatched;
        assert!(!dispatch_automatically(&t, created + wait, wait));
        t.status = Status::New;
        t.urgent = false;
        assert!(!dispatch_automatically(&t, created + wait, wait));
    }
}
