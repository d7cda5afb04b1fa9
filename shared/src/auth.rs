//! JWT authentication and role checks.
//!
//! HS256 pinned, `exp`/`iss`/`aud` required, one audience per service (a login token lists all
//! three). Every route states the roles it allows; liaisons carry their `department`.

use std::collections::HashMap;
use std::future::{Ready, ready};
use std::sync::{Arc, Mutex};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::config::Secret;
use crate::contract::knowledge::Revocation;
use crate::error::ApiError;

pub const ISSUER: &str = "hotline";
pub const ALL_AUDIENCES: [&str; 3] = ["knowledge", "tickets", "notify"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Operator,
    Liaison,
    KbEditor,
    Supervisor,
    Admin,
    Service,
}

impl Role {
    /// Every role: for what anyone signed in may read.
    pub const ALL: &'static [Role] = &[
        Role::Operator,
        Role::Liaison,
        Role::KbEditor,
        Role::Supervisor,
        Role::Admin,
        Role::Service,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Liaison => "liaison",
            Role::KbEditor => "kb_editor",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::Service => "service",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "operator" => Role::Operator,
            "liaison" => Role::Liaison,
            "kb_editor" => Role::KbEditor,
            "supervisor" => Role::Supervisor,
            "admin" => Role::Admin,
            "service" => Role::Service,
            other => return Err(format!("unknown role `{other}`")),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub iss: String,
    pub aud: Vec<String>,
    pub exp: i64,
    pub iat: i64,
    /// The account's token version when the token was made (0 for service tokens).
    #[serde(default)]
    pub ver: i64,
    /// Signed in with a one-time password: the token serves only to choose a new one
    /// (`POST /api/v1/auth/password`); every other request is refused with 403.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pwc: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the JWT secret must be at least 32 bytes")]
    TooShort,
}

/// Seconds of clock difference allowed on `exp`.
const LEEWAY: i64 = 5;
/// Verified tokens remembered, at most (the set is emptied when full).
const VERIFIED_MAX: usize = 10_000;

/// Whom a person's token is for, as their account stands.
#[derive(Debug, Clone, Copy)]
pub struct Person<'a> {
    pub sub: &'a str,
    pub role: Role,
    pub department: Option<&'a str>,
    /// The account's token version.
    pub version: i64,
    /// The password is a one-time one that must be changed first.
    pub password_change: bool,
}

/// Signs and checks tokens for one service (its audience).
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    audience: String,
    /// Tokens that passed the full check, with their claims. An operator's client sends the
    /// same token with every request; checking its signature and parsing its JSON again each
    /// time cost more than some whole requests. Keyed by the exact token text, so only a
    /// token that verified is ever found; its expiry is checked on every use.
    verified: Arc<Mutex<HashMap<String, Claims>>>,
    /// Token versions that ended, kept current by the service's revocation poll.
    revocations: Arc<Revocations>,
}

/// How often a service asks for ended token versions: a revoked token is refused within a
/// second on every replica.
pub const REVOCATION_POLL: std::time::Duration = std::time::Duration::from_millis(500);
/// How far back each poll looks again, so that a change written by a replica whose clock is
/// behind, or committed just after a poll, is not missed.
pub const REVOCATION_OVERLAP_MS: i64 = 5_000;

/// Keeps `keys`' list of ended tokens current for as long as the service runs: every
/// [`REVOCATION_POLL`] it asks `fetch` for the changes since a little before the newest one
/// seen (knowledge reads its own table; the others ask knowledge over HTTP). While `fetch`
/// fails, the last known list stands.
pub async fn keep_revocations_current<F, Fut, E>(keys: Arc<JwtKeys>, mut fetch: F)
where
    F: FnMut(i64) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<Revocation>, E>>,
    E: std::fmt::Display,
{
    loop {
        match fetch(keys.revocations().poll_from()).await {
            Ok(list) => keys.revocations().apply(&list),
            Err(e) => tracing::debug!(error = %e, "ended tokens not available now"),
        }
        tokio::time::sleep(REVOCATION_POLL).await;
    }
}

/// The oldest token version each account still accepts: older tokens ended with a change of
/// role, department, password or state, or with signing out.
#[derive(Debug, Default)]
pub struct Revocations {
    oldest_valid: std::sync::RwLock<HashMap<String, i64>>,
    seen_until: std::sync::atomic::AtomicI64,
}

impl Revocations {
    pub fn apply(&self, changes: &[Revocation]) {
        use std::sync::atomic::Ordering;
        let mut map = match self.oldest_valid.write() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        for c in changes {
            let v = map.entry(c.username.clone()).or_insert(0);
            *v = (*v).max(c.token_version);
            self.seen_until.fetch_max(c.changed_at, Ordering::Relaxed);
        }
    }

    /// Where the next poll starts: a little before the newest change seen.
    pub fn poll_from(&self) -> i64 {
        let seen = self.seen_until.load(std::sync::atomic::Ordering::Relaxed);
        (seen - REVOCATION_OVERLAP_MS).max(0)
    }

    pub fn is_revoked(&self, sub: &str, version: i64) -> bool {
        let map = match self.oldest_valid.read() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        map.get(sub).is_some_and(|oldest| version < *oldest)
    }
}

impl JwtKeys {
    pub fn new(secret: &Secret, audience: &str) -> Result<JwtKeys, KeyError> {
        let bytes = secret.expose().as_bytes();
        if bytes.len() < 32 {
            return Err(KeyError::TooShort);
        }
        Ok(JwtKeys {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
            audience: audience.to_string(),
            verified: Arc::default(),
            revocations: Arc::default(),
        })
    }

    /// The ended token versions this service refuses; its revocation poll fills them.
    pub fn revocations(&self) -> &Arc<Revocations> {
        &self.revocations
    }

    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// Mints a token valid at the given audiences for `ttl_seconds`.
    pub fn issue(
        &self,
        sub: &str,
        role: Role,
        department: Option<&str>,
        audiences: &[&str],
        ttl_seconds: i64,
    ) -> Result<String, ApiError> {
        let person = Person {
            sub,
            role,
            department,
            version: 0,
            password_change: false,
        };
        self.issue_versioned(&person, audiences, ttl_seconds)
    }

    /// A person's token, carrying their account's token version.
    pub fn issue_versioned(
        &self,
        person: &Person<'_>,
        audiences: &[&str],
        ttl_seconds: i64,
    ) -> Result<String, ApiError> {
        let Person {
            sub,
            role,
            department,
            version,
            password_change,
        } = *person;
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: sub.to_string(),
            role,
            department: department.map(str::to_string),
            iss: ISSUER.to_string(),
            aud: audiences.iter().map(|a| a.to_string()).collect(),
            exp: now + ttl_seconds,
            iat: now,
            ver: version,
            pwc: password_change,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::internal(format!("sign token: {e}")))
    }

    /// A short-lived token for calling another service.
    pub fn service_token(&self, caller: &str, target: &str) -> Result<String, ApiError> {
        self.issue(caller, Role::Service, None, &[target], 300)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        self.verify_at(token, chrono::Utc::now().timestamp())
    }

    fn verify_at(&self, token: &str, now: i64) -> Result<Claims, ApiError> {
        let claims = self.verify_signed(token, now)?;
        if claims.role != Role::Service && self.revocations.is_revoked(&claims.sub, claims.ver) {
            return Err(ApiError::Unauthorized(
                "this sign-in has ended (the account was changed or signed out); sign in again"
                    .into(),
            ));
        }
        Ok(claims)
    }

    fn verify_signed(&self, token: &str, now: i64) -> Result<Claims, ApiError> {
        let known = self
            .verified
            .lock()
            .ok()
            .and_then(|v| v.get(token).cloned());
        if let Some(claims) = known {
            if claims.exp + LEEWAY < now {
                return Err(ApiError::Unauthorized("the token has expired".into()));
            }
            return Ok(claims);
        }
        let claims = self.check(token)?;
        if let Ok(mut v) = self.verified.lock() {
            if v.len() >= VERIFIED_MAX {
                v.clear();
            }
            v.insert(token.to_string(), claims.clone());
        }
        Ok(claims)
    }

    /// The full check: signature, algorithm, issuer, audience, expiry.
    fn check(&self, token: &str) -> Result<Claims, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.leeway = LEEWAY as u64;
        // A token not valid yet is refused like an expired one.
        validation.validate_nbf = true;
        let data =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map_err(|e| {
                // The library's own words stay in the log: a client learns only which of two
                // things to do (sign in again, or send a proper token).
                tracing::debug!(error = %e, "token refused");
                match e.kind() {
                    jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                        ApiError::Unauthorized("the token has expired".into())
                    }
                    _ => ApiError::Unauthorized("the token is not valid".into()),
                }
            })?;
        if data.claims.role == Role::Liaison && data.claims.department.is_none() {
            return Err(ApiError::Unauthorized(
                "liaison token without department".into(),
            ));
        }
        Ok(data.claims)
    }
}

/// The signed-in caller, extracted from `Authorization: Bearer`.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub sub: String,
    pub role: Role,
    pub department: Option<String>,
}

impl AuthUser {
    /// Deny unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "role `{}` may not do this",
                self.role.as_str()
            )))
        }
    }

    pub fn is(&self, role: Role) -> bool {
        self.role == role
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|(user, password_change)| {
            if password_change {
                Err(ApiError::forbidden(
                    "the one-time password must be changed first (POST /api/v1/auth/password)",
                ))
            } else {
                Ok(user)
            }
        }))
    }
}

/// The signed-in caller, also one who signed in with a one-time password: only choosing a
/// new password takes this (every other route takes `AuthUser`, which refuses such tokens).
#[derive(Debug, Clone)]
pub struct PasswordChanger(pub AuthUser);

impl FromRequest for PasswordChanger {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).map(|(user, _)| PasswordChanger(user)))
    }
}

/// The caller and whether their token is only for changing a one-time password.
fn authenticate(req: &HttpRequest) -> Result<(AuthUser, bool), ApiError> {
    let keys = req
        .app_data::<web::Data<Arc<JwtKeys>>>()
        .ok_or_else(|| ApiError::internal("JwtKeys not configured"))?;
    let header = req
        .headers()
        .get("authorization")
        .ok_or_else(|| ApiError::Unauthorized("missing bearer token".into()))?;
    let value = header
        .to_str()
        .map_err(|_| ApiError::Unauthorized("malformed authorization header".into()))?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| ApiError::Unauthorized("expected a bearer token".into()))?;
    let claims = keys.verify(token.trim())?;
    let user = AuthUser {
        sub: claims.sub,
        role: claims.role,
        department: claims.department,
    };
    Ok((user, claims.pwc))
}

/// The claims of a token this process received but does not verify: the console reads the
/// signed-in person's department from the token the knowledge service gave it, for display
/// and page choice only. The services verify every token they are sent; this decides nothing.
pub fn unverified_claims(token: &str) -> Option<Claims> {
    jsonwebtoken::dangerous::insecure_decode_claims(token).ok()
}

/// Argon2id password hashing.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    use rand::Rng;
    let bytes: [u8; 16] = rand::rng().random();
    let salt =
        SaltString::encode_b64(&bytes).map_err(|e| ApiError::internal(format!("salt: {e}")))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(format!("hash password: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(aud: &str) -> JwtKeys {
        JwtKeys::new(&Secret::new("0123456789abcdef0123456789abcdef"), aud).unwrap()
    }

    /// wang, a supervisor, with token version `version`.
    fn wang(version: i64) -> Person<'static> {
        Person {
            sub: "wang",
            role: Role::Supervisor,
            department: None,
            version,
            password_change: false,
        }
    }

    #[test]
    fn an_ended_token_version_is_refused_and_a_newer_one_taken() {
        let k = keys("tickets");
        let old = k.issue_versioned(&wang(3), &["tickets"], 600).unwrap();
        let service = k.service_token("notify", "tickets").unwrap();
        assert!(k.verify(&old).is_ok());
        k.revocations().apply(&[Revocation {
            username: "wang".into(),
            token_version: 4,
            changed_at: 10_000,
        }]);
        assert!(matches!(k.verify(&old), Err(ApiError::Unauthorized(_))));
        let new = k.issue_versioned(&wang(4), &["tickets"], 600).unwrap();
        assert!(k.verify(&new).is_ok());
        assert!(
            k.verify(&service).is_ok(),
            "service tokens carry no version"
        );
        // An older change seen later never lowers the bar; the next poll looks back a little.
        k.revocations().apply(&[Revocation {
            username: "wang".into(),
            token_version: 2,
            changed_at: 9_000,
        }]);
        assert!(k.verify(&old).is_err());
        assert_eq!(k.revocations().poll_from(), 10_000 - REVOCATION_OVERLAP_MS);
    }

    #[test]
    fn a_one_time_password_token_says_so_and_others_do_not() {
        let k = keys("knowledge");
        let one_time = Person {
            password_change: true,
            ..wang(1)
        };
        let t = k.issue_versioned(&one_time, &ALL_AUDIENCES, 60).unwrap();
        assert!(k.verify(&t).unwrap().pwc);
        let t = k.issue_versioned(&wang(1), &ALL_AUDIENCES, 60).unwrap();
        assert!(!k.verify(&t).unwrap().pwc);
        // Tokens made before the claim existed read as ordinary ones.
        assert!(!unverified_claims(&t).unwrap().pwc);
    }

    #[test]
    fn token_round_trip_and_audience() {
        let k = keys("knowledge");
        let t = k
            .issue("op", Role::Operator, None, &ALL_AUDIENCES, 60)
            .unwrap();
        assert_eq!(k.verify(&t).unwrap().role, Role::Operator);
        let only_notify = k
            .issue("svc", Role::Service, None, &["notify"], 60)
            .unwrap();
        assert!(k.verify(&only_notify).is_err());
        assert!(keys("tickets").verify(&t).is_ok());
    }

    #[test]
    fn expired_wrong_key_and_alg_none_are_rejected() {
        let k = keys("knowledge");
        let expired = k
            .issue("op", Role::Operator, None, &ALL_AUDIENCES, -60)
            .unwrap();
        assert!(k.verify(&expired).is_err());
        let other = JwtKeys::new(
            &Secret::new("ffffffffffffffffffffffffffffffff"),
            "knowledge",
        )
        .unwrap();
        let forged = other
            .issue("op", Role::Admin, None, &ALL_AUDIENCES, 60)
            .unwrap();
        assert!(k.verify(&forged).is_err());
        // alg:none: header {"alg":"none","typ":"JWT"} with the same payload and no signature.
        let payload = forged.split('.').nth(1).unwrap();
        let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert!(k.verify(&none).is_err());
    }

    #[test]
    fn a_remembered_token_still_expires_and_others_are_still_checked() {
        let k = keys("knowledge");
        let t = k
            .issue("op", Role::Operator, None, &ALL_AUDIENCES, 60)
            .unwrap();
        let now = chrono::Utc::now().timestamp();
        assert_eq!(k.verify_at(&t, now).unwrap().sub, "op");
        // Found among the verified ones now, but past its expiry it is refused all the same.
        assert_eq!(k.verify_at(&t, now + 30).unwrap().sub, "op");
        assert!(k.verify_at(&t, now + 60 + LEEWAY + 1).is_err());
        // A token differing in one signature character is checked in full, and refused.
        let at = t.len() - 10;
        let c = if &t[at..=at] == "A" { "B" } else { "A" };
        let tampered = format!("{}{c}{}", &t[..at], &t[at + 1..]);
        assert!(k.verify_at(&tampered, now).is_err());
        // Clones share what was verified; another audience's keys do not.
        assert!(k.clone().verify_at(&t, now + 30).is_ok());
        let only_notify = k
            .issue("svc", Role::Service, None, &["notify"], 60)
            .unwrap();
        assert!(k.verify_at(&only_notify, now).is_err());
        assert!(k.verify_at(&only_notify, now).is_err());
    }

    /// Issue 16, finding 8: `nbf` in the future is refused, and the answer does not repeat the
    /// JWT library's text.
    #[test]
    fn not_yet_valid_tokens_are_refused_in_plain_words() {
        let k = keys("knowledge");
        let now = chrono::Utc::now().timestamp();
        let claims = serde_json::json!({
            "sub": "op", "role": "operator", "iss": ISSUER, "aud": ALL_AUDIENCES,
            "iat": now, "exp": now + 3600, "nbf": now + 600,
        });
        let secret = Secret::new("0123456789abcdef0123456789abcdef");
        let early = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret.expose().as_bytes()),
        )
        .unwrap();
        let err = k.verify(&early).unwrap_err().to_string();
        assert!(err.contains("not valid"), "{err}");
        let expired = k
            .issue("op", Role::Operator, None, &ALL_AUDIENCES, -60)
            .unwrap();
        let err = k.verify(&expired).unwrap_err().to_string();
        assert!(
            err.contains("expired") && !err.contains("Signature"),
            "{err}"
        );
        let garbage = k.verify("a.b.c").unwrap_err().to_string();
        assert!(
            !garbage.contains("Base64") && !garbage.contains("Json"),
            "{garbage}"
        );
    }

    #[test]
    fn short_secret_is_refused() {
        assert!(JwtKeys::new(&Secret::new("short"), "x").is_err());
    }

    #[test]
    fn password_hash_verifies() {
        let h = hash_password("hotline-demo").unwrap();
        assert!(verify_password("hotline-demo", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
