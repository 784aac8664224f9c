// A member's card: name, position and the full path of each department; call, chat, e-mail,
// save the card, its QR code and 星标; the fields the viewer may see; the message box.
//
// A disabled (已停用) account receives no messages and is not to be rung as a colleague: its card
// still shows what the directory holds, without the actions that reach the person.
//
// Chatting from a web page works only where WeChat Work lets it (actions.js). Where it does not,
// the card does not end in an error: it says why and offers what does work here — copy the
// account or WeChat id to find the person in the app, or call.

import { mailHref, telHref } from "../actions.js";
import { avatar, h, icon } from "./dom.js";
import { SEPARATOR } from "./paths.js";
import { composeForm, copy } from "./compose.js";

/** The member as the snapshot has them; the viewer with their own hidden fields laid over. */
function memberShown(dir, viewer, own, userid) {
  const m = dir.member(userid);
  if (!m || userid !== viewer) return { m, hidden: new Set() };
  const fields = own.fields ?? {};
  const hidden = new Set(Object.keys(fields).filter((key) => m[key] === undefined));
  const extattr = { ...(fields.extattr ?? {}), ...(m.extattr ?? {}) };
  return { m: { ...fields, ...m, extattr }, hidden };
}

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

/**
 * Draws `userid`'s card into `pane`; returns false when the snapshot has no such member.
 * `on`: `{ back, chat(userids, groupName), department(id), call, vcard(m, opener), qr(m, opener),
 * star(userid) → starred now, toast }`; `isStarred` whether the viewer starred this member.
 */
export function renderDetail({ pane, dir, viewer, own, paths, userid, isStarred, subline, on }) {
  const { m, hidden } = memberShown(dir, viewer, own, userid);
  if (!m) return false;
  const reachable = !m.disabled;
  const fallback = h("div", { class: "chat-fallback", role: "alert", hidden: true });

  async function chat(userids, groupName) {
    const result = await on.chat(userids, groupName);
    if (!result.ok) showFallback(result);
    return result;
  }

  function showFallback({ message, detail }) {
    const copyButton = (label, value) =>
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: async () => on.toast((await copy(value)) ? `已复制${label}：${value}` : `请手动记下${label}：${value}`),
        },
        `复制${label}`,
      );
    const why = h("p", {}, message);
    const technical = detail ? h("details", {}, h("summary", {}, "详情"), h("p", {}, detail)) : "";
    fallback.replaceChildren(
      why,
      technical,
      h("p", { class: "hint" }, "可以复制对方的账号或微信号，到企业微信里找到对方；也可以直接打电话。"),
      h(
        "div",
        { class: "fallback-actions" },
        copyButton("账号", m.userid),
        m.weixin_id ? copyButton("微信号", m.weixin_id) : null,
        m.mobile ? h("a", { class: "secondary", href: telHref(m.mobile), "data-action": "call" }, "打电话") : null,
      ),
    );
    fallback.hidden = false;
  }

  const mobile = m.mobile && reachable ? telHref(m.mobile) : "";
  const starred = isStarred;
  const actions = h(
    "div",
    { class: "actions", role: "group", "aria-label": "联系方式" },
    mobile ? h("a", { class: "action", href: mobile, "data-action": "call" }, icon("call"), "打电话") : null,
    reachable ? h("button", { type: "button", class: "action", "data-action": "chat" }, icon("chat"), "发消息") : null,
    m.email ? h("a", { class: "action", href: mailHref(m.email), "data-action": "mail" }, icon("mail"), "发邮件") : null,
    h("button", { type: "button", class: "action", "data-action": "vcard" }, icon("vcard"), "存入手机"),
    h("button", { type: "button", class: "action", "data-action": "qr" }, icon("qr"), "二维码名片"),
    h(
      "button",
      { type: "button", class: "action", "data-action": "star", "aria-pressed": String(starred) },
      icon("star"),
      starred ? "已星标" : "星标",
    ),
  );
  const departments = m.departments.map((d) =>
    h(
      "button",
      { type: "button", class: "link", dataset: { dept: String(d.id) } },
      paths.full(d.id).join(SEPARATOR) || d.name,
    ),
  );
  const fields = h(
    "dl",
    { class: "fields" },
    m.mobile ? fieldRow("手机", m.mobile, telHref(m.mobile), hidden.has("mobile")) : null,
    m.telephone ? fieldRow("座机", m.telephone, telHref(m.telephone), hidden.has("telephone")) : null,
    m.email ? fieldRow("邮箱", breakableEmail(m.email), mailHref(m.email), hidden.has("email")) : null,
    m.weixin_id ? fieldRow("微信号", m.weixin_id, undefined, hidden.has("weixin_id")) : null,
    m.alias ? fieldRow("别名", m.alias, undefined, hidden.has("alias")) : null,
    h("div", { class: "field" }, h("dt", {}, "部门"), h("dd", { class: "departments" }, departments)),
    m.birthday ? fieldRow("生日", m.birthday, undefined, hidden.has("birthday")) : null,
    m.hire_date ? fieldRow("入职日期", m.hire_date, undefined, hidden.has("hire_date")) : null,
    Object.entries(m.extattr ?? {}).map(([k, v]) => fieldRow(k, v, undefined, hidden.has("extattr"))),
  );
  const compose = reachable ? composeForm({ dir, viewer, person: m, chat, toast: on.toast, subline }) : null;
  pane.replaceChildren(
    h("div", { class: "detail-bar" }, h("button", { type: "button", class: "back", "data-action": "back" }, "‹ 返回")),
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
          h("h2", { id: "detail-name", tabindex: "-1" }, m.name, m.disabled ? h("span", { class: "tag" }, "已停用") : null),
          m.position ? h("p", { class: "position" }, m.position) : null,
          h("p", { class: "path" }, m.departments.map((d) => paths.short(d.id).join(SEPARATOR) || d.name).join("、")),
        ),
      ),
      reachable ? null : h("p", { class: "notice-inline" }, "该账号已停用，无法发消息或通话。"),
      actions,
      fallback,
      fields,
      compose,
    ),
  );

  pane.onclick = async (e) => {
    const target = e.target.closest("[data-action], button[data-dept]");
    if (!target || !pane.contains(target)) return;
    if (target.dataset.dept) return on.department(Number(target.dataset.dept));
    const action = target.dataset.action;
    if (action === "back") return on.back();
    if (action === "call") return on.call(m.userid);
    if (action === "chat") return chat([m.userid], "");
    if (action === "vcard") return on.vcard(m, target);
    if (action === "qr") return on.qr(m, target);
    if (action === "star") {
      const now = on.star(m.userid);
      target.setAttribute("aria-pressed", String(now));
      target.lastChild.textContent = now ? "已星标" : "星标";
    }
  };
  return true;
}
