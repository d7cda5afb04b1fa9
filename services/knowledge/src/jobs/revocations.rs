//! Keeps this service's list of ended tokens current from its own accounts table, as the
//! other services keep theirs from `GET /api/v1/auth/revocations` (`shared::clients`).

use std::sync::Arc;

use shared::auth::JwtKeys;
use shared::db::DbPool;

use crate::db::accounts;

pub async fn poll(pool: DbPool, keys: Arc<JwtKeys>) {
    shared::auth::keep_revocations_current(keys, |since| {
        let pool = pool.clone();
        async move {
            shared::db::run(&pool, move |c| Ok(accounts::revocations_since(c, since)?)).await
        }
    })
    .await;
}
