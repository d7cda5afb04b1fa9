//! How values read on screen: Asia/Shanghai times, Chinese names of states and kinds.

use chrono::{DateTime, FixedOffset, Offset, Utc};

/// Asia/Shanghai: UTC+8 all year (China keeps no daylight saving time).
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// A value made safe to stand as one segment of a link: letters, digits, `-`, `_` and `.` as
/// they are, anything else percent-encoded.
pub fn url_segment(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// An API time (RFC 3339, UTC) as `2026-12-04 17:30` in Asia/Shanghai; the text as it came if it
/// does not parse.
pub fn time(text: &str) -> String {
    match parse_time(text) {
        Some(t) => t
            .with_timezone(&shanghai())
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        None => text.to_string(),
    }
}

/// An API time: RFC 3339, or (some knowledge answers) a UTC time written without its offset.
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|n| n.and_utc())
        })
}

/// An optional API time, or a dash.
pub fn time_or_dash(text: Option<&str>) -> String {
    text.map(time).unwrap_or_else(|| "—".into())
}

/// How close a deadline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// More than a working day's worth of hours left.
    Normal,
    /// Due within 24 hours (黄灯).
    NearDue,
    /// Past due (红灯).
    Overdue,
}

impl Urgency {
    /// The CSS class that colours it.
    pub fn class(self) -> &'static str {
        match self {
            Urgency::Normal => "due-normal",
            Urgency::NearDue => "due-near",
            Urgency::Overdue => "due-over",
        }
    }
}

/// A number of seconds as `2天3小时` / `5小时10分` / `12分钟`.
pub fn duration(seconds: i64) -> String {
    let m = seconds.max(0) / 60;
    let (d, h, min) = (m / (24 * 60), (m / 60) % 24, m % 60);
    if d > 0 {
        format!("{d}天{h}小时")
    } else if h > 0 {
        format!("{h}小时{min}分")
    } else {
        format!("{min}分钟")
    }
}

/// `剩余 2天3小时` / `已超期 5小时` for a deadline, seen at `now`.
pub fn countdown(due: &str, now: DateTime<Utc>) -> (String, Urgency) {
    let Some(due) = parse_time(due) else {
        return (due.to_string(), Urgency::Normal);
    };
    let left = due - now;
    let minutes = left.num_minutes();
    let span = |m: i64| duration(m.abs() * 60);
    if minutes < 0 {
        (format!("已超期 {}", span(minutes)), Urgency::Overdue)
    } else if minutes < 24 * 60 {
        (format!("剩余 {}", span(minutes)), Urgency::NearDue)
    } else {
        (format!("剩余 {}", span(minutes)), Urgency::Normal)
    }
}

pub fn status_label(status: &str) -> &'static str {
    match status {
        "new" => "受理",
        "dispatched" => "已派单",
        "accepted" => "已签收",
        "returned" => "已退单",
        "replied" => "已回复",
        "reopened" => "重办",
        "closed" => "办结",
        _ => "未知状态",
    }
}

pub fn type_label(kind: &str) -> &'static str {
    match kind {
        "complaint" => "投诉",
        "no_info" => "查无信息",
        "consultation" => "业务咨询",
        "suggestion" => "建议/批评",
        _ => "其他",
    }
}

pub fn cause_label(cause: &str) -> &'static str {
    match cause {
        "policy" => "A 不在政策允许范围内",
        "handling" => "B 业务承接能力不到位/解释有误",
        "attitude" => "C 态度生硬",
        _ => "未注明",
    }
}

/// Whose attitude a cause-C complaint was about: `operator:op-07` → 话务员 op-07,
/// `liaison:530100-gaj` → 530100-gaj 信息联络员.
pub fn attitude_label(who: &str) -> String {
    match who.split_once(':') {
        Some(("operator", a)) => format!("话务员 {a}"),
        Some(("liaison", d)) => format!("{d} 信息联络员"),
        _ => who.to_string(),
    }
}

pub fn satisfaction_label(s: &str) -> &'static str {
    match s {
        "satisfied" => "满意",
        "basically_satisfied" => "基本满意",
        "dissatisfied" => "不满意",
        _ => "未评价",
    }
}

pub fn classification_label(c: &str) -> &'static str {
    match c {
        "basic_query" => "基础信息查询",
        "consultation" => "业务咨询",
        "complaint" => "投诉",
        "suggestion" => "建议/批评",
        _ => "其他",
    }
}

pub fn outcome_label(o: &str) -> &'static str {
    match o {
        "answered" => "已解答",
        "transferred" => "已转接",
        "number_reported" => "已报号",
        "ticket_created" => "已建工单",
        _ => "其他",
    }
}

/// A ticket event's action, as the history lists it.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "created" => "受理",
        "dispatch" | "dispatched" => "派单",
        "accept" | "accepted" => "签收",
        "return" | "returned" => "退单",
        "return_rejected" => "驳回退单",
        "reply" | "replied" => "回复",
        "extend" | "extension_requested" => "申请延期",
        "extension_approved" => "批准延期",
        "extension_refused" => "拒绝延期",
        "supervise" | "supervised" => "督办",
        "callback" => "回访",
        "reopen" | "reopened" => "重办",
        "close" | "closed" => "办结",
        "replenish" | "replenished" => "补充信息",
        "knowledge_applied" => "知识库已更新",
        "knowledge_rejected" => "知识库驳回",
        "escalated" => "超期升级",
        "cause_set" => "投诉原因",
        "reminded" => "到期提醒",
        "notification_waiting" => "通知待发（未配置）",
        "notification_failed" => "通知失败",
        "notification" | "delivery" => "通知投递",
        "inbound_mail" => "来信",
        _ => "记录",
    }
}

/// A caller's number with the middle hidden (`138****1111`), for screens that list callers.
pub fn mask_phone(phone: &str) -> String {
    shared::telemetry::mask_phone(phone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_shanghai() {
        assert_eq!(time("2026-12-04T09:30:00Z"), "2026-12-04 17:30");
        assert_eq!(time("2026-12-04T16:30:00.123Z"), "2026-12-05 00:30");
        assert_eq!(time("garbage"), "garbage");
        assert_eq!(time("2026-12-04T18:02:35.424984125"), "2026-12-05 02:02");
        assert_eq!(time_or_dash(None), "—");
    }

    #[test]
    fn countdowns() {
        let now = DateTime::parse_from_rfc3339("2026-12-04T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            countdown("2026-12-06T03:00:00Z", now),
            ("剩余 2天3小时".to_string(), Urgency::Normal)
        );
        assert_eq!(
            countdown("2026-12-04T05:30:00Z", now),
            ("剩余 5小时30分".to_string(), Urgency::NearDue)
        );
        assert_eq!(
            countdown("2026-12-03T23:50:00Z", now),
            ("已超期 10分钟".to_string(), Urgency::Overdue)
        );
    }

    #[test]
    fn labels() {
        assert_eq!(status_label("dispatched"), "已派单");
        assert_eq!(type_label("no_info"), "查无信息");
        assert_eq!(mask_phone("13800001111"), "138****1111");
    }
}
