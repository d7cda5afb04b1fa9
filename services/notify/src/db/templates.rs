//! The `templates` table: the editable text of the system's messages.

use diesel::prelude::*;
use shared::db::{DbConnection, DbError, DbResult};
use shared::time::from_ms;

use super::schema::templates::{self, dsl as t};
use crate::domain::templates::{Seed, Template, variables_of};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = templates)]
struct TemplateRow {
    name: String,
    subject: String,
    body: String,
    updated_at: i64,
    updated_by: Option<String>,
}

impl From<TemplateRow> for Template {
    fn from(r: TemplateRow) -> Template {
        Template {
            subject: r.subject,
            body: r.body,
            updated_at: from_ms(r.updated_at),
            updated_by: r.updated_by,
            variables: variables_of(&r.name),
            name: r.name,
        }
    }
}

/// Inserts the default templates that are not there yet, and brings those nobody has edited
/// (`updated_by` empty) to the current default text; edited ones are left alone.
pub fn seed(conn: &mut DbConnection, defaults: &[Seed], now: i64) -> DbResult<()> {
    for seed in defaults {
        let existing: Option<TemplateRow> = t::templates
            .filter(t::name.eq(seed.name))
            .select(TemplateRow::as_select())
            .first(conn)
            .optional()?;
        match existing {
            None => {
                let row = TemplateRow {
                    name: seed.name.to_string(),
                    subject: seed.subject.to_string(),
                    body: seed.body.to_string(),
                    updated_at: now,
                    updated_by: None,
                };
                let inserted = diesel::insert_into(templates::table)
                    .values(&row)
                    .execute(conn);
                match inserted.map_err(DbError::from) {
                    // Another replica may seed at the same moment; its row is as good as ours.
                    Ok(_) | Err(DbError::Unique { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            Some(row)
                if row.updated_by.is_none()
                    && (row.subject != seed.subject || row.body != seed.body) =>
            {
                diesel::update(
                    t::templates
                        .filter(t::name.eq(seed.name))
                        .filter(t::updated_by.is_null()),
                )
                .set((
                    t::subject.eq(seed.subject),
                    t::body.eq(seed.body),
                    t::updated_at.eq(now),
                ))
                .execute(conn)?;
            }
            Some(_) => {}
        }
    }
    Ok(())
}

pub fn all(conn: &mut DbConnection) -> DbResult<Vec<Template>> {
    let rows: Vec<TemplateRow> = t::templates
        .order(t::name)
        .select(TemplateRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(Template::from).collect())
}

pub fn get(conn: &mut DbConnection, name: &str) -> DbResult<Option<Template>> {
    let row: Option<TemplateRow> = t::templates
        .filter(t::name.eq(name))
        .select(TemplateRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(Template::from))
}

pub fn update(
    conn: &mut DbConnection,
    name: &str,
    subject: &str,
    body: &str,
    by: &str,
    now: i64,
) -> DbResult<bool> {
    let changed = diesel::update(t::templates.filter(t::name.eq(name)))
        .set((
            t::subject.eq(subject),
            t::body.eq(body),
            t::updated_at.eq(now),
            t::updated_by.eq(by),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}
