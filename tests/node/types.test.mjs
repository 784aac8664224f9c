// The TypeScript declarations of the npm package: `tsc --strict` accepts an example that uses
// every function of each build (tests/node/types/), and refuses each misuse marked
// `@ts-expect-error` there — which it could not if anything were typed `any`. The declarations
// name every method the builds really have, and no public one is `any`.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

import { publicDeclarations } from "../../pkg-config/build.mjs";
import { loadNodePkg, loadWebPkg, requireBuilt, ROOT } from "./helpers.mjs";

const TSC = path.join(ROOT, "node_modules", ".bin", "tsc");
const declarations = (build) => readFileSync(requireBuilt(path.join(ROOT, "pkg", build, "tongxunlu.d.ts"), "make pkg"), "utf8");

test("tsc --strict accepts the examples and refuses every marked misuse", () => {
  requireBuilt(TSC, "npm ci");
  const r = spawnSync(TSC, ["-p", path.join(ROOT, "tests", "node", "types", "tsconfig.json")], { encoding: "utf8" });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});

test("the declarations have no `any` in the public API", () => {
  for (const build of ["web", "node"]) {
    const lines = publicDeclarations(declarations(build)).split("\n").filter((l) => /\bany\b/.test(l));
    assert.deepEqual(lines, [], `${build}: lines declaring any`);
  }
});

test("every method of Directory is declared, and nothing else", async () => {
  for (const [build, pkg] of [["node", loadNodePkg()], ["web", await loadWebPkg()]]) {
    const runtime = Object.getOwnPropertyNames(pkg.Directory.prototype)
      .filter((n) => n !== "constructor" && !n.startsWith("__"))
      .concat(Object.getOwnPropertyNames(pkg.Directory).filter((n) => typeof pkg.Directory[n] === "function" && !n.startsWith("__")))
      .sort();
    const body = declarations(build).match(/export class Directory \{([\s\S]*?)\n\}/)[1];
    const declared = [...body.matchAll(/^\s+(?:static )?([A-Za-z]\w*)\(/gm)].map((m) => m[1]).sort();
    assert.deepEqual(declared, runtime, `${build}: declared methods`);
  }
  assert.equal(typeof loadNodePkg().buildSnapshot, "function");
  assert.match(declarations("node"), /export function buildSnapshot\(directoryJson: string, viewer: string\): Uint8Array;/);
});
