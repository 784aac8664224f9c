//! `tongxunlu inspect` as a user runs it (docs/cli.md#inspect): after the summary, a table of
//! where the snapshot's bytes go — every section raw, deflated and (with `--brotli`) brotli'd,
//! per member, and the whole file as one stream — in text and under `sections` in JSON, checked
//! against the file's own section table, read here independently.
//!
//! The snapshots are small (a 400-member sample): brotli at quality 11 is slow in a debug build.

use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use tongxunlu::sample::{generate, Preset, SampleSpec};
use tongxunlu::snapshot::Snapshot;

use crate::util::snapshot_of;

const HEADER_LEN: usize = 44;
const ENTRY_LEN: usize = 12;

fn workdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_inspect").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `tongxunlu inspect FILE OPTIONS…`'s standard output; the command must succeed.
fn inspect(file: &Path, options: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tongxunlu")).arg("inspect").arg(file).args(options).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// A 400-member company sample as the executive who sees everyone sees it, written to a file.
fn small_snapshot() -> &'static (PathBuf, Vec<u8>) {
    static FILE: OnceLock<(PathBuf, Vec<u8>)> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = generate(&SampleSpec { members: 400, seed: 1, preset: Preset::Company });
        let bytes = snapshot_of(&dir, "exec001").as_bytes().to_vec();
        let path = workdir("small").join("small.txl");
        std::fs::write(&path, &bytes).unwrap();
        (path, bytes)
    })
}

/// `inspect --json --brotli` of [`small_snapshot`], run once for the tests that read it.
fn small_json() -> &'static Value {
    static JSON: OnceLock<Value> = OnceLock::new();
    JSON.get_or_init(|| serde_json::from_str(&inspect(&small_snapshot().0, &["--json", "--brotli"])).unwrap())
}

/// The file's section table, read by the layout in docs/snapshot.md: each tag and byte range.
fn section_table(bytes: &[u8]) -> Vec<(String, Range<usize>)> {
    let count = usize::from(u16::from_le_bytes([bytes[10], bytes[11]]));
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    (0..count)
        .map(|i| {
            let at = HEADER_LEN + ENTRY_LEN * i;
            let tag = String::from_utf8(bytes[at..at + 4].to_vec()).unwrap();
            (tag, u32_at(at + 4)..u32_at(at + 4) + u32_at(at + 8))
        })
        .collect()
}

fn deflated_len(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(9));
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap().len()
}

fn gzipped_len(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap().len()
}

fn number(value: &Value, key: &str) -> usize {
    value[key].as_u64().unwrap_or_else(|| panic!("{key} is not a count in {value}")) as usize
}

/// Each size of `sizes` (a row, the sections' total or the file's) divided by `members` is its
/// per-member figure (to the last bits of an f64: serde_json's parser may round the last digit
/// the other way).
fn assert_per_member(sizes: &Value, members: usize) {
    for key in ["bytes", "gzip", "brotli"] {
        let per_member = sizes[format!("{key}PerMember")].as_f64().unwrap();
        let expected = number(sizes, key) as f64 / members as f64;
        assert!((per_member - expected).abs() <= expected * 1e-12, "{key} per member in {sizes}: expected {expected}");
    }
}

/// Checks a `sections` object against the file it describes: the rows are the file's sections
/// in order, their sizes add up to the file, their per-member figures are their sizes divided
/// by the members, the deflated sizes are what flate2 makes of each section alone.
fn assert_consistent(sections: &Value, bytes: &[u8]) {
    let table = section_table(bytes);
    let members = Snapshot::open(bytes.to_vec()).unwrap().member_count();
    assert_eq!(number(sections, "members"), members);
    assert_eq!(number(sections, "headerBytes"), HEADER_LEN + ENTRY_LEN * table.len());

    let rows = sections["list"].as_array().unwrap();
    let tags: Vec<&str> = rows.iter().map(|row| row["tag"].as_str().unwrap()).collect();
    let file_tags: Vec<&str> = table.iter().map(|(tag, _)| tag.as_str()).collect();
    assert_eq!(tags, file_tags, "the table lists every section of the file, in its order");
    for (row, (tag, range)) in rows.iter().zip(&table) {
        let body = &bytes[range.clone()];
        assert_eq!(number(row, "bytes"), body.len(), "{tag}");
        assert_eq!(number(row, "gzip"), deflated_len(body), "{tag}: deflate level 9 of the section alone");
        let brotli = number(row, "brotli");
        assert!(brotli > 0, "{tag}: {row}");
        if body.len() >= 1024 {
            assert!(brotli < body.len(), "{tag} is not smaller brotli'd: {row}");
        }
        assert!(!row["holds"].as_str().unwrap().is_empty(), "{tag}: {row}");
        assert_per_member(row, members);
    }

    let total = &sections["sectionsTotal"];
    for key in ["bytes", "gzip", "brotli"] {
        let sum: usize = rows.iter().map(|row| number(row, key)).sum();
        assert_eq!(number(total, key), sum, "{key}: the total is the sum of the rows");
    }
    assert_eq!(
        number(total, "bytes") + number(sections, "headerBytes"),
        bytes.len(),
        "the sections and the header and table make up the file"
    );
    assert_per_member(total, members);

    let file = &sections["file"];
    assert_eq!(number(file, "bytes"), bytes.len());
    assert_eq!(number(file, "gzip"), gzipped_len(bytes), "the whole file, gzipped at level 9 as one stream");
    assert!(number(file, "brotli") < bytes.len(), "{file}");
    assert_per_member(file, members);
}

#[test]
fn inspect_json_gives_every_sections_sizes_and_they_add_up_to_the_file() {
    let (_, bytes) = small_snapshot();
    let json = small_json();
    assert_eq!(number(&json["stats"], "members"), number(&json["sections"], "members"));
    assert_consistent(&json["sections"], bytes);
    // What `inspect --json` held before the table is still there.
    for key in ["departments", "members", "groups"] {
        assert!(json[key].is_array(), "{key}");
    }
    let holds: Vec<&str> =
        json["sections"]["list"].as_array().unwrap().iter().map(|r| r["holds"].as_str().unwrap()).collect();
    assert!(holds.contains(&"member records") && holds.contains(&"search index (fst)"), "{holds:?}");
}

#[test]
fn inspect_prints_the_table_after_the_summary_with_the_numbers_of_the_json() {
    let (path, bytes) = small_snapshot();
    let json = small_json();
    let stats = &json["stats"];
    let text = inspect(path, &["--brotli"]);
    let lines: Vec<&str> = text.lines().collect();
    // The summary comes first, as before.
    assert_eq!(lines[0], stats["corpName"].as_str().unwrap());
    assert_eq!(lines[1], format!("  format version 5, {} bytes", bytes.len()));
    assert!(lines[4].starts_with(&format!("  {} members, ", number(stats, "members"))), "{text}");
    assert!(lines[5].starts_with("sections ("), "{text}");

    // One line per section, then the two totals: each ends in bytes, gzip and brotli, each
    // followed by its figure per member to one decimal.
    let sections = &json["sections"];
    let rows = sections["list"].as_array().unwrap();
    let body = &lines[7..];
    assert_eq!(body.len(), rows.len() + 2, "{text}");
    let expected = rows.iter().chain([&sections["sectionsTotal"], &sections["file"]]);
    for (line, sizes) in body.iter().zip(expected) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let figures = &words[words.len() - 6..];
        for (i, key) in ["bytes", "gzip", "brotli"].into_iter().enumerate() {
            assert_eq!(figures[2 * i], number(sizes, key).to_string(), "{key} in {line}");
            let per_member = sizes[format!("{key}PerMember")].as_f64().unwrap();
            assert_eq!(figures[2 * i + 1], format!("{per_member:.1}"), "{key} per member in {line}");
        }
        if let Some(tag) = sizes["tag"].as_str() {
            assert!(line.starts_with(&format!("  {tag}")), "{line}");
            assert!(line.contains(sizes["holds"].as_str().unwrap()), "{line}");
        }
    }
    assert!(body[rows.len()].contains("the sections, one by one"), "{text}");
    assert!(body[rows.len() + 1].contains("the whole file, one stream"), "{text}");
}

#[test]
fn without_brotli_the_table_gives_raw_and_gzip_sizes_only() {
    let (path, _) = small_snapshot();
    let with_brotli = &small_json()["sections"];
    let json: Value = serde_json::from_str(&inspect(path, &["--json"])).unwrap();
    let sections = &json["sections"];
    let rows = sections["list"].as_array().unwrap();
    let every = rows.iter().chain([&sections["sectionsTotal"], &sections["file"]]);
    let every_with_brotli =
        with_brotli["list"].as_array().unwrap().iter().chain([&with_brotli["sectionsTotal"], &with_brotli["file"]]);
    for (sizes, with_brotli) in every.zip(every_with_brotli) {
        assert!(sizes["brotli"].is_null() && sizes["brotliPerMember"].is_null(), "{sizes}");
        for key in ["bytes", "gzip", "bytesPerMember", "gzipPerMember"] {
            assert_eq!(sizes[key], with_brotli[key], "{key}: the same with and without --brotli");
        }
    }

    let text = inspect(path, &[]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[5].contains("--brotli adds brotli"), "{text}");
    assert!(!lines[6].contains("brotli"), "no brotli column: {text}");
    for (line, sizes) in lines[7..].iter().zip(rows.iter().chain([&sections["sectionsTotal"], &sections["file"]])) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let figures = &words[words.len() - 4..];
        assert_eq!(figures[0], number(sizes, "bytes").to_string(), "{line}");
        assert_eq!(figures[2], number(sizes, "gzip").to_string(), "{line}");
    }
}

#[test]
fn inspect_lists_a_section_the_engine_does_not_read() {
    // The small snapshot with a twelfth section, `XTRA`, inserted before `POST`: the opener
    // ignores a tag it does not know, and the table still accounts for every byte.
    let (_, bytes) = small_snapshot();
    let mut sections: Vec<(String, Vec<u8>)> =
        section_table(bytes).into_iter().map(|(tag, range)| (tag, bytes[range].to_vec())).collect();
    sections.insert(sections.len() - 1, ("XTRA".to_owned(), b"an extra section, repeated a few times. ".repeat(40)));
    let mut file = bytes[..HEADER_LEN].to_vec();
    file[10..12].copy_from_slice(&(sections.len() as u16).to_le_bytes());
    let mut offset = HEADER_LEN + ENTRY_LEN * sections.len();
    for (tag, body) in &sections {
        file.extend_from_slice(tag.as_bytes());
        file.extend_from_slice(&(offset as u32).to_le_bytes());
        file.extend_from_slice(&(body.len() as u32).to_le_bytes());
        offset += body.len();
    }
    for (_, body) in &sections {
        file.extend_from_slice(body);
    }
    let length = file.len() as u32;
    file[12..16].copy_from_slice(&length.to_le_bytes());
    let crc = crc32fast::hash(&file[20..]);
    file[16..20].copy_from_slice(&crc.to_le_bytes());

    let path = workdir("extra").join("extra.txl");
    std::fs::write(&path, &file).unwrap();
    let json: Value = serde_json::from_str(&inspect(&path, &["--json", "--brotli"])).unwrap();
    assert_consistent(&json["sections"], &file);
    let extra = &json["sections"]["list"][sections.len() - 2];
    assert_eq!(extra["tag"], "XTRA");
    assert_eq!(extra["holds"], "(not read by this engine)");
    let text = inspect(&path, &[]);
    assert!(text.lines().any(|line| line.starts_with("  XTRA  (not read by this engine)")), "{text}");
}
