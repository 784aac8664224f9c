// Org browse (按组织架构): one department at a time — the breadcrumbs above it, its child
// departments with headcounts, then its own members in sort order. It opens at the viewer's own
// department (我的部门), with the company one breadcrumb away; each level is a history entry, so
// back goes up the way the viewer came down (ui.js).

import { h, section } from "./dom.js";

/** The department org browse opens at: the viewer's first department, else the top one (1). */
export function myDepartment(dir, me) {
  const own = me?.departments?.[0]?.id;
  return own !== undefined && dir.department(own) ? own : 1;
}

/** Draws department `id` into `list`; returns the status line, or null for an unknown id. */
export function renderOrg({ list, dir, rows, id, back }) {
  const view = dir.department(id);
  if (!view) return null;
  const { departments, members } = dir.children(id);
  const crumbs = h(
    "nav",
    { class: "crumbs", "aria-label": "部门路径" },
    h("button", { type: "button", class: "crumb-back", "aria-label": "返回", onclick: back }, "‹"),
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
    parts.push(section("下级部门", departments.map((d) => rows.departmentRow(d)), { "data-kind": "department" }));
  if (members.length)
    parts.push(section("成员", members.map((m) => rows.memberRow(m)), { "data-kind": "member" }));
  if (!departments.length && !members.length) parts.push(h("p", { class: "empty" }, "这个部门没有你能看到的成员"));
  list.replaceChildren(...parts);
  list.scrollTop = 0;
  // The last crumb is in view: on a narrow phone a deep path scrolls sideways, not off the end.
  const nav = list.querySelector(".crumbs ol");
  nav.scrollLeft = nav.scrollWidth;
  return `${view.department.name}：${departments.length} 个下级部门，${members.length} 名成员`;
}

/** Draws public group `id` (公共群组) into `list`: its members, and a button to chat with them all. */
export function renderGroup({ list, dir, rows, id, back, chatAll }) {
  const group = dir.group(id);
  if (!group) return null;
  list.replaceChildren(
    h(
      "nav",
      { class: "crumbs", "aria-label": "群组" },
      h("button", { type: "button", class: "crumb-back", "aria-label": "返回", onclick: back }, "‹"),
      h("ol", {}, h("li", {}, h("span", { "aria-current": "page" }, "公共群组"))),
    ),
    h("h2", { class: "org-title", tabindex: "-1" }, `${group.name}（${group.members.length}人）`),
    group.members.length
      ? h(
          "p",
          { class: "group-actions" },
          h("button", { type: "button", class: "primary", onclick: () => chatAll(group) }, "发起群聊"),
        )
      : null,
    group.members.length
      ? section("成员", group.members.map((m) => rows.memberRow(m)), { "data-kind": "member" })
      : h("p", { class: "empty" }, "这个群组没有你能看到的成员"),
  );
  list.scrollTop = 0;
  return `${group.name}：${group.members.length} 名成员`;
}
