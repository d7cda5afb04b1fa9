//! The department picker: one search-as-you-type component for every form that names a
//! department (the supervisor's dispatch on the board and on a ticket, a liaison's facts).
//! Typing asks `/departments/pick` for up to eight departments; a click, or ↑ ↓ and Enter,
//! puts the chosen code in the hidden field `name` (assets/js/picker.js).

use maud::{Markup, html};

use crate::api::types::DepartmentRef;

/// Where the results come from.
pub const PICK_PATH: &str = "/departments/pick";

/// A picker filling the hidden field `name`; `key` makes its ids unique on the page
/// (`#pick-<key>` is the search box, `#pick-results-<key>` the results).
pub fn department(name: &str, key: &str, label: &str) -> Markup {
    let input = format!("pick-{key}");
    let results = format!("pick-results-{key}");
    // The search box names its own target and swap: inside a form posting elsewhere it would
    // otherwise inherit the form's.
    html! {
        div.picker data-picker {
            label for=(input) { (label) }
            input id=(input) type="search" name="q" autocomplete="off"
                placeholder="输入部门名称、简称或代码"
                hx-get=(PICK_PATH) hx-trigger="input changed delay:100ms, search"
                hx-target={ "#" (results) } hx-swap="innerHTML" hx-include="this" hx-params="q"
                aria-controls=(results);
            input type="hidden" name=(name) value="" data-picked-code;
            div.pick-results id=(results) role="listbox" {}
            p.picked data-picked { span.muted { "尚未选择部门" } }
        }
    }
}

/// The departments the typed text found, each a button the script turns into the choice.
pub fn results(hits: &[DepartmentRef], query: &str) -> Markup {
    html! {
        @if query.trim().is_empty() {
        } @else if hits.is_empty() {
            p.muted { "未找到“" (query) "”相关的部门。" }
        } @else {
            p.muted.pick-hint { "点选部门，或用 ↑ ↓ 和 Enter 选择：" }
            @for d in hits {
                button.pick type="button" role="option" data-pick=(d.code) data-pick-name=(d.name) {
                    (d.name) " " span.muted { "（" (d.code) "）" }
                    @if d.status.as_deref() == Some("merged") { " " span.badge { "已撤并" } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dept(code: &str, name: &str, status: Option<&str>) -> DepartmentRef {
        DepartmentRef {
            code: code.into(),
            name: name.into(),
            phones: Vec::new(),
            status: status.map(str::to_string),
        }
    }

    #[test]
    fn the_picker_has_its_own_ids_target_and_hidden_field() {
        let html = department("department", "dispatch-T1", "承办部门").into_string();
        assert!(html.contains(r#"id="pick-dispatch-T1""#));
        assert!(html.contains(r##"hx-target="#pick-results-dispatch-T1""##));
        assert!(html.contains(r#"hx-swap="innerHTML""#));
        assert!(html.contains(r#"name="department""#));
        assert!(html.contains("尚未选择部门"));
    }

    #[test]
    fn results_name_the_department_mark_merged_ones_and_escape() {
        let hits = [
            dept("530100-rsj", "昆明市人力资源和社会保障局", None),
            dept("530100-old", "旧局<b>", Some("merged")),
        ];
        let html = results(&hits, "人社").into_string();
        assert!(html.contains(r#"data-pick="530100-rsj""#));
        assert!(html.contains("已撤并"));
        assert!(html.contains("旧局&lt;b&gt;"));
        let none = results(&[], "<x>").into_string();
        assert!(none.contains("未找到“&lt;x&gt;”"));
        assert_eq!(results(&hits, " ").into_string(), "");
    }
}
