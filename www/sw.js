// The service worker: the page and the engine keep working with no network.
//
// - On install it precaches the page files and the engine (pkg/) in a cache named after
//   VERSION; on activate it deletes the shell caches of other versions (never the page's own
//   snapshot cache, see store.js). Bump VERSION when the list of files changes.
// - Page files and the engine are served network first, so an update arrives on the next
//   visit, and from the cache when the network fails — or hangs: when a cached copy exists and the
//   network has not answered within NETWORK_WAIT_MS, the cached copy is served, and the network's
//   answer, if it comes, still refreshes the cache for the next visit.
// - Everything else (the API: the snapshot, /api/me, the demo sign-in) is left to the network:
//   the page itself decides what to do with a failed snapshot download and stores the last
//   snapshot that opened.

const VERSION = "v2";
const SHELL = `tongxunlu-shell-${VERSION}`;
const FILES = [
  "./",
  "index.html",
  "style.css",
  "config.js",
  "app.js",
  "ui.js",
  "actions.js",
  "store.js",
  "views/dom.js",
  "views/paths.js",
  "views/rows.js",
  "views/home.js",
  "views/search.js",
  "views/org.js",
  "views/detail.js",
  "views/compose.js",
  "views/qr.js",
  "views/selection.js",
  "views/filter.js",
  "pkg/tongxunlu.js",
  "pkg/tongxunlu_bg.wasm",
];
const SHELL_URLS = new Set(FILES.map((f) => new URL(f, self.registration.scope).href));

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: "no-cache" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith("tongxunlu-shell-") && k !== SHELL).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  );
});

/** How long a page file's download may take before a cached copy is served instead. */
const NETWORK_WAIT_MS = 3_000;

/** The network's answer for `request`, or the cached copy under `key`; `refreshing` gets the
 * download, which must be let finish (and refresh the cache) even once the cached copy was sent. */
async function networkFirst(request, key, refreshing) {
  const cache = await caches.open(SHELL);
  const network = fetch(request).then(async (response) => {
    if (response.ok) await cache.put(key, response.clone());
    return response;
  });
  refreshing(network.catch(() => {}));
  const cached = await cache.match(key);
  if (!cached) return network;
  const waited = new Promise((resolve) => setTimeout(() => resolve(cached), NETWORK_WAIT_MS));
  return Promise.race([network.catch(() => cached), waited]);
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  url.search = ""; // ?q=… deep links are the same page
  url.hash = "";
  const key = request.mode === "navigate" ? new URL("./", self.registration.scope).href : url.href;
  if (request.mode === "navigate" || SHELL_URLS.has(key)) {
    event.respondWith(networkFirst(request, key, (download) => event.waitUntil(download)));
  }
});
