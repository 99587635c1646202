//! `query --profile NAME`: a saved profile supplies the connection flags (host, port, agent,
//! CA file, insecure) that are not given explicitly, and its keyring GUID when neither
//! `CALLDATA_GUID` nor `--guid-stdin` provides one. Explicit flags always win.

use std::ffi::OsString;

use crate::keystore::Keystore;
use crate::profiles::{Profile, ProfileStore};
use crate::secret::Guid;

/// Where `--profile` sits in a command line.
struct Found {
    /// Index just after the `query` word.
    query_end: usize,
    /// The profile name.
    name: String,
}

/// Finds `query … --profile NAME` (or `--profile=NAME`) in `argv` (program name first).
fn find(argv: &[OsString]) -> Option<Found> {
    let mut i = 1;
    // Global options before the subcommand; only --log-level and --lang take a separate value.
    while i < argv.len() {
        let a = argv[i].to_string_lossy();
        if a == "query" {
            break;
        }
        if !a.starts_with('-') || a == "--" {
            return None;
        }
        i += if a == "--log-level" || a == "--lang" {
            2
        } else {
            1
        };
    }
    let query_end = i.checked_add(1).filter(|&e| e <= argv.len())?;
    let mut j = query_end;
    while j < argv.len() {
        let a = argv[j].to_string_lossy();
        if a == "--" {
            return None;
        }
        if a == "--profile" {
            let name = argv.get(j + 1)?.to_string_lossy().into_owned();
            return Some(Found { query_end, name });
        }
        if let Some(name) = a.strip_prefix("--profile=") {
            return Some(Found {
                query_end,
                name: name.to_owned(),
            });
        }
        j += 1;
    }
    None
}

/// Whether the query part of `argv` already has `flag` (as `--flag` or `--flag=…`).
fn has_flag(argv: &[OsString], from: usize, flag: &str) -> bool {
    let with_value = format!("{flag}=");
    argv[from..].iter().any(|a| {
        let a = a.to_string_lossy();
        a == flag || a.starts_with(&with_value)
    })
}

/// Inserts the profile's connection flags that `argv` lacks, right after `query`.
fn fill(argv: &mut Vec<OsString>, query_end: usize, p: &Profile) {
    let mut add: Vec<OsString> = Vec::new();
    let mut pair = |flag: &str, value: OsString| {
        // `--flag=value` keeps a value starting with '-' from being read as a flag.
        let mut joined = OsString::from(format!("{flag}="));
        joined.push(value);
        add.push(joined);
    };
    if !has_flag(argv, query_end, "--host") {
        pair("--host", p.host.clone().into());
    }
    if !has_flag(argv, query_end, "--port") {
        pair("--port", p.port.to_string().into());
    }
    if !has_flag(argv, query_end, "--agent") {
        pair("--agent", p.agent.clone().into());
    }
    let insecure_given = has_flag(argv, query_end, "--insecure");
    if let Some(ca) = &p.ca_file
        && !has_flag(argv, query_end, "--ca-file")
        && !insecure_given
        && !p.insecure
    {
        pair("--ca-file", ca.clone().into_os_string());
    }
    if let Some(pin) = &p.pin_sha256
        && !has_flag(argv, query_end, "--pin-sha256")
    {
        pair("--pin-sha256", pin.clone().into());
    }
    if let Some(mib) = p.max_reply_mib
        && !has_flag(argv, query_end, "--max-reply-mib")
    {
        pair("--max-reply-mib", mib.to_string().into());
    }
    if p.insecure && !insecure_given {
        add.push("--insecure".into());
    }
    argv.splice(query_end..query_end, add);
}

/// Expands `query --profile NAME` with the profile from `store`; other command lines are
/// returned unchanged. Errors (unreadable store, unknown profile) are for exit code 2.
pub fn expand(mut argv: Vec<OsString>, store: &ProfileStore) -> Result<Vec<OsString>, String> {
    let Some(found) = find(&argv) else {
        return Ok(argv);
    };
    let profile = store
        .get(&found.name)
        .map_err(|e| t!("cli.profile_arg.error", name = found.name, error = e).into_owned())?;
    fill(&mut argv, found.query_end, &profile);
    Ok(argv)
}

/// Expands with the default profile store, opened only when `--profile` is present.
pub fn expand_default(argv: Vec<OsString>) -> Result<Vec<OsString>, String> {
    if find(&argv).is_none() {
        return Ok(argv);
    }
    let store = ProfileStore::open_default()
        .map_err(|e| t!("cli.profile_arg.store", error = e).into_owned())?;
    expand(argv, &store)
}

/// The profile's GUID from the system keyring, or why there is none (for the error message).
pub fn keyring_guid(profile: &str) -> Result<Guid, String> {
    match Keystore::platform().load(profile) {
        Ok(Some(g)) => Ok(g),
        Ok(None) => Err(t!("cli.profile_arg.no_guid", profile = profile).into_owned()),
        Err(e) => Err(t!(
            "cli.profile_arg.keyring_failed",
            profile = profile,
            error = e
        )
        .into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<OsString> {
        std::iter::once("calldata-inspector")
            .chain(words.iter().copied())
            .map(OsString::from)
            .collect()
    }

    fn store_with(p: Profile) -> (tempfile::TempDir, ProfileStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::in_dir(dir.path());
        store.upsert(p).unwrap();
        (dir, store)
    }

    fn site() -> Profile {
        Profile {
            name: "site".into(),
            host: "gw.example".into(),
            port: 9443,
            agent: "1001".into(),
            ca_file: Some("/etc/gw ca.pem".into()),
            insecure: false,
            ..Profile::default()
        }
    }

    fn words(v: &[OsString]) -> Vec<String> {
        v.iter().map(|a| a.to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn profile_fills_missing_flags_and_explicit_ones_win() {
        let (_d, store) = store_with(site());
        let out = expand(
            argv(&[
                "--log-level",
                "info",
                "query",
                "--profile",
                "site",
                "--agent=1003",
                "--call-id=-5",
            ]),
            &store,
        )
        .unwrap();
        assert_eq!(
            words(&out),
            [
                "calldata-inspector",
                "--log-level",
                "info",
                "query",
                "--host=gw.example",
                "--port=9443",
                "--ca-file=/etc/gw ca.pem",
                "--profile",
                "site",
                "--agent=1003",
                "--call-id=-5"
            ]
        );
        // And the result parses as a query for the explicit agent on the profile's gateway.
        let cli = super::super::Cli::try_parse_checked(out).unwrap();
        let Some(super::super::Command::Query(q)) = cli.command else {
            panic!("not a query")
        };
        assert_eq!(
            (q.host.as_str(), q.port, q.agent.get()),
            ("gw.example", 9443, 1003)
        );
        assert_eq!(q.profile.as_deref(), Some("site"));
    }

    #[test]
    fn insecure_profiles_and_unrelated_command_lines() {
        let (_d, store) = store_with(Profile {
            insecure: true,
            ..site()
        });
        let out = expand(argv(&["query", "--profile=site"]), &store).unwrap();
        let w = words(&out);
        assert!(w.contains(&"--insecure".to_owned()), "{w:?}");
        assert!(!w.iter().any(|a| a.starts_with("--ca-file")), "{w:?}");
        for untouched in [
            &["query", "--host", "h", "--agent", "1001"][..],
            &["profile", "list"],
            &["--demo"],
            &["query", "--call-id", "x", "--", "--profile", "site"],
        ] {
            let a = argv(untouched);
            assert_eq!(expand(a.clone(), &store).unwrap(), a);
        }
        let e = expand(argv(&["query", "--profile", "nope"]), &store).unwrap_err();
        assert!(e.contains("nope"), "{e}");
    }
}
