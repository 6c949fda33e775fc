//! Supervision (督办) as an append-only history: every step — 交办, 报告,
//! 退回, 审核通过, 提醒, 预警, 红牌, 挂牌督办, 延期申请 and its answer,
//! 核验, 销号 — is an [`Event`] with who, when, the old and the new value.
//! A task's supervision state is the fold of its events ([`State::of`]);
//! [`decide`] checks a step against that state before it is appended, so
//! the rules (销号 only after another person verified, an extension only
//! before the deadline, a return only with a reason) hold whoever asks.
//!
//! Escalation follows the 三色督查单 (三明 2017; 宿迁 2025, anchors A1):
//! 蓝 reminder → 黄 warning → 红 warning with a new deadline (限期办结);
//! a grave item may start at any colour.

use chrono::{DateTime, NaiveDate, Utc};
use registry::AreaCode;
use serde::Serialize;

use crate::plan::{EventId, ReportId, TaskId};

/// The escalation colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    Blue,
    Yellow,
    Red,
}

impl Colour {
    pub const ALL: [Colour; 3] = [Colour::Blue, Colour::Yellow, Colour::Red];

    pub fn code(self) -> &'static str {
        match self {
            Colour::Blue => "blue",
            Colour::Yellow => "yellow",
            Colour::Red => "red",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Colour::Blue => "蓝色提醒",
            Colour::Yellow => "黄色预警",
            Colour::Red => "红色督办",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Colour::Blue => "Blue reminder",
            Colour::Yellow => "Yellow warning",
            Colour::Red => "Red notice",
        }
    }

    pub fn parse(code: &str) -> Option<Colour> {
        Colour::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// What happened. Stored as its code; the values it changed are in
/// [`Event::old_value`] / [`Event::new_value`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// 交办: the task was created (imported or written).
    Assigned,
    /// 修改: a field of the task changed (old → new).
    Edited,
    /// 报告: a progress report was filed or corrected.
    Reported,
    /// 退回: a report sent back, with the reason.
    Returned,
    /// 审核通过: a report accepted.
    Accepted,
    /// 三色督查: a colour (new value) given, with the reason and, for red, a
    /// new deadline.
    Escalated,
    /// 挂牌督办: listed on the supervision board (who, why, by when).
    Listed,
    /// 撤销挂牌: taken off the board without closing.
    Unlisted,
    /// 延期申请: an extension asked for (new value: the date wanted).
    ExtensionRequested,
    /// 同意延期 (new value: the new deadline).
    ExtensionGranted,
    /// 不同意延期, with the reason.
    ExtensionRefused,
    /// 核验: the result checked by someone other than the reporter.
    Verified,
    /// 销号: closed out.
    ClosedOut,
}

impl EventKind {
    pub const ALL: [EventKind; 13] = [
        EventKind::Assigned,
        EventKind::Edited,
        EventKind::Reported,
        EventKind::Returned,
        EventKind::Accepted,
        EventKind::Escalated,
        EventKind::Listed,
        EventKind::Unlisted,
        EventKind::ExtensionRequested,
        EventKind::ExtensionGranted,
        EventKind::ExtensionRefused,
        EventKind::Verified,
        EventKind::ClosedOut,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Assigned => "assigned",
            EventKind::Edited => "edited",
            EventKind::Reported => "reported",
            EventKind::Returned => "returned",
            EventKind::Accepted => "accepted",
            EventKind::Escalated => "escalated",
            EventKind::Listed => "listed",
            EventKind::Unlisted => "unlisted",
            EventKind::ExtensionRequested => "extension_requested",
            EventKind::ExtensionGranted => "extension_granted",
            EventKind::ExtensionRefused => "extension_refused",
            EventKind::Verified => "verified",
            EventKind::ClosedOut => "closed_out",
        }
    }

    pub fn parse(code: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            EventKind::Assigned => "交办",
            EventKind::Edited => "修改",
            EventKind::Reported => "报告进展",
            EventKind::Returned => "退回",
            EventKind::Accepted => "审核通过",
            EventKind::Escalated => "督查提醒",
            EventKind::Listed => "挂牌督办",
            EventKind::Unlisted => "撤销挂牌",
            EventKind::ExtensionRequested => "申请延期",
            EventKind::ExtensionGranted => "同意延期",
            EventKind::ExtensionRefused => "不同意延期",
            EventKind::Verified => "核验",
            EventKind::ClosedOut => "销号",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            EventKind::Assigned => "Assigned",
            EventKind::Edited => "Edited",
            EventKind::Reported => "Progress reported",
            EventKind::Returned => "Sent back",
            EventKind::Accepted => "Accepted",
            EventKind::Escalated => "Escalated",
            EventKind::Listed => "Put under supervision",
            EventKind::Unlisted => "Taken off the board",
            EventKind::ExtensionRequested => "Extension requested",
            EventKind::ExtensionGranted => "Extension granted",
            EventKind::ExtensionRefused => "Extension refused",
            EventKind::Verified => "Verified",
            EventKind::ClosedOut => "Closed out",
        }
    }
}

/// An event about to be appended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewEvent {
    pub task: TaskId,
    /// The county the step is about (a county's report, a county listed);
    /// `None` for the task as a whole.
    pub county: Option<AreaCode>,
    pub kind: EventKind,
    /// The username of who did it.
    pub actor: String,
    pub at: DateTime<Utc>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// The reason or remark, as typed.
    pub note: String,
    /// A deadline the step sets (挂牌督办's 限期, a red notice's, an
    /// extension's new date).
    pub due: Option<NaiveDate>,
    /// The report the step is about.
    pub report: Option<ReportId>,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub id: EventId,
    #[serde(flatten)]
    pub event: NewEvent,
}

/// A listing on the supervision board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listing {
    pub county: Option<AreaCode>,
    pub by: String,
    pub reason: String,
    pub due: NaiveDate,
    pub at: DateTime<Utc>,
}

/// A task's supervision state: the fold of its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct State {
    pub colour: Option<Colour>,
    pub colour_due: Option<NaiveDate>,
    /// Open listings (挂牌督办), one per county or the whole task.
    pub listings: Vec<Listing>,
    /// The deadline as extended (granted extensions, red notices); `None` =
    /// the plan's.
    pub extended_due: Option<NaiveDate>,
    /// An extension asked for and not yet answered: who, until when.
    pub pending_extension: Option<(String, NaiveDate)>,
    /// How many times the deadline moved (delay count).
    pub extensions: u32,
    /// Who verified the result, once verified (reset by a new report).
    pub verified_by: Option<String>,
    /// Reporters of accepted reports since the last verification.
    pub reporters: Vec<String>,
    pub closed: Option<DateTime<Utc>>,
    /// The last event, for optimistic appends.
    pub last: Option<EventId>,
}

impl State {
    pub fn of(events: &[Event]) -> State {
        let mut s = State::default();
        for e in events {
            s.apply(e);
        }
        s
    }

    fn apply(&mut self, e: &Event) {
        let ev = &e.event;
        self.last = Some(e.id);
        match ev.kind {
            EventKind::Assigned | EventKind::Edited | EventKind::Returned => {}
            EventKind::Reported => {
                // A new report reopens the question of the result.
                self.verified_by = None;
            }
            EventKind::Accepted => {
                if let Some(reporter) = &ev.old_value {
                    if !self.reporters.contains(reporter) {
                        self.reporters.push(reporter.clone());
                    }
                }
            }
            EventKind::Escalated => {
                self.colour = ev.new_value.as_deref().and_then(Colour::parse);
                self.colour_due = ev.due;
                if let Some(due) = ev.due {
                    self.extended_due = Some(due);
                }
            }
            EventKind::Listed => {
                self.listings.retain(|l| l.county != ev.county);
                if let Some(due) = ev.due {
                    self.listings.push(Listing {
                        county: ev.county.clone(),
                        by: ev.actor.clone(),
                        reason: ev.note.clone(),
                        due,
                        at: ev.at,
                    });
                }
            }
            EventKind::Unlisted => self.listings.retain(|l| l.county != ev.county),
            EventKind::ExtensionRequested => {
                self.pending_extension = ev.due.map(|d| (ev.actor.clone(), d));
            }
            EventKind::ExtensionGranted => {
                self.pending_extension = None;
                if let Some(due) = ev.due {
                    self.extended_due = Some(due);
                    self.extensions += 1;
                }
            }
            EventKind::ExtensionRefused => self.pending_extension = None,
            EventKind::Verified => self.verified_by = Some(ev.actor.clone()),
            EventKind::ClosedOut => {
                self.closed = Some(ev.at);
                self.listings.clear();
            }
        }
    }

    /// The deadline in force: the plan's, or a later one granted.
    pub fn deadline(&self, planned: NaiveDate) -> NaiveDate {
        self.extended_due.unwrap_or(planned)
    }

    pub fn is_listed(&self) -> bool {
        !self.listings.is_empty()
    }

    pub fn is_closed(&self) -> bool {
        self.closed.is_some()
    }
}

/// A step someone asks for; [`decide`] turns it into an event or refuses.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Escalate {
        colour: Colour,
        reason: String,
        due: Option<NaiveDate>,
    },
    List {
        county: Option<AreaCode>,
        reason: String,
        due: NaiveDate,
    },
    Unlist {
        county: Option<AreaCode>,
        reason: String,
    },
    RequestExtension {
        until: NaiveDate,
        reason: String,
    },
    GrantExtension,
    RefuseExtension {
        reason: String,
    },
    Verify {
        note: String,
    },
    CloseOut {
        note: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupervisionError {
    #[error("该任务已销号，不能再办理")]
    Closed,
    #[error("请填写理由")]
    NoReason,
    #[error("红色督办须限定新的办结日期")]
    RedNeedsDue,
    #[error("期限 {due} 不能早于今天 {today}")]
    DueInPast { due: NaiveDate, today: NaiveDate },
    #[error("延期须在期限 {deadline} 之前申请；逾期未办结的任务按原期限考核")]
    ExtensionTooLate { deadline: NaiveDate },
    #[error("延期后的日期 {until} 须晚于现在的期限 {deadline}")]
    ExtensionNotLater { until: NaiveDate, deadline: NaiveDate },
    #[error("已有一项延期申请在等待答复")]
    ExtensionPending,
    #[error("没有等待答复的延期申请")]
    NoExtensionPending,
    #[error("不能审批自己提出的延期申请")]
    OwnExtension,
    #[error("该单位未被挂牌督办")]
    NotListed,
    #[error("还没有审核通过的进展报告，无可核验")]
    NothingToVerify,
    #[error("核验须由报告人以外的人进行：{0} 报告了该任务的进展")]
    VerifierIsReporter(String),
    #[error("销号前须由报告人以外的人核验结果")]
    NotVerified,
}

/// Checks `step` by `actor` against the task's state and gives the event to
/// append. Who may ask at all (a county officer never closes out) is
/// `access`'s decision, asked before; this says whether the step fits the
/// task's history.
pub fn decide(
    task: TaskId,
    planned_deadline: NaiveDate,
    state: &State,
    actor: &str,
    step: Step,
    now: DateTime<Utc>,
) -> Result<NewEvent, SupervisionError> {
    if state.is_closed() {
        return Err(SupervisionError::Closed);
    }
    let today = now.date_naive();
    let deadline = state.deadline(planned_deadline);
    let mut event = NewEvent {
        task,
        county: None,
        kind: EventKind::Escalated,
        actor: actor.to_owned(),
        at: now,
        old_value: None,
        new_value: None,
        note: String::new(),
        due: None,
        report: None,
    };
    let need_reason = |r: &str| {
        if r.trim().is_empty() {
            Err(SupervisionError::NoReason)
        } else {
            Ok(r.trim().to_owned())
        }
    };
    let not_past = |due: NaiveDate| {
        if due < today {
            Err(SupervisionError::DueInPast { due, today })
        } else {
            Ok(due)
        }
    };
    match step {
        Step::Escalate { colour, reason, due } => {
            event.note = need_reason(&reason)?;
            if colour == Colour::Red && due.is_none() {
                return Err(SupervisionError::RedNeedsDue);
            }
            event.due = due.map(not_past).transpose()?;
            event.old_value = state.colour.map(|c| c.code().to_owned());
            event.new_value = Some(colour.code().to_owned());
        }
        Step::List { county, reason, due } => {
            event.kind = EventKind::Listed;
            event.note = need_reason(&reason)?;
            event.due = Some(not_past(due)?);
            event.new_value = Some(due.to_string());
            event.old_value = state
                .listings
                .iter()
                .find(|l| l.county == county)
                .map(|l| l.due.to_string());
            event.county = county;
        }
        Step::Unlist { county, reason } => {
            event.kind = EventKind::Unlisted;
            event.note = need_reason(&reason)?;
            if !state.listings.iter().any(|l| l.county == county) {
                return Err(SupervisionError::NotListed);
            }
            event.county = county;
        }
        Step::RequestExtension { until, reason } => {
            event.kind = EventKind::ExtensionRequested;
            event.note = need_reason(&reason)?;
            // 延期须在期限前申请 (anchors A1, 督办制度).
            if today > deadline {
                return Err(SupervisionError::ExtensionTooLate { deadline });
            }
            if until <= deadline {
                return Err(SupervisionError::ExtensionNotLater { until, deadline });
            }
            if state.pending_extension.is_some() {
                return Err(SupervisionError::ExtensionPending);
            }
            event.old_value = Some(deadline.to_string());
            event.new_value = Some(until.to_string());
            event.due = Some(until);
        }
        Step::GrantExtension => {
            event.kind = EventKind::ExtensionGranted;
            let Some((asker, until)) = &state.pending_extension else {
                return Err(SupervisionError::NoExtensionPending);
            };
            if asker == actor {
                return Err(SupervisionError::OwnExtension);
            }
            event.old_value = Some(deadline.to_string());
            event.new_value = Some(until.to_string());
            event.due = Some(*until);
        }
        Step::RefuseExtension { reason } => {
            event.kind = EventKind::ExtensionRefused;
            event.note = need_reason(&reason)?;
            let Some((asker, _)) = &state.pending_extension else {
                return Err(SupervisionError::NoExtensionPending);
            };
            if asker == actor {
                return Err(SupervisionError::OwnExtension);
            }
        }
        Step::Verify { note } => {
            event.kind = EventKind::Verified;
            if state.reporters.is_empty() {
                return Err(SupervisionError::NothingToVerify);
            }
            if state.reporters.iter().any(|r| r == actor) {
                return Err(SupervisionError::VerifierIsReporter(actor.to_owned()));
            }
            event.note = note.trim().to_owned();
        }
        Step::CloseOut { note } => {
            event.kind = EventKind::ClosedOut;
            // 销号 only after someone other than the reporter verified.
            if state.verified_by.is_none() {
                return Err(SupervisionError::NotVerified);
            }
            event.note = note.trim().to_owned();
        }
    }
    Ok(event)
}

/// The deadline alert of 西安纪委's system (anchors A1): yellow within three
/// days of the deadline, red once it passed, for a task not finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineAlert {
    /// 临期: within [`DUE_SOON_DAYS`] days.
    DueSoon,
    /// 逾期.
    Overdue,
}

/// Days before a deadline a task is flagged yellow.
pub const DUE_SOON_DAYS: i64 = 3;

impl DeadlineAlert {
    pub fn of(deadline: NaiveDate, today: NaiveDate, finished: bool) -> Option<DeadlineAlert> {
        if finished {
            return None;
        }
        let days = (deadline - today).num_days();
        if days < 0 {
            Some(DeadlineAlert::Overdue)
        } else if days <= DUE_SOON_DAYS {
            Some(DeadlineAlert::DueSoon)
        } else {
            None
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            DeadlineAlert::DueSoon => "due_soon",
            DeadlineAlert::Overdue => "overdue",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DeadlineAlert::DueSoon => "临期",
            DeadlineAlert::Overdue => "逾期",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            DeadlineAlert::DueSoon => "Due soon",
            DeadlineAlert::Overdue => "Overdue",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, day, 9, 0, 0)
            .single()
            .expect("time")
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    struct History {
        events: Vec<Event>,
    }

    impl History {
        fn new() -> History {
            History { events: Vec::new() }
        }
        fn state(&self) -> State {
            State::of(&self.events)
        }
        fn push(&mut self, e: NewEvent) {
            let id = EventId(self.events.len() as i64 + 1);
            self.events.push(Event { id, event: e });
        }
        fn step(&mut self, actor: &str, step: Step, day: u32) -> Result<(), SupervisionError> {
            let e = decide(TaskId(1), d(6, 30), &self.state(), actor, step, at(day))?;
            self.push(e);
            Ok(())
        }
        fn accepted_report_by(&mut self, reporter: &str, reviewer: &str) {
            let base = NewEvent {
                task: TaskId(1),
                county: None,
                kind: EventKind::Reported,
                actor: reporter.to_owned(),
                at: at(10),
                old_value: None,
                new_value: None,
                note: String::new(),
                due: None,
                report: Some(ReportId(1)),
            };
            self.push(base.clone());
            self.push(NewEvent {
                kind: EventKind::Accepted,
                actor: reviewer.to_owned(),
                old_value: Some(reporter.to_owned()),
                ..base
            });
        }
    }

    #[test]
    fn a_task_cannot_be_closed_out_before_another_person_verified_it() {
        let mut h = History::new();
        assert_eq!(
            h.step("admin", Step::CloseOut { note: String::new() }, 11),
            Err(SupervisionError::NotVerified)
        );
        h.accepted_report_by("lixia", "admin");
        assert_eq!(
            h.step("lixia", Step::Verify { note: String::new() }, 11),
            Err(SupervisionError::VerifierIsReporter("lixia".into()))
        );
        h.step(
            "admin",
            Step::Verify {
                note: "现场核实".into(),
            },
            11,
        )
        .expect("verify");
        h.step("admin", Step::CloseOut { note: String::new() }, 12)
            .expect("close out");
        assert!(h.state().is_closed());
        assert_eq!(
            h.step(
                "admin",
                Step::Escalate {
                    colour: Colour::Blue,
                    reason: "x".into(),
                    due: None
                },
                13
            ),
            Err(SupervisionError::Closed)
        );
    }

    #[test]
    fn a_new_report_after_verification_needs_a_new_verification() {
        let mut h = History::new();
        h.accepted_report_by("lixia", "admin");
        h.step("admin", Step::Verify { note: String::new() }, 11)
            .expect("verify");
        h.accepted_report_by("lixia", "admin");
        assert_eq!(
            h.step("admin", Step::CloseOut { note: String::new() }, 12),
            Err(SupervisionError::NotVerified)
        );
    }

    #[test]
    fn an_extension_is_asked_before_the_deadline_and_granted_by_another() {
        let mut h = History::new();
        let ask = |until| Step::RequestExtension {
            until,
            reason: "征地延后".into(),
        };
        assert_eq!(
            h.step("lixia", ask(d(6, 20)), 10),
            Err(SupervisionError::ExtensionNotLater {
                until: d(6, 20),
                deadline: d(6, 30)
            })
        );
        h.step("lixia", ask(d(8, 31)), 10).expect("ask");
        assert_eq!(
            h.step("lixia", Step::GrantExtension, 11),
            Err(SupervisionError::OwnExtension)
        );
        h.step("admin", Step::GrantExtension, 11).expect("grant");
        let s = h.state();
        assert_eq!(s.deadline(d(6, 30)), d(8, 31));
        assert_eq!(s.extensions, 1);
        // After the (new) deadline an extension is too late.
        let late = decide(
            TaskId(1),
            d(6, 30),
            &s,
            "lixia",
            ask(d(12, 31)),
            Utc.with_ymd_and_hms(2026, 9, 1, 9, 0, 0).single().expect("t"),
        );
        assert_eq!(
            late,
            Err(SupervisionError::ExtensionTooLate { deadline: d(8, 31) })
        );
    }

    #[test]
    fn red_needs_a_new_deadline_and_every_step_a_reason() {
        let mut h = History::new();
        let red = |due| Step::Escalate {
            colour: Colour::Red,
            reason: "逾期未办结".into(),
            due,
        };
        assert_eq!(h.step("admin", red(None), 10), Err(SupervisionError::RedNeedsDue));
        assert_eq!(
            h.step("admin", red(Some(d(6, 1))), 10),
            Err(SupervisionError::DueInPast {
                due: d(6, 1),
                today: d(6, 10)
            })
        );
        h.step("admin", red(Some(d(7, 15))), 10).expect("red");
        assert_eq!(h.state().colour, Some(Colour::Red));
        assert_eq!(h.state().deadline(d(6, 30)), d(7, 15));
        assert_eq!(
            h.step(
                "admin",
                Step::List {
                    county: None,
                    reason: " ".into(),
                    due: d(7, 1)
                },
                10
            ),
            Err(SupervisionError::NoReason)
        );
    }

    #[test]
    fn listing_a_county_puts_it_on_the_board_until_closed_out_or_unlisted() {
        let mut h = History::new();
        let county = AreaCode::parse("370112").expect("code");
        h.step(
            "admin",
            Step::List {
                county: Some(county.clone()),
                reason: "大班额化解任务最重".into(),
                due: d(8, 31),
            },
            10,
        )
        .expect("list");
        let s = h.state();
        assert!(s.is_listed());
        assert_eq!(s.listings[0].county.as_ref(), Some(&county));
        assert_eq!(
            h.step(
                "admin",
                Step::Unlist {
                    county: None,
                    reason: "x".into()
                },
                11
            ),
            Err(SupervisionError::NotListed)
        );
        h.step(
            "admin",
            Step::Unlist {
                county: Some(county),
                reason: "已整改".into(),
            },
            11,
        )
        .expect("unlist");
        assert!(!h.state().is_listed());
    }

    #[test]
    fn deadline_alerts_are_yellow_three_days_before_and_red_after() {
        let deadline = d(6, 30);
        assert_eq!(DeadlineAlert::of(deadline, d(6, 26), false), None);
        assert_eq!(
            DeadlineAlert::of(deadline, d(6, 27), false),
            Some(DeadlineAlert::DueSoon)
        );
        assert_eq!(
            DeadlineAlert::of(deadline, d(6, 30), false),
            Some(DeadlineAlert::DueSoon)
        );
        assert_eq!(
            DeadlineAlert::of(deadline, d(7, 1), false),
            Some(DeadlineAlert::Overdue)
        );
        assert_eq!(DeadlineAlert::of(deadline, d(7, 1), true), None);
    }
}
