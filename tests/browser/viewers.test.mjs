// Who is looking: the demo sign-in (演示登录) and switching viewer, viewers of different
// permissions seeing different directories, and tokens that are tampered with, expired, or
// belong to someone who may not sign in — refused with a clear message and no data, not even a
// directory stored earlier on the device.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

import { SAMPLE_JSON } from "../node/helpers.mjs";
import { load, newPage, results, search, settled, shot, signedIn, startApp } from "./harness.mjs";
import { snapshotOf, suite } from "./common.mjs";

const seen = {}; // userid → the engine's stats of the snapshot the server gives them
const env = suite({}, async ({ app }) => {
  for (const userid of ["exec001", "supplier001"]) seen[userid] = (await snapshotOf(app, userid)).dir.stats();
});

// The same directory served with the demo sign-in, which signs with a secret of its own.
const demo = {};
before(async () => {
  demo.app = await startApp({ demo: true });
});
after(async () => {
  await demo.app?.close();
});

const storedViewer = (page) =>
  page.evaluate(
    async () =>
      (await (await caches.open("tongxunlu-snapshot")).match("/tongxunlu/last-snapshot"))?.headers.get("x-viewer") ??
      null,
  );

/** Clicks something that reloads the page; returns the state the new page settles in. */
async function clickReloading(page, selector) {
  await Promise.all([page.waitForEvent("load"), page.click(selector)]);
  return settled(page);
}

const members = JSON.parse(readFileSync(SAMPLE_JSON, "utf8")).userlist;
const withStatus = (status) => members.find((m) => m.status === status)?.userid;

describe("viewers", () => {
  test("an executive and a supplier see different directories", async () => {
    assert.ok(seen.supplier001.members < seen.exec001.members, "the supplier's snapshot is smaller");
    for (const [userid, kind] of [
      ["exec001", "pc"],
      ["supplier001", "phone"],
    ]) {
      const { context, page } = await newPage(env.browser, kind);
      try {
        assert.equal(await signedIn(page, env.app, userid), "ready");
        assert.equal(Number(await page.getAttribute("#app", "data-members")), seen[userid].members);
        await search(page, "陈建国");
        const exec = (await results(page)).some((r) => r.userid === "exec001");
        assert.equal(
          exec,
          userid === "exec001",
          `${userid} ${userid === "exec001" ? "finds" : "does not find"} the general manager`,
        );
        await search(page, "王磊");
        assert.ok(
          (await results(page)).some((r) => r.userid === "supplier001"),
          "everyone sees the supplier's contact 王磊",
        );
        await page.fill("#q", "");
        await page.click("#org-button");
        await shot(page, `viewer-${userid}-${kind}`);
      } finally {
        await context.close();
      }
    }
  });

  test("the demo sign-in lists sample viewers; switching viewer replaces the stored directory", async () => {
    const { context, page, errors } = await newPage(env.browser, "phone");
    try {
      assert.equal(await load(page, demo.app.url), "signin", "no token: the demo sign-in");
      assert.equal((await page.textContent("#signin-title")).trim(), "演示登录");
      const viewers = await page.$$eval("#viewers button", (bs) => bs.map((b) => b.dataset.userid));
      assert.ok(viewers.includes("exec001") && viewers.includes("supplier001"), `demo viewers: ${viewers}`);
      await shot(page, "demo-signin-phone");

      assert.equal(await clickReloading(page, '#viewers button[data-userid="supplier001"]'), "ready");
      assert.equal((await page.textContent("#viewer-name")).trim(), "王磊");
      assert.equal(Number(await page.getAttribute("#app", "data-members")), seen.supplier001.members);
      assert.equal(await storedViewer(page), "supplier001");
      assert.ok(!(await page.evaluate(() => location.href)).includes("token"), "no token in the URL");

      assert.equal(await clickReloading(page, "#switch-viewer"), "signin");
      assert.equal(await clickReloading(page, '#viewers button[data-userid="exec001"]'), "ready");
      assert.equal(Number(await page.getAttribute("#app", "data-members")), seen.exec001.members);
      assert.equal(await storedViewer(page), "exec001");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("on a 360 px phone in the demo the header shortens the company's name, never the viewer's", async () => {
    const { context, page } = await newPage(env.browser, "phone");
    try {
      await page.setViewportSize({ width: 360, height: 740 });
      const token = await demo.app.demoToken("staff001");
      assert.equal(await load(page, `${demo.app.url}#token=${token}`), "ready");
      assert.equal(await page.isVisible("#switch-viewer"), true, "the demo's 切换演示身份 takes its room");
      const fit = await page.evaluate(() => {
        const box = (sel) => document.querySelector(sel).getBoundingClientRect();
        const name = document.querySelector("#viewer-name");
        const corp = document.querySelector("#corp-name");
        return {
          name: name.textContent,
          nameWhole: name.scrollWidth <= name.clientWidth && box("#viewer-name").right <= box(".top .corp").right + 0.5,
          corpShortened: corp.scrollWidth > corp.clientWidth,
        };
      });
      assert.deepEqual(fit, { name: "张伟", nameWhole: true, corpShortened: true });
      await shot(page, "header-demo-360");
    } finally {
      await context.close();
    }
  });

  test("another viewer never gets the stored directory, even with the network down", async () => {
    const { context, page } = await newPage(env.browser, "pc");
    try {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      assert.equal(await storedViewer(page), "exec001");
      await page.route("**/api/snapshot", (route) => route.abort("internetdisconnected"));
      assert.match(await load(page, `${env.app.url}#token=${env.app.token("supplier001")}`), /^error: 无法连接网络/);
      assert.equal(await storedViewer(page), null, "exec001's directory was deleted");
    } finally {
      await context.close();
    }
  });

  test("a tampered token is refused, and the stored directory goes with it", async () => {
    const { context, page } = await newPage(env.browser, "phone");
    try {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      const token = env.app.token("exec001");
      const last = token.at(-1) === "A" ? "B" : "A";
      const state = await load(page, `${env.app.url}#token=${token.slice(0, -1)}${last}`);
      assert.match(state, /^error: 登录已过期: HTTP 401/);
      assert.equal(await page.isVisible("#app"), false, "no directory is shown");
      assert.equal(await storedViewer(page), null, "nothing of the directory stays on the device");
      assert.equal(await page.isVisible("#error-action"), false, "outside the demo, WeChat Work signs in again");
      await shot(page, "error-token-phone");
      // Someone else's name in an otherwise valid token is tampering too.
      const [, expiry, mac] = token.split(".");
      const forged = `${Buffer.from("supplier001").toString("base64url")}.${expiry}.${mac}`;
      assert.match(await load(page, `${env.app.url}#token=${forged}`), /^error: 登录已过期: HTTP 401/);
      // In the demo, a tampered token of its own sign-in offers to pick a persona again; a token
      // of the configured secret is no token there.
      const demoToken = await demo.app.demoToken("exec001");
      const tampered = `${demoToken.slice(0, -1)}${demoToken.at(-1) === "A" ? "B" : "A"}`;
      assert.match(await load(page, `${demo.app.url}#token=${tampered}`), /^error: 登录已过期: HTTP 401/);
      assert.equal(await page.isVisible("#error-action"), true, "demo: a way to sign in again");
      assert.match(await load(page, `${demo.app.url}#token=${token}`), /^error: 登录已过期: HTTP 401/);
    } finally {
      await context.close();
    }
  });

  test("an expired token and a viewer who may not sign in get clear messages", async () => {
    const { context, page } = await newPage(env.browser, "pc");
    try {
      assert.equal(await load(page, demo.app.url), "signin");
      await shot(page, "demo-signin-pc");
      const expiring = env.app.token("exec001", 1);
      await sleep(2100);
      assert.match(await load(page, `${env.app.url}#token=${expiring}`), /^error: 登录已过期: HTTP 401/);
      const disabled = withStatus(2);
      assert.ok(disabled, "the sample has a disabled member");
      assert.match(await signedIn(page, env.app, disabled), /^error: 无权查看通讯录: HTTP 403/);
      await shot(page, "error-forbidden-pc");
      const resigned = withStatus(5);
      assert.match(await signedIn(page, env.app, resigned), /^error: 无权查看通讯录: HTTP 403/);
    } finally {
      await context.close();
    }
  });
});
