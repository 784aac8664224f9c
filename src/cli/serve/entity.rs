//! What the server sends: an [`Entity`] is one thing served — a page file, `/config.js`, a
//! viewer's snapshot or a patch — compressed once, when it is made, in every coding a client may
//! ask for; a [`Reply`] is one response, made from an entity by the request's `If-None-Match`
//! and `Accept-Encoding`, or from a small JSON value.
//!
//! Compressing once is the point: a snapshot is asked for by every viewer of its class and a page
//! file by every visit, so no request pays for compression, a 304 included.

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Response, StatusCode};
use http_body_util::Full;
use serde_json::{json, Value};

/// How hard an entity is compressed, by how often it is made and how often it is sent.
#[derive(Clone, Copy)]
pub(super) enum Effort {
    /// Images and fonts, compressed already.
    None,
    /// Page files: made once per version of the file and sent on every first visit, so worth the
    /// best either coder does.
    Best,
    /// Snapshots and patches: made while a viewer waits, once per class and directory version.
    /// gzip's default level (its best takes twice as long to save a fraction of a percent) and
    /// brotli's quality 5, which at 200,000 members takes about as long as gzip and sends 12 %
    /// less; the qualities above it take twice to eight times as long for 1–3 % more.
    Snapshot,
}

/// The brotli quality of snapshots and patches ([`Effort::Snapshot`]).
const SNAPSHOT_BROTLI_QUALITY: i32 = 5;

/// One thing served, as it goes out: its bytes, their gzip and brotli when they are smaller, and
/// the headers that do not depend on the request.
pub(super) struct Entity {
    pub content_type: &'static str,
    pub cache_control: &'static str,
    /// The request headers the answer depends on (`Vary`), or empty.
    pub vary: &'static str,
    /// Quoted, as in the header.
    pub etag: String,
    pub identity: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

impl Entity {
    pub fn new(bytes: Vec<u8>, content_type: &'static str, etag: String, effort: Effort) -> Entity {
        let smaller = |coded: Vec<u8>| (coded.len() < bytes.len()).then(|| Bytes::from(coded));
        let (gzip, brotli) = match effort {
            Effort::None => (None, None),
            Effort::Best => (
                smaller(super::super::gzip(&bytes, flate2::Compression::best())),
                smaller(super::super::brotli(&bytes, 11)),
            ),
            Effort::Snapshot => (
                smaller(super::super::gzip(&bytes, flate2::Compression::default())),
                smaller(super::super::brotli(&bytes, SNAPSHOT_BROTLI_QUALITY)),
            ),
        };
        Entity {
            content_type,
            cache_control: "no-cache",
            vary: if matches!(effort, Effort::None) { "" } else { "Accept-Encoding" },
            etag,
            identity: Bytes::from(bytes),
            gzip,
            brotli,
        }
    }

    /// A snapshot or a patch: one viewer's, so private; `vary` names the request headers it
    /// depends on.
    pub fn snapshot(bytes: Vec<u8>, etag: String, vary: &'static str) -> Entity {
        Entity {
            cache_control: "private, no-cache",
            vary,
            ..Entity::new(bytes, "application/octet-stream", etag, Effort::Snapshot)
        }
    }

    /// A page file: its ETag is a digest of its content.
    pub fn file(bytes: Vec<u8>, content_type: &'static str) -> Entity {
        use sha2::{Digest, Sha256};
        let etag = format!("\"{}\"", super::hex(&Sha256::digest(&bytes)[..16]));
        let effort = if compressible(content_type) { Effort::Best } else { Effort::None };
        Entity::new(bytes, content_type, etag, effort)
    }

    /// The memory it holds, for the caches' budgets.
    pub fn size(&self) -> usize {
        let coded = |c: &Option<Bytes>| c.as_ref().map_or(0, Bytes::len);
        self.identity.len() + coded(&self.gzip) + coded(&self.brotli) + self.etag.len()
    }
}

/// Text, wasm and SVG shrink; images and fonts are compressed already.
fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.starts_with("application/json")
        || content_type.starts_with("application/manifest+json")
        || content_type == "application/wasm"
        || content_type == "image/svg+xml"
}

/// A response before it is written.
pub(super) struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
}

impl Reply {
    pub fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            headers: vec![
                ("Content-Type", "application/json; charset=utf-8".into()),
                ("Cache-Control", "no-store".into()),
            ],
            body: Bytes::from(value.to_string()),
        }
    }

    pub fn error(status: u16, message: &str) -> Reply {
        let mut reply = Reply::json(status, &json!({ "error": message }));
        if status == 401 {
            reply.headers.push(("WWW-Authenticate", "Bearer realm=\"tongxunlu\"".into()));
        }
        reply
    }

    pub fn method_not_allowed(allow: &'static str) -> Reply {
        let mut reply = Reply::error(405, &format!("method not allowed; use {allow}"));
        reply.headers.push(("Allow", allow.into()));
        reply
    }

    /// `entity` as this request should get it: 304 when the client has it; brotli, else gzip,
    /// when accepted.
    pub fn entity(entity: &Entity, request: &Parts) -> Reply {
        let mut headers = vec![("ETag", entity.etag.clone()), ("Cache-Control", entity.cache_control.into())];
        if !entity.vary.is_empty() {
            headers.push(("Vary", entity.vary.into()));
        }
        if header(request, "If-None-Match").is_some_and(|tags| etag_matches(tags, &entity.etag)) {
            return Reply { status: 304, headers, body: Bytes::new() };
        }
        headers.push(("Content-Type", entity.content_type.into()));
        let accepted = header(request, "Accept-Encoding").unwrap_or("");
        let coded = [("br", &entity.brotli), ("gzip", &entity.gzip)]
            .into_iter()
            .find_map(|(coding, body)| body.as_ref().filter(|_| accepts(accepted, coding)).map(|body| (coding, body)));
        let body = match coded {
            Some((coding, body)) => {
                headers.push(("Content-Encoding", coding.into()));
                body.clone()
            }
            None => entity.identity.clone(),
        };
        Reply { status: 200, headers, body }
    }

    /// As hyper sends it, with the headers every reply carries.
    pub fn into_response(self, csp: &HeaderValue) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(self.body));
        *response.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        for (name, value) in self.headers {
            // Every value is made here; one that is not a valid header value is left out rather
            // than sent broken.
            if let Ok(value) = HeaderValue::try_from(value) {
                headers.append(name, value);
            }
        }
        headers.insert("X-Content-Type-Options", HeaderValue::from_static("nosniff"));
        headers.insert("X-Frame-Options", HeaderValue::from_static("DENY"));
        headers.insert("Content-Security-Policy", csp.clone());
        response
    }
}

/// The value of the request header `name`, when it is text.
pub(super) fn header<'r>(request: &'r Parts, name: &'static str) -> Option<&'r str> {
    request.headers.get(name).and_then(|value| value.to_str().ok())
}

/// Whether a list of codings with q-values (`Accept-Encoding`, `A-IM`) allows `coding`: named,
/// or `*`, with a non-zero q.
pub(super) fn accepts(list: &str, coding: &str) -> bool {
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
pub(super) fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match.split(',').map(str::trim).any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_and_if_none_match() {
        assert!(accepts("gzip, deflate, br", "gzip"));
        assert!(accepts("br;q=1.0, GZIP;q=0.5", "gzip"));
        assert!(accepts("*", "gzip"));
        assert!(!accepts("gzip;q=0, br", "gzip"));
        assert!(accepts("gzip;q=0, br", "br"));
        assert!(!accepts("identity", "gzip"));
        assert!(!accepts("gzipx", "gzip"));
        assert!(etag_matches("\"a\", W/\"b\"", "\"b\""));
        assert!(etag_matches("*", "\"b\""));
        assert!(!etag_matches("\"ab\"", "\"b\""));
    }
}
