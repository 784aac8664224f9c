// The contacts page: signs the viewer in, loads the engine and the viewer's snapshot, and hands
// the opened directory to the screens (ui.js).
//
// Loading the snapshot decides what the viewer sees, so every outcome is spelled out:
//
// | the download…                 | and a stored snapshot of this viewer… | the page                        |
// |-------------------------------|---------------------------------------|---------------------------------|
// | opens                         | is replaced by it                     | shows it                        |
// | is 304 Not Modified           | is opened                             | shows it                        |
// | fails to open (corrupt, cut)  | stays, untouched                      | shows it and says why           |
// | fails: no network             | is opened                             | shows it, 离线, with its age     |
// | 401 / 403                     | is deleted                            | 登录已过期 / 无权查看通讯录      |
// | anything else                 | is opened if there is one             | says the server is unavailable  |
//
// For tests and scripts, <body data-state> is loading | signin | ready | error, and
// <body data-offline> is set while a stored snapshot is shown instead of a fresh one.

import { config, detectHost, loadSdk, registerSdk } from "./actions.js";
import { clearSnapshot, forgetToken, loadSnapshot, saveSnapshot, saveToken, takeToken, tokenViewer } from "./store.js";
import { mountUi } from "./ui.js";

const $ = (sel) => document.querySelector(sel);

class PageError extends Error {
  constructor(title, message, hint, action) {
    super(message);
    this.title = title;
    this.hint = hint;
    this.action = action; // { label, run } offered under the message
  }
}

const setState = (state) => (document.body.dataset.state = state);
const status = (text) => ($("#status-text").textContent = text);

function showError(err) {
  console.warn("tongxunlu:", err);
  const page =
    err instanceof PageError
      ? err
      : new PageError(
          "无法打开通讯录",
          String(err?.message ?? err),
          "请刷新页面重试；如果问题仍然存在，请联系管理员。",
        );
  $("#status").hidden = true;
  $("#app").hidden = true;
  $("#error-title").textContent = page.title;
  $("#error-message").textContent = page.message;
  $("#error-hint").textContent = page.hint ?? "";
  const button = $("#error-action");
  button.hidden = !page.action;
  if (page.action) {
    button.textContent = page.action.label;
    button.onclick = page.action.run;
  }
  $("#error").hidden = false;
  setState("error");
}

/** A message above the directory while it stays usable (offline, a bad download). */
function notice(kind, text) {
  const el = $("#notice");
  el.dataset.kind = kind;
  el.textContent = text;
  el.hidden = false;
}

export function age(ms) {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "刚刚";
  if (minutes < 60) return `${minutes} 分钟前`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} 小时前`;
  return `${Math.floor(hours / 24)} 天前`;
}

async function loadEngine() {
  try {
    const engine = await import("./pkg/tongxunlu.js");
    await engine.default();
    return engine;
  } catch (err) {
    throw new PageError(
      "无法加载通讯录引擎",
      `engine failed to load: ${err?.message ?? err}`,
      "浏览器需要支持 WebAssembly；请检查网络后刷新页面。",
    );
  }
}

/** `{ kind: "ok", bytes, etag } | { kind: "not-modified" } | { kind: "offline", error } | { kind: "http", status, error }`. */
async function download(cfg, token, etag) {
  const headers = { authorization: `Bearer ${token}` };
  if (etag) headers["if-none-match"] = etag;
  let res;
  try {
    res = await fetch(cfg.snapshotUrl, { headers, cache: "no-store" });
  } catch (err) {
    return { kind: "offline", error: err };
  }
  if (res.status === 304) return { kind: "not-modified" };
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    return { kind: "http", status: res.status, error: body?.error ?? res.statusText };
  }
  try {
    return { kind: "ok", bytes: new Uint8Array(await res.arrayBuffer()), etag: res.headers.get("etag") ?? "" };
  } catch (err) {
    return { kind: "offline", error: err }; // the connection dropped mid-download
  }
}

function openSnapshot(engine, bytes) {
  return engine.Directory.open(bytes); // throws an Error that says what is wrong
}

function signInAgain(cfg) {
  return cfg.demo ? { label: "重新选择演示身份", run: () => location.reload() } : undefined;
}

/** Opens the best snapshot there is for `viewer`; returns the Directory. */
async function obtainDirectory(engine, cfg, token, viewer) {
  let stored = await loadSnapshot().catch(() => null);
  if (stored && stored.viewer !== viewer) {
    await clearSnapshot(); // another viewer's directory: never shown to this one
    stored = null;
  }
  const openStored = async (why) => {
    try {
      const dir = openSnapshot(engine, await stored.bytes());
      if (why) document.body.dataset.offline = why;
      return dir;
    } catch (err) {
      clearSnapshot();
      throw new PageError("通讯录快照已损坏", err.message, "保存在本机的通讯录无法打开，请联网后刷新页面。");
    }
  };

  status("正在下载通讯录…");
  const got = await download(cfg, token, stored?.etag);
  if (got.kind === "ok") {
    let dir;
    try {
      dir = openSnapshot(engine, got.bytes);
    } catch (err) {
      if (!stored)
        throw new PageError(
          "通讯录快照已损坏",
          err.message,
          "下载的通讯录不完整或已损坏。请刷新页面重新下载；如果问题仍然存在，请联系管理员。",
        );
      notice(
        "error",
        `新下载的通讯录已损坏，无法使用（${err.message}）。仍在使用 ${age(Date.now() - stored.savedAt)}保存的通讯录。`,
      );
      return openStored("bad-download");
    }
    await saveSnapshot(got.bytes, { viewer, etag: got.etag }).catch((err) =>
      console.warn("tongxunlu: snapshot not stored:", err),
    );
    return dir;
  }
  if (got.kind === "not-modified" && stored) return openStored("");
  if (got.kind === "http" && (got.status === 401 || got.status === 403)) {
    await clearSnapshot();
    forgetToken();
    if (got.status === 401) {
      throw new PageError(
        "登录已过期",
        `HTTP 401: ${got.error}`,
        cfg.demo ? "请重新选择演示身份。" : "请从企业微信工作台重新打开通讯录。",
        signInAgain(cfg),
      );
    }
    throw new PageError(
      "无权查看通讯录",
      `HTTP 403: ${got.error}`,
      "你的账号已停用或不在通讯录中；如有疑问，请联系管理员。",
      signInAgain(cfg),
    );
  }
  if (stored) {
    const dir = await openStored(got.kind === "offline" ? "offline" : "server-error");
    const saved = age(Date.now() - stored.savedAt);
    notice(
      "offline",
      got.kind === "offline"
        ? `离线：正在使用 ${saved}保存的通讯录，联网后刷新页面即可更新。`
        : `服务器暂时不可用（HTTP ${got.status}），正在使用 ${saved}保存的通讯录。`,
    );
    return dir;
  }
  if (got.kind === "offline") {
    throw new PageError(
      "无法连接网络",
      `network error: ${got.error?.message ?? got.error}`,
      "请检查网络连接后刷新页面。",
    );
  }
  throw new PageError("无法下载通讯录", `HTTP ${got.status}: ${got.error}`, "服务器暂时无法提供通讯录，请稍后重试。");
}

async function fetchJson(url, init) {
  const res = await fetch(url, init);
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}${body?.error ? ` ${body.error}` : ""}`);
  return body;
}

/** The demo sign-in (演示登录): pick one of the server's demo viewers. */
async function showSignIn(cfg) {
  setState("signin");
  $("#status").hidden = true;
  let viewers;
  try {
    viewers = await fetchJson(cfg.demoViewersUrl);
  } catch (err) {
    throw new PageError("无法加载演示身份", err.message, "请检查网络后刷新页面。");
  }
  const list = $("#viewers");
  list.replaceChildren(
    ...(Array.isArray(viewers) ? viewers : (viewers?.viewers ?? [])).map((v) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "viewer";
      button.dataset.userid = v.userid;
      const name = document.createElement("strong");
      name.textContent = `${v.name ?? v.userid}`;
      const who = document.createElement("span");
      who.className = "row-sub";
      who.textContent = v.description ?? v.userid;
      button.append(name, who);
      if (Number.isFinite(v.members)) {
        const count = document.createElement("span");
        count.className = "count";
        count.textContent = `能看到 ${v.members} 人`;
        button.append(count);
      }
      button.addEventListener("click", () => demoSignIn(cfg, v.userid).catch(showError));
      li.append(button);
      return li;
    }),
  );
  $("#signin").hidden = false;
  list.querySelector("button")?.focus();
}

async function demoSignIn(cfg, userid) {
  const { token } = await fetchJson(cfg.demoTokenUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userid }),
  });
  saveToken(token);
  location.reload();
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("sw.js").catch((err) => console.warn("tongxunlu: no offline support:", err));
}

async function main() {
  registerServiceWorker();
  const cfg = config();
  const host = detectHost();
  document.body.dataset.host = `${host.app}-${host.mobile ? "mobile" : "pc"}`;
  const token = takeToken();
  $("#switch-viewer").hidden = !(cfg.demo && token);
  $("#switch-viewer").addEventListener("click", () => {
    forgetToken();
    location.reload();
  });

  if (!token) {
    if (cfg.demo) return showSignIn(cfg);
    throw new PageError("未登录", "no sign-in token", "请从企业微信工作台打开通讯录。");
  }
  let viewer = tokenViewer(token);
  if (!viewer) {
    viewer =
      (await fetchJson(cfg.meUrl, { headers: { authorization: `Bearer ${token}` } }).catch(() => null))?.userid ?? null;
  }

  status("正在加载通讯录引擎…");
  const engine = await loadEngine();
  const dir = await obtainDirectory(engine, cfg, token, viewer);
  const stats = dir.stats();
  performance.mark("tongxunlu:ready");

  document.title = `通讯录 · ${stats.corpName}`;
  $("#corp-name").textContent = stats.corpName;
  const me = dir.member(viewer);
  $("#viewer-name").textContent = me ? `${me.name}` : "";
  const app = $("#app");
  app.dataset.members = String(stats.members);
  $("#status").hidden = true;
  app.hidden = false;
  mountUi({ dir, viewer });
  window.tongxunlu = { directory: dir, viewer, stats, config: cfg };
  setState("ready");
  loadSdk({ cfg, host })
    .then((loaded) => loaded && registerSdk({ cfg }))
    .catch((err) => console.warn("tongxunlu: JS-SDK not registered:", err));
}

main().catch(showError);
