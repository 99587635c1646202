//! The gateway client against the embedded simulator over real loopback HTTPS: URLs,
//! headers, TLS trust, every failure class and the decoded data compared with the truth.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use calldata_inspector::decode::DecodeError;
use calldata_inspector::gateway::{
    AgentId, AppDataRequest, ClientConfig, GatewayClient, RawReply, ReplyError, TlsOptions,
    TransportError,
};
use calldata_inspector::secret::Guid;
use calldata_inspector::simulator::data::{self, DEMO_AGENT, OFFLINE_AGENT};
use calldata_inspector::simulator::{SimConfig, SimulatorThread};

fn start_sim(cfg: SimConfig) -> SimulatorThread {
    SimulatorThread::start(SimConfig {
        // Tests fire many queries at one agent; the 5-per-2-s limit has its own simulator tests.
        rate_limit: None,
        slow_delay: Duration::from_secs(4),
        ..cfg
    })
    .expect("simulator starts")
}

fn sim() -> SimulatorThread {
    start_sim(SimConfig::default())
}

fn trusting(sim: &SimulatorThread) -> TlsOptions {
    TlsOptions {
        ca_pem: Some(sim.ca_pem()),
        ..TlsOptions::default()
    }
}

fn client_with(host: &str, port: u16, tls: TlsOptions, timeout: Duration) -> GatewayClient {
    GatewayClient::new(ClientConfig {
        host: host.into(),
        port,
        tls,
        connect_timeout: timeout,
        timeout,
        ..ClientConfig::default()
    })
    .expect("client builds")
}

fn client(sim: &SimulatorThread) -> GatewayClient {
    client_with(
        &sim.host(),
        sim.port(),
        trusting(sim),
        Duration::from_secs(10),
    )
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

fn req(agent: u32, call_id: &str, encoded: bool) -> AppDataRequest {
    AppDataRequest {
        agent: AgentId::new(agent).expect("valid agent"),
        call_id: call_id.into(),
        encoded,
    }
}

fn send(c: &GatewayClient, r: &AppDataRequest, guid: &Guid) -> Result<RawReply, TransportError> {
    block_on(c.query_appdata(r, guid))
}

fn fetch_ok(sim: &SimulatorThread, call_id: &str, encoded: bool) -> (RawReply, Vec<u8>, String) {
    let r = req(DEMO_AGENT, call_id, encoded);
    let reply = send(&client(sim), &r, &sim.demo_guid()).expect("a reply");
    let data = reply
        .interpret(encoded, None)
        .unwrap_or_else(|e| panic!("{call_id}: {e}"));
    (reply.clone(), data.decoded.bytes, data.decoded.text)
}

#[test]
fn every_data_call_decodes_to_the_true_bytes_with_base64() {
    let sim = sim();
    for (call_id, what) in data::DEMO_CALLS {
        let Some(expected) = data::expected_bytes(call_id) else {
            continue;
        };
        if [data::CALL_SLOW, data::CALL_BAD_BASE64, data::CALL_20MIB].contains(call_id) {
            continue; // covered by their own tests
        }
        let (reply, bytes, _) = fetch_ok(&sim, call_id, true);
        assert_eq!(reply.status, 200, "{what}");
        assert_eq!(bytes, expected, "{call_id}: {what}");
    }
}

#[test]
fn plain_results_and_the_current_call() {
    let sim = sim();
    let (_, bytes, text) = fetch_ok(&sim, data::CALL_ZH_UTF8, false);
    assert_eq!(bytes, data::expected_bytes(data::CALL_ZH_UTF8).unwrap());
    assert!(text.starts_with("您好"), "{text}");

    // No call ID: the parameter is omitted and the agent's current call is returned.
    let (reply, bytes, _) = fetch_ok(&sim, "", false);
    assert!(!reply.url.contains("callId"), "{}", reply.url);
    assert_eq!(bytes, data::expected_bytes(data::CALL_CURRENT).unwrap());
    let log = sim.requests();
    let last = log.last().expect("logged");
    assert_eq!(last.method, "GET");
    assert!(last.had_guid);
    assert!(
        last.path.ends_with(&format!(
            "/calldata/{DEMO_AGENT}/appdata?isEncodeResult=false"
        )),
        "{}",
        last.path
    );
}

#[test]
fn gbk_call_data_is_detected_or_forced() {
    let sim = sim();
    let r = req(DEMO_AGENT, data::CALL_ZH_GBK, true);
    let reply = send(&client(&sim), &r, &sim.demo_guid()).unwrap();
    let auto = reply.interpret(true, None).unwrap();
    assert_eq!(auto.decoded.text, data::ZH_GBK_SOURCE);
    assert_eq!(
        auto.decoded.bytes,
        data::expected_bytes(data::CALL_ZH_GBK).unwrap()
    );
    let forced = reply.interpret(true, Some(encoding_rs::GBK)).unwrap();
    assert_eq!(forced.decoded.text, data::ZH_GBK_SOURCE);
    // Forcing a charset the bytes are not in is a malformed-data error, not mojibake.
    let e = reply.interpret(true, Some(encoding_rs::UTF_8)).unwrap_err();
    assert!(
        matches!(e, ReplyError::Decode(DecodeError::Undecodable { .. })),
        "{e:?}"
    );
    assert_eq!(e.exit_code(), 5);
}

#[test]
fn twenty_mib_payload_arrives_whole() {
    let sim = sim();
    let (reply, bytes, _) = fetch_ok(&sim, data::CALL_20MIB, true);
    let expected = data::expected_bytes(data::CALL_20MIB).unwrap();
    assert_eq!(bytes.len(), data::SIZE_20MIB);
    assert!(bytes == expected, "20 MiB payload differs");
    assert!(
        reply.body.len() > data::SIZE_20MIB,
        "Base64 is larger than the data"
    );
}

#[test]
fn body_cap_refuses_oversized_replies() {
    let sim = sim();
    let c = GatewayClient::new(ClientConfig {
        host: sim.host(),
        port: sim.port(),
        tls: trusting(&sim),
        max_body: 1024 * 1024,
        ..ClientConfig::default()
    })
    .unwrap();
    let e = send(
        &c,
        &req(DEMO_AGENT, data::CALL_20MIB, true),
        &sim.demo_guid(),
    )
    .unwrap_err();
    assert!(
        matches!(e, TransportError::TooLarge { limit_mib: 1 }),
        "{e:?}"
    );
    assert_eq!(e.exit_code(), 4);
}

#[test]
fn odd_call_id_is_percent_encoded_on_the_wire() {
    let sim = sim();
    let (reply, bytes, _) = fetch_ok(&sim, data::CALL_ODD_ID, false);
    assert_eq!(bytes, data::expected_bytes(data::CALL_ODD_ID).unwrap());
    assert!(
        reply.url.ends_with("&callId=17000000%2304%26x%3D1"),
        "{}",
        reply.url
    );
    let logged = sim.requests();
    assert!(
        logged.iter().any(|r| r
            .path
            .ends_with("isEncodeResult=false&callId=17000000%2304%26x%3D1")),
        "{logged:?}"
    );
}

#[test]
fn retcodes_are_reported_with_meaning() {
    let sim = sim();
    let c = client(&sim);
    let wrong = Guid::new("not-the-guid.AgentGateway0").unwrap();
    let cases = [
        (req(DEMO_AGENT, data::CALL_JSON, false), wrong, "000-003"),
        (req(OFFLINE_AGENT, "", false), sim.demo_guid(), "100-006"),
        (
            req(DEMO_AGENT, data::CALL_UNKNOWN, false),
            sim.demo_guid(),
            "100-007",
        ),
    ];
    for (r, guid, want) in cases {
        let reply = send(&c, &r, &guid).unwrap();
        assert_eq!(reply.status, 200);
        let e = reply.interpret(false, None).unwrap_err();
        let ReplyError::Retcode { code, .. } = &e else {
            panic!("{want}: {e:?}")
        };
        assert_eq!(code, want);
        assert_eq!(e.exit_code(), 3);
        let text = e.to_string();
        assert!(text.contains(want), "{text}");
        let info = calldata_inspector::gateway::retcode::describe(want).unwrap();
        assert!(text.contains(&info.action()), "{text}");
        assert!(!text.contains(guid.expose()), "{text}");
    }
}

#[test]
fn http_502_html_is_a_transport_failure_with_a_clean_excerpt() {
    let sim = sim();
    let reply = send(
        &client(&sim),
        &req(DEMO_AGENT, data::CALL_HTML_502, false),
        &sim.demo_guid(),
    )
    .unwrap();
    assert_eq!(reply.status, 502);
    assert_eq!(reply.body, data::HTML_502_BODY.as_bytes());
    let e = reply.interpret(false, None).unwrap_err();
    assert_eq!(e.exit_code(), 4);
    let text = e.to_string();
    assert!(
        text.contains("HTTP 502") && text.contains("502 Bad Gateway"),
        "{text}"
    );
    assert!(!text.contains('<'), "tags stripped: {text}");
}

#[test]
fn truncated_json_and_bad_base64_are_malformed() {
    let sim = sim();
    let c = client(&sim);
    let reply = send(
        &c,
        &req(DEMO_AGENT, data::CALL_TRUNCATED, false),
        &sim.demo_guid(),
    )
    .unwrap();
    let e = reply.interpret(false, None).unwrap_err();
    assert_eq!(e.exit_code(), 5);
    assert!(e.to_string().contains("not complete JSON"), "{e}");

    let reply = send(
        &c,
        &req(DEMO_AGENT, data::CALL_BAD_BASE64, true),
        &sim.demo_guid(),
    )
    .unwrap();
    let e = reply.interpret(true, None).unwrap_err();
    let ReplyError::Decode(DecodeError::Base64(b)) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(b.offset, data::BAD_BASE64_OFFSET);
    assert_eq!(e.exit_code(), 5);
    assert!(
        e.to_string()
            .contains(&format!("offset {}", data::BAD_BASE64_OFFSET)),
        "{e}"
    );
    // The same call without Base64 is fine: the fault only exists in the encoded form.
    let reply = send(
        &c,
        &req(DEMO_AGENT, data::CALL_BAD_BASE64, false),
        &sim.demo_guid(),
    )
    .unwrap();
    assert!(reply.interpret(false, None).is_ok());
}

#[test]
fn wrong_content_type_still_yields_the_data() {
    let sim = sim();
    let (reply, bytes, _) = fetch_ok(&sim, data::CALL_WRONG_CONTENT_TYPE, false);
    assert!(
        reply
            .content_type
            .as_deref()
            .unwrap_or("")
            .starts_with("text/html"),
        "{:?}",
        reply.content_type
    );
    assert_eq!(
        bytes,
        data::expected_bytes(data::CALL_WRONG_CONTENT_TYPE).unwrap()
    );
}

#[test]
fn slow_reply_times_out() {
    let sim = sim();
    let c = client_with(
        &sim.host(),
        sim.port(),
        trusting(&sim),
        Duration::from_secs(1),
    );
    let e = send(
        &c,
        &req(DEMO_AGENT, data::CALL_SLOW, false),
        &sim.demo_guid(),
    )
    .unwrap_err();
    assert!(matches!(e, TransportError::Timeout { secs: 1 }), "{e:?}");
    assert_eq!(e.exit_code(), 4);
    assert!(e.to_string().contains("timeout"), "{e}");
}

#[test]
fn untrusted_certificate_says_to_pass_the_ca_file() {
    let sim = sim();
    let c = client_with(
        &sim.host(),
        sim.port(),
        TlsOptions::default(),
        Duration::from_secs(10),
    );
    let e = send(&c, &req(DEMO_AGENT, "", false), &sim.demo_guid()).unwrap_err();
    assert_eq!(e, TransportError::CertUntrusted, "{e}");
    assert!(
        e.to_string()
            .starts_with("certificate not trusted: pass --ca-file")
    );
    assert!(sim.requests().is_empty(), "the GUID never left the client");
}

#[test]
fn ca_file_on_disk_is_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        cert_dir: Some(dir.path().to_path_buf()),
        ..SimConfig::default()
    });
    let ca = sim.ca_path().expect("CA written to cert_dir");
    let c = client_with(
        &sim.host(),
        sim.port(),
        TlsOptions {
            ca_file: Some(ca),
            ..TlsOptions::default()
        },
        Duration::from_secs(10),
    );
    let reply = send(
        &c,
        &req(DEMO_AGENT, data::CALL_ASCII, false),
        &sim.demo_guid(),
    )
    .unwrap();
    assert!(reply.interpret(false, None).is_ok());
}

#[test]
fn insecure_skips_verification() {
    let sim = sim();
    let c = client_with(
        &sim.host(),
        sim.port(),
        TlsOptions {
            insecure: true,
            ..TlsOptions::default()
        },
        Duration::from_secs(10),
    );
    let reply = send(
        &c,
        &req(DEMO_AGENT, data::CALL_ASCII, false),
        &sim.demo_guid(),
    )
    .unwrap();
    assert!(reply.interpret(false, None).is_ok());
}

#[test]
fn certificate_for_another_name_is_named() {
    // The simulator's leaf covers localhost, 127.0.0.1 and ::1; 127.0.0.2 is loopback too.
    let sim = start_sim(SimConfig {
        bind: "0.0.0.0".parse().unwrap(),
        ..SimConfig::default()
    });
    let c = client_with(
        "127.0.0.2",
        sim.port(),
        trusting(&sim),
        Duration::from_secs(10),
    );
    let e = send(&c, &req(DEMO_AGENT, "", false), &sim.demo_guid()).unwrap_err();
    assert!(matches!(e, TransportError::CertWrongHost { .. }), "{e:?}");
    assert_eq!(e.exit_code(), 4);
}

#[test]
fn closed_port_is_refused() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = client_with(
        "127.0.0.1",
        port,
        TlsOptions::default(),
        Duration::from_secs(5),
    );
    let guid = Guid::new("whatever.AgentGateway0").unwrap();
    let e = send(&c, &req(DEMO_AGENT, "", false), &guid).unwrap_err();
    assert!(
        matches!(e, TransportError::Refused { port: p, .. } if p == port),
        "{e:?}"
    );
    assert!(e.to_string().contains("connection refused"), "{e}");
}

#[test]
fn plain_http_port_is_recognised() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        if let Ok((mut s, _)) = l.accept() {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let _ = s.write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let c = client_with(
        "127.0.0.1",
        port,
        TlsOptions::default(),
        Duration::from_secs(5),
    );
    let guid = Guid::new("whatever.AgentGateway0").unwrap();
    let e = send(&c, &req(DEMO_AGENT, "", false), &guid).unwrap_err();
    assert!(matches!(e, TransportError::NotTls { .. }), "{e:?}");
    server.join().unwrap();
}

#[test]
fn unresolvable_host_is_a_dns_error() {
    let c = client_with(
        "no-such-host.invalid",
        8043,
        TlsOptions::default(),
        Duration::from_secs(5),
    );
    let guid = Guid::new("whatever.AgentGateway0").unwrap();
    let e = send(&c, &req(DEMO_AGENT, "", false), &guid).unwrap_err();
    assert!(matches!(e, TransportError::Dns { .. }), "{e:?}");
}

#[test]
fn rotated_guid_is_reported_and_redacted() {
    let sim = start_sim(SimConfig {
        guid_rotation: Some(Duration::from_millis(300)),
        ..SimConfig::default()
    });
    let old = sim.demo_guid();
    std::thread::sleep(Duration::from_millis(600));
    let reply = send(
        &client(&sim),
        &req(DEMO_AGENT, data::CALL_ASCII, false),
        &old,
    )
    .unwrap();
    assert!(reply.interpret(false, None).is_ok());
    let new = reply.set_guid.clone().expect("Set-GUID reported");
    assert_ne!(new.expose(), old.expose());
    // The handed-out GUID works (comparing with sim.demo_guid() could race another rotation).
    let again = send(
        &client(&sim),
        &req(DEMO_AGENT, data::CALL_ASCII, false),
        &new,
    )
    .unwrap();
    assert!(again.interpret(false, None).is_ok());
    let debug = format!("{reply:?}");
    assert!(
        !debug.contains(new.expose()) && !debug.contains(old.expose()),
        "{debug}"
    );
    assert!(!reply.url.contains(old.expose()));
}

#[test]
fn throttled_queries_get_retcode_000_007() {
    // The default simulator applies the gateway's 5-per-2-seconds per-agent limit.
    let sim = SimulatorThread::start(SimConfig::default()).unwrap();
    let c = client(&sim);
    let r = req(DEMO_AGENT, data::CALL_ASCII, false);
    let outcomes: Vec<_> = (0..8)
        .map(|_| {
            send(&c, &r, &sim.demo_guid())
                .unwrap()
                .interpret(false, None)
        })
        .collect();
    assert!(outcomes[0].is_ok());
    let throttled = outcomes
        .iter()
        .filter_map(|o| o.as_ref().err())
        .find(|e| matches!(e, ReplyError::Retcode { code, .. } if code == "000-007"))
        .expect("some query throttled");
    assert_eq!(throttled.exit_code(), 3);
    assert!(
        throttled.to_string().contains("5 per 2 seconds"),
        "{throttled}"
    );
}

#[test]
fn send_signs_in_and_out_through_any_path() {
    let sim = sim();
    let c = client(&sim);
    let agent = OFFLINE_AGENT;
    let body =
        serde_json::to_vec(&serde_json::json!({ "password": data::OFFLINE_PASSWORD })).unwrap();
    let signin = block_on(c.send(
        reqwest::Method::PUT,
        &format!("/agentgateway/resource/onlineagent/{agent}"),
        None,
        Some(body),
    ))
    .unwrap();
    assert_eq!(signin.status, 200);
    let guid = signin.set_guid.clone().expect("sign-in hands out a GUID");
    assert!(!format!("{signin:?}").contains(guid.expose()));
    let logged = sim.requests();
    let put = logged.last().unwrap();
    assert_eq!(put.method, "PUT");
    assert!(!put.had_guid, "sign-in sends no Guid header");

    // The new GUID authenticates queries for that agent ...
    let r = req(agent, "", false);
    let reply = send(&c, &r, &guid).unwrap();
    if let Err(ReplyError::Retcode { code, .. }) = reply.interpret(false, None) {
        assert!(!["000-003", "100-006"].contains(&code.as_str()), "{code}");
    }
    // ... until sign-out, after which the gateway says "not signed in".
    let out = block_on(c.send(
        reqwest::Method::DELETE,
        &format!("agentgateway/resource/onlineagent/{agent}/logout"),
        Some(&guid),
        None,
    ))
    .unwrap();
    assert!(
        out.url.ends_with(&format!("/onlineagent/{agent}/logout")),
        "{}",
        out.url
    );
    assert!(out.envelope().unwrap().retcode == "0");
    let e = send(&c, &r, &guid)
        .unwrap()
        .interpret(false, None)
        .unwrap_err();
    assert!(
        matches!(&e, ReplyError::Retcode { code, .. } if code == "100-006"),
        "{e}"
    );
}
