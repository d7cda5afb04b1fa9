//! The 社情民意 digest: each ticket filed under a topic in the transaction that takes it,
//! knowledge's topic words kept, and the digest read from the weekly roll-ups.

use std::collections::BTreeMap;

use chrono::Duration;
use serde_json::json;
use shared::ApiResult;
use shared::auth::AuthUser;
use shared::contract::tickets::TopicWords;

use super::reports::{DepartmentFilter, audit_export, read_audited};
use crate::db;
use crate::domain::reports::day_start;
use crate::domain::reports_topics::{
    self as domain, DigestInput, EXAMPLES, TOPICS_WITH_EXAMPLES, TopicDigest,
};
use crate::startup::AppState;

/// Replaces the topic words with knowledge's, in the database and in this replica's memory
/// (the others read them at their next refresh); tickets already filed keep their topics.
pub async fn topic_words(state: &AppState, words: TopicWords) -> ApiResult<()> {
    let vocabulary = shared::db::run(&state.pool, move |conn| {
        db::write_tx(conn, |c| {
            db::reports_topics::replace_words(c, &words)?;
            Ok(db::reports_topics::vocabulary(c)?)
        })
    })
    .await?;
    state.set_vocabulary(vocabulary);
    Ok(())
}

/// Reads the stored topic words into memory (at start, and now and then, so that words sent
/// to another replica reach this one).
pub async fn refresh(state: &AppState) -> ApiResult<()> {
    let vocabulary =
        shared::db::run(&state.pool, |c| Ok(db::reports_topics::vocabulary(c)?)).await?;
    state.set_vocabulary(vocabulary);
    Ok(())
}

/// The digest of the weeks the filter's days touch, against as many weeks before; the first
/// topics with their latest tickets. A download (`export` names its format) is recorded in
/// the audit log.
pub async fn digest(
    state: &AppState,
    user: &AuthUser,
    filter: DepartmentFilter,
    export: Option<&'static str>,
) -> ApiResult<TopicDigest> {
    let (first, last, previous) = domain::weeks(filter.from, filter.to);
    let selection = filter.selection(previous, last);
    let DepartmentFilter {
        from,
        to,
        region,
        department,
    } = filter;
    let audit = export.map(|format| {
        let details = json!({
            "report": "topics", "format": format, "from": from, "to": to,
            "region": region, "department": department,
        });
        audit_export(user, "topics", details)
    });
    let period = (day_start(first), day_start(last + Duration::days(7)));
    let (region2, department2) = (region.clone(), department.clone());
    read_audited(state, audit, move |c| {
        let s = &selection;
        let input = DigestInput {
            rows: db::reports_topics::per_week(c, s)?,
            names: db::reports_topics::names(c)?
                .into_iter()
                .collect::<BTreeMap<_, _>>(),
        };
        let mut d = domain::digest(from, to, region2.clone(), department2.clone(), input);
        for t in d.topics.iter_mut().take(TOPICS_WITH_EXAMPLES) {
            if t.tickets > 0 {
                t.examples = db::reports_topics::examples(c, &t.topic, period, s, EXAMPLES)?;
            }
        }
        Ok(d)
    })
    .await
}
