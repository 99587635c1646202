//! Saved gateway connections ("profiles") shared by the window and the CLI.
//!
//! Profiles hold no secrets: the GUID of a profile lives in the OS keyring (see `keystore`).
//! They are kept in one JSON file, `profiles.json`, in the platform config directory
//! (`$XDG_CONFIG_HOME/calldata-inspector` on Linux) or in `$CALLDATA_INSPECTOR_CONFIG_DIR`.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Environment variable that overrides the config directory (tests, portable installs).
pub const CONFIG_DIR_ENV: &str = "CALLDATA_INSPECTOR_CONFIG_DIR";
/// File name of the profile list inside the config directory.
pub const FILE_NAME: &str = "profiles.json";
/// The CC-Gateway's default HTTPS port.
pub const DEFAULT_PORT: u16 = 8043;

/// One saved connection. Never holds the GUID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// Unique, user-chosen name; also the keyring entry's user name.
    pub name: String,
    /// Gateway host name or IP address.
    pub host: String,
    /// Gateway HTTPS port.
    pub port: u16,
    /// Agent ID whose call data is queried (kept as typed; validated by the gateway client).
    pub agent: String,
    /// Extra CA certificate (PEM) to trust for this gateway.
    pub ca_file: Option<PathBuf>,
    /// Skip certificate verification (shown with a red badge everywhere).
    pub insecure: bool,
    /// How the GUID is obtained (files from before sessions load as pasted-GUID profiles).
    pub auth: AuthMode,
    /// Phone number sent at sign-in, for sites that need one.
    pub phone: Option<String>,
    /// SHA-256 fingerprint (`AB:CD:…`) of the one server certificate this profile trusts, for
    /// gateways with self-signed certificates; set when the user confirms it on first connect.
    pub pin_sha256: Option<String>,
    /// Largest reply accepted, in MiB (`None`: the 64 MiB default).
    pub max_reply_mib: Option<u64>,
}

/// How a profile gets its GUID.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    /// A GUID pasted from an agent's own session: never poll, sign in or sign out (that would
    /// disturb the agent's desktop); only adopt `Set-GUID` from replies.
    #[default]
    PastedGuid,
    /// A dedicated agent account the app signs in itself and keeps alive by polling events.
    SignIn,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            name: String::new(),
            host: String::new(),
            port: DEFAULT_PORT,
            agent: String::new(),
            ca_file: None,
            insecure: false,
            auth: AuthMode::default(),
            phone: None,
            pin_sha256: None,
            max_reply_mib: None,
        }
    }
}

/// Why the profile file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// No home/config directory could be determined and no override was given.
    #[error("{}", t!("profile.no_config_dir", var = CONFIG_DIR_ENV))]
    NoConfigDir,
    /// Reading or writing the file failed.
    #[error("{}", t!(format!("profile.io_{action}"), path = path.display(), error = source))]
    Io {
        /// "read" or "write".
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file exists but is not a valid profile list.
    #[error("{}", t!("profile.corrupt", path = path.display(), error = source))]
    Corrupt {
        /// The file concerned.
        path: PathBuf,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// A profile name was empty or only whitespace.
    #[error("{}", t!("profile.empty_name"))]
    EmptyName,
    /// No profile has this name.
    #[error("{}", t!("profile.not_found", name = _0))]
    NotFound(String),
}

/// On-disk shape; versioned so later formats can migrate old files.
#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfileFile {
    version: u32,
    profiles: Vec<Profile>,
}

/// The profile file at a known location.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    dir: PathBuf,
}

/// The config directory: `$CALLDATA_INSPECTOR_CONFIG_DIR` or the platform's config dir.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "calldata-inspector")
        .map(|d| d.config_dir().to_path_buf())
}

impl ProfileStore {
    /// The store in the platform config directory (or the env override).
    pub fn open_default() -> Result<Self, ProfileError> {
        config_dir()
            .map(Self::in_dir)
            .ok_or(ProfileError::NoConfigDir)
    }

    /// A store whose file lives in `dir` (created on first save).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// Full path of the profile file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// All profiles, sorted by name; an absent file means no profiles.
    pub fn load(&self) -> Result<Vec<Profile>, ProfileError> {
        let path = self.path();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(ProfileError::Io {
                    action: "read",
                    path,
                    source,
                });
            }
        };
        let file: ProfileFile = serde_json::from_slice(&bytes)
            .map_err(|source| ProfileError::Corrupt { path, source })?;
        let mut profiles = file.profiles;
        profiles.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(profiles)
    }

    /// The profile called `name`.
    pub fn get(&self, name: &str) -> Result<Profile, ProfileError> {
        self.load()?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| ProfileError::NotFound(name.to_owned()))
    }

    /// Adds the profile or replaces the one with the same name.
    pub fn upsert(&self, profile: Profile) -> Result<(), ProfileError> {
        if profile.name.trim().is_empty() {
            return Err(ProfileError::EmptyName);
        }
        let mut all = self.load()?;
        all.retain(|p| p.name != profile.name);
        all.push(profile);
        self.save(all)
    }

    /// Removes the profile; `NotFound` when there was none.
    pub fn remove(&self, name: &str) -> Result<(), ProfileError> {
        let mut all = self.load()?;
        let before = all.len();
        all.retain(|p| p.name != name);
        if all.len() == before {
            return Err(ProfileError::NotFound(name.to_owned()));
        }
        self.save(all)
    }

    fn save(&self, mut profiles: Vec<Profile>) -> Result<(), ProfileError> {
        profiles.sort_by(|a, b| a.name.cmp(&b.name));
        let file = ProfileFile {
            version: 1,
            profiles,
        };
        let mut json = serde_json::to_vec_pretty(&file).unwrap_or_default();
        json.push(b'\n');
        let path = self.path();
        write_replace(&self.dir, &path, &json).map_err(|source| ProfileError::Io {
            action: "write",
            path,
            source,
        })
    }
}

/// Writes via a temp file + rename so a crash never leaves a half-written profile file.
fn write_replace(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> Profile {
        Profile {
            name: name.into(),
            host: "gw.example".into(),
            port: 8043,
            agent: "1001".into(),
            ca_file: Some(PathBuf::from("/etc/ca.pem")),
            insecure: false,
            ..Profile::default()
        }
    }

    #[test]
    fn round_trip_upsert_and_remove() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::in_dir(dir.path().join("sub"));
        assert!(store.load().unwrap().is_empty());
        store.upsert(sample("b")).unwrap();
        store.upsert(sample("a")).unwrap();
        let mut changed = sample("b");
        changed.port = 9443;
        store.upsert(changed.clone()).unwrap();
        let all = store.load().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].name, "a");
        assert_eq!(all[1], changed);
        assert_eq!(store.get("b").unwrap().port, 9443);
        store.remove("a").unwrap();
        assert!(matches!(store.remove("a"), Err(ProfileError::NotFound(_))));
        assert_eq!(store.load().unwrap().len(), 1);
    }

    #[test]
    fn corrupt_file_is_reported_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), b"{not json").unwrap();
        let err = ProfileStore::in_dir(dir.path()).load().unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(FILE_NAME), "{msg}");
        assert!(msg.contains("not valid"), "{msg}");
    }

    #[test]
    fn empty_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = ProfileStore::in_dir(dir.path())
            .upsert(sample("  "))
            .unwrap_err();
        assert!(matches!(err, ProfileError::EmptyName));
    }

    #[test]
    fn missing_fields_get_defaults() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            br#"{"version":1,"profiles":[{"name":"x","host":"h","agent":"1001"}]}"#,
        )
        .unwrap();
        let p = ProfileStore::in_dir(dir.path()).get("x").unwrap();
        assert_eq!(p.port, DEFAULT_PORT);
        assert!(!p.insecure);
        // Files from before sessions are pasted-GUID profiles.
        assert_eq!((p.auth, p.phone), (AuthMode::PastedGuid, None));
    }

    #[test]
    fn sign_in_mode_and_phone_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::in_dir(dir.path());
        store
            .upsert(Profile {
                auth: AuthMode::SignIn,
                phone: Some("6001".into()),
                ..sample("s")
            })
            .unwrap();
        let text = std::fs::read_to_string(store.path()).unwrap();
        assert!(text.contains("\"sign_in\""), "{text}");
        let p = store.get("s").unwrap();
        assert_eq!(
            (p.auth, p.phone.as_deref()),
            (AuthMode::SignIn, Some("6001"))
        );
    }
}
