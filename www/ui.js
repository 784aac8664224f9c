// The contacts page's screens, drawn from an opened snapshot (`Directory` of the engine).
//
// One list pane and one detail pane. On a phone (below 900 px) they take turns — the detail
// slides over the list and 返回 brings the list back; on a PC they sit side by side. The list
// pane shows one of three things:
//
// - home (the box is empty): 常用联系人, then everyone in pinyin order by letter, loaded a page
//   at a time, with the A–Z bar along the right edge to jump to a letter;
// - search results as the user types (the engine answers in microseconds, so every keystroke
//   searches), grouped 部门 / 群组 / 联系人, the matched characters marked;
// - org browse (按组织架构): breadcrumbs, child departments with headcounts, then members.
//
// The engine's `ranges` count characters (Unicode scalar values), not UTF-16 units, so text is
// split with `Array.from` before marking, and cursor positions are converted the same way.
//
// Everything is built with DOM calls and `textContent`, never by pasting names into HTML.

import { saveVcard, startChat, telHref, mailHref } from "./actions.js";
import { bumpFrequent, frequent, frequentOrder } from "./store.js";

const PAGE = 100; // members per "load more" step of the A–Z list
const SEARCH_LIMIT = 50;
const FREQUENT_SHOWN = 8;

const FIELD_LABELS = {
  alias: "别名",
  account: "账号",
  weixin_id: "微信号",
  email: "邮箱",
  mobile: "手机",
  telephone: "座机",
};

/** `h("button", { class: "x", onclick }, "text", node)`: a small element builder. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  el.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return el;
}

/** `text` with the character ranges `[[start, end], …]` wrapped in `<mark>`. */
function highlight(text, ranges = []) {
  const chars = Array.from(text);
  const out = document.createDocumentFragment();
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const from = Math.max(start, at);
    const to = Math.min(end, chars.length);
    if (from >= to) continue;
    if (from > at) out.append(chars.slice(at, from).join(""));
    out.append(h("mark", {}, chars.slice(from, to).join("")));
    at = to;
  }
  if (at < chars.length) out.append(chars.slice(at).join(""));
  return out;
}

/** UTF-16 offset → character offset in `text` (what the engine's `mentions` takes). */
const charOffset = (text, utf16) => Array.from(text.slice(0, utf16)).length;
/** Character offset → UTF-16 offset. */
const utf16Offset = (text, chars) => Array.from(text).slice(0, chars).join("").length;

function avatar(member, big = false) {
  const first = Array.from(member.name.trim())[0] ?? "?";
  let hash = 0;
  for (const c of member.userid) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return h(
    "span",
    { class: big ? "avatar big" : "avatar", "aria-hidden": "true", dataset: { hue: String(hash % 6) } },
    first.toUpperCase(),
  );
}

// Line icons for the detail actions (SVG, so they look the same without an emoji font).
const ICONS = {
  call: "M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2z",
  chat: "M4 4h16v12H9l-5 4z",
  mail: "M3 5h18v14H3z M3 6l9 7 9-7",
  vcard: "M12 3v12 M7 10l5 5 5-5 M5 21h14",
  qr: "M3 3h7v7H3z M14 3h7v7h-7z M3 14h7v7H3z M14 14h3v3h-3z M18 18h3v3h-3z",
};

function icon(name) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "icon");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

const memberSubline = (m) => [m.position, m.departments?.[0]?.name].filter(Boolean).join(" · ");

/**
 * `own.fields`: the viewer's own fields that the policy hides from everyone else (`own` of
 * /api/me), shown on their own profile only, marked as such; read each time the profile opens.
 */
export function mountUi({ dir, viewer, own = { fields: {} }, root = document }) {
  const $ = (sel) => root.querySelector(sel);
  const list = $("#list");
  const input = $("#q");
  const count = $("#result-count");
  const az = $("#az");
  const bubble = $("#az-bubble");
  const detail = $("#detail-pane");
  const selectBar = $("#select-bar");
  const selectButton = $("#select-button");
  const toastEl = $("#toast");
  const qrDialog = $("#qr-dialog");

  const state = { selecting: false, selected: new Map(), detail: null, returnFocus: null };
  const initials = dir.initials();
  const me = dir.member(viewer);
  let firstResultMarked = false;

  function toast(message) {
    toastEl.textContent = message;
    toastEl.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (toastEl.hidden = true), 4000);
  }

  function setMode(mode) {
    $("#list-pane").dataset.mode = mode;
    az.hidden = mode !== "home" || initials.length === 0;
  }

  function markFirstResult() {
    if (firstResultMarked) return;
    firstResultMarked = true;
    performance.mark("tongxunlu:first-result");
  }

  // ---- rows ---------------------------------------------------------------------------------

  function memberRow(m, { name, sub } = {}) {
    const pressed = state.selecting ? String(state.selected.has(m.userid)) : undefined;
    return h(
      "li",
      {},
      h(
        "button",
        { type: "button", class: "row", dataset: { userid: m.userid, name: m.name }, "aria-pressed": pressed },
        avatar(m),
        h(
          "span",
          { class: "row-text" },
          h("span", { class: "row-name" }, name ?? m.name),
          h("span", { class: "row-sub" }, sub ?? memberSubline(m)),
        ),
        m.disabled ? h("span", { class: "tag" }, "已停用") : null,
      ),
    );
  }

  function departmentRow(d, { name, sub } = {}) {
    return h(
      "li",
      {},
      h(
        "button",
        { type: "button", class: "row dept", dataset: { dept: String(d.id) } },
        h("span", { class: "avatar dept-icon", "aria-hidden": "true" }, "部"),
        h(
          "span",
          { class: "row-text" },
          h("span", { class: "row-name" }, name ?? d.name),
          sub ? h("span", { class: "row-sub" }, sub) : null,
        ),
        h("span", { class: "count", "aria-label": `${d.headcount} 人` }, `${d.headcount}人`),
      ),
    );
  }

  const section = (title, rows, attrs = {}) =>
    h(
      "section",
      { class: "group", ...attrs },
      h("h2", { class: "group-title" }, title),
      h("ul", { class: "rows" }, rows),
    );

  // ---- home: frequent contacts and the A–Z list ---------------------------------------------

  let azCursor = null; // { letterIndex, offset } of the next page of the A–Z list

  function frequentSection() {
    const members = frequentOrder(viewer)
      .map((userid) => dir.member(userid))
      .filter(Boolean)
      .slice(0, FREQUENT_SHOWN);
    return members.length
      ? section(
          "常用联系人",
          members.map((m) => memberRow(m)),
          { id: "frequent" },
        )
      : null;
  }

  function appendLetters(container) {
    let shown = 0;
    while (azCursor && shown < PAGE) {
      const { letter, count: total } = initials[azCursor.letterIndex];
      const members = dir.byInitial(letter, { offset: azCursor.offset, limit: PAGE - shown });
      let ul = container.querySelector(`section[data-letter="${CSS.escape(letter)}"] ul`);
      if (!ul) {
        const s = section(letter, [], { "data-letter": letter, "aria-label": `${letter}（${total}人）` });
        container.append(s);
        ul = s.querySelector("ul");
      }
      ul.append(...members.map((m) => memberRow(m)));
      shown += members.length;
      azCursor.offset += members.length;
      if (azCursor.offset >= total || members.length === 0) {
        azCursor =
          azCursor.letterIndex + 1 < initials.length ? { letterIndex: azCursor.letterIndex + 1, offset: 0 } : null;
      }
    }
    removeMore(container);
    if (azCursor) {
      const more = h("button", { type: "button", class: "more", onclick: () => appendLetters(container) }, "加载更多");
      container.append(more);
      moreObserver?.observe(more);
    }
  }

  const moreObserver =
    "IntersectionObserver" in globalThis
      ? new IntersectionObserver(
          // A button already used is gone from the page: an entry queued for it before its click
          // must not load its page a second time.
          (entries) => entries.forEach((e) => e.isIntersecting && e.target.isConnected && e.target.click()),
          { root: list },
        )
      : null;

  /** Takes away a list's 加载更多 / 查看更多 button, once its page is being loaded. */
  function removeMore(container) {
    const more = container.querySelector(".more");
    if (more) {
      moreObserver?.unobserve(more);
      more.remove();
    }
  }

  function renderHome(fromLetter) {
    setMode("home");
    const container = h("div", { class: "az-list" });
    const index = fromLetter ? initials.findIndex((i) => i.letter === fromLetter) : 0;
    azCursor = index >= 0 && initials.length ? { letterIndex: index, offset: 0 } : null;
    // 常用联系人 head the list, not a jump to a letter.
    const frequentPart = fromLetter ? null : frequentSection();
    appendLetters(container);
    list.replaceChildren(...[frequentPart, container].filter(Boolean));
    list.scrollTop = 0;
    count.textContent = "";
    markFirstResult();
  }

  function jumpTo(letter) {
    if (input.value) input.value = "";
    renderHome(letter);
    setActiveLetter(letter);
  }

  // The A–Z bar: tap a letter or drag along the bar; a bubble shows the letter under the finger.
  function letterAt(clientY) {
    const buttons = [...az.querySelectorAll("button")];
    if (!buttons.length) return null;
    const first = buttons[0].getBoundingClientRect();
    const last = buttons[buttons.length - 1].getBoundingClientRect();
    const span = (last.bottom - first.top) / buttons.length;
    const i = Math.min(buttons.length - 1, Math.max(0, Math.floor((clientY - first.top) / span)));
    return buttons[i].dataset.letter;
  }

  function setActiveLetter(letter) {
    for (const b of az.querySelectorAll("button")) b.toggleAttribute("aria-current", b.dataset.letter === letter);
  }

  let dragging = null;
  function dragTo(clientY) {
    const letter = letterAt(clientY);
    if (!letter) return;
    bubble.textContent = letter;
    bubble.hidden = false;
    if (letter !== dragging.letter) {
      dragging.letter = letter;
      jumpTo(letter);
    }
  }
  az.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    az.setPointerCapture?.(e.pointerId);
    dragging = { letter: null };
    dragTo(e.clientY);
  });
  az.addEventListener("pointermove", (e) => dragging && dragTo(e.clientY));
  const endDrag = () => {
    dragging = null;
    bubble.hidden = true;
  };
  az.addEventListener("pointerup", endDrag);
  az.addEventListener("pointercancel", endDrag);
  // Keyboard and screen readers press the buttons; a pointer already jumped on pointerdown.
  az.addEventListener("click", (e) => {
    const b = e.target.closest("button");
    if (b && e.detail === 0) jumpTo(b.dataset.letter);
  });
  az.replaceChildren(
    ...initials.map(({ letter, count: n }) =>
      h("button", { type: "button", dataset: { letter }, "aria-label": `${letter}，${n}人` }, letter),
    ),
  );

  // ---- search ---------------------------------------------------------------------------------

  const SEARCH_SECTIONS = { department: "部门", group: "群组", member: "联系人" };

  function hitRow(hit) {
    const marked = highlight(hit.text, hit.ranges);
    if (hit.kind === "department") {
      const view = dir.department(hit.id);
      const path = view?.breadcrumbs
        .slice(0, -1)
        .map((b) => b.name)
        .join(" › ");
      return departmentRow(view?.department ?? { id: hit.id, name: hit.name, headcount: 0 }, {
        name: marked,
        sub: path,
      });
    }
    if (hit.kind === "group") {
      return h(
        "li",
        {},
        h(
          "div",
          { class: "row static" },
          h("span", { class: "avatar dept-icon", "aria-hidden": "true" }, "群"),
          h(
            "span",
            { class: "row-text" },
            h("span", { class: "row-name" }, marked),
            h("span", { class: "row-sub" }, "公共群组"),
          ),
        ),
      );
    }
    const m = dir.member(hit.userid);
    if (!m) return null;
    if (hit.field === "name") return memberRow(m, { name: marked });
    const label = FIELD_LABELS[hit.field];
    return memberRow(m, { sub: label ? h("span", {}, `${label} `, marked) : memberSubline(m) });
  }

  /** How many results a search has in all, by kind ("找到 446 人 · 2 个部门"); past the engine's
   * count limit, only that there are at least so many. */
  function totalsText(totals) {
    const kinds = [
      [totals.member, "人"],
      [totals.department, "个部门"],
      [totals.group, "个群组"],
    ];
    if (!totals.member.exact) return `找到 ${kinds.reduce((n, [t]) => n + t.count, 0)}+ 个结果`;
    const parts = kinds.filter(([t]) => t.count > 0).map(([t, unit]) => `${t.count} ${unit}`);
    return `找到 ${parts.join(" · ")}`;
  }

  /** What an empty result says: a phone number being typed is not yet a search (SPEC §4: three
   * digits or more). */
  function emptyText(query) {
    const digits = query.replace(/[\s\-+()]/g, "");
    if (/^\d{1,2}$/.test(digits)) return "继续输入号码，至少 3 位数字";
    return `没有找到“${query}”`;
  }

  function renderSearch(query) {
    setMode("search");
    list.replaceChildren();
    const totals = dir.count(query);
    const hits = appendSearchPage({ query, offset: 0, totals });
    if (!hits.length) list.append(h("p", { class: "empty" }, emptyText(query)));
    // Typos are looked for only when nothing else matched (SPEC §4): the list is a correction.
    if (hits.length && hits.every((hit) => hit.way === "typo")) {
      list.prepend(h("p", { class: "correction" }, `没有找到“${query}”，你要找的是不是：`));
    }
    list.scrollTop = 0;
    count.textContent = hits.length ? totalsText(totals) : "没有找到结果";
    if (hits.length) markFirstResult();
  }

  /** Appends the next page of a search's results to the list, each under its kind's section,
   * titled with how many there are in all (`paging.totals`, from `dir.count`):
   * the sections in the order of their best result, departments first when a department is what
   * matched best (大客户部), people first when a person is. A full page ends in 查看更多, which
   * loads the next (by itself when it scrolls into view). */
  function appendSearchPage(paging) {
    // The viewer's frequent contacts, then their nearest colleagues, rank first among equals.
    const options = { limit: SEARCH_LIMIT, offset: paging.offset, frequent: frequent(viewer), viewer };
    const hits = dir.search(paging.query, options);
    paging.offset += hits.length;
    removeMore(list);
    for (const hit of hits) {
      const row = hit.kind in SEARCH_SECTIONS ? hitRow(hit) : null;
      if (!row) continue;
      let ul = list.querySelector(`section[data-kind="${hit.kind}"] ul`);
      if (!ul) {
        // The section says how many of its kind there are in all: "联系人 · 446".
        const total = paging.totals[hit.kind];
        const title = `${SEARCH_SECTIONS[hit.kind]} · ${total.count}${total.exact ? "" : "+"}`;
        const added = section(title, [], { "data-kind": hit.kind });
        list.append(added);
        ul = added.querySelector("ul");
      }
      ul.append(row);
    }
    if (hits.length === SEARCH_LIMIT) {
      const more = h("button", { type: "button", class: "more", onclick: () => appendSearchPage(paging) }, "查看更多");
      list.append(more);
      moreObserver?.observe(more);
    }
    return hits;
  }

  function onQuery() {
    const query = input.value.trim();
    if (query) renderSearch(query);
    else renderHome();
  }
  input.addEventListener("input", onQuery);
  $("#search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    input.blur(); // closes the phone keyboard
  });

  // ---- org browse -----------------------------------------------------------------------------

  function rootDepartment() {
    const first = me?.departments?.[0]?.id;
    const view = first !== undefined ? dir.department(first) : undefined;
    return view?.breadcrumbs[0]?.id ?? 1;
  }

  function renderOrg(id) {
    const view = dir.department(id);
    if (!view) return toast("该部门不在你的通讯录中");
    setMode("org");
    if (input.value) input.value = "";
    const { departments, members } = dir.children(id);
    const crumbs = h(
      "nav",
      { class: "crumbs", "aria-label": "部门路径" },
      h(
        "ol",
        {},
        view.breadcrumbs.map((b, i) =>
          h(
            "li",
            {},
            i === view.breadcrumbs.length - 1
              ? h("span", { "aria-current": "page" }, b.name)
              : h("button", { type: "button", dataset: { dept: String(b.id) } }, b.name),
          ),
        ),
      ),
    );
    const parts = [
      crumbs,
      h("h2", { class: "org-title", tabindex: "-1" }, `${view.department.name}（${view.department.headcount}人）`),
    ];
    if (departments.length)
      parts.push(
        section(
          "下级部门",
          departments.map((d) => departmentRow(d)),
          { "data-kind": "department" },
        ),
      );
    if (members.length)
      parts.push(
        section(
          "成员",
          members.map((m) => memberRow(m)),
          { "data-kind": "member" },
        ),
      );
    if (!departments.length && !members.length) parts.push(h("p", { class: "empty" }, "这个部门没有你能看到的成员"));
    list.replaceChildren(...parts);
    list.scrollTop = 0;
    count.textContent = `${view.department.name}：${departments.length} 个下级部门，${members.length} 名成员`;
    list.querySelector(".org-title").focus({ preventScroll: true });
  }

  // ---- selection and group chat ----------------------------------------------------------------

  function setSelecting(on) {
    state.selecting = on;
    state.selected.clear();
    selectButton.setAttribute("aria-pressed", String(on));
    selectButton.textContent = on ? "取消多选" : "多选";
    updateSelectBar();
    for (const b of list.querySelectorAll("button[data-userid]")) {
      if (on) b.setAttribute("aria-pressed", "false");
      else b.removeAttribute("aria-pressed");
    }
  }

  function updateSelectBar() {
    selectBar.hidden = !state.selecting;
    $("#select-count").textContent = `已选 ${state.selected.size} 人`;
    $("#group-chat").disabled = state.selected.size === 0;
  }

  async function chat(userids, groupName = "") {
    for (const userid of userids) bumpFrequent(viewer, userid);
    const result = await startChat(userids, { groupName });
    if (!result.ok) toast(result.message);
    return result;
  }

  selectButton.addEventListener("click", () => setSelecting(!state.selecting));
  $("#group-chat").addEventListener("click", async () => {
    const names = [...state.selected.values()];
    const groupName = names.length > 3 ? `${names.slice(0, 3).join("、")}等${names.length}人` : names.join("、");
    const result = await chat([...state.selected.keys()], groupName);
    if (result.ok) setSelecting(false);
  });

  // ---- detail ----------------------------------------------------------------------------------

  /** An e-mail address that a narrow screen wraps after its `@`, not in the middle of a word. */
  function breakableEmail(email) {
    const at = email.indexOf("@");
    return at < 0 ? email : [email.slice(0, at + 1), h("wbr"), email.slice(at + 1)];
  }

  /** `ownOnly`: a field only the viewer sees, on their own profile. */
  function fieldRow(label, value, href, ownOnly = false) {
    const shown = href ? h("a", { href }, value) : value;
    const note = ownOnly ? h("span", { class: "own-only" }, "仅自己可见") : null;
    return h("div", { class: "field" }, h("dt", {}, label), h("dd", {}, shown, note));
  }

  /** The member as the snapshot has them; the viewer with their own hidden fields laid over. */
  function memberShown(userid) {
    const m = dir.member(userid);
    if (!m || userid !== viewer) return { m, hidden: new Set() };
    const fields = own.fields ?? {};
    const hidden = new Set(Object.keys(fields).filter((key) => m[key] === undefined));
    const extattr = { ...(fields.extattr ?? {}), ...(m.extattr ?? {}) };
    return { m: { ...fields, ...m, extattr }, hidden };
  }

  function showDetail(userid, opener) {
    const { m, hidden } = memberShown(userid);
    if (!m) return toast("这位联系人不在你的通讯录中");
    state.detail = userid;
    state.returnFocus = opener ?? null;
    // A disabled (已停用) account receives no messages and is not to be rung as a colleague: its
    // card still shows what the directory holds, without the actions that reach the person.
    const reachable = !m.disabled;
    const mobile = m.mobile && reachable ? telHref(m.mobile) : "";
    const actions = h(
      "div",
      { class: "actions", role: "group", "aria-label": "联系方式" },
      mobile ? h("a", { class: "action", href: mobile, "data-action": "call" }, icon("call"), "打电话") : null,
      reachable
        ? h("button", { type: "button", class: "action", "data-action": "chat" }, icon("chat"), "发消息")
        : null,
      m.email
        ? h("a", { class: "action", href: mailHref(m.email), "data-action": "mail" }, icon("mail"), "发邮件")
        : null,
      h("button", { type: "button", class: "action", "data-action": "vcard" }, icon("vcard"), "存入手机"),
      h("button", { type: "button", class: "action", "data-action": "qr" }, icon("qr"), "二维码名片"),
    );
    const fields = h(
      "dl",
      { class: "fields" },
      m.mobile ? fieldRow("手机", m.mobile, telHref(m.mobile), hidden.has("mobile")) : null,
      m.telephone ? fieldRow("座机", m.telephone, telHref(m.telephone), hidden.has("telephone")) : null,
      m.email ? fieldRow("邮箱", breakableEmail(m.email), mailHref(m.email), hidden.has("email")) : null,
      m.weixin_id ? fieldRow("微信号", m.weixin_id, undefined, hidden.has("weixin_id")) : null,
      m.alias ? fieldRow("别名", m.alias, undefined, hidden.has("alias")) : null,
      h(
        "div",
        { class: "field" },
        h("dt", {}, "部门"),
        h(
          "dd",
          {},
          m.departments.map((d) =>
            h("button", { type: "button", class: "link", dataset: { dept: String(d.id) } }, d.name),
          ),
        ),
      ),
      m.birthday ? fieldRow("生日", m.birthday, undefined, hidden.has("birthday")) : null,
      m.hire_date ? fieldRow("入职日期", m.hire_date, undefined, hidden.has("hire_date")) : null,
      Object.entries(m.extattr ?? {}).map(([k, v]) => fieldRow(k, v, undefined, hidden.has("extattr"))),
    );
    const compose = h(
      "form",
      { class: "compose", "data-userid": m.userid },
      h("label", { for: "message" }, `给 ${m.name} 留言（输入 @ 提及同事）`),
      h("textarea", {
        id: "message",
        rows: "2",
        "aria-autocomplete": "list",
        "aria-controls": "mention-list",
        "aria-expanded": "false",
        autocomplete: "off",
      }),
      h("ul", { id: "mention-list", role: "listbox", "aria-label": "提及建议", hidden: true }),
      h("button", { type: "submit", class: "primary" }, "发送"),
    );
    detail.replaceChildren(
      h(
        "div",
        { class: "detail-bar" },
        h("button", { type: "button", class: "back", "data-action": "back" }, "‹ 返回"),
      ),
      h(
        "article",
        { class: "card", "aria-labelledby": "detail-name", dataset: { userid: m.userid } },
        h(
          "header",
          { class: "card-head" },
          avatar(m, true),
          h(
            "div",
            {},
            h(
              "h2",
              { id: "detail-name", tabindex: "-1" },
              m.name,
              m.disabled ? h("span", { class: "tag" }, "已停用") : null,
            ),
            m.position ? h("p", { class: "position" }, m.position) : null,
            h("p", { class: "path" }, m.departments.map((d) => d.name).join("、")),
          ),
        ),
        reachable ? null : h("p", { class: "notice-inline" }, "该账号已停用，无法发消息或通话。"),
        actions,
        fields,
        reachable ? compose : null,
      ),
    );
    if (reachable) wireCompose(compose, m);
    document.body.dataset.view = "detail";
    // The detail is a history entry, so that the phone's back button (WeChat's ‹) closes it
    // rather than leaving the page.
    if (history.state?.view !== "detail") history.pushState({ ...history.state, view: "detail" }, "");
    detail.hidden = false;
    $("#detail-name").focus({ preventScroll: true });
  }

  function closeDetail() {
    if (history.state?.view === "detail") return history.back(); // popstate comes back here
    document.body.dataset.view = "list";
    state.detail = null;
    if (window.matchMedia("(max-width: 899px)").matches) state.returnFocus?.focus?.();
  }

  function wireCompose(form, person) {
    const box = form.querySelector("textarea");
    const options = form.querySelector("#mention-list");
    const mentioned = new Map(); // name → userid of the mentions chosen from the list
    let current = null; // the engine's answer for the @query under the cursor
    let active = 0;

    function closeList() {
      current = null;
      options.hidden = true;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
    }
    function paint() {
      [...options.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
      box.setAttribute("aria-activedescendant", `mention-${active}`);
    }
    function refresh() {
      const m = dir.mentions(box.value, charOffset(box.value, box.selectionStart));
      if (!m || !m.suggestions.length) return closeList();
      current = m;
      active = 0;
      options.replaceChildren(
        ...m.suggestions.map((s, i) =>
          h(
            "li",
            { id: `mention-${i}`, role: "option", dataset: { userid: s.userid } },
            avatar(s),
            h("span", {}, s.name),
            h("span", { class: "row-sub" }, memberSubline(s)),
          ),
        ),
      );
      options.hidden = false;
      box.setAttribute("aria-expanded", "true");
      paint();
    }
    function choose(i) {
      const s = current?.suggestions[i];
      if (!s) return;
      const text = box.value;
      const start = utf16Offset(text, current.start);
      const end = utf16Offset(text, current.end);
      const insert = `@${s.name} `;
      box.value = text.slice(0, start) + insert + text.slice(end);
      box.selectionStart = box.selectionEnd = start + insert.length;
      mentioned.set(s.name, s.userid);
      closeList();
      box.focus();
    }
    box.addEventListener("input", refresh);
    box.addEventListener("keydown", (e) => {
      if (!current) return;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const n = current.suggestions.length;
        active = (active + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
        paint();
      } else if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        choose(active);
      } else if (e.key === "Escape") {
        closeList();
      }
    });
    // mousedown, not click: choosing must not blur the box first.
    options.addEventListener("mousedown", (e) => {
      const li = e.target.closest("li[role=option]");
      if (!li) return;
      e.preventDefault();
      choose([...options.children].indexOf(li));
    });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const text = box.value.trim();
      const others = [...mentioned].filter(([name]) => text.includes(`@${name}`)).map(([, userid]) => userid);
      const people = [...new Set([person.userid, ...others])].filter((u) => u !== viewer || person.userid === viewer);
      if (text) navigator.clipboard?.writeText(text).catch(() => {});
      const names = people.map((u) => dir.member(u)?.name ?? u);
      const result = await chat(people, names.join("、"));
      if (result.ok && text) toast("消息已复制，可在聊天中粘贴发送");
    });
  }

  async function onDetailAction(action, button) {
    const m = dir.member(state.detail);
    if (!m) return;
    if (action === "back") return closeDetail();
    if (action === "call") return bumpFrequent(viewer, m.userid);
    if (action === "chat") return chat([m.userid]);
    if (action === "vcard") {
      try {
        saveVcard(dir.vcard(m.userid), m.name);
      } catch (err) {
        toast(`无法生成名片：${err.message}`);
      }
      return;
    }
    if (action === "qr") return showQr(m, button);
  }

  window.addEventListener("popstate", () => document.body.dataset.view === "detail" && closeDetail());

  detail.addEventListener("click", (e) => {
    const target = e.target.closest("[data-action], button[data-dept]");
    if (!target) return;
    if (target.dataset.dept) {
      closeDetail();
      return renderOrg(Number(target.dataset.dept));
    }
    onDetailAction(target.dataset.action, target);
  });

  async function showQr(m, opener) {
    let svg;
    try {
      svg = dir.qrSvg(m.userid);
    } catch (err) {
      return toast(`无法生成二维码：${err.message}`);
    }
    $("#qr-title").textContent = `${m.name} 的名片`;
    const label = `${m.name} 的名片二维码`;
    // As a picture (PNG), so that WeChat's long-press offers 识别图中二维码 and 保存图片, which it
    // does for images and not for inline SVG; the SVG itself where drawing it fails.
    const picture = await qrPicture(svg).catch(() => null);
    if (picture) {
      $("#qr-box").replaceChildren(h("img", { src: picture, alt: label, class: "qr-image" }));
    } else {
      // The SVG comes from the engine (paths and rectangles only), parsed as SVG, not HTML.
      const el = new DOMParser().parseFromString(svg, "image/svg+xml").documentElement;
      el.setAttribute("role", "img");
      el.setAttribute("aria-label", label);
      $("#qr-box").replaceChildren(document.importNode(el, true));
    }
    qrDialog.showModal();
    qrDialog.addEventListener("close", () => opener?.focus(), { once: true });
  }

  /** The engine's QR SVG drawn as a PNG data URL, its modules sharp at any size the phone shows. */
  async function qrPicture(svg) {
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    await image.decode();
    const side = 640;
    const canvas = Object.assign(document.createElement("canvas"), { width: side, height: side });
    const ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, side, side);
    ctx.drawImage(image, 0, 0, side, side);
    return canvas.toDataURL("image/png");
  }
  $("#qr-close").addEventListener("click", () => qrDialog.close());

  // ---- the list's clicks ------------------------------------------------------------------------

  list.addEventListener("click", (e) => {
    const button = e.target.closest("button");
    if (!button) return;
    if (button.dataset.userid) {
      if (state.selecting) {
        const on = !state.selected.has(button.dataset.userid);
        if (on) state.selected.set(button.dataset.userid, button.dataset.name);
        else state.selected.delete(button.dataset.userid);
        button.setAttribute("aria-pressed", String(on));
        return updateSelectBar();
      }
      return showDetail(button.dataset.userid, button);
    }
    if (button.dataset.dept) return renderOrg(Number(button.dataset.dept));
  });
  $("#org-button").addEventListener("click", () => renderOrg(rootDepartment()));

  // ---- start --------------------------------------------------------------------------------------

  const initialQuery = new URLSearchParams(location.search).get("q");
  if (initialQuery) input.value = initialQuery;
  onQuery();
  document.body.dataset.view = "list";
}
