// The contacts page's screens, drawn from an opened snapshot (`Directory` of the engine), and the
// navigation between them. Each screen is a view in views/, given what it needs as arguments:
//
// - home (views/home.js): 星标 and 常用 contacts, then everyone A–Z, with the A–Z bar;
// - search (views/search.js): results as the user types;
// - org and group (views/org.js): one department, or one public group, at a time;
// - filter (views/filter.js): 筛选, the 高级搜索 filters and who passes them;
// - detail (views/detail.js, compose.js, qr.js): a member's card;
// - selection (views/selection.js): 多选 for a group chat.
//
// One list pane and one detail pane. On a phone (below 900 px) they take turns — the detail
// slides over the list and 返回 brings the list back; on a PC they sit side by side.
//
// Navigation is the browser's history, as phone users expect of the back gesture and WeChat's ‹
// (SPEC §6): every step into the page — a search, a department, a group, a card — is an entry,
// so back goes back one step (a card → the list under it, a department → where it was opened
// from, a search → the list before it) and never out of the page while inside it; forward goes
// the other way. An entry's state says what to draw; further keystrokes of one search, a jump
// along the A–Z bar or another card on a PC replace the entry instead of adding one. The list is
// drawn again only when what it shows changes, so closing a card leaves the list scrolled as it
// was, and an entry keeps the list's scroll position for when back returns to it.
//
// A PC keyboard works too: `/` goes to the search box, ↓ and ↑ move through the results, Enter
// opens the first result from the box (a focused row opens as any button does), Esc closes the
// card, then clears the search, then goes back up a department.

import { detectHost, saveVcard, startChat } from "./actions.js";
import { bumpFrequent, frequent, frequentOrder, starred, toggleStar } from "./store.js";
import { pager as makePager } from "./views/dom.js";
import { departmentPaths } from "./views/paths.js";
import { rowBuilder } from "./views/rows.js";
import { mountAzBar, renderHome } from "./views/home.js";
import { renderSearch } from "./views/search.js";
import { myDepartment, renderGroup, renderOrg } from "./views/org.js";
import { hasBirthdays, renderFilter } from "./views/filter.js";
import { renderDetail } from "./views/detail.js";
import { showQr } from "./views/qr.js";
import { mountSelection } from "./views/selection.js";

const PC = "(min-width: 900px)";
const FILTERS = ["gender", "month", "followed"]; // with `dept`, what a filter entry's state holds

/**
 * `own.fields`: the viewer's own fields that the policy hides from everyone else (`own` of
 * /api/me), shown on their own profile only, marked as such; read each time the profile opens.
 */
export function mountUi({ dir, viewer, own = { fields: {} }, root = document }) {
  const $ = (sel) => root.querySelector(sel);
  const listPane = $("#list-pane");
  const list = $("#list");
  const input = $("#q");
  const status = $("#result-count");
  const az = $("#az");
  const detailPane = $("#detail-pane");
  const toastEl = $("#toast");
  const qrDialog = $("#qr-dialog");
  const host = detectHost();

  const initials = dir.initials();
  const paths = departmentPaths(dir);
  const pager = makePager(list);
  let firstResultMarked = false;
  let birthdays; // whether the snapshot holds any birthday, once the filters were first shown

  function toast(message) {
    toastEl.textContent = message;
    toastEl.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (toastEl.hidden = true), 4000);
  }

  /** Opens a chat; only a chat that opened makes its people 常用. */
  async function chat(userids, groupName = "") {
    const result = await startChat(userids, { groupName });
    if (result.ok) for (const userid of userids) bumpFrequent(viewer, userid);
    return result;
  }
  const chatOrSay = async (userids, groupName) => {
    const result = await chat(userids, groupName);
    if (!result.ok) toast(result.message);
    return result;
  };

  const selection = mountSelection({
    els: { bar: $("#select-bar"), button: $("#select-button"), count: $("#select-count"), start: $("#group-chat"), list },
    chat: chatOrSay,
  });
  const rows = rowBuilder({ paths, selection, openCard: () => openCard });
  const azBar = mountAzBar({
    az,
    bubble: $("#az-bubble"),
    initials,
    jump: (letter) => navigate({ screen: "home", letter }, { replace: true }),
  });

  // ---- navigation -------------------------------------------------------------------------------

  /** The state of the history entry in force: `{ screen, q, dept, group, letter, detail, depth,
   * typed, scroll }` — `depth` counts the page's own entries under it, `typed` marks a search
   * entry added by typing into an empty box. */
  const current = () => (history.state?.tongxunlu ? history.state : { screen: "home", depth: 0 });

  function navigate(next, { replace = false } = {}) {
    const now = current();
    const state = { ...next, tongxunlu: true, depth: replace ? now.depth : now.depth + 1 };
    if (replace) {
      history.replaceState(state, "");
    } else {
      history.replaceState({ ...now, tongxunlu: true, scroll: list.scrollTop }, "");
      history.pushState(state, "");
    }
    render(state);
  }

  /** Back one of the page's own entries, or to home when there is none to go back to. */
  function back() {
    if (current().depth > 0) history.back();
    else navigate({ screen: "home" }, { replace: true });
  }

  let shown = null; // what the list shows, as a key of the state that drew it
  let openCard = null; // the account of the card shown, or null

  function render(state) {
    const key = JSON.stringify([state.screen, state.q, state.dept, state.group, state.letter, ...FILTERS.map((f) => state[f])]);
    if (key !== shown) {
      shown = key;
      drawList(state);
      if (state.scroll) restoreScroll(state.scroll);
    }
    drawCard(state.detail ?? null);
    for (const b of list.querySelectorAll("button[data-userid]")) {
      if (b.dataset.userid === openCard) b.setAttribute("aria-current", "true");
      else b.removeAttribute("aria-current");
    }
  }

  function drawList(state) {
    let screen = state.screen;
    let line = "";
    if (screen === "search" && state.q) {
      if (input.value.trim() !== state.q) input.value = state.q;
      line = renderSearch({ list, dir, rows, pager, viewer, frequent: frequent(viewer), query: state.q });
    } else if (screen === "org" || screen === "group") {
      input.value = "";
      line =
        screen === "org"
          ? renderOrg({ list, dir, rows, id: state.dept, back })
          : renderGroup({ list, dir, rows, id: state.group, back, chatAll: (g) => chatGroup(g) });
      if (line === null) {
        toast(screen === "org" ? "该部门不在你的通讯录中" : "该群组不在你的通讯录中");
        screen = "home";
      } else {
        list.querySelector(".org-title").focus({ preventScroll: true });
      }
    }
    if (screen === "filter") {
      input.value = "";
      const own = dir.member(viewer)?.departments?.[0]?.id;
      line = renderFilter({
        list,
        dir,
        rows,
        pager,
        state,
        myDept: own ?? null,
        birthdays: (birthdays ??= hasBirthdays(dir)),
        thisMonth: new Date().getMonth() + 1,
        change: (next) => navigate({ ...next, screen: "filter" }, { replace: true }),
      });
    }
    if (screen === "home" || (screen === "search" && !state.q)) {
      screen = "home";
      input.value = "";
      const people = { starred: starred(viewer), frequent: frequentOrder(viewer) };
      renderHome({ list, dir, rows, pager, initials, people, letter: state.letter });
      azBar.setActive(state.letter);
    }
    listPane.dataset.mode = screen === "group" || screen === "filter" ? "org" : screen;
    az.hidden = screen !== "home" || initials.length === 0;
    status.textContent = line;
    if (!firstResultMarked && (screen !== "search" || list.querySelector(".row"))) {
      firstResultMarked = true;
      performance.mark("tongxunlu:first-result");
    }
  }

  /** Scrolls back to where an entry was left, loading the pages of a long list up to there. */
  function restoreScroll(scroll) {
    for (let more; list.scrollHeight - list.clientHeight < scroll && (more = list.querySelector(".more:not(.more-above)")); ) {
      more.click();
    }
    list.scrollTop = scroll;
  }

  function drawCard(userid) {
    if (userid && userid !== openCard) {
      const drawn = renderDetail({
        pane: detailPane,
        dir,
        viewer,
        own,
        paths,
        userid,
        isStarred: starred(viewer).includes(userid),
        subline: rows.memberSubline,
        on: cardActions,
      });
      if (!drawn) {
        toast("这位联系人不在你的通讯录中");
        return history.replaceState({ ...current(), detail: null }, "");
      }
    }
    const opening = userid && userid !== openCard;
    const closing = !userid && openCard;
    openCard = userid;
    document.body.dataset.view = userid ? "detail" : "list";
    if (opening) {
      detailPane.hidden = false;
      $("#detail-name").focus({ preventScroll: true });
    }
    // On a phone the list comes back: the focus goes back to the row the card was opened from.
    if (closing && !matchMedia(PC).matches) list.querySelector(`button[data-userid="${CSS.escape(closing)}"]`)?.focus();
  }

  const openCardOf = (userid) => {
    const now = current();
    navigate({ ...now, detail: userid }, { replace: Boolean(now.detail) });
  };
  const closeCard = () => current().detail && back();

  const cardActions = {
    back: closeCard,
    toast,
    chat,
    call: (userid) => bumpFrequent(viewer, userid),
    department: (id) => navigate({ screen: "org", dept: id }),
    star: (userid) => toggleStar(viewer, userid),
    qr: (m, opener) => showQr({ dir, dialog: qrDialog, m, opener, toast }),
    vcard(m, opener) {
      // WeChat's in-app browsers often ignore a file download: there the card is offered as
      // the QR picture, which a long-press saves into the phone's contacts.
      if (host.app !== "browser") {
        const hint = "长按二维码，选择“识别图中二维码”，即可存入手机通讯录";
        return showQr({ dir, dialog: qrDialog, m, opener, hint, toast });
      }
      try {
        saveVcard(dir.vcard(m.userid), m.name);
      } catch (err) {
        console.warn("tongxunlu: no vCard:", err);
        toast("无法生成名片，请稍后再试");
      }
    },
  };

  function chatGroup(group) {
    const people = group.members.map((m) => m.userid).filter((u) => u !== viewer);
    return chatOrSay(people, group.name);
  }

  window.addEventListener("popstate", () => render(current()));

  // ---- the search box and the list --------------------------------------------------------------

  input.addEventListener("input", () => {
    const q = input.value.trim();
    const now = current();
    if (q && now.screen === "search") navigate({ ...now, q }, { replace: true });
    else if (q) navigate({ screen: "search", q, typed: true, detail: matchMedia(PC).matches ? now.detail : null });
    else if (now.screen === "search" && now.typed) back();
    else if (now.screen === "search") navigate({ screen: "home" }, { replace: true });
  });
  $("#search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (matchMedia(PC).matches) list.querySelector("button.row")?.click();
    else input.blur(); // closes the phone keyboard
  });

  list.addEventListener("click", (e) => {
    const button = e.target.closest("button");
    if (!button) return;
    if (button.dataset.userid) return selection.active ? selection.toggle(button) : openCardOf(button.dataset.userid);
    if (button.dataset.dept) return navigate({ screen: "org", dept: Number(button.dataset.dept) });
    if (button.dataset.group) return navigate({ screen: "group", group: Number(button.dataset.group) });
  });
  $("#org-button").addEventListener("click", () => navigate({ screen: "org", dept: myDepartment(dir, dir.member(viewer)) }));
  $("#filter-button").addEventListener("click", () => current().screen !== "filter" && navigate({ screen: "filter" }));
  $("#qr-close").addEventListener("click", () => qrDialog.close());

  // ---- the keyboard -------------------------------------------------------------------------------

  const typing = (el) => el && (el.matches("input, textarea, select") || el.isContentEditable);
  const listButtons = () => [...list.querySelectorAll("button.row, button.more")];

  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || qrDialog.open) return;
    const active = document.activeElement;
    if (e.key === "/" && !typing(active)) {
      e.preventDefault();
      input.focus();
      input.select();
    } else if (e.key === "Escape") {
      const now = current();
      if (now.detail) closeCard();
      else if (now.screen === "search") {
        input.value = "";
        input.dispatchEvent(new Event("input"));
        input.focus();
      } else if (now.screen !== "home") back();
      else return;
      e.preventDefault();
    } else if ((e.key === "ArrowDown" || e.key === "ArrowUp") && (active === input || list.contains(active))) {
      const buttons = listButtons();
      const at = buttons.indexOf(active);
      const next = e.key === "ArrowDown" ? (active === input ? 0 : at + 1) : at - 1;
      e.preventDefault();
      if (next < 0) input.focus();
      else buttons[Math.min(next, buttons.length - 1)]?.focus();
    }
  });

  // ---- start ----------------------------------------------------------------------------------------

  // A reload keeps the entry's state: the page comes back where it was.
  const initialQuery = new URLSearchParams(location.search).get("q");
  if (!history.state?.tongxunlu) {
    history.replaceState({ ...(initialQuery ? { screen: "search", q: initialQuery } : { screen: "home" }), tongxunlu: true, depth: 0 }, "");
  }
  render(current());
}
