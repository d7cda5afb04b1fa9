//! Contacts that will not work (issue 16, finding 7): a fax number or e-mail address notify
//! would refuse, or a department none of whose liaisons can be reached in writing. Entry points
//! refuse such values now; this finds what was stored before, so that a supervisor hears of it
//! before an urgent complaint's fax fails.

use serde::Serialize;
use shared::values::{Email, is_fax_number};
use utoipa::ToSchema;

use super::{Department, Liaison};

/// One contact that will not work.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ContactProblem {
    pub department: String,
    pub department_name: String,
    pub region: String,
    /// The liaison, when it is one of theirs.
    pub liaison: Option<String>,
    pub liaison_name: Option<String>,
    /// `fax`, `email`, or `none` (no liaison with a usable fax or e-mail).
    pub field: String,
    /// The stored value.
    pub value: String,
}

/// The contacts of the active departments that will not work, by department.
pub fn unusable(departments: &[Department], liaisons: &[Liaison]) -> Vec<ContactProblem> {
    let mut out = Vec::new();
    for d in departments.iter().filter(|d| d.status == "active") {
        let problem = |liaison: Option<&Liaison>, field: &str, value: &str| ContactProblem {
            department: d.code.clone(),
            department_name: d.name.clone(),
            region: d.region.clone(),
            liaison: liaison.map(|l| l.code.clone()),
            liaison_name: liaison.map(|l| l.name.clone()),
            field: field.into(),
            value: value.into(),
        };
        if let Some(fax) = d
            .fax
            .as_deref()
            .filter(|f| !f.is_empty() && !is_fax_number(f))
        {
            out.push(problem(None, "fax", fax));
        }
        let own: Vec<&Liaison> = liaisons.iter().filter(|l| l.department == d.code).collect();
        let mut reachable = false;
        for l in &own {
            let email_ok = Email::parse(&l.email).is_some();
            let fax_ok = is_fax_number(&l.fax);
            if !l.email.is_empty() && !email_ok {
                out.push(problem(Some(l), "email", &l.email));
            }
            if !l.fax.is_empty() && !fax_ok {
                out.push(problem(Some(l), "fax", &l.fax));
            }
            reachable |= email_ok || fax_ok;
        }
        if !own.is_empty() && !reachable {
            out.push(problem(None, "none", ""));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dept(code: &str, fax: Option<&str>) -> Department {
        let mut d = super::super::sample_department(&format!("{code} name"), fax, &[]);
        d.code = code.into();
        d
    }

    fn liaison(code: &str, department: &str, email: &str, fax: &str) -> Liaison {
        Liaison {
            code: code.into(),
            department: department.into(),
            name: "联络员".into(),
            phone: String::new(),
            mobile: String::new(),
            email: email.into(),
            fax: fax.into(),
        }
    }

    #[test]
    fn bad_values_and_unreachable_departments_are_found() {
        let depts = [
            dept("530100-a", Some("0871-1234567; rm -rf /")),
            dept("530100-b", Some("0871-65551234")),
            dept("530100-c", None),
        ];
        let liaisons = [
            liaison("a1", "530100-a", "a1@example.org", ""),
            liaison("b1", "530100-b", "\"x y\"@example.org", "6555"),
            liaison("c1", "530100-c", "", ""),
        ];
        let found = unusable(&depts, &liaisons);
        let summary: Vec<(&str, Option<&str>, &str)> = found
            .iter()
            .map(|p| {
                (
                    p.department.as_str(),
                    p.liaison.as_deref(),
                    p.field.as_str(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("530100-a", None, "fax"),
                ("530100-b", Some("b1"), "email"),
                ("530100-b", Some("b1"), "fax"),
                ("530100-b", None, "none"),
                ("530100-c", None, "none"),
            ]
        );
        // Merged departments are not asked after.
        let mut merged = dept("530100-a", Some("bad"));
        merged.status = "merged".into();
        assert!(unusable(&[merged], &[]).is_empty());
    }
}
