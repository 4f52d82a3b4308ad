//! The body of an upload, streamed: to storage and hashed on the way (`receive`), or only
//! hashed (`hash_body`, for a retry told from another upload by its body alone).

use std::io::Write;
use std::sync::Arc;

use actix_web::web::{self, Bytes};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};
use crate::evidence::api::{blocking, storage_failed};
use crate::evidence::model::Usage;
use crate::evidence::storage::{BlobStore, BlobWriter};

/// Chunks of an upload queued between the connection and the writing thread: the bound on
/// what an upload holds in memory, whatever the file's size.
const CHUNKS_IN_FLIGHT: usize = 16;
/// What an upload's body gave: the file, written but not yet committed, its digest and size.
pub(crate) struct Received {
    pub(crate) writer: Box<dyn BlobWriter>,
    pub(crate) sha256: [u8; 32],
    pub(crate) size: u64,
}

/// Streams the body into a new file, hashing it on the way. The connection's chunks go to
/// a writing thread through a bounded queue, so memory stays flat and no actix worker waits
/// on the disk. Stops at `limit` bytes (413) or beyond the room `usage` leaves
/// (`evidence_quota_exceeded`). On any failure the unfinished file is dropped, which
/// deletes it.
pub(crate) async fn receive<S, E>(
    store: Arc<dyn BlobStore>,
    mut body: S,
    limit: u64,
    usage: Usage,
    idle: std::time::Duration,
) -> AppResult<Received>
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let writer = blocking(move || store.begin()).await?.map_err(storage_failed)?;
    let (chunks, mut queue) = tokio::sync::mpsc::channel::<Bytes>(CHUNKS_IN_FLIGHT);
    let span = tracing::Span::current();
    let writing = web::block(move || {
        span.in_scope(|| {
            let mut writer = writer;
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            while let Some(chunk) = queue.blocking_recv() {
                hasher.update(&chunk);
                if let Err(error) = writer.write_all(&chunk) {
                    return (writer, Err(error));
                }
                size += chunk.len() as u64;
            }
            (writer, Ok((hasher.finalize().into(), size)))
        })
    });
    let mut received = 0u64;
    let mut refusal = None;
    loop {
        // A stalled upload (nothing for `idle`) is given up: it holds no connection and no
        // temporary file for long; a slow but moving one goes on.
        let Ok(next) = tokio::time::timeout(idle, body.next()).await else {
            tracing::info!(received, "upload stalled; nothing kept");
            refusal = Some(AppError::RequestTimeout(idle.as_secs()));
            break;
        };
        let Some(chunk) = next else { break };
        match chunk {
            Ok(chunk) => {
                received += chunk.len() as u64;
                if received > limit {
                    refusal = Some(AppError::PayloadTooLarge(usize::try_from(limit).unwrap_or(usize::MAX)));
                    break;
                }
                // A body sent without its length is stopped once it outgrows what the
                // agency had left when it began; the quota is decided when it is recorded.
                if let Err(beyond_quota) = usage.check_room_for(received) {
                    refusal = Some(beyond_quota);
                    break;
                }
                if chunks.send(chunk).await.is_err() {
                    // The writing thread stopped on an error, which it reports below.
                    break;
                }
            }
            Err(error) => {
                tracing::info!(%error, received, "upload interrupted; nothing kept");
                refusal = Some(AppError::bad_request(format!(
                    "the upload was interrupted after {received} bytes: {error}"
                )));
                break;
            }
        }
    }
    drop(chunks);
    let (writer, written) = writing.await?;
    let refusal = match (refusal, written) {
        (Some(refusal), _) => refusal,
        (None, Err(error)) => storage_failed(error),
        (None, Ok((sha256, size))) => return Ok(Received { writer, sha256, size }),
    };
    blocking(move || drop(writer)).await?;
    Err(refusal)
}

/// The SHA-256 of a body that is not kept: read to its end within `limit` bytes (413
/// beyond), given up after `idle` without a byte, like an upload.
pub(crate) async fn hash_body<S, E>(mut body: S, limit: u64, idle: std::time::Duration) -> AppResult<[u8; 32]>
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut hasher = Sha256::new();
    let mut received = 0u64;
    loop {
        let next = tokio::time::timeout(idle, body.next())
            .await
            .map_err(|_| AppError::RequestTimeout(idle.as_secs()))?;
        match next {
            None => return Ok(hasher.finalize().into()),
            Some(Ok(chunk)) => {
                received += chunk.len() as u64;
                if received > limit {
                    return Err(AppError::PayloadTooLarge(usize::try_from(limit).unwrap_or(usize::MAX)));
                }
                hasher.update(&chunk);
            }
            Some(Err(error)) => {
                return Err(AppError::bad_request(format!(
                    "the upload was interrupted after {received} bytes: {error}"
                )));
            }
        }
    }
}
