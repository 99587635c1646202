//! What can go wrong, in plain language, with the CLI exit code each failure maps to.
//!
//! Exit codes: 2 usage/configuration (nothing was sent), 3 the gateway answered with a
//! retcode other than "0", 4 transport or HTTP status, 5 malformed reply.

use std::path::PathBuf;
use std::time::Duration;

use super::retcode;
use super::url::HostError;
use crate::decode::DecodeError;

/// Exit code: usage error, nothing sent.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the gateway answered with a retcode other than "0".
pub const EXIT_RETCODE: u8 = 3;
/// Exit code: transport failure or non-2xx HTTP status.
pub const EXIT_TRANSPORT: u8 = 4;
/// Exit code: the reply could not be understood.
pub const EXIT_MALFORMED: u8 = 5;

/// The client could not be set up (bad host, unreadable CA file, ...): nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The host is unusable.
    #[error(transparent)]
    Host(#[from] HostError),
    /// The CA file could not be read.
    #[error("cannot read the CA certificate file {path}: {reason}")]
    CaFileUnreadable {
        /// The file.
        path: PathBuf,
        /// The OS reason.
        reason: String,
    },
    /// The CA file or bytes hold no usable certificate.
    #[error(
        "{source_name} holds no usable certificate ({reason}): pass the gateway's CA certificate in PEM (\"-----BEGIN CERTIFICATE-----\") or DER form"
    )]
    CaInvalid {
        /// The file name, or "the CA certificate" for in-memory PEM.
        source_name: String,
        /// What was wrong.
        reason: String,
    },
    /// A timeout of zero would fail every request.
    #[error("the timeout must be at least 1 second")]
    ZeroTimeout,
    /// A certificate pin that is not a SHA-256 fingerprint.
    #[error(
        "\"{given}\" is not a SHA-256 certificate fingerprint: give 64 hex digits, with or without colons (AB:CD:…)"
    )]
    BadPin {
        /// What was given (cut to 100 characters).
        given: String,
    },
    /// The HTTP client could not be built (TLS set-up).
    #[error("cannot set up the HTTPS client: {0}")]
    Client(String),
}

impl ConfigError {
    /// Always [`EXIT_USAGE`]: nothing was sent.
    pub fn exit_code(&self) -> u8 {
        EXIT_USAGE
    }
}

/// No HTTP response arrived (or its body could not be read completely).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The host name does not resolve.
    #[error(
        "cannot resolve the host \"{host}\" (DNS): check the spelling, or use the gateway's IP address"
    )]
    Dns {
        /// The host.
        host: String,
    },
    /// Nothing listens on the port.
    #[error(
        "connection refused by {host}:{port}: nothing is listening there; check the port (the gateway default is 8043) and that the gateway is running"
    )]
    Refused {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },
    /// Other connect failures (unreachable network, reset during connect).
    #[error("cannot connect to {host}:{port}: {detail}; check the address, VPN and firewalls")]
    Connect {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// The OS reason.
        detail: String,
    },
    /// The server's certificate chain does not lead to a trusted CA.
    #[error(
        "certificate not trusted: pass --ca-file with the gateway's CA certificate (PEM), or ask the administrator for it"
    )]
    CertUntrusted,
    /// The certificate is for another name.
    #[error(
        "the certificate is not valid for the host name \"{host}\": connect with the name (or IP) the certificate was issued for"
    )]
    CertWrongHost {
        /// The host used.
        host: String,
    },
    /// The certificate has expired (or is not yet valid).
    #[error(
        "the gateway's certificate has expired or is not yet valid: check this computer's clock, then ask the administrator to renew the certificate"
    )]
    CertExpired,
    /// The profile pins a certificate and the server presented another one.
    #[error(
        "the gateway's certificate has changed: it is {found}, but this profile trusts only {expected}. If the administrator confirms the new certificate, trust it again; otherwise someone may be intercepting the connection"
    )]
    CertPinMismatch {
        /// The pinned fingerprint.
        expected: String,
        /// The presented certificate's fingerprint.
        found: String,
    },
    /// Other certificate problems.
    #[error("the gateway's certificate was rejected: {detail}")]
    CertOther {
        /// The verifier's reason.
        detail: String,
    },
    /// The port speaks plain HTTP (or something else), not TLS.
    #[error(
        "{host}:{port} did not answer with TLS (it may be a plain-HTTP port): check the port; the gateway's HTTPS port is 8043 by default"
    )]
    NotTls {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },
    /// Other TLS handshake failures.
    #[error("the TLS handshake with {host}:{port} failed: {detail}")]
    Tls {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// The reason.
        detail: String,
    },
    /// Connecting took too long.
    #[error(
        "connecting to {host}:{port} timed out after {secs} s: check the address, VPN and firewalls"
    )]
    ConnectTimeout {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// The limit.
        secs: u64,
    },
    /// The whole request took too long.
    #[error(
        "no complete reply within {secs} s (timeout): the gateway is slow or overloaded; retry, or raise --timeout"
    )]
    Timeout {
        /// The limit.
        secs: u64,
    },
    /// The reply is larger than the configured cap.
    #[error(
        "the reply is larger than the {limit_mib} MiB limit and was not read: the call data is unusually large; raise the limit if it is expected"
    )]
    TooLarge {
        /// The limit in MiB.
        limit_mib: u64,
    },
    /// The connection closed before the reply was complete.
    #[error("the connection broke before the whole reply arrived: {detail}; retry")]
    Interrupted {
        /// The reason.
        detail: String,
    },
    /// Anything else.
    #[error("the request failed: {detail}")]
    Other {
        /// The reason.
        detail: String,
    },
}

impl TransportError {
    /// Always [`EXIT_TRANSPORT`].
    pub fn exit_code(&self) -> u8 {
        EXIT_TRANSPORT
    }

    /// Whole seconds of a timeout, at least 1 (for messages).
    pub(crate) fn secs(d: Duration) -> u64 {
        d.as_secs().max(1)
    }
}

/// An HTTP response arrived but does not carry usable call data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReplyError {
    /// HTTP status other than 2xx.
    #[error("the gateway answered HTTP {status}{}: {hint}", excerpt_suffix(.excerpt))]
    HttpStatus {
        /// The status code.
        status: u16,
        /// A short excerpt of the body (tags stripped), if any.
        excerpt: String,
        /// What to do.
        hint: &'static str,
    },
    /// The gateway answered with a retcode other than "0".
    #[error("{}", retcode_sentence(.code, .message))]
    Retcode {
        /// The retcode.
        code: String,
        /// The gateway's message.
        message: String,
    },
    /// The reply is not the expected envelope.
    #[error("malformed reply: {what}")]
    Malformed {
        /// What is wrong, with an excerpt where useful.
        what: String,
    },
    /// The call data could not be decoded (bad Base64, undecodable text with a forced charset).
    #[error("malformed call data: {0}")]
    Decode(#[from] DecodeError),
}

impl ReplyError {
    /// 4 for HTTP status, 3 for a retcode, 5 for malformed replies.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::HttpStatus { .. } => EXIT_TRANSPORT,
            Self::Retcode { .. } => EXIT_RETCODE,
            Self::Malformed { .. } | Self::Decode(_) => EXIT_MALFORMED,
        }
    }
}

fn excerpt_suffix(excerpt: &str) -> String {
    if excerpt.is_empty() {
        String::new()
    } else {
        format!(" (\"{excerpt}\")")
    }
}

fn retcode_sentence(code: &str, message: &str) -> String {
    let message = message.trim();
    let quoted = if message.is_empty() {
        String::new()
    } else {
        format!(" (\"{message}\")")
    };
    let explanation = match retcode::describe(code) {
        Some(i) => format!("{}. {}", i.meaning, i.action),
        None => "this code is not in the public CC-Gateway code tables; the gateway's message and logs are the only description".to_owned(),
    };
    format!("the gateway answered retcode {code}{quoted}: {explanation}")
}

/// Any failure of one query, with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// Set-up failed; nothing was sent.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// No (complete) HTTP response.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// A response that carries no usable call data.
    #[error(transparent)]
    Reply(#[from] ReplyError),
}

impl GatewayError {
    /// The CLI exit code (2, 3, 4 or 5).
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Config(e) => e.exit_code(),
            Self::Transport(e) => e.exit_code(),
            Self::Reply(e) => e.exit_code(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(ConfigError::ZeroTimeout.exit_code(), 2);
        assert_eq!(TransportError::CertUntrusted.exit_code(), 4);
        let retcode = ReplyError::Retcode {
            code: "100-006".into(),
            message: "agent not login".into(),
        };
        assert_eq!(retcode.exit_code(), 3);
        let text = retcode.to_string();
        assert!(
            text.starts_with("the gateway answered retcode 100-006 (\"agent not login\"): the agent is not signed in"),
            "{text}"
        );
        assert!(text.contains("not signed in"), "{text}");
        let http = ReplyError::HttpStatus {
            status: 502,
            excerpt: "Bad Gateway".into(),
            hint: "x",
        };
        assert_eq!(http.exit_code(), 4);
        assert!(http.to_string().contains("HTTP 502 (\"Bad Gateway\")"));
        assert_eq!(ReplyError::Malformed { what: "x".into() }.exit_code(), 5);
        assert!(
            TransportError::CertUntrusted
                .to_string()
                .starts_with("certificate not trusted: pass --ca-file")
        );
    }
}
