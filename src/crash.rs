//! What a crash leaves behind: the panic is written to the log file (where a bug report
//! starts) and stderr says where that is. Panic messages are built from our own values, whose
//! secrets print as `***`; nothing here adds any other data.

/// Set this to the name of a [`test_point`] to make the process panic there (tests of what
/// a crash leaks; never set in normal use).
pub const TEST_PANIC_ENV: &str = "CALLDATA_INSPECTOR_TEST_PANIC";

/// Installs the panic hook: log the panic, then run the default hook (message and location on
/// stderr, a backtrace only if RUST_BACKTRACE asks for one).
pub fn install() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(%location, %message, "crash");
        default(info);
        if let Some(dir) = crate::logging::log_dir() {
            eprintln!(
                "{}",
                t!("reliability.crash_log", dir = dir.display().to_string())
            );
        }
    }));
}

/// Panics when [`TEST_PANIC_ENV`] names `point`, with `context` (a value holding a secret,
/// formatted with Debug) in the message, so tests can check a crash in the middle of a flow
/// leaks nothing.
pub fn test_point(point: &str, context: &dyn std::fmt::Debug) {
    if std::env::var_os(TEST_PANIC_ENV).is_some_and(|v| v == point) {
        panic!("test crash at {point} holding {context:?}");
    }
}
