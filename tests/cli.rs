//! The commands about snapshot files as a user runs them:
//!
//! - `tongxunlu inspect` (docs/cli.md#inspect): after the summary, a table of where the
//!   snapshot's bytes go — every section raw, deflated and (with `--brotli`) brotli'd, per
//!   member, and the whole file as one stream — in text and under `sections` in JSON, checked
//!   against the file's own section table, read here independently;
//! - signing (docs/cli.md#keygen): `keygen`, `snapshot --signing-key`, and `inspect` saying who
//!   signed and, with `--public-key`, refusing what that key did not sign;
//! - `tongxunlu delta` (docs/cli.md#delta): its last line says how many bytes a page fetches, as
//!   gzip computes them here, and the patch it writes makes the new file from the old one.
//!
//! The snapshots are small (a 400-member sample): brotli at quality 11 is slow in a debug build.

use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use tongxunlu::sample::{generate, Preset, SampleSpec};
use tongxunlu::snapshot::signature::{self, PublicKey, SigningKey};
use tongxunlu::snapshot::{delta, Snapshot, FORMAT_VERSION};

use crate::util::{snapshot_of, workdir};

const HEADER_LEN: usize = 44;
const ENTRY_LEN: usize = 12;

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
        let path = workdir("cli", "small").join("small.txl");
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
    assert!(holds.contains(&"member records") && holds.contains(&"readings of names"), "{holds:?}");
    // Format 7 ships no index, A–Z order or postings: the engine derives them, so no section of
    // a built snapshot is one it does not read.
    assert!(!holds.contains(&"(not read by this engine)"), "{holds:?}");
    let tags: Vec<&str> =
        json["sections"]["list"].as_array().unwrap().iter().map(|r| r["tag"].as_str().unwrap()).collect();
    assert_eq!(tags, ["META", "DEPT", "MEMB", "GRUP", "READ", "CHAR", "WORD"]);
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
    assert_eq!(lines[1], format!("  format version {FORMAT_VERSION}, {} bytes", bytes.len()));
    assert_eq!(lines[2], "  not signed");
    assert!(lines[5].starts_with(&format!("  {} members, ", number(stats, "members"))), "{text}");
    assert!(lines[6].starts_with("sections ("), "{text}");

    // One line per section, then the two totals: each ends in bytes, gzip and brotli, each
    // followed by its figure per member to one decimal.
    let sections = &json["sections"];
    let rows = sections["list"].as_array().unwrap();
    let body = &lines[8..];
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
    assert!(lines[6].contains("--brotli adds brotli"), "{text}");
    assert!(!lines[7].contains("brotli"), "no brotli column: {text}");
    for (line, sizes) in lines[8..].iter().zip(rows.iter().chain([&sections["sectionsTotal"], &sections["file"]])) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let figures = &words[words.len() - 4..];
        assert_eq!(figures[0], number(sizes, "bytes").to_string(), "{line}");
        assert_eq!(figures[2], number(sizes, "gzip").to_string(), "{line}");
    }
}

#[test]
fn inspect_lists_a_section_the_engine_does_not_read() {
    // The small snapshot with an eighth section inserted before `WORD`: `XTRA`, or one of the
    // sections format 6 shipped and format 7 derives instead (the A–Z order, the fst index, its
    // postings). The opener ignores a tag it does not read, and the table still accounts for
    // every byte.
    let (_, bytes) = small_snapshot();
    for tag in ["XTRA", "AZBR", "FST ", "POST"] {
        let mut sections: Vec<(String, Vec<u8>)> =
            section_table(bytes).into_iter().map(|(tag, range)| (tag, bytes[range].to_vec())).collect();
        sections.insert(sections.len() - 1, (tag.to_owned(), b"an extra section, repeated a few times. ".repeat(40)));
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
        let checksum = xxhash_rust::xxh3::xxh3_64(&file[20..]) as u32;
        file[16..20].copy_from_slice(&checksum.to_le_bytes());

        let path = workdir("cli", "extra").join(format!("extra-{}.txl", tag.trim()));
        std::fs::write(&path, &file).unwrap();
        let json: Value = serde_json::from_str(&inspect(&path, &["--json", "--brotli"])).unwrap();
        assert_consistent(&json["sections"], &file);
        let extra = &json["sections"]["list"][sections.len() - 2];
        assert_eq!(extra["tag"], tag);
        assert_eq!(extra["holds"], "(not read by this engine)", "{tag}");
        let text = inspect(&path, &[]);
        let line = format!("  {tag}  (not read by this engine)");
        assert!(text.lines().any(|l| l.starts_with(&line)), "{tag}: {text}");
    }
}

/// The command's exit code, stdout and stderr, run in `dir`.
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tongxunlu")).current_dir(dir).args(args).output().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (out.status.code(), text(out.stdout), text(out.stderr))
}

#[test]
fn keygen_writes_an_owner_only_key_and_prints_its_public_half() {
    let dir = workdir("cli", "keygen");
    let (code, stdout, stderr) = run(&dir, &["keygen", "-o", "key.pem"]);
    assert_eq!(code, Some(0), "{stderr}");
    let key = SigningKey::read_pem_file(&dir.join("key.pem")).unwrap();
    assert_eq!(stdout, format!("{}\n", key.public_key().to_base64()), "the public key alone on stdout");
    assert_eq!(PublicKey::from_base64(&stdout).unwrap(), key.public_key());
    assert!(stderr.contains(&format!("key id {}", key.public_key().key_id())), "{stderr}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("key.pem")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Two keys are two keys, and an existing key is never overwritten.
    let (code, other, _) = run(&dir, &["keygen", "-o", "other.pem"]);
    assert_eq!(code, Some(0));
    assert_ne!(other, stdout);
    let before = std::fs::read(dir.join("key.pem")).unwrap();
    let (code, stdout, stderr) = run(&dir, &["keygen", "-o", "key.pem"]);
    assert_eq!((code, stdout.as_str()), (Some(1), ""));
    assert!(stderr.starts_with("tongxunlu: error: key.pem: ") && stderr.lines().count() == 1, "{stderr}");
    assert_eq!(std::fs::read(dir.join("key.pem")).unwrap(), before);
}

#[test]
fn snapshot_signs_with_a_key_and_inspect_verifies_or_refuses_in_one_line() {
    let dir = workdir("cli", "signing");
    let directory = generate(&SampleSpec { members: 200, seed: 2, preset: Preset::Company });
    std::fs::write(dir.join("dir.json"), directory.to_json_pretty()).unwrap();
    assert_eq!(run(&dir, &["keygen", "-o", "key.pem"]).0, Some(0));
    assert_eq!(run(&dir, &["keygen", "-o", "other.pem"]).0, Some(0));
    let key = SigningKey::read_pem_file(&dir.join("key.pem")).unwrap();
    let (public, id) = (key.public_key().to_base64(), key.public_key().key_id());
    let other = SigningKey::read_pem_file(&dir.join("other.pem")).unwrap().public_key();

    let snapshot = |out: &str, extra: &[&str]| {
        let (code, stdout, stderr) =
            run(&dir, &[&["snapshot", "dir.json", "--viewer", "exec001", "-o", out], extra].concat());
        assert_eq!(code, Some(0), "{stderr}");
        stdout
    };
    let said = snapshot("signed.txl", &["--signing-key", "key.pem"]);
    assert!(said.trim_end().ends_with(&format!("; signed, key id {id}")), "{said}");
    assert!(!snapshot("plain.txl", &[]).contains("signed"));
    let (signed, plain) =
        (std::fs::read(dir.join("signed.txl")).unwrap(), std::fs::read(dir.join("plain.txl")).unwrap());
    assert_eq!(signed, signature::sign(&plain, &key), "the unsigned snapshot, signed");
    assert!(said.contains(&format!(": {} bytes (", signed.len())), "{said}");

    let line = |file: &str, extra: &[&str]| {
        let (code, stdout, stderr) = run(&dir, &[&["inspect", file], extra].concat());
        assert_eq!(code, Some(0), "{stderr}");
        stdout.lines().nth(2).unwrap().to_owned()
    };
    assert_eq!(
        line("signed.txl", &[]),
        format!("  signed, key id {id} (80 signature bytes; not verified without --public-key)")
    );
    assert_eq!(
        line("signed.txl", &["--public-key", &public]),
        format!("  signed, key id {id}: verified with --public-key")
    );
    assert_eq!(line("plain.txl", &[]), "  not signed");
    let json = |file: &str, extra: &[&str]| -> Value {
        serde_json::from_str(&run(&dir, &[&["inspect", file, "--json"], extra].concat()).1).unwrap()
    };
    assert_eq!(json("signed.txl", &[])["signature"], serde_json::json!({ "keyId": id.to_string(), "verified": false }));
    assert_eq!(json("signed.txl", &["--public-key", &public])["signature"]["verified"], true);
    assert_eq!(json("plain.txl", &[])["signature"], Value::Null);
    assert_eq!(json("signed.txl", &[])["stats"], json("plain.txl", &[])["stats"], "the same snapshot inside");

    let mut tampered = signed.clone();
    tampered[signed.len() / 2] ^= 1;
    std::fs::write(dir.join("tampered.txl"), &tampered).unwrap();
    let other = other.to_base64();
    for (file, key, says) in [
        ("plain.txl", &public, "not signed: no signature block at the end".to_owned()),
        ("signed.txl", &other, format!("signed by another key (key id {id}; the key given has id ")),
        ("tampered.txl", &public, "invalid signature: the bytes were altered after they were signed".to_owned()),
    ] {
        let (code, stdout, stderr) = run(&dir, &["inspect", file, "--public-key", key]);
        assert_eq!((code, stdout.as_str()), (Some(1), ""), "{file}");
        assert!(stderr.starts_with(&format!("tongxunlu: error: {file}: {says}")), "{file}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    // A key that is not one is a usage error; a key file that is not there names it.
    assert_eq!(run(&dir, &["inspect", "signed.txl", "--public-key", "not-a-key"]).0, Some(2));
    let (code, _, stderr) =
        run(&dir, &["snapshot", "dir.json", "--viewer", "exec001", "-o", "x.txl", "--signing-key", "nokey.pem"]);
    assert_eq!(code, Some(1));
    assert!(stderr.starts_with("tongxunlu: error: nokey.pem: "), "{stderr}");
    assert!(!dir.join("x.txl").exists(), "nothing written without the key");
}

// ---- delta ------------------------------------------------------------------------------------

/// `tongxunlu delta ARGS…`: its exit status, stdout and stderr.
fn delta_run(args: &[&std::ffi::OsStr]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tongxunlu")).arg("delta").args(args).output().unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// The small snapshot's directory after a few members changed their mobile or position, and one
/// left, as the executive sees it.
fn changed_snapshot() -> &'static (PathBuf, Vec<u8>) {
    static FILE: OnceLock<(PathBuf, Vec<u8>)> = OnceLock::new();
    FILE.get_or_init(|| {
        let mut dir = generate(&SampleSpec { members: 400, seed: 1, preset: Preset::Company });
        for (n, member) in dir.userlist.iter_mut().skip(50).step_by(97).enumerate() {
            member.mobile = Some(format!("1990000{n:04}"));
            member.position = Some("客户经理".to_owned());
        }
        let gone = dir.userlist.remove(200).userid;
        for department in &mut dir.department {
            department.department_leader.retain(|account| *account != gone);
        }
        for group in &mut dir.group {
            group.userid.retain(|account| *account != gone);
        }
        dir.validate().unwrap();
        let bytes = snapshot_of(&dir, "exec001").as_bytes().to_vec();
        let path = workdir("cli", "changed").join("changed.txl");
        std::fs::write(&path, &bytes).unwrap();
        (path, bytes)
    })
}

/// The two numbers of the last line, `N bytes to fetch of M`, which must have exactly that form.
fn fetch_line(stdout: &str) -> (usize, usize) {
    let last = stdout.lines().last().unwrap_or_default();
    let words: Vec<&str> = last.split(' ').collect();
    match words[..] {
        [n, "bytes", "to", "fetch", "of", m] => (n.parse().unwrap(), m.parse().unwrap()),
        _ => panic!("the last line is not `N bytes to fetch of M`: {last:?}"),
    }
}

#[test]
fn delta_prints_what_a_page_fetches_and_writes_a_patch_that_makes_the_new_file() {
    let (old, old_bytes) = small_snapshot();
    let (new, new_bytes) = changed_snapshot();
    let patch_path = workdir("cli", "delta").join("patch.txd");
    let (ok, stdout, stderr) = delta_run(&[old.as_os_str(), new.as_os_str(), "-o".as_ref(), patch_path.as_os_str()]);
    assert!(ok, "{stdout}{stderr}");
    let patch = std::fs::read(&patch_path).unwrap();
    assert_eq!(delta::apply_checked(old_bytes, &patch).unwrap(), *new_bytes);
    // gzip -9 of the patch, of the new file: what a server sends.
    let (to_fetch, of) = fetch_line(&stdout);
    assert_eq!((to_fetch, of), (gzipped_len(&patch), gzipped_len(new_bytes)), "{stdout}");
    assert!(to_fetch < of, "{stdout}");
    let info = delta::info(&patch).unwrap();
    for figure in [
        format!("patch: {} bytes raw, written to {}", patch.len(), patch_path.display()),
        format!("{} copies of {} bytes", info.copies, info.copied),
        format!("{} insertions of {} bytes", info.insertions, info.inserted),
    ] {
        assert!(stdout.contains(&figure), "{figure:?} is not in:\n{stdout}");
    }

    // The same figures as JSON; a file to itself is a patch of one copy.
    let (ok, stdout, stderr) = delta_run(&[old.as_os_str(), new.as_os_str(), "--json".as_ref()]);
    assert!(ok, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(number(&json, "patchBytes"), patch.len());
    assert_eq!((number(&json, "toFetch"), number(&json, "of")), (to_fetch, of));
    assert_eq!(json["summary"], format!("{to_fetch} bytes to fetch of {of}"));
    assert_eq!(json["compression"], "gzip -9");
    let (ok, stdout, _) = delta_run(&[old.as_os_str(), old.as_os_str(), "--json".as_ref()]);
    assert!(ok);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((number(&json, "copies"), number(&json, "insertions")), (1, 0));
    assert_eq!(number(&json, "copied"), old_bytes.len());
}

#[test]
fn delta_with_brotli_compresses_both_sides_with_brotli() {
    let (old, _) = small_snapshot();
    let (new, new_bytes) = changed_snapshot();
    let (ok, stdout, stderr) = delta_run(&[old.as_os_str(), new.as_os_str(), "--brotli".as_ref()]);
    assert!(ok, "{stderr}");
    let (to_fetch, of) = fetch_line(&stdout);
    assert!(to_fetch < of && of < gzipped_len(new_bytes), "{stdout}");
    assert!(stdout.contains(&format!("brotli -q 11: patch {to_fetch} bytes, new file {of} bytes")), "{stdout}");
}

#[test]
fn delta_of_a_file_that_is_not_a_snapshot_is_a_one_line_error() {
    let (old, _) = small_snapshot();
    let dir = workdir("cli", "delta_refused");
    let text = dir.join("notes.txt");
    std::fs::write(&text, "not a snapshot\n").unwrap();
    let missing = dir.join("missing.txl");
    for (args, expected) in [
        ([old.as_os_str(), text.as_os_str()], format!("{}: not a tongxunlu snapshot", text.display())),
        ([text.as_os_str(), old.as_os_str()], format!("{}: not a tongxunlu snapshot", text.display())),
        ([old.as_os_str(), missing.as_os_str()], format!("{}: ", missing.display())),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_tongxunlu")).arg("delta").args(args).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(out.stdout.is_empty());
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with(&format!("tongxunlu: error: {expected}")), "{stderr}");
    }
}

/// Opening reads a member record only as far as its memberships; `inspect` checks the rest
/// too, and refuses a file whose member record has undefined flag bits, naming the record —
/// while `search` opens the same file and answers.
#[test]
fn inspect_names_a_member_record_that_opening_leaves_unchecked() {
    let (_, bytes) = small_snapshot();
    let members = section_table(bytes).into_iter().find(|(tag, _)| tag == "MEMB").unwrap().1;
    let leb = |at: &mut usize| {
        let (mut value, mut shift) = (0usize, 0);
        loop {
            let byte = bytes[*at];
            *at += 1;
            value |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return value;
            }
            shift += 7;
        }
    };
    // The first record: its length, its memberships, its account and name, then its flags.
    let mut at = members.start;
    leb(&mut at);
    for _ in 0..2 * leb(&mut at) {
        leb(&mut at);
    }
    for _ in 0..2 {
        at += leb(&mut at);
    }
    let mut file = bytes.clone();
    file[at] |= 1 << 3;
    let checksum = xxhash_rust::xxh3::xxh3_64(&file[20..]) as u32;
    file[16..20].copy_from_slice(&checksum.to_le_bytes());
    let dir = workdir("cli", "member_flags");
    std::fs::write(dir.join("flags.txl"), &file).unwrap();

    let (code, stdout, stderr) = run(&dir, &["inspect", "flags.txl"]);
    assert_eq!((code, stdout.as_str()), (Some(1), ""), "{stderr}");
    assert!(stderr.contains("MEMB") && stderr.contains("record 0") && stderr.contains("flag"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let (code, _, stderr) = run(&dir, &["search", "flags.txl", "a"]);
    assert_eq!(code, Some(0), "{stderr}");
}

/// Inputs are regular files: a device is not read until memory runs out, nor does a pipe with
/// no writer hang the command. A directory file saved with a byte-order mark (Windows Notepad)
/// reads. An output that is an input, by its name or through a link, is refused before
/// anything is written; importing into a directory file may write it over.
#[test]
fn inputs_are_regular_files_and_outputs_never_overwrite_them() {
    let dir = workdir("cli", "inputs");
    let json = generate(&SampleSpec { members: 30, seed: 2, preset: Preset::Company }).to_json_pretty();
    std::fs::write(dir.join("dir.json"), &json).unwrap();
    std::fs::write(dir.join("bom.json"), format!("\u{FEFF}{json}")).unwrap();

    let (code, _, stderr) = run(&dir, &["snapshot", "/dev/zero", "--viewer", "exec001", "-o", "x.txl"]);
    assert_eq!(code, Some(1));
    assert_eq!(stderr, "tongxunlu: error: /dev/zero: not a regular file (a device, a pipe or a folder); give a file\n");
    let fifo = dir.join("fifo.csv");
    let _ = std::fs::remove_file(&fifo);
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let (code, _, stderr) = run(&dir, &["import", "fifo.csv", "-o", "x.json"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("fifo.csv: not a regular file"), "{stderr}");

    let (code, _, stderr) = run(&dir, &["snapshot", "bom.json", "--viewer", "exec001", "-o", "bom.txl"]);
    assert_eq!(code, Some(0), "{stderr}");

    let _ = std::fs::remove_file(dir.join("link.json"));
    std::os::unix::fs::symlink("dir.json", dir.join("link.json")).unwrap();
    assert_eq!(run(&dir, &["export", "dir.json", "-o", "dir.csv"]).0, Some(0));
    for args in [
        &["snapshot", "dir.json", "--viewer", "exec001", "-o", "dir.json"][..],
        &["snapshot", "dir.json", "--viewer", "exec001", "-o", "link.json"],
        &["import", "dir.csv", "-o", "dir.csv"],
        &["import", "dir.csv", "-o", "x.json", "--errors", "dir.csv"],
        &["delta", "bom.txl", "bom.txl", "-o", "bom.txl"],
    ] {
        let (code, stdout, stderr) = run(&dir, args);
        assert_eq!((code, stdout.as_str()), (Some(1), ""), "{args:?}: {stderr}");
        assert!(stderr.ends_with(": this is the input file; write the output to another file\n"), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read_to_string(dir.join("dir.json")).unwrap(), json, "the input is untouched");
    let (code, _, stderr) = run(&dir, &["import", "dir.csv", "--into", "dir.json", "--update", "-o", "dir.json"]);
    assert_eq!(code, Some(0), "an update in place: {stderr}");
}

/// `sample --members` is bounded: a hundred million is refused with clap's one-line reason, not
/// an allocation failure and a backtrace.
#[test]
fn a_sample_of_a_hundred_million_members_is_refused() {
    let dir = workdir("cli", "sample_limit");
    let (code, _, stderr) = run(&dir, &["sample", "--members", "100000000", "-o", "x.json"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("100000000 is not in 1..=1000000"), "{stderr}");
    assert!(!dir.join("x.json").exists());
}

/// A work folder holding a 300-member sample's snapshot as exec001 sees it, `s.txl`.
fn sample_snapshot_in(name: &str) -> std::path::PathBuf {
    let dir = workdir("cli", name);
    std::fs::write(
        dir.join("dir.json"),
        generate(&SampleSpec { members: 300, seed: 4, preset: Preset::Company }).to_json_pretty(),
    )
    .unwrap();
    let (code, _, stderr) = run(&dir, &["snapshot", "dir.json", "--viewer", "exec001", "-o", "s.txl"]);
    assert_eq!(code, Some(0), "{stderr}");
    dir
}

/// `tongxunlu search` ends with how many results there are in all, and pages on with --offset.
#[test]
fn search_says_how_many_results_in_all_and_pages_by_offset() {
    let dir = sample_snapshot_in("search_totals");
    let (_, stdout, _) = run(&dir, &["search", "s.txl", "z", "--json", "--limit", "1000"]);
    let mut lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let totals = lines.pop().unwrap()["totals"].clone();
    let members = lines.iter().filter(|l| l["kind"] == "member").count();
    assert!(members > 10, "{stdout}");
    assert_eq!(totals["member"], serde_json::json!({"count": members, "exact": true}));
    // The last two results, by offset, and the totals line after them.
    let offset = (lines.len() - 2).to_string();
    let (_, stdout, _) = run(&dir, &["search", "s.txl", "z", "--offset", &offset]);
    let page: Vec<&str> = stdout.lines().collect();
    assert_eq!(page.len(), 3, "{stdout}");
    assert!(page[2].starts_with(&format!("in all: {members} members, ")), "{stdout}");
}

/// `tongxunlu search --viewer` searches as that member: the same results, their colleagues first
/// among equals; an account the snapshot does not hold is an error that names it.
#[test]
fn search_as_a_viewer_ranks_their_colleagues_first() {
    let dir = sample_snapshot_in("search_viewer");
    let accounts = |args: &[&str]| -> Vec<String> {
        let (code, stdout, stderr) =
            run(&dir, &[&["search", "s.txl", "z", "--json", "--limit", "1000"], args].concat());
        assert_eq!(code, Some(0), "{stderr}");
        let mut lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        lines.pop(); // the totals
        lines.iter().map(|l| l["userid"].as_str().unwrap_or("-").to_owned()).collect()
    };
    let plain = accounts(&[]);
    // The last member "z" finds, as the viewer: they are in their own department, the closest.
    let last = plain.iter().rev().find(|a| *a != "-").unwrap().clone();
    let seen = accounts(&["--viewer", &last]);
    let (mut sorted_plain, mut sorted_seen) = (plain.clone(), seen.clone());
    sorted_plain.sort();
    sorted_seen.sort();
    assert_eq!(sorted_seen, sorted_plain, "the same results");
    let at = |list: &[String]| list.iter().position(|a| *a == last).unwrap();
    assert!(at(&seen) < at(&plain), "{last} rises from {} to {}", at(&plain), at(&seen));

    let (code, _, stderr) = run(&dir, &["search", "s.txl", "z", "--viewer", "nobody"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no member has the account \"nobody\""), "{stderr}");
}
