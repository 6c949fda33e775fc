//! What filing and deciding a transfer request write, worked out from the facts a
//! backend has loaded, alike on every store: the status, reason and audit
//! action of a decision, the reason given to requests it overtakes, the
//! classes whose 班额 follow, and the audit line's text. The backends keep
//! the transaction and its SQL.

use registry::SchoolCode;

use crate::{AuditAction, NewTransfer, TransferDecision, TransferRow, TransferStatus};

/// The reason written on another school's pending request for the same
/// person and year when one is approved.
pub(crate) const OVERTAKEN_REASON: &str = "该人员已按其他申请转出";

/// The status the request gets, the reason it keeps, and the audit action.
pub(crate) fn decided(decision: &TransferDecision) -> (TransferStatus, Option<&str>, AuditAction) {
    match decision {
        TransferDecision::Approve => (TransferStatus::Approved, None, AuditAction::TransferApprove),
        TransferDecision::Refuse { reason } => (
            TransferStatus::Refused,
            Some(reason.as_str()),
            AuditAction::TransferRefuse,
        ),
    }
}

/// The classes whose declared size and listed pupils a decision changes,
/// each noted once, with both counts as they were before it.
#[derive(Debug, Default)]
pub(crate) struct ClassesTouched(Vec<(i64, u32, u32)>);

impl ClassesTouched {
    /// Whether `class` still has to be noted (its counts read).
    pub fn needs(&self, class: Option<i64>) -> Option<i64> {
        class.filter(|class| !self.0.iter().any(|(c, _, _)| c == class))
    }

    /// Notes a class's declared size and listed pupils before the decision.
    pub fn note(&mut self, class: i64, declared: u32, listed: u32) {
        self.0.push((class, declared, listed));
    }

    /// The classes noted, with their counts before.
    pub fn into_counts(self) -> Vec<(i64, u32, u32)> {
        self.0
    }
}

/// Whether a class's 班额 follows its listed pupils: it agreed before (转学
/// moves one pupil) and the listing changed. One that did not agree is
/// left for its officer to correct.
pub(crate) fn size_follows(declared: u32, listed_before: u32, listed_after: u32) -> bool {
    declared == listed_before && listed_after != listed_before
}

/// The audit line's text of filing request `id`: schools and the source,
/// never the person.
pub(crate) fn filing_detail(id: i64, t: &NewTransfer) -> String {
    let row = &t.row;
    format!(
        "{} #{}：{} → {}，{} 学年（{}）",
        row.kind().request_label_zh(),
        id,
        t.from.school,
        row.school(),
        row.school_year().0,
        t.source
    )
}

/// The audit line's text of a decision on request `id`.
pub(crate) fn audit_detail(id: i64, row: &TransferRow, from_school: &SchoolCode) -> String {
    format!(
        "{} #{id}：{} → {}，{} 学年",
        row.kind().request_label_zh(),
        from_school,
        row.school(),
        row.school_year().0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_keeps_its_reason_and_an_approval_none() {
        assert_eq!(
            decided(&TransferDecision::Approve),
            (TransferStatus::Approved, None, AuditAction::TransferApprove)
        );
        let refuse = TransferDecision::Refuse {
            reason: "学位已满".into(),
        };
        assert_eq!(
            decided(&refuse),
            (
                TransferStatus::Refused,
                Some("学位已满"),
                AuditAction::TransferRefuse
            )
        );
    }

    #[test]
    fn a_class_is_noted_once() {
        let mut touched = ClassesTouched::default();
        assert_eq!(touched.needs(None), None);
        assert_eq!(touched.needs(Some(3)), Some(3));
        touched.note(3, 40, 40);
        assert_eq!(touched.needs(Some(3)), None);
        assert_eq!(touched.into_counts(), [(3, 40, 40)]);
    }

    #[test]
    fn only_a_size_that_agreed_follows_a_changed_listing() {
        assert!(size_follows(40, 40, 41));
        assert!(!size_follows(40, 40, 40));
        assert!(!size_follows(38, 40, 41));
    }
}
