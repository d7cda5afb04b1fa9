//! The directory records editors write one at a time: departments, liaisons and scripts.
//! Each is created (409 when its code is taken) or edited (404 when unknown) the same way:
//! checked with the references it makes, written only when something changed, and announced
//! in `kb_changes` in the same transaction.

use serde::Deserialize;
use shared::ApiError;
use shared::codes::{DepartmentCode, RegionCode};
use shared::db::{DbConnection, DbResult};
use utoipa::ToSchema;

use super::{Failure, double_option, found, transaction};
use crate::db::{changes, directory, kb};
use crate::domain::{
    Department, Hours, Liaison, Phone, Script, ScriptAudience, ScriptStep, patch, scripts, validate,
};

/// A record of the directory as this module writes it.
pub trait Record: Clone + PartialEq {
    /// What it is called in messages (`no department …`).
    const WHAT: &'static str;
    /// Its kind in `kb_changes`.
    const ENTITY: &'static str;
    fn code(&self) -> &str;
    fn load(conn: &mut DbConnection, code: &str) -> DbResult<Option<Self>>;
    fn insert(&self, conn: &mut DbConnection) -> DbResult<()>;
    fn update(&self, conn: &mut DbConnection) -> DbResult<()>;
    /// Its fields, and the records it refers to.
    fn check(&self, conn: &mut DbConnection) -> Result<(), Failure>;
    /// Other records whose answers change with an edit (announced with it).
    fn also_changed(_before: &Self, _after: &Self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// Creates a record; 409 when one with its code exists.
pub fn create<R: Record>(conn: &mut DbConnection, record: R) -> Result<R, ApiError> {
    transaction(conn, |conn| {
        record.check(conn)?;
        if R::load(conn, record.code())?.is_some() {
            return Err(
                ApiError::conflict(format!("{} `{}` exists", R::WHAT, record.code())).into(),
            );
        }
        record.insert(conn)?;
        changes::record(conn, R::ENTITY, record.code())?;
        Ok(record.clone())
    })
}

/// Reads record `code` (404 when unknown), lets `change` edit it, checks the result and
/// writes it when it differs. Returns the record as it now is.
pub fn edit<R: Record>(
    conn: &mut DbConnection,
    code: &str,
    change: impl Fn(&mut R),
) -> Result<R, ApiError> {
    transaction(conn, |conn| {
        let before = found(R::load(conn, code)?, R::WHAT, code)?;
        let mut after = before.clone();
        change(&mut after);
        after.check(conn)?;
        if after != before {
            after.update(conn)?;
            changes::record(conn, R::ENTITY, after.code())?;
            for (entity, code) in R::also_changed(&before, &after) {
                changes::record(conn, entity, &code)?;
            }
        }
        Ok(after)
    })
}

/// Creates or replaces a script; true when it was created.
pub fn put_script(conn: &mut DbConnection, mut s: Script) -> Result<(Script, bool), ApiError> {
    s.text = scripts::full_width(&s.text);
    validate::script(&s).map_err(ApiError::BadRequest)?;
    transaction(conn, |conn| {
        let created = match Script::load(conn, &s.key)? {
            None => {
                s.insert(conn)?;
                true
            }
            Some(old) if old == s => return Ok((s.clone(), false)),
            Some(_) => {
                s.update(conn)?;
                false
            }
        };
        changes::record(conn, changes::SCRIPT, &s.key)?;
        Ok((s.clone(), created))
    })
}

fn unknown(field: &str, code: &str) -> Failure {
    ApiError::bad_request(format!("unknown {field} `{code}`")).into()
}

impl Record for Department {
    const WHAT: &'static str = "department";
    const ENTITY: &'static str = changes::DEPARTMENT;
    fn code(&self) -> &str {
        &self.code
    }
    fn load(conn: &mut DbConnection, code: &str) -> DbResult<Option<Self>> {
        kb::department(conn, code)
    }
    fn insert(&self, conn: &mut DbConnection) -> DbResult<()> {
        directory::insert_departments(conn, std::slice::from_ref(self))
    }
    fn update(&self, conn: &mut DbConnection) -> DbResult<()> {
        directory::update_department(conn, self)
    }
    /// Its region and successor exist.
    fn check(&self, conn: &mut DbConnection) -> Result<(), Failure> {
        validate::department(self).map_err(ApiError::BadRequest)?;
        if kb::region(conn, &self.region)?.is_none() {
            return Err(unknown("region", &self.region));
        }
        match &self.successor {
            Some(s) if kb::department(conn, s)?.is_none() => Err(unknown("successor", s)),
            _ => Ok(()),
        }
    }
}

impl Record for Liaison {
    const WHAT: &'static str = "liaison";
    const ENTITY: &'static str = changes::LIAISON;
    fn code(&self) -> &str {
        &self.code
    }
    fn load(conn: &mut DbConnection, code: &str) -> DbResult<Option<Self>> {
        kb::liaison(conn, code)
    }
    fn insert(&self, conn: &mut DbConnection) -> DbResult<()> {
        directory::insert_liaisons(conn, std::slice::from_ref(self))
    }
    fn update(&self, conn: &mut DbConnection) -> DbResult<()> {
        directory::update_liaison(conn, self)
    }
    fn check(&self, conn: &mut DbConnection) -> Result<(), Failure> {
        validate::liaison(self).map_err(ApiError::BadRequest)?;
        if kb::department(conn, &self.department)?.is_none() {
            return Err(unknown("department", &self.department));
        }
        Ok(())
    }
    /// A liaison who moves changes both departments' answers (their liaison lists).
    fn also_changed(before: &Self, after: &Self) -> Vec<(&'static str, String)> {
        if before.department == after.department {
            Vec::new()
        } else {
            vec![(changes::DEPARTMENT, before.department.clone())]
        }
    }
}

impl Record for Script {
    const WHAT: &'static str = "script";
    const ENTITY: &'static str = changes::SCRIPT;
    fn code(&self) -> &str {
        &self.key
    }
    fn load(conn: &mut DbConnection, key: &str) -> DbResult<Option<Self>> {
        kb::script(conn, key)
    }
    fn insert(&self, conn: &mut DbConnection) -> DbResult<()> {
        directory::insert_scripts(conn, std::slice::from_ref(self))
    }
    fn update(&self, conn: &mut DbConnection) -> DbResult<()> {
        directory::update_script(conn, self)
    }
    fn check(&self, _conn: &mut DbConnection) -> Result<(), Failure> {
        validate::script(self).map_err(|e| ApiError::BadRequest(e).into())
    }
}

/// Fields to change; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentPatch {
    #[schema(value_type = Option<String>)]
    pub region: Option<RegionCode>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub aliases: Option<Vec<String>>,
    pub phones: Option<Vec<Phone>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub fax: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub directions: Option<Option<String>>,
    pub service_locations: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Hours>)]
    pub hours: Option<Option<Hours>>,
    /// `active` or `merged` (a merged department needs a `successor`).
    pub status: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub successor: Option<Option<String>>,
}

impl DepartmentPatch {
    pub fn apply(&self, d: &mut Department) {
        patch(&mut d.region, &self.region.clone().map(String::from));
        patch(&mut d.kind, &self.kind);
        patch(&mut d.name, &self.name);
        patch(&mut d.aliases, &self.aliases);
        patch(&mut d.phones, &self.phones);
        patch(&mut d.fax, &self.fax);
        patch(&mut d.address, &self.address);
        patch(&mut d.directions, &self.directions);
        patch(&mut d.service_locations, &self.service_locations);
        patch(&mut d.hours, &self.hours);
        patch(&mut d.status, &self.status);
        patch(&mut d.successor, &self.successor);
        // Reactivating a merged department without naming a successor drops the old one.
        if self.status.as_deref() == Some("active") && self.successor.is_none() {
            d.successor = None;
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiaisonPatch {
    #[schema(value_type = Option<String>)]
    pub department: Option<DepartmentCode>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub fax: Option<String>,
}

impl LiaisonPatch {
    pub fn apply(&self, l: &mut Liaison) {
        patch(
            &mut l.department,
            &self.department.clone().map(String::from),
        );
        patch(&mut l.name, &self.name);
        patch(&mut l.phone, &self.phone);
        patch(&mut l.mobile, &self.mobile);
        patch(&mut l.email, &self.email);
        patch(&mut l.fax, &self.fax);
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptPatch {
    pub title: Option<String>,
    pub text: Option<String>,
    pub audience: Option<ScriptAudience>,
    pub step: Option<ScriptStep>,
    /// `null` removes the note.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub note: Option<Option<String>>,
}

impl ScriptPatch {
    pub fn apply(&self, s: &mut Script) {
        patch(&mut s.title, &self.title);
        patch(&mut s.text, &self.text.as_deref().map(scripts::full_width));
        patch(&mut s.audience, &self.audience);
        patch(&mut s.step, &self.step);
        patch(&mut s.note, &self.note);
    }
}
