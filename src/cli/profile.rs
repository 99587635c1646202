//! `calldata-inspector profile add|list|remove`: the window's saved connections from the shell.
//! Profiles hold no secret; `--guid-stdin` puts the GUID into the OS keyring.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::keystore::{Keystore, Stored};
use crate::profiles::{DEFAULT_PORT, Profile, ProfileStore};
use crate::secret::Guid;

/// The `profile` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ProfileCommand {
    /// Save (or replace) a profile; the GUID, if given on stdin, goes to the OS keyring.
    Add(AddArgs),
    /// List saved profiles (never shows GUIDs).
    List,
    /// Delete a profile and its keyring entry.
    Remove {
        /// Profile name.
        name: String,
    },
}

/// Arguments of `profile add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Profile name.
    pub name: String,
    /// Gateway host name or IP address.
    #[arg(long)]
    pub host: String,
    /// Gateway HTTPS port.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// Agent ID (digits, 101..=999999).
    #[arg(long)]
    pub agent: String,
    /// Extra CA certificate (PEM) to trust for this gateway.
    #[arg(long)]
    pub ca_file: Option<PathBuf>,
    /// Skip certificate verification (not recommended).
    #[arg(long)]
    pub insecure: bool,
    /// Read the GUID from standard input and store it in the OS keyring.
    #[arg(long)]
    pub guid_stdin: bool,
    /// A dedicated account this tool signs in itself (`signin`) instead of a pasted GUID.
    #[arg(long)]
    pub sign_in: bool,
    /// Phone number sent at sign-in, for sites that need one.
    #[arg(long, value_name = "NUMBER")]
    pub phone: Option<String>,
    /// Trust exactly the server certificate with this SHA-256 fingerprint (AB:CD:…), for
    /// gateways with self-signed certificates (`query` prints it after a certificate error).
    #[arg(long, value_name = "SHA256", value_parser = parse_pin)]
    pub pin_sha256: Option<crate::gateway::Fingerprint>,
    /// Refuse replies larger than MIB mebibytes (default 64).
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub max_reply_mib: Option<u64>,
}

fn parse_pin(s: &str) -> Result<crate::gateway::Fingerprint, String> {
    crate::gateway::Fingerprint::parse(s).map_err(|e| e.to_string())
}

/// Runs a profile subcommand against the platform config dir and keyring.
pub fn run(cmd: ProfileCommand) -> ExitCode {
    let store = match ProfileStore::open_default() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("calldata-inspector: {e}");
            return ExitCode::from(1);
        }
    };
    // Only commands that touch secrets open the keyring (it may prompt or wait on D-Bus).
    let needs_keyring = match &cmd {
        ProfileCommand::Add(a) => a.guid_stdin,
        ProfileCommand::Remove { .. } => true,
        ProfileCommand::List => false,
    };
    let keystore = if needs_keyring {
        Keystore::platform()
    } else {
        Keystore::memory_only(&t!("cli.profile.keyring_not_needed"))
    };
    let code = run_with(
        cmd,
        &store,
        &keystore,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(code)
}

/// Runs a subcommand with explicit store, keyring and streams; returns the exit code
/// (0 ok, 1 file/keyring failure, 2 bad input).
pub fn run_with(
    cmd: ProfileCommand,
    store: &ProfileStore,
    keystore: &Keystore,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    match cmd {
        ProfileCommand::Add(a) => add(a, store, keystore, stdin, out, err),
        ProfileCommand::List => match store.load() {
            Ok(all) if all.is_empty() => {
                let _ = writeln!(out, "{}", t!("cli.profile.none_yet"));
                0
            }
            Ok(all) => {
                for p in all {
                    // Tab-separated for scripts; the words stay English in every language.
                    let mut line = format!("{}\t{}:{}\tagent {}", p.name, p.host, p.port, p.agent); // i18n-ok: machine-readable list
                    if let Some(ca) = &p.ca_file {
                        line.push_str(&format!("\tca {}", ca.display()));
                    }
                    if p.insecure {
                        line.push_str("\tINSECURE");
                    }
                    let _ = writeln!(out, "{line}");
                }
                0
            }
            Err(e) => fail(err, 1, &e.to_string()),
        },
        ProfileCommand::Remove { name } => {
            if let Err(e) = store.remove(&name) {
                let code = if matches!(e, crate::profiles::ProfileError::NotFound(_)) {
                    2
                } else {
                    1
                };
                return fail(err, code, &e.to_string());
            }
            if let Err(e) = keystore.delete(&name) {
                let _ = writeln!(
                    err,
                    "{}",
                    t!("cli.profile.removed_keyring_failed", name = name, error = e)
                );
                return 1;
            }
            let _ = writeln!(out, "{}", t!("cli.profile.removed", name = name));
            0
        }
    }
}

fn add(
    a: AddArgs,
    store: &ProfileStore,
    keystore: &Keystore,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    if a.host.trim().is_empty() {
        return fail(err, 2, &t!("cli.profile.host_empty"));
    }
    let agent = a.agent.trim();
    if !(agent.bytes().all(|b| b.is_ascii_digit())
        && agent
            .parse::<u32>()
            .is_ok_and(|n| (101..=999_999).contains(&n)))
    {
        return fail(err, 2, &t!("cli.profile.bad_agent", agent = agent));
    }
    let guid = if a.guid_stdin {
        let mut text = String::new();
        if stdin.read_to_string(&mut text).is_err() {
            return fail(err, 2, &t!("cli.profile.stdin_unreadable"));
        }
        match Guid::new(&text) {
            Ok(g) => Some(g),
            Err(e) => {
                return fail(err, 2, &t!("cli.profile.guid_unusable", error = e));
            }
        }
    } else {
        None
    };
    let profile = Profile {
        name: a.name.clone(),
        host: a.host.trim().to_owned(),
        port: a.port,
        agent: agent.to_owned(),
        ca_file: a.ca_file,
        insecure: a.insecure,
        pin_sha256: a.pin_sha256.map(|f| f.to_string()),
        max_reply_mib: a.max_reply_mib,
        auth: if a.sign_in {
            crate::profiles::AuthMode::SignIn
        } else {
            crate::profiles::AuthMode::PastedGuid
        },
        phone: a
            .phone
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty()),
    };
    if let Err(e) = store.upsert(profile) {
        let code = if matches!(e, crate::profiles::ProfileError::EmptyName) {
            2
        } else {
            1
        };
        return fail(err, code, &e.to_string());
    }
    let _ = writeln!(
        out,
        "{}",
        t!(
            "cli.profile.saved",
            name = a.name,
            path = store.path().display()
        )
    );
    if a.insecure {
        let _ = writeln!(err, "{}", t!("cli.profile.insecure", name = a.name));
    }
    if let Some(g) = guid {
        match keystore.store(&a.name, &g) {
            Stored::Keyring => {
                let _ = writeln!(out, "{}", t!("cli.profile.guid_stored"));
            }
            Stored::MemoryOnly { reason } => {
                // The CLI process ends now, so a memory copy is useless: say the GUID was not kept.
                let reason = reason
                    .split(';')
                    .next()
                    .map(str::to_owned)
                    .unwrap_or_else(|| t!("cli.profile.no_keyring").into_owned());
                return fail(err, 1, &t!("cli.profile.guid_not_stored", reason = reason));
            }
        }
    }
    0
}

fn fail(err: &mut dyn Write, code: u8, msg: &str) -> u8 {
    let _ = writeln!(err, "{}", t!("cli.prefixed", message = msg));
    code
}

/// For `query --profile NAME`: the profile and its GUID from the keyring (None if not stored).
pub fn resolve(name: &str) -> Result<(Profile, Option<Guid>), String> {
    let store = ProfileStore::open_default().map_err(|e| e.to_string())?;
    let profile = store.get(name).map_err(|e| e.to_string())?;
    let guid = Keystore::platform().load(name).map_err(|e| e.to_string())?;
    Ok((profile, guid))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "aa11bb22-cc33-dd44-ee55-ff6677889900.AgentGateway1";

    fn add_args(name: &str, agent: &str) -> AddArgs {
        AddArgs {
            name: name.into(),
            host: "gw.example".into(),
            port: 8043,
            agent: agent.into(),
            ca_file: None,
            insecure: false,
            guid_stdin: true,
            sign_in: false,
            phone: None,
            pin_sha256: None,
            max_reply_mib: None,
        }
    }

    fn call(
        cmd: ProfileCommand,
        store: &ProfileStore,
        ks: &Keystore,
        input: &str,
    ) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run_with(cmd, store, ks, &mut input.as_bytes(), &mut out, &mut err);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn add_list_remove_with_guid_in_keyring_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::in_dir(dir.path());
        let ks = Keystore::mock();
        let (code, out, err) = call(
            ProfileCommand::Add(add_args("site", "1001")),
            &store,
            &ks,
            &format!("{SECRET}\n"),
        );
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("GUID stored in the system keyring"), "{out}");
        assert_eq!(ks.load("site").unwrap().unwrap().expose(), SECRET);
        let file = std::fs::read_to_string(store.path()).unwrap();
        assert!(!file.contains(SECRET));

        let (code, out, _) = call(ProfileCommand::List, &store, &ks, "");
        assert_eq!(code, 0);
        assert!(out.contains("site\tgw.example:8043\tagent 1001"), "{out}");
        assert!(!out.contains(SECRET));

        let (code, out, _) = call(
            ProfileCommand::Remove {
                name: "site".into(),
            },
            &store,
            &ks,
            "",
        );
        assert_eq!(code, 0);
        assert!(out.contains("Removed"));
        assert_eq!(ks.load("site").unwrap(), None);
        let (code, _, err) = call(
            ProfileCommand::Remove {
                name: "site".into(),
            },
            &store,
            &ks,
            "",
        );
        assert_eq!(code, 2);
        assert!(err.contains("no profile named"), "{err}");
    }

    #[test]
    fn bad_agent_and_missing_keyring_are_explained() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::in_dir(dir.path());
        let (code, _, err) = call(
            ProfileCommand::Add(add_args("x", "12a")),
            &store,
            &Keystore::mock(),
            SECRET,
        );
        assert_eq!(code, 2);
        assert!(err.contains("not a valid agent ID"), "{err}");

        let none = Keystore::memory_only("no system keyring is reachable (no D-Bus session)");
        let (code, _, err) = call(
            ProfileCommand::Add(add_args("y", "1001")),
            &store,
            &none,
            SECRET,
        );
        assert_eq!(code, 1);
        assert!(
            err.contains("NOT stored") && err.contains("no system keyring"),
            "{err}"
        );
        assert!(!err.contains(SECRET));
        assert_eq!(store.get("y").unwrap().agent, "1001");
    }
}
