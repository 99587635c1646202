//! Hidden `gen-assets --out DIR` subcommand: writes the man pages and shell completions from the
//! clap definitions, so packages (scripts/package) ship documentation that always matches the binary.
//!
//! Layout under DIR: `man/calldata-inspector.1` plus one page per visible subcommand
//! (`man/calldata-inspector-query.1`, ...), and `completions/calldata-inspector.bash`,
//! `completions/_calldata-inspector` (zsh), `completions/calldata-inspector.fish`.

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap_complete::Shell;

use crate::build_info;

/// Arguments of `gen-assets`.
#[derive(Debug, clap::Args)]
pub struct GenAssetsArgs {
    /// Directory to write `man/` and `completions/` into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Shells whose completion scripts the packages install.
pub const SHELLS: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

/// Runs the subcommand: prints each written file, or a plain error and exit code 1.
pub fn run(args: &GenAssetsArgs) -> ExitCode {
    // Man pages and completions are English whatever the packager's locale (the doc comments
    // are, and query's after-help text comes from the catalogue in the current language).
    let lang = crate::i18n::current();
    crate::i18n::set_language(crate::i18n::Language::English);
    let generated = generate(super::command(), &args.out);
    crate::i18n::set_language(lang);
    match generated {
        Ok(files) => {
            for f in files {
                println!("{}", f.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "{}",
                t!("cli.gen_assets.failed", dir = args.out.display(), error = e)
            );
            ExitCode::FAILURE
        }
    }
}

/// Writes the man pages and completions for `cmd` under `out`; returns the files written.
pub fn generate(cmd: clap::Command, out: &Path) -> io::Result<Vec<PathBuf>> {
    let man_dir = out.join("man");
    let completions_dir = out.join("completions");
    std::fs::create_dir_all(&man_dir)?;
    std::fs::create_dir_all(&completions_dir)?;

    // Help is documented as a flag already; a `help` subcommand page would be noise.
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();

    let mut written = Vec::new();
    write_man_pages(&cmd, &man_dir, &mut written)?;
    let bin = cmd.get_name().to_owned();
    for shell in SHELLS {
        written.push(clap_complete::generate_to(
            shell,
            &mut cmd,
            &bin,
            &completions_dir,
        )?);
    }
    Ok(written)
}

/// One page for `cmd` and, recursively, for each visible subcommand.
fn write_man_pages(cmd: &clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_man_pages(sub, dir, written)?;
    }
    // The build date, not today's, so regenerating from the same build gives identical pages.
    let man = clap_mangen::Man::new(cmd.clone())
        .date(build_info::BUILD_DATE)
        .source(format!("{} {}", build_info::NAME, build_info::VERSION))
        .manual("User Commands"); // i18n-ok: man pages are English
    written.push(man.generate_to(dir)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated() -> (tempfile::TempDir, Vec<PathBuf>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = generate(crate::cli::command(), dir.path()).expect("generate");
        (dir, files)
    }

    fn read(dir: &Path, rel: &str) -> String {
        std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    #[test]
    fn man_pages_cover_the_command_and_its_query_subcommand() {
        let (dir, files) = generated();
        let main = read(dir.path(), "man/calldata-inspector.1");
        assert!(main.contains(".TH calldata-inspector 1"), "{main}");
        assert!(main.contains(build_info::BUILD_DATE));
        assert!(
            main.contains("query"),
            "the main page lists the query subcommand"
        );
        let query = read(dir.path(), "man/calldata-inspector-query.1");
        assert!(query.contains("agent"), "{query}");
        assert!(
            files
                .iter()
                .any(|f| f.ends_with("calldata-inspector-query.1"))
        );
    }

    #[test]
    fn hidden_gen_assets_is_not_documented() {
        let (dir, _) = generated();
        assert!(
            !dir.path()
                .join("man/calldata-inspector-gen-assets.1")
                .exists()
        );
        assert!(!dir.path().join("man/calldata-inspector-help.1").exists());
        let main = read(dir.path(), "man/calldata-inspector.1");
        assert!(!main.contains("gen-assets"), "{main}");
    }

    #[test]
    fn completions_for_bash_zsh_and_fish_know_the_subcommands() {
        let (dir, _) = generated();
        for rel in [
            "completions/calldata-inspector.bash",
            "completions/_calldata-inspector",
            "completions/calldata-inspector.fish",
        ] {
            let text = read(dir.path(), rel);
            assert!(text.contains("query"), "{rel} lacks the query subcommand");
            assert!(
                text.contains("simulate"),
                "{rel} lacks the simulate subcommand"
            );
        }
    }

    #[test]
    fn unwritable_output_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").expect("write");
        assert!(generate(crate::cli::command(), &file).is_err());
        let code = run(&GenAssetsArgs { out: file });
        assert_eq!(code, ExitCode::FAILURE);
    }
}
