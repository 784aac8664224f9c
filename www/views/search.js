// Search results as the user types (the engine answers in microseconds, so every keystroke
// searches), grouped 部门 / 群组 / 联系人 in the order of each kind's best result, the matched
// characters marked, each section titled with how many of its kind there are in all
// ("联系人 · 446"); a full page ends in 查看更多. Typos are looked for only when nothing else
// matched (SPEC §4), so a list made only of them is shown as a correction.

import { h, highlight, section } from "./dom.js";

const LIMIT = 50; // results per page
const KINDS = { department: "部门", group: "群组", member: "联系人" };

const FIELD_LABELS = {
  alias: "别名",
  account: "账号",
  weixin_id: "微信号",
  email: "邮箱",
  mobile: "手机",
  telephone: "座机",
};

/** How many results a search has in all, by kind ("找到 446 人 · 2 个部门"); past the engine's
 * count limit, only that there are at least so many. */
export function totalsText(totals) {
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
export function emptyText(query) {
  const digits = query.replace(/[\s\-+()]/g, "");
  if (/^\+?\d{1,2}$/.test(digits)) return "继续输入号码，至少 3 位数字";
  return `没有找到“${query}”`;
}

/**
 * Draws the first page of `query`'s results into `list`, asked as `viewer` with the viewer's
 * `frequent` contacts ranked first among equals; returns the status line.
 */
export function renderSearch({ list, dir, rows, pager, viewer, frequent, query }) {
  list.replaceChildren();
  const totals = dir.count(query);
  let offset = 0;

  function hitRow(hit) {
    const marked = highlight(hit.text, hit.ranges);
    if (hit.kind === "department") {
      const department = dir.department(hit.id)?.department ?? { id: hit.id, name: hit.name, headcount: 0 };
      return rows.departmentRow(department, { name: marked, withPath: true });
    }
    if (hit.kind === "group") return rows.groupRow({ id: hit.id, name: hit.name }, { name: marked });
    const m = dir.member(hit.userid);
    if (!m) return null;
    if (hit.field === "name") return rows.memberRow(m, { name: marked });
    const label = FIELD_LABELS[hit.field];
    return rows.memberRow(m, { sub: label ? h("span", {}, `${label} `, marked) : undefined });
  }

  function appendPage() {
    const hits = dir.search(query, { limit: LIMIT, offset, frequent, viewer });
    offset += hits.length;
    pager.remove(list);
    for (const hit of hits) {
      const row = hit.kind in KINDS ? hitRow(hit) : null;
      if (!row) continue;
      let ul = list.querySelector(`section[data-kind="${hit.kind}"] ul`);
      if (!ul) {
        const total = totals[hit.kind];
        const added = section(`${KINDS[hit.kind]} · ${total.count}${total.exact ? "" : "+"}`, [], {
          "data-kind": hit.kind,
        });
        list.append(added);
        ul = added.querySelector("ul");
      }
      ul.append(row);
    }
    if (hits.length === LIMIT) pager.add(list, "查看更多", appendPage);
    return hits;
  }

  const hits = appendPage();
  if (!hits.length) list.append(h("p", { class: "empty" }, emptyText(query)));
  if (hits.length && hits.every((hit) => hit.way === "typo")) {
    list.prepend(h("p", { class: "correction" }, `没有找到“${query}”，你要找的是不是：`));
  }
  list.scrollTop = 0;
  return hits.length ? totalsText(totals) : "没有找到结果";
}
