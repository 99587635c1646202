//! `calldata-inspector query`: one appdata query, scriptable, with the exit codes
//! 0 ok, 1 local output error, 2 usage (nothing sent), 3 retcode, 4 transport/HTTP, 5 malformed.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use encoding_rs::Encoding;

use crate::decode;
use crate::export::{self, Report};
use crate::gateway::{
    self, AgentId, AppData, AppDataRequest, ClientConfig, EXIT_USAGE, GatewayClient, RawReply,
    TlsOptions,
};
use crate::secret::Guid;

/// The environment variable the GUID is read from.
pub const GUID_ENV: &str = "CALLDATA_GUID";

/// Exit code for a local failure (the output could not be written).
pub const EXIT_OUTPUT: u8 = 1;

/// What `query` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// The call data as UTF-8 text, nothing else (no trailing newline).
    Decoded,
    /// The HTTP response body, byte for byte.
    Raw,
    /// A JSON report with metadata (never the GUID).
    Json,
}

impl OutputFormat {
    /// The flag value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Decoded => "decoded",
            Self::Raw => "raw",
            Self::Json => "json",
        }
    }
}

/// Arguments of `query`. The GUID has no flag on purpose: other users can read command lines.
#[derive(Debug, Clone, clap::Args)]
#[command(after_long_help = t!("cli.help.query.after").into_owned())]
pub struct QueryArgs {
    /// Gateway host name or IP address (the NSLB address in a cluster).
    #[arg(long, value_name = "HOST")]
    pub host: String,
    /// Gateway HTTPS port.
    #[arg(long, value_name = "PORT", default_value_t = gateway::DEFAULT_PORT)]
    pub port: u16,
    /// Agent ID (work number), 101 to 999999.
    #[arg(long, value_name = "ID")]
    pub agent: AgentId,
    /// Call ID; omit for the agent's current call (required for multimedia sessions).
    #[arg(
        long,
        value_name = "CALL_ID",
        default_value = "",
        hide_default_value = true
    )]
    pub call_id: String,
    /// Ask the gateway for Base64 (isEncodeResult=true) and decode it; without it isEncodeResult=false.
    #[arg(long)]
    pub encoded: bool,
    /// What to write: decoded text, the raw response body, or a JSON report.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = OutputFormat::Decoded)]
    pub output: OutputFormat,
    /// Write to FILE atomically (temp file + rename in the same folder) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Extra CA certificate (PEM or DER) to trust in addition to the system's.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Do not verify the gateway's certificate (unsafe: anyone on the network can read the GUID).
    #[arg(long)]
    pub insecure: bool,
    /// Trust exactly the server certificate with this SHA-256 fingerprint (AB:CD:…), for
    /// gateways with self-signed certificates; any other certificate is refused.
    #[arg(long, value_name = "SHA256", value_parser = parse_pin)]
    pub pin_sha256: Option<gateway::Fingerprint>,
    /// Refuse a reply larger than MIB mebibytes without reading it into memory.
    #[arg(long, value_name = "MIB", default_value_t = gateway::DEFAULT_MAX_BODY >> 20,
          value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub max_reply_mib: u64,
    /// Give up after SECS seconds (connect and whole request).
    #[arg(long, value_name = "SECS", default_value_t = gateway::DEFAULT_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Decode the call data with this charset instead of detecting it (utf-8, gbk, gb18030, utf-16le, big5, ...).
    #[arg(long, value_name = "NAME", value_parser = parse_charset)]
    pub charset: Option<&'static Encoding>,
    /// Read the GUID from the first line of standard input instead of CALLDATA_GUID.
    #[arg(long)]
    pub guid_stdin: bool,
    /// Take host, port, agent and TLS settings from this saved profile (flags given here win),
    /// and the GUID from the system keyring when CALLDATA_GUID and --guid-stdin are absent.
    /// (Expanded by `cli::profile_args` before parsing.)
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

fn parse_pin(s: &str) -> Result<gateway::Fingerprint, String> {
    gateway::Fingerprint::parse(s).map_err(|e| e.to_string())
}

fn parse_charset(s: &str) -> Result<&'static Encoding, String> {
    decode::charset::lookup(s)
        .ok_or_else(|| t!("cli.query.unknown_charset", given = s).into_owned())
}

/// The process's standard streams, replaceable in tests.
pub struct Io<'a> {
    /// Standard input (read only with `--guid-stdin`).
    pub stdin: &'a mut dyn Read,
    /// Standard output.
    pub stdout: &'a mut dyn Write,
    /// Standard error.
    pub stderr: &'a mut dyn Write,
}

/// Runs `query` with the real environment and streams; returns the exit code.
pub fn run_main(args: &QueryArgs) -> u8 {
    let env = std::env::var_os(GUID_ENV);
    run(
        args,
        env,
        Io {
            stdin: &mut std::io::stdin().lock(),
            stdout: &mut std::io::stdout().lock(),
            stderr: &mut std::io::stderr().lock(),
        },
    )
}

/// Runs `query`: validates everything (exit 2, nothing sent), sends one request, writes the
/// chosen output, and returns the exit code.
pub fn run(args: &QueryArgs, env_guid: Option<OsString>, io: Io<'_>) -> u8 {
    let Io {
        stdin,
        stdout,
        stderr,
    } = io;
    let fail = |stderr: &mut dyn Write, code: u8, msg: &dyn std::fmt::Display| {
        let _ = writeln!(stderr, "{}", t!("cli.prefixed", message = msg));
        code
    };

    let guid = match read_guid(args.guid_stdin, env_guid, stdin) {
        Ok(g) => g,
        Err(msg) => return fail(stderr, EXIT_USAGE, &msg),
    };
    crate::crash::test_point("query", &guid);
    if let Some(out) = &args.out
        && let Err(msg) = check_out_path(out)
    {
        return fail(stderr, EXIT_USAGE, &msg);
    }
    let timeout = Duration::from_secs(args.timeout);
    let client = match GatewayClient::new(ClientConfig {
        host: args.host.clone(),
        port: args.port,
        tls: TlsOptions {
            ca_file: args.ca_file.clone(),
            ca_pem: None,
            insecure: args.insecure,
            only_extra_roots: false,
            pin_sha256: args.pin_sha256,
        },
        connect_timeout: timeout.min(gateway::DEFAULT_TIMEOUT),
        timeout,
        max_body: args.max_reply_mib << 20,
    }) {
        Ok(c) => c,
        Err(e) => return fail(stderr, e.exit_code(), &e),
    };
    if args.insecure {
        let _ = writeln!(stderr, "{}", t!("cli.query.insecure_warning"));
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            let msg = t!("cli.query.cannot_start", error = e);
            return fail(stderr, EXIT_OUTPUT, &msg);
        }
    };
    let req = AppDataRequest {
        agent: args.agent,
        call_id: args.call_id.clone(),
        encoded: args.encoded,
    };
    let reply = match runtime.block_on(client.query_appdata(&req, &guid)) {
        Ok(r) => r,
        Err(e) => {
            let code = fail(stderr, e.exit_code(), &e);
            if let Some(offer) = super::trust::offer(&e, &args.host, args.port, timeout) {
                let _ = writeln!(stderr, "{offer}");
            }
            return code;
        }
    };
    drop(guid);
    if reply.set_guid.is_some() {
        let _ = writeln!(stderr, "{}", t!("cli.query.new_guid_note"));
    }

    let interpreted = reply.interpret(args.encoded, args.charset);
    let bytes = match (args.output, &interpreted) {
        (OutputFormat::Raw, _) if (200..300).contains(&reply.status) => reply.body.clone(),
        (_, Err(e)) => return fail(stderr, e.exit_code(), e),
        (OutputFormat::Decoded, Ok(data)) => data.decoded.text.as_bytes().to_vec(),
        (OutputFormat::Json, Ok(data)) => report(args, &reply, data).to_json_bytes(),
        (OutputFormat::Raw, Ok(_)) => reply.body.clone(),
    };
    if let Ok(data) = &interpreted
        && data.decoded.had_errors
        && args.output != OutputFormat::Raw
    {
        let _ = writeln!(
            stderr,
            "{}",
            t!(
                "cli.query.replaced_bytes",
                charset = data.decoded.encoding.name()
            )
        );
    }
    if let Err(msg) = write_output(args.out.as_deref(), &bytes, stdout) {
        return fail(stderr, EXIT_OUTPUT, &msg);
    }
    match interpreted {
        Ok(_) => 0,
        // Raw output was written; the exit code still says what was wrong with the reply.
        Err(e) => fail(stderr, e.exit_code(), &e),
    }
}

/// The JSON report of a successful query.
pub fn report(args: &QueryArgs, reply: &RawReply, data: &AppData) -> Report {
    Report {
        host: args.host.clone(),
        port: args.port,
        agent: args.agent.get(),
        call_id: args.call_id.clone(),
        encoded: args.encoded,
        http_status: reply.status,
        retcode: data.retcode.clone(),
        message: data.message.clone(),
        charset: data.decoded.encoding.name().to_owned(),
        bytes: data.decoded.bytes.len(),
        sha256: export::sha256_hex(&data.decoded.bytes),
        data: data.decoded.text.clone(),
        elapsed_ms: u64::try_from(reply.elapsed.as_millis()).unwrap_or(u64::MAX),
        time: export::now_rfc3339(),
        tool_version: super::VERSION.to_owned(),
    }
}

/// The GUID from stdin (first non-empty line) or the environment.
fn read_guid(
    from_stdin: bool,
    env: Option<OsString>,
    stdin: &mut dyn Read,
) -> Result<Guid, String> {
    let raw = if from_stdin {
        let mut buf = Vec::new();
        // A GUID is ~50 bytes; cap the read so a mistaken pipe of a big file is not slurped.
        stdin
            .take(64 * 1024)
            .read_to_end(&mut buf)
            .map_err(|e| t!("cli.guid.stdin_unreadable", error = e).into_owned())?;
        let text =
            String::from_utf8(buf).map_err(|_| t!("cli.guid.stdin_not_utf8").into_owned())?;
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .ok_or_else(|| t!("cli.guid.stdin_empty").into_owned())?
            .to_owned()
    } else {
        match env {
            Some(v) => v
                .into_string()
                .map_err(|_| t!("cli.guid.env_not_utf8", var = GUID_ENV).into_owned())?,
            None => {
                return Err(t!("cli.guid.missing", var = GUID_ENV).into_owned());
            }
        }
    };
    Guid::new(&raw).map_err(|e| {
        let source = if from_stdin {
            t!("cli.guid.stdin").into_owned()
        } else {
            GUID_ENV.to_owned()
        };
        t!("cli.guid.unusable", source = source, error = e).into_owned()
    })
}

/// Refuses `--out` targets that cannot work before anything is sent.
fn check_out_path(out: &Path) -> Result<(), String> {
    if out.is_dir() {
        return Err(t!("cli.out.is_folder", path = out.display()).into_owned());
    }
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(t!(
            "cli.out.no_folder",
            path = out.display(),
            folder = dir.display()
        )
        .into_owned());
    }
    Ok(())
}

fn write_output(out: Option<&Path>, bytes: &[u8], stdout: &mut dyn Write) -> Result<(), String> {
    match out {
        Some(path) => {
            export::atomic_write(path, bytes).map_err(|e| export::describe_write_error(path, &e))
        }
        None => stdout
            .write_all(bytes)
            .and_then(|()| stdout.flush())
            .map_err(|e| t!("cli.out.stdout_failed", error = e).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_sources_and_their_errors() {
        let g = read_guid(
            false,
            Some("JSESSIONID=abc.AgentGateway0".into()),
            &mut &b""[..],
        )
        .unwrap();
        assert_eq!(g.expose(), "abc.AgentGateway0");
        let g = read_guid(
            true,
            Some("env-value".into()),
            &mut &b"\n  from-stdin \nx\n"[..],
        )
        .unwrap();
        assert_eq!(g.expose(), "from-stdin");
        let e = read_guid(false, None, &mut &b""[..]).unwrap_err();
        assert!(
            e.contains("CALLDATA_GUID") && e.contains("--guid-stdin"),
            "{e}"
        );
        let e = read_guid(true, None, &mut &b"\n\n"[..]).unwrap_err();
        assert!(e.contains("standard input is empty"), "{e}");
        let e = read_guid(false, Some("a b".into()), &mut &b""[..]).unwrap_err();
        assert!(e.contains("not usable") && !e.contains("a b"), "{e}");
    }

    #[test]
    fn out_path_is_checked_before_sending() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_out_path(&dir.path().join("x.txt")).is_ok());
        assert!(check_out_path(dir.path()).unwrap_err().contains("folder"));
        assert!(
            check_out_path(&dir.path().join("nope/x.txt"))
                .unwrap_err()
                .contains("does not exist")
        );
    }

    #[test]
    fn charset_names() {
        assert_eq!(parse_charset("GBK").unwrap(), encoding_rs::GBK);
        assert!(parse_charset("klingon").unwrap_err().contains("gbk"));
    }
}
