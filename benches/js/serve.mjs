// `tongxunlu serve` under load (`make bench-serve`, `make bench-serve SIZES=5000`): for each size
// of the company sample, the release build on loopback with its default limits, and
//
// - cold: 300 viewers, spread over the directory, each asking for their snapshot once (32 at a
//   time) — every class among them built once;
// - warm: the same viewers again, 3,000 requests, 32 at a time, from the cache;
// - files: 3,000 requests for the page's wasm (brotli) and 3,000 for index.html (gzip);
// - throughout the warm and file phases, a probe asks for /config.js on a fresh connection ten
//   times a second: its p50 and p99 are what one more user sees while the server is busy;
// - the server's resident memory at the end and at its peak.
//
// Results are printed and written to target/bench-js/serve.json. Figures go to benches/README.md
// with the machine named: absolute rates depend on the machine, and on loopback the client's own
// CPU competes with the server's.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";

import { cli, ROOT } from "../../tests/node/helpers.mjs";
import { get, memoryOf, percentile, startServer } from "../../tests/node/server.mjs";

const OUT_DIR = path.join(ROOT, "target", "bench-js");
const CONCURRENCY = 32;
const sizes = process.argv.slice(2).map(Number).filter(Boolean);

/** Runs `count` requests made by `requestOf(i)`, `CONCURRENCY` at a time on keep-alive connections. */
async function run(count, requestOf) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const results = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const { url, headers } = requestOf(next++);
        results.push(await get(url, { headers, agent, timeout: 300_000 }));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const failed = results.filter((r) => r.status !== 200);
  if (failed.length) throw new Error(`${failed.length} of ${count} requests failed: ${JSON.stringify(failed[0])}`);
  const ms = results.map((r) => r.ms);
  return {
    perSecond: count / seconds,
    p50: percentile(ms, 0.5),
    p99: percentile(ms, 0.99),
    bytes: results.reduce((sum, r) => sum + r.bytes, 0) / count,
  };
}

async function measure(size) {
  const dir = path.join(OUT_DIR, String(size));
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, "sample.json");
  cli(["sample", "--members", String(size), "--seed", "1", "-o", json]);
  const members = JSON.parse(readFileSync(json, "utf8")).userlist.filter((m) => m.status === 1);
  const step = Math.max(1, Math.floor(members.length / 300));
  const viewers = Array.from({ length: Math.min(300, members.length) }, (_, i) => members[i * step]);
  const server = await startServer({ directory: json });
  try {
    const snapshotOf = (i) => ({
      url: `${server.url}api/snapshot`,
      headers: { Authorization: `Bearer ${server.token(viewers[i % viewers.length].userid)}`, "Accept-Encoding": "gzip, br" },
    });
    const cold = await run(viewers.length, snapshotOf);
    const probes = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        probes.push(await get(`${server.url}config.js`, { timeout: 5000 }));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const warm = await run(3000, snapshotOf);
    const wasm = await run(3000, () => ({ url: `${server.url}pkg/tongxunlu_bg.wasm`, headers: { "Accept-Encoding": "br" } }));
    const page = await run(3000, () => ({ url: `${server.url}index.html`, headers: { "Accept-Encoding": "gzip" } }));
    probing = false;
    await prober;
    const probeMs = probes.filter((p) => p.status === 200).map((p) => p.ms);
    return {
      size,
      viewers: viewers.length,
      cold,
      warm,
      wasm,
      page,
      probe: { count: probes.length, failed: probes.length - probeMs.length, p50: percentile(probeMs, 0.5), p99: percentile(probeMs, 0.99) },
      memory: memoryOf(server.pid),
    };
  } finally {
    await server.close();
  }
}

const results = [];
for (const size of sizes.length ? sizes : [5000, 50000, 200000]) {
  console.error(`==> ${size} members`);
  results.push(await measure(size));
}
const f = (n, digits = 0) => n.toFixed(digits);
console.log("| members | cold: snapshots/s (p99) | warm: snapshots/s (p99) | snapshot, brotli | wasm (brotli)/s | index.html (gzip)/s | probe p50 / p99 under load | memory (peak) |");
console.log("|---|---|---|---|---|---|---|---|");
for (const r of results) {
  console.log(
    `| ${r.size.toLocaleString("en")} | ${f(r.cold.perSecond)} (${f(r.cold.p99)} ms) | ${f(r.warm.perSecond)} (${f(r.warm.p99, 1)} ms) | ` +
      `${f(r.warm.bytes / 1024)} KiB | ${f(r.wasm.perSecond)} | ${f(r.page.perSecond)} | ` +
      `${f(r.probe.p50, 1)} / ${f(r.probe.p99, 1)} ms${r.probe.failed ? ` (${r.probe.failed} failed)` : ""} | ` +
      `${f(r.memory.rss)} MiB (${f(r.memory.peak)} MiB) |`,
  );
}
mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(path.join(OUT_DIR, "serve.json"), JSON.stringify(results, null, 2));
