//! The GUID of each profile, kept in the OS keyring (Secret Service, Keychain, Credential
//! Manager) under service [`SERVICE`] with the profile name as user.
//!
//! When no keyring is reachable, or it is locked, the GUID is kept in memory for this run only
//! and the caller is told so in plain words; it is never written to a file.
//! Keyring calls may block on D-Bus: call them from the worker thread, not inside a frame.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use keyring_core::{CredentialStore, Entry, Error as KeyringError};

use crate::secret::Guid;

/// Keyring service name under which every profile's GUID is stored.
pub const SERVICE: &str = "calldata-inspector";

/// Where a GUID ended up after [`Keystore::store`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Saved in the OS keyring; it survives restarts.
    Keyring,
    /// The keyring failed; the GUID lives in memory until the program exits.
    MemoryOnly {
        /// Plain-language reason, safe to show (never contains the GUID).
        reason: String,
    },
}

/// Whether the OS keyring can be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyringStatus {
    /// A credential store is open.
    Available {
        /// Store vendor as reported by keyring-core (e.g. Secret Service).
        vendor: String,
    },
    /// No store: GUIDs are kept for this run only.
    Unavailable {
        /// Plain-language reason, safe to show.
        reason: String,
    },
}

/// A keyring failure worth telling the user about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeystoreError(String);

/// GUID storage: an OS credential store (if any) plus a session-only memory fallback.
pub struct Keystore {
    store: Option<Arc<CredentialStore>>,
    unavailable: Option<String>,
    memory: Mutex<HashMap<String, Guid>>,
}

impl std::fmt::Debug for Keystore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keystore")
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

impl Keystore {
    /// Opens the platform keyring (may block on D-Bus for a moment: call off the UI thread).
    pub fn platform() -> Self {
        match keyring::Entry::store_status() {
            Ok(()) => match keyring_core::get_default_store() {
                Some(store) => Self::with_store(store),
                None => Self::memory_only(&t!("keyring.not_opened")),
            },
            Err(e) => Self::memory_only(&unavailable_reason(e)),
        }
    }

    /// Uses the given credential store (tests pass `keyring_core::mock::Store::new()`).
    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        Self {
            store: Some(store),
            unavailable: None,
            memory: Mutex::new(HashMap::new()),
        }
    }

    /// No keyring at all: every GUID is kept in memory for this run.
    pub fn memory_only(reason: &str) -> Self {
        Self {
            store: None,
            unavailable: Some(reason.to_owned()),
            memory: Mutex::new(HashMap::new()),
        }
    }

    /// An in-memory mock keyring (tests, and the `--demo` window, which must not touch the real one).
    pub fn mock() -> Self {
        match keyring_core::mock::Store::new() {
            Ok(store) => Self::with_store(store),
            Err(_) => Self::memory_only(&t!("keyring.no_memory_store")),
        }
    }

    /// Whether GUIDs can be persisted.
    pub fn status(&self) -> KeyringStatus {
        match (&self.store, &self.unavailable) {
            (Some(store), _) => KeyringStatus::Available {
                vendor: store.vendor(),
            },
            (None, reason) => KeyringStatus::Unavailable {
                reason: reason.clone().unwrap_or_default(),
            },
        }
    }

    /// Saves the GUID for `profile`; falls back to memory (and says why) when the keyring fails.
    pub fn store(&self, profile: &str, guid: &Guid) -> Stored {
        self.remember(profile, guid);
        let Some(store) = &self.store else {
            return Stored::MemoryOnly {
                reason: self.unavailable.clone().unwrap_or_default(),
            };
        };
        let result = Entry::new_in_store(store, SERVICE, profile)
            .and_then(|entry| entry.set_password(guid.expose()));
        match result {
            Ok(()) => Stored::Keyring,
            Err(e) => Stored::MemoryOnly {
                reason: unavailable_reason(&e),
            },
        }
    }

    /// The GUID for `profile`: this run's memory first, then the keyring; `None` if neither has one.
    pub fn load(&self, profile: &str) -> Result<Option<Guid>, KeystoreError> {
        if let Some(g) = self.lock_memory().get(profile) {
            return Ok(Some(g.clone()));
        }
        let Some(store) = &self.store else {
            return Ok(None);
        };
        let result = Entry::new_in_store(store, SERVICE, profile).and_then(|e| e.get_password());
        match result {
            Ok(value) => Guid::new(&value).map(Some).map_err(|e| {
                KeystoreError(format!(
                    "the GUID stored in the keyring for profile \"{profile}\" is unusable ({e}); enter it again"
                ))
            }),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(KeystoreError(unavailable_reason(&e))),
        }
    }

    /// Forgets the GUID of `profile` in memory and in the keyring (absent entries are fine).
    pub fn delete(&self, profile: &str) -> Result<(), KeystoreError> {
        self.lock_memory().remove(profile);
        let Some(store) = &self.store else {
            return Ok(());
        };
        match Entry::new_in_store(store, SERVICE, profile).and_then(|e| e.delete_credential()) {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(KeystoreError(unavailable_reason(&e))),
        }
    }

    fn remember(&self, profile: &str, guid: &Guid) {
        self.lock_memory().insert(profile.to_owned(), guid.clone());
    }

    fn lock_memory(&self) -> std::sync::MutexGuard<'_, HashMap<String, Guid>> {
        // A panic while holding this lock cannot leave the map half-updated, so poison is ignorable.
        self.memory.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A plain-language explanation of a keyring failure. Never formats the error's payload
/// (BadEncoding/BadDataFormat carry the stored secret bytes).
fn unavailable_reason(e: &KeyringError) -> String {
    let what = match e {
        KeyringError::NoStorageAccess(_) => t!("keyring.locked"),
        KeyringError::PlatformFailure(p) => t!("keyring.unreachable", detail = p),
        KeyringError::NoDefaultStore => t!("keyring.none"),
        KeyringError::BadEncoding(_) | KeyringError::BadDataFormat(_, _) => t!("keyring.bad_data"),
        other => t!("keyring.failed", kind = short_kind(other)),
    };
    t!("keyring.memory_only", why = what).into_owned()
}

fn short_kind(e: &KeyringError) -> &'static str {
    match e {
        KeyringError::BadStoreFormat(_) => "bad store format",
        KeyringError::TooLong(_, _) => "a value is too long",
        KeyringError::Invalid(_, _) => "invalid parameter",
        KeyringError::Ambiguous(_) => "several matching entries",
        KeyringError::NotSupportedByStore(_) => "operation not supported",
        _ => "unexpected error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0";

    #[test]
    fn mock_keyring_round_trip_and_delete() {
        let ks = Keystore::mock();
        assert!(matches!(ks.status(), KeyringStatus::Available { .. }));
        let g = Guid::new(SECRET).unwrap();
        assert_eq!(ks.store("site-a", &g), Stored::Keyring);
        // A second keystore on a fresh memory map but the same store must read it back.
        let Keystore { store, .. } = ks;
        let again = Keystore::with_store(store.unwrap());
        assert_eq!(again.load("site-a").unwrap().unwrap().expose(), SECRET);
        assert_eq!(again.load("other").unwrap(), None);
        again.delete("site-a").unwrap();
        assert_eq!(again.load("site-a").unwrap(), None);
        again.delete("site-a").unwrap();
    }

    #[test]
    fn without_keyring_the_guid_stays_in_memory_and_says_so() {
        let ks = Keystore::memory_only("no system keyring is reachable");
        let g = Guid::new(SECRET).unwrap();
        match ks.store("p", &g) {
            Stored::MemoryOnly { reason } => assert!(reason.contains("reachable")),
            other => panic!("expected memory only, got {other:?}"),
        }
        assert_eq!(ks.load("p").unwrap().unwrap().expose(), SECRET);
        assert!(!format!("{ks:?}").contains(SECRET));
    }

    #[test]
    fn a_failing_keyring_falls_back_to_memory_with_a_reason() {
        let store: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
        let entry = Entry::new_in_store(&store, SERVICE, "locked").unwrap();
        let mock: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
        mock.set_error(KeyringError::NoStorageAccess(Box::new(
            std::io::Error::other("locked"),
        )));
        let ks = Keystore::with_store(store);
        let g = Guid::new(SECRET).unwrap();
        match ks.store("locked", &g) {
            Stored::MemoryOnly { reason } => {
                assert!(reason.contains("locked"), "{reason}");
                assert!(reason.contains("memory"), "{reason}");
                assert!(!reason.contains(SECRET));
            }
            other => panic!("expected memory only, got {other:?}"),
        }
        assert_eq!(ks.load("locked").unwrap().unwrap().expose(), SECRET);
    }
}
