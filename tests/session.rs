//! Sessions through the real worker against the simulator over HTTPS: sign-in, keep-alive
//! across GUID rotations, lost sessions, pasted GUIDs that must never poll, call listings and
//! the per-agent rate limit as seen in the simulator's own request log.

use std::sync::Arc;
use std::time::{Duration, Instant};

use calldata_inspector::keystore::Keystore;
use calldata_inspector::secret::{Guid, Password};
use calldata_inspector::simulator::data::{
    CALL_ASCII, CALL_CURRENT, DEMO_AGENT, DEMO_CALLS, DEMO_PASSWORD, SUPERVISOR_AGENT,
    SUPERVISOR_PASSWORD,
};
use calldata_inspector::simulator::{SimConfig, SimulatorThread};
use calldata_inspector::worker::{
    Connection, Event, KeystoreSource, QuerySpec, Request, SessionState, Worker,
};

/// Long enough for any single answer on a loaded 2-core machine; never a performance claim.
const PATIENCE: Duration = Duration::from_secs(60);

fn worker() -> Worker {
    Worker::start(KeystoreSource::Given(Arc::new(Keystore::mock())), || {}).unwrap()
}

fn conn(sim: &SimulatorThread, agent: u32, guid: Guid) -> Connection {
    Connection {
        host: sim.host(),
        port: sim.port(),
        agent: agent.to_string(),
        ca_file: None,
        ca_pem: Some(Arc::new(sim.ca_pem())),
        insecure: false,
        guid,
        timeout: Duration::from_secs(20),
        profile: Some(format!("p{agent}")),
        pin_sha256: None,
        max_reply_mib: None,
    }
}

/// A placeholder GUID for requests whose GUID the worker ignores (sign-in).
fn no_guid() -> Guid {
    Guid::new("unused").unwrap()
}

/// Collects events until `done` says stop; every event seen is kept in `seen`.
fn wait_for<T>(w: &Worker, seen: &mut Vec<Event>, mut done: impl FnMut(&Event) -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        for ev in w.drain() {
            let hit = done(&ev);
            seen.push(ev);
            if let Some(t) = hit {
                return t;
            }
        }
        assert!(
            start.elapsed() < PATIENCE,
            "no matching event; saw {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn sign_in(w: &mut Worker, c: &Connection, password: &str, force: bool) -> Guid {
    let id = w.next_id();
    w.send(Request::SignIn {
        id,
        conn: Box::new(c.clone()),
        password: Password::new(password),
        phone: None,
        force,
    });
    let mut seen = Vec::new();
    wait_for(w, &mut seen, |ev| match ev {
        Event::SignedIn { id: i, guid, .. } if *i == id => Some(guid.clone()),
        Event::SignInFailed { id: i, message } if *i == id => panic!("sign-in failed: {message}"),
        Event::SignInConflict { id: i } if *i == id => panic!("unexpected conflict"),
        _ => None,
    })
}

/// Sends a query and returns its retcode (None: no envelope) or panics on a transport failure.
fn query(w: &mut Worker, c: &Connection, call: &str, seen: &mut Vec<Event>) -> Option<String> {
    let id = w.next_id();
    w.send(Request::Query {
        id,
        spec: Box::new(QuerySpec {
            conn: c.clone(),
            call_id: call.to_owned(),
            encoded: false,
            charset: None,
        }),
    });
    wait_for(w, seen, |ev| match ev {
        Event::QueryDone { id: i, inspection } if *i == id => Some(inspection.retcode.clone()),
        Event::QueryFailed { id: i, message, .. } if *i == id => panic!("query failed: {message}"),
        _ => None,
    })
}

fn rotating_sim() -> SimulatorThread {
    SimulatorThread::start(SimConfig {
        guid_rotation: Some(Duration::from_secs(2)),
        // An old GUID dies soon after rotating, so only adopting every new one keeps working
        // (with room for a stall of several seconds on a loaded machine).
        guid_timeout: Duration::from_secs(8),
        // Without the keeper's polls the simulator would sign the agent out within the run.
        missed_poll_timeout: Duration::from_secs(10),
        poll_hold: Duration::from_secs(10),
        ..SimConfig::default()
    })
    .unwrap()
}

fn count_polls(sim: &SimulatorThread) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path.contains("/agentevent/"))
        .count()
}

#[test]
fn signed_in_profile_keeps_querying_for_30_s_across_rotations() {
    let sim = rotating_sim();
    let mut w = worker();
    let c = conn(&sim, SUPERVISOR_AGENT, no_guid());
    let first = sign_in(&mut w, &c, SUPERVISOR_PASSWORD, false);
    // The UI keeps sending the GUID it got at sign-in; the keeper must swap in the live one.
    let stale = conn(&sim, SUPERVISOR_AGENT, first);
    let mut seen = Vec::new();
    let start = Instant::now();
    let mut queries = 0;
    while start.elapsed() < Duration::from_secs(30) {
        let rc = query(&mut w, &stale, CALL_ASCII, &mut seen);
        assert_eq!(
            rc.as_deref(),
            Some("0"),
            "query {queries} failed; saw {seen:?}"
        );
        queries += 1;
        std::thread::sleep(Duration::from_millis(700));
    }
    let rotations = seen
        .iter()
        .filter_map(|e| match e {
            Event::Session(s) => Some(s.rotations),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    assert!(rotations >= 5, "only {rotations} rotations adopted in 30 s");
    assert!(
        seen.iter()
            .all(|e| !matches!(e, Event::Session(s) if s.state != SessionState::SignedIn)),
        "the session was lost: {seen:?}"
    );
    assert!(sim.is_signed_in(SUPERVISOR_AGENT));
    assert!(count_polls(&sim) >= 3, "the keeper did not poll");
    assert!(queries >= 10);
    // Shutting the worker down signs the session out.
    drop(w);
    assert!(
        !sim.is_signed_in(SUPERVISOR_AGENT),
        "not signed out on shutdown"
    );
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.method == "DELETE" && r.path.ends_with("/logout"))
    );
}

#[test]
fn pasted_guid_profile_sends_no_event_polls_and_adopts_set_guid() {
    let sim = rotating_sim();
    let mut w = worker();
    let c = conn(&sim, DEMO_AGENT, sim.demo_guid());
    let mut seen = Vec::new();
    let start = Instant::now();
    // Longer than the GUID timeout: the pasted GUID itself has expired by the end.
    while start.elapsed() < Duration::from_secs(14) {
        let rc = query(&mut w, &c, CALL_ASCII, &mut seen);
        assert_eq!(rc.as_deref(), Some("0"), "saw {seen:?}");
        std::thread::sleep(Duration::from_millis(700));
    }
    // The GUID rotated server-side and came back on replies; the keeper used it.
    assert!(seen.iter().any(|e| matches!(e, Event::GuidRotated { .. })));
    drop(w);
    let log = sim.requests();
    assert!(
        log.iter().all(|r| r.path.contains("/calldata/")),
        "a pasted GUID must only ever query: {:?}",
        log.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
    assert_eq!(count_polls(&sim), 0);
    assert!(sim.is_signed_in(DEMO_AGENT));
}

#[test]
fn killed_session_is_reported_and_re_established() {
    let sim = rotating_sim();
    let mut w = worker();
    let c = conn(&sim, SUPERVISOR_AGENT, no_guid());
    let guid = sign_in(&mut w, &c, SUPERVISOR_PASSWORD, false);
    let mut seen = Vec::new();
    // Wait until the keeper's first poll answered, then pull the session from under it.
    wait_for(&w, &mut seen, |ev| match ev {
        Event::Session(s) if s.last_poll.is_some() => Some(()),
        _ => None,
    });
    assert!(sim.kill_session(SUPERVISOR_AGENT));
    let why = wait_for(&w, &mut seen, |ev| match ev {
        Event::Session(s) => match &s.state {
            SessionState::Lost(why) => Some(why.clone()),
            _ => None,
        },
        _ => None,
    });
    assert!(why.contains("100-006"), "{why}");
    let polls_after_loss = count_polls(&sim);
    // Signing in again brings it back; queries work with the new session.
    let again = sign_in(&mut w, &c, SUPERVISOR_PASSWORD, false);
    assert_ne!(again, guid);
    let rc = query(
        &mut w,
        &conn(&sim, SUPERVISOR_AGENT, again),
        CALL_ASCII,
        &mut seen,
    );
    assert_eq!(rc.as_deref(), Some("0"));
    wait_for(&w, &mut seen, |ev| match ev {
        Event::Session(s) if s.state == SessionState::SignedIn && s.last_poll.is_some() => Some(()),
        _ => None,
    });
    assert!(count_polls(&sim) > polls_after_loss);
}

#[test]
fn already_signed_in_agent_needs_forcing() {
    let sim = SimulatorThread::start(SimConfig::default()).unwrap();
    let mut w = worker();
    let c = conn(&sim, DEMO_AGENT, no_guid());
    let id = w.next_id();
    w.send(Request::SignIn {
        id,
        conn: Box::new(c.clone()),
        password: Password::new(DEMO_PASSWORD),
        phone: None,
        force: false,
    });
    let mut seen = Vec::new();
    wait_for(&w, &mut seen, |ev| match ev {
        Event::SignInConflict { id: i } if *i == id => Some(()),
        Event::SignedIn { .. } | Event::SignInFailed { .. } => panic!("{ev:?}"),
        _ => None,
    });
    let old = sim.demo_guid();
    let new = sign_in(&mut w, &c, DEMO_PASSWORD, true);
    assert_ne!(new, old);
    // A wrong password is a plain failure, not a conflict.
    let id = w.next_id();
    w.send(Request::SignIn {
        id,
        conn: Box::new(conn(&sim, SUPERVISOR_AGENT, no_guid())),
        password: Password::new("Xq9-nope"),
        phone: None,
        force: false,
    });
    let msg = wait_for(&w, &mut seen, |ev| match ev {
        Event::SignInFailed { id: i, message } if *i == id => Some(message.clone()),
        _ => None,
    });
    assert!(
        msg.contains("100-004") && !msg.contains("Xq9-nope"),
        "{msg}"
    );
    // Signing out on request ends the session on the gateway.
    let id = w.next_id();
    w.send(Request::SignOut {
        id,
        conn: Box::new(conn(&sim, DEMO_AGENT, new)),
    });
    let result = wait_for(&w, &mut seen, |ev| match ev {
        Event::SignedOut { id: i, result } if *i == id => Some(result.clone()),
        _ => None,
    });
    assert_eq!(result, Ok(()));
    assert!(!sim.is_signed_in(DEMO_AGENT));
}

#[test]
fn call_lists_own_held_and_by_work_number() {
    let sim = SimulatorThread::start(SimConfig::default()).unwrap();
    let mut w = worker();
    let mut seen = Vec::new();
    let mut list = |w: &mut Worker, c: &Connection, workno: Option<&str>| {
        let id = w.next_id();
        w.send(Request::ListCalls {
            id,
            conn: Box::new(c.clone()),
            workno: workno.map(str::to_owned),
        });
        wait_for(w, &mut seen, |ev| match ev {
            Event::CallsListed { id: i, result } if *i == id => Some(result.clone()),
            _ => None,
        })
    };
    let demo = conn(&sim, DEMO_AGENT, sim.demo_guid());
    let own = list(&mut w, &demo, None).unwrap();
    let current = own.iter().find(|c| c.call_id == CALL_CURRENT).unwrap();
    assert!(!current.held && !current.caller.is_empty() && current.duration.is_some());
    assert!(
        current
            .start_time
            .as_deref()
            .is_some_and(|t| t.ends_with("UTC"))
    );
    assert_eq!(own.iter().filter(|c| c.held).count(), 2, "{own:?}");
    // A supervisor signed in by the app lists the demo agent's calls by work number.
    let sup = conn(&sim, SUPERVISOR_AGENT, no_guid());
    let g = sign_in(&mut w, &sup, SUPERVISOR_PASSWORD, false);
    let sup = conn(&sim, SUPERVISOR_AGENT, g);
    let theirs = list(&mut w, &sup, Some(&DEMO_AGENT.to_string())).unwrap();
    assert_eq!(theirs.len(), DEMO_CALLS.len());
    assert!(theirs.iter().all(|c| c.workno == DEMO_AGENT.to_string()));
    // Another agent without calls: empty, not an error; a bad work number: a clear message.
    assert!(list(&mut w, &sup, None).unwrap().is_empty());
    let e = list(&mut w, &sup, Some("12x")).unwrap_err();
    assert!(e.contains("12x"), "{e}");
}

#[test]
fn fifty_rapid_queries_never_exceed_5_per_2_s_in_the_simulator_log() {
    let sim = SimulatorThread::start(SimConfig::default()).unwrap();
    let mut w = worker();
    let c = conn(&sim, DEMO_AGENT, sim.demo_guid());
    let ids: Vec<u64> = (0..50)
        .map(|_| {
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
            id
        })
        .collect();
    let mut seen = Vec::new();
    let mut done = 0;
    wait_for(&w, &mut seen, |ev| {
        match ev {
            Event::QueryDone { id, inspection } if ids.contains(id) => {
                assert_eq!(inspection.retcode.as_deref(), Some("0"), "{inspection:?}");
                done += 1;
            }
            Event::QueryFailed { message, .. } => panic!("{message}"),
            _ => {}
        }
        (done == 50).then_some(())
    });
    // Queued requests were reported as waiting, not failed.
    assert!(seen.iter().any(|e| matches!(e, Event::Waiting { .. })));
    let log: Vec<Instant> = sim
        .requests()
        .iter()
        .filter(|r| r.agent == Some(DEMO_AGENT) && r.path.contains("/calldata/"))
        .map(|r| r.at)
        .collect();
    assert_eq!(log.len(), 50);
    let window = Duration::from_secs(2);
    let worst = log
        .iter()
        .map(|end| {
            log.iter()
                .filter(|t| *t <= end && end.duration_since(**t) < window)
                .count()
        })
        .max()
        .unwrap_or(0);
    assert!(worst <= 5, "{worst} requests within 2 s");
    assert!(
        sim.requests()
            .iter()
            .all(|r| r.retcode.as_deref() != Some("000-007"))
    );
}
