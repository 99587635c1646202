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
    #[error("{}", t!("error.ca_file_unreadable", path = path.display(), reason = reason))]
    CaFileUnreadable {
        /// The file.
        path: PathBuf,
        /// The OS reason.
        reason: String,
    },
    /// The CA file or bytes hold no usable certificate.
    #[error("{}", t!("error.ca_invalid", source_name = source_name, reason = reason))]
    CaInvalid {
        /// The file name, or "the CA certificate" for in-memory PEM.
        source_name: String,
        /// What was wrong.
        reason: String,
    },
    /// A timeout of zero would fail every request.
    #[error("{}", t!("error.zero_timeout"))]
    ZeroTimeout,
    /// A certificate pin that is not a SHA-256 fingerprint.
    #[error("{}", t!("error.bad_pin", given = given))]
    BadPin {
        /// What was given (cut to 100 characters).
        given: String,
    },
    /// The HTTP client could not be built (TLS set-up).
    #[error("{}", t!("error.client", detail = _0))]
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
    #[error("{}", t!("error.dns", host = host))]
    Dns {
        /// The host.
        host: String,
    },
    /// Nothing listens on the port.
    #[error("{}", t!("error.refused", host = host, port = port))]
    Refused {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },
    /// Other connect failures (unreachable network, reset during connect).
    #[error("{}", t!("error.connect", host = host, port = port, detail = detail))]
    Connect {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// The OS reason.
        detail: String,
    },
    /// The server's certificate chain does not lead to a trusted CA.
    #[error("{}", t!("error.cert_untrusted"))]
    CertUntrusted,
    /// The certificate is for another name.
    #[error("{}", t!("error.cert_wrong_host", host = host))]
    CertWrongHost {
        /// The host used.
        host: String,
    },
    /// The certificate has expired (or is not yet valid).
    #[error("{}", t!("error.cert_expired"))]
    CertExpired,
    /// The profile pins a certificate and the server presented another one.
    #[error("{}", t!("error.cert_pin_mismatch", found = found, expected = expected))]
    CertPinMismatch {
        /// The pinned fingerprint.
        expected: String,
        /// The presented certificate's fingerprint.
        found: String,
    },
    /// Other certificate problems.
    #[error("{}", t!("error.cert_other", detail = detail))]
    CertOther {
        /// The verifier's reason.
        detail: String,
    },
    /// The port speaks plain HTTP (or something else), not TLS.
    #[error("{}", t!("error.not_tls", host = host, port = port))]
    NotTls {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },
    /// Other TLS handshake failures.
    #[error("{}", t!("error.tls", host = host, port = port, detail = detail))]
    Tls {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// The reason.
        detail: String,
    },
    /// Connecting took too long.
    #[error("{}", t!("error.connect_timeout", host = host, port = port, secs = secs))]
    ConnectTimeout {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// The limit.
        secs: u64,
    },
    /// The whole request took too long.
    #[error("{}", t!("error.timeout", secs = secs))]
    Timeout {
        /// The limit.
        secs: u64,
    },
    /// The reply is larger than the configured cap.
    #[error("{}", t!("error.too_large", limit_mib = limit_mib))]
    TooLarge {
        /// The limit in MiB.
        limit_mib: u64,
    },
    /// The connection closed before the reply was complete.
    #[error("{}", t!("error.interrupted", detail = detail))]
    Interrupted {
        /// The reason.
        detail: String,
    },
    /// Anything else.
    #[error("{}", t!("error.other", detail = detail))]
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
    #[error("{}", t!("error.http_status", status = status, excerpt = excerpt_suffix(excerpt), hint = t!(*hint)))]
    HttpStatus {
        /// The status code.
        status: u16,
        /// A short excerpt of the body (tags stripped), if any.
        excerpt: String,
        /// Catalogue key of what to do.
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
    #[error("{}", t!("error.malformed", what = what))]
    Malformed {
        /// What is wrong, with an excerpt where useful.
        what: String,
    },
    /// The call data could not be decoded (bad Base64, undecodable text with a forced charset).
    #[error("{}", t!("error.decode", detail = _0))]
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
        t!("error.quoted", text = excerpt).into_owned()
    }
}

fn retcode_sentence(code: &str, message: &str) -> String {
    let message = message.trim();
    let quoted = if message.is_empty() {
        String::new()
    } else {
        t!("error.quoted", text = message).into_owned()
    };
    let explanation = match retcode::describe(code) {
        Some(i) => t!(
            "retcode.explain",
            meaning = i.meaning(),
            action = i.action()
        )
        .into_owned(),
        None => t!("error.retcode_unknown").into_owned(),
    };
    t!(
        "error.retcode",
        code = code,
        quoted = quoted,
        explanation = explanation
    )
    .into_owned()
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
