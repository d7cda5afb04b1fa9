//! Choosing the candidates: every entry a query word's posting list names gets that word's
//! weight, then its region's evidence; the best few go on to the ranking. Per-thread scratch
//! keeps this to the entries a query touches.

use std::cell::RefCell;
use std::collections::BinaryHeap;
use std::rc::Rc;
use std::sync::Arc;

use tantivy::schema::Field;

use super::analysis::Analysis;
use super::entries::{DocData, Kind};
use super::postings::Postings;
use super::{SearchError, Snapshot};

/// Candidates taken before ranking, overall and within the named regions.
pub(super) const CANDIDATES: usize = 50;
/// Region evidence a candidate gets: its region is the filter's own (its entries come
/// before those of the regions under it)…
const FILTER_OWN_REGION: f32 = 3.0;
/// …, the region the query names (enough to put its entries before any other region's
/// that share the text), …
const NAMED_REGION: f32 = 20.0;
/// …, a region under the named one (a county of the named city), …
const UNDER_NAMED_REGION: f32 = 5.0;
/// …, the region just above the named one, or higher up (the parent answers what a county
/// lacks). All but the filter's are multiplied by how surely the region was named.
const PARENT_OF_NAMED_REGION: f32 = 10.0;
const ABOVE_NAMED_REGION: f32 = 6.0;

/// An entry, what choosing the candidates gave it, and its place in code order.
pub(super) struct Candidate<'a> {
    pub(super) doc: &'a Arc<DocData>,
    /// The query weight it has, with its region evidence (nothing for a region browse).
    pub(super) sum: f32,
    pub(super) order: u32,
}

/// What an index address is: its entry's region and place in code order (posting lists
/// are read from tantivy by address and kept by place, see `postings`).
#[derive(Clone, Copy)]
pub(super) struct Meta {
    pub(super) region: u32,
    /// Place in code order; [`Meta::GONE`] for an address with no entry (deleted).
    pub(super) order: u32,
}

impl Meta {
    pub(super) const GONE: u32 = u32::MAX;

    pub(super) fn alive(&self) -> bool {
        self.order != Meta::GONE
    }
}

/// Per-thread scratch for choosing candidates, reused from query to query (a query touches
/// a few hundred of the index's entries; clearing all of them each time would cost more).
/// By place in code order: the sum of term weights the current query gave the entry, next
/// to its region from the snapshot of `generation`. The touched places are scattered, and
/// one slot holding both costs one cache miss where two arrays cost two.
#[derive(Default)]
struct Accumulator {
    slots: Vec<Slot>,
    generation: u64,
    stamp: u32,
    touched: Vec<u32>,
}

#[derive(Clone, Copy)]
struct Slot {
    /// The query (stamp) `sum` belongs to.
    stamp: u32,
    sum: f32,
    region: u32,
}

impl Accumulator {
    fn start(&mut self, regions: &[u32], generation: u64) {
        if self.generation != generation || self.slots.len() != regions.len() {
            // A new snapshot (after a knowledge change): copy its regions once.
            self.slots.clear();
            self.slots.extend(regions.iter().map(|r| Slot {
                stamp: 0,
                sum: 0.0,
                region: *r,
            }));
            self.generation = generation;
            self.stamp = 0;
        }
        self.restart();
    }

    /// Forgets the current query's sums (a new stamp).
    fn restart(&mut self) {
        self.touched.clear();
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.slots.iter_mut().for_each(|s| s.stamp = 0);
            self.stamp = 1;
        }
    }

    fn add(&mut self, order: u32, weight: f32) {
        let Some(slot) = self.slots.get_mut(order as usize) else {
            return;
        };
        if slot.stamp != self.stamp {
            slot.stamp = self.stamp;
            slot.sum = 0.0;
            self.touched.push(order);
        }
        slot.sum += weight;
    }

    /// Adds `weight` for every entry of `list` within `runs` (places in code order,
    /// ascending), or for all of them when `runs` is `None`.
    fn add_list(&mut self, list: &[u32], runs: Option<&[(u32, u32)]>, weight: f32) {
        match runs {
            None => list.iter().for_each(|&o| self.add(o, weight)),
            Some(runs) => {
                for &(from, to) in runs {
                    let a = list.partition_point(|&o| o < from);
                    let b = a + list[a..].partition_point(|&o| o < to);
                    list[a..b].iter().for_each(|&o| self.add(o, weight));
                }
            }
        }
    }

    /// Adds `lists` (places in code order, weight) within `runs` (all of each when `None`),
    /// heaviest first, until no entry untouched so far can be among the best `k` by `score`:
    /// when the `k`-th best score beats what the unread lists give together (plus `bonus`,
    /// the most region evidence an untouched entry can have), the rest of the lists are only
    /// looked up for the entries this call touched. The best `k` come out as if every list
    /// had been read whole (a sum of the same weights in the same order is never more when
    /// some are missing); the heavy words are the rare ones, and the light ones that every
    /// region's entries share (办理, 需要) are then searched instead of read.
    fn add_lists_pruned(
        &mut self,
        lists: &[(Rc<Postings>, f32)],
        runs: Option<&[(u32, u32)]>,
        bonus: f32,
        k: usize,
        score: impl Fn(&Slot) -> Option<f32>,
    ) {
        let mut order: Vec<(&[u32], f32)> = lists.iter().map(|(l, w)| (&*l.orders, *w)).collect();
        order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.len().cmp(&b.0.len())));
        let first = self.touched.len();
        let mut scores: Vec<f32> = Vec::new();
        for (i, (list, weight)) in order.iter().enumerate() {
            // Checked only before a list longer than the entries touched (the check reads
            // them all; a shorter list costs less to read).
            if self.touched.len() >= k && list.len() > self.touched.len() {
                // Summed in the order an entry with every unread word would be.
                let unread = order[i..].iter().fold(0.0f32, |s, (_, w)| s + w) + bonus;
                scores.clear();
                scores.extend(
                    self.touched
                        .iter()
                        .filter_map(|&o| self.slots.get(o as usize).and_then(&score)),
                );
                if scores.len() >= k {
                    let (_, kth, _) = scores.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
                    if *kth > unread {
                        let mut mine = self.touched[first..].to_vec();
                        mine.sort_unstable();
                        for (list, weight) in &order[i..] {
                            self.add_where_listed(&mine, list, *weight);
                        }
                        return;
                    }
                }
            }
            self.add_list(list, runs, *weight);
        }
    }

    /// Adds `weight` for those of `places` (ascending) that `list` has, each found by
    /// galloping from where the last one was (a few thousand places against a list of a
    /// hundred thousand).
    fn add_where_listed(&mut self, places: &[u32], list: &[u32], weight: f32) {
        let mut rest = list;
        for &o in places {
            let mut end = 1;
            while end < rest.len() && rest[end] < o {
                end *= 2;
            }
            let at = rest[..end.min(rest.len())].partition_point(|&x| x < o);
            rest = &rest[at..];
            match rest.first() {
                Some(&x) if x == o => {
                    self.add(o, weight);
                    rest = &rest[1..];
                }
                Some(_) => {}
                None => return,
            }
        }
    }
}

/// The runs of the code order outside `runs` (sorted, not overlapping).
fn outside(runs: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(runs.len() + 1);
    let mut from = 0;
    for &(a, b) in runs {
        if from < a {
            out.push((from, a));
        }
        from = from.max(b);
    }
    out.push((from, u32::MAX));
    out
}

thread_local! {
    static ACCUMULATOR: RefCell<Accumulator> = RefCell::default();
}

impl Snapshot {
    /// The entries that have any of `terms` (field, word, weight), each scored by the sum
    /// of the weights it has plus the region evidence: the named regions, those above and
    /// under them, and the filter's own region add fixed amounts, so their entries are among
    /// the candidates even when many regions share the same text. The best `k`.
    pub(super) fn text_candidates(
        &self,
        terms: &[(Field, &str, f32)],
        a: &Analysis,
        filter: Option<&str>,
        k: usize,
    ) -> Result<Vec<Candidate<'_>>, SearchError> {
        let filter = filter.map(|fl| self.regions.id(fl));
        let evidence = self.region_evidence(a, filter);
        // An entry whose region the index does not know: only without a filter.
        let unknown = if filter.is_some() { None } else { Some(0.0) };
        let lists = terms
            .iter()
            .map(|&(field, word, weight)| Ok((self.postings(field, word)?, weight)))
            .collect::<Result<Vec<_>, SearchError>>()?;
        // Most queries name a region or come with the operator's filter: only the entries
        // of the regions with evidence can then be among the best (see `runs_to_read`), and
        // a region's entries are one run of the code order, which each sorted list is
        // searched for instead of read whole (on a knowledge base of 200,000 entries, the
        // reading was three quarters of a query's time).
        let runs = self.runs_to_read(&evidence, filter.is_some());
        let bonus_of = |region: u32| evidence.get(region as usize).copied().unwrap_or(unknown);
        ACCUMULATOR.with(|acc| {
            let mut acc = acc.borrow_mut();
            acc.start(&self.region_of_order, self.generation);
            let score = |s: &Slot| bonus_of(s.region).map(|b| s.sum + b);
            match (&runs, filter) {
                // With a filter, only the entries within it can be candidates.
                (Some(runs), Some(_)) => {
                    for (list, weight) in &lists {
                        acc.add_list(&list.orders, Some(runs), *weight);
                    }
                }
                // With a region named, its entries (and those of the regions around it) first;
                // then the rest of the code order, where an entry has no region evidence and
                // scores at most every term's weight: usually none of it can be among the best.
                (Some(runs), None) => {
                    for (list, weight) in &lists {
                        acc.add_list(&list.orders, Some(runs), *weight);
                    }
                    let rest = outside(runs);
                    acc.add_lists_pruned(&lists, Some(&rest), 0.0, k, score);
                }
                // Nothing named (or a region not one run): the lists whole, pruned by the best
                // region evidence any entry can have (within the filter, when one is set: an
                // entry outside it has no score and is never among the best).
                (None, _) => {
                    let most = evidence.iter().flatten().fold(0.0f32, |m, b| m.max(*b));
                    acc.add_lists_pruned(&lists, None, most, k, score);
                }
            }
            // One integer per candidate orders it: higher score first, then code order.
            // Scores are sums of positive weights and bonuses (never negative, never NaN),
            // and the bits of a non-negative f32 order as its value does.
            let key = |score: f32, order: u32| {
                (u64::from(!score.max(0.0).to_bits()) << 32) | u64::from(order)
            };
            // The best k so far, the worst of them on top: most entries are worse than all of
            // them and cost one comparison (keys are unique: the place in code order is).
            let mut best: BinaryHeap<u64> = BinaryHeap::with_capacity(k);
            for &order in &acc.touched {
                let Some(slot) = acc.slots.get(order as usize) else {
                    continue;
                };
                let Some(bonus) = bonus_of(slot.region) else {
                    continue;
                };
                let key = key(slot.sum + bonus, order);
                if best.len() < k {
                    best.push(key);
                } else if let Some(mut worst) = best.peek_mut()
                    && key < *worst
                {
                    *worst = key;
                }
            }
            // Best first; the place in code order (the key's low half) gives the address back.
            let out = best.into_sorted_vec();
            Ok(out
                .into_iter()
                .filter_map(|key| {
                    let score = f32::from_bits(!((key >> 32) as u32));
                    let addr = *self.by_order.get(key as u32 as usize)?;
                    Some(Candidate {
                        doc: self.by_addr.get(addr as usize)?.as_ref()?,
                        sum: score,
                        order: key as u32,
                    })
                })
                .collect())
        })
    }

    /// The runs of the code order to read the posting lists in: with a filter, those of
    /// the regions within it (no other entry can be a candidate); with a region named, those
    /// of the regions with evidence (the caller checks that enough of their entries beat
    /// any other); `None` to read the lists whole (neither, or a region whose entries are
    /// not one run).
    fn runs_to_read(&self, evidence: &[Option<f32>], filtered: bool) -> Option<Vec<(u32, u32)>> {
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for (region, e) in evidence.iter().enumerate() {
            let wanted = match e {
                Some(bonus) => filtered || *bonus > 0.0,
                None => false,
            };
            if wanted {
                let run = self.region_runs.get(region).copied().flatten()?;
                if run.0 < run.1 {
                    runs.push(run);
                }
            }
        }
        // A region named nowhere with no filter: every list whole.
        if runs.is_empty() && !filtered {
            return None;
        }
        runs.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(runs.len());
        for (from, to) in runs {
            match merged.last_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(to),
                _ => merged.push((from, to)),
            }
        }
        Some(merged)
    }

    /// Region evidence by region number, worked out once per query (a few hundred regions)
    /// so that each touched entry costs one lookup: the filter's own region, the named
    /// regions, those above them (the parent answers what a county lacks), and the regions
    /// under them; `None` for a region outside the filter.
    fn region_evidence(&self, a: &Analysis, filter: Option<u32>) -> Vec<Option<f32>> {
        let mut own: Vec<(u32, f32)> = Vec::new();
        let mut under: Vec<(u32, f32)> = Vec::new();
        if let Some(fl) = filter {
            own.push((fl, FILTER_OWN_REGION));
        }
        for m in &a.regions.mentions {
            let chain = self.regions.chain_ids(&m.code);
            let Some(&named) = chain.first() else {
                continue;
            };
            own.push((named, NAMED_REGION * m.weight));
            under.push((named, UNDER_NAMED_REGION * m.weight));
            for (depth, up) in chain.iter().enumerate().skip(1) {
                let s = if depth == 1 {
                    PARENT_OF_NAMED_REGION
                } else {
                    ABOVE_NAMED_REGION
                };
                own.push((*up, s * m.weight));
            }
        }
        // Each region starts at 0 (or out, when a filter leaves it out), then gets what the
        // named regions give it, in the order above.
        let mut evidence: Vec<Option<f32>> = match filter {
            Some(fl) => {
                let mut e = vec![None; self.regions.count()];
                for r in self.regions.subtree_by_id(fl) {
                    if let Some(x) = e.get_mut(*r as usize) {
                        *x = Some(0.0);
                    }
                }
                e
            }
            None => vec![Some(0.0); self.regions.count()],
        };
        for (region, s) in &own {
            if let Some(Some(bonus)) = evidence.get_mut(*region as usize) {
                *bonus += s;
            }
        }
        for (named, s) in &under {
            for r in self.regions.subtree_by_id(*named) {
                if let Some(Some(bonus)) = evidence.get_mut(*r as usize) {
                    *bonus += s;
                }
            }
        }
        evidence
    }

    /// A region's departments and those of the regions above it (a county has no 商务局),
    /// within the filter, in address order.
    pub(super) fn region_departments(
        &self,
        code: &str,
        filter: Option<&str>,
        k: usize,
    ) -> Result<Vec<Candidate<'_>>, SearchError> {
        // The named region's own departments first, then those of the regions above it,
        // each in code order: by address, the order depended on how the indexing threads
        // happened to fill the segments (香格里拉市 … listed 迪庆州's departments in one
        // build and its own in another).
        let mut addrs: Vec<u32> = Vec::new();
        for up in self.regions.chain(code) {
            let from = addrs.len();
            for seg in &self.segments {
                self.for_each_posting(seg, self.fields.region, &up, |addr| addrs.push(addr))?;
            }
            addrs[from..].sort_unstable_by_key(|addr| {
                self.meta
                    .get(*addr as usize)
                    .map_or(Meta::GONE, |m| m.order)
            });
        }
        Ok(addrs
            .into_iter()
            .filter_map(|addr| {
                let order = self.meta.get(addr as usize)?.order;
                Some((self.by_addr.get(addr as usize)?.as_ref()?, order))
            })
            .filter(|(d, _)| d.kind == Kind::Department)
            .filter(|(d, _)| {
                filter.is_none_or(|fl| {
                    self.regions
                        .chain_by_id(d.region_id)
                        .contains(&self.regions.id(fl))
                })
            })
            .take(k)
            .map(|(doc, order)| Candidate {
                doc,
                sum: 0.0,
                order,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_read_within_the_runs_only() {
        let mut acc = Accumulator::default();
        acc.start(&[0; 10], 1);
        let list = [1, 3, 4, 6, 9];
        acc.add_list(&list, Some(&[(0, 2), (4, 7)]), 1.0);
        acc.add_list(&list, Some(&[(4, 5)]), 0.5);
        assert_eq!(acc.touched, [1, 4, 6]);
        let sums: Vec<f32> = acc
            .touched
            .iter()
            .map(|&o| acc.slots[o as usize].sum)
            .collect();
        assert_eq!(sums, [1.0, 1.5, 1.0]);
        // A new query starts from nothing; whole lists are read without runs.
        acc.restart();
        acc.add_list(&list, None, 2.0);
        assert_eq!(acc.touched, list);
        assert_eq!(acc.slots[3].sum, 2.0);
    }

    /// The best k by (score, then code order), as `text_candidates` keeps them.
    fn best(acc: &Accumulator, k: usize) -> Vec<(u32, f32)> {
        let mut all: Vec<(u32, f32)> = acc
            .touched
            .iter()
            .map(|&o| (o, acc.slots[o as usize].sum))
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(k);
        all
    }

    #[test]
    fn pruned_lists_give_the_best_of_whole_lists() {
        // Lists as a knowledge base has them: a few rare heavy words, common light ones
        // that most entries share. A small generator, so that the case is the same each run.
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let places = 20_000u32;
        let mut read_less = 0;
        for case in 0..40 {
            let lists: Vec<(Rc<Postings>, f32)> = (0..8)
                .map(|i| {
                    let share = [3, 10, 50, 200, 500, 800, 900, 950][i];
                    let orders: Vec<u32> = (0..places).filter(|_| next(1000) < share).collect();
                    // Multiples of 1/64: every sum is exact in any order, so ties fall to
                    // the code order alike in both ways of reading.
                    let weight = 0.25 + (next(40) * (8 - i as u64)) as f32 / 64.0;
                    let df = orders.len();
                    (
                        Rc::new(Postings {
                            orders: orders.into(),
                            df,
                        }),
                        weight,
                    )
                })
                .collect();
            let k = 1 + next(60) as usize;
            let mut whole = Accumulator::default();
            whole.start(&vec![0; places as usize], 1);
            for (list, weight) in &lists {
                whole.add_list(&list.orders, None, *weight);
            }
            let mut pruned = Accumulator::default();
            pruned.start(&vec![0; places as usize], 1);
            pruned.add_lists_pruned(&lists, None, 0.0, k, |s| Some(s.sum));
            let (a, b) = (best(&whole, k), best(&pruned, k));
            let codes = |v: &[(u32, f32)]| v.iter().map(|x| x.0).collect::<Vec<_>>();
            assert_eq!(codes(&a), codes(&b), "case {case}, k {k}");
            if pruned.touched.len() < whole.touched.len() {
                read_less += 1;
            }
            // With region evidence and a filter: region 0 is outside it (no score), the others
            // add up to 8.0, more than most words weigh; the best k by score are the same.
            let regions: Vec<u32> = (0..places).map(|o| o % 5).collect();
            let score = |s: &Slot| (s.region != 0).then_some(s.sum + s.region as f32 * 2.0);
            let by_score = |acc: &Accumulator| {
                let mut all: Vec<(u32, f32)> = acc
                    .touched
                    .iter()
                    .filter_map(|&o| Some((o, score(&acc.slots[o as usize])?)))
                    .collect();
                all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                all.truncate(k);
                all.into_iter().map(|x| x.0).collect::<Vec<_>>()
            };
            let mut whole = Accumulator::default();
            whole.start(&regions, 2);
            for (list, weight) in &lists {
                whole.add_list(&list.orders, None, *weight);
            }
            let mut pruned = Accumulator::default();
            pruned.start(&regions, 2);
            pruned.add_lists_pruned(&lists, None, 8.0, k, score);
            assert_eq!(
                by_score(&whole),
                by_score(&pruned),
                "case {case}, k {k}, filtered"
            );
        }
        // Most often the common lists were searched, not read.
        assert!(read_less >= 30, "{read_less} of 40");
    }

    #[test]
    fn the_rest_of_the_code_order_is_outside_the_runs() {
        assert_eq!(outside(&[(0, 3), (5, 9)]), [(3, 5), (9, u32::MAX)]);
        assert_eq!(outside(&[(2, 3)]), [(0, 2), (3, u32::MAX)]);
    }
}
