//! `calldata-inspector simulate`: the embedded CC-Gateway simulator in the foreground, with
//! everything needed to query it printed (URL, CA file, demo agent, demo GUID, a command).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::QueryLine;
use crate::simulator::{SimConfig, SimulatorThread, data};

/// Arguments of `simulate`.
#[derive(Debug, Clone, clap::Args)]
pub struct SimulateArgs {
    /// Port to listen on, on 127.0.0.1 (0 = any free port).
    #[arg(long, value_name = "PORT", default_value_t = crate::gateway::DEFAULT_PORT)]
    pub port: u16,
    /// Folder holding ca.pem, cert.pem and key.pem: reused when present, created otherwise
    /// (default: a temporary folder removed on exit).
    #[arg(long, value_name = "DIR")]
    pub cert_dir: Option<PathBuf>,
    /// Turn off the gateway's per-agent limit of 5 query requests per 2 s (e.g. for benchmarks).
    #[arg(long)]
    pub no_rate_limit: bool,
}

/// Runs the simulator until Ctrl-C (or SIGTERM).
pub fn run(args: &SimulateArgs) -> ExitCode {
    let stop = match StopSignals::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}", t!("cli.simulate.no_signals", error = e));
            return ExitCode::from(1);
        }
    };
    // The temp dir must outlive the simulator so the printed CA path stays real.
    let (cert_dir, _temp) = match &args.cert_dir {
        Some(d) => (d.clone(), None),
        None => match tempfile::Builder::new()
            .prefix("calldata-inspector-sim.")
            .tempdir()
        {
            Ok(t) => (t.path().to_path_buf(), Some(t)),
            Err(e) => {
                eprintln!("{}", t!("cli.simulate.no_cert_dir", error = e));
                return ExitCode::from(1);
            }
        },
    };
    let sim = match SimulatorThread::start(SimConfig {
        port: args.port,
        cert_dir: Some(cert_dir.clone()),
        rate_limit: if args.no_rate_limit {
            None
        } else {
            SimConfig::default().rate_limit
        },
        ..SimConfig::default()
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}", t!("cli.simulate.start_failed", error = e));
            return ExitCode::from(1);
        }
    };
    let ca_path = sim.ca_path().unwrap_or_else(|| cert_dir.join("ca.pem"));
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(banner(&sim, &ca_path).as_bytes());
    let _ = out.flush();
    drop(out);

    stop.wait();
    sim.shutdown();
    eprintln!("{}", t!("cli.simulate.stopped"));
    ExitCode::SUCCESS
}

/// What `simulate` prints at start.
fn banner(sim: &SimulatorThread, ca_path: &std::path::Path) -> String {
    let guid = sim.demo_guid();
    let example = QueryLine {
        host: sim.host(),
        port: sim.port(),
        agent: data::DEMO_AGENT.to_string(),
        call_id: data::CALL_JSON.to_owned(),
        ca_file: Some(ca_path.to_path_buf()),
        ..QueryLine::default()
    };
    let mut s = String::new();
    // Scripts read the "Demo GUID:" line of the English banner (run them with --lang en).
    s.push_str(&t!("cli.simulate.listening", url = sim.url()));
    s.push('\n');
    s.push_str(&t!("cli.simulate.ca", path = ca_path.display()));
    s.push('\n');
    s.push_str(&t!(
        "cli.simulate.agent",
        agent = data::DEMO_AGENT,
        offline = data::OFFLINE_AGENT
    ));
    s.push('\n');
    // This GUID is a throwaway credential of this simulator run, so printing it is fine.
    s.push_str(&t!("cli.simulate.guid", guid = guid.expose()));
    s.push_str("\n\n");
    s.push_str(&t!("cli.simulate.try"));
    s.push_str("\n  CALLDATA_GUID=");
    s.push_str(&super::shell_quote(guid.expose()));
    s.push(' ');
    s.push_str(&super::query_command_line(&example));
    s.push_str("\n\n");
    s.push_str(&t!("cli.simulate.calls"));
    s.push('\n');
    for (id, what) in data::DEMO_CALLS {
        let what = crate::i18n::catalogue_text(&format!("demo.call.{id}"), crate::i18n::current())
            .unwrap_or_else(|| (*what).to_owned());
        s.push_str(&format!("  {:<18} {what}\n", super::shell_quote(id)));
    }
    s.push('\n');
    s.push_str(&t!("cli.simulate.stop_hint"));
    s.push('\n');
    s
}

/// Ctrl-C and SIGTERM, registered before the banner is printed: a script (or test) that
/// signals as soon as it sees the banner must get a clean stop, not the default "killed".
struct StopSignals {
    rt: tokio::runtime::Runtime,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn install() -> std::io::Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let ctx = rt.enter();
            let int = signal(SignalKind::interrupt())?;
            let term = signal(SignalKind::terminate())?;
            drop(ctx);
            Ok(Self { rt, int, term })
        }
        #[cfg(not(unix))]
        Ok(Self { rt })
    }

    /// Blocks until one of the signals arrives.
    fn wait(self) {
        #[cfg(unix)]
        {
            let Self {
                rt,
                mut int,
                mut term,
            } = self;
            rt.block_on(async {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            });
        }
        #[cfg(not(unix))]
        self.rt.block_on(async {
            let _ = tokio::signal::ctrl_c().await;
        });
    }
}
