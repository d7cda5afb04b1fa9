use diesel::prelude::*;
use shared::ApiResult;
use shared::db::DbConnection;
use shared::pagination::Paging;

use super::Db;
use super::schema::calls;
use crate::domain::{CallVia, Classification, Outcome};

/// A call as recorded; [`CallRow`] adds its number.
#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = calls)]
pub struct NewCall {
    pub operator: String,
    pub caller_phone: String,
    /// Stored as its name; an unknown name fails the read.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub classification: Classification,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub outcome: Outcome,
    pub department: Option<String>,
    pub duration_seconds: i32,
    pub satisfaction: Option<String>,
    pub ticket_id: Option<String>,
    pub note: Option<String>,
    pub created_at: i64,
    /// The phone system's reference of the call.
    pub call_ref: Option<String>,
    /// When the caller's rating came (the phone system's, after the call).
    pub rated_at: Option<i64>,
    /// The knowledge entry the answer came from (an FAQ or a department code), and whether
    /// it was an authorised answer.
    pub entry_code: Option<String>,
    pub entry_authorized: Option<bool>,
    /// A transfer: whether the department picked up.
    pub transfer_connected: Option<bool>,
    /// 报号: the number given to the caller.
    pub number_given: Option<String>,
    /// How the call came in: `hotline`, or a liaison's `transferred` or `direct` call.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub via: CallVia,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = calls)]
pub struct CallRow {
    pub id: i64,
    #[diesel(embed)]
    pub call: NewCall,
}

pub fn insert(conn: &mut DbConnection, c: &NewCall) -> ApiResult<CallRow> {
    let id: i64 = diesel::insert_into(calls::table)
        .values(c.clone())
        .returning(calls::id)
        .get_result(conn)?;
    Ok(calls::table
        .find(id)
        .select(CallRow::as_select())
        .first(conn)?)
}

/// A call by its id, or by the phone system's reference.
pub enum CallKey {
    Id(i64),
    Ref(String),
}

pub fn find(conn: &mut DbConnection, key: &CallKey) -> ApiResult<Option<CallRow>> {
    let q = calls::table.select(CallRow::as_select());
    Ok(match key {
        CallKey::Id(id) => q.filter(calls::id.eq(*id)).first(conn).optional()?,
        CallKey::Ref(r) => q.filter(calls::call_ref.eq(r)).first(conn).optional()?,
    })
}

/// Records the caller's rating, unless the call has one already (another replica's).
pub fn rate(conn: &mut DbConnection, id: i64, satisfaction: &str, at: i64) -> ApiResult<bool> {
    let n = diesel::update(
        calls::table
            .filter(calls::id.eq(id))
            .filter(calls::satisfaction.is_null()),
    )
    .set((calls::satisfaction.eq(satisfaction), calls::rated_at.eq(at)))
    .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub operator: Option<String>,
    pub classification: Option<Classification>,
    /// A liaison's department: the calls its liaisons logged (transferred to it or taken
    /// there), not the hotline's calls about it.
    pub logged_by_department: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

fn filtered(f: &Filter) -> calls::BoxedQuery<'static, Db> {
    let mut q = calls::table.into_boxed::<Db>();
    if let Some(o) = &f.operator {
        q = q.filter(calls::operator.eq(o.clone()));
    }
    if let Some(c) = f.classification {
        q = q.filter(calls::classification.eq(c.as_str()));
    }
    if let Some(d) = &f.logged_by_department {
        q = q
            .filter(calls::department.eq(d.clone()))
            .filter(calls::via.ne(CallVia::Hotline.as_str()));
    }
    if let Some(from) = f.from {
        q = q.filter(calls::created_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(calls::created_at.lt(to));
    }
    q
}

pub fn list(conn: &mut DbConnection, f: &Filter, paging: Paging) -> ApiResult<(Vec<CallRow>, i64)> {
    let total: i64 = filtered(f).count().get_result(conn)?;
    let items = filtered(f)
        .select(CallRow::as_select())
        .order((calls::created_at.desc(), calls::id.desc()))
        .limit(paging.per_page)
        .offset(paging.offset())
        .load(conn)?;
    Ok((items, total))
}

/// (created_at, classification, satisfaction) of the calls in `[from, to)`; grouping by the
/// local day happens in the caller.
pub fn between(
    conn: &mut DbConnection,
    from: i64,
    to: i64,
) -> ApiResult<Vec<(i64, String, Option<String>)>> {
    Ok(calls::table
        .filter(calls::created_at.ge(from))
        .filter(calls::created_at.lt(to))
        .select((
            calls::created_at,
            calls::classification,
            calls::satisfaction,
        ))
        .load(conn)?)
}
