//! 中考招生: the year's inputs versions and the runs on them.
//!
//! - `/admission`: inputs versions (sign-off progress, the check's counts)
//!   and runs; for the city administrator the run form (the demo's 50 % and
//!   60 % policies, or a TOML policy).
//! - `/admission/inputs/{id}`: the check report and every school's
//!   sign-off; `/admission/inputs/{id}/schools/{code}` one school's list to
//!   sign off (`admission::sign_off_list`); `/admission/inputs/{id}/correct`
//!   a correction into a new version, then a re-run with the same policy.
//! - `/admission/runs/{id}`: the summary, the policy in words, every
//!   school's seats and cutoffs; `…/schools/{code}` a quota school's split
//!   per junior school; `…/candidates`, `…/explain`, `…/changes`; the
//!   workbook `…/{id}.xlsx`; `/admission/compare?a=&b=` two runs.
//!
//! Who may do what is `access`'s: every signed-in role sees the pages,
//! the city administrator runs and corrects, a school's list is signed off
//! by the school, its county or the city administrator. Candidates are
//! personal data: a row is shown only when
//! `access::Principal::can_view_candidate` allows it (its junior school or
//! its admitting school in scope), masked unless `can_view_unmasked`, and
//! each unmasked view is audited. A candidate outside the viewer's scope is
//! answered exactly as one that does not exist. Seats and cutoffs are the
//! bureau's figures and shown to every signed-in role. A school's sign-off
//! list is the one exception: its signers (the school, its county, the city
//! administrator) see the applicants they sign for, masked.
//!
//! The inputs and runs are cached by `AppState` (they never change once
//! stored); the engine runs on a blocking thread.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use admission::{Candidate, CandidateId, Inputs, Outcome, Placement, Policy, Ratio, Round, Score};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use registry::{AreaCode, SchoolCode};
use store::admission::{AdmissionInputsId, AdmissionRunId, AdmissionRunSummary, MAX_LABEL_CHARS};

use crate::auth::{area_name, Ctx};
use crate::error::WebError;
use crate::i18n::{t, tf, Msg};
use crate::layout::{forbidden, page};
use crate::pages::{clamp_page, pager, urlencode};
use crate::state::{AppState, LoadedRun};

/// Candidates on one page of a list.
const PAGE_SIZE: u64 = 50;
/// Rows of the check report shown (the rest are counted).
const PROBLEMS_SHOWN: usize = 200;
/// Longest TOML policy accepted from the form, in bytes.
const MAX_POLICY_TEXT: usize = 32 * 1024;

/// A whole count with its thousands grouped (12,345).
fn grouped(n: impl Into<f64>) -> String {
    indicators::report::format_number(n.into().round(), 0)
}

fn count(n: usize) -> String {
    grouped(n as f64)
}

/// A form's text checked as the store checks it before writing (at most
/// [`MAX_LABEL_CHARS`], no control or bidi character —
/// `store::forecast::label_refuses`), so a refused value is the user's 400
/// naming the field, never the store's refusal after the work is done.
fn text_ok(lang: crate::i18n::Lang, text: &str, field: &str) -> Result<(), WebError> {
    if text.chars().count() > MAX_LABEL_CHARS {
        return Err(WebError::BadRequest(tf(
            lang,
            Msg::AdmTextTooLong,
            &[&field, &MAX_LABEL_CHARS],
        )));
    }
    match text.chars().find(|c| store::forecast::label_refuses(*c)) {
        Some(c) => Err(WebError::BadRequest(tf(
            lang,
            Msg::AdmTextRefused,
            &[&field, &format!("{:04X}", u32::from(c))],
        ))),
        None => Ok(()),
    }
}

/// The page is the signed-in roles'; the public gets the refusal.
fn guard(ctx: &Ctx) -> Result<(), WebError> {
    if ctx.principal.can_view_admission() {
        Ok(())
    } else {
        Err(forbidden(ctx))
    }
}

fn inputs_id(text: &str) -> Result<AdmissionInputsId, WebError> {
    text.parse()
        .map(AdmissionInputsId)
        .map_err(|_| WebError::NotFound)
}

fn run_id(text: &str) -> Result<AdmissionRunId, WebError> {
    text.parse().map(AdmissionRunId).map_err(|_| WebError::NotFound)
}

async fn load_inputs(state: &AppState, id: AdmissionInputsId) -> Result<Arc<Inputs>, WebError> {
    state.admission_inputs(id).await?.ok_or(WebError::NotFound)
}

async fn load_run(state: &AppState, id: AdmissionRunId) -> Result<Arc<LoadedRun>, WebError> {
    state.admission_run(id).await?.ok_or(WebError::NotFound)
}

/// Beijing time as stored with inputs, sign-offs and runs.
fn now_beijing() -> chrono::NaiveDateTime {
    (chrono::Utc::now() + chrono::Duration::hours(8)).naive_utc()
}

/// The demo's presets: 指标到校 50 % and 60 %.
fn preset(name: &str) -> Option<Policy> {
    match name {
        "demo50" => Some(Policy::demo_city(Ratio { num: 1, den: 2 })),
        "demo60" => Some(Policy::demo_city(Ratio { num: 3, den: 5 })),
        _ => None,
    }
}

/// What a viewer may see of a run's or a version's candidates.
struct Viewer<'a> {
    ctx: &'a Ctx,
    inputs: &'a Inputs,
    /// Junior school code → its county.
    juniors: HashMap<&'a str, &'a AreaCode>,
    unmasked: bool,
}

impl<'a> Viewer<'a> {
    fn new(ctx: &'a Ctx, inputs: &'a Inputs, unmasked: bool) -> Viewer<'a> {
        let juniors = inputs
            .junior_schools
            .iter()
            .map(|j| (j.code.as_str(), &j.county))
            .collect();
        Viewer {
            ctx,
            inputs,
            juniors,
            unmasked: unmasked && ctx.principal.can_view_unmasked(),
        }
    }

    /// Whether candidate `i` may be shown, placed as `placement` in the run
    /// looked at (`None`: before any run).
    fn sees(&self, i: usize, placement: Option<&Placement>) -> bool {
        let Some(c) = self.inputs.candidates.get(i) else {
            return false;
        };
        self.sees_candidate(c, placement)
    }

    fn sees_candidate(&self, c: &Candidate, placement: Option<&Placement>) -> bool {
        let p = &self.ctx.principal;
        if p.sees_every_candidate() {
            return true;
        }
        let Some(county) = self.juniors.get(c.junior_school.as_str()) else {
            return false;
        };
        let admitted = placement
            .and_then(|pl| pl.school)
            .and_then(|s| self.inputs.senior_schools.get(s as usize))
            .map(|s| (&s.code, &s.county));
        p.can_view_candidate((&c.junior_school, county), admitted)
    }

    fn id(&self, id: &CandidateId) -> String {
        if self.unmasked {
            id.0.clone()
        } else {
            import_export::admission_workbook::mask_candidate_id(&id.0)
        }
    }

    fn name(&self, name: &str) -> String {
        if self.unmasked {
            name.to_owned()
        } else {
            registry::mask::name(name)
        }
    }
}

/// A senior school's name by index ("—" for none).
fn senior_name(inputs: &Inputs, index: Option<u32>) -> String {
    index
        .and_then(|s| inputs.senior_schools.get(s as usize))
        .map_or_else(|| "—".to_owned(), |s| s.name.clone())
}

fn junior_name<'a>(inputs: &'a Inputs, code: &'a SchoolCode) -> &'a str {
    inputs
        .junior_schools
        .iter()
        .find(|j| &j.code == code)
        .map_or(code.as_str(), |j| j.name.as_str())
}

fn placement_text(ctx: &Ctx, inputs: &Inputs, p: &Placement) -> String {
    match (p.school, p.round) {
        (Some(_), Some(round)) => format!(
            "{}（{}{}）",
            senior_name(inputs, p.school),
            round.label_zh(),
            p.choice
                .map(|c| tf(ctx.lang, Msg::AdmChoiceN, &[&c]))
                .unwrap_or_default()
        ),
        _ => t(ctx.lang, Msg::AdmUnplaced).to_owned(),
    }
}

fn cutoff_text(cutoff: Option<&admission::Cutoff>) -> String {
    cutoff.map_or_else(|| "—".to_owned(), |c| c.score.to_string())
}

// ---------------------------------------------------------------------------
// /admission

/// `GET /admission`: inputs versions and runs; the run form for the city
/// administrator.
pub async fn index(State(state): State<Arc<AppState>>, ctx: Ctx) -> Result<Markup, WebError> {
    guard(&ctx)?;
    let lang = ctx.lang;
    let (versions, runs) = state
        .with_store(|s| Ok((s.admission_inputs_list()?, s.admission_runs()?)))
        .await?;
    let mut rows = Vec::new();
    for v in &versions {
        let id = v.id;
        let signed = state.with_store(move |s| s.admission_sign_offs(id)).await?.len();
        let check = check_of(&state, id, &runs).await?;
        rows.push((v, signed, check));
    }
    let p = &ctx.principal;
    let body = html! {
        h1 { (t(lang, Msg::Admission)) }
        p.lead { (t(lang, Msg::AdmLead)) }
        h2 { (t(lang, Msg::AdmInputsVersions)) }
        @if versions.is_empty() {
            p.muted #no-inputs { (t(lang, Msg::AdmNoInputs)) }
        } @else {
            div.table-wrap { table #inputs-versions {
                thead { tr {
                    th { (t(lang, Msg::AdmVersion)) } th { (t(lang, Msg::AdmYear)) } th { (t(lang, Msg::RunLabel)) }
                    th { (t(lang, Msg::AdmCandidates)) } th { (t(lang, Msg::AdmSignOffProgress)) }
                    th { (t(lang, Msg::AdmCheckErrors)) } th { (t(lang, Msg::AdmCheckWarnings)) }
                    th { (t(lang, Msg::AdmMadeAt)) } th { (t(lang, Msg::AdmMadeBy)) }
                } }
                tbody { @for (v, signed, check) in &rows {
                    tr data-inputs=(v.id) {
                        td { a href={ "/admission/inputs/" (v.id) } { "#" (v.id) } }
                        td { (v.year) }
                        td { (v.label) @if let Some(prev) = v.previous { " " small.muted { (tf(lang, Msg::AdmCorrects, &[&prev])) } } }
                        td.num { (grouped(v.candidates)) }
                        td.num.sign-off-progress { (signed) " / " (v.junior_schools + v.senior_schools) }
                        td.num.check-errors { (count(check.1.errors)) }
                        td.num { (count(check.1.warnings)) }
                        td { (v.made_at.format("%Y-%m-%d %H:%M")) }
                        td { (made_by(&ctx, &v.made_by)) }
                    }
                } }
            } }
        }
        h2 { (t(lang, Msg::AdmRuns)) }
        @if runs.is_empty() {
            p.muted #no-runs { (t(lang, Msg::AdmNoRuns)) }
        } @else {
            (runs_table(&ctx, &runs))
            @if runs.len() >= 2 {
                (compare_form(&ctx, &runs, None))
            }
        }
        @if p.can_run_admission() {
            (upload_form(&ctx))
        }
        @if p.can_run_admission() && !versions.is_empty() {
            (run_form(&ctx, &versions.iter().map(|v| (v.id, v.label.clone(), v.year)).collect::<Vec<_>>(), None))
        }
    };
    Ok(page(&ctx, t(lang, Msg::Admission), body))
}

/// Who made a version or run as the viewer sees it: the bureau's staff by
/// name for city roles, 市教育局 for officers.
fn made_by(ctx: &Ctx, user: &str) -> String {
    if ctx.principal.sees_every_candidate() {
        user.to_owned()
    } else {
        t(ctx.lang, Msg::CityBureau).to_owned()
    }
}

fn runs_table(ctx: &Ctx, runs: &[AdmissionRunSummary]) -> Markup {
    let lang = ctx.lang;
    html! {
        div.table-wrap { table #admission-runs {
            thead { tr {
                th { (t(lang, Msg::AdmRun)) } th { (t(lang, Msg::RunLabel)) } th { (t(lang, Msg::AdmPolicy)) }
                th { (t(lang, Msg::AdmVersion)) } th { (t(lang, Msg::AdmPlaced)) } th { (t(lang, Msg::AdmUnplaced)) }
                th { (t(lang, Msg::AdmMadeAt)) } th { (t(lang, Msg::AdmMadeBy)) }
            } }
            tbody { @for r in runs {
                tr data-run=(r.id) {
                    td { a href={ "/admission/runs/" (r.id) } { "#" (r.id) } }
                    td { a href={ "/admission/runs/" (r.id) } { (r.label) }
                        @if let Some(prev) = r.previous { " " small.muted { (tf(lang, Msg::AdmRerunOf, &[&prev])) } } }
                    td { (r.policy_name) }
                    td { a href={ "/admission/inputs/" (r.inputs) } { "#" (r.inputs) } }
                    td.num { (grouped(r.placed)) }
                    td.num { (grouped(r.candidates.saturating_sub(r.placed))) }
                    td { (r.made_at.format("%Y-%m-%d %H:%M")) }
                    td { (made_by(ctx, &r.made_by)) }
                }
            } }
        } }
    }
}

fn compare_form(ctx: &Ctx, runs: &[AdmissionRunSummary], chosen: Option<(i64, i64)>) -> Markup {
    let lang = ctx.lang;
    let (a, b) = chosen.unwrap_or_else(|| {
        (
            runs.get(1).map_or(0, |r| r.id.0),
            runs.first().map_or(0, |r| r.id.0),
        )
    });
    let options = |selected: i64| {
        html! { @for r in runs {
            option value=(r.id) selected[r.id.0 == selected] { "#" (r.id) " " (r.label) }
        } }
    };
    html! {
        form.filters #compare-form method="get" action="/admission/compare" {
            label { (t(lang, Msg::AdmRunA)) " " select name="a" { (options(a)) } }
            label { (t(lang, Msg::AdmRunB)) " " select name="b" { (options(b)) } }
            button.primary type="submit" { (t(lang, Msg::AdmCompare)) }
        }
    }
}

/// The run form: an inputs version, a policy (a preset or TOML), a label.
/// `rerun`: the runs whose policy a corrected version may be re-run with.
fn run_form(
    ctx: &Ctx,
    versions: &[(AdmissionInputsId, String, i32)],
    chosen: Option<AdmissionInputsId>,
) -> Markup {
    let lang = ctx.lang;
    html! {
        h2 { (t(lang, Msg::AdmNewRun)) }
        form.admission-run #run-form method="post" action="/admission/runs" {
            input type="hidden" name="csrf" value=(ctx.csrf.clone().unwrap_or_default());
            p { label { (t(lang, Msg::AdmVersion)) " "
                select name="inputs" {
                    @for (id, label, year) in versions {
                        option value=(id) selected[Some(*id) == chosen] { "#" (id) " " (year) " " (label) }
                    }
                }
            } }
            fieldset {
                legend { (t(lang, Msg::AdmPolicy)) }
                label { input type="radio" name="policy" value="demo50" checked; " " (t(lang, Msg::AdmPreset50)) } br;
                label { input type="radio" name="policy" value="demo60"; " " (t(lang, Msg::AdmPreset60)) } br;
                label { input type="radio" name="policy" value="toml"; " " (t(lang, Msg::AdmPolicyToml)) } br;
                textarea name="toml" rows="8" cols="70" maxlength=(MAX_POLICY_TEXT) placeholder=(t(lang, Msg::AdmPolicyTomlHint)) {}
            }
            p { label { (t(lang, Msg::RunLabel)) " "
                input type="text" name="label" maxlength=(MAX_LABEL_CHARS) placeholder=(t(lang, Msg::AdmLabelHint)); } }
            button.primary #run-button type="submit" { (t(lang, Msg::AdmRunNow)) }
        }
    }
}

/// The run form as posted.
#[derive(serde::Deserialize)]
pub struct RunForm {
    pub csrf: String,
    #[serde(default)]
    pub inputs: String,
    /// `demo50`, `demo60`, `toml` or `rerun`.
    #[serde(default)]
    pub policy: String,
    #[serde(default)]
    pub toml: String,
    #[serde(default)]
    pub label: String,
    /// With `policy=rerun`: the earlier run whose policy is used, and which
    /// the new run points at (`previous`).
    #[serde(default)]
    pub rerun_of: String,
}

/// `POST /admission/runs`: runs a version under a policy and stores the
/// run (city administrator), then shows it. A policy that does not parse,
/// or inputs with errors, answer 400 with the reason in Chinese, nothing
/// stored.
pub async fn run(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Form(form): Form<RunForm>,
) -> Result<Response, WebError> {
    ctx.check_csrf(&form.csrf)?;
    if !ctx.principal.can_run_admission() {
        return Err(forbidden(&ctx));
    }
    let lang = ctx.lang;
    let inputs_id = form
        .inputs
        .trim()
        .parse()
        .map(AdmissionInputsId)
        .map_err(|_| WebError::BadRequest(t(lang, Msg::AdmNoSuchInputs).to_owned()))?;
    let inputs = state
        .admission_inputs(inputs_id)
        .await?
        .ok_or_else(|| WebError::BadRequest(t(lang, Msg::AdmNoSuchInputs).to_owned()))?;
    let (policy, previous) = match form.policy.as_str() {
        "toml" => {
            if form.toml.len() > MAX_POLICY_TEXT {
                return Err(WebError::BadRequest(tf(
                    lang,
                    Msg::AdmPolicyTooLong,
                    &[&MAX_POLICY_TEXT],
                )));
            }
            let policy = Policy::parse_toml(&form.toml).map_err(|e| WebError::BadRequest(e.to_string()))?;
            (policy, None)
        }
        "rerun" => {
            let earlier = form
                .rerun_of
                .trim()
                .parse()
                .map(AdmissionRunId)
                .map_err(|_| WebError::BadRequest(t(lang, Msg::AdmNoSuchRun).to_owned()))?;
            let loaded = state
                .admission_run(earlier)
                .await?
                .ok_or_else(|| WebError::BadRequest(t(lang, Msg::AdmNoSuchRun).to_owned()))?;
            (loaded.run.policy.clone(), Some(earlier))
        }
        other => (
            preset(other).ok_or_else(|| WebError::BadRequest(t(lang, Msg::AdmChoosePolicy).to_owned()))?,
            None,
        ),
    };
    let label = match form.label.trim() {
        "" => format!("{}年 {}", inputs.year, policy.name),
        text => text.to_owned(),
    };
    // The policy's name is stored beside the label and is the default label.
    text_ok(lang, policy.name.trim(), "录取政策名称")?;
    text_ok(lang, &label, "录取结果名称")?;
    let engine_inputs = inputs.clone();
    let engine_policy = policy.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let report = admission::check(&engine_inputs, &engine_policy);
        if !report.is_ok() {
            return Err(admission::AdmissionError::Invalid(report.errors));
        }
        admission::run(&engine_inputs, &engine_policy)
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?
    .map_err(|e| WebError::BadRequest(e.to_string()))?;
    let actor = ctx.principal.username.clone();
    let id = state
        .with_store(move |s| {
            s.save_admission_run(
                inputs_id,
                &label,
                previous,
                &policy,
                &outcome,
                &actor,
                now_beijing(),
            )
        })
        .await?;
    // The version's check follows the newest run's policy.
    state.forget_admission_check(inputs_id);
    Ok(Redirect::to(&format!("/admission/runs/{id}")).into_response())
}

// ---------------------------------------------------------------------------
// Upload of a year's inputs

/// Row errors of a refused upload shown at most.
const UPLOAD_ERRORS_SHOWN: usize = 100;

/// The upload form on the index (city administrator): a workbook with the
/// sheets 考生, 高中学校, 初中学校 (`import_export::read_admission_inputs`).
fn upload_form(ctx: &Ctx) -> Markup {
    let lang = ctx.lang;
    let next_year = chrono::Datelike::year(&crate::pages::plans::today()) + 1;
    html! {
        h2 { (t(lang, Msg::AdmUploadInputs)) }
        form.admission-upload #upload-form method="post" action="/admission/inputs" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(ctx.csrf.clone().unwrap_or_default());
            label { (t(lang, Msg::AdmYear)) " " input type="number" name="year" min="2000" max="2100" value=(next_year - 1) required; }
            " " label { (t(lang, Msg::RunLabel)) " " input type="text" name="label" maxlength=(MAX_LABEL_CHARS) required; }
            " " input type="file" name="file" accept=".xlsx" required;
            " " button.primary type="submit" { (t(lang, Msg::AdmUploadButton)) }
            p.muted { (t(lang, Msg::AdmUploadHint)) }
        }
    }
}

/// `POST /admission/inputs`: a year's inputs from an uploaded workbook,
/// stored as a new version when every row reads cleanly (audited by the
/// store); otherwise 400 with the rows named, nothing stored. Read on the
/// imports' own queue, within the server's read limits.
pub async fn upload_inputs(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, WebError> {
    if !ctx.principal.can_run_admission() {
        return Err(forbidden(&ctx));
    }
    let lang = ctx.lang;
    let Some(_upload) = state.upload_permit() else {
        let waiting = state.config.import_queue + state.config.import_slots;
        return Err(WebError::BadRequest(tf(lang, Msg::ImportQueueFull, &[&waiting])));
    };
    let (mut csrf, mut year, mut label, mut file) = (String::new(), String::new(), String::new(), None);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| WebError::BadRequest(e.to_string()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let bad = |e: axum::extract::multipart::MultipartError| WebError::BadRequest(e.to_string());
        match name.as_str() {
            "csrf" => csrf = field.text().await.map_err(bad)?,
            "year" => year = field.text().await.map_err(bad)?,
            "label" => label = field.text().await.map_err(bad)?,
            "file" => {
                let file_name = field.file_name().unwrap_or("upload.xlsx").to_owned();
                file = Some((file_name, field.bytes().await.map_err(bad)?));
            }
            _ => {}
        }
    }
    ctx.check_csrf(&csrf)?;
    let year: i32 = year
        .trim()
        .parse()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| WebError::BadRequest(t(lang, Msg::AdmBadYear).to_owned()))?;
    let label = label.trim().to_owned();
    if label.is_empty() {
        return Err(WebError::BadRequest(t(lang, Msg::BadRunLabel).to_owned()));
    }
    text_ok(lang, &label, "数据名称")?;
    let Some((name, bytes)) = file else {
        return Err(WebError::BadRequest(t(lang, Msg::NoFile).to_owned()));
    };
    // The base name only; the reader knows a workbook by its extension.
    let base: String = std::path::Path::new(&name)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("upload.xlsx")
        .chars()
        .filter(|c| !matches!(c, '/' | '\\' | '\0') && !c.is_control())
        .collect();
    if !base.to_lowercase().ends_with(".xlsx") {
        return Err(WebError::BadRequest(tf(lang, Msg::AdmOnlyXlsx, &[&base])));
    }
    let (actor, read_limits) = (ctx.principal.username.clone(), state.config.read_limits);
    let queued = state
        .import(move |s| {
            let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
            let path = dir.path().join(&base);
            std::fs::write(&path, &bytes).map_err(|e| e.to_string())?;
            let read = import_export::with_read_limits(read_limits, || {
                import_export::read_admission_inputs(&path, year)
            })
            .map_err(|e| e.to_string())?;
            if !read.is_clean() {
                let shown: Vec<String> = read
                    .errors
                    .iter()
                    .take(UPLOAD_ERRORS_SHOWN)
                    .map(ToString::to_string)
                    .collect();
                return Ok(Err((read.error_count, shown)));
            }
            s.save_admission_inputs(&read.inputs, &label, None, &actor, now_beijing())
                .map(Ok)
                .map_err(|e| e.to_string())
        })
        .await?;
    let refused = |detail: Markup| -> Response {
        let body = html! {
            h1 { (t(lang, Msg::AdmUploadInputs)) }
            div.error #upload-refused { p { strong { (t(lang, Msg::ImportNotWritten)) } } (detail) }
            p { a href="/admission" { (t(lang, Msg::Admission)) } }
        };
        (
            StatusCode::BAD_REQUEST,
            page(&ctx, t(lang, Msg::AdmUploadInputs), body),
        )
            .into_response()
    };
    match queued {
        Err(crate::state::Busy::QueueFull(n)) => {
            Err(WebError::BadRequest(tf(lang, Msg::ImportQueueFull, &[&n])))
        }
        Err(crate::state::Busy::TimedOut) => Err(WebError::BadRequest(tf(
            lang,
            Msg::ImportQueueFull,
            &[&state.config.import_queue],
        ))),
        Ok((Err(message), _)) => Ok(refused(html! { p { (message) } })),
        Ok((Ok(Err((count, shown))), _)) => Ok(refused(html! {
            p #upload-error-count { (tf(lang, Msg::AdmUploadErrors, &[&count])) }
            ul #upload-errors { @for e in &shown { li { (e) } } }
        })),
        Ok((Ok(Ok(id)), _)) => Ok(Redirect::to(&format!("/admission/inputs/{id}")).into_response()),
    }
}

// ---------------------------------------------------------------------------
// Inputs versions

/// The policy a version is checked with: the newest run's on this version,
/// else on the version it corrects (and so on back), else the demo's 50 %.
async fn policy_for(
    state: &AppState,
    id: AdmissionInputsId,
    runs: &[AdmissionRunSummary],
) -> Result<Policy, WebError> {
    let versions = state.with_store(|s| s.admission_inputs_list()).await?;
    let mut at = Some(id);
    let mut hops = 0;
    while let Some(v) = at {
        if let Some(run) = runs.iter().find(|r| r.inputs == v) {
            if let Some(loaded) = state.admission_run(run.id).await? {
                return Ok(loaded.run.policy.clone());
            }
        }
        at = versions.iter().find(|x| x.id == v).and_then(|x| x.previous);
        hops += 1;
        if hops > versions.len() {
            break;
        }
    }
    Ok(Policy::demo_city(Ratio { num: 1, den: 2 }))
}

/// A version's check report with the policy it was checked with (cached).
async fn check_of(
    state: &AppState,
    id: AdmissionInputsId,
    runs: &[AdmissionRunSummary],
) -> Result<(Arc<Policy>, Arc<admission::CheckReport>), WebError> {
    if let Some(found) = state.admission_check(id) {
        return Ok(found);
    }
    let inputs = load_inputs(state, id).await?;
    let policy = Arc::new(policy_for(state, id, runs).await?);
    let for_check = policy.clone();
    let report = tokio::task::spawn_blocking(move || admission::check(&inputs, &for_check))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let found = (policy, Arc::new(report));
    state.keep_admission_check(id, found.clone());
    Ok(found)
}

/// `?corrected=` on a version's page after a correction.
#[derive(serde::Deserialize, Default)]
pub struct InputsQuery {
    #[serde(default)]
    pub corrected: Option<String>,
}

/// `GET /admission/inputs/{id}`: the check report and the schools' sign-offs.
pub async fn inputs_page(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<InputsQuery>,
) -> Result<Markup, WebError> {
    guard(&ctx)?;
    let id = inputs_id(&id)?;
    let lang = ctx.lang;
    let inputs = load_inputs(&state, id).await?;
    let (versions, runs, sign_offs) = state
        .with_store(move |s| {
            Ok((
                s.admission_inputs_list()?,
                s.admission_runs()?,
                s.admission_sign_offs(id)?,
            ))
        })
        .await?;
    let summary = versions.iter().find(|v| v.id == id).ok_or(WebError::NotFound)?;
    let (policy, report) = check_of(&state, id, &runs).await?;
    let viewer = Viewer::new(&ctx, &inputs, false);
    let p = &ctx.principal;
    // Problems in a candidate's row the viewer may not see are counted, not shown.
    let mut hidden = 0usize;
    let shown: Vec<(&admission::Problem, String)> = report
        .problems
        .iter()
        .filter_map(|problem| {
            let row = match (problem.sheet, problem.index) {
                (admission::check::Sheet::Candidates, Some(i)) => inputs.candidates.get(i),
                _ => None,
            };
            match row {
                Some(c) if !viewer.sees_candidate(c, None) => {
                    hidden += 1;
                    None
                }
                // The sheet, row and field have their own columns.
                Some(c) if !c.id.0.is_empty() => {
                    Some((problem, problem.message.replace(&c.id.0, &viewer.id(&c.id))))
                }
                _ => Some((problem, problem.message.clone())),
            }
        })
        .collect();
    let signed: BTreeMap<&str, &store::admission::AdmissionSignOff> =
        sign_offs.iter().map(|s| (s.school.as_str(), s)).collect();
    let schools: Vec<(&SchoolCode, &str, &AreaCode, &'static str)> = inputs
        .junior_schools
        .iter()
        .map(|j| (&j.code, j.name.as_str(), &j.county, t(lang, Msg::AdmJuniorSchool)))
        .chain(
            inputs
                .senior_schools
                .iter()
                .map(|s| (&s.code, s.name.as_str(), &s.county, t(lang, Msg::AdmSeniorSchool))),
        )
        .collect();
    let corrections = match summary.previous {
        Some(prev) => {
            let prev_inputs = load_inputs(&state, prev).await?;
            corrections_between(&prev_inputs, &inputs)
                .into_iter()
                .filter(|(i, ..)| viewer.sees(*i, None))
                .collect()
        }
        None => Vec::new(),
    };
    let earlier_runs: Vec<&AdmissionRunSummary> = match summary.previous {
        Some(prev) => runs.iter().filter(|r| r.inputs == prev).collect(),
        None => Vec::new(),
    };
    let title = format!("{} #{} · {}", t(lang, Msg::AdmInputsVersion), id, summary.label);
    let body = html! {
        h1 #inputs-title { (title) }
        p.lead {
            (tf(lang, Msg::AdmInputsLead, &[&summary.year, &grouped(summary.candidates), &grouped(summary.junior_schools), &grouped(summary.senior_schools)]))
            @if let Some(prev) = summary.previous {
                " " a href={ "/admission/inputs/" (prev) } { (tf(lang, Msg::AdmCorrects, &[&prev])) }
            }
        }
        @if !corrections.is_empty() {
            h2 { (t(lang, Msg::AdmCorrections)) }
            div.table-wrap { table #corrections {
                thead { tr { th { (t(lang, Msg::AdmExamNumber)) } th { (t(lang, Msg::AdmJuniorSchool)) } th { (t(lang, Msg::AdmField)) } th { (t(lang, Msg::AdmOldValue)) } th { (t(lang, Msg::AdmNewValue)) } } }
                tbody { @for (i, field, before, after) in &corrections {
                    @let c = &inputs.candidates[*i];
                    tr { td { (viewer.id(&c.id)) } td { (junior_name(&inputs, &c.junior_school)) } td { (field) } td { (before) } td { (after) } }
                } }
            } }
        }
        @if query.corrected.is_some() && p.can_run_admission() {
            section #rerun {
                h2 { (t(lang, Msg::AdmRerunCorrected)) }
                @if earlier_runs.is_empty() {
                    p.muted { (t(lang, Msg::AdmNoEarlierRun)) }
                }
                @for r in &earlier_runs {
                    form.inline method="post" action="/admission/runs" {
                        input type="hidden" name="csrf" value=(ctx.csrf.clone().unwrap_or_default());
                        input type="hidden" name="inputs" value=(id);
                        input type="hidden" name="policy" value="rerun";
                        input type="hidden" name="rerun_of" value=(r.id);
                        input type="hidden" name="label" value=(format!("{}（更正后重新录取）", r.label).chars().take(MAX_LABEL_CHARS).collect::<String>());
                        button.primary.rerun type="submit" data-run=(r.id) { (tf(lang, Msg::AdmRerunWith, &[&r.id, &r.policy_name])) }
                    }
                }
            }
        }
        h2 { (t(lang, Msg::AdmCheckReport)) }
        p #check-summary class=(if report.is_ok() { "ok" } else { "error" }) {
            (tf(lang, Msg::AdmCheckSummary, &[&policy.name, &count(report.errors), &count(report.warnings)]))
        }
        @if hidden > 0 { p.muted #problems-hidden { (tf(lang, Msg::AdmProblemsHidden, &[&count(hidden)])) } }
        @if !shown.is_empty() {
            div.table-wrap { table #problems {
                thead { tr { th { (t(lang, Msg::AdmSeverity)) } th { (t(lang, Msg::AdmSheet)) } th { (t(lang, Msg::AdmRow)) } th { (t(lang, Msg::AdmField)) } th { (t(lang, Msg::AdmProblem)) } } }
                tbody { @for (problem, text) in shown.iter().take(PROBLEMS_SHOWN) {
                    tr class=(if problem.severity == admission::Severity::Error { "error" } else { "warning" }) {
                        td { (if problem.severity == admission::Severity::Error { t(lang, Msg::AdmError) } else { t(lang, Msg::AdmWarning) }) }
                        td { (problem.sheet.label_zh()) }
                        td.num { @if let Some(i) = problem.index { (i + 2) } }
                        td { (problem.field) }
                        td { (text) }
                    }
                } }
            } }
        }
        h2 { (t(lang, Msg::AdmSignOffs)) }
        p.muted { (tf(lang, Msg::AdmSignOffCount, &[&signed.len(), &schools.len()])) }
        div.table-wrap { table #sign-offs {
            thead { tr { th { (t(lang, Msg::School)) } th { (t(lang, Msg::Code)) } th { (t(lang, Msg::County)) } th { (t(lang, Msg::AdmKind)) } th { (t(lang, Msg::AdmSignedBy)) } } }
            tbody { @for (code, name, county, kind) in &schools {
                @let opens = p.can_sign_off_admission(code, county) || p.sees_every_candidate();
                tr data-school=(code.as_str()) {
                    td { @if opens { a href={ "/admission/inputs/" (id) "/schools/" (code.as_str()) } { (name) } } @else { (name) } }
                    td { (code.as_str()) }
                    td { (area_name(county)) }
                    td { (kind) }
                    td.signed { @match signed.get(code.as_str()) {
                        Some(s) => { "✓ " (made_by(&ctx, &s.signed_by)) " " (s.signed_at.format("%Y-%m-%d %H:%M")) }
                        None => { span.muted { (t(lang, Msg::AdmNotSigned)) } }
                    } }
                }
            } }
        } }
        @if p.can_correct_admission_inputs() {
            p { a.button #correct-link href={ "/admission/inputs/" (id) "/correct" } { (t(lang, Msg::AdmCorrect)) } }
        }
        @if p.can_run_admission() {
            (run_form(&ctx, &versions.iter().map(|v| (v.id, v.label.clone(), v.year)).collect::<Vec<_>>(), Some(id)))
        }
        p { a href="/admission" { (t(lang, Msg::Admission)) } }
    };
    Ok(page(&ctx, &title, body))
}

/// The sign-off form.
#[derive(serde::Deserialize)]
pub struct SignOffForm {
    pub csrf: String,
    #[serde(default)]
    pub note: String,
}

/// Looks up a school of a version for its list: a junior or senior school
/// (its county), or 404; and whether the viewer may open its list — the
/// school's signers (`can_sign_off_admission`) and the city's roles.
fn list_school<'a>(
    ctx: &Ctx,
    inputs: &'a Inputs,
    code: &str,
) -> Result<(&'a SchoolCode, &'a str, &'a AreaCode), WebError> {
    let found = inputs
        .junior_schools
        .iter()
        .map(|j| (&j.code, j.name.as_str(), &j.county))
        .chain(
            inputs
                .senior_schools
                .iter()
                .map(|s| (&s.code, s.name.as_str(), &s.county)),
        )
        .find(|(c, _, _)| c.as_str() == code);
    match found {
        Some(found)
            if ctx.principal.can_sign_off_admission(found.0, found.2)
                || ctx.principal.sees_every_candidate() =>
        {
            Ok(found)
        }
        // Another county's school, or none: the same refusal.
        _ => Err(forbidden(ctx)),
    }
}

/// `GET /admission/inputs/{id}/schools/{code}?page=N`: a school's list to
/// sign off, a page at a time (a large school's list is tens of thousands
/// of rows); the counts above it are over every row.
pub async fn school_list(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Markup, WebError> {
    guard(&ctx)?;
    let id = inputs_id(&id)?;
    let inputs = load_inputs(&state, id).await?;
    let (school, name, county) = list_school(&ctx, &inputs, &code)?;
    let runs = state.with_store(|s| s.admission_runs()).await?;
    let (policy, _) = check_of(&state, id, &runs).await?;
    let sign_offs = state.with_store(move |s| s.admission_sign_offs(id)).await?;
    let mine = sign_offs.iter().find(|s| &s.school == school);
    let list = admission::sign_off_list(&inputs, &policy, school).ok_or(WebError::NotFound)?;
    let lang = ctx.lang;
    let viewer = Viewer::new(&ctx, &inputs, false);
    let junior = inputs.junior_schools.iter().any(|j| &j.code == school);
    let title = format!("{name}（{}）· {}", school.as_str(), t(lang, Msg::AdmSignOffList));
    let asked = q.page.as_deref().and_then(|p| p.trim().parse::<u64>().ok());
    let (page_no, pages) = clamp_page(asked, list.rows.len() as u64, PAGE_SIZE);
    let shown = list
        .rows
        .iter()
        .skip((page_no * PAGE_SIZE) as usize)
        .take(PAGE_SIZE as usize);
    let code_q = urlencode(school.as_str());
    let body = html! {
        h1 { (title) }
        p.lead { (tf(lang, Msg::AdmListLead, &[&area_name(county), &grouped(list.candidates), &grouped(list.eligible), &grouped(list.quota_eligible)])) }
        @if junior {
            h2 { (t(lang, Msg::AdmQuotaSeatsHere)) }
            table #quota-seats { tbody { @for (senior, seats) in &list.quota_seats {
                tr { th { (senior_name(&inputs, Some(*senior))) } td.num { (grouped(*seats)) } }
            } } }
        } @else {
            p #seats { (tf(lang, Msg::AdmSeniorSeats, &[&grouped(list.seats), &grouped(list.reserved)])) }
            @if !list.quota_seats.is_empty() {
                table #quota-seats { tbody { @for (j, seats) in &list.quota_seats {
                    tr { th { (inputs.junior_schools.get(*j as usize).map_or("—", |j| j.name.as_str())) } td.num { (grouped(*seats)) } }
                } } }
            }
        }
        h2 { (t(lang, Msg::AdmRankedCandidates)) }
        p.muted { (t(lang, Msg::Masked)) }
        div.table-wrap { table #sign-off-list {
            thead { tr { th { (t(lang, Msg::AdmRank)) } th { (t(lang, Msg::AdmExamNumber)) } th { (t(lang, Msg::AdmTotal)) }
                th { (t(lang, Msg::AdmEligible)) } th { (t(lang, Msg::AdmQuotaEligible)) } th { (t(lang, Msg::AdmBelowMinimum)) } } }
            tbody { @for row in shown {
                tr {
                    td.num { (row.rank) }
                    td { (viewer.id(&row.id)) }
                    td.num { (row.total) }
                    td { (yes_no(&ctx, row.eligible)) }
                    td { (yes_no(&ctx, row.quota_eligible)) }
                    td { @if row.below_quota_minimum { (t(lang, Msg::Yes)) } }
                }
            } }
        } }
        (pager(lang, page_no, pages, |n| format!("/admission/inputs/{id}/schools/{code_q}?page={n}")))
        h2 { (t(lang, Msg::AdmSignOff)) }
        @match mine {
            Some(s) => { p #signed-off { (tf(lang, Msg::AdmSignedOffBy, &[&made_by(&ctx, &s.signed_by), &s.signed_at.format("%Y-%m-%d %H:%M"), &s.note])) } }
            None => {
                @if ctx.principal.can_sign_off_admission(school, county) {
                    form #sign-off-form method="post" action={ "/admission/inputs/" (id) "/schools/" (school.as_str()) } {
                        input type="hidden" name="csrf" value=(ctx.csrf.clone().unwrap_or_default());
                        label { (t(lang, Msg::AdmSignOffNote)) " " input type="text" name="note" maxlength=(MAX_LABEL_CHARS); }
                        " " button.primary type="submit" { (t(lang, Msg::AdmSignOffButton)) }
                    }
                } @else {
                    p.muted { (t(lang, Msg::AdmNotSigned)) }
                }
            }
        }
        p { a href={ "/admission/inputs/" (id) } { (t(lang, Msg::AdmBackToInputs)) } }
    };
    Ok(page(&ctx, &title, body))
}

fn yes_no(ctx: &Ctx, yes: bool) -> &'static str {
    t(ctx.lang, if yes { Msg::Yes } else { Msg::No })
}

/// `POST /admission/inputs/{id}/schools/{code}`: signs the list off, once.
pub async fn sign_off(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path((id, code)): Path<(String, String)>,
    Form(form): Form<SignOffForm>,
) -> Result<Response, WebError> {
    ctx.check_csrf(&form.csrf)?;
    guard(&ctx)?;
    let id = inputs_id(&id)?;
    let inputs = load_inputs(&state, id).await?;
    let (school, _, county) = list_school(&ctx, &inputs, &code)?;
    if !ctx.principal.can_sign_off_admission(school, county) {
        return Err(forbidden(&ctx));
    }
    let note = form.note.trim().to_owned();
    // The store keeps a note's line breaks; every other control or bidi
    // character is refused here, as there.
    text_ok(ctx.lang, &note.replace('\n', " "), "确认意见")?;
    let (school, actor) = (school.clone(), ctx.principal.username.clone());
    let done = state
        .with_store(move |s| Ok(s.sign_off_admission(id, &school, &note, &actor, now_beijing())))
        .await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/admission/inputs/{id}/schools/{code}")).into_response()),
        Err(store::StoreError::Conflict(_)) => Ok((
            StatusCode::CONFLICT,
            page(
                &ctx,
                t(ctx.lang, Msg::AdmSignOff),
                html! { p.error #already-signed { (t(ctx.lang, Msg::AdmAlreadySigned)) }
                        p { a href={ "/admission/inputs/" (id) "/schools/" (code) } { (t(ctx.lang, Msg::AdmBackToInputs)) } } },
            ),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------
// Corrections

/// The fields a correction may change, besides the score fields.
const FIELD_QUOTA_ELIGIBLE: &str = "指标生资格";
const FIELD_ELIGIBLE: &str = "录取资格";
const FIELD_QUOTA_LIST: &str = "指标志愿";
const FIELD_OPEN_LIST: &str = "统招志愿";

/// `GET /admission/inputs/{id}/correct`: the correction form.
pub async fn correct_page(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Markup, WebError> {
    guard(&ctx)?;
    if !ctx.principal.can_correct_admission_inputs() {
        return Err(forbidden(&ctx));
    }
    let id = inputs_id(&id)?;
    let inputs = load_inputs(&state, id).await?;
    Ok(correct_form(&ctx, id, &inputs, None))
}

fn correct_form(ctx: &Ctx, id: AdmissionInputsId, inputs: &Inputs, error: Option<&str>) -> Markup {
    let lang = ctx.lang;
    let title = format!("{} #{}", t(lang, Msg::AdmCorrect), id);
    let fields: Vec<&str> = inputs
        .fields
        .iter()
        .map(String::as_str)
        .chain([
            FIELD_QUOTA_ELIGIBLE,
            FIELD_ELIGIBLE,
            FIELD_QUOTA_LIST,
            FIELD_OPEN_LIST,
        ])
        .collect();
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            p.lead { (t(lang, Msg::AdmCorrectLead)) }
            @if let Some(error) = error { p.error #correct-error { (error) } }
            form #correct-form method="post" action={ "/admission/inputs/" (id) "/correct" } {
                input type="hidden" name="csrf" value=(ctx.csrf.clone().unwrap_or_default());
                p { label { (t(lang, Msg::AdmExamNumber)) " " input type="text" name="candidate" required maxlength="64"; } }
                p { label { (t(lang, Msg::AdmField)) " " select name="field" {
                    @for f in &fields { option value=(f) { (f) } }
                } } }
                p { label { (t(lang, Msg::AdmNewValue)) " " input type="text" name="value" maxlength="400"; } }
                p.muted { (t(lang, Msg::AdmNewValueHint)) }
                p { label { (t(lang, Msg::AdmCorrectReason)) " " input type="text" name="reason" maxlength=(MAX_LABEL_CHARS); } }
                button.primary type="submit" { (t(lang, Msg::AdmCorrectSave)) }
            }
            p { a href={ "/admission/inputs/" (id) } { (t(lang, Msg::AdmBackToInputs)) } }
        },
    )
}

#[derive(serde::Deserialize)]
pub struct CorrectForm {
    pub csrf: String,
    #[serde(default)]
    pub candidate: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub reason: String,
}

/// What a correction changes, checked against the inputs; the error in
/// Chinese names the field.
fn apply_correction(inputs: &mut Inputs, form: &CorrectForm) -> Result<(), String> {
    let id = form.candidate.trim();
    let Some(c) = inputs.candidates.iter_mut().find(|c| c.id.0 == id) else {
        return Err(format!(
            "准考证号“{}”不在这一版数据中",
            import_export::admission_workbook::mask_candidate_id(id)
        ));
    };
    let field = form.field.trim();
    let value = form.value.trim();
    let flag = |v: &str| match v {
        "是" | "1" | "true" | "yes" | "Y" | "y" => Ok(true),
        "否" | "0" | "false" | "no" | "N" | "n" => Ok(false),
        _ => Err(format!("“{field}”应填“是”或“否”，而不是“{v}”")),
    };
    let list = |v: &str| -> Result<Vec<SchoolCode>, String> {
        let codes: Vec<&str> = v
            .split(|ch: char| ch.is_whitespace() || matches!(ch, ',' | '，' | '、' | ';' | '；'))
            .filter(|s| !s.is_empty())
            .collect();
        if codes.len() > admission::limits::MAX_LIST {
            return Err(format!("“{field}”最多 {} 所学校", admission::limits::MAX_LIST));
        }
        codes
            .iter()
            .map(|code| {
                SchoolCode::parse(code).map_err(|_| format!("“{field}”中“{code}”不是学校标识码（10 位数字）"))
            })
            .collect()
    };
    match field {
        FIELD_QUOTA_ELIGIBLE => c.quota_eligible = flag(value)?,
        FIELD_ELIGIBLE => c.eligible = flag(value)?,
        FIELD_QUOTA_LIST => c.quota_list = list(value)?,
        FIELD_OPEN_LIST => c.open_list = list(value)?,
        _ => {
            let Some(i) = inputs.fields.iter().position(|f| f == field) else {
                return Err(format!("没有“{field}”这一项"));
            };
            let score = Score::parse(value)
                .ok_or_else(|| format!("“{field}”应为 0 到 1000 的分数（至多一位小数），而不是“{value}”"))?;
            let slot = c
                .scores
                .get_mut(i)
                .ok_or_else(|| format!("该考生没有“{field}”一项成绩"))?;
            *slot = score;
        }
    }
    Ok(())
}

/// Corrections shown at most on a version's page.
const CORRECTIONS_SHOWN: usize = 100;

/// What a corrected version changed against the one it corrects: per
/// candidate (index in `new`), the field, the value before and after.
/// Candidates are matched by examination number.
fn corrections_between(prev: &Inputs, new: &Inputs) -> Vec<(usize, String, String, String)> {
    let before: HashMap<&str, &Candidate> = prev.candidates.iter().map(|c| (c.id.0.as_str(), c)).collect();
    let mut out = Vec::new();
    for (i, c) in new.candidates.iter().enumerate() {
        let Some(b) = before.get(c.id.0.as_str()) else {
            out.push((i, "新增考生".to_owned(), "—".to_owned(), "是".to_owned()));
            continue;
        };
        for (f, field) in new.fields.iter().enumerate() {
            let (x, y) = (b.scores.get(f), c.scores.get(f));
            if x != y {
                let text = |s: Option<&Score>| s.map_or_else(|| "—".to_owned(), Score::to_string);
                out.push((i, field.clone(), text(x), text(y)));
            }
        }
        if b.quota_eligible != c.quota_eligible {
            out.push((
                i,
                FIELD_QUOTA_ELIGIBLE.to_owned(),
                yes_no_zh(b.quota_eligible),
                yes_no_zh(c.quota_eligible),
            ));
        }
        if b.eligible != c.eligible {
            out.push((
                i,
                FIELD_ELIGIBLE.to_owned(),
                yes_no_zh(b.eligible),
                yes_no_zh(c.eligible),
            ));
        }
        if b.quota_list != c.quota_list {
            out.push((
                i,
                FIELD_QUOTA_LIST.to_owned(),
                codes_text(&b.quota_list),
                codes_text(&c.quota_list),
            ));
        }
        if b.open_list != c.open_list {
            out.push((
                i,
                FIELD_OPEN_LIST.to_owned(),
                codes_text(&b.open_list),
                codes_text(&c.open_list),
            ));
        }
        if out.len() >= CORRECTIONS_SHOWN {
            break;
        }
    }
    out
}

fn yes_no_zh(yes: bool) -> String {
    if yes { "是" } else { "否" }.to_owned()
}

fn codes_text(codes: &[SchoolCode]) -> String {
    if codes.is_empty() {
        "（空）".to_owned()
    } else {
        codes.iter().map(SchoolCode::as_str).collect::<Vec<_>>().join(" ")
    }
}

/// A correction's new check errors named at most in its refusal.
const PROBLEMS_NAMED: usize = 20;

/// The errors of `after` that `before` does not have (the same sheet, row,
/// field and message): what a correction introduced.
fn new_errors<'a>(
    before: &admission::CheckReport,
    after: &'a admission::CheckReport,
) -> Vec<&'a admission::Problem> {
    let had: std::collections::BTreeSet<_> = before
        .problems
        .iter()
        .filter(|p| p.severity == admission::Severity::Error)
        .map(|p| (p.sheet, p.index, &p.field, &p.message))
        .collect();
    after
        .problems
        .iter()
        .filter(|p| {
            p.severity == admission::Severity::Error
                && !had.contains(&(p.sheet, p.index, &p.field, &p.message))
        })
        .collect()
}

/// `POST /admission/inputs/{id}/correct`: the corrected inputs stored as a
/// new version pointing at this one (the store audits it); then the new
/// version's page offers the re-run.
pub async fn correct(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<CorrectForm>,
) -> Result<Response, WebError> {
    ctx.check_csrf(&form.csrf)?;
    guard(&ctx)?;
    if !ctx.principal.can_correct_admission_inputs() {
        return Err(forbidden(&ctx));
    }
    let id = inputs_id(&id)?;
    let inputs = load_inputs(&state, id).await?;
    let versions = state.with_store(|s| s.admission_inputs_list()).await?;
    let summary = versions.iter().find(|v| v.id == id).ok_or(WebError::NotFound)?;
    let refuse = |error: &str| {
        let mut response = correct_form(&ctx, id, &inputs, Some(error)).into_response();
        *response.status_mut() = StatusCode::BAD_REQUEST;
        response
    };
    let reason = form.reason.trim();
    if let Err(WebError::BadRequest(error)) = text_ok(ctx.lang, reason, "更正原因") {
        return Ok(refuse(&error));
    }
    let mut corrected = (*inputs).clone();
    if let Err(error) = apply_correction(&mut corrected, &form) {
        return Ok(refuse(&error));
    }
    // A correction may not break the inputs: the corrected version is
    // checked with the policy this version is checked with, and any error
    // it did not have before refuses the correction.
    let runs = state.with_store(|s| s.admission_runs()).await?;
    let (policy, before) = check_of(&state, id, &runs).await?;
    let (corrected, after) = tokio::task::spawn_blocking(move || {
        let report = admission::check(&corrected, &policy);
        (corrected, report)
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?;
    let introduced = new_errors(&before, &after);
    if !introduced.is_empty() || after.errors > before.errors {
        let viewer = Viewer::new(&ctx, &inputs, false);
        let named: Vec<String> = introduced
            .iter()
            .take(PROBLEMS_NAMED)
            .map(|p| {
                let text = p.to_string();
                match p.index.and_then(|i| corrected.candidates.get(i)) {
                    // Never the full examination number on the page.
                    Some(c) if p.sheet == admission::check::Sheet::Candidates && !c.id.0.is_empty() => {
                        text.replace(&c.id.0, &viewer.id(&c.id))
                    }
                    _ => text,
                }
            })
            .collect();
        let error = format!(
            "{}{}",
            t(ctx.lang, Msg::AdmCorrectionCheckFails),
            named.join("；")
        );
        return Ok(refuse(&error));
    }
    // The label says what was corrected, never whose number or name.
    let label: String = if reason.is_empty() {
        format!("{}（更正：{}）", summary.label, form.field.trim())
    } else {
        format!("{}（更正：{}，{}）", summary.label, form.field.trim(), reason)
    }
    .chars()
    .filter(|c| !store::forecast::label_refuses(*c))
    .take(MAX_LABEL_CHARS)
    .collect();
    let actor = ctx.principal.username.clone();
    let new_id = state
        .with_store(move |s| s.save_admission_inputs(&corrected, &label, Some(id), &actor, now_beijing()))
        .await?;
    Ok(Redirect::to(&format!("/admission/inputs/{new_id}?corrected=1")).into_response())
}

// ---------------------------------------------------------------------------
// Runs

/// `GET /admission/runs/{id}` (or `{id}.xlsx`): a run's summary, policy and
/// every school's seats and cutoffs.
pub async fn run_page(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    guard(&ctx)?;
    if let Some(id) = id.strip_suffix(".xlsx") {
        return export(&state, &ctx, run_id(id)?, false).await;
    }
    let id = run_id(&id)?;
    let loaded = load_run(&state, id).await?;
    let lang = ctx.lang;
    let inputs = &loaded.inputs;
    let outcome = &loaded.run.outcome;
    let s = &loaded.summary;
    let r = &loaded.run.summary;
    let runs = state.with_store(|s| s.admission_runs()).await?;
    let viewer = Viewer::new(&ctx, inputs, false);
    // The viewer's own candidates, when not the whole city.
    let mine = (!ctx.principal.sees_every_candidate()).then(|| {
        let (mut all, mut placed) = (0u32, 0u32);
        for (i, p) in outcome.placements.iter().enumerate() {
            if viewer.sees(i, Some(p)) {
                all += 1;
                placed += u32::from(p.school.is_some());
            }
        }
        (all, placed)
    });
    let title = format!("{} #{} · {}", t(lang, Msg::AdmRun), id, r.label);
    let body = html! {
        h1 #run-title { (title) }
        p.lead { (tf(lang, Msg::AdmRunLead, &[&r.year, &r.made_at.format("%Y-%m-%d %H:%M"), &made_by(&ctx, &r.made_by)]))
            " " a href={ "/admission/inputs/" (r.inputs) } { (t(lang, Msg::AdmInputsVersion)) " #" (r.inputs) }
            @if let Some(prev) = r.previous { " · " a href={ "/admission/runs/" (prev) } { (tf(lang, Msg::AdmRerunOf, &[&prev])) } }
        }
        div.exports {
            a.button #candidates-link href={ "/admission/runs/" (id) "/candidates" } { (t(lang, Msg::AdmCandidateList)) }
            @if r.previous.is_some() { " " a.button #changes-link href={ "/admission/runs/" (id) "/changes" } { (t(lang, Msg::AdmChanges)) } }
            " " a.button #run-download href={ "/admission/runs/" (id) ".xlsx" } { (t(lang, Msg::AdmDownload)) }
            @if ctx.principal.can_view_unmasked() {
                form.inline #unmasked-download method="post" action={ "/admission/runs/" (id) ".xlsx" } {
                    input type="hidden" name="csrf" value=(ctx.csrf.clone().unwrap_or_default());
                    button type="submit" { (t(lang, Msg::AdmDownloadUnmasked)) }
                }
            }
        }
        h2 { (t(lang, Msg::AdmSummary)) }
        table #run-summary { tbody {
            tr { th { (t(lang, Msg::AdmCandidates)) } td.num { (grouped(s.candidates)) } }
            tr { th { (t(lang, Msg::AdmPlacedQuota)) } td.num #placed-quota { (grouped(s.placed_quota)) } }
            tr { th { (t(lang, Msg::AdmPlacedOpen)) } td.num #placed-open { (grouped(s.placed_open)) } }
            tr { th { (t(lang, Msg::AdmUnplaced)) } td.num #unplaced { (grouped(s.unplaced)) } }
            tr { th { (t(lang, Msg::AdmFirstChoice)) } td.num { (grouped(s.first_choice)) " (" (percent(s.first_choice, s.placed)) ")" } }
            tr { th { (t(lang, Msg::AdmRuralInQuality)) } td.num #rural-in-quality { (grouped(s.rural_in_quality)) " / " (grouped(s.rural_candidates)) " (" (percent(s.rural_in_quality, s.rural_candidates)) ")" } }
            tr { th { (t(lang, Msg::AdmAllInQuality)) } td.num { (grouped(s.in_quality)) " / " (grouped(s.candidates)) " (" (percent(s.in_quality, s.candidates)) ")" } }
            tr { th { (t(lang, Msg::AdmSpread)) } td.num { (spread_text(s.junior_cutoff_spread_mean, s.junior_cutoff_spread_max)) } }
            tr { th { (t(lang, Msg::AdmQuotaCost)) } td.num #quota-cost { (cost_text(s)) } }
            @if let Some((all, placed)) = mine {
                tr #mine { th { (t(lang, Msg::AdmYourCandidates)) } td.num { (grouped(placed)) " / " (grouped(all)) } }
            }
        } }
        h2 { (t(lang, Msg::AdmPolicy)) " · " (loaded.run.policy.name) }
        ul #policy-words { @for line in loaded.run.policy.describe_zh() { li { (line) } } }
        h2 { (t(lang, Msg::AdmSchools)) }
        (schools_table(&ctx, id, inputs, outcome))
        h2 { (t(lang, Msg::AdmExplain)) }
        (explain_form(&ctx, id, "", ""))
        @if runs.len() >= 2 {
            h2 { (t(lang, Msg::AdmCompare)) }
            (compare_form(&ctx, &runs, Some((runs.iter().find(|x| x.id != id).map_or(0, |x| x.id.0), id.0))))
        }
        p { a href="/admission" { (t(lang, Msg::Admission)) } }
    };
    Ok(page(&ctx, &title, body).into_response())
}

fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        "—".to_owned()
    } else {
        format!("{:.1}%", f64::from(part) * 100.0 / f64::from(whole))
    }
}

/// A spread of cutoffs in tenths of a point, as points.
fn spread_text(mean: Option<f64>, max: Option<i32>) -> String {
    match (mean, max) {
        (Some(mean), Some(max)) => format!("{:.1} / {}", mean / 10.0, Score(max)),
        _ => "—".to_owned(),
    }
}

fn schools_table(ctx: &Ctx, id: AdmissionRunId, inputs: &Inputs, outcome: &Outcome) -> Markup {
    let lang = ctx.lang;
    html! {
        div.table-wrap { table #school-results {
            thead { tr {
                th { (t(lang, Msg::School)) } th { (t(lang, Msg::County)) } th { (t(lang, Msg::AdmSeats)) }
                th { (t(lang, Msg::AdmQuotaSeats)) } th { (t(lang, Msg::AdmQuotaAdmitted)) } th { (t(lang, Msg::AdmReturned)) }
                th { (t(lang, Msg::AdmOpenSeats)) } th { (t(lang, Msg::AdmAdmitted)) } th { (t(lang, Msg::AdmLeft)) }
                th { (t(lang, Msg::AdmQuotaCutoff)) } th { (t(lang, Msg::AdmOpenCutoff)) }
            } }
            tbody { @for r in &outcome.schools {
                @if let Some(school) = inputs.senior_schools.get(r.school as usize) {
                    tr data-school=(school.code.as_str()) {
                        th { @if school.quota_school {
                                a.quota-school href={ "/admission/runs/" (id) "/schools/" (school.code.as_str()) } { (school.name) }
                            } @else { (school.name) } }
                        td { (area_name(&school.county)) }
                        td.num { (grouped(r.seats)) }
                        td.num { (grouped(r.quota_seats)) }
                        td.num { (grouped(r.quota_admitted)) }
                        td.num { (grouped(r.quota_returned)) }
                        td.num { (grouped(r.open_seats)) }
                        td.num { (grouped(r.quota_admitted + r.open_admitted)) }
                        td.num { (grouped(r.seats_left)) }
                        td.num.quota-cutoff { (cutoff_text(r.quota_cutoff.as_ref())) }
                        td.num.open-cutoff { (cutoff_text(r.open_cutoff.as_ref())) }
                    }
                }
            } }
        } }
    }
}

/// `GET /admission/runs/{id}/schools/{code}`: a quota school's reserved
/// seats split among junior schools, and each junior school's quota cutoff.
pub async fn run_school(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path((id, code)): Path<(String, String)>,
) -> Result<Markup, WebError> {
    guard(&ctx)?;
    let id = run_id(&id)?;
    let loaded = load_run(&state, id).await?;
    let inputs = &loaded.inputs;
    let outcome = &loaded.run.outcome;
    let senior = inputs
        .senior_schools
        .iter()
        .position(|s| s.code.as_str() == code)
        .ok_or(WebError::NotFound)? as u32;
    let school = &inputs.senior_schools[senior as usize];
    let result = outcome.schools.iter().find(|r| r.school == senior);
    let allocation = outcome.quotas.iter().find(|q| q.senior == senior);
    let cutoffs: HashMap<u32, &admission::JuniorCutoff> = outcome
        .junior_cutoffs
        .iter()
        .filter(|c| c.senior == senior)
        .map(|c| (c.junior, c))
        .collect();
    let lang = ctx.lang;
    let title = format!(
        "{}（{}）· {}",
        school.name,
        school.code.as_str(),
        t(lang, Msg::AdmQuotaSplit)
    );
    let body = html! {
        h1 { (title) }
        @if let Some(r) = result {
            p.lead #school-lead { (tf(lang, Msg::AdmSchoolLead, &[&grouped(r.seats), &grouped(r.quota_seats), &grouped(r.quota_admitted),
                &grouped(r.quota_returned), &cutoff_text(r.quota_cutoff.as_ref()), &cutoff_text(r.open_cutoff.as_ref())])) }
        }
        @match allocation {
            None => { p.muted { (t(lang, Msg::AdmNoQuota)) } }
            Some(a) => {
                div.table-wrap { table #junior-cutoffs {
                    thead { tr {
                        th { (t(lang, Msg::AdmJuniorSchool)) } th { (t(lang, Msg::County)) } th { (t(lang, Msg::AdmRuralWeak)) }
                        th { (t(lang, Msg::AdmWeight)) } th { (t(lang, Msg::AdmExactShare)) } th { (t(lang, Msg::AdmQuotaSeats)) }
                        th { (t(lang, Msg::AdmQuotaAdmitted)) } th { (t(lang, Msg::AdmQuotaCutoff)) }
                    } }
                    tbody { @for share in &a.shares {
                        @if let Some(j) = inputs.junior_schools.get(share.junior as usize) {
                            @let cut = cutoffs.get(&share.junior);
                            tr data-junior=(j.code.as_str()) {
                                th { (j.name) }
                                td { (area_name(&j.county)) }
                                td { (rural_weak(&ctx, j.rural, j.weak)) }
                                td.num { (share.weight.to_decimal_string()) }
                                td.num { (exact_text(share.exact)) }
                                td.num { (grouped(share.seats)) }
                                td.num { (cut.map_or_else(|| "0".to_owned(), |c| grouped(c.admitted))) }
                                td.num.junior-cutoff { (cutoff_text(cut.and_then(|c| c.cutoff.as_ref()))) }
                            }
                        }
                    } }
                    tfoot { tr { th { (t(lang, Msg::AllStages)) } td {} td {} td {} td {} td.num { (grouped(a.seats)) } td {} td {} } }
                } }
            }
        }
        p { a href={ "/admission/runs/" (id) } { (t(lang, Msg::AdmBackToRun)) } }
    };
    Ok(page(&ctx, &title, body))
}

fn rural_weak(ctx: &Ctx, rural: bool, weak: bool) -> String {
    let mut parts = Vec::new();
    if rural {
        parts.push(t(ctx.lang, Msg::AdmRural));
    }
    if weak {
        parts.push(t(ctx.lang, Msg::AdmWeak));
    }
    parts.join("、")
}

/// `e_j` to two decimals.
fn exact_text((num, den): (u128, u128)) -> String {
    if den == 0 {
        return "—".to_owned();
    }
    let hundredths = (num * 100 + den / 2) / den;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// `?junior=CODE&page=N` on the candidate list.
#[derive(serde::Deserialize, Default)]
pub struct CandidatesQuery {
    #[serde(default)]
    pub junior: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
}

/// The unmasked list as posted (city administrator, audited).
#[derive(serde::Deserialize)]
pub struct UnmaskForm {
    pub csrf: String,
    #[serde(default)]
    pub junior: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
}

/// `GET /admission/runs/{id}/candidates`: the candidates the viewer may
/// see, masked, a page at a time.
pub async fn candidates(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<CandidatesQuery>,
) -> Result<Response, WebError> {
    guard(&ctx)?;
    let id = run_id(&id)?;
    let loaded = load_run(&state, id).await?;
    Ok(candidate_list(&ctx, id, &loaded, q, false).0.into_response())
}

/// `POST /admission/runs/{id}/candidates`: the same page with numbers and
/// names in full, for the city administrator, audited, never cached.
pub async fn candidates_unmasked(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<UnmaskForm>,
) -> Result<Response, WebError> {
    ctx.check_csrf(&form.csrf)?;
    guard(&ctx)?;
    if !ctx.principal.can_view_unmasked() {
        return Err(forbidden(&ctx));
    }
    let id = run_id(&id)?;
    let loaded = load_run(&state, id).await?;
    let q = CandidatesQuery {
        junior: form.junior,
        page: form.page,
    };
    let (markup, page_no, rows) = candidate_list(&ctx, id, &loaded, q, true);
    let actor = ctx.principal.username.clone();
    // What was seen, never who.
    let detail = format!(
        "中考录取 第 {id} 次录取，考生名单第 {} 页（{rows} 人）",
        page_no + 1
    );
    state
        .with_store(move |s| s.audit(&actor, store::AuditAction::ViewUnmasked, &detail))
        .await?;
    let mut response = markup.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The list page, the page shown and its row count.
fn candidate_list(
    ctx: &Ctx,
    id: AdmissionRunId,
    loaded: &LoadedRun,
    q: CandidatesQuery,
    unmasked: bool,
) -> (Markup, u64, usize) {
    let lang = ctx.lang;
    let inputs = &loaded.inputs;
    let outcome = &loaded.run.outcome;
    let viewer = Viewer::new(ctx, inputs, unmasked);
    let junior = q.junior.filter(|j| !j.is_empty());
    let visible: Vec<usize> = (0..inputs.candidates.len())
        .filter(|&i| viewer.sees(i, outcome.placements.get(i)))
        .collect();
    // Junior schools with a visible candidate, for the chooser.
    let mut juniors: Vec<&SchoolCode> = visible
        .iter()
        .map(|&i| &inputs.candidates[i].junior_school)
        .collect();
    juniors.sort();
    juniors.dedup();
    let mut rows: Vec<usize> = visible
        .into_iter()
        .filter(|&i| {
            junior
                .as_deref()
                .is_none_or(|j| inputs.candidates[i].junior_school.as_str() == j)
        })
        .collect();
    // By total, highest first, then by examination number: the order a
    // bureau reads a list in.
    rows.sort_by(|&a, &b| {
        let (ca, cb) = (&inputs.candidates[a], &inputs.candidates[b]);
        cb.total().cmp(&ca.total()).then_with(|| ca.id.cmp(&cb.id))
    });
    let asked = q.page.as_deref().and_then(|p| p.trim().parse::<u64>().ok());
    let (page_no, pages) = clamp_page(asked, rows.len() as u64, PAGE_SIZE);
    let shown: Vec<usize> = rows
        .iter()
        .copied()
        .skip((page_no * PAGE_SIZE) as usize)
        .take(PAGE_SIZE as usize)
        .collect();
    let junior_q = junior.as_deref().map(urlencode).unwrap_or_default();
    let title = format!(
        "{} #{} · {}",
        t(lang, Msg::AdmRun),
        id,
        t(lang, Msg::AdmCandidateList)
    );
    let body = html! {
        h1 { (title) }
        p.lead #candidate-count { (tf(lang, Msg::AdmCandidatesShown, &[&count(rows.len())])) }
        form.filters method="get" action={ "/admission/runs/" (id) "/candidates" } {
            label { (t(lang, Msg::AdmJuniorSchool)) " "
                select.autosubmit name="junior" {
                    option value="" { (t(lang, Msg::AdmAllJunior)) }
                    @for code in &juniors {
                        option value=(code.as_str()) selected[junior.as_deref() == Some(code.as_str())] { (junior_name(inputs, code)) }
                    }
                }
            }
            noscript { button.primary type="submit" { (t(lang, Msg::Apply)) } }
        }
        @if viewer.unmasked {
            p.unmasked #unmasked-notice { (t(lang, Msg::UnmaskedNotice)) }
        } @else if ctx.principal.can_view_unmasked() {
            form.filters #unmask method="post" action={ "/admission/runs/" (id) "/candidates" } {
                input type="hidden" name="csrf" value=(ctx.csrf.clone().unwrap_or_default());
                input type="hidden" name="junior" value=(junior.clone().unwrap_or_default());
                input type="hidden" name="page" value=(page_no);
                button type="submit" { (t(lang, Msg::AdmShowUnmasked)) }
            }
        }
        div.table-wrap { table #candidates {
            thead { tr {
                th { (t(lang, Msg::AdmExamNumber)) } th { (t(lang, Msg::AdmName)) } th { (t(lang, Msg::AdmJuniorSchool)) } th { (t(lang, Msg::County)) }
                th { (t(lang, Msg::AdmTotal)) } th { (t(lang, Msg::AdmPlacement)) } th { (t(lang, Msg::AdmExplain)) }
            } }
            tbody { @for &i in &shown {
                @let c = &inputs.candidates[i];
                @let p = outcome.placements.get(i).copied().unwrap_or(Placement::NONE);
                @let first = c.open_list.first().or(c.quota_list.first());
                @let junior_county = viewer.juniors.get(c.junior_school.as_str()).map(|a| a.as_str()).unwrap_or_default();
                @let admitted_county = p.school.and_then(|x| inputs.senior_schools.get(x as usize)).map(|x| x.county.as_str()).unwrap_or_default();
                tr data-row=(i) data-junior-county=(junior_county) data-admitted-county=(admitted_county) {
                    td.exam-number { (viewer.id(&c.id)) }
                    td.name { (viewer.name(&c.name)) }
                    td { (junior_name(inputs, &c.junior_school)) }
                    td { (viewer.juniors.get(c.junior_school.as_str()).map(|a| area_name(a)).unwrap_or_default()) }
                    td.num { (c.total()) }
                    td { (placement_text(ctx, inputs, &p)) }
                    td { @if let Some(first) = first {
                        a.explain href={ "/admission/runs/" (id) "/explain?row=" (i) "&school=" (first.as_str()) } { (t(lang, Msg::AdmWhyFirst)) }
                    } }
                }
            } }
        } }
        (pager(lang, page_no, pages, |n| format!("/admission/runs/{id}/candidates?junior={junior_q}&page={n}")))
        p.muted { (t(lang, if viewer.unmasked { Msg::UnmaskedNotice } else { Msg::Masked })) }
        p { a href={ "/admission/runs/" (id) } { (t(lang, Msg::AdmBackToRun)) } }
    };
    (page(ctx, &title, body), page_no, shown.len())
}

/// `?candidate=NUMBER` (typed) or `?row=INDEX` (from a list), `&school=CODE`.
#[derive(serde::Deserialize, Default)]
pub struct ExplainQuery {
    #[serde(default)]
    pub candidate: Option<String>,
    #[serde(default)]
    pub row: Option<String>,
    #[serde(default)]
    pub school: Option<String>,
}

fn explain_form(ctx: &Ctx, id: AdmissionRunId, candidate: &str, school: &str) -> Markup {
    let lang = ctx.lang;
    html! {
        form.filters #explain-form method="get" action={ "/admission/runs/" (id) "/explain" } {
            label { (t(lang, Msg::AdmExamNumber)) " " input type="text" name="candidate" value=(candidate) maxlength="64"; }
            label { (t(lang, Msg::AdmSchoolCode)) " " input type="text" name="school" value=(school) maxlength="10" placeholder=(t(lang, Msg::AdmFirstChoiceHint)); }
            button.primary type="submit" { (t(lang, Msg::AdmExplain)) }
        }
    }
}

/// `GET /admission/runs/{id}/explain`: why a candidate was or was not
/// admitted at a school (default: their first choice). A candidate the
/// viewer may not see is answered exactly as an unknown one: 404, the same
/// page.
pub async fn explain(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ExplainQuery>,
) -> Result<Response, WebError> {
    guard(&ctx)?;
    let id = run_id(&id)?;
    let loaded = load_run(&state, id).await?;
    let lang = ctx.lang;
    let inputs = &loaded.inputs;
    let outcome = &loaded.run.outcome;
    let viewer = Viewer::new(&ctx, inputs, false);
    let index = match (
        q.row.as_deref().map(str::trim),
        q.candidate.as_deref().map(str::trim),
    ) {
        (Some(row), _) if !row.is_empty() => {
            row.parse::<usize>().ok().filter(|i| *i < inputs.candidates.len())
        }
        (_, Some(number)) if !number.is_empty() => loaded.candidate(number).map(|i| i as usize),
        _ => None,
    };
    let index = index.filter(|&i| viewer.sees(i, outcome.placements.get(i)));
    let title = format!("{} #{} · {}", t(lang, Msg::AdmRun), id, t(lang, Msg::AdmExplain));
    let Some(i) = index else {
        // Unknown, or outside the scope: one answer for both.
        let body = html! {
            h1 { (title) }
            p.error #no-candidate { (t(lang, Msg::AdmNoCandidate)) }
            (explain_form(&ctx, id, "", ""))
            p { a href={ "/admission/runs/" (id) } { (t(lang, Msg::AdmBackToRun)) } }
        };
        return Ok((StatusCode::NOT_FOUND, page(&ctx, &title, body)).into_response());
    };
    let c = &inputs.candidates[i];
    let placement = outcome.placements.get(i).copied().unwrap_or(Placement::NONE);
    let school = q
        .school
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .or_else(|| {
            c.open_list
                .first()
                .or(c.quota_list.first())
                .map(|s| s.as_str().to_owned())
        });
    let answer = school
        .as_ref()
        .map(|school| admission::explain(inputs, &loaded.run.policy, outcome, &c.id.0, school));
    // Every school the candidate listed, to ask about another.
    let mut listed: Vec<&SchoolCode> = Vec::new();
    for code in c.quota_list.iter().chain(&c.open_list) {
        if !listed.contains(&code) {
            listed.push(code);
        }
    }
    let body = html! {
        h1 { (title) }
        table #candidate { tbody {
            tr { th { (t(lang, Msg::AdmExamNumber)) } td { (viewer.id(&c.id)) } }
            tr { th { (t(lang, Msg::AdmName)) } td { (viewer.name(&c.name)) } }
            tr { th { (t(lang, Msg::AdmJuniorSchool)) } td { (junior_name(inputs, &c.junior_school)) } }
            tr { th { (t(lang, Msg::AdmTotal)) } td { (c.total()) } }
            tr { th { (t(lang, Msg::AdmQuotaList)) } td { (names_of(inputs, &c.quota_list)) } }
            tr { th { (t(lang, Msg::AdmOpenList)) } td { (names_of(inputs, &c.open_list)) } }
            tr { th { (t(lang, Msg::AdmPlacement)) } td #placement { (placement_text(&ctx, inputs, &placement)) } }
        } }
        @match answer {
            Some(Ok(e)) => {
                h2 #verdict { (senior_name(inputs, Some(e.school))) "：" (e.verdict.label_zh()) }
                ul #explanation { @for s in &e.sentences { li { (s) } } }
            }
            Some(Err(error)) => { p.error #explain-error { (error.to_string()) } }
            None => { p.muted { (t(lang, Msg::AdmNothingListed)) } }
        }
        @if !listed.is_empty() {
            p.muted { (t(lang, Msg::AdmAskAnother)) " "
                @for s in &listed {
                    a.other-school href={ "/admission/runs/" (id) "/explain?row=" (i) "&school=" (s.as_str()) } { (senior_code_name(inputs, s)) } " "
                }
            }
        }
        p { a href={ "/admission/runs/" (id) } { (t(lang, Msg::AdmBackToRun)) } }
    };
    Ok(page(&ctx, &title, body).into_response())
}

fn senior_code_name<'a>(inputs: &'a Inputs, code: &'a SchoolCode) -> &'a str {
    inputs
        .senior_schools
        .iter()
        .find(|s| &s.code == code)
        .map_or(code.as_str(), |s| s.name.as_str())
}

fn names_of(inputs: &Inputs, codes: &[SchoolCode]) -> String {
    if codes.is_empty() {
        return "—".to_owned();
    }
    codes
        .iter()
        .enumerate()
        .map(|(n, c)| format!("{}. {}", n + 1, senior_code_name(inputs, c)))
        .collect::<Vec<_>>()
        .join("；")
}

/// `?page=` on the changes list.
#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    pub page: Option<String>,
}

/// Changes between two runs the viewer may see: a candidate is in scope
/// when in scope in either run.
fn scoped_changes<'a>(
    ctx: &Ctx,
    before: &'a LoadedRun,
    after: &'a LoadedRun,
) -> (usize, Vec<(admission::Change, Option<usize>)>) {
    let all = admission::changes(
        (&before.inputs, &before.run.outcome),
        (&after.inputs, &after.run.outcome),
    );
    let total = all.len();
    let vb = Viewer::new(ctx, &before.inputs, false);
    let va = Viewer::new(ctx, &after.inputs, false);
    let seen: Vec<(admission::Change, Option<usize>)> = all
        .into_iter()
        .filter_map(|change| {
            let ib = before.candidate(&change.candidate.0).map(|i| i as usize);
            let ia = after.candidate(&change.candidate.0).map(|i| i as usize);
            let in_before = ib.is_some_and(|i| vb.sees(i, before.run.outcome.placements.get(i)));
            let in_after = ia.is_some_and(|i| va.sees(i, after.run.outcome.placements.get(i)));
            (in_before || in_after).then_some((change, ia))
        })
        .collect();
    (total, seen)
}

/// The changed placements; `heads`: the two columns' headings (before and
/// after, or the two runs compared).
fn changes_table(
    ctx: &Ctx,
    run: &LoadedRun,
    rows: &[(admission::Change, Option<usize>)],
    heads: (&str, &str),
) -> Markup {
    let lang = ctx.lang;
    let inputs = &run.inputs;
    let viewer = Viewer::new(ctx, inputs, false);
    let at = |x: &Option<(SchoolCode, Round)>| match x {
        Some((code, round)) => format!("{}（{}）", senior_code_name(inputs, code), round.label_zh()),
        None => t(lang, Msg::AdmUnplaced).to_owned(),
    };
    html! {
        div.table-wrap { table #changes {
            thead { tr { th { (t(lang, Msg::AdmExamNumber)) } th { (t(lang, Msg::AdmName)) } th { (t(lang, Msg::AdmJuniorSchool)) }
                th { (heads.0) } th { (heads.1) } } }
            tbody { @for (change, index) in rows {
                @let c = index.and_then(|i| inputs.candidates.get(i));
                tr.change data-row=[index] {
                    td.exam-number { (viewer.id(&change.candidate)) }
                    td { (c.map(|c| viewer.name(&c.name)).unwrap_or_default()) }
                    td { (c.map(|c| junior_name(inputs, &c.junior_school).to_owned()).unwrap_or_default()) }
                    td.before { (at(&change.before)) }
                    td.after { (at(&change.after)) }
                }
            } }
        } }
    }
}

/// `GET /admission/runs/{id}/changes`: every candidate whose placement
/// differs from the run this one re-does (`previous`), in scope.
pub async fn changes(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Markup, WebError> {
    guard(&ctx)?;
    let id = run_id(&id)?;
    let after = load_run(&state, id).await?;
    let lang = ctx.lang;
    let title = format!("{} #{} · {}", t(lang, Msg::AdmRun), id, t(lang, Msg::AdmChanges));
    let Some(prev) = after.run.summary.previous else {
        let body = html! { h1 { (title) } p.muted #no-previous { (t(lang, Msg::AdmNoPrevious)) } };
        return Ok(page(&ctx, &title, body));
    };
    let before = load_run(&state, prev).await?;
    let (total, rows) = scoped_changes(&ctx, &before, &after);
    let asked = q.page.as_deref().and_then(|p| p.trim().parse::<u64>().ok());
    let (page_no, pages) = clamp_page(asked, rows.len() as u64, PAGE_SIZE);
    let shown: Vec<_> = rows
        .iter()
        .skip((page_no * PAGE_SIZE) as usize)
        .take(PAGE_SIZE as usize)
        .cloned()
        .collect();
    let body = html! {
        h1 { (title) }
        p.lead #changes-count {
            (tf(lang, Msg::AdmChangesLead, &[&prev, &count(rows.len())]))
            @if ctx.principal.sees_every_candidate() && total != rows.len() { " (" (count(total)) ")" }
        }
        (changes_table(&ctx, &after, &shown, (t(lang, Msg::AdmBefore), t(lang, Msg::AdmAfter))))
        (pager(lang, page_no, pages, |n| format!("/admission/runs/{id}/changes?page={n}")))
        p { a href={ "/admission/runs/" (id) } { (t(lang, Msg::AdmBackToRun)) } }
    };
    Ok(page(&ctx, &title, body))
}

/// `?a=&b=` on the comparison.
#[derive(serde::Deserialize, Default)]
pub struct CompareQuery {
    #[serde(default)]
    pub a: Option<String>,
    #[serde(default)]
    pub b: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
}

/// Per quota school (by code): the spread between its highest and lowest
/// junior-school quota cutoff, in tenths of a point.
fn spreads(run: &LoadedRun) -> BTreeMap<SchoolCode, i32> {
    let mut by: BTreeMap<u32, (i32, i32)> = BTreeMap::new();
    for c in &run.run.outcome.junior_cutoffs {
        if let Some(cut) = &c.cutoff {
            let e = by.entry(c.senior).or_insert((cut.score.0, cut.score.0));
            e.0 = e.0.min(cut.score.0);
            e.1 = e.1.max(cut.score.0);
        }
    }
    by.into_iter()
        .filter_map(|(s, (lo, hi))| {
            run.inputs
                .senior_schools
                .get(s as usize)
                .map(|x| (x.code.clone(), hi - lo))
        })
        .collect()
}

/// The first version of `id`'s lineage: its `previous` links followed to
/// the end (bounded by the number of versions, should a link ever loop).
fn lineage_root(
    versions: &[store::admission::AdmissionInputsSummary],
    id: AdmissionInputsId,
) -> AdmissionInputsId {
    let mut at = id;
    for _ in 0..=versions.len() {
        match versions.iter().find(|v| v.id == at).and_then(|v| v.previous) {
            Some(previous) => at = previous,
            None => break,
        }
    }
    at
}

/// Whether two versions are one year's data: the same version, or
/// corrections of the same first version. Otherwise the same examination
/// number need not be the same candidate, and who moved is only a guess.
fn same_lineage(
    versions: &[store::admission::AdmissionInputsSummary],
    a: AdmissionInputsId,
    b: AdmissionInputsId,
) -> bool {
    a == b || lineage_root(versions, a) == lineage_root(versions, b)
}

/// `GET /admission/compare?a=&b=`: two runs side by side — their figures,
/// the cutoff spread per quota school, and who changes school (in scope).
pub async fn compare(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Query(q): Query<CompareQuery>,
) -> Result<Markup, WebError> {
    guard(&ctx)?;
    let a = run_id(q.a.as_deref().unwrap_or_default().trim())?;
    let b = run_id(q.b.as_deref().unwrap_or_default().trim())?;
    let (ra, rb) = (load_run(&state, a).await?, load_run(&state, b).await?);
    let lang = ctx.lang;
    let (total, rows) = scoped_changes(&ctx, &ra, &rb);
    let (sa, sb) = (&ra.summary, &rb.summary);
    let (spread_a, spread_b) = (spreads(&ra), spreads(&rb));
    let mut quota_schools: Vec<&SchoolCode> = spread_a.keys().chain(spread_b.keys()).collect();
    quota_schools.sort();
    quota_schools.dedup();
    let asked = q.page.as_deref().and_then(|p| p.trim().parse::<u64>().ok());
    let (page_no, pages) = clamp_page(asked, rows.len() as u64, PAGE_SIZE);
    let shown: Vec<_> = rows
        .iter()
        .skip((page_no * PAGE_SIZE) as usize)
        .take(PAGE_SIZE as usize)
        .cloned()
        .collect();
    let line = |label: Msg, x: String, y: String| html! { tr { th { (t(lang, label)) } td.num.a { (x) } td.num.b { (y) } } };
    let title = format!("{} #{} / #{}", t(lang, Msg::AdmCompare), a, b);
    let (runs, versions) = state
        .with_store(|s| Ok((s.admission_runs()?, s.admission_inputs_list()?)))
        .await?;
    let related = same_lineage(&versions, ra.run.summary.inputs, rb.run.summary.inputs);
    let body = html! {
        h1 { (title) }
        (compare_form(&ctx, &runs, Some((a.0, b.0))))
        @if !related { p.warning #unrelated-inputs { (t(lang, Msg::AdmUnrelatedInputs)) } }
        div.table-wrap { table #compare-summary {
            thead { tr { th {} th { a href={ "/admission/runs/" (a) } { "#" (a) " " (ra.run.summary.label) } } th { a href={ "/admission/runs/" (b) } { "#" (b) " " (rb.run.summary.label) } } } }
            tbody {
                (line(Msg::AdmPolicy, ra.run.policy.name.clone(), rb.run.policy.name.clone()))
                (line(Msg::AdmPlacedQuota, grouped(sa.placed_quota), grouped(sb.placed_quota)))
                (line(Msg::AdmPlacedOpen, grouped(sa.placed_open), grouped(sb.placed_open)))
                (line(Msg::AdmUnplaced, grouped(sa.unplaced), grouped(sb.unplaced)))
                (line(Msg::AdmFirstChoice, grouped(sa.first_choice), grouped(sb.first_choice)))
                (line(Msg::AdmRuralInQuality, format!("{} ({})", grouped(sa.rural_in_quality), percent(sa.rural_in_quality, sa.rural_candidates)),
                    format!("{} ({})", grouped(sb.rural_in_quality), percent(sb.rural_in_quality, sb.rural_candidates))))
                (line(Msg::AdmSpread, spread_text(sa.junior_cutoff_spread_mean, sa.junior_cutoff_spread_max), spread_text(sb.junior_cutoff_spread_mean, sb.junior_cutoff_spread_max)))
                (line(Msg::AdmQuotaCost, cost_text(sa), cost_text(sb)))
            }
        } }
        h2 { (t(lang, Msg::AdmSpreadBySchool)) }
        div.table-wrap { table #spread-by-school {
            thead { tr { th { (t(lang, Msg::School)) } th { "#" (a) } th { "#" (b) } } }
            tbody { @for code in &quota_schools {
                tr data-school=(code.as_str()) {
                    th { (senior_code_name(&rb.inputs, code)) }
                    td.num { (spread_a.get(*code).map_or_else(|| "—".to_owned(), |s| Score(*s).to_string())) }
                    td.num { (spread_b.get(*code).map_or_else(|| "—".to_owned(), |s| Score(*s).to_string())) }
                }
            } }
        } }
        h2 { (t(lang, Msg::AdmMoved)) }
        p.lead #moved-count {
            (tf(lang, Msg::AdmMovedLead, &[&count(rows.len())]))
            @if ctx.principal.sees_every_candidate() && total != rows.len() { " (" (count(total)) ")" }
        }
        (changes_table(&ctx, &rb, &shown, (&format!("#{a} {}", ra.run.policy.name), &format!("#{b} {}", rb.run.policy.name))))
        (pager(lang, page_no, pages, |n| format!("/admission/compare?a={a}&b={b}&page={n}")))
        p { a href="/admission" { (t(lang, Msg::Admission)) } }
    };
    Ok(page(&ctx, &title, body))
}

/// The unmasked workbook as posted.
#[derive(serde::Deserialize)]
pub struct ExportForm {
    pub csrf: String,
}

/// `POST /admission/runs/{id}.xlsx`: the workbook with numbers and names in
/// full (city administrator), audited.
pub async fn export_unmasked(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<ExportForm>,
) -> Result<Response, WebError> {
    ctx.check_csrf(&form.csrf)?;
    guard(&ctx)?;
    if !ctx.principal.can_view_unmasked() {
        return Err(forbidden(&ctx));
    }
    let id = run_id(id.strip_suffix(".xlsx").ok_or(WebError::NotFound)?)?;
    export(&state, &ctx, id, true).await
}

/// The run's workbook, cut to the candidates the viewer may see, masked
/// unless `unmasked` (then audited).
async fn export(
    state: &AppState,
    ctx: &Ctx,
    id: AdmissionRunId,
    unmasked: bool,
) -> Result<Response, WebError> {
    let loaded = load_run(state, id).await?;
    let (inputs, outcome) = scoped_run(ctx, &loaded);
    let policy = loaded.run.policy.clone();
    let unmasked = unmasked && ctx.principal.can_view_unmasked();
    let rows = inputs.candidates.len();
    let whole = ctx.principal.sees_every_candidate();
    let bytes = tokio::task::spawn_blocking(move || {
        if whole {
            import_export::write_admission_result_xlsx(&inputs, &policy, &outcome, !unmasked)
        } else {
            // A cut of the city: the shared workbook would rank the cutoffs
            // (位次) among the candidates kept, a wrong figure; this one
            // prints only what the cut keeps true.
            result_workbook(&inputs, &policy, &outcome, unmasked)
        }
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?
    .map_err(|e| WebError::Internal(format!("录取结果表：{e}")))?;
    if unmasked {
        let actor = ctx.principal.username.clone();
        let detail = format!("中考录取 第 {id} 次录取结果表（{rows} 名考生）");
        state
            .with_store(move |s| s.audit(&actor, store::AuditAction::ExportUnmasked, &detail))
            .await?;
    }
    let year = loaded.run.summary.year;
    let mut response = crate::download::xlsx(
        &format!("{year}年中考录取结果-{id}号.xlsx"),
        &format!("admission-{year}-run{id}.xlsx"),
        bytes,
    );
    if unmasked {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

/// The run as the viewer may see it: the candidates out of scope dropped
/// (with their placements), schools and cutoffs kept.
fn scoped_run(ctx: &Ctx, loaded: &LoadedRun) -> (Inputs, Outcome) {
    let inputs = &loaded.inputs;
    let outcome = &loaded.run.outcome;
    if ctx.principal.sees_every_candidate() {
        return ((**inputs).clone(), outcome.clone());
    }
    let viewer = Viewer::new(ctx, inputs, false);
    let keep: Vec<usize> = (0..inputs.candidates.len())
        .filter(|&i| viewer.sees(i, outcome.placements.get(i)))
        .collect();
    let mut cut = Inputs {
        candidates: keep.iter().map(|&i| inputs.candidates[i].clone()).collect(),
        ..(**inputs).clone()
    };
    cut.candidates.shrink_to_fit();
    let mut out = outcome.clone();
    out.placements = keep
        .iter()
        .map(|&i| outcome.placements.get(i).copied().unwrap_or(Placement::NONE))
        .collect();
    // Cutoffs name their last admit by index: re-pointed where kept, else
    // the score alone stays meaningful, so the index goes out of range of
    // nothing — it is pointed at no one kept.
    let old_to_new: HashMap<u32, u32> = keep
        .iter()
        .enumerate()
        .map(|(new, &old)| (old as u32, new as u32))
        .collect();
    let repoint = |c: &mut Option<admission::Cutoff>| {
        if let Some(cut) = c {
            cut.candidate = old_to_new.get(&cut.candidate).copied().unwrap_or(u32::MAX);
        }
    };
    for s in &mut out.schools {
        repoint(&mut s.quota_cutoff);
        repoint(&mut s.open_cutoff);
    }
    for j in &mut out.junior_cutoffs {
        repoint(&mut j.cutoff);
    }
    (cut, out)
}

/// The result workbook: 录取结果 (one row per candidate: number, name —
/// masked unless `unmasked` —, junior school, total, placement, round,
/// choice), 各校 (seats and cutoffs per senior school), 指标分配 (the quota
/// split and cutoff per junior school) and 录取政策 (the policy in words).
fn result_workbook(
    inputs: &Inputs,
    policy: &Policy,
    outcome: &Outcome,
    unmasked: bool,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let header =
        |sheet: &mut rust_xlsxwriter::Worksheet, titles: &[&str]| -> Result<(), rust_xlsxwriter::XlsxError> {
            for (c, title) in titles.iter().enumerate() {
                sheet.write_string_with_format(0, c as u16, *title, &bold)?;
            }
            Ok(())
        };
    let sheet = book.add_worksheet().set_name("录取结果")?;
    header(
        sheet,
        &[
            "准考证号",
            "姓名",
            "初中学校",
            "初中学校标识码",
            "总分",
            "录取学校",
            "录取学校标识码",
            "批次",
            "志愿序号",
        ],
    )?;
    for (i, c) in inputs.candidates.iter().enumerate() {
        let r = i as u32 + 1;
        let p = outcome.placements.get(i).copied().unwrap_or(Placement::NONE);
        let school = p.school.and_then(|s| inputs.senior_schools.get(s as usize));
        let (id, name) = if unmasked {
            (c.id.0.clone(), c.name.clone())
        } else {
            (
                import_export::admission_workbook::mask_candidate_id(&c.id.0),
                registry::mask::name(&c.name),
            )
        };
        sheet.write_string(r, 0, id)?;
        sheet.write_string(r, 1, name)?;
        sheet.write_string(r, 2, junior_name(inputs, &c.junior_school))?;
        sheet.write_string(r, 3, c.junior_school.as_str())?;
        sheet.write_number(r, 4, f64::from(c.total().0) / 10.0)?;
        sheet.write_string(r, 5, school.map_or("未录取", |s| s.name.as_str()))?;
        sheet.write_string(r, 6, school.map_or("", |s| s.code.as_str()))?;
        sheet.write_string(r, 7, p.round.map_or("", Round::label_zh))?;
        if let Some(choice) = p.choice {
            sheet.write_number(r, 8, f64::from(choice))?;
        }
    }
    let sheet = book.add_worksheet().set_name("各校")?;
    header(
        sheet,
        &[
            "高中学校",
            "学校标识码",
            "招生计划",
            "指标名额",
            "指标生录取",
            "转统招",
            "统招名额",
            "统招录取",
            "剩余",
            "指标生分数线",
            "统招分数线",
        ],
    )?;
    for (i, r) in outcome.schools.iter().enumerate() {
        let Some(school) = inputs.senior_schools.get(r.school as usize) else {
            continue;
        };
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &school.name)?;
        sheet.write_string(row, 1, school.code.as_str())?;
        for (c, n) in [
            r.seats,
            r.quota_seats,
            r.quota_admitted,
            r.quota_returned,
            r.open_seats,
            r.open_admitted,
            r.seats_left,
        ]
        .iter()
        .enumerate()
        {
            sheet.write_number(row, c as u16 + 2, f64::from(*n))?;
        }
        for (c, cut) in [&r.quota_cutoff, &r.open_cutoff].iter().enumerate() {
            if let Some(cut) = cut {
                sheet.write_number(row, c as u16 + 9, f64::from(cut.score.0) / 10.0)?;
            }
        }
    }
    let sheet = book.add_worksheet().set_name("指标分配")?;
    header(
        sheet,
        &[
            "高中学校",
            "初中学校",
            "初中学校标识码",
            "指标名额",
            "指标生录取",
            "指标生分数线",
        ],
    )?;
    for (i, j) in outcome.junior_cutoffs.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, senior_name(inputs, Some(j.senior)))?;
        let junior = inputs.junior_schools.get(j.junior as usize);
        sheet.write_string(row, 1, junior.map_or("", |x| x.name.as_str()))?;
        sheet.write_string(row, 2, junior.map_or("", |x| x.code.as_str()))?;
        sheet.write_number(row, 3, f64::from(j.seats))?;
        sheet.write_number(row, 4, f64::from(j.admitted))?;
        if let Some(cut) = &j.cutoff {
            sheet.write_number(row, 5, f64::from(cut.score.0) / 10.0)?;
        }
    }
    let sheet = book.add_worksheet().set_name("录取政策")?;
    sheet.write_string_with_format(0, 0, &policy.name, &bold)?;
    for (i, line) in policy.describe_zh().iter().enumerate() {
        sheet.write_string(i as u32 + 1, 0, line)?;
    }
    book.save_to_buffer()
}

/// The quota cost, "约" before it when the deferred-acceptance re-runs went
/// past their budget and the serial-dictatorship rule stood in.
fn cost_text(s: &admission::Summary) -> String {
    if s.quota_cost_exact {
        grouped(s.quota_cost)
    } else {
        format!("约 {}", grouped(s.quota_cost))
    }
}
