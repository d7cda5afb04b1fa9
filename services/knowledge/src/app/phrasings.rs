//! The search's phrasings table: how callers voice each question of the knowledge base, which
//! the topic classifier learns from. The built-in rows come with the binary
//! (`data/search-phrasings.tsv`); editors add their own when the unanswered report shows a
//! need told in words the search did not know. A change is recorded, so that every replica's
//! classifier learns it within a second.

use serde::{Deserialize, Serialize};
use shared::ApiError;
use shared::db::DbConnection;
use utoipa::ToSchema;

use crate::db;
use crate::search::{Phrasing, SearchService};

/// Characters a phrasing has, at least and at most.
const MIN_CHARS: usize = 4;
const MAX_CHARS: usize = 60;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPhrasing {
    /// The question's label (`scj-5`: the same question in every region), as the table
    /// (`GET /api/v1/search/phrasings`) lists it.
    #[schema(example = "scj-5")]
    pub label: String,
    /// How a caller says it, 4–60 characters, without a region's name (it teaches the
    /// question in every region).
    #[schema(example = "开的小卖部不想干了那个证要去哪里退")]
    pub phrasing: String,
}

impl NewPhrasing {
    /// Trimmed; the label a question's, the phrasing of 4–60 characters naming no region.
    pub fn checked(self, search: &SearchService) -> Result<NewPhrasing, ApiError> {
        shared::web::check_required("label", &self.label, 20)?;
        shared::web::check_required("phrasing", &self.phrasing, MAX_CHARS * 4)?;
        let label = self.label.trim().to_string();
        let phrasing = self.phrasing.trim().to_string();
        let chars = phrasing.chars().count();
        if !(MIN_CHARS..=MAX_CHARS).contains(&chars) {
            return Err(ApiError::bad_request(format!(
                "`phrasing` must have {MIN_CHARS}–{MAX_CHARS} characters (it has {chars})"
            )));
        }
        if !search.knows_question(&label)? {
            return Err(ApiError::bad_request(format!(
                "no question of the knowledge base is labelled `{label}`"
            )));
        }
        if let Some(code) = search.region_named_in(&phrasing)? {
            return Err(ApiError::bad_request(format!(
                "`phrasing` names the region {code}: a phrasing teaches the question in every \
                 region, so it names none"
            )));
        }
        Ok(NewPhrasing { label, phrasing })
    }
}

/// One phrasing of a question: an editor's (with its id) or a built-in one.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct PhrasingItem {
    /// The editor's row (to delete it by); none for a built-in one.
    pub id: Option<i64>,
    pub phrasing: String,
    /// Whether it comes with the program (`data/search-phrasings.tsv`, changed by a release).
    pub built_in: bool,
}

/// A question with how callers voice it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct QuestionPhrasings {
    #[schema(example = "scj-5")]
    pub label: String,
    /// The question as the knowledge base asks it, without a region.
    #[schema(example = "营业执照怎么注销?")]
    pub question: String,
    /// The built-in phrasings first, then the editors', oldest first.
    pub phrasings: Vec<PhrasingItem>,
}

/// Every question of the knowledge base with its phrasings, in label order.
pub fn table(
    conn: &mut DbConnection,
    search: &SearchService,
) -> Result<Vec<QuestionPhrasings>, ApiError> {
    let mut out: Vec<QuestionPhrasings> = search
        .questions()?
        .into_iter()
        .map(|(label, question)| QuestionPhrasings {
            label,
            question,
            phrasings: Vec::new(),
        })
        .collect();
    let mut add = |label: &str, item: PhrasingItem| {
        if let Some(q) = out.iter_mut().find(|q| q.label == label) {
            q.phrasings.push(item);
        }
    };
    for (label, phrasing) in crate::search::seed_phrasings() {
        add(
            &label,
            PhrasingItem {
                id: None,
                phrasing,
                built_in: true,
            },
        );
    }
    for p in db::phrasings::all(conn)? {
        add(
            &p.label,
            PhrasingItem {
                id: Some(p.id),
                phrasing: p.phrasing,
                built_in: false,
            },
        );
    }
    Ok(out)
}

/// Adds a checked phrasing on behalf of `by`. The same phrasing of the question, built in
/// or added, is a conflict.
pub fn add(conn: &mut DbConnection, new: &NewPhrasing, by: &str) -> Result<Phrasing, ApiError> {
    let built_in = crate::search::seed_phrasings()
        .iter()
        .any(|(l, p)| *l == new.label && *p == new.phrasing);
    if built_in {
        return Err(ApiError::Conflict(format!(
            "`{}` is already a built-in phrasing of {}",
            new.phrasing, new.label
        )));
    }
    shared::db::write_tx(conn, |conn| {
        let p = db::phrasings::insert(conn, &new.label, &new.phrasing, by)?;
        db::changes::record(conn, db::changes::PHRASING, &p.id.to_string())?;
        Ok::<_, ApiError>(p)
    })
}

/// Deletes an editor's phrasing.
pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), ApiError> {
    shared::db::write_tx(conn, |conn| {
        if !db::phrasings::delete(conn, id)? {
            return Err(ApiError::not_found(format!("no phrasing {id}")));
        }
        db::changes::record(conn, db::changes::PHRASING, &id.to_string())?;
        Ok(())
    })
}
