// Assembles the npm package in pkg/ once wasm-bindgen has written pkg/web (the browser build) and
// pkg/node (the Node build); `make pkg` runs the three steps:
//
//   node pkg-config/build.mjs optimize FILE.wasm LEVEL   wasm-opt FILE in place at LEVEL (-Oz, -O3, …)
//   node pkg-config/build.mjs strip-docs FILE.js         the browser build's glue without its doc comments
//   node pkg-config/build.mjs manifest                   pkg/package.json, pkg/node/package.json, pkg/README.md
//   node pkg-config/build.mjs check                      the package resolves and loads, both builds
//
// wasm-opt gets exactly the WebAssembly features the module declares in its `target_features`
// section (what rustc used), never `--all-features`: with that, wasm-opt may emit instructions of
// proposals no browser ships, and the module is refused. A feature this script does not know
// stops the build, so that a new rustc default is looked at rather than passed on blindly.

import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const PKG = path.join(ROOT, "pkg");
const WASM_OPT = path.join(ROOT, "node_modules", ".bin", "wasm-opt");
/** Bytes, gzip -9, of the browser build's wasm and JS glue together. */
const WEB_BUDGET = 150_000;

/** rustc/LLVM feature names → binaryen's `--enable-…` names, for the features rustc can declare. */
const BINARYEN_FEATURE = {
  "atomics": "threads",
  "bulk-memory": "bulk-memory",
  "bulk-memory-opt": "bulk-memory-opt",
  "call-indirect-overlong": "call-indirect-overlong",
  "exception-handling": "exception-handling",
  "extended-const": "extended-const",
  "multimemory": "multimemory",
  "multivalue": "multivalue",
  "mutable-globals": "mutable-globals",
  "nontrapping-fptoint": "nontrapping-float-to-int",
  "reference-types": "reference-types",
  "relaxed-simd": "relaxed-simd",
  "sign-ext": "sign-ext",
  "simd128": "simd",
  "tail-call": "tail-call",
};

function fail(message) {
  console.error(`pkg-config/build.mjs: error: ${message}`);
  process.exit(1);
}

/** The features a module's `target_features` custom section marks as used (`+`) or required (`=`). */
export function declaredFeatures(bytes) {
  const module = new WebAssembly.Module(bytes);
  const [section] = WebAssembly.Module.customSections(module, "target_features");
  if (!section) return [];
  const b = new Uint8Array(section);
  let at = 0;
  const uleb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = b[at++];
      value |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
    }
  };
  const features = [];
  for (let n = uleb(); n > 0; n--) {
    const prefix = String.fromCharCode(b[at++]);
    const length = uleb();
    const name = new TextDecoder().decode(b.subarray(at, at + length));
    at += length;
    if (prefix === "+" || prefix === "=") features.push(name);
  }
  return features;
}

function optimize(file, level) {
  if (!file || !/^-O[0-4sz]$/.test(level ?? "")) fail("usage: optimize FILE.wasm -Oz|-Os|-O0…-O4");
  const features = declaredFeatures(readFileSync(file));
  const unknown = features.filter((f) => !(f in BINARYEN_FEATURE));
  if (unknown.length) fail(`${file} uses WebAssembly features this script does not map to wasm-opt: ${unknown.join(", ")}`);
  const flags = features.map((f) => `--enable-${BINARYEN_FEATURE[f]}`);
  const before = readFileSync(file).length;
  execFileSync(
    WASM_OPT,
    [level, ...flags, "--strip-producers", "--strip-target-features", file, "-o", file],
    { stdio: "inherit" },
  );
  console.log(`wasm-opt ${level} ${flags.join(" ")}: ${file} ${before} → ${readFileSync(file).length} bytes`);
}

/**
 * Drops the doc comments wasm-bindgen copies into a build's JS glue from the Rust doc comments.
 * The same text is in the .d.ts beside it, where editors read it; the browser build's glue is
 * what every page downloads, and its comments were 1.5 KB of it gzipped (measured when
 * applyPatch took the build over its budget).
 */
function stripDocs(file) {
  if (!file?.endsWith(".js")) fail("usage: strip-docs FILE.js");
  const before = readFileSync(file, "utf8");
  const after = before.replace(/^[ \t]*\/\*\*[\s\S]*?\*\/\n/gm, "");
  writeFileSync(file, after);
  console.log(`strip-docs: ${file} ${before.length} → ${after.length} bytes`);
}

/** The crate's version, from the [package] table of Cargo.toml. */
function crateVersion() {
  const toml = readFileSync(path.join(ROOT, "Cargo.toml"), "utf8");
  const table = toml.split(/^\[/m).find((t) => t.startsWith("package]"));
  const version = table?.match(/^version\s*=\s*"([^"]+)"/m)?.[1];
  if (!version) fail("no version in the [package] table of Cargo.toml");
  return version;
}

function manifest() {
  const template = JSON.parse(readFileSync(path.join(HERE, "package.json"), "utf8"));
  const out = { ...template, version: crateVersion() };
  writeFileSync(path.join(PKG, "package.json"), `${JSON.stringify(out, null, 2)}\n`);
  // wasm-bindgen's Node build is CommonJS; the package is "type": "module" for the browser build.
  writeFileSync(path.join(PKG, "node", "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
  copyFileSync(path.join(HERE, "README.md"), path.join(PKG, "README.md"));
  console.log(`wrote pkg/package.json (tongxunlu ${out.version})`);
}

/** Follows `exports["."]` of pkg/package.json for one condition, as a bundler would. */
function entryFor(condition) {
  const { exports } = JSON.parse(readFileSync(path.join(PKG, "package.json"), "utf8"));
  const target = exports["."][condition] ?? exports["."].default;
  return { js: path.join(PKG, target.default), types: path.join(PKG, target.types) };
}

/** Both builds resolve through the manifest, load, and open a snapshot the Node build makes. */
async function check() {
  const directory = readFileSync(path.join(HERE, "check-directory.json"), "utf8");
  const lookFor = (dir, what) => {
    const stats = dir.stats();
    if (stats.members !== 2) fail(`${what}: stats().members is ${stats.members}, expected 2`);
    const [hit] = dir.search("zs");
    if (hit?.userid !== "zhangsan001") fail(`${what}: search("zs") found ${JSON.stringify(hit)}`);
  };

  // The Node build, resolved by Node itself through the package's own "exports" (a self-reference
  // from inside the package scope, so the "node" condition applies).
  const requireInPkg = createRequire(path.join(PKG, "package.json"));
  const resolved = requireInPkg.resolve("tongxunlu");
  if (resolved !== entryFor("node").js) fail(`require("tongxunlu") resolves to ${resolved}, not the Node build`);
  const node = requireInPkg("tongxunlu");
  const snapshot = node.buildSnapshot(directory, "chen001");
  const nodeDir = node.Directory.open(snapshot);
  lookFor(nodeDir, "the Node build");
  nodeDir.free();

  // The browser build: its wasm must validate with only the features it declares, and the module
  // must run (initSync works in Node as in a worker).
  const web = entryFor("browser");
  const wasm = readFileSync(path.join(path.dirname(web.js), "tongxunlu_bg.wasm"));
  if (!WebAssembly.validate(wasm)) fail("WebAssembly.validate refuses the browser build's wasm");
  const { initSync, Directory } = await import(pathToFileURL(web.js).href);
  initSync({ module: wasm });
  const webDir = Directory.open(snapshot);
  lookFor(webDir, "the browser build");
  webDir.free();

  // The budget for what a page downloads: the browser build's wasm and glue, gzipped.
  const shipped = [wasm, readFileSync(web.js)].reduce((n, bytes) => n + gzipSync(bytes, { level: 9 }).length, 0);
  if (shipped >= WEB_BUDGET) fail(`the browser build is ${shipped} bytes gzipped, over its budget of ${WEB_BUDGET}`);

  // The interfaces of src/wasm.d.ts (which tsc checks on its own, tests/node/types/tsconfig.json)
  // reach both builds' declarations whole: src/wasm.rs includes the file as wasm-bindgen's
  // `typescript_custom_section`, which wasm-bindgen re-indents. A build older than the file fails.
  const interfaces = unindented(readFileSync(path.join(ROOT, "src", "wasm.d.ts"), "utf8"));
  for (const condition of ["node", "browser"]) {
    const { types } = entryFor(condition);
    const declarations = readFileSync(types, "utf8");
    if (!unindented(declarations).includes(interfaces)) fail(`${types} does not hold src/wasm.d.ts as it is now: rebuild the wasm`);
    if (/\bany\b/.test(publicDeclarations(declarations))) fail(`${types} declares \`any\` in the public API`);
  }
  console.log(`pkg/: both builds resolve through package.json, load and answer a search; browser build ${shipped} bytes gzipped`);
}

/** TypeScript text without the indentation of its lines. */
const unindented = (text) => text.replace(/^[ \t]+/gm, "");

/**
 * The declarations a user of the package sees: wasm-bindgen's InitOutput (the raw wasm exports,
 * where externref arguments are `any`) left out.
 */
export function publicDeclarations(dts) {
  return dts.replace(/export interface InitOutput \{[\s\S]*?\n\}/, "");
}

const [command, ...args] = process.argv.slice(2);
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (command === "optimize") optimize(...args);
  else if (command === "strip-docs") stripDocs(...args);
  else if (command === "manifest") manifest();
  else if (command === "check") await check();
  else fail(`unknown command ${JSON.stringify(command)} (expected optimize, strip-docs, manifest or check)`);
}
