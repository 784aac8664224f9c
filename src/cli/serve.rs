//! `tongxunlu serve` and `tongxunlu token` (docs/cli.md): the page, the browser package and each
//! signed-in viewer's snapshot over HTTP, and the tokens that sign viewers in.
//!
//! The host app's back end proves who is looking with a viewer token (`src/token.rs`), sent as
//! `Authorization: Bearer …` (or `?token=…`). The server checks it, asks the visibility rules
//! what that viewer may see, and answers with the snapshot of that view — nothing else ever
//! leaves: no token, a forged or expired one is 401, a viewer who may not sign in (unknown,
//! resigned, disabled) is 403, and both carry only `{"error": "…"}`.
//!
//! Snapshots are built once per *view*, not per person: a view is fingerprinted (SHA-256 of its
//! contents, so two different views cannot share an entry) and viewers whose views are equal
//! share one built snapshot and its gzip, with the snapshot's class key as the ETag.
//!
//! The directory file is watched: about once a second its modification time and length are
//! compared with the last seen, and when they change it is read and validated again. A file that
//! reads is swapped in as a new *generation* — the directory, its visibility index and an empty
//! snapshot cache, owned together ([`Generation`]), so that dropping the generation before the
//! last frees all of it; one that does not read is reported on one line and the current
//! generation stays in service. (The built-in sample of the demo has no file to watch.)
//!
//! When the directory changes, a page holding the snapshot it was served before should fetch
//! only what changed (docs/snapshot.md#differences). So each viewer's snapshot of the previous
//! generation is kept, and a request that names it in `If-None-Match` and offers `A-IM: txldif`
//! gets a patch ([`delta::diff`]) from it to the current one, as RFC 3229's `226 IM Used`. The
//! base of a patch is always the snapshot *this viewer* was served, looked up by viewer and never
//! by ETag alone: a patch from another class's snapshot would tell something of what that class
//! sees to someone who may not see it. Each patch is made once per pair of snapshots and cached
//! with the generation. One generation back is all that is kept: a page that slept through two
//! changes, or whose snapshot the server never served (a restart), gets the whole snapshot.
//!
//! With `--signing-key`, every snapshot is signed (src/snapshot/signature.rs) once, when it is
//! built and cached, and `/config.js` gives the page the public key, so that a CDN or cache
//! between the two cannot alter a snapshot unnoticed. The ETag then names the key as well: the
//! same class signed by another key is other bytes.
//!
//! Routes:
//!
//! | route | answer |
//! |---|---|
//! | `GET /api/snapshot` | the viewer's snapshot; `ETag: "<class key>"` (`"<class key>-<key id>"` when signed), `Cache-Control: private, no-cache`, 304 on `If-None-Match` |
//! | `GET /api/snapshot` with `A-IM: txldif` | as above; when `If-None-Match` names the snapshot this viewer was served from the previous generation, `226 IM Used` with `IM: txldif`, `Delta-Base: "<its ETag>"`, the new `ETag` and the patch from it as the body |
//! | `GET /api/me` | `{"userid", "name"}` of the viewer |
//! | `GET /config.js` | `globalThis.tongxunluConfig = {…}`: the URLs above, demo or not, the WeChat Work JS-SDK settings, the signing key's public half |
//! | `GET /api/demo/viewers` | with `--demo` only: the sample's personas, what each sees |
//! | `POST /api/demo/token` | with `--demo` only: `{"userid"}` of a persona → `{"token", "expires"}` |
//! | `GET /pkg/…` | the browser package (`--pkg`, default `pkg/web`) |
//! | `GET /…` | the page (`--www`, default `www`); `/` is `index.html` |
//!
//! Files are read on each request and served with `Cache-Control: no-cache` and a content ETag,
//! so the page's service worker revalidates cheaply; text and wasm are gzipped when the client
//! accepts it. Paths with `.`-segments (`..`, dot files), backslashes or NUL bytes are refused;
//! only the kinds of file a page is made of are served (HTML, scripts, styles, wasm, the
//! manifest, images, fonts: not `.json` or `.txt`, which could be the directory file or the
//! secret), and only from inside the folder once links are followed. Every reply carries
//! `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` and a `Content-Security-Policy`;
//! a request is logged with its path escaped and cut at 200 characters.
//!
//! tiny_http does the HTTP/1.1 parsing (keep-alive, pipelining, HEAD without a body); the
//! handling is synchronous on a few worker threads, which is all a directory server needs: a
//! cached snapshot is a memory copy, and a build takes milliseconds to a second once per view.

use std::collections::HashMap;
use std::fs;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use clap::Args;
use flate2::Compression;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use tongxunlu::model::{Directory, PolicyField};
use tongxunlu::sample::{self, Preset, SampleSpec, PERSONAS, SCHOOL_PERSONAS};
use tongxunlu::snapshot::{self, delta, signature, NameTable};
use tongxunlu::token::{self, Secret, SecretError};
use tongxunlu::visibility::{DepartmentRole, Organisation, View, ViewError};

use super::{Error, Result};

/// The sample served when no directory file is named: what `tongxunlu sample` writes by default.
const DEFAULT_SAMPLE: SampleSpec = SampleSpec { members: 5000, seed: 1, preset: Preset::Company };
/// The longest a token from `tongxunlu token` lasts.
const MAX_TOKEN_TTL: u64 = 30 * 24 * 3600;
/// How long a demo sign-in lasts: a working day.
const DEMO_TOKEN_TTL: u64 = 8 * 3600;
/// Requests handled at once; more wait in tiny_http's queue.
const WORKERS: usize = 4;
/// The largest request body read (the demo sign-in's `{"userid": …}`).
const MAX_BODY: u64 = 4096;
/// How often the directory file's modification time and length are looked at.
const WATCH_INTERVAL: Duration = Duration::from_secs(1);
/// The instance manipulation (RFC 3229) of a patch from `delta::diff`, in `A-IM` and `IM`.
const DELTA_IM: &str = "txldif";

#[derive(Args)]
pub struct ServeArgs {
    /// The directory file; without one, the built-in sample (5,000 members, seed 1).
    directory: Option<PathBuf>,
    /// Where to listen; port 0 picks a free port (the URL printed on start has it).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// The page's files.
    #[arg(long, default_value = "www")]
    www: PathBuf,
    /// The browser package (wasm-bindgen's output), served under /pkg/.
    #[arg(long, default_value = "pkg/web")]
    pkg: PathBuf,
    /// A file holding the token secret (at least 32 bytes); else $TONGXUNLU_SECRET.
    #[arg(long, value_name = "PATH")]
    secret_file: Option<PathBuf>,
    /// Demo sign-in: anyone may pick one of the sample's personas. Never with real data. Tokens
    /// are signed with a random secret of this run's own, never the configured one.
    #[arg(long)]
    demo: bool,
    /// WeChat Work corp id, for the page's JS-SDK (wx.config / wx.agentConfig).
    #[arg(long, default_value = "")]
    corp_id: String,
    /// WeChat Work agent id, for the page's JS-SDK.
    #[arg(long, default_value = "")]
    agent_id: String,
    /// The host back end's URL that signs JS-SDK configs for the page.
    #[arg(long, default_value = "")]
    signature_url: String,
    /// Sign every snapshot with this Ed25519 private key (PKCS#8 PEM, as `keygen` writes), and
    /// give the page its public key in /config.js.
    #[arg(long, value_name = "FILE")]
    signing_key: Option<PathBuf>,
}

#[derive(Args)]
pub struct TokenArgs {
    /// The viewer's account.
    userid: String,
    /// Seconds until the token expires: at most 30 days, so that no token is good for ever.
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=MAX_TOKEN_TTL))]
    ttl: u64,
    /// A file holding the token secret (at least 32 bytes); else $TONGXUNLU_SECRET.
    #[arg(long, value_name = "PATH")]
    secret_file: Option<PathBuf>,
}

pub fn token_command(args: &TokenArgs) -> Result<()> {
    let secret = Secret::configured(args.secret_file.as_deref())?.ok_or(SecretError::Missing)?;
    println!("{}", token::issue(&secret, &args.userid, token::unix_now().saturating_add(args.ttl)));
    Ok(())
}

pub fn serve_command(args: &ServeArgs) -> Result<()> {
    // Taken before the file is read, so that a change while it is read is seen by the watcher.
    let stamp = args.directory.as_deref().and_then(file_stamp);
    let directory = match &args.directory {
        Some(path) => super::read_directory(path)?,
        None => sample::generate(&DEFAULT_SAMPLE),
    };
    // The demo signs with a secret of its own, always: with the production secret, anyone could
    // mint a token for a persona's account there and take it to the production server.
    let secret = if args.demo {
        if args.secret_file.is_some() {
            return Err(Error::DemoSecret);
        }
        if std::env::var_os(token::SECRET_ENV).is_some() {
            eprintln!("--demo: ${} is not used; the demo signs with a random secret of its own", token::SECRET_ENV);
        }
        Secret::random()?
    } else {
        Secret::configured(args.secret_file.as_deref())?.ok_or(SecretError::Missing)?
    };
    let signing_key = args.signing_key.as_deref().map(signature::SigningKey::read_pem_file).transpose()?;
    let generation = Generation::new(directory, args.demo);
    let site = Site {
        generations: Mutex::new(Generations { current: Arc::new(generation), previous: HashMap::new() }),
        secret,
        www: args.www.clone(),
        pkg: args.pkg.clone(),
        config: config_js(args, signing_key.as_ref().map(|key| key.public_key())),
        demo: args.demo,
        signing_key,
        csp: content_security_policy(&args.signature_url),
    };
    let server = Server::http(&args.addr).map_err(|source| Error::Listen { addr: args.addr.clone(), source })?;
    let url = match server.server_addr().to_ip() {
        Some(addr) => format!("http://{addr}/"),
        None => format!("http://{}/", args.addr),
    };
    for (dir, file) in [(&args.www, "index.html"), (&args.pkg, "tongxunlu.js")] {
        if !dir.join(file).is_file() {
            eprintln!("warning: {} is missing — run `make demo` (or pass --www/--pkg)", dir.join(file).display());
        }
    }
    let current = site.current();
    match &current.demo {
        Some(viewers) => eprintln!(
            "DEMO MODE: anyone can sign in as {} — never use --demo with a real directory",
            viewers.iter().map(|v| v.userid).collect::<Vec<_>>().join(", ")
        ),
        None => eprintln!("viewers sign in with tokens signed by the configured secret (`tongxunlu token USERID`)"),
    }
    if let Some(key) = &site.signing_key {
        let public = key.public_key();
        eprintln!("snapshots are signed: key id {}, public key {}", public.key_id(), public.to_base64());
    }
    eprintln!("{}; Ctrl-C to stop", current.describe());
    drop(current);
    println!("tongxunlu serve: listening on {url}");
    std::thread::scope(|scope| {
        if let Some(path) = &args.directory {
            let site = &site;
            scope.spawn(move || site.watch(path, stamp));
        }
        for _ in 0..WORKERS {
            scope.spawn(|| loop {
                match server.recv() {
                    Ok(request) => site.handle(request),
                    Err(e) => {
                        eprintln!("tongxunlu serve: stopped accepting requests: {e}");
                        break;
                    }
                }
            });
        }
    });
    Ok(())
}

/// When a file was last modified and how long it is, or None when it cannot be read: what the
/// watcher compares to notice a new directory file without reading it.
type FileStamp = Option<(SystemTime, u64)>;

fn file_stamp(path: &Path) -> FileStamp {
    let metadata = fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

/// Everything a request may need, shared by the worker threads.
struct Site {
    generations: Mutex<Generations>,
    secret: Secret,
    www: PathBuf,
    pkg: PathBuf,
    /// The body of `/config.js`.
    config: Entity,
    /// Whether the demo sign-in is on (`--demo`).
    demo: bool,
    /// Every snapshot served is signed with it, when there is one.
    signing_key: Option<signature::SigningKey>,
    /// The `Content-Security-Policy` of every reply ([`content_security_policy`]).
    csp: String,
}

/// The generation in service, and what is left of the one before it.
struct Generations {
    current: Arc<Generation>,
    /// The snapshot each viewer was served from the previous generation, by viewer: what their
    /// page may still hold, and so the only base a patch for them is made from.
    previous: HashMap<String, Arc<Entity>>,
}

self_cell::self_cell!(
    /// A directory and its visibility index, which borrows it: owned together, so that a new
    /// version of the file can be swapped in and the old one dropped whole.
    struct Indexed {
        owner: Directory,
        #[covariant]
        dependent: Organisation,
    }
);

/// One version of the directory file as it is served, with the snapshots built from it.
struct Generation {
    indexed: Indexed,
    /// The readings of the directory's names, read at the first snapshot built from this
    /// version and shared by every class's.
    names: OnceLock<NameTable>,
    /// The personas offered for sign-in, in demo mode only.
    demo: Option<Vec<Persona>>,
    snapshots: Mutex<SnapshotCache>,
}

impl Generation {
    fn new(directory: Directory, demo: bool) -> Generation {
        let indexed = Indexed::new(directory, |directory| Organisation::new(directory));
        let demo = demo.then(|| demo_viewers(indexed.borrow_owner(), indexed.borrow_dependent()));
        Generation { indexed, names: OnceLock::new(), demo, snapshots: Mutex::default() }
    }

    fn directory(&self) -> &Directory {
        self.indexed.borrow_owner()
    }

    /// What the log says about it: `5000 members, 61 departments`.
    fn describe(&self) -> String {
        let directory = self.directory();
        format!("{} members, {} departments", directory.userlist.len(), directory.department.len())
    }

    /// The snapshot `viewer` may see, built at most once per distinct view and signed with
    /// `signing_key` if there is one.
    fn snapshot_for(
        &self,
        viewer: &str,
        signing_key: Option<&signature::SigningKey>,
    ) -> std::result::Result<Arc<Entity>, ViewError> {
        if let Some(entity) = self.cache().by_viewer.get(viewer) {
            return Ok(entity.clone());
        }
        let view = self.indexed.borrow_dependent().view(viewer)?;
        let fingerprint = view_fingerprint(&view);
        let cached = self.cache().by_view.get(&fingerprint).cloned();
        // Built outside the lock, so other viewers are not kept waiting; two first requests for
        // one new view may both build it, and the first to finish is kept.
        let entity = cached.unwrap_or_else(|| {
            let names = self.names.get_or_init(|| NameTable::new(self.directory()));
            let built = snapshot::build_with(self.directory(), &view, names);
            let etag = match signing_key {
                Some(key) => format!("\"{}-{}\"", built.class_key_hex(), key.public_key().key_id()),
                None => format!("\"{}\"", built.class_key_hex()),
            };
            let bytes = super::signing::signed(built.bytes, signing_key);
            Arc::new(Entity::snapshot(bytes, etag, "Authorization, Accept-Encoding"))
        });
        let mut cache = self.cache();
        let entity = cache.by_view.entry(fingerprint).or_insert(entity).clone();
        cache.by_viewer.insert(viewer.to_owned(), entity.clone());
        Ok(entity)
    }

    /// The patch from `base`, a snapshot of the previous generation, to `snapshot`, one of
    /// this one; made once per pair (outside the lock, as snapshots are).
    fn patch(&self, base: &Entity, snapshot: &Entity) -> Arc<Entity> {
        let key = (base.etag.clone(), snapshot.etag.clone());
        if let Some(patch) = self.cache().patches.get(&key) {
            return patch.clone();
        }
        let bytes = delta::diff(&base.identity, &snapshot.identity);
        // The response differs by A-IM too: without it the same request gets the snapshot.
        let patch = Arc::new(Entity::snapshot(bytes, snapshot.etag.clone(), "Authorization, Accept-Encoding, A-IM"));
        self.cache().patches.entry(key).or_insert(patch).clone()
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, SnapshotCache> {
        // The cache holds only finished entries, so one left by a panicked thread is still sound.
        self.snapshots.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[derive(Default)]
struct SnapshotCache {
    /// By the fingerprint of the view it was built from (see [`view_fingerprint`]).
    by_view: HashMap<[u8; 32], Arc<Entity>>,
    /// By viewer, so a viewer's later requests skip working out their view.
    by_viewer: HashMap<String, Arc<Entity>>,
    /// Patches by the ETags of their base (of the previous generation) and result (of this one).
    patches: HashMap<(String, String), Arc<Entity>>,
}

/// One thing served, as it goes out: its bytes, their gzip when worth sending, and the headers
/// that do not depend on the request.
struct Entity {
    content_type: &'static str,
    cache_control: &'static str,
    vary: &'static str,
    /// Quoted, as in the header.
    etag: String,
    identity: Arc<[u8]>,
    gzip: Option<Arc<[u8]>>,
}

impl Entity {
    /// `compress` is false for what gzip cannot shrink (images, fonts). The default level: at
    /// 50,000 members the best one takes twice as long (1 s) to save 0.3 %.
    fn new(bytes: Vec<u8>, content_type: &'static str, etag: String, compress: bool) -> Entity {
        let gzip = compress
            .then(|| super::gzip(&bytes, Compression::default()))
            .filter(|gz| gz.len() < bytes.len())
            .map(Arc::from);
        Entity {
            content_type,
            cache_control: "no-cache",
            vary: if compress { "Accept-Encoding" } else { "" },
            etag,
            identity: Arc::from(bytes),
            gzip,
        }
    }

    /// A snapshot or a patch: one viewer's, so private; `vary` names the request headers it
    /// depends on.
    fn snapshot(bytes: Vec<u8>, etag: String, vary: &'static str) -> Entity {
        Entity {
            cache_control: "private, no-cache",
            vary,
            ..Entity::new(bytes, "application/octet-stream", etag, true)
        }
    }

    /// A page file: its ETag is a digest of its content.
    fn file(bytes: Vec<u8>, content_type: &'static str) -> Entity {
        let etag = format!("\"{}\"", hex(&Sha256::digest(&bytes)[..16]));
        Entity::new(bytes, content_type, etag, compressible(content_type))
    }
}

/// A response before it is written.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Arc<[u8]>,
}

impl Reply {
    fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            headers: vec![
                ("Content-Type", "application/json; charset=utf-8".into()),
                ("Cache-Control", "no-store".into()),
            ],
            body: Arc::from(value.to_string().into_bytes()),
        }
    }

    fn error(status: u16, message: &str) -> Reply {
        let mut reply = Reply::json(status, &json!({ "error": message }));
        if status == 401 {
            reply.headers.push(("WWW-Authenticate", "Bearer realm=\"tongxunlu\"".into()));
        }
        reply
    }

    fn method_not_allowed(allow: &'static str) -> Reply {
        let mut reply = Reply::error(405, &format!("method not allowed; use {allow}"));
        reply.headers.push(("Allow", allow.into()));
        reply
    }

    /// `entity` as this request should get it: 304 when the client has it, gzip when accepted.
    fn entity(entity: &Entity, request: &Request) -> Reply {
        let mut headers = vec![("ETag", entity.etag.clone()), ("Cache-Control", entity.cache_control.into())];
        if !entity.vary.is_empty() {
            headers.push(("Vary", entity.vary.into()));
        }
        if header(request, "If-None-Match").is_some_and(|tags| etag_matches(tags, &entity.etag)) {
            return Reply { status: 304, headers, body: Arc::from(Vec::new()) };
        }
        headers.push(("Content-Type", entity.content_type.into()));
        let body = match &entity.gzip {
            Some(gzip) if header(request, "Accept-Encoding").is_some_and(accepts_gzip) => {
                headers.push(("Content-Encoding", "gzip".into()));
                gzip.clone()
            }
            _ => entity.identity.clone(),
        };
        Reply { status: 200, headers, body }
    }
}

/// A sample viewer offered by the demo sign-in.
struct Persona {
    userid: &'static str,
    name: String,
    description: &'static str,
    /// How many members this viewer sees: the point of the demo.
    members: usize,
}

/// The personas of whichever sample `directory` is that can sign in; none for other directories.
fn demo_viewers(directory: &Directory, organisation: &Organisation) -> Vec<Persona> {
    let school = directory.userlist.iter().any(|m| m.userid == SCHOOL_PERSONAS[0].0);
    let personas = if school { SCHOOL_PERSONAS } else { PERSONAS };
    personas
        .iter()
        .filter_map(|&(userid, description)| {
            let view = organisation.view(userid).ok()?;
            let name = directory.userlist.iter().find(|m| m.userid == userid)?.name.clone();
            Some(Persona { userid, name, description, members: view.members.len() })
        })
        .collect()
}

/// `signing_key`: the public half of the key snapshots are signed with; the page then opens only
/// snapshots it signed.
fn config_js(args: &ServeArgs, signing_key: Option<signature::PublicKey>) -> Entity {
    let config = json!({
        "snapshotUrl": "/api/snapshot",
        "meUrl": "/api/me",
        "demo": args.demo,
        "demoViewersUrl": "/api/demo/viewers",
        "demoTokenUrl": "/api/demo/token",
        "corpId": args.corp_id,
        "agentId": args.agent_id,
        "signatureUrl": args.signature_url,
        "signingKey": signing_key.map(|key| key.to_base64()).unwrap_or_default(),
    });
    let pretty = serde_json::to_string_pretty(&config).expect("a JSON value always serialises");
    let text = format!("// Generated by `tongxunlu serve`.\nglobalThis.tongxunluConfig = {pretty};\n");
    Entity::file(text.into_bytes(), "text/javascript; charset=utf-8")
}

impl Site {
    fn handle(&self, mut request: Request) {
        let started = Instant::now();
        let method = request.method().clone();
        // The query is never logged: it may hold a token.
        let path = request.url().split(['?', '#']).next().unwrap_or("").to_owned();
        let reply = self.route(&mut request, &method, &path);
        let (status, sent) = (reply.status, reply.body.len());
        let mut headers: Vec<Header> =
            reply.headers.into_iter().filter_map(|(name, value)| Header::from_bytes(name, value).ok()).collect();
        headers.extend(Header::from_bytes("X-Content-Type-Options", "nosniff"));
        headers.extend(Header::from_bytes("X-Frame-Options", "DENY"));
        headers.extend(Header::from_bytes("Content-Security-Policy", self.csp.as_str()));
        let length = reply.body.len();
        let response = Response::new(StatusCode(status), headers, Cursor::new(reply.body), Some(length), None)
            // Always Content-Length: every body is in memory.
            .with_chunked_threshold(usize::MAX);
        let outcome = request.respond(response).err().map(|e| format!(" (not delivered: {e})")).unwrap_or_default();
        let ms = started.elapsed().as_secs_f64() * 1e3;
        eprintln!("{method} {} {status} {sent} B {ms:.1} ms{outcome}", loggable(&path));
    }

    fn route(&self, request: &mut Request, method: &Method, path: &str) -> Reply {
        let readable = matches!(method, Method::Get | Method::Head);
        let demo_route = path.starts_with("/api/demo/");
        match path {
            _ if !path.starts_with('/') => Reply::error(400, "bad request target"),
            _ if demo_route && !self.demo => Reply::error(404, "the demo sign-in is off (start with --demo)"),
            "/api/demo/token" if *method == Method::Post => self.demo_token(request),
            "/api/demo/token" => Reply::method_not_allowed("POST"),
            _ if !readable => Reply::method_not_allowed("GET, HEAD"),
            "/api/snapshot" => self.snapshot(request),
            "/api/me" => self.me(request),
            "/api/demo/viewers" => self.demo_viewers(),
            "/config.js" => Reply::entity(&self.config, request),
            _ if path.starts_with("/api/") => Reply::error(404, "no such API"),
            _ => match path.strip_prefix("/pkg/") {
                Some(rest) => serve_file(&self.pkg, rest, request),
                None => serve_file(&self.www, &path[1..], request),
            },
        }
    }

    /// The viewer a request's token proves, or the 401 to answer.
    fn viewer(&self, request: &Request) -> std::result::Result<String, Reply> {
        let token = match header(request, "Authorization") {
            Some(value) => match value.split_once(' ') {
                Some((scheme, token)) if scheme.eq_ignore_ascii_case("Bearer") => Some(token.trim().to_owned()),
                _ => return Err(Reply::error(401, "the Authorization header must be `Bearer <token>`")),
            },
            None => query_param(request.url(), "token"),
        };
        let token = token.ok_or_else(|| Reply::error(401, "sign in first: send Authorization: Bearer <token>"))?;
        token::verify(&self.secret, &token, token::unix_now()).map_err(|e| Reply::error(401, &e.to_string()))
    }

    fn snapshot(&self, request: &Request) -> Reply {
        let viewer = match self.viewer(request) {
            Ok(viewer) => viewer,
            Err(reply) => return reply,
        };
        let (generation, served_before) = {
            let generations = self.generations();
            (generations.current.clone(), generations.previous.get(&viewer).cloned())
        };
        let entity = match generation.snapshot_for(&viewer, self.signing_key.as_ref()) {
            Ok(entity) => entity,
            Err(refused) => return Reply::error(403, &refused.to_string()),
        };
        let held = header(request, "If-None-Match");
        let patchable = served_before.filter(|base| {
            held.is_some_and(|tags| etag_matches(tags, &base.etag) && !etag_matches(tags, &entity.etag))
                && header(request, "A-IM").is_some_and(|offered| accepts(offered, DELTA_IM))
        });
        let Some(base) = patchable else {
            return Reply::entity(&entity, request);
        };
        // Not If-None-Match's match, checked just above: a 200 of the patch, made a 226.
        let mut reply = Reply::entity(&generation.patch(&base, &entity), request);
        reply.status = 226;
        reply.headers.push(("IM", DELTA_IM.into()));
        reply.headers.push(("Delta-Base", base.etag.clone()));
        reply
    }

    fn me(&self, request: &Request) -> Reply {
        let viewer = match self.viewer(request) {
            Ok(viewer) => viewer,
            Err(reply) => return reply,
        };
        let generation = self.current();
        // The same refusals as the snapshot's; and the page asks for that next, so it is ready.
        if let Err(refused) = generation.snapshot_for(&viewer, self.signing_key.as_ref()) {
            return Reply::error(403, &refused.to_string());
        }
        let name = generation.directory().userlist.iter().find(|m| m.userid == viewer).map(|m| m.name.as_str());
        Reply::json(200, &json!({ "userid": viewer, "name": name }))
    }

    fn generations(&self) -> std::sync::MutexGuard<'_, Generations> {
        // Swapped whole under the lock, so one left by a panicked thread is still sound.
        self.generations.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn current(&self) -> Arc<Generation> {
        self.generations().current.clone()
    }

    /// Reads the directory file again whenever its modification time or length changes from
    /// `seen`, checking about once a second; never returns.
    fn watch(&self, path: &Path, mut seen: FileStamp) {
        loop {
            std::thread::sleep(WATCH_INTERVAL);
            let stamp = file_stamp(path);
            if stamp == seen {
                continue;
            }
            // Remembered even when the file does not read, so that it is reported once; a
            // writer that finishes later changes the stamp again.
            seen = stamp;
            match super::read_directory(path) {
                Ok(directory) => self.publish(Generation::new(directory, self.demo), path),
                Err(e) => eprintln!("tongxunlu serve: {e} — still serving the directory read before"),
            }
        }
    }

    /// Puts `generation` in service; the current one's snapshots become the previous ones.
    fn publish(&self, generation: Generation, path: &Path) {
        let description = generation.describe();
        let mut generations = self.generations();
        let before = std::mem::replace(&mut generations.current, Arc::new(generation));
        generations.previous = before.cache().by_viewer.clone();
        drop(generations);
        eprintln!("tongxunlu serve: read {} again: {description}", path.display());
    }

    fn demo_viewers(&self) -> Reply {
        let viewers: Vec<Value> = self
            .current()
            .demo
            .iter()
            .flatten()
            .map(|p| json!({ "userid": p.userid, "name": p.name, "description": p.description, "members": p.members }))
            .collect();
        Reply::json(200, &Value::Array(viewers))
    }

    fn demo_token(&self, request: &mut Request) -> Reply {
        let mut body = Vec::new();
        if let Err(e) = request.as_reader().take(MAX_BODY + 1).read_to_end(&mut body) {
            return Reply::error(400, &format!("cannot read the request body: {e}"));
        }
        if body.len() as u64 > MAX_BODY {
            return Reply::error(413, "the request body is too large");
        }
        let userid = match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(fields)) => match fields.get("userid") {
                Some(Value::String(userid)) => userid.clone(),
                _ => return Reply::error(400, "expected {\"userid\": \"…\"}"),
            },
            Ok(_) => return Reply::error(400, "expected {\"userid\": \"…\"}"),
            Err(e) => return Reply::error(400, &format!("the body is not JSON: {e}")),
        };
        let generation = self.current();
        let personas = generation.demo.as_deref().unwrap_or_default();
        if !personas.iter().any(|p| p.userid == userid) {
            let offered: Vec<&str> = personas.iter().map(|p| p.userid).collect();
            return Reply::error(403, &format!("the demo signs in only {}", offered.join(", ")));
        }
        let expires = token::unix_now().saturating_add(DEMO_TOKEN_TTL);
        let token = token::issue(&self.secret, &userid, expires);
        Reply::json(200, &json!({ "userid": userid, "token": token, "expires": expires }))
    }
}

/// A digest of everything a snapshot is built from, given the directory: equal views, equal
/// digests; different views, different digests (SHA-256 over an unambiguous encoding — a
/// collision would hand one viewer another's snapshot).
fn view_fingerprint(view: &View) -> [u8; 32] {
    let mut hasher = Sha256::new();
    let mut put = |n: usize| hasher.update((n as u64).to_le_bytes());
    put(view.departments.len());
    for d in &view.departments {
        put(d.department);
        put(d.parent.map_or(0, |p| p + 1));
        put(usize::from(d.role == DepartmentRole::PathLabel));
        put(d.headcount as usize);
        put(d.leaders.len());
        d.leaders.iter().for_each(|&l| put(l));
    }
    put(view.members.len());
    for m in &view.members {
        put(m.member);
        put(m.memberships.len());
        for &(department, order) in &m.memberships {
            put(department);
            put(order as usize);
        }
    }
    put(view.groups.len());
    for g in &view.groups {
        put(g.group);
        put(g.members.len());
        g.members.iter().for_each(|&m| put(m));
    }
    put(view.visible_fields.len());
    for field in &view.visible_fields {
        put(PolicyField::ALL.iter().position(|f| f == field).unwrap_or(usize::MAX));
    }
    view.directory_etag.iter().for_each(|&b| put(b.into()));
    hasher.finalize().into()
}

/// A request path as a log line shows it: escaped, so that a line break or a terminal escape in
/// it can neither forge another line nor colour the log, and cut short, so that a huge URL does
/// not make a huge line.
fn loggable(path: &str) -> String {
    const MAX_CHARS: usize = 200;
    let mut shown: String = path.chars().take(MAX_CHARS).flat_map(char::escape_debug).collect();
    if path.chars().nth(MAX_CHARS).is_some() {
        shown.push_str(&format!("…({} bytes)", path.len()));
    }
    shown
}

/// What the page may load and who may frame it. Scripts from the page's own origin and WeChat's
/// JS-SDK; `'unsafe-eval'` because compiling WebAssembly needs it in the WebViews that do not
/// know `'wasm-unsafe-eval'` (Chromium before 97, Safari before 16 — still in phones' WeChat),
/// where the page would not run at all; no inline script, plugin or foreign frame-parent.
/// `signature_url`, the host back end that signs JS-SDK configs, is the one other origin the
/// page may fetch from.
fn content_security_policy(signature_url: &str) -> String {
    let origin = |url: &str| -> Option<String> {
        let (scheme, rest) = url.split_once("://")?;
        let host = rest.split(['/', '?', '#']).next().filter(|h| !h.is_empty())?;
        let valid = matches!(scheme, "http" | "https")
            && host.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
        valid.then(|| format!("{scheme}://{host}"))
    };
    let connect = origin(signature_url).map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'unsafe-eval' https://res.wx.qq.com; connect-src 'self'{connect}; \
         img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    )
}

/// The file at `rest` (a URL path, still percent-encoded) under `root`: only the kinds of file
/// a page is made of ([`mime_type`]), and only inside `root` once links are followed — so that
/// a `--www` folder that also holds the directory file or the secret, or a link out of it,
/// gives nothing away.
fn serve_file(root: &Path, rest: &str, request: &Request) -> Reply {
    let Some(relative) = safe_relative_path(rest) else {
        return Reply::error(400, "bad path");
    };
    let mut path = root.join(&relative);
    if path.is_dir() {
        if !(rest.is_empty() || rest.ends_with('/')) {
            let location = request.url().split('?').next().unwrap_or("/").to_owned() + "/";
            let mut reply = Reply::error(301, "moved");
            reply.headers.push(("Location", location));
            return reply;
        }
        path.push("index.html");
    }
    let Some(content_type) = mime_type(&path) else {
        return Reply::error(404, "not found");
    };
    let inside = match (fs::canonicalize(root), fs::canonicalize(&path)) {
        (Ok(root), Ok(path)) => path.starts_with(root),
        _ => false,
    };
    if !inside {
        return Reply::error(404, "not found");
    }
    match fs::read(&path) {
        Ok(bytes) => Reply::entity(&Entity::file(bytes, content_type), request),
        Err(_) => Reply::error(404, "not found"),
    }
}

/// A URL path (percent-encoded, without the leading `/`) as a relative file path, or None when
/// it is malformed or could leave the directory: a segment that is empty is skipped, one that
/// starts with `.` (`..`, `.`, dot files) or holds `\` or NUL refuses the whole path.
fn safe_relative_path(url_path: &str) -> Option<PathBuf> {
    let decoded = String::from_utf8(percent_decode(url_path)?).ok()?;
    let mut path = PathBuf::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('.') || segment.contains(['\\', '\0']) {
            return None;
        }
        path.push(segment);
    }
    Some(path)
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The value of `name` in a URL's query (`+` is a space, as forms send it).
fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1.split('#').next()?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| percent_decode(&value.replace('+', " ")).and_then(|v| String::from_utf8(v).ok()))?
    })
}

fn header<'r>(request: &'r Request, name: &'static str) -> Option<&'r str> {
    request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str())
}

/// Whether an `Accept-Encoding` value allows gzip.
fn accepts_gzip(accept_encoding: &str) -> bool {
    accepts(accept_encoding, "gzip")
}

/// Whether a list of codings with q-values (`Accept-Encoding`, `A-IM`) allows `coding`: named,
/// or `*`, with a non-zero q.
fn accepts(list: &str, coding: &str) -> bool {
    list.split(',').any(|item| {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        let refused = parts.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")).and_then(|q| q.trim().parse::<f32>().ok())
                == Some(0.0)
        });
        (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
    })
}

/// Whether an `If-None-Match` value names `etag` (weak comparison, as RFC 9110 asks for GET).
fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match.split(',').map(str::trim).any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// The type of a file the page is made of, by its extension; None for any other file, which is
/// not served (a `.json` next to the page could be the directory file).
fn mime_type(path: &Path) -> Option<&'static str> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    Some(match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => return None,
    })
}

/// Text, wasm and SVG shrink under gzip; images and fonts are compressed already.
fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.starts_with("application/json")
        || content_type.starts_with("application/manifest+json")
        || content_type == "application/wasm"
        || content_type == "image/svg+xml"
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_leave_the_root() {
        for bad in [
            "..",
            "../x",
            "a/../../x",
            "%2e%2e/x",
            "a/%2E%2E/x",
            "..%2fx",
            "a\\..\\x",
            "a%5c..%5cx",
            ".git/config",
            "%00",
            "%zz",
            "%e4%b8",
        ] {
            assert_eq!(safe_relative_path(bad), None, "{bad}");
        }
        assert_eq!(safe_relative_path(""), Some(PathBuf::new()));
        assert_eq!(safe_relative_path("a//b/c.js"), Some(PathBuf::from("a/b/c.js")));
        assert_eq!(safe_relative_path("%E9%80%9A.txt"), Some(PathBuf::from("通.txt")));
    }

    #[test]
    fn accept_encoding_and_if_none_match() {
        assert!(accepts_gzip("gzip, deflate, br"));
        assert!(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("gzip;q=0, br"));
        assert!(!accepts_gzip("identity"));
        assert!(!accepts_gzip("gzipx"));
        assert!(etag_matches("\"a\", W/\"b\"", "\"b\""));
        assert!(etag_matches("*", "\"b\""));
        assert!(!etag_matches("\"ab\"", "\"b\""));
    }

    #[test]
    fn query_tokens() {
        assert_eq!(query_param("/api/snapshot?x=1&token=a.b%2Ec", "token").as_deref(), Some("a.b.c"));
        assert_eq!(query_param("/api/snapshot?tokens=a", "token"), None);
        assert_eq!(query_param("/api/snapshot", "token"), None);
    }

    #[test]
    fn the_demo_offers_the_personas_of_whichever_sample_it_serves() {
        for (preset, personas) in [(Preset::Company, PERSONAS), (Preset::School, SCHOOL_PERSONAS)] {
            let directory = sample::generate(&SampleSpec { members: 500, seed: 2, preset });
            let offered = demo_viewers(&directory, &Organisation::new(&directory));
            let ids: Vec<&str> = offered.iter().map(|p| p.userid).collect();
            assert_eq!(ids, personas.iter().map(|p| p.0).collect::<Vec<_>>());
            assert!(offered.iter().all(|p| p.members > 0 && !p.name.is_empty()));
        }
        let mut directory = sample::generate(&SampleSpec { members: 50, seed: 2, preset: Preset::Company });
        directory.userlist[1].status = tongxunlu::model::Status::Resigned;
        let offered = demo_viewers(&directory, &Organisation::new(&directory));
        assert_eq!(offered.iter().map(|p| p.userid).collect::<Vec<_>>(), ["exec001", "dev001", "supplier001"]);
    }

    #[test]
    fn equal_views_share_a_fingerprint_and_different_ones_do_not() {
        let directory = sample::generate(&SampleSpec { members: 300, seed: 3, preset: Preset::Company });
        let organisation = Organisation::new(&directory);
        let fingerprint = |userid: &str| view_fingerprint(&organisation.view(userid).unwrap());
        let views: Vec<View> = directory.userlist.iter().filter_map(|m| organisation.view(&m.userid).ok()).collect();
        for a in views.iter().take(60) {
            for b in views.iter().take(60) {
                assert_eq!(a == b, view_fingerprint(a) == view_fingerprint(b));
            }
        }
        assert_ne!(fingerprint("exec001"), fingerprint("staff001"));
    }
}
