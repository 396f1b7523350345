//! Writes a run's files so that a reader never sees half of them.
//!
//! Files go to a fresh temporary folder beside the destination; only when all
//! are written and synced does the folder replace the destination, in one
//! atomic exchange (Linux `renameat2(RENAME_EXCHANGE)`): at every instant the
//! destination holds either the whole previous outputs or the whole new ones,
//! even if remopt is killed. Where the exchange is unsupported, the previous
//! outputs are moved aside first and restored if the second rename fails.

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
        // First time: one rename, which fails rather than replace a folder
        // that appeared meanwhile.
        return fs::rename(staged, dir);
    }
    match exchange(staged, dir) {
        Ok(()) => {
            // `staged` now holds the previous outputs. A kill before this
            // removal leaves them in the hidden staging folder beside `dir`,
            // never in `dir`.
            let _ = fs::remove_dir_all(staged);
            Ok(())
        }
        Err(error) if exchange_unsupported(&error) => swap_by_renames(staged, dir, parent, name),
        Err(error) => Err(error),
    }
}

/// The fallback: the previous outputs moved aside, the new ones renamed in
/// (a reader may find no folder between the two renames), the previous ones
/// restored if the second rename fails.
fn swap_by_renames(staged: &Path, dir: &Path, parent: &Path, name: &str) -> io::Result<()> {
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

/// Swaps two paths atomically: each is at once what the other was.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Whether `error` says that the kernel or the file system cannot exchange
/// (an old kernel, some network or FUSE file systems): then two renames do.
fn exchange_unsupported(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::Unsupported
        || matches!(
            error.raw_os_error().map(rustix::io::Errno::from_raw_os_error),
            Some(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS | rustix::io::Errno::OPNOTSUPP)
        )
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
    /// The folder is filled beside it and renamed into place, so it never
    /// exists without its headers.
    pub fn create(dir: &Path, headers: &[(&str, Vec<u8>)]) -> io::Result<Streams> {
        let mut partial = dir.as_os_str().to_owned();
        partial.push(".partial");
        let partial = std::path::PathBuf::from(partial);
        if partial.exists() {
            fs::remove_dir_all(&partial)?;
        }
        let parent = match partial.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        fs::create_dir_all(parent)?;
        let name = partial.file_name().and_then(|n| n.to_str()).unwrap_or("partial");
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}.new-"))
            .tempdir_in(parent)?;
        for (file, header) in headers {
            fs::write(staging.path().join(file), header)?;
        }
        fs::set_permissions(staging.path(), fs::Permissions::from_mode(0o755))?;
        let staged = staging.keep();
        if let Err(error) = fs::rename(&staged, &partial) {
            let _ = fs::remove_dir_all(&staged);
            return Err(error);
        }
        let mut files = Vec::with_capacity(headers.len());
        for (file, _) in headers {
            files.push(fs::OpenOptions::new().append(true).open(partial.join(file))?);
        }
        Ok(Streams { dir: partial, files })
    }

    /// Appends `bytes`, whole CSV lines, to file `index` (in `create`
    /// order) in one `write` call, straight to the operating system (no
    /// buffer in between): once the call returns the rows survive a kill of
    /// remopt, and a kill before or during it leaves none of them rather
    /// than a part (Linux copies one write to a regular file whole; it can
    /// only stop between two 4 KiB pages of a batch when the process dies at
    /// that very instant). Only a short write (a full disk) takes a second
    /// call.
    pub fn append(&mut self, index: usize, bytes: &[u8]) -> io::Result<()> {
        debug_assert!(bytes.is_empty() || bytes.ends_with(b"\n"), "whole lines only");
        let file = &mut self.files[index];
        let written = file.write(bytes)?;
        if written < bytes.len() {
            file.write_all(&bytes[written..])?;
        }
        Ok(())
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
    #[test]
    fn the_destination_never_disappears_while_it_is_replaced() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        replace_dir(&out, &[("a.csv", b"0\n".to_vec())]).unwrap();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let watcher = {
            let (out, done) = (out.clone(), done.clone());
            std::thread::spawn(move || {
                let mut seen = 0u64;
                let mut missing = 0u64;
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    // Whatever instant it is read, the file is whole.
                    match fs::read(out.join("a.csv")) {
                        Ok(bytes) => assert!(bytes.ends_with(b"\n"), "{bytes:?}"),
                        Err(_) => missing += 1,
                    }
                    seen += 1;
                }
                (seen, missing)
            })
        };
        for i in 1..400 {
            replace_dir(&out, &[("a.csv", format!("{i}\n").into_bytes())]).unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        let (seen, missing) = watcher.join().unwrap();
        assert!(seen > 0);
        assert_eq!(
            missing, 0,
            "the outputs were missing {missing} times in {seen} reads"
        );
        assert_eq!(fs::read(out.join("a.csv")).unwrap(), b"399\n");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1, "no staging left");
    }

    #[test]
    fn the_fallback_of_two_renames_replaces_the_folder_too() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        replace_dir(&out, &[("a.csv", b"first".to_vec())]).unwrap();
        let staged = root.path().join(".run.new-x");
        fs::create_dir(&staged).unwrap();
        fs::write(staged.join("b.csv"), b"second").unwrap();
        swap_by_renames(&staged, &out, root.path(), "run").unwrap();
        assert_eq!(fs::read(out.join("b.csv")).unwrap(), b"second");
        assert!(!out.join("a.csv").exists());
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_new_partial_folder_replaces_a_stale_one_with_headers_only() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("sweep");
        fs::create_dir(root.path().join("sweep.partial")).unwrap();
        fs::write(root.path().join("sweep.partial/stale.csv"), b"x").unwrap();
        let mut streams = Streams::create(&out, &[("runs.csv", b"run,x\n".to_vec())]).unwrap();
        streams.append(0, b"0,1\n1,2\n").unwrap();
        let names: Vec<_> = fs::read_dir(root.path().join("sweep.partial"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["runs.csv"]);
        assert_eq!(
            fs::read(root.path().join("sweep.partial/runs.csv")).unwrap(),
            b"run,x\n0,1\n1,2\n"
        );
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1, "no staging left");
    }
}
