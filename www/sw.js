// The service worker: the page and the engine keep working with no network.
//
// - On install it precaches the page files and the engine (pkg/) in a cache named after
//   VERSION; on activate it deletes the shell caches of other versions (never the page's own
//   snapshot cache, see store.js). Bump VERSION when the list of files changes.
// - Page files and the engine are served network first, so an update arrives on the next
//   visit, and from the cache when the network fails; each good response refreshes the cache.
// - Everything else (the API: the snapshot, /api/me, the demo sign-in) is left to the network:
//   the page itself decides what to do with a failed snapshot download and stores the last
//   snapshot that opened.

const VERSION = "v1";
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

async function networkFirst(request, key) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  url.search = ""; // ?q=… deep links are the same page
  url.hash = "";
  const key = request.mode === "navigate" ? new URL("./", self.registration.scope).href : url.href;
  if (request.mode === "navigate" || SHELL_URLS.has(key)) event.respondWith(networkFirst(request, key));
});
