//! TLS failures against the simulator over real loopback sockets: an unknown CA, a certificate
//! for another name, an expired certificate and plain HTTP on the TLS port each get their own
//! plain-language error, and none of them lets the GUID leave the client. A per-profile
//! certificate pin trusts exactly one self-signed certificate and nothing else.

use std::time::Duration;

use calldata_inspector::gateway::{
    AgentId, AppDataRequest, ClientConfig, Fingerprint, GatewayClient, RawReply, TlsOptions,
    TransportError, probe_certificate,
};
use calldata_inspector::simulator::data::{CALL_ASCII, DEMO_AGENT};
use calldata_inspector::simulator::tls::CertKind;
use calldata_inspector::simulator::{SimConfig, SimTransport, SimulatorThread};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

fn sim(transport: SimTransport) -> SimulatorThread {
    SimulatorThread::start(SimConfig {
        transport,
        rate_limit: None,
        ..SimConfig::default()
    })
    .expect("simulator starts")
}

fn query(sim: &SimulatorThread, tls: TlsOptions) -> Result<RawReply, TransportError> {
    let client = GatewayClient::new(ClientConfig {
        host: sim.host(),
        port: sim.port(),
        tls,
        connect_timeout: Duration::from_secs(10),
        timeout: Duration::from_secs(20),
        ..ClientConfig::default()
    })
    .expect("client builds");
    let req = AppDataRequest {
        agent: AgentId::new(DEMO_AGENT).expect("agent"),
        call_id: CALL_ASCII.into(),
        encoded: false,
    };
    let guid = sim.demo_guid();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(client.query_appdata(&req, &guid))
}

fn trusting_ca(sim: &SimulatorThread) -> TlsOptions {
    TlsOptions {
        ca_pem: Some(sim.ca_pem()),
        ..TlsOptions::default()
    }
}

/// The fingerprint of the simulator's server certificate, computed from its PEM (for a
/// self-signed simulator the "CA" PEM is the server certificate itself).
fn leaf_fingerprint(pem: &[u8]) -> Fingerprint {
    let der = CertificateDer::from_pem_slice(pem).expect("a PEM certificate");
    Fingerprint::of_der(&der)
}

/// Runs the four failures and returns their messages, checking each one's kind.
fn four_failures() -> Vec<(String, TransportError)> {
    let mut out = Vec::new();

    let s = sim(SimTransport::default());
    let e = query(&s, TlsOptions::default()).expect_err("unknown CA refused");
    assert_eq!(e, TransportError::CertUntrusted, "{e}");
    assert!(s.requests().is_empty(), "no request reached the server");
    out.push(("unknown CA".to_owned(), e));

    let s = sim(SimTransport::Tls(CertKind::WrongHost));
    let e = query(&s, trusting_ca(&s)).expect_err("wrong host refused");
    assert!(matches!(e, TransportError::CertWrongHost { .. }), "{e:?}");
    assert!(s.requests().is_empty());
    out.push(("wrong host".to_owned(), e));

    let s = sim(SimTransport::Tls(CertKind::Expired));
    let e = query(&s, trusting_ca(&s)).expect_err("expired refused");
    assert_eq!(e, TransportError::CertExpired, "{e}");
    assert!(s.requests().is_empty());
    out.push(("expired".to_owned(), e));

    let s = sim(SimTransport::PlainHttp);
    let e = query(&s, trusting_ca(&s)).expect_err("plain HTTP refused");
    assert!(matches!(e, TransportError::NotTls { .. }), "{e:?}");
    out.push(("plain HTTP".to_owned(), e));
    out
}

#[test]
fn each_tls_failure_has_its_own_plain_language_message() {
    let failures = four_failures();
    let wants = [
        ("unknown CA", "not trusted"),
        ("wrong host", "not valid for the host name"),
        ("expired", "expired"),
        ("plain HTTP", "did not answer with TLS"),
    ];
    for ((name, e), (want_name, phrase)) in failures.iter().zip(wants) {
        assert_eq!(name, want_name);
        let text = e.to_string();
        assert!(text.contains(phrase), "{name}: {text}");
        // Each says what to do, not only what failed.
        assert!(
            [
                "pass",
                "connect with",
                "ask the administrator",
                "check the port"
            ]
            .iter()
            .any(|a| text.contains(a)),
            "{name} gives no action: {text}"
        );
        assert_eq!(e.exit_code(), 4, "{name}");
    }
    let mut texts: Vec<String> = failures.iter().map(|(_, e)| e.to_string()).collect();
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 4, "four distinct messages: {texts:#?}");
}

#[test]
fn the_probe_shows_the_fingerprint_and_sends_no_request() {
    let s = sim(SimTransport::Tls(CertKind::SelfSigned));
    let fp = probe_certificate(&s.host(), s.port(), Duration::from_secs(10)).expect("probe");
    assert_eq!(fp, leaf_fingerprint(&s.ca_pem()));
    assert_eq!(fp.to_string().len(), 95, "AB:CD:… form: {fp}");
    assert!(s.requests().is_empty(), "a handshake only, no HTTP request");

    // Plain HTTP is recognised by the probe too, rather than shown as a fingerprint.
    let plain = sim(SimTransport::PlainHttp);
    let e = probe_certificate(&plain.host(), plain.port(), Duration::from_secs(10))
        .expect_err("no certificate on plain HTTP");
    assert!(matches!(e, TransportError::NotTls { .. }), "{e:?}");
}

#[test]
fn a_pinned_self_signed_certificate_is_trusted_and_only_that_one() {
    let s = sim(SimTransport::Tls(CertKind::SelfSigned));
    // Without the pin, the self-signed certificate is refused like any unknown issuer.
    let e = query(&s, TlsOptions::default()).expect_err("unpinned self-signed refused");
    assert_eq!(e, TransportError::CertUntrusted, "{e}");

    let fp = probe_certificate(&s.host(), s.port(), Duration::from_secs(10)).expect("probe");
    let pinned = TlsOptions {
        pin_sha256: Some(fp),
        ..TlsOptions::default()
    };
    let reply = query(&s, pinned.clone()).expect("pinned certificate accepted");
    let data = reply.interpret(false, None).expect("call data");
    assert!(!data.decoded.text.is_empty());

    // Another server (even one whose certificate a CA vouches for) is refused under this pin.
    let other = sim(SimTransport::default());
    let pinned_with_ca = TlsOptions {
        ca_pem: Some(other.ca_pem()),
        ..pinned
    };
    let e = query(&other, pinned_with_ca).expect_err("a different certificate is refused");
    let TransportError::CertPinMismatch { expected, found } = &e else {
        panic!("not a pin mismatch: {e:?}");
    };
    assert_eq!(expected, &fp.to_string());
    assert_ne!(found, expected);
    let text = e.to_string();
    assert!(
        text.contains("has changed") && text.contains(expected.as_str()),
        "{text}"
    );
    assert!(
        other.requests().is_empty(),
        "the GUID never left the client"
    );
}

#[test]
fn a_pin_wins_over_insecure() {
    // A profile with a pin never falls back to "accept anything", even if insecure is also set.
    let s = sim(SimTransport::Tls(CertKind::SelfSigned));
    let wrong = Fingerprint::of_der(b"not the server's certificate");
    let e = query(
        &s,
        TlsOptions {
            pin_sha256: Some(wrong),
            insecure: true,
            ..TlsOptions::default()
        },
    )
    .expect_err("a pin wins over --insecure and refuses another certificate");
    assert!(matches!(e, TransportError::CertPinMismatch { .. }), "{e:?}");
}

#[test]
fn a_bad_pin_is_a_usage_error() {
    let e = Fingerprint::parse("AB:CD").expect_err("too short");
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().contains("64 hex digits"), "{e}");
}

/// Runs `calldata-inspector query` against `sim` (demo GUID in CALLDATA_GUID, English
/// messages, logs in a scratch folder) with `extra` flags.
fn cli_query(sim: &SimulatorThread, extra: &[&str]) -> std::process::Output {
    let logs = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_calldata-inspector"))
        .args(["query", "--host", &sim.host()])
        .args(["--port", &sim.port().to_string()])
        .args(["--agent", &DEMO_AGENT.to_string(), "--call-id", CALL_ASCII])
        .args(extra)
        .env("CALLDATA_GUID", sim.demo_guid().expose())
        .env("CALLDATA_INSPECTOR_LOG_DIR", logs.path())
        .env_remove("RUST_LOG")
        .env("LC_ALL", "C")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the binary runs");
    let guid = sim.demo_guid();
    let leaked = |b: &[u8]| String::from_utf8_lossy(b).contains(guid.expose());
    assert!(
        !leaked(&out.stdout) && !leaked(&out.stderr),
        "GUID in the output"
    );
    out
}

#[test]
fn cli_offers_the_fingerprint_and_a_pin_makes_the_query_work() {
    let s = sim(SimTransport::Tls(CertKind::SelfSigned));
    let fp = leaf_fingerprint(&s.ca_pem()).to_string();

    let first = cli_query(&s, &[]);
    let err = String::from_utf8_lossy(&first.stderr).into_owned();
    assert_eq!(first.status.code(), Some(4), "{err}");
    assert!(err.contains("certificate not trusted"), "{err}");
    assert!(err.contains(&format!("--pin-sha256 {fp}")), "{err}");
    assert!(
        s.requests().is_empty(),
        "the offer came from a handshake only"
    );

    let pinned = cli_query(&s, &["--pin-sha256", &fp]);
    assert_eq!(
        pinned.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&pinned.stderr)
    );
    assert!(!pinned.stdout.is_empty());

    let bad = cli_query(&s, &["--pin-sha256", "AB:CD"]);
    let err = String::from_utf8_lossy(&bad.stderr).into_owned();
    assert_eq!(bad.status.code(), Some(2), "{err}");
    assert!(err.contains("64 hex digits"), "{err}");
}

#[test]
fn cli_names_each_tls_failure() {
    let cases = [
        (SimTransport::Tls(CertKind::Expired), "expired"),
        (
            SimTransport::Tls(CertKind::WrongHost),
            "not valid for the host name",
        ),
        (SimTransport::PlainHttp, "did not answer with TLS"),
    ];
    for (transport, phrase) in cases {
        let s = sim(transport);
        let ca = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(ca.path(), s.ca_pem()).expect("CA written");
        let out = cli_query(&s, &["--ca-file", &ca.path().to_string_lossy()]);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(4), "{transport:?}: {err}");
        assert!(err.contains(phrase), "{transport:?}: {err}");
    }
}

#[allow(dead_code)]
#[path = "ui_app/common.rs"]
mod common;

mod window {
    //! The window offers the pin after a certificate failure, shows the fingerprint, and a
    //! trusted certificate makes the same query work and is saved in the profile.

    use super::common::*;
    use super::*;
    use calldata_inspector::profiles::ProfileStore;
    use calldata_inspector::ui::InspectorState;
    use egui_kittest::kittest::Queryable;

    #[test]
    fn window_offers_the_fingerprint_and_trusting_it_makes_the_query_work() {
        let s = sim(SimTransport::Tls(CertKind::SelfSigned));
        let fp = leaf_fingerprint(&s.ca_pem()).to_string();
        let fx = Fixture::new();
        let mut h = fx.harness();
        type_into(&mut h, "Profile name", "self-signed");
        type_into(&mut h, "Host", &s.host());
        replace_text(&mut h, "Port", &s.port().to_string());
        type_into(&mut h, "Agent ID", &DEMO_AGENT.to_string());
        type_into(&mut h, "GUID", s.demo_guid().expose());
        type_into(&mut h, "Add call IDs", CALL_ASCII);
        click(&mut h, "Add");
        h.query_all_by_label(CALL_ASCII)
            .next()
            .expect("call listed")
            .click();
        settle(&mut h);
        wait_reply(&mut h, "the refused certificate");
        assert!(
            matches!(h.state().state(), InspectorState::Failed { .. }),
            "{:?}",
            h.state().state()
        );
        let start = std::time::Instant::now();
        while !shows(&h, &fp) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the fingerprint is never shown"
            );
            h.step();
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(shows(&h, "Trust this certificate?"));
        assert!(
            s.requests().is_empty(),
            "nothing was sent to the gateway yet"
        );

        click(&mut h, "Trust this certificate");
        wait_reply(&mut h, "the query under the pin");
        let i = h.state().inspection().expect("a reply");
        assert_eq!(i.error, None);
        let saved = ProfileStore::in_dir(fx.dir.path())
            .get("self-signed")
            .expect("profile saved");
        assert_eq!(saved.pin_sha256.as_deref(), Some(fp.as_str()));
        assert!(shows(&h, "Trusted certificate (SHA-256):"));
    }
}

#[test]
fn cli_profile_keeps_the_pin_and_the_reply_cap() {
    let s = sim(SimTransport::Tls(CertKind::SelfSigned));
    let fp = leaf_fingerprint(&s.ca_pem()).to_string();
    let config = tempfile::tempdir().expect("temp dir");
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_calldata-inspector"))
            .args(args)
            .env("CALLDATA_INSPECTOR_CONFIG_DIR", config.path())
            .env("CALLDATA_INSPECTOR_LOG_DIR", config.path().join("logs"))
            .env("CALLDATA_GUID", s.demo_guid().expose())
            .env("LC_ALL", "C")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("the binary runs")
    };
    let port = s.port().to_string();
    let agent = DEMO_AGENT.to_string();
    let add = cli(&[
        "profile",
        "add",
        "pinned",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--agent",
        &agent,
        "--pin-sha256",
        &fp,
        "--max-reply-mib",
        "1",
    ]);
    assert_eq!(add.status.code(), Some(0), "{add:?}");
    let saved = std::fs::read_to_string(config.path().join("profiles.json")).expect("saved");
    assert!(saved.contains(&fp), "{saved}");

    let ok = cli(&["query", "--profile", "pinned", "--call-id", CALL_ASCII]);
    assert_eq!(ok.status.code(), Some(0), "{ok:?}");
    // The profile's 1 MiB cap applies to the 20 MiB call.
    let big = cli(&[
        "query",
        "--profile",
        "pinned",
        "--encoded",
        "--call-id",
        calldata_inspector::simulator::data::CALL_20MIB,
    ]);
    let err = String::from_utf8_lossy(&big.stderr);
    assert_eq!(big.status.code(), Some(4), "{err}");
    assert!(err.contains("larger than the 1 MiB limit"), "{err}");
}
