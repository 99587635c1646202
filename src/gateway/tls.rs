//! TLS trust: the system's roots (through reqwest's platform verifier), plus an extra CA for
//! private gateways, or exactly one pinned certificate, or, only when asked, no verification.

use std::path::PathBuf;

use super::error::ConfigError;
use super::pin::{self, Fingerprint};

/// Which certificates to trust.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// An extra CA certificate file (PEM bundle or DER), trusted in addition to the system roots.
    pub ca_file: Option<PathBuf>,
    /// Extra CA certificates as PEM bytes (the demo simulator's CA), also merged in.
    pub ca_pem: Option<Vec<u8>>,
    /// Skip certificate verification entirely. Never the default; the UI flags it visibly.
    pub insecure: bool,
    /// Trust only the extra CA certificates, not the system roots (the demo trusts exactly
    /// its own simulator's CA).
    pub only_extra_roots: bool,
    /// Trust exactly the server certificate with this SHA-256 (self-signed gateways); takes
    /// precedence over the CA options and `insecure`.
    pub pin_sha256: Option<Fingerprint>,
}

/// Reads the extra CA certificates named by `opts` (file first, then in-memory PEM).
pub(crate) fn extra_roots(opts: &TlsOptions) -> Result<Vec<reqwest::Certificate>, ConfigError> {
    let mut certs = Vec::new();
    if let Some(path) = &opts.ca_file {
        let bytes = std::fs::read(path).map_err(|e| ConfigError::CaFileUnreadable {
            path: path.clone(),
            reason: io_reason(&e),
        })?;
        certs.extend(parse_certs(&bytes, &path.display().to_string())?);
    }
    if let Some(pem) = &opts.ca_pem {
        certs.extend(parse_certs(pem, "the CA certificate")?);
    }
    Ok(certs)
}

/// Applies `opts` to a reqwest builder.
pub(crate) fn apply(
    builder: reqwest::ClientBuilder,
    opts: &TlsOptions,
) -> Result<reqwest::ClientBuilder, ConfigError> {
    if let Some(fp) = opts.pin_sha256 {
        return Ok(builder.tls_backend_preconfigured(pin::pinned_config(fp)?));
    }
    let builder = builder.tls_backend_rustls();
    if opts.insecure {
        return Ok(builder.tls_danger_accept_invalid_certs(true));
    }
    let roots = extra_roots(opts)?;
    Ok(if roots.is_empty() {
        builder
    } else if opts.only_extra_roots {
        builder.tls_certs_only(roots)
    } else {
        builder.tls_certs_merge(roots)
    })
}

/// PEM bundle (one or more certificates) or a single DER certificate.
fn parse_certs(bytes: &[u8], source_name: &str) -> Result<Vec<reqwest::Certificate>, ConfigError> {
    let invalid = |reason: String| ConfigError::CaInvalid {
        source_name: source_name.to_owned(),
        reason,
    };
    let looks_pem = bytes.windows(11).any(|w| w == b"-----BEGIN ");
    if looks_pem {
        if !bytes.windows(17).any(|w| w == b"BEGIN CERTIFICATE") {
            return Err(invalid(
                "it is PEM but contains no CERTIFICATE block (a private key or request?)".into(),
            ));
        }
        let certs = reqwest::Certificate::from_pem_bundle(bytes)
            .map_err(|_| invalid("the PEM could not be parsed".into()))?;
        if certs.is_empty() {
            return Err(invalid("no certificate found".into()));
        }
        Ok(certs)
    } else if bytes.first() == Some(&0x30) {
        // DER starts with an ASN.1 SEQUENCE.
        reqwest::Certificate::from_der(bytes)
            .map(|c| vec![c])
            .map_err(|_| invalid("the DER data could not be parsed".into()))
    } else if bytes.is_empty() {
        Err(invalid("the file is empty".into()))
    } else {
        Err(invalid("it is neither PEM nor DER".into()))
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "the file does not exist".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_missing_and_non_certificate_files() {
        let dir = tempfile::tempdir().unwrap();
        let missing = TlsOptions {
            ca_file: Some(dir.path().join("nope.pem")),
            ..Default::default()
        };
        let e = extra_roots(&missing).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        assert_eq!(e.exit_code(), 2);

        let key = dir.path().join("key.pem");
        std::fs::write(
            &key,
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        )
        .unwrap();
        let e = extra_roots(&TlsOptions {
            ca_file: Some(key),
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.to_string().contains("no CERTIFICATE block"), "{e}");

        let e = extra_roots(&TlsOptions {
            ca_pem: Some(b"hello".to_vec()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.to_string().contains("neither PEM nor DER"), "{e}");
    }

    #[test]
    fn insecure_needs_no_roots_and_default_is_verified() {
        assert!(!TlsOptions::default().insecure);
        let opts = TlsOptions {
            insecure: true,
            ca_pem: Some(b"garbage".to_vec()),
            ..Default::default()
        };
        // With verification off the extra roots are irrelevant and not parsed.
        assert!(apply(reqwest::Client::builder(), &opts).is_ok());
    }
}
