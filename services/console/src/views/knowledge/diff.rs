//! The character-level difference an editor reads before applying a change.

use maud::{Markup, html};

use crate::api::knowledge::*;
use crate::api::types::Phone;

#[allow(unused_imports)]
use super::*;

/// One run of a difference: text both have, text only the old one has, text only the new one has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Same(String),
    Gone(String),
    Added(String),
}

/// Past this many cells the LCS table costs too much memory; the middle is shown replaced whole.
const MAX_CELLS: usize = 2_000_000;

/// The difference between two short texts, character by character (longest common subsequence
/// over what remains after the common beginning and end).
pub fn char_diff(old: &str, new: &str) -> Vec<Piece> {
    let a: Vec<char> = old.chars().collect();
    let b: Vec<char> = new.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    // 0 = same, 1 = gone, 2 = added, one per character.
    let mut ops: Vec<(u8, char)> = a[..prefix].iter().map(|c| (0, *c)).collect();
    if am.len().saturating_mul(bm.len()) > MAX_CELLS {
        ops.extend(am.iter().map(|c| (1, *c)));
        ops.extend(bm.iter().map(|c| (2, *c)));
    } else {
        let (n, m) = (am.len(), bm.len());
        let w = m + 1;
        // lcs[i * w + j]: length of the LCS of am[i..] and bm[j..].
        let mut lcs = vec![0u32; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * w + j] = if am[i] == bm[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && am[i] == bm[j] {
                ops.push((0, am[i]));
                i += 1;
                j += 1;
            } else if j == m || (i < n && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
                ops.push((1, am[i]));
                i += 1;
            } else {
                ops.push((2, bm[j]));
                j += 1;
            }
        }
    }
    ops.extend(a[a.len() - suffix..].iter().map(|c| (0, *c)));
    let mut pieces: Vec<(u8, String)> = Vec::new();
    for (k, c) in ops {
        match pieces.last_mut() {
            Some((last, s)) if *last == k => s.push(c),
            _ => pieces.push((k, c.to_string())),
        }
    }
    pieces
        .into_iter()
        .map(|(k, s)| match k {
            0 => Piece::Same(s),
            1 => Piece::Gone(s),
            _ => Piece::Added(s),
        })
        .collect()
}

/// The old side (with `<del>`) and the new side (with `<ins>`) of a difference.
pub fn diff_sides(old: &str, new: &str) -> (Markup, Markup) {
    let pieces = char_diff(old, new);
    let left = html! {
        @for p in &pieces {
            @match p {
                Piece::Same(s) => (s),
                Piece::Gone(s) => del { (s) },
                Piece::Added(_) => {},
            }
        }
    };
    let right = html! {
        @for p in &pieces {
            @match p {
                Piece::Same(s) => (s),
                Piece::Gone(_) => {},
                Piece::Added(s) => ins { (s) },
            }
        }
    };
    (left, right)
}

/// One field of a side-by-side difference: its name, the value before (None: the entry is new)
/// and the value after.
pub struct FieldChange {
    pub label: &'static str,
    pub old: Option<String>,
    pub new: String,
}

/// Field by field, old on the left and new on the right, changes marked.
pub fn diff_table(changes: &[FieldChange]) -> Markup {
    html! {
        div.diff-fields {
            div.diff-head { span {} span { "原内容" } span { "修改后" } }
            @for c in changes {
                div.diff-row {
                    div.diff-label { (c.label) }
                    div.diff {
                        @match &c.old {
                            None => {
                                div.old { span.muted { "（新增）" } }
                                div.new { ins { (c.new) } }
                            }
                            Some(old) if *old == c.new => {
                                div.old { (old) }
                                div.new { (c.new) span.muted.unchanged { "（未改动）" } }
                            }
                            Some(old) => {
                                @let (l, r) = diff_sides(old, &c.new);
                                div.old { (l) }
                                div.new { (r) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Phones as read out: `办公室 0871-6311234；值班 0871-…`.
pub fn phones_text(phones: &[Phone]) -> String {
    phones
        .iter()
        .map(|p| {
            if p.label.is_empty() {
                p.number.clone()
            } else {
                format!("{} {}", p.label, p.number)
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// The difference a change request would make, as `apply` makes it: an existing department
/// takes the proposal's name, and its phones, address and hours when given; a new department
/// and an FAQ entry are all new.
pub fn request_changes(cr: &ChangeRequest, dept: Option<&Department>) -> Vec<FieldChange> {
    let mut out = Vec::new();
    match (dept, &cr.new_department) {
        (Some(d), Some(p)) => {
            out.push(FieldChange {
                label: "部门名称",
                old: Some(d.name.clone()),
                new: p.name.clone(),
            });
            if !p.phones.is_empty() {
                out.push(FieldChange {
                    label: "电话",
                    old: Some(phones_text(&d.phones)),
                    new: phones_text(&p.phones),
                });
            }
            if let Some(a) = &p.address {
                out.push(FieldChange {
                    label: "地址",
                    old: Some(d.address.clone().unwrap_or_default()),
                    new: a.clone(),
                });
            }
            if let Some(h) = &p.hours {
                out.push(FieldChange {
                    label: "办公时间",
                    old: Some(d.hours_text.clone().unwrap_or_default()),
                    new: h.clone(),
                });
            }
        }
        (None, Some(p)) => {
            out.push(FieldChange {
                label: "部门名称",
                old: None,
                new: p.name.clone(),
            });
            out.push(FieldChange {
                label: "所属地区",
                old: None,
                new: p.region.clone(),
            });
            if !p.phones.is_empty() {
                out.push(FieldChange {
                    label: "电话",
                    old: None,
                    new: phones_text(&p.phones),
                });
            }
            for (label, v) in [("地址", &p.address), ("办公时间", &p.hours)] {
                if let Some(v) = v {
                    out.push(FieldChange {
                        label,
                        old: None,
                        new: v.clone(),
                    });
                }
            }
        }
        _ => {}
    }
    if let (Some(q), Some(a)) = (&cr.question, &cr.answer) {
        out.push(FieldChange {
            label: "知识条目问题",
            old: None,
            new: q.clone(),
        });
        out.push(FieldChange {
            label: "知识条目答案",
            old: None,
            new: a.clone(),
        });
    }
    out
}
