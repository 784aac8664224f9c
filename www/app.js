// The demo page: loads the engine (the wasm-bindgen browser package under ./pkg/), fetches a
// snapshot, opens it and shows what it holds. Later issues grow this into the contacts page.
//
// Query parameters:
//   ?snapshot=URL   snapshot to open (default: sample.txl next to this page); same origin only.
//
// For tests and scripts the page reports its progress in <body data-state="loading|ready|error">,
// and every number shown also sits unformatted in the element's data-value attribute.

const $ = (sel) => document.querySelector(sel);

function setState(state) {
  document.body.dataset.state = state;
}

function status(text) {
  $("#status-text").textContent = text;
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

function showStat(name, value, text = String(value)) {
  const el = document.querySelector(`[data-stat="${name}"]`);
  if (!el) return;
  el.dataset.value = String(value ?? "");
  el.textContent = value === undefined || value === null || value === "" ? "–" : text;
  if (typeof value === "string" && value.length > 24) el.title = value;
}

class PageError extends Error {
  constructor(title, message, hint) {
    super(message);
    this.title = title;
    this.hint = hint;
  }
}

function showError(err) {
  console.warn("tongxunlu:", err);
  const title = err instanceof PageError ? err.title : "无法打开通讯录";
  const hint =
    err instanceof PageError ? err.hint : "请刷新页面重试；如果问题仍然存在，请联系管理员。";
  $("#status").hidden = true;
  $("#summary").hidden = true;
  $("#error-title").textContent = title;
  $("#error-message").textContent = err && err.message ? err.message : String(err);
  $("#error-hint").textContent = hint;
  $("#error").hidden = false;
  $("#corp-name").textContent = "加载失败";
  setState("error");
}

function snapshotUrl() {
  const param = new URLSearchParams(location.search).get("snapshot");
  const url = new URL(param || "sample.txl", location.href);
  if (url.origin !== location.origin) {
    throw new PageError(
      "快照地址无效",
      `snapshot must be on this site (${location.origin}), not ${url.origin}`,
      "只能打开本站提供的通讯录快照。",
    );
  }
  return url;
}

async function loadEngine() {
  try {
    const engine = await import("./pkg/tongxunlu.js");
    await engine.default();
    return engine;
  } catch (err) {
    throw new PageError(
      "无法加载通讯录引擎",
      `engine failed to load: ${err && err.message ? err.message : err}`,
      "浏览器需要支持 WebAssembly；请刷新页面重试。",
    );
  }
}

async function fetchSnapshot(url) {
  let res;
  try {
    res = await fetch(url, { cache: "no-cache" });
  } catch (err) {
    throw new PageError("无法下载通讯录快照", `network error fetching ${url.pathname}: ${err.message}`, "请检查网络连接后刷新页面。");
  }
  if (!res.ok) {
    throw new PageError(
      "无法下载通讯录快照",
      `HTTP ${res.status} ${res.statusText} for ${url.pathname}`,
      "快照文件不存在或暂时无法访问，请稍后重试。",
    );
  }
  return new Uint8Array(await res.arrayBuffer());
}

function openSnapshot(engine, bytes) {
  try {
    return engine.Directory.open(bytes);
  } catch (err) {
    throw new PageError(
      "通讯录快照已损坏",
      err && err.message ? err.message : String(err),
      "快照文件不完整或已损坏，无法打开。请刷新页面重新下载；如果问题仍然存在，请联系管理员。",
    );
  }
}

async function main() {
  const url = snapshotUrl();
  $("#snapshot-source").textContent = `快照：${url.pathname}`;

  status("正在加载通讯录引擎…");
  const engine = await loadEngine();

  status("正在下载通讯录快照…");
  const bytes = await fetchSnapshot(url);

  status("正在打开通讯录快照…");
  const t0 = performance.now();
  const dir = openSnapshot(engine, bytes);
  const stats = dir.stats();
  const openMs = performance.now() - t0;

  document.title = `通讯录 · ${stats.corpName}`;
  $("#corp-name").textContent = stats.corpName || "（未命名企业）";
  const n = (v) => Number(v).toLocaleString("zh-CN");
  showStat("members", stats.members, n(stats.members));
  showStat("departments", stats.departments, n(stats.departments));
  showStat("groups", stats.groups, n(stats.groups));
  showStat("labels", stats.labels, n(stats.labels));
  showStat("classKey", stats.classKey);
  showStat("directoryEtag", stats.directoryEtag);
  showStat("bytes", stats.bytes, formatBytes(stats.bytes));
  showStat("formatVersion", stats.formatVersion);
  showStat("openMs", openMs.toFixed(1), `${openMs.toFixed(1)} ms`);

  // Kept for the console and for later parts of the page.
  window.tongxunlu = { engine, directory: dir, stats };

  $("#status").hidden = true;
  $("#summary").hidden = false;
  setState("ready");
}

main().catch(showError);
