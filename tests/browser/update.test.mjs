// Updates by difference (docs/snapshot.md#differences) end to end: `tongxunlu serve` on a
// 50,000-member directory file that then changes by about 1% (as benches/edit_directory.py
// changes it); the page, holding the snapshot of before, fetches a patch (226 IM Used) much
// smaller than the new snapshot, shows the change, stores exactly the bytes a fresh download
// gives, and still works offline afterwards. A patch altered on the way is refused: the page
// keeps the snapshot it has and says so.

import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

import { cli, prng, tempDir } from "../node/helpers.mjs";
import { snapshotOf, suite } from "./common.mjs";
import {
  newPage,
  results,
  search,
  serviceWorkerInControl,
  settled,
  shot,
  signedIn,
  stored,
} from "./harness.mjs";

const VIEWER = "exec001"; // sees everyone
// The sample's well-known accounts, never edited (as in benches/edit_directory.py).
const KEEP = new Set(["exec001", "staff001", "dev001", "supplier001"]);

const work = tempDir("tongxunlu-update-");
after(work.cleanup);
const FILE = path.join(work.dir, "directory.json");
cli(["sample", "--members", "50000", "--seed", "1", "-o", FILE]);

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const digits = (mobile) => {
  const d = mobile.replace(/\D/g, "");
  return mobile.startsWith("+86") ? d.slice(2) : d;
};

/**
 * Changes about 1% of `directory` in place, as benches/edit_directory.py does (a port of its
 * idea, not of its random numbers): 0.4% edited (every other one a new mobile, the rest another
 * position), 0.3% moved to another department, 0.3% join as copies with a new account, mobile
 * and e-mail, 0.3% leave, and with them their places as leaders, in groups and in `visible_to`
 * lists. Returns `{ mobiles: [{ userid, mobile }], joined: [record], left: [record] }`.
 */
function editDirectory(directory, seed) {
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const members = directory.userlist;
  const count = members.length;
  const [edited, moved, joined, left] = [0.004, 0.003, 0.003, 0.003].map((share) => Math.round(count * share));

  const chosen = members.map((m, i) => i).filter((i) => !KEEP.has(members[i].userid));
  for (let i = chosen.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [chosen[i], chosen[j]] = [chosen[j], chosen[i]];
  }
  const toEdit = chosen.slice(0, edited);
  const toMove = chosen.slice(edited, edited + moved);
  const toRemove = new Set(chosen.slice(edited + moved, edited + moved + left));

  const accounts = new Set(members.map((m) => m.userid));
  const mobiles = new Set(members.filter((m) => m.mobile).map((m) => digits(m.mobile)));
  const positions = [...new Set(members.map((m) => m.position).filter(Boolean))].sort();
  const departments = directory.department.map((d) => d.id);
  const newMobile = () => {
    for (;;) {
      const mobile = `1${pick("3456789")}${Array.from({ length: 9 }, () => pick("0123456789")).join("")}`;
      if (!mobiles.has(mobile)) {
        mobiles.add(mobile);
        return mobile;
      }
    }
  };

  const changed = { mobiles: [], joined: [], left: [...toRemove].map((i) => members[i]) };
  toEdit.forEach((i, n) => {
    const member = members[i];
    if (n % 2 === 0) {
      member.mobile = newMobile();
      changed.mobiles.push({ userid: member.userid, mobile: member.mobile });
    } else {
      member.position = pick(positions.filter((p) => p !== member.position));
    }
  });
  for (const i of toMove) {
    const member = members[i];
    member.department[0] = pick(departments.filter((d) => !member.department.includes(d)));
    if (member.order?.length) member.order[0] = 1 + Math.floor(random() * 50);
  }
  for (let n = 0; n < joined; n++) {
    const member = structuredClone(pick(members));
    let account = `${member.userid}j${n}`;
    while (accounts.has(account)) account += "x";
    accounts.add(account);
    member.userid = account;
    member.mobile = newMobile();
    member.email = `${account}@${(member.email ?? "x@example.com").split("@").pop()}`;
    delete member.pinned; // an ordinary newcomer
    changed.joined.push(member);
  }

  const gone = new Set(changed.left.map((m) => m.userid));
  const forget = (record, key) => {
    if (record?.[key]) record[key] = record[key].filter((account) => !gone.has(account));
  };
  for (const department of directory.department) {
    forget(department, "department_leader");
    forget(department.visible_to, "userid");
  }
  for (const group of directory.group ?? []) forget(group, "userid");
  directory.userlist = members.filter((m, i) => !toRemove.has(i)).concat(changed.joined);
  for (const member of directory.userlist) forget(member.visible_to, "userid");
  return changed;
}

/**
 * Edits the served file (replaced in one step, by a rename) and waits until serve has it;
 * `{ changed, before, fresh }`: what changed, and the viewer's snapshots of before and after.
 */
async function publishEdit(seed) {
  const directory = JSON.parse(readFileSync(FILE, "utf8"));
  const changed = editDirectory(directory, seed);
  const staged = `${FILE}.new`;
  writeFileSync(staged, JSON.stringify(directory, null, 2));
  const before = await snapshotOf(env.app, VIEWER);
  renameSync(staged, FILE);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const now = await snapshotOf(env.app, VIEWER);
    if (sha256(now.bytes) !== sha256(before.bytes)) return { changed, before, fresh: now };
    assert.ok(Date.now() < deadline, "serve did not pick up the changed directory file in 60 s");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Records the answers to the page's snapshot requests; the returned function resolves to them
 * all, `[{ status, im, base, etag, aim, transferred, contentLength, contentEncoding }]`, once each was read.
 */
function recordSnapshots(page) {
  const seen = [];
  page.on("requestfinished", (request) => {
    if (!request.url().includes("/api/snapshot")) return;
    seen.push(
      (async () => {
        const response = await request.response();
        const header = (name) => response.headerValue(name);
        return {
          status: response.status(),
          im: await header("im"),
          base: await header("delta-base"),
          etag: await header("etag"),
          aim: await request.headerValue("a-im"),
          // As received, before the gzip is undone.
          transferred: (await request.sizes()).responseBodySize,
          contentLength: Number(await header("content-length")),
          contentEncoding: await header("content-encoding"),
        };
      })(),
    );
  });
  return () => Promise.all(seen);
}

/** Searches as a user types; the accounts of the members found. */
async function found(page, query) {
  await search(page, query);
  return (await results(page)).filter((r) => r.kind === "member").map((r) => r.userid);
}

let page;
let snapshots;
const env = suite({ directory: FILE }, async ({ browser }) => {
  ({ page } = await newPage(browser, "phone"));
  snapshots = recordSnapshots(page);
});

test("a page holding the snapshot of before shows it at once, gets a patch behind it, stores the new bytes and shows them on 立即刷新", async () => {
  assert.equal(await signedIn(page, env.app, VIEWER), "ready");
  await serviceWorkerInControl(page);
  const first = await stored(page);
  assert.equal(first.viewer, VIEWER);
  assert.equal((await snapshots()).at(-1).status, 200, "the first visit downloads the whole snapshot");

  const { changed, before, fresh } = await publishEdit(1);
  // Shown members whose change the page can show (the resigned are in nobody's snapshot).
  const mobile = changed.mobiles.find((m) => fresh.dir.member(m.userid)?.mobile === m.mobile);
  const joined = changed.joined.find((m) => fresh.dir.member(m.userid)?.mobile === m.mobile);
  const left = changed.left
    .map(({ userid }) => ({ userid, mobile: digits(before.dir.member(userid)?.mobile ?? "") }))
    .find((m) => m.mobile);
  assert.ok(mobile && joined && left, "the edit changed members the viewer sees");
  assert.ok((await found(page, left.mobile)).includes(left.userid), "before the update, found");

  await page.reload({ waitUntil: "load" });
  assert.equal(await settled(page), "ready");
  // The snapshot held is shown at once; the patched one, checked and stored behind it, is offered.
  assert.equal(await page.getAttribute("body", "data-checked"), "updated");
  assert.equal(await page.getAttribute("body", "data-offline"), null);
  assert.match(await page.textContent("#notice"), /^通讯录已更新。立即刷新$/);
  assert.ok((await found(page, left.mobile)).includes(left.userid), "until then, the directory shown at the start");
  const update = (await snapshots()).at(-1);
  assert.equal(update.status, 226, `the update came as a patch: ${JSON.stringify(update)}`);
  assert.equal(update.im, "txldif");
  assert.equal(update.aim, "txldif");
  assert.equal(update.base, first.etag);
  // Compared with the whole snapshot as the server would send it in the same coding: brotli
  // (quality 5) when the browser offers it, as Chromium does, else gzip.
  assert.ok(["br", "gzip"].includes(update.contentEncoding), `sent as ${update.contentEncoding}`);
  const brotliParams = { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_LGWIN]: 24 };
  const whole =
    update.contentEncoding === "br"
      ? brotliCompressSync(fresh.bytes, { params: brotliParams }).length
      : gzipSync(fresh.bytes).length;
  const share = update.transferred / whole;
  console.log(
    `patch: ${update.transferred} bytes transferred (${update.contentEncoding}) for a new snapshot of ` +
      `${fresh.bytes.length} bytes (${whole} in ${update.contentEncoding}): ${(share * 100).toFixed(1)}% of the whole`,
  );
  assert.equal(update.transferred, update.contentLength, "the bytes on the wire");
  // SPEC §8: a change of 1% of the members costs a page at most 5% of the new snapshot.
  assert.ok(share <= 0.05, `a patch of ${(share * 100).toFixed(1)}% of the new snapshot`);

  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("#notice button")]);
  assert.equal(await settled(page), "ready");
  assert.equal(await page.getAttribute("body", "data-checked"), "kept", "nothing newer than what was stored");
  assert.equal(await page.isVisible("#notice"), false, "no notice");
  assert.deepEqual(await found(page, mobile.mobile), [mobile.userid], "found by the new mobile");
  assert.ok((await found(page, joined.mobile)).includes(joined.userid), "a newcomer is found");
  await shot(page, "update-patched-phone");
  assert.ok(!(await found(page, left.mobile)).includes(left.userid), "someone who left is gone");
  assert.ok(!(await found(page, left.userid)).includes(left.userid), "also by account");

  const now = await stored(page);
  const served = await snapshotOf(env.app, VIEWER); // as a fresh client gets it
  assert.equal(now.sha, sha256(served.bytes), "the stored bytes are exactly the server's new snapshot");
  assert.equal(now.etag, update.etag);

  await page.context().setOffline(true);
  try {
    await page.reload({ waitUntil: "load" });
    assert.equal(await settled(page), "ready", "offline, the patched snapshot opens");
    assert.equal(await page.getAttribute("body", "data-offline"), "offline");
    assert.deepEqual(await found(page, mobile.mobile), [mobile.userid]);
  } finally {
    await page.context().setOffline(false);
  }
});

test("a patch altered on the way is refused: the snapshot held stays in use, and the page says so", async () => {
  const held = await stored(page);
  const { changed, fresh } = await publishEdit(2);
  const mobile = changed.mobiles.find((m) => fresh.dir.member(m.userid)?.mobile === m.mobile);
  let patches = 0;
  await page.route("**/api/snapshot", async (route) => {
    if (!route.request().headers()["a-im"]) {
      // The retry of the whole snapshot fails too, so the page has only what it holds.
      return route.fulfill({ status: 503, contentType: "application/json", body: '{"error": "busy"}' });
    }
    const response = await route.fetch();
    assert.equal(response.status(), 226);
    patches += 1;
    const body = await response.body(); // decoded
    body[Math.floor(body.length / 2)] ^= 0x20;
    const headers = { ...response.headers() };
    delete headers["content-encoding"];
    delete headers["content-length"];
    return route.fulfill({ status: 226, headers, body });
  });
  try {
    await page.reload({ waitUntil: "load" });
    assert.equal(await settled(page), "ready", "the directory stays usable");
    assert.equal(patches, 1);
    assert.deepEqual(
      (await snapshots()).slice(-2).map((s) => [s.status, s.aim]),
      [
        [226, "txldif"],
        [503, null],
      ],
      "one retry, for the whole snapshot",
    );
    assert.equal(await page.getAttribute("#notice", "data-kind"), "error");
    const text = await page.textContent("#notice");
    assert.match(text, /^通讯录增量更新未通过校验，已丢弃，改为下载完整的通讯录。/);
    assert.match(text, /服务器暂时不可用，正在使用 (刚刚|\d+ 分钟前)保存的通讯录/);
    const details = await page.$$eval("#notice details", (ds) => ds.map((d) => [d.open, d.textContent]));
    assert.equal(details.length, 2, "each cause folded under its own 详情");
    assert.ok(details.every(([open]) => !open), "folded");
    assert.match(details[1][1], /^详情HTTP 503/);
    assert.equal(await page.getAttribute("body", "data-offline"), "server-error");
    assert.deepEqual(await stored(page), held, "the snapshot held is kept, untouched");
    assert.ok(!(await found(page, mobile.mobile)).includes(mobile.userid), "the change is not shown");
    await shot(page, "update-refused-phone");
  } finally {
    await page.unroute("**/api/snapshot");
  }

  // With the network behaving again, the next visit gets the update, and shows it on 立即刷新.
  await page.reload({ waitUntil: "load" });
  assert.equal(await settled(page), "ready");
  assert.equal((await snapshots()).at(-1).status, 226);
  assert.equal(await page.getAttribute("body", "data-checked"), "updated");
  assert.equal((await stored(page)).sha, sha256((await snapshotOf(env.app, VIEWER)).bytes));
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("#notice button")]);
  assert.equal(await settled(page), "ready");
  assert.deepEqual(await found(page, mobile.mobile), [mobile.userid]);
});
