//! Tokens for a role, signed with the secret the services under test were started with.

use shared::auth::{ALL_AUDIENCES, JwtKeys, Role};
use shared::config::Secret;

/// The JWT secret the services' own tests start them with.
pub const SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// How long a test token is valid: longer than any test runs.
const TTL_SECONDS: i64 = 3600;

/// Issues tokens valid at every service.
pub struct Tokens {
    keys: JwtKeys,
}

impl Tokens {
    pub fn new(secret: &str) -> Tokens {
        Tokens {
            keys: JwtKeys::new(&Secret::new(secret), "tests").unwrap(),
        }
    }

    /// A token for `sub` in `role`; a liaison's names its `department`.
    pub fn issue(&self, role: Role, sub: &str, department: Option<&str>) -> String {
        self.keys
            .issue(sub, role, department, &ALL_AUDIENCES, TTL_SECONDS)
            .unwrap()
    }
}

impl Default for Tokens {
    /// Signed with [`SECRET`].
    fn default() -> Tokens {
        Tokens::new(SECRET)
    }
}
