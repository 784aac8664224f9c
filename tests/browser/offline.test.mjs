// Offline, slow and bad downloads: after a first visit the service worker serves the page and
// the engine with the network off, and the page opens its stored snapshot and says so; a first
// visit on a slow line shows how much of the snapshot has arrived; a corrupt or truncated
// download gets a clear message while the last good snapshot stays in use, untouched.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";

import { ROOT } from "../node/helpers.mjs";

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

/** Slow 3G (WebPageTest's "3G Slow": 400 kbit/s each way, 400 ms), for CDP's Network.emulateNetworkConditions. */
const SLOW_3G = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };

/**
 * An init script: every change of the download's progress as the page shows it, in
 * `window.progressSeen` — the bar's value and max (value null while indeterminate) and the figures.
 */
function recordProgress() {
  window.progressSeen = [];
  document.addEventListener("DOMContentLoaded", () => {
    const bar = document.querySelector("#status-progress");
    const figures = document.querySelector("#status-bytes");
    const record = () => {
      const seen = {
        shown: !bar.hidden && !figures.hidden,
        value: bar.hasAttribute("value") ? bar.value : null,
        max: bar.max,
        text: figures.textContent,
        status: document.querySelector("#status-text").textContent,
      };
      const last = window.progressSeen.at(-1);
      if (!last || Object.keys(seen).some((k) => seen[k] !== last[k])) window.progressSeen.push(seen);
    };
    const changes = { attributes: true, childList: true, characterData: true, subtree: true };
    new MutationObserver(record).observe(document.querySelector("#status"), changes);
  });
}

describe("a first visit on a slow network", () => {
  test("shows the snapshot's download rising to its size, then the directory", async (t) => {
    const { context, page, errors } = await newPage(env.browser, "phone", { init: recordProgress });
    try {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.emulateNetworkConditions", SLOW_3G);
      let coding = null;
      page.on("response", async (res) => {
        if (res.url().endsWith("/api/snapshot")) coding = (await res.allHeaders())["content-encoding"] ?? "none";
      });
      const started = Date.now();
      await page.goto(`${env.app.url}#token=${env.app.token("exec001")}`, { waitUntil: "commit" });
      await page.waitForSelector("#status-progress[value]:not([hidden])", { timeout: 30_000 });
      await shot(page, "slow-first-visit-phone");
      assert.equal(await settled(page), "ready");
      t.diagnostic(`ready after ${Date.now() - started} ms at 400 kbit/s, 400 ms`);
      // The case that matters: the body comes to more than Content-Length, which counts it compressed.
      assert.match(coding, /^(br|gzip)$/, "the snapshot came compressed");

      const seen = await page.evaluate(() => window.progressSeen);
      const shown = seen.filter((s) => s.shown);
      const rising = shown.filter((s) => s.value !== null);
      assert.ok(shown.length > 0 && shown.every((s) => s.status === "正在下载通讯录…"), JSON.stringify(shown));
      // The total is the size of the snapshot as the page reads it, whatever the coding on the way.
      assert.ok(rising.every((s) => s.max === good.length), `every total is ${good.length}: ${JSON.stringify(rising)}`);
      const values = rising.map((s) => s.value);
      assert.ok(new Set(values).size >= 3, `seen rising in several steps: ${values}`);
      assert.deepEqual(values, [...values].sort((a, b) => a - b), "never falls back");
      assert.equal(values.at(-1), good.length, "ends at the total");
      const kb = Math.round(good.length / 1e3);
      assert.equal(rising.at(-1).text, `${kb} KB / ${kb} KB`);
      assert.ok(
        rising.every((s) => /^\d+ KB \/ \d+ KB$/.test(s.text)),
        rising.map((s) => s.text),
      );
      assert.equal(await page.isVisible("#status"), false);

      await search(page, "zhangw");
      assert.equal((await results(page))[0].userid, "staff001");
      assert.deepEqual(
        errors.filter((e) => e.startsWith("uncaught")),
        [],
      );
    } finally {
      await context.close();
    }
  });
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

  test("a stored snapshot is shown at once, and searched, while the server is still answering", async () => {
    const { context, page, errors } = await newPage(env.browser, "phone");
    try {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      await serviceWorkerInControl(page);
      // A slow server: the answer (304) comes, but only after 2.5 s (short of the 3 s after which
      // a silent download is given up).
      let answer;
      const answered = new Promise((resolve) => (answer = resolve));
      await page.route("**/api/snapshot", async (route) => {
        await answered;
        await route.continue();
      });
      const started = Date.now();
      await page.reload({ waitUntil: "load" });
      await page.waitForSelector('body[data-state="ready"]');
      const shownAfter = Date.now() - started;
      assert.equal(await page.getAttribute("body", "data-checked"), null, "still checking with the server");
      await search(page, "13816000002");
      assert.equal((await results(page))[0].userid, "staff001", "searched before the server answered");
      await shot(page, "stored-at-once-phone");
      setTimeout(answer, Math.max(0, 2500 - (Date.now() - started)));
      assert.equal(await settled(page), "ready");
      assert.equal(await page.getAttribute("body", "data-checked"), "kept", "nothing newer on the server");
      assert.equal(await page.isVisible("#notice"), false, "and nothing to say");
      console.log(`stored snapshot shown after ${shownAfter} ms; the server answered after 2.5 s`);
      assert.ok(shownAfter < 2500, `shown after ${shownAfter} ms, before the answer`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("a snapshot download that hangs falls back to the stored one within 3 s", async () => {
    const { context, page, errors } = await newPage(env.browser, "phone");
    try {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      await serviceWorkerInControl(page);
      const before = await stored(page);
      assert.ok(before, "a good snapshot is stored");
      // A lift: the request goes out and nothing ever comes back.
      await page.route("**/api/snapshot", () => {});
      const started = Date.now();
      await page.reload({ waitUntil: "load" });
      assert.equal(await settled(page), "ready");
      const waited = Date.now() - started;
      assert.ok(waited < 6000, `the stored directory showed after ${waited} ms`);
      assert.equal(await page.getAttribute("body", "data-offline"), "offline");
      assert.match(await page.textContent("#notice"), /^网络缓慢：正在使用 (刚刚|\d+ 分钟前)保存的通讯录/);
      await search(page, "13816000002");
      assert.equal((await results(page))[0].userid, "staff001", "search works on the stored snapshot");
      assert.deepEqual(await stored(page), before, "the stored snapshot stays");
      await shot(page, "stalled-download-phone");
      assert.deepEqual(
        errors.filter((e) => e.startsWith("uncaught")),
        [],
      );
    } finally {
      await context.close();
    }
  });

  test("with nothing stored and no network, the page says it cannot connect", async () => {
    const { context, page } = await newPage(env.browser, "pc");
    try {
      await page.route("**/api/snapshot", (route) => route.abort("internetdisconnected"));
      assert.match(await load(page, `${env.app.url}#token=${env.app.token("exec001")}`), /^error: 无法连接网络/);
      // What the employee reads is Chinese; the browser's own words are folded away for support.
      const visible = await page.innerText("#error");
      assert.ok(!/[A-Za-z]/.test(visible), `visible: ${visible}`);
      assert.equal(await page.isVisible("#error-message"), false);
      await page.click("#error summary");
      assert.match(await page.innerText("#error-message"), /network error/);
      await shot(page, "error-offline-pc");
    } finally {
      await context.close();
    }
  });
});

describe("sw.js on its own", () => {
  // The service worker's fetch handling, run in Node against stand-ins for the Cache and Fetch
  // APIs (a Map of cached responses; a network that answers, fails or hangs), so that a network
  // that hangs can be made to hang — a browser test cannot hold back the worker's own requests.
  async function worker(network) {
    const source = readFileSync(path.join(ROOT, "www", "sw.js"), "utf8");
    const handlers = {};
    const store = new Map();
    const cache = {
      match: async (key) => store.get(key)?.clone(),
      put: async (key, response) => void store.set(key, response),
      addAll: async () => {},
    };
    const self = {
      registration: { scope: "https://h.example/txl/" },
      addEventListener: (type, handler) => (handlers[type] = handler),
      skipWaiting: () => {},
      clients: { claim: () => {} },
    };
    const caches = { open: async () => cache, keys: async () => [], delete: async () => true };
    vm.runInNewContext(source, { self, caches, fetch: network, URL, Request, Response, Promise, setTimeout });
    /** What the worker answers for a GET of `url`, and when, with the downloads it let finish. */
    const get = async (url, mode = "no-cors") => {
      let answer;
      const kept = [];
      handlers.fetch({
        request: { method: "GET", url, mode },
        respondWith: (promise) => (answer = promise),
        waitUntil: (promise) => kept.push(promise),
      });
      const started = Date.now();
      const response = await answer;
      return { text: await response.text(), ms: Date.now() - started, kept };
    };
    return { get, store };
  }

  test("a page file comes from the network, and from the cache when the network fails or hangs", async () => {
    let mode = "answers";
    let version = 1;
    const network = () => {
      if (mode === "fails") return Promise.reject(new TypeError("Failed to fetch"));
      if (mode === "hangs") return new Promise(() => {});
      if (mode === "slow") return new Promise((resolve) => setTimeout(() => resolve(new Response(`app v${version}`)), 4000));
      return Promise.resolve(new Response(`app v${version}`));
    };
    const { get } = await worker(network);
    const url = "https://h.example/txl/app.js";
    assert.equal((await get(url)).text, "app v1", "online: the network's");
    version = 2;
    mode = "fails";
    assert.equal((await get(url)).text, "app v1", "failing: the cached copy at once");
    mode = "hangs";
    const hung = await get(url);
    assert.equal(hung.text, "app v1", "hanging: the cached copy");
    assert.ok(hung.ms >= 2900 && hung.ms < 4500, `after ${hung.ms} ms`);
    // A slow answer still refreshes the cache for the next visit.
    mode = "slow";
    const slow = await get(url);
    assert.equal(slow.text, "app v1");
    await Promise.all(slow.kept);
    mode = "fails";
    assert.equal((await get(url)).text, "app v2", "the slow download was kept");
    // Nothing cached: the network's answer, however long it takes.
    mode = "slow";
    assert.equal((await get("https://h.example/txl/ui.js")).text, "app v2");
  });
});
