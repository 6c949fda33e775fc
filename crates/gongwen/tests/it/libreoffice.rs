//! The sample summary opens in LibreOffice: converted to PDF, its text holds
//! the title and the computed figures (开工率 82.5%, 完工率 50%), a body
//! line holds 28 characters, the 公文 fonts became Song and Hei faces, and
//! page 1 is kept as a PNG under
//! `target/artefacts/gongwen-sample/`. Skipped (one line) without soffice or
//! pdftotext, failed under CI=true.

use crate::sample::sample;

#[test]
fn the_sample_summary_converts_with_libreoffice_and_its_pdf_holds_the_figures() {
    let Ok(bytes) = gongwen::to_docx(&sample()) else {
        panic!("render failed")
    };
    let rendered = match office_check::convert(&bytes, "gongwen-sample") {
        Ok(Some(r)) => r,
        Ok(None) => return,
        Err(e) => panic!("{e}"),
    };
    println!(
        "LibreOffice took {:?}; {} pages; page 1: {}",
        rendered.convert_time,
        rendered.pages,
        rendered.png.display()
    );
    // pdftotext puts spaces between Chinese and Latin runs; compare without them.
    let text: String = rendered.text.chars().filter(|c| !c.is_whitespace()).collect();
    for expected in [
        "济南市教育局2026年上半年工作总结",
        "开工率达到82.5%",
        "完工率达到50%",
        "33÷40=", // the 数据说明 row (its cell wraps before the result)
        "数据说明",
        "2026年7月1日",
        "—1—",
        "—2—",
    ] {
        assert!(
            text.contains(expected),
            "{expected} not in the PDF:\n{}",
            rendered.text
        );
    }
    // 28 characters a line: the first body line, indented two characters,
    // holds 26 (with 16 pt characters and no tightening it held 25).
    let lines: Vec<String> = rendered
        .text
        .lines()
        .map(|l| l.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    let first = lines
        .iter()
        .position(|l| l.starts_with("今年以来"))
        .unwrap_or_else(|| panic!("no body line in:\n{}", rendered.text));
    assert_eq!(lines[first].chars().count(), 26, "{:?}", lines[first]);
    assert!(
        rendered.pages >= 4,
        "body, 落款 and two attachments: {} pages",
        rendered.pages
    );
    // The 公文 font names became a Song (serif) face for the body and the
    // title and a Hei (sans) face for the 黑体 headings — not one fallback
    // for all, and not boxes: office-check's fonts.conf maps them.
    let cjk: Vec<&String> = rendered.fonts.iter().filter(|f| f.contains("CJK")).collect();
    if cjk.is_empty() && !office_check::in_ci() {
        println!("skipped the font check: no Noto CJK font (fonts-noto-cjk) on this machine");
    } else {
        assert!(
            cjk.iter().any(|f| f.contains("Serif")),
            "no serif CJK face in {:?}",
            rendered.fonts
        );
        assert!(
            cjk.iter().any(|f| f.contains("Sans")),
            "no sans CJK face in {:?}",
            rendered.fonts
        );
    }
    let png = std::fs::metadata(&rendered.png).map(|m| m.len()).unwrap_or(0);
    assert!(
        png > 10_000,
        "page 1 PNG at {} is {png} bytes",
        rendered.png.display()
    );
}
