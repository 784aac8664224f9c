// Home, what the list shows while the search box is empty: the viewer's starred colleagues
// (星标联系人) and frequent contacts (常用联系人), then everyone in pinyin order under their
// letters, loaded a page at a time as the list scrolls.
//
// The A–Z bar along the right edge jumps to a letter: the list is then drawn from that letter,
// and scrolling up loads the letters above it again, so nothing is out of reach after a jump.
// Its ☆ goes back to the top, to the starred and frequent contacts.

import { h, section } from "./dom.js";

const PAGE = 100; // members per step of the A–Z list, down or up
const FREQUENT_SHOWN = 8;
export const TOP = "☆"; // the A–Z bar's first entry: the top of the list

/**
 * Draws home into `list`, from `letter` (a letter of `initials`, or TOP / nothing for the top).
 * `people`: `{ starred, frequent }`, each a list of accounts in the order to show.
 */
export function renderHome({ list, dir, rows, pager, initials, people, letter }) {
  const container = h("div", { class: "az-list" });
  const start = letter && letter !== TOP ? initials.findIndex((i) => i.letter === letter) : 0;
  // Rows drawn so far span [top, bottom) of the A–Z order, as (letter index, offset) pairs.
  let bottom = start >= 0 && initials.length ? { letterIndex: start, offset: 0 } : null;
  let top = bottom && { ...bottom };

  const letterList = (index, atTop) => {
    const { letter: l, count } = initials[index];
    let ul = container.querySelector(`section[data-letter="${CSS.escape(l)}"] ul`);
    if (!ul) {
      const s = section(l, [], { "data-letter": l, "aria-label": `${l}（${count}人）` });
      if (atTop) container.prepend(s);
      else container.append(s);
      ul = s.querySelector("ul");
    }
    return ul;
  };

  function appendPage() {
    pager.remove(container);
    let shown = 0;
    while (bottom && shown < PAGE) {
      const { count } = initials[bottom.letterIndex];
      const members = dir.byInitial(initials[bottom.letterIndex].letter, { offset: bottom.offset, limit: PAGE - shown });
      letterList(bottom.letterIndex, false).append(...members.map((m) => rows.memberRow(m)));
      shown += members.length;
      bottom.offset += members.length;
      if (bottom.offset >= count || members.length === 0) {
        bottom = bottom.letterIndex + 1 < initials.length ? { letterIndex: bottom.letterIndex + 1, offset: 0 } : null;
      }
    }
    if (bottom) pager.add(container, "加载更多", appendPage);
  }

  /** The page above the first row drawn, kept in view: the rows already seen do not move. */
  function prependPage() {
    // Whatever the browser's own scroll anchoring did (some have none), the row that was first
    // stays where it was.
    const anchor = container.querySelector(".row");
    const before = anchor.getBoundingClientRect().top;
    container.querySelector(":scope > .more-above")?.remove();
    let shown = 0;
    while (top && (top.letterIndex > 0 || top.offset > 0) && shown < PAGE) {
      if (top.offset === 0) top = { letterIndex: top.letterIndex - 1, offset: initials[top.letterIndex - 1].count };
      const from = Math.max(0, top.offset - (PAGE - shown));
      const members = dir.byInitial(initials[top.letterIndex].letter, { offset: from, limit: top.offset - from });
      letterList(top.letterIndex, true).prepend(...members.map((m) => rows.memberRow(m)));
      shown += top.offset - from;
      top.offset = from;
    }
    if (top && (top.letterIndex > 0 || top.offset > 0)) addAbove();
    else list.prepend(...topSections());
    list.scrollTop += anchor.getBoundingClientRect().top - before;
  }

  function addAbove() {
    const above = h("button", { type: "button", class: "more more-above", onclick: prependPage }, "加载上面的联系人");
    container.prepend(above);
    // Loaded by itself when scrolled to, like 加载更多, but only once the jump has settled.
    requestAnimationFrame(() => above.isConnected && pagerAbove.observe(above));
  }
  const pagerAbove = new IntersectionObserver(
    // Only once some of it shows: right after a jump it touches the list's top edge, which
    // counts as intersecting at the default threshold.
    (entries) => entries.forEach((e) => e.intersectionRatio > 0 && e.target.isConnected && e.target.click()),
    { root: list, threshold: 0.01 },
  );

  function topSections() {
    const memberRows = (ids) =>
      ids
        .map((userid) => dir.member(userid))
        .filter(Boolean)
        .map((m) => rows.memberRow(m));
    const starred = memberRows(people.starred);
    const frequent = memberRows(people.frequent.filter((u) => !people.starred.includes(u))).slice(0, FREQUENT_SHOWN);
    return [
      starred.length ? section("星标联系人", starred, { id: "starred" }) : null,
      frequent.length ? section("常用联系人", frequent, { id: "frequent" }) : null,
    ].filter(Boolean);
  }

  appendPage();
  const atTop = !top || (top.letterIndex === 0 && top.offset === 0);
  list.replaceChildren(...(atTop ? topSections() : []), container);
  list.scrollTop = 0;
  if (!atTop) {
    addAbove();
    // The jump shows its letter at the top; the button above it waits until scrolled to.
    const first = container.querySelector("section");
    list.scrollTop = first.getBoundingClientRect().top - list.getBoundingClientRect().top;
  }
}

/**
 * The A–Z bar: ☆ and the letters that have members; tap a letter or drag along the bar (a bubble
 * shows the letter under the finger). Calls `jump(letter)` for each new letter reached.
 */
export function mountAzBar({ az, bubble, initials, jump }) {
  const entries = [{ letter: TOP, label: "星标和常用联系人" }, ...initials.map((i) => ({ ...i, label: `${i.letter}，${i.count}人` }))];
  az.replaceChildren(
    ...entries.map(({ letter, label }) => h("button", { type: "button", dataset: { letter }, "aria-label": label }, letter)),
  );

  function letterAt(clientY) {
    const buttons = [...az.querySelectorAll("button")];
    if (!buttons.length) return null;
    const first = buttons[0].getBoundingClientRect();
    const last = buttons[buttons.length - 1].getBoundingClientRect();
    const span = (last.bottom - first.top) / buttons.length;
    const i = Math.min(buttons.length - 1, Math.max(0, Math.floor((clientY - first.top) / span)));
    return buttons[i].dataset.letter;
  }

  let dragging = null;
  function dragTo(clientY) {
    const letter = letterAt(clientY);
    if (!letter) return;
    bubble.textContent = letter;
    bubble.hidden = false;
    if (letter !== dragging.letter) {
      dragging.letter = letter;
      jump(letter);
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
    if (b && e.detail === 0) jump(b.dataset.letter);
  });

  return {
    /** Marks the letter the list was last drawn from. */
    setActive(letter) {
      for (const b of az.querySelectorAll("button")) b.toggleAttribute("aria-current", b.dataset.letter === letter);
    },
  };
}
