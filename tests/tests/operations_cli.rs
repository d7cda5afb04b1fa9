//! Issue 16, deployment: the operations commands. A deployment has no demo accounts:
//! `hotline accounts create` makes its first admin and `hotline accounts import` the liaisons'
//! accounts with one-time passwords; both sign in to the knowledge service started afterwards,
//! nothing else does. `hotline backup` copies the databases while the services run, and a
//! service started on the copies has what was written before the copy.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use e2e::{Service, TempDir, TestDatabase, free_ports, hotline_binary, reference_data};
use serde_json::json;

fn hotline(data: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    hotline_with(data, &[], args, stdin)
}

fn hotline_with(
    data: &Path,
    env: &[(String, String)],
    args: &[&str],
    stdin: Option<&str>,
) -> Output {
    let mut child = Command::new(hotline_binary())
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOTLINE_DATA_DIR", data)
        .envs(env.iter().cloned())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// `hotline accounts create` of the admin `root`, its password from a file in `dir`.
fn create_root(data: &Path, dir: &Path) -> Output {
    let pw_file = dir.join("admin-password");
    std::fs::write(&pw_file, "a-long-admin-password\n").unwrap();
    let args = [
        "accounts",
        "create",
        "--username",
        "root",
        "--role",
        "admin",
    ];
    let file = ["--password-file", pw_file.to_str().unwrap()];
    let out = hotline(data, &[&args[..], &file[..]].concat(), None);
    assert!(out.status.success(), "create: {}", text(&out.stderr));
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn accounts_are_created_from_the_command_line_and_sign_in() {
    let dir = TempDir::new("hotline-accounts").unwrap();
    let data = dir.path().join("data");
    let reference = reference_data();
    let out = hotline(&data, &["import", reference.to_str().unwrap()], None);
    assert!(out.status.success(), "import: {}", text(&out.stderr));

    // The first admin, its password from a file; a weak password typed in is refused.
    let out = create_root(&data, dir.path());
    assert!(text(&out.stdout).contains("created account root (admin)"));
    let out = hotline(
        &data,
        &[
            "accounts",
            "create",
            "--username",
            "weak",
            "--role",
            "admin",
        ],
        Some("short\n"),
    );
    assert!(!out.status.success(), "a short password is refused");
    assert!(
        text(&out.stderr).contains("password"),
        "{}",
        text(&out.stderr)
    );

    // Liaisons in bulk: each created one gets its own password; a bad row is named.
    let csv = dir.path().join("liaisons.csv");
    std::fs::write(
        &csv,
        "username,role,department\nliaison-kmrsj,liaison,530100-rsj\nduty-sup,supervisor,\n\
         no-dept,liaison,\n",
    )
    .unwrap();
    let out = hotline(&data, &["accounts", "import", csv.to_str().unwrap()], None);
    assert!(!out.status.success(), "the refused row fails the command");
    assert!(
        text(&out.stderr).contains("line 4"),
        "{}",
        text(&out.stderr)
    );
    let printed = text(&out.stdout);
    let password_of = |user: &str| -> String {
        printed
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{user},")))
            .unwrap_or_else(|| panic!("{user} in {printed}"))
            .to_string()
    };
    let liaison_pw = password_of("liaison-kmrsj");
    assert_eq!(liaison_pw.len(), 16);
    assert_ne!(liaison_pw, password_of("duty-sup"));
    assert!(!printed.contains("no-dept,"));

    // The service alone: these accounts sign in; the demo ones and the refused ones do not exist.
    let port = free_ports(1)[0];
    let env = vec![
        ("HOTLINE_DATA_DIR".to_string(), data.display().to_string()),
        ("HOTLINE_KNOWLEDGE_PORT".to_string(), port.to_string()),
    ];
    let mut knowledge = Service::start("knowledge", port, env, dir.path().join("k.log"));
    knowledge.wait_ready().await;
    let http = reqwest::Client::new();
    let login = |user: &str, password: &str| {
        let http = http.clone();
        let url = knowledge.url("/api/v1/auth/login");
        let body = json!({"username": user, "password": password});
        async move { http.post(url).json(&body).send().await.unwrap() }
    };
    let res = login("root", "a-long-admin-password").await;
    assert_eq!(res.status(), 200);
    let token: serde_json::Value = res.json().await.unwrap();
    assert_eq!(token["password_change_required"], false, "root chose it");
    let me = http
        .get(knowledge.url("/api/v1/accounts/liaison-kmrsj"))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["role"], "liaison");
    assert_eq!(me["department"], "530100-rsj");
    // An imported account's password is one-time: its token is only for choosing another.
    let res = login("liaison-kmrsj", &liaison_pw).await;
    assert_eq!(res.status(), 200);
    let first: serde_json::Value = res.json().await.unwrap();
    assert_eq!(first["password_change_required"], true);
    let dept = http
        .get(knowledge.url("/api/v1/departments/530100-rsj"))
        .bearer_auth(first["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(dept.status(), 403);
    for (user, password) in [
        ("weak", "short"),
        ("no-dept", "anything-at-all"),
        ("operator", "hotline-demo"),
        ("admin", "hotline-demo"),
    ] {
        assert_eq!(login(user, password).await.status(), 401, "{user}");
    }
    knowledge.kill();
}

#[tokio::test]
async fn a_backup_taken_while_running_restores() {
    let dir = TempDir::new("hotline-backup").unwrap();
    let data = dir.path().join("data");
    create_root(&data, dir.path());
    let port = free_ports(1)[0];
    let env = |data: &Path| {
        vec![
            ("HOTLINE_DATA_DIR".to_string(), data.display().to_string()),
            ("HOTLINE_KNOWLEDGE_PORT".to_string(), port.to_string()),
        ]
    };
    let mut knowledge = Service::start("knowledge", port, env(&data), dir.path().join("k1.log"));
    knowledge.wait_ready().await;
    let http = reqwest::Client::new();
    let login = |user: &'static str, password: &'static str| {
        let (http, url) = (
            http.clone(),
            format!("http://127.0.0.1:{port}/api/v1/auth/login"),
        );
        async move {
            http.post(url)
                .json(&json!({"username": user, "password": password}))
                .send()
                .await
                .unwrap()
        }
    };
    let token: serde_json::Value = login("root", "a-long-admin-password")
        .await
        .json()
        .await
        .unwrap();
    let created = http
        .post(knowledge.url("/api/v1/accounts"))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .json(&json!({"username": "made-online", "password": "made-online-pw", "role": "operator"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    // Taken while the service runs.
    let copies = dir.path().join("backup");
    let out = hotline(&data, &["backup", copies.to_str().unwrap()], None);
    assert!(out.status.success(), "backup: {}", text(&out.stderr));
    for service in ["knowledge", "tickets", "notify"] {
        assert!(copies.join(format!("{service}.db")).exists(), "{service}");
    }
    // A second backup into the same folder is refused rather than overwriting.
    assert!(
        !hotline(&data, &["backup", copies.to_str().unwrap()], None)
            .status
            .success()
    );
    knowledge.kill();

    // Restored into a new data folder: the account made online is there.
    let restored = dir.path().join("restored");
    std::fs::create_dir_all(&restored).unwrap();
    std::fs::copy(copies.join("knowledge.db"), restored.join("knowledge.db")).unwrap();
    let mut again = Service::start("knowledge", port, env(&restored), dir.path().join("k2.log"));
    again.wait_ready().await;
    assert_eq!(login("made-online", "made-online-pw").await.status(), 200);
    assert_eq!(login("root", "a-long-admin-password").await.status(), 200);
    again.kill();
}

/// Issue 16, deployment: pointed at one PostgreSQL database, the three services either refuse
/// to share it, saying what to do, or, each given its own schema there, all run.
#[tokio::test]
#[ignore = "needs PostgreSQL (HOTLINE_TEST_DATABASE_URL)"]
async fn one_postgresql_database_serves_all_three_in_schemas_or_is_refused_clearly() {
    let db = TestDatabase::postgres("one").unwrap();
    let dir = TempDir::new("hotline-one-db").unwrap();
    let data = dir.path().join("data");
    let urls = |schema: bool| -> Vec<(String, String)> {
        ["knowledge", "tickets", "notify"]
            .iter()
            .map(|s| {
                let url = if schema {
                    let sep = if db.url.contains('?') { '&' } else { '?' };
                    format!("{}{sep}options=-csearch_path%3D{s}", db.url)
                } else {
                    db.url.clone()
                };
                (format!("HOTLINE_{}_DATABASE_URL", s.to_uppercase()), url)
            })
            .collect()
    };
    let out = hotline_with(&data, &urls(false), &["migrate"], None);
    assert!(!out.status.success(), "three services in one schema");
    let err = text(&out.stderr);
    assert!(
        err.contains("already holds the knowledge service's tables")
            && err.contains("search_path%3Dtickets"),
        "{err}"
    );

    // A schema each: migrations twice (the second finds nothing to do), then the whole system.
    for _ in 0..2 {
        let out = hotline_with(&data, &urls(true), &["migrate"], None);
        assert!(out.status.success(), "migrate: {}", text(&out.stderr));
    }
    let ports = free_ports(4);
    let mut env = urls(true);
    for (name, port) in ["KNOWLEDGE", "TICKETS", "NOTIFY", "CONSOLE"]
        .iter()
        .zip(&ports)
    {
        env.push((format!("HOTLINE_{name}_PORT"), port.to_string()));
    }
    env.push(("HOTLINE_DATA_DIR".into(), data.display().to_string()));
    env.push((
        "HOTLINE_KNOWLEDGE_IMPORT_DIR".into(),
        reference_data().display().to_string(),
    ));
    let mut run = Service::start("run", ports[0], env, dir.path().join("run.log"));
    run.wait_ready().await;
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(run.url("/api/v1/auth/login"))
        .json(&json!({"username": "operator", "password": "hotline-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tickets = format!("http://127.0.0.1:{}/api/v1/tickets", ports[1]);
    let created = e2e::eventually(60, "tickets answers", || {
        let (http, tickets, token) = (http.clone(), tickets.clone(), token.clone());
        async move {
            let res = http
                .post(&tickets)
                .bearer_auth(token["access_token"].as_str()?)
                .json(
                    &json!({"type": "no_info", "summary": "查询滇池游船码头电话",
                    "region": "530100", "query": "滇池游船码头电话",
                    "caller": {"phone": "13800002222"}}),
                )
                .send()
                .await
                .ok()?;
            Some(res.status())
        }
    })
    .await;
    assert_eq!(created, 201, "{}", run.log_text());
    run.kill();
}
