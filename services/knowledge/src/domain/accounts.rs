//! Accounts: who may sign in, with which role.

use shared::auth::Role;

/// Usernames: 1-64 lower-case letters, digits, `.`, `_` or `-` (`liaison-530100-zfb`).
pub fn check_username(u: &str) -> Result<(), String> {
    let ok = !u.is_empty()
        && u.len() <= 64
        && u.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err("`username` must be 1-64 lower-case letters, digits, `.`, `_` or `-`".into())
    }
}

pub fn check_password(p: &str) -> Result<(), String> {
    let n = p.chars().count();
    if (8..=128).contains(&n) {
        Ok(())
    } else {
        Err("`password` must be 8 to 128 characters".into())
    }
}

/// Roles a person's account may have (`service` is for the services' own tokens only).
pub fn parse_person_role(s: &str) -> Result<Role, String> {
    match s.parse::<Role>()? {
        Role::Service => Err("role `service` is not for accounts".into()),
        r => Ok(r),
    }
}

/// A liaison account names its department; no other role has one.
pub fn check_department(role: Role, department: Option<&str>) -> Result<(), String> {
    match (role, department) {
        (Role::Liaison, None) => Err("a liaison account needs a `department`".into()),
        (Role::Liaison, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err("only liaison accounts have a `department`".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_rules() {
        assert!(check_username("liaison-530100-zfb").is_ok());
        assert!(check_username("Admin").is_err());
        assert!(check_username("").is_err());
        assert!(check_password("short").is_err());
        assert!(check_password("long enough").is_ok());
        assert!(parse_person_role("service").is_err());
        assert_eq!(parse_person_role("kb_editor"), Ok(Role::KbEditor));
        assert!(check_department(Role::Liaison, None).is_err());
        assert!(check_department(Role::Operator, Some("x")).is_err());
        assert!(check_department(Role::Liaison, Some("x")).is_ok());
    }
}

/// Whether a change takes an active admin away: an enabled admin who is demoted or disabled.
/// The last one may not go, or nobody could manage accounts again.
pub fn removes_an_admin(
    current_role: Role,
    currently_disabled: bool,
    new_role: Role,
    disable: Option<bool>,
) -> bool {
    current_role == Role::Admin
        && !currently_disabled
        && (new_role != Role::Admin || disable == Some(true))
}

#[cfg(test)]
mod admin_tests {
    use super::*;

    #[test]
    fn what_removes_an_admin() {
        assert!(removes_an_admin(Role::Admin, false, Role::Operator, None));
        assert!(removes_an_admin(
            Role::Admin,
            false,
            Role::Admin,
            Some(true)
        ));
        assert!(!removes_an_admin(
            Role::Admin,
            false,
            Role::Admin,
            Some(false)
        ));
        assert!(!removes_an_admin(Role::Admin, true, Role::Operator, None));
        assert!(!removes_an_admin(
            Role::Operator,
            false,
            Role::Operator,
            Some(true)
        ));
    }
}
