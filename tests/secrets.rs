//! Secrets never leave the keyring and the request header. Every flow runs with canaries: a
//! live session GUID the simulator issued, a made-up GUID for the error paths, and the agent
//! passwords. Afterwards every file the app wrote (profiles, logs, exports, crash output,
//! eframe storage) and every stdout/stderr byte is scanned: zero hits. Debug and Display of
//! every type that holds a secret redact it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use calldata_inspector::cli::signin::{self, Env, SignInArgs};
use calldata_inspector::cli::signout::{self, SignOutArgs};
use calldata_inspector::keystore::Keystore;
use calldata_inspector::profiles::{Profile, ProfileStore};
use calldata_inspector::secret::{Guid, Password};
use calldata_inspector::simulator::data::{
    CALL_ASCII, CALL_BAD_BASE64, CALL_HTML_502, CALL_ZH_GBK, DEMO_AGENT, SUPERVISOR_AGENT,
    SUPERVISOR_PASSWORD,
};
use calldata_inspector::simulator::{SimConfig, SimulatorThread};
use calldata_inspector::worker::Connection;

#[allow(dead_code)]
#[path = "ui_app/common.rs"]
mod common;

const BIN: &str = env!("CARGO_BIN_EXE_calldata-inspector");

/// A GUID-shaped canary for the paths where the gateway refuses it.
const CANARY_GUID: &str = "c4na7y00-5ec7-4e75-9d11-0a0b0c0d0e0f.AgentGateway9";
/// A password canary the gateway refuses.
const CANARY_PASSWORD: &str = "Canary-Pa55word-7f3e";

/// Everything one test's flows may write, under one folder that is scanned at the end.
struct Scene {
    sim: SimulatorThread,
    root: tempfile::TempDir,
    ca: PathBuf,
    /// Every stdout/stderr captured so far.
    streams: Vec<(String, Vec<u8>)>,
}

impl Scene {
    fn new() -> Scene {
        let root = tempfile::tempdir().expect("temp dir");
        for d in ["certs", "config", "logs", "exports", "state"] {
            std::fs::create_dir_all(root.path().join(d)).expect("folder");
        }
        let sim = SimulatorThread::start(SimConfig {
            cert_dir: Some(root.path().join("certs")),
            rate_limit: None,
            slow_delay: Duration::from_secs(2),
            ..SimConfig::default()
        })
        .expect("simulator starts");
        let ca = sim.ca_path().expect("CA written");
        Scene {
            sim,
            root,
            ca,
            streams: Vec::new(),
        }
    }

    fn dir(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    /// The binary with its config, logs and state inside the scene, English messages.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("CALLDATA_INSPECTOR_CONFIG_DIR", self.dir("config"))
            .env("CALLDATA_INSPECTOR_LOG_DIR", self.dir("logs"))
            .env("XDG_STATE_HOME", self.dir("state"))
            .env("LC_ALL", "C")
            .env_remove("CALLDATA_GUID")
            .env_remove("RUST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Runs the binary with `guid` in CALLDATA_GUID (or on stdin) and keeps its streams.
    fn run(&mut self, args: &[&str], env_guid: Option<&str>, stdin: &str) -> Output {
        use std::io::Write;
        let mut cmd = self.command(args);
        if let Some(g) = env_guid {
            cmd.env("CALLDATA_GUID", g);
        }
        let mut child = cmd.spawn().expect("binary runs");
        if let Some(mut s) = child.stdin.take() {
            let _ = s.write_all(stdin.as_bytes());
        }
        // A stuck command (it once hung in the keyring with trace logging on) fails the test
        // instead of stalling CI.
        let done = Arc::new(AtomicBool::new(false));
        let fired = Arc::new(AtomicBool::new(false));
        let (d, f, pid) = (done.clone(), fired.clone(), child.id());
        std::thread::spawn(move || {
            let start = std::time::Instant::now();
            while !d.load(Ordering::SeqCst) {
                if start.elapsed() > Duration::from_secs(120) {
                    f.store(true, Ordering::SeqCst);
                    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        let out = child.wait_with_output().expect("binary ends");
        done.store(true, Ordering::SeqCst);
        assert!(!fired.load(Ordering::SeqCst), "{args:?} hung: {out:?}");
        let name = args.join(" ");
        self.streams
            .push((format!("stdout of {name}"), out.stdout.clone()));
        self.streams
            .push((format!("stderr of {name}"), out.stderr.clone()));
        out
    }

    fn query_args(&self, call: &str, extra: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = [
            "--log-level",
            "trace",
            "query",
            "--host",
            &self.sim.host(),
            "--port",
            &self.sim.port().to_string(),
            "--agent",
            &DEMO_AGENT.to_string(),
            "--ca-file",
            &self.ca.to_string_lossy(),
            "--call-id",
            call,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    }

    /// Scans every file under the scene and every captured stream for each secret.
    fn assert_no_secret(&self, secrets: &[&str]) {
        let mut files = Vec::new();
        walk(self.root.path(), &mut files);
        // The scan must have something to scan: logs and exports were written.
        assert!(
            files.iter().any(|f| f.starts_with(self.dir("logs"))),
            "no log file was written: {files:?}"
        );
        for secret in secrets {
            assert!(secret.len() >= 8, "a canary must be unmistakable");
            for f in &files {
                let bytes = std::fs::read(f).expect("readable");
                assert!(!contains(&bytes, secret), "a secret is in {}", f.display());
            }
            for (name, bytes) in &self.streams {
                assert!(!contains(bytes, secret), "a secret is in the {name}");
            }
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn cli_flows_leave_no_secret_anywhere() {
    let mut scene = Scene::new();
    let live = scene.sim.demo_guid();
    let live = live.expose().to_owned();
    let exports = scene.dir("exports");

    // Success in every output form, to stdout and to files, with trace logging on.
    for (call, extra) in [
        (CALL_ZH_GBK, vec!["--encoded"]),
        (CALL_ASCII, vec!["--output", "json"]),
        (CALL_ASCII, vec!["--output", "raw"]),
    ] {
        let args = scene.query_args(call, &extra);
        let out = scene.run(&strs(&args), Some(&live), "");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
    }
    for (i, format) in ["json", "raw", "decoded"].iter().enumerate() {
        let file = exports.join(format!("export-{i}.{format}"));
        let args = scene.query_args(
            CALL_ASCII,
            &["--output", format, "--out", &file.to_string_lossy()],
        );
        let out = scene.run(&strs(&args), Some(&live), "");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert!(file.is_file());
    }
    // The GUID on standard input.
    let args = scene.query_args(CALL_ASCII, &["--guid-stdin"]);
    let out = scene.run(&strs(&args), None, &format!("{live}\n"));
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    // Errors: a refused GUID, an HTTP error page, bad Base64, an unreachable gateway.
    let args = scene.query_args(CALL_ASCII, &[]);
    let out = scene.run(&strs(&args), Some(CANARY_GUID), "");
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let args = scene.query_args(CALL_HTML_502, &[]);
    assert_eq!(
        scene.run(&strs(&args), Some(&live), "").status.code(),
        Some(4)
    );
    let args = scene.query_args(CALL_BAD_BASE64, &["--encoded"]);
    assert_eq!(
        scene.run(&strs(&args), Some(&live), "").status.code(),
        Some(5)
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut args = scene.query_args(CALL_ASCII, &[]);
    let port_at = args.iter().position(|a| a == "--port").expect("--port") + 1;
    args[port_at] = closed.to_string();
    let out = scene.run(&strs(&args), Some(CANARY_GUID), "");
    assert_eq!(out.status.code(), Some(4), "{out:?}");

    // A crash in the middle of a query, GUID in hand: the panic message and the log entry it
    // leaves name the GUID only as ***.
    let args = scene.query_args(CALL_ASCII, &[]);
    let mut cmd = scene.command(&strs(&args));
    cmd.env("CALLDATA_GUID", &live)
        .env(calldata_inspector::crash::TEST_PANIC_ENV, "query")
        .env("RUST_BACKTRACE", "1");
    let out = cmd.output().expect("binary runs");
    scene
        .streams
        .push(("stderr of the crash".into(), out.stderr.clone()));
    scene
        .streams
        .push(("stdout of the crash".into(), out.stdout.clone()));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(101), "a panic: {err}");
    assert!(
        err.contains("test crash at query holding Guid(***)"),
        "{err}"
    );
    let logs = std::fs::read_dir(scene.dir("logs"))
        .expect("log dir")
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect::<String>();
    assert!(logs.contains("test crash at query"), "the crash is logged");

    scene.assert_no_secret(&[&live, CANARY_GUID]);
}

fn in_process_env<'a>(
    profiles: &'a ProfileStore,
    keys: &'a Keystore,
    stdin: &'a mut &'static [u8],
    out: &'a mut Vec<u8>,
    err: &'a mut Vec<u8>,
) -> Env<'a> {
    Env {
        profiles,
        keys,
        stdin,
        stdout: out,
        stderr: err,
    }
}

#[test]
fn sign_in_and_out_leave_no_password_or_guid_anywhere() {
    let mut scene = Scene::new();
    let profiles = ProfileStore::in_dir(scene.dir("config"));
    profiles
        .upsert(Profile {
            name: "sup".into(),
            host: scene.sim.host(),
            port: scene.sim.port(),
            agent: SUPERVISOR_AGENT.to_string(),
            ca_file: Some(scene.ca.clone()),
            ..Profile::default()
        })
        .expect("profile saved");
    let keys = Keystore::mock();
    let args = SignInArgs {
        profile: "sup".into(),
        password_stdin: true,
        force: false,
        timeout: 20,
    };
    // A wrong password first, then the right one.
    for (password, want) in [(CANARY_PASSWORD, false), (SUPERVISOR_PASSWORD, true)] {
        let input: &'static [u8] = Box::leak(format!("{password}\n").into_boxed_str()).as_bytes();
        let mut stdin = input;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = signin::run(
            &args,
            in_process_env(&profiles, &keys, &mut stdin, &mut out, &mut err),
        );
        assert_eq!(code == 0, want, "{}", String::from_utf8_lossy(&err));
        scene.streams.push(("signin stdout".into(), out));
        scene.streams.push(("signin stderr".into(), err));
    }
    let guid = scene
        .sim
        .guid_of(SUPERVISOR_AGENT)
        .expect("signed in")
        .expose()
        .to_owned();
    assert_eq!(
        keys.load("sup")
            .expect("keyring")
            .map(|g| g.expose().to_owned()),
        Some(guid.clone()),
        "the GUID went to the keyring"
    );
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut stdin: &'static [u8] = b"";
    let code = signout::run(
        &SignOutArgs {
            profile: "sup".into(),
            timeout: 20,
        },
        in_process_env(&profiles, &keys, &mut stdin, &mut out, &mut err),
    );
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    scene.streams.push(("signout stdout".into(), out));
    scene.streams.push(("signout stderr".into(), err));

    // The binary writes a log file too; its presence makes the scan meaningful.
    let out = scene.run(&["--log-level", "trace", "profile", "list"], None, "");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    scene.assert_no_secret(&[&guid, CANARY_PASSWORD, SUPERVISOR_PASSWORD]);
}

#[test]
fn binary_sign_in_with_a_real_keyring_leaves_no_secret() {
    // Needs a Secret Service: scripts/test runs every test inside a D-Bus session with an
    // unlocked gnome-keyring (scripts/with-keyring), which sets this variable.
    if std::env::var("CALLDATA_INSPECTOR_REAL_KEYRING").as_deref() != Ok("1") {
        eprintln!(
            "NOTICE: binary_sign_in_with_a_real_keyring_leaves_no_secret skipped: run inside \
             `dbus-run-session -- scripts/with-keyring cargo test --test secrets` (scripts/test does)."
        );
        return;
    }
    let mut scene = Scene::new();
    let port = scene.sim.port().to_string();
    let agent = SUPERVISOR_AGENT.to_string();
    let ca = scene.ca.to_string_lossy().into_owned();
    let name = format!("secrets-{}", std::process::id());
    let out = scene.run(
        &[
            "profile",
            "add",
            &name,
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--agent",
            &agent,
            "--ca-file",
            &ca,
        ],
        None,
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let trace = ["--log-level", "trace"];
    let wrong = scene.run(
        &[
            &trace[..],
            &["signin", "--profile", &name, "--password-stdin"],
        ]
        .concat(),
        None,
        &format!("{CANARY_PASSWORD}\n"),
    );
    assert_ne!(wrong.status.code(), Some(0), "{wrong:?}");
    let right = scene.run(
        &[
            &trace[..],
            &["signin", "--profile", &name, "--password-stdin"],
        ]
        .concat(),
        None,
        &format!("{SUPERVISOR_PASSWORD}\n"),
    );
    assert_eq!(right.status.code(), Some(0), "{right:?}");
    let guid = scene
        .sim
        .guid_of(SUPERVISOR_AGENT)
        .expect("signed in")
        .expose()
        .to_owned();
    let query = scene.run(
        &[
            &trace[..],
            &["query", "--profile", &name, "--call-id", CALL_ASCII],
        ]
        .concat(),
        None,
        "",
    );
    assert_eq!(query.status.code(), Some(0), "{query:?}");
    let out = scene.run(
        &[&trace[..], &["signout", "--profile", &name]].concat(),
        None,
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = scene.run(&["profile", "remove", &name], None, "");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    scene.assert_no_secret(&[&guid, CANARY_PASSWORD, SUPERVISOR_PASSWORD]);
}

#[test]
fn debug_and_display_of_every_secret_holder_redact() {
    let guid = Guid::new(CANARY_GUID).expect("guid");
    let password = Password::new(CANARY_PASSWORD);
    let conn = Connection {
        host: "gw".into(),
        port: 8043,
        agent: "1001".into(),
        ca_file: None,
        ca_pem: None,
        insecure: false,
        guid: guid.clone(),
        timeout: Duration::from_secs(5),
        profile: Some("p".into()),
        pin_sha256: None,
        max_reply_mib: None,
    };
    let shown = [
        format!("{guid:?} {guid}"),
        format!("{password:?} {password}"),
        format!("{conn:?}"),
        format!(
            "{:?}",
            calldata_inspector::worker::Request::SignIn {
                id: 1,
                conn: Box::new(conn.clone()),
                password: password.clone(),
                phone: None,
                force: false,
            }
        ),
        format!(
            "{:?}",
            calldata_inspector::worker::Event::SignedIn {
                id: 1,
                profile: None,
                guid: guid.clone(),
            }
        ),
        format!(
            "{:?}",
            calldata_inspector::gateway::RawReply {
                status: 200,
                body: Vec::new(),
                content_type: None,
                set_guid: Some(guid.clone()),
                elapsed: Duration::ZERO,
                url: String::new(),
            }
        ),
    ];
    for text in &shown {
        assert!(!text.contains(CANARY_GUID), "{text}");
        assert!(!text.contains(CANARY_PASSWORD), "{text}");
        assert!(text.contains("***"), "{text}");
    }
}

mod window {
    //! The window: a GUID typed into the form, a query, a saved profile, exports and the
    //! state eframe persists.

    use super::common::*;
    use super::*;
    use calldata_inspector::worker::ExportKind;

    #[test]
    fn window_flows_leave_no_guid_in_files_or_storage() {
        let mut scene = Scene::new();
        let live = scene.sim.demo_guid().expose().to_owned();
        let fx = Fixture::new();
        let mut h = fx.harness();
        type_into(&mut h, "Profile name", "canary");
        type_into(&mut h, "Host", &scene.sim.host());
        replace_text(&mut h, "Port", &scene.sim.port().to_string());
        type_into(&mut h, "Agent ID", &DEMO_AGENT.to_string());
        type_into(&mut h, "CA certificate", &scene.ca.display().to_string());
        type_into(&mut h, "GUID", CANARY_GUID);
        // An ASCII call: the test window has no CJK font.
        type_into(&mut h, "Add call IDs", CALL_ASCII);
        click(&mut h, "Add");
        click(&mut h, "Save profile");
        wait_until(&mut h, "the keyring write", |_| {
            fx.keystore.load("canary").ok().flatten().is_some()
        });

        // The refused canary GUID: an error on screen.
        pick(&mut h, CALL_ASCII);
        wait_reply(&mut h, "the refused GUID");
        // Then the live one: a reply, exported in every form.
        replace_text(&mut h, "GUID", &live);
        pick(&mut h, CALL_ASCII);
        wait_reply(&mut h, "the live query");
        assert!(h.state().inspection().is_some(), "{:?}", h.state().state());
        for kind in [ExportKind::Raw, ExportKind::Decoded, ExportKind::Report] {
            let path = scene.dir("exports").join(format!("{kind:?}.out"));
            h.state_mut().export_to(kind, path.clone());
            wait_until(&mut h, "the export", |app| !app.export_pending());
            assert!(path.is_file(), "{kind:?} exported");
        }
        let mut storage = MemStorage::default();
        eframe::App::save(h.state_mut(), &mut storage);
        let saved: String = storage.all_text();
        std::fs::write(scene.dir("state").join("eframe-storage.txt"), saved).expect("written");
        for entry in std::fs::read_dir(fx.dir.path())
            .expect("profile dir")
            .flatten()
        {
            let to = scene.dir("config").join(entry.file_name());
            std::fs::copy(entry.path(), to).expect("copied");
        }
        // The binary adds its log so the log folder is part of the scan.
        let out = scene.run(&["--log-level", "trace", "profile", "list"], None, "");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        scene.assert_no_secret(&[&live, CANARY_GUID]);
    }
}
