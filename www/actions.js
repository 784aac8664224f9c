// The call / chat / mail / save-card glue between the page and the app it runs in.
//
// The page runs in three kinds of host, told apart by the user agent: WeChat Work (企业微信,
// `wxwork/`), WeChat (`MicroMessenger` without `wxwork/`) and a plain browser — each on a phone
// or a PC. Calling and mailing are plain `tel:` / `mailto:` links everywhere. Chatting is not:
//
// - where the WeChat Work JS-SDK is loaded (as `ww`, or the older `wx`), `openEnterpriseChat`
//   opens a chat with one colleague or a group chat with several;
// - on the PC WeChat Work client without the SDK, its URL scheme `wxwork://message?username=`
//   opens a chat with one colleague;
// - anywhere else there is no way to chat from a web page, and the page says so.
//
// Everything a host app configures lives in ONE object, `globalThis.tongxunluConfig`, which the
// server provides as `/config.js` (see `config()` for the fields and their defaults).
//
// The functions take the things they depend on (the global object, the user agent, a `fetch`)
// as arguments with browser defaults, so the tests can hand them a fake `ww`.

/** The defaults of `globalThis.tongxunluConfig`; the server's `/config.js` overrides them. */
export const DEFAULT_CONFIG = Object.freeze({
  snapshotUrl: "/api/snapshot", // GET with Authorization: Bearer <token> → the viewer's snapshot
  meUrl: "/api/me", // GET with the same token → { userid, name }
  demo: false, // show the demo sign-in (演示登录) when there is no token
  demoViewersUrl: "/api/demo/viewers", // GET → [{ userid, name, … }]
  demoTokenUrl: "/api/demo/token", // POST { userid } → { token, expires }
  corpId: "", // WeChat Work corp id, for the JS-SDK
  agentId: "", // the app's agent id, for the JS-SDK
  signatureUrl: "", // GET ?url=<page url> → { timestamp, nonceStr, signature } for the JS-SDK
  signingKey: "", // base64 Ed25519 public key: when set, only snapshots it signed are opened
  sdkUrl: "https://res.wx.qq.com/open/js/jweixin-1.2.0.js", // loaded in WeChat (Work) when the SDK is configured
});

/** The configuration in force: `globalThis.tongxunluConfig` over the defaults. */
export function config(global = globalThis) {
  const given = global.tongxunluConfig;
  return { ...DEFAULT_CONFIG, ...(given && typeof given === "object" ? given : {}) };
}

/** `{ app: "wxwork" | "wechat" | "browser", mobile }` from a user agent string. */
export function detectHost(userAgent = globalThis.navigator?.userAgent ?? "") {
  const app = /wxwork\//i.test(userAgent) ? "wxwork" : /MicroMessenger/i.test(userAgent) ? "wechat" : "browser";
  const mobile = /Mobile|Android|iPhone|iPad|iPod|HarmonyOS|OpenHarmony/i.test(userAgent);
  return { app, mobile };
}

/** The JS-SDK object that offers `openEnterpriseChat` (`ww` first, then `wx`), or null. */
export function chatSdk(global = globalThis) {
  for (const name of ["ww", "wx"]) {
    const sdk = global[name];
    if (sdk && typeof sdk.openEnterpriseChat === "function") return sdk;
  }
  return null;
}

const NOT_IN_WXWORK = "请在企业微信中打开以发起聊天";

/** A chat the JS-SDK would not open: why in Chinese, and its own words as the detail. */
const refused = (detail) => ({
  ok: false,
  via: "sdk",
  message: /permission|denied/i.test(detail) ? "无法发起聊天：企业微信没有授予这个权限" : "无法发起聊天：企业微信没有完成这次操作",
  detail,
});

/**
 * How a chat with `userids` would be opened here: `{ via: "sdk", sdk }`, `{ via: "scheme", url }`
 * or `{ via: "none", message }`. Pure, so that the choice itself is testable.
 */
export function chatRoute(userids, { host = detectHost(), sdk = chatSdk() } = {}) {
  if (userids.length === 0) return { via: "none", message: "请先选择联系人" };
  if (sdk) return { via: "sdk", sdk };
  if (host.app === "wxwork" && !host.mobile) {
    if (userids.length === 1)
      return { via: "scheme", url: `wxwork://message?username=${encodeURIComponent(userids[0])}` };
    return { via: "none", message: "企业微信电脑端暂时无法从这里发起群聊，请在手机上发起" };
  }
  if (host.app === "wxwork") return { via: "none", message: "企业微信的聊天接口没有加载，暂时无法从这里发起聊天" };
  return { via: "none", message: NOT_IN_WXWORK };
}

/**
 * Opens a chat with one colleague, or a group chat (named `groupName`) with several. Resolves to
 * `{ ok: true, via }` or `{ ok: false, via, message, detail? }` — a message for the user, in
 * Chinese, and the SDK's own words (English) for whoever they report it to.
 */
export function startChat(
  userids,
  { groupName = "", host, sdk, navigate = (url) => globalThis.location.assign(url) } = {},
) {
  const route = chatRoute(userids, { host: host ?? detectHost(), sdk: sdk === undefined ? chatSdk() : sdk });
  if (route.via === "scheme") {
    navigate(route.url);
    return Promise.resolve({ ok: true, via: "scheme" });
  }
  if (route.via === "none") return Promise.resolve({ ok: false, via: "none", message: route.message });
  return new Promise((resolve) => {
    try {
      route.sdk.openEnterpriseChat({
        userIds: userids.join(";"),
        groupName: userids.length > 1 ? groupName : "", // a one-to-one chat takes an empty name
        chatId: "", // a new chat, not an existing one
        success: () => resolve({ ok: true, via: "sdk" }),
        fail: (res) => resolve(refused(res?.errMsg ?? res?.err_msg ?? "no errMsg")),
      });
    } catch (err) {
      resolve(refused(String(err?.message ?? err)));
    }
  });
}

/**
 * Loads the JS-SDK script inside WeChat / WeChat Work when the host configured it (`corpId` and
 * `signatureUrl`) and the page does not have it yet. Resolves to true when an SDK is present.
 */
export function loadSdk({ cfg = config(), global = globalThis, host = detectHost(), doc = global.document } = {}) {
  if (chatSdk(global)) return Promise.resolve(true);
  if (host.app === "browser" || !cfg.corpId || !cfg.signatureUrl || !cfg.sdkUrl) return Promise.resolve(false);
  return new Promise((resolve) => {
    const script = doc.createElement("script");
    script.src = cfg.sdkUrl;
    script.onload = () => resolve(chatSdk(global) !== null);
    script.onerror = () => resolve(false);
    doc.head.append(script);
  });
}

/**
 * Registers the page with the JS-SDK so that `openEnterpriseChat` is allowed: asks the host's
 * signature endpoint for the page URL's signature, then `ww.register` (the current SDK) or
 * `wx.config` (jweixin). Does nothing when no SDK or no `signatureUrl` is configured. Resolves to
 * true when registered.
 */
export async function registerSdk({ cfg = config(), global = globalThis, fetchJson = defaultFetchJson } = {}) {
  const sdk = chatSdk(global);
  if (!sdk || !cfg.signatureUrl || !cfg.corpId) return false;
  const pageUrl = String(global.location?.href ?? "").split("#")[0];
  const sign = () =>
    fetchJson(`${cfg.signatureUrl}${cfg.signatureUrl.includes("?") ? "&" : "?"}url=${encodeURIComponent(pageUrl)}`);
  const jsApiList = ["openEnterpriseChat"];
  if (typeof sdk.register === "function") {
    sdk.register({
      corpId: cfg.corpId,
      agentId: cfg.agentId,
      jsApiList,
      getConfigSignature: sign,
      getAgentConfigSignature: sign,
    });
    return true;
  }
  if (typeof sdk.config === "function") {
    const { timestamp, nonceStr, signature } = await sign();
    sdk.config({ beta: true, debug: false, appId: cfg.corpId, timestamp, nonceStr, signature, jsApiList });
    return true;
  }
  return false;
}

async function defaultFetchJson(url) {
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** A `tel:` link for a phone number as stored (`+86 138-1600-0002` → `tel:+8613816000002`). */
export function telHref(number) {
  const dialable = String(number).replace(/[^\d+*#,;]/g, "");
  return dialable ? `tel:${dialable}` : "";
}

export function mailHref(email) {
  return `mailto:${encodeURIComponent(email).replace(/%40/g, "@")}`;
}

/** A file name for a member's card: their name, without what file systems refuse. */
export function vcardFileName(name) {
  const safe = String(name)
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_")
    .trim();
  return `${safe || "contact"}.vcf`;
}

/** Makes the browser save `text` as a vCard file (存入手机). */
export function saveVcard(text, name, doc = globalThis.document) {
  const blob = new Blob([text], { type: "text/vcard;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const a = doc.createElement("a");
  a.href = url;
  a.download = vcardFileName(name);
  doc.body.append(a);
  a.click();
  a.remove();
  // Revoke later: some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
