//! Request metrics and the gauges a service sets, kept by the `metrics` crate's Prometheus
//! recorder and served on `/metrics` in the Prometheus text format.
//!
//! Each service (each `Application`) has its own recorder, never the process-wide one: `hotline
//! run` and the tests start several services in one process, and each must report only its own
//! requests.

use std::time::Duration;

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Label, Level, Recorder, SharedString};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

const REQUESTS: &str = "http_requests_total";
const DURATION: &str = "http_request_duration_seconds";
/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];
/// How often histogram samples are folded into their buckets when nobody scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

static METADATA: metrics::Metadata<'static> =
    metrics::Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// Request metrics for one service, plus gauges a service sets itself.
pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

impl Metrics {
    /// Every series carries `service="<service>"`.
    pub fn new(service: &str) -> Metrics {
        // The bounds are fixed and valid, so this cannot fail; without them the latency would
        // be a summary rather than a histogram.
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(DURATION.into()), &BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder
            .add_global_label("service", service)
            .build_recorder();
        recorder.describe_counter(
            KeyName::from(REQUESTS),
            None,
            SharedString::from("HTTP requests answered, by method, route and status class"),
        );
        recorder.describe_histogram(
            KeyName::from(DURATION),
            Some(metrics::Unit::Seconds),
            SharedString::from("Time to answer an HTTP request, by method, route and status class"),
        );
        let handle = recorder.handle();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let handle = handle.clone();
            runtime.spawn(async move {
                let mut tick = tokio::time::interval(UPKEEP);
                loop {
                    tick.tick().await;
                    handle.run_upkeep();
                }
            });
        }
        Metrics { recorder, handle }
    }

    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let labels = vec![
            Label::new("method", method_label(method)),
            Label::new("route", route.to_string()),
            Label::new("status", status_class(status)),
        ];
        self.counter(Key::from_parts(REQUESTS, labels.clone()))
            .increment(1);
        self.histogram(Key::from_parts(DURATION, labels))
            .record(elapsed.as_secs_f64());
    }

    /// Sets the gauge `name` (described by its name; e.g. `notify_jobs_queued`).
    pub fn set_gauge(&self, name: &str, value: f64) {
        self.gauge(Key::from_name(name.to_string())).set(value);
    }

    /// The HELP line of the gauge `name`.
    pub fn describe_gauge(&self, name: &str, help: &str) {
        self.recorder.describe_gauge(
            KeyName::from(name.to_string()),
            None,
            SharedString::from(help.to_string()),
        );
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        self.handle.render()
    }

    fn counter(&self, key: Key) -> Counter {
        self.recorder.register_counter(&key, &METADATA)
    }

    fn histogram(&self, key: Key) -> Histogram {
        self.recorder.register_histogram(&key, &METADATA)
    }

    fn gauge(&self, key: Key) -> Gauge {
        self.recorder.register_gauge(&key, &METADATA)
    }
}

/// The usual methods without an allocation per request.
fn method_label(method: &str) -> SharedString {
    const KNOWN: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
    match KNOWN.iter().find(|m| **m == method) {
        Some(m) => SharedString::from(*m),
        None => SharedString::from(method.to_string()),
    }
}

/// `2xx`, `4xx`...: a label per class keeps the number of series small.
fn status_class(status: u16) -> &'static str {
    match status / 100 {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        _ => "5xx",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts() {
        let m = Metrics::new("knowledge");
        m.observe("GET", "/healthz", 200, Duration::from_millis(2));
        m.describe_gauge("search_documents", "Documents in the search index");
        m.set_gauge("search_documents", 42.0);
        let text = m.render();
        assert!(text.contains("# HELP http_requests_total "), "{text}");
        assert!(
            text.contains("# TYPE http_request_duration_seconds histogram"),
            "{text}"
        );
        assert!(text.contains("http_requests_total{service=\"knowledge\",method=\"GET\",route=\"/healthz\",status=\"2xx\"} 1"), "{text}");
        assert!(text.contains("le=\"0.0025\"} 1"), "{text}");
        assert!(
            text.contains("search_documents{service=\"knowledge\"} 42"),
            "{text}"
        );
        assert!(
            text.contains("# HELP search_documents Documents in the search index"),
            "{text}"
        );
    }

    #[test]
    fn each_service_keeps_its_own() {
        let a = Metrics::new("knowledge");
        let b = Metrics::new("tickets");
        a.observe("GET", "/a", 200, Duration::from_millis(1));
        b.observe("POST", "/b", 503, Duration::from_millis(1));
        let (a, b) = (a.render(), b.render());
        assert!(
            a.contains("route=\"/a\"") && !a.contains("route=\"/b\""),
            "{a}"
        );
        assert!(
            b.contains("status=\"5xx\"") && !b.contains("knowledge"),
            "{b}"
        );
    }
}
