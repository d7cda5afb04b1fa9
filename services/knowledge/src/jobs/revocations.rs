//! Keeps this service's list of ended tokens current from its own accounts table, as the
//! other services keep theirs from `GET /api/v1/auth/revocations` (`shared::clients`).

use std::sync::Arc;

use shared::auth::{JwtKeys, REVOCATION_POLL};
use shared::db::DbPool;

use crate::db::accounts;

pub async fn poll(pool: DbPool, keys: Arc<JwtKeys>) {
    loop {
        let since = keys.revocations().poll_from();
        match shared::db::run(&pool, move |c| Ok(accounts::revocations_since(c, since)?)).await {
            Ok(list) => keys.revocations().apply(&list),
            Err(e) => tracing::warn!(error = %e, "cannot read ended tokens"),
        }
        tokio::time::sleep(REVOCATION_POLL).await;
    }
}
