//! The seed corpus of the snapshot opener's fuzz targets (fuzz/fuzz_targets/open_snapshot*.rs),
//! written by an ignored test so that the seeds come from the same fixtures as the property tests:
//!
//! ```sh
//! TONGXUNLU_FUZZ_CORPUS=$PWD/fuzz/corpus cargo test --test integration snapshot::fuzz_seeds -- --ignored
//! ```

use proptest::strategy::Strategy;
use tongxunlu::snapshot::MAGIC;

use super::assemble::*;
use super::hostile::consistent_snapshot;
use super::mutation::random_base;
use super::*;

/// Writes the fuzz targets' seed corpus: the base snapshots, snapshots of random valid
/// directories, hostile but consistent snapshots, and a few edge cases. Run by `fuzz/seed.sh`
/// (corpus folders are not committed), which sets `TONGXUNLU_FUZZ_CORPUS`.
#[test]
#[ignore = "writes files; run by fuzz/seed.sh"]
fn write_fuzz_seed_corpus() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let Some(root) = std::env::var_os("TONGXUNLU_FUZZ_CORPUS") else {
        panic!("set TONGXUNLU_FUZZ_CORPUS to the fuzz corpus folder (fuzz/corpus)");
    };
    let mut seeds: Vec<Vec<u8>> = bases().iter().map(|b| b.bytes.clone()).collect();
    let mut runner = TestRunner::deterministic();
    for _ in 0..16 {
        seeds.push(random_base().new_tree(&mut runner).unwrap().current());
    }
    for _ in 0..16 {
        seeds.push(consistent_snapshot().new_tree(&mut runner).unwrap().current());
    }
    seeds.push(MAGIC.to_vec());
    seeds.push(assemble(&[]));
    seeds.push(assemble(&empty_directory()));
    let (records, parts) = hand_written();
    seeds.push(with_search(&records, &parts));
    for target in ["open_snapshot", "open_snapshot_fixed_checksum"] {
        let dir = std::path::Path::new(&root).join(target);
        std::fs::create_dir_all(&dir).unwrap();
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i:03}.txl")), seed).unwrap();
        }
    }
    eprintln!("wrote {} seeds for each target under {}", seeds.len(), std::path::Path::new(&root).display());
}

/// Writes the seeds of `apply_delta` (fuzz/fuzz_targets/apply_delta.rs): patches from its base —
/// the 30-member company sample (seed 1) as `exec001` sees it, built the same way in
/// fuzz/src/lib.rs — to the snapshots of edited directories, to itself, to nothing, and to bytes
/// of its own, so that mutations start from patches that apply.
#[test]
#[ignore = "writes files; run by fuzz/seed.sh"]
fn write_fuzz_seed_corpus_of_apply_delta() {
    use tongxunlu::sample::{generate, Preset, SampleSpec};
    use tongxunlu::snapshot::delta;
    let Some(root) = std::env::var_os("TONGXUNLU_FUZZ_CORPUS") else {
        panic!("set TONGXUNLU_FUZZ_CORPUS to the fuzz corpus folder (fuzz/corpus)");
    };
    let build = |dir: &Directory| snapshot::build(dir, &Organisation::new(dir).view("exec001").unwrap()).bytes;
    let directory = generate(&SampleSpec { members: 30, seed: 1, preset: Preset::Company });
    let base = build(&directory);
    let mut results = vec![base.clone(), Vec::new(), b"not a snapshot at all".to_vec()];
    for members in [29, 31, 40] {
        results.push(build(&generate(&SampleSpec { members, seed: 1, preset: Preset::Company })));
    }
    let mut edited = directory.clone();
    for (n, member) in edited.userlist.iter_mut().skip(3).step_by(7).enumerate() {
        member.mobile = Some(format!("1990000{n:04}"));
    }
    results.push(build(&edited));
    results.push([&base[..base.len() / 2], b"inserted", &base[base.len() / 2..]].concat());
    let dir = std::path::Path::new(&root).join("apply_delta");
    std::fs::create_dir_all(&dir).unwrap();
    for (i, result) in results.iter().enumerate() {
        let patch = delta::diff(&base, result);
        assert_eq!(delta::apply(&base, &patch).unwrap(), *result);
        std::fs::write(dir.join(format!("seed-{i:03}.txd")), patch).unwrap();
    }
    eprintln!("wrote {} seeds under {}", results.len(), dir.display());
}
