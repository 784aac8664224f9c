// Moving around the page as phone and PC users do (SPEC §6): the back gesture and forward step
// through searches, departments and cards without leaving the page; org browse opens at 我的部门;
// the A–Z bar's ☆ and the letters above a jump; 星标; public groups; department paths that tell
// same-named departments apart in member rows; and the PC keyboard.

import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { writeFileSync } from "node:fs";
import path from "node:path";

import { tempDir } from "../node/helpers.mjs";
import { shorten } from "../../www/views/paths.js";
import { launchBrowser, newPage, results, search, shot, signedIn, startApp } from "./harness.mjs";
import { chats, FAKE_WW, snapshotOf, suite } from "./common.mjs";

let expected; // the Node build's view of exec001's snapshot
const env = suite({}, async ({ app }) => {
  expected = (await snapshotOf(app, "exec001")).dir;
});


/** What the page shows, in a few words: `search:dkh`, `org:大客户部`, `home`, and `+card:张伟`. */
async function where(page) {
  return page.evaluate(() => {
    const mode = document.querySelector("#list-pane").dataset.mode;
    let what = mode;
    if (mode === "search") what = `search:${document.querySelector("#q").value}`;
    if (mode === "org") what = `org:${document.querySelector("#list .crumbs [aria-current=page]").textContent}`;
    const card = document.body.dataset.view === "detail" ? document.querySelector("#detail-name")?.firstChild?.textContent : null;
    return card ? `${what}+card:${card}` : what;
  });
}

/** Waits until the page shows `want` (see `where`); history steps settle a moment later. */
async function until(page, want) {
  for (let i = 0; i < 50 && (await where(page)) !== want; i++) await page.waitForTimeout(20);
  return where(page);
}

/** Back (or forward), then what the page shows once it settled. */
async function step(page, direction) {
  const before = page.url();
  await (direction === "back" ? page.goBack({ waitUntil: "commit" }) : page.goForward({ waitUntil: "commit" }));
  await page.waitForTimeout(50);
  assert.equal(page.url(), before, "the page itself is never left");
  return where(page);
}

describe("paths.js on its own", () => {
  test("the nearest ancestors that differ, no more", () => {
    const shown = (...paths) => shorten(paths).map((names) => names.join(" › "));
    assert.deepEqual(shown(["公司", "大客户部"]), ["大客户部"], "a name no other has stands alone");
    assert.deepEqual(
      shown(["公司", "华东大区", "上海分公司", "大客户部"], ["公司", "华东大区", "杭州分公司", "大客户部"]),
      ["上海分公司 › 大客户部", "杭州分公司 › 大客户部"],
    );
    assert.deepEqual(
      shown(["公司", "华东大区", "上海分公司", "二组"], ["公司", "华北大区", "上海分公司", "二组"], ["公司", "杭州分公司", "二组"]),
      ["华东大区 › 上海分公司 › 二组", "华北大区 › 上海分公司 › 二组", "杭州分公司 › 二组"],
      "each as far as it takes, no further",
    );
    assert.deepEqual(
      shown(["公司", "上海分公司", "大客户部"], ["上海分公司", "大客户部"]),
      ["公司 › 上海分公司 › 大客户部", "上海分公司 › 大客户部"],
      "a shorter path that agrees all the way up",
    );
    assert.deepEqual(shown(["公司", "二组"], ["公司", "二组"]), ["公司 › 二组", "公司 › 二组"], "the same names all the way");
  });

  test("for random trees, every shortened path is its own path's end, tells it apart, and is no longer than that takes", () => {
    let seed = 7;
    const random = (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const NAMES = ["大客户部", "二组", "上海分公司", "杭州分公司", "华东大区", "销售中心"];
    const last = (path, n) => path.slice(Math.max(0, path.length - n)).join("/");
    for (let round = 0; round < 300; round++) {
      const tree = [["公司"]];
      for (let i = 0; i < 30; i++) tree.push([...tree[random(tree.length)], NAMES[random(NAMES.length)]]);
      for (const name of new Set(tree.map((p) => p.at(-1)))) {
        const paths = tree.filter((p) => p.at(-1) === name);
        const shown = shorten(paths);
        paths.forEach((p, i) => {
          const m = shown[i].length;
          assert.deepEqual(p.slice(p.length - m), shown[i], "the end of its own path");
          const others = paths.filter((_, j) => j !== i);
          for (const o of others) {
            if (o.join("/") !== p.join("/")) assert.notEqual(last(o, m), last(p, m), `${p.join("/")} vs ${o.join("/")}`);
          }
          // One name fewer, and another department of the name would look the same.
          if (m > 1) assert.ok(others.some((o) => last(o, m - 1) === last(p, m - 1)), `${p.join("/")} shows no more than it needs`);
        });
      }
    }
  });
});

describe("views on their own", () => {
  test("the search and org views draw from a Directory and arguments alone, without ui.js", async () => {
    const { context, page, errors } = await newPage(env.browser, "pc");
    try {
      // A bare page of the app's origin: no app.js, no ui.js; the views and the engine are
      // imported from the server as the page imports them.
      const bare = new URL("__bare.html", env.app.url).href;
      await page.route(bare, (route) =>
        route.fulfill({ contentType: "text/html", body: '<!doctype html><meta charset="utf-8"><div id="list"></div>' }),
      );
      await page.goto(bare);
      const token = env.app.token("exec001");
      const drawn = await page.evaluate(async (token) => {
        const engine = await import("/pkg/tongxunlu.js");
        await engine.default();
        const res = await fetch("/api/snapshot", { headers: { authorization: `Bearer ${token}` } });
        const dir = engine.Directory.open(new Uint8Array(await res.arrayBuffer()));
        const { departmentPaths } = await import("/views/paths.js");
        const { rowBuilder } = await import("/views/rows.js");
        const { pager } = await import("/views/dom.js");
        const { renderSearch } = await import("/views/search.js");
        const { renderOrg } = await import("/views/org.js");
        const list = document.querySelector("#list");
        const rows = rowBuilder({ paths: departmentPaths(dir), selection: { active: false }, openCard: () => null });
        const ids = () => [...list.querySelectorAll(".row")].map((r) => r.dataset.userid ?? `dept:${r.dataset.dept}`);
        const status = renderSearch({ list, dir, rows, pager: pager(list), viewer: "exec001", frequent: {}, query: "zw" });
        const search = { status, ids: ids() };
        const line = renderOrg({ list, dir, rows, id: 1, back: () => {} });
        return { search, org: { line, ids: ids() } };
      }, token);
      const want = expected.search("zw", { limit: 50, viewer: "exec001" });
      // Grouped by kind, the kinds in the order of each one's best result.
      const kinds = [...new Set(want.map((h) => h.kind))];
      const grouped = kinds.flatMap((kind) => want.filter((h) => h.kind === kind));
      assert.deepEqual(
        drawn.search.ids,
        grouped.map((h) => (h.kind === "member" ? h.userid : h.kind === "department" ? `dept:${h.id}` : undefined)),
      );
      assert.match(drawn.search.status, /^找到 \d+ 人/);
      const top = expected.children(1);
      assert.deepEqual(drawn.org.ids, [...top.departments.map((d) => `dept:${d.id}`), ...top.members.map((m) => m.userid)]);
      assert.match(drawn.org.line, /个下级部门/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

const departmentsNamed = (name) => expected.search(name, { limit: 200 }).filter((h) => h.kind === "department" && h.name === name);

for (const kind of ["phone", "pc"]) {
  describe(`navigation at the ${kind} viewport`, () => {
    test("back and forward step through searches, department levels and cards, and never leave the page", async () => {
      const { context, page, errors } = await newPage(env.browser, kind);
      try {
        assert.equal(await signedIn(page, env.app, "exec001"), "ready");
        const [big] = departmentsNamed("大客户部");
        const parent = expected.department(big.id).breadcrumbs.at(-2);
        const member = expected.children(big.id).members[0];
        const visited = ["home"];
        await search(page, "dkh");
        visited.push(await where(page));
        await page.click(`#list button[data-dept="${big.id}"]`);
        visited.push(await where(page));
        await page.click(`#list .crumbs button[data-dept="${parent.id}"]`);
        visited.push(await where(page));
        await page.click(`#list button[data-dept="${big.id}"]`);
        await page.click(`#list button[data-userid="${member.userid}"]`);
        await page.waitForSelector(`#detail-pane article[data-userid="${member.userid}"]`);
        visited.push(`org:大客户部+card:${member.name}`);
        assert.equal(await where(page), visited.at(-1));
        assert.deepEqual(visited.slice(1, 4), ["search:dkh", "org:大客户部", `org:${parent.name}`]);
        await shot(page, `navigation-card-${kind}`);

        // Back: the card, then 大客户部 again (it was opened twice), its parent, the first
        // 大客户部, the search (its query back in the box), home.
        const backwards = [];
        for (let i = 0; i < 5; i++) backwards.push(await step(page, "back"));
        assert.deepEqual(backwards, ["org:大客户部", `org:${parent.name}`, "org:大客户部", "search:dkh", "home"]);
        assert.equal((await results(page)).length, 0, "home lists no search results");
        // And forward again, to the card.
        const forwards = [];
        for (let i = 0; i < 6; i++) forwards.push(await step(page, "forward"));
        assert.deepEqual(forwards, [
          "search:dkh",
          "org:大客户部",
          `org:${parent.name}`,
          "org:大客户部",
          `org:大客户部+card:${member.name}`,
          // forward at the last entry stays
          `org:大客户部+card:${member.name}`,
        ]);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    test("org browse opens at 我的部门; its ‹ and the back gesture go back to where it was opened", async () => {
      const { context, page, errors } = await newPage(env.browser, kind);
      try {
        // A supplier's contact sees few people: they land in their own department at once.
        assert.equal(await signedIn(page, env.app, "exec001"), "ready");
        const mine = expected.member("exec001").departments[0];
        await page.click("#org-button");
        assert.equal(await where(page), `org:${mine.name}`);
        assert.ok((await results(page)).some((r) => r.userid === "exec001"), "the viewer is among its members");
        await page.click("#list .crumb-back");
        assert.equal(await until(page, "home"), "home");
        // Deeper: ‹ goes back one level at a time.
        await page.click("#org-button");
        const top = expected.department(mine.id).breadcrumbs[0];
        await page.click(`#list .crumbs button[data-dept="${top.id}"]`);
        assert.equal(await where(page), `org:${top.name}`);
        await page.click("#list .crumb-back");
        assert.equal(await until(page, `org:${mine.name}`), `org:${mine.name}`);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    test("closing a card leaves the list where it was scrolled, and back returns to the scroll it left", async () => {
      const { context, page, errors } = await newPage(env.browser, kind);
      try {
        assert.equal(await signedIn(page, env.app, "exec001"), "ready");
        await page.$eval("#list", (l) => (l.scrollTop = 1500));
        await page.waitForTimeout(100);
        const scrolled = await page.$eval("#list", (l) => l.scrollTop);
        const row = await page.evaluate(() => {
          const list = document.querySelector("#list").getBoundingClientRect();
          const r = [...document.querySelectorAll("#list .row")].find((b) => b.getBoundingClientRect().top > list.top + 20);
          return r.dataset.userid;
        });
        await page.click(`#list .row[data-userid="${row}"]`);
        await page.waitForSelector(`#detail-pane article[data-userid="${row}"]`);
        if (kind === "pc") {
          assert.equal(
            await page.getAttribute(`#list .row[data-userid="${row}"]`, "aria-current"),
            "true",
            "the open person's row is marked",
          );
        }
        await page.goBack();
        await page.waitForFunction(() => document.body.dataset.view === "list");
        assert.equal(await page.$eval("#list", (l) => l.scrollTop), scrolled, "the list did not move");
        assert.equal(await page.$(`#list .row[aria-current]`), null, "no row marked once the card closed");

        // Into a department and back: the home list comes back scrolled as it was left.
        await page.click("#org-button");
        await page.goBack();
        await page.waitForFunction(() => document.querySelector("#list-pane").dataset.mode === "home");
        assert.equal(await page.$eval("#list", (l) => l.scrollTop), scrolled);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    test("☆ on the A–Z bar goes back to 星标 and 常用; after a jump the letters above load on scrolling up", async () => {
      const { context, page, errors } = await newPage(env.browser, kind, { init: FAKE_WW });
      try {
        assert.equal(await signedIn(page, env.app, "exec001"), "ready");
        // Star someone.
        await search(page, "zhangwei");
        await page.click('#list .row[data-userid="staff001"]');
        await page.click('button[data-action="star"]');
        assert.equal(await page.getAttribute('button[data-action="star"]', "aria-pressed"), "true");
        assert.equal((await page.textContent('button[data-action="star"]')).trim(), "已星标");
        await page.keyboard.press("Escape");
        await page.fill("#q", "");
        await page.waitForSelector("#starred");
        assert.deepEqual(await page.$$eval("#starred .row", (rs) => rs.map((r) => r.dataset.userid)), ["staff001"]);
        assert.equal((await page.textContent("#starred h2")).trim(), "星标联系人");

        const tap = kind === "phone" ? (sel) => page.tap(sel) : (sel) => page.click(sel);
        await tap('#az button[data-letter="M"]');
        assert.equal(await page.$("#starred"), null, "a jump starts the list at its letter");
        const firstM = await page.$eval('#list section[data-letter="M"] .row', (r) => r.dataset.userid);
        const mTop = () =>
          page.$eval(`#list .row[data-userid="${firstM}"]`, (r) => Math.round(r.getBoundingClientRect().top));
        const before = await mTop();
        // Scrolling up to the top of M loads the letters above it, and M stays where it was.
        await page.$eval("#list", (l) => l.scrollBy(0, -40));
        await page.waitForSelector('#list section[data-letter="L"]');
        const l = await page.$$eval('#list section[data-letter="L"] .row', (rs) => rs.map((r) => r.dataset.userid));
        const lAll = expected.byInitial("L", { limit: 10_000 }).map((m) => m.userid);
        assert.deepEqual(l, lAll.slice(lAll.length - l.length), "the last of L, in order, just above M");
        assert.ok(Math.abs((await mTop()) - (before + 40)) <= 2, "the rows already shown do not jump");
        // And down: the next page below, one 加载更多 at a time, the letters above still to load.
        const rowsNow = await page.$$eval("#list .row", (rs) => rs.length);
        await page.$eval("#list", (l) => (l.scrollTop = l.scrollHeight));
        await page.waitForFunction((n) => document.querySelectorAll("#list .row").length > n, rowsNow);
        assert.equal(await page.$$eval("#list .more:not(.more-above)", (ms) => ms.length), 1);
        assert.equal(await page.$$eval("#list .more-above", (ms) => ms.length), 1);
        await shot(page, `az-above-${kind}`);

        await tap('#az button[data-letter="☆"]');
        await page.waitForSelector("#starred");
        assert.equal(await page.$eval("#list", (l) => l.scrollTop), 0);
        assert.equal(await page.$eval("#list section", (s) => s.id), "starred", "the top of the list again");
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    test("a public group opens to its members and starts a group chat with them", async () => {
      const { context, page, errors } = await newPage(env.browser, kind, { init: FAKE_WW });
      try {
        assert.equal(await signedIn(page, env.app, "exec001"), "ready");
        const group = expected.group(1);
        await search(page, group.name);
        const row = (await results(page)).find((r) => r.kind === "group");
        assert.equal(row.name, group.name);
        await page.click('#list section[data-kind="group"] .row');
        assert.equal((await page.textContent("#list .org-title")).trim(), `${group.name}（${group.members.length}人）`);
        assert.deepEqual(
          (await results(page)).map((r) => r.userid),
          group.members.map((m) => m.userid),
          "its members, in the group's order",
        );
        await shot(page, `group-${kind}`);
        await page.click('#list .group-actions button:has-text("发起群聊")');
        assert.deepEqual(await chats(page), [
          {
            userIds: group.members
              .map((m) => m.userid)
              .filter((u) => u !== "exec001")
              .join(";"),
            groupName: group.name,
            chatId: "",
          },
        ]);
        assert.equal(await step(page, "back"), `search:${group.name}`);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  });
}

test("member rows show the department path that tells same-named departments apart", async () => {
  const { context, page, errors } = await newPage(env.browser, "phone");
  try {
    assert.equal(await signedIn(page, env.app, "exec001"), "ready");
    const named = departmentsNamed("大客户部");
    assert.ok(named.length > 10, "the sample has many 大客户部");
    const ids = new Set(named.map((d) => d.id));
    await search(page, "大客户部");
    // The members listed after the departments: each row's path is its department's own.
    await page.$eval("#list .more", (more) => more.click());
    const rows = (await results(page)).filter((r) => r.kind === "member");
    const byDepartment = new Map();
    for (const r of rows) {
      const d = expected.member(r.userid).departments[0];
      if (!ids.has(d.id)) continue;
      const path = r.sub.split(" · ").at(-1);
      const full = expected
        .department(d.id)
        .breadcrumbs.map((b) => b.name)
        .join(" › ");
      assert.ok(full.endsWith(path) && path.includes(" › 大客户部"), `${r.name}: "${path}" is the end of ${full}`);
      byDepartment.set(d.id, path);
    }
    assert.ok(byDepartment.size > 1, "members of several 大客户部 are listed");
    assert.equal(new Set(byDepartment.values()).size, byDepartment.size, "no two 大客户部 look the same");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

for (const kind of ["phone", "pc"]) {
  test(`筛选 combines gender, birthday month, follow state and 我的部门 (${kind})`, async () => {
    const { context, page, errors } = await newPage(env.browser, kind);
    try {
      assert.equal(await signedIn(page, env.app, "exec001"), "ready");
      await page.click("#filter-button");
      const shown = async () =>
        (await results(page)).map((r) => r.userid);
      const want = (f) => expected.filter({ ...f, limit: 50 }).map((m) => m.userid);
      assert.deepEqual(await shown(), want({}), "no filter: everyone, in the usual order");
      // The sample's field policy hides birthdays: there are none to filter by.
      assert.equal(await page.$('select[name="month"]'), null, "no birthday filter without birthdays");
      await page.selectOption('select[name="gender"]', "2");
      assert.deepEqual(await shown(), want({ gender: "2" }));
      assert.equal(await page.evaluate(() => document.activeElement.name), "gender", "the focus stays on the control");
      await page.selectOption('select[name="followed"]', "no");
      const unfollowed = want({ gender: "2", followed: false });
      assert.ok(unfollowed.length > 0, "the sample has women who have not followed the app");
      assert.deepEqual(await shown(), unfollowed);
      assert.equal((await page.textContent("#result-count")).trim(), "已列出 50 人，还有更多");
      const mine = expected.member("exec001").departments[0].id;
      await page.selectOption('select[name="followed"]', "");
      await page.selectOption('select[name="gender"]', "1");
      await page.selectOption('select[name="dept"]', String(mine));
      const few = want({ gender: "1", department: mine });
      assert.ok(few.length > 0 && few.length < 50, `a short list: ${few.length}`);
      assert.deepEqual(await shown(), few);
      assert.equal((await page.textContent("#result-count")).trim(), `找到 ${few.length} 人`);
      await shot(page, `filter-${kind}`);
      // The filters are one history entry: back leaves them.
      assert.equal(await step(page, "back"), "home");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}

test("筛选 by birthday month where the field policy shows birthdays", async () => {
  const tmp = tempDir("tongxunlu-birthdays-");
  const directory = path.join(tmp.dir, "dir.json");
  const month = new Date().getMonth() + 1;
  const inMonth = (m) => `1990-${String(((m - 1 + 12) % 12) + 1).padStart(2, "0")}-15`;
  writeFileSync(
    directory,
    JSON.stringify({
      department: [{ id: 1, name: "示例小学", parentid: 0, order: 1 }],
      field_policy: { birthday: { visible: true, editable: true } },
      userlist: [
        { userid: "viewer", name: "张老师", mobile: "13800000001", department: [1], gender: "2", birthday: inMonth(month), status: 1 },
        { userid: "a", name: "李老师", mobile: "13800000002", department: [1], gender: "1", birthday: inMonth(month), status: 1 },
        { userid: "b", name: "王老师", mobile: "13800000003", department: [1], gender: "2", birthday: inMonth(month + 1), status: 1 },
        { userid: "c", name: "赵老师", mobile: "13800000004", department: [1], gender: "2", status: 1 },
      ],
    }),
  );
  const app = await startApp({ directory });
  const browser = await launchBrowser();
  try {
    const { page, errors } = await newPage(browser, "phone");
    assert.equal(await signedIn(page, app, "viewer"), "ready");
    await page.click("#filter-button");
    await page.selectOption('select[name="month"]', "this");
    assert.deepEqual((await results(page)).map((r) => r.userid).sort(), ["a", "viewer"], "本月生日");
    await page.selectOption('select[name="gender"]', "2");
    assert.deepEqual((await results(page)).map((r) => r.userid), ["viewer"]);
    await page.selectOption('select[name="month"]', String((month % 12) + 1));
    assert.deepEqual((await results(page)).map((r) => r.userid), ["b"], "next month's");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await app.close();
    tmp.cleanup();
  }
});

test("the PC keyboard: / to search, ↓ ↑ through results, Enter opens, Esc closes, clears and goes back", async () => {
  const { context, page, errors } = await newPage(env.browser, "pc");
  try {
    assert.equal(await signedIn(page, env.app, "exec001"), "ready");
    await page.locator("#list").focus();
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement.id), "q");
    await page.keyboard.type("wang");
    const want = expected.search("wang", { limit: 3, viewer: "exec001" });
    const focused = () => page.evaluate(() => document.activeElement.dataset.userid ?? document.activeElement.id);
    await page.keyboard.press("ArrowDown");
    assert.equal(await focused(), want[0].userid);
    await page.keyboard.press("ArrowDown");
    assert.equal(await focused(), want[1].userid);
    const ring = await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { outline: style.outlineStyle, offset: parseFloat(style.outlineOffset) };
    });
    assert.ok(ring.outline !== "none" && ring.offset < 0, `the focus ring is drawn inside the row: ${JSON.stringify(ring)}`);
    await shot(page, "keyboard-pc");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    assert.equal(await focused(), "q", "↑ from the first result goes back to the box");
    await page.keyboard.press("Enter");
    await page.waitForSelector(`#detail-pane article[data-userid="${want[0].userid}"]`);
    assert.equal(await page.getAttribute(`#list .row[data-userid="${want[0].userid}"]`, "aria-current"), "true");
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => document.body.dataset.view === "list");
    assert.equal(await where(page), "search:wang");
    await page.keyboard.press("Escape");
    assert.equal(await until(page, "home"), "home");
    assert.equal(await page.inputValue("#q"), "");
    await page.click("#org-button");
    await page.keyboard.press("Escape");
    assert.equal(await until(page, "home"), "home");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
