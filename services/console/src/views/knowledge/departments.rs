//! The department directory: the list, the editor and what a save changed.

use maud::{Markup, html};

use crate::api::knowledge::*;
use crate::api::types::Phone;
use crate::session::User;
use crate::views::layout;

#[allow(unused_imports)]
use super::*;

/// Each changeable field of a department as the editor reads it, in the form's order.
pub fn department_fields(d: &DepartmentRecord) -> [(&'static str, String); 10] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        ("部门名称", d.name.clone()),
        ("别名", d.aliases.join("，")),
        ("电话", phones_text(&d.phones)),
        ("传真", opt(&d.fax)),
        ("地址", opt(&d.address)),
        ("乘车路线", opt(&d.directions)),
        ("服务窗口", d.service_locations.join("\n")),
        ("办公时间", hours_text(d.hours.as_ref())),
        ("状态", dept_status_label(&d.status).to_string()),
        ("承接部门", opt(&d.successor)),
    ]
}

/// What a save changed, field by field (unchanged fields left out).
pub fn department_changes(before: &DepartmentRecord, after: &DepartmentRecord) -> Vec<FieldChange> {
    department_fields(before)
        .into_iter()
        .zip(department_fields(after))
        .filter(|((_, old), (_, new))| old != new)
        .map(|((label, old), (_, new))| FieldChange {
            label,
            old: Some(old),
            new,
        })
        .collect()
}

pub struct DeptFilter {
    pub q: String,
    pub region: String,
    pub page: i64,
}

/// One page of the directory, with what it was asked for.
pub struct DeptListing {
    pub filter: DeptFilter,
    pub regions: Vec<Region>,
    pub items: Vec<DepartmentRecord>,
    pub total: i64,
    pub per_page: i64,
}

/// The department directory with a search box and a region choice; the results refresh as one
/// types.
pub fn department_list(user: &User, listing: &DeptListing) -> Markup {
    let (filter, regions) = (&listing.filter, &listing.regions);
    let live = "input changed delay:150ms, search";
    let body = html! {
        div.row.page-head {
            h1.grow { "部门信息" }
            a.button href="/knowledge/faqs" { "知识条目" }
        }
        form.card.filters.dept-filters method="get" action="/knowledge/departments" {
            div.row {
                div.grow {
                    label for="dq" { "名称、别名或编码" }
                    input #dq type="search" name="q" value=(filter.q) maxlength="100" autofocus
                        placeholder="如 人社局、530100-rsj" autocomplete="off"
                        hx-get="/knowledge/departments" hx-trigger=(live) hx-include="closest form"
                        hx-target="#dept-results" hx-swap="outerHTML" hx-push-url="true";
                }
                div {
                    label for="d-region" { "地区（含下辖）" }
                    select #d-region name="region" hx-get="/knowledge/departments" hx-trigger="change"
                        hx-include="closest form" hx-target="#dept-results" hx-swap="outerHTML"
                        hx-push-url="true" {
                        option value="" { "全部地区" }
                        @for r in regions {
                            option value=(r.code) selected[filter.region == r.code] { (r.name) }
                        }
                    }
                }
                div.filter-go { button type="submit" { "查找" } }
            }
        }
        (department_results(listing))
    };
    layout::page(user, "部门信息", "/knowledge/faqs", body)
}

/// The results part of the directory (what the search box refreshes).
pub fn department_results(listing: &DeptListing) -> Markup {
    let DeptListing {
        filter,
        regions,
        items,
        total,
        per_page,
    } = listing;
    let (total, per_page) = (*total, *per_page);
    let region_name = |code: &str| {
        regions
            .iter()
            .find(|r| r.code == code)
            .map_or_else(|| code.to_string(), |r| r.name.clone())
    };
    html! {
        div #dept-results {
            p.muted { "共 " (total) " 个部门" }
            table.depts {
                thead { tr { th { "编码" } th { "名称" } th { "地区" } th { "电话" } th { "状态" } } }
                tbody {
                    @for d in items {
                        @let href = format!("/knowledge/departments/{}", d.code);
                        tr {
                            td.code { a href=(href) { (d.code) } }
                            td { a href=(href) { (d.name) } }
                            td { (region_name(&d.region)) }
                            td { (phones_text(&d.phones)) }
                            td {
                                @if d.status == "active" { span.badge.auth { (dept_status_label(&d.status)) } }
                                @else { span.badge.ref { (dept_status_label(&d.status)) } }
                            }
                        }
                    }
                }
            }
            @if items.is_empty() { p.muted { "没有符合条件的部门。" } }
            (pager("/knowledge/departments", &[("q", &filter.q), ("region", &filter.region)],
                filter.page, total, per_page))
        }
    }
}

/// What a save did: the message and the fields it changed.
pub struct DeptSaved {
    pub message: String,
    pub changes: Vec<FieldChange>,
}

/// The editor as a whole page (a first visit, or a save without htmx).
pub fn department_page(
    user: &User,
    detail: &DepartmentDetail,
    faqs: &[Faq],
    saved: Option<&DeptSaved>,
) -> Markup {
    let body = html! {
        @if let Some(s) = saved { (layout::flash("ok", &s.message)) }
        (department_editor(user, detail, faqs, saved))
    };
    layout::page(user, "编辑部门", "/knowledge/faqs", body)
}

/// The editor after an htmx save: the section, and the message in the page's message area.
pub fn department_saved(
    user: &User,
    detail: &DepartmentDetail,
    faqs: &[Faq],
    saved: &DeptSaved,
) -> Markup {
    with_flash(
        department_editor(user, detail, faqs, Some(saved)),
        "ok",
        &saved.message,
    )
}

fn phone_row(i: &str, p: Option<&Phone>) -> Markup {
    let (label, number) = p.map_or(("", ""), |p| (p.label.as_str(), p.number.as_str()));
    html! {
        div.phone-row {
            label.offscreen for={ "phone-label-" (i) } { "电话名称" }
            input.phone-label type="text" id={ "phone-label-" (i) } name="phone_label" value=(label)
                maxlength="40" placeholder="如 办公室";
            label.offscreen for={ "phone-number-" (i) } { "电话号码" }
            input.phone-number type="text" id={ "phone-number-" (i) } name="phone_number" value=(number)
                maxlength="40" placeholder="如 0871-63112345";
            button.remove-row type="button" data-remove-row title="删除这个电话" { "删除" }
        }
    }
}

/// The department's editor: the form on the left; its facts, liaisons and FAQ entries on the
/// right; after a save, what changed above both.
pub fn department_editor(
    user: &User,
    detail: &DepartmentDetail,
    faqs: &[Faq],
    saved: Option<&DeptSaved>,
) -> Markup {
    let d = &detail.department;
    let action = format!("/knowledge/departments/{}", d.code);
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let note = d
        .hours
        .as_ref()
        .and_then(|h| h.note.clone())
        .unwrap_or_default();
    html! {
        section #dept-editor {
            p.crumbs { a href="/knowledge/departments" { "部门信息" } " › " (d.name) }
            @if let Some(s) = saved {
                section.card.dept-changes #dept-changes {
                    h2 { "本次修改" }
                    @if s.changes.is_empty() { p.muted { "内容与原来相同，没有改动。" } }
                    @else { (diff_table(&s.changes)) }
                }
            }
            div.dept-page {
                form.card.dept-edit method="post" action=(action) hx-post=(action)
                    hx-target="#dept-editor" hx-swap="outerHTML show:window:top" {
                    h1 {
                        (d.name) " " span.code { (d.code) } " "
                        @if d.status == "active" { span.badge.auth { (dept_status_label(&d.status)) } }
                        @else { span.badge.ref { (dept_status_label(&d.status)) } }
                    }
                    (layout::csrf_field(user))
                    div.two {
                        div {
                            label for="d-name" { "部门名称" }
                            input #d-name type="text" name="name" value=(d.name) required maxlength="100";
                        }
                        div {
                            label for="d-fax" { "传真" }
                            input #d-fax type="text" name="fax" value=(opt(&d.fax)) maxlength="40";
                        }
                    }
                    label for="d-aliases" { "别名（来电人的叫法，以逗号或顿号分隔）" }
                    input #d-aliases type="text" name="aliases" value=(d.aliases.join("，"));
                    fieldset.phones {
                        legend { "电话（名称 + 号码，可多个；清空一行即删除）" }
                        div #phone-rows {
                            @for (i, p) in d.phones.iter().enumerate() { (phone_row(&i.to_string(), Some(p))) }
                            (phone_row(&d.phones.len().to_string(), None))
                        }
                        template #phone-template { (phone_row("__N__", None)) }
                        button.add-row type="button" data-add-row="#phone-rows"
                            data-template="#phone-template" { "＋ 添加电话" }
                    }
                    label for="d-address" { "地址" }
                    input #d-address type="text" name="address" value=(opt(&d.address)) maxlength="300";
                    label for="d-directions" { "乘车路线" }
                    textarea #d-directions name="directions" rows="2" maxlength="1000" { (opt(&d.directions)) }
                    label for="d-locations" { "服务窗口（每行一个）" }
                    textarea #d-locations name="service_locations" rows="2" { (d.service_locations.join("\n")) }
                    div.two {
                        div {
                            label for="d-hours" { "办公时间（每行一段：星期 时段）" }
                            textarea #d-hours name="hours" rows="2" spellcheck="false"
                                placeholder="周一至周五 09:00-12:00、13:30-17:00" { (hours_lines(d.hours.as_ref())) }
                        }
                        div {
                            label for="d-hours-note" { "办公时间备注" }
                            input #d-hours-note type="text" name="hours_note" value=(note) maxlength="300"
                                placeholder="如 法定节假日除外";
                        }
                    }
                    div.two {
                        div {
                            label for="d-status" { "状态" }
                            select #d-status name="status" {
                                @for (v, l) in [("active", "正常"), ("merged", "已撤并")] {
                                    option value=(v) selected[d.status == v] { (l) }
                                }
                            }
                        }
                        div {
                            label for="d-successor" { "承接部门编码（已撤并时必填）" }
                            input #d-successor type="text" name="successor" value=(opt(&d.successor))
                                maxlength="64" placeholder="如 530100-zwj";
                        }
                    }
                    div.actions {
                        button.primary type="submit" { "保存修改" }
                        span.muted.hint { "知识库不保留部门信息的历史版本：保存即覆盖原内容，请核对后再保存。" }
                    }
                }
                aside.dept-side {
                    section.card {
                        h2 { "基本信息" }
                        dl.facts {
                            dt { "编码" } dd.code { (d.code) }
                            dt { "地区" } dd { (detail.region_name.as_deref().unwrap_or(&d.region)) span.muted { "（" (d.region) "）" } }
                            dt { "类别" } dd.code { (d.kind) }
                        }
                    }
                    section.card #dept-liaisons {
                        h2 { "联络员" span.muted { "（只读）" } }
                        @if detail.liaisons.is_empty() { p.muted { "暂无联络员。" } }
                        @else {
                            table.liaisons {
                                thead { tr { th { "姓名" } th { "电话" } th { "手机" } th { "邮箱" } } }
                                tbody {
                                    @for l in &detail.liaisons {
                                        tr { td { (l.name) } td { (l.phone) } td { (l.mobile) } td.email { (l.email) } }
                                    }
                                }
                            }
                        }
                    }
                    section.card #dept-faqs {
                        div.row {
                            h2.grow { "知识条目" span.muted { "（" (faqs.len()) "）" } }
                            a.button href={ "/knowledge/faqs/new?department=" (d.code) } { "新建条目" }
                        }
                        @if faqs.is_empty() { p.muted { "该部门暂无知识条目。" } }
                        ul.dept-faqs {
                            @for f in faqs {
                                li {
                                    a href={ "/knowledge/faqs/" (f.code) } { (f.question) }
                                    " " span.badge.status { (review_label(&f.status)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
