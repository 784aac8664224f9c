//! Search latency at 5k, 50k and 200k members (benches/README.md), over a mixed query set generated from
//! the company sample (seed 1, viewer `exec001`, who sees everyone).
//!
//! The query set ([`tongxunlu::search::queries`]) takes every 97th member and asks for them the
//! ways people type: the name, an infix of it, full pinyin, initials, a pinyin prefix ("zhangw"),
//! a mixed query ("张w"), fuzzy pinyin, a typo, four and seven digits out of the middle of the
//! mobile, the account prefix, and a department name — each asked by a colleague of the member
//! sought (the case's `viewer`), as the page asks as its viewer. Criterion times the whole set
//! (`search/<size>`); per-kind median, p99 and recall@10 of single queries, which criterion does
//! not report, are printed to stderr first.
//!
//! `cargo bench --bench search` (`BENCH_SIZES=200000` for one size).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use tongxunlu::sample::{generate, Preset, SampleSpec};
use tongxunlu::search::queries::{query_set, QueryCase};
use tongxunlu::search::{ResultKind, SearchOptions};
use tongxunlu::snapshot::{build, Snapshot};
use tongxunlu::visibility::Organisation;

const SIZES: [usize; 3] = [5_000, 50_000, 200_000];

/// The sizes to run: `BENCH_SIZES=5000,50000` for fewer.
fn sizes() -> Vec<usize> {
    match std::env::var("BENCH_SIZES") {
        Ok(list) => list.split(',').filter_map(|n| n.trim().parse().ok()).collect(),
        Err(_) => SIZES.to_vec(),
    }
}

/// The share of the first ten results that answer the case, out of min(10, answers). For a
/// department query, a department of the name it names is itself a right answer: it is what
/// opens the list of its members (docs/search.md), and a company has one 包装组 in every branch.
fn recall_at_10(snap: &Snapshot, case: &QueryCase) -> f64 {
    let hits = snap.search(&case.query, &SearchOptions { limit: 10, ..asked_by(case) });
    let departments = hits
        .iter()
        .filter(|h| h.kind == ResultKind::Department)
        .filter(|h| case.department.as_deref() == Some(snap.department(h.position).name))
        .count();
    let members = hits
        .iter()
        .filter(|h| h.kind == ResultKind::Member)
        .filter(|h| case.answers.iter().any(|a| a == snap.member(h.position).userid))
        .count();
    ((members + departments) as f64 / (case.answers.len() + departments).clamp(1, 10) as f64).min(1.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A page of results as the colleague who asks the case sees it (see `QueryCase::viewer`).
fn asked_by(case: &QueryCase) -> SearchOptions {
    SearchOptions { viewer: case.viewer.clone(), ..SearchOptions::default() }
}

fn search_benches(c: &mut Criterion) {
    for members in sizes() {
        let dir = generate(&SampleSpec { members, seed: 1, preset: Preset::Company });
        let org = Organisation::new(&dir);
        let bytes = build(&dir, &org.view("exec001").expect("the sample's viewer exists")).bytes;
        let snap = Snapshot::open(bytes).expect("a built snapshot opens");
        let queries = query_set(snap.searcher(), 97);
        let options: Vec<SearchOptions> = queries.iter().map(asked_by).collect();

        let mut by_kind: BTreeMap<&str, (Vec<Duration>, f64)> = BTreeMap::new();
        let mut all = Vec::new();
        for round in 0..3 {
            for (case, options) in queries.iter().zip(&options) {
                let started = Instant::now();
                black_box(snap.search(&case.query, options));
                let took = started.elapsed();
                let entry = by_kind.entry(case.kind).or_default();
                entry.0.push(took);
                if round == 0 {
                    entry.1 += recall_at_10(&snap, case);
                }
                all.push(took);
            }
        }
        all.sort();
        eprintln!(
            "search at {members} members: {} queries, median {:.1?}, p99 {:.1?}, max {:.1?}",
            queries.len(),
            percentile(&all, 0.5),
            percentile(&all, 0.99),
            all.last().copied().unwrap_or_default()
        );
        for (kind, (mut times, recall)) in by_kind {
            times.sort();
            let cases = times.len() / 3;
            eprintln!(
                "  {kind:<15} median {:>9.1?}  p99 {:>9.1?}  recall@10 {:.3}",
                percentile(&times, 0.5),
                percentile(&times, 0.99),
                recall / cases as f64
            );
        }

        let mut group = c.benchmark_group("search");
        group.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(5));
        group.bench_function(format!("{members}"), |b| {
            b.iter(|| {
                for (case, options) in queries.iter().zip(&options) {
                    black_box(snap.search(&case.query, options));
                }
            })
        });
        group.finish();
    }
}

criterion_group!(benches, search_benches);
criterion_main!(benches);
