//! Snapshot build and open at 5k, 50k and 200k members (benches/README.md): the company sample with seed 1,
//! seen by `exec001` (who sees everyone, so the snapshot is the largest one the sample has).
//!
//! - `from_json`: reading the directory file (parsing and validating), what `tongxunlu snapshot`
//!   and the Node build's `buildSnapshot` pay before anything else;
//! - `organisation_new`: indexing the directory (department tree, accounts, the etag digest);
//! - `view`: what `exec001` sees;
//! - `build`: writing the snapshot from the view;
//! - `total`: all three, what a server pays for a snapshot it has not cached;
//! - `open`: `Snapshot::open` on the bytes (checks everything, decodes nothing);
//! - `derive_index`, `derive_letters`: what the engine derives from an opened snapshot at the
//!   first search and at the first look at the A–Z bar (the name index; the A–Z order), each
//!   on a snapshot just opened.
//!
//! Criterion does not report sizes, so each size prints one line to stderr first: the snapshot's
//! size raw and gzipped (best compression), and the gzipped bytes per member.
//!
//! With `BENCH_CLASSES=1`, each size also prints what 100 visibility classes of the directory
//! cost as `tongxunlu serve` builds them — the directory indexed and its names read once, then
//! a view and a build per class — beside the same builds made apart (each indexing the
//! directory and reading its names anew). Timed
//! once, not by criterion: at 200,000 members one round takes a few seconds.
//!
//! `cargo bench --bench snapshot` (a few minutes on 2 cores); `-- open` runs only the open
//! benchmarks.

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};
use flate2::write::GzEncoder;
use flate2::Compression;
use tongxunlu::model::Directory;
use tongxunlu::sample::{generate, Preset, SampleSpec};
use tongxunlu::search::SearchOptions;
use tongxunlu::snapshot::{build, build_with, NameTable, Snapshot};
use tongxunlu::visibility::{Organisation, View};

const SIZES: [usize; 3] = [5_000, 50_000, 200_000];
const SEED: u64 = 1;
const VIEWER: &str = "exec001";

fn gzipped_len(bytes: &[u8]) -> usize {
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap().len()
}

fn snapshot_benches(c: &mut Criterion) {
    for members in SIZES {
        let started = Instant::now();
        let dir = generate(&SampleSpec { members, seed: SEED, preset: Preset::Company });
        let generated = started.elapsed();

        let org = Organisation::new(&dir);
        let view = org.view(VIEWER).expect("the sample's viewer exists");
        let built = build(&dir, &view);
        let bytes = built.bytes.clone();
        let snapshot = Snapshot::open(bytes.clone()).expect("a built snapshot opens");
        let gzipped = gzipped_len(&bytes);
        eprintln!(
            "snapshot size at {members} members (seed {SEED}, viewer {VIEWER}): {} visible members, \
             {} departments, {} groups; raw {} bytes ({:.2} MiB), gzipped {} bytes ({:.2} MiB), \
             {:.1} bytes/member gzipped, {:.1} bytes/member raw; sample generated in {:.2?}",
            snapshot.member_count(),
            snapshot.department_count(),
            snapshot.group_count(),
            bytes.len(),
            bytes.len() as f64 / (1024.0 * 1024.0),
            gzipped,
            gzipped as f64 / (1024.0 * 1024.0),
            gzipped as f64 / members as f64,
            bytes.len() as f64 / members as f64,
            generated,
        );
        drop(snapshot);
        if std::env::var_os("BENCH_CLASSES").is_some() {
            hundred_classes(&dir, members);
        }

        let mut group = c.benchmark_group(format!("snapshot/{members}"));
        group.throughput(Throughput::Elements(members as u64));
        group.warm_up_time(Duration::from_secs(1));
        match members {
            m if m >= 200_000 => {
                group.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(8));
            }
            m if m >= 50_000 => {
                group.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(4));
            }
            _ => {
                group.sample_size(20).measurement_time(Duration::from_secs(3));
            }
        }

        let json = dir.to_json_pretty();
        group.bench_function("from_json", |b| b.iter(|| black_box(Directory::from_json(black_box(&json)).unwrap())));
        drop(json);
        group.bench_function("organisation_new", |b| b.iter(|| black_box(Organisation::new(black_box(&dir)))));
        group.bench_function("view", |b| b.iter(|| black_box(org.view(black_box(VIEWER)).unwrap())));
        group.bench_function("build", |b| b.iter(|| black_box(build(black_box(&dir), black_box(&view)))));
        group.bench_function("total", |b| {
            b.iter(|| {
                let org = Organisation::new(black_box(&dir));
                let view = org.view(VIEWER).unwrap();
                black_box(build(&dir, &view))
            })
        });
        // The copy of the bytes is made outside the timing: open takes them by value.
        group.bench_function("open", |b| {
            b.iter_batched(|| bytes.clone(), |bytes| black_box(Snapshot::open(bytes).unwrap()), BatchSize::LargeInput)
        });
        let opened = || Snapshot::open(bytes.clone()).unwrap();
        group.bench_function("derive_index", |b| {
            b.iter_batched(
                opened,
                |s| black_box(s.search("zhangwei", &SearchOptions::default()).len()),
                BatchSize::LargeInput,
            )
        });
        group.bench_function("derive_letters", |b| {
            b.iter_batched(opened, |s| black_box(s.initials().len()), BatchSize::LargeInput)
        });
        group.finish();
    }
}

/// Builds the snapshots of up to 100 distinct visibility classes of `dir` (viewers taken evenly
/// through the directory, each whose view differs from those before), the way `tongxunlu serve`
/// does, and prints the time beside that of as many builds made apart.
fn hundred_classes(dir: &Directory, members: usize) {
    let started = Instant::now();
    let org = Organisation::new(dir);
    let org_once = started.elapsed();
    let names = NameTable::new(dir);
    let indexed = started.elapsed();
    let mut viewers: Vec<(&str, View)> = Vec::new();
    for member in dir.userlist.iter().step_by((dir.userlist.len() / 1000).max(1)) {
        if let Ok(view) = org.view(&member.userid) {
            if viewers.len() < 100 && viewers.iter().all(|(_, v)| *v != view) {
                viewers.push((&member.userid, view));
            }
        }
    }
    let visible: usize = viewers.iter().map(|(_, v)| v.members.len()).sum();
    let started = Instant::now();
    for (viewer, _) in &viewers {
        black_box(build_with(dir, &org.view(viewer).unwrap(), &names));
    }
    let classes = started.elapsed();
    let n = viewers.len() as u32;
    // Built apart, each class would index the directory anew, and read its own members' names.
    let started = Instant::now();
    for (viewer, _) in &viewers {
        black_box(build(dir, &org.view(viewer).unwrap()));
    }
    let apart = started.elapsed();
    eprintln!(
        "{n} classes at {members} members ({visible} visible members in all): the directory indexed and \
         its names read once {indexed:.2?}, then {n} views and builds {classes:.2?}, together {:.2?}; \
         built apart, each indexing the directory anew and reading its members' names: about {:.2?}",
        indexed + classes,
        org_once * n + apart,
    );
}

criterion_group!(benches, snapshot_benches);
criterion_main!(benches);
