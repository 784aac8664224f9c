// What every browser test needs: the server the page talks to, tokens for sample viewers,
// Debian's headless Chromium (driven by playwright-core; never a downloaded browser), the phone
// and PC contexts, and small page helpers.

import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";

import { chromium } from "playwright-core";

import { CLI, requireBuilt, ROOT, SAMPLE_JSON } from "../node/helpers.mjs";
import { PKG_DIR, startServer } from "../node/server.mjs";

export { PKG_DIR };

export const ARTIFACTS = path.join(ROOT, "artifacts");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

export const VIEWPORTS = {
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

/**
 * Starts `tongxunlu serve` on `directory` (tests/node/server.mjs) with any `extraArgs`
 * (`--signing-key FILE`…). Returns `{ url, token(userid, ttl), demoToken(userid), close() }`.
 * Tokens are minted by `tongxunlu token` with the server's secret. With `demo`, the server serves
 * its built-in sample — the same directory as `make sample`'s — and signs with a random secret of
 * its own, so its tokens come from its demo sign-in (`demoToken`, the personas only).
 */
export async function startApp({ directory = SAMPLE_JSON, demo = false, extraArgs = [] } = {}) {
  requireBuilt(path.join(PKG_DIR, "tongxunlu.js"), "make wasm-web");
  if (demo && directory !== SAMPLE_JSON) throw new Error("the demo serves only the built-in sample");
  const server = demo
    ? await startServer({ args: ["--demo", ...extraArgs] })
    : await startServer({ directory: requireBuilt(directory, "make sample"), args: extraArgs });
  const { url } = server;
  return {
    url,
    token: (userid, ttl = 3600) => {
      if (demo) throw new Error("a --demo server signs with a secret of its own: use demoToken(userid)");
      const env = { ...process.env, TONGXUNLU_SECRET: server.secret };
      return execFileSync(CLI, ["token", userid, "--ttl", String(ttl)], { env, encoding: "utf8" }).trim();
    },
    demoToken: async (userid) => {
      const res = await fetch(`${url}api/demo/token`, { method: "POST", body: JSON.stringify({ userid }) });
      if (!res.ok) throw new Error(`demo sign-in of ${userid}: HTTP ${res.status}`);
      return (await res.json()).token;
    },
    close: server.close,
  };
}

export async function launchBrowser() {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A fresh context (its own storage) at a viewport, recording console errors and uncaught exceptions. */
export async function newPage(browser, kind, { init } = {}) {
  const context = await browser.newContext({ ...VIEWPORTS[kind], locale: "zh-CN", acceptDownloads: true });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const errors = [];
  page.on("console", (msg) => msg.type() === "error" && errors.push(`console.error: ${msg.text()}`));
  page.on("pageerror", (err) => errors.push(`uncaught: ${err.message}`));
  return { context, page, errors };
}

/** Navigates and waits until the page settled (ready and checked with the server, signin or error);
 * returns that state. */
export async function load(page, url) {
  // From the page itself, a URL that differs only in its #fragment would not reload it.
  if (page.url() !== "about:blank") await page.goto("about:blank");
  await page.goto(url, { waitUntil: "load" });
  return settled(page);
}

export async function settled(page) {
  // Ready once the check with the server has ended too: a stored snapshot shows at once.
  await page.waitForSelector(
    'body[data-state="error"], body[data-state="signin"], body[data-state="ready"][data-checked]',
    { timeout: 30_000 },
  );
  const state = await page.getAttribute("body", "data-state");
  if (state === "error")
    return `error: ${await page.textContent("#error-title")}: ${await page.textContent("#error-message")}`;
  return state;
}

/** Opens the page signed in as `userid` (the token in the URL fragment, as a host back end does). */
export async function signedIn(page, app, userid, query = "") {
  return load(page, `${app.url}${query}#token=${app.token(userid)}`);
}

/** Types a query into the search box key by key, as a user does. */
export async function search(page, query) {
  await page.fill("#q", "");
  await page.type("#q", query);
}

/** The rendered results: `[{ kind, name, marks, sub, subMarks, userid, id }]` in order (`id`: a department's). */
export function results(page) {
  return page.$$eval("#list section[data-kind] .row", (rows) =>
    rows.map((row) => ({
      kind: row.closest("section").dataset.kind,
      userid: row.dataset.userid,
      id: row.dataset.dept ? Number(row.dataset.dept) : undefined,
      name: row.querySelector(".row-name").textContent,
      marks: [...row.querySelectorAll(".row-name mark")].map((m) => m.textContent),
      sub: row.querySelector(".row-sub")?.textContent ?? "",
      subMarks: [...row.querySelectorAll(".row-sub mark")].map((m) => m.textContent),
    })),
  );
}

/** What the page stored: `{ viewer, etag, bytes, sha }` (bytes: the length), or null. */
export const stored = (page) =>
  page.evaluate(async () => {
    const res = await (await caches.open("tongxunlu-snapshot")).match("/tongxunlu/last-snapshot");
    if (!res) return null;
    const bytes = new Uint8Array(await res.arrayBuffer());
    const sha = [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    return { viewer: res.headers.get("x-viewer"), etag: res.headers.get("etag"), bytes: bytes.length, sha };
  });

/** Resolves once the service worker controls the page, so that a reload offline is served by it. */
export async function serviceWorkerInControl(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }),
      );
    }
  });
}

export const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
