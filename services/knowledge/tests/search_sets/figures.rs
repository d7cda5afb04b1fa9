//! Figures of whole quality sets: how many rows have the right entry in the top three, how
//! many of those are confident, and which unanswerable rows are answered confidently.

use std::path::{Path, PathBuf};

use super::{Row, read_set, reference_index};

/// A quality set of this crate's `data/`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

/// Rows of a set: answered at all, right entry in the top 3, and that also confident.
#[derive(Debug, Default)]
pub struct Figures {
    pub rows: usize,
    pub answered: usize,
    pub top3: usize,
    pub top3_confident: usize,
}

/// Figures of a set of answerable rows; prints each row not confident in the top 3.
pub fn figures(set: &str) -> Figures {
    let rows = read_set(&data(set)).expect("set");
    let f = answerable_figures(set, &rows);
    println!("{set}: {f:?}");
    f
}

/// Asserts a blind set's floors: its 80 answerable and 20 unanswerable rows, at least
/// `top3` answerable ones in the top three and `top3_confident` confident there, and no
/// unanswerable row confident.
#[allow(dead_code)]
pub fn assert_blind_floors(set: &str, top3: usize, top3_confident: usize) {
    assert_blind_floors_but(set, top3, top3_confident, &[]);
}

/// [`assert_blind_floors`], where the unanswerable rows answered confidently are at most
/// those `known` (the round's report names them).
#[allow(dead_code)]
pub fn assert_blind_floors_but(set: &str, top3: usize, top3_confident: usize, known: &[&str]) {
    let (f, n, confident) = mixed_figures(set);
    assert_eq!((f.rows, n), (80, 20));
    assert!(f.top3 >= top3, "{f:?}");
    assert!(f.top3_confident >= top3_confident, "{f:?}");
    assert!(
        confident.iter().all(|q| known.contains(&q.as_str())),
        "confident: {confident:?}"
    );
}

/// Figures of a set mixing answerable rows and unanswerable ones (expected column empty):
/// the answerable rows' figures, and the unanswerable rows answered confidently.
pub fn mixed_figures(set: &str) -> (Figures, usize, Vec<String>) {
    let idx = reference_index().expect("index");
    let rows = read_set(&data(set)).expect("set");
    let (unanswerable, answerable): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|r| r.expected.iter().all(|e| e.is_empty()));
    let f = answerable_figures(set, &answerable);
    let mut confident = Vec::new();
    for row in &unanswerable {
        let (res, _) = idx
            .search(&row.query, row.region.as_deref(), 10)
            .expect("search");
        if res.confident {
            confident.push(row.query.clone());
        }
    }
    println!(
        "{set}: {f:?}; unanswerable {}/{} confident: {confident:?}",
        confident.len(),
        unanswerable.len()
    );
    (f, unanswerable.len(), confident)
}

/// The figures of answerable rows; prints each row not confident in the top 3.
fn answerable_figures(set: &str, rows: &[Row]) -> Figures {
    let idx = reference_index().expect("index");
    let mut f = Figures::default();
    for row in rows {
        let (res, _) = idx
            .search(&row.query, row.region.as_deref(), 10)
            .expect("search");
        let top: Vec<&str> = res.items.iter().take(3).map(|i| i.code()).collect();
        let found = top.iter().any(|c| row.expected.iter().any(|e| e == c));
        f.rows += 1;
        f.answered += usize::from(!res.items.is_empty());
        f.top3 += usize::from(found);
        f.top3_confident += usize::from(found && res.confident);
        if !found || !res.confident {
            println!(
                "{set}: {:?} region={:?} ({}) expected {:?} got {top:?} confident={}",
                row.query, row.region, row.what, row.expected, res.confident
            );
        }
    }
    f
}
