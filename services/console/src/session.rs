//! Signed-in sessions: an unguessable id in an HttpOnly, SameSite=Strict cookie, mapped in
//! memory to the person's token, role and CSRF token.
//!
//! Kept in memory on purpose: the console has no database, a restart signs everyone out (they
//! sign in again), and with several console replicas the load balancer keeps a browser on one
//! (sticky sessions). Sign-out removes the entry, so the cookie is worth nothing afterwards.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{FromRequest, HttpRequest, web};
use rand::Rng;
use shared::auth::Role;

use crate::error::PageError;

pub const COOKIE: &str = "hotline_session";
/// Where a person chooses their own password.
pub const PASSWORD_PAGE: &str = "/password";

/// The signed-in person, as the services see them through their token.
#[derive(Debug)]
pub struct User {
    /// This session's id (the cookie's value).
    pub sid: String,
    pub username: String,
    pub role: Role,
    /// A liaison's department code.
    pub department: Option<String>,
    /// The services' bearer token: never leaves the server.
    pub token: String,
    /// Every state-changing request carries it (form field `csrf` or header `X-CSRF-Token`).
    pub csrf: String,
    /// The browser's address at sign-in: forwarded with every call, for the services' audit
    /// log ("from where").
    pub address: String,
    /// Signed in with a one-time password: every page but `/password` sends them there.
    pub password_change: bool,
}

impl User {
    /// The role as people at the hotline call it.
    pub fn role_label(&self) -> &'static str {
        role_label(self.role)
    }
}

pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Operator => "话务员",
        Role::Liaison => "信息联络员",
        Role::KbEditor => "知识库维护",
        Role::Supervisor => "值班长",
        Role::Admin => "系统管理员",
        Role::Service => "服务",
    }
}

/// Who just signed in, as the services answered.
pub struct SignedIn {
    pub username: String,
    pub role: Role,
    pub department: Option<String>,
    pub token: String,
    pub address: String,
    pub password_change: bool,
}

struct Entry {
    user: Arc<User>,
    last_seen: Instant,
    /// The token's own expiry: past it the services would refuse it anyway.
    token_expires: Instant,
}

pub struct SessionStore {
    entries: Mutex<HashMap<String, Entry>>,
    idle: Duration,
}

/// 32 random bytes as hex: session ids and CSRF tokens.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl SessionStore {
    pub fn new(idle: Duration) -> SessionStore {
        SessionStore {
            entries: Mutex::default(),
            idle,
        }
    }

    /// A new session for a person who just signed in, with a token that lasts `expires_in`;
    /// returns its id.
    pub fn create(&self, person: SignedIn, expires_in: Duration) -> String {
        let id = random_token();
        let now = Instant::now();
        let entry = Entry {
            user: Arc::new(User {
                sid: id.clone(),
                username: person.username,
                role: person.role,
                department: person.department,
                token: person.token,
                csrf: random_token(),
                address: person.address,
                password_change: person.password_change,
            }),
            last_seen: now,
            token_expires: now + expires_in,
        };
        let mut map = self.lock();
        // Sessions idle past their time go whenever someone signs in.
        let idle = self.idle;
        map.retain(|_, e| now.duration_since(e.last_seen) < idle && now < e.token_expires);
        map.insert(id.clone(), entry);
        id
    }

    /// The live session with this id, marked as used now.
    pub fn get(&self, id: &str) -> Option<Arc<User>> {
        let now = Instant::now();
        let mut map = self.lock();
        let alive = match map.get_mut(id) {
            None => return None,
            Some(e) => {
                let alive = now.duration_since(e.last_seen) < self.idle && now < e.token_expires;
                if alive {
                    e.last_seen = now;
                    return Some(e.user.clone());
                }
                alive
            }
        };
        if !alive {
            map.remove(id);
        }
        None
    }

    /// The person chose a new password: the session goes on with the new token (the old one
    /// ended at the services), no longer held to the password page.
    pub fn renew(&self, id: &str, token: String, expires_in: Duration) {
        let mut map = self.lock();
        if let Some(e) = map.get_mut(id) {
            let old = &e.user;
            e.user = Arc::new(User {
                sid: old.sid.clone(),
                username: old.username.clone(),
                role: old.role,
                department: old.department.clone(),
                token,
                csrf: old.csrf.clone(),
                address: old.address.clone(),
                password_change: false,
            });
            e.token_expires = Instant::now() + expires_in;
        }
    }

    /// Sign-out, or a token the services no longer take.
    pub fn remove(&self, id: &str) {
        self.lock().remove(id);
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        match self.entries.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }
}

/// The session cookie for `id`.
pub fn cookie(id: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, id.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish()
}

/// The cookie that clears it.
pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    let mut c = cookie("", secure);
    c.make_removal();
    c
}

/// The session id the browser sent, if any.
pub fn session_id(req: &HttpRequest) -> Option<String> {
    req.cookie(COOKIE).map(|c| c.value().to_string())
}

/// The signed-in person of this request; without one, the page is the sign-in form.
pub struct CurrentUser(pub Arc<User>);

impl std::ops::Deref for CurrentUser {
    type Target = User;
    fn deref(&self) -> &User {
        &self.0
    }
}

impl FromRequest for CurrentUser {
    type Error = PageError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(match current_user(req) {
            None => Err(PageError::SignedOut),
            // A one-time password is changed before anything else is done.
            Some(u) if u.password_change && req.path() != PASSWORD_PAGE => {
                Err(PageError::PasswordChange)
            }
            Some(u) => Ok(CurrentUser(u)),
        })
    }
}

pub fn current_user(req: &HttpRequest) -> Option<Arc<User>> {
    let store = req.app_data::<web::Data<SessionStore>>()?;
    store.get(&session_id(req)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session of `username` whose token lasts `ttl`.
    fn sign_in(store: &SessionStore, username: &str, role: Role, ttl: Duration) -> String {
        let person = SignedIn {
            username: username.to_string(),
            role,
            department: None,
            token: "t".into(),
            address: String::new(),
            password_change: false,
        };
        store.create(person, ttl)
    }

    #[test]
    fn sessions_expire_when_idle_and_on_sign_out() {
        let store = SessionStore::new(Duration::from_millis(50));
        let id = sign_in(&store, "operator", Role::Operator, Duration::from_secs(60));
        assert_eq!(
            store.get(&id).map(|u| u.username.clone()).as_deref(),
            Some("operator")
        );
        std::thread::sleep(Duration::from_millis(80));
        assert!(store.get(&id).is_none(), "idle session still alive");
        let id = sign_in(&store, "a", Role::Admin, Duration::from_secs(60));
        store.remove(&id);
        assert!(store.get(&id).is_none());
    }

    #[test]
    fn a_session_ends_with_its_token() {
        let store = SessionStore::new(Duration::from_secs(60));
        let id = sign_in(&store, "a", Role::Admin, Duration::from_millis(30));
        std::thread::sleep(Duration::from_millis(50));
        assert!(store.get(&id).is_none());
    }

    #[test]
    fn ids_and_csrf_tokens_differ() {
        let store = SessionStore::new(Duration::from_secs(60));
        let a = sign_in(&store, "a", Role::Admin, Duration::from_secs(60));
        let b = sign_in(&store, "a", Role::Admin, Duration::from_secs(60));
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_ne!(
            store.get(&a).map(|u| u.csrf.clone()),
            store.get(&b).map(|u| u.csrf.clone())
        );
    }
}
