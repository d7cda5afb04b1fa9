//! The directory tables: regions, departments, liaisons, FAQ entries, scripts.
//!
//! JSON-shaped fields are stored as TEXT holding JSON; rows convert to and from the `domain`
//! types here so that nothing above this layer sees the storage shape.

use diesel::prelude::*;
use shared::db::{DbConnection, DbResult};
use shared::time::now_ms;

use super::schema::{departments, faqs, liaisons, regions, scripts};
use super::{from_json, to_json};
use crate::domain::{Department, Faq, Liaison, Region, Script, ScriptAudience, ScriptStep};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = regions, treat_none_as_null = true)]
pub struct RegionRow {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub aliases: String,
    pub level: String,
    pub parent: Option<String>,
    pub area_code: String,
}

impl RegionRow {
    pub fn from_domain(r: &Region) -> DbResult<RegionRow> {
        Ok(RegionRow {
            code: r.code.clone(),
            name: r.name.clone(),
            short_name: r.short_name.clone(),
            aliases: to_json(&r.aliases)?,
            level: r.level.clone(),
            parent: r.parent.clone(),
            area_code: r.area_code.clone(),
        })
    }

    pub fn into_domain(self) -> DbResult<Region> {
        Ok(Region {
            code: self.code,
            name: self.name,
            short_name: self.short_name,
            aliases: from_json(&self.aliases)?,
            level: self.level,
            parent: self.parent,
            area_code: self.area_code,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = departments)]
pub struct DepartmentRow {
    pub code: String,
    pub region: String,
    pub kind: String,
    pub name: String,
    pub aliases: String,
    pub phones: String,
    pub fax: Option<String>,
    pub address: Option<String>,
    pub directions: Option<String>,
    pub service_locations: String,
    pub hours: Option<String>,
    pub status: String,
    pub successor: Option<String>,
}

/// What is written for a department (its `updated_at` is set on every write).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = departments, treat_none_as_null = true)]
pub struct NewDepartmentRow {
    pub code: String,
    pub region: String,
    pub kind: String,
    pub name: String,
    pub aliases: String,
    pub phones: String,
    pub fax: Option<String>,
    pub address: Option<String>,
    pub directions: Option<String>,
    pub service_locations: String,
    pub hours: Option<String>,
    pub status: String,
    pub successor: Option<String>,
    pub updated_at: i64,
}

impl NewDepartmentRow {
    pub fn from_domain(d: &Department) -> DbResult<NewDepartmentRow> {
        Ok(NewDepartmentRow {
            code: d.code.clone(),
            region: d.region.clone(),
            kind: d.kind.clone(),
            name: d.name.clone(),
            aliases: to_json(&d.aliases)?,
            phones: to_json(&d.phones)?,
            fax: d.fax.clone(),
            address: d.address.clone(),
            directions: d.directions.clone(),
            service_locations: to_json(&d.service_locations)?,
            hours: d.hours.as_ref().map(to_json).transpose()?,
            status: d.status.clone(),
            successor: d.successor.clone(),
            updated_at: now_ms(),
        })
    }
}

impl DepartmentRow {
    pub fn into_domain(self) -> DbResult<Department> {
        Ok(Department {
            code: self.code,
            region: self.region,
            kind: self.kind,
            name: self.name,
            aliases: from_json(&self.aliases)?,
            phones: from_json(&self.phones)?,
            fax: self.fax,
            address: self.address,
            directions: self.directions,
            service_locations: from_json(&self.service_locations)?,
            hours: self.hours.as_deref().map(from_json).transpose()?,
            status: self.status,
            successor: self.successor,
        })
    }
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = liaisons)]
pub struct LiaisonRow {
    pub code: String,
    pub department: String,
    pub name: String,
    pub phone: String,
    pub mobile: String,
    pub email: String,
    pub fax: String,
}

impl From<&Liaison> for LiaisonRow {
    fn from(l: &Liaison) -> Self {
        LiaisonRow {
            code: l.code.clone(),
            department: l.department.clone(),
            name: l.name.clone(),
            phone: l.phone.clone(),
            mobile: l.mobile.clone(),
            email: l.email.clone(),
            fax: l.fax.clone(),
        }
    }
}

impl From<LiaisonRow> for Liaison {
    fn from(r: LiaisonRow) -> Self {
        Liaison {
            code: r.code,
            department: r.department,
            name: r.name,
            phone: r.phone,
            mobile: r.mobile,
            email: r.email,
            fax: r.fax,
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = faqs)]
pub struct FaqRow {
    pub code: String,
    pub department: String,
    pub question: String,
    pub answer: String,
    pub authorized: bool,
    pub status: String,
    pub keywords: String,
    pub authorized_by: Option<String>,
    pub authorized_at: Option<i64>,
}

impl FaqRow {
    pub fn into_domain(self) -> DbResult<Faq> {
        Ok(Faq {
            code: self.code,
            department: self.department,
            question: self.question,
            answer: self.answer,
            authorized: self.authorized,
            status: self.status,
            keywords: from_json(&self.keywords)?,
            authorized_by: self.authorized_by,
            authorized_at: self.authorized_at.map(shared::time::from_ms),
        })
    }
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = faqs, treat_none_as_null = true)]
pub struct NewFaqRow {
    pub code: String,
    pub department: String,
    pub question: String,
    pub answer: String,
    pub authorized: bool,
    pub status: String,
    pub keywords: String,
    pub updated_at: i64,
    pub updated_by: String,
    pub authorized_by: Option<String>,
    pub authorized_at: Option<i64>,
}

impl NewFaqRow {
    pub fn from_domain(f: &Faq, by: &str) -> DbResult<NewFaqRow> {
        Ok(NewFaqRow {
            code: f.code.clone(),
            department: f.department.clone(),
            question: f.question.clone(),
            answer: f.answer.clone(),
            authorized: f.authorized,
            status: f.status.clone(),
            keywords: to_json(&f.keywords)?,
            updated_at: now_ms(),
            updated_by: by.to_string(),
            authorized_by: f.authorized_by.clone(),
            authorized_at: f.authorized_at.map(shared::time::to_ms),
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = scripts)]
pub struct ScriptRow {
    pub key: String,
    pub title: String,
    pub text: String,
    pub audience: String,
    pub step: String,
    pub note: Option<String>,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = scripts, treat_none_as_null = true)]
pub struct NewScriptRow {
    pub key: String,
    pub title: String,
    pub text: String,
    pub updated_at: i64,
    pub audience: String,
    pub step: String,
    pub note: Option<String>,
}

impl NewScriptRow {
    pub fn from_domain(s: &Script) -> NewScriptRow {
        NewScriptRow {
            key: s.key.clone(),
            title: s.title.clone(),
            text: s.text.clone(),
            updated_at: now_ms(),
            audience: s.audience.as_str().to_string(),
            step: s.step.as_str().to_string(),
            note: s.note.clone(),
        }
    }
}

impl From<ScriptRow> for Script {
    // The columns hold only what `NewScriptRow` wrote; anything else reads as the default.
    fn from(r: ScriptRow) -> Self {
        Script {
            key: r.key,
            title: r.title,
            text: r.text,
            audience: ScriptAudience::parse(&r.audience).unwrap_or_default(),
            step: ScriptStep::parse(&r.step).unwrap_or_default(),
            note: r.note,
        }
    }
}

// ---- loaders (also used by the search index) ----

/// Rows read back into records (their JSON columns parsed).
fn records<R, T>(rows: Vec<R>, into: fn(R) -> DbResult<T>) -> DbResult<Vec<T>> {
    rows.into_iter().map(into).collect()
}

/// Every region, ordered by code.
pub fn load_regions(conn: &mut DbConnection) -> DbResult<Vec<Region>> {
    let rows = regions::table
        .select(RegionRow::as_select())
        .order(regions::code)
        .load(conn)?;
    records(rows, RegionRow::into_domain)
}

/// Every department (active and merged), ordered by code.
pub fn load_departments(conn: &mut DbConnection) -> DbResult<Vec<Department>> {
    let rows = departments::table
        .select(DepartmentRow::as_select())
        .order(departments::code)
        .load(conn)?;
    records(rows, DepartmentRow::into_domain)
}

/// Every FAQ entry in every review state, ordered by code (callers filter on `status`).
pub fn load_faqs(conn: &mut DbConnection) -> DbResult<Vec<Faq>> {
    let rows = faqs::table
        .select(FaqRow::as_select())
        .order(faqs::code)
        .load(conn)?;
    records(rows, FaqRow::into_domain)
}

/// Up to `limit` FAQ entries whose code comes after `after`, ordered by code: all of them a
/// page at a time (the search index reads them so). A page starts after the last code of
/// the one before, so a record added or removed meanwhile shifts none.
pub fn faqs_after(conn: &mut DbConnection, after: &str, limit: i64) -> DbResult<Vec<Faq>> {
    let rows = faqs::table
        .filter(faqs::code.gt(after))
        .select(FaqRow::as_select())
        .order(faqs::code)
        .limit(limit)
        .load(conn)?;
    records(rows, FaqRow::into_domain)
}

/// Every liaison, ordered by code.
pub fn load_liaisons(conn: &mut DbConnection) -> DbResult<Vec<Liaison>> {
    Ok(liaisons::table
        .select(LiaisonRow::as_select())
        .order(liaisons::code)
        .load(conn)?
        .into_iter()
        .map(Liaison::from)
        .collect())
}

pub fn load_scripts(conn: &mut DbConnection) -> DbResult<Vec<Script>> {
    Ok(scripts::table
        .select(ScriptRow::as_select())
        .order(scripts::key)
        .load(conn)?
        .into_iter()
        .map(Script::from)
        .collect())
}

// ---- single records ----

pub fn region(conn: &mut DbConnection, code: &str) -> DbResult<Option<Region>> {
    let row = regions::table
        .find(code)
        .select(RegionRow::as_select())
        .first(conn)
        .optional()?;
    row.map(RegionRow::into_domain).transpose()
}

/// One department by code, `None` when unknown.
pub fn department(conn: &mut DbConnection, code: &str) -> DbResult<Option<Department>> {
    let row = departments::table
        .find(code)
        .select(DepartmentRow::as_select())
        .first(conn)
        .optional()?;
    row.map(DepartmentRow::into_domain).transpose()
}

/// One FAQ entry by code (any review state), `None` when unknown.
pub fn faq(conn: &mut DbConnection, code: &str) -> DbResult<Option<Faq>> {
    let row = faqs::table
        .find(code)
        .select(FaqRow::as_select())
        .first(conn)
        .optional()?;
    row.map(FaqRow::into_domain).transpose()
}

pub fn liaison(conn: &mut DbConnection, code: &str) -> DbResult<Option<Liaison>> {
    Ok(liaisons::table
        .find(code)
        .select(LiaisonRow::as_select())
        .first(conn)
        .optional()?
        .map(Liaison::from))
}

pub fn script(conn: &mut DbConnection, key: &str) -> DbResult<Option<Script>> {
    Ok(scripts::table
        .find(key)
        .select(ScriptRow::as_select())
        .first(conn)
        .optional()?
        .map(Script::from))
}

pub fn liaisons_of(conn: &mut DbConnection, department: &str) -> DbResult<Vec<Liaison>> {
    Ok(liaisons::table
        .filter(liaisons::department.eq(department))
        .select(LiaisonRow::as_select())
        .order(liaisons::code)
        .load(conn)?
        .into_iter()
        .map(Liaison::from)
        .collect())
}

/// The department's FAQ entries (any review state), ordered by code: what the search index
/// writes again when the department changes (its entries show its name and phones).
pub fn faqs_of(conn: &mut DbConnection, department: &str) -> DbResult<Vec<Faq>> {
    let rows = faqs::table
        .filter(faqs::department.eq(department))
        .select(FaqRow::as_select())
        .order(faqs::code)
        .load(conn)?;
    records(rows, FaqRow::into_domain)
}

/// Codes of the department's FAQ entries in `status`.
pub fn faq_codes_of(
    conn: &mut DbConnection,
    department: &str,
    status: &str,
) -> DbResult<Vec<String>> {
    Ok(faqs::table
        .filter(faqs::department.eq(department))
        .filter(faqs::status.eq(status))
        .select(faqs::code)
        .order(faqs::code)
        .load(conn)?)
}

pub fn count_departments(conn: &mut DbConnection) -> DbResult<i64> {
    Ok(departments::table.count().get_result(conn)?)
}

pub fn department_codes(conn: &mut DbConnection) -> DbResult<Vec<String>> {
    Ok(departments::table.select(departments::code).load(conn)?)
}

fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A page of departments, optionally in `regions` and matching `q` in name, code or aliases.
pub fn list_departments(
    conn: &mut DbConnection,
    regions: Option<&[String]>,
    codes: Option<&[String]>,
    q: Option<&str>,
    offset: i64,
    limit: i64,
) -> DbResult<(Vec<Department>, i64)> {
    let filtered = || {
        let mut query = departments::table.into_boxed();
        if let Some(r) = regions {
            query = query.filter(departments::region.eq_any(r.to_vec()));
        }
        if let Some(c) = codes {
            query = query.filter(departments::code.eq_any(c.to_vec()));
        }
        if let Some(q) = q {
            let p = like_pattern(q);
            query = query.filter(
                departments::name
                    .like(p.clone())
                    .escape('\\')
                    .or(departments::aliases.like(p.clone()).escape('\\'))
                    .or(departments::code.like(p).escape('\\')),
            );
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(DepartmentRow::as_select())
        .order(departments::code)
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((records(rows, DepartmentRow::into_domain)?, total))
}

/// Every fax number on record with its department: the departments' own and their liaisons'.
pub fn fax_numbers(conn: &mut DbConnection) -> DbResult<Vec<(String, String)>> {
    let mut all: Vec<(String, String)> = departments::table
        .filter(departments::fax.is_not_null())
        .select((departments::code, departments::fax.assume_not_null()))
        .load(conn)?;
    all.extend(
        liaisons::table
            .filter(liaisons::fax.ne(""))
            .select((liaisons::department, liaisons::fax))
            .load::<(String, String)>(conn)?,
    );
    Ok(all)
}

/// A page of FAQ entries, optionally of one department and in one state.
pub fn list_faqs(
    conn: &mut DbConnection,
    department: Option<&str>,
    status: Option<&str>,
    authorized_only: bool,
    offset: i64,
    limit: i64,
) -> DbResult<(Vec<Faq>, i64)> {
    let filtered = || {
        let mut query = faqs::table.into_boxed();
        if let Some(d) = department {
            query = query.filter(faqs::department.eq(d.to_string()));
        }
        if let Some(s) = status {
            query = query.filter(faqs::status.eq(s.to_string()));
        }
        if authorized_only {
            query = query.filter(faqs::authorized.eq(true));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(FaqRow::as_select())
        .order(faqs::code)
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((records(rows, FaqRow::into_domain)?, total))
}
