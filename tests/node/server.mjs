// `tongxunlu serve` as the tests and benchmarks start it: the release binary on a free loopback
// port, its stderr kept, viewer tokens minted as a host back end would (docs/cli.md#viewer-tokens:
// HMAC-SHA256 over the documented format, independently of the Rust code), and the server's memory
// read from /proc.

import { spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";

import { CLI, requireBuilt, ROOT, WEB_PKG } from "./helpers.mjs";

/** The browser package the server serves at /pkg/ (pkg/web unless TONGXUNLU_PKG_DIR says otherwise). */
export const PKG_DIR = process.env.TONGXUNLU_PKG_DIR ?? path.dirname(WEB_PKG);

/**
 * Starts `tongxunlu serve [directory] --addr 127.0.0.1:0 --www www --pkg PKG_DIR [args…]` with a
 * fresh secret. `maxOpenFiles` runs it under that file-descriptor limit (`ulimit -n`). Resolves
 * once it prints its URL, to `{ url, pid, secret, log(), token(userid, ttl), close() }`.
 */
export async function startServer({ directory, args = [], maxOpenFiles } = {}) {
  requireBuilt(CLI, "make build");
  const secret = randomBytes(32).toString("hex");
  const env = { ...process.env, TONGXUNLU_SECRET: secret };
  const serveArgs = ["serve", ...(directory ? [directory] : [])];
  serveArgs.push("--addr", "127.0.0.1:0", "--www", path.join(ROOT, "www"), "--pkg", PKG_DIR, ...args);
  const child = maxOpenFiles
    ? spawn("/bin/sh", ["-c", `ulimit -n ${maxOpenFiles} && exec "$0" "$@"`, CLI, ...serveArgs], { env })
    : spawn(CLI, serveArgs, { env });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-256_000)));
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`tongxunlu serve printed no URL in 120 s: ${stderr}`)), 120_000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once("exit", (code) => reject(new Error(`tongxunlu serve exited (${code}): ${stderr}`)));
  });
  return {
    url,
    pid: child.pid,
    secret,
    log: () => stderr,
    token: (userid, ttl = 3600) => mintToken(secret, userid, Math.floor(Date.now() / 1000) + ttl),
    close: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGTERM");
      }),
  };
}

/** A viewer token: `base64url(userid) "." expiry "." base64url(HMAC-SHA256(secret, the first two))`. */
export function mintToken(secret, userid, expiry) {
  const claim = `${Buffer.from(userid).toString("base64url")}.${expiry}`;
  return `${claim}.${createHmac("sha256", secret).update(claim).digest("base64url")}`;
}

/** The server's resident memory now and at its peak, in MiB (Linux's /proc). */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))?.[1] ?? NaN);
  return { rss: kib("VmRSS") / 1024, peak: kib("VmHWM") / 1024 };
}

/**
 * One GET on a connection of its own, read to the end: `{ status, bytes, ms }`, or `{ status:
 * "error", error, ms }` when it fails or takes longer than `timeout` ms.
 */
export function get(url, { headers = {}, timeout = 10_000, agent = false } = {}) {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (result) => resolve({ ...result, ms: performance.now() - started });
    const request = http.get(url, { agent, headers, timeout }, (response) => {
      let bytes = 0;
      response.on("data", (chunk) => (bytes += chunk.length));
      response.on("end", () => done({ status: response.statusCode, bytes, headers: response.headers }));
      response.on("error", (error) => done({ status: "error", error: error.message }));
    });
    request.on("timeout", () => request.destroy(new Error(`no answer in ${timeout} ms`)));
    request.on("error", (error) => done({ status: "error", error: error.message }));
  });
}

/** The value at `fraction` (0–1) of `values`, sorted. */
export function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}
