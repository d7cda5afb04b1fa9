//! The search's phrasings table: how callers voice each question of the knowledge base, which
//! the topic classifier learns from. The built-in rows come with the binary
//! (`data/search-phrasings.tsv`); editors add their own when the unanswered report shows a
//! need told in words the search did not know. A change is recorded, so that every replica's
//! classifier learns it within a second.

use serde::{Deserialize, Serialize};
use shared::ApiError;
use shared::db::DbConnection;
use utoipa::ToSchema;

use super::{Failure, transaction};
use crate::db;
use crate::search::text::{is_han, normalize};
use crate::search::{Phrasing, SearchService};

/// Characters a phrasing has, at most, and Chinese ones at least (the classifier reads only
/// those).
const MAX_CHARS: usize = 60;
const MIN_HAN: usize = 4;
/// What the table shows for an editor's phrasing whose question the knowledge base no longer
/// asks (its entries were deleted), so that it can still be seen and deleted.
const NO_LONGER_ASKED: &str = "（知识库已无此问题）";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPhrasing {
    /// The question's label (`scj-5`: the same question in every region), as the table
    /// (`GET /api/v1/search/phrasings`) lists it; a department kind the table lists (`lcj`)
    /// is a label too, for that department's business beyond its questions.
    #[schema(example = "scj-5")]
    pub label: String,
    /// How a caller says it: at most 60 characters, at least 4 of them Chinese, without a
    /// region's name (it teaches the question in every region).
    #[schema(example = "开的小卖部不想干了那个证要去哪里退")]
    pub phrasing: String,
}

impl NewPhrasing {
    /// Trimmed; the label a question's; the phrasing one line of at most 60 characters, 4
    /// of them Chinese, naming no region.
    pub fn checked(self, search: &SearchService) -> Result<NewPhrasing, ApiError> {
        shared::web::check_required("label", &self.label, 20)?;
        let label = self.label.trim().to_string();
        let phrasing = self.phrasing.trim().to_string();
        if phrasing.chars().any(char::is_control) {
            return Err(ApiError::bad_request(
                "`phrasing` must be one line without control characters",
            ));
        }
        let chars = phrasing.chars().count();
        let han = phrasing.chars().filter(|c| is_han(*c)).count();
        if chars > MAX_CHARS || han < MIN_HAN {
            return Err(ApiError::bad_request(format!(
                "`phrasing` must have at most {MAX_CHARS} characters, at least {MIN_HAN} of \
                 them Chinese (it has {chars}, {han} Chinese)"
            )));
        }
        if !search.knows_question(&label)? {
            return Err(ApiError::bad_request(format!(
                "no question of the knowledge base is labelled `{label}`"
            )));
        }
        if let Some(code) = search.region_named_in(&normalize(&phrasing))? {
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
    let mut add = |label: &str, item: PhrasingItem| match out.iter_mut().find(|q| q.label == label)
    {
        Some(q) => q.phrasings.push(item),
        // Only an editor's row: the built-in table names questions the reference data asks.
        None if !item.built_in => out.push(QuestionPhrasings {
            label: label.to_string(),
            question: NO_LONGER_ASKED.to_string(),
            phrasings: vec![item],
        }),
        None => {}
    };
    for (label, phrasing) in crate::search::seed_phrasings() {
        add(
            label,
            PhrasingItem {
                id: None,
                phrasing: phrasing.clone(),
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

/// A phrasing as compared with another: normalised (width and case), without spaces or
/// punctuation.
fn key(phrasing: &str) -> String {
    normalize(phrasing).split_whitespace().collect()
}

/// Adds a checked phrasing on behalf of `by`. The same phrasing of the question, built in
/// or added (told apart by their normalised text: width, punctuation and case aside), is a
/// conflict.
pub fn add(conn: &mut DbConnection, new: &NewPhrasing, by: &str) -> Result<Phrasing, ApiError> {
    let said = key(&new.phrasing);
    let built_in = crate::search::seed_phrasings()
        .iter()
        .any(|(l, p)| *l == new.label && key(p) == said);
    let taken = || {
        ApiError::Conflict(format!(
            "`{}` is already a phrasing of {}",
            new.phrasing, new.label
        ))
    };
    if built_in {
        return Err(taken());
    }
    transaction(conn, |conn| {
        // Read first: a writer that took the same phrasing meanwhile is seen on a retry.
        let added = db::phrasings::all(conn)?
            .iter()
            .any(|p| p.label == new.label && key(&p.phrasing) == said);
        if added {
            return Err(Failure::Api(taken()));
        }
        let p = db::phrasings::insert(conn, &new.label, &new.phrasing, by)?;
        db::changes::record(conn, db::changes::PHRASING, &p.id.to_string())?;
        Ok(p)
    })
}

/// Deletes an editor's phrasing.
pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), ApiError> {
    transaction(conn, |conn| {
        if !db::phrasings::delete(conn, id)? {
            return Err(Failure::Api(ApiError::not_found(format!(
                "no phrasing {id}"
            ))));
        }
        db::changes::record(conn, db::changes::PHRASING, &id.to_string())?;
        Ok(())
    })
}
