//! The real App against the embedded simulator over real HTTPS: the demo profile, decoded
//! Chinese text, views, export, every error state, cancelling a slow query, the connection
//! test and a rotated GUID.

use std::time::Duration;

use calldata_inspector::gateway::{
    AgentId, AppDataRequest, ClientConfig, GatewayClient, TlsOptions,
};
use calldata_inspector::simulator::data::{
    BAD_BASE64_OFFSET, CALL_BAD_BASE64, CALL_HTML_502, CALL_SLOW, CALL_ZH_GBK, DEMO_AGENT,
    OFFLINE_AGENT, ZH_GBK_SOURCE, expected_bytes,
};
use calldata_inspector::simulator::{SimConfig, SimulatorThread};
use calldata_inspector::ui::{App, DemoGateway, InspectorState, View};
use calldata_inspector::worker::ExportKind;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::common::*;

/// A simulator without the per-agent rate limit (tests query faster than a person).
fn simulator(cfg: SimConfig) -> SimulatorThread {
    SimulatorThread::start(SimConfig {
        rate_limit: None,
        ..cfg
    })
    .expect("simulator")
}

/// The window with the CJK font, on the demo gateway `demo` if given.
fn window(fx: &Fixture, demo: Option<&SimulatorThread>) -> Harness<'static, App> {
    let mut cfg = fx.config();
    cfg.demo = demo.map(DemoGateway::from_simulator);
    cjk_harness(cfg)
}

/// The `--demo` window on a simulator started by the test, once the agent's calls it lists on
/// start are in (so later request counts are the test's own).
fn demo_window(fx: &Fixture, sim: &SimulatorThread) -> Harness<'static, App> {
    let mut h = window(fx, Some(sim));
    wait_until(&mut h, "the demo's own-call listing", |app| {
        !app.live_calls().calls().is_empty() || app.live_calls().error().is_some()
    });
    h
}

/// The readable message the inspector shows for the last query.
fn shown_error(h: &Harness<'static, App>) -> String {
    let message = match h.state().state() {
        InspectorState::Failed { message, .. } => message.clone(),
        InspectorState::Done(i) => i.error.clone().unwrap_or_default(),
        other => panic!("no reply yet: {other:?}"),
    };
    assert!(!message.is_empty(), "no error message");
    assert!(
        shows(h, &message),
        "the message is not on screen: {message}"
    );
    message
}

/// Clicks the call `id` in the call list (the first entry with that label), scrolled into view
/// first: the left panel is taller than the window.
fn click_call(h: &mut Harness<'static, App>, id: &str) {
    h.query_all_by_label(id)
        .next()
        .unwrap_or_else(|| panic!("call {id} not listed"))
        .scroll_to_me();
    settle(h);
    h.query_all_by_label(id).next().unwrap().click();
    settle(h);
}

fn decoded_text(h: &Harness<'static, App>) -> String {
    let i = h.state().inspection().expect("a reply").clone();
    let d = i
        .decoded
        .as_ref()
        .unwrap_or_else(|| panic!("not decoded: {:?}", i.error));
    d.text.text.clone()
}

#[test]
fn demo_window_shows_the_current_calls_chinese_data_in_every_view() {
    let sim = simulator(SimConfig::default());
    let fx = Fixture::new();
    let mut h = demo_window(&fx, &sim);
    wait_reply(&mut h, "the demo's first query");
    let expected = String::from_utf8(expected_bytes("").unwrap()).unwrap();
    assert_eq!(decoded_text(&h), expected);
    assert!(expected.contains("李娜"));
    assert!(shows(&h, "DEMO"), "the demo badge");
    assert!(
        shows(&h, "Chinese text, GBK (use Base64)"),
        "call descriptions"
    );
    assert!(shows(&h, "retcode 0 (success)"), "status line");
    // The agent's calls on the gateway are listed at once, without a Refresh click.
    assert_eq!(h.state().live_calls().error(), None);
    assert!(shows(&h, "3 calls at"), "the demo's live call list");
    assert!(!shows(&h, "Not listed yet"));
    assert!(
        shows(&h, "\"customerName\":\"李娜\""),
        "decoded Chinese text on screen"
    );

    click(&mut h, "Structure");
    assert_eq!(h.state().view(), View::Structure);
    assert!(shows(&h, "customerName: \"李娜\""), "JSON tree");
    click(&mut h, "Raw");
    assert!(shows(&h, "\"retcode\":\"0\""), "raw body");
    click(&mut h, "Hex");
    assert!(shows(&h, "00000000  7b 22"), "hex of the data bytes");
    click(&mut h, "Decoded");
    assert!(shows(&h, "\"customerName\":\"李娜\""));

    // The demo GUID is never on screen, in the form's masked field or anywhere else.
    let guid = sim.demo_guid();
    assert!(!shows(&h, guid.expose()));
    // The demo GUID stays in memory: nothing is written to the keyring or the profile file.
    assert!(fx.keystore.load("Demo gateway").unwrap().is_none());
    assert!(
        !fx.dir
            .path()
            .join(calldata_inspector::profiles::FILE_NAME)
            .exists()
    );
}

#[test]
fn gbk_call_decodes_and_exports_the_exact_reply_bytes() {
    let sim = simulator(SimConfig::default());
    let fx = Fixture::new();
    let mut h = demo_window(&fx, &sim);
    wait_reply(&mut h, "the demo's first query");
    click_call(&mut h, CALL_ZH_GBK);
    wait_until(&mut h, "the GBK call", |app| {
        app.inspection()
            .is_some_and(|i| i.spec_summary.call_id == CALL_ZH_GBK)
    });
    assert_eq!(decoded_text(&h), ZH_GBK_SOURCE);
    assert!(shows(&h, "Charset: gb18030"), "detected charset shown");
    assert!(shows(&h, ZH_GBK_SOURCE));

    let dir = tempfile::tempdir().unwrap();
    let raw_path = dir.path().join("raw.json");
    h.state_mut().export_to(ExportKind::Raw, raw_path.clone());
    wait_until(&mut h, "the raw export", |app| !app.export_pending());
    assert!(shows(&h, &format!("Saved {}", raw_path.display())));

    // The same query sent independently returns the same body, byte for byte.
    let client = GatewayClient::new(ClientConfig {
        host: sim.host(),
        port: sim.port(),
        tls: TlsOptions {
            ca_pem: Some(sim.ca_pem()),
            ..Default::default()
        },
        ..Default::default()
    })
    .unwrap();
    let req = AppDataRequest {
        agent: AgentId::new(DEMO_AGENT).unwrap(),
        call_id: CALL_ZH_GBK.to_owned(),
        encoded: true,
    };
    let body = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(client.query_appdata(&req, &sim.demo_guid()))
        .unwrap()
        .body;
    assert_eq!(std::fs::read(&raw_path).unwrap(), body);

    let decoded_path = dir.path().join("decoded.txt");
    h.state_mut()
        .export_to(ExportKind::Decoded, decoded_path.clone());
    wait_until(&mut h, "the decoded export", |app| !app.export_pending());
    assert_eq!(
        std::fs::read_to_string(&decoded_path).unwrap(),
        ZH_GBK_SOURCE
    );

    let report_path = dir.path().join("report.json");
    h.state_mut()
        .export_to(ExportKind::Report, report_path.clone());
    wait_until(&mut h, "the report export", |app| !app.export_pending());
    let report = std::fs::read_to_string(&report_path).unwrap();
    assert!(
        !report.contains(sim.demo_guid().expose()),
        "GUID in the report"
    );
    let json: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(json["data"], ZH_GBK_SOURCE);
    assert_eq!(json["charset"], "gb18030");
    assert_eq!(json["call_id"], CALL_ZH_GBK);
    assert_eq!(
        json["sha256"],
        calldata_inspector::export::sha256_hex(&expected_bytes(CALL_ZH_GBK).unwrap())
    );
}

#[test]
fn every_error_state_is_a_readable_message() {
    let certs = tempfile::tempdir().unwrap();
    let sim = simulator(SimConfig {
        cert_dir: Some(certs.path().to_owned()),
        ..SimConfig::default()
    });
    let ca = sim.ca_path().expect("the CA file in cert_dir");
    let fx = Fixture::new();
    let mut h = window(&fx, None);

    // Fill the form by hand, with a GUID the gateway does not know.
    type_into(&mut h, "Profile name", "sim");
    type_into(&mut h, "Host", &sim.host());
    replace_text(&mut h, "Port", &sim.port().to_string());
    type_into(&mut h, "Agent ID", &DEMO_AGENT.to_string());
    type_into(&mut h, "CA certificate", &ca.display().to_string());
    type_into(&mut h, "GUID", SECRET);
    type_into(
        &mut h,
        "Add call IDs",
        &format!("{CALL_HTML_502} {CALL_BAD_BASE64}, {CALL_SLOW}"),
    );
    click(&mut h, "Add");

    click(&mut h, "Query");
    wait_reply(&mut h, "the wrong-GUID query");
    let m = shown_error(&h);
    assert!(
        m.contains("000-003") && m.contains("the GUID is wrong or has expired"),
        "{m}"
    );
    assert!(!m.contains(SECRET));

    replace_text(&mut h, "GUID", sim.demo_guid().expose());
    click_call(&mut h, CALL_HTML_502);
    wait_reply(&mut h, "the 502");
    let m = shown_error(&h);
    assert!(m.contains("HTTP 502"), "{m}");
    // The HTML body is still there to read.
    click(&mut h, "Raw");
    assert!(shows(&h, "<title>502 Bad Gateway</title>"));

    click_call(&mut h, CALL_BAD_BASE64);
    wait_reply(&mut h, "the bad Base64");
    let m = shown_error(&h);
    assert!(
        m.contains(&format!("offset {BAD_BASE64_OFFSET}")) && m.contains("Base64"),
        "{m}"
    );

    replace_text(&mut h, "Agent ID", &OFFLINE_AGENT.to_string());
    click(&mut h, "Query");
    wait_reply(&mut h, "the offline agent");
    let m = shown_error(&h);
    assert!(m.contains("100-006") && m.contains("not signed in"), "{m}");

    replace_text(&mut h, "Agent ID", &DEMO_AGENT.to_string());
    replace_text(&mut h, "Timeout (s)", "1");
    click_call(&mut h, CALL_SLOW);
    wait_reply(&mut h, "the timeout");
    let m = shown_error(&h);
    assert!(m.contains("timeout") && m.contains("1 s"), "{m}");
    assert!(!h.state().is_running());
}

#[test]
fn cancelling_a_slow_query_stops_the_spinner() {
    let sim = simulator(SimConfig::default());
    let fx = Fixture::new();
    let mut h = demo_window(&fx, &sim);
    wait_reply(&mut h, "the demo's first query");
    assert_eq!(h.query_all_by_role(Role::ProgressIndicator).count(), 0);
    click_call(&mut h, CALL_SLOW);
    assert!(h.state().is_running());
    assert!(
        h.query_all_by_role(Role::ProgressIndicator).count() > 0,
        "spinner"
    );
    // The request really reached the gateway before it is cancelled.
    let sent = || sim.requests().iter().any(|r| r.path.contains(CALL_SLOW));
    wait_until(&mut h, "the slow request to be sent", |_| sent());
    click(&mut h, "Cancel");
    assert!(!h.state().is_running());
    assert_eq!(h.query_all_by_role(Role::ProgressIndicator).count(), 0);
    assert!(shows(&h, "Query cancelled."));
    // The window stays usable: the next query runs and answers.
    click_call(&mut h, "Current call of the agent");
    wait_reply(&mut h, "the next query");
    assert!(h.state().inspection().is_some());
}

#[test]
fn connection_test_reports_each_step() {
    let sim = simulator(SimConfig::default());
    let fx = Fixture::new();
    let mut h = demo_window(&fx, &sim);
    wait_reply(&mut h, "the demo's first query");
    click(&mut h, "Test connection");
    wait_until(&mut h, "the connection test", |app| {
        app.test_steps().is_some()
    });
    let steps = h.state().test_steps().unwrap();
    assert_eq!(
        steps.iter().map(|s| s.what).collect::<Vec<_>>(),
        ["DNS", "TCP", "TLS", "GUID", "Agent"]
    );
    assert!(steps.iter().all(|s| s.ok == Some(true)), "{steps:?}");
    assert!(shows(&h, "OK Agent"));
}

#[test]
fn a_rotated_guid_replaces_the_saved_one_in_the_keyring() {
    let certs = tempfile::tempdir().unwrap();
    let sim = simulator(SimConfig {
        cert_dir: Some(certs.path().to_owned()),
        guid_rotation: Some(Duration::from_millis(300)),
        ..SimConfig::default()
    });
    let fx = Fixture::new();
    let mut h = window(&fx, None);
    let first = sim.demo_guid();
    type_into(&mut h, "Profile name", "rotating");
    type_into(&mut h, "Host", &sim.host());
    replace_text(&mut h, "Port", &sim.port().to_string());
    type_into(&mut h, "Agent ID", &DEMO_AGENT.to_string());
    type_into(
        &mut h,
        "CA certificate",
        &sim.ca_path().unwrap().display().to_string(),
    );
    type_into(&mut h, "GUID", first.expose());
    click(&mut h, "Save profile");
    wait_until(&mut h, "the GUID in the keyring", |_| {
        fx.keystore.load("rotating").ok().flatten().is_some()
    });
    // Query until the gateway rotates the GUID (every 300 ms) and the app adopts it.
    let rotated = |app: &App| {
        fx.keystore
            .load("rotating")
            .ok()
            .flatten()
            .is_some_and(|g| g.expose() != first.expose())
            && app.guid_note_text().is_some_and(|n| n.contains("new GUID"))
    };
    let start = std::time::Instant::now();
    while !rotated(h.state()) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no rotation seen"
        );
        if !h.state().is_running() {
            click(&mut h, "Query");
        }
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    // The next query with the adopted GUID succeeds.
    click(&mut h, "Query");
    wait_reply(&mut h, "a query with the new GUID");
    let i = h.state().inspection().expect("a reply").clone();
    assert_eq!(i.retcode.as_deref(), Some("0"), "{:?}", i.error);
}

#[test]
fn a_forced_charset_that_does_not_fit_says_so_and_auto_detect_restores_the_text() {
    let sim = simulator(SimConfig::default());
    let fx = Fixture::new();
    let mut h = demo_window(&fx, &sim);
    wait_reply(&mut h, "the demo's first query");
    click_call(&mut h, CALL_ZH_GBK);
    wait_until(&mut h, "the GBK call", |app| {
        app.inspection()
            .is_some_and(|i| i.spec_summary.call_id == CALL_ZH_GBK)
    });
    let requests = sim.requests().len();
    h.state_mut().set_charset(Some(encoding_rs::UTF_8));
    wait_until(&mut h, "the UTF-8 re-decode", |app| {
        app.inspection().is_some_and(|i| i.decoded.is_none())
    });
    let m = shown_error(&h);
    assert!(
        m.contains("not valid UTF-8") && m.contains("offset 0"),
        "{m}"
    );
    // The bytes are still there: the Hex view shows the GBK bytes of "客户".
    click(&mut h, "Hex");
    assert!(shows(&h, "00000000  bf cd bb a7"), "hex of the GBK bytes");
    click(&mut h, "Decoded");
    h.state_mut().set_charset(None);
    wait_until(&mut h, "the auto-detect re-decode", |app| {
        app.inspection().is_some_and(|i| i.decoded.is_some())
    });
    assert_eq!(decoded_text(&h), ZH_GBK_SOURCE);
    // Re-decoding happens locally: no new request reached the gateway.
    assert_eq!(sim.requests().len(), requests);
}
