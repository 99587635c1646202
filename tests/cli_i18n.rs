//! The CLI speaks the user's language (issue 8): `LANG=zh_CN.UTF-8 calldata-inspector query …`
//! prints its errors in Chinese, `LANG=en_US.UTF-8` in English, `LC_ALL` and `LC_MESSAGES`
//! win over `LANG`, and `--lang` wins over all of them. Runs the real binary against the
//! embedded simulator.

use std::process::{Command, Output, Stdio};

use calldata_inspector::simulator::data::DEMO_AGENT;
use calldata_inspector::simulator::{SimConfig, SimulatorThread};

const BIN: &str = env!("CARGO_BIN_EXE_calldata-inspector");

struct Gateway {
    sim: SimulatorThread,
    ca: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Gateway {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimulatorThread::start(SimConfig {
            cert_dir: Some(dir.path().to_path_buf()),
            rate_limit: None,
            ..SimConfig::default()
        })
        .expect("simulator starts");
        let ca = sim.ca_path().expect("CA written");
        Self { sim, ca, _dir: dir }
    }

    /// `query` against the simulator with `guid`, in the locale `env` describes.
    fn query(&self, guid: &str, env: &[(&str, &str)], extra: &[&str]) -> Output {
        let port = self.sim.port().to_string();
        let agent = DEMO_AGENT.to_string();
        let ca = self.ca.to_string_lossy().into_owned();
        let mut args = vec![
            "query",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--agent",
            &agent,
            "--ca-file",
            &ca,
        ];
        args.extend(extra);
        run(&args, env, Some(guid))
    }
}

/// Runs the binary with only the locale variables given in `env`.
fn run(args: &[&str], env: &[(&str, &str)], guid: Option<&str>) -> Output {
    let logs = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env_remove("CALLDATA_GUID")
        .env_remove("RUST_LOG")
        .env("CALLDATA_INSPECTOR_LOG_DIR", logs.path())
        .envs(env.iter().copied())
        .stdin(Stdio::null());
    if let Some(g) = guid {
        cmd.env("CALLDATA_GUID", g);
    }
    cmd.output().expect("binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn has_han(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

const ZH: &[(&str, &str)] = &[("LANG", "zh_CN.UTF-8")];
const EN: &[(&str, &str)] = &[("LANG", "en_US.UTF-8")];

#[test]
fn a_refused_guid_is_explained_in_the_locale_language() {
    let gw = Gateway::start();
    let zh = gw.query("not-the-guid", ZH, &[]);
    let en = gw.query("not-the-guid", EN, &[]);
    assert_eq!(zh.status.code(), Some(3), "{}", stderr(&zh));
    assert_eq!(en.status.code(), Some(3), "{}", stderr(&en));
    let (zh, en) = (stderr(&zh), stderr(&en));
    assert!(
        zh.contains("网关返回结果码 000-003") && zh.contains("无权调用该接口"),
        "{zh}"
    );
    assert!(!zh.contains("the gateway answered"), "{zh}");
    assert!(
        en.contains("the gateway answered retcode 000-003") && en.contains("no permission"),
        "{en}"
    );
    assert!(!has_han(&en), "{en}");
}

#[test]
fn untrusted_certificate_and_refused_port_are_explained_in_chinese() {
    let gw = Gateway::start();
    let port = gw.sim.port().to_string();
    let agent = DEMO_AGENT.to_string();
    let base = ["query", "--host", "127.0.0.1", "--agent", &agent];
    // Without --ca-file the simulator's certificate is not trusted.
    let mut args = base.to_vec();
    args.extend(["--port", &port]);
    let tls = run(&args, ZH, Some("x"));
    assert_eq!(tls.status.code(), Some(4), "{}", stderr(&tls));
    assert!(stderr(&tls).contains("证书不受信任"), "{}", stderr(&tls));
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port().to_string();
    drop(closed);
    let mut args = base.to_vec();
    args.extend(["--port", &closed_port]);
    let refused = run(&args, ZH, Some("x"));
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("拒绝连接"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn lc_all_and_lc_messages_win_over_lang_and_the_flag_wins_over_all() {
    let gw = Gateway::start();
    let lc_all = gw.query(
        "bad",
        &[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "en_US.UTF-8")],
        &[],
    );
    assert!(!has_han(&stderr(&lc_all)), "{}", stderr(&lc_all));
    let lc_messages = gw.query(
        "bad",
        &[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "zh_CN.UTF-8")],
        &[],
    );
    assert!(has_han(&stderr(&lc_messages)), "{}", stderr(&lc_messages));
    let flag = gw.query("bad", EN, &["--lang", "zh-CN"]);
    assert!(
        stderr(&flag).contains("网关返回结果码"),
        "{}",
        stderr(&flag)
    );
    let flag = gw.query("bad", ZH, &["--lang=en"]);
    assert!(!has_han(&stderr(&flag)), "{}", stderr(&flag));
}

#[test]
fn usage_errors_and_help_follow_the_language() {
    // No GUID anywhere: exit 2, nothing sent, said in Chinese.
    let none = run(
        &["query", "--host", "127.0.0.1", "--agent", "1001"],
        ZH,
        None,
    );
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr(&none).contains("没有 GUID"), "{}", stderr(&none));
    let help = run(&["query", "--help"], ZH, None);
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(help.status.success(), "{}", stderr(&help));
    assert!(
        text.contains("网关主机名") && text.contains("退出码"),
        "{text}"
    );
    // clap's own framing is in the catalogue too: usage line, headings, the help flag.
    assert!(
        text.contains("用法：calldata-inspector query") && text.contains("选项:"),
        "{text}"
    );
    assert!(text.contains("显示帮助"), "{text}");
    let help = run(&["--lang", "en", "query", "--help"], ZH, None);
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("Gateway host name") && !has_han(&text),
        "{text}"
    );
    // An unknown language is a usage error that names the known ones.
    let bad = run(
        &["--lang", "fr", "query", "--host", "h", "--agent", "1001"],
        EN,
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("zh-CN"), "{}", stderr(&bad));
}
