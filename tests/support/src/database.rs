//! A fresh database for each test, and temporary folders.

use std::path::Path;

use diesel::PgConnection;
use diesel::connection::SimpleConnection;
use shared::db::Backend;

/// The variable that names a PostgreSQL server for the tests (a database on it to connect to
/// and create others from); without it, tests use SQLite files.
pub const DATABASE_URL_VAR: &str = "HOTLINE_TEST_DATABASE_URL";

/// The PostgreSQL server the tests run on, if `HOTLINE_TEST_DATABASE_URL` names one; without
/// TLS unless the URL asks for it (see [`without_tls`]).
pub fn postgres_url() -> Option<String> {
    std::env::var(DATABASE_URL_VAR)
        .ok()
        .filter(|u| Backend::of_url(u) == Backend::Postgres)
        .map(|u| without_tls(&u))
}

/// `url` with `sslmode=disable` unless it sets an `sslmode`. A test returns while its
/// service's workers and their connection pool still run (and its database is then dropped
/// under them, so the pool reconnects); libpq's TLS is OpenSSL's, whose clean-up at process
/// exit assumes no thread is still inside it. CI saw a test binary killed by SIGSEGV at exit,
/// after every test had passed, twice on PostgreSQL. The tests' server is local; TLS to it
/// tests nothing of ours.
fn without_tls(url: &str) -> String {
    if url.contains("sslmode=") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}sslmode=disable")
}

/// Whether the tests run on PostgreSQL (`HOTLINE_TEST_DATABASE_URL`).
pub fn is_postgres() -> bool {
    postgres_url().is_some()
}

/// A temporary folder, removed with everything in it when dropped.
pub struct TempDir(tempfile::TempDir);

impl TempDir {
    pub fn new(prefix: &str) -> std::io::Result<TempDir> {
        tempfile::Builder::new()
            .prefix(&format!("{prefix}-"))
            .tempdir()
            .map(TempDir)
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

/// A fresh database for one test: a temporary SQLite file, or, when
/// `HOTLINE_TEST_DATABASE_URL` names a PostgreSQL server, a new database on it that is dropped
/// again when this value is dropped.
pub struct TestDatabase {
    pub url: String,
    admin_url: Option<String>,
    name: String,
    _dir: Option<TempDir>,
}

impl TestDatabase {
    /// On the backend the test run is set up for.
    pub fn new(service: &str) -> Result<TestDatabase, String> {
        match postgres_url() {
            Some(admin_url) => Self::on_postgres(service, &admin_url),
            None => Self::on_sqlite(service),
        }
    }

    /// A SQLite file in a temporary folder, whatever the test run is set up for.
    pub fn sqlite(service: &str) -> Result<TestDatabase, String> {
        Self::on_sqlite(service)
    }

    /// A new PostgreSQL database; fails, saying what to set, unless
    /// `HOTLINE_TEST_DATABASE_URL` names a PostgreSQL server.
    pub fn postgres(service: &str) -> Result<TestDatabase, String> {
        let admin_url = postgres_url().ok_or_else(|| {
            format!("this test needs PostgreSQL: set {DATABASE_URL_VAR}=postgres://…")
        })?;
        Self::on_postgres(service, &admin_url)
    }

    fn on_postgres(service: &str, admin_url: &str) -> Result<TestDatabase, String> {
        let name = format!("t_{service}_{}", random_suffix());
        let mut conn = <PgConnection as diesel::Connection>::establish(admin_url)
            .map_err(|e| format!("connect {admin_url}: {e}"))?;
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .map_err(|e| e.to_string())?;
        Ok(TestDatabase {
            url: replace_db_name(admin_url, &name),
            admin_url: Some(admin_url.to_string()),
            name,
            _dir: None,
        })
    }

    fn on_sqlite(service: &str) -> Result<TestDatabase, String> {
        let dir = TempDir::new("hotline-test").map_err(|e| e.to_string())?;
        let url = format!(
            "sqlite://{}",
            dir.path().join(format!("{service}.db")).display()
        );
        Ok(TestDatabase {
            url,
            admin_url: None,
            name: service.to_string(),
            _dir: Some(dir),
        })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(admin) = &self.admin_url
            && let Ok(mut conn) = <PgConnection as diesel::Connection>::establish(admin)
        {
            let _ = conn.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn random_suffix() -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("{n:016x}")
}

/// The same server URL naming database `name` instead.
fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_in_url() {
        assert_eq!(
            replace_db_name("postgres://127.0.0.1:5432/test", "t1"),
            "postgres://127.0.0.1:5432/t1"
        );
        assert_eq!(
            replace_db_name("postgres://h/test?sslmode=disable", "t1"),
            "postgres://h/t1?sslmode=disable"
        );
    }

    #[test]
    fn the_tests_server_is_reached_without_tls_unless_asked() {
        assert_eq!(
            without_tls("postgres://h/test"),
            "postgres://h/test?sslmode=disable"
        );
        assert_eq!(
            without_tls("postgres://h/test?connect_timeout=5"),
            "postgres://h/test?connect_timeout=5&sslmode=disable"
        );
        assert_eq!(
            without_tls("postgres://h/test?sslmode=require"),
            "postgres://h/test?sslmode=require"
        );
    }

    #[test]
    fn temp_dir_is_removed_when_dropped() {
        let dir = TempDir::new("testkit").unwrap();
        let path = dir.path().to_path_buf();
        std::fs::write(path.join("f"), "x").unwrap();
        assert!(
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("testkit-")
        );
        drop(dir);
        assert!(!path.exists());
    }
}
