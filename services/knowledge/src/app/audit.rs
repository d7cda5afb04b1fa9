//! The audit log (issue 16): this service's own events, recorded in the transaction of what
//! they record; the other services' events, received once each; the admin's search; pruning
//! past the retention.

use shared::ApiError;
use shared::auth::AuthUser;
use shared::contract::audit::{AuditEntry, AuditEvent};
use shared::db::{DbConnection, DbResult};
use shared::pagination::{Page, Paging};
use shared::time::{from_ms, now_ms};

use crate::db::audit::{self as store, AuditRow, Filter};

/// The shortest retention the log may be given: the Cybersecurity Law's six months of logs.
pub const MIN_RETENTION_DAYS: u32 = 180;

/// Who did something, as the log records them.
#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    pub role: String,
    /// The client's address as this service sees it (through trusted proxies).
    pub address: String,
}

impl Actor {
    pub fn of(user: &AuthUser, address: &str) -> Actor {
        Actor {
            name: user.sub.clone(),
            role: user.role.as_str().to_string(),
            address: address.to_string(),
        }
    }

    /// The operations command (`hotline accounts`), run on the server.
    pub fn command_line() -> Actor {
        Actor {
            name: "hotline-cli".into(),
            role: "admin".into(),
            address: String::new(),
        }
    }
}

/// Records one of this service's own events; call it inside the transaction of the change.
pub fn record(
    conn: &mut DbConnection,
    by: &Actor,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> DbResult<()> {
    let row = AuditRow {
        id: 0,
        at: now_ms(),
        service: "knowledge".into(),
        actor: by.name.clone(),
        role: by.role.clone(),
        action: action.into(),
        target: target.into(),
        address: by.address.clone(),
        details: details.to_string(),
        source_key: None,
    };
    store::insert(conn, &row).map(|_| ())
}

/// The checks of an event another service sends.
pub fn check(event: &AuditEvent) -> Result<(), ApiError> {
    let short = [
        ("actor", &event.actor, 64),
        ("role", &event.role, 32),
        ("action", &event.action, 64),
        ("target", &event.target, 128),
        ("address", &event.address, 64),
        ("key", &event.key, 128),
    ];
    for (field, value, max) in short {
        shared::web::check_len(field, value, max)?;
    }
    let named = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    if !named(&event.action) {
        return Err(ApiError::bad_request(
            "`action` must be lower-case letters and _",
        ));
    }
    if event.key.trim().is_empty() {
        return Err(ApiError::bad_request("`key` must not be empty"));
    }
    if !event.details.is_object() && !event.details.is_null() {
        return Err(ApiError::bad_request("`details` must be an object"));
    }
    if event.details.to_string().len() > 4096 {
        return Err(ApiError::bad_request("`details` is longer than 4096 bytes"));
    }
    Ok(())
}

/// Records an event `service` sent; `false` when its key was recorded before.
pub fn receive(conn: &mut DbConnection, service: &str, event: AuditEvent) -> DbResult<bool> {
    let row = AuditRow {
        id: 0,
        at: event.at,
        service: service.into(),
        actor: event.actor,
        role: event.role,
        action: event.action,
        target: event.target,
        address: event.address,
        details: if event.details.is_null() {
            "{}".into()
        } else {
            event.details.to_string()
        },
        source_key: Some(format!("{service}:{}", event.key)),
    };
    store::insert(conn, &row)
}

/// A page of the log, newest first.
pub fn search(
    conn: &mut DbConnection,
    filter: &Filter,
    paging: Paging,
) -> DbResult<Page<AuditEntry>> {
    let (rows, total) = store::list(conn, filter, paging.offset(), paging.per_page)?;
    let items = rows.into_iter().map(AuditEntry::from).collect();
    Ok(Page::new(items, total, paging))
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> AuditEntry {
        AuditEntry {
            id: r.id,
            at: from_ms(r.at),
            service: r.service,
            actor: r.actor,
            role: r.role,
            action: r.action,
            target: r.target,
            address: r.address,
            details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// Drops what is older than `retention_days` (never fewer than 180) at `now` (ms).
pub fn prune(conn: &mut DbConnection, retention_days: u32, now: i64) -> DbResult<usize> {
    let days = i64::from(retention_days.max(MIN_RETENTION_DAYS));
    store::prune(conn, now - days * 24 * 3_600_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> AuditEvent {
        AuditEvent {
            at: 1,
            actor: "op".into(),
            role: "operator".into(),
            action: "caller_number_read".into(),
            target: "139****1234".into(),
            address: String::new(),
            details: serde_json::json!({"found": 2}),
            key: "7".into(),
        }
    }

    #[test]
    fn events_from_other_services_are_checked() {
        assert!(check(&event()).is_ok());
        let mut e = event();
        e.action = "DROP TABLE".into();
        assert!(check(&e).is_err());
        let mut e = event();
        e.key = " ".into();
        assert!(check(&e).is_err());
        let mut e = event();
        e.details = serde_json::json!([1, 2]);
        assert!(check(&e).is_err());
        let mut e = event();
        e.target = "x".repeat(129);
        assert!(check(&e).is_err());
    }
}
