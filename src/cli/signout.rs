//! `calldata-inspector signout --profile NAME`: signs the profile's agent out with the GUID in
//! the keyring and forgets that GUID. Same exit codes as `query`.

use std::io::Write;
use std::time::Duration;

use crate::gateway::session as gw;
use crate::gateway::{EXIT_USAGE, GatewayError, ReplyError};
use crate::keystore::Keystore;
use crate::profiles::ProfileStore;

use super::query::EXIT_OUTPUT;
use super::signin::{Env, Failure, gateway_failure, open_site, report, runtime, with_real_env};

/// Arguments of `signout`.
#[derive(Debug, Clone, clap::Args)]
pub struct SignOutArgs {
    /// The saved profile whose session ends.
    #[arg(long, value_name = "NAME")]
    pub profile: String,
    /// Give up after SECS seconds (connect and whole request).
    #[arg(long, value_name = "SECS", default_value_t = crate::gateway::DEFAULT_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

/// Runs `signout` with the real keyring, profiles and streams.
pub fn run_main(args: &SignOutArgs) -> u8 {
    with_real_env(false, |env| run(args, env))
}

/// Runs `signout`; returns the exit code.
pub fn run(args: &SignOutArgs, env: Env<'_>) -> u8 {
    let result = sign_out(args, env.profiles, env.keys, env.stdout);
    report(env.stderr, result)
}

fn sign_out(
    args: &SignOutArgs,
    profiles: &ProfileStore,
    keys: &Keystore,
    stdout: &mut dyn Write,
) -> Result<(), Failure> {
    let site = open_site(profiles, &args.profile, Duration::from_secs(args.timeout))?;
    let guid = match keys.load(&args.profile) {
        Ok(Some(g)) => g,
        Ok(None) => {
            return Err((
                EXIT_USAGE,
                t!("session_engine.cli.no_guid", name = &args.profile).into_owned(),
            ));
        }
        Err(e) => return Err((EXIT_USAGE, e.to_string())),
    };
    let rt = runtime()?;
    let note = match rt.block_on(gw::sign_out(&site.client, site.agent, &guid)) {
        Ok(true) => t!("session_engine.cli.signed_out", agent = site.agent),
        // The gateway no longer has the session: the goal is reached, the GUID is useless.
        Ok(false) => t!("session_engine.cli.was_signed_out", agent = site.agent),
        Err(GatewayError::Reply(ReplyError::Retcode { code, .. })) if code == "100-006" => {
            t!("session_engine.cli.was_signed_out", agent = site.agent)
        }
        Err(e) => return Err(gateway_failure(&e)),
    };
    // A failed delete leaves a GUID that no longer works; say so, but the sign-out happened.
    if let Err(e) = keys.delete(&args.profile) {
        let _ = writeln!(
            stdout,
            "{}",
            t!("session_engine.cli.delete_failed", error = e)
        );
    }
    writeln!(stdout, "{note}").map_err(|e| {
        (
            EXIT_OUTPUT,
            t!("cli.out.stdout_failed", error = e).into_owned(),
        )
    })
}
