//! Offering a certificate pin after a certificate failure: the server's fingerprint is read
//! with a handshake-only probe (no request, no GUID sent) and shown with the option that
//! trusts exactly that certificate.

use std::time::Duration;

use crate::gateway::{TransportError, probe_certificate};

/// How long the probe may take: it follows a failure the user is already waiting on.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// For a certificate the client could not verify, the text offering to pin it; `None` for any
/// other failure, for a changed pinned certificate (its message already names both
/// fingerprints), or when the probe cannot read the certificate.
pub fn offer(e: &TransportError, host: &str, port: u16, timeout: Duration) -> Option<String> {
    if !matches!(
        e,
        TransportError::CertUntrusted
            | TransportError::CertWrongHost { .. }
            | TransportError::CertExpired
            | TransportError::CertOther { .. }
    ) {
        return None;
    }
    let fp = probe_certificate(host, port, timeout.min(PROBE_TIMEOUT)).ok()?;
    Some(t!("reliability.cli.pin_offer", fingerprint = fp.to_string()).into_owned())
}
