//! tcbill-proxy: a small native server that holds the Tencent Cloud key, signs billing API calls with
//! TC3-HMAC-SHA256 and forwards only read-only billing actions, so the browser app never sees a secret.

pub mod sign;
