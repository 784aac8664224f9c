// The side-by-side benchmark (`make bench-js`, `make bench-js SIZES=5000`): the same sample
// directory (company preset, seed 1, seen by exec001 who sees everyone) and the same mixed query
// set (`tongxunlu queries`, the native benchmark's) through tongxunlu's browser build — the web
// package loaded in Node with initSync — and through pinyin-match, pinyin-pro, Fuse.js and
// FlexSearch, at each size given (default 5k, 50k, 200k members).
//
//   node --expose-gc --max-old-space-size=8192 benches/js/bench.mjs [SIZE...]
//        [--libraries a,b] [--budget SECONDS] [--web DIR] [--out FILE]
//   node benches/js/bench.mjs --report FILE      the tables of a results file again
//
// Each library runs in its own Node process per size, so that one's memory (FlexSearch: GBs)
// neither counts toward nor slows another, and each starts from a fresh wasm instance. Reported:
// time to ready (tongxunlu: Directory.open of the snapshot bytes; the others: building their
// index, pinyin fields included), query latency (median, p99; overall and per kind), memory
// after ready (JS heap growth, after GC, plus wasm memory), the gzipped bytes a page ships for
// the library, recall@10 per kind, and the share of returned results that match under no rule
// of docs/search.md, by a strict judge (benches/js/judge.mjs), with why.
//
// Recall@10 is the query set's own (src/search/queries.rs, as in the native benchmark): the
// share of the top 10 that are right answers, out of min(10, number of right answers) — a
// common name or "zw" has many. Beside it, the share of queries whose target (the member the
// query was made from) is in the top 10; and over the queries whose only right answer is their
// target (a unique name, a number only they have), the share with it in the top 10.
//
// Each query is asked by a colleague of its target (the query set's `viewer`): tongxunlu ranks
// equal answers by closeness to the viewer, the way the page searches. "tongxunlu-no-viewer"
// runs the same build without one, which is how the others rank (they know no viewer).
//
// The scanners and Fuse.js take a query time that grows with the directory: each library gets a
// time budget (--budget, 60 s by default) for its queries, taken in an order that interleaves
// the kinds, and stops when it is spent; the table says how many queries each ran.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { Judge } from "./judge.mjs";
import { LIBRARIES } from "./libraries.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const CLI = process.env.TONGXUNLU_CLI ?? path.join(ROOT, "target", "release", "tongxunlu");
const OUT_DIR = path.join(ROOT, "target", "bench-js");
const WARMUP = 30;
// A query's latency is the best of up to REPEATS runs, repeated only while they take under
// REPEAT_UNDER_MS in all: on a shared machine a single run's time includes whatever else ran then.
const REPEATS = 3;
const REPEAT_UNDER_MS = 5;

// ---- arguments -----------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = {
    sizes: [],
    libraries: Object.keys(LIBRARIES),
    budget: 60,
    web: path.join(ROOT, "pkg", "web"),
    out: path.join(OUT_DIR, "results.json"),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--libraries") opts.libraries = value().split(",");
    else if (a === "--budget") opts.budget = Number(value());
    else if (a === "--web") opts.web = path.resolve(value());
    else if (a === "--out") opts.out = path.resolve(value());
    else if (/^\d+$/.test(a)) opts.sizes.push(Number(a));
    else throw new Error(`unknown argument ${JSON.stringify(a)}`);
  }
  if (opts.sizes.length === 0) opts.sizes = (process.env.SIZES ?? "5000 50000 200000").split(/\s+/).filter(Boolean).map(Number);
  for (const l of opts.libraries) if (!(l in LIBRARIES)) throw new Error(`unknown library ${l} (known: ${Object.keys(LIBRARIES).join(", ")})`);
  if (!(opts.budget > 0)) throw new Error("--budget must be a positive number of seconds");
  return opts;
}

// ---- data: sample, snapshot, inspect, queries (cached in target/bench-js/SIZE/) ------------------

function cli(args, output) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing — build it with \`make build\``);
  // What the CLI says goes to stderr, with the progress lines: stdout is the report.
  const stdout = execFileSync(CLI, args, { maxBuffer: 2 ** 31, stdio: ["ignore", output ? "pipe" : 2, "inherit"] });
  if (output) writeFileSync(output, stdout);
}

/** Where the files of one size live. */
function filesFor(size) {
  const dir = path.join(OUT_DIR, String(size));
  return {
    dir,
    json: path.join(dir, "sample.json"),
    txl: path.join(dir, "exec001.txl"),
    inspect: path.join(dir, "inspect.json"),
    queries: path.join(dir, "queries.jsonl"),
  };
}

/** Makes (or reuses, when newer than the CLI) the files of one size. */
function prepare(size) {
  const files = filesFor(size);
  mkdirSync(files.dir, { recursive: true });
  const fresh = (f) => existsSync(f) && statSync(f).mtimeMs > statSync(CLI).mtimeMs;
  if (!fresh(files.json)) cli(["sample", "--members", String(size), "--seed", "1", "-o", files.json]);
  if (!fresh(files.txl)) cli(["snapshot", files.json, "--viewer", "exec001", "-o", files.txl]);
  if (!fresh(files.inspect)) cli(["inspect", files.txl, "--json"], files.inspect);
  // About 200 targets at any size, each asked for in every way that applies to them.
  if (!fresh(files.queries)) cli(["queries", files.txl, "--every", String(Math.max(1, Math.floor(size / 200)))], files.queries);
}

/** The query set, interleaved by kind so that any prefix of it covers every kind. */
function readQueries(file) {
  const byKind = new Map();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const q = JSON.parse(line);
    const c = { kind: q.kind, query: q.query, target: q.target ?? q.expect, answers: q.answers ?? [q.target ?? q.expect], viewer: q.viewer, department: q.department };
    if (!byKind.has(c.kind)) byKind.set(c.kind, []);
    byKind.get(c.kind).push(c);
  }
  const lists = [...byKind.values()];
  const out = [];
  for (let i = 0; out.length < lists.reduce((n, l) => n + l.length, 0); i++) {
    for (const l of lists) if (i < l.length) out.push(l[i]);
  }
  return out;
}

// ---- one library at one size (a child process) ------------------------------------------------

const quantile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);

function latencyStats(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  return { n: sorted.length, medianMs: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99) };
}

/** JS heap growth plus wasm memory (or array buffers, for the JS libraries). */
function memoryTotal({ heapBytes, wasmBytes, arrayBufferBytes }) {
  // A negative heap delta is the collector settling after the data was read: count it as none.
  return Math.max(0, heapBytes) + (wasmBytes || arrayBufferBytes);
}

function heapNow() {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage();
}

async function runWorker(name, files, budgetSeconds, pkgWeb) {
  if (!globalThis.gc) throw new Error("run with node --expose-gc");
  const lib = LIBRARIES[name];
  const ours = name.startsWith("tongxunlu");

  // Memory: from before the library's data is read to ready, after GC. The peers' data is the
  // member records a page would fetch and parse (a copy of their own, not the judge's);
  // tongxunlu's is the snapshot, copied into wasm memory.
  const before = heapNow();
  const data =
    ours
      ? { snapshot: new Uint8Array(readFileSync(files.txl)), pkgWeb }
      : { members: JSON.parse(readFileSync(files.inspect, "utf8")).members };
  const setup = await lib.setup(data);
  if (ours) data.snapshot = null; // the engine has its own copy
  const after = heapNow();
  const memory = {
    heapBytes: after.heapUsed - before.heapUsed,
    arrayBufferBytes: Math.max(0, after.arrayBuffers - before.arrayBuffers),
    wasmBytes: lib.wasmMemory ? lib.wasmMemory() : 0,
  };
  memory.totalBytes = memoryTotal(memory);

  // The benchmark's own data (the judge reads 100 MB of records at 200,000 members) is loaded
  // after ready: loaded before, the collector may stop to tidy it inside the ready window.
  const queries = readQueries(files.queries);
  const inspect = JSON.parse(readFileSync(files.inspect, "utf8"));
  const judge = new Judge(inspect);
  const byUserid = new Map(inspect.members.map((m) => [m.userid, m]));

  for (const q of queries.slice(0, WARMUP)) lib.search(q.query, q.viewer);
  const results = [];
  const deadline = performance.now() + budgetSeconds * 1000;
  for (const q of queries) {
    if (performance.now() > deadline) break;
    let ms = Infinity;
    let hits;
    for (let rep = 0, spent = 0; rep < REPEATS && spent < REPEAT_UNDER_MS; rep++) {
      const t0 = performance.now();
      hits = lib.search(q.query, q.viewer);
      const t = performance.now() - t0;
      ms = Math.min(ms, t);
      spent += t;
    }
    results.push({ q, ms, hits });
  }

  // Scoring, after the timed loop.
  const perKind = new Map();
  const recallByQuery = [];
  let returned = 0;
  let unmatched = 0;
  const unmatchedExamples = [];
  const noiseWhy = {};
  // Queries with one right answer (a unique name, a whole number…): is it on the first screen?
  const onlyAnswer = { queries: 0, inTop10: 0 };
  for (const { q, ms, hits } of results) {
    const members = hits.filter((h) => h.kind === "member").map((h) => h.userid);
    const answers = new Set(q.answers);
    const k = perKind.get(q.kind) ?? { ms: [], hit: 0, recall: 0 };
    k.ms.push(ms);
    k.hit += members.includes(q.target) ? 1 : 0;
    if (q.answers.length === 1 && q.answers[0] === q.target) {
      onlyAnswer.queries++;
      onlyAnswer.inTop10 += members.includes(q.target) ? 1 : 0;
    }
    // A department of the name asked for is itself a right answer: it is what opens the list of
    // its members (docs/search.md), and a company has one 包装组 in every branch.
    const departments = q.department ? hits.filter((h) => h.kind === "department" && h.name === q.department).length : 0;
    const right = hits.slice(0, 10).filter((h) => h.kind === "member" && answers.has(h.userid)).length;
    const recall = Math.min(1, (right + departments) / Math.min(10, answers.size + departments));
    k.recall += recall;
    recallByQuery.push(Number(recall.toFixed(4)));
    perKind.set(q.kind, k);
    returned += hits.length;
    const judged = hits.map((h) => (h.kind === "member" ? { kind: "member", member: byUserid.get(h.userid), hit: h } : { ...h, hit: h }));
    const unknown = judged.filter((r) => r.kind === "member" && !r.member);
    for (const { result, why } of [...unknown.map((result) => ({ result, why: "unknown member" })), ...judge.noise(q.query, judged.filter((r) => !unknown.includes(r)))]) {
      unmatched++;
      noiseWhy[why] = (noiseWhy[why] ?? 0) + 1;
      const shown = result.member ? `${result.member.userid} ${result.member.name}` : `${result.hit.kind} ${result.hit.userid ?? result.hit.id}`;
      if (unmatchedExamples.length < 20) unmatchedExamples.push({ query: q.query, kind: q.kind, why, result: shown });
    }
  }
  const kinds = {};
  for (const [kind, k] of perKind) {
    kinds[kind] = { ...latencyStats(k.ms), recall10: k.recall / k.ms.length, targetInTop10: k.hit / k.ms.length };
  }
  return {
    library: name,
    label: lib.label,
    readyMs: setup.readyMs,
    readyParts: setup.parts,
    memory,
    bundleGzipBytes: lib.bundle(pkgWeb).reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0),
    queries: { available: queries.length, run: results.length, capped: results.length < queries.length },
    latency: latencyStats(results.map((r) => r.ms)),
    kinds,
    onlyAnswer,
    // In the order the queries ran: to compare libraries on the queries both ran.
    recallByQuery,
    noise: { returned, unmatched, share: returned ? unmatched / returned : 0, why: noiseWhy, examples: unmatchedExamples },
  };
}

// ---- the report ----------------------------------------------------------------------------------

const fmtMs = (ms) => (Number.isNaN(ms) ? "—" : ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : ms < 100 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(0)} ms`);
const fmtMB = (b) => `${(b / 1048576).toFixed(1)} MB`;
const fmtKB = (b) => `${(b / 1000).toFixed(1)} kB`;
const pct = (x) => (x === undefined ? "—" : `${(x * 100).toFixed(0)}%`);

/** The share of results that are noise, to a tenth of a percent, and why they are. */
function noiseCell(noise) {
  const why = Object.entries(noise.why ?? {}).map(([reason, n]) => `${reason} ${n}`).join(", ");
  return `${(noise.share * 100).toFixed(1)}%${why ? ` (${why})` : ""}`;
}

function table(size, rows, queries) {
  const lines = [];
  lines.push(`\n### ${size.toLocaleString("en")} members\n`);
  lines.push("| library | ready | queries run | median | p99 | memory | bundle gz | noise |");
  lines.push("|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const mem = r.memory.wasmBytes ? `${fmtMB(r.memory.totalBytes)} (wasm ${fmtMB(r.memory.wasmBytes)})` : fmtMB(r.memory.totalBytes);
    const run = r.queries.capped ? `${r.queries.run} of ${r.queries.available} (budget)` : `${r.queries.run}`;
    lines.push(`| ${r.label} | ${fmtMs(r.readyMs)} | ${run} | ${fmtMs(r.latency.medianMs)} | ${fmtMs(r.latency.p99Ms)} | ${mem} | ${fmtKB(r.bundleGzipBytes)} | ${noiseCell(r.noise)} |`);
  }
  const kinds = [...new Set(rows.flatMap((r) => Object.keys(r.kinds)))];
  lines.push("");
  lines.push(`| recall@10, target in top 10 (median) | ${rows.map((r) => r.library).join(" | ")} |`);
  lines.push(`|---|${rows.map(() => "---").join("|")}|`);
  for (const kind of kinds) {
    const cells = rows.map((r) => {
      const k = r.kinds[kind];
      return k ? `${pct(k.recall10)}, ${pct(k.targetInTop10)} (${fmtMs(k.medianMs)})` : "—";
    });
    lines.push(`| ${kind} | ${cells.join(" | ")} |`);
  }
  const only = rows.map((r) => (r.onlyAnswer?.queries ? `${pct(r.onlyAnswer.inTop10 / r.onlyAnswer.queries)} of ${r.onlyAnswer.queries}` : "—"));
  lines.push(`| **the only answer: target in top 10** | ${only.join(" | ")} |`);
  lines.push(...sameQueries(rows, queries));
  return lines.join("\n");
}

/**
 * Recall@10 of each library that ran out of budget beside tongxunlu's on the very queries it
 * ran (the first ones of the interleaved order): the fair comparison, since a peer's figure at
 * 200,000 members may rest on a handful of queries per kind.
 */
function sameQueries(rows, queries) {
  const ours = rows.find((r) => r.library === "tongxunlu");
  const capped = rows.filter((r) => r !== ours && r.queries.capped && r.recallByQuery);
  if (!ours?.recallByQuery || !queries || !capped.length) return [];
  const lines = ["", `| recall@10 on the same queries: tongxunlu / peer | ${capped.map((r) => `${r.library} (${r.queries.run} queries)`).join(" | ")} |`];
  lines.push(`|---|${capped.map(() => "---").join("|")}|`);
  const kinds = [...new Set(queries.map((q) => q.kind))];
  for (const kind of kinds) {
    const cells = capped.map((r) => {
      const at = queries.slice(0, r.recallByQuery.length).flatMap((q, i) => (q.kind === kind ? [i] : []));
      if (!at.length) return "—";
      const mean = (list) => at.reduce((n, i) => n + list[i], 0) / at.length;
      return `${pct(mean(ours.recallByQuery))} / ${pct(mean(r.recallByQuery))}`;
    });
    lines.push(`| ${kind} | ${cells.join(" | ")} |`);
  }
  return lines;
}

async function main() {
  const [, , first, ...rest] = process.argv;
  if (first === "--report") {
    // Print the tables of a results file again (after a change to how they are shown).
    const all = JSON.parse(readFileSync(rest[0], "utf8"));
    for (const [size, rows] of Object.entries(all.sizes)) {
      for (const r of rows) r.memory.totalBytes = memoryTotal(r.memory);
      const file = filesFor(Number(size)).queries;
      console.log(table(Number(size), rows, existsSync(file) ? readQueries(file) : null));
    }
    return;
  }
  if (first === "--worker") {
    const [name, size, budget, pkgWeb] = rest;
    const result = await runWorker(name, filesFor(Number(size)), Number(budget), pkgWeb);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const opts = parseArgs(process.argv.slice(2));
  const all = { machine: { node: process.version, cpus: (await import("node:os")).cpus().length }, budgetSeconds: opts.budget, sizes: {} };
  const report = [];
  for (const size of opts.sizes) {
    console.error(`==> ${size} members: sample, snapshot, query set`);
    prepare(size);
    const rows = [];
    for (const name of opts.libraries) {
      console.error(`==> ${size} members: ${name}`);
      const child = spawnSync(
        process.execPath,
        ["--expose-gc", "--max-old-space-size=8192", fileURLToPath(import.meta.url), "--worker", name, String(size), String(opts.budget), opts.web],
        { encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "inherit"] },
      );
      if (child.status !== 0) throw new Error(`${name} at ${size} failed (exit ${child.status}, signal ${child.signal})`);
      const row = JSON.parse(child.stdout.trim().split("\n").pop());
      rows.push(row);
      console.error(`    ready ${fmtMs(row.readyMs)}, ${row.queries.run} queries, median ${fmtMs(row.latency.medianMs)}, p99 ${fmtMs(row.latency.p99Ms)}`);
    }
    all.sizes[size] = rows;
    const t = table(size, rows, readQueries(filesFor(size).queries));
    report.push(t);
    console.log(t);
    mkdirSync(path.dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, `${JSON.stringify(all, null, 2)}\n`);
  }
  console.error(`\nwrote ${path.relative(process.cwd(), opts.out)}`);
}

main().catch((err) => {
  console.error(`bench-js: error: ${err.message}`);
  process.exit(1);
});
