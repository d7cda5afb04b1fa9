//! The embedded default: `hotline run` with nothing configured but a data folder and ports
//! (SQLite, generated secret, reference data, demo accounts, mail and fax to folders). A new
//! user's first steps: sign in with a demo account, search, log a ticket, see the liaison's
//! e-mail land in the mail folder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use e2e::journeys::enc;
use e2e::{Service, TempDir, eventually, free_ports, get, post, try_eventually};
use serde_json::json;

#[tokio::test]
async fn hotline_run_works_out_of_the_box() {
    let dir = TempDir::new("hotline-demo").unwrap();
    let data = dir.path().join("data");
    let ports = free_ports(4);
    let (k, t, n, c) = (ports[0], ports[1], ports[2], ports[3]);
    // Only the data folder and the ports: the services must find each other by themselves.
    let env = vec![
        ("HOTLINE_DATA_DIR".to_string(), data.display().to_string()),
        ("HOTLINE_KNOWLEDGE_PORT".to_string(), k.to_string()),
        ("HOTLINE_TICKETS_PORT".to_string(), t.to_string()),
        ("HOTLINE_NOTIFY_PORT".to_string(), n.to_string()),
        ("HOTLINE_CONSOLE_PORT".to_string(), c.to_string()),
    ];
    let mut run = Service::start("run", k, env, dir.path().join("run.log"));
    run.wait_ready().await;
    let http = reqwest::Client::new();
    for port in [t, n, c] {
        eventually(60, "tickets and notify ready", || async {
            let r = http
                .get(format!("http://127.0.0.1:{port}/readyz"))
                .send()
                .await
                .ok()?;
            (r.status() == 200).then_some(())
        })
        .await;
    }
    let base = |port: u16, path: &str| format!("http://127.0.0.1:{port}{path}");

    // The demo accounts exist, with the documented password.
    let mut tokens = Vec::new();
    for user in [
        "operator",
        "supervisor",
        "editor",
        "admin",
        "liaison-530100-zfb",
    ] {
        let res = http
            .post(base(k, "/api/v1/auth/login"))
            .json(&json!({"username": user, "password": "hotline-demo"}))
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body = res.text().await.unwrap();
        assert_eq!(
            status,
            200,
            "demo login `{user}`/hotline-demo: {body}\n{}",
            run.log_text()
                .lines()
                .rev()
                .take(20)
                .collect::<Vec<_>>()
                .join("\n")
        );
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        tokens.push(v["access_token"].as_str().unwrap().to_string());
    }
    let operator = &tokens[0];

    // The reference data was imported: search answers.
    let hits = get(
        &http,
        &base(k, &format!("/api/v1/search?q={}", enc("昆明市人社局"))),
        operator,
    )
    .await;
    assert_eq!(hits["items"][0]["code"], "530100-rsj", "{hits}");

    // A no-info ticket: the government office's liaison is e-mailed, into the mail folder.
    let ticket = post(
        &http,
        &base(t, "/api/v1/tickets"),
        operator,
        json!({"type": "no_info", "summary": "查询滇池游船码头电话", "region": "530100",
               "query": "滇池游船码头电话", "caller": {"phone": "13800002222"}}),
    )
    .await;
    let id = ticket["id"].as_str().unwrap().to_string();
    let mail_dir = data.join("mail");
    let eml = try_eventually(30, || async {
        let entries = std::fs::read_dir(&mail_dir).ok()?;
        entries
            .flatten()
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .find(|text| text.contains(&id) || text.contains("zfb.530100"))
    })
    .await
    .unwrap_or_else(|| {
        let log = run.log_text();
        let warnings: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("WARN") || l.contains("ERROR"))
            .take(5)
            .collect();
        panic!(
            "no e-mail for {id} in {} within 30 s; the log says:\n{}",
            mail_dir.display(),
            warnings.join("\n")
        )
    });
    assert!(eml.contains("zfb.530100.1@example.org"), "{eml}");
    // An urgent complaint waiting for dispatch: the demo's supervisors are told by e-mail
    // (in the mail folder) and SMS (in the spool); nothing waits for configuration.
    let urgent = post(
        &http,
        &base(t, "/api/v1/tickets"),
        operator,
        json!({"type": "complaint", "urgent": true, "summary": "窗口拒收材料", "region": "530100",
               "department": "530100-rsj", "caller": {"phone": "13800003333"}}),
    )
    .await;
    let urgent_id = urgent["id"].as_str().unwrap().to_string();
    let alert = try_eventually(30, || async {
        std::fs::read_dir(&mail_dir)
            .ok()?
            .flatten()
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .find(|text| text.contains("supervisors@hotline.demo"))
    })
    .await;
    assert!(alert.is_some(), "no alert mail for {urgent_id}");
    // The generated secret is kept in the data folder for `hotline token`.
    assert!(data.join("jwt-secret").exists());
}

/// Issue 16, deployment: `hotline run` seeds demo accounts with a shared password, so bound
/// beyond loopback it refuses to start, unless told in so many words that it is a demo.
#[test]
fn hotline_run_refuses_to_serve_demo_accounts_beyond_this_machine() {
    let dir = TempDir::new("hotline-open").unwrap();
    let data = dir.path().join("data");
    let mut child = std::process::Command::new(e2e::hotline_binary())
        .arg("run")
        .env("HOTLINE_DATA_DIR", &data)
        .env("HOTLINE_HOST", "0.0.0.0")
        .env_remove("HOTLINE_DEMO")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // It must stop by itself; one that serves instead is stopped here and fails the test.
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            panic!("hotline run served demo accounts on 0.0.0.0");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(!status.success());
    let mut said = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut said).unwrap();
    assert!(said.contains("HOTLINE_DEMO=1"), "{said}");
    // Nothing was created: no database, no accounts, no secret.
    let files = std::fs::read_dir(&data).map(|d| d.count()).unwrap_or(0);
    assert_eq!(files, 0, "files were made in {}", data.display());
}
