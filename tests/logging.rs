//! The log file is written where `logging` says, and a GUID logged by mistake in any of the
//! usual ways ({} / {:?} / structured field) never reaches it.
//!
//! One test per process: `logging::init_in` installs the process-global subscriber.

use calldata_inspector::logging;
use calldata_inspector::secret::Guid;

#[test]
fn log_file_is_written_and_never_contains_the_guid() {
    const RAW: &str = "5cbd7a2e41f84ea0b4f31c0d9a6e7f12";
    let dir = tempfile::tempdir().expect("tempdir");
    let logs = dir.path().join("nested").join("logs");
    let guid = Guid::new(&format!("JSESSIONID={RAW}")).expect("valid guid");

    let guard = logging::init_in(Some("warn"), Some(logs.clone())).expect("logging starts");
    assert_eq!(guard.dir(), Some(logs.as_path()));
    assert!(guard.file_error().is_none());
    tracing::info!("query agent 1001 with guid {guid}");
    tracing::info!("debug view of the guid: {guid:?}");
    tracing::warn!(guid = %guid, dbg = ?guid, "structured fields");
    tracing::info!("marker-line-7f3a");
    // A second init in the same process is refused with a clear message instead of panicking.
    let again = logging::init_in(None, None).unwrap_err();
    assert!(again.contains("already set up"), "{again}");
    // The non-blocking writer flushes when its guard is dropped.
    drop(guard);

    let files: Vec<_> = std::fs::read_dir(&logs)
        .expect("log dir created")
        .map(|e| e.expect("dir entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("calldata-inspector.") && name.ends_with(".log"),
        "{name}"
    );
    let text = std::fs::read_to_string(&files[0]).expect("readable log");
    assert!(text.contains("marker-line-7f3a"), "{text}");
    assert!(text.contains("structured fields"), "{text}");
    assert!(text.contains("***"), "the redacted form is logged: {text}");
    assert!(!text.contains(RAW), "GUID leaked into the log file: {text}");
    assert!(
        !text.contains(&RAW[..12]),
        "part of the GUID leaked: {text}"
    );
}
