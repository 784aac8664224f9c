//! `tongxunlu delta old.txl new.txl [-o patch.txd] [--json] [--brotli]`: the patch that turns one
//! snapshot into the next (docs/snapshot.md#differences), checked by applying it, and what a
//! page holding the old one would fetch to end with the new one (docs/cli.md#delta).

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;
use tongxunlu::snapshot::delta;

use super::inspect::brotli_len;
use super::{finish_output, read_snapshot, write, Error, Result};

/// What the command measured.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    old_bytes: usize,
    new_bytes: usize,
    /// The patch, raw.
    patch_bytes: usize,
    copies: usize,
    insertions: usize,
    copied: u64,
    inserted: u64,
    diff_ms: f64,
    apply_ms: f64,
    /// How the two sizes below were compressed: `gzip -9` or `brotli -q 11`.
    compression: &'static str,
    /// The patch compressed: what a page holding the old snapshot fetches.
    to_fetch: usize,
    /// The new snapshot compressed the same way: what a page without it fetches.
    of: usize,
    /// The last line of the text output.
    summary: String,
}

pub(super) fn delta_command(old: &Path, new: &Path, output: Option<&Path>, json: bool, brotli: bool) -> Result<()> {
    if let Some(output) = output {
        super::refuse_overwriting(output, &[old, new])?;
    }
    // Opened to check that both are snapshots this engine reads; the patch treats them as bytes.
    let (old_snapshot, new_snapshot) = (read_snapshot(old)?, read_snapshot(new)?);
    let (old_bytes, new_bytes) = (old_snapshot.as_bytes(), new_snapshot.as_bytes());

    let started = Instant::now();
    let patch = delta::diff(old_bytes, new_bytes);
    let diff_time = started.elapsed();
    let started = Instant::now();
    let applied = delta::apply(old_bytes, &patch);
    let apply_time = started.elapsed();
    // The differ is checked on every use: a patch that does not give the new file back is a bug.
    let broken = |source| Error::BadPatch { old: old.to_owned(), new: new.to_owned(), source };
    match applied {
        Ok(bytes) if bytes == new_bytes => {}
        Ok(_) => return Err(broken(None)),
        Err(e) => return Err(broken(Some(e))),
    }
    if let Some(output) = output {
        write(output, &patch)?;
    }
    let info = delta::info(&patch).map_err(|e| broken(Some(e)))?;

    // The patch and the new file as a server would send them; the new file takes far longer,
    // so the two run side by side.
    let compress = |bytes: &[u8]| {
        if brotli {
            brotli_len(bytes)
        } else {
            super::gzip(bytes, flate2::Compression::best()).len()
        }
    };
    let (to_fetch, of) = std::thread::scope(|scope| {
        let whole = scope.spawn(|| compress(new_bytes));
        let patch = compress(&patch);
        (patch, whole.join().expect("compressing cannot panic"))
    });
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let report = Report {
        old_bytes: old_bytes.len(),
        new_bytes: new_bytes.len(),
        patch_bytes: patch.len(),
        copies: info.copies,
        insertions: info.insertions,
        copied: info.copied,
        inserted: info.inserted,
        diff_ms: ms(diff_time),
        apply_ms: ms(apply_time),
        compression: if brotli { "brotli -q 11" } else { "gzip -9" },
        to_fetch,
        of,
        summary: format!("{to_fetch} bytes to fetch of {of}"),
    };
    let mut out = std::io::stdout().lock();
    let printed = if json {
        serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from).and_then(|()| writeln!(out))
    } else {
        print(&mut out, &report, old, new, output)
    };
    finish_output(printed)
}

fn print(out: &mut impl Write, r: &Report, old: &Path, new: &Path, output: Option<&Path>) -> std::io::Result<()> {
    writeln!(out, "{} ({} bytes) to {} ({} bytes)", old.display(), r.old_bytes, new.display(), r.new_bytes)?;
    writeln!(
        out,
        "patch: {} bytes raw{}; {} operations: {} copies of {} bytes, {} insertions of {} bytes",
        r.patch_bytes,
        output.map_or_else(String::new, |o| format!(", written to {}", o.display())),
        r.copies + r.insertions,
        r.copies,
        r.copied,
        r.insertions,
        r.inserted
    )?;
    writeln!(out, "diff {:.1} ms; apply {:.1} ms, which gives the new file exactly", r.diff_ms, r.apply_ms)?;
    writeln!(
        out,
        "{}: patch {} bytes, new file {} bytes ({:.2}%)",
        r.compression,
        r.to_fetch,
        r.of,
        100.0 * r.to_fetch as f64 / r.of.max(1) as f64
    )?;
    writeln!(out, "{}", r.summary)
}
