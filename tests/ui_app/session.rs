//! Sessions from the window against the embedded simulator over real HTTPS: signing a
//! dedicated agent in and out, the forced sign-in confirmation, a killed session, the live
//! call list and the rate-limit wait.

use std::time::Duration;

use calldata_inspector::simulator::data::{
    CALL_CURRENT, CALL_JSON, CALL_ZH_UTF8, DEMO_AGENT, DEMO_CALLS, DEMO_PASSWORD, SUPERVISOR_AGENT,
    SUPERVISOR_PASSWORD, expected_plain_text,
};
use calldata_inspector::simulator::{SimConfig, SimulatorThread};
use calldata_inspector::ui::{App, DemoGateway};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::common::*;

/// A simulator that writes its CA where the form can point at it.
fn simulator(certs: &tempfile::TempDir, cfg: SimConfig) -> SimulatorThread {
    SimulatorThread::start(SimConfig {
        cert_dir: Some(certs.path().to_owned()),
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

/// Fills the form for `agent` on the simulator and switches it to signing in.
fn sign_in_form(h: &mut Harness<'static, App>, sim: &SimulatorThread, name: &str, agent: u32) {
    type_into(h, "Profile name", name);
    type_into(h, "Host", &sim.host());
    replace_text(h, "Port", &sim.port().to_string());
    type_into(h, "Agent ID", &agent.to_string());
    type_into(
        h,
        "CA certificate",
        &sim.ca_path().expect("CA file").display().to_string(),
    );
    click(h, "Sign in an agent account");
    assert!(
        h.query_by_label("GUID").is_none(),
        "a sign-in profile has no GUID field"
    );
}

fn session_line(app: &App) -> String {
    app.session_line().unwrap_or_default()
}

fn wait_signed_in(h: &mut Harness<'static, App>, agent: u32) {
    let expected = format!("Signed in as {agent}");
    wait_until(h, "the sign-in", |app| {
        session_line(app).contains(&expected)
    });
    assert!(shows(h, &expected), "session state in the status line");
}

fn requests_to(sim: &SimulatorThread, what: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path.contains(what))
        .count()
}

/// Scrolls the first node labelled `label` into view and clicks it (the left panel is taller
/// than the window).
fn click_first(h: &mut Harness<'static, App>, label: &str) {
    h.query_all_by_label(label)
        .next()
        .unwrap_or_else(|| panic!("{label} not shown"))
        .scroll_to_me();
    settle(h);
    h.query_all_by_label(label).next().unwrap().click();
    settle(h);
}

#[test]
fn a_supervisor_signs_in_keeps_polling_queries_and_signs_out() {
    let certs = tempfile::tempdir().unwrap();
    // Dynamic authentication with a fast rotation: the window must follow every new GUID.
    let sim = simulator(
        &certs,
        SimConfig {
            poll_hold: Duration::from_millis(300),
            guid_rotation: Some(Duration::from_millis(400)),
            ..SimConfig::default()
        },
    );
    let fx = Fixture::new();
    let mut h = window(&fx, None);
    sign_in_form(&mut h, &sim, "supervisor", SUPERVISOR_AGENT);
    click(&mut h, "Save profile");
    // A wrong password is refused in plain words, and the password is not kept for a retry.
    type_into(&mut h, "Password", "not-the-password");
    click(&mut h, "Sign in");
    wait_until(&mut h, "the refusal", |app| !app.session_holds_password());
    assert!(shows(&h, "100-004"), "the gateway's refusal is shown");
    assert!(!sim.is_signed_in(SUPERVISOR_AGENT));
    type_into(&mut h, "Password", SUPERVISOR_PASSWORD);
    assert!(!sim.is_signed_in(SUPERVISOR_AGENT));
    let typed = |h: &Harness<'static, App>| h.get_by_label("Password").value().unwrap_or_default();
    assert_eq!(
        typed(&h).chars().count(),
        SUPERVISOR_PASSWORD.len(),
        "masked"
    );
    assert!(!shows(&h, SUPERVISOR_PASSWORD));
    click(&mut h, "Sign in");
    // The password left the field the moment it was sent.
    assert_eq!(typed(&h), "");
    wait_signed_in(&mut h, SUPERVISOR_AGENT);
    assert!(sim.is_signed_in(SUPERVISOR_AGENT));
    assert!(
        !h.state().session_holds_password(),
        "password kept after sign-in"
    );
    // The keeper polls agent events, and the status line says when it last did.
    wait_until(&mut h, "an event poll", |app| {
        session_line(app).contains("last poll")
    });
    assert!(requests_to(&sim, &format!("agentevent/{SUPERVISOR_AGENT}")) > 0);
    // The polls bring new GUIDs, and the status line counts them.
    wait_until(&mut h, "two GUID renewals", |app| {
        !session_line(app).contains("(renewals: 0)") && !session_line(app).contains("(renewals: 1)")
    });
    // The session's GUID went to the keyring under the profile; the password went nowhere.
    wait_until(&mut h, "the GUID in the keyring", |_| {
        fx.keystore.load("supervisor").ok().flatten().is_some()
    });
    let file = std::fs::read_to_string(fx.dir.path().join(calldata_inspector::profiles::FILE_NAME))
        .unwrap();
    assert!(!file.contains(SUPERVISOR_PASSWORD), "{file}");

    // Queries use the session's current GUID, whichever it is by now.
    type_into(&mut h, "Add call IDs", CALL_ZH_UTF8);
    click(&mut h, "Add");
    click_first(&mut h, CALL_ZH_UTF8);
    wait_reply(&mut h, "a query with the session's GUID");
    let i = h.state().inspection().expect("a reply").clone();
    assert_eq!(i.retcode.as_deref(), Some("0"), "{:?}", i.error);

    click(&mut h, "Sign out");
    wait_until(&mut h, "the sign-out", |app| {
        session_line(app).contains("signed out")
    });
    assert!(!sim.is_signed_in(SUPERVISOR_AGENT));
    assert!(requests_to(&sim, &format!("{SUPERVISOR_AGENT}/logout")) == 1);

    // The profile remembers that it signs in: reopened, it asks for a password, not a GUID.
    let mut again = fx.harness();
    again.state_mut().select_profile("supervisor");
    settle(&mut again);
    assert!(again.query_by_label("Password").is_some());
    assert!(again.query_by_label("GUID").is_none());
}

#[test]
fn an_agent_signed_in_elsewhere_is_taken_over_only_after_confirmation() {
    let certs = tempfile::tempdir().unwrap();
    let sim = simulator(&certs, SimConfig::default());
    let old = sim.demo_guid();
    let fx = Fixture::new();
    let mut h = window(&fx, None);
    sign_in_form(&mut h, &sim, "takeover", DEMO_AGENT);

    type_into(&mut h, "Password", DEMO_PASSWORD);
    click(&mut h, "Sign in");
    wait_until(&mut h, "the 100-002 question", |app| {
        app.session_conflict_pending()
    });
    assert!(shows(&h, "Agent already signed in"));
    click(&mut h, "Do not sign in");
    assert!(!h.state().session_holds_password());
    assert!(shows(&h, "the other session is left alone"));
    assert_eq!(requests_to(&sim, "forcelogin"), 0);
    // The agent's own session is untouched.
    assert_eq!(sim.demo_guid().expose(), old.expose());

    // Again, and this time confirm: the password has to be typed again (it was dropped).
    type_into(&mut h, "Password", DEMO_PASSWORD);
    click(&mut h, "Sign in");
    wait_until(&mut h, "the 100-002 question again", |app| {
        app.session_conflict_pending()
    });
    click(&mut h, "Force sign-in");
    wait_signed_in(&mut h, DEMO_AGENT);
    assert_eq!(requests_to(&sim, "forcelogin"), 1);
    assert_ne!(
        sim.demo_guid().expose(),
        old.expose(),
        "the forced sign-in took the session over"
    );
    assert!(!h.state().session_holds_password());

    // Closing the window signs the agent out (eframe calls on_exit as the window closes).
    eframe::App::on_exit(h.state_mut());
    assert!(!sim.is_signed_in(DEMO_AGENT));
    assert_eq!(requests_to(&sim, &format!("{DEMO_AGENT}/logout")), 1);
}

#[test]
fn a_killed_session_is_reported_and_signing_in_again_restores_it() {
    let certs = tempfile::tempdir().unwrap();
    let sim = simulator(
        &certs,
        SimConfig {
            poll_hold: Duration::from_millis(300),
            ..SimConfig::default()
        },
    );
    let fx = Fixture::new();
    let mut h = window(&fx, None);
    sign_in_form(&mut h, &sim, "fragile", SUPERVISOR_AGENT);
    type_into(&mut h, "Password", SUPERVISOR_PASSWORD);
    click(&mut h, "Sign in");
    wait_signed_in(&mut h, SUPERVISOR_AGENT);

    assert!(sim.kill_session(SUPERVISOR_AGENT));
    wait_until(&mut h, "the lost session", |app| {
        session_line(app).contains("lost")
    });
    assert!(shows(&h, "Session lost"), "the notice");
    click(&mut h, "Sign in again");
    assert!(shows(&h, "Enter the password"), "asks for the password");
    type_into(&mut h, "Password", SUPERVISOR_PASSWORD);
    click(&mut h, "Sign in again");
    wait_signed_in(&mut h, SUPERVISOR_AGENT);
    assert!(sim.is_signed_in(SUPERVISOR_AGENT));
    assert!(!shows(&h, "Session lost"));
    h.state_mut().sign_out_all(Duration::from_secs(20));
    assert!(!sim.is_signed_in(SUPERVISOR_AGENT));
}

#[test]
fn the_live_call_list_shows_own_and_held_calls_and_queries_a_clicked_one() {
    let certs = tempfile::tempdir().unwrap();
    let sim = simulator(
        &certs,
        SimConfig {
            rate_limit: None,
            ..SimConfig::default()
        },
    );
    let fx = Fixture::new();
    let mut h = window(&fx, Some(&sim));
    wait_reply(&mut h, "the demo's first query");
    // The demo lists its calls on start; Refresh then asks again.
    wait_until(&mut h, "the demo's own-call listing", |app| {
        !app.live_calls().calls().is_empty() && !app.live_calls().refreshing()
    });
    let holdlists = requests_to(&sim, "holdlist");
    assert_eq!(holdlists, 1, "one listing on start");

    click(&mut h, "Refresh");
    wait_until(&mut h, "the own-call listing", |app| {
        !app.live_calls().refreshing() && requests_to(&sim, "holdlist") > holdlists
    });
    let listed: Vec<String> = h
        .state()
        .live_calls()
        .calls()
        .iter()
        .map(|c| c.call_id.clone())
        .collect();
    assert_eq!(
        listed,
        [CALL_CURRENT, CALL_JSON, CALL_ZH_UTF8],
        "{listed:?}"
    );
    assert!(shows(&h, "3 calls at"));
    // Every column shows what the gateway gave: caller, called, skill, media, start, duration.
    let current = h.state().live_calls().calls()[0].clone();
    assert_eq!(
        (current.caller.as_str(), current.called.as_str()),
        ("13800138000", "4008001000")
    );
    let start = current.start_time.clone().expect("a start time");
    let duration = current.duration.expect("a duration");
    for text in [
        current.caller.clone(),
        current.called.clone(),
        current.skill.clone(),
        current.media_type.clone(),
        start,
        format!("{}:{:02}", duration / 60, duration % 60),
    ] {
        assert!(!text.is_empty() && shows(&h, &text), "{text:?} not shown");
    }
    let held = h.query_all_by_label("held").count();
    assert_eq!(held, 2, "two held calls marked");

    // Clicking a listed call queries its data.
    click_first(&mut h, CALL_ZH_UTF8);
    wait_until(&mut h, "the clicked call's data", |app| {
        app.inspection()
            .is_some_and(|i| i.spec_summary.call_id == CALL_ZH_UTF8)
    });
    let i = h.state().inspection().unwrap().clone();
    assert_eq!(
        i.decoded.as_ref().map(|d| d.text.text.clone()),
        expected_plain_text(CALL_ZH_UTF8)
    );

    // Auto-refresh lists again without a click.
    let before = requests_to(&sim, "holdlist");
    replace_text(&mut h, "seconds", "2");
    click(&mut h, "Auto-refresh every");
    wait_until(&mut h, "two automatic refreshes of the own calls", |_| {
        requests_to(&sim, "holdlist") >= before + 2
    });
    click(&mut h, "Auto-refresh every");
    wait_until(&mut h, "the last automatic refresh", |app| {
        !app.live_calls().refreshing()
    });

    // Another agent's calls by work number.
    click(&mut h, "Another agent");
    type_into(&mut h, "Work number", &DEMO_AGENT.to_string());
    // The own-call list does not pass for the other agent's.
    assert!(shows(&h, "Not listed yet"));
    click(&mut h, "Refresh");
    wait_until(&mut h, "the work-number listing", |app| {
        !app.live_calls().refreshing()
    });
    let listed: Vec<String> = h
        .state()
        .live_calls()
        .calls()
        .iter()
        .map(|c| c.call_id.clone())
        .collect();
    let all: Vec<String> = DEMO_CALLS.iter().map(|(id, _)| (*id).to_owned()).collect();
    assert_eq!(listed, all);

    // A pasted-GUID profile never polls events or signs in/out: that is the agent's desktop's job.
    assert_eq!(requests_to(&sim, "agentevent"), 0);
    assert_eq!(requests_to(&sim, "onlineagent"), 0);
}

#[test]
fn rapid_queries_wait_for_the_rate_limit_instead_of_failing() {
    let certs = tempfile::tempdir().unwrap();
    let sim = simulator(&certs, SimConfig::default());
    let fx = Fixture::new();
    let mut h = window(&fx, Some(&sim));
    wait_reply(&mut h, "the demo's first query");
    // Click faster than 5 per 2 s until the pacing holds a request back.
    let start = std::time::Instant::now();
    loop {
        h.state_mut().query_call(CALL_JSON.to_owned());
        h.step();
        if shows(&h, "Waiting (rate limit)") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "never showed the rate-limit wait"
        );
    }
    // Waiting is not a failure: the query is still on its way, and no error is shown.
    assert!(h.state().is_running());
    assert!(h.state().status_message().is_none_or(|(ok, _)| *ok));
    wait_reply(&mut h, "the held-back query");
    let i = h.state().inspection().expect("a reply").clone();
    assert_eq!(i.retcode.as_deref(), Some("0"), "{:?}", i.error);
    // The simulator never had to throttle: the client kept under 5 requests per 2 s.
    let throttled = sim
        .requests()
        .iter()
        .filter(|r| r.retcode.as_deref() == Some("000-007"))
        .count();
    assert_eq!(throttled, 0);
}
