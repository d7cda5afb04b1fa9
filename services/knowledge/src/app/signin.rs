//! Signing in as a use case: is the attempt held, is the password right, and what a failure
//! or success leaves behind (the throttling counts, the audit log). The throttling rules are
//! `domain::ratelimit`'s; the failures are in the database so that every replica counts them.

use std::sync::Arc;

use shared::ApiError;
use shared::auth::{ALL_AUDIENCES, AuthUser, JwtKeys, Person, Role};
use shared::contract::audit::action;
pub use shared::contract::knowledge::{LoginRequest, LoginResponse, PasswordChange};
use shared::db::{DbConnection, DbPool};

use super::audit::{self, Actor};
use crate::db::accounts::{self, Account};
use crate::db::login_failures;
use crate::domain::accounts::check_password;
use crate::domain::ratelimit::{self, Limit};
use crate::startup::LoginRules;

/// What signing in needs besides the database: the rules, the signing keys, the token's life.
pub struct SignInContext<'a> {
    pub pool: &'a DbPool,
    pub rules: &'a LoginRules,
    pub keys: &'a JwtKeys,
    pub token_ttl: i64,
}

/// A hash to check unknown usernames against, so that they take as long as known ones.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| shared::auth::hash_password("decoy password").unwrap_or_default())
}

/// How a sign-in or a password change was answered.
pub enum Answer {
    /// Too many failures: try again after this many seconds.
    Held(u64),
    Token(LoginResponse),
}

/// Signing in: a token valid at all three services, or the reason there is none.
pub async fn login(
    cx: &SignInContext<'_>,
    request: LoginRequest,
    address: String,
) -> Result<Answer, ApiError> {
    let LoginRequest { username, password } = request;
    if username.len() > 64 || password.len() > 256 {
        return Err(refused());
    }
    match sign_in(cx.pool, cx.rules, username, password, address, decoy_hash()).await? {
        SignIn::Held(wait) => Ok(Answer::Held(wait)),
        SignIn::Refused => Err(refused()),
        SignIn::Accepted(account) => Ok(Answer::Token(token(cx, &account)?)),
    }
}

/// A person chooses their own password: the current one is checked as a sign-in is (and
/// counts towards the same throttling), then every older token ends and a new one is given.
pub async fn change_password(
    cx: &SignInContext<'_>,
    user: &AuthUser,
    change: PasswordChange,
    address: String,
) -> Result<Answer, ApiError> {
    if user.is(Role::Service) {
        return Err(ApiError::forbidden("a service has no password"));
    }
    let PasswordChange {
        current_password,
        new_password,
    } = change;
    check_password(&new_password)
        .map_err(|_| ApiError::bad_request("`new_password` must be 8 to 128 characters"))?;
    if new_password == current_password {
        return Err(ApiError::bad_request(
            "`new_password` must differ from the current one",
        ));
    }
    let by = Actor::of(user, &address);
    let attempt = Arc::new(Attempt::new(cx.rules, &user.sub, &address));
    match check(cx.pool, attempt, &by, current_password, decoy_hash()).await? {
        SignIn::Held(wait) => return Ok(Answer::Held(wait)),
        // The caller is signed in: a wrong current password is wrong input, not a lost sign-in.
        SignIn::Refused => {
            return Err(ApiError::bad_request("`current_password` is not right"));
        }
        SignIn::Accepted(_) => {}
    }
    let hash = actix_web::web::block(move || shared::auth::hash_password(&new_password)).await??;
    let account = shared::db::run(cx.pool, move |c| {
        super::accounts::change_own_password(c, &by, hash)
    })
    .await?;
    Ok(Answer::Token(token(cx, &account)?))
}

fn refused() -> ApiError {
    ApiError::Unauthorized("wrong username or password".into())
}

/// The token for `account` as it stands.
fn token(cx: &SignInContext<'_>, account: &Account) -> Result<LoginResponse, ApiError> {
    let role: Role = account
        .role
        .parse()
        .map_err(|e: String| ApiError::internal(format!("account {}: {e}", account.username)))?;
    let person = Person {
        sub: &account.username,
        role,
        department: account.department.as_deref(),
        version: account.token_version,
        password_change: account.password_change,
    };
    let access_token = cx
        .keys
        .issue_versioned(&person, &ALL_AUDIENCES, cx.token_ttl)?;
    Ok(LoginResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: cx.token_ttl,
        role,
        department: account.department.clone(),
        password_change_required: account.password_change,
    })
}

/// How a sign-in ended.
pub enum SignIn {
    /// Too many failures: try again after this many seconds.
    Held(u64),
    /// Wrong username or password, or a disabled account (the caller is not told which).
    Refused,
    Accepted(Account),
}

/// Checks `password` for `username` signing in from `address`; failures and successes are
/// counted and logged. `decoy` is a hash checked for unknown names, so that they take as long.
async fn sign_in(
    pool: &DbPool,
    rules: &LoginRules,
    username: String,
    password: String,
    address: String,
    decoy: &'static str,
) -> Result<SignIn, ApiError> {
    let attempt = Arc::new(Attempt::new(rules, &username, &address));
    let by = Actor {
        name: username,
        role: String::new(),
        address,
    };
    let result = check(pool, attempt, &by, password, decoy).await?;
    if let SignIn::Accepted(account) = &result {
        let by = Actor {
            role: account.role.clone(),
            ..by
        };
        shared::db::run(pool, move |c| {
            Ok(audit::record(
                c,
                &by,
                action::SIGN_IN,
                &by.name,
                serde_json::json!({}),
            )?)
        })
        .await?;
    }
    Ok(result)
}

/// Is `password` right for `by.name`, and is the attempt allowed at all: a failure is counted
/// under the attempt's keys and logged; a success forgets the account's own failures.
async fn check(
    pool: &DbPool,
    attempt: Arc<Attempt>,
    by: &Actor,
    password: String,
    decoy: &'static str,
) -> Result<SignIn, ApiError> {
    let now = shared::time::now_ms();
    let a = attempt.clone();
    let held = shared::db::run(pool, move |c| held(c, &a, now)).await?;
    if let Some(wait) = held {
        return Ok(SignIn::Held(wait));
    }
    let name = by.name.clone();
    let account = shared::db::run(pool, move |c| Ok(accounts::find(c, &name)?)).await?;
    // Argon2 is slow on purpose: off the async executor.
    let verified = actix_web::web::block(move || {
        let ok = match &account {
            Some(a) => shared::auth::verify_password(&password, &a.password_hash),
            None => {
                let _ = shared::auth::verify_password(&password, decoy);
                false
            }
        };
        account.filter(|a| ok && !a.disabled)
    })
    .await?;
    let Some(account) = verified else {
        let by = by.clone();
        shared::db::run(pool, move |c| failed(c, &attempt, now, &by)).await?;
        return Ok(SignIn::Refused);
    };
    let key = attempt.keys[0].0.clone();
    shared::db::run(pool, move |c| Ok(login_failures::clear(c, &key)?)).await?;
    Ok(SignIn::Accepted(account))
}

/// The three keys of one attempt, with their limits.
pub struct Attempt {
    keys: [(String, Limit); 3],
}

impl Attempt {
    pub fn new(rules: &LoginRules, username: &str, address: &str) -> Attempt {
        Attempt {
            keys: ratelimit::keys(
                username,
                address,
                rules.per_pair,
                rules.per_address,
                rules.per_account,
            ),
        }
    }
}

/// `Some(seconds to wait)` while any of the attempt's keys is held at `now` (ms).
fn held(conn: &mut DbConnection, attempt: &Attempt, now: i64) -> Result<Option<u64>, ApiError> {
    let mut longest = None;
    for (key, limit) in &attempt.keys {
        let times = login_failures::since(conn, key, now - limit.window_ms)?;
        longest = longest.max(ratelimit::wait(&times, *limit, now));
    }
    Ok(longest)
}

/// A wrong password or unknown account: counted under every key and logged; old rows go.
fn failed(
    conn: &mut DbConnection,
    attempt: &Attempt,
    now: i64,
    by: &Actor,
) -> Result<(), ApiError> {
    let keys: Vec<&str> = attempt.keys.iter().map(|(k, _)| k.as_str()).collect();
    // Three rows that belong together, and the log's.
    shared::db::write_tx(conn, |c| {
        login_failures::record(c, &keys, now)?;
        audit::record(
            c,
            by,
            action::SIGN_IN_FAILED,
            &by.name,
            serde_json::json!({}),
        )
    })?;
    let longest = attempt
        .keys
        .iter()
        .map(|(_, l)| l.window_ms)
        .max()
        .unwrap_or(0);
    login_failures::prune(conn, now - longest)?;
    Ok(())
}
