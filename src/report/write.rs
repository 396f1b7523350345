//! Writes a run's files so that a reader never sees half of them.
//!
//! Files go to a fresh temporary folder beside the destination; only when all
//! are written and synced does the folder replace the destination. The
//! previous outputs are moved aside first and restored if the swap fails.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Writes every `(file name, bytes)` into `dir`, replacing its previous
/// contents in one step. On any error, `dir` is left as it was.
pub fn replace_dir(dir: &Path, files: &[(&str, Vec<u8>)]) -> io::Result<()> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(parent)?;
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("outputs");
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(parent)?;
    for (file, bytes) in files {
        let mut f = fs::File::create(staging.path().join(file))?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    // A temporary folder is private (0700); outputs are for sharing.
    fs::set_permissions(staging.path(), fs::Permissions::from_mode(0o755))?;
    let staged = staging.keep();
    let result = swap_into_place(&staged, dir, parent, name);
    if result.is_err() {
        let _ = fs::remove_dir_all(&staged);
    }
    result
}

fn swap_into_place(staged: &Path, dir: &Path, parent: &Path, name: &str) -> io::Result<()> {
    if !dir.exists() {
        return fs::rename(staged, dir);
    }
    let backup = tempfile::Builder::new()
        .prefix(&format!(".{name}.old-"))
        .tempdir_in(parent)?;
    let backup_path = backup.path().join("previous");
    fs::rename(dir, &backup_path)?;
    if let Err(error) = fs::rename(staged, dir) {
        fs::rename(&backup_path, dir)?;
        return Err(error);
    }
    // Dropping the backup folder deletes the previous outputs.
    drop(backup);
    Ok(())
}

/// Files that grow row by row while long work runs, in a folder beside the
/// final one (`<out>.partial`): a killed sweep keeps every finished row there,
/// and the previous outputs stay untouched.
pub struct Streams {
    dir: std::path::PathBuf,
    files: Vec<fs::File>,
}

impl Streams {
    /// Creates `<dir>.partial/` afresh with each file holding its header.
    pub fn create(dir: &Path, headers: &[(&str, Vec<u8>)]) -> io::Result<Streams> {
        let mut partial = dir.as_os_str().to_owned();
        partial.push(".partial");
        let partial = std::path::PathBuf::from(partial);
        if partial.exists() {
            fs::remove_dir_all(&partial)?;
        }
        fs::create_dir_all(&partial)?;
        let mut files = Vec::with_capacity(headers.len());
        for (name, header) in headers {
            let mut f = fs::File::create(partial.join(name))?;
            f.write_all(header)?;
            files.push(f);
        }
        Ok(Streams { dir: partial, files })
    }

    /// Appends `bytes` to file `index` (in `create` order) and flushes them
    /// to the operating system.
    pub fn append(&mut self, index: usize, bytes: &[u8]) -> io::Result<()> {
        self.files[index].write_all(bytes)?;
        self.files[index].flush()
    }

    /// Removes the partial folder once the final outputs are in place.
    pub fn remove(self) -> io::Result<()> {
        drop(self.files);
        fs::remove_dir_all(&self.dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_whole_folder_and_leaves_no_staging_behind() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        replace_dir(&out, &[("a.csv", b"first".to_vec()), ("old.csv", b"x".to_vec())]).unwrap();
        replace_dir(&out, &[("a.csv", b"second".to_vec())]).unwrap();
        assert_eq!(fs::read(out.join("a.csv")).unwrap(), b"second");
        assert!(
            !out.join("old.csv").exists(),
            "files of the previous run do not linger"
        );
        let names: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("run")]);
    }

    #[test]
    fn streamed_rows_are_on_disk_as_soon_as_they_are_appended() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("sweep");
        let mut streams = Streams::create(&out, &[("runs.csv", b"run\n".to_vec())]).unwrap();
        streams.append(0, b"0\n").unwrap();
        // What a killed sweep leaves behind: every finished row.
        assert_eq!(
            fs::read(root.path().join("sweep.partial/runs.csv")).unwrap(),
            b"run\n0\n"
        );
        streams.remove().unwrap();
        assert!(!root.path().join("sweep.partial").exists());
    }

    #[test]
    fn a_failed_write_keeps_the_previous_outputs() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        replace_dir(&out, &[("a.csv", b"first".to_vec())]).unwrap();
        // A file name that cannot be created makes the staging step fail.
        let err = replace_dir(
            &out,
            &[("a.csv", b"second".to_vec()), ("no/such/dir.csv", vec![])],
        );
        assert!(err.is_err());
        assert_eq!(fs::read(out.join("a.csv")).unwrap(), b"first");
        assert_eq!(
            fs::read_dir(root.path()).unwrap().count(),
            1,
            "staging folder cleaned up"
        );
    }
}
