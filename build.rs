//! Compiles the build identity (version, git commit, build date) into the binary and, on
//! Windows targets only, embeds the icon and VERSIONINFO resource.
//!
//! Must never fail in a source tarball: without `.git` or without a `git` binary the commit
//! is `unknown`. `SOURCE_DATE_EPOCH` is honoured so reproducible builds get a fixed date.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=packaging/windows/app.rc");
    println!("cargo:rerun-if-changed=packaging/windows/app.ico");
    // rust-i18n compiles the catalogues into the crate but does not tell cargo about them.
    println!("cargo:rerun-if-changed=assets/locales");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    // Distribution builds from a tarball can still name the commit they were cut from.
    println!("cargo:rerun-if-env-changed=CALLDATA_INSPECTOR_GIT_COMMIT");

    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = std::env::var("CALLDATA_INSPECTOR_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| git_commit(&manifest_dir))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=CALLDATA_INSPECTOR_GIT_COMMIT={commit}");
    println!(
        "cargo:rustc-env=CALLDATA_INSPECTOR_BUILD_DATE={}",
        build_date()
    );

    for path in git_watch_paths(&manifest_dir) {
        println!("cargo:rerun-if-changed={}", path.display());
    }

    windows_resources();
}

/// Runs git in the crate directory; `None` on any failure (no git, no repository, ...).
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// The short commit of HEAD, only when the crate itself is the top of a git work tree
/// (a tarball unpacked inside some other repository must not borrow that repository's commit).
fn git_commit(dir: &Path) -> Option<String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let same = match (Path::new(&top).canonicalize(), dir.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same {
        return None;
    }
    git(dir, &["rev-parse", "--short=7", "HEAD"])
}

/// The files whose change means HEAD moved: HEAD itself, the branch it points to and packed-refs.
/// Only existing files are listed, because cargo reruns every build for a missing path.
fn git_watch_paths(dir: &Path) -> Vec<PathBuf> {
    if git_commit(dir).is_none() {
        return Vec::new();
    }
    let mut names = vec!["HEAD".to_owned(), "packed-refs".to_owned()];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        names.push(branch);
    }
    names
        .iter()
        .filter_map(|name| git(dir, &["rev-parse", "--git-path", name]))
        .map(|p| {
            let p = PathBuf::from(p);
            if p.is_absolute() { p } else { dir.join(p) }
        })
        .filter(|p| p.is_file())
        .collect()
}

/// `YYYY-MM-DD` in UTC, from `SOURCE_DATE_EPOCH` when set, else the current time.
fn build_date() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
                .unwrap_or(0)
        });
    time::OffsetDateTime::from_unix_timestamp(secs)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// Icon + VERSIONINFO for Windows targets; embed-resource does nothing for other targets,
/// which keeps Linux builds and cross-compiles free of a resource compiler.
fn windows_resources() {
    let v = |name: &str| std::env::var(name).unwrap_or_else(|_| "0".to_owned());
    let macros = [
        format!("VER_MAJOR={}", v("CARGO_PKG_VERSION_MAJOR")),
        format!("VER_MINOR={}", v("CARGO_PKG_VERSION_MINOR")),
        format!("VER_PATCH={}", v("CARGO_PKG_VERSION_PATCH")),
        format!("VER_STR=\"{}\"", v("CARGO_PKG_VERSION")),
    ];
    if let Err(e) = embed_resource::compile("packaging/windows/app.rc", &macros).manifest_optional()
    {
        panic!("cannot embed packaging/windows/app.rc: {e}");
    }
}
