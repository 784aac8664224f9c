// What the page keeps on the device, and why each lives where it does:
//
// - the sign-in token: sessionStorage (gone with the tab). The host app's back end puts it in the
//   URL fragment (`#token=…`, never sent to any server); the page moves it out of the URL at once
//   so that it is not bookmarked, shared or left in the history.
// - the last good snapshot: Cache Storage, stored only after `Directory.open` accepted it (and,
//   with a signing key configured, after its signature verified), tagged with the viewer it
//   belongs to, the signing key it was verified with (or ""), its ETag and when it was saved. A
//   snapshot of another viewer is deleted before anything is shown, so nobody sees a directory
//   meant for someone else; so is one verified with another key than the one in force.
// - frequent contacts (常用联系人): localStorage, per viewer, `{ userid: count }`; starred ones
//   (星标联系人): localStorage, per viewer, a list of accounts in the order they were starred.
// - the viewer's own fields that the policy hides from everyone else (`own` of /api/me: the
//   snapshot, shared by a whole class, cannot carry them): localStorage, per viewer, so that the
//   own profile shows them offline too; cleared with the snapshot.

const TOKEN_KEY = "tongxunlu.token";
const SNAPSHOT_CACHE = "tongxunlu-snapshot";
const SNAPSHOT_KEY = "/tongxunlu/last-snapshot";
const FREQUENT_PREFIX = "tongxunlu.frequent:";
const FREQUENT_MAX = 50;
const OWN_PREFIX = "tongxunlu.own:";
const STARRED_PREFIX = "tongxunlu.starred:";

/** Moves `#token=…` from the URL into sessionStorage; returns the token in force, or null. */
export function takeToken(win = globalThis) {
  const params = new URLSearchParams(win.location.hash.slice(1));
  const fromUrl = params.get("token");
  if (fromUrl) {
    win.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete("token");
    const rest = params.toString();
    win.history.replaceState(
      win.history.state,
      "",
      `${win.location.pathname}${win.location.search}${rest ? `#${rest}` : ""}`,
    );
  }
  return win.sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token, win = globalThis) {
  win.sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(win = globalThis) {
  win.sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * The account a token was issued to, read from its first part (`base64url(userid).expiry.mac`,
 * the format `tongxunlu token` mints), or null for any other shape. Only used to keep one
 * viewer's stored snapshot from another; the server checks the token itself.
 */
export function tokenViewer(token) {
  const first = String(token ?? "").split(".")[0];
  if (!/^[A-Za-z0-9_-]+$/.test(first)) return null;
  try {
    const binary = atob(first.replace(/-/g, "+").replace(/_/g, "/"));
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

const hasCaches = () => typeof caches !== "undefined";

/**
 * The stored snapshot: `{ bytes(), viewer, signingKey, etag, savedAt }`, or null. The bytes are
 * read only when asked for: online, a fresh download usually makes them unnecessary. They are
 * read once (a response's body can be): a refused patch needs them again to open them.
 */
export async function loadSnapshot() {
  if (!hasCaches()) return null;
  const cache = await caches.open(SNAPSHOT_CACHE);
  const res = await cache.match(SNAPSHOT_KEY);
  if (!res) return null;
  let bytes;
  return {
    bytes: () => (bytes ??= res.arrayBuffer().then((buffer) => new Uint8Array(buffer))),
    viewer: res.headers.get("x-viewer") ?? "",
    signingKey: res.headers.get("x-signing-key") ?? "",
    etag: res.headers.get("etag") ?? "",
    savedAt: Number(res.headers.get("x-saved-at")) || 0,
  };
}

/** Stores a snapshot that opened successfully (verified with `signingKey`, if one), replacing the previous one. */
export async function saveSnapshot(bytes, { viewer, signingKey = "", etag = "", savedAt = Date.now() }) {
  if (!hasCaches()) return;
  const cache = await caches.open(SNAPSHOT_CACHE);
  const headers = {
    "content-type": "application/octet-stream",
    "x-viewer": viewer,
    "x-signing-key": signingKey,
    "x-saved-at": String(savedAt),
  };
  if (etag) headers.etag = etag;
  await cache.put(SNAPSHOT_KEY, new Response(bytes, { headers }));
}

export async function clearSnapshot(storage = globalThis.localStorage) {
  if (hasCaches()) await caches.delete(SNAPSHOT_CACHE);
  try {
    for (const key of Object.keys(storage).filter((k) => k.startsWith(OWN_PREFIX))) storage.removeItem(key);
  } catch {
    // storage disabled: there is nothing kept to clear
  }
}

/** The viewer's own hidden fields as last fetched, `{ birthday: "…", … }`; `{}` when none are kept. */
export function ownFields(viewer, storage = globalThis.localStorage) {
  return storedObject(storage, OWN_PREFIX + viewer);
}

export function saveOwnFields(viewer, fields, storage = globalThis.localStorage) {
  try {
    storage.setItem(OWN_PREFIX + viewer, JSON.stringify(fields));
  } catch {
    // storage full or disabled: the fields show while the page is open, not offline
  }
}

/** The viewer's frequent contacts, `{ userid: count }`. */
export function frequent(viewer, storage = globalThis.localStorage) {
  return storedObject(storage, FREQUENT_PREFIX + viewer);
}

/** The JSON object stored under `key`; `{}` when there is none or it does not read. */
function storedObject(storage, key) {
  try {
    const value = JSON.parse(storage.getItem(key) ?? "{}");
    return value && typeof value === "object" && !Array.isArray(value) ? value : {};
  } catch {
    return {}; // unreadable state is dropped, not fatal
  }
}

/** Counts one call, chat or @-mention of `userid`; keeps the most frequent few. */
export function bumpFrequent(viewer, userid, storage = globalThis.localStorage) {
  const counts = frequent(viewer, storage);
  counts[userid] = (Number(counts[userid]) || 0) + 1;
  const kept = Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, FREQUENT_MAX);
  try {
    storage.setItem(FREQUENT_PREFIX + viewer, JSON.stringify(Object.fromEntries(kept)));
  } catch {
    // storage full or disabled: ranking simply does not learn
  }
}

/** The frequent contacts' accounts, most frequent first. */
export function frequentOrder(viewer, storage = globalThis.localStorage) {
  return Object.entries(frequent(viewer, storage))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([userid]) => userid);
}

/** The viewer's starred contacts (星标联系人), in the order they were starred. */
export function starred(viewer, storage = globalThis.localStorage) {
  try {
    const list = JSON.parse(storage.getItem(STARRED_PREFIX + viewer) ?? "[]");
    return Array.isArray(list) ? list.filter((u) => typeof u === "string") : [];
  } catch {
    return []; // unreadable state is dropped, not fatal
  }
}

/** Stars `userid`, or takes the star away; returns whether it is starred now. */
export function toggleStar(viewer, userid, storage = globalThis.localStorage) {
  const list = starred(viewer, storage);
  const on = !list.includes(userid);
  const next = on ? [...list, userid] : list.filter((u) => u !== userid);
  try {
    storage.setItem(STARRED_PREFIX + viewer, JSON.stringify(next));
  } catch {
    return !on; // storage full or disabled: nothing changed
  }
  return on;
}
