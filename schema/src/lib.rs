//! The BMNN domain and wire contract: unit ids, tiers, periods, classification levels, the
//! violation taxonomy, report payloads, signed envelopes, receipts and notices, their canonical
//! encoding and their validation. No I/O lives here: no files, no sockets, no database.

mod attachment;
pub mod canonical;
mod cert;
mod classification;
mod codec;
mod envelope;
mod error;
mod indicator;
pub mod json_schema;
mod jws;
mod notice;
mod path_cache;
mod payload;
mod period;
mod receipt;
mod text;
mod unit;
mod verify_error;
mod violation;

pub use attachment::{
    check_set as check_attachments, human_size, AttachmentLimits, AttachmentRef, FileName,
    MediaType, MAX_ATTACHMENTS, MAX_FILE_NAME,
};
pub use cert::{cert_unit_id, unit_san_uri, SAN_URI_PREFIX};
pub use classification::Classification;
pub use codec::{decode, encode};
pub use envelope::{
    Digest, Envelope, Protocol, ReportId, Submission, Verified, MAX_ENVELOPE_BYTES,
    TYP_COUNTERSIGNATURE, TYP_RECEIPT, TYP_SUBMISSION,
};
pub use error::{FieldError, FieldErrors};
pub use indicator::{IndicatorCode, IndicatorValue, MAX_INDICATOR_VALUE};
pub use jws::{CompactJws, Signer, Trust};
pub use notice::{
    is_rule_file_name, Addressee, Asked, DerBase64, Directive, DocumentType, Notice, NoticeBody,
    NoticeContent, NoticeFile, NoticeId, NoticeKind, NoticePage, Request, Review, RuleFile,
    RulePackUpdate, TrustUpdate, Verdict, VerifiedNotice, MAX_ADDRESSEES, MAX_DER_BYTES,
    MAX_DIRECTIVE_FILES_BYTES, MAX_NOTICE_BYTES, MAX_NOTICE_PAGE, MAX_REASON, MAX_RULE_FILE_BYTES,
    TYP_NOTICE,
};
pub use payload::*;
pub use period::ReportingPeriod;
pub use receipt::{Receipt, ReceiptBody, ReceiptOutcome};
pub use rustls_pki_types::UnixTime;
pub use text::{BoundedVec, Line, Text};
pub use unit::{Tier, UnitId};
pub use verify_error::VerifyError;
pub use violation::ViolationKind;
