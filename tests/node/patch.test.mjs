// applyPatch (docs/javascript.md, docs/snapshot.md#differences) in both builds: a patch that
// `tongxunlu delta` made turns the old snapshot into exactly the new one; a patch applied to
// another base, or damaged, cut short or not a patch at all throws an Error that says why, never
// a trap. The digests a patch declares are not checked here (the page checks the result's with
// WebCrypto), so the test reads them from the header as the page does.

import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { cli, flipByte, loadNodePkg, loadWebPkg, tempDir, thrown } from "./helpers.mjs";

const builds = [
  ["node", loadNodePkg()],
  ["web", await loadWebPkg()],
];
const { dir, cleanup } = tempDir();
after(cleanup);

/**
 * old.txl and new.txl of exec001 around a small edit of a 2,000-member sample, the patch, and the
 * account given a new mobile by the edit.
 */
function fixture() {
  const file = (name) => path.join(dir, name);
  cli(["sample", "--members", "2000", "--seed", "3", "-o", file("old.json")]);
  const directory = JSON.parse(readFileSync(file("old.json"), "utf8"));
  for (const member of directory.userlist.slice(100, 120)) member.position = "新职位";
  const edited = directory.userlist.slice(200).find((m) => (m.status ?? 1) === 1);
  edited.mobile = "13700000001";
  writeFileSync(file("new.json"), JSON.stringify(directory));
  for (const version of ["old", "new"]) {
    cli(["snapshot", file(`${version}.json`), "--viewer", "exec001", "-o", file(`${version}.txl`)]);
  }
  cli(["delta", file("old.txl"), file("new.txl"), "-o", file("patch.txd")]);
  const read = (name) => new Uint8Array(readFileSync(file(name)));
  return { old: read("old.txl"), next: read("new.txl"), patch: read("patch.txd"), edited };
}
const { old, next, patch, edited } = fixture();

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

test("a patch from `tongxunlu delta` makes exactly the new snapshot, which opens", () => {
  assert.ok(patch.length < next.length / 4, `a patch of ${patch.length} bytes for ${next.length}`);
  for (const [build, { applyPatch, Directory }] of builds) {
    const made = applyPatch(old, patch);
    assert.ok(made instanceof Uint8Array, build);
    assert.equal(sha256(made), sha256(next), `${build}: the new snapshot's bytes`);
    // The digest the page compares with: after the magic, the base's length and digest, and the
    // result's length.
    const skip = (at) => {
      while (patch[at] & 0x80) at++;
      return at + 1;
    };
    const at = skip(skip(8) + 32);
    assert.equal(Buffer.from(patch.subarray(at, at + 32)).toString("hex"), sha256(next), `${build}: declared`);
    const opened = Directory.open(made);
    assert.equal(opened.member(edited.userid).mobile, "13700000001", build);
    opened.free();
  }
});

test("a patch for another base, damaged, cut short or not a patch throws an Error saying why", () => {
  const cases = [
    ["another base", next, patch, /patch was made from a base of \d+ bytes, not from this one of \d+/],
    ["not a patch", old, next, /not a tongxunlu patch/],
    ["an unknown version", old, flipByte(patch, 7, 0x02), /patch format version 3 is not supported/],
    ["cut short", old, patch.subarray(0, patch.length - 3), /patch corrupted at byte \d+: the patch ends early/],
    ["cut in its header", old, patch.subarray(0, 20), /patch corrupted at byte \d+: the patch ends early/],
    ["empty", old, new Uint8Array(), /patch corrupted at byte 0: the patch ends early/],
    ["bytes after its end", old, Uint8Array.from([...patch, 0]), /bytes after the end marker/],
  ];
  for (const [build, { applyPatch }] of builds) {
    for (const [what, base, bad, message] of cases) {
      const err = thrown(() => applyPatch(base, bad), `${build}: ${what}`);
      assert.match(err.message, message, `${build}: ${what}`);
    }
    // Still usable after every refusal.
    assert.equal(sha256(applyPatch(old, patch)), sha256(next), build);
  }
});
