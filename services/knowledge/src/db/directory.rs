//! Writes to the directory tables. Callers wrap them in a transaction together with the
//! `kb_changes` rows (see `changes`).

use diesel::prelude::*;
use shared::db::{DbConnection, DbError, DbResult};
use shared::time::now_ms;

use super::kb::{LiaisonRow, NewDepartmentRow, NewFaqRow, NewScriptRow, RegionRow};
use super::schema::{departments, faq_revisions, faqs, liaisons, regions, scripts};
use super::to_json;
use crate::domain::{Department, Faq, Liaison, Region, Script};

/// Rows per multi-row INSERT: well under SQLite's bound-variable limit for the widest table.
const CHUNK: usize = 400;

/// Inserts `items` as rows made [`CHUNK`] at a time: a large import (200k FAQ entries) never
/// holds a second and third copy of all its records as rows.
fn in_chunks<T, R>(
    items: &[T],
    row: impl Fn(&T) -> DbResult<R>,
    mut insert: impl FnMut(&[R]) -> DbResult<()>,
) -> DbResult<()> {
    for chunk in items.chunks(CHUNK) {
        let rows = chunk.iter().map(&row).collect::<DbResult<Vec<R>>>()?;
        insert(&rows)?;
    }
    Ok(())
}

pub fn insert_regions(conn: &mut DbConnection, items: &[Region]) -> DbResult<()> {
    in_chunks(items, RegionRow::from_domain, |rows| {
        shared::on_backend!(conn, |c| diesel::insert_into(regions::table)
            .values(rows)
            .execute(c))?;
        Ok(())
    })
}

pub fn update_region(conn: &mut DbConnection, r: &Region) -> DbResult<()> {
    let row = RegionRow::from_domain(r)?;
    diesel::update(regions::table.find(&r.code))
        .set(&row)
        .execute(conn)?;
    Ok(())
}

pub fn insert_departments(conn: &mut DbConnection, items: &[Department]) -> DbResult<()> {
    in_chunks(items, NewDepartmentRow::from_domain, |rows| {
        shared::on_backend!(conn, |c| diesel::insert_into(departments::table)
            .values(rows)
            .execute(c))?;
        Ok(())
    })
}

/// Replaces a department's fields; `NotFound` when there is no such department.
pub fn update_department(conn: &mut DbConnection, d: &Department) -> DbResult<()> {
    let row = NewDepartmentRow::from_domain(d)?;
    let n = diesel::update(departments::table.find(&d.code))
        .set(&row)
        .execute(conn)?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

pub fn insert_liaisons(conn: &mut DbConnection, items: &[Liaison]) -> DbResult<()> {
    in_chunks(
        items,
        |l| Ok(LiaisonRow::from(l)),
        |rows| {
            shared::on_backend!(conn, |c| diesel::insert_into(liaisons::table)
                .values(rows)
                .execute(c))?;
            Ok(())
        },
    )
}

pub fn update_liaison(conn: &mut DbConnection, l: &Liaison) -> DbResult<()> {
    let row = LiaisonRow::from(l);
    let n = diesel::update(liaisons::table.find(&l.code))
        .set(&row)
        .execute(conn)?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

pub fn insert_scripts(conn: &mut DbConnection, items: &[Script]) -> DbResult<()> {
    in_chunks(
        items,
        |s| Ok(NewScriptRow::from_domain(s)),
        |rows| {
            shared::on_backend!(conn, |c| diesel::insert_into(scripts::table)
                .values(rows)
                .execute(c))?;
            Ok(())
        },
    )
}

pub fn update_script(conn: &mut DbConnection, s: &Script) -> DbResult<()> {
    let row = NewScriptRow::from_domain(s);
    let n = diesel::update(scripts::table.find(&s.key))
        .set(&row)
        .execute(conn)?;
    if n == 0 {
        return Err(DbError::NotFound);
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
    changed_at: i64,
    note: Option<String>,
}

/// One kept version of an FAQ entry, as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = faq_revisions)]
pub struct Revision {
    pub revision: i32,
    pub department: String,
    pub question: String,
    pub answer: String,
    pub authorized: bool,
    pub status: String,
    /// JSON array of keywords, as stored.
    pub keywords: String,
    pub changed_by: String,
    /// Milliseconds since the epoch.
    pub changed_at: i64,
    pub note: Option<String>,
}

fn revision_row(f: &Faq, revision: i32, by: &str, note: Option<&str>) -> DbResult<NewRevision> {
    Ok(NewRevision {
        faq_code: f.code.clone(),
        revision,
        department: f.department.clone(),
        question: f.question.clone(),
        answer: f.answer.clone(),
        authorized: f.authorized,
        status: f.status.clone(),
        keywords: to_json(&f.keywords)?,
        changed_by: by.to_string(),
        changed_at: now_ms(),
        note: note.map(str::to_string),
    })
}

/// Inserts new entries, each with its first revision.
pub fn insert_faqs(
    conn: &mut DbConnection,
    items: &[Faq],
    by: &str,
    note: Option<&str>,
) -> DbResult<()> {
    in_chunks(
        items,
        |f| NewFaqRow::from_domain(f, by),
        |rows| {
            shared::on_backend!(conn, |c| diesel::insert_into(faqs::table)
                .values(rows)
                .execute(c))?;
            Ok(())
        },
    )?;
    in_chunks(
        items,
        |f| revision_row(f, 1, by, note),
        |rows| {
            shared::on_backend!(conn, |c| diesel::insert_into(faq_revisions::table)
                .values(rows)
                .execute(c))?;
            Ok(())
        },
    )
}

/// Replaces an entry's fields and keeps the new version as its next revision.
pub fn update_faq(conn: &mut DbConnection, f: &Faq, by: &str, note: Option<&str>) -> DbResult<i32> {
    let row = NewFaqRow::from_domain(f, by)?;
    let n = diesel::update(faqs::table.find(&f.code))
        .set(&row)
        .execute(conn)?;
    if n == 0 {
        return Err(DbError::NotFound);
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
pub fn revisions(conn: &mut DbConnection, code: &str) -> DbResult<Vec<(Revision, Vec<String>)>> {
    let rows: Vec<Revision> = faq_revisions::table
        .filter(faq_revisions::faq_code.eq(code))
        .order(faq_revisions::revision)
        .select(Revision::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            let k = super::from_json(&r.keywords)?;
            Ok((r, k))
        })
        .collect()
}

/// Takes the department's row lock for the rest of the transaction and says whether the
/// department exists. Two writers numbering FAQ entries of one department
/// (`<department>-<n>`) thus take turns instead of both taking the same next number. SQLite
/// needs no row lock: its write transaction already holds the whole database.
pub fn lock_department(conn: &mut DbConnection, code: &str) -> DbResult<bool> {
    let query = departments::table.find(code).select(departments::code);
    let found: Option<String> = match conn {
        DbConnection::Pg(c) => query.for_no_key_update().first(c).optional()?,
        DbConnection::Sqlite(c) => query.first(c).optional()?,
    };
    Ok(found.is_some())
}

/// Every FAQ code of a department (any state), for making the next one.
pub fn faq_codes_with_prefix(conn: &mut DbConnection, department: &str) -> DbResult<Vec<String>> {
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
