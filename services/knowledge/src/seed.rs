//! Demo accounts for `hotline run`: operator, editor (kb_editor), supervisor, admin, and
//! `liaison-<department code>` for every department that has a liaison.

use std::collections::HashSet;

use shared::ApiResult;
use shared::auth::Role;
use shared::db::DbConnection;

use crate::db::accounts::{self, Account};

/// Creates the demo accounts that do not exist yet, all with `password`, and returns how many
/// it created. The password is hashed once and the hash shared, so thousands of liaison
/// accounts take milliseconds, not minutes. Existing accounts are left as they are.
pub fn seed_demo_accounts(conn: &mut DbConnection, password: &str) -> ApiResult<usize> {
    let hash = shared::auth::hash_password(password)?;
    shared::db::write_tx(conn, |conn| {
        let existing: HashSet<String> = accounts::usernames(conn)?.into_iter().collect();
        let now = shared::time::now_ms();
        let account = |username: String, role: Role, department: Option<String>| Account {
            username,
            password_hash: hash.clone(),
            role: role.as_str().to_string(),
            department,
            disabled: false,
            created_at: now,
            updated_at: now,
            token_version: 0,
            token_changed_at: 0,
            password_change: false,
        };
        let mut new = Vec::new();
        for (name, role) in [
            ("operator", Role::Operator),
            ("editor", Role::KbEditor),
            ("supervisor", Role::Supervisor),
            ("admin", Role::Admin),
        ] {
            if !existing.contains(name) {
                new.push(account(name.to_string(), role, None));
            }
        }
        for dept in accounts::departments_with_liaisons(conn)? {
            let name = format!("liaison-{dept}");
            if !existing.contains(&name) {
                new.push(account(name, Role::Liaison, Some(dept)));
            }
        }
        accounts::insert_many(conn, &new)?;
        Ok(new.len())
    })
}
