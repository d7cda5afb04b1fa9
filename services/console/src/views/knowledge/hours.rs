//! Departments' states and opening hours as an editor reads and writes them.

use crate::api::knowledge::*;

#[allow(unused_imports)]
use super::*;

// Departments.

pub fn dept_status_label(status: &str) -> &'static str {
    match status {
        "active" => "正常",
        "merged" => "已撤并",
        _ => "未知",
    }
}

const DAY_NAMES: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

/// `[1,2,3,4,5]` → `周一至周五`; `[1,3]` → `周一、周三`: as the knowledge service says it, and as
/// [`parse_hours`] reads it back.
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
    let name = |d: u8| DAY_NAMES[usize::from(d) - 1];
    runs.iter()
        .map(|&(a, b)| match b - a {
            0 => name(a).to_string(),
            1 => format!("{}、{}", name(a), name(b)),
            _ => format!("{}至{}", name(a), name(b)),
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The weekly schedules as the form shows them, one a line: `周一至周五 09:00-12:00、13:30-17:00`.
pub fn hours_lines(hours: Option<&Hours>) -> String {
    hours
        .map(|h| {
            h.weekly
                .iter()
                .map(|w| {
                    let ranges: Vec<String> =
                        w.ranges.iter().map(|(a, b)| format!("{a}-{b}")).collect();
                    format!("{} {}", days_text(&w.days), ranges.join("、"))
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// The hours as read out (the service's `hours_text`): schedules joined by `；`, the note after.
pub fn hours_text(hours: Option<&Hours>) -> String {
    let Some(h) = hours else {
        return String::new();
    };
    let mut text = hours_lines(Some(h)).replace('\n', "；");
    if let Some(note) = h.note.as_deref().filter(|n| !n.trim().is_empty()) {
        text.push_str(&format!("（{note}）"));
    }
    text
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
pub fn parse_hours(lines: &str, note: &str) -> Result<Option<Hours>, String> {
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
