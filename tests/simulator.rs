//! The embedded CC-Gateway simulator over real HTTPS: certificates, appdata semantics, fault
//! modes, sign-in, event polling, GUID rotation, call listings and the rate limit.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use calldata_inspector::simulator::data::*;
use calldata_inspector::simulator::{RateLimit, SimConfig, Simulator, SimulatorThread};
use serde_json::Value;

const BASE: &str = "/agentgateway/resource";

fn client(ca_pem: &[u8]) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(ca_pem).expect("CA parses");
    reqwest::Client::builder()
        .tls_certs_only([ca])
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client builds")
}

/// A config with no rate limit, so tests that send many requests are not throttled.
fn unlimited() -> SimConfig {
    SimConfig {
        rate_limit: None,
        slow_delay: Duration::from_millis(300),
        ..SimConfig::default()
    }
}

struct Reply {
    status: u16,
    content_type: Option<String>,
    set_guid: Option<String>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("body is JSON")
    }
    fn retcode(&self) -> String {
        self.json()["retcode"]
            .as_str()
            .expect("retcode is a string")
            .to_owned()
    }
}

async fn send(
    c: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    guid_header: Option<(&str, &str)>,
    body: Option<Value>,
) -> Reply {
    let mut rb = c
        .request(method, url)
        .header("Content-Type", "application/json; charset=UTF-8");
    if let Some((name, value)) = guid_header {
        rb = rb.header(name, value);
    }
    if let Some(b) = body {
        rb = rb.body(b.to_string());
    }
    let r = rb.send().await.expect("HTTP reply");
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let set_guid = r
        .headers()
        .get("set-guid")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = r.bytes().await.expect("body").to_vec();
    Reply {
        status,
        content_type,
        set_guid,
        body,
    }
}

fn appdata_url(sim: &Simulator, agent: &str, query: &str) -> String {
    format!("{}{BASE}/calldata/{agent}/appdata{query}", sim.url())
}

fn q(call_id: &str, encoded: &str) -> String {
    let enc: String =
        percent_encoding::utf8_percent_encode(call_id, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    format!("?isEncodeResult={encoded}&callId={enc}")
}

async fn get_appdata(sim: &Simulator, c: &reqwest::Client, call_id: &str, encoded: &str) -> Reply {
    let guid = sim.demo_guid();
    send(
        c,
        reqwest::Method::GET,
        appdata_url(sim, &DEMO_AGENT.to_string(), &q(call_id, encoded)),
        Some(("Guid", guid.expose())),
        None,
    )
    .await
}

#[tokio::test]
async fn appdata_base64_only_for_exactly_true() {
    let sim = Simulator::start(unlimited()).await.unwrap();
    let c = client(&sim.ca_pem());
    let truth = expected_bytes(CALL_JSON).unwrap();

    let r = get_appdata(&sim, &c, CALL_JSON, "true").await;
    assert_eq!(r.status, 200);
    let j = r.json();
    assert_eq!(j["retcode"], "0");
    let decoded = STANDARD.decode(j["result"].as_str().unwrap()).unwrap();
    assert_eq!(decoded, truth);

    for not_true in ["false", "True", "TRUE", "1", "yes", ""] {
        let r = get_appdata(&sim, &c, CALL_JSON, not_true).await;
        assert_eq!(
            r.json()["result"].as_str().unwrap().as_bytes(),
            truth.as_slice(),
            "isEncodeResult={not_true:?} must mean plain text"
        );
    }
    // The parameter left out entirely: plain text too.
    let guid = sim.demo_guid();
    let r = send(
        &c,
        reqwest::Method::GET,
        appdata_url(&sim, "1001", &format!("?callid={CALL_ASCII}")),
        Some(("Guid", guid.expose())),
        None,
    )
    .await;
    assert_eq!(
        r.json()["result"].as_str().unwrap().as_bytes(),
        expected_bytes(CALL_ASCII).unwrap().as_slice(),
        "the `callid` spelling is accepted"
    );
    assert!(r.content_type.unwrap().starts_with("application/json"));
}

#[tokio::test]
async fn empty_call_id_is_the_current_call_and_envelope_shape() {
    let sim = Simulator::start(unlimited()).await.unwrap();
    let c = client(&sim.ca_pem());
    let guid = sim.demo_guid();
    let r = send(
        &c,
        reqwest::Method::GET,
        appdata_url(&sim, "1001", "?isEncodeResult=false"),
        Some(("Guid", guid.expose())),
        None,
    )
    .await;
    let j = r.json();
    let keys: Vec<&String> = j.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["message", "retcode", "result"]);
    assert_eq!(
        j["result"].as_str().unwrap().as_bytes(),
        expected_bytes("").unwrap().as_slice()
    );
    let current: Value = serde_json::from_str(j["result"].as_str().unwrap()).unwrap();
    assert!(
        current["customerName"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| c > '\u{2e80}')
    );
    assert!(r.set_guid.is_none(), "static GUIDs never change");

    let r = get_appdata(&sim, &c, CALL_EMPTY, "true").await;
    assert_eq!(r.json()["result"], "");
}

/// URL, optional Guid header (name, value), expected retcode.
type FailureCase<'a> = (String, Option<(&'a str, &'a str)>, &'a str);

#[tokio::test]
async fn failures_have_retcodes_and_no_result() {
    let sim = Simulator::start(unlimited()).await.unwrap();
    let c = client(&sim.ca_pem());
    let guid = sim.demo_guid();
    let g = guid.expose();
    let cases: Vec<FailureCase> = vec![
        // Agent not signed in: 100-006, checked before the GUID (even a missing one).
        (
            appdata_url(&sim, &OFFLINE_AGENT.to_string(), &q(CALL_JSON, "true")),
            Some(("Guid", g)),
            "100-006",
        ),
        (
            appdata_url(&sim, &OFFLINE_AGENT.to_string(), &q(CALL_JSON, "true")),
            None,
            "100-006",
        ),
        // Missing or wrong GUID: 000-003.
        (
            appdata_url(&sim, "1001", &q(CALL_JSON, "true")),
            None,
            "000-003",
        ),
        (
            appdata_url(&sim, "1001", &q(CALL_JSON, "true")),
            Some(("Guid", "0f0f0f0f-1111-2222-3333-444444444444.AgentGateway0")),
            "000-003",
        ),
        // Unknown call: 100-007.
        (
            appdata_url(&sim, "1001", &q(CALL_UNKNOWN, "true")),
            Some(("Guid", g)),
            "100-007",
        ),
        // Agent IDs outside 101..=999999 or not numeric: 000-002.
        (appdata_url(&sim, "100", ""), Some(("Guid", g)), "000-002"),
        (
            appdata_url(&sim, "1000000", ""),
            Some(("Guid", g)),
            "000-002",
        ),
        (appdata_url(&sim, "10a1", ""), Some(("Guid", g)), "000-002"),
        (appdata_url(&sim, "01001", ""), Some(("Guid", g)), "000-002"),
    ];
    for (url, header, want) in cases {
        let r = send(&c, reqwest::Method::GET, url.clone(), header, None).await;
        assert_eq!(r.status, 200, "{url}");
        let j = r.json();
        assert_eq!(j["retcode"], want, "{url}");
        assert!(j["retcode"].is_string());
        assert!(j.get("result").is_none(), "no result on failure: {url}");
        assert!(!j["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn guid_header_name_is_case_insensitive() {
    let sim = Simulator::start(unlimited()).await.unwrap();
    let c = client(&sim.ca_pem());
    let guid = sim.demo_guid();
    for name in ["Guid", "guid", "GUID"] {
        let r = send(
            &c,
            reqwest::Method::GET,
            appdata_url(&sim, "1001", &q(CALL_ASCII, "false")),
            Some((name, guid.expose())),
            None,
        )
        .await;
        assert_eq!(r.retcode(), "0", "header {name}");
    }
}

#[tokio::test]
async fn data_set_round_trips() {
    let sim = Simulator::start(unlimited()).await.unwrap();
    let c = client(&sim.ca_pem());
    for id in [
        CALL_ASCII,
        CALL_JSON,
        CALL_KV,
        CALL_KV_PIPE,
        CALL_ZH_UTF8,
        CALL_ZH_GBK,
        CALL_16K,
        CALL_ODD_ID,
        CALL_SLOW,
        CALL_WRONG_CONTENT_TYPE,
    ] {
        let r = get_appdata(&sim, &c, id, "true").await;
        let decoded = STANDARD
            .decode(r.json()["result"].as_str().unwrap())
            .unwrap();
        assert_eq!(decoded, expected_bytes(id).unwrap(), "call {id}");
    }
    assert_eq!(expected_bytes(CALL_16K).unwrap().len(), 16 * 1024);
    assert_eq!(
        expected_bytes(CALL_KV).unwrap(),
        b"customerId=C20241125&level=VIP&lang=zh-CN&intent=%E9%80%80%E6%AC%BE"
    );
    // GBK without Base64: what a Java gateway sends, the bytes read as UTF-8 lossily.
    let r = get_appdata(&sim, &c, CALL_ZH_GBK, "false").await;
    let text = r.json()["result"].as_str().unwrap().to_owned();
    assert_eq!(text, expected_plain_text(CALL_ZH_GBK).unwrap());
    assert!(text.contains('\u{FFFD}'));
    let gbk = expected_bytes(CALL_ZH_GBK).unwrap();
    assert_eq!(encoding_rs::GBK.decode(&gbk).0, ZH_GBK_SOURCE);
}

#[tokio::test]
async fn twenty_mib_payload_both_ways() {
    let sim = Simulator::start(unlimited()).await.unwrap();
    let c = client(&sim.ca_pem());
    let truth = expected_bytes(CALL_20MIB).unwrap();
    assert_eq!(truth.len(), 20 * 1024 * 1024);
    let r = get_appdata(&sim, &c, CALL_20MIB, "true").await;
    let decoded = STANDARD
        .decode(r.json()["result"].as_str().unwrap())
        .unwrap();
    assert!(decoded == truth, "Base64 20 MiB differs");
    let r = get_appdata(&sim, &c, CALL_20MIB, "false").await;
    assert!(r.json()["result"].as_str().unwrap().as_bytes() == truth.as_slice());
}

#[tokio::test]
async fn fault_modes() {
    let sim = Simulator::start(unlimited()).await.unwrap();
    let c = client(&sim.ca_pem());

    let r = get_appdata(&sim, &c, CALL_HTML_502, "true").await;
    assert_eq!(r.status, 502);
    assert!(r.content_type.unwrap().starts_with("text/html"));
    assert!(
        String::from_utf8(r.body)
            .unwrap()
            .contains("<center>nginx</center>")
    );

    let r = get_appdata(&sim, &c, CALL_TRUNCATED, "true").await;
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_slice::<Value>(&r.body).is_err(),
        "must be cut short"
    );
    assert!(String::from_utf8_lossy(&r.body).contains("\"result\":\""));

    let r = get_appdata(&sim, &c, CALL_BAD_BASE64, "true").await;
    let result = r.json()["result"].as_str().unwrap().to_owned();
    assert_eq!(result.as_bytes()[BAD_BASE64_OFFSET], BAD_BASE64_CHAR as u8);
    assert!(STANDARD.decode(&result).is_err());
    assert_eq!(
        result[BAD_BASE64_OFFSET + 1..],
        STANDARD.encode(expected_bytes(CALL_BAD_BASE64).unwrap())[BAD_BASE64_OFFSET + 1..]
    );
    let r = get_appdata(&sim, &c, CALL_BAD_BASE64, "false").await;
    assert_eq!(
        r.json()["result"].as_str().unwrap().as_bytes(),
        expected_bytes(CALL_BAD_BASE64).unwrap().as_slice()
    );

    let r = get_appdata(&sim, &c, CALL_WRONG_CONTENT_TYPE, "false").await;
    assert!(r.content_type.as_deref().unwrap().starts_with("text/html"));
    assert_eq!(r.retcode(), "0");
}

#[tokio::test]
async fn slow_call_waits_for_slow_delay() {
    let sim = Simulator::start(SimConfig {
        slow_delay: Duration::from_secs(30),
        ..unlimited()
    })
    .await
    .unwrap();
    let ca = reqwest::Certificate::from_pem(&sim.ca_pem()).unwrap();
    let c = reqwest::Client::builder()
        .tls_certs_only([ca])
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let guid = sim.demo_guid();
    let err = c
        .get(appdata_url(&sim, "1001", &q(CALL_SLOW, "false")))
        .header("Guid", guid.expose())
        .send()
        .await
        .expect_err("the slow call outlasts a short client timeout");
    assert!(err.is_timeout());
    // The fast calls are not held up by it.
    let r = c
        .get(appdata_url(&sim, "1001", &q(CALL_ASCII, "false")))
        .header("Guid", guid.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn request_log_has_no_guid() {
    let sim = Simulator::start(unlimited()).await.unwrap();
    let c = client(&sim.ca_pem());
    let guid = sim.demo_guid();
    get_appdata(&sim, &c, CALL_ODD_ID, "true").await;
    get_appdata(&sim, &c, CALL_UNKNOWN, "true").await;
    let log = sim.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].agent, Some(DEMO_AGENT));
    assert!(log[0].had_guid);
    assert_eq!(log[0].status, Some(200));
    assert_eq!(log[0].retcode.as_deref(), Some("0"));
    assert!(
        log[0].path.contains("callId=17000000%2304%26x%3D1"),
        "{}",
        log[0].path
    );
    assert_eq!(log[1].retcode.as_deref(), Some("100-007"));
    assert!(!format!("{log:?}").contains(guid.expose()));
}

#[test]
fn simulator_thread_serves_and_stops_on_drop() {
    let sim = SimulatorThread::start(unlimited()).unwrap();
    let url = sim.url();
    assert!(url.starts_with("https://127.0.0.1:"));
    assert_eq!(sim.host(), "127.0.0.1");
    assert_ne!(sim.port(), 0);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let c = client(&sim.ca_pem());
    let guid = sim.demo_guid();
    let get = || async {
        c.get(format!(
            "{url}{BASE}/calldata/1001/appdata?isEncodeResult=false&callId={CALL_ASCII}"
        ))
        .header("Guid", guid.expose())
        .send()
        .await
    };
    let r = rt.block_on(get()).unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(sim.requests().len(), 1);
    drop(sim);
    assert!(rt.block_on(get()).is_err(), "stopped on drop");
}

#[test]
fn cert_dir_is_written_once_and_reused() {
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().join("certs");
    let cfg = SimConfig {
        cert_dir: Some(certs.clone()),
        ..unlimited()
    };
    let first = SimulatorThread::start(cfg.clone()).unwrap();
    assert_eq!(first.ca_path(), Some(certs.join("ca.pem")));
    let ca = std::fs::read(certs.join("ca.pem")).unwrap();
    assert_eq!(ca, first.ca_pem());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(certs.join("key.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    first.shutdown();
    let second = SimulatorThread::start(cfg).unwrap();
    assert_eq!(second.ca_pem(), ca, "the existing CA is reused");
    // And the reused certificate still verifies against it.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let c = client(&ca);
    let guid = second.demo_guid();
    let r = rt
        .block_on(async {
            c.get(format!("{}{BASE}/calldata/1001/appdata", second.url()))
                .header("Guid", guid.expose())
                .send()
                .await
        })
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_client_without_the_ca_is_refused() {
    let sim = Simulator::start(unlimited()).await.unwrap();
    let other = SimulatorThread::start(unlimited()).unwrap();
    let wrong = client(&other.ca_pem());
    let err = wrong
        .get(appdata_url(&sim, "1001", ""))
        .send()
        .await
        .expect_err("a certificate from another CA is not trusted");
    assert!(err.is_connect(), "{err:?}");
    // The leaf also verifies by name: `localhost` is in it.
    let c = client(&sim.ca_pem());
    let r = c
        .get(format!(
            "https://localhost:{}{BASE}/calldata/1001/appdata",
            sim.port()
        ))
        .header("Guid", sim.demo_guid().expose())
        .send()
        .await;
    // localhost may resolve to ::1 first, where nothing listens; only a TLS error would be wrong.
    if let Err(e) = r {
        assert!(!format!("{e:?}").contains("certificate"), "{e:?}");
    }
    drop(other);
}

#[tokio::test]
async fn port_in_use_is_reported() {
    let sim = Simulator::start(unlimited()).await.unwrap();
    let err = Simulator::start(SimConfig {
        port: sim.port(),
        ..unlimited()
    })
    .await
    .err()
    .expect("second bind fails");
    assert!(err.to_string().contains("cannot listen on"), "{err}");
}

#[tokio::test]
async fn rate_limit_five_per_window_per_agent() {
    // The default is the gateway's 5 per 2 s; a longer window keeps the test independent of
    // how fast a loaded machine sends eight requests.
    assert_eq!(
        SimConfig::default().rate_limit,
        Some(RateLimit {
            max: 5,
            window: Duration::from_secs(2),
        })
    );
    let sim = Simulator::start(SimConfig {
        rate_limit: Some(RateLimit {
            max: 5,
            window: Duration::from_secs(30),
        }),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let c = client(&sim.ca_pem());
    let mut codes = Vec::new();
    for _ in 0..8 {
        codes.push(get_appdata(&sim, &c, CALL_ASCII, "false").await.json());
    }
    let ok = codes.iter().filter(|j| j["retcode"] == "0").count();
    assert_eq!(ok, 5, "{codes:?}");
    let throttled = codes.iter().find(|j| j["retcode"] != "0").unwrap();
    assert_eq!(throttled["retcode"], "000-007");
    assert!(throttled.get("result").is_none());
    // Another agent has its own budget: the supervisor (not signed in) is not throttled.
    let guid = sim.demo_guid();
    let r = send(
        &c,
        reqwest::Method::GET,
        appdata_url(&sim, &SUPERVISOR_AGENT.to_string(), ""),
        Some(("Guid", guid.expose())),
        None,
    )
    .await;
    assert_eq!(r.retcode(), "100-006");
}

fn online_url(sim: &Simulator, agent: u32, tail: &str) -> String {
    format!("{}{BASE}/onlineagent/{agent}{tail}", sim.url())
}

fn event_url(sim: &Simulator, agent: u32) -> String {
    format!("{}{BASE}/agentevent/{agent}", sim.url())
}

fn strip(set_guid: &str) -> String {
    set_guid
        .strip_prefix("JSESSIONID=")
        .expect("Set-GUID starts with JSESSIONID=")
        .to_owned()
}

async fn sign_in(
    sim: &Simulator,
    c: &reqwest::Client,
    agent: u32,
    password: &str,
    force: bool,
) -> Reply {
    let tail = if force { "/forcelogin" } else { "" };
    send(
        c,
        reqwest::Method::PUT,
        online_url(sim, agent, tail),
        None,
        Some(serde_json::json!({"password": password, "phonenum": "70001", "status": "4"})),
    )
    .await
}

/// Short timers so session tests finish in seconds.
fn quick() -> SimConfig {
    SimConfig {
        poll_hold: Duration::from_millis(300),
        ..unlimited()
    }
}

#[tokio::test]
async fn sign_in_force_login_and_logout() {
    let sim = Simulator::start(quick()).await.unwrap();
    let c = client(&sim.ca_pem());

    let r = sign_in(&sim, &c, SUPERVISOR_AGENT, "wrong", false).await;
    assert_eq!(r.retcode(), "100-004");
    assert!(r.set_guid.is_none());
    let r = send(
        &c,
        reqwest::Method::PUT,
        online_url(&sim, SUPERVISOR_AGENT, ""),
        None,
        None,
    )
    .await;
    assert_eq!(r.retcode(), "100-001", "no body");

    let r = sign_in(&sim, &c, SUPERVISOR_AGENT, SUPERVISOR_PASSWORD, false).await;
    assert_eq!(r.retcode(), "0");
    let j = r.json();
    assert_eq!(j["result"]["workno"], SUPERVISOR_AGENT.to_string());
    assert_eq!(j["result"]["serverName"], "AgentGateway");
    let set = r.set_guid.clone().expect("Set-GUID on sign-in");
    let guid = strip(&set);
    assert!(guid.ends_with(".AgentGateway0"), "{guid}");
    assert!(sim.is_signed_in(SUPERVISOR_AGENT));

    // The new session works for queries (any data-set call ID).
    let r = send(
        &c,
        reqwest::Method::GET,
        appdata_url(&sim, "1002", &q(CALL_KV, "false")),
        Some(("Guid", &guid)),
        None,
    )
    .await;
    assert_eq!(
        r.json()["result"].as_str().unwrap().as_bytes(),
        expected_bytes(CALL_KV).unwrap().as_slice()
    );

    // Signing in again: 100-002; forced sign-in replaces the session and its GUID.
    let r = sign_in(&sim, &c, SUPERVISOR_AGENT, SUPERVISOR_PASSWORD, false).await;
    assert_eq!(r.retcode(), "100-002");
    let r = sign_in(&sim, &c, SUPERVISOR_AGENT, SUPERVISOR_PASSWORD, true).await;
    assert_eq!(r.retcode(), "0");
    let new_guid = strip(&r.set_guid.unwrap());
    assert_ne!(new_guid, guid);
    let r = send(
        &c,
        reqwest::Method::GET,
        appdata_url(&sim, "1002", ""),
        Some(("Guid", &guid)),
        None,
    )
    .await;
    assert_eq!(r.retcode(), "000-003", "the old session's GUID is dead");

    // The pre-signed-in demo agent: 100-002, then forcelogin takes over.
    let r = sign_in(&sim, &c, DEMO_AGENT, DEMO_PASSWORD, false).await;
    assert_eq!(r.retcode(), "100-002");

    // Logout: wrong GUID refused, right GUID signs out, then 100-006 on queries.
    let r = send(
        &c,
        reqwest::Method::DELETE,
        online_url(&sim, SUPERVISOR_AGENT, "/logout"),
        Some(("Guid", &guid)),
        None,
    )
    .await;
    assert_eq!(r.retcode(), "000-003");
    let r = send(
        &c,
        reqwest::Method::DELETE,
        online_url(&sim, SUPERVISOR_AGENT, "/logout"),
        Some(("Guid", &new_guid)),
        None,
    )
    .await;
    assert_eq!(r.retcode(), "0");
    assert!(!sim.is_signed_in(SUPERVISOR_AGENT));
    let r = send(
        &c,
        reqwest::Method::GET,
        appdata_url(&sim, "1002", ""),
        Some(("Guid", &new_guid)),
        None,
    )
    .await;
    assert_eq!(r.retcode(), "100-006");
    let r = send(
        &c,
        reqwest::Method::DELETE,
        online_url(&sim, SUPERVISOR_AGENT, "/logout"),
        Some(("Guid", &new_guid)),
        None,
    )
    .await;
    assert_eq!(r.retcode(), "100-008");
    assert!(!format!("{:?}", sim.requests()).contains(SUPERVISOR_PASSWORD));
}

#[tokio::test]
async fn event_poll_holds_then_answers_and_delivers_events() {
    let sim = Simulator::start(quick()).await.unwrap();
    let c = client(&sim.ca_pem());
    let r = sign_in(&sim, &c, SUPERVISOR_AGENT, SUPERVISOR_PASSWORD, false).await;
    let guid = strip(&r.set_guid.unwrap());

    // The sign-in event comes at once.
    let r = send(
        &c,
        reqwest::Method::GET,
        event_url(&sim, SUPERVISOR_AGENT),
        Some(("Guid", &guid)),
        None,
    )
    .await;
    assert_eq!(r.json()["event"]["eventType"], "AgentOther_InService");
    // Then nothing: {"message":"","retcode":"0"} without an event key, after the hold.
    let r = send(
        &c,
        reqwest::Method::GET,
        event_url(&sim, SUPERVISOR_AGENT),
        Some(("Guid", &guid)),
        None,
    )
    .await;
    assert_eq!(r.json(), serde_json::json!({"message": "", "retcode": "0"}));
    // An event pushed during a hold ends it.
    let poll = send(
        &c,
        reqwest::Method::GET,
        event_url(&sim, SUPERVISOR_AGENT),
        Some(("Guid", &guid)),
        None,
    );
    let push = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(sim.push_event(SUPERVISOR_AGENT, "AgentEvent_Ringing"));
    };
    let (r, ()) = tokio::join!(poll, push);
    assert_eq!(r.json()["event"]["eventType"], "AgentEvent_Ringing");
    assert_eq!(r.json()["event"]["workNo"], "1002");
    // Polls need the GUID and a signed-in agent.
    let r = send(
        &c,
        reqwest::Method::GET,
        event_url(&sim, SUPERVISOR_AGENT),
        None,
        None,
    )
    .await;
    assert_eq!(r.retcode(), "000-003");
    let r = send(
        &c,
        reqwest::Method::GET,
        event_url(&sim, OFFLINE_AGENT),
        Some(("Guid", &guid)),
        None,
    )
    .await;
    assert_eq!(r.retcode(), "100-006");
}

#[tokio::test]
async fn dynamic_guid_rotates_through_set_guid_and_old_one_times_out() {
    // Generous margins: the team's CI shares two cores, and only the order of events matters.
    let started = std::time::Instant::now();
    let sim = Simulator::start(SimConfig {
        guid_rotation: Some(Duration::from_millis(1000)),
        guid_timeout: Duration::from_millis(4000),
        poll_hold: Duration::from_secs(5),
        ..unlimited()
    })
    .await
    .unwrap();
    let c = client(&sim.ca_pem());
    let first = sim.demo_guid();
    // The first poll answers at once with the queued event; a held poll ends as soon as the
    // GUID rotates, carrying the new one (well before the 5 s hold).
    let _ = sim.push_event(DEMO_AGENT, "AgentOther_InService");
    let mut second = None;
    for _ in 0..2 {
        let r = send(
            &c,
            reqwest::Method::GET,
            event_url(&sim, DEMO_AGENT),
            Some(("Guid", first.expose())),
            None,
        )
        .await;
        assert_eq!(r.retcode(), "0");
        if let Some(s) = r.set_guid {
            second = Some(strip(&s));
            break;
        }
    }
    let second = second.expect("Set-GUID after rotation");
    assert_ne!(second, first.expose());
    // The old GUID still works until its timeout, and a query with it is told the new one.
    let r = send(
        &c,
        reqwest::Method::GET,
        appdata_url(&sim, "1001", &q(CALL_ASCII, "false")),
        Some(("Guid", first.expose())),
        None,
    )
    .await;
    assert_eq!(r.retcode(), "0");
    assert!(r.set_guid.is_some());
    tokio::time::sleep(
        (started + Duration::from_millis(4300))
            .saturating_duration_since(std::time::Instant::now()),
    )
    .await;
    let r = send(
        &c,
        reqwest::Method::GET,
        appdata_url(&sim, "1001", &q(CALL_ASCII, "false")),
        Some(("Guid", first.expose())),
        None,
    )
    .await;
    assert_eq!(r.retcode(), "000-003", "expired after guid_timeout");
    // demo_guid() always hands out a valid one.
    let now = sim.demo_guid();
    let r = send(
        &c,
        reqwest::Method::GET,
        appdata_url(&sim, "1001", &q(CALL_ASCII, "false")),
        Some(("Guid", now.expose())),
        None,
    )
    .await;
    assert_eq!(r.retcode(), "0");
}

#[tokio::test]
async fn a_polling_client_keeps_its_session_across_rotations() {
    let sim = Simulator::start(SimConfig {
        guid_rotation: Some(Duration::from_millis(500)),
        guid_timeout: Duration::from_millis(2000),
        poll_hold: Duration::from_secs(2),
        missed_poll_timeout: Duration::from_millis(1500),
        ..unlimited()
    })
    .await
    .unwrap();
    let c = client(&sim.ca_pem());
    let r = sign_in(&sim, &c, SUPERVISOR_AGENT, SUPERVISOR_PASSWORD, false).await;
    let mut guid = strip(&r.set_guid.unwrap());
    let mut rotations = 0;
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_millis(3500) {
        let r = send(
            &c,
            reqwest::Method::GET,
            event_url(&sim, SUPERVISOR_AGENT),
            Some(("Guid", &guid)),
            None,
        )
        .await;
        assert_eq!(r.retcode(), "0");
        if let Some(s) = r.set_guid {
            guid = strip(&s);
            rotations += 1;
        }
        let r = send(
            &c,
            reqwest::Method::GET,
            appdata_url(&sim, "1002", &q(CALL_JSON, "true")),
            Some(("Guid", &guid)),
            None,
        )
        .await;
        assert_eq!(r.retcode(), "0");
    }
    assert!(rotations >= 3, "{rotations} rotations");
    // Stop polling: signed out after missed_poll_timeout.
    tokio::time::sleep(Duration::from_millis(1800)).await;
    assert!(!sim.is_signed_in(SUPERVISOR_AGENT));
    // The pre-signed-in demo agent is not subject to it.
    assert!(sim.is_signed_in(DEMO_AGENT));
}

#[tokio::test]
async fn kill_session_gives_100_006_and_sign_in_recovers() {
    let sim = Simulator::start(quick()).await.unwrap();
    let c = client(&sim.ca_pem());
    let guid = sim.demo_guid();
    assert!(sim.kill_session(DEMO_AGENT));
    let r = send(
        &c,
        reqwest::Method::GET,
        appdata_url(&sim, "1001", ""),
        Some(("Guid", guid.expose())),
        None,
    )
    .await;
    assert_eq!(r.retcode(), "100-006");
    let r = sign_in(&sim, &c, DEMO_AGENT, DEMO_PASSWORD, false).await;
    assert_eq!(r.retcode(), "0");
    let fresh = strip(&r.set_guid.unwrap());
    assert_eq!(sim.guid_of(DEMO_AGENT).unwrap().expose(), fresh);
    let r = send(
        &c,
        reqwest::Method::GET,
        appdata_url(&sim, "1001", ""),
        Some(("Guid", &fresh)),
        None,
    )
    .await;
    assert_eq!(r.retcode(), "0");
    assert!(sim.set_signed_in(OFFLINE_AGENT, true).is_some());
    assert!(sim.is_signed_in(OFFLINE_AGENT));
    sim.set_signed_in(OFFLINE_AGENT, false);
    assert!(!sim.is_signed_in(OFFLINE_AGENT));
}

#[tokio::test]
async fn call_listings() {
    let sim = Simulator::start(unlimited()).await.unwrap();
    let c = client(&sim.ca_pem());
    let guid = sim.demo_guid();
    let g = Some(("Guid", guid.expose()));
    let url = |tail: &str| format!("{}{BASE}/calldata/1001/{tail}", sim.url());

    let r = send(&c, reqwest::Method::GET, url("callinfo"), g, None).await;
    let info = &r.json()["result"];
    assert_eq!(info["callid"], CALL_CURRENT);
    assert!(info["caller"].is_string() && info["called"].is_string());
    assert!(
        info["begintime"].as_u64().unwrap() > 1_700_000_000_000,
        "epoch ms"
    );
    for key in [
        "callskill",
        "callskillid",
        "mediaType",
        "callfeature",
        "endtime",
    ] {
        assert!(info.get(key).is_some(), "{key}");
    }

    let r = send(&c, reqwest::Method::GET, url("holdlist"), g, None).await;
    let held = r.json()["result"].as_array().unwrap().clone();
    assert_eq!(held.len(), 2);
    assert_eq!(held[0]["callid"], CALL_JSON);

    let r = send(&c, reqwest::Method::GET, url("allcallinfoEx/1001"), g, None).await;
    let ids: Vec<String> = r.json()["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert!(ids.contains(&CALL_ODD_ID.to_owned()));
    assert!(!ids.contains(&CALL_UNKNOWN.to_owned()));
    assert_eq!(ids.len(), DEMO_CALLS.len());

    let odd =
        percent_encoding::utf8_percent_encode(CALL_ODD_ID, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    let r = send(
        &c,
        reqwest::Method::GET,
        url(&format!("callinfobycallid/{odd}")),
        g,
        None,
    )
    .await;
    assert_eq!(r.json()["result"]["callid"], CALL_ODD_ID);
    assert_eq!(r.json()["result"]["mediaType"], 53);

    let r = send(&c, reqwest::Method::GET, url("allcallinfoEx/1003"), g, None).await;
    assert_eq!(r.retcode(), "100-007");
    assert!(r.json().get("result").is_none());
    let r = send(&c, reqwest::Method::GET, url("allcallinfoEx/99"), g, None).await;
    assert_eq!(r.retcode(), "000-002");
    let r = send(&c, reqwest::Method::GET, url("callinfo"), None, None).await;
    assert_eq!(r.retcode(), "000-003");

    // The supervisor, signed in, has no call of its own but sees the demo agent's calls.
    let sup = sim.set_signed_in(SUPERVISOR_AGENT, true).unwrap();
    let sup_url = |tail: &str| format!("{}{BASE}/calldata/1002/{tail}", sim.url());
    let sg = Some(("Guid", sup.expose()));
    let r = send(&c, reqwest::Method::GET, sup_url("callinfo"), sg, None).await;
    assert_eq!(r.retcode(), "100-007");
    let r = send(&c, reqwest::Method::GET, sup_url("holdlist"), sg, None).await;
    assert_eq!(r.json()["result"], serde_json::json!([]));
    let r = send(
        &c,
        reqwest::Method::GET,
        sup_url("allcallinfoEx/1001"),
        sg,
        None,
    )
    .await;
    assert_eq!(
        r.json()["result"].as_array().unwrap().len(),
        DEMO_CALLS.len()
    );
}

#[tokio::test]
async fn rate_limit_covers_listings_but_not_event_polls_and_recovers() {
    let sim = Simulator::start(SimConfig {
        rate_limit: Some(RateLimit {
            max: 5,
            window: Duration::from_millis(2500),
        }),
        poll_hold: Duration::from_millis(50),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let c = client(&sim.ca_pem());
    let guid = sim.demo_guid();
    let g = Some(("Guid", guid.expose()));
    let list = format!("{}{BASE}/calldata/1001/holdlist", sim.url());
    for _ in 0..5 {
        assert_eq!(
            send(&c, reqwest::Method::GET, list.clone(), g, None)
                .await
                .retcode(),
            "0"
        );
    }
    assert_eq!(
        send(&c, reqwest::Method::GET, list.clone(), g, None)
            .await
            .retcode(),
        "000-007"
    );
    for _ in 0..3 {
        assert_eq!(
            send(
                &c,
                reqwest::Method::GET,
                event_url(&sim, DEMO_AGENT),
                g,
                None
            )
            .await
            .retcode(),
            "0"
        );
    }
    tokio::time::sleep(Duration::from_millis(2600)).await;
    assert_eq!(
        send(&c, reqwest::Method::GET, list, g, None)
            .await
            .retcode(),
        "0"
    );
    let log = sim.requests();
    assert_eq!(
        log.iter()
            .filter(|e| e.retcode.as_deref() == Some("000-007"))
            .count(),
        1
    );
}

#[test]
fn brief_names_demo_agent_calls_list_and_logged_path() {
    let sim = SimulatorThread::start(unlimited()).unwrap();
    assert_eq!(sim.demo_agent(), DEMO_AGENT);
    assert_eq!(CALLS, DEMO_CALLS);
    let mut ids: Vec<&str> = CALLS.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), CALLS.len(), "call IDs are unique");
    assert!(!ids.contains(&CALL_UNKNOWN));
    assert_eq!(expected_bytes(""), expected_bytes(CALL_JSON));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let guid = sim.demo_guid();
    let url = format!(
        "{}{BASE}/calldata/{}/appdata?isEncodeResult=true&callId={CALL_JSON}",
        sim.url(),
        sim.demo_agent()
    );
    let bytes = rt.block_on(async {
        client(&sim.ca_pem())
            .get(url)
            .header("guid", guid.expose())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
    });
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        STANDARD.decode(body["result"].as_str().unwrap()).unwrap(),
        expected_bytes(CALL_JSON).unwrap()
    );
    let log = sim.requests();
    let last = log.last().unwrap();
    assert_eq!(last.path_and_query(), last.path);
    assert!(
        last.path_and_query()
            .ends_with(&format!("callId={CALL_JSON}"))
    );
    assert_eq!(last.agent, Some(DEMO_AGENT));
    assert!(last.had_guid);
    assert!(!format!("{log:?}").contains(guid.expose()));
}
