//! `calldata-inspector simulate`: the embedded CC-Gateway simulator in the foreground.

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `simulate`.
#[derive(Debug, Clone, clap::Args)]
pub struct SimulateArgs {
    /// Port to listen on (0 = any free port).
    #[arg(long, value_name = "PORT", default_value_t = crate::gateway::DEFAULT_PORT)]
    pub port: u16,
    /// Folder for the generated CA certificate (default: a temporary folder).
    #[arg(long, value_name = "DIR")]
    pub cert_dir: Option<PathBuf>,
}

/// Runs the simulator until Ctrl-C.
pub fn run(args: &SimulateArgs) -> ExitCode {
    let _ = args;
    eprintln!("calldata-inspector: the simulator is not available in this build yet");
    ExitCode::from(1)
}
