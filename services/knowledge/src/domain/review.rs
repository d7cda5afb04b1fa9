//! FAQ review states: `draft → pending → published → retired`.

pub const DRAFT: &str = "draft";
pub const PENDING: &str = "pending";
pub const PUBLISHED: &str = "published";
pub const RETIRED: &str = "retired";
pub const STATES: [&str; 4] = [DRAFT, PENDING, PUBLISHED, RETIRED];

pub fn is_state(s: &str) -> bool {
    STATES.contains(&s)
}

/// Whether an entry may move from `from` to `to`. Staying put is always allowed; a pending
/// entry may be sent back to draft; a retired entry may be reopened as a draft.
pub fn can_move(from: &str, to: &str) -> bool {
    from == to
        || matches!(
            (from, to),
            (DRAFT, PENDING)
                | (PENDING, DRAFT)
                | (PENDING, PUBLISHED)
                | (PUBLISHED, RETIRED)
                | (RETIRED, DRAFT)
        )
}

/// Whether an edit may be made to an entry in state `from`: a move to `to` must be a step of
/// the review, and a retired entry's content is not edited (it is reopened as a draft first).
/// The error says why not.
pub fn check_edit(from: &str, to: Option<&str>, edits_content: bool) -> Result<(), String> {
    if let Some(to) = to
        && !can_move(from, to)
    {
        return Err(format!("an entry cannot go from `{from}` to `{to}`"));
    }
    if edits_content && to.unwrap_or(from) == RETIRED {
        return Err("a retired entry is reopened as a draft before it is edited".into());
    }
    Ok(())
}

/// The states an entry may be created in by an editor.
pub fn is_initial(s: &str) -> bool {
    s == DRAFT || s == PENDING
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_review_path_is_allowed() {
        assert!(can_move(DRAFT, PENDING));
        assert!(can_move(PENDING, PUBLISHED));
        assert!(can_move(PUBLISHED, RETIRED));
        assert!(can_move(PENDING, DRAFT));
        assert!(can_move(RETIRED, DRAFT));
        assert!(!can_move(DRAFT, PUBLISHED));
        assert!(!can_move(PUBLISHED, DRAFT));
        assert!(!can_move(RETIRED, PUBLISHED));
        assert!(!can_move(DRAFT, RETIRED));
        assert!(can_move(PUBLISHED, PUBLISHED));
        assert!(is_initial(DRAFT) && is_initial(PENDING) && !is_initial(PUBLISHED));
    }

    #[test]
    fn edits_follow_the_review() {
        assert!(check_edit(DRAFT, Some(PENDING), true).is_ok());
        assert!(check_edit(DRAFT, Some(PUBLISHED), false).is_err());
        assert!(check_edit(RETIRED, None, true).is_err());
        assert!(check_edit(PUBLISHED, Some(RETIRED), true).is_err());
        assert!(check_edit(RETIRED, Some(DRAFT), true).is_ok());
        assert!(check_edit(RETIRED, None, false).is_ok());
    }
}
