//! Opening hours, one form for every service: the weekly schedules a department keeps, read
//! out as Chinese text (`周一至周五 09:00-12:00、13:30-17:00（法定节假日除外）`), read back from
//! the editor's form, and "open now" on the working-day calendar.

use chrono::{DateTime, Datelike, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::calendar::{WorkCalendar, cst};

/// Opening hours: weekly ranges (`days` 1 = Monday … 7 = Sunday) and a note.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    #[serde(default)]
    pub weekly: Vec<WeeklyHours>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    pub days: Vec<u8>,
    /// `[["09:00","12:00"], ["13:30","17:00"]]`
    pub ranges: Vec<(String, String)>,
}

const DAY_NAMES: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

fn day_name(d: u8) -> &'static str {
    DAY_NAMES
        .get(usize::from(d.clamp(1, 7)) - 1)
        .copied()
        .unwrap_or("")
}

/// `[1,2,3,4,5]` → `周一至周五`; `[1,3]` → `周一、周三`; `[6]` → `周六`.
pub fn days_text(days: &[u8]) -> String {
    let mut sorted: Vec<u8> = days
        .iter()
        .copied()
        .filter(|d| (1..=7).contains(d))
        .collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut runs: Vec<(u8, u8)> = Vec::new();
    for d in sorted {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == d => *end = d,
            _ => runs.push((d, d)),
        }
    }
    runs.iter()
        .map(|&(a, b)| match b - a {
            0 => day_name(a).to_string(),
            1 => format!("{}、{}", day_name(a), day_name(b)),
            _ => format!("{}至{}", day_name(a), day_name(b)),
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn weekly_text(w: &WeeklyHours) -> String {
    let ranges = w
        .ranges
        .iter()
        .map(|(a, b)| format!("{a}-{b}"))
        .collect::<Vec<_>>()
        .join("、");
    format!("{} {}", days_text(&w.days), ranges)
}

/// The weekly schedules as the editor's form shows them, one a line:
/// `周一至周五 09:00-12:00、13:30-17:00`; [`parse_form`] reads them back.
pub fn form_lines(hours: &Hours) -> String {
    hours
        .weekly
        .iter()
        .map(weekly_text)
        .collect::<Vec<_>>()
        .join("\n")
}

/// `周一至周五 09:00-12:00、13:30-17:00（法定节假日除外）`, several schedules joined by `；`.
pub fn hours_text(hours: &Hours) -> String {
    let mut text = hours
        .weekly
        .iter()
        .map(weekly_text)
        .collect::<Vec<_>>()
        .join("；");
    if let Some(note) = hours.note.as_deref().filter(|n| !n.trim().is_empty()) {
        text.push_str(&format!("（{note}）"));
    }
    text
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    if s == "24:00" {
        return NaiveTime::from_hms_opt(23, 59, 59);
    }
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// Checks that every range is `HH:MM` to a later `HH:MM` and days are 1..=7.
pub fn validate(hours: &Hours) -> Result<(), String> {
    for w in &hours.weekly {
        if w.days.is_empty() || w.days.iter().any(|d| !(1..=7).contains(d)) {
            return Err("`hours.weekly.days` must list days 1 (Monday) to 7 (Sunday)".into());
        }
        if w.ranges.is_empty() || w.ranges.len() > 8 {
            return Err("`hours.weekly.ranges` must have 1 to 8 ranges".into());
        }
        for (a, b) in &w.ranges {
            match (parse_time(a), parse_time(b)) {
                (Some(x), Some(y)) if x < y => {}
                _ => return Err(format!("bad time range `{a}-{b}` (expected HH:MM-HH:MM)")),
            }
        }
    }
    if hours.weekly.len() > 7 {
        return Err("`hours.weekly` has more than 7 schedules".into());
    }
    Ok(())
}

/// Whether the department is open at `when`: its weekly hours on a working day. A public
/// holiday closes it; a make-up workday (调休) on a weekend follows the Monday schedule.
/// `None` when the department has no hours on record.
pub fn open_at(
    hours: Option<&Hours>,
    calendar: &WorkCalendar,
    when: DateTime<Utc>,
) -> Option<bool> {
    let hours = hours.filter(|h| !h.weekly.is_empty())?;
    let local = when.with_timezone(&cst());
    let date = local.date_naive();
    let weekday = date.weekday().number_from_monday() as u8;
    let working = calendar.is_working_day(date);
    let day = if working && weekday >= 6 {
        1
    } else if !working && (weekday <= 5 || calendar.is_holiday(date)) {
        return Some(false);
    } else {
        weekday
    };
    let t = local.time();
    Some(
        hours
            .weekly
            .iter()
            .filter(|w| w.days.contains(&day))
            .any(|w| {
                w.ranges
                    .iter()
                    .any(|(a, b)| match (parse_time(a), parse_time(b)) {
                        (Some(a), Some(b)) => t >= a && t < b,
                        _ => false,
                    })
            }),
    )
}

/// Hours given as free text (a change request's `hours`): `09:00-12:00,13:30-17:00` (or with
/// `、`) becomes Monday to Friday in those ranges; anything else is kept as the note.
pub fn from_text(text: &str) -> Hours {
    let ranges: Option<Vec<(String, String)>> = text
        .split([',', '、', '，', ';', '；'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (a, b) = p.split_once('-')?;
            let (a, b) = (a.trim(), b.trim());
            match (parse_time(a), parse_time(b)) {
                (Some(x), Some(y)) if x < y => Some((a.to_string(), b.to_string())),
                _ => None,
            }
        })
        .collect();
    match ranges {
        Some(r) if !r.is_empty() => Hours {
            weekly: vec![WeeklyHours {
                days: vec![1, 2, 3, 4, 5],
                ranges: r,
            }],
            note: None,
        },
        _ => Hours {
            weekly: Vec::new(),
            note: Some(text.trim().to_string()).filter(|t| !t.is_empty()),
        },
    }
}

fn parse_day(s: &str) -> Option<u8> {
    let s = s.trim();
    let s = s
        .strip_prefix("星期")
        .or_else(|| s.strip_prefix("周"))
        .unwrap_or(s);
    match s {
        "一" | "1" => Some(1),
        "二" | "2" => Some(2),
        "三" | "3" => Some(3),
        "四" | "4" => Some(4),
        "五" | "5" => Some(5),
        "六" | "6" => Some(6),
        "日" | "天" | "7" => Some(7),
        _ => None,
    }
}

fn parse_days(s: &str) -> Option<Vec<u8>> {
    let mut days = Vec::new();
    for part in s.split(['、', ',', '，']).filter(|p| !p.trim().is_empty()) {
        match part.split_once(['至', '-', '－', '~', '～']) {
            Some((a, b)) => {
                let (a, b) = (parse_day(a)?, parse_day(b)?);
                if a > b {
                    return None;
                }
                days.extend(a..=b);
            }
            None => days.push(parse_day(part)?),
        }
    }
    days.sort_unstable();
    days.dedup();
    (!days.is_empty()).then_some(days)
}

/// `9:00` → `09:00`; full-width colons are taken too.
fn parse_clock(s: &str) -> Option<String> {
    let s = s.trim().replace('：', ":");
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return None;
    }
    Some(format!("{h:02}:{m:02}"))
}

/// Reads the form's hours: one schedule a line (`周一至周五 09:00-12:00、13:30-17:00`; days may
/// also be written `1-5`), and the note. Both empty: no hours on record.
pub fn parse_form(lines: &str, note: &str) -> Result<Option<Hours>, String> {
    let mut weekly = Vec::new();
    for (n, line) in lines.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let example = "应写成“星期 时间”，如：周一至周五 09:00-12:00、13:30-17:00";
        let Some((days, ranges)) = line.split_once(char::is_whitespace) else {
            return Err(format!("办公时间第 {} 行{example}", n + 1));
        };
        let days = parse_days(days)
            .ok_or_else(|| format!("办公时间第 {} 行的星期“{days}”无法识别，{example}", n + 1))?;
        let mut parsed = Vec::new();
        for r in ranges
            .split(|c: char| "、,，;；".contains(c) || c.is_whitespace())
            .filter(|r| !r.is_empty())
        {
            let pair = r
                .split_once(['-', '－', '~', '～', '至', '—'])
                .and_then(|(a, b)| Some((parse_clock(a)?, parse_clock(b)?)))
                .filter(|(a, b)| a < b);
            match pair {
                Some(p) => parsed.push(p),
                None => {
                    return Err(format!(
                        "办公时间第 {} 行的时段“{r}”无法识别，应写成 09:00-12:00（开始早于结束）",
                        n + 1
                    ));
                }
            }
        }
        if parsed.is_empty() {
            return Err(format!("办公时间第 {} 行缺少时段，{example}", n + 1));
        }
        weekly.push(WeeklyHours {
            days,
            ranges: parsed,
        });
    }
    let note = note.trim();
    if weekly.is_empty() && note.is_empty() {
        return Ok(None);
    }
    Ok(Some(Hours {
        weekly,
        note: (!note.is_empty()).then(|| note.to_string()),
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn office() -> Hours {
        Hours {
            weekly: vec![
                WeeklyHours {
                    days: vec![1, 2, 3, 4, 5],
                    ranges: vec![
                        ("09:00".into(), "12:00".into()),
                        ("13:30".into(), "17:00".into()),
                    ],
                },
                WeeklyHours {
                    days: vec![6],
                    ranges: vec![("09:00".into(), "12:00".into())],
                },
            ],
            note: Some("法定节假日除外".into()),
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        cst()
            .from_local_datetime(
                &chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap(),
            )
            .unwrap()
            .with_timezone(&Utc)
    }

    fn calendar() -> WorkCalendar {
        let year: crate::calendar::CalendarYear =
            serde_json::from_str(include_str!("../../data/kb/calendar-2026.json")).unwrap();
        let mut c = WorkCalendar::default();
        c.add_year(&year);
        c
    }

    #[test]
    fn text_reads_like_an_operator_says_it() {
        assert_eq!(
            hours_text(&office()),
            "周一至周五 09:00-12:00、13:30-17:00；周六 09:00-12:00（法定节假日除外）"
        );
        assert_eq!(days_text(&[1, 3]), "周一、周三");
        assert_eq!(days_text(&[6, 7]), "周六、周日");
        assert_eq!(days_text(&[1, 2, 3, 5]), "周一至周三、周五");
    }

    #[test]
    fn open_now_follows_hours_and_the_calendar() {
        let c = calendar();
        let h = office();
        // Friday 2026-11-27.
        assert_eq!(open_at(Some(&h), &c, at("2026-11-27 10:00")), Some(true));
        assert_eq!(open_at(Some(&h), &c, at("2026-11-27 12:30")), Some(false));
        assert_eq!(open_at(Some(&h), &c, at("2026-11-27 17:00")), Some(false));
        // Saturday morning service.
        assert_eq!(open_at(Some(&h), &c, at("2026-11-28 10:00")), Some(true));
        assert_eq!(open_at(Some(&h), &c, at("2026-11-29 10:00")), Some(false));
        // National Day holiday (a Thursday) is closed; the make-up Saturday 10-10 is a workday.
        assert_eq!(open_at(Some(&h), &c, at("2026-10-01 10:00")), Some(false));
        assert_eq!(open_at(Some(&h), &c, at("2026-10-10 15:00")), Some(true));
        // Plain weekdays without a calendar: 10-01 is an ordinary Thursday.
        assert_eq!(
            open_at(Some(&h), &WorkCalendar::default(), at("2026-10-01 10:00")),
            Some(true)
        );
        assert_eq!(open_at(None, &c, at("2026-11-27 10:00")), None);
    }

    #[test]
    fn free_text_hours() {
        let h = from_text("09:00-12:00、13:30-17:00");
        assert_eq!(h.weekly[0].ranges.len(), 2);
        assert_eq!(hours_text(&h), "周一至周五 09:00-12:00、13:30-17:00");
        let h = from_text("工作日上午");
        assert!(h.weekly.is_empty());
        assert_eq!(h.note.as_deref(), Some("工作日上午"));
    }

    #[test]
    fn validation_refuses_bad_ranges() {
        let mut h = office();
        assert!(validate(&h).is_ok());
        h.weekly[0].ranges[0] = ("12:00".into(), "09:00".into());
        assert!(validate(&h).is_err());
        h.weekly[0].ranges[0] = ("9".into(), "10:00".into());
        assert!(validate(&h).is_err());
        let mut h = office();
        h.weekly[0].days.push(8);
        assert!(validate(&h).is_err());
    }

    #[test]
    fn the_form_reads_back_what_it_shows() {
        let h = office();
        assert_eq!(parse_form(&form_lines(&h), "法定节假日除外"), Ok(Some(h)));
        let h = parse_form("1-5 9:00-12:00，13:30～17:00\n周六、周日 09:00至11:00", "").unwrap();
        assert_eq!(
            h.map(|h| hours_text(&h)).as_deref(),
            Some("周一至周五 09:00-12:00、13:30-17:00；周六、周日 09:00-11:00")
        );
        assert_eq!(parse_form("", " "), Ok(None));
        assert!(
            parse_form("周八 09:00-12:00", "")
                .unwrap_err()
                .contains("星期")
        );
        assert!(
            parse_form("周一 12:00-09:00", "")
                .unwrap_err()
                .contains("时段")
        );
        assert!(parse_form("周一", "").is_err());
    }
}
