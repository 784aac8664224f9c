// The message box on a colleague's card. A web page cannot send a WeChat Work message by itself,
// so the box says what it does: the text is copied, and the chat opens for it to be pasted. "@"
// suggests colleagues as the engine finds them (`dir.mentions`), and whoever is mentioned joins
// the chat.

import { avatar, charOffset, h, utf16Offset } from "./dom.js";

/**
 * The compose form for `person`. `chat(userids, groupName)` opens the chat and resolves to the
 * result of actions.js's startChat; `toast` tells the user what happened; `subline(member)` is
 * the line under a suggestion's name.
 */
export function composeForm({ dir, viewer, person, chat, toast, subline }) {
  const box = h("textarea", {
    id: "message",
    rows: "2",
    "aria-autocomplete": "list",
    "aria-controls": "mention-list",
    "aria-expanded": "false",
    "aria-describedby": "compose-hint",
    autocomplete: "off",
  });
  const options = h("ul", { id: "mention-list", role: "listbox", "aria-label": "提及建议", hidden: true });
  const form = h(
    "form",
    { class: "compose", "data-userid": person.userid },
    h("label", { for: "message" }, `写给 ${person.name} 的消息（输入 @ 提及同事）`),
    box,
    options,
    h("p", { id: "compose-hint", class: "hint" }, "消息会先复制，聊天打开后粘贴发送"),
    h("button", { type: "submit", class: "primary" }, "复制并打开聊天"),
  );
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
          h("span", { class: "row-sub" }, subline(s)),
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
      e.stopPropagation(); // closes the suggestions, not the card
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
    const copied = text ? await copy(text) : false;
    const names = people.map((u) => dir.member(u)?.name ?? u);
    const result = await chat(people, names.join("、"));
    if (result.ok && copied) toast("消息已复制，在聊天中粘贴发送");
    else if (!result.ok && copied) toast("消息已复制，可在企业微信中粘贴发送");
  });
  return form;
}

/** Copies `text` to the clipboard; resolves to whether it was — false too when the browser has
 * not answered within a second (one that asks the user first must not hold up the chat). */
export async function copy(text) {
  try {
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error("no answer")), 1000));
    await Promise.race([navigator.clipboard.writeText(text), late]);
    return true;
  } catch {
    return false;
  }
}
