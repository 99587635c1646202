//! Command line: `query`, `simulate`, `--demo` and the window (being written).

pub mod profile;

/// Entry point used by `main.rs`.
pub fn main() -> std::process::ExitCode {
    // Placeholder until the clap dispatcher lands (UI engineer): no arguments or `--demo`
    // open the window so the GUI can be run and smoke-tested meanwhile.
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => crate::ui::run(crate::ui::RunOptions { demo: false }),
        [flag] if flag == "--demo" => crate::ui::run(crate::ui::RunOptions { demo: true }),
        _ => std::process::ExitCode::SUCCESS,
    }
}
