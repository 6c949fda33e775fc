//! What the audit log records: a closed set of actions, each with the code
//! stored in `audit_log.action` (snake_case, one style) and labels for the
//! audit page.
//!
//! Writing takes an [`AuditAction`], so no caller can invent a spelling;
//! reading stays lenient ([`AuditAction::from_code`] gives `None` for a code
//! this build does not know, which the page shows as it is stored).
//! Migration 0006 rewrote the dotted codes of earlier versions (`user.add`)
//! to these, so that filtering by action is one equality on the column;
//! `from_code` still accepts the dotted spelling, for a database copied
//! back from a backup taken before it.

/// Declares the actions once — variant, stored code, Chinese and English
/// label — so that [`AuditAction::ALL`] and every `match` list the same set.
macro_rules! actions {
    ($( $(#[$meta:meta])* $variant:ident => $code:literal, $zh:literal, $en:literal; )*) => {
        /// Who did what, for [`Store::audit`](crate::Store::audit),
        /// [`AccountStore::record_audit`](crate::AccountStore::record_audit) and
        /// an [`ApplyOptions::audit`](crate::ApplyOptions::audit) line.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum AuditAction { $( $(#[$meta])* $variant, )* }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$( AuditAction::$variant, )*];

            /// The code stored in `audit_log.action`.
            pub fn code(self) -> &'static str {
                match self { $( AuditAction::$variant => $code, )* }
            }

            /// The label of the audit page.
            pub fn label_zh(self) -> &'static str {
                match self { $( AuditAction::$variant => $zh, )* }
            }

            pub fn label_en(self) -> &'static str {
                match self { $( AuditAction::$variant => $en, )* }
            }
        }
    };
}

actions! {
    /// A registry file imported (CLI or web), written with the import.
    Import => "import", "导入数据", "Import";
    /// The demo city generated (`edugov demo`, `edugov serve --demo`).
    Demo => "demo", "生成演示城市", "Demo city generated";
    /// A registry export with identity numbers and names in clear (CLI).
    ExportUnmasked => "export_unmasked", "导出未脱敏数据", "Unmasked export";
    /// A page of a school's students shown in full (web, city administrator).
    ViewUnmasked => "view_unmasked", "查看完整身份信息", "Full identity viewed";
    UserAdd => "user_add", "新建账号", "User added";
    UserPasswd => "user_passwd", "设置密码", "Password set";
    UserEnable => "user_enable", "启用账号", "User enabled";
    UserDisable => "user_disable", "停用账号", "User disabled";
    UserLogin => "user_login", "登录", "Sign-in";
    UserLogout => "user_logout", "退出登录", "Sign-out";
    /// Logins refused after repeated failures (versions before the growing
    /// delays locked the account; kept so their lines read).
    UserLoginLocked => "user_login_locked", "登录失败过多被暂停", "Sign-ins paused after failures";
    /// A client's failures for a username passed the free ones: each further
    /// failure waits longer (never a lock).
    UserLoginThrottled => "user_login_throttled", "登录失败过多须等待", "Sign-ins slowed after failures";
    /// An officer's import held for the city: more transfer requests than
    /// one file may file (nothing written, no row answered).
    ImportHeldForCity => "import_held_for_city", "导入文件转市级办理", "Import held for the city";
    /// A transfer request (转学申请 / 调动申请) filed by an officer's import.
    TransferRequest => "transfer_request", "提出转学申请", "Transfer requested";
    /// A transfer request approved: the person moved.
    TransferApprove => "transfer_approve", "同意转学申请", "Transfer approved";
    /// A transfer request refused, with a reason.
    TransferRefuse => "transfer_refuse", "拒绝转学申请", "Transfer refused";
    /// A work plan (工作要点) saved: its tasks written, each change an
    /// `Edited` event in the task's history.
    PlanSaved => "plan_saved", "保存工作要点", "Work plan saved";
    /// Construction projects saved; those put into use added their seats to
    /// their schools.
    ProjectsSaved => "projects_saved", "保存建设项目", "Construction projects saved";
    /// A school-place forecast run stored whole (its inputs, scenarios,
    /// results and backtest), so later years' accuracy is computed from it.
    ForecastSaved => "forecast_saved", "保存学位预测", "School-place forecast saved";
    /// A version of a year's admission inputs (candidates, schools) stored.
    AdmissionInputsSaved => "admission_inputs_saved", "保存招生录取数据", "Admission inputs saved";
    /// A school signed off its list in an admission inputs version.
    AdmissionSignedOff => "admission_signed_off", "学校确认录取名单", "Admission list signed off";
    /// An admission run (policy and outcome) stored on an inputs version.
    AdmissionRunSaved => "admission_run_saved", "保存录取结果", "Admission run saved";
}

impl AuditAction {
    /// The action a stored code names: today's code, or the dotted spelling
    /// of versions before migration 0006 (`user.add`, `view.unmasked`).
    /// `None` for a code this build does not know.
    pub fn from_code(code: &str) -> Option<AuditAction> {
        let code = code.trim().replace('.', "_");
        AuditAction::ALL.iter().copied().find(|a| a.code() == code)
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// An audit line to write with a change, in the change's own transaction
/// (see [`ApplyOptions::audit`](crate::ApplyOptions::audit)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditLine<'a> {
    pub actor: &'a str,
    pub action: AuditAction,
    /// Never personal data (no name, no identity number).
    pub detail: &'a str,
}

/// Classes named in an audit line at most; the rest are counted.
const AUDITED_RESIZES: usize = 20;

/// The audit detail with the classes whose 班额 followed the file:
/// `…；班额随学生名单更新 2 个班：2370112001 2024 二年级3班 45→46、…`.
pub(crate) fn with_resized_classes(detail: &str, resized: &[crate::ClassSizeMismatch]) -> String {
    if resized.is_empty() {
        return detail.to_owned();
    }
    let mut out = format!("{detail}；班额随学生名单更新 {} 个班：", resized.len());
    for (i, r) in resized.iter().take(AUDITED_RESIZES).enumerate() {
        if i > 0 {
            out.push('、');
        }
        let c = &r.class;
        let grade = c.grade.label_zh();
        let grade = if c.name.starts_with(&grade) { "" } else { &grade };
        out.push_str(&format!(
            "{} {} {grade}{} {}→{}",
            c.school, c.school_year.0, c.name, r.declared, r.listed
        ));
    }
    if resized.len() > AUDITED_RESIZES {
        out.push_str(&format!(" 等 {} 个", resized.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_through_its_code() {
        for &action in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(action.code()), Some(action));
            assert_eq!(action.to_string(), action.code());
        }
    }

    #[test]
    fn codes_are_snake_case_and_distinct() {
        let mut codes: Vec<&str> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        assert!(codes
            .iter()
            .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), AuditAction::ALL.len());
    }

    #[test]
    fn the_dotted_codes_of_earlier_versions_still_parse_and_unknown_ones_do_not() {
        assert_eq!(AuditAction::from_code("user.add"), Some(AuditAction::UserAdd));
        assert_eq!(
            AuditAction::from_code("user.login_locked"),
            Some(AuditAction::UserLoginLocked)
        );
        assert_eq!(
            AuditAction::from_code("view.unmasked"),
            Some(AuditAction::ViewUnmasked)
        );
        assert_eq!(AuditAction::from_code("drop_table"), None);
    }
}
