//! `tongxunlu inspect`: what a snapshot holds, whether it is signed and by which key, and where
//! its bytes go — each section's size raw and compressed (docs/cli.md#inspect).

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use tongxunlu::snapshot::signature::{self, PublicKey, SignatureError};
use tongxunlu::snapshot::Snapshot;

use super::{finish_output, open_snapshot, read, Error, Result};

/// The deflate level (and gzip's) and the brotli quality and window the table reports: the
/// smallest each offers, which is what a server precompressing a snapshot would use.
const DEFLATE_LEVEL: u32 = 9;
const BROTLI_QUALITY: i32 = 11;

/// `brotli`: also compress with brotli at quality 11, which takes minutes at 200,000 members
/// (gzip takes seconds), so only when asked. `public_key`: refuse the file unless that key
/// signed it, as a page configured with it would.
pub(super) fn inspect_command(path: &Path, json: bool, brotli: bool, public_key: Option<&PublicKey>) -> Result<()> {
    let bytes = read(path)?;
    // Verified before it is opened, in the page's order.
    let signed = signed_by(&bytes, public_key).map_err(|e| Error::in_file(path, e))?;
    let snap = open_snapshot(path, bytes)?;
    // Everything opening leaves to be checked when read, so that a writer's fault shows here.
    snap.check_member_texts().map_err(|e| Error::in_file(path, e))?;
    let stats = snap.stats();
    let sections = SectionTable::of(&snap, brotli);
    let mut out = std::io::stdout().lock();
    let printed: std::io::Result<()> = if json {
        let everything = serde_json::json!({
            "stats": stats,
            "signature": signed,
            "sections": sections,
            "departments": (0..snap.department_count()).map(|d| snap.department_info(d)).collect::<Vec<_>>(),
            "members": (0..snap.member_count()).map(|m| snap.member_info(m)).collect::<Vec<_>>(),
            "groups": (0..snap.group_count()).map(|g| snap.group_info(g)).collect::<Vec<_>>(),
        });
        serde_json::to_writer_pretty(&mut out, &everything).map_err(std::io::Error::from).and_then(|()| writeln!(out))
    } else {
        let signature = match &signed {
            None => "not signed".to_owned(),
            Some(SignedBy { key_id, verified: true }) => format!("signed, key id {key_id}: verified with --public-key"),
            Some(SignedBy { key_id, verified: false }) => {
                format!(
                    "signed, key id {key_id} ({} signature bytes; not verified without --public-key)",
                    signature::BLOCK_LEN
                )
            }
        };
        writeln!(
            out,
            "{}\n  format version {}, {} bytes\n  {signature}\n  class key {}\n  directory etag {}\n  {} members, {} departments (+{} path labels), {} groups",
            stats.corp_name,
            stats.format_version,
            stats.bytes,
            stats.class_key,
            stats.directory_etag,
            stats.members,
            stats.departments,
            stats.labels,
            stats.groups
        )
        .and_then(|()| sections.print(&mut out))
    };
    finish_output(printed)
}

/// Which key signed a file (`signature` in the JSON; null when the file is not signed).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignedBy {
    /// The key id of the signature block, in hexadecimal.
    key_id: String,
    /// Whether the signature was verified: only with `--public-key`, which refuses the file
    /// unless it is.
    verified: bool,
}

/// Who signed `file`: verified when a key is given (and refused unless that key signed it),
/// else as the signature block says.
fn signed_by(file: &[u8], public_key: Option<&PublicKey>) -> std::result::Result<Option<SignedBy>, SignatureError> {
    if let Some(key) = public_key {
        signature::verify(file, key)?;
        return Ok(Some(SignedBy { key_id: key.key_id().to_string(), verified: true }));
    }
    // A block too short to be one is left to the opener, whose error says more.
    let block = signature::split(file).ok().and_then(|(_, block)| block);
    Ok(block.map(|block| SignedBy { key_id: block.key_id.to_string(), verified: false }))
}

/// Where a snapshot's bytes go: every section of its table, raw and compressed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SectionTable {
    /// The members the per-member figures divide by: every member the snapshot holds.
    members: usize,
    /// The header and the section table: what no section holds.
    header_bytes: usize,
    /// One row per section, in the order of the file's table.
    list: Vec<Row>,
    /// The sections added up, each compressed on its own.
    sections_total: Sizes,
    /// The whole file as one stream, as a page downloads it: gzip (with its header and
    /// trailer) and brotli.
    file: Sizes,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    /// The tag, four ASCII bytes (a tag of fewer letters ends in spaces).
    tag: String,
    /// What the section holds, in a few words.
    holds: &'static str,
    #[serde(flatten)]
    sizes: Sizes,
}

/// A size raw, deflated (gzip level 9) and brotli'd (quality 11, when asked for), and each per
/// member.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Sizes {
    bytes: usize,
    gzip: usize,
    brotli: Option<usize>,
    /// `bytes / members`, and so on; None (null) in a snapshot of no members.
    bytes_per_member: Option<f64>,
    gzip_per_member: Option<f64>,
    brotli_per_member: Option<f64>,
}

impl Sizes {
    fn new(bytes: usize, gzip: usize, brotli: Option<usize>, members: usize) -> Sizes {
        let per_member = |n: usize| (members > 0).then(|| n as f64 / members as f64);
        Sizes {
            bytes,
            gzip,
            brotli,
            bytes_per_member: per_member(bytes),
            gzip_per_member: per_member(gzip),
            brotli_per_member: brotli.and_then(per_member),
        }
    }
}

/// What the sections of this version hold; a tag the engine does not read gets a note saying so.
fn holds(tag: &[u8; 4]) -> &'static str {
    match tag {
        b"META" => "organisation name",
        b"DEPT" => "department records",
        b"MEMB" => "member records",
        b"GRUP" => "public groups",
        b"READ" => "readings of names",
        b"CHAR" => "readings of characters",
        b"WORD" => "reading strings",
        _ => "(not read by this engine)",
    }
}

impl SectionTable {
    /// Reads the section table of an opened snapshot (the opener checked it: every section lies
    /// inside the file) and compresses every section, and the whole file, with gzip and, when
    /// `brotli`, with brotli.
    fn of(snap: &Snapshot, brotli: bool) -> SectionTable {
        let bytes = snap.as_bytes();
        let sections = snap.sections();

        // Every section and the whole file, each through both compressors: brotli at quality 11
        // is slow (about a megabyte a second), so the jobs share the cores, largest first.
        let mut inputs: Vec<&[u8]> = sections.iter().map(|(_, body)| *body).collect();
        inputs.push(bytes);
        let compressed = compress_all(&inputs, brotli);
        let members = snap.member_count();
        let list: Vec<Row> = sections
            .iter()
            .zip(&compressed)
            .map(|((tag, body), &(gzip, brotli))| Row {
                tag: tag.escape_ascii().to_string(),
                holds: holds(tag),
                sizes: Sizes::new(body.len(), gzip, brotli, members),
            })
            .collect();
        let sum = |f: fn(&Sizes) -> usize| list.iter().map(|row| f(&row.sizes)).sum::<usize>();
        let brotli_total = brotli.then(|| list.iter().filter_map(|row| row.sizes.brotli).sum());
        let sections_total = Sizes::new(sum(|s| s.bytes), sum(|s| s.gzip), brotli_total, members);
        let (gzip, brotli) = compressed[sections.len()];
        SectionTable {
            members,
            header_bytes: snap.header_len(),
            list,
            sections_total,
            file: Sizes::new(bytes.len(), gzip, brotli, members),
        }
    }

    fn print(&self, out: &mut impl Write) -> std::io::Result<()> {
        let brotli = self.file.brotli.is_some();
        let compressors = if brotli {
            format!("gzip -{DEFLATE_LEVEL}, brotli -q {BROTLI_QUALITY}")
        } else {
            format!("gzip -{DEFLATE_LEVEL}; --brotli adds brotli")
        };
        writeln!(
            out,
            "sections ({} header and table bytes; {compressors}; /m: per member, of {}):",
            self.header_bytes, self.members
        )?;
        let line = |out: &mut dyn Write, tag: &str, holds: &str, columns: [(String, String); 3]| {
            write!(out, "  {tag:<4}  {holds:<28}")?;
            for (value, per_member) in columns.iter().take(if brotli { 3 } else { 2 }) {
                write!(out, "  {value:>10} {per_member:>7}")?;
            }
            writeln!(out)
        };
        let heading = |name: &str| (name.to_owned(), "/m".to_owned());
        line(out, "tag", "holds", [heading("bytes"), heading("gzip"), heading("brotli")])?;
        let figures = |s: &Sizes| {
            let per = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"));
            [
                (s.bytes.to_string(), per(s.bytes_per_member)),
                (s.gzip.to_string(), per(s.gzip_per_member)),
                (s.brotli.map_or_else(|| "-".to_owned(), |b| b.to_string()), per(s.brotli_per_member)),
            ]
        };
        for row in &self.list {
            line(out, &row.tag, row.holds, figures(&row.sizes))?;
        }
        line(out, "", "the sections, one by one", figures(&self.sections_total))?;
        line(out, "", "the whole file, one stream", figures(&self.file))
    }
}

/// The deflated size (level 9, no gzip wrapper) and, when `brotli`, the brotli size of every
/// input but the last, and the gzip file size and brotli size of the last (the whole file).
fn compress_all(inputs: &[&[u8]], brotli: bool) -> Vec<(usize, Option<usize>)> {
    let whole = inputs.len() - 1;
    // Jobs: (input, brotli?), the largest inputs first so that no core is left with a big one
    // at the end.
    let mut jobs: Vec<(usize, bool)> =
        (0..inputs.len()).flat_map(|i| [(i, false)].into_iter().chain(brotli.then_some((i, true)))).collect();
    jobs.sort_by_key(|&(i, brotli)| (std::cmp::Reverse(inputs[i].len()), !brotli));
    let results = Mutex::new(vec![(0, None); inputs.len()]);
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let Some(&(i, is_brotli)) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) else { return };
                let size = if is_brotli { brotli_len(inputs[i]) } else { deflate_len(inputs[i], i == whole) };
                let mut results = results.lock().expect("no job panics");
                if is_brotli {
                    results[i].1 = Some(size);
                } else {
                    results[i].0 = size;
                }
            });
        }
    });
    results.into_inner().expect("no job panics")
}

/// The length of `bytes` deflated at level 9, as a gzip file when `gzip`.
fn deflate_len(bytes: &[u8], gzip: bool) -> usize {
    let level = flate2::Compression::new(DEFLATE_LEVEL);
    if gzip {
        super::gzip(bytes, level).len()
    } else {
        let mut encoder = flate2::write::DeflateEncoder::new(Vec::with_capacity(bytes.len() / 2), level);
        encoder.write_all(bytes).expect("writing to memory cannot fail");
        encoder.finish().expect("writing to memory cannot fail").len()
    }
}

/// The length of `bytes` compressed by brotli at quality 11.
pub(super) fn brotli_len(bytes: &[u8]) -> usize {
    super::brotli(bytes, BROTLI_QUALITY).len()
}
