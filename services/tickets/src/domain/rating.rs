//! The caller's rating after the tone (一次一评: "请您在听到提示音后对我的服务做出评价"): the phone
//! system posts the key the caller pressed, or the rating itself, against the call. The scale
//! (which key means what) and how long after the call a rating is taken are configuration.

use chrono::{DateTime, Duration, Utc};

use super::Satisfaction;

/// Keys 1, 2, … in order: the default is 满意, 基本满意, 不满意.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale(Vec<Satisfaction>);

impl Default for Scale {
    fn default() -> Self {
        Scale(Satisfaction::ALL.to_vec())
    }
}

impl Scale {
    /// `satisfied,basically_satisfied,dissatisfied` (or the Chinese words): key 1 is the first.
    pub fn parse(text: &str) -> Result<Scale, String> {
        let mut levels = Vec::new();
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let s = Satisfaction::parse(word).ok_or_else(|| {
                format!("`{word}`: satisfied, basically_satisfied or dissatisfied")
            })?;
            if levels.contains(&s) {
                return Err(format!("`{word}` is named twice"));
            }
            levels.push(s);
        }
        if levels.len() < 2 {
            return Err("a scale needs at least two levels".into());
        }
        Ok(Scale(levels))
    }

    /// What key `key` means, if it is on the scale.
    pub fn key(&self, key: u8) -> Option<Satisfaction> {
        self.0.get(usize::from(key).checked_sub(1)?).copied()
    }

    pub fn contains(&self, s: Satisfaction) -> bool {
        self.0.contains(&s)
    }
}

/// Why a rating is not recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RatingRefusal {
    /// The call ended longer ago than the window.
    TooLate,
    /// The call already has another rating.
    AlreadyRated(Satisfaction),
}

/// Whether `rating` may be recorded at `now` for a call that began at `started`, lasted
/// `duration_seconds` and has `current` as its rating: `Ok(true)` to record it, `Ok(false)`
/// when it is already the call's rating (the same report again changes nothing).
pub fn accept(
    rating: Satisfaction,
    current: Option<Satisfaction>,
    started: DateTime<Utc>,
    duration_seconds: i32,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<bool, RatingRefusal> {
    match current {
        Some(c) if c == rating => return Ok(false),
        Some(c) => return Err(RatingRefusal::AlreadyRated(c)),
        None => {}
    }
    let ended = started + Duration::seconds(i64::from(duration_seconds.max(0)));
    if now > ended + window {
        return Err(RatingRefusal::TooLate);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn keys_follow_the_configured_scale() {
        let s = Scale::default();
        assert_eq!(s.key(1), Some(Satisfaction::Satisfied));
        assert_eq!(s.key(3), Some(Satisfaction::Dissatisfied));
        assert_eq!(s.key(0), None);
        assert_eq!(s.key(4), None);
        let two = Scale::parse("满意, 不满意").unwrap();
        assert_eq!(two.key(2), Some(Satisfaction::Dissatisfied));
        assert!(!two.contains(Satisfaction::BasicallySatisfied));
        assert!(Scale::parse("satisfied").is_err());
        assert!(Scale::parse("satisfied,satisfied").is_err());
        assert!(Scale::parse("happy,sad").is_err());
    }

    #[test]
    fn a_rating_is_taken_once_within_the_window() {
        let start = Utc.with_ymd_and_hms(2026, 12, 5, 2, 0, 0).unwrap();
        let window = Duration::minutes(30);
        let sat = Satisfaction::Satisfied;
        // A 5-minute call rated 20 minutes after it ended.
        let at = start + Duration::minutes(25);
        assert_eq!(accept(sat, None, start, 300, at, window), Ok(true));
        assert_eq!(accept(sat, Some(sat), start, 300, at, window), Ok(false));
        assert_eq!(
            accept(
                Satisfaction::Dissatisfied,
                Some(sat),
                start,
                300,
                at,
                window
            ),
            Err(RatingRefusal::AlreadyRated(sat))
        );
        let late = start + Duration::minutes(36);
        assert_eq!(
            accept(sat, None, start, 300, late, window),
            Err(RatingRefusal::TooLate)
        );
    }
}
