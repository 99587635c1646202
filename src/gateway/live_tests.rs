//! Certificate cases that need a hand-made certificate served by the real simulator over
//! loopback HTTPS (the simulator loads `ca.pem`/`cert.pem`/`key.pem` from its cert_dir).

use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};

use super::{AgentId, AppDataRequest, ClientConfig, GatewayClient, TlsOptions, TransportError};
use crate::simulator::{SimConfig, SimulatorThread, data, tls};

/// Writes a CA and a loopback leaf valid only from `from` to `until` (y, m, d) into `dir`.
fn write_certs(dir: &std::path::Path, from: (i32, u8, u8), until: (i32, u8, u8)) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "expired test CA");
    ca.distinguished_name = dn;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    leaf.not_before = date_time_ymd(from.0, from.1, from.2);
    leaf.not_after = date_time_ymd(until.0, until.1, until.2);
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
    std::fs::write(dir.join(tls::CA_FILE), ca_cert.pem()).unwrap();
    std::fs::write(dir.join(tls::CERT_FILE), leaf_cert.pem()).unwrap();
    std::fs::write(dir.join(tls::KEY_FILE), leaf_key.serialize_pem()).unwrap();
}

fn query_with_cert(from: (i32, u8, u8), until: (i32, u8, u8)) -> Result<u16, TransportError> {
    let dir = tempfile::tempdir().unwrap();
    write_certs(dir.path(), from, until);
    let sim = SimulatorThread::start(SimConfig {
        cert_dir: Some(dir.path().to_path_buf()),
        rate_limit: None,
        ..SimConfig::default()
    })
    .unwrap();
    let client = GatewayClient::new(ClientConfig {
        host: sim.host(),
        port: sim.port(),
        tls: TlsOptions {
            ca_pem: Some(sim.ca_pem()),
            ..TlsOptions::default()
        },
        timeout: Duration::from_secs(10),
        ..ClientConfig::default()
    })
    .unwrap();
    let req = AppDataRequest {
        agent: AgentId::new(data::DEMO_AGENT).unwrap(),
        call_id: data::CALL_ASCII.to_owned(),
        encoded: false,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(client.query_appdata(&req, &sim.demo_guid()))
        .map(|r| r.status)
}

#[test]
fn expired_certificate_is_named_as_such() {
    let e = query_with_cert((2019, 1, 1), (2020, 1, 1)).unwrap_err();
    assert_eq!(e, TransportError::CertExpired);
    assert_eq!(e.exit_code(), 4);
    assert!(e.to_string().contains("expired"), "{e}");
}

#[test]
fn the_same_hand_made_chain_works_while_valid() {
    // Proves the expired case fails for its dates, not for the hand-made chain.
    assert_eq!(query_with_cert((2020, 1, 1), (2099, 1, 1)), Ok(200));
}
