//! `tongxunlu search snap.txl QUERY [--limit N] [--offset N] [--viewer ACCOUNT] [--json]`: what the
//! search box would show (to the member `--viewer` names, whose colleagues rank first among equals). With `--json`, one object per result line (docs/cli.md); without, a readable list with the
//! matched characters in 【brackets】, and the field matched when it is not the name. On the
//! sample (`tongxunlu sample --members 200 --seed 1`, snapshot of `exec001`):
//!
//! ```text
//! $ tongxunlu search s.txl zhangwei --limit 1 --json
//! {"kind":"member","userid":"staff001","name":"张伟","field":"name","way":"pinyin","text":"张伟","ranges":[[0,2]],"score":3380}
//! $ tongxunlu search s.txl zhangwei --limit 1
//! member     【张伟】  staff001  (score 3380)
//! $ tongxunlu search s.txl 1381600 --limit 1
//! member     张伟  mobile: 【1381600】0002  staff001  (score 2220)
//! ```
//!
//! `tongxunlu queries snap.txl [--every N]`: the benchmarks' mixed query set, for harnesses in
//! other languages (benches/js).

use std::io::Write;
use std::path::Path;

use tongxunlu::search::{SearchOptions, Totals, COUNT_LIMIT};
use tongxunlu::snapshot::HitInfo;

use super::{finish_output, read_snapshot, Error, Result};

pub(super) fn queries_command(path: &Path, every: usize) -> Result<()> {
    let snapshot = read_snapshot(path)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let printed = tongxunlu::search::queries::query_set(snapshot.searcher(), every).iter().try_for_each(|case| {
        serde_json::to_writer(&mut out, case).map_err(std::io::Error::from)?;
        writeln!(out)
    });
    finish_output(printed.and_then(|()| out.flush()))
}

pub(super) fn search_command(path: &Path, query: &str, options: SearchOptions, json: bool) -> Result<()> {
    let snapshot = read_snapshot(path)?;
    if let Some(viewer) = options.viewer.as_deref().filter(|v| snapshot.find_member(v).is_none()) {
        return Err(Error::ViewerNotInSnapshot { path: path.to_owned(), account: viewer.to_owned() });
    }
    let hits = snapshot.search(query, &options);
    let mut out = std::io::stdout().lock();
    let printed = hits.iter().try_for_each(|hit| {
        let info = snapshot.hit_info(hit);
        if json {
            serde_json::to_writer(&mut out, &info).map_err(std::io::Error::from)?;
            writeln!(out)
        } else {
            writeln!(out, "{}", readable(&info))
        }
    });
    // Then how many there are in all, for paging on with --offset.
    let totals = snapshot.count(query);
    let printed = printed.and_then(|()| {
        if json {
            serde_json::to_writer(&mut out, &serde_json::json!({ "totals": totals })).map_err(std::io::Error::from)?;
            writeln!(out)
        } else {
            writeln!(out, "{}", readable_totals(&totals))
        }
    });
    finish_output(printed)
}

/// The totals as a line: `in all: 446 members, 3 departments, 0 groups`.
fn readable_totals(totals: &Totals) -> String {
    let counts = format!(
        "{} members, {} departments, {} groups",
        totals.member.count, totals.department.count, totals.group.count
    );
    if totals.member.exact {
        format!("in all: {counts}")
    } else {
        format!("in all: at least {counts} (counting stops at {COUNT_LIMIT} results)")
    }
}

/// One result as a line: `member     【张】永波  zhangyongbo001  (score 3280)`.
fn readable(info: &HitInfo<'_>) -> String {
    let mut marked = String::new();
    for (i, c) in info.text.chars().enumerate() {
        let i = i as u32;
        if info.ranges.iter().any(|&(start, _)| start == i) {
            marked.push('【');
        }
        marked.push(c);
        if info.ranges.iter().any(|&(_, end)| end == i + 1) {
            marked.push('】');
        }
    }
    let who = match (info.userid, info.id) {
        (Some(userid), _) => userid.to_owned(),
        (None, Some(id)) => format!("id {id}"),
        (None, None) => String::new(),
    };
    let kind = serde_json::to_value(info.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let field = serde_json::to_value(info.field).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let shown = if info.text == info.name { marked } else { format!("{}  {field}: {marked}", info.name) };
    format!("{kind:<10} {shown}  {who}  (score {})", info.score)
}
