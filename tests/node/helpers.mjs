// Shared helpers for the Node and browser tests: where things are, running the CLI, and reading
// `tongxunlu inspect --json` defensively (by field name, wherever it sits).
//
// The Makefile builds everything these tests need (`make test-node`, `make test-browser`); run by
// hand, the tests say which file is missing and how to build it.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = process.env.TONGXUNLU_CLI ?? path.join(ROOT, "target", "release", "tongxunlu");
export const DEMO_DIR = process.env.TONGXUNLU_DEMO_DIR ?? path.join(ROOT, "target", "demo");
export const SAMPLE_JSON = path.join(DEMO_DIR, "sample.json");
export const SAMPLE_TXL = path.join(DEMO_DIR, "sample.txl");
export const SAMPLE_VIEWER = "exec001";
export const WEB_PKG = path.join(ROOT, "pkg", "web", "tongxunlu.js");

export function requireBuilt(file, how) {
  if (!existsSync(file)) {
    throw new Error(`${path.relative(ROOT, file)} is missing — build it first with \`${how}\``);
  }
  return file;
}

export const PKG_JSON = path.join(ROOT, "pkg", "package.json");

/**
 * The Node build of the npm package, found as a user's `require("tongxunlu")` finds it: through
 * the "exports" of pkg/package.json (a self-reference from inside the package, so the "node"
 * condition applies).
 */
export function loadNodePkg() {
  requireBuilt(PKG_JSON, "make pkg");
  return createRequire(PKG_JSON)("tongxunlu");
}

/** The browser build of the package (its "browser" export), instantiated with initSync. */
export async function loadWebPkg() {
  requireBuilt(PKG_JSON, "make pkg");
  const { exports } = JSON.parse(readFileSync(PKG_JSON, "utf8"));
  const entry = path.join(ROOT, "pkg", exports["."].browser.default);
  const web = await import(pathToFileURL(entry).href);
  web.initSync({ module: readFileSync(path.join(path.dirname(entry), "tongxunlu_bg.wasm")) });
  return web;
}

/** Runs the CLI; returns stdout. Throws with the CLI's stderr when it fails. */
export function cli(args, { input } = {}) {
  requireBuilt(CLI, "make build");
  try {
    return execFileSync(CLI, args, {
      input,
      encoding: "utf8",
      maxBuffer: 1 << 30,
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (err) {
    throw new Error(`tongxunlu ${args.join(" ")} failed (exit ${err.status}): ${err.stderr || err.message}`);
  }
}

/** Runs the CLI and returns { status, stdout, stderr } without throwing. */
export function cliResult(args) {
  requireBuilt(CLI, "make build");
  const r = spawnSync(CLI, args, { encoding: "utf8", maxBuffer: 1 << 30 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const inspectCache = new Map();
/** `tongxunlu inspect FILE --json`, parsed (cached per file, size and mtime). */
export function inspect(file) {
  const st = statSync(file);
  const key = `${path.resolve(file)}:${st.mtimeMs}:${st.size}`;
  if (!inspectCache.has(key)) inspectCache.set(key, JSON.parse(cli(["inspect", file, "--json"])));
  return inspectCache.get(key);
}

export function sampleFiles() {
  requireBuilt(SAMPLE_JSON, "make sample");
  requireBuilt(SAMPLE_TXL, "make sample");
  return { json: SAMPLE_JSON, txl: SAMPLE_TXL, viewer: SAMPLE_VIEWER };
}

export function tempDir(prefix = "tongxunlu-test-") {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---- reading inspect --json defensively --------------------------------------------------------

const isPlainObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const squash = (name) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * The first value whose key matches one of `names` (compared without case, `_` or `-`), looked for
 * at the top of `obj` and then one level down in its plain-object fields (`stats`, `header`, …).
 */
export function findField(obj, names) {
  const wanted = names.map(squash);
  const scan = (o) => {
    for (const [k, v] of Object.entries(o)) if (wanted.includes(squash(k))) return { found: true, value: v };
    return { found: false };
  };
  let r = scan(obj);
  if (r.found) return r.value;
  for (const v of Object.values(obj)) {
    if (isPlainObject(v)) {
      r = scan(v);
      if (r.found) return r.value;
    }
  }
  return undefined;
}

/** The list `name` (departments, members, groups) from inspect --json. */
export function inspectList(ins, name) {
  const list = ins[name];
  if (!Array.isArray(list)) {
    throw new Error(`inspect --json has no "${name}" array (keys: ${Object.keys(ins).join(", ")})`);
  }
  return list;
}

/** A department record that is only a breadcrumb step (a "path label"), not a listed department. */
export const isLabelDepartment = (d) =>
  d.label === true || d.is_label === true || d.path_label === true || d.kind === "label";

/** The counts the page and Directory.stats() should show, from inspect --json. */
export function inspectCounts(ins) {
  const departments = inspectList(ins, "departments");
  const counts = {
    members: inspectList(ins, "members").length,
    departments: departments.filter((d) => !isLabelDepartment(d)).length,
    groups: inspectList(ins, "groups").length,
    labels: departments.filter(isLabelDepartment).length,
  };
  // Labels listed apart from the departments, if that is how inspect shows them.
  if (Array.isArray(ins.labels)) counts.labels = ins.labels.length;
  return counts;
}

/** The `stats` object of inspect --json, if there is one (numbers only). */
export function inspectStats(ins) {
  const stats = isPlainObject(ins.stats) ? ins.stats : {};
  return Object.fromEntries(Object.entries(stats).filter(([, v]) => typeof v === "number"));
}

export const inspectCorpName = (ins) => findField(ins, ["corp_name", "corpName", "corp"]);
export const inspectClassKey = (ins) => findField(ins, ["class_key", "classKey", "visibility_class", "cache_key"]);
export const inspectEtag = (ins) => findField(ins, ["directory_etag", "directoryEtag", "etag"]);
export const inspectFormatVersion = (ins) => findField(ins, ["format_version", "formatVersion"]);

/** Department ids of a member record, whatever its shape ([3, 5], [{id: 3}], department/departments). */
export function memberDepartmentIds(m) {
  const list = m.departments ?? m.department;
  if (!Array.isArray(list)) return undefined;
  return list.map((d) => (isPlainObject(d) ? d.id : d)).map(Number).sort((a, b) => a - b);
}

export const memberId = (m) => m.userid ?? m.userId ?? m.account;

/** Scalar string fields that a member record from inspect and one from Directory.member() share. */
export const COMPARABLE_MEMBER_FIELDS = [
  "userid", "name", "alias", "mobile", "email", "position", "telephone", "gender",
  "weixin_id", "birthday", "hire_date", "biz_mail", "address",
];

// ---- bytes -------------------------------------------------------------------------------------

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(n, seed) {
  const rnd = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rnd() * 256);
  return out;
}

export function flipByte(bytes, at, mask = 0x01) {
  const out = new Uint8Array(bytes);
  out[at] ^= mask;
  return out;
}

/** Calls fn and returns the Error it throws; fails when it returns or throws a non-Error. */
export function thrown(fn, what) {
  let value;
  try {
    value = fn();
  } catch (err) {
    if (!(err instanceof Error)) {
      throw new Error(`${what}: threw a ${typeof err} (${String(err)}), not an Error`);
    }
    if (err instanceof WebAssembly.RuntimeError) {
      throw new Error(`${what}: the engine trapped (a Rust panic?): ${err.message}`);
    }
    return err;
  }
  try {
    value?.free?.();
  } catch {}
  throw new Error(`${what}: did not throw`);
}

/** Opens a snapshot with `Directory`, runs `fn` on it and frees it, whatever `fn` does. */
export function withDirectory(Directory, bytes, fn) {
  const dir = Directory.open(bytes);
  try {
    return fn(dir);
  } finally {
    dir.free();
  }
}
