//! Use cases: one function per workflow (propose a change, apply it, create an FAQ entry, …),
//! each owning its transaction. Routes parse, authorise, call one of these and render; the
//! SQL they run is in `db`, the rules they apply in `domain`.

use std::time::Duration;

use shared::ApiError;
use shared::db::{DbConnection, DbError, write_tx};

pub mod accounts;
pub mod audit;
pub mod change_requests;
pub mod directory;
pub mod faqs;
pub mod import;
pub mod lookup;
pub mod phrasings;
pub mod search_counts;
pub mod signin;
pub mod synonyms;

/// Why a use case's transaction failed: the database, by kind (a busy database or a lost race
/// may be tried again), or an answer for the client (bad input, a missing record, a conflict).
#[derive(Debug)]
pub enum Failure {
    Db(DbError),
    Api(ApiError),
}

impl From<DbError> for Failure {
    fn from(e: DbError) -> Self {
        Failure::Db(e)
    }
}

impl From<diesel::result::Error> for Failure {
    fn from(e: diesel::result::Error) -> Self {
        Failure::Db(e.into())
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

impl From<Failure> for ApiError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Db(e) => e.into(),
            Failure::Api(e) => e,
        }
    }
}

/// How many times a write is tried when other writers got in its way.
const ATTEMPTS: u32 = 5;

/// Runs `work` in a write transaction (`shared::db::write_tx`: SQLite takes the write lock at
/// `BEGIN`), and runs it again, a few times with a short pause, when the database stayed busy
/// or a concurrent writer took a unique key first (two requests with one idempotency key, an
/// FAQ code taken meanwhile). Every use case reads before it writes, so a retry sees what the
/// other writer did and answers accordingly (the existing request, a 409 for a code given
/// twice). Anything else is final; what is left after the last attempt is a 503 or a 409 whose
/// text names no table or constraint.
pub fn transaction<T>(
    conn: &mut DbConnection,
    mut work: impl FnMut(&mut DbConnection) -> Result<T, Failure>,
) -> Result<T, ApiError> {
    let mut attempt = 1;
    loop {
        match write_tx(conn, &mut work) {
            Err(Failure::Db(DbError::Busy | DbError::Unique { .. })) if attempt < ATTEMPTS => {
                std::thread::sleep(Duration::from_millis(20 * u64::from(attempt)));
                attempt += 1;
            }
            result => return result.map_err(ApiError::from),
        }
    }
}

/// A record that must exist: a 404 naming it otherwise.
pub fn found<T>(record: Option<T>, what: &str, code: &str) -> Result<T, ApiError> {
    record.ok_or_else(|| ApiError::not_found(format!("no {what} `{code}`")))
}

/// `Option<Option<T>>` for PATCH bodies: absent → `None`, `null` → `Some(None)`.
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite() -> (shared::db::DbPool, std::path::PathBuf) {
        let path = std::env::temp_dir().join(format!(
            "kn-app-{}-{}.db",
            std::process::id(),
            shared::time::now_ms()
        ));
        let pool = shared::db::connect(&format!("sqlite://{}", path.display()), 1).unwrap();
        (pool, path)
    }

    #[test]
    fn a_lost_race_is_tried_again_and_other_failures_are_final() {
        let (pool, path) = sqlite();
        let mut conn = pool.get().unwrap();
        let mut calls = 0;
        let won = transaction(&mut conn, |_| {
            calls += 1;
            match calls {
                1 => Err(Failure::Db(DbError::Busy)),
                2 => Err(Failure::Db(DbError::Unique {
                    constraint: "faqs.code".into(),
                })),
                _ => Ok(calls),
            }
        });
        assert_eq!(won.unwrap(), 3);

        let mut calls = 0;
        let busy = transaction(&mut conn, |_| -> Result<(), Failure> {
            calls += 1;
            Err(Failure::Db(DbError::Busy))
        });
        assert_eq!(calls, ATTEMPTS, "bounded");
        assert!(matches!(busy, Err(ApiError::ServiceUnavailable(_))));

        let mut calls = 0;
        let bad = transaction(&mut conn, |_| -> Result<(), Failure> {
            calls += 1;
            Err(ApiError::bad_request("no").into())
        });
        assert_eq!(calls, 1);
        assert!(matches!(bad, Err(ApiError::BadRequest(_))));
        drop(conn);
        drop(pool);
        let _ = std::fs::remove_file(path);
    }
}
