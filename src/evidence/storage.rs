//! Where evidence files live: one small trait, so that an S3-compatible store can be added
//! without touching the handlers, and the local-filesystem store behind it.
//!
//! Files are content-addressed: a file's name is its SHA-256, so the same content is kept
//! once however often it is uploaded. A new file is written to a temporary file, fsynced,
//! renamed into place and its directory fsynced before the upload is acknowledged; an
//! upload that does not finish leaves its temporary file, which is removed when the writer
//! is dropped or, after a crash, when the service starts.
//!
//! Between the rename and the commit of the upload's database row, a crash would leave a
//! stored file that no row names. So a commit first leaves a durable marker naming the
//! content (`pending/<sha256>.<id>`), removed once the row is recorded; at start-up each
//! marker left over is settled: the file is kept when a row names its content, removed
//! otherwise.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A file of evidence being read: seekable, with its length.
pub trait BlobReader: Read + Seek + Send {
    fn size(&self) -> u64;
}

/// A new file being written. Dropping it without `commit` discards what was written.
pub trait BlobWriter: Write + Send {
    /// Makes the bytes written so far durable, so that `commit` is left with little more
    /// than naming the file (it is called where that must be quick: inside the transaction
    /// that records the upload). `commit` alone is enough for durability.
    fn sync(&mut self) -> io::Result<()>;
    /// Makes the bytes written durable under `sha256` (hex): after this returns, a crash
    /// loses nothing. `sha256` must be the digest of exactly the bytes written. The file
    /// counts as unrecorded until [`Unrecorded::recorded`] says its row is committed.
    fn commit(self: Box<Self>, sha256: &str) -> io::Result<Unrecorded>;
}

/// A committed file whose database row is not yet known to be committed. Left without
/// `recorded` (the recording failed, or a crash came first), it is settled at the next
/// start-up: kept if a row names its content, removed if none does.
#[must_use = "call `recorded` once the row naming the file is committed"]
pub struct Unrecorded {
    marker: PathBuf,
}

impl Unrecorded {
    /// The row naming the file is committed: the file is an ordinary stored file now.
    pub fn recorded(self) -> io::Result<()> {
        match fs::remove_file(&self.marker) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// The evidence store.
pub trait BlobStore: Send + Sync {
    /// Starts writing a new file.
    fn begin(&self) -> io::Result<Box<dyn BlobWriter>>;
    /// Opens the file with this SHA-256; `None` when it is not there.
    fn open(&self, sha256: &str) -> io::Result<Option<Box<dyn BlobReader>>>;
    /// Removes what interrupted uploads left behind; answers how many were removed. Run at
    /// start-up, before any upload begins.
    fn sweep_incomplete(&self) -> io::Result<usize>;
    /// The contents committed but never marked recorded (see [`Unrecorded`]), each once.
    /// Read at start-up, before any upload begins.
    fn unrecorded(&self) -> io::Result<Vec<String>>;
    /// Settles an unrecorded content: removes its file unless `referenced`, then its markers.
    fn settle(&self, sha256: &str, referenced: bool) -> io::Result<()>;
    /// The SHA-256 of every file stored, in no particular order.
    fn list(&self) -> io::Result<Vec<String>>;
    /// Where the store is, for logs and the CLI.
    fn describe(&self) -> String;
}

/// Files under `<root>/ab/cd/<sha256>`; uploads in progress under `<root>/tmp/`; markers
/// of committed but unrecorded files under `<root>/pending/`.
pub struct LocalStore {
    root: PathBuf,
}

const TEMP_DIR: &str = "tmp";
const TEMP_SUFFIX: &str = ".part";
const PENDING_DIR: &str = "pending";

impl LocalStore {
    /// The store under `root` (created if missing).
    pub fn open_at(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        fs::create_dir_all(root.join(TEMP_DIR))?;
        fs::create_dir_all(root.join(PENDING_DIR))?;
        Ok(LocalStore { root })
    }

    /// The path a file with this SHA-256 has. `sha256` must be 64 hex digits: anything
    /// else could name a path outside the store.
    pub fn path_of(&self, sha256: &str) -> io::Result<PathBuf> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "an evidence file is named by 64 hex digits",
            ));
        }
        let sha256 = sha256.to_ascii_lowercase();
        Ok(self.root.join(&sha256[0..2]).join(&sha256[2..4]).join(sha256))
    }

    fn temp_dir(&self) -> PathBuf {
        self.root.join(TEMP_DIR)
    }

    fn pending_dir(&self) -> PathBuf {
        self.root.join(PENDING_DIR)
    }

    /// The markers in `pending/`, with the content each names.
    fn markers(&self) -> io::Result<Vec<(String, PathBuf)>> {
        let mut found = Vec::new();
        for entry in fs::read_dir(self.pending_dir())? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some((sha256, _)) = name.split_once('.')
                && self.path_of(sha256).is_ok()
            {
                found.push((sha256.to_ascii_lowercase(), entry.path()));
            }
        }
        Ok(found)
    }
}

impl BlobStore for LocalStore {
    fn begin(&self) -> io::Result<Box<dyn BlobWriter>> {
        let path = self
            .temp_dir()
            .join(format!("{}{TEMP_SUFFIX}", uuid::Uuid::now_v7().simple()));
        let file = fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        Ok(Box::new(LocalWriter {
            file: Some(file),
            temp: path,
            store: LocalStore {
                root: self.root.clone(),
            },
            committed: false,
        }))
    }

    fn open(&self, sha256: &str) -> io::Result<Option<Box<dyn BlobReader>>> {
        match File::open(self.path_of(sha256)?) {
            Ok(file) => {
                let len = file.metadata()?.len();
                Ok(Some(Box::new(LocalReader { file, len })))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn sweep_incomplete(&self) -> io::Result<usize> {
        let mut removed = 0;
        for entry in fs::read_dir(self.temp_dir())? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    fn unrecorded(&self) -> io::Result<Vec<String>> {
        let mut contents: Vec<String> = self.markers()?.into_iter().map(|(sha256, _)| sha256).collect();
        contents.sort();
        contents.dedup();
        Ok(contents)
    }

    fn settle(&self, sha256: &str, referenced: bool) -> io::Result<()> {
        if !referenced {
            let path = self.path_of(sha256)?;
            match fs::remove_file(&path) {
                Ok(()) => {
                    if let Some(directory) = path.parent() {
                        sync_directory(directory)?;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        let sha256 = sha256.to_ascii_lowercase();
        for (content, marker) in self.markers()? {
            if content == sha256 {
                fs::remove_file(marker)?;
            }
        }
        Ok(())
    }

    fn list(&self) -> io::Result<Vec<String>> {
        let mut found = Vec::new();
        for level1 in fs::read_dir(&self.root)? {
            let level1 = level1?;
            let name = level1.file_name();
            if name == TEMP_DIR || name == PENDING_DIR || !level1.file_type()?.is_dir() {
                continue;
            }
            for level2 in fs::read_dir(level1.path())? {
                let level2 = level2?;
                if !level2.file_type()?.is_dir() {
                    continue;
                }
                for file in fs::read_dir(level2.path())? {
                    let file = file?;
                    let name = file.file_name().to_string_lossy().into_owned();
                    if file.file_type()?.is_file() && self.path_of(&name).is_ok_and(|p| p == file.path()) {
                        found.push(name);
                    }
                }
            }
        }
        Ok(found)
    }

    fn describe(&self) -> String {
        format!("local directory {}", self.root.display())
    }
}

struct LocalReader {
    file: File,
    len: u64,
}

impl Read for LocalReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }
}

impl Seek for LocalReader {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.file.seek(pos)
    }
}

impl BlobReader for LocalReader {
    fn size(&self) -> u64 {
        self.len
    }
}

struct LocalWriter {
    file: Option<File>,
    temp: PathBuf,
    store: LocalStore,
    committed: bool,
}

impl Write for LocalWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(file) => file.write(buf),
            None => Err(io::Error::other("the evidence file is already closed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl BlobWriter for LocalWriter {
    fn sync(&mut self) -> io::Result<()> {
        match &self.file {
            Some(file) => file.sync_all(),
            None => Err(io::Error::other("the evidence file is already closed")),
        }
    }

    fn commit(mut self: Box<Self>, sha256: &str) -> io::Result<Unrecorded> {
        let target = self.store.path_of(sha256)?;
        let file = self
            .file
            .take()
            .ok_or_else(|| io::Error::other("the evidence file is already closed"))?;
        file.sync_all()?;
        drop(file);
        let directory = target
            .parent()
            .ok_or_else(|| io::Error::other("an evidence path has a directory"))?;
        create_dir_durably(directory)?;
        // The marker is durable before the file can be in place: a crash from here until
        // the row is recorded leaves it, and the next start-up settles the file.
        let marker = self.store.pending_dir().join(format!(
            "{}.{}",
            sha256.to_ascii_lowercase(),
            uuid::Uuid::now_v7().simple()
        ));
        File::create(&marker)?;
        sync_directory(&self.store.pending_dir())?;
        // Renaming over a file of the same name replaces it with the same bytes, just
        // written and hashed: the content is stored once, and a copy damaged on disk is
        // repaired by the next upload of the original.
        fs::rename(&self.temp, &target)?;
        self.committed = true;
        sync_directory(directory)?;
        Ok(Unrecorded { marker })
    }
}

impl Drop for LocalWriter {
    fn drop(&mut self) {
        if !self.committed {
            self.file.take();
            if let Err(error) = fs::remove_file(&self.temp)
                && error.kind() != io::ErrorKind::NotFound
            {
                tracing::warn!(path = %self.temp.display(), %error, "could not remove an unfinished upload");
            }
        }
    }
}

/// Creates `directory` and any missing parents, fsyncing each parent that gained an entry,
/// so the new path survives a crash.
fn create_dir_durably(directory: &Path) -> io::Result<()> {
    if directory.is_dir() {
        return Ok(());
    }
    if let Some(parent) = directory.parent() {
        create_dir_durably(parent)?;
    }
    match fs::create_dir(directory) {
        Ok(()) => {}
        // Another upload created it meanwhile.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(e),
    }
    if let Some(parent) = directory.parent() {
        sync_directory(parent)?;
    }
    Ok(())
}

/// Makes a directory's entries (a rename, a new file) durable.
fn sync_directory(directory: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(directory)?.sync_all()?;
    }
    #[cfg(not(unix))]
    {
        let _ = directory;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, LocalStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open_at(dir.path().join("evidence")).unwrap();
        (dir, store)
    }

    const SHA_OF_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn a_committed_file_is_found_by_its_hash_and_the_temporary_file_is_gone() {
        let (_dir, store) = store();
        let mut writer = store.begin().unwrap();
        writer.write_all(b"abc").unwrap();
        writer.commit(SHA_OF_ABC).unwrap().recorded().unwrap();
        let path = store.path_of(SHA_OF_ABC).unwrap();
        assert!(path.ends_with(format!("ba/78/{SHA_OF_ABC}")));
        let mut reader = store.open(SHA_OF_ABC).unwrap().unwrap();
        assert_eq!(reader.size(), 3);
        reader.seek(SeekFrom::Start(1)).unwrap();
        let mut rest = String::new();
        reader.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "bc");
        assert_eq!(fs::read_dir(store.temp_dir()).unwrap().count(), 0);
        assert_eq!(store.list().unwrap(), [SHA_OF_ABC]);
        assert!(store.unrecorded().unwrap().is_empty(), "recorded: no marker left");
    }

    /// What a crash between storing a file and recording its row leaves: the file and its
    /// marker. Settled at start-up: removed when no row names the content, kept when one
    /// does; the marker goes either way.
    #[test]
    fn a_file_committed_but_never_recorded_is_settled_at_start_up() {
        let (_dir, store) = store();
        for referenced in [false, true] {
            let mut writer = store.begin().unwrap();
            writer.write_all(b"abc").unwrap();
            let unrecorded = writer.commit(SHA_OF_ABC).unwrap();
            drop(unrecorded);
            assert_eq!(store.unrecorded().unwrap(), [SHA_OF_ABC]);
            assert_eq!(store.list().unwrap(), [SHA_OF_ABC]);
            store.settle(SHA_OF_ABC, referenced).unwrap();
            assert!(store.unrecorded().unwrap().is_empty());
            let expected: &[&str] = if referenced { &[SHA_OF_ABC] } else { &[] };
            assert_eq!(store.list().unwrap(), expected, "referenced: {referenced}");
        }
    }

    #[test]
    fn a_dropped_writer_leaves_nothing_and_a_sweep_removes_leftovers() {
        let (_dir, store) = store();
        let mut writer = store.begin().unwrap();
        writer.write_all(b"half an upload").unwrap();
        drop(writer);
        assert_eq!(fs::read_dir(store.temp_dir()).unwrap().count(), 0);
        // What a crash leaves: a temporary file nobody will finish.
        fs::write(store.temp_dir().join("crashed.part"), b"x").unwrap();
        assert_eq!(store.sweep_incomplete().unwrap(), 1);
        assert_eq!(fs::read_dir(store.temp_dir()).unwrap().count(), 0);
    }

    #[test]
    fn names_that_are_not_hashes_are_refused() {
        let (_dir, store) = store();
        assert!(store.path_of("../../etc/passwd").is_err());
        assert!(store.open(&"g".repeat(64)).is_err());
        assert!(store.open(SHA_OF_ABC).unwrap().is_none());
    }
}
