//! The search's synonym table: what callers say mapped to what the knowledge base says. A new
//! synonym is recorded as a change, so that every replica's index takes it within a second.

use serde::Deserialize;
use shared::ApiError;
use shared::db::DbConnection;
use utoipa::ToSchema;

use crate::db;
use crate::search::Synonym;
use crate::search::text::normalize;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSynonym {
    /// What callers say (驾照), at most 20 characters.
    pub term: String,
    /// What the knowledge base says (驾驶证), at most 40 characters.
    pub replacement: String,
}

impl NewSynonym {
    /// Both sides trimmed, present, with letters or characters, and different.
    pub fn checked(self) -> Result<NewSynonym, ApiError> {
        shared::web::check_required("term", &self.term, 20)?;
        shared::web::check_required("replacement", &self.replacement, 40)?;
        let norm = |s: &str| normalize(s).replace(' ', "");
        let (term, replacement) = (norm(&self.term), norm(&self.replacement));
        if term.is_empty() || replacement.is_empty() {
            return Err(ApiError::bad_request(
                "`term` and `replacement` need letters or characters",
            ));
        }
        if term == replacement {
            return Err(ApiError::bad_request(
                "`term` and `replacement` are the same",
            ));
        }
        Ok(NewSynonym {
            term: self.term.trim().to_string(),
            replacement: self.replacement.trim().to_string(),
        })
    }
}

/// Adds a checked synonym on behalf of `by`.
pub fn add(conn: &mut DbConnection, new: &NewSynonym, by: &str) -> Result<Synonym, ApiError> {
    shared::db::write_tx(conn, |conn| {
        let s = db::search::insert(conn, &new.term, &new.replacement, Some(by))?;
        db::changes::record(conn, db::changes::SYNONYM, &s.id.to_string())?;
        Ok::<_, ApiError>(s)
    })
}

/// Deletes a synonym.
pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), ApiError> {
    super::transaction(conn, |conn| {
        if !db::search::delete(conn, id)? {
            return Err(super::Failure::Api(ApiError::not_found(format!(
                "no synonym {id}"
            ))));
        }
        db::changes::record(conn, db::changes::SYNONYM, &id.to_string())?;
        Ok(())
    })
}
