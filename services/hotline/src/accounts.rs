//! `hotline accounts`: the first admin, and liaisons' accounts in bulk, for a deployment that
//! has no demo accounts (issue 16). Accounts are created through the knowledge service's own
//! use case, so the rules of `POST /api/v1/accounts` hold here too.

use std::io::BufRead;
use std::path::Path;

use knowledge::app::accounts::{self, AccountInput};
use rand::Rng;
use rand::distr::Alphanumeric;
use shared::codes::DepartmentCode;
use shared::config::Config;
use shared::db::DbPool;

/// Creates one account with `password` (`one_time`: to be changed at the first sign-in); the
/// account's name on success.
fn create_one(
    pool: &DbPool,
    username: &str,
    role: &str,
    department: Option<&str>,
    password: &str,
    one_time: bool,
) -> Result<String, String> {
    let department = department
        .filter(|d| !d.is_empty())
        .map(|d| DepartmentCode::parse("department", d))
        .transpose()?;
    let input = AccountInput {
        username: username.to_string(),
        password: password.to_string(),
        role: role.to_string(),
        department,
        one_time,
    };
    let checked = accounts::check_new(&input).map_err(|e| e.to_string())?;
    let hash = shared::auth::hash_password(password).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let by = knowledge::app::audit::Actor::command_line();
    let account = accounts::create(&mut conn, checked, hash, &by).map_err(|e| e.to_string())?;
    Ok(account.username)
}

/// `hotline accounts create`: the password is the first line of `password_file`, or of the
/// standard input (a pipe, or typed at the prompt).
pub fn create(
    config: &Config,
    username: &str,
    role: &str,
    department: Option<&str>,
    password_file: Option<&Path>,
) -> Result<(), String> {
    let password = match password_file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("read {}: {e}", path.display()))?
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
        None => {
            eprint!("password for {username}: ");
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| format!("read the password: {e}"))?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let pool = crate::launch::knowledge_db(config)?;
    // The operator chose this password: it is theirs, not a one-time one.
    let name = create_one(&pool, username, role, department, &password, false)?;
    println!("created account {name} ({role})");
    Ok(())
}

/// A random password, handed to its owner once (sixteen letters and digits).
fn one_time_password() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

/// One row of the import file: `username,role,department`.
fn parse_row(line: &str) -> Result<(&str, &str, Option<&str>), String> {
    let cells: Vec<&str> = line.split(',').map(str::trim).collect();
    match cells.as_slice() {
        [user, role] => Ok((user, role, None)),
        [user, role, dept] => Ok((user, role, Some(*dept).filter(|d| !d.is_empty()))),
        _ => Err("expected username,role,department".into()),
    }
}

/// `hotline accounts import FILE`: a CSV of `username,role,department` (a header line naming
/// `username` is skipped). Each account created gets a one-time password (its owner must
/// choose their own at the first sign-in), printed as
/// `username,password` on the standard output; refused rows are listed on the standard error
/// with their line number, and make the command fail after the others are created.
pub fn import(config: &Config, file: &Path) -> Result<(), String> {
    let text =
        std::fs::read_to_string(file).map_err(|e| format!("read {}: {e}", file.display()))?;
    let pool = crate::launch::knowledge_db(config)?;
    let mut refused = 0;
    println!("username,password");
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (i == 0 && line.starts_with("username")) {
            continue;
        }
        let password = one_time_password();
        let created = parse_row(line)
            .and_then(|(user, role, dept)| create_one(&pool, user, role, dept, &password, true));
        match created {
            Ok(name) => println!("{name},{password}"),
            Err(e) => {
                refused += 1;
                eprintln!("line {}: {e}", i + 1);
            }
        }
    }
    if refused > 0 {
        return Err(format!("{refused} rows refused (listed above)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_have_two_or_three_cells() {
        assert_eq!(
            parse_row("liaison-1, liaison ,530100-rsj"),
            Ok(("liaison-1", "liaison", Some("530100-rsj")))
        );
        assert_eq!(
            parse_row("sup,supervisor,"),
            Ok(("sup", "supervisor", None))
        );
        assert_eq!(parse_row("ed,kb_editor"), Ok(("ed", "kb_editor", None)));
        assert!(parse_row("just-a-name").is_err());
        assert!(parse_row("a,b,c,d").is_err());
    }

    #[test]
    fn one_time_passwords_are_long_and_differ() {
        let (a, b) = (one_time_password(), one_time_password());
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
