//! Turning a reqwest error into one plain-language [`TransportError`] by walking its sources.

use std::error::Error as StdError;
use std::time::Duration;

use rustls::CertificateError;

use super::error::TransportError;
use super::pin::PinMismatch;

/// Where the failing request was going (for messages).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub host: &'a str,
    pub port: u16,
    pub connect_timeout: Duration,
    pub timeout: Duration,
}

/// Every error in the chain, including payloads boxed inside `io::Error`s (whose own
/// `source()` skips the payload and returns the payload's source), at any depth: TLS
/// failures arrive as an `io::Error` wrapping an `io::Error` wrapping the `rustls::Error`.
fn chain<'a>(top: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut out: Vec<&'a (dyn StdError + 'static)> = Vec::new();
    let mut todo = vec![top];
    while let Some(e) = todo.pop() {
        if out.len() > 64 {
            break;
        }
        out.push(e);
        if let Some(next) = e.source() {
            todo.push(next);
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            todo.push(inner);
        }
    }
    out
}

/// Classifies a failed request.
pub(crate) fn classify(err: &reqwest::Error, t: Target<'_>) -> TransportError {
    let errors = chain(err);
    let host = t.host.to_owned();
    let port = t.port;

    for e in &errors {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return classify_tls(tls, t);
        }
    }
    if err.is_timeout() || errors.iter().any(|e| is_timeout(*e)) {
        return if err.is_connect() {
            TransportError::ConnectTimeout {
                host,
                port,
                secs: TransportError::secs(t.connect_timeout.min(t.timeout)),
            }
        } else {
            TransportError::Timeout {
                secs: TransportError::secs(t.timeout),
            }
        };
    }
    for e in &errors {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return TransportError::Refused { host, port };
                }
                std::io::ErrorKind::InvalidData if !err.is_connect() => {
                    return TransportError::Interrupted {
                        detail: io.to_string(),
                    };
                }
                // The far end went away (gateway restarted, proxy or network dropped the
                // connection): rustls words it as a missing close_notify with a manual link,
                // which tells a supervisor nothing.
                std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe => {
                    let detail = t!("reliability.closed_by_peer").into_owned();
                    return if err.is_connect() {
                        TransportError::Connect { host, port, detail }
                    } else {
                        TransportError::Interrupted { detail }
                    };
                }
                _ => {}
            }
        }
    }
    let texts: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    // hyper-util labels resolver failures "dns error"; getaddrinfo says "failed to lookup".
    if texts
        .iter()
        .any(|s| s.starts_with("dns error") || s.contains("failed to lookup address"))
    {
        return TransportError::Dns { host };
    }
    if err.is_connect() {
        // Our TLS handshake bytes answered with garbage: rustls reports it above, but some
        // servers just close the connection after reading an HTTP-less ClientHello.
        let detail = texts.last().cloned().unwrap_or_default();
        return TransportError::Connect { host, port, detail };
    }
    if err.is_body() || err.is_decode() {
        return TransportError::Interrupted {
            detail: texts.last().cloned().unwrap_or_default(),
        };
    }
    let detail = texts.last().cloned().unwrap_or_default();
    if detail.contains("connection closed before message completed")
        || detail.contains("IncompleteMessage")
    {
        return TransportError::Interrupted { detail };
    }
    TransportError::Other { detail }
}

fn is_timeout(e: &(dyn StdError + 'static)) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
}

fn classify_tls(e: &rustls::Error, t: Target<'_>) -> TransportError {
    use rustls::Error as E;
    let host = t.host.to_owned();
    let port = t.port;
    match e {
        E::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                TransportError::CertUntrusted
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                TransportError::CertWrongHost { host }
            }
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => TransportError::CertExpired,
            CertificateError::Other(o) if o.0.is::<PinMismatch>() => {
                match o.0.downcast_ref::<PinMismatch>() {
                    Some(m) => TransportError::CertPinMismatch {
                        expected: m.expected.to_string(),
                        found: m.found.to_string(),
                    },
                    None => TransportError::CertUntrusted,
                }
            }
            CertificateError::Other(o) if is_untrusted_text(&o.to_string()) => {
                TransportError::CertUntrusted
            }
            other => TransportError::CertOther {
                detail: format!("{other:?}"),
            },
        },
        // A plain-HTTP server answers our ClientHello with "HTTP/1.1 400 ...", which is not a
        // TLS record.
        E::InvalidMessage(_) | E::InappropriateMessage { .. } => {
            TransportError::NotTls { host, port }
        }
        other => TransportError::Tls {
            host,
            port,
            detail: other.to_string(),
        },
    }
}

fn is_untrusted_text(s: &str) -> bool {
    let s = s.to_ascii_lowercase();
    s.contains("unknown issuer") || s.contains("not trusted") || s.contains("untrusted")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target<'static> {
        Target {
            host: "gw",
            port: 8043,
            connect_timeout: Duration::from_secs(3),
            timeout: Duration::from_secs(9),
        }
    }

    #[test]
    fn tls_errors_map_to_actions() {
        let t = target();
        assert_eq!(
            classify_tls(
                &rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
                t
            ),
            TransportError::CertUntrusted
        );
        assert_eq!(
            classify_tls(
                &rustls::Error::InvalidCertificate(CertificateError::NotValidForName),
                t
            ),
            TransportError::CertWrongHost { host: "gw".into() }
        );
        assert_eq!(
            classify_tls(
                &rustls::Error::InvalidCertificate(CertificateError::Expired),
                t
            ),
            TransportError::CertExpired
        );
        assert!(matches!(
            classify_tls(
                &rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
                t
            ),
            TransportError::NotTls { .. }
        ));
    }

    #[test]
    fn io_payloads_are_found_in_the_chain() {
        let inner = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, inner);
        let outer = std::io::Error::other(io);
        let found = chain(&outer)
            .iter()
            .any(|e| e.downcast_ref::<rustls::Error>().is_some());
        assert!(found);
    }
}
