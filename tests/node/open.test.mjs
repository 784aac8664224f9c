// Directory.open on snapshots made by the CLI agrees with `tongxunlu inspect --json` on the same
// file: the counts, the header fields and every member lookup.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";

import { COMPARABLE_MEMBER_FIELDS, cli, inspect, inspectClassKey, inspectCorpName, inspectCounts, inspectEtag, inspectFormatVersion, inspectList, inspectStats, loadNodePkg, memberDepartmentIds, memberId, sampleFiles, tempDir, withDirectory } from "./helpers.mjs";

const { Directory } = loadNodePkg();
const sample = sampleFiles();

function withoutUndefined(value) {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, withoutUndefined(v)]),
    );
  }
  return value;
}

function checkAgainstInspect(file) {
  const bytes = new Uint8Array(readFileSync(file));
  const ins = inspect(file);
  withDirectory(Directory, bytes, (dir) => {
    const stats = dir.stats();
    const counts = inspectCounts(ins);

    assert.equal(stats.members, counts.members, "members");
    assert.equal(stats.departments, counts.departments, "departments");
    assert.equal(stats.groups, counts.groups, "groups");
    assert.equal(stats.labels, counts.labels, "labels (departments shown only as path steps)");
    // Whatever counts inspect's `stats` object gives must agree with the engine's.
    for (const [name, value] of Object.entries(inspectStats(ins))) {
      const camel = name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
      if (typeof stats[camel] === "number") assert.equal(stats[camel], value, `stats.${camel}`);
    }

    assert.equal(stats.bytes, bytes.length, "stats.bytes is the snapshot's length");
    assert.equal(typeof stats.formatVersion, "number");
    assert.ok(stats.formatVersion >= 1, "format version");
    assert.match(stats.classKey, /^[0-9a-f]+$/, "classKey is lowercase hex");
    assert.match(stats.directoryEtag, /^[0-9a-f]+$/, "directoryEtag is lowercase hex");

    const corp = inspectCorpName(ins);
    if (corp !== undefined) assert.equal(stats.corpName, corp, "corpName");
    const key = inspectClassKey(ins);
    if (key !== undefined) assert.equal(stats.classKey, key, "classKey");
    const etag = inspectEtag(ins);
    if (etag !== undefined) assert.equal(stats.directoryEtag, etag, "directoryEtag");
    const version = inspectFormatVersion(ins);
    if (version !== undefined) assert.equal(stats.formatVersion, version, "formatVersion");

    const departmentNames = new Map(
      inspectList(ins, "departments").map((d) => [Number(d.id), d.name]),
    );
    for (const expected of inspectList(ins, "members")) {
      const userid = memberId(expected);
      const got = dir.member(userid);
      assert.ok(got, `member(${JSON.stringify(userid)}) is missing`);
      assert.equal(got.userid, userid);
      for (const field of COMPARABLE_MEMBER_FIELDS) {
        if (field in expected && field in got && typeof expected[field] !== "object") {
          assert.equal(got[field], expected[field], `${userid}.${field}`);
        }
      }
      // Absent optional fields are absent, not empty strings.
      for (const field of ["alias", "mobile", "email", "position"]) {
        if (field in got) assert.notEqual(got[field], "", `${userid}.${field} is empty rather than absent`);
      }
      assert.ok(Array.isArray(got.departments), `${userid}.departments is an array`);
      for (const d of got.departments) {
        assert.equal(typeof d.id, "number");
        if (departmentNames.has(d.id)) {
          assert.equal(d.name, departmentNames.get(d.id), `${userid} department ${d.id} name`);
        }
      }
      const want = memberDepartmentIds(expected);
      if (want) assert.deepEqual(memberDepartmentIds(got), want, `${userid}.departments`);
      // inspect and the engine describe a member the same way: the whole record must agree.
      assert.deepEqual(withoutUndefined(got), expected, `${userid}: member() and inspect --json differ`);
    }
  });
  return ins;
}

test("the sample snapshot opens and matches inspect --json", () => {
  const ins = checkAgainstInspect(sample.txl);
  assert.ok(inspectList(ins, "members").length > 0, "the sample has members");
  withDirectory(Directory, new Uint8Array(readFileSync(sample.txl)), (dir) => {
    for (const persona of ["exec001", "staff001", "dev001", "supplier001"]) {
      assert.ok(dir.member(persona), `the executive sees persona ${persona}`);
    }
    assert.equal(dir.member("no-such-user-42"), undefined);
    assert.equal(dir.member(""), undefined);
  });
});

test("restricted viewers' snapshots match inspect --json and hide what inspect hides", () => {
  const { dir: tmp, cleanup } = tempDir();
  try {
    const everyone = inspectList(inspect(sample.txl), "members").map(memberId);
    for (const viewer of ["staff001", "supplier001"]) {
      const file = path.join(tmp, `${viewer}.txl`);
      cli(["snapshot", sample.json, "--viewer", viewer, "-o", file]);
      const ins = checkAgainstInspect(file);
      const visible = new Set(inspectList(ins, "members").map(memberId));
      assert.ok(visible.has(viewer), `${viewer} sees themself`);
      const hidden = everyone.filter((u) => !visible.has(u));
      withDirectory(Directory, new Uint8Array(readFileSync(file)), (dir) => {
        for (const userid of hidden) {
          assert.equal(dir.member(userid), undefined, `${viewer} must not see ${userid}`);
        }
      });
    }
  } finally {
    cleanup();
  }
});

test("member objects are plain data", () => {
  withDirectory(Directory, new Uint8Array(readFileSync(sample.txl)), (dir) => {
    const m = dir.member("staff001");
    assert.ok(m);
    assert.equal(typeof m.name, "string");
    assert.ok(m.name.length > 0);
    // No Map, Set, BigInt or class instances: a JSON round trip keeps everything that is defined.
    assert.deepEqual(JSON.parse(JSON.stringify(m)), withoutUndefined(m), "member survives a JSON round trip");
    const s = dir.stats();
    assert.deepEqual(JSON.parse(JSON.stringify(s)), withoutUndefined(s), "stats survive a JSON round trip");
    for (const k of ["formatVersion", "bytes", "classKey", "directoryEtag", "corpName", "departments", "labels", "members", "groups"]) {
      assert.ok(k in s, `stats() has ${k}`);
    }
  });
});
