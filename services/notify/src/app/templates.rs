//! Template use cases: reading the stored templates and replacing one's text.

use shared::db::{DbPool, write_tx};
use shared::time::now_ms;
use shared::web::check_required;
use shared::{ApiError, ApiResult};

use crate::db::templates as store;
use crate::domain::templates::{Template, TemplateName, TemplateUpdate, check};
use crate::domain::{MAX_BODY, MAX_SUBJECT};

/// Every template, by name.
pub async fn all(pool: &DbPool) -> ApiResult<Vec<Template>> {
    shared::db::run(pool, |c| Ok(store::all(c)?)).await
}

/// One template.
pub async fn get(pool: &DbPool, name: String) -> ApiResult<Template> {
    shared::db::run(pool, move |c| store::get(c, &name)?.ok_or_else(not_found)).await
}

/// Replaces a template's subject and body (`by` is who did it); notifications already
/// accepted keep the text they were rendered with. A text that does not parse, or uses a
/// placeholder the template does not have, is refused (400, naming it).
pub async fn update(
    pool: &DbPool,
    name: TemplateName,
    update: TemplateUpdate,
    by: String,
) -> ApiResult<Template> {
    check_required("subject", &update.subject, MAX_SUBJECT)?;
    check_required("body", &update.body, MAX_BODY)?;
    let update = check(&name, &update)?;
    shared::db::run(pool, move |c| {
        write_tx(c, |c| {
            let name = name.as_str();
            if !store::update(c, name, &update.subject, &update.body, &by, now_ms())? {
                return Err(not_found());
            }
            store::get(c, name)?.ok_or_else(not_found)
        })
    })
    .await
}

/// The answer for a template name that is not one of the system's messages.
pub fn not_found() -> ApiError {
    ApiError::not_found("no such template")
}
