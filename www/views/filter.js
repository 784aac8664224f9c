// 筛选 (the 高级搜索 filters, SPEC §4): gender, birthday month ("本月生日"), follow state and the
// viewer's own department, combined; the members who pass all of them, a page at a time, in the
// same order as everywhere else. Birthdays are offered only when the snapshot holds some: where
// the field policy hides them, the viewer has none to filter by. Each change of a filter replaces the history entry (ui.js), so
// back leaves the filters in one step.

import { h, section } from "./dom.js";

const LIMIT = 50;

/** The filters an entry's state holds, as `dir.filter` takes them; empty ones left out. */
function filterOf(state, thisMonth) {
  const f = {};
  if (state.gender === "1" || state.gender === "2") f.gender = state.gender;
  if (state.month === "this") f.birthdayMonth = thisMonth;
  else if (Number(state.month) >= 1 && Number(state.month) <= 12) f.birthdayMonth = Number(state.month);
  if (state.followed === "yes" || state.followed === "no") f.followed = state.followed === "yes";
  if (state.dept !== undefined && state.dept !== null) f.department = Number(state.dept);
  return f;
}

/**
 * Draws the filters and their results into `list`; `change(next)` is called with the filter
 * state the user chose. `myDept`: the viewer's department, or null; `birthdays`: whether any
 * member's birthday is in the snapshot. Returns the status line.
 */
export function renderFilter({ list, dir, rows, pager, state, myDept, birthdays, thisMonth, change }) {
  const choice = (name, label, options, value) =>
    h(
      "label",
      { class: "filter-field" },
      h("span", {}, label),
      h(
        "select",
        {
          name,
          onchange: (e) => {
            change({ ...state, [name]: e.target.value || undefined });
            list.querySelector(`select[name="${name}"]`)?.focus(); // drawn again: keep the user's place
          },
        },
        options.map(([v, text]) => h("option", { value: v, selected: (value ?? "") === v }, text)),
      ),
    );
  const months = Array.from({ length: 12 }, (_, i) => [String(i + 1), `${i + 1} 月`]);
  const form = h(
    "form",
    { class: "filters", "aria-label": "筛选条件", onsubmit: (e) => e.preventDefault() },
    choice("gender", "性别", [["", "不限"], ["1", "男"], ["2", "女"]], state.gender),
    birthdays ? choice("month", "生日", [["", "不限"], ["this", `本月（${thisMonth} 月）`], ...months], state.month) : null,
    choice("followed", "关注状态", [["", "不限"], ["yes", "已关注"], ["no", "未关注"]], state.followed),
    myDept === null
      ? null
      : choice("dept", "范围", [["", "全部"], [String(myDept), "我的部门"]], state.dept === undefined ? "" : String(state.dept)),
  );

  const filter = filterOf(state, thisMonth);
  const results = section("筛选结果", [], { "data-kind": "member" });
  const ul = results.querySelector("ul");
  let offset = 0;
  let line = "";
  function appendPage() {
    pager.remove(list);
    const members = dir.filter({ ...filter, offset, limit: LIMIT });
    offset += members.length;
    ul.append(...members.map((m) => rows.memberRow(m)));
    if (members.length === LIMIT) pager.add(list, "查看更多", appendPage);
    line = members.length === LIMIT ? `已列出 ${offset} 人，还有更多` : `找到 ${offset} 人`;
    results.querySelector("h2").textContent = `筛选结果 · ${offset}${members.length === LIMIT ? "+" : ""}`;
    return members;
  }
  list.replaceChildren(h("h2", { class: "org-title", tabindex: "-1" }, "筛选"), form, results);
  if (!appendPage().length) results.append(h("p", { class: "empty" }, "没有符合条件的联系人"));
  list.scrollTop = 0;
  return line;
}

/** Whether any member's birthday is in `dir`'s snapshot (a filter by month finds someone). */
export function hasBirthdays(dir) {
  for (let month = 1; month <= 12; month++) if (dir.filter({ birthdayMonth: month, limit: 1 }).length) return true;
  return false;
}
