//! The rules of evidence (证据) and audio-video records (音像记录), as plain Rust: who may
//! attach an item to a case and when, what its metadata must be, how a client's expected
//! digest is read, and which bytes a `Range` request asks for.
//!
//! Law: APL art. 46 (the kinds of evidence, "证据必须经查证属实"), art. 47 (全过程记录:
//! "行政机关应当依法以文字、音像等形式，对行政处罚的启动、调查取证、审核、决定、送达、执行等进行全过程记录，
//! 归档保存"), and the State Council's 国办发〔2018〕118号 on 音像记录 for 查封扣押, 强制拆除 and
//! other steps that directly touch people's rights (DESIGN §5.1).

use chrono::{DateTime, Duration, Utc};

use crate::cases::model::{CaseStatus, Relation};
use crate::error::{AppError, FieldError};

string_enum!(
    /// What an evidence item is (APL art. 46 lists 书证、物证、视听资料、电子数据、证人证言…).
    EvidenceKind {
        /// 照片
        Photo => "photo",
        /// 视频 (执法记录仪 footage included)
        Video => "video",
        /// 录音
        Audio => "audio",
        /// 书证、电子文档
        Document => "document",
        /// 其他
        Other => "other",
    }
);

impl EvidenceKind {
    /// An audio or video item: what a power marked `requires_av_record` needs before its
    /// case closes.
    pub fn is_audio_video(self) -> bool {
        matches!(self, EvidenceKind::Video | EvidenceKind::Audio)
    }

    pub fn label(self) -> &'static str {
        match self {
            EvidenceKind::Photo => "照片",
            EvidenceKind::Video => "视频",
            EvidenceKind::Audio => "录音",
            EvidenceKind::Document => "书证",
            EvidenceKind::Other => "其他",
        }
    }
}

pub const MAX_FILENAME_CHARS: usize = 255;
pub const MAX_DEVICE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
pub const MAX_CORRECTION_REASON_CHARS: usize = 2000;
/// How far ahead of the server's clock a device's `captured_at` may be (clock drift).
pub const CAPTURE_CLOCK_SKEW_MINUTES: i64 = 5;

/// Whether an upload to a case is an ordinary attachment or a correction of a closed case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attachment {
    /// `attach_evidence`: a case still being handled, by one of its officers.
    Ordinary,
    /// `correct_evidence`: a case that is closed (or otherwise final) takes evidence only as
    /// a stated correction, by one of its officers or a supervisor; the record shows it.
    Correction { reason: String },
}

impl Attachment {
    /// The record event's action.
    pub fn action(&self) -> &'static str {
        match self {
            Attachment::Ordinary => "attach_evidence",
            Attachment::Correction { .. } => "correct_evidence",
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Attachment::Ordinary => None,
            Attachment::Correction { reason } => Some(reason),
        }
    }
}

/// Who may attach evidence to a case in its current status.
///
/// A case being handled takes evidence from its own officers (a recused officer is not one:
/// `relation` already leaves them out). A final case (closed, archived, transferred,
/// terminated, voided, filing refused) keeps its file as it was closed (归档); evidence
/// arrives only as a correction with a reason, from one of its officers or a supervisor.
pub fn check_attachment(
    status: CaseStatus,
    relation: Relation,
    correction_reason: Option<&str>,
) -> Result<Attachment, AppError> {
    let reason = correction_reason.map(str::trim).filter(|r| !r.is_empty());
    if !status.is_final() {
        if correction_reason.is_some() {
            return Err(AppError::field(
                "correction_reason",
                "only a closed case takes evidence as a correction; this case is still being handled",
            ));
        }
        if !relation.is_case_officer {
            return Err(AppError::Forbidden(
                "evidence is attached by the case's own officers (a recused officer is no longer one)".into(),
            ));
        }
        return Ok(Attachment::Ordinary);
    }
    if !relation.is_case_officer && !relation.is_supervisor {
        return Err(AppError::Forbidden(
            "a closed case's evidence is corrected by one of its officers or a supervisor".into(),
        ));
    }
    match reason {
        None => Err(AppError::rule(
            "case_closed_evidence",
            format!(
                "the case is {status}: its file is closed (归档) and takes evidence only as a correction; give correction_reason"
            ),
        )),
        Some(reason) if reason.chars().count() > MAX_CORRECTION_REASON_CHARS => Err(AppError::field(
            "correction_reason",
            format!("must be at most {MAX_CORRECTION_REASON_CHARS} characters"),
        )),
        Some(reason) => Ok(Attachment::Correction {
            reason: reason.to_string(),
        }),
    }
}

/// The metadata of an upload as the client gave it.
#[derive(Debug, Clone, Default)]
pub struct UploadMetadata {
    pub filename: String,
    pub captured_at: Option<DateTime<Utc>>,
    pub device: Option<String>,
    pub description: Option<String>,
}

/// The metadata as it is kept: the filename made safe to store and to send back in a
/// `Content-Disposition`, the original beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedMetadata {
    pub filename: String,
    pub original_filename: String,
    pub captured_at: Option<DateTime<Utc>>,
    pub device: Option<String>,
    pub description: Option<String>,
}

/// Checks an upload's metadata, all fields at once.
pub fn check_metadata(input: UploadMetadata, now: DateTime<Utc>) -> Result<CheckedMetadata, AppError> {
    let mut errors = Vec::new();
    let original = input.filename.trim().to_string();
    let filename = match sanitize_filename(&original) {
        Ok(name) => name,
        Err(message) => {
            errors.push(FieldError::new("filename", message));
            String::new()
        }
    };
    if let Some(at) = input.captured_at
        && at > now + Duration::minutes(CAPTURE_CLOCK_SKEW_MINUTES)
    {
        errors.push(FieldError::new("captured_at", "may not be in the future"));
    }
    let device = optional_text(&mut errors, "device", input.device, MAX_DEVICE_CHARS);
    let description = optional_text(&mut errors, "description", input.description, MAX_DESCRIPTION_CHARS);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(CheckedMetadata {
        filename,
        original_filename: original,
        captured_at: input.captured_at,
        device,
        description,
    })
}

fn optional_text(errors: &mut Vec<FieldError>, field: &str, value: Option<String>, max: usize) -> Option<String> {
    let value = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())?;
    if value.chars().count() > max {
        errors.push(FieldError::new(field, format!("must be at most {max} characters")));
        return None;
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        errors.push(FieldError::new(field, "may not contain control characters"));
        return None;
    }
    Some(value)
}

/// The name a file is stored and served under: path separators and control characters
/// become `_`, a name of dots only becomes `_`, so no name can climb out of a directory
/// or split a header. The original is kept beside it.
pub fn sanitize_filename(original: &str) -> Result<String, String> {
    let original = original.trim();
    if original.is_empty() {
        return Err("must not be blank".into());
    }
    if original.chars().count() > MAX_FILENAME_CHARS {
        return Err(format!("must be at most {MAX_FILENAME_CHARS} characters"));
    }
    let cleaned: String = original
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.chars().all(|c| c == '.') {
        return Ok("_".into());
    }
    Ok(cleaned)
}

/// The media type a file is served with, from its extension; anything not in the table is
/// `application/octet-stream`. A client's `Content-Type` is not trusted: a file served as
/// `text/html` from the API's origin would run in the reader's session.
pub fn content_type_for(filename: &str) -> &'static str {
    let extension = filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "mp4" | "m4v" => "video/mp4",
        "mov" => "video/quicktime",
        "avi" => "video/x-msvideo",
        "mkv" => "video/x-matroska",
        "webm" => "video/webm",
        "3gp" => "video/3gpp",
        "ts" => "video/mp2t",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "m4a" => "audio/mp4",
        "aac" => "audio/aac",
        "amr" => "audio/amr",
        "ogg" | "oga" => "audio/ogg",
        "flac" => "audio/flac",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ofd" => "application/ofd",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Whether a browser may show the file in place (`inline`) or should save it
/// (`attachment`): pictures, sound, video and PDF are shown, the rest saved.
pub fn shown_inline(content_type: &str) -> bool {
    ["image/", "video/", "audio/", "application/pdf"]
        .iter()
        .any(|prefix| content_type.starts_with(prefix))
}

/// The SHA-256 a client says its upload has: `Content-Digest` (RFC 9530, a structured
/// dictionary such as `sha-256=:<base64>:`) or `X-Content-SHA256: <hex>`. When both are
/// given they must agree. A `Content-Digest` naming only other algorithms gives nothing
/// to check against (RFC 9530 §2: a recipient ignores algorithms it does not support).
pub fn expected_digest(
    content_digest: Option<&str>,
    x_content_sha256: Option<&str>,
) -> Result<Option<[u8; 32]>, AppError> {
    let from_dictionary = content_digest.map(parse_content_digest).transpose()?.flatten();
    let from_hex = x_content_sha256
        .map(|value| {
            parse_hex_sha256(value.trim()).ok_or_else(|| AppError::BadRequest {
                detail: "X-Content-SHA256 must be 64 hexadecimal digits".into(),
                errors: vec![FieldError::new("X-Content-SHA256", "must be 64 hexadecimal digits")],
            })
        })
        .transpose()?;
    match (from_dictionary, from_hex) {
        (Some(a), Some(b)) if a != b => Err(AppError::BadRequest {
            detail: "Content-Digest and X-Content-SHA256 name different digests".into(),
            errors: vec![FieldError::new("Content-Digest", "disagrees with X-Content-SHA256")],
        }),
        (a, b) => Ok(a.or(b)),
    }
}

fn parse_content_digest(value: &str) -> Result<Option<[u8; 32]>, AppError> {
    use base64::Engine;
    let malformed = |why: &str| AppError::BadRequest {
        detail: format!("Content-Digest is not a valid RFC 9530 field: {why}"),
        errors: vec![FieldError::new("Content-Digest", why.to_string())],
    };
    for member in value.split(',') {
        let member = member.trim();
        let Some((algorithm, rest)) = member.split_once('=') else {
            return Err(malformed("each member is algorithm=:base64:"));
        };
        let algorithm = algorithm.trim().to_ascii_lowercase();
        // Parameters after ';' are allowed by structured fields and carry nothing here.
        let bytes = rest.split(';').next().unwrap_or_default().trim();
        let Some(encoded) = bytes.strip_prefix(':').and_then(|b| b.strip_suffix(':')) else {
            return Err(malformed("a digest is a byte sequence written :base64:"));
        };
        if algorithm != "sha-256" {
            continue;
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| malformed("the sha-256 value is not base64"))?;
        let digest: [u8; 32] = decoded
            .try_into()
            .map_err(|_| malformed("a sha-256 digest is 32 bytes"))?;
        return Ok(Some(digest));
    }
    Ok(None)
}

pub fn parse_hex_sha256(value: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(value).ok()?;
    bytes.try_into().ok()
}

/// Which bytes a download sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeRequest {
    /// The whole file (no `Range`, one the server ignores, or several ranges).
    Full,
    /// One range, `first..=last`, inside the file (206).
    Partial { first: u64, last: u64 },
    /// A range starting beyond the file's end (416).
    Unsatisfiable,
}

/// Reads a `Range` header (RFC 9110 §14.1.2) against a file of `size` bytes. One range is
/// served; several are answered with the whole file, which the RFC allows. A unit other
/// than `bytes` or a header that does not parse is ignored (§14.2).
pub fn parse_range(header: Option<&str>, size: u64) -> RangeRequest {
    let Some(header) = header else {
        return RangeRequest::Full;
    };
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return RangeRequest::Full;
    };
    if spec.contains(',') {
        return RangeRequest::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeRequest::Full;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() {
        // A suffix: the last N bytes.
        if !digits(last) {
            return RangeRequest::Full;
        }
        let Ok(length) = last.parse::<u64>() else {
            return RangeRequest::Full;
        };
        if length == 0 || size == 0 {
            return RangeRequest::Unsatisfiable;
        }
        return RangeRequest::Partial {
            first: size.saturating_sub(length),
            last: size - 1,
        };
    }
    if !digits(first) || !(last.is_empty() || digits(last)) {
        return RangeRequest::Full;
    }
    let Ok(first) = first.parse::<u64>() else {
        return RangeRequest::Unsatisfiable;
    };
    let last = if last.is_empty() {
        u64::MAX
    } else {
        last.parse::<u64>().unwrap_or(u64::MAX)
    };
    if last < first {
        // Invalid per §14.1.1; a server ignores such a header.
        return RangeRequest::Full;
    }
    if first >= size {
        return RangeRequest::Unsatisfiable;
    }
    RangeRequest::Partial {
        first,
        last: last.min(size - 1),
    }
}

/// Whether `If-None-Match` or `If-Range` names this ETag (`"<sha256>"`, weak or strong;
/// `*` matches any).
pub fn etag_matches(header: &str, etag: &str) -> bool {
    header
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate == etag || candidate.strip_prefix("W/") == Some(etag))
}

/// An agency's evidence against its storage quota (`ENFORCEMENT_EVIDENCE_QUOTA_BYTES`).
/// What counts is the size of each of the agency's items, as recorded: an item whose
/// content is stored once for several items still counts in full, so the figure is what
/// the agency's own uploads add up to, whatever other items share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub used_bytes: u64,
    /// `None`: no quota.
    pub quota_bytes: Option<u64>,
}

impl Usage {
    /// What the agency may still add; `None` without a quota.
    pub fn remaining_bytes(&self) -> Option<u64> {
        self.quota_bytes.map(|quota| quota.saturating_sub(self.used_bytes))
    }

    /// Refuses adding `size` bytes when that would take the agency over its quota (filling
    /// it exactly is allowed): `evidence_quota_exceeded`. A quota is not a single body that
    /// is too large (413) nor a passing failure of the server (5xx): the same upload is
    /// refused again until the quota is raised, so it is a rule (422) that names itself.
    pub fn check_room_for(&self, size: u64) -> Result<(), AppError> {
        match (self.quota_bytes, self.remaining_bytes()) {
            (Some(quota), Some(remaining)) if size > remaining => Err(AppError::rule(
                "evidence_quota_exceeded",
                format!(
                    "adding {size} bytes would take the agency's evidence beyond its quota of {quota} bytes \
                     ({} bytes stored, {remaining} left); nothing was kept. The quota is \
                     ENFORCEMENT_EVIDENCE_QUOTA_BYTES, set by the operator",
                    self.used_bytes
                ),
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use chrono::TimeZone;

    fn relation(is_case_officer: bool, is_supervisor: bool) -> Relation {
        Relation {
            is_case_officer,
            is_supervisor,
            is_counsel: false,
        }
    }

    #[test]
    fn an_open_case_takes_evidence_from_its_officers_only() {
        assert_eq!(
            check_attachment(CaseStatus::Investigating, relation(true, false), None).unwrap(),
            Attachment::Ordinary
        );
        let refused = check_attachment(CaseStatus::Investigating, relation(false, true), None).unwrap_err();
        assert!(matches!(refused, AppError::Forbidden(_)));
        let refused = check_attachment(CaseStatus::Investigating, relation(true, false), Some("x")).unwrap_err();
        assert_eq!(refused.to_problem().errors[0].field, "correction_reason");
    }

    #[test]
    fn a_closed_case_takes_evidence_only_as_a_stated_correction() {
        for status in [
            CaseStatus::Closed,
            CaseStatus::Archived,
            CaseStatus::Terminated,
            CaseStatus::Voided,
        ] {
            let refused = check_attachment(status, relation(true, false), None).unwrap_err();
            assert_eq!(refused.to_problem().rule.as_deref(), Some("case_closed_evidence"));
            let refused = check_attachment(status, relation(true, false), Some("   ")).unwrap_err();
            assert_eq!(refused.to_problem().rule.as_deref(), Some("case_closed_evidence"));
            let by_supervisor = check_attachment(status, relation(false, true), Some(" 补充现场录像 ")).unwrap();
            assert_eq!(by_supervisor.reason(), Some("补充现场录像"));
            assert_eq!(by_supervisor.action(), "correct_evidence");
            let stranger = check_attachment(status, relation(false, false), Some("x")).unwrap_err();
            assert!(matches!(stranger, AppError::Forbidden(_)));
        }
    }

    #[test]
    fn filenames_are_stored_safe_and_kept_as_given() {
        assert_eq!(sanitize_filename("现场照片 1.jpg").unwrap(), "现场照片 1.jpg");
        assert_eq!(sanitize_filename("../../etc/passwd").unwrap(), ".._.._etc_passwd");
        assert_eq!(sanitize_filename("a\\b\u{0}c\r\n.mp4").unwrap(), "a_b_c__.mp4");
        assert_eq!(sanitize_filename("..").unwrap(), "_");
        assert!(sanitize_filename("   ").is_err());
        assert!(sanitize_filename(&"长".repeat(MAX_FILENAME_CHARS + 1)).is_err());
        assert!(sanitize_filename(&"长".repeat(MAX_FILENAME_CHARS)).is_ok());
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0).unwrap();
        let checked = check_metadata(
            UploadMetadata {
                filename: "dir/录像.mp4".into(),
                ..Default::default()
            },
            now,
        )
        .unwrap();
        assert_eq!(checked.filename, "dir_录像.mp4");
        assert_eq!(checked.original_filename, "dir/录像.mp4");
    }

    #[test]
    fn metadata_is_checked_field_by_field() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0).unwrap();
        let refused = check_metadata(
            UploadMetadata {
                filename: String::new(),
                captured_at: Some(now + Duration::minutes(CAPTURE_CLOCK_SKEW_MINUTES + 1)),
                device: Some("x".repeat(MAX_DEVICE_CHARS + 1)),
                description: Some("bell\u{7}".into()),
            },
            now,
        )
        .unwrap_err();
        let fields: Vec<String> = refused.to_problem().errors.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["filename", "captured_at", "device", "description"]);
        // A device clock a little ahead of the server's is accepted.
        let skewed = check_metadata(
            UploadMetadata {
                filename: "a.jpg".into(),
                captured_at: Some(now + Duration::minutes(CAPTURE_CLOCK_SKEW_MINUTES)),
                device: Some("  ".into()),
                description: Some("第一行\n第二行".into()),
            },
            now,
        )
        .unwrap();
        assert_eq!(skewed.device, None);
        assert_eq!(skewed.description.as_deref(), Some("第一行\n第二行"));
    }

    #[test]
    fn content_types_come_from_a_fixed_table() {
        assert_eq!(content_type_for("执法记录仪.MP4"), "video/mp4");
        assert_eq!(content_type_for("询问录音.amr"), "audio/amr");
        assert_eq!(content_type_for("page.html"), "application/octet-stream");
        assert_eq!(content_type_for("noextension"), "application/octet-stream");
        assert!(shown_inline("video/mp4"));
        assert!(!shown_inline("application/octet-stream"));
    }

    #[test]
    fn expected_digests_are_read_from_either_header() {
        let digest = [7u8; 32];
        let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
        let hex = hex::encode(digest);
        assert_eq!(
            expected_digest(Some(&format!("sha-256=:{b64}:")), None).unwrap(),
            Some(digest)
        );
        assert_eq!(
            expected_digest(Some(&format!("sha-512=:AAAA:, sha-256=:{b64}:")), Some(&hex)).unwrap(),
            Some(digest)
        );
        assert_eq!(expected_digest(None, Some(&hex.to_uppercase())).unwrap(), Some(digest));
        assert_eq!(expected_digest(Some("sha-512=:AAAA:"), None).unwrap(), None);
        assert_eq!(expected_digest(None, None).unwrap(), None);
        for bad in ["sha-256=abc", "sha-256=:!!:", "sha-256=:AAAA:", "garbage"] {
            assert!(expected_digest(Some(bad), None).is_err(), "{bad}");
        }
        assert!(expected_digest(None, Some("abc")).is_err());
        assert!(expected_digest(Some(&format!("sha-256=:{b64}:")), Some(&hex::encode([8u8; 32]))).is_err());
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_counts_them() {
        use RangeRequest::*;
        let size = 1000;
        assert_eq!(parse_range(None, size), Full);
        assert_eq!(parse_range(Some("bytes=0-99"), size), Partial { first: 0, last: 99 });
        assert_eq!(parse_range(Some("bytes=500-"), size), Partial { first: 500, last: 999 });
        assert_eq!(
            parse_range(Some("bytes=900-5000"), size),
            Partial { first: 900, last: 999 }
        );
        assert_eq!(parse_range(Some("bytes=-100"), size), Partial { first: 900, last: 999 });
        assert_eq!(parse_range(Some("bytes=-5000"), size), Partial { first: 0, last: 999 });
        assert_eq!(
            parse_range(Some("bytes=999-999"), size),
            Partial { first: 999, last: 999 }
        );
        assert_eq!(parse_range(Some("bytes=1000-"), size), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=-0"), size), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=0-1,5-9"), size), Full);
        assert_eq!(parse_range(Some("items=0-1"), size), Full);
        assert_eq!(parse_range(Some("bytes=9-2"), size), Full);
        assert_eq!(parse_range(Some("bytes=a-b"), size), Full);
        assert_eq!(parse_range(Some("bytes=99999999999999999999999-"), size), Unsatisfiable);
    }

    #[test]
    fn etags_match_strong_weak_and_any() {
        let etag = "\"abc\"";
        assert!(etag_matches("\"abc\"", etag));
        assert!(etag_matches("W/\"abc\"", etag));
        assert!(etag_matches("\"x\", \"abc\"", etag));
        assert!(etag_matches("*", etag));
        assert!(!etag_matches("\"abd\"", etag));
    }

    #[test]
    fn a_quota_admits_up_to_its_last_byte_and_refuses_beyond_it() {
        let usage = Usage {
            used_bytes: 700,
            quota_bytes: Some(1000),
        };
        assert_eq!(usage.remaining_bytes(), Some(300));
        assert!(usage.check_room_for(300).is_ok(), "filling the quota exactly");
        let refused = usage.check_room_for(301).unwrap_err();
        assert!(
            matches!(
                refused,
                AppError::Rule {
                    rule: "evidence_quota_exceeded",
                    ..
                }
            ),
            "{refused:?}"
        );
        let over = Usage {
            used_bytes: 1200,
            quota_bytes: Some(1000),
        };
        assert_eq!(over.remaining_bytes(), Some(0), "a quota lowered below what is stored");
        assert!(over.check_room_for(1).is_err());
        let unlimited = Usage {
            used_bytes: u64::MAX - 1,
            quota_bytes: None,
        };
        assert_eq!(unlimited.remaining_bytes(), None);
        assert!(unlimited.check_room_for(u64::MAX).is_ok());
    }
}
