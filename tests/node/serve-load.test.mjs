// `tongxunlu serve` under load and attack, on loopback (docs/cli.md#limits): slow readers,
// clients that pipeline requests and never read, slow request heads and bodies, a flood of
// connections past the cap, a process out of file descriptors, and a thousand viewers of a
// 50,000-member directory. Throughout, a probe asks for a page file on a fresh connection ten
// times a second; every probe must be answered within a second, the server's memory must stay
// within a stated bound, and afterwards it must still accept connections and answer.
//
// Bounded: each attack runs a few seconds with a few dozen sockets; the whole file takes about a
// minute. The figures it prints (snapshots per second, probe p99, memory) are the load figures of
// benches/README.md; what is asserted is only what must hold on any machine.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

import { cli } from "./helpers.mjs";
import { get, memoryOf, percentile, startServer } from "./server.mjs";

const MEMBERS = 50_000;
const IDLE_SECONDS = 2;
const MAX_CONNECTIONS = 120;
const CACHE_MIB = 64;
/** The most the server may hold: the directory and its index, the cache budget, the page files,
 * and room for the replies in flight. */
const MEMORY_BOUND_MIB = 900;
const PROBE_LIMIT_MS = 1000;

let scratch;
let directoryFile;
let members;
let server;

before(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), "txl-load-"));
  directoryFile = path.join(scratch, "dir.json");
  cli(["sample", "--members", String(MEMBERS), "--seed", "11", "-o", directoryFile]);
  members = JSON.parse(readFileSync(directoryFile, "utf8")).userlist.filter((m) => m.status === 1);
  server = await startServer({
    directory: directoryFile,
    args: ["--max-connections", String(MAX_CONNECTIONS), "--idle-timeout", String(IDLE_SECONDS), "--cache-mib", String(CACHE_MIB)],
  });
});

after(async () => {
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Probes the server ten times a second until `stop()`; resolves to the probes. */
function startProbing(target = server) {
  const results = [];
  let running = true;
  const done = (async () => {
    while (running) {
      results.push(await get(`${target.url}config.js`, { timeout: 5000 }));
      await sleep(100);
    }
    return results;
  })();
  return {
    stop: async () => {
      running = false;
      return done;
    },
  };
}

/** Asserts that every probe was answered in time, with `allowed` statuses; returns the p99 in ms. */
function assertAnswered(probes, what, allowed = [200]) {
  assert.ok(probes.length >= 5, `${what}: only ${probes.length} probes`);
  for (const probe of probes) {
    assert.ok(allowed.includes(probe.status), `${what}: a probe got ${probe.status} ${probe.error ?? ""}`);
    assert.ok(probe.ms < PROBE_LIMIT_MS, `${what}: a probe took ${probe.ms.toFixed(0)} ms`);
  }
  return percentile(probes.map((p) => p.ms), 0.99);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw connection to the server, with what it received and when it was closed. */
function connect(target = server) {
  const { port } = new URL(target.url);
  const socket = net.connect(Number(port), "127.0.0.1");
  const state = { socket, received: 0, closedAt: null, openedAt: performance.now() };
  socket.on("data", (chunk) => (state.received += chunk.length));
  socket.on("error", () => {});
  socket.on("close", () => (state.closedAt = performance.now()));
  return state;
}

function request(pathname, headers = {}) {
  const lines = [`GET ${pathname} HTTP/1.1`, "Host: 127.0.0.1", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join("\r\n")}\r\n\r\n`;
}

const tokenOf = (member) => server.token(member.userid);

test("slow readers take their time without holding anyone else up", async () => {
  const token = tokenOf(members.find((m) => m.userid === "exec001"));
  const headers = { Authorization: `Bearer ${token}`, "Accept-Encoding": "gzip" };
  const one = await get(`${server.url}api/snapshot`, { headers });
  assert.equal(one.status, 200);
  const probing = startProbing();
  // Twenty snapshots each, more than the kernel's buffers hold, read at about 320 KB a second: a
  // phone on a poor connection.
  const readers = Array.from({ length: 10 }, () => {
    const reader = connect();
    reader.socket.pause();
    reader.socket.write(request("/api/snapshot", headers).repeat(20));
    reader.timer = setInterval(() => {
      for (let i = 0; i < 2 && reader.socket.read(16_384) !== null; i++);
    }, 100);
    return reader;
  });
  await sleep(4000);
  const p99 = assertAnswered(await probing.stop(), "slow readers");
  // Read the rest at full speed: all twenty arrive, so none was cut off while it was slow.
  for (const reader of readers) {
    clearInterval(reader.timer);
    reader.socket.resume();
  }
  await sleep(3000);
  for (const reader of readers) {
    assert.ok(reader.received >= 20 * one.bytes, `a slow reader got ${reader.received} of ${20 * one.bytes} bytes`);
    reader.socket.destroy();
  }
  console.log(`slow readers: probe p99 ${p99.toFixed(1)} ms`);
});

test("clients that pipeline requests and never read are closed after the idle time", async () => {
  const probing = startProbing();
  const stalled = Array.from({ length: 20 }, () => {
    const client = connect();
    client.socket.pause();
    client.socket.write(request("/pkg/tongxunlu_bg.wasm", { "Accept-Encoding": "identity" }).repeat(20));
    return client;
  });
  await sleep((IDLE_SECONDS + 2) * 1000);
  const p99 = assertAnswered(await probing.stop(), "pipelining non-readers");
  // A paused socket sees its end only once it reads what came before it. Had the server not
  // closed them, it would now answer the rest and wait the idle time again before closing.
  for (const client of stalled) client.socket.resume();
  await sleep(1000);
  for (const client of stalled) {
    assert.notEqual(client.closedAt, null, "a client that never reads is closed");
    client.socket.destroy();
  }
  console.log(`pipelining non-readers: probe p99 ${p99.toFixed(1)} ms`);
});

test("slow request heads are cut off and answer nothing", async () => {
  const probing = startProbing();
  const slow = Array.from({ length: 20 }, () => {
    const client = connect();
    client.socket.write("GET /config.js HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    client.timer = setInterval(() => client.socket.write("a"), 300);
    return client;
  });
  await sleep((IDLE_SECONDS + 2) * 1000);
  for (const client of slow) clearInterval(client.timer);
  const p99 = assertAnswered(await probing.stop(), "slow heads");
  for (const client of slow) {
    assert.notEqual(client.closedAt, null, "a head that takes longer than its time is cut off");
    client.socket.destroy();
  }
  console.log(`slow heads: probe p99 ${p99.toFixed(1)} ms`);
});

test("slow request bodies get 408 in time", async () => {
  const demo = await startServer({ args: ["--demo", "--idle-timeout", String(IDLE_SECONDS)] });
  try {
    const probing = startProbing(demo);
    const slow = Array.from({ length: 10 }, () => {
      const client = connect(demo);
      client.text = "";
      client.socket.on("data", (chunk) => (client.text += chunk));
      client.socket.write("POST /api/demo/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{");
      client.timer = setInterval(() => client.socket.write(" "), 300);
      return client;
    });
    await sleep((IDLE_SECONDS + 2) * 1000);
    for (const client of slow) clearInterval(client.timer);
    assertAnswered(await probing.stop(), "slow bodies");
    for (const client of slow) {
      assert.match(client.text, /^HTTP\/1\.1 408 /, "a body that takes longer than its time is 408");
      client.socket.destroy();
    }
  } finally {
    await demo.close();
  }
});

test("oversized requests are refused with 413, 414 and 431", async () => {
  const answer = (raw) =>
    new Promise((resolve) => {
      const client = connect();
      let text = "";
      client.socket.on("data", (chunk) => (text += chunk));
      client.socket.on("close", () => resolve(text));
      client.socket.write(raw, () => client.socket.end());
    });
  assert.match(await answer(request(`/${"a".repeat(9000)}`)), /^HTTP\/1\.1 414 /);
  assert.match(await answer(request("/", { "X-Big": "b".repeat(20_000) })), /^HTTP\/1\.1 431 /);
  const demo = await startServer({ args: ["--demo"] });
  try {
    const response = await fetch(`${demo.url}api/demo/token`, { method: "POST", body: "x".repeat(100_000) });
    assert.equal(response.status, 413);
  } finally {
    await demo.close();
  }
});

test("a flood of connections past the cap is shed with 503, and service resumes", async () => {
  const flood = Array.from({ length: MAX_CONNECTIONS + 80 }, () => connect());
  await sleep(500);
  const during = await get(`${server.url}config.js`, { timeout: 5000 });
  assert.ok([200, 503].includes(during.status) || during.status === "error", `during the flood: ${during.status}`);
  assert.ok(during.ms < PROBE_LIMIT_MS, `during the flood a request took ${during.ms.toFixed(0)} ms`);
  // The flood's connections are idle: closed after the idle time, which frees their places.
  await sleep((IDLE_SECONDS + 1) * 1000);
  const closed = flood.filter((c) => c.closedAt !== null).length;
  assert.ok(closed >= MAX_CONNECTIONS, `${closed} of the flood's connections closed`);
  for (const c of flood) c.socket.destroy();
  const afterwards = await get(`${server.url}config.js`);
  assert.equal(afterwards.status, 200);
});

test("a server out of file descriptors keeps listening and answers once they free up", async () => {
  const limited = await startServer({ args: ["--max-connections", "1000", "--idle-timeout", "30"], maxOpenFiles: 64 });
  try {
    const flood = Array.from({ length: 120 }, () => connect(limited));
    await sleep(1000);
    assert.match(limited.log(), /cannot accept a connection: .*still listening/);
    for (const c of flood) c.socket.destroy();
    await sleep(500);
    const afterwards = await get(`${limited.url}config.js`);
    assert.equal(afterwards.status, 200);
  } finally {
    await limited.close();
  }
});

test("a thousand viewers of a 50,000-member directory, within a bounded memory", async () => {
  const probing = startProbing();
  const step = Math.floor(members.length / 1000);
  const viewers = Array.from({ length: 1000 }, (_, i) => members[i * step]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const fetchAll = async () => {
    const started = performance.now();
    const results = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < viewers.length) {
          const viewer = viewers[next++];
          const headers = { Authorization: `Bearer ${tokenOf(viewer)}`, "Accept-Encoding": "gzip" };
          results.push(await get(`${server.url}api/snapshot`, { headers, agent, timeout: 120_000 }));
        }
      }),
    );
    return { results, seconds: (performance.now() - started) / 1000 };
  };
  const cold = await fetchAll();
  const warm = await fetchAll();
  agent.destroy();
  const p99 = assertAnswered(await probing.stop(), "a thousand viewers");
  for (const { results } of [cold, warm]) {
    const failed = results.filter((r) => r.status !== 200);
    assert.equal(failed.length, 0, `${failed.length} viewers got no snapshot: ${JSON.stringify(failed[0])}`);
  }
  const memory = memoryOf(server.pid);
  assert.ok(memory.peak < MEMORY_BOUND_MIB, `peak memory ${memory.peak.toFixed(0)} MiB`);
  const afterwards = await get(`${server.url}config.js`);
  assert.equal(afterwards.status, 200);
  const bytes = cold.results.reduce((sum, r) => sum + r.bytes, 0);
  console.log(
    `1,000 viewers of ${MEMBERS}: cold ${(1000 / cold.seconds).toFixed(0)} snapshots/s, ` +
      `warm ${(1000 / warm.seconds).toFixed(0)} snapshots/s, ${(bytes / 1000 / 1024).toFixed(0)} KiB each (gzip), ` +
      `probe p99 ${p99.toFixed(1)} ms, memory ${memory.rss.toFixed(0)} MiB (peak ${memory.peak.toFixed(0)} MiB, cache ${CACHE_MIB} MiB)`,
  );
});
