//! A small Prometheus exporter: request counts and latency per route and status class.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request metrics for one service, plus gauges a service sets itself.
pub struct Metrics {
    service: String,
    series: Mutex<BTreeMap<(String, String, String), Series>>,
    gauges: Mutex<BTreeMap<String, f64>>,
}

impl Metrics {
    pub fn new(service: &str) -> Metrics {
        Metrics {
            service: service.to_string(),
            series: Mutex::default(),
            gauges: Mutex::default(),
        }
    }

    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        let class = format!("{}xx", status / 100);
        if let Ok(mut map) = self.series.lock() {
            let s = map
                .entry((method.to_string(), route.to_string(), class))
                .or_default();
            s.count += 1;
            s.sum += secs;
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    s.buckets[i] += 1;
                }
            }
        }
    }

    pub fn set_gauge(&self, name: &str, value: f64) {
        if let Ok(mut g) = self.gauges.lock() {
            g.insert(name.to_string(), value);
        }
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let svc = &self.service;
        out.push_str(
            "# TYPE http_requests_total counter\n# TYPE http_request_duration_seconds histogram\n",
        );
        if let Ok(map) = self.series.lock() {
            for ((method, route, class), s) in map.iter() {
                let labels = format!(
                    "service=\"{svc}\",method=\"{method}\",route=\"{}\",status=\"{class}\"",
                    escape(route)
                );
                let _ = writeln!(out, "http_requests_total{{{labels}}} {}", s.count);
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}",
                        s.buckets[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                    s.count
                );
                let _ = writeln!(
                    out,
                    "http_request_duration_seconds_sum{{{labels}}} {}",
                    s.sum
                );
                let _ = writeln!(
                    out,
                    "http_request_duration_seconds_count{{{labels}}} {}",
                    s.count
                );
            }
        }
        if let Ok(g) = self.gauges.lock() {
            for (name, v) in g.iter() {
                let _ = writeln!(out, "# TYPE {name} gauge\n{name}{{service=\"{svc}\"}} {v}");
            }
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts() {
        let m = Metrics::new("knowledge");
        m.observe("GET", "/healthz", 200, Duration::from_millis(2));
        m.set_gauge("search_documents", 42.0);
        let text = m.render();
        assert!(text.contains("http_requests_total{service=\"knowledge\",method=\"GET\",route=\"/healthz\",status=\"2xx\"} 1"));
        assert!(text.contains("search_documents{service=\"knowledge\"} 42"));
    }
}
