//! 进展情况总结: the progress summary of a plan (`plans::summary::build`, a
//! `gongwen::Document` whose every figure is computed and traced), as a
//! printable page (`/plans/{id}/summary`: each figure shows its trace on
//! hover, and the 数据说明 table lists them all) and as the 公文 `.docx`
//! (`/plans/{id}/summary.docx`, GB/T 9704 by `gongwen::to_docx`). Both are
//! built on request from the same ledger the plan page reads, as of today.
//! The 督办台账 as a workbook (`/plans/{id}/ledger.xlsx`,
//! `import_export::ledger_workbook`, the same as `edugov report summary
//! --out FILE.xlsx`). Who may have them:
//! `access::Principal::can_download_plan_reports`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use gongwen::{Block, Document, Run};
use maud::{html, Markup};
use plans::PlanId;
use registry::AreaCode;

use crate::auth::{area_name, Ctx};
use crate::error::WebError;
use crate::i18n::{t, Msg};
use crate::layout::{forbidden, page};
use crate::pages::plans::load;
use crate::state::AppState;

/// The media type of a Word document.
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

async fn document(state: &Arc<AppState>, ctx: &Ctx, id: i64) -> Result<Document, WebError> {
    if !ctx.principal.can_download_plan_reports() {
        return Err(forbidden(ctx));
    }
    let loaded = load(state, ctx, Some(PlanId(id))).await?;
    let ledger = loaded.ledger.ok_or(WebError::NotFound)?;
    let city = ledger.plan.city.clone();
    let issuer = format!("{}教育局", area_name(&city));
    let names = |code: &AreaCode| area_name(code);
    Ok(plans::summary::build(
        &ledger,
        &loaded.projects,
        &plans::summary::Context {
            issuer: &issuer,
            area_name: &names,
        },
    ))
}

/// `GET /plans/{id}/summary`: the summary as a page to read and print.
pub async fn summary(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Markup, WebError> {
    let doc = document(&state, &ctx, id).await?;
    let lang = ctx.lang;
    // Every figure of the body and the attachments, in order (the 数据说明).
    let figures: Vec<&gongwen::Figure> = doc
        .blocks
        .iter()
        .chain(doc.attachments.iter().flat_map(|a| a.blocks.iter()))
        .filter_map(|b| match b {
            Block::Paragraph(runs) => Some(runs),
            _ => None,
        })
        .flatten()
        .filter_map(|r| match r {
            Run::Figure(f) => Some(f),
            Run::Text(_) => None,
        })
        .collect();
    let body = html! {
        nav.plan-links {
            a.button href={ "/plans/" (id) } { (t(lang, Msg::BackToPlan)) }
            a.button #summary-docx href={ "/plans/" (id) "/summary.docx" } { (t(lang, Msg::PlanSummaryDocx)) }
        }
        article.gongwen #summary {
            h1.gongwen-title { @for (i, line) in doc.title.split('\n').enumerate() { @if i > 0 { br; } (line) } }
            @if let Some(sub) = &doc.subtitle { p.gongwen-subtitle { (sub) } }
            (blocks(&doc.blocks))
            @if doc.issuer.is_some() || doc.date.is_some() {
                p.gongwen-signature {
                    @if let Some(issuer) = &doc.issuer { (issuer) br; }
                    @if let Some(date) = doc.date { (gongwen::chinese_date(date)) }
                }
            }
            @for (i, a) in doc.attachments.iter().enumerate() {
                section.gongwen-attachment {
                    p { "附件" (i + 1) }
                    h2 { (a.title) }
                    (blocks(&a.blocks))
                }
            }
            @if !figures.is_empty() {
                section.gongwen-attachment #figures {
                    h2 { (t(lang, Msg::FigureTrace)) }
                    div.table-wrap { table {
                        thead { tr { th { "数值" } th { "指标" } th { "计算" } th { "来源" } } }
                        tbody { @for f in &figures { tr {
                            td { (f.text) } td { (f.trace.label) } td { (f.trace.formula) } td { (f.trace.source) }
                        } } }
                    } }
                }
            }
        }
    };
    Ok(page(&ctx, &doc.title.replace('\n', ""), body))
}

/// The body's blocks, headings numbered as the 公文 numbers them
/// (一、 · （一） · 1. · （1）), each figure with its trace on hover.
fn blocks(blocks: &[Block]) -> Markup {
    let mut counts = [0u32; 4];
    html! {
        @for b in blocks {
            @match b {
                Block::Heading { level, text } => {
                    @let number = heading_number(&mut counts, *level);
                    @let tag_level = level.clamp(&1, &4);
                    @if *tag_level == 1 { h2.gongwen-h1 { (number) (text) } }
                    @else if *tag_level == 2 { h3.gongwen-h2 { (number) (text) } }
                    @else { h4.gongwen-h3 { (number) (text) } }
                }
                Block::Paragraph(runs) => {
                    p.gongwen-p { @for r in runs { @match r {
                        Run::Text(text) => { @for (i, line) in text.split('\n').enumerate() { @if i > 0 { br; } (line) } }
                        Run::Figure(f) => span.figure title={ (f.trace.label) "：" (f.trace.formula) "（" (f.trace.source) "）" } { (f.text) }
                    } } }
                }
                Block::Table(table) => {
                    @if !table.caption.is_empty() { p.gongwen-caption { (table.caption) } }
                    div.table-wrap { table {
                        thead { tr { @for h in &table.header { th { (h) } } } }
                        tbody { @for row in &table.rows { tr { @for c in row { td { (c) } } } } }
                    } }
                }
            }
        }
    }
}

fn heading_number(counts: &mut [u32; 4], level: u8) -> String {
    let index = usize::from(level.clamp(1, 4)) - 1;
    counts[index] = counts[index].saturating_add(1);
    for lower in &mut counts[index + 1..] {
        *lower = 0;
    }
    let n = counts[index];
    match index {
        0 => format!("{}、", chinese_numeral(n)),
        1 => format!("（{}）", chinese_numeral(n)),
        2 => format!("{n}."),
        _ => format!("（{n}）"),
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九; beyond, the digits.
fn chinese_numeral(n: u32) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_owned(),
        10..=19 => format!("十{}", if n > 10 { DIGITS[(n % 10) as usize] } else { "" }),
        20..=99 => format!(
            "{}十{}",
            DIGITS[(n / 10) as usize],
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            }
        ),
        _ => n.to_string(),
    }
}

/// `GET /plans/{id}/summary.docx`: the 公文 as Word.
pub async fn docx(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let doc = document(&state, &ctx, id).await?;
    // CPU work (zip and XML), off the async threads, holding no connection.
    let bytes = tokio::task::spawn_blocking(move || gongwen::to_docx(&doc))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let today = crate::pages::plans::today();
    let title = format!(
        "进展情况总结-{}年{}月{}日.docx",
        today.year(),
        today.month(),
        today.day()
    );
    let fallback = format!("summary-{today}.docx");
    Ok((
        [
            (header::CONTENT_TYPE, DOCX.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                crate::download::attachment_with_fallback(&title, &fallback),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /plans/{id}/ledger.xlsx`: the 督办台账 workbook.
pub async fn ledger(
    State(state): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    if !ctx.principal.can_download_plan_reports() {
        return Err(forbidden(&ctx));
    }
    let loaded = load(&state, &ctx, Some(PlanId(id))).await?;
    let ledger = loaded.ledger.ok_or(WebError::NotFound)?;
    let city = ledger.plan.city.clone();
    let counties = state
        .with_store(move |s| {
            Ok(s.child_areas(city.as_str())?
                .into_iter()
                .filter(|a| a.level() == registry::AreaLevel::County)
                .collect::<Vec<_>>())
        })
        .await?;
    let title = format!(
        "督办台账-{}年{}月{}日.xlsx",
        ledger.today.year(),
        ledger.today.month(),
        ledger.today.day()
    );
    let fallback = format!("ledger-{}.xlsx", ledger.today);
    let specs: Vec<plans::ProjectSpec> = loaded.projects.into_iter().map(|p| p.spec).collect();
    let bytes =
        tokio::task::spawn_blocking(move || import_export::ledger_workbook(&ledger, &specs, &counties))
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?
            .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(crate::download::xlsx(&title, &fallback, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_numbered_as_a_gongwen_numbers_them() {
        let mut counts = [0; 4];
        let got: Vec<String> = [1, 2, 2, 3, 1, 2, 4]
            .into_iter()
            .map(|l| heading_number(&mut counts, l))
            .collect();
        assert_eq!(got, ["一、", "（一）", "（二）", "1.", "二、", "（一）", "（1）"]);
        assert_eq!(chinese_numeral(10), "十");
        assert_eq!(chinese_numeral(12), "十二");
        assert_eq!(chinese_numeral(20), "二十");
        assert_eq!(chinese_numeral(99), "九十九");
    }
}
