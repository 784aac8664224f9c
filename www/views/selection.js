// Multi-select (多选): rows become toggles, a bar counts who is picked, and 发起群聊 opens one
// group chat with all of them, named after the first few.

/**
 * `els`: `{ bar, button, count, start, list }`; `chat(userids, groupName)` resolves to the
 * startChat result. Returns the selection that rows read (`active`, `has`) and the list toggles.
 */
export function mountSelection({ els, chat }) {
  const picked = new Map(); // userid → name
  const selection = {
    active: false,
    has: (userid) => picked.has(userid),
    /** Flips `button`'s member in or out of the selection. */
    toggle(button) {
      const on = !picked.has(button.dataset.userid);
      if (on) picked.set(button.dataset.userid, button.dataset.name);
      else picked.delete(button.dataset.userid);
      button.setAttribute("aria-pressed", String(on));
      update();
    },
    set(on) {
      selection.active = on;
      picked.clear();
      els.button.setAttribute("aria-pressed", String(on));
      els.button.textContent = on ? "取消多选" : "多选";
      update();
      for (const b of els.list.querySelectorAll("button[data-userid]")) {
        if (on) b.setAttribute("aria-pressed", "false");
        else b.removeAttribute("aria-pressed");
      }
    },
  };

  function update() {
    els.bar.hidden = !selection.active;
    els.count.textContent = `已选 ${picked.size} 人`;
    els.start.disabled = picked.size === 0;
  }

  els.button.addEventListener("click", () => selection.set(!selection.active));
  els.start.addEventListener("click", async () => {
    const names = [...picked.values()];
    const groupName = names.length > 3 ? `${names.slice(0, 3).join("、")}等${names.length}人` : names.join("、");
    const result = await chat([...picked.keys()], groupName);
    if (result.ok) selection.set(false);
  });
  return selection;
}
