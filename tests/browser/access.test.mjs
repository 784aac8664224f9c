// What SPEC §6 asks of every screen a person sees, measured in the page at a phone (390 and
// 360 px wide) and a PC viewport, in light and dark colour schemes:
//
// - every visible control (button, link, input, option, summary…) has an accessible name and a
//   box of at least 44×44 px to tap;
// - every visible piece of text has a contrast of at least 4.5:1 with what is behind it (3:1 when
//   large), computed as WCAG 2.x does, from the computed colours the page really draws;
// - everything a person reads is Chinese: once the directory's own strings (names, accounts,
//   e-mails, positions…) are taken out, no run of two Latin letters is left, neither in the text
//   on screen nor in the names a screen reader speaks (a lone letter, as on the A–Z bar and its
//   section titles, is no word).
//
// The one exception to 44×44 px is the A–Z bar: its letters stand in one column beside the list,
// so each can be no taller than the bar's height shared among them, which on a phone (and a PC
// window of ordinary height) is less than 44 px. The bar is a full 44 px wide, each letter must
// take all the height it can have (up to 44 px), and a drag along the bar picks the letter under
// the finger wherever it lands, which is how the bar is used. No link sits inside running text,
// so none is exempt as one.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { SAMPLE_JSON } from "../node/helpers.mjs";
import { load, newPage, search, shot, signedIn, startApp } from "./harness.mjs";
import { suite } from "./common.mjs";

const env = suite();
// The demo sign-in and its error screen, which offers to sign in again.
const demo = {};
before(async () => {
  demo.app = await startApp({ demo: true });
});
after(async () => {
  await demo.app?.close();
});

const MIN_TARGET = 44;

/**
 * The directory's own strings that may hold Latin letters: what members are called, their
 * accounts and addresses, the positions and department names the organisation gave them. The
 * demo serves the same sample, so one list serves both servers.
 */
const DATA = (() => {
  const file = JSON.parse(readFileSync(SAMPLE_JSON, "utf8"));
  const strings = [file.corp_name];
  const MEMBER_FIELDS = ["userid", "name", "alias", "position", "email", "mobile", "telephone", "weixin_id"];
  for (const m of file.userlist) {
    for (const key of MEMBER_FIELDS) strings.push(m[key]);
    for (const [k, v] of Object.entries(m.extattr ?? {})) strings.push(k, v);
  }
  for (const d of file.department) strings.push(d.name);
  for (const g of file.group ?? []) strings.push(g.name);
  const latin = strings.filter((s) => typeof s === "string" && /[A-Za-z]/.test(s));
  // Longest first, so that "Peter Johnson" goes as a whole before "Peter" could.
  return [...new Set(latin)].sort((a, b) => b.length - a.length);
})();

/** The Latin words left in `text` once the directory's strings are taken out, each in context. */
function englishIn(text) {
  let rest = text;
  for (const s of DATA) if (rest.includes(s)) rest = rest.split(s).join(" ");
  return [...rest.matchAll(/[A-Za-z]{2,}/g)].map((m) =>
    JSON.stringify(rest.slice(Math.max(0, m.index - 12), m.index + m[0].length + 12).replace(/\s+/g, " ")),
  );
}

/**
 * Runs in the page: measures the controls, the colours of every text and what the screen says,
 * within the open modal dialog if there is one (the rest of the page is inert behind it).
 */
function audit(minTarget) {
  const scope = document.querySelector("dialog:modal") ?? document.body;

  // ---- what is shown ----
  const shown = (el) =>
    el.checkVisibility({
      checkOpacity: true,
      checkVisibilityCSS: true,
      opacityProperty: true,
      visibilityProperty: true,
    }) &&
    !(el.closest("details:not([open])") && !el.closest("summary")) &&
    !clippedAway(el);
  // The visually-hidden pattern: a 1 px clipped box, read by screen readers and shown to no one.
  function clippedAway(el) {
    for (let a = el; a; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if ((cs.clip !== "auto" || cs.clipPath !== "none") && a.getBoundingClientRect().width <= 1) return true;
    }
    return false;
  }
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += `#${el.id}`;
    for (const c of el.classList) s += `.${c}`;
    for (const [k, v] of Object.entries(el.dataset)) s += `[data-${k}="${v}"]`;
    return s;
  };
  const short = (text) => {
    const t = text.replace(/\s+/g, " ").trim();
    return t.length > 24 ? `${t.slice(0, 23)}…` : t;
  };

  // ---- accessible names (the parts of the accname algorithm this page uses) ----
  function contentText(node) {
    let s = "";
    for (const c of node.childNodes) {
      if (c.nodeType === Node.TEXT_NODE) s += c.data;
      else if (c.nodeType === Node.ELEMENT_NODE) {
        if (c.getAttribute("aria-hidden") === "true" || c.hidden) continue;
        // Words in boxes of their own are apart; inline ones run on ("staff001@<wbr>x.com").
        const gap = getComputedStyle(c).display === "inline" ? "" : " ";
        if (c.tagName === "IMG") s += `${gap}${c.getAttribute("alt") ?? ""}${gap}`;
        else if (c.getAttribute("aria-label")) s += `${gap}${c.getAttribute("aria-label")}${gap}`;
        else s += `${gap}${contentText(c)}${gap}`;
      }
    }
    return s;
  }
  function accessibleName(el) {
    const by = el.getAttribute("aria-labelledby");
    if (by) return by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? "").join(" ").trim();
    const label = el.getAttribute("aria-label")?.trim();
    if (label) return label;
    if (el.labels?.length) return [...el.labels].map((l) => l.textContent).join(" ").trim();
    if (!["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName)) {
      const text = contentText(el).replace(/\s+/g, " ").trim();
      if (text) return text;
    }
    return el.getAttribute("title")?.trim() ?? "";
  }

  // ---- 1. controls: a name, and 44×44 px to tap ----
  const CONTROLS =
    'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="option"], [role="button"], ' +
    '[role="link"], [tabindex]:not([tabindex="-1"])';
  const targets = [];
  const names = [];
  let az = null;
  for (const el of scope.querySelectorAll(CONTROLS)) {
    if (!shown(el)) continue;
    const box = el.getBoundingClientRect();
    const name = accessibleName(el);
    names.push(name);
    let need = { w: minTarget, h: minTarget };
    let slack = 0.01;
    const bar = el.closest("#az");
    if (bar) {
      // The A–Z exception (see the top of this file): the letters share the bar's height, which
      // layout rounds to its pixels.
      const letters = bar.querySelectorAll("button").length;
      const fits = bar.clientHeight / letters;
      need = { w: minTarget, h: Math.min(minTarget, fits) };
      slack = 0.5;
      az = { barWidth: bar.getBoundingClientRect().width, barHeight: bar.clientHeight, letters, fits };
    }
    const problems = [];
    if (!name) problems.push("no accessible name");
    if (box.width < need.w - slack || box.height < need.h - slack)
      problems.push(`${box.width.toFixed(1)}×${box.height.toFixed(1)} px, needs ${need.w}×${need.h.toFixed(1)}`);
    if (problems.length) targets.push(`${describe(el)} “${short(name || el.textContent)}”: ${problems.join("; ")}`);
  }

  // ---- 2. contrast ----
  const rgba = (css) => {
    const m = /^rgba?\(([^)]*)\)$/.exec(css);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  const over = (top, base) => [0, 1, 2].map((i) => top[i] * top[3] + base[i] * (1 - top[3])).concat(1);
  const luminance = ([r, g, b]) =>
    [r, g, b]
      .map((v) => v / 255)
      .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const hex = (c) => `#${c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;

  /** What is behind `el`'s text: its own and its ancestors' background colours, composited. */
  function backdrop(el, own = null) {
    const layers = own ? [own] : [];
    let from = null;
    for (let a = el; a && !(layers.at(-1)?.[3] >= 1); a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.backgroundImage !== "none") return { image: `${describe(a)} has a background image` };
      const c = rgba(cs.backgroundColor);
      if (!c) return { image: `${describe(a)}: unreadable background ${cs.backgroundColor}` };
      if (c[3] > 0) {
        layers.push(c);
        from = a;
      }
    }
    // Nothing opaque up to the root: the canvas, white unless the root paints it.
    let color = layers.at(-1)?.[3] >= 1 ? layers.pop() : [255, 255, 255, 1];
    for (const c of layers.reverse()) color = over(c, color);
    return { color, from };
  }

  /** `el`'s opacity and its ancestors', up to the element that paints the background. */
  function opacity(el, until) {
    let o = 1;
    for (let a = el; a && a !== until; a = a.parentElement) o *= Number(getComputedStyle(a).opacity);
    return o;
  }

  // Failures by kind of element and colours, each with its first example and how many more.
  const contrast = new Map();
  let checked = 0;
  function fail(el, text, problem) {
    const key = `${el.tagName}.${[...el.classList].join(".")} ${problem}`;
    const seen = contrast.get(key);
    if (seen) seen.more++;
    else contrast.set(key, { where: `${describe(el)} “${short(text)}”`, problem, more: 0 });
  }
  function check(el, text, style, ownBackground = null) {
    const fg = rgba(style.color);
    const bg = backdrop(el, ownBackground);
    checked++;
    if (!fg || bg.image) return fail(el, text, bg.image ?? `unreadable colour ${style.color}`);
    const color = over([fg[0], fg[1], fg[2], fg[3] * opacity(el, bg.from)], bg.color);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const need = large ? 3 : 4.5;
    const got = ratio(color, bg.color);
    if (got < need) {
      const why = `${hex(color)} on ${hex(bg.color)} is ${got.toFixed(2)}:1, needs ${need}:1`;
      fail(el, text, `${why} (${size}px, ${style.fontWeight})`);
    }
  }
  // WCAG's exception: a control that is disabled need not be legible at 4.5:1.
  const inactive = (el) => el.closest("button:disabled, input:disabled, textarea:disabled, select:disabled");
  const seen = new Set();
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || seen.has(el) || !shown(el) || inactive(el)) continue;
    seen.add(el); // an element's text nodes share its colours
    check(el, el.textContent, getComputedStyle(el));
  }
  // Generated text ("›" between breadcrumbs, "演示" before the demo note) and placeholders.
  const generated = [];
  for (const el of scope.querySelectorAll("*")) {
    if (!shown(el) || inactive(el)) continue;
    for (const pseudo of ["::before", "::after"]) {
      const style = getComputedStyle(el, pseudo);
      const text = /^"(.*)"$/.exec(style.content)?.[1];
      if (!text?.trim() || style.display === "none") continue;
      generated.push(text);
      const own = rgba(style.backgroundColor);
      check(el, `${pseudo} ${text}`, style, own?.[3] > 0 ? own : null);
    }
    if (el.placeholder && !el.value) {
      generated.push(el.placeholder);
      check(el, `placeholder ${el.placeholder}`, getComputedStyle(el, "::placeholder"));
    }
  }

  // ---- 3. what a person reads ----
  const spoken = [...scope.querySelectorAll("[aria-label], img[alt], [title]")]
    .filter(shown)
    .flatMap((el) => [el.getAttribute("aria-label"), el.getAttribute("alt"), el.getAttribute("title")])
    .filter(Boolean);
  return {
    targets,
    contrast: [...contrast.values()].map(
      ({ where, problem, more }) => `${where}${more ? ` and ${more} more like it` : ""}: ${problem}`,
    ),
    checked,
    controls: names.length,
    az,
    text: [scope.innerText, ...generated, ...names, ...spoken].join("\n"),
  };
}

const VIEWER = "exec001";

async function openDetail(page, query, userid) {
  await search(page, query);
  await page.click(`#list .row[data-userid="${userid}"]`);
  await page.waitForSelector(`#detail-pane article[data-userid="${userid}"]`);
}

/**
 * Each screen: how to reach it on a fresh page. `english: false` where what shows is technical
 * detail for an administrator; `narrow`: also at 360 px, where a layout could run out of room.
 */
const SCREENS = [
  {
    name: "home",
    narrow: true,
    open: async (page) => {
      assert.equal(await signedIn(page, env.app, VIEWER), "ready");
      await page.waitForSelector("#list section[data-letter] .row");
    },
  },
  {
    name: "search-wang",
    open: async (page) => {
      assert.equal(await signedIn(page, env.app, VIEWER), "ready");
      await search(page, "王");
      await page.waitForSelector("#list .more");
    },
  },
  {
    name: "search-department",
    narrow: true,
    open: async (page) => {
      assert.equal(await signedIn(page, env.app, VIEWER), "ready");
      await search(page, "大客户部");
      await page.waitForSelector('#list section[data-kind="department"] .row');
    },
  },
  {
    // Org browse opens at the viewer's own department; from the top, down into the largest
    // department, which has departments of its own.
    name: "org",
    narrow: true,
    open: async (page) => {
      assert.equal(await signedIn(page, env.app, VIEWER), "ready");
      await page.click("#org-button");
      await page.waitForSelector("#list .crumbs");
      const top = page.locator("#list .crumbs button[data-dept]").first();
      if (await top.count()) await top.click();
      const largest = await page.$$eval('#list section[data-kind="department"] .row', (rows) => {
        const people = (row) => parseInt(row.querySelector(".count").textContent, 10);
        return rows.reduce((a, b) => (people(b) > people(a) ? b : a)).dataset.dept;
      });
      await page.click(`#list .row[data-dept="${largest}"]`);
      await page.waitForSelector('#list .crumbs li:nth-child(2) [aria-current="page"]');
      await page.waitForSelector('#list section[data-kind="department"] .row');
    },
  },
  {
    // A public group (公共群组) opens to its members.
    name: "group",
    open: async (page) => {
      assert.equal(await signedIn(page, env.app, VIEWER), "ready");
      await search(page, "新品项目组");
      await page.click('#list section[data-kind="group"] .row');
      await page.waitForSelector('#list section[data-kind="member"] .row');
    },
  },
  {
    name: "filter",
    open: async (page) => {
      assert.equal(await signedIn(page, env.app, VIEWER), "ready");
      await page.click("#filter-button");
      await page.waitForSelector("#list form select");
    },
  },
  {
    name: "multiselect",
    open: async (page) => {
      assert.equal(await signedIn(page, env.app, VIEWER), "ready");
      await page.click("#select-button");
      await page.click("#list section[data-letter] .row");
      await page.waitForSelector("#group-chat:not(:disabled)");
    },
  },
  {
    name: "detail",
    narrow: true,
    open: async (page) => {
      assert.equal(await signedIn(page, env.app, VIEWER), "ready");
      await openDetail(page, "zhangwei", "staff001");
    },
  },
  {
    // The viewer's own profile, with the fields only they see marked.
    name: "detail-own",
    open: async (page) => {
      assert.equal(await signedIn(page, env.app, "staff001"), "ready");
      await page.waitForFunction(() => localStorage.getItem("tongxunlu.own:staff001"));
      await openDetail(page, "zhangwei", "staff001");
      await page.waitForSelector("#detail-pane .own-only");
    },
  },
  {
    // Chat where no JS-SDK is loaded: the card says why, and offers what works instead.
    name: "chat-fallback",
    open: async (page) => {
      assert.equal(await signedIn(page, env.app, VIEWER), "ready");
      await openDetail(page, "zhangwei", "staff001");
      await page.click('button[data-action="chat"]');
      await page.waitForSelector("#detail-pane .chat-fallback:not([hidden])");
    },
  },
  {
    name: "mention",
    open: async (page) => {
      assert.equal(await signedIn(page, env.app, VIEWER), "ready");
      await openDetail(page, "lina", "dev001");
      await page.click("#message");
      await page.keyboard.type("请 @zhangw");
      await page.waitForSelector("#mention-list:not([hidden]) li");
    },
  },
  {
    name: "qr",
    open: async (page) => {
      assert.equal(await signedIn(page, env.app, VIEWER), "ready");
      await openDetail(page, "zhangwei", "staff001");
      await page.click('button[data-action="qr"]');
      await page.waitForSelector("#qr-dialog[open] #qr-box img");
    },
  },
  {
    name: "demo-signin",
    narrow: true,
    open: async (page) => {
      assert.equal(await load(page, demo.app.url), "signin");
      await page.waitForSelector("#viewers button");
    },
  },
  {
    // A tampered token of the demo's own sign-in: the error screen, with a way to sign in again.
    name: "error",
    narrow: true,
    open: async (page) => {
      const token = await demo.app.demoToken(VIEWER);
      const tampered = `${token.slice(0, -1)}${token.at(-1) === "A" ? "B" : "A"}`;
      assert.match(await load(page, `${demo.app.url}#token=${tampered}`), /^error: /);
      assert.equal(await page.isVisible("#error-action"), true);
    },
  },
  {
    // 详情 unfolded: what it holds is for an administrator, and may be English.
    name: "error-technical",
    english: false,
    open: async (page) => {
      assert.match(await load(page, `${env.app.url}#token=not-a-token`), /^error: /);
      await page.click("#error summary");
      await page.waitForSelector("#error details[open] #error-message");
    },
  },
];

const VIEWS = [
  { name: "phone", kind: "phone" },
  { name: "phone-360", kind: "phone", size: { width: 360, height: 740 }, narrow: true },
  { name: "pc", kind: "pc" },
];

/** Fails with every problem listed, one a line, rather than a diff of two arrays. */
function none(problems, what) {
  if (problems.length) assert.fail(`${problems.length} ${what}:\n${problems.join("\n")}`);
}

for (const view of VIEWS) {
  describe(`accessibility at the ${view.name} viewport`, () => {
    for (const screen of SCREENS.filter((s) => !view.narrow || s.narrow)) {
      test(screen.name, async (t) => {
        const { context, page } = await newPage(env.browser, view.kind);
        try {
          if (view.size) await page.setViewportSize(view.size);
          await screen.open(page);
          const found = {};
          for (const scheme of ["light", "dark"]) {
            await page.emulateMedia({ colorScheme: scheme });
            found[scheme] = await page.evaluate(audit, MIN_TARGET);
            await shot(page, `access-${screen.name}-${view.name}-${scheme}`);
          }
          const { light, dark } = found;
          assert.ok(light.controls > 0 && light.checked > 0, "the audit found the screen's controls and text");

          await t.test("every control has a name and 44×44 px to tap", () => {
            none(light.targets, "controls");
            if (light.az) assert.ok(light.az.barWidth >= MIN_TARGET, `the A–Z bar: ${JSON.stringify(light.az)}`);
          });
          await t.test("the same in the dark", () => none(dark.targets, "controls"));
          for (const scheme of ["light", "dark"]) {
            await t.test(`text contrast, ${scheme}`, () => none(found[scheme].contrast, "kinds of text"));
          }
          if (screen.english !== false) {
            await t.test("everything a person reads is Chinese, but for the directory's own data", () =>
              none(englishIn(light.text), "English words"),
            );
          }
        } finally {
          await context.close();
        }
      });
    }
  });
}
