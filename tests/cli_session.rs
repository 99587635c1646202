//! `signin`, `signout` and `calls` against the simulator over HTTPS: the whole chain with an
//! in-memory keyring (in process), the exit-code scheme shared with `query`, and the real
//! binary's usage errors. The session GUID and the password never appear in any output.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use calldata_inspector::cli::calls::{self, CallsArgs, CallsFormat};
use calldata_inspector::cli::signin::{self, Env, SignInArgs};
use calldata_inspector::cli::signout::{self, SignOutArgs};
use calldata_inspector::keystore::Keystore;
use calldata_inspector::profiles::{Profile, ProfileStore};
use calldata_inspector::simulator::data::{
    CALL_CURRENT, DEMO_AGENT, DEMO_CALLS, DEMO_PASSWORD, SUPERVISOR_AGENT, SUPERVISOR_PASSWORD,
};
use calldata_inspector::simulator::{SimConfig, SimulatorThread};

const BIN: &str = env!("CARGO_BIN_EXE_calldata-inspector");

struct Fixture {
    sim: SimulatorThread,
    profiles: ProfileStore,
    keys: Keystore,
    cfg_dir: tempfile::TempDir,
    _certs: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        let certs = tempfile::tempdir().unwrap();
        let sim = SimulatorThread::start(SimConfig {
            cert_dir: Some(certs.path().to_path_buf()),
            ..SimConfig::default()
        })
        .unwrap();
        let cfg_dir = tempfile::tempdir().unwrap();
        let profiles = ProfileStore::in_dir(cfg_dir.path());
        let ca: PathBuf = sim.ca_path().unwrap();
        for (name, agent, port) in [
            ("sup", SUPERVISOR_AGENT, sim.port()),
            ("demo", DEMO_AGENT, sim.port()),
            ("gone", SUPERVISOR_AGENT, closed_port()),
        ] {
            profiles
                .upsert(Profile {
                    name: name.into(),
                    host: sim.host(),
                    port,
                    agent: agent.to_string(),
                    ca_file: Some(ca.clone()),
                    ..Profile::default()
                })
                .unwrap();
        }
        Self {
            sim,
            profiles,
            keys: Keystore::mock(),
            cfg_dir,
            _certs: certs,
        }
    }

    /// Runs one command in process: (exit code, stdout, stderr).
    fn run(&self, stdin: &str, f: impl FnOnce(Env<'_>) -> u8) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = f(Env {
            profiles: &self.profiles,
            keys: &self.keys,
            stdin: &mut stdin.as_bytes(),
            stdout: &mut out,
            stderr: &mut err,
        });
        let (out, err) = (
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        );
        // Whatever happened, the live GUIDs and passwords are nowhere in the output.
        for agent in [SUPERVISOR_AGENT, DEMO_AGENT] {
            if let Some(g) = self.sim.guid_of(agent) {
                assert!(!out.contains(g.expose()) && !err.contains(g.expose()));
            }
        }
        for secret in [SUPERVISOR_PASSWORD, DEMO_PASSWORD, "Xq9-nope"] {
            assert!(!out.contains(secret) && !err.contains(secret), "{out}{err}");
        }
        (code, out, err)
    }

    fn signin(&self, profile: &str, password: &str, force: bool) -> (u8, String, String) {
        let args = SignInArgs {
            profile: profile.into(),
            password_stdin: true,
            force,
            timeout: 20,
        };
        self.run(&format!("{password}\n"), |env| signin::run(&args, env))
    }

    fn signout(&self, profile: &str) -> (u8, String, String) {
        let args = SignOutArgs {
            profile: profile.into(),
            timeout: 20,
        };
        self.run("", |env| signout::run(&args, env))
    }

    fn calls(&self, profile: &str, workno: Option<u32>, json: bool) -> (u8, String, String) {
        let args = CallsArgs {
            profile: profile.into(),
            workno: workno.map(|w| w.to_string().parse().unwrap()),
            output: if json {
                CallsFormat::Json
            } else {
                CallsFormat::Table
            },
            timeout: 20,
        };
        self.run("", |env| calls::run(&args, None, env))
    }

    fn binary(&self, args: &[&str], stdin: &str) -> Output {
        use std::io::Write;
        let mut child = Command::new(BIN)
            .args(args)
            .env("CALLDATA_INSPECTOR_CONFIG_DIR", self.cfg_dir.path())
            .env_remove("CALLDATA_GUID")
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A usage error exits before reading stdin; the closed pipe is then expected.
        let written = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        if let Err(e) = written {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
        child.wait_with_output().unwrap()
    }

    fn sent(&self, what: &str) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| r.path.contains(what))
            .count()
    }
}

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn signin_calls_signout_chain_keeps_the_guid_in_the_keyring_only() {
    let f = Fixture::new();
    assert!(!f.sim.is_signed_in(SUPERVISOR_AGENT));
    let (code, out, err) = f.signin("sup", SUPERVISOR_PASSWORD, false);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Signed in agent 1002"), "{out}");
    assert!(f.sim.is_signed_in(SUPERVISOR_AGENT));
    let stored = f.keys.load("sup").unwrap().expect("GUID in the keyring");
    assert_eq!(Some(&stored), f.sim.guid_of(SUPERVISOR_AGENT).as_ref());

    // The supervisor has no calls of its own: a clear "no calls", exit 0.
    let (code, out, err) = f.calls("sup", None, false);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "No calls.");
    // The demo agent's calls by work number, as a table and as JSON.
    let (code, out, err) = f.calls("sup", Some(DEMO_AGENT), false);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), DEMO_CALLS.len() + 1, "{out}");
    assert!(out.lines().next().unwrap().starts_with("CALL ID"));
    let (code, out, _) = f.calls("sup", Some(DEMO_AGENT), true);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["workno"], DEMO_AGENT);
    assert_eq!(v["calls"].as_array().unwrap().len(), DEMO_CALLS.len());

    let (code, out, err) = f.signout("sup");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Signed out"), "{out}");
    assert!(!f.sim.is_signed_in(SUPERVISOR_AGENT));
    assert_eq!(f.keys.load("sup").unwrap(), None);
    // Nothing left to sign out: usage error, nothing sent.
    let before = f.sent("/logout");
    assert_eq!(f.signout("sup").0, 2);
    assert_eq!(f.sent("/logout"), before);
}

#[test]
fn own_calls_list_current_and_held_with_details() {
    let f = Fixture::new();
    let (code, _, err) = f.signin("demo", DEMO_PASSWORD, true);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = f.calls("demo", None, true);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let calls = v["calls"].as_array().unwrap();
    let current = calls.iter().find(|c| c["call_id"] == CALL_CURRENT).unwrap();
    assert_eq!(current["held"], false);
    assert!(current["caller"].as_str().unwrap().starts_with("138"));
    assert!(current["duration"].as_u64().is_some());
    assert_eq!(calls.iter().filter(|c| c["held"] == true).count(), 2);
    assert_eq!(f.signout("demo").0, 0);
}

#[test]
fn exit_codes_follow_the_query_scheme() {
    let f = Fixture::new();
    // 3: the gateway refuses (already signed in; wrong password), with what to do.
    let (code, _, err) = f.signin("demo", DEMO_PASSWORD, false);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("100-002") && err.contains("--force"), "{err}");
    let (code, _, err) = f.signin("sup", "Xq9-nope", false);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("100-004"), "{err}");
    assert_eq!(f.keys.load("sup").unwrap(), None);
    // 2: unknown profile, no GUID for calls, empty stdin; nothing is sent.
    let before = f.sim.requests().len();
    assert_eq!(f.signin("nope", "x", false).0, 2);
    let (code, _, err) = f.calls("sup", None, false);
    assert_eq!(code, 2);
    assert!(err.contains("signin --profile sup"), "{err}");
    let args = SignInArgs {
        profile: "sup".into(),
        password_stdin: true,
        force: false,
        timeout: 5,
    };
    let (code, _, err) = f.run("", |env| signin::run(&args, env));
    assert_eq!(code, 2);
    assert!(err.contains("standard input is empty"), "{err}");
    assert_eq!(f.sim.requests().len(), before);
    // 4: the gateway cannot be reached.
    let (code, _, err) = f.signin("gone", SUPERVISOR_PASSWORD, false);
    assert_eq!(code, 4, "{err}");
    // A session killed on the gateway: calls says so (3), signout still clears the stale GUID.
    assert_eq!(f.signin("sup", SUPERVISOR_PASSWORD, false).0, 0);
    assert!(f.sim.kill_session(SUPERVISOR_AGENT));
    let (code, _, err) = f.calls("sup", Some(DEMO_AGENT), false);
    assert_eq!(code, 3);
    assert!(err.contains("100-006"), "{err}");
    let (code, out, _) = f.signout("sup");
    assert_eq!(code, 0);
    assert!(out.contains("no longer signed in"), "{out}");
    assert_eq!(f.keys.load("sup").unwrap(), None);
}

#[test]
fn binary_usage_errors_send_nothing() {
    let f = Fixture::new();
    for args in [
        &["signin", "--profile", "sup"][..],
        &["signin", "--profile", "nope", "--password-stdin"],
        &["calls", "--profile", "sup", "--workno", "12x"],
        &["calls", "--profile", "sup", "--output", "xml"],
        &["signout"],
    ] {
        let out = f.binary(args, "pw\n");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(!out.stderr.is_empty());
    }
    assert!(f.sim.requests().is_empty());
    let help = f.binary(&["signin", "--help"], "");
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("--password-stdin"));
}

#[test]
fn binary_signin_without_a_keyring_refuses_before_sending() {
    if std::env::var("CALLDATA_INSPECTOR_REAL_KEYRING").as_deref() == Ok("1") {
        // scripts/test runs inside a D-Bus session with a keyring: the whole chain runs
        // through the binary there (binary_chain_with_a_real_keyring).
        return;
    }
    let f = Fixture::new();
    let out = f.binary(
        &["signin", "--profile", "sup", "--password-stdin"],
        &format!("{SUPERVISOR_PASSWORD}\n"),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("keyring"), "{err}");
    assert!(f.sim.requests().is_empty());
    assert!(!f.sim.is_signed_in(SUPERVISOR_AGENT));
}

#[test]
fn binary_chain_with_a_real_keyring() {
    if std::env::var("CALLDATA_INSPECTOR_REAL_KEYRING").as_deref() != Ok("1") {
        eprintln!(
            "NOTICE: binary_chain_with_a_real_keyring skipped: run inside \
             `dbus-run-session -- scripts/with-keyring cargo test --test cli_session` (scripts/test does)."
        );
        return;
    }
    let f = Fixture::new();
    let out = f.binary(
        &["signin", "--profile", "sup", "--password-stdin"],
        &format!("{SUPERVISOR_PASSWORD}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let guid = f.sim.guid_of(SUPERVISOR_AGENT).expect("signed in");
    let out = f.binary(
        &[
            "calls",
            "--profile",
            "sup",
            "--workno",
            &DEMO_AGENT.to_string(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(CALL_CURRENT), "{text}");
    assert!(!text.contains(guid.expose()));
    let out = f.binary(&["signout", "--profile", "sup"], "");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(!f.sim.is_signed_in(SUPERVISOR_AGENT));
}

#[test]
fn profile_add_makes_a_sign_in_profile_with_a_phone() {
    let f = Fixture::new();
    let out = f.binary(
        &[
            "profile",
            "add",
            "desk",
            "--host",
            "gw.example",
            "--agent",
            "1002",
            "--sign-in",
            "--phone",
            " 6001 ",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let p = f.profiles.get("desk").unwrap();
    assert_eq!(p.auth, calldata_inspector::profiles::AuthMode::SignIn);
    assert_eq!(p.phone.as_deref(), Some("6001"));
    assert_eq!(f.profiles.get("sup").unwrap().phone, None);
}

#[test]
fn profile_certificate_pin_applies_to_signin() {
    let f = Fixture::new();
    let mut p = f.profiles.get("sup").unwrap();
    p.name = "pinned".into();
    p.ca_file = None;
    p.pin_sha256 = Some(vec!["AB"; 32].join(":"));
    f.profiles.upsert(p.clone()).unwrap();
    // A certificate other than the pinned one is refused before any sign-in is sent.
    let (code, _, err) = f.signin("pinned", SUPERVISOR_PASSWORD, false);
    assert_eq!(code, 4, "{err}");
    assert!(!f.sim.is_signed_in(SUPERVISOR_AGENT));
    assert_eq!(f.sent("/onlineagent/"), 0);
    // A pin that is not a fingerprint is a usage error.
    p.pin_sha256 = Some("not-a-fingerprint".into());
    f.profiles.upsert(p).unwrap();
    assert_eq!(f.signin("pinned", SUPERVISOR_PASSWORD, false).0, 2);
}
