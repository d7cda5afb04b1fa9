//! 来电登记 (issue 17, the guide's liaison duty 1): a liaison logs the calls the hotline
//! transferred to the department and those the department took directly, with the scripts a
//! liaison says at hand.

use maud::{Markup, html};
use serde::Deserialize;

use crate::session::User;
use crate::views::format;
use crate::views::layout::csrf_field;

/// A call of the department, as the tickets service lists it (the number masked).
#[derive(Debug, Clone, Deserialize)]
pub struct Call {
    pub caller_phone: String,
    pub classification: String,
    pub outcome: String,
    #[serde(default)]
    pub via: String,
    pub operator: String,
    #[serde(default)]
    pub note: Option<String>,
    pub created_at: String,
}

/// A liaison's script, filled from their department.
#[derive(Debug, Clone, Deserialize)]
pub struct Script {
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub note: Option<String>,
}

fn via_label(via: &str) -> &'static str {
    match via {
        "transferred" => "热线转入",
        "direct" => "直接来电",
        _ => "热线",
    }
}

/// `/calls`: the form, the department's recent calls, the liaison's scripts.
pub fn page(user: &User, calls: &[Call], total: i64, scripts: &[Script], done: bool) -> Markup {
    html! {
        @if done { div.flash.flash-ok role="status" #done { "来电已登记。" } }
        div.calls-page {
            section.card #log-call {
                h1 { "来电登记" }
                p.muted { "登记热线转入本部门的来电，以及直接打到本部门的政务查询来电。" }
                form method="post" action="/calls" {
                    (csrf_field(user))
                    div.cols.cols-2 {
                        div {
                            label for="lc-phone" { "来电号码" }
                            input #lc-phone type="tel" name="caller_phone" required maxlength="32" autocomplete="off";
                            fieldset.inline {
                                legend { "来电方式" }
                                input #lc-via-t type="radio" name="via" value="transferred" checked;
                                label for="lc-via-t" { "热线转入" }
                                input #lc-via-d type="radio" name="via" value="direct";
                                label for="lc-via-d" { "直接来电" }
                            }
                            label for="lc-minutes" { "通话时长（分钟）" }
                            input #lc-minutes type="number" name="minutes" min="0" max="600" value="3";
                        }
                        div {
                            label for="lc-class" { "分类" }
                            select #lc-class name="classification" {
                                @for c in ["basic_query", "consultation", "complaint", "suggestion"] {
                                    option value=(c) { (format::classification_label(c)) }
                                }
                            }
                            label for="lc-outcome" { "结果" }
                            select #lc-outcome name="outcome" {
                                @for o in ["answered", "transferred", "number_reported"] {
                                    option value=(o) { (format::outcome_label(o)) }
                                }
                            }
                            label for="lc-note" { "摘要" }
                            input #lc-note type="text" name="note" maxlength="2000" placeholder="来电人所问及答复要点";
                        }
                    }
                    div.actions { button.primary type="submit" { "登记来电" } }
                }
            }
            section.card #liaison-scripts {
                h2 { "联络员话术" }
                @for s in scripts {
                    div.script {
                        b { (s.title) } "：" (s.text)
                        @if let Some(n) = &s.note { div.muted { (n) } }
                    }
                }
                @if scripts.is_empty() { p.muted { "话术暂时无法读取。" } }
            }
        }
        section.card #dept-calls {
            h2 { "本部门来电（共 " (total) " 个）" }
            @if calls.is_empty() { p.muted { "暂无登记的来电。" } }
            @else {
                table.list {
                    thead { tr { th { "时间" } th { "方式" } th { "号码" } th { "分类" } th { "结果" } th { "登记人" } th { "摘要" } } }
                    tbody {
                        @for c in calls {
                            tr {
                                td { (format::time(&c.created_at)) }
                                td { (via_label(&c.via)) }
                                td { (c.caller_phone) }
                                td { (format::classification_label(&c.classification)) }
                                td { (format::outcome_label(&c.outcome)) }
                                td { (c.operator) }
                                td { (c.note.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
    }
}
