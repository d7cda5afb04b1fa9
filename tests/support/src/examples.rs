//! Requests made only from the examples of a committed OpenAPI document (issue 17), so a test
//! can send every operation's documented example to the running service and check that it gets
//! a documented success status: the document cannot drift from what the server takes.

use std::collections::BTreeMap;

use serde_json::Value;

/// One operation's documented example, ready to send.
#[derive(Debug, Clone)]
pub struct Example {
    pub operation: String,
    pub method: reqwest::Method,
    /// The path as documented, e.g. `/api/v1/tickets/{id}`.
    pub template: String,
    pub path_params: BTreeMap<String, String>,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    /// The 2xx statuses the document lists.
    pub success: Vec<u16>,
}

/// The examples of the committed `openapi/<service>.json`.
pub fn committed(service: &str) -> BTreeMap<String, Example> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../openapi/{service}.json"));
    let text = std::fs::read_to_string(&path).expect("the committed document");
    examples(&serde_json::from_str(&text).expect("a JSON document"))
}

/// Every operation under `/api/` of `doc`, by operationId (which must be unique). Panics when
/// an operation lacks an example for a path parameter, a required query parameter or a
/// required body, naming it.
pub fn examples(doc: &Value) -> BTreeMap<String, Example> {
    let mut all = BTreeMap::new();
    let paths = doc["paths"].as_object().expect("the document has paths");
    for (template, item) in paths.iter().filter(|(p, _)| p.starts_with("/api/")) {
        for (method, op) in item.as_object().expect("a path item") {
            let Ok(method) = method.to_uppercase().parse::<reqwest::Method>() else {
                continue;
            };
            if op.get("responses").is_none() {
                continue;
            }
            let example = example(doc, template, method, op);
            let id = example.operation.clone();
            assert!(
                all.insert(id.clone(), example).is_none(),
                "operationId `{id}` is used twice"
            );
        }
    }
    all
}

fn example(doc: &Value, template: &str, method: reqwest::Method, op: &Value) -> Example {
    let operation = op["operationId"]
        .as_str()
        .unwrap_or_else(|| panic!("{method} {template} has no operationId"))
        .to_string();
    let mut path_params = BTreeMap::new();
    let mut query = Vec::new();
    for p in op["parameters"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().unwrap_or_default().to_string();
        let value = p.get("example").or_else(|| p["schema"].get("example"));
        let required = p["required"].as_bool().unwrap_or(false);
        match (p["in"].as_str(), value) {
            (Some("path"), Some(v)) => {
                path_params.insert(name, text(v));
            }
            (Some("query"), Some(v)) => query.push((name, text(v))),
            (Some("path" | "query"), None) if required => {
                panic!("`{operation}`: parameter `{name}` has no example")
            }
            _ => {}
        }
    }
    // A JSON body must have its example; a file body (an upload) is the test's to send.
    let body = op
        .get("requestBody")
        .and_then(|rb| rb["content"].get("application/json"))
        .map(|media| {
            let found = media
                .get("example")
                .or_else(|| schema(doc, &media["schema"]).get("example"));
            found
                .cloned()
                .unwrap_or_else(|| panic!("`{operation}`: the request body has no example"))
        });
    let success = op["responses"]
        .as_object()
        .expect("responses")
        .keys()
        .filter(|s| s.starts_with('2'))
        .map(|s| s.parse().expect("a status"))
        .collect();
    Example {
        operation,
        method,
        template: template.to_string(),
        path_params,
        query,
        body,
        success,
    }
}

/// The schema a `$ref` names, or the schema itself.
fn schema<'a>(doc: &'a Value, s: &'a Value) -> &'a Value {
    match s["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => &doc["components"]["schemas"][name],
        None => s,
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Example {
    /// The same example on another path parameter value (to prepare state on another record).
    pub fn on(&self, name: &str, value: &str) -> Example {
        assert!(
            self.path_params.contains_key(name),
            "`{}` has no path parameter `{name}`",
            self.operation
        );
        let mut e = self.clone();
        e.path_params.insert(name.to_string(), value.to_string());
        e
    }

    /// The path with its parameters filled in, and the query.
    pub fn url(&self) -> String {
        let mut path = self.template.clone();
        for (name, value) in &self.path_params {
            path = path.replace(&format!("{{{name}}}"), value);
        }
        assert!(!path.contains('{'), "`{}`: {path}", self.operation);
        if self.query.is_empty() {
            return path;
        }
        let query = serde_urlencoded::to_string(&self.query).expect("a query");
        format!("{path}?{query}")
    }

    /// Sends the example to `base` with `token`; answers the status and the body (JSON, or the
    /// text as a string).
    pub async fn send(&self, client: &reqwest::Client, base: &str, token: &str) -> (u16, Value) {
        let mut req = client
            .request(self.method.clone(), format!("{base}{}", self.url()))
            .bearer_auth(token);
        if let Some(b) = &self.body {
            req = req.json(b);
        }
        let res = req.send().await.expect("the service answers");
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    /// Sends the example and asserts a documented success status; answers the body.
    pub async fn run(&self, client: &reqwest::Client, base: &str, token: &str) -> Value {
        let (status, body) = self.send(client, base, token).await;
        assert!(
            self.success.contains(&status),
            "`{}` ({} {}) answered {status}, documented {:?}: {body}",
            self.operation,
            self.method,
            self.url(),
            self.success
        );
        body
    }
}

/// Asserts that the operations run and those listed as not runnable are all of `examples`, each
/// once, and that the list of those not run stays short.
pub fn assert_all_run(
    examples: &BTreeMap<String, Example>,
    run: &[&str],
    not_run: &[(&str, &str)],
) {
    let mut seen: Vec<&str> = run
        .iter()
        .chain(not_run.iter().map(|(op, _)| op))
        .copied()
        .collect();
    seen.sort_unstable();
    let before = seen.len();
    seen.dedup();
    assert_eq!(before, seen.len(), "an operation is run or listed twice");
    let documented: Vec<&str> = examples.keys().map(String::as_str).collect();
    assert_eq!(
        seen, documented,
        "every documented operation is run, or listed with its reason"
    );
    assert!(
        not_run.len() <= 3,
        "too many operations not run: {not_run:?}"
    );
}
