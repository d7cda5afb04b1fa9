//! Import of the reference JSONL files (`regions`, `departments`, `liaisons`, `faqs`,
//! `scripts`): idempotent, one transaction per file, with a report of what was created,
//! updated, unchanged and rejected (with line numbers).
//!
//! Each line is one record, checked whole before anything is written, so a bad line is
//! rejected and never half-applied. Existing records are compared first and only changes are
//! written: importing the same files twice changes nothing. Records missing from a file are
//! left alone (an import never deletes).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::db::{DbConnection, DbResult};
use shared::{ApiError, ApiResult};
use utoipa::ToSchema;

use super::{Failure, transaction};
use crate::db::{changes, directory, kb};
use crate::domain::{self, Department, Faq, Liaison, Region, Script, validate};

/// Above this many changed records a file is announced as one `all` change.
const PER_RECORD_CHANGES: usize = 1000;
/// Who imported records are recorded as having been changed by.
pub const IMPORTER: &str = "import";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Regions,
    Departments,
    Liaisons,
    Faqs,
    Scripts,
}

impl Kind {
    /// In dependency order: regions before departments before liaisons and FAQ entries.
    pub const ALL: [Kind; 5] = [
        Kind::Regions,
        Kind::Departments,
        Kind::Liaisons,
        Kind::Faqs,
        Kind::Scripts,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Regions => "regions",
            Kind::Departments => "departments",
            Kind::Liaisons => "liaisons",
            Kind::Faqs => "faqs",
            Kind::Scripts => "scripts",
        }
    }

    pub fn file_name(self) -> String {
        format!("{}.jsonl", self.name())
    }

    fn entity(self) -> &'static str {
        match self {
            Kind::Regions => changes::REGION,
            Kind::Departments => changes::DEPARTMENT,
            Kind::Liaisons => changes::LIAISON,
            Kind::Faqs => changes::FAQ,
            Kind::Scripts => changes::SCRIPT,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct RejectedLine {
    /// 1-based line number in the file.
    pub line: usize,
    pub code: Option<String>,
    pub error: String,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct FileReport {
    pub file: String,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<RejectedLine>,
}

#[derive(Debug, Clone, Serialize, ToSchema, Default)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
    pub took_ms: u64,
}

impl ImportReport {
    pub fn created(&self) -> usize {
        self.files.iter().map(|f| f.created).sum()
    }
    pub fn updated(&self) -> usize {
        self.files.iter().map(|f| f.updated).sum()
    }
    pub fn rejected(&self) -> usize {
        self.files.iter().map(|f| f.rejected.len()).sum()
    }
}

/// Where an import reads from: the server's import folder, or uploaded JSONL texts.
pub enum Source {
    Folder(std::path::PathBuf),
    Texts(Vec<(Kind, String)>),
}

/// Imports from `source` on behalf of `by`; the counts go to the log.
pub fn run(conn: &mut DbConnection, source: Source, by: &str) -> ApiResult<ImportReport> {
    let report = match source {
        Source::Folder(dir) => import_dir(conn, &dir)?,
        Source::Texts(files) => import_texts(conn, &files)?,
    };
    tracing::info!(
        by,
        created = report.created(),
        updated = report.updated(),
        rejected = report.rejected(),
        took_ms = report.took_ms,
        "import"
    );
    Ok(report)
}

/// Imports every known JSONL file found in `dir` (missing files are skipped).
pub fn import_dir(conn: &mut DbConnection, dir: &Path) -> ApiResult<ImportReport> {
    import_dir_with_progress(conn, dir, &mut |_| {})
}

/// [`import_dir`], calling `on_file` after each file (for a progress display).
pub fn import_dir_with_progress(
    conn: &mut DbConnection,
    dir: &Path,
    on_file: &mut dyn FnMut(&FileReport),
) -> ApiResult<ImportReport> {
    let started = Instant::now();
    if !dir.is_dir() {
        return Err(ApiError::bad_request(format!(
            "import directory {} does not exist",
            dir.display()
        )));
    }
    let mut report = ImportReport::default();
    for kind in Kind::ALL {
        let path = dir.join(kind.file_name());
        if !path.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| ApiError::bad_request(format!("cannot read {}: {e}", path.display())))?;
        let file = import_text(conn, kind, &text)?;
        on_file(&file);
        report.files.push(file);
    }
    if report.files.is_empty() {
        return Err(ApiError::bad_request(format!(
            "no JSONL files (regions.jsonl, departments.jsonl, …) in {}",
            dir.display()
        )));
    }
    report.took_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// Imports the given file contents, in dependency order.
pub fn import_texts(conn: &mut DbConnection, files: &[(Kind, String)]) -> ApiResult<ImportReport> {
    let started = Instant::now();
    let mut report = ImportReport::default();
    for kind in Kind::ALL {
        for (_, text) in files.iter().filter(|(k, _)| *k == kind) {
            report.files.push(import_text(conn, kind, text)?);
        }
    }
    report.took_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

trait Record: DeserializeOwned + PartialEq {
    fn key(&self) -> &str;
    fn check(&self) -> validate::Check;
    /// Fills what the file does not say from the stored record, before they are compared.
    fn settle(&mut self, _stored: Option<&Self>) {}
}

impl Record for Region {
    fn key(&self) -> &str {
        &self.code
    }
    fn check(&self) -> validate::Check {
        validate::region(self)
    }
}
impl Record for Department {
    fn key(&self) -> &str {
        &self.code
    }
    fn check(&self) -> validate::Check {
        validate::department(self)
    }
}
impl Record for Liaison {
    fn key(&self) -> &str {
        &self.code
    }
    fn check(&self) -> validate::Check {
        validate::liaison(self)
    }
}
impl Record for Faq {
    fn key(&self) -> &str {
        &self.code
    }
    fn check(&self) -> validate::Check {
        validate::faq(self)
    }
    fn settle(&mut self, stored: Option<&Self>) {
        domain::authorization(stored, self, IMPORTER, chrono::Utc::now());
    }
}
impl Record for Script {
    fn key(&self) -> &str {
        &self.key
    }
    fn check(&self) -> validate::Check {
        validate::script(self)
    }
}

/// What a file would do: checked records split by what they change.
struct Plan<T> {
    create: Vec<T>,
    update: Vec<T>,
    unchanged: usize,
    rejected: Vec<RejectedLine>,
}

/// Parses and checks every line; `refs` checks references given the codes in this file.
fn plan<T: Record>(
    text: &str,
    existing: &HashMap<String, T>,
    refs: impl Fn(&T, &HashSet<String>) -> validate::Check,
) -> Plan<T> {
    let mut rejected = Vec::new();
    let mut parsed: Vec<(usize, T)> = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let record: T = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => {
                rejected.push(RejectedLine {
                    line: n,
                    code: None,
                    error: format!("invalid record: {e}"),
                });
                continue;
            }
        };
        if let Err(error) = record.check() {
            rejected.push(RejectedLine {
                line: n,
                code: Some(record.key().to_string()),
                error,
            });
            continue;
        }
        if let Some(first) = first_seen.get(record.key()) {
            rejected.push(RejectedLine {
                line: n,
                code: Some(record.key().to_string()),
                error: format!("duplicate code, first seen on line {first}"),
            });
            continue;
        }
        first_seen.insert(record.key().to_string(), n);
        parsed.push((n, record));
    }
    let in_file: HashSet<String> = first_seen.into_keys().collect();
    let mut out = Plan {
        create: Vec::new(),
        update: Vec::new(),
        unchanged: 0,
        rejected,
    };
    for (n, mut record) in parsed {
        record.settle(existing.get(record.key()));
        if let Err(error) = refs(&record, &in_file) {
            out.rejected.push(RejectedLine {
                line: n,
                code: Some(record.key().to_string()),
                error,
            });
            continue;
        }
        match existing.get(record.key()) {
            None => out.create.push(record),
            Some(old) if *old == record => out.unchanged += 1,
            Some(_) => out.update.push(record),
        }
    }
    out.rejected.sort_by_key(|r| r.line);
    out
}

fn by_key<T: Record>(items: Vec<T>) -> HashMap<String, T> {
    items
        .into_iter()
        .map(|t| (t.key().to_string(), t))
        .collect()
}

fn report<T>(kind: Kind, p: &Plan<T>) -> FileReport {
    FileReport {
        file: kind.file_name(),
        created: p.create.len(),
        updated: p.update.len(),
        unchanged: p.unchanged,
        rejected: p.rejected.clone(),
    }
}

fn announce<T: Record>(conn: &mut DbConnection, kind: Kind, p: &Plan<T>) -> DbResult<()> {
    let changed = p.create.len() + p.update.len();
    if changed == 0 {
        Ok(())
    } else if changed > PER_RECORD_CHANGES {
        changes::record(conn, changes::ALL, kind.name())
    } else {
        let codes: Vec<&str> = p.create.iter().chain(&p.update).map(|t| t.key()).collect();
        changes::record_many(conn, kind.entity(), &codes)
    }
}

fn missing(field: &str, code: &str) -> String {
    format!("unknown {field} `{code}`")
}

/// Imports one file's contents in one transaction.
pub fn import_text(conn: &mut DbConnection, kind: Kind, text: &str) -> ApiResult<FileReport> {
    transaction(conn, |conn| -> Result<FileReport, Failure> {
        Ok(match kind {
            Kind::Regions => {
                let existing = by_key(kb::load_regions(conn)?);
                let p = plan(text, &existing, |r: &Region, file| match &r.parent {
                    Some(parent) if !file.contains(parent) && !existing.contains_key(parent) => {
                        Err(missing("parent region", parent))
                    }
                    _ => Ok(()),
                });
                directory::insert_regions(conn, &p.create)?;
                for r in &p.update {
                    directory::update_region(conn, r)?;
                }
                announce(conn, kind, &p)?;
                report(kind, &p)
            }
            Kind::Departments => {
                let regions: HashSet<String> = kb::load_regions(conn)?
                    .into_iter()
                    .map(|r| r.code)
                    .collect();
                let existing = by_key(kb::load_departments(conn)?);
                let p = plan(text, &existing, |d: &Department, file| {
                    if !regions.contains(&d.region) {
                        return Err(missing("region", &d.region));
                    }
                    match &d.successor {
                        Some(s) if !file.contains(s) && !existing.contains_key(s) => {
                            Err(missing("successor", s))
                        }
                        _ => Ok(()),
                    }
                });
                directory::insert_departments(conn, &p.create)?;
                for d in &p.update {
                    directory::update_department(conn, d)?;
                }
                announce(conn, kind, &p)?;
                report(kind, &p)
            }
            Kind::Liaisons => {
                let departments = department_codes(conn)?;
                let existing = by_key(kb::load_liaisons(conn)?);
                let p = plan(text, &existing, |l: &Liaison, _| {
                    if departments.contains(&l.department) {
                        Ok(())
                    } else {
                        Err(missing("department", &l.department))
                    }
                });
                directory::insert_liaisons(conn, &p.create)?;
                for l in &p.update {
                    directory::update_liaison(conn, l)?;
                }
                announce(conn, kind, &p)?;
                report(kind, &p)
            }
            Kind::Faqs => {
                let departments = department_codes(conn)?;
                let existing = by_key(kb::load_faqs(conn)?);
                let p = plan(text, &existing, |f: &Faq, _| {
                    if departments.contains(&f.department) {
                        Ok(())
                    } else {
                        Err(missing("department", &f.department))
                    }
                });
                directory::insert_faqs(conn, &p.create, IMPORTER, Some("import"))?;
                for f in &p.update {
                    directory::update_faq(conn, f, IMPORTER, Some("import"))?;
                }
                announce(conn, kind, &p)?;
                report(kind, &p)
            }
            Kind::Scripts => {
                let existing = by_key(kb::load_scripts(conn)?);
                let p = plan(text, &existing, |_: &Script, _| Ok(()));
                directory::insert_scripts(conn, &p.create)?;
                for s in &p.update {
                    directory::update_script(conn, s)?;
                }
                announce(conn, kind, &p)?;
                report(kind, &p)
            }
        })
    })
}

fn department_codes(conn: &mut DbConnection) -> DbResult<HashSet<String>> {
    Ok(kb::department_codes(conn)?.into_iter().collect())
}
