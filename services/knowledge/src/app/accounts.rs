//! Accounts (admin): creation and changes of role, department, disabled flag or password.

use serde::Deserialize;
use shared::ApiError;
use shared::auth::Role;
use shared::codes::DepartmentCode;
use shared::db::DbConnection;
use shared::time::now_ms;
use utoipa::ToSchema;

use super::audit::{self, Actor};
use super::{Failure, double_option, found, transaction};
use crate::db::{accounts, kb};
use crate::domain::accounts as rules;
use shared::contract::audit::action;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    pub username: String,
    /// 8 to 128 characters.
    pub password: String,
    /// operator, liaison, kb_editor, supervisor or admin.
    pub role: String,
    /// Required for a liaison, refused for other roles.
    #[schema(value_type = Option<String>)]
    pub department: Option<DepartmentCode>,
    /// A one-time password, handed to the person: at their first sign-in they must choose
    /// their own before anything else. Default false.
    #[serde(default)]
    pub one_time: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    pub role: Option<String>,
    /// `null` clears it (for a role other than liaison).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub department: Option<Option<DepartmentCode>>,
    pub disabled: Option<bool>,
    /// A new password (a reset).
    pub password: Option<String>,
    /// With `password`: it is a one-time one, to be changed at the next sign-in. Default false.
    #[serde(default)]
    pub one_time: bool,
}

/// An account's fields checked, before its password is hashed (which takes a while).
pub struct CheckedAccount {
    username: String,
    role: Role,
    department: Option<String>,
    one_time: bool,
}

/// The checks of a new account that need no database.
pub fn check_new(input: &AccountInput) -> Result<CheckedAccount, ApiError> {
    rules::check_username(&input.username).map_err(ApiError::BadRequest)?;
    rules::check_password(&input.password).map_err(ApiError::BadRequest)?;
    let role = rules::parse_person_role(&input.role).map_err(ApiError::BadRequest)?;
    let department = input.department.clone().map(String::from);
    rules::check_department(role, department.as_deref()).map_err(ApiError::BadRequest)?;
    Ok(CheckedAccount {
        username: input.username.clone(),
        role,
        department,
        one_time: input.one_time,
    })
}

/// Creates a checked account with its password hash.
pub fn create(
    conn: &mut DbConnection,
    a: CheckedAccount,
    password_hash: String,
    by: &Actor,
) -> Result<accounts::Account, ApiError> {
    let now = now_ms();
    let account = accounts::Account {
        username: a.username,
        password_hash,
        role: a.role.as_str().to_string(),
        department: a.department,
        disabled: false,
        created_at: now,
        updated_at: now,
        token_version: 0,
        token_changed_at: 0,
        password_change: a.one_time,
    };
    transaction(conn, |conn| {
        department_exists(conn, account.department.as_deref())?;
        if accounts::find(conn, &account.username)?.is_some() {
            return Err(
                ApiError::conflict(format!("account `{}` exists", account.username)).into(),
            );
        }
        accounts::insert(conn, &account)?;
        let details = serde_json::json!({
            "role": account.role,
            "department": account.department,
        });
        audit::record(
            conn,
            by,
            action::ACCOUNT_CREATED,
            &account.username,
            details,
        )?;
        Ok(account.clone())
    })
}

/// The checks of a change that need no database; the role it names, if any.
pub fn check_patch(p: &AccountPatch) -> Result<Option<Role>, ApiError> {
    let role = p
        .role
        .as_deref()
        .map(rules::parse_person_role)
        .transpose()
        .map_err(ApiError::BadRequest)?;
    if let Some(pw) = &p.password {
        rules::check_password(pw).map_err(ApiError::BadRequest)?;
    }
    if p.one_time && p.password.is_none() {
        return Err(ApiError::bad_request(
            "`one_time` goes with a new `password`",
        ));
    }
    Ok(role)
}

/// Changes an account; `password_hash` is the new password's, when the patch sets one.
pub fn update(
    conn: &mut DbConnection,
    username: &str,
    p: &AccountPatch,
    role: Option<Role>,
    password_hash: Option<String>,
    by: &Actor,
) -> Result<accounts::Account, ApiError> {
    transaction(conn, |conn| {
        let current = found(accounts::find(conn, username)?, "account", username)?;
        let current_role: Role = current.role.parse().map_err(ApiError::internal)?;
        let new_role = role.unwrap_or(current_role);
        if rules::removes_an_admin(current_role, current.disabled, new_role, p.disabled)
            && accounts::count_active_admins(conn)? <= 1
        {
            return Err(ApiError::conflict(
                "the last active admin cannot be disabled or given another role",
            )
            .into());
        }
        let department = match (&p.department, new_role) {
            (Some(d), _) => d.clone().map(String::from),
            // Leaving the liaison role drops the department.
            (None, r) if r != Role::Liaison => None,
            (None, _) => current.department.clone(),
        };
        rules::check_department(new_role, department.as_deref()).map_err(ApiError::BadRequest)?;
        department_exists(conn, department.as_deref())?;
        // Tokens made before a change of what they claim, or of the password or state, end.
        let now = now_ms();
        let ends_tokens = new_role != current_role
            || department != current.department
            || p.disabled.is_some_and(|d| d != current.disabled)
            || password_hash.is_some();
        let changes = accounts::AccountChanges {
            password_hash: password_hash.clone(),
            role: Some(new_role.as_str().to_string()),
            department: Some(department.clone()),
            disabled: p.disabled,
            updated_at: Some(now),
            token_version: ends_tokens.then_some(current.token_version + 1),
            token_changed_at: ends_tokens.then_some(now),
            password_change: password_hash.is_some().then_some(p.one_time),
        };
        accounts::update(conn, username, &changes)?;
        let details = serde_json::json!({
            "role": {"from": current.role, "to": new_role.as_str()},
            "department": {"from": current.department, "to": department},
            "disabled": p.disabled,
            "password_changed": password_hash.is_some(),
            "one_time": p.one_time,
        });
        audit::record(conn, by, action::ACCOUNT_CHANGED, username, details)?;
        Ok(found(accounts::find(conn, username)?, "account", username)?)
    })
}

fn department_exists(conn: &mut DbConnection, code: Option<&str>) -> Result<(), Failure> {
    if let Some(code) = code
        && kb::department(conn, code)?.is_none()
    {
        return Err(ApiError::bad_request(format!("unknown department `{code}`")).into());
    }
    Ok(())
}

/// Signing out: every token of `username` made so far ends, on every service within a second.
pub fn sign_out(conn: &mut DbConnection, by: &Actor) -> Result<(), ApiError> {
    transaction(conn, |conn| {
        accounts::end_tokens(conn, &by.name, now_ms())?;
        audit::record(conn, by, action::SIGN_OUT, &by.name, serde_json::json!({}))?;
        Ok(())
    })
}

/// A person chose their own password (the old one checked by the caller): it replaces the old,
/// a one-time password's restriction ends, and every token made so far ends with it.
pub fn change_own_password(
    conn: &mut DbConnection,
    by: &Actor,
    password_hash: String,
) -> Result<accounts::Account, ApiError> {
    transaction(conn, |conn| {
        let current = found(accounts::find(conn, &by.name)?, "account", &by.name)?;
        let now = now_ms();
        let changes = accounts::AccountChanges {
            password_hash: Some(password_hash.clone()),
            updated_at: Some(now),
            token_version: Some(current.token_version + 1),
            token_changed_at: Some(now),
            password_change: Some(false),
            ..Default::default()
        };
        accounts::update(conn, &by.name, &changes)?;
        let details = serde_json::json!({"was_one_time": current.password_change});
        audit::record(conn, by, action::PASSWORD_CHANGED, &by.name, details)?;
        Ok(found(accounts::find(conn, &by.name)?, "account", &by.name)?)
    })
}
