//! Who this binary is: app id, version, git commit and build date (compiled in by `build.rs`),
//! for `--version`, the About window, bug reports and the desktop integration files.

use std::sync::OnceLock;

/// Reverse-DNS application id: Wayland app id / X11 WM_CLASS, `.desktop` file name,
/// AppStream id and icon name must all be this string.
pub const APP_ID: &str = "io.github.calldata_inspector.CalldataInspector";

/// Binary / package name.
pub const NAME: &str = env!("CARGO_PKG_NAME");

/// Crate version (`0.1.0`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Short git commit of the build, or `unknown` for builds outside a git checkout.
pub const GIT_COMMIT: &str = env!("CALLDATA_INSPECTOR_GIT_COMMIT");

/// Build date `YYYY-MM-DD` (UTC; `SOURCE_DATE_EPOCH` when set).
pub const BUILD_DATE: &str = env!("CALLDATA_INSPECTOR_BUILD_DATE");

/// The 256×256 application icon (PNG), used as the window icon.
pub const ICON_256: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/icons/hicolor/256x256/apps/io.github.calldata_inspector.CalldataInspector.png"
));

/// `0.1.0 (commit abc1234, built 2026-11-25)`: what `--version` prints after the name.
pub fn long_version() -> &'static str {
    static LONG: OnceLock<String> = OnceLock::new();
    LONG.get_or_init(|| format!("{VERSION} (commit {GIT_COMMIT}, built {BUILD_DATE})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_version_names_version_commit_and_date() {
        let v = long_version();
        assert!(v.starts_with(VERSION), "{v}");
        assert!(v.contains(&format!("commit {GIT_COMMIT}")), "{v}");
        assert!(v.ends_with(&format!("built {BUILD_DATE})")), "{v}");
        assert!(!GIT_COMMIT.is_empty());
        let b = BUILD_DATE.as_bytes();
        assert!(
            b.len() == 10 && b[4] == b'-' && b[7] == b'-',
            "{BUILD_DATE}"
        );
    }

    #[test]
    fn icon_is_a_png_and_app_id_matches_its_file_name() {
        assert!(ICON_256.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(APP_ID.split('.').count() >= 3 && !APP_ID.contains('-'));
    }

    #[test]
    fn icon_decodes_at_256_pixels() {
        let icon = eframe::icon_data::from_png_bytes(ICON_256).expect("valid PNG");
        assert_eq!((icon.width, icon.height), (256, 256));
    }
}
