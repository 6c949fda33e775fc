"""The progress summary written with python-docx, for `cargo xtask bench plans`:
the peer a bureau's engineer who writes Python would pick. It writes the same
text as edugov's `gongwen::to_docx` (exported by the benchmark as JSON):
title, headings, paragraphs with each figure followed by its superscript
数据说明 number, tables with their captions, the 落款 and date, and the
attachments (the last one the 数据说明 table), each on a new page — with the
公文 settings a careful engineer would set by hand: A4 and its margins, the
East Asian fonts (仿宋_GB2312 body, 黑体/楷体 headings, 小标宋 title) set on
every run, 3号 (16 pt) body with a two-character first-line indent, and a
page number in the footer.

Usage: python3 docx_summary.py SUMMARY.json OUT.docx
Prints one JSON line: the seconds from the empty Document to the saved file
(reading the JSON and importing python-docx excluded).
"""

import json
import sys
import time

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

BODY = "仿宋_GB2312"
TITLE = "方正小标宋简体"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312", 4: "仿宋_GB2312"}
CHINESE_NUMBERS = "一二三四五六七八九十"


def chinese(n):
    if n <= 10:
        return CHINESE_NUMBERS[n - 1]
    if n < 20:
        return "十" + CHINESE_NUMBERS[n - 11]
    tens, units = divmod(n, 10)
    return CHINESE_NUMBERS[tens - 1] + "十" + (CHINESE_NUMBERS[units - 1] if units else "")


def heading_number(level, n):
    if level == 1:
        return f"{chinese(n)}、"
    if level == 2:
        return f"（{chinese(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def font(run, name, size, bold=False):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:hAnsi"), name)


def paragraph(doc, text="", size=16, name=BODY, indent=True, align=None):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(28.95)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    if text:
        font(p.add_run(text), name, size)
    return p


def page_number(section):
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(p.add_run("— "), BODY, 14)
    run = p.add_run()
    font(run, BODY, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    font(p.add_run(" —"), BODY, 14)


def blocks(doc, items):
    counters = [0, 0, 0, 0]
    for b in items:
        if "heading" in b:
            level = min(max(int(b["heading"]), 1), 4)
            counters[level - 1] += 1
            for deeper in range(level, 4):
                counters[deeper] = 0
            text = heading_number(level, counters[level - 1]) + b["text"]
            paragraph(doc, text, name=HEADING_FONTS[level])
        elif "paragraph" in b:
            p = paragraph(doc)
            for r in b["paragraph"]:
                if "text" in r:
                    font(p.add_run(r["text"]), BODY, 16)
                else:
                    font(p.add_run(r["figure"]), BODY, 16)
                    mark = p.add_run(f"[{r['mark']}]")
                    font(mark, BODY, 16)
                    mark.font.superscript = True
        else:
            if b["caption"]:
                paragraph(doc, b["caption"], name="黑体", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
            columns = max([len(b["header"])] + [len(r) for r in b["rows"]])
            table = doc.add_table(rows=1 + len(b["rows"]), cols=columns)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for row, cells in zip(table.rows, [b["header"]] + b["rows"]):
                for cell, text in zip(row.cells, cells):
                    p = cell.paragraphs[0]
                    font(p.add_run(text), BODY, 12)


def write(data, out):
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    page_number(section)
    for line in data["title"].split("\n"):
        paragraph(doc, line, size=22, name=TITLE, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    if data.get("subtitle"):
        paragraph(doc, data["subtitle"], indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(doc)
    blocks(doc, data["blocks"])
    attachments = data["attachments"]
    if attachments:
        paragraph(doc)
        for i, a in enumerate(attachments, 1):
            prefix = "附件：" if i == 1 else "　　　"
            paragraph(doc, f"{prefix}{i}．{a['title']}")
    if data.get("issuer"):
        paragraph(doc)
        paragraph(doc, data["issuer"], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if data.get("date"):
        paragraph(doc, data["date"], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    for i, a in enumerate(attachments, 1):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        paragraph(doc, f"附件{i}", name="黑体", indent=False)
        paragraph(doc, a["title"], size=22, name=TITLE, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        blocks(doc, a["blocks"])
    doc.save(out)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    start = time.perf_counter()
    write(data, sys.argv[2])
    print(json.dumps({"seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
