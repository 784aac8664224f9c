#!/usr/bin/env node
// A small, dependency-free static file server for the demo page and the browser tests.
//
//   node scripts/serve.mjs [--host 127.0.0.1] [--port 8080] [--mount /url/prefix/=dir ...]
//
// With no --mount it serves the page the way `make demo` lays it out:
//   /            → www/
//   /pkg/        → pkg/web/              (the wasm-bindgen browser package)
//   /sample.txl  → target/demo/sample.txl (the demo snapshot)
// Extra mounts are checked first, longest prefix first; a prefix ending in "/" maps a directory,
// any other prefix maps exactly one file. `--port 0` picks a free port. Only loopback by default.
//
// Tests import { startServer } and get back { server, url, close }.
//
// Later replaced by `tongxunlu serve`.

import { createServer } from "node:http";
import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const MIME = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".wasm": "application/wasm",
  ".txl": "application/octet-stream",
  ".d.ts": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".vcf": "text/vcard; charset=utf-8",
};

export function mimeType(file) {
  const base = path.basename(file).toLowerCase();
  if (base.endsWith(".d.ts")) return MIME[".d.ts"];
  return MIME[path.extname(base)] ?? "application/octet-stream";
}

export function defaultMounts(root = ROOT) {
  return [
    { prefix: "/pkg/", target: path.join(root, "pkg", "web") },
    { prefix: "/sample.txl", target: path.join(root, "target", "demo", "sample.txl") },
    { prefix: "/", target: path.join(root, "www") },
  ];
}

function sortMounts(mounts) {
  return [...mounts].sort((a, b) => b.prefix.length - a.prefix.length);
}

/** Maps a decoded URL path to a file path, or null when nothing is mounted there. */
export function resolvePath(mounts, urlPath) {
  for (const { prefix, target } of mounts) {
    if (prefix.endsWith("/")) {
      if (urlPath === prefix.slice(0, -1) || urlPath.startsWith(prefix)) {
        const rest = urlPath.slice(prefix.length) || "";
        const file = path.resolve(target, "." + path.posix.sep + rest);
        const base = path.resolve(target);
        if (file !== base && !file.startsWith(base + path.sep)) return null; // escapes the mount
        return file;
      }
    } else if (urlPath === prefix) {
      return path.resolve(target);
    }
  }
  return null;
}

async function handle(mounts, req, res, log) {
  const send = (status, body, headers = {}) => {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
    res.end(req.method === "HEAD" ? undefined : body);
  };
  if (req.method !== "GET" && req.method !== "HEAD") {
    return send(405, "method not allowed\n", { allow: "GET, HEAD" });
  }
  let urlPath;
  try {
    urlPath = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
  } catch {
    return send(400, "bad request\n");
  }
  if (urlPath.includes("\0")) return send(400, "bad request\n");
  let file = resolvePath(mounts, urlPath);
  if (file === null) return send(404, `not found: ${urlPath}\n`);
  let st;
  try {
    st = await fs.stat(file);
    if (st.isDirectory()) {
      if (!urlPath.endsWith("/")) {
        res.writeHead(301, { location: urlPath + "/" });
        return res.end();
      }
      file = path.join(file, "index.html");
      st = await fs.stat(file);
    }
  } catch {
    log?.(`404 ${urlPath}`);
    return send(404, `not found: ${urlPath}\n`);
  }
  if (!st.isFile()) return send(404, `not found: ${urlPath}\n`);
  res.writeHead(200, {
    "content-type": mimeType(file),
    "content-length": st.size,
    // The demo is rebuilt often; never let the browser keep a stale engine or snapshot.
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") return res.end();
  const stream = createReadStream(file);
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

/**
 * Starts the server. Resolves to { server, url, port, close() } once it listens.
 * `mounts` are added in front of the default ones (see the top of this file).
 */
export function startServer({ host = "127.0.0.1", port = 0, mounts = [], root = ROOT, log } = {}) {
  const table = sortMounts([...mounts, ...defaultMounts(root)]);
  const server = createServer((req, res) => {
    handle(table, req, res, log).catch((err) => {
      log?.(`500 ${req.url}: ${err.message}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("internal error\n");
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const addr = server.address();
      const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
      const url = `http://${shownHost}:${addr.port}/`;
      resolve({
        server,
        url,
        port: addr.port,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

function parseArgs(argv) {
  const opts = { host: "127.0.0.1", port: 8080, mounts: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === "--host") opts.host = value();
    else if (arg === "--port") {
      const v = value();
      opts.port = Number(v);
      if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
        throw new Error(`--port must be a port number, not ${JSON.stringify(v)}`);
      }
    } else if (arg === "--mount") {
      const v = value();
      const eq = v.indexOf("=");
      if (eq <= 0 || !v.startsWith("/")) throw new Error(`--mount wants /prefix=path, not ${JSON.stringify(v)}`);
      opts.mounts.push({ prefix: v.slice(0, eq), target: path.resolve(v.slice(eq + 1)) });
    } else if (arg === "-h" || arg === "--help") {
      opts.help = true;
    } else {
      throw new Error(`unknown argument ${JSON.stringify(arg)} (try --help)`);
    }
  }
  return opts;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`serve: ${err.message}`);
    process.exit(2);
  }
  if (opts.help) {
    console.log("usage: node scripts/serve.mjs [--host 127.0.0.1] [--port 8080] [--mount /prefix=path ...]");
    return;
  }
  let started;
  try {
    started = await startServer({ ...opts, log: (line) => console.error(line) });
  } catch (err) {
    if (err.code === "EADDRINUSE") {
      console.error(`serve: ${opts.host}:${opts.port} is already in use; pick another port, e.g. make demo PORT=${opts.port + 1}`);
    } else {
      console.error(`serve: cannot listen on ${opts.host}:${opts.port}: ${err.message}`);
    }
    process.exit(1);
  }
  for (const file of [path.join(ROOT, "pkg", "web", "tongxunlu.js"), path.join(ROOT, "target", "demo", "sample.txl")]) {
    try {
      await fs.access(file);
    } catch {
      console.error(`serve: warning: ${path.relative(ROOT, file)} is missing — run \`make demo\` to build it`);
    }
  }
  console.log(`tongxunlu demo: ${started.url}  (Ctrl-C to stop)`);
  const stop = () => started.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main();
}
