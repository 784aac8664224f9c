// Finding people on the page, at a phone viewport (WeChat Work's user agent, touch) and a PC
// viewport: the search box with highlights, the A–Z bar (tap and drag), and org browse with
// headcounts and breadcrumbs. Expected answers come from the Node build of the engine on the
// same snapshot the server gave the page.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";

import { tempDir } from "../node/helpers.mjs";
import { launchBrowser, newPage, results, search, shot, signedIn, startApp } from "./harness.mjs";
import { snapshotOf, suite } from "./common.mjs";

let expected; // the Node build's view of exec001's snapshot
/** What the engine answers exec001, who the page searches as. */
const answers = (query, limit) => expected.search(query, { limit, viewer: "exec001" });
const env = suite({}, async ({ app }) => {
  expected = (await snapshotOf(app, "exec001")).dir;
});

/** Names of the rows of the list section for `letter`. */
const letterRows = (page, letter) =>
  page.$$eval(`#list section[data-letter="${letter}"] .row`, (rows) =>
    rows.map((r) => r.querySelector(".row-name").textContent),
  );

/** Drags along the A–Z bar from one letter to another: touch events on a phone, the mouse on a PC. */
async function dragAz(page, kind, from, to, whilePressed) {
  const box = async (letter) => {
    const b = await page.locator(`#az button[data-letter="${letter}"]`).boundingBox();
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  };
  const [a, b] = [await box(from), await box(to)];
  const steps = 8;
  const at = (i) => ({ x: a.x, y: a.y + ((b.y - a.y) * i) / steps });
  if (kind === "phone") {
    const cdp = await page.context().newCDPSession(page);
    const touch = (type, p) =>
      cdp.send("Input.dispatchTouchEvent", { type, touchPoints: p ? [{ x: p.x, y: p.y }] : [] });
    await touch("touchStart", at(0));
    for (let i = 1; i <= steps; i++) await touch("touchMove", at(i));
    await whilePressed();
    await touch("touchEnd");
  } else {
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    for (let i = 1; i <= steps; i++) await page.mouse.move(at(i).x, at(i).y);
    await whilePressed();
    await page.mouse.up();
  }
}

for (const kind of ["phone", "pc"]) {
  describe(`finding people at the ${kind} viewport`, () => {
    test("search by name, pinyin, initials, phone fragment and department marks what matched", async () => {
      const { context, page, errors } = await newPage(env.browser, kind);
      try {
        assert.equal(await signedIn(page, env.app, "exec001"), "ready");
        const cases = [
          { query: "张伟", why: "name" },
          { query: "zhangwei", why: "full pinyin" },
          { query: "zw", why: "initials" },
          { query: "zhangw", why: "pinyin prefix" },
        ];
        for (const { query, why } of cases) {
          await search(page, query);
          const rows = await results(page);
          const zhang = rows.find((r) => r.userid === "staff001");
          assert.ok(
            zhang,
            `${why}: 张伟 (staff001) is among the results of ${query}: ${JSON.stringify(rows.slice(0, 5))}`,
          );
          assert.deepEqual(zhang.marks, ["张伟"], `${why}: the name is marked`);
          assert.equal(
            rows[0].userid,
            answers(query, 1)[0].userid,
            `${why}: ranked as the engine ranks`,
          );
          assert.match(await page.textContent("#result-count"), /^找到 \d+ (人|个部门|个群组)( · \d+ (个部门|个群组))*$/);
          const sections = await page.$$eval("#list section[data-kind]", (ss) => ss.map((x) => x.dataset.kind));
          const kinds = [...new Set(answers(query, 50).map((hit) => hit.kind))];
          assert.deepEqual(sections, kinds, `${why}: 部门 / 群组 / 联系人 in the order of their best result`);
        }
        await shot(page, `search-initials-${kind}`);

        // A typo finds 张伟 only because nothing else matched: the list says it is a correction.
        await search(page, "zhagnwei");
        let rows = await results(page);
        assert.equal(rows[0]?.userid, "staff001", "zhagnwei is a typo of zhangwei");
        assert.equal(await page.textContent("#list .correction"), "没有找到“zhagnwei”，你要找的是不是：");
        await shot(page, `search-correction-${kind}`);
        await search(page, "zhangwei");
        assert.equal(await page.$("#list .correction"), null, "no correction when the query matches");

        // Several words: the right 张伟 is one more word away, and the name is marked.
        await search(page, "张伟 销售");
        rows = await results(page);
        assert.deepEqual(
          rows.map((r) => r.userid),
          answers("张伟 销售", 50).map((hit) => hit.userid),
        );
        assert.equal(rows[0]?.userid, "staff001", "张伟 of 销售 first");
        assert.deepEqual(rows[0].marks, ["张伟"]);
        await shot(page, `search-words-${kind}`);

        await search(page, "1600000");
        rows = await results(page);
        assert.equal(rows[0].userid, "staff001", "a phone fragment finds 张伟");
        assert.match(rows[0].sub, /^手机 13816000002$/);
        assert.deepEqual(rows[0].subMarks, ["1600000"], "the digits matched are marked in the mobile number");
        await shot(page, `search-phone-${kind}`);

        // 王 matches hundreds: a page of 50, then 查看更多 appends the next 50 in the engine's order.
        await search(page, "王");
        assert.equal((await results(page)).length, 50);
        const totals = expected.count("王");
        assert.ok(totals.member.exact && totals.member.count > 100, JSON.stringify(totals));
        assert.match(await page.textContent("#result-count"), new RegExp(`^找到 ${totals.member.count} 人( · |$)`));
        const title = (await page.textContent('#list section[data-kind="member"] h2')).trim();
        assert.equal(title, `联系人 · ${totals.member.count}`, "the people's section says how many in all");
        await shot(page, `search-totals-${kind}`);
        // Clicked where it stands, below the first screen: scrolling to it would load the next
        // page by itself (the list's observer), and a click after that would load a third.
        await page.$eval("#list .more", (more) => more.click());
        rows = await results(page);
        const next = answers("王", 100);
        assert.equal(rows.length, 100);
        assert.deepEqual(
          rows.filter((r) => r.kind === "member").map((r) => r.userid),
          next.filter((hit) => hit.kind === "member").map((hit) => hit.userid),
          "the second page follows the first",
        );
        // Scrolled to, 查看更多 loads the next page by itself, once.
        await page.$eval("#list .more", (more) => more.scrollIntoView());
        await page.waitForFunction(() => document.querySelectorAll("#list .row").length >= 150);
        await page.waitForTimeout(300); // time enough for a second load, were there one
        assert.equal((await results(page)).length, 150);

        await search(page, "大客户部");
        rows = await results(page);
        assert.equal(rows[0].kind, "department", "departments come first");
        const departments = rows.filter((r) => r.kind === "department");
        assert.ok(
          departments.every((r) => r.marks.join("") === "大客户部"),
          "every department result marks its name",
        );
        // 21 大客户部: each row shows as many of its ancestors as tell it apart, nearest first,
        // and nothing of the path is cut off.
        const shownAs = departments.map((r) => `${r.sub} › ${r.name}`);
        assert.equal(new Set(shownAs).size, departments.length, `every 大客户部 can be told apart: ${shownAs}`);
        for (const r of departments) {
          const full = expected.department(r.id).breadcrumbs.map((b) => b.name);
          assert.ok(full.join(" › ").endsWith(`${r.sub} › ${r.name}`), `${r.sub} ends the path ${full.join(" › ")}`);
          assert.ok(r.sub.split(" › ").length < full.length - 1, `the path of ${r.id} is shortened from the left`);
        }
        const cut = await page.$$eval('#list section[data-kind="department"] .row-sub', (subs) =>
          subs.filter((s) => s.scrollWidth > s.clientWidth + 1).map((s) => s.textContent),
        );
        assert.deepEqual(cut, [], "no department path is cut off");
        assert.ok(
          rows.some((r) => r.kind === "member"),
          "members of the matched departments follow",
        );
        await shot(page, `search-department-${kind}`);
        // A department result opens org browse at it.
        const dept = expected.member("staff001").departments[0];
        await page.click(`#list button[data-dept="${dept.id}"]`);
        assert.match(
          await page.textContent("#list .org-title"),
          new RegExp(`^大客户部（${expected.department(dept.id).department.headcount}人）$`),
        );
        assert.ok(
          (await results(page)).some((r) => r.userid === "staff001"),
          "张伟 is listed in his department",
        );
        assert.equal(await page.inputValue("#q"), "", "the box is cleared for browsing");

        // Chinese text in a CJK font stack, and nothing wider than the screen.
        const layout = await page.evaluate(() => ({
          lang: document.documentElement.lang,
          font: getComputedStyle(document.body).fontFamily,
          scroll: document.documentElement.scrollWidth - window.innerWidth,
          label: document.querySelector('label[for="q"]').textContent,
        }));
        assert.equal(layout.lang, "zh-CN");
        assert.match(layout.font, /PingFang SC.*Microsoft YaHei.*Noto Sans CJK SC.*WenQuanYi Micro Hei/);
        assert.ok(layout.scroll <= 0, `no horizontal scroll (${layout.scroll} px too wide)`);
        assert.equal(layout.label, "搜索联系人", "the search box is labelled");

        await search(page, "没有这个人xyz");
        assert.equal((await page.textContent("#list .empty")).trim(), "没有找到“没有这个人xyz”");
        assert.deepEqual(errors, [], "no console errors");
      } finally {
        await context.close();
      }
    });

    test("the A–Z bar jumps to a letter by tap and by drag", async () => {
      const { context, page, errors } = await newPage(env.browser, kind);
      try {
        assert.equal(await signedIn(page, env.app, "exec001"), "ready");
        const letters = await page.$$eval("#az button", (bs) => bs.map((b) => b.dataset.letter));
        assert.deepEqual(
          letters,
          ["☆", ...expected.initials().map((i) => i.letter)],
          "☆ (the top of the list), then one button per letter with members",
        );
        if (letters.includes("#")) assert.equal(letters.at(-1), "#", "# comes last");

        const tap = kind === "phone" ? (sel) => page.tap(sel) : (sel) => page.click(sel);
        await tap('#az button[data-letter="Z"]');
        const z = await letterRows(page, "Z");
        const zWant = expected.byInitial("Z", { limit: z.length }).map((m) => m.name);
        assert.ok(z.length >= 20, `the Z section is listed (${z.length} rows)`);
        assert.deepEqual(z, zWant, "the Z section lists the members filed under Z, in pinyin order");
        // Z's title at the top of the list, or as near it as the list can scroll (the letters
        // above Z fill the screen when Z's members alone do not).
        const z0 = await page.$eval("#list", (l) => ({
          top: l.querySelector('section[data-letter="Z"]').getBoundingClientRect().top - l.getBoundingClientRect().top,
          atEnd: l.scrollTop + l.clientHeight >= l.scrollHeight - 2,
        }));
        assert.ok(Math.abs(z0.top) < 2 || (z0.atEnd && z0.top > 0), `the list shows Z at its top (${JSON.stringify(z0)})`);
        await shot(page, `az-tap-${kind}`);

        await dragAz(page, kind, "B", "W", async () => {
          // Moves are delivered with the next frames; the bubble follows the finger to W.
          await page.waitForFunction(() => document.querySelector("#az-bubble").textContent === "W", null, {
            timeout: 3000,
          });
          assert.equal(await page.isVisible("#az-bubble"), true, "the letter bubble shows while dragging");
          await shot(page, `az-drag-${kind}`);
        });
        assert.equal(await page.isVisible("#az-bubble"), false, "the bubble goes when the finger lifts");
        const w = await letterRows(page, "W");
        assert.deepEqual(
          w,
          expected.byInitial("W", { limit: w.length }).map((m) => m.name),
          "the drag ends on W's members",
        );
        assert.equal(await page.getAttribute('#az button[data-letter="W"]', "aria-current"), "");

        // Scrolling to the end of the list loads the next page of it.
        const rowCount = () => page.$$eval("#list section[data-letter] .row", (rows) => rows.length);
        const before = await rowCount();
        await page.$eval("#list", (l) => (l.scrollTop = l.scrollHeight));
        await page.waitForFunction(
          (n) => document.querySelectorAll("#list section[data-letter] .row").length > n,
          before,
          { timeout: 5000 },
        );
        const all = await page.$$eval("#list section[data-letter]", (ss) =>
          ss.map((s) => [s.dataset.letter, s.querySelectorAll(".row").length]),
        );
        let want = [];
        for (const [letter, n] of all)
          want = want.concat(expected.byInitial(letter, { limit: n }).map((m) => m.userid));
        const shown = await page.$$eval("#list section[data-letter] .row", (rows) => rows.map((r) => r.dataset.userid));
        assert.ok(shown.length > before && shown.length === (await rowCount()));
        assert.deepEqual(shown, want, "the next page continues the pinyin order");
        assert.deepEqual(errors, [], "no console errors");
      } finally {
        await context.close();
      }
    });

    test("org browse shows child departments with headcounts, members in order, and breadcrumbs", async () => {
      const { context, page, errors } = await newPage(env.browser, kind);
      try {
        assert.equal(await signedIn(page, env.app, "exec001"), "ready");
        await page.click("#org-button");
        const crumbs = () => page.$$eval("#list .crumbs li", (lis) => lis.map((li) => li.textContent));
        const mine = expected.department(expected.member("exec001").departments[0].id).breadcrumbs;
        assert.deepEqual(
          await crumbs(),
          mine.map((d) => d.name),
          "org browse opens at the viewer's own department (我的部门)",
        );
        const path = expected.department(expected.member("staff001").departments[0].id).breadcrumbs;
        if (mine.length > 1) await page.click(`#list .crumbs button[data-dept="${path[0].id}"]`);
        assert.deepEqual(await crumbs(), [path[0].name], "its first breadcrumb is the top");

        for (let i = 0; i < path.length; i++) {
          const here = path[i];
          const want = expected.children(here.id);
          const shown = await page.$$eval('#list section[data-kind="department"] .row', (rows) =>
            rows.map((r) => `${r.querySelector(".row-name").textContent} ${r.querySelector(".count").textContent}`),
          );
          assert.deepEqual(
            shown,
            want.departments.map((d) => `${d.name} ${d.headcount}人`),
            `child departments of ${here.name}`,
          );
          assert.equal(await page.textContent("#list .org-title"), `${here.name}（${here.headcount}人）`);
          assert.deepEqual(
            await crumbs(),
            path.slice(0, i + 1).map((d) => d.name),
            "breadcrumbs up to the root",
          );
          const members = await page.$$eval('#list section[data-kind="member"] .row', (rows) =>
            rows.map((r) => r.dataset.userid),
          );
          assert.deepEqual(
            members,
            want.members.map((m) => m.userid),
            `members of ${here.name} in sort order`,
          );
          if (i === 1) await shot(page, `org-${kind}`);
          if (i + 1 < path.length) await page.click(`#list button[data-dept="${path[i + 1].id}"]`);
        }
        assert.ok((await results(page)).some((r) => r.userid === "staff001"));
        await shot(page, `org-leaf-${kind}`);
        // A breadcrumb goes back up.
        await page.click(`#list .crumbs button[data-dept="${path[0].id}"]`);
        assert.deepEqual(await crumbs(), [path[0].name]);
        assert.deepEqual(errors, [], "no console errors");
      } finally {
        await context.close();
      }
    });
  });
}

test("highlights count characters, not UTF-16 units (𠮷 is one character, two units)", async () => {
  const tmp = tempDir("tongxunlu-astral-");
  const directory = path.join(tmp.dir, "dir.json");
  writeFileSync(
    directory,
    JSON.stringify({
      department: [{ id: 1, name: "𠮷田商事", parentid: 0, order: 1 }],
      userlist: [
        { userid: "ji001", name: "𠮷田一郎", department: [1], mobile: "13800000001", status: 1 },
        { userid: "viewer", name: "张三", department: [1], mobile: "13800000002", status: 1 },
      ],
    }),
  );
  const app = await startApp({ directory });
  const browser = await launchBrowser();
  try {
    const { page } = await newPage(browser, "phone");
    assert.equal(await signedIn(page, app, "viewer"), "ready");
    await search(page, "田一");
    const [row] = await results(page);
    assert.equal(row.name, "𠮷田一郎");
    assert.deepEqual(row.marks, ["田一"]);
    await search(page, "商事");
    const [dept] = await results(page);
    assert.equal(dept.kind, "department");
    assert.deepEqual(dept.marks, ["商事"]);
  } finally {
    await browser.close();
    await app.close();
    tmp.cleanup();
  }
});
