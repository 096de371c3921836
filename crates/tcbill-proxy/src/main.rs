//! tcbill-proxy: signs billing API requests with TC3-HMAC-SHA256 on behalf of the web app.

fn main() {
    eprintln!("tcbill-proxy: not implemented yet");
    std::process::exit(2);
}
