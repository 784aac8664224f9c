// buildSnapshot (the Node build's snapshot builder) makes the same bytes as the CLI, and refuses
// bad input with an Error that says why.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";

import { cli, cliResult, loadNodePkg, memberId, sampleFiles, tempDir, thrown } from "./helpers.mjs";

const { Directory, buildSnapshot } = loadNodePkg();
const sample = sampleFiles();
const sampleJson = readFileSync(sample.json, "utf8");
const directory = JSON.parse(sampleJson);

function sameBytes(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const at = actual.findIndex((b, i) => b !== expected[i]);
  assert.equal(at, -1, `${what}: first differing byte at offset ${at}`);
}

test("buildSnapshot returns a Uint8Array that Directory.open accepts", () => {
  const bytes = buildSnapshot(sampleJson, sample.viewer);
  assert.ok(bytes instanceof Uint8Array, "a Uint8Array");
  const dir = Directory.open(bytes);
  try {
    const stats = dir.stats();
    assert.equal(stats.bytes, bytes.length);
    assert.ok(stats.members > 0);
    assert.ok(dir.member(sample.viewer), "the viewer is in their own snapshot");
  } finally {
    dir.free();
  }
});

/** The sections of a snapshot by tag (see src/snapshot/mod.rs for the layout). */
function sections(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint16(10, true);
  const out = new Map();
  for (let i = 0; i < count; i++) {
    const at = 44 + 12 * i;
    const tag = String.fromCharCode(...bytes.subarray(at, at + 4));
    const offset = view.getUint32(at + 4, true);
    out.set(tag, bytes.subarray(offset, offset + view.getUint32(at + 8, true)));
  }
  return out;
}

// The Node build writes the same snapshot as the CLI, byte for byte: nothing in the file depends
// on the platform (the index, whose fst bytes did, is derived on the device since format 7).
test("buildSnapshot matches the CLI's snapshot byte for byte", () => {
  const check = (nodeBytes, cliBytes, what) => {
    assert.deepEqual([...sections(nodeBytes).keys()], [...sections(cliBytes).keys()], `${what}: section tags`);
    sameBytes(nodeBytes, cliBytes, what);
  };
  check(buildSnapshot(sampleJson, sample.viewer), new Uint8Array(readFileSync(sample.txl)), `${sample.viewer} (make sample's snapshot)`);

  const { dir: tmp, cleanup } = tempDir();
  try {
    for (const viewer of ["staff001", "dev001", "supplier001"]) {
      const file = path.join(tmp, `${viewer}.txl`);
      cli(["snapshot", sample.json, "--viewer", viewer, "-o", file]);
      check(buildSnapshot(sampleJson, viewer), new Uint8Array(readFileSync(file)), viewer);
    }
  } finally {
    cleanup();
  }
});

test("buildSnapshot is deterministic", () => {
  sameBytes(buildSnapshot(sampleJson, "staff001"), buildSnapshot(sampleJson, "staff001"), "two builds");
});

// ---- bad input ----------------------------------------------------------------------------------

/** The sample directory with one member's status changed (1 active, 2 disabled, 5 resigned). */
function withStatus(status) {
  const copy = structuredClone(directory);
  // Prefer a member the sample already gives that status; otherwise set it on an ordinary member.
  let m = copy.userlist.find((u) => Number(u.status) === status);
  if (!m) {
    m = copy.userlist.find((u) => !/^(exec|staff|dev|supplier)\d+$/.test(memberId(u)));
    m.status = status;
  }
  return { json: JSON.stringify(copy), userid: memberId(m) };
}

test("an unknown viewer is an Error that names the viewer", () => {
  const err = thrown(() => buildSnapshot(sampleJson, "nobody_like_this_7"), "unknown viewer");
  assert.match(err.message, /nobody_like_this_7/);
  assert.match(err.message, /unknown|not found|no such|not a member|not in (the|this) directory|does not exist/i);
});

test("a resigned viewer is refused", () => {
  const { json, userid } = withStatus(5);
  const err = thrown(() => buildSnapshot(json, userid), `resigned viewer ${userid}`);
  assert.match(err.message, /resigned/i);
  assert.match(err.message, new RegExp(userid.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
});

test("a disabled viewer is refused", () => {
  const { json, userid } = withStatus(2);
  const err = thrown(() => buildSnapshot(json, userid), `disabled viewer ${userid}`);
  assert.match(err.message, /disabled/i);
});

test("invalid JSON is an Error that says where", () => {
  for (const [bad, what] of [
    ["", "empty input"],
    ["{", "unterminated object"],
    ["not json at all", "plain text"],
    [sampleJson.slice(0, Math.floor(sampleJson.length / 2)), "half the sample"],
  ]) {
    const err = thrown(() => buildSnapshot(bad, sample.viewer), what);
    assert.match(err.message, /json|parse|syntax|EOF|expected|line \d+|column \d+/i, `${what}: ${err.message}`);
  }
});

test("a structurally invalid directory is an Error that names the problem", () => {
  // A member in a department that does not exist: a dangling reference.
  const dangling = structuredClone(directory);
  const victim = dangling.userlist.find((u) => memberId(u) === "staff001");
  victim.department = [987654321];
  const err = thrown(() => buildSnapshot(JSON.stringify(dangling), sample.viewer), "dangling department");
  assert.match(err.message, /987654321/, err.message);

  // Wrong type for a field.
  const wrongType = structuredClone(directory);
  wrongType.userlist[0].name = 42;
  const err2 = thrown(() => buildSnapshot(JSON.stringify(wrongType), sample.viewer), "name is a number");
  assert.match(err2.message, /name/, err2.message);

  // Not a directory at all.
  thrown(() => buildSnapshot("[]", sample.viewer), "a JSON array");
  thrown(() => buildSnapshot("{}", sample.viewer), "an empty object");
});

test("non-string arguments are an Error, not a crash", () => {
  thrown(() => buildSnapshot(undefined, sample.viewer), "undefined directory");
  thrown(() => buildSnapshot(sampleJson, undefined), "undefined viewer");
  // Still works afterwards.
  assert.ok(buildSnapshot(sampleJson, sample.viewer).length > 0);
});

test("the CLI refuses the same bad viewers with a one-line error", () => {
  const { dir: tmp, cleanup } = tempDir();
  try {
    const out = path.join(tmp, "x.txl");
    const r = cliResult(["snapshot", sample.json, "--viewer", "nobody_like_this_7", "-o", out]);
    assert.notEqual(r.status, 0, "exits non-zero");
    assert.match(r.stderr, /nobody_like_this_7/);
    assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
  } finally {
    cleanup();
  }
});
