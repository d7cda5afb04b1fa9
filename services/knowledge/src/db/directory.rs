//! Writes to the directory tables. Callers wrap them in a transaction together with the
//! `kb_changes` rows (see `changes`).

use diesel::prelude::*;
use serde::Serialize;
use shared::ApiResult;
use shared::db::DbConnection;
use utoipa::ToSchema;

use super::kb::{LiaisonRow, NewDepartmentRow, NewFaqRow, NewScriptRow, RegionRow};
use super::schema::{departments, faq_revisions, faqs, liaisons, regions, scripts};
use crate::domain::{Department, Faq, Liaison, Region, Script};

/// Rows per multi-row INSERT: well under SQLite's bound-variable limit for the widest table.
const CHUNK: usize = 400;

pub fn insert_regions(conn: &mut DbConnection, items: &[Region]) -> ApiResult<()> {
    let rows = items
        .iter()
        .map(RegionRow::from_domain)
        .collect::<ApiResult<Vec<_>>>()?;
    for chunk in rows.chunks(CHUNK) {
        shared::on_backend!(conn, |c| diesel::insert_into(regions::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

pub fn update_region(conn: &mut DbConnection, r: &Region) -> ApiResult<()> {
    let row = RegionRow::from_domain(r)?;
    diesel::update(regions::table.find(&r.code))
        .set(&row)
        .execute(conn)?;
    Ok(())
}

pub fn insert_departments(conn: &mut DbConnection, items: &[Department]) -> ApiResult<()> {
    let rows = items
        .iter()
        .map(NewDepartmentRow::from_domain)
        .collect::<ApiResult<Vec<_>>>()?;
    for chunk in rows.chunks(CHUNK) {
        shared::on_backend!(conn, |c| diesel::insert_into(departments::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Replaces a department's fields; `NotFound` when there is no such department.
pub fn update_department(conn: &mut DbConnection, d: &Department) -> ApiResult<()> {
    let row = NewDepartmentRow::from_domain(d)?;
    let n = diesel::update(departments::table.find(&d.code))
        .set(&row)
        .execute(conn)?;
    if n == 0 {
        return Err(diesel::result::Error::NotFound.into());
    }
    Ok(())
}

pub fn insert_liaisons(conn: &mut DbConnection, items: &[Liaison]) -> ApiResult<()> {
    let rows: Vec<LiaisonRow> = items.iter().map(LiaisonRow::from).collect();
    for chunk in rows.chunks(CHUNK) {
        shared::on_backend!(conn, |c| diesel::insert_into(liaisons::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

pub fn update_liaison(conn: &mut DbConnection, l: &Liaison) -> ApiResult<()> {
    let row = LiaisonRow::from(l);
    let n = diesel::update(liaisons::table.find(&l.code))
        .set(&row)
        .execute(conn)?;
    if n == 0 {
        return Err(diesel::result::Error::NotFound.into());
    }
    Ok(())
}

pub fn insert_scripts(conn: &mut DbConnection, items: &[Script]) -> ApiResult<()> {
    let rows: Vec<NewScriptRow> = items.iter().map(NewScriptRow::from_domain).collect();
    for chunk in rows.chunks(CHUNK) {
        shared::on_backend!(conn, |c| diesel::insert_into(scripts::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

pub fn update_script(conn: &mut DbConnection, s: &Script) -> ApiResult<()> {
    let row = NewScriptRow::from_domain(s);
    let n = diesel::update(scripts::table.find(&s.key))
        .set(&row)
        .execute(conn)?;
    if n == 0 {
        return Err(diesel::result::Error::NotFound.into());
    }
    Ok(())
}

// ---- FAQ entries and their revisions ----

#[derive(Insertable)]
#[diesel(table_name = faq_revisions)]
struct NewRevision {
    faq_code: String,
    revision: i32,
    department: String,
    question: String,
    answer: String,
    authorized: bool,
    status: String,
    keywords: String,
    changed_by: String,
    changed_at: chrono::NaiveDateTime,
    note: Option<String>,
}

/// One kept version of an FAQ entry.
#[derive(Debug, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = faq_revisions)]
pub struct Revision {
    pub revision: i32,
    pub department: String,
    pub question: String,
    pub answer: String,
    pub authorized: bool,
    pub status: String,
    /// JSON array of keywords, as stored.
    #[serde(skip)]
    pub keywords: String,
    pub changed_by: String,
    /// UTC.
    pub changed_at: chrono::NaiveDateTime,
    pub note: Option<String>,
}

fn revision_row(f: &Faq, revision: i32, by: &str, note: Option<&str>) -> ApiResult<NewRevision> {
    Ok(NewRevision {
        faq_code: f.code.clone(),
        revision,
        department: f.department.clone(),
        question: f.question.clone(),
        answer: f.answer.clone(),
        authorized: f.authorized,
        status: f.status.clone(),
        keywords: serde_json::to_string(&f.keywords)?,
        changed_by: by.to_string(),
        changed_at: chrono::Utc::now().naive_utc(),
        note: note.map(str::to_string),
    })
}

/// Inserts new entries, each with its first revision.
pub fn insert_faqs(
    conn: &mut DbConnection,
    items: &[Faq],
    by: &str,
    note: Option<&str>,
) -> ApiResult<()> {
    let rows = items
        .iter()
        .map(|f| NewFaqRow::from_domain(f, by))
        .collect::<ApiResult<Vec<_>>>()?;
    for chunk in rows.chunks(CHUNK) {
        shared::on_backend!(conn, |c| diesel::insert_into(faqs::table)
            .values(chunk)
            .execute(c))?;
    }
    let revisions = items
        .iter()
        .map(|f| revision_row(f, 1, by, note))
        .collect::<ApiResult<Vec<_>>>()?;
    for chunk in revisions.chunks(CHUNK) {
        shared::on_backend!(conn, |c| diesel::insert_into(faq_revisions::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Replaces an entry's fields and keeps the new version as its next revision.
pub fn update_faq(
    conn: &mut DbConnection,
    f: &Faq,
    by: &str,
    note: Option<&str>,
) -> ApiResult<i32> {
    let row = NewFaqRow::from_domain(f, by)?;
    let n = diesel::update(faqs::table.find(&f.code))
        .set(&row)
        .execute(conn)?;
    if n == 0 {
        return Err(diesel::result::Error::NotFound.into());
    }
    let last: Option<i32> = faq_revisions::table
        .filter(faq_revisions::faq_code.eq(&f.code))
        .select(diesel::dsl::max(faq_revisions::revision))
        .first(conn)?;
    let next = last.unwrap_or(0) + 1;
    let rev = revision_row(f, next, by, note)?;
    diesel::insert_into(faq_revisions::table)
        .values(&rev)
        .execute(conn)?;
    Ok(next)
}

/// An entry's revisions, oldest first.
pub fn revisions(conn: &mut DbConnection, code: &str) -> ApiResult<Vec<(Revision, Vec<String>)>> {
    let rows: Vec<Revision> = faq_revisions::table
        .filter(faq_revisions::faq_code.eq(code))
        .order(faq_revisions::revision)
        .select(Revision::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            let k = serde_json::from_str(&r.keywords)?;
            Ok((r, k))
        })
        .collect()
}

/// Every FAQ code of a department (any state), for making the next one.
pub fn faq_codes_with_prefix(conn: &mut DbConnection, department: &str) -> ApiResult<Vec<String>> {
    Ok(faqs::table
        .filter(
            faqs::code
                .like(format!(
                    "{}-%",
                    department.replace('%', "").replace('_', "\\_")
                ))
                .escape('\\'),
        )
        .select(faqs::code)
        .load(conn)?)
}
