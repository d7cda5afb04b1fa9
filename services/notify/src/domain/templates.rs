//! Message templates: Chinese defaults (seeded into the database, editable there) rendered by
//! minijinja in strict mode. Each template has a fixed set of placeholders it may use
//! ([`Seed::variables`]): a template that uses another is refused when it is saved, and a
//! request that lacks a value the template needs is refused when it is accepted, instead of
//! sending a blank. Output is plain text (no escaping); it is never parsed as headers.
//!
//! Syntax: `{{ name }}` inserts a value; an optional value is tested with
//! `{% if name is defined %}…{% endif %}`. The older `{name}` syntax (templates stored before
//! minijinja) is still read: a text without any `{{`, `{%` or `{#` has each `{name}` taken as
//! `{{ name }}` ([`upgrade_syntax`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior, Value};
use serde::{Deserialize, Serialize};
use shared::ApiError;
use utoipa::ToSchema;

use super::{Channel, NotificationRequest};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Template {
    pub name: String,
    pub subject: String,
    pub body: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub updated_by: Option<String>,
    /// The placeholders this template may use.
    #[serde(default)]
    pub variables: Vec<String>,
}

/// `PUT /api/v1/templates/{name}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateUpdate {
    pub subject: String,
    pub body: String,
}

/// One of the system's messages: its default text and the placeholders it may use beyond
/// those of every ticket message ([`TICKET`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seed {
    pub name: &'static str,
    pub subject: &'static str,
    pub body: &'static str,
    pub extra: &'static [&'static str],
}

/// What every message about a ticket may use: the hotline's own details and the ticket's data
/// as the ticket service sends it (`department_name` and `type` as [`values`] makes them).
const TICKET: &[&str] = &[
    "hotline_name",
    "centre_fax",
    "centre_email",
    "ticket_id",
    "type",
    "urgent",
    "summary",
    "details",
    "region",
    "region_name",
    "department",
    "department_name",
    "due_at",
];
/// The messages the system sends; those named `sms_…` are text messages.
pub static DEFAULTS: [Seed; 12] = [
    Seed {
        name: "urgent_complaint",
        subject: "【紧急】{{ hotline_name }}工单 {{ ticket_id }}：{{ summary }}",
        body: "{{ department_name }}联络员：\n\n\
         {{ hotline_name }}收到一件紧急{{ type }}，请立即核实处理，并于 {{ due_at }} 前回复。\n\n\
         工单编号：{{ ticket_id }}\n\
         所属地区：{{ region_name }}\n\
         承办部门：{{ department_name }}\n\
         事项摘要：{{ summary }}\n\n\
         详细内容：\n{{ details }}\n\n\
         请登录热线工作平台查看并回复\
         {% if centre_fax is defined %}，或将处理结果传真至 {{ centre_fax }}{% endif %}。\n\n\
         {{ hotline_name }}",
        extra: &[],
    },
    Seed {
        name: "dispatch",
        subject: "{{ hotline_name }}派单 {{ ticket_id }}：{{ summary }}",
        body: "{{ department_name }}联络员：\n\n\
         现将以下{{ type }}转交贵单位办理，请于 {{ due_at }} 前办结并回复。\n\n\
         工单编号：{{ ticket_id }}\n\
         所属地区：{{ region_name }}\n\
         事项摘要：{{ summary }}\n\n\
         详细内容：\n{{ details }}\n\n\
         {{ hotline_name }}",
        extra: &[],
    },
    Seed {
        name: "no_info_request",
        subject: "{{ hotline_name }}知识库缺失信息核实 {{ ticket_id }}",
        body: "政府办联络员：\n\n\
         热线接到群众咨询，知识库中暂无相关信息，请协助核实并补充。\n\n\
         工单编号：{{ ticket_id }}\n\
         所属地区：{{ region_name }}\n\
         咨询问题：{{ query }}\n\
         事项摘要：{{ summary }}\n\n\
         请于 {{ due_at }} 前回复，以便更新知识库。\n\n\
         {{ hotline_name }}",
        extra: &["query"],
    },
    Seed {
        name: "liaison_reply",
        subject: "紧急工单 {{ ticket_id }} 办理回复（{{ department_name }}）",
        body: "{{ hotline_name }}：\n\n\
         关于工单 {{ ticket_id }}（{{ summary }}），{{ department_name }}办理情况如下：\n\n\
         {{ reply }}\n\n\
         {{ department_name }}",
        extra: &["reply"],
    },
    Seed {
        name: "caller_reply",
        subject: "您反映的问题已有答复（工单 {{ ticket_id }}）",
        body: "{% if caller_name is defined %}{{ caller_name }}{% endif %}您好：\n\n\
         您通过{{ hotline_name }}反映的问题（工单编号 {{ ticket_id }}）已有答复：\n\n\
         {{ reply }}\n\n\
         如有疑问，请拨打热线并提供工单编号。感谢您的来电。\n\n\
         {{ hotline_name }}",
        extra: &["reply", "caller_name"],
    },
    Seed {
        name: "overdue_escalation",
        subject: "【超期督办】工单 {{ ticket_id }} 已超过办理时限",
        body: "各位值班长：\n\n\
         以下工单已超过办理时限（{{ due_at }}），请督促承办单位尽快办结。\n\n\
         工单编号：{{ ticket_id }}\n\
         类型：{{ type }}\n\
         承办部门：{{ department_name }}\n\
         所属地区：{{ region_name }}\n\
         事项摘要：{{ summary }}\n\n\
         {{ hotline_name }}",
        extra: &[],
    },
    Seed {
        name: "sms_dispatch",
        subject: "派单签收提醒 {{ ticket_id }}",
        body: "【{{ hotline_name }}】贵单位有一件{{ type }}工单待签收：{{ ticket_id }}，\
         {{ summary }}。请尽快登录热线工作平台签收，并于{{ due_at }}前办结回复。",
        extra: &[],
    },
    Seed {
        name: "sms_deadline_reminder",
        subject: "办理时限提醒 {{ ticket_id }}",
        body: "【{{ hotline_name }}】工单{{ ticket_id }}（{{ summary }}）将于{{ due_at }}\
         到期，请抓紧办理并按时回复。",
        extra: &[],
    },
    Seed {
        name: "urgent_alert",
        subject: "【紧急投诉待派单】工单 {{ ticket_id }}：{{ summary }}",
        body: "各位值班长：\n\n\
         刚受理一件紧急{{ type }}，尚未派单，请立即登录热线工作平台派单。\
         如无人派单，系统将按话务员所填部门自动派单。\n\n\
         工单编号：{{ ticket_id }}\n\
         所属地区：{{ region_name }}\n\
         话务员所填部门：{{ department_name }}\n\
         事项摘要：{{ summary }}\n\
         办理时限：{{ due_at }}\n\n\
         详细内容：\n{{ details }}\n\n\
         {{ hotline_name }}",
        extra: &[],
    },
    Seed {
        name: "sms_urgent_alert",
        subject: "紧急投诉待派单 {{ ticket_id }}",
        body: "【{{ hotline_name }}】紧急投诉{{ ticket_id }}待派单：{{ summary }}。\
         请立即登录热线工作平台派单。",
        extra: &[],
    },
    Seed {
        name: "deadline_reminder",
        subject: "【办理时限提醒】工单 {{ ticket_id }} 将于 {{ due_at }} 到期",
        body: "{{ department_name }}联络员：\n\n\
         贵单位承办的工单即将到期，请抓紧办理，并于 {{ due_at }} 前回复。\n\n\
         工单编号：{{ ticket_id }}\n\
         类型：{{ type }}\n\
         事项摘要：{{ summary }}\n\n\
         如确需延期，请在到期前登录热线工作平台申请延期并说明理由。\n\n\
         {{ hotline_name }}",
        extra: &[],
    },
    Seed {
        name: "facts_rejected",
        subject: "工单 {{ ticket_id }} 补充的信息未被采用",
        body: "{{ department_name }}联络员：\n\n\
         贵单位就工单 {{ ticket_id }}（{{ summary }}）补充的信息，知识库维护人员未予采用，\
         理由如下：\n\n{{ reason }}\n\n\
         请登录热线工作平台，按上述意见修改后重新提交。\n\n\
         {{ hotline_name }}",
        extra: &["reason"],
    },
];

/// The name of one of the system's templates, checked against [`DEFAULTS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateName(&'static Seed);

impl TemplateName {
    pub fn parse(name: &str) -> Option<TemplateName> {
        DEFAULTS.iter().find(|s| s.name == name).map(TemplateName)
    }

    pub fn as_str(&self) -> &str {
        self.0.name
    }

    /// The placeholders the template may use.
    pub fn variables(&self) -> Vec<&'static str> {
        TICKET.iter().chain(self.0.extra).copied().collect()
    }
}

/// The placeholders the template `name` may use (none for a name that is not the system's).
pub fn variables_of(name: &str) -> Vec<String> {
    TemplateName::parse(name)
        .map(|n| n.variables().into_iter().map(str::to_string).collect())
        .unwrap_or_default()
}

/// The hotline's own details, which every template may use (`hotline_name`, `centre_fax`,
/// `centre_email`) unless the request's data says otherwise. An empty one is not set: a
/// template that needs it (outside `is defined`) refuses the request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HotlineDetails {
    pub hotline_name: String,
    pub centre_fax: String,
    pub centre_email: String,
}

/// A notification's text as it is stored and sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub subject: String,
    pub body: String,
}

/// The text of a request: `template` (the stored template the request names) rendered with
/// the request's data, or else the request's own subject and body. A message without a subject
/// is titled by its channel: "传真" (fax), "短信" (SMS). A 400 names the values the template
/// needs and the request lacks.
pub fn message(
    request: &NotificationRequest,
    template: Option<&Template>,
    details: &HotlineDetails,
) -> Result<Message, ApiError> {
    let (subject, body) = match template {
        Some(t) => {
            let v = values(&request.data, details);
            (
                render(&t.name, &t.subject, &v)?,
                render(&t.name, &t.body, &v)?,
            )
        }
        None => (
            request.subject.clone().unwrap_or_default(),
            request.body.clone().unwrap_or_default(),
        ),
    };
    let untitled = match request.channel {
        Channel::Sms => super::sms::DEFAULT_SUBJECT,
        Channel::Email | Channel::Fax => "传真",
    };
    Ok(Message {
        subject: if subject.trim().is_empty() {
            untitled.to_string()
        } else {
            subject
        },
        body,
    })
}

/// The engine: strict about undefined values, no escaping (plain text), blocks on their own
/// line leave no blank line, a bounded amount of work per render.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_fuel(Some(100_000));
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env
}

/// `text` in minijinja's syntax: a text written in the older `{name}` syntax (no `{{`, `{%`
/// or `{#` anywhere) has each `{name}` (letters, digits, `_`) made `{{ name }}`; other braces
/// stay as written. A text already in minijinja's syntax is returned as it is.
pub fn upgrade_syntax(text: &str) -> Cow<'_, str> {
    if ["{{", "{%", "{#"].iter().any(|m| text.contains(m)) || !text.contains('{') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if close > 0
                    && after[..close]
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
            {
                out.push_str("{{ ");
                out.push_str(&after[..close]);
                out.push_str(" }}");
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A `{name}` of one of `known` left in a text written in minijinja's syntax (where it is
/// plain text, not a placeholder): surely meant as `{{ name }}`.
fn older_placeholder(text: &str, known: &[&str]) -> Option<String> {
    if matches!(upgrade_syntax(text), Cow::Owned(_)) {
        return None; // all in the older syntax: read as placeholders
    }
    known
        .iter()
        .find(|name| {
            let single = format!("{{{name}}}");
            text.match_indices(&single).any(|(at, _)| {
                !text[..at].ends_with('{') && !text[at + single.len()..].starts_with('}')
            })
        })
        .map(|name| name.to_string())
}

/// Names minijinja itself provides, which a template may call without their being values.
const BUILTINS: &[&str] = &["range", "dict", "namespace", "loop", "debug"];

/// The placeholders `text` looks up (after [`upgrade_syntax`]), or a 400 if it does not parse.
fn placeholders(name: &str, field: &str, text: &str) -> Result<BTreeSet<String>, ApiError> {
    let env = environment();
    let text = upgrade_syntax(text);
    let template = env.template_from_str(&text).map_err(|e| {
        ApiError::bad_request(format!(
            "template `{name}`: the {field} does not parse: {}",
            describe(&e)
        ))
    })?;
    Ok(template
        .undeclared_variables(false)
        .into_iter()
        .filter(|v| !BUILTINS.contains(&v.as_str()))
        .collect())
}

/// A new text for the template `name`: both parts must parse and use only the template's
/// placeholders, and render with every placeholder set. Returns the subject and body to store,
/// in minijinja's syntax.
pub fn check(name: &TemplateName, update: &TemplateUpdate) -> Result<TemplateUpdate, ApiError> {
    let known = name.variables();
    let mut sample = BTreeMap::new();
    for v in &known {
        sample.insert(v.to_string(), format!("<{v}>"));
    }
    let mut checked = Vec::with_capacity(2);
    for (field, text) in [("subject", &update.subject), ("body", &update.body)] {
        let unknown: Vec<String> = placeholders(name.as_str(), field, text)?
            .into_iter()
            .filter(|v| !known.contains(&v.as_str()))
            .collect();
        if !unknown.is_empty() {
            return Err(ApiError::bad_request(format!(
                "template `{}`: the {field} uses unknown placeholder {}; it may use {}",
                name.as_str(),
                quoted(&unknown),
                quoted(&known)
            )));
        }
        if let Some(older) = older_placeholder(text, &known) {
            return Err(ApiError::bad_request(format!(
                "template `{}`: the {field} mixes `{{{older}}}` (the older syntax, which this \
                 text would print as it is) with minijinja's; write `{{{{ {older} }}}}`",
                name.as_str()
            )));
        }
        let text = upgrade_syntax(text).into_owned();
        environment()
            .render_str(&text, Value::from(sample.clone()))
            .map_err(|e| {
                ApiError::bad_request(format!(
                    "template `{}`: the {field} cannot be rendered: {}",
                    name.as_str(),
                    describe(&e)
                ))
            })?;
        checked.push(text);
    }
    let body = checked.pop().unwrap_or_default();
    let subject = checked.pop().unwrap_or_default();
    Ok(TemplateUpdate { subject, body })
}

/// Renders one part of the template `name` with `values`; a 400 that names the values it
/// needs and does not have.
pub fn render(
    name: &str,
    text: &str,
    values: &BTreeMap<String, String>,
) -> Result<String, ApiError> {
    let source = upgrade_syntax(text);
    let env = environment();
    let attempt =
        |values: &BTreeMap<String, String>| env.render_str(&source, Value::from(values.clone()));
    match attempt(values) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == ErrorKind::UndefinedError => {
            // Which of the absent placeholders the render needs: each one that still fails
            // the render when all the others are given.
            let absent: Vec<String> = placeholders(name, "text", text)?
                .into_iter()
                .filter(|v| !values.contains_key(v))
                .collect();
            let needed: Vec<String> = absent
                .iter()
                .filter(|missing| {
                    let mut more = values.clone();
                    for other in absent.iter().filter(|o| o != missing) {
                        more.insert(other.clone(), String::new());
                    }
                    attempt(&more).is_err()
                })
                .cloned()
                .collect();
            let needed = if needed.is_empty() { absent } else { needed };
            Err(ApiError::bad_request(format!(
                "template `{name}` needs a value for {} and `data` has none",
                quoted(&needed)
            )))
        }
        Err(e) => Err(ApiError::bad_request(format!(
            "template `{name}` cannot be rendered: {}",
            describe(&e)
        ))),
    }
}

/// `a`, `b` and `c` in backquotes.
fn quoted<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A template error for a person: what went wrong and on which line.
fn describe(e: &minijinja::Error) -> String {
    let what = e
        .detail()
        .map_or_else(|| e.kind().to_string(), str::to_string);
    match e.line() {
        Some(line) => format!("{what} (line {line})"),
        None => what,
    }
}

/// The values a template sees: the request's `data` as text (a `null` is no value), plus the
/// hotline's own details and conveniences (`department_name` falls back to `department`,
/// `region_name` to `region`, `type` gets a Chinese label).
pub fn values(
    data: &BTreeMap<String, serde_json::Value>,
    details: &HotlineDetails,
) -> BTreeMap<String, String> {
    let mut v: BTreeMap<String, String> = data
        .iter()
        .filter(|(_, val)| !val.is_null())
        .map(|(k, val)| (k.clone(), super::value_text(val)))
        .collect();
    for (key, detail) in [
        ("hotline_name", &details.hotline_name),
        ("centre_fax", &details.centre_fax),
        ("centre_email", &details.centre_email),
    ] {
        if !detail.trim().is_empty() {
            v.entry(key.into()).or_insert_with(|| detail.clone());
        }
    }
    // Names where the ticket service could say them, else the codes.
    for (name, code) in [("department_name", "department"), ("region_name", "region")] {
        if v.get(name).is_none_or(|s| s.is_empty())
            && let Some(c) = v.get(code).cloned()
        {
            v.insert(name.into(), c);
        }
    }
    if let Some(t) = v.get("type").cloned() {
        let label = match t.as_str() {
            "complaint" => "投诉",
            "consultation" | "inquiry" => "咨询",
            "no_info" => "信息核实",
            "suggestion" => "建议",
            "help" | "request" => "求助",
            "report" => "举报",
            "praise" => "表扬",
            _ => "",
        };
        if !label.is_empty() {
            v.insert("type".into(), label.to_string());
        }
    } else {
        v.insert("type".into(), "诉求".into());
    }
    v
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn strings(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn ticket_data() -> BTreeMap<String, serde_json::Value> {
        [
            ("ticket_id", "T20261127-0001"),
            ("type", "complaint"),
            ("urgent", "true"),
            ("summary", "噪音扰民"),
            ("details", "夜间施工"),
            ("region", "530102"),
            ("department", "530100-hbj"),
            ("department_name", "昆明市生态环境局"),
            ("due_at", "2026-11-28 12:00"),
            ("query", "施工许可"),
            ("reply", "已责令停工"),
            ("reason", "电话号码与官网不符"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::from(v)))
        .collect()
    }

    fn details() -> HotlineDetails {
        HotlineDetails {
            hotline_name: "12345热线".into(),
            centre_fax: "0871-12345".into(),
            centre_email: "centre@hotline.example".into(),
        }
    }

    #[test]
    fn the_older_syntax_is_read_as_placeholders() {
        assert_eq!(
            upgrade_syntax("{a}-{b_2}-{ x }-{-{"),
            "{{ a }}-{{ b_2 }}-{ x }-{-{"
        );
        assert_eq!(upgrade_syntax("无占位符"), "无占位符");
        assert_eq!(
            upgrade_syntax("{{ a }} {b}"),
            "{{ a }} {b}",
            "already minijinja"
        );
        let v = strings(&[("a", "甲{{ b }}"), ("b", "乙")]);
        // Values are inserted as they are, never rendered again.
        assert_eq!(render("t", "{a}-{b}", &v).unwrap(), "甲{{ b }}-乙");
        assert_eq!(render("t", "{{ a }}-{{ b }}", &v).unwrap(), "甲{{ b }}-乙");
    }

    #[test]
    fn a_missing_value_is_refused_with_its_name() {
        let v = strings(&[("ticket_id", "T1")]);
        let e = render("dispatch", "工单 {ticket_id}，传真至 {centre_fax}。", &v).unwrap_err();
        assert!(
            matches!(&e, ApiError::BadRequest(m) if m.contains("`centre_fax`") && !m.contains("`ticket_id`")),
            "{e:?}"
        );
        // An optional value tested with `is defined` is not needed.
        let text = "工单 {{ ticket_id }}{% if centre_fax is defined %}，传真至 {{ centre_fax }}{% endif %}。";
        assert_eq!(render("t", text, &v).unwrap(), "工单 T1。");
        let e = render(
            "t",
            "{{ a }}{% if b is defined %}{{ b }}{% endif %}{{ c }}",
            &v,
        )
        .unwrap_err();
        assert!(
            matches!(&e, ApiError::BadRequest(m) if m.contains("`a`, `c`") && !m.contains("`b`")),
            "{e:?}"
        );
    }

    #[test]
    fn saved_templates_use_only_their_placeholders() {
        let dispatch = TemplateName::parse("dispatch").unwrap();
        let ok = TemplateUpdate {
            subject: "派单 {ticket_id}".into(),
            body:
                "{{ department_name }}：{% if centre_fax is defined %}{{ centre_fax }}{% endif %}"
                    .into(),
        };
        let stored = check(&dispatch, &ok).unwrap();
        assert_eq!(
            stored.subject, "派单 {{ ticket_id }}",
            "stored in minijinja's syntax"
        );
        let misspelt = TemplateUpdate {
            subject: "派单 {{ ticket_id }}".into(),
            body: "传真至 {{ centre_fxa }}".into(),
        };
        let e = check(&dispatch, &misspelt).unwrap_err();
        assert!(
            matches!(&e, ApiError::BadRequest(m) if m.contains("unknown placeholder `centre_fxa`")),
            "{e:?}"
        );
        let broken = TemplateUpdate {
            subject: "派单".into(),
            body: "{% if ticket_id %}没有结束".into(),
        };
        assert!(
            matches!(check(&dispatch, &broken), Err(ApiError::BadRequest(m)) if m.contains("does not parse"))
        );
        let mixed = TemplateUpdate {
            subject: "派单".into(),
            body: "{{ ticket_id }}：{summary}".into(),
        };
        assert!(
            matches!(check(&dispatch, &mixed), Err(ApiError::BadRequest(m)) if m.contains("`{summary}`") && m.contains("`{{ summary }}`")),
            "{:?}",
            check(&dispatch, &mixed)
        );
        let bad_filter = TemplateUpdate {
            subject: "派单".into(),
            body: "{{ ticket_id | no_such_filter }}".into(),
        };
        assert!(matches!(
            check(&dispatch, &bad_filter),
            Err(ApiError::BadRequest(_))
        ));
        // `reply` belongs to the reply templates only.
        let reply = TemplateUpdate {
            subject: "回复".into(),
            body: "{{ reply }}".into(),
        };
        assert!(check(&dispatch, &reply).is_err());
        assert!(check(&TemplateName::parse("liaison_reply").unwrap(), &reply).is_ok());
    }

    #[test]
    fn defaults_check_and_render_with_ticket_data() {
        let v = values(&ticket_data(), &details());
        for seed in DEFAULTS {
            let name = TemplateName::parse(seed.name).unwrap();
            let update = TemplateUpdate {
                subject: seed.subject.into(),
                body: seed.body.into(),
            };
            let checked = check(&name, &update).unwrap();
            assert_eq!(checked.subject, seed.subject, "{}", seed.name);
            assert_eq!(checked.body, seed.body, "{}", seed.name);
            let s = render(seed.name, seed.subject, &v).unwrap();
            let b = render(seed.name, seed.body, &v).unwrap();
            assert!(s.contains("T20261127-0001"), "{}: {s}", seed.name);
            assert!(!b.contains('{') && !b.contains('}'), "{}: {b}", seed.name);
        }
        let urgent = render("urgent_complaint", DEFAULTS[0].body, &v).unwrap();
        assert!(urgent.contains("紧急投诉"), "{urgent}");
        assert!(urgent.contains("昆明市生态环境局联络员"), "{urgent}");
        assert!(
            urgent.contains("或将处理结果传真至 0871-12345。"),
            "{urgent}"
        );
        // Without a centre fax the sentence ends before it, instead of `传真至 。`.
        let no_fax = values(
            &ticket_data(),
            &HotlineDetails {
                centre_fax: String::new(),
                ..details()
            },
        );
        let urgent = render("urgent_complaint", DEFAULTS[0].body, &no_fax).unwrap();
        assert!(
            urgent.contains("请登录热线工作平台查看并回复。"),
            "{urgent}"
        );
        // A caller without a name is greeted without one.
        let reply = render("caller_reply", DEFAULTS[4].body, &v).unwrap();
        assert!(reply.starts_with("您好："), "{reply}");
        let sms = render("sms_dispatch", DEFAULTS[6].body, &v).unwrap();
        assert!(
            sms.starts_with("【12345热线】贵单位有一件投诉工单待签收：T20261127-0001"),
            "{sms}"
        );
        assert_eq!(super::super::sms::segments(&sms), 2, "{sms}");
    }

    /// Region codes read as names (所属地区：五华区) where the ticket service named them, and
    /// as the code where it could not.
    #[test]
    fn regions_are_shown_by_name() {
        let details = HotlineDetails {
            hotline_name: "12345热线".into(),
            ..HotlineDetails::default()
        };
        let mut data = ticket_data();
        data.insert("region_name".into(), "五华区".into());
        let text = render("dispatch", DEFAULTS[1].body, &values(&data, &details)).unwrap();
        assert!(text.contains("所属地区：五华区\n"), "{text}");
        data.remove("region_name");
        let text = render("dispatch", DEFAULTS[1].body, &values(&data, &details)).unwrap();
        assert!(text.contains("所属地区：530102\n"), "{text}");
    }

    /// What the ticket service sends (`tickets::domain::notifications::ticket_data`, plus
    /// `department_name` when the audience is a department's liaisons) is enough for each
    /// template it names, with no centre fax configured and a caller without a name.
    #[test]
    fn the_ticket_services_data_fills_the_templates_it_names() {
        let sent = |extra: &[&str], liaisons: bool| {
            let mut data = ticket_data();
            for k in ["query", "reply", "reason"] {
                if !extra.contains(&k) {
                    data.remove(k);
                }
            }
            if !liaisons {
                data.remove("department_name");
            }
            values(
                &data,
                &HotlineDetails {
                    hotline_name: "12345热线".into(),
                    ..HotlineDetails::default()
                },
            )
        };
        for (name, v) in [
            ("dispatch", sent(&[], true)),
            ("urgent_complaint", sent(&[], true)),
            ("no_info_request", sent(&["query"], true)),
            ("liaison_reply", sent(&["reply"], false)),
            ("caller_reply", sent(&["reply"], false)),
            ("overdue_escalation", sent(&[], false)),
            ("sms_dispatch", sent(&[], true)),
            ("sms_deadline_reminder", sent(&[], true)),
            ("urgent_alert", sent(&[], false)),
            ("sms_urgent_alert", sent(&[], false)),
            ("deadline_reminder", sent(&[], true)),
            ("facts_rejected", sent(&["reason"], true)),
        ] {
            let seed = DEFAULTS.iter().find(|s| s.name == name).unwrap();
            for text in [seed.subject, seed.body] {
                if let Err(e) = render(name, text, &v) {
                    panic!("{name}: {e:?}");
                }
            }
        }
    }

    #[test]
    fn names_and_the_text_of_a_request() {
        assert_eq!(
            TemplateName::parse("dispatch").map(|n| n.as_str().to_string()),
            Some("dispatch".to_string())
        );
        assert_eq!(TemplateName::parse("made_up"), None);
        assert!(variables_of("caller_reply").contains(&"caller_name".to_string()));
        let fax: NotificationRequest = serde_json::from_value(serde_json::json!({
            "channel": "fax", "to": "0871-1234567", "body": "正文",
            "data": {"ticket_id": "T1"},
        }))
        .unwrap();
        let plain = message(&fax, None, &HotlineDetails::default()).unwrap();
        assert_eq!(plain.subject, "传真", "a fax without subject gets one");
        assert_eq!(plain.body, "正文");
        let template = Template {
            name: "dispatch".into(),
            subject: "{hotline_name} {ticket_id}".into(),
            body: "传真至 {centre_fax}".into(),
            updated_at: shared::time::from_ms(0),
            updated_by: None,
            variables: variables_of("dispatch"),
        };
        let rendered = message(&fax, Some(&template), &details()).unwrap();
        assert_eq!(rendered.subject, "12345热线 T1");
        assert_eq!(rendered.body, "传真至 0871-12345");
        let no_fax = HotlineDetails {
            centre_fax: String::new(),
            ..details()
        };
        let refused = message(&fax, Some(&template), &no_fax);
        assert!(
            matches!(&refused, Err(ApiError::BadRequest(m)) if m.contains("`centre_fax`")),
            "{refused:?}"
        );
        let sms: NotificationRequest = serde_json::from_value(serde_json::json!({
            "channel": "sms", "to": "13800138000", "body": "您好",
        }))
        .unwrap();
        assert_eq!(message(&sms, None, &details()).unwrap().subject, "短信");
    }
}
