//! The workbench in a real browser: `hotline run` (all services and the console, demo accounts,
//! mail and fax to folders) driven through WebDriver by Debian's headless Chromium and
//! chromedriver (`scripts/browser-setup` installs them; `.ci/run` runs it first).
//!
//! Each test gets its own `hotline run` with a fresh data folder and its own chromedriver; a
//! [`Browser`] is one person's window (its own profile, so its own cookies) at 1366x768.
//! Screenshots go to `<target>/screenshots/<name>.png` for a person to look at.

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::{Service, TempDir, TestDatabase, free_ports};

/// The demo accounts' password in these runs.
pub const DEMO_PASSWORD: &str = "hotline-demo";

/// `hotline run` with every service on a free port and the data in a temporary folder.
pub struct Demo {
    pub run: Service,
    pub dir: TempDir,
    pub console_port: u16,
    pub knowledge_port: u16,
    pub tickets_port: u16,
    pub notify_port: u16,
    chromedriver: Child,
    chromedriver_port: u16,
    _dbs: Vec<TestDatabase>,
}

impl Drop for Demo {
    fn drop(&mut self) {
        // chromedriver and the browsers it started share a process group: a failed test
        // leaves no Chromium behind.
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg("--")
            .arg(format!("-{}", self.chromedriver.id()))
            .status();
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
        if std::thread::panicking() {
            let text = self.run.log_text();
            let lines: Vec<&str> = text.lines().collect();
            let tail = &lines[lines.len().saturating_sub(60)..];
            eprintln!("---- hotline run log, last lines ----\n{}", tail.join("\n"));
        }
    }
}

impl Demo {
    /// Starts `hotline run` (with `extra` environment on top) and chromedriver, and waits for
    /// both.
    pub async fn start(extra: &[(&str, &str)]) -> Demo {
        let dir = TempDir::new("hotline-console").unwrap();
        let data = dir.path().join("data");
        let ports = free_ports(5);
        let mut env = vec![
            ("HOTLINE_DATA_DIR".to_string(), data.display().to_string()),
            ("HOTLINE_KNOWLEDGE_PORT".to_string(), ports[0].to_string()),
            ("HOTLINE_TICKETS_PORT".to_string(), ports[1].to_string()),
            ("HOTLINE_NOTIFY_PORT".to_string(), ports[2].to_string()),
            ("HOTLINE_CONSOLE_PORT".to_string(), ports[3].to_string()),
            // Background work at test speed.
            ("HOTLINE_TICKETS_RELAY_INTERVAL_MS".into(), "200".into()),
            ("HOTLINE_KNOWLEDGE_RELAY_INTERVAL_MS".into(), "200".into()),
            ("HOTLINE_NOTIFY_POLL_MS".into(), "200".into()),
        ];
        if let Ok(db) = std::env::var("HOTLINE_E2E_DATA")
            && db == "subset"
        {
            let kb = dir.path().join("kb");
            crate::write_subset(&kb);
            env.push((
                "HOTLINE_KNOWLEDGE_IMPORT_DIR".into(),
                kb.display().to_string(),
            ));
        }
        // On the PostgreSQL leg the services use fresh PostgreSQL databases, like the other
        // journeys; SQLite files under the data folder otherwise.
        let dbs: Vec<TestDatabase> = ["knowledge", "tickets", "notify"]
            .iter()
            .map(|s| TestDatabase::new(s).unwrap())
            .collect();
        for (name, db) in ["KNOWLEDGE", "TICKETS", "NOTIFY"].iter().zip(&dbs) {
            env.push((format!("HOTLINE_{name}_DATABASE_URL"), db.url.clone()));
        }
        for (k, v) in extra {
            env.push((k.to_string(), v.to_string()));
        }
        let mut run = Service::start("run", ports[3], env, dir.path().join("run.log"));
        let chromedriver_port = ports[4];
        let chromedriver = Command::new(chromedriver_binary())
            .arg(format!("--port={chromedriver_port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver: run scripts/browser-setup to install Chromium and chromedriver");
        run.wait_ready().await;
        let http = reqwest::Client::new();
        for port in &ports[..3] {
            crate::eventually(120, "services ready", || async {
                let r = http
                    .get(format!("http://127.0.0.1:{port}/readyz"))
                    .send()
                    .await
                    .ok()?;
                (r.status() == 200).then_some(())
            })
            .await;
        }
        Demo {
            run,
            dir,
            console_port: ports[3],
            knowledge_port: ports[0],
            tickets_port: ports[1],
            notify_port: ports[2],
            chromedriver,
            chromedriver_port,
            _dbs: dbs,
        }
    }

    /// A demo account's API token, from the knowledge service's login (for setting up a test
    /// through the API).
    pub async fn login(&self, username: &str) -> String {
        let res: serde_json::Value = reqwest::Client::new()
            .post(format!(
                "http://127.0.0.1:{}/api/v1/auth/login",
                self.knowledge_port
            ))
            .json(&json!({"username": username, "password": DEMO_PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        res["access_token"].as_str().unwrap().to_string()
    }

    /// A console URL.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.console_port, path)
    }

    /// The data folder of the run (mail and fax spools are under it).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The PDF faxes written to the spool so far, as their JSON job files.
    pub fn faxes(&self) -> Vec<serde_json::Value> {
        let Ok(entries) = std::fs::read_dir(self.data_dir().join("fax")) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .filter_map(|t| serde_json::from_str(&t).ok())
            .collect()
    }

    /// A new browser window with its own profile (cookies), at 1366x768.
    pub async fn browser(&self) -> Browser {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium_binary(),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1366,768", "--lang=zh-CN", "--no-first-run",
                         "--disable-extensions", "--disable-background-networking"]
            }),
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            // Plain HTTP to chromedriver on loopback: no TLS connector needed.
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{}", self.chromedriver_port))
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("chromedriver: {e}"),
            }
        };
        client.set_window_size(1366, 768).await.unwrap();
        Browser {
            client,
            base: self.url(""),
        }
    }
}

/// `chromedriver` on the PATH (Debian puts it in /usr/bin).
fn chromedriver_binary() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into())
}

/// Debian's Chromium binary (the `/usr/bin/chromium` wrapper script confuses chromedriver).
fn chromium_binary() -> String {
    if let Ok(b) = std::env::var("CHROMIUM") {
        return b;
    }
    for candidate in ["/usr/lib/chromium/chromium", "/usr/bin/chromium"] {
        if std::path::Path::new(candidate).exists() {
            return candidate.to_string();
        }
    }
    "chromium".into()
}

/// One person's browser window.
pub struct Browser {
    pub client: Client,
    base: String,
}

impl Browser {
    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{}", self.base, path))
            .await
            .unwrap();
    }

    /// Signs in through the form at `/` and waits for the landing page.
    pub async fn sign_in(&self, username: &str) {
        self.sign_in_with(username, DEMO_PASSWORD).await;
    }

    /// Signs in with `password` and waits for a signed-in page.
    pub async fn sign_in_with(&self, username: &str, password: &str) {
        self.goto("/").await;
        let user = self.find("input[name=username]").await;
        user.send_keys(username).await.unwrap();
        let pass = self.find("input[name=password]").await;
        pass.send_keys(password).await.unwrap();
        pass.send_keys("\u{E007}").await.unwrap(); // Enter submits
        self.wait_for("header.top").await;
    }

    /// The element matching `css`, waiting up to 10 s for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        self.wait_for(css).await
    }

    pub async fn wait_for(&self, css: &str) -> Element {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(e) = self.client.find(Locator::Css(css)).await {
                return e;
            }
            if Instant::now() > deadline {
                let url = self
                    .client
                    .current_url()
                    .await
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                let body = self.text("body").await;
                panic!("no element `{css}` on {url} in 10 s; the page says:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the element matching `css` contains `text`; returns its whole text.
    pub async fn wait_text(&self, css: &str, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let now = self.text(css).await;
            if now.contains(text) {
                return now;
            }
            if Instant::now() > deadline {
                let flash = self.text("#flash").await;
                panic!("`{css}` never showed {text:?}; it shows:\n{now}\nmessage area: {flash}");
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// The visible text of the first element matching `css`, or "" when there is none.
    pub async fn text(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Types into the field matching `css` (after clearing it).
    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    /// Picks a department in the department picker `key` (views/picker.rs): types `text`,
    /// clicks the result `code` (trying again while later keystrokes replace the results),
    /// and waits until the picker shows it chosen.
    pub async fn pick_department(&self, key: &str, text: &str, code: &str) {
        self.fill(&format!("#pick-{key}"), text).await;
        let css = format!("#pick-results-{key} [data-pick='{code}']");
        for _ in 0..50 {
            if let Ok(button) = self.client.find(Locator::Css(&css)).await
                && button.click().await.is_ok()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        self.wait_text(&format!("#pick-{key} ~ [data-picked]"), code)
            .await;
    }

    /// Picks the option with this value in the `<select>` matching `css`.
    pub async fn select(&self, css: &str, value: &str) {
        let e = self.find(css).await;
        e.select_by_value(value).await.unwrap();
    }

    /// Waits up to 10 s for the browser to be at `path` (after a form's redirect).
    pub async fn wait_path(&self, path: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let now = self.path().await;
            if now == path {
                return;
            }
            if Instant::now() > deadline {
                let flash = self.text("#flash").await;
                panic!("never at {path}; at {now}, the message area says: {flash}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Saves a PNG of the window as `<target>/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.unwrap();
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// `<target>/screenshots`: beside the test binaries' folder.
pub fn screenshot_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .and_then(|p| p.parent())
        .and_then(|p| p.parent())
        .map(|p| p.join("screenshots"))
        .unwrap_or_else(|| PathBuf::from("screenshots"))
}
