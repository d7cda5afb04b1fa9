//! Message templates: Chinese defaults (seeded into the database, editable there) and
//! `{placeholder}` rendering. Output is plain text; it is never parsed as headers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::NotificationRequest;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Template {
    pub name: String,
    pub subject: String,
    pub body: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub updated_by: Option<String>,
}

/// `PUT /api/v1/templates/{name}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateUpdate {
    pub subject: String,
    pub body: String,
}

/// The six messages the system sends, as (name, subject, body).
pub const DEFAULTS: [(&str, &str, &str); 6] = [
    (
        "urgent_complaint",
        "【紧急】{hotline_name}工单 {ticket_id}：{summary}",
        "{department_name}联络员：\n\n\
         {hotline_name}收到一件紧急{type}，请立即核实处理，并于 {due_at} 前回复。\n\n\
         工单编号：{ticket_id}\n\
         所属地区：{region}\n\
         承办部门：{department_name}\n\
         事项摘要：{summary}\n\n\
         详细内容：\n{details}\n\n\
         请登录热线工作平台查看并回复，或将处理结果传真至 {centre_fax}。\n\n\
         {hotline_name}",
    ),
    (
        "dispatch",
        "{hotline_name}派单 {ticket_id}：{summary}",
        "{department_name}联络员：\n\n\
         现将以下{type}转交贵单位办理，请于 {due_at} 前办结并回复。\n\n\
         工单编号：{ticket_id}\n\
         所属地区：{region}\n\
         事项摘要：{summary}\n\n\
         详细内容：\n{details}\n\n\
         {hotline_name}",
    ),
    (
        "no_info_request",
        "{hotline_name}知识库缺失信息核实 {ticket_id}",
        "政府办联络员：\n\n\
         热线接到群众咨询，知识库中暂无相关信息，请协助核实并补充。\n\n\
         工单编号：{ticket_id}\n\
         所属地区：{region}\n\
         咨询问题：{query}\n\
         事项摘要：{summary}\n\n\
         请于 {due_at} 前回复，以便更新知识库。\n\n\
         {hotline_name}",
    ),
    (
        "liaison_reply",
        "紧急工单 {ticket_id} 办理回复（{department_name}）",
        "{hotline_name}：\n\n\
         关于工单 {ticket_id}（{summary}），{department_name}办理情况如下：\n\n\
         {reply}\n\n\
         {department_name}",
    ),
    (
        "caller_reply",
        "您反映的问题已有答复（工单 {ticket_id}）",
        "{caller_name}您好：\n\n\
         您通过{hotline_name}反映的问题（工单编号 {ticket_id}）已有答复：\n\n\
         {reply}\n\n\
         如有疑问，请拨打热线并提供工单编号。感谢您的来电。\n\n\
         {hotline_name}",
    ),
    (
        "overdue_escalation",
        "【超期督办】工单 {ticket_id} 已超过办理时限",
        "各位值班长：\n\n\
         以下工单已超过办理时限（{due_at}），请督促承办单位尽快办结。\n\n\
         工单编号：{ticket_id}\n\
         类型：{type}\n\
         承办部门：{department_name}\n\
         所属地区：{region}\n\
         事项摘要：{summary}\n\n\
         {hotline_name}",
    ),
];

/// The name of one of the system's templates, checked against [`DEFAULTS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateName(String);

impl TemplateName {
    pub fn parse(name: &str) -> Option<TemplateName> {
        DEFAULTS
            .iter()
            .any(|(n, _, _)| *n == name)
            .then(|| TemplateName(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The hotline's own details, which every template may use (`{hotline_name}`,
/// `{centre_fax}`, `{centre_email}`) unless the request's data says otherwise.
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
/// (a fax may have none) is titled "传真" (fax).
pub fn message(
    request: &NotificationRequest,
    template: Option<&Template>,
    details: &HotlineDetails,
) -> Message {
    let (subject, body) = match template {
        Some(t) => {
            let v = values(&request.data, details);
            (render(&t.subject, &v), render(&t.body, &v))
        }
        None => (
            request.subject.clone().unwrap_or_default(),
            request.body.clone().unwrap_or_default(),
        ),
    };
    Message {
        subject: if subject.trim().is_empty() {
            "传真".to_string()
        } else {
            subject
        },
        body,
    }
}

/// Replaces each `{key}` (letters, digits, `_`) with its value, missing keys with nothing.
/// Anything else in braces is left as written; values are inserted once and not re-scanned.
pub fn render(template: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
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
                if let Some(v) = values.get(&after[..close]) {
                    out.push_str(v);
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The values a template sees: the request's `data` as text, plus the hotline's own details
/// and conveniences (`department_name` falls back to `department`, `type` gets a Chinese label).
pub fn values(
    data: &BTreeMap<String, serde_json::Value>,
    details: &HotlineDetails,
) -> BTreeMap<String, String> {
    let mut v: BTreeMap<String, String> = data
        .iter()
        .map(|(k, val)| (k.clone(), super::value_text(val)))
        .collect();
    v.entry("hotline_name".into())
        .or_insert_with(|| details.hotline_name.clone());
    v.entry("centre_fax".into())
        .or_insert_with(|| details.centre_fax.clone());
    v.entry("centre_email".into())
        .or_insert_with(|| details.centre_email.clone());
    if v.get("department_name").is_none_or(|s| s.is_empty()) {
        let dept = v.get("department").cloned().unwrap_or_default();
        v.insert("department_name".into(), dept);
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

    #[test]
    fn renders_known_missing_and_odd_braces() {
        let mut v = BTreeMap::new();
        v.insert("a".to_string(), "甲{b}".to_string());
        v.insert("b".to_string(), "乙".to_string());
        assert_eq!(render("{a}-{b}-{c}-{ x }-{", &v), "甲{b}-乙--{ x }-{");
        assert_eq!(render("无占位符", &v), "无占位符");
    }

    #[test]
    fn defaults_render_with_ticket_data() {
        let data: BTreeMap<String, serde_json::Value> = [
            ("ticket_id", "T20261127-0001"),
            ("type", "complaint"),
            ("summary", "噪音扰民"),
            ("department", "530100-hbj"),
            ("department_name", "昆明市生态环境局"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::from(v)))
        .collect();
        let details = HotlineDetails {
            hotline_name: "12345热线".into(),
            centre_fax: "0871-12345".into(),
            centre_email: "centre@hotline.example".into(),
        };
        let v = values(&data, &details);
        for (name, subject, body) in DEFAULTS {
            let s = render(subject, &v);
            let b = render(body, &v);
            assert!(s.contains("T20261127-0001"), "{name}: {s}");
            assert!(!b.contains('{'), "{name}: {b}");
        }
        assert!(render(DEFAULTS[0].2, &v).contains("紧急投诉"));
        assert!(render(DEFAULTS[0].2, &v).contains("昆明市生态环境局联络员"));
    }

    #[test]
    fn names_and_the_text_of_a_request() {
        assert_eq!(
            TemplateName::parse("dispatch").map(|n| n.as_str().to_string()),
            Some("dispatch".to_string())
        );
        assert_eq!(TemplateName::parse("made_up"), None);
        let fax: NotificationRequest = serde_json::from_value(serde_json::json!({
            "channel": "fax", "to": "0871-1234567", "body": "正文",
            "data": {"ticket_id": "T1"},
        }))
        .unwrap();
        let plain = message(&fax, None, &HotlineDetails::default());
        assert_eq!(plain.subject, "传真", "a fax without subject gets one");
        assert_eq!(plain.body, "正文");
        let template = Template {
            name: "dispatch".into(),
            subject: "{hotline_name} {ticket_id}".into(),
            body: "传真至 {centre_fax}".into(),
            updated_at: shared::time::from_ms(0),
            updated_by: None,
        };
        let details = HotlineDetails {
            hotline_name: "12345热线".into(),
            centre_fax: "0871-12345".into(),
            centre_email: String::new(),
        };
        let rendered = message(&fax, Some(&template), &details);
        assert_eq!(rendered.subject, "12345热线 T1");
        assert_eq!(rendered.body, "传真至 0871-12345");
    }
}
