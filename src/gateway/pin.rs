//! Certificate pinning for gateways with self-signed certificates: a profile may trust exactly
//! one server certificate, named by the SHA-256 of its DER bytes. The pinned certificate must
//! still prove its key in the handshake; any other certificate is refused as "changed", so a
//! pin never turns verification off. Also the probe that reads a server's certificate (for
//! offering the pin on first connect) without sending any HTTP request.

use std::fmt;
use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use sha2::{Digest, Sha256};

use super::error::{ConfigError, TransportError};

/// The SHA-256 fingerprint of a certificate (of its DER encoding).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a DER certificate.
    pub fn of_der(der: &[u8]) -> Self {
        Self(Sha256::digest(der).into())
    }

    /// Parses 64 hex digits, with or without `:` or spaces between bytes, in any case, with an
    /// optional `sha256:` / `SHA256=` prefix as other tools print it.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let t = text.trim();
        let t = ["sha256:", "sha256=", "sha-256:"]
            .iter()
            .find_map(|p| {
                t.get(..p.len())
                    .filter(|h| h.eq_ignore_ascii_case(p))
                    .map(|_| &t[p.len()..])
            })
            .unwrap_or(t);
        let digits: String = t
            .chars()
            .filter(|c| !matches!(c, ':' | ' ' | '-'))
            .collect();
        let bad = || ConfigError::BadPin {
            given: text.chars().take(100).collect(),
        };
        if digits.len() != 64 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(Self(out))
    }
}

impl fmt::Display for Fingerprint {
    /// `AB:CD:…` (upper-case byte pairs joined by colons), as browsers and openssl show it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// The certificate presented was not the pinned one (carried inside the rustls error so the
/// classifier can name both fingerprints).
#[derive(Debug, Clone, thiserror::Error)]
#[error("the server certificate {found} is not the pinned {expected}")]
pub(crate) struct PinMismatch {
    pub expected: Fingerprint,
    pub found: Fingerprint,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Accepts exactly the pinned certificate (which must still sign the handshake).
#[derive(Debug)]
struct PinVerifier {
    pin: Fingerprint,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // The pin replaces CA, name and date checks: the user confirmed this very certificate.
        let found = Fingerprint::of_der(end_entity);
        if found == self.pin {
            return Ok(ServerCertVerified::assertion());
        }
        Err(rustls::Error::InvalidCertificate(
            rustls::CertificateError::Other(rustls::OtherError(Arc::new(PinMismatch {
                expected: self.pin,
                found,
            }))),
        ))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A rustls client config that trusts only the pinned certificate.
pub(crate) fn pinned_config(pin: Fingerprint) -> Result<rustls::ClientConfig, ConfigError> {
    let provider = provider();
    let verifier = Arc::new(PinVerifier {
        pin,
        algorithms: provider.signature_verification_algorithms,
    });
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError::Client(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Records the presented certificate and accepts it, so the probe can show what the server
/// offers. Used only by [`probe_certificate`], which sends nothing after the handshake.
#[derive(Debug)]
struct RecordingVerifier {
    seen: Mutex<Option<Fingerprint>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(Fingerprint::of_der(end_entity));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Connects to `host:port`, completes a TLS handshake and returns the fingerprint of the
/// certificate the server presents. Blocking; sends no HTTP request and no credential.
pub fn probe_certificate(
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<Fingerprint, TransportError> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let other = |detail: String| TransportError::Tls {
        host: host.to_owned(),
        port,
        detail,
    };
    let addr = (bare, port)
        .to_socket_addrs()
        .map_err(|_| TransportError::Dns {
            host: host.to_owned(),
        })?
        .next()
        .ok_or_else(|| TransportError::Dns {
            host: host.to_owned(),
        })?;
    let timeout = timeout.max(Duration::from_millis(100));
    let mut tcp = TcpStream::connect_timeout(&addr, timeout).map_err(|e| match e.kind() {
        std::io::ErrorKind::ConnectionRefused => TransportError::Refused {
            host: host.to_owned(),
            port,
        },
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            TransportError::ConnectTimeout {
                host: host.to_owned(),
                port,
                secs: TransportError::secs(timeout),
            }
        }
        _ => TransportError::Connect {
            host: host.to_owned(),
            port,
            detail: e.to_string(),
        },
    })?;
    let _ = tcp.set_read_timeout(Some(timeout));
    let _ = tcp.set_write_timeout(Some(timeout));
    let provider = provider();
    let verifier = Arc::new(RecordingVerifier {
        seen: Mutex::new(None),
        algorithms: provider.signature_verification_algorithms,
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| other(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    let name = ServerName::try_from(bare.to_owned()).map_err(|e| other(e.to_string()))?;
    let mut conn =
        rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| other(e.to_string()))?;
    while conn.is_handshaking() {
        match conn.complete_io(&mut tcp) {
            Ok(_) => {}
            Err(e) => {
                let not_tls = e
                    .get_ref()
                    .and_then(|i| i.downcast_ref::<rustls::Error>())
                    .is_some_and(|r| {
                        matches!(
                            r,
                            rustls::Error::InvalidMessage(_)
                                | rustls::Error::InappropriateMessage { .. }
                        )
                    });
                return Err(if not_tls {
                    TransportError::NotTls {
                        host: host.to_owned(),
                        port,
                    }
                } else {
                    other(e.to_string())
                });
            }
        }
    }
    // Close politely; the server sees a handshake and nothing else.
    conn.send_close_notify();
    let _ = conn.complete_io(&mut tcp);
    let _ = tcp.flush();
    verifier
        .seen
        .lock()
        .ok()
        .and_then(|s| *s)
        .ok_or_else(|| other(t!("error.no_certificate").into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_parse_in_the_forms_tools_print() {
        let f = Fingerprint::of_der(b"certificate");
        let shown = f.to_string();
        assert_eq!(shown.len(), 32 * 3 - 1);
        assert_eq!(Fingerprint::parse(&shown).unwrap(), f);
        let plain = shown.replace(':', "").to_lowercase();
        assert_eq!(Fingerprint::parse(&plain).unwrap(), f);
        assert_eq!(
            Fingerprint::parse(&format!("SHA256:{}", shown.replace(':', " "))).unwrap(),
            f
        );
        for bad in ["", "AB:CD", &plain[1..], &format!("{}zz", &plain[2..])] {
            let e = Fingerprint::parse(bad).unwrap_err();
            assert!(e.to_string().contains("64 hex digits"), "{e}");
            assert_eq!(e.exit_code(), 2);
        }
    }
}
