//! Command line: `query` (headless, scriptable), `simulate`, `profile`, and the window
//! (no subcommand; `--demo` starts the embedded simulator first).

pub mod calls;
mod command_line;
pub mod gen_assets;
pub mod profile;
pub mod profile_args;
pub mod query;
pub mod signin;
pub mod signout;
pub mod simulate;
pub mod trust;

pub use command_line::{QueryLine, curl_command_line, query_command_line, shell_quote};
pub use query::{OutputFormat, QueryArgs};
pub use simulate::SimulateArgs;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

/// The version shown by `--version` and written into reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The whole command line.
#[derive(Debug, Parser)]
#[command(
    name = "calldata-inspector",
    version = crate::build_info::long_version(),
    about = "Inspect the call-associated data a Huawei CC-Gateway holds for a call",
    long_about = "Inspect the call-associated data (随路数据) a Huawei CC-Gateway holds for a call.\n\n\
        Without a subcommand the window opens; --demo starts the embedded gateway simulator \
        first and connects to it. `query` reads one call's data from the command line."
)]
pub struct Cli {
    /// Start the embedded gateway simulator and open the window connected to it.
    #[arg(long)]
    pub demo: bool,
    /// Log level on stderr: error, warn, info, debug, trace (default: RUST_LOG, else warn).
    #[arg(long, global = true, value_name = "LEVEL")]
    pub log_level: Option<String>,
    /// Interface language: en or zh-CN (default: LC_ALL, LC_MESSAGES or LANG, else the system's).
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<crate::i18n::Language>,
    /// What to do (default: open the window).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Query one call's data (GUID from CALLDATA_GUID or --guid-stdin).
    Query(QueryArgs),
    /// Run the embedded CC-Gateway simulator until Ctrl-C.
    Simulate(SimulateArgs),
    /// Manage the window's saved connection profiles.
    #[command(subcommand)]
    Profile(profile::ProfileCommand),
    /// Sign the profile's agent in (a dedicated account); the GUID goes to the keyring, never to output.
    Signin(signin::SignInArgs),
    /// Sign the profile's agent out and forget its GUID.
    Signout(signout::SignOutArgs),
    /// List the calls the gateway knows for the profile's agent, or for another agent (--workno).
    Calls(calls::CallsArgs),
    /// Write the man page and shell completions (for packagers).
    #[command(hide = true)]
    GenAssets(gen_assets::GenAssetsArgs),
}

/// The clap command (for man pages and shell completions).
pub fn command() -> clap::Command {
    Cli::command()
}

impl Cli {
    /// Parses and checks the command line. `--demo` only makes sense for the window; it is
    /// checked here rather than with clap's `args_conflicts_with_subcommands`, which would also
    /// refuse the global `--log-level` before a subcommand.
    pub fn try_parse_checked<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = localize(Self::command(), "").try_get_matches_from(args)?;
        let cli = <Self as clap::FromArgMatches>::from_arg_matches(&matches)?;
        if cli.demo && cli.command.is_some() {
            return Err(Self::command().error(
                clap::error::ErrorKind::ArgumentConflict,
                t!("cli.demo_with_subcommand"),
            ));
        }
        Ok(cli)
    }
}

/// Entry point used by `main.rs`.
pub fn main() -> ExitCode {
    crate::crash::install();
    // The language comes first so that every message, clap's help included, uses it.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    crate::i18n::init(lang_from_argv(&args));
    // `query --profile NAME` becomes explicit flags before clap sees it, so the required
    // --host/--agent are satisfied by the profile and explicit flags still win.
    let argv = match profile_args::expand_default(args) {
        Ok(argv) => argv,
        Err(e) => {
            eprintln!("{}", t!("cli.prefixed", message = e));
            return ExitCode::from(crate::gateway::EXIT_USAGE);
        }
    };
    let cli = match Cli::try_parse_checked(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Help and --version are not errors; everything else is a usage error (2).
            return ExitCode::from(if e.use_stderr() {
                crate::gateway::EXIT_USAGE
            } else {
                0
            });
        }
    };
    // Kept until main returns so the file writer flushes the last lines.
    let _log = match crate::logging::init(cli.log_level.as_deref()) {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("{}", t!("cli.prefixed", message = e));
            return ExitCode::from(crate::gateway::EXIT_USAGE);
        }
    };
    match cli.command {
        None => crate::ui::run(crate::ui::RunOptions {
            demo: cli.demo,
            lang: cli.lang,
        }),
        Some(Command::Query(args)) => run_query(&args),
        Some(Command::Simulate(args)) => simulate::run(&args),
        Some(Command::Profile(cmd)) => profile::run(cmd),
        Some(Command::GenAssets(args)) => gen_assets::run(&args),
        Some(Command::Signin(args)) => ExitCode::from(signin::run_main(&args)),
        Some(Command::Signout(args)) => ExitCode::from(signout::run_main(&args)),
        Some(Command::Calls(args)) => ExitCode::from(calls::run_main(&args)),
    }
}

/// The command with its help texts from the catalogue in the current language: `about`,
/// `long_about`, `after` and `arg.<id>` under `cli.help.<subcommand path>`. A command or
/// option without a key keeps its doc-comment text (man pages use those, in English).
fn localize(mut cmd: clap::Command, path: &str) -> clap::Command {
    let key = |k: &str| match path {
        "" => format!("cli.help.{k}"),
        p => format!("cli.help.{p}.{k}"),
    };
    let text = |k: String| {
        let lang = crate::i18n::current();
        crate::i18n::catalogue_text(&k, lang)
            .or_else(|| crate::i18n::catalogue_text(&k, crate::i18n::Language::English))
    };
    if let Some(t) = text(key("about")) {
        cmd = cmd.about(t);
    }
    if let Some(t) = text(key("long_about")) {
        cmd = cmd.long_about(t);
    }
    if let Some(t) = text(key("after")) {
        cmd = cmd.after_long_help(t);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        if let Some(t) = text(key(&format!("arg.{id}"))) {
            cmd = cmd.mut_arg(id, |a| a.help(t.clone()).long_help(t));
        }
    }
    // clap's own words: the section headings, the usage line and the help/version flags.
    let (options, arguments) = (t!("cli.heading.options"), t!("cli.heading.arguments"));
    let ids: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    for (id, positional) in ids {
        let heading = if positional { &arguments } else { &options };
        cmd = cmd.mut_arg(id, |a| a.help_heading(heading.to_string()));
    }
    cmd = cmd
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{}{{usage}}\n\n{{all-args}}{{after-help}}",
            t!("cli.heading.usage")
        ))
        .subcommand_help_heading(t!("cli.heading.commands").into_owned())
        .disable_help_flag(true)
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help(t!("cli.flag.help").into_owned())
                .help_heading(options.to_string()),
        );
    if path.is_empty() {
        cmd = cmd.disable_version_flag(true).arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help(t!("cli.flag.version").into_owned())
                .help_heading(options.to_string()),
        );
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in subs {
        let sub_path = match path {
            "" => name.clone(),
            p => format!("{p}.{name}"),
        };
        cmd = cmd.mut_subcommand(name, |s| localize(s, &sub_path));
    }
    cmd
}

/// The `--lang` value, looked for before clap parses so its own messages use it too; an
/// unknown value is left for clap to report.
fn lang_from_argv(argv: &[std::ffi::OsString]) -> Option<crate::i18n::Language> {
    let mut args = argv.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = args.next() {
        if a == "--" {
            break;
        }
        let value = match a.strip_prefix("--lang=") {
            Some(v) => v.to_owned(),
            None if a == "--lang" => args.next()?.into_owned(),
            None => continue,
        };
        return value.parse().ok();
    }
    None
}

/// `query` with the real streams; a profile's keyring GUID stands in when neither
/// CALLDATA_GUID nor --guid-stdin gives one.
fn run_query(args: &QueryArgs) -> ExitCode {
    let mut env_guid = std::env::var_os(query::GUID_ENV);
    if env_guid.is_none()
        && !args.guid_stdin
        && let Some(name) = &args.profile
    {
        match profile_args::keyring_guid(name) {
            Ok(guid) => env_guid = Some(guid.expose().into()),
            // `query::run` then refuses for lack of a GUID (exit 2); this says why.
            Err(why) => eprintln!("{}", t!("cli.prefixed", message = why)),
        }
    }
    ExitCode::from(query::run(
        args,
        env_guid,
        query::Io {
            stdin: &mut std::io::stdin().lock(),
            stdout: &mut std::io::stdout().lock(),
            stderr: &mut std::io::stderr().lock(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definitions_are_consistent() {
        command().debug_assert();
        localize(command(), "").debug_assert();
    }

    #[test]
    fn query_contract_parses() {
        let cli = Cli::try_parse_from([
            "calldata-inspector",
            "query",
            "--host",
            "gw",
            "--agent",
            "1001",
            "--call-id",
            "17000000#04&x=1",
            "--encoded",
            "--output",
            "json",
            "--charset",
            "gbk",
            "--timeout",
            "3",
        ])
        .unwrap();
        let Some(Command::Query(q)) = cli.command else {
            panic!("not a query")
        };
        assert_eq!(q.port, 8043);
        assert_eq!(q.agent.get(), 1001);
        assert_eq!(q.output, OutputFormat::Json);
        assert_eq!(q.charset, Some(encoding_rs::GBK));
        assert!(q.encoded && !q.insecure && !q.guid_stdin);
    }

    #[test]
    fn usage_errors_are_refused_by_the_parser() {
        for bad in [
            &["query", "--host", "gw", "--agent", "99"][..],
            &["query", "--host", "gw", "--agent", "1000000"],
            &["query", "--host", "gw"],
            &["query", "--host", "gw", "--agent", "1001", "--guid", "x"],
            &["query", "--host", "gw", "--agent", "1001", "--timeout", "0"],
            &[
                "query", "--host", "gw", "--agent", "1001", "--output", "xml",
            ],
            &["--demo", "query", "--host", "gw", "--agent", "1001"],
        ] {
            let args = std::iter::once("calldata-inspector").chain(bad.iter().copied());
            let e = Cli::try_parse_checked(args).unwrap_err();
            assert!(e.use_stderr(), "{bad:?}");
        }
    }

    #[test]
    fn lang_is_found_before_clap_and_parsed_by_it() {
        let argv = |v: &[&str]| -> Vec<std::ffi::OsString> {
            std::iter::once("calldata-inspector")
                .chain(v.iter().copied())
                .map(Into::into)
                .collect()
        };
        use crate::i18n::Language::{English, SimplifiedChinese};
        assert_eq!(
            lang_from_argv(&argv(&["--lang", "zh-CN", "query"])),
            Some(SimplifiedChinese)
        );
        assert_eq!(
            lang_from_argv(&argv(&["query", "--host", "gw", "--lang=en"])),
            Some(English)
        );
        assert_eq!(
            lang_from_argv(&argv(&["query", "--", "--lang", "zh-CN"])),
            None
        );
        assert_eq!(lang_from_argv(&argv(&["--lang", "xx"])), None);
        let cli = Cli::try_parse_checked(argv(&["--lang", "zh-CN", "--demo"])).unwrap();
        assert_eq!(cli.lang, Some(SimplifiedChinese));
        assert!(Cli::try_parse_checked(argv(&["--lang", "xx"])).is_err());
    }

    #[test]
    fn log_level_goes_before_or_after_the_subcommand() {
        for args in [
            &[
                "--log-level",
                "debug",
                "query",
                "--host",
                "gw",
                "--agent",
                "1001",
            ][..],
            &[
                "query",
                "--host",
                "gw",
                "--agent",
                "1001",
                "--log-level",
                "debug",
            ],
            &["--log-level", "info", "--demo"],
        ] {
            let args = std::iter::once("calldata-inspector").chain(args.iter().copied());
            let cli = Cli::try_parse_checked(args).unwrap();
            assert!(cli.log_level.is_some());
        }
    }

    /// A minimal POSIX word splitter (bare words, '...' and \' outside quotes), enough to
    /// check that generated lines mean what they say.
    fn split_posix(s: &str) -> Vec<String> {
        let (mut words, mut cur, mut in_q, mut any) = (Vec::new(), String::new(), false, false);
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match (in_q, c) {
                (true, '\'') => in_q = false,
                (true, c) => cur.push(c),
                (false, '\'') => (in_q, any) = (true, true),
                (false, '\\') => cur.extend(chars.next()),
                (false, ' ') => {
                    if any || !cur.is_empty() {
                        words.push(std::mem::take(&mut cur));
                    }
                    any = false;
                }
                (false, c) => cur.push(c),
            }
        }
        if any || !cur.is_empty() {
            words.push(cur);
        }
        words
    }

    #[test]
    fn copied_command_lines_parse_back_to_the_same_query() {
        for call_id in ["17000000#04&x=1", "it's a $call", "-5", "呼叫 1"] {
            let line = QueryLine {
                host: "::1".into(),
                port: 9443,
                agent: "1001".into(),
                call_id: call_id.into(),
                encoded: true,
                ca_file: Some("/tmp/my ca.pem".into()),
                charset: Some("GBK".into()),
                ..Default::default()
            };
            let text = query_command_line(&line);
            let cli = Cli::try_parse_from(split_posix(&text)).unwrap();
            let Some(Command::Query(q)) = cli.command else {
                panic!("not a query: {text}")
            };
            assert_eq!(q.call_id, call_id, "{text}");
            assert_eq!(QueryLine::from(&q), line, "{text}");
        }
    }
}
