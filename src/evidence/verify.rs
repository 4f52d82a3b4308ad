//! `enforcement verify-evidence`: re-hash every stored evidence file and compare it with
//! the hash recorded when it was uploaded.

use std::collections::HashSet;

use crate::db::DbConn;
use crate::evidence::api::hash_stored_with_progress;
use crate::evidence::storage::BlobStore;
use crate::evidence::store::{StoredContent, all_contents};

/// A stored content that no longer matches its record.
#[derive(Debug, Clone)]
pub struct Damaged {
    pub content: StoredContent,
    /// What the file hashes to now, and its size; `None` when the file is missing.
    pub found: Option<(String, u64)>,
}

/// What a verification found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Contents checked (each stored once, however many items hold it).
    pub contents: usize,
    pub items: usize,
    pub bytes: u64,
    pub intact: usize,
    pub damaged: Vec<Damaged>,
    /// Files in the store that no evidence item names (an upload whose recording failed).
    pub unreferenced: Vec<String>,
}

impl Report {
    pub fn all_intact(&self) -> bool {
        self.damaged.is_empty()
    }
}

/// How far a verification has got.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub contents_done: usize,
    pub contents_total: usize,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// Re-hashes every content the evidence table names; `progress` is called as bytes are
/// read.
pub fn verify_all(
    conn: &mut DbConn,
    store: &dyn BlobStore,
    mut progress: impl FnMut(Progress),
) -> anyhow::Result<Report> {
    let contents = all_contents(conn)?;
    let bytes_total: u64 = contents
        .iter()
        .map(|c| u64::try_from(c.size_bytes).unwrap_or(0))
        .sum();
    let mut report = Report {
        contents: contents.len(),
        items: contents.iter().map(|c| c.items.len()).sum(),
        bytes: bytes_total,
        ..Report::default()
    };
    let mut state = Progress {
        contents_done: 0,
        contents_total: contents.len(),
        bytes_done: 0,
        bytes_total,
    };
    progress(state);
    let referenced: HashSet<String> = contents.iter().map(|c| c.sha256.clone()).collect();
    for content in contents {
        let found = hash_stored_with_progress(store, &content.sha256, |read| {
            state.bytes_done += read;
            progress(state);
        })?;
        let intact = found
            .as_ref()
            .is_some_and(|(hash, size)| *hash == content.sha256 && i64::try_from(*size).ok() == Some(content.size_bytes));
        if intact {
            report.intact += 1;
        } else {
            report.damaged.push(Damaged { content, found });
        }
        state.contents_done += 1;
        progress(state);
    }
    let mut unreferenced: Vec<String> = store
        .list()?
        .into_iter()
        .filter(|sha256| !referenced.contains(sha256))
        .collect();
    unreferenced.sort();
    report.unreferenced = unreferenced;
    Ok(report)
}
