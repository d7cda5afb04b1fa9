//! Search diagnostics over the reference data (`data/kb`), in-process (no HTTP): not tests,
//! so nothing here passes or fails. Run from anywhere in the workspace:
//!
//! ```text
//! cargo run --release -p knowledge --example search_diagnostics -- <command>
//!   help                     the commands
//!   score SET.tsv            top-3 and confident share of any quality set, every miss shown
//!   figures SET.tsv …        per set: answerable rows with an expected code in the top 3,
//!                            those also confident, and unanswerable rows (no expected
//!                            code) answered confidently, answerable rows answered
//!                            confidently without an expected code in the top 3
//!   topics SET.tsv …         per set: the topic classifier's guess for each row whose
//!                            expected code is a FAQ entry (right first, right in its
//!                            first three), and its guesses for the unanswerable rows
//!   time QUERIES [ROUNDS] [LIMIT]
//!                            time per query (p50/p99/max) over a query file, ROUNDS passes
//!   probe 'q1|q2@530102'     each query's analysis, confidence and top hits (@: a filter)
//!   probe sets               the quality sets' unconfident queries
//!   probe file:QUERIES [show]
//!                            share of confident answers over a query file (show: the others)
//!   dump QUERIES             every answer as lines (DUMP: confident, codes and scores;
//!                            JSON: the answer as sent, without its timing), to diff versions
//! ```
//!
//! QUERIES is a file of search paths, one a line, as `bench/search/make_queries.py` writes
//! them (`/api/v1/search?q=…&region=…`).

#[path = "../tests/search_sets/mod.rs"]
mod search_sets;

use std::error::Error;
use std::path::Path;
use std::time::Instant;

use knowledge::search::SearchIndex;
use search_sets::{read_set, reference_index, root, score_set};

/// The allocator the service runs with, so that `time` times what it does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args[..] {
        ["score", set] => score(Path::new(set)),
        ["figures", ref sets @ ..] if !sets.is_empty() => figures(sets),
        ["topics", ref sets @ ..] if !sets.is_empty() => topics(sets),
        ["time", queries, ref rest @ ..] if rest.len() <= 2 => {
            let rounds = rest.first().map_or(Ok(1), |r| r.parse())?;
            let limit = rest.get(1).map_or(Ok(10), |l| l.parse())?;
            time(Path::new(queries), rounds, limit)
        }
        ["probe", "sets"] => probe_sets(),
        ["probe", spec] | ["probe", spec, "show"] if spec.starts_with("file:") => {
            let file = spec.trim_start_matches("file:");
            probe_file(Path::new(file), args.len() == 3)
        }
        ["probe", queries] => probe(queries),
        ["dump", queries] => dump(Path::new(queries)),
        ["startup", kb] => startup(Path::new(kb)),
        [] | ["help"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            Err("unknown command".into())
        }
    }
}

const USAGE: &str = "commands: score SET.tsv | figures SET.tsv… | topics SET.tsv… | time QUERIES [ROUNDS] [LIMIT] | probe 'q1|q2' \
                     | probe sets | probe file:QUERIES [show] | dump QUERIES | startup KB_DIR";

/// A field of this process's `/proc/self/status` (VmRSS, VmHWM), in kB.
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The service's start on a fresh SQLite database with the first-start import of `kb` (as
/// `bench/search/run.sh` starts it), with the resident memory every 100 ms: where the peak
/// comes from (the service's log says when the import ends and the index is built). Run it
/// with `MIMALLOC_PURGE_DELAY=10` in the environment, as `hotline` sets it for itself: the
/// allocator's default (a second) keeps much of what the build frees.
fn startup(kb: &Path) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("search-startup-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let pairs: Vec<(String, String)> = vec![
        (
            "jwt_secret".into(),
            "startup-secret-startup-secret-startup-0123".into(),
        ),
        (
            "knowledge_database_url".into(),
            format!("sqlite://{}/knowledge.db", dir.display()),
        ),
        ("knowledge_port".into(), "0".into()),
        ("data_dir".into(), dir.display().to_string()),
        ("tickets_url".into(), "http://127.0.0.1:9".into()),
        ("knowledge_import_dir".into(), kb.display().to_string()),
    ];
    shared::telemetry::init("warn,knowledge::startup=info,knowledge::search=info");
    let settings = shared::settings::ServiceSettings::from_config(
        "knowledge",
        &shared::config::Config::from_pairs(pairs),
    )?;
    let started = Instant::now();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watch = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut last = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let rss = status_kb("VmRSS:") / 1024;
                if rss.abs_diff(last) >= 20 {
                    println!("{:6.1} s  RSS {rss} MB", started.elapsed().as_secs_f64());
                    last = rss;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        })
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let app = rt.block_on(knowledge::Application::build(settings));
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = watch.join();
    let app = app?;
    println!(
        "ready after {:.1} s; peak RSS (VmHWM) {} MB, now {} MB",
        started.elapsed().as_secs_f64(),
        status_kb("VmHWM:") / 1024,
        status_kb("VmRSS:") / 1024
    );
    drop(app);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// The reference index, or that of the knowledge base in `SEARCH_KB` (a directory like
/// `data/kb`: `gen_kb.py --scale 20`'s output, to time a larger one).
fn index() -> Result<&'static SearchIndex> {
    static OTHER: std::sync::OnceLock<SearchIndex> = std::sync::OnceLock::new();
    match std::env::var_os("SEARCH_KB") {
        Some(dir) => {
            if OTHER.get().is_none() {
                let data = knowledge::search::load_jsonl_dir(Path::new(&dir))?;
                let built = SearchIndex::build(data, 2).map_err(|e| e.to_string())?;
                let _ = OTHER.set(built);
            }
            Ok(OTHER.get().ok_or("index")?)
        }
        None => Ok(reference_index()?),
    }
}

/// (query, region) of each search path of a query file.
fn query_file(path: &Path) -> Result<Vec<(String, Option<String>)>> {
    let body = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(body
        .lines()
        .filter_map(|l| {
            let url = reqwest::Url::parse(&format!("http://x{l}")).ok()?;
            let q = url.query_pairs().find(|(k, _)| k == "q")?.1.to_string();
            let r = url
                .query_pairs()
                .find(|(k, _)| k == "region")
                .map(|(_, v)| v.to_string());
            Some((q, r))
        })
        .collect())
}

fn score(set: &Path) -> Result<()> {
    let (share, hits, n) = score_set(set)?;
    println!(
        "{}: {hits}/{n} = {:.1}% confident with an expected code in the top 3",
        set.display(),
        share * 100.0
    );
    Ok(())
}

/// The figures the round's report gives for each set: top 3 and top 3 with a confident
/// answer over the answerable rows, confident answers over the unanswerable ones.
fn figures(sets: &[&str]) -> Result<()> {
    let idx = index()?;
    println!("set\ttop-3\tconfident\tunanswerable confident\tconfident, not in top 3");
    for set in sets {
        let body = std::fs::read_to_string(set)?;
        let mut lines = body.lines();
        // A set of unanswerable queries has a note where others have expected codes (and
        // some have no third column at all).
        let unanswerable = !lines.next().unwrap_or("").contains("expected");
        let (mut n, mut top3, mut confident, mut un, mut un_confident) = (0, 0, 0, 0, 0);
        let mut wrong = 0;
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let cols: Vec<&str> = line.split('\t').collect();
            let region = cols.get(1).map(|r| r.trim()).filter(|r| !r.is_empty());
            let expected: Vec<&str> = match cols.get(2) {
                Some(e) if !unanswerable => e
                    .split(',')
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .collect(),
                _ => Vec::new(),
            };
            let (res, _) = idx.search(cols[0], region, 10)?;
            if expected.is_empty() {
                un += 1;
                un_confident += usize::from(res.confident);
                continue;
            }
            let found = res
                .items
                .iter()
                .take(3)
                .any(|i| expected.contains(&i.code()));
            n += 1;
            top3 += usize::from(found);
            confident += usize::from(found && res.confident);
            wrong += usize::from(!found && res.confident);
        }
        let name = Path::new(set)
            .file_name()
            .map_or(*set, |f| f.to_str().unwrap_or(set));
        println!("{name}\t{top3}/{n}\t{confident}/{n}\t{un_confident}/{un}\t{wrong}/{n}");
    }
    Ok(())
}

/// How the topic classifier guesses each row of the sets: its first three questions
/// (`zjj-1 0.93`) against the expected FAQ entries' (`530111-zjj-1` asks `zjj-1`).
fn topics(sets: &[&str]) -> Result<()> {
    let idx = index()?;
    for set in sets {
        let rows = read_set(Path::new(set))?;
        let (mut n, mut first, mut three) = (0, 0, 0);
        for r in &rows {
            let (guesses, lead, known, beyond) = idx.topics(&r.query);
            let mut shown: Vec<String> =
                guesses.iter().map(|(l, p)| format!("{l} {p:.2}")).collect();
            shown.push(format!("lead {lead:.1} of {known}, beyond {beyond:.1}"));
            // A FAQ code is region-kind-number; its question is kind-number.
            let wanted: Vec<String> = r
                .expected
                .iter()
                .filter_map(|c| {
                    let (_, rest) = c.split_once('-')?;
                    rest.contains('-').then(|| rest.to_string())
                })
                .collect();
            if wanted.is_empty() {
                println!("  -  {} | {}", r.query, shown.join(", "));
                continue;
            }
            n += 1;
            let at = guesses.iter().position(|(l, _)| wanted.contains(l));
            first += usize::from(at == Some(0));
            three += usize::from(at.is_some());
            let mark = match at {
                Some(0) => "ok",
                Some(_) => "3 ",
                None => "no",
            };
            println!(
                "  {mark} {} [{}] | {}",
                r.query,
                wanted.join(","),
                shown.join(", ")
            );
        }
        println!("{set}: first {first}/{n}, in three {three}/{n}");
    }
    Ok(())
}

fn time(queries: &Path, rounds: usize, limit: usize) -> Result<()> {
    let queries = query_file(queries)?;
    let idx = index()?;
    let t0 = Instant::now();
    let mut times: Vec<f64> = Vec::new();
    for (q, r) in queries.iter().cycle().take(queries.len() * rounds) {
        let t = Instant::now();
        idx.search(q, r.as_deref(), limit)?;
        times.push(t.elapsed().as_secs_f64() * 1e6);
    }
    if times.is_empty() {
        return Err("no queries".into());
    }
    times.sort_by(f64::total_cmp);
    let at = |share: usize| times[(times.len() * share / 100).min(times.len() - 1)];
    println!(
        "{} queries in {:?}: p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        queries.len(),
        t0.elapsed(),
        at(50),
        at(99),
        at(100)
    );
    Ok(())
}

fn probe_sets() -> Result<()> {
    let idx = index()?;
    for path in [
        root().join("data/queries.tsv"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/search-holdout.tsv"),
    ] {
        for r in read_set(&path)? {
            let (res, _) = idx.search(&r.query, r.region.as_deref(), 10)?;
            if !res.confident {
                println!("UNCONFIDENT {:?} region={:?}", r.query, r.region);
            }
        }
    }
    Ok(())
}

/// Share of confident answers over a query file (unseen, made from the knowledge base).
fn probe_file(file: &Path, show: bool) -> Result<()> {
    let idx = index()?;
    let (mut n, mut confident) = (0, 0);
    for (q, r) in query_file(file)? {
        let (res, _) = idx.search(&q, r.as_deref(), 10)?;
        n += 1;
        if res.confident {
            confident += 1;
        } else if show {
            let top = res.items.first().map(|i| i.title()).unwrap_or_default();
            println!("UNCONFIDENT {q:?} top={top}");
        }
    }
    println!("{}: {confident}/{n} confident", file.display());
    Ok(())
}

fn probe(queries: &str) -> Result<()> {
    let idx = index()?;
    for q in queries.split('|') {
        // `q@530610`: with the region filter set.
        let (q, region) = q.split_once('@').map_or((q, None), |(q, r)| (q, Some(r)));
        let (res, a) = idx.search(q, region, 10)?;
        println!(
            "{q}: confident={} variants={:?} regions={:?} pinyin={:?} sounds={:?}",
            res.confident,
            a.variants,
            a.regions.mentions,
            a.pinyin,
            a.pinyin_sounds.iter().map(Vec::len).collect::<Vec<_>>()
        );
        for i in res.items.iter().take(3) {
            println!("    {} {} {}", i.code(), i.title(), i.score);
        }
        let (guesses, lead, known, beyond) = idx.topics(q);
        let shown: Vec<String> = guesses.iter().map(|(l, p)| format!("{l} {p:.2}")).collect();
        println!(
            "    topics: {} | lead {lead:.1} of {known}, beyond {beyond:.1}",
            shown.join(", ")
        );
    }
    Ok(())
}

fn dump(queries: &Path) -> Result<()> {
    let idx = index()?;
    for (q, r) in query_file(queries)? {
        let (res, _) = idx.search(&q, r.as_deref(), 10)?;
        let hits: Vec<String> = res
            .items
            .iter()
            .map(|i| format!("{}:{}", i.code(), i.score))
            .collect();
        println!("DUMP {q}\t{r:?}\t{}\t{}", res.confident, hits.join(" "));
        // The answer as sent, but for its timing: snippets and all.
        let mut json = Vec::new();
        res.write_json(&mut json)?;
        let json = String::from_utf8(json)?;
        let json = json.split(",\"took_ms\"").next().unwrap_or_default();
        println!("JSON {json}");
    }
    Ok(())
}
