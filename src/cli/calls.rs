//! `calldata-inspector calls --profile NAME [--workno N] [--output table|json]`: the calls the
//! gateway lists for the profile's agent (current and held) or for another agent by work
//! number. The GUID comes from CALLDATA_GUID or the profile's keyring entry; a rotated GUID
//! is stored back there. Same exit codes as `query`.

use std::ffi::OsString;
use std::io::Write;
use std::time::{Duration, Instant};

use crate::gateway::calls::{self, CallSummary, Listing};
use crate::gateway::{AgentId, EXIT_USAGE};
use crate::keystore::Keystore;
use crate::profiles::ProfileStore;
use crate::ratelimit::RateLimiter;
use crate::secret::Guid;

use super::query::{EXIT_OUTPUT, GUID_ENV};
use super::signin::{Env, Failure, gateway_failure, open_site, report, runtime, with_real_env};

/// How `calls` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CallsFormat {
    /// Aligned columns for people.
    Table,
    /// A JSON object with a `calls` array, for scripts.
    Json,
}

/// Arguments of `calls`.
#[derive(Debug, Clone, clap::Args)]
pub struct CallsArgs {
    /// The saved profile whose agent asks (its session GUID is in the keyring).
    #[arg(long, value_name = "NAME")]
    pub profile: String,
    /// List the calls of this agent (same VDN) instead of the profile agent's own.
    #[arg(long, value_name = "N")]
    pub workno: Option<AgentId>,
    /// Table for people or JSON for scripts.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = CallsFormat::Table)]
    pub output: CallsFormat,
    /// Give up after SECS seconds (connect and whole request).
    #[arg(long, value_name = "SECS", default_value_t = crate::gateway::DEFAULT_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

/// Runs `calls` with the real environment, keyring, profiles and streams.
pub fn run_main(args: &CallsArgs) -> u8 {
    with_real_env(false, |env| run(args, std::env::var_os(GUID_ENV), env))
}

/// Runs `calls`; `env_guid` is CALLDATA_GUID. Returns the exit code.
pub fn run(args: &CallsArgs, env_guid: Option<OsString>, env: Env<'_>) -> u8 {
    let result = list(
        args,
        env_guid,
        env.profiles,
        env.keys,
        env.stdout,
        env.stderr,
    );
    report(env.stderr, result)
}

fn list(
    args: &CallsArgs,
    env_guid: Option<OsString>,
    profiles: &ProfileStore,
    keys: &Keystore,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Failure> {
    let site = open_site(profiles, &args.profile, Duration::from_secs(args.timeout))?;
    let (mut guid, from_keyring) = match env_guid {
        Some(v) => {
            let raw = v.into_string().map_err(|_| {
                (
                    EXIT_USAGE,
                    t!("cli.guid.env_not_utf8", var = GUID_ENV).into_owned(),
                )
            })?;
            let g = Guid::new(&raw).map_err(|e| {
                (
                    EXIT_USAGE,
                    t!("cli.guid.unusable", source = GUID_ENV, error = e).into_owned(),
                )
            })?;
            (g, false)
        }
        None => match keys.load(&args.profile) {
            Ok(Some(g)) => (g, true),
            Ok(None) => {
                return Err((
                    EXIT_USAGE,
                    t!(
                        "session_engine.cli.no_guid_calls",
                        name = &args.profile,
                        var = GUID_ENV
                    )
                    .into_owned(),
                ));
            }
            Err(e) => return Err((EXIT_USAGE, e.to_string())),
        },
    };
    let listings = match args.workno {
        None => vec![Listing::Current, Listing::Held],
        Some(w) => vec![Listing::OfAgent(w)],
    };
    let rt = runtime()?;
    let mut pacer = RateLimiter::default();
    let mut found: Vec<CallSummary> = Vec::new();
    let mut rotated = false;
    for which in listings {
        let wait = pacer.reserve(site.agent.get(), Instant::now());
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
        let listed = rt
            .block_on(calls::list(&site.client, site.agent, &guid, which))
            .map_err(|e| gateway_failure(&e))?;
        if let Some(new) = listed.set_guid {
            guid = new;
            rotated = true;
        }
        calls::merge(&mut found, listed.calls);
    }
    if rotated {
        if from_keyring {
            keys.store(&args.profile, &guid);
        }
        let _ = writeln!(stderr, "{}", t!("cli.query.new_guid_note"));
    }
    drop(guid);
    let text = match args.output {
        CallsFormat::Table => table(&found),
        CallsFormat::Json => json(&site.agent, args.workno, &found),
    };
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| {
            (
                EXIT_OUTPUT,
                t!("cli.out.stdout_failed", error = e).into_owned(),
            )
        })
}

/// The JSON output: who asked, whose calls, and the calls.
fn json(agent: &AgentId, workno: Option<AgentId>, found: &[CallSummary]) -> String {
    let v = serde_json::json!({
        "agent": agent.get(),
        "workno": workno.unwrap_or(*agent).get(),
        "calls": found,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// Aligned columns (CJK characters count two columns), or a line saying there are none.
fn table(found: &[CallSummary]) -> String {
    if found.is_empty() {
        return format!("{}\n", t!("session_engine.cli.no_calls"));
    }
    let header: Vec<String> = [
        "col_call_id",
        "col_caller",
        "col_called",
        "col_skill",
        "col_media",
        "col_start",
        "col_duration",
        "col_held",
    ]
    .iter()
    .map(|k| t!(format!("session_engine.cli.{k}")).into_owned())
    .collect();
    let dash = |s: &str| {
        if s.is_empty() {
            "-".to_owned()
        } else {
            s.to_owned()
        }
    };
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|c| {
            vec![
                c.call_id.clone(),
                dash(&c.caller),
                dash(&c.called),
                dash(&c.skill),
                dash(&c.media_type),
                c.start_time.clone().unwrap_or_else(|| "-".into()),
                c.duration.map_or_else(|| "-".into(), clock),
                if c.held {
                    t!("session_engine.cli.yes").into_owned()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    let width = |s: &str| {
        s.chars()
            .map(|c| if c > '\u{1100}' { 2 } else { 1 })
            .sum::<usize>()
    };
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| width(&r[i]))
                .chain(std::iter::once(width(&header[i])))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows.iter()) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(widths[i] - width(cell) + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Seconds as `m:ss` or `h:mm:ss`.
fn clock(secs: u64) -> String {
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_and_marks_held_calls() {
        let calls = vec![
            CallSummary {
                call_id: "1-1".into(),
                caller: "13800138000".into(),
                duration: Some(3725),
                held: true,
                ..CallSummary::default()
            },
            CallSummary {
                call_id: "22-22".into(),
                ..CallSummary::default()
            },
        ];
        let t = table(&calls);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 3, "{t}");
        assert!(lines[1].contains("1:02:05") && lines[1].contains("13800138000"));
        let col = lines[0]
            .find(&*t!("session_engine.cli.col_caller"))
            .unwrap();
        assert_eq!(lines[2][col..].chars().next(), Some('-'));
        assert_eq!(clock(65), "1:05");
    }
}
