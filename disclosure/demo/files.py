"""The demo's attachments, made at load time from the item's own text: a PDF of the document
(WeasyPrint with the Noto CJK fonts, as the booklet and the letters), a Word form or an Excel
table. Every file carries the item's title, so what a reader downloads is the item itself.

PDFs are laid out in one WeasyPrint pass and written out one document at a time; the bytes are
kept per text, so a test process that loads the demo again does not lay them out twice.
"""

import io
import logging
from html import escape

# One face in one weight: each PDF then embeds one font subset, which is most of its weight
# and of the time it takes to write. No page numbers: the documents are laid out as one run and
# a counter would go on from the document before.
PDF_STYLE = """
@page { size: A4; margin: 25mm 22mm; }
body { font-family: "Noto Sans CJK SC", sans-serif; font-size: 12pt; line-height: 1.7; }
h1 { font-size: 17pt; font-weight: normal; text-align: center; line-height: 1.4; margin: 0 0 6mm; }
.number { text-align: center; margin: 0 0 8mm; }
p { text-indent: 2em; margin: 0 0 2mm; }
section { break-before: page; }
"""
_pdf_cache = {}


def document_html(title, number, paragraphs):
    """Return one document's HTML: the title, its 文号 and its paragraphs."""
    number_line = f'<p class="number">{escape(number)}</p>' if number else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"<h1>{escape(title)}</h1>{number_line}{body}"


def render_pdfs(documents):
    """Return the PDF bytes of each (title, number, paragraphs) in documents, in order."""
    sections = [document_html(*document) for document in documents]
    missing = [section for section in dict.fromkeys(sections) if section not in _pdf_cache]
    if missing:
        from weasyprint import HTML

        # WeasyPrint reports every layout step at INFO: not the loader's output.
        logging.getLogger("weasyprint").setLevel(logging.WARNING)
        html = "".join(
            f'<section id="doc{index}">{section}</section>' for index, section in enumerate(missing)
        )
        rendered = HTML(
            string=f"<html lang='zh-CN'><head><style>{PDF_STYLE}</style></head><body>{html}"
        ).render()
        starts = {}
        for number, page in enumerate(rendered.pages):
            for anchor in page.anchors:
                if anchor.startswith("doc"):
                    starts.setdefault(int(anchor[3:]), number)
        bounds = [starts[index] for index in range(len(missing))] + [len(rendered.pages)]
        for index, section in enumerate(missing):
            pages = rendered.pages[bounds[index] : bounds[index + 1]]
            _pdf_cache[section] = rendered.copy(pages).write_pdf()
    return [_pdf_cache[section] for section in sections]


def make_docx(title, number, paragraphs, *, form_rows=()):
    """Return a Word document: the title, its 文号, the paragraphs and, if given, a form table."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    heading = document.add_heading(title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if number:
        document.add_paragraph(number).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if form_rows:
        table = document.add_table(rows=0, cols=4)
        table.style = "Table Grid"
        for row in form_rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=False):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(title, header, rows, *, note=""):
    """Return an Excel workbook: the title in the first row, then the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "明细表"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    if note:
        sheet.append([])
        sheet.append([note])
    for index, _ in enumerate(header, start=1):
        sheet.column_dimensions[chr(64 + index)].width = 18 if index > 1 else 8
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
