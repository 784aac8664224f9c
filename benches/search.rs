//! Search latency at 5k, 50k and 200k members (SPEC §10), over a mixed query set generated from
//! the company sample (seed 1, viewer `exec001`, who sees everyone).
//!
//! The query set takes every 97th member and asks for them the ways people type: the name, an
//! infix of it, full pinyin, initials, a pinyin prefix ("zhangw"), a mixed query ("张w"), four
//! and seven digits out of the middle of the mobile, the account prefix, and a department name.
//! Criterion times the whole set (`search/<size>`); per-kind median and p99 of single queries,
//! which criterion does not report, are printed to stderr first, with the index size.
//!
//! `cargo bench --bench search`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use tongxunlu::fields::TextField;
use tongxunlu::sample::{generate, Preset, SampleSpec};
use tongxunlu::search::SearchOptions;
use tongxunlu::snapshot::{build, Snapshot};
use tongxunlu::visibility::Organisation;

const SIZES: [usize; 3] = [5_000, 50_000, 200_000];

/// (kind, query) pairs for a sample of members.
fn query_set(snap: &Snapshot) -> Vec<(&'static str, String)> {
    let mut queries = Vec::new();
    for position in (0..snap.member_count()).step_by(97) {
        let member = snap.member(position);
        let syllables = snap.member_syllables(position);
        let first = |s: &tongxunlu::search::Syllable<'_>| s.readings.first().copied().unwrap_or_default().to_owned();
        let full: String = syllables.iter().map(first).collect();
        let initials: String = syllables.iter().filter_map(|s| s.readings.first().and_then(|r| r.get(..1))).collect();
        let name: Vec<char> = member.name.chars().collect();
        queries.push(("name", member.name.to_owned()));
        if name.len() >= 3 {
            queries.push(("name infix", name[1..].iter().collect()));
        }
        queries.push(("full pinyin", full.clone()));
        queries.push(("initials", initials));
        if let Some(second) = syllables.get(1) {
            let prefix = format!("{}{}", first(&syllables[0]), &first(second)[..1]);
            queries.push(("pinyin prefix", prefix));
            if name[0] > '\u{2e80}' {
                queries.push(("mixed", format!("{}{}", name[0], &first(second)[..1])));
            }
        }
        if let Some(mobile) = member.text(TextField::Mobile) {
            let digits: String = mobile.chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 10 {
                queries.push(("phone 4 digits", digits[3..7].to_owned()));
                queries.push(("phone 7 digits", digits[3..10].to_owned()));
            }
        }
        queries.push(("account prefix", member.userid[..member.userid.len().min(6)].to_owned()));
        if let Some(&(d, _)) = member.departments.first() {
            queries.push(("department", snap.department(d).name.to_owned()));
        }
    }
    queries
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn search_benches(c: &mut Criterion) {
    let options = SearchOptions::default();
    for members in SIZES {
        let dir = generate(&SampleSpec { members, seed: 1, preset: Preset::Company });
        let org = Organisation::new(&dir);
        let bytes = build(&dir, &org.view("exec001").expect("the sample's viewer exists")).bytes;
        let snap = Snapshot::open(bytes).expect("a built snapshot opens");
        let queries = query_set(&snap);

        let mut by_kind: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
        let mut all = Vec::new();
        for _ in 0..3 {
            for (kind, query) in &queries {
                let started = Instant::now();
                black_box(snap.search(query, &options));
                let took = started.elapsed();
                by_kind.entry(kind).or_default().push(took);
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
        for (kind, mut times) in by_kind {
            times.sort();
            eprintln!("  {kind:<15} median {:>9.1?}  p99 {:>9.1?}", percentile(&times, 0.5), percentile(&times, 0.99));
        }

        let mut group = c.benchmark_group("search");
        group.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(5));
        group.bench_function(format!("{members}"), |b| {
            b.iter(|| {
                for (_, query) in &queries {
                    black_box(snap.search(query, &options));
                }
            })
        });
        group.finish();
    }
}

criterion_group!(benches, search_benches);
criterion_main!(benches);
