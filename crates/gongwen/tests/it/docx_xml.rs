//! The .docx's XML holds the GB/T 9704 layout — page size, margins, the
//! 580-twip grid, fonts by heading level, "— N —" page numbers — and the
//! report's figures with their 数据说明 rows; and no input makes the
//! renderer panic.

use crate::sample::{part, sample, SOURCE_START};
use gongwen::{to_docx, Attachment, Block, Document, Figure, Run, Table};

fn document_xml(doc: &Document) -> String {
    match to_docx(doc) {
        Ok(bytes) => part(&bytes, "word/document.xml"),
        Err(e) => panic!("render failed: {e}"),
    }
}

/// The text of every `<w:t>` in `xml`, in order.
fn texts(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<w:t") {
        rest = &rest[start + 4..];
        // `<w:t>` or `<w:t xml:space=…>`, not `<w:tbl>`, `<w:tc>`, `<w:tr>`.
        if !(rest.starts_with('>') || rest.starts_with(' ')) {
            continue;
        }
        let Some(open_end) = rest.find('>') else { break };
        let Some(close) = rest.find("</w:t>") else { break };
        out.push(rest[open_end + 1..close].to_string());
        rest = &rest[close..];
    }
    out
}

/// The text of each cell of each row of every table in `xml`.
fn table_rows(xml: &str) -> Vec<Vec<String>> {
    xml.split("<w:tr>")
        .skip(1)
        .map(|row| {
            let row = row.split("</w:tr>").next().unwrap_or("");
            row.split("<w:tc>")
                .skip(1)
                .map(|cell| texts(cell).concat())
                .collect()
        })
        .collect()
}

/// The run properties (`<w:rPr>…</w:rPr>`) of the run holding `text`.
fn run_properties<'a>(xml: &'a str, text: &str) -> &'a str {
    let Some(at) = xml.find(&format!(">{text}</w:t>")) else {
        panic!("no run holds {text:?}");
    };
    let before = &xml[..at];
    let start = before.rfind("<w:rPr>").unwrap_or(0);
    let end = before[start..].find("</w:rPr>").map_or(at, |e| start + e);
    &xml[start..end]
}

/// The paragraph properties (`<w:pPr>…</w:pPr>`) of the paragraph holding `text`.
fn paragraph_properties<'a>(xml: &'a str, text: &str) -> &'a str {
    let Some(at) = xml.find(&format!(">{text}</w:t>")) else {
        panic!("no run holds {text:?}");
    };
    let start = xml[..at].rfind("<w:p ").unwrap_or(0);
    let end = xml[start..].find("</w:pPr>").map_or(at, |e| start + e);
    &xml[start..end]
}

#[test]
fn the_page_is_a4_with_the_standard_margins_and_a_22_line_grid_of_580_twips() {
    let xml = document_xml(&sample());
    assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838" />"#), "page size");
    for margin in [
        r#"w:top="2098""#,
        r#"w:right="1474""#,
        r#"w:bottom="1984""#,
        r#"w:left="1587""#,
    ] {
        assert!(xml.contains(margin), "margin {margin}");
    }
    assert!(
        xml.contains(r#"<w:docGrid w:type="lines" w:linePitch="580" />"#),
        "grid"
    );
    let body = paragraph_properties(&xml, "今年以来，市教育局坚持人民满意标准，加压奋进、狠抓落实，各项工作取得新进展。现将上半年工作总结如下。");
    assert!(body.contains(r#"<w:spacing w:line="580" w:lineRule="exact" />"#));
    assert!(
        body.contains(r#"w:firstLine="640""#),
        "first line indented two characters: {body}"
    );
}

#[test]
fn title_headings_and_body_have_their_fonts_and_sizes_and_headings_are_numbered() {
    let xml = document_xml(&sample());
    let cases = [
        ("济南市教育局2026年上半年工作总结", "方正小标宋简体", 44),
        ("一、聚焦办好每所学校，扩大优质教育资源供给", "黑体", 32),
        ("（一）加快中小学幼儿园建设", "楷体_GB2312", 32),
        ("1.分区县进展", "仿宋_GB2312", 32),
        ("（1）下一步安排", "仿宋_GB2312", 32),
        ("二、下半年工作打算", "黑体", 32),
        ("今年计划开工新建改扩建", "仿宋_GB2312", 32),
    ];
    for (text, font, size) in cases {
        let rpr = run_properties(&xml, text);
        assert!(rpr.contains(&format!(r#"w:eastAsia="{font}""#)), "{text}: {rpr}");
        assert!(
            rpr.contains(&format!(r#"<w:sz w:val="{size}" />"#)),
            "{text}: {rpr}"
        );
    }
    // 3号 text is set 0.25 pt tight so 28 characters fill the 156 mm line.
    assert!(run_properties(&xml, "今年计划开工新建改扩建").contains(r#"<w:spacing w:val="-5" />"#));
    assert!(!run_properties(&xml, "济南市教育局2026年上半年工作总结").contains("<w:spacing"));
    assert!(
        paragraph_properties(&xml, "济南市教育局2026年上半年工作总结").contains(r#"<w:jc w:val="center" />"#)
    );
    // Every run names all four font slots and hints East Asian.
    let fonts: Vec<&str> = xml.split("<w:rFonts").skip(1).collect();
    assert!(fonts.len() > 20);
    for f in fonts {
        let f = f.split("/>").next().unwrap_or("");
        for slot in [
            r#"w:ascii="Times New Roman""#,
            r#"w:hAnsi="Times New Roman""#,
            r#"w:cs="Times New Roman""#,
            r#"w:eastAsia=""#,
            r#"w:hint="eastAsia""#,
        ] {
            assert!(f.contains(slot), "{slot} missing in {f}");
        }
    }
}

#[test]
fn pages_are_numbered_with_a_page_field_between_dashes_odd_right_even_left() {
    let Ok(bytes) = to_docx(&sample()) else {
        panic!("render failed")
    };
    let xml = part(&bytes, "word/document.xml");
    assert!(xml.contains(r#"<w:footerReference w:type="default" r:id="rIdFooter1" />"#));
    assert!(xml.contains(r#"<w:footerReference w:type="even" r:id="rIdFooter2" />"#));
    assert!(part(&bytes, "word/settings.xml").contains("<w:evenAndOddHeaders />"));
    for (footer, side) in [("word/footer1.xml", "right"), ("word/footer2.xml", "left")] {
        let f = part(&bytes, footer);
        assert!(f.contains("<w:instrText>PAGE</w:instrText>"), "{footer}");
        assert!(f.contains(r#"<w:fldChar w:fldCharType="begin""#), "{footer}");
        assert!(f.contains(&format!(r#"<w:jc w:val="{side}" />"#)), "{footer}");
        assert!(f.contains(r#"<w:sz w:val="28" />"#), "4号: {footer}");
        assert!(f.contains(r#"w:eastAsia="宋体""#), "{footer}");
        let t = texts(&f);
        assert_eq!(t.first().map(String::as_str), Some("— "), "{footer}");
        assert_eq!(t.last().map(String::as_str), Some(" —"), "{footer}");
    }
}

#[test]
fn every_figure_is_printed_marked_and_traced_in_the_data_note_table() {
    let xml = document_xml(&sample());
    let t = texts(&xml);
    for (figure, mark) in [("40所", "[1]"), ("82.5%", "[4]"), ("50%", "[6]")] {
        let Some(i) = t.iter().position(|s| s == figure) else {
            panic!("{figure} is not printed");
        };
        assert_eq!(t.get(i + 1).map(String::as_str), Some(mark), "{figure}");
        assert!(run_properties(&xml, mark).contains(r#"<w:vertAlign w:val="superscript" />"#));
    }
    let rows = table_rows(&xml);
    let note = rows
        .iter()
        .position(|r| r == &["序号", "指标", "数值", "计算", "来源"])
        .unwrap_or_else(|| panic!("no 数据说明 header in {rows:?}"));
    let traced = &rows[note + 1..];
    assert_eq!(traced.len(), 6, "six distinct figures: {traced:?}");
    assert_eq!(
        traced[3],
        ["4", "开工率", "82.5%", "33 ÷ 40 = 82.5%", SOURCE_START]
    );
    assert_eq!(traced[5][1..3], ["完工率".to_string(), "50%".to_string()]);
    assert!(t.iter().any(|s| s == "数据说明"));
}

#[test]
fn the_same_figure_printed_twice_keeps_one_number_and_one_row() {
    let f = Figure::new("82.5%", "开工率", "33 ÷ 40 = 82.5%", SOURCE_START);
    let doc = Document {
        title: "t".into(),
        blocks: vec![
            Block::Paragraph(vec![Run::Figure(f.clone())]),
            Block::Paragraph(vec![Run::text("再说一次："), Run::Figure(f)]),
        ],
        ..Document::default()
    };
    let xml = document_xml(&doc);
    assert_eq!(texts(&xml).iter().filter(|s| *s == "[1]").count(), 2);
    assert!(!texts(&xml).iter().any(|s| s == "[2]"));
    assert_eq!(table_rows(&xml).len(), 2, "header and one figure");
}

#[test]
fn attachments_are_listed_under_the_body_and_the_date_is_written_in_arabic_numerals() {
    let xml = document_xml(&sample());
    let t = texts(&xml);
    for expected in [
        "附件：1. 2026年学校建设项目清单",
        "2. 数据说明",
        "济南市教育局",
        "2026年7月1日",
        "附件1",
        "附件2",
        "济教发〔2026〕12号",
    ] {
        assert!(t.iter().any(|s| s == expected), "{expected} missing: {t:?}");
    }
    let date = paragraph_properties(&xml, "2026年7月1日");
    assert!(date.contains(r#"<w:jc w:val="right" />"#));
    assert!(date.contains(r#"w:right="1280""#), "右空四字: {date}");
    assert!(paragraph_properties(&xml, "附件1").contains(r#"<w:pageBreakBefore />"#));
}

#[test]
fn a_document_without_figures_or_attachments_has_no_attachment_list() {
    let doc = Document {
        title: "通知".into(),
        blocks: vec![Block::paragraph("无数据。")],
        ..Document::default()
    };
    let t = texts(&document_xml(&doc));
    assert!(!t.iter().any(|s| s.starts_with("附件")), "{t:?}");
    assert!(!t.iter().any(|s| s == "数据说明"));
}

#[test]
fn odd_inputs_render_without_panicking() {
    let control: String = (0u8..32).map(char::from).collect();
    let docs = [
        Document::default(),
        Document {
            title: format!("标题{control}\u{FFFE}\u{FFFF}"),
            subtitle: Some(String::new()),
            issuer: Some("   ".into()),
            blocks: vec![
                Block::heading(0, ""),
                Block::heading(200, "深"),
                Block::Paragraph(vec![]),
                Block::Paragraph(vec![Run::Figure(Figure::new(control.clone(), "", "", ""))]),
                Block::Table(Table::default()),
                Block::Table(Table {
                    caption: "参差".into(),
                    header: vec![],
                    rows: vec![vec![], vec!["a".into(); 3], vec!["b".into()]],
                    widths: Some(vec![0, 0]),
                }),
                Block::Table(Table {
                    header: vec!["列".into(); 2000],
                    ..Table::default()
                }),
            ],
            attachments: vec![Attachment::default()],
            ..Document::default()
        },
    ];
    for doc in docs {
        let xml = document_xml(&doc);
        assert!(
            !xml.chars()
                .any(|c| c < ' ' && c != '\t' && c != '\n' && c != '\r'),
            "a character XML 1.0 forbids got through"
        );
    }
}

#[test]
fn a_large_report_renders_in_linear_time() {
    // 2 000 paragraphs of 500 characters (1 M characters) with a figure each.
    let blocks: Vec<Block> = (0..2000)
        .map(|i| {
            Block::Paragraph(vec![
                Run::text("学".repeat(500)),
                Run::Figure(Figure::new(format!("{i}所"), "计数", format!("{i}"), "台账")),
            ])
        })
        .collect();
    let doc = Document {
        title: "大".into(),
        blocks,
        ..Document::default()
    };
    let started = std::time::Instant::now();
    let Ok(bytes) = to_docx(&doc) else {
        panic!("render failed")
    };
    let xml = part(&bytes, "word/document.xml");
    assert!(xml.contains(">1999所</w:t>"));
    assert_eq!(table_rows(&xml).len(), 2001);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn the_issuer_is_centred_over_the_date_which_stands_four_characters_from_the_edge() {
    let doc = Document {
        title: "通知".into(),
        issuer: Some("教育局".into()),
        date: chrono::NaiveDate::from_ymd_opt(2026, 12, 31),
        ..Document::default()
    };
    let xml = document_xml(&doc);
    // "2026年12月31日" is 7 characters wide (digits count half), "教育局"
    // 3: the name stands 4 + (7 − 3) ÷ 2 = 6 characters (1920 twips) from
    // the edge.
    assert!(paragraph_properties(&xml, "2026年12月31日").contains(r#"w:right="1280""#));
    assert!(paragraph_properties(&xml, "教育局").contains(r#"w:right="1920""#));
}

#[test]
fn every_part_of_the_package_is_deflated() {
    let bytes = to_docx(&sample()).expect("docx");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("zip");
    let mut xml = 0;
    for i in 0..archive.len() {
        let part = archive.by_index(i).expect("part");
        assert_eq!(
            part.compression(),
            zip::CompressionMethod::Deflated,
            "{:?}",
            part.name()
        );
        xml += part.size();
    }
    // The sample's XML is repetitive: deflated, it takes a fraction.
    assert!(
        (bytes.len() as u64) * 4 < xml,
        "{} bytes for {xml} bytes of XML",
        bytes.len()
    );
}
