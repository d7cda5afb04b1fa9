//! Operator scripts: filling `{placeholders}` from a department.

use super::{Department, hours::hours_text};

/// The values a department gives a script. `{target_department}` is the department's name too:
/// the scripts that report a number or transfer a call name the department the caller needs.
pub fn department_values(d: &Department) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("department", d.name.clone()),
        ("target_department", d.name.clone()),
    ];
    if !d.phones.is_empty() {
        let phones = d
            .phones
            .iter()
            .map(|p| p.number.clone())
            .collect::<Vec<_>>()
            .join("、");
        v.push(("phone", phones));
    }
    if let Some(h) = d
        .hours
        .as_ref()
        .filter(|h| !h.weekly.is_empty() || h.note.is_some())
    {
        v.push(("hours", hours_text(h)));
    }
    if let Some(a) = &d.address {
        v.push(("address", a.clone()));
    }
    if let Some(f) = &d.fax {
        v.push(("fax", f.clone()));
    }
    v
}

/// The values of a script about `here` (the department the operator or liaison speaks for,
/// `{department}`) and `there` (the one the caller needs: `{target_department}` and its phone,
/// hours, address and fax). Without `there`, both are `here`, as scripts that report a number
/// name the department in view.
pub fn values(
    here: Option<&Department>,
    there: Option<&Department>,
) -> Vec<(&'static str, String)> {
    let mut v = match there.or(here) {
        Some(d) => department_values(d),
        None => Vec::new(),
    };
    if there.is_some() {
        v.retain(|(k, _)| *k != "department");
        if let Some(h) = here {
            v.push(("department", h.name.clone()));
        }
    }
    v
}

/// A deadline as an operator reads it out: `12月8日17:00` (China time).
pub fn deadline_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&shared::calendar::cst())
        .format("%-m月%-d日%H:%M")
        .to_string()
}

/// Whether `user` may have a ticket's deadline read into a script: the ticket's rule (a
/// liaison their department's, an operator those they created, supervisors all).
pub fn may_read_ticket(
    user: &shared::auth::AuthUser,
    department: Option<&str>,
    created_by: &str,
) -> bool {
    use shared::auth::Role;
    match user.role {
        Role::Liaison => user.department.is_some() && user.department.as_deref() == department,
        Role::Operator => user.sub == created_by,
        Role::Supervisor => true,
        _ => false,
    }
}

/// Replaces each `{name}` that `values` knows; unknown placeholders stay as they are.
pub fn fill(text: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A script's text with the ASCII punctuation a Chinese sentence should not have (`,` `!`
/// `?` `:` `;` `(` `)`, and `.` after a Chinese character) made full-width, as the service
/// guide writes its phrases; `{placeholders}` are left as they are.
pub fn full_width(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_placeholder = false;
    let mut previous: Option<char> = None;
    for c in text.chars() {
        let wide = match c {
            '{' => {
                in_placeholder = true;
                None
            }
            '}' => {
                in_placeholder = false;
                None
            }
            _ if in_placeholder => None,
            ',' => Some('，'),
            '!' => Some('！'),
            '?' => Some('？'),
            ':' => Some('：'),
            ';' => Some('；'),
            '(' => Some('（'),
            ')' => Some('）'),
            '.' if previous.is_some_and(is_chinese) => Some('。'),
            _ => None,
        };
        let put = wide.unwrap_or(c);
        out.push(put);
        previous = Some(put);
    }
    out
}

/// A Chinese character or full-width punctuation.
fn is_chinese(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{3000}'..='\u{303f}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

/// The placeholders a script uses, in order of first appearance.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        let name = after[..end].to_string();
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
        rest = &after[end + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_is_made_full_width_outside_placeholders() {
        assert_eq!(
            full_width("您好!{department},请问有什么可以帮您?谢谢(批评).再见"),
            "您好！{department}，请问有什么可以帮您？谢谢（批评）。再见"
        );
        assert_eq!(full_width("{a,b} 0871-1.5"), "{a,b} 0871-1.5");
        assert_eq!(full_width("已经是，全角。"), "已经是，全角。");
    }

    #[test]
    fn fills_known_and_keeps_unknown() {
        let values = vec![
            ("department", "昆明市人社局".to_string()),
            ("phone", "0871-1".to_string()),
        ];
        assert_eq!(
            fill("您好!{department},电话{phone},工号{agent_id}", &values),
            "您好!昆明市人社局,电话0871-1,工号{agent_id}"
        );
        assert_eq!(fill("no braces", &values), "no braces");
        assert_eq!(fill("open {department", &values), "open {department");
        assert_eq!(placeholders("{a}{b}{a}"), vec!["a", "b"]);
    }

    fn dept(name: &str, phone: &str) -> Department {
        super::super::sample_department(name, None, &[phone])
    }

    #[test]
    fn the_target_gives_its_name_and_number_and_here_stays_here() {
        let (here, there) = (dept("公安局", "0871-1"), dept("人社局", "0871-2"));
        let text = "我这里是{department}，请致电{target_department}（{phone}）";
        assert_eq!(
            fill(text, &values(Some(&here), Some(&there))),
            "我这里是公安局，请致电人社局（0871-2）"
        );
        // Without a target the department in view is both.
        assert_eq!(
            fill(text, &values(Some(&here), None)),
            "我这里是公安局，请致电公安局（0871-1）"
        );
        assert_eq!(
            fill(text, &values(None, Some(&there))),
            "我这里是{department}，请致电人社局（0871-2）"
        );
    }
}
