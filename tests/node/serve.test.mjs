// The demo's static file server: MIME types (application/wasm!), the default mounts, extra
// mounts, and no way out of a mounted directory.

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";

import { mimeType, resolvePath, startServer } from "../../scripts/serve.mjs";
import { tempDir } from "./helpers.mjs";

let server;
let tmp;

before(async () => {
  tmp = tempDir("tongxunlu-serve-");
  mkdirSync(path.join(tmp.dir, "sub"));
  writeFileSync(path.join(tmp.dir, "a.wasm"), new Uint8Array([0, 0x61, 0x73, 0x6d]));
  writeFileSync(path.join(tmp.dir, "sub", "index.html"), "<p>hi</p>");
  writeFileSync(path.join(tmp.dir, "secret.txt"), "outside");
  mkdirSync(path.join(tmp.dir, "root"));
  writeFileSync(path.join(tmp.dir, "root", "snap.txl"), "x");
  server = await startServer({
    port: 0,
    mounts: [
      { prefix: "/t/", target: tmp.dir },
      { prefix: "/r/", target: path.join(tmp.dir, "root") },
      { prefix: "/one.txl", target: path.join(tmp.dir, "root", "snap.txl") },
    ],
  });
});

after(async () => {
  await server?.close();
  tmp?.cleanup();
});

/** A raw GET (no URL normalisation on the client side, so `..` reaches the server). */
function get(rawPath, method = "GET") {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: server.port, path: rawPath, method }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("binds to loopback on the port asked for (0 = any free one)", () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.ok(server.port > 0);
});

test("MIME types", () => {
  assert.equal(mimeType("x/tongxunlu_bg.wasm"), "application/wasm");
  assert.match(mimeType("tongxunlu.js"), /^text\/javascript/);
  assert.match(mimeType("app.mjs"), /^text\/javascript/);
  assert.match(mimeType("index.html"), /^text\/html; charset=utf-8/);
  assert.match(mimeType("style.css"), /^text\/css/);
  assert.match(mimeType("tongxunlu.d.ts"), /^text\/plain/);
  assert.equal(mimeType("sample.txl"), "application/octet-stream");
});

test("serves files with their MIME type and length", async () => {
  const r = await get("/t/a.wasm");
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "application/wasm");
  assert.equal(r.headers["content-length"], "4");
  assert.equal(r.body.length, 4);
  const head = await get("/t/a.wasm", "HEAD");
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal((await get("/one.txl")).body.toString(), "x");
});

test("serves the page from www/ and directories via index.html", async () => {
  const r = await get("/");
  assert.equal(r.status, 200);
  assert.match(r.headers["content-type"], /^text\/html/);
  assert.match(r.body.toString(), /lang="zh-CN"/);
  assert.equal((await get("/t/sub/")).body.toString(), "<p>hi</p>");
  const redirect = await get("/t/sub");
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.location, "/t/sub/");
  assert.match((await get("/app.js")).headers["content-type"], /^text\/javascript/);
});

test("never serves anything outside a mount", async () => {
  for (const p of ["/r/../secret.txt", "/r/%2e%2e/secret.txt", "/r/..%2fsecret.txt", "/r/%2e%2e%2f%2e%2e%2fetc/passwd", "/../../etc/passwd"]) {
    const r = await get(p);
    assert.notEqual(r.status, 200, `${p} must not be served`);
    assert.ok(!r.body.toString().includes("outside"), p);
  }
  assert.equal(resolvePath([{ prefix: "/r/", target: "/srv/r" }], "/r/../x"), null);
  assert.equal(resolvePath([{ prefix: "/r/", target: "/srv/r" }], "/r/a/b"), "/srv/r/a/b");
});

test("missing files are 404, other methods 405, bad encodings 400", async () => {
  assert.equal((await get("/no-such-file.js")).status, 404);
  assert.equal((await get("/t/a.wasm", "POST")).status, 405);
  assert.equal((await get("/%E0%A4%A")).status, 400);
});
