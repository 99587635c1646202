//! Writing what the user exports: exact bytes, atomically, and the JSON report (never the GUID).

mod report;

pub use report::{Report, now_rfc3339, rfc3339_of, sha256_hex};

use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` so that `path` only ever holds the old content or the complete
/// new content: a temp file in the same directory is written, flushed to disk, then renamed
/// over the target. On error the temp file is removed and any old file is untouched.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            t!("export.is_folder", path = path.display()).into_owned(),
        ));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".partial")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename is durable only once the directory entry is; best effort where supported.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A plain-language message for a failed export that says the old file is intact.
pub fn describe_write_error(path: &Path, err: &io::Error) -> String {
    let why = match err.kind() {
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            t!("export.not_writable").into_owned()
        }
        io::ErrorKind::NotFound => t!("export.no_folder").into_owned(),
        io::ErrorKind::StorageFull => t!("export.disk_full").into_owned(),
        _ => err.to_string(),
    };
    t!("export.failed", path = path.display(), why = why).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_exact_bytes_and_replaces_old_content() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.bin");
        std::fs::write(&p, b"old").unwrap();
        atomic_write(&p, &[0, 159, 146, 150, 255]).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), [0, 159, 146, 150, 255]);
        // Nothing but the target is left in the folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failure_keeps_the_old_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no/such/dir/out.txt");
        let e = atomic_write(&missing, b"x").unwrap_err();
        assert!(describe_write_error(&missing, &e).contains("does not exist"));
        let target = dir.path().join("sub");
        std::fs::create_dir(&target).unwrap();
        assert!(atomic_write(&target, b"x").is_err());
        assert!(target.is_dir());
    }

    #[cfg(unix)]
    #[test]
    fn read_only_folder_keeps_the_old_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("keep.txt");
        std::fs::write(&p, b"old").unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o500)).unwrap();
        let result = atomic_write(&p, b"new");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        // root ignores directory permissions; the guarantee checked is "old or new, never partial".
        match result {
            Err(e) => {
                assert_eq!(std::fs::read(&p).unwrap(), b"old");
                assert!(describe_write_error(&p, &e).contains("unchanged"));
            }
            Ok(()) => assert_eq!(std::fs::read(&p).unwrap(), b"new"),
        }
    }
}
