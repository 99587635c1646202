//! The fault matrix (README "Reliability"): every simulator fault mode, an oversized reply and
//! the gateway going away in the middle of a query, through the real CLI binary and the real
//! window (kittest). Each fault gives a readable message, and the next query works: nothing
//! is left stuck. A query can always be cancelled (Ctrl-C in the CLI, Cancel in the window).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use calldata_inspector::simulator::data::{
    CALL_20MIB, CALL_ASCII, CALL_BAD_BASE64, CALL_HTML_502, CALL_SLOW, CALL_TRUNCATED,
    CALL_UNKNOWN, CALL_WRONG_CONTENT_TYPE, DEMO_AGENT, OFFLINE_AGENT,
};
use calldata_inspector::simulator::{RateLimit, SimConfig, SimulatorThread};

#[allow(dead_code)]
#[path = "ui_app/common.rs"]
mod common;

const BIN: &str = env!("CARGO_BIN_EXE_calldata-inspector");

/// A TCP relay in front of the simulator that can drop every connection at once and refuse
/// new ones, as a gateway that restarts or a network that fails does, and then come back.
struct Relay {
    port: u16,
    down: Arc<AtomicBool>,
    live: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn start(upstream: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("relay binds");
        let port = listener.local_addr().expect("relay address").port();
        let down = Arc::new(AtomicBool::new(false));
        let live: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (d, l) = (down.clone(), live.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if d.load(Ordering::SeqCst) {
                    // Gone: the connection is closed before a byte is answered.
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                if let Ok(mut live) = l.lock() {
                    live.extend(
                        [client.try_clone(), server.try_clone()]
                            .into_iter()
                            .flatten(),
                    );
                }
                pipe(&client, &server);
                pipe(&server, &client);
            }
        });
        Relay { port, down, live }
    }

    /// Drops every open connection and refuses new ones.
    fn go_away(&self) {
        self.down.store(true, Ordering::SeqCst);
        if let Ok(mut live) = self.live.lock() {
            for s in live.drain(..) {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
    }

    /// Accepts and relays connections again.
    fn come_back(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

fn pipe(from: &TcpStream, to: &TcpStream) {
    let (Ok(mut from), Ok(mut to)) = (from.try_clone(), to.try_clone()) else {
        return;
    };
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 || to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}

/// A simulator with its CA in a temp folder (as a user passes it with --ca-file).
struct Gateway {
    sim: SimulatorThread,
    ca: PathBuf,
    _dir: tempfile::TempDir,
}

fn gateway(cfg: SimConfig) -> Gateway {
    let dir = tempfile::tempdir().expect("temp dir");
    let sim = SimulatorThread::start(SimConfig {
        cert_dir: Some(dir.path().to_path_buf()),
        ..cfg
    })
    .expect("simulator starts");
    let ca = sim.ca_path().expect("CA written");
    Gateway { sim, ca, _dir: dir }
}

fn no_limit() -> SimConfig {
    SimConfig {
        rate_limit: None,
        slow_delay: Duration::from_secs(30),
        ..SimConfig::default()
    }
}

/// `calldata-inspector query` against `port` with the demo GUID; English messages, logs in a
/// scratch folder; asserts the GUID is in neither output stream.
fn query_cmd(gw: &Gateway, port: u16, guid: &str, extra: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["query", "--host", "127.0.0.1", "--port", &port.to_string()])
        .args(["--ca-file", &gw.ca.to_string_lossy()])
        .args(extra)
        .env("CALLDATA_GUID", guid)
        .env("CALLDATA_INSPECTOR_LOG_DIR", gw._dir.path().join("logs"))
        .env("LC_ALL", "C")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn run(gw: &Gateway, port: u16, extra: &[&str]) -> (i32, String) {
    let guid = gw.sim.demo_guid();
    let out: Output = query_cmd(gw, port, guid.expose(), extra)
        .output()
        .expect("the binary runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let all = format!("{}{err}", String::from_utf8_lossy(&out.stdout));
    assert!(
        !all.contains(guid.expose()),
        "GUID in the output of {extra:?}"
    );
    (out.status.code().unwrap_or(-1), err)
}

fn agent(a: u32) -> String {
    a.to_string()
}

/// One row of the matrix: the call (or agent) that triggers the fault, the exit code and a
/// phrase of the message the user reads.
struct Row {
    name: &'static str,
    args: Vec<String>,
    exit: i32,
    says: &'static [&'static str],
}

#[test]
fn cli_every_fault_mode_is_explained_and_the_next_query_works() {
    let gw = gateway(no_limit());
    let port = gw.sim.port();
    let call = |id: &str, more: &[&str]| {
        let mut v = vec![
            "--agent".to_owned(),
            agent(DEMO_AGENT),
            "--call-id".into(),
            id.into(),
        ];
        v.extend(more.iter().map(|s| s.to_string()));
        v
    };
    let rows = [
        Row {
            name: "HTML 502 from a proxy",
            args: call(CALL_HTML_502, &[]),
            exit: 4,
            says: &["HTTP 502", "Bad Gateway", "retry"],
        },
        Row {
            name: "reply cut off",
            args: call(CALL_TRUNCATED, &[]),
            exit: 5,
            says: &["not complete JSON", "cut off"],
        },
        Row {
            name: "bad Base64",
            args: call(CALL_BAD_BASE64, &["--encoded"]),
            exit: 5,
            says: &["Base64", "offset 8"],
        },
        Row {
            name: "unknown call",
            args: call(CALL_UNKNOWN, &[]),
            exit: 3,
            says: &["100-007"],
        },
        Row {
            name: "agent not signed in",
            args: vec![
                "--agent".into(),
                agent(OFFLINE_AGENT),
                "--call-id".into(),
                CALL_ASCII.into(),
            ],
            exit: 3,
            says: &["100-006", "not signed in"],
        },
        Row {
            name: "slow gateway",
            args: call(CALL_SLOW, &["--timeout", "1"]),
            exit: 4,
            says: &["timeout", "1 s"],
        },
        Row {
            name: "reply over the cap",
            args: call(CALL_20MIB, &["--encoded", "--max-reply-mib", "1"]),
            exit: 4,
            says: &["larger than the 1 MiB limit", "not read", "--max-reply-mib"],
        },
        Row {
            name: "wrong Content-Type (tolerated)",
            args: call(CALL_WRONG_CONTENT_TYPE, &[]),
            exit: 0,
            says: &[],
        },
    ];
    for row in &rows {
        let args: Vec<&str> = row.args.iter().map(String::as_str).collect();
        let (code, err) = run(&gw, port, &args);
        assert_eq!(code, row.exit, "{}: {err}", row.name);
        for phrase in row.says {
            assert!(
                err.contains(phrase),
                "{}: \"{phrase}\" not in: {err}",
                row.name
            );
        }
        if row.exit != 0 {
            assert!(err.starts_with("calldata-inspector"), "{}: {err}", row.name);
        }
        // Still usable: the next ordinary query answers.
        let (code, err) = run(
            &gw,
            port,
            &call(CALL_ASCII, &[])
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        assert_eq!(code, 0, "after {}: {err}", row.name);
    }
}

#[test]
fn cli_wrong_guid_and_killed_session_say_to_sign_in_again() {
    let gw = gateway(no_limit());
    let base = ["--agent", "1001", "--call-id", CALL_ASCII];
    let out = query_cmd(&gw, gw.sim.port(), "not-a-live-guid.AgentGateway0", &base)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("000-003"), "{err}");

    // The session dies on the gateway between two queries (signed out elsewhere).
    let old = gw.sim.demo_guid();
    assert!(gw.sim.kill_session(DEMO_AGENT));
    let out = query_cmd(&gw, gw.sim.port(), old.expose(), &base)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(!err.contains(old.expose()));
    // Signed in again, the same command works.
    let (code, err) = run(&gw, gw.sim.port(), &base);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn cli_throttled_query_is_explained_and_works_after_the_window() {
    // One query per 8 s: the second run lands inside the window even on a loaded machine.
    let window = Duration::from_secs(8);
    let gw = gateway(SimConfig {
        rate_limit: Some(RateLimit { max: 1, window }),
        ..no_limit()
    });
    let base = ["--agent", "1001", "--call-id", CALL_ASCII];
    let (first, err) = run(&gw, gw.sim.port(), &base);
    assert_eq!(first, 0, "{err}");
    let first_done = Instant::now();
    let (second, err) = run(&gw, gw.sim.port(), &base);
    assert_eq!(second, 3, "{err}");
    assert!(err.contains("000-007"), "{err}");
    std::thread::sleep(window.saturating_sub(first_done.elapsed()) + Duration::from_millis(200));
    let (code, err) = run(&gw, gw.sim.port(), &base);
    assert_eq!(code, 0, "after the window: {err}");
}

/// Waits (at most 30 s) until the simulator has logged a request for `call`.
fn wait_sent(sim: &SimulatorThread, call: &str) {
    let start = Instant::now();
    while !sim.requests().iter().any(|r| r.path.contains(call)) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{call} never sent"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn cli_gateway_going_away_mid_query_is_a_readable_failure_and_retry_works() {
    let gw = gateway(no_limit());
    let relay = Relay::start(gw.sim.port());
    let guid = gw.sim.demo_guid();
    let child = query_cmd(
        &gw,
        relay.port,
        guid.expose(),
        &["--agent", "1001", "--call-id", CALL_SLOW],
    )
    .spawn()
    .expect("spawns");
    wait_sent(&gw.sim, CALL_SLOW);
    relay.go_away();
    let out = child.wait_with_output().expect("exits");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("connection broke"), "{err}");
    assert!(
        err.contains("closed the connection") && err.contains("retry"),
        "{err}"
    );
    assert!(!err.contains("close_notify"), "library jargon: {err}");

    // While it is away, a new query is told so, without hanging.
    let (code, err) = run(
        &gw,
        relay.port,
        &["--agent", "1001", "--call-id", CALL_ASCII],
    );
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("cannot connect") && err.contains("closed the connection"),
        "{err}"
    );

    relay.come_back();
    let (code, err) = run(
        &gw,
        relay.port,
        &["--agent", "1001", "--call-id", CALL_ASCII],
    );
    assert_eq!(code, 0, "after the gateway came back: {err}");
}

#[cfg(unix)]
#[test]
fn cli_ctrl_c_cancels_a_query_and_leaves_no_file() {
    let gw = gateway(no_limit());
    let out_dir = tempfile::tempdir().expect("temp dir");
    let target = out_dir.path().join("report.json");
    let guid = gw.sim.demo_guid();
    let child = query_cmd(
        &gw,
        gw.sim.port(),
        guid.expose(),
        &[
            "--agent",
            "1001",
            "--call-id",
            CALL_SLOW,
            "--output",
            "json",
            "--out",
            &target.to_string_lossy(),
        ],
    )
    .spawn()
    .expect("spawns");
    wait_sent(&gw.sim, CALL_SLOW);
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let out = child.wait_with_output().expect("exits");
    assert!(!out.status.success(), "a cancelled query is not a success");
    let left: Vec<_> = std::fs::read_dir(out_dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "nothing written, no temp file: {left:?}");
}

mod window {
    //! The same faults in the real window: a readable message on screen, the window usable,
    //! the same query retried with the same button.

    use super::common::*;
    use super::*;
    use calldata_inspector::ui::{App, InspectorState};
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    fn shown_error(h: &Harness<'static, App>) -> Option<String> {
        let message = match h.state().state() {
            InspectorState::Failed { message, .. } => message.clone(),
            InspectorState::Done(i) => i.error.clone()?,
            other => panic!("no reply yet: {other:?}"),
        };
        assert!(shows(h, &message), "not on screen: {message}");
        Some(message)
    }

    /// The form filled by hand for `port`, with `calls` in the call list; with the CJK font,
    /// since the big call's data is Chinese.
    fn window_on(fx: &Fixture, gw: &Gateway, port: u16, calls: &[&str]) -> Harness<'static, App> {
        let mut h = cjk_harness(fx.config());
        type_into(&mut h, "Profile name", "faults");
        type_into(&mut h, "Host", "127.0.0.1");
        replace_text(&mut h, "Port", &port.to_string());
        type_into(&mut h, "Agent ID", "1001");
        type_into(&mut h, "CA certificate", &gw.ca.display().to_string());
        type_into(&mut h, "GUID", gw.sim.demo_guid().expose());
        type_into(&mut h, "Add call IDs", &calls.join(" "));
        click(&mut h, "Add");
        h
    }

    #[test]
    fn window_faults_are_readable_and_the_next_query_works() {
        let gw = gateway(no_limit());
        let fx = Fixture::new();
        let calls = [CALL_TRUNCATED, CALL_UNKNOWN, CALL_ASCII];
        let mut h = window_on(&fx, &gw, gw.sim.port(), &calls);
        for (call, phrase) in [(CALL_TRUNCATED, "cut off"), (CALL_UNKNOWN, "100-007")] {
            pick(&mut h, call);
            wait_reply(&mut h, call);
            let m = shown_error(&h).unwrap_or_else(|| panic!("{call}: no error shown"));
            assert!(m.contains(phrase), "{call}: {m}");
            assert!(!m.contains(gw.sim.demo_guid().expose()));
            pick(&mut h, CALL_ASCII);
            wait_reply(&mut h, "the next query");
            assert_eq!(shown_error(&h), None, "after {call}");
        }
    }

    #[test]
    fn window_reply_limit_refuses_a_huge_reply_and_is_saved_with_the_profile() {
        let gw = gateway(no_limit());
        let fx = Fixture::new();
        let mut h = window_on(&fx, &gw, gw.sim.port(), &[CALL_20MIB]);
        type_into(&mut h, "Reply limit (MiB)", "1");
        pick(&mut h, CALL_20MIB);
        wait_reply(&mut h, "the capped query");
        let m = shown_error(&h).expect("the huge reply is refused");
        assert!(m.contains("larger than the 1 MiB limit"), "{m}");
        assert!(
            m.contains("Reply limit (MiB) field"),
            "names the field: {m}"
        );

        // A limit the CLI would reject is named in plain words and nothing is sent.
        let sent = gw.sim.requests().len();
        replace_text(&mut h, "Reply limit (MiB)", "0");
        pick(&mut h, CALL_20MIB);
        let m = shown_error(&h).expect("the bad limit is reported");
        assert!(m.contains("1 to 4096"), "{m}");
        assert_eq!(gw.sim.requests().len(), sent, "a request went out");

        replace_text(&mut h, "Reply limit (MiB)", "30");
        pick(&mut h, CALL_20MIB);
        wait_reply(&mut h, "the query under a raised limit");
        assert_eq!(shown_error(&h), None, "30 MiB admits the 27 MiB reply");

        click(&mut h, "Save profile");
        let saved = calldata_inspector::profiles::ProfileStore::in_dir(fx.dir.path())
            .get("faults")
            .expect("profile saved");
        assert_eq!(saved.max_reply_mib, Some(30));
        let mut again = fx.harness();
        again.state_mut().select_profile("faults");
        settle(&mut again);
        let shown = again.get_by_label("Reply limit (MiB)").value();
        assert_eq!(
            shown.as_deref(),
            Some("30"),
            "the limit comes back with the profile"
        );
    }

    #[test]
    fn window_gateway_going_away_mid_query_then_retry() {
        let gw = gateway(no_limit());
        let relay = Relay::start(gw.sim.port());
        let fx = Fixture::new();
        let mut h = window_on(&fx, &gw, relay.port, &[CALL_SLOW, CALL_ASCII]);
        pick(&mut h, CALL_SLOW);
        assert!(h.state().is_running());
        let sim = &gw.sim;
        wait_until(&mut h, "the slow request to be sent", |_| {
            sim.requests().iter().any(|r| r.path.contains(CALL_SLOW))
        });
        relay.go_away();
        wait_reply(&mut h, "the broken query");
        let m = shown_error(&h).expect("an error is shown");
        assert!(m.contains("retry"), "{m}");
        assert!(!h.state().is_running(), "no spinner left behind");

        relay.come_back();
        pick(&mut h, CALL_ASCII);
        wait_reply(&mut h, "the retry");
        assert_eq!(
            shown_error(&h),
            None,
            "the retry after the gateway came back"
        );
        assert!(h.state().inspection().is_some());
    }
}

#[cfg(unix)]
#[test]
fn cli_export_killed_at_any_moment_leaves_the_old_file_or_the_whole_new_one() {
    let gw = gateway(no_limit());
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("call.raw");
    let guid = gw.sim.demo_guid();
    let args = [
        "--agent",
        "1001",
        "--call-id",
        CALL_20MIB,
        "--encoded",
        "--output",
        "raw",
        "--out",
        &target.to_string_lossy(),
    ];
    // The complete export, for comparison.
    let full = query_cmd(&gw, gw.sim.port(), guid.expose(), &args)
        .output()
        .expect("runs");
    assert_eq!(full.status.code(), Some(0), "{full:?}");
    let complete = std::fs::read(&target).expect("exported");
    assert!(complete.len() > 20 << 20);

    // Killed (SIGKILL: no clean-up runs) at moments spread over the query, the write and the
    // rename: the chosen name always holds the old file or the complete new one.
    for step in 0..12u64 {
        std::fs::write(&target, b"old export").expect("old file");
        let mut child = query_cmd(&gw, gw.sim.port(), guid.expose(), &args)
            .spawn()
            .expect("spawns");
        std::thread::sleep(Duration::from_millis(40 * step));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read(&target).expect("the file is there");
        assert!(
            now == b"old export" || now == complete,
            "killed after {} ms: {} bytes under the chosen name",
            40 * step,
            now.len()
        );
    }
}

mod session {
    //! The gateway going away in the middle of a signed-in session, through the real worker:
    //! a short outage is ridden out by the keeper's polls; a long one (the gateway signs the
    //! agent out meanwhile) is reported as a lost session in plain words, and signing in again
    //! makes queries work.

    use super::*;
    use calldata_inspector::keystore::Keystore;
    use calldata_inspector::secret::{Guid, Password};
    use calldata_inspector::simulator::data::SUPERVISOR_PASSWORD;
    use calldata_inspector::worker::{
        Connection, Event, KeystoreSource, QuerySpec, Request, SessionState, Worker,
    };

    const PATIENCE: Duration = Duration::from_secs(60);

    fn wait_for<T>(w: &Worker, mut done: impl FnMut(&Event) -> Option<T>) -> T {
        let start = Instant::now();
        let mut seen = Vec::new();
        loop {
            for ev in w.drain() {
                if let Some(t) = done(&ev) {
                    return t;
                }
                seen.push(ev);
            }
            assert!(
                start.elapsed() < PATIENCE,
                "no matching event; saw {seen:?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn sign_in(w: &mut Worker, c: &Connection, force: bool) -> Result<Guid, String> {
        let id = w.next_id();
        w.send(Request::SignIn {
            id,
            conn: Box::new(c.clone()),
            password: Password::new(SUPERVISOR_PASSWORD),
            phone: None,
            force,
        });
        wait_for(w, |ev| match ev {
            Event::SignedIn { id: i, guid, .. } if *i == id => Some(Ok(guid.clone())),
            Event::SignInFailed { id: i, message } if *i == id => Some(Err(message.clone())),
            Event::SignInConflict { id: i } if *i == id => Some(Err("conflict".into())),
            _ => None,
        })
    }

    fn query_ok(w: &mut Worker, c: &Connection) -> Result<(), String> {
        let id = w.next_id();
        w.send(Request::Query {
            id,
            spec: Box::new(QuerySpec {
                conn: c.clone(),
                call_id: CALL_ASCII.to_owned(),
                encoded: false,
                charset: None,
            }),
        });
        wait_for(w, |ev| match ev {
            Event::QueryDone { id: i, inspection } if *i == id => {
                Some(inspection.error.clone().map_or(Ok(()), Err))
            }
            Event::QueryFailed { id: i, message, .. } if *i == id => Some(Err(message.clone())),
            _ => None,
        })
    }

    #[test]
    fn gateway_going_away_mid_session() {
        let gw = gateway(SimConfig {
            poll_hold: Duration::from_millis(500),
            missed_poll_timeout: Duration::from_secs(3),
            ..no_limit()
        });
        let relay = Relay::start(gw.sim.port());
        let mut w = Worker::start(KeystoreSource::Given(Arc::new(Keystore::mock())), || {})
            .expect("worker starts");
        let c = Connection {
            host: "127.0.0.1".into(),
            port: relay.port,
            agent: calldata_inspector::simulator::data::SUPERVISOR_AGENT.to_string(),
            ca_file: Some(gw.ca.clone()),
            ca_pem: None,
            insecure: false,
            guid: Guid::new("unused").expect("guid"),
            timeout: Duration::from_secs(10),
            profile: Some("sup".into()),
            pin_sha256: None,
            max_reply_mib: None,
        };
        sign_in(&mut w, &c, false).expect("signed in");
        query_ok(&mut w, &c).expect("a query while signed in");

        // A short outage, well inside the gateway's missed-poll limit: polls fail, the
        // keeper keeps trying, and once the gateway is back the session simply goes on.
        relay.go_away();
        std::thread::sleep(Duration::from_millis(600));
        relay.come_back();
        let polls_before = gw
            .sim
            .requests()
            .iter()
            .filter(|r| r.path.contains("/agentevent/"))
            .count();
        wait_for(&w, |ev| match ev {
            Event::Session(s) if s.state == SessionState::SignedIn && s.last_poll.is_some() => {
                let polls = gw
                    .sim
                    .requests()
                    .iter()
                    .filter(|r| r.path.contains("/agentevent/"))
                    .count();
                (polls > polls_before).then_some(())
            }
            Event::Session(s) if s.state != SessionState::SignedIn => {
                panic!("a short outage lost the session: {s:?}")
            }
            _ => None,
        });
        query_ok(&mut w, &c).expect("a query after the short outage");

        // A long outage: the gateway signs the agent out for missing polls meanwhile. When it
        // is reachable again, the keeper learns the session is gone and says so.
        relay.go_away();
        let agent = calldata_inspector::simulator::data::SUPERVISOR_AGENT;
        let start = Instant::now();
        while gw.sim.is_signed_in(agent) {
            assert!(
                start.elapsed() < PATIENCE,
                "the gateway never dropped the session"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        relay.come_back();
        let why = wait_for(&w, |ev| match ev {
            Event::Session(s) => match &s.state {
                SessionState::Lost(why) => Some(why.clone()),
                _ => None,
            },
            _ => None,
        });
        assert!(
            why.contains("100-006") && why.contains("signed in"),
            "{why}"
        );
        // Signing in again makes everything work.
        sign_in(&mut w, &c, false).expect("signed in again");
        query_ok(&mut w, &c).expect("a query after signing in again");
    }
}
