//! Command line and environment, validated into a [`Config`] the server can trust.
//!
//! Validation enforces the safety rules up front: a non-loopback listen address needs an access
//! token of at least 16 non-blank characters, origins must be plain `scheme://host[:port]`, the
//! upstream is an HTTPS `*.tencentcloudapi.com` host (the session token and signed requests go there)
//! unless `--insecure-test-endpoint` names a loopback test server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::credentials::Secret;
use crate::upstream::{Endpoint, RetryPolicy};

/// Fewest non-blank characters of an access token: it guards a key that can read every bill of the account.
const MIN_TOKEN_CHARS: usize = 16;

/// tcbill-proxy: holds your Tencent Cloud API key, signs billing API calls (TC3-HMAC-SHA256) for the
/// tcbill web app and forwards only read-only billing actions.
///
/// Credentials: TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY and optionally
/// TENCENTCLOUD_SESSION_TOKEN, or --credentials-file (tccli JSON: {"secretId", "secretKey", "token"}).
#[derive(Debug, Parser)]
#[command(version)]
pub struct Cli {
    /// Address to listen on. Anything but loopback requires --token.
    #[arg(long, env = "TCBILL_PROXY_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,

    /// Billing API endpoint, an HTTPS *.tencentcloudapi.com host: billing.tencentcloudapi.com or
    /// billing.intl.tencentcloudapi.com.
    #[arg(
        long,
        env = "TCBILL_PROXY_ENDPOINT",
        default_value = "billing.tencentcloudapi.com"
    )]
    pub endpoint: String,

    /// A loopback billing API stand-in for tests, e.g. http://127.0.0.1:9000, used instead of --endpoint.
    /// Only loopback hosts are accepted: the signed requests and the session token go there.
    #[arg(long, value_name = "URL", conflicts_with = "endpoint")]
    pub insecure_test_endpoint: Option<String>,

    /// X-TC-Region to send (optional for the billing API).
    #[arg(long, env = "TENCENTCLOUD_REGION")]
    pub region: Option<String>,

    /// Access token the app must send (`Authorization: Bearer …` or `X-Tcbill-Token`). Prefer the
    /// environment variable: command lines are visible to other users.
    #[arg(long, env = "TCBILL_PROXY_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Browser origin allowed to call the API, e.g. http://localhost:8080 (repeatable). The origin the
    /// proxy itself serves (--serve-dist) is always allowed.
    #[arg(
        long = "allow-origin",
        value_name = "ORIGIN",
        env = "TCBILL_PROXY_ALLOW_ORIGINS",
        value_delimiter = ','
    )]
    pub allow_origins: Vec<String>,

    /// Serve this directory (the built app, `dist/`) at `/`, so app and API share one origin.
    #[arg(long, value_name = "DIR")]
    pub serve_dist: Option<PathBuf>,

    /// Read credentials from this tccli-style JSON file instead of the environment.
    #[arg(long, value_name = "PATH", env = "TCBILL_PROXY_CREDENTIALS_FILE")]
    pub credentials_file: Option<PathBuf>,

    /// Largest request body accepted from the app, in bytes.
    #[arg(long, default_value_t = 64 * 1024)]
    pub max_body_bytes: usize,

    /// Time limit of one upstream attempt, in seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout_secs: u64,

    /// Retries on RequestLimitExceeded, InternalError and transport failures.
    #[arg(long, default_value_t = 3)]
    pub max_retries: u32,

    /// Largest upstream reply passed on, in bytes; a larger one is refused (502) rather than buffered.
    #[arg(long, default_value_t = 32 * 1024 * 1024)]
    pub max_reply_bytes: usize,

    /// Connections served at once; more wait to be accepted. Keep it well below `ulimit -n`.
    #[arg(long, default_value_t = 256)]
    pub max_connections: usize,

    /// Time a client has to send a request's headers (also how long an idle connection stays open), in seconds.
    #[arg(long, default_value_t = 10)]
    pub header_timeout_secs: u64,

    /// Time a client has to send a request's body, in seconds.
    #[arg(long, default_value_t = 30)]
    pub body_timeout_secs: u64,

    /// Requests per action that may wait for a rate-limit slot; more are refused with 429.
    #[arg(long, default_value_t = 32)]
    pub max_queued: usize,
}

/// Everything the server needs, checked.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub endpoint: Endpoint,
    pub region: Option<String>,
    pub access_token: Option<Secret>,
    /// Normalised `scheme://host[:port]`, no trailing slash.
    pub allowed_origins: Vec<String>,
    pub serve_dist: Option<PathBuf>,
    pub max_body_bytes: usize,
    pub retry: RetryPolicy,
    pub max_reply_bytes: usize,
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_queued: usize,
}

impl Config {
    /// # Errors
    /// A message for the user when a flag is invalid or the combination is unsafe.
    pub fn from_cli(cli: Cli) -> Result<Self, String> {
        let access_token = cli.token.filter(|token| !token.is_empty()).map(|token| {
            // HTTP strips a header value's outer whitespace, so the app could never send it.
            Secret::new(token.trim())
        });
        if let Some(token) = &access_token {
            let non_blank = token
                .expose()
                .chars()
                .filter(|c| !c.is_whitespace())
                .count();
            if non_blank < MIN_TOKEN_CHARS {
                return Err(format!(
                    "--token must have at least {MIN_TOKEN_CHARS} non-blank characters"
                ));
            }
        }
        if !cli.listen.ip().is_loopback() && access_token.is_none() {
            return Err(format!(
                "listening on {} (not loopback) requires --token or TCBILL_PROXY_TOKEN: anyone who can reach it could read your bills",
                cli.listen
            ));
        }
        let allowed_origins = cli
            .allow_origins
            .iter()
            .map(|origin| normalise_origin(origin))
            .collect::<Result<_, _>>()?;
        let serve_dist = match &cli.serve_dist {
            Some(dir) if dir.join("index.html").is_file() => Some(
                dir.canonicalize()
                    .map_err(|error| format!("--serve-dist {}: {error}", dir.display()))?,
            ),
            Some(dir) => {
                return Err(format!(
                    "--serve-dist {}: no index.html there (build the app first)",
                    dir.display()
                ))
            }
            None => None,
        };
        let endpoint = match &cli.insecure_test_endpoint {
            Some(url) => Endpoint::loopback_test_server(url)?,
            None => Endpoint::tencent(&cli.endpoint)?,
        };
        if cli.max_connections == 0 || cli.max_queued == 0 {
            return Err("--max-connections and --max-queued must be at least 1".into());
        }
        Ok(Self {
            listen: cli.listen,
            endpoint,
            region: cli.region.filter(|region| !region.is_empty()),
            access_token,
            allowed_origins,
            serve_dist,
            max_body_bytes: cli.max_body_bytes,
            retry: RetryPolicy {
                max_retries: cli.max_retries,
                base_delay: Duration::from_millis(500),
                attempt_timeout: Duration::from_secs(cli.timeout_secs.max(1)),
            },
            max_reply_bytes: cli.max_reply_bytes,
            max_connections: cli.max_connections,
            header_timeout: Duration::from_secs(cli.header_timeout_secs.max(1)),
            body_timeout: Duration::from_secs(cli.body_timeout_secs.max(1)),
            max_queued: cli.max_queued,
        })
    }

    /// Safe but risky choices the user should hear about at start-up.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if !self.listen.ip().is_loopback() {
            warnings.push(format!(
                "listening on {} over plain HTTP: the access token and your bills cross the network unencrypted; put a TLS-terminating reverse proxy in front or listen on 127.0.0.1",
                self.listen
            ));
        }
        warnings
    }
}

/// `http://localhost:8080/` → `http://localhost:8080`; refuses `*`, paths and other schemes.
fn normalise_origin(origin: &str) -> Result<String, String> {
    let trimmed = origin.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("http://")
        .or_else(|| trimmed.strip_prefix("https://"))
        .ok_or_else(|| {
            format!("--allow-origin {origin:?}: expected http://host[:port] or https://host[:port]")
        })?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '*', '@', ' ']) {
        return Err(format!(
            "--allow-origin {origin:?}: expected an origin only, like http://localhost:8080"
        ));
    }
    Ok(trimmed.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, String> {
        let cli = Cli::try_parse_from(std::iter::once("tcbill-proxy").chain(args.iter().copied()))
            .map_err(|error| error.to_string())?;
        Config::from_cli(cli)
    }

    #[test]
    fn defaults_are_loopback_and_the_chinese_site() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.listen, "127.0.0.1:8787".parse().unwrap());
        assert_eq!(
            config.endpoint.url().as_str(),
            "https://billing.tencentcloudapi.com/"
        );
        assert!(config.access_token.is_none());
        assert!(config.allowed_origins.is_empty());
    }

    #[test]
    fn a_non_loopback_address_requires_a_long_enough_token() {
        let refused = parse(&["--listen", "0.0.0.0:8787"]).unwrap_err();
        assert!(refused.contains("requires --token"), "{refused}");
        assert!(parse(&["--listen", "0.0.0.0:8787", "--token", "short"]).is_err());
        let blank = parse(&["--listen", "0.0.0.0:8787", "--token", &" ".repeat(20)]).unwrap_err();
        assert_eq!(blank, "--token must have at least 16 non-blank characters");
        assert!(
            parse(&["--token", "0123456789 abcd \t"]).is_err(),
            "14 non-blank"
        );
        let config = parse(&[
            "--listen",
            "0.0.0.0:8787",
            "--token",
            "0123456789abcdef0123",
        ])
        .unwrap();
        assert_eq!(
            config.access_token.as_ref().unwrap().expose(),
            "0123456789abcdef0123"
        );
        assert_eq!(
            config.warnings(),
            ["listening on 0.0.0.0:8787 over plain HTTP: the access token and your bills cross the network unencrypted; put a TLS-terminating reverse proxy in front or listen on 127.0.0.1"]
        );
        let padded = parse(&["--token", " 0123456789abcdef\n"]).unwrap();
        assert_eq!(
            padded.access_token.as_ref().unwrap().expose(),
            "0123456789abcdef"
        );
        assert!(padded.warnings().is_empty());
    }

    #[test]
    fn origins_are_normalised_and_wildcards_refused() {
        let config = parse(&[
            "--allow-origin",
            "http://localhost:8080/",
            "--allow-origin",
            "https://Tcbill.example.com",
        ])
        .unwrap();
        assert_eq!(
            config.allowed_origins,
            ["http://localhost:8080", "https://tcbill.example.com"]
        );
        for bad in [
            "*",
            "localhost:8080",
            "http://*.example.com",
            "http://a.example/app",
        ] {
            assert!(parse(&["--allow-origin", bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_endpoint_is_a_tencent_api_host_or_an_explicit_loopback_test_server() {
        let intl = parse(&["--endpoint", "billing.intl.tencentcloudapi.com"]).unwrap();
        assert_eq!(
            intl.endpoint.url().as_str(),
            "https://billing.intl.tencentcloudapi.com/"
        );
        for refused in [
            "http://billing.tencentcloudapi.com",
            "https://billing.tencentcloudapi.com.evil.example",
            "https://eviltencentcloudapi.com",
            "https://127.0.0.1:9000",
            "http://127.0.0.1:9000",
        ] {
            let error = parse(&["--endpoint", refused]).unwrap_err();
            assert!(error.contains("tencentcloudapi.com"), "{refused}: {error}");
        }
        let test = parse(&["--insecure-test-endpoint", "http://127.0.0.1:9000"]).unwrap();
        assert_eq!(test.endpoint.url().as_str(), "http://127.0.0.1:9000/");
        let remote = parse(&["--insecure-test-endpoint", "https://example.com"]).unwrap_err();
        assert!(remote.contains("loopback"), "{remote}");
        assert!(parse(&[
            "--endpoint",
            "billing.tencentcloudapi.com",
            "--insecure-test-endpoint",
            "http://127.0.0.1:9000"
        ])
        .is_err());
    }
}
