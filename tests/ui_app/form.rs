//! The connection form, profiles and the keyring, without any network.

use calldata_inspector::profiles::{FILE_NAME, ProfileStore};
use calldata_inspector::ui::InspectorState;

use super::common::*;

#[test]
fn filling_the_form_and_saving_keeps_the_guid_out_of_the_profile_file() {
    let fx = Fixture::new();
    let mut h = fx.harness();
    type_into(&mut h, "Profile name", "site-a");
    type_into(&mut h, "Host", "gw.example.invalid");
    replace_text(&mut h, "Port", "9443");
    type_into(&mut h, "Agent ID", "1001");
    type_into(&mut h, "GUID", SECRET);
    click(&mut h, "Save profile");
    wait_until(&mut h, "the keyring to confirm", |app| {
        h_note(app).is_some_and(|n| n.contains("saved in the system keyring"))
    });
    assert!(shows(&h, "Profile \"site-a\" saved."));

    let file = std::fs::read_to_string(fx.dir.path().join(FILE_NAME)).unwrap();
    assert!(
        file.contains("gw.example.invalid") && file.contains("9443"),
        "{file}"
    );
    assert!(
        !file.contains(SECRET),
        "the GUID leaked into the profile file"
    );
    assert_eq!(
        fx.keystore.load("site-a").unwrap().unwrap().expose(),
        SECRET
    );

    // A new window on the same profile dir and keyring reads the GUID back through the worker.
    let mut h2 = fx.harness();
    h2.state_mut().select_profile("site-a");
    wait_until(&mut h2, "the GUID to load", |app| {
        h_note(app).is_some_and(|n| n.contains("read from the system keyring"))
    });
    let p = ProfileStore::in_dir(fx.dir.path()).get("site-a").unwrap();
    assert_eq!(p.port, 9443);
    // The masked field shows no clear text.
    assert!(!shows(&h2, SECRET));
}

fn h_note(app: &calldata_inspector::ui::App) -> Option<String> {
    app.guid_note_text()
}

#[test]
fn invalid_input_gets_a_readable_message_and_no_query() {
    let fx = Fixture::new();
    let mut h = fx.harness();
    click(&mut h, "Query");
    assert!(shows(&h, "Enter the gateway host"), "missing host message");
    type_into(&mut h, "Host", "gw.example.invalid");
    type_into(&mut h, "Agent ID", "12ab");
    assert!(shows(&h, "must contain only digits"));
    click(&mut h, "Query");
    assert!(matches!(h.state().state(), InspectorState::Failed { .. }));
    replace_text(&mut h, "Agent ID", "1001");
    click(&mut h, "Query");
    assert!(shows(&h, "Enter the GUID"));
}

#[test]
fn pasted_call_ids_are_listed_and_filtered() {
    let fx = Fixture::new();
    let mut h = fx.harness();
    type_into(&mut h, "Add call IDs", "1700-1, 1700-2\n1800-9");
    click(&mut h, "Add");
    assert!(shows(&h, "1700-1") && shows(&h, "1700-2") && shows(&h, "1800-9"));
    type_into(&mut h, "Filter", "1700");
    assert!(shows(&h, "1700-2"));
    assert!(
        !shows(&h, "1800-9"),
        "the filter must hide non-matching IDs"
    );
}

#[test]
fn persisted_state_has_last_profile_and_view_but_no_secret() {
    let fx = Fixture::new();
    let mut h = fx.harness();
    type_into(&mut h, "Profile name", "site-b");
    type_into(&mut h, "Host", "gw.example.invalid");
    type_into(&mut h, "Agent ID", "1001");
    type_into(&mut h, "GUID", SECRET);
    click(&mut h, "Save profile");
    wait_until(&mut h, "the keyring", |app| {
        h_note(app).is_some_and(|n| n.contains("keyring"))
    });
    click(&mut h, "Hex");
    let mut storage = MemStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let saved: String = storage.all_text();
    assert!(saved.contains("site-b"), "{saved}");
    assert!(saved.contains("Hex"), "{saved}");
    assert!(!saved.contains(SECRET), "GUID in eframe storage");
}
