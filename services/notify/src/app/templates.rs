//! Template use cases: seeding the defaults, reading the stored templates and replacing one's
//! text.

use shared::db::{DbPool, write_tx};
use shared::time::now_ms;
use shared::web::check_required;
use shared::{ApiError, ApiResult};

use crate::db::templates as store;
use crate::domain::templates::{DEFAULTS, Template, TemplateName, TemplateUpdate, check};
use crate::domain::{MAX_BODY, MAX_SUBJECT};

/// Seeds the default templates (those nobody edited follow the defaults) and returns, for each
/// stored template that no longer passes the checks a save makes (an edited text from an older
/// version, say, using a placeholder the template does not have), its name and why: such a
/// template refuses the notifications that name it until an admin corrects it.
pub async fn seed(pool: &DbPool) -> ApiResult<Vec<(String, String)>> {
    shared::db::run(pool, |c| {
        store::seed(c, &DEFAULTS[..], now_ms())?;
        Ok(store::all(c)?)
    })
    .await
    .map(|stored| {
        stored
            .into_iter()
            .filter_map(|t| {
                let name = TemplateName::parse(&t.name)?;
                let text = TemplateUpdate {
                    subject: t.subject,
                    body: t.body,
                };
                check(&name, &text).err().map(|e| (t.name, e.to_string()))
            })
            .collect()
    })
}

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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::templates::Seed;

    /// Templates stored by an older version in the `{name}` syntax: one nobody edited follows
    /// the new default, an edited one is kept and still renders; an edited one that uses a
    /// placeholder its template does not have is reported.
    #[actix_web::test]
    async fn older_templates_are_upgraded_unless_edited() {
        let pool = crate::app::notifications::tests::empty_database();
        let older = [
            Seed {
                name: "dispatch",
                subject: "{hotline_name}派单 {ticket_id}",
                body: "请于 {due_at} 前办结。传真至 {centre_fax}。",
                extra: &[],
            },
            Seed {
                name: "caller_reply",
                subject: "答复 {ticket_id}",
                body: "{caller_name}您好：{reply}",
                extra: &[],
            },
            Seed {
                name: "liaison_reply",
                subject: "回复 {ticket_id}",
                body: "{reply}（{caller_name}）",
                extra: &[],
            },
        ];
        shared::db::run(&pool, move |c| {
            store::seed(c, &older, 0)?;
            store::update(
                c,
                "caller_reply",
                older[1].subject,
                older[1].body,
                "admin",
                1,
            )?;
            store::update(
                c,
                "liaison_reply",
                older[2].subject,
                older[2].body,
                "admin",
                1,
            )?;
            Ok(())
        })
        .await
        .unwrap();
        let problems = seed(&pool).await.unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, "liaison_reply");
        assert!(problems[0].1.contains("`caller_name`"), "{problems:?}");
        let dispatch = get(&pool, "dispatch".into()).await.unwrap();
        assert_eq!(
            dispatch.subject, DEFAULTS[1].subject,
            "unedited: the new default"
        );
        let kept = get(&pool, "caller_reply".into()).await.unwrap();
        assert_eq!(
            kept.body, "{caller_name}您好：{reply}",
            "edited: kept as written"
        );
        let values = [("caller_name", "张先生"), ("reply", "已办理")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(
            crate::domain::templates::render("caller_reply", &kept.body, &values).unwrap(),
            "张先生您好：已办理"
        );
        assert_eq!(all(&pool).await.unwrap().len(), DEFAULTS.len());
    }
}
