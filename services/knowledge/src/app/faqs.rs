//! FAQ entries: creation (numbered `<department>-<n>` when no code is given) and edits, which
//! include the review steps (publishing is the step `pending → published`). Every change is
//! kept as a revision and announced in `kb_changes`.

use serde::Deserialize;
use shared::ApiError;
use shared::codes::DepartmentCode;
use shared::contract::knowledge::FaqRevision;
use shared::db::{DbConnection, DbResult};
use shared::pagination::{Page, Paging};
use shared::web::check_len;
use utoipa::ToSchema;

use super::{Failure, found, transaction};
use crate::db::{changes, directory, kb};
use crate::domain::{self, Faq, patch, review, validate};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaqInput {
    /// Made from the department (`<department>-<n>`) when absent.
    pub code: Option<String>,
    #[schema(value_type = String)]
    pub department: DepartmentCode,
    pub question: String,
    pub answer: String,
    /// May be read out to callers (授权解答).
    #[serde(default)]
    pub authorized: bool,
    /// `draft` (default) or `pending`; publishing is a later step.
    pub status: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Why: kept with the revision.
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaqPatch {
    #[schema(value_type = Option<String>)]
    pub department: Option<DepartmentCode>,
    pub question: Option<String>,
    pub answer: Option<String>,
    pub authorized: Option<bool>,
    /// A review step: draft → pending → published → retired (pending → draft and
    /// retired → draft also allowed). Anything else is a 409.
    pub status: Option<String>,
    pub keywords: Option<Vec<String>>,
    /// Why: kept with the revision.
    pub note: Option<String>,
}

impl FaqPatch {
    fn edits_content(&self) -> bool {
        self.department.is_some()
            || self.question.is_some()
            || self.answer.is_some()
            || self.authorized.is_some()
            || self.keywords.is_some()
    }

    fn apply(&self, f: &mut Faq) {
        patch(
            &mut f.department,
            &self.department.clone().map(String::from),
        );
        patch(&mut f.question, &self.question);
        patch(&mut f.answer, &self.answer);
        patch(&mut f.authorized, &self.authorized);
        patch(&mut f.status, &self.status);
        patch(&mut f.keywords, &self.keywords);
    }
}

const BAD_STATUS: &str = "`status` must be draft, pending, published or retired";

/// Creates an entry as a draft or pending review; `by` is the editor.
pub fn create(conn: &mut DbConnection, input: FaqInput, by: &str) -> Result<Faq, ApiError> {
    let status = input.status.unwrap_or_else(|| review::DRAFT.to_string());
    if !review::is_initial(&status) {
        return Err(ApiError::bad_request(
            "a new entry starts as `draft` or `pending`",
        ));
    }
    validate::optional_text("note", input.note.as_deref(), validate::MAX_NOTE)
        .map_err(ApiError::BadRequest)?;
    let department = String::from(input.department);
    let faq = Faq {
        code: input
            .code
            .clone()
            .unwrap_or_else(|| format!("{department}-1")),
        department,
        question: input.question,
        answer: input.answer,
        authorized: input.authorized,
        status,
        keywords: input.keywords,
        authorized_by: None,
        authorized_at: None,
    };
    validate::faq(&faq).map_err(ApiError::BadRequest)?;
    let note = input.note;
    transaction(conn, |conn| {
        if !directory::lock_department(conn, &faq.department)? {
            return Err(
                ApiError::bad_request(format!("unknown department `{}`", faq.department)).into(),
            );
        }
        let mut faq = faq.clone();
        match &input.code {
            Some(code) if kb::faq(conn, code)?.is_some() => {
                return Err(ApiError::conflict(format!("FAQ entry `{code}` exists")).into());
            }
            Some(_) => {}
            None => faq.code = next_code(conn, &faq.department)?,
        }
        insert(conn, &faq, by, note.as_deref())
    })
}

/// Edits an entry or moves it through review; `by` is the editor.
pub fn update(conn: &mut DbConnection, code: &str, p: FaqPatch, by: &str) -> Result<Faq, ApiError> {
    validate::optional_text("note", p.note.as_deref(), validate::MAX_NOTE)
        .map_err(ApiError::BadRequest)?;
    if let Some(s) = &p.status
        && !review::is_state(s)
    {
        return Err(ApiError::bad_request(BAD_STATUS));
    }
    transaction(conn, |conn| {
        let before = found(kb::faq(conn, code)?, "FAQ entry", code)?;
        review::check_edit(&before.status, p.status.as_deref(), p.edits_content())
            .map_err(ApiError::InvalidTransition)?;
        let mut f = before.clone();
        p.apply(&mut f);
        domain::authorization(Some(&before), &mut f, by, chrono::Utc::now());
        validate::faq(&f).map_err(ApiError::BadRequest)?;
        if f.department != before.department && kb::department(conn, &f.department)?.is_none() {
            return Err(
                ApiError::bad_request(format!("unknown department `{}`", f.department)).into(),
            );
        }
        if f != before {
            directory::update_faq(conn, &f, by, p.note.as_deref())?;
            changes::record(conn, changes::FAQ, &f.code)?;
        }
        Ok(f)
    })
}

/// The department's next free code. The caller holds the department's lock
/// (`directory::lock_department`), so no other writer takes the same number meanwhile.
pub(crate) fn next_code(conn: &mut DbConnection, department: &str) -> DbResult<String> {
    let existing = directory::faq_codes_with_prefix(conn, department)?;
    Ok(domain::next_faq_code(department, &existing))
}

/// Inserts a new entry with its first revision and its change row; answers it as stored
/// (an authorised answer names `by`).
pub(crate) fn insert(
    conn: &mut DbConnection,
    faq: &Faq,
    by: &str,
    note: Option<&str>,
) -> Result<Faq, Failure> {
    let mut faq = faq.clone();
    domain::authorization(None, &mut faq, by, chrono::Utc::now());
    directory::insert_faqs(conn, std::slice::from_ref(&faq), by, note)?;
    changes::record(conn, changes::FAQ, &faq.code)?;
    Ok(faq)
}

/// The kept versions of an FAQ entry, oldest first, as `editor` or not may read them. A
/// supervisor reads the history of what callers were told (published versions, and the
/// retirement of an entry that was published); drafts never read out are the editors'. An entry
/// with nothing to show is "not found".
pub fn revisions(
    conn: &mut DbConnection,
    code: &str,
    editor: bool,
) -> Result<Vec<FaqRevision>, ApiError> {
    let mut all = match kb::faq(conn, code)? {
        Some(_) => directory::revisions(conn, code)?,
        None => Vec::new(),
    };
    if !editor {
        let heard = [review::PUBLISHED, review::RETIRED];
        if !all.iter().any(|(r, _)| r.status == review::PUBLISHED) {
            all.clear();
        }
        all.retain(|(r, _)| heard.contains(&r.status.as_str()));
    }
    if all.is_empty() {
        return Err(ApiError::not_found(format!("no FAQ entry `{code}`")));
    }
    Ok(all
        .into_iter()
        .map(|(r, keywords)| FaqRevision {
            revision: r.revision,
            department: r.department,
            question: r.question,
            answer: r.answer,
            authorized: r.authorized,
            status: r.status,
            keywords,
            changed_by: r.changed_by,
            changed_at: shared::time::from_ms(r.changed_at),
            note: r.note,
        })
        .collect())
}

/// Which entries a listing shows: editors any review state they ask for (all without one),
/// everyone else the published ones only.
pub struct FaqFilter {
    pub department: Option<String>,
    pub status: Option<String>,
    /// An operator who reads out authorised answers only (`knowledge_operator_answers`).
    pub authorized_only: bool,
}

impl FaqFilter {
    /// The filter `editor` (or not) asked for; an unknown state is a 400.
    pub fn of(
        editor: bool,
        department: Option<String>,
        status: Option<String>,
    ) -> Result<FaqFilter, ApiError> {
        let status = match (editor, status) {
            (true, Some(s)) if review::is_state(&s) => Some(s),
            (true, Some(_)) => {
                return Err(ApiError::bad_request(
                    "`status` must be draft, pending, published or retired",
                ));
            }
            (true, None) => None,
            (false, _) => Some(review::PUBLISHED.to_string()),
        };
        if let Some(d) = &department {
            check_len("department", d, 64)?;
        }
        Ok(FaqFilter {
            department: department.filter(|d| !d.is_empty()),
            status,
            authorized_only: false,
        })
    }
}

/// A page of the entries `filter` lets through.
pub fn list(
    conn: &mut DbConnection,
    filter: &FaqFilter,
    paging: Paging,
) -> Result<Page<Faq>, ApiError> {
    let (items, total) = kb::list_faqs(
        conn,
        filter.department.as_deref(),
        filter.status.as_deref(),
        filter.authorized_only,
        paging.offset(),
        paging.per_page,
    )?;
    Ok(Page::new(items, total, paging))
}
