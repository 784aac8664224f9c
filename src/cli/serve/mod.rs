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
//! | `GET /api/me` | `{"userid", "name", "own"}` of the viewer; `own`: their fields the policy hides from everyone else |
//! | `GET /config.js` | `globalThis.tongxunluConfig = {…}`: the URLs above, demo or not, the WeChat Work JS-SDK settings, the signing key's public half |
//! | `GET /api/demo/viewers` | with `--demo` only: the sample's personas, what each sees |
//! | `POST /api/demo/token` | with `--demo` only: `{"userid"}` of a persona → `{"token", "expires"}` |
//! | `GET /pkg/…` | the browser package (`--pkg`, default `pkg/web`) |
//! | `GET /…` | the page (`--www`, default `www`); `/` is `index.html` |
//!
//! The page's files are served as [`files`] says: only page file types, only from inside their
//! folder, each version compressed once. Every reply carries `X-Content-Type-Options: nosniff`,
//! `X-Frame-Options: DENY` and a `Content-Security-Policy`; a request is logged with its path
//! escaped and cut at 200 characters.
//!
//! Underneath, [`http`] holds the connections (hyper on tokio: a task per connection, a cap on
//! them, stalled ones closed) and [`cache`] the built snapshots, patches and files (bounded by
//! bytes, least recently used out first, each built once however many ask at once). Building a
//! snapshot is CPU work of milliseconds to a second; it runs on blocking threads, a core's worth
//! at a time, never on the threads that answer requests.

mod cache;
mod entity;
mod files;
mod http;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use ::http::request::Parts;
use ::http::{HeaderValue, Method, Request, Response};
use bytes::Bytes;
use clap::Args;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use tongxunlu::fields::Gender;
use tongxunlu::model::{Directory, Member, PolicyField};
use tongxunlu::sample::{self, PERSONAS, SCHOOL_PERSONAS};
use tongxunlu::snapshot::{self, delta, signature, NameTable};
use tongxunlu::token::{self, Secret, SecretError};
use tongxunlu::visibility::{DepartmentRole, Organisation, View, ViewError};

use self::cache::{BuildFailed, Cache};
use self::entity::{accepts, etag_matches, header, Entity, Reply};
use self::files::Files;
use super::{Error, Result};

/// The longest a token from `tongxunlu token` lasts.
const MAX_TOKEN_TTL: u64 = 30 * 24 * 3600;
/// How long a demo sign-in lasts: a working day.
const DEMO_TOKEN_TTL: u64 = 8 * 3600;
/// The largest request body read (the demo sign-in's `{"userid": …}`).
const MAX_BODY: usize = 4096;
/// How long a request's head, and its body, may take to arrive — or the idle time, if shorter.
const REQUEST_TIME: Duration = Duration::from_secs(10);
/// The longest request target (path and query) answered; longer is 414.
const MAX_TARGET: usize = 8 << 10;
/// The largest request head (request line and headers); larger is 431.
const MAX_HEAD: usize = 16 << 10;
/// The memory kept for the page's files, every version of them together.
const FILE_CACHE_BYTES: usize = 64 << 20;
/// How often the directory file's modification time and length are looked at.
const WATCH_INTERVAL: Duration = Duration::from_secs(1);
/// The instance manipulation (RFC 3229) of a patch from `delta::diff`, in `A-IM` and `IM`.
const DELTA_IM: &str = "txldif";

#[derive(Args)]
pub struct ServeArgs {
    /// The directory file; without one, the built-in sample that --members, --seed and --kind
    /// choose (by default 5,000 members of a company, seed 1, as `tongxunlu sample` writes).
    #[arg(conflicts_with = "sample_spec")]
    directory: Option<PathBuf>,
    #[command(flatten)]
    sample: super::SampleArgs,
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
    /// Demo sign-in: anyone may pick one of the sample's personas. Only with the built-in sample,
    /// never a directory file. Tokens are signed with a random secret of this run's own, never
    /// the configured one.
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
    /// Connections open at once; past it a new one gets 503 and is closed.
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    max_connections: u32,
    /// Seconds a connection may go with no byte moving (while the server is not working on it)
    /// before it is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    idle_timeout: u64,
    /// Memory for built snapshots and patches, in MiB; the least recently used go first.
    #[arg(long, value_name = "MIB", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    cache_mib: u64,
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
    // Open to whoever asks, the demo must never serve real people: only the built-in sample.
    if let (true, Some(path)) = (args.demo, &args.directory) {
        return Err(Error::DemoDirectory { path: path.clone() });
    }
    // Taken before the file is read, so that a change while it is read is seen by the watcher.
    let stamp = args.directory.as_deref().and_then(file_stamp);
    let directory = match &args.directory {
        Some(path) => super::read_directory(path)?,
        None => sample::generate(&args.sample.spec()),
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
    let listen_error = |source: std::io::Error| Error::Listen { addr: args.addr.clone(), source: Box::new(source) };
    let listener = std::net::TcpListener::bind(&args.addr).map_err(listen_error)?;
    listener.set_nonblocking(true).map_err(listen_error)?;
    let url = format!("http://{}/", listener.local_addr().map_err(listen_error)?);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(Error::Threads)?;

    // Builds of snapshots, patches and compressed files, and working out views, share all cores
    // but one, which stays free for answering: a cold start with many classes must not make a
    // request for a page file wait.
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let builders = Arc::new(Semaphore::new(cores.saturating_sub(1).max(1)));
    let file_cache = Arc::new(Cache::new(FILE_CACHE_BYTES, builders.clone()));
    let cache_bytes = usize::try_from(args.cache_mib << 20).unwrap_or(usize::MAX);
    let generation = Generation::new(directory, args.demo, cache_bytes, builders.clone());
    let csp = content_security_policy(&args.signature_url);
    let site = Arc::new(Site {
        generations: Mutex::new(Generations { current: Arc::new(generation), previous: HashMap::new() }),
        secret,
        www: Files::new(args.www.clone(), file_cache.clone()),
        pkg: Files::new(args.pkg.clone(), file_cache),
        config: config_js(args, signing_key.as_ref().map(|key| key.public_key())),
        demo: args.demo,
        signing_key: signing_key.map(Arc::new),
        csp: HeaderValue::try_from(csp).expect("the policy is ASCII: the one origin in it is checked to be"),
        cache_bytes,
        builders,
        request_time: REQUEST_TIME.min(Duration::from_secs(args.idle_timeout)),
    });
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
    if let Some(path) = args.directory.clone() {
        let site = site.clone();
        std::thread::spawn(move || site.watch(&path, stamp));
    }
    let limits = http::Limits {
        max_connections: args.max_connections as usize,
        idle: Duration::from_secs(args.idle_timeout),
        head_time: site.request_time,
        head_bytes: MAX_HEAD,
    };
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(listen_error)?;
        http::run(listener, limits, move |request| site.clone().handle(request)).await;
        Ok(())
    })
}

/// When a file was last modified and how long it is, or None when it cannot be read: what the
/// watcher compares to notice a new directory file without reading it.
type FileStamp = Option<(SystemTime, u64)>;

fn file_stamp(path: &Path) -> FileStamp {
    let metadata = fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

/// Everything a request may need, shared by the connections.
struct Site {
    generations: Mutex<Generations>,
    secret: Secret,
    www: Files,
    pkg: Files,
    /// The body of `/config.js`.
    config: Entity,
    /// Whether the demo sign-in is on (`--demo`).
    demo: bool,
    /// Every snapshot served is signed with it, when there is one.
    signing_key: Option<Arc<signature::SigningKey>>,
    /// The `Content-Security-Policy` of every reply ([`content_security_policy`]).
    csp: HeaderValue,
    /// The budget of each generation's snapshot cache.
    cache_bytes: usize,
    /// The permits for building, shared by every cache.
    builders: Arc<Semaphore>,
    /// How long a request's head or body may take to arrive.
    request_time: Duration,
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

/// What a generation's cache holds.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Built {
    /// The snapshot of a view, by its fingerprint ([`view_fingerprint`]).
    Snapshot([u8; 32]),
    /// The patch from a snapshot of the previous generation to one of this, by their ETags.
    Patch { base: String, target: String },
}

/// Why a viewer gets no snapshot.
enum Refusal {
    /// They may not sign in (403).
    View(ViewError),
    /// The build failed: a bug, reported where it happened (500).
    Build,
}

/// One version of the directory file as it is served, with the snapshots built from it.
struct Generation {
    indexed: Indexed,
    /// The readings of the directory's names, read at the first snapshot built from this
    /// version and shared by every class's.
    names: OnceLock<NameTable>,
    /// The personas offered for sign-in, in demo mode only.
    demo: Option<Vec<Persona>>,
    /// Each viewer's view's fingerprint, once worked out: their later requests skip the work.
    /// At most one entry per member of the directory.
    viewers: Mutex<HashMap<String, [u8; 32]>>,
    built: Arc<Cache<Built>>,
}

impl Generation {
    fn new(directory: Directory, demo: bool, cache_bytes: usize, builders: Arc<Semaphore>) -> Generation {
        let indexed = Indexed::new(directory, |directory| Organisation::new(directory));
        let demo = demo.then(|| demo_viewers(indexed.borrow_owner(), indexed.borrow_dependent()));
        Generation {
            indexed,
            names: OnceLock::new(),
            demo,
            viewers: Mutex::default(),
            built: Arc::new(Cache::new(cache_bytes, builders)),
        }
    }

    fn directory(&self) -> &Directory {
        self.indexed.borrow_owner()
    }

    fn organisation(&self) -> &Organisation<'_> {
        self.indexed.borrow_dependent()
    }

    /// What the log says about it: `5000 members, 61 departments`.
    fn describe(&self) -> String {
        let directory = self.directory();
        format!("{} members, {} departments", directory.userlist.len(), directory.department.len())
    }

    /// The fingerprint of `viewer`'s view, and the view when it had to be worked out (on a
    /// blocking thread: at 200,000 members it is real work); or why they see nothing.
    async fn view_of(self: &Arc<Self>, viewer: &str) -> std::result::Result<([u8; 32], Option<View>), Refusal> {
        if let Some(fingerprint) = self.viewers().get(viewer) {
            return Ok((*fingerprint, None));
        }
        let (generation, who) = (self.clone(), viewer.to_owned());
        // Working out a view is build work too: it waits for a builder's permit.
        let _permit = self.built.permit().await.ok_or(Refusal::Build)?;
        let view = tokio::task::spawn_blocking(move || generation.organisation().view(&who))
            .await
            .map_err(|_| Refusal::Build)?
            .map_err(Refusal::View)?;
        let fingerprint = view_fingerprint(&view);
        self.viewers().insert(viewer.to_owned(), fingerprint);
        Ok((fingerprint, Some(view)))
    }

    /// The snapshot `viewer` may see, built at most once per distinct view (while it stays in the
    /// cache) and signed with `signing_key` if there is one.
    async fn snapshot_for(
        self: &Arc<Self>,
        viewer: &str,
        signing_key: Option<Arc<signature::SigningKey>>,
    ) -> std::result::Result<Arc<Entity>, Refusal> {
        let (fingerprint, view) = self.view_of(viewer).await?;
        let (generation, viewer) = (self.clone(), viewer.to_owned());
        let build = move || {
            // A fingerprint is remembered only for a view that was worked out, and a generation's
            // directory never changes: working it out again gives it again.
            let view = view.unwrap_or_else(|| generation.organisation().view(&viewer).expect("a view seen before"));
            let names = generation.names.get_or_init(|| NameTable::new(generation.directory()));
            let built = snapshot::build_with(generation.directory(), &view, names);
            let etag = match &signing_key {
                Some(key) => format!("\"{}-{}\"", built.class_key_hex(), key.public_key().key_id()),
                None => format!("\"{}\"", built.class_key_hex()),
            };
            let bytes = super::signing::signed(built.bytes, signing_key.as_deref());
            Entity::snapshot(bytes, etag, "Authorization, Accept-Encoding")
        };
        self.built.get_or_build(Built::Snapshot(fingerprint), build).await.map_err(|BuildFailed| Refusal::Build)
    }

    /// The patch from `base`, a snapshot of the previous generation, to `snapshot`, one of
    /// this one; made once per pair.
    async fn patch(
        self: &Arc<Self>,
        base: Arc<Entity>,
        snapshot: Arc<Entity>,
    ) -> std::result::Result<Arc<Entity>, BuildFailed> {
        let key = Built::Patch { base: base.etag.clone(), target: snapshot.etag.clone() };
        self.built
            .get_or_build(key, move || {
                let bytes = delta::diff(&base.identity, &snapshot.identity);
                // The response differs by A-IM too: without it the same request gets the snapshot.
                Entity::snapshot(bytes, snapshot.etag.clone(), "Authorization, Accept-Encoding, A-IM")
            })
            .await
    }

    /// The snapshot of each viewer that is still in the cache: kept as the previous generation's
    /// when a new one is put in service.
    fn served(&self) -> HashMap<String, Arc<Entity>> {
        let viewers = self.viewers().clone();
        viewers
            .into_iter()
            .filter_map(|(viewer, fingerprint)| Some((viewer, self.built.get(&Built::Snapshot(fingerprint))?)))
            .collect()
    }

    fn viewers(&self) -> std::sync::MutexGuard<'_, HashMap<String, [u8; 32]>> {
        // Entries are inserted whole, so a map left by a panicked thread is still sound.
        self.viewers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
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
    async fn handle(self: Arc<Self>, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let started = Instant::now();
        let (parts, body) = request.into_parts();
        let reply = self.route(&parts, body).await;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        // The query is never logged: it may hold a token.
        let path = loggable(parts.uri.path());
        eprintln!("{} {path} {} {} B {ms:.1} ms", parts.method, reply.status, reply.body.len());
        reply.into_response(&self.csp)
    }

    async fn route(self: &Arc<Self>, request: &Parts, body: Incoming) -> Reply {
        let (method, path) = (&request.method, request.uri.path());
        let readable = matches!(*method, Method::GET | Method::HEAD);
        let demo_route = path.starts_with("/api/demo/");
        let target_length = request.uri.path_and_query().map_or(0, |target| target.as_str().len());
        match path {
            _ if target_length > MAX_TARGET => Reply::error(414, "the URL is too long"),
            _ if !path.starts_with('/') => Reply::error(400, "bad request target"),
            _ if demo_route && !self.demo => Reply::error(404, "the demo sign-in is off (start with --demo)"),
            "/api/demo/token" if *method == Method::POST => self.demo_token(request, body).await,
            "/api/demo/token" => Reply::method_not_allowed("POST"),
            _ if !readable => Reply::method_not_allowed("GET, HEAD"),
            "/api/snapshot" => self.snapshot(request).await,
            "/api/me" => self.me(request).await,
            "/api/demo/viewers" => self.demo_viewers(),
            "/config.js" => Reply::entity(&self.config, request),
            _ if path.starts_with("/api/") => Reply::error(404, "no such API"),
            _ => match path.strip_prefix("/pkg/") {
                Some(rest) => self.pkg.serve(rest, request).await,
                None => self.www.serve(&path[1..], request).await,
            },
        }
    }

    /// The viewer a request's token proves, or the 401 to answer.
    fn viewer(&self, request: &Parts) -> std::result::Result<String, Reply> {
        let token = match header(request, "Authorization") {
            Some(value) => match value.split_once(' ') {
                Some((scheme, token)) if scheme.eq_ignore_ascii_case("Bearer") => Some(token.trim().to_owned()),
                _ => return Err(Reply::error(401, "the Authorization header must be `Bearer <token>`")),
            },
            None => query_param(request.uri.query(), "token"),
        };
        let token = token.ok_or_else(|| Reply::error(401, "sign in first: send Authorization: Bearer <token>"))?;
        token::verify(&self.secret, &token, token::unix_now()).map_err(|e| Reply::error(401, &e.to_string()))
    }

    async fn snapshot(self: &Arc<Self>, request: &Parts) -> Reply {
        let viewer = match self.viewer(request) {
            Ok(viewer) => viewer,
            Err(reply) => return reply,
        };
        let (generation, served_before) = {
            let generations = self.generations();
            (generations.current.clone(), generations.previous.get(&viewer).cloned())
        };
        let entity = match generation.snapshot_for(&viewer, self.signing_key.clone()).await {
            Ok(entity) => entity,
            Err(refusal) => return refusal.reply(),
        };
        let held = header(request, "If-None-Match");
        let patchable = served_before.filter(|base| {
            held.is_some_and(|tags| etag_matches(tags, &base.etag) && !etag_matches(tags, &entity.etag))
                && header(request, "A-IM").is_some_and(|offered| accepts(offered, DELTA_IM))
        });
        let Some(base) = patchable else {
            return Reply::entity(&entity, request);
        };
        let etag = base.etag.clone();
        let Ok(patch) = generation.patch(base, entity).await else {
            return Refusal::Build.reply();
        };
        // Not If-None-Match's match, checked just above: a 200 of the patch, made a 226.
        let mut reply = Reply::entity(&patch, request);
        reply.status = 226;
        reply.headers.push(("IM", DELTA_IM.into()));
        reply.headers.push(("Delta-Base", etag));
        reply
    }

    async fn me(self: &Arc<Self>, request: &Parts) -> Reply {
        let viewer = match self.viewer(request) {
            Ok(viewer) => viewer,
            Err(reply) => return reply,
        };
        let generation = self.current();
        // The same refusals as the snapshot's.
        if let Err(refusal) = generation.view_of(&viewer).await {
            return refusal.reply();
        }
        // The page asks for the snapshot next: its build starts now, without waiting for it.
        let (building, who, key) = (generation.clone(), viewer.clone(), self.signing_key.clone());
        tokio::spawn(async move { building.snapshot_for(&who, key).await });
        let member = generation.directory().userlist.iter().find(|m| m.userid == viewer);
        let own = member.map(|member| own_hidden_fields(generation.directory(), member)).unwrap_or_default();
        Reply::json(200, &json!({ "userid": viewer, "name": member.map(|m| m.name.as_str()), "own": own }))
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
                Ok(directory) => {
                    let generation = Generation::new(directory, self.demo, self.cache_bytes, self.builders.clone());
                    self.publish(generation, path);
                }
                Err(e) => eprintln!("tongxunlu serve: {e} — still serving the directory read before"),
            }
        }
    }

    /// Puts `generation` in service; the current one's snapshots become the previous ones.
    fn publish(&self, generation: Generation, path: &Path) {
        let description = generation.describe();
        let mut generations = self.generations();
        let before = std::mem::replace(&mut generations.current, Arc::new(generation));
        generations.previous = before.served();
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

    async fn demo_token(&self, request: &Parts, body: Incoming) -> Reply {
        let body = match read_body(request, body, self.request_time).await {
            Ok(body) => body,
            Err(reply) => return reply,
        };
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

impl Refusal {
    fn reply(&self) -> Reply {
        match self {
            Refusal::View(refused) => Reply::error(403, &refused.to_string()),
            Refusal::Build => Reply::error(500, "the snapshot could not be built; the server's log says why"),
        }
    }
}

/// A request's body, at most [`MAX_BODY`] bytes (else 413) within `time` (else 408).
async fn read_body(request: &Parts, body: Incoming, time: Duration) -> std::result::Result<Bytes, Reply> {
    let too_large = || Reply::error(413, "the request body is too large");
    let declared = header(request, "Content-Length").and_then(|length| length.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY as u64) {
        return Err(too_large());
    }
    match tokio::time::timeout(time, Limited::new(body, MAX_BODY).collect()).await {
        Err(_) => Err(Reply::error(408, "the request body took too long to arrive")),
        Ok(Err(e)) if e.is::<LengthLimitError>() => Err(too_large()),
        Ok(Err(e)) => Err(Reply::error(400, &format!("cannot read the request body: {e}"))),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
    }
}

/// The fields of `member` that the field policy hides from everyone but their owner, under the
/// directory file's keys: the snapshot, which a whole class shares, cannot carry them, so the
/// owner gets them here, beside it. Empty fields are left out.
fn own_hidden_fields(directory: &Directory, member: &Member) -> serde_json::Map<String, Value> {
    let mut own = serde_json::Map::new();
    for field in PolicyField::ALL.into_iter().filter(|&field| !directory.field_visible(field)) {
        let value = match field {
            PolicyField::Text(text) => member.text(text).filter(|v| !v.is_empty()).map(Value::from),
            PolicyField::Gender => (member.gender != Gender::Unknown).then(|| json!(member.gender)),
            PolicyField::Extattr => (!member.extattr.is_empty()).then(|| json!(member.extattr)),
        };
        if let Some(value) = value {
            own.insert(field.key().to_owned(), value);
        }
    }
    own
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
fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    let query = query?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| percent_decode(&value.replace('+', " ")).and_then(|v| String::from_utf8(v).ok()))?
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use tongxunlu::sample::{Preset, SampleSpec};

    use super::*;

    #[test]
    fn query_tokens() {
        assert_eq!(query_param(Some("x=1&token=a.b%2Ec"), "token").as_deref(), Some("a.b.c"));
        assert_eq!(query_param(Some("tokens=a"), "token"), None);
        assert_eq!(query_param(None, "token"), None);
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
