//! Command line: `query`, `simulate`, `--demo` and the window (being written).

/// Entry point used by `main.rs`.
pub fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
