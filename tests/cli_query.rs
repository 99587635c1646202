//! The `query` and `simulate` command-line contract, run as the real binary against the
//! embedded simulator: outputs, every exit code, and that the GUID never appears anywhere.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use calldata_inspector::simulator::data::{self, DEMO_AGENT, OFFLINE_AGENT};
use calldata_inspector::simulator::{SimConfig, SimulatorThread};
use sha2::Digest;

const BIN: &str = env!("CARGO_BIN_EXE_calldata-inspector");

/// A simulator with its CA written to a temp folder, as a user would run it.
struct Fixture {
    sim: SimulatorThread,
    ca: PathBuf,
    _dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimulatorThread::start(SimConfig {
            cert_dir: Some(dir.path().to_path_buf()),
            rate_limit: None,
            slow_delay: Duration::from_secs(4),
            ..SimConfig::default()
        })
        .expect("simulator starts");
        let ca = sim.ca_path().expect("CA written");
        Self { sim, ca, _dir: dir }
    }

    fn guid(&self) -> String {
        self.sim.demo_guid().expose().to_owned()
    }

    /// `query --host --port --agent DEMO --ca-file` plus `extra`.
    fn args(&self, extra: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = [
            "query",
            "--host",
            &self.sim.host(),
            "--port",
            &self.sim.port().to_string(),
            "--ca-file",
            &self.ca.to_string_lossy(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if !extra
            .iter()
            .any(|a| *a == "--agent" || a.starts_with("--agent="))
        {
            v.extend(["--agent".to_owned(), DEMO_AGENT.to_string()]);
        }
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    }

    /// Runs a query with the demo GUID in CALLDATA_GUID.
    fn query(&self, extra: &[&str]) -> Output {
        run(&self.args(extra), Some(&self.guid()), None, &self.guid())
    }
}

/// Runs the binary; checks that no output holds `secret`.
fn run(args: &[String], env_guid: Option<&str>, stdin: Option<&[u8]>, secret: &str) -> Output {
    run_with_logs(args, env_guid, stdin, secret, &[]).0
}

/// Runs the binary with its log files in a fresh folder; checks that neither the output nor
/// any log file holds `secret`, and returns the log folder for further checks.
fn run_with_logs(
    args: &[String],
    env_guid: Option<&str>,
    stdin: Option<&[u8]>,
    secret: &str,
    envs: &[(&str, &Path)],
) -> (Output, tempfile::TempDir) {
    let logs = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.envs(envs.iter().copied());
    cmd.args(args)
        .env_remove("CALLDATA_GUID")
        .env_remove("RUST_LOG")
        .env("CALLDATA_INSPECTOR_LOG_DIR", logs.path())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(g) = env_guid {
        cmd.env("CALLDATA_GUID", g);
    }
    let mut child = cmd.spawn().expect("binary runs");
    if let Some(input) = stdin {
        // A usage error exits before reading stdin; the closed pipe is then expected.
        if let Err(e) = child.stdin.take().unwrap().write_all(input) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(!secret.is_empty());
    let contains = |hay: &[u8]| hay.windows(secret.len()).any(|w| w == secret.as_bytes());
    assert!(
        !contains(&out.stdout) && !contains(&out.stderr),
        "the GUID leaked into the output of {args:?}"
    );
    for entry in std::fs::read_dir(logs.path()).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read(&path).unwrap();
        assert!(!contains(&text), "the GUID leaked into {}", path.display());
    }
    (out, logs)
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_exit(o: &Output, want: i32) {
    assert_eq!(
        code(o),
        want,
        "stderr: {}\nstdout: {}",
        stderr(o),
        String::from_utf8_lossy(&o.stdout)
    );
}

fn sha256_hex(b: &[u8]) -> String {
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[test]
fn decoded_output_is_the_text_and_nothing_else() {
    let f = Fixture::new();
    let o = f.query(&["--call-id", data::CALL_ZH_UTF8]);
    assert_exit(&o, 0);
    assert_eq!(o.stdout, data::expected_bytes(data::CALL_ZH_UTF8).unwrap());
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
    // GBK call data, Base64 on: detected and printed as UTF-8.
    let o = f.query(&["--call-id", data::CALL_ZH_GBK, "--encoded"]);
    assert_exit(&o, 0);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), data::ZH_GBK_SOURCE);
    // Empty call data: empty stdout, success.
    let o = f.query(&["--call-id", data::CALL_EMPTY]);
    assert_exit(&o, 0);
    assert!(o.stdout.is_empty());
}

#[test]
fn charset_override_forces_or_fails() {
    let f = Fixture::new();
    let o = f.query(&[
        "--call-id",
        data::CALL_ZH_GBK,
        "--encoded",
        "--charset",
        "gbk",
    ]);
    assert_exit(&o, 0);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), data::ZH_GBK_SOURCE);
    let o = f.query(&[
        "--call-id",
        data::CALL_ZH_GBK,
        "--encoded",
        "--charset",
        "utf-8",
    ]);
    assert_exit(&o, 5);
    assert!(o.stdout.is_empty());
    let o = f.query(&["--call-id", data::CALL_ZH_GBK, "--charset", "klingon"]);
    assert_exit(&o, 2);
    assert!(f.sim.requests().len() == 2, "the bad charset sent nothing");
}

#[test]
fn raw_output_is_the_body_byte_for_byte() {
    let f = Fixture::new();
    let o = f.query(&[
        "--call-id",
        data::CALL_ZH_GBK,
        "--encoded",
        "--output",
        "raw",
    ]);
    assert_exit(&o, 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("the envelope");
    assert_eq!(v["retcode"], "0");
    // The envelope's own bytes: compact JSON with the Base64 of the GBK bytes as result.
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD
        .encode(data::expected_bytes(data::CALL_ZH_GBK).unwrap());
    assert_eq!(v["result"], b64.as_str());
    // And exactly what the library receives for the same request.
    let client = calldata_inspector::gateway::GatewayClient::new(
        calldata_inspector::gateway::ClientConfig {
            host: f.sim.host(),
            port: f.sim.port(),
            tls: calldata_inspector::gateway::TlsOptions {
                ca_pem: Some(f.sim.ca_pem()),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
    let reply = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(client.query_appdata(
            &calldata_inspector::gateway::AppDataRequest {
                agent: DEMO_AGENT.to_string().parse().unwrap(),
                call_id: data::CALL_ZH_GBK.into(),
                encoded: true,
            },
            &f.sim.demo_guid(),
        ))
        .unwrap();
    assert_eq!(o.stdout, reply.body);
}

#[test]
fn json_report_of_twenty_mib_has_the_true_sha256_and_no_guid() {
    let f = Fixture::new();
    let o = f.query(&[
        "--call-id",
        data::CALL_20MIB,
        "--encoded",
        "--output",
        "json",
    ]);
    assert_exit(&o, 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    let expected = data::expected_bytes(data::CALL_20MIB).unwrap();
    assert_eq!(v["sha256"], sha256_hex(&expected).as_str());
    assert_eq!(v["bytes"], data::SIZE_20MIB as u64);
    assert_eq!(v["host"], f.sim.host().as_str());
    assert_eq!(v["port"], f.sim.port());
    assert_eq!(v["agent"], DEMO_AGENT);
    assert_eq!(v["call_id"], data::CALL_20MIB);
    assert_eq!(v["encoded"], true);
    assert_eq!(v["retcode"], "0");
    assert!(v["message"].is_string() && v["charset"].is_string());
    assert_eq!(v["data"].as_str().unwrap().len(), expected.len());
    let keys: Vec<String> = v
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.to_lowercase())
        .collect();
    assert!(!keys.iter().any(|k| k.contains("guid")), "{keys:?}");
}

#[test]
fn out_writes_the_file_instead_of_stdout() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("call data.txt");
    std::fs::write(&target, b"old").unwrap();
    let o = f.query(&[
        "--call-id",
        data::CALL_JSON,
        "--encoded",
        "--out",
        &target.to_string_lossy(),
    ]);
    assert_exit(&o, 0);
    assert!(o.stdout.is_empty());
    assert_eq!(
        std::fs::read(&target).unwrap(),
        data::expected_bytes(data::CALL_JSON).unwrap()
    );
    // A failed query leaves the old file as it was.
    let o = f.query(&[
        "--call-id",
        data::CALL_UNKNOWN,
        "--out",
        &target.to_string_lossy(),
    ]);
    assert_exit(&o, 3);
    assert_eq!(
        std::fs::read(&target).unwrap(),
        data::expected_bytes(data::CALL_JSON).unwrap()
    );
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1, "no temp files left behind");
}

#[test]
fn guid_from_stdin() {
    let f = Fixture::new();
    let line = format!("{}\n", f.guid());
    let o = run(
        &f.args(&["--call-id", data::CALL_ASCII, "--guid-stdin"]),
        None,
        Some(line.as_bytes()),
        &f.guid(),
    );
    assert_exit(&o, 0);
    assert_eq!(o.stdout, data::expected_bytes(data::CALL_ASCII).unwrap());
    // --guid-stdin wins over the environment.
    let o = run(
        &f.args(&["--call-id", data::CALL_ASCII, "--guid-stdin"]),
        Some("wrong.AgentGateway0"),
        Some(line.as_bytes()),
        &f.guid(),
    );
    assert_exit(&o, 0);
}

#[test]
fn odd_call_id_is_sent_percent_encoded() {
    let f = Fixture::new();
    let o = f.query(&["--call-id", data::CALL_ODD_ID]);
    assert_exit(&o, 0);
    assert_eq!(o.stdout, data::expected_bytes(data::CALL_ODD_ID).unwrap());
    let log = f.sim.requests();
    assert_eq!(log.len(), 1);
    assert!(
        log[0]
            .path
            .ends_with("/appdata?isEncodeResult=false&callId=17000000%2304%26x%3D1"),
        "{}",
        log[0].path
    );
}

#[test]
fn usage_errors_exit_2_and_send_nothing() {
    let f = Fixture::new();
    let secret = f.guid();
    let cases: Vec<(Vec<String>, Option<&str>, &str)> = vec![
        (f.args(&["--bogus"]), Some(&secret), "--bogus"),
        (f.args(&["--guid", &secret]), Some(&secret), "--guid"),
        (f.args(&["--agent", "99"]), Some(&secret), "101 to 999999"),
        (
            f.args(&["--agent", "1000000"]),
            Some(&secret),
            "101 to 999999",
        ),
        (f.args(&["--agent", "12a"]), Some(&secret), "digits"),
        (f.args(&["--output", "xml"]), Some(&secret), "xml"),
        (f.args(&["--timeout", "0"]), Some(&secret), "timeout"),
        (
            f.args(&["--out", "/nonexistent-folder-for-test/x.txt"]),
            Some(&secret),
            "does not exist",
        ),
        (f.args(&[]), None, "CALLDATA_GUID"),
        (
            vec!["query".into(), "--agent".into(), "1001".into()],
            Some(&secret),
            "--host",
        ),
    ];
    for (args, env, needle) in cases {
        // `--guid <secret>` puts the GUID in argv; clap may echo it, so skip the leak check there.
        let check = if args.iter().any(|a| a == "--guid") {
            "\u{1}never"
        } else {
            &secret
        };
        let o = run(&args, env, None, check);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    // --guid-stdin with nothing on stdin is a usage error too.
    let o = run(&f.args(&["--guid-stdin"]), None, Some(b""), &secret);
    assert_exit(&o, 2);
    assert!(f.sim.requests().is_empty(), "nothing was sent");
}

#[test]
fn help_and_version_exit_0() {
    for flag in ["--help", "--version"] {
        let o = run(&[flag.to_owned()], None, None, "\u{1}never");
        assert_exit(&o, 0);
        assert!(!o.stdout.is_empty());
    }
    let o = run(
        &["query".to_owned(), "--help".to_owned()],
        None,
        None,
        "\u{1}never",
    );
    assert_exit(&o, 0);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(
        help.contains("CALLDATA_GUID") && help.contains("--guid-stdin"),
        "{help}"
    );
}

#[test]
fn gateway_retcodes_exit_3_and_explain() {
    let f = Fixture::new();
    let wrong = run(
        &f.args(&["--call-id", data::CALL_JSON]),
        Some("not-the-guid.AgentGateway0"),
        None,
        "not-the-guid",
    );
    let offline = f.query(&["--agent", &OFFLINE_AGENT.to_string()]);
    let unknown = f.query(&["--call-id", data::CALL_UNKNOWN]);
    for (o, rc) in [
        (wrong, "000-003"),
        (offline, "100-006"),
        (unknown, "100-007"),
    ] {
        assert_exit(&o, 3);
        let err = stderr(&o);
        let info = calldata_inspector::gateway::retcode::describe(rc).unwrap();
        assert!(err.contains(rc), "{err}");
        assert!(err.contains(&info.action()), "{err}");
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn transport_failures_exit_4_and_say_which() {
    let f = Fixture::new();
    // No --ca-file: the simulator's private CA is not trusted.
    let mut args = f.args(&["--call-id", data::CALL_JSON]);
    let i = args.iter().position(|a| a == "--ca-file").unwrap();
    args.drain(i..i + 2);
    let o = run(&args, Some(&f.guid()), None, &f.guid());
    assert_exit(&o, 4);
    assert!(
        stderr(&o).contains("certificate not trusted: pass --ca-file"),
        "{}",
        stderr(&o)
    );
    assert!(f.sim.requests().is_empty());

    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut args = f.args(&[]);
    let i = args.iter().position(|a| a == "--port").unwrap();
    args[i + 1] = closed.to_string();
    let o = run(&args, Some(&f.guid()), None, &f.guid());
    assert_exit(&o, 4);
    assert!(stderr(&o).contains("connection refused"), "{}", stderr(&o));

    let o = f.query(&["--call-id", data::CALL_HTML_502]);
    assert_exit(&o, 4);
    assert!(stderr(&o).contains("HTTP 502"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());

    let o = f.query(&["--call-id", data::CALL_SLOW, "--timeout", "1"]);
    assert_exit(&o, 4);
    assert!(stderr(&o).contains("timeout"), "{}", stderr(&o));
}

#[test]
fn malformed_replies_exit_5() {
    let f = Fixture::new();
    let o = f.query(&["--call-id", data::CALL_TRUNCATED]);
    assert_exit(&o, 5);
    assert!(stderr(&o).contains("JSON"), "{}", stderr(&o));
    let o = f.query(&["--call-id", data::CALL_BAD_BASE64, "--encoded"]);
    assert_exit(&o, 5);
    let want = format!("offset {}", data::BAD_BASE64_OFFSET);
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    // Raw output still hands over the body, and the exit code still reports the fault.
    let o = f.query(&["--call-id", data::CALL_TRUNCATED, "--output", "raw"]);
    assert_exit(&o, 5);
    assert!(!o.stdout.is_empty());
}

#[test]
fn simulate_prints_what_is_needed_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["simulate", "--port", "0", "--cert-dir"])
        .arg(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.contains("Ctrl-C") {
            break;
        }
    }
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("https://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no URL in {banner}"));
    let port = url.rsplit(':').next().unwrap();
    assert!(
        banner.contains(&dir.path().join("ca.pem").to_string_lossy().to_string()),
        "{banner}"
    );
    assert!(banner.contains(&DEMO_AGENT.to_string()), "{banner}");
    let guid_line = banner
        .lines()
        .find(|l| l.to_lowercase().contains("demo guid"))
        .unwrap_or_else(|| panic!("no demo GUID in {banner}"));
    let guid = guid_line
        .split_whitespace()
        .find(|w| w.len() > 16)
        .unwrap_or_else(|| panic!("{guid_line}"))
        .to_owned();
    assert!(banner.contains("calldata-inspector query"), "{banner}");

    // The printed facts are enough to query it.
    let args: Vec<String> = [
        "query",
        "--host",
        "127.0.0.1",
        "--port",
        port,
        "--agent",
        &DEMO_AGENT.to_string(),
        "--ca-file",
        &dir.path().join("ca.pem").to_string_lossy(),
        "--call-id",
        data::CALL_ASCII,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let o = run(&args, Some(&guid), None, &guid);
    assert_exit(&o, 0);
    assert_eq!(o.stdout, data::expected_bytes(data::CALL_ASCII).unwrap());

    stop_with(child, "-TERM");
}

/// Sends `signal` with kill(1) and expects a clean exit 0.
fn stop_with(mut child: std::process::Child, signal: &str) {
    let sent = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{signal}");
}

#[test]
fn simulate_stops_on_ctrl_c() {
    let mut child = Command::new(BIN)
        .args(["simulate", "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the banner so the signal handler is installed.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut ca = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(p) = line.split_whitespace().find(|w| w.ends_with("ca.pem")) {
            ca = Some(PathBuf::from(p));
        }
        if line.contains("Ctrl-C") {
            break;
        }
    }
    let ca = ca.expect("a CA path is printed");
    assert!(ca.exists(), "{}", ca.display());
    stop_with(child, "-INT");
    // Without --cert-dir the certificates live in a temporary folder removed on exit.
    assert!(!ca.exists(), "{}", ca.display());
}

#[test]
fn trace_logging_never_shows_the_guid() {
    let f = Fixture::new();
    let mut args = vec!["--log-level".to_owned(), "trace".to_owned()];
    args.extend(f.args(&["--call-id", data::CALL_JSON, "--encoded"]));
    let (o, logs) = run_with_logs(&args, Some(&f.guid()), None, &f.guid(), &[]);
    assert_exit(&o, 0);
    assert_eq!(o.stdout, data::expected_bytes(data::CALL_JSON).unwrap());
    // The check is only meaningful if trace output was actually produced somewhere.
    let logged: usize = std::fs::read_dir(logs.path())
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap().len())
        .sum();
    assert!(
        !o.stderr.is_empty() || logged > 0,
        "trace logging produced nothing"
    );
    // A failing query at trace level: the wrong GUID is a secret too.
    let wrong = "wrong-guid-0123456789.AgentGateway0";
    let mut args = vec!["--log-level".to_owned(), "trace".to_owned()];
    args.extend(f.args(&["--call-id", data::CALL_JSON]));
    let (o, _) = run_with_logs(&args, Some(wrong), None, wrong, &[]);
    assert_exit(&o, 3);
}

#[test]
fn profile_supplies_the_connection_and_explicit_flags_win() {
    let f = Fixture::new();
    let cfg = tempfile::tempdir().unwrap();
    calldata_inspector::profiles::ProfileStore::in_dir(cfg.path())
        .upsert(calldata_inspector::profiles::Profile {
            name: "sim".into(),
            host: f.sim.host(),
            port: f.sim.port(),
            agent: DEMO_AGENT.to_string(),
            ca_file: Some(f.ca.clone()),
            insecure: false,
            ..Default::default()
        })
        .unwrap();
    let envs = [("CALLDATA_INSPECTOR_CONFIG_DIR", cfg.path())];
    let q = |words: &[&str], guid: Option<&str>| {
        let args: Vec<String> = std::iter::once("query")
            .chain(words.iter().copied())
            .map(str::to_owned)
            .collect();
        run_with_logs(&args, guid, None, &f.guid(), &envs).0
    };
    let o = q(
        &["--profile", "sim", "--call-id", data::CALL_ASCII],
        Some(&f.guid()),
    );
    assert_exit(&o, 0);
    assert_eq!(o.stdout, data::expected_bytes(data::CALL_ASCII).unwrap());
    // An explicit --agent overrides the profile's.
    let agent = OFFLINE_AGENT.to_string();
    let o = q(&["--profile=sim", "--agent", &agent], Some(&f.guid()));
    assert_exit(&o, 3);
    assert!(stderr(&o).contains("100-006"), "{}", stderr(&o));
    let sent = f.sim.requests().len();
    // Unknown profile: usage error, nothing sent.
    let o = q(&["--profile", "nope"], Some(&f.guid()));
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("nope"), "{}", stderr(&o));
    assert_eq!(f.sim.requests().len(), sent);
    // No GUID anywhere (env, stdin, keyring): usage error that names all three, nothing sent.
    let o = q(&["--profile", "sim"], None);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("keyring") && err.contains("CALLDATA_GUID") && err.contains("--guid-stdin"),
        "{err}"
    );
    assert_eq!(f.sim.requests().len(), sent);
}

#[test]
fn insecure_works_without_the_ca_and_warns() {
    let f = Fixture::new();
    let mut args = f.args(&["--call-id", data::CALL_WRONG_CONTENT_TYPE, "--insecure"]);
    let i = args.iter().position(|a| a == "--ca-file").unwrap();
    args.drain(i..i + 2);
    let o = run(&args, Some(&f.guid()), None, &f.guid());
    assert_exit(&o, 0);
    assert_eq!(
        o.stdout,
        data::expected_bytes(data::CALL_WRONG_CONTENT_TYPE).unwrap()
    );
    assert!(stderr(&o).contains("--insecure"), "{}", stderr(&o));
}
