// The demo page in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
// it loads the engine, opens the sample snapshot and shows the same counts as
// `tongxunlu inspect --json`, at a phone and a PC viewport, without console errors; and a bad
// snapshot gets a clear message. Screenshots go to artifacts/.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { chromium } from "playwright-core";

import {
  inspect,
  inspectClassKey,
  inspectCorpName,
  inspectCounts,
  inspectEtag,
  randomBytes,
  requireBuilt,
  ROOT,
  sampleFiles,
  tempDir,
  WEB_PKG,
} from "../node/helpers.mjs";
import { startServer } from "../../scripts/serve.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = path.join(ROOT, "artifacts");
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const VIEWPORTS = {
  phone: {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent:
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
      "Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI Language/zh_CN wxwork/4.1.20",
  },
  pc: { viewport: { width: 1280, height: 800 } },
};

const sample = sampleFiles();
requireBuilt(WEB_PKG, "make wasm-web");
const good = new Uint8Array(readFileSync(sample.txl));
const ins = inspect(sample.txl);
const expected = inspectCounts(ins);

let browser;
let server;
let fixtures;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  fixtures = tempDir("tongxunlu-browser-");
  const corrupt = new Uint8Array(good);
  corrupt[Math.floor(corrupt.length / 2)] ^= 0x55;
  writeFileSync(path.join(fixtures.dir, "corrupt.txl"), corrupt);
  writeFileSync(path.join(fixtures.dir, "truncated.txl"), good.subarray(0, Math.floor(good.length / 3)));
  writeFileSync(path.join(fixtures.dir, "random.txl"), randomBytes(8192, 7));

  server = await startServer({ port: 0, mounts: [{ prefix: "/fixtures/", target: fixtures.dir }] });
  // Playwright gives every launch a fresh, empty --user-data-dir of its own (and refuses one in args).
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: CHROMIUM_FLAGS,
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  fixtures?.cleanup();
});

/** Opens the page in a fresh context; collects console messages, page errors and failed requests. */
async function openPage(kind, query = "") {
  const context = await browser.newContext({ ...VIEWPORTS[kind], locale: "zh-CN" });
  const page = await context.newPage();
  const log = { errors: [], warnings: [], responses: [] };
  page.on("console", (msg) => {
    if (msg.type() === "error") log.errors.push(`console.error: ${msg.text()}`);
    if (msg.type() === "warning") log.warnings.push(msg.text());
  });
  page.on("pageerror", (err) => log.errors.push(`uncaught: ${err.message}`));
  page.on("requestfailed", (req) => log.errors.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on("response", (res) => log.responses.push({ url: res.url(), status: res.status(), type: res.headers()["content-type"] }));
  await page.goto(new URL(query, server.url).href, { waitUntil: "load" });
  await page.waitForSelector('body:not([data-state="loading"])', { timeout: 30_000 });
  return { context, page, log };
}

async function stat(page, name) {
  return page.getAttribute(`[data-stat="${name}"]`, "data-value");
}

async function errorText(page) {
  if ((await page.getAttribute("body", "data-state")) !== "error") return "";
  return `${await page.textContent("#error-title")}: ${await page.textContent("#error-message")}`;
}

for (const kind of Object.keys(VIEWPORTS)) {
  describe(`the sample snapshot at the ${kind} viewport`, () => {
    test("shows the corp name and the same counts as inspect --json, with no console errors", async () => {
      const { context, page, log } = await openPage(kind);
      try {
        assert.equal(await page.getAttribute("body", "data-state"), "ready", await errorText(page));

        assert.equal(Number(await stat(page, "members")), expected.members, "members");
        assert.equal(Number(await stat(page, "departments")), expected.departments, "departments");
        assert.equal(Number(await stat(page, "groups")), expected.groups, "groups");
        assert.equal(Number(await stat(page, "labels")), expected.labels, "labels");
        assert.equal(Number(await stat(page, "bytes")), good.length, "bytes");

        const classKey = await stat(page, "classKey");
        assert.match(classKey, /^[0-9a-f]+$/);
        if (inspectClassKey(ins) !== undefined) assert.equal(classKey, inspectClassKey(ins), "class key");
        if (inspectEtag(ins) !== undefined) assert.equal(await stat(page, "directoryEtag"), inspectEtag(ins), "etag");

        const corp = (await page.textContent("#corp-name")).trim();
        assert.ok(corp.length > 0 && corp !== "正在加载…", `corp name shown: ${corp}`);
        if (inspectCorpName(ins) !== undefined) assert.equal(corp, inspectCorpName(ins));
        // The visible text is the formatted count.
        assert.equal((await page.textContent('[data-stat="members"]')).replace(/[,，\s]/g, ""), String(expected.members));

        // The engine came with the right MIME type (otherwise streaming compilation falls back
        // with a console warning).
        const wasm = log.responses.find((r) => r.url.endsWith(".wasm"));
        assert.ok(wasm, "the page fetched the .wasm");
        assert.equal(wasm.status, 200);
        assert.equal(wasm.type, "application/wasm");
        assert.deepEqual(log.responses.filter((r) => r.status >= 400), [], "no failed responses");
        assert.deepEqual(log.errors, [], "no console errors");
        assert.deepEqual(log.warnings.filter((w) => /wasm|mime|instantiate/i.test(w)), [], "no engine warnings");

        // Layout: nothing wider than the screen; the counts in two rows on a phone, one on a PC.
        const layout = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
          tops: [...document.querySelectorAll(".stat")].map((el) => Math.round(el.getBoundingClientRect().top)),
          lang: document.documentElement.lang,
          fontFamily: getComputedStyle(document.body).fontFamily,
        }));
        assert.ok(layout.scrollWidth <= layout.innerWidth, `no horizontal scroll (${layout.scrollWidth} > ${layout.innerWidth})`);
        assert.equal(layout.lang, "zh-CN");
        assert.match(layout.fontFamily, /PingFang SC|Noto Sans CJK SC|Microsoft YaHei/);
        const rows = new Set(layout.tops).size;
        assert.equal(rows, kind === "phone" ? 2 : 1, `stat rows at ${kind}: ${layout.tops}`);

        await page.screenshot({ path: path.join(ARTIFACTS, `page-${kind}.png`), fullPage: true });
      } finally {
        await context.close();
      }
    });
  });
}

const BAD = [
  { file: "corrupt.txl", title: "通讯录快照已损坏", message: /checksum|corrupt/i },
  { file: "truncated.txl", title: "通讯录快照已损坏", message: /truncated/i },
  { file: "random.txl", title: "通讯录快照已损坏", message: /magic|not a tongxunlu snapshot/i },
  { file: "missing.txl", title: "无法下载通讯录快照", message: /HTTP 404/ },
];

describe("a bad snapshot gets a clear message", () => {
  for (const { file, title, message } of BAD) {
    test(file, async () => {
      const kind = file === "corrupt.txl" ? "pc" : "phone";
      const { context, page, log } = await openPage(kind, `?snapshot=/fixtures/${file}`);
      try {
        assert.equal(await page.getAttribute("body", "data-state"), "error", "the page shows an error");
        assert.ok(await page.isVisible("#error"), "the error box is visible");
        assert.ok(!(await page.isVisible("#summary")), "no counts are shown");
        assert.equal((await page.textContent("#error-title")).trim(), title);
        assert.match(await page.textContent("#error-message"), message);
        assert.ok((await page.textContent("#error-hint")).trim().length > 0, "a hint on what to do");
        assert.deepEqual(log.errors.filter((e) => e.startsWith("uncaught")), [], "no uncaught exceptions");
        await page.screenshot({ path: path.join(ARTIFACTS, `page-error-${path.basename(file, ".txl")}-${kind}.png`), fullPage: true });
      } finally {
        await context.close();
      }
    });
  }

  test("a snapshot from another origin is refused", async () => {
    const { context, page } = await openPage("phone", "?snapshot=http://example.invalid/x.txl");
    try {
      assert.equal(await page.getAttribute("body", "data-state"), "error");
      assert.match(await page.textContent("#error-message"), /must be on this site/);
    } finally {
      await context.close();
    }
  });
});
