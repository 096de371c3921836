//! The `tcbill-proxy` binary: parse flags, resolve credentials, serve until Ctrl-C.

use std::process::ExitCode;

use clap::Parser;
use tcbill_proxy::config::{Cli, Config};
use tcbill_proxy::credentials::Credentials;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let credentials_file = cli.credentials_file.clone();
    let config = match Config::from_cli(cli) {
        Ok(config) => config,
        Err(message) => return fail(&message),
    };
    let credentials =
        match Credentials::resolve(|name| std::env::var(name).ok(), credentials_file.as_deref()) {
            Ok(credentials) => credentials,
            Err(error) => return fail(&error.to_string()),
        };
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(error) => return fail(&format!("cannot listen on {}: {error}", config.listen)),
    };
    eprintln!(
        "tcbill-proxy: listening on http://{} -> {} (SecretId {}{}{})",
        config.listen,
        config.endpoint.url(),
        credentials.masked_secret_id(),
        if config.access_token.is_some() {
            ", access token required"
        } else {
            ""
        },
        match &config.serve_dist {
            Some(dir) => format!(", serving {}", dir.display()),
            None => String::new(),
        },
    );
    for warning in config.warnings() {
        eprintln!("tcbill-proxy: warning: {warning}");
    }
    let shutdown = async {
        tokio::signal::ctrl_c().await.ok();
    };
    match tcbill_proxy::serve(listener, config, credentials, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error.to_string()),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("tcbill-proxy: {message}");
    ExitCode::from(2)
}
