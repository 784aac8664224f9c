// The rows every list is made of: a member (avatar, name, position and shortened department
// path), a department (icon, name, the ancestors that tell it apart, headcount) and a public
// group. All are buttons; the list's one click handler (ui.js) tells them apart by
// `data-userid` / `data-dept` / `data-group`.

import { avatar, h } from "./dom.js";
import { SEPARATOR } from "./paths.js";

/** A row with a one-character icon (部, 群) in place of an avatar, then its name and `sub`. */
const labelledRow = (attrs, label, name, sub, trailing = null) =>
  h(
    "li",
    {},
    h(
      "button",
      { type: "button", ...attrs },
      h("span", { class: "avatar dept-icon", "aria-hidden": "true" }, label),
      h("span", { class: "row-text" }, h("span", { class: "row-name" }, name), sub),
      trailing,
    ),
  );

/**
 * Row builders bound to what every row depends on: `paths` (departmentPaths), `selection`
 * (whether rows are being picked for a group chat, and which are) and `openCard()` (the account
 * whose card is open, its row marked).
 */
export function rowBuilder({ paths, selection, openCard }) {
  /** "产品经理 · 华东大区 › 大客户部": position, then the first department's shortened path. */
  function memberSubline(m) {
    const first = m.departments?.[0];
    const where = first ? paths.short(first.id).join(SEPARATOR) || first.name : "";
    return [m.position, where].filter(Boolean).join(" · ");
  }

  function memberRow(m, { name, sub } = {}) {
    const pressed = selection.active ? String(selection.has(m.userid)) : undefined;
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: "row",
          dataset: { userid: m.userid, name: m.name },
          "aria-pressed": pressed,
          "aria-current": openCard() === m.userid ? "true" : undefined,
        },
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

  /** `withPath`: under the name, the ancestors that tell it from same-named departments (at least
   * its parent) — for rows outside their parent, as search results are. */
  function departmentRow(d, { name, withPath = false } = {}) {
    let sub = null;
    if (withPath) {
      const full = paths.full(d.id);
      const shown = Math.max(paths.short(d.id).length, Math.min(2, full.length));
      sub = full.slice(full.length - shown, -1).join(SEPARATOR);
    }
    const count = h("span", { class: "count", "aria-label": `${d.headcount} 人` }, `${d.headcount}人`);
    const subline = sub ? h("span", { class: "row-sub path" }, sub) : null;
    return labelledRow({ class: "row dept", dataset: { dept: String(d.id) } }, "部", name ?? d.name, subline, count);
  }

  /** A public group (公共群组): opens to its members. */
  const groupRow = (g, { name } = {}) =>
    labelledRow(
      { class: "row", dataset: { group: String(g.id) } },
      "群",
      name ?? g.name,
      h("span", { class: "row-sub" }, "公共群组"),
    );

  return { memberRow, departmentRow, groupRow, memberSubline };
}
