//! Progress reports (进度报送): a county or the lead unit reports on a task
//! for a period, once — text, documents as evidence and, only where no
//! record holds the figure, a value. The bureau accepts it or sends it back
//! with a reason; a returned report is corrected and filed again (the same
//! report, so "最多报一次" holds: one report per task, reporter unit and
//! period).

use chrono::{DateTime, Utc};
use registry::AreaCode;
use serde::Serialize;

use crate::plan::{DocumentId, Measure, ReportId, TaskId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// 待审核
    Submitted,
    /// 已退回
    Returned,
    /// 已通过
    Accepted,
}

impl ReportStatus {
    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::Submitted => "submitted",
            ReportStatus::Returned => "returned",
            ReportStatus::Accepted => "accepted",
        }
    }

    pub fn parse(code: &str) -> Option<ReportStatus> {
        [
            ReportStatus::Submitted,
            ReportStatus::Returned,
            ReportStatus::Accepted,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ReportStatus::Submitted => "待审核",
            ReportStatus::Returned => "已退回",
            ReportStatus::Accepted => "已通过",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ReportStatus::Submitted => "Awaiting review",
            ReportStatus::Returned => "Sent back",
            ReportStatus::Accepted => "Accepted",
        }
    }
}

/// A report as filed (or corrected).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewReport {
    pub task: TaskId,
    /// The county reporting; `None` = the lead unit (a city department).
    pub county: Option<AreaCode>,
    /// The period reported on, e.g. `2026-H1`, `2026-Q3`.
    pub period: String,
    pub text: String,
    pub value: Option<f64>,
    pub documents: Vec<DocumentId>,
    pub reporter: String,
    pub at: DateTime<Utc>,
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgressReport {
    pub id: ReportId,
    #[serde(flatten)]
    pub report: NewReport,
    pub status: ReportStatus,
    pub reviewer: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// The reason it was sent back.
    pub reason: Option<String>,
}

/// The bureau's answer to a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Return { reason: String },
}

/// An uploaded evidence document's description (its bytes are stored apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentInfo {
    pub id: DocumentId,
    pub name: String,
    pub kind: DocumentKind,
    pub size: u64,
    pub sha256: String,
    pub uploaded_by: String,
    pub at: DateTime<Utc>,
}

/// The kinds of evidence accepted: documents, never photos (整治形式主义为基层
/// 减负若干规定, 2025: work is not judged by 拍照留痕; anchors A1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Pdf,
    Docx,
    Xlsx,
    Ofd,
}

impl DocumentKind {
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::Pdf => "pdf",
            DocumentKind::Docx => "docx",
            DocumentKind::Xlsx => "xlsx",
            DocumentKind::Ofd => "ofd",
        }
    }

    pub fn parse(code: &str) -> Option<DocumentKind> {
        [
            DocumentKind::Pdf,
            DocumentKind::Docx,
            DocumentKind::Xlsx,
            DocumentKind::Ofd,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            DocumentKind::Pdf => "application/pdf",
            DocumentKind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            DocumentKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            DocumentKind::Ofd => "application/ofd",
        }
    }

    /// Recognises a document by its name and its first bytes (a renamed
    /// photo is still a photo). A zip is Word or Excel by its extension —
    /// the bytes are served back only as a download, never rendered.
    pub fn recognise(name: &str, bytes: &[u8]) -> Result<DocumentKind, ReportError> {
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let is_zip = bytes.starts_with(b"PK\x03\x04");
        let photo = bytes.starts_with(&[0xFF, 0xD8, 0xFF])
            || bytes.starts_with(b"\x89PNG")
            || bytes.starts_with(b"GIF8")
            || (bytes.len() > 12 && &bytes[8..12] == b"WEBP")
            || (bytes.len() > 12
                && &bytes[4..8] == b"ftyp"
                && (&bytes[8..12] == b"heic" || &bytes[8..12] == b"mif1"));
        if photo
            || matches!(
                ext.as_str(),
                "jpg" | "jpeg" | "png" | "gif" | "webp" | "heic" | "bmp"
            )
        {
            return Err(ReportError::Photo(name.to_owned()));
        }
        match ext.as_str() {
            "pdf" if bytes.starts_with(b"%PDF-") => Ok(DocumentKind::Pdf),
            "docx" if is_zip => Ok(DocumentKind::Docx),
            "xlsx" if is_zip => Ok(DocumentKind::Xlsx),
            "ofd" if is_zip => Ok(DocumentKind::Ofd),
            _ => Err(ReportError::DocumentType(name.to_owned())),
        }
    }
}

/// Largest evidence document accepted.
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;
/// Most documents one report carries.
pub const MAX_DOCUMENTS: usize = 10;
/// Longest report text, in characters.
pub const MAX_TEXT_CHARS: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error(
        "照片不作为佐证材料（《整治形式主义为基层减负若干规定》：不以拍照留痕评判工作），请上传文件：{0}"
    )]
    Photo(String),
    #[error("佐证材料“{0}”不是可接受的文件，请上传 PDF、Word（.docx）、Excel（.xlsx）或 OFD 文件")]
    DocumentType(String),
    #[error("佐证材料“{0}”超过 20 MB")]
    DocumentTooLarge(String),
    #[error("一份报告最多附 {MAX_DOCUMENTS} 个佐证材料")]
    TooManyDocuments,
    #[error("请填写进展情况")]
    NoText,
    #[error("进展情况不能超过 {MAX_TEXT_CHARS} 字")]
    TextTooLong,
    #[error("报送期间“{0}”无法识别，应为 2026-H1、2026-Q3 或 2026 这样的写法")]
    Period(String),
    #[error("该任务的数值取自登记数据或建设项目，不需要也不接受填报（同一数据只报一次）")]
    ValueNotTaken,
    #[error("请填写完成数")]
    ValueMissing,
    #[error("完成数应为不小于 0 的数字")]
    ValueInvalid,
    #[error("该报告已{0}，不能再修改")]
    NotEditable(&'static str),
    #[error("该报告已{0}，不能再审核")]
    NotPending(&'static str),
    #[error("不能审核自己报送的报告")]
    OwnReport,
    #[error("退回须写明理由")]
    NoReason,
}

/// Checks a report's contents against its task's measure.
pub fn check(report: &NewReport, measure: &Measure) -> Result<(), ReportError> {
    let text = report.text.trim();
    if text.is_empty() {
        return Err(ReportError::NoText);
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(ReportError::TextTooLong);
    }
    check_period(&report.period)?;
    if report.documents.len() > MAX_DOCUMENTS {
        return Err(ReportError::TooManyDocuments);
    }
    match (measure.takes_reported_value(), report.value) {
        (false, Some(_)) => Err(ReportError::ValueNotTaken),
        (true, None) => Err(ReportError::ValueMissing),
        (true, Some(v)) if !v.is_finite() || v < 0.0 => Err(ReportError::ValueInvalid),
        _ => Ok(()),
    }
}

/// `2026`, `2026-H1`/`H2`, `2026-Q1`…`Q4`, `2026-01`…`12`.
pub fn check_period(period: &str) -> Result<(), ReportError> {
    let bad = || ReportError::Period(period.to_owned());
    let (year, part) = period.split_once('-').unwrap_or((period, ""));
    let year: i32 = year.parse().map_err(|_| bad())?;
    if !(2000..=2100).contains(&year) {
        return Err(bad());
    }
    let ok = match part {
        "" | "H1" | "H2" | "Q1" | "Q2" | "Q3" | "Q4" => true,
        m => m.len() == 2 && m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m)),
    };
    if ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// A period in words: 2026年上半年, 2026年第三季度, 2026年3月.
pub fn period_label_zh(period: &str) -> String {
    let (year, part) = period.split_once('-').unwrap_or((period, ""));
    match part {
        "" => format!("{year}年"),
        "H1" => format!("{year}年上半年"),
        "H2" => format!("{year}年下半年"),
        "Q1" => format!("{year}年第一季度"),
        "Q2" => format!("{year}年第二季度"),
        "Q3" => format!("{year}年第三季度"),
        "Q4" => format!("{year}年第四季度"),
        m => format!("{year}年{}月", m.trim_start_matches('0')),
    }
}

/// Checks a decision on a report by `reviewer`.
pub fn check_decision(
    report: &ProgressReport,
    reviewer: &str,
    decision: &Decision,
) -> Result<(), ReportError> {
    if report.status != ReportStatus::Submitted {
        return Err(ReportError::NotPending(report.status.label_zh()));
    }
    if report.report.reporter == reviewer {
        return Err(ReportError::OwnReport);
    }
    if let Decision::Return { reason } = decision {
        if reason.trim().is_empty() {
            return Err(ReportError::NoReason);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{CountGoal, Counted};

    fn report(value: Option<f64>) -> NewReport {
        NewReport {
            task: TaskId(1),
            county: None,
            period: "2026-H1".into(),
            text: "已完成".into(),
            value,
            documents: vec![],
            reporter: "lixia".into(),
            at: DateTime::<Utc>::MIN_UTC,
        }
    }

    #[test]
    fn a_value_is_taken_only_where_no_record_holds_it() {
        assert_eq!(
            check(&report(Some(3.0)), &Measure::Milestone),
            Err(ReportError::ValueNotTaken)
        );
        let projects = Measure::Count(CountGoal {
            counted: Counted::ProjectsCompleted { stage: None },
            target: 68.0,
        });
        assert_eq!(
            check(&report(Some(3.0)), &projects),
            Err(ReportError::ValueNotTaken)
        );
        let reported = Measure::Count(CountGoal {
            counted: Counted::Reported { unit: "所".into() },
            target: 1000.0,
        });
        assert_eq!(check(&report(None), &reported), Err(ReportError::ValueMissing));
        assert_eq!(
            check(&report(Some(f64::NAN)), &reported),
            Err(ReportError::ValueInvalid)
        );
        assert_eq!(check(&report(Some(620.0)), &reported), Ok(()));
    }

    #[test]
    fn photos_are_not_evidence_even_renamed() {
        assert!(matches!(
            DocumentKind::recognise("现场.jpg", b"\xFF\xD8\xFF\xE0"),
            Err(ReportError::Photo(_))
        ));
        assert!(matches!(
            DocumentKind::recognise("报告.pdf", b"\x89PNG\r\n"),
            Err(ReportError::Photo(_))
        ));
        assert_eq!(
            DocumentKind::recognise("验收.pdf", b"%PDF-1.7"),
            Ok(DocumentKind::Pdf)
        );
        assert_eq!(
            DocumentKind::recognise("台账.XLSX", b"PK\x03\x04rest"),
            Ok(DocumentKind::Xlsx)
        );
        assert!(matches!(
            DocumentKind::recognise("a.exe", b"MZ"),
            Err(ReportError::DocumentType(_))
        ));
        assert!(matches!(
            DocumentKind::recognise("a.pdf", b"<html>"),
            Err(ReportError::DocumentType(_))
        ));
    }

    #[test]
    fn periods_are_years_halves_quarters_or_months() {
        for ok in ["2026", "2026-H1", "2026-Q4", "2026-07"] {
            assert_eq!(check_period(ok), Ok(()), "{ok}");
        }
        for bad in ["", "26-H1", "2026-H3", "2026-13", "2026-7", "二〇二六"] {
            assert!(check_period(bad).is_err(), "{bad}");
        }
        assert_eq!(period_label_zh("2026-H1"), "2026年上半年");
        assert_eq!(period_label_zh("2026-03"), "2026年3月");
    }

    #[test]
    fn a_report_is_never_reviewed_by_its_reporter_and_a_return_needs_a_reason() {
        let stored = ProgressReport {
            id: ReportId(1),
            report: report(None),
            status: ReportStatus::Submitted,
            reviewer: None,
            reviewed_at: None,
            reason: None,
        };
        assert_eq!(
            check_decision(&stored, "lixia", &Decision::Accept),
            Err(ReportError::OwnReport)
        );
        assert_eq!(
            check_decision(&stored, "admin", &Decision::Return { reason: "  ".into() }),
            Err(ReportError::NoReason)
        );
        assert_eq!(check_decision(&stored, "admin", &Decision::Accept), Ok(()));
        let accepted = ProgressReport {
            status: ReportStatus::Accepted,
            ..stored
        };
        assert_eq!(
            check_decision(&accepted, "admin", &Decision::Accept),
            Err(ReportError::NotPending("已通过"))
        );
    }
}
