// Per-file set-up shared by the browser tests: one server and one browser for the file, and the
// viewer's snapshot opened by the engine in Node (the same browser package, instantiated with
// `initSync`), which gives the tests their expected answers independently of the page.

import { after, before } from "node:test";

import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { launchBrowser, PKG_DIR, startApp } from "./harness.mjs";

let engine;
/** The browser package, instantiated in Node once: the tests' independent reader of snapshots. */
export async function loadEngine() {
  if (!engine) {
    engine = await import(pathToFileURL(path.join(PKG_DIR, "tongxunlu.js")).href);
    engine.initSync({ module: readFileSync(path.join(PKG_DIR, "tongxunlu_bg.wasm")) });
  }
  return engine;
}

/**
 * Registers before/after hooks; the returned object is filled in once `before` ran, `then(env)`
 * last (node:test runs a file's top-level hooks without waiting for one another).
 */
export function suite(options = {}, then = async () => {}) {
  const env = {};
  before(async () => {
    env.app = await startApp(options);
    env.browser = await launchBrowser();
    await then(env);
  });
  after(async () => {
    await env.browser?.close();
    await env.app?.close();
  });
  return env;
}

/** The snapshot the server gives `userid`, as bytes and opened by the engine in Node. */
export async function snapshotOf(app, userid) {
  const res = await fetch(new URL("api/snapshot", app.url), {
    headers: { authorization: `Bearer ${app.token(userid)}` },
  });
  if (!res.ok) throw new Error(`GET /api/snapshot as ${userid}: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { bytes, dir: (await loadEngine()).Directory.open(bytes) };
}

/** Records openEnterpriseChat calls in window.__chats, as a WeChat Work client with the SDK would
 * (a page init script). */
export const FAKE_WW = () => {
  window.__chats = [];
  window.ww = {
    openEnterpriseChat: (o) => {
      window.__chats.push({ userIds: o.userIds, groupName: o.groupName, chatId: o.chatId });
      o.success({});
    },
  };
};

/** The chats FAKE_WW recorded. */
export const chats = (page) => page.evaluate(() => window.__chats);
