// Signed snapshots (docs/page.md#signed-snapshots): with `tongxunlu serve --signing-key`, the
// page gets the public key in /config.js and opens only snapshots that key signed. A snapshot
// altered on the way — by a route standing for a CDN, with a valid checksum so that only the
// signature gives it away — is refused with a message while the last good one stays in use
// and searchable; so are an unsigned one and one signed by another key. With nothing stored the
// page opens nothing; a browser without Ed25519 in WebCrypto fails closed; and a snapshot stored
// under another key is not used.
//
// The key pair is made by Node's crypto, independently of `tongxunlu keygen`.

import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { cli, SAMPLE_JSON } from "../node/helpers.mjs";
import { newPage, results, search, settled, shot, signedIn } from "./harness.mjs";
import { loadEngine, snapshotOf, suite } from "./common.mjs";

const BLOCK = 80; // signature (64), key id (8), "TXLSIGN1"

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const KEY_DIR = mkdtempSync(path.join(os.tmpdir(), "tongxunlu-signing-"));
const KEY_FILE = path.join(KEY_DIR, "key.pem");
writeFileSync(KEY_FILE, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
after(() => rmSync(KEY_DIR, { recursive: true, force: true }));
const PUBLIC_KEY = Buffer.from(publicKey.export({ format: "jwk" }).x, "base64url").toString("base64");

let signed; // exec001's snapshot as the server sends it
const env = suite({ extraArgs: ["--signing-key", KEY_FILE] }, async ({ app }) => {
  signed = (await snapshotOf(app, "exec001")).bytes;
});

const STAFF_MOBILE = "13816000002"; // staff001's, in the sample

/**
 * The snapshot with staff001's mobile number changed, as anyone on the way could: rebuilt from
 * the directory with that one change (so its checksum is right and the engine opens it), and
 * the signature block of the signed one put back after it. Only the signature gives it away.
 */
function altered() {
  if (!alteredBytes) {
    const directory = JSON.parse(readFileSync(SAMPLE_JSON, "utf8"));
    const staff = directory.userlist.find((m) => m.mobile === STAFF_MOBILE);
    assert.ok(staff, "the number is in the sample");
    staff.mobile = "13899999999";
    const json = path.join(KEY_DIR, "altered.json");
    const snapshot = path.join(KEY_DIR, "altered.txl");
    writeFileSync(json, JSON.stringify(directory));
    cli(["snapshot", json, "--viewer", "exec001", "-o", snapshot]);
    alteredBytes = new Uint8Array(Buffer.concat([readFileSync(snapshot), signed.subarray(signed.length - BLOCK)]));
  }
  return alteredBytes;
}
let alteredBytes;

/** The snapshot without its signature block. */
const unsigned = () => signed.subarray(0, signed.length - BLOCK);

/** The snapshot signed by another key, its block laid out as docs/snapshot.md#signature says. */
function signedByAnother() {
  const other = generateKeyPairSync("ed25519");
  const body = unsigned();
  const raw = Buffer.from(other.publicKey.export({ format: "jwk" }).x, "base64url");
  const keyId = createHash("sha256").update(raw).digest().subarray(0, 8);
  return Buffer.concat([body, sign(null, body, other.privateKey), keyId, Buffer.from("TXLSIGN1")]);
}

/** What the page stored: `{ signingKey, bytes }`, or null. */
const stored = (page) =>
  page.evaluate(async () => {
    const res = await (await caches.open("tongxunlu-snapshot")).match("/tongxunlu/last-snapshot");
    return res ? { signingKey: res.headers.get("x-signing-key"), bytes: (await res.arrayBuffer()).byteLength } : null;
  });

/** Serves `bytes` for every snapshot request from now on, as a CDN in between could. */
const serveInstead = (page, bytes) =>
  page.route("**/api/snapshot", (route) =>
    route.fulfill({
      status: 200,
      body: Buffer.from(bytes),
      headers: { "content-type": "application/octet-stream", etag: '"tampered"' },
    }),
  );

test("the altered snapshot opens in the engine, number changed: only its signature gives it away", async () => {
  const dir = (await loadEngine()).Directory.open(altered());
  assert.equal(dir.member("staff001").mobile, "13899999999");
});

/** What an older WebView does: importKey refuses Ed25519 (an init script, run before the page's). */
function withoutEd25519() {
  const importKey = crypto.subtle.importKey.bind(crypto.subtle);
  crypto.subtle.importKey = (format, key, algorithm, ...rest) =>
    (algorithm?.name ?? algorithm) === "Ed25519"
      ? Promise.reject(new DOMException("Unrecognized name", "NotSupportedError"))
      : importKey(format, key, algorithm, ...rest);
}

/** Runs `fn({ page, errors })` in a fresh context at the `kind` viewport, closed afterwards. */
async function inPage(kind, fn, options) {
  const { context, page, errors } = await newPage(env.browser, kind, options);
  try {
    await fn({ page, errors });
  } finally {
    await context.close();
  }
}

describe("a page with a signing key", () => {
  test("opens the signed snapshot, stores it under the key and searches it", () =>
    inPage("phone", async ({ page, errors }) => {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      assert.equal(await page.evaluate(() => window.tongxunlu.config.signingKey), PUBLIC_KEY);
      assert.deepEqual(await stored(page), { signingKey: PUBLIC_KEY, bytes: signed.length });
      await search(page, STAFF_MOBILE);
      assert.equal((await results(page))[0].userid, "staff001");
      assert.deepEqual(errors, []);
    }));

  const refusals = [
    { name: "altered", what: "an altered snapshot", kind: "phone", bytes: altered, says: /invalid signature/ },
    { name: "unsigned", what: "an unsigned snapshot", kind: "pc", bytes: unsigned, says: /not signed/ },
    {
      name: "other-key",
      what: "a snapshot signed by another key",
      kind: "phone",
      bytes: signedByAnother,
      says: /signed by another key \(key id [0-9a-f]{16}; /,
    },
  ];
  for (const { name, what, kind, bytes, says } of refusals) {
    test(`refuses ${what} with a message and keeps the last good one in use`, () =>
      inPage(kind, async ({ page, errors }) => {
        assert.equal(await signedIn(page, env.app, "exec001"), "ready");
        const before = await stored(page);
        await serveInstead(page, bytes());
        await page.reload({ waitUntil: "load" });
        assert.equal(await settled(page), "ready", "the directory stays usable");
        assert.equal(await page.getAttribute("body", "data-offline"), "bad-signature");
        assert.equal(await page.getAttribute("#notice", "data-kind"), "error");
        const text = await page.textContent("#notice");
        assert.match(text, /^通讯录数据签名无效，已拒绝新下载的通讯录。/);
        assert.match(text, says);
        assert.match(text, /仍在使用 (刚刚|\d+ 分钟前)保存的通讯录/);
        await search(page, STAFF_MOBILE);
        assert.equal((await results(page))[0]?.userid, "staff001", "the last good snapshot, searchable");
        const mobile = await page.evaluate(() => window.tongxunlu.directory.member("staff001").mobile);
        assert.equal(mobile, STAFF_MOBILE, "nothing of the refused one");
        assert.deepEqual(await stored(page), before, "the stored snapshot is not replaced");
        await shot(page, `bad-signature-${name}-${kind}`);
        assert.deepEqual(
          errors.filter((e) => e.startsWith("uncaught")),
          [],
        );
      }));
  }
});

describe("with nothing stored", () => {
  const cases = [
    {
      what: "an altered snapshot is refused",
      kind: "pc",
      says: /^error: 通讯录数据签名无效: invalid signature/,
      hint: "没有通过签名校验",
      altered: true,
    },
    {
      what: "a browser without Ed25519 in WebCrypto opens nothing rather than skip the check",
      kind: "phone",
      says: /^error: 无法验证通讯录签名: this browser cannot verify Ed25519 signatures/,
      hint: "为安全起见不打开通讯录",
      init: withoutEd25519,
    },
  ];
  for (const { what, kind, says, hint, altered: alter, init } of cases) {
    test(`${what}: an error page, and nothing is stored`, () =>
      inPage(
        kind,
        async ({ page }) => {
          if (alter) await serveInstead(page, altered());
          assert.match(await signedIn(page, env.app, "exec001"), says);
          assert.ok((await page.textContent("#error-hint")).includes(hint));
          assert.equal(await page.isVisible("#app"), false);
          assert.equal(await stored(page), null);
          await shot(page, `error-${init ? "no-ed25519" : "bad-signature"}-${kind}`);
        },
        { init },
      ));
  }

  test("a snapshot stored under another key is not used, even offline", () =>
    inPage("phone", async ({ page }) => {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      // As if it had been stored before the server's key changed.
      await page.evaluate(async () => {
        const cache = await caches.open("tongxunlu-snapshot");
        const res = await cache.match("/tongxunlu/last-snapshot");
        const headers = new Headers(res.headers);
        headers.set("x-signing-key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        await cache.put("/tongxunlu/last-snapshot", new Response(await res.arrayBuffer(), { headers }));
      });
      await page.route("**/api/snapshot", (route) => route.abort("internetdisconnected"));
      await page.reload({ waitUntil: "load" });
      assert.match(await settled(page), /^error: 无法连接网络/);
      assert.equal(await stored(page), null, "dropped, not shown");
    }));
});
