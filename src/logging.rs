//! Logging: `tracing` events go to stderr (level from `--log-level`, else `RUST_LOG`, else
//! `warn`) and, at `info`, to a daily-rotating file in the platform state directory so a
//! supervisor can attach it to a bug report.
//!
//! Nothing here can redact arbitrary strings: secrets stay out of the log because they are
//! only ever logged as `crate::secret::Guid`/`Password`, whose Display and Debug print `***`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Environment variable that overrides the log directory (tests, portable installs).
pub const LOG_DIR_ENV: &str = "CALLDATA_INSPECTOR_LOG_DIR";

/// Log files are named `calldata-inspector.YYYY-MM-DD.log`.
pub const FILE_PREFIX: &str = "calldata-inspector";

/// Log file extension.
pub const FILE_SUFFIX: &str = "log";

/// How many daily files are kept; older ones are deleted on rotation.
pub const KEEP_FILES: usize = 7;

/// Level of stderr output when neither `--log-level` nor `RUST_LOG` says otherwise.
pub const DEFAULT_STDERR_LEVEL: &str = "warn";

/// Level written to the log file.
pub const FILE_LEVEL: &str = "info";

/// Keeps the background log writer alive; drop it at exit so the last lines reach the file.
#[must_use = "dropping the guard stops file logging"]
pub struct LogGuard {
    _worker: Option<WorkerGuard>,
    dir: Option<PathBuf>,
    file_error: Option<String>,
}

impl LogGuard {
    /// The directory the log file is written to, if file logging started.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Why there is no log file (the directory could not be created, ...), if so.
    pub fn file_error(&self) -> Option<&str> {
        self.file_error.as_deref()
    }
}

impl std::fmt::Debug for LogGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogGuard")
            .field("dir", &self.dir)
            .field("file_error", &self.file_error)
            .finish()
    }
}

/// Where log files go: `$CALLDATA_INSPECTOR_LOG_DIR`, else the platform state directory
/// (`~/.local/state/calldata-inspector/logs` on Linux), else the local data directory + `logs`.
pub fn log_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(LOG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let dirs = directories::ProjectDirs::from("io.github", "calldata_inspector", FILE_PREFIX)?;
    let base = dirs
        .state_dir()
        .unwrap_or_else(|| dirs.data_local_dir())
        .to_path_buf();
    Some(base.join("logs"))
}

/// A glob-like description of the current log files for people: `<dir>/calldata-inspector.*.log`.
pub fn log_file_pattern() -> Option<PathBuf> {
    log_dir().map(|d| d.join(format!("{FILE_PREFIX}.*.{FILE_SUFFIX}")))
}

/// Installs the global subscriber: stderr at `level` (or `RUST_LOG`, or `warn`) and the
/// rotating file in [`log_dir`] at `info`. Call once at start-up and keep the guard.
///
/// Errors: an unparsable level, or a subscriber already installed. A log directory that
/// cannot be created is not an error: logging continues on stderr and the guard says why.
pub fn init(level: Option<&str>) -> Result<LogGuard, String> {
    init_in(level, log_dir())
}

/// Like [`init`] but with an explicit log directory (`None`: stderr only).
pub fn init_in(level: Option<&str>, dir: Option<PathBuf>) -> Result<LogGuard, String> {
    let stderr_filter = stderr_filter(level)?;
    let stderr_layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_filter(stderr_filter);

    let (file_layer, worker, file_dir, file_error) = match dir.map(open_appender) {
        Some(Ok((appender, dir))) => {
            let (writer, worker) = tracing_appender::non_blocking(appender);
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false)
                .with_filter(without_secret_bearers(EnvFilter::new(FILE_LEVEL)));
            (Some(layer), Some(worker), Some(dir), None)
        }
        Some(Err(e)) => (None, None, None, Some(e)),
        None => (
            None,
            None,
            None,
            Some("no home directory to put the log file in".to_owned()),
        ),
    };

    tracing_subscriber::registry()
        .with(stderr_layer)
        .with(file_layer)
        .try_init()
        .map_err(|e| format!("logging is already set up in this process ({e})"))?;
    if let Some(e) = &file_error {
        tracing::warn!("logging to stderr only: {e}");
    }
    Ok(LogGuard {
        _worker: worker,
        dir: file_dir,
        file_error,
    })
}

/// Crates whose debug/trace output carries message bodies that hold secrets: zbus and the
/// Secret Service client print the D-Bus messages that store the GUID in the keyring. They
/// are held at `warn` whatever level is asked for (a target matches by prefix, so `zbus`
/// covers the keyring store crate too) (at trace, zbus's own logging also stalled
/// `signin` in the middle of its keyring call).
const SECRET_BEARING_TARGETS: [&str; 3] = ["zbus", "zvariant", "secret_service"];

/// `filter` with [`SECRET_BEARING_TARGETS`] capped at `warn`.
fn without_secret_bearers(mut filter: EnvFilter) -> EnvFilter {
    for target in SECRET_BEARING_TARGETS {
        if let Ok(d) = format!("{target}=warn").parse() {
            filter = filter.add_directive(d);
        }
    }
    filter
}

/// The stderr filter from the flag, else `RUST_LOG`, else the default; a bad flag is an error
/// naming the accepted levels, a bad `RUST_LOG` falls back to the default with a note.
fn stderr_filter(level: Option<&str>) -> Result<EnvFilter, String> {
    user_filter(level).map(without_secret_bearers)
}

fn user_filter(level: Option<&str>) -> Result<EnvFilter, String> {
    if let Some(level) = level {
        let bad = |why: String| {
            format!(
                "invalid --log-level '{level}': {why}; use one of error, warn, info, debug, trace \
                 (or a filter such as calldata_inspector=debug)"
            )
        };
        let trimmed = level.trim();
        // A lone word is read by EnvFilter as a module name, so a typo such as "debgu" would
        // silently turn logging off; a single word must be a level.
        if !trimmed.contains(['=', ',', '[']) {
            trimmed
                .parse::<tracing_subscriber::filter::LevelFilter>()
                .map_err(|_| bad("not a level".to_owned()))?;
        }
        return EnvFilter::try_new(trimmed).map_err(|e| bad(e.to_string()));
    }
    match std::env::var("RUST_LOG") {
        Ok(env) if !env.trim().is_empty() => Ok(EnvFilter::try_new(env.trim()).unwrap_or_else(|e| {
            eprintln!(
                "calldata-inspector: ignoring RUST_LOG='{env}' ({e}); logging at {DEFAULT_STDERR_LEVEL}"
            );
            EnvFilter::new(DEFAULT_STDERR_LEVEL)
        })),
        _ => Ok(EnvFilter::new(DEFAULT_STDERR_LEVEL)),
    }
}

/// Creates the directory and the daily-rotating appender that keeps [`KEEP_FILES`] files.
fn open_appender(
    dir: PathBuf,
) -> Result<(tracing_appender::rolling::RollingFileAppender, PathBuf), String> {
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("cannot create the log directory {}: {e}", dir.display()))?;
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .filename_suffix(FILE_SUFFIX)
        .max_log_files(KEEP_FILES)
        .build(&dir)
        .map_err(|e| format!("cannot open a log file in {}: {e}", dir.display()))?;
    Ok((appender, dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_level_names_the_flag_and_the_choices() {
        let e = stderr_filter(Some("loud=[")).unwrap_err();
        assert!(e.contains("--log-level 'loud=['"), "{e}");
        assert!(e.contains("error, warn, info, debug, trace"), "{e}");
        let e = stderr_filter(Some("debgu")).unwrap_err();
        assert!(e.contains("'debgu': not a level"), "{e}");
        assert!(stderr_filter(Some("debug")).is_ok());
        assert!(stderr_filter(Some("INFO")).is_ok());
        assert!(stderr_filter(Some("calldata_inspector=trace,warn")).is_ok());
    }

    #[test]
    fn log_dir_ends_in_logs_or_follows_the_override() {
        // The override is read from the environment; without it the platform dir ends in "logs".
        match std::env::var_os(LOG_DIR_ENV) {
            Some(d) if !d.is_empty() => assert_eq!(log_dir(), Some(PathBuf::from(d))),
            _ => {
                if let Some(dir) = log_dir() {
                    assert!(dir.ends_with("logs"), "{}", dir.display());
                }
            }
        }
    }
}
