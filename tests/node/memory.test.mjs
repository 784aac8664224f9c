// Opening and freeing snapshots does not leak wasm memory.
//
// wasm-bindgen's Node glue does not export the instance's memory, so before loading the package this
// file wraps WebAssembly.Instance to keep a reference to the one it creates. (Each test file runs in
// its own process under `node --test`, so no other test sees the wrapper.)

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const instances = [];
const RealInstance = WebAssembly.Instance;
WebAssembly.Instance = new Proxy(RealInstance, {
  construct(target, args, newTarget) {
    const instance = Reflect.construct(target, args, newTarget);
    instances.push(instance);
    return instance;
  },
});

const { loadNodePkg, sampleFiles, thrown } = await import("./helpers.mjs");
const { Directory, buildSnapshot } = loadNodePkg();
WebAssembly.Instance = RealInstance;

const sample = sampleFiles();
const good = new Uint8Array(readFileSync(sample.txl));
const MiB = 1024 * 1024;

function wasmMemoryBytes() {
  assert.equal(instances.length, 1, "the package created one wasm instance");
  const exports = instances[0].exports;
  const memory = Object.values(exports).find((v) => v instanceof WebAssembly.Memory);
  assert.ok(memory, "the instance exports its memory");
  return memory.buffer.byteLength;
}

test("opening and freeing a snapshot 1,000 times does not grow wasm memory", (t) => {
  const cycle = () => {
    const dir = Directory.open(good);
    dir.stats();
    dir.member("staff001");
    dir.member("no-such-user");
    dir.search("zhangs");
    dir.mentions("@li");
    thrown(() => dir.search("wang", { limit: -1 }), "bad options");
    dir.free();
  };
  for (let i = 0; i < 50; i++) cycle(); // warm up: let the allocator reach its working size
  const before = wasmMemoryBytes();
  for (let i = 0; i < 1000; i++) cycle();
  const after = wasmMemoryBytes();
  const grown = after - before;
  t.diagnostic(`wasm memory ${(before / MiB).toFixed(1)} MiB → ${(after / MiB).toFixed(1)} MiB over 1,000 cycles`);
  // A leak of one snapshot copy per open would be ~1,000 × the snapshot's size, and a leak of a
  // single kilobyte per cycle a megabyte: allow less than either, for the allocator's bookkeeping.
  const allowed = Math.min(good.length, 512 * 1024);
  assert.ok(
    grown <= allowed,
    `wasm memory grew by ${(grown / MiB).toFixed(1)} MiB over 1,000 open/free cycles ` +
      `(from ${(before / MiB).toFixed(1)} to ${(after / MiB).toFixed(1)} MiB; snapshot is ${(good.length / MiB).toFixed(2)} MiB)`,
  );
});

test("failed opens do not leak either", () => {
  const corrupt = new Uint8Array(good);
  corrupt[Math.floor(corrupt.length / 2)] ^= 0xff;
  for (let i = 0; i < 20; i++) thrown(() => Directory.open(corrupt), "corrupt");
  const before = wasmMemoryBytes();
  for (let i = 0; i < 1000; i++) thrown(() => Directory.open(corrupt), "corrupt");
  const grown = wasmMemoryBytes() - before;
  assert.ok(grown <= Math.max(4 * MiB, 2 * good.length), `grew by ${(grown / MiB).toFixed(1)} MiB`);
});

test("a freed Directory throws instead of reading freed memory", () => {
  const dir = Directory.open(good);
  dir.free();
  thrown(() => dir.stats(), "stats() after free()");
});

test("repeated buildSnapshot calls do not grow wasm memory", () => {
  const json = readFileSync(sample.json, "utf8");
  for (let i = 0; i < 3; i++) buildSnapshot(json, "staff001");
  const before = wasmMemoryBytes();
  for (let i = 0; i < 15; i++) buildSnapshot(json, "staff001");
  const grown = wasmMemoryBytes() - before;
  assert.ok(grown <= 8 * MiB, `wasm memory grew by ${(grown / MiB).toFixed(1)} MiB over 15 builds`);
});
