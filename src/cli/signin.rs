//! `calldata-inspector signin --profile NAME --password-stdin [--force]`: signs the profile's
//! agent in and keeps the session GUID in the system keyring under the profile, never printed.
//! Same exit codes as `query`.

use std::io::{Read, Write};
use std::time::Duration;

use crate::gateway::session as gw;
use crate::gateway::{AgentId, ClientConfig, EXIT_USAGE, GatewayClient, GatewayError, TlsOptions};
use crate::keystore::{KeyringStatus, Keystore, Stored};
use crate::profiles::{Profile, ProfileStore};
use crate::secret::Password;

use super::query::EXIT_OUTPUT;

/// Arguments of `signin`. The password has no flag: other users can read command lines.
#[derive(Debug, Clone, clap::Args)]
pub struct SignInArgs {
    /// The saved profile whose agent signs in (see `profile add`).
    #[arg(long, value_name = "NAME")]
    pub profile: String,
    /// Read the agent's password from the first line of standard input.
    #[arg(long, required = true)]
    pub password_stdin: bool,
    /// Take over a session the agent already has elsewhere (that desktop is signed out).
    #[arg(long)]
    pub force: bool,
    /// Give up after SECS seconds (connect and whole request).
    #[arg(long, value_name = "SECS", default_value_t = crate::gateway::DEFAULT_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

/// What the session commands read and write, replaceable in tests.
pub struct Env<'a> {
    /// Where profiles are saved.
    pub profiles: &'a ProfileStore,
    /// Where the session GUID is kept.
    pub keys: &'a Keystore,
    /// Standard input (the password).
    pub stdin: &'a mut dyn Read,
    /// Standard output.
    pub stdout: &'a mut dyn Write,
    /// Standard error.
    pub stderr: &'a mut dyn Write,
}

/// A failure: exit code and the plain-language message.
pub(crate) type Failure = (u8, String);

/// A profile ready to talk to its gateway.
pub(crate) struct Site {
    /// The profile.
    pub profile: Profile,
    /// Its agent.
    pub agent: AgentId,
    /// A client for its gateway.
    pub client: GatewayClient,
}

/// Loads profile `name` and builds its client; everything here fails before anything is sent.
pub(crate) fn open_site(
    profiles: &ProfileStore,
    name: &str,
    timeout: Duration,
) -> Result<Site, Failure> {
    let profile = profiles
        .get(name)
        .map_err(|e| (EXIT_USAGE, e.to_string()))?;
    let agent = profile.agent.parse::<AgentId>().map_err(|e| {
        (
            EXIT_USAGE,
            t!(
                "session_engine.cli.profile_agent",
                name = name,
                reason = e.to_string()
            )
            .into_owned(),
        )
    })?;
    let pin_sha256 = profile
        .pin_sha256
        .as_deref()
        .map(crate::gateway::Fingerprint::parse)
        .transpose()
        .map_err(|e| (EXIT_USAGE, e.to_string()))?;
    let client = GatewayClient::new(ClientConfig {
        host: profile.host.clone(),
        port: profile.port,
        tls: TlsOptions {
            ca_file: profile.ca_file.clone(),
            insecure: profile.insecure,
            pin_sha256,
            ..TlsOptions::default()
        },
        connect_timeout: timeout.min(crate::gateway::DEFAULT_TIMEOUT),
        timeout,
        max_body: profile
            .max_reply_mib
            .map_or(crate::gateway::DEFAULT_MAX_BODY, |mib| mib << 20),
    })
    .map_err(|e| (e.exit_code(), e.to_string()))?;
    Ok(Site {
        profile,
        agent,
        client,
    })
}

/// A small runtime for one command.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            (
                EXIT_OUTPUT,
                t!("cli.query.cannot_start", error = e).into_owned(),
            )
        })
}

/// Writes the failure to stderr and returns its exit code.
pub(crate) fn report(stderr: &mut dyn Write, result: Result<(), Failure>) -> u8 {
    match result {
        Ok(()) => 0,
        Err((code, msg)) => {
            let _ = writeln!(stderr, "{}", t!("cli.prefixed", message = msg));
            code
        }
    }
}

/// A gateway error as a failure.
pub(crate) fn gateway_failure(e: &GatewayError) -> Failure {
    (e.exit_code(), e.to_string())
}

/// The password: the first line of standard input, without its line ending (spaces are kept:
/// they may be part of it).
fn read_password(stdin: &mut dyn Read) -> Result<Password, Failure> {
    let mut buf = Vec::new();
    stdin.take(4096).read_to_end(&mut buf).map_err(|e| {
        (
            EXIT_USAGE,
            t!("session_engine.cli.stdin_unreadable", error = e).into_owned(),
        )
    })?;
    if buf.is_empty() {
        return Err((
            EXIT_USAGE,
            t!("session_engine.cli.stdin_empty").into_owned(),
        ));
    }
    let text = String::from_utf8(buf).map_err(|_| {
        (
            EXIT_USAGE,
            t!("session_engine.cli.stdin_not_utf8").into_owned(),
        )
    })?;
    let line = text.split('\n').next().unwrap_or("");
    Ok(Password::new(line.strip_suffix('\r').unwrap_or(line)))
}

/// Runs a session command with the real profiles, keyring and streams (`stdin` only when it
/// reads a password; otherwise empty, so nothing ever waits on the terminal).
pub(crate) fn with_real_env(read_stdin: bool, f: impl FnOnce(Env<'_>) -> u8) -> u8 {
    let profiles = match ProfileStore::open_default() {
        Ok(p) => p,
        Err(e) => return report(&mut std::io::stderr(), Err((EXIT_USAGE, e.to_string()))),
    };
    let keys = Keystore::platform();
    let mut stdin: Box<dyn Read> = if read_stdin {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::empty())
    };
    f(Env {
        profiles: &profiles,
        keys: &keys,
        stdin: &mut *stdin,
        stdout: &mut std::io::stdout().lock(),
        stderr: &mut std::io::stderr().lock(),
    })
}

/// Runs `signin` with the real keyring, profiles and streams.
pub fn run_main(args: &SignInArgs) -> u8 {
    with_real_env(true, |env| run(args, env))
}

/// Runs `signin`; returns the exit code.
pub fn run(args: &SignInArgs, env: Env<'_>) -> u8 {
    let result = sign_in(args, env.profiles, env.keys, env.stdin, env.stdout);
    report(env.stderr, result)
}

fn sign_in(
    args: &SignInArgs,
    profiles: &ProfileStore,
    keys: &Keystore,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
) -> Result<(), Failure> {
    let site = open_site(profiles, &args.profile, Duration::from_secs(args.timeout))?;
    // Without a keyring the GUID would die with this process while the agent stays signed
    // in, so refuse before anything is sent.
    if let KeyringStatus::Unavailable { reason } = keys.status() {
        return Err((
            EXIT_USAGE,
            t!("session_engine.cli.no_keyring", reason = reason).into_owned(),
        ));
    }
    let password = read_password(stdin)?;
    let rt = runtime()?;
    let phone = site.profile.phone.clone();
    let signed = rt
        .block_on(gw::sign_in(
            &site.client,
            site.agent,
            &password,
            phone.as_deref(),
            args.force,
        ))
        .map_err(|e| {
            if gw::error_is_conflict(&e) {
                (
                    e.exit_code(),
                    t!(
                        "session_engine.cli.conflict",
                        agent = site.agent,
                        name = &args.profile
                    )
                    .into_owned(),
                )
            } else {
                gateway_failure(&e)
            }
        })?;
    drop(password);
    if let Stored::MemoryOnly { reason } = keys.store(&args.profile, &signed.guid) {
        // The GUID cannot be kept: do not leave a session behind that nobody can use.
        let _ = rt.block_on(gw::sign_out(&site.client, site.agent, &signed.guid));
        return Err((
            EXIT_OUTPUT,
            t!("session_engine.cli.store_failed", reason = reason).into_owned(),
        ));
    }
    let mut text = t!(
        "session_engine.cli.signed_in",
        agent = site.agent,
        name = &args.profile
    )
    .into_owned();
    if signed.must_change_password {
        text.push('\n');
        text.push_str(&t!("session_engine.cli.change_password"));
    }
    writeln!(stdout, "{text}").map_err(|e| {
        (
            EXIT_OUTPUT,
            t!("cli.out.stdout_failed", error = e).into_owned(),
        )
    })
}
