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
