//! `tongxunlu serve` as the page and a host back end use it (docs/visibility.md, docs/cli.md): the built binary on a
//! free port, spoken to over plain HTTP/1.1 with `std::net::TcpStream` — page and package files,
//! no way out of their directories, each viewer's snapshot behind a signed token, one snapshot per
//! visibility class, ETag/304, gzip, 401/403 with no data, the demo sign-in only with --demo, and
//! with --signing-key snapshots that verify with the public key /config.js gives the page; a
//! directory file that changes is read again (a bad one is reported and the last good one kept),
//! and a page holding what it was served before gets a patch (`226 IM Used`) from that alone.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use flate2::read::GzDecoder;
use serde_json::Value;
use tongxunlu::model::{Directory, Status};
use tongxunlu::sample::{self, Preset, SampleSpec};
use tongxunlu::snapshot::signature::{self, PublicKey, SigningKey};
use tongxunlu::snapshot::{self, delta, Snapshot, MAGIC};
use tongxunlu::token::{self, Secret};
use tongxunlu::visibility::Organisation;

const SECRET: &str = "a test secret that is long enough!";
const RESIGNED: usize = 40;
const DISABLED: usize = 41;

/// A fresh working directory with the page, the package and the directory file the tests use.
struct Fixture {
    dir: PathBuf,
    directory: Directory,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["www/sub", "pkg"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let files: [(&str, &[u8]); 9] = [
            (
                "www/index.html",
                b"<!doctype html><html lang=\"zh-CN\"><title>\xe9\x80\x9a\xe8\xae\xaf\xe5\xbd\x95</title></html>",
            ),
            ("www/app.js", b"import init from './pkg/tongxunlu.js'; // app\n"),
            ("www/style.css", b"body { font-family: sans-serif }\n"),
            ("www/manifest.webmanifest", b"{\"name\": \"tongxunlu\"}"),
            ("www/icon.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            ("www/icon.png", b"\x89PNG\r\n\x1a\nnot really"),
            ("www/sub/index.html", b"<p>sub</p>"),
            ("pkg/tongxunlu.js", b"export default function init() {}\n"),
            // Outside both served directories: must never be served.
            ("private.txt", b"TOP SECRET payroll"),
        ];
        for (path, bytes) in files {
            std::fs::write(dir.join(path), bytes).unwrap();
        }
        std::fs::write(dir.join("pkg/tongxunlu_bg.wasm"), wasm_like()).unwrap();
        std::fs::write(dir.join("www/.hidden"), "dot file").unwrap();
        std::fs::write(dir.join("www/big.js"), "console.log('通讯录');\n".repeat(200)).unwrap();

        let mut directory = sample::generate(&SampleSpec { members: 400, seed: 1, preset: Preset::Company });
        directory.userlist[RESIGNED].status = Status::Resigned;
        directory.userlist[DISABLED].status = Status::Disabled;
        std::fs::write(dir.join("dir.json"), directory.to_json_pretty()).unwrap();
        let directory = Directory::from_json(&std::fs::read_to_string(dir.join("dir.json")).unwrap()).unwrap();
        Fixture { dir, directory }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tongxunlu"));
        command.current_dir(&self.dir).args(args).env_remove(token::SECRET_ENV);
        command
    }

    /// `tongxunlu serve dir.json --www www --pkg pkg --addr 127.0.0.1:0 [extra…]` with the test secret.
    fn serve(&self, extra: &[&str]) -> Served {
        self.start(&[&["dir.json"], extra].concat())
    }

    /// `tongxunlu serve` of the built-in sample (no directory file), with the test secret.
    fn serve_sample(&self, extra: &[&str]) -> Served {
        self.start(extra)
    }

    fn start(&self, extra: &[&str]) -> Served {
        let mut args = vec!["serve", "--www", "www", "--pkg", "pkg", "--addr", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = self
            .command(&args)
            .env(token::SECRET_ENV, SECRET)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("tongxunlu serve: listening on ").unwrap_or_else(|| panic!("{line:?}"));
        let addr = url.strip_prefix("http://").unwrap().trim_end_matches('/').to_owned();
        // Read as it comes, so that the server never waits on a full pipe.
        let log = Arc::new(Mutex::new(String::new()));
        let (stderr, sink) = (child.stderr.take().unwrap(), log.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(|line| line.ok()) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Served { child, addr, log }
    }

    /// Replaces the directory file in one step (a rename), as a tool that publishes it should,
    /// so that the server never reads half a file.
    fn publish(&self, json: &str) {
        let staged = self.dir.join("dir.json.new");
        std::fs::write(&staged, json).unwrap();
        std::fs::rename(&staged, self.dir.join("dir.json")).unwrap();
    }

    fn wasm(&self) -> Vec<u8> {
        std::fs::read(self.dir.join("pkg/tongxunlu_bg.wasm")).unwrap()
    }

    fn userid(&self, index: usize) -> &str {
        &self.directory.userlist[index].userid
    }
}

/// Bytes that compress like a wasm module does (repetitive, with a header).
fn wasm_like() -> Vec<u8> {
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    bytes.extend((0..20_000u32).map(|i| (i % 97) as u8));
    bytes
}

/// A running server, stopped when dropped.
struct Served {
    child: Child,
    addr: String,
    /// What it wrote to stderr so far.
    log: Arc<Mutex<String>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        assert_eq!(self.header("Content-Type"), Some("application/json; charset=utf-8"), "{self:?}");
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    /// A refusal: the status, a JSON `{"error"}` and nothing else — no snapshot bytes.
    fn assert_refused(&self, status: u16, what: &str) -> String {
        assert_eq!(self.status, status, "{what}: {}", String::from_utf8_lossy(&self.body));
        assert!(!self.body.windows(4).any(|w| w == &MAGIC[..4]), "{what}: snapshot bytes in a refusal");
        assert!(self.body.len() < 300, "{what}: {} bytes", self.body.len());
        let value = self.json();
        let object = value.as_object().unwrap();
        assert_eq!(object.len(), 1, "{what}: {value}");
        assert_eq!(self.header("Cache-Control"), Some("no-store"), "{what}");
        object["error"].as_str().unwrap().to_owned()
    }
}

impl Served {
    /// One request on its own connection; `target` is sent as is (no normalisation of `..`).
    fn request(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        for (name, value) in headers {
            head += &format!("{name}: {value}\r\n");
        }
        if !body.is_empty() {
            head += &format!("Content-Length: {}\r\nContent-Type: application/json\r\n", body.len());
        }
        head += "\r\n";
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response head");
        let head = String::from_utf8(raw[..split].to_vec()).unwrap();
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers: Vec<(String, String)> =
            lines.map(|l| l.split_once(": ").unwrap()).map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
        let answer = Answer { status, headers, body: raw[split + 4..].to_vec() };
        // A 304 has no body, and says nothing of one (RFC 9110 §15.4.5).
        if method != "HEAD" && status != 304 {
            let length: usize = answer.header("Content-Length").unwrap().parse().unwrap();
            assert_eq!(answer.body.len(), length, "{method} {target}");
        }
        answer
    }

    fn get(&self, target: &str, headers: &[(&str, &str)]) -> Answer {
        self.request("GET", target, headers, b"")
    }

    fn snapshot(&self, token: &str, headers: &[(&str, &str)]) -> Answer {
        let bearer = format!("Bearer {token}");
        let mut all = vec![("Authorization", bearer.as_str())];
        all.extend_from_slice(headers);
        self.get("/api/snapshot", &all)
    }

    /// Waits until the log has a line containing `text` (the server watches its file about once
    /// a second); panics with the log after 20 s.
    fn wait_for_log(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.log.lock().unwrap().contains(text) {
            assert!(Instant::now() < deadline, "no {text:?} in the log:\n{}", self.log.lock().unwrap());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn secret() -> Secret {
    Secret::new(SECRET.as_bytes().to_vec()).unwrap()
}

fn token_for(userid: &str) -> String {
    token::issue(&secret(), userid, token::unix_now() + 600)
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out).unwrap();
    out
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

#[test]
fn page_and_package_files_are_served_with_their_types_and_revalidated() {
    let fixture = Fixture::new("files");
    let server = fixture.serve(&[]);
    let index = server.get("/", &[]);
    assert_eq!(index.status, 200);
    assert_eq!(index.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(index.body, std::fs::read(fixture.dir.join("www/index.html")).unwrap());
    assert_eq!(index.header("Cache-Control"), Some("no-cache"));
    let etag = index.header("ETag").unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() > 10, "{etag}");

    for (target, content_type) in [
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/manifest.webmanifest", "application/manifest+json; charset=utf-8"),
        ("/icon.svg", "image/svg+xml"),
        ("/icon.png", "image/png"),
        ("/pkg/tongxunlu.js", "text/javascript; charset=utf-8"),
        ("/pkg/tongxunlu_bg.wasm", "application/wasm"),
        ("/sub/", "text/html; charset=utf-8"),
    ] {
        let answer = server.get(target, &[]);
        assert_eq!((answer.status, answer.header("Content-Type")), (200, Some(content_type)), "{target}");
        assert_eq!(answer.header("X-Content-Type-Options"), Some("nosniff"));
    }
    assert_eq!(server.get("/pkg/tongxunlu_bg.wasm", &[]).body, fixture.wasm());

    // Revalidation: the same ETag is 304 with no body; a changed file gets a new one.
    let revalidated = server.get("/", &[("If-None-Match", &etag)]);
    assert_eq!((revalidated.status, revalidated.body.len()), (304, 0));
    assert_eq!(revalidated.header("ETag"), Some(etag.as_str()));
    std::fs::write(fixture.dir.join("www/index.html"), "<p>new</p>").unwrap();
    let changed = server.get("/", &[("If-None-Match", &etag)]);
    assert_eq!((changed.status, changed.body.as_slice()), (200, &b"<p>new</p>"[..]));
    assert_ne!(changed.header("ETag"), Some(etag.as_str()));

    // brotli, else gzip, for text and wasm when accepted, never for images.
    let wasm = server.get("/pkg/tongxunlu_bg.wasm", &[("Accept-Encoding", "gzip, deflate")]);
    assert_eq!(wasm.header("Content-Encoding"), Some("gzip"));
    assert_eq!(wasm.header("Vary"), Some("Accept-Encoding"));
    assert!(wasm.body.len() < fixture.wasm().len() / 4);
    assert_eq!(gunzip(&wasm.body), fixture.wasm());
    let brotli = server.get("/pkg/tongxunlu_bg.wasm", &[("Accept-Encoding", "gzip, deflate, br")]);
    assert_eq!(brotli.header("Content-Encoding"), Some("br"));
    assert_eq!(brotli.header("ETag"), wasm.header("ETag"));
    assert!(brotli.body.len() <= wasm.body.len());
    assert_eq!(unbrotli(&brotli.body), fixture.wasm());
    let js = server.get("/big.js", &[("Accept-Encoding", "gzip")]);
    assert_eq!(js.header("Content-Encoding"), Some("gzip"));
    assert_eq!(gunzip(&js.body), std::fs::read(fixture.dir.join("www/big.js")).unwrap());
    // A file too small to gain from gzip goes as it is.
    let small = server.get("/app.js", &[("Accept-Encoding", "gzip")]);
    assert_eq!(
        (small.header("Content-Encoding"), &small.body),
        (None, &std::fs::read(fixture.dir.join("www/app.js")).unwrap())
    );
    let refused_gzip = server.get("/pkg/tongxunlu_bg.wasm", &[("Accept-Encoding", "gzip;q=0")]);
    assert_eq!((refused_gzip.header("Content-Encoding"), &refused_gzip.body), (None, &fixture.wasm()));
    let png = server.get("/icon.png", &[("Accept-Encoding", "gzip")]);
    assert_eq!(png.header("Content-Encoding"), None);

    // HEAD: the headers, no body.
    let head = server.request("HEAD", "/pkg/tongxunlu_bg.wasm", &[], b"");
    assert_eq!((head.status, head.body.len()), (200, 0));
    assert_eq!(head.header("Content-Length"), Some(fixture.wasm().len().to_string().as_str()));

    assert_eq!(server.get("/no-such-file.js", &[]).status, 404);
    assert_eq!(server.get("/pkg/no-such-file.wasm", &[]).status, 404);
    let redirect = server.get("/sub", &[]);
    assert_eq!((redirect.status, redirect.header("Location")), (301, Some("/sub/")));
    assert_eq!(server.request("DELETE", "/", &[], b"").status, 405);
}

#[test]
fn nothing_outside_the_page_and_package_is_served() {
    let fixture = Fixture::new("traversal");
    let server = fixture.serve(&[]);
    for target in [
        "/../private.txt",
        "/%2e%2e/private.txt",
        "/%2E%2E%2Fprivate.txt",
        "/..%2fprivate.txt",
        "/pkg/../../private.txt",
        "/pkg/%2e%2e/%2e%2e/private.txt",
        "/pkg/..%5c..%5cprivate.txt",
        "/sub/../../private.txt",
        "/.hidden",
        "/%00",
        "/%zz",
        "//../private.txt",
        "/../dir.json",
        "http://evil/../private.txt",
        "*",
    ] {
        let answer = server.get(target, &[]);
        assert!(matches!(answer.status, 400 | 404), "{target}: {}", answer.status);
        let body = String::from_utf8_lossy(&answer.body);
        assert!(!body.contains("TOP SECRET") && !body.contains("dot file") && !body.contains("userlist"), "{target}");
    }
}

/// A `--www` folder that also holds the directory file, the secret or a link out of it gives
/// none of them away: only the kinds of file a page is made of are served, and only from inside
/// the folder once links are followed.
#[test]
fn a_page_folder_holding_data_or_links_out_serves_only_page_files() {
    let fixture = Fixture::new("page_folder");
    std::fs::copy(fixture.dir.join("dir.json"), fixture.dir.join("www/dir.json")).unwrap();
    std::fs::write(fixture.dir.join("www/secret.txt"), SECRET).unwrap();
    std::fs::write(fixture.dir.join("www/secret"), SECRET).unwrap();
    std::os::unix::fs::symlink(fixture.dir.join("private.txt"), fixture.dir.join("www/payroll.js")).unwrap();
    std::os::unix::fs::symlink(fixture.dir.join("pkg"), fixture.dir.join("www/linked")).unwrap();
    let server = fixture.serve(&[]);
    for target in ["/dir.json", "/secret.txt", "/secret", "/payroll.js", "/linked/tongxunlu.js"] {
        let answer = server.get(target, &[]);
        assert_eq!(answer.status, 404, "{target}");
        let body = String::from_utf8_lossy(&answer.body);
        assert!(!body.contains("userlist") && !body.contains(SECRET) && !body.contains("TOP SECRET"), "{target}");
    }
    assert_eq!(server.get("/app.js", &[]).status, 200, "a page file next to them is served");
}

/// Every reply says it may not be framed or sniffed, and the page's policy lets scripts come
/// from its own origin and WeChat's JS-SDK only; the log shows a request's path escaped and cut
/// short, so that it can neither forge nor colour a line.
#[test]
fn replies_carry_security_headers_and_the_log_escapes_paths() {
    let fixture = Fixture::new("headers");
    let server = fixture.serve(&["--signature-url", "https://api.example.com/wecom/sign?x=1"]);
    for target in ["/", "/app.js", "/api/snapshot", "/no-such"] {
        let answer = server.get(target, &[]);
        assert_eq!(answer.header("X-Frame-Options"), Some("DENY"), "{target}");
        assert_eq!(answer.header("X-Content-Type-Options"), Some("nosniff"), "{target}");
        let csp = answer.header("Content-Security-Policy").unwrap_or_else(|| panic!("{target}: no CSP"));
        for part in [
            "default-src 'self'",
            "script-src 'self' 'unsafe-eval' https://res.wx.qq.com;",
            "connect-src 'self' https://api.example.com;",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{target}: {part} missing from {csp}");
        }
    }
    server.get("/a%0Aforged%20line%1B[31m", &[]);
    server.get(&format!("/{}", "x".repeat(5000)), &[]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let log = server.log.lock().unwrap().clone();
    assert!(log.lines().all(|line| !line.starts_with("forged")), "{log}");
    assert!(!log.contains('\u{1b}'), "{log}");
    assert!(log.contains("…(5001 bytes)") && log.lines().all(|line| line.len() < 400), "{log}");
}

/// `tongxunlu token --ttl` is at most 30 days: a token that never expires is refused.
#[test]
fn a_token_lasts_at_most_thirty_days() {
    let fixture = Fixture::new("ttl");
    let out = fixture
        .command(&["token", "exec001", "--ttl", "18446744073709551615"])
        .env(token::SECRET_ENV, SECRET)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not in 1..=2592000"));
    let out =
        fixture.command(&["token", "exec001", "--ttl", "2592000"]).env(token::SECRET_ENV, SECRET).output().unwrap();
    assert!(out.status.success());
}

#[test]
fn a_valid_token_gets_exactly_that_viewers_snapshot() {
    let fixture = Fixture::new("snapshot");
    let server = fixture.serve(&[]);
    let organisation = Organisation::new(&fixture.directory);
    // The personas, and someone who is not one.
    let ordinary = fixture.directory.userlist[4..].iter().find(|m| organisation.view(&m.userid).is_ok()).unwrap();
    for viewer in ["exec001", "staff001", "dev001", "supplier001", &ordinary.userid] {
        let answer = server.snapshot(&token_for(viewer), &[]);
        assert_eq!(answer.status, 200, "{viewer}: {}", String::from_utf8_lossy(&answer.body));
        assert_eq!(answer.header("Content-Type"), Some("application/octet-stream"));
        assert_eq!(answer.header("Cache-Control"), Some("private, no-cache"));
        assert_eq!(answer.header("Vary"), Some("Authorization, Accept-Encoding"));

        let view = organisation.view(viewer).unwrap();
        let expected = snapshot::build(&fixture.directory, &view);
        assert_eq!(answer.header("ETag"), Some(format!("\"{}\"", expected.class_key_hex()).as_str()));
        assert_eq!(answer.body, expected.bytes, "{viewer}: the bytes of that viewer's own build");
        let opened = Snapshot::open(answer.body).unwrap();
        let served: BTreeSet<&str> = (0..opened.member_count()).map(|m| opened.member(m).userid).collect();
        let visible: BTreeSet<&str> =
            view.members.iter().map(|m| fixture.directory.userlist[m.member].userid.as_str()).collect();
        assert_eq!(served, visible, "{viewer}");
        assert!(served.contains(viewer));

        // The viewer's own fields that the policy hides from everyone else come beside the
        // snapshot, which the whole class shares (the sample hides birthdays and hire dates).
        let me = server.get("/api/me", &[("Authorization", &format!("Bearer {}", token_for(viewer)))]);
        let file: Value =
            serde_json::from_str(&std::fs::read_to_string(fixture.dir.join("dir.json")).unwrap()).unwrap();
        let hidden: Vec<&str> = file["field_policy"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, rule)| rule["visible"] == false)
            .map(|(key, _)| key.as_str())
            .collect();
        assert_eq!(hidden, ["birthday", "hire_date"]);
        let record = file["userlist"].as_array().unwrap().iter().find(|m| m["userid"] == viewer).unwrap();
        let own: serde_json::Map<String, Value> = hidden
            .iter()
            .filter(|key| record[**key].as_str().is_some_and(|v| !v.is_empty()))
            .map(|key| (key.to_string(), record[*key].clone()))
            .collect();
        assert_eq!(me.json(), serde_json::json!({ "userid": viewer, "name": record["name"], "own": own }));
        if let Some(birthday) = own.get("birthday") {
            let member = (0..opened.member_count()).map(|m| opened.member(m)).find(|m| m.userid == viewer).unwrap();
            assert!(!serde_json::to_string(&member).unwrap().contains(birthday.as_str().unwrap()), "{viewer}");
        }
    }
    // The token may come in the query too.
    let by_query = server.get(&format!("/api/snapshot?token={}", token_for("dev001")), &[]);
    assert_eq!(by_query.body, server.snapshot(&token_for("dev001"), &[]).body);
}

#[test]
fn viewers_who_see_the_same_share_a_snapshot_and_others_do_not() {
    let fixture = Fixture::new("classes");
    let server = fixture.serve(&[]);
    let organisation = Organisation::new(&fixture.directory);
    let dev = organisation.view("dev001").unwrap();
    let teammate = fixture
        .directory
        .userlist
        .iter()
        .map(|m| m.userid.as_str())
        .find(|&u| u != "dev001" && organisation.view(u).ok().as_ref() == Some(&dev))
        .expect("dev001 has a teammate with the same view");

    let etag = |viewer: &str| {
        let answer = server.snapshot(&token_for(viewer), &[]);
        assert_eq!(answer.status, 200);
        (answer.header("ETag").unwrap().to_owned(), answer.body)
    };
    let (dev_etag, dev_bytes) = etag("dev001");
    let (teammate_etag, teammate_bytes) = etag(teammate);
    assert_eq!(dev_etag, teammate_etag, "dev001 and {teammate} see the same");
    assert_eq!(dev_bytes, teammate_bytes);
    let others: BTreeSet<String> = ["exec001", "staff001", "supplier001"].map(|v| etag(v).0).into();
    assert_eq!(others.len(), 3);
    assert!(!others.contains(&dev_etag));
}

#[test]
fn if_none_match_is_304_and_gzip_is_sent_when_accepted() {
    let fixture = Fixture::new("etag");
    let server = fixture.serve(&[]);
    let token = token_for("staff001");
    let plain = server.snapshot(&token, &[]);
    let etag = plain.header("ETag").unwrap().to_owned();
    for tags in [etag.clone(), format!("W/{etag}"), format!("\"0000\", {etag}")] {
        let not_modified = server.snapshot(&token, &[("If-None-Match", &tags)]);
        assert_eq!((not_modified.status, not_modified.body.len()), (304, 0), "{tags}");
        assert_eq!(not_modified.header("ETag"), Some(etag.as_str()));
        assert_eq!(not_modified.header("Cache-Control"), Some("private, no-cache"));
    }
    assert_eq!(server.snapshot(&token, &[("If-None-Match", "\"0000\"")]).status, 200);
    // Another class's ETag does not match.
    let exec_etag = server.snapshot(&token_for("exec001"), &[]).header("ETag").unwrap().to_owned();
    assert_eq!(server.snapshot(&token, &[("If-None-Match", &exec_etag)]).status, 200);

    let gzipped = server.snapshot(&token, &[("Accept-Encoding", "gzip")]);
    assert_eq!(gzipped.header("Content-Encoding"), Some("gzip"));
    assert_eq!(gzipped.header("ETag"), Some(etag.as_str()));
    assert!(gzipped.body.len() < plain.body.len() * 3 / 4, "{} of {}", gzipped.body.len(), plain.body.len());
    assert_eq!(gunzip(&gzipped.body), plain.body);
    let brotli = server.snapshot(&token, &[("Accept-Encoding", "gzip, br")]);
    assert_eq!(brotli.header("Content-Encoding"), Some("br"));
    assert_eq!(brotli.header("ETag"), Some(etag.as_str()));
    assert!(brotli.body.len() < gzipped.body.len(), "{} of {}", brotli.body.len(), gzipped.body.len());
    assert_eq!(unbrotli(&brotli.body), plain.body);
    assert_eq!(plain.header("Content-Encoding"), None);
}

#[test]
fn missing_forged_tampered_and_expired_tokens_get_401_and_no_data() {
    let fixture = Fixture::new("tokens");
    let server = fixture.serve(&[]);
    let good = token_for("staff001");
    let (claim, signature) = good.rsplit_once('.').unwrap();
    let other_secret = Secret::new(b"somebody else's secret, 32 bytes+".to_vec()).unwrap();
    let exec = token_for("exec001");
    let exec_claim = exec.rsplit_once('.').unwrap().0;
    let mut flipped = good.clone().into_bytes();
    flipped[3] ^= 1; // a bit of the userid
    let far_future = format!("{}.{}.{signature}", claim.split('.').next().unwrap(), u64::MAX);

    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("no token", vec![]),
        ("empty bearer", vec![("Authorization", "Bearer ".into())]),
        ("not a bearer", vec![("Authorization", format!("Basic {good}"))]),
        ("garbage", vec![("Authorization", "Bearer not-a-token".into())]),
        (
            "another secret",
            vec![("Authorization", format!("Bearer {}", token::issue(&other_secret, "staff001", u64::MAX)))],
        ),
        ("another user's claim", vec![("Authorization", format!("Bearer {exec_claim}.{signature}"))]),
        ("a flipped bit", vec![("Authorization", format!("Bearer {}", String::from_utf8(flipped).unwrap()))]),
        ("a later expiry", vec![("Authorization", format!("Bearer {far_future}"))]),
        ("expired", vec![("Authorization", format!("Bearer {}", token::issue(&secret(), "staff001", 1_000_000)))]),
        ("a truncated signature", vec![("Authorization", format!("Bearer {}", &good[..good.len() - 1]))]),
    ];
    for (what, headers) in &cases {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        for target in ["/api/snapshot", "/api/me"] {
            let answer = server.get(target, &headers);
            answer.assert_refused(401, &format!("{what} at {target}"));
            assert!(answer.header("WWW-Authenticate").unwrap().starts_with("Bearer"));
        }
    }
    let error = server.snapshot(&token::issue(&secret(), "staff001", 1_000_000), &[]).assert_refused(401, "expired");
    assert_eq!(error, "the token expired at 1000000 (Unix seconds)");
    let error = server.get("/api/snapshot?token=x.1.y", &[]).assert_refused(401, "query");
    assert!(error.starts_with("malformed token"), "{error}");
    // The genuine token still works.
    assert_eq!(server.snapshot(&good, &[]).status, 200);
}

#[test]
fn resigned_disabled_and_unknown_viewers_get_403_and_no_data() {
    let fixture = Fixture::new("refused");
    let server = fixture.serve(&[]);
    for (viewer, says) in [
        (fixture.userid(RESIGNED), "has resigned"),
        (fixture.userid(DISABLED), "is disabled"),
        ("nobody-here", "is not a member"),
    ] {
        for target in ["/api/snapshot", "/api/me"] {
            let answer = server.get(target, &[("Authorization", &format!("Bearer {}", token_for(viewer)))]);
            let error = answer.assert_refused(403, &format!("{viewer} at {target}"));
            assert!(error.contains(says), "{error}");
        }
    }
}

#[test]
fn the_demo_sign_in_exists_only_with_demo() {
    let fixture = Fixture::new("demo");
    let plain = fixture.serve(&[]);
    assert_eq!(plain.get("/api/demo/viewers", &[]).status, 404);
    assert_eq!(plain.request("POST", "/api/demo/token", &[], br#"{"userid": "exec001"}"#).status, 404);
    assert_eq!(config(&plain)["demo"], false);

    // Open to whoever asks, the demo serves only the built-in sample, never a directory file.
    let refused = run(&fixture, &["serve", "dir.json", "--addr", "127.0.0.1:0", "--demo"], None);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).starts_with("tongxunlu: error: --demo serves only the built-in sample"),
        "{}",
        stderr(&refused)
    );
    let ambiguous = run(&fixture, &["serve", "dir.json", "--addr", "127.0.0.1:0", "--members", "40"], Some(SECRET));
    assert_eq!(ambiguous.status.code(), Some(2), "a file and a sample's size: {}", stderr(&ambiguous));

    let demo = fixture.serve_sample(&["--demo", "--members", "400"]);
    let viewers = demo.get("/api/demo/viewers", &[]).json();
    let viewers = viewers.as_array().unwrap();
    let ids: Vec<&str> = viewers.iter().map(|v| v["userid"].as_str().unwrap()).collect();
    assert_eq!(ids, ["exec001", "staff001", "dev001", "supplier001"]);
    let counts: Vec<u64> = viewers.iter().map(|v| v["members"].as_u64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] > w[1]), "each persona sees less than the one before: {counts:?}");
    assert_eq!(viewers[1]["name"], "张伟");
    assert!(viewers.iter().all(|v| !v["description"].as_str().unwrap().is_empty()));
    assert_eq!(config(&demo)["demo"], true);

    let signed_in = demo.request("POST", "/api/demo/token", &[], br#"{"userid": "dev001"}"#).json();
    let demo_token = signed_in["token"].as_str().unwrap();
    let expires = signed_in["expires"].as_u64().unwrap();
    assert!(expires > token::unix_now() + 3600);
    // The demo signs with a secret of its own, never the configured one (TONGXUNLU_SECRET is
    // set for this server): its tokens are worthless to a production server with that secret,
    // and that secret's tokens are worthless to it.
    assert!(token::verify(&secret(), demo_token, token::unix_now()).is_err());
    assert_eq!(plain.snapshot(demo_token, &[]).status, 401);
    assert_eq!(demo.snapshot(&token_for("exec001"), &[]).status, 401);
    assert!(demo.log.lock().unwrap().contains("$TONGXUNLU_SECRET is not used"));
    let snapshot = Snapshot::open(demo.snapshot(demo_token, &[]).body).unwrap();
    assert_eq!(snapshot.member_count() as u64, counts[2]);

    let not_a_persona =
        demo.request("POST", "/api/demo/token", &[], format!(r#"{{"userid": "{}"}}"#, fixture.userid(50)).as_bytes());
    assert!(not_a_persona.assert_refused(403, "not a persona").contains("exec001"));
    demo.request("POST", "/api/demo/token", &[], b"{not json").assert_refused(400, "bad JSON");
    demo.request("POST", "/api/demo/token", &[], br#"{"userid": 7}"#).assert_refused(400, "not a string");
    demo.request("POST", "/api/demo/token", &[], &[b' '; 5000]).assert_refused(413, "too large");
    assert_eq!(demo.get("/api/demo/token", &[]).status, 405);
}

/// `/config.js`, read back as the page would see `globalThis.tongxunluConfig`.
fn config(server: &Served) -> Value {
    let answer = server.get("/config.js", &[]);
    assert_eq!(answer.header("Content-Type"), Some("text/javascript; charset=utf-8"));
    assert_eq!(answer.header("Cache-Control"), Some("no-cache"));
    let text = String::from_utf8(answer.body).unwrap();
    let object = text.split_once("globalThis.tongxunluConfig = ").unwrap().1.trim_end().trim_end_matches(';');
    serde_json::from_str(object).unwrap()
}

#[test]
fn config_js_carries_the_urls_and_the_wechat_work_settings() {
    let fixture = Fixture::new("config");
    let server =
        fixture.serve(&["--corp-id", "ww1234\"</script>", "--agent-id", "1000002", "--signature-url", "/jssdk/sign"]);
    assert_eq!(
        config(&server),
        serde_json::json!({
            "snapshotUrl": "/api/snapshot",
            "meUrl": "/api/me",
            "demo": false,
            "demoViewersUrl": "/api/demo/viewers",
            "demoTokenUrl": "/api/demo/token",
            "corpId": "ww1234\"</script>",
            "agentId": "1000002",
            "signatureUrl": "/jssdk/sign",
            "signingKey": "",
        })
    );
}

#[test]
fn with_a_signing_key_every_snapshot_verifies_with_the_key_in_config_js() {
    let fixture = Fixture::new("signed");
    let key = SigningKey::from_seed([9; 32]);
    key.write_new_pem_file(&fixture.dir.join("key.pem")).unwrap();
    let server = fixture.serve(&["--signing-key", "key.pem"]);
    let public = PublicKey::from_base64(config(&server)["signingKey"].as_str().unwrap()).unwrap();
    assert_eq!(public, key.public_key());
    let organisation = Organisation::new(&fixture.directory);
    for viewer in ["exec001", "staff001", "dev001"] {
        let token = token_for(viewer);
        let answer = server.snapshot(&token, &[]);
        assert_eq!(answer.status, 200, "{viewer}");
        let expected = snapshot::build(&fixture.directory, &organisation.view(viewer).unwrap());
        let body = signature::verify(&answer.body, &public).unwrap_or_else(|e| panic!("{viewer}: {e}"));
        assert_eq!(body, expected.bytes, "{viewer}: that viewer's own snapshot, signed");
        assert_eq!(Snapshot::open(answer.body.clone()).unwrap().as_bytes(), &expected.bytes[..]);
        // The ETag names the key too: the same class signed by another key is other bytes.
        let etag = format!("\"{}-{}\"", expected.class_key_hex(), public.key_id());
        assert_eq!(answer.header("ETag"), Some(etag.as_str()), "{viewer}");
        assert_eq!(server.snapshot(&token, &[("If-None-Match", &etag)]).status, 304);
        let gzipped = server.snapshot(&token, &[("Accept-Encoding", "gzip")]);
        assert_eq!(gzipped.header("Content-Encoding"), Some("gzip"));
        assert_eq!(gunzip(&gzipped.body), answer.body, "{viewer}: the signed bytes, gzipped");
        assert_eq!(server.snapshot(&token, &[]).body, answer.body, "{viewer}: signed once, the same every time");
    }

    // A key file that cannot be read stops the server before it listens, naming the file.
    let out =
        run(&fixture, &["serve", "dir.json", "--addr", "127.0.0.1:0", "--signing-key", "no-key.pem"], Some(SECRET));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("tongxunlu: error: no-key.pem: "), "{}", stderr(&out));
}

fn run(fixture: &Fixture, args: &[&str], secret: Option<&str>) -> Output {
    let mut command = fixture.command(args);
    if let Some(secret) = secret {
        command.env(token::SECRET_ENV, secret);
    }
    command.output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_token_command_mints_what_serve_accepts_and_short_secrets_are_refused() {
    let fixture = Fixture::new("token-cli");
    let out = run(&fixture, &["token", "staff001", "--ttl", "120"], Some(SECRET));
    assert!(out.status.success(), "{}", stderr(&out));
    let minted = String::from_utf8(out.stdout).unwrap();
    assert_eq!(token::verify(&secret(), minted.trim(), token::unix_now()).unwrap(), "staff001");
    let expires: u64 = minted.split('.').nth(1).unwrap().parse().unwrap();
    assert!((token::unix_now() + 110..=token::unix_now() + 120).contains(&expires));
    let server = fixture.serve(&[]);
    assert_eq!(server.snapshot(minted.trim(), &[]).status, 200);

    std::fs::write(fixture.dir.join("secret.txt"), format!("{SECRET}\n")).unwrap();
    let out = run(&fixture, &["token", "dev001", "--secret-file", "secret.txt"], None);
    assert_eq!(token::verify(&secret(), String::from_utf8(out.stdout).unwrap().trim(), 0).unwrap(), "dev001");

    std::fs::write(fixture.dir.join("short.txt"), "too short\n").unwrap();
    for (args, secret) in [
        (&["token", "dev001"][..], Some("too short")),
        (&["token", "dev001", "--secret-file", "short.txt"][..], None),
        (&["serve", "dir.json", "--addr", "127.0.0.1:0"][..], Some("too short")),
    ] {
        let out = run(&fixture, args, secret);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains("the secret is 9 bytes; at least 32 are needed"), "{args:?}: {}", stderr(&out));
    }
    // The demo takes no secret at all: it signs with one of its own.
    std::fs::write(fixture.dir.join("secret.txt"), format!("{SECRET}\n")).unwrap();
    let out = run(&fixture, &["serve", "--addr", "127.0.0.1:0", "--demo", "--secret-file", "secret.txt"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "tongxunlu: error: --demo signs its tokens with a random secret of its own: leave out --secret-file\n"
    );
    for args in [&["token", "dev001"][..], &["serve", "dir.json", "--addr", "127.0.0.1:0"][..]] {
        let out = run(&fixture, args, None);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(stderr(&out), "tongxunlu: error: no secret: set TONGXUNLU_SECRET or pass --secret-file PATH\n");
    }
    let out = run(&fixture, &["serve", "no-such.json", "--addr", "127.0.0.1:0"], Some(SECRET));
    assert!(stderr(&out).starts_with("tongxunlu: error: no-such.json: "), "{}", stderr(&out));
    // A secret anyone could guess, and a file that is not a secret at all, are refused by both.
    std::fs::write(
        fixture.dir.join("passwd"),
        "root:x:0:0:root:/root:/bin/bash\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n",
    )
    .unwrap();
    for args in [&["token", "dev001"][..], &["serve", "dir.json", "--addr", "127.0.0.1:0"][..]] {
        let out = run(&fixture, args, Some(&"a".repeat(40)));
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("TONGXUNLU_SECRET: the secret is too predictable"), "{}", stderr(&out));
        let out = run(&fixture, &[args, &["--secret-file", "passwd"]].concat(), None);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("passwd: the secret holds a line break — is this the right file?"),
            "{}",
            stderr(&out)
        );
    }
}

/// The fixture's directory after a small change: a new mobile for staff001's first colleagues
/// and for someone only exec001 sees, a new position, and a newcomer (a copy of a member).
fn changed(directory: &Directory) -> Directory {
    let mut changed = directory.clone();
    for (n, member) in changed.userlist.iter_mut().skip(60).step_by(50).enumerate() {
        member.mobile = Some(format!("1370000{n:04}"));
    }
    changed.userlist[7].position = Some("首席体验官".into());
    let mut newcomer = changed.userlist[12].clone();
    newcomer.userid = "newcomer001".into();
    newcomer.mobile = Some("13700009999".into());
    newcomer.email = Some("newcomer001@example.com".into());
    changed.userlist.push(newcomer);
    changed
}

fn etag_of(answer: &Answer) -> String {
    answer.header("ETag").unwrap().to_owned()
}

#[test]
fn a_changed_directory_file_is_served_and_a_page_gets_a_patch_from_what_it_was_served() {
    let fixture = Fixture::new("reload");
    let server = fixture.serve(&[]);
    let (staff, exec, dev) = (token_for("staff001"), token_for("exec001"), token_for("dev001"));
    let staff_before = server.snapshot(&staff, &[]);
    let exec_before = server.snapshot(&exec, &[]);
    assert_eq!((staff_before.status, exec_before.status), (200, 200));
    let (staff_etag, exec_etag) = (etag_of(&staff_before), etag_of(&exec_before));
    // dev001 asks for nothing before the change: the server never served them a snapshot.

    let directory = changed(&fixture.directory);
    fixture.publish(&directory.to_json_pretty());
    server.wait_for_log("read dir.json again: 401 members");
    let organisation = Organisation::new(&directory);
    let expected = |viewer: &str| snapshot::build(&directory, &organisation.view(viewer).unwrap());

    let staff_now = server.snapshot(&staff, &[]);
    assert_eq!(staff_now.status, 200);
    assert_eq!(staff_now.body, expected("staff001").bytes, "the new directory's snapshot");
    let new_etag = etag_of(&staff_now);
    assert_ne!(new_etag, staff_etag);
    assert!(Snapshot::open(staff_now.body.clone()).unwrap().find_member("newcomer001").is_some());

    // What staff001 was served before, with A-IM: a patch to exactly the new bytes.
    let offered = [("If-None-Match", staff_etag.as_str()), ("A-IM", "txldif")];
    let patch = server.snapshot(&staff, &offered);
    assert_eq!(patch.status, 226, "{}", String::from_utf8_lossy(&patch.body));
    assert_eq!(patch.header("IM"), Some("txldif"));
    assert_eq!(patch.header("Delta-Base"), Some(staff_etag.as_str()));
    assert_eq!(patch.header("ETag"), Some(new_etag.as_str()));
    assert_eq!(patch.header("Cache-Control"), Some("private, no-cache"));
    assert_eq!(patch.header("Vary"), Some("Authorization, Accept-Encoding, A-IM"));
    assert_eq!(patch.header("Content-Encoding"), None);
    assert_eq!(delta::apply_checked(&staff_before.body, &patch.body).unwrap(), staff_now.body);
    assert!(patch.body.len() * 2 < staff_now.body.len(), "{} of {} bytes", patch.body.len(), staff_now.body.len());
    // Gzipped when accepted, as snapshots are, if gzip makes it smaller (a patch is mostly
    // copies and new bytes: a small one may not shrink); offered among other manipulations, or
    // as `*`.
    let gzipped = server.snapshot(&staff, &[offered[0], ("A-IM", "vcdiff, txldif;q=0.5"), ("Accept-Encoding", "gzip")]);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&patch.body).unwrap();
    let shrinks = encoder.finish().unwrap().len() < patch.body.len();
    assert_eq!(gzipped.status, 226);
    if shrinks {
        assert_eq!(gzipped.header("Content-Encoding"), Some("gzip"));
        assert_eq!(gunzip(&gzipped.body), patch.body, "made once, the same every time");
    } else {
        assert_eq!(gzipped.header("Content-Encoding"), None);
        assert_eq!(gzipped.body, patch.body, "made once, the same every time");
    }
    assert_eq!(server.snapshot(&staff, &[offered[0], ("A-IM", "*")]).status, 226);

    // No patch without A-IM, for a refused one, or for the current ETag (304 as ever).
    for (what, headers) in [
        ("no A-IM", vec![offered[0]]),
        ("A-IM of another kind", vec![offered[0], ("A-IM", "vcdiff")]),
        ("txldif refused", vec![offered[0], ("A-IM", "txldif;q=0")]),
    ] {
        let answer = server.snapshot(&staff, &headers);
        assert_eq!((answer.status, &answer.body), (200, &staff_now.body), "{what}");
    }
    let current = server.snapshot(&staff, &[("If-None-Match", &new_etag), ("A-IM", "txldif")]);
    assert_eq!((current.status, current.body.len()), (304, 0));

    // Never a patch from a snapshot this viewer was not served: another viewer's previous one
    // (which would show something of what that viewer sees), one of a viewer with no snapshot
    // before the change, or an ETag the server never gave.
    for (what, token, held, now) in [
        ("staff001 holding exec001's", &staff, &exec_etag, &staff_now.body),
        ("exec001 holding staff001's", &exec, &staff_etag, &expected("exec001").bytes),
        ("dev001, not served before", &dev, &staff_etag, &expected("dev001").bytes),
        ("an unknown ETag", &staff, &"\"0123456789abcdef\"".to_owned(), &staff_now.body),
    ] {
        let answer = server.snapshot(token, &[("If-None-Match", held), ("A-IM", "txldif")]);
        assert_eq!(answer.status, 200, "{what}");
        assert_eq!(&answer.body, now, "{what}: the whole snapshot");
        assert_eq!(answer.header("IM"), None, "{what}");
    }
    // exec001's own previous snapshot patches to exec001's new one.
    let exec_patch = server.snapshot(&exec, &[("If-None-Match", &exec_etag), ("A-IM", "txldif")]);
    assert_eq!(exec_patch.status, 226);
    assert_eq!(delta::apply_checked(&exec_before.body, &exec_patch.body).unwrap(), expected("exec001").bytes);
}

#[test]
fn a_directory_file_that_does_not_read_is_reported_and_the_last_good_one_stays_in_service() {
    let fixture = Fixture::new("reload-invalid");
    let server = fixture.serve(&[]);
    let staff = token_for("staff001");
    let before = server.snapshot(&staff, &[]);

    // Two members with one account: a file `tongxunlu` refuses.
    let mut duplicate = fixture.directory.clone();
    duplicate.userlist[9].userid = duplicate.userlist[8].userid.clone();
    for (what, json) in [("a repeated account", duplicate.to_json_pretty()), ("half a file", "{\"userlist\": [".into())]
    {
        fixture.publish(&json);
        server.wait_for_log("still serving the directory read before");
        let line = server.log.lock().unwrap().lines().find(|l| l.contains("still serving")).unwrap().to_owned();
        assert!(line.starts_with("tongxunlu serve: dir.json: "), "{what}: {line}");
        assert!(line.ends_with(" — still serving the directory read before"), "{what}: {line}");
        let now = server.snapshot(&staff, &[]);
        assert_eq!((now.status, &now.body), (200, &before.body), "{what}: the last good directory");
        server.log.lock().unwrap().clear();
    }
    // Fixed, the file is taken again.
    fixture.publish(&changed(&fixture.directory).to_json_pretty());
    server.wait_for_log("read dir.json again: 401 members");
    assert_ne!(etag_of(&server.snapshot(&staff, &[])), etag_of(&before));
}

#[test]
fn with_a_signing_key_a_patch_makes_the_new_signed_snapshot() {
    let fixture = Fixture::new("reload-signed");
    let key = SigningKey::from_seed([7; 32]);
    key.write_new_pem_file(&fixture.dir.join("key.pem")).unwrap();
    let server = fixture.serve(&["--signing-key", "key.pem"]);
    let token = token_for("dev001");
    let before = server.snapshot(&token, &[]);
    fixture.publish(&changed(&fixture.directory).to_json_pretty());
    server.wait_for_log("read dir.json again: 401 members");
    let now = server.snapshot(&token, &[]);
    let patch = server.snapshot(&token, &[("If-None-Match", &etag_of(&before)), ("A-IM", "txldif")]);
    assert_eq!(patch.status, 226);
    assert_eq!(patch.header("ETag"), now.header("ETag"));
    let made = delta::apply_checked(&before.body, &patch.body).unwrap();
    assert_eq!(made, now.body, "the new snapshot, signed");
    signature::verify(&made, &key.public_key()).unwrap();
}
