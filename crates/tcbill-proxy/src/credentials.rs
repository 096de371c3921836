//! Where the Tencent Cloud key comes from, and the types that keep it out of logs.
//!
//! Sources, in order: the credentials file if one is given (`--credentials-file`), else the
//! environment variables the Tencent SDKs and tccli read. The browser can never supply a key: there is
//! no code path from an HTTP request to these types. `Debug` shows only a masked SecretId.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
pub const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";

/// A secret string whose `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for signing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Secret(<redacted>)")
    }
}

/// A SecretId/SecretKey pair, plus the session token of temporary (STS) credentials.
#[derive(Clone)]
pub struct Credentials {
    pub secret_id: String,
    pub secret_key: Secret,
    /// Sent as `X-TC-Token`.
    pub session_token: Option<Secret>,
}

impl Credentials {
    /// Reads the file when `file` is given, else the environment through `env_var`.
    ///
    /// # Errors
    /// A missing or empty SecretId/SecretKey, an unreadable file or a file that is not the documented
    /// JSON. Error messages never contain secret values.
    pub fn resolve(
        env_var: impl Fn(&str) -> Option<String>,
        file: Option<&Path>,
    ) -> Result<Self, CredentialError> {
        match file {
            Some(path) => Self::from_file(path),
            None => Self::from_env(env_var),
        }
    }

    fn from_env(env_var: impl Fn(&str) -> Option<String>) -> Result<Self, CredentialError> {
        let non_empty = |name: &str| env_var(name).filter(|value| !value.trim().is_empty());
        let secret_id = non_empty(ENV_SECRET_ID).ok_or(CredentialError::Missing(ENV_SECRET_ID))?;
        let secret_key =
            non_empty(ENV_SECRET_KEY).ok_or(CredentialError::Missing(ENV_SECRET_KEY))?;
        Ok(Self {
            secret_id: secret_id.trim().to_owned(),
            secret_key: Secret::new(secret_key.trim()),
            session_token: non_empty(ENV_SESSION_TOKEN).map(|token| Secret::new(token.trim())),
        })
    }

    /// The tccli credential file format (`~/.tccli/default.credential`): a JSON object with
    /// `secretId`, `secretKey` and optionally `token`; other keys are ignored.
    fn from_file(path: &Path) -> Result<Self, CredentialError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct CredentialFile {
            secret_id: Option<String>,
            secret_key: Option<String>,
            token: Option<String>,
        }
        let unreadable = |reason: String| CredentialError::File {
            path: path.to_owned(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|error| unreadable(error.to_string()))?;
        // serde_json's message can quote the offending value, which may be the key: report the position only.
        let parsed: CredentialFile = serde_json::from_str(&text).map_err(|error| {
            unreadable(format!(
                "not a JSON object with string fields secretId/secretKey (line {}, column {})",
                error.line(),
                error.column()
            ))
        })?;
        let non_empty = |value: Option<String>| {
            value
                .map(|text| text.trim().to_owned())
                .filter(|text| !text.is_empty())
        };
        Ok(Self {
            secret_id: non_empty(parsed.secret_id)
                .ok_or_else(|| unreadable("secretId is missing".into()))?,
            secret_key: Secret::new(
                non_empty(parsed.secret_key)
                    .ok_or_else(|| unreadable("secretKey is missing".into()))?,
            ),
            session_token: non_empty(parsed.token).map(Secret::new),
        })
    }

    /// `AKID…MPLE`: enough to tell keys apart in a log line.
    pub fn masked_secret_id(&self) -> String {
        let chars: Vec<char> = self.secret_id.chars().collect();
        if chars.len() <= 8 {
            return "…".to_owned();
        }
        let head: String = chars[..4].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}…{tail}")
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Credentials")
            .field("secret_id", &self.masked_secret_id())
            .field("secret_key", &self.secret_key)
            .field("session_token", &self.session_token)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialError {
    /// The named environment variable is unset or empty.
    Missing(&'static str),
    File {
        path: PathBuf,
        reason: String,
    },
}

impl fmt::Display for CredentialError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing(name) => write!(
                formatter,
                "no Tencent Cloud credentials: {name} is not set (set {ENV_SECRET_ID} and {ENV_SECRET_KEY}, \
                 optionally {ENV_SESSION_TOKEN}, or pass --credentials-file)"
            ),
            Self::File { path, reason } => {
                write!(formatter, "credentials file {}: {reason}", path.display())
            }
        }
    }
}

impl std::error::Error for CredentialError {}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    fn temp_file(name: &str, contents: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("tcbill-proxy-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("write temp file");
        path
    }

    #[test]
    fn reads_the_sdk_environment_variables() {
        let env = env_of(&[
            (ENV_SECRET_ID, "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"),
            (ENV_SECRET_KEY, KEY),
            (ENV_SESSION_TOKEN, "sts-token"),
        ]);
        let credentials = Credentials::resolve(env, None).expect("complete environment");
        assert_eq!(
            credentials.secret_id,
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
        );
        assert_eq!(credentials.secret_key.expose(), KEY);
        assert_eq!(
            credentials.session_token.as_ref().map(Secret::expose),
            Some("sts-token")
        );
    }

    #[test]
    fn a_missing_or_empty_key_is_an_error_naming_the_variable() {
        let missing_key =
            Credentials::resolve(env_of(&[(ENV_SECRET_ID, "AKIDx")]), None).unwrap_err();
        assert_eq!(missing_key, CredentialError::Missing(ENV_SECRET_KEY));
        assert!(missing_key.to_string().contains(ENV_SECRET_KEY));
        let empty_id =
            Credentials::resolve(env_of(&[(ENV_SECRET_ID, " "), (ENV_SECRET_KEY, KEY)]), None)
                .unwrap_err();
        assert_eq!(empty_id, CredentialError::Missing(ENV_SECRET_ID));
    }

    #[test]
    fn reads_the_tccli_credential_file_instead_of_the_environment() {
        let path = temp_file(
            "good.credential",
            r#"{"secretId": "AKIDfile0000EXAMPLE", "secretKey": "file-key", "type": "ignored"}"#,
        );
        let env = env_of(&[(ENV_SECRET_ID, "AKIDenv"), (ENV_SECRET_KEY, "env-key")]);
        let credentials = Credentials::resolve(env, Some(&path)).expect("valid file");
        std::fs::remove_file(&path).ok();
        assert_eq!(credentials.secret_id, "AKIDfile0000EXAMPLE");
        assert_eq!(credentials.secret_key.expose(), "file-key");
        assert!(credentials.session_token.is_none());
    }

    #[test]
    fn file_errors_never_quote_the_key() {
        let path = temp_file(
            "bad.credential",
            &format!(r#"{{"secretId": "AKIDx", "secretKey": ["{KEY}"]}}"#),
        );
        let error = Credentials::resolve(|_| None, Some(&path)).unwrap_err();
        std::fs::remove_file(&path).ok();
        assert!(!error.to_string().contains(KEY), "{error}");
        let missing =
            Credentials::resolve(|_| None, Some(Path::new("/nonexistent/tcbill.credential")))
                .unwrap_err();
        assert!(matches!(missing, CredentialError::File { .. }));
    }

    #[test]
    fn debug_redacts_the_key_and_the_token() {
        let env = env_of(&[
            (ENV_SECRET_ID, "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"),
            (ENV_SECRET_KEY, KEY),
            (ENV_SESSION_TOKEN, "sts-token-value"),
        ]);
        let printed = format!("{:?}", Credentials::resolve(env, None).unwrap());
        assert!(!printed.contains(KEY), "{printed}");
        assert!(!printed.contains("sts-token-value"), "{printed}");
        assert!(printed.contains("AKID…MPLE"), "{printed}");
    }
}
