// The contenders of the side-by-side benchmark, each set up as a competent user would for a
// contacts page. Every adapter has:
//   bundle            the files a page ships for it (their gzipped size is reported)
//   setup(data)       builds whatever it needs from the data a page would have; returns details
//                     of the time it took ({ parts: { name: ms } })
//   search(q, viewer) the top 10 for a query asked by `viewer` (an account; only tongxunlu ranks
//                     by who asks): [{ kind: "member", userid } | { kind, id }]
//   wasmMemory()      bytes of wasm memory in use (tongxunlu only)
//
// `data` is { snapshot: Uint8Array } for tongxunlu and { members } (the records of
// `tongxunlu inspect --json`, the same people the snapshot holds) for the others.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const LIMIT = 10;

/** A file of an installed package (found from its entry point: not every package exports package.json). */
function moduleFile(name, file) {
  let dir = path.dirname(require.resolve(name));
  while (!existsSync(path.join(dir, "package.json")) || JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).name !== name) {
    if (dir === path.dirname(dir)) throw new Error(`cannot find the package directory of ${name}`);
    dir = path.dirname(dir);
  }
  return path.join(dir, file);
}
// pinyin-pro is what Fuse.js and FlexSearch users reach for to make pinyin fields on the page.
const PINYIN_PRO_BUNDLE = moduleFile("pinyin-pro", "dist/index.js");

/** Full pinyin and initials of a name (surname readings for the first character), lower case. */
function pinyinFields(pinyinPro, name) {
  const options = { toneType: "none", type: "array", surname: "head", v: true };
  const full = pinyinPro.pinyin(name, options).join("").toLowerCase().replace(/[^a-z0-9]/g, "");
  const initials = pinyinPro.pinyin(name, { ...options, pattern: "first" }).join("").toLowerCase().replace(/[^a-z0-9]/g, "");
  return { pinyin: full, initials };
}

/** Members as flat records with the fields the search-field libraries index. */
async function flatRecords(members) {
  const pinyinPro = await import("pinyin-pro");
  return members.map((m, id) => ({
    id,
    name: m.name,
    ...pinyinFields(pinyinPro, m.name),
    alias: m.alias ?? "",
    userid: m.userid,
    mobile: m.mobile ?? "",
    email: m.email ?? "",
    dept: (m.departments ?? []).map((d) => d.name).join(" "),
  }));
}

/** Name scanners keep the members whose name matches, best (earliest, then shortest) first. */
function scanNames(members, matchAt) {
  const found = [];
  for (let i = 0; i < members.length; i++) {
    const at = matchAt(members[i].name);
    if (at >= 0) found.push([at, members[i].name.length, i]);
  }
  found.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  return found.slice(0, LIMIT).map(([, , i]) => ({ kind: "member", userid: members[i].userid }));
}

const tongxunlu = {
  label: "tongxunlu (wasm, web build)",
  bundle: (pkgWeb) => [path.join(pkgWeb, "tongxunlu.js"), path.join(pkgWeb, "tongxunlu_bg.wasm")],
  async setup({ snapshot, pkgWeb }) {
    const glue = await import(pathToFileURL(path.join(pkgWeb, "tongxunlu.js")).href);
    const t0 = performance.now();
    this.exports = glue.initSync({ module: readFileSync(path.join(pkgWeb, "tongxunlu_bg.wasm")) });
    const t1 = performance.now();
    this.dir = glue.Directory.open(snapshot);
    const t2 = performance.now();
    const openMemory = this.exports.memory.buffer.byteLength;
    // Not part of ready: what the engine derives from the snapshot when first needed
    // (src/search/names.rs, src/search/lookup.rs), each timed apart so that the best-of-runs
    // latencies do not hide them: the A–Z order, then the name index (a query of characters
    // no one bears), then the identifier and phone lookups (queries no one matches).
    this.dir.initials();
    const tLetters = performance.now();
    this.dir.search("龘龘", { limit: LIMIT });
    const tNames = performance.now();
    this.dir.search("zzzzzz9", { limit: LIMIT });
    const t3 = performance.now();
    this.dir.search("99999999999", { limit: LIMIT });
    const t4 = performance.now();
    return {
      readyMs: t2 - t1,
      parts: {
        "instantiate wasm": t1 - t0,
        "Directory.open": t2 - t1,
        "first look at the A–Z bar (derives its order)": tLetters - t2,
        "first name query (derives the name index)": tNames - tLetters,
        "first identifier query (sorts accounts, WeChat ids, e-mails)": t3 - tNames,
        "first phone query (lists the runs of digits)": t4 - t3,
        "wasm memory after open, bytes (not ms)": openMemory,
        "wasm memory after all of them, bytes (not ms)": this.exports.memory.buffer.byteLength,
      },
    };
  },
  search(q, viewer) {
    return this.dir
      .search(q, { limit: LIMIT, viewer })
      .map((h) => (h.kind === "member" ? { kind: h.kind, userid: h.userid } : { kind: h.kind, id: h.id, name: h.name }));
  },
  wasmMemory() {
    return this.exports.memory.buffer.byteLength;
  },
};

export const LIBRARIES = {
  tongxunlu,
  // The same build, told nobody asks: ranked as the others rank, by the match alone.
  "tongxunlu-no-viewer": {
    ...tongxunlu,
    label: "tongxunlu, no viewer",
    search(q) {
      return tongxunlu.search.call(this, q, undefined);
    },
  },

  "pinyin-match": {
    label: "pinyin-match (scan names)",
    bundle: () => [moduleFile("pinyin-match", "dist/main.js")],
    async setup({ members }) {
      const t0 = performance.now();
      this.match = require("pinyin-match").match;
      this.members = members;
      return { readyMs: performance.now() - t0, parts: {} };
    },
    search(q) {
      return scanNames(this.members, (name) => {
        const r = this.match(name, q);
        return r ? r[0] : -1;
      });
    },
  },

  "pinyin-pro": {
    label: "pinyin-pro match (scan names)",
    bundle: () => [PINYIN_PRO_BUNDLE],
    async setup({ members }) {
      const t0 = performance.now();
      this.match = (await import("pinyin-pro")).match;
      this.members = members;
      return { readyMs: performance.now() - t0, parts: {} };
    },
    search(q) {
      // "start": each character by any prefix of its reading, so "zhsan" finds 张三; contiguous.
      return scanNames(this.members, (name) => {
        const r = this.match(name, q, { precision: "start", continuous: true });
        return r ? r[0] : -1;
      });
    },
  },

  fuse: {
    label: "Fuse.js (pinyin fields)",
    bundle: () => [moduleFile("fuse.js", "dist/fuse.min.mjs"), PINYIN_PRO_BUNDLE],
    async setup({ members }) {
      const Fuse = (await import("fuse.js")).default;
      const t0 = performance.now();
      const records = await flatRecords(members);
      const t1 = performance.now();
      this.fuse = new Fuse(records, {
        keys: [
          { name: "name", weight: 3 },
          { name: "pinyin", weight: 2 },
          { name: "initials", weight: 2 },
          { name: "alias", weight: 1 },
          { name: "userid", weight: 1 },
          { name: "mobile", weight: 1 },
          { name: "email", weight: 0.5 },
          { name: "dept", weight: 0.5 },
        ],
        threshold: 0.3,
        ignoreLocation: true,
      });
      const t2 = performance.now();
      this.members = members;
      return { readyMs: t2 - t0, parts: { "pinyin fields": t1 - t0, index: t2 - t1 } };
    },
    search(q) {
      return this.fuse.search(q, { limit: LIMIT }).map((r) => ({ kind: "member", userid: this.members[r.refIndex].userid }));
    },
  },

  flexsearch: {
    label: "FlexSearch (pinyin fields)",
    bundle: () => [moduleFile("flexsearch", "dist/flexsearch.bundle.module.min.mjs"), PINYIN_PRO_BUNDLE],
    async setup({ members }) {
      const { Document, Charset } = await import("flexsearch");
      const t0 = performance.now();
      const records = await flatRecords(members);
      const t1 = performance.now();
      // "full" where a fragment may start anywhere (pinyin from any character, phone digits);
      // the CJK charset splits Chinese into characters.
      this.index = new Document({
        document: {
          id: "id",
          index: [
            { field: "name", tokenize: "forward", encoder: Charset.CJK },
            { field: "pinyin", tokenize: "full" },
            { field: "initials", tokenize: "full" },
            { field: "alias", tokenize: "forward" },
            { field: "userid", tokenize: "forward" },
            { field: "mobile", tokenize: "full", encoder: { numeric: false } },
            { field: "email", tokenize: "forward" },
            { field: "dept", tokenize: "forward", encoder: Charset.CJK },
          ],
        },
      });
      for (const r of records) this.index.add(r);
      const t2 = performance.now();
      this.members = members;
      return { readyMs: t2 - t0, parts: { "pinyin fields": t1 - t0, index: t2 - t1 } };
    },
    search(q) {
      return this.index
        .search(q, { limit: LIMIT, merge: true })
        .slice(0, LIMIT)
        .map((r) => ({ kind: "member", userid: this.members[r.id].userid }));
    },
  },
};
