//! TC3-HMAC-SHA256 request signing (Tencent Cloud API 3.0, "签名方法 v3"), as a pure function.
//!
//! No clock, no IO, no credentials store: the caller passes the timestamp, the key and the exact
//! payload bytes it will send, so the official test vectors can be reproduced byte for byte. The
//! mock upstream in the tests checks signatures with an implementation of its own
//! (`tests/common/tc3.rs`), so a mistake here cannot also be in the check.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use tcbill_core::model::time::BeijingTime;

/// The only algorithm Tencent Cloud API 3.0 accepts in `Authorization`.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// One request to sign: everything that enters the canonical request.
#[derive(Debug, Clone, Copy)]
pub struct CanonicalInput<'a> {
    /// `POST` or `GET`.
    pub method: &'a str,
    /// Empty for POST; the RFC 3986-encoded query string for GET.
    pub canonical_query: &'a str,
    /// The headers to sign as sent (`("Content-Type", "application/json")`, `("Host", …)`, …), in any
    /// order and case; `content-type` and `host` are mandatory.
    pub signed_headers: &'a [(&'a str, &'a str)],
    /// The exact body bytes that go on the wire.
    pub payload: &'a [u8],
}

/// The keys derived from the secret key, date and service (raw bytes, as the algorithm uses them).
#[derive(Clone, PartialEq, Eq)]
pub struct DerivedKeys {
    pub secret_date: [u8; 32],
    pub secret_service: [u8; 32],
    pub secret_signing: [u8; 32],
}

/// Every intermediate value of one signature, so tests can compare each against published values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub hashed_request_payload: String,
    pub canonical_headers: String,
    pub signed_headers: String,
    pub canonical_request: String,
    pub credential_scope: String,
    pub string_to_sign: String,
    /// Lowercase hex of the final HMAC.
    pub signature: String,
    /// The complete `Authorization` header value.
    pub authorization: String,
}

/// Signs `input` for `service` (`billing`) at Unix time `timestamp_secs`.
pub fn sign(
    input: &CanonicalInput<'_>,
    secret_id: &str,
    secret_key: &str,
    service: &str,
    timestamp_secs: i64,
) -> Signature {
    let hashed_request_payload = sha256_hex(input.payload);
    let (canonical_headers, signed_headers) = canonical_headers(input.signed_headers);
    // CanonicalURI is fixed to "/" for API 3.0.
    let canonical_request = format!(
        "{method}\n/\n{query}\n{canonical_headers}\n{signed_headers}\n{hashed_request_payload}",
        method = input.method,
        query = input.canonical_query,
    );
    let date = utc_date(timestamp_secs);
    let credential_scope = format!("{date}/{service}/tc3_request");
    let string_to_sign = format!(
        "{ALGORITHM}\n{timestamp_secs}\n{credential_scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let keys = derive_keys(secret_key, &date, service);
    let signature = hex::encode(hmac_sha256(&keys.secret_signing, string_to_sign.as_bytes()));
    let authorization = format!(
        "{ALGORITHM} Credential={secret_id}/{credential_scope}, SignedHeaders={signed_headers}, Signature={signature}"
    );
    Signature {
        hashed_request_payload,
        canonical_headers,
        signed_headers,
        canonical_request,
        credential_scope,
        string_to_sign,
        signature,
        authorization,
    }
}

/// SecretDate = HMAC("TC3" + key, date); SecretService = HMAC(SecretDate, service);
/// SecretSigning = HMAC(SecretService, "tc3_request").
pub fn derive_keys(secret_key: &str, date: &str, service: &str) -> DerivedKeys {
    let secret_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let secret_service = hmac_sha256(&secret_date, service.as_bytes());
    let secret_signing = hmac_sha256(&secret_service, b"tc3_request");
    DerivedKeys {
        secret_date,
        secret_service,
        secret_signing,
    }
}

/// Lowercase hex SHA-256, the `HashedRequestPayload` of the algorithm.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The `yyyy-mm-dd` UTC date of a Unix timestamp (never the local date: 1551113065 is 2019-02-25).
pub fn utc_date(timestamp_secs: i64) -> String {
    let (year, month, day, ..) = BeijingTime::from_utc_epoch_secs(timestamp_secs).utc_fields();
    format!("{year:04}-{month:02}-{day:02}")
}

/// Keys and values lower-cased and trimmed, sorted by key, each `key:value\n`; plus the `;`-joined keys.
fn canonical_headers(headers: &[(&str, &str)]) -> (String, String) {
    let mut lowered: Vec<(String, String)> = headers
        .iter()
        .map(|(key, value)| (key.trim().to_ascii_lowercase(), value.trim().to_lowercase()))
        .collect();
    lowered.sort();
    let canonical = lowered
        .iter()
        .map(|(key, value)| format!("{key}:{value}\n"))
        .collect();
    let signed = lowered
        .iter()
        .map(|(key, _)| key.as_str())
        .collect::<Vec<_>>()
        .join(";");
    (canonical, signed)
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const VECTORS_PATH: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/signing/tc3-vectors.json"
    );

    fn text<'a>(value: &'a Value, key: &str) -> &'a str {
        value[key]
            .as_str()
            .unwrap_or_else(|| panic!("vector field {key} is not a string"))
    }

    #[test]
    fn reproduces_every_vector_byte_for_byte() {
        let json = std::fs::read_to_string(VECTORS_PATH).expect("fixtures/ of the repository");
        let file: Value = serde_json::from_str(&json).expect("tc3-vectors.json is JSON");
        let vectors = file["vectors"].as_array().expect("vectors array");
        assert!(
            vectors.len() >= 4,
            "expected the two official and two derived vectors"
        );
        for vector in vectors {
            let id = text(vector, "id");
            let inputs = &vector["inputs"];
            let expected = &vector["expected"];
            let all_headers = inputs["headers"].as_object().expect("headers object");
            let signed_names: Vec<&str> = text(inputs, "signed_headers").split(';').collect();
            let signed_headers: Vec<(&str, &str)> = all_headers
                .iter()
                .filter(|(name, _)| signed_names.contains(&name.to_ascii_lowercase().as_str()))
                .map(|(name, value)| (name.as_str(), value.as_str().expect("header value")))
                .collect();
            let body = text(inputs, "body");
            assert_eq!(
                body.len() as u64,
                inputs["body_utf8_length_bytes"].as_u64().unwrap(),
                "{id}"
            );
            let input = CanonicalInput {
                method: text(inputs, "method"),
                canonical_query: text(inputs, "canonical_query_string"),
                signed_headers: &signed_headers,
                payload: body.as_bytes(),
            };
            let timestamp = inputs["timestamp"].as_i64().expect("timestamp");
            let service = text(inputs, "service");
            let got = sign(
                &input,
                text(inputs, "secret_id"),
                text(inputs, "secret_key"),
                service,
                timestamp,
            );

            assert_eq!(
                got.hashed_request_payload,
                text(expected, "hashed_request_payload"),
                "{id}"
            );
            assert_eq!(
                got.canonical_headers,
                text(expected, "canonical_headers"),
                "{id}"
            );
            assert_eq!(got.signed_headers, text(inputs, "signed_headers"), "{id}");
            assert_eq!(
                got.canonical_request,
                text(expected, "canonical_request"),
                "{id}"
            );
            assert_eq!(
                utc_date(timestamp),
                text(expected, "credential_date"),
                "{id}"
            );
            assert_eq!(
                got.credential_scope,
                text(expected, "credential_scope"),
                "{id}"
            );
            assert_eq!(
                sha256_hex(got.canonical_request.as_bytes()),
                text(expected, "hashed_canonical_request"),
                "{id}"
            );
            assert_eq!(got.string_to_sign, text(expected, "string_to_sign"), "{id}");
            let keys = derive_keys(text(inputs, "secret_key"), &utc_date(timestamp), service);
            assert_eq!(
                hex::encode(keys.secret_date),
                text(expected, "secret_date_hex"),
                "{id}"
            );
            assert_eq!(
                hex::encode(keys.secret_service),
                text(expected, "secret_service_hex"),
                "{id}"
            );
            assert_eq!(
                hex::encode(keys.secret_signing),
                text(expected, "secret_signing_hex"),
                "{id}"
            );
            assert_eq!(got.signature, text(expected, "signature"), "{id}");
            assert_eq!(got.authorization, text(expected, "authorization"), "{id}");
        }
    }

    #[test]
    fn the_scope_date_is_utc_not_beijing_time() {
        // 2019-02-26 00:44:25 in UTC+8 is still 2019-02-25 in UTC.
        assert_eq!(utc_date(1_551_113_065), "2019-02-25");
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(4_107_542_399), "2100-02-28");
        assert_eq!(utc_date(-1), "1969-12-31");
    }

    #[test]
    fn empty_payload_hash_matches_the_documented_constant() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
