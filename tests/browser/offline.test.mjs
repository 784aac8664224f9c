// Offline and bad downloads: after a first visit the service worker serves the page and the
// engine with the network off, and the page opens its stored snapshot and says so; a corrupt or
// truncated download gets a clear message while the last good snapshot stays in use, untouched.

import { describe, test } from "node:test";
import assert from "node:assert/strict";

import {
  load,
  newPage,
  results,
  search,
  serviceWorkerInControl,
  settled,
  shot,
  signedIn,
  stored,
} from "./harness.mjs";
import { snapshotOf, suite } from "./common.mjs";

let good; // exec001's snapshot bytes as the server sends them
const env = suite({}, async ({ app }) => {
  good = (await snapshotOf(app, "exec001")).bytes;
});

describe("offline", () => {
  for (const kind of ["phone", "pc"]) {
    test(`at the ${kind} viewport, a reload with the network off still searches`, async () => {
      const { context, page, errors } = await newPage(env.browser, kind);
      try {
        assert.equal(await signedIn(page, env.app, "exec001"), "ready");
        assert.equal(await page.getAttribute("body", "data-offline"), null, "online: a fresh snapshot");
        await serviceWorkerInControl(page);
        const saved = await stored(page);
        assert.equal(saved.viewer, "exec001");
        assert.equal(saved.bytes, good.length, "the snapshot that opened is stored");

        await context.setOffline(true);
        await page.reload({ waitUntil: "load" });
        assert.equal(await settled(page), "ready", "the page, the engine and the snapshot load with no network");
        assert.equal(await page.getAttribute("body", "data-offline"), "offline");
        assert.match(await page.textContent("#notice"), /^离线：正在使用 (刚刚|\d+ 分钟前)保存的通讯录/);
        await search(page, "zhangw");
        const rows = await results(page);
        assert.equal(rows[0].userid, "staff001");
        assert.deepEqual(rows[0].marks, ["张伟"]);
        await shot(page, `offline-${kind}`);
        assert.deepEqual(
          errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e)),
          [],
        );
      } finally {
        await context.close();
      }
    });
  }
});

describe("a bad download", () => {
  const corrupt = () => {
    const bytes = new Uint8Array(good);
    bytes[Math.floor(bytes.length / 2)] ^= 0x55;
    return bytes;
  };
  const truncated = () => good.subarray(0, Math.floor(good.length / 3));
  const cases = [
    { name: "corrupt", kind: "pc", body: corrupt, message: /checksum|corrupt/i },
    { name: "truncated", kind: "phone", body: truncated, message: /truncated/i },
  ];

  for (const { name, kind, body, message } of cases) {
    test(`a ${name} snapshot is refused with a message; the last good one stays in use and stored`, async () => {
      const { context, page, errors } = await newPage(env.browser, kind);
      try {
        assert.equal(await signedIn(page, env.app, "exec001"), "ready");
        const before = await stored(page);
        assert.ok(before, "a good snapshot is stored");

        // The next download is damaged (a new snapshot ETag, so the page takes it).
        await page.route("**/api/snapshot", (route) =>
          route.fulfill({
            status: 200,
            body: Buffer.from(body()),
            headers: { "content-type": "application/octet-stream", etag: '"damaged"' },
          }),
        );
        await page.reload({ waitUntil: "load" });
        assert.equal(await settled(page), "ready", "the directory stays usable");
        assert.equal(await page.getAttribute("body", "data-offline"), "bad-download");
        assert.equal(await page.getAttribute("#notice", "data-kind"), "error");
        const text = await page.textContent("#notice");
        assert.match(text, /^新下载的通讯录已损坏，无法使用/);
        assert.match(text, message);
        assert.match(text, /仍在使用 (刚刚|\d+ 分钟前)保存的通讯录/);
        await search(page, "13816000002");
        assert.equal((await results(page))[0].userid, "staff001", "search works on the last good snapshot");
        assert.deepEqual(await stored(page), before, "the stored snapshot is not overwritten");
        await shot(page, `bad-download-${name}-${kind}`);
        assert.deepEqual(
          errors.filter((e) => e.startsWith("uncaught")),
          [],
        );
      } finally {
        await context.close();
      }
    });
  }

  test("with nothing stored, a corrupt snapshot gets a clear error and nothing is stored", async () => {
    const { context, page } = await newPage(env.browser, "phone");
    try {
      await page.route("**/api/snapshot", (route) => route.fulfill({ status: 200, body: Buffer.from(corrupt()) }));
      const state = await signedIn(page, env.app, "exec001");
      assert.match(state, /^error: 通讯录快照已损坏: .*(checksum|corrupt)/i);
      assert.ok((await page.textContent("#error-hint")).includes("请刷新页面重新下载"));
      assert.equal(await page.isVisible("#app"), false);
      assert.equal(await stored(page), null);
      await shot(page, "error-corrupt-phone");
    } finally {
      await context.close();
    }
  });

  test("with nothing stored and no network, the page says it cannot connect", async () => {
    const { context, page } = await newPage(env.browser, "pc");
    try {
      await page.route("**/api/snapshot", (route) => route.abort("internetdisconnected"));
      assert.match(await load(page, `${env.app.url}#token=${env.app.token("exec001")}`), /^error: 无法连接网络/);
    } finally {
      await context.close();
    }
  });
});
