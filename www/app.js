// The contacts page: signs the viewer in, loads the engine and the viewer's snapshot, and hands
// the opened directory to the screens (ui.js).
//
// A snapshot stored on an earlier visit is shown at once, and the server is asked for a newer one
// behind it (SPEC §6); without one, the page waits for the download, showing its progress. What
// the download decides, every outcome spelled out:
//
// | the download…                 | and a stored snapshot of this viewer… | the page                              |
// |-------------------------------|---------------------------------------|---------------------------------------|
// | opens                         | is replaced by it                     | offers it: 通讯录已更新 · 立即刷新      |
// | is 304 Not Modified           | stays                                 | goes on showing it                    |
// | is a patch (226) that applies | is replaced by the result             | offers it, as for a download          |
// | is a patch that fails         | stays; a whole snapshot is fetched    | says so, then as for that fetch       |
// | fails to open (corrupt, cut)  | stays, untouched                      | goes on showing it and says why       |
// | fails its signature check     | stays, untouched                      | goes on showing it and says why       |
// | fails: no network             | stays                                 | goes on showing it, 离线, with its age |
// | stalls (see below)            | stays                                 | goes on showing it, 网络缓慢           |
// | 401 / 403                     | is deleted                            | 登录已过期 / 无权查看通讯录 in its place |
// | anything else                 | stays                                 | says the server is unavailable        |
//
// With no stored snapshot, a download that opens is shown and stored, and any failure is an
// error page. A newer snapshot is not swapped in under the viewer's hands: it is stored, and the
// next start (立即刷新, or any later visit) opens it at once.
//
// With `signingKey` in the config, every download is verified (verifySignature) before it is
// opened or stored: unsigned, signed by another key, altered, or unverifiable in this browser,
// it is refused like a corrupt one. What is stored was verified on download, under the key it is
// tagged with (store.js); it is not verified again on each start: Cache Storage is this origin's
// own, and whatever could rewrite it could as well rewrite the page's scripts.
//
// Updates by difference (docs/snapshot.md#differences): holding a stored snapshot, the page asks
// with `A-IM: txldif`, and a server that still knows that snapshot answers `226 IM Used` with a
// patch from it to the current one. The patch is applied to the stored bytes (the engine's
// applyPatch checks its structure), the result must have the SHA-256 the patch declares
// (WebCrypto), and then it is treated exactly as a downloaded snapshot: verified when there is a
// signing key, opened, and only then stored. A patch that fails any of that is dropped, the page
// says so, and fetches the whole snapshot once, without `A-IM`.
//
// A network that hangs instead of failing (a lift, a warehouse, one bar of signal) must not
// leave the page spinning: a download during which no byte arrives for STALL_MS — before the
// answer starts or in the middle of it — is given up: with a stored snapshot after 3 s, and the
// page says the network is slow; with none, it waits longer (FIRST_STALL_MS), since it has
// nothing else to show, and then says the network is too slow. Meanwhile the status shows how much has
// arrived, of how much when that is known (expectedLength: what Content-Length counts is not
// always what the body comes to).
//
// For tests and scripts, <body data-state> is loading | signin | ready | error; <body
// data-checked> says how the check with the server ended — downloaded (nothing was stored),
// kept (the stored one stays: nothing newer, or the download failed), updated (a newer one is
// stored) or refused (signed out); and <body data-offline> says why the stored one stays when
// the download failed.

import { config, detectHost, loadSdk, registerSdk } from "./actions.js";
import {
  clearSnapshot,
  forgetToken,
  loadSnapshot,
  ownFields,
  saveOwnFields,
  saveSnapshot,
  saveToken,
  takeToken,
  tokenViewer,
} from "./store.js";
import { mountUi } from "./ui.js";

const $ = (sel) => document.querySelector(sel);

/**
 * What the error screen says: `title` and `hint` in Chinese for the employee; `message`, the
 * technical cause (an HTTP status, the engine's error), folded away under 详情 for whoever
 * they report the problem to.
 */
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

/**
 * A message above the directory while it stays usable (offline, a bad download, an update), in
 * Chinese; `detail`, the technical cause, folded under 详情; `action`, `{ label, run }` for a
 * button. A second one in the same load (a refused patch, then a failed retry) is added to the
 * first, and an error stays an error.
 */
function notice(kind, text, detail = "", action = null) {
  const el = $("#notice");
  const first = el.hidden;
  if (first) el.replaceChildren();
  el.dataset.kind = first || el.dataset.kind !== "error" ? kind : "error";
  const line = document.createElement("span");
  line.textContent = first ? text : ` ${text}`;
  el.append(line);
  if (action) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = action.label;
    button.addEventListener("click", action.run);
    el.append(button);
  }
  if (detail) {
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = "详情";
    const why = document.createElement("p");
    why.textContent = detail;
    details.append(summary, why);
    el.append(details);
  }
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
      "请检查网络后刷新页面；如果仍然打不开，请升级企业微信或浏览器。",
    );
  }
}

/** The instance manipulation (RFC 3229) the server's patches are: `tongxunlu` patch format 1. */
const PATCH_IM = "txldif";

/** How long a download may go without a byte arriving, with a stored snapshot to fall back on. */
const STALL_MS = 3_000;
/** The same with nothing stored: the first visit on a slow line has only this to wait for. */
const FIRST_STALL_MS = 20_000;

/**
 * `{ kind: "ok", bytes, etag } | { kind: "patch", bytes, etag, im, base } | { kind: "not-modified" } |
 * { kind: "offline", error, stalled } | { kind: "http", status, error }`. With `patch`, a patch
 * from the snapshot `etag` names is welcome instead of the whole snapshot (`base`: the ETag of the
 * snapshot the server made it from). Given up as `stalled` when no byte arrives for `stallMs`.
 * `progress(received, total)` is called as the body arrives; `total` is null while unknown.
 */
async function download(cfg, token, etag, patch, stallMs, progress) {
  const headers = { authorization: `Bearer ${token}` };
  if (etag) headers["if-none-match"] = etag;
  // A patch is checked with WebCrypto, which a page served over plain http lacks.
  const offered = Boolean(etag && patch && globalThis.crypto?.subtle);
  if (offered) headers["a-im"] = PATCH_IM;
  const controller = new AbortController();
  let stalled = false;
  let timer;
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, stallMs);
  };
  const failed = (error) => ({ kind: "offline", error, stalled });
  rearm();
  try {
    let res;
    try {
      res = await fetch(cfg.snapshotUrl, { headers, cache: "no-store", signal: controller.signal });
    } catch (err) {
      return failed(err);
    }
    if (res.status === 304) return { kind: "not-modified" };
    if (res.status === 226 && !offered) return { kind: "http", status: 226, error: "a patch that was not asked for" };
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      return { kind: "http", status: res.status, error: body?.error ?? res.statusText };
    }
    const signed = Boolean(cfg.signingKey);
    let total = expectedLength(res, new Uint8Array(0), signed);
    progress(0, total);
    let bytes;
    try {
      bytes = await readAll(res.body, (received, head) => {
        rearm();
        total ??= expectedLength(res, head, signed);
        progress(received, total);
      });
    } catch (err) {
      return failed(err); // the connection dropped, or stalled, mid-download
    }
    const got = { bytes, etag: res.headers.get("etag") ?? "" };
    if (res.status !== 226) return { kind: "ok", ...got };
    return { kind: "patch", ...got, im: res.headers.get("im"), base: res.headers.get("delta-base") };
  } finally {
    clearTimeout(timer);
  }
}

/** As many of a body's first bytes as `expectedLength` reads: a snapshot's header as far as its length. */
const HEAD_BYTES = 16;

/**
 * The bytes of a response body, calling `progress(received, head)` as each part arrives: how many
 * bytes have arrived, and the first HEAD_BYTES of them (fewer until they have arrived).
 */
async function readAll(body, progress) {
  const reader = body.getReader();
  const parts = [];
  let length = 0;
  let head = new Uint8Array(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    length += value.length;
    if (head.length < HEAD_BYTES) head = concat([head, value.subarray(0, HEAD_BYTES - head.length)]);
    progress(length, head);
  }
  return concat(parts);
}

function concat(parts) {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/** The magic a snapshot begins with (docs/snapshot.md#layout-format-version-8). */
const SNAPSHOT_MAGIC = [0x89, 0x54, 0x58, 0x4c, 0x0d, 0x0a, 0x1a, 0x0a];
/** What a signature adds after the snapshot it signs (docs/snapshot.md#signature). */
const SIGNATURE_BYTES = 80;

/**
 * How many bytes the body of `res` will come to, or null while that is unknown; `head`, its first
 * bytes. The body is read decoded, so Content-Length, which counts the bytes as sent, is that only
 * for an answer sent as it is (no Content-Encoding) — and only known to be one when it is from this
 * origin, since a cross-origin answer hides its Content-Encoding. A snapshot compressed on the way
 * says its own length in its header, to which a signature, which a `signed` page insists on, adds
 * its block. A patch compressed on the way does not say what it comes to: it is small.
 */
function expectedLength(res, head, signed) {
  const length = Number(res.headers.get("content-length"));
  if (res.type === "basic" && !res.headers.has("content-encoding") && length > 0) return length;
  if (head.length < HEAD_BYTES || SNAPSHOT_MAGIC.some((b, i) => head[i] !== b)) return null;
  const declared = new DataView(head.buffer, head.byteOffset).getUint32(12, true);
  return declared + (signed ? SIGNATURE_BYTES : 0);
}

/** `size` bytes as a person reads them, in the unit that suits `scale`: KB under a megabyte. */
function sizeText(size, scale) {
  return scale < 1e6 ? `${Math.round(size / 1e3)} KB` : `${(size / 1e6).toFixed(1)} MB`;
}

/**
 * Shows how much of the download has arrived: `received` bytes of `total`, or with no total (null)
 * how much so far, under an indeterminate bar; with `received` null, hides both. The figures are
 * kept out of the status's announcements (index.html), which would otherwise read out every part
 * that arrives; the bar tells them when asked.
 */
function showProgress(received, total) {
  const bar = $("#status-progress");
  const text = $("#status-bytes");
  bar.hidden = text.hidden = received === null;
  if (received === null) return;
  // A server may send more than it said (a signature the page does not ask for): never past the end.
  const max = total === null ? null : Math.max(total, received);
  const shown =
    max !== null
      ? `${sizeText(received, max)} / ${sizeText(max, max)}`
      : received > 0
        ? `已下载 ${sizeText(received, received)}`
        : "";
  if (text.textContent !== shown) text.textContent = shown;
  if (max === null) {
    bar.removeAttribute("value");
  } else {
    bar.max = max;
    bar.value = received;
  }
  if (shown) bar.setAttribute("aria-valuetext", shown);
  else bar.removeAttribute("aria-valuetext");
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * The SHA-256 a patch declares for the bytes it makes, in hex (docs/snapshot.md#differences: the
 * 8-byte magic, the base's varint length and 32-byte digest, the result's varint length, then
 * its digest); the engine's applyPatch checks the rest of the header.
 */
function declaredResultDigest(patch) {
  let at = 8;
  const skipVarint = () => {
    while (at < patch.length && patch[at] & 0x80) at++;
    at++;
  };
  skipVarint();
  at += 32;
  skipVarint();
  if (at + 32 > patch.length) throw new Error("the patch ends inside its header");
  return hex(patch.subarray(at, at + 32));
}

/**
 * The snapshot `patch` makes of `base`, with the SHA-256 it declares; else throws why not. Only
 * asked for where WebCrypto is (see download).
 */
async function applyPatch(engine, base, patch) {
  const bytes = engine.applyPatch(base, patch); // throws an Error that says what is wrong
  const expected = declaredResultDigest(patch);
  const found = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
  if (found !== expected) {
    // The first 16 digits say enough for a message a person reads.
    throw new Error(`the patched snapshot's SHA-256 is ${found.slice(0, 16)}…, not the ${expected.slice(0, 16)}… declared`);
  }
  return bytes;
}

function openSnapshot(engine, bytes) {
  return engine.Directory.open(bytes); // throws an Error that says what is wrong
}

/** A download refused by its signature; `unsupported` when this browser cannot check one. */
class SignatureRefusal extends Error {
  constructor(message, unsupported = false) {
    super(message);
    this.unsupported = unsupported;
  }
}

/**
 * Resolves when `bytes` end in a signature block (docs/snapshot.md#signature) whose Ed25519
 * signature of everything before it is by `signingKey` (base64 of the 32-byte public key);
 * else rejects with a SignatureRefusal that says why, in the engine's words. The key id is
 * compared first, so that another server's key is told apart from an alteration. A browser
 * without Ed25519 in WebCrypto refuses too: never opened unchecked.
 */
async function verifySignature(bytes, signingKey) {
  const body = bytes.length - 80; // the block: signature (64), key id (8), "TXLSIGN1"
  if (body < 0 || String.fromCharCode(...bytes.subarray(-8)) !== "TXLSIGN1") {
    throw new SignatureRefusal("not signed: no signature block at the end");
  }
  let raw = null;
  try {
    raw = Uint8Array.from(atob(signingKey), (c) => c.charCodeAt(0));
  } catch {
    // not base64: refused just below
  }
  if (raw?.length !== 32) throw new SignatureRefusal("the page's signingKey is not base64 of 32 bytes");
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new SignatureRefusal("WebCrypto is not available (the page must be served over https)", true);
  const expected = hex(new Uint8Array(await subtle.digest("SHA-256", raw)).subarray(0, 8));
  const found = hex(bytes.subarray(body + 64, body + 72));
  if (found !== expected) {
    throw new SignatureRefusal(`signed by another key (key id ${found}; the key given has id ${expected})`);
  }
  let valid;
  try {
    const key = await subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
    valid = await subtle.verify("Ed25519", key, bytes.subarray(body, body + 64), bytes.subarray(0, body));
  } catch (err) {
    throw new SignatureRefusal(`this browser cannot verify Ed25519 signatures (${err?.message ?? err})`, true);
  }
  if (!valid) throw new SignatureRefusal("invalid signature: the bytes were altered after they were signed");
}

/** Why a download was refused, for a notice over the stored snapshot or for the error page. */
function refusal(err) {
  if (!(err instanceof SignatureRefusal)) {
    return {
      why: "bad-download",
      notice: "新下载的通讯录已损坏，无法使用",
      title: "通讯录快照已损坏",
      hint: "下载的通讯录不完整或已损坏。请刷新页面重新下载；如果问题仍然存在，请联系管理员。",
    };
  }
  if (err.unsupported) {
    return {
      why: "bad-signature",
      notice: "此浏览器无法验证通讯录数据的签名，新下载的通讯录未使用",
      title: "无法验证通讯录签名",
      hint: "此浏览器无法验证通讯录的签名，为安全起见不打开通讯录。请升级企业微信或浏览器后重试。",
    };
  }
  return {
    why: "bad-signature",
    notice: "通讯录数据签名无效，已拒绝新下载的通讯录",
    title: "通讯录数据签名无效",
    hint: "下载的通讯录没有通过签名校验，可能在传输途中被改动，已拒绝打开。请刷新页面重试；如果问题仍然存在，请联系管理员。",
  };
}

function signInAgain(cfg) {
  return cfg.demo ? { label: "重新选择演示身份", run: () => location.reload() } : undefined;
}

/**
 * The snapshot stored for `viewer`, opened, or nulls. Another viewer's directory is never shown
 * to this one, and one stored under another signing key (or none) was never verified with the
 * key in force: either is deleted. So is one that no longer opens.
 */
async function openStoredSnapshot(engineReady, cfg, viewer) {
  const stored = await loadSnapshot().catch(() => null);
  if (!stored) return { stored: null, shown: null };
  if (stored.viewer !== viewer || stored.signingKey !== (cfg.signingKey || "")) {
    await clearSnapshot();
    return { stored: null, shown: null };
  }
  try {
    return { stored, shown: openSnapshot(await engineReady, await stored.bytes()) };
  } catch (err) {
    console.warn("tongxunlu: the stored snapshot does not open:", err);
    await clearSnapshot();
    return { stored: null, shown: null };
  }
}

/**
 * Asks the server for `viewer`'s snapshot and returns the Directory the page should show: the
 * one downloaded, once checked, or — when there is nothing newer, or the download fails or is
 * refused — `shown`, the stored snapshot already open (`stored`), with a notice saying why.
 * Without a stored one, a failure is a PageError. `engineReady`: the engine being loaded
 * meanwhile — on a slow line the snapshot downloads while the engine does.
 */
async function obtainDirectory(engineReady, cfg, token, viewer, stored, shown) {
  const signingKey = cfg.signingKey || "";
  const openStored = (why) => {
    if (why) document.body.dataset.offline = why;
    return shown;
  };

  /** Verifies (with a signing key) and opens downloaded bytes, then stores them; else throws. */
  const adopt = async (bytes, etag) => {
    if (signingKey) await verifySignature(bytes, signingKey);
    const dir = openSnapshot(engine, bytes);
    await saveSnapshot(bytes, { viewer, etag, signingKey }).catch((err) =>
      console.warn("tongxunlu: snapshot not stored:", err),
    );
    return dir;
  };

  const stallMs = stored ? STALL_MS : FIRST_STALL_MS;
  const fetchSnapshot = async (etag, patch) => {
    status("正在下载通讯录…");
    try {
      return await download(cfg, token, etag, patch, stallMs, showProgress);
    } finally {
      showProgress(null);
      status("正在打开通讯录…");
    }
  };
  let got = await fetchSnapshot(stored?.etag, true);
  // Whatever came, the engine opens it (openStored and adopt above use it from here on).
  const engine = await engineReady;
  if (got.kind === "patch") {
    try {
      if (got.im !== PATCH_IM || got.base !== stored.etag) {
        throw new Error(`a ${got.im} patch from ${got.base}, not a ${PATCH_IM} patch from ${stored.etag}`);
      }
      return await adopt(await applyPatch(engine, await stored.bytes(), got.bytes), got.etag);
    } catch (err) {
      console.warn("tongxunlu: patch refused:", err);
      notice("error", "通讯录增量更新未通过校验，已丢弃，改为下载完整的通讯录。", err.message);
      got = await fetchSnapshot(stored.etag, false);
    }
  }
  if (got.kind === "ok") {
    try {
      return await adopt(got.bytes, got.etag);
    } catch (err) {
      const refused = refusal(err);
      if (!stored) throw new PageError(refused.title, err.message, refused.hint);
      notice("error", `${refused.notice}。仍在使用 ${age(Date.now() - stored.savedAt)}保存的通讯录。`, err.message);
      return openStored(refused.why);
    }
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
      got.kind !== "offline"
        ? `服务器暂时不可用，正在使用 ${saved}保存的通讯录。`
        : got.stalled
          ? `网络缓慢：正在使用 ${saved}保存的通讯录，网络恢复后刷新页面即可更新。`
          : `离线：正在使用 ${saved}保存的通讯录，联网后刷新页面即可更新。`,
      got.kind !== "offline" ? `HTTP ${got.status}: ${got.error}` : "",
    );
    return dir;
  }
  if (got.kind === "offline" && got.stalled) {
    throw new PageError(
      "网络太慢，通讯录没有下载下来",
      `no data for ${Math.round(stallMs / 1000)} s`,
      "请换到信号好的地方后刷新页面。",
    );
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
  // Who is signed in, and their own fields that the policy hides from everyone else: the
  // snapshot cannot carry those. Asked for at once when the token does not name the viewer;
  // otherwise once the page is up, without holding it back (offline, the kept ones show).
  const fetchMe = () => fetchJson(cfg.meUrl, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  let viewer = tokenViewer(token);
  const me = viewer ? null : await fetchMe();
  viewer ??= me?.userid ?? null;

  const engineReady = loadEngine();
  // Its failure is reported where the engine is awaited, or not at all when the snapshot fails first.
  engineReady.catch(() => {});
  // A stored snapshot is shown at once and checked behind it; without one, the page waits for
  // the download.
  const { stored, shown } = await openStoredSnapshot(engineReady, cfg, viewer);
  const checking = obtainDirectory(engineReady, cfg, token, viewer, stored, shown);
  const dir = shown ?? (await checking);
  const checked = (how) => (document.body.dataset.checked = how);
  if (!shown) checked("downloaded");
  else {
    checking.then(
      (latest) => {
        if (latest === shown) return checked("kept");
        // Checked and stored: the next start opens it at once. The page does not swap the
        // directory under the viewer's hands; it offers to.
        latest.free();
        notice("update", "通讯录已更新。", "", { label: "立即刷新", run: () => location.reload() });
        checked("updated");
      },
      (err) => {
        checked("refused");
        showError(err); // signed out (401) or no longer allowed (403): the stored one is gone
      },
    );
  }
  const stats = dir.stats();
  performance.mark("tongxunlu:ready");

  document.title = `通讯录 · ${stats.corpName}`;
  $("#corp-name").textContent = stats.corpName;
  const self = dir.member(viewer);
  $("#viewer-name").textContent = self ? `${self.name}` : "";
  const app = $("#app");
  app.dataset.members = String(stats.members);
  $("#status").hidden = true;
  app.hidden = false;
  const own = { fields: ownFields(viewer) };
  mountUi({ dir, viewer, own });
  Promise.resolve(me ?? fetchMe()).then((answer) => {
    if (answer?.userid !== viewer || !answer.own || typeof answer.own !== "object") return;
    own.fields = answer.own;
    saveOwnFields(viewer, answer.own);
  });
  window.tongxunlu = { directory: dir, viewer, stats, config: cfg };
  setState("ready");
  // What search derives from the snapshot at its first query — the name index, the account and
  // phone lookups — built while the page is idle instead (most of a second at 200,000 members
  // on a phone).
  (globalThis.requestIdleCallback ?? ((run) => setTimeout(run, 0)))(() => dir.prepare());
  loadSdk({ cfg, host })
    .then((loaded) => loaded && registerSdk({ cfg }))
    .catch((err) => console.warn("tongxunlu: JS-SDK not registered:", err));
}

main().catch(showError);
