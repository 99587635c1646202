//! The CC-Gateway client: the appdata URL, headers, TLS trust, timeouts, a size cap, and the
//! reply envelope with plain-language retcodes. Errors carry the CLI exit code they map to.

mod agent;
pub mod calls;
mod classify;
mod client;
mod envelope;
mod error;
#[cfg(test)]
mod live_tests;
mod pin;
pub mod retcode;
pub mod session;
mod tls;
pub mod url;

pub use agent::{AgentId, AgentIdError};
pub use calls::CallSummary;
pub use client::{AppDataRequest, ClientConfig, GatewayClient};
pub use envelope::{AppData, Envelope, RawReply, declared_charset, excerpt};
pub use error::{
    ConfigError, EXIT_MALFORMED, EXIT_RETCODE, EXIT_TRANSPORT, EXIT_USAGE, GatewayError,
    ReplyError, TransportError,
};
pub use pin::{Fingerprint, probe_certificate};
pub use retcode::RetcodeInfo;
pub use tls::TlsOptions;

use std::time::Duration;

/// The gateway's default HTTPS port.
pub const DEFAULT_PORT: u16 = 8043;
/// Default connect and whole-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// Default cap on a reply body (the largest real call data is far smaller).
pub const DEFAULT_MAX_BODY: u64 = 64 * 1024 * 1024;
/// The `Content-Type` every agent interface expects, even on GET.
pub const CONTENT_TYPE: &str = "application/json; charset=UTF-8";
