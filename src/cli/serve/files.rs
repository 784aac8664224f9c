//! The page's files and the browser package: what may be served, and serving it compressed once.
//!
//! Only the kinds of file a page is made of are served ([`mime_type`]), and only from inside the
//! folder once links are followed, so that a `--www` folder that also holds the directory file or
//! the secret, or a link out of it, gives nothing away. Paths with `.`-segments (`..`, dot files),
//! backslashes or NUL bytes are refused outright.
//!
//! Each version of a file — known by its length, modification time and inode, looked at on every
//! request — is read, hashed for its ETag and compressed (gzip and brotli, at their best) once, and
//! kept in a bounded cache ([`Cache`]); a request for an unchanged file, 304s included, costs a
//! `stat` and a memory copy.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use http::request::Parts;

use super::cache::Cache;
use super::entity::{Entity, Reply};

/// The largest file served: far more than any page is made of, so that no file can make the
/// server compress gigabytes.
const MAX_FILE: u64 = 32 << 20;

/// One version of one file.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) struct FileKey {
    path: PathBuf,
    length: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

/// A folder of page files, served.
pub(super) struct Files {
    root: PathBuf,
    cache: Arc<Cache<FileKey>>,
}

impl Files {
    pub fn new(root: PathBuf, cache: Arc<Cache<FileKey>>) -> Files {
        Files { root, cache }
    }

    /// The file at `rest` (a URL path after the folder's prefix, still percent-encoded), as
    /// `request` should get it.
    pub async fn serve(&self, rest: &str, request: &Parts) -> Reply {
        let (root, rest_owned) = (self.root.clone(), rest.to_owned());
        let found = match tokio::task::spawn_blocking(move || locate(&root, &rest_owned)).await {
            Ok(found) => found,
            Err(_) => return Reply::error(500, "internal error"),
        };
        let (key, content_type) = match found {
            Located::File(key, content_type) => (key, content_type),
            Located::Directory => {
                let location = request.uri.path().to_owned() + "/";
                let mut reply = Reply::error(301, "moved");
                reply.headers.push(("Location", location));
                return reply;
            }
            Located::BadPath => return Reply::error(400, "bad path"),
            Located::NotFound => return Reply::error(404, "not found"),
        };
        if let Some(entity) = self.cache.get(&key) {
            return Reply::entity(&entity, request);
        }
        let path = key.path.clone();
        let bytes = match tokio::task::spawn_blocking(move || fs::read(path)).await {
            Ok(Ok(bytes)) => bytes,
            _ => return Reply::error(404, "not found"),
        };
        match self.cache.get_or_build(key, move || Entity::file(bytes, content_type)).await {
            Ok(entity) => Reply::entity(&entity, request),
            Err(_) => Reply::error(500, "internal error"),
        }
    }
}

/// Where a request path leads.
enum Located {
    File(FileKey, &'static str),
    /// A folder asked for without its closing `/`: redirected, so relative links work.
    Directory,
    BadPath,
    NotFound,
}

fn locate(root: &Path, rest: &str) -> Located {
    let Some(relative) = safe_relative_path(rest) else {
        return Located::BadPath;
    };
    let mut path = root.join(&relative);
    if path.is_dir() {
        if !(rest.is_empty() || rest.ends_with('/')) {
            return Located::Directory;
        }
        path.push("index.html");
    }
    let Some(content_type) = mime_type(&path) else {
        return Located::NotFound;
    };
    let (Ok(root), Ok(path)) = (fs::canonicalize(root), fs::canonicalize(&path)) else {
        return Located::NotFound;
    };
    if !path.starts_with(root) {
        return Located::NotFound;
    }
    match fs::metadata(&path) {
        Ok(metadata) if metadata.is_file() && metadata.len() <= MAX_FILE => {
            #[cfg(unix)]
            let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
            #[cfg(not(unix))]
            let inode = 0;
            let key = FileKey { length: metadata.len(), modified: metadata.modified().ok(), inode, path };
            Located::File(key, content_type)
        }
        _ => Located::NotFound,
    }
}

/// A URL path (percent-encoded, without the leading `/`) as a relative file path, or None when
/// it is malformed or could leave the directory: a segment that is empty is skipped, one that
/// starts with `.` (`..`, `.`, dot files) or holds `\` or NUL refuses the whole path.
fn safe_relative_path(url_path: &str) -> Option<PathBuf> {
    let decoded = String::from_utf8(super::percent_decode(url_path)?).ok()?;
    let mut path = PathBuf::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('.') || segment.contains(['\\', '\0']) {
            return None;
        }
        path.push(segment);
    }
    Some(path)
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
}
