//! Certificates for the simulator: a private CA and a loopback leaf signed by it, so clients
//! verify the server with ordinary webpki rules by trusting just the CA.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::SimError;

/// File names inside `cert_dir`.
pub const CA_FILE: &str = "ca.pem";
/// The server (leaf) certificate file name.
pub const CERT_FILE: &str = "cert.pem";
/// The server private key file name (written with mode 0600).
pub const KEY_FILE: &str = "key.pem";

/// PEM texts of the CA certificate, the leaf certificate and the leaf key.
#[derive(Clone)]
pub struct CertBundle {
    /// The CA certificate clients trust.
    pub ca_pem: String,
    /// The server certificate (signed by the CA).
    pub cert_pem: String,
    /// The server private key; never logged.
    pub key_pem: String,
}

impl std::fmt::Debug for CertBundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertBundle").finish_non_exhaustive()
    }
}

fn rc(what: &str, e: rcgen::Error) -> SimError {
    SimError::Certificate(format!("{what}: {e}"))
}

/// Which server certificate a generated set holds: the normal one, or a broken one for the
/// TLS failure tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CertKind {
    /// Signed by the CA, for localhost/127.0.0.1/::1, valid now.
    #[default]
    Valid,
    /// Signed by the CA and for the right names, but expired (2020).
    Expired,
    /// Signed by the CA and valid now, but only for `gateway.invalid`.
    WrongHost,
    /// Self-signed (no CA), for the right names: what sites that pin certificates use.
    /// `ca_pem` is then the leaf itself.
    SelfSigned,
}

/// Generates a fresh CA ("calldata-inspector demo CA") and a leaf for localhost/127.0.0.1/::1.
/// The CA key is discarded: nothing can be signed with this CA afterwards.
pub fn generate() -> Result<CertBundle, SimError> {
    generate_kind(CertKind::Valid)
}

/// Like [`generate`], with the server certificate of `kind`.
pub fn generate_kind(kind: CertKind) -> Result<CertBundle, SimError> {
    let ca_key = KeyPair::generate().map_err(|e| rc("generating the CA key", e))?;
    let mut ca_params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "calldata-inspector demo CA");
    dn.push(DnType::OrganizationName, "calldata-inspector");
    ca_params.distinguished_name = dn;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params
        .self_signed(&ca_key)
        .map_err(|e| rc("signing the CA certificate", e))?;
    let issuer = Issuer::new(ca_params, ca_key);

    let leaf_key = KeyPair::generate().map_err(|e| rc("generating the server key", e))?;
    let names = if kind == CertKind::WrongHost {
        vec!["gateway.invalid".to_owned()]
    } else {
        vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ]
    };
    let mut leaf = CertificateParams::new(names).map_err(|e| rc("server certificate names", e))?;
    if kind == CertKind::Expired {
        leaf.not_before = rcgen::date_time_ymd(2019, 1, 1);
        leaf.not_after = rcgen::date_time_ymd(2020, 1, 1);
    }
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "calldata-inspector simulator");
    leaf.distinguished_name = dn;
    leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    if kind == CertKind::SelfSigned {
        let leaf_cert = leaf
            .self_signed(&leaf_key)
            .map_err(|e| rc("signing the server certificate", e))?;
        return Ok(CertBundle {
            ca_pem: leaf_cert.pem(),
            cert_pem: leaf_cert.pem(),
            key_pem: leaf_key.serialize_pem(),
        });
    }
    leaf.use_authority_key_identifier_extension = true;
    let leaf_cert = leaf
        .signed_by(&leaf_key, &issuer)
        .map_err(|e| rc("signing the server certificate", e))?;
    Ok(CertBundle {
        ca_pem: ca_cert.pem(),
        cert_pem: leaf_cert.pem(),
        key_pem: leaf_key.serialize_pem(),
    })
}

/// Loads `ca.pem`, `cert.pem`, `key.pem` from `dir` when all three exist; otherwise generates
/// a new set and writes it there (creating the directory; the key with mode 0600).
pub fn load_or_create(dir: &Path) -> Result<CertBundle, SimError> {
    let paths = [CA_FILE, CERT_FILE, KEY_FILE].map(|f| dir.join(f));
    if paths.iter().all(|p| p.is_file()) {
        let read = |p: &PathBuf| {
            fs::read_to_string(p).map_err(|e| SimError::CertDir {
                path: p.clone(),
                reason: e.to_string(),
            })
        };
        let bundle = CertBundle {
            ca_pem: read(&paths[0])?,
            cert_pem: read(&paths[1])?,
            key_pem: read(&paths[2])?,
        };
        // Fail here, naming the files, rather than at the first handshake.
        server_config(&bundle)?;
        return Ok(bundle);
    }
    let bundle = generate()?;
    fs::create_dir_all(dir).map_err(|e| SimError::CertDir {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    write_file(&paths[0], bundle.ca_pem.as_bytes(), false)?;
    write_file(&paths[1], bundle.cert_pem.as_bytes(), false)?;
    write_file(&paths[2], bundle.key_pem.as_bytes(), true)?;
    Ok(bundle)
}

fn write_file(path: &Path, bytes: &[u8], private: bool) -> Result<(), SimError> {
    let err = |e: std::io::Error| SimError::CertDir {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut f = opts.open(path).map_err(err)?;
    f.write_all(bytes).map_err(err)?;
    f.sync_all().map_err(err)
}

/// A rustls server config (aws-lc-rs provider, TLS 1.2 and 1.3) presenting the leaf certificate.
pub fn server_config(bundle: &CertBundle) -> Result<Arc<rustls::ServerConfig>, SimError> {
    let bad = |what: &str, e: String| SimError::Certificate(format!("{what}: {e}"));
    let certs = CertificateDer::pem_slice_iter(bundle.cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad("reading cert.pem", e.to_string()))?;
    if certs.is_empty() {
        return Err(bad("reading cert.pem", "no certificate found".into()));
    }
    let key = PrivateKeyDer::from_pem_slice(bundle.key_pem.as_bytes())
        .map_err(|e| bad("reading key.pem", e.to_string()))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad("TLS versions", e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| bad("certificate and key do not fit together", e.to_string()))?;
    // The client speaks HTTP/1.1 to the real gateway; the simulator serves only that.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
