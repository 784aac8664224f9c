// The small DOM vocabulary every view speaks: an element builder, highlighted text, avatars,
// icons, titled sections, and the "load more" button that pages a long list on.
//
// Everything is built with DOM calls and `textContent`, never by pasting names into HTML.
//
// The engine's `ranges` count characters (Unicode scalar values), not UTF-16 units, so text is
// split with `Array.from` before marking, and cursor positions are converted the same way.

/** `h("button", { class: "x", onclick }, "text", node)`: a small element builder. */
export function h(tag, attrs = {}, ...children) {
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
export function highlight(text, ranges = []) {
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
export const charOffset = (text, utf16) => Array.from(text.slice(0, utf16)).length;
/** Character offset → UTF-16 offset. */
export const utf16Offset = (text, chars) => Array.from(text).slice(0, chars).join("").length;

export function avatar(member, big = false) {
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
  star: "M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9z",
};

export function icon(name) {
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

/** A titled group of rows: `<section><h2>title</h2><ul>rows</ul></section>`. */
export const section = (title, rows, attrs = {}) =>
  h("section", { class: "group", ...attrs }, h("h2", { class: "group-title" }, title), h("ul", { class: "rows" }, rows));

/**
 * The "load more" buttons of one scrolling list: `add` puts a button at the end of a container
 * that runs `load` when pressed or when it scrolls into view; `remove` takes it away once its
 * page is being loaded.
 */
export function pager(list) {
  const observer =
    "IntersectionObserver" in globalThis
      ? new IntersectionObserver(
          // A button already used is gone from the page: an entry queued for it before its click
          // must not load its page a second time.
          (entries) => entries.forEach((e) => e.isIntersecting && e.target.isConnected && e.target.click()),
          { root: list },
        )
      : null;
  return {
    add(container, label, load) {
      const more = h("button", { type: "button", class: "more", onclick: load }, label);
      container.append(more);
      observer?.observe(more);
    },
    remove(container) {
      // The last child: home may also hold a button above its rows, which is not this pager's.
      const more = container.querySelector(":scope > .more:last-child");
      if (more) {
        observer?.unobserve(more);
        more.remove();
      }
    },
  };
}
