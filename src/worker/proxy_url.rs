//! Which proxy URLs *Fetch from API* may send the access token to, decided in the worker before
//! any request.
//!
//! The page's Content-Security-Policy does not bind the worker (a worker script gets its policy
//! from its own response, which a static host sends without one), so this check is what keeps the
//! token and the requests on the user's machine: a loopback host (`127.0.0.0/8`, `[::1]`,
//! `localhost`) or exactly the page's own origin (the proxy serving the app, perhaps behind a
//! reverse proxy). The URL is parsed by the browser's own `URL`, the WHATWG parser its `fetch`
//! uses, and the request goes to that parse's serialisation, so what was checked is what is
//! fetched: `http://2130706433` is checked and fetched as `http://127.0.0.1/`, and
//! `http://127.0.0.1@evil.test` as the host `evil.test`. (The browser's parser rather than the
//! `url` crate: the same rules, without linking a second parser and its IDNA tables into the worker.)

use std::net::{Ipv4Addr, Ipv6Addr};

use web_sys::Url;

use crate::protocol::ProxyRefusal;

/// The proxy a pull may use: a loopback or same-origin base URL, as parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedProxy {
    /// The parsed URL's serialisation, without query or fragment.
    href: String,
    /// The host as the URL serialises it: `127.0.0.1`, `[::1]`, `localhost`, `tcbill.example.com`.
    hostname: String,
    /// The port, or the scheme's default.
    port: u16,
    same_origin: bool,
    loopback: bool,
}

/// The proxy at `input` if tcbill may send requests and the token there, for a page at `page_origin`
/// (`location.origin`, such as `http://127.0.0.1:8787`).
pub fn allowed_proxy(input: &str, page_origin: &str) -> Result<AllowedProxy, ProxyRefusal> {
    let base = Url::new(input.trim()).map_err(|_| ProxyRefusal::NotAUrl)?;
    let protocol = base.protocol();
    let scheme = protocol.trim_end_matches(':');
    if !matches!(scheme, "http" | "https") {
        return Err(ProxyRefusal::Scheme(scheme.to_owned()));
    }
    if !base.username().is_empty() || !base.password().is_empty() {
        return Err(ProxyRefusal::UserInfo);
    }
    let same_origin = Url::new(page_origin).is_ok_and(|page| page.origin() == base.origin());
    let hostname = base.hostname();
    let loopback = match ipv6_literal(&hostname) {
        // Only `::1` itself: an IPv4-mapped address such as `::ffff:7f00:1` is refused rather than decoded.
        Some(address) => address == Ipv6Addr::LOCALHOST,
        // The parser has already turned every numeric form of an IPv4 address into dotted decimal.
        None => hostname.parse::<Ipv4Addr>().map_or(hostname == "localhost", |address| address.is_loopback()),
    };
    if !loopback && !same_origin {
        return Err(ProxyRefusal::NotLocal(hostname));
    }
    base.set_search("");
    base.set_hash("");
    let default_port = if scheme == "https" { 443 } else { 80 };
    let port = base.port().parse().unwrap_or(default_port);
    Ok(AllowedProxy { href: base.href(), hostname, port, same_origin, loopback })
}

/// The address of a bracketed IPv6 host (`[::1]`).
fn ipv6_literal(hostname: &str) -> Option<Ipv6Addr> {
    hostname.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

impl AllowedProxy {
    /// Where `action` is posted: `{base}/api/{action}`.
    pub fn endpoint(&self, action: &str) -> String {
        format!("{}/api/{action}", self.display())
    }

    /// The base URL as a person typed it, without a trailing `/`.
    pub fn display(&self) -> String {
        self.href.trim_end_matches('/').to_owned()
    }

    /// The README's command that starts a tcbill-proxy this page can reach at this URL: serving the
    /// app when the proxy is the page's origin, else allowing the page's origin; listening on the
    /// URL's loopback port when that is not the default.
    pub fn start_command(&self, page_origin: &str) -> String {
        let mut command = String::from("cargo run --release -p tcbill-proxy --");
        if self.same_origin {
            command.push_str(" --serve-dist dist");
        } else {
            command.push_str(&format!(" --allow-origin {page_origin}"));
        }
        let port = self.port;
        let is_address = ipv6_literal(&self.hostname).is_some() || self.hostname.parse::<Ipv4Addr>().is_ok();
        let listen = if is_address { format!("{}:{port}", self.hostname) } else { format!("127.0.0.1:{port}") };
        if self.loopback && listen != "127.0.0.1:8787" {
            command.push_str(&format!(" --listen {listen}"));
        }
        command
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    const PAGE: &str = "http://127.0.0.1:8080";

    fn base(input: &str) -> String {
        allowed_proxy(input, PAGE).unwrap().display()
    }

    fn refusal(input: &str) -> ProxyRefusal {
        allowed_proxy(input, PAGE).unwrap_err()
    }

    #[wasm_bindgen_test]
    fn loopback_hosts_are_allowed_as_the_browser_reads_them() {
        assert_eq!(base("http://127.0.0.1:8787"), "http://127.0.0.1:8787");
        assert_eq!(base(" https://127.0.0.1:8787/tcbill/ "), "https://127.0.0.1:8787/tcbill");
        assert_eq!(base("http://127.1.2.3"), "http://127.1.2.3");
        assert_eq!(base("http://LOCALHOST:9000"), "http://localhost:9000");
        assert_eq!(base("http://[::1]:8787"), "http://[::1]:8787");
        // Numeric forms are what the browser would connect to, and are fetched in their plain form.
        assert_eq!(base("http://2130706433:8787"), "http://127.0.0.1:8787");
        assert_eq!(base("http://0x7f.1:8787"), "http://127.0.0.1:8787");
        assert_eq!(base("http://0177.0.0.1:8787"), "http://127.0.0.1:8787");
        // A backslash ends the host, as `/` does.
        assert_eq!(base("http://127.0.0.1\\@evil.test"), "http://127.0.0.1/@evil.test");
        // A query or fragment would end up inside every action's path.
        assert_eq!(base("http://127.0.0.1:8787/?x=1#y"), "http://127.0.0.1:8787");
    }

    #[wasm_bindgen_test]
    fn everything_off_the_machine_is_refused() {
        let not_local = |host: &str| ProxyRefusal::NotLocal(host.to_owned());
        assert_eq!(refusal("http://evil.test:8787"), not_local("evil.test"));
        assert_eq!(refusal("http://localhost.evil.test"), not_local("localhost.evil.test"));
        assert_eq!(refusal("http://127.0.0.1.evil.test"), not_local("127.0.0.1.evil.test"));
        assert_eq!(refusal("http://localhost./"), not_local("localhost."));
        assert_eq!(refusal("http://sub.localhost/"), not_local("sub.localhost"));
        assert_eq!(refusal("http://0.0.0.0:8787"), not_local("0.0.0.0"));
        assert_eq!(refusal("http://10.0.0.1"), not_local("10.0.0.1"));
        // Numeric forms of other addresses are read as the browser reads them.
        assert_eq!(refusal("http://134744072"), not_local("8.8.8.8"));
        assert_eq!(refusal("http://0x08080808"), not_local("8.8.8.8"));
        assert_eq!(refusal("http://128.0.0.1"), not_local("128.0.0.1"));
        // IPv4-mapped and other IPv6 addresses, even of loopback.
        assert_eq!(refusal("http://[::ffff:127.0.0.1]"), not_local("[::ffff:7f00:1]"));
        assert_eq!(refusal("http://[::ffff:8.8.8.8]"), not_local("[::ffff:808:808]"));
        assert_eq!(refusal("http://[::127.0.0.1]"), not_local("[::7f00:1]"));
        assert_eq!(refusal("http://[fe80::1]"), not_local("[fe80::1]"));
        // The user-info part hides the real host.
        assert_eq!(refusal("http://127.0.0.1@evil.test"), ProxyRefusal::UserInfo);
        assert_eq!(refusal("http://127.0.0.1:8787@evil.test"), ProxyRefusal::UserInfo);
        assert_eq!(refusal("http://user:pw@127.0.0.1"), ProxyRefusal::UserInfo);
        assert_eq!(refusal("javascript:alert(1)"), ProxyRefusal::Scheme("javascript".to_owned()));
        assert_eq!(refusal("file:///etc/passwd"), ProxyRefusal::Scheme("file".to_owned()));
        assert_eq!(refusal("ftp://127.0.0.1"), ProxyRefusal::Scheme("ftp".to_owned()));
        assert_eq!(refusal("localhost:8787"), ProxyRefusal::Scheme("localhost".to_owned()));
        assert_eq!(refusal("127.0.0.1:8787"), ProxyRefusal::NotAUrl);
        assert_eq!(refusal("//127.0.0.1"), ProxyRefusal::NotAUrl);
        assert_eq!(refusal(""), ProxyRefusal::NotAUrl);
    }

    #[wasm_bindgen_test]
    fn the_page_origin_is_allowed_exactly() {
        let page = "https://tcbill.example.com";
        let allowed = |input: &str| allowed_proxy(input, page).map(|proxy| proxy.display());
        assert_eq!(allowed("https://tcbill.example.com/"), Ok("https://tcbill.example.com".to_owned()));
        assert_eq!(allowed("https://tcbill.example.com:443/app/"), Ok("https://tcbill.example.com/app".to_owned()));
        let not_local = Err(ProxyRefusal::NotLocal("tcbill.example.com".to_owned()));
        assert_eq!(allowed("http://tcbill.example.com"), not_local, "another scheme is another origin");
        assert_eq!(allowed("https://tcbill.example.com:8443"), not_local, "another port is another origin");
        assert_eq!(
            allowed("https://tcbill.example.com.evil.test"),
            Err(ProxyRefusal::NotLocal("tcbill.example.com.evil.test".to_owned()))
        );
        // A page with an opaque origin (`null`) allows loopback only.
        assert!(allowed_proxy("https://tcbill.example.com", "null").is_err());
        assert!(allowed_proxy("http://127.0.0.1:8787", "null").is_ok());
    }

    #[wasm_bindgen_test]
    fn endpoints_join_the_base_path() {
        let proxy = allowed_proxy("http://127.0.0.1:8787/tcbill/", PAGE).unwrap();
        assert_eq!(proxy.endpoint("DescribeBillDetail"), "http://127.0.0.1:8787/tcbill/api/DescribeBillDetail");
        let proxy = allowed_proxy("http://localhost:8787", PAGE).unwrap();
        assert_eq!(proxy.endpoint("DescribeBillDetail"), "http://localhost:8787/api/DescribeBillDetail");
    }

    #[wasm_bindgen_test]
    fn the_start_command_fits_the_url() {
        let command = |input: &str, page: &str| allowed_proxy(input, page).unwrap().start_command(page);
        let run = "cargo run --release -p tcbill-proxy --";
        assert_eq!(command("http://127.0.0.1:8787", "http://127.0.0.1:8787"), format!("{run} --serve-dist dist"));
        assert_eq!(
            command("http://127.0.0.1:9000/", "http://127.0.0.1:9000"),
            format!("{run} --serve-dist dist --listen 127.0.0.1:9000")
        );
        assert_eq!(
            command("http://127.0.0.1:8787", "http://127.0.0.1:8080"),
            format!("{run} --allow-origin http://127.0.0.1:8080")
        );
        assert_eq!(
            command("http://localhost:9000", "http://127.0.0.1:8080"),
            format!("{run} --allow-origin http://127.0.0.1:8080 --listen 127.0.0.1:9000")
        );
        assert_eq!(
            command("http://[::1]:8787", "http://127.0.0.1:8080"),
            format!("{run} --allow-origin http://127.0.0.1:8080 --listen [::1]:8787")
        );
        assert_eq!(
            command("https://tcbill.example.com/", "https://tcbill.example.com"),
            format!("{run} --serve-dist dist")
        );
    }
}
