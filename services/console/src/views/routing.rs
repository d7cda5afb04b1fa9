//! 查无信息分派规则: the rules' table and the form that adds one.

use maud::{Markup, html};
use serde::Deserialize;

use crate::session::User;
use crate::views::layout::csrf_field;
use crate::views::{format, picker};

/// A rule as the tickets service answers it.
#[derive(Debug, Clone, Deserialize)]
pub struct Route {
    pub id: i64,
    pub region: String,
    pub words: Vec<String>,
    pub department: String,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: String,
}

fn region_name<'a>(regions: &'a [Region], code: &'a str) -> &'a str {
    regions
        .iter()
        .find(|r| r.code == code)
        .map_or(code, |r| r.name.as_str())
}

/// `/routing`.
pub fn page(user: &User, rules: &[Route], regions: &[Region], done: Option<&str>) -> Markup {
    let message = match done {
        Some("added") => Some("规则已添加，此后受理的查无信息工单按规则分派。"),
        Some("deleted") => Some("规则已删除。"),
        _ => None,
    };
    html! {
        @if let Some(m) = message { div.flash.flash-ok role="status" #done { (m) } }
        section.card #routing {
            h1 { "查无信息分派规则" }
            p.muted {
                "查无信息工单默认派往所在地区政府办的信息联络员（政府办或由政府办指定的职能部门）。"
                "规则对所选地区及其下级地区有效：来电问题含任一关键词时，派往规则指定的部门；下级地区的规则优先，关键词越长越优先。"
            }
            @if rules.is_empty() {
                p #no-rules { "暂无规则：查无信息工单全部派往政府办。" }
            } @else {
                table.list #rules {
                    thead { tr { th { "地区" } th { "关键词" } th { "派往部门" } th { "添加" } th {} } }
                    tbody {
                        @for r in rules {
                            tr {
                                td { (region_name(regions, &r.region)) span.muted { "（" (r.region) "）" } }
                                td { (r.words.join("、")) }
                                td { code { (r.department) } }
                                td.muted { (r.created_by) " " (format::time(&r.created_at)) }
                                td {
                                    form method="post" action={ "/routing/" (r.id) "/delete" } {
                                        (csrf_field(user))
                                        button.danger type="submit" { "删除" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.card #add-rule {
            h2 { "添加规则" }
            form method="post" action="/routing" {
                (csrf_field(user))
                div.cols.cols-2 {
                    div {
                        label for="rt-region" { "地区" }
                        select #rt-region name="region" required {
                            option value="" { "请选择" }
                            @for r in regions {
                                option value=(r.code) {
                                    @if r.level == "county" { "　" }
                                    (r.name)
                                }
                            }
                        }
                        label for="rt-words" { "关键词（空格分隔）" }
                        input #rt-words type="text" name="words" required maxlength="400" placeholder="如：医保 医疗保险";
                    }
                    div {
                        (picker::department("department", "routing", "派往部门"))
                    }
                }
                div.actions { button.primary type="submit" { "添加规则" } }
            }
        }
    }
}
