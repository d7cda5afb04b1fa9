//! Unanswered queries, synonyms and the import of reference files.

use maud::{Markup, html};

use crate::api::knowledge::*;
use crate::session::User;
use crate::views::{format, layout};

#[allow(unused_imports)]
use super::*;

// Unanswered queries.

pub fn unanswered(
    user: &User,
    items: &[Unanswered],
    regions: &std::collections::HashMap<String, String>,
    status: &str,
    page: i64,
    total: i64,
    per_page: i64,
) -> Markup {
    let body = html! {
        h1 { "未解答查询" }
        p.muted { "话务员搜索后没有可信答案的查询，按次数从多到少。知识库没有答案的，新建条目；有答案而来电人的说法搜索不认识的，添加问法。下一位来电人就能得到答复。" }
        nav.tabs {
            @for (v, l) in [("open", "未解答"), ("answered", "已有答案"), ("all", "全部")] {
                @if status == v { a.active href={ "/knowledge/unanswered?status=" (v) } { (l) } }
                @else { a href={ "/knowledge/unanswered?status=" (v) } { (l) } }
            }
        }
        table #unanswered {
            thead { tr { th { "查询内容" } th { "地区" } th.num { "次数" } th { "最近查询" } th {} } }
            tbody {
                @for u in items {
                    tr {
                        td.query { (u.query) }
                        td { (u.region.as_deref().map(|r| regions.get(r).map(String::as_str).unwrap_or(r)).unwrap_or("—")) }
                        td.num { (u.times) }
                        td { (format::time(&u.last_asked_at)) }
                        td {
                            @if let Some(at) = &u.answered_at {
                                span.muted { "已解答 " (format::time(at)) }
                            } @else {
                                a.button href=(new_faq_link(&u.query)) { "新建条目" }
                                " "
                                a.button href=(new_phrasing_link(&u.query)) title="知识库已有答案，只是来电人的说法搜索不认识时" { "添加问法" }
                            }
                        }
                    }
                }
            }
        }
        @if items.is_empty() { p.muted { "暂无记录。" } }
        (pager("/knowledge/unanswered", &[("status", status)], page, total, per_page))
    };
    layout::page(user, "未解答查询", "/knowledge/unanswered", body)
}

/// The phrasings page with the query as the phrasing to teach (the editor picks the question
/// and takes the region out).
pub fn new_phrasing_link(query: &str) -> String {
    format!(
        "/knowledge/phrasings?{}",
        serde_urlencoded::to_string([("phrasing", query)]).unwrap_or_default()
    )
}

pub fn new_faq_link(question: &str) -> String {
    format!(
        "/knowledge/faqs/new?{}",
        serde_urlencoded::to_string([("question", question)]).unwrap_or_default()
    )
}

// ---------------------------------------------------------------------------------------------
// Synonyms.

pub fn synonyms_page(user: &User, list: &[Synonym]) -> Markup {
    let body = html! {
        h1 { "同义词" }
        p.muted { "来电人说的词 → 知识库用的词（如 驾照 → 驾驶证）。新增或删除后一秒内在搜索中生效。" }
        form.card.row.syn-add hx-post="/knowledge/synonyms" hx-target="#synonyms" hx-swap="outerHTML"
            data-reset-on-success {
            div {
                label for="term" { "来电人说法（最多 20 字）" }
                input #term type="text" name="term" required maxlength="20";
            }
            div {
                label for="replacement" { "知识库用词（最多 40 字）" }
                input #replacement type="text" name="replacement" required maxlength="40";
            }
            div.filter-go { button.primary type="submit" { "添加" } }
        }
        div.row {
            label for="syn-filter" { "筛选" }
            input #syn-filter type="search" data-filter="#synonyms tbody tr" placeholder="输入词语筛选下表";
        }
        (synonym_table(list))
    };
    layout::page(user, "同义词", "/knowledge/synonyms", body)
}

pub fn synonym_table(list: &[Synonym]) -> Markup {
    html! {
        div #synonyms {
            p.muted { "共 " (list.len()) " 条" }
            table {
                thead { tr { th { "来电人说法" } th {} th { "知识库用词" } th {} } }
                tbody {
                    @for s in list {
                        tr {
                            td { (s.term) }
                            td.muted { "→" }
                            td { (s.replacement) }
                            td.num {
                                button.danger type="button" hx-post={ "/knowledge/synonyms/" (s.id) "/delete" }
                                    hx-target="#synonyms" hx-swap="outerHTML"
                                    hx-confirm={ "删除同义词“" (s.term) " → " (s.replacement) "”？" } { "删除" }
                            }
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Phrasings.

/// `prefill`: a caller's words to start from (from the unanswered report).
pub fn phrasings_page(user: &User, table: &[QuestionPhrasings], prefill: &str) -> Markup {
    let body = html! {
        h1 { "来电问法" }
        p.muted {
            "来电人怎么说一个问题（不点名部门、不用知识库的词）。搜索据此认出来电人讲的事，"
            "对所有地区生效，所以说法里不写地区名。标“（部门）”的一行是部门本身："
            "来电人讲的事归它管、却不是它哪个问题时，说法加在这一行。"
            "新增或删除后一秒内生效；内置问法随版本更新。"
        }
        form.card.row.phr-add hx-post="/knowledge/phrasings" hx-target="#phrasings" hx-swap="outerHTML"
            data-reset-on-success {
            div {
                label for="phr-label" { "问题" }
                select #phr-label name="label" required {
                    option value="" { "请选择问题" }
                    @for q in table {
                        option value=(q.label) { (q.question) " (" (q.label) ")" }
                    }
                }
            }
            div.grow {
                label for="phr-text" { "来电人的说法（最多 60 字，至少 4 个汉字，不写地区名）" }
                input #phr-text type="text" name="phrasing" required maxlength="60"
                    value=(prefill) data-prefilled[!prefill.is_empty()]
                    placeholder="如：开的小卖部不想干了那个证要去哪里退";
            }
            div.filter-go { button.primary type="submit" { "添加" } }
        }
        div.row {
            label for="phr-filter" { "筛选" }
            input #phr-filter type="search" data-filter="#phrasings tbody tr" placeholder="输入问题或说法中的词筛选下表";
        }
        (phrasing_table(table))
    };
    layout::page(user, "来电问法", "/knowledge/phrasings", body)
}

pub fn phrasing_table(table: &[QuestionPhrasings]) -> Markup {
    let added: usize = table
        .iter()
        .map(|q| q.phrasings.iter().filter(|p| !p.built_in).count())
        .sum();
    html! {
        div #phrasings {
            p.muted { "共 " (table.len()) " 个问题，编辑添加的说法 " (added) " 条" }
            table.phrasings {
                thead { tr { th { "问题" } th { "编辑添加的说法" } th { "内置说法" } } }
                tbody {
                    @for q in table {
                        tr data-label=(q.label) {
                            td { (q.question) br; span.muted { (q.label) } }
                            td {
                                @for p in q.phrasings.iter().filter(|p| !p.built_in) {
                                    @if let Some(id) = p.id {
                                        div.phrasing.added {
                                            (p.phrasing) " "
                                            button.danger type="button"
                                                hx-post={ "/knowledge/phrasings/" (id) "/delete" }
                                                hx-target="#phrasings" hx-swap="outerHTML"
                                                hx-confirm={ "删除说法“" (p.phrasing) "”？" } { "删除" }
                                        }
                                    }
                                }
                            }
                            td {
                                @let built_in: Vec<&str> = q.phrasings.iter()
                                    .filter(|p| p.built_in).map(|p| p.phrasing.as_str()).collect();
                                details {
                                    summary { (built_in.len()) " 条" }
                                    ul.phrasings { @for p in &built_in { li { (p) } } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn with_flash(fragment: Markup, kind: &str, text: &str) -> Markup {
    html! {
        (fragment)
        div #flash hx-swap-oob="innerHTML" { (layout::flash(kind, text)) }
    }
}

// ---------------------------------------------------------------------------------------------
// Import.

/// The kinds of reference files, in the order the service imports them.
pub const IMPORT_KINDS: [(&str, &str); 5] = [
    ("regions", "地区 regions.jsonl"),
    ("departments", "部门 departments.jsonl"),
    ("liaisons", "联络员 liaisons.jsonl"),
    ("faqs", "知识条目 faqs.jsonl"),
    ("scripts", "话术 scripts.jsonl"),
];

pub fn import_page(user: &User) -> Markup {
    let body = html! {
        h1 { "导入参考数据" }
        p.muted { "选择 JSONL 文件（每行一条记录），或把内容粘贴到对应的框中。导入可重复执行：相同的记录不会重复创建；每个文件单独提交，有错误的行会列出行号和原因。" }
        form.card.import hx-post="/knowledge/import" hx-target="#import-report" hx-swap="innerHTML" {
            div.import-grid {
                @for (kind, label) in IMPORT_KINDS {
                    fieldset {
                        legend { (label) }
                        label for={ "file-" (kind) } { "选择文件" }
                        input type="file" id={ "file-" (kind) } accept=".jsonl,.json,.txt"
                            data-file-into={ "#text-" (kind) };
                        label for={ "text-" (kind) } { "文件内容" }
                        textarea id={ "text-" (kind) } name=(kind) rows="4" spellcheck="false" {}
                    }
                }
            }
            div.actions { button.primary type="submit" { "开始导入" } }
        }
        section #import-report {}
    };
    layout::page(user, "导入", "/knowledge/import", body)
}

pub fn import_report(report: &ImportReport) -> Markup {
    html! {
        div.card.report {
            h2 { "导入结果" span.muted { "（用时 " (report.took_ms) " 毫秒）" } }
            @if report.files.is_empty() { p.muted { "没有导入任何文件。" } }
            @for f in &report.files {
                div.file-report {
                    h3 { (f.file) }
                    p.counts-line {
                        "新增 " b { (f.created) } "，更新 " b { (f.updated) } "，未变 " b { (f.unchanged) }
                        "，拒绝 " b.rejected { (f.rejected.len()) }
                    }
                    @if !f.rejected.is_empty() {
                        table.rejected {
                            thead { tr { th.num { "行号" } th { "编码" } th { "原因" } } }
                            tbody {
                                @for r in &f.rejected {
                                    tr { td.num { (r.line) } td { (r.code.as_deref().unwrap_or("—")) } td { (r.error) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
