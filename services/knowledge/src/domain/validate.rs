//! Field checks for directory records: lengths, codes, no markup. Reference checks (does the
//! region exist?) need the database and are made by the caller.

use shared::web::check_len;

use super::{Department, Faq, Liaison, Region, Script, hours, review};

pub const MAX_NAME: usize = 100;
pub const MAX_SHORT: usize = 40;
pub const MAX_ADDRESS: usize = 300;
pub const MAX_DIRECTIONS: usize = 1000;
pub const MAX_QUESTION: usize = 500;
pub const MAX_ANSWER: usize = 5000;
pub const MAX_NOTE: usize = 2000;
pub const MAX_LIST: usize = 50;

/// A problem with one field, reported to the caller as a 400 (or a rejected import line).
pub type Check = Result<(), String>;

fn len(field: &str, value: &str, max: usize) -> Check {
    check_len(field, value, max).map_err(|e| e.to_string())?;
    if looks_like_markup(value) {
        return Err(format!("`{field}` must be plain text (no HTML)"));
    }
    Ok(())
}

/// A string that must be present and not blank.
pub fn text(field: &str, value: &str, max: usize) -> Check {
    if value.trim().is_empty() {
        return Err(format!("`{field}` must not be empty"));
    }
    len(field, value, max)
}

/// A string that may be empty.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Check {
    value.map_or(Ok(()), |v| len(field, v, max))
}

fn list(field: &str, values: &[String], max_items: usize, max_len: usize) -> Check {
    if values.len() > max_items {
        return Err(format!("`{field}` has more than {max_items} items"));
    }
    values.iter().try_for_each(|v| text(field, v, max_len))
}

pub use shared::values::looks_like_markup;

/// Codes: letters, digits, `-` and `_`, starting with a letter or digit (the rule of
/// `shared::codes`, which department and region codes are parsed with).
pub fn code(field: &str, value: &str) -> Check {
    if shared::codes::is_code(value) {
        Ok(())
    } else {
        Err(shared::codes::code_error(field))
    }
}

pub fn region(r: &Region) -> Check {
    code("code", &r.code)?;
    text("name", &r.name, MAX_NAME)?;
    text("short_name", &r.short_name, MAX_NAME)?;
    list("aliases", &r.aliases, MAX_LIST, MAX_NAME)?;
    if !matches!(r.level.as_str(), "province" | "prefecture" | "county") {
        return Err("`level` must be province, prefecture or county".into());
    }
    if let Some(p) = &r.parent {
        code("parent", p)?;
    }
    len("area_code", &r.area_code, MAX_SHORT)
}

pub fn department(d: &Department) -> Check {
    code("code", &d.code)?;
    code("region", &d.region)?;
    code("kind", &d.kind)?;
    text("name", &d.name, MAX_NAME)?;
    list("aliases", &d.aliases, MAX_LIST, MAX_NAME)?;
    if d.phones.len() > 20 {
        return Err("`phones` has more than 20 items".into());
    }
    for p in &d.phones {
        len("phones.label", &p.label, MAX_SHORT)?;
        text("phones.number", &p.number, MAX_SHORT)?;
    }
    optional_text("fax", d.fax.as_deref(), MAX_SHORT)?;
    fax("fax", d.fax.as_deref().unwrap_or_default())?;
    optional_text("address", d.address.as_deref(), MAX_ADDRESS)?;
    optional_text("directions", d.directions.as_deref(), MAX_DIRECTIONS)?;
    list(
        "service_locations",
        &d.service_locations,
        MAX_LIST,
        MAX_ADDRESS,
    )?;
    if let Some(h) = &d.hours {
        hours::validate(h)?;
        optional_text("hours.note", h.note.as_deref(), MAX_ADDRESS)?;
    }
    match (d.status.as_str(), &d.successor) {
        ("active", None) => Ok(()),
        ("active", Some(_)) => Err("an `active` department has no `successor`".into()),
        ("merged", Some(s)) if s == &d.code => Err("a department cannot succeed itself".into()),
        ("merged", Some(s)) => code("successor", s),
        ("merged", None) => Err("a `merged` department needs a `successor`".into()),
        _ => Err("`status` must be active or merged".into()),
    }
}

pub fn liaison(l: &Liaison) -> Check {
    code("code", &l.code)?;
    code("department", &l.department)?;
    text("name", &l.name, MAX_NAME)?;
    len("phone", &l.phone, MAX_SHORT)?;
    len("mobile", &l.mobile, MAX_SHORT)?;
    len("fax", &l.fax, MAX_SHORT)?;
    fax("fax", &l.fax)?;
    len("email", &l.email, 254)?;
    // The rule notify's mailer and tickets apply, so what is stored here can be sent to.
    if !l.email.is_empty() && shared::values::Email::parse(&l.email).is_none() {
        return Err("`email` is not an e-mail address".into());
    }
    Ok(())
}

/// A fax number notify can dial, or nothing (empty).
fn fax(field: &str, value: &str) -> Check {
    if value.is_empty() || shared::values::is_fax_number(value) {
        Ok(())
    } else {
        Err(format!(
            "`{field}` is not a fax number (digits, `-`, `+`; 6-20 digits)"
        ))
    }
}

pub fn faq(f: &Faq) -> Check {
    code("code", &f.code)?;
    code("department", &f.department)?;
    text("question", &f.question, MAX_QUESTION)?;
    text("answer", &f.answer, MAX_ANSWER)?;
    list("keywords", &f.keywords, MAX_LIST, MAX_SHORT)?;
    if !review::is_state(&f.status) {
        return Err("`status` must be draft, pending, published or retired".into());
    }
    Ok(())
}

pub fn script(s: &Script) -> Check {
    code("key", &s.key)?;
    text("title", &s.title, MAX_NAME)?;
    text("text", &s.text, MAX_NOTE)?;
    match &s.note {
        Some(n) => text("note", n, MAX_NOTE),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_codes() {
        assert!(looks_like_markup("<script>alert(1)</script>"));
        assert!(looks_like_markup("见 <b>这里</b>"));
        assert!(!looks_like_markup("收入 < 5000 元且 > 0"));
        assert!(code("code", "530100-rsj").is_ok());
        assert!(code("code", "a b").is_err());
        assert!(code("code", "-x").is_err());
        assert!(code("code", &"x".repeat(65)).is_err());
        assert!(text("name", "  ", 10).is_err());
        assert!(text("name", "abc", 2).is_err());
        assert!(fax("fax", "0871-63200000").is_ok() && fax("fax", "").is_ok());
        assert!(fax("fax", "0871-1234567; rm -rf /").is_err());
    }
}
