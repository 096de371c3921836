//! TC3-HMAC-SHA256 (Tencent Cloud API 3.0, 签名方法 v3) written out again from the documented
//! algorithm, sharing no code with the proxy's `sign` module: the mock checks the proxy's
//! signatures with this, so a mistake in the signer cannot also be in the check. It is itself
//! checked against the official vectors in `fixtures/signing`.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

fn hmac_sha256(key: &[u8], message: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The UTC calendar date of a Unix time, `yyyy-mm-dd` (the credential scope's date).
pub fn utc_date(timestamp: i64) -> String {
    // Days since 1970-01-01 to a civil date, by whole 400-year eras (Gregorian).
    let days = timestamp.div_euclid(86_400) + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A request as the signature sees it. `signed_headers` are `(name, value)` in the order of the
/// `SignedHeaders` list.
pub struct Request<'a> {
    pub method: &'a str,
    pub query: &'a str,
    pub signed_headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

/// The hex `Signature=` of `request` made with `secret_key` for `service` at `timestamp`.
pub fn signature(request: &Request<'_>, secret_key: &str, service: &str, timestamp: i64) -> String {
    // Header names and values lower-cased and trimmed, one per line.
    let canonical_headers: String = request
        .signed_headers
        .iter()
        .map(|(name, value)| format!("{}:{}\n", name.to_lowercase(), value.trim().to_lowercase()))
        .collect();
    let names: Vec<String> = request
        .signed_headers
        .iter()
        .map(|(name, _)| name.to_lowercase())
        .collect();
    let canonical_request = format!(
        "{}\n/\n{}\n{canonical_headers}\n{}\n{}",
        request.method,
        request.query,
        names.join(";"),
        sha256_hex(request.body)
    );
    let date = utc_date(timestamp);
    let string_to_sign = format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let secret_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), &date);
    let secret_service = hmac_sha256(&secret_date, service);
    let secret_signing = hmac_sha256(&secret_service, "tc3_request");
    hex::encode(hmac_sha256(&secret_signing, &string_to_sign))
}
