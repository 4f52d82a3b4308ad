//! Logging: structured `tracing` output filtered by `RUST_LOG` (default `info`);
//! `ENFORCEMENT_LOG_FORMAT=json` for log shippers.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

pub fn init(default_filter: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let json = std::env::var("ENFORCEMENT_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    // try_init: tests may initialise more than once.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
