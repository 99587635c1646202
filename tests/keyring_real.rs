//! The GUID through a real Secret Service (gnome-keyring under `dbus-run-session`, as
//! `scripts/test` runs it with CALLDATA_INSPECTOR_REAL_KEYRING=1), driven through the window;
//! then the profile file, eframe storage and log/state files must not contain it.
//! Without that variable the test prints a notice and skips (a developer desktop's real
//! keyring is not touched by default).

use std::path::Path;
use std::time::{Duration, Instant};

use calldata_inspector::keystore::{KeyringStatus, Keystore, Stored};
use calldata_inspector::profiles::{FILE_NAME, ProfileStore};
use calldata_inspector::secret::Guid;
use calldata_inspector::ui::{App, AppConfig};
use calldata_inspector::worker::KeystoreSource;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

#[allow(dead_code)]
#[path = "ui_app/common.rs"]
mod common;
use common::MemStorage;

fn enabled() -> bool {
    if std::env::var("CALLDATA_INSPECTOR_REAL_KEYRING").as_deref() == Ok("1") {
        return true;
    }
    // Written to fd 2 directly: the test harness captures eprintln! of passing tests.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "NOTICE: keyring_real skipped: set CALLDATA_INSPECTOR_REAL_KEYRING=1 and run inside \
         `dbus-run-session -- scripts/with-keyring cargo test --test keyring_real` (scripts/test does)."
    );
    false
}

fn unique_secret() -> String {
    format!("{}.AgentGateway3", uuid::Uuid::new_v4())
}

#[test]
fn keystore_round_trip_through_secret_service() {
    if !enabled() {
        return;
    }
    let ks = Keystore::platform();
    match ks.status() {
        KeyringStatus::Available { vendor } => eprintln!("keyring store: {vendor}"),
        KeyringStatus::Unavailable { reason } => panic!("real keyring unavailable: {reason}"),
    }
    let profile = format!("real-{}", uuid::Uuid::new_v4());
    let secret = unique_secret();
    assert_eq!(
        ks.store(&profile, &Guid::new(&secret).unwrap()),
        Stored::Keyring
    );
    // A fresh keystore has no memory copy: the value must come from the Secret Service.
    let fresh = Keystore::platform();
    assert_eq!(fresh.load(&profile).unwrap().unwrap().expose(), secret);
    fresh.delete(&profile).unwrap();
    assert_eq!(Keystore::platform().load(&profile).unwrap(), None);
}

#[test]
fn window_saves_guid_in_secret_service_and_nowhere_else() {
    if !enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let secret = unique_secret();
    let profile = format!("win-{}", &uuid::Uuid::new_v4().to_string()[..8]);
    let config = AppConfig {
        demo: None,
        profiles: Some(ProfileStore::in_dir(dir.path())),
        keystore: KeystoreSource::Platform,
        load_system_font: false,
        lang: None,
    };
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_max_steps(64)
        .build_eframe(move |cc| App::new(cc, config));
    h.run();
    for (label, text) in [
        ("Profile name", profile.as_str()),
        ("Host", "gw.example.invalid"),
        ("Agent ID", "1001"),
        ("GUID", secret.as_str()),
    ] {
        h.get_by_label(label).focus();
        h.run();
        h.get_by_label(label).type_text(text);
        h.run();
    }
    h.get_by_label("Save profile").click();
    h.run();
    let start = Instant::now();
    loop {
        h.step();
        if let Some(note) = h.state().guid_note_text()
            && note.contains("system keyring")
        {
            assert!(
                note.contains("saved"),
                "the GUID did not reach the keyring: {note}"
            );
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no keyring answer"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        Keystore::platform()
            .load(&profile)
            .unwrap()
            .unwrap()
            .expose(),
        secret,
        "not readable back from the Secret Service"
    );

    let mut storage = MemStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let persisted: String = storage.all_text();
    assert!(!persisted.is_empty(), "the app persisted nothing");
    assert!(!persisted.contains(&secret), "GUID in eframe storage");

    let file = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
    assert!(file.contains(&profile));
    assert!(!file.contains(&secret), "GUID in the profile file");

    // Logs and any other state the app may have written (scripts/test points these at scratch dirs).
    for var in ["XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"] {
        if let Some(d) = std::env::var_os(var) {
            assert_no_secret_under(Path::new(&d), &secret);
        }
    }
    assert_no_secret_under(dir.path(), &secret);
    Keystore::platform().delete(&profile).unwrap();
}

fn assert_no_secret_under(dir: &Path, secret: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            assert_no_secret_under(&p, secret);
        } else if let Ok(bytes) = std::fs::read(&p) {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "the GUID was found in {}",
                p.display()
            );
        }
    }
}
