// Directory.open refuses wrong, truncated and corrupted bytes with an Error that says why (docs/snapshot.md):
// never a panic (a wasm trap), never a hang, and the engine keeps working afterwards.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";

import { xxhash3 } from "hash-wasm";

import { cli, flipByte, loadNodePkg, prng, randomBytes, sampleFiles, tempDir, thrown } from "./helpers.mjs";

const { Directory, buildSnapshot } = loadNodePkg();
const sample = sampleFiles();
const good = new Uint8Array(readFileSync(sample.txl));

function opensFine(bytes = good) {
  const dir = Directory.open(bytes);
  try {
    return dir.stats();
  } finally {
    dir.free();
  }
}

test("empty bytes", () => {
  const err = thrown(() => Directory.open(new Uint8Array(0)), "empty bytes");
  // Either "empty"/"truncated at byte 0" or "not a tongxunlu snapshot" is a fair answer.
  assert.match(err.message, /empty|truncated|too short|0 bytes|not a tongxunlu snapshot/i, err.message);
});

test("random bytes are not a snapshot", () => {
  for (const [n, seed] of [[1, 1], [16, 2], [4096, 3], [100_000, 4]]) {
    const err = thrown(() => Directory.open(randomBytes(n, seed)), `${n} random bytes`);
    assert.match(err.message, /magic|not a tongxunlu snapshot|truncated|too short/i, `${n} random bytes: ${err.message}`);
  }
  const err = thrown(() => Directory.open(randomBytes(4096, 5)), "4096 random bytes");
  assert.match(err.message, /magic|not a tongxunlu snapshot/i, err.message);
});

test("other files are not a snapshot", () => {
  for (const [bytes, what] of [
    [new TextEncoder().encode(readFileSync(sample.json, "utf8").slice(0, 10_000)), "the directory JSON"],
    [new TextEncoder().encode("<!doctype html><title>404</title>"), "an HTML error page"],
    [new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4]), "a gzip header"],
  ]) {
    const err = thrown(() => Directory.open(bytes), what);
    assert.match(err.message, /magic|not a tongxunlu snapshot/i, `${what}: ${err.message}`);
  }
});

test("a truncated snapshot says it is truncated, and where", () => {
  for (const len of [good.length - 1, Math.floor(good.length / 2), 200]) {
    const err = thrown(() => Directory.open(good.subarray(0, len)), `truncated to ${len} bytes`);
    assert.match(err.message, /truncated/i, `truncated to ${len}: ${err.message}`);
    assert.match(err.message, new RegExp(`\\b${len}\\b`), `names the length ${len}: ${err.message}`);
    assert.match(err.message, new RegExp(`\\b${good.length}\\b`), `names the expected length: ${err.message}`);
  }
  // Cut inside the header: any clear refusal will do.
  for (const len of [1, 4, 8, 16, 32]) {
    const err = thrown(() => Directory.open(good.subarray(0, len)), `truncated to ${len} bytes`);
    assert.match(err.message, /truncated|too short|magic|not a tongxunlu/i, `truncated to ${len}: ${err.message}`);
  }
});

test("trailing garbage is refused", () => {
  const longer = new Uint8Array(good.length + 7);
  longer.set(good);
  thrown(() => Directory.open(longer), "7 extra bytes");
});

test("one flipped byte anywhere after the header is a checksum mismatch", () => {
  const positions = [
    Math.floor(good.length / 4),
    Math.floor(good.length / 2),
    Math.floor((good.length * 3) / 4),
    good.length - 1,
  ];
  for (const at of positions) {
    for (const mask of [0x01, 0x80]) {
      const err = thrown(() => Directory.open(flipByte(good, at, mask)), `byte ${at} ^ ${mask}`);
      assert.match(err.message, /checksum|corrupt/i, `byte ${at} ^ ${mask}: ${err.message}`);
    }
  }
});

test("a flipped magic byte is bad magic", () => {
  const err = thrown(() => Directory.open(flipByte(good, 0, 0xff)), "byte 0 flipped");
  assert.match(err.message, /magic|not a tongxunlu snapshot/i, err.message);
});

test("every single-byte flip in the first 256 bytes is refused without a trap", () => {
  const n = Math.min(256, good.length);
  for (let at = 0; at < n; at++) {
    thrown(() => Directory.open(flipByte(good, at, 0x10)), `byte ${at} ^ 0x10`);
  }
  assert.ok(opensFine().members > 0, "the engine still works");
});

test("random mutations never trap and never hang", () => {
  const rnd = prng(20240601);
  const started = Date.now();
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    const bytes = new Uint8Array(good);
    const edits = 1 + Math.floor(rnd() * 8);
    for (let e = 0; e < edits; e++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
    const cut = rnd() < 0.3 ? Math.floor(rnd() * bytes.length) : bytes.length;
    let dir;
    try {
      dir = Directory.open(bytes.subarray(0, cut));
    } catch (err) {
      assert.ok(err instanceof Error && !(err instanceof WebAssembly.RuntimeError), `mutation ${i}: ${err}`);
      refused++;
      continue;
    }
    // Random edits can (rarely) leave the bytes unchanged; then it must still work.
    dir.stats();
    dir.free();
  }
  assert.ok(refused > 250, `refused ${refused} of 300 mutations`);
  assert.ok(Date.now() - started < 60_000, "300 opens took under a minute");
  assert.ok(opensFine().members > 0, "the engine still works");
});

/**
 * Sets the header's length and checksum (docs/snapshot.md#header: the length at bytes 12–15, the
 * low 32 bits of XXH3-64 of everything from byte 20 at 16–19) to what `bytes` now hold, so that a
 * mutation gets past them into the sections: what a corrupt file behind a recomputed checksum, or
 * a hostile one, looks like.
 */
async function fixLengthAndChecksum(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(12, bytes.length, true);
  const digest = BigInt(`0x${await xxhash3(bytes.subarray(20))}`);
  view.setUint32(16, Number(digest & 0xffffffffn), true);
}

test("mutations behind a recomputed checksum open or are refused, and what opens never traps when searched", async () => {
  const { dir: scratch, cleanup } = tempDir();
  try {
    const json = path.join(scratch, "dir.json");
    cli(["sample", "--members", "300", "--seed", "5", "-o", json]);
    const base = buildSnapshot(readFileSync(json, "utf8"), "exec001");
    const unchanged = new Uint8Array(base);
    await fixLengthAndChecksum(unchanged);
    assert.deepEqual(unchanged, base, "the checksum is computed as the writer computes it");

    const rnd = prng(20261207);
    const started = Date.now();
    let opened = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(base);
      const edits = 1 + Math.floor(rnd() * 6);
      for (let e = 0; e < edits; e++) {
        // Past the header, where the sections are.
        bytes[20 + Math.floor(rnd() * (bytes.length - 20))] = Math.floor(rnd() * 256);
      }
      await fixLengthAndChecksum(bytes);
      const attempt = (what, run) => {
        try {
          return run();
        } catch (err) {
          assert.ok(err instanceof Error && !(err instanceof WebAssembly.RuntimeError), `mutation ${i}, ${what}: ${err}`);
          return undefined;
        }
      };
      const dir = attempt("open", () => Directory.open(bytes));
      if (!dir) continue;
      opened++;
      attempt("stats", () => dir.stats());
      for (const query of ["zhang", "zw", "张", "王芳", "138", "0571", "xiaoshou", "a", "销售部"]) {
        attempt(`search ${query}`, () => dir.search(query, { limit: 20 }));
      }
      const letters = attempt("initials", () => dir.initials()) ?? [];
      for (const { letter } of letters.slice(0, 5)) attempt(`byInitial ${letter}`, () => dir.byInitial(letter, { limit: 20 }));
      attempt("member", () => dir.member("exec001"));
      dir.free();
    }
    console.log(`${opened} of 2,000 mutations behind a recomputed checksum opened; none trapped`);
    // Most single-byte changes to records are caught when opening; some land in text or numbers
    // that any value would do for, and those open.
    assert.ok(opened > 0 && opened < 2000, `${opened} of 2,000 mutations opened`);
    assert.ok(Date.now() - started < 120_000, "2,000 mutations took under two minutes");
    assert.ok(opensFine().members > 0, "the engine still works");
  } finally {
    cleanup();
  }
});

test("non-byte arguments are an Error, not a crash", () => {
  for (const [arg, what] of [
    [undefined, "undefined"],
    [null, "null"],
    [42, "a number"],
    [{}, "an object"],
  ]) {
    thrown(() => Directory.open(arg), what);
  }
  assert.ok(opensFine().members > 0, "the engine still works");
});

test("the good snapshot still opens after all that", () => {
  const stats = opensFine();
  assert.equal(stats.bytes, good.length);
});
