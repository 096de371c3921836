//! The built app (`--serve-dist`), served from a jail.
//!
//! A request path is decoded, then refused if any segment is empty (`//host` would be a
//! protocol-relative URL), starts with a dot (`..`, `.git`, `.env`) or holds a separator of its own.
//! What remains is resolved with symlinks followed and must still lie inside the canonical `dist/`
//! and name no dotfile there; the file is then served from that resolved path. Nothing is ever
//! redirected. Paths that do not exist get `index.html` (the single-page app's own routes).

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::error::ProxyError;

/// A canonical directory whose files may be served.
#[derive(Debug, Clone)]
pub struct DistDir {
    root: PathBuf,
}

/// What a request path resolves to.
#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    /// A regular file inside the jail, symlinks resolved.
    File(PathBuf),
    /// Nothing there: the app's `index.html` answers.
    Missing,
    /// Outside the jail, a dotfile, or a path no browser sends for the app.
    Refused,
}

impl DistDir {
    /// `root` must be canonical (as `Config` makes it).
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn resolve(&self, uri_path: &str) -> Resolved {
        let Ok(decoded) = percent_decode_str(uri_path).decode_utf8() else {
            return Resolved::Refused;
        };
        let Some(relative) = decoded.strip_prefix('/') else {
            return Resolved::Refused;
        };
        let relative = relative.strip_suffix('/').unwrap_or(relative);
        let mut path = self.root.clone();
        if !relative.is_empty() {
            for segment in relative.split('/') {
                if segment.is_empty() || segment.starts_with('.') || segment.contains(['\\', '\0'])
                {
                    return Resolved::Refused;
                }
                path.push(segment);
            }
        }
        match self.jailed(&path) {
            Resolved::File(dir) if dir.is_dir() => match self.jailed(&dir.join("index.html")) {
                Resolved::File(index) if index.is_file() => Resolved::File(index),
                Resolved::Refused => Resolved::Refused,
                _ => Resolved::Missing,
            },
            other => other,
        }
    }

    /// `path` with symlinks resolved, if that stays inside the root and names no dotfile.
    fn jailed(&self, path: &Path) -> Resolved {
        let Ok(real) = path.canonicalize() else {
            return Resolved::Missing;
        };
        match real.strip_prefix(&self.root) {
            Ok(inside) if !inside.components().any(is_hidden) => Resolved::File(real),
            _ => Resolved::Refused,
        }
    }
}

fn is_hidden(component: Component<'_>) -> bool {
    component
        .as_os_str()
        .to_str()
        .is_none_or(|name| name.starts_with('.'))
}

/// The fallback handler of every path outside `/api`.
pub async fn serve(State(dist): State<DistDir>, request: Request) -> Response {
    let file = match dist.resolve(request.uri().path()) {
        Resolved::File(file) => file,
        Resolved::Missing => dist.root.join("index.html"),
        Resolved::Refused => return ProxyError::NotFound.into_response(),
    };
    match ServeFile::new(file).oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(infallible) => match infallible {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist() -> (DistDir, PathBuf) {
        let base = std::env::temp_dir().join(format!(
            "tcbill-proxy-jail-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let root = base.join("dist");
        std::fs::create_dir_all(root.join("assets")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join("index.html"), "app").unwrap();
        std::fs::write(root.join("assets/app.js"), "js").unwrap();
        std::fs::write(root.join(".env"), "SECRET=1").unwrap();
        std::fs::write(root.join(".git/config"), "[core]").unwrap();
        std::fs::write(base.join("outside.txt"), "secret").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(base.join("outside.txt"), root.join("escape.txt")).ok();
            std::os::unix::fs::symlink(root.join(".env"), root.join("env.txt")).ok();
            std::os::unix::fs::symlink(root.join("assets/app.js"), root.join("alias.js")).ok();
        }
        (DistDir::new(root.canonicalize().unwrap()), base)
    }

    #[test]
    fn serves_files_inside_and_refuses_everything_else() {
        let (dist, base) = dist();
        let root = dist.root.clone();
        assert_eq!(dist.resolve("/"), Resolved::File(root.join("index.html")));
        assert_eq!(
            dist.resolve("/assets/app.js"),
            Resolved::File(root.join("assets/app.js"))
        );
        assert_eq!(
            dist.resolve("/assets/"),
            Resolved::Missing,
            "a directory without index.html is the app's route"
        );
        assert_eq!(dist.resolve("/costs/by-product"), Resolved::Missing);
        for refused in [
            "//evil.example",
            "//assets",
            "/assets//app.js",
            "/.env",
            "/.git/config",
            "/%2egit/config",
            "/assets/%2e%2e/%2e%2e/outside.txt",
            "/../outside.txt",
            "/assets%2f..%2f..%2foutside.txt",
            "/assets%5capp.js",
            "/%ff",
        ] {
            assert_eq!(dist.resolve(refused), Resolved::Refused, "{refused}");
        }
        #[cfg(unix)]
        {
            assert_eq!(dist.resolve("/escape.txt"), Resolved::Refused);
            assert_eq!(dist.resolve("/env.txt"), Resolved::Refused);
            assert_eq!(
                dist.resolve("/alias.js"),
                Resolved::File(root.join("assets/app.js"))
            );
        }
        std::fs::remove_dir_all(base).ok();
    }
}
